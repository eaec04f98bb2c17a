/*
 * mm/page_alloc.c - the page allocator's API: alloc_pages() and its fast
 * path get_page_from_freelist(), __free_pages() and the address-based
 * helpers. Requests are checked, translated to alloc_flags, and walk the
 * zonelist (their highest zone down to DMA) testing watermark plus lowmem
 * reserve in each zone.
 *
 * The common case - a valid request, the first zone above its watermark, a
 * block on the per-CPU list, clean head page - is kept short: the request
 * is checked with one mask and one table look-up, every step down to the
 * list pop is inline, and a free costs one test of the head page's flags
 * before the push. Anything unusual leaves for an out-of-line function
 * that does the full work and reports.
 *
 * When the fast path fails at the low watermark, __alloc_pages_slowpath()
 * runs ../shared/README.md's thirteen steps in order, one helper each:
 * wake kswapd, retry at min, compaction, reserves, direct reclaim, the
 * retry decisions, OOM, __GFP_NOFAIL, the failure report.
 */
#include "compaction.h"
#include "fail_page_alloc.h"
#include "internal.h"
#include "kswapd.h"
#include "lru.h"
#include "oom.h"
#include "vmscan.h"
#include "vmstat.h"

struct page *mm_mem_map;
unsigned long mm_max_pfn;

unsigned long nr_free_pages(void)
{
	unsigned long sum = 0;
	struct zone *z;

	for_each_zone(z)
		sum += (unsigned long)zone_page_state(z, NR_FREE_PAGES);
	return sum;
}

/*
 * Requests we refuse, with one warning line (even under __GFP_NOWARN: they
 * are bugs in the caller, not memory shortage):
 *  - more than one of __GFP_DMA/__GFP_DMA32/__GFP_HIGHMEM: no zone is
 *    both (Linux BUGs on this: GFP_ZONE_BAD);
 *  - __GFP_MOVABLE with __GFP_RECLAIMABLE: two mobility types at once
 *    (Linux warns and takes a bogus migratetype);
 *  - __GFP_NOFAIL with __GFP_NORETRY: "never fail" and "fail early" at once;
 *  - __GFP_NOFAIL above PAGE_ALLOC_COSTLY_ORDER: Linux warns and loops,
 *    but such orders never reach the OOM killer, and when compaction
 *    cannot assemble the block the loop could be endless. Orders 2 and 3 are honoured with Linux's warning;
 *  - order >= MAX_ORDER, and bits outside __GFP_BITS_MASK.
 */
static const char *gfp_invalid_reason(gfp_t gfp, unsigned int order)
{
	if (order >= MAX_ORDER)
		return "order >= MAX_ORDER";
	if (gfp & ~__GFP_BITS_MASK)
		return "unknown gfp bits";
	if (gfp_zone(gfp) == ZONE_INVALID)
		return "more than one zone modifier";
	if ((gfp & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK)
		return "both __GFP_MOVABLE and __GFP_RECLAIMABLE";
	if ((gfp & (__GFP_NOFAIL | __GFP_NORETRY)) == (__GFP_NOFAIL | __GFP_NORETRY))
		return "__GFP_NOFAIL with __GFP_NORETRY";
	if ((gfp & __GFP_NOFAIL) && order > PAGE_ALLOC_COSTLY_ORDER)
		return "__GFP_NOFAIL above order 3 (PAGE_ALLOC_COSTLY_ORDER)";
	return NULL;
}

/* Gfp bits that always send a request to the full check: out of range,
 * or __GFP_NOFAIL (valid only with some orders and flags). */
#define GFP_SLOW_CHECK (~__GFP_BITS_MASK | __GFP_NOFAIL)

static __attribute__((noinline)) bool alloc_request_valid(gfp_t gfp, unsigned int order,
							  void *caller)
{
	const char *why = gfp_invalid_reason(gfp, order);
	static bool nofail_warned;

	if (likely(!why)) {
		/* Linux 6.1's warning (rmqueue): NOFAIL is for small orders. */
		if ((gfp & __GFP_NOFAIL) && order > 1 && !nofail_warned) {
			nofail_warned = true;
			mm_printk("WARNING: alloc_pages: __GFP_NOFAIL at order %u (caller %p): may loop long\n",
				  order, caller);
		}
		return true;
	}
	mm_printk("WARNING: alloc_pages: invalid request gfp 0x%x order %u: %s (caller %p)\n", gfp,
		  order, why, caller);
	count_vm_events(PGALLOC_INVALID, 1);
	return false;
}

/* Linux's translation (6.1 gfp_to_alloc_flags) for the retry at min. */
static unsigned int gfp_to_alloc_flags(gfp_t gfp)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN;

	alloc_flags |= gfp & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM);
	if ((gfp & __GFP_ATOMIC) && !(gfp & __GFP_NOMEMALLOC))
		alloc_flags |= ALLOC_HARDER;
	return alloc_flags;
}

static void prep_compound_page(struct page *page, unsigned int order)
{
	SetPageFlag(page, PG_head);
	for (unsigned long i = 1; i < (1UL << order); i++) {
		struct page *p = page + i;

		SetPageFlag(p, PG_tail);
		p->lru.next = (struct list_head *)((uintptr_t)page | 1);
	}
}

static void zero_pages(struct page *page, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		volatile uint64_t *w = page_address(page + i);

		for (unsigned long k = 0; k < MM_PAGE_SIZE / 8; k++)
			w[k] = 0;
	}
}

static __attribute__((noinline)) void prep_new_page_extra(struct page *page, unsigned int order,
							  gfp_t gfp)
{
	if (gfp & __GFP_ZERO)
		zero_pages(page, order);
	if ((gfp & __GFP_COMP) && order)
		prep_compound_page(page, order);
}

static __always_inline void prep_new_page(struct page *page, unsigned int order, gfp_t gfp)
{
	set_page_count(page, 1);
	set_page_alloc_order(page, order);
	if (unlikely(gfp & (__GFP_ZERO | __GFP_COMP)))
		prep_new_page_extra(page, order, gfp);
}

