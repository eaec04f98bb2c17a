/*
 * tests/host/test_buddy_util.h - shared set-up for the buddy allocator's
 * host tests: QEMU-like RAM layouts given to memblock and mm_init(), and
 * small helpers to hold and release many allocations.
 */
#ifndef TESTS_HOST_TEST_BUDDY_UTIL_H
#define TESTS_HOST_TEST_BUDDY_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host_shim.h"
#include "htest.h"
#include "mm/debug.h"
#include "mm/gfp.h"
#include "mm/memblock.h"
#include "mm/mm_init.h"
#include "mm/numa.h"
#include "mm/vmstat.h"
#include "mm/zone.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

/*
 * RAM as QEMU's pc machine with SeaBIOS shows it for @mem bytes: usable
 * [4K, 0x9fc00) (page 0 trimmed as Linux does), [1M, low_end - 128K) and,
 * above 3 GiB of RAM, the rest from 4 GiB. Reserved like Linux: the low
 * 1 MiB and a kernel image of @kernel bytes at 16 MiB (Linux's
 * CONFIG_PHYSICAL_START; ours loads at 2 MiB, inside DMA). Returns mm_init().
 */
/* Where QEMU's RAM of @mem bytes ends (past the PCI hole above 3 GiB). */
static inline uint64_t qemu_ram_top(uint64_t mem)
{
	uint64_t low = mem >= 0xe0000000ull ? 0xc0000000ull : mem;

	return mem > low ? 4 * GiB + (mem - low) : low;
}

/* memblock and the host's RAM for QEMU's layout, then mm_init(); the
 * caller has registered (or reset) the NUMA topology. */
static inline int boot_qemu_memblock(uint64_t mem, uint64_t kernel)
{
	struct memmap empty = { 0 };
	uint64_t low = mem >= 0xe0000000ull ? 0xc0000000ull : mem;

	if (host_ram_init(qemu_ram_top(mem)) != 0)
		return -1;
	mm_memblock_init_from_memmap(&empty);
	mm_memblock_add(0x1000, 0x9fc00 - 0x1000);
	mm_memblock_add(1 * MiB, low - 0x20000 - 1 * MiB);
	if (mem > low)
		mm_memblock_add(4 * GiB, mem - low);
	mm_memblock_reserve(0, 1 * MiB, "low 1M");
	if (kernel)
		mm_memblock_reserve(16 * MiB, kernel, "kernel");
	return mm_init();
}

static inline int boot_qemu_layout_nodes(uint64_t mem, uint64_t kernel, int nodes,
					 const uint64_t *node_start)
{
	uint64_t top = qemu_ram_top(mem);

	mm_numa_reset();
	if (nodes > 1) {
		for (int i = 0; i < nodes; i++)
			if (mm_numa_add_memblk(i, node_start[i],
					    i + 1 < nodes ? node_start[i + 1] : top))
				return -1;
		for (unsigned int cpu = 0; cpu < NUMA_MAX_CPUS; cpu++)
			mm_numa_set_cpu_node(cpu, (int)(cpu % (unsigned int)nodes));
		if (mm_numa_finalize(top) != nodes)
			return -1;
	}
	return boot_qemu_memblock(mem, kernel);
}

static inline int boot_qemu_layout(uint64_t mem, uint64_t kernel)
{
	return boot_qemu_layout_nodes(mem, kernel, 1, NULL);
}

/* The same layout cut into two nodes at physical address @split (node 0
 * below, node 1 above; CPU 0 on node 0). */
static inline int boot_qemu_two_nodes(uint64_t mem, uint64_t kernel, uint64_t split)
{
	const uint64_t starts[2] = { 0, split };

	return boot_qemu_layout_nodes(mem, kernel, 2, starts);
}

/* Plain RAM [start, end) with nothing reserved. */
static inline int boot_flat(uint64_t start, uint64_t end)
{
	struct memmap empty = { 0 };

	mm_numa_reset();
	if (host_ram_init(end) != 0)
		return -1;
	mm_memblock_init_from_memmap(&empty);
	mm_memblock_add(start, end - start);
	return mm_init();
}

static inline struct zone *zone_of(int zi)
{
	return &NODE_DATA(0)->node_zones[zi];
}

struct held {
	struct page *page;
	unsigned int order;
};

/* A growable array of allocations to free later. */
struct held_set {
	struct held *v;
	size_t n, cap;
};

static inline void held_push(struct held_set *s, struct page *p, unsigned int order)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			abort();
	}
	s->v[s->n++] = (struct held){ p, order };
}

static inline void held_free_all(struct held_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		__free_pages(s->v[i].page, s->v[i].order);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Allocate order-@order blocks with @gfp until it fails; returns how many. */
static inline size_t held_fill(struct held_set *s, gfp_t gfp, unsigned int order)
{
	size_t n = 0;
	struct page *p;

	while ((p = alloc_pages(gfp | __GFP_NOWARN, order)) != NULL) {
		held_push(s, p, order);
		n++;
	}
	return n;
}

static inline int buddyinfo_equal(unsigned long a[MM_BUDDYINFO_ZONES][MAX_ORDER],
				  unsigned long b[MM_BUDDYINFO_ZONES][MAX_ORDER])
{
	return memcmp(a, b, sizeof(unsigned long) * MM_BUDDYINFO_ZONES * MAX_ORDER) == 0;
}

#endif
