/*
 * kernel/ktest_run.h - running the in-kernel self-tests (kernel/ktest.h
 * declares them).
 */
#ifndef KERNEL_KTEST_RUN_H
#define KERNEL_KTEST_RUN_H

/*
 * Run the tests of the suites named in @selection ("all", "none" or a comma
 * list of suite names; a name matching no suite is reported as a failed
 * result) and print KTAP version 1, flat: one "ok N suite.name" line per
 * test, "# suite" diagnostics between suites, then "# N skipped" (when
 * some were) and "# N passed, N failed". Returns the number of failures.
 */
int ktest_run(const char *selection);

/* Number of registered tests in suite @suite (all suites when NULL). */
unsigned int ktest_count(const char *suite);

#endif /* KERNEL_KTEST_RUN_H */