static struct page *rmqueue_buddy(struct zone *zone, unsigned int order, int migratetype,
				  unsigned int alloc_flags)
{
	unsigned long flags = mm_spin_lock_irqsave(&zone->lock);
	struct page *page = NULL;

	/* High-order atomic requests may use the HIGHATOMIC reserve first. */
	if (order > 0 && (alloc_flags & ALLOC_HARDER))
		page = mm__rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
	if (!page)
		page = mm__rmqueue(zone, order, migratetype, alloc_flags);
	mm_spin_unlock_irqrestore(&zone->lock, flags);
	return page;
}

/* A checked block of @zone from the buddy lists (orders without per-CPU
 * lists, or when the per-CPU list could not be refilled); bad blocks found
 * on the way are reported and leaked. */
static __attribute__((noinline)) struct page *rmqueue_slow(struct zone *zone, unsigned int order,
							   int migratetype,
							   unsigned int alloc_flags)
{
	struct page *page;

	do {
		page = rmqueue_buddy(zone, order, migratetype, alloc_flags);
	} while (page && unlikely(!mm_check_new_pages(page, order)));
	if (page)
		count_vm_events((enum vm_event_item)(PGALLOC_DMA + zone->zone_idx), 1UL << order);
	return page;
}

static __always_inline struct page *rmqueue(struct zone *zone, unsigned int order, int migratetype,
					    unsigned int alloc_flags)
{
	struct page *page = NULL;

	if (likely(order <= PCP_MAX_ORDER))
		page = rmqueue_pcplist(zone, order, migratetype, alloc_flags);
	if (unlikely(!page))
		page = rmqueue_slow(zone, order, migratetype, alloc_flags);
	return page;
}

/*
 * The fast path: the first zone of the zonelist that passes its watermark
 * (plus the lowmem reserve protecting it from this request's highest zone)
 * gives the block. With ALLOC_NOFRAGMENT a first walk takes no fallback
 * below a pageblock and stays on the first zone's node; when that walk
 * finds nothing, the zonelist is walked again without it (Linux's order:
 * fragmenting a local zone beats a remote node).
 */
static __always_inline struct page *get_page_from_freelist(gfp_t gfp, unsigned int order,
							   unsigned int alloc_flags,
							   const struct zonelist *zl,
							   int highest_zoneidx, int migratetype)
{
	struct zone *const *zp;
	struct zone *zone;
	int local_nid = -1;

retry:
	for_each_zone_zonelist(zone, zp, zl, highest_zoneidx) {
		struct page *page;

		if (unlikely(alloc_flags & ALLOC_NOFRAGMENT)) {
			if (local_nid < 0)
				local_nid = zone->node;
			else if (zone->node != local_nid)
				break;
		}
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_watermark_fast(zone, order,
					 wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK),
					 highest_zoneidx, alloc_flags))
			continue;
		page = rmqueue(zone, order, migratetype, alloc_flags);
		if (!page)
			continue;
		prep_new_page(page, order, gfp);
		if (unlikely(order && (alloc_flags & ALLOC_HARDER)))
			mm_reserve_highatomic_pageblock(page, zone);
		return page;
	}
	if (unlikely(alloc_flags & ALLOC_NOFRAGMENT)) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NULL;
}

/*
 * Linux's alloc_flags_nofragment(): a request whose first zone is Normal
 * may not mix migratetypes inside a pageblock on its first walk while the
 * DMA32 zone below could serve it from its own lists (on one node Linux
 * assumes that zone is there; on several it checks). DMA32 and DMA
 * requests have nowhere lower to spread to.
 */
static unsigned int alloc_flags_nofragment(const struct zonelist *zl, int highest_zoneidx)
{
	struct zone *const *zp;
	struct zone *z;

	for_each_zone_zonelist(z, zp, zl, highest_zoneidx) {
		if (z->zone_idx != ZONE_NORMAL)
			return 0;
		if (mm_nr_nodes > 1 && !populated_zone(&NODE_DATA(z->node)->node_zones[ZONE_DMA32]))
			return 0;
		return ALLOC_NOFRAGMENT;
	}
	return 0;
}

/* ==== The slowpath: ../shared/README.md's steps 1-13, in order ==== */

/* Linux's warn_once, for misuse the caller should fix. */
#define WARN_ONCE_MSG(cond, ...) \
	__extension__({ \
		static bool __warned; \
		bool __c = (cond); \
		if (__c && !__warned) { \
			__warned = true; \
			mm_printk("WARNING: " __VA_ARGS__); \
		} \
		__c; \
	})

/* One out-of-line copy of the fast path for the slowpath's many tries. */
static __attribute__((noinline)) struct page *slow_freelist(gfp_t gfp, unsigned int order,
							    unsigned int alloc_flags,
							    const struct alloc_context *ac)
{
	return get_page_from_freelist(gfp, order, alloc_flags, ac->zonelist, ac->highest_zoneidx,
				      ac->migratetype);
}

/* 1. An atomic request that may also sleep is not atomic. */
static gfp_t normalise_gfp(gfp_t gfp)
{
	if ((gfp & (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM)) == (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM))
		gfp &= ~__GFP_ATOMIC;
	return gfp;
}

/* 3. The first zone of the zonelist the request may use, or NULL. */
static struct zone *first_usable_zone(const struct alloc_context *ac)
{
	struct zone *const *zp;
	struct zone *z;

	for_each_zone_zonelist(z, zp, ac->zonelist, ac->highest_zoneidx)
		return z;
	return NULL;
}

/* 4 and 7. Each node's kswapd once, through the first zone of that node
 * in the zonelist (Linux's wake_all_kswapds). */
