#!/usr/bin/env bash
# tools/plot-fragmap.sh - turns a fragmentation-map dump (the `pbmap` shell
# command, or `mmsim --print pbmap`; format in mm/pbmap.h) into a PNG: one
# cell per pageblock (2 MiB), each zone starting a new row, coloured by the
# block's migratetype and shaded by how full it is (pale: free, deep: used).
#
#   tools/plot-fragmap.sh LOG OUT.png [DUMP] [TITLE]
#   DUMP: which dump of LOG to draw when it holds several (1, 2, ...;
#         default the last). LOG may be a raw serial log (CR and prompts ok).
#   e.g. build/mmsim --e820 tests/data/e820/qemu-512m.txt --print pbmap > d
#        tools/plot-fragmap.sh d fresh.png
set -eu
log=${1:?usage: plot-fragmap.sh LOG OUT.png [DUMP] [TITLE]}
out=${2:?usage: plot-fragmap.sh LOG OUT.png [DUMP] [TITLE]}
want=${3:-last}
title=${4:-Pageblocks by migratetype and fill}
command -v gnuplot >/dev/null || { echo "plot-fragmap: gnuplot missing (tools/ensure-deps.sh)" >&2; exit 1; }
[ -r "$log" ] || { echo "plot-fragmap: cannot read $log" >&2; exit 1; }
case "$want" in last) ;; *[!0-9]*|0) echo "plot-fragmap: DUMP must be 1, 2, ... or 'last', not '$want'" >&2; exit 1 ;; esac
COLS=32
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Split into dumps (each starts at its "# pbmap:" header) and keep one.
tr -d '\r' < "$log" | awk -v want="$want" -v dir="$tmp" '
	/^# pbmap:/ { n++ }
	n && /^pbmap / && NF == 6 { print n, $2, $3, $4, $5, $6 > (dir "/all") }
	END { print n + 0 > (dir "/count") }'
dumps=$(cat "$tmp/count")
[ "$dumps" -gt 0 ] || { echo "plot-fragmap: no '# pbmap:' dump in $log" >&2; exit 1; }
[ "$want" = last ] && want=$dumps
[ "$want" -le "$dumps" ] || { echo "plot-fragmap: $log holds $dumps dumps, not $want" >&2; exit 1; }

# x y rgb, and a label per zone row. Colour: white blended towards the
# migratetype's colour by the used fraction (at least a tint, so an empty
# block still shows its type); blocks with no managed page are grey.
awk -v want="$want" -v cols=$COLS -v dir="$tmp" '
BEGIN {
	base["Unmovable"] = "200 40 40"; base["Movable"] = "40 110 200"
	base["Reclaimable"] = "40 160 70"; base["HighAtomic"] = "230 150 0"
	base["Isolate"] = "130 60 170"
	row = -1
}
$1 != want { next }
{
	zone = $2; mt = $4; free = $5; managed = $6
	if (zone != cur) {
		if (cur != "") row += 1
		row += 1; col = 0; cur = zone
		printf "set label \"%s\" at -0.8,%d right\n", zone, -row > (dir "/labels")
		zones = zones (zones == "" ? "" : ", ") zone
	} else if (col == cols) { row++; col = 0 }
	if (managed == 0) { r = g = b = 190 }
	else {
		if (!(mt in base)) mt = "Isolate"
		split(base[mt], c, " ")
		a = 0.18 + 0.82 * (managed - free) / managed
		r = int(255 - (255 - c[1]) * a); g = int(255 - (255 - c[2]) * a); b = int(255 - (255 - c[3]) * a)
		used += managed - free; total += managed
		if (free == 512) whole++
	}
	printf "%d %d %d\n", col, -row, r * 65536 + g * 256 + b > (dir "/cells")
	cells++; col++
}
END {
	printf "%d %d %.0f %d %s\n", cells, row + 1, total ? 100 * used / total : 0, whole, zones > (dir "/meta")
}' "$tmp/all"
read -r cells rows usedpct whole zones < "$tmp/meta"
[ "$cells" -gt 0 ] || { echo "plot-fragmap: dump $want has no pageblock lines" >&2; exit 1; }
width=$((COLS * 22 + 260))
height=$((rows * 22 + 110))
gnuplot <<GP
set terminal pngcairo size $width,$height font ",10"
set output "$out"
set title "$title\n$cells pageblocks of 2 MiB ($zones): $usedpct% of managed pages in use, $whole blocks wholly free; pale = free, deep = used"
set xrange [-3:$COLS]
set yrange [-$rows + 0.5:0.5]
unset xtics; unset ytics; unset border
set key outside right top samplen 1.5
set style fill solid 1.0 border lc rgb "white"
load "$tmp/labels"
plot "$tmp/cells" using 1:2:(0.5):(0.5):3 with boxxyerror lc rgb variable notitle, \
     NaN with boxes lc rgb "#c82828" title "Unmovable", \
     NaN with boxes lc rgb "#286ec8" title "Movable", \
     NaN with boxes lc rgb "#28a046" title "Reclaimable", \
     NaN with boxes lc rgb "#e69600" title "HighAtomic", \
     NaN with boxes lc rgb "#823caa" title "Isolate", \
     NaN with boxes lc rgb "#bebebe" title "not managed"
GP
echo "plot-fragmap: dump $want of $dumps, $cells pageblocks -> $out"
