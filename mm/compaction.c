/*
 * mm/compaction.c - what direct compaction decides around the engine
 * (mm/compact_zone.c): whether a zone is suitable, the fragmentation
 * index test for costly orders, deferral after failures, and the result
 * the slowpath acts on.
 */
#include "compaction.h"

#include "compact_zone.h"

#include "internal.h"
#include "lru.h"

/* Linux keeps these in struct zone; one node here, so by zone index. */
static struct compact_defer {
	unsigned int considered;      /* attempts since the last failure */
	unsigned int defer_shift;     /* skip up to 1 << shift attempts */
	unsigned int order_failed;    /* lowest order that failed */
} defer[MAX_NUMNODES * MAX_NR_ZONES]; /* by node * MAX_NR_ZONES + zone */

static unsigned long compact_events[NR_COMPACT_EVENTS];

enum compact_result (*mm_compaction_result_hook)(unsigned int order, enum compact_priority prio);

unsigned long mm_compact_event_count(enum compact_event e)
{
	return __atomic_load_n(&compact_events[e], __ATOMIC_RELAXED);
}

void mm_count_compact_event(enum compact_event e)
{
	__atomic_fetch_add(&compact_events[e], 1, __ATOMIC_RELAXED);
}

void mm_compaction_reset(void)
{
	struct zone *z;

	for_each_zone(z)
		mm__reset_isolation_suitable(z);
	for (int i = 0; i < MAX_NUMNODES * MAX_NR_ZONES; i++)
		defer[i].considered = defer[i].defer_shift = defer[i].order_failed = 0;
	for (int i = 0; i < NR_COMPACT_EVENTS; i++)
		compact_events[i] = 0;
}

/*
 * The deferral state is updated without a lock by every CPU that
 * compacts, as Linux's zone->compact_considered is: a lost update only
 * shifts when the next attempt comes. Each field is one relaxed atomic
 * access, so the race is explicit and never tears.
 */
#define DEFER_GET(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)
#define DEFER_SET(field, v) __atomic_store_n(&(field), (v), __ATOMIC_RELAXED)

void mm_defer_compaction(struct zone *zone, unsigned int order)
{
	struct compact_defer *d = &defer[zone->node * MAX_NR_ZONES + zone->zone_idx];

	DEFER_SET(d->considered, 0);
	if (DEFER_GET(d->defer_shift) < COMPACT_MAX_DEFER_SHIFT)
		DEFER_SET(d->defer_shift, DEFER_GET(d->defer_shift) + 1);
	if (order < DEFER_GET(d->order_failed))
		DEFER_SET(d->order_failed, order);
}

bool mm_compaction_deferred(struct zone *zone, unsigned int order)
{
	struct compact_defer *d = &defer[zone->node * MAX_NR_ZONES + zone->zone_idx];
	unsigned int limit = 1u << DEFER_GET(d->defer_shift), considered;

	if (order < DEFER_GET(d->order_failed))
		return false;
	considered = DEFER_GET(d->considered) + 1;
	if (considered > limit)
		considered = limit;
	DEFER_SET(d->considered, considered);
	return considered < limit;
}

void mm_compaction_defer_reset(struct zone *zone, unsigned int order, bool alloc_success)
{
	struct compact_defer *d = &defer[zone->node * MAX_NR_ZONES + zone->zone_idx];

	if (alloc_success) {
		DEFER_SET(d->considered, 0);
		DEFER_SET(d->defer_shift, 0);
	}
	if (order >= DEFER_GET(d->order_failed))
		DEFER_SET(d->order_failed, order + 1);
}

/*
 * Linux's rule: success if the watermark for the order already holds in
 * @zone as it is; skipped unless @free_pages (what the zone has, or could
 * have after reclaim) pass the min watermark (low for costly orders) plus
 * twice the request, as room for the migration targets. That order-0 test
 * uses no ALLOC_HIGH/ALLOC_HARDER discount: the free scanner isolates
 * against the plain watermark whoever asked, and a looser test here would
 * call compaction suitable only to have it skip at once. (The
 * fragmentation index is consulted by the caller that compacts.)
 */
enum compact_result mm__compaction_suitable(struct zone *zone, unsigned int order,
					  unsigned int alloc_flags, int highest_zoneidx,
					  long free_pages)
{
	unsigned long mark;

	if (!order)
		return COMPACT_CONTINUE;
	if (mm_zone_watermark_ok(zone, order, wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK),
			      highest_zoneidx, alloc_flags))
		return COMPACT_SUCCESS;
	mark = order > PAGE_ALLOC_COSTLY_ORDER ? low_wmark_pages(zone) : min_wmark_pages(zone);
	mark += 2UL << order;
	if (!mm__zone_watermark_ok(zone, 0, mark, highest_zoneidx, 0, free_pages))
		return COMPACT_SKIPPED;
	return COMPACT_CONTINUE;
}

