/*
 * tests/host/test_numa.c - host tests of the NUMA registry (mm/numa.c):
 * ranges and their checks, distances and the SLIT rule, memoryless nodes,
 * mm_pfn_to_nid (also against a model on random layouts), fallback order,
 * and the fall-back to one node.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host_shim.h"
#include "htest.h"
#include "mm/numa.h"

#define MB (1ULL << 20)
#define GB (1ULL << 30)
#define PFN(a) ((unsigned long)((a) >> 12))

/* Every test starts from nothing, with mm_printk captured. */
static void reset(void)
{
	mm_numa_reset();
	host_capture_start();
}

static int has(const char *log, const char *s)
{
	if (strstr(log, s))
		return 1;
	ktest_diag("wanted \"%s\" in:\n%s", s, log);
	return 0;
}

HTEST(numa_two_unequal_nodes_own_their_ranges)
{
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 384 * MB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(1, 384 * MB, GB), 0);
	KT_ASSERT_EQ(mm_numa_set_cpu_node(0, 0), 0);
	KT_ASSERT_EQ(mm_numa_set_cpu_node(1, 1), 0);
	KT_ASSERT_EQ(mm_numa_finalize(GB), 2);
	host_capture_stop();
	KT_EXPECT_EQ(mm_nr_node_ids, 2);
	KT_EXPECT(mm_node_online(0) && mm_node_online(1) && !mm_node_online(2));
	KT_EXPECT_EQ(mm_node_start_pfn(0), 0);
	KT_EXPECT_EQ(mm_node_end_pfn(0), PFN(384 * MB));
	KT_EXPECT_EQ(mm_node_start_pfn(1), PFN(384 * MB));
	KT_EXPECT_EQ(mm_node_end_pfn(1), PFN(GB));
	KT_EXPECT_EQ(mm_pfn_to_nid(PFN(384 * MB) - 1), 0);
	KT_EXPECT_EQ(mm_pfn_to_nid(PFN(384 * MB)), 1);
	KT_EXPECT_EQ(mm_phys_to_nid(GB - 1), 1);
	KT_EXPECT_EQ(mm_cpu_to_node(1), 1);
	KT_EXPECT_EQ(mm_cpu_to_mem(1), 1);
	KT_EXPECT_EQ(mm_node_distance(0, 1), REMOTE_DISTANCE);
	KT_EXPECT_EQ(mm_node_distance(1, 1), LOCAL_DISTANCE);
	int nid, n = 0;
	for_each_online_node(nid)
		KT_EXPECT_EQ(nid, n++);
	KT_EXPECT_EQ(n, 2);
}

HTEST(numa_overlap_between_nodes_names_both_ranges_and_falls_back)
{
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 512 * MB), 0);
	KT_EXPECT(mm_numa_add_memblk(1, 256 * MB, GB) < 0);
	const char *log = host_capture_stop();
	KT_EXPECT(has(log, "node 1 [mem 0x10000000-0x3fffffff] overlaps with node 0 "
			   "[mem 0x0-0x1fffffff]"));
	host_capture_start();
	KT_EXPECT_EQ(mm_numa_finalize(GB), 1);
	log = host_capture_stop();
	KT_EXPECT(has(log, "inconsistent"));
	KT_EXPECT(has(log, "faking one node at [mem 0x0-0x3fffffff]"));
	KT_EXPECT_EQ(mm_nr_node_ids, 1);
	KT_EXPECT_EQ(mm_pfn_to_nid(PFN(900 * MB)), 0);
	KT_EXPECT_EQ(mm_node_end_pfn(0), PFN(GB));
	KT_EXPECT(!mm_node_online(1));
}

