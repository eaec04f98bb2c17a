/*
 * mm/compact_zone.c - the compaction engine: the migrate and free
 * scanners, isolation of free target pages straight off the buddy lists,
 * the stop conditions, the fragmentation index and mm_compact_memory().
 *
 * Layout of a pass: pageblocks at or above cc->free_pfn belong to the
 * free scanner, pfns below cc->migrate_pfn have been looked at by the
 * migrate scanner; the pass ends when the two meet.
 *
 * Work is not repeated across passes (Linux's design): a pass resumes
 * where the last one left the scanners (zone->compact_cached_*), and a
 * pageblock in which a scanner found nothing gets a skip hint that later
 * passes honour. When the scanners meet, the next pass starts again at
 * the zone's ends. The restart rule: a pass answers COMPACT_COMPLETE
 * only if it looked at every pageblock itself (it started at both ends
 * and skipped nothing by hint); a pass that met after starting midway or
 * skipping hinted blocks answers COMPACT_PARTIAL_SKIPPED. A whole-zone
 * pass that failed clears the zone's hints, so the next one looks at
 * everything; kswapd clears them too once it has balanced the node.
 */
#include "compact_zone.h"

#include "internal.h"

int mm_sysctl_extfrag_threshold = 500;

/* ---- skip hints and cached scanner positions ---- */

uint8_t *mm_pageblock_skip;

/* Bits of mm_pageblock_skip[]: the migrate scanner found nothing it could
 * isolate in the block; the free scanner left no free page in it. Two
 * bits rather than Linux's one PB_migrate_skip: a block the free scanner
 * filled is still worth emptying once the scanners have crossed. */
#define PB_migrate_skip 0x1u
#define PB_free_skip 0x2u
/* Not hints, never cleared: whether the block was looked at for pages the
 * allocator manages, and it has none (a hole, the struct page array).
 * Pages stay PG_reserved from boot on, so the answer never changes. */
#define PB_ram_known 0x4u
#define PB_no_ram 0x8u

static bool pageblock_skip_test(unsigned long pfn, uint8_t bit)
{
	return mm_pageblock_skip &&
	       (__atomic_load_n(&mm_pageblock_skip[pfn >> pageblock_order], __ATOMIC_RELAXED) & bit);
}

static void pageblock_skip_set(unsigned long pfn, uint8_t bit)
{
	if (mm_pageblock_skip)
		__atomic_fetch_or(&mm_pageblock_skip[pfn >> pageblock_order], bit, __ATOMIC_RELAXED);
}

static void pageblock_skip_clear(unsigned long pfn, uint8_t bit)
{
	if (mm_pageblock_skip)
		__atomic_fetch_and(&mm_pageblock_skip[pfn >> pageblock_order], (uint8_t)~bit,
				   __ATOMIC_RELAXED);
}

/* Does the pageblock at @block hold no page the allocator manages? Found
 * out once per block (the pages looked at are added to *scanned), then
 * remembered: both scanners step over such blocks without a look. */
static bool pageblock_without_ram(const struct zone *zone, unsigned long block,
				  unsigned long *scanned)
{
	unsigned long pfn, start, end;
	uint8_t v;

	if (!mm_pageblock_skip)
		return false;
	v = __atomic_load_n(&mm_pageblock_skip[block >> pageblock_order], __ATOMIC_RELAXED);
	if (v & PB_ram_known)
		return v & PB_no_ram;
	start = block < zone->zone_start_pfn ? zone->zone_start_pfn : block;
	end = block + pageblock_nr_pages < zone_end_pfn(zone) ? block + pageblock_nr_pages
							      : zone_end_pfn(zone);
	for (pfn = start; pfn < end && PageReserved(pfn_to_page(pfn)); pfn++)
		;
	*scanned += pfn < end ? pfn - start + 1 : end - start;
	pageblock_skip_set(block, pfn < end ? PB_ram_known : PB_ram_known | PB_no_ram);
	return pfn >= end;
}

bool mm_compact_pageblock_skipped(unsigned long pfn, bool free_scanner)
{
	return pageblock_skip_test(pfn, free_scanner ? PB_free_skip : PB_migrate_skip);
}

static unsigned long zone_last_block(const struct zone *zone)
{
	return (zone_end_pfn(zone) - 1) & ~(pageblock_nr_pages - 1);
}

