/*
 * tests/host/test_pbmap.c - host tests of the fragmentation map (mm/pbmap.c):
 * its cells add up to the zones' free and managed counts, follow single
 * allocations page by page, see free blocks larger than a pageblock, and
 * print in the documented line format.
 */
#include <stdio.h>

#include "test_buddy_util.h"
#include "mm/internal.h"
#include "mm/pbmap.h"

static int boot_512m(void)
{
	return boot_qemu_layout(512 * MiB, 6 * MiB);
}

/* Sum of a zone's cells; false if any cell is out of bounds. */
static bool zone_sums(struct zone *z, unsigned long *free, unsigned long *managed)
{
	struct pbmap_cell c;

	*free = *managed = 0;
	for (unsigned long i = 0; i < mm_pbmap_zone_blocks(z); i++) {
		if (!mm_pbmap_read_block(z, i, &c) || c.free > c.managed ||
		    c.managed > pageblock_nr_pages || !zone_spans_pfn(z, c.pfn))
			return false;
		*free += c.free;
		*managed += c.managed;
	}
	return true;
}

static struct pbmap_cell cell_of_pfn(unsigned long pfn)
{
	struct zone *z = page_zone(pfn_to_page(pfn));
	struct pbmap_cell c = { 0 };
	unsigned long i = (pfn >> pageblock_order) - (z->zone_start_pfn >> pageblock_order);

	mm_pbmap_read_block(z, i, &c);
	return c;
}

static void expect_sums_match_zones(void)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = zone_of(zi);
		unsigned long free, managed;

		KT_ASSERT(zone_sums(z, &free, &managed));
		KT_EXPECT_EQ(free, (unsigned long)zone_page_state(z, NR_FREE_PAGES));
		KT_EXPECT_EQ(managed, z->managed_pages);
	}
}

HTEST(fresh_map_adds_up_to_each_zones_free_and_managed_pages)
{
	KT_ASSERT_EQ(boot_512m(), 0);
	drain_all_pages(NULL);
	/* DMA [1, 4096): 8 blocks; DMA32 [4096, 131040): 248. */
	KT_EXPECT_EQ(mm_pbmap_zone_blocks(zone_of(ZONE_DMA)), 8);
	KT_EXPECT_EQ(mm_pbmap_zone_blocks(zone_of(ZONE_DMA32)), 248);
	KT_EXPECT_EQ(mm_pbmap_zone_blocks(zone_of(ZONE_NORMAL)), 0);
	expect_sums_match_zones();
}

HTEST(block_out_of_range_is_refused)
{
	struct pbmap_cell c;

	KT_ASSERT_EQ(boot_512m(), 0);
	KT_EXPECT(!mm_pbmap_read_block(zone_of(ZONE_DMA32), 248, &c));
	KT_EXPECT(!mm_pbmap_read_block(zone_of(ZONE_NORMAL), 0, &c));
	KT_EXPECT(mm_pbmap_read_block(zone_of(ZONE_DMA32), 247, &c));
	/* the last DMA32 block is cut at the zone's end, 0x1ffe0 */
	KT_EXPECT_EQ(c.pfn, 0x1fe00);
	KT_EXPECT(c.managed <= 0x1e0);
}

HTEST(second_half_of_an_order10_free_block_counts_as_free)
{
	struct zone *z;
	unsigned long head = 0;

	KT_ASSERT_EQ(boot_512m(), 0);
	z = zone_of(ZONE_DMA32);
	KT_ASSERT(z->free_area[MAX_ORDER - 1].nr_free > 0);
	/* Any order-10 free block: its second pageblock has no mark of its own. */
	for (int mt = 0; mt < MIGRATE_TYPES && !head; mt++) {
		struct list_head *l = &z->free_area[MAX_ORDER - 1].free_list[mt];

		if (!list_empty(l))
			head = page_to_pfn(list_first_entry(l, struct page, lru));
	}
	KT_ASSERT(head != 0);
	KT_EXPECT(!PageBuddy(pfn_to_page(head + pageblock_nr_pages)));
	KT_EXPECT_EQ(cell_of_pfn(head).free, 512);
	KT_EXPECT_EQ(cell_of_pfn(head + pageblock_nr_pages).free, 512);
}

