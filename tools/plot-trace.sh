#!/usr/bin/env bash
# tools/plot-trace.sh - turns a serial log of a `trace=mm` boot into a PNG:
# free pages of one zone against its min/low/high watermarks over time,
# with the periods kswapd was running shaded.
#
#   tools/plot-trace.sh LOG [OUT.png] [ZONE]
#   e.g. ./run-qemu.sh --mem 512M --cmdline "test=kswapd trace=mm" --exit > log
#        tools/plot-trace.sh log docs/img/kswapd-trace.png DMA32
#
# Lines read: trace,<ms>,<zone>,<free>,<min>,<low>,<high>,<kswapd state>
set -eu
log=${1:?usage: plot-trace.sh LOG [OUT.png] [ZONE]}
out=${2:-kswapd-trace.png}
zone=${3:-DMA32}
command -v gnuplot >/dev/null || { echo "plot-trace: gnuplot missing (tools/ensure-deps.sh)" >&2; exit 1; }
[ -r "$log" ] || { echo "plot-trace: cannot read $log" >&2; exit 1; }
data=$(mktemp)
trap 'rm -f "$data"' EXIT
# ms free min low high running(0/1)
tr -d '\r' < "$log" | awk -F, -v z="$zone" '$1 == "trace" && $3 == z && $2 ~ /^[0-9]+$/ {
	print $2, $4, $5, $6, $7, ($8 == "run") ? 1 : 0 }' > "$data"
n=$(wc -l < "$data")
[ "$n" -gt 1 ] || { echo "plot-trace: fewer than 2 samples for zone $zone in $log" >&2; exit 1; }
ymax=$(awk 'NR == 1 || $5 > m { m = $5 } END { print m * 3 }' "$data")
gnuplot <<GP
set terminal pngcairo size 1100,500 font ",10"
set output "$out"
set title "Zone $zone: free pages against watermarks (trace=mm, $n samples)"
set xlabel "ms since trace start"
set ylabel "pages"
set yrange [0:$ymax]
set key outside right
set style fill transparent solid 0.25 noborder
plot "$data" using 1:(\$6 * $ymax) with boxes lc rgb "#f0a000" title "kswapd running", \
     "" using 1:2 with lines lw 2 lc rgb "#0060c0" title "free", \
     "" using 1:3 with lines lw 1 lc rgb "#c00000" title "min", \
     "" using 1:4 with lines lw 1 dt 2 lc rgb "#c06000" title "low", \
     "" using 1:5 with lines lw 1 dt 3 lc rgb "#008000" title "high"
GP
echo "plot-trace: $n samples of $zone -> $out"
