/*
 * mm/kcompactd.c - the kcompactd thread: request recording, the wait
 * loop, the per-zone passes at sync-light priority with Linux's deferral,
 * and proactive passes when enabled.
 */
#include "kcompactd.h"

#include "compact_zone.h"
#include "internal.h"

static struct {
	mm_spinlock_t lock;
	/* Guarded by lock: the pending request. */
	bool pending;
	int order;
	int highest_zoneidx;
	/* Read locklessly. */
	bool started, parked, running;
	bool reconfig; /* the proactive period changed: re-arm the wait */
	unsigned int proactive_ms;
	struct mm_waitq *wq, *idle_wq;
	/* Statistics, updated by the one thread serving. */
	unsigned long wakeups, proactive_runs, migrated, successes;
} kcd = { .lock = MM_SPINLOCK_INIT };

void mm_wakeup_kcompactd(int order, int highest_zoneidx)
{
	unsigned long flags;

	if (order <= 0)
		return;
	flags = mm_spin_lock_irqsave(&kcd.lock);
	if (!kcd.pending || order > kcd.order)
		kcd.order = order;
	if (!kcd.pending || highest_zoneidx > kcd.highest_zoneidx)
		kcd.highest_zoneidx = highest_zoneidx;
	__atomic_store_n(&kcd.pending, true, __ATOMIC_RELEASE);
	mm_spin_unlock_irqrestore(&kcd.lock, flags);
	if (kcd.wq)
		mm_wake_up(kcd.wq);
}

void mm_kcompactd_kswapd_balanced(int nid)
{
	mm_reset_isolation_suitable(nid);
}

/* Worth a pass: the order is not free yet and there are the free pages
 * to migrate into (Linux's kcompactd_node_suitable). */
static bool zone_wants_compaction(struct zone *z, int order, int highest_zoneidx)
{
	return populated_zone(z) &&
	       mm__compaction_suitable(z, (unsigned int)order, ALLOC_WMARK_MIN, highest_zoneidx,
				     zone_page_state(z, NR_FREE_PAGES)) == COMPACT_CONTINUE;
}

/* One pass for the request in @z, started again from the zone's ends
 * while the last one met without having covered the zone (the restart
 * rule in compact_zone.c): a pass that resumed midway, then one that
 * stepped over hints (it clears them), then one that looks at everything. */
static enum compact_result compact_zone_for_kcompactd(struct zone *z, int order)
{
	enum compact_result r = COMPACT_SKIPPED;

	for (int pass = 0; pass < 3; pass++) {
		struct compact_control cc = {
			.zone = z,
			.order = order,
			.migratetype = MIGRATE_MOVABLE,
			.alloc_flags = ALLOC_WMARK_MIN,
			.highest_zoneidx = z->zone_idx,
			.mode = MIGRATE_SYNC_LIGHT,
			.abort = &kcd.parked,
		};

		r = mm_compact_zone(&cc);
		kcd.migrated += cc.nr_migrated;
		if (r != COMPACT_PARTIAL_SKIPPED || !cc.scanners_met)
			break;
	}
	return r;
}

/* One kcompactd serves every node: the zones up to @highest_zoneidx of
 * each, node by node. */
static void compact_node(int order, int highest_zoneidx)
{
	struct zone *z;

	for_each_zone(z) {
		enum compact_result r;

		if (z->zone_idx > highest_zoneidx ||
		    !zone_wants_compaction(z, order, highest_zoneidx) ||
		    mm_compaction_deferred(z, (unsigned int)order))
			continue;
		r = compact_zone_for_kcompactd(z, order);
		if (r == COMPACT_SUCCESS) {
			mm_compaction_defer_reset(z, (unsigned int)order, false);
			kcd.successes++;
		} else if (r == COMPACT_COMPLETE || r == COMPACT_PARTIAL_SKIPPED) {
			mm_defer_compaction(z, (unsigned int)order);
		}
	}
}

bool mm_kcompactd_do_work(void)
{
	unsigned long flags = mm_spin_lock_irqsave(&kcd.lock);
	bool had = kcd.pending;
	int order = kcd.order, zi = kcd.highest_zoneidx;

	kcd.pending = false;
	mm_spin_unlock_irqrestore(&kcd.lock, flags);
	if (!had)
		return false;
	mm_count_compact_zone_event(COMPACT_DAEMON_WAKE, 1);
	kcd.wakeups++;
	compact_node(order, zi);
	return true;
}

