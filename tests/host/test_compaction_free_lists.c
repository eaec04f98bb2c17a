/*
 * tests/host/test_compaction_free_lists.c - compaction's targets taken
 * straight off the free lists: what the finder takes and where, what it
 * costs against the free scanner's walk, and the free/migrate scanned
 * ratio of the highalloc benchmark at 512 MiB (mixed, then movable on the
 * same machine) and above 4 GiB, where the walk starts when the lists give
 * nothing, with fixed seeds and deterministic counts.
 */
#include "test_compaction_util.h"

#include "tests/kernel/highalloc_bench.h"
#include "mm/boot_reserve.h"
#include "mm/internal.h"
#include "mm/memmap.h"

#define ZONE_MIB 64

/* An order-9 movable request's pass in @z, the free scanner's walk only
 * (@linear) or the free lists first. */
static enum compact_result order9_pass(struct compact_control *cc, struct zone *z, bool linear)
{
	memset(cc, 0, sizeof(*cc));
	cc->zone = z;
	cc->order = 9;
	cc->migratetype = MIGRATE_MOVABLE;
	cc->alloc_flags = ALLOC_WMARK_MIN;
	cc->highest_zoneidx = z->zone_idx;
	cc->mode = MIGRATE_SYNC_LIGHT;
	cc->direct_compaction = true;
	cc->linear_free_scan = linear;
	return mm_compact_zone(cc);
}

/* Where each vmarea page of @m lies (0: none). */
static void va_pfns(struct mix *m, unsigned long *pfn)
{
	for (unsigned long i = 0; i < m->nr_slots; i++)
		pfn[i] = m->va_present[i] ? page_to_pfn(mm_vmarea_page(&m->va, i)) : 0;
}

HTEST(free_list_targets_cost_less_than_the_walk_and_lie_above_the_sources)
{
	struct compact_control cc[2];
	unsigned long *before, *after, moved = 0, down = 0;

	for (int linear = 1; linear >= 0; linear--) {
		struct compact_control *c = &cc[linear];
		struct mix m;
		struct zone *z;

		KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
		mix_fragment(&m, ZONE_MIB);
		z = dma32();
		before = calloc(m.nr_slots, sizeof(*before));
		after = calloc(m.nr_slots, sizeof(*after));
		KT_ASSERT(before && after);
		va_pfns(&m, before);
		/* The same fragmented zone both times (fixed seed). */
		KT_EXPECT_EQ(order9_pass(c, z, linear), COMPACT_SUCCESS);
		KT_EXPECT(c->nr_migrated > 0);
		va_pfns(&m, after);
		/* A migrated page goes to a target above its own pageblock,
		 * whichever way the target was found. */
		for (unsigned long i = 0; i < m.nr_slots; i++) {
			if (!before[i] || after[i] == before[i])
				continue;
			moved++;
			down += after[i] < (before[i] & ~(pageblock_nr_pages - 1)) + pageblock_nr_pages;
		}
		KT_EXPECT_EQ(mix_verify(&m), 0);
		free(before);
		free(after);
		mix_teardown(&m);
		EXPECT_MM_CLEAN();
	}
	printf("# walk: %lu pfns for %lu targets; free lists: %lu for %lu (%lu off the lists)\n",
	       cc[1].free_scanned, cc[1].nr_isolated_free, cc[0].free_scanned,
	       cc[0].nr_isolated_free, cc[0].nr_fast_isolated);
	KT_EXPECT(moved > 0);
	KT_EXPECT_EQ(down, 0);
	KT_EXPECT_EQ(cc[1].nr_fast_isolated, 0);
	KT_EXPECT(cc[0].nr_fast_isolated > 0);
	KT_EXPECT_EQ(cc[0].nr_fast_isolated, cc[0].nr_isolated_free);
	/* The walk reads every allocated page of the blocks it fills; the
	 * lists cost a look per block taken, and a few passed over. */
	KT_EXPECT(cc[1].free_scanned > 2 * cc[1].nr_isolated_free);
	KT_EXPECT(cc[0].free_scanned < 2 * cc[0].nr_isolated_free);
	KT_EXPECT(cc[0].free_scanned < cc[1].free_scanned);
}

