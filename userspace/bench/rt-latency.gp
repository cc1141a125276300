# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
#
# Timer latency on 6.12-rt under each load, as scripts/rt-latency.sh
# measures it with the timerlat tracer: four bars per load (IRQ and thread,
# p99 and max), on a log scale. Run by scripts/rt-latency.sh:
#   gnuplot -e "datafile='plot.dat'; outfile='results.png'; term='pngcairo'; subtitle='...'" rt-latency.gp
# plot.dat: "load<TAB>irq_p99<TAB>irq_max<TAB>thread_p99<TAB>thread_max" (us).

if (!exists("term")) term = 'pngcairo'
if (!exists("subtitle")) subtitle = ''

if (term eq 'pngcairo') {
    set terminal pngcairo size 1400,800 font ',10'
} else {
    set terminal png size 1400,800
}
set output outfile

set datafile separator "\t"
set title "timerlat latency on PREEMPT_RT per load (lower is better)\n".subtitle noenhanced
set logscale y 10
set ylabel "latency (us)"
set grid ytics
set xtics noenhanced
set key top left
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9

plot datafile using 2:xticlabels(1) title 'IRQ p99' lc rgb '#6495ed', \
     '' using 3 title 'IRQ max' lc rgb '#00008b', \
     '' using 4 title 'thread p99' lc rgb '#f4a460', \
     '' using 5 title 'thread max' lc rgb '#cd3333'
