/*
 * mm/page_alloc.c - the page allocator's API: alloc_pages() and its fast
 * path get_page_from_freelist(), __free_pages() and the address-based
 * helpers. Requests are checked, translated to alloc_flags, and walk the
 * zonelist (their highest zone down to DMA) testing watermark plus lowmem
 * reserve in each zone.
 *
 * The common case - a valid request, the first zone above its watermark, a
 * block on the per-CPU list, clean head page - is kept short: the request
 * is checked with one mask and one table look-up, every step down to the
 * list pop is inline, and a free costs one test of the head page's flags
 * before the push. Anything unusual leaves for an out-of-line function
 * that does the full work and reports.
 */
#include "internal.h"
#include "vmstat.h"

struct page *mem_map;
unsigned long max_pfn;

unsigned long nr_free_pages(void)
{
	unsigned long sum = 0;
	struct zone *z;

	for_each_zone(z)
		sum += (unsigned long)zone_page_state(z, NR_FREE_PAGES);
	return sum;
}

/*
 * Requests we refuse, with one warning line (even under __GFP_NOWARN: they
 * are bugs in the caller, not memory shortage):
 *  - more than one of __GFP_DMA/__GFP_DMA32/__GFP_HIGHMEM: no zone is
 *    both (Linux BUGs on this: GFP_ZONE_BAD);
 *  - __GFP_MOVABLE with __GFP_RECLAIMABLE: two mobility types at once
 *    (Linux warns and takes a bogus migratetype);
 *  - __GFP_NOFAIL with __GFP_NORETRY: "never fail" and "fail early" at once;
 *  - __GFP_NOFAIL above order 1: Linux only warns and then may loop
 *    forever; with no reclaim yet, a promise we cannot keep;
 *  - order >= MAX_ORDER, and bits outside __GFP_BITS_MASK.
 */
static const char *gfp_invalid_reason(gfp_t gfp, unsigned int order)
{
	if (order >= MAX_ORDER)
		return "order >= MAX_ORDER";
	if (gfp & ~__GFP_BITS_MASK)
		return "unknown gfp bits";
	if (gfp_zone(gfp) == ZONE_INVALID)
		return "more than one zone modifier";
	if ((gfp & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK)
		return "both __GFP_MOVABLE and __GFP_RECLAIMABLE";
	if ((gfp & (__GFP_NOFAIL | __GFP_NORETRY)) == (__GFP_NOFAIL | __GFP_NORETRY))
		return "__GFP_NOFAIL with __GFP_NORETRY";
	if ((gfp & __GFP_NOFAIL) && order > 1)
		return "__GFP_NOFAIL above order 1";
	return NULL;
}

/* Gfp bits that always send a request to the full check: out of range,
 * or __GFP_NOFAIL (valid only with some orders and flags). */
#define GFP_SLOW_CHECK (~__GFP_BITS_MASK | __GFP_NOFAIL)

static __attribute__((noinline)) bool alloc_request_valid(gfp_t gfp, unsigned int order,
							  void *caller)
{
	const char *why = gfp_invalid_reason(gfp, order);

	if (likely(!why))
		return true;
	mm_printk("WARNING: alloc_pages: invalid request gfp 0x%x order %u: %s (caller %p)\n", gfp,
		  order, why, caller);
	count_vm_events(PGALLOC_INVALID, 1);
	return false;
}

/* Linux's translation (6.1 gfp_to_alloc_flags) for the retry at min. */
static unsigned int gfp_to_alloc_flags(gfp_t gfp)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN;

	alloc_flags |= gfp & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM);
	if ((gfp & __GFP_ATOMIC) && !(gfp & __GFP_NOMEMALLOC))
		alloc_flags |= ALLOC_HARDER;
	return alloc_flags;
}

static void prep_compound_page(struct page *page, unsigned int order)
{
	SetPageFlag(page, PG_head);
	for (unsigned long i = 1; i < (1UL << order); i++) {
		struct page *p = page + i;

		SetPageFlag(p, PG_tail);
		p->lru.next = (struct list_head *)((uintptr_t)page | 1);
	}
}

