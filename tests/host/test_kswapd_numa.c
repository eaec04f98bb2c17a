/*
 * tests/host/test_kswapd_numa.c - one kswapd per node on a two-node fake
 * machine (RAM [16 MiB, 80 MiB) cut at 48 MiB: one DMA32 zone per node):
 * page-cache pressure on a node wakes that node's kswapd only, which
 * reclaims that node's pages back to high while the other node's cache
 * stays; a wake for one node leaves the other alone even when it is short
 * too; failures, statistics and the trace lines are per node. kswapd runs
 * synchronously (mm_kswapd_balance()), as in test_slowpath.c.
 */
#include <string.h>

#include "test_reclaim_util.h"
#include "mm/compaction.h"
#include "mm/internal.h"
#include "mm/kswapd.h"
#include "mm/oom.h"

#define RAM_START (16 * MiB)
#define NODE_SPLIT (48 * MiB)
#define RAM_END (80 * MiB)
#define FILE_PAGES 8192

/* Two nodes, CPU 0 (the host's only CPU) on node @cpu_node, so that its
 * local allocations go there first. Reclaim, kswapd, compaction and OOM
 * state reset. */
static int two_node_boot(int cpu_node)
{
	struct memmap empty = { 0 };

	mm_numa_reset();
	if (mm_numa_add_memblk(0, 0, NODE_SPLIT) || mm_numa_add_memblk(1, NODE_SPLIT, RAM_END) ||
	    mm_numa_set_cpu_node(0, cpu_node) || mm_numa_finalize(RAM_END) != 2)
		return -1;
	if (host_ram_init(RAM_END))
		return -1;
	mm_memblock_init_from_memmap(&empty);
	mm_memblock_add(RAM_START, RAM_END - RAM_START);
	if (mm_init() || mm_nr_nodes != 2)
		return -1;
	mm_reclaim_init();
	mm_vm_events_reset();
	mm_kswapd_reset();
	mm_compaction_reset();
	mm_oom_reset();
	*mm_current_flags() = 0;
	/* No watermark boosts: a pageblock stolen for the page cache's radix
	 * nodes would wake kswapd above low, and these tests are about
	 * pressure (test_slowpath.c covers boosts). */
	mm_watermark_boost_factor = 0;
	return 0;
}

static struct zone *node_dma32(int nid)
{
	return &NODE_DATA(nid)->node_zones[ZONE_DMA32];
}

static long free_of(struct zone *z)
{
	return zone_page_state(z, NR_FREE_PAGES);
}

/* Take node @nid's free memory down to its min watermark without waking
 * anyone (no reclaim flags; movable, so no pageblock is stolen and no
 * boost raised). */
static void hold_node(struct held_set *s, int nid)
{
	const gfp_t gfp = __GFP_MOVABLE | __GFP_THISNODE | __GFP_NOWARN;
	size_t before;
	struct page *p;

	/* Again after each drain: the per-CPU lists keep up to a batch that
	 * the watermark check no longer lets through. */
	do {
		before = s->n;
		drain_all_pages(NULL);
		for (int o = MAX_ORDER - 1; o >= 0; o--)
			while ((p = alloc_pages_node(nid, gfp, (unsigned int)o)) != NULL)
				held_push(s, p, (unsigned int)o);
	} while (s->n != before);
	drain_all_pages(NULL);
}

/* Cached pages of @f on node @nid. */
static unsigned long cached_on(struct address_space *f, int nid)
{
	unsigned long n = 0;

	for (uint64_t i = 0; i < f->nr_pages; i++) {
		struct page *p = mm_find_get_page(f, i);

		if (p) {
			n += page_to_nid(p) == nid;
			mm_filemap_put_page(p);
		}
	}
	return n;
}

/* Write pages of @f from index *@next on until @z is below its low
 * watermark or the file is full; returns false on a write error. */
static bool write_until_below_low(struct address_space *f, uint64_t *next, struct zone *z)
{
	while (free_of(z) >= (long)low_wmark_pages(z) && *next < f->nr_pages)
		if (write_version(f, (*next)++, 1))
			return false;
	return free_of(z) < (long)low_wmark_pages(z);
}

static unsigned long reread_bad(struct address_space *f, uint64_t n)
{
	unsigned long bad = 0;

	for (uint64_t i = 0; i < n; i++)
		bad += read_check(f, i, 1) != 0;
	return bad;
}

static void node_stats(int nid, struct kswapd_stats *st)
{
	memset(st, 0xa5, sizeof(*st));
	KT_EXPECT_EQ(mm_kswapd_get_node_stats(nid, st), 0);
}

