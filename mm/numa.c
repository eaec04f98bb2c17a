/*
 * mm/numa.c - the NUMA topology registry (see numa.h): firmware input is
 * collected here, checked once in mm_numa_finalize, and read by everyone
 * afterwards. Small fixed tables; no allocation.
 */
#include "numa.h"
#include "host.h"
#include "util.h"

struct numa_memblk {
	uint64_t start, end; /* bytes, [start, end), page-aligned */
	int nid;
	bool hotplug;
};

static struct numa_memblk blks[NUMA_MAX_MEMBLKS];
static int nr_blks;

static uint32_t node_pxm[MAX_NUMNODES]; /* node id -> proximity domain */
static int nr_pxm;

/* 0: not given (mm_node_distance answers the default). */
static uint8_t distance[MAX_NUMNODES][MAX_NUMNODES];
static bool distance_bad;

/* Node + 1 of each CPU; 0 (also before any mm_numa_reset): not told. */
static uint8_t cpu_node1[NUMA_MAX_CPUS];
#define cpu_nid(c) ((int)cpu_node1[c] - 1)

static const char *disabled_why;
static bool memblk_error; /* a mm_numa_add_memblk call failed */
static bool faked;	  /* mm_numa_finalize fell back to one node */

static uint32_t online_mask = 1, memory_mask = 1;
static int default_nid; /* for CPUs the firmware did not place */
unsigned int mm_nr_node_ids = 1;

/* Physical addresses above 52 bits do not exist on x86_64 (nor, so far,
 * elsewhere): a range reaching there is a firmware bug. */
#define NUMA_MAX_PHYS (1ULL << 52)

static bool nid_valid(int nid)
{
	return nid >= 0 && nid < MAX_NUMNODES;
}

void mm_numa_reset(void)
{
	nr_blks = 0;
	nr_pxm = 0;
	mm_memset(distance, 0, sizeof(distance));
	distance_bad = false;
	mm_memset(cpu_node1, 0, sizeof(cpu_node1));
	disabled_why = NULL;
	memblk_error = false;
	faked = false;
	online_mask = memory_mask = 1;
	default_nid = 0;
	mm_nr_node_ids = 1;
}

int mm_numa_pxm_lookup(uint32_t pxm)
{
	for (int i = 0; i < nr_pxm; i++)
		if (node_pxm[i] == pxm)
			return i;
	return NUMA_NO_NODE;
}

int mm_numa_pxm_to_node(uint32_t pxm)
{
	int nid = mm_numa_pxm_lookup(pxm);

	if (nid != NUMA_NO_NODE)
		return nid;
	if (nr_pxm >= MAX_NUMNODES)
		return NUMA_NO_NODE;
	node_pxm[nr_pxm] = pxm;
	return nr_pxm++;
}

uint32_t mm_numa_node_to_pxm(int nid)
{
	return nid >= 0 && nid < nr_pxm ? node_pxm[nid] : UINT32_MAX;
}

int mm_numa_add_memblk_flags(int nid, uint64_t start, uint64_t end, bool hotplug)
{
	if (!nid_valid(nid)) {
		mm_printk("NUMA: node %d for [mem 0x%llx-0x%llx] is not a valid node id (0-%d)\n",
			  nid, (unsigned long long)start, (unsigned long long)end - 1,
			  MAX_NUMNODES - 1);
		memblk_error = true;
		return -1;
	}
	if (end <= start || end > NUMA_MAX_PHYS) {
		mm_printk("NUMA: node %d range [0x%llx, 0x%llx) is empty, reversed or beyond "
			  "52 address bits\n",
			  nid, (unsigned long long)start, (unsigned long long)end);
		memblk_error = true;
		return -1;
	}
	uint64_t s = mm_align_up(start, MM_PAGE_SIZE), e = mm_align_down(end, MM_PAGE_SIZE);
	if (s >= e) {
		mm_printk("NUMA: node %d [mem 0x%llx-0x%llx] holds no whole page, ignored\n", nid,
			  (unsigned long long)start, (unsigned long long)end - 1);
		return 0;
	}
	for (int i = 0; i < nr_blks; i++) {
		const struct numa_memblk *b = &blks[i];
		if (b->nid == nid || e <= b->start || b->end <= s)
			continue;
		mm_printk("NUMA: node %d [mem 0x%llx-0x%llx] overlaps with node %d "
			  "[mem 0x%llx-0x%llx]\n",
			  nid, (unsigned long long)s, (unsigned long long)e - 1, b->nid,
			  (unsigned long long)b->start, (unsigned long long)b->end - 1);
		memblk_error = true;
		return -1;
	}
	if (nr_blks >= NUMA_MAX_MEMBLKS) {
		mm_printk("NUMA: too many memory ranges (%d), node %d [mem 0x%llx-0x%llx] "
			  "dropped\n",
			  NUMA_MAX_MEMBLKS, nid, (unsigned long long)s, (unsigned long long)e - 1);
		memblk_error = true;
		return -1;
	}
	blks[nr_blks++] = (struct numa_memblk){ s, e, nid, hotplug };
	return 0;
}

