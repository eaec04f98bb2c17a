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

struct pglist_data mm_node_data[MAX_NUMNODES];
int mm_nr_nodes = 1;
uint8_t mm_cpu_mem_node[MM_MAX_CPUS];

/* The pfns each node owns: [own_start, own_end), one stretch per node, from
 * the start of its lowest range to the start of the next node's (holes
 * between nodes go to the node below, as mm/numa.h's mm_pfn_to_nid says). */
static unsigned long own_start[MAX_NUMNODES], own_end[MAX_NUMNODES];

static void one_node(void)
{
	mm_nr_nodes = 1;
	own_start[0] = 0;
	own_end[0] = mm_max_pfn;
	mm_memset(mm_cpu_mem_node, 0, sizeof(mm_cpu_mem_node));
}

/*
 * Take the node set from mm/numa.h (mm_numa_finalize, or one node when the
 * host registered none). A node's struct pages, zones and free lists hold
 * only its own pfns, so every node must own one stretch: nodes whose spans
 * interleave (allowed by ACPI, rare) are folded into one node, with a
 * message, rather than given zones that overlap.
 */
static void nodes_init(void)
{
	int order[MAX_NUMNODES], n = 0, nid;

	one_node();
	if (mm_nr_node_ids <= 1)
		return;
	for_each_online_node(nid) {
		if (!mm_node_has_memory(nid) || mm_node_start_pfn(nid) >= mm_max_pfn)
			continue;
		int i = n++;

		while (i > 0 && mm_node_start_pfn(order[i - 1]) > mm_node_start_pfn(nid)) {
			order[i] = order[i - 1];
			i--;
		}
		order[i] = nid;
	}
	if (n <= 1)
		return;
	for (int i = 0; i + 1 < n; i++) {
		if (mm_node_end_pfn(order[i]) > mm_node_start_pfn(order[i + 1])) {
			mm_printk("mm: nodes %d [pfn 0x%lx-0x%lx) and %d [pfn 0x%lx-0x%lx) interleave: one memory node\n",
				  order[i], mm_node_start_pfn(order[i]), mm_node_end_pfn(order[i]),
				  order[i + 1], mm_node_start_pfn(order[i + 1]),
				  mm_node_end_pfn(order[i + 1]));
			return;
		}
	}
	mm_nr_nodes = (int)mm_nr_node_ids;
	for (int i = 0; i < MAX_NUMNODES; i++)
		own_start[i] = own_end[i] = 0;
	for (int i = 0; i < n; i++) {
		own_start[order[i]] = i ? mm_node_start_pfn(order[i]) : 0;
		own_end[order[i]] = i + 1 < n ? mm_node_start_pfn(order[i + 1]) : mm_max_pfn;
	}
}

/*
 * Each CPU's memory node: its own if that has RAM pages, else the nearest
 * node that has (a node's firmware ranges may all lie in holes). After
 * zones_size_init, which counts the pages.
 */
static void cpu_mem_nodes_init(void)
{
	for (unsigned int cpu = 0; cpu < MM_MAX_CPUS; cpu++) {
		int own = mm_nr_nodes > 1 ? mm_cpu_to_node(cpu) : 0, best = -1;

		if (own < 0 || own >= mm_nr_nodes)
			own = 0;
		for (int nid = 0; nid < mm_nr_nodes; nid++) {
			if (!NODE_DATA(nid)->node_present_pages)
				continue;
			if (best < 0 || mm_node_distance(own, nid) < mm_node_distance(own, best) ||
			    (nid == own && mm_node_distance(own, nid) == mm_node_distance(own, best)))
				best = nid;
		}
		mm_cpu_mem_node[cpu] = (uint8_t)(best < 0 ? 0 : best);
	}
}

void mm_node_pfn_stretch(int nid, unsigned long *start, unsigned long *end)
{
	bool ok = nid >= 0 && nid < mm_nr_nodes;

	*start = ok ? own_start[nid] : 0;
	*end = ok ? own_end[nid] : 0;
}

/* [*lo, *hi) of zone @zi of node @nid, clipped to mm_max_pfn; false if empty. */
static bool node_zone_range(int nid, int zi, unsigned long *lo, unsigned long *hi);

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

