/*
 * mm/kswapd.c - the background reclaimers, one per memory node (Linux's
 * kswapd0, kswapd1, ...): the wake-up rule, the sleep, the balancing pass
 * over one node's zones (reclaim in vmscan.c), giving up after repeated
 * fruitless passes, the decay of watermark boosts, and the trace-mode
 * sampler.
 *
 * "Balanced" here means every eligible zone of the node (up to the
 * request's highest zone) is above its high watermark for the order,
 * tested against the zone's own index (lowmem protection decides which
 * requests may use a zone, not how much kswapd must free in it), or has
 * nothing reclaimable: kswapd cannot help such a zone and must not give up
 * on the others because of it.
 *
 * Each node's kswapd has its own request, wait queue, state, failure count
 * and statistics, so a node short of memory wakes only its own reclaimer
 * and reclaims only its own zones' LRU lists. Parking is global (tests and
 * boot park them all). Two nodes' locks are never held together.
 */
#include "kswapd.h"
#include "kcompactd.h"

#include "host.h"
#include "internal.h"
#include "lru.h"
#include "spinlock.h"
#include "vmscan.h"

struct kswapd_node {
	mm_spinlock_t lock; /* guards the request fields and the statistics */
	int nid;
	struct mm_waitq *wq; /* this node's kswapd sleeps here */
	/* The pending request: largest order and zone asked for since the
	 * last pass (Linux's kswapd_order, kswapd_highest_zoneidx). */
	bool pending;
	unsigned int order;
	int highest_zoneidx;
	bool started;
	enum kswapd_state state;
	unsigned int failures; /* Linux's pgdat->kswapd_failures */
	unsigned long requests, rounds;
	uint64_t busy_ns;
	long lowest_free[MAX_NR_ZONES];
	char name[8]; /* "kswapdN" */
};

#define KSWAPD_NODE_INIT(n) \
	{ \
		.lock = MM_SPINLOCK_INIT_RANKED(MM_LOCK_RANK_KSWAPD), .nid = (n), \
		.lowest_free = { -1, -1, -1 }, .name = "kswapd" #n \
	}
/* One initialiser per node, MAX_NUMNODES of them (at most 8: config.h). */
static struct kswapd_node kswapd_nodes[MAX_NUMNODES] = {
	KSWAPD_NODE_INIT(0),
#if MAX_NUMNODES > 1
	KSWAPD_NODE_INIT(1),
#endif
#if MAX_NUMNODES > 2
	KSWAPD_NODE_INIT(2),
#endif
#if MAX_NUMNODES > 3
	KSWAPD_NODE_INIT(3),
#endif
#if MAX_NUMNODES > 4
	KSWAPD_NODE_INIT(4),
#endif
#if MAX_NUMNODES > 5
	KSWAPD_NODE_INIT(5),
#endif
#if MAX_NUMNODES > 6
	KSWAPD_NODE_INIT(6),
#endif
#if MAX_NUMNODES > 7
	KSWAPD_NODE_INIT(7),
#endif
};
_Static_assert(MAX_NR_ZONES == 3, "lowest_free initialiser");

static bool kswapd_is_parked;
static struct mm_waitq *idle_wq; /* mm_kswapd_park() waits here for all */

static struct zone *node_zone(const struct kswapd_node *k, int zi)
{
	return &NODE_DATA(k->nid)->node_zones[zi];
}

static enum kswapd_state state_get(const struct kswapd_node *k)
{
	return __atomic_load_n(&k->state, __ATOMIC_SEQ_CST);
}

static void state_set(struct kswapd_node *k, enum kswapd_state s)
{
	__atomic_store_n(&k->state, s, __ATOMIC_SEQ_CST);
}

const char *mm_kswapd_state_name(enum kswapd_state s)
{
	switch (s) {
	case KSWAPD_OFF:
		return "off";
	case KSWAPD_SLEEPING:
		return "sleep";
	case KSWAPD_RUNNING:
		return "run";
	case KSWAPD_PARKED:
		return "parked";
	}
	return "?";
}

