#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boots a kernel under qemu with a busybox initramfs, loads evobj, runs a
# command and brings back its output and exit status. The run fails if
# the command fails, if rmmod fails afterwards, or if the kernel log holds
# any warning, BUG, lockdep, KASAN or kmemleak report.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [options] -- COMMAND...
  -k, --kernel FLAVOUR  6.12 (default), 6.12-rt, 6.1, or debug (the KUnit
                        kernel of scripts/kunit.sh, evobj built in)
  -p, --payload DIR     copy DIR's contents into the guest's /payload
                        (repeatable); COMMAND runs there
  -t, --timeout SEC     give up after SEC seconds (default 900)
  -a, --append ARGS     extra kernel command line
  -l, --log FILE        keep the console log there
  -m, --memory MB       guest memory (default 1024, 2048 for debug)
      --no-module       do not insmod/rmmod (evobj built in)
USAGE
	exit "${1:-2}"
}

flavour=6.12 timeout=900 append= log= mem= module=1 payloads=()
while [ $# -gt 0 ]; do
	case $1 in
	-k|--kernel) flavour=$2; shift 2 ;;
	-p|--payload) payloads+=("$2"); shift 2 ;;
	-t|--timeout) timeout=$2; shift 2 ;;
	-a|--append) append=$2; shift 2 ;;
	-l|--log) log=$2; shift 2 ;;
	-m|--memory) mem=$2; shift 2 ;;
	--no-module) module=0; shift ;;
	-h|--help) usage 0 ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[ $# -gt 0 ] || usage

if [ "$flavour" = debug ]; then
	kernel=$EVOBJ_DEBUG_BZIMAGE
	[ -r "$kernel" ] || die "no debug kernel at $kernel; run scripts/kunit.sh"
	# evobj is built in; its KUnit suite ran under kunit.py already.
	module=0 append="kunit.enable=0 $append" mem=${mem:-2048}
else
	kernel=$(kernel_image "$(kernel_release "$flavour")")
fi
mem=${mem:-1024}
command -v qemu-system-x86_64 >/dev/null || die "qemu missing; run scripts/setup.sh"
[ -x /bin/busybox ] || die "busybox-static missing; run scripts/setup.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/evobj-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib,payload}
cp /bin/busybox "$root/bin/busybox"
for d in "${payloads[@]}"; do
	[ -d "$d" ] || die "payload $d is not a directory"
	cp -a "$d"/. "$root/payload/"
done
# EVOBJ_MODULE names a prebuilt evobj.ko (an older one, to compare).
[ "$module" = 0 ] ||
	cp "${EVOBJ_MODULE:-$("$EVOBJ_ROOT/scripts/build-module.sh" "$flavour")}" "$root/lib/evobj.ko"
printf '%s\n' "$*" >"$root/command"
cp "$EVOBJ_ROOT/scripts/vm-init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd"

mkdir -p "$EVOBJ_BUILD/vm"
log=${log:-$(mktemp "$EVOBJ_BUILD/vm/$flavour-XXXXXX.log")}
# Emulation on a busy host stretches time: skip the IO-APIC timer check
# that TCG once failed, and give RCU's stall detector two minutes rather
# than 21 s before it calls a slow vCPU stalled. A real hang lasts longer.
boot() {
	say "booting $(basename "$kernel") ($flavour) for: $*"
	set +e
	timeout --foreground -k 5 "$timeout" qemu-system-x86_64 \
		-bios qboot.rom -cpu max -smp 2 -m "$mem" -nographic -no-reboot -nodefaults \
		-serial stdio -kernel "$kernel" -initrd "$work/initrd" \
		-append "console=ttyS0 quiet panic=-1 no_timer_check rcupdate.rcu_cpu_stall_timeout=120 rdinit=/init $append" </dev/null |
		stdbuf -oL tr -d '\r' | tee "$log"
	qemu_rc=${PIPESTATUS[0]}
	set -e
}
boot "$@"
# A Debian kernel that dies before the guest's /init runs has not met
# evobj yet (it is insmodded after): the stock kernels have oopsed so
# under TCG in early boot, an int3 in code being patched. Boot once more,
# saying so, and keep the first console beside the second; a second such
# death fails the run. The debug kernel has evobj built in, so a death
# in its init is evobj's own: no second boot there.
if [ "$flavour" != debug ] && [ "$qemu_rc" != 124 ] && ! grep -q '^EVOBJ-BOOTED' "$log"; then
	mv "$log" "$log.first-boot"
	say "the kernel died before /init ran (console: $log.first-boot); booting once more"
	boot "$@"
fi

# Judge the run from the console.
[ "$qemu_rc" = 124 ] && { say "FAIL: timed out after ${timeout}s"; exit 124; }
rc=$(sed -n 's/^EVOBJ-RC=\([0-9]*\)$/\1/p' "$log" | tail -n 1)
[ -n "$rc" ] || { say "FAIL: the guest never finished (qemu exit $qemu_rc)"; exit 1; }
if ! "$EVOBJ_ROOT/scripts/klog-check.sh" "$log"; then
	say "FAIL: kernel log has reports (above)"
	exit 1
fi
if grep -q '^EVOBJ-RMMOD-FAILED' "$log"; then
	say "FAIL: rmmod evobj failed after the command"
	exit 1
fi
exit "$rc"
