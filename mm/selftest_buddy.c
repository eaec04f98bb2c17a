/*
 * mm/selftest_buddy.c - self-tests of the page allocator on the memory the
 * host handed over (every QEMU configuration of the kernel, the embedding
 * example): every order, each
 * zone exhausted and refilled, watermark refusal, zone fallback, the
 * lowmem reserve, GFP_ATOMIC below min, and a clean invariant check.
 *
 * Held blocks are chained through their own struct page (lru, private),
 * which belong to the owner of an allocated block, so the tests need no
 * memory of their own. Exhaustion goes from order 10 down to 0, so even
 * 16 GiB takes a few thousand allocations.
 */
#include "debug.h"
#include "gfp.h"
#include "selftest_check.h"
#include "vmstat.h"
#include "zone.h"

struct held_blocks {
	struct list_head list;
	unsigned long pages;
	unsigned long per_zone[MAX_NR_ZONES]; /* pages */
};

static void held_init(struct held_blocks *h)
{
	INIT_LIST_HEAD(&h->list);
	h->pages = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		h->per_zone[i] = 0;
}

static void held_add(struct held_blocks *h, struct page *p, unsigned int order)
{
	p->private = order;
	list_add(&p->lru, &h->list);
	h->pages += 1UL << order;
	h->per_zone[page_zonenum(p)] += 1UL << order;
}

/* Allocate with @gfp from order @max_order down to 0 until refused. */
static void held_fill(struct held_blocks *h, gfp_t gfp, int max_order)
{
	for (int o = max_order; o >= 0; o--) {
		struct page *p;

		while ((p = alloc_pages(gfp | __GFP_NOWARN, (unsigned int)o)) != NULL)
			held_add(h, p, (unsigned int)o);
	}
}

static void held_free_all(struct held_blocks *h)
{
	while (!list_empty(&h->list)) {
		struct page *p = list_first_entry(&h->list, struct page, lru);

		list_del(&p->lru);
		__free_pages(p, p->private);
	}
	h->pages = 0;
}

static unsigned long snap_before[MM_BUDDYINFO_ZONES][MAX_ORDER];
static unsigned long snap_after[MM_BUDDYINFO_ZONES][MAX_ORDER];

static bool buddyinfo_same(void)
{
	drain_all_pages(NULL);
	mm_buddyinfo_snapshot(snap_after);
	for (int z = 0; z < MM_BUDDYINFO_ZONES; z++)
		for (int o = 0; o < MAX_ORDER; o++)
			if (snap_before[z][o] != snap_after[z][o]) {
				mm_selftest_diag("node %d zone %d order %d: %lu free blocks before, %lu after",
						 z / MAX_NR_ZONES, z % MAX_NR_ZONES, o,
						 snap_before[z][o], snap_after[z][o]);
				return false;
			}
	return true;
}

static void snap(void)
{
	drain_all_pages(NULL);
	mm_buddyinfo_snapshot(snap_before);
}

static struct zone *zone_of(int zi)
{
	return &NODE_DATA(0)->node_zones[zi];
}

static int highest_populated_zone(void)
{
	for (int zi = MAX_NR_ZONES - 1; zi >= 0; zi--)
		if (zone_of(zi)->managed_pages)
			return zi;
	return -1;
}

static void invariants_hold_after_boot(void)
{
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	KT_EXPECT(nr_free_pages() > 0);
}

static void every_order_allocates_aligned_blocks_and_merges_back(void)
{
	snap();
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);

		if (!p) {
			mm_selftest_diag("no order-%u block on this machine", order);
			continue;
		}
		KT_EXPECT_EQ(page_to_pfn(p) & ((1UL << order) - 1), 0);
		KT_EXPECT_EQ(page_ref_count(p), 1);
		KT_EXPECT(zone_spans_pfn(page_zone(p), page_to_pfn(p)));
		/* the memory is really there, through the direct map */
		volatile uint64_t *w = page_address(p);
		w[0] = 0x1234;
		w[(MM_PAGE_SIZE << order) / 8 - 1] = 0x5678;
		KT_EXPECT_EQ(w[0] + w[(MM_PAGE_SIZE << order) / 8 - 1], 0x1234 + 0x5678);
		__free_pages(p, order);
	}
	KT_EXPECT(buddyinfo_same());
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

