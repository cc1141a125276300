#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# evobj's /dev/ntsync against the real ntsync driver, in one VM run. The
# two cannot serve /dev/ntsync at once (evobj does not register its own
# where one exists), so the guest alternates, ROUNDS times each:
#
#   real: insmod KO; insmod evobj.ko ntsync=0; bench; rmmod both
#   ours: insmod evobj.ko;                     bench; rmmod evobj
#
# running `evobjctl bench --only ntsync` under each, whose ntsync-ABI
# rows then time the real driver and ours in turn. Its evobj-ABI rows
# time evobj's own ioctls under both loads: they should not move, and
# their ours/real ratio shows how far the host drifted between loads.
# Prints, per figure, the median over the rounds of each load and
# ours/real. KO is a real ntsync.ko built for the kernel flavour, e.g.
# mainline drivers/misc/ntsync.c built out of tree (README, "Against
# ntsync"); its source is not part of this repository.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bench-medians.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [-k FLAVOUR] [--rounds N] [--trials N] [--icount] KO
  -k, --kernel FLAVOUR  6.12 (default), 6.12-rt or 6.1
      --rounds N        loads of each, interleaved (default 3)
      --trials N        evobjctl bench --trials (default 3)
      --icount          one vCPU on an instruction clock (scripts/icount.sh):
                        figures count work, whatever the host does, but
                        the 2-CPU rows then share one CPU
  KO                    the real ntsync.ko
USAGE
	exit "${1:-2}"
}

flavour=6.12 rounds=3 trials=3 icount=0 ko=
while [ $# -gt 0 ]; do
	case $1 in
	-k|--kernel) flavour=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--trials) trials=$2; shift 2 ;;
	--icount) icount=1; shift ;;
	-h|--help) usage 0 ;;
	-*) usage ;;
	*) [ -z "$ko" ] || usage; ko=$1; shift ;;
	esac
done
[ -n "$ko" ] || usage
[ -f "$ko" ] || die "no module $ko"
modinfo -F name "$ko" 2>/dev/null | grep -qx ntsync || die "$ko is not an ntsync module"

out=$EVOBJ_BUILD/bench-ntsync
payload=$out/payload
rm -rf "$payload"
mkdir -p "$payload"
cp "$ko" "$payload/ntsync.ko"

say "building the module"
cp "$("$EVOBJ_ROOT/scripts/build-module.sh" "$flavour")" "$payload/evobj.ko"

bench_evobjctl

# The guest prints each run's CSV between marker lines named after the
# load, and fails if /dev/ntsync is not whose it should be.
cat >"$payload/nt.sh" <<GUEST
set -e
run() {
	./evobjctl bench --only ntsync --trials $trials --csv /tmp/\$1.csv >/dev/null
	echo "EVOBJ-NT-BEGIN \$1"
	cat /tmp/\$1.csv
	echo "EVOBJ-NT-END"
}
for r in \$(seq $rounds); do
	insmod ./ntsync.ko
	insmod ./evobj.ko ntsync=0
	grep -q '^ntsync ' /proc/modules || { echo "EVOBJ-NT-NO-REAL"; exit 1; }
	run real
	rmmod evobj
	rmmod ntsync
	insmod ./evobj.ko
	if [ ! -c /dev/ntsync ] || grep -q '^ntsync ' /proc/modules; then
		echo "EVOBJ-NT-NOT-OURS"
		exit 1
	fi
	run ours
	rmmod evobj
done
GUEST

say "running the real ntsync and evobj's alternately in one $flavour VM, $rounds rounds"
bench_vm nt.sh
bench_medians EVOBJ-NT real ours "figure (ntsync rows: the driver; evobj rows: control)" "real load" "ours load" ours/real
