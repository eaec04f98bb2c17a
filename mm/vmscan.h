/*
 * mm/vmscan.h - page reclaim: scanning the LRU lists of a zone, dropping
 * clean page-cache pages, writing dirty ones back first, second chance
 * for referenced pages, aging the active list, and shrinking other caches
 * in proportion. Entry points for direct reclaim (the allocator's
 * slowpath) and for kswapd's per-zone balancing; the reclaim counters.
 */
#ifndef MM_VMSCAN_H
#define MM_VMSCAN_H

#include <stdbool.h>

#include "config.h"
#include "gfp.h"
#include "zone.h"

#define DEF_PRIORITY 12	    /* first pass scans lru_size >> 12 */
#define SWAP_CLUSTER_MAX 32 /* pages isolated per batch; default reclaim goal */

struct scan_control {
	/* In (0/false: the default). */
	unsigned long nr_to_reclaim; /* stop once this many are freed (0: 32) */
	bool no_writeback;	     /* leave dirty pages */
	bool boosted;		     /* kswapd for a watermark boost only */
	/* Set by the entry points. */
	gfp_t gfp_mask;
	unsigned int order;
	int reclaim_idx; /* highest zone that may be reclaimed */
	int priority;	 /* DEF_PRIORITY down to 0 */
	bool kswapd;
	/* Out: accumulated over the call. */
	unsigned long nr_scanned;	/* inactive pages looked at */
	unsigned long nr_reclaimed;	/* pages freed, LRU and shrinkers */
	unsigned long nr_lru_reclaimed; /* of which page-cache pages */
	unsigned long nr_written;	/* dirty pages written back */
	unsigned long nr_rotated;	/* referenced pages given a second chance */
	unsigned long nr_dirty_kept;	/* dirty pages left because no writeback */
	unsigned long nr_busy;		/* pages in use or locked, kept */
	unsigned long nr_activated;	/* referenced active pages kept active */
	unsigned long nr_deactivated;	/* active pages moved to the inactive list */
	unsigned long nr_slab_freed;	/* objects freed by shrinkers */
};

#if MM_CONFIG_RECLAIM
/*
 * Direct reclaim for an allocation of @order whose highest zone is
 * @highest_zoneidx: every populated zone at or below it, from
 * DEF_PRIORITY down to 0, until sc->nr_to_reclaim pages are freed.
 * Dirty pages are written back only when @gfp has __GFP_IO. @sc may be
 * NULL; if given, its In fields are read and its Out fields are
 * accumulated. Counts pgscan_direct, pgsteal_direct, allocstall.
 * Returns the pages reclaimed by this call. Context: may not be called
 * with any mm lock held; does not sleep (synchronous backing store).
 */
unsigned long mm_try_to_free_pages(gfp_t gfp, unsigned int order, int highest_zoneidx,
				struct scan_control *sc);
/* The same over the zones of @zl (the slowpath's zonelist for the node it
 * allocates from); mm_try_to_free_pages uses the running CPU's node's. */
unsigned long mm_try_to_free_zonelist(gfp_t gfp, unsigned int order, const struct zonelist *zl,
				   int highest_zoneidx, struct scan_control *sc);

/*
 * kswapd's work on one zone: reclaim until mm_zone_balanced(@zone, @order,
 * @highest_zoneidx) or nothing more can be done at priority 0. Honours
 * sc->no_writeback; with it, or with sc->boosted once only the boost is
 * missing, stays at the light priorities and stops at the first round
 * that frees nothing. Counts pgscan_kswapd and
 * pgsteal_kswapd (kswapd itself counts pageoutrun and kswapd_wakeups).
 * Returns pages reclaimed by this call; @sc may be NULL.
 */
unsigned long mm_balance_zone(struct zone *zone, unsigned int order, int highest_zoneidx,
			   struct scan_control *sc);

/*
 * The last resort before an OOM kill for a high order (Linux's lumpy
 * reclaim, which compaction replaced there): in the first zone of @zl up
 * to @highest_zoneidx that has the pages but not the block, find the
 * aligned @order block holding only free and page-cache pages, the
 * fewest of the latter, and reclaim those (writing dirty ones if @gfp
 * allows). Counted as direct reclaim. Returns true when a whole block
 * was freed. Context: thread, no mm lock held; O(zone span).
 */
bool mm_try_to_reclaim_block(gfp_t gfp, unsigned int order, const struct zonelist *zl,
			  int highest_zoneidx);

/* Is @zone above its high watermark for @order (Linux's pgdat_balanced
 * test, per zone)? */
bool mm_zone_balanced(struct zone *zone, unsigned int order, int highest_zoneidx);

/* Reclaim up to @sc->nr_to_reclaim from one zone at sc->priority (both
 * entry points use it; exported for tests). */
void mm_shrink_zone(struct zone *zone, struct scan_control *sc);

/* lru, shrinkers, page-cache pools and counters to their boot state.
 * Call once after mm_init() (host tests: after each fake boot). */
void mm_reclaim_init(void);
#endif

/*
 * Reclaim counters with /proc/vmstat names, kept here so the allocator's
 * vmstat.c need not change; vmstat may fold them in later.
 */
