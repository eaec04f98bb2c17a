/*
 * mm/gfp.h - GFP ("get free pages") flags with Linux's bit values and
 * meaning, the zone and migratetype a request maps to, and the page
 * allocator's public API.
 */
#ifndef MM_GFP_H
#define MM_GFP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "page.h"

typedef unsigned int gfp_t;

/* Zone modifiers: where the pages may come from. */
#define __GFP_DMA 0x01u
#define __GFP_HIGHMEM 0x02u /* no highmem on x86_64: means Normal */
#define __GFP_DMA32 0x04u
#define __GFP_MOVABLE 0x08u	/* also a mobility hint (migratetype) */
#define __GFP_RECLAIMABLE 0x10u /* mobility hint: slab-like, reclaimable */
/* Watermark modifiers: how deep into the reserves the request may go. */
#define __GFP_HIGH 0x20u /* high priority: may use half of min */
#define __GFP_IO 0x40u
#define __GFP_FS 0x80u
#define __GFP_ZERO 0x100u	    /* return zeroed pages */
#define __GFP_ATOMIC 0x200u	    /* cannot sleep: a further quarter of min */
#define __GFP_DIRECT_RECLAIM 0x400u /* caller may sleep and reclaim */
#define __GFP_KSWAPD_RECLAIM 0x800u /* wake kswapd at the low watermark */
#define __GFP_WRITE 0x1000u
#define __GFP_NOWARN 0x2000u	    /* no failure warning */
#define __GFP_RETRY_MAYFAIL 0x4000u /* try hard, but may fail */
#define __GFP_NOFAIL 0x8000u	    /* retry forever */
#define __GFP_NORETRY 0x10000u	    /* fail rather than retry hard */
#define __GFP_MEMALLOC 0x20000u	    /* may ignore watermarks entirely */
#define __GFP_COMP 0x40000u	    /* compound page: head and tails */
#define __GFP_NOMEMALLOC 0x80000u   /* never use the emergency reserves */
#define __GFP_HARDWALL 0x100000u
#define __GFP_THISNODE 0x200000u
#define __GFP_ACCOUNT 0x400000u
#define __GFP_BITS_MASK 0x7fffffu

#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ZONEMASK (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define GFP_MOVABLE_MASK (__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT 3

#define GFP_ATOMIC (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO (__GFP_RECLAIM)
#define GFP_NOFS (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA (__GFP_DMA)
#define GFP_DMA32 (__GFP_DMA32)
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)

#define MAX_ORDER 11 /* orders 0..10: blocks up to 4 MiB */
#define PAGE_ALLOC_COSTLY_ORDER 3

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

/*
 * The API. Without __GFP_DIRECT_RECLAIM (GFP_ATOMIC, GFP_NOWAIT) a call
 * never sleeps and may come from any context, interrupts on or off. With
 * it (GFP_KERNEL) the slowpath may reclaim and compact in the calling
 * thread and calls mm_cond_resched() between rounds: thread context, no
 * mm/ lock held. A NULL/0 return means no memory (or an invalid request,
 * reported with a warning).
 *
 * With layers compiled out (mm/config.h): without reclaim there is no
 * direct reclaim, no kswapd and no OOM kill, so a request the free lists
 * cannot meet fails once other CPUs' per-CPU lists and the HIGHATOMIC
 * reserves are given back - except __GFP_NOFAIL, which takes the reserves
 * and otherwise keeps retrying until someone frees memory; without
 * compaction a high-order request that would need a block assembled fails.
 */

/* 2^order contiguous pages, the head page's _refcount 1. */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
static inline struct page *alloc_page(gfp_t gfp)
{
	return alloc_pages(gfp, 0);
}
/* The same from node @nid's memory first (NUMA_NO_NODE: the running
 * CPU's node), falling back to other nodes by distance unless @gfp has
 * __GFP_THISNODE. NULL, with a warning, for a node that does not exist. */
struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order);
/* Drop a reference; the block returns to the allocator when it was the
 * last. A bad free (already free, reserved, wrong order, misaligned, still
 * mapped) is reported as "BUG: Bad page state" and the block is leaked. */
void __free_pages(struct page *page, unsigned int order);
static inline void __free_page(struct page *page)
{
	__free_pages(page, 0);
}

/* The same by direct-map address (0 on failure). */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
unsigned long get_free_page(gfp_t gfp);
#define __get_free_page(gfp) get_free_page(gfp)
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages((addr), 0)

/* @size bytes rounded up to pages, physically contiguous, without the
 * power-of-two waste: the unused tail of the block is freed at once. */
void *alloc_pages_exact(size_t size, gfp_t gfp);
void free_pages_exact(void *virt, size_t size);

/* Turn an allocated order-@order block into 2^order order-0 pages, each
 * with its own reference (not for __GFP_COMP blocks). */
void split_page(struct page *page, unsigned int order);

/* Free pages in the buddy free lists (per-CPU lists not counted). */
unsigned long nr_free_pages(void);

/* Smallest order holding @size bytes. */
static inline unsigned int get_order(size_t size)
{
	unsigned int order = 0;

	size = (size - 1) >> MM_PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

/* "GFP_KERNEL|__GFP_NOWARN"-style name of @gfp into @buf (for reports;
 * mm/gfp_names.c). */
void gfp_flags_name(gfp_t gfp, char *buf, unsigned long size);

#endif /* MM_GFP_H */