static void exhaust_each_zone_and_free_all(void)
{
	static const gfp_t zone_gfp[MAX_NR_ZONES] = { GFP_DMA, GFP_DMA32, GFP_KERNEL };
	struct held_blocks h;

	snap();
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = zone_of(zi);

		if (!z->managed_pages)
			continue;
		held_init(&h);
		/* Pages the last round freed may wait on per-CPU lists of
		 * another migratetype, where these unmovable requests cannot
		 * reach them and no reclaim progress drains them: back to the
		 * buddy lists first. */
		drain_all_pages(NULL);
		/* __GFP_MEMALLOC ignores watermarks: the zones really run dry */
		held_fill(&h, zone_gfp[zi] | __GFP_MEMALLOC, MAX_ORDER - 1);
		drain_all_pages(NULL);
		mm_selftest_diag("%s: %lu pages allocated (%lu from this zone), %ld left free",
				 z->name, h.pages, h.per_zone[zi],
				 zone_page_state(z, NR_FREE_PAGES));
		KT_EXPECT_EQ(zone_page_state(z, NR_FREE_PAGES), 0);
		for (int lower = 0; lower <= zi; lower++)
			KT_EXPECT_EQ(zone_page_state(zone_of(lower), NR_FREE_PAGES), 0);
		KT_EXPECT_EQ(mm_check_invariants(), 0);
		held_free_all(&h);
	}
	KT_EXPECT(buddyinfo_same());
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

static void watermarks_refuse_kernel_and_atomic_reaches_below_min(void)
{
	struct held_blocks h;
	int top = highest_populated_zone();

	KT_ASSERT(top >= 0);
	struct zone *z = zone_of(top);
	long min = (long)min_wmark_pages(z);
	/* A per-CPU refill takes a batch of order-0 pages, or two blocks of a
	 * higher order, from the buddy lists after the watermark test. */
	int batch = z->pcp[0].batch > (2 << PCP_MAX_ORDER) ? z->pcp[0].batch : (2 << PCP_MAX_ORDER);

	snap();
	held_init(&h);
	held_fill(&h, GFP_KERNEL, MAX_ORDER - 1);
	long free_k = zone_page_state(z, NR_FREE_PAGES);
	KT_EXPECT(free_k <= min);
	KT_EXPECT(free_k > min - batch);
	KT_EXPECT(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) == NULL);
	unsigned long before_atomic = h.pages;
	held_fill(&h, GFP_ATOMIC, 0);
	long free_a = zone_page_state(z, NR_FREE_PAGES);
	mm_selftest_diag("%s min %ld: GFP_KERNEL stopped at %ld free, GFP_ATOMIC took %lu more, left %ld",
			 z->name, min, free_k, h.pages - before_atomic, free_a);
	KT_EXPECT(h.pages > before_atomic);
	KT_EXPECT(free_a < min);
	long atomic_floor = min - min / 2 - (min - min / 2) / 4;
	KT_EXPECT(free_a <= atomic_floor);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	held_free_all(&h);
	KT_EXPECT(buddyinfo_same());
}

