#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make coverage: line and branch coverage of kmod/*.c on the debug kernel
# (CONFIG_GCOV_KERNEL, GCOV_PROFILE := y in kmod/Kbuild). Boots the
# kernel of scripts/kunit.sh with KUnit enabled, so that the KUnit suites
# run at boot, then runs every guest suite (scripts/guest/guest-tests.sh: the
# selftests, the userspace tests, the demo) and the fuzzer if it is
# built, and brings evobj's .gcda files back over the serial console
# (tar, gzip, base64 between marker lines). gcovr pairs them with the
# .gcno files of the same build and writes, under build/coverage/:
#
#   index.html      the HTML report, a page per source file
#   summary.txt     line and branch coverage of kmod/*.c (the KUnit
#                   suites, kmod/kunit/, excluded), its last line
#                   "COVERAGE: lines ... branches ..."
#   uncovered.txt   every file's uncovered lines
#   vm.log          the guest's console
#
# Options: -t SECS guest timeout (default 3000); --fuzz-seconds S
# (default 60); --no-build skips `make payload`; --report-only makes the
# report again from the data of the last run; --kunit-only runs no guest
# suite (KUnit's share of the coverage).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

timeout=3000 fuzz_seconds=60 build_payload=1 report_only=0 suites=1
while [ $# -gt 0 ]; do
	case $1 in
	-t) timeout=$2; shift 2 ;;
	--fuzz-seconds) fuzz_seconds=$2; shift 2 ;;
	--no-build) build_payload=0; shift ;;
	--report-only) report_only=1; shift ;;
	--kunit-only) suites=0; shift ;;
	*) die "usage: ${0##*/} [-t SECS] [--fuzz-seconds S] [--no-build] [--report-only] [--kunit-only]" ;;
	esac
done

kbuild=$EVOBJ_CACHE/kunit-build
objdir=$kbuild/drivers/misc/evobj/kmod
kernel=$kbuild/arch/x86/boot/bzImage
out=$EVOBJ_BUILD/coverage
command -v gcovr >/dev/null || die "gcovr missing; run scripts/setup.sh"

# gcov needs the .gcno and the .gcda of one build, and the sources that
# build saw: the bzImage must be the one linked from these objects, and
# the objects built from the sources as they are now. Otherwise rebuild
# through scripts/kunit.sh (which also runs KUnit; its kmemleak boot is
# skipped, the coverage boot below runs KUnit again anyway).
stale() {
	local o f
	[ -r "$kernel" ] || { echo "no debug kernel at $kernel"; return; }
	ls "$objdir"/*.gcno >/dev/null 2>&1 ||
		{ echo "no .gcno in $objdir (a kernel without gcov)"; return; }
	[ "$(cat "$kbuild/.evobj-source" 2>/dev/null)" = "$EVOBJ_ROOT" ] ||
		{ echo "$kbuild holds evobj from another checkout"; return; }
	# The KUnit suites (kunit/) are not measured, but run in the boot.
	for o in "$objdir"/*.o "$objdir"/kunit/*.o; do
		[ -e "$o" ] || continue
		[ ! "$o" -nt "$kernel" ] || { echo "$o is newer than the bzImage"; return; }
		# The evobj sources and headers kbuild recorded for the object.
		for f in $(grep -o '[^ ]*drivers/misc/evobj/[^ ]*\.[ch]' \
				"$(dirname "$o")/.$(basename "$o").cmd" | sort -u); do
			[ ! "$f" -nt "$o" ] || { echo "$f changed since the debug kernel was built"; return; }
		done
	done
	for f in "$EVOBJ_ROOT"/kmod/*.c "$EVOBJ_ROOT"/kmod/kunit/*.c; do
		f=${f#"$EVOBJ_ROOT"/kmod/}
		f=$objdir/${f%.c}.o
		[ -e "$f" ] || { echo "$f was never built"; return; }
	done
}
rc=0
if [ "$report_only" = 0 ]; then
why=$(stale)
if [ -n "$why" ]; then
	say "$why: rebuilding it with scripts/kunit.sh"
	mkdir -p "$EVOBJ_BUILD"
	EVOBJ_KUNIT_KMEMLEAK=0 "$EVOBJ_ROOT/scripts/kunit.sh" >"$EVOBJ_BUILD/coverage-kunit.log" 2>&1 ||
		say "scripts/kunit.sh failed (see $EVOBJ_BUILD/coverage-kunit.log); going on if the kernel is built"
fi
# Nobody rebuilds it under us from here on (kunit.sh takes this lock).
exec 9>"$kbuild/.kunit.lock"
flock -s 9
why=$(stale)
[ -z "$why" ] || die "$why; run scripts/kunit.sh"

if [ "$build_payload" = 1 ]; then
	make -s -C "$EVOBJ_ROOT" payload >/dev/null
fi
payload=$EVOBJ_BUILD/payload
[ -x "$payload/guest-tests.sh" ] || die "no payload in $payload; run make payload"

rm -rf "$out"
mkdir -p "$out/data"

begin=EVOBJ-GCOV-BEGIN end=EVOBJ-GCOV-END
# In the guest: the suites, the fuzzer, then evobj's counters, wherever
# under debugfs gcov put them (the build directory's path).
# The stress tests at a fifth of their operations, as scripts/test.sh
# runs them on this kernel.
guest="EVOBJ_STRESS_OPS=20000 sh ./guest-tests.sh;"
[ "$suites" = 1 ] || guest=
guest+="
if [ $suites = 1 ] && [ -x selftests/evobj_fuzz ]; then
	echo 'EVOBJ-SUITE-BEGIN fuzz'; ./selftests/evobj_fuzz --seconds $fuzz_seconds; echo \"EVOBJ-SUITE-END fuzz rc=\$?\";
fi;
mkdir -p /tmp/gcda;
for f in \$(find /sys/kernel/debug/gcov -path '*/drivers/misc/evobj/kmod/*.gcda' ! -path '*/kmod/kunit/*'); do cat \$f >/tmp/gcda/\${f##*/}; done;
echo $begin; tar -C /tmp/gcda -cf - . | gzip -9 | base64; echo $end"

