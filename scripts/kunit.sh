#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the debug kernel (KASAN, lockdep, PROVE_RAW_LOCK_NESTING, kmemleak,
# debugobjects) with evobj and its KUnit suite built in, boot it under
# QEMU through the kernel's kunit.py, and judge the run: every case must
# pass and the kernel log must be free of any checker's report.
#
# Usage: scripts/kunit.sh [kunit.py run options...] [filter_glob]
# Environment: EVOBJ_CACHE (default ~/.cache/evobj), EVOBJ_KUNIT_TIMEOUT
# (seconds for the boot and the tests, default 1200), EVOBJ_KUNIT_KMEMLEAK
# (default 1: if the run passed, boot the same kernel again through
# scripts/vm.sh with KUnit enabled and a userspace that scans kmemleak
# afterwards, which kunit.py's init-less boot cannot do; 0 skips it).
#
# The last line is always "RESULT kunit (debug kernel): N passed, N failed,
# N skipped" (scripts/lib.sh's result_line); the exit status is non-zero
# if a case failed, the run crashed or timed out, no case ran, or the log
# shows a WARNING/BUG/lockdep/KASAN/kmemleak report.
# The bzImage stays in $EVOBJ_CACHE/kunit-build for scripts/vm.sh -k debug.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${EVOBJ_CACHE:-$HOME/.cache/evobj}
build=$cache/kunit-build
timeout=${EVOBJ_KUNIT_TIMEOUT:-1200}

mkdir -p "$build"

# One run at a time per build directory: kunit.py rewrites .config,
# the objects and test.log in place.
exec 9>"$build/.kunit.lock"
flock 9

ksrc=$("$repo/scripts/kernel-tree.sh")
# drivers/misc/evobj is a symlink to whichever checkout ran this last.
# make compares timestamps only, so objects built from another checkout
# can look newer than this one's sources: rebuild evobj when it moved.
if [[ "$(cat "$build/.evobj-source" 2>/dev/null || true)" != "$repo" ]]; then
	rm -rf "$build/drivers/misc/evobj"
	echo "$repo" >"$build/.evobj-source"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
json=$work/results.json

passed=0 failed=0 skipped=0 status=0
rm -f "$build/test.log"	# judge this run only
cd "$ksrc"
python3 tools/testing/kunit/kunit.py run \
	--arch=x86_64 \
	--build_dir="$build" \
	--kunitconfig="$repo/kmod/.kunitconfig" \
	--kunitconfig="$repo/scripts/debug.config" \
	--jobs="$(nproc)" \
	--qemu_args='-smp 2 -m 2048' \
	--timeout="$timeout" \
	--json="$json" \
	"$@" || status=$?

if [[ -s $json ]]; then
	read -r passed failed skipped < <(python3 - "$json" <<'PY'
import json, sys

def count(group, totals):
    for case in group.get("test_cases", []):
        totals[{"PASS": 0, "SKIP": 2}.get(case["status"], 1)] += 1
    for sub in group.get("sub_groups", []):
        count(sub, totals)
    return totals

with open(sys.argv[1]) as f:
    print(*count(json.load(f), [0, 0, 0]))
PY
	)
fi

if ((status != 0)); then
	echo "kunit: kunit.py exited with status $status (failure, crash or timeout)" >&2
elif ((passed + failed + skipped == 0)); then
	echo "kunit: no test case ran" >&2
	status=1
fi

# kunit.py tees the whole console to test.log. Any report from a checker
# fails the run even when every case passed: the suite exists to show
# that evobj keeps these silent.
if [[ -f $build/test.log ]] && ! "$repo/scripts/klog-check.sh" "$build/test.log"; then
	((status != 0)) || status=1
fi

# kunit.py reboots as soon as the tests end, before any userspace could
# ask kmemleak for a scan; scripts/vm.sh boots to its init, which does.
if ((status == 0)) && [[ ${EVOBJ_KUNIT_KMEMLEAK:-1} != 0 ]]; then
	echo "kunit: second boot for kmemleak (EVOBJ_KUNIT_KMEMLEAK=0 skips)" >&2
	vmlog=$work/vm.log
	if ! "$repo/scripts/vm.sh" -k debug -a "kunit.enable=1" \
		-t "$timeout" -l "$vmlog" -- true >/dev/null; then
		echo "kunit: the kmemleak boot failed; see above and $vmlog" >&2
		status=1
	elif grep -q 'not ok [0-9]* evobj' "$vmlog" ||
	     ! grep -q '[^t] ok [0-9]* evobj_stress$' "$vmlog"; then
		echo "kunit: the evobj suites did not all pass in the kmemleak boot" >&2
		status=1
	else
		echo "kunit: kmemleak found nothing after the suites ran" >&2
	fi
	if ((status != 0)); then
		cp "$vmlog" "$build/kmemleak-boot.log" 2>/dev/null || true
	fi
fi

result_line "kunit (debug kernel)" "$passed" "$failed" "$skipped"
exit "$status"
