/*
 * tools/mmsim/mmsim.h - what mmsim's command line (main.c) calls in the
 * workload half (workloads.c), which runs after mm_init() on the host.
 */
#ifndef TOOLS_MMSIM_MMSIM_H
#define TOOLS_MMSIM_MMSIM_H

#include <stdbool.h>

/* Run workload @name for @steps steps with random seed @seed. Returns 0,
 * or 2 for an unknown workload (after printing "unknown workload"), or 1
 * when the workload itself failed. */
int mmsim_run_workload(const char *name, unsigned long seed, unsigned long steps);

/* Print one report named @what ("buddyinfo", "zoneinfo", "vmstat", ...).
 * Returns 0, or 2 when @what is unknown (after printing why). */
int mmsim_print(const char *what);

/* The highalloc workloads (highalloc.c): mixed, or movable pages only. */
int mmsim_highalloc(unsigned long seed, bool movable);

/* The reclaim workload (reclaim.c): 0 only if every check held. */
int mmsim_reclaim(unsigned long seed, unsigned long steps);

/* The soak workload (soak.c): 0 only if every check held. */
int mmsim_soak(unsigned long seed, unsigned long steps);

/* kmem_cache_init() once, when a workload or report first needs the slab
 * allocator (the kernel does it at boot; mmsim later, so that workloads
 * without slab keep their figures). Returns 0, or -1 after a message. */
int mmsim_slab_ready(void);

/* The slab workload (slab.c): 0 only if every check held. */
int mmsim_slab(unsigned long seed, unsigned long steps);

#endif