enum reclaim_event {
	PGSCAN_KSWAPD,
	PGSCAN_DIRECT,
	PGSTEAL_KSWAPD,
	PGSTEAL_DIRECT,
	PGREFILL, /* active pages scanned */
	PGACTIVATE,
	PGDEACTIVATE,
	PGROTATED,	 /* ours: referenced inactive pages given a second chance */
	NR_VMSCAN_WRITE, /* dirty pages written back by reclaim */
	PGPGOUT_PAGES,	 /* ours: every page written to a block device, in pages */
	PGPGIN_PAGES,	 /* ours: every page read from a block device, in pages */
	SLABS_SCANNED,
	ALLOCSTALL,
	KSWAPD_WAKEUPS, /* counted by kswapd */
	PAGEOUTRUN,	/* counted by kswapd */
	NR_RECLAIM_EVENTS
};

#if MM_CONFIG_RECLAIM
extern unsigned long mm_reclaim_event_states[MM_MAX_CPUS][NR_RECLAIM_EVENTS];
extern const char *const mm_reclaim_event_names[NR_RECLAIM_EVENTS];

/* Interrupts off: see count_vm_events. */
static inline void count_reclaim_event(enum reclaim_event item, unsigned long delta)
{
	unsigned long flags = mm_irq_save();

	mm_reclaim_event_states[mm_cpu_id()][item] += delta;
	mm_irq_restore(flags);
}

/* This CPU's count of @item: cheap enough to bracket a single call with
 * (the global sum reads every possible CPU's). */
static inline unsigned long mm_this_cpu_reclaim_event(enum reclaim_event item)
{
	unsigned long flags = mm_irq_save(), n = mm_reclaim_event_states[mm_cpu_id()][item];

	mm_irq_restore(flags);
	return n;
}

unsigned long mm_global_reclaim_event(enum reclaim_event item);
void mm_reclaim_events_reset(void);
#endif
/*
 * Where the scanning goes: inactive pages looked at, by who scanned
 * (direct reclaim 0, kswapd 1) and priority, by the order kswapd was
 * balancing for, and what became of each page. Not /proc/vmstat items:
 * a reclaimer's own profile, printed by mm_print_reclaim_profile().
 */
enum scan_outcome {
	SCAN_FREED,	 /* dropped from the cache (after writeback if dirty) */
	SCAN_REFERENCED, /* PG_referenced: rotated for another round */
	SCAN_BUSY,	 /* locked, in use or raced: kept */
	SCAN_DIRTY_KEPT, /* dirty, no writeback allowed: rotated */
	SCAN_SKIPPED,	 /* being freed by its last user: not isolated */
	NR_SCAN_OUTCOMES
};
struct reclaim_profile {
	unsigned long scanned[2][DEF_PRIORITY + 1];
	unsigned long freed[2][DEF_PRIORITY + 1];
	unsigned long kswapd_scanned_by_order[MAX_ORDER];
	unsigned long kswapd_freed_by_order[MAX_ORDER];
	unsigned long outcome[2][NR_SCAN_OUTCOMES];
	unsigned long written[2]; /* dirty pages written, then freed */
	unsigned long blocks_tried, blocks_made; /* mm_try_to_reclaim_block */
};
#if MM_CONFIG_RECLAIM
/* Sums over CPUs into @out. */
void mm_reclaim_profile_get(struct reclaim_profile *out);
void mm_reclaim_profile_reset(void); /* mm_reclaim_events_reset() calls it too */
/* The profile as a few labelled lines (rows with no scans left out). */
void mm_print_reclaim_profile(void);

/* "pgscan_kswapd 0" ... and the LRU and page-cache sizes
 * ("nr_inactive_file", "nr_active_file", "nr_file_pages", "nr_dirty"),
 * one per line, as /proc/vmstat prints them. */
void mm_print_reclaim_vmstat(void);

#else /* !MM_CONFIG_RECLAIM: nothing is reclaimed, every count stays 0 */

static inline unsigned long mm_try_to_free_pages(gfp_t gfp, unsigned int order, int highest_zoneidx,
					      struct scan_control *sc)
{
	(void)gfp, (void)order, (void)highest_zoneidx, (void)sc;
	return 0;
}
static inline unsigned long mm_try_to_free_zonelist(gfp_t gfp, unsigned int order,
						 const struct zonelist *zl, int highest_zoneidx,
						 struct scan_control *sc)
{
	(void)zl;
	return mm_try_to_free_pages(gfp, order, highest_zoneidx, sc);
}
static inline bool mm_try_to_reclaim_block(gfp_t gfp, unsigned int order, const struct zonelist *zl,
					int highest_zoneidx)
{
	(void)gfp, (void)order, (void)zl, (void)highest_zoneidx;
	return false;
}
static inline void mm_shrink_zone(struct zone *zone, struct scan_control *sc)
{
	(void)zone, (void)sc;
}
static inline void mm_reclaim_init(void)
{
}
static inline void count_reclaim_event(enum reclaim_event item, unsigned long delta)
{
	(void)item, (void)delta;
}
static inline unsigned long mm_global_reclaim_event(enum reclaim_event item)
{
	(void)item;
	return 0;
}
static inline unsigned long mm_this_cpu_reclaim_event(enum reclaim_event item)
{
	(void)item;
	return 0;
}
static inline void mm_reclaim_events_reset(void)
{
}
static inline void mm_reclaim_profile_get(struct reclaim_profile *out)
{
	*out = (struct reclaim_profile){ 0 };
}
static inline void mm_reclaim_profile_reset(void)
{
}
static inline void mm_print_reclaim_profile(void)
{
}
static inline void mm_print_reclaim_vmstat(void)
{
}
#endif /* MM_CONFIG_RECLAIM */

#endif /* MM_VMSCAN_H */
