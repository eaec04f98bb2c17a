/*
 * tests/host/test_free_reserved.c - free_reserved_area(): reserved memory
 * (an "initrd" memblock kept away from the allocator at boot) given back
 * after mm_init(): whole pages only, managed counts and free pages grow,
 * the pages are handed out afterwards, poisoning, memblock's reserved
 * table follows (trimmed or split); and every bad call
 * (twice, overlapping free memory, a hole, reversed, a bad poison) is
 * refused with a message and changes nothing.
 */
#include <string.h>

#include "test_buddy_util.h"

#define INITRD (20 * MiB)

/* RAM [16, 24) MiB and [28, 32) MiB (a hole between), 1 MiB reserved at
 * INITRD. One zone: DMA32. */
static void initrd_boot(void)
{
	struct memmap empty = { 0 };

	mm_numa_reset();
	KT_ASSERT_EQ(host_ram_init(32 * MiB), 0);
	mm_memblock_init_from_memmap(&empty);
	mm_memblock_add(16 * MiB, 8 * MiB);
	mm_memblock_add(28 * MiB, 4 * MiB);
	mm_memblock_reserve(INITRD, 1 * MiB, "initrd");
	KT_ASSERT_EQ(mm_init(), 0);
	mm_debug_poison = false;
}

static void *va(uint64_t phys)
{
	return (char *)mm_pfn_to_virt((unsigned long)(phys >> MM_PAGE_SHIFT)) +
	       (phys & (MM_PAGE_SIZE - 1));
}

static bool reserved(uint64_t phys)
{
	return PageFlag(pfn_to_page((unsigned long)(phys >> MM_PAGE_SHIFT)), PG_reserved);
}

static unsigned long free_now(void)
{
	drain_all_pages(NULL);
	return nr_free_pages();
}

