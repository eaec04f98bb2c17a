/*
 * mm/compact_zone.h - the compaction engine: one pass over a zone with a
 * migrate scanner walking up from the start and a free scanner walking
 * down from the end, moving movable pages from the bottom into free pages
 * at the top so that free blocks of high order form at the bottom. Also
 * the fragmentation index and mm_compact_memory(). The slowpath's decisions
 * (when to compact, deferral, result policy) are mm/compaction.c's.
 */
#ifndef MM_COMPACT_ZONE_H
#define MM_COMPACT_ZONE_H

#include <stdbool.h>

#include "compaction.h"
#include "list.h"
#include "migrate.h"
#include "zone.h"

/* Pages isolated for migration per batch (Linux's COMPACT_CLUSTER_MAX). */
#define COMPACT_CLUSTER_MAX 32

struct compact_control {
	/* Set by the caller. */
	struct zone *zone;
	int order;		  /* -1: the whole zone (compact_memory) */
	int migratetype;	  /* of the request the pass works for */
	unsigned int alloc_flags; /* its watermark (ALLOC_WMARK_*) */
	int highest_zoneidx;
	enum migrate_mode mode; /* async skips unsuitable pageblocks */
	bool direct_compaction; /* for a stalled allocation (not kcompactd) */
	bool ignore_skip_hint;	/* look at hinted pageblocks too */
	bool linear_free_scan;	/* targets by the free scanner's walk only, not
				 * off the free lists (tests of the walk) */
	bool whole_zone;	/* start at the zone's ends, not the cached positions
				 * (after the pass: whether it did) */
	const bool *abort;	/* stop when *abort becomes true (may be NULL) */
	/* Scanner state. */
	unsigned long migrate_pfn; /* next pfn the migrate scanner looks at */
	unsigned long free_pfn;	   /* start of the free scanner's pageblock */
	unsigned long free_scan_pfn; /* where the free scanner stopped inside it */
	bool migrate_block_clean;    /* migrate block seen from its start, nothing isolated */
	bool scanners_met;
	unsigned long nr_hint_skipped; /* pageblocks stepped over by skip hint */
	unsigned long fast_floor;    /* the finder's upper-half bound, 0: it did not search */
	unsigned int fast_dead_orders[2]; /* free lists the fast finder gave up on, per round */
	struct list_head migratepages, freepages;
	unsigned long nr_migratepages, nr_freepages;
	bool free_low; /* targets would take the zone below min */
	/* What the pass did. */
	unsigned long migrate_scanned, free_scanned;
	unsigned long nr_isolated_migrate, nr_isolated_free;
	unsigned long nr_fast_isolated; /* of nr_isolated_free: taken off the free lists */
	unsigned long nr_migrated, nr_failed;
};

/*
 * Run one pass: COMPACT_SUCCESS when a free block of cc->order usable by
 * cc->migratetype exists above the watermark (checked before starting
 * too), COMPACT_COMPLETE when the scanners met without that after the
 * pass looked at every pageblock itself (it started at the zone's ends and
 * skipped none by hint), COMPACT_PARTIAL_SKIPPED when they met otherwise
 * (the next pass starts at the ends; a whole-zone pass also clears the
 * hints first),
 * COMPACT_CONTENDED when *abort was set, COMPACT_PARTIAL_SKIPPED when
 * taking more targets would push the zone below its min watermark. Pinned or busy pages stay where
 * they are. Every isolated page is back with its owner or migrated at
 * return; the zone's per-CPU lists of this CPU are drained so freed
 * frames merge. Context: thread (it may loop for a long time; it calls
 * mm_cond_resched between batches); no lock held.
 */
enum compact_result mm_compact_zone(struct compact_control *cc);

/* A pass for an order-@order request of @migratetype in @zone at @prio
 * (what Linux calls compact_zone_order). Fills *migrated (may be NULL). */
enum compact_result mm_compact_zone_for_order(struct zone *zone, int order, int migratetype,
					   unsigned int alloc_flags, int highest_zoneidx,
					   enum compact_priority prio, unsigned long *migrated);

/*
 * Skip hints and cached scanner positions (Linux's PB_migrate_skip and
 * compact_cached_*_pfn). mm__reset_isolation_suitable forgets both for
 * @zone; mm_reset_isolation_suitable does so for the zones of node @nid in
 * which a pass ended on hints (kswapd calls it once it has balanced the
 * node). Context: any; the hints are racy by design.
 */
void mm__reset_isolation_suitable(struct zone *zone);
void mm_reset_isolation_suitable(int nid);
/* Whether @pfn's pageblock has the free scanner's (@free_scanner) or the
 * migrate scanner's skip hint: for tests and reports. */
bool mm_compact_pageblock_skipped(unsigned long pfn, bool free_scanner);

/* Compact every populated zone completely (sync): /proc/sys/vm/compact_memory.
 * Returns pages migrated. Context: thread. */
unsigned long mm_compact_memory(void);

/*
 * Linux's fragmentation index of @zone for @order, in thousandths: -1000
 * when a block of the order is free already; near 0 when a failure would
 * be for lack of memory (reclaim helps), towards 1000 when for
 * fragmentation (compaction helps); 0 with no free memory at all.
 */
int mm_fragmentation_index(struct zone *zone, unsigned int order);
/* Costly requests compact only above this index (default 500). */
extern int mm_sysctl_extfrag_threshold;

enum compact_zone_event {
	COMPACTMIGRATE_SCANNED, /* compact_migrate_scanned */
	COMPACTFREE_SCANNED,	/* compact_free_scanned */
	COMPACTISOLATED,	/* compact_isolated: pages isolated by either scanner */
	COMPACT_DAEMON_WAKE,	/* compact_daemon_wake */
	COMPACT_DAEMON_MIGRATE_SCANNED,
	COMPACT_DAEMON_FREE_SCANNED,
	NR_COMPACT_ZONE_EVENTS
};
unsigned long mm_compact_zone_event_count(enum compact_zone_event e);
void mm_count_compact_zone_event(enum compact_zone_event e, unsigned long n);
/* Counters to zero (host tests). */
void mm_compact_zone_events_reset(void);

/* "compact_... N" and "pgmigrate_... N" lines as /proc/vmstat shows them. */
void mm_print_compact_vmstat(void);

#endif /* MM_COMPACT_ZONE_H */
