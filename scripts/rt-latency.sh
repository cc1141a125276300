#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The latency benchmark on PREEMPT_RT (issue 8): boots Debian's 6.12-rt
# kernel (scripts/vm.sh -k 6.12-rt), runs the kernel's timerlat tracer
# through tracefs while evobj-adversary runs each load as an unprivileged
# user, and reports the p99 and max of the timer IRQ latency and of the
# timerlat thread's latency, with no load, under each evobj adversary and
# under the same-sized futex and eventfd loads. A benchmark, not a test:
# it prints figures and judges nothing. Writes, under build/rt-latency/
# (or -o DIR):
#   runs.csv      load,n,rep,irq_p99_us,irq_max_us,thread_p99_us,thread_max_us,samples,ops,completions,per_op,waiters,refused,armed
#   results.csv   load,n,reps,irq_p99_us,irq_max_us,thread_p99_us,thread_max_us,per_op,waiters,refused,armed (medians)
#   results.txt   the table
#   results.png   the medians per load (gnuplot)
#   vm.log        the whole console
# The guest has one vCPU on an instruction clock (scripts/icount.sh): in
# real time a TCG vCPU can lose the host CPU for milliseconds, which
# swamps what the loads do. --realtime boots vm.sh's 2 vCPUs in real time
# instead (with idle=poll, see bench.sh). Either way each figure is the
# median over REPS phases, and only the comparison between the loads of
# one run means anything: absolute figures are TCG's. EVOBJ_MODULE (or
# --module) names another evobj.ko for 6.12-rt, say today's, to compare.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/icount.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [options]
  -n, --n N             threads (or timers) per load (default 1000)
  -l, --loads "LIST"    evobj-adversary loads, and idle (default: all of them)
  -r, --reps N          phases per load; the medians count (default 5)
  -d, --duration SEC    seconds per phase (default 4)
      --module KO       the evobj.ko to load (default: built from this tree)
      --adversary FILE  a built evobj-adversary (default: build it)
  -a, --append ARGS     more guest kernel command line
      --realtime        2 vCPUs in real time with idle=poll, not one on icount
  -o, --out DIR         where the results go (default build/rt-latency)
      --reparse         tabulate DIR/vm.log again without running the VM
USAGE
	exit "${1:-2}"
}

n=1000 loads="idle pulse single dup64 waitall timers futex eventfd"
reps=5 secs=4 adversary= append= icount=1 out=$EVOBJ_BUILD/rt-latency reparse=0
while [ $# -gt 0 ]; do
	case $1 in
	-n|--n) n=$2; shift 2 ;;
	-l|--loads) loads=$2; shift 2 ;;
	-r|--reps) reps=$2; shift 2 ;;
	-d|--duration) secs=$2; shift 2 ;;
	--module) export EVOBJ_MODULE=$2; shift 2 ;;
	--adversary) adversary=$2; shift 2 ;;
	-a|--append) append=$2; shift 2 ;;
	-o|--out) out=$2; shift 2 ;;
	--reparse) reparse=1; shift ;;
	--realtime) icount=0; shift ;;
	-h|--help) usage 0 ;;
	*) usage ;;
	esac
done
command -v gnuplot >/dev/null || die "gnuplot missing; run scripts/setup.sh (gnuplot-nox)"
mkdir -p "$out"
log=$out/vm.log
module=${EVOBJ_MODULE:-"built from $EVOBJ_ROOT"}

if [ "$reparse" = 0 ]; then
	payload=$out/payload
	latency_payload "$payload" "$out/userspace" "$adversary"
	vm_args=()
	if [ "$icount" = 1 ]; then
		vm_args=("${icount_vm_args[@]}")
		echo "one vCPU, instruction clock (4 ns each)${append:+, $append}" >"$out/guest.txt"
	else
		append="idle=poll $append"
		echo "2 vCPUs, real time, $append" >"$out/guest.txt"
	fi
	say "timerlat on 6.12-rt under: $loads; N=$n; $reps x ${secs}s each; module $module"
	"$EVOBJ_ROOT/scripts/vm.sh" "${vm_args[@]}" -k 6.12-rt -a "$append" -p "$payload" -t 3600 -l "$log" -- \
		"sh latency-guest.sh timerlat $reps $secs '$loads' '$n'" >/dev/null ||
		die "the VM run failed; see $log"
