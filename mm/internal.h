/*
 * mm/internal.h - what the page allocator's files share among themselves
 * and nobody else should call: alloc_flags, the buddy primitives (zone->lock
 * held), per-CPU list entry points and the debug checks.
 */
#ifndef MM_INTERNAL_H
#define MM_INTERNAL_H

#include "compaction.h"
#include "gfp.h"
#include "page.h"
#include "vmstat.h"
#include "zone.h"

/* alloc_flags: which watermark a request must stay above (low 2 bits) and
 * what it may dig into. Linux's values; ALLOC_HIGH equals __GFP_HIGH so the
 * translation is a mask. */
#define ALLOC_WMARK_MIN WMARK_MIN
#define ALLOC_WMARK_LOW WMARK_LOW
#define ALLOC_WMARK_HIGH WMARK_HIGH
#define ALLOC_NO_WATERMARKS 0x04u /* __GFP_MEMALLOC: ignore watermarks */
#define ALLOC_WMARK_MASK (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM 0x08u	    /* the OOM victim: half of what is left */
#define ALLOC_HARDER 0x10u  /* atomic: min - min/4, and HIGHATOMIC */
#define ALLOC_HIGH 0x20u    /* __GFP_HIGH: min - min/2 */
#define ALLOC_NOFRAGMENT 0x100u /* no fallback below a pageblock: try other zones first */
#define ALLOC_KSWAPD 0x800u /* __GFP_KSWAPD_RECLAIM: may wake kswapd */
_Static_assert(ALLOC_HIGH == __GFP_HIGH, "ALLOC_HIGH is taken from gfp directly");
_Static_assert(ALLOC_KSWAPD == __GFP_KSWAPD_RECLAIM, "ALLOC_KSWAPD is taken from gfp directly");

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
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
extern uint8_t *mm_pageblock_mt; /* one migratetype per pageblock, by pfn >> 9 */
/* mm_get_pageblock_migratetype() without the call, for the free fast path.
 * Read without zone->lock, so a block changing type meanwhile may send the
 * page to its old type's list, as in Linux; the next merge under the lock
 * uses the new type. A relaxed load says the race is intended. */
static inline int pfn_pageblock_mt(unsigned long pfn)
{
	return __atomic_load_n(&mm_pageblock_mt[pfn >> pageblock_order], __ATOMIC_RELAXED);
}
void mm_set_pageblock_migratetype(unsigned long pfn, int migratetype);
/* Compaction's skip hints, one byte per pageblock by pfn >> 9 (PB_*_skip
 * in compact_zone.c); allocated and zeroed by mm_init() after the
 * migratetype bytes, when there is compaction. */
#if MM_CONFIG_COMPACTION
extern uint8_t *mm_pageblock_skip;
#define PAGEBLOCK_BYTES 2
#else
#define PAGEBLOCK_BYTES 1
#endif
/* Put a free block on its free list, merging with free buddies. Does not
 * touch NR_FREE_PAGES (the caller adds 1 << order). */
void mm__free_one_page(struct page *page, unsigned long pfn, struct zone *zone, unsigned int order,
		     int migratetype);
/* Take an order-@order block of @migratetype, splitting a larger one;
 * NR_FREE_PAGES is lowered. NULL when that list set is empty. */
struct page *mm__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype);
/* The same, falling back to other migratetypes (stealing pageblocks). */
struct page *mm__rmqueue(struct zone *zone, unsigned int order, int migratetype,
		       unsigned int alloc_flags);
/* Does @start's pageblock lie wholly in @zone? One shared with another
 * zone (or node) keeps its type: neither zone may retype it alone. */
static inline bool pageblock_in_zone(const struct zone *zone, unsigned long start)
{
	return zone_spans_pfn(zone, start) && start + pageblock_nr_pages <= zone_end_pfn(zone);
}
/* Give @page's pageblock the type @migratetype and move its free pages to
 * that type's lists (splitting a larger free block around it first, and
 * merging it with its buddy if it is wholly free); returns the pages
 * moved. A pageblock not wholly in @zone is left as it is: 0. */
unsigned long mm_move_freepages_block(struct zone *zone, struct page *page, int migratetype);
/* Free a block to the buddy lists of its pageblock's type (each pageblock
 * its own, for blocks larger than one), taking zone->lock; accounts it. */
void mm_free_one_page(struct zone *zone, struct page *page, unsigned long pfn, unsigned int order);

/* ---- watermark.c ---- */
bool mm__zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			 int highest_zoneidx, unsigned int alloc_flags, long free_pages);
/* Turn @page's pageblock into a HIGHATOMIC reserve if under the cap and
 * the pageblock lies wholly in @zone. */
void mm_reserve_highatomic_pageblock(struct page *page, struct zone *zone);
/* Give one reserved HIGHATOMIC pageblock of a zone in @ac's zonelist back
 * to @ac's migratetype (for the slowpath, when a request is about to
 * fail). Without @force a zone keeps its last reserved pageblock. Returns
 * true when a pageblock was released. Takes zone->lock. */
