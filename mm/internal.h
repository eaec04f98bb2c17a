/*
 * mm/internal.h - what the page allocator's files share among themselves
 * and nobody else should call: alloc_flags, the buddy primitives (zone->lock
 * held), per-CPU list entry points and the debug checks.
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include "gfp.h"
#include "page.h"
#include "zone.h"

/* alloc_flags: which watermark a request must stay above (low 2 bits) and
 * what it may dig into. Linux's values; ALLOC_HIGH equals __GFP_HIGH so the
 * translation is a mask. */
#define ALLOC_WMARK_MIN WMARK_MIN
#define ALLOC_WMARK_LOW WMARK_LOW
#define ALLOC_WMARK_HIGH WMARK_HIGH
#define ALLOC_NO_WATERMARKS 0x04u /* __GFP_MEMALLOC: ignore watermarks */
#define ALLOC_WMARK_MASK (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM 0x08u           /* the OOM victim: half of what is left */
#define ALLOC_HARDER 0x10u        /* atomic: min - min/4, and HIGHATOMIC */
#define ALLOC_HIGH 0x20u          /* __GFP_HIGH: min - min/2 */
#define ALLOC_KSWAPD 0x800u       /* __GFP_KSWAPD_RECLAIM: may wake kswapd */
_Static_assert(ALLOC_HIGH == __GFP_HIGH, "ALLOC_HIGH is taken from gfp directly");
_Static_assert(ALLOC_KSWAPD == __GFP_KSWAPD_RECLAIM, "ALLOC_KSWAPD is taken from gfp directly");

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

/* Relaxed read-modify-write of a counter updated under a lock (or on the
 * owning CPU) but read locklessly elsewhere. */
static inline void mod_counter(long *v, long delta)
{
	__atomic_store_n(v, __atomic_load_n(v, __ATOMIC_RELAXED) + delta, __ATOMIC_RELAXED);
}

static inline void zone_mod_free(struct zone *z, long delta)
{
	mod_counter(&z->vm_stat[NR_FREE_PAGES], delta);
}

/* ---- buddy.c: all need zone->lock held ---- */
extern uint8_t *pageblock_mt; /* one migratetype per pageblock, by pfn >> 9 */
void set_pageblock_migratetype(unsigned long pfn, int migratetype);
/* Put a free block on its free list, merging with free buddies. Does not
 * touch NR_FREE_PAGES (the caller adds 1 << order). */
void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone,
		     unsigned int order, int migratetype);
/* Take an order-@order block of @migratetype, splitting a larger one;
 * NR_FREE_PAGES is lowered. NULL when that list set is empty. */
struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype);
/* The same, falling back to other migratetypes (stealing pageblocks). */
struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype,
		       unsigned int alloc_flags);
/* Move the free pages of @page's pageblock to @migratetype's lists; returns
 * pages moved, and counts allocated LRU pages in *num_movable if given. */
unsigned long move_freepages_block(struct zone *zone, struct page *page, int migratetype,
				   unsigned long *num_movable);
/* Lock-taking wrapper of __free_one_page with accounting. */
void free_one_page(struct zone *zone, struct page *page, unsigned long pfn,
		   unsigned int order, int migratetype);

/* ---- watermark.c ---- */
bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			 int highest_zoneidx, unsigned int alloc_flags, long free_pages);
/* Turn @page's pageblock into a HIGHATOMIC reserve if under the cap. */
void reserve_highatomic_pageblock(struct page *page, struct zone *zone);
/* Give one reserved HIGHATOMIC pageblock back (for the slowpath, when a
 * request is about to fail). Returns true when a block was released. */
bool unreserve_highatomic_pageblock(int highest_zoneidx, int migratetype);

/* Order-0 fast check first, as Linux does: no free-list walk. */
static inline bool zone_watermark_fast(struct zone *z, unsigned int order,
				       unsigned long mark, int highest_zoneidx,
				       unsigned int alloc_flags)
{
	long free_pages = zone_page_state(z, NR_FREE_PAGES);

	if (!order) {
		long usable = free_pages;

		if (!(alloc_flags & (ALLOC_HARDER | ALLOC_OOM)))
			usable -= (long)z->nr_reserved_highatomic;
		if (usable > (long)mark + z->lowmem_reserve[highest_zoneidx])
			return true;
	}
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages);
}

/* ---- pcp.c ---- */
void zone_pcp_init(struct zone *zone);
void zone_pcp_update(struct zone *zone);
/* Per-CPU list allocation (refilled in a batch when empty); NULL if the
 * zone has nothing of that order. Context: any. */
struct page *rmqueue_pcplist(struct zone *zone, unsigned int order, int migratetype,
			     unsigned int alloc_flags);
/* Free to the running CPU's list, draining a batch when it reaches high. */
void free_unref_page(struct page *page, unsigned long pfn, unsigned int order,
		     int migratetype);

/* ---- debug.c ---- */
extern bool mm_debug_poison;
extern const char *const migratetype_names[MIGRATE_TYPES];
/* Report "BUG: Bad page state" and count it; the caller leaks the page. */
void bad_page(struct page *page, unsigned int order, const char *reason, void *caller);
/* Checks before dropping the reference in __free_pages(). */
bool free_page_check_entry(struct page *page, unsigned int order, void *caller);
/* Checks when the last reference is gone; clears allocation state and
 * poisons. False: bad, leak the block. */
bool free_pages_prepare(struct page *page, unsigned int order, void *caller);
/* Checks a block about to be handed out; false: bad, leak it. */
bool check_new_pages(struct page *page, unsigned int order);

#endif /* MM_INTERNAL_H */
