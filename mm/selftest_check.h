/*
 * mm/selftest_check.h - the check macros of the self-tests: KT_EXPECT*
 * records a failure with file:line and the values and goes on; KT_ASSERT*
 * also returns from the test. They report through KT_FAIL, mm/'s runner
 * (mm_selftest_fail) unless the includer names its own first (the host
 * test harness does), so a check reads the same in mm/, the kernel and
 * the host tests.
 */
#ifndef MM_SELFTEST_CHECK_H
#define MM_SELFTEST_CHECK_H

#ifndef KT_FAIL
#include "selftest.h"
#define KT_FAIL mm_selftest_fail
#endif

#define KT_EXPECT(cond) \
	do { \
		if (!(cond)) \
			KT_FAIL(__FILE__, __LINE__, "expected %s", #cond); \
	} while (0)
#define KT_ASSERT(cond) \
	do { \
		if (!(cond)) { \
			KT_FAIL(__FILE__, __LINE__, "assertion %s", #cond); \
			return; \
		} \
	} while (0)
#define KT_EXPECT_EQ(a, b) \
	do { \
		unsigned long long _a = (unsigned long long)(a); \
		unsigned long long _b = (unsigned long long)(b); \
		if (_a != _b) \
			KT_FAIL(__FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", #a, #b, _a, _b); \
	} while (0)
#define KT_ASSERT_EQ(a, b) \
	do { \
		unsigned long long _a = (unsigned long long)(a); \
		unsigned long long _b = (unsigned long long)(b); \
		if (_a != _b) { \
			KT_FAIL(__FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx", #a, #b, _a, _b); \
			return; \
		} \
	} while (0)

#endif /* MM_SELFTEST_CHECK_H */
