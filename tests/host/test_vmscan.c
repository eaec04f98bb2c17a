/*
 * tests/host/test_vmscan.c - reclaim on a 16 MiB fake machine (one zone)
 * with a host RAM disk: a cache three times the RAM written and re-read
 * with every page verified, dirty pages written back before they go,
 * one use not saving an inactive page, active-list aging with exact counts, kswapd's
 * mm_balance_zone up to the high watermark, and a test shrinker.
 */
#include "test_reclaim_util.h"

HTEST(cache_three_times_ram_reclaims_and_rereads_every_page_intact)
{
	struct block_device bd;
	struct address_space f;
	const uint64_t n = 3 * 4096; /* 48 MiB of file on 16 MiB of RAM */
	uint8_t *ver = calloc(n, 1);
	unsigned long bad = 0;

	KT_ASSERT(ver != NULL);
	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, n), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 11, &bd, 0, n, 0), 0);
	/* phase 1: write everything once */
	for (uint64_t i = 0; i < n; i++) {
		KT_ASSERT_EQ(write_version(&f, i, 1), 0);
		ver[i] = 1;
	}
	KT_EXPECT(f.nrpages < n); /* it cannot all fit */
	KT_EXPECT(mm_global_reclaim_event(PGSTEAL_DIRECT) >= n - f.nrpages);
	KT_EXPECT(mm_global_reclaim_event(NR_VMSCAN_WRITE) >= n - f.nrpages);
	EXPECT_MM_CLEAN();
	/* phase 2: rewrite every third page, read every fifth */
	for (uint64_t i = 0; i < n; i += 3) {
		KT_ASSERT_EQ(write_version(&f, i, ver[i] + 1), 0);
		ver[i]++;
	}
	for (uint64_t i = 0; i < n; i += 5)
		bad += read_check(&f, i, ver[i]) != 0;
	EXPECT_MM_CLEAN();
	/* phase 3: read everything back */
	for (uint64_t i = 0; i < n; i++)
		bad += read_check(&f, i, ver[i]) != 0;
	KT_EXPECT_EQ(bad, 0);
	/* every page that left memory dirty was written by reclaim; what
	 * is still dirty is in the cache */
	KT_EXPECT_EQ(mm_filemap_sync(&f), 0);
	KT_EXPECT_EQ(bd.nr_writes, mm_global_reclaim_event(PGPGOUT_PAGES));
	for (uint64_t i = 0; i < n; i++)
		bad += page_pattern_check(ramdisk_host_block(&bd, i), 11, i, ver[i]) != 0;
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSCAN_KSWAPD), 0);
	KT_EXPECT(mm_global_reclaim_event(PGSCAN_DIRECT) >= mm_global_reclaim_event(PGSTEAL_DIRECT));
	ktest_diag("pgscan_direct %lu pgsteal_direct %lu nr_vmscan_write %lu allocstall %lu",
		   mm_global_reclaim_event(PGSCAN_DIRECT), mm_global_reclaim_event(PGSTEAL_DIRECT),
		   mm_global_reclaim_event(NR_VMSCAN_WRITE), mm_global_reclaim_event(ALLOCSTALL));
	EXPECT_MM_CLEAN();
	mm_filemap_evict(&f, true);
	mm_filemap_drain_node_pool();
	KT_EXPECT_EQ(mm_filemap_nr_node_pages(), 0);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
	free(ver);
}

HTEST(dirty_pages_are_written_back_before_they_are_dropped)
{
	struct block_device bd;
	struct address_space f;
	struct scan_control sc = { .nr_to_reclaim = 100 };

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 100), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 5, &bd, 0, 100, 0), 0);
	for (uint64_t i = 0; i < 100; i++)
		KT_ASSERT_EQ(write_version(&f, i, 2), 0);
	KT_EXPECT_EQ(mm_try_to_free_pages(GFP_KERNEL, 0, ZONE_NORMAL, &sc), 100);
	KT_EXPECT_EQ(sc.nr_reclaimed, 100);
	KT_EXPECT_EQ(sc.nr_written, 100);
	KT_EXPECT_EQ(sc.nr_scanned, 100);
	KT_EXPECT_EQ(bd.nr_writes, 100);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSCAN_DIRECT), 100);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSTEAL_DIRECT), 100);
	KT_EXPECT_EQ(mm_global_reclaim_event(NR_VMSCAN_WRITE), 100);
	KT_EXPECT_EQ(mm_global_reclaim_event(ALLOCSTALL), 1);
	KT_EXPECT_EQ(f.nrpages, 0);
	KT_EXPECT_EQ(mm_filemap_nr_dirty(), 0);
	for (uint64_t i = 0; i < 100; i++)
		KT_EXPECT_EQ(page_pattern_check(ramdisk_host_block(&bd, i), 5, i, 2), 0);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

