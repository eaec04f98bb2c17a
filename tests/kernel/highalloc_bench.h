/*
 * tests/kernel/highalloc_bench.h - a stress-highalloc-like benchmark for
 * the kernel (suite "highalloc") and mmsim (workloads "highalloc" and
 * "highalloc-movable"), in two kinds:
 *
 *  mixed    fill most of free memory with page cache, vmarea pages and a
 *           few unmovable pages, free about half of the movable pages at
 *           random;
 *  movable  Linux's own measure (../shared/README.md): fill 90% of free
 *           memory with vmarea pages only, written through their mapping
 *           (anonymous memory without swap: nothing reclaim can drop),
 *           free a random half page by page;
 *
 * then ask for as many order-9 blocks as possible with GFP_KERNEL |
 * __GFP_RETRY_MAYFAIL until HIGHALLOC_GIVE_UP fail in a row, holding each
 * one, and report the success rate against the most that could exist,
 * the latency per request, the pages migrated and each scanner's work;
 * every page's content and mapping is verified at the end.
 *
 * Freestanding (mm/ interfaces only), so both programs run the same code.
 */
#ifndef TESTS_KERNEL_HIGHALLOC_BENCH_H
#define TESTS_KERNEL_HIGHALLOC_BENCH_H

#include "tests/kernel/compaction_mix.h"
#include "mm/compaction.h"
#include "mm/compact_zone.h"
#include "mm/migrate.h"
#include "mm/vmscan.h"

#define HIGHALLOC_GFP (GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)
#define HIGHALLOC_GIVE_UP 8 /* failures in a row that end the run */

enum highalloc_kind { HIGHALLOC_MIXED, HIGHALLOC_MOVABLE };

struct highalloc_result {
	enum highalloc_kind kind;
	unsigned long cache, vmarea, unmovable, free_before; /* after thinning */
	unsigned long unmovable_blocks;
	unsigned long max_issue; /* (free + movable) / 512, less unmovable blocks (mixed) */
	unsigned long attempts, got;
	uint64_t total_ns, worst_ns;
	unsigned long migrated, stalls, compact_success, reclaimed;
	unsigned long migrate_scanned, free_scanned; /* both scanners, direct and kcompactd */
	unsigned long bad; /* pages whose content or owner was wrong */
};

static inline unsigned long highalloc_free_pages(void)
{
	unsigned long sum = 0;
	struct zone *z;

	drain_all_pages(NULL);
	for_each_zone(z)
		sum += (unsigned long)zone_page_state(z, NR_FREE_PAGES);
	return sum;
}

/* 0, or a negative error when the scenario could not be set up. */
static inline int highalloc_run_kind(struct highalloc_result *r, uint64_t seed,
				     enum highalloc_kind kind)
{
	static struct cmix m;
	struct list_head blocks;
	unsigned long free0 = highalloc_free_pages(), fails = 0, movable;
	unsigned long mig0 = mm_migrate_event_count(PGMIGRATE_SUCCESS);
	unsigned long stall0 = mm_compact_event_count(COMPACTSTALL);
	unsigned long succ0 = mm_compact_event_count(COMPACTSUCCESS);
	unsigned long steal0 = mm_global_reclaim_event(PGSTEAL_KSWAPD) +
			       mm_global_reclaim_event(PGSTEAL_DIRECT);
	unsigned long mscan0 = mm_compact_zone_event_count(COMPACTMIGRATE_SCANNED);
	unsigned long fscan0 = mm_compact_zone_event_count(COMPACTFREE_SCANNED);
	int err;

	mm_memset(r, 0, sizeof(*r));
	r->kind = kind;
	INIT_LIST_HEAD(&blocks);
	err = cmix_init(&m, free0);
	if (err)
		return err;
	m.seed ^= seed;
	if (kind == HIGHALLOC_MOVABLE)
		cmix_fill_va(&m, free0 / 10); /* 90% of free memory, vmarea only */
	else
		/* 90% of free memory: cache at every index, a vmarea page at
		 * one in four, an unmovable page per 64 movable ones. */
		cmix_fill(&m, free0 / 10, 4, 64);
	cmix_thin(&m, 50);
	r->cache = m.nr_file;
	r->vmarea = m.nr_va;
	r->unmovable = m.nr_unmovable;
	r->free_before = highalloc_free_pages();
	r->unmovable_blocks = cmix_unmovable_blocks(&m);
	movable = m.nr_file + m.nr_va;
	r->max_issue = (r->free_before + movable) / pageblock_nr_pages;
	if (kind == HIGHALLOC_MIXED)
		r->max_issue = r->max_issue > r->unmovable_blocks
				       ? r->max_issue - r->unmovable_blocks
				       : 0;

