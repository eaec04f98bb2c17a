/*
 * tools/bench/bench.c - host benchmark of mm/'s page allocator, side by side
 * with a bare LIFO free list of struct pages measured in the same run (the
 * floor: no allocator can hand out a page with less work than a list pop).
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
	memmap_add(&map, 0, 0x9fc00, MEMMAP_USABLE);
	memmap_add(&map, 0x100000, bytes - 0x100000, MEMMAP_USABLE);
	memmap_sanitize(&map);
	memblock_init_from_memmap(&map);
	memblock_reserve(0, 0x10000, "low 64K");
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
	return 0;
}
