#!/usr/bin/env bash
# tests/host/soak_mmsim.sh - KTAP test of `mmsim --workload soak`: a short
# soak with fault injection passes (no content mismatch, invariant checks
# passed, free + allocated = managed and nothing left allocated at the
# end), the --fail-page-alloc knobs reach the allocator (times caps the
# injected failures exactly), the same seed replays the same run, and bad
# --fail-page-alloc values are refused. Run from the repository root.
set -u
cd "$(dirname "$0")/../.."
MMSIM=${MMSIM:-build/mmsim}
MAP=tests/data/e820/qemu-pc-128m.txt
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
check() { # name status why
	if [ "$2" = 0 ]; then ok "$1"; else notok "$1" "$3"; fi
}
run() { # out-file args...
	local out=$1; shift
	"$MMSIM" "$@" >"$out" 2>"$out.err" </dev/null
	RC=$?
}
field() { # file regex-with-one-group
	sed -n "s/$2/\1/p" "$1" | head -1
}

if [ ! -x "$MMSIM" ]; then
	printf 'KTAP version 1\n1..1\nnot ok 1 mmsim_exists\n    # %s is missing (make build/mmsim)\n' "$MMSIM"
	exit 1
fi

# 1. The default soak: 2% injected failures, 30000 steps.
run "$TMP/a" --e820 "$MAP" --workload soak --seed 3 --steps 30000
check soak_exits_0_and_says_passed "$([ $RC = 0 ] && grep -q '^soak: passed$' "$TMP/a"; echo $?)" \
	"exit $RC; $(grep -E '^soak|problem' "$TMP/a" | tail -4 | tr '\n' ' ') $(head -2 "$TMP/a.err")"
faults=$(field "$TMP/a" '^soak end: [0-9]* ops, \([0-9]*\) faults injected.*')
checks=$(field "$TMP/a" '^soak end: .*, \([0-9]*\) invariant checks passed (0 failed).*')
[ -n "$faults" ] && [ "$faults" -gt 0 ]
check soak_injects_faults $? "faults injected: '$faults'"
[ -n "$checks" ] && [ "$checks" -ge 15 ]
check soak_passes_every_invariant_check $? "checks passed: '$checks' (want >= 15, none failed)"
grep -q '^soak: .* 0 mismatches; .* 0 bad stamps;' "$TMP/a"
check soak_every_page_verified_intact $? "$(grep '^soak: [0-9]* writes' "$TMP/a")"
books=$(grep '^soak end: free' "$TMP/a")
# allocated at the end: the slab caches' own structures, as after boot
echo "$books" | grep -Eq 'free ([0-9]+) \+ allocated ([0-9]+) \+ .* free \+ allocated = ([0-9]+), managed \3; allocated expected \2$' &&
	[ "$(( $(echo "$books" | sed -n 's/.*free \([0-9]*\) + allocated \([0-9]*\).*/\1 + \2/p') ))" = \
	  "$(echo "$books" | sed -n 's/.*managed \([0-9]*\);.*/\1/p')" ]
check soak_ends_with_all_memory_free_and_accounted $? "$books"
kswapd=$(field "$TMP/a" '^soak: .* kswapd \([0-9]*\) passes.*')
[ -n "$kswapd" ] && [ "$kswapd" -gt 0 ]
check soak_drives_kswapd $? "kswapd passes: '$kswapd'"
RESULTS+=("    # $(grep '^soak end: [0-9]* ops' "$TMP/a")")

# 2. The same seed replays the same run.
run "$TMP/b" --e820 "$MAP" --workload soak --seed 3 --steps 30000
diff -q <(grep '^soak' "$TMP/a") <(grep '^soak' "$TMP/b") >/dev/null
check soak_same_seed_same_figures $? "$(diff <(grep '^soak' "$TMP/a") <(grep '^soak' "$TMP/b") | head -4 | tr '\n' ' ')"

# 3. The knobs: every 3rd eligible request, at most 400 failures.
run "$TMP/c" --e820 "$MAP" --workload soak --seed 5 --steps 30000 --fail-page-alloc 100,3,400,0
grep -q '^fail_page_alloc: probability 100%, interval 3, times 400, min_order 0$' "$TMP/c" &&
	[ $RC = 0 ]
check fail_page_alloc_option_reaches_the_allocator $? "exit $RC; $(grep -E '^fail_page_alloc|^soak end' "$TMP/c" | tr '\n' ' ')"
faults=$(field "$TMP/c" '^soak end: [0-9]* ops, \([0-9]*\) faults injected.*')
[ "$faults" = 400 ]
check times_caps_injected_faults_exactly $? "faults injected: '$faults' (want 400)"

# 4. Bad values are refused with a reason, before anything runs.
for bad in 101 10,x 10,1,-5 10,1,1,11 10,1,1,1,1 ''; do
	run "$TMP/d" --e820 "$MAP" --workload soak --fail-page-alloc "$bad"
	[ $RC = 2 ] && grep -q "^mmsim: --fail-page-alloc '$bad': ..*" "$TMP/d.err"
	check "bad_fail_page_alloc_refused_${bad:-empty}" $? "exit $RC: $(head -1 "$TMP/d.err")"
done

echo "KTAP version 1"
echo "# host suite soak_mmsim"
echo "1..$N"
printf '%s\n' "${RESULTS[@]}"
echo "# soak_mmsim: $((N - FAILS)) passed, $FAILS failed"
[ $FAILS = 0 ]
