/*
 * tools/bench/bench.c - host benchmark of mm/'s page allocator, side by side
 * with a bare LIFO free list of struct pages measured in the same run (the
 * floor: no allocator can hand out a page with less work than a list pop),
 * then of the slab allocator: kmalloc and kmem_cache pairs, and 8192
 * objects allocated in a row then freed (each half its own figure).
 *
 * Each case runs R times; the median ns/op is printed. Under callgrind
 * (`make bench` runs it once more that way) every case dumps its own
 * instruction count through a client request, which tools/bench/run-bench.sh
 * divides by the operation count: instructions are repeatable where
 * nanoseconds are not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <valgrind/callgrind.h>

#include "mm/host.h"
#include "mm/gfp.h"
#include "mm/list.h"
#include "mm/memblock.h"
#include "mm/memmap.h"
#include "mm/mm_init.h"
#include "mm/page.h"
#include "mm/slab.h"
#include "tests/host/host_shim.h"

#define RUNS 7

static unsigned long iters = 1000000;
static int under_callgrind;

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct bench_case {
	const char *name;
	unsigned int order;
	unsigned long ops; /* operations per run */
	void (*run)(const struct bench_case *c);
};

static void pair_order(const struct bench_case *c)
{
	for (unsigned long i = 0; i < c->ops; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, c->order);
		if (!p) {
			fprintf(stderr, "bench: %s: allocation failed\n", c->name);
			exit(1);
		}
		__free_pages(p, c->order);
	}
}

static struct page **bulk_buf;

static void bulk_order0(const struct bench_case *c)
{
	for (unsigned long i = 0; i < c->ops / 2; i++) {
		bulk_buf[i] = alloc_pages(GFP_KERNEL, 0);
		if (!bulk_buf[i]) {
			fprintf(stderr, "bench: bulk allocation %lu failed\n", i);
			exit(1);
		}
	}
	for (unsigned long i = 0; i < c->ops / 2; i++)
		__free_pages(bulk_buf[i], 0);
}

/* The floor: the same struct pages on a plain LIFO list. */
static struct list_head floor_list;

static void floor_pair(const struct bench_case *c)
{
	for (unsigned long i = 0; i < c->ops; i++) {
		struct page *p = list_first_entry(&floor_list, struct page, lru);
		list_del(&p->lru);
		__asm__ volatile("" : : "r"(p) : "memory");
		list_add(&p->lru, &floor_list);
	}
}

static void floor_bulk(const struct bench_case *c)
{
	for (unsigned long i = 0; i < c->ops / 2; i++) {
		struct page *p = list_first_entry(&floor_list, struct page, lru);
		list_del(&p->lru);
		bulk_buf[i] = p;
	}
	for (unsigned long i = 0; i < c->ops / 2; i++)
		list_add(&bulk_buf[i]->lru, &floor_list);
}

/* ---- the slab allocator ---- */

#define SLAB_BULK 8192 /* objects held at once: Linux's bulk figure's size */
static struct kmem_cache *bench_cache;
static void *slab_buf[SLAB_BULK];

static void slab_fail(const char *name)
{
	fprintf(stderr, "bench: %s: allocation failed\n", name);
	exit(1);
}

static void kmalloc_pair(const struct bench_case *c)
{
	for (unsigned long i = 0; i < c->ops; i++) {
		void *p = kmalloc(c->order, GFP_KERNEL);

		if (!p)
			slab_fail(c->name);
		kfree(p);
	}
}

static void cache_pair(const struct bench_case *c)
{
	for (unsigned long i = 0; i < c->ops; i++) {
		void *p = kmem_cache_alloc(bench_cache, GFP_KERNEL);

		if (!p)
			slab_fail(c->name);
		kmem_cache_free(bench_cache, p);
	}
}

/* The bulk case in two halves, each its own figure: SLAB_BULK
 * kmalloc(@order) in a row, then their frees in the same order. */
static void bulk_kmalloc_alloc(const struct bench_case *c)
{
	for (unsigned long i = 0; i < c->ops; i++)
		if (!(slab_buf[i] = kmalloc(c->order, GFP_KERNEL)))
			slab_fail(c->name);
}

