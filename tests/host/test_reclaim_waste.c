/*
 * tests/host/test_reclaim_waste.c - reclaim that does no needless work:
 * kswapd's balancing of a lower zone stops at that zone's own high
 * watermark whatever its lowmem reserve for the request's zone, kswapd
 * that may not write (or is only boosted) does not dig through dirty
 * pages down to priority 0, and a high-order request whose zone has the pages but no block gets
 * one by reclaiming a block of page-cache pages in place, not by a kill.
 * Counts are exact where the set-up fixes them.
 */
#include "test_reclaim_util.h"
#include "mm/oom.h"

/* Cache pages of file @f written from @from until the allocator refuses
 * (no direct reclaim in @f's gfp). Returns the index reached. */
static uint64_t fill_cache(struct address_space *f, uint64_t from, uint64_t n)
{
	uint64_t i;

	for (i = from; i < n; i++)
		if (write_version(f, i, 1))
			break;
	return i;
}

HTEST(balance_zone_stops_a_lower_zone_at_its_own_high_watermark)
{
	const gfp_t no_reclaim = (GFP_KERNEL & ~__GFP_RECLAIM) | __GFP_DMA;
	struct block_device bd;
	struct address_space f;
	struct scan_control sc = { 0 };
	const uint64_t n = 8192;
	int saved = mm_sysctl_lowmem_reserve_ratio[ZONE_DMA];
	struct zone *dma;
	unsigned long got, cached;

	KT_ASSERT_EQ(boot_qemu_layout(64 * MiB, 0), 0);
	mm_reclaim_init();
	dma = zone_of(ZONE_DMA);
	KT_ASSERT(populated_zone(dma) && populated_zone(zone_of(ZONE_DMA32)));
	/* DMA's reserve for DMA32 requests larger than DMA itself, as on
	 * machines with several GiB (Normal's share over 256 > DMA). */
	mm_sysctl_lowmem_reserve_ratio[ZONE_DMA] = 1;
	mm_setup_per_zone_lowmem_reserve();
	mm_sysctl_lowmem_reserve_ratio[ZONE_DMA] = saved; /* for the next boot */
	KT_EXPECT((unsigned long)dma->lowmem_reserve[ZONE_DMA32] > dma->managed_pages);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, n), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 21, &bd, 0, n, no_reclaim), 0);
	KT_ASSERT(fill_cache(&f, 0, n) < n);
	cached = mm_zone_reclaimable_pages(dma);
	KT_EXPECT(cached > 1000);
	KT_EXPECT(!mm_zone_balanced(dma, 0, ZONE_DMA));
	got = mm_balance_zone(dma, 0, ZONE_DMA32, &sc);
	KT_EXPECT(mm_zone_balanced(dma, 0, ZONE_DMA));
	/* Not the whole of DMA's cache, which the reserve would ask for. */
	KT_EXPECT(got > 0);
	KT_EXPECT(got < high_wmark_pages(dma) + 4 * SWAP_CLUSTER_MAX);
	KT_EXPECT(mm_zone_reclaimable_pages(dma) + got == cached);
	ktest_diag("DMA: reclaimed %lu of %lu cache pages; high %lu, reserve for DMA32 %lu", got,
		   cached, high_wmark_pages(dma), dma->lowmem_reserve[ZONE_DMA32]);
	mm_filemap_evict(&f, true);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

