/*
 * tests/kernel/test_compaction.c - migration and compaction on the booted
 * machine (suite "compaction"): pages of the page cache and of a vmarea
 * move with their content, the vmarea's real PTEs follow (read through the
 * mapped addresses after the TLB shootdown), pinned pages stay, and a
 * fragmented zone gives an order-9 block only after compaction - direct
 * from mm_compact_zone, through the slowpath, and from kcompactd.
 *
 * The fragmentation tests work in a window of the highest zone: everything
 * else is held, the watermarks are lowered for the test (so what is left
 * free at the end is less than a pageblock), kswapd is parked.
 */
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/timer.h"
#include "tests/kernel/compaction_mix.h"
#include "mm/compact_zone.h"
#include "mm/compaction.h"
#include "mm/debug.h"
#include "mm/internal.h"
#include "mm/kcompactd.h"
#include "mm/kswapd.h"
#include "mm/migrate.h"

#define EXPECT_MM_CLEAN() \
	do { \
		KT_EXPECT_EQ(mm_check_invariants(), 0); \
		KT_EXPECT_EQ(mm_lru_check(), 0); \
	} while (0)

static struct cmix mix;

/* ---- small: migration by hand ---- */

static unsigned long isolate_all(struct cmix *m, struct list_head *l)
{
	unsigned long n = 0;

	for (unsigned long i = 0; i < m->n; i++) {
		struct page *p;

		if ((*cmix_state(m, i) & CMIX_FILE) && (p = mm_find_get_page(&m->file, i)) != NULL) {
			mm_filemap_put_page(p);
			if (mm_isolate_movable_page(p))
				list_add_tail(&p->lru, l), n++;
		}
		if ((*cmix_state(m, i) & CMIX_VA) && (p = mm_vmarea_page(&m->va, i)) != NULL &&
		    mm_isolate_movable_page(p))
			list_add_tail(&p->lru, l), n++;
	}
	return n;
}

KTEST(compaction, migrated_pages_read_old_content_through_cache_and_mapping)
{
	unsigned long old_va[64], old_file[64], moved = 0;
	struct list_head l;

	mm_kswapd_park();
	KT_ASSERT_EQ(cmix_init(&mix, 64), 0);
	KT_ASSERT_EQ(cmix_fill(&mix, 0, 1, 0), 128);
	for (unsigned long i = 0; i < 64; i++) {
		struct page *p = mm_find_get_page(&mix.file, i);

		KT_ASSERT(p != NULL);
		old_file[i] = page_to_pfn(p);
		mm_filemap_put_page(p);
		old_va[i] = mm_vmarea_pte_pfn(&mix.va, i);
		KT_EXPECT_EQ(old_va[i], page_to_pfn(mm_vmarea_page(&mix.va, i)));
	}
	INIT_LIST_HEAD(&l);
	KT_ASSERT_EQ(isolate_all(&mix, &l), 128);
	KT_EXPECT_EQ(mm_migrate_pages(&l, mm_alloc_migration_target, NULL, GFP_HIGHUSER_MOVABLE,
				   MIGRATE_SYNC, &moved),
		     0);
	KT_EXPECT_EQ(moved, 128);
	for (unsigned long i = 0; i < 64; i++) {
		struct page *p = mm_find_get_page(&mix.file, i);

		KT_ASSERT(p != NULL);
		KT_EXPECT(page_to_pfn(p) != old_file[i]);
		mm_filemap_put_page(p);
		/* The PTE names the new frame and the address reads it. */
		KT_EXPECT(mm_vmarea_pte_pfn(&mix.va, i) != old_va[i]);
		KT_EXPECT_EQ(page_pattern_check(mm_vmarea_addr(&mix.va, i), CMIX_VA_ID, i, 1), 0);
	}
	KT_EXPECT_EQ(cmix_verify(&mix, NULL), 0);
	EXPECT_MM_CLEAN();
	cmix_teardown(&mix);
	EXPECT_MM_CLEAN();
	kswapd_run();
}

