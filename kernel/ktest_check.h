/*
 * kernel/ktest_check.h - the check macros of the self-tests (mm/'s, so a
 * check reads the same in mm/, the kernel and the host harness), reporting
 * through ktest_fail. Each runner implements ktest_fail/ktest_skip/
 * ktest_diag: the kernel's (kernel/ktest.c) hands them to mm/'s KTAP
 * printer, the host harness (tests/host/htest.c) prints them itself.
 */
#ifndef KERNEL_KTEST_CHECK_H
#define KERNEL_KTEST_CHECK_H

/* Record a failed check in the running test; prints a "# file:line: msg" diagnostic. */
void ktest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ktest_skip(const char *reason);
/* Print a diagnostic line ("# ...") belonging to the running test. */
void ktest_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define KT_FAIL ktest_fail
#include "mm/selftest_check.h"

#endif /* KERNEL_KTEST_CHECK_H */
