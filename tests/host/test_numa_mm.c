/*
 * tests/host/test_numa_mm.c - host tests of the NUMA-aware page allocator:
 * per-node zone layout and printing, no buddy merging across a node
 * boundary, zonelists ordered by a SLIT, alloc_pages_node and
 * __GFP_THISNODE, per-CPU lists per node, memoryless nodes (numa_mem_id),
 * and the invariant checker's node checks. The checker runs after the
 * steps of every test; test_numa_mm_random.c has the random workloads.
 */
#include "test_numa_mm_util.h"

/* ---- 1. layout ---- */

HTEST(two_nodes_split_at_341m_own_their_pfns_and_add_up)
{
	unsigned long present[MAX_NR_ZONES], managed[MAX_NR_ZONES], free1;

	defaults();
	KT_ASSERT_EQ(boot_qemu_layout(512 * MiB, 6 * MiB), 0);
	KT_ASSERT_EQ(mm_nr_nodes, 1);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		present[zi] = zone_of(zi)->present_pages;
		managed[zi] = zone_of(zi)->managed_pages;
	}
	free1 = nr_free_pages();

	KT_ASSERT_EQ(boot_qemu_two_nodes(512 * MiB, 6 * MiB, SPLIT_341M), 0);
	KT_ASSERT_EQ(mm_nr_nodes, 2);
	struct zone *n0dma = &NODE_DATA(0)->node_zones[ZONE_DMA];
	struct zone *n0d32 = &NODE_DATA(0)->node_zones[ZONE_DMA32];
	struct zone *n1dma = &NODE_DATA(1)->node_zones[ZONE_DMA];
	struct zone *n1d32 = &NODE_DATA(1)->node_zones[ZONE_DMA32];

	/* Node 0: DMA as without NUMA, DMA32 up to the split; node 1: DMA32
	 * from the split to the end of low RAM (512M - 128K), nothing else. */
	KT_EXPECT_EQ(n0dma->zone_start_pfn, 1);
	KT_EXPECT_EQ(n0dma->spanned_pages, 4095);
	KT_EXPECT_EQ(n0dma->present_pages, 3998);
	KT_EXPECT_EQ(n0d32->zone_start_pfn, 0x1000);
	KT_EXPECT_EQ(n0d32->spanned_pages, B341 - 0x1000);
	KT_EXPECT_EQ(n0d32->present_pages, B341 - 0x1000);
	KT_EXPECT_EQ(n1dma->spanned_pages, 0);
	KT_EXPECT_EQ(n1dma->managed_pages, 0);
	KT_EXPECT_EQ(n1d32->zone_start_pfn, B341);
	KT_EXPECT_EQ(n1d32->spanned_pages, 0x1ffe0 - B341);
	KT_EXPECT_EQ(n1d32->present_pages, 0x1ffe0 - B341);
	KT_EXPECT_EQ(NODE_DATA(1)->node_start_pfn, B341);
	KT_EXPECT_EQ(NODE_DATA(1)->node_present_pages, 0x1ffe0 - B341);
	KT_EXPECT_EQ(NODE_DATA(0)->node_present_pages, 3998 + B341 - 0x1000);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		const struct zone *a = &NODE_DATA(0)->node_zones[zi];
		const struct zone *b = &NODE_DATA(1)->node_zones[zi];

		KT_EXPECT_EQ(a->node, 0);
		KT_EXPECT_EQ(b->node, 1);
		KT_EXPECT(!a->spanned_pages || zone_end_pfn(a) <= B341);
		KT_EXPECT(!b->spanned_pages || b->zone_start_pfn >= B341);
		KT_EXPECT_EQ(a->present_pages + b->present_pages, present[zi]);
		KT_EXPECT_EQ(a->managed_pages + b->managed_pages, managed[zi]);
	}
	KT_EXPECT_EQ(nr_free_pages(), free1);
	KT_EXPECT_EQ(node_free(0) + node_free(1), free1);

	/* Every struct page names the node owning its pfn, and its zone id
	 * leads back to the zone spanning it. */
	int bad = 0;
	for (unsigned long pfn = 0; pfn < mm_max_pfn && bad < 5; pfn++) {
		const struct page *p = pfn_to_page(pfn);
		int want = pfn < B341 ? 0 : 1;

		if (page_to_nid(p) != want || mm_pfn_to_nid(pfn) != want ||
		    (page_zone(p)->spanned_pages && !zone_spans_pfn(page_zone(p), pfn) &&
		     !PageReserved(p))) {
			ktest_fail(__FILE__, __LINE__,
				   "pfn 0x%lx: page_to_nid %d pfn_to_nid %d (want %d), zone %d/%s",
				   pfn, page_to_nid(p), mm_pfn_to_nid(pfn), want, page_zone(p)->node,
				   page_zone(p)->name);
			bad++;
		}
	}
	KT_EXPECT_EQ(mm_check_invariants(), 0);

	/* The snapshot the tests compare covers node 1 too, row by row. */
	mm_buddyinfo_snapshot(snap_before);
	for (int nid = 0; nid < 2; nid++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			for (int o = 0; o < MAX_ORDER; o++)
				KT_EXPECT_EQ(snap_before[nid * MAX_NR_ZONES + zi][o],
					     NODE_DATA(nid)->node_zones[zi].free_area[o].nr_free);

	/* Printing: per node, as Linux's /proc files. */
	char want[160];
	host_capture_start();
	mm_print_zone_summary();
	const char *out = host_capture_stop();
	snprintf(want, sizeof(want),
		 "Node 1, zone    DMA32: start_pfn 0x15500 spanned %lu present %lu managed %lu\n",
		 n1d32->spanned_pages, n1d32->present_pages, n1d32->managed_pages);
	KT_EXPECT(has(out, want));
	KT_EXPECT(has(out, "Node 0, zone      DMA: start_pfn 0x1 spanned 4095 present 3998"));

	host_capture_start();
	mm_print_zoneinfo();
	out = host_capture_stop();
	snprintf(want, sizeof(want), "Node 1, zone    DMA32\n  pages free     %lu\n",
		 (unsigned long)zone_page_state(n1d32, NR_FREE_PAGES));
	KT_EXPECT(has(out, want));
	snprintf(want, sizeof(want), "Node 0, zone    DMA32\n  pages free     %lu\n",
		 (unsigned long)zone_page_state(n0d32, NR_FREE_PAGES));
	KT_EXPECT(has(out, want));

	/* buddyinfo: the counts on each node's line are that zone's; node 1
	 * has no DMA line (unpopulated zones are not shown). */
	host_capture_start();
	mm_print_buddyinfo();
	out = host_capture_stop();
	KT_EXPECT(strstr(out, "Node 1, zone      DMA") == NULL);
	const struct {
		const char *prefix;
		const struct zone *z;
	} lines[] = { { "Node 0, zone      DMA ", n0dma },
		      { "Node 0, zone    DMA32 ", n0d32 },
		      { "Node 1, zone    DMA32 ", n1d32 } };
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const char *l = strstr(out, lines[i].prefix);

		KT_ASSERT(has(out, lines[i].prefix));
		l += strlen(lines[i].prefix);
		for (int o = 0; o < MAX_ORDER; o++) {
			char *end;
			unsigned long v = strtoul(l, &end, 10);

			KT_ASSERT(end != l);
			KT_EXPECT_EQ(v, lines[i].z->free_area[o].nr_free);
			l = end;
		}
	}
}