HTEST(without_writeback_dirty_pages_stay_and_clean_ones_go)
{
	struct block_device bd;
	struct address_space f;
	struct scan_control sc = { .nr_to_reclaim = 64, .no_writeback = true };

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 64), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 5, &bd, 0, 64, 0), 0);
	for (uint64_t i = 0; i < 64; i++)
		KT_ASSERT_EQ(write_version(&f, i, 1), 0);
	KT_ASSERT_EQ(mm_filemap_sync(&f), 0);
	for (uint64_t i = 0; i < 64; i += 2) /* even pages dirty again */
		KT_ASSERT_EQ(write_version(&f, i, 2), 0);
	/* the clean pages go, the dirty ones stay (rotated) */
	KT_EXPECT_EQ(mm_try_to_free_pages(GFP_KERNEL, 0, ZONE_NORMAL, &sc), 32);
	KT_EXPECT(sc.nr_dirty_kept >= 32); /* each time a dirty page is seen */
	KT_EXPECT_EQ(bd.nr_writes, 64);
	KT_EXPECT_EQ(f.nrpages, 32);
	KT_EXPECT_EQ(f.nrdirty, 32);
	/* GFP_NOIO may not write either */
	KT_EXPECT_EQ(mm_try_to_free_pages(GFP_NOIO, 0, ZONE_NORMAL, NULL), 0);
	KT_EXPECT_EQ(f.nrpages, 32);
	KT_EXPECT_EQ(mm_try_to_free_pages(GFP_KERNEL, 0, ZONE_NORMAL, NULL), 32);
	KT_EXPECT_EQ(bd.nr_writes, 96);
	for (uint64_t i = 0; i < 64; i++)
		KT_EXPECT_EQ(read_check(&f, i, i % 2 ? 1 : 2), 0);
	mm_filemap_evict(&f, true);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

HTEST(a_page_used_once_on_the_inactive_list_is_reclaimed_without_a_second_scan)
{
	struct block_device bd;
	struct address_space f;
	struct scan_control sc = { .nr_to_reclaim = 32 };

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 64), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 6, &bd, 0, 64, 0), 0);
	for (uint64_t i = 0; i < 64; i++)
		KT_ASSERT_EQ(write_version(&f, i, 1), 0);
	KT_ASSERT_EQ(mm_filemap_sync(&f), 0);
	for (uint64_t i = 0; i < 64; i += 2)
		KT_ASSERT_EQ(read_check(&f, i, 1), 0); /* a hit: referenced */
	KT_ASSERT_EQ(write_version(&f, 41, 2), 0); /* referenced and dirty */
	KT_EXPECT_EQ(lru_pages(LRU_ACTIVE_FILE), 0);
	/* Linux's rule for pages no page table maps: one use does not save
	 * an inactive page, so every page scanned is freed (the oldest 32). */
	KT_EXPECT_EQ(mm_try_to_free_pages(GFP_KERNEL, 0, ZONE_NORMAL, &sc), 32);
	KT_EXPECT_EQ(sc.nr_scanned, 32);
	KT_EXPECT_EQ(sc.nr_rotated, 0);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGROTATED), 0);
	for (uint64_t i = 0; i < 64; i++) {
		struct page *p = mm_find_get_page(&f, i);

		KT_EXPECT_EQ(p != NULL, i >= 32);
		if (p)
			mm_filemap_put_page(p);
	}
	/* the dirty referenced page is written, then freed, in one scan */
	KT_EXPECT_EQ(mm_try_to_free_pages(GFP_KERNEL, 0, ZONE_NORMAL, NULL), 32);
	KT_EXPECT_EQ(f.nrpages, 0);
	KT_EXPECT_EQ(bd.nr_writes, 65);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSCAN_DIRECT), 64);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSTEAL_DIRECT), 64);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

