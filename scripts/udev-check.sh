#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The udev rules of system/udev/ applied by a real systemd-udevd in a VM
# (scripts/guest/udev-guest.sh says what it checks): the host's udevadm with
# its libraries and loader, and the rules as `make install` installs
# them, the group one for EVOBJ_GROUP=evtest.
#
#   scripts/udev-check.sh [FLAVOUR]   (default 6.12)
#
# Prints the guest's checks and its result line, "RESULT udev rules
# (FLAVOUR): ..." (scripts/lib.sh's result_line); exits non-zero on a
# failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flavour=${1:-6.12}
udevadm=$(command -v udevadm) || die "no udevadm; run scripts/setup.sh (package udev)"
pay=$EVOBJ_BUILD/udev-payload
rm -rf "$pay"
mkdir -p "$pay/udev/lib"
cp "$EVOBJ_ROOT/scripts/guest/udev-guest.sh" "$pay/"
cp -L "$udevadm" "$pay/udev/udevadm"
# Its libraries, and the loader, run explicitly in the guest.
ldd "$udevadm" | while read -r name arrow path _; do
	case $name in
	/*ld-linux*) cp -L "$name" "$pay/udev/ld.so" ;;
	*) [ "$arrow" = "=>" ] && [ -f "$path" ] && cp -L "$path" "$pay/udev/lib/" ;;
	esac
done
[ -x "$pay/udev/ld.so" ] || die "no dynamic loader in ldd $udevadm"
# What make install writes to /etc/udev/rules.d/60-evobj.rules, for
# EVOBJ_GROUP unset and for EVOBJ_GROUP=evtest (its sed, the Makefile's).
cp "$EVOBJ_ROOT/system/udev/60-evobj.rules" "$pay/udev/60-evobj.rules"
sed 's/GROUP="evobj"/GROUP="evtest"/' "$EVOBJ_ROOT/system/udev/60-evobj-group.rules" \
	>"$pay/udev/60-evobj-group.rules"

rc=0
"$EVOBJ_ROOT/scripts/vm.sh" -k "$flavour" -p "$pay" -t 600 -l "$EVOBJ_BUILD/vm/udev-$flavour.log" \
	-- ./udev-guest.sh "$flavour" >/dev/null || rc=$?

grep -E '^(ok|not ok) - udev|^RESULT ' "$EVOBJ_BUILD/vm/udev-$flavour.log" || true
exit $rc
