#!/usr/bin/env bash
# tests/host/mmsim_cli.sh - KTAP test of build/mmsim's command line: good
# maps boot (exit 0, map echoed exactly, zones printed), every malformed map
# in tests/data/e820/bad-*.txt fails with exit status 2 and exactly the
# "FILE:LINE: message" of its .err file, and bad options are refused.
# Run from the repository root (tests/run-tests.sh does).
set -u
cd "$(dirname "$0")/../.."
MMSIM=${MMSIM:-build/mmsim}
DATA=tests/data/e820
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

N=0
FAILS=0
RESULTS=()
ok() { N=$((N + 1)); RESULTS+=("ok $N $1"); }
notok() { # name why...
	N=$((N + 1)); FAILS=$((FAILS + 1))
	local name=$1; shift
	RESULTS+=("not ok $N $name")
	for w in "$@"; do RESULTS+=("    # $w"); done
}
check() { # name condition-result why
	if [ "$2" = 0 ]; then ok "$1"; else notok "$1" "$3"; fi
}

run() { # args... -> $TMP/out $TMP/err, sets RC
	"$MMSIM" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	RC=$?
}

if [ ! -x "$MMSIM" ]; then
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 mmsim_exists"
	echo "    # $MMSIM is missing (make build/mmsim)"
	exit 1
fi

# 1. QEMU maps: exit 0, the map echoed line for line, three zones printed.
for f in qemu-512m qemu-pc-32m qemu-q35-4g ovmf-q35-512m; do
	run --e820 "$DATA/$f.txt"
	want=$(grep -v '^#' "$DATA/$f.txt" | sed 's/^\[[ 0-9.]*\] //' | grep -v '^$')
	got=$(grep '^BIOS-e820: ' "$TMP/out")
	zones=$(grep -c '^Node 0, zone ' "$TMP/out")
	if [ $RC != 0 ]; then
		notok "boots_$f" "exit status $RC" "$(head -3 "$TMP/err")"
	elif [ "$want" != "$got" ]; then
		notok "boots_$f" "printed map differs from the file"
	elif [ "$zones" != 3 ]; then
		notok "boots_$f" "$zones zone lines, want 3"
	else
		ok "boots_$f"
	fi
done

# 2. Timestamps are optional: the same map with and without them prints the same.
sed 's/^\[[ 0-9.]*\] //' "$DATA/qemu-512m.txt" >"$TMP/plain.txt"
run --e820 "$DATA/qemu-512m.txt"; a=$(grep -v '^mmsim:' "$TMP/out")
run --e820 "$TMP/plain.txt"; b=$(grep -v '^mmsim:' "$TMP/out")
[ "$a" = "$b" ] && [ $RC = 0 ]; check timestamps_are_optional $? "outputs differ or exit $RC"

# 3. The sanitizer on an unsorted, overlapping real map: exact sanitized lines.
run --e820 "$DATA/old-laptop-overlap.txt"
cat >"$TMP/want" <<'EOF'
sanitized: [mem 0x0000000000000000-0x000000000009efff] usable
sanitized: [mem 0x000000000009f800-0x000000000009ffff] reserved
sanitized: [mem 0x00000000000dc000-0x00000000000fffff] reserved
sanitized: [mem 0x0000000000100000-0x000000003fedffff] usable
sanitized: [mem 0x000000003fee0000-0x000000003feeffff] ACPI data
sanitized: [mem 0x000000003fef0000-0x000000003fefffff] ACPI NVS
sanitized: [mem 0x000000003ff00000-0x000000003ff7ffff] usable
sanitized: [mem 0x000000003ff80000-0x000000003fffffff] reserved
sanitized: [mem 0x00000000e0000000-0x00000000efffffff] reserved
sanitized: [mem 0x00000000fec00000-0x00000000fec0ffff] reserved
sanitized: [mem 0x00000000fee00000-0x00000000fee00fff] reserved
sanitized: [mem 0x00000000fff00000-0x00000000ffffffff] reserved
EOF
grep '^sanitized: ' "$TMP/out" | diff "$TMP/want" - >"$TMP/diff"
check sanitizes_overlapping_unsorted_map $? "$(head -4 "$TMP/diff" | tr '\n' '|')"

