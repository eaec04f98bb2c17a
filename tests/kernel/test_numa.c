/*
 * tests/kernel/test_numa.c - self-tests of the allocator's nodes on the
 * machine actually booted: every pfn's struct page names the node the
 * firmware (SRAT) gave it, zonelists follow the SLIT's distances, each CPU
 * allocates from its own node, alloc_pages_node() serves a node locally
 * while it has memory, __GFP_THISNODE fails where a plain request falls
 * back to the nearest node. Single-node boots check the one-node case.
 */
#include <stdint.h>

#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "mm/debug.h"
#include "mm/gfp.h"
#include "mm/kswapd.h"
#include "mm/numa.h"
#include "mm/page.h"
#include "mm/zone.h"

/* The node mm/ put @pfn in: firmware's (mm/numa.h) when nodes are on. */
static int expected_nid(unsigned long pfn)
{
	return mm_nr_nodes > 1 ? mm_pfn_to_nid(pfn) : 0;
}

KTEST(numa, every_page_is_on_the_node_the_firmware_gave_it)
{
	unsigned long present = 0, node_present = 0, wrong = 0, first_wrong = 0;
	struct pglist_data *pgdat;
	struct zone *z;

	KT_EXPECT(mm_nr_nodes >= 1 && mm_nr_nodes <= MAX_NUMNODES);
	if (mm_nr_nodes > 1)
		KT_EXPECT_EQ(mm_nr_nodes, (int)mm_nr_node_ids);
	for (unsigned long pfn = 0; pfn < mm_max_pfn; pfn++) {
		if (page_to_nid(pfn_to_page(pfn)) != expected_nid(pfn) && !wrong++)
			first_wrong = pfn;
	}
	if (wrong)
		ktest_diag("%lu pages on the wrong node, first pfn 0x%lx: node %d, firmware %d",
			   wrong, first_wrong, page_to_nid(pfn_to_page(first_wrong)),
			   expected_nid(first_wrong));
	KT_EXPECT_EQ(wrong, 0);
	for_each_zone(z) {
		present += z->present_pages;
		if (!z->spanned_pages)
			continue;
		/* A zone holds only its node's pfns: both ends are the node's. */
		KT_EXPECT_EQ(expected_nid(z->zone_start_pfn), z->node);
		KT_EXPECT_EQ(expected_nid(zone_end_pfn(z) - 1), z->node);
		KT_EXPECT(page_zone(pfn_to_page(z->zone_start_pfn)) == z);
	}
	for_each_node_pgdat(pgdat) {
		node_present += pgdat->node_present_pages;
		ktest_diag("node %d: pfn 0x%lx +%lu, %lu present", pgdat->node_id,
			   pgdat->node_start_pfn, pgdat->node_spanned_pages,
			   pgdat->node_present_pages);
	}
	KT_EXPECT_EQ(node_present, present);
}

/* Own zones first, highest first; then every other node's, nearest first. */
KTEST(numa, zonelists_list_own_node_first_then_by_distance)
{
	for (int nid = 0; nid < mm_nr_nodes; nid++) {
		const struct zonelist *fb = mm_node_zonelist(nid, 0);
		const struct zonelist *own = mm_node_zonelist(nid, __GFP_THISNODE);
		int prev_node = nid, prev_dist = 0, prev_zi = MAX_NR_ZONES, n = 0;
		bool left_own = false;

		for (struct zone *const *zp = fb->zones; *zp; zp++, n++) {
			struct zone *z = *zp;
			int d = mm_node_distance(nid, z->node);

			KT_EXPECT(z->managed_pages > 0);
			if (z->node == prev_node) {
				KT_EXPECT(z->zone_idx < prev_zi);
			} else {
				KT_EXPECT(d >= prev_dist);
				left_own = true;
			}
			if (left_own)
				KT_EXPECT(z->node != nid);
			prev_node = z->node;
			prev_dist = d;
			prev_zi = z->zone_idx;
		}
		for (struct zone *const *zp = own->zones; *zp; zp++)
			KT_EXPECT_EQ((*zp)->node, nid);
		if (NODE_DATA(nid)->node_present_pages) {
			KT_ASSERT(n > 0);
			KT_EXPECT_EQ(fb->zones[0]->node, nid);
		}
	}
	/* Every zone with memory appears once in each node's FALLBACK list. */
	for (int nid = 0; nid < mm_nr_nodes; nid++) {
		struct zone *z;
		int listed = 0, managed = 0;

		for_each_zone(z)
			managed += z->managed_pages > 0;
		for (struct zone *const *zp = mm_node_zonelist(nid, 0)->zones; *zp; zp++)
			listed++;
		KT_EXPECT_EQ(listed, managed);
	}
}

/* Could node @nid serve an order-@order GFP_KERNEL request itself: one of
 * its zones above the low watermark with a block of that order free? */
static bool node_can_serve(int nid, unsigned int order)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &NODE_DATA(nid)->node_zones[zi];

		if (z->managed_pages &&
		    mm_zone_watermark_ok(z, order, low_wmark_pages(z), ZONE_NORMAL, 0))
			return true;
	}
	return false;
}

/* Node @nid's order-@order requests stay on @nid while it can serve them;
 * returns how many it could (a small node, e.g. 32M cut in four, runs out
 * of order-9 blocks: those go to the nearest node, as they should). */
