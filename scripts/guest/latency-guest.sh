#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs in the guest, the test VM, not on the host (scripts/irqsoff.sh and
# scripts/rt-latency.sh put it in /payload): measures the kernel with a
# tracer while evobj-adversary runs each load, and prints one result line
# per measurement for the host.
#
#   latency-guest.sh irqsoff|timerlat REPS SECONDS "LOADS" "NS"
#
# LOADS are evobj-adversary's loads, plus "idle" (nothing runs: the floor).
# For each load and N the adversary starts once (--sync), sets up, and then
# runs REPS phases of SECONDS; each phase is one measurement, taken from
# the phase's start to its end, so that neither the creation of thousands
# of threads nor their exit is in it.
#   irqsoff   the longest interrupts-off section (tracing_max_latency, us)
#             and the head of the trace of that section
#   timerlat  max and p99 of the timer IRQ and thread latencies (us) of
#             the timerlat tracer's samples, all CPUs together
# Lines: "LATENCY-RESULT mode=... load=... n=... rep=... key=value..." and,
# for irqsoff, the trace between LATENCY-TRACE-BEGIN/END lines.
mode=$1 reps=$2 secs=$3 loads=$4 ns=$5
T=/sys/kernel/tracing
out=/tmp/adversary.out ctl=/tmp/adversary.ctl

fail() { echo "latency-guest: $*"; exit 1; }

mount -t tracefs nodev $T 2>/dev/null
[ -w $T/current_tracer ] || fail "no tracefs at $T"
grep -qw "$mode" $T/available_tracers || fail "the kernel has no $mode tracer"
# Room for N threads of one uid: the default scales with memory and is
# below 10,000 in a 2 GiB guest whose kernel stacks are 32 KiB (KASAN).
echo 100000 >/proc/sys/kernel/threads-max
echo 0 >$T/tracing_on
case $mode in
irqsoff)
	# Without function tracing the trace holds the section's two ends
	# and the stack where it ended; tracing every function called with
	# interrupts off would stretch the sections it measures.
	[ ! -w $T/options/function-trace ] || echo 0 >$T/options/function-trace
	echo 0 >$T/tracing_thresh
	echo irqsoff >$T/current_tracer
	;;
timerlat)
	echo 8192 >$T/buffer_size_kb
	echo timerlat >$T/current_tracer
	;;
*) fail "unknown mode $mode" ;;
esac

# Until the adversary printed a line matching $1; fails after $2 seconds
# or if it died.
wait_line() {
	i=0
	while ! grep -q "$1" $out; do
		kill -0 "$pid" 2>/dev/null || { grep -q "$1" $out && return 0; return 1; }
		i=$((i + 1))
		[ $i -le $(($2 * 5)) ] || return 1
		sleep 0.2
	done
}

measure_start() {
	case $mode in
	irqsoff)
		echo 0 >$T/tracing_max_latency
		echo 1 >$T/tracing_on
		;;
	timerlat)
		echo >$T/trace
		echo 1 >$T/tracing_on
		;;
	esac
}

# Prints the figures of the measurement that just ended.
measure_end() {
	echo 0 >$T/tracing_on
	case $mode in
	irqsoff)
		echo "max_us=$(cat $T/tracing_max_latency)"
		;;
	timerlat)
		# "... #1 context irq timer_latency 932 ns": nearest-rank p99.
		grep timer_latency $T/trace | awk '{ print $(NF - 3), $(NF - 1) }' >/tmp/samples
		for ctx in irq thread; do
			awk -v c=$ctx '$1 == c { print $2 }' /tmp/samples | sort -n >/tmp/sorted
			awk -v c=$ctx '{ v[NR] = $1 }
			END {
				if (NR == 0) { printf "%s_samples=0 ", c; exit }
				r = int(NR * 0.99); if (r < NR * 0.99) r++; if (r < 1) r = 1
				printf "%s_samples=%d %s_p99_us=%.1f %s_max_us=%.1f ", c, NR, c, v[r] / 1000, c, v[NR] / 1000
			}' /tmp/sorted
		done
		echo
		;;
	esac
}

report() {	# LOAD N REP PHASE-LINE-FIELDS
	fields=$(measure_end)
	echo "LATENCY-RESULT mode=$mode load=$1 n=$2 rep=$3 $fields $4"
	if [ "$mode" = irqsoff ]; then
		echo "LATENCY-TRACE-BEGIN load=$1 n=$2 rep=$3"
		head -n 40 $T/trace
		echo "LATENCY-TRACE-END"
	fi
}

failed=0 idle_done=
for load in $loads; do
	for n in $ns; do
		if [ "$load" = idle ]; then
			[ -z "$idle_done" ] || continue	# N means nothing here
			idle_done=1
			for r in $(seq 1 "$reps"); do
				measure_start
				sleep "$secs"
				report idle 0 "$r" ""
			done
			continue
		fi
		echo "latency-guest: $load $n: setting up" >&2
		rm -f $ctl $out
		mkfifo $ctl
		evobj-adversary --sync -d "$secs" "$load" "$n" <$ctl >$out 2>&1 &
		pid=$!
		exec 3>$ctl
		if ! wait_line '^evobj-adversary: ready' 900; then
			cat $out
			echo "LATENCY-FAILED load=$load n=$n: no ready line"
			failed=1
			exec 3>&-
			kill -9 "$pid" 2>/dev/null
			wait "$pid"
			continue
		fi
		for r in $(seq 1 "$reps"); do
			measure_start
			echo go >&3
			if ! wait_line "^evobj-adversary: phase $r " $((secs * 20 + 600)); then
				echo 0 >$T/tracing_on
				cat $out
				echo "LATENCY-FAILED load=$load n=$n rep=$r: the phase never ended"
				failed=1
				break
			fi
			line=$(grep "^evobj-adversary: phase $r " $out)
			report "$load" "$n" "$r" "${line#"evobj-adversary: phase $r "}"
		done
		exec 3>&-
		wait "$pid" || { echo "LATENCY-FAILED load=$load n=$n: exit status $?"; failed=1; }
		grep '^evobj-adversary: total' $out
	done
done
echo nop >$T/current_tracer
exit $failed
