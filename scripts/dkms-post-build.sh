#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# dkms POST_BUILD (dkms.conf): keeps the Module.symvers of each build
# beside dkms's copy of the module, for drivers that call evobj's
# exported API (KBUILD_EXTRA_SYMBOLS, README "From a driver"). dkms
# removes that directory with the build, so nothing is left behind.
#   dkms-post-build.sh DKMS_BUILT_DIR    (run in dkms's build directory)
set -eu
dest=${1:?usage: dkms-post-build.sh /var/lib/dkms/evobj/VERSION/KVER/ARCH}
[ -d "$dest" ] || { echo "dkms-post-build: $dest missing" >&2; exit 1; }
cp kmod/Module.symvers "$dest/Module.symvers"