static struct kswapd_node *kswapd_node(int nid)
{
	return &kswapd_nodes[nid];
}

static bool node_has_managed(int nid)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		if (NODE_DATA(nid)->node_zones[zi].managed_pages)
			return true;
	return false;
}

/* ---- balance test ---- */

static bool zone_done(struct zone *zone, unsigned int order)
{
	return mm_zone_balanced(zone, order, zone->zone_idx) || !mm_zone_reclaimable_pages(zone);
}

static bool node_balanced(const struct kswapd_node *k, unsigned int order, int highest_zoneidx)
{
	for (int zi = 0; zi <= highest_zoneidx; zi++) {
		struct zone *z = node_zone(k, zi);

		if (populated_zone(z) && !zone_done(z, order))
			return false;
	}
	return true;
}

static bool node_boosted(const struct kswapd_node *k, int highest_zoneidx)
{
	for (int zi = 0; zi <= highest_zoneidx; zi++)
		if (__atomic_load_n(&node_zone(k, zi)->watermark_boost, __ATOMIC_RELAXED))
			return true;
	return false;
}

/* ---- wake-up ---- */

static void note_lowest_free(struct kswapd_node *k, struct zone *zone)
{
	long free = zone_page_state(zone, NR_FREE_PAGES);
	long *lo = &k->lowest_free[zone->zone_idx];

	if (*lo < 0 || free < *lo)
		*lo = free;
}

void mm_wakeup_kswapd(struct zone *zone, gfp_t gfp, unsigned int order, int highest_zoneidx)
{
	struct kswapd_node *k;
	unsigned long flags;

	(void)gfp; /* Linux also wakes kcompactd for non-reclaiming callers */
	if (!zone->managed_pages || highest_zoneidx < 0 || highest_zoneidx >= MAX_NR_ZONES ||
	    zone->node < 0 || zone->node >= mm_nr_nodes)
		return;
	k = kswapd_node(zone->node);
	flags = mm_spin_lock_irqsave(&k->lock);
	note_lowest_free(k, zone);
	/* Hopeless: leave it to direct reclaim until someone frees memory. */
	if (__atomic_load_n(&k->failures, __ATOMIC_RELAXED) >= MAX_RECLAIM_RETRIES ||
	    (node_balanced(k, order, highest_zoneidx) && !node_boosted(k, highest_zoneidx))) {
		mm_spin_unlock_irqrestore(&k->lock, flags);
		return;
	}
	if (!k->pending || order > k->order)
		k->order = order;
	if (!k->pending || highest_zoneidx > k->highest_zoneidx)
		k->highest_zoneidx = highest_zoneidx;
	/* Release: kswapd_has_work reads it without k->lock. */
	__atomic_store_n(&k->pending, true, __ATOMIC_RELEASE);
	k->requests++;
	mm_spin_unlock_irqrestore(&k->lock, flags);
	/* Wake whatever the state says: kswapd may be between its last look
	 * at `pending` and its sleep, and a state check here can lose that
	 * race (seen with -smp 2). The wait re-checks the condition. */
	if (k->wq)
		mm_wake_up(k->wq);
}

void mm_kswapd_reset_failures(void)
{
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		__atomic_store_n(&kswapd_nodes[nid].failures, 0, __ATOMIC_RELAXED);
}

/* ---- balancing ---- */

/* Take the boost back once the boosted pass is over (Linux: by what was
 * there when the pass began, so boosts raised meanwhile stay). */