int mm_numa_add_memblk(int nid, uint64_t start, uint64_t end)
{
	return mm_numa_add_memblk_flags(nid, start, end, false);
}

int mm_numa_set_distance(int from, int to, uint8_t dist)
{
	if (!nid_valid(from) || !nid_valid(to)) {
		mm_printk("NUMA: distance %d->%d: no such node, ignored\n", from, to);
		return -1;
	}
	if ((from == to && dist != LOCAL_DISTANCE) || (from != to && dist <= LOCAL_DISTANCE)) {
		mm_printk("NUMA: distance %d->%d is %u, but a node is %d from itself and further "
			  "from any other: all distances dropped\n",
			  from, to, dist, LOCAL_DISTANCE);
		distance_bad = true;
		return -1;
	}
	distance[from][to] = dist;
	return 0;
}

int mm_numa_set_cpu_node(unsigned int cpu, int nid)
{
	if (cpu >= NUMA_MAX_CPUS || !nid_valid(nid)) {
		mm_printk("NUMA: CPU %u on node %d: out of range, ignored\n", cpu, nid);
		return -1;
	}
	cpu_node1[cpu] = (uint8_t)(nid + 1);
	return 0;
}

void mm_numa_disable(const char *why)
{
	if (!disabled_why)
		disabled_why = why;
}

/* One node 0 for everything, as on a machine without NUMA. */
static int numa_fallback(const char *why, uint64_t ram_end)
{
	mm_printk("NUMA: %s; faking one node at [mem 0x0-0x%llx]\n", why,
		  (unsigned long long)ram_end - 1);
	nr_blks = 0;
	if (ram_end)
		blks[nr_blks++] = (struct numa_memblk){ 0, ram_end, 0, false };
	nr_pxm = 0;
	mm_memset(distance, 0, sizeof(distance));
	for (int i = 0; i < NUMA_MAX_CPUS; i++)
		if (cpu_node1[i])
			cpu_node1[i] = 1;
	online_mask = memory_mask = 1;
	default_nid = 0;
	mm_nr_node_ids = 1;
	faked = true;
	return 1;
}

static void blks_sort(void)
{
	for (int i = 1; i < nr_blks; i++) {
		struct numa_memblk b = blks[i];
		int j = i;
		for (; j > 0 && blks[j - 1].start > b.start; j--)
			blks[j] = blks[j - 1];
		blks[j] = b;
	}
}

/*
 * Sorted, and free of cross-node overlaps: join a node's ranges that touch
 * or overlap. Unlike Linux, ranges separated by a gap stay apart, so the
 * list keeps saying where the firmware put memory (the span still covers
 * the gap, and mm_pfn_to_nid gives the gap to the range below it).
 */
static void blks_merge(void)
{
	int out = 0;

	for (int i = 0; i < nr_blks; i++) {
		struct numa_memblk *last = out ? &blks[out - 1] : NULL;
		const struct numa_memblk *b = &blks[i];
		if (last && last->nid == b->nid && last->hotplug == b->hotplug &&
		    b->start <= last->end) {
			last->end = mm_max_u64(last->end, b->end);
			continue;
		}
		blks[out++] = *b;
	}
	nr_blks = out;
}

static int nodes_online(void)
{
	int n = 0;

	for (uint32_t m = online_mask; m; m &= m - 1)
		n++;
	return n;
}

