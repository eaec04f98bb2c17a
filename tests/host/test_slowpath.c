/*
 * tests/host/test_slowpath.c - the allocation slowpath, kswapd and the OOM
 * killer on a 16 MiB fake machine (one zone, DMA32) with a host RAM disk
 * behind the page cache: the retry decision tables, NORETRY and
 * RETRY_MAYFAIL limits, NOFAIL after an OOM kill of the largest task,
 * atomic requests below min while GFP_KERNEL reclaims, reclaimers never
 * recursing, watermark boosting and its decay, and kswapd's balancing and
 * giving up. kswapd runs synchronously (mm_kswapd_balance()): host threads
 * would share CPU 0's per-CPU lists, which only interrupts-off protects.
 */
#include <string.h>

#include "test_reclaim_util.h"
#include "mm/compaction.h"
#include "mm/internal.h"
#include "mm/kswapd.h"
#include "mm/oom.h"

static int slowpath_boot(unsigned long mib)
{
	if (reclaim_boot(mib))
		return -1;
	mm_debug_poison = false;
	mm_kswapd_reset();
	mm_compaction_reset();
	mm_oom_reset();
	*mm_current_flags() = 0;
	return 0;
}

static long free_of(struct zone *z)
{
	return zone_page_state(z, NR_FREE_PAGES);
}

/* Clean cache pages: written, then synced to the disk. */
static void cache_fill(struct address_space *f, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (write_version(f, i, 1))
			break;
	mm_filemap_sync(f);
}

/* An OOM task owning pages in a held_set. */
struct hog {
	struct oom_task task;
	struct held_set held;
};

static unsigned long hog_kill(struct oom_task *t)
{
	struct hog *h = t->data;
	unsigned long n = 0;

	for (size_t i = 0; i < h->held.n; i++)
		n += 1UL << h->held.v[i].order;
	held_free_all(&h->held);
	mm_oom_task_account(t, -(long)t->nr_pages);
	return n;
}

static void hog_init(struct hog *h, const char *name)
{
	memset(h, 0, sizeof(*h));
	h->task.name = name;
	h->task.kill = hog_kill;
	h->task.data = h;
}

/* Take up to @max pages (0: all the allocator gives) with @gfp. */
static size_t hog_take(struct hog *h, gfp_t gfp, size_t max)
{
	size_t n = 0;
	struct page *p;

	while ((!max || n < max) && (p = alloc_pages(gfp | __GFP_NOWARN, 0)) != NULL) {
		held_push(&h->held, p, 0);
		mm_oom_task_account(&h->task, 1);
		n++;
	}
	return n;
}

static const struct alloc_context ac_dma32 = {
	.zonelist = &mm_node_data[0].node_zonelists[ZONELIST_FALLBACK],
	.highest_zoneidx = ZONE_DMA32,
	.migratetype = MIGRATE_UNMOVABLE
};

HTEST(should_reclaim_retry_follows_progress_free_and_reclaimable_pages)
{
	struct block_device bd;
	struct address_space f;
	struct held_set s = { 0 };
	int loops = 0;

	KT_ASSERT_EQ(slowpath_boot(16), 0);
	/* plenty free: retry, and progress resets the counter */
	loops = 5;
	KT_EXPECT(mm_should_reclaim_retry(GFP_KERNEL, 0, &ac_dma32, ALLOC_WMARK_MIN, true, &loops));
	KT_EXPECT_EQ(loops, 0);
	/* costly orders count a round even with progress */
	mm_should_reclaim_retry(GFP_KERNEL, 4, &ac_dma32, ALLOC_WMARK_MIN, true, &loops);
	KT_EXPECT_EQ(loops, 1);
	/* past MAX_RECLAIM_RETRIES: no, unless a HIGHATOMIC reserve goes back */
	loops = MAX_RECLAIM_RETRIES;
	KT_EXPECT(!mm_should_reclaim_retry(GFP_KERNEL, 0, &ac_dma32, ALLOC_WMARK_MIN, false, &loops));
	KT_EXPECT_EQ(loops, MAX_RECLAIM_RETRIES + 1);

	/* Cache pages, then everything else taken down to min. */
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 1024), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 3, &bd, 0, 1024, 0), 0);
	cache_fill(&f, 1024);
	held_fill(&s, 0, 0);
	KT_EXPECT(free_of(dma32()) <= (long)min_wmark_pages(dma32()));
	KT_EXPECT(mm_zone_reclaimable_pages(dma32()) >= 1000);
	/* free + reclaimable passes min: retry, each failed round counting
	 * the reclaimable part less, until it no longer passes */
	loops = 0;
	int rounds = 0;
	while (mm_should_reclaim_retry(GFP_KERNEL, 0, &ac_dma32, ALLOC_WMARK_MIN, false, &loops))
		rounds++;
	KT_EXPECT(rounds >= 1 && rounds <= MAX_RECLAIM_RETRIES);
	ktest_diag("reclaimable %lu free %ld min %lu: %d rounds without progress allowed",
		   mm_zone_reclaimable_pages(dma32()), free_of(dma32()), min_wmark_pages(dma32()),
		   rounds);
	/* nothing reclaimable and below min: no retry at all */
	mm_filemap_evict(&f, true);
	mm_filemap_drain_node_pool();
	held_fill(&s, 0, 0);
	loops = 0;
	KT_EXPECT(!mm_should_reclaim_retry(GFP_KERNEL, 0, &ac_dma32, ALLOC_WMARK_MIN, false, &loops));
	held_free_all(&s);
	ramdisk_host_destroy(&bd);
}

