/*
 * tools/mmsim/highalloc.c - mmsim's "highalloc" workload: the
 * stress-highalloc-like benchmark of tests/kernel/highalloc_bench.h on the
 * simulated machine (reclaim state set up first, as the kernel's boot does).
 */
#include <stdio.h>

#include "tests/kernel/highalloc_bench.h"
#include "mm/debug.h"
#include "mm/kswapd.h"
#include "mmsim.h"

int mmsim_highalloc(unsigned long seed)
{
	struct highalloc_result r;
	int problems;

	mm_reclaim_init();
	if (highalloc_run(&r, seed)) {
		printf("workload highalloc: no memory for the scenario\n");
		return 1;
	}
	highalloc_print(&r, "mmsim");
	problems = mm_check_invariants();
	if (problems || r.bad) {
		printf("workload highalloc: %d invariant problems, %lu bad pages\n", problems,
		       r.bad);
		return 1;
	}
	return 0;
}
