/*
 * tests/host/test_compaction_hints.c - compaction that does not repeat
 * work: passes resume at the cached scanner positions, pageblock skip
 * hints mark only blocks with nothing to give, the restart rule
 * (COMPACT_COMPLETE only for a pass that looked at the whole zone
 * itself), when hints are cleared, and the same engine on a machine whose
 * RAM lies above 4 GiB with deterministic counts.
 */
#include "test_compaction_util.h"

#include "tests/kernel/highalloc_bench.h"
#include "mm/internal.h"

#define ZONE_MIB 64

static unsigned long zone_last_block_pfn(const struct zone *z)
{
	return (zone_end_pfn(z) - 1) & ~(pageblock_nr_pages - 1);
}

/* A direct-compaction-like pass for an order-@order movable request (-1:
 * no order, run until the scanners meet). These tests are about the
 * free scanner's walk (its resumed position and its hints), so the pass
 * takes its targets by the walk only, not off the free lists. */
static enum compact_result run_pass(struct compact_control *cc, struct zone *z, int order,
				    bool whole_zone)
{
	memset(cc, 0, sizeof(*cc));
	cc->zone = z;
	cc->order = order;
	cc->migratetype = MIGRATE_MOVABLE;
	cc->alloc_flags = ALLOC_WMARK_MIN;
	cc->highest_zoneidx = z->zone_idx;
	cc->mode = MIGRATE_SYNC_LIGHT;
	cc->direct_compaction = order >= 0;
	cc->whole_zone = whole_zone;
	cc->linear_free_scan = true;
	return mm_compact_zone(cc);
}

/* A fresh 64 MiB machine, its DMA32 zone fragmented by @m. */
static struct zone *fragmented_zone(struct mix *m)
{
	if (compact_boot(ZONE_MIB)) {
		ktest_fail(__FILE__, __LINE__, "cannot boot a %d MiB machine", ZONE_MIB);
		return NULL;
	}
	mix_fragment(m, ZONE_MIB);
	return dma32();
}

static unsigned long hinted_blocks(struct zone *z)
{
	unsigned long n = 0;

	for (unsigned long pfn = z->zone_start_pfn & ~(pageblock_nr_pages - 1);
	     pfn < zone_end_pfn(z); pfn += pageblock_nr_pages)
		n += mm_compact_pageblock_skipped(pfn, true) || mm_compact_pageblock_skipped(pfn, false);
	return n;
}

/* Free pages and movable order-0 pages an owner would let go of in the
 * pageblock at @block. */
static void block_contents(unsigned long block, unsigned long *nr_free, unsigned long *nr_movable)
{
	*nr_free = *nr_movable = 0;
	for (unsigned long pfn = block; pfn < block + pageblock_nr_pages; pfn++) {
		struct page *p = pfn_to_page(pfn);

		if (PageBuddy(p)) {
			*nr_free += 1UL << p->private;
			pfn += (1UL << p->private) - 1;
		} else if (!PageTail(p) && page_ref_count(p) > 0 && !page_alloc_order(p) &&
			   p->mapping) {
			(*nr_movable)++;
		}
	}
}

