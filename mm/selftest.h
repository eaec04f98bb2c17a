/*
 * mm/selftest.h - mm/'s own self-tests, run inside whatever kernel embeds
 * mm/, and the KTAP printer they report through.
 *
 * mm_run_selftests() runs every suite of mm/ that needs nothing but
 * mm/host.h (the allocator on the memory the host handed over) and prints
 * KTAP version 1 through mm_printk, shaped as KUnit prints it: one nested
 * subtest per suite,
 *
 *	KTAP version 1
 *	1..2
 *	    KTAP version 1
 *	    # Subtest: buddy
 *	    1..7
 *	    ok 1 invariants_hold_after_boot
 *	    ...
 *	# buddy: pass:7 fail:0 skip:0 total:7
 *	ok 1 buddy
 *	...
 *	# Totals: pass:10 fail:0 skip:0 total:10
 *
 * Call it after mm_init() (and after the host's own set-up of reclaim or
 * slab, if it uses them), from a thread or the boot path, with no mm/ lock
 * held; it allocates and frees most of memory and gives all of it back.
 * Returns the number of failed test cases.
 *
 * A host with suites of its own (the kernel does) prints one document with
 * both through the mm_ktap_* functions below. Suites are static tables, so
 * an embedder's linker script needs no section for them.
 */
#ifndef MM_SELFTEST_H
#define MM_SELFTEST_H

#include <stdarg.h>
#include <stdbool.h>

int mm_run_selftests(void);

struct mm_selftest_case {
	const char *name;
	void (*fn)(void);
};

/* A case named after its function: { "name", name }. */
#define MM_SELFTEST_CASE(fn) \
	{ \
#fn, fn \
	}

struct mm_selftest_suite {
	const char *name;
	const struct mm_selftest_case *cases;
	unsigned int nr_cases;
};

/* mm/'s suites, in order of name; mm_selftest_find() returns the one
 * called @name, or NULL. */
extern const struct mm_selftest_suite *const mm_selftest_suites[];
extern const unsigned int mm_nr_selftest_suites;
const struct mm_selftest_suite *mm_selftest_find(const char *name);

/*
 * The KTAP document, piece by piece. mm_ktap_begin() prints the header and
 * the plan of @nr_results top-level results (suites and mm_ktap_result()
 * lines); mm_ktap_end() prints "# Totals:" over every test case and
 * returns the number that failed. Not reentrant: one document at a time.
 */
void mm_ktap_begin(unsigned int nr_results);
int mm_ktap_end(void);
/* A top-level result that is a test case of its own, e.g. a suite name
 * that names nothing: "not ok N @name # @comment". */
void mm_ktap_result(bool ok, const char *name, const char *comment);
/* A suite: its "# Subtest:" line and plan, each case run and reported,
 * then its counts and its own result line. */
void mm_ktap_suite_begin(const char *name, unsigned int nr_cases);
void mm_ktap_run_case(const char *name, void (*fn)(void));
void mm_ktap_suite_end(void);

/* Inside a running case: a failed check ("# file:line: message"), a skip
 * with its reason, a diagnostic line; each printed at the case's depth. */
void mm_selftest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mm_selftest_vfail(const char *file, int line, const char *fmt, va_list ap);
void mm_selftest_skip(const char *reason);
void mm_selftest_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mm_selftest_vdiag(const char *fmt, va_list ap);

#endif /* MM_SELFTEST_H */
