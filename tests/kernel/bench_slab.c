/*
 * tests/kernel/bench_slab.c - the slab allocator's benchmark inside the
 * kernel (suite "bench", test=bench): TSC cycles per kmalloc(64)+kfree,
 * kmalloc(256)+kfree and kmem_cache_alloc+free pair, and per allocation
 * and per free when 8192 kmalloc(64) are taken in a row and then freed -
 * the cases of Linux 6.1's SLUB figures in ../shared/README.md, and of
 * tools/bench on the host.
 *
 * Timings are diagnostics, never asserted; the checks are functional:
 * every allocation succeeds and the books balance afterwards.
 */
#include "arch/x86_64/cpu.h"
#include "kernel/ktest.h"
#include "mm/debug.h"
#include "mm/slab.h"

#define SLAB_BENCH_RUNS 15
#define SLAB_BENCH_BULK 8192

static void **bench_objs; /* SLAB_BENCH_BULK pointers, from the page allocator */

static uint64_t median_u64(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/* @ops pairs of kmalloc(@size) (or of @cache's objects); cycles, 0 on failure. */
static uint64_t time_slab_pairs(struct kmem_cache *cache, size_t size, unsigned long ops)
{
	uint64_t t0 = rdtsc();

	for (unsigned long i = 0; i < ops; i++) {
		void *p = cache ? kmem_cache_alloc(cache, GFP_KERNEL) : kmalloc(size, GFP_KERNEL);

		if (!p)
			return 0;
		if (cache)
			kmem_cache_free(cache, p);
		else
			kfree(p);
	}
	return rdtsc() - t0;
}

static void slab_pair_case(const char *name, struct kmem_cache *cache, size_t size)
{
	uint64_t runs[SLAB_BENCH_RUNS];
	const unsigned long ops = 2000;
	bool poison = mm_debug_poison;

	mm_debug_poison = false; /* the boot configuration of test=bench */
	for (int r = -1; r < SLAB_BENCH_RUNS; r++) {
		uint64_t t = time_slab_pairs(cache, size, ops);

		KT_ASSERT(t != 0);
		if (r >= 0)
			runs[r] = t;
	}
	mm_debug_poison = poison;
	ktest_diag("bench %s: %llu cycles/op (median of %d runs)", name,
		   (unsigned long long)(median_u64(runs, SLAB_BENCH_RUNS) / ops), SLAB_BENCH_RUNS);
}

KTEST(bench, slab_kmalloc64_pair)
{
	slab_pair_case("slab_kmalloc64_pair", NULL, 64);
}

KTEST(bench, slab_kmalloc256_pair)
{
	slab_pair_case("slab_kmalloc256_pair", NULL, 256);
}

KTEST(bench, slab_kmalloc4096_pair)
{
	slab_pair_case("slab_kmalloc4096_pair", NULL, 4096);
}

KTEST(bench, slab_cache64_pair)
{
	struct kmem_cache *s = kmem_cache_create("bench-64", 64, 0, SLAB_HWCACHE_ALIGN, NULL);

	KT_ASSERT(s != NULL);
	slab_pair_case("slab_cache64_pair", s, 64);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
}

/* 8192 kmalloc(64) in a row, then their frees: each half its own figure. */
KTEST(bench, slab_bulk_kmalloc64)
{
	uint64_t a[SLAB_BENCH_RUNS], f[SLAB_BENCH_RUNS];
	bool poison = mm_debug_poison;

	/* not kmalloc: the array must not share the caches being measured */
	bench_objs = alloc_pages_exact(SLAB_BENCH_BULK * sizeof(void *), GFP_KERNEL);
	KT_ASSERT(bench_objs != NULL);
	mm_debug_poison = false;
	for (int r = -1; r < SLAB_BENCH_RUNS; r++) {
		uint64_t t0 = rdtsc(), t1;

		for (int i = 0; i < SLAB_BENCH_BULK; i++)
			if (!(bench_objs[i] = kmalloc(64, GFP_KERNEL))) {
				KT_EXPECT(bench_objs[i] != NULL);
				while (i--)
					kfree(bench_objs[i]);
				mm_debug_poison = poison;
				free_pages_exact(bench_objs, SLAB_BENCH_BULK * sizeof(void *));
				return;
			}
		t1 = rdtsc();
		for (int i = 0; i < SLAB_BENCH_BULK; i++)
			kfree(bench_objs[i]);
		if (r >= 0) {
			a[r] = t1 - t0;
			f[r] = rdtsc() - t1;
		}
	}
	mm_debug_poison = poison;
	free_pages_exact(bench_objs, SLAB_BENCH_BULK * sizeof(void *));
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	ktest_diag("bench slab_bulk_kmalloc64_alloc: %llu cycles/op (median of %d runs)",
		   (unsigned long long)(median_u64(a, SLAB_BENCH_RUNS) / SLAB_BENCH_BULK),
		   SLAB_BENCH_RUNS);
	ktest_diag("bench slab_bulk_kmalloc64_free: %llu cycles/op (median of %d runs)",
		   (unsigned long long)(median_u64(f, SLAB_BENCH_RUNS) / SLAB_BENCH_BULK),
		   SLAB_BENCH_RUNS);
}