HTEST(cache_pressure_on_node1_wakes_and_reclaims_node1_only)
{
	struct block_device bd;
	struct address_space a, b;
	struct held_set hold = { 0 };
	struct kswapd_stats s0, s1, all;
	struct zone *z0, *z1;
	uint64_t na = 0;
	long free0;

	KT_ASSERT_EQ(two_node_boot(1), 0);
	z0 = node_dma32(0);
	z1 = node_dma32(1);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 2 * FILE_PAGES), 0);
	/* b: 1024 clean cache pages on node 0 (node 1, local, held at min). */
	KT_ASSERT_EQ(mm_filemap_init(&b, 2, &bd, FILE_PAGES, 1024, 0), 0);
	hold_node(&hold, 1);
	for (uint64_t i = 0; i < 1024; i++)
		KT_ASSERT_EQ(write_version(&b, i, 1), 0);
	mm_filemap_sync(&b);
	held_free_all(&hold);
	KT_ASSERT_EQ(cached_on(&b, 0), 1024);
	KT_EXPECT(free_of(z0) > (long)high_wmark_pages(z0)); /* node 0 needs nothing */
	mm_kswapd_stats_reset();

	/* a: a writer on node 1 keeping its cache there (__GFP_THISNODE):
	 * write until the allocator asks node 1's kswapd for help. */
	KT_ASSERT_EQ(mm_filemap_init(&a, 1, &bd, 0, FILE_PAGES, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE),
		     0);
	for (node_stats(1, &s1); !s1.requests && na < FILE_PAGES; node_stats(1, &s1))
		KT_ASSERT_EQ(write_version(&a, na++, 1), 0);
	KT_ASSERT(s1.requests > 0);
	KT_EXPECT(free_of(z1) < (long)low_wmark_pages(z1));
	node_stats(0, &s0);
	KT_EXPECT_EQ(s0.requests, 0);
	KT_EXPECT_EQ(cached_on(&a, 0), 0);
	KT_EXPECT_EQ(cached_on(&a, 1), na);
	free0 = free_of(z0);

	KT_EXPECT(mm_kswapd_balance());
	ktest_diag("node 1: %lu cache pages written, free %ld (min %lu low %lu high %lu), %lu left cached; node 0 free %ld",
		   (unsigned long)na, free_of(z1), min_wmark_pages(z1), low_wmark_pages(z1),
		   high_wmark_pages(z1), cached_on(&a, 1), free_of(z0));
	KT_EXPECT(free_of(z1) >= (long)high_wmark_pages(z1));
	KT_EXPECT(mm_zone_balanced(z1, 0, ZONE_DMA32));
	KT_EXPECT(cached_on(&a, 1) < na);
	KT_EXPECT(mm_global_reclaim_event(PGSTEAL_KSWAPD) > 0);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSCAN_DIRECT), 0);
	/* node 0: not woken, not reclaimed */
	KT_EXPECT_EQ(cached_on(&b, 0), 1024);
	KT_EXPECT_EQ(free_of(z0), free0);
	node_stats(0, &s0);
	node_stats(1, &s1);
	KT_EXPECT_EQ(s0.requests, 0);
	KT_EXPECT_EQ(s0.rounds, 0);
	KT_EXPECT_EQ(s0.lowest_free[ZONE_DMA32], -1);
	KT_EXPECT(s1.rounds > 0);
	KT_EXPECT(s1.lowest_free[ZONE_DMA32] >= 0);
	KT_EXPECT(s1.lowest_free[ZONE_DMA32] <= (long)low_wmark_pages(z1));
	KT_EXPECT_EQ(s1.failures, 0);
	/* the sum is node 1's */
	mm_kswapd_get_stats(&all);
	KT_EXPECT_EQ(all.requests, s1.requests);
	KT_EXPECT_EQ(all.rounds, s1.rounds);
	KT_EXPECT_EQ(all.lowest_free[ZONE_DMA32], s1.lowest_free[ZONE_DMA32]);
	KT_EXPECT(!mm_kswapd_balance()); /* nothing pending on any node */
	KT_EXPECT_EQ(reread_bad(&a, na), 0);
	KT_EXPECT_EQ(reread_bad(&b, 1024), 0);
	mm_filemap_evict(&a, true);
	mm_filemap_evict(&b, true);
	mm_filemap_drain_node_pool();
	ramdisk_host_destroy(&bd);
	EXPECT_MM_CLEAN();
}

