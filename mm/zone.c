/*
 * mm/zone.c - zone layout and mm_init(): turning memblock's picture of RAM
 * into zones, the struct page array and the buddy allocator's free lists.
 *
 * The boot path touches struct pages only, never the pages themselves:
 * one pass writes every struct page (reserved), one pass over the free
 * ranges clears the reserved state and hands maximal aligned blocks to
 * the free lists. At 16 GiB that is 4M struct pages written once and 4M
 * rewritten, and about 4K free-list insertions.
 */
#include "internal.h"
#include "memblock.h"
#include "mm_init.h"
#include "util.h"
#include "vmstat.h"

struct pglist_data contig_page_data;

static const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal" };
/* Zone limits in pfns: DMA below 16 MiB, DMA32 below 4 GiB. */
static const unsigned long zone_limit_pfn[MAX_NR_ZONES] = {
	(16UL << 20) >> MM_PAGE_SHIFT,
	(4UL << 30) >> MM_PAGE_SHIFT,
	~0UL,
};

static unsigned long zone_low_pfn(int zi)
{
	return zi ? zone_limit_pfn[zi - 1] : 0;
}

static void zone_reset(struct zone *z, int zi)
{
	mm_memset(z, 0, sizeof(*z));
	z->canary = ZONE_CANARY;
	z->name = zone_names[zi];
	z->zone_idx = zi;
	mm_spin_lock_init_ranked(&z->lock, MM_LOCK_RANK_ZONE);
	for (int o = 0; o < MAX_ORDER; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&z->free_area[o].free_list[mt]);
	zone_pcp_init(z);
}

/* Span and present pages of each zone from memblock's RAM regions. */
static void zones_size_init(void)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	const struct memblock_type *mem = &memblock.memory;

	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &pgdat->node_zones[zi];
		unsigned long lo = zone_low_pfn(zi), hi = zone_limit_pfn[zi];
		unsigned long first = ~0UL, last = 0;

		for (unsigned int i = 0; i < mem->cnt; i++) {
			unsigned long s = mem->regions[i].base >> MM_PAGE_SHIFT;
			unsigned long e = (mem->regions[i].base + mem->regions[i].size) >>
					  MM_PAGE_SHIFT;

			if (s < lo)
				s = lo;
			if (e > hi)
				e = hi;
			if (s >= e)
				continue;
			if (s < first)
				first = s;
			if (e > last)
				last = e;
			z->present_pages += e - s;
		}
		if (z->present_pages) {
			z->zone_start_pfn = first;
			z->spanned_pages = last - first;
		}
	}
	pgdat->node_start_pfn = ~0UL;
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &pgdat->node_zones[zi];

		if (!z->present_pages)
			continue;
		if (z->zone_start_pfn < pgdat->node_start_pfn)
			pgdat->node_start_pfn = z->zone_start_pfn;
		pgdat->node_spanned_pages = zone_end_pfn(z) - pgdat->node_start_pfn;
		pgdat->node_present_pages += z->present_pages;
	}
}

/* Every struct page reserved, with its zone index; refcount 1 as Linux
 * does, so a stray free of a reserved page is reported as such. */
static void memmap_init(void)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		unsigned long lo = zone_low_pfn(zi);
		unsigned long hi = zone_limit_pfn[zi] < max_pfn ? zone_limit_pfn[zi] : max_pfn;
		uint32_t flags = (1u << PG_reserved) | ((uint32_t)zi << PAGE_ZONE_SHIFT);

		for (unsigned long pfn = lo; pfn < hi; pfn++) {
			struct page *p = &mem_map[pfn];

			p->flags = flags;
			p->_refcount = 1;
			p->lru.next = p->lru.prev = NULL;
			p->mapping = NULL;
			p->index = 0;
			p->private = 0;
		}
	}
}

/* Hand [spfn, epfn) of @zone to the buddy allocator, in the largest
 * aligned blocks (merging makes the result independent of the order). */