fi
[ -r "$log" ] || die "no $log"
grep -q '^LATENCY-RESULT mode=timerlat ' "$log" || die "no results in $log"

awk '/^LATENCY-RESULT mode=timerlat / {
	delete kv
	for (i = 2; i <= NF; i++) { split($i, p, "="); if (!(p[1] in kv)) kv[p[1]] = p[2] }
	printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", kv["load"], kv["n"], kv["rep"],
		kv["irq_p99_us"], kv["irq_max_us"], kv["thread_p99_us"], kv["thread_max_us"],
		kv["irq_samples"] + 0, kv["ops"] + 0, kv["completions"] + 0, kv["per_op"] + 0,
		kv["waiters"] + 0, kv["refused"] + 0, kv["armed"] + 0
}' "$log" | {
	echo "load,n,rep,irq_p99_us,irq_max_us,thread_p99_us,thread_max_us,samples,ops,completions,per_op,waiters,refused,armed"
	cat
} >"$out/runs.csv"

awk -F, 'function med(a, k,   i, j, t) {
	for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
NR > 1 {
	key = $1 "," $2
	if (!(key in cnt)) order[++nkeys] = key
	c = ++cnt[key]
	for (f = 4; f <= 7; f++) v[key, f, c] = $f
	per[key, c] = $11; w[key] = $12; rf[key] = $13; ar[key] = $14
}
END {
	print "load,n,reps,irq_p99_us,irq_max_us,thread_p99_us,thread_max_us,per_op,waiters,refused,armed"
	for (k = 1; k <= nkeys; k++) {
		key = order[k]; c = cnt[key]
		printf "%s,%d", key, c
		for (f = 4; f <= 7; f++) {
			delete a
			for (i = 1; i <= c; i++) a[i] = v[key, f, i]
			printf ",%.1f", med(a, c)
		}
		delete a
		for (i = 1; i <= c; i++) a[i] = per[key, i]
		printf ",%.1f,%d,%d,%d\n", med(a, c), w[key], rf[key], ar[key]
	}
}' "$out/runs.csv" >"$out/results.csv"

{
	echo "timerlat on 6.12-rt (qemu TCG: $(cat "$out/guest.txt" 2>/dev/null)), N=$n, module: $module"
	echo "latencies in us, each the median of $reps phases of ${secs}s; IRQ: timer expiry to its"
	echo "handler; thread: to the timerlat thread (SCHED_FIFO) running; all CPUs together"
	printf '%-8s %6s %10s %10s %10s %10s %10s %8s %8s %6s\n' load N irq_p99 irq_max thread_p99 thread_max per_op waiters refused armed
	tail -n +2 "$out/results.csv" | while IFS=, read -r load nn _ ip im tp tm per w rf ar; do
		printf '%-8s %6s %10s %10s %10s %10s %10s %8s %8s %6s\n' "$load" "$nn" "$ip" "$im" "$tp" "$tm" "$per" "$w" "$rf" "$ar"
	done
} | tee "$out/results.txt"

tail -n +2 "$out/results.csv" | awk -F, '{ printf "%s\t%s\t%s\t%s\t%s\n", ($1 == "idle" ? "no load" : $1), $4, $5, $6, $7 }' >"$out/plot.dat"
terminal=pngcairo
gnuplot -e 'set terminal' 2>&1 | grep -qw pngcairo || terminal=png
gnuplot -e "datafile='$out/plot.dat'; outfile='$out/results.png'; term='$terminal'; subtitle='6.12-rt, qemu TCG ($(cat "$out/guest.txt" 2>/dev/null)), N=$n, medians of $reps x ${secs}s, $(date -u +%F)'" \
	"$EVOBJ_ROOT/userspace/bench/rt-latency.gp"
say "results: $out/results.csv, $out/results.txt, $out/results.png"
