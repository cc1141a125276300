#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs the evobj benchmarks in the VM and brings the figures home: builds
# evobjctl (static), boots the chosen kernel with scripts/vm.sh, runs
# `evobjctl bench` there, takes the CSV back from the console (the guest
# prints it between marker lines), then writes, under build/bench/:
#   results.csv   benchmark,variant,param,metric,value,unit,ratio_vs_baseline
#   results.txt   the table and the targets, as printed in the guest
#   results.png   evobj's ratios to each baseline (gnuplot)
#   vm.log        the whole console
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bench-medians.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [-k FLAVOUR] [--quick] [--trials N] [-o DIR]
  -k, --kernel FLAVOUR  kernel to boot (default 6.12; see scripts/vm.sh)
      --quick           shorter, fewer trials (a smoke run)
      --trials N        trials per figure (default 7)
  -o, --out DIR         where the results go (default build/bench)
  -a, --append ARGS     guest kernel command line (default idle=poll; see below)
USAGE
	exit "${1:-2}"
}

flavour=6.12 out=$EVOBJ_BUILD/bench bench_args=() append=idle=poll
while [ $# -gt 0 ]; do
	case $1 in
	-k|--kernel) flavour=$2; shift 2 ;;
	--quick) bench_args+=(--quick); shift ;;
	--trials) bench_args+=(--trials "$2"); shift 2 ;;
	-o|--out) out=$2; shift 2 ;;
	-a|--append) append=$2; shift 2 ;;
	-h|--help) usage 0 ;;
	*) usage ;;
	esac
done
command -v gnuplot >/dev/null || die "gnuplot missing; run scripts/setup.sh (gnuplot-nox)"

payload=$out/payload
mkdir -p "$out" "$payload"

bench_evobjctl

say "running the benchmarks in the VM ($flavour)"
begin=EVOBJ-BENCH-CSV-BEGIN end=EVOBJ-BENCH-CSV-END
# idle=poll (the default of --append): an idle vCPU spins instead of
# halting, so a cross-CPU wake-up does not wait for the host to reschedule
# the vCPU's thread. On a loaded host that wait took milliseconds,
# erratically, and swamped the figures (eventfd and evobj ping-pong
# medians of 2-8 ms against 30 us with idle=poll; see
# userspace/bench/README.md). The price: idle vCPUs use host CPU time.
"$EVOBJ_ROOT/scripts/vm.sh" -k "$flavour" -a "$append" -p "$payload" -t 900 -l "$out/vm.log" -- \
	"./evobjctl bench ${bench_args[*]} --csv /tmp/bench.csv && echo $begin && cat /tmp/bench.csv && echo $end" ||
	die "the benchmark run failed; see $out/vm.log"

# The CSV between the markers; the table from its header to the targets' end.
sed -n "/^$begin\$/,/^$end\$/{/^EVOBJ-BENCH-CSV-/d;p}" "$out/vm.log" >"$out/results.csv"
[ "$(head -n 1 "$out/results.csv")" = "benchmark,variant,param,metric,value,unit,ratio_vs_baseline" ] ||
	die "no CSV in $out/vm.log"
sed -n "/^benchmark  *variant/,/^$begin\$/{/^$begin\$/d;p}" "$out/vm.log" >"$out/results.txt"

# The chart: evobj's time figures (lower is better) as ratios to their
# baselines, which are the 1x line; throughput and speedup stay in the table.
# Baseline rows are the non-evobj ones with ratio 1; labels name them.
awk -F, 'NR == FNR {
	if (FNR > 1 && $2 !~ /evobj/ && $7 == "1.0000")
		base[$1 FS $3 FS $4] = $2
	next
}
FNR > 1 && $2 ~ /evobj/ && $6 == "ns" && $7 != "" {
	param = ($3 == "-") ? "" : " [" $3 "]"
	metric = ($4 ~ /^latency-/) ? " " substr($4, 9) : ""
	printf "%s%s%s: %s / %s\t%s\n", $1, param, metric, $2, base[$1 FS $3 FS $4], $7
}' "$out/results.csv" "$out/results.csv" >"$out/plot.dat"
terminal=pngcairo
gnuplot -e 'set terminal' 2>&1 | grep -qw pngcairo || terminal=png
gnuplot -e "datafile='$out/plot.dat'; outfile='$out/results.png'; term='$terminal'; subtitle='kernel $flavour ($append), $(date -u +%F)'" \
	"$EVOBJ_ROOT/userspace/bench/plot.gp"

cat "$out/results.txt"
say "results: $out/results.csv, $out/results.txt, $out/results.png"