static void wake_all_kswapds(gfp_t gfp, unsigned int order, const struct alloc_context *ac)
{
	bool woken[MAX_NUMNODES] = { false };
	struct zone *const *zp;
	struct zone *z;

	for_each_zone_zonelist(z, zp, ac->zonelist, ac->highest_zoneidx) {
		if (woken[z->node])
			continue;
		woken[z->node] = true;
		mm_wakeup_kswapd(z, gfp, order, ac->highest_zoneidx);
	}
}

/* 7. Who may ignore the watermarks: __GFP_MEMALLOC, and a reclaimer
 * (PF_MEMALLOC, not in an interrupt) - unless __GFP_NOMEMALLOC. */
static unsigned int reserve_flags_for(gfp_t gfp)
{
	if (gfp & __GFP_NOMEMALLOC)
		return 0;
	if (gfp & __GFP_MEMALLOC)
		return ALLOC_NO_WATERMARKS;
	if (*mm_current_flags() & MM_PF_MEMALLOC)
		return ALLOC_NO_WATERMARKS;
	return 0;
}

/* Run @fn's reclaim or compaction as a reclaimer: its own allocations
 * may use the reserves and never recurse into reclaim (step 8). */
static unsigned int memalloc_save(void)
{
	unsigned int *pf = mm_current_flags(), saved = *pf & MM_PF_MEMALLOC;

	*pf |= MM_PF_MEMALLOC;
	return saved;
}

static void memalloc_restore(unsigned int saved)
{
	unsigned int *pf = mm_current_flags();

	*pf = (*pf & ~MM_PF_MEMALLOC) | saved;
}

/* 6 and 9. Direct compaction at @prio (it migrates movable pages to
 * assemble a block: compaction.c, compact_zone.c), then a try. */
static struct page *alloc_pages_direct_compact(gfp_t gfp, unsigned int order,
					       unsigned int alloc_flags,
					       const struct alloc_context *ac,
					       enum compact_priority prio,
					       enum compact_result *result)
{
	struct page *page;
	unsigned int saved;

	*result = COMPACT_SKIPPED;
	/* Without the compaction layer nothing assembles a block: the
	 * request goes on to reclaim, or fails (costly orders do). */
	if (!MM_CONFIG_COMPACTION || !order)
		return NULL;
	saved = memalloc_save();
	*result = mm_try_to_compact_zonelist(gfp, order, alloc_flags, ac->zonelist,
					  ac->highest_zoneidx, prio);
	memalloc_restore(saved);
	if (*result <= COMPACT_INACTIVE)
		return NULL;
	mm_count_compact_event(COMPACTSTALL);
	page = slow_freelist(gfp, order, alloc_flags, ac);
	if (page) {
		mm_compaction_defer_reset(page_zone(page), order, true);
		mm_count_compact_event(COMPACTSUCCESS);
		return page;
	}
	mm_count_compact_event(COMPACTFAIL);
	mm_cond_resched();
	return NULL;
}

/* 9. Direct reclaim (allocstall is counted by mm_try_to_free_pages), then a
 * try; reclaimed pages land on per-CPU lists, where the watermark test
 * does not see them, so on failure drain those once (and give back a
 * HIGHATOMIC reserve, keeping each zone's last) and try again. Without
 * the reclaim layer only that last part is left: pages other CPUs keep on
 * their lists and the HIGHATOMIC reserves are all there is to get back. */
static struct page *alloc_pages_direct_reclaim(gfp_t gfp, unsigned int order,
					       unsigned int alloc_flags,
					       const struct alloc_context *ac,
					       unsigned long *did_some_progress)
{
	struct page *page;

	*did_some_progress = 0;
	if (MM_CONFIG_RECLAIM) {
		unsigned int saved = memalloc_save();

		*did_some_progress = mm_try_to_free_zonelist(gfp, order, ac->zonelist,
							  ac->highest_zoneidx, NULL);
		memalloc_restore(saved);
		mm_cond_resched();
		if (!*did_some_progress)
			return NULL;
		mm_kswapd_reset_failures(); /* the node is reclaimable after all */
		page = slow_freelist(gfp, order, alloc_flags, ac);
		if (page)
			return page;
	}
	mm_unreserve_highatomic_pageblock(ac, false);
	drain_all_pages(NULL);
	return slow_freelist(gfp, order, alloc_flags, ac);
}

/*
 * 11. Retry after reclaim while it progresses, or while free plus
 * reclaimable pages could pass the min watermark - the reclaimable part
 * counted less with every round without progress, up to
 * MAX_RECLAIM_RETRIES rounds. Costly orders always count a round without
 * progress: freed pages need not make their order available. When that
 * says no, the HIGHATOMIC reserves go back before anything is killed,
 * one pageblock a round, and the request goes on if there was one.
 */
bool mm_should_reclaim_retry(gfp_t gfp, unsigned int order, const struct alloc_context *ac,
			  unsigned int alloc_flags, bool did_some_progress, int *no_progress_loops)
{
	struct zone *const *zp;
	struct zone *z;

	(void)gfp;
	if (did_some_progress && order <= PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops > MAX_RECLAIM_RETRIES)
		return mm_unreserve_highatomic_pageblock(ac, true);
	for_each_zone_zonelist(z, zp, ac->zonelist, ac->highest_zoneidx) {
		unsigned long reclaimable, available;

		reclaimable = mm_zone_reclaimable_pages(z);
		available = reclaimable -
			    (reclaimable * (unsigned long)*no_progress_loops + MAX_RECLAIM_RETRIES -
			     1) / MAX_RECLAIM_RETRIES;
		available += (unsigned long)zone_page_state(z, NR_FREE_PAGES);
		if (mm__zone_watermark_ok(z, order, min_wmark_pages(z), ac->highest_zoneidx,
					alloc_flags, (long)available))
			return true;
	}
	return mm_unreserve_highatomic_pageblock(ac, true);
}

