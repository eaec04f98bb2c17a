/*
 * tests/host/test_nofragment.c - Linux's ALLOC_NOFRAGMENT in mm/: a request
 * that starts in Normal, with DMA32 below it, goes to DMA32's own free
 * lists before it mixes migratetypes inside a Normal pageblock; with no
 * other zone to go to, the fallback below a pageblock is still taken.
 */
#include "test_buddy_util.h"

/* One unmovable page claims a whole Normal pageblock for unmovable pages
 * (a whole-pageblock fallback): the rest of that pageblock stays free on
 * the unmovable lists. Returns the page. */
static struct page *claim_unmovable_pageblock(void)
{
	struct page *p = alloc_pages(GFP_KERNEL, 0);

	KT_EXPECT(p != NULL && page_zone(p)->zone_idx == ZONE_NORMAL);
	return p;
}

/* Movable pages until one comes from outside Normal (or none comes);
 * every page is kept in @held. Returns the last page's zone index, -1 if
 * the allocation failed. */
static int movable_until_normal_is_left(struct held_set *held)
{
	for (;;) {
		struct page *p = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0);

		if (!p)
			return -1;
		held_push(held, p, 0);
		if (page_zone(p)->zone_idx != ZONE_NORMAL)
			return page_zone(p)->zone_idx;
	}
}

/* 3.5 GiB + 64 MiB: DMA32 up to 3 GiB, a 576 MiB Normal zone above 4 GiB. */
HTEST(movable_request_spreads_to_dma32_before_fragmenting_normal)
{
	struct held_set held = { 0 };
	unsigned long frag0, normal_free;
	struct page *unmovable;
	int zi;

	KT_ASSERT_EQ(boot_qemu_layout(3 * GiB + 576 * MiB, 16 * MiB), 0);
	KT_ASSERT(zone_of(ZONE_NORMAL)->managed_pages > 0);
	frag0 = mm_global_vm_event(EXTFRAG_FRAGMENTING);
	unmovable = claim_unmovable_pageblock();
	zi = movable_until_normal_is_left(&held);
	normal_free = zone_page_state(zone_of(ZONE_NORMAL), NR_FREE_PAGES);
	ktest_diag("%zu movable pages before one came from zone %d; Normal has %lu free pages",
		   held.n, zi, normal_free);
	/* Normal's own movable blocks ran out while its unmovable pageblock
	 * still had hundreds of free pages above the watermarks: the next
	 * movable page came from DMA32, not from that pageblock. */
	KT_EXPECT_EQ(zi, ZONE_DMA32);
	KT_EXPECT(normal_free > 256);
	KT_EXPECT_EQ(mm_global_vm_event(EXTFRAG_FRAGMENTING) - frag0, 0);
	held_free_all(&held);
	__free_pages(unmovable, 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

/* A single Normal zone (RAM only above 4 GiB): nowhere to spread to, so
 * the movable request falls back into the unmovable pageblock, as before. */
HTEST(single_zone_still_falls_back_below_a_pageblock)
{
	struct held_set held = { 0 };
	unsigned long frag0;
	struct page *unmovable;
	int zi;

	KT_ASSERT_EQ(boot_flat(4 * GiB, 4 * GiB + 64 * MiB), 0);
	KT_ASSERT_EQ(zone_of(ZONE_DMA32)->managed_pages, 0);
	frag0 = mm_global_vm_event(EXTFRAG_FRAGMENTING);
	unmovable = claim_unmovable_pageblock();
	zi = movable_until_normal_is_left(&held);
	KT_EXPECT_EQ(zi, -1);
	KT_EXPECT(mm_global_vm_event(EXTFRAG_FRAGMENTING) - frag0 > 0);
	held_free_all(&held);
	__free_pages(unmovable, 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST_MAIN("nofragment")
