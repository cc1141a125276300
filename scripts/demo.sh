#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The main job: set up, build the module and the userspace, boot Debian's
# 6.12 kernel in qemu, load evobj and let `evobjctl demo` show it at work.
#
#   scripts/demo.sh [-k 6.12|6.12-rt|6.1]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=6.12
[ "${1:-}" = -k ] && flavour=$2

"$EVOBJ_ROOT/scripts/setup.sh"
say "building the module for $flavour"
"$EVOBJ_ROOT/scripts/build-module.sh" "$flavour" >/dev/null
say "building the library, evobjctl and the tests"
make -s -C "$EVOBJ_ROOT" payload >/dev/null
# The kernel log is checked by vm.sh; the demo shows only the guest's side.
"$EVOBJ_ROOT/scripts/vm.sh" -k "$flavour" -p "$EVOBJ_BUILD/payload" -- \
	'echo "# lsmod: $(grep ^evobj /proc/modules)"; ls -l /dev/evobj; ./userspace/evobjctl demo' |
	sed -e '/^EVOBJ-DMESG-BEGIN/,/^EVOBJ-DMESG-END/d' -e '/^\[ *[0-9.]*\] reboot:/d'
