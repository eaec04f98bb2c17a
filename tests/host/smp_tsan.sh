#!/usr/bin/env bash
# tests/host/smp_tsan.sh - KTAP test of the host SMP harness (tests/host/smp/):
# smp_stress under ThreadSanitizer at several CPU counts passes every phase
# with no TSan report; the tsan-race build (zone->lock dropped around the
# per-CPU lists' batch moves in mm/pcp.c, test build only) is reported by
# TSan in those functions; the ASan+UBSan build passes too. Builds nothing
# (make host-tests or make tsan builds build/smp/*/smp_stress); logs go to
# build/smp/logs/<run>{,.err}. Prints each
# run's CPU count and closes with "N passed, N failed". Run from the
# repository root; make tsan-soak sets SMP_OPS and SMP_ROUNDS higher.
#
#   SMP_CPUS="2 4 8"  SMP_OPS=600  SMP_ROUNDS=1  SMP_SEED=1
set -u
cd "$(dirname "$0")/../.."
KTAP_SUITE=smp_tsan
. tests/ktap.sh
SMP=build/smp
CPUS=${SMP_CPUS:-2 4 8}
OPS=${SMP_OPS:-600}
ROUNDS=${SMP_ROUNDS:-1}
SEED=${SMP_SEED:-1}
# Each run's output and sanitizer reports stay here for reading.
TMP=$SMP/logs
mkdir -p "$TMP"
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1"

for v in tsan tsan-race asan; do
	if [ ! -x "$SMP/$v/smp_stress" ]; then
		printf 'KTAP version 1\n1..1\nnot ok 1 smp_harness_built\n    # %s is missing (make smp-harness)\n' \
			"$SMP/$v/smp_stress"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

# run NAME VARIANT ARGS...: passes when the program exits 0, says all its
# results passed, and the sanitizer printed nothing.
run() {
	local name=$1 v=$2 out=$TMP/$1
	shift 2
	local t0=$SECONDS
	"$SMP/$v/smp_stress" --ops "$OPS" --rounds "$ROUNDS" --seed "$SEED" "$@" \
		>"$out" 2>"$out.err" </dev/null
	local rc=$? warnings
	warnings=$(grep -c -E '^WARNING: ThreadSanitizer|^==[0-9]+==ERROR|runtime error' "$out.err")
	local summary
	summary=$(grep '^# smp_stress: [0-9]* CPUs,' "$out" | tail -1)
	echo "smp_tsan: $name: $(grep -m1 '^# smp_stress: [0-9]* CPUs (' "$out" | sed 's/^# smp_stress: //'); exit $rc, $warnings sanitizer reports, $((SECONDS - t0)) s" >&2
	RESULTS+=("# $name: ${summary#\# smp_stress: }")
	[ $rc = 0 ] && [ "$warnings" = 0 ] && echo "$summary" | grep -q ': [0-9]* passed, 0 failed$'
	check "$name" $? "exit $rc, $warnings sanitizer reports: $(grep -E '^not ok|^SUMMARY' "$out" "$out.err" | head -3 | tr '\n' ' ')"
}

for n in $CPUS; do
	run "tsan_${n}_cpus_every_phase_no_race" tsan --cpus "$n"
done

# The deliberate race: TSan must name the batch moves that lost their lock.
out=$TMP/race
TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$SMP/tsan-race/smp_stress" --cpus 2 --ops "$OPS" \
	--rounds 1 --seed "$SEED" >"$out" 2>"$out.err" </dev/null
rc=$?
caught=$(grep -m1 -E '^SUMMARY: ThreadSanitizer: data race' "$out.err")
echo "smp_tsan: tsan-race 2 CPUs: exit $rc; $caught" >&2
[ $rc = 66 ] && grep -A40 '^WARNING: ThreadSanitizer: data race' "$out.err" |
	grep -q -E '(rmqueue_bulk|free_pcppages_bulk) mm/pcp.c'
check tsan_reports_zone_lock_dropped_in_pcp_batch_moves $? "exit $rc: ${caught:-no TSan report}"
RESULTS+=("# tsan-race: $caught")

run asan_2_cpus_every_phase asan --cpus 2

echo "KTAP version 1"
echo "# host suite $KTAP_SUITE"
echo "1..$N"
printf '%s\n' "${RESULTS[@]}"
echo "$((N - FAILS)) passed, $FAILS failed"
[ $FAILS = 0 ]
