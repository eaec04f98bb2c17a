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

unsigned long mm_reclaim_event_states[MM_MAX_CPUS][NR_RECLAIM_EVENTS];

const char *const mm_reclaim_event_names[NR_RECLAIM_EVENTS] = {
	"pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct",  "pgrefill",
	"pgactivate",	 "pgdeactivate",  "pgrotated",	    "nr_vmscan_write", "pgpgout_pages",
	"pgpgin_pages",	 "slabs_scanned", "allocstall",	    "kswapd_wakeups",  "pageoutrun",
};

unsigned long mm_global_reclaim_event(enum reclaim_event item)
{
	unsigned long sum = 0;

	for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++)
		sum += __atomic_load_n(&mm_reclaim_event_states[cpu][item], __ATOMIC_RELAXED);
	return sum;
}

void mm_reclaim_events_reset(void)
{
	for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++)
		for (int i = 0; i < NR_RECLAIM_EVENTS; i++)
			mm_reclaim_event_states[cpu][i] = 0;
	mm_reclaim_profile_reset();
}

void mm_print_reclaim_vmstat(void)
{
	unsigned long inactive = 0, active = 0;

	for (int i = 0; i < NR_LRUVECS; i++) {
		inactive += lruvec_size(&mm_zone_lruvecs[i], LRU_INACTIVE_FILE);
		active += lruvec_size(&mm_zone_lruvecs[i], LRU_ACTIVE_FILE);
	}
	mm_printk("nr_inactive_file %lu\n", inactive);
	mm_printk("nr_active_file %lu\n", active);
	mm_printk("nr_file_pages %lu\n", mm_filemap_nr_pages());
	mm_printk("nr_dirty %lu\n", mm_filemap_nr_dirty());
	for (int i = 0; i < NR_RECLAIM_EVENTS; i++)
		mm_printk("%s %lu\n", mm_reclaim_event_names[i],
			  mm_global_reclaim_event((enum reclaim_event)i));
}

/* ---- the reclaim profile ---- */

static struct reclaim_profile reclaim_profiles[MM_MAX_CPUS];

static void profile_scan(const struct scan_control *sc, unsigned long scanned,
			 const unsigned long *outcome, unsigned long written)
{
	unsigned long flags = mm_irq_save();
	struct reclaim_profile *rp = &reclaim_profiles[mm_cpu_id()];
	int who = sc->kswapd, prio = sc->priority;

	if (prio < 0 || prio > DEF_PRIORITY)
		prio = 0;
	rp->scanned[who][prio] += scanned;
	rp->freed[who][prio] += outcome[SCAN_FREED];
	if (sc->kswapd && sc->order < MAX_ORDER) {
		rp->kswapd_scanned_by_order[sc->order] += scanned;
		rp->kswapd_freed_by_order[sc->order] += outcome[SCAN_FREED];
	}
	for (int i = 0; i < NR_SCAN_OUTCOMES; i++)
		rp->outcome[who][i] += outcome[i];
	rp->written[who] += written;
	mm_irq_restore(flags);
}

static void profile_block(bool made)
{
	unsigned long flags = mm_irq_save();
	struct reclaim_profile *rp = &reclaim_profiles[mm_cpu_id()];

	rp->blocks_tried++;
	rp->blocks_made += made;
	mm_irq_restore(flags);
}

void mm_reclaim_profile_get(struct reclaim_profile *out)
{
	unsigned long *dst = (unsigned long *)out;
	const unsigned long n = sizeof(*out) / sizeof(unsigned long);

	for (unsigned long i = 0; i < n; i++)
		dst[i] = 0;
	for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++) {
		const unsigned long *src = (const unsigned long *)&reclaim_profiles[cpu];

		for (unsigned long i = 0; i < n; i++)
			dst[i] += __atomic_load_n(&src[i], __ATOMIC_RELAXED);
	}
}

void mm_reclaim_profile_reset(void)
{
	for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++)
		reclaim_profiles[cpu] = (struct reclaim_profile){ 0 };
}

static const char *const outcome_names[NR_SCAN_OUTCOMES] = {
	"freed", "referenced", "busy", "dirty_kept", "skipped",
};