static void bulk_kmalloc_free(const struct bench_case *c)
{
	for (unsigned long i = 0; i < c->ops; i++)
		kfree(slab_buf[i]);
}

static void bulk_cache_alloc(const struct bench_case *c)
{
	for (unsigned long i = 0; i < c->ops; i++)
		if (!(slab_buf[i] = kmem_cache_alloc(bench_cache, GFP_KERNEL)))
			slab_fail(c->name);
}

static void bulk_cache_free(const struct bench_case *c)
{
	for (unsigned long i = 0; i < c->ops; i++)
		kmem_cache_free(bench_cache, slab_buf[i]);
}

/* Median ns per operation of @alloc's and of @free's half of a bulk run
 * (one warm-up round first), or under callgrind one dump per half. */
static void measure_bulk(const struct bench_case *alloc, const struct bench_case *free_,
			 double *alloc_ns, double *free_ns)
{
	double ta[RUNS], tf[RUNS];

	alloc->run(alloc);
	free_->run(free_);
	if (under_callgrind) {
		CALLGRIND_ZERO_STATS;
		alloc->run(alloc);
		CALLGRIND_DUMP_STATS_AT(alloc->name);
		free_->run(free_);
		CALLGRIND_DUMP_STATS_AT(free_->name);
		return;
	}
	for (int r = 0; r < RUNS; r++) {
		double t0 = now_ns(), t1;

		alloc->run(alloc);
		t1 = now_ns();
		free_->run(free_);
		ta[r] = (t1 - t0) / alloc->ops;
		tf[r] = (now_ns() - t1) / free_->ops;
	}
	qsort(ta, RUNS, sizeof(ta[0]), cmp_double);
	qsort(tf, RUNS, sizeof(tf[0]), cmp_double);
	*alloc_ns = ta[RUNS / 2];
	*free_ns = tf[RUNS / 2];
}