int mm_numa_finalize(uint64_t ram_end)
{
	ram_end = mm_align_down(ram_end, MM_PAGE_SIZE);
	if (disabled_why)
		return numa_fallback(disabled_why, ram_end);
	if (memblk_error)
		return numa_fallback("the firmware's memory ranges are inconsistent (above)",
				     ram_end);
	if (!nr_blks)
		return numa_fallback("no NUMA configuration found", ram_end);

	int out = 0;
	for (int i = 0; i < nr_blks; i++) {
		struct numa_memblk b = blks[i];
		if (b.start >= ram_end) {
			mm_printk("NUMA: node %d [mem 0x%llx-0x%llx] lies above the end of RAM, "
				  "ignored\n",
				  b.nid, (unsigned long long)b.start,
				  (unsigned long long)b.end - 1);
			continue;
		}
		b.end = mm_min_u64(b.end, ram_end);
		blks[out++] = b;
	}
	nr_blks = out;
	if (!nr_blks)
		return numa_fallback("no node has memory below the end of RAM", ram_end);
	blks_sort();
	blks_merge();

	if (distance_bad) {
		mm_printk("NUMA: distance table rejected, using %d local and %d remote\n",
			  LOCAL_DISTANCE, REMOTE_DISTANCE);
		mm_memset(distance, 0, sizeof(distance));
	}

	memory_mask = online_mask = 0;
	for (int i = 0; i < nr_blks; i++)
		memory_mask |= 1u << blks[i].nid;
	online_mask = memory_mask;
	for (int c = 0; c < NUMA_MAX_CPUS; c++)
		if (cpu_node1[c])
			online_mask |= 1u << cpu_nid(c);
	mm_nr_node_ids = 0;
	for (int n = 0; n < MAX_NUMNODES; n++)
		if (online_mask & (1u << n))
			mm_nr_node_ids = (unsigned int)n + 1;
	/* The lowest node with memory: 0 unless node 0 is memoryless. */
	default_nid = 0;
	while (!(memory_mask & (1u << default_nid)))
		default_nid++;
	return nodes_online();
}

bool mm_node_online(int nid)
{
	return nid_valid(nid) && (online_mask & (1u << nid));
}

bool mm_node_has_memory(int nid)
{
	return nid_valid(nid) && (memory_mask & (1u << nid));
}

int mm_next_online_node(int nid)
{
	for (nid++; nid < MAX_NUMNODES; nid++)
		if (online_mask & (1u << nid))
			return nid;
	return MAX_NUMNODES;
}

int mm_first_online_node(void)
{
	return mm_next_online_node(-1);
}

int mm_node_distance(int a, int b)
{
	if (nid_valid(a) && nid_valid(b) && distance[a][b])
		return distance[a][b];
	return a == b ? LOCAL_DISTANCE : REMOTE_DISTANCE;
}

int mm_cpu_to_node(unsigned int cpu)
{
	if (cpu < NUMA_MAX_CPUS && cpu_node1[cpu])
		return cpu_nid(cpu);
	return default_nid;
}

/* @nid itself when it has memory, else the nearest node that has some. */
static int nearest_memory_node(int nid)
{
	int order[MAX_NUMNODES];
	int n = mm_numa_node_order(nid, order);

	for (int i = 0; i < n; i++)
		if (mm_node_has_memory(order[i]))
			return order[i];
	return default_nid;
}

int mm_cpu_to_mem(unsigned int cpu)
{
	return nearest_memory_node(mm_cpu_to_node(cpu));
}

int mm_phys_to_nid(uint64_t phys)
{
	int below = -1, lowest = -1;

	for (int i = 0; i < nr_blks; i++) {
		const struct numa_memblk *b = &blks[i];
		if (phys >= b->start && phys < b->end)
			return b->nid;
		if (b->start <= phys && (below < 0 || b->start > blks[below].start))
			below = i;
		if (lowest < 0 || b->start < blks[lowest].start)
			lowest = i;
	}
	if (below >= 0)
		return blks[below].nid;
	return lowest >= 0 ? blks[lowest].nid : 0;
}

int mm_pfn_to_nid(unsigned long pfn)
{
	return mm_phys_to_nid((uint64_t)pfn << MM_PAGE_SHIFT);
}