HTEST(a_resumed_pass_that_meets_is_partial_and_the_next_starts_at_the_ends)
{
	struct compact_control cc;
	struct mix m;
	struct zone *z;
	struct page *big;
	unsigned long mpos, fpos;

	z = fragmented_zone(&m);
	KT_ASSERT(z != NULL);
	/* A request's pass stops as soon as a block is free: the scanners
	 * are left midway, and the next pass resumes there. */
	KT_EXPECT_EQ(run_pass(&cc, z, 9, false), COMPACT_SUCCESS);
	KT_EXPECT(cc.whole_zone);
	mpos = z->compact_cached_migrate_pfn[1];
	fpos = z->compact_cached_free_pfn;
	KT_EXPECT(mpos > z->zone_start_pfn);
	KT_EXPECT(fpos > mpos && fpos < zone_last_block_pfn(z));
	KT_EXPECT_EQ(z->compact_cached_migrate_pfn[0], mpos); /* sync moves async along */
	big = alloc_pages(__GFP_MOVABLE | __GFP_NOWARN, 9);
	KT_EXPECT(big != NULL);

	/* Resumed, it meets without having seen the zone below mpos and
	 * above fpos: not a verdict on the zone. */
	KT_EXPECT_EQ(run_pass(&cc, z, -1, false), COMPACT_PARTIAL_SKIPPED);
	KT_EXPECT(!cc.whole_zone);
	KT_EXPECT(cc.scanners_met);
	KT_EXPECT_EQ(z->compact_cached_migrate_pfn[0], 0);
	KT_EXPECT_EQ(z->compact_cached_migrate_pfn[1], 0);
	KT_EXPECT_EQ(z->compact_cached_free_pfn, 0);
	KT_EXPECT(z->compact_blockskip_flush);
	KT_EXPECT(hinted_blocks(z) > 0);

	/* From the ends, but stepping over hinted blocks: still partial,
	 * and as a whole-zone pass that failed it clears the hints. */
	KT_EXPECT_EQ(run_pass(&cc, z, -1, false), COMPACT_PARTIAL_SKIPPED);
	KT_EXPECT(cc.whole_zone);
	KT_EXPECT(cc.nr_hint_skipped > 0);
	KT_EXPECT_EQ(hinted_blocks(z), 0);
	KT_EXPECT(!z->compact_blockskip_flush);

	/* Only now does a pass look at every block: COMPLETE. */
	KT_EXPECT_EQ(run_pass(&cc, z, -1, false), COMPACT_COMPLETE);
	KT_EXPECT(cc.whole_zone);
	KT_EXPECT_EQ(cc.nr_hint_skipped, 0);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	if (big)
		__free_pages(big, 9);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
}

HTEST(passes_of_one_cycle_scan_each_pageblock_about_once)
{
	struct compact_control cc;
	struct held_set blocks = { 0 };
	unsigned long sum_free = 0, sum_migrate = 0, passes = 0, span;
	struct mix m;
	struct zone *z;

	z = fragmented_zone(&m);
	KT_ASSERT(z != NULL);
	span = z->spanned_pages;
	/* Order-9 requests one after the other, each block held, until the
	 * scanners meet: one cycle through the zone. */
	do {
		enum compact_result r = run_pass(&cc, z, 9, false);
		struct page *big;

		sum_free += cc.free_scanned;
		sum_migrate += cc.migrate_scanned;
		passes++;
		if (r != COMPACT_SUCCESS)
			break;
		big = alloc_pages(__GFP_MOVABLE | __GFP_NOWARN, 9);
		KT_ASSERT(big != NULL);
		held_push(&blocks, big, 9);
	} while (!cc.scanners_met && passes < 1000);
	printf("# %lu passes: free scanner %lu pfns, migrate scanner %lu, zone %lu\n", passes,
		sum_free, sum_migrate, span);
	KT_EXPECT(passes >= 4);
	/* Each pass may look again at the part of the free scanner's block
	 * it had not finished; nothing else twice. */
	KT_EXPECT(sum_free <= span + passes * pageblock_nr_pages);
	KT_EXPECT(sum_migrate <= span);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	held_free_all(&blocks);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
}

/* Every hinted block holds nothing for its scanner: no free page under a
 * free hint, no movable page under a migrate hint. Adds the hints seen. */
static void check_hints(struct zone *z, unsigned long *free_hinted, unsigned long *migrate_hinted)
{
	for (unsigned long b = z->zone_start_pfn & ~(pageblock_nr_pages - 1); b < zone_end_pfn(z);
	     b += pageblock_nr_pages) {
		unsigned long nr_free, nr_movable;

		block_contents(b, &nr_free, &nr_movable);
		if (mm_compact_pageblock_skipped(b, true)) {
			(*free_hinted)++;
			KT_EXPECT_EQ(nr_free, 0);
		}
		if (mm_compact_pageblock_skipped(b, false)) {
			(*migrate_hinted)++;
			KT_EXPECT_EQ(nr_movable, 0);
		}
	}
}

