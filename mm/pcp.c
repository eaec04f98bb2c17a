/*
 * mm/pcp.c - per-CPU page lists: each CPU keeps a few free pages of each
 * zone (orders 0..PCP_MAX_ORDER, per pcp migratetype) so that most
 * allocations and frees touch neither the zone lock nor the free lists.
 *
 * A CPU touches only its own lists, with interrupts off (drain_all_pages
 * asks each CPU to drain itself). Refill moves `batch` pages under
 * zone->lock; a drain at high moves more while frees run without
 * allocations (pcp_free_count). Pages on a pcp list are counted as
 * allocated by NR_FREE_PAGES, as in Linux; PG_pcp marks them, and
 * page->private holds the migratetype of the list they sit on (their
 * pageblock's when freed; HIGHATOMIC pages wait on the movable list). A
 * drain frees them by their pageblock's type at that time.
 *
 * The pop and push themselves (rmqueue_pcplist, free_unref_page) are
 * inline in internal.h; this file holds the batch moves and the sizing.
 */
#include "internal.h"
#include "pcp.h"

static bool pcp_disabled; /* mm_pcp_set_enabled(false): high 0, batch 1 */

void mm_zone_pcp_init(struct zone *zone)
{
	for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++) {
		struct per_cpu_pages *pcp = &zone->pcp[cpu];

		pcp->count = 0;
		pcp->high = 0;
		pcp->batch = 1;
		pcp->free_factor = 0;
		pcp->canary = PCP_CANARY;
		for (int i = 0; i < NR_PCP_LISTS; i++)
			INIT_LIST_HEAD(&pcp->lists[i]);
	}
}

/*
 * The canaries of @zone and of @pcp, one of its CPUs' lists, before a
 * batch move trusts their list heads: a stray write that reached them has
 * likely reached the lists as well, and following those would spread the
 * damage into the free lists. Out of line paths only; the inline pop and
 * push stay as they are. Panics naming the zone and CPU.
 */
static void pcp_check_canaries(struct zone *zone, struct per_cpu_pages *pcp, const char *where)
{
	int cpu = (int)(pcp - zone->pcp);

	if (likely(zone->canary == ZONE_CANARY && pcp->canary == PCP_CANARY))
		return;
	mm_zone_canaries_ok(zone, cpu, where); /* prints the details */
	mm_panic("per-cpu pages %s: canary overwritten in zone %s cpu %d", where,
		 mm_zone_name_safe(zone), cpu);
}

/* Linux's zone_batchsize: about a quarter of 1/1024 of the zone, at most
 * 1 MiB / 4, rounded to 2^n - 1 (to vary cache colouring), at least 1. */
static int zone_batchsize(const struct zone *zone)
{
	unsigned long batch = zone->managed_pages >> 10;
	unsigned long p = 1;

	if (batch > (1024 * 1024) / MM_PAGE_SIZE)
		batch = (1024 * 1024) / MM_PAGE_SIZE;
	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch += batch / 2;
	while (p * 2 <= batch)
		p *= 2;
	return p - 1 > 0 ? (int)(p - 1) : 1;
}

/* Linux 6.1's zone_highsize: the zone's low watermark split among the
 * CPUs, so that full pcp lists cannot by themselves push a zone under low
 * (waking kswapd early); at least 4 batches. */
static int zone_highsize(const struct zone *zone, int batch)
{
	unsigned long high = low_wmark_pages(zone) / mm_nr_cpus();

	if (high < (unsigned long)batch * 4)
		high = (unsigned long)batch * 4;
	return (int)high;
}

void mm_zone_pcp_update(struct zone *zone)
{
	int batch = zone_batchsize(zone);
	int high = zone_highsize(zone, batch);

	if (__atomic_load_n(&pcp_disabled, __ATOMIC_ACQUIRE)) {
		batch = 1;
		high = 0;
	}

	/* Every CPU's, while they run: each reads its own with pcp_high()
	 * and pcp_batch(), relaxed loads (see mm_pcp_set_enabled). */
	for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++) {
		__atomic_store_n(&zone->pcp[cpu].batch, batch, __ATOMIC_RELAXED);
		__atomic_store_n(&zone->pcp[cpu].high, high, __ATOMIC_RELAXED);
	}
}

/* Take @count blocks of @order into @list, under the zone lock. */
static int rmqueue_bulk(struct zone *zone, unsigned int order, int count, struct list_head *list,
			int migratetype, unsigned int alloc_flags)
{
	int i;

	mm_spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct page *page = mm__rmqueue(zone, order, migratetype, alloc_flags);

		if (!page)
			break;
		SetPageFlag(page, PG_pcp);
		set_page_private(page, (uint32_t)migratetype);
		list_add_tail(&page->lru, list);
	}
	mm_spin_unlock(&zone->lock);
	return i;
}

/* Give @count pages back to the buddy lists, oldest first, taking from the
 * lists in turn so no single list is emptied to refill another. Called
 * with interrupts off. */
