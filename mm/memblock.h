/*
 * mm/memblock.h - the early boot allocator: memory and reserved ranges
 * known before the buddy allocator runs (Linux's memblock vocabulary).
 *
 * All addresses are physical. Single-threaded boot context only.
 */
#ifndef MM_MEMBLOCK_H
#define MM_MEMBLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "memmap.h"

/* MEMBLOCK_MAX_REGIONS per table: mm/config.h. */

struct memblock_region {
	uint64_t base;
	uint64_t size;
	const char *name; /* who reserved it (reserved ranges only), for printing */
};

struct memblock_type {
	unsigned int cnt;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
};

struct memblock {
	struct memblock_type memory;   /* RAM: sorted, merged, page aligned */
	struct memblock_type reserved; /* in use before the buddy allocator */
	uint64_t current_limit;	       /* allocations stay below this */
};

extern struct memblock mm_memblock;

/* Reset, then add every usable range of a sanitized map. Returns 0 or -1. */
int mm_memblock_init_from_memmap(const struct memmap *m);

/* Add RAM / mark a range in use. Ranges are page-aligned outward for
 * reserve, inward for add; overlapping and adjacent ones merge.
 * Returns 0, or -1 if the table is full. */
int mm_memblock_add(uint64_t base, uint64_t size);
int mm_memblock_reserve(uint64_t base, uint64_t size, const char *name);
/* Take [base, base + size), aligned outward to pages, out of the reserved
 * table (Linux's memblock_phys_free): regions are trimmed or split.
 * Returns 0, or -1 (nothing changed) when a split finds the table full.
 * free_reserved_area() calls it, so that memblock's picture stays the
 * allocator's after boot. */
int mm_memblock_phys_free(uint64_t base, uint64_t size);

/* Drop RAM above the first @limit bytes of memory (the mem= option:
 * like Linux, counts RAM, not addresses). */
void mm_memblock_enforce_memory_limit(uint64_t limit);

/* Allocate @size bytes aligned to @align below memblock.current_limit,
 * from the top down, and reserve them. Returns the physical address or 0
 * when nothing fits (page 0 is never handed out). @size is rounded up to
 * whole pages, @align to at least a page (it must be a power of two).
 * The memory is NOT zeroed and not touched at all: the caller maps it and
 * clears what it needs. current_limit starts as UINT64_MAX (end of RAM);
 * the kernel may lower it, e.g. to 4 GiB before its direct map is complete. */
uint64_t mm_memblock_phys_alloc(uint64_t size, uint64_t align, const char *name);
/* Same, but below @max_addr. */
uint64_t mm_memblock_phys_alloc_below(uint64_t size, uint64_t align, uint64_t max_addr,
				   const char *name);

/* Iterate ranges of RAM that are not reserved, in increasing address order,
 * as [*start, *end), page aligned and maximal. Start with *idx = 0; returns
 * false when done. Reserving or allocating during the walk is allowed: the
 * walk resumes at the address after the last range it returned. */
bool mm_memblock_next_free_range(uint64_t *idx, uint64_t *start, uint64_t *end);

bool mm_memblock_is_memory(uint64_t addr);
bool mm_memblock_is_reserved(uint64_t addr);
uint64_t mm_memblock_phys_mem_size(void);
uint64_t mm_memblock_reserved_size(void);
/* End of the highest RAM range (exclusive). */
uint64_t mm_memblock_end_of_ram(void);

void mm_memblock_dump(void);

#endif /* MM_MEMBLOCK_H */
