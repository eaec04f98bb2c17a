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

/*
 * The first half of mm_init(), for a host that needs the struct pages
 * before any page is free: zones laid out, the struct page array and the
 * pageblock bytes placed by memblock, every struct page initialised as
 * reserved (pfn_to_page works for every pfn below mm_max_pfn). memblock
 * stays open: what the host reserves between this and mm_init() is kept
 * from the allocator too. mm_init() calls it itself when the host did not.
 * Returns 0, or -1 with a message (and mm_init() then fails the same way).
 */
int memmap_init(void);

/*
 * Give the reserved pages of [@start, @end) - direct-map addresses, e.g.
 * an initrd once unpacked or init sections - to the page allocator after
 * mm_init() (Linux's free_reserved_area). Only whole pages go back: @start
 * is rounded up and @end down to a page. Each page is first filled with
 * the byte @poison unless @poison is negative. The zones' managed counts
 * grow, and their watermarks and lowmem reserves are recomputed from
 * min_free_kbytes. Prints "Freeing @s memory: NK".
 *
 * Every page is checked before any is freed: it must be RAM memblock knew
 * (not a hole), reserved at mm_init() and untouched (no flags besides
 * PG_reserved, one reference, no mapping). Otherwise nothing is freed and
 * a line says which pfn and why, as for a range reaching into memory the
 * allocator owns already, a second call for the same range, @end before
 * @start, a @poison above 0xff, or a call before mm_init().
 * Returns the pages freed (0 on refusal). Context: thread, no mm/ lock held.
 */
unsigned long free_reserved_area(void *start, void *end, int poison, const char *s);

/* Per-zone summary printed at boot, with /proc/zoneinfo's field names:
 * "Node 0, zone      DMA: start_pfn 0x1 spanned 4095 present 3998 managed 3840" */
void mm_print_zone_summary(void);

#endif /* MM_MM_INIT_H */
