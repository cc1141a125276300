#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
#
# Runs the library's GoogleTest suite, evobjctl's command-line tests and
# the event-loop examples inside the VM guest (POSIX sh; busybox is
# enough). From the build tree:
#   scripts/vm.sh -k 6.12 -p build/userspace-static/payload -- ./run-tests.sh
# Exit status: 0 only if everything ran and passed.
cd "$(dirname "$0")" || exit 1

# Inside the VM the module is loaded: a missing device is a failure.
EVOBJ_TESTS_REQUIRE_DEVICE=1
export EVOBJ_TESTS_REQUIRE_DEVICE
# Plain "[  PASSED  ] N tests" lines for the log parser, even on a tty.
GTEST_COLOR=no
export GTEST_COLOR

failed=
run() {
	echo "=== run-tests: $*"
	if "$@"; then
		echo "=== run-tests: $1: ok"
	else
		echo "=== run-tests: $1: FAILED (status $?)"
		failed="$failed $1"
	fi
}

if [ ! -x ./evobj_tests ]; then
	echo "run-tests: evobj_tests missing" >&2
	exit 1
fi
run ./evobj_tests "$@"
# The Win32 layer's and the pevents drop-in's GoogleTest suites (their
# tests are counted from GoogleTest's summary, like evobj_tests').
for suite in evobj_win32_tests evobj_pevents_tests; do
	if [ -x "./$suite" ]; then
		run "./$suite"
	else
		echo "=== run-tests: $suite: MISSING"
		failed="$failed $suite"
	fi
done
# evobjctl's command-line tests (named events from the shell).
if [ -x ./evobjctl_test ] && [ -x ./evobjctl ]; then
	run ./evobjctl_test ./evobjctl
else
	echo "=== run-tests: evobjctl_test: MISSING"
	failed="$failed evobjctl_test"
fi
for example in epoll_loop asio_wait uring_poll win32_c_test win32_port; do
	if [ -x "./$example" ]; then
		run "./$example"
	else
		echo "=== run-tests: $example: MISSING"
		failed="$failed $example"
	fi
done

if [ -n "$failed" ]; then
	echo "=== run-tests: FAILED:$failed"
	exit 1
fi
echo "=== run-tests: all passed"
