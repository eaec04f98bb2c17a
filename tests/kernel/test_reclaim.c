/*
 * tests/kernel/test_reclaim.c - the page cache and reclaim on the booted
 * machine with the kernel's RAM disk (suite "reclaim"): most of RAM is
 * held, so that a file several times the memory left goes through the
 * cache; every page read back is verified, dirty pages reach the disk
 * before they are dropped, kswapd's mm_balance_zone() restores the high
 * watermark, and the checkers stay clean after each phase.
 */
#include "kernel/ktest.h"
#include "kernel/ramdisk.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "mm/debug.h"
#include "mm/filemap.h"
#include "mm/gfp.h"
#include "mm/lru.h"
#include "mm/util.h"
#include "mm/vmscan.h"
#include "mm/zone.h"

/* Blocks held to create memory pressure, chained through their own
 * struct pages (the owner's lru and private fields). */
static struct list_head held;
static unsigned long held_pages;

static unsigned long free_pages_total(void)
{
	unsigned long sum = 0;
	struct zone *z;

	for_each_zone(z)
		sum += (unsigned long)zone_page_state(z, NR_FREE_PAGES);
	return sum;
}

static unsigned long low_total(void)
{
	unsigned long sum = 0;
	struct zone *z;

	for_each_zone(z)
		sum += low_wmark_pages(z);
	return sum;
}

/* Take everything the allocator gives, then give back blocks until about
 * @budget pages are free above the min watermark: a failed fast path
 * retries at min, so that is where the page cache's requests must start
 * to need reclaim (on large machines low - min alone exceeds the file). */
static void hold_all_but(unsigned long budget)
{
	INIT_LIST_HEAD(&held);
	held_pages = 0;
	drain_all_pages(NULL);
	for (int o = MAX_ORDER - 1; o >= 0; o--) {
		struct page *p;

		while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, (unsigned int)o)) != NULL) {
			p->private = (uint32_t)o;
			list_add(&p->lru, &held);
			held_pages += 1UL << o;
		}
	}
	/* Give the budget back in the highest zone, the one page-cache
	 * requests use first (lower zones are kept from them by the lowmem
	 * reserve); smallest blocks first, they were added last. */
	struct zone *top = NULL, *z;
	for_each_zone(z)
		if (populated_zone(z))
			top = z;
	struct list_head *pos, *next;
	list_for_each_safe(pos, next, &held) {
		struct page *p = list_entry(pos, struct page, lru);
		unsigned int o = p->private;

		if ((unsigned long)zone_page_state(top, NR_FREE_PAGES) >=
		    min_wmark_pages(top) + budget)
			break;
		if (page_zone(p) != top)
			continue;
		list_del(&p->lru);
		p->private = 0;
		held_pages -= 1UL << o;
		__free_pages(p, o);
		drain_all_pages(top);
	}
}

static void release_held(void)
{
	while (!list_empty(&held)) {
		struct page *p = list_first_entry(&held, struct page, lru);
		unsigned int o = p->private;

		list_del(&p->lru);
		p->private = 0;
		__free_pages(p, o);
	}
	held_pages = 0;
}

static uint64_t scratch[PAGE_PATTERN_WORDS];

static int write_version(struct address_space *m, uint64_t idx, uint64_t version)
{
	page_pattern_fill(scratch, m->id, idx, version);
	return mm_filemap_write(m, idx, scratch);
}

static size_t read_check(struct address_space *m, uint64_t idx, uint64_t version)
{
	if (mm_filemap_read(m, idx, scratch))
		return (size_t)-1;
	return page_pattern_check(scratch, m->id, idx, version);
}

static bool have_ramdisk(void)
{
	if (!kernel_ramdisk.nr_blocks) {
		ktest_skip("no RAM disk");
		return false;
	}
	return true;
}

#define EXPECT_MM_CLEAN() \
	do { \
		KT_EXPECT_EQ(mm_check_invariants(), 0); \
		KT_EXPECT_EQ(mm_lru_check(), 0); \
	} while (0)

KTEST(reclaim, ramdisk_round_trip_through_the_cache)
{
	struct address_space f;
	const uint64_t n = kernel_ramdisk.nr_blocks < 64 ? kernel_ramdisk.nr_blocks : 64;
	unsigned long writes, reads, bad = 0;

	if (!have_ramdisk())
		return;
	KT_ASSERT_EQ(mm_filemap_init(&f, 100, &kernel_ramdisk, 0, n, 0), 0);
	writes = kernel_ramdisk.nr_writes;
	reads = kernel_ramdisk.nr_reads;
	for (uint64_t i = 0; i < n; i++)
		KT_ASSERT_EQ(write_version(&f, i, 1), 0);
	KT_EXPECT_EQ(f.nrdirty, n);
	KT_EXPECT_EQ(mm_filemap_sync(&f), 0);
	KT_EXPECT_EQ(kernel_ramdisk.nr_writes - writes, n);
	KT_EXPECT_EQ(mm_filemap_evict(&f, false), n);
	for (uint64_t i = 0; i < n; i++)
		bad += read_check(&f, i, 1) != 0;
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT_EQ(kernel_ramdisk.nr_reads - reads, n);
	EXPECT_MM_CLEAN();
	mm_filemap_evict(&f, true);
	mm_filemap_drain_node_pool();
	KT_EXPECT_EQ(mm_filemap_nr_pages(), 0);
	EXPECT_MM_CLEAN();
}

