/*
 * tests/host/test_memmap.c - host tests of mm/memmap.c: the sanitizer on
 * hand-made cases and against a byte-level model on random maps, names and
 * printing, and every map in tests/data/e820 (read with mmsim's reader).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "htest.h"
#include "host_shim.h"
#include "mm/memmap.h"

/* mmsim's dmesg reader, compiled in here: host tests link only mm/ and the
 * shim, and the data-file checks need the very reader mmsim uses. */
#include "tools/mmsim/e820_file.c"

static struct memmap m;

static void map_reset(void)
{
	m.nr = 0;
}

static bool entry_is(unsigned int i, uint64_t addr, uint64_t size, uint32_t type)
{
	return i < m.nr && m.entry[i].addr == addr && m.entry[i].size == size &&
	       m.entry[i].type == type;
}

/* The order stated in memmap.c, written out again independently. */
static int restrictiveness(uint32_t t)
{
	switch (t) {
	case MEMMAP_USABLE:
		return 0;
	case MEMMAP_ACPI:
		return 1;
	case MEMMAP_NVS:
		return 2;
	case MEMMAP_PRAM:
		return 3;
	case MEMMAP_PMEM:
		return 4;
	case MEMMAP_UNUSABLE:
		return 5;
	default:
		return 6; /* reserved and unknown */
	}
}

static uint32_t sanitized_type(uint32_t t)
{
	return restrictiveness(t) == 6 ? MEMMAP_RESERVED : t;
}

static const uint32_t all_types[] = {
	MEMMAP_USABLE, MEMMAP_RESERVED, MEMMAP_ACPI, MEMMAP_NVS, MEMMAP_UNUSABLE,
	MEMMAP_PMEM,   MEMMAP_PRAM,	6,	     99,	 MEMMAP_SOFT_RESERVED
};
#define NTYPES (sizeof(all_types) / sizeof(all_types[0]))

HTEST(memmap_overlap_of_every_pair_of_types_keeps_the_more_restrictive)
{
	for (unsigned int i = 0; i < NTYPES; i++) {
		for (unsigned int j = 0; j < NTYPES; j++) {
			uint32_t a = all_types[i], b = all_types[j];
			uint32_t sa = sanitized_type(a), sb = sanitized_type(b);
			uint32_t mid = restrictiveness(a) >= restrictiveness(b) ? sa : sb;

			map_reset();
			mm_memmap_add(&m, 0x1000, 0x4000, a); /* [0x1000, 0x5000) */
			mm_memmap_add(&m, 0x3000, 0x5000, b); /* [0x3000, 0x8000) */
			KT_ASSERT_EQ(mm_memmap_sanitize(&m), 0);
			/* expected pieces, merging where neighbours share a type */
			uint64_t cut[4] = { 0x1000, 0x3000, 0x5000, 0x8000 };
			uint32_t ty[3] = { sa, mid, sb };
			unsigned int k = 0;

			for (unsigned int p = 0; p < 3;) {
				unsigned int q = p;

				while (q + 1 < 3 && ty[q + 1] == ty[p])
					q++;
				if (!entry_is(k, cut[p], cut[q + 1] - cut[p], ty[p]))
					ktest_fail(__FILE__, __LINE__,
						   "types %u over %u: piece %u wrong", a, b, k);
				k++;
				p = q + 1;
			}
			if (m.nr != k)
				ktest_fail(__FILE__, __LINE__, "types %u, %u: %u entries, want %u",
					   a, b, m.nr, k);
		}
	}
}

HTEST(memmap_contained_range_splits_the_outer_one)
{
	map_reset();
	mm_memmap_add(&m, 0, 0x10000, MEMMAP_USABLE);
	mm_memmap_add(&m, 0x4000, 0x1000, MEMMAP_NVS);
	KT_ASSERT_EQ(mm_memmap_sanitize(&m), 0);
	KT_EXPECT_EQ(m.nr, 3);
	KT_EXPECT(entry_is(0, 0, 0x4000, MEMMAP_USABLE));
	KT_EXPECT(entry_is(1, 0x4000, 0x1000, MEMMAP_NVS));
	KT_EXPECT(entry_is(2, 0x5000, 0xb000, MEMMAP_USABLE));
	/* a usable range inside a reserved one disappears */
	map_reset();
	mm_memmap_add(&m, 0, 0x10000, MEMMAP_RESERVED);
	mm_memmap_add(&m, 0x4000, 0x1000, MEMMAP_USABLE);
	KT_ASSERT_EQ(mm_memmap_sanitize(&m), 0);
	KT_EXPECT_EQ(m.nr, 1);
	KT_EXPECT(entry_is(0, 0, 0x10000, MEMMAP_RESERVED));
}