	while (fails < HIGHALLOC_GIVE_UP) {
		uint64_t t0 = mm_time_ns(), dt;
		struct page *p = alloc_pages(HIGHALLOC_GFP, 9);

		dt = mm_time_ns() - t0;
		r->attempts++;
		r->total_ns += dt;
		if (dt > r->worst_ns)
			r->worst_ns = dt;
		if (!p) {
			fails++;
			continue;
		}
		fails = 0;
		r->got++;
		list_add(&p->lru, &blocks);
	}
	r->migrated = mm_migrate_event_count(PGMIGRATE_SUCCESS) - mig0;
	r->stalls = mm_compact_event_count(COMPACTSTALL) - stall0;
	r->compact_success = mm_compact_event_count(COMPACTSUCCESS) - succ0;
	r->reclaimed = mm_global_reclaim_event(PGSTEAL_KSWAPD) + mm_global_reclaim_event(PGSTEAL_DIRECT) -
		       steal0;
	r->migrate_scanned = mm_compact_zone_event_count(COMPACTMIGRATE_SCANNED) - mscan0;
	r->free_scanned = mm_compact_zone_event_count(COMPACTFREE_SCANNED) - fscan0;
	r->bad = cmix_verify(&m, NULL);
	while (!list_empty(&blocks)) {
		struct page *p = list_first_entry(&blocks, struct page, lru);

		list_del(&p->lru);
		__free_pages(p, 9);
	}
	cmix_teardown(&m);
	return 0;
}

static inline int highalloc_run(struct highalloc_result *r, uint64_t seed)
{
	return highalloc_run_kind(r, seed, HIGHALLOC_MIXED);
}

static inline void highalloc_print(const struct highalloc_result *r, const char *where)
{
	unsigned long pct = r->max_issue ? r->got * 1000 / r->max_issue : 0;
	bool movable = r->kind == HIGHALLOC_MOVABLE;
	const char *name = movable ? "highalloc-movable" : "highalloc";

	mm_printk("%s %s: after fill+thin %lu cache, %lu vmarea, %lu unmovable pages "
		  "(%lu pageblocks), %lu free\n",
		  name, where, r->cache, r->vmarea, r->unmovable, r->unmovable_blocks,
		  r->free_before);
	mm_printk("%s %s: order-9 got %lu in %lu attempts of at most %lu "
		  "((free + movable) / 512%s): %lu.%lu%%\n",
		  name, where, r->got, r->attempts, r->max_issue,
		  movable ? "" : " - unmovable pageblocks", pct / 10, pct % 10);
	mm_printk("%s %s: latency mean %llu us, worst %llu us; migrated %lu pages, "
		  "reclaimed %lu, compact_stall %lu (success %lu); bad pages %lu\n",
		  name, where,
		  (unsigned long long)(r->attempts ? r->total_ns / r->attempts / 1000 : 0),
		  (unsigned long long)(r->worst_ns / 1000), r->migrated, r->reclaimed, r->stalls,
		  r->compact_success, r->bad);
	/* Without reclaim the held blocks can only come out of the free
	 * pages: the bound that matters when nothing is reclaimable. */
	pct = r->free_before >= pageblock_nr_pages
		      ? r->got * 1000 / (r->free_before / pageblock_nr_pages)
		      : 0;
	mm_printk("%s %s: the free pages alone make at most %lu blocks: %lu.%lu%% of those\n",
		  name, where, r->free_before / pageblock_nr_pages, pct / 10, pct % 10);
	mm_printk("%s %s: scanned by the migrate scanner %lu, by the free scanner %lu (%lu.%02lux)\n",
		  name, where, r->migrate_scanned, r->free_scanned,
		  r->migrate_scanned ? r->free_scanned / r->migrate_scanned : 0,
		  r->migrate_scanned ? r->free_scanned * 100 / r->migrate_scanned % 100 : 0);
}

#endif /* TESTS_KERNEL_HIGHALLOC_BENCH_H */
