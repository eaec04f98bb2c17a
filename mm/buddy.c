/*
 * mm/buddy.c - the buddy allocator proper: free lists per order and
 * migratetype, splitting on allocation, merging on free, pageblock
 * migratetypes and fallback stealing between migratetypes.
 *
 * Everything here runs with zone->lock held, except mm_free_one_page() which
 * takes it. Free blocks are marked on their head page only (PG_buddy and
 * the order in page->private); the pages inside a free block carry no state.
 */
#include "internal.h"
#include "kswapd.h"

uint8_t *mm_pageblock_mt;

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

int mm_get_pageblock_migratetype(unsigned long pfn)
{
	return pfn_pageblock_mt(pfn);
}

/* Relaxed: the free path reads it without zone->lock (pfn_pageblock_mt). */
void mm_set_pageblock_migratetype(unsigned long pfn, int migratetype)
{
	__atomic_store_n(&mm_pageblock_mt[pfn >> pageblock_order], (uint8_t)migratetype,
			 __ATOMIC_RELAXED);
}

static inline unsigned int buddy_order(const struct page *page)
{
	return __atomic_load_n(&page->private, __ATOMIC_RELAXED);
}

static inline void set_buddy_order(struct page *page, unsigned int order)
{
	set_page_private(page, order);
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
	/* Relaxed: mm__zone_watermark_ok reads it without the lock. */
	__atomic_store_n(&area->nr_free, area->nr_free + 1, __ATOMIC_RELAXED);
}

static inline void del_page_from_free_list(struct page *page, struct zone *zone, unsigned int order)
{
	list_del(&page->lru);
	ClearPageFlag(page, PG_buddy);
	set_page_private(page, 0);
	__atomic_store_n(&zone->free_area[order].nr_free, zone->free_area[order].nr_free - 1,
			 __ATOMIC_RELAXED);
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

/* @order >= pageblock_order: every pageblock of the block. */
static void change_pageblock_range(unsigned long pfn, unsigned int order, int mt)
{
	for (unsigned long i = 0; i < 1UL << (order - pageblock_order); i++)
		mm_set_pageblock_migratetype(pfn + i * pageblock_nr_pages, mt);
}

/*
 * May a free block of @mt merge with its free buddy at @buddy_pfn into a
 * block larger than a pageblock? HIGHATOMIC and ISOLATE blocks never grow
 * past their own pageblock: the reserve is counted, and given back, one
 * pageblock at a time. Among the other types the merged block goes on
 * @mt's list, so the buddy's pageblocks take @mt: a later split then puts
 * every piece on its own pageblock's list.
 */
static inline bool merge_across_pageblocks(int mt, unsigned long buddy_pfn, unsigned int order)
{
	int buddy_mt = mm_get_pageblock_migratetype(buddy_pfn);

	if (mt >= MIGRATE_PCPTYPES || buddy_mt >= MIGRATE_PCPTYPES)
		return false;
	if (buddy_mt != mt)
		change_pageblock_range(buddy_pfn, order, mt);
	return true;
}

void mm__free_one_page(struct page *page, unsigned long pfn, struct zone *zone, unsigned int order,
		     int migratetype)
{
	bool to_tail = false;

	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy;

		if (buddy_pfn >= mm_max_pfn)
			break;
		buddy = page + ((long)buddy_pfn - (long)pfn);
		if (!page_is_buddy(page, buddy, order))
			break;
		if (order >= pageblock_order &&
		    !merge_across_pageblocks(migratetype, buddy_pfn, order))
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

		if (higher < mm_max_pfn && page_is_buddy(page, pfn_to_page(higher), order + 1))
			to_tail = true;
	}
	set_buddy_order(page, order);
	add_to_free_list(page, zone, order, migratetype, to_tail);
}

/* Are all pageblocks of the order-@order block at @pfn of type @mt? */
static bool pageblocks_alike(unsigned long pfn, unsigned int order, int mt)
{
	for (unsigned long i = pageblock_nr_pages; i < 1UL << order; i += pageblock_nr_pages)
		if (pfn_pageblock_mt(pfn + i) != mt)
			return false;
	return true;
}

