/*
 * tests/host/test_compaction.c - the compaction engine on a fragmented
 * zone: order-9 fails before and succeeds after, content and owners intact,
 * pinned pages stay, async skips unsuitable pageblocks, counters add up,
 * the fragmentation index, and mm_compact_memory() getting close to the most
 * order-9 blocks that could exist.
 */
#include <unistd.h>

#include "test_compaction_util.h"

#include "mm/internal.h"

#define ZONE_MIB 64

static void fragment(struct mix *m)
{
	mix_fragment(m, ZONE_MIB);
}

/* Free pages (buddy heads walked) in [start, end). */
static unsigned long free_in(unsigned long start, unsigned long end)
{
	unsigned long n = 0;

	for (unsigned long pfn = start; pfn < end; pfn++) {
		struct page *p = pfn_to_page(pfn);

		if (PageBuddy(p)) {
			n += 1UL << p->private;
			pfn += (1UL << p->private) - 1;
		}
	}
	return n;
}

/* The most order-9 blocks the free pages could form with the movable pages
 * left allocated: free pages outside the pageblocks that hold unmovable
 * pages (compaction never empties those), over 512. */
static unsigned long max_order9(struct mix *m, struct zone *z)
{
	unsigned long stuck = 0, nblocks = (zone_end_pfn(z) >> pageblock_order) + 1;
	bool *seen = calloc(nblocks, 1);

	for (size_t i = 0; i < m->unmovable.n; i++) {
		unsigned long b = page_to_pfn(m->unmovable.v[i].page) >> pageblock_order;

		if (!seen[b]) {
			seen[b] = true;
			stuck += free_in(b << pageblock_order, (b + 1) << pageblock_order);
		}
	}
	free(seen);
	return (zone_page_state(z, NR_FREE_PAGES) - stuck) / pageblock_nr_pages;
}

HTEST(order9_fails_on_a_fragmented_zone_and_succeeds_after_compaction)
{
	struct mix m;
	struct zone *z;
	struct page *big;
	unsigned long migrated = 0;
	int fi;

	KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
	z = dma32();
	fragment(&m);
	KT_EXPECT_EQ(free_blocks_of(z, 9), 0);
	KT_EXPECT(alloc_pages(__GFP_MOVABLE | __GFP_NOWARN, 9) == NULL);
	fi = mm_fragmentation_index(z, 9);
	KT_EXPECT(fi > mm_sysctl_extfrag_threshold); /* fragmentation, not shortage */
	KT_EXPECT_EQ(mm_compact_zone_for_order(z, 9, MIGRATE_MOVABLE, ALLOC_WMARK_MIN, ZONE_DMA32,
					    COMPACT_PRIO_SYNC_FULL, &migrated),
		     COMPACT_SUCCESS);
	KT_EXPECT(migrated > 0);
	KT_EXPECT_EQ(mm_migrate_event_count(PGMIGRATE_SUCCESS), migrated);
	KT_EXPECT_EQ(mm_fragmentation_index(z, 9), -1000);
	big = alloc_pages(__GFP_MOVABLE | __GFP_NOWARN, 9);
	KT_EXPECT(big != NULL);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	EXPECT_MM_CLEAN();
	if (big)
		__free_pages(big, 9);
	mix_teardown(&m);
	EXPECT_MM_CLEAN();
}

