#!/usr/bin/env bash
# tests/host/embed_example.sh - KTAP test of tools/embed-example, the
# smallest embedding of mm/ (docs/embedding.md): it defines exactly the
# mm/host.h functions mm/host_up.c has no default for, the two files
# together define every one, and it boots, gets aligned blocks of every
# order it asks for, and freeing them restores /proc/buddyinfo exactly.
# Run from the repository root (tests/run-tests.sh does).
set -u
cd "$(dirname "$0")/../.."
BIN=${EMBED_EXAMPLE:-build/embed-example}
SRC=tools/embed-example/main.c
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

KTAP_SUITE=embed_example
. tests/ktap.sh

# 1. The example and mm/host_up.c implement the whole interface; the
# example writes just what host_up.c leaves to it.
UP=mm/host_up.c
missing="" twice="" left=""
for f in $(sed -n 's/^[a-z].*[ *]\(mm_[a-z_0-9]*\)(.*/\1/p' mm/host.h | sort -u); do
	in_src=no in_up=no
	grep -qE "^[a-z].*[ *]$f\(" "$SRC" && in_src=yes
	grep -qE "^(MM_WEAK )?[a-z].*[ *]$f\(" "$UP" && in_up=yes
	case $in_src$in_up in
	nono) missing="$missing $f" ;;
	yesyes) twice="$twice $f" ;;
	noyes) ;;
	yesno) left="$left $f" ;;
	esac
done
check implements_every_host_function "$([ -z "$missing" ]; echo $?)" "defined nowhere:$missing"
check writes_only_what_host_up_leaves "$([ -z "$twice" ]; echo $?)" \
	"defined in $SRC and $UP:$twice"
n=$(wc -w <<<"$left")
check host_writes_seven_functions "$([ "$n" = 7 ]; echo $?)" "$n functions without a default:$left"

if [ ! -x "$BIN" ]; then
	notok example_runs "$BIN is missing (make $BIN)"
	finish
fi

# 2. It runs to the end and says so.
"$BIN" >"$TMP/out" 2>"$TMP/err" </dev/null
rc=$?
check example_exits_0 "$rc" "exit status $rc: $(tail -n 2 "$TMP/out" "$TMP/err" | tr '\n' '|')"
grep -q '^embed-example: ok$' "$TMP/out"
check example_reports_ok $? "last line: $(tail -1 "$TMP/out")"

# 3. Zones as the kernel prints them, and buddyinfo three times (boot,
# allocated, freed) with a line per populated zone.
grep -qE '^Node 0, zone +DMA32: start_pfn 0x1000 spanned [0-9]+ present [0-9]+ managed [0-9]+$' "$TMP/out"
check zone_summary_printed $? "$(grep -m2 'Node 0, zone' "$TMP/out" | tr '\n' '|')"
dma32=$(grep -cE '^Node 0, zone +DMA32( +[0-9]+){11} *$' "$TMP/out")
check buddyinfo_printed_three_times "$([ "$dma32" = 3 ]; echo $?)" "$dma32 DMA32 buddyinfo lines"

# 4. Every block is aligned to its order, inside the zone it names.
bad=""
while read -r order pfn; do
	[ $(( pfn & ((1 << order) - 1) )) = 0 ] || bad="$bad order$order@$pfn"
done < <(sed -nE 's/^order ([0-9]+): pfn (0x[0-9a-f]+) \(zone [A-Z0-9a-z]+\)$/\1 \2/p' "$TMP/out")
count=$(grep -cE '^order [0-9]+: pfn 0x' "$TMP/out")
check blocks_aligned_to_their_order "$([ -z "$bad" ] && [ "$count" = 6 ]; echo $?)" \
	"$count blocks, misaligned:$bad"

# 5. The buddyinfo after freeing is the one after boot, and differs while held.
mapfile -t b < <(grep -E '^Node 0, zone +DMA32( +[0-9]+){11} *$' "$TMP/out")
[ "${#b[@]}" = 3 ] && [ "${b[0]}" = "${b[2]}" ] && [ "${b[0]}" != "${b[1]}" ]
check freeing_restores_buddyinfo $? "boot|held|freed: ${b[*]:-none}"

# 6. mm_run_selftests(): one KTAP document, a subtest per suite of mm/
# (buddy, poison, zones), every case run and passed.
out=$(tests/ktap_check.sh --kunit --fails "$TMP/out")
check selftests_print_wellformed_kunit_ktap $? "$(printf '%s' "$out" | tr '\n' '|')"
suites=$(sed -n 's/^    # Subtest: //p' "$TMP/out" | tr '\n' ' ')
check selftests_run_mm_suites "$([ "$suites" = "buddy poison zones " ]; echo $?)" "suites: $suites"
grep -q '^# Totals: pass:14 fail:0 skip:0 total:14$' "$TMP/out"
check selftests_all_pass "$?" "$(grep -E '^# Totals|^ *not ok' "$TMP/out" | tr '\n' '|')"
finish
