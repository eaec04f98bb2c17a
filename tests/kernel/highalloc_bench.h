/*
 * tests/kernel/highalloc_bench.h - a stress-highalloc-like benchmark for
 * the kernel (suite "highalloc") and mmsim (workload "highalloc"): fill
 * most of free memory with page cache, vmarea pages and a few unmovable
 * pages, free about half of the movable pages at random, then ask for as
 * many order-9 blocks as possible with GFP_KERNEL-like flags, holding
 * each one, and report the success rate against the most that could
 * exist, the latency per request and the pages migrated.
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

struct highalloc_result {
	unsigned long cache, vmarea, unmovable, free_before; /* after thinning */
	unsigned long unmovable_blocks;
	unsigned long max_issue; /* (free + movable) / 512 - unmovable blocks */
	unsigned long attempts, got;
	uint64_t total_ns, worst_ns;
	unsigned long migrated, stalls, compact_success, reclaimed;
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
static inline int highalloc_run(struct highalloc_result *r, uint64_t seed)
{
	static struct cmix m;
	struct list_head blocks;
	unsigned long free0 = highalloc_free_pages(), fails = 0, movable;
	unsigned long mig0 = migrate_event_count(PGMIGRATE_SUCCESS);
	unsigned long stall0 = compact_event_count(COMPACTSTALL);
	unsigned long succ0 = compact_event_count(COMPACTSUCCESS);
	unsigned long steal0 = global_reclaim_event(PGSTEAL_KSWAPD) +
			       global_reclaim_event(PGSTEAL_DIRECT);
	int err;

	mm_memset(r, 0, sizeof(*r));
	INIT_LIST_HEAD(&blocks);
	err = cmix_init(&m, free0);
	if (err)
		return err;
	m.seed ^= seed;
	/* 90% of free memory: cache at every index, a vmarea page at one in
	 * four, an unmovable page per 64 movable ones. */
	cmix_fill(&m, free0 / 10, 4, 64);
	cmix_thin(&m, 50);
	r->cache = m.nr_file;
	r->vmarea = m.nr_va;
	r->unmovable = m.nr_unmovable;
	r->free_before = highalloc_free_pages();
	r->unmovable_blocks = cmix_unmovable_blocks(&m);
	movable = m.nr_file + m.nr_va;
	r->max_issue = (r->free_before + movable) / pageblock_nr_pages;
	r->max_issue = r->max_issue > r->unmovable_blocks ? r->max_issue - r->unmovable_blocks : 0;

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
	r->migrated = migrate_event_count(PGMIGRATE_SUCCESS) - mig0;
	r->stalls = compact_event_count(COMPACTSTALL) - stall0;
	r->compact_success = compact_event_count(COMPACTSUCCESS) - succ0;
	r->reclaimed = global_reclaim_event(PGSTEAL_KSWAPD) + global_reclaim_event(PGSTEAL_DIRECT) -
		       steal0;
	r->bad = cmix_verify(&m, NULL);
	while (!list_empty(&blocks)) {
		struct page *p = list_first_entry(&blocks, struct page, lru);

		list_del(&p->lru);
		__free_pages(p, 9);
	}
	cmix_teardown(&m);
	return 0;
}

static inline void highalloc_print(const struct highalloc_result *r, const char *where)
{
	unsigned long pct = r->max_issue ? r->got * 1000 / r->max_issue : 0;

	mm_printk("highalloc %s: after fill+thin %lu cache, %lu vmarea, %lu unmovable pages "
		  "(%lu pageblocks), %lu free\n",
		  where, r->cache, r->vmarea, r->unmovable, r->unmovable_blocks, r->free_before);
	mm_printk("highalloc %s: order-9 got %lu in %lu attempts of at most %lu "
		  "((free + movable) / 512 - unmovable pageblocks): %lu.%lu%%\n",
		  where, r->got, r->attempts, r->max_issue, pct / 10, pct % 10);
	mm_printk("highalloc %s: latency mean %llu us, worst %llu us; migrated %lu pages, "
		  "reclaimed %lu, compact_stall %lu (success %lu); bad pages %lu\n",
		  where, (unsigned long long)(r->attempts ? r->total_ns / r->attempts / 1000 : 0),
		  (unsigned long long)(r->worst_ns / 1000), r->migrated, r->reclaimed, r->stalls,
		  r->compact_success, r->bad);
}

#endif /* TESTS_KERNEL_HIGHALLOC_BENCH_H */
