/*
 * tests/host/test_numa_mm_util.h - shared set-up of the NUMA allocator's
 * host tests (test_numa_mm.c, test_numa_mm_random.c): a QEMU RAM layout
 * booted with a topology the test registered, three-node layouts with a
 * SLIT, and checks of free pages and free blocks per node.
 */
#ifndef TESTS_HOST_TEST_NUMA_MM_UTIL_H
#define TESTS_HOST_TEST_NUMA_MM_UTIL_H

#include <stdio.h>

#include "test_buddy_util.h"
#include "mm/internal.h"

#define SPLIT_341M (341 * MiB) /* where QEMU cuts 512M for two nodes: not 4M aligned */
#define B341 ((unsigned long)(SPLIT_341M >> 12)) /* 0x15500 */

static unsigned long snap_before[MM_BUDDYINFO_ZONES][MAX_ORDER];
static unsigned long snap_after[MM_BUDDYINFO_ZONES][MAX_ORDER];

/* Every test starts from the defaults other tests may have changed. */
static inline void defaults(void)
{
	mm_debug_poison = true;
	mm_watermark_boost_factor = 15000;
	mm_numa_reset();
}

/*
 * The QEMU RAM layout of test_buddy_util.h's boot_qemu_layout_nodes, for a
 * topology the test has already registered (mm_numa_add_memblk, CPUs,
 * distances): this finalizes it and checks the number of online nodes.
 */
static inline int boot_registered(uint64_t mem, uint64_t kernel, int want_online)
{
	int online = mm_numa_finalize(qemu_ram_top(mem));

	if (online != want_online) {
		ktest_diag("numa_finalize: %d nodes online, wanted %d", online, want_online);
		return -1;
	}
	return boot_qemu_memblock(mem, kernel);
}

/* Free pages of node @nid: the buddy lists and every CPU's lists. */
static inline unsigned long node_free(int nid)
{
	unsigned long sum = 0;

	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		const struct zone *z = &NODE_DATA(nid)->node_zones[zi];

		sum += (unsigned long)zone_page_state(z, NR_FREE_PAGES);
		for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++)
			sum += (unsigned long)z->pcp[cpu].count;
	}
	return sum;
}

/* Free blocks on any buddy list that hold both pfn @b - 1 and pfn @b. */
static inline int blocks_straddling(unsigned long b)
{
	int n = 0;
	struct zone *z;

	for_each_zone(z) {
		for (unsigned int o = 1; o < MAX_ORDER; o++) {
			for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
				struct list_head *head = &z->free_area[o].free_list[mt], *pos;

				list_for_each(pos, head) {
					unsigned long pfn = page_to_pfn(
						list_entry(pos, struct page, lru));

					if (pfn < b && pfn + (1UL << o) > b) {
						ktest_diag("node %d %s: free order-%u block at pfn 0x%lx crosses pfn 0x%lx",
							   z->node, z->name, o, pfn, b);
						n++;
					}
				}
			}
		}
	}
	return n;
}

static inline bool is_free_block(unsigned long pfn, unsigned int order)
{
	const struct page *p = pfn_to_page(pfn);

	return PageBuddy(p) && p->private == order;
}

/* Does @out contain @s? Says what it wanted and what it got if not. */
static inline bool has(const char *out, const char *s)
{
	if (strstr(out, s))
		return true;
	ktest_diag("wanted \"%s\" in:\n%s", s, out);
	return false;
}

static inline void set_slit(int n, const uint8_t *d)
{
	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++)
			KT_EXPECT_EQ(mm_numa_set_distance(a, b, d[a * n + b]), 0);
}

/* 512M (or @mem) in three unequal nodes cut at @split, CPU i on node i;
 * node 0's nearest is node 2, node 1's is node 2, node 2's is node 0. */
static const uint8_t slit3[3][3] = {
	{ 10, 30, 16 },
	{ 30, 10, 18 },
	{ 16, 18, 10 },
};

static inline int boot_three_nodes(uint64_t mem, const uint64_t split[2])
{
	const uint64_t start[4] = { 0, split[0], split[1], mem };

	mm_numa_reset();
	for (int i = 0; i < 3; i++)
		if (mm_numa_add_memblk(i, start[i], start[i + 1]))
			return -1;
	for (unsigned int cpu = 0; cpu < 3; cpu++)
		mm_numa_set_cpu_node(cpu, (int)cpu);
	for (int a = 0; a < 3; a++)
		for (int b = 0; b < 3; b++)
			mm_numa_set_distance(a, b, slit3[a][b]);
	return boot_registered(mem, 2 * MiB, 3);
}

#endif /* TESTS_HOST_TEST_NUMA_MM_UTIL_H */