static void zone_reset(struct zone *z, int nid, int zi)
{
	mm_memset(z, 0, sizeof(*z));
	z->canary = ZONE_CANARY;
	z->name = zone_names[zi];
	z->zone_idx = zi;
	z->node = nid;
	mm_spin_lock_init_ranked(&z->lock, MM_LOCK_RANK_ZONE);
	for (int o = 0; o < MAX_ORDER; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			INIT_LIST_HEAD(&z->free_area[o].free_list[mt]);
	mm_zone_pcp_init(z);
}

static bool node_zone_range(int nid, int zi, unsigned long *lo, unsigned long *hi)
{
	unsigned long l = zone_low_pfn(zi), h = zone_limit_pfn[zi];

	if (l < own_start[nid])
		l = own_start[nid];
	if (h > own_end[nid])
		h = own_end[nid];
	if (h > mm_max_pfn)
		h = mm_max_pfn;
	*lo = l;
	*hi = h;
	return l < h;
}

/* Span and present pages of each zone of each node from memblock's RAM
 * regions. */
static void zones_size_init(void)
{
	const struct memblock_type *mem = &mm_memblock.memory;
	struct pglist_data *pgdat;

	for_each_node_pgdat(pgdat) {
		int nid = pgdat->node_id;

		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &pgdat->node_zones[zi];
			unsigned long lo, hi, first = ~0UL, last = 0;

			if (!node_zone_range(nid, zi, &lo, &hi))
				continue;
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
		if (!pgdat->node_present_pages)
			pgdat->node_start_pfn = 0;
	}
}

/* Every struct page reserved, with its node and zone; refcount 1 as Linux
 * does, so a stray free of a reserved page is reported as such. */
static void init_struct_pages(void)
{
	for (int nid = 0; nid < mm_nr_nodes; nid++) {
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			unsigned long lo, hi;
			uint32_t flags = (1u << PG_reserved) | ((uint32_t)zi << PAGE_ZONE_SHIFT) |
					 ((uint32_t)nid << PAGE_NODE_SHIFT);

			if (!node_zone_range(nid, zi, &lo, &hi))
				continue;
			for (unsigned long pfn = lo; pfn < hi; pfn++) {
				struct page *p = &mm_mem_map[pfn];

				p->flags = flags;
				p->_refcount = 1;
				p->lru.next = p->lru.prev = NULL;
				p->mapping = NULL;
				p->index = 0;
				p->private = 0;
			}
		}
	}
}

/* Hand [spfn, epfn) of @zone to the buddy allocator, in the largest
 * aligned blocks (merging makes the result independent of the order). */
static void free_range_to_buddy(struct zone *z, unsigned long spfn, unsigned long epfn)
{
	const uint32_t flags = ((uint32_t)z->zone_idx << PAGE_ZONE_SHIFT) |
			       ((uint32_t)z->node << PAGE_NODE_SHIFT);

	for (unsigned long pfn = spfn; pfn < epfn; pfn++) {
		mm_mem_map[pfn].flags = flags;
		mm_mem_map[pfn]._refcount = 0;
	}
	z->managed_pages += epfn - spfn;
	while (spfn < epfn) {
		unsigned int order = spfn ? (unsigned int)__builtin_ctzl(spfn) : MAX_ORDER - 1;

		if (order > MAX_ORDER - 1)
			order = MAX_ORDER - 1;
		while (spfn + (1UL << order) > epfn)
			order--;
		mm__free_one_page(&mm_mem_map[spfn], spfn, z, order, MIGRATE_MOVABLE);
		zone_mod_free(z, 1L << order);
		spfn += 1UL << order;
	}
}

static void free_all_memblock(void)
{
	uint64_t idx = 0, start, end;

	while (mm_memblock_next_free_range(&idx, &start, &end)) {
		unsigned long spfn = (unsigned long)(start >> MM_PAGE_SHIFT);
		unsigned long epfn = (unsigned long)(end >> MM_PAGE_SHIFT);

		if (epfn > mm_max_pfn)
			epfn = mm_max_pfn;
		for (int nid = 0; nid < mm_nr_nodes; nid++) {
			for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
				unsigned long lo, hi, s, e;

				if (!node_zone_range(nid, zi, &lo, &hi))
					continue;
				s = spfn > lo ? spfn : lo;
				e = epfn < hi ? epfn : hi;
				if (s < e)
					free_range_to_buddy(&NODE_DATA(nid)->node_zones[zi], s, e);
			}
		}
	}
}