void mm__reset_isolation_suitable(struct zone *zone)
{
	unsigned long pfn = zone->zone_start_pfn & ~(pageblock_nr_pages - 1);

	if (!zone->spanned_pages)
		return;
	for (; pfn < zone_end_pfn(zone); pfn += pageblock_nr_pages)
		pageblock_skip_clear(pfn, PB_migrate_skip | PB_free_skip);
	__atomic_store_n(&zone->compact_cached_free_pfn, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&zone->compact_cached_migrate_pfn[0], 0, __ATOMIC_RELAXED);
	__atomic_store_n(&zone->compact_cached_migrate_pfn[1], 0, __ATOMIC_RELAXED);
	__atomic_store_n(&zone->compact_blockskip_flush, false, __ATOMIC_RELAXED);
}

void mm_reset_isolation_suitable(int nid)
{
	struct pglist_data *pgdat = NODE_DATA(nid);

	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *zone = &pgdat->node_zones[zi];

		if (__atomic_load_n(&zone->compact_blockskip_flush, __ATOMIC_RELAXED))
			mm__reset_isolation_suitable(zone);
	}
}

/* Where this pass starts: the zone's ends for a whole-zone pass, else
 * the cached positions when they lie inside the zone. */
static void compact_start_positions(struct compact_control *cc)
{
	struct zone *zone = cc->zone;
	unsigned long zstart = zone->zone_start_pfn, zend = zone_end_pfn(zone);
	unsigned long last = zone_last_block(zone), mpfn, fpfn;

	mpfn = __atomic_load_n(&zone->compact_cached_migrate_pfn[cc->mode != MIGRATE_ASYNC],
			       __ATOMIC_RELAXED);
	fpfn = __atomic_load_n(&zone->compact_cached_free_pfn, __ATOMIC_RELAXED);
	if (cc->whole_zone || mpfn < zstart || mpfn >= zend)
		mpfn = zstart;
	if (cc->whole_zone || !fpfn || fpfn >= zend || fpfn < zstart)
		fpfn = last;
	cc->migrate_pfn = mpfn;
	/* The free position is exact: the block, and where in it to resume. */
	cc->free_pfn = fpfn & ~(pageblock_nr_pages - 1);
	cc->free_scan_pfn = fpfn;
	cc->whole_zone = mpfn == zstart && fpfn == last;
}

/* Leave the scanners' positions for the next pass. The migrate positions
 * only move up and the free one only down, whatever other passes in the
 * zone did meanwhile; a sync pass moves the async position along too. */
static void compact_save_positions(struct compact_control *cc)
{
	struct zone *zone = cc->zone;
	unsigned long *m0 = &zone->compact_cached_migrate_pfn[0];
	unsigned long *m1 = &zone->compact_cached_migrate_pfn[1];
	unsigned long f = __atomic_load_n(&zone->compact_cached_free_pfn, __ATOMIC_RELAXED);
	unsigned long fpos = cc->free_pfn;

	if (cc->free_scan_pfn > fpos && cc->free_scan_pfn < fpos + pageblock_nr_pages)
		fpos = cc->free_scan_pfn;
	if (cc->migrate_pfn > __atomic_load_n(m0, __ATOMIC_RELAXED))
		__atomic_store_n(m0, cc->migrate_pfn, __ATOMIC_RELAXED);
	if (cc->mode != MIGRATE_ASYNC && cc->migrate_pfn > __atomic_load_n(m1, __ATOMIC_RELAXED))
		__atomic_store_n(m1, cc->migrate_pfn, __ATOMIC_RELAXED);
	if (!f || fpos < f)
		__atomic_store_n(&zone->compact_cached_free_pfn, fpos, __ATOMIC_RELAXED);
}

/* The scanners met: the next pass starts at the ends again. */
static void compact_reset_positions(struct zone *zone)
{
	__atomic_store_n(&zone->compact_cached_free_pfn, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&zone->compact_cached_migrate_pfn[0], 0, __ATOMIC_RELAXED);
	__atomic_store_n(&zone->compact_cached_migrate_pfn[1], 0, __ATOMIC_RELAXED);
}

static unsigned long cz_events[NR_COMPACT_ZONE_EVENTS];

unsigned long mm_compact_zone_event_count(enum compact_zone_event e)
{
	return __atomic_load_n(&cz_events[e], __ATOMIC_RELAXED);
}

void mm_count_compact_zone_event(enum compact_zone_event e, unsigned long n)
{
	__atomic_fetch_add(&cz_events[e], n, __ATOMIC_RELAXED);
}