HTEST(compaction_counters_match_the_pass)
{
	struct mix m;
	struct compact_control cc = {
		.order = -1,
		.migratetype = MIGRATE_MOVABLE,
		.highest_zoneidx = ZONE_DMA32,
		.mode = MIGRATE_SYNC,
	};
	unsigned long moved_before;

	KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
	cc.zone = dma32();
	fragment(&m);
	moved_before = m.va.nr_moved;
	KT_EXPECT_EQ(mm_compact_zone(&cc), COMPACT_COMPLETE);
	KT_EXPECT(cc.nr_migrated > 0);
	KT_EXPECT_EQ(mm_compact_zone_event_count(COMPACTMIGRATE_SCANNED), cc.migrate_scanned);
	KT_EXPECT_EQ(mm_compact_zone_event_count(COMPACTFREE_SCANNED), cc.free_scanned);
	KT_EXPECT_EQ(mm_compact_zone_event_count(COMPACTISOLATED),
		     cc.nr_isolated_migrate + cc.nr_isolated_free);
	KT_EXPECT_EQ(mm_migrate_event_count(PGMIGRATE_SUCCESS), cc.nr_migrated);
	KT_EXPECT_EQ(mm_migrate_event_count(PGMIGRATE_FAIL), cc.nr_failed);
	/* every isolated page was either moved or failed and put back */
	KT_EXPECT_EQ(cc.nr_isolated_migrate, cc.nr_migrated + cc.nr_failed);
	KT_EXPECT(cc.nr_isolated_free >= cc.nr_migrated);
	KT_EXPECT(cc.migrate_scanned <= cc.zone->spanned_pages);
	KT_EXPECT(m.va.nr_moved > moved_before);
	/* the pass was a daemon-style one: counted there too */
	KT_EXPECT_EQ(mm_compact_zone_event_count(COMPACT_DAEMON_MIGRATE_SCANNED), cc.migrate_scanned);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
}

HTEST(compact_memory_reaches_90_percent_of_the_possible_order9_blocks)
{
	struct mix m;
	struct zone *z;
	unsigned long possible, got, before;

	KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
	z = dma32();
	fragment(&m);
	possible = max_order9(&m, z);
	before = free_blocks_of(z, 9);
	KT_EXPECT(mm_compact_memory() > 0);
	got = free_blocks_of(z, 9);
	printf("# order-9 blocks free: %lu before, %lu after compact_memory, at most %lu\n", before,
	       got, possible);
	KT_EXPECT(possible >= 8); /* the scenario leaves room for the claim to mean something */
	KT_EXPECT(got * 10 >= possible * 9);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	mix_teardown(&m);
	EXPECT_MM_CLEAN();
}

HTEST(pinned_pages_stay_put_through_compaction)
{
	struct mix m;
	struct page *pins[16];
	unsigned long pfns[16], idx[16], n = 0;

	KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
	fragment(&m);
	/* Pin the lowest vmarea pages: the ones compaction wants to move. */
	for (unsigned long i = 0; i < m.nr_slots && n < 16; i++) {
		if (!m.va_present[i])
			continue;
		pins[n] = mm_vmarea_pin(&m.va, i);
		pfns[n] = page_to_pfn(pins[n]);
		idx[n++] = i;
	}
	KT_ASSERT_EQ(n, 16);
	KT_EXPECT(mm_compact_memory() > 0);
	for (unsigned long k = 0; k < n; k++) {
		KT_EXPECT_EQ(page_to_pfn(mm_vmarea_page(&m.va, idx[k])), pfns[k]);
		KT_EXPECT_EQ(mm_vmarea_pte_pfn(&m.va, idx[k]), pfns[k]);
		mm_vmarea_unpin(pins[k]);
	}
	KT_EXPECT_EQ(mix_verify(&m), 0);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
}

/* Every pageblock of @z to @mt, its free pages with it (as a steal that
 * claims the pageblock would move them). */
static void relabel_pageblocks(struct zone *z, int mt)
{
	unsigned long flags = mm_spin_lock_irqsave(&z->lock);

	for (unsigned long pfn = z->zone_start_pfn; pfn < zone_end_pfn(z);
	     pfn += pageblock_nr_pages)
		mm_move_freepages_block(z, pfn_to_page(pfn), mt);
	mm_spin_unlock_irqrestore(&z->lock, flags);
}

HTEST(async_direct_compaction_skips_pageblocks_of_another_type)
{
	struct mix m;
	struct compact_control cc = {
		.order = 9,
		.migratetype = MIGRATE_MOVABLE,
		.highest_zoneidx = ZONE_DMA32,
		.mode = MIGRATE_ASYNC,
		.direct_compaction = true,
	};
	struct zone *z;

	KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
	z = dma32();
	cc.zone = z;
	fragment(&m);
	/* Relabel every pageblock unmovable: async has no source left. */
	relabel_pageblocks(z, MIGRATE_UNMOVABLE);
	KT_EXPECT_EQ(mm_compact_zone(&cc), COMPACT_COMPLETE);
	KT_EXPECT_EQ(cc.nr_isolated_migrate, 0);
	KT_EXPECT_EQ(cc.nr_migrated, 0);
	/* Sync does not skip them (but finds no movable target block). */
	cc.mode = MIGRATE_SYNC;
	mm_compact_zone(&cc);
	KT_EXPECT(cc.nr_isolated_migrate > 0);
	KT_EXPECT_EQ(cc.nr_migrated, 0); /* no MOVABLE block to move into */
	KT_EXPECT_EQ(mix_verify(&m), 0);
	relabel_pageblocks(z, MIGRATE_MOVABLE);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
}

