/*
 * kernel/ktest.c - the runner for the kernel's self-tests: the KTEST() ones
 * from the .ktest section (bounded by the linker's __ktest_start/
 * __ktest_end) and mm/'s own suites (mm/selftest.h), side by side in order
 * of name; runs those selected and prints them as one KTAP document, one
 * nested subtest per suite, through mm/'s printer.
 */
#include <stdarg.h>
#include <stdbool.h>

#include "ktest.h"
#include "ktest_run.h"
#include "mm/selftest.h"
#include "printk.h"
#include "string.h"

extern const struct ktest __ktest_start[], __ktest_end[];

/* Checks of the kernel's tests report through mm/'s runner, which prints
 * and counts them: one KTAP printer for mm/'s suites and the kernel's. */
void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mm_selftest_vfail(file, line, fmt, ap);
	va_end(ap);
}

void ktest_skip(const char *reason)
{
	mm_selftest_skip(reason);
}

void ktest_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mm_selftest_vdiag(fmt, ap);
	va_end(ap);
}

/* Is @name one of the comma-separated words of @list? */
static bool list_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		const char *e = p;
		while (*e && *e != ',')
			e++;
		if ((size_t)(e - p) == n && !strncmp(p, name, n))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

/* Suites that run only when named (test=bench, test=stress,
 * test=highalloc, test=soak): slow, and they measure or run for a chosen time, so
 * test=all leaves them out. */
static bool suite_opt_in(const char *suite)
{
	return !strcmp(suite, "bench") || !strcmp(suite, "stress") || !strcmp(suite, "highalloc") ||
	       !strcmp(suite, "soak");
}

static bool suite_selected(const char *selection, const char *suite)
{
	if (!strcmp(selection, "all"))
		return !suite_opt_in(suite);
	if (!strcmp(selection, "none"))
		return false;
	return list_has(selection, suite);
}

unsigned int ktest_count(const char *suite)
{
	unsigned int n = 0;

	for (const struct ktest *t = __ktest_start; t < __ktest_end; t++)
		if (!suite || !strcmp(t->suite, suite))
			n++;
	for (unsigned int i = 0; i < mm_nr_selftest_suites; i++)
		if (!suite || !strcmp(mm_selftest_suites[i]->name, suite))
			n += mm_selftest_suites[i]->nr_cases;
	return n;
}

/*
 * The suite whose name comes first after @after (NULL: the first of all),
 * among the kernel's and mm/'s; NULL when none is left. Suites run in order
 * of name whichever file or table holds them.
 */
const char *ktest_next_suite(const char *after)
{
	const char *best = NULL;

	for (const struct ktest *t = __ktest_start; t < __ktest_end; t++)
		if ((!after || strcmp(t->suite, after) > 0) &&
		    (!best || strcmp(t->suite, best) < 0))
			best = t->suite;
	for (unsigned int i = 0; i < mm_nr_selftest_suites; i++) {
		const char *name = mm_selftest_suites[i]->name;

		if ((!after || strcmp(name, after) > 0) && (!best || strcmp(name, best) < 0))
			best = name;
	}
	return best;
}

/* A top-level failed result "not ok N test=WORD # no such test suite". */
static void report_unknown(const char *word)
{
	char name[72];

	snprintf(name, sizeof(name), "test=%s", word);
	mm_ktap_result(false, name, "no such test suite");
}

/* Words of @selection that name no suite: each counts as one failed result. */
static unsigned int count_unknown(const char *selection, bool print)
{
	unsigned int n = 0;
	char word[64];

	if (!strcmp(selection, "all") || !strcmp(selection, "none"))
		return 0;
	for (const char *p = selection; *p;) {
		const char *e = p;
		while (*e && *e != ',')
			e++;
		size_t len = (size_t)(e - p);
		if (len >= sizeof(word))
			len = sizeof(word) - 1;
		memcpy(word, p, len);
		word[len] = 0;
		if (len && !ktest_count(word)) {
			n++;
			if (print)
				report_unknown(word);
		}
		p = *e ? e + 1 : e;
	}
	return n;
}

/* One subtest per name: mm/'s cases of that name first, then the
 * kernel's, so the kernel may add cases of its own to one of mm/'s suites. */
static void run_suite(const char *suite)
{
	const struct mm_selftest_suite *mm_suite = mm_selftest_find(suite);

	mm_ktap_suite_begin(suite, ktest_count(suite));
	for (unsigned int i = 0; mm_suite && i < mm_suite->nr_cases; i++)
		mm_ktap_run_case(mm_suite->cases[i].name, mm_suite->cases[i].fn);
	for (const struct ktest *t = __ktest_start; t < __ktest_end; t++)
		if (!strcmp(t->suite, suite))
			mm_ktap_run_case(t->name, t->fn);
	mm_ktap_suite_end();
}

int ktest_run(const char *selection)
{
	unsigned int planned = count_unknown(selection, false);
	const char *s;

	for (s = ktest_next_suite(NULL); s; s = ktest_next_suite(s))
		planned += suite_selected(selection, s);
	mm_ktap_begin(planned);
	count_unknown(selection, true);
	for (s = ktest_next_suite(NULL); s; s = ktest_next_suite(s))
		if (suite_selected(selection, s))
			run_suite(s);
	return mm_ktap_end();
}