HTEST(should_compact_retry_table)
{
	struct held_set s = { 0 };
	enum compact_priority prio = DEF_COMPACT_PRIORITY;
	int retries = 0;

	KT_ASSERT_EQ(slowpath_boot(16), 0);
	/* order 0 never retries for compaction */
	KT_EXPECT(!mm_should_compact_retry(&ac_dma32, 0, ALLOC_WMARK_MIN, COMPACT_SUCCESS, &prio,
					&retries));
	/* progress: up to MAX_COMPACT_RETRIES, a quarter of that for costly */
	int n = 0;
	while (mm_should_compact_retry(&ac_dma32, 2, ALLOC_WMARK_MIN, COMPACT_SUCCESS, &prio,
				    &retries) &&
	       n < 100)
		n++;
	/* 16 with progress, one raising the priority, 16 more at it */
	KT_EXPECT_EQ(n, 2 * MAX_COMPACT_RETRIES + 1);
	KT_EXPECT_EQ(prio, MIN_COMPACT_PRIORITY);
	retries = 0;
	prio = DEF_COMPACT_PRIORITY;
	n = 0;
	while (mm_should_compact_retry(&ac_dma32, 5, ALLOC_WMARK_MIN, COMPACT_SUCCESS, &prio,
				    &retries) &&
	       n < 100)
		n++;
	KT_EXPECT_EQ(n, MAX_COMPACT_RETRIES / 4);
	KT_EXPECT_EQ(prio, DEF_COMPACT_PRIORITY); /* costly: SYNC_LIGHT is the floor */
	/* failed (COMPLETE): one more try at a higher priority, then no */
	prio = DEF_COMPACT_PRIORITY;
	retries = 0;
	KT_EXPECT(mm_should_compact_retry(&ac_dma32, 2, ALLOC_WMARK_MIN, COMPACT_COMPLETE, &prio,
				       &retries));
	KT_EXPECT_EQ(prio, COMPACT_PRIO_SYNC_FULL);
	KT_EXPECT(!mm_should_compact_retry(&ac_dma32, 2, ALLOC_WMARK_MIN, COMPACT_COMPLETE, &prio,
					&retries));
	/* withdrawn (deferred, contended, a partial pass): straight to the
	 * next priority, then no - never a retry at the same priority */
	static const enum compact_result withdrawn[] = { COMPACT_DEFERRED, COMPACT_CONTENDED,
							 COMPACT_PARTIAL_SKIPPED };
	for (unsigned int k = 0; k < 3; k++) {
		prio = DEF_COMPACT_PRIORITY;
		retries = 0;
		n = 0;
		while (mm_should_compact_retry(&ac_dma32, 2, ALLOC_WMARK_MIN, withdrawn[k], &prio,
					    &retries) &&
		       n < 100)
			n++;
		KT_EXPECT_EQ(n, 1);
		KT_EXPECT_EQ(prio, MIN_COMPACT_PRIORITY);
	}
	/* SKIPPED, with the order already there: no reason to retry */
	prio = DEF_COMPACT_PRIORITY;
	retries = 0;
	KT_EXPECT(!mm_should_compact_retry(&ac_dma32, 2, ALLOC_WMARK_MIN, COMPACT_SKIPPED, &prio,
					&retries));
	/* SKIPPED in a fragmented zone (no order-1 block, half of it free):
	 * retry while reclaim could make it suitable, at most
	 * MAX_COMPACT_RETRIES times, and never at a higher priority */
	held_fill(&s, __GFP_MEMALLOC, 0);
	for (size_t i = 0; i < s.n; i++)
		if (page_to_pfn(s.v[i].page) & 1) {
			__free_pages(s.v[i].page, 0);
			s.v[i] = s.v[--s.n];
			i--;
		}
	drain_all_pages(NULL);
	KT_EXPECT_EQ(dma32()->free_area[1].nr_free, 0);
	prio = DEF_COMPACT_PRIORITY;
	retries = 0;
	n = 0;
	while (mm_should_compact_retry(&ac_dma32, 2, ALLOC_WMARK_MIN, COMPACT_SKIPPED, &prio,
				    &retries) &&
	       n < 100)
		n++;
	KT_EXPECT_EQ(n, MAX_COMPACT_RETRIES);
	KT_EXPECT_EQ(prio, DEF_COMPACT_PRIORITY);
	/* and not at all once nothing is left to reclaim or free */
	held_fill(&s, 0, 0);
	retries = 0;
	KT_EXPECT(!mm_should_compact_retry(&ac_dma32, 2, ALLOC_WMARK_MIN, COMPACT_SKIPPED, &prio,
					&retries));
	/* compaction itself: nothing free enough is SKIPPED, never SUCCESS */
	KT_EXPECT_EQ(mm_try_to_compact_pages(GFP_KERNEL, 2, ALLOC_WMARK_MIN, ZONE_DMA32,
					  COMPACT_PRIO_SYNC_FULL),
		     COMPACT_SKIPPED);
	held_free_all(&s);
}

