#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Before and after, in one VM run: builds evobj.ko from a git revision (A,
# default HEAD) and from the work tree (B), boots one kernel, and loads A
# and B in turn, ROUNDS times each, interleaved, running the same
# `evobjctl bench` (built once, from the work tree) under each. Prints,
# for every figure, the median over the rounds under A and under B and
# B/A. Only such ratios mean anything under TCG (README, "Benchmarks").
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bench-medians.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [-k FLAVOUR] [-r REV] [--rounds N] [--only LIST] [--trials N]
          [--icount] [--load KO]
  -k, --kernel FLAVOUR  6.12 (default), 6.12-rt or 6.1
  -r, --rev REV         the "before" module's git revision (default HEAD)
      --rounds N        loads of each module, interleaved (default 3)
      --only LIST       evobjctl bench --only (default ping-pong,set)
      --trials N        evobjctl bench --trials (default 3)
      --icount          one vCPU on an instruction clock (scripts/icount.sh):
                        figures count work, whatever the host does, but
                        the 2-CPU rows then share one CPU
      --load KO         another module to load first, for the whole run:
                        a real ntsync.ko for \`--only ntsync\`
USAGE
	exit "${1:-2}"
}

flavour=6.12 rev=HEAD rounds=3 only=ping-pong,set trials=3 icount=0 load=
while [ $# -gt 0 ]; do
	case $1 in
	-k|--kernel) flavour=$2; shift 2 ;;
	-r|--rev) rev=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--trials) trials=$2; shift 2 ;;
	--icount) icount=1; shift ;;
	--load) load=$2; shift 2 ;;
	-h|--help) usage 0 ;;
	*) usage ;;
	esac
done

out=$EVOBJ_BUILD/bench-ab
payload=$out/payload
rm -rf "$payload"
mkdir -p "$payload"

say "building the module at $rev (A) and in the work tree (B)"
base=$out/base
rm -rf "$base"
mkdir -p "$base"
git -C "$EVOBJ_ROOT" archive "$rev" kmod include uapi scripts VERSION | tar -x -C "$base"
cp "$(EVOBJ_BUILD=$base/build "$base/scripts/build-module.sh" "$flavour")" "$payload/a.ko"
cp "$("$EVOBJ_ROOT/scripts/build-module.sh" "$flavour")" "$payload/b.ko"

bench_evobjctl
preload=
if [ -n "$load" ]; then
	[ -f "$load" ] || die "no module $load"
	cp "$load" "$payload/"
	preload="insmod ./${load##*/}"
fi

# The guest prints each run's CSV between marker lines named after it.
# Under --icount one run in the first minute or so after boot, A's or
# B's, came out at half speed in every figure, baselines included, and
# a warm-up run did not stop it: the median of 3 rounds or more drops it.
cat >"$payload/ab.sh" <<GUEST
set -e
$preload
for r in \$(seq $rounds); do
	for m in a b; do
		insmod ./\$m.ko
		./evobjctl bench --only $only --trials $trials --csv /tmp/\$m.csv >/dev/null
		rmmod evobj
		echo "EVOBJ-AB-BEGIN \$m"
		cat /tmp/\$m.csv
		echo "EVOBJ-AB-END"
	done
done
GUEST

say "running A and B alternately in one $flavour VM, $rounds rounds"
bench_vm ab.sh
bench_medians EVOBJ-AB a b figure "A median" "B median" B/A