HTEST(pages_used_twice_go_active_and_are_aged_back_when_inactive_runs_low)
{
	struct block_device bd;
	struct address_space f;
	struct scan_control sc = { .nr_to_reclaim = 64 };

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 64), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 8, &bd, 0, 64, 0), 0);
	for (uint64_t i = 0; i < 64; i++)
		KT_ASSERT_EQ(write_version(&f, i, 1), 0);
	KT_ASSERT_EQ(mm_filemap_sync(&f), 0);
	for (int pass = 0; pass < 2; pass++)
		for (uint64_t i = 0; i < 16; i++)
			KT_ASSERT_EQ(read_check(&f, i, 1), 0);
	KT_EXPECT_EQ(lru_pages(LRU_ACTIVE_FILE), 16);
	KT_EXPECT_EQ(lru_pages(LRU_INACTIVE_FILE), 48);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGACTIVATE), 16);
	for (uint64_t i = 0; i < 8; i++) /* a third use: active and referenced */
		KT_ASSERT_EQ(read_check(&f, i, 1), 0);
	EXPECT_MM_CLEAN();
	KT_EXPECT_EQ(mm_try_to_free_pages(GFP_KERNEL, 0, ZONE_NORMAL, &sc), 64);
	KT_EXPECT_EQ(sc.nr_activated, 8); /* kept once on the active list */
	KT_EXPECT_EQ(sc.nr_deactivated, 16);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGDEACTIVATE), 16);
	KT_EXPECT_EQ(lru_pages(LRU_ACTIVE_FILE), 0);
	KT_EXPECT_EQ(lru_pages(LRU_INACTIVE_FILE), 0);
	KT_EXPECT_EQ(mm_filemap_nr_pages(), 0);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

HTEST(balance_zone_reclaims_to_the_high_watermark_and_counts_kswapd)
{
	struct block_device bd;
	struct address_space f;
	struct scan_control sc = { 0 };
	const uint64_t n = 8192;
	unsigned long got;
	uint64_t i;

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, n), 0);
	/* no direct reclaim: the cache stops where the allocator refuses */
	KT_ASSERT_EQ(mm_filemap_init(&f, 12, &bd, 0, n, GFP_HIGHUSER_MOVABLE & ~__GFP_DIRECT_RECLAIM),
		     0);
	for (i = 0; i < n; i++)
		if (write_version(&f, i, 1))
			break;
	KT_ASSERT(i < n);
	KT_EXPECT(!mm_zone_balanced(dma32(), 0, ZONE_DMA32));
	got = mm_balance_zone(dma32(), 0, ZONE_DMA32, &sc);
	KT_EXPECT(mm_zone_balanced(dma32(), 0, ZONE_DMA32));
	KT_EXPECT(got > 0);
	KT_EXPECT_EQ(got, sc.nr_reclaimed);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSTEAL_KSWAPD), got);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSCAN_KSWAPD), sc.nr_scanned);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSCAN_DIRECT), 0);
	KT_EXPECT_EQ(sc.nr_written, got); /* all were dirty */
	/* not far beyond high: kswapd stops once balanced */
	KT_EXPECT(got < high_wmark_pages(dma32()) + 4 * SWAP_CLUSTER_MAX);
	ktest_diag("reclaimed %lu, free %ld, high %lu", got,
		   zone_page_state(dma32(), NR_FREE_PAGES), high_wmark_pages(dma32()));
	/* balanced already: nothing to do */
	KT_EXPECT_EQ(mm_balance_zone(dma32(), 0, ZONE_DMA32, NULL), 0);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSTEAL_KSWAPD), got);
	for (uint64_t k = 0; k < i; k++)
		KT_EXPECT_EQ(read_check(&f, k, 1), 0);
	mm_filemap_evict(&f, true);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

/* ---- a test shrinker: objects of 256 bytes packed in pages ---- */

#define OBJS_PER_PAGE (MM_PAGE_SIZE / 256)

static struct list_head objcache_pages; /* page->lru, page->private = live objects */
static unsigned long objcache_objects, objcache_freed_objs, objcache_freed_pages;

static void objcache_fill(unsigned long pages)
{
	INIT_LIST_HEAD(&objcache_pages);
	objcache_objects = objcache_freed_objs = objcache_freed_pages = 0;
	for (unsigned long i = 0; i < pages; i++) {
		struct page *p = alloc_page(GFP_KERNEL | __GFP_RECLAIMABLE);

		if (!p)
			return;
		p->private = OBJS_PER_PAGE;
		list_add_tail(&p->lru, &objcache_pages);
		objcache_objects += OBJS_PER_PAGE;
	}
}

static unsigned long objcache_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s, (void)sc;
	return objcache_objects ? objcache_objects : SHRINK_EMPTY;
}

