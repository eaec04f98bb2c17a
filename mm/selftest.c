/*
 * mm/selftest.c - the self-test runner and its KTAP printer: runs test
 * cases, tracks each one's failed checks and skip, and prints KTAP
 * version 1 in KUnit's nested shape (mm/selftest.h shows it) through
 * mm_printk, with the counts per suite and the totals over all cases.
 * The table of mm/'s own suites is here too.
 */
#include "selftest.h"
#include "host.h"
#include "util.h"

extern const struct mm_selftest_suite mm_selftest_buddy, mm_selftest_poison, mm_selftest_zones;

/* In order of name: a host that mixes in suites of its own runs them all
 * in that order. */
const struct mm_selftest_suite *const mm_selftest_suites[] = {
	&mm_selftest_buddy,
	&mm_selftest_poison,
	&mm_selftest_zones,
};
const unsigned int mm_nr_selftest_suites = sizeof(mm_selftest_suites) /
					   sizeof(mm_selftest_suites[0]);

struct ktap_counts {
	unsigned long pass, fail, skip;
};

static struct {
	unsigned int results;	  /* top-level results printed so far */
	struct ktap_counts total; /* every test case of the document */
	/* the open suite, if any */
	const char *suite;
	unsigned int suite_cases;
	struct ktap_counts in_suite;
	/* the running case */
	unsigned int case_failures;
	const char *case_skip;
} ktap;

/* Lines of a running case belong to its suite: indented one level. */
static const char *indent(void)
{
	return ktap.suite ? "    " : "";
}

const struct mm_selftest_suite *mm_selftest_find(const char *name)
{
	for (unsigned int i = 0; i < mm_nr_selftest_suites; i++)
		if (!mm_strcmp(mm_selftest_suites[i]->name, name))
			return mm_selftest_suites[i];
	return NULL;
}

void mm_ktap_begin(unsigned int nr_results)
{
	mm_memset(&ktap, 0, sizeof(ktap));
	mm_printk("KTAP version 1\n1..%u\n", nr_results);
}

static void count(struct ktap_counts *c, bool failed, bool skipped)
{
	if (failed)
		c->fail++;
	else if (skipped)
		c->skip++;
	else
		c->pass++;
}

void mm_ktap_result(bool ok, const char *name, const char *comment)
{
	count(&ktap.total, !ok, false);
	mm_printk("%sok %u %s%s%s\n", ok ? "" : "not ", ++ktap.results, name, comment ? " # " : "",
		  comment ? comment : "");
}

void mm_ktap_suite_begin(const char *name, unsigned int nr_cases)
{
	/* The name first: a suite that crashes still shows which it was. */
	mm_printk("    KTAP version 1\n    # Subtest: %s\n    1..%u\n", name, nr_cases);
	ktap.suite = name;
	ktap.suite_cases = 0;
	mm_memset(&ktap.in_suite, 0, sizeof(ktap.in_suite));
}

void mm_ktap_run_case(const char *name, void (*fn)(void))
{
	bool failed, skipped;

	ktap.case_failures = 0;
	ktap.case_skip = NULL;
	fn();
	failed = ktap.case_failures != 0;
	skipped = !failed && ktap.case_skip;
	count(&ktap.in_suite, failed, skipped);
	count(&ktap.total, failed, skipped);
	ktap.suite_cases++;
	if (skipped)
		mm_printk("%sok %u %s # SKIP%s%s\n", indent(), ktap.suite_cases, name,
			  *ktap.case_skip ? " " : "", ktap.case_skip);
	else
		mm_printk("%s%sok %u %s\n", indent(), failed ? "not " : "", ktap.suite_cases, name);
}

void mm_ktap_suite_end(void)
{
	const struct ktap_counts *c = &ktap.in_suite;
	const char *name = ktap.suite;

	ktap.suite = NULL;
	mm_printk("# %s: pass:%lu fail:%lu skip:%lu total:%lu\n", name, c->pass, c->fail, c->skip,
		  c->pass + c->fail + c->skip);
	/* KUnit's rule: failed if a case failed, skipped if every case was. */
	if (c->fail)
		mm_printk("not ok %u %s\n", ++ktap.results, name);
	else if (c->skip && !c->pass)
		mm_printk("ok %u %s # SKIP every case skipped\n", ++ktap.results, name);
	else
		mm_printk("ok %u %s\n", ++ktap.results, name);
}

int mm_ktap_end(void)
{
	const struct ktap_counts *c = &ktap.total;

	mm_printk("# Totals: pass:%lu fail:%lu skip:%lu total:%lu\n", c->pass, c->fail, c->skip,
		  c->pass + c->fail + c->skip);
	return (int)c->fail;
}

static void run_suite(const struct mm_selftest_suite *suite)
{
	mm_ktap_suite_begin(suite->name, suite->nr_cases);
	for (unsigned int i = 0; i < suite->nr_cases; i++)
		mm_ktap_run_case(suite->cases[i].name, suite->cases[i].fn);
	mm_ktap_suite_end();
}

int mm_run_selftests(void)
{
	mm_ktap_begin(mm_nr_selftest_suites);
	for (unsigned int i = 0; i < mm_nr_selftest_suites; i++)
		run_suite(mm_selftest_suites[i]);
	return mm_ktap_end();
}

void mm_selftest_vfail(const char *file, int line, const char *fmt, va_list ap)
{
	mm_printk("%s# %s:%d: ", indent(), file, line);
	mm_vprintk(fmt, ap);
	mm_printk("\n");
	ktap.case_failures++;
}

void mm_selftest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mm_selftest_vfail(file, line, fmt, ap);
	va_end(ap);
}

void mm_selftest_skip(const char *reason)
{
	ktap.case_skip = reason ? reason : "";
}

void mm_selftest_vdiag(const char *fmt, va_list ap)
{
	mm_printk("%s# ", indent());
	mm_vprintk(fmt, ap);
	mm_printk("\n");
}

void mm_selftest_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mm_selftest_vdiag(fmt, ap);
	va_end(ap);
}
