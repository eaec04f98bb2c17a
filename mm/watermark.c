/*
 * mm/watermark.c - how much of each zone is kept free: min_free_kbytes and
 * the min/low/high watermarks, lowmem_reserve protection of lower zones,
 * the watermark test itself, and the HIGHATOMIC reserve.
 *
 * Linux's rules (6.1). At 512 MiB under QEMU, Linux shows min_free_kbytes
 * 2744, DMA min/low/high 22/27/32, DMA32 663/828/993, DMA protection 444.
 * Those come from managed pages at core_initcall time, before the initrd
 * and __init memory were freed (2744^2/16 KiB = 117649 pages, not the
 * 120071 zoneinfo shows later). We compute them once all boot memory is
 * given, so with Linux's final managed counts we land about 1% higher
 * (protection 2% higher); with its early counts we land exactly on its
 * figures (tests/host/test_buddy_wmark.c checks both).
 */
#include "internal.h"
#include "kswapd.h"

int mm_min_free_kbytes = 1024;
int mm_watermark_scale_factor = 10; /* in 1/10000 of the zone */
int mm_sysctl_lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 256, 32 };
int mm_watermark_boost_factor = 15000; /* Linux's default: 150% of high */

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, bit = 1UL << (sizeof(long) * 8 - 2);

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* Pages above the high watermark in every zone (all zones are lowmem). */
static unsigned long nr_free_buffer_pages(void)
{
	unsigned long sum = 0;
	struct zone *z;

	for_each_zone(z)
		if (z->managed_pages > high_wmark_pages(z))
			sum += z->managed_pages - high_wmark_pages(z);
	return sum;
}

static void calculate_totalreserve_pages(void)
{
	struct pglist_data *pgdat;

	for_each_node_pgdat(pgdat) {
		unsigned long reserve = 0;

		for (int i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *z = &pgdat->node_zones[i];
			long max = 0;

			for (int j = i; j < MAX_NR_ZONES; j++)
				if (z->lowmem_reserve[j] > max)
					max = z->lowmem_reserve[j];
			max += (long)high_wmark_pages(z);
			if (max > (long)z->managed_pages)
				max = (long)z->managed_pages;
			reserve += (unsigned long)max;
		}
		pgdat->totalreserve_pages = reserve;
	}
}

/*
 * lowmem_reserve[j] of zone i: the pages a request whose highest zone is
 * j must leave in zone i, = the managed pages of zones i+1..j / ratio[i].
 * It keeps Normal/DMA32 users from draining DMA, which only DMA users can use.
 * Within each node: a zone of another node is reached only after the
 * request's own node is exhausted, and is protected by its own node's sums.
 */
void mm_setup_per_zone_lowmem_reserve(void)
{
	struct pglist_data *pgdat;

	for_each_node_pgdat(pgdat) {
		for (int i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *z = &pgdat->node_zones[i];
			int ratio = mm_sysctl_lowmem_reserve_ratio[i];
			bool clear = ratio <= 0 || !z->managed_pages;
			unsigned long upper = 0;

			z->lowmem_reserve[i] = 0;
			for (int j = i + 1; j < MAX_NR_ZONES; j++) {
				upper += pgdat->node_zones[j].managed_pages;
				z->lowmem_reserve[j] = clear ? 0
							     : (long)(upper / (unsigned long)ratio);
			}
		}
	}
	calculate_totalreserve_pages();
}

/*
 * min_free_kbytes is shared among zones in proportion to their managed
 * pages; low and high sit above min by the larger of min/4 and
 * watermark_scale_factor/10000 of the zone (high twice as far as low).
 */
void mm_setup_per_zone_wmarks(void)
{
	unsigned long pages_min = (unsigned long)mm_min_free_kbytes >> (MM_PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	struct zone *z;

	for_each_zone(z)
		lowmem_pages += z->managed_pages;
	for_each_zone(z) {
		unsigned long flags = mm_spin_lock_irqsave(&z->lock);
		unsigned long min = lowmem_pages ? pages_min * z->managed_pages / lowmem_pages : 0;
		unsigned long delta = min / 4;
		unsigned long scaled = z->managed_pages * (unsigned long)mm_watermark_scale_factor /
				       10000;

		if (scaled > delta)
			delta = scaled;
		z->_watermark[WMARK_MIN] = min;
		z->_watermark[WMARK_LOW] = min + delta;
		z->_watermark[WMARK_HIGH] = min + 2 * delta;
		mm_spin_unlock_irqrestore(&z->lock, flags);
	}
	/* pcp->high follows the low watermark. */
	for_each_zone(z)
		mm_zone_pcp_update(z);
	calculate_totalreserve_pages();
}

/* sqrt(16 * lowmem KiB), clamped to [128, 262144] as Linux 6.1 does: 1 GiB
 * of RAM gives about 4 MiB, 16 GiB about 16 MiB, and it grows slower than
 * memory because reserves matter less on big machines. */
void mm_init_per_zone_wmark_min(void)
{
	unsigned long lowmem_kbytes = nr_free_buffer_pages() * (MM_PAGE_SIZE >> 10);
	unsigned long v = int_sqrt(lowmem_kbytes * 16);

	if (v < 128)
		v = 128;
	if (v > 262144)
		v = 262144;
	mm_min_free_kbytes = (int)v;
	mm_setup_per_zone_wmarks();
	mm_setup_per_zone_lowmem_reserve();
}

/*
 * The watermark test. ALLOC_HIGH takes half of min, ALLOC_HARDER a quarter
 * of the rest; requests without ALLOC_HARDER may not count the HIGHATOMIC
 * reserve. High orders also need a free block that large, of a type the
 * request may use.
 */
bool mm__zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			 int highest_zoneidx, unsigned int alloc_flags, long free_pages)
{
	long min = (long)mark;
	bool harder = alloc_flags & (ALLOC_HARDER | ALLOC_OOM);

	free_pages -= (1L << order) - 1;
	if (!harder)
		free_pages -= (long)z->nr_reserved_highatomic;
	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (harder)
		min -= (alloc_flags & ALLOC_OOM) ? min / 2 : min / 4;
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	for (unsigned int o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &z->free_area[o];

		if (!__atomic_load_n(&area->nr_free, __ATOMIC_RELAXED))
			continue;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!list_empty(&area->free_list[mt]))
				return true;
		if (harder && !list_empty(&area->free_list[MIGRATE_HIGHATOMIC]))
			return true;
	}
	return false;
}