KTEST(reclaim, file_four_times_free_memory_rereads_intact_after_direct_reclaim)
{
	struct address_space f;
	uint64_t n = kernel_ramdisk.nr_blocks;
	unsigned long budget, steal0, write0, bad = 0;

	if (!have_ramdisk())
		return;
	budget = n / 4 < 1024 ? n / 4 : 1024;
	if (n > 4 * budget)
		n = 4 * budget;
	KT_ASSERT_EQ(mm_filemap_init(&f, 200, &kernel_ramdisk, 0, n, 0), 0);
	hold_all_but(budget);
	ktest_diag("file %llu pages, %lu held, %lu free (low %lu)", (unsigned long long)n,
		   held_pages, free_pages_total(), low_total());
	unsigned long lru_max = 0;
	steal0 = mm_global_reclaim_event(PGSTEAL_DIRECT);
	write0 = mm_global_reclaim_event(NR_VMSCAN_WRITE);
	for (uint64_t i = 0; i < n; i++)
		KT_ASSERT_EQ(write_version(&f, i, 1), 0);
	KT_EXPECT(f.nrpages < n);
	/* the cache really held a good part of the budget, not a few pages */
	lru_max = f.nrpages;
	KT_EXPECT(lru_max >= budget / 2);
	KT_EXPECT(mm_global_reclaim_event(PGSTEAL_DIRECT) - steal0 >= n - f.nrpages);
	KT_EXPECT(mm_global_reclaim_event(NR_VMSCAN_WRITE) - write0 >= n - f.nrpages);
	EXPECT_MM_CLEAN();
	for (uint64_t i = 0; i < n; i += 3)
		KT_ASSERT_EQ(write_version(&f, i, 2), 0);
	EXPECT_MM_CLEAN();
	for (uint64_t i = 0; i < n; i++)
		bad += read_check(&f, i, i % 3 ? 1 : 2) != 0;
	KT_EXPECT_EQ(bad, 0);
	/* and from the disk alone */
	KT_EXPECT_EQ(mm_filemap_sync(&f), 0);
	mm_filemap_evict(&f, false);
	KT_EXPECT_EQ(f.nrpages, 0);
	for (uint64_t i = 0; i < n; i++) {
		KT_ASSERT_EQ(bdev_read_page(&kernel_ramdisk, i, scratch), 0);
		bad += page_pattern_check(scratch, 200, i, i % 3 ? 1 : 2) != 0;
	}
	KT_EXPECT_EQ(bad, 0);
	ktest_diag("pgscan_direct %lu pgsteal_direct %lu nr_vmscan_write %lu",
		   mm_global_reclaim_event(PGSCAN_DIRECT), mm_global_reclaim_event(PGSTEAL_DIRECT),
		   mm_global_reclaim_event(NR_VMSCAN_WRITE));
	release_held();
	mm_filemap_drain_node_pool();
	EXPECT_MM_CLEAN();
}

KTEST(reclaim, balance_zone_restores_the_high_watermark)
{
	struct address_space f;
	struct scan_control sc = { 0 };
	uint64_t n = kernel_ramdisk.nr_blocks, i;
	unsigned long budget, steal0, got;
	struct zone *z = NULL;

	if (!have_ramdisk())
		return;
	budget = n / 4 < 1024 ? n / 4 : 1024;
	if (n > 4 * budget)
		n = 4 * budget;
	KT_ASSERT_EQ(mm_filemap_init(&f, 300, &kernel_ramdisk, 0, n, 0), 0);
	hold_all_but(budget);
	/* Direct reclaim frees a batch at a time: the zone serving the cache
	 * ends near its low watermark, short of high. */
	for (i = 0; i < n; i++)
		KT_ASSERT_EQ(write_version(&f, i, 1), 0);
	/* The zone holding most of the cache, pushed below its low watermark
	 * by holding more of its pages if it is not there yet. */
	struct zone *c;

	for_each_zone(c) {
		if (populated_zone(c) &&
		    (!z || mm_zone_reclaimable_pages(c) > mm_zone_reclaimable_pages(z)))
			z = c;
	}
	if (z && mm_zone_reclaimable_pages(z) < 2 * (high_wmark_pages(z) - low_wmark_pages(z)) + 64)
		z = NULL; /* too little cache there to reach high by reclaim alone */
	if (z) {
		static const gfp_t zone_gfp[MAX_NR_ZONES] = { GFP_DMA, GFP_DMA32, 0 };
		struct page *p;

		while ((unsigned long)zone_page_state(z, NR_FREE_PAGES) >= low_wmark_pages(z) &&
		       (p = alloc_pages_node(z->node,
					     zone_gfp[z->zone_idx] | __GFP_THISNODE | __GFP_NOWARN,
					     0)) != NULL) {
			p->private = 0;
			list_add(&p->lru, &held);
			held_pages++;
			drain_all_pages(NULL);
		}
		if (mm_zone_balanced(z, 0, z->zone_idx))
			z = NULL;
	}
	if (!z) {
		for_each_zone(c) {
			ktest_diag("node %d %s: free %ld low %lu high %lu lru %lu, %llu written",
				   c->node, c->name, zone_page_state(c, NR_FREE_PAGES),
				   low_wmark_pages(c), high_wmark_pages(c),
				   mm_zone_reclaimable_pages(c), (unsigned long long)i);
		}
		ktest_skip("the RAM disk is too small to unbalance a zone");
		goto out;
	}
	ktest_diag("%llu pages cached, zone %s free %ld high %lu", (unsigned long long)i, z->name,
		   zone_page_state(z, NR_FREE_PAGES), high_wmark_pages(z));
	steal0 = mm_global_reclaim_event(PGSTEAL_KSWAPD);
	got = mm_balance_zone(z, 0, z->zone_idx, &sc);
	KT_EXPECT(mm_zone_balanced(z, 0, z->zone_idx));
	KT_EXPECT(got > 0);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGSTEAL_KSWAPD) - steal0, got);
	KT_EXPECT_EQ(sc.nr_written, got);
	KT_EXPECT_EQ(mm_balance_zone(z, 0, z->zone_idx, NULL), 0);
	EXPECT_MM_CLEAN();
	release_held(); /* room for the misses: this file may not reclaim */
	for (uint64_t k = 0; k < i; k++)
		KT_EXPECT_EQ(read_check(&f, k, 1), 0);