HTEST(whole_zone_compaction_keeps_the_walk)
{
	struct compact_control cc;
	struct mix m;
	struct zone *z;

	KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
	mix_fragment(&m, ZONE_MIB);
	z = dma32();
	/* No order (compact_memory's pass): nothing is too big to break and
	 * the pass runs until the scanners meet; its targets come by the
	 * walk, block after block from the top. */
	order9_pass(&cc, z, false);
	cc.order = -1;
	cc.direct_compaction = false;
	cc.whole_zone = true;
	KT_EXPECT_EQ(mm_compact_zone(&cc), COMPACT_COMPLETE);
	KT_EXPECT(cc.nr_isolated_free > 0);
	KT_EXPECT_EQ(cc.nr_fast_isolated, 0);
	KT_EXPECT(free_blocks_of(z, 9) > 0);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	mix_teardown(&m);
	EXPECT_MM_CLEAN();
}

/*
 * Vmarea pages in @z until it is at its high watermark, then every block
 * still free held with @hold_gfp: no free page anywhere. *@n is the
 * number of vmarea slots filled, 0 if a step failed (reported).
 */
static void fill_then_hold(struct mix *m, struct zone *z, gfp_t hold_gfp, unsigned long *n)
{
	unsigned long i;

	*n = 0;
	for (i = 0; i < m->nr_slots && nr_free_pages() > high_wmark_pages(z) + 32; i++) {
		KT_ASSERT_EQ(mm_vmarea_populate(&m->va, i), 0);
		KT_ASSERT_EQ(va_write(m, i), 0);
		m->va_present[i] = true;
	}
	for (int o = MAX_ORDER - 1; o >= 0; o--)
		while (z->free_area[o].nr_free) {
			struct page *p = alloc_pages(__GFP_DMA32 | hold_gfp | __GFP_MEMALLOC |
							     __GFP_NOWARN, (unsigned int)o);

			KT_ASSERT(p && page_zone(p) == z);
			held_push(&m->unmovable, p, (unsigned int)o);
		}
	*n = i;
}

/*
 * The shape the kernel's movable benchmark runs into after its mixed one:
 * the lists' oldest entries (their tails, where the finder reads) all lie
 * below the migrate scanner, the top of the zone has no free page left
 * (the finder mined it), and the free pages above the migrate scanner sit
 * deep in the lists, in the upper half's lower part. The finder gives
 * nothing; the walk that follows starts at the upper half's bound, not at
 * the zone's end: it does not read the mined blocks page by page again.
 */