/* Free objects oldest page first; a page goes back when it is empty. */
static unsigned long objcache_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = 0;

	(void)s;
	while (freed < sc->nr_to_scan && !list_empty(&objcache_pages)) {
		struct page *p = list_first_entry(&objcache_pages, struct page, lru);

		p->private --;
		freed++;
		if (!p->private) {
			list_del(&p->lru);
			__free_page(p);
			mm_shrinker_note_freed_pages(1);
			objcache_freed_pages++;
		}
	}
	objcache_objects -= freed;
	objcache_freed_objs += freed;
	return freed;
}

static void objcache_release(void)
{
	while (!list_empty(&objcache_pages)) {
		struct page *p = list_first_entry(&objcache_pages, struct page, lru);

		list_del(&p->lru);
		p->private = 0;
		__free_page(p);
	}
	objcache_objects = 0;
}

HTEST(shrink_slab_scans_in_proportion_batches_and_defers)
{
	struct shrinker s = { .count_objects = objcache_count,
			      .scan_objects = objcache_scan,
			      .name = "objcache" };
	unsigned long pages = 0;

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	objcache_fill(64); /* 1024 objects */
	KT_ASSERT_EQ(objcache_objects, 1024);
	KT_EXPECT_EQ(mm_shrink_slab(GFP_KERNEL, 100, 1000, 12, &pages), 0); /* not registered */
	KT_ASSERT_EQ(register_shrinker(&s), 0);
	KT_EXPECT_EQ(register_shrinker(&s), -MM_EINVAL);
	/* 100 of 1000 LRU pages scanned: (4 * 100 / 2) * 1024 / 1001 = 204
	 * objects, one batch of 128 now and 76 carried */
	KT_EXPECT_EQ(mm_shrink_slab(GFP_KERNEL, 100, 1000, 12, &pages), 128);
	KT_EXPECT_EQ(pages, 8);
	KT_EXPECT_EQ(s.nr_deferred, 76);
	KT_EXPECT_EQ(s.nr_calls, 1);
	/* 30 more scanned: 60 * 896 / 1001 = 53, with 76 carried: 129 */
	KT_EXPECT_EQ(mm_shrink_slab(GFP_KERNEL, 30, 1000, 12, &pages), 128);
	KT_EXPECT_EQ(s.nr_deferred, 1);
	KT_EXPECT_EQ(mm_global_reclaim_event(SLABS_SCANNED), 256);
	/* nothing scanned on an empty LRU at priority 0: twice what exists,
	 * capped, so all of it */
	KT_EXPECT_EQ(mm_shrink_slab(GFP_KERNEL, 0, 0, 0, &pages), 768);
	KT_EXPECT_EQ(objcache_objects, 0);
	KT_EXPECT_EQ(objcache_freed_pages, 64);
	unregister_shrinker(&s);
	EXPECT_MM_CLEAN();
}

HTEST(reclaim_calls_the_shrinker_and_counts_its_pages)
{
	struct shrinker s = { .count_objects = objcache_count,
			      .scan_objects = objcache_scan,
			      .name = "objcache" };
	struct block_device bd;
	struct address_space f;
	struct scan_control sc = { .nr_to_reclaim = 512 };

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 512), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 1, &bd, 0, 512, 0), 0);
	for (uint64_t i = 0; i < 512; i++)
		KT_ASSERT_EQ(write_version(&f, i, 1), 0);
	objcache_fill(128);
	KT_ASSERT_EQ(register_shrinker(&s), 0);
	mm_try_to_free_pages(GFP_KERNEL, 0, ZONE_NORMAL, &sc);
	KT_EXPECT(s.nr_calls > 0);
	KT_EXPECT(objcache_freed_objs > 0);
	KT_EXPECT_EQ(sc.nr_slab_freed, objcache_freed_objs);
	KT_EXPECT_EQ(sc.nr_reclaimed, sc.nr_lru_reclaimed + objcache_freed_pages);
	KT_EXPECT_EQ(objcache_objects + objcache_freed_objs, 128 * OBJS_PER_PAGE);
	ktest_diag("lru %lu pages, shrinker %lu objects / %lu pages in %lu calls",
		   sc.nr_lru_reclaimed, objcache_freed_objs, objcache_freed_pages, s.nr_calls);
	unregister_shrinker(&s);
	unsigned long calls = s.nr_calls;
	mm_try_to_free_pages(GFP_KERNEL, 0, ZONE_NORMAL, NULL);
	KT_EXPECT_EQ(s.nr_calls, calls);
	objcache_release();
	mm_filemap_evict(&f, true);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

HTEST_MAIN("vmscan")
