#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Rebuilds evobj.ko for one kernel flavour with -fstack-usage and fails
# if any function's frame exceeds the limit (default 512 bytes): no ioctl
# path may use more than that in one frame. Prints the largest frames.
#
#   scripts/stack-check.sh FLAVOUR [LIMIT]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: $0 FLAVOUR [LIMIT]"
limit=${2:-512}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$(EVOBJ_BUILD=$tmp "$EVOBJ_ROOT/scripts/build-module.sh" "$1" \
	KCFLAGS=-fstack-usage 2>&1 >/dev/null) || { echo "$out"; exit 1; }
# Each line of a .su file: file:line:col:function<TAB>bytes<TAB>qualifier.
frames=$(cat "$tmp/kmod/$1"/kmod/*.su | awk -F'\t' '{ n = split($1, a, ":"); print $2, a[n] }' | sort -rn)
[ -n "$frames" ] || die "no stack usage data (was -fstack-usage honoured?)"
echo "largest frames ($1):"
head -n 5 <<<"$frames" | sed 's/^/  /'
over=$(awk -v max="$limit" '$1 > max' <<<"$frames")
if [ -n "$over" ]; then
	echo "frames over $limit bytes:"
	sed 's/^/  /' <<<"$over"
	exit 1
fi
