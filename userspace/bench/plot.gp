# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
#
# evobj's benchmark figures as ratios to their baselines, one bar each,
# on a log scale so that 2x faster and 2x slower look alike. Run by
# scripts/bench.sh:
#   gnuplot -e "datafile='plot.dat'; outfile='results.png'; term='pngcairo'; subtitle='...'" plot.gp
# plot.dat: one "label<TAB>ratio" line per bar, time figures only.

if (!exists("term")) term = 'pngcairo'
if (!exists("subtitle")) subtitle = ''

if (term eq 'pngcairo') {
    set terminal pngcairo size 1400,1100 font ',10'
} else {
    set terminal png size 1400,1100
}
set output outfile

set datafile separator "\t"
set title "evobj time / baseline time (lower is better; 1x = the baseline)\n".subtitle
set logscale y 10
set yrange [0.1:*]
set ytics ("0.1x" 0.1, "0.2x" 0.2, "0.5x" 0.5, "1x" 1, "2x" 2, "5x" 5, "10x" 10, "20x" 20, "50x" 50, "100x" 100)
set grid ytics
set xtics rotate by 45 right noenhanced
set bmargin 28
set lmargin 32
set key off
set style fill solid 0.8 border -1
set boxwidth 0.7

# Green at or below the baseline, red above.
plot datafile using 0:2:($2 <= 1 ? 0x2e8b57 : 0xcd3333):xticlabels(1) with boxes lc rgb variable, \
     '' using 0:2:(sprintf("%.2fx", $2)) with labels offset 0,0.8 font ',9', \
     1 with lines lw 2 lc rgb '#000000' notitle
