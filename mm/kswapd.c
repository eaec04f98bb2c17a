/*
 * mm/kswapd.c - the per-node background reclaimer: its wake-up rule, its
 * sleep, the balancing pass over the node's zones (reclaim in vmscan.c),
 * giving up after repeated fruitless passes, the decay of watermark
 * boosts, and the trace-mode sampler.
 *
 * "Balanced" here means every eligible zone (up to the request's highest
 * zone) is above its high watermark for the order, tested against the
 * zone's own index (lowmem protection decides which requests may use a
 * zone, not how much kswapd must free in it), or has nothing reclaimable:
 * kswapd cannot help such a zone and must not give up on the others
 * because of it.
 */
#include "kswapd.h"
#include "kcompactd.h"

#include "host.h"
#include "internal.h"
#include "lru.h"
#include "spinlock.h"
#include "vmscan.h"

static struct {
	mm_spinlock_t lock;	  /* guards the request fields */
	struct mm_waitq *wq;	  /* kswapd sleeps here */
	struct mm_waitq *idle_wq; /* kswapd_park() waits here */
	/* The pending request: largest order and zone asked for since the
	 * last pass (Linux's kswapd_order, kswapd_highest_zoneidx). */
	bool pending;
	unsigned int order;
	int highest_zoneidx;
	bool started, parked;
	enum kswapd_state state;
	unsigned int failures; /* Linux's pgdat->kswapd_failures */
	unsigned long requests, rounds;
	uint64_t busy_ns;
	long lowest_free[MAX_NR_ZONES];
} kswapd = { .lock = MM_SPINLOCK_INIT, .lowest_free = { -1, -1, -1 } };

_Static_assert(MAX_NR_ZONES == 3, "lowest_free initialiser");

static struct zone *node_zone(int zi)
{
	return &NODE_DATA(0)->node_zones[zi];
}

static enum kswapd_state state_get(void)
{
	return __atomic_load_n(&kswapd.state, __ATOMIC_ACQUIRE);
}

static void state_set(enum kswapd_state s)
{
	__atomic_store_n(&kswapd.state, s, __ATOMIC_RELEASE);
}

const char *kswapd_state_name(enum kswapd_state s)
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

/* ---- balance test ---- */

static bool zone_done(struct zone *zone, unsigned int order)
{
	return zone_balanced(zone, order, zone->zone_idx) || !zone_reclaimable_pages(zone);
}

static bool node_balanced(unsigned int order, int highest_zoneidx)
{
	for (int zi = 0; zi <= highest_zoneidx; zi++) {
		struct zone *z = node_zone(zi);

		if (populated_zone(z) && !zone_done(z, order))
			return false;
	}
	return true;
}

static bool node_boosted(int highest_zoneidx)
{
	for (int zi = 0; zi <= highest_zoneidx; zi++)
		if (__atomic_load_n(&node_zone(zi)->watermark_boost, __ATOMIC_RELAXED))
			return true;
	return false;
}

/* ---- wake-up ---- */

static void note_lowest_free(struct zone *zone)
{
	long free = zone_page_state(zone, NR_FREE_PAGES);
	long *lo = &kswapd.lowest_free[zone->zone_idx];

	if (*lo < 0 || free < *lo)
		*lo = free;
}

void wakeup_kswapd(struct zone *zone, gfp_t gfp, unsigned int order, int highest_zoneidx)
{
	unsigned long flags;

	(void)gfp; /* Linux wakes kcompactd for non-reclaiming callers: issue 5 */
	if (!zone->managed_pages || highest_zoneidx < 0 || highest_zoneidx >= MAX_NR_ZONES)
		return;
	flags = mm_spin_lock_irqsave(&kswapd.lock);
	note_lowest_free(zone);
	/* Hopeless: leave it to direct reclaim until someone frees memory. */
	if (kswapd.failures >= MAX_RECLAIM_RETRIES ||
	    (node_balanced(order, highest_zoneidx) && !node_boosted(highest_zoneidx))) {
		mm_spin_unlock_irqrestore(&kswapd.lock, flags);
		return;
	}
	if (!kswapd.pending || order > kswapd.order)
		kswapd.order = order;
	if (!kswapd.pending || highest_zoneidx > kswapd.highest_zoneidx)
		kswapd.highest_zoneidx = highest_zoneidx;
	kswapd.pending = true;
	kswapd.requests++;
	mm_spin_unlock_irqrestore(&kswapd.lock, flags);
	/* Wake whatever the state says: kswapd may be between its last look
	 * at `pending` and its sleep, and a state check here can lose that
	 * race (seen with -smp 2). The wait re-checks the condition. */
	if (kswapd.wq)
		mm_wake_up(kswapd.wq);
}

