/*
 * mm/buddy.c - the buddy allocator proper: free lists per order and
 * migratetype, splitting on allocation, merging on free, pageblock
 * migratetypes and fallback stealing between migratetypes.
 *
 * Everything here runs with zone->lock held, except free_one_page() which
 * takes it. Free blocks are marked on their head page only (PG_buddy and
 * the order in page->private); the pages inside a free block carry no state.
 */
#include "internal.h"
#include "kswapd.h"

uint8_t *pageblock_mt;

/*
 * Where a request falls back to when its own lists are empty (Linux's
 * table): unmovable and reclaimable (kernel memory) prefer each other's
 * blocks before polluting movable ones; movable prefers reclaimable.
 */
static const int fallbacks[MIGRATE_PCPTYPES][2] = {
	[MIGRATE_UNMOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE] = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

int get_pageblock_migratetype(unsigned long pfn)
{
	return pageblock_mt[pfn >> pageblock_order];
}

void set_pageblock_migratetype(unsigned long pfn, int migratetype)
{
	pageblock_mt[pfn >> pageblock_order] = (uint8_t)migratetype;
}

static inline unsigned int buddy_order(const struct page *page)
{
	return page->private;
}

static inline void set_buddy_order(struct page *page, unsigned int order)
{
	page->private = order;
	SetPageFlag(page, PG_buddy);
}

static inline void add_to_free_list(struct page *page, struct zone *zone, unsigned int order,
				    int mt, bool tail)
{
	struct free_area *area = &zone->free_area[order];

	if (tail)
		list_add_tail(&page->lru, &area->free_list[mt]);
	else
		list_add(&page->lru, &area->free_list[mt]);
	area->nr_free++;
}

static inline void del_page_from_free_list(struct page *page, struct zone *zone, unsigned int order)
{
	list_del(&page->lru);
	ClearPageFlag(page, PG_buddy);
	page->private = 0;
	zone->free_area[order].nr_free--;
}

static inline void move_to_free_list(struct page *page, struct zone *zone, unsigned int order,
				     int mt)
{
	list_move(&page->lru, &zone->free_area[order].free_list[mt]);
}

/* @buddy is @page's free buddy of the same order, in the same zone. */
static inline bool page_is_buddy(const struct page *page, const struct page *buddy,
				 unsigned int order)
{
	return PageBuddy(buddy) && buddy_order(buddy) == order &&
	       page_zoneid(buddy) == page_zoneid(page);
}

/* Blocks of pageblock size and up do not merge across a HIGHATOMIC or
 * ISOLATE boundary: that would hand the reserve (or the isolated range) to
 * the other type's free list. */
static inline bool mergeable_across_pageblocks(int mt, unsigned long buddy_pfn)
{
	int buddy_mt = get_pageblock_migratetype(buddy_pfn);

	return mt == buddy_mt || (mt < MIGRATE_PCPTYPES && buddy_mt < MIGRATE_PCPTYPES);
}

void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone, unsigned int order,
		     int migratetype)
{
	bool to_tail = false;

	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy;

		if (buddy_pfn >= max_pfn)
			break;
		buddy = page + ((long)buddy_pfn - (long)pfn);
		if (!page_is_buddy(page, buddy, order))
			break;
		if (order >= pageblock_order &&
		    !mergeable_across_pageblocks(migratetype, buddy_pfn))
			break;
		del_page_from_free_list(buddy, zone, order);
		page += (long)(buddy_pfn & pfn) - (long)pfn;
		pfn &= buddy_pfn;
		order++;
	}
	/*
	 * If the next-order buddy is free, this block is likely to merge soon:
	 * queue it at the tail so that allocations take other blocks first.
	 */
	if (order < MAX_ORDER - 2) {
		unsigned long higher = (pfn & ~((2UL << order) - 1)) ^ (2UL << order);

		if (higher < max_pfn && page_is_buddy(page, pfn_to_page(higher), order + 1))
			to_tail = true;
	}
	set_buddy_order(page, order);
	add_to_free_list(page, zone, order, migratetype, to_tail);
}

void free_one_page(struct zone *zone, struct page *page, unsigned long pfn, unsigned int order,
		   int migratetype)
{
	unsigned long flags = mm_spin_lock_irqsave(&zone->lock);

	if (migratetype != MIGRATE_ISOLATE && get_pageblock_migratetype(pfn) == MIGRATE_ISOLATE)
		migratetype = MIGRATE_ISOLATE;
	__free_one_page(page, pfn, zone, order, migratetype);
	zone_mod_free(zone, 1L << order);
	mm_spin_unlock_irqrestore(&zone->lock, flags);
}

/* Split an order-@high block down to @low, freeing the upper halves. */
static inline void expand(struct zone *zone, struct page *page, unsigned int low, unsigned int high,
			  int mt)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		set_buddy_order(&page[size], high);
		add_to_free_list(&page[size], zone, high, mt, false);
	}
}

struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype)
{
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct list_head *list = &zone->free_area[o].free_list[migratetype];
		struct page *page;

		if (list_empty(list))
			continue;
		page = list_first_entry(list, struct page, lru);
		del_page_from_free_list(page, zone, o);
		expand(zone, page, order, o, migratetype);
		zone_mod_free(zone, -(1L << order));
		return page;
	}
	return NULL;
}