void mm_compact_zone_events_reset(void)
{
	for (int i = 0; i < NR_COMPACT_ZONE_EVENTS; i++)
		__atomic_store_n(&cz_events[i], 0, __ATOMIC_RELAXED);
}

void mm_print_compact_vmstat(void)
{
	mm_printk("pgmigrate_success %lu\n", mm_migrate_event_count(PGMIGRATE_SUCCESS));
	mm_printk("pgmigrate_fail %lu\n", mm_migrate_event_count(PGMIGRATE_FAIL));
	mm_printk("compact_migrate_scanned %lu\n",
		  mm_compact_zone_event_count(COMPACTMIGRATE_SCANNED));
	mm_printk("compact_free_scanned %lu\n", mm_compact_zone_event_count(COMPACTFREE_SCANNED));
	mm_printk("compact_isolated %lu\n", mm_compact_zone_event_count(COMPACTISOLATED));
	mm_printk("compact_stall %lu\n", mm_compact_event_count(COMPACTSTALL));
	mm_printk("compact_fail %lu\n", mm_compact_event_count(COMPACTFAIL));
	mm_printk("compact_success %lu\n", mm_compact_event_count(COMPACTSUCCESS));
	mm_printk("compact_daemon_wake %lu\n", mm_compact_zone_event_count(COMPACT_DAEMON_WAKE));
	mm_printk("compact_daemon_migrate_scanned %lu\n",
		  mm_compact_zone_event_count(COMPACT_DAEMON_MIGRATE_SCANNED));
	mm_printk("compact_daemon_free_scanned %lu\n",
		  mm_compact_zone_event_count(COMPACT_DAEMON_FREE_SCANNED));
}

/* ---- fragmentation index ---- */

int mm_fragmentation_index(struct zone *zone, unsigned int order)
{
	unsigned long blocks = 0, suitable = 0, free_pages = 0, flags;

	if (order >= MAX_ORDER)
		return -1000;
	flags = mm_spin_lock_irqsave(&zone->lock);
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long n = zone->free_area[o].nr_free;

		blocks += n;
		free_pages += n << o;
		if (o >= order)
			suitable += n << (o - order);
	}
	mm_spin_unlock_irqrestore(&zone->lock, flags);
	if (!blocks)
		return 0;
	if (suitable)
		return -1000;
	/* Linux's formula: many small free blocks relative to the memory
	 * they hold mean fragmentation; few mean a plain shortage. */
	return 1000 - (int)((1000 + free_pages * 1000 / (1UL << order)) / blocks);
}

/* ---- the free scanner ---- */

/* Free targets come only from movable pageblocks, as in Linux: filling
 * an unmovable block with movable pages would undo the separation. A
 * pageblock that is one free block is left whole. */
static bool suitable_migration_target(unsigned long block_pfn)
{
	struct page *page = pfn_to_page(block_pfn);

	if (PageBuddy(page) && __atomic_load_n(&page->private, __ATOMIC_RELAXED) >= pageblock_order)
		return false;
	return mm_get_pageblock_migratetype(block_pfn) == MIGRATE_MOVABLE;
}

/* Take the free block at @page off its list and turn it into 2^order
 * allocated order-0 pages on cc->freepages (zone->lock held). */
static void isolate_free_block(struct compact_control *cc, struct page *page, unsigned int order)
{
	struct zone *zone = cc->zone;

	list_del(&page->lru);
	ClearPageFlag(page, PG_buddy);
	set_page_private(page, 0);
	/* Relaxed: mm__zone_watermark_ok reads it without the lock. */
	__atomic_store_n(&zone->free_area[order].nr_free, zone->free_area[order].nr_free - 1,
			 __ATOMIC_RELAXED);
	zone_mod_free(zone, -(1L << order));
	if (!mm_check_new_pages(page, order))
		return; /* reported; leaked like any bad block */
	for (unsigned long i = 0; i < (1UL << order); i++) {
		struct page *p = page + i;

		ClearPageFlag(p, PG_poisoned);
		set_page_count(p, 1);
		set_page_alloc_order(p, 0);
		list_add_tail(&p->lru, &cc->freepages);
	}
	cc->nr_freepages += 1UL << order;
	cc->nr_isolated_free += 1UL << order;
}