static void zero_pages(struct page *page, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		volatile uint64_t *w = page_address(page + i);

		for (unsigned long k = 0; k < MM_PAGE_SIZE / 8; k++)
			w[k] = 0;
	}
}

static __attribute__((noinline)) void prep_new_page_extra(struct page *page, unsigned int order,
							 gfp_t gfp)
{
	if (gfp & __GFP_ZERO)
		zero_pages(page, order);
	if ((gfp & __GFP_COMP) && order)
		prep_compound_page(page, order);
}

static __always_inline void prep_new_page(struct page *page, unsigned int order, gfp_t gfp)
{
	page->_refcount = 1;
	set_page_alloc_order(page, order);
	if (unlikely(gfp & (__GFP_ZERO | __GFP_COMP)))
		prep_new_page_extra(page, order, gfp);
}

static struct page *rmqueue_buddy(struct zone *zone, unsigned int order, int migratetype,
				  unsigned int alloc_flags)
{
	unsigned long flags = mm_spin_lock_irqsave(&zone->lock);
	struct page *page = NULL;

	/* High-order atomic requests may use the HIGHATOMIC reserve first. */
	if (order > 0 && (alloc_flags & ALLOC_HARDER))
		page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
	if (!page)
		page = __rmqueue(zone, order, migratetype, alloc_flags);
	mm_spin_unlock_irqrestore(&zone->lock, flags);
	return page;
}

/* A checked block of @zone from the buddy lists (orders without per-CPU
 * lists, or when the per-CPU list could not be refilled); bad blocks found
 * on the way are reported and leaked. */
static __attribute__((noinline)) struct page *rmqueue_slow(struct zone *zone, unsigned int order,
							    int migratetype, unsigned int alloc_flags)
{
	struct page *page;

	do {
		page = rmqueue_buddy(zone, order, migratetype, alloc_flags);
	} while (page && unlikely(!check_new_pages(page, order)));
	if (page)
		count_vm_events((enum vm_event_item)(PGALLOC_DMA + zone->zone_idx), 1UL << order);
	return page;
}

static __always_inline struct page *rmqueue(struct zone *zone, unsigned int order, int migratetype,
				   unsigned int alloc_flags)
{
	struct page *page = NULL;

	if (likely(order <= PCP_MAX_ORDER))
		page = rmqueue_pcplist(zone, order, migratetype, alloc_flags);
	if (unlikely(!page))
		page = rmqueue_slow(zone, order, migratetype, alloc_flags);
	return page;
}

/*
 * The fast path: the first zone of the zonelist that passes its watermark
 * (plus the lowmem reserve protecting it from this request's highest zone)
 * gives the block.
 */
static __always_inline struct page *get_page_from_freelist(gfp_t gfp, unsigned int order,
					   unsigned int alloc_flags, int highest_zoneidx,
					   int migratetype)
{
	for (int zi = highest_zoneidx; zi >= 0; zi--) {
		struct zone *zone = &NODE_DATA(0)->node_zones[zi];
		struct page *page;

		if (!zone->managed_pages)
			continue;
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_watermark_fast(zone, order,
					 wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK),
					 highest_zoneidx, alloc_flags))
			continue;
		page = rmqueue(zone, order, migratetype, alloc_flags);
		if (!page)
			continue;
		prep_new_page(page, order, gfp);
		if (unlikely(order && (alloc_flags & ALLOC_HARDER)))
			reserve_highatomic_pageblock(page, zone);
		return page;
	}
	return NULL;
}

/*
 * What runs when the fast path failed at the low watermark. For now: steps
 * 1, 2, 5 and 7 of the slowpath in ../shared/README.md - normalise
 * contradictory flags, translate gfp to alloc_flags (min watermark, harder
 * for atomic, high for __GFP_HIGH), try the free lists again, then let
 * __GFP_MEMALLOC callers ignore the watermarks. Kswapd, reclaim,
 * compaction, retries, OOM and __GFP_NOFAIL looping are the next issue's,
 * and slot in here in the README's order.
 */
