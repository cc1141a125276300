#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM (scripts/test.sh puts it in /payload): every
# guest suite in turn, each between markers that carry its exit status,
# so the host can count each suite's results and notice a suite that
# never ran or died.
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
exit 0