HTEST(one_page_allocated_shows_as_one_page_less_in_its_block)
{
	struct page *p;
	struct pbmap_cell before, after;

	KT_ASSERT_EQ(boot_512m(), 0);
	p = alloc_page(GFP_KERNEL);
	KT_ASSERT(p != NULL);
	drain_all_pages(NULL); /* the refill batch goes back; only p stays */
	after = cell_of_pfn(page_to_pfn(p));
	__free_page(p);
	drain_all_pages(NULL);
	before = cell_of_pfn(page_to_pfn(p));
	KT_EXPECT_EQ(after.free + 1, before.free);
	KT_EXPECT_EQ(after.pfn, before.pfn);
	expect_sums_match_zones();
}

HTEST(order9_unmovable_allocation_fills_its_block)
{
	struct page *p;
	struct pbmap_cell c;

	KT_ASSERT_EQ(boot_512m(), 0);
	p = alloc_pages(GFP_KERNEL, pageblock_order);
	KT_ASSERT(p != NULL);
	c = cell_of_pfn(page_to_pfn(p));
	KT_EXPECT_EQ(c.free, 0);
	KT_EXPECT_EQ(c.managed, 512);
	/* a whole-block steal converts the block to the thief's type */
	KT_EXPECT_EQ(c.migratetype, MIGRATE_UNMOVABLE);
	__free_pages(p, pageblock_order);
	KT_EXPECT_EQ(cell_of_pfn(page_to_pfn(p)).free, 512);
}

HTEST(map_follows_a_random_mix_of_allocations)
{
	struct held_set s = { 0 };
	unsigned long seed = 12345;
	static const gfp_t gfps[] = { GFP_KERNEL, GFP_HIGHUSER_MOVABLE,
				      GFP_KERNEL | __GFP_RECLAIMABLE, GFP_DMA };

	KT_ASSERT_EQ(boot_512m(), 0);
	for (int i = 0; i < 20000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		unsigned int order = (seed >> 33) % 16 == 0 ? (seed >> 40) % MAX_ORDER : 0;
		struct page *p = alloc_pages(gfps[(seed >> 50) % 4] | __GFP_NOWARN, order);

		if (p)
			held_push(&s, p, order);
	}
	for (size_t i = 0; i < s.n; i += 2) /* free every other block */
		__free_pages(s.v[i].page, s.v[i].order);
	drain_all_pages(NULL);
	expect_sums_match_zones();
	for (size_t i = 1; i < s.n; i += 2) /* held blocks are not free */
		KT_EXPECT(cell_of_pfn(page_to_pfn(s.v[i].page)).free < 512);
	for (size_t i = 1; i < s.n; i += 2)
		__free_pages(s.v[i].page, s.v[i].order);
	free(s.v);
	drain_all_pages(NULL);
	expect_sums_match_zones();
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(printed_map_has_one_line_per_block_in_the_documented_format)
{
	const char *out, *line;
	unsigned long lines = 0, headers = 0, free_sum = 0;
	int ended = 0;

	KT_ASSERT_EQ(boot_512m(), 0);
	drain_all_pages(NULL);
	host_capture_start();
	mm_print_pbmap();
	out = host_capture_stop();
	for (line = out; *line; line = strchr(line, '\n') + 1) {
		char zone[16], mt[16];
		unsigned long pfn;
		unsigned int free, managed;

		KT_ASSERT(strchr(line, '\n') != NULL);
		if (!strncmp(line, "# pbmap zone ", 13))
			headers++;
		else if (!strncmp(line, "# pbmap end\n", 12))
			ended = 1;
		else if (line[0] != '#') {
			int got = sscanf(line, "pbmap %15s 0x%lx %15s %u %u", zone, &pfn, mt, &free,
					 &managed);

			KT_ASSERT_EQ(got, 5);
			KT_EXPECT(!strcmp(mt, "Movable") || !strcmp(mt, "Unmovable") ||
				  !strcmp(mt, "Reclaimable") || !strcmp(mt, "HighAtomic") ||
				  !strcmp(mt, "Isolate"));
			lines++;
			free_sum += free;
		}
	}
	KT_EXPECT_EQ(headers, 2);
	KT_EXPECT_EQ(lines, 8 + 248);
	KT_EXPECT_EQ(free_sum, nr_free_pages());
	KT_EXPECT(ended);
}

HTEST_MAIN("pbmap")
