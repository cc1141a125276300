#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs every evobj selftest binary beside this script; exits non-zero if
# any of them failed. POSIX sh, for busybox in the test VM.

dir=$(dirname "$0")
rc=0
ran=0
for t in "$dir"/evobj_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	# The fuzzer runs on its own (scripts/guest/guest-tests.sh, make fuzz).
	case ${t##*/} in evobj_fuzz*) continue ;; esac
	# A 32-bit build needs a kernel with IA32 emulation: the harness's
	# -l lists the tests and exits 4 (skip) wherever the binary runs.
	case $t in
	*_32)
		"$t" -l >/dev/null 2>&1
		if [ $? -ne 4 ]; then
			echo "# === ${t##*/} SKIPPED: this kernel cannot run 32-bit binaries"
			continue
		fi
		;;
	esac
	ran=$((ran + 1))
	echo "# === ${t##*/}"
	"$t"
	st=$?
	if [ "$st" -ne 0 ]; then
		echo "# === ${t##*/} FAILED (exit $st)"
		rc=1
	fi
done
if [ "$ran" -eq 0 ]; then
	echo "# no evobj_* test binaries in $dir" >&2
	rc=1
fi
exit $rc
