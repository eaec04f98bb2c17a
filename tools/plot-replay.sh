#!/usr/bin/env bash
# tools/plot-replay.sh - turns the output of `mmsim --replay ... --replay-sample N
# --replay-linux-end LOG` into a PNG: free pages by the order of the free
# block they sit in, stacked, over the replay, and Linux's end state as a
# stacked bar to the right of the last sample.
#
#   tools/plot-replay.sh OUTPUT [OUT.png] [TITLE]
#
# Lines read: replay-sample,EVENT,P0,...,P10 and replay-linux-end,EVENT,P0,...,P10
# (pages in free blocks of order 0..10, all zones together).
set -eu
log=${1:?usage: plot-replay.sh OUTPUT [OUT.png] [TITLE]}
out=${2:-replay.png}
title=${3:-Free pages by block order over the replay}
command -v gnuplot >/dev/null || { echo "plot-replay: gnuplot missing (tools/ensure-deps.sh)" >&2; exit 1; }
[ -r "$log" ] || { echo "plot-replay: cannot read $log" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Cumulative sums, so order o is drawn between columns o+1 and o+2.
cumulate='{ c = 0; printf "%s", $2; for (i = 3; i <= 13; i++) { c += $i; printf " %d", c } print "" }'
grep '^replay-sample,' "$log" | tr ',' ' ' | awk "$cumulate" >"$tmp/ours"
grep '^replay-linux-end,' "$log" | tr ',' ' ' | awk "$cumulate" >"$tmp/linux"
n=$(wc -l <"$tmp/ours")
[ "$n" -gt 1 ] || { echo "plot-replay: fewer than 2 replay-sample lines in $log" >&2; exit 1; }
last=$(tail -1 "$tmp/ours" | cut -d' ' -f1)
bar=$(awk -v l="$last" 'BEGIN { printf "%d", l * 1.06 + 1 }')
width=$(awk -v l="$last" 'BEGIN { printf "%d", l * 0.05 + 1 }')
# Small orders blue, middle green, pageblock-sized and larger orange.
colors=(08306b 2171b5 4292c6 6baed6 9ecae1 c7e9c0 a1d99b 74c476 fdd0a2 fd8d3c d94801)
plots=""
for o in 10 9 8 7 6 5 4 3 2 1 0; do
	col=$((o + 2))
	lower=$((o + 1))
	base=$([ $o = 0 ] && echo 0 || echo "\$$lower")
	color="#${colors[$o]}"
	plots+="\"$tmp/ours\" using 1:($base):$col with filledcurves lc rgb \"$color\" title \"order $o\", "
done
if [ -s "$tmp/linux" ]; then
	for o in 10 9 8 7 6 5 4 3 2 1 0; do
		col=$((o + 2))
		color="#${colors[$o]}"
		plots+="\"$tmp/linux\" using ($bar):$col:($width) with boxes fs solid 1.0 border lc rgb \"#202020\" lc rgb \"$color\" notitle, "
	done
fi
gnuplot <<GP
set terminal pngcairo size 1100,550 font ",10"
set output "$out"
set title "$title"
set xlabel "events replayed (the bar on the right: Linux's end state)"
set ylabel "free pages, stacked by the order of their free block"
set xrange [0:$bar + $width]
set yrange [0:*]
set key outside right
plot ${plots%, }
GP
echo "plot-replay: $n samples -> $out"