HTEST(compaction_never_claims_success_and_defers_after_sync_failures)
{
	struct held_set s = { 0 };
	struct zone *z;

	KT_ASSERT_EQ(slowpath_boot(16), 0);
	z = dma32();
	/* a free order-9 block exists: SUCCESS means "already there" */
	KT_EXPECT_EQ(mm_try_to_compact_pages(GFP_KERNEL, 9, ALLOC_WMARK_MIN, ZONE_DMA32,
					  COMPACT_PRIO_ASYNC),
		     COMPACT_SUCCESS);
	/* Fragment: keep every other page, so no order-1 block is left but
	 * half the memory is free. */
	held_fill(&s, __GFP_MEMALLOC, 0);
	for (size_t i = 0; i < s.n; i++)
		if (page_to_pfn(s.v[i].page) & 1) {
			__free_pages(s.v[i].page, 0);
			s.v[i].page = NULL;
		}
	drain_all_pages(NULL);
	KT_EXPECT(free_of(z) > (long)high_wmark_pages(z));
	KT_EXPECT_EQ(z->free_area[1].nr_free, 0);
	/* suitable, but nothing can move: COMPLETE, and the sync pass defers */
	KT_EXPECT_EQ(mm_try_to_compact_pages(GFP_KERNEL, 1, ALLOC_WMARK_MIN, ZONE_DMA32,
					  COMPACT_PRIO_SYNC_LIGHT),
		     COMPACT_COMPLETE);
	/* Linux's deferral: after the k-th failure in a row, the next
	 * 2^k - 1 attempts are deferred (k up to COMPACT_MAX_DEFER_SHIFT) */
	static const enum compact_result want[] = {
		COMPACT_DEFERRED, COMPACT_COMPLETE, COMPACT_DEFERRED, COMPACT_DEFERRED,
		COMPACT_DEFERRED, COMPACT_COMPLETE, COMPACT_DEFERRED,
	};
	for (unsigned int k = 0; k < sizeof(want) / sizeof(want[0]); k++)
		KT_EXPECT_EQ(mm_try_to_compact_pages(GFP_KERNEL, 1, ALLOC_WMARK_MIN, ZONE_DMA32,
						  COMPACT_PRIO_SYNC_LIGHT),
			     want[k]);
	KT_EXPECT(mm_compact_event_count(COMPACT_DEFERRED_EVENTS) >= 5);
	/* and the allocation fails without a single success counted */
	KT_EXPECT(alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY, 1) == NULL);
	KT_EXPECT_EQ(mm_compact_event_count(COMPACTSUCCESS), 0);
	for (size_t i = 0; i < s.n; i++)
		if (s.v[i].page)
			__free_pages(s.v[i].page, 0);
	free(s.v);
}

