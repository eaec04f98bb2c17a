/*
 * tests/kernel/bench_highalloc.c - the stress-highalloc-like benchmark
 * (tests/kernel/highalloc_bench.h) on the booted machine, both kinds:
 * suite "highalloc", run only when named (test=highalloc). It checks what
 * must hold whatever the figures: every page verified, the checkers clean.
 */
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "tests/kernel/highalloc_bench.h"
#include "mm/debug.h"
#include "mm/kcompactd.h"

static void highalloc_kernel_run(enum highalloc_kind kind)
{
	struct highalloc_result r;

	if (sched_is_running())
		kcompactd_run(); /* as on a running system; kswapd is already up */
	KT_ASSERT_EQ(highalloc_run_kind(&r, 1, kind), 0);
	highalloc_print(&r, "kernel");
	mm_print_compact_vmstat();
	KT_EXPECT_EQ(r.bad, 0);
	KT_EXPECT(r.got > 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	KT_EXPECT_EQ(mm_lru_check(), 0);
}

KTEST(highalloc, order9_requests_after_fill_and_thin)
{
	highalloc_kernel_run(HIGHALLOC_MIXED);
}

/* Linux's measure: movable pages reclaim cannot drop, a random half freed. */
KTEST(highalloc, order9_requests_after_movable_fill_and_thin)
{
	highalloc_kernel_run(HIGHALLOC_MOVABLE);
}
