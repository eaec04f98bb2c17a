/*
 * tools/mmsim/replay.h - replaying a Linux page-allocator trace through
 * mm/ (replay.c), Linux's own end state read from the capture log
 * (replay_linux.c), and the report that sets the two side by side
 * (replay_report.c).
 */
#ifndef TOOLS_MMSIM_REPLAY_H
#define TOOLS_MMSIM_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel_image.h"
#include "mm/gfp.h"
#include "mm/vmstat.h"
#include "trace_parse.h"

/* Linux's state after the traced run, from the capture log's
 * after-buddyinfo:, after-pagetypeinfo: and after-vmstat: lines; and,
 * when the log has them (tools/linux-trace/, not older logs), where
 * Linux's kernel lay (iomem: Kernel code/rodata/data/bss) and how many
 * pages its per-CPU lists held (after-zoneinfo: count:). */
#define REPLAY_LINUX_ZONES 8
struct replay_linux_end {
	unsigned int nr_zones; /* buddyinfo lines */
	struct {
		int node;
		char name[16];
		unsigned long free[MAX_ORDER];
	} zone[REPLAY_LINUX_ZONES];
	unsigned long blocks[MIGRATE_TYPES]; /* pageblocks by type, all zones */
	bool have_blocks;
	unsigned long nr_free_pages;
	unsigned long pgmigrate_success, compact_stall;
	unsigned long pageoutrun, compact_daemon_wake;
	bool have_vmstat;
	struct kernel_image kernel; /* nr 0: the log does not say */
	unsigned long pcp_count;    /* pages on the per-CPU lists, all zones and CPUs */
	unsigned int pcp_lists;	    /* count: lines read (0: the log does not say) */
};

/* Read @path's after-* lines. 0, or -1 with "PATH:LINE: why" (or "PATH:
 * why") in @err. */
int replay_read_linux_end(const char *path, struct replay_linux_end *le, char *err,
			  size_t errlen);

/* Free pages and the share in blocks of order >= 9 of Linux's buddyinfo. */
unsigned long replay_linux_free_pages(const struct replay_linux_end *le);
unsigned long replay_linux_free_high(const struct replay_linux_end *le, unsigned int min_order);

/* Order classes of the report. */
enum { REPLAY_ORDER0, REPLAY_ORDER1_3, REPLAY_ORDER4_8, REPLAY_ORDER9_10, NR_REPLAY_CLASSES };

/* What the replay saw and did. */
struct replay_stats {
	unsigned long events;
	unsigned long linux_ok[NR_REPLAY_CLASSES];   /* allocations Linux satisfied */
	unsigned long ours_ok[NR_REPLAY_CLASSES];    /* ... that mm/ satisfied too */
	unsigned long linux_failed, ours_of_failed;  /* Linux's failures, ours served */
	unsigned long frees, batched, batched_dup;   /* batched_dup: after its mm_page_free */
	unsigned long batched_only;		     /* batched free with no mm_page_free before */
	unsigned long unknown_frees;		     /* frees of pfns not held */
	unsigned long held_allocs;		     /* allocations at a pfn still held */
	unsigned long mismatched_frees;		     /* another order than allocated (split first) */
	unsigned long missed_frees;		     /* frees of blocks mm/ had failed to serve */
	unsigned long extfrag_fragmenting, extfrag_whole; /* the trace's */
	unsigned long noeffect[NR_TRACE_NOEFF];		  /* allocations naming such flags */
	unsigned long ballast;				  /* pages held from the start */
	unsigned long ballast_blocks;			  /* whole pageblocks among them */
	unsigned long migrated;				  /* replayed pages compaction moved */
	unsigned long held_pages;			  /* replayed pages held at the end */
	/* Pageblocks those pages lie in, and those holding just one of them:
	 * [0] ours, [1] Linux's (at the trace's pfns). */
	unsigned long held_blocks[2], held_single[2];
	unsigned long free_before;			  /* nr_free_pages as the replay began */
	unsigned int nr_cpus;				  /* CPUs replayed on, as traced */
	double parse_s, measure_s, replay_s;
};

/* mm/'s state at the end, gathered for the report. */
struct replay_end {
	unsigned long nr_free;
	unsigned long free_high; /* free pages in blocks of order >= 9 */
	unsigned long nr_free_drained, free_high_drained; /* per-CPU lists emptied */
	unsigned long blocks[MIGRATE_TYPES];
	unsigned long buddy[MM_BUDDYINFO_ZONES][MAX_ORDER];
	unsigned long fallback_fragmenting, fallback_whole;
	unsigned long compact_stall, pgmigrate_success;
	unsigned long kswapd_rounds, kcompactd_wakeups;
	int problems; /* mm_check_invariants */
};

/* Run a trace (FILE or "-" for stdin) after boot: parse it, size the
 * ballast when Linux's end state @le (replay_read_linux_end) is given,
 * replay, report; with @sample, print the free pages by order every
 * @sample events. Returns 0, 1 when mm/ broke an invariant, 2 for bad
 * input (message on stderr). */
int mmsim_replay(const char *path, const struct replay_linux_end *le, bool lenient,
		 unsigned long sample);

/* Print the report (replay_report.c); @le NULL without a Linux log. */
void replay_report(const struct trace_parser *p, const struct replay_stats *st,
		   const struct replay_end *end, const struct replay_linux_end *le);

#endif
