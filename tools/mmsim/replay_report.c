/*
 * tools/mmsim/replay_report.c - the replay's report: what the trace held,
 * what mm/ made of it, and Linux's own end state beside ours when the
 * capture log was given. Every line starts with "replay: " so scripts can
 * pick them out of mmsim's output (docs/replay.md explains each).
 */
#include <stdio.h>
#include <string.h>

#include "replay.h"

static double pct(unsigned long part, unsigned long whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void report_counts(const struct trace_parser *p, const struct replay_stats *st)
{
	printf("replay: %lu events: %lu allocs (%lu failed in Linux), %lu frees, %lu batched frees, "
	       "%lu extfrag; %lu frees of unknown pages, %lu allocations at held pages; %lu bad "
	       "lines\n",
	       st->events, p->nr[TRACE_EV_ALLOC], p->nr_failed, p->nr[TRACE_EV_FREE],
	       p->nr[TRACE_EV_FREE_BATCHED], p->nr[TRACE_EV_EXTFRAG], st->unknown_frees,
	       st->held_allocs, p->bad_lines);
	printf("replay: batched frees: %lu after their mm_page_free (the same free), %lu alone; "
	       "%lu frees of another order than allocated; %lu frees of blocks mm/ had refused; "
	       "%lu lines without a page event; %lu events lost in Linux\n",
	       st->batched_dup, st->batched_only, st->mismatched_frees, st->missed_frees,
	       p->other_lines, p->lost_events);
}

static void report_satisfied(const struct replay_stats *st)
{
	static const char *const names[NR_REPLAY_CLASSES] = { "order 0", "orders 1-3",
							      "orders 4-8", "orders 9-10" };

	printf("replay: satisfied:");
	for (int c = 0; c < NR_REPLAY_CLASSES; c++)
		printf("%s %s %lu/%lu", c ? "," : "", names[c], st->ours_ok[c], st->linux_ok[c]);
	printf("; of Linux's failures %lu/%lu\n", st->ours_of_failed, st->linux_failed);
}

static void report_noeffect(const struct replay_stats *st)
{
	bool any = false;

	printf("replay: gfp flags that do not change placement in mm/ (allocations naming them):");
	for (int i = 0; i < NR_TRACE_NOEFF; i++) {
		if (!st->noeffect[i])
			continue;
		printf("%s %s %lu", any ? "," : "", trace_noeffect_names[i], st->noeffect[i]);
		any = true;
	}
	printf("%s\n", any ? "" : " none");
}

/* Our buddyinfo line beside Linux's for each zone Linux printed. */
static void report_buddyinfo(const struct replay_end *end, const struct replay_linux_end *le)
{
	static const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal" };

	for (unsigned int z = 0; z < le->nr_zones; z++) {
		int zi = -1;

		for (int i = 0; i < MAX_NR_ZONES; i++)
			if (!strcmp(le->zone[z].name, zone_names[i]))
				zi = i;
		if (zi < 0 || le->zone[z].node < 0 || le->zone[z].node >= MAX_NUMNODES)
			continue;
		printf("replay: buddyinfo %-6s ours ", le->zone[z].name);
		for (int o = 0; o < MAX_ORDER; o++)
			printf(" %6lu", end->buddy[le->zone[z].node * MAX_NR_ZONES + zi][o]);
		printf("\nreplay: buddyinfo %-6s Linux", le->zone[z].name);
		for (int o = 0; o < MAX_ORDER; o++)
			printf(" %6lu", le->zone[z].free[o]);
		printf("\n");
	}
}

void replay_report(const struct trace_parser *p, const struct replay_stats *st,
		   const struct replay_end *end, const struct replay_linux_end *le)
{
	double total = st->parse_s + st->measure_s + st->replay_s;

	report_counts(p, st);
	if (le && le->pcp_lists)
		printf("replay: ballast %lu pages (end free %lu + %lu on per-CPU lists, Linux %lu + "
		       "%lu)\n",
		       st->ballast, end->nr_free, end->nr_free_drained - end->nr_free,
		       le->nr_free_pages, le->pcp_count);
	else if (le)
		printf("replay: ballast %lu pages (end free %lu, Linux %lu)\n", st->ballast,
		       end->nr_free, le->nr_free_pages);
	else
		printf("replay: no ballast (no --replay-linux-end); end free %lu\n", end->nr_free);
	printf("replay: free pages %lu before the replay, %lu after (%lu with the per-CPU lists "
	       "of the %u CPUs emptied); replayed blocks still held: %lu pages\n",
	       st->free_before, end->nr_free, end->nr_free_drained, st->nr_cpus, st->held_pages);
	printf("replay: those held blocks lie in %lu pageblocks, %lu of which hold one page of "
	       "them (at the trace's pfns in Linux: %lu and %lu)\n",
	       st->held_blocks[0], st->held_single[0], st->held_blocks[1], st->held_single[1]);
	report_satisfied(st);
	printf("replay: fallbacks: %lu fragmenting, %lu whole-pageblock (trace's own "
	       "mm_page_alloc_extfrag: %lu fragmenting, %lu whole)\n",
	       end->fallback_fragmenting, end->fallback_whole, st->extfrag_fragmenting,
	       st->extfrag_whole);
	printf("replay: pageblocks at the end: unmovable %lu movable %lu reclaimable %lu",
	       end->blocks[MIGRATE_UNMOVABLE], end->blocks[MIGRATE_MOVABLE],
	       end->blocks[MIGRATE_RECLAIMABLE]);
	if (le && le->have_blocks)
		printf(" (Linux %lu/%lu/%lu)", le->blocks[MIGRATE_UNMOVABLE],
		       le->blocks[MIGRATE_MOVABLE], le->blocks[MIGRATE_RECLAIMABLE]);
	if (st->ballast_blocks)
		printf("; the ballast fills %lu unmovable pageblocks", st->ballast_blocks);
	printf("\nreplay: free in blocks of order >= 9 at the end: %.1f%% of free pages",
	       pct(end->free_high, end->nr_free));
	if (le)
		printf(" (Linux %.1f%%)", pct(replay_linux_free_high(le, 9),
					      replay_linux_free_pages(le)));
	printf("; after emptying the per-CPU lists (%lu pages): %.1f%%",
	       end->nr_free_drained - end->nr_free,
	       pct(end->free_high_drained, end->nr_free_drained));
	/* Like for like: the lists' pages are free memory outside any
	 * order-9 block on both sides (Linux's count is from its log). */
	if (le && le->pcp_lists)
		printf("\nreplay: free in blocks of order >= 9, the per-CPU lists' pages counted as "
		       "free (ours %lu, Linux %lu): %.1f%% (Linux %.1f%%)",
		       end->nr_free_drained - end->nr_free, le->pcp_count,
		       pct(end->free_high, end->nr_free_drained),
		       pct(replay_linux_free_high(le, 9),
			   replay_linux_free_pages(le) + le->pcp_count));
	printf("\nreplay: migrated %lu pages, compact_stall %lu, kswapd passes %lu, kcompactd "
	       "wakeups %lu",
	       st->migrated, end->compact_stall, end->kswapd_rounds, end->kcompactd_wakeups);
	if (le)
		printf(" (Linux %lu, %lu, pageoutrun %lu, compact_daemon_wake %lu)",
		       le->pgmigrate_success, le->compact_stall, le->pageoutrun,
		       le->compact_daemon_wake);
	printf("; %.2f s, %.0f events/s (parse %.2f s, measuring pass %.2f s, replay %.2f s); "
	       "mm_check_invariants %d problems\n",
	       total, total > 0 ? (double)st->events / total : 0.0, st->parse_s, st->measure_s,
	       st->replay_s, end->problems);
	report_noeffect(st);
	if (!le)
		return;
	report_buddyinfo(end, le);
	/* Linux's end in replay-sample's form, for tools/plot-replay.sh. */
	printf("replay-linux-end,%lu", st->events);
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long pages = 0;

		for (unsigned int z = 0; z < le->nr_zones; z++)
			pages += le->zone[z].free[o] << o;
		printf(",%lu", pages);
	}
	printf("\n");
}
