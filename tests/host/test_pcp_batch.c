/*
 * tests/host/test_pcp_batch.c - host tests of how much a per-CPU list
 * gives back when a free takes it to high: one batch at first, twice as
 * much at each further drain while frees run without allocations, never
 * more than high - batch; an allocation halves the scale; a block of
 * order > 0 freed during such a run empties the lists.
 */
#include <stdlib.h>

#include "test_buddy_util.h"
#include "mm/internal.h"
#include "mm/pcp.h"

#define NR_PAGES 4096

static struct page *pages[NR_PAGES];

/* One CPU on a 256 MiB machine, lists empty; GFP_KERNEL order-0 pages come
 * from DMA32, whose CPU 0 lists are returned. */
static struct per_cpu_pages *boot_empty_lists(void)
{
	if (boot_qemu_layout(256 * MiB, 4 * MiB))
		return NULL;
	mm_debug_poison = false;
	drain_all_pages(NULL);
	return &NODE_DATA(0)->node_zones[ZONE_DMA32].pcp[0];
}

/* Allocate @n order-0 pages into pages[]. */
static void alloc_n(int n)
{
	for (int i = 0; i < n; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, 0);
		KT_ASSERT(pages[i] != NULL);
		KT_ASSERT_EQ(page_zone(pages[i])->zone_idx, ZONE_DMA32);
	}
}

/* Free pages[from..to) one by one; record the size of each drain (the
 * count falling) in drains[], return how many there were. */
static int free_and_watch(struct per_cpu_pages *pcp, int from, int to, int *drains, int max)
{
	int nr = 0;

	for (int i = from; i < to; i++) {
		int before = pcp->count;

		__free_pages(pages[i], 0);
		if (pcp->count < before + 1 && nr < max)
			drains[nr++] = before + 1 - pcp->count;
	}
	return nr;
}

HTEST(drains_double_while_frees_run_without_allocations_up_to_high_minus_batch)
{
	struct per_cpu_pages *pcp = boot_empty_lists();
	int drains[64], nr, batch, high;

	KT_ASSERT(pcp != NULL);
	batch = pcp->batch;
	high = pcp->high;
	KT_ASSERT(batch > 1 && high >= 4 * batch && 3 * high < NR_PAGES);
	alloc_n(3 * high);
	nr = free_and_watch(pcp, 0, 3 * high, drains, 64);
	KT_ASSERT(nr >= 4);
	for (int k = 0; k < nr; k++) {
		int want = k < 16 && batch << k < high - batch ? batch << k : high - batch;

		KT_EXPECT_EQ(drains[k], want);
	}
	/* bounded: the last drains free high - batch and leave a batch */
	KT_EXPECT_EQ(drains[nr - 1], high - batch);
	KT_EXPECT(pcp->count >= batch);
	KT_EXPECT(pcp->count < high);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(an_allocation_halves_the_drain_scale)
{
	struct per_cpu_pages *pcp = boot_empty_lists();
	int drains[64], nr, batch, high, k;

	KT_ASSERT(pcp != NULL);
	batch = pcp->batch;
	high = pcp->high;
	alloc_n(3 * high);
	/* Four drains at high: batch, 2, 4, 8 batches (high is at least 4
	 * batches, so the fourth may be capped). */
	nr = 0;
	k = 0;
	while (nr < 4) {
		KT_ASSERT(k < 3 * high);
		nr += free_and_watch(pcp, k, k + 1, drains + nr, 64 - nr);
		k++;
	}
	/* One allocation: the scale drops from 4 to 2, so the next drain
	 * frees 4 batches (bounded) where it would have freed 16. */
	struct page *one = alloc_pages(GFP_KERNEL, 0);

	KT_ASSERT(one != NULL);
	nr = 0;
	while (nr < 1) {
		KT_ASSERT(k < 3 * high);
		nr += free_and_watch(pcp, k, k + 1, drains, 64);
		k++;
	}
	KT_EXPECT_EQ(drains[0], 4 * batch < high - batch ? 4 * batch : high - batch);
	/* Allocations in a row bring it back to one batch. */
	for (int i = 0; i < 8; i++)
		__free_pages(alloc_pages(GFP_KERNEL, 0), 0);
	for (int i = 0; i < 8; i++) {
		pages[NR_PAGES - 1 - i] = alloc_pages(GFP_KERNEL, 0);
		KT_ASSERT(pages[NR_PAGES - 1 - i] != NULL);
	}
	nr = 0;
	while (nr < 1 && k < 3 * high) {
		nr += free_and_watch(pcp, k, k + 1, drains, 64);
		k++;
	}
	KT_ASSERT_EQ(nr, 1);
	KT_EXPECT_EQ(drains[0], batch);
	free_and_watch(pcp, k, 3 * high, drains, 64);
	free_and_watch(pcp, NR_PAGES - 8, NR_PAGES, drains, 64);
	__free_pages(one, 0);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(an_order1_free_during_a_run_of_frees_empties_the_lists)
{
	struct per_cpu_pages *pcp = boot_empty_lists();
	struct page *o1a = NULL, *o1b = NULL;
	int drains[64], nr = 0, high, count, i;

	KT_ASSERT(pcp != NULL);
	high = pcp->high;
	o1a = alloc_pages(GFP_KERNEL, 1);
	o1b = alloc_pages(GFP_KERNEL, 1);
	KT_ASSERT(o1a && o1b);
	alloc_n(high);
	/* After allocations: an order-1 block waits on its list. */
	count = pcp->count;
	__free_pages(o1a, 1);
	KT_EXPECT_EQ(pcp->count, count + 2);
	/* Frees up to the first drain at high: the scale is up. */
	for (i = 0; i < high && !nr; i++)
		nr = free_and_watch(pcp, i, i + 1, drains, 64);
	KT_ASSERT_EQ(nr, 1);
	KT_EXPECT(pcp->count > 0);
	/* Now an order-1 free gives everything back. */
	__free_pages(o1b, 1);
	KT_EXPECT_EQ(pcp->count, 0);
	free_and_watch(pcp, i, high, drains, 64);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(lists_switched_off_free_every_page_at_once)
{
	struct per_cpu_pages *pcp = boot_empty_lists();

	KT_ASSERT(pcp != NULL);
	alloc_n(64);
	mm_pcp_set_enabled(false);
	for (int i = 0; i < 64; i++) {
		__free_pages(pages[i], 0);
		KT_EXPECT_EQ(pcp->count, 0);
	}
	mm_pcp_set_enabled(true);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST_MAIN("pcp_batch")
