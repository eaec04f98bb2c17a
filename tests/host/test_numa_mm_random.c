/*
 * tests/host/test_numa_mm_random.c - random mixed workloads on NUMA
 * layouts (three nodes; four with a memoryless one; interleaved node spans
 * folded into one node): alloc_pages and alloc_pages_node on random nodes
 * with random orders and gfp flags incl. __GFP_THISNODE, the invariant
 * checker after every step and all memory back at the end.
 */
#include "test_numa_mm_util.h"

/* ---- the workload ---- */

static const gfp_t mix_gfps[] = {
	GFP_KERNEL,
	GFP_ATOMIC,
	GFP_NOWAIT,
	GFP_DMA,
	GFP_DMA32,
	GFP_HIGHUSER_MOVABLE,
	GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_KERNEL | __GFP_ZERO,
	GFP_KERNEL | __GFP_COMP,
	GFP_KERNEL | __GFP_THISNODE,
	GFP_KERNEL | __GFP_THISNODE | __GFP_NORETRY,
	GFP_NOWAIT | __GFP_THISNODE,
	GFP_HIGHUSER_MOVABLE | __GFP_THISNODE,
	GFP_KERNEL | __GFP_HIGH,
};

static unsigned int rnd_order(void)
{
	int r = rand() % 100;

	if (r < 55)
		return 0;
	if (r < 80)
		return (unsigned int)(1 + rand() % 3);
	return (unsigned int)(rand() % MAX_ORDER);
}

/* The first 8 bytes of each page of a held block: who holds it. */
static uint64_t tag_of(unsigned long pfn)
{
	return 0x4e554d4100000000ull ^ pfn;
}

/* Could node @nid serve @gfp/@order from one of its own zones with room
 * to spare (above high)? Then the request must stay on @nid. */
static bool local_zone_above_high(int nid, gfp_t gfp, unsigned int order)
{
	int hz = gfp_zone(gfp);

	for (int zi = 0; zi <= hz; zi++) {
		struct zone *z = &NODE_DATA(nid)->node_zones[zi];

		if (z->managed_pages && mm_zone_watermark_ok(z, order, high_wmark_pages(z), hz, 0))
			return true;
	}
	return false;
}

/*
 * @steps random operations: allocate (alloc_pages, or alloc_pages_node
 * on a random node or NUMA_NO_NODE, random order and gfp), free a random
 * held block, or drain; the full invariant checker after every step; all
 * memory back at the end. @owner_of gives the node owning a pfn.
 */
