/*
 * mm/zone.h - zones and the node that holds them (Linux's pglist_data),
 * free areas, per-CPU page lists, watermarks.
 *
 * One pglist_data per memory node (NODE_DATA(nid), mm/numa.h says which
 * pfns a node owns); each node has the zones DMA [0, 16 MiB), DMA32
 * [16 MiB, 4 GiB), Normal [4 GiB, ...) cut to its own pfns. An empty zone
 * has spanned 0. A node's zonelists list the zones a request may use, its
 * own first, then other nodes' by distance (Linux's node order).
 */
#ifndef MM_ZONE_H
#define MM_ZONE_H

#include "gfp.h"
#include "list.h"
#include "numa.h"
#include "page.h"
#include "spinlock.h"

#define pageblock_order 9
#define pageblock_nr_pages (1UL << pageblock_order)
/* MM_MAX_CPUS: mm/config.h (via numa.h). */
/* Per-CPU lists hold orders 0..PCP_MAX_ORDER (Linux 6.1: up to the costly
 * order 3), one list per order and pcp migratetype. */
#define PCP_MAX_ORDER 3
#define NR_PCP_LISTS (MIGRATE_PCPTYPES * (PCP_MAX_ORDER + 1))

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

enum zone_stat_item {
	NR_FREE_PAGES, /* pages on the buddy free lists (not per-CPU) */
	NR_ZONE_STAT_ITEMS
};

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free; /* blocks of this order, all migratetypes */
};

/* Per-CPU cache of free pages of one zone. Touched only by its own CPU,
 * with interrupts off; filled and drained in batches under zone->lock.
 * Cache-line aligned: neighbouring CPUs' counts and list heads in one
 * line cost a line transfer per operation (BENCHMARKS.md, SMP throughput: 1.2x
 * against 1.9-2.0x at 2 CPUs). */
struct per_cpu_pages {
	int count; /* pages on the lists */
	int high;  /* drain when count reaches this */
	int batch; /* pages moved per refill/drain */
	/* Drains at high since the last allocation from these lists: each
	 * such drain frees batch << free_factor pages, and an allocation
	 * halves it (pcp.c, pcp_free_count). Touched by its CPU only. */
	int free_factor;
	/* PCP_CANARY; checked by the refill and drain paths and the invariant
	 * checker (a stray write here corrupts every list after it). */
	uint32_t canary;
	struct list_head lists[NR_PCP_LISTS];
} __attribute__((aligned(64)));

#define PCP_CANARY 0x50435053u /* "PCPS" */

/* high and batch are rewritten for every CPU by mm_zone_pcp_update (pcp on
 * and off, watermark changes) while the CPUs use them: an intended race,
 * one more operation with the old value does no harm. Relaxed loads. */
static inline int pcp_high(const struct per_cpu_pages *pcp)
{
	return __atomic_load_n(&pcp->high, __ATOMIC_RELAXED);
}

static inline int pcp_batch(const struct per_cpu_pages *pcp)
{
	return __atomic_load_n(&pcp->batch, __ATOMIC_RELAXED);
}

#define ZONE_CANARY 0x5a4f4e45u /* "ZONE" */

struct zone {
	uint32_t canary;
	const char *name;
	int zone_idx;
	int node; /* the node it belongs to (zone_to_nid) */
	/* Fixed after mm_init(). */
	unsigned long zone_start_pfn;
	unsigned long spanned_pages; /* end - start, holes included */
	unsigned long present_pages; /* RAM pages in the span */
	unsigned long managed_pages; /* pages given to the buddy allocator */
	/* Set by mm_setup_per_zone_wmarks(); read locklessly. */
	unsigned long _watermark[NR_WMARK];
	/* Added to every watermark after a fallback stole a pageblock, so
	 * kswapd reclaims ahead of fragmentation; decays once balanced
	 * (watermark.c). Written under lock, read locklessly. */
	unsigned long watermark_boost;
	/* Pages kept free from requests whose highest zone is [i]. */
	long lowmem_reserve[MAX_NR_ZONES];
	/* Compaction's hints (compact_zone.c), read and written without the
	 * lock: the pfns where the next pass's free scanner resumes and its
	 * migrate scanners do (async, sync), 0 meaning
	 * the zone's ends; and whether skip hints were left by a cycle that
	 * ended, for kswapd to clear once it has balanced the node. */
	unsigned long compact_cached_free_pfn;
	unsigned long compact_cached_migrate_pfn[2];
	bool compact_blockskip_flush;
	/* Guarded by lock. */
	mm_spinlock_t lock;
	unsigned long nr_reserved_highatomic;
	struct free_area free_area[MAX_ORDER];
	/* Updated under lock, read locklessly. */
	long vm_stat[NR_ZONE_STAT_ITEMS];
	struct per_cpu_pages pcp[MM_MAX_CPUS];
};

/* Zones a request may take pages from, best first; NULL-terminated, only
 * zones with managed pages. A request skips the zones above its highest
 * zone (for_each_zone_zonelist). */
#define MAX_ZONES_PER_ZONELIST (MAX_NUMNODES * MAX_NR_ZONES)
enum { ZONELIST_FALLBACK, ZONELIST_NOFALLBACK, MAX_ZONELISTS };
struct zonelist {
	struct zone *zones[MAX_ZONES_PER_ZONELIST + 1];
};

struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	/* FALLBACK: this node's zones, then every other node's by distance;
	 * NOFALLBACK: this node's only (__GFP_THISNODE). mm_build_zonelists(). */
	struct zonelist node_zonelists[MAX_ZONELISTS];
	int node_id;
	unsigned long node_start_pfn;
	unsigned long node_spanned_pages;
	unsigned long node_present_pages;
	unsigned long totalreserve_pages; /* high watermark + max reserve, summed */
};

