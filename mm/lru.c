/*
 * mm/lru.c - per-zone active/inactive lists of page-cache pages: adding,
 * second-chance marking, isolation for reclaim and putback, and a checker.
 */
#include "lru.h"

#include "vmscan.h"

struct lruvec mm_zone_lruvecs[NR_LRUVECS];

void mm_lru_init(void)
{
	for (int i = 0; i < NR_LRUVECS; i++) {
		struct lruvec *lv = &mm_zone_lruvecs[i];

		lv->canary = LRUVEC_CANARY;
		mm_spin_lock_init(&lv->lru_lock);
		for (int l = 0; l < NR_LRU_LISTS; l++) {
			INIT_LIST_HEAD(&lv->lists[l]);
			lv->nr_pages[l] = 0;
		}
		/* ids with zone 3 have no zone: NULL, and nothing is ever
		 * added to them */
		lv->zone = (i & 3) < MAX_NR_ZONES ? &NODE_DATA(i >> 2)->node_zones[i & 3] : NULL;
	}
}

unsigned long mm_zone_reclaimable_pages(struct zone *zone)
{
	struct lruvec *lv = zone_lruvec(zone);

	return lruvec_size(lv, LRU_INACTIVE_FILE) + lruvec_size(lv, LRU_ACTIVE_FILE);
}

static inline enum lru_list page_lru(const struct page *page)
{
	return PageFlag(page, PG_active) ? LRU_ACTIVE_FILE : LRU_INACTIVE_FILE;
}

static void lru_count(struct lruvec *lv, enum lru_list lru, long delta)
{
	__atomic_store_n(&lv->nr_pages[lru], lv->nr_pages[lru] + (unsigned long)delta,
			 __ATOMIC_RELAXED);
}

/* lru_lock held */
static void add_page_to_lru(struct lruvec *lv, struct page *page)
{
	enum lru_list lru = page_lru(page);

	SetPageFlag(page, PG_lru);
	list_add(&page->lru, &lv->lists[lru]);
	lru_count(lv, lru, 1);
}

/* lru_lock held, page on a list */
static void del_page_from_lru(struct lruvec *lv, struct page *page)
{
	list_del(&page->lru);
	ClearPageFlag(page, PG_lru);
	lru_count(lv, page_lru(page), -1);
}

static void lruvec_sanity(const struct lruvec *lv)
{
	if (lv->canary != LRUVEC_CANARY)
		mm_panic("lru: lruvec %p canary 0x%x: lru_init() not called or memory corrupted",
			 (const void *)lv, lv->canary);
}

void mm_lru_cache_add(struct page *page)
{
	struct lruvec *lv = page_lruvec(page);
	unsigned long flags;

	lruvec_sanity(lv);
	if (PageLRU(page))
		mm_panic("lru: pfn 0x%lx added to the LRU twice", page_to_pfn(page));
	flags = mm_spin_lock_irqsave(&lv->lru_lock);
	ClearPageFlag(page, PG_active);
	add_page_to_lru(lv, page);
	mm_spin_unlock_irqrestore(&lv->lru_lock, flags);
}

void mm_mark_page_accessed(struct page *page)
{
	struct lruvec *lv = page_lruvec(page);
	unsigned long flags;
	bool activated = false;

	flags = mm_spin_lock_irqsave(&lv->lru_lock);
	if (!PageFlag(page, PG_active) && PageFlag(page, PG_referenced) && PageLRU(page)) {
		/* Second use while inactive: the page has earned the active
		 * list. (An isolated page keeps PG_referenced; reclaim then
		 * gives it its second chance.) */
		del_page_from_lru(lv, page);
		SetPageFlag(page, PG_active);
		ClearPageFlag(page, PG_referenced);
		add_page_to_lru(lv, page);
		activated = true;
	} else {
		SetPageFlag(page, PG_referenced);
	}
	mm_spin_unlock_irqrestore(&lv->lru_lock, flags);
	if (activated)
		count_reclaim_event(PGACTIVATE, 1);
}

bool mm_lru_del_page(struct page *page)
{
	struct lruvec *lv = page_lruvec(page);
	unsigned long flags = mm_spin_lock_irqsave(&lv->lru_lock);
	bool was = PageLRU(page);

	if (was)
		del_page_from_lru(lv, page);
	mm_spin_unlock_irqrestore(&lv->lru_lock, flags);
	return was;
}

unsigned long mm_lru_isolate_pages(struct lruvec *lv, enum lru_list lru, unsigned long nr_to_scan,
				struct list_head *dst, unsigned long *nr_scanned)
{
	unsigned long taken = 0, scanned = 0, flags;
	struct list_head *src = &lv->lists[lru];
	struct list_head busy;

	lruvec_sanity(lv);
	INIT_LIST_HEAD(&busy);
	flags = mm_spin_lock_irqsave(&lv->lru_lock);
	while (scanned < nr_to_scan && !list_empty(src)) {
		struct page *page = list_last_entry(src, struct page, lru);
		int ref = page_ref_count(page);

		scanned++;
		if (ref <= 0) {
			/* Being freed by its last user: not ours to take. */
			list_move(&page->lru, &busy);
			continue;
		}
		del_page_from_lru(lv, page);
		get_page(page);
		list_add(&page->lru, dst);
		taken++;
	}
	/* Skipped pages go back to the head, as Linux rotates them. */
	while (!list_empty(&busy))
		list_move(busy.next, src);
	mm_spin_unlock_irqrestore(&lv->lru_lock, flags);
	*nr_scanned += scanned;
	return taken;
}

