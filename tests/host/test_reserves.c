/*
 * tests/host/test_reserves.c - the HIGHATOMIC reserve's bookkeeping over
 * its whole life: made by an atomic request, its pages freed to another
 * CPU's per-CPU list, given back by the slowpath, drained; two adjacent
 * reserved pageblocks; pageblocks shared with a hole at a zone edge; which
 * zones a release may touch, and when the last reserve goes. Each step is
 * checked by mm_check_invariants(), which counts the reserve against the
 * pageblocks and every free block's list against its pageblock's type.
 */
#include "test_reclaim_util.h"
#include "mm/internal.h"

static struct alloc_context ac_for(int highest_zoneidx, int migratetype)
{
	return (struct alloc_context){ .zonelist = mm_node_zonelist(0, GFP_KERNEL),
				       .highest_zoneidx = highest_zoneidx,
				       .migratetype = migratetype };
}

/* Free pages sitting on @z's HIGHATOMIC lists. */
static unsigned long highatomic_free_pages(struct zone *z)
{
	unsigned long n = 0;

	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		struct list_head *pos;

		list_for_each(pos, &z->free_area[o].free_list[MIGRATE_HIGHATOMIC])
			n += 1UL << o;
	}
	return n;
}

/* Free (and drop from @s) every held page inside @pfn's pageblock; how
 * many pages. */
static size_t free_held_in_pageblock(struct held_set *s, unsigned long pfn)
{
	unsigned long pb = pfn >> pageblock_order;
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (page_to_pfn(s->v[i].page) >> pageblock_order != pb)
			continue;
		n += 1UL << s->v[i].order;
		__free_pages(s->v[i].page, s->v[i].order);
		s->v[i--] = s->v[--s->n];
	}
	return n;
}

HTEST(reserve_pages_freed_to_a_pcp_list_return_to_ordinary_lists_when_released)
{
	const struct alloc_context ac = ac_for(ZONE_DMA32, MIGRATE_UNMOVABLE);
	struct held_set s = { 0 }, a = { 0 };
	struct block_device bd;
	struct address_space f;
	struct zone *z;
	struct page *p;
	unsigned long pfn;

	host_set_nr_cpus(2);
	KT_ASSERT_EQ(reclaim_boot(48), 0);
	mm_debug_poison = false;
	z = dma32();
	/* A page cache, then the zone taken down to min without reclaim. */
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 4000), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 1, &bd, 0, 4000, 0), 0);
	for (uint64_t i = 0; i < 4000; i++)
		if (write_version(&f, i, 1))
			break;
	mm_filemap_sync(&f);
	held_fill(&s, 0, 0);
	/* An atomic order-2 request below min makes its pageblock a reserve. */
	p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 2);
	KT_ASSERT(p != NULL);
	pfn = page_to_pfn(p);
	KT_EXPECT_EQ(z->nr_reserved_highatomic, pageblock_nr_pages);
	KT_EXPECT_EQ(mm_get_pageblock_migratetype(pfn), MIGRATE_HIGHATOMIC);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	/* The pageblock emptied; the block freed on CPU 1, where it waits on a
	 * per-CPU list remembering the reserve. */
	size_t freed = free_held_in_pageblock(&s, pfn) + 4;
	host_set_cpu(1);
	__free_pages(p, 2);
	host_set_cpu(0);
	KT_EXPECT(PagePcp(p));
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	/* The slowpath gives the reserve back before an OOM kill, then drains
	 * every CPU's lists: the block goes to the pageblock's new type. */
	KT_EXPECT(mm_unreserve_highatomic_pageblock(&ac, true));
	drain_all_pages(NULL);
	KT_EXPECT_EQ(z->nr_reserved_highatomic, 0);
	KT_EXPECT_EQ(mm_get_pageblock_migratetype(pfn), MIGRATE_UNMOVABLE);
	KT_EXPECT_EQ(highatomic_free_pages(z), 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	/* ...where any request reaches it: the pages freed in the pageblock
	 * (below min before) go to plain order-0 atomic requests. */
	size_t got = held_fill(&a, GFP_ATOMIC, 0);
	ktest_diag("order-0 atomic requests got %zu pages after %zu were freed in the reserve; free %ld",
		   got, freed, zone_page_state(z, NR_FREE_PAGES));
	KT_EXPECT(got >= freed);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	held_free_all(&a);
	held_free_all(&s);
	mm_filemap_evict(&f, true);
	mm_filemap_drain_node_pool();
	ramdisk_host_destroy(&bd);
	EXPECT_MM_CLEAN();
	host_set_nr_cpus(1);
}