static double measure(const struct bench_case *c)
{
	double t[RUNS];

	if (under_callgrind) {
		c->run(c); /* warm up outside the counted region */
		CALLGRIND_ZERO_STATS;
		c->run(c);
		CALLGRIND_DUMP_STATS_AT(c->name);
		return 0;
	}
	c->run(c);
	for (int r = 0; r < RUNS; r++) {
		double t0 = now_ns();
		c->run(c);
		t[r] = (now_ns() - t0) / c->ops;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

static void setup_memory(uint64_t bytes)
{
	static struct memmap map;

	if (host_ram_init(bytes)) {
		perror("bench: host_ram_init");
		exit(1);
	}
	memset(&map, 0, sizeof(map));
	mm_memmap_add(&map, 0, 0x9fc00, MEMMAP_USABLE);
	mm_memmap_add(&map, 0x100000, bytes - 0x100000, MEMMAP_USABLE);
	mm_memmap_sanitize(&map);
	mm_memblock_init_from_memmap(&map);
	mm_memblock_reserve(0, 0x10000, "low 64K");
	if (mm_init()) {
		fprintf(stderr, "bench: mm_init failed\n");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	uint64_t mem = 1ull << 30;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--iters") && i + 1 < argc)
			iters = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--callgrind"))
			under_callgrind = 1;
		else {
			fprintf(stderr, "usage: bench [--iters N] [--callgrind]\n");
			return 2;
		}
	}
	if (under_callgrind && !RUNNING_ON_VALGRIND) {
		fprintf(stderr, "bench: --callgrind needs valgrind --tool=callgrind\n");
		return 2;
	}
	setup_memory(mem);

	unsigned long bulk = 2 * 65536; /* 64 Ki pages out at once, then back */
	bulk_buf = calloc(bulk / 2, sizeof(*bulk_buf));
	INIT_LIST_HEAD(&floor_list);
	/* The floor's pages come from the allocator: an allocated page's lru
	 * linkage is the owner's to use. */
	for (unsigned long i = 0; i < bulk / 2; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, 0);
		if (!p) {
			fprintf(stderr, "bench: cannot allocate the floor's pages\n");
			return 1;
		}
		list_add(&p->lru, &floor_list);
	}

	struct bench_case floor_cases[] = {
		{ "floor_pair", 0, iters, floor_pair },
		{ "floor_bulk", 0, bulk, floor_bulk },
	};
	double floor_pair_ns = measure(&floor_cases[0]);
	double floor_bulk_ns = measure(&floor_cases[1]);
	/* Give the floor's pages back before measuring the allocator. */
	while (!list_empty(&floor_list)) {
		struct page *p = list_first_entry(&floor_list, struct page, lru);
		list_del(&p->lru);
		__free_pages(p, 0);
	}

	struct bench_case cases[] = {
		{ "pcp_pair_order0", 0, iters, pair_order },
		{ "bulk_order0", 0, bulk, bulk_order0 },
		{ "pair_order1", 1, iters / 4, pair_order },
		{ "pair_order2", 2, iters / 4, pair_order },
		{ "pair_order3", 3, iters / 4, pair_order },
		{ "pair_order4", 4, iters / 8, pair_order },
		{ "pair_order5", 5, iters / 8, pair_order },
		{ "pair_order6", 6, iters / 8, pair_order },
		{ "pair_order7", 7, iters / 8, pair_order },
		{ "pair_order8", 8, iters / 16, pair_order },
		{ "pair_order9", 9, iters / 16, pair_order },
		{ "pair_order10", 10, iters / 16, pair_order },
	};
	if (!under_callgrind)
		printf("%-18s %10s %10s %8s\n", "case", "ops/run", "median_ns", "x_floor");
	if (!under_callgrind) {
		printf("%-18s %10lu %10.2f %8s\n", "floor_pair", floor_cases[0].ops, floor_pair_ns,
		       "1.00");
		printf("%-18s %10lu %10.2f %8s\n", "floor_bulk", floor_cases[1].ops, floor_bulk_ns,
		       "1.00");
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double ns = measure(&cases[i]);
		if (under_callgrind)
			continue;
		double base = cases[i].run == bulk_order0 ? floor_bulk_ns : floor_pair_ns;
		printf("%-18s %10lu %10.2f %8.2f\n", cases[i].name, cases[i].ops, ns, ns / base);
	}

	/* The slab allocator, set up only now so the page figures above are
	 * those of the allocator alone. order = the kmalloc size. */
	if (kmem_cache_init() ||
	    !(bench_cache = kmem_cache_create("bench-64", 64, 0, SLAB_HWCACHE_ALIGN, NULL))) {
		fprintf(stderr, "bench: slab set-up failed\n");
		return 1;
	}
	struct bench_case slab_cases[] = {
		{ "kmalloc64_pair", 64, iters, kmalloc_pair },
		{ "kmalloc256_pair", 256, iters, kmalloc_pair },
		{ "kmalloc4096_pair", 4096, iters / 4, kmalloc_pair },
		{ "cache64_pair", 64, iters, cache_pair },
	};
	for (size_t i = 0; i < sizeof(slab_cases) / sizeof(slab_cases[0]); i++) {
		double ns = measure(&slab_cases[i]);
		if (!under_callgrind)
			printf("%-18s %10lu %10.2f %8s\n", slab_cases[i].name, slab_cases[i].ops,
			       ns, "-");
	}
	struct bench_case bulk_cases[][2] = {
		{ { "bulk_kmalloc64_alloc", 64, SLAB_BULK, bulk_kmalloc_alloc },
		  { "bulk_kmalloc64_free", 64, SLAB_BULK, bulk_kmalloc_free } },
		{ { "bulk_cache64_alloc", 64, SLAB_BULK, bulk_cache_alloc },
		  { "bulk_cache64_free", 64, SLAB_BULK, bulk_cache_free } },
	};
	for (size_t i = 0; i < sizeof(bulk_cases) / sizeof(bulk_cases[0]); i++) {
		double a = 0, f = 0;

		measure_bulk(&bulk_cases[i][0], &bulk_cases[i][1], &a, &f);
		if (!under_callgrind) {
			printf("%-18s %10d %10.2f %8s\n", bulk_cases[i][0].name, SLAB_BULK, a, "-");
			printf("%-18s %10d %10.2f %8s\n", bulk_cases[i][1].name, SLAB_BULK, f, "-");
		}
	}
	return 0;
}