bool mm_zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
		       unsigned int alloc_flags)
{
	return mm__zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				   zone_page_state(z, NR_FREE_PAGES));
}

/*
 * A high-order atomic request just succeeded: keep its pageblock for such
 * requests (HIGHATOMIC), a pageblock at a time, up to 1% of the zone plus
 * one pageblock, so that later atomic bursts still find contiguous blocks.
 * nr_reserved_highatomic counts exactly the zone's HIGHATOMIC pageblocks:
 * only here and in mm_unreserve_highatomic_pageblock() does a pageblock
 * become or stop being one.
 */
void mm_reserve_highatomic_pageblock(struct page *page, struct zone *zone)
{
	unsigned long max_managed = zone->managed_pages / 100 + pageblock_nr_pages;
	unsigned long pfn = page_to_pfn(page);
	unsigned long flags;

	if (__atomic_load_n(&zone->nr_reserved_highatomic, __ATOMIC_RELAXED) >= max_managed)
		return;
	flags = mm_spin_lock_irqsave(&zone->lock);
	if (zone->nr_reserved_highatomic < max_managed &&
	    mm_get_pageblock_migratetype(pfn) < MIGRATE_PCPTYPES &&
	    pageblock_in_zone(zone, pfn & ~(pageblock_nr_pages - 1))) {
		/* Relaxed: the watermark checks read it without the lock. */
		__atomic_store_n(&zone->nr_reserved_highatomic,
				 zone->nr_reserved_highatomic + pageblock_nr_pages, __ATOMIC_RELAXED);
		mm_move_freepages_block(zone, page, MIGRATE_HIGHATOMIC);
	}
	mm_spin_unlock_irqrestore(&zone->lock, flags);
}

/*
 * A reserved pageblock is found through its free pages (a HIGHATOMIC
 * block never grows past its pageblock, see buddy.c), the smallest first:
 * the pageblock least likely to serve another atomic burst. One wholly in
 * use cannot be given back, nor would that free anything.
 */
bool mm_unreserve_highatomic_pageblock(const struct alloc_context *ac, bool force)
{
	struct zone *const *zp;
	struct zone *zone;

	for_each_zone_zonelist(zone, zp, ac->zonelist, ac->highest_zoneidx) {
		unsigned long keep = force ? 0 : pageblock_nr_pages, flags;

		if (__atomic_load_n(&zone->nr_reserved_highatomic, __ATOMIC_RELAXED) <= keep)
			continue;
		flags = mm_spin_lock_irqsave(&zone->lock);
		/* Again under the lock: another CPU may have given one back. */
		for (unsigned int o = 0; o <= pageblock_order && zone->nr_reserved_highatomic > keep;
		     o++) {
			struct list_head *l = &zone->free_area[o].free_list[MIGRATE_HIGHATOMIC];
			struct page *page;

			if (list_empty(l))
				continue;
			page = list_first_entry(l, struct page, lru);
			__atomic_store_n(&zone->nr_reserved_highatomic,
					 zone->nr_reserved_highatomic - pageblock_nr_pages,
					 __ATOMIC_RELAXED);
			mm_move_freepages_block(zone, page, ac->migratetype);
			mm_spin_unlock_irqrestore(&zone->lock, flags);
			return true;
		}
		mm_spin_unlock_irqrestore(&zone->lock, flags);
	}
	return false;
}

/*
 * Linux's mm_boost_watermark(): one pageblock more per steal, capped at
 * watermark_boost_factor of the high watermark (at least a pageblock).
 * Zones smaller than four pageblocks are left alone: the boost would be
 * most of them. kswapd takes the boost back once the zone is balanced.
 */
bool mm_boost_watermark(struct zone *zone)
{
	unsigned long max_boost, boost;

	if (!mm_watermark_boost_factor || pageblock_nr_pages * 4 > zone->managed_pages ||
	    mm_kswapd_parked())
		return false;
	max_boost = zone->_watermark[WMARK_HIGH] * (unsigned long)mm_watermark_boost_factor / 10000;
	if (!max_boost)
		return false;
	if (max_boost < pageblock_nr_pages)
		max_boost = pageblock_nr_pages;
	boost = zone->watermark_boost + pageblock_nr_pages;
	__atomic_store_n(&zone->watermark_boost, boost < max_boost ? boost : max_boost,
			 __ATOMIC_RELAXED);
	return true;
}