/*
 * 11. For order > 0 after reclaim progressed, bounded as Linux bounds it:
 * each priority gets at most MAX_COMPACT_RETRIES rounds (a quarter for
 * costly orders) of compaction that succeeded yet lost the block, or that
 * was skipped for want of free pages while reclaim could still give them;
 * compaction that failed, or backed off (deferred, contended, a partial
 * pass), goes straight to the next priority. Past the lowest allowed
 * priority, no more. So a request ends after at most
 * (MAX_COMPACT_RETRIES + 1) * 3 compaction-driven rounds.
 */
bool mm_should_compact_retry(const struct alloc_context *ac, unsigned int order,
			  unsigned int alloc_flags, enum compact_result compact_result,
			  enum compact_priority *compact_priority, int *compaction_retries)
{
	int max_retries = MAX_COMPACT_RETRIES;
	enum compact_priority min_priority;

	if (!MM_CONFIG_COMPACTION || !order)
		return false;
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		max_retries /= 4;
	if (compaction_needs_reclaim(compact_result))
		/* A higher priority would not find more free pages. */
		return ++(*compaction_retries) <= max_retries &&
		       mm_compaction_zonelist_suitable_zl(order, alloc_flags, ac->zonelist,
						       ac->highest_zoneidx);
	if (compaction_made_progress(compact_result) && ++(*compaction_retries) <= max_retries)
		return true;
	/* Failed, withdrawn, or out of retries: a higher priority, if any. */
	min_priority = order > PAGE_ALLOC_COSTLY_ORDER ? MIN_COMPACT_COSTLY_PRIORITY
						       : MIN_COMPACT_PRIORITY;
	if (*compact_priority > min_priority) {
		(*compact_priority)--;
		*compaction_retries = 0;
		return true;
	}
	return false;
}

/*
 * 12. The OOM killer: one last try at the high watermark first (memory
 * may have come back meanwhile; high keeps us from killing for a page
 * someone just freed), then for a high order a block reclaimed in place
 * (vmscan.c's last resort), and not for costly orders (killing need not make
 * a large block), __GFP_RETRY_MAYFAIL or __GFP_NORETRY. Linux also spares
 * requests limited to lowmem zones; here DMA32 is the main zone of any
 * machine below 4 GiB, so that rule is left out. *did_some_progress says
 * whether to retry: a task was killed (its pages are drained to the buddy
 * lists, where the watermark test sees them).
 */
static struct page *alloc_pages_may_oom(gfp_t gfp, unsigned int order,
					const struct alloc_context *ac,
					enum compact_priority compact_priority,
					enum compact_result compact_result,
					unsigned long *did_some_progress)
{
	static const char *const prio_names[] = { "sync_full", "sync_light", "async" };
	struct page *page;

	*did_some_progress = 0;
	page = slow_freelist(gfp, order, ALLOC_WMARK_HIGH, ac);
	if (page)
		return page;
	if (order > PAGE_ALLOC_COSTLY_ORDER ||
	    (gfp & (__GFP_RETRY_MAYFAIL | __GFP_NORETRY | __GFP_THISNODE)))
		return NULL;
	/* Compaction could not make the block, but if a zone has the pages
	 * and a block of only free and page-cache pages, reclaiming those
	 * in place makes it without a kill. */
	if (order && mm_try_to_reclaim_block(gfp, order, ac->zonelist, ac->highest_zoneidx)) {
		*did_some_progress = 1;
		return NULL;
	}
	/* What compaction last did, for the kill report (oom.c then says
	 * whether any block could still have been made). */
	if (order && (gfp & __GFP_FS))
		mm_printk("%s: order-%u compaction last ran at priority %s%s: %s\n",
			  mm_current_name(), order,
			  compact_priority <= COMPACT_PRIO_ASYNC ? prio_names[compact_priority] : "?",
			  compact_priority == MIN_COMPACT_PRIORITY ? " (the highest)" : "",
			  compact_result == COMPACT_COMPLETE ? "failed, the scanners met" :
			  compact_result == COMPACT_SKIPPED ? "skipped, too few free pages" :
			  compact_result == COMPACT_DEFERRED ? "deferred" : "no block");
	/* A request that could not enter the filesystem reclaimed with one
	 * hand tied: killing for it would be premature. Linux reports progress
	 * and loops, waiting for others to reclaim; here it fails instead (a
	 * NOFAIL one takes the reserves), so that a kernel with nobody else to
	 * free memory does not spin. */
	if ((gfp & __GFP_FS) && mm_out_of_memory(gfp, order)) {
		*did_some_progress = 1;
		mm_kswapd_reset_failures();
		drain_all_pages(NULL);
	} else if (gfp & __GFP_NOFAIL) {
		/* Nothing to kill: Linux lets NOFAIL into the reserves. */
		*did_some_progress = 1;
		page = slow_freelist(gfp, order, ALLOC_NO_WATERMARKS, ac);
		if (!page)
			mm_panic("Out of memory and no killable task: __GFP_NOFAIL order:%u cannot be met (system is deadlocked on memory)",
				 order);
	}
	return page;
}

/* 13. The failure report: at most 10 every 5 s, as Linux's ratelimit. */
static void warn_alloc(gfp_t gfp, unsigned int order)
{
	static uint64_t window_start;
	static unsigned int in_window;
	uint64_t now = mm_time_ns();
	char name[160];

	if (gfp & __GFP_NOWARN)
		return;
	if (now - window_start > 5000000000ull) {
		window_start = now;
		in_window = 0;
	}
	if (++in_window > 10)
		return;
	mm_gfp_flags_name(gfp, name, sizeof(name));
	mm_printk("%s: page allocation failure: order:%u, mode:0x%x(%s), free:%lu\n",
		  mm_current_name(), order, gfp, name, nr_free_pages());
	mm_print_zoneinfo();
	mm_print_buddyinfo();
}

static __attribute__((noinline)) struct page *__alloc_pages_slowpath(gfp_t gfp, unsigned int order,
								     struct alloc_context *ac)
{
	bool can_direct_reclaim = gfp & __GFP_DIRECT_RECLAIM;
	bool costly = order > PAGE_ALLOC_COSTLY_ORDER;
	enum compact_priority compact_priority = DEF_COMPACT_PRIORITY;
	enum compact_result compact_result = COMPACT_SKIPPED;
	int compaction_retries = 0, no_progress_loops = 0;
	unsigned long did_some_progress = 0;
	unsigned int alloc_flags, reserve_flags;
	struct page *page;