HTEST(numa_same_node_may_overlap_itself_and_touching_ranges_merge)
{
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 128 * MB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 64 * MB, 256 * MB), 0);	 /* overlaps itself */
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 256 * MB, 300 * MB), 0); /* touches */
	KT_ASSERT_EQ(mm_numa_add_memblk(1, 300 * MB, 400 * MB), 0);
	KT_ASSERT_EQ(mm_numa_finalize(GB), 2);
	host_capture_stop();
	int nid;
	uint64_t s, e;
	bool hp;
	KT_ASSERT(mm_numa_memblk(0, &nid, &s, &e, &hp));
	KT_EXPECT_EQ(nid, 0);
	KT_EXPECT_EQ(s, 0);
	KT_EXPECT_EQ(e, 300 * MB);
	KT_ASSERT(mm_numa_memblk(1, &nid, &s, &e, &hp));
	KT_EXPECT_EQ(nid, 1);
	KT_EXPECT(!mm_numa_memblk(2, &nid, &s, &e, &hp));
}

HTEST(numa_interleaved_node_ranges_keep_owners_and_spans)
{
	reset();
	/* Registered out of order; node 0 on both sides of node 1. */
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 2 * GB, 3 * GB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(1, GB, 2 * GB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 1 * MB, GB), 0);
	KT_ASSERT_EQ(mm_numa_finalize(3 * GB), 2);
	host_capture_stop();
	KT_EXPECT_EQ(mm_pfn_to_nid(PFN(GB + 5 * MB)), 1);
	KT_EXPECT_EQ(mm_pfn_to_nid(PFN(2 * GB)), 0);
	KT_EXPECT_EQ(mm_node_start_pfn(0), PFN(1 * MB));
	KT_EXPECT_EQ(mm_node_end_pfn(0), PFN(3 * GB));
	/* Below every range: the lowest range's node. */
	KT_EXPECT_EQ(mm_pfn_to_nid(0), 0);
	int nid;
	uint64_t s, e;
	bool hp;
	KT_ASSERT(mm_numa_memblk(0, &nid, &s, &e, &hp)); /* sorted */
	KT_EXPECT_EQ(s, 1 * MB);
	KT_ASSERT(mm_numa_memblk(2, &nid, &s, &e, &hp));
	KT_EXPECT_EQ(s, 2 * GB);
}

HTEST(numa_holes_and_tail_go_to_the_node_below)
{
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(1, 16 * MB, 32 * MB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 64 * MB, 128 * MB), 0);
	KT_ASSERT_EQ(mm_numa_finalize(256 * MB), 2);
	host_capture_stop();
	KT_EXPECT_EQ(mm_pfn_to_nid(PFN(40 * MB)), 1);  /* hole above node 1 */
	KT_EXPECT_EQ(mm_pfn_to_nid(PFN(200 * MB)), 0); /* past the last range */
	KT_EXPECT_EQ(mm_pfn_to_nid(PFN(1 * MB)), 1);   /* below all: lowest range */
}

HTEST(numa_bad_ranges_are_refused_with_reasons)
{
	reset();
	KT_EXPECT(mm_numa_add_memblk(-1, 0, MB) < 0);
	KT_EXPECT(mm_numa_add_memblk(MAX_NUMNODES, 0, MB) < 0);
	KT_EXPECT(mm_numa_add_memblk(0, MB, MB) < 0);		   /* empty */
	KT_EXPECT(mm_numa_add_memblk(0, 2 * MB, MB) < 0);		   /* reversed */
	KT_EXPECT(mm_numa_add_memblk(0, 0, (1ULL << 52) + 4096) < 0); /* too high */
	const char *log = host_capture_stop();
	KT_EXPECT(has(log, "not a valid node id"));
	KT_EXPECT(has(log, "empty, reversed or beyond 52 address bits"));
	host_capture_start();
	/* A range holding no whole page is dropped, not an error. */
	KT_EXPECT_EQ(mm_numa_add_memblk(0, 0x1001, 0x1fff), 0);
	KT_EXPECT(has(host_capture_stop(), "holds no whole page"));
	/* Any refusal poisons the set: one node. */
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 64 * MB), 0);
	KT_EXPECT(mm_numa_add_memblk(9, 64 * MB, 128 * MB) < 0);
	KT_EXPECT_EQ(mm_numa_finalize(128 * MB), 1);
	host_capture_stop();
}

