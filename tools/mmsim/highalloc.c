/*
 * tools/mmsim/highalloc.c - mmsim's "highalloc" and "highalloc-movable"
 * workloads: the stress-highalloc-like benchmark of
 * tests/kernel/highalloc_bench.h, in its mixed and its movable-only kind,
 * on the simulated machine (reclaim state set up first, as the kernel's
 * boot does).
 */
#include <stdbool.h>
#include <stdio.h>

#include "tests/kernel/highalloc_bench.h"
#include "mm/debug.h"
#include "mm/kswapd.h"
#include "mmsim.h"

int mmsim_highalloc(unsigned long seed, bool movable)
{
	const char *name = movable ? "highalloc-movable" : "highalloc";
	struct highalloc_result r;
	int problems;

	mm_reclaim_init();
	if (highalloc_run_kind(&r, seed, movable ? HIGHALLOC_MOVABLE : HIGHALLOC_MIXED)) {
		printf("workload %s: no memory for the scenario\n", name);
		return 1;
	}
	highalloc_print(&r, "mmsim");
	problems = mm_check_invariants();
	if (problems || r.bad) {
		printf("workload %s: %d invariant problems, %lu bad pages\n", name, problems,
		       r.bad);
		return 1;
	}
	return 0;
}
