/*
 * tests/host/test_fail_alloc.c - fault injection (mm/fail_page_alloc.h):
 * each knob does exactly what it says (interval, times, min order,
 * probability with a replayable seed, NOFAIL and ignore_gfp_reclaim
 * exempt, the counter), the option parser rejects bad values, and the
 * callers of the allocator survive injected failures: a caller retrying
 * through the slowpath, kswapd, migration's target allocation and the page
 * cache fill, with the invariant checkers clean after each.
 */
#include "test_compaction_util.h"
#include "mm/fail_page_alloc.h"
#include "mm/kswapd.h"

static int fail_boot(unsigned long mib)
{
	mm_fail_page_alloc_disable();
	if (compact_boot(mib))
		return -1;
	mm_kswapd_reset();
	return 0;
}

static void fail_set(unsigned int prob, unsigned int interval, long times, unsigned int min_order)
{
	struct fail_page_alloc_attr a = {
		.probability = prob,
		.interval = interval,
		.times = times,
		.min_order = min_order,
		.seed = 42,
	};

	mm_fail_page_alloc_setup(&a);
}

/* Allocate @n times at @order with @gfp; a bit per request that failed
 * (n <= 64). Successful blocks are freed at once. */
static uint64_t fail_pattern(gfp_t gfp, unsigned int order, unsigned int n)
{
	uint64_t failed = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct page *p = alloc_pages(gfp | __GFP_NOWARN, order);

		if (p)
			__free_pages(p, order);
		else
			failed |= 1ull << i;
	}
	return failed;
}

HTEST(off_by_default_and_probability_zero_injects_nothing)
{
	KT_ASSERT_EQ(fail_boot(16), 0);
	KT_EXPECT(!mm_fail_page_alloc_on);
	KT_EXPECT_EQ(fail_pattern(GFP_KERNEL, 0, 64), 0);
	fail_set(0, 1, -1, 0);
	KT_EXPECT(!mm_fail_page_alloc_on);
	KT_EXPECT_EQ(fail_pattern(GFP_KERNEL, 0, 64), 0);
	KT_EXPECT_EQ(mm_fail_page_alloc_injected(), 0);
	EXPECT_MM_CLEAN();
}

HTEST(interval_fails_exactly_every_nth_request_and_counts_them)
{
	KT_ASSERT_EQ(fail_boot(16), 0);
	fail_set(100, 3, -1, 0);
	/* requests 3, 6, 9, ... (1-based): bits 2, 5, 8, ... */
	uint64_t want = 0;
	for (unsigned int i = 2; i < 60; i += 3)
		want |= 1ull << i;
	KT_EXPECT_EQ(fail_pattern(GFP_KERNEL, 0, 60), want);
	KT_EXPECT_EQ(mm_fail_page_alloc_injected(), 20);
	KT_EXPECT_EQ(mm_global_vm_event(FAIL_PAGE_ALLOC_INJECTED), 20);
	/* injected failures are not the allocator's own failures */
	KT_EXPECT_EQ(mm_global_vm_event(PGALLOC_FAIL), 0);
	mm_fail_page_alloc_disable();
	KT_EXPECT_EQ(fail_pattern(GFP_KERNEL, 0, 60), 0);
	EXPECT_MM_CLEAN();
}

HTEST(times_limits_the_failures_then_injection_stops)
{
	struct fail_page_alloc_attr a;

	KT_ASSERT_EQ(fail_boot(16), 0);
	fail_set(100, 2, 5, 0);
	/* requests 2, 4, 6, 8, 10 fail, nothing after */
	KT_EXPECT_EQ(fail_pattern(GFP_KERNEL, 0, 40), 0x2aaull);
	KT_EXPECT_EQ(mm_fail_page_alloc_injected(), 5);
	mm_fail_page_alloc_get(&a);
	KT_EXPECT_EQ(a.times, 0);
	fail_set(100, 1, 0, 0); /* times 0: nothing to inject */
	KT_EXPECT(!mm_fail_page_alloc_on);
	EXPECT_MM_CLEAN();
}