/*
 * Scan the free scanner's pageblock from cc->free_scan_pfn (where the last
 * batch stopped in it, or its start) until enough targets are isolated.
 * Returns true when the block was scanned to its end: it has no free
 * page left (every one met was taken), and gets the free skip hint.
 */
static bool isolate_freepages_block(struct compact_control *cc, unsigned long pfn,
				    unsigned long end, bool *low)
{
	struct zone *zone = cc->zone;
	unsigned long flags, scanned = 0;
	bool full = true;

	flags = mm_spin_lock_irqsave(&zone->lock);
	for (; pfn < end; pfn++) {
		struct page *page = pfn_to_page(pfn);
		unsigned int order;

		scanned++;
		if (!PageBuddy(page)) {
			/* An allocated block of several pages holds no free
			 * page: step over it at once. */
			if (!PageTail(page) && !PagePcp(page) && page_ref_count(page) > 0 &&
			    (order = page_alloc_order(page)) > 0 && order < MAX_ORDER)
				pfn += (1UL << order) - 1;
			continue;
		}
		order = page->private;
		/* Keep the zone above min: the targets are taken without the
		 * allocator's checks. */
		if (!mm_zone_watermark_ok(zone, 0, min_wmark_pages(zone) + (1UL << order), 0, 0)) {
			*low = true;
			full = false;
			break;
		}
		isolate_free_block(cc, page, order);
		pfn += (1UL << order) - 1;
		if (cc->nr_freepages >= cc->nr_migratepages && pfn + 1 < end) {
			full = false;
			pfn++;
			break;
		}
	}
	mm_spin_unlock_irqrestore(&zone->lock, flags);
	cc->free_scan_pfn = pfn;
	cc->free_scanned += scanned;
	return full;
}

/* ---- the fast free-page finder ---- */

/* Free-list entries looked at per order and search. */
#define FAST_SEARCH_LIMIT (COMPACT_CLUSTER_MAX + 1)

/*
 * Take blocks of @order at or above @min_pfn in movable pageblocks off the
 * movable free list, read from its tail (the blocks freed longest ago),
 * looking at FAST_SEARCH_LIMIT entries at most. The entries looked at and
 * left are rotated to the head so that the next search reads others; a
 * list that gave nothing in a full look is not read again in this pass at
 * this @round, unless no list gives anything. Every entry looked at and
 * every page taken counts as scanned. Returns false when the zone's min
 * watermark stopped it (zone->lock held).
 */
static bool fast_isolate_order(struct compact_control *cc, unsigned int order,
			       unsigned long min_pfn, int round)
{
	struct zone *zone = cc->zone;
	struct list_head *head = &zone->free_area[order].free_list[MIGRATE_MOVABLE];
	struct list_head *e, *prev = head;
	unsigned long before = cc->nr_freepages;
	unsigned int looked = 0;
	bool ok = true;

	for (e = head->prev; e != head && looked < FAST_SEARCH_LIMIT; e = prev) {
		struct page *page = list_entry(e, struct page, lru);
		unsigned long pfn = page_to_pfn(page);

		prev = e->prev;
		looked++;
		if (pfn < min_pfn || mm_get_pageblock_migratetype(pfn) != MIGRATE_MOVABLE)
			continue;
		if (!mm_zone_watermark_ok(zone, 0, min_wmark_pages(zone) + (1UL << order), 0, 0)) {
			ok = false;
			break;
		}
		isolate_free_block(cc, page, order);
		cc->free_scanned += (1UL << order) - 1;
		cc->nr_fast_isolated += 1UL << order;
		if (cc->nr_freepages >= cc->nr_migratepages)
			break;
	}
	cc->free_scanned += looked;
	if (cc->nr_freepages == before && looked >= FAST_SEARCH_LIMIT)
		cc->fast_dead_orders[round] |= 1u << order;
	/* @prev is the newest entry not looked at: make it the tail. */
	if (prev != head && prev->next != head)
		list_rotate_to_front(prev->next, head);
	return ok;
}

/*
 * Targets straight off the free lists (Linux's fast_isolate_freepages):
 * instead of walking pageblocks down from the zone's end page by page,
 * take free blocks of orders below the request's (so that no block it
 * could use is broken up), smallest first: single free pages are the
 * holes compaction fills, and their lists give the most hits. Blocks in
 * the upper half of what lies between the scanners come first (round 0),
 * far from the blocks the migrate scanner is emptying; then anything
 * above the migrate scanner's pageblock (round 1). Whole-zone compaction
 * (no order) and passes with cc->linear_free_scan keep the linear walk.
 * Leaves the upper half's bound in cc->fast_floor for the walk that
 * follows a search that found nothing. Returns whether it took anything.
 */