HTEST(memmap_identical_duplicates_become_one)
{
	map_reset();
	for (int i = 0; i < 5; i++)
		mm_memmap_add(&m, 0x100000, 0x100000, MEMMAP_ACPI);
	KT_ASSERT_EQ(mm_memmap_sanitize(&m), 0);
	KT_EXPECT_EQ(m.nr, 1);
	KT_EXPECT(entry_is(0, 0x100000, 0x100000, MEMMAP_ACPI));
}

HTEST(memmap_adjacent_ranges_of_one_type_merge_others_do_not)
{
	map_reset();
	mm_memmap_add(&m, 0x2000, 0x1000, MEMMAP_USABLE);
	mm_memmap_add(&m, 0x0, 0x2000, MEMMAP_USABLE);
	mm_memmap_add(&m, 0x3000, 0x1000, MEMMAP_RESERVED);
	mm_memmap_add(&m, 0x4000, 0x1000, MEMMAP_ACPI);
	mm_memmap_add(&m, 0x5000, 0x1000, MEMMAP_ACPI);
	KT_ASSERT_EQ(mm_memmap_sanitize(&m), 0);
	KT_EXPECT_EQ(m.nr, 3);
	KT_EXPECT(entry_is(0, 0, 0x3000, MEMMAP_USABLE));
	KT_EXPECT(entry_is(1, 0x3000, 0x1000, MEMMAP_RESERVED));
	KT_EXPECT(entry_is(2, 0x4000, 0x2000, MEMMAP_ACPI));
}

HTEST(memmap_usable_trimmed_to_whole_pages_others_kept_exact)
{
	map_reset();
	mm_memmap_add(&m, 0, 0x9fc00, MEMMAP_USABLE);
	mm_memmap_add(&m, 0x9fc00, 0x400, MEMMAP_RESERVED);
	mm_memmap_add(&m, 0x100800, 0x2000, MEMMAP_USABLE); /* no page at either end */
	mm_memmap_add(&m, 0x200100, 0xe00, MEMMAP_USABLE);	 /* no whole page at all */
	KT_ASSERT_EQ(mm_memmap_sanitize(&m), 0);
	KT_EXPECT_EQ(m.nr, 3);
	KT_EXPECT(entry_is(0, 0, 0x9f000, MEMMAP_USABLE));
	KT_EXPECT(entry_is(1, 0x9fc00, 0x400, MEMMAP_RESERVED));
	KT_EXPECT(entry_is(2, 0x101000, 0x1000, MEMMAP_USABLE));
}

HTEST(memmap_zero_sized_ranges_are_dropped)
{
	map_reset();
	mm_memmap_add(&m, 0x1000, 0, MEMMAP_RESERVED);
	mm_memmap_add(&m, 0x5000, 0x1000, MEMMAP_USABLE);
	mm_memmap_add(&m, 0x5800, 0, MEMMAP_RESERVED);
	KT_ASSERT_EQ(mm_memmap_sanitize(&m), 0);
	KT_EXPECT_EQ(m.nr, 1);
	KT_EXPECT(entry_is(0, 0x5000, 0x1000, MEMMAP_USABLE));
	map_reset();
	KT_EXPECT_EQ(mm_memmap_sanitize(&m), 0);
	KT_EXPECT_EQ(m.nr, 0);
}