void mm_print_reclaim_profile(void)
{
	static const char *const who_names[2] = { "direct", "kswapd" };
	struct reclaim_profile rp;

	mm_reclaim_profile_get(&rp);
	for (int who = 1; who >= 0; who--) {
		mm_printk("scan profile %s: by priority (scanned/freed):", who_names[who]);
		for (int prio = DEF_PRIORITY; prio >= 0; prio--)
			if (rp.scanned[who][prio])
				mm_printk(" p%d %lu/%lu", prio, rp.scanned[who][prio],
					  rp.freed[who][prio]);
		mm_printk("\nscan profile %s: outcomes:", who_names[who]);
		for (int i = 0; i < NR_SCAN_OUTCOMES; i++)
			mm_printk(" %s %lu", outcome_names[i], rp.outcome[who][i]);
		mm_printk(" (written then freed %lu)\n", rp.written[who]);
	}
	mm_printk("scan profile kswapd: by wake-up order (scanned/freed):");
	for (int o = 0; o < MAX_ORDER; o++)
		if (rp.kswapd_scanned_by_order[o])
			mm_printk(" o%d %lu/%lu", o, rp.kswapd_scanned_by_order[o],
				  rp.kswapd_freed_by_order[o]);
	mm_printk("\nblocks reclaimed in place before an OOM kill: %lu of %lu tried\n",
		  rp.blocks_made, rp.blocks_tried);
}

void mm_reclaim_init(void)
{
	mm_lru_init();
	mm_shrinker_init();
	mm_filemap_init_global();
	mm_reclaim_events_reset();
}

/* ---- the inactive list ---- */

enum page_verdict { PAGE_FREED, PAGE_KEEP, PAGE_ROTATE };

static bool may_writeback(const struct scan_control *sc)
{
	return !sc->no_writeback && (sc->gfp_mask & __GFP_IO);
}

/* One isolated inactive page (we hold a reference besides the cache's). */
static enum page_verdict shrink_page(struct page *page, struct scan_control *sc,
				     enum scan_outcome *why)
{
	if (PageFlag(page, PG_locked) || page_ref_count(page) > 2 || !page->mapping) {
		sc->nr_busy++;
		*why = SCAN_BUSY;
		return PAGE_KEEP;
	}
	/* Linux's page_check_references for a page no page table maps: one
	 * use on the inactive list does not save it (a second would have
	 * moved it to the active list already). Linux keeps such a page
	 * when it is dirty, for its flusher threads to clean meanwhile; we
	 * have no flusher, so keeping it would only mean scanning it again,
	 * dirty still: it is written and freed like the others. */
	ClearPageFlag(page, PG_referenced);
	if (PageFlag(page, PG_dirty)) {
		if (!may_writeback(sc)) {
			sc->nr_dirty_kept++;
			*why = SCAN_DIRTY_KEPT;
			return PAGE_ROTATE;
		}
		/* The block device is synchronous: once written, the page is
		 * clean and can go in this same pass. */
		if (mm_filemap_writepage(page)) {
			sc->nr_busy++;
			*why = SCAN_BUSY;
			return PAGE_ROTATE;
		}
		sc->nr_written++;
		count_reclaim_event(NR_VMSCAN_WRITE, 1);
	}
	if (!mm_filemap_remove_page(page)) {
		sc->nr_busy++;
		*why = SCAN_BUSY;
		return PAGE_KEEP;
	}
	*why = SCAN_FREED;
	return PAGE_FREED;
}

/* Reclaim the isolated pages on @isolated, @scanned of them looked at
 * (the rest were skipped at isolation); the list ends empty. */
static unsigned long shrink_page_list(struct list_head *isolated, unsigned long scanned,
				      unsigned long taken, struct scan_control *sc)
{
	unsigned long freed = 0, written = sc->nr_written;
	unsigned long outcome[NR_SCAN_OUTCOMES] = { 0 };

	sc->nr_scanned += scanned;
	count_reclaim_event(sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT, scanned);
	outcome[SCAN_SKIPPED] = scanned - taken;
	while (!list_empty(isolated)) {
		struct page *page = list_first_entry(isolated, struct page, lru);
		enum scan_outcome why;

		list_del(&page->lru);
		switch (shrink_page(page, sc, &why)) {
		case PAGE_FREED:
			__free_page(page); /* ours, the last one */
			freed++;
			break;
		case PAGE_ROTATE:
			count_reclaim_event(PGROTATED, 1);
			mm_lru_putback_page(page); /* to the head of the inactive list */
			break;
		case PAGE_KEEP:
			mm_lru_putback_page(page);
			break;
		}
		outcome[why]++;
	}
	sc->nr_reclaimed += freed;
	sc->nr_lru_reclaimed += freed;
	count_reclaim_event(sc->kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, freed);
	profile_scan(sc, scanned, outcome, sc->nr_written - written);
	return freed;
}