	/* 1. Orders were checked on entry; normalise contradictory flags. */
	gfp = normalise_gfp(gfp);
	/* 2. Min watermark, harder for atomic, high for __GFP_HIGH. */
	alloc_flags = gfp_to_alloc_flags(gfp);
	/* 3. The preferred zone; none: nothing to allocate from. */
	ac->preferred_zone = first_usable_zone(ac);
	if (!ac->preferred_zone)
		goto nopage;
	/* 4. Background reclaim. */
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(gfp, order, ac);
	/* 5. The free lists again, at the adjusted watermark. */
	page = slow_freelist(gfp, order, alloc_flags, ac);
	if (page)
		goto got_pg;
	/* 6. Costly or unmovable high orders: compaction before reclaim. */
	if (can_direct_reclaim && (costly || (order > 0 && ac->migratetype != MIGRATE_MOVABLE)) &&
	    !reserve_flags_for(gfp)) {
		page = alloc_pages_direct_compact(gfp, order, alloc_flags, ac,
						  INIT_COMPACT_PRIORITY, &compact_result);
		if (page)
			goto got_pg;
		if (costly && (gfp & __GFP_NORETRY)) {
			/* Deferred: compaction failed recently, and reclaim
			 * alone rarely makes a costly block. */
			if (compact_result == COMPACT_DEFERRED)
				goto nopage;
			compact_priority = INIT_COMPACT_PRIORITY;
		}
	}
retry:
	/* 7. kswapd may have gone back to sleep; the reserves for those
	 * entitled to them. */
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(gfp, order, ac);
	reserve_flags = reserve_flags_for(gfp);
	if (reserve_flags)
		alloc_flags = reserve_flags | (alloc_flags & ~ALLOC_WMARK_MASK);
	page = slow_freelist(gfp, order, alloc_flags, ac);
	if (page)
		goto got_pg;
	/* 8. Callers that cannot reclaim stop; a reclaimer never recurses. */
	if (!can_direct_reclaim)
		goto nopage;
	if (*mm_current_flags() & MM_PF_MEMALLOC)
		goto nopage;
	/* 9. Direct reclaim, then direct compaction. */
	page = alloc_pages_direct_reclaim(gfp, order, alloc_flags, ac, &did_some_progress);
	if (page)
		goto got_pg;
	page = alloc_pages_direct_compact(gfp, order, alloc_flags, ac, compact_priority,
					  &compact_result);
	if (page)
		goto got_pg;
	/* 10. Callers that asked not to try hard; and everyone when there is
	 * no reclaim: nothing would change between rounds, and there is no
	 * OOM killer. */
	if (gfp & __GFP_NORETRY)
		goto nopage;
	if (costly && !(gfp & __GFP_RETRY_MAYFAIL))
		goto nopage;
	if (!MM_CONFIG_RECLAIM)
		goto nopage;
	/* 11. Retry while reclaim or compaction may still help. */
	if (mm_should_reclaim_retry(gfp, order, ac, alloc_flags, did_some_progress > 0,
				 &no_progress_loops))
		goto retry;
	if (did_some_progress > 0 && mm_should_compact_retry(ac, order, alloc_flags, compact_result,
							  &compact_priority, &compaction_retries))
		goto retry;
	/* 12. Kill the largest task; retry if that freed memory. */
	page = alloc_pages_may_oom(gfp, order, ac, compact_priority, compact_result,
				   &did_some_progress);
	if (page)
		goto got_pg;
	if (did_some_progress) {
		no_progress_loops = 0;
		goto retry;
	}
nopage:
	/* 13. __GFP_NOFAIL loops with reserve access; the rest fail. */
	if (gfp & __GFP_NOFAIL) {
		/* Linux's rule: NOFAIL without direct reclaim is a bug. */
		if (WARN_ONCE_MSG(!can_direct_reclaim,
				  "alloc_pages: __GFP_NOFAIL without __GFP_DIRECT_RECLAIM (gfp 0x%x): cannot loop, failing\n",
				  gfp))
			goto fail;
		WARN_ONCE_MSG(*mm_current_flags() & MM_PF_MEMALLOC,
			      "alloc_pages: __GFP_NOFAIL from a reclaimer (PF_MEMALLOC): it cannot reclaim\n");
		/* Without reclaim there is no OOM step to let NOFAIL into the
		 * reserves (alloc_pages_may_oom): it goes there directly, and
		 * then waits for other callers to free memory. */
		page = slow_freelist(gfp, order,
				     MM_CONFIG_RECLAIM ? ALLOC_HARDER | ALLOC_WMARK_MIN
						       : ALLOC_NO_WATERMARKS,
				     ac);
		if (page)
			goto got_pg;
		mm_cond_resched();
		goto retry;
	}
fail:
	warn_alloc(gfp, order);
got_pg:
	return page;
}

/* The fast path failed: the slowpath, then the failure count. */
static __attribute__((noinline)) struct page *alloc_pages_slow(gfp_t gfp, unsigned int order,
							       const struct zonelist *zl,
							       int highest_zoneidx, int migratetype,
							       void *caller)
{
	struct alloc_context ac = { .zonelist = zl,
				    .highest_zoneidx = highest_zoneidx,
				    .migratetype = migratetype };
	struct page *page;

	if (unlikely(!mm_mem_map)) {
		mm_printk("WARNING: alloc_pages: invalid request gfp 0x%x order %u: mm_init() has not run (caller %p)\n",
			  gfp, order, caller);
		count_vm_events(PGALLOC_INVALID, 1);
		return NULL;
	}
	page = __alloc_pages_slowpath(gfp, order, &ac);
	if (!page)
		count_vm_events(PGALLOC_FAIL, 1);
	return page;
}