static __attribute__((noinline)) struct page *__alloc_pages_slowpath(gfp_t gfp, unsigned int order,
					   int highest_zoneidx, int migratetype)
{
	unsigned int alloc_flags;
	struct page *page;

	/* An atomic request that may also sleep is not atomic. */
	if ((gfp & (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM)) == (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM))
		gfp &= ~__GFP_ATOMIC;
	alloc_flags = gfp_to_alloc_flags(gfp);
	page = get_page_from_freelist(gfp, order, alloc_flags, highest_zoneidx, migratetype);
	if (page)
		return page;
	if ((gfp & (__GFP_MEMALLOC | __GFP_NOMEMALLOC)) == __GFP_MEMALLOC)
		page = get_page_from_freelist(gfp, order, alloc_flags | ALLOC_NO_WATERMARKS,
					      highest_zoneidx, migratetype);
	return page;
}

/* The fast path failed: the slowpath, then the failure report. */
static __attribute__((noinline)) struct page *alloc_pages_slow(gfp_t gfp, unsigned int order,
							      int highest_zoneidx, int migratetype,
							      void *caller)
{
	struct page *page;

	if (unlikely(!mem_map)) {
		mm_printk("WARNING: alloc_pages: invalid request gfp 0x%x order %u: mm_init() has not run (caller %p)\n",
			  gfp, order, caller);
		count_vm_events(PGALLOC_INVALID, 1);
		return NULL;
	}
	page = __alloc_pages_slowpath(gfp, order, highest_zoneidx, migratetype);
	if (!page) {
		count_vm_events(PGALLOC_FAIL, 1);
		if (!(gfp & __GFP_NOWARN))
			mm_printk("alloc_pages: page allocation failure: order:%u, mode:0x%x, free:%lu (caller %p)\n",
				  order, gfp, nr_free_pages(), caller);
	}
	return page;
}

static __always_inline struct page *__alloc_pages(gfp_t gfp, unsigned int order, void *caller)
{
	unsigned int zone = gfp_zone_lookup(gfp);
	int migratetype;
	struct page *page;

	/* One test for the common case: no odd bits, order in range, a valid
	 * zone and mobility combination (GFP_ZONE_TABLE). */
	if (unlikely((gfp & GFP_SLOW_CHECK) || order >= MAX_ORDER || zone == GFP_ZONE_BAD) &&
	    !alloc_request_valid(gfp, order, caller))
		return NULL;
	migratetype = gfp_migratetype(gfp);
	page = get_page_from_freelist(gfp, order, ALLOC_WMARK_LOW, (int)zone, migratetype);
	if (likely(page))
		return page;
	return alloc_pages_slow(gfp, order, (int)zone, migratetype, caller);
}

/* Order 0 gets its own copy of the inline path, with the order folded. */
struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	if (likely(order == 0))
		return __alloc_pages(gfp, 0, __builtin_return_address(0));
	return __alloc_pages(gfp, order, __builtin_return_address(0));
}

/* Flags that make a free wrong on the head page, with the order field:
 * equal to the freed order when all is well. free_page_check_entry()
 * tells which. */
#define PAGE_FLAGS_CHECK_AT_ENTRY \
	((1u << PG_reserved) | (1u << PG_buddy) | (1u << PG_pcp) | (1u << PG_tail) | \
	 (PAGE_ORDER_MASK << PAGE_ORDER_SHIFT))

/* ...and those it may not carry once its last reference is gone (as
 * free_pages_prepare() checks), plus PG_head: compound blocks need their
 * tails undone there. */
#define PAGE_FLAGS_CHECK_AT_FREE_FAST \
	((1u << PG_lru) | (1u << PG_locked) | (1u << PG_head))

