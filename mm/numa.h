/*
 * mm/numa.h - the NUMA topology registry: which physical ranges and which
 * CPUs belong to which node, and how far nodes are from each other.
 *
 * Firmware code (arch/x86_64/srat.c through mm/numa_acpi.c, or a host test)
 * fills it in: proximity domains become dense node ids in first-seen order
 * (mm_numa_pxm_to_node), memory ranges arrive with mm_numa_add_memblk, CPUs with
 * mm_numa_set_cpu_node, distances with numa_set_distance. mm_numa_finalize then
 * checks the whole and settles the node set; everything after it only reads.
 * When the input is missing or inconsistent the result is one node 0 that
 * covers all RAM, the reason printed: a machine boots either way.
 *
 * Rules kept from Linux (arch/x86/mm/numa.c, drivers/acpi/numa/):
 * - Memory ranges of two different nodes must not overlap; ranges of one
 *   node may, and are merged when they touch or overlap. A node's span is
 *   min start .. max end of its ranges, so spans of different nodes may
 *   interleave (node 0, node 1, node 0 again) as Linux allows.
 * - Distances: a node to itself is LOCAL_DISTANCE (10), to another node more
 *   than that; one bad value discards every distance set (Linux rejects the
 *   whole SLIT), leaving the defaults 10 local and 20 remote.
 * - A node with CPUs but no memory ("memoryless") stays online:
 *   mm_cpu_to_node() names it, as the firmware did, and mm_cpu_to_mem() names the
 *   nearest node that has memory, which is where such a CPU's local
 *   allocations go (Linux's numa_mem_id()). A node with neither memory nor
 *   CPUs (all of its memory above ram_end, say) is not online.
 *
 * Context: boot, one CPU, before the allocator exists; the queries may be
 * called from anywhere afterwards (they only read).
 */
#ifndef MM_NUMA_H
#define MM_NUMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define NUMA_NO_NODE (-1)
#define LOCAL_DISTANCE 10
#define REMOTE_DISTANCE 20

/* MAX_NUMNODES, NUMA_MAX_MEMBLKS (ranges the registry holds) and
 * NUMA_MAX_CPUS (CPU numbers mm_numa_set_cpu_node accepts): mm/config.h. */

#if MM_CONFIG_NUMA
/* Forget everything (start of boot parsing; host tests between cases). */
void mm_numa_reset(void);

/*
 * The node id of firmware proximity domain @pxm, allocating the next free id
 * when @pxm is new. Returns NUMA_NO_NODE when all MAX_NUMNODES ids are taken.
 * mm_numa_pxm_lookup only looks (NUMA_NO_NODE for an unknown domain);
 * mm_numa_node_to_pxm is the reverse (UINT32_MAX when @nid has no domain).
 */
int mm_numa_pxm_to_node(uint32_t pxm);
int mm_numa_pxm_lookup(uint32_t pxm);
uint32_t mm_numa_node_to_pxm(int nid);

/*
 * Node @nid owns physical bytes [start, end). Partial pages at both ends are
 * trimmed (a range with no whole page in it is ignored, with a message).
 * Returns 0, or -1 with a message for a bad nid, an empty or reversed range,
 * one beyond 52 address bits, an overlap with another node's range (both
 * ranges named), or a full table. Any such error makes mm_numa_finalize fall
 * back to one node. @hotplug marks firmware's hot-pluggable ranges (kept,
 * shown in mm_numa_print); mm_numa_add_memblk passes false.
 */
int mm_numa_add_memblk(int nid, uint64_t start, uint64_t end);
int mm_numa_add_memblk_flags(int nid, uint64_t start, uint64_t end, bool hotplug);

/*
 * Distance from node @from to node @to (as the SLIT: one byte, 10 = local).
 * Returns 0, or -1 for bad ids or a value breaking the rule above (the
 * whole set of distances is then dropped at mm_numa_finalize, with a message).
 */
int mm_numa_set_distance(int from, int to, uint8_t dist);

/* CPU @cpu (our dense CPU number) sits on node @nid. Returns 0, or -1 for a
 * CPU number >= NUMA_MAX_CPUS or a bad nid (the CPU then stays unknown). */
int mm_numa_set_cpu_node(unsigned int cpu, int nid);

/* Make mm_numa_finalize fall back to one node, printing @why (numa=off, a
 * malformed SRAT). The first reason given is kept. */
void mm_numa_disable(const char *why);

/*
 * Settle the node set for RAM ending at physical @ram_end (exclusive):
 * ranges are clipped to [0, ram_end) and sorted, touching ranges of a node
 * merged, and bad distances dropped. Falls back to one node 0 covering
 * [0, ram_end) with every CPU on it, printing why, when NUMA was disabled,
 * no memory range was registered, any registration failed, or no range is
 * left below @ram_end. Returns the number of online nodes (>= 1).
 */
int mm_numa_finalize(uint64_t ram_end);

/* ---- queries (after mm_numa_finalize) ---- */

/* Highest online node id + 1 (1 before mm_numa_finalize and without NUMA). */
extern unsigned int mm_nr_node_ids;

bool mm_node_online(int nid);
bool mm_node_has_memory(int nid); /* online with at least one range */
int mm_first_online_node(void);
int mm_next_online_node(int nid); /* MAX_NUMNODES after the last */