HTEST(walk_after_empty_free_lists_skips_the_mined_upper_half)
{
	struct compact_control cc;
	struct mix m;
	struct zone *z;
	unsigned long start, end, mid, three_q, n, taken = 0, freed_low = 0, freed_up = 0;

	KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
	z = dma32();
	KT_ASSERT_EQ(mix_init(&m, ZONE_MIB * 256), 0);
	/* Vmarea pages only, until the zone is at its high watermark; what
	 * the fill left free is held too: no free page anywhere yet. */
	fill_then_hold(&m, z, __GFP_MOVABLE, &n);
	KT_ASSERT(n > 0);
	start = (z->zone_start_pfn + pageblock_nr_pages - 1) & ~(pageblock_nr_pages - 1);
	end = zone_end_pfn(z) & ~(pageblock_nr_pages - 1);
	mid = (start + (end - start) / 2) & ~(pageblock_nr_pages - 1);
	three_q = (mid + (end - mid) / 2) & ~(pageblock_nr_pages - 1);
	/* Every other page below the middle freed first (the lists' tails),
	 * then every other page of [mid, 3/4) (their heads); the top quarter
	 * stays full. Every other page: nothing merges, all are order 0. */
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned long i = 0; i < n; i++) {
			unsigned long pfn = page_to_pfn(mm_vmarea_page(&m.va, i));
			bool low = pfn >= start && pfn < mid, up = pfn >= mid && pfn < three_q;

			if (!m.va_present[i] || (pfn & 1) || !(pass ? up : low))
				continue;
			mm_vmarea_unpopulate(&m.va, i);
			m.va_present[i] = false;
			pass ? freed_up++ : freed_low++;
		}
		drain_all_pages(NULL);
	}
	KT_ASSERT(freed_low > 1000 && freed_up > pageblock_nr_pages);
	/* A pass resuming with the migrate scanner at the middle. */
	z->compact_cached_migrate_pfn[0] = z->compact_cached_migrate_pfn[1] = mid;
	z->compact_cached_free_pfn = 0;
	KT_EXPECT_EQ(order9_pass(&cc, z, false), COMPACT_SUCCESS);
	taken = cc.nr_isolated_free;
	printf("# freed %lu low, %lu up; migrate scanned %lu, free scanned %lu, %lu targets "
	       "(%lu off the lists), %lu migrated\n",
	       freed_low, freed_up, cc.migrate_scanned, cc.free_scanned, taken,
	       cc.nr_fast_isolated, cc.nr_migrated);
	KT_EXPECT(cc.nr_migrated > 0);
	KT_EXPECT_EQ(cc.nr_fast_isolated, 0);
	/* The walk read the upper half's lower part, not the mined top, and
	 * the blocks it passed over count as skipped (no "complete" verdict
	 * could come of this pass). */
	KT_EXPECT(cc.free_scanned < three_q - mid);
	KT_EXPECT(cc.nr_hint_skipped > 0);
	/* Deterministic: the walk from the zone's end read 4743 pfns. */
	KT_EXPECT_EQ(cc.migrate_scanned, 513);
	KT_EXPECT_EQ(cc.free_scanned, 1109);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	mix_teardown(&m);
	EXPECT_MM_CLEAN();
}

/*
 * Free pages only in unmovable pageblocks: a free block sits on its
 * pageblock's list, so with the movable lists below pageblock_order empty
 * no walk can find a target. The pass ends without reading the zone page
 * by page (the walk read 7,695 pfns here before it met the migrate scanner),
 * with the same outcome: nothing migrated, every page where it was.
 */
HTEST(no_movable_free_page_ends_the_pass_without_a_walk)
{
	struct compact_control cc;
	struct held_set early = { 0 }, kept = { 0 };
	struct mix m;
	struct zone *z;
	unsigned long n, freed = 0;

	KT_ASSERT_EQ(compact_boot(ZONE_MIB), 0);
	z = dma32();
	KT_ASSERT_EQ(mix_init(&m, ZONE_MIB * 256), 0);
	/* Two pageblocks' worth of kernel pages first: unmovable pageblocks. */
	for (int i = 0; i < 2 * (int)pageblock_nr_pages; i++) {
		struct page *p = alloc_pages(GFP_KERNEL | __GFP_DMA32 | __GFP_NOWARN, 0);

		KT_ASSERT(p && page_zone(p) == z);
		held_push(&early, p, 0);
	}
	/* Then vmarea pages, and whatever is left held as well. */
	fill_then_hold(&m, z, 0, &n);
	KT_ASSERT(n > 0);
	/* Every other early page that lies in an unmovable pageblock goes
	 * back: free pages, none of which can be a target. */
	for (size_t i = 0; i < early.n; i++) {
		unsigned long pfn = page_to_pfn(early.v[i].page);

		if (!(pfn & 1) && mm_get_pageblock_migratetype(pfn) == MIGRATE_UNMOVABLE) {
			__free_page(early.v[i].page);
			freed++;
		} else {
			held_push(&kept, early.v[i].page, 0);
		}
	}
	free(early.v);
	drain_all_pages(NULL);
	KT_ASSERT(freed > pageblock_nr_pages / 2);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		KT_ASSERT(list_empty(&z->free_area[o].free_list[MIGRATE_MOVABLE]));
	order9_pass(&cc, z, false);
	printf("# freed %lu in unmovable pageblocks; migrate scanned %lu, isolated %lu, free "
	       "scanned %lu, migrated %lu\n",
	       freed, cc.migrate_scanned, cc.nr_isolated_migrate, cc.free_scanned, cc.nr_migrated);
	KT_EXPECT(cc.nr_isolated_migrate > 0);
	KT_EXPECT_EQ(cc.nr_migrated, 0);
	KT_EXPECT_EQ(cc.free_scanned, 0);
	KT_EXPECT(cc.scanners_met);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	held_free_all(&kept);
	mix_teardown(&m);
	EXPECT_MM_CLEAN();
}