/* Every request the order-0 fast path did not serve: the full checks,
 * the zonelist walk with per-CPU refill and buddy lists, the slowpath. */
static __attribute__((noinline)) struct page *__alloc_pages(gfp_t gfp, unsigned int order, int nid,
							    void *caller)
{
	unsigned int zone = gfp_zone_lookup(gfp);
	const struct zonelist *zl = mm_node_zonelist(nid, gfp);
	int migratetype;
	struct page *page;

	/* One test for the common case: no odd bits, order in range, a valid
	 * zone and mobility combination (GFP_ZONE_TABLE). */
	if (unlikely((gfp & GFP_SLOW_CHECK) || order >= MAX_ORDER || zone == GFP_ZONE_BAD) &&
	    !alloc_request_valid(gfp, order, caller))
		return NULL;
	/* Fault injection: one predicted branch on a global when off. */
	if (should_fail_alloc_page(gfp, order))
		return NULL;
	migratetype = gfp_migratetype(gfp);
	/* ALLOC_KSWAPD rides along (as in Linux's alloc_flags_nofragment): a
	 * fallback that boosts the watermarks may then wake kswapd. */
	page = get_page_from_freelist(gfp, order,
				      ALLOC_WMARK_LOW | (gfp & __GFP_KSWAPD_RECLAIM) |
					      alloc_flags_nofragment(zl, (int)zone),
				      zl, (int)zone, migratetype);
	if (likely(page))
		return page;
	return alloc_pages_slow(gfp, order, zl, (int)zone, migratetype, caller);
}

/*
 * Where get_page_from_freelist() looks first, by the five low gfp bits
 * (zone modifiers and mobility): the first zone with memory at or below
 * the request's highest zone; NULL for a bad combination (GFP_ZONE_TABLE)
 * or no memory. One load instead of the table shift and the zonelist
 * walk. Written by mm_build_zonelists() at mm_init(), read locklessly.
 */
static struct fast_class {
	struct zone *zone;
	uint32_t list_offset; /* of the order-0 list within struct per_cpu_pages */
} first_zone[MAX_NUMNODES][GFP_TABLE_BITS + 1];

/* Each CPU's row of first_zone (its memory node's), or the all-NULL row
 * while fault injection is on (every request then takes the general path,
 * where should_fail_alloc_page decides) and before mm_init(): the fast
 * path's only gate is this one load. mm_page_alloc_fast_update() sets it. */
static const struct fast_class no_fast_class[GFP_TABLE_BITS + 1];
__extension__ static const struct fast_class *cpu_fast_class[MM_MAX_CPUS] = { [0 ... MM_MAX_CPUS -
								 1] = no_fast_class };

void mm_page_alloc_fast_update(void)
{
	bool off = fail_page_alloc_active(__ATOMIC_ACQUIRE);

	for (unsigned int cpu = 0; cpu < MM_MAX_CPUS; cpu++)
		__atomic_store_n(&cpu_fast_class[cpu],
				 off ? no_fast_class : first_zone[mm_cpu_mem_node[cpu]],
				 __ATOMIC_RELEASE);
}

struct zone *mm_zone_table[PAGE_ZONEID_MASK + 1];

/* @nid's zones with memory, highest first, appended to @zl at *@n. */
static void zonelist_add_node(struct zonelist *zl, int *n, int nid)
{
	for (int zi = MAX_NR_ZONES - 1; zi >= 0; zi--) {
		struct zone *z = &NODE_DATA(nid)->node_zones[zi];

		if (z->managed_pages)
			zl->zones[(*n)++] = z;
	}
	zl->zones[*n] = NULL;
}

/*
 * Each node's zonelists - FALLBACK: its own zones, then each other node's
 * in order of distance (mm/numa.h mm_numa_node_order: node order, as Linux
 * builds it); NOFALLBACK: its own only - and from them the fast path's
 * table. Zones without managed pages are left out.
 */
void mm_build_zonelists(void)
{
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			mm_zone_table[(nid << 2) | zi] = &NODE_DATA(nid)->node_zones[zi];
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		struct pglist_data *pgdat = NODE_DATA(nid);
		int order[MAX_NUMNODES], nr = 1, n = 0;

		order[0] = nid;
		if (nid < mm_nr_nodes && mm_nr_nodes > 1)
			nr = mm_numa_node_order(nid, order);
		pgdat->node_zonelists[ZONELIST_FALLBACK].zones[0] = NULL;
		pgdat->node_zonelists[ZONELIST_NOFALLBACK].zones[0] = NULL;
		if (nid < mm_nr_nodes) {
			for (int i = 0; i < nr; i++)
				if (order[i] >= 0 && order[i] < mm_nr_nodes)
					zonelist_add_node(&pgdat->node_zonelists[ZONELIST_FALLBACK],
							  &n, order[i]);
			n = 0;
			zonelist_add_node(&pgdat->node_zonelists[ZONELIST_NOFALLBACK], &n, nid);
		}
		for (unsigned int bits = 0; bits <= GFP_TABLE_BITS; bits++) {
			unsigned int hz = gfp_zone_lookup(bits);
			int mt = gfp_migratetype(bits);
			struct fast_class *fc = &first_zone[nid][bits];
			struct zone *const *zp;
			struct zone *z;

			fc->zone = NULL;
			fc->list_offset =
				(uint32_t)(offsetof(struct per_cpu_pages, lists) +
					   sizeof(struct list_head) *
						   order_to_pindex(mt < MIGRATE_PCPTYPES ? mt : 0,
								   0));
			if (hz == GFP_ZONE_BAD)
				continue;
			for_each_zone_zonelist(z, zp, &pgdat->node_zonelists[ZONELIST_FALLBACK],
					       (int)hz) {
				fc->zone = z;
				break;
			}
		}
	}
	mm_page_alloc_fast_update();
}

/* Gfp bits that take an order-0 request off the fast path: the ones the
 * full check looks at, and the ones that need work after the pop. */