extern struct pglist_data mm_node_data[MAX_NUMNODES];
#define NODE_DATA(nid) (&mm_node_data[(nid)])
/* Nodes the allocator set up (ids 0..mm_nr_nodes-1; some may have no
 * memory). 1 before mm_init() and without NUMA. */
extern int mm_nr_nodes;

/* The pfns node @nid owns, [*start, *end): one stretch per node (holes
 * between nodes belong to the node below); 0, 0 for none. zone.c */
void mm_node_pfn_stretch(int nid, unsigned long *start, unsigned long *end);

static inline int zone_to_nid(const struct zone *z)
{
	return z->node;
}

/* The node whose memory the running CPU should use: its own, or the
 * nearest with memory when its own has none (Linux's numa_mem_id()). */
extern uint8_t mm_cpu_mem_node[MM_MAX_CPUS];
static inline int numa_mem_id(void)
{
	return mm_cpu_mem_node[mm_cpu_id()];
}

extern int mm_min_free_kbytes;
extern int mm_watermark_scale_factor;
extern int mm_watermark_boost_factor; /* boost cap, 1/10000 of high (0: no boosting) */
extern int mm_sysctl_lowmem_reserve_ratio[MAX_NR_ZONES];

/* The zonelist a request for node @nid walks (__GFP_THISNODE: that node's
 * zones only). page_alloc.c */
const struct zonelist *mm_node_zonelist(int nid, gfp_t gfp);

/* Every zone of every node, node by node. */
static inline struct zone *next_zone(struct zone *z)
{
	if (z->zone_idx < MAX_NR_ZONES - 1)
		return z + 1;
	if (z->node + 1 < mm_nr_nodes)
		return mm_node_data[z->node + 1].node_zones;
	return NULL;
}
#define for_each_zone(z) for ((z) = mm_node_data[0].node_zones; (z); (z) = next_zone(z))

#define for_each_node_pgdat(pgdat) \
	for ((pgdat) = mm_node_data; (pgdat) < mm_node_data + mm_nr_nodes; (pgdat)++)

/* The zones of @zl a request with highest zone @hz may use, in order. */
#define for_each_zone_zonelist(z, zp, zl, hz) \
	for ((zp) = (zl)->zones; ((z) = *(zp)) != NULL; (zp)++) \
		if ((z)->zone_idx > (hz)) { \
		} else

/* The zone of each zone id (node << 2 | zone) in page->flags: a load
 * instead of address arithmetic (page_alloc.c). */
extern struct zone *mm_zone_table[PAGE_ZONEID_MASK + 1];

static inline struct zone *page_zone(const struct page *page)
{
	return mm_zone_table[page_zoneid(page)];
}

static inline bool populated_zone(const struct zone *z)
{
	return z->present_pages != 0;
}

/* The highest populated zone of node @nid (where a request for any zone
 * lands first), or NULL for a node without memory. */
static inline struct zone *node_top_zone(int nid)
{
	struct zone *top = NULL;

	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		if (populated_zone(&NODE_DATA(nid)->node_zones[zi]))
			top = &NODE_DATA(nid)->node_zones[zi];
	return top;
}

static inline bool zone_spans_pfn(const struct zone *z, unsigned long pfn)
{
	return pfn >= z->zone_start_pfn && pfn < z->zone_start_pfn + z->spanned_pages;
}

static inline unsigned long zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

/* Watermarks with the boost (Linux's wmark_pages()) - except min: Linux
 * already ignores the boost at min for __GFP_HIGH ("the min watermark is
 * the point where boosting is ignored"); we do so for every request, so a
 * boost makes kswapd reclaim earlier but never pushes an allocation into
 * direct reclaim. */
static inline unsigned long wmark_pages(const struct zone *z, enum zone_watermarks i)
{
	return z->_watermark[i] +
	       (i == WMARK_MIN ? 0 : __atomic_load_n(&z->watermark_boost, __ATOMIC_RELAXED));
}
static inline unsigned long min_wmark_pages(const struct zone *z)
{
	return wmark_pages(z, WMARK_MIN);
}
static inline unsigned long low_wmark_pages(const struct zone *z)
{
	return wmark_pages(z, WMARK_LOW);
}
static inline unsigned long high_wmark_pages(const struct zone *z)
{
	return wmark_pages(z, WMARK_HIGH);
}

static inline long zone_page_state(const struct zone *z, enum zone_stat_item i)
{
	long v = __atomic_load_n(&z->vm_stat[i], __ATOMIC_RELAXED);

	return v < 0 ? 0 : v;
}

/* mm_init_per_zone_wmark_min: recompute min_free_kbytes from the managed
 * pages, then everything below. mm_setup_per_zone_wmarks: watermarks and
 * per-CPU high/batch from min_free_kbytes and watermark_scale_factor (call
 * after setting them by hand). mm_setup_per_zone_lowmem_reserve: from
 * sysctl_lowmem_reserve_ratio. (watermark.c) */
void mm_init_per_zone_wmark_min(void);
void mm_setup_per_zone_wmarks(void);
void mm_setup_per_zone_lowmem_reserve(void);
/* Linux's rule: is there room for an order-@order request whose highest
 * usable zone is @highest_zoneidx in @z, above watermark @mark? */
bool mm_zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
		       unsigned int alloc_flags);

/* Give every per-CPU page of the running CPU (of all CPUs) back to the
 * buddy lists (pcp.c). Context: any. */
void drain_local_pages(struct zone *zone);
void drain_all_pages(struct zone *zone); /* zone NULL: every zone */

/* Pageblock migratetype of @pfn's pageblock (buddy.c). */
int mm_get_pageblock_migratetype(unsigned long pfn);

#endif /* MM_ZONE_H */