static void random_workload(unsigned int seed, int steps, int (*owner_of)(unsigned long pfn))
{
	struct held_set s = { 0 };
	unsigned char *owned = calloc(mm_max_pfn, 1);
	int fails = 0;

	KT_ASSERT(owned != NULL);
	mm_buddyinfo_snapshot(snap_before);
	unsigned long free0 = nr_free_pages();
	srand(seed);
	for (int step = 0; step < steps && fails < 5; step++) {
		int action = rand() % 10;

		if (action < 5 || s.n == 0) {
			gfp_t gfp =
				mix_gfps[rand() % (int)(sizeof(mix_gfps) / sizeof(mix_gfps[0]))] |
				__GFP_NOWARN;
			unsigned int order = rnd_order();
			int nid = rand() % (mm_nr_nodes + 1) - 1; /* -1: NUMA_NO_NODE */
			bool plain = rand() % 3 == 0;
			int want = plain || nid == NUMA_NO_NODE ? numa_mem_id() : nid;
			bool local_ok = local_zone_above_high(want, gfp, order);
			struct page *p = plain ? alloc_pages(gfp, order)
					       : alloc_pages_node(nid, gfp, order);

			if (!p)
				goto check;
			unsigned long pfn = page_to_pfn(p);
			int zi = gfp_zone(gfp);

			if ((int)page_zonenum(p) > zi || (pfn & ((1UL << order) - 1)) ||
			    page_to_nid(p) != owner_of(pfn) ||
			    (page_to_nid(p) != want && ((gfp & __GFP_THISNODE) || local_ok))) {
				ktest_fail(__FILE__, __LINE__,
					   "step %d: %s(%d, 0x%x, %u) gave pfn 0x%lx node %d zone %u",
					   step, plain ? "alloc_pages" : "alloc_pages_node", nid,
					   gfp, order, pfn, page_to_nid(p), page_zonenum(p));
				fails++;
			}
			for (unsigned long k = 0; k < (1UL << order); k++) {
				if (owned[pfn + k]) {
					ktest_fail(__FILE__, __LINE__,
						   "step %d: pfn 0x%lx handed out twice", step,
						   pfn + k);
					fails++;
					break;
				}
				owned[pfn + k] = 1;
			}
			if (gfp & __GFP_ZERO) {
				const uint64_t *w = page_address(p);

				for (unsigned long k = 0; k < (MM_PAGE_SIZE << order) / 8; k++)
					if (w[k]) {
						ktest_fail(__FILE__, __LINE__,
							   "step %d: __GFP_ZERO block not zero",
							   step);
						fails++;
						break;
					}
			}
			for (unsigned long k = 0; k < (1UL << order); k++)
				*(uint64_t *)page_address(p + k) = tag_of(pfn + k);
			held_push(&s, p, order);
		} else if (action < 9) {
			size_t i = (size_t)rand() % s.n;
			struct held h = s.v[i];
			unsigned long pfn = page_to_pfn(h.page);

			s.v[i] = s.v[--s.n];
			for (unsigned long k = 0; k < (1UL << h.order); k++) {
				if (*(uint64_t *)page_address(h.page + k) != tag_of(pfn + k)) {
					ktest_fail(__FILE__, __LINE__,
						   "step %d: held pfn 0x%lx was overwritten", step,
						   pfn + k);
					fails++;
				}
				owned[pfn + k] = 0;
			}
			__free_pages(h.page, h.order);
		} else {
			drain_all_pages(NULL);
		}
	check:;
		int problems = mm_check_invariants();
		if (problems) {
			ktest_fail(__FILE__, __LINE__, "seed %u step %d: %d invariant problems",
				   seed, step, problems);
			fails++;
		}
	}
	KT_EXPECT_EQ(mm_global_vm_event(BAD_PAGES), 0);
	KT_EXPECT_EQ(mm_global_vm_event(POISON_ERRORS), 0);
	held_free_all(&s);
	drain_all_pages(NULL);
	free(owned);
	mm_buddyinfo_snapshot(snap_after);
	KT_EXPECT(buddyinfo_equal(snap_before, snap_after));
	KT_EXPECT_EQ(nr_free_pages(), free0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

/* ---- interleaved spans ---- */

static int owner_node0(unsigned long pfn)
{
	(void)pfn;
	return 0;
}

HTEST(interleaved_node_spans_fold_into_one_node_that_works)
{
	unsigned long spanned[MAX_NR_ZONES], present[MAX_NR_ZONES], managed[MAX_NR_ZONES];

	defaults();
	mm_watermark_boost_factor = 0;
	KT_ASSERT_EQ(boot_qemu_layout(768 * MiB, 6 * MiB), 0);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		spanned[zi] = zone_of(zi)->spanned_pages;
		present[zi] = zone_of(zi)->present_pages;
		managed[zi] = zone_of(zi)->managed_pages;
	}

	mm_numa_reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 256 * MiB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(1, 256 * MiB, 512 * MiB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 512 * MiB, 768 * MiB), 0);
	KT_ASSERT_EQ(mm_numa_set_cpu_node(0, 1), 0);
	KT_ASSERT_EQ(mm_numa_set_cpu_node(1, 0), 0);
	host_capture_start();
	int rc = boot_registered(768 * MiB, 6 * MiB, 2);
	const char *out = host_capture_stop();
	KT_ASSERT_EQ(rc, 0);
	KT_EXPECT(has(out, "mm: nodes 0 [pfn 0x0-0x30000) and 1 [pfn 0x10000-0x20000) interleave: "
			   "one memory node\n"));
	KT_ASSERT_EQ(mm_nr_nodes, 1);
	KT_EXPECT_EQ(numa_mem_id(), 0);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		KT_EXPECT_EQ(zone_of(zi)->spanned_pages, spanned[zi]);
		KT_EXPECT_EQ(zone_of(zi)->present_pages, present[zi]);
		KT_EXPECT_EQ(zone_of(zi)->managed_pages, managed[zi]);
	}
	int bad = 0;
	for (unsigned long pfn = 0; pfn < mm_max_pfn && bad < 5; pfn++)
		if (page_to_nid(pfn_to_page(pfn)) != 0) {
			ktest_fail(__FILE__, __LINE__, "pfn 0x%lx on node %d", pfn,
				   page_to_nid(pfn_to_page(pfn)));
			bad++;
		}
	KT_EXPECT(mm_node_zonelist(0, GFP_KERNEL)->zones[0] == zone_of(ZONE_DMA32));
	/* The firmware's node 1 is still online: its id means the one node. */
	struct page *p1 = alloc_pages_node(1, GFP_KERNEL, 0);

	KT_EXPECT(p1 != NULL);
	if (p1) {
		KT_EXPECT_EQ(page_to_nid(p1), 0);
		__free_pages(p1, 0);
	}
	drain_all_pages(NULL); /* the workload below counts free pages from here */
	KT_EXPECT(alloc_pages_node(5, GFP_KERNEL | __GFP_NOWARN, 0) == NULL);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	host_capture_start();
	mm_print_buddyinfo();
	out = host_capture_stop();
	KT_EXPECT(has(out, "Node 0, zone    DMA32"));
	KT_EXPECT(strstr(out, "Node 1") == NULL);
	random_workload(6, 1500, owner_node0);
}

