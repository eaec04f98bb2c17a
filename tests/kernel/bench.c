/*
 * tests/kernel/bench.c - the page allocator's benchmark inside the kernel
 * (suite "bench", run only with test=bench): TSC cycles per operation for
 * order-0, order-3 and order-9 alloc+free pairs and for a bulk allocate-
 * then-free of many order-0 pages, the same cases as tools/bench on the
 * host, and as the Linux module figures in BENCHMARKS.md.
 *
 * Timings are printed as diagnostics, never asserted (TCG speed varies
 * with the host); the checks are functional: every allocation succeeds
 * and the free page count comes back.
 */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "kernel/ktest.h"
#include "mm/debug.h"
#include "mm/gfp.h"
#include "mm/zone.h"

/* Many short runs rather than a few long ones: a run hit by a timer
 * interrupt (expensive under TCG) lands above the median. */
#define BENCH_RUNS 15
#define BENCH_BULK 1024 /* pages held at once in the bulk case */

static void sort_u64(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* @ops alloc+free pairs of @order; returns TSC cycles, or 0 on failure. */
static uint64_t time_pairs(unsigned int order, unsigned long ops)
{
	uint64_t t0 = rdtsc();

	for (unsigned long i = 0; i < ops; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);

		if (!p)
			return 0;
		__free_pages(p, order);
	}
	return rdtsc() - t0;
}

/* Allocate @n order-0 pages (chained through their own lru: an allocated
 * page's linkage is its owner's), then free them all; cycles or 0. */
static uint64_t time_bulk(unsigned long n)
{
	struct list_head held;
	unsigned long got = 0;
	uint64_t t0 = rdtsc(), t;

	INIT_LIST_HEAD(&held);
	for (; got < n; got++) {
		struct page *p = alloc_pages(GFP_KERNEL, 0);

		if (!p)
			break;
		list_add(&p->lru, &held);
	}
	while (!list_empty(&held)) {
		struct page *p = list_first_entry(&held, struct page, lru);

		list_del(&p->lru);
		__free_pages(p, 0);
	}
	t = rdtsc() - t0;
	return got == n ? t : 0;
}

/*
 * One warm-up run, then BENCH_RUNS timed runs of @ops operations each;
 * prints the median cycles per operation. Checks that nothing failed and
 * that the free count (per-CPU lists drained) is what it was.
 */
static void bench_case(const char *name, unsigned int order, unsigned long ops, bool bulk)
{
	uint64_t runs[BENCH_RUNS];
	unsigned long free0;
	bool tails = mm_debug_check_tails, poison = mm_debug_poison;

	/* Measure the boot configuration, whatever an earlier suite set. */
	mm_debug_check_tails = false;
	mm_debug_poison = false;
	drain_all_pages(NULL);
	free0 = nr_free_pages();
	for (int r = -1; r < BENCH_RUNS; r++) {
		uint64_t t = bulk ? time_bulk(ops) : time_pairs(order, ops);

		KT_EXPECT(t != 0);
		if (!t)
			break;
		if (r >= 0)
			runs[r] = t;
	}
	drain_all_pages(NULL);
	KT_EXPECT_EQ(nr_free_pages(), free0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	mm_debug_check_tails = tails;
	mm_debug_poison = poison;
	sort_u64(runs, BENCH_RUNS);
	/* bulk: an operation is one allocation or one free, as on the host */
	ktest_diag("bench %s: %llu cycles/op (median of %d runs)", name,
		   (unsigned long long)(runs[BENCH_RUNS / 2] / (bulk ? 2 * ops : ops)), BENCH_RUNS);
}

KTEST(bench, tsc_rate)
{
	uint64_t hz = arch_tsc_hz();

	KT_EXPECT(hz != 0);
	ktest_diag("bench tsc: %llu kHz; struct page %u bytes, %llu KiB per GiB",
		   (unsigned long long)(hz / 1000), (unsigned)sizeof(struct page),
		   (unsigned long long)(sizeof(struct page) * (1ull << 30) / MM_PAGE_SIZE / 1024));
}

KTEST(bench, pcp_pair_order0)
{
	bench_case("pcp_pair_order0", 0, 2000, false);
}

KTEST(bench, pair_order3)
{
	bench_case("pair_order3", 3, 1000, false);
}

KTEST(bench, pair_order9)
{
	bench_case("pair_order9", 9, 200, false);
}

KTEST(bench, bulk_order0)
{
	bench_case("bulk_order0", 0, BENCH_BULK, true);
}
