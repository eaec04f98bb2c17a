/*
 * mm/kswapd.h - background reclaim: one kswapd per node with memory
 * (threads kswapd0, kswapd1, ...), woken by the allocator when one of the
 * node's zones falls below its low watermark for a request, reclaiming
 * that node's zones until every eligible one is above high, then asleep
 * again; a node's kswapd gives up after MAX_RECLAIM_RETRIES fruitless
 * rounds until direct reclaim or the OOM killer frees memory (Linux's
 * kswapd_failures). Each node has its own request, state, failure count
 * and statistics; parking acts on all of them.
 */
#ifndef MM_KSWAPD_H
#define MM_KSWAPD_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "gfp.h"
#include "zone.h"

#define MAX_RECLAIM_RETRIES 16

enum kswapd_state {
	KSWAPD_OFF,	 /* no thread: requests are only recorded */
	KSWAPD_SLEEPING, /* waiting for mm_wakeup_kswapd() */
	KSWAPD_RUNNING,	 /* balancing */
	KSWAPD_PARKED,	 /* thread alive but told to ignore requests */
};

struct kswapd_stats {
	enum kswapd_state state;
	unsigned int failures;		/* fruitless rounds in a row */
	unsigned long requests;		/* mm_wakeup_kswapd calls that recorded a request */
	unsigned long rounds;		/* balancing passes */
	uint64_t busy_ns;		/* time spent balancing */
	long lowest_free[MAX_NR_ZONES]; /* lowest free count seen at a wake-up request (-1: none) */
};

#if MM_CONFIG_RECLAIM
/*
 * Start one kswapd thread per node that has managed pages
 * (mm_kthread_run), or unpark them. Idempotent. Returns 0, or -1 when a
 * thread could not be started (that node's requests are then only
 * recorded; mm_kswapd_balance() can serve them synchronously).
 * Context: thread, after mm_init().
 */
int kswapd_run(void);

/* Stop serving requests on every node and return once no kswapd is
 * balancing (tests that need exact reclaim counts). kswapd_run() resumes.
 * Works before kswapd_run() too (nothing will start them). Context:
 * thread. */
void mm_kswapd_park(void);
/* Parked: requests are recorded only, and watermarks are not boosted
 * (park clears the boosts: only kswapd would take them back). */
bool mm_kswapd_parked(void);

/*
 * The allocator's request: @order in zones up to @highest_zoneidx is short
 * in @zone's node. Records the largest order and zone asked for on that
 * node's kswapd and wakes it (no other), unless the node is hopeless (its
 * kswapd_failures reached MAX_RECLAIM_RETRIES) or already balanced and not
 * boosted. Context: any, zone->lock may be held; never sleeps.
 */
void mm_wakeup_kswapd(struct zone *zone, gfp_t gfp, unsigned int order, int highest_zoneidx);

/*
 * Serve every node's recorded request now, in the calling thread, as each
 * node's kswapd would (with PF_MEMALLOC set): returns true if any node had
 * one. For hosts without threads, tests and tools/mmsim.
 */
bool mm_kswapd_balance(void);

/* Reclaim made progress elsewhere (direct reclaim, an OOM kill): every
 * node's kswapd may be useful again. */
void mm_kswapd_reset_failures(void);

/* Back to boot state (host tests after a fake boot): no request, no
 * failures, statistics cleared on every node; threads are left alone. */
void mm_kswapd_reset(void);

/* All nodes together: requests, rounds and busy_ns summed, lowest_free
 * the lowest of any node's zone of that index, failures the highest of
 * any node, state the busiest (run, sleep, parked, off). */
void mm_kswapd_get_stats(struct kswapd_stats *st);
/* Node @nid's kswapd alone (state off: no thread, e.g. a node without
 * memory). Returns 0, or -1 for a node that is not set up
 * (nid < 0 or >= mm_nr_nodes). */
int mm_kswapd_get_node_stats(int nid, struct kswapd_stats *st);
/* Forget lowest_free, busy_ns, requests and rounds on every node. */
void mm_kswapd_stats_reset(void);
const char *mm_kswapd_state_name(enum kswapd_state s);

/* One CSV line per populated zone for trace mode:
 * "trace,<ms>,<zone>,<free>,<min>,<low>,<high>,<kswapd state>", the state
 * that of the zone's node's kswapd. With several nodes <zone> is
 * "N<nid>:<name>" (N1:DMA32); with one, the name alone. */
void mm_kswapd_trace_sample(uint64_t ms);

#else /* !MM_CONFIG_RECLAIM: there is no kswapd; nothing is ever woken */

static inline int kswapd_run(void)
{
	return 0;
}
static inline void mm_kswapd_park(void)
{
}
/* As if parked: watermarks are never boosted, since no kswapd would
 * take the boosts back. */
static inline bool mm_kswapd_parked(void)
{
	return true;
}
static inline void mm_wakeup_kswapd(struct zone *zone, gfp_t gfp, unsigned int order,
				 int highest_zoneidx)
{
	(void)zone, (void)gfp, (void)order, (void)highest_zoneidx;
}
static inline bool mm_kswapd_balance(void)
{
	return false;
}
static inline void mm_kswapd_reset_failures(void)
{
}
static inline void mm_kswapd_reset(void)
{
}
static inline void mm_kswapd_get_stats(struct kswapd_stats *st)
{
	*st = (struct kswapd_stats){ .state = KSWAPD_OFF };
	for (int i = 0; i < MAX_NR_ZONES; i++)
		st->lowest_free[i] = -1;
}
static inline int mm_kswapd_get_node_stats(int nid, struct kswapd_stats *st)
{
	mm_kswapd_get_stats(st);
	return nid == 0 ? 0 : -1;
}
static inline void mm_kswapd_stats_reset(void)
{
}
static inline const char *mm_kswapd_state_name(enum kswapd_state s)
{
	(void)s;
	return "off";
}
static inline void mm_kswapd_trace_sample(uint64_t ms)
{
	(void)ms;
}
#endif /* MM_CONFIG_RECLAIM */

#endif /* MM_KSWAPD_H */