static void proactive_pass(void)
{
	struct zone *z;

	for_each_zone(z) {
		struct compact_control cc = {
			.zone = z,
			.order = -1,
			.migratetype = MIGRATE_MOVABLE,
			.highest_zoneidx = z->zone_idx,
			.mode = MIGRATE_SYNC_LIGHT,
			.abort = &kcd.parked,
		};

		if (!populated_zone(z) ||
		    mm_fragmentation_index(z, pageblock_order) <= mm_sysctl_extfrag_threshold)
			continue;
		mm_compact_zone(&cc);
		kcd.migrated += cc.nr_migrated;
		kcd.proactive_runs++;
	}
}

/* ---- the thread ---- */

static bool has_work(void *unused)
{
	(void)unused;
	return (__atomic_load_n(&kcd.pending, __ATOMIC_ACQUIRE) ||
		__atomic_load_n(&kcd.reconfig, __ATOMIC_ACQUIRE)) &&
	       !__atomic_load_n(&kcd.parked, __ATOMIC_ACQUIRE);
}

static bool idle(void *unused)
{
	(void)unused;
	return !__atomic_load_n(&kcd.running, __ATOMIC_ACQUIRE);
}

static int kcompactd_main(void *unused)
{
	(void)unused;
	for (;;) {
		unsigned int ms = __atomic_load_n(&kcd.proactive_ms, __ATOMIC_RELAXED);
		bool work;

		__atomic_store_n(&kcd.running, false, __ATOMIC_RELEASE);
		mm_wake_up(kcd.idle_wq);
		work = mm_wait_timeout(kcd.wq, has_work, NULL, ms);
		if (__atomic_load_n(&kcd.parked, __ATOMIC_ACQUIRE))
			continue;
		if (__atomic_exchange_n(&kcd.reconfig, false, __ATOMIC_ACQ_REL) &&
		    !__atomic_load_n(&kcd.pending, __ATOMIC_ACQUIRE))
			continue; /* only re-arm with the new period */
		__atomic_store_n(&kcd.running, true, __ATOMIC_RELEASE);
		if (work)
			mm_kcompactd_do_work();
		else if (ms)
			proactive_pass();
	}
	return 0;
}

int kcompactd_run(void)
{
	__atomic_store_n(&kcd.parked, false, __ATOMIC_RELEASE);
	if (kcd.started) {
		mm_wake_up(kcd.wq);
		return 0;
	}
	if (!kcd.wq)
		kcd.wq = mm_waitq_create();
	if (!kcd.idle_wq)
		kcd.idle_wq = mm_waitq_create();
	if (!kcd.wq || !kcd.idle_wq)
		return -1;
	kcd.started = true;
	if (mm_kthread_run(kcompactd_main, NULL, "kcompactd0")) {
		kcd.started = false;
		return -1;
	}
	return 0;
}

void mm_kcompactd_park(void)
{
	__atomic_store_n(&kcd.parked, true, __ATOMIC_RELEASE);
	if (!kcd.started)
		return;
	mm_wake_up(kcd.wq);
	mm_wait_timeout(kcd.idle_wq, idle, NULL, 0);
}

void mm_kcompactd_set_proactive(unsigned int ms)
{
	__atomic_store_n(&kcd.proactive_ms, ms, __ATOMIC_RELAXED);
	__atomic_store_n(&kcd.reconfig, true, __ATOMIC_RELEASE);
	if (kcd.wq)
		mm_wake_up(kcd.wq);
}

void mm_kcompactd_reset(void)
{
	unsigned long flags = mm_spin_lock_irqsave(&kcd.lock);

	kcd.pending = false;
	kcd.order = 0;
	kcd.highest_zoneidx = 0;
	kcd.wakeups = kcd.proactive_runs = kcd.migrated = kcd.successes = 0;
	mm_spin_unlock_irqrestore(&kcd.lock, flags);
}

void mm_kcompactd_get_stats(struct kcompactd_stats *st)
{
	st->running = __atomic_load_n(&kcd.running, __ATOMIC_ACQUIRE);
	st->wakeups = kcd.wakeups;
	st->proactive_runs = kcd.proactive_runs;
	st->migrated = kcd.migrated;
	st->successes = kcd.successes;
}
