/*
 * tests/kernel/bench_highalloc.c - the stress-highalloc-like benchmark
 * (tests/kernel/highalloc_bench.h) on the booted machine: suite
 * "highalloc", run only when named (test=highalloc). It checks what must
 * hold whatever the figures: every page verified, the checkers clean.
 */
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "tests/kernel/highalloc_bench.h"
#include "mm/debug.h"
#include "mm/kcompactd.h"

KTEST(highalloc, order9_requests_after_fill_and_thin)
{
	struct highalloc_result r;

	if (sched_is_running())
		kcompactd_run(); /* as on a running system; kswapd is already up */
	KT_ASSERT_EQ(highalloc_run(&r, 1), 0);
	highalloc_print(&r, "kernel");
	mm_print_compact_vmstat();
	KT_EXPECT_EQ(r.bad, 0);
	KT_EXPECT(r.got > 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	KT_EXPECT_EQ(lru_check(), 0);
}