HTEST(noretry_fails_fast_without_oom_and_at_most_one_reclaim_round)
{
	struct hog h;
	unsigned long stall0;

	KT_ASSERT_EQ(slowpath_boot(16), 0);
	hog_init(&h, "hog");
	KT_ASSERT_EQ(mm_oom_register_task(&h.task), 0);
	hog_take(&h, 0, 0);
	stall0 = mm_global_reclaim_event(ALLOCSTALL);
	KT_EXPECT(alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0) == NULL);
	KT_EXPECT(mm_global_reclaim_event(ALLOCSTALL) - stall0 <= 1);
	KT_EXPECT_EQ(mm_oom_kill_count(), 0);
	KT_EXPECT(!h.task.killed);
	/* costly without RETRY_MAYFAIL stops the same way */
	KT_EXPECT(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 5) == NULL);
	KT_EXPECT_EQ(mm_oom_kill_count(), 0);
	mm_oom_unregister_task(&h.task);
	hog_kill(&h.task);
}

HTEST(retry_mayfail_retries_at_most_16_rounds_and_never_ooms)
{
	struct block_device bd;
	struct address_space f;
	struct page *pins[256];
	struct hog h;
	unsigned long stall0;

	KT_ASSERT_EQ(slowpath_boot(16), 0);
	/* Reclaimable-looking pages that cannot be reclaimed (pinned): the
	 * retry rule keeps trying while they could still help. */
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 256), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 4, &bd, 0, 256, 0), 0);
	cache_fill(&f, 256);
	for (int i = 0; i < 256; i++)
		pins[i] = mm_find_get_page(&f, (uint64_t)i);
	hog_init(&h, "hog");
	KT_ASSERT_EQ(mm_oom_register_task(&h.task), 0);
	hog_take(&h, 0, 0);
	stall0 = mm_global_reclaim_event(ALLOCSTALL);
	KT_EXPECT(alloc_pages(GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN, 0) == NULL);
	unsigned long rounds = mm_global_reclaim_event(ALLOCSTALL) - stall0;
	ktest_diag("RETRY_MAYFAIL: %lu reclaim rounds before failing", rounds);
	KT_EXPECT(rounds >= 2 && rounds <= MAX_RECLAIM_RETRIES + 1);
	KT_EXPECT_EQ(mm_oom_kill_count(), 0);
	KT_EXPECT(!h.task.killed);
	mm_oom_unregister_task(&h.task);
	hog_kill(&h.task);
	for (int i = 0; i < 256; i++)
		if (pins[i])
			mm_filemap_put_page(pins[i]);
	mm_filemap_evict(&f, true);
	mm_filemap_drain_node_pool();
	ramdisk_host_destroy(&bd);
}

HTEST(nofail_succeeds_after_oom_kills_the_largest_task)
{
	struct hog small, large;
	struct page *p;
	const char *out;

	KT_ASSERT_EQ(slowpath_boot(16), 0);
	hog_init(&small, "small");
	hog_init(&large, "large");
	KT_ASSERT_EQ(mm_oom_register_task(&small.task), 0);
	KT_ASSERT_EQ(mm_oom_register_task(&large.task), 0);
	KT_EXPECT_EQ(mm_oom_register_task(&large.task), -1); /* twice: refused */
	KT_EXPECT_EQ(hog_take(&small, 0, 40), 40);
	hog_take(&large, 0, 0);
	KT_ASSERT(large.task.nr_pages > small.task.nr_pages);
	host_capture_start();
	p = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 0);
	out = host_capture_stop();
	KT_EXPECT(p != NULL);
	KT_EXPECT_EQ(mm_oom_kill_count(), 1);
	KT_EXPECT(large.task.killed && !small.task.killed);
	KT_EXPECT_EQ(large.task.nr_pages, 0);
	KT_EXPECT_EQ(small.task.nr_pages, 40);
	if (!strstr(out, "Out of memory: Killed task 2 (large) total-vm:") ||
	    !strstr(out, "invoked oom-killer: gfp_mask=0x"))
		ktest_fail(__FILE__, __LINE__, "OOM report: [%.300s]", out);
	/* The same for a plain GFP_KERNEL request: the next victim is small. */
	hog_take(&large, 0, 0); /* killed tasks are not chosen again */
	host_capture_start();
	struct page *q = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
	out = host_capture_stop();
	KT_EXPECT(q != NULL);
	KT_EXPECT(strstr(out, "Killed task 1 (small)") != NULL);
	KT_EXPECT_EQ(mm_oom_kill_count(), 2);
	KT_EXPECT(small.task.killed);
	if (p)
		__free_page(p);
	if (q)
		__free_page(q);
	mm_oom_unregister_task(&small.task);
	mm_oom_unregister_task(&large.task);
	hog_kill(&large.task);
	hog_kill(&small.task);
}