/* ---- several nodes ---- */

static unsigned long rnd_bounds[4];
static int rnd_nbounds;

static int owner_by_bounds(unsigned long pfn)
{
	int nid = 0;

	while (nid < rnd_nbounds && pfn >= rnd_bounds[nid])
		nid++;
	return nid;
}

/* 128M cut at 37M and 81M (neither 4M aligned), SLIT of slit3. With
 * poisoning off, freed pages are fit for the order-0 fast path again,
 * which then serves most requests. */
static void random_three_nodes(unsigned int seed, bool poison)
{
	const uint64_t split[2] = { 37 * MiB, 81 * MiB };

	defaults();
	mm_debug_poison = poison;
	mm_watermark_boost_factor = 0;
	KT_ASSERT_EQ(boot_three_nodes(128 * MiB, split), 0);
	rnd_nbounds = 2;
	rnd_bounds[0] = (unsigned long)(split[0] >> 12);
	rnd_bounds[1] = (unsigned long)(split[1] >> 12);
	random_workload(seed, 4000, owner_by_bounds);
	KT_EXPECT_EQ(blocks_straddling(rnd_bounds[0]), 0);
	KT_EXPECT_EQ(blocks_straddling(rnd_bounds[1]), 0);
}

HTEST(random_workload_three_nodes_keeps_every_invariant)
{
	random_three_nodes(7, true);
}

HTEST(random_workload_three_nodes_fast_path_keeps_every_invariant)
{
	random_three_nodes(17, false);
}

/* Nodes 0, 1 and 3 in pfn order (node 2 has no memory). */
static int owner_by_bounds_skip2(unsigned long pfn)
{
	int nid = owner_by_bounds(pfn);

	return nid == 2 ? 3 : nid;
}

HTEST(random_workload_four_nodes_one_memoryless_keeps_every_invariant)
{
	/* 96M: nodes 0, 1, 3 with memory (cut at 21M and 59M), node 2 has
	 * only CPU 0; node 3 is nearest to it. */
	static const uint8_t d[4][4] = {
		{ 10, 20, 30, 25 },
		{ 20, 10, 22, 30 },
		{ 30, 22, 10, 12 },
		{ 25, 30, 12, 10 },
	};

	defaults();
	mm_watermark_boost_factor = 0;
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 21 * MiB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(1, 21 * MiB, 59 * MiB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(3, 59 * MiB, 96 * MiB), 0);
	KT_ASSERT_EQ(mm_numa_set_cpu_node(0, 2), 0);
	set_slit(4, &d[0][0]);
	KT_ASSERT_EQ(boot_registered(96 * MiB, 1 * MiB, 4), 0);
	KT_ASSERT_EQ(mm_nr_nodes, 4);
	KT_EXPECT_EQ(numa_mem_id(), 3);
	rnd_nbounds = 2;
	rnd_bounds[0] = (unsigned long)((21 * MiB) >> 12);
	rnd_bounds[1] = (unsigned long)((59 * MiB) >> 12);
	random_workload(8, 4000, owner_by_bounds_skip2);
}

HTEST_MAIN("numa_mm_random")
