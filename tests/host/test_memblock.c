/*
 * tests/host/test_memblock.c - host tests of mm/memblock.c: merging,
 * alignment, top-down allocation, the free-range walk and mem= limits,
 * checked against a page bitmap model on random inputs.
 */
#include <stdint.h>
#include <string.h>

#include "htest.h"
#include "mm/memblock.h"

#define PG 4096ull

static void reset(void)
{
	struct memmap empty = { 0 };

	mm_memblock_init_from_memmap(&empty);
}

HTEST(memblock_add_merges_overlapping_and_adjacent)
{
	reset();
	KT_ASSERT_EQ(mm_memblock_add(0x1000, 0x3000), 0);
	KT_ASSERT_EQ(mm_memblock_add(0x10000, 0x1000), 0);
	KT_ASSERT_EQ(mm_memblock_add(0x4000, 0x2000), 0); /* adjacent to the first */
	KT_ASSERT_EQ(mm_memblock_add(0x2000, 0x1000), 0); /* contained */
	KT_EXPECT_EQ(mm_memblock.memory.cnt, 2);
	KT_EXPECT_EQ(mm_memblock.memory.regions[0].base, 0x1000);
	KT_EXPECT_EQ(mm_memblock.memory.regions[0].size, 0x5000);
	KT_ASSERT_EQ(mm_memblock_add(0x5000, 0xb000), 0); /* bridges both */
	KT_EXPECT_EQ(mm_memblock.memory.cnt, 1);
	KT_EXPECT_EQ(mm_memblock.memory.regions[0].size, 0x10000);
	KT_EXPECT_EQ(mm_memblock_end_of_ram(), 0x11000);
}

HTEST(memblock_add_trims_partial_pages_inward)
{
	reset();
	KT_ASSERT_EQ(mm_memblock_add(0x1001, 0x2ffe), 0); /* 0x1001..0x3fff: one whole page */
	KT_EXPECT_EQ(mm_memblock.memory.cnt, 1);
	KT_EXPECT_EQ(mm_memblock.memory.regions[0].base, 0x2000);
	KT_EXPECT_EQ(mm_memblock.memory.regions[0].size, 0x1000);
	KT_ASSERT_EQ(mm_memblock_add(0x5001, 0xffe), 0); /* no whole page at all */
	KT_EXPECT_EQ(mm_memblock.memory.cnt, 1);
	KT_ASSERT_EQ(mm_memblock_add(0xfffffffffffff800ull, 0x1000), 0); /* wraps: ignored */
	KT_EXPECT_EQ(mm_memblock.memory.cnt, 1);
}

HTEST(memblock_reserve_aligns_outward_and_keeps_owners_apart)
{
	reset();
	KT_ASSERT_EQ(mm_memblock_reserve(0x1800, 0x10, "a"), 0);
	KT_EXPECT_EQ(mm_memblock.reserved.regions[0].base, 0x1000);
	KT_EXPECT_EQ(mm_memblock.reserved.regions[0].size, 0x1000);
	KT_ASSERT_EQ(mm_memblock_reserve(0x2000, 0x1000, "a"), 0); /* same owner: merges */
	KT_EXPECT_EQ(mm_memblock.reserved.cnt, 1);
	KT_EXPECT_EQ(mm_memblock.reserved.regions[0].size, 0x2000);
	KT_ASSERT_EQ(mm_memblock_reserve(0x3000, 0x1000, "b"), 0); /* other owner: apart */
	KT_EXPECT_EQ(mm_memblock.reserved.cnt, 2);
	KT_EXPECT(strcmp(mm_memblock.reserved.regions[1].name, "b") == 0);
	/* overlapping both: only the uncovered part is added, never counted twice */
	KT_ASSERT_EQ(mm_memblock_reserve(0x0, 0x6000, "c"), 0);
	KT_EXPECT_EQ(mm_memblock_reserved_size(), 0x6000);
	KT_EXPECT_EQ(mm_memblock.reserved.cnt, 4);
	for (unsigned int i = 1; i < mm_memblock.reserved.cnt; i++)
		KT_EXPECT(mm_memblock.reserved.regions[i - 1].base +
				  mm_memblock.reserved.regions[i - 1].size <=
			  mm_memblock.reserved.regions[i].base);
	KT_EXPECT(mm_memblock_is_reserved(0x5fff));
	KT_EXPECT(!mm_memblock_is_reserved(0x6000));
}

