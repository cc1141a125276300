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
      --smp N           vCPUs (default 2)
  -q, --qemu ARG        one more qemu argument (repeatable), e.g.
                        --smp 1 -q -icount -q shift=2,sleep=off
  -s, --silence SEC     a console silent for SEC seconds, but for the
                        guest kernel's soft-lockup and RCU-stall lines, is
                        a hung guest: boot once more (default 0, never)
      --no-module       do not insmod/rmmod (evobj built in)
USAGE
	exit "${1:-2}"
}

flavour=6.12 timeout=900 append= log= mem= module=1 silence=0 smp=2 payloads=() qemu_extra=()
while [ $# -gt 0 ]; do
	case $1 in
	-k|--kernel) flavour=$2; shift 2 ;;
	-p|--payload) payloads+=("$2"); shift 2 ;;
	-t|--timeout) timeout=$2; shift 2 ;;
	-a|--append) append=$2; shift 2 ;;
	-l|--log) log=$2; shift 2 ;;
	-m|--memory) mem=$2; shift 2 ;;
	-s|--silence) silence=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	-q|--qemu) qemu_extra+=("$2"); shift 2 ;;
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
cp "$EVOBJ_ROOT/scripts/guest/vm-init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd"

mkdir -p "$EVOBJ_BUILD/vm"
log=${log:-$(mktemp "$EVOBJ_BUILD/vm/$flavour-XXXXXX.log")}
# Emulation on a busy host stretches time: skip the IO-APIC timer check
# that TCG once failed, and give RCU's stall detector two minutes rather
# than 21 s before it calls a slow vCPU stalled. A real hang lasts longer.
boot() {
	say "booting $(basename "$kernel") ($flavour) for: $*"
	rm -f "$work/qemu.pid" "$work/hung"
	local wpid=
	if [ "$silence" != 0 ]; then
		watch_console &
		wpid=$!
	fi
	set +e
	timeout --foreground -k 5 "$timeout" qemu-system-x86_64 \
		-bios qboot.rom -cpu max -smp "$smp" -m "$mem" -nographic -no-reboot -nodefaults \
		-serial stdio -kernel "$kernel" -initrd "$work/initrd" -pidfile "$work/qemu.pid" \
		-append "console=ttyS0 quiet panic=-1 no_timer_check rcupdate.rcu_cpu_stall_timeout=120 rdinit=/init $append" \
		${qemu_extra[@]+"${qemu_extra[@]}"} </dev/null |
		stdbuf -oL tr -d '\r' | tee "$log"
	qemu_rc=${PIPESTATUS[0]}
	set -e
	if [ -n "$wpid" ]; then
		kill "$wpid" 2>/dev/null || true
		wait "$wpid" 2>/dev/null || true
	fi
	return 0
}
# Stops qemu once the console has been silent for $silence seconds. The
# guest kernel's own stall reports do not count as output: a 6.1 guest
# stuck in static-key patching (evobj_trace toggling tracepoints) under
# TCG printed nothing but soft lockups and RCU stalls for 11 minutes.
watch_console() {
	local size last=-1 quiet=0
	while sleep 10; do
		size=$(grep -Ev 'watchdog: BUG: soft lockup|rcu: |rcu_preempt' "$log" 2>/dev/null | wc -c)
		if [ "$size" != "$last" ]; then
			last=$size quiet=0
		elif [ $((quiet += 10)) -ge "$silence" ] && [ -s "$work/qemu.pid" ]; then
			: >"$work/hung"
			kill "$(cat "$work/qemu.pid")"
			return
		fi
	done
}
# Why a run may boot twice, once at most, saying so and keeping the first
# console beside the second (LOG.first-boot, LOG.hung):
# - a Debian kernel that died before the guest's /init ran has not met
#   evobj yet (it is insmodded after): the stock kernels have oopsed so
#   under TCG in early boot, an int3 in code being patched. The debug
#   kernel has evobj built in, so a death in its boot is evobj's own;
# - with --silence, a guest whose console said nothing for that long
#   while qemu kept its vCPUs busy: a 6.1 guest did so for 30 minutes
#   inside a tracefs write that patches static keys, both vCPUs spinning
#   and not one report. A hang of the guest's kernel that it can see
#   itself is reported on the console (soft lockups in 20 s, RCU stalls
#   and hung tasks in 120 s) and so is not silent: that one fails,
#   unless those reports are all it says for that long (the 6.1 guest
#   above did that once too); the first console keeps them.
boot "$@"
if [ -e "$work/hung" ]; then
	mv "$log" "$log.hung"
	say "the console was silent for ${silence}s: guest hung, stopped (console: $log.hung); booting once more"
	boot "$@"
	[ ! -e "$work/hung" ] || { say "FAIL: the console was silent for ${silence}s again"; exit 1; }
elif [ "$flavour" != debug ] && [ "$qemu_rc" != 124 ] && ! grep -q '^EVOBJ-BOOTED' "$log"; then
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