HTEST(whole_range_goes_back_and_is_handed_out)
{
	struct zone *z = zone_of(ZONE_DMA32);
	struct held_set s = { 0 };
	unsigned long managed, free0, n;
	const char *out;
	bool got_initrd_page = false;

	initrd_boot();
	managed = z->managed_pages;
	free0 = free_now();
	host_capture_start();
	n = free_reserved_area(va(INITRD), va(INITRD + MiB), -1, "initrd");
	out = host_capture_stop();
	KT_EXPECT_EQ(n, 256);
	KT_EXPECT(strstr(out, "Freeing initrd memory: 1024K") != NULL);
	KT_EXPECT_EQ(z->managed_pages, managed + 256);
	KT_EXPECT_EQ(free_now(), free0 + 256);
	KT_EXPECT(!reserved(INITRD) && !reserved(INITRD + MiB - MM_PAGE_SIZE));
	KT_EXPECT(!mm_memblock_is_reserved(INITRD) && !mm_memblock_is_reserved(INITRD + MiB - 1));
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	/* The allocator hands them out. */
	held_fill(&s, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 0);
	for (size_t i = 0; i < s.n; i++) {
		uint64_t phys = (uint64_t)page_to_pfn(s.v[i].page) << MM_PAGE_SHIFT;

		got_initrd_page |= phys >= INITRD && phys < INITRD + MiB;
	}
	KT_EXPECT(got_initrd_page);
	held_free_all(&s);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(partial_pages_at_either_end_stay_reserved)
{
	unsigned long n;

	initrd_boot();
	host_capture_start();
	n = free_reserved_area(va(INITRD + 100), va(INITRD + 8 * MM_PAGE_SIZE + 50), -1, NULL);
	host_capture_stop();
	/* Pages 1..7 of the range: page 0 and page 8 are shared with bytes
	 * outside [start, end). */
	KT_EXPECT_EQ(n, 7);
	KT_EXPECT(reserved(INITRD));
	KT_EXPECT(!reserved(INITRD + MM_PAGE_SIZE) && !reserved(INITRD + 7 * MM_PAGE_SIZE));
	KT_EXPECT(reserved(INITRD + 8 * MM_PAGE_SIZE));
	/* memblock's "initrd" region is split around the hole. */
	KT_EXPECT(mm_memblock_is_reserved(INITRD) && !mm_memblock_is_reserved(INITRD + MM_PAGE_SIZE));
	KT_EXPECT(!mm_memblock_is_reserved(INITRD + 8 * MM_PAGE_SIZE - 1));
	KT_EXPECT(mm_memblock_is_reserved(INITRD + 8 * MM_PAGE_SIZE) &&
		  mm_memblock_is_reserved(INITRD + MiB - 1));
	/* Less than a page: nothing, and no complaint. */
	KT_EXPECT_EQ(free_reserved_area(va(INITRD + 9 * MM_PAGE_SIZE + 1),
					va(INITRD + 10 * MM_PAGE_SIZE - 1), -1, NULL),
		     0);
	KT_EXPECT(reserved(INITRD + 9 * MM_PAGE_SIZE));
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(poison_fills_the_freed_pages)
{
	const unsigned char *b = va(INITRD + 2 * MM_PAGE_SIZE);
	size_t bad = 0;

	initrd_boot();
	memset(va(INITRD), 0x11, 4 * MM_PAGE_SIZE);
	host_capture_start();
	KT_EXPECT_EQ(free_reserved_area(va(INITRD), va(INITRD + 4 * MM_PAGE_SIZE), 0xa5, "init"),
		     4);
	host_capture_stop();
	for (size_t i = 0; i < MM_PAGE_SIZE; i++)
		bad += b[i] != 0xa5;
	KT_EXPECT_EQ(bad, 0);
	/* The next reserved page was not touched. */
	KT_EXPECT_EQ(*(const unsigned char *)va(INITRD + 4 * MM_PAGE_SIZE), 0);
}

/* A refused call: 0 pages, the reason printed, nothing changed. */
static void expect_refused(void *start, void *end, int poison, const char *reason)
{
	unsigned long free0 = free_now(), managed = zone_of(ZONE_DMA32)->managed_pages;
	const char *out;

	host_capture_start();
	KT_EXPECT_EQ(free_reserved_area(start, end, poison, "bad"), 0);
	out = host_capture_stop();
	KT_EXPECT(strstr(out, "free_reserved_area: bad") && strstr(out, reason) &&
		  strstr(out, "nothing freed"));
	if (!strstr(out, reason))
		ktest_diag("wanted '%s', got: %s", reason, out);
	KT_EXPECT_EQ(free_now(), free0);
	KT_EXPECT_EQ(zone_of(ZONE_DMA32)->managed_pages, managed);
}

HTEST(bad_calls_are_refused_and_change_nothing)
{
	initrd_boot();
	/* Reaching past the reservation into free memory: not even the
	 * reserved part goes back. */
	expect_refused(va(INITRD + MiB / 2), va(INITRD + 2 * MiB), -1,
		       "not reserved: the allocator owns it already");
	KT_EXPECT(reserved(INITRD + MiB / 2));
	KT_EXPECT(mm_memblock_is_reserved(INITRD + MiB / 2));
	/* The hole between the two RAM ranges is reserved in the memory map,
	 * but it is not RAM. */
	expect_refused(va(24 * MiB), va(24 * MiB + 4 * MM_PAGE_SIZE), -1, "not RAM");
	expect_refused(va(INITRD + MiB), va(INITRD), -1, "end lies before start");
	expect_refused(va(INITRD), va(INITRD + MiB), 0x100, "poison is not a byte value");
	/* A reserved page someone took a reference on is in use. */
	set_page_count(pfn_to_page(INITRD >> MM_PAGE_SHIFT), 2);
	expect_refused(va(INITRD), va(INITRD + MiB), -1, "in use");
	set_page_count(pfn_to_page(INITRD >> MM_PAGE_SHIFT), 1);
	/* The first call frees it; the same call again is refused. */
	host_capture_start();
	KT_EXPECT_EQ(free_reserved_area(va(INITRD), va(INITRD + MiB), -1, "initrd"), 256);
	host_capture_stop();
	expect_refused(va(INITRD), va(INITRD + MiB), -1, "not reserved");
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST_MAIN("free_reserved")