/* Node distance; 10 for a == b and 20 otherwise without a SLIT (also for
 * ids out of range). */
int mm_node_distance(int a, int b);

/* The node of @cpu; 0 when unknown or without NUMA. mm_cpu_to_mem: the
 * nearest node with memory to mm_cpu_to_node(@cpu) (itself when it has some). */
int mm_cpu_to_node(unsigned int cpu);
int mm_cpu_to_mem(unsigned int cpu);

/*
 * The node owning a physical address or pfn. Addresses no range covers
 * (holes, RAM past the SRAT's ranges) go to the node of the nearest range
 * below them; below every range, to the node of the lowest range; 0 when
 * there are no ranges at all.
 */
int mm_phys_to_nid(uint64_t phys);
int mm_pfn_to_nid(unsigned long pfn);

/* Node @nid's span [start_pfn, end_pfn): min start and max end over its
 * ranges; 0, 0 for a node without memory. */
unsigned long mm_node_start_pfn(int nid);
unsigned long mm_node_end_pfn(int nid);

/* Node @nid's fallback order: @nid first, then every other online node by
 * increasing distance from @nid, ties by lower id. Memoryless nodes are
 * listed too (a zonelist builder skips them). Returns how many ids were
 * written to @out, 0 when @nid is not online. */
int mm_numa_node_order(int nid, int out[MAX_NUMNODES]);

/* The i-th range (sorted by start after mm_numa_finalize); false past the end. */
bool mm_numa_memblk(int i, int *nid, uint64_t *start, uint64_t *end, bool *hotplug);

/* Print the node set as Linux-like lines: "NUMA: node 0 [mem 0x0-0x3fffffff]"
 * per range, CPUs per node, "NUMA: distance 0->1 20" per pair. */
void mm_numa_print(void);

#else /* !MM_CONFIG_NUMA: one node 0 holds all memory and every CPU */

#define mm_nr_node_ids 1U

static inline void mm_numa_reset(void)
{
}
static inline int mm_numa_pxm_to_node(uint32_t pxm)
{
	(void)pxm;
	return 0;
}
static inline int mm_numa_pxm_lookup(uint32_t pxm)
{
	(void)pxm;
	return 0;
}
static inline uint32_t mm_numa_node_to_pxm(int nid)
{
	(void)nid;
	return UINT32_MAX;
}
static inline int mm_numa_add_memblk_flags(int nid, uint64_t start, uint64_t end, bool hotplug)
{
	(void)start, (void)end, (void)hotplug;
	return nid == 0 ? 0 : -1;
}
static inline int mm_numa_add_memblk(int nid, uint64_t start, uint64_t end)
{
	return mm_numa_add_memblk_flags(nid, start, end, false);
}
static inline int mm_numa_set_distance(int from, int to, uint8_t dist)
{
	return from == 0 && to == 0 && dist == LOCAL_DISTANCE ? 0 : -1;
}
static inline int mm_numa_set_cpu_node(unsigned int cpu, int nid)
{
	(void)cpu;
	return nid == 0 ? 0 : -1;
}
static inline void mm_numa_disable(const char *why)
{
	(void)why;
}
static inline int mm_numa_finalize(uint64_t ram_end)
{
	(void)ram_end;
	return 1;
}
static inline bool mm_node_online(int nid)
{
	return nid == 0;
}
static inline bool mm_node_has_memory(int nid)
{
	return nid == 0;
}
static inline int mm_first_online_node(void)
{
	return 0;
}
static inline int mm_next_online_node(int nid)
{
	(void)nid;
	return MAX_NUMNODES;
}
static inline int mm_node_distance(int a, int b)
{
	return a == b ? LOCAL_DISTANCE : REMOTE_DISTANCE;
}
static inline int mm_cpu_to_node(unsigned int cpu)
{
	(void)cpu;
	return 0;
}
static inline int mm_cpu_to_mem(unsigned int cpu)
{
	(void)cpu;
	return 0;
}
static inline int mm_phys_to_nid(uint64_t phys)
{
	(void)phys;
	return 0;
}
static inline int mm_pfn_to_nid(unsigned long pfn)
{
	(void)pfn;
	return 0;
}
/* No ranges are registered: mm/zone.c takes node 0's span from memblock. */
static inline unsigned long mm_node_start_pfn(int nid)
{
	(void)nid;
	return 0;
}
static inline unsigned long mm_node_end_pfn(int nid)
{
	(void)nid;
	return 0;
}
static inline int mm_numa_node_order(int nid, int out[MAX_NUMNODES])
{
	out[0] = 0;
	return nid == 0 ? 1 : 0;
}
static inline bool mm_numa_memblk(int i, int *nid, uint64_t *start, uint64_t *end, bool *hotplug)
{
	(void)i, (void)nid, (void)start, (void)end, (void)hotplug;
	return false;
}
static inline void mm_numa_print(void)
{
}
#endif /* MM_CONFIG_NUMA */

#define for_each_online_node(nid) \
	for ((nid) = mm_first_online_node(); (nid) < MAX_NUMNODES; (nid) = mm_next_online_node(nid))

#endif /* MM_NUMA_H */