static void free_range_to_buddy(struct zone *z, unsigned long spfn, unsigned long epfn)
{
	const uint32_t flags = (uint32_t)z->zone_idx << PAGE_ZONE_SHIFT;

	for (unsigned long pfn = spfn; pfn < epfn; pfn++) {
		mem_map[pfn].flags = flags;
		mem_map[pfn]._refcount = 0;
	}
	z->managed_pages += epfn - spfn;
	while (spfn < epfn) {
		unsigned int order = spfn ? (unsigned int)__builtin_ctzl(spfn) : MAX_ORDER - 1;

		if (order > MAX_ORDER - 1)
			order = MAX_ORDER - 1;
		while (spfn + (1UL << order) > epfn)
			order--;
		__free_one_page(&mem_map[spfn], spfn, z, order, MIGRATE_MOVABLE);
		zone_mod_free(z, 1L << order);
		spfn += 1UL << order;
	}
}

static void free_all_memblock(void)
{
	uint64_t idx = 0, start, end;

	while (memblock_next_free_range(&idx, &start, &end)) {
		unsigned long spfn = (unsigned long)(start >> MM_PAGE_SHIFT);
		unsigned long epfn = (unsigned long)(end >> MM_PAGE_SHIFT);

		if (epfn > max_pfn)
			epfn = max_pfn;
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			unsigned long s = spfn > zone_low_pfn(zi) ? spfn : zone_low_pfn(zi);
			unsigned long e = epfn < zone_limit_pfn[zi] ? epfn : zone_limit_pfn[zi];

			if (s < e)
				free_range_to_buddy(&NODE_DATA(0)->node_zones[zi], s, e);
		}
	}
}

int mm_init(void)
{
	struct pglist_data *pgdat = NODE_DATA(0);
	unsigned long nblocks;
	uint64_t memmap_phys, pb_phys;

	mem_map = NULL;
	pageblock_mt = NULL;
	max_pfn = 0;
	vm_events_reset();
	mm_memset(pgdat, 0, sizeof(*pgdat));
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		zone_reset(&pgdat->node_zones[zi], zi);
	build_zonelists(); /* no zone has memory yet: the fast path stays off */

	max_pfn = (unsigned long)(memblock_end_of_ram() >> MM_PAGE_SHIFT);
	if (!max_pfn || !memblock_phys_mem_size()) {
		mm_printk("mm_init: no usable memory\n");
		return -1;
	}
	zones_size_init();

	memmap_phys = memblock_phys_alloc((uint64_t)max_pfn * sizeof(struct page), MM_PAGE_SIZE,
					  "memmap");
	nblocks = (max_pfn + pageblock_nr_pages - 1) >> pageblock_order;
	pb_phys = memmap_phys ? memblock_phys_alloc(nblocks, MM_PAGE_SIZE, "pageblock flags") : 0;
	if (!memmap_phys || !pb_phys) {
		mm_printk("mm_init: cannot place the struct page array (%lu KiB for %lu pfns)\n",
			  (unsigned long)(max_pfn * sizeof(struct page) >> 10), max_pfn);
		max_pfn = 0;
		return -1;
	}
	mem_map = mm_pfn_to_virt((unsigned long)(memmap_phys >> MM_PAGE_SHIFT));
	pageblock_mt = mm_pfn_to_virt((unsigned long)(pb_phys >> MM_PAGE_SHIFT));
	for (unsigned long i = 0; i < nblocks; i++)
		pageblock_mt[i] = MIGRATE_MOVABLE;
	page_freer_init();

	memmap_init();
	free_all_memblock();
	if (!nr_free_pages()) {
		mm_printk("mm_init: no free memory left for the page allocator\n");
		mem_map = NULL;
		return -1;
	}
	init_per_zone_wmark_min();
	build_zonelists();
	return 0;
}

void mm_print_zone_summary(void)
{
	struct zone *z;

	for_each_zone(z)
		mm_printk("Node 0, zone %8s: start_pfn 0x%lx spanned %lu present %lu managed %lu\n",
			  z->name, z->zone_start_pfn, z->spanned_pages, z->present_pages,
			  z->managed_pages);
}