HTEST(memmap_range_wrapping_past_2_64_is_clamped)
{
	map_reset();
	mm_memmap_add(&m, 0xfffffffffffff000ull, 0x3000, MEMMAP_RESERVED);
	mm_memmap_add(&m, 0xffffffff00000000ull, 0x200000000ull, MEMMAP_USABLE);
	mm_memmap_add(&m, 0x1000, 0x1000, MEMMAP_USABLE);
	KT_ASSERT_EQ(mm_memmap_sanitize(&m), 0);
	KT_EXPECT_EQ(m.nr, 3);
	KT_EXPECT(entry_is(0, 0x1000, 0x1000, MEMMAP_USABLE));
	KT_EXPECT(entry_is(1, 0xffffffff00000000ull, 0xfffff000ull, MEMMAP_USABLE));
	KT_EXPECT(entry_is(2, 0xfffffffffffff000ull, 0xfff, MEMMAP_RESERVED));
	/* a usable sliver at the very top has no whole page */
	map_reset();
	mm_memmap_add(&m, 0xfffffffffffff800ull, 0x1000, MEMMAP_USABLE);
	KT_ASSERT_EQ(mm_memmap_sanitize(&m), 0);
	KT_EXPECT_EQ(m.nr, 0);
}

HTEST(memmap_unsorted_input_comes_out_sorted)
{
	map_reset();
	mm_memmap_add(&m, 0x100000000ull, 0x40000000, MEMMAP_USABLE);
	mm_memmap_add(&m, 0xfee00000, 0x1000, MEMMAP_RESERVED);
	mm_memmap_add(&m, 0x100000, 0x7ff00000, MEMMAP_USABLE);
	mm_memmap_add(&m, 0, 0x9f000, MEMMAP_USABLE);
	KT_ASSERT_EQ(mm_memmap_sanitize(&m), 0);
	KT_EXPECT_EQ(m.nr, 4);
	KT_EXPECT(entry_is(0, 0, 0x9f000, MEMMAP_USABLE));
	KT_EXPECT(entry_is(1, 0x100000, 0x7ff00000, MEMMAP_USABLE));
	KT_EXPECT(entry_is(2, 0xfee00000, 0x1000, MEMMAP_RESERVED));
	KT_EXPECT(entry_is(3, 0x100000000ull, 0x40000000, MEMMAP_USABLE));
}

HTEST(memmap_table_full_is_reported_and_map_left_valid)
{
	map_reset();
	for (unsigned int i = 0; i < MEMMAP_MAX; i++)
		KT_ASSERT_EQ(mm_memmap_add(&m, i * 0x10000ull, 0x8000, MEMMAP_USABLE), 0);
	KT_EXPECT_EQ(mm_memmap_add(&m, 0x10000000, 0x1000, MEMMAP_USABLE), -1);
	KT_EXPECT_EQ(m.nr, MEMMAP_MAX);
	/* 128 usable ranges each split in two by a reserved one: 384 results */
	map_reset();
	for (unsigned int i = 0; i < MEMMAP_MAX / 2; i++) {
		mm_memmap_add(&m, i * 0x10000ull, 0x8000, MEMMAP_USABLE);
		mm_memmap_add(&m, i * 0x10000ull + 0x2000, 0x1000, MEMMAP_RESERVED);
	}
	KT_EXPECT_EQ(mm_memmap_sanitize(&m), -1);
	KT_EXPECT_EQ(m.nr, MEMMAP_MAX);
	KT_EXPECT(entry_is(1, 0x2000, 0x1000, MEMMAP_RESERVED)); /* unchanged input */
}

/* ---- random maps against a model at 256-byte granularity ---- */

#define UNIT 0x100ull
#define NUNITS 1024 /* 64 pages */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : 0;
}