HTEST(min_order_spares_smaller_requests_which_do_not_count_for_interval)
{
	KT_ASSERT_EQ(fail_boot(16), 0);
	fail_set(100, 2, -1, 2);
	KT_EXPECT_EQ(fail_pattern(GFP_KERNEL, 0, 64), 0);
	KT_EXPECT_EQ(fail_pattern(GFP_KERNEL, 1, 64), 0);
	/* the order-0/1 requests did not advance the interval count */
	KT_EXPECT_EQ(fail_pattern(GFP_KERNEL, 2, 8), 0xaaull);
	KT_EXPECT_EQ(fail_pattern(GFP_KERNEL, 5, 4), 0xaull);
	KT_EXPECT_EQ(mm_fail_page_alloc_injected(), 6);
	EXPECT_MM_CLEAN();
}

HTEST(nofail_is_never_failed_and_ignore_gfp_reclaim_spares_sleepers)
{
	struct fail_page_alloc_attr a = { .probability = 100,
					  .interval = 1,
					  .times = -1,
					  .ignore_gfp_reclaim = true,
					  .seed = 1 };

	KT_ASSERT_EQ(fail_boot(16), 0);
	fail_set(100, 1, -1, 0);
	KT_EXPECT_EQ(fail_pattern(GFP_KERNEL | __GFP_NOFAIL, 0, 64), 0);
	KT_EXPECT_EQ(fail_pattern(GFP_KERNEL | __GFP_NOFAIL, 1, 64), 0);
	KT_EXPECT_EQ(fail_pattern(GFP_KERNEL, 0, 64), ~0ull);
	KT_EXPECT_EQ(fail_pattern(GFP_ATOMIC, 3, 64), ~0ull);
	mm_fail_page_alloc_setup(&a);
	KT_EXPECT_EQ(fail_pattern(GFP_KERNEL, 0, 64), 0);
	KT_EXPECT_EQ(fail_pattern(GFP_ATOMIC, 0, 64), ~0ull);
	KT_EXPECT_EQ(fail_pattern(GFP_NOWAIT, 0, 64), ~0ull);
	EXPECT_MM_CLEAN();
}

HTEST(probability_fails_about_that_share_and_the_seed_replays_it)
{
	uint64_t runs[2][16];
	unsigned long failed = 0;

	KT_ASSERT_EQ(fail_boot(16), 0);
	for (int r = 0; r < 2; r++) {
		fail_set(25, 1, -1, 0);
		for (int k = 0; k < 16; k++)
			runs[r][k] = fail_pattern(GFP_KERNEL, 0, 64);
	}
	for (int k = 0; k < 16; k++) {
		KT_EXPECT_EQ(runs[0][k], runs[1][k]);
		failed += (unsigned long)__builtin_popcountll(runs[0][k]);
	}
	ktest_diag("probability 25%%: %lu of 1024 requests failed", failed);
	KT_EXPECT(failed > 180 && failed < 340); /* 256 expected; > 5 sigma out is a bug */
	KT_EXPECT_EQ(mm_fail_page_alloc_injected(), 2 * failed);
	mm_fail_page_alloc_disable();
	EXPECT_MM_CLEAN();
}

HTEST(parser_accepts_the_four_fields_and_rejects_bad_values_clearly)
{
	struct fail_page_alloc_attr a = { .seed = 7 };
	const char *why = NULL;
	static const char *const bad[] = {
		"", "101", "x", "10,", "10,2,-2", "10,2,3,11", "10,2,3,1,5", "10;2", "-1", "10,-1",
	};

	KT_EXPECT_EQ(mm_fail_page_alloc_parse("10,3,100,2", 10, &a, &why), 0);
	KT_EXPECT_EQ(a.probability, 10);
	KT_EXPECT_EQ(a.interval, 3);
	KT_EXPECT_EQ(a.times, 100);
	KT_EXPECT_EQ(a.min_order, 2);
	KT_EXPECT_EQ(a.seed, 7);
	KT_EXPECT_EQ(mm_fail_page_alloc_parse("5", 1, &a, &why), 0);
	KT_EXPECT_EQ(a.probability, 5);
	KT_EXPECT_EQ(a.interval, 1);
	KT_EXPECT_EQ(a.times, -1);
	KT_EXPECT_EQ(a.min_order, 0);
	KT_EXPECT_EQ(mm_fail_page_alloc_parse("100,1,-1 trailing", 8, &a, &why), 0);
	KT_EXPECT_EQ(a.times, -1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		KT_EXPECT_EQ(mm_fail_page_alloc_parse(bad[i], strlen(bad[i]), &a, &why), -1);
		KT_EXPECT(why != NULL && why[0] != 0);
	}
}

