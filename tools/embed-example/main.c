/*
 * tools/embed-example/main.c - the smallest host mm/ can run on, as an
 * example for people who take mm/ into their own kernel (docs/embedding.md).
 *
 * "Physical memory" is a static 64 MiB array whose offsets are the physical
 * addresses; one CPU, no interrupts, no threads (so no kswapd: wake-ups are
 * only recorded), which is what mm/host_up.c's defaults assume: this file
 * writes the seven host functions that have none. It builds a
 * firmware-style memory map, hands it to memblock, reserves what
 * "firmware", "the kernel" and "an initrd" use, runs mm_init(), gives the
 * initrd back (free_reserved_area), then allocates, writes, frees and
 * prints /proc/buddyinfo before and after, and last runs mm/'s own
 * self-tests (mm_run_selftests(): KTAP, printed through mm_printk). Exit
 * status 0 when every allocation succeeded, freeing restored the free
 * lists exactly and every self-test passed; 1 otherwise.
 *
 *   make build/embed-example && build/embed-example
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm/debug.h"
#include "mm/gfp.h"
#include "mm/host.h"
#include "mm/memblock.h"
#include "mm/memmap.h"
#include "mm/mm_init.h"
#include "mm/selftest.h"
#include "mm/slab.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"
#include "mm/zone.h"

#define RAM_BYTES (64UL << 20)
#define INITRD (8UL << 20)

static _Alignas(4096) unsigned char ram[RAM_BYTES];

/* ---- mm/host.h: the seven functions without a default ----
 * (mm/host_up.c, compiled in beside mm/, gives the rest: one CPU, no
 * threads, no virtual area for migration.) */

int mm_vprintk(const char *fmt, va_list ap)
{
	return vprintf(fmt, ap);
}

void mm_panic(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* The direct map: physical address = offset into ram[]. */
void *mm_pfn_to_virt(unsigned long pfn)
{
	if (pfn >= RAM_BYTES / MM_PAGE_SIZE)
		mm_panic("pfn 0x%lx outside RAM", pfn);
	return ram + pfn * MM_PAGE_SIZE;
}

unsigned long mm_virt_to_pfn(const void *addr)
{
	const unsigned char *a = addr;

	if (a < ram || a >= ram + RAM_BYTES)
		mm_panic("address %p outside RAM", addr);
	return (unsigned long)(a - ram) / MM_PAGE_SIZE;
}

/* No interrupts here; a kernel with them disables and restores them. */
unsigned long mm_irq_save(void)
{
	return 0;
}

void mm_irq_restore(unsigned long flags)
{
	(void)flags;
}

uint64_t mm_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- the boot sequence and a few allocations ---- */

static struct memmap map;

static int boot(void)
{
	/* What firmware would report: low memory, a hole for the legacy
	 * video/BIOS area, then RAM to the end of the array. */
	mm_memmap_add(&map, 0, 0x9fc00, MEMMAP_USABLE);
	mm_memmap_add(&map, 0xf0000, 0x10000, MEMMAP_RESERVED);
	mm_memmap_add(&map, 0x100000, RAM_BYTES - 0x100000, MEMMAP_USABLE);
	if (mm_memmap_sanitize(&map) || mm_memblock_init_from_memmap(&map))
		return -1;
	/* Freed pages are filled with a pattern and checked when allocated
	 * again: a write after free is reported (and self-tested below). */
	mm_debug_poison = true;
	/* Keep page 0, "the kernel image" (1 MiB at 2 MiB) and "an initrd"
	 * (1 MiB at 8 MiB) away from mm/. */
	mm_memblock_reserve(0, MM_PAGE_SIZE, "page 0");
	mm_memblock_reserve(2UL << 20, 1UL << 20, "kernel");
	mm_memblock_reserve(INITRD, 1UL << 20, "initrd");
	if (mm_init())
		return -1;
	/* The initrd has been read: its memory goes to the allocator. */
	if (free_reserved_area(ram + INITRD, ram + INITRD + (1UL << 20), -1, "initrd") != 256)
		return -1;
	/* LRU lists, shrinkers and reclaim counters: once, after mm_init. */
	mm_reclaim_init();
	/* kmalloc's caches and the slab shrinker: once, after reclaim. */
	return kmem_cache_init();
}

int main(void)
{
	static const unsigned int orders[] = { 0, 0, 1, 3, 9, 10 };
	struct page *pages[sizeof(orders) / sizeof(orders[0])];
	unsigned long before[MM_BUDDYINFO_ZONES][MAX_ORDER], after[MM_BUDDYINFO_ZONES][MAX_ORDER];
	int bad = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (boot()) {
		fprintf(stderr, "embed-example: mm_init failed\n");
		return 1;
	}
	mm_print_zone_summary();
	printf("free pages after boot: %lu\n", nr_free_pages());
	mm_buddyinfo_snapshot(before);
	mm_print_buddyinfo();

	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		pages[i] = alloc_pages(GFP_KERNEL, orders[i]);
		if (!pages[i]) {
			printf("order %u: allocation failed\n", orders[i]);
			bad++;
			continue;
		}
		/* The block is ours: write all of it through the direct map. */
		memset(page_address(pages[i]), 0xa5, MM_PAGE_SIZE << orders[i]);
		printf("order %u: pfn 0x%lx (zone %s)\n", orders[i], page_to_pfn(pages[i]),
		       page_zone(pages[i])->name);
	}
	/* Small objects: a cache of our own and kmalloc, all given back. */
	struct example_node {
		struct example_node *next;
		unsigned long key;
		char name[40];
	} *list = NULL;
	struct kmem_cache *nodes = kmem_cache_create("example_node", sizeof(struct example_node),
						     0, SLAB_HWCACHE_ALIGN, NULL);
	char *buf = kmalloc(100, GFP_KERNEL);
	unsigned long n = 0;

	for (unsigned long k = 0; nodes && k < 1000; k++) {
		struct example_node *e = kmem_cache_alloc(nodes, GFP_KERNEL);

		if (!e)
			break;
		e->key = k;
		e->next = list;
		list = e;
		n++;
	}
	printf("slab: %lu objects of %u bytes in cache %s, kmalloc(100) got %zu bytes\n", n,
	       nodes ? kmem_cache_size(nodes) : 0, nodes ? mm_kmem_cache_name(nodes) : "-",
	       buf ? ksize(buf) : 0);
	if (n != 1000 || !buf)
		bad++;
	printf("after allocating:\n");
	mm_print_buddyinfo();
	while (list) {
		struct example_node *next = list->next;

		kmem_cache_free(nodes, list);
		list = next;
	}
	kfree(buf);
	if (nodes && kmem_cache_destroy(nodes))
		bad++;
	/* What the caches keep for speed goes back too. */
	mm_kmem_cache_shrink_all();

	for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]); i++)
		if (pages[i])
			__free_pages(pages[i], orders[i]);
	/* Small frees wait on the per-CPU lists; give them back first. */
	drain_all_pages(NULL);
	mm_buddyinfo_snapshot(after);
	printf("after freeing:\n");
	mm_print_buddyinfo();

	if (memcmp(before, after, sizeof(before))) {
		printf("embed-example: buddyinfo differs from the one after boot\n");
		bad++;
	}
	if (mm_check_invariants()) {
		printf("embed-example: allocator invariants broken\n");
		bad++;
	}
	/* mm/'s own tests, on this host: KTAP on stdout. */
	if (mm_run_selftests()) {
		printf("embed-example: self-tests failed\n");
		bad++;
	}
	printf("embed-example: %s\n", bad ? "FAILED" : "ok");
	return bad ? 1 : 0;
}