static unsigned long shrink_inactive_list(struct lruvec *lv, unsigned long nr_to_scan,
					  struct scan_control *sc)
{
	struct list_head isolated;
	unsigned long scanned = 0, taken;

	INIT_LIST_HEAD(&isolated);
	taken = mm_lru_isolate_pages(lv, LRU_INACTIVE_FILE, nr_to_scan, &isolated, &scanned);
	return shrink_page_list(&isolated, scanned, taken, sc);
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
	mm_lru_isolate_pages(lv, LRU_ACTIVE_FILE, nr_to_scan, &isolated, &scanned);
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
		mm_lru_putback_page(page);
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

void mm_shrink_zone(struct zone *zone, struct scan_control *sc)
{
	struct lruvec *lv = zone_lruvec(zone);
	unsigned long scanned = sc->nr_scanned, eligible = mm_zone_reclaimable_pages(zone);
	unsigned long slab_pages = 0;

	shrink_lruvec(lv, sc);
	sc->nr_slab_freed += mm_shrink_slab(sc->gfp_mask, sc->nr_scanned - scanned, eligible,
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

unsigned long mm_try_to_free_pages(gfp_t gfp, unsigned int order, int highest_zoneidx,
				struct scan_control *sc)
{
	return mm_try_to_free_zonelist(gfp, order, mm_node_zonelist(numa_mem_id(), gfp), highest_zoneidx,
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
		if (mm__compaction_suitable(z, sc->order, 0, highest_zoneidx,
					  zone_page_state(z, NR_FREE_PAGES)) != COMPACT_SKIPPED)
			return false;
	sc->nr_to_reclaim = sc->nr_reclaimed + SWAP_CLUSTER_MAX;
	return true;
}

unsigned long mm_try_to_free_zonelist(gfp_t gfp, unsigned int order, const struct zonelist *zl,
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
				mm_shrink_zone(z, sc);
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

bool mm_zone_balanced(struct zone *zone, unsigned int order, int highest_zoneidx)
{
	return mm_zone_watermark_ok(zone, order, high_wmark_pages(zone), highest_zoneidx, 0);
}

/* Free pages compaction needs to make an @order block (Linux's
 * compact_gap): beyond that, reclaim for the order only frees pages. */
static unsigned long compact_gap(unsigned int order)
{
	return 2UL << order;
}

/* Has mm_balance_zone done its part? The zone is tested against its own
 * index, as kswapd's balance test does: a lower zone's lowmem reserve for
 * the higher zones of the request decides who may use it, not how much
 * kswapd frees in it (DMA's reserve for Normal can exceed DMA itself, and
 * reclaim would then empty DMA's lists).
 *
 * A high order: Linux stops reclaiming for it once compact_gap(order)
 * pages are freed and leaves the block to kcompactd. Here that gives 3-6
 * times more direct reclaim on mmsim's reclaim workload (bursts of
 * order-4 requests between kcompactd's passes), while reclaim for the
 * order costs no efficiency: freed pages merge into the block. So kswapd
 * keeps the order while reclaim is light and falls back to order 0 only
 * when it has to press hard (below half the priorities), when freeing
 * more would mostly empty the cache for a block that pinned pages keep
 * from forming. */
static bool balance_zone_done(struct zone *zone, struct scan_control *sc, unsigned long start)
{
	if (sc->order && sc->priority < DEF_PRIORITY / 2 &&
	    sc->nr_reclaimed - start >= compact_gap(sc->order))
		sc->order = 0;
	return mm_zone_balanced(zone, sc->order, zone->zone_idx);
}

/* Light reclaim stays at the first priorities and stops when a round
 * frees nothing: reclaim that may not write (deeper priorities would only
 * rescan the same dirty pages), and boosted reclaim once only the boost
 * is missing (Linux's nr_boost_reclaim: it is there to get ahead of
 * fragmentation, not to dig). */
static bool reclaim_is_light(struct zone *zone, const struct scan_control *sc)
{
	return sc->no_writeback ||
	       (sc->boosted && mm_zone_watermark_ok(zone, sc->order, zone->_watermark[WMARK_HIGH],
						 zone->zone_idx, 0));
}

unsigned long mm_balance_zone(struct zone *zone, unsigned int order, int highest_zoneidx,
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
						  !balance_zone_done(zone, sc, start);
	     rounds++) {
		unsigned long free = (unsigned long)zone_page_state(zone, NR_FREE_PAGES);
		unsigned long high = high_wmark_pages(zone), before = sc->nr_reclaimed;
		unsigned long want = high > free ? high - free : 0;
		bool light = reclaim_is_light(zone, sc);

		if (light && prio < DEF_PRIORITY - 2)
			break;
		if (sc->order && want < compact_gap(sc->order))
			want = compact_gap(sc->order);
		sc->priority = prio;
		sc->nr_to_reclaim = before + (want > SWAP_CLUSTER_MAX ? want : SWAP_CLUSTER_MAX);
		mm_shrink_zone(zone, sc);
		/* Reclaimed pages sit on per-CPU lists and do not count as free:
		 * give them back once before deciding we are stuck. */
		if (!balance_zone_done(zone, sc, start) && !drained &&
		    (sc->nr_reclaimed == before || prio == 0 ||
		     (light && prio == DEF_PRIORITY - 2))) {
			drain_all_pages(zone);
			drained = true;
			continue;
		}
		if (light && sc->nr_reclaimed == before)
			break;
		/* Like kswapd, press harder only when a round fell short. */
		if (sc->nr_reclaimed - before < sc->nr_to_reclaim - before)
			prio--;
		drained = false;
	}
	sc->nr_to_reclaim = 0;
	return sc->nr_reclaimed - start;
}

/* ---- in-place reclaim of one block ---- */

/* The makeable block of @zone with the fewest LRU pages (at least one),
 * or 0 when none. */
static unsigned long find_block_to_reclaim(struct zone *zone, unsigned int order)
{
	const unsigned long nr = 1UL << order;
	unsigned long best = 0, best_lru = ~0UL, end = zone_end_pfn(zone);
	unsigned long flags = mm_spin_lock_irqsave(&zone->lock);

	for (unsigned long pfn = (zone->zone_start_pfn + nr - 1) & ~(nr - 1);
	     pfn + nr <= end && best_lru > 1; pfn += nr) {
		unsigned long nr_lru;

		if (mm_lru_block_state(pfn, order, &nr_lru) == BLOCK_MAKEABLE && nr_lru &&
		    nr_lru < best_lru) {
			best = pfn;
			best_lru = nr_lru;
		}
	}
	mm_spin_unlock_irqrestore(&zone->lock, flags);
	return best;
}

static bool reclaim_block(struct zone *zone, unsigned int order, struct scan_control *sc)
{
	unsigned long pfn = find_block_to_reclaim(zone, order), taken = 0, freed;
	struct list_head isolated;

	if (!pfn)
		return false;
	INIT_LIST_HEAD(&isolated);
	for (unsigned long i = 0; i < (1UL << order); i++) {
		struct page *page = pfn_to_page(pfn + i);

		if (PageLRU(page) && mm_lru_isolate_page(page)) {
			list_add_tail(&page->lru, &isolated);
			taken++;
		}
	}
	freed = shrink_page_list(&isolated, taken, taken, sc);
	drain_all_pages(zone); /* the freed pages merge only in the buddy lists */
	profile_block(freed == taken && taken);
	return freed == taken && taken;
}

bool mm_try_to_reclaim_block(gfp_t gfp, unsigned int order, const struct zonelist *zl,
			  int highest_zoneidx)
{
	struct scan_control sc = { .nr_to_reclaim = 1UL << order };
	struct zone *const *zp;
	struct zone *z;

	if (!order || order >= MAX_ORDER)
		return false;
	scan_control_setup(&sc, gfp, order, highest_zoneidx, false);
	sc.priority = 0;
	for_each_zone_zonelist(z, zp, zl, highest_zoneidx) {
		/* Only where pages are not short, blocks are: the zone must
		 * stay above its min watermark (and lowmem reserve) once the
		 * block is taken, and must not have one already. */
		if (!mm_zone_watermark_ok(z, 0, min_wmark_pages(z) + (1UL << order), highest_zoneidx,
				       0) ||
		    mm_zone_watermark_ok(z, order, min_wmark_pages(z), highest_zoneidx, 0))
			continue;
		if (reclaim_block(z, order, &sc))
			return true;
	}
	return false;
}