/* A caller that retries: the injected failure, then the next try goes
 * through the slowpath (memory is full of cache) and reclaims. */
HTEST(caller_retry_after_injection_succeeds_through_slowpath_reclaim)
{
	struct block_device bd;
	struct address_space f;
	struct held_set s = { 0 };
	struct page *p;
	uint64_t n;
	unsigned long bad = 0;

	KT_ASSERT_EQ(fail_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 8192), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 5, &bd, 0, 8192, 0), 0);
	for (n = 0; n < 8192 && nr_free_pages() > 64; n++)
		KT_ASSERT_EQ(write_version(&f, n, 1), 0);
	KT_ASSERT_EQ(mm_filemap_sync(&f), 0);
	held_fill(&s, GFP_NOWAIT, 0); /* no free pages left above min */
	fail_set(100, 2, -1, 0);
	int failures = 0, got = 0;
	for (int i = 0; i < 32; i++) {
		p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
		if (!p) {
			failures++;
			p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0); /* the retry */
		}
		if (p) {
			got++;
			held_push(&s, p, 0);
		}
	}
	mm_fail_page_alloc_disable();
	/* the retries count for the interval too: every first try after
	 * the first one is an even-numbered request */
	KT_EXPECT_EQ(failures, 31);
	KT_EXPECT_EQ(got, 32);
	KT_EXPECT(mm_global_reclaim_event(PGSTEAL_DIRECT) > 0);
	for (uint64_t j = 0; j < n; j++)
		bad += read_check(&f, j, 1) != 0;
	KT_EXPECT_EQ(bad, 0);
	held_free_all(&s);
	EXPECT_MM_CLEAN();
	mm_filemap_evict(&f, true);
	mm_filemap_drain_node_pool();
	ramdisk_host_destroy(&bd);
	EXPECT_MM_CLEAN();
}

HTEST(kswapd_balances_with_every_allocation_failing)
{
	struct block_device bd;
	struct address_space f;
	struct kswapd_stats st;
	struct zone *z;
	uint64_t i;
	unsigned long bad = 0;

	KT_ASSERT_EQ(fail_boot(16), 0);
	z = dma32();
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 8192), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 7, &bd, 0, 8192, 0), 0);
	for (i = 0; i < 8192; i++) {
		KT_ASSERT_EQ(write_version(&f, i, 1), 0);
		mm_kswapd_get_stats(&st);
		if (st.requests)
			break;
	}
	KT_ASSERT(st.requests > 0);
	fail_set(100, 1, -1, 0);
	KT_EXPECT(mm_kswapd_balance());
	mm_fail_page_alloc_disable();
	KT_EXPECT(zone_page_state(z, NR_FREE_PAGES) >= (long)high_wmark_pages(z));
	KT_EXPECT(mm_global_reclaim_event(PGSTEAL_KSWAPD) > 0);
	for (uint64_t j = 0; j <= i && j < 8192; j++)
		bad += read_check(&f, j, 1) != 0;
	KT_EXPECT_EQ(bad, 0);
	EXPECT_MM_CLEAN();
	mm_filemap_evict(&f, true);
	mm_filemap_drain_node_pool();
	ramdisk_host_destroy(&bd);
	EXPECT_MM_CLEAN();
}

/* Migration's target allocation fails: the pages not moved stay on the
 * list, owned and intact, and a later pass (or putback) takes them. */