HTEST(a_wake_for_node0_leaves_node1_alone_though_it_is_short_too)
{
	struct block_device bd;
	struct address_space a0, a1;
	struct held_set hold = { 0 };
	struct kswapd_stats s0, s1, all;
	struct zone *z0, *z1;
	/* no __GFP_KSWAPD_RECLAIM: filling wakes nobody */
	const gfp_t quiet = __GFP_MOVABLE | __GFP_IO | __GFP_FS;
	uint64_t n0 = 0, n1 = 0;
	unsigned long c0, c1;
	long free1;

	KT_ASSERT_EQ(two_node_boot(0), 0);
	z0 = node_dma32(0);
	z1 = node_dma32(1);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 2 * FILE_PAGES), 0);
	KT_ASSERT_EQ(mm_filemap_init(&a0, 10, &bd, 0, FILE_PAGES, quiet), 0);
	KT_ASSERT_EQ(mm_filemap_init(&a1, 11, &bd, FILE_PAGES, FILE_PAGES, quiet), 0);
	/* node 1 below low with cache (node 0, local, held meanwhile), then
	 * node 0 below low with cache */
	hold_node(&hold, 0);
	KT_ASSERT(write_until_below_low(&a1, &n1, z1));
	held_free_all(&hold);
	KT_ASSERT(write_until_below_low(&a0, &n0, z0));
	mm_filemap_sync(&a0);
	mm_filemap_sync(&a1);
	c0 = cached_on(&a0, 0);
	c1 = cached_on(&a1, 1);
	KT_EXPECT_EQ(c0, n0);
	KT_EXPECT_EQ(c1, n1);
	KT_EXPECT(free_of(z1) < (long)low_wmark_pages(z1));
	mm_kswapd_get_stats(&all);
	KT_EXPECT_EQ(all.requests, 0);
	KT_EXPECT(!mm_kswapd_balance());

	/* node 0's kswapd alone */
	mm_wakeup_kswapd(z0, GFP_KERNEL, 0, ZONE_DMA32);
	node_stats(0, &s0);
	node_stats(1, &s1);
	KT_EXPECT_EQ(s0.requests, 1);
	KT_EXPECT_EQ(s1.requests, 0);
	free1 = free_of(z1);
	KT_EXPECT(mm_kswapd_balance());
	KT_EXPECT(free_of(z0) >= (long)high_wmark_pages(z0));
	KT_EXPECT(cached_on(&a0, 0) < c0);
	KT_EXPECT_EQ(free_of(z1), free1);
	KT_EXPECT_EQ(cached_on(&a1, 1), c1);
	node_stats(1, &s1);
	KT_EXPECT_EQ(s1.rounds, 0);
	KT_EXPECT(!mm_kswapd_balance());
	c0 = cached_on(&a0, 0);

	/* then node 1's, leaving node 0's cache */
	mm_wakeup_kswapd(z1, GFP_KERNEL, 0, ZONE_DMA32);
	KT_EXPECT(mm_kswapd_balance());
	KT_EXPECT(free_of(z1) >= (long)high_wmark_pages(z1));
	KT_EXPECT(cached_on(&a1, 1) < c1);
	KT_EXPECT_EQ(cached_on(&a0, 0), c0);
	node_stats(0, &s0);
	node_stats(1, &s1);
	KT_EXPECT(s0.rounds > 0 && s1.rounds > 0);
	mm_kswapd_get_stats(&all);
	KT_EXPECT_EQ(all.requests, 2);
	KT_EXPECT_EQ(all.rounds, s0.rounds + s1.rounds);
	KT_EXPECT_EQ(all.busy_ns, s0.busy_ns + s1.busy_ns);
	KT_EXPECT_EQ(reread_bad(&a0, n0), 0);
	KT_EXPECT_EQ(reread_bad(&a1, n1), 0);
	mm_filemap_evict(&a0, true);
	mm_filemap_evict(&a1, true);
	mm_filemap_drain_node_pool();
	ramdisk_host_destroy(&bd);
	EXPECT_MM_CLEAN();
}

