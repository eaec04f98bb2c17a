/*
 * mm/kcompactd.h - background compaction: one kcompactd per node (one node
 * here), woken by kswapd once it has balanced the node for a high-order
 * request, compacting the eligible zones until a block of that order is
 * free or compaction has nothing more to offer (then deferred, as direct
 * compaction is). An optional proactive mode, off by default, compacts
 * fragmented zones periodically without being asked.
 */
#ifndef MM_KCOMPACTD_H
#define MM_KCOMPACTD_H

#include <stdbool.h>

#include "config.h"

struct kcompactd_stats {
	bool running;	       /* a pass is in progress */
	unsigned long wakeups; /* requests served */
	unsigned long proactive_runs;
	unsigned long migrated;	 /* pages it moved */
	unsigned long successes; /* requests that ended with the order free */
};

#if MM_CONFIG_COMPACTION

/*
 * Record a request for an order-@order block in zones up to
 * @highest_zoneidx (the largest order and zone asked since the last run
 * win) and wake kcompactd. Order 0 is ignored. Context: any, zone->lock
 * may be held; never sleeps.
 */
void mm_wakeup_kcompactd(int order, int highest_zoneidx);

/* kswapd has balanced node @nid: clear the compaction skip hints that
 * ended passes left in its zones (free pages have come back since), and
 * let the next pass start at the zones' ends. Context: thread. */
void mm_kcompactd_kswapd_balanced(int nid);

/* Serve the recorded request now, in the calling thread, as kcompactd
 * would: true if there was one. Counts compact_daemon_wake. Context:
 * thread (hosts without threads, tests). */
bool mm_kcompactd_do_work(void);

/* Start the thread (or resume it after mm_kcompactd_park). Returns 0, or -1
 * when the host cannot start threads: requests are then only recorded.
 * Context: thread. */
int kcompactd_run(void);

/* Ignore requests from now on and return once no pass is running. */
void mm_kcompactd_park(void);

/* Proactive compaction: every @ms milliseconds compact each zone whose
 * fragmentation index for a pageblock exceeds sysctl_extfrag_threshold.
 * 0 (the default) turns it off. */
void mm_kcompactd_set_proactive(unsigned int ms);

/* Forget the request and statistics (host tests after a fake boot). */
void mm_kcompactd_reset(void);

void mm_kcompactd_get_stats(struct kcompactd_stats *st);

#else /* !MM_CONFIG_COMPACTION: no kcompactd; requests are dropped */

static inline void mm_wakeup_kcompactd(int order, int highest_zoneidx)
{
	(void)order, (void)highest_zoneidx;
}
static inline void mm_kcompactd_kswapd_balanced(int nid)
{
	(void)nid;
}
static inline bool mm_kcompactd_do_work(void)
{
	return false;
}
static inline int kcompactd_run(void)
{
	return 0;
}
static inline void mm_kcompactd_park(void)
{
}
static inline void mm_kcompactd_set_proactive(unsigned int ms)
{
	(void)ms;
}
static inline void mm_kcompactd_reset(void)
{
}
static inline void mm_kcompactd_get_stats(struct kcompactd_stats *st)
{
	*st = (struct kcompactd_stats){ 0 };
}
#endif /* MM_CONFIG_COMPACTION */

#endif /* MM_KCOMPACTD_H */