struct alloc_context;
bool mm_unreserve_highatomic_pageblock(const struct alloc_context *ac, bool force);
/* Watermark boosting (Linux 5.0): a fallback that stole from another
 * migratetype's pageblock raises zone->watermark_boost by a pageblock, up
 * to watermark_boost_factor/10000 of the high watermark (0: off). Needs
 * zone->lock. Returns true when raised (the caller wakes kswapd). */
bool mm_boost_watermark(struct zone *zone);

/* Order-0 fast check first, as Linux does: no free-list walk. */
static inline bool zone_watermark_fast(struct zone *z, unsigned int order, unsigned long mark,
				       int highest_zoneidx, unsigned int alloc_flags)
{
	/* Raw: a transiently negative count fails here and is clamped below. */
	long free_pages = __atomic_load_n(&z->vm_stat[NR_FREE_PAGES], __ATOMIC_RELAXED);

	if (!order) {
		long usable = free_pages;

		if (!(alloc_flags & (ALLOC_HARDER | ALLOC_OOM)))
			usable -= (long)z->nr_reserved_highatomic;
		if (usable > (long)mark + z->lowmem_reserve[highest_zoneidx])
			return true;
	}
	return mm__zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				   zone_page_state(z, NR_FREE_PAGES));
}

/* ---- debug.c ---- */
extern bool mm_debug_poison;
extern bool mm_debug_check_tails;
/* Set once any page has been poisoned: from then on PG_poisoned may sit on
 * any page of a block, so blocks are checked page by page (a test switching
 * poisoning off again must not leave stale marks behind). */
extern bool mm_poison_seen;
extern const char *const mm_migratetype_names[MIGRATE_TYPES];
/* Report "BUG: Bad page state" and count it; the caller leaks the page. */
void mm_bad_page(struct page *page, unsigned int order, const char *reason, void *caller);
/* The full checks before dropping the reference in __free_pages(), with
 * the report; the fast path calls it only when its own test failed. */
bool mm_free_page_check_entry(struct page *page, unsigned int order, void *caller);
/* Checks when the last reference is gone, for the cases the inline fast
 * path leaves out (compound, poisoning, tail checks, any flag or mapping
 * set); clears allocation state and poisons. False: bad, leak the block. */
bool mm_free_pages_prepare(struct page *page, unsigned int order, void *caller);
/* Full checks of a block about to be handed out (tails only under
 * mm_debug_check_tails or after poisoning); false: bad, leak it. */
bool mm_check_new_pages(struct page *page, unsigned int order);

/* At mm_init(), after the memory map is placed and before memblock's free
 * memory goes to the buddy lists: take the last-freer table from memblock
 * if poisoning is on (else there is none). */
void mm_page_freer_init(void);
/* Zone and per-CPU canaries (cpu < 0: the zone's only); false, after one
 * "BUG: <where>: canary overwritten in zone Z cpu N" line, when broken. */
bool mm_zone_canaries_ok(const struct zone *z, int cpu, const char *where);
/* One line "mm_check_invariants: <message>" (up to a limit), counted in
 * mm_check_invariants()'s result: for checkers of other parts of mm/. */
void mm_invariant_vproblem(const char *fmt, va_list ap);
/* A zone's name from its index, safe when the zone is overwritten. */
const char *mm_zone_name_safe(const struct zone *z);

/* Is a pass over every page of a block wanted (debug only)? */
static inline bool mm_tail_pass(void)
{
	/* Relaxed: set once, on any CPU, by the first poisoned free. */
	return mm_debug_check_tails || __atomic_load_n(&mm_poison_seen, __ATOMIC_RELAXED);
}

/* Flags a page may not carry when handed out; PG_poisoned is not wrong but
 * sends the page to mm_check_new_pages() to verify the pattern. */
#define PAGE_FLAGS_CHECK_AT_PREP \
	((1u << PG_buddy) | (1u << PG_pcp) | (1u << PG_reserved) | (1u << PG_lru) | \
	 (1u << PG_poisoned))

/* The head page of a block leaving the allocator: one flags test and two
 * compares; the rest only when debugging or something looks wrong. */
static __always_inline bool check_new_pages_fast(struct page *page, unsigned int order)
{
	bool clean = !((page_flags_read(page) & PAGE_FLAGS_CHECK_AT_PREP) |
		       (uint32_t)page->_refcount | (uintptr_t)page->mapping);

	if (likely(clean) && (!order || likely(!mm_tail_pass())))
		return true;
	return mm_check_new_pages(page, order);
}

/* ---- pcp.c ---- */
static inline unsigned int order_to_pindex(int migratetype, unsigned int order)
{
	return order * MIGRATE_PCPTYPES + (unsigned int)migratetype;
}

void mm_zone_pcp_init(struct zone *zone);
void mm_zone_pcp_update(struct zone *zone);
/* Give @count pages of @pcp back to the buddy lists (interrupts off). */
void mm_free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp);
/* A free of @order left @pcp at or over high, or is of order > 0 while
 * frees run without allocations: give back as many pages as
 * pcp_free_count says (interrupts off). */
