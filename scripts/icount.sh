# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Sourced by scripts/irqsoff.sh, scripts/rt-latency.sh and
# scripts/bench-ab.sh, never run: icount_vm_args holds the scripts/vm.sh
# options that boot one vCPU whose clock counts instructions (qemu -icount shift=2: 4 ns each; sleep=off lets an idle
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
# icount_vm_args: the scripts/vm.sh options that boot that guest.
# shellcheck disable=SC2034,SC2054  # used by the scripts that source this; the comma is qemu's
icount_vm_args=(--smp 1 --qemu -icount --qemu shift=2,sleep=off)