HTEST(memblock_alloc_is_top_down_aligned_and_reserved)
{
	reset();
	mm_memblock_add(0, 0x100000);
	mm_memblock_add(0x200000, 0x100000);
	uint64_t a = mm_memblock_phys_alloc(0x1000, 0x1000, "t1");
	KT_EXPECT_EQ(a, 0x2ff000);
	uint64_t b = mm_memblock_phys_alloc(0x1800, 0x1000, "t2"); /* rounds to 2 pages */
	KT_EXPECT_EQ(b, 0x2fd000);
	uint64_t c = mm_memblock_phys_alloc(0x1000, 0x10000, "t3");
	KT_EXPECT_EQ(c, 0x2f0000);
	KT_EXPECT(mm_memblock_is_reserved(a) && mm_memblock_is_reserved(b + 0x1000) &&
		  mm_memblock_is_reserved(c));
	KT_EXPECT_EQ(mm_memblock_reserved_size(), 0x4000);
	/* a bad alignment is refused */
	KT_EXPECT_EQ(mm_memblock_phys_alloc(0x1000, 0x3000, "bad"), 0);
	/* below a bound */
	uint64_t d = mm_memblock_phys_alloc_below(0x2000, 0x1000, 0x80000, "low");
	KT_EXPECT_EQ(d, 0x7e000);
	mm_memblock.current_limit = 0x50000;
	KT_EXPECT_EQ(mm_memblock_phys_alloc(0x1000, 0, "lim"), 0x4f000);
}

HTEST(memblock_alloc_never_returns_page_0)
{
	reset();
	mm_memblock_add(0, 0x2000);
	KT_EXPECT_EQ(mm_memblock_phys_alloc(0x1000, 0x1000, "x"), 0x1000);
	KT_EXPECT_EQ(mm_memblock_phys_alloc(0x1000, 0x1000, "y"), 0);
	KT_EXPECT(!mm_memblock_is_reserved(0));
	KT_EXPECT_EQ(mm_memblock_phys_alloc(0x100000, 0x1000, "big"), 0);
}

HTEST(memblock_enforce_memory_limit_counts_ram_not_addresses)
{
	reset();
	mm_memblock_add(0x1000, 0x9e000);	    /* 632 KiB */
	mm_memblock_add(0x100000, 0x1ff00000); /* to 512 MiB */
	mm_memblock_add(0x100000000ull, 0x40000000);
	mm_memblock_enforce_memory_limit(0x100000); /* 1 MiB of RAM */
	KT_EXPECT_EQ(mm_memblock_phys_mem_size(), 0x100000);
	KT_EXPECT_EQ(mm_memblock.memory.cnt, 2);
	KT_EXPECT_EQ(mm_memblock_end_of_ram(), 0x100000 + 0x100000 - 0x9e000);
	mm_memblock_enforce_memory_limit(0x9e000); /* exactly the first region */
	KT_EXPECT_EQ(mm_memblock.memory.cnt, 1);
	KT_EXPECT_EQ(mm_memblock_end_of_ram(), 0x9f000);
	mm_memblock_enforce_memory_limit(0); /* no limit */
	KT_EXPECT_EQ(mm_memblock.memory.cnt, 1);
	mm_memblock_enforce_memory_limit(1ull << 40); /* more than there is */
	KT_EXPECT_EQ(mm_memblock_phys_mem_size(), 0x9e000);
}

