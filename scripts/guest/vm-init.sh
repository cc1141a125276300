#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs in the guest, not on the host: the test VM's /init (scripts/vm.sh
# puts it in the initramfs). Mounts, loads evobj, runs /command in
# /payload, unloads, scans for leaks, prints the kernel log between
# markers for the host to check, powers off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
export PATH=/payload:/bin HOME=/tmp

echo "EVOBJ-BOOTED $(uname -r)"
rc=0
if [ -f /lib/evobj.ko ]; then
	insmod /lib/evobj.ko || { echo "EVOBJ-INSMOD-FAILED"; rc=1; }
fi
if [ $rc = 0 ]; then
	(cd /payload && sh /command)
	rc=$?
fi
if [ -f /lib/evobj.ko ] && grep -q '^evobj ' /proc/modules; then
	rmmod evobj || echo "EVOBJ-RMMOD-FAILED"
fi
if [ -w /sys/kernel/debug/kmemleak ]; then
	# Objects must stay unreferenced across two scans to be reported.
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	echo "EVOBJ-KMEMLEAK-BEGIN"
	cat /sys/kernel/debug/kmemleak
	echo "EVOBJ-KMEMLEAK-END"
fi
echo "EVOBJ-DMESG-BEGIN"
dmesg
echo "EVOBJ-DMESG-END"
echo "EVOBJ-RC=$rc"
# -no-reboot turns this into qemu exiting; unlike poweroff it needs no ACPI.
reboot -f