HTEST(numa_partial_pages_are_trimmed_inward)
{
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0x800, 0x10000800), 0);
	KT_ASSERT_EQ(mm_numa_finalize(GB), 1);
	host_capture_stop();
	KT_EXPECT_EQ(mm_node_start_pfn(0), 1);
	KT_EXPECT_EQ(mm_node_end_pfn(0), 0x10000);
}

HTEST(numa_too_many_ranges_is_an_error)
{
	reset();
	int i;
	for (i = 0; i < NUMA_MAX_MEMBLKS; i++)
		KT_ASSERT_EQ(mm_numa_add_memblk(i % 2, (uint64_t)i * 2 * MB,
					     (uint64_t)i * 2 * MB + MB),
			     0);
	KT_EXPECT(mm_numa_add_memblk(0, (uint64_t)i * 2 * MB, (uint64_t)i * 2 * MB + MB) < 0);
	KT_EXPECT(has(host_capture_stop(), "too many memory ranges"));
	host_capture_start();
	KT_EXPECT_EQ(mm_numa_finalize(GB), 1);
	host_capture_stop();
}

HTEST(numa_slit_bad_diagonal_rejects_every_distance)
{
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 64 * MB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(1, 64 * MB, 128 * MB), 0);
	KT_EXPECT_EQ(mm_numa_set_distance(0, 1, 30), 0);
	KT_EXPECT_EQ(mm_numa_set_distance(1, 0, 30), 0);
	KT_EXPECT_EQ(mm_numa_set_distance(0, 0, 10), 0);
	KT_EXPECT(mm_numa_set_distance(1, 1, 12) < 0);
	KT_ASSERT_EQ(mm_numa_finalize(128 * MB), 2);
	const char *log = host_capture_stop();
	KT_EXPECT(has(log, "distance 1->1 is 12"));
	KT_EXPECT(has(log, "distance table rejected"));
	KT_EXPECT_EQ(mm_node_distance(0, 1), REMOTE_DISTANCE);
	KT_EXPECT_EQ(mm_node_distance(1, 1), LOCAL_DISTANCE);
}

HTEST(numa_slit_remote_not_above_local_is_rejected)
{
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 64 * MB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(1, 64 * MB, 128 * MB), 0);
	KT_EXPECT_EQ(mm_numa_set_distance(0, 1, 25), 0);
	KT_EXPECT(mm_numa_set_distance(1, 0, 10) < 0);
	KT_ASSERT_EQ(mm_numa_finalize(128 * MB), 2);
	host_capture_stop();
	KT_EXPECT_EQ(mm_node_distance(0, 1), REMOTE_DISTANCE);
	KT_EXPECT_EQ(mm_node_distance(1, 0), REMOTE_DISTANCE);
}

HTEST(numa_slit_asymmetric_distances_are_kept)
{
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 64 * MB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(1, 64 * MB, 128 * MB), 0);
	KT_EXPECT_EQ(mm_numa_set_distance(0, 1, 17), 0);
	KT_EXPECT_EQ(mm_numa_set_distance(1, 0, 28), 0);
	KT_EXPECT(mm_numa_set_distance(0, 8, 20) < 0); /* no such node */
	KT_ASSERT_EQ(mm_numa_finalize(128 * MB), 2);
	host_capture_stop();
	KT_EXPECT_EQ(mm_node_distance(0, 1), 17);
	KT_EXPECT_EQ(mm_node_distance(1, 0), 28);
	KT_EXPECT_EQ(mm_node_distance(-1, 3), REMOTE_DISTANCE);
}