HTEST(kswapd_that_may_not_write_stops_instead_of_rescanning_dirty_pages)
{
	struct block_device bd;
	struct address_space f;
	struct scan_control sc = { .no_writeback = true };
	const uint64_t n = 8192;
	unsigned long cached;

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, n), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 22, &bd, 0, n, GFP_HIGHUSER_MOVABLE & ~__GFP_RECLAIM), 0);
	KT_ASSERT(fill_cache(&f, 0, n) < n);
	cached = f.nrpages;
	dma32()->watermark_boost = 0; /* whatever the fill's steals raised */
	KT_EXPECT_EQ(f.nrdirty, cached); /* every page dirty: nothing to free */
	KT_EXPECT(!mm_zone_balanced(dma32(), 0, ZONE_DMA32));
	KT_EXPECT_EQ(mm_balance_zone(dma32(), 0, ZONE_DMA32, &sc), 0);
	/* One round at DEF_PRIORITY and one after the drain, then it stops:
	 * before, every priority down to 0 rescanned the same dirty pages. */
	KT_EXPECT(sc.nr_scanned <= 2 * SWAP_CLUSTER_MAX);
	KT_EXPECT_EQ(sc.nr_dirty_kept, sc.nr_scanned);
	KT_EXPECT_EQ(f.nrpages, cached);
	KT_EXPECT_EQ(bd.nr_writes, 0);
	ktest_diag("boosted: %lu scanned of %lu dirty pages", sc.nr_scanned, cached);
	/* Unboosted, kswapd writes them back and balances. */
	sc = (struct scan_control){ 0 };
	KT_EXPECT(mm_balance_zone(dma32(), 0, ZONE_DMA32, &sc) > 0);
	KT_EXPECT(mm_zone_balanced(dma32(), 0, ZONE_DMA32));
	KT_EXPECT_EQ(sc.nr_scanned, sc.nr_reclaimed);
	/* A boost on top: boosted kswapd writes dirty pages back too (no
	 * flusher would), at the light priorities only, until the boost is
	 * met or a round frees nothing. */
	dma32()->watermark_boost = (unsigned long)zone_page_state(dma32(), NR_FREE_PAGES) -
				   dma32()->_watermark[WMARK_HIGH] + 256;
	KT_EXPECT(!mm_zone_balanced(dma32(), 0, ZONE_DMA32));
	sc = (struct scan_control){ .boosted = true };
	KT_EXPECT(mm_balance_zone(dma32(), 0, ZONE_DMA32, &sc) > 0);
	KT_EXPECT(sc.priority >= DEF_PRIORITY - 2);
	KT_EXPECT_EQ(sc.nr_scanned, sc.nr_reclaimed);
	KT_EXPECT_EQ(sc.nr_written, sc.nr_reclaimed);
	ktest_diag("boost %lu: %lu reclaimed, down to priority %d", dma32()->watermark_boost,
		   sc.nr_reclaimed, sc.priority);
	dma32()->watermark_boost = 0;
	mm_filemap_evict(&f, true);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

/*
 * A zone with many free pages and no free order-3 block: every aligned
 * block either holds cache pages (the held pages among them freed) or
 * seven held kernel pages and one free page.
 */
static void fragment_around_cache(struct held_set *held, struct held_set *kept)
{
	for (size_t i = 0; i < held->n; i++) {
		struct page *p = held->v[i].page;
		unsigned long pfn = page_to_pfn(p), base = pfn & ~7UL;
		bool has_cache = false;

		for (unsigned long q = base; q < base + 8; q++)
			has_cache |= PageLRU(pfn_to_page(q));
		if (has_cache || pfn == base)
			__free_page(p);
		else
			held_push(kept, p, 0);
	}
	free(held->v);
	memset(held, 0, sizeof(*held));
	drain_all_pages(NULL);
}

