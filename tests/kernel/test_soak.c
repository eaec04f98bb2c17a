/*
 * tests/kernel/test_soak.c - suite "soak" (opt-in: test=soak
 * duration=SECONDS, default 60): tests/kernel/soak_core.h's mixed workload
 * over the RAM disk for the duration, with fault injection on (2% of
 * requests unless fail_page_alloc= chose otherwise) and kswapd running.
 * Every second kswapd is parked, the invariants are checked and the books
 * balanced; at the end every file page is read back from the disk and all
 * memory must be accounted for. Prints the op count, faults injected and
 * invariant checks passed.
 */
#include <stdint.h>

#include "kernel/ktest.h"
#include "kernel/main.h"
#include "kernel/ramdisk.h"
#include "kernel/sched.h"
#include "mm/kswapd.h"
#include "mm/vmscan.h"
#include "tests/kernel/soak_core.h"

#define SOAK_DEFAULT_S 60
#define SOAK_MAX_FILE 32768
#define SOAK_MAX_BLOCKS 8192

static struct soak soak;
static uint32_t soak_version[SOAK_MAX_FILE];
static struct soak_block soak_held[SOAK_MAX_BLOCKS];

static void soak_diag_books(const char *when, const struct soak_books *b)
{
	ktest_diag("soak %s: free %lu + allocated %lu + reserved %lu = %lu spanned; free + allocated "
		   "= %lu, managed %lu; allocated %lu expected (before %lu + blocks %lu + cache %lu + "
		   "nodes %lu + slab %lu)",
		   when, b->free, b->allocated, b->reserved, b->free + b->allocated + b->reserved,
		   b->free + b->allocated, b->managed, b->expected_allocated, soak.base_allocated,
		   soak.held_pages, mm_filemap_nr_pages(), mm_filemap_nr_node_pages(),
		   mm_slab_reclaimable_pages() + mm_slab_unreclaimable_pages());
}

KTEST(soak, mixed_workload_with_fault_injection_loses_nothing)
{
	unsigned int secs = kernel_opts.duration_s ? kernel_opts.duration_s : SOAK_DEFAULT_S;
	uint64_t nr_file = kernel_ramdisk.nr_blocks < SOAK_MAX_FILE ? kernel_ramdisk.nr_blocks
								    : SOAK_MAX_FILE;
	unsigned long managed = 0, high = 0, hold, problems = 0;
	struct soak_books b;
	struct kswapd_stats ks;
	bool injected_here = false;

	if (!sched_is_running()) {
		ktest_skip("scheduler not started");
		return;
	}
	if (!nr_file) {
		ktest_skip("no RAM disk");
		return;
	}
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &NODE_DATA(0)->node_zones[zi];

		managed += z->managed_pages;
		high += high_wmark_pages(z);
	}
	/* kswapd's stack exists before the books open. */
	KT_EXPECT_EQ(kswapd_run(), 0);
	mm_kswapd_stats_reset();
	KT_ASSERT_EQ(soak_init(&soak, &kernel_ramdisk, nr_file, soak_version, soak_held,
			       SOAK_MAX_BLOCKS, 1),
		     0);
	/* Blocks fill memory up to about the high watermarks over cache and
	 * what was there: allocations keep meeting the low watermark, and the
	 * page cache is what reclaim can always take. */
	if (managed > soak.base_allocated + nr_file + 2 * high + 1024)
		hold = managed - soak.base_allocated - nr_file - 2 * high;
	else
		hold = 1024;
	if (!mm_fail_page_alloc_on) {
		struct fail_page_alloc_attr fa = {
			.probability = 2, .interval = 1, .times = -1, .seed = 1
		};

		mm_fail_page_alloc_setup(&fa);
		injected_here = true;
	}
	ktest_diag("soak: %u s, file of %llu pages, blocks up to %lu pages, %lu pages managed, "
		   "%lu allocated before; fault injection %s",
		   secs, (unsigned long long)nr_file, hold, managed, soak.base_allocated,
		   injected_here ? "2% (default)" : "from fail_page_alloc=");

	uint64_t start = mm_time_ns(), end = start + (uint64_t)secs * 1000000000ull;
	uint64_t next_check = start + 1000000000ull;

	for (;;) {
		uint64_t now;

		for (int k = 0; k < 64; k++)
			soak_step(&soak, hold);
		now = mm_time_ns();
		if (now >= next_check || now >= end) {
			int p;

			mm_kswapd_park();
			p = soak_check(&soak, &b);
			if (p) {
				problems++;
				soak_diag_books("check FAILED", &b);
			}
			ktest_diag("soak t=%llus: %lu ops, %lu faults injected, %lu checks passed, "
				   "%lu -ENOMEM, %lu refused, free %lu, cache %lu, blocks %lu",
				   (unsigned long long)((now - start) / 1000000000ull), soak.ops,
				   mm_fail_page_alloc_injected(), soak.checks_passed, soak.enomem,
				   soak.alloc_fails, b.free, mm_filemap_nr_pages(), soak.held_pages);
			if (now >= end)
				break;
			kswapd_run();
			next_check = mm_time_ns() + 1000000000ull;
		}
	}
	mm_kswapd_get_stats(&ks);
	ktest_diag("soak: %lu writes, %lu reads (%lu verified), %lu -ENOMEM, %lu mismatches; %lu "
		   "allocations, %lu refused, %lu kmallocs, %lu refused, %lu frees, %lu bad stamps; "
		   "%lu compactions; kswapd woken %lu, %lu passes; pgsteal_kswapd %lu",
		   soak.writes, soak.reads, soak.verified, soak.enomem, soak.mismatches,
		   soak.allocs, soak.alloc_fails, soak.kmallocs, soak.kmalloc_fails, soak.frees,
		   soak.bad_stamps, soak.compactions, ks.requests, ks.rounds,
		   mm_global_reclaim_event(PGSTEAL_KSWAPD));
	problems += (unsigned long)soak_finish(&soak, &b);
	soak_diag_books("end", &b);
	ktest_diag("soak: done, %lu ops in %u s, %lu faults injected, %lu invariant checks passed, "
		   "%lu failed",
		   soak.ops, secs, mm_fail_page_alloc_injected(), soak.checks_passed,
		   soak.checks_failed);
	if (injected_here)
		mm_fail_page_alloc_disable();
	KT_EXPECT_EQ(soak.mismatches, 0);
	KT_EXPECT_EQ(soak.bad_stamps, 0);
	KT_EXPECT_EQ(soak.nofail_fails, 0);
	KT_EXPECT_EQ(soak.checks_failed, 0);
	KT_EXPECT(soak.checks_passed >= secs / 2);
	KT_EXPECT(mm_fail_page_alloc_injected() > 0);
	KT_EXPECT_EQ(b.free + b.allocated, b.managed);
	/* what was allocated before, slab pages included (caches shrunk) */
	KT_EXPECT_EQ(b.allocated, soak.base_allocated + soak.base_slab);
	KT_EXPECT_EQ(problems, 0);
}
