/*
 * mm/vmscan.c - page reclaim: the inactive list scan (drop clean pages,
 * write dirty ones back first, second chance for referenced ones), active
 * list aging, shrinker calls in proportion, the direct-reclaim and kswapd
 * entry points, and the reclaim counters.
 */
#include "vmscan.h"

#include "compaction.h"
#include "filemap.h"
#include "lru.h"
#include "shrinker.h"

unsigned long reclaim_event_states[MM_MAX_CPUS][NR_RECLAIM_EVENTS];

const char *const reclaim_event_names[NR_RECLAIM_EVENTS] = {
	"pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct",  "pgrefill",
	"pgactivate",	 "pgdeactivate",  "pgrotated",	    "nr_vmscan_write", "pgpgout_pages",
	"pgpgin_pages",	 "slabs_scanned", "allocstall",	    "kswapd_wakeups",  "pageoutrun",
};

unsigned long global_reclaim_event(enum reclaim_event item)
{
	unsigned long sum = 0;

	for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++)
		sum += __atomic_load_n(&reclaim_event_states[cpu][item], __ATOMIC_RELAXED);
	return sum;
}

void reclaim_events_reset(void)
{
	for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++)
		for (int i = 0; i < NR_RECLAIM_EVENTS; i++)
			reclaim_event_states[cpu][i] = 0;
}

void mm_print_reclaim_vmstat(void)
{
	unsigned long inactive = 0, active = 0;

	for (int i = 0; i < NR_LRUVECS; i++) {
		inactive += lruvec_size(&zone_lruvecs[i], LRU_INACTIVE_FILE);
		active += lruvec_size(&zone_lruvecs[i], LRU_ACTIVE_FILE);
	}
	mm_printk("nr_inactive_file %lu\n", inactive);
	mm_printk("nr_active_file %lu\n", active);
	mm_printk("nr_file_pages %lu\n", filemap_nr_pages());
	mm_printk("nr_dirty %lu\n", filemap_nr_dirty());
	for (int i = 0; i < NR_RECLAIM_EVENTS; i++)
		mm_printk("%s %lu\n", reclaim_event_names[i],
			  global_reclaim_event((enum reclaim_event)i));
}

void mm_reclaim_init(void)
{
	lru_init();
	shrinker_init();
	filemap_init_global();
	reclaim_events_reset();
}

/* ---- the inactive list ---- */

enum page_verdict { PAGE_FREED, PAGE_KEEP, PAGE_ROTATE };

static bool may_writeback(const struct scan_control *sc)
{
	return !sc->no_writeback && (sc->gfp_mask & __GFP_IO);
}

/* One isolated inactive page (we hold a reference besides the cache's). */
static enum page_verdict shrink_page(struct page *page, struct scan_control *sc)
{
	if (PageFlag(page, PG_locked) || page_ref_count(page) > 2 || !page->mapping) {
		sc->nr_busy++;
		return PAGE_KEEP;
	}
	if (PageFlag(page, PG_referenced)) {
		/* Used since it came in or since the last scan: one more round. */
		ClearPageFlag(page, PG_referenced);
		sc->nr_rotated++;
		return PAGE_ROTATE;
	}
	if (PageFlag(page, PG_dirty)) {
		if (!may_writeback(sc)) {
			sc->nr_dirty_kept++;
			return PAGE_ROTATE;
		}
		/* The block device is synchronous: once written, the page is
		 * clean and can go in this same pass. */
		if (filemap_writepage(page)) {
			sc->nr_busy++;
			return PAGE_ROTATE;
		}
		sc->nr_written++;
		count_reclaim_event(NR_VMSCAN_WRITE, 1);
	}
	if (!filemap_remove_page(page)) {
		sc->nr_busy++;
		return PAGE_KEEP;
	}
	return PAGE_FREED;
}

static unsigned long shrink_inactive_list(struct lruvec *lv, unsigned long nr_to_scan,
					  struct scan_control *sc)
{
	struct list_head isolated;
	unsigned long scanned = 0, freed = 0;

	INIT_LIST_HEAD(&isolated);
	lru_isolate_pages(lv, LRU_INACTIVE_FILE, nr_to_scan, &isolated, &scanned);
	sc->nr_scanned += scanned;
	count_reclaim_event(sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT, scanned);

	while (!list_empty(&isolated)) {
		struct page *page = list_first_entry(&isolated, struct page, lru);

		list_del(&page->lru);
		switch (shrink_page(page, sc)) {
		case PAGE_FREED:
			__free_page(page); /* ours, the last one */
			freed++;
			break;
		case PAGE_ROTATE:
			count_reclaim_event(PGROTATED, 1);
			lru_putback_page(page); /* to the head of the inactive list */
			break;
		case PAGE_KEEP:
			lru_putback_page(page);
			break;
		}
	}
	sc->nr_reclaimed += freed;
	sc->nr_lru_reclaimed += freed;
	count_reclaim_event(sc->kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, freed);
	return freed;
}