HTEST(a_block_of_cache_pages_is_reclaimed_in_place_for_an_order_3_request)
{
	struct block_device bd;
	struct address_space f;
	struct held_set held = { 0 }, kept = { 0 };
	struct oom_block_census before, after;
	const uint64_t n = 1024;
	struct zone *z;

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	z = dma32();
	KT_ASSERT_EQ(ramdisk_host_create(&bd, n), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 23, &bd, 0, n, 0), 0);
	KT_ASSERT_EQ(fill_cache(&f, 0, n), n);
	held_fill(&held, __GFP_MEMALLOC, 0); /* all of it, reserves too */
	KT_ASSERT(held.n > 1000);
	fragment_around_cache(&held, &kept);
	mm_oom_block_census(z, 3, &before);
	KT_EXPECT_EQ(before.free, 0);
	KT_EXPECT(before.makeable > 0);
	KT_EXPECT(!mm_zone_watermark_ok(z, 3, min_wmark_pages(z), ZONE_DMA32, 0));
	KT_EXPECT(mm_zone_watermark_ok(z, 0, min_wmark_pages(z) + 8, ZONE_DMA32, 0));
	ktest_diag("order-3 blocks %lu, makeable %lu, free pages %ld", before.blocks,
		   before.makeable, zone_page_state(z, NR_FREE_PAGES));

	KT_EXPECT(mm_try_to_reclaim_block(GFP_KERNEL, 3, mm_node_zonelist(0, GFP_KERNEL), ZONE_DMA32));
	mm_oom_block_census(z, 3, &after);
	KT_EXPECT_EQ(after.free, 1);
	KT_EXPECT(mm_zone_watermark_ok(z, 3, min_wmark_pages(z), ZONE_DMA32, 0));
	/* Only the block's cache pages were taken, every one freed. */
	KT_EXPECT(mm_global_reclaim_event(PGSTEAL_DIRECT) > 0);
	KT_EXPECT(mm_global_reclaim_event(PGSTEAL_DIRECT) < 8);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSCAN_DIRECT), mm_global_reclaim_event(PGSTEAL_DIRECT));
	KT_EXPECT_EQ(f.nrpages + mm_global_reclaim_event(PGSTEAL_DIRECT), n);
	/* A block is there now: nothing more to do, nothing reclaimed. */
	KT_EXPECT(!mm_try_to_reclaim_block(GFP_KERNEL, 3, mm_node_zonelist(0, GFP_KERNEL), ZONE_DMA32));
	KT_EXPECT_EQ(f.nrpages + mm_global_reclaim_event(PGSTEAL_DIRECT), n);
	for (uint64_t i = 0; i < n; i++)
		KT_EXPECT_EQ(read_check(&f, i, 1), 0);
	held_free_all(&kept);
	mm_filemap_evict(&f, true);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

HTEST(no_block_is_reclaimed_where_every_block_holds_a_kernel_page)
{
	struct block_device bd;
	struct address_space f;
	struct held_set held = { 0 }, kept = { 0 };
	struct oom_block_census bc;
	const uint64_t n = 1024;
	uint64_t cached;

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	held_fill(&held, __GFP_MEMALLOC, 0);
	/* one kernel page kept in every aligned block of 8 */
	for (size_t i = 0; i < held.n; i++) {
		unsigned long pfn = page_to_pfn(held.v[i].page);

		if ((pfn & 7) == 7)
			held_push(&kept, held.v[i].page, 0);
		else
			__free_page(held.v[i].page);
	}
	free(held.v);
	drain_all_pages(NULL);
	/* cache pages in between, which reclaim could drop, to no avail */
	KT_ASSERT_EQ(ramdisk_host_create(&bd, n), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 24, &bd, 0, n, GFP_HIGHUSER_MOVABLE & ~__GFP_RECLAIM), 0);
	cached = fill_cache(&f, 0, n);
	KT_EXPECT(cached > 100);
	mm_oom_block_census(dma32(), 3, &bc);
	KT_EXPECT_EQ(bc.makeable, 0);
	KT_EXPECT_EQ(bc.free, 0);
	KT_EXPECT(mm_zone_watermark_ok(dma32(), 0, min_wmark_pages(dma32()) + 8, ZONE_DMA32, 0));
	KT_EXPECT(!mm_try_to_reclaim_block(GFP_KERNEL, 3, mm_node_zonelist(0, GFP_KERNEL), ZONE_DMA32));
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSCAN_DIRECT), 0);
	KT_EXPECT_EQ(f.nrpages, cached);
	held_free_all(&kept);
	mm_filemap_evict(&f, true);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

HTEST_MAIN("reclaim_waste")
