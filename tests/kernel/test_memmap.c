/*
 * tests/kernel/test_memmap.c - self-tests of the boot memory picture on the
 * machine actually booted: what memblock handed (or will hand) to the page
 * allocator never overlaps the kernel, the boot information, modules or
 * firmware ranges, and memblock's RAM is exactly the firmware's usable RAM.
 */
#include <stdint.h>

#include "kernel/ktest.h"
#include "kernel/main.h"
#include "mm/boot_reserve.h"
#include "mm/bootinfo.h"
#include "mm/memblock.h"
#include "mm/memmap.h"
#include "mm/util.h"

/* Defined by linker.ld. */
extern char _kernel_phys_start[], _kernel_phys_end[];

static struct memmap sane;

/* The sanitized firmware map; NULL (test failed) if it does not sanitize. */
static const struct memmap *boot_map(void)
{
	/* main.c may have sanitized it already: sanitizing again is harmless */
	mm_memcpy(&sane, &kernel_boot_info.map, sizeof(sane));
	if (mm_memmap_sanitize(&sane)) {
		ktest_fail(__FILE__, __LINE__, "boot map does not sanitize");
		return NULL;
	}
	return &sane;
}

/* The mem= value on the command line, 0 if none. */
static uint64_t mem_option(void)
{
	return kernel_opts.mem_limit;
}

static bool overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 < e2 && s2 < e1;
}

static bool inside_usable(const struct memmap *m, uint64_t s, uint64_t e)
{
	for (unsigned int i = 0; i < m->nr; i++)
		if (m->entry[i].type == MEMMAP_USABLE && s >= m->entry[i].addr &&
		    e <= m->entry[i].addr + m->entry[i].size)
			return true;
	return false;
}

KTEST(memmap, memblock_memory_is_the_usable_firmware_ram)
{
	const struct memmap *m = boot_map();
	uint64_t limit;

	if (!m)
		return;
	limit = mem_option();
	for (unsigned int i = 0; i < mm_memblock.memory.cnt; i++) {
		const struct memblock_region *r = &mm_memblock.memory.regions[i];

		if (!inside_usable(m, r->base, r->base + r->size))
			ktest_fail(__FILE__, __LINE__,
				   "memblock RAM [0x%llx-0x%llx) not usable in the map",
				   (unsigned long long)r->base,
				   (unsigned long long)(r->base + r->size));
	}
	if (limit) {
		ktest_diag("mem=%llu: memblock holds 0x%llx bytes", (unsigned long long)limit,
			   (unsigned long long)mm_memblock_phys_mem_size());
		KT_EXPECT(mm_memblock_phys_mem_size() <= limit);
	} else {
		KT_EXPECT_EQ(mm_memblock_phys_mem_size(), mm_memmap_total(m, MEMMAP_USABLE));
	}
}

KTEST(memmap, free_ranges_avoid_kernel_bootinfo_modules_and_firmware)
{
	const struct memmap *m = boot_map();
	const struct boot_info *bi = &kernel_boot_info;
	uint64_t idx = 0, s, e, free_bytes = 0;
	unsigned int ranges = 0;

	if (!m)
		return;
	uint64_t ks = (uint64_t)(uintptr_t)_kernel_phys_start;
	uint64_t ke = (uint64_t)(uintptr_t)_kernel_phys_end;

	KT_ASSERT(ks < ke);
	while (mm_memblock_next_free_range(&idx, &s, &e)) {
		ranges++;
		free_bytes += e - s;
		if (overlaps(s, e, ks, ke))
			ktest_fail(__FILE__, __LINE__, "free [0x%llx-0x%llx) overlaps the kernel",
				   (unsigned long long)s, (unsigned long long)e);
		if (overlaps(s, e, bi->info_phys, bi->info_phys + bi->info_size))
			ktest_fail(__FILE__, __LINE__,
				   "free [0x%llx-0x%llx) overlaps the boot info",
				   (unsigned long long)s, (unsigned long long)e);
		if (overlaps(s, e, 0, BOOT_RESERVE_LOW) ||
		    overlaps(s, e, BOOT_BIOS_START, BOOT_BIOS_END))
			ktest_fail(__FILE__, __LINE__,
				   "free [0x%llx-0x%llx) overlaps low 64K or BIOS",
				   (unsigned long long)s, (unsigned long long)e);
		for (unsigned int i = 0; i < bi->nr_modules; i++)
			if (overlaps(s, e, bi->modules[i].start, bi->modules[i].end))
				ktest_fail(__FILE__, __LINE__, "free range overlaps module %u", i);
		for (unsigned int i = 0; i < m->nr; i++)
			if (m->entry[i].type != MEMMAP_USABLE &&
			    overlaps(s, e, m->entry[i].addr, m->entry[i].addr + m->entry[i].size))
				ktest_fail(__FILE__, __LINE__,
					   "free [0x%llx-0x%llx) overlaps %s range %u",
					   (unsigned long long)s, (unsigned long long)e,
					   mm_memmap_type_name(m->entry[i].type), i);
		if (!inside_usable(m, s, e))
			ktest_fail(__FILE__, __LINE__, "free [0x%llx-0x%llx) is not usable RAM",
				   (unsigned long long)s, (unsigned long long)e);
	}
	ktest_diag("%u free ranges, %llu KiB", ranges, (unsigned long long)(free_bytes >> 10));
	KT_EXPECT(ranges > 0);
	KT_EXPECT_EQ(free_bytes + mm_memblock_reserved_size() >= mm_memblock_phys_mem_size(), 1);
}

KTEST(memmap, memory_above_4g_exists_when_the_map_has_it)
{
	const struct memmap *m = boot_map();
	uint64_t high = 0;

	if (!m)
		return;
	for (unsigned int i = 0; i < m->nr; i++)
		if (m->entry[i].type == MEMMAP_USABLE &&
		    m->entry[i].addr + m->entry[i].size > (1ull << 32))
			high = m->entry[i].addr >= (1ull << 32) ? m->entry[i].addr : 1ull << 32;
	if (!high) {
		KT_EXPECT(mm_memblock_end_of_ram() <= (1ull << 32));
		ktest_diag("no RAM above 4 GiB in this map");
		return;
	}
	if (mem_option()) {
		ktest_skip("mem= may cut the RAM above 4 GiB");
		return;
	}
	KT_EXPECT(mm_memblock_end_of_ram() > (1ull << 32));
	KT_EXPECT(mm_memblock_is_memory(high));
}

KTEST(memmap, reservations_are_sorted_disjoint_and_named)
{
	const struct memblock_type *t = &mm_memblock.reserved;

	KT_ASSERT(t->cnt > 0);
	for (unsigned int i = 0; i < t->cnt; i++) {
		KT_EXPECT(t->regions[i].name != NULL);
		KT_EXPECT(t->regions[i].size > 0);
		if (i)
			KT_EXPECT(t->regions[i - 1].base + t->regions[i - 1].size <=
				  t->regions[i].base);
	}
	KT_EXPECT(mm_memblock_is_reserved(0));
	KT_EXPECT(mm_memblock_is_reserved((uint64_t)(uintptr_t)_kernel_phys_start));
}