HTEST(two_adjacent_reserved_pageblocks_stay_apart_and_are_released_one_at_a_time)
{
	const struct alloc_context ac = ac_for(ZONE_DMA32, MIGRATE_MOVABLE);
	struct held_set s = { 0 };
	struct zone *z;
	unsigned long a = 0;

	KT_ASSERT_EQ(reclaim_boot(48), 0);
	mm_debug_poison = false;
	z = dma32();
	/* Both pageblocks of a free order-10 block become reserves. */
	for (unsigned long pfn = z->zone_start_pfn; pfn < zone_end_pfn(z); pfn++) {
		struct page *pg = pfn_to_page(pfn);

		if (PageBuddy(pg) && pg->private == MAX_ORDER - 1) {
			a = pfn;
			break;
		}
	}
	KT_ASSERT(a != 0);
	mm_reserve_highatomic_pageblock(pfn_to_page(a), z);
	mm_reserve_highatomic_pageblock(pfn_to_page(a + pageblock_nr_pages), z);
	KT_EXPECT_EQ(z->nr_reserved_highatomic, 2 * pageblock_nr_pages);
	KT_EXPECT(list_empty(&z->free_area[MAX_ORDER - 1].free_list[MIGRATE_HIGHATOMIC]));
	KT_EXPECT_EQ(highatomic_free_pages(z), 2 * pageblock_nr_pages);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	/* One released: exactly one pageblock's count and pages. */
	KT_EXPECT(mm_unreserve_highatomic_pageblock(&ac, true));
	KT_EXPECT_EQ(z->nr_reserved_highatomic, pageblock_nr_pages);
	KT_EXPECT_EQ(highatomic_free_pages(z), pageblock_nr_pages);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	/* Unmovable requests now steal from the movable pageblocks, whole
	 * blocks first; the reserve left keeps its type and its count. */
	for (int i = 0; i < 3000; i++) {
		struct page *pg = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);

		if (!pg)
			break;
		held_push(&s, pg, 0);
	}
	KT_EXPECT_EQ(z->nr_reserved_highatomic, pageblock_nr_pages);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	held_free_all(&s);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(pageblock_shared_with_a_hole_at_the_zone_edge_is_never_claimed_or_reserved)
{
	struct held_set s = { 0 };
	struct zone *z;
	unsigned long edge_pb;

	/* RAM from 17 MiB: the zone's first pageblock, [16, 18) MiB, is half
	 * outside it. */
	KT_ASSERT_EQ(boot_flat(17 * MiB, 48 * MiB), 0);
	mm_debug_poison = false;
	z = zone_of(ZONE_DMA32);
	edge_pb = z->zone_start_pfn & ~(pageblock_nr_pages - 1);
	KT_ASSERT(edge_pb < z->zone_start_pfn);
	KT_EXPECT(!pageblock_in_zone(z, edge_pb));
	mm_reserve_highatomic_pageblock(pfn_to_page(z->zone_start_pfn), z);
	KT_EXPECT_EQ(z->nr_reserved_highatomic, 0);
	KT_EXPECT_EQ(mm_get_pageblock_migratetype(edge_pb), MIGRATE_MOVABLE);
	/* Unmovable requests take the whole zone: every other pageblock is
	 * claimed, the shared one only lends its pages. */
	held_fill(&s, __GFP_MEMALLOC, 0);
	KT_EXPECT_EQ(mm_get_pageblock_migratetype(edge_pb), MIGRATE_MOVABLE);
	KT_EXPECT_EQ(mm_get_pageblock_migratetype(edge_pb + pageblock_nr_pages), MIGRATE_UNMOVABLE);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	held_free_all(&s);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(release_walks_the_request_zonelist_and_keeps_the_last_reserve_unless_forced)
{
	const struct alloc_context dma = ac_for(ZONE_DMA, MIGRATE_MOVABLE);
	const struct alloc_context dma32 = ac_for(ZONE_DMA32, MIGRATE_MOVABLE);
	struct zone *z;

	/* DMA and DMA32 */
	KT_ASSERT_EQ(boot_flat(1 * MiB, 64 * MiB), 0);
	mm_debug_poison = false;
	z = zone_of(ZONE_DMA32);
	mm_reserve_highatomic_pageblock(pfn_to_page(z->zone_start_pfn), z);
	mm_reserve_highatomic_pageblock(pfn_to_page(z->zone_start_pfn + 4 * pageblock_nr_pages), z);
	KT_EXPECT_EQ(z->nr_reserved_highatomic, 2 * pageblock_nr_pages);
	/* A DMA request's zonelist has no DMA32: nothing to give back. */
	KT_EXPECT(!mm_unreserve_highatomic_pageblock(&dma, true));
	KT_EXPECT_EQ(z->nr_reserved_highatomic, 2 * pageblock_nr_pages);
	/* From direct reclaim (not forced) one goes, the last stays... */
	KT_EXPECT(mm_unreserve_highatomic_pageblock(&dma32, false));
	KT_EXPECT(!mm_unreserve_highatomic_pageblock(&dma32, false));
	KT_EXPECT_EQ(z->nr_reserved_highatomic, pageblock_nr_pages);
	/* ...until the request is about to fail. */
	KT_EXPECT(mm_unreserve_highatomic_pageblock(&dma32, true));
	KT_EXPECT_EQ(z->nr_reserved_highatomic, 0);
	KT_EXPECT(!mm_unreserve_highatomic_pageblock(&dma32, true));
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(reserves_go_back_before_an_oom_kill_when_no_zone_passes)
{
	const struct alloc_context ac = ac_for(ZONE_DMA32, MIGRATE_UNMOVABLE);
	struct held_set s = { 0 };
	struct zone *z;
	int loops = 0;

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	mm_debug_poison = false;
	z = dma32();
	mm_reserve_highatomic_pageblock(pfn_to_page(z->zone_start_pfn + pageblock_nr_pages), z);
	KT_EXPECT_EQ(z->nr_reserved_highatomic, pageblock_nr_pages);
	held_fill(&s, 0, 0);
	/* Nothing reclaimable, below min: retry only because the reserve
	 * went back, well before MAX_RECLAIM_RETRIES rounds. */
	KT_EXPECT(mm_should_reclaim_retry(GFP_KERNEL, 0, &ac, ALLOC_WMARK_MIN, false, &loops));
	KT_EXPECT_EQ(loops, 1);
	KT_EXPECT_EQ(z->nr_reserved_highatomic, 0);
	/* The released pages count now: the zone passes... */
	KT_EXPECT(mm_should_reclaim_retry(GFP_KERNEL, 0, &ac, ALLOC_WMARK_MIN, false, &loops));
	/* ...until they are taken too; then no reserve is left to give. */
	held_fill(&s, 0, 0);
	KT_EXPECT(!mm_should_reclaim_retry(GFP_KERNEL, 0, &ac, ALLOC_WMARK_MIN, false, &loops));
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	held_free_all(&s);
}

HTEST_MAIN("reserves")