#define GFP_FAST_EXCLUDE (GFP_SLOW_CHECK | __GFP_ZERO | __GFP_COMP | __GFP_THISNODE)

/*
 * The order-0 fast path: the request's first zone passes the low
 * watermark with room to spare (zone_watermark_fast's first test) and its
 * per-CPU list has a clean page at the head. This is exactly the first
 * step get_page_from_freelist() would take, so whenever it gives up,
 * __alloc_pages() does the whole job and decides as before. No call, no
 * stack frame: a miss is a tail call.
 */
static __always_inline struct page *alloc_page_fast(gfp_t gfp, const struct fast_class *table)
{
	const struct fast_class *fc = &table[gfp & GFP_TABLE_BITS];
	struct zone *zone = fc->zone;
	struct per_cpu_pages *pcp;
	struct list_head *list, *first;
	struct page *page;
	unsigned long irqflags;
	unsigned int cpu;
	long usable;

	if (unlikely((gfp & GFP_FAST_EXCLUDE) || !zone))
		return NULL;
	/* No lowmem reserve term: it protects a zone from requests whose
	 * highest zone lies above it, summing that node's zones in between;
	 * a zonelist lists a node's zones highest first, so for the first
	 * zone a request may use, every zone of its node between it and the
	 * request's highest zone is empty - the reserve is 0 by construction. */
	usable = __atomic_load_n(&zone->vm_stat[NR_FREE_PAGES], __ATOMIC_RELAXED) -
		 (long)zone->nr_reserved_highatomic;
	if (unlikely(usable <= (long)low_wmark_pages(zone)))
		return NULL;
	irqflags = mm_irq_save();
	cpu = mm_cpu_id();
	pcp = &zone->pcp[cpu];
	list = (struct list_head *)((char *)pcp + fc->list_offset);
	first = list->next;
	page = list_entry(first, struct page, lru);
	if (unlikely(first == list) ||
	    unlikely(((page_flags_read(page) & PAGE_FLAGS_CHECK_AT_PREP) ^ (1u << PG_pcp)) |
		     (uint32_t)page->_refcount | (uintptr_t)page->mapping)) {
		mm_irq_restore(irqflags);
		return NULL;
	}
	/* Unlinked without clearing its pointers (list_del would): the
	 * owner sets them, nothing reads them before (Linux does the same). */
	first->next->prev = list;
	list->next = first->next;
	/* Order 0 and PG_pcp cleared in one store: a page on a per-CPU list
	 * of order 0 has order 0 in its flags already. */
	page_flags_write(page, page_flags_read(page) &
				       ~((1u << PG_pcp) | (PAGE_ORDER_MASK << PAGE_ORDER_SHIFT)));
	set_page_private(page, 0);
	pcp->count--;
	pcp->free_factor >>= 1; /* the next drain at high frees fewer pages */
	__count_cpu_vm_events(cpu, (enum vm_event_item)(PGALLOC_DMA + zone->zone_idx), 1);
	mm_irq_restore(irqflags);
	set_page_count(page, 1);
	return page;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	if (likely(order == 0)) {
		const struct fast_class *table = __atomic_load_n(&cpu_fast_class[mm_cpu_id()],
								 __ATOMIC_RELAXED);
		struct page *page = alloc_page_fast(gfp, table);

		if (likely(page))
			return page;
	}
	return __alloc_pages(gfp, order, numa_mem_id(), __builtin_return_address(0));
}

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	if (nid == NUMA_NO_NODE)
		nid = numa_mem_id();
	/* Nodes mm/zone.c folded into one (interleaved spans) are node 0. */
	if (unlikely(nid >= mm_nr_nodes) && mm_nr_nodes == 1 && nid < MAX_NUMNODES &&
	    mm_node_online(nid))
		nid = 0;
	if (unlikely(nid < 0 || nid >= mm_nr_nodes)) {
		mm_printk("WARNING: alloc_pages_node: node %d does not exist (%d node%s; caller %p)\n",
			  nid, mm_nr_nodes, mm_nr_nodes == 1 ? "" : "s",
			  __builtin_return_address(0));
		count_vm_events(PGALLOC_INVALID, 1);
		return NULL;
	}
	if (likely(order == 0)) {
		struct page *page = alloc_page_fast(gfp, fail_page_alloc_active(__ATOMIC_RELAXED)
								 ? no_fast_class
								 : first_zone[nid]);

		if (likely(page))
			return page;
	}
	return __alloc_pages(gfp, order, nid, __builtin_return_address(0));
}

const struct zonelist *mm_node_zonelist(int nid, gfp_t gfp)
{
	return &NODE_DATA(nid)->node_zonelists[(gfp & __GFP_THISNODE) ? ZONELIST_NOFALLBACK
								      : ZONELIST_FALLBACK];
}

/* Flags that make a free wrong on the head page, with the order field:
 * equal to the freed order when all is well. mm_free_page_check_entry()
 * tells which. */
#define PAGE_FLAGS_CHECK_AT_ENTRY \
	((1u << PG_reserved) | (1u << PG_buddy) | (1u << PG_pcp) | (1u << PG_tail) | \
	 (PAGE_ORDER_MASK << PAGE_ORDER_SHIFT))

/* ...and those it may not carry once its last reference is gone (as
 * mm_free_pages_prepare() checks), plus PG_head: compound blocks need their
 * tails undone there. */
#define PAGE_FLAGS_CHECK_AT_FREE_FAST ((1u << PG_lru) | (1u << PG_locked) | (1u << PG_head))

/* Back to a per-CPU list or to the buddy lists; @page is clean. */
static __always_inline void free_to_lists(struct page *page, unsigned long pfn, unsigned int order)
{
	int mt = pfn_pageblock_mt(pfn);

	if (likely(order <= PCP_MAX_ORDER && mt != MIGRATE_ISOLATE)) {
		free_unref_page(page, order, mt);
	} else {
		count_vm_events(PGFREE, 1UL << order);
		mm_free_one_page(page_zone(page), page, pfn, order);
	}
}