void mm_free_pcppages_over_high(struct zone *zone, struct per_cpu_pages *pcp, unsigned int order);

/*
 * The per-CPU halves of allocation and free, inline because at this size
 * a call costs as much as the work. Everything that touches the CPU's
 * lists and counters happens with interrupts off, on the cpu read once.
 */

/* The rest of rmqueue_pcplist(): refill an empty list, check and report
 * bad blocks, count; restores @irqflags. */
struct page *mm_rmqueue_pcplist_slow(struct zone *zone, struct per_cpu_pages *pcp, unsigned int cpu,
				  unsigned int order, int migratetype, unsigned int alloc_flags,
				  unsigned long irqflags);

/* A checked block from the running CPU's list (refilled in a batch when
 * empty), counted in pgalloc_<zone>; NULL if the zone has nothing of that
 * order. Bad blocks met on the way are reported and leaked. Context: any.
 * Inline is only the common case: a list with a clean head page. */
static __always_inline struct page *rmqueue_pcplist(struct zone *zone, unsigned int order,
						    int migratetype, unsigned int alloc_flags)
{
	unsigned long flags = mm_irq_save();
	unsigned int cpu = mm_cpu_id();
	struct per_cpu_pages *pcp = &zone->pcp[cpu];
	struct list_head *list = &pcp->lists[order_to_pindex(migratetype, order)];
	struct list_head *first = list->next;
	struct page *page = list_entry(first, struct page, lru);

	/* An allocation: the next drain at high frees fewer pages. */
	pcp->free_factor >>= 1;
	if (unlikely(first == list) ||
	    unlikely(((page_flags_read(page) & PAGE_FLAGS_CHECK_AT_PREP) ^ (1u << PG_pcp)) |
		     (uint32_t)page->_refcount | (uintptr_t)page->mapping) ||
	    (order && unlikely(mm_tail_pass())))
		return mm_rmqueue_pcplist_slow(zone, pcp, cpu, order, migratetype, alloc_flags, flags);
	list_del(first);
	page_flags_write(page, page_flags_read(page) & ~(1u << PG_pcp));
	set_page_private(page, 0);
	pcp->count -= 1 << order;
	__count_cpu_vm_events(cpu, (enum vm_event_item)(PGALLOC_DMA + zone->zone_idx),
			      1UL << order);
	mm_irq_restore(flags);
	return page;
}

/* Free to the running CPU's list (counted in pgfree), draining when it
 * reaches high: a batch, more while frees run without allocations, all
 * of it for a block of order > 0 then (mm_free_pcppages_over_high).
 * HIGHATOMIC pages wait on the movable list; page->private remembers
 * where they go back to. */
static __always_inline void free_unref_page(struct page *page, unsigned int order, int migratetype)
{
	struct zone *zone = page_zone(page);
	unsigned long flags = mm_irq_save();
	unsigned int cpu = mm_cpu_id();
	struct per_cpu_pages *pcp = &zone->pcp[cpu];
	int list_mt = migratetype < MIGRATE_PCPTYPES ? migratetype : MIGRATE_MOVABLE;

	set_page_private(page, (uint32_t)migratetype);
	SetPageFlag(page, PG_pcp);
	list_add(&page->lru, &pcp->lists[order_to_pindex(list_mt, order)]);
	pcp->count += 1 << order;
	__count_cpu_vm_events(cpu, PGFREE, 1UL << order);
	if (unlikely(pcp->count >= pcp_high(pcp)) || unlikely(order && pcp->free_factor))
		mm_free_pcppages_over_high(zone, pcp, order);
	mm_irq_restore(flags);
}

/* ---- page_alloc.c ---- */
/* Which zone the order-0 fast path tries first for each highest zone;
 * after the zones' managed pages change (mm_init). */
void mm_build_zonelists(void);
/* Fault injection switched on or off: the order-0 fast path follows. */
void mm_page_alloc_fast_update(void);

/* ---- page_alloc.c: the slowpath's retry decisions (exported for tests) ---- */
struct alloc_context {
	const struct zonelist *zonelist; /* the preferred node's, by __GFP_THISNODE */
	int highest_zoneidx;		 /* the request's highest zone */
	int migratetype;
	struct zone *preferred_zone; /* first zone of the zonelist with memory */
};
/* Step 11 of the slowpath (README): retry after reclaim? Updates
 * *no_progress_loops. Reads zone counters; no lock needed. */
bool mm_should_reclaim_retry(gfp_t gfp, unsigned int order, const struct alloc_context *ac,
			  unsigned int alloc_flags, bool did_some_progress, int *no_progress_loops);
/* ...or for compaction's sake? May raise *compact_priority (lower value). */
bool mm_should_compact_retry(const struct alloc_context *ac, unsigned int order,
			  unsigned int alloc_flags, enum compact_result compact_result,
			  enum compact_priority *compact_priority, int *compaction_retries);

#endif /* MM_INTERNAL_H */
