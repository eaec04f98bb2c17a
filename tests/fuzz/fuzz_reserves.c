/*
 * tests/fuzz/fuzz_reserves.c - libFuzzer target over the HIGHATOMIC
 * reserve's life cycle and the pageblock types around it: bytes become
 * allocations of every migratetype at orders 0-10 from one of four CPUs
 * (atomic high-order ones below the watermarks make reserves), frees to any
 * CPU's per-CPU lists, fills down to the watermarks, drains from any CPU,
 * reserves made and released (from direct reclaim's side and forced),
 * fallback steals, page-cache writes and evictions, and compaction that
 * migrates the cache's pages. mm_check_invariants() runs after every
 * operation; it counts the reserve against the HIGHATOMIC pageblocks and
 * every free block's list against its pageblock's type. At the end every
 * block is freed, every CPU drained and every reserve released: free pages
 * and buddyinfo must be the boot values again.
 *
 * Every input boots a fresh 24 MiB machine (DMA and DMA32), so a crash
 * reproduces from its input alone.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "memmap_model.h" /* FUZZ_CHECK */
#include "tests/host/host_shim.h"
#include "tests/host/ramdisk_host.h"
#include "mm/compact_zone.h"
#include "mm/compaction.h"
#include "mm/debug.h"
#include "mm/filemap.h"
#include "mm/internal.h"
#include "mm/kcompactd.h"
#include "mm/kswapd.h"
#include "mm/lru.h"
#include "mm/memblock.h"
#include "mm/mm_init.h"
#include "mm/oom.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"

#define MiB (1ull << 20)
#define NR_CPUS 4
#define MAX_HELD 8192
#define MAX_OPS 200
#define FILE_PAGES 1024
#define FILE_ID 7

struct held {
	struct page *page;
	unsigned int order;
};

static struct held held[MAX_HELD];
static unsigned int nr_held;
static struct block_device ramdisk;
static struct address_space file;
static bool ramdisk_ready;
static unsigned char page_buf[MM_PAGE_SIZE];
static unsigned long free_at_boot;
static unsigned long buddy_at_boot[MM_BUDDYINFO_ZONES][MAX_ORDER];

struct cursor {
	const uint8_t *p;
	size_t left;
};

static unsigned int u8(struct cursor *c)
{
	if (!c->left)
		return 0;
	c->left--;
	return *c->p++;
}

static const gfp_t gfps[] = {
	GFP_ATOMIC,
	GFP_ATOMIC | __GFP_DMA,
	GFP_KERNEL,
	GFP_KERNEL | __GFP_MOVABLE,
	GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_NOWAIT | __GFP_MOVABLE,
	GFP_NOWAIT | __GFP_RECLAIMABLE,
	GFP_KERNEL | __GFP_NORETRY,
	GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_MOVABLE,
	__GFP_HIGH | __GFP_ATOMIC,
};

static int boot(void)
{
	struct memmap empty = { 0 };

	mm_debug_poison = false;
	host_set_nr_cpus(NR_CPUS);
	/* the same arena for every input: mm_init() rewrites every struct
	 * page, and no fresh page faults slow the next input down */
	if (!ramdisk_ready && host_ram_init(24 * MiB))
		return -1;
	mm_memblock_init_from_memmap(&empty);
	mm_memblock_add(0x1000, 24 * MiB - 0x1000);
	host_capture_start();
	int rc = mm_init();
	host_capture_stop();
	if (rc)
		return rc;
	mm_reclaim_init();
	mm_kswapd_reset();
	mm_compaction_reset();
	mm_kcompactd_reset();
	mm_oom_reset();
	mm_vm_events_reset();
	if (!ramdisk_ready) {
		FUZZ_CHECK(ramdisk_host_create(&ramdisk, FILE_PAGES) == 0, "no RAM disk");
		ramdisk_ready = true;
	}
	return mm_filemap_init(&file, FILE_ID, &ramdisk, 0, FILE_PAGES, 0);
}

static void hold(struct page *p, unsigned int order)
{
	if (nr_held == MAX_HELD) {
		__free_pages(p, order);
		return;
	}
	held[nr_held++] = (struct held){ p, order };
}

static void release(unsigned int i)
{
	__free_pages(held[i].page, held[i].order);
	held[i] = held[--nr_held];
}

