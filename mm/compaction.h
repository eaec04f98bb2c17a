/*
 * mm/compaction.h - direct compaction as the allocator's slowpath sees it:
 * priorities, result codes, the suitability test, and deferral after
 * failures (Linux's compaction.h vocabulary and ordering).
 *
 * The engine that moves pages is mm/compact_zone.c; this header is the
 * slowpath's side. mm_try_to_compact_pages() answers COMPACT_SKIPPED when
 * the zone lacks the free pages compaction would need,
 * COMPACT_NOT_SUITABLE_ZONE when a costly request looks like a plain
 * shortage (fragmentation index at or below extfrag_threshold),
 * COMPACT_DEFERRED when recent failures say "not yet", and otherwise the
 * pass's result: COMPACT_SUCCESS when a block of the order is free,
 * COMPACT_COMPLETE when the scanners met without one (which defers later
 * attempts at sync priorities).
 */
#ifndef MM_COMPACTION_H
#define MM_COMPACTION_H

#include <stdbool.h>

#include "config.h"
#include "gfp.h"
#include "zone.h"

enum compact_priority {
	COMPACT_PRIO_SYNC_FULL,
	MIN_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_FULL,
	COMPACT_PRIO_SYNC_LIGHT,
	MIN_COMPACT_COSTLY_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
	DEF_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
	COMPACT_PRIO_ASYNC,
	INIT_COMPACT_PRIORITY = COMPACT_PRIO_ASYNC
};

/* Ordered: the slowpath keeps the maximum over zones. */
enum compact_result {
	COMPACT_NOT_SUITABLE_ZONE, /* order 0 or no zone: never attempted */
	COMPACT_SKIPPED,	   /* too few free pages to migrate into */
	COMPACT_DEFERRED,	   /* failed recently: wait before trying */
	COMPACT_INACTIVE = COMPACT_DEFERRED,
	COMPACT_NO_SUITABLE_PAGE,
	COMPACT_CONTINUE, /* suitable: compaction should run */
	COMPACT_COMPLETE, /* a whole pass, nothing assembled */
	COMPACT_PARTIAL_SKIPPED,
	COMPACT_CONTENDED,
	COMPACT_SUCCESS, /* a block of the order is free */
};

#define MAX_COMPACT_RETRIES 16
#define COMPACT_MAX_DEFER_SHIFT 6

static inline bool compaction_made_progress(enum compact_result r)
{
	return r == COMPACT_SUCCESS;
}

/* Too few free pages to migrate into: only reclaim can change that.
 * Every other result short of success (a full pass that failed, or one
 * that backed off: deferred, contended, partial) asks for a higher
 * priority. */
static inline bool compaction_needs_reclaim(enum compact_result r)
{
	return r == COMPACT_SKIPPED;
}

/* Counters: stalls (direct compaction attempts that ran), failures,
 * successes, and attempts skipped by deferral. */
enum compact_event {
	COMPACTSTALL,
	COMPACTFAIL,
	COMPACTSUCCESS,
	COMPACT_DEFERRED_EVENTS,
	NR_COMPACT_EVENTS
};

struct zonelist;

#if MM_CONFIG_COMPACTION
/*
 * Direct compaction for an order-@order request whose highest zone is
 * @highest_zoneidx, at priority @prio: the maximum result over the
 * zones. (The slowpath counts compact_stall and its outcome.) Context:
 * thread, may take long (it yields between batches); the caller has set
 * PF_MEMALLOC.
 */
enum compact_result mm_try_to_compact_pages(gfp_t gfp, unsigned int order, unsigned int alloc_flags,
					 int highest_zoneidx, enum compact_priority prio);
/* The same over the zones of @zl (the slowpath's; mm_try_to_compact_pages
 * takes the running CPU's node's zonelist for @gfp). */
enum compact_result mm_try_to_compact_zonelist(gfp_t gfp, unsigned int order, unsigned int alloc_flags,
					    const struct zonelist *zl, int highest_zoneidx,
					    enum compact_priority prio);

/* Would compaction in @zone make sense for @order (Linux's
 * mm__compaction_suitable)? COMPACT_SUCCESS when the order's watermark holds
 * now, COMPACT_SKIPPED when @free_pages leave no room for migration
 * targets, else COMPACT_CONTINUE. */