KTEST(compaction, pinned_pages_are_never_moved)
{
	struct page *pf, *pv;
	unsigned long pfn_f, pfn_v, fail0 = mm_migrate_event_count(PGMIGRATE_FAIL);
	struct list_head l;

	mm_kswapd_park();
	KT_ASSERT_EQ(cmix_init(&mix, 8), 0);
	KT_ASSERT_EQ(cmix_fill(&mix, 0, 1, 0), 16);
	pf = mm_find_get_page(&mix.file, 2);
	pv = mm_vmarea_pin(&mix.va, 6);
	KT_ASSERT(pf && pv);
	pfn_f = page_to_pfn(pf);
	pfn_v = page_to_pfn(pv);
	INIT_LIST_HEAD(&l);
	KT_ASSERT_EQ(isolate_all(&mix, &l), 16);
	KT_EXPECT_EQ(mm_migrate_pages(&l, mm_alloc_migration_target, NULL, GFP_HIGHUSER_MOVABLE,
				   MIGRATE_SYNC, NULL),
		     2);
	mm_putback_movable_pages(&l);
	KT_EXPECT_EQ(mm_migrate_event_count(PGMIGRATE_FAIL) - fail0, 2);
	KT_EXPECT(mm_find_get_page(&mix.file, 2) == pf);
	mm_filemap_put_page(pf);
	KT_EXPECT_EQ(mm_vmarea_pte_pfn(&mix.va, 6), pfn_v);
	KT_EXPECT_EQ(page_to_pfn(pf), pfn_f);
	KT_EXPECT_EQ(page_ref_count(pv), 2);
	mm_filemap_put_page(pf);
	mm_vmarea_unpin(pv);
	KT_EXPECT_EQ(cmix_verify(&mix, NULL), 0);
	EXPECT_MM_CLEAN();
	cmix_teardown(&mix);
	kswapd_run();
}

/* ---- the fragmented window ---- */

static struct list_head held;
static int saved_min_kbytes, saved_wsf;

static struct zone *top_zone(void)
{
	struct zone *top = NULL, *z;

	for_each_zone(z)
		if (populated_zone(z))
			top = z;
	return top;
}

static void release_held(void)
{
	while (!list_empty(&held)) {
		struct page *p = list_first_entry(&held, struct page, lru);
		unsigned int o = p->private;

		list_del(&p->lru);
		p->private = 0;
		__free_pages(p, o);
	}
}

/* Hold all free memory (movable blocks, so pageblocks keep their type),
 * then give back blocks of @top until @window pages are free there. */
static void hold_all_but(struct zone *top, unsigned long window)
{
	struct list_head *pos, *next;

	INIT_LIST_HEAD(&held);
	drain_all_pages(NULL);
	for (int o = MAX_ORDER - 1; o >= 0; o--) {
		struct page *p;

		while ((p = alloc_pages(CMIX_GFP_MOVABLE | __GFP_NOWARN, (unsigned int)o)) !=
		       NULL) {
			p->private = (uint32_t)o;
			list_add_tail(&p->lru, &held);
		}
	}
	list_for_each_safe(pos, next, &held) {
		struct page *p = list_entry(pos, struct page, lru);
		unsigned int o = p->private;

		if ((unsigned long)zone_page_state(top, NR_FREE_PAGES) >= window)
			break;
		if (page_zone(p) != top)
			continue;
		list_del(&p->lru);
		p->private = 0;
		__free_pages(p, o);
	}
	drain_all_pages(NULL);
}

/* Fragment a window of the top zone; false (skipped) when it is too small. */
static bool fragment(struct zone **topp)
{
	struct zone *top = top_zone();
	unsigned long window = 16384;

	if (top->managed_pages / 2 < window)
		window = top->managed_pages / 2;
	if (window < 8 * pageblock_nr_pages) {
		ktest_skip("highest zone too small for the scenario");
		return false;
	}
	mm_kswapd_park();
	mm_kcompactd_park();
	if (cmix_init(&mix, window)) {
		ktest_skip("no memory for the scenario's bookkeeping");
		kswapd_run();
		return false;
	}
	saved_min_kbytes = mm_min_free_kbytes;
	saved_wsf = mm_watermark_scale_factor;
	mm_min_free_kbytes = 128;
	mm_watermark_scale_factor = 1;
	mm_setup_per_zone_wmarks();
	hold_all_but(top, window);
	cmix_fill(&mix, 0, 1, 64);
	cmix_thin(&mix, 50);
	drain_all_pages(NULL);
	*topp = top;
	return true;
}

static void unfragment(void)
{
	cmix_teardown(&mix);
	release_held();
	mm_min_free_kbytes = saved_min_kbytes;
	mm_watermark_scale_factor = saved_wsf;
	mm_setup_per_zone_wmarks();
	drain_all_pages(NULL);
	kswapd_run();
}