HTEST(memmap_sanitize_matches_model_on_random_maps)
{
	static int want[NUNITS], got[NUNITS]; /* type, or 0 for a hole */

	for (int round = 0; round < 2000; round++) {
		int best[NUNITS];

		map_reset();
		for (unsigned int u = 0; u < NUNITS; u++)
			best[u] = -1;
		unsigned int n = 1 + rnd(20);

		for (unsigned int i = 0; i < n; i++) {
			uint64_t a = rnd(NUNITS), len = rnd(NUNITS / 4) + (rnd(8) == 0 ? 0 : 1);
			uint32_t t = all_types[rnd(NTYPES)];

			if (a + len > NUNITS)
				len = NUNITS - a;
			mm_memmap_add(&m, a * UNIT, len * UNIT, t);
			for (uint64_t u = a; u < a + len; u++)
				if (restrictiveness(t) > best[u])
					best[u] = restrictiveness(t),
					want[u] = (int)sanitized_type(t);
		}
		for (unsigned int u = 0; u < NUNITS; u++)
			if (best[u] < 0)
				want[u] = 0;
		/* usable survives only where its whole page is usable */
		for (unsigned int pg = 0; pg < NUNITS / 16; pg++) {
			bool whole = true;

			for (unsigned int u = pg * 16; u < pg * 16 + 16; u++)
				whole = whole && want[u] == MEMMAP_USABLE;
			for (unsigned int u = pg * 16; u < pg * 16 + 16; u++)
				if (!whole && want[u] == MEMMAP_USABLE)
					want[u] = 0;
		}
		KT_ASSERT_EQ(mm_memmap_sanitize(&m), 0);
		memset(got, 0, sizeof(got));
		for (unsigned int i = 0; i < m.nr; i++) {
			const struct memmap_entry *e = &m.entry[i];

			KT_ASSERT(e->size > 0);
			KT_ASSERT(e->addr % UNIT == 0 && e->size % UNIT == 0);
			if (i) /* sorted, disjoint, and no two touching ranges share a type */
				KT_ASSERT(m.entry[i - 1].addr + m.entry[i - 1].size < e->addr ||
					  (m.entry[i - 1].addr + m.entry[i - 1].size == e->addr &&
					   m.entry[i - 1].type != e->type));
			if (e->type == MEMMAP_USABLE)
				KT_ASSERT(e->addr % 4096 == 0 && e->size % 4096 == 0);
			for (uint64_t u = e->addr / UNIT; u < (e->addr + e->size) / UNIT; u++)
				got[u] = (int)e->type;
		}
		for (unsigned int u = 0; u < NUNITS; u++)
			if (got[u] != want[u]) {
				ktest_fail(__FILE__, __LINE__,
					   "round %d: at 0x%llx type %d, want %d", round,
					   (unsigned long long)(u * UNIT), got[u], want[u]);
				return;
			}
	}
}

HTEST(memmap_type_names_are_linux_names)
{
	KT_EXPECT(!strcmp(mm_memmap_type_name(MEMMAP_USABLE), "usable"));
	KT_EXPECT(!strcmp(mm_memmap_type_name(MEMMAP_RESERVED), "reserved"));
	KT_EXPECT(!strcmp(mm_memmap_type_name(MEMMAP_ACPI), "ACPI data"));
	KT_EXPECT(!strcmp(mm_memmap_type_name(MEMMAP_NVS), "ACPI NVS"));
	KT_EXPECT(!strcmp(mm_memmap_type_name(MEMMAP_UNUSABLE), "unusable"));
	KT_EXPECT(!strcmp(mm_memmap_type_name(MEMMAP_PMEM), "persistent (type 7)"));
	KT_EXPECT(!strcmp(mm_memmap_type_name(MEMMAP_PRAM), "persistent (type 12)"));
	KT_EXPECT(!strcmp(mm_memmap_type_name(MEMMAP_SOFT_RESERVED), "soft reserved"));
	KT_EXPECT(!strcmp(mm_memmap_type_name(6), "type 6"));
	KT_EXPECT(!strcmp(mm_memmap_type_name(4294967294u), "type 4294967294"));
}

HTEST(memmap_print_matches_linux_format)
{
	map_reset();
	mm_memmap_add(&m, 0, 0x9fc00, MEMMAP_USABLE);
	mm_memmap_add(&m, 0xfd00000000ull, 0x300000000ull, MEMMAP_RESERVED);
	mm_memmap_add(&m, 0x1000, 0x1000, 20);
	host_capture_start();
	mm_memmap_print(&m, "BIOS-e820");
	const char *out = host_capture_stop();

	KT_EXPECT(!strcmp(out, "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
			       "BIOS-e820: [mem 0x000000fd00000000-0x000000ffffffffff] reserved\n"
			       "BIOS-e820: [mem 0x0000000000001000-0x0000000000001fff] type 20\n"));
}