/* Back to a per-CPU list or to the buddy lists; @page is clean. */
static __always_inline void free_to_lists(struct page *page, unsigned long pfn,
					  unsigned int order)
{
	int mt = pfn_pageblock_mt(pfn);

	if (likely(order <= PCP_MAX_ORDER && mt != MIGRATE_ISOLATE)) {
		free_unref_page(page, order, mt);
	} else {
		count_vm_events(PGFREE, 1UL << order);
		free_one_page(page_zone(page), page, pfn, order, mt);
	}
}

/* Every free the fast path did not take: report bad frees, drop the
 * reference, and prepare the block in full (compound tails, poisoning,
 * tail checks, flags or mapping to report). */
static __attribute__((noinline)) void free_pages_slow(struct page *page, unsigned long pfn,
						      unsigned int order, void *caller)
{
	if (!free_page_check_entry(page, order, caller))
		return;
	if (__atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (!free_pages_prepare(page, order, caller))
		return;
	free_to_lists(page, pfn, order);
}

/*
 * The common free: a plain block whose head page is in the memory map,
 * aligned, freed with its own order, not free already, unmapped, with no
 * flag to object to, and no debug pass wanted - one flags compare covers
 * the flag part. The last reference then only clears the head's flags.
 */
static __always_inline void __free_pages_caller(struct page *page, unsigned int order,
						void *caller)
{
	/* Unsigned: a page below mem_map wraps and fails the range test. */
	unsigned long pfn = (unsigned long)((uintptr_t)page - (uintptr_t)mem_map) /
			    sizeof(struct page);
	uint32_t flags;

	if (unlikely(order >= MAX_ORDER || pfn >= max_pfn || mem_map + pfn != page ||
		     (pfn & ((1UL << order) - 1)) || pfn + (1UL << order) > max_pfn))
		goto slow;
	flags = page->flags;
	if (unlikely((flags & (PAGE_FLAGS_CHECK_AT_ENTRY | PAGE_FLAGS_CHECK_AT_FREE_FAST)) !=
		     order << PAGE_ORDER_SHIFT ||
		     page_ref_count(page) <= 0 || page->mapping || mm_debug_poison ||
		     (order && mm_tail_pass())))
		goto slow;
	if (__atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	page->flags = flags & (PAGE_ZONE_MASK << PAGE_ZONE_SHIFT);
	page->index = 0;
	free_to_lists(page, pfn, order);
	return;
slow:
	free_pages_slow(page, pfn, order, caller);
}

void __free_pages(struct page *page, unsigned int order)
{
	if (likely(order == 0))
		__free_pages_caller(page, 0, __builtin_return_address(0));
	else
		__free_pages_caller(page, order, __builtin_return_address(0));
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_free_page(gfp_t gfp)
{
	return __get_free_pages(gfp, 0);
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages_caller(virt_to_page((void *)addr), order, __builtin_return_address(0));
}

void split_page(struct page *page, unsigned int order)
{
	set_page_alloc_order(page, 0);
	for (unsigned long i = 1; i < (1UL << order); i++)
		page[i]._refcount = 1;
}

void *alloc_pages_exact(size_t size, gfp_t gfp)
{
	unsigned int order = get_order(size);
	unsigned long used = (size + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
	struct page *page;

	if (!size)
		return NULL;
	page = alloc_pages(gfp & ~__GFP_COMP, order);
	if (!page)
		return NULL;
	split_page(page, order);
	for (unsigned long i = used; i < (1UL << order); i++)
		__free_pages_caller(page + i, 0, __builtin_return_address(0));
	return page_address(page);
}

void free_pages_exact(void *virt, size_t size)
{
	unsigned long n = (size + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT;
	struct page *page;

	if (!virt)
		return;
	page = virt_to_page(virt);
	for (unsigned long i = 0; i < n; i++)
		__free_pages_caller(page + i, 0, __builtin_return_address(0));
}