HTEST(nofail_without_direct_reclaim_warns_once_and_fails)
{
	struct held_set s = { 0 };
	const char *out;

	KT_ASSERT_EQ(slowpath_boot(16), 0);
	held_fill(&s, GFP_ATOMIC, 0);
	host_capture_start();
	KT_EXPECT(alloc_pages(GFP_ATOMIC | __GFP_NOFAIL, 0) == NULL);
	out = host_capture_stop();
	KT_EXPECT(strstr(out, "__GFP_NOFAIL without __GFP_DIRECT_RECLAIM") != NULL);
	KT_EXPECT(strstr(out, "page allocation failure: order:0, mode:0x") != NULL);
	KT_EXPECT(strstr(out, "GFP_ATOMIC|__GFP_NOFAIL") != NULL);
	KT_EXPECT(strstr(out, "pages free") != NULL); /* the zoneinfo dump */
	held_free_all(&s);
}

HTEST(atomic_dips_below_min_while_gfp_kernel_reclaims)
{
	struct block_device bd;
	struct address_space f;
	struct held_set s = { 0 }, a = { 0 };
	struct kswapd_stats st;
	struct zone *z;
	unsigned long stall0, steal0;

	KT_ASSERT_EQ(slowpath_boot(16), 0);
	z = dma32();
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 1024), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 5, &bd, 0, 1024, 0), 0);
	cache_fill(&f, 1024);
	held_fill(&s, 0, 0); /* down to min, no reclaim */
	drain_all_pages(NULL);
	stall0 = mm_global_reclaim_event(ALLOCSTALL);
	KT_EXPECT(held_fill(&a, GFP_ATOMIC, 0) > 0);
	KT_EXPECT(free_of(z) < (long)min_wmark_pages(z));
	KT_EXPECT_EQ(mm_global_reclaim_event(ALLOCSTALL), stall0); /* atomic never reclaims */
	mm_kswapd_get_stats(&st);
	KT_EXPECT(st.requests >= 1); /* but it woke kswapd */
	KT_EXPECT(st.lowest_free[ZONE_DMA32] >= 0 &&
		  st.lowest_free[ZONE_DMA32] <= (long)min_wmark_pages(z));
	ktest_diag("atomic: %zu pages below the no-reclaim floor; free %ld, min %lu", a.n,
		   free_of(z), min_wmark_pages(z));
	steal0 = mm_global_reclaim_event(PGSTEAL_DIRECT);
	struct page *p = alloc_page(GFP_KERNEL | __GFP_NOWARN);
	KT_EXPECT(p != NULL);
	KT_EXPECT(mm_global_reclaim_event(ALLOCSTALL) > stall0);
	KT_EXPECT(mm_global_reclaim_event(PGSTEAL_DIRECT) > steal0);
	if (p)
		__free_page(p);
	held_free_all(&a);
	held_free_all(&s);
	mm_filemap_evict(&f, true);
	mm_filemap_drain_node_pool();
	ramdisk_host_destroy(&bd);
	EXPECT_MM_CLEAN();
}

/* A shrinker that allocates inside reclaim, as a cache refilling its
 * bookkeeping would: the allocation must not enter reclaim again. */
static unsigned long nested_allocs, nested_stalls, nested_ok;
static unsigned long nest_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	return 1UL << 20;
}
static unsigned long nest_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long before = mm_global_reclaim_event(ALLOCSTALL);
	struct page *p = alloc_page(GFP_KERNEL | __GFP_NOWARN);

	(void)s;
	(void)sc;
	nested_allocs++;
	nested_stalls += mm_global_reclaim_event(ALLOCSTALL) - before;
	if (p) {
		nested_ok++;
		__free_page(p);
	}
	return SHRINK_STOP;
}