static bool fast_isolate_freepages(struct compact_control *cc)
{
	struct zone *zone = cc->zone;
	unsigned long mblock = cc->migrate_pfn & ~(pageblock_nr_pages - 1);
	unsigned long flags, before = cc->nr_freepages;
	unsigned long min_pfn[2] = { 0, mblock + pageblock_nr_pages };
	unsigned int top;
	bool ok = true;

	cc->fast_floor = 0;
	if (cc->order <= 0 || cc->linear_free_scan || cc->free_pfn <= min_pfn[1])
		return false;
	min_pfn[0] = (cc->free_pfn - (cc->free_pfn - cc->migrate_pfn) / 2) &
		     ~(pageblock_nr_pages - 1);
	if (min_pfn[0] < min_pfn[1])
		min_pfn[0] = min_pfn[1];
	top = (unsigned int)cc->order < pageblock_order ? (unsigned int)cc->order
							: pageblock_order;
	cc->fast_floor = min_pfn[0];
	flags = mm_spin_lock_irqsave(&zone->lock);
	for (int round = 0; round < 2 && ok && cc->nr_freepages < cc->nr_migratepages; round++)
		for (unsigned int o = 0; o < top && ok && cc->nr_freepages < cc->nr_migratepages;
		     o++)
			if (!(cc->fast_dead_orders[round] & (1u << o)) &&
			    __atomic_load_n(&zone->free_area[o].nr_free, __ATOMIC_RELAXED))
				ok = fast_isolate_order(cc, o, min_pfn[round], round);
	/* Nothing, with lists given up on: their tails have turned over
	 * since, read them once more before walking pageblocks. */
	if (ok && cc->nr_freepages == before &&
	    (cc->fast_dead_orders[0] | cc->fast_dead_orders[1])) {
		cc->fast_dead_orders[0] = cc->fast_dead_orders[1] = 0;
		for (unsigned int o = 0; o < top && ok && cc->nr_freepages < cc->nr_migratepages;
		     o++)
			if (__atomic_load_n(&zone->free_area[o].nr_free, __ATOMIC_RELAXED))
				ok = fast_isolate_order(cc, o, min_pfn[1], 1);
	}
	mm_spin_unlock_irqrestore(&zone->lock, flags);
	cc->free_low |= !ok;
	return cc->nr_freepages > before;
}

/* ---- the linear free scanner ---- */

/*
 * Whether any free page could be a target: a free block sits on the list
 * of its pageblock's type (mm_check_invariants checks it), the walk takes
 * free pages only in movable pageblocks, and never a pageblock that is one
 * free block. So with the movable lists below pageblock_order empty, a walk
 * of any length would find nothing.
 */
static bool movable_free_pages(struct zone *zone)
{
	unsigned long flags = mm_spin_lock_irqsave(&zone->lock);
	bool any = false;

	for (unsigned int o = 0; o < pageblock_order && !any; o++)
		any = !list_empty(&zone->free_area[o].free_list[MIGRATE_MOVABLE]);
	mm_spin_unlock_irqrestore(&zone->lock, flags);
	return any;
}

