#!/usr/bin/env bash
# tests/host/plot_fragmap.sh - KTAP test of the fragmentation-map pipeline on
# the host: `mmsim --print pbmap` prints one line per pageblock whose free
# pages add up to nr_free_pages, tools/plot-fragmap.sh draws it (a PNG of a
# sensible size), picks the dump asked for in a log holding several, and
# refuses logs without a dump and dump numbers out of range.
# Run from the repository root (tests/run-tests.sh does).
set -u
cd "$(dirname "$0")/../.."
MMSIM=${MMSIM:-build/mmsim}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

N=0
FAILS=0
RESULTS=()
ok() { N=$((N + 1)); RESULTS+=("ok $N $1"); }
skip() { N=$((N + 1)); RESULTS+=("ok $N $1 # SKIP $2"); }
notok() { # name why...
	N=$((N + 1)); FAILS=$((FAILS + 1))
	local name=$1; shift
	RESULTS+=("not ok $N $name")
	for w in "$@"; do RESULTS+=("    # $w"); done
}
check() { # name status why
	if [ "$2" = 0 ]; then ok "$1"; else notok "$1" "$3"; fi
}
finish() {
	echo "KTAP version 1"
	echo "# host suite plot_fragmap"
	echo "1..$N"
	printf '%s\n' "${RESULTS[@]}"
	echo "# plot_fragmap: $((N - FAILS)) passed, $FAILS failed"
	[ $FAILS = 0 ]
	exit
}

if [ ! -x "$MMSIM" ]; then
	notok mmsim_exists "$MMSIM is missing (make $MMSIM)"
	finish
fi

# 1. mmsim prints the map: 8 DMA + 248 DMA32 blocks at 512M, free pages
# adding up to the zoneinfo totals.
"$MMSIM" --e820 tests/data/e820/qemu-512m.txt --print pbmap,zoneinfo >"$TMP/d" 2>"$TMP/err"
rc=$?
lines=$(grep -c '^pbmap ' "$TMP/d")
sum=$(awk '/^pbmap / { s += $5 } END { print s + 0 }' "$TMP/d")
zfree=$(awk '/^  pages free/ { s += $3 } END { print s + 0 }' "$TMP/d")
[ $rc = 0 ] && [ "$lines" = 256 ] && [ "$sum" = "$zfree" ] && [ "$sum" -gt 100000 ]
check mmsim_prints_one_line_per_pageblock $? "rc $rc, $lines lines, free $sum vs zoneinfo $zfree"
bad=$(grep '^pbmap ' "$TMP/d" | grep -cvE '^pbmap (DMA|DMA32|Normal) 0x[0-9a-f]+ (Unmovable|Movable|Reclaimable|HighAtomic|Isolate) [0-9]+ [0-9]+$')
check pbmap_lines_follow_the_format "$([ "$bad" = 0 ]; echo $?)" "$bad malformed lines"

if ! command -v gnuplot >/dev/null; then
	skip plot_draws_a_png "gnuplot not installed"
	finish
fi

# 2. A PNG comes out, of a plausible size.
tools/plot-fragmap.sh "$TMP/d" "$TMP/one.png" >"$TMP/out" 2>&1
rc=$?
size=$(stat -c %s "$TMP/one.png" 2>/dev/null || echo 0)
[ $rc = 0 ] && [ "$(head -c 4 "$TMP/one.png" | tail -c 3)" = PNG ] && [ "$size" -gt 2000 ] &&
	[ "$size" -lt 200000 ]
check plot_draws_a_png $? "rc $rc, $size bytes: $(tr '\n' '|' <"$TMP/out")"

# 3. With two dumps in a serial-style log (CR line ends, prompts), the one
# asked for is drawn: the second has a block of another type.
{ sed 's/$/\r/' "$TMP/d"; echo "mmk> pbmap"; sed -E 's/^(pbmap DMA32 0x1000) Movable/\1 Unmovable/' "$TMP/d"; } >"$TMP/two"
tools/plot-fragmap.sh "$TMP/two" "$TMP/a.png" 1 >"$TMP/o1" 2>&1 &&
	tools/plot-fragmap.sh "$TMP/two" "$TMP/b.png" >"$TMP/o2" 2>&1
rc=$?
grep -q 'dump 1 of 2' "$TMP/o1" && grep -q 'dump 2 of 2' "$TMP/o2" && [ $rc = 0 ] &&
	! cmp -s "$TMP/a.png" "$TMP/b.png"
check picks_the_dump_asked_for $? "$(cat "$TMP/o1" "$TMP/o2" | tr '\n' '|')"

# 4. Bad input: one clear line and a failure status.
expect_fail() { # name regex args...
	local name=$1 re=$2; shift 2
	if tools/plot-fragmap.sh "$@" >"$TMP/o" 2>&1; then
		notok "$name" "succeeded: $(tr '\n' '|' <"$TMP/o")"
	elif [ "$(wc -l <"$TMP/o")" = 1 ] && grep -qE "$re" "$TMP/o"; then
		ok "$name"
	else
		notok "$name" "said: $(tr '\n' '|' <"$TMP/o")"
	fi
}
echo "nothing here" >"$TMP/empty"
expect_fail log_without_dump_is_refused "no '# pbmap:' dump" "$TMP/empty" "$TMP/x.png"
expect_fail dump_out_of_range_is_refused "holds 2 dumps, not 3" "$TMP/two" "$TMP/x.png" 3
expect_fail bad_dump_number_is_refused "DUMP must be" "$TMP/two" "$TMP/x.png" x1
expect_fail missing_log_is_refused "cannot read" "$TMP/nosuch" "$TMP/x.png"
finish
