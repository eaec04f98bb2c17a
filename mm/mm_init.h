/*
 * mm/mm_init.h - bringing up the page allocator from memblock.
 *
 * The host calls, in order: memblock set-up and reservations (memblock.h),
 * then mm_init(), after which alloc_pages() works and memblock must no
 * longer be used. tools/mmsim calls the same sequence on a fake map.
 */
#ifndef MM_MM_INIT_H
#define MM_MM_INIT_H

#include <stdint.h>

/*
 * Lay out zones DMA (< 16 MiB), DMA32 (< 4 GiB) and Normal over memblock's
 * RAM, place and initialise the struct page array with memblock, compute
 * watermarks and lowmem reserves, and give every free (unreserved) page to
 * the buddy allocator. Returns 0, or -1 with a message printed when no
 * usable memory remains or the struct page array cannot be placed.
 */
int mm_init(void);

/* Per-zone summary printed at boot, with /proc/zoneinfo's field names:
 * "Node 0, zone      DMA: start_pfn 0x1 spanned 4095 present 3998 managed 3840" */
void mm_print_zone_summary(void);

#endif /* MM_MM_INIT_H */
