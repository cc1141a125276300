#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Prepare the kernel tree that builds the debug kernel: extract Debian's
# linux-source-6.12 into the cache if absent and graft this repository
# into it as drivers/misc/evobj. Idempotent; prints the tree's path.
#
# Environment: EVOBJ_CACHE (default ~/.cache/evobj), EVOBJ_KSRC (default
# $EVOBJ_CACHE/linux-source-6.12), EVOBJ_KSRC_TARBALL.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${EVOBJ_CACHE:-$HOME/.cache/evobj}
ksrc=${EVOBJ_KSRC:-$cache/linux-source-6.12}
tarball=${EVOBJ_KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}

if [[ ! -f $ksrc/Makefile ]]; then
	[[ -f $tarball ]] || {
		echo "kernel-tree: $tarball missing (apt-get install linux-source-6.12)" >&2
		exit 1
	}
	mkdir -p "$(dirname "$ksrc")"
	# Extract beside the final name and rename, so that an interrupted
	# extraction is never mistaken for a tree.
	tmp=$(mktemp -d "$(dirname "$ksrc")/.extract.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "kernel-tree: extracting $tarball" >&2
	tar -xf "$tarball" -C "$tmp"
	mv "$tmp/$(basename "$tarball" .tar.xz)" "$ksrc"
fi

link=$ksrc/drivers/misc/evobj
if [[ "$(readlink "$link" 2>/dev/null || true)" != "$repo" ]]; then
	rm -f "$link"
	ln -s "$repo" "$link"
fi

if ! grep -q '^source "drivers/misc/evobj/Kconfig"$' "$ksrc/drivers/misc/Kconfig"; then
	# Insert before the last endmenu, which closes the "Misc devices" menu.
	last=$(grep -n '^endmenu' "$ksrc/drivers/misc/Kconfig" | tail -n1 | cut -d: -f1)
	sed -i "${last}i source \"drivers/misc/evobj/Kconfig\"" "$ksrc/drivers/misc/Kconfig"
fi

if ! grep -q '^obj-$(CONFIG_EVOBJ)' "$ksrc/drivers/misc/Makefile"; then
	printf 'obj-$(CONFIG_EVOBJ)\t\t+= evobj/\n' >>"$ksrc/drivers/misc/Makefile"
fi

echo "$ksrc"