HTEST(numa_memoryless_node_stays_online_and_allocates_from_the_nearest)
{
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 256 * MB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(2, 256 * MB, 512 * MB), 0);
	KT_ASSERT_EQ(mm_numa_set_cpu_node(0, 0), 0);
	KT_ASSERT_EQ(mm_numa_set_cpu_node(1, 1), 0); /* node 1: CPUs, no memory */
	KT_ASSERT_EQ(mm_numa_set_cpu_node(2, 2), 0);
	mm_numa_set_distance(1, 0, 40);
	mm_numa_set_distance(1, 2, 15);
	KT_ASSERT_EQ(mm_numa_finalize(512 * MB), 3);
	KT_EXPECT(mm_node_online(1));
	KT_EXPECT(!mm_node_has_memory(1));
	KT_EXPECT(mm_node_has_memory(2));
	KT_EXPECT_EQ(mm_node_start_pfn(1), 0);
	KT_EXPECT_EQ(mm_node_end_pfn(1), 0);
	KT_EXPECT_EQ(mm_cpu_to_node(1), 1);
	KT_EXPECT_EQ(mm_cpu_to_mem(1), 2);
	KT_EXPECT_EQ(mm_cpu_to_mem(0), 0);
	mm_numa_print();
	const char *log = host_capture_stop();
	KT_EXPECT(has(log, "NUMA: node 1: memoryless, CPUs 1, allocating from node 2"));
}

HTEST(numa_memoryless_node0_makes_unknown_cpus_go_to_the_first_memory_node)
{
	reset();
	KT_ASSERT_EQ(mm_numa_set_cpu_node(0, 0), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(1, 0, 256 * MB), 0);
	KT_ASSERT_EQ(mm_numa_finalize(256 * MB), 2);
	host_capture_stop();
	KT_EXPECT_EQ(mm_cpu_to_node(0), 0);
	KT_EXPECT_EQ(mm_cpu_to_mem(0), 1);
	KT_EXPECT_EQ(mm_cpu_to_node(5), 1); /* not placed by the firmware */
	KT_EXPECT_EQ(mm_cpu_to_node(NUMA_MAX_CPUS + 3), 1);
}

HTEST(numa_node_order_is_self_then_distance_then_id)
{
	reset();
	for (int n = 0; n < 4; n++)
		KT_ASSERT_EQ(mm_numa_add_memblk(n, n * 64 * MB, (n + 1) * 64 * MB), 0);
	mm_numa_set_distance(0, 1, 31);
	mm_numa_set_distance(0, 2, 21);
	mm_numa_set_distance(0, 3, 21);
	KT_ASSERT_EQ(mm_numa_finalize(GB), 4);
	host_capture_stop();
	int order[MAX_NUMNODES];
	KT_ASSERT_EQ(mm_numa_node_order(0, order), 4);
	KT_EXPECT_EQ(order[0], 0);
	KT_EXPECT_EQ(order[1], 2);
	KT_EXPECT_EQ(order[2], 3);
	KT_EXPECT_EQ(order[3], 1);
	/* Node 2 has only defaults (20 each): self, then ids in order. */
	KT_ASSERT_EQ(mm_numa_node_order(2, order), 4);
	KT_EXPECT_EQ(order[0], 2);
	KT_EXPECT_EQ(order[1], 0);
	KT_EXPECT_EQ(order[2], 1);
	KT_EXPECT_EQ(order[3], 3);
	KT_EXPECT_EQ(mm_numa_node_order(5, order), 0);
}

