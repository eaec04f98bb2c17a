/*
 * mm/kswapd.h - background reclaim: one kswapd per node (one node here),
 * woken by the allocator when a zone falls below its low watermark for a
 * request, reclaiming until every eligible zone is above high, then asleep
 * again; gives up after MAX_RECLAIM_RETRIES fruitless rounds until direct
 * reclaim or the OOM killer frees memory (Linux's kswapd_failures).
 */
#ifndef MM_KSWAPD_H
#define MM_KSWAPD_H

#include <stdbool.h>
#include <stdint.h>

#include "gfp.h"
#include "zone.h"

#define MAX_RECLAIM_RETRIES 16

enum kswapd_state {
	KSWAPD_OFF,	 /* no thread: requests are only recorded */
	KSWAPD_SLEEPING, /* waiting for wakeup_kswapd() */
	KSWAPD_RUNNING,	 /* balancing */
	KSWAPD_PARKED,	 /* thread alive but told to ignore requests */
};

/*
 * Start the kswapd thread (mm_kthread_run), or unpark it. Idempotent.
 * Returns 0, or -1 when the host cannot start threads (requests are then
 * only recorded; kswapd_balance() can serve them synchronously).
 * Context: thread.
 */
int kswapd_run(void);

/* Stop serving requests and return once kswapd is not balancing (tests
 * that need exact reclaim counts). kswapd_run() resumes. Works before
 * kswapd_run() too (nothing will start it). Context: thread. */
void kswapd_park(void);
/* Parked: requests are recorded only, and watermarks are not boosted
 * (park clears the boosts: only kswapd would take them back). */
bool kswapd_parked(void);

/*
 * The allocator's request: @order in zones up to @highest_zoneidx is short
 * in @zone's node. Records the largest order and zone asked for and wakes
 * kswapd, unless the node is hopeless (kswapd_failures reached
 * MAX_RECLAIM_RETRIES) or already balanced and not boosted. Context: any,
 * zone->lock may be held; never sleeps.
 */
void wakeup_kswapd(struct zone *zone, gfp_t gfp, unsigned int order, int highest_zoneidx);

/*
 * Serve the recorded request now, in the calling thread, as kswapd would
 * (with PF_MEMALLOC set): returns true if there was one. The thread calls
 * it; hosts without threads and tests may too.
 */
bool kswapd_balance(void);

/* Reclaim made progress elsewhere (direct reclaim, an OOM kill): kswapd
 * may be useful again. */
void kswapd_reset_failures(void);

/* Back to boot state (host tests after a fake boot): no request, no
 * failures, statistics cleared; the thread, if any, is left alone. */
void kswapd_reset(void);

struct kswapd_stats {
	enum kswapd_state state;
	unsigned int failures;		/* fruitless rounds in a row */
	unsigned long requests;		/* wakeup_kswapd calls that woke it */
	unsigned long rounds;		/* balancing passes */
	uint64_t busy_ns;		/* time spent balancing */
	long lowest_free[MAX_NR_ZONES]; /* lowest free count seen at a wake-up request (-1: none) */
};
void kswapd_get_stats(struct kswapd_stats *st);
/* Forget lowest_free, busy_ns, requests and rounds. */
void kswapd_stats_reset(void);
const char *kswapd_state_name(enum kswapd_state s);

/* One CSV line per populated zone for trace mode:
 * "trace,<ms>,<zone>,<free>,<min>,<low>,<high>,<kswapd state>". */
void kswapd_trace_sample(uint64_t ms);

#endif /* MM_KSWAPD_H */