/* The checker's node checks must be able to fail, or the tests here
 * prove less than they say. */
HTEST(invariant_checker_notices_wrong_nodes_and_overlapping_zones)
{
	defaults();
	KT_ASSERT_EQ(boot_qemu_two_nodes(512 * MiB, 6 * MiB, SPLIT_341M), 0);
	KT_ASSERT_EQ(mm_check_invariants(), 0);
	struct zone *n0d32 = &NODE_DATA(0)->node_zones[ZONE_DMA32];
	struct page *p = pfn_to_page(B341 + 5);
	const char *out;
	int n;

	/* 1: a page of node 1 that says node 0 */
	uint32_t saved = p->flags;
	p->flags &= ~((uint32_t)PAGE_NODE_MASK << PAGE_NODE_SHIFT);
	host_capture_start();
	n = mm_check_invariants();
	out = host_capture_stop();
	KT_EXPECT(n > 0);
	KT_EXPECT(
		has(out,
		    "node 1 DMA32: pfn 0x15505 inside free block 0x15500 has node 0 zone index 1"));
	p->flags = saved;
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	/* ...and a block head that does */
	p = pfn_to_page(B341);
	saved = p->flags;
	p->flags &= ~((uint32_t)PAGE_NODE_MASK << PAGE_NODE_SHIFT);
	host_capture_start();
	n = mm_check_invariants();
	out = host_capture_stop();
	KT_EXPECT(n > 0);
	KT_EXPECT(has(out, "pfn 0x15500 in node 1 zone DMA32 has node 0 zone index 1"));
	p->flags = saved;
	KT_EXPECT_EQ(mm_check_invariants(), 0);

	/* 2: node 0's DMA32 reaching one page into node 1 */
	n0d32->spanned_pages++;
	host_capture_start();
	n = mm_check_invariants();
	out = host_capture_stop();
	KT_EXPECT(n > 0);
	KT_EXPECT(has(out, "node 0 DMA32 [pfn 0x1000-0x15501) overlaps node 1 DMA32"));
	n0d32->spanned_pages--;

	/* 3: a zone that forgot its node */
	NODE_DATA(1)->node_zones[ZONE_DMA32].node = 0;
	host_capture_start();
	n = mm_check_invariants();
	out = host_capture_stop();
	KT_EXPECT(n > 0);
	KT_EXPECT(has(out, "zone DMA32: node field 0 does not match its pglist_data"));
	NODE_DATA(1)->node_zones[ZONE_DMA32].node = 1;
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

/* ---- 2. no merging across the node boundary ---- */

HTEST(buddies_never_merge_across_the_node_boundary)
{
	struct held_set s = { 0 };
	unsigned char *owned;

	defaults();
	KT_ASSERT_EQ(boot_qemu_two_nodes(512 * MiB, 6 * MiB, SPLIT_341M), 0);
	mm_buddyinfo_snapshot(snap_before);
	unsigned long free0 = nr_free_pages();
	KT_EXPECT_EQ(blocks_straddling(B341), 0);
	/* The boundary's own buddy pair is free on both sides, unmerged:
	 * 0x15400 and 0x15500 are order-8 buddies of one order-9 block. */
	KT_EXPECT(is_free_block(B341 - 0x100, 8));
	KT_EXPECT(is_free_block(B341, 8));

	/* Take every page, node by node, reserves included. */
	owned = calloc(mm_max_pfn, 1);
	KT_ASSERT(owned != NULL);
	for (int nid = 0; nid < 2; nid++) {
		const gfp_t passes[] = { GFP_KERNEL | __GFP_THISNODE | __GFP_NORETRY,
					 GFP_KERNEL | __GFP_THISNODE | __GFP_MEMALLOC };
		for (int i = 0; i < 2; i++) {
			struct page *p;

			while ((p = alloc_pages_node(nid, passes[i] | __GFP_NOWARN, 0))) {
				KT_ASSERT_EQ(page_to_nid(p), nid);
				owned[page_to_pfn(p)] = 1;
				held_push(&s, p, 0);
			}
		}
	}
	KT_EXPECT_EQ(nr_free_pages(), 0);
	KT_EXPECT_EQ(node_free(0) + node_free(1), 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);

	/* Give back the 2048 pages around the boundary in random order: after
	 * each free no block may cross it, whatever the per-CPU lists hold. */
	unsigned long win[2048];
	size_t nwin = 0;
	for (unsigned long pfn = B341 - 1024; pfn < B341 + 1024; pfn++) {
		KT_ASSERT(owned[pfn]);
		win[nwin++] = pfn;
	}
	srand(341);
	for (size_t i = nwin - 1; i > 0; i--) {
		size_t j = (size_t)rand() % (i + 1);
		unsigned long t = win[i];

		win[i] = win[j];
		win[j] = t;
	}
	for (size_t i = 0; i < nwin; i++) {
		__free_pages(pfn_to_page(win[i]), 0);
		owned[win[i]] = 0;
		if (i % 97 == 0)
			drain_all_pages(NULL);
		if (blocks_straddling(B341)) {
			ktest_fail(__FILE__, __LINE__, "after freeing %zu pages", i + 1);
			break;
		}
		if (i % 256 == 0 && mm_check_invariants()) {
			ktest_fail(__FILE__, __LINE__, "invariants after freeing %zu pages", i + 1);
			break;
		}
	}
	drain_all_pages(NULL);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	/* Each side merged as far as its own pages allow, and no further:
	 * node 0 up to order 8 at 0x15400 (its order-9 buddy pair would
	 * need node 1's 0x15500), node 1 order 8 at 0x15500, order 9 at
	 * 0x15600, order 8 at 0x15800. */
	KT_EXPECT(is_free_block(0x15100, 8));
	KT_EXPECT(is_free_block(0x15200, 9));
	KT_EXPECT(is_free_block(0x15400, 8));
	KT_EXPECT(is_free_block(0x15500, 8));
	KT_EXPECT(is_free_block(0x15600, 9));
	KT_EXPECT(is_free_block(0x15800, 8));
	KT_EXPECT_EQ(blocks_straddling(B341), 0);

	/* The rest back: everything as after boot. */
	for (size_t i = 0; i < s.n; i++)
		if (owned[page_to_pfn(s.v[i].page)])
			__free_pages(s.v[i].page, 0);
	free(s.v);
	free(owned);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(nr_free_pages(), free0);
	KT_EXPECT_EQ(blocks_straddling(B341), 0);
	mm_buddyinfo_snapshot(snap_after);
	KT_EXPECT(buddyinfo_equal(snap_before, snap_after));
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	KT_EXPECT_EQ(mm_global_vm_event(BAD_PAGES), 0);
	KT_EXPECT_EQ(mm_global_vm_event(POISON_ERRORS), 0);
}

/* ---- 3. zonelists by distance ---- */

/* A SLIT whose nearest neighbours are not in id order (asymmetric too). */
static const uint8_t slit4[4][4] = {
	{ 10, 30, 15, 12 },
	{ 30, 10, 12, 25 },
	{ 15, 13, 10, 21 },
	{ 12, 25, 21, 10 },
};

struct zref {
	int nid, zi;
};

/* @zl lists exactly @want (a NULL-terminated zonelist). */
static bool zonelist_is(const struct zonelist *zl, const struct zref *want, int n, const char *what)
{
	int i;

	for (i = 0; i < n; i++) {
		const struct zone *z = zl->zones[i];

		if (!z || z->node != want[i].nid || z->zone_idx != want[i].zi) {
			ktest_diag("%s: entry %d is %s%d/%s, want node %d zone %d", what, i,
				   z ? "node " : "", z ? z->node : -1, z ? z->name : "(end)",
				   want[i].nid, want[i].zi);
			return false;
		}
	}
	if (zl->zones[n]) {
		ktest_diag("%s: extra entry node %d %s", what, zl->zones[n]->node,
			   zl->zones[n]->name);
		return false;
	}
	return true;
}

HTEST(zonelists_follow_the_slit_not_the_node_ids)
{
	/* 4.5 GiB: RAM [0, 3G) and [4G, 5.5G). Node 0 has DMA and DMA32,
	 * node 1 DMA32, node 2 the top of DMA32 and the start of Normal,
	 * node 3 Normal only. */
	const uint64_t start[5] = { 0, 1 * GiB, 2560 * MiB, 4864 * MiB, 5632 * MiB };

	defaults();
	for (int i = 0; i < 4; i++)
		KT_ASSERT_EQ(mm_numa_add_memblk(i, start[i], start[i + 1]), 0);
	for (unsigned int cpu = 0; cpu < 4; cpu++)
		KT_ASSERT_EQ(mm_numa_set_cpu_node(cpu, (int)cpu), 0);
	set_slit(4, &slit4[0][0]);
	KT_ASSERT_EQ(boot_registered(4608 * MiB, 6 * MiB, 4), 0);
	KT_ASSERT_EQ(mm_nr_nodes, 4);

	enum { D = ZONE_DMA, D32 = ZONE_DMA32, N = ZONE_NORMAL };
	/* Node order from the SLIT: 0: 0 3 2 1; 1: 1 2 3 0; 2: 2 1 0 3;
	 * 3: 3 0 2 1. Each node's zones highest first. */
	static const struct zref fb[4][6] = {
		{ { 0, D32 }, { 0, D }, { 3, N }, { 2, N }, { 2, D32 }, { 1, D32 } },
		{ { 1, D32 }, { 2, N }, { 2, D32 }, { 3, N }, { 0, D32 }, { 0, D } },
		{ { 2, N }, { 2, D32 }, { 1, D32 }, { 0, D32 }, { 0, D }, { 3, N } },
		{ { 3, N }, { 0, D32 }, { 0, D }, { 2, N }, { 2, D32 }, { 1, D32 } },
	};
	static const struct zref own[4][2] = {
		{ { 0, D32 }, { 0, D } },
		{ { 1, D32 } },
		{ { 2, N }, { 2, D32 } },
		{ { 3, N } },
	};
	static const int nown[4] = { 2, 1, 2, 1 };
	for (int nid = 0; nid < 4; nid++) {
		char what[48];

		snprintf(what, sizeof(what), "node %d FALLBACK", nid);
		KT_EXPECT(zonelist_is(mm_node_zonelist(nid, GFP_KERNEL), fb[nid], 6, what));
		snprintf(what, sizeof(what), "node %d NOFALLBACK", nid);
		KT_EXPECT(zonelist_is(mm_node_zonelist(nid, GFP_KERNEL | __GFP_THISNODE), own[nid],
				      nown[nid], what));
	}

	/* The allocator walks them: local first; a zone restriction the node
	 * cannot meet goes to the nearest node that can. */
	struct {
		int nid;
		gfp_t gfp;
		int want_nid, want_zi;
	} cases[] = {
		{ 0, GFP_KERNEL, 0, D32 }, { 1, GFP_KERNEL, 1, D32 },
		{ 2, GFP_KERNEL, 2, N },   { 3, GFP_KERNEL, 3, N },
		{ 3, GFP_DMA32, 0, D32 },  { 1, GFP_DMA, 0, D },
		{ 2, GFP_DMA32, 2, D32 },  { 1, GFP_HIGHUSER_MOVABLE, 1, D32 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (unsigned int order = 0; order <= 3; order += 3) {
			struct page *p = alloc_pages_node(cases[i].nid, cases[i].gfp, order);

			KT_ASSERT(p != NULL);
			if (page_to_nid(p) != cases[i].want_nid ||
			    (int)page_zonenum(p) != cases[i].want_zi)
				ktest_fail(__FILE__, __LINE__,
					   "alloc_pages_node(%d, 0x%x, %u): node %d zone %u, want node %d zone %d",
					   cases[i].nid, cases[i].gfp, order, page_to_nid(p),
					   page_zonenum(p), cases[i].want_nid, cases[i].want_zi);
			__free_pages(p, order);
		}
	}
	/* Node 3 has no DMA32 of its own: __GFP_THISNODE cannot be met. */
	KT_EXPECT(alloc_pages_node(3, GFP_DMA32 | __GFP_THISNODE | __GFP_NOWARN, 0) == NULL);
	KT_EXPECT(alloc_pages_node(1, GFP_DMA | __GFP_THISNODE | __GFP_NOWARN, 0) == NULL);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

/* ---- 4. alloc_pages_node, __GFP_THISNODE and exhaustion ---- */

/* The nearest other node of each node under slit3. */
static const int nearest3[3] = { 2, 2, 0 };

/* Node @nid's zones a GFP_KERNEL request may use are all at or below the
 * low watermark (what makes a plain request leave the node). */
static bool node_below_low(int nid)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &NODE_DATA(nid)->node_zones[zi];

		if (z->managed_pages &&
		    mm_zone_watermark_ok(z, 0, low_wmark_pages(z), gfp_zone(GFP_KERNEL), 0)) {
			ktest_diag("node %d %s: free %ld still above low %lu", nid, z->name,
				   zone_page_state(z, NR_FREE_PAGES), low_wmark_pages(z));
			return false;
		}
	}
	return true;
}

static void exhaust_node(int n)
{
	const uint64_t split[2] = { 150 * MiB, SPLIT_341M };
	struct held_set s = { 0 };
	unsigned long others[3];
	struct page *p;

	defaults();
	KT_ASSERT_EQ(boot_three_nodes(512 * MiB, split), 0);
	KT_ASSERT_EQ(mm_nr_nodes, 3);
	mm_buddyinfo_snapshot(snap_before);
	unsigned long free0 = nr_free_pages();

	/* A: plain requests stay on node n while it is above low. */
	for (unsigned int order = 0; order <= 3; order += 3) {
		p = alloc_pages_node(n, GFP_KERNEL, order);
		KT_ASSERT(p != NULL);
		KT_EXPECT_EQ(page_to_nid(p), n);
		held_push(&s, p, order);
		p = alloc_pages_node(n, GFP_KERNEL | __GFP_THISNODE, order);
		KT_ASSERT(p != NULL);
		KT_EXPECT_EQ(page_to_nid(p), n);
		held_push(&s, p, order);
	}
	unsigned long local = 0;
	while ((p = alloc_pages_node(n, GFP_KERNEL | __GFP_NOWARN, 0)) && page_to_nid(p) == n) {
		held_push(&s, p, 0);
		local++;
	}
	KT_ASSERT(p != NULL);
	held_push(&s, p, 0);
	KT_EXPECT_EQ(page_to_nid(p), nearest3[n]);
	KT_EXPECT(node_below_low(n));
	KT_EXPECT(local > 10000);
	KT_EXPECT_EQ(mm_check_invariants(), 0);

	/* B: __GFP_THISNODE goes on to min on node n, never elsewhere. */
	for (int m = 0; m < 3; m++)
		others[m] = node_free(m);
	unsigned long deep = 0;
	while ((p = alloc_pages_node(n, GFP_KERNEL | __GFP_THISNODE | __GFP_NORETRY | __GFP_NOWARN,
				     0))) {
		if (page_to_nid(p) != n) {
			ktest_fail(__FILE__, __LINE__, "__GFP_THISNODE for node %d got node %d", n,
				   page_to_nid(p));
			__free_pages(p, 0);
			break;
		}
		held_push(&s, p, 0);
		deep++;
	}
	KT_EXPECT(deep > 0);
	for (int m = 0; m < 3; m++)
		if (m != n)
			KT_EXPECT_EQ(node_free(m), others[m]);
	KT_EXPECT_EQ(mm_check_invariants(), 0);

	/* C: node n is exhausted for __GFP_THISNODE, whatever the order or
	 * retry policy; no other node's page leaks out. */
	KT_EXPECT(alloc_pages_node(n, GFP_KERNEL | __GFP_THISNODE | __GFP_NORETRY | __GFP_NOWARN,
				   0) == NULL);
	KT_EXPECT(alloc_pages_node(n, GFP_KERNEL | __GFP_THISNODE | __GFP_NORETRY | __GFP_NOWARN,
				   3) == NULL);
	KT_EXPECT(alloc_pages_node(n, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0) == NULL);
	for (int m = 0; m < 3; m++)
		if (m != n)
			KT_EXPECT_EQ(node_free(m), others[m]);

	/* D: without __GFP_THISNODE the nearest node serves it. */
	for (unsigned int order = 0; order <= 3; order += 3) {
		p = alloc_pages_node(n, GFP_KERNEL, order);
		KT_ASSERT(p != NULL);
		KT_EXPECT_EQ(page_to_nid(p), nearest3[n]);
		held_push(&s, p, order);
	}
	KT_EXPECT_EQ(mm_check_invariants(), 0);

	held_free_all(&s);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(nr_free_pages(), free0);
	mm_buddyinfo_snapshot(snap_after);
	KT_EXPECT(buddyinfo_equal(snap_before, snap_after));
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	KT_EXPECT_EQ(mm_global_vm_event(BAD_PAGES), 0);
}

HTEST(node0_serves_locally_then_thisnode_fails_and_plain_falls_back_to_node2)
{
	exhaust_node(0);
}

HTEST(node1_serves_locally_then_thisnode_fails_and_plain_falls_back_to_node2)
{
	exhaust_node(1);
}

HTEST(node2_serves_locally_then_thisnode_fails_and_plain_falls_back_to_node0)
{
	exhaust_node(2);
}

/* The fast path pops the running CPU's per-CPU list of the request's
 * first zone: pages cached for another node must not answer it. */
HTEST(per_cpu_pages_of_one_node_never_serve_another_node)
{
	const uint64_t split[2] = { 150 * MiB, SPLIT_341M };
	struct held_set s = { 0 };

	defaults();
	KT_ASSERT_EQ(boot_three_nodes(512 * MiB, split), 0);
	unsigned long free0 = nr_free_pages();
	for (int round = 0; round < 2; round++) {
		for (int a = 0; a < 3; a++) {
			/* Leave node a's per-CPU lists full... */
			struct page *p = alloc_pages_node(a, GFP_KERNEL, 0);

			KT_ASSERT(p != NULL);
			__free_pages(p, 0);
			KT_ASSERT(NODE_DATA(a)->node_zones[ZONE_DMA32].pcp[0].count > 0);
			/* ...and ask every node, by id and through each gfp
			 * the fast path takes. */
			for (int b = 0; b < 3; b++) {
				const gfp_t gfps[] = { GFP_KERNEL, GFP_HIGHUSER_MOVABLE,
						       GFP_KERNEL | __GFP_RECLAIMABLE, GFP_ATOMIC };

				for (size_t g = 0; g < sizeof(gfps) / sizeof(gfps[0]); g++) {
					struct page *q = alloc_pages_node(b, gfps[g], 0);

					KT_ASSERT(q != NULL);
					if (page_to_nid(q) != b)
						ktest_fail(__FILE__, __LINE__,
							   "node %d's lists full: alloc_pages_node(%d, 0x%x) got node %d",
							   a, b, gfps[g], page_to_nid(q));
					held_push(&s, q, 0);
				}
			}
		}
	}
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	held_free_all(&s);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(nr_free_pages(), free0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(alloc_pages_node_rejects_a_node_that_does_not_exist)
{
	const uint64_t split[2] = { 150 * MiB, SPLIT_341M };

	defaults();
	KT_ASSERT_EQ(boot_three_nodes(512 * MiB, split), 0);
	unsigned long free0 = nr_free_pages();
	host_capture_start();
	struct page *p = alloc_pages_node(3, GFP_KERNEL, 0);
	struct page *q = alloc_pages_node(-7, GFP_KERNEL, 0);
	const char *out = host_capture_stop();
	KT_EXPECT(p == NULL && q == NULL);
	KT_EXPECT(has(out, "alloc_pages_node: node 3 does not exist (3 nodes"));
	KT_EXPECT(has(out, "alloc_pages_node: node -7 does not exist"));
	KT_EXPECT_EQ(nr_free_pages(), free0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

/* ---- 5. memoryless nodes ---- */

/* CPU 0 (the host's only CPU) on node 2, which has no memory; node
 * @near is nearer to it than the other. */
static void memoryless_cpu_uses_nearest(int near)
{
	int far = 1 - near;
	uint8_t d[3][3] = { { 10, 20, 0 }, { 20, 10, 0 }, { 0, 0, 10 } };

	d[2][near] = d[near][2] = 14;
	d[2][far] = d[far][2] = 28;
	defaults();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 200 * MiB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(1, 200 * MiB, 512 * MiB), 0);
	KT_ASSERT_EQ(mm_numa_set_cpu_node(0, 2), 0);
	KT_ASSERT_EQ(mm_numa_set_cpu_node(1, 0), 0);
	KT_ASSERT_EQ(mm_numa_set_cpu_node(2, 1), 0);
	set_slit(3, &d[0][0]);
	KT_ASSERT_EQ(boot_registered(512 * MiB, 6 * MiB, 3), 0);
	KT_ASSERT_EQ(mm_nr_nodes, 3);
	KT_EXPECT_EQ(mm_cpu_to_node(0), 2);
	KT_EXPECT_EQ(numa_mem_id(), near);
	KT_EXPECT_EQ(NODE_DATA(2)->node_present_pages, 0);
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		KT_EXPECT_EQ(NODE_DATA(2)->node_zones[zi].spanned_pages, 0);
	/* Node 2's fallback list starts at the nearest node; it owns no zone. */
	KT_EXPECT(mm_node_zonelist(2, GFP_KERNEL)->zones[0] != NULL &&
		  mm_node_zonelist(2, GFP_KERNEL)->zones[0]->node == near);
	KT_EXPECT(mm_node_zonelist(2, GFP_KERNEL | __GFP_THISNODE)->zones[0] == NULL);

	struct held_set s = { 0 };
	unsigned long free0 = nr_free_pages();
	for (unsigned int order = 0; order <= 3; order += 3) {
		struct page *p[3] = {
			alloc_pages(GFP_KERNEL, order),
			alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL, order),
			alloc_pages_node(2, GFP_KERNEL, order),
		};
		for (int i = 0; i < 3; i++) {
			KT_ASSERT(p[i] != NULL);
			if (page_to_nid(p[i]) != near)
				ktest_fail(__FILE__, __LINE__, "way %d order %u: node %d, want %d",
					   i, order, page_to_nid(p[i]), near);
			held_push(&s, p[i], order);
		}
	}
	/* Only node 0 has DMA: the memoryless CPU still gets it. */
	struct page *dma = alloc_pages(GFP_DMA, 0);
	KT_ASSERT(dma != NULL);
	KT_EXPECT_EQ(page_to_nid(dma), 0);
	KT_EXPECT_EQ(page_zonenum(dma), ZONE_DMA);
	held_push(&s, dma, 0);
	KT_EXPECT(alloc_pages_node(2, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN, 0) == NULL);

	host_capture_start();
	mm_print_buddyinfo();
	const char *out = host_capture_stop();
	KT_EXPECT(strstr(out, "Node 2,") == NULL);
	KT_EXPECT(has(out, "Node 1, zone    DMA32"));
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	held_free_all(&s);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(nr_free_pages(), free0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(memoryless_node_cpu_allocates_from_nearest_node1)
{
	memoryless_cpu_uses_nearest(1);
}

HTEST(memoryless_node_cpu_allocates_from_nearest_node0)
{
	memoryless_cpu_uses_nearest(0);
}

HTEST_MAIN("numa_mm")