static void decay_boosts(struct kswapd_node *k, const unsigned long *boosts, int highest_zoneidx)
{
	for (int zi = 0; zi <= highest_zoneidx; zi++) {
		struct zone *z = node_zone(k, zi);
		unsigned long flags;

		if (!boosts[zi])
			continue;
		flags = mm_spin_lock_irqsave(&z->lock);
		/* Relaxed store: the watermark checks read the boost unlocked. */
		__atomic_store_n(&z->watermark_boost,
				 z->watermark_boost - (z->watermark_boost < boosts[zi]
							       ? z->watermark_boost
							       : boosts[zi]),
				 __ATOMIC_RELAXED);
		mm_spin_unlock_irqrestore(&z->lock, flags);
	}
}

/*
 * Linux's balance_pgdat: reclaim the node zone by zone (each a full
 * priority sweep in mm_balance_zone) until it is balanced. Passes continue
 * while they make progress; a pass that frees nothing while a zone still
 * needs memory is a failure. Boosted reclaim stays light (mm_balance_zone)
 * but writes dirty pages back: Linux's boosted kswapd does not, leaving
 * them to its flusher threads; we have none, so a dirty page skipped is
 * only scanned again (at 4 GiB, 12% of kswapd's scans were that). A
 * high-order request is balanced for order 0 once reclaim has freed
 * enough for compaction to work with (kcompactd is woken after the pass).
 */
static void balance_node(struct kswapd_node *k, unsigned int order, int highest_zoneidx)
{
	unsigned long boosts[MAX_NR_ZONES] = { 0 };
	bool boosted = false;

	count_reclaim_event(PAGEOUTRUN, 1);
	for (int zi = 0; zi <= highest_zoneidx; zi++) {
		boosts[zi] = __atomic_load_n(&node_zone(k, zi)->watermark_boost, __ATOMIC_RELAXED);
		boosted |= boosts[zi] != 0;
	}
	for (int pass = 0; pass < MAX_RECLAIM_RETRIES; pass++) {
		struct scan_control sc = { .boosted = boosted };
		unsigned long reclaimed = 0;

		if (node_balanced(k, order, highest_zoneidx))
			break;
		__atomic_fetch_add(&k->rounds, 1, __ATOMIC_RELAXED);
		for (int zi = 0; zi <= highest_zoneidx; zi++) {
			struct zone *z = node_zone(k, zi);

			if (!populated_zone(z) || zone_done(z, order))
				continue;
			reclaimed += mm_balance_zone(z, order, highest_zoneidx, &sc);
			/* mm_balance_zone stopped reclaiming for the order once it
			 * freed enough for compaction: so does the node. */
			order = sc.order;
			mm_cond_resched();
		}
		if (!reclaimed) {
			/* Boosted reclaim stops early: Linux retries without
			 * the boost before counting a failure. */
			if (boosted) {
				boosted = false;
				continue;
			}
			__atomic_fetch_add(&k->failures, 1, __ATOMIC_RELAXED);
			break;
		}
		__atomic_store_n(&k->failures, 0, __ATOMIC_RELAXED);
	}
	decay_boosts(k, boosts, highest_zoneidx);
}

/* Serve @k's pending request, if any, in the calling thread. */
static bool kswapd_serve(struct kswapd_node *k)
{
	unsigned int *pf = mm_current_flags(), saved = *pf;
	unsigned int order;
	int zi;
	unsigned long flags = mm_spin_lock_irqsave(&k->lock);
	uint64_t t0;

	if (!k->pending) {
		mm_spin_unlock_irqrestore(&k->lock, flags);
		return false;
	}
	order = k->order;
	zi = k->highest_zoneidx;
	__atomic_store_n(&k->pending, false, __ATOMIC_RELAXED);
	mm_spin_unlock_irqrestore(&k->lock, flags);

	count_reclaim_event(KSWAPD_WAKEUPS, 1);
	t0 = mm_time_ns();
	*pf |= MM_PF_MEMALLOC;
	balance_node(k, order, zi);
	if (node_balanced(k, order, zi)) mm_kcompactd_kswapd_balanced(k->nid);
	*pf = saved;
	__atomic_fetch_add(&k->busy_ns, mm_time_ns() - t0, __ATOMIC_RELAXED);
	/* Free pages alone do not make a high-order block: once reclaim has
	 * done its part, let kcompactd assemble one (Linux does this as
	 * kswapd goes back to sleep). kcompactd serves every node. */
	if (order > 0)
		mm_wakeup_kcompactd((int)order, zi);
	return true;
}