enum compact_result mm__compaction_suitable(struct zone *zone, unsigned int order,
					  unsigned int alloc_flags, int highest_zoneidx,
					  long free_pages);

/* For mm_should_compact_retry: could reclaim make compaction worth running
 * (COMPACT_CONTINUE) in a zone, counting free pages and reclaimable pages
 * divided by the order? */
bool mm_compaction_zonelist_suitable(unsigned int order, unsigned int alloc_flags,
				  int highest_zoneidx);
bool mm_compaction_zonelist_suitable_zl(unsigned int order, unsigned int alloc_flags,
				     const struct zonelist *zl, int highest_zoneidx);

/* For host tests that drive the slowpath through every result: when
 * set, direct compaction returns what it answers instead of running. */
extern enum compact_result (*mm_compaction_result_hook)(unsigned int order,
						     enum compact_priority prio);

/* Deferral (per zone, Linux's rules): after a failure at @order the next
 * 1 << defer_shift attempts at that order or above are skipped, the shift
 * growing to COMPACT_MAX_DEFER_SHIFT with each failure. */
void mm_defer_compaction(struct zone *zone, unsigned int order);
bool mm_compaction_deferred(struct zone *zone, unsigned int order);
/* The allocation succeeded after compaction (@alloc_success) or
 * compaction succeeded: forget the failures up to @order. */
void mm_compaction_defer_reset(struct zone *zone, unsigned int order, bool alloc_success);

unsigned long mm_compact_event_count(enum compact_event e);
void mm_count_compact_event(enum compact_event e);
/* Deferral state and counters to boot values (host tests). */
void mm_compaction_reset(void);

#else /* !MM_CONFIG_COMPACTION: nothing is ever compacted */

/* "Not suitable": never attempted, and nothing for reclaim to prepare. */
static inline enum compact_result mm_try_to_compact_pages(gfp_t gfp, unsigned int order,
						       unsigned int alloc_flags,
						       int highest_zoneidx,
						       enum compact_priority prio)
{
	(void)gfp, (void)order, (void)alloc_flags, (void)highest_zoneidx, (void)prio;
	return COMPACT_NOT_SUITABLE_ZONE;
}
static inline enum compact_result mm_try_to_compact_zonelist(gfp_t gfp, unsigned int order,
							  unsigned int alloc_flags,
							  const struct zonelist *zl,
							  int highest_zoneidx,
							  enum compact_priority prio)
{
	(void)zl;
	return mm_try_to_compact_pages(gfp, order, alloc_flags, highest_zoneidx, prio);
}
static inline enum compact_result mm__compaction_suitable(struct zone *zone, unsigned int order,
							unsigned int alloc_flags,
							int highest_zoneidx, long free_pages)
{
	(void)zone, (void)order, (void)alloc_flags, (void)highest_zoneidx, (void)free_pages;
	return COMPACT_NOT_SUITABLE_ZONE;
}
static inline bool mm_compaction_zonelist_suitable(unsigned int order, unsigned int alloc_flags,
						int highest_zoneidx)
{
	(void)order, (void)alloc_flags, (void)highest_zoneidx;
	return false;
}
static inline bool mm_compaction_zonelist_suitable_zl(unsigned int order, unsigned int alloc_flags,
						   const struct zonelist *zl, int highest_zoneidx)
{
	(void)zl;
	return mm_compaction_zonelist_suitable(order, alloc_flags, highest_zoneidx);
}
static inline void mm_defer_compaction(struct zone *zone, unsigned int order)
{
	(void)zone, (void)order;
}
static inline bool mm_compaction_deferred(struct zone *zone, unsigned int order)
{
	(void)zone, (void)order;
	return false;
}
static inline void mm_compaction_defer_reset(struct zone *zone, unsigned int order,
					  bool alloc_success)
{
	(void)zone, (void)order, (void)alloc_success;
}
static inline unsigned long mm_compact_event_count(enum compact_event e)
{
	(void)e;
	return 0;
}
static inline void mm_count_compact_event(enum compact_event e)
{
	(void)e;
}
static inline void mm_compaction_reset(void)
{
}
#endif /* MM_CONFIG_COMPACTION */

#endif /* MM_COMPACTION_H */