void mm_free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp)
{
	unsigned int pindex = 0;
	long freed = 0;

	pcp_check_canaries(zone, pcp, "drain");
	if (count > pcp->count)
		count = pcp->count;
	mm_spin_lock(&zone->lock);
	while (count > 0) {
		struct list_head *list;
		struct page *page;
		unsigned int order;
		unsigned long pfn;

		for (int tries = 0; tries < NR_PCP_LISTS; tries++) {
			if (!list_empty(&pcp->lists[pindex]))
				break;
			pindex = (pindex + 1) % NR_PCP_LISTS;
		}
		list = &pcp->lists[pindex];
		if (list_empty(list))
			break; /* count was wrong; the checker will say so */
		order = pindex / MIGRATE_PCPTYPES;
		page = list_last_entry(list, struct page, lru);
		list_del(&page->lru);
		ClearPageFlag(page, PG_pcp);
		pfn = page_to_pfn(page);
		/* The pageblock's type now, not the one cached at free time:
		 * a reserve may have been made or given back meanwhile. */
		mm__free_one_page(page, pfn, zone, order, pfn_pageblock_mt(pfn));
		pcp->count -= 1 << order;
		count -= 1 << order;
		freed += 1L << order;
		pindex = (pindex + 1) % NR_PCP_LISTS;
	}
	zone_mod_free(zone, freed);
	mm_spin_unlock(&zone->lock);
}

/*
 * How many pages a free that left @pcp at or over @high gives back
 * (Linux 6.1's nr_pcp_free). One batch at first; each further drain with
 * no allocation from the lists in between doubles it (an allocation
 * halves free_factor again), up to high - batch. So a burst of frees,
 * as when tasks exit or the page cache is dropped, leaves about one batch
 * on the lists rather than nearly high: pages that sit there keep the
 * otherwise free pageblocks they belong to from merging. @free_high: a
 * block of order > 0 freed during such a burst, when everything goes back
 * (Linux's free_high: blocks of those orders parked on the lists split
 * what could merge the most).
 */
static int pcp_free_count(struct per_cpu_pages *pcp, int high, int batch, bool free_high)
{
	int n;

	if (free_high || high < batch) /* high < batch: the lists are off */
		return pcp->count;
	n = batch << pcp->free_factor;
	if (n < high - batch)
		pcp->free_factor++;
	if (n > high - batch)
		n = high - batch;
	return n < batch ? batch : n;
}

void mm_free_pcppages_over_high(struct zone *zone, struct per_cpu_pages *pcp, unsigned int order)
{
	bool free_high = order && pcp->free_factor;
	int high = free_high ? 0 : pcp_high(pcp);

	if (pcp->count >= high)
		mm_free_pcppages_bulk(zone, pcp_free_count(pcp, high, pcp_batch(pcp), free_high), pcp);
}

/* Refill @list with a batch of blocks from the buddy lists; returns how
 * many came, 0 when the zone has none of that order. */
static int pcp_refill(struct zone *zone, struct per_cpu_pages *pcp, struct list_head *list,
		      unsigned int order, int migratetype, unsigned int alloc_flags)
{
	int want = order ? pcp_batch(pcp) >> order : pcp_batch(pcp);
	int got;

	if (want < 2)
		want = order ? 2 : 1;
	got = rmqueue_bulk(zone, order, want, list, migratetype, alloc_flags);
	pcp->count += got << order;
	return got;
}

struct page *mm_rmqueue_pcplist_slow(struct zone *zone, struct per_cpu_pages *pcp, unsigned int cpu,
				  unsigned int order, int migratetype, unsigned int alloc_flags,
				  unsigned long irqflags)
{
	struct list_head *list = &pcp->lists[order_to_pindex(migratetype, order)];
	struct page *page;

	pcp_check_canaries(zone, pcp, "refill");
	do {
		if (list_empty(list) &&
		    !pcp_refill(zone, pcp, list, order, migratetype, alloc_flags)) {
			page = NULL;
			goto out;
		}
		page = list_first_entry(list, struct page, lru);
		list_del(&page->lru);
		ClearPageFlag(page, PG_pcp);
		set_page_private(page, 0);
		pcp->count -= 1 << order;
	} while (!check_new_pages_fast(page, order));
	__count_cpu_vm_events(cpu, (enum vm_event_item)(PGALLOC_DMA + zone->zone_idx),
			      1UL << order);
out:
	mm_irq_restore(irqflags);
	return page;
}

static void drain_zone_cpu(struct zone *zone, unsigned int cpu)
{
	unsigned long flags = mm_irq_save();
	struct per_cpu_pages *pcp = &zone->pcp[cpu];

	if (pcp->count)
		mm_free_pcppages_bulk(zone, pcp->count, pcp);
	mm_irq_restore(flags);
}

void drain_local_pages(struct zone *zone)
{
	struct zone *z;

	if (zone) {
		drain_zone_cpu(zone, mm_cpu_id());
		return;
	}
	for_each_zone(z)
		drain_zone_cpu(z, mm_cpu_id());
}

static void drain_local_pages_fn(void *zone)
{
	drain_local_pages(zone);
}

/*
 * Each CPU drains its own lists (a CPU's lists are touched only by that
 * CPU, with interrupts off, so no lock guards them): through the host's
 * cross-CPU call, which on one CPU is a direct call. When it returns,
 * every online CPU's count is 0 for the zone(s) - until they allocate
 * again, as in Linux.
 */
void drain_all_pages(struct zone *zone)
{
	mm_on_each_cpu(drain_local_pages_fn, zone);
}

bool mm_pcp_enabled(void)
{
	return !__atomic_load_n(&pcp_disabled, __ATOMIC_ACQUIRE);
}

void mm_pcp_set_enabled(bool on)
{
	struct zone *z;

	__atomic_store_n(&pcp_disabled, !on, __ATOMIC_RELEASE);
	/* high and batch are read by their CPU with interrupts off; a CPU
	 * that sees the old values for one more operation does no harm. */
	for_each_zone(z)
		mm_zone_pcp_update(z);
	if (!on)
		drain_all_pages(NULL);
}

void mm_pcp_nr_cpus_changed(void)
{
	struct zone *z;

	for_each_zone(z)
		mm_zone_pcp_update(z);
}
