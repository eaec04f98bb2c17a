/*
 * tests/host/test_compaction_free_lists.c - compaction's targets taken
 * straight off the free lists: what the finder takes and where, what it
 * costs against the free scanner's walk, and the free/migrate scanned
 * ratio of the highalloc benchmark at 512 MiB and above 4 GiB, with fixed
 * seeds and deterministic counts.
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

/* tests/data/e820/qemu-512m.txt's usable RAM (the walk alone: 2.01x). */
HTEST(highalloc_at_512mib_free_scanner_within_twice_the_migrate_scanner)
{
	static const uint64_t ram[2][2] = { { 0, 0x9f000 }, { 0x100000, 0x1ffe0000 } };

	mixed_highalloc(ram, 2, 221, 68210);
}

/* 384 MiB at 5 GiB: one Normal zone, every pfn above 2^20 (the walk
 * alone: 1.80x). */
HTEST(highalloc_above_4gib_free_scanner_within_twice_the_migrate_scanner)
{
	static const uint64_t ram[1][2] = { { 5 * GiB, 5 * GiB + 384 * MiB } };

	mixed_highalloc(ram, 1, 140, 44739);
}

HTEST_MAIN("compaction_free_lists")
