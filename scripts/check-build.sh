#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Rebuilds evobj.ko from scratch for one kernel flavour with W=1 and
# sparse on every file (C=2) and fails if the compiler or sparse says
# anything at all.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 1 ] || die "usage: $0 FLAVOUR"
command -v sparse >/dev/null || die "sparse missing; run scripts/setup.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$(EVOBJ_BUILD=$tmp "$EVOBJ_ROOT/scripts/build-module.sh" "$1" W=1 C=2 2>&1 >/dev/null) ||
	{ echo "$out"; exit 1; }
# kbuild's own notes are not warnings.
noise='^(Skipping BTF generation|  CHECK|  CC|  LD|  MODPOST|  BTF)'
if out=$(grep -Ev "$noise" <<<"$out" | grep .); then
	echo "$out"
	exit 1
fi