KTEST(compaction, order9_fails_on_fragmented_zone_and_succeeds_after_compaction)
{
	struct zone *z;
	struct compact_control cc = { .order = 9,
				      .migratetype = MIGRATE_MOVABLE,
				      .alloc_flags = ALLOC_WMARK_MIN,
				      .mode = MIGRATE_SYNC };
	unsigned long ms0 = mm_compact_zone_event_count(COMPACTMIGRATE_SCANNED);
	unsigned long fs0 = mm_compact_zone_event_count(COMPACTFREE_SCANNED);
	unsigned long iso0 = mm_compact_zone_event_count(COMPACTISOLATED);
	unsigned long ok0 = mm_migrate_event_count(PGMIGRATE_SUCCESS);
	struct page *big;

	if (!fragment(&z))
		return;
	ktest_diag("zone %s: %lu cache + %lu vmarea + %lu unmovable pages, %ld free", z->name,
		   mix.nr_file, mix.nr_va, mix.nr_unmovable, zone_page_state(z, NR_FREE_PAGES));
	KT_EXPECT_EQ(cmix_free_blocks(z, 9), 0);
	KT_EXPECT(alloc_pages(CMIX_GFP_MOVABLE | __GFP_NOWARN, 9) == NULL);
	KT_EXPECT(mm_fragmentation_index(z, 9) > mm_sysctl_extfrag_threshold);
	cc.zone = z;
	cc.highest_zoneidx = z->zone_idx;
	KT_EXPECT_EQ(mm_compact_zone(&cc), COMPACT_SUCCESS);
	ktest_diag("migrated %lu, scanned %lu/%lu", cc.nr_migrated, cc.migrate_scanned,
		   cc.free_scanned);
	KT_EXPECT(cc.nr_migrated > 0);
	KT_EXPECT_EQ(mm_compact_zone_event_count(COMPACTMIGRATE_SCANNED) - ms0, cc.migrate_scanned);
	KT_EXPECT_EQ(mm_compact_zone_event_count(COMPACTFREE_SCANNED) - fs0, cc.free_scanned);
	KT_EXPECT_EQ(mm_compact_zone_event_count(COMPACTISOLATED) - iso0,
		     cc.nr_isolated_migrate + cc.nr_isolated_free);
	KT_EXPECT_EQ(mm_migrate_event_count(PGMIGRATE_SUCCESS) - ok0, cc.nr_migrated);
	big = alloc_pages(CMIX_GFP_MOVABLE | __GFP_NOWARN, 9);
	KT_EXPECT(big != NULL);
	KT_EXPECT_EQ(cmix_verify(&mix, NULL), 0);
	EXPECT_MM_CLEAN();
	if (big)
		__free_pages(big, 9);
	unfragment();
	EXPECT_MM_CLEAN();
}

KTEST(compaction, slowpath_compacts_directly_for_a_costly_order)
{
	struct zone *z;
	unsigned long stall0 = mm_compact_event_count(COMPACTSTALL);
	unsigned long succ0 = mm_compact_event_count(COMPACTSUCCESS);
	struct page *big;

	if (!fragment(&z))
		return;
	KT_EXPECT_EQ(cmix_free_blocks(z, 9), 0);
	big = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NORETRY | __GFP_NOWARN, 9);
	KT_EXPECT(big != NULL);
	KT_EXPECT(mm_compact_event_count(COMPACTSTALL) - stall0 >= 1);
	KT_EXPECT(mm_compact_event_count(COMPACTSUCCESS) - succ0 >= 1);
	KT_EXPECT_EQ(cmix_verify(&mix, NULL), 0);
	if (big)
		__free_pages(big, 9);
	EXPECT_MM_CLEAN();
	unfragment();
}

KTEST(compaction, kcompactd_woken_for_order9_compacts_the_zone)
{
	struct zone *z;
	unsigned long wake0 = mm_compact_zone_event_count(COMPACT_DAEMON_WAKE);

	if (!sched_is_running()) {
		ktest_skip("no scheduler");
		return;
	}
	if (!fragment(&z))
		return;
	KT_EXPECT_EQ(cmix_free_blocks(z, 9), 0);
	/* Failures in earlier suites must not defer this request. */
	mm_compaction_defer_reset(z, 9, true);
	KT_ASSERT_EQ(kcompactd_run(), 0);
	mm_wakeup_kcompactd(9, z->zone_idx);
	for (int i = 0; i < 2000 && cmix_free_blocks(z, 9) == 0; i++)
		msleep(5);
	mm_kcompactd_park();
	KT_EXPECT(cmix_free_blocks(z, 9) >= 1);
	/* At least our wake-up; with several CPUs kswapd, finishing a
	 * high-order pass for an allocation of this fragmented zone, may
	 * wake it once more (seen once in smp2 boots). */
	KT_EXPECT(mm_compact_zone_event_count(COMPACT_DAEMON_WAKE) - wake0 >= 1);
	KT_EXPECT_EQ(cmix_verify(&mix, NULL), 0);
	EXPECT_MM_CLEAN();
	unfragment();
}
