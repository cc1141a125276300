# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Sourced by scripts/irqsoff.sh and scripts/rt-latency.sh, never run: makes
# the scripts/vm.sh run that follows boot one vCPU whose clock counts
# instructions (qemu -icount shift=2: 4 ns each; sleep=off lets an idle
# guest skip ahead), so that a latency the guest measures is the work the
# guest did, whatever else the host is running.
#
# Why: under TCG in real time (vm.sh's default, 2 vCPUs) a vCPU thread that
# the host deschedules freezes the guest mid-section, and on this 2-core
# host, busy with builds and other VMs, an idle debug guest's worst
# interrupts-off section ranged from 30 to 300 ms. With icount on 2 vCPUs
# the guest time is deterministic, but the vCPUs take turns on one host
# thread, and every measurement came out as the same 8.2 ms timer
# interrupt, about one turn of the other vCPU. With one vCPU on icount an idle guest's worst section is
# 0.6 ms and a load's figure repeats within 1% from run to run.
#
# icount_qemu DIR: puts in DIR a qemu-system-x86_64 that runs the real one
# with -smp 1 and -icount, and puts DIR first in PATH.
icount_qemu() {
	local dir=$1 real
	real=$(command -v qemu-system-x86_64) || die "qemu missing; run scripts/setup.sh"
	[ "$real" != "$dir/qemu-system-x86_64" ] || return 0
	mkdir -p "$dir"
	cat >"$dir/qemu-system-x86_64" <<EOF
#!/usr/bin/env bash
# Written by scripts/icount.sh: $real with one vCPU and an instruction clock.
args=("\$@")
for i in "\${!args[@]}"; do
	[ "\${args[i]}" != -smp ] || args[i + 1]=1
done
exec "$real" "\${args[@]}" -icount shift=2,sleep=off
EOF
	chmod +x "$dir/qemu-system-x86_64"
	PATH=$dir:$PATH
}
