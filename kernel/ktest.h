/*
 * kernel/ktest.h - in-kernel self-tests reported in KTAP version 1.
 *
 * A test is a function registered with KTEST(suite, name); the runner
 * (kernel/ktest.c) collects them from the .ktest linker section, runs the
 * suites selected by the `test=` command-line option together with mm/'s
 * own (mm/selftest.h), prints each suite as a nested KTAP subtest and the
 * totals, and the kernel exits QEMU through isa-debug-exit with a
 * pass/fail code.
 *
 * Inside a test, KT_EXPECT*(...) records a failure with file:line and the
 * values, and goes on; KT_ASSERT*(...) also returns from the test.
 * ktest_skip("why") marks the current test as skipped.
 */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <stdbool.h>

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(void);
};

#define KTEST(suite_, name_) \
	static void ktest_fn_##suite_##_##name_(void); \
	static const struct ktest ktest_desc_##suite_##_##name_ \
		__attribute__((used, section(".ktest"), \
			       aligned(8))) = { #suite_, #name_, ktest_fn_##suite_##_##name_ }; \
	static void ktest_fn_##suite_##_##name_(void)

#include "ktest_check.h"

#endif /* KERNEL_KTEST_H */