bool mm_lru_isolate_page(struct page *page)
{
	struct lruvec *lv = page_lruvec(page);
	unsigned long flags = mm_spin_lock_irqsave(&lv->lru_lock);
	bool taken = PageLRU(page) && page_ref_count(page) > 0;

	if (taken) {
		del_page_from_lru(lv, page);
		ClearPageFlag(page, PG_active); /* reclaim takes it as inactive */
		get_page(page);
	}
	mm_spin_unlock_irqrestore(&lv->lru_lock, flags);
	return taken;
}

void mm_lru_putback_page(struct page *page)
{
	struct lruvec *lv = page_lruvec(page);

	if (page->mapping) {
		unsigned long flags = mm_spin_lock_irqsave(&lv->lru_lock);

		add_page_to_lru(lv, page);
		mm_spin_unlock_irqrestore(&lv->lru_lock, flags);
	}
	__free_page(page); /* the isolation reference; never the last one here */
}

/* ---- checker ---- */

#define LRU_REPORT_LIMIT 20

static int lru_problems;

__attribute__((format(printf, 1, 2))) static void lru_problem(const char *fmt, ...)
{
	va_list ap;

	if (++lru_problems > LRU_REPORT_LIMIT)
		return;
	mm_printk("lru_check: ");
	va_start(ap, fmt);
	mm_vprintk(fmt, ap);
	va_end(ap);
	mm_printk("\n");
}

/* Is @pfn the head or the inside of a free buddy block? */
static bool pfn_in_free_block(unsigned long pfn)
{
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);
		struct page *h = pfn_to_page(head);

		if (PageBuddy(h) && h->private >= o)
			return true;
	}
	return false;
}

enum block_state mm_lru_block_state(unsigned long pfn, unsigned int order, unsigned long *nr_lru)
{
	const unsigned long nr = 1UL << order;

	*nr_lru = 0;
	for (unsigned long i = 0; i < nr;) {
		const struct page *p = pfn_to_page(pfn + i);

		if (PageBuddy(p)) {
			if (!i && p->private >= order)
				return BLOCK_FREE;
			i += 1UL << p->private; /* a smaller free block, aligned */
		} else if (PagePcp(p) || PageLRU(p)) {
			*nr_lru += PageLRU(p);
			i++;
		} else if (!i && pfn_in_free_block(pfn)) {
			return BLOCK_FREE; /* inside a larger free block */
		} else {
			return BLOCK_PINNED;
		}
	}
	return BLOCK_MAKEABLE;
}

static void check_list(struct lruvec *lv, enum lru_list lru)
{
	struct list_head *head = &lv->lists[lru], *pos;
	unsigned long n = 0, limit = lv->zone->spanned_pages + 1;

	for (pos = head->next; pos != head; pos = pos->next) {
		struct page *p = list_entry(pos, struct page, lru);
		unsigned long pfn;

		if (!pos || ++n > limit || p < mm_mem_map || p >= mm_mem_map + mm_max_pfn) {
			lru_problem("%s list %d: corrupt or looping", lv->zone->name, lru);
			return;
		}
		pfn = page_to_pfn(p);
		if (!PageLRU(p))
			lru_problem("%s: pfn 0x%lx on an LRU list without PG_lru", lv->zone->name,
				    pfn);
		if (page_lru(p) != lru)
			lru_problem("%s: pfn 0x%lx on list %d but PG_active says %d",
				    lv->zone->name, pfn, lru, page_lru(p));
		if (!zone_spans_pfn(lv->zone, pfn) || page_zone(p) != lv->zone)
			lru_problem("%s: pfn 0x%lx of zone %u on this zone's LRU", lv->zone->name,
				    pfn, page_zonenum(p));
		if (page_ref_count(p) <= 0)
			lru_problem("%s: pfn 0x%lx on the LRU with refcount %d", lv->zone->name,
				    pfn, page_ref_count(p));
		if (!p->mapping)
			lru_problem("%s: pfn 0x%lx on the LRU without a mapping", lv->zone->name,
				    pfn);
		if (PageBuddy(p) || PagePcp(p) || PageReserved(p) || pfn_in_free_block(pfn))
			lru_problem("%s: pfn 0x%lx on the LRU is free or reserved", lv->zone->name,
				    pfn);
	}
	if (n != lv->nr_pages[lru])
		lru_problem("%s list %d: count %lu but %lu pages listed", lv->zone->name, lru,
			    lv->nr_pages[lru], n);
}

int mm_lru_check(void)
{
	lru_problems = 0;
	for (int i = 0; i < NR_LRUVECS; i++) {
		struct lruvec *lv = &mm_zone_lruvecs[i];
		struct zone *z = lv->zone;
		unsigned long flags, zflags;

		if ((i & 3) >= MAX_NR_ZONES)
			continue;

		if (lv->canary != LRUVEC_CANARY) {
			lru_problem("lruvec %d: canary 0x%x (lru_init not called?)", i, lv->canary);
			continue;
		}
		/* zone->lock too, so that free lists hold still while we look */
		flags = mm_spin_lock_irqsave(&lv->lru_lock);
		zflags = mm_spin_lock_irqsave(&z->lock);
		for (int l = 0; l < NR_LRU_LISTS; l++)
			check_list(lv, (enum lru_list)l);
		mm_spin_unlock_irqrestore(&z->lock, zflags);
		mm_spin_unlock_irqrestore(&lv->lru_lock, flags);
	}
	if (lru_problems > LRU_REPORT_LIMIT)
		mm_printk("lru_check: %d problems in all\n", lru_problems);
	return lru_problems;
}
