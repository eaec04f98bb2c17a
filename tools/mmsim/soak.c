/*
 * tools/mmsim/soak.c - mmsim's "soak" workload: the kernel's test=soak
 * (tests/kernel/soak_core.h) on the host for --steps operations, over a
 * host RAM disk a quarter the size of RAM. Fault injection is on (2% of
 * requests unless --fail-page-alloc chose otherwise); kswapd and kcompactd
 * run synchronously after each step whenever they were woken. The
 * invariants and the books are checked every 2000 steps and at the end.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/host/ramdisk_host.h"
#include "tests/kernel/soak_core.h"
#include "mm/kcompactd.h"
#include "mm/kswapd.h"
#include "mm/slab.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"
#include "mmsim.h"

static struct soak soak;
static struct block_device soak_bd;

static void soak_print(const char *when, const struct soak_books *b, int problems)
{
	printf("soak %s: %lu ops, %lu faults injected, %lu invariant checks passed (%lu failed), "
	       "%d problems\n",
	       when, soak.ops, mm_fail_page_alloc_injected(), soak.checks_passed, soak.checks_failed,
	       problems);
	printf("soak %s: free %lu + allocated %lu + reserved %lu = %lu spanned; free + allocated "
	       "= %lu, managed %lu; allocated expected %lu\n",
	       when, b->free, b->allocated, b->reserved, b->free + b->allocated + b->reserved,
	       b->free + b->allocated, b->managed, b->expected_allocated);
}

int mmsim_soak(unsigned long seed, unsigned long steps)
{
	struct soak_books b;
	unsigned long managed = 0, kswapd_runs = 0, kcompactd_runs = 0;
	int problems = 0;
	uint64_t nr_file;
	uint32_t *version;
	struct soak_block *held;

	struct zone *z;

	for_each_zone(z)
		managed += z->managed_pages;
	nr_file = managed + managed / 4; /* more than RAM: reclaim must run */
	version = calloc(nr_file, sizeof(*version));
	held = calloc(4096, sizeof(*held));
	if (!version || !held || ramdisk_host_create(&soak_bd, nr_file)) {
		fprintf(stderr, "mmsim: soak: out of host memory\n");
		return 1;
	}
	if (mmsim_slab_ready())
		return 1;
	mm_reclaim_init();
	if (mm_slab_shrinker_register()) /* mm_reclaim_init forgot it */
		return 1;
	mm_kswapd_reset();
	mm_kcompactd_reset();
	if (!mm_fail_page_alloc_on) {
		struct fail_page_alloc_attr fa = {
			.probability = 2, .interval = 1, .times = -1, .seed = seed
		};

		mm_fail_page_alloc_setup(&fa);
		printf("fail_page_alloc: probability 2%%, interval 1, times -1, min_order 0 (soak default)\n");
	}
	if (soak_init(&soak, &soak_bd, nr_file, version, held, 4096, seed)) {
		fprintf(stderr, "mmsim: soak: filemap_init failed\n");
		return 1;
	}
	printf("soak: %lu steps, file of %llu pages, %lu pages managed, %lu allocated before\n",
	       steps, (unsigned long long)nr_file, managed, soak.base_allocated);
	for (unsigned long i = 0; i < steps; i++) {
		soak_step(&soak, managed / 2);
		while (mm_kswapd_balance())
			kswapd_runs++;
		while (mm_kcompactd_do_work())
			kcompactd_runs++;
		if (i % 2000 == 1999 && soak_check(&soak, &b)) {
			soak_print("check", &b, 1);
			problems++;
		}
	}
	printf("soak: %lu writes, %lu reads (%lu verified), %lu -ENOMEM, %lu mismatches; %lu "
	       "allocations, %lu refused, %lu kmallocs, %lu refused, %lu frees, %lu bad stamps; "
	       "%lu compactions; kswapd %lu passes, kcompactd %lu\n",
	       soak.writes, soak.reads, soak.verified, soak.enomem, soak.mismatches, soak.allocs,
	       soak.alloc_fails, soak.kmallocs, soak.kmalloc_fails, soak.frees, soak.bad_stamps,
	       soak.compactions, kswapd_runs, kcompactd_runs);
	problems += soak_finish(&soak, &b);
	soak_print("end", &b, problems);
	ramdisk_host_destroy(&soak_bd);
	free(version);
	free(held);
	printf("soak: %s\n", problems ? "FAILED" : "passed");
	return problems ? 1 : 0;
}
