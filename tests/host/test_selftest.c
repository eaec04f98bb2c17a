/*
 * tests/host/test_selftest.c - host tests of mm/'s self-test runner
 * (mm/selftest.c): its KTAP comes out in KUnit's nested shape with the
 * right numbers, statuses and counts, diagnostics indented inside a suite,
 * and mm/'s own suites pass on this host with one node and with two.
 */
#include <string.h>

#include "test_buddy_util.h"
#include "mm/debug.h"
#include "mm/selftest.h"

static void case_passes(void) {}

static void case_fails_twice(void)
{
	mm_selftest_diag("looking at %d things", 3);
	mm_selftest_fail("f.c", 12, "wanted %d, got %d", 1, 2);
	mm_selftest_fail("f.c", 13, "again");
}

static void case_skips(void)
{
	mm_selftest_skip("nothing to do here");
}

static void case_skips_silently(void)
{
	mm_selftest_skip(NULL);
}

/* A failed check outweighs a skip in the same case. */
static void case_skips_then_fails(void)
{
	mm_selftest_skip("no");
	mm_selftest_fail("f.c", 40, "but broken");
}

/* What mm/ printed, as diagnostics of the running host test (so its KTAP
 * lines do not read as the host test's own). */
static void show_output(const char *out)
{
	while (*out) {
		const char *nl = strchr(out, '\n');
		int len = nl ? (int)(nl - out) : (int)strlen(out);

		ktest_diag("| %.*s", len, out);
		out += len + (nl != NULL);
	}
}

HTEST(ktap_is_nested_numbered_and_counted_as_kunit_prints_it)
{
	static const char want[] = "KTAP version 1\n"
				   "1..4\n"
				   "not ok 1 test=nosuch # no such test suite\n"
				   "    KTAP version 1\n"
				   "    # Subtest: alpha\n"
				   "    1..4\n"
				   "    ok 1 case_passes\n"
				   "    # looking at 3 things\n"
				   "    # f.c:12: wanted 1, got 2\n"
				   "    # f.c:13: again\n"
				   "    not ok 2 case_fails_twice\n"
				   "    ok 3 case_skips # SKIP nothing to do here\n"
				   "    # f.c:40: but broken\n"
				   "    not ok 4 case_skips_then_fails\n"
				   "# alpha: pass:1 fail:2 skip:1 total:4\n"
				   "not ok 2 alpha\n"
				   "    KTAP version 1\n"
				   "    # Subtest: beta\n"
				   "    1..2\n"
				   "    ok 1 case_skips # SKIP nothing to do here\n"
				   "    ok 2 case_skips_silently # SKIP\n"
				   "# beta: pass:0 fail:0 skip:2 total:2\n"
				   "ok 3 beta # SKIP every case skipped\n"
				   "    KTAP version 1\n"
				   "    # Subtest: gamma\n"
				   "    1..2\n"
				   "    ok 1 case_skips # SKIP nothing to do here\n"
				   "    ok 2 case_passes\n"
				   "# gamma: pass:1 fail:0 skip:1 total:2\n"
				   "ok 4 gamma\n"
				   "# Totals: pass:2 fail:3 skip:4 total:9\n";
	int failed;

	host_capture_start();
	mm_ktap_begin(4);
	mm_ktap_result(false, "test=nosuch", "no such test suite");
	mm_ktap_suite_begin("alpha", 4);
	mm_ktap_run_case("case_passes", case_passes);
	mm_ktap_run_case("case_fails_twice", case_fails_twice);
	mm_ktap_run_case("case_skips", case_skips);
	mm_ktap_run_case("case_skips_then_fails", case_skips_then_fails);
	mm_ktap_suite_end();
	mm_ktap_suite_begin("beta", 2);
	mm_ktap_run_case("case_skips", case_skips);
	mm_ktap_run_case("case_skips_silently", case_skips_silently);
	mm_ktap_suite_end();
	mm_ktap_suite_begin("gamma", 2);
	mm_ktap_run_case("case_skips", case_skips);
	mm_ktap_run_case("case_passes", case_passes);
	mm_ktap_suite_end();
	failed = mm_ktap_end();
	const char *out = host_capture_stop();

	KT_EXPECT_EQ(failed, 3);
	if (strcmp(out, want)) {
		ktest_fail(__FILE__, __LINE__, "not the KTAP expected; printed:");
		show_output(out);
	}
}

/* A second document starts its numbers and counts afresh. */
HTEST(each_document_counts_from_zero)
{
	host_capture_start();
	mm_ktap_begin(1);
	mm_ktap_suite_begin("alpha", 1);
	mm_ktap_run_case("case_fails_twice", case_fails_twice);
	mm_ktap_suite_end();
	mm_ktap_end();
	mm_ktap_begin(1);
	mm_ktap_suite_begin("alpha", 1);
	mm_ktap_run_case("case_passes", case_passes);
	mm_ktap_suite_end();
	int failed = mm_ktap_end();
	const char *out = host_capture_stop();
	const char *second = strstr(out + 1, "KTAP version 1\n1..1\n");

	KT_EXPECT_EQ(failed, 0);
	KT_ASSERT(second != NULL);
	KT_EXPECT(strstr(second, "\nok 1 alpha\n# Totals: pass:1 fail:0 skip:0 total:1\n") != NULL);
}

HTEST(suites_are_found_by_name_in_order)
{
	KT_ASSERT_EQ(mm_nr_selftest_suites, 3);
	for (unsigned int i = 0; i + 1 < mm_nr_selftest_suites; i++)
		KT_EXPECT(strcmp(mm_selftest_suites[i]->name, mm_selftest_suites[i + 1]->name) < 0);
	KT_EXPECT(mm_selftest_find("buddy") == mm_selftest_suites[0]);
	KT_EXPECT(mm_selftest_find("zones") != NULL);
	KT_EXPECT(mm_selftest_find("boot") == NULL);
	KT_EXPECT(mm_selftest_find("") == NULL);
}

/* mm/'s suites on this host: @out gets what they printed. */
static int run_mm_suites(const char **out)
{
	host_capture_start();
	int failed = mm_run_selftests();

	*out = host_capture_stop();
	return failed;
}

HTEST(mm_suites_pass_on_one_node)
{
	const char *out;

	mm_debug_poison = true;
	KT_ASSERT_EQ(boot_qemu_layout(64 * MiB, 2 * MiB), 0);
	if (run_mm_suites(&out) || !strstr(out, "\n# Totals: pass:14 fail:0 skip:0 total:14\n")) {
		ktest_fail(__FILE__, __LINE__, "a suite failed or the totals differ; printed:");
		show_output(out);
	}
}

HTEST(mm_suites_pass_on_two_nodes_with_poisoning_off)
{
	const char *out;

	mm_debug_poison = false;
	KT_ASSERT_EQ(boot_qemu_two_nodes(128 * MiB, 2 * MiB, 48 * MiB), 0);
	if (run_mm_suites(&out) || !strstr(out, "\n# Totals: pass:12 fail:0 skip:2 total:14\n") ||
	    !strstr(out, "\n    # node 1 DMA32: ")) {
		ktest_fail(__FILE__, __LINE__,
			   "a suite failed, the totals differ or node 1 is missing; printed:");
		show_output(out);
	}
}

HTEST_MAIN("selftest")