say "coverage run: KUnit at boot, the guest suites, ${fuzz_seconds}s of fuzzing"
EVOBJ_DEBUG_BZIMAGE=$kernel "$EVOBJ_ROOT/scripts/vm.sh" -k debug -a "kunit.enable=1" \
	-p "$payload" -t "$timeout" -l "$out/vm.log" -- "$guest" >/dev/null || rc=$?

# What ran, and how it ended.
grep -E '^EVOBJ-SUITE-END|^# Totals|^[0-9]+ passed|^# (ok|not ok) [0-9]+ evobj|^ok [0-9]+ evobj|^not ok [0-9]+ evobj' \
	"$out/vm.log" | sed 's/^/    /' >&2 || true
sed -n "/^$begin\$/,/^$end\$/{/^EVOBJ-GCOV-/d;p}" "$out/vm.log" | base64 -d | tar -xzf - -C "$out/data" ||
	die "no gcov data in $out/vm.log (guest exit $rc)"
ls "$out/data"/*.gcda >/dev/null 2>&1 || die "the guest found no evobj .gcda under /sys/kernel/debug/gcov"
cp "$objdir"/*.gcno "$out/data/"
fi

# gcov finds the sources through the path the compiler saw (the symlink
# in the kernel tree); gcovr names them relative to that directory but
# matches filters against their real path, this checkout's kmod/.
srcroot=$EVOBJ_SRC/drivers/misc/evobj
real=$(realpath "$EVOBJ_ROOT")
cd "$out/data"
gcovr_args=(--root "$srcroot" --object-directory "$out/data" --filter "$real/kmod/[^/]*\.c\$"
	    --exclude '.*/kmod/kunit/' --exclude-unreachable-branches "$out/data")
gcovr "${gcovr_args[@]}" --html-details "$out/index.html" \
	--html-title "evobj kmod coverage ($(date -u +%F))" --print-summary >"$out/summary.txt"
gcovr "${gcovr_args[@]}" --txt "$out/uncovered.txt" >/dev/null 2>&1 ||
	gcovr "${gcovr_args[@]}" >"$out/uncovered.txt"

lines=$(sed -n 's/^lines: *\([0-9.]*%\) (\([0-9]*\) out of \([0-9]*\)).*/\1 (\2 of \3)/p' "$out/summary.txt")
branches=$(sed -n 's/^branches: *\([0-9.]*%\) (\([0-9]*\) out of \([0-9]*\)).*/\1 (\2 of \3)/p' "$out/summary.txt")
echo "COVERAGE: lines $lines, branches $branches of kmod/*.c (kmod/kunit/ excluded)" |
	tee -a "$out/summary.txt"
cat "$out/uncovered.txt"
say "report: $out/index.html"
# guest-tests.sh exits 0; each suite's status is in its end marker.
if grep -q '^EVOBJ-SUITE-END .* rc=[1-9]' "$out/vm.log"; then
	say "FAIL: a guest suite failed: $(grep '^EVOBJ-SUITE-END .* rc=[1-9]' "$out/vm.log" | tr '\n' ' ')"
	rc=${rc/#0/1}
fi
if [ "$rc" != 0 ]; then
	say "FAIL: the coverage run's guest or kernel log failed (exit $rc); see $out/vm.log"
	exit "$rc"
fi