bool mm_kswapd_balance(void)
{
	bool any = false;

	for (int nid = 0; nid < mm_nr_nodes; nid++)
		any |= kswapd_serve(kswapd_node(nid));
	return any;
}

/* ---- the threads ---- */

static bool kswapd_has_work(void *arg)
{
	struct kswapd_node *k = arg;

	return __atomic_load_n(&k->pending, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&kswapd_is_parked, __ATOMIC_ACQUIRE);
}

static bool kswapd_all_idle(void *unused)
{
	(void)unused;
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		if (state_get(&kswapd_nodes[nid]) == KSWAPD_RUNNING)
			return false;
	return true;
}

static int kswapd_main(void *arg)
{
	struct kswapd_node *k = arg;

	for (;;) {
		state_set(k, mm_kswapd_parked() ? KSWAPD_PARKED : KSWAPD_SLEEPING);
		mm_wake_up(idle_wq);
		/* A request that arrived while parked or running is served now:
		 * the condition is tested before sleeping. */
		if (!mm_wait_timeout(k->wq, kswapd_has_work, k, 0))
			continue;
		/* RUNNING before the second look at parked: mm_kswapd_park() sets
		 * parked before looking at the state, so one of the two sees
		 * the other (both sequentially consistent). */
		state_set(k, KSWAPD_RUNNING);
		if (mm_kswapd_parked())
			continue;
		kswapd_serve(k);
	}
	return 0;
}

static int kswapd_start(struct kswapd_node *k)
{
	if (k->started) {
		mm_wake_up(k->wq);
		return 0;
	}
	if (!k->wq)
		k->wq = mm_waitq_create();
	if (!k->wq)
		return -1;
	state_set(k, KSWAPD_SLEEPING);
	k->started = true;
	if (mm_kthread_run(kswapd_main, k, k->name)) {
		k->started = false;
		state_set(k, KSWAPD_OFF);
		return -1;
	}
	return 0;
}

int kswapd_run(void)
{
	int ret = 0;

	__atomic_store_n(&kswapd_is_parked, false, __ATOMIC_SEQ_CST);
	if (!idle_wq)
		idle_wq = mm_waitq_create();
	if (!idle_wq)
		return -1;
	for (int nid = 0; nid < mm_nr_nodes; nid++)
		if (node_has_managed(nid) && kswapd_start(kswapd_node(nid)))
			ret = -1;
	return ret;
}

bool mm_kswapd_parked(void)
{
	return __atomic_load_n(&kswapd_is_parked, __ATOMIC_SEQ_CST);
}

void mm_kswapd_park(void)
{
	struct zone *z;

	__atomic_store_n(&kswapd_is_parked, true, __ATOMIC_SEQ_CST);
	/* Boosts exist to make kswapd reclaim early; nobody would take
	 * them back while it is parked. */
	for_each_zone(z) {
		unsigned long flags = mm_spin_lock_irqsave(&z->lock);

		__atomic_store_n(&z->watermark_boost, 0, __ATOMIC_RELAXED);
		mm_spin_unlock_irqrestore(&z->lock, flags);
	}
	if (!idle_wq)
		return; /* never started */
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		if (kswapd_nodes[nid].started)
			mm_wake_up(kswapd_nodes[nid].wq);
	mm_wait_timeout(idle_wq, kswapd_all_idle, NULL, 0);
}

/* ---- statistics and trace ---- */

