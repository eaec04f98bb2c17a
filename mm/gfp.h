/*
 * mm/gfp.h - what mm/ derives from a request's GFP flags inside: the zone
 * and migratetype it maps to. The flags themselves and the allocation API
 * are public, in mm/mm.h.
 */
#ifndef MM_GFP_H
#define MM_GFP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm.h"
#include "page.h"

#define MAX_ORDER MM_MAX_ORDER
#define PAGE_ALLOC_COSTLY_ORDER MM_PAGE_ALLOC_COSTLY_ORDER

/* Zone indices; the zonelist of a request walks from its gfp_zone() down. */
enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, MAX_NR_ZONES };
#define ZONE_INVALID (-1)

/*
 * One table answers both "which zone" and "is the combination valid" for
 * the five low gfp bits (DMA, HIGHMEM, DMA32, MOVABLE, RECLAIMABLE): two
 * bits per combination, GFP_ZONE_BAD when more than one zone modifier is
 * set or both mobility hints are (Linux's GFP_ZONE_TABLE idea, extended to
 * the migratetype). The fast path does one shift and mask instead of a
 * chain of tests.
 */
#define GFP_ZONE_BAD 3u
#define GFP_TABLE_BITS 0x1fu
#define __GFP_TBL_BAD(i) ((((i)&1) + (((i) >> 1) & 1) + (((i) >> 2) & 1)) > 1 || ((i)&0x18) == 0x18)
#define __GFP_TBL_ZONE(i) (((i)&1) ? ZONE_DMA : ((i)&4) ? ZONE_DMA32 : ZONE_NORMAL)
#define __GFP_TBL(i) \
	((unsigned long long)(__GFP_TBL_BAD(i) ? GFP_ZONE_BAD : (unsigned)__GFP_TBL_ZONE(i)) \
	 << (2 * (i)))
#define __GFP_TBL8(i) \
	(__GFP_TBL(i) | __GFP_TBL(i + 1) | __GFP_TBL(i + 2) | __GFP_TBL(i + 3) | \
	 __GFP_TBL(i + 4) | __GFP_TBL(i + 5) | __GFP_TBL(i + 6) | __GFP_TBL(i + 7))
#define GFP_ZONE_TABLE (__GFP_TBL8(0) | __GFP_TBL8(8) | __GFP_TBL8(16) | __GFP_TBL8(24))
_Static_assert(__GFP_DMA == 1 && __GFP_HIGHMEM == 2 && __GFP_DMA32 == 4 && __GFP_MOVABLE == 8 &&
		       __GFP_RECLAIMABLE == 16,
	       "GFP_ZONE_TABLE is indexed by these bit positions");

/* Zone index of @gfp (0..2), or GFP_ZONE_BAD for an invalid zone or
 * mobility combination. */
static inline unsigned int gfp_zone_lookup(gfp_t gfp)
{
	return (unsigned int)(GFP_ZONE_TABLE >> (2 * (gfp & GFP_TABLE_BITS))) & 3u;
}

/* The highest zone a request may use, or ZONE_INVALID when more than one of
 * __GFP_DMA, __GFP_DMA32, __GFP_HIGHMEM is set (Linux's GFP_ZONE_BAD). */
static inline int gfp_zone(gfp_t gfp)
{
	unsigned int z = gfp_zone_lookup(gfp & (__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM));

	return z == GFP_ZONE_BAD ? ZONE_INVALID : (int)z;
}

/* Migratetypes, in Linux's order: the first three have per-CPU lists. */
enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES, /* reserve for high-order atomics */
	MIGRATE_ISOLATE, /* being isolated (compaction, offlining): never allocated */
	MIGRATE_TYPES
};

/* MOVABLE|RECLAIMABLE together yields 3 (invalid: rejected by alloc_pages). */
static inline int gfp_migratetype(gfp_t gfp)
{
	return (int)((gfp & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT);
}

/* "GFP_KERNEL|__GFP_NOWARN"-style name of @gfp into @buf (for reports;
 * mm/gfp_names.c). */
void mm_gfp_flags_name(gfp_t gfp, char *buf, unsigned long size);

#endif /* MM_GFP_H */
