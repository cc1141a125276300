#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs in the guest, the test VM, not on the host (make payload puts it
# in /payload; scripts/test.sh and scripts/coverage.sh run it there):
# every guest suite in turn, each between markers that carry its exit
# status, so that the host (scripts/count-results.awk) can count each
# suite's results and notice a suite that never ran or died.
suite() {
	name=$1; shift
	echo "EVOBJ-SUITE-BEGIN $name"
	"$@"
	echo "EVOBJ-SUITE-END $name rc=$?"
}

cd /payload || exit 1
suite selftests sh -c 'cd selftests && ./run.sh'
suite userspace sh -c 'cd userspace && ./run-tests.sh'
suite demo ./userspace/evobjctl demo
# The fuzzer and unload under load (issue 9), where scripts/test.sh asks
# for them: EVOBJ_FUZZ_CALLS calls (EVOBJ_FUZZ_SECONDS caps the time),
# and EVOBJ_UNLOAD_SECONDS of fuzzing while rmmod is refused, then
# unload, reload and check. The unload comes last: it reloads evobj.
if [ -n "${EVOBJ_FUZZ_CALLS:-}" ]; then
	suite fuzz ./selftests/evobj_fuzz --calls "$EVOBJ_FUZZ_CALLS" \
		${EVOBJ_FUZZ_SECONDS:+--seconds "$EVOBJ_FUZZ_SECONDS"}
fi
if [ -n "${EVOBJ_UNLOAD_SECONDS:-}" ]; then
	suite unload ./selftests/unload-under-load.sh "$EVOBJ_UNLOAD_SECONDS"
fi
exit 0