/* Every free the fast path did not take: report bad frees, drop the
 * reference, and prepare the block in full (compound tails, poisoning,
 * tail checks, flags or mapping to report). */
static __attribute__((noinline)) void free_pages_slow(struct page *page, unsigned long pfn,
						      unsigned int order, void *caller)
{
	if (!mm_free_page_check_entry(page, order, caller))
		return;
	if (__atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (!mm_free_pages_prepare(page, order, caller))
		return;
	free_to_lists(page, pfn, order);
}

/*
 * The common free: a plain block whose head page is in the memory map,
 * aligned, freed with its own order, not free already, unmapped, with no
 * flag to object to, and no debug pass wanted - one flags compare covers
 * the flag part. The last reference then only clears the head's flags.
 */
static __always_inline void __free_pages_caller(struct page *page, unsigned int order, void *caller)
{
	/* Unsigned: a page below mm_mem_map wraps and fails the range test. */
	unsigned long pfn = (unsigned long)((uintptr_t)page - (uintptr_t)mm_mem_map) /
			    sizeof(struct page);
	uint32_t flags;

	if (unlikely(order >= MAX_ORDER || pfn >= mm_max_pfn || mm_mem_map + pfn != page ||
		     (pfn & ((1UL << order) - 1)) || pfn + (1UL << order) > mm_max_pfn))
		goto slow;
	flags = page_flags_read(page);
	if (unlikely((flags & (PAGE_FLAGS_CHECK_AT_ENTRY | PAGE_FLAGS_CHECK_AT_FREE_FAST)) !=
			     order << PAGE_ORDER_SHIFT ||
		     page_ref_count(page) <= 0 || page_mapping_peek(page) || mm_debug_poison ||
		     (order && mm_tail_pass())))
		goto slow;
	if (__atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	page_flags_write(page, flags & PAGE_ZONEID_FLAGS);
	page->index = 0;
	free_to_lists(page, pfn, order);
	return;
slow:
	free_pages_slow(page, pfn, order, caller);
}

/* The per-CPU list reached high: drain (mm_free_pcppages_over_high), then
 * restore @irqflags (out of line so the fast free needs no stack frame). */
static __attribute__((noinline)) void free_pcp_over_high(struct zone *zone,
							 struct per_cpu_pages *pcp,
							 unsigned long irqflags)
{
	mm_free_pcppages_over_high(zone, pcp, 0);
	mm_irq_restore(irqflags);
}

/*
 * The order-0 fast free: a page of the memory map, no flag to object to,
 * the only reference, no mapping, poisoning off, in a pageblock whose type
 * has a per-CPU list. Anything else, __free_pages_caller() (the same
 * checks, then the general cases). False: not taken, nothing changed.
 */
static __always_inline bool free_page_fast(struct page *page)
{
	unsigned long pfn = page_to_pfn_checked(page);
	struct per_cpu_pages *pcp;
	struct zone *zone;
	unsigned long irqflags;
	unsigned int cpu;
	uint32_t flags;
	int mt;

	if (unlikely(pfn == ~0UL))
		return false;
	flags = page_flags_read(page);
	if (unlikely((flags & (PAGE_FLAGS_CHECK_AT_ENTRY | PAGE_FLAGS_CHECK_AT_FREE_FAST)) ||
		     page_ref_count(page) != 1 || page_mapping_peek(page) || mm_debug_poison))
		return false;
	mt = pfn_pageblock_mt(pfn);
	if (unlikely(mt >= MIGRATE_PCPTYPES))
		return false;
	zone = mm_zone_table[flags >> PAGE_ZONEID_SHIFT];
	/* Atomic: a speculative reference may be taken meanwhile. */
	if (__atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return true;
	page->index = 0;
	set_page_private(page, (uint32_t)mt);
	page_flags_write(page, (flags & PAGE_ZONEID_FLAGS) | (1u << PG_pcp));
	irqflags = mm_irq_save();
	cpu = mm_cpu_id();
	pcp = &zone->pcp[cpu];
	list_add(&page->lru, &pcp->lists[order_to_pindex(mt, 0)]);
	__count_cpu_vm_events(cpu, PGFREE, 1);
	if (unlikely(++pcp->count >= pcp_high(pcp)))
		free_pcp_over_high(zone, pcp, irqflags);
	else
		mm_irq_restore(irqflags);
	return true;
}

static __attribute__((noinline)) void free_pages_general(struct page *page, unsigned int order,
							 void *caller)
{
	__free_pages_caller(page, order, caller);
}

void __free_pages(struct page *page, unsigned int order)
{
	if (likely(order == 0) && likely(free_page_fast(page)))
		return;
	free_pages_general(page, order, __builtin_return_address(0));
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_free_page(gfp_t gfp)
{
	return __get_free_pages(gfp, 0);
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages_caller(virt_to_page((void *)addr), order, __builtin_return_address(0));
}

void split_page(struct page *page, unsigned int order)
{
	set_page_alloc_order(page, 0);
	for (unsigned long i = 1; i < (1UL << order); i++)
		set_page_count(&page[i], 1);
}

void *alloc_pages_exact(size_t size, gfp_t gfp)
{
	unsigned int order = get_order(size);
	unsigned long used = (size + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
	struct page *page;

	if (!size)
		return NULL;
	page = alloc_pages(gfp & ~__GFP_COMP, order);
	if (!page)
		return NULL;
	split_page(page, order);
	for (unsigned long i = used; i < (1UL << order); i++)
		__free_pages_caller(page + i, 0, __builtin_return_address(0));
	return page_address(page);
}

void free_pages_exact(void *virt, size_t size)
{
	unsigned long n = (size + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
	struct page *page;

	if (!virt)
		return;
	page = virt_to_page(virt);
	for (unsigned long i = 0; i < n; i++)
		__free_pages_caller(page + i, 0, __builtin_return_address(0));
}