HTEST(a_reclaimer_never_recurses_into_reclaim)
{
	struct shrinker sh = { .count_objects = nest_count,
			       .scan_objects = nest_scan,
			       .name = "nest" };
	struct block_device bd;
	struct address_space f;
	struct held_set s = { 0 }, r = { 0 };
	unsigned long stall0;

	KT_ASSERT_EQ(slowpath_boot(16), 0);
	KT_ASSERT_EQ(register_shrinker(&sh), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 512), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 6, &bd, 0, 512, 0), 0);
	cache_fill(&f, 512);
	held_fill(&s, 0, 0);
	nested_allocs = nested_stalls = nested_ok = 0;
	stall0 = mm_global_reclaim_event(ALLOCSTALL);
	struct page *p = alloc_page(GFP_KERNEL | __GFP_NOWARN); /* direct reclaim */
	KT_EXPECT(p != NULL);
	KT_EXPECT(mm_global_reclaim_event(ALLOCSTALL) > stall0);
	KT_EXPECT(nested_allocs > 0);
	KT_EXPECT_EQ(nested_stalls, 0);
	KT_EXPECT_EQ(nested_ok, nested_allocs); /* reserves serve the reclaimer */
	if (p)
		__free_page(p);
	unregister_shrinker(&sh);

	/* A PF_MEMALLOC thread takes the reserves, then fails - it never
	 * reclaims even though the cache could give pages back. */
	held_fill(&s, 0, 0);
	*mm_current_flags() |= MM_PF_MEMALLOC;
	stall0 = mm_global_reclaim_event(ALLOCSTALL);
	size_t got = held_fill(&r, GFP_KERNEL, 0);
	*mm_current_flags() &= ~MM_PF_MEMALLOC;
	KT_EXPECT(got > 0);
	KT_EXPECT_EQ(mm_global_reclaim_event(ALLOCSTALL), stall0);
	KT_EXPECT(mm_zone_reclaimable_pages(dma32()) > 0);
	KT_EXPECT(free_of(dma32()) < (long)min_wmark_pages(dma32()) / 2);
	/* __GFP_NOMEMALLOC takes the right away again */
	held_free_all(&r);
	held_fill(&s, 0, 0);
	*mm_current_flags() |= MM_PF_MEMALLOC;
	KT_EXPECT(alloc_page(GFP_KERNEL | __GFP_NOMEMALLOC | __GFP_NOWARN) == NULL);
	*mm_current_flags() &= ~MM_PF_MEMALLOC;
	held_free_all(&s);
	mm_filemap_evict(&f, true);
	mm_filemap_drain_node_pool();
	ramdisk_host_destroy(&bd);
}

HTEST(stealing_raises_the_boost_and_kswapd_decays_it)
{
	struct zone *z;
	struct page *p;
	unsigned long run0;
	const char *out;

	KT_ASSERT_EQ(slowpath_boot(64), 0);
	z = dma32();
	KT_EXPECT_EQ(z->watermark_boost, 0);
	/* A whole free pageblock changes type without a boost (Linux's rule):
	 * fragment the movable blocks so an unmovable page must steal a
	 * piece of one. */
	struct held_set s = { 0 };
	held_fill(&s, __GFP_MOVABLE | __GFP_MEMALLOC, 0);
	for (size_t i = 0; i < s.n; i++)
		if (page_to_pfn(s.v[i].page) & 1) {
			__free_pages(s.v[i].page, 0);
			s.v[i].page = NULL;
		}
	drain_all_pages(NULL);
	KT_EXPECT_EQ(z->watermark_boost, 0);
	p = alloc_page(GFP_KERNEL);
	KT_ASSERT(p != NULL);
	unsigned long cap = high_wmark_pages(z) - z->watermark_boost;
	cap = cap * 15000 / 10000 > pageblock_nr_pages ? cap * 15000 / 10000 : pageblock_nr_pages;
	KT_EXPECT_EQ(z->watermark_boost, pageblock_nr_pages < cap ? pageblock_nr_pages : cap);
	KT_EXPECT_EQ(low_wmark_pages(z), z->_watermark[WMARK_LOW] + z->watermark_boost);
	host_capture_start();
	mm_print_zoneinfo();
	out = host_capture_stop();
	KT_EXPECT(strstr(out, "boost    512") != NULL || strstr(out, "boost    0") == NULL);
	/* the steal asked kswapd to run */
	run0 = mm_global_reclaim_event(PAGEOUTRUN);
	KT_EXPECT(mm_kswapd_balance());
	KT_EXPECT_EQ(mm_global_reclaim_event(PAGEOUTRUN), run0 + 1);
	KT_EXPECT_EQ(mm_global_reclaim_event(KSWAPD_WAKEUPS), 1);
	KT_EXPECT_EQ(z->watermark_boost, 0);
	KT_EXPECT(!mm_kswapd_balance()); /* nothing pending any more */
	/* the boost is capped */
	for (int i = 0; i < 100; i++) {
		unsigned long fl = mm_spin_lock_irqsave(&z->lock);
		mm_boost_watermark(z);
		mm_spin_unlock_irqrestore(&z->lock, fl);
	}
	KT_EXPECT_EQ(z->watermark_boost, cap);
	__free_page(p);
	for (size_t i = 0; i < s.n; i++)
		if (s.v[i].page)
			__free_pages(s.v[i].page, 0);
	free(s.v);
}