/* Set by memmap_init, consumed by the mm_init that follows it. */
static bool memmap_ready;

int memmap_init(void)
{
	unsigned long nblocks;
	uint64_t memmap_phys, pb_phys;

	mm_mem_map = NULL;
	mm_pageblock_mt = NULL;
#if MM_CONFIG_COMPACTION
	mm_pageblock_skip = NULL;
#endif
	mm_max_pfn = 0;
	mm_vm_events_reset();
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		struct pglist_data *pgdat = NODE_DATA(nid);

		mm_memset(pgdat, 0, sizeof(*pgdat));
		pgdat->node_id = nid;
		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			zone_reset(&pgdat->node_zones[zi], nid, zi);
	}
	one_node();
	mm_build_zonelists(); /* no zone has memory yet: the fast path stays off */

	if (mm_nr_cpus() < 1 || mm_nr_cpus() > MM_MAX_CPUS) {
		mm_printk("mm_init: the host has %u CPUs; mm/ was built for 1..%d (-DMM_MAX_CPUS, mm/config.h)\n",
			  mm_nr_cpus(), MM_MAX_CPUS);
		return -1;
	}
	mm_max_pfn = (unsigned long)(mm_memblock_end_of_ram() >> MM_PAGE_SHIFT);
	if (!mm_max_pfn || !mm_memblock_phys_mem_size()) {
		mm_printk("mm_init: no usable memory\n");
		return -1;
	}
	nodes_init();
	zones_size_init();
	cpu_mem_nodes_init();

	memmap_phys = mm_memblock_phys_alloc((uint64_t)mm_max_pfn * sizeof(struct page), MM_PAGE_SIZE,
					  "memmap");
	nblocks = (mm_max_pfn + pageblock_nr_pages - 1) >> pageblock_order;
	/* A migratetype byte, then a compaction skip-hint byte, per pageblock. */
	pb_phys = memmap_phys ? mm_memblock_phys_alloc(PAGEBLOCK_BYTES * nblocks, MM_PAGE_SIZE,
						    "pageblock flags")
			      : 0;
	if (!memmap_phys || !pb_phys) {
		mm_printk("mm_init: cannot place the struct page array (%lu KiB for %lu pfns)\n",
			  (unsigned long)(mm_max_pfn * sizeof(struct page) >> 10), mm_max_pfn);
		mm_max_pfn = 0;
		return -1;
	}
	mm_mem_map = mm_pfn_to_virt((unsigned long)(memmap_phys >> MM_PAGE_SHIFT));
	mm_pageblock_mt = mm_pfn_to_virt((unsigned long)(pb_phys >> MM_PAGE_SHIFT));
	for (unsigned long i = 0; i < nblocks; i++)
		mm_pageblock_mt[i] = MIGRATE_MOVABLE;
#if MM_CONFIG_COMPACTION
	mm_pageblock_skip = mm_pageblock_mt + nblocks;
	for (unsigned long i = 0; i < nblocks; i++)
		mm_pageblock_skip[i] = 0;
#endif
	mm_page_freer_init();

	init_struct_pages();
	memmap_ready = true;
	return 0;
}

int mm_init(void)
{
	if (!memmap_ready && memmap_init())
		return -1;
	memmap_ready = false;
	free_all_memblock();
	if (!nr_free_pages()) {
		mm_printk("mm_init: no free memory left for the page allocator\n");
		mm_mem_map = NULL;
		return -1;
	}
	mm_init_per_zone_wmark_min();
	mm_build_zonelists();
	return 0;
}

void mm_print_zone_summary(void)
{
	struct zone *z;

	for_each_zone(z)
		mm_printk("Node %d, zone %8s: start_pfn 0x%lx spanned %lu present %lu managed %lu\n",
			  z->node, z->name, z->zone_start_pfn, z->spanned_pages, z->present_pages,
			  z->managed_pages);
}