unsigned long mm_node_start_pfn(int nid)
{
	uint64_t s = UINT64_MAX;

	for (int i = 0; i < nr_blks; i++)
		if (blks[i].nid == nid)
			s = mm_min_u64(s, blks[i].start);
	return s == UINT64_MAX ? 0 : (unsigned long)(s >> MM_PAGE_SHIFT);
}

unsigned long mm_node_end_pfn(int nid)
{
	uint64_t e = 0;

	for (int i = 0; i < nr_blks; i++)
		if (blks[i].nid == nid)
			e = mm_max_u64(e, blks[i].end);
	return (unsigned long)(e >> MM_PAGE_SHIFT);
}

int mm_numa_node_order(int nid, int out[MAX_NUMNODES])
{
	if (!mm_node_online(nid))
		return 0;
	int n = 0;
	out[n++] = nid;
	for (int o = mm_first_online_node(); o < MAX_NUMNODES; o = mm_next_online_node(o)) {
		if (o == nid)
			continue;
		/* Insertion keeps equal distances in id order (o grows). */
		int j = n;
		while (j > 1 && mm_node_distance(nid, out[j - 1]) > mm_node_distance(nid, o)) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = o;
		n++;
	}
	return n;
}

bool mm_numa_memblk(int i, int *nid, uint64_t *start, uint64_t *end, bool *hotplug)
{
	if (i < 0 || i >= nr_blks)
		return false;
	*nid = blks[i].nid;
	*start = blks[i].start;
	*end = blks[i].end;
	*hotplug = blks[i].hotplug;
	return true;
}

/* "0-1,3" for the CPUs on @nid, into @buf (truncated with "..."). */
static void cpulist(int nid, char *buf, size_t size)
{
	size_t len = 0;
	bool any = false;

	buf[0] = 0;
	for (int c = 0; c < NUMA_MAX_CPUS; c++) {
		if (cpu_nid(c) != nid || (c > 0 && cpu_nid(c - 1) == nid))
			continue;
		int last = c;
		while (last + 1 < NUMA_MAX_CPUS && cpu_nid(last + 1) == nid)
			last++;
		char item[12];
		size_t k = 0;
		for (int v = c, pass = 0; pass < (last > c ? 2 : 1); pass++, v = last) {
			char digits[4];
			int d = 0;
			do {
				digits[d++] = (char)('0' + v % 10);
				v /= 10;
			} while (v);
			if (pass)
				item[k++] = '-';
			while (d)
				item[k++] = digits[--d];
		}
		if (len + k + 5 >= size) {
			mm_memcpy(buf + len, ",...", 5);
			return;
		}
		if (any)
			buf[len++] = ',';
		mm_memcpy(buf + len, item, k);
		len += k;
		buf[len] = 0;
		any = true;
	}
}

void mm_numa_print(void)
{
	int nid;
	char cpus[64];

	int nodes = nodes_online();
	bool given = false;

	for (int a = 0; a < MAX_NUMNODES; a++)
		for (int b = 0; b < MAX_NUMNODES; b++)
			given |= distance[a][b] != 0;
	mm_printk("NUMA: %d node%s online, %s distances\n", nodes, nodes == 1 ? "" : "s",
		  given ? "firmware" : "default");
	for (int i = 0; i < nr_blks; i++)
		mm_printk("NUMA: node %d [mem 0x%llx-0x%llx]%s\n", blks[i].nid,
			  (unsigned long long)blks[i].start, (unsigned long long)blks[i].end - 1,
			  blks[i].hotplug ? " hotplug" : "");
	for_each_online_node(nid) {
		cpulist(nid, cpus, sizeof(cpus));
		const char *c = faked ? "all" : cpus[0] ? cpus : "none";
		if (mm_node_has_memory(nid))
			mm_printk("NUMA: node %d: span pfn 0x%lx-0x%lx, CPUs %s\n", nid,
				  mm_node_start_pfn(nid), mm_node_end_pfn(nid) - 1, c);
		else
			mm_printk("NUMA: node %d: memoryless, CPUs %s, allocating from node %d\n",
				  nid, c, nearest_memory_node(nid));
	}
	for_each_online_node(nid) {
		int to;
		for_each_online_node(to)
			if (to != nid)
				mm_printk("NUMA: distance %d->%d %d\n", nid, to,
					  mm_node_distance(nid, to));
	}
}
