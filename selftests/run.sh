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