static const struct alloc_context *ac_for(unsigned int v)
{
	static struct alloc_context ac;

	ac = (struct alloc_context){ .zonelist = mm_node_zonelist(0, GFP_KERNEL),
				     .highest_zoneidx = (int)(v % 2) ? ZONE_DMA32 : ZONE_DMA,
				     .migratetype = (int)(v / 2 % MIGRATE_PCPTYPES) };
	return &ac;
}

static const char *step(struct cursor *c)
{
	unsigned int op = u8(c) % 12, a = u8(c), b = u8(c);

	host_set_cpu(a % NR_CPUS);
	switch (op) {
	case 0:
	case 1: { /* alloc: mostly small orders, sometimes a pageblock or more */
		unsigned int order = b % 16 < 12 ? b % 4 : 9 + b % 2;
		struct page *p = alloc_pages(gfps[(a / NR_CPUS) % 10] | __GFP_NOWARN, order);

		if (p)
			hold(p, order);
		return "alloc";
	}
	case 2:
	case 3: /* free one held block, to this CPU's lists */
		if (nr_held)
			release((a << 8 | b) % nr_held);
		return "free";
	case 4: { /* fill down to the watermark without reclaim */
		struct page *p;

		while (nr_held < MAX_HELD &&
		       (p = alloc_pages((gfps[b % 10] & ~__GFP_DIRECT_RECLAIM) | __GFP_NOWARN,
					b % 3)) != NULL)
			hold(p, b % 3);
		return "fill";
	}
	case 5: /* free every k-th held block: holes in many pageblocks */
		for (unsigned int i = b % 7; i < nr_held; i += 2 + b % 5)
			release(i);
		return "free-run";
	case 6:
		drain_all_pages(NULL);
		return "drain";
	case 7:
		mm_unreserve_highatomic_pageblock(ac_for(b), a & 1);
		return "unreserve";
	case 8: /* a reserve around a held block, as an atomic success makes */
		if (nr_held) {
			struct page *p = held[(a << 8 | b) % nr_held].page;

			mm_reserve_highatomic_pageblock(p, page_zone(p));
		}
		return "reserve";
	case 9: { /* page cache: movable pages compaction can migrate */
		unsigned int first = (a << 8 | b) % FILE_PAGES;

		for (unsigned int i = first; i < first + 1 + b % 64 && i < FILE_PAGES; i++) {
			memset(page_buf, (int)i, sizeof(page_buf));
			int err = mm_filemap_write(&file, i, page_buf);

			FUZZ_CHECK(!err || err == -MM_ENOMEM, "filemap_write(%u): %d", i, err);
			if (err)
				break;
		}
		return "cache-write";
	}
	case 10:
		mm_filemap_evict(&file, b & 1);
		return "cache-evict";
	default:
		if (b & 1)
			mm_compact_memory();
		else
			mm_try_to_compact_pages(GFP_KERNEL, 1 + a % 10, ALLOC_WMARK_MIN, ZONE_DMA32,
					     (enum compact_priority)(b / 2 % 3));
		return "compact";
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, size };
	const struct alloc_context *all;

	FUZZ_CHECK(boot() == 0, "boot failed");
	nr_held = 0;
	free_at_boot = nr_free_pages();
	mm_buddyinfo_snapshot(buddy_at_boot);
	host_capture_start();
	for (unsigned int n = 0; c.left && n < MAX_OPS; n++) {
		const char *op = step(&c);
		int problems = mm_check_invariants();

		if (problems) {
			fputs(host_capture_stop(), stderr);
			FUZZ_CHECK(0, "step %u (%s): %d invariant problems", n, op, problems);
		}
	}
	/* Everything back: the machine must be as booted. */
	host_set_cpu(0);
	while (nr_held)
		release(nr_held - 1);
	mm_filemap_evict(&file, true);
	mm_filemap_drain_node_pool();
	drain_all_pages(NULL);
	all = ac_for(1);
	while (mm_unreserve_highatomic_pageblock(all, true))
		;
	host_capture_stop();
	FUZZ_CHECK(mm_check_invariants() == 0, "invariants after freeing everything");
	FUZZ_CHECK(nr_free_pages() == free_at_boot, "free %lu, at boot %lu", nr_free_pages(),
		   free_at_boot);
	unsigned long now[MM_BUDDYINFO_ZONES][MAX_ORDER];

	mm_buddyinfo_snapshot(now);
	FUZZ_CHECK(memcmp(now, buddy_at_boot, sizeof(now)) == 0,
		   "buddyinfo differs from boot's after everything was given back");
	return 0;
}
