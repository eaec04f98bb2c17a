/*
 * tools/mmsim/kernel_image.c - where mmsim's pretend kernel image lies and
 * its memblock reservation (kernel_image.h). Where the image sits decides
 * which pageblock of which zone can never be free: a replay of a Linux
 * trace compared with Linux's own buddyinfo must put it where Linux had
 * its kernel, not where our kernel loads.
 */
#include <stdio.h>

#include "kernel_image.h"
#include "mm/memblock.h"

int kernel_image_add(struct kernel_image *ki, uint64_t start, uint64_t end)
{
	if (end <= start)
		return -1;
	if (ki->nr && start < ki->range[ki->nr - 1].end)
		return -1;
	if (ki->nr && start == ki->range[ki->nr - 1].end) {
		ki->range[ki->nr - 1].end = end;
		return 0;
	}
	if (ki->nr == KERNEL_IMAGE_RANGES)
		return -1;
	ki->range[ki->nr].start = start;
	ki->range[ki->nr].end = end;
	ki->nr++;
	return 0;
}

void kernel_image_mmsim(struct kernel_image *ki)
{
	ki->nr = 0;
	kernel_image_add(ki, MMSIM_KERNEL_START, MMSIM_KERNEL_START + MMSIM_KERNEL_SIZE);
	ki->how = "our kernel's load address";
}

/* The RAM range of memblock holding [start, end) whole, or -1. */
static int ram_range_of(uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < mm_memblock.memory.cnt; i++) {
		const struct memblock_region *r = &mm_memblock.memory.regions[i];

		if (start >= r->base && end <= r->base + r->size)
			return (int)i;
	}
	return -1;
}

int kernel_image_linux(struct kernel_image *ki, uint64_t size, char *err, size_t errlen)
{
	ki->nr = 0;
	for (unsigned int i = 0; i < mm_memblock.memory.cnt; i++) {
		const struct memblock_region *r = &mm_memblock.memory.regions[i];
		uint64_t start = r->base < LINUX_LOAD_PHYSICAL_ADDR ? LINUX_LOAD_PHYSICAL_ADDR : r->base;

		start = (start + LINUX_PHYSICAL_ALIGN - 1) & ~(LINUX_PHYSICAL_ALIGN - 1);
		if (start + size <= r->base + r->size && start + size > start) {
			kernel_image_add(ki, start, start + size);
			ki->how = "Linux's LOAD_PHYSICAL_ADDR rule";
			return 0;
		}
	}
	snprintf(err, errlen,
		 "no RAM range holds a %llu KiB kernel image at or above 16 MiB, 2 MiB-aligned, "
		 "where Linux x86-64 loads its kernel (LOAD_PHYSICAL_ADDR)",
		 (unsigned long long)(size >> 10));
	return -1;
}

int kernel_image_check(const struct kernel_image *ki, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < ki->nr; i++)
		if (ram_range_of(ki->range[i].start, ki->range[i].end) < 0) {
			snprintf(err, errlen,
				 "kernel image range [mem 0x%016llx-0x%016llx] (%s) is not inside "
				 "the map's RAM",
				 (unsigned long long)ki->range[i].start,
				 (unsigned long long)ki->range[i].end - 1, ki->how);
			return -1;
		}
	return 0;
}

int kernel_image_reserve(const struct kernel_image *ki)
{
	for (unsigned int i = 0; i < ki->nr; i++)
		if (mm_memblock_reserve(ki->range[i].start, ki->range[i].end - ki->range[i].start,
					"kernel"))
			return -1;
	return 0;
}

uint64_t kernel_image_start(const struct kernel_image *ki)
{
	return ki->nr ? ki->range[0].start : 0;
}

uint64_t kernel_image_end(const struct kernel_image *ki)
{
	return ki->nr ? ki->range[ki->nr - 1].end : 0;
}