static void isolate_freepages(struct compact_control *cc)
{
	unsigned long zstart = cc->zone->zone_start_pfn, zend = zone_end_pfn(cc->zone);

	/* The free lists first; the walk only when they had nothing. */
	if (fast_isolate_freepages(cc) || cc->free_low)
		return;
	if (!movable_free_pages(cc->zone)) {
		/* The walk could only conclude that nothing is left to take:
		 * the scanners meet here. */
		cc->free_pfn = cc->migrate_pfn & ~(pageblock_nr_pages - 1);
		cc->free_scan_pfn = 0;
		return;
	}
	/*
	 * They had nothing above the migrate scanner. If the walk has not
	 * started yet, it would begin at the zone's end and read the upper
	 * half the lists were searched in first, which they have mined:
	 * page by page through every allocated page, for little (on a
	 * 16 GiB zone most of the free scanner's work). Start it at the
	 * upper half's bound instead, as Linux does when its free-list
	 * search at the start of a scan fails. The blocks above are passed
	 * over as a hint would pass them (the pass cannot answer
	 * COMPACT_COMPLETE); the last resort, which ignores hints, walks
	 * them.
	 */
	if (cc->fast_floor && cc->free_pfn == zone_last_block(cc->zone) &&
	    cc->free_pfn > cc->fast_floor && !cc->ignore_skip_hint) {
		cc->nr_hint_skipped++;
		cc->free_pfn = cc->fast_floor;
		cc->free_scan_pfn = 0;
	}
	while (cc->nr_freepages < cc->nr_migratepages) {
		unsigned long block = cc->free_pfn, pfn, end;
		bool low = false;

		/* Never into the pageblock the migrate scanner is in. */
		if (block < cc->migrate_pfn || block + pageblock_nr_pages <= zstart)
			break;
		pfn = block < zstart ? zstart : block;
		end = block + pageblock_nr_pages < zend ? block + pageblock_nr_pages : zend;
		/* Resume inside the block where the last batch stopped. */
		if (cc->free_scan_pfn > pfn && cc->free_scan_pfn < end)
			pfn = cc->free_scan_pfn;
		if (pageblock_without_ram(cc->zone, block, &cc->free_scanned)) {
			/* A hole: nothing to take, ever. */
		} else if (!suitable_migration_target(pfn)) {
			/* Nothing to take: not a target type, or left whole. */
		} else if (!cc->ignore_skip_hint && pageblock_skip_test(pfn, PB_free_skip)) {
			cc->nr_hint_skipped++;
		} else if (isolate_freepages_block(cc, pfn, end, &low)) {
			pageblock_skip_set(block, PB_free_skip);
		} else {
			cc->free_low |= low;
			break; /* this block again next time */
		}
		cc->free_scan_pfn = 0;
		if (block < pageblock_nr_pages) {
			cc->free_pfn = 0;
			break;
		}
		cc->free_pfn = block - pageblock_nr_pages;
	}
}

static struct page *compaction_alloc(struct page *src, unsigned long data)
{
	struct compact_control *cc = (struct compact_control *)data;
	struct page *page;

	(void)src;
	if (list_empty(&cc->freepages))
		isolate_freepages(cc);
	if (list_empty(&cc->freepages))
		return NULL;
	page = list_first_entry(&cc->freepages, struct page, lru);
	list_del(&page->lru);
	cc->nr_freepages--;
	return page;
}

static void compaction_free(struct page *page, unsigned long data)
{
	struct compact_control *cc = (struct compact_control *)data;

	list_add(&page->lru, &cc->freepages);
	cc->nr_freepages++;
}

static void release_freepages(struct compact_control *cc)
{
	while (!list_empty(&cc->freepages)) {
		struct page *page = list_first_entry(&cc->freepages, struct page, lru);

		list_del(&page->lru);
		/* Its block has a free page again; if that is the free
		 * scanner's block, the next pass looks at it from the start. */
		pageblock_skip_clear(page_to_pfn(page), PB_free_skip);
		if ((page_to_pfn(page) & ~(pageblock_nr_pages - 1)) == cc->free_pfn)
			cc->free_scan_pfn = 0;
		__free_page(page);
	}
	cc->nr_freepages = 0;
}

/* ---- the migrate scanner ---- */

/* Async direct compaction only empties pageblocks of the request's kind:
 * the cheap wins, as Linux does. */
static bool suitable_migration_source(const struct compact_control *cc, unsigned long pfn)
{
	int mt;

	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	mt = mm_get_pageblock_migratetype(pfn);
	if (cc->migratetype == MIGRATE_MOVABLE)
		return mt == MIGRATE_MOVABLE;
	return mt == cc->migratetype;
}

/* Isolate up to COMPACT_CLUSTER_MAX pages from [migrate_pfn, end of its
 * pageblock), stopping at the free scanner. A block scanned from its
 * start to its end without a page isolated gets the migrate skip hint;
 * a block with the hint is stepped over unless the pass ignores hints. */
