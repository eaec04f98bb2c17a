#!/usr/bin/env bash
# tests/host/fuzz_smoke.sh - KTAP: every libFuzzer target in build/fuzz/
# runs once over each input of its seed corpus (tests/fuzz/corpus/<target>/),
# no fuzzing, and must pass them all: a seed that now crashes or trips a
# check is a regression. Targets are skipped only when clang's libFuzzer is
# not installed (then they cannot be built). Run from the repository root
# (tests/run-tests.sh does); `make fuzz-smoke` builds and runs it.
set -u
cd "$(dirname "$0")/../.."
FUZZ=${FUZZ:-build/fuzz}
CORPUS=tests/fuzz/corpus
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

have_libfuzzer() {
	local d
	d=$(clang -print-resource-dir 2>/dev/null) || return 1
	ls "$d"/lib/linux/libclang_rt.fuzzer-x86_64.a "$d"/lib/x86_64-*/libclang_rt.fuzzer.a \
		2>/dev/null | grep -q .
}

N=0
FAILS=0
RESULTS=()
for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	N=$((N + 1))
	seeds=("$CORPUS/$t"/*)
	if [ ! -x "$FUZZ/$t" ]; then
		if have_libfuzzer; then
			FAILS=$((FAILS + 1))
			RESULTS+=("not ok $N ${t}_passes_its_seed_corpus" "    # $FUZZ/$t is missing (make fuzz-build)")
		else
			RESULTS+=("ok $N ${t}_passes_its_seed_corpus # SKIP clang's libFuzzer is not installed")
		fi
		continue
	fi
	if [ ! -e "${seeds[0]}" ]; then
		FAILS=$((FAILS + 1))
		RESULTS+=("not ok $N ${t}_passes_its_seed_corpus" "    # no seeds in $CORPUS/$t")
		continue
	fi
	start=$(date +%s%N)
	timeout 60 "$FUZZ/$t" "${seeds[@]}" >"$TMP/$t.log" 2>&1
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	ran=$(grep -c '^Executed ' "$TMP/$t.log")
	if [ $rc = 0 ] && [ "$ran" = ${#seeds[@]} ]; then
		RESULTS+=("ok $N ${t}_passes_its_seed_corpus" "    # ${#seeds[@]} seeds in $ms ms")
	else
		FAILS=$((FAILS + 1))
		RESULTS+=("not ok $N ${t}_passes_its_seed_corpus"
			"    # exit $rc, $ran of ${#seeds[@]} seeds ran")
		while IFS= read -r l; do RESULTS+=("    # $l"); done \
			< <(grep -E 'Running:|check failed|ERROR|SUMMARY|runtime error' "$TMP/$t.log" | tail -5)
	fi
done

echo "KTAP version 1"
echo "# host suite fuzz_smoke"
echo "1..$N"
printf '%s\n' "${RESULTS[@]}"
echo "# fuzz_smoke: $((N - FAILS)) passed, $FAILS failed"
[ $FAILS = 0 ]
