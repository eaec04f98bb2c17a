/*
 * tests/host/test_memmap_init.c - mm_init() in two halves: memmap_init()
 * sets up zones and every struct page (all reserved, nothing free) while
 * memblock stays open; a reservation made between the two is kept from the
 * allocator exactly as one made before; mm_init() alone still does both;
 * a memmap_init() that fails leaves mm_init() failing too.
 */
#include <string.h>

#include "test_buddy_util.h"

#define LATE (20 * MiB) /* reserved after memmap_init */

/* RAM [16, 32) MiB: one zone, DMA32. */
static void ram_16_32(void)
{
	struct memmap empty = { 0 };

	mm_numa_reset();
	KT_ASSERT_EQ(host_ram_init(32 * MiB), 0);
	mm_memblock_init_from_memmap(&empty);
	mm_memblock_add(16 * MiB, 16 * MiB);
}

static unsigned long free_now(void)
{
	drain_all_pages(NULL);
	return nr_free_pages();
}

HTEST(memmap_init_sets_up_struct_pages_and_frees_nothing)
{
	struct zone *z = zone_of(ZONE_DMA32);

	ram_16_32();
	KT_ASSERT_EQ(memmap_init(), 0);
	KT_EXPECT_EQ(nr_free_pages(), 0);
	KT_EXPECT_EQ(z->zone_start_pfn, (16 * MiB) >> MM_PAGE_SHIFT);
	KT_EXPECT_EQ(z->present_pages, (16 * MiB) >> MM_PAGE_SHIFT);
	for (unsigned long pfn = z->zone_start_pfn; pfn < zone_end_pfn(z); pfn++)
		if (!PageFlag(pfn_to_page(pfn), PG_reserved) || page_zonenum(pfn_to_page(pfn)) != ZONE_DMA32) {
			KT_EXPECT(!"every struct page reserved, in DMA32");
			break;
		}
	KT_ASSERT_EQ(mm_init(), 0);
	KT_EXPECT(free_now() > 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(reservation_between_the_halves_is_kept_like_one_before)
{
	struct zone *z = zone_of(ZONE_DMA32);
	unsigned long managed_before, free_before, late_pfn = LATE >> MM_PAGE_SHIFT;

	/* Reference: the range reserved before mm_init. */
	ram_16_32();
	mm_memblock_reserve(LATE, 1 * MiB, "late");
	KT_ASSERT_EQ(mm_init(), 0);
	managed_before = z->managed_pages;
	free_before = free_now();

	/* The same range reserved between memmap_init and mm_init. */
	ram_16_32();
	KT_ASSERT_EQ(memmap_init(), 0);
	mm_memblock_reserve(LATE, 1 * MiB, "late");
	KT_ASSERT_EQ(mm_init(), 0);
	KT_EXPECT_EQ(z->managed_pages, managed_before);
	KT_EXPECT_EQ(free_now(), free_before);
	for (unsigned long pfn = late_pfn; pfn < late_pfn + (MiB >> MM_PAGE_SHIFT); pfn++)
		if (!PageFlag(pfn_to_page(pfn), PG_reserved)) {
			KT_EXPECT(!"late reservation reserved");
			break;
		}
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(mm_init_alone_still_does_both)
{
	ram_16_32();
	KT_ASSERT_EQ(mm_init(), 0);
	KT_EXPECT(free_now() > 0);
	/* A second boot without memmap_init: mm_init sets struct pages up again. */
	ram_16_32();
	KT_ASSERT_EQ(mm_init(), 0);
	KT_EXPECT(free_now() > 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(failed_memmap_init_leaves_mm_init_failing)
{
	struct memmap empty = { 0 };
	const char *out;

	mm_numa_reset();
	KT_ASSERT_EQ(host_ram_init(32 * MiB), 0);
	mm_memblock_init_from_memmap(&empty); /* no RAM at all */
	host_capture_start();
	KT_EXPECT_EQ(memmap_init(), -1);
	KT_EXPECT_EQ(mm_init(), -1);
	out = host_capture_stop();
	KT_EXPECT(strstr(out, "no usable memory") != NULL);
}

HTEST_MAIN("memmap_init")