static void isolate_migratepages(struct compact_control *cc)
{
	unsigned long zstart = cc->zone->zone_start_pfn, zend = zone_end_pfn(cc->zone);
	unsigned long pfn = cc->migrate_pfn;
	unsigned long block = pfn & ~(pageblock_nr_pages - 1);
	unsigned long end = block + pageblock_nr_pages, block_end = end;
	unsigned long scanned = 0;

	if (end > cc->free_pfn)
		end = cc->free_pfn;
	if (end > zend)
		end = zend;
	if (pfn >= end)
		return; /* met the free scanner or the zone's end */
	if (pfn == block || pfn == zstart) {
		/* Entering a block: is it worth a look? */
		if (pageblock_without_ram(cc->zone, block, &cc->migrate_scanned)) {
			cc->migrate_pfn = end;
			return;
		}
		cc->migrate_block_clean = true;
		if (!cc->ignore_skip_hint && pageblock_skip_test(pfn, PB_migrate_skip)) {
			cc->nr_hint_skipped++;
			cc->migrate_pfn = end;
			return;
		}
	}
	if (!suitable_migration_source(cc, pfn)) {
		cc->migrate_block_clean = false;
		cc->migrate_pfn = end;
		return;
	}
	for (; pfn < end && cc->nr_migratepages < COMPACT_CLUSTER_MAX; pfn++) {
		struct page *page = pfn_to_page(pfn);
		unsigned int order;

		scanned++;
		if (PageBuddy(page)) {
			/* Racy read without the lock: only a hint to skip. */
			order = __atomic_load_n(&page->private, __ATOMIC_RELAXED);
			if (order < MAX_ORDER)
				pfn += (1UL << order) - 1;
			continue;
		}
		if (PageReserved(page) || PagePcp(page) || PageTail(page) ||
		    page_ref_count(page) <= 0)
			continue;
		order = page_alloc_order(page);
		if (order) { /* a multi-page block: not ours to move */
			pfn += (1UL << order) - 1;
			continue;
		}
		if (!__atomic_load_n(&page->mapping, __ATOMIC_RELAXED) ||
		    !mm_isolate_movable_page(page))
			continue;
		list_add_tail(&page->lru, &cc->migratepages);
		cc->nr_migratepages++;
		cc->nr_isolated_migrate++;
		cc->migrate_block_clean = false;
	}
	cc->migrate_pfn = pfn;
	cc->migrate_scanned += scanned;
	/* The whole block seen in this pass and nothing in it to move. */
	if (pfn >= block_end && cc->migrate_block_clean)
		pageblock_skip_set(block, PB_migrate_skip);
}

/* ---- the pass ---- */

/* Is there a free block the request could take now? */
static bool order_available(struct compact_control *cc)
{
	struct zone *zone = cc->zone;
	unsigned long mark = wmark_pages(zone, cc->alloc_flags & ALLOC_WMARK_MASK);
	bool found = false;
	unsigned long flags;

	if (!mm_zone_watermark_ok(zone, (unsigned int)cc->order, mark, cc->highest_zoneidx,
			       cc->alloc_flags))
		return false;
	flags = mm_spin_lock_irqsave(&zone->lock);
	for (unsigned int o = (unsigned int)cc->order; o < MAX_ORDER && !found; o++) {
		struct free_area *area = &zone->free_area[o];

		if (!list_empty(&area->free_list[cc->migratetype]))
			found = true;
		/* A whole pageblock (or half of one) of another type can be
		 * stolen by the allocator's fallback. */
		else if (o >= pageblock_order / 2)
			for (int mt = 0; mt < MIGRATE_PCPTYPES && !found; mt++)
				found = !list_empty(&area->free_list[mt]);
	}
	mm_spin_unlock_irqrestore(&zone->lock, flags);
	return found;
}

static enum compact_result compact_finished(struct compact_control *cc)
{
	if (cc->abort && __atomic_load_n(cc->abort, __ATOMIC_RELAXED))
		return COMPACT_CONTENDED;
	if (cc->order >= 0 && order_available(cc))
		return COMPACT_SUCCESS;
	if (cc->free_low)
		return COMPACT_PARTIAL_SKIPPED;
	if (cc->migrate_pfn >= cc->free_pfn || cc->migrate_pfn >= zone_end_pfn(cc->zone)) {
		cc->scanners_met = true;
		/* The restart rule (top of the file). */
		return cc->whole_zone && !cc->nr_hint_skipped ? COMPACT_COMPLETE
							       : COMPACT_PARTIAL_SKIPPED;
	}
	return COMPACT_CONTINUE;
}

enum compact_result mm_compact_zone(struct compact_control *cc)
{
	struct zone *zone = cc->zone;
	enum compact_result ret;