void kswapd_reset_failures(void)
{
	__atomic_store_n(&kswapd.failures, 0, __ATOMIC_RELAXED);
}

/* ---- balancing ---- */

/* Take the boost back once the boosted pass is over (Linux: by what was
 * there when the pass began, so boosts raised meanwhile stay). */
static void decay_boosts(const unsigned long *boosts, int highest_zoneidx)
{
	for (int zi = 0; zi <= highest_zoneidx; zi++) {
		struct zone *z = node_zone(zi);
		unsigned long flags;

		if (!boosts[zi])
			continue;
		flags = mm_spin_lock_irqsave(&z->lock);
		z->watermark_boost -= z->watermark_boost < boosts[zi] ? z->watermark_boost
								      : boosts[zi];
		mm_spin_unlock_irqrestore(&z->lock, flags);
	}
}

/*
 * Linux's balance_pgdat: reclaim zone by zone (each a full priority sweep
 * in balance_zone) until the node is balanced. Passes continue while they
 * make progress; a pass that frees nothing while a zone still needs
 * memory is a failure. Boosted reclaim does no writeback.
 */
static void balance_node(unsigned int order, int highest_zoneidx)
{
	unsigned long boosts[MAX_NR_ZONES] = { 0 };
	bool boosted = false;

	count_reclaim_event(PAGEOUTRUN, 1);
	for (int zi = 0; zi <= highest_zoneidx; zi++) {
		boosts[zi] = __atomic_load_n(&node_zone(zi)->watermark_boost, __ATOMIC_RELAXED);
		boosted |= boosts[zi] != 0;
	}
	for (int pass = 0; pass < MAX_RECLAIM_RETRIES; pass++) {
		struct scan_control sc = { .no_writeback = boosted };
		unsigned long reclaimed = 0;

		if (node_balanced(order, highest_zoneidx))
			break;
		kswapd.rounds++;
		for (int zi = 0; zi <= highest_zoneidx; zi++) {
			struct zone *z = node_zone(zi);

			if (!populated_zone(z) || zone_done(z, order))
				continue;
			reclaimed += balance_zone(z, order, highest_zoneidx, &sc);
			mm_cond_resched();
		}
		if (!reclaimed) {
			/* Boosted reclaim may have found only dirty pages:
			 * Linux retries without the boost before failing. */
			if (boosted) {
				boosted = false;
				continue;
			}
			kswapd.failures++;
			break;
		}
		kswapd.failures = 0;
	}
	decay_boosts(boosts, highest_zoneidx);
}

bool kswapd_balance(void)
{
	unsigned int *pf = mm_current_flags(), saved = *pf;
	unsigned int order;
	int zi;
	unsigned long flags = mm_spin_lock_irqsave(&kswapd.lock);
	uint64_t t0;

	if (!kswapd.pending) {
		mm_spin_unlock_irqrestore(&kswapd.lock, flags);
		return false;
	}
	order = kswapd.order;
	zi = kswapd.highest_zoneidx;
	kswapd.pending = false;
	mm_spin_unlock_irqrestore(&kswapd.lock, flags);

	if (kswapd.started)
		state_set(KSWAPD_RUNNING);
	count_reclaim_event(KSWAPD_WAKEUPS, 1);
	t0 = mm_time_ns();
	*pf |= MM_PF_MEMALLOC;
	balance_node(order, zi);
	*pf = saved;
	kswapd.busy_ns += mm_time_ns() - t0;
	/* Free pages alone do not make a high-order block: once reclaim has
	 * done its part, let kcompactd assemble one (Linux does this as
	 * kswapd goes back to sleep). */
	if (order > 0)
		wakeup_kcompactd((int)order, zi);
	return true;
}

/* ---- the thread ---- */

static bool kswapd_has_work(void *unused)
{
	(void)unused;
	return __atomic_load_n(&kswapd.pending, __ATOMIC_ACQUIRE) &&
	       !__atomic_load_n(&kswapd.parked, __ATOMIC_ACQUIRE);
}