HTEST(memmap_efi_types_convert_as_linux_stub)
{
	static const uint32_t want[16] = {
		MEMMAP_RESERVED, MEMMAP_USABLE,	  MEMMAP_USABLE,   MEMMAP_USABLE,
		MEMMAP_USABLE,	 MEMMAP_RESERVED, MEMMAP_RESERVED, MEMMAP_USABLE,
		MEMMAP_UNUSABLE, MEMMAP_ACPI,	  MEMMAP_NVS,	   MEMMAP_RESERVED,
		MEMMAP_RESERVED, MEMMAP_RESERVED, MEMMAP_PMEM,	   MEMMAP_RESERVED,
	};

	for (uint32_t t = 0; t < 16; t++)
		KT_EXPECT_EQ(mm_memmap_type_from_efi(t), want[t]);
	KT_EXPECT_EQ(mm_memmap_type_from_efi(0x80000000u), MEMMAP_RESERVED);
}

/* ---- the data files ---- */

#define DATA_DIR "tests/data/e820"

/* "# usable-bytes: N" in the file, computed outside this code base. */
static int expected_usable(const char *path, unsigned long long *val)
{
	char line[600];
	FILE *f = fopen(path, "r");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "# usable-bytes: %lli", val) == 1)
			found = 0;
	fclose(f);
	return found;
}

HTEST(memmap_data_files_have_the_expected_usable_bytes)
{
	DIR *d = opendir(DATA_DIR);
	struct dirent *de;
	int files = 0;

	KT_ASSERT(d != NULL);
	while ((de = readdir(d))) {
		char path[512], err[600];
		unsigned long long want;
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".txt") ||
		    !strncmp(de->d_name, "bad-", 4))
			continue;
		snprintf(path, sizeof(path), "%s/%s", DATA_DIR, de->d_name);
		map_reset();
		if (e820_file_read(path, &m, err, sizeof(err))) {
			ktest_fail(__FILE__, __LINE__, "%s", err);
			continue;
		}
		if (expected_usable(path, &want)) {
			ktest_fail(__FILE__, __LINE__, "%s: no '# usable-bytes:' line", path);
			continue;
		}
		KT_EXPECT_EQ(mm_memmap_sanitize(&m), 0);
		if (mm_memmap_total(&m, MEMMAP_USABLE) != want)
			ktest_fail(__FILE__, __LINE__, "%s: usable 0x%llx, want 0x%llx", path,
				   (unsigned long long)mm_memmap_total(&m, MEMMAP_USABLE), want);
		files++;
	}
	closedir(d);
	ktest_diag("%d map files checked", files);
	KT_EXPECT(files >= 10);
}

HTEST(memmap_bad_data_files_fail_with_the_expected_message)
{
	DIR *d = opendir(DATA_DIR);
	struct dirent *de;
	int files = 0;

	KT_ASSERT(d != NULL);
	while ((de = readdir(d))) {
		char path[512], errpath[512], err[600], want[600] = "";
		size_t len = strlen(de->d_name);

		if (len < 9 || strcmp(de->d_name + len - 4, ".txt") ||
		    strncmp(de->d_name, "bad-", 4))
			continue;
		snprintf(path, sizeof(path), "%s/%s", DATA_DIR, de->d_name);
		snprintf(errpath, sizeof(errpath), "%s/%.*s.err", DATA_DIR, (int)(len - 4),
			 de->d_name);
		FILE *f = fopen(errpath, "r");

		if (!f || !fgets(want, sizeof(want), f)) {
			ktest_fail(__FILE__, __LINE__, "%s: missing", errpath);
			if (f)
				fclose(f);
			continue;
		}
		fclose(f);
		want[strcspn(want, "\n")] = 0;
		map_reset();
		if (!e820_file_read(path, &m, err, sizeof(err)))
			ktest_fail(__FILE__, __LINE__, "%s: accepted", path);
		else if (strcmp(err, want))
			ktest_fail(__FILE__, __LINE__, "%s: got '%s', want '%s'", path, err, want);
		files++;
	}
	closedir(d);
	ktest_diag("%d bad files checked", files);
	KT_EXPECT(files >= 5);
}

HTEST_MAIN("memmap")
