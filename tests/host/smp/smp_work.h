/*
 * tests/host/smp/smp_work.h - the workloads the SMP harness runs on every
 * CPU at once (smp_work.c) and the books it keeps, for smp_stress.c.
 */
#ifndef TESTS_HOST_SMP_SMP_WORK_H
#define TESTS_HOST_SMP_SMP_WORK_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "mm/filemap.h"
#include "mm/oom.h"
#include "mm/page.h"
#include "mm/vmarea.h"

#define SMP_WORK_MAX_CPUS 16

struct smp_block {
	struct page *page;
	unsigned int order;
};

/* A memory hog the OOM killer may pick: its pages, under its own lock
 * (the killer runs on whichever CPU's allocation failed). */
struct smp_hog {
	struct oom_task task;
	pthread_mutex_t lock;
	struct page **pages;
	unsigned long nr, cap;
	unsigned long bad;   /* pages whose stamp was wrong when freed */
	bool killed;	     /* by the OOM killer or the owner's release */
	unsigned long kills; /* by the OOM killer (not the owner's release) */
};

/* Figures of one CPU; summed for the report. */
struct smp_figures {
	unsigned long allocs, alloc_fails, frees, given, taken, bad_stamps, not_zeroed;
	unsigned long writes, reads, verified, enomem, mismatches;
	unsigned long drains, pcp_toggles, compactions, high_order_ok, high_order_tries;
	unsigned long migrated;		      /* pages compact_memory moved */
	unsigned long va_writes, va_verified; /* through the CPU's vmarea, pinned */
	unsigned long hog_pages, hog_kills_seen;
	unsigned long pages_allocated, pages_freed; /* harness blocks, in pages */
};

struct smp_cpu_work {
	unsigned int cpu;
	uint64_t rnd;
	struct smp_block *held;
	unsigned long nheld, cap, held_pages;
	struct address_space file; /* this CPU's own file */
	uint32_t *version;	   /* last version written per page, 0 none */
	struct vmarea va;	   /* kernel-mapped movable pages of this CPU */
	uint32_t *va_version;	   /* per slot, 0: unmapped */
	struct smp_hog hog;
	struct smp_figures f;
	unsigned char buf[4096] __attribute__((aligned(64)));
};

enum smp_phase {
	PHASE_ALLOC,   /* every order and gfp, cross-CPU frees, drains, pcp on/off */
	PHASE_CACHE,   /* page-cache reads and writes under reclaim */
	PHASE_COMPACT, /* high-order requests over cached pages: compaction */
	PHASE_OOM,     /* hogs until the OOM killer picks some */
	NR_SMP_PHASES
};

struct smp_work {
	unsigned int nr_cpus;
	unsigned long ops;	     /* operations per CPU per phase */
	unsigned long hold_pages;    /* per CPU in blocks */
	unsigned long ballast_pages; /* per CPU, held through the cache and compaction phases */
	uint64_t file_pages;	     /* per CPU file */
	uint64_t shared_pages;	     /* the file every CPU reads */
	struct block_device *bdev;
	struct address_space shared; /* written once, read by all */
	uint64_t exchange[64];	     /* blocks handed to another CPU: pfn << 4 | order, 0 empty */
	struct smp_cpu_work cpu[SMP_WORK_MAX_CPUS];
};

/* Set up @w's files (on @w->bdev) and per-CPU state. Context: a CPU,
 * before the phases. Returns 0 or -1. */
int smp_work_init(struct smp_work *w, uint64_t seed);
/* One CPU's share of @phase. */
void smp_work_phase(struct smp_work *w, unsigned int cpu, enum smp_phase phase);
const char *smp_phase_name(enum smp_phase phase);
/* Blocks left in the exchange are freed (all CPUs parked). */
void smp_work_drain_exchange(struct smp_work *w);
/* Pages the harness owns now: blocks, hogs, exchange (not the cache). */
unsigned long smp_work_owned_pages(const struct smp_work *w);
/* Free everything, write back, drop the cache and read every file page
 * back from the disk. Returns problems found. All CPUs parked. */
int smp_work_finish(struct smp_work *w);
void smp_work_sum(const struct smp_work *w, struct smp_figures *out);

#endif /* TESTS_HOST_SMP_SMP_WORK_H */
