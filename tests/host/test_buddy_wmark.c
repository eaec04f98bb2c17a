/*
 * tests/host/test_buddy_wmark.c - watermarks, lowmem reserves and per-CPU
 * sizes at QEMU's 512 MiB compared with Linux 6.1's own /proc/zoneinfo
 * (../shared/README.md), and the min_free_kbytes formula and clamp.
 */
#include "test_buddy_util.h"

/* Boot 512 MiB with the DMA32 reservations sized so that DMA32 ends up
 * with @dma32_managed pages (DMA keeps Linux's 3840). */
static int boot_512m_managed(unsigned long dma32_managed)
{
	unsigned long memmap_pages = (0x1ffe0UL * sizeof(struct page) + 4095) / 4096;
	unsigned long kernel_pages = 126944 - dma32_managed - memmap_pages - 1;

	return boot_qemu_layout(512 * MiB, (uint64_t)kernel_pages << 12);
}

static void expect_zone(int zi, unsigned long min, unsigned long low, unsigned long high,
			long prot1, long prot2, int tol_pct)
{
	struct zone *z = zone_of(zi);
	const unsigned long got[5] = { min_wmark_pages(z), low_wmark_pages(z), high_wmark_pages(z),
				       (unsigned long)z->lowmem_reserve[1],
				       (unsigned long)z->lowmem_reserve[2] };
	const unsigned long want[5] = { min, low, high, (unsigned long)prot1,
					(unsigned long)prot2 };
	static const char *const what[5] = { "min", "low", "high", "protection[1]",
					     "protection[2]" };

	for (int i = 0; i < 5; i++) {
		unsigned long diff = got[i] > want[i] ? got[i] - want[i] : want[i] - got[i];

		if (diff * 100 > want[i] * (unsigned long)tol_pct)
			ktest_fail(__FILE__, __LINE__, "%s %s: %lu, Linux %lu (tolerance %d%%)",
				   z->name, what[i], got[i], want[i], tol_pct);
	}
}

/* Linux computed its watermarks when DMA32 had 113809 managed pages
 * (2744^2 / 16 KiB = 117649 pages in all): with those counts our rules
 * must give exactly its figures. */
HTEST(watermarks_equal_linux_at_its_early_managed_counts)
{
	KT_ASSERT_EQ(boot_512m_managed(113809), 0);
	KT_EXPECT_EQ(zone_of(ZONE_DMA)->managed_pages, 3840);
	KT_EXPECT_EQ(zone_of(ZONE_DMA32)->managed_pages, 113809);
	KT_EXPECT_EQ(mm_min_free_kbytes, 2744);
	expect_zone(ZONE_DMA, 22, 27, 32, 444, 444, 0);
	expect_zone(ZONE_DMA32, 663, 828, 993, 0, 0, 0);
	expect_zone(ZONE_NORMAL, 0, 0, 0, 0, 0, 0);
}

/* With Linux's final managed counts (after it freed initrd and __init
 * memory, which it does after computing watermarks) we are about 1% above
 * (protection 2%): allow 3%. */
HTEST(watermarks_close_to_linux_at_its_final_managed_counts)
{
	KT_ASSERT_EQ(boot_512m_managed(116231), 0);
	KT_EXPECT_EQ(zone_of(ZONE_DMA32)->managed_pages, 116231);
	KT_EXPECT(mm_min_free_kbytes >= 2744 && mm_min_free_kbytes <= 2744 * 103 / 100);
	ktest_diag("min_free_kbytes %d (Linux 2744); DMA32 min/low/high %lu/%lu/%lu (663/828/993)",
		   mm_min_free_kbytes, min_wmark_pages(zone_of(ZONE_DMA32)),
		   low_wmark_pages(zone_of(ZONE_DMA32)), high_wmark_pages(zone_of(ZONE_DMA32)));
	expect_zone(ZONE_DMA, 22, 27, 32, 444, 444, 3);
	expect_zone(ZONE_DMA32, 663, 828, 993, 0, 0, 3);
}

HTEST(pcp_batch_and_high_follow_linux_rules)
{
	KT_ASSERT_EQ(boot_512m_managed(116231), 0);
	/* 116231 >> 10 = 113; / 4 = 28; 28 + 14 = 42 -> 32 - 1 */
	KT_EXPECT_EQ(zone_of(ZONE_DMA32)->pcp[0].batch, 31);
	KT_EXPECT_EQ(zone_of(ZONE_DMA32)->pcp[0].high, (int)low_wmark_pages(zone_of(ZONE_DMA32)));
	KT_EXPECT_EQ(zone_of(ZONE_DMA)->pcp[0].batch, 1);
}

HTEST(min_free_kbytes_is_sqrt_16x_lowmem_and_clamped)
{
	/* 16 MiB of RAM: sqrt(16 * ~16000) ~ 506 */
	KT_ASSERT_EQ(boot_flat(0, 16 * MiB), 0);
	unsigned long kb = nr_free_pages() * 4;
	unsigned long want = 0;
	while ((want + 1) * (want + 1) <= kb * 16)
		want++;
	KT_EXPECT_EQ((unsigned long)mm_min_free_kbytes, want);
	/* 1 MiB: the formula gives ~ 126, clamped up to 128 */
	KT_ASSERT_EQ(boot_flat(0, 1 * MiB), 0);
	KT_EXPECT_EQ(mm_min_free_kbytes, 128);
	/* zones' min add up to min_free_kbytes / 4 (rounded down per zone) */
	KT_ASSERT_EQ(boot_qemu_layout(4 * GiB + 512 * MiB, 6 * MiB), 0);
	unsigned long sum = 0;
	struct zone *z;
	for_each_zone(z)
		sum += min_wmark_pages(z);
	KT_EXPECT(sum <= (unsigned long)mm_min_free_kbytes / 4);
	KT_EXPECT(sum + MAX_NR_ZONES >= (unsigned long)mm_min_free_kbytes / 4);
	/* Normal's reserve ratio 32 does not apply (nothing above Normal);
	 * DMA32 keeps Normal's managed / 256 from Normal requests */
	KT_EXPECT_EQ(zone_of(ZONE_DMA32)->lowmem_reserve[ZONE_NORMAL],
		     (long)(zone_of(ZONE_NORMAL)->managed_pages / 256));
	KT_EXPECT_EQ(zone_of(ZONE_DMA)->lowmem_reserve[ZONE_NORMAL],
		     (long)((zone_of(ZONE_NORMAL)->managed_pages +
			     zone_of(ZONE_DMA32)->managed_pages) /
			    256));
	KT_EXPECT_EQ(zone_of(ZONE_NORMAL)->lowmem_reserve[ZONE_NORMAL], 0);
}

HTEST_MAIN("buddy_wmark")