bool mm_compaction_zonelist_suitable(unsigned int order, unsigned int alloc_flags, int highest_zoneidx)
{
	return mm_compaction_zonelist_suitable_zl(order, alloc_flags, mm_node_zonelist(numa_mem_id(), 0),
					       highest_zoneidx);
}

/* Only a share of the reclaimable pages counts, as in Linux: reclaiming
 * them all for one high-order request would thrash, and the block is not
 * guaranteed even then. A zone where the order already holds is no reason
 * to retry: the request just failed there. */
bool mm_compaction_zonelist_suitable_zl(unsigned int order, unsigned int alloc_flags,
				     const struct zonelist *zl, int highest_zoneidx)
{
	struct zone *const *zp;
	struct zone *z;

	for_each_zone_zonelist(z, zp, zl, highest_zoneidx) {
		long avail;

		avail = zone_page_state(z, NR_FREE_PAGES) +
			(long)(mm_zone_reclaimable_pages(z) / (order ? order : 1));
		if (mm__compaction_suitable(z, order, alloc_flags, highest_zoneidx, avail) ==
		    COMPACT_CONTINUE)
			return true;
	}
	return false;
}

/* One zone: the suitability answer, or a pass of the engine. Costly
 * orders are left to reclaim when the fragmentation index says the
 * failure is a shortage of memory rather than fragmentation (Linux's
 * extfrag_threshold test in compaction_suitable). */
static enum compact_result compact_zone_order(struct zone *zone, unsigned int order, gfp_t gfp,
					      unsigned int alloc_flags, int highest_zoneidx,
					      enum compact_priority prio)
{
	enum compact_result r = mm__compaction_suitable(zone, order, alloc_flags, highest_zoneidx,
						      zone_page_state(zone, NR_FREE_PAGES));

	if (r == COMPACT_SUCCESS || r == COMPACT_SKIPPED)
		return r;
	if (order > PAGE_ALLOC_COSTLY_ORDER) {
		int fragindex = mm_fragmentation_index(zone, order);

		if (fragindex >= 0 && fragindex <= mm_sysctl_extfrag_threshold)
			return COMPACT_NOT_SUITABLE_ZONE;
	}
	return mm_compact_zone_for_order(zone, (int)order, gfp_migratetype(gfp), alloc_flags,
				      highest_zoneidx, prio, NULL);
}

enum compact_result mm_try_to_compact_pages(gfp_t gfp, unsigned int order, unsigned int alloc_flags,
					 int highest_zoneidx, enum compact_priority prio)
{
	return mm_try_to_compact_zonelist(gfp, order, alloc_flags, mm_node_zonelist(numa_mem_id(), gfp),
				       highest_zoneidx, prio);
}

enum compact_result mm_try_to_compact_zonelist(gfp_t gfp, unsigned int order, unsigned int alloc_flags,
					    const struct zonelist *zl, int highest_zoneidx,
					    enum compact_priority prio)
{
	enum compact_result rc = COMPACT_SKIPPED;
	struct zone *const *zp;
	struct zone *z;

	/* Migration may need I/O; Linux skips callers that forbid it. */
	if (!order || !(gfp & __GFP_IO))
		return COMPACT_SKIPPED;
	if (mm_compaction_result_hook)
		return mm_compaction_result_hook(order, prio);
	for_each_zone_zonelist(z, zp, zl, highest_zoneidx) {
		enum compact_result status;

		if (prio > MIN_COMPACT_PRIORITY && mm_compaction_deferred(z, order)) {
			mm_count_compact_event(COMPACT_DEFERRED_EVENTS);
			if (rc < COMPACT_DEFERRED)
				rc = COMPACT_DEFERRED;
			continue;
		}
		status = compact_zone_order(z, order, gfp, alloc_flags, highest_zoneidx, prio);
		if (status > rc)
			rc = status;
		if (status == COMPACT_SUCCESS) {
			mm_compaction_defer_reset(z, order, false);
			break;
		}
		/* Async passes are cheap and partial: only sync failures defer. */
		if (prio != COMPACT_PRIO_ASYNC &&
		    (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED))
			mm_defer_compaction(z, order);
	}
	return rc;
}