static int expect_local(int nid, unsigned int order, int rounds)
{
	struct page *held[64];
	int n = rounds < 64 ? rounds : 64, local = 0;

	for (int i = 0; i < n; i++) {
		bool can = node_can_serve(nid, order);

		held[i] = alloc_pages_node(nid, GFP_KERNEL | __GFP_NOWARN, order);
		if (!held[i]) {
			n = i;
			break;
		}
		if (can) {
			KT_EXPECT_EQ(page_to_nid(held[i]), nid);
			local++;
		}
	}
	for (int i = 0; i < n; i++)
		__free_pages(held[i], order);
	return local;
}

KTEST(numa, alloc_pages_node_is_served_locally)
{
	for (int nid = 0; nid < mm_nr_nodes; nid++) {
		if (!NODE_DATA(nid)->node_present_pages)
			continue;
		/* Every node with memory serves its own order-0 requests. */
		KT_EXPECT_EQ(expect_local(nid, 0, 64), 64);
		int o3 = expect_local(nid, 3, 16), o9 = expect_local(nid, 9, 2);

		ktest_diag("node %d: served locally 64/64 order 0, %d/16 order 3, %d/2 order 9",
			   nid, o3, o9);
	}
	/* Ids that name no node are refused (an online node without memory,
	 * or one folded into another, is served by the nearest). */
	KT_EXPECT(alloc_pages_node(MAX_NUMNODES, GFP_KERNEL | __GFP_NOWARN, 0) == NULL);
	KT_EXPECT(alloc_pages_node(-2, GFP_KERNEL | __GFP_NOWARN, 0) == NULL);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

struct cpu_local {
	int nid_seen[SCHED_MAX_CPUS];
	int mem_node[SCHED_MAX_CPUS];
};
static struct cpu_local cpu_local;

static int cpu_local_fn(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;
	struct page *p = alloc_pages(GFP_KERNEL, 0);

	cpu_local.mem_node[cpu] = numa_mem_id();
	cpu_local.nid_seen[cpu] = p ? page_to_nid(p) : -1;
	if (p)
		__free_pages(p, 0);
	return 0;
}

/* alloc_pages() on each CPU comes from that CPU's node (the nearest with
 * memory for a CPU of a memoryless node). */
KTEST(numa, each_cpu_allocates_from_its_own_node)
{
	unsigned int n = sched_nr_online();
	struct thread *t[SCHED_MAX_CPUS];

	if (!sched_is_running()) {
		ktest_skip("no scheduler");
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		t[i] = thread_create_on("numa-local", cpu_local_fn, (void *)(uintptr_t)i,
					THREAD_JOINABLE, i);
		KT_ASSERT(t[i]);
	}
	for (unsigned int i = 0; i < n; i++) {
		KT_EXPECT_EQ(thread_join(t[i]), 0);
		KT_EXPECT_EQ(cpu_local.nid_seen[i], cpu_local.mem_node[i]);
		if (mm_nr_nodes > 1)
			KT_EXPECT_EQ(cpu_local.mem_node[i], mm_cpu_to_mem(i));
		else
			KT_EXPECT_EQ(cpu_local.mem_node[i], 0);
	}
}

/* Pages held in a list through page->lru (no memory needed to hold them). */
static unsigned long drain_node_thisnode(int nid, struct list_head *held, bool *foreign)
{
	unsigned long n = 0;
	struct page *p;

	while ((p = alloc_pages_node(nid,
				     GFP_KERNEL | __GFP_THISNODE | __GFP_NORETRY | __GFP_NOWARN,
				     0))) {
		if (page_to_nid(p) != nid)
			*foreign = true;
		list_add(&p->lru, held);
		n++;
	}
	return n;
}

static void free_held(struct list_head *held)
{
	while (!list_empty(held)) {
		struct page *p = list_first_entry(held, struct page, lru);

		list_del(&p->lru);
		__free_pages(p, 0);
	}
}

/*
 * Exhaust the smallest node with __GFP_THISNODE: every page comes from it
 * and the last request fails instead of falling back; then a plain request
 * for that node is served by the nearest other node with memory.
 */
KTEST(numa, thisnode_fails_where_a_plain_request_falls_back_by_distance)
{
	struct list_head held;
	bool foreign = false;
	int victim = -1, order[MAX_NUMNODES], nr, nearest = -1;
	unsigned long got;
	struct page *p;

	if (mm_nr_nodes < 2) {
		ktest_skip("one node");
		return;
	}
	for (int nid = 0; nid < mm_nr_nodes; nid++)
		if (NODE_DATA(nid)->node_present_pages &&
		    (victim < 0 ||
		     NODE_DATA(nid)->node_present_pages < NODE_DATA(victim)->node_present_pages))
			victim = nid;
	KT_ASSERT(victim >= 0);
	nr = mm_numa_node_order(victim, order);
	for (int i = 1; i < nr && nearest < 0; i++)
		if (NODE_DATA(order[i])->node_present_pages)
			nearest = order[i];
	KT_ASSERT(nearest >= 0);
	bool was_parked = mm_kswapd_parked();

	mm_kswapd_park(); /* nothing refills the node behind our back */
	INIT_LIST_HEAD(&held);
	got = drain_node_thisnode(victim, &held, &foreign);
	ktest_diag("node %d: %lu pages taken with __GFP_THISNODE; nearest node %d", victim, got,
		   nearest);
	KT_EXPECT(got > 0);
	KT_EXPECT(!foreign);
	p = alloc_pages_node(victim, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0);
	KT_EXPECT(p != NULL);
	if (p) {
		KT_EXPECT_EQ(page_to_nid(p), nearest);
		__free_pages(p, 0);
	}
	free_held(&held);
	drain_all_pages(NULL);
	if (!was_parked)
		kswapd_run();
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}