HTEST(kswapd_reclaims_to_high_then_gives_up_after_16_fruitless_rounds)
{
	struct block_device bd;
	struct address_space f;
	struct held_set s = { 0 };
	struct kswapd_stats st;
	struct zone *z;
	uint64_t i;

	KT_ASSERT_EQ(slowpath_boot(16), 0);
	z = dma32();
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 8192), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 7, &bd, 0, 8192, 0), 0);
	/* fill the cache until the allocator has asked kswapd for help */
	for (i = 0; i < 8192; i++) {
		KT_ASSERT_EQ(write_version(&f, i, 1), 0);
		mm_kswapd_get_stats(&st);
		if (st.requests)
			break;
	}
	KT_ASSERT(st.requests > 0);
	KT_EXPECT(free_of(z) < (long)low_wmark_pages(z));
	KT_EXPECT(mm_kswapd_balance());
	KT_EXPECT(free_of(z) >= (long)high_wmark_pages(z));
	KT_EXPECT(mm_global_reclaim_event(PGSTEAL_KSWAPD) > 0);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSCAN_DIRECT), 0);
	ktest_diag("cache %lu pages after %lu writes; kswapd stole %lu; free %ld high %lu",
		   f.nrpages, (unsigned long)i + 1, mm_global_reclaim_event(PGSTEAL_KSWAPD),
		   free_of(z), high_wmark_pages(z));
	/* every page comes back intact */
	unsigned long bad = 0;
	for (uint64_t j = 0; j <= i && j < 8192; j++)
		bad += read_check(&f, j, 1) != 0;
	KT_EXPECT_EQ(bad, 0);

	/* Pinned cache and no free memory: every round fails. */
	struct page **pins = calloc(f.nrpages + 1, sizeof(*pins));
	unsigned long np = 0;
	KT_ASSERT(pins != NULL);
	for (uint64_t j = 0; j < 8192; j++) {
		struct page *p = mm_find_get_page(&f, j);
		if (p)
			pins[np++] = p;
	}
	held_fill(&s, __GFP_MOVABLE, 0);
	int served = 0;
	for (int k = 0; k < 40; k++) {
		mm_wakeup_kswapd(z, GFP_KERNEL, 0, ZONE_DMA32);
		served += mm_kswapd_balance();
	}
	mm_kswapd_get_stats(&st);
	KT_EXPECT_EQ(served, MAX_RECLAIM_RETRIES);
	KT_EXPECT_EQ(st.failures, MAX_RECLAIM_RETRIES);
	/* direct reclaim progress makes it useful again */
	for (unsigned long j = 0; j < np; j++)
		mm_filemap_put_page(pins[j]);
	struct page *p = alloc_page(GFP_KERNEL | __GFP_NOWARN);
	KT_EXPECT(p != NULL);
	mm_kswapd_get_stats(&st);
	KT_EXPECT_EQ(st.failures, 0);
	if (p)
		__free_page(p);
	free(pins);
	held_free_all(&s);
	mm_filemap_evict(&f, true);
	mm_filemap_drain_node_pool();
	ramdisk_host_destroy(&bd);
	EXPECT_MM_CLEAN();
}

/* Reclaim that always makes a little progress: a shrinker that reports a
 * page freed on every call, whatever happens to memory. */
static unsigned long trickle_count(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	return 1UL << 20;
}
static unsigned long trickle_scan(struct shrinker *s, struct shrink_control *sc)
{
	(void)s;
	(void)sc;
	mm_shrinker_note_freed_pages(1);
	return 1;
}

/* Direct compaction that answers one chosen result, counting its calls. */
static enum compact_result forced_result;
static unsigned long forced_calls;
static enum compact_result forced_compaction(unsigned int order, enum compact_priority prio)
{
	(void)order;
	(void)prio;
	forced_calls++;
	return forced_result;
}

/* The stated bound: the first compaction (step 6), then at most
 * MAX_COMPACT_RETRIES + 1 rounds at each of the three priorities. */
#define SLOWPATH_MAX_COMPACT_ROUNDS (1 + 3 * (MAX_COMPACT_RETRIES + 1))