HTEST(numa_without_ranges_fakes_one_node)
{
	reset();
	KT_ASSERT_EQ(mm_numa_set_cpu_node(3, 1), 0); /* CPUs alone do not make NUMA */
	KT_EXPECT_EQ(mm_numa_finalize(512 * MB), 1);
	const char *log = host_capture_stop();
	KT_EXPECT(has(log, "no NUMA configuration found; faking one node at [mem 0x0-0x1fffffff]"));
	KT_EXPECT_EQ(mm_nr_node_ids, 1);
	KT_EXPECT_EQ(mm_cpu_to_node(3), 0);
	KT_EXPECT_EQ(mm_pfn_to_nid(12345), 0);
	KT_EXPECT_EQ(mm_node_end_pfn(0), PFN(512 * MB));
	int order[MAX_NUMNODES];
	KT_EXPECT_EQ(mm_numa_node_order(0, order), 1);
	host_capture_start();
	mm_numa_print();
	KT_EXPECT(has(host_capture_stop(), "NUMA: node 0: span pfn 0x0-0x1ffff, CPUs all\n"));
}

HTEST(numa_disable_overrides_good_input)
{
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 64 * MB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(1, 64 * MB, 128 * MB), 0);
	mm_numa_disable("turned off (numa=off)");
	mm_numa_disable("a second reason is not kept");
	KT_EXPECT_EQ(mm_numa_finalize(128 * MB), 1);
	const char *log = host_capture_stop();
	KT_EXPECT(has(log, "NUMA: turned off (numa=off); faking one node"));
	KT_EXPECT(!strstr(log, "second reason"));
	KT_EXPECT_EQ(mm_pfn_to_nid(PFN(100 * MB)), 0);
}

HTEST(numa_ranges_above_ram_end_are_clipped_or_dropped)
{
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 512 * MB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk(1, 512 * MB, GB), 0);
	KT_EXPECT_EQ(mm_numa_finalize(256 * MB), 1); /* mem=256M */
	const char *log = host_capture_stop();
	KT_EXPECT(has(log, "node 1 [mem 0x20000000-0x3fffffff] lies above the end of RAM"));
	KT_EXPECT(!mm_node_online(1));
	KT_EXPECT_EQ(mm_nr_node_ids, 1);
	KT_EXPECT_EQ(mm_node_end_pfn(0), PFN(256 * MB));
	/* Nothing left below RAM's end at all: one node. */
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, GB, 2 * GB), 0);
	KT_EXPECT_EQ(mm_numa_finalize(256 * MB), 1);
	KT_EXPECT(has(host_capture_stop(), "no node has memory below the end of RAM"));
	KT_EXPECT_EQ(mm_node_end_pfn(0), PFN(256 * MB));
}

HTEST(numa_pxm_ids_are_dense_in_first_seen_order)
{
	reset();
	KT_EXPECT_EQ(mm_numa_pxm_lookup(7), NUMA_NO_NODE);
	KT_EXPECT_EQ(mm_numa_pxm_to_node(7), 0);
	KT_EXPECT_EQ(mm_numa_pxm_to_node(3), 1);
	KT_EXPECT_EQ(mm_numa_pxm_to_node(7), 0);
	KT_EXPECT_EQ(mm_numa_pxm_lookup(3), 1);
	KT_EXPECT_EQ(mm_numa_node_to_pxm(1), 3);
	KT_EXPECT_EQ(mm_numa_node_to_pxm(2), UINT32_MAX);
	for (uint32_t p = 100; p < 100 + MAX_NUMNODES - 2; p++)
		KT_EXPECT(mm_numa_pxm_to_node(p) >= 2);
	KT_EXPECT_EQ(mm_numa_pxm_to_node(555), NUMA_NO_NODE); /* ids exhausted */
	KT_EXPECT_EQ(mm_numa_pxm_lookup(555), NUMA_NO_NODE);
	host_capture_stop();
}

