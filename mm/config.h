/*
 * mm/config.h - what an embedder may leave out of mm/, and the size of
 * every fixed table, each under #ifndef so that -DNAME=value on the
 * compiler's command line (or a header of the embedder's force-included
 * before this one) sets it. Everything defaults to the full allocator the
 * kernel of this repository runs.
 *
 * The layers (which files each one is: the Makefile's MM_*_SRCS lists and
 * docs/embedding.md "Configuration"):
 *
 *   core        memory map, memblock, zones, struct page, buddy, watermarks,
 *               per-CPU lists, page_alloc with its slowpath, vmstat, debug.
 *               Always there.
 *   RECLAIM     LRU lists, vmscan, kswapd, shrinkers, the OOM killer.
 *   PAGECACHE   the page cache (filemap); needs RECLAIM: its pages are
 *               only ever freed by reclaim, without which a page cache
 *               would fill memory for good.
 *   COMPACTION  migration, direct compaction, kcompactd, and the mapped
 *               virtual areas (vmarea) whose pages it can move.
 *   NUMA        the node registry (mm_numa_add_memblk, SRAT/SLIT parsing);
 *               off, mm/ is one node 0 and MAX_NUMNODES must be 1.
 *   FAIL_PAGE_ALLOC  fault injection into alloc_pages().
 *   SLAB        kmem_cache and kmalloc.
 *
 * A switched-off layer's header gives static inline stand-ins for what
 * the other layers call (mm_wakeup_kswapd does nothing, try_to_compact_*
 * says COMPACT_SKIPPED, mm_out_of_memory kills nothing), so callers compile
 * unchanged and the compiler drops the dead branches.
 */
#ifndef MM_CONFIG_H
#define MM_CONFIG_H

/* ---- layers: 1 in, 0 out ---- */

#ifndef MM_CONFIG_RECLAIM
#define MM_CONFIG_RECLAIM 1
#endif
#ifndef MM_CONFIG_PAGECACHE
#define MM_CONFIG_PAGECACHE MM_CONFIG_RECLAIM
#endif
#ifndef MM_CONFIG_COMPACTION
#define MM_CONFIG_COMPACTION 1
#endif
#ifndef MM_CONFIG_NUMA
#define MM_CONFIG_NUMA 1
#endif
#ifndef MM_CONFIG_FAIL_PAGE_ALLOC
#define MM_CONFIG_FAIL_PAGE_ALLOC 1
#endif
#ifndef MM_CONFIG_SLAB
#define MM_CONFIG_SLAB 1
#endif

#if (MM_CONFIG_RECLAIM != 0 && MM_CONFIG_RECLAIM != 1) || \
	(MM_CONFIG_PAGECACHE != 0 && MM_CONFIG_PAGECACHE != 1) || \
	(MM_CONFIG_COMPACTION != 0 && MM_CONFIG_COMPACTION != 1) || \
	(MM_CONFIG_NUMA != 0 && MM_CONFIG_NUMA != 1) || \
	(MM_CONFIG_FAIL_PAGE_ALLOC != 0 && MM_CONFIG_FAIL_PAGE_ALLOC != 1) || \
	(MM_CONFIG_SLAB != 0 && MM_CONFIG_SLAB != 1)
#error "mm/config.h: every MM_CONFIG_* switch is 0 or 1"
#endif
#if MM_CONFIG_PAGECACHE && !MM_CONFIG_RECLAIM
#error "mm/config.h: MM_CONFIG_PAGECACHE=1 needs MM_CONFIG_RECLAIM=1 (only reclaim frees page-cache pages)"
#endif

/* ---- table sizes ---- */

/* Memory nodes. Page flags keep the node in 3 bits: at most 8. Without
 * the NUMA layer there is one. */
#ifndef MAX_NUMNODES
#if MM_CONFIG_NUMA
#define MAX_NUMNODES 8
#else
#define MAX_NUMNODES 1
#endif
#endif
#if MAX_NUMNODES < 1 || MAX_NUMNODES > 8
#error "mm/config.h: MAX_NUMNODES must be 1..8 (page flags hold the node in 3 bits)"
#endif
#if !MM_CONFIG_NUMA && MAX_NUMNODES != 1
#error "mm/config.h: MM_CONFIG_NUMA=0 means one node: MAX_NUMNODES must be 1"
#endif

/* CPUs: mm_cpu_id() must stay below this. Each zone holds a per-CPU
 * list head set per CPU, and the event counters a row per CPU. */
#ifndef MM_MAX_CPUS
#define MM_MAX_CPUS 64
#endif
#if MM_MAX_CPUS < 1 || MM_MAX_CPUS > 1024
#error "mm/config.h: MM_MAX_CPUS must be 1..1024"
#endif

/* Entries of a firmware memory map (struct memmap). */
#ifndef MEMMAP_MAX
#define MEMMAP_MAX 256
#endif
#if MEMMAP_MAX < 4 || MEMMAP_MAX > 65536
#error "mm/config.h: MEMMAP_MAX must be 4..65536"
#endif

/* Regions of each memblock table (memory, reserved). */
#ifndef MEMBLOCK_MAX_REGIONS
#define MEMBLOCK_MAX_REGIONS 256
#endif
#if MEMBLOCK_MAX_REGIONS < 4 || MEMBLOCK_MAX_REGIONS > 65536
#error "mm/config.h: MEMBLOCK_MAX_REGIONS must be 4..65536"
#endif

/* Boot modules (initrd and the like) mm_bootinfo_parse records. */
#ifndef BOOTINFO_MAX_MODULES
#define BOOTINFO_MAX_MODULES 16
#endif
#if BOOTINFO_MAX_MODULES < 1 || BOOTINFO_MAX_MODULES > 1024
#error "mm/config.h: BOOTINFO_MAX_MODULES must be 1..1024"
#endif

/* Memory ranges the NUMA registry holds (Linux: NR_NODE_MEMBLKS). */
#ifndef NUMA_MAX_MEMBLKS
#define NUMA_MAX_MEMBLKS (MAX_NUMNODES * 4)
#endif
#if NUMA_MAX_MEMBLKS < MAX_NUMNODES || NUMA_MAX_MEMBLKS > 4096
#error "mm/config.h: NUMA_MAX_MEMBLKS must be MAX_NUMNODES..4096"
#endif

/* CPU numbers mm_numa_set_cpu_node accepts. */
#ifndef NUMA_MAX_CPUS
#define NUMA_MAX_CPUS MM_MAX_CPUS
#endif
#if NUMA_MAX_CPUS < 1 || NUMA_MAX_CPUS > 4096
#error "mm/config.h: NUMA_MAX_CPUS must be 1..4096"
#endif

#endif /* MM_CONFIG_H */