HTEST(migrate_pages_with_failing_targets_moves_some_and_puts_back_the_rest)
{
	struct mix m;
	struct list_head l;
	unsigned long moved = 0, left, n = 0;

	KT_ASSERT_EQ(fail_boot(16), 0);
	KT_ASSERT_EQ(mix_init(&m, 32), 0);
	KT_ASSERT_EQ(mix_fill(&m, 0, 0), 64);
	INIT_LIST_HEAD(&l);
	for (unsigned long i = 0; i < 32; i++) {
		struct page *p = mm_vmarea_page(&m.va, i);

		if (p && mm_isolate_movable_page(p)) {
			list_add_tail(&p->lru, &l);
			n++;
		}
		p = mm_find_get_page(&m.file, i);
		KT_ASSERT(p != NULL);
		mm_filemap_put_page(p);
		if (mm_isolate_movable_page(p)) {
			list_add_tail(&p->lru, &l);
			n++;
		}
	}
	KT_ASSERT_EQ(n, 64);
	fail_set(100, 2, -1, 0);
	left = mm_migrate_pages(&l, mm_alloc_migration_target, NULL, GFP_HIGHUSER_MOVABLE, MIGRATE_SYNC,
			     &moved);
	mm_fail_page_alloc_disable();
	/* the first target came, the second was refused: migration stops
	 * there and leaves the rest on the list (migrate.h) */
	KT_EXPECT_EQ(moved, 1);
	KT_EXPECT_EQ(left, 63);
	KT_EXPECT_EQ(mm_fail_page_alloc_injected(), 1);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	/* the same list, with allocations working again, all moves */
	left = mm_migrate_pages(&l, mm_alloc_migration_target, NULL, GFP_HIGHUSER_MOVABLE, MIGRATE_SYNC,
			     &moved);
	KT_EXPECT_EQ(left, 0);
	KT_EXPECT_EQ(moved, 64); /* *nr_succeeded accumulates */
	mm_putback_movable_pages(&l);
	KT_EXPECT(list_empty(&l));
	KT_EXPECT_EQ(mix_verify(&m), 0);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
	EXPECT_MM_CLEAN();
}

/* Page-cache fill: a write or a read miss whose page cannot be allocated
 * reports -ENOMEM and changes nothing; every other page stays right. */
HTEST(page_cache_fill_reports_enomem_and_loses_nothing)
{
	struct block_device bd;
	struct address_space f;
	unsigned long enomem = 0, bad = 0;
	uint64_t *version = calloc(256, sizeof(*version));

	KT_ASSERT(version != NULL);
	KT_ASSERT_EQ(fail_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 256), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 9, &bd, 0, 256, 0), 0);
	/* half the file written and synced, then dropped from the cache */
	for (uint64_t i = 0; i < 128; i++) {
		KT_ASSERT_EQ(write_version(&f, i, 1), 0);
		version[i] = 1;
	}
	KT_ASSERT_EQ(mm_filemap_sync(&f), 0);
	KT_EXPECT_EQ(mm_filemap_evict(&f, false), 128);
	fail_set(30, 1, -1, 0);
	for (int round = 0; round < 3; round++) {
		for (uint64_t i = 0; i < 256; i++) {
			int err;

			if ((i + (uint64_t)round) % 2) {
				err = write_version(&f, i, (uint64_t)round + 2);
				if (!err)
					version[i] = (uint64_t)round + 2;
			} else {
				err = mm_filemap_read(&f, i, pattern_buf);
				if (!err && version[i])
					bad += page_pattern_check(pattern_buf, f.id, i,
								  version[i]) != 0;
			}
			if (err) {
				KT_EXPECT_EQ(err, -MM_ENOMEM);
				enomem++;
			}
		}
		KT_EXPECT_EQ(mm_check_invariants(), 0);
	}
	mm_fail_page_alloc_disable();
	ktest_diag("%lu of 768 cache operations failed with -ENOMEM, %lu injected", enomem,
		   mm_fail_page_alloc_injected());
	KT_EXPECT(enomem > 0);
	KT_EXPECT_EQ(bad, 0);
	for (uint64_t i = 0; i < 256; i++)
		if (version[i])
			bad += read_check(&f, i, version[i]) != 0;
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT_EQ(mm_filemap_sync(&f), 0);
	unsigned long cached = f.nrpages;
	KT_EXPECT_EQ(mm_filemap_evict(&f, false),
		     cached); /* all clean: all go, reads come from disk */
	for (uint64_t i = 0; i < 256; i++)
		if (version[i])
			bad += read_check(&f, i, version[i]) != 0;
	KT_EXPECT_EQ(bad, 0);
	EXPECT_MM_CLEAN();
	mm_filemap_evict(&f, true);
	mm_filemap_drain_node_pool();
	ramdisk_host_destroy(&bd);
	free(version);
	EXPECT_MM_CLEAN();
}

HTEST_MAIN("fail_page_alloc")
