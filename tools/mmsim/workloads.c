/*
 * tools/mmsim/workloads.c - mmsim's workloads on the booted allocator and
 * its reports in Linux's /proc formats.
 *
 *   random    alloc/free of mixed orders (0..10, mostly small) and GFP
 *             flags; the invariant checker every 1000 steps and at the end
 *   fill      allocate order-0 pages until refused, GFP_KERNEL then
 *             GFP_ATOMIC, free everything, check buddyinfo is restored
 *   fragment  fill 90% of free memory with order-0 pages (movable and
 *             unmovable mixed), free a random half page by page, then
 *             count the order-9 blocks still obtainable (as the Linux
 *             measurement in ../shared/README.md does)
 *   highalloc stress-highalloc-like order-9 requests after filling with
 *             page cache, vmarea and unmovable pages (highalloc.c)
 *   highalloc-movable  the same after filling with vmarea pages only,
 *             which reclaim cannot drop (Linux's anonymous-memory measure)
 *   reclaim   page cache larger than RAM plus held allocations of each
 *             gfp class: direct reclaim, kswapd, OOM (reclaim.c)
 *   soak      cache, allocations and compaction with fault injection,
 *             invariants and page accounting checked throughout (soak.c)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/debug.h"
#include "mm/fail_page_alloc.h"
#include "mm/gfp.h"
#include "mm/pbmap.h"
#include "mm/slab.h"
#include "mm/vmstat.h"
#include "mm/zone.h"
#include "mmsim.h"

struct hold {
	struct page *page;
	unsigned int order;
};

static struct hold *held;
static size_t nheld, capheld;

static void hold(struct page *p, unsigned int order)
{
	if (nheld == capheld) {
		capheld = capheld ? capheld * 2 : 4096;
		held = realloc(held, capheld * sizeof(*held));
		if (!held) {
			fprintf(stderr, "mmsim: out of host memory\n");
			exit(1);
		}
	}
	held[nheld++] = (struct hold){ p, order };
}

static void release(size_t i)
{
	__free_pages(held[i].page, held[i].order);
	held[i] = held[--nheld];
}

static void release_all(void)
{
	while (nheld)
		release(nheld - 1);
}

static unsigned long rnd_state;

static unsigned long rnd(void)
{
	/* xorshift64*: the same sequence for a seed on every host */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (unsigned long)((rnd_state * 2685821657736338717ull) >> 16);
}

static int check(const char *when)
{
	int problems = mm_check_invariants();

	if (problems)
		printf("mmsim: %d invariant problems %s\n", problems, when);
	return problems;
}

static const gfp_t random_gfps[] = {
	GFP_KERNEL,
	GFP_KERNEL,
	GFP_HIGHUSER_MOVABLE,
	GFP_HIGHUSER_MOVABLE,
	GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_ATOMIC,
	GFP_NOWAIT,
	GFP_DMA32,
	GFP_DMA,
	GFP_KERNEL | __GFP_ZERO,
	GFP_KERNEL | __GFP_COMP,
};

static int workload_random(unsigned long steps)
{
	unsigned long allocs = 0, fails = 0, frees = 0;
	size_t target = 1 + (size_t)(nr_free_pages() / 8);
	int problems = 0;

	for (unsigned long s = 0; s < steps; s++) {
		bool do_alloc = !nheld || rnd() % 100 < (nheld < target ? 60 : 40);

		if (do_alloc) {
			unsigned long r = rnd() % 100;
			unsigned int order = r < 70   ? 0
					     : r < 90 ? 1 + rnd() % 3
						      : rnd() % MAX_ORDER;
			gfp_t gfp =
				random_gfps[rnd() % (sizeof(random_gfps) / sizeof(random_gfps[0]))];
			struct page *p = alloc_pages(gfp | __GFP_NOWARN, order);

			if (p) {
				hold(p, order);
				allocs++;
			} else {
				fails++;
			}
		} else {
			release(rnd() % nheld);
			frees++;
		}
		if (s % 1000 == 999)
			problems += check("during random");
	}
	printf("workload random: %lu steps, %lu allocations (%lu refused), %lu frees, %zu held\n",
	       steps, allocs, fails, frees, nheld);
	release_all();
	problems += check("after random");
	return problems ? 1 : 0;
}

