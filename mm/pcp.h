/*
 * mm/pcp.h - switching the per-CPU page lists off and on at run time, for
 * benchmarks that compare the allocator with and without them (cmdline
 * pcp=off, tests/kernel/bench_smp.c), and re-sizing them when the number
 * of CPUs changes.
 */
#ifndef MM_PCP_H
#define MM_PCP_H

#include <stdbool.h>

/*
 * Off: every CPU's lists are drained and kept at high 0, batch 1, so each
 * free goes straight back to the buddy lists and each allocation takes one
 * page under zone->lock (Linux's behaviour with percpu_pagelist_high_fraction
 * at its floor, minus the batching). On: Linux's sizing again. Watermark
 * changes (mm_setup_per_zone_wmarks) keep the setting. Context: thread.
 */
void mm_pcp_set_enabled(bool on);
bool mm_pcp_enabled(void);

/*
 * The number of CPUs changed (a CPU came online or went away, or a host
 * plays more CPUs than at boot): each CPU's high is the zone's low
 * watermark split among them again, as Linux does on CPU hotplug.
 * Context: thread.
 */
void mm_pcp_nr_cpus_changed(void);

#endif /* MM_PCP_H */