HTEST(a_hopeless_node_gives_up_alone_and_direct_reclaim_revives_it)
{
	struct block_device bd;
	struct address_space a1;
	struct held_set hold = { 0 };
	struct kswapd_stats s0, s1;
	struct zone *z0, *z1;
	struct page **pins;
	uint64_t n1 = 0;
	unsigned long np = 0;
	int served = 0;

	KT_ASSERT_EQ(two_node_boot(0), 0);
	z0 = node_dma32(0);
	z1 = node_dma32(1);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, FILE_PAGES), 0);
	KT_ASSERT_EQ(mm_filemap_init(&a1, 20, &bd, 0, FILE_PAGES, __GFP_MOVABLE | __GFP_IO | __GFP_FS),
		     0);
	/* node 1: cache below low, every page pinned, the rest held */
	hold_node(&hold, 0);
	KT_ASSERT(write_until_below_low(&a1, &n1, z1));
	mm_filemap_sync(&a1);
	pins = calloc(n1 + 1, sizeof(*pins));
	KT_ASSERT(pins != NULL);
	for (uint64_t i = 0; i < n1; i++)
		if ((pins[np] = mm_find_get_page(&a1, i)) != NULL)
			np++;
	hold_node(&hold, 1);
	for (int k = 0; k < 40; k++) {
		mm_wakeup_kswapd(z1, GFP_KERNEL, 0, ZONE_DMA32);
		served += mm_kswapd_balance();
	}
	node_stats(0, &s0);
	node_stats(1, &s1);
	KT_EXPECT_EQ(served, MAX_RECLAIM_RETRIES);
	KT_EXPECT_EQ(s1.failures, MAX_RECLAIM_RETRIES);
	KT_EXPECT_EQ(s0.failures, 0);
	KT_EXPECT_EQ(s0.rounds, 0);
	/* node 0 (nothing reclaimable there: balanced for kswapd) refuses;
	 * node 1 refuses as hopeless */
	mm_wakeup_kswapd(z0, GFP_KERNEL, 0, ZONE_DMA32);
	mm_wakeup_kswapd(z1, GFP_KERNEL, 0, ZONE_DMA32);
	KT_EXPECT(!mm_kswapd_balance());
	/* unpinned, the cache is reclaimable again: an allocation's direct
	 * reclaim makes progress and revives node 1's kswapd */
	for (unsigned long i = 0; i < np; i++)
		mm_filemap_put_page(pins[i]);
	struct page *p = alloc_page(GFP_KERNEL | __GFP_NOWARN);
	KT_EXPECT(p != NULL);
	KT_EXPECT(mm_global_reclaim_event(PGSTEAL_DIRECT) > 0);
	node_stats(1, &s1);
	KT_EXPECT_EQ(s1.failures, 0);
	if (p)
		__free_page(p);
	mm_wakeup_kswapd(z1, GFP_KERNEL, 0, ZONE_DMA32);
	KT_EXPECT(mm_kswapd_balance());
	KT_EXPECT(free_of(z1) >= (long)high_wmark_pages(z1));
	free(pins);
	held_free_all(&hold);
	mm_filemap_evict(&a1, true);
	mm_filemap_drain_node_pool();
	ramdisk_host_destroy(&bd);
	EXPECT_MM_CLEAN();
}

HTEST(node_stats_refuse_bad_nodes_and_trace_names_each_nodes_zones)
{
	struct kswapd_stats st;
	const char *out;

	KT_ASSERT_EQ(two_node_boot(0), 0);
	KT_EXPECT_EQ(mm_kswapd_get_node_stats(2, &st), -1);
	KT_EXPECT_EQ(mm_kswapd_get_node_stats(-1, &st), -1);
	KT_EXPECT_EQ(mm_kswapd_get_node_stats(0, NULL), -1);
	KT_EXPECT_EQ(mm_kswapd_get_node_stats(1, &st), 0);
	KT_EXPECT_EQ(st.state, KSWAPD_OFF); /* no thread on the host */
	host_capture_start();
	mm_kswapd_trace_sample(7);
	out = host_capture_stop();
	KT_EXPECT(strstr(out, "trace,7,N0:DMA32,") != NULL);
	KT_EXPECT(strstr(out, "trace,7,N1:DMA32,") != NULL);
	KT_EXPECT(strstr(out, ",off\n") != NULL);

	/* one node: names as before NUMA, node 1 does not exist */
	KT_ASSERT_EQ(reclaim_boot(32), 0);
	mm_kswapd_reset();
	KT_EXPECT_EQ(mm_kswapd_get_node_stats(0, &st), 0);
	KT_EXPECT_EQ(mm_kswapd_get_node_stats(1, &st), -1);
	host_capture_start();
	mm_kswapd_trace_sample(8);
	out = host_capture_stop();
	KT_EXPECT(strstr(out, "trace,8,DMA32,") != NULL);
	KT_EXPECT(strstr(out, "N0:") == NULL);
}

HTEST_MAIN("kswapd_numa")