/* ---- the active list ---- */

/* Age active pages from the tail: a referenced one loses its bit and stays
 * (Linux keeps only mapped executable pages this way; without page tables
 * the bit is our only signal of use, so every page gets it), the others go
 * to the head of the inactive list, unreferenced. */
static void shrink_active_list(struct lruvec *lv, unsigned long nr_to_scan, struct scan_control *sc)
{
	struct list_head isolated;
	unsigned long scanned = 0, kept = 0, moved = 0;

	INIT_LIST_HEAD(&isolated);
	lru_isolate_pages(lv, LRU_ACTIVE_FILE, nr_to_scan, &isolated, &scanned);
	count_reclaim_event(PGREFILL, scanned);
	while (!list_empty(&isolated)) {
		struct page *page = list_first_entry(&isolated, struct page, lru);

		list_del(&page->lru);
		if (PageFlag(page, PG_referenced)) {
			ClearPageFlag(page, PG_referenced);
			kept++;
		} else {
			ClearPageFlag(page, PG_active);
			moved++;
		}
		lru_putback_page(page);
	}
	sc->nr_activated += kept;
	sc->nr_deactivated += moved;
	count_reclaim_event(PGDEACTIVATE, moved);
}

/* Linux's inactive_list_is_low: keep inactive >= active / ratio, where the
 * ratio grows with the square root of the list size in GiB (1 below 1 GiB,
 * 3 at 1 GiB, 10 at 10 GiB), so big machines keep more of their working
 * set active. */
static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0;

	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

static bool inactive_is_low(struct lruvec *lv)
{
	unsigned long inactive = lruvec_size(lv, LRU_INACTIVE_FILE);
	unsigned long active = lruvec_size(lv, LRU_ACTIVE_FILE);
	unsigned long gb = (inactive + active) >> (30 - MM_PAGE_SHIFT);
	unsigned long ratio = gb ? int_sqrt(10 * gb) : 1;

	return inactive * ratio < active;
}

/* ---- a zone ---- */

static void shrink_lruvec(struct lruvec *lv, struct scan_control *sc)
{
	unsigned long inactive, nr_to_scan;

	/* Age first, so pages just deactivated can be reclaimed this round. */
	if (inactive_is_low(lv)) {
		unsigned long n = lruvec_size(lv, LRU_ACTIVE_FILE) >> sc->priority;

		shrink_active_list(lv, n > SWAP_CLUSTER_MAX ? n : SWAP_CLUSTER_MAX, sc);
	}
	inactive = lruvec_size(lv, LRU_INACTIVE_FILE);
	nr_to_scan = inactive >> sc->priority;
	/* A small list would never be scanned at the first priorities;
	 * Linux forces a minimum batch the same way. */
	if (!nr_to_scan && inactive)
		nr_to_scan = inactive < SWAP_CLUSTER_MAX ? inactive : SWAP_CLUSTER_MAX;
	while (nr_to_scan && sc->nr_reclaimed < sc->nr_to_reclaim) {
		unsigned long batch = nr_to_scan < SWAP_CLUSTER_MAX ? nr_to_scan : SWAP_CLUSTER_MAX;

		nr_to_scan -= batch;
		shrink_inactive_list(lv, batch, sc);
		if (!lruvec_size(lv, LRU_INACTIVE_FILE))
			break;
	}
}

void shrink_zone(struct zone *zone, struct scan_control *sc)
{
	struct lruvec *lv = zone_lruvec(zone);
	unsigned long scanned = sc->nr_scanned, eligible = zone_reclaimable_pages(zone);
	unsigned long slab_pages = 0;

	shrink_lruvec(lv, sc);
	sc->nr_slab_freed += shrink_slab(sc->gfp_mask, sc->nr_scanned - scanned, eligible,
					 sc->priority, &slab_pages);
	sc->nr_reclaimed += slab_pages;
}

static void scan_control_setup(struct scan_control *sc, gfp_t gfp, unsigned int order,
			       int highest_zoneidx, bool kswapd)
{
	sc->gfp_mask = gfp;
	sc->order = order;
	sc->reclaim_idx = highest_zoneidx;
	sc->kswapd = kswapd;
	if (!sc->nr_to_reclaim)
		sc->nr_to_reclaim = SWAP_CLUSTER_MAX;
}

unsigned long try_to_free_pages(gfp_t gfp, unsigned int order, int highest_zoneidx,
				struct scan_control *sc)
{
	return try_to_free_zonelist(gfp, order, node_zonelist(numa_mem_id(), gfp), highest_zoneidx,
				    sc);
}

