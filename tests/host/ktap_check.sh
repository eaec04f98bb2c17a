#!/usr/bin/env bash
# tests/host/ktap_check.sh - KTAP test of tests/ktap_check.sh, the checker
# make test runs on every log: it passes the well-formed logs of
# tests/data/ktap/ with their exact counts, and names the one fault of each
# broken one (a plan not met, a suite whose result disagrees with its cases,
# wrong counts or totals, a crash mid-suite, a carriage return, ...).
# Run from the repository root (tests/run-tests.sh does).
set -u
cd "$(dirname "$0")/../.."
DATA=tests/data/ktap
CHECK=tests/ktap_check.sh

KTAP_SUITE=ktap_check
. tests/ktap.sh

# name | checker options | exit status | a line the output must hold
# test name | log | checker options | exit status | a line the output must hold
CASES=(
	"nested_log_passes_with_its_counts|good_nested|--kunit --fails|0|^results: pass=3 fail=2 skip=3$"
	"flat_log_passes_as_plain_ktap|good_flat|--fails|0|^results: pass=1 fail=1 skip=1$"
	"flat_log_fails_as_kunit|good_flat|--kunit|1|:4: top-level result \"ok 1 split_and_merge\" is no suite"
	"unmet_plan_fails|bad_plan|--kunit|1|:15: subtest boot: 3 results for a plan of 4$"
	"ok_suite_with_a_failed_case_fails|bad_suite_status|--kunit|1|:15: suite boot reported ok but 1 of its results failed$"
	"wrong_totals_fail|bad_totals|--kunit|1|:33: # Totals says pass:4 fail:2 skip:3 total:8, the test cases are pass:3 fail:2 skip:3 total:8$"
	"wrong_suite_counts_fail|bad_suite_counts|--kunit|1|:31: suite zones: counts line says pass:2 fail:0 skip:0 total:3, its cases are pass:2 fail:0 skip:0 total:2$"
	"numbering_gap_fails|bad_numbering|--kunit|1|:13: result numbered 4, expected 3 at depth 1$"
	"suite_result_of_another_name_fails|bad_suite_name|--kunit|1|:31: result \"zone\" closes subtest zones$"
	"all_skipped_suite_without_skip_fails|bad_skip|--kunit|1|:22: suite poison: every case skipped but the suite has no # SKIP$"
	"result_deeper_than_its_subtest_fails|bad_nesting|--kunit|1|:27: result \"ok 1 spans_follow_memblock\" at depth 2, deeper than any open subtest$"
	"crash_mid_suite_names_the_suite|bad_cut_off|--kunit|1|: subtest zones: no result line after 1 of 2 results \\(crashed or cut off\\?\\)$"
	"carriage_return_fails|bad_carriage_return|--kunit|1|:1: carriage return"
	"second_document_fails|bad_two_documents|--kunit|1|:34: a second KTAP document in one log$"
	"missing_totals_fail|bad_no_totals|--kunit|1|: no \"# Totals: pass:N fail:N skip:N total:N\" line$"
)
for c in "${CASES[@]}"; do
	IFS='|' read -r test name opts want re <<<"$c"
	# shellcheck disable=SC2086
	out=$($CHECK $opts "$DATA/$name.log" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] && printf '%s\n' "$out" | grep -qE -- "$re"
	check "$test" $? "$name.log: exit $rc (want $want), output: $(printf '%s' "$out" | tr '\n' '|')"
done

# The failed cases are named with their suite, in order.
fails=$($CHECK --kunit --fails "$DATA/good_nested.log" | grep '^not ok' | tr '\n' '|')
[ "$fails" = "not ok test=nosuchsuite|not ok boot.cmdline_parses_options|" ]
check failed_cases_named_with_their_suite $? "got: $fails"

# A well-formed log has no fault line at all, only the counts.
lines=$($CHECK --kunit "$DATA/good_nested.log" | wc -l)
check good_log_prints_only_its_counts "$([ "$lines" = 1 ]; echo $?)" "$lines lines"

# Bad usage is its own status, not a verdict on a log.
$CHECK --kunit "$DATA/no_such.log" >/dev/null 2>&1
rc=$?
check missing_log_is_a_usage_error "$([ $rc = 2 ]; echo $?)" "exit $rc"
finish