out:
	mm_filemap_evict(&f, true);
	release_held();
	mm_filemap_drain_node_pool();
	EXPECT_MM_CLEAN();
}

/*
 * Two CPUs filling and truncating two files at once, with indices spread
 * so that every insertion needs fresh radix nodes and every truncation
 * gives node pages back: nothing fails with memory free, and the books
 * balance. (The race this guards - a truncation on one CPU handing back
 * the node page an insertion on the other had preloaded - is rare under
 * QEMU; tests/host/test_filemap.c forces it with filemap_preload_hook.)
 */
#define CHURN_PAGES 48
#define CHURN_STRIDE 67 /* pages apart: each in its own leaf node (64 slots) */

struct churn {
	struct address_space f;
	uint64_t buf[PAGE_PATTERN_WORDS];
	unsigned int rounds;
	unsigned long enomem, other_err;
	int stop;
};

static void churn_round(struct churn *c)
{
	for (uint64_t k = 0; k < CHURN_PAGES; k++) {
		uint64_t idx = k * CHURN_STRIDE;
		int err;

		page_pattern_fill(c->buf, c->f.id, idx, 1);
		err = mm_filemap_write(&c->f, idx, c->buf);
		if (err == -MM_ENOMEM)
			c->enomem++;
		else if (err)
			c->other_err++;
	}
	mm_filemap_evict(&c->f, true);
	c->rounds++;
}

static int churn_fn(void *arg)
{
	struct churn *c = arg;

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE))
		churn_round(c);
	return 0;
}

KTEST(reclaim, radix_node_preload_survives_truncation_on_another_cpu)
{
	static struct churn a, b;
	const uint64_t span = (uint64_t)CHURN_PAGES * CHURN_STRIDE;
	struct thread *t;

	if (!have_ramdisk())
		return;
	if (!sched_is_running() || sched_nr_online() < 2) {
		ktest_skip("needs two CPUs");
		return;
	}
	if (kernel_ramdisk.nr_blocks < 2 * span) {
		ktest_skip("RAM disk too small for two sparse files");
		return;
	}
	mm_memset(&a, 0, sizeof(a));
	mm_memset(&b, 0, sizeof(b));
	KT_ASSERT_EQ(mm_filemap_init(&a.f, 500, &kernel_ramdisk, 0, span, 0), 0);
	KT_ASSERT_EQ(mm_filemap_init(&b.f, 501, &kernel_ramdisk, span, span, 0), 0);
	t = thread_create_on("churn", churn_fn, &b, THREAD_JOINABLE, 1);
	KT_ASSERT(t != NULL);
	for (int i = 0; i < 400; i++)
		churn_round(&a);
	__atomic_store_n(&b.stop, 1, __ATOMIC_RELEASE);
	KT_EXPECT_EQ(thread_join(t), 0);
	ktest_diag("%u + %u rounds of %d sparse pages: %lu + %lu -ENOMEM, %lu + %lu other errors",
		   a.rounds, b.rounds, CHURN_PAGES, a.enomem, b.enomem, a.other_err, b.other_err);
	KT_EXPECT(b.rounds > 0);
	KT_EXPECT_EQ(a.enomem + b.enomem, 0);
	KT_EXPECT_EQ(a.other_err + b.other_err, 0);
	mm_filemap_drain_node_pool();
	EXPECT_MM_CLEAN();
}
