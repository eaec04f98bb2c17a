/*
 * kernel/ktest_run.h - running the in-kernel self-tests (kernel/ktest.h
 * declares the kernel's, mm/selftest.h mm/'s own).
 */
#ifndef KERNEL_KTEST_RUN_H
#define KERNEL_KTEST_RUN_H

/*
 * Run the tests of the suites named in @selection ("all", "none" or a comma
 * list of suite names; a name matching no suite is reported as a failed
 * result) and print KTAP version 1 in KUnit's shape: each suite a nested
 * subtest ("# Subtest: NAME", its own plan and results, indented), its
 * counts and "ok N NAME" at the top level, then "# Totals: pass:N fail:N
 * skip:N total:N" over every test case. Returns the number of failures.
 */
int ktest_run(const char *selection);

/* Number of test cases in suite @suite, the kernel's or mm/'s (all suites
 * when NULL). */
unsigned int ktest_count(const char *suite);

/* The name of the suite after @after in order of name (the first when
 * NULL), or NULL after the last. */
const char *ktest_next_suite(const char *after);

#endif /* KERNEL_KTEST_RUN_H */