HTEST(every_compaction_result_ends_the_slowpath_within_the_stated_rounds)
{
	static const enum compact_result results[] = {
		COMPACT_NOT_SUITABLE_ZONE, COMPACT_SKIPPED,	    COMPACT_DEFERRED,
		COMPACT_NO_SUITABLE_PAGE,  COMPACT_CONTINUE,	    COMPACT_COMPLETE,
		COMPACT_PARTIAL_SKIPPED,   COMPACT_CONTENDED,	    COMPACT_SUCCESS,
	};
	static const struct {
		gfp_t gfp;
		unsigned int order;
	} reqs[] = { { GFP_KERNEL, 2 },
		     { GFP_KERNEL | __GFP_MOVABLE, 3 },
		     { GFP_KERNEL | __GFP_RETRY_MAYFAIL, 5 } };
	struct shrinker sh = { .count_objects = trickle_count,
			       .scan_objects = trickle_scan,
			       .name = "trickle" };
	struct held_set s = { 0 };

	KT_ASSERT_EQ(slowpath_boot(16), 0);
	KT_ASSERT_EQ(register_shrinker(&sh), 0);
	/* Half the zone free, but no block above order 0: order > 0 requests
	 * depend on compaction, which answers what the test says. */
	held_fill(&s, __GFP_MEMALLOC, 0);
	for (size_t i = 0; i < s.n; i++)
		if (page_to_pfn(s.v[i].page) & 1) {
			__free_pages(s.v[i].page, 0);
			s.v[i--] = s.v[--s.n];
		}
	drain_all_pages(NULL);
	KT_EXPECT_EQ(dma32()->free_area[1].nr_free, 0);
	mm_compaction_result_hook = forced_compaction;
	for (unsigned int r = 0; r < sizeof(results) / sizeof(results[0]); r++) {
		for (unsigned int q = 0; q < sizeof(reqs) / sizeof(reqs[0]); q++) {
			unsigned long stall0 = mm_global_reclaim_event(ALLOCSTALL);

			forced_result = results[r];
			forced_calls = 0;
			KT_EXPECT(alloc_pages(reqs[q].gfp | __GFP_NOWARN, reqs[q].order) == NULL);
			if (forced_calls > SLOWPATH_MAX_COMPACT_ROUNDS)
				ktest_fail(__FILE__, __LINE__,
					   "result %d, gfp 0x%x order %u: %lu compaction rounds (bound %d)",
					   forced_result, reqs[q].gfp, reqs[q].order, forced_calls,
					   SLOWPATH_MAX_COMPACT_ROUNDS);
			ktest_diag("result %d gfp 0x%x order %u: %lu compaction rounds, %lu reclaim rounds",
				   forced_result, reqs[q].gfp, reqs[q].order, forced_calls,
				   mm_global_reclaim_event(ALLOCSTALL) - stall0);
		}
	}
	mm_compaction_result_hook = NULL;
	KT_EXPECT_EQ(mm_oom_kill_count(), 0); /* nothing registered to kill */
	unregister_shrinker(&sh);
	held_free_all(&s);
}

HTEST(gfp_nofs_fails_without_an_oom_kill_where_gfp_kernel_kills)
{
	struct hog h;

	KT_ASSERT_EQ(slowpath_boot(16), 0);
	hog_init(&h, "hog");
	KT_ASSERT_EQ(mm_oom_register_task(&h.task), 0);
	hog_take(&h, 0, 0);
	/* Its reclaim could not enter the filesystem: no kill for it. */
	KT_EXPECT(alloc_pages(GFP_NOFS | __GFP_NOWARN, 0) == NULL);
	KT_EXPECT(alloc_pages(GFP_NOIO | __GFP_NOWARN, 0) == NULL);
	KT_EXPECT_EQ(mm_oom_kill_count(), 0);
	KT_EXPECT(!h.task.killed);
	/* A NOFAIL one takes the reserves instead. */
	struct page *p = alloc_pages(GFP_NOFS | __GFP_NOFAIL, 0);
	KT_EXPECT(p != NULL);
	KT_EXPECT_EQ(mm_oom_kill_count(), 0);
	if (p)
		__free_pages(p, 0);
	/* The same request with __GFP_FS kills the hog and is served. */
	p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
	KT_EXPECT(p != NULL);
	KT_EXPECT_EQ(mm_oom_kill_count(), 1);
	KT_EXPECT(h.task.killed);
	if (p)
		__free_pages(p, 0);
	mm_oom_unregister_task(&h.task);
	EXPECT_MM_CLEAN();
}

HTEST_MAIN("slowpath")