HTEST(numa_print_shows_ranges_cpus_and_distances)
{
	reset();
	KT_ASSERT_EQ(mm_numa_add_memblk(0, 0, 384 * MB), 0);
	KT_ASSERT_EQ(mm_numa_add_memblk_flags(1, 384 * MB, GB, true), 0);
	mm_numa_set_cpu_node(0, 0);
	mm_numa_set_cpu_node(1, 1);
	mm_numa_set_cpu_node(2, 1);
	mm_numa_set_cpu_node(3, 1);
	mm_numa_set_cpu_node(5, 1);
	mm_numa_set_distance(0, 1, 21);
	mm_numa_set_distance(1, 0, 21);
	KT_ASSERT_EQ(mm_numa_finalize(GB), 2);
	host_capture_stop();
	host_capture_start();
	mm_numa_print();
	const char *log = host_capture_stop();
	KT_EXPECT(has(log, "NUMA: 2 nodes online, firmware distances\n"));
	KT_EXPECT(has(log, "NUMA: node 0 [mem 0x0-0x17ffffff]\n"));
	KT_EXPECT(has(log, "NUMA: node 1 [mem 0x18000000-0x3fffffff] hotplug\n"));
	KT_EXPECT(has(log, "NUMA: node 1: span pfn 0x18000-0x3ffff, CPUs 1-3,5\n"));
	KT_EXPECT(has(log, "NUMA: distance 0->1 21\n"));
	KT_EXPECT(has(log, "NUMA: distance 1->0 21\n"));
}

/* A tiny deterministic generator: the same layouts on every run. */
static uint64_t rng = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

/* mm_pfn_to_nid against a model: the owner of the range holding the pfn, else
 * of the nearest range below, else of the lowest range. */
HTEST(numa_pfn_to_nid_matches_a_model_on_random_layouts)
{
	for (int round = 0; round < 200; round++) {
		reset();
		int n = 1 + (int)rnd(NUMA_MAX_MEMBLKS);
		uint64_t starts[NUMA_MAX_MEMBLKS], ends[NUMA_MAX_MEMBLKS];
		int nids[NUMA_MAX_MEMBLKS];
		uint64_t at = rnd(4) * MB;
		for (int i = 0; i < n; i++) {
			starts[i] = at;
			ends[i] = at + (1 + rnd(64)) * MB;
			nids[i] = (int)rnd(MAX_NUMNODES);
			at = ends[i] + rnd(3) * MB; /* gaps, sometimes none */
		}
		/* Register in a shuffled order. */
		int idx[NUMA_MAX_MEMBLKS];
		for (int i = 0; i < n; i++)
			idx[i] = i;
		for (int i = n - 1; i > 0; i--) {
			int j = (int)rnd((uint64_t)i + 1), t = idx[i];
			idx[i] = idx[j];
			idx[j] = t;
		}
		for (int i = 0; i < n; i++)
			KT_ASSERT_EQ(mm_numa_add_memblk(nids[idx[i]], starts[idx[i]], ends[idx[i]]),
				     0);
		KT_ASSERT(mm_numa_finalize(at + 8 * MB) >= 1);
		host_capture_stop();
		for (int probe = 0; probe < 200; probe++) {
			uint64_t a = rnd(at + 8 * MB);
			int want = nids[0];
			for (int i = 0; i < n; i++)
				if (starts[i] <= a)
					want = nids[i];
			int got = mm_phys_to_nid(a);
			if (got != want) {
				KT_EXPECT_EQ(got, want);
				ktest_diag("round %d, address 0x%llx", round,
					   (unsigned long long)a);
				return;
			}
		}
		/* Spans: min start and max end over a node's ranges. */
		for (int nid = 0; nid < MAX_NUMNODES; nid++) {
			uint64_t s = UINT64_MAX, e = 0;
			for (int i = 0; i < n; i++)
				if (nids[i] == nid) {
					s = s < starts[i] ? s : starts[i];
					e = e > ends[i] ? e : ends[i];
				}
			KT_EXPECT_EQ(mm_node_online(nid), e != 0);
			KT_EXPECT_EQ(mm_node_start_pfn(nid), e ? PFN(s) : 0);
			KT_EXPECT_EQ(mm_node_end_pfn(nid), PFN(e));
		}
	}
}

HTEST_MAIN("numa")