void mm_free_one_page(struct zone *zone, struct page *page, unsigned long pfn, unsigned int order)
{
	unsigned long flags = mm_spin_lock_irqsave(&zone->lock);

	int mt = pfn_pageblock_mt(pfn);

	/* A block larger than a pageblock may span pageblocks of different
	 * types (a reserve was made in its head): then each goes to its own
	 * type's list, and merging joins them again where types allow. */
	if (order > pageblock_order && !pageblocks_alike(pfn, order, mt)) {
		for (unsigned long i = 0; i < 1UL << order; i += pageblock_nr_pages)
			mm__free_one_page(page + i, pfn + i, zone, pageblock_order,
					pfn_pageblock_mt(pfn + i));
	} else {
		mm__free_one_page(page, pfn, zone, order, mt);
	}
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

/* Take the free block @page (order @have, on @mt's list) and split it
 * down to @want; the rest stays on @mt's lists. */
static struct page *take_free_block(struct zone *zone, struct page *page, unsigned int want,
				    unsigned int have, int mt)
{
	del_page_from_free_list(page, zone, have);
	expand(zone, page, want, have, mt);
	zone_mod_free(zone, -(1L << want));
	return page;
}

struct page *mm__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype)
{
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct list_head *list = &zone->free_area[o].free_list[migratetype];

		if (!list_empty(list))
			return take_free_block(zone, list_first_entry(list, struct page, lru),
					       order, o, migratetype);
	}
	return NULL;
}

/*
 * If the pageblock at @start lies inside a larger free block, break that
 * block into pageblocks on the same list, so the pageblock can change
 * lists alone (its buddy stays apart only while their types differ).
 */
static void split_free_block_around(struct zone *zone, unsigned long start)
{
	for (unsigned int o = pageblock_order + 1; o < MAX_ORDER; o++) {
		unsigned long head = start & ~((1UL << o) - 1);
		struct page *p = pfn_to_page(head);
		int mt;

		if (!zone_spans_pfn(zone, head) || !PageBuddy(p) || buddy_order(p) != o)
			continue;
		mt = mm_get_pageblock_migratetype(head);
		del_page_from_free_list(p, zone, o);
		for (unsigned long pfn = head; pfn < head + (1UL << o); pfn += pageblock_nr_pages) {
			set_buddy_order(pfn_to_page(pfn), pageblock_order);
			add_to_free_list(pfn_to_page(pfn), zone, pageblock_order, mt, false);
		}
		return;
	}
}

