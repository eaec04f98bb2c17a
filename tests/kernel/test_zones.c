/*
 * tests/kernel/test_zones.c - self-tests of the zone layout on the machine
 * actually booted: each zone's span and present count follow from the
 * firmware's usable RAM (or from memblock when mem= cut it), managed pages
 * are exactly the unreserved ones, and RAM above 4 GiB lands in Normal -
 * for each node's zones, cut to the pfns that node owns.
 */
#include <stdint.h>

#include "kernel/ktest.h"
#include "kernel/main.h"
#include "mm/memblock.h"
#include "mm/memmap.h"
#include "mm/page.h"
#include "mm/util.h"
#include "mm/zone.h"

#define PFN_16M (16UL << (20 - MM_PAGE_SHIFT))
#define PFN_4G (4UL << (30 - MM_PAGE_SHIFT))

static const unsigned long zone_lo[MAX_NR_ZONES] = { 0, PFN_16M, PFN_4G };
static const unsigned long zone_hi[MAX_NR_ZONES] = { PFN_16M, PFN_4G, ~0UL };

/*
 * RAM as whole pfns: the firmware's usable ranges (main.c sanitized the map,
 * so they are page aligned) unless mem= shrank it, in which case memblock
 * holds what is left and test_memmap checks memblock against the map.
 */
static unsigned int ram_ranges(unsigned long *start, unsigned long *end, unsigned int max)
{
	unsigned int n = 0;

	if (kernel_opts.mem_limit) {
		for (unsigned int i = 0; i < memblock.memory.cnt && n < max; i++, n++) {
			start[n] = memblock.memory.regions[i].base >> MM_PAGE_SHIFT;
			end[n] = (memblock.memory.regions[i].base +
				  memblock.memory.regions[i].size) >>
				 MM_PAGE_SHIFT;
		}
		return n;
	}
	for (unsigned int i = 0; i < kernel_boot_info.map.nr && n < max; i++) {
		const struct memmap_entry *e = &kernel_boot_info.map.entry[i];

		if (e->type != MEMMAP_USABLE || !e->size)
			continue;
		start[n] = e->addr >> MM_PAGE_SHIFT;
		end[n] = (e->addr + e->size) >> MM_PAGE_SHIFT;
		n++;
	}
	return n;
}

static unsigned long rs[MEMMAP_MAX], re[MEMMAP_MAX];

KTEST(zones, spans_and_present_counts_follow_the_firmware_map)
{
	unsigned int n = ram_ranges(rs, re, MEMMAP_MAX);

	KT_ASSERT(n > 0);
	for (int nid = 0; nid < mm_nr_nodes; nid++) {
		unsigned long own_s, own_e;

		node_pfn_stretch(nid, &own_s, &own_e);
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			const struct zone *z = &NODE_DATA(nid)->node_zones[zi];
			unsigned long lo = zone_lo[zi] > own_s ? zone_lo[zi] : own_s;
			unsigned long hi = zone_hi[zi] < own_e ? zone_hi[zi] : own_e;
			unsigned long first = ~0UL, last = 0, present = 0;

			for (unsigned int i = 0; i < n; i++) {
				unsigned long s = rs[i] > lo ? rs[i] : lo;
				unsigned long e = re[i] < hi ? re[i] : hi;

				if (s >= e)
					continue;
				present += e - s;
				if (s < first)
					first = s;
				if (e > last)
					last = e;
			}
			ktest_diag("node %d %s: expect start %lu spanned %lu present %lu; zone says %lu %lu %lu",
				   nid, z->name, present ? first : 0, present ? last - first : 0,
				   present, z->zone_start_pfn, z->spanned_pages, z->present_pages);
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
KTEST(zones, managed_pages_are_exactly_the_unreserved_ram)
{
	static unsigned long free_in_zone[MAX_NUMNODES][MAX_NR_ZONES];
	uint64_t idx = 0, s, e;

	mm_memset(free_in_zone, 0, sizeof(free_in_zone));
	while (memblock_next_free_range(&idx, &s, &e)) {
		unsigned long ps = s >> MM_PAGE_SHIFT, pe = e >> MM_PAGE_SHIFT;

		for (int nid = 0; nid < mm_nr_nodes; nid++) {
			unsigned long own_s, own_e;

			node_pfn_stretch(nid, &own_s, &own_e);
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
KTEST(zones, struct_pages_name_the_zone_of_their_address)
{
	unsigned int n = ram_ranges(rs, re, MEMMAP_MAX);
	unsigned long checked = 0;

	for (unsigned int i = 0; i < n; i++) {
		unsigned long sample[3] = { rs[i], rs[i] + (re[i] - rs[i]) / 2, re[i] - 1 };

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

KTEST(zones, ram_above_4g_is_in_normal)
{
	unsigned int n = ram_ranges(rs, re, MEMMAP_MAX);
	unsigned long above = 0, normal_present = 0;
	struct zone *z;

	for (unsigned int i = 0; i < n; i++)
		if (re[i] > PFN_4G)
			above += re[i] - (rs[i] > PFN_4G ? rs[i] : PFN_4G);
	for_each_zone(z) {
		if (z->zone_idx == ZONE_NORMAL) {
			normal_present += z->present_pages;
			if (z->present_pages)
				KT_EXPECT(z->zone_start_pfn >= PFN_4G);
		} else if (z->spanned_pages) {
			KT_EXPECT(zone_end_pfn(z) <= PFN_4G);
		}
	}
	ktest_diag("%lu pages of RAM above 4 GiB; Normal zones have %lu present", above,
		   normal_present);
	KT_EXPECT_EQ(normal_present, above);
}
