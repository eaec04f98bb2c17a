/*
 * mm/pbmap.c - the fragmentation map (see pbmap.h): reads each pageblock's
 * migratetype and free pages under the zone lock, one block at a time, so
 * that a map of a large zone never holds the allocator up for long.
 */
#include "internal.h"
#include "pbmap.h"

/* First pfn of the pageblock-aligned range covering @zone. */
static unsigned long zone_block_base(const struct zone *zone)
{
	return zone->zone_start_pfn & ~(pageblock_nr_pages - 1);
}

unsigned long mm_pbmap_zone_blocks(const struct zone *zone)
{
	if (!zone->spanned_pages)
		return 0;
	return (zone_end_pfn(zone) - zone_block_base(zone) + pageblock_nr_pages - 1) >>
	       pageblock_order;
}

/*
 * A free block larger than a pageblock has its PG_buddy mark on its first
 * page only, which lies in an earlier pageblock: look for such a head.
 */
static bool inside_larger_free_block(const struct zone *zone, unsigned long pfn)
{
	for (unsigned int o = pageblock_order + 1; o < MAX_ORDER; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);
		const struct page *p;

		if (head == pfn || head < zone->zone_start_pfn)
			continue;
		p = pfn_to_page(head);
		if (PageBuddy(p) && head + (1UL << p->private) > pfn)
			return true;
	}
	return false;
}

/* Free pages in [lo, hi), one pageblock or less. Caller holds zone->lock. */
static unsigned int count_free(const struct zone *zone, unsigned long lo, unsigned long hi)
{
	unsigned long pfn = lo, free = 0;

	if (inside_larger_free_block(zone, lo))
		return (unsigned int)(hi - lo);
	while (pfn < hi) {
		const struct page *p = pfn_to_page(pfn);

		if (PageBuddy(p)) {
			unsigned long end = pfn + (1UL << p->private);

			if (end > hi)
				end = hi;
			free += end - pfn;
			pfn = end;
		} else {
			pfn++;
		}
	}
	return (unsigned int)free;
}

bool mm_pbmap_read_block(struct zone *zone, unsigned long i, struct pbmap_cell *out)
{
	unsigned long lo, hi, flags;
	unsigned int managed = 0;

	if (i >= mm_pbmap_zone_blocks(zone))
		return false;
	lo = zone_block_base(zone) + (i << pageblock_order);
	hi = lo + pageblock_nr_pages;
	if (lo < zone->zone_start_pfn)
		lo = zone->zone_start_pfn;
	if (hi > zone_end_pfn(zone))
		hi = zone_end_pfn(zone);
	/* PG_reserved never changes after mm_init(): no lock needed. */
	for (unsigned long pfn = lo; pfn < hi; pfn++)
		managed += !PageReserved(pfn_to_page(pfn));
	out->pfn = lo;
	out->managed = managed;
	flags = mm_spin_lock_irqsave(&zone->lock);
	out->migratetype = mm_get_pageblock_migratetype(lo);
	out->free = count_free(zone, lo, hi);
	mm_spin_unlock_irqrestore(&zone->lock, flags);
	return true;
}

void mm_print_pbmap(void)
{
	struct zone *z;

	mm_printk("# pbmap: one line per pageblock of %lu pages: zone first_pfn migratetype free managed\n",
		  pageblock_nr_pages);
	for_each_zone(z) {
		unsigned long n = mm_pbmap_zone_blocks(z);
		struct pbmap_cell c;

		if (!populated_zone(z))
			continue;
		mm_printk("# pbmap zone %s start_pfn 0x%lx end_pfn 0x%lx pageblocks %lu\n", z->name,
			  z->zone_start_pfn, zone_end_pfn(z), n);
		for (unsigned long i = 0; i < n; i++) {
			const char *mt;

			if (!mm_pbmap_read_block(z, i, &c))
				break;
			mt = c.migratetype < MIGRATE_TYPES ? mm_migratetype_names[c.migratetype] : "?";
			mm_printk("pbmap %s 0x%lx %s %u %u\n", z->name, c.pfn, mt, c.free,
				  c.managed);
		}
	}
	mm_printk("# pbmap end\n");
}
