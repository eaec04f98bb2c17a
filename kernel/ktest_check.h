/*
 * kernel/ktest_check.h - the check macros of the self-tests, shared by the
 * kernel's KTAP runner (kernel/ktest.c) and the host harness
 * (tests/host/htest.c), so a check reads the same in both places. Each
 * runner implements ktest_fail/ktest_skip/ktest_diag.
 */
#ifndef KERNEL_KTEST_CHECK_H
#define KERNEL_KTEST_CHECK_H

/* Record a failed check in the running test; prints a "# file:line: msg" diagnostic. */
void ktest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ktest_skip(const char *reason);
/* Print a diagnostic line ("# ...") belonging to the running test. */
void ktest_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define KT_EXPECT(cond) \
	do { \
		if (!(cond)) \
			ktest_fail(__FILE__, __LINE__, "expected %s", #cond); \
	} while (0)
#define KT_ASSERT(cond) \
	do { \
		if (!(cond)) { \
			ktest_fail(__FILE__, __LINE__, "assertion %s", #cond); \
			return; \
		} \
	} while (0)
#define KT_EXPECT_EQ(a, b) \
	do { \
		unsigned long long _a = (unsigned long long)(a); \
		unsigned long long _b = (unsigned long long)(b); \
		if (_a != _b) \
			ktest_fail(__FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", #a, #b, _a, \
				   _b); \
	} while (0)
#define KT_ASSERT_EQ(a, b) \
	do { \
		unsigned long long _a = (unsigned long long)(a); \
		unsigned long long _b = (unsigned long long)(b); \
		if (_a != _b) { \
			ktest_fail(__FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", #a, #b, _a, \
				   _b); \
			return; \
		} \
	} while (0)

#endif /* KERNEL_KTEST_CHECK_H */