HTEST(fragmentation_index_tells_shortage_from_fragmentation)
{
	struct held_set h = { 0 };
	struct zone *z;

	KT_ASSERT_EQ(compact_boot(16), 0);
	z = dma32();
	KT_EXPECT_EQ(mm_fragmentation_index(z, 9), -1000); /* free blocks exist */
	KT_EXPECT_EQ(mm_fragmentation_index(z, MAX_ORDER), -1000);
	/* Everything taken but a few scattered pages: fragmentation. */
	held_fill(&h, __GFP_MOVABLE | __GFP_NOWARN, 0);
	for (size_t i = 0; i < h.n; i += 8)
		__free_page(h.v[i].page), h.v[i].page = NULL;
	drain_all_pages(NULL);
	KT_EXPECT(mm_fragmentation_index(z, 9) > 900);
	for (size_t i = 0; i < h.n; i++)
		if (h.v[i].page)
			__free_page(h.v[i].page);
	free(h.v);
	EXPECT_MM_CLEAN();
}

HTEST(kcompactd_request_served_synchronously_frees_the_order)
{
	struct mix m;
	struct kcompactd_stats st;
	struct zone *z;

	KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
	z = dma32();
	fragment(&m);
	KT_EXPECT(!mm_kcompactd_do_work()); /* nothing asked */
	mm_wakeup_kcompactd(0, ZONE_DMA32);
	KT_EXPECT(!mm_kcompactd_do_work()); /* order 0 is not its business */
	mm_wakeup_kcompactd(9, ZONE_DMA32);
	KT_EXPECT(mm_kcompactd_do_work());
	KT_EXPECT_EQ(mm_compact_zone_event_count(COMPACT_DAEMON_WAKE), 1);
	KT_EXPECT(free_blocks_of(z, 9) >= 1);
	mm_kcompactd_get_stats(&st);
	KT_EXPECT_EQ(st.successes, 1);
	KT_EXPECT(st.migrated > 0);
	KT_EXPECT_EQ(st.migrated, mm_migrate_event_count(PGMIGRATE_SUCCESS));
	KT_EXPECT(mm_compact_zone_event_count(COMPACT_DAEMON_MIGRATE_SCANNED) > 0);
	KT_EXPECT_EQ(mm_compact_event_count(COMPACTSTALL), 0); /* not direct compaction */
	KT_EXPECT_EQ(mix_verify(&m), 0);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
}

HTEST(kcompactd_thread_compacts_when_woken_and_parks)
{
	struct mix m;
	struct zone *z;
	uint64_t t0;

	KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
	z = dma32();
	fragment(&m);
	KT_ASSERT_EQ(kcompactd_run(), 0);
	mm_wakeup_kcompactd(9, ZONE_DMA32);
	t0 = mm_time_ns();
	while (free_blocks_of(z, 9) == 0 && mm_time_ns() - t0 < 5000000000ull)
		mm_cond_resched();
	mm_kcompactd_park();
	KT_EXPECT(free_blocks_of(z, 9) >= 1);
	KT_EXPECT_EQ(mm_compact_zone_event_count(COMPACT_DAEMON_WAKE), 1);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
}

