/*
 * mm/pbmap.h - the fragmentation map: one cell per pageblock (order 9,
 * 2 MiB) of each zone, with its migratetype and how many of its pages are
 * free. tools/plot-fragmap.sh turns the printed form into a picture.
 *
 * Printed form, one line per pageblock after a header per zone:
 *   # pbmap zone DMA32 start_pfn 0x1000 end_pfn 0x1ffe0 pageblocks 248
 *   pbmap DMA32 0x1000 Movable 512 512
 *   (pbmap ZONE FIRST_PFN MIGRATETYPE FREE MANAGED)
 * FREE counts pages on the buddy free lists, as NR_FREE_PAGES does: pages
 * on per-CPU lists count as in use (drain first for the whole truth).
 * MANAGED counts the block's pages given to the allocator (not holes or
 * boot reservations); a block at a zone edge has fewer than 512.
 */
#ifndef MM_PBMAP_H
#define MM_PBMAP_H

#include "zone.h"

struct pbmap_cell {
	unsigned long pfn;    /* first pfn of the block inside the zone */
	int migratetype;      /* the pageblock's, MIGRATE_* */
	unsigned int free;    /* pages on the buddy free lists */
	unsigned int managed; /* pages not PG_reserved, within the zone */
};

/* Number of pageblocks @zone's span touches (0 for an empty zone). */
unsigned long mm_pbmap_zone_blocks(const struct zone *zone);

/* Describe the @i-th pageblock of @zone (0 <= i < mm_pbmap_zone_blocks).
 * Takes zone->lock for the one block, so the allocator is held up for
 * at most 512 struct page reads. Returns false if @i is out of range. */
bool mm_pbmap_read_block(struct zone *zone, unsigned long i, struct pbmap_cell *out);

/* Print the map of every populated zone (mm_printk). Context: any that
 * may take zone->lock. */
void mm_print_pbmap(void);

#endif /* MM_PBMAP_H */