HTEST(memblock_table_full_is_reported)
{
	int rc = 0;

	reset();
	for (unsigned int i = 0; i < MEMBLOCK_MAX_REGIONS; i++)
		rc |= mm_memblock_add(i * 2 * PG, PG);
	KT_EXPECT_EQ(rc, 0);
	KT_EXPECT_EQ(mm_memblock_add(MEMBLOCK_MAX_REGIONS * 2 * PG + PG, PG), -1);
	/* merging into a neighbour still works when full */
	KT_EXPECT_EQ(mm_memblock_add(PG, PG), 0);
	KT_EXPECT_EQ(mm_memblock.memory.cnt, MEMBLOCK_MAX_REGIONS - 1);
}

HTEST(memblock_phys_free_trims_splits_and_removes)
{
	reset();
	mm_memblock_add(0, 64 * PG);
	mm_memblock_reserve(4 * PG, 8 * PG, "a");	/* [4, 12) */
	mm_memblock_reserve(20 * PG, 4 * PG, "b"); /* [20, 24) */
	/* a hole in "a": split, both halves keep the name */
	KT_EXPECT_EQ(mm_memblock_phys_free(6 * PG, 2 * PG), 0);
	KT_ASSERT_EQ(mm_memblock.reserved.cnt, 3);
	KT_EXPECT(mm_memblock.reserved.regions[0].base == 4 * PG &&
		  mm_memblock.reserved.regions[0].size == 2 * PG);
	KT_EXPECT(mm_memblock.reserved.regions[1].base == 8 * PG &&
		  mm_memblock.reserved.regions[1].size == 4 * PG);
	KT_EXPECT(strcmp(mm_memblock.reserved.regions[1].name, "a") == 0);
	/* across the end of one and all of the next, partial pages outward */
	KT_EXPECT_EQ(mm_memblock_phys_free(10 * PG + 5, 14 * PG - 5), 0);
	KT_ASSERT_EQ(mm_memblock.reserved.cnt, 2);
	KT_EXPECT_EQ(mm_memblock.reserved.regions[1].size, 2 * PG);
	KT_EXPECT(!mm_memblock_is_reserved(20 * PG));
	/* nothing reserved there: no change */
	KT_EXPECT_EQ(mm_memblock_phys_free(40 * PG, PG), 0);
	KT_EXPECT_EQ(mm_memblock_reserved_size(), 4 * PG);
	/* a split with the table full is refused and changes nothing */
	reset();
	mm_memblock_add(0, 4 * MEMBLOCK_MAX_REGIONS * PG);
	for (unsigned int i = 0; i < MEMBLOCK_MAX_REGIONS; i++)
		mm_memblock_reserve(i * 4 * PG, 3 * PG, "r");
	KT_ASSERT_EQ(mm_memblock.reserved.cnt, MEMBLOCK_MAX_REGIONS);
	KT_EXPECT_EQ(mm_memblock_phys_free(PG, PG), -1);
	KT_EXPECT_EQ(mm_memblock_reserved_size(), 3ull * MEMBLOCK_MAX_REGIONS * PG);
	/* trimming needs no slot */
	KT_EXPECT_EQ(mm_memblock_phys_free(0, PG), 0);
}

/* ---- model-checked random tests ---- */

#define NPAGES 512
static unsigned char mem_bm[NPAGES], res_bm[NPAGES];
static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : 0;
}

static void random_setup(void)
{
	reset();
	memset(mem_bm, 0, sizeof(mem_bm));
	memset(res_bm, 0, sizeof(res_bm));
	unsigned int nadd = 1 + rnd(12), nres = rnd(12);
	static const char *names[] = { "a", "b", "c" };

	for (unsigned int i = 0; i < nadd; i++) {
		uint64_t base = rnd(NPAGES * PG), size = rnd(NPAGES * PG / 4);

		if (base + size > NPAGES * PG)
			size = NPAGES * PG - base;
		mm_memblock_add(base, size);
		for (uint64_t p = 0; p < NPAGES; p++)
			if (p * PG >= base && (p + 1) * PG <= base + size)
				mem_bm[p] = 1;
	}
	for (unsigned int i = 0; i < nres; i++) {
		uint64_t base = rnd(NPAGES * PG), size = 1 + rnd(NPAGES * PG / 8);

		if (base + size > NPAGES * PG)
			size = NPAGES * PG - base;
		mm_memblock_reserve(base, size, names[rnd(3)]);
		for (uint64_t p = 0; p < NPAGES; p++)
			if (p * PG < base + size && (p + 1) * PG > base)
				res_bm[p] = 1;
	}
}