HTEST(proactive_kcompactd_compacts_a_fragmented_zone_unasked)
{
	struct mix m;
	struct kcompactd_stats st;
	struct zone *z;
	uint64_t t0;

	KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
	z = dma32();
	fragment(&m);
	KT_ASSERT_EQ(kcompactd_run(), 0);
	usleep(50000);
	KT_EXPECT_EQ(free_blocks_of(z, 9), 0); /* off by default: nothing happens */
	mm_kcompactd_set_proactive(10);
	t0 = mm_time_ns();
	while (free_blocks_of(z, 9) == 0 && mm_time_ns() - t0 < 5000000000ull)
		usleep(1000);
	mm_kcompactd_set_proactive(0);
	mm_kcompactd_park();
	mm_kcompactd_get_stats(&st);
	KT_EXPECT(free_blocks_of(z, 9) >= 1);
	KT_EXPECT(st.proactive_runs >= 1);
	KT_EXPECT_EQ(mm_compact_zone_event_count(COMPACT_DAEMON_WAKE), 0); /* nobody woke it */
	KT_EXPECT_EQ(mix_verify(&m), 0);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
}

HTEST(slowpath_direct_compaction_gets_order9_and_counts_the_stall)
{
	struct mix m;
	struct page *big;

	KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
	fragment(&m);
	KT_EXPECT(alloc_pages(__GFP_MOVABLE | __GFP_NOWARN, 9) == NULL); /* no compaction allowed */
	KT_EXPECT_EQ(mm_compact_event_count(COMPACTSTALL), 0);
	big = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NORETRY | __GFP_NOWARN, 9);
	KT_EXPECT(big != NULL);
	KT_EXPECT_EQ(mm_compact_event_count(COMPACTSTALL), 1);
	KT_EXPECT_EQ(mm_compact_event_count(COMPACTSUCCESS), 1);
	KT_EXPECT_EQ(mm_compact_event_count(COMPACTFAIL), 0);
	KT_EXPECT(mm_migrate_event_count(PGMIGRATE_SUCCESS) > 0);
	/* async first: only movable pageblocks were emptied */
	KT_EXPECT(mm_compact_zone_event_count(COMPACTMIGRATE_SCANNED) > 0);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	if (big)
		__free_pages(big, 9);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
}

HTEST(deferral_stops_repeated_futile_compaction)
{
	struct held_set h = { 0 };
	struct zone *z;
	unsigned int ran = 0, deferred = 0;
	unsigned long scanned_before;

	KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
	z = dma32();
	/* Unmovable pages everywhere, every fourth freed: plenty free, but
	 * nothing compaction could move. */
	held_fill(&h, GFP_KERNEL, 0);
	for (size_t i = 0; i < h.n; i += 4)
		__free_page(h.v[i].page), h.v[i].page = NULL;
	drain_all_pages(NULL);
	KT_ASSERT(mm_fragmentation_index(z, 9) > mm_sysctl_extfrag_threshold);
	for (int i = 0; i < 10; i++) {
		enum compact_result r;

		scanned_before = mm_compact_zone_event_count(COMPACTMIGRATE_SCANNED);
		r = mm_try_to_compact_pages(GFP_KERNEL, 9, ALLOC_WMARK_MIN, ZONE_DMA32,
					 COMPACT_PRIO_SYNC_LIGHT);
		if (r == COMPACT_COMPLETE) {
			ran++;
			KT_EXPECT(mm_compact_zone_event_count(COMPACTMIGRATE_SCANNED) >
				  scanned_before);
		} else {
			KT_EXPECT_EQ(r, COMPACT_DEFERRED);
			deferred++;
			KT_EXPECT_EQ(mm_compact_zone_event_count(COMPACTMIGRATE_SCANNED),
				     scanned_before);
		}
	}
	/* Passes at attempts 1, 3 and 7: the wait doubles after each failure. */
	KT_EXPECT_EQ(ran, 3);
	KT_EXPECT_EQ(deferred, 7);
	KT_EXPECT_EQ(mm_compact_event_count(COMPACT_DEFERRED_EVENTS), 7);
	KT_EXPECT_EQ(mm_migrate_event_count(PGMIGRATE_SUCCESS), 0);
	/* Full sync priority ignores deferral, as Linux's last resort does. */
	KT_EXPECT_EQ(mm_try_to_compact_pages(GFP_KERNEL, 9, ALLOC_WMARK_MIN, ZONE_DMA32,
					  COMPACT_PRIO_SYNC_FULL),
		     COMPACT_COMPLETE);
	for (size_t i = 0; i < h.n; i++)
		if (h.v[i].page)
			__free_page(h.v[i].page);
	free(h.v);
	EXPECT_MM_CLEAN();
}

HTEST_MAIN("compaction")
