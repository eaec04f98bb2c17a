/*
 * kernel/ktest.h - in-kernel self-tests reported in KTAP version 1.
 *
 * A test is a function registered with KTEST(suite, name); the runner
 * (kernel/ktest.c) collects them from the .ktest linker section, runs the
 * suites selected by the `test=` command-line option, prints
 * "ok N name" / "not ok N name" lines and the totals, and the kernel exits
 * QEMU through isa-debug-exit with a pass/fail code.
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

#define KTEST(suite_, name_)                                                  \
	static void ktest_fn_##suite_##_##name_(void);                        \
	static const struct ktest ktest_desc_##suite_##_##name_               \
		__attribute__((used, section(".ktest"), aligned(8))) = {       \
			#suite_, #name_, ktest_fn_##suite_##_##name_};       \
	static void ktest_fn_##suite_##_##name_(void)

/* Record a failed check in the running test; prints a "# file:line: msg" diagnostic. */
void ktest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ktest_skip(const char *reason);
/* Print a diagnostic line ("# ...") belonging to the running test. */
void ktest_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define KT_EXPECT(cond)                                                       \
	do {                                                                  \
		if (!(cond))                                                  \
			ktest_fail(__FILE__, __LINE__, "expected %s", #cond); \
	} while (0)
#define KT_ASSERT(cond)                                                       \
	do {                                                                  \
		if (!(cond)) {                                                \
			ktest_fail(__FILE__, __LINE__, "assertion %s", #cond); \
			return;                                               \
		}                                                             \
	} while (0)
#define KT_EXPECT_EQ(a, b)                                                    \
	do {                                                                  \
		unsigned long long _a = (unsigned long long)(a);              \
		unsigned long long _b = (unsigned long long)(b);              \
		if (_a != _b)                                                 \
			ktest_fail(__FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", \
				   #a, #b, _a, _b);                           \
	} while (0)
#define KT_ASSERT_EQ(a, b)                                                    \
	do {                                                                  \
		unsigned long long _a = (unsigned long long)(a);              \
		unsigned long long _b = (unsigned long long)(b);              \
		if (_a != _b) {                                               \
			ktest_fail(__FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", \
				   #a, #b, _a, _b);                           \
			return;                                               \
		}                                                             \
	} while (0)

#endif /* KERNEL_KTEST_H */