unsigned long mm_move_freepages_block(struct zone *zone, struct page *page, int migratetype)
{
	unsigned long start = page_to_pfn(page) & ~(pageblock_nr_pages - 1);
	unsigned long moved = 0;
	struct page *first = pfn_to_page(start);

	if (!pageblock_in_zone(zone, start))
		return 0;
	split_free_block_around(zone, start);
	mm_set_pageblock_migratetype(start, migratetype);
	for (unsigned long pfn = start; pfn < start + pageblock_nr_pages;) {
		struct page *p = pfn_to_page(pfn);

		if (!PageBuddy(p)) {
			pfn++;
			continue;
		}
		move_to_free_list(p, zone, buddy_order(p), migratetype);
		moved += 1UL << buddy_order(p);
		pfn += 1UL << buddy_order(p);
	}
	/* A wholly free pageblock may now merge with its buddy. */
	if (PageBuddy(first) && buddy_order(first) == pageblock_order) {
		del_page_from_free_list(first, zone, pageblock_order);
		mm__free_one_page(first, start, zone, pageblock_order, migratetype);
	}
	return moved;
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
 * Claim @pfn's pageblock, of @old_type, for @start_type when at least half
 * of it is free or already used by pages of the same kind (allocated pages
 * on the LRU count as movable, the others as unmovable): its free pages
 * move to @start_type's lists. Pageblocks shared with another zone are
 * never claimed.
 */
static bool try_to_claim_pageblock(struct zone *zone, unsigned long pfn, int start_type,
				   int old_type)
{
	unsigned long start = pfn & ~(pageblock_nr_pages - 1);
	unsigned long free_pages = 0, movable_pages = 0, alike_pages;

	if (!pageblock_in_zone(zone, start))
		return false;
	for (pfn = start; pfn < start + pageblock_nr_pages;) {
		struct page *p = pfn_to_page(pfn);

		if (PageBuddy(p)) {
			free_pages += 1UL << buddy_order(p);
			pfn += 1UL << buddy_order(p);
			continue;
		}
		if (PageLRU(p))
			movable_pages++;
		pfn++;
	}
	if (start_type == MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (old_type == MIGRATE_MOVABLE)
		alike_pages = pageblock_nr_pages - (free_pages + movable_pages);
	else
		alike_pages = 0;
	if (free_pages + alike_pages < pageblock_nr_pages / 2)
		return false;
	mm_move_freepages_block(zone, pfn_to_page(start), start_type);
	return true;
}

/*
 * Claim phase of a fallback: a @start_type request of @order takes @page,
 * an order-@have free block on @old_type's list, with its whole pageblock
 * (or pageblocks, for a block that large). Below a pageblock the
 * watermarks are boosted first - mixing types in a pageblock is how
 * fragmentation starts, so kswapd should free memory before more stealing
 * is needed - and the claim succeeds only when the pageblock agrees. NULL
 * when it does not.
 */
static struct page *claim_fallback_block(struct zone *zone, struct page *page, unsigned int have,
					 unsigned int order, int start_type, int old_type,
					 bool *boosted)
{
	unsigned long pfn = page_to_pfn(page);

	if (have >= pageblock_order) {
		change_pageblock_range(pfn, have, start_type);
		return take_free_block(zone, page, order, have, start_type);
	}
	*boosted |= mm_boost_watermark(zone);
	if (!try_to_claim_pageblock(zone, pfn, start_type, old_type))
		return NULL;
	return mm__rmqueue_smallest(zone, order, start_type);
}

/* A fallback into an order-@have block of another type, counted as
 * Linux's mm_page_alloc_extfrag reports it: fragmenting below a pageblock. */
static void count_fallback(unsigned int have)
{
	count_vm_events(have < pageblock_order ? EXTFRAG_FRAGMENTING : EXTFRAG_WHOLE, 1);
}

/*
 * When a type's own lists are empty: first try to claim a whole pageblock
 * of another type, the largest free blocks first (kernel requests may
 * claim any; movable ones only large pieces, as they could later be moved
 * out again). Failing that, steal the smallest block that serves the
 * request and leave the rest of it on its own type's lists, where its
 * pageblock says it belongs: one pageblock gets a few foreign pages,
 * rather than the largest free blocks being broken up one steal at a time.
 * With ALLOC_NOFRAGMENT only whole pageblocks may change hands: the caller
 * tries its other zones before mixing types inside a pageblock.
 */
static struct page *__rmqueue_fallback(struct zone *zone, unsigned int order, int start_mt,
				       unsigned int alloc_flags, bool *boosted)
{
	int min_order = (alloc_flags & ALLOC_NOFRAGMENT) ? pageblock_order : (int)order;

	for (int o = MAX_ORDER - 1; o >= min_order; o--) {
		struct free_area *area = &zone->free_area[o];
		bool can_steal;
		int mt = find_suitable_fallback(area, (unsigned int)o, start_mt, &can_steal);
		struct page *page;

		if (mt == -1 || !can_steal)
			continue;
		page = claim_fallback_block(zone, list_first_entry(&area->free_list[mt], struct page, lru),
					    (unsigned int)o, order, start_mt, mt, boosted);
		if (page) {
			count_fallback((unsigned int)o);
			return page;
		}
	}
	if (alloc_flags & ALLOC_NOFRAGMENT)
		return NULL;
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &zone->free_area[o];
		bool can_steal;
		int mt = find_suitable_fallback(area, o, start_mt, &can_steal);

		if (mt != -1) {
			count_fallback(o);
			return take_free_block(zone,
					       list_first_entry(&area->free_list[mt], struct page, lru),
					       order, o, mt);
		}
	}
	return NULL;
}

struct page *mm__rmqueue(struct zone *zone, unsigned int order, int migratetype,
		       unsigned int alloc_flags)
{
	struct page *page;
	bool boosted = false;

	page = mm__rmqueue_smallest(zone, order, migratetype);
	if (unlikely(!page))
		page = __rmqueue_fallback(zone, order, migratetype, alloc_flags, &boosted);
	/* Linux wakes kswapd for a boost only for requests that may wake it.
	 * Waking takes no zone lock, so it is safe under ours. */
	if (unlikely(boosted) && (alloc_flags & ALLOC_KSWAPD))
		mm_wakeup_kswapd(zone, 0, 0, zone->zone_idx);
	return page;
}