/* Boot the usable ranges @r[@n] as mmsim boots a map: the pretend kernel
 * image reserved at 2 MiB, reclaim set up, every counter at zero. */
static int boot_ranges(const uint64_t (*r)[2], int n)
{
	struct memmap map = { 0 };

	mm_numa_reset();
	for (int i = 0; i < n; i++)
		if (mm_memmap_add(&map, r[i][0], r[i][1] - r[i][0], MEMMAP_USABLE))
			return -1;
	if (mm_memmap_sanitize(&map) || mm_memblock_init_from_memmap(&map) ||
	    mm_reserve_boot_ranges(NULL, 2 * MiB, 4 * MiB) ||
	    host_ram_init(mm_memblock_end_of_ram()) || mm_init())
		return -1;
	mm_reclaim_init();
	mm_vm_events_reset();
	compact_state_reset();
	return 0;
}

/* The mixed benchmark (page cache, vmarea and unmovable pages) on @r, seed
 * 1: at least 90% of the blocks, the free scanner within twice the
 * migrate scanner's work, and the same counts on every run. */
static void mixed_highalloc(const uint64_t (*r)[2], int n, unsigned long want_got,
			    unsigned long want_migrated)
{
	struct highalloc_result res;

	KT_ASSERT_EQ(boot_ranges(r, n), 0);
	KT_ASSERT_EQ(highalloc_run_kind(&res, 1, HIGHALLOC_MIXED), 0);
	highalloc_print(&res, "host");
	KT_EXPECT_EQ(res.bad, 0);
	KT_EXPECT(res.got * 10 >= res.max_issue * 9);
	KT_EXPECT(res.free_scanned <= 2 * res.migrate_scanned);
	KT_EXPECT_EQ(res.got, want_got);
	KT_EXPECT_EQ(res.migrated, want_migrated);
	EXPECT_MM_CLEAN();
}

/* tests/data/e820/qemu-512m.txt's usable RAM (the walk alone: 2.01x);
 * then, on the same machine, the movable benchmark, as the kernel's suite
 * runs both in one boot: the mixed run leaves the free lists in an order
 * where the finder meets more pages below the migrate scanner than after
 * a fresh boot (here 1.59x, 39,329 pages migrated; 1.66x and 39,017
 * before the walk started at the upper half's bound). */
HTEST(highalloc_at_512mib_free_scanner_within_twice_the_migrate_scanner)
{
	static const uint64_t ram[2][2] = { { 0, 0x9f000 }, { 0x100000, 0x1ffe0000 } };
	struct highalloc_result res;

	mixed_highalloc(ram, 2, 221, 68210);
	KT_ASSERT_EQ(highalloc_run_kind(&res, 1, HIGHALLOC_MOVABLE), 0);
	highalloc_print(&res, "host");
	KT_EXPECT_EQ(res.bad, 0);
	KT_EXPECT(res.free_scanned <= 2 * res.migrate_scanned);
	KT_EXPECT_EQ(res.got, 133);
	KT_EXPECT_EQ(res.migrated, 39329);
	EXPECT_MM_CLEAN();
}

/* 384 MiB at 5 GiB: one Normal zone, every pfn above 2^20 (the walk
 * alone: 1.80x). */
HTEST(highalloc_above_4gib_free_scanner_within_twice_the_migrate_scanner)
{
	static const uint64_t ram[1][2] = { { 5 * GiB, 5 * GiB + 384 * MiB } };

	mixed_highalloc(ram, 1, 140, 44739);
}

HTEST_MAIN("compaction_free_lists")