# 4. Every malformed file: exit 2 and exactly its expected message.
for f in "$DATA"/bad-*.txt; do
	name=$(basename "$f" .txt)
	run --e820 "$f"
	want=$(cat "${f%.txt}.err")
	got=$(cat "$TMP/err")
	if [ $RC != 2 ]; then
		notok "rejects_$name" "exit status $RC, want 2"
	elif [ "$want" != "$got" ]; then
		notok "rejects_$name" "stderr '$got'" "want   '$want'"
	else
		ok "rejects_$name"
	fi
done

# 5. Bad usage: exit 2 with a message.
expect_usage_error() { # name pattern args...
	local name=$1 pat=$2; shift 2
	run "$@"
	if [ $RC = 2 ] && grep -q -- "$pat" "$TMP/err"; then ok "$name"
	else notok "$name" "exit $RC, stderr: $(head -1 "$TMP/err")"; fi
}
expect_usage_error missing_file_is_an_error "$DATA/no-such.txt: No such file or directory" \
	--e820 "$DATA/no-such.txt"
expect_usage_error e820_option_is_required "--e820 FILE is required"
expect_usage_error bad_mem_value_is_refused "--mem wants a size like 256M, got '12Q'" \
	--e820 "$DATA/qemu-512m.txt" --mem 12Q
expect_usage_error unknown_option_is_refused "unknown option '--frobnicate'" --frobnicate
expect_usage_error option_without_value_is_refused "--e820 needs a value" --e820
printf '# nothing usable\nBIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] reserved\n' >"$TMP/nousable.txt"
expect_usage_error map_without_usable_ram_is_refused "no usable RAM in the map" --e820 "$TMP/nousable.txt"

# 6. --mem keeps the first SIZE bytes of RAM, counting RAM not addresses.
run --e820 "$DATA/qemu-512m.txt" --mem 64M
grep -q '^mem=65536K: RAM limited to 0x4000000 bytes$' "$TMP/out" && [ $RC = 0 ]
check mem_option_limits_ram $? "exit $RC; $(grep '^mem=' "$TMP/out")"

# 7. The reclaim workload: page cache larger than RAM plus held allocations
# of each gfp class on the 512 MiB map, a few thousand steps under ASan.
# Exit 0 means every re-read page and every synced block held the version
# last written and the invariant and LRU checkers were clean.
start=$SECONDS
run --e820 "$DATA/qemu-512m.txt" --workload reclaim --seed 7 --steps 3000
took=$((SECONDS - start))
check reclaim_workload_exits_0 "$RC" "exit $RC; $(grep -E '^(pattern mismatches|checks):' "$TMP/out" | tr '\n' ' ') $(head -2 "$TMP/err")"
grep -q '^pattern mismatches: 0 on re-read, 0 on disk after sync$' "$TMP/out"
check reclaim_workload_reports_0_mismatches $? "$(grep '^pattern mismatches' "$TMP/out")"
grep -q '^checks: mm_check_invariants 0 problems, lru_check 0 problems$' "$TMP/out"
check reclaim_workload_checks_clean $? "$(grep '^checks:' "$TMP/out")"
grep -Eq '^allocations: [1-9][0-9]*, entered direct reclaim: [0-9]+, direct reclaim share: [0-9]+\.[0-9]{2}%$' "$TMP/out"
check reclaim_workload_prints_direct_reclaim_share $? "no allocations/direct reclaim share line"
# It must really have been short of memory: kswapd scanned and reclaimed.
scan=$(sed -n 's/^allocstall [0-9]* pgscan_kswapd \([0-9]*\) .* pgsteal_kswapd \([0-9]*\) .*/\1 \2/p' "$TMP/out")
[ -n "$scan" ] && [ "${scan% *}" -gt 0 ] && [ "${scan#* }" -gt 0 ]
check reclaim_workload_drives_kswapd $? "pgscan_kswapd/pgsteal_kswapd: '$scan'"
[ "$took" -le 30 ]
check reclaim_workload_takes_seconds $? "took ${took}s for 3000 steps"
RESULTS+=("    # reclaim 512M 3000 steps in ${took}s: $(grep '^allocations:' "$TMP/out")")

echo "KTAP version 1"
echo "# host suite mmsim_cli"
echo "1..$N"
printf '%s\n' "${RESULTS[@]}"
echo "# mmsim_cli: $((N - FAILS)) passed, $FAILS failed"
[ $FAILS = 0 ]