static int workload_fill(unsigned long steps)
{
	unsigned long before[MM_BUDDYINFO_ZONES][MAX_ORDER], after[MM_BUDDYINFO_ZONES][MAX_ORDER];
	unsigned long rounds = 1 + steps / 100000;
	int bad = 0;

	drain_all_pages(NULL);
	mm_buddyinfo_snapshot(before);
	for (unsigned long r = 0; r < rounds; r++) {
		struct page *p;
		unsigned long k = 0, a = 0;

		while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)) != NULL) {
			hold(p, 0);
			k++;
		}
		while ((p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0)) != NULL) {
			hold(p, 0);
			a++;
		}
		printf("workload fill: round %lu: %lu pages with GFP_KERNEL, %lu more with GFP_ATOMIC, "
		       "%lu left free\n",
		       r, k, a, nr_free_pages());
		bad += check("when full") != 0;
		release_all();
		drain_all_pages(NULL);
		mm_buddyinfo_snapshot(after);
		if (memcmp(before, after, sizeof(before))) {
			printf("workload fill: buddyinfo not restored after freeing everything\n");
			bad++;
		}
	}
	bad += check("after fill") != 0;
	return bad ? 1 : 0;
}

static int workload_fragment(unsigned long steps)
{
	unsigned long target = nr_free_pages() * 9 / 10, got9 = 0, possible;
	struct page *p;

	(void)steps;
	for (unsigned long i = 0; i < target; i++) {
		gfp_t gfp = rnd() % 8 ? GFP_HIGHUSER_MOVABLE : GFP_KERNEL;

		p = alloc_pages(gfp | __GFP_NOWARN, 0);
		if (!p)
			break;
		hold(p, 0);
	}
	for (size_t n = nheld / 2; n; n--)
		release(rnd() % nheld);
	drain_all_pages(NULL);
	possible = (nr_free_pages() + nheld) / 512;
	size_t keep = nheld;
	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 9)) != NULL) {
		hold(p, 9);
		got9++;
	}
	printf("workload fragment: %zu order-0 pages kept after freeing half at random; "
	       "order-9 blocks obtained %lu of %lu possible ((free + held) / 512) = %lu%%\n",
	       keep, got9, possible, possible ? got9 * 100 / possible : 0);
	int problems = check("when fragmented");
	release_all();
	problems += check("after fragment");
	return problems ? 1 : 0;
}

int mmsim_slab_ready(void)
{
	static bool ready;

	struct fail_page_alloc_attr fa;
	bool inject = mm_fail_page_alloc_on;
	int rc;

	if (ready)
		return 0;
	/* Boot-time set-up, which --fail-page-alloc must not fail: injection
	 * resumes afterwards as it was set up (nothing was injected yet). */
	if (inject) {
		mm_fail_page_alloc_get(&fa);
		mm_fail_page_alloc_disable();
	}
	rc = kmem_cache_init();
	if (inject)
		mm_fail_page_alloc_setup(&fa);
	if (rc) {
		fprintf(stderr, "mmsim: kmem_cache_init failed\n");
		return -1;
	}
	ready = true;
	return 0;
}

int mmsim_run_workload(const char *name, unsigned long seed, unsigned long steps)
{
	rnd_state = seed * 0x9e3779b97f4a7c15ull + 1;
	mm_debug_poison = false; /* as at kernel boot; the host tests poison */
	if (!strcmp(name, "random"))
		return workload_random(steps);
	if (!strcmp(name, "fill"))
		return workload_fill(steps);
	if (!strcmp(name, "fragment"))
		return workload_fragment(steps);
	if (!strcmp(name, "highalloc"))
		return mmsim_highalloc(seed, false);
	if (!strcmp(name, "highalloc-movable"))
		return mmsim_highalloc(seed, true);
	if (!strcmp(name, "reclaim"))
		return mmsim_reclaim(seed, steps);
	if (!strcmp(name, "soak"))
		return mmsim_soak(seed, steps);
	if (!strcmp(name, "slab"))
		return mmsim_slab(seed, steps);
	fprintf(stderr,
		"mmsim: unknown workload '%s' (random, fill, fragment, highalloc, highalloc-movable, reclaim, soak, slab)\n",
		name);
	return 2;
}

int mmsim_print(const char *what)
{
	if (!strcmp(what, "buddyinfo"))
		mm_print_buddyinfo();
	else if (!strcmp(what, "zoneinfo"))
		mm_print_zoneinfo();
	else if (!strcmp(what, "pagetypeinfo"))
		mm_print_pagetypeinfo();
	else if (!strcmp(what, "vmstat"))
		mm_print_vmstat();
	else if (!strcmp(what, "pbmap"))
		mm_print_pbmap();
	else if (!strcmp(what, "slabinfo")) {
		if (mmsim_slab_ready())
			return 1;
		mm_print_slabinfo();
	} else {
		fprintf(stderr,
			"mmsim: unknown report '%s' (buddyinfo, zoneinfo, pagetypeinfo, vmstat, pbmap)\n",
			what);
		return 2;
	}
	return 0;
}