HTEST(skip_hints_mark_only_pageblocks_with_nothing_to_give)
{
	struct compact_control cc;
	struct held_set blocks = { 0 };
	unsigned long free_hinted = 0, migrate_hinted = 0, passes = 0;
	struct mix m;
	struct zone *z;

	z = fragmented_zone(&m);
	KT_ASSERT(z != NULL);
	/* A cycle of requests, each block held, until the scanners meet. */
	for (;; passes++) {
		enum compact_result r = run_pass(&cc, z, 9, false);
		struct page *big;

		if (cc.scanners_met || r != COMPACT_SUCCESS || passes > 100)
			break;
		check_hints(z, &free_hinted, &migrate_hinted);
		big = alloc_pages(__GFP_MOVABLE | __GFP_NOWARN, 9);
		KT_ASSERT(big != NULL);
		held_push(&blocks, big, 9);
	}
	KT_EXPECT(free_hinted > 0);
	/* More memory freed, much of it in blocks the free scanner had
	 * filled and hinted: the next cycle's first pass steps over them,
	 * meets, and (a whole-zone pass that failed) clears the hints; the
	 * one after crosses the blocks the first cycle emptied (held blocks
	 * and unmovable pages only) and succeeds before the scanners meet. */
	mix_thin(&m, 50);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(run_pass(&cc, z, 9, false), COMPACT_PARTIAL_SKIPPED);
	KT_EXPECT(cc.nr_hint_skipped > 0);
	KT_EXPECT_EQ(hinted_blocks(z), 0);
	KT_EXPECT_EQ(run_pass(&cc, z, 9, false), COMPACT_SUCCESS);
	KT_EXPECT(!cc.scanners_met);
	check_hints(z, &free_hinted, &migrate_hinted);
	printf("# hinted: %lu by the free scanner, %lu by the migrate scanner\n", free_hinted,
	       migrate_hinted);
	KT_EXPECT(migrate_hinted > 0);
	/* A pass that ignores hints (the last resort, compact_memory) looks
	 * at every block, and as a whole-zone pass that met clears them. */
	mm_compact_memory();
	KT_EXPECT_EQ(hinted_blocks(z), 0);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	held_free_all(&blocks);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
}

HTEST(kswapd_balance_clears_hints_only_where_a_cycle_ended)
{
	struct compact_control cc;
	struct mix m;
	struct zone *z;
	unsigned long hinted;

	z = fragmented_zone(&m);
	KT_ASSERT(z != NULL);
	KT_EXPECT_EQ(run_pass(&cc, z, 9, false), COMPACT_SUCCESS);
	hinted = hinted_blocks(z);
	KT_EXPECT(hinted > 0);
	/* The cycle has not ended: the hints are still good. */
	mm_kcompactd_kswapd_balanced(0);
	KT_EXPECT_EQ(hinted_blocks(z), hinted);
	KT_EXPECT(z->compact_cached_free_pfn != 0);
	/* A resumed pass meets: the cycle ended on hints. */
	KT_EXPECT_EQ(run_pass(&cc, z, -1, false), COMPACT_PARTIAL_SKIPPED);
	KT_EXPECT(z->compact_blockskip_flush);
	KT_EXPECT(hinted_blocks(z) > 0);
	mm_kcompactd_kswapd_balanced(0);
	KT_EXPECT_EQ(hinted_blocks(z), 0);
	KT_EXPECT(!z->compact_blockskip_flush);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
}

HTEST(kcompactd_starts_again_from_the_ends_when_a_resumed_pass_meets)
{
	struct mix m;
	struct zone *z;
	unsigned long mid;

	z = fragmented_zone(&m);
	KT_ASSERT(z != NULL);
	KT_EXPECT_EQ(free_blocks_of(z, 9), 0);
	/* Scanners left where they met in the middle of the zone, as a
	 * long run of requests leaves them: a pass resumed there meets at
	 * once without a block. kcompactd must not stop at that. */
	mid = (z->zone_start_pfn + z->spanned_pages / 2) & ~(pageblock_nr_pages - 1);
	z->compact_cached_migrate_pfn[0] = z->compact_cached_migrate_pfn[1] = mid;
	z->compact_cached_free_pfn = mid;
	mm_wakeup_kcompactd(9, ZONE_DMA32);
	KT_EXPECT(mm_kcompactd_do_work());
	KT_EXPECT(free_blocks_of(z, 9) >= 1);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
}

/* RAM [16, 48) and [80, 112) MiB: one DMA32 zone with a 32 MiB hole
 * (16 pageblocks of PG_reserved pages) in its middle. */