void mm_kswapd_stats_reset(void)
{
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		struct kswapd_node *k = kswapd_node(nid);
		unsigned long flags = mm_spin_lock_irqsave(&k->lock);

		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			k->lowest_free[zi] = -1;
		k->requests = k->rounds = 0;
		k->busy_ns = 0;
		mm_spin_unlock_irqrestore(&k->lock, flags);
	}
}

void mm_kswapd_reset(void)
{
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		struct kswapd_node *k = kswapd_node(nid);
		unsigned long flags = mm_spin_lock_irqsave(&k->lock);

		k->pending = false;
		k->order = 0;
		k->highest_zoneidx = 0;
		k->failures = 0;
		mm_spin_unlock_irqrestore(&k->lock, flags);
	}
	mm_kswapd_stats_reset();
}

static void node_stats(struct kswapd_node *k, struct kswapd_stats *st)
{
	unsigned long flags = mm_spin_lock_irqsave(&k->lock);

	st->state = state_get(k);
	st->failures = __atomic_load_n(&k->failures, __ATOMIC_RELAXED);
	st->requests = k->requests;
	st->rounds = __atomic_load_n(&k->rounds, __ATOMIC_RELAXED);
	st->busy_ns = __atomic_load_n(&k->busy_ns, __ATOMIC_RELAXED);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		st->lowest_free[zi] = k->lowest_free[zi];
	mm_spin_unlock_irqrestore(&k->lock, flags);
}

int mm_kswapd_get_node_stats(int nid, struct kswapd_stats *st)
{
	if (nid < 0 || nid >= mm_nr_nodes || !st)
		return -1;
	node_stats(kswapd_node(nid), st);
	return 0;
}

/* The busiest state wins: running, then sleeping, parked, off. */
static int state_weight(enum kswapd_state s)
{
	return s == KSWAPD_RUNNING ? 3 : s == KSWAPD_SLEEPING ? 2 : s == KSWAPD_PARKED ? 1 : 0;
}

void mm_kswapd_get_stats(struct kswapd_stats *st)
{
	struct kswapd_stats one;

	node_stats(kswapd_node(0), st);
	for (int nid = 1; nid < mm_nr_nodes; nid++) {
		node_stats(kswapd_node(nid), &one);
		if (state_weight(one.state) > state_weight(st->state))
			st->state = one.state;
		if (one.failures > st->failures)
			st->failures = one.failures;
		st->requests += one.requests;
		st->rounds += one.rounds;
		st->busy_ns += one.busy_ns;
		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			if (one.lowest_free[zi] >= 0 &&
			    (st->lowest_free[zi] < 0 || one.lowest_free[zi] < st->lowest_free[zi]))
				st->lowest_free[zi] = one.lowest_free[zi];
	}
}

void mm_kswapd_trace_sample(uint64_t ms)
{
	struct zone *z;

	for_each_zone(z) {
		struct kswapd_node *k = kswapd_node(z->node);
		enum kswapd_state s = state_get(k);
		const char *state = mm_kswapd_state_name(s);
		char name[16];

		if (!populated_zone(z))
			continue;
		if (s != KSWAPD_RUNNING && k->failures >= MAX_RECLAIM_RETRIES)
			state = "gaveup";
		/* One node: the zone's name alone, as before NUMA. */
		if (mm_nr_nodes > 1) {
			unsigned int i = 0;

			name[i++] = 'N';
			name[i++] = (char)('0' + z->node);
			name[i++] = ':';
			for (const char *c = z->name; *c && i < sizeof(name) - 1; c++)
				name[i++] = *c;
			name[i] = 0;
		}
		mm_printk("trace,%lu,%s,%ld,%lu,%lu,%lu,%s\n", (unsigned long)ms,
			  mm_nr_nodes > 1 ? name : z->name, zone_page_state(z, NR_FREE_PAGES),
			  min_wmark_pages(z), low_wmark_pages(z), high_wmark_pages(z), state);
	}
}