static int check_free_walk(void)
{
	unsigned char seen[NPAGES] = { 0 };
	uint64_t idx = 0, s, e, prev_end = 0;
	int bad = 0;
	bool first = true;

	while (mm_memblock_next_free_range(&idx, &s, &e)) {
		if (s % PG || e % PG || s >= e || e > NPAGES * PG || (!first && s <= prev_end))
			bad++; /* s == prev_end would mean the ranges were not maximal */
		for (uint64_t a = s; a < e && a < NPAGES * PG; a += PG)
			seen[a / PG] = 1;
		prev_end = e;
		first = false;
	}
	for (unsigned int p = 0; p < NPAGES; p++)
		if (seen[p] != (mem_bm[p] && !res_bm[p]))
			bad++;
	return bad;
}

HTEST(memblock_free_walk_equals_memory_minus_reserved_random)
{
	for (int round = 0; round < 300; round++) {
		random_setup();
		uint64_t nmem = 0, nres = 0;

		for (unsigned int p = 0; p < NPAGES; p++) {
			nmem += mem_bm[p];
			nres += res_bm[p];
		}
		KT_ASSERT_EQ(mm_memblock_phys_mem_size(), nmem * PG);
		KT_ASSERT_EQ(mm_memblock_reserved_size(), nres * PG);
		KT_ASSERT_EQ(check_free_walk(), 0);
		for (unsigned int p = 0; p < NPAGES; p++) {
			KT_ASSERT_EQ(mm_memblock_is_memory(p * PG + rnd(PG)), mem_bm[p]);
			KT_ASSERT_EQ(mm_memblock_is_reserved(p * PG + rnd(PG)), res_bm[p]);
		}
	}
}

HTEST(memblock_alloc_takes_highest_fit_random)
{
	for (int round = 0; round < 300; round++) {
		random_setup();
		for (int k = 0; k < 4; k++) {
			uint64_t npg = 1 + rnd(16), align = PG << rnd(5);
			uint64_t limit = rnd(3) ? UINT64_MAX : rnd(NPAGES + 1) * PG;
			uint64_t expect = 0;

			mm_memblock.current_limit = limit;
			for (uint64_t x = align;
			     x + npg * PG <= NPAGES * PG && x + npg * PG <= limit; x += align) {
				bool ok = true;

				for (uint64_t p = x / PG; p < x / PG + npg; p++)
					ok = ok && mem_bm[p] && !res_bm[p];
				if (ok)
					expect = x;
			}
			uint64_t got = mm_memblock_phys_alloc(npg * PG, align, "rnd");

			KT_ASSERT_EQ(got, expect);
			if (got)
				for (uint64_t p = got / PG; p < got / PG + npg; p++)
					res_bm[p] = 1;
			KT_ASSERT_EQ(check_free_walk(), 0);
		}
	}
}

HTEST(memblock_init_from_memmap_takes_only_usable)
{
	static struct memmap m;

	m.nr = 0;
	mm_memmap_add(&m, 0, 0x9fc00, MEMMAP_USABLE);
	mm_memmap_add(&m, 0x9fc00, 0x400, MEMMAP_RESERVED);
	mm_memmap_add(&m, 0x100000, 0x1fee0000, MEMMAP_USABLE);
	mm_memmap_add(&m, 0x1ffe0000, 0x20000, MEMMAP_ACPI);
	KT_ASSERT_EQ(mm_memblock_init_from_memmap(&m), 0);
	KT_EXPECT_EQ(mm_memblock.memory.cnt, 2);
	KT_EXPECT_EQ(mm_memblock_phys_mem_size(), 0x9f000 + 0x1fee0000);
	KT_EXPECT_EQ(mm_memblock.reserved.cnt, 0);
	KT_EXPECT_EQ(mm_memblock.current_limit, UINT64_MAX);
}

HTEST_MAIN("memblock")
