#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The man pages of Documentation/man/ format without a single warning,
# under groff (every warning enabled) and mandoc's linter.
#   scripts/man-check.sh
set -u
dir=$(cd "$(dirname "$0")/../Documentation/man" && pwd) || exit 1
status=0
for page in "$dir"/*.[0-9]; do
	out=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1)
	if command -v mandoc >/dev/null; then
		out=$out$(mandoc -Tlint "$page" 2>&1)
	else
		out="${out}mandoc missing: run scripts/setup.sh"
	fi
	if [ -n "$out" ]; then
		echo "$out"
		status=1
	else
		echo "man-check: $(basename "$page"): clean"
	fi
done
exit $status