	INIT_LIST_HEAD(&cc->migratepages);
	INIT_LIST_HEAD(&cc->freepages);
	cc->nr_migratepages = cc->nr_freepages = 0;
	cc->free_low = false;
	cc->migrate_scanned = cc->free_scanned = 0;
	cc->nr_isolated_migrate = cc->nr_isolated_free = 0;
	cc->nr_migrated = cc->nr_failed = 0;
	cc->nr_hint_skipped = 0;
	cc->nr_fast_isolated = 0;
	cc->fast_dead_orders[0] = cc->fast_dead_orders[1] = 0;
	cc->fast_floor = 0;
	cc->scanners_met = false;
	cc->free_scan_pfn = 0;
	cc->migrate_block_clean = false;
	if (!zone->spanned_pages)
		return COMPACT_SKIPPED;
	compact_start_positions(cc);
	/* Frames sitting on per-CPU lists cannot merge: give them back first. */
	drain_local_pages(zone);

	while ((ret = compact_finished(cc)) == COMPACT_CONTINUE) {
		unsigned long left;

		isolate_migratepages(cc);
		if (!cc->nr_migratepages)
			continue;
		left = mm_migrate_pages(&cc->migratepages, compaction_alloc, compaction_free,
				     (unsigned long)cc, cc->mode, &cc->nr_migrated);
		if (left) {
			cc->nr_failed += left;
			mm_putback_movable_pages(&cc->migratepages);
		}
		cc->nr_migratepages = 0;
		/* The sources went to this CPU's lists: let them merge. */
		drain_local_pages(zone);
		mm_cond_resched();
	}
	mm_putback_movable_pages(&cc->migratepages);
	release_freepages(cc);
	drain_local_pages(zone);
	if (!cc->scanners_met) {
		compact_save_positions(cc);
	} else {
		compact_reset_positions(zone);
		if (cc->whole_zone)
			/* A whole-zone pass failed: the hints may hide what
			 * has changed since they were set. */
			mm__reset_isolation_suitable(zone);
		else if (!cc->ignore_skip_hint)
			__atomic_store_n(&zone->compact_blockskip_flush, true, __ATOMIC_RELAXED);
	}
	mm_count_compact_zone_event(COMPACTMIGRATE_SCANNED, cc->migrate_scanned);
	mm_count_compact_zone_event(COMPACTFREE_SCANNED, cc->free_scanned);
	mm_count_compact_zone_event(COMPACTISOLATED, cc->nr_isolated_migrate + cc->nr_isolated_free);
	if (!cc->direct_compaction) {
		mm_count_compact_zone_event(COMPACT_DAEMON_MIGRATE_SCANNED, cc->migrate_scanned);
		mm_count_compact_zone_event(COMPACT_DAEMON_FREE_SCANNED, cc->free_scanned);
	}
	return ret;
}

static enum migrate_mode prio_to_mode(enum compact_priority prio)
{
	return prio == COMPACT_PRIO_ASYNC	 ? MIGRATE_ASYNC
	       : prio == COMPACT_PRIO_SYNC_LIGHT ? MIGRATE_SYNC_LIGHT
						 : MIGRATE_SYNC;
}

enum compact_result mm_compact_zone_for_order(struct zone *zone, int order, int migratetype,
					   unsigned int alloc_flags, int highest_zoneidx,
					   enum compact_priority prio, unsigned long *migrated)
{
	struct compact_control cc = {
		.zone = zone,
		.order = order,
		.migratetype = migratetype,
		.alloc_flags = alloc_flags,
		.highest_zoneidx = highest_zoneidx,
		.mode = prio_to_mode(prio),
		.direct_compaction = true,
		/* The last resort looks at every block (Linux's rule). */
		.ignore_skip_hint = prio == MIN_COMPACT_PRIORITY,
		.whole_zone = prio == MIN_COMPACT_PRIORITY,
	};
	enum compact_result r = mm_compact_zone(&cc);

	if (migrated)
		*migrated += cc.nr_migrated;
	return r;
}

unsigned long mm_compact_memory(void)
{
	unsigned long migrated = 0;
	struct zone *z;

	for_each_zone(z) {
		struct compact_control cc = {
			.zone = z,
			.order = -1,
			.migratetype = MIGRATE_MOVABLE,
			.highest_zoneidx = z->zone_idx,
			.mode = MIGRATE_SYNC,
			.ignore_skip_hint = true,
			.whole_zone = true,
		};

		if (!populated_zone(z))
			continue;
		mm_compact_zone(&cc);
		migrated += cc.nr_migrated;
	}
	return migrated;
}
