/*
 * tests/host/htest.h - a tiny KTAP-printing test harness for host tests of mm/.
 *
 * A host test program defines tests with HTEST(name) and ends with
 * HTEST_MAIN(), which runs them in order and prints KTAP version 1:
 * "1..N", "ok N name" / "not ok N name" and "# file:line" diagnostics.
 * The program exits 1 if any test failed. The same KT_* check macros as
 * the kernel tests are used, so checks read the same in both places.
 */
#ifndef TESTS_HOST_HTEST_H
#define TESTS_HOST_HTEST_H

#include <stdio.h>
#include <stdlib.h>

#include "kernel/ktest_check.h"

struct htest {
	const char *name;
	void (*fn)(void);
};

#define HTEST_MAX 512
extern struct htest htest_table[HTEST_MAX];
extern int htest_count;

#define HTEST(name_) \
	static void htest_fn_##name_(void); \
	__attribute__((constructor)) static void htest_reg_##name_(void) \
	{ \
		if (htest_count < HTEST_MAX) \
			htest_table[htest_count++] = (struct htest){ #name_, htest_fn_##name_ }; \
	} \
	static void htest_fn_##name_(void)

int htest_run_all(const char *suite);

#define HTEST_MAIN(suite) \
	int main(void) \
	{ \
		return htest_run_all(suite); \
	}

#endif /* TESTS_HOST_HTEST_H */
