/*
 * kernel/ktest.c - the runner for KTEST() self-tests: collects them from the
 * .ktest section (bounded by the linker's __ktest_start/__ktest_end), runs
 * the selected suites and prints KTAP version 1.
 */
#include <stdarg.h>
#include <stdbool.h>

#include "ktest.h"
#include "ktest_run.h"
#include "printk.h"
#include "string.h"

extern const struct ktest __ktest_start[], __ktest_end[];

static struct {
	unsigned int failures; /* failed checks in the running test */
	const char *skip_reason;
} cur;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("# %s:%d: %s\n", file, line, msg);
	cur.failures++;
}

void ktest_skip(const char *reason)
{
	cur.skip_reason = reason ? reason : "";
}

void ktest_diag(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("# %s\n", msg);
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
	return n;
}

/* Has a test of @suite appeared before @t? (Suites are grouped in order of
 * first appearance, whatever the link order.) */
static bool suite_seen_before(const struct ktest *t)
{
	for (const struct ktest *u = __ktest_start; u < t; u++)
		if (!strcmp(u->suite, t->suite))
			return true;
	return false;
}

/* Words of @selection that name no suite: each counts as one failed result. */
static unsigned int count_unknown(const char *selection, bool print, unsigned int *num)
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
				printk("not ok %u test=%s # no such test suite\n", ++*num, word);
		}
		p = *e ? e + 1 : e;
	}
	return n;
}

int ktest_run(const char *selection)
{
	unsigned int planned = 0, num = 0, passed = 0, failed = 0, skipped = 0;

	for (const struct ktest *t = __ktest_start; t < __ktest_end; t++)
		if (suite_selected(selection, t->suite))
			planned++;
	planned += count_unknown(selection, false, NULL);

	printk("KTAP version 1\n");
	printk("1..%u\n", planned);
	failed += count_unknown(selection, true, &num);
	for (const struct ktest *s = __ktest_start; s < __ktest_end; s++) {
		if (suite_seen_before(s) || !suite_selected(selection, s->suite))
			continue;
		printk("# suite %s: %u tests\n", s->suite, ktest_count(s->suite));
		for (const struct ktest *t = s; t < __ktest_end; t++) {
			if (strcmp(t->suite, s->suite))
				continue;
			cur.failures = 0;
			cur.skip_reason = NULL;
			t->fn();
			num++;
			if (cur.failures) {
				failed++;
				printk("not ok %u %s.%s\n", num, t->suite, t->name);
			} else if (cur.skip_reason) {
				skipped++;
				printk("ok %u %s.%s # SKIP %s\n", num, t->suite, t->name,
				       cur.skip_reason);
			} else {
				passed++;
				printk("ok %u %s.%s\n", num, t->suite, t->name);
			}
		}
	}
	if (skipped)
		printk("# %u skipped\n", skipped);
	printk("# %u passed, %u failed\n", passed, failed);
	return (int)failed;
}