/*
 * A costly request's direct reclaim goes on past its SWAP_CLUSTER_MAX
 * goal, a batch at a time, until one of its zones has the free pages
 * compaction needs to run, or it has freed compact_gap(order) pages in
 * this call (Linux's should_continue_reclaim). Stopping at 32 pages would
 * leave the request going round the slowpath for the thousand pages
 * compaction wants, and the slowpath gives costly requests few rounds.
 * True: reclaim more (the goal was raised).
 */
static bool reclaim_more_for_compaction(const struct zonelist *zl, int highest_zoneidx,
					struct scan_control *sc, unsigned long before)
{
	struct zone *const *zp;
	struct zone *z;

	if (sc->order <= PAGE_ALLOC_COSTLY_ORDER || sc->kswapd ||
	    sc->nr_reclaimed < sc->nr_to_reclaim || sc->nr_reclaimed - before >= 2UL << sc->order)
		return false;
	for_each_zone_zonelist(z, zp, zl, highest_zoneidx)
		if (__compaction_suitable(z, sc->order, 0, highest_zoneidx,
					  zone_page_state(z, NR_FREE_PAGES)) != COMPACT_SKIPPED)
			return false;
	sc->nr_to_reclaim = sc->nr_reclaimed + SWAP_CLUSTER_MAX;
	return true;
}

unsigned long try_to_free_zonelist(gfp_t gfp, unsigned int order, const struct zonelist *zl,
				   int highest_zoneidx, struct scan_control *sc)
{
	struct scan_control local = { 0 };
	unsigned long before, goal;

	if (!sc)
		sc = &local;
	if (highest_zoneidx < 0 || highest_zoneidx >= MAX_NR_ZONES) {
		mm_printk("vmscan: try_to_free_pages: bad zone index %d\n", highest_zoneidx);
		return 0;
	}
	scan_control_setup(sc, gfp, order, highest_zoneidx, false);
	before = sc->nr_reclaimed;
	goal = sc->nr_to_reclaim;
	count_reclaim_event(ALLOCSTALL, 1);
	/* Goal relative to this call, so a caller's accumulated sc works. */
	sc->nr_to_reclaim += before;
	for (int prio = DEF_PRIORITY; prio >= 0; prio--) {
		sc->priority = prio;
		struct zone *const *zp;
		struct zone *z;

		for_each_zone_zonelist(z, zp, zl, highest_zoneidx) {
			unsigned long got;

			do {
				got = sc->nr_reclaimed;
				shrink_zone(z, sc);
				got = sc->nr_reclaimed - got;
			} while (got && reclaim_more_for_compaction(zl, highest_zoneidx, sc, before));
			if (sc->nr_reclaimed >= sc->nr_to_reclaim)
				break;
		}
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
	}
	sc->nr_to_reclaim = goal;
	return sc->nr_reclaimed - before;
}

bool zone_balanced(struct zone *zone, unsigned int order, int highest_zoneidx)
{
	return zone_watermark_ok(zone, order, high_wmark_pages(zone), highest_zoneidx, 0);
}

unsigned long balance_zone(struct zone *zone, unsigned int order, int highest_zoneidx,
			   struct scan_control *sc)
{
	struct scan_control local = { 0 };
	unsigned long start;
	bool drained = false;

	if (!sc)
		sc = &local;
	scan_control_setup(sc, GFP_KERNEL, order, highest_zoneidx, true);
	start = sc->nr_reclaimed;
	/* At most two rounds per priority (one after a drain); the cap only
	 * guards against a zone that never balances despite progress. */
	for (int prio = DEF_PRIORITY, rounds = 0; prio >= 0 && rounds < 8 * (DEF_PRIORITY + 1) &&
						  !zone_balanced(zone, order, highest_zoneidx);
	     rounds++) {
		unsigned long free = (unsigned long)zone_page_state(zone, NR_FREE_PAGES);
		unsigned long high = high_wmark_pages(zone), before = sc->nr_reclaimed;
		unsigned long want = high > free ? high - free : 0;

		sc->priority = prio;
		sc->nr_to_reclaim = before + (want > SWAP_CLUSTER_MAX ? want : SWAP_CLUSTER_MAX);
		shrink_zone(zone, sc);
		/* Reclaimed pages sit on per-CPU lists and do not count as free:
		 * give them back once before deciding we are stuck. */
		if (!zone_balanced(zone, order, highest_zoneidx) && !drained &&
		    (sc->nr_reclaimed == before || prio == 0)) {
			drain_all_pages(zone);
			drained = true;
			continue;
		}
		/* Like kswapd, press harder only when a round fell short. */
		if (sc->nr_reclaimed - before < sc->nr_to_reclaim - before)
			prio--;
		drained = false;
	}
	sc->nr_to_reclaim = 0;
	return sc->nr_reclaimed - start;
}