unsigned long move_freepages_block(struct zone *zone, struct page *page, int migratetype,
				   unsigned long *num_movable)
{
	unsigned long pfn = page_to_pfn(page);
	unsigned long start = pfn & ~(pageblock_nr_pages - 1);
	unsigned long end = start + pageblock_nr_pages; /* exclusive */
	unsigned long moved = 0;

	if (num_movable)
		*num_movable = 0;
	/* Pageblocks straddling a zone edge: stay inside the zone. */
	if (!zone_spans_pfn(zone, start))
		start = pfn;
	if (end > zone_end_pfn(zone))
		end = zone_end_pfn(zone);
	for (pfn = start; pfn < end;) {
		struct page *p = pfn_to_page(pfn);

		if (!PageBuddy(p)) {
			if (num_movable && PageLRU(p))
				(*num_movable)++;
			pfn++;
			continue;
		}
		move_to_free_list(p, zone, buddy_order(p), migratetype);
		moved += 1UL << buddy_order(p);
		pfn += 1UL << buddy_order(p);
	}
	return moved;
}

/* @order >= pageblock_order: every pageblock of the block. */
static void change_pageblock_range(unsigned long pfn, unsigned int order, int mt)
{
	for (unsigned long i = 0; i < 1UL << (order - pageblock_order); i++)
		set_pageblock_migratetype(pfn + i * pageblock_nr_pages, mt);
}

/*
 * Whether a request may take the whole pageblock it falls back into: large
 * pieces, and kernel (unmovable/reclaimable) requests always, so that
 * kernel memory concentrates in few pageblocks; movable requests only take
 * what they need, as they could later be moved out again.
 */
static bool can_steal_fallback(unsigned int order, int start_mt)
{
	return order >= pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE;
}

static int find_suitable_fallback(struct free_area *area, unsigned int order, int migratetype,
				  bool *can_steal)
{
	*can_steal = false;
	if (!area->nr_free)
		return -1;
	for (int i = 0; i < 2; i++) {
		int mt = fallbacks[migratetype][i];

		if (list_empty(&area->free_list[mt]))
			continue;
		*can_steal = can_steal_fallback(order, migratetype);
		return mt;
	}
	return -1;
}

/*
 * Move @page (an order-@order free block of another type) to @start_type's
 * list; with @whole_block also the rest of its pageblock's free pages, and
 * claim the pageblock when at least half of it is free or already used by
 * pages of the same kind.
 */
static void steal_suitable_fallback(struct zone *zone, struct page *page, unsigned int order,
				    int start_type, bool whole_block, bool *boosted)
{
	unsigned long pfn = page_to_pfn(page);
	int old_type = get_pageblock_migratetype(pfn);
	unsigned long free_pages, movable_pages, alike_pages;

	if (old_type == MIGRATE_HIGHATOMIC)
		goto single_page; /* never convert the atomic reserve */
	if (order >= pageblock_order) {
		change_pageblock_range(pfn, order, start_type);
		goto single_page;
	}
	/* Mixing types in a pageblock is how fragmentation starts: raise the
	 * watermarks so kswapd frees memory before more stealing is needed. */
	*boosted = boost_watermark(zone);
	if (!whole_block)
		goto single_page;
	free_pages = move_freepages_block(zone, page, start_type, &movable_pages);
	if (start_type == MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (old_type == MIGRATE_MOVABLE)
		alike_pages = pageblock_nr_pages - (free_pages + movable_pages);
	else
		alike_pages = 0;
	/* movable_pages counts PG_lru pages, which only reclaim (a later issue)
	 * sets: until then a movable block's allocated pages all look unmovable,
	 * as in a Linux without LRU pages. The test guards unsigned wrap at a
	 * zone edge. */
	if (alike_pages > pageblock_nr_pages)
		alike_pages = 0;
	if (!free_pages)
		goto single_page;
	if (free_pages + alike_pages >= pageblock_nr_pages / 2)
		set_pageblock_migratetype(pfn, start_type);
	return;
single_page:
	move_to_free_list(page, zone, order, start_type);
}

/*
 * Steal from another migratetype: the largest free block, so that one
 * pageblock changes hands rather than many get a few foreign pages.
 * Movable requests that cannot take the whole block take the smallest
 * suitable one instead. Returns true when something was moved to
 * @start_mt's lists.
 */
static bool __rmqueue_fallback(struct zone *zone, unsigned int order, int start_mt, bool *boosted)
{
	struct free_area *area;
	int current_order, mt = -1;
	bool can_steal = false;

	for (current_order = MAX_ORDER - 1; current_order >= (int)order; current_order--) {
		area = &zone->free_area[current_order];
		mt = find_suitable_fallback(area, current_order, start_mt, &can_steal);
		if (mt == -1)
			continue;
		if (!can_steal && start_mt == MIGRATE_MOVABLE && current_order > (int)order)
			goto find_smallest;
		goto do_steal;
	}
	return false;

find_smallest:
	for (current_order = order; current_order < MAX_ORDER; current_order++) {
		area = &zone->free_area[current_order];
		mt = find_suitable_fallback(area, current_order, start_mt, &can_steal);
		if (mt != -1)
			break;
	}
	if (mt == -1)
		return false;
do_steal:
	steal_suitable_fallback(zone, list_first_entry(&area->free_list[mt], struct page, lru),
				current_order, start_mt, can_steal, boosted);
	return true;
}

struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype,
		       unsigned int alloc_flags)
{
	struct page *page;
	bool boosted = false;

	for (;;) {
		page = __rmqueue_smallest(zone, order, migratetype);
		if (likely(page) || !__rmqueue_fallback(zone, order, migratetype, &boosted))
			break;
	}
	/* Linux wakes kswapd for a boost only for requests that may wake it.
	 * Waking takes no zone lock, so it is safe under ours. */
	if (unlikely(boosted) && (alloc_flags & ALLOC_KSWAPD))
		wakeup_kswapd(zone, 0, 0, zone->zone_idx);
	return page;
}