HTEST(pageblocks_without_ram_are_looked_at_once)
{
	struct memmap empty = { 0 };
	struct compact_control cc;
	unsigned long first;
	struct zone *z;

	mm_numa_reset();
	KT_ASSERT_EQ(host_ram_init(112 * MiB), 0);
	mm_memblock_init_from_memmap(&empty);
	mm_memblock_add(16 * MiB, 32 * MiB);
	mm_memblock_add(80 * MiB, 32 * MiB);
	KT_ASSERT_EQ(mm_init(), 0);
	mm_reclaim_init();
	mm_compact_zone_events_reset();
	mm_compaction_reset();
	z = dma32();
	KT_ASSERT_EQ(z->spanned_pages - z->present_pages, 32 * 256);
	/* Nothing allocated: the migrate scanner steps over free blocks in
	 * one look each, and the hole's pages one by one - the first time. */
	KT_EXPECT_EQ(run_pass(&cc, z, -1, true), COMPACT_COMPLETE);
	first = cc.migrate_scanned;
	KT_EXPECT(first >= 32 * 256);
	KT_EXPECT_EQ(run_pass(&cc, z, -1, true), COMPACT_COMPLETE);
	printf("# migrate scanner: %lu pfns, then %lu\n", first, cc.migrate_scanned);
	KT_EXPECT(cc.migrate_scanned < pageblock_nr_pages);
	EXPECT_MM_CLEAN();
}

/* RAM [5 GiB, 5 GiB + 256 MiB): one Normal zone, every pfn above 2^20;
 * the vmarea range sized from it (2x the arena), past the old 4 GiB. */
#define HIGH_START (5 * GiB)
#define HIGH_MIB 256
/* Measured once; any change to the allocator's or compaction's decisions
 * shows here first. */
#define HIGHALLOC_4G_VMAREA 22279UL
#define HIGHALLOC_4G_GOT 50UL
#define HIGHALLOC_4G_MIGRATED 11827UL

HTEST(highalloc_movable_above_4gib_is_deterministic)
{
	struct highalloc_result r;
	struct vmarea va;
	struct zone *z;
	unsigned long idx;

	KT_ASSERT_EQ(boot_flat(HIGH_START, HIGH_START + HIGH_MIB * MiB), 0);
	mm_reclaim_init();
	mm_vm_events_reset();
	compact_state_reset();
	z = zone_of(ZONE_NORMAL);
	KT_ASSERT(populated_zone(z));
	KT_EXPECT(z->zone_start_pfn >= (1UL << 20));
	KT_EXPECT_EQ(mm_vmap_nr_slots(), 2 * ((HIGH_START >> MM_PAGE_SHIFT) + HIGH_MIB * 256));

	/* An area larger than the old 4 GiB range, a page mapped past it. */
	KT_ASSERT_EQ(mm_vmarea_create(&va, (1UL << 20) + 4096, 0), 0);
	idx = (1UL << 20) + 1000;
	KT_ASSERT_EQ(mm_vmarea_populate(&va, idx), 0);
	page_pattern_fill(mm_vmarea_addr(&va, idx), 0x4747, idx, 1);
	KT_EXPECT_EQ(mm_vmarea_pte_pfn(&va, idx), page_to_pfn(mm_vmarea_page(&va, idx)));
	KT_EXPECT_EQ(page_pattern_check(mm_vmarea_addr(&va, idx), 0x4747, idx, 1), 0);
	mm_vmarea_destroy(&va);

	KT_ASSERT_EQ(highalloc_run_kind(&r, 1, HIGHALLOC_MOVABLE), 0);
	highalloc_print(&r, "host");
	KT_EXPECT_EQ(r.bad, 0);
	KT_EXPECT_EQ(r.reclaimed, 0);
	/* Fixed seed, one thread: the same counts on every run. */
	KT_EXPECT_EQ(r.vmarea, HIGHALLOC_4G_VMAREA);
	KT_EXPECT_EQ(r.got, HIGHALLOC_4G_GOT);
	KT_EXPECT_EQ(r.attempts, r.got + HIGHALLOC_GIVE_UP);
	KT_EXPECT_EQ(r.migrated, HIGHALLOC_4G_MIGRATED);
	/* Nearly every block the free pages could make; with targets off the
	 * free lists, the free scanner below the migrate scanner's work (the
	 * walk alone: 1.03 times; before skip hints: more than ten). */
	KT_EXPECT(r.got * 10 >= (r.free_before / pageblock_nr_pages) * 9);
	KT_EXPECT(r.free_scanned <= r.migrate_scanned);
	EXPECT_MM_CLEAN();
}

HTEST_MAIN("compaction_hints")
