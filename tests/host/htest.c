/*
 * tests/host/htest.c - runner for host tests: prints KTAP version 1.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "htest.h"

struct htest htest_table[HTEST_MAX];
int htest_count;

static int cur_failed;
static const char *cur_skip;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("    # %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	cur_failed++;
}

void ktest_skip(const char *reason)
{
	cur_skip = reason;
}

void ktest_diag(const char *fmt, ...)
{
	va_list ap;

	printf("    # ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int htest_run_all(const char *suite)
{
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("KTAP version 1\n# host suite %s\n1..%d\n", suite, htest_count);
	for (int i = 0; i < htest_count; i++) {
		cur_failed = 0;
		cur_skip = NULL;
		htest_table[i].fn();
		if (cur_skip && !cur_failed)
			printf("ok %d %s # SKIP %s\n", i + 1, htest_table[i].name, cur_skip);
		else
			printf("%sok %d %s\n", cur_failed ? "not " : "", i + 1,
			       htest_table[i].name);
		if (cur_failed)
			failed++;
	}
	printf("# %s: %d passed, %d failed\n", suite, htest_count - failed, failed);
	return failed ? 1 : 0;
}