static bool kswapd_idle(void *unused)
{
	(void)unused;
	return state_get() != KSWAPD_RUNNING;
}

static int kswapd_main(void *unused)
{
	(void)unused;
	for (;;) {
		state_set(__atomic_load_n(&kswapd.parked, __ATOMIC_ACQUIRE) ? KSWAPD_PARKED
									    : KSWAPD_SLEEPING);
		mm_wake_up(kswapd.idle_wq);
		/* A request that arrived while parked or running is served now:
		 * the condition is tested before sleeping. */
		if (!mm_wait_timeout(kswapd.wq, kswapd_has_work, NULL, 0))
			continue;
		if (__atomic_load_n(&kswapd.parked, __ATOMIC_ACQUIRE))
			continue;
		state_set(KSWAPD_RUNNING);
		kswapd_balance();
	}
	return 0;
}

int kswapd_run(void)
{
	__atomic_store_n(&kswapd.parked, false, __ATOMIC_RELEASE);
	if (kswapd.started) {
		mm_wake_up(kswapd.wq);
		return 0;
	}
	if (!kswapd.wq)
		kswapd.wq = mm_waitq_create();
	if (!kswapd.idle_wq)
		kswapd.idle_wq = mm_waitq_create();
	if (!kswapd.wq || !kswapd.idle_wq)
		return -1;
	state_set(KSWAPD_SLEEPING);
	kswapd.started = true;
	if (mm_kthread_run(kswapd_main, NULL, "kswapd0")) {
		kswapd.started = false;
		state_set(KSWAPD_OFF);
		return -1;
	}
	return 0;
}

bool kswapd_parked(void)
{
	return __atomic_load_n(&kswapd.parked, __ATOMIC_ACQUIRE);
}

void kswapd_park(void)
{
	__atomic_store_n(&kswapd.parked, true, __ATOMIC_RELEASE);
	/* Boosts exist to make kswapd reclaim early; nobody would take
	 * them back while it is parked. */
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = node_zone(zi);
		unsigned long flags = mm_spin_lock_irqsave(&z->lock);

		z->watermark_boost = 0;
		mm_spin_unlock_irqrestore(&z->lock, flags);
	}
	if (!kswapd.started)
		return;
	mm_wake_up(kswapd.wq);
	mm_wait_timeout(kswapd.idle_wq, kswapd_idle, NULL, 0);
}

/* ---- statistics and trace ---- */

void kswapd_stats_reset(void)
{
	unsigned long flags = mm_spin_lock_irqsave(&kswapd.lock);

	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		kswapd.lowest_free[zi] = -1;
	kswapd.requests = kswapd.rounds = 0;
	kswapd.busy_ns = 0;
	mm_spin_unlock_irqrestore(&kswapd.lock, flags);
}

void kswapd_reset(void)
{
	unsigned long flags = mm_spin_lock_irqsave(&kswapd.lock);

	kswapd.pending = false;
	kswapd.order = 0;
	kswapd.highest_zoneidx = 0;
	kswapd.failures = 0;
	mm_spin_unlock_irqrestore(&kswapd.lock, flags);
	kswapd_stats_reset();
}

void kswapd_get_stats(struct kswapd_stats *st)
{
	unsigned long flags = mm_spin_lock_irqsave(&kswapd.lock);

	st->state = state_get();
	st->failures = kswapd.failures;
	st->requests = kswapd.requests;
	st->rounds = kswapd.rounds;
	st->busy_ns = kswapd.busy_ns;
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		st->lowest_free[zi] = kswapd.lowest_free[zi];
	mm_spin_unlock_irqrestore(&kswapd.lock, flags);
}

void kswapd_trace_sample(uint64_t ms)
{
	const char *state = kswapd_state_name(state_get());

	if (state_get() != KSWAPD_RUNNING && kswapd.failures >= MAX_RECLAIM_RETRIES)
		state = "gaveup";
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = node_zone(zi);

		if (!populated_zone(z))
			continue;
		mm_printk("trace,%lu,%s,%ld,%lu,%lu,%lu,%s\n", (unsigned long)ms, z->name,
			  zone_page_state(z, NR_FREE_PAGES), min_wmark_pages(z), low_wmark_pages(z),
			  high_wmark_pages(z), state);
	}
}