static void zone_fallback_and_lowmem_reserve(void)
{
	struct held_blocks h;
	int top = highest_populated_zone();
	struct zone *dma = zone_of(ZONE_DMA);

	KT_ASSERT(top >= 0);
	snap();
	held_init(&h);
	/* The first GFP_KERNEL page comes from the highest populated zone. */
	struct page *p = alloc_pages(GFP_KERNEL, 0);
	KT_ASSERT(p != NULL);
	KT_EXPECT_EQ(page_zonenum(p), top);
	held_add(&h, p, 0);
	held_fill(&h, GFP_KERNEL, MAX_ORDER - 1);
	drain_all_pages(NULL);
	/* Falling back, GFP_KERNEL took from every lower zone ... */
	for (int zi = 0; zi <= top; zi++)
		if (zone_of(zi)->managed_pages >
		    2 * (unsigned long)(min_wmark_pages(zone_of(zi)) +
					zone_of(zi)->lowmem_reserve[ZONE_NORMAL]))
			KT_EXPECT(h.per_zone[zi] > 0);
	/* ... but left DMA its min plus the reserve against Normal requests. */
	if (dma->managed_pages && top > ZONE_DMA) {
		long floor = (long)min_wmark_pages(dma) + dma->lowmem_reserve[ZONE_NORMAL];
		long f = zone_page_state(dma, NR_FREE_PAGES);

		mm_selftest_diag("DMA: %ld free, min %lu + protection %ld", f, min_wmark_pages(dma),
				 dma->lowmem_reserve[ZONE_NORMAL]);
		if (floor < (long)dma->managed_pages)
			KT_EXPECT(f >= floor - dma->pcp[0].batch - (2 << PCP_MAX_ORDER));
		/* which a __GFP_DMA request may still use */
		if (f > (long)min_wmark_pages(dma) + 1) {
			p = alloc_pages(GFP_DMA | __GFP_NOWARN, 0);
			KT_EXPECT(p != NULL);
			if (p) {
				KT_EXPECT_EQ(page_zonenum(p), ZONE_DMA);
				KT_EXPECT(page_to_pfn(p) < (16UL << 20) / MM_PAGE_SIZE);
				held_add(&h, p, 0);
			}
		}
	}
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	held_free_all(&h);
	KT_EXPECT(buddyinfo_same());
}

static void zone_modifiers_are_obeyed(void)
{
	struct page *p = alloc_pages(GFP_DMA32, 2);

	if (zone_of(ZONE_DMA32)->managed_pages || zone_of(ZONE_DMA)->managed_pages) {
		KT_ASSERT(p != NULL);
		KT_EXPECT(page_to_pfn(p) + 4 <= (4UL << 30) / MM_PAGE_SIZE);
		__free_pages(p, 2);
	}
	p = alloc_pages(GFP_DMA, 0);
	if (zone_of(ZONE_DMA)->managed_pages) {
		KT_ASSERT(p != NULL);
		KT_EXPECT(page_to_pfn(p) < (16UL << 20) / MM_PAGE_SIZE);
		__free_pages(p, 0);
	}
	unsigned long z = get_zeroed_page(GFP_KERNEL);
	KT_ASSERT(z != 0);
	KT_EXPECT_EQ(((uint64_t *)z)[17], 0);
	free_page(z);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

static void no_bad_pages_and_clean_invariants_at_the_end(void)
{
	drain_all_pages(NULL);
	KT_EXPECT_EQ(mm_global_vm_event(BAD_PAGES), 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

static const struct mm_selftest_case buddy_cases[] = {
	MM_SELFTEST_CASE(invariants_hold_after_boot),
	MM_SELFTEST_CASE(every_order_allocates_aligned_blocks_and_merges_back),
	MM_SELFTEST_CASE(exhaust_each_zone_and_free_all),
	MM_SELFTEST_CASE(watermarks_refuse_kernel_and_atomic_reaches_below_min),
	MM_SELFTEST_CASE(zone_fallback_and_lowmem_reserve),
	MM_SELFTEST_CASE(zone_modifiers_are_obeyed),
	MM_SELFTEST_CASE(no_bad_pages_and_clean_invariants_at_the_end),
};

const struct mm_selftest_suite mm_selftest_buddy = { "buddy", buddy_cases,
						     sizeof(buddy_cases) / sizeof(buddy_cases[0]) };
