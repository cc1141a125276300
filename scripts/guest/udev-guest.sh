#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs in the guest, the test VM, not on the host (scripts/udev-check.sh
# lays out /payload): the installed udev rules applied by a real
# systemd-udevd, the host's, with its own libraries and loader under
# /payload/udev. evobj is loaded (scripts/guest/vm-init.sh insmods
# /lib/evobj.ko).
#
#  1. 60-evobj.rules: a /dev/evobj whose mode was changed is 0666 root
#     again after `udevadm trigger --sysname-match=evobj`, and so is
#     evobj's /dev/ntsync (every check is made of both nodes);
#  2. 60-evobj-group.rules as `make install EVOBJ_GROUP=evtest` installs
#     it (the host made it so), switched to as the documentation says
#     (copy, `udevadm control --reload`, trigger): 0660, group evtest;
#  3. the same after unloading and loading the module (the uevent a
#     boot sends), where the kernel makes the node 0666.
#
# Prints one line per check, then the result line of scripts/lib.sh's
# result_line, named after the host's flavour (FLAVOUR):
#   RESULT udev rules (FLAVOUR): N passed, N failed, 0 skipped
# POSIX sh, for busybox.
#
#   udev-guest.sh FLAVOUR

u=/payload/udev
pass=0 fail=0
name="udev rules (${1:-unknown kernel})"

ok() { echo "ok - udev: $*"; pass=$((pass + 1)); }
notok() { echo "not ok - udev: $*"; fail=$((fail + 1)); }
totals() {
	udevadm control --exit 2>/dev/null
	echo "RESULT $name: $pass passed, $fail failed, 0 skipped"
	[ "$fail" -eq 0 ]
	exit $?
}
udevadm() { "$u/ld.so" --library-path "$u/lib" "$u/udevadm" "$@"; }
# The mode and group of /dev/evobj and of evobj's /dev/ntsync must be
# WANT ("666 root"), said WHEN, for RULES.
#   expect_node WANT WHEN RULES
expect_node() {
	for node in /dev/evobj /dev/ntsync; do
		got=$(stat -c '%a %G' $node 2>/dev/null)
		if [ "$got" = "$1" ]; then
			ok "$3: $node $1 $2"
		else
			notok "$3: $node is '$got' $2, want '$1'"
		fi
	done
}
trigger() { udevadm trigger --sysname-match=evobj --sysname-match=ntsync; }
# udevd done with every event.
settle() { udevadm settle --timeout=30; }

mkdir -p /etc/udev/rules.d /run/udev
echo 'root:x:0:0:root:/:/bin/sh' >/etc/passwd
printf 'root:x:0:\nevtest:x:990:\n' >/etc/group
cp "$u/60-evobj.rules" /etc/udev/rules.d/60-evobj.rules

# The daemon is udevadm called as systemd-udevd.
if ! "$u/ld.so" --library-path "$u/lib" --argv0 systemd-udevd "$u/udevadm" --daemon; then
	notok "systemd-udevd did not start"
	totals
fi
settle

# 1. The default rule, after the command that the documentation gives
# (a change event for the existing node).
chmod 0600 /dev/evobj /dev/ntsync
trigger
settle
expect_node "666 root" "after udevadm trigger (was 600)" 60-evobj.rules

# 2. Switching to the group rule as the documentation says: install it,
# reload, trigger.
cp "$u/60-evobj-group.rules" /etc/udev/rules.d/60-evobj.rules
udevadm control --reload
trigger
settle
expect_node "660 evtest" "after reload and trigger" 60-evobj-group.rules

# 3. The group rule when the module loads (as at boot): the kernel makes
# the node 0666, udev must make it 0660 evtest.
if ! rmmod evobj || ! insmod /lib/evobj.ko; then
	notok "60-evobj-group.rules: could not reload evobj"
	totals
fi
settle
expect_node "660 evtest" "when the module loads" 60-evobj-group.rules
totals
