/*
 * mm/selftest_zones.c - self-tests of the zone layout on the memory the
 * host handed over: each zone's span and present count follow from
 * memblock's RAM (the firmware's usable RAM, or what mem= left), managed pages
 * are exactly the unreserved ones, and RAM above 4 GiB lands in Normal -
 * for each node's zones, cut to the pfns that node owns.
 */
#include <stdint.h>

#include "memblock.h"
#include "page.h"
#include "selftest_check.h"
#include "util.h"
#include "zone.h"

#define PFN_16M (16UL << (20 - MM_PAGE_SHIFT))
#define PFN_4G (4UL << (30 - MM_PAGE_SHIFT))

static const unsigned long zone_lo[MAX_NR_ZONES] = { 0, PFN_16M, PFN_4G };
static const unsigned long zone_hi[MAX_NR_ZONES] = { PFN_16M, PFN_4G, ~0UL };

/*
 * RAM as whole pfns: memblock's memory, page aligned. The kernel's memmap
 * suite checks it is exactly the firmware's usable RAM (or what mem= left
 * of it), so the zones are checked against the firmware through it.
 */
static unsigned int ram_ranges(void)
{
	return mm_memblock.memory.cnt;
}

static unsigned long ram_start(unsigned int i)
{
	return mm_memblock.memory.regions[i].base >> MM_PAGE_SHIFT;
}

static unsigned long ram_end(unsigned int i)
{
	return (mm_memblock.memory.regions[i].base + mm_memblock.memory.regions[i].size) >> MM_PAGE_SHIFT;
}

static void spans_and_present_counts_follow_the_firmware_map(void)
{
	unsigned int n = ram_ranges();

	KT_ASSERT(n > 0);
	for (int nid = 0; nid < mm_nr_nodes; nid++) {
		unsigned long own_s, own_e;

		mm_node_pfn_stretch(nid, &own_s, &own_e);
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			const struct zone *z = &NODE_DATA(nid)->node_zones[zi];
			unsigned long lo = zone_lo[zi] > own_s ? zone_lo[zi] : own_s;
			unsigned long hi = zone_hi[zi] < own_e ? zone_hi[zi] : own_e;
			unsigned long first = ~0UL, last = 0, present = 0;

			for (unsigned int i = 0; i < n; i++) {
				unsigned long s = ram_start(i) > lo ? ram_start(i) : lo;
				unsigned long e = ram_end(i) < hi ? ram_end(i) : hi;

				if (s >= e)
					continue;
				present += e - s;
				if (s < first)
					first = s;
				if (e > last)
					last = e;
			}
			mm_selftest_diag("node %d %s: expect start %lu spanned %lu present %lu; zone says %lu %lu %lu",
					 nid, z->name, present ? first : 0,
					 present ? last - first : 0, present, z->zone_start_pfn,
					 z->spanned_pages, z->present_pages);
			KT_EXPECT_EQ(z->present_pages, present);
			if (present) {
				KT_EXPECT_EQ(z->zone_start_pfn, first);
				KT_EXPECT_EQ(z->spanned_pages, last - first);
			} else {
				KT_EXPECT_EQ(z->spanned_pages, 0);
			}
		}
	}
}

/* managed = the zone's pages that memblock left unreserved at mm_init()
 * (mm_init's own struct page array is reserved in memblock too). */
static void managed_pages_are_exactly_the_unreserved_ram(void)
{
	static unsigned long free_in_zone[MAX_NUMNODES][MAX_NR_ZONES];
	uint64_t idx = 0, s, e;

	mm_memset(free_in_zone, 0, sizeof(free_in_zone));
	while (mm_memblock_next_free_range(&idx, &s, &e)) {
		unsigned long ps = s >> MM_PAGE_SHIFT, pe = e >> MM_PAGE_SHIFT;

		for (int nid = 0; nid < mm_nr_nodes; nid++) {
			unsigned long own_s, own_e;

			mm_node_pfn_stretch(nid, &own_s, &own_e);
			for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
				unsigned long lo = zone_lo[zi] > own_s ? zone_lo[zi] : own_s;
				unsigned long hi = zone_hi[zi] < own_e ? zone_hi[zi] : own_e;
				unsigned long a = ps > lo ? ps : lo;
				unsigned long b = pe < hi ? pe : hi;

				if (a < b)
					free_in_zone[nid][zi] += b - a;
			}
		}
	}
	for (int nid = 0; nid < mm_nr_nodes; nid++) {
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			const struct zone *z = &NODE_DATA(nid)->node_zones[zi];

			KT_EXPECT_EQ(z->managed_pages, free_in_zone[nid][zi]);
			KT_EXPECT(z->managed_pages <= z->present_pages);
		}
	}
}

/* Every RAM page's struct page names the zone its address belongs to:
 * sampled at both ends and the middle of every range. */
static void struct_pages_name_the_zone_of_their_address(void)
{
	unsigned int n = ram_ranges();
	unsigned long checked = 0;

	for (unsigned int i = 0; i < n; i++) {
		unsigned long s = ram_start(i), e = ram_end(i);
		unsigned long sample[3] = { s, s + (e - s) / 2, e - 1 };

		for (int k = 0; k < 3; k++) {
			unsigned long pfn = sample[k];
			int want = pfn < PFN_16M  ? ZONE_DMA
				   : pfn < PFN_4G ? ZONE_DMA32
						  : ZONE_NORMAL;

			KT_ASSERT(pfn_valid(pfn));
			KT_EXPECT_EQ(page_zonenum(pfn_to_page(pfn)), want);
			checked++;
		}
	}
	KT_EXPECT(checked > 0);
}

static void ram_above_4g_is_in_normal(void)
{
	unsigned int n = ram_ranges();
	unsigned long above = 0, normal_present = 0;
	struct zone *z;

	for (unsigned int i = 0; i < n; i++)
		if (ram_end(i) > PFN_4G)
			above += ram_end(i) - (ram_start(i) > PFN_4G ? ram_start(i) : PFN_4G);
	for_each_zone(z) {
		if (z->zone_idx == ZONE_NORMAL) {
			normal_present += z->present_pages;
			if (z->present_pages)
				KT_EXPECT(z->zone_start_pfn >= PFN_4G);
		} else if (z->spanned_pages) {
			KT_EXPECT(zone_end_pfn(z) <= PFN_4G);
		}
	}
	mm_selftest_diag("%lu pages of RAM above 4 GiB; Normal zones have %lu present", above,
			 normal_present);
	KT_EXPECT_EQ(normal_present, above);
}

static const struct mm_selftest_case zones_cases[] = {
	MM_SELFTEST_CASE(spans_and_present_counts_follow_the_firmware_map),
	MM_SELFTEST_CASE(managed_pages_are_exactly_the_unreserved_ram),
	MM_SELFTEST_CASE(struct_pages_name_the_zone_of_their_address),
	MM_SELFTEST_CASE(ram_above_4g_is_in_normal),
};

const struct mm_selftest_suite mm_selftest_zones = { "zones", zones_cases,
						     sizeof(zones_cases) / sizeof(zones_cases[0]) };
