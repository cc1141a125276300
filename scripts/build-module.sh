#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds evobj.ko out of tree for one Debian kernel flavour, in a copy of
# the sources under build/kmod/<flavour>/ so that several flavours (and
# several VMs at once) never share object files. Prints the module path.
#
#   scripts/build-module.sh 6.12|6.12-rt|6.1 [extra kbuild args, e.g. W=1 C=2]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || die "usage: $0 FLAVOUR [kbuild args...]"
fl=$1; shift
rel=$(kernel_release "$fl")
kdir=/usr/src/linux-headers-$rel
[ -d "$kdir" ] || die "$kdir missing; run scripts/setup.sh"

out=$EVOBJ_BUILD/kmod/$fl
mkdir -p "$out"
exec 9>"$out.lock"
flock 9
# Whatever kbuild leaves in a source tree stays out of the copy: a stale
# evobj.mod names the source tree's own objects by absolute path, and the
# copy would link those instead of what it compiled.
for d in kmod include uapi; do
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.d' \
		--exclude=modules.order --exclude=Module.symvers \
		"$EVOBJ_ROOT/$d/" "$out/$d/"
done
cp -p "$EVOBJ_ROOT/VERSION" "$out/VERSION"	# MODULE_VERSION (kmod/Kbuild)
# Out of tree the objects stay in the copy: rsync keeps their timestamps
# older than changed sources, so kbuild rebuilds only what changed.
make -s -C "$kdir" M="$out/kmod" "$@" modules >&2
echo "$out/kmod/evobj.ko"
