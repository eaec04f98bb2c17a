/*
 * tests/fuzz/fuzz_alloc_ops.c - libFuzzer target: bytes become a sequence
 * of page allocator operations on a small fake machine, with the invariant
 * checker and a page count after every one.
 *
 * Operations: alloc_pages of any order (also >= MAX_ORDER) and any gfp
 * (table entries with modifiers, or raw bits: invalid ones too),
 * __get_free_pages / get_zeroed_page, alloc_pages_exact, frees of held
 * blocks by page or by address, bad frees (of pages not held, with the
 * wrong order, of a block's interior, of reserved pages, of pointers
 * outside mem_map, double frees), get_page + free, split_page, draining
 * per-CPU lists, toggling poisoning. Each bad free must be reported exactly
 * once and change nothing. Reports go to the capture buffer
 * (host_capture_start), so the fuzzer's output stays quiet.
 *
 * Memory also goes to a page-cache file on a host RAM disk (writes of
 * runs of pages, reads that verify every byte against the version last
 * written, fsync, eviction) and to a shrinker-backed cache of the
 * fuzzer's own; the reclaim operations (direct reclaim, kswapd's
 * balance_zone, shrink_slab through them) and compaction operations
 * (compact_memory, a pass for one order at each priority, try_to_compact_pages,
 * kcompactd) then move or drop those pages while the fuzzer's own blocks
 * must stay put. Allocations under pressure reach the same paths through
 * the slowpath. Every page is accounted for after each step: free + held
 * + cached + tree nodes + shrinker cache = free at boot.
 *
 * Every input starts from a freshly booted machine (the first byte picks
 * one of two layouts, 40 MiB QEMU-like or 20 MiB flat, both with DMA and
 * DMA32), so a crash reproduces from its input alone. With
 * FUZZ_ALLOC_SPARSE=1 every input runs instead on a sparse machine with
 * Normal RAM at 4 GiB, whose struct page array of 1M entries is too slow to
 * rebuild per input: it boots once and is reused, each input freeing what
 * it took (checked: free pages and buddyinfo return exactly to the boot
 * values), so a crash there may need the inputs before it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memmap_model.h" /* FUZZ_CHECK */
#include "tests/host/host_shim.h"
#include "tests/host/ramdisk_host.h"
#include "mm/compact_zone.h"
#include "mm/compaction.h"
#include "mm/debug.h"
#include "mm/filemap.h"
#include "mm/gfp.h"
#include "mm/internal.h"
#include "mm/kcompactd.h"
#include "mm/kswapd.h"
#include "mm/lru.h"
#include "mm/memblock.h"
#include "mm/migrate.h"
#include "mm/mm_init.h"
#include "mm/oom.h"
#include "mm/shrinker.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"
#include "mm/zone.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define MAX_HELD 4096
#define MAX_OPS 300

enum held_kind { HELD_PAGES, HELD_ADDR, HELD_EXACT };

struct held {
	unsigned long pfn;
	unsigned int order; /* HELD_PAGES, HELD_ADDR */
	size_t size;	    /* HELD_EXACT: bytes asked for */
	enum held_kind kind;
	bool compound;
};

static struct held held[MAX_HELD];
static unsigned int nr_held;
static unsigned long held_pages;
static unsigned char *owned; /* per pfn: held by this input */
static unsigned long owned_len;
static unsigned long reserved_pfns[64];
static unsigned int nr_reserved_pfns;
static unsigned long free_at_boot;
static unsigned long buddy_at_boot[MM_BUDDYINFO_ZONES][MAX_ORDER];
static int booted_layout = -1;
static bool sparse; /* FUZZ_ALLOC_SPARSE=1: every input on layout 2 */

/* The page-cache file: 12 MiB on a RAM disk made once; its blocks may hold
 * an earlier input's data, so only versions written by this input are
 * checked (0: not written yet). */
#define FILE_PAGES 3072
#define FILE_ID 0xf22
static struct block_device ramdisk;
static struct address_space file;
static uint32_t file_version[FILE_PAGES];
static uint32_t next_version;
static uint8_t page_buf[MM_PAGE_SIZE] __attribute__((aligned(64)));

/* The shrinker's cache: order-0 pages the fuzzer allocated and reclaim
 * may take back at any time, chained through their lru. */
static struct list_head shrink_cache;
static unsigned long shrink_cache_pages;
static struct shrinker fuzz_shrinker;

/* ---- reading the input ---- */

struct cursor {
	const uint8_t *p, *end;
};

static bool more(const struct cursor *c)
{
	return c->p < c->end;
}
static unsigned int u8(struct cursor *c)
{
	return more(c) ? *c->p++ : 0;
}
static unsigned int u16(struct cursor *c)
{
	return u8(c) | u8(c) << 8;
}

/* ---- the machine ---- */

static int boot(int layout)
{
	struct memmap empty = { 0 };
	uint64_t top = layout == 0 ? 40 * MiB : layout == 1 ? 20 * MiB : 4 * GiB + 16 * MiB;

	mm_debug_poison = false;
	/* the same arena again: no fresh page faults, and mm_init() rewrites
	 * every struct page, so nothing of the last input survives */
	if (layout != booted_layout && host_ram_init(top))
		return -1;
	mm_memblock_init_from_memmap(&empty);
	switch (layout) {
	case 0: /* QEMU-like: low RAM below 640K, 1M up; low 1M and a kernel reserved */
		mm_memblock_add(0x1000, 0x9f000);
		mm_memblock_add(1 * MiB, top - 1 * MiB - 0x20000);
		mm_memblock_reserve(0, 1 * MiB, "low 1M");
		mm_memblock_reserve(2 * MiB, 1 * MiB, "kernel");
		break;
	case 1: /* flat, page 0 missing */
		mm_memblock_add(0x1000, top - 0x1000);
		break;
	default: /* DMA, DMA32 (mostly the 40 MiB struct page array), Normal at 4 GiB */
		mm_memblock_add(1 * MiB, 15 * MiB);
		mm_memblock_add(16 * MiB, 56 * MiB);
		mm_memblock_add(4 * GiB, 16 * MiB);
		mm_memblock_reserve(1 * MiB, 64 * 1024, "boot data");
		break;
	}
	host_capture_start();
	int rc = mm_init();
	host_capture_stop();
	return rc;
}

static unsigned long shrink_count(struct shrinker *sh, struct shrink_control *sc)
{
	(void)sh;
	(void)sc;
	return shrink_cache_pages ? shrink_cache_pages : SHRINK_EMPTY;
}

static unsigned long shrink_scan(struct shrinker *sh, struct shrink_control *sc)
{
	unsigned long freed = 0;

	(void)sh;
	while (freed < sc->nr_to_scan && !list_empty(&shrink_cache)) {
		struct page *p = list_first_entry(&shrink_cache, struct page, lru);

		list_del(&p->lru);
		p->lru.next = p->lru.prev = NULL;
		owned[page_to_pfn(p)] = 0;
		__free_pages(p, 0);
		shrink_cache_pages--;
		freed++;
	}
	mm_shrinker_note_freed_pages(freed);
	return freed;
}

/* Reclaim, compaction and the page cache to their boot state, with an
 * empty file and the fuzzer's shrinker registered (after every boot, and
 * before every input on the sparse machine that is not rebooted). */
static void reclaim_setup(void)
{
	mm_reclaim_init();
	mm_kswapd_reset();
	mm_compaction_reset();
	mm_kcompactd_reset();
	mm_oom_reset();
	FUZZ_CHECK(mm_filemap_init(&file, FILE_ID, &ramdisk, 0, FILE_PAGES, 0) == 0,
		   "filemap_init failed");
	memset(file_version, 0, sizeof(file_version));
	next_version = 0;
	INIT_LIST_HEAD(&shrink_cache);
	shrink_cache_pages = 0;
	fuzz_shrinker = (struct shrinker){ .count_objects = shrink_count,
					   .scan_objects = shrink_scan,
					   .name = "fuzz" };
	FUZZ_CHECK(register_shrinker(&fuzz_shrinker) == 0, "register_shrinker failed");
}

/* Pages outside the fuzzer's held blocks that are not free either. */
static unsigned long cache_pages(void)
{
	return mm_filemap_nr_pages() + mm_filemap_nr_node_pages() + shrink_cache_pages;
}

static unsigned long pcp_pages(void)
{
	unsigned long n = 0;
	struct zone *z;

	for_each_zone(z)
		for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++)
			n += (unsigned long)z->pcp[cpu].count;
	return n;
}

static void setup(int layout)
{
	if (layout == 2 && booted_layout == 2)
		return;
	FUZZ_CHECK(boot(layout) == 0, "layout %d does not boot", layout);
	booted_layout = layout;
	if (owned_len != mm_max_pfn) {
		free(owned);
		owned = calloc(mm_max_pfn, 1);
		owned_len = mm_max_pfn;
		FUZZ_CHECK(owned != NULL, "out of memory");
	}
	nr_reserved_pfns = 0;
	for (unsigned long pfn = 0; pfn < mm_max_pfn && nr_reserved_pfns < 64; pfn += 97)
		if (PageReserved(pfn_to_page(pfn)))
			reserved_pfns[nr_reserved_pfns++] = pfn;
	drain_all_pages(NULL);
	free_at_boot = nr_free_pages() + pcp_pages();
	mm_buddyinfo_snapshot(buddy_at_boot);
}

/* ---- checks ---- */

/* What mm/ printed since the last call (truncated), and a fresh capture. */
static const char *captured(void)
{
	static char copy[8192];

	snprintf(copy, sizeof(copy), "%s", host_capture_stop());
	host_capture_start();
	return copy;
}

static void check_state(const char *op, unsigned int step)
{
	int problems;
	unsigned long free_now;

	host_capture_start();
	problems = mm_check_invariants();
	if (problems) {
		fprintf(stderr, "%s", host_capture_stop());
		FUZZ_CHECK(0, "step %u (%s): %d invariant problems", step, op, problems);
	}
	host_capture_start();
	problems = mm_lru_check();
	if (problems) {
		fprintf(stderr, "%s", host_capture_stop());
		FUZZ_CHECK(0, "step %u (%s): %d LRU problems", step, op, problems);
	}
	free_now = nr_free_pages() + pcp_pages();
	FUZZ_CHECK(free_now + held_pages + cache_pages() == free_at_boot,
		   "step %u (%s): %lu free + %lu held + %lu cached != %lu at boot", step, op,
		   free_now, held_pages, cache_pages(), free_at_boot);
	FUZZ_CHECK(mm_global_vm_event(POISON_ERRORS) == 0, "step %u (%s): poison corrupted: %s", step,
		   op, captured());
}

/* The rules page_alloc.c documents for refusing a request. */
static bool request_valid(gfp_t gfp, unsigned int order)
{
	unsigned int zones = !!(gfp & __GFP_DMA) + !!(gfp & __GFP_DMA32) + !!(gfp & __GFP_HIGHMEM);

	return order < MAX_ORDER && !(gfp & ~__GFP_BITS_MASK) && zones <= 1 &&
	       (gfp & GFP_MOVABLE_MASK) != GFP_MOVABLE_MASK &&
	       (gfp & (__GFP_NOFAIL | __GFP_NORETRY)) != (__GFP_NOFAIL | __GFP_NORETRY) &&
	       !((gfp & __GFP_NOFAIL) && order > 3);
}

static int highest_zone(gfp_t gfp)
{
	return (gfp & __GFP_DMA) ? ZONE_DMA : (gfp & __GFP_DMA32) ? ZONE_DMA32 : ZONE_NORMAL;
}

/* A block just handed out: where it lies, its struct pages, its bytes. */
static void check_new_block(struct page *page, unsigned int order, size_t pages, gfp_t gfp,
			    bool exact, unsigned int step)
{
	unsigned long pfn = page_to_pfn(page);
	unsigned int zone = page_zonenum(page);

	FUZZ_CHECK(pfn % (1UL << order) == 0, "step %u: pfn 0x%lx not aligned to order %u", step,
		   pfn, order);
	FUZZ_CHECK(pfn + pages <= mm_max_pfn, "step %u: block past max_pfn", step);
	FUZZ_CHECK((int)zone <= highest_zone(gfp), "step %u: gfp 0x%x got zone %u", step, gfp,
		   zone);
	for (size_t i = 0; i < pages; i++) {
		struct page *p = page + i;

		FUZZ_CHECK(!owned[pfn + i], "step %u: pfn 0x%lx handed out twice", step, pfn + i);
		FUZZ_CHECK(page_zonenum(p) == zone, "step %u: block spans zones", step);
		FUZZ_CHECK(!PageReserved(p) && !PageBuddy(p) && !PagePcp(p),
			   "step %u: pfn 0x%lx handed out with flags 0x%x", step, pfn + i,
			   p->flags);
		FUZZ_CHECK(!p->mapping, "step %u: pfn 0x%lx has a mapping", step, pfn + i);
		if (exact || i == 0)
			FUZZ_CHECK(page_ref_count(p) == 1, "step %u: pfn 0x%lx refcount %d", step,
				   pfn + i, page_ref_count(p));
		else if (!(gfp & __GFP_COMP))
			FUZZ_CHECK(page_ref_count(p) == 0, "step %u: tail pfn 0x%lx refcount %d",
				   step, pfn + i, page_ref_count(p));
		if ((gfp & __GFP_COMP) && !exact && order)
			FUZZ_CHECK(i ? PageTail(p) && compound_head(p) == page : PageHead(p),
				   "step %u: compound page %zu of 0x%lx malformed", step, i, pfn);
		owned[pfn + i] = 1;
	}
	if (!exact)
		FUZZ_CHECK(page_alloc_order(page) == order,
			   "step %u: head records order %u, not %u", step, page_alloc_order(page),
			   order);
	if (gfp & __GFP_ZERO) {
		static const uint8_t zero[MM_PAGE_SIZE];

		for (size_t i = 0; i < pages; i++)
			FUZZ_CHECK(!memcmp(page_address(page + i), zero, MM_PAGE_SIZE),
				   "step %u: __GFP_ZERO block: page %zu of pfn 0x%lx not zeroed",
				   step, i, pfn);
	}
	/* the owner writes, as owners do: poisoning must not mind */
	for (size_t i = 0; i < pages; i++)
		((uint8_t *)page_address(page + i))[(pfn + i) % MM_PAGE_SIZE] = 0x5c;
	held_pages += pages;
}

static void hold(unsigned long pfn, unsigned int order, size_t size, enum held_kind kind,
		 bool compound)
{
	FUZZ_CHECK(nr_held < MAX_HELD, "too many held blocks");
	held[nr_held++] = (struct held){ pfn, order, size, kind, compound };
}

static size_t held_nr_pages(const struct held *h)
{
	return h->kind == HELD_EXACT ? (h->size + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE
				     : 1UL << h->order;
}

static void release(unsigned int i)
{
	struct held h = held[i];
	size_t n = held_nr_pages(&h);

	held[i] = held[--nr_held];
	for (size_t k = 0; k < n; k++)
		owned[h.pfn + k] = 0;
	held_pages -= n;
	if (h.kind == HELD_EXACT)
		free_pages_exact(mm_pfn_to_virt(h.pfn), h.size);
	else if (h.kind == HELD_ADDR)
		free_pages((unsigned long)mm_pfn_to_virt(h.pfn), h.order);
	else
		__free_pages(pfn_to_page(h.pfn), h.order);
}

/* ---- operations ---- */

static const gfp_t gfp_table[] = {
	GFP_KERNEL,
	GFP_ATOMIC,
	GFP_NOWAIT,
	GFP_DMA,
	GFP_DMA32,
	GFP_HIGHUSER_MOVABLE,
	GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_NOIO,
	GFP_NOFS,
	GFP_USER,
	GFP_ATOMIC | __GFP_DMA,
	GFP_KERNEL | __GFP_DMA32,
	0,
	__GFP_MOVABLE | __GFP_DMA,
};
static const gfp_t gfp_modifiers[8] = {
	__GFP_ZERO,	     __GFP_COMP,     __GFP_HIGH,       __GFP_NORETRY,
	__GFP_RETRY_MAYFAIL, __GFP_MEMALLOC, __GFP_NOMEMALLOC, __GFP_NOWARN,
};

static gfp_t read_gfp(struct cursor *c)
{
	unsigned int sel = u8(c), mods = u8(c);
	gfp_t gfp;

	if (sel >= 240) /* raw bits: anything, valid or not */
		return (gfp_t)(u16(c) | u8(c) << 16 | (mods & 0x80u) << 16);
	gfp = gfp_table[sel % (sizeof(gfp_table) / sizeof(gfp_table[0]))];
	for (int b = 0; b < 8; b++)
		if (mods & (1u << b))
			gfp |= gfp_modifiers[b];
	return gfp;
}

static unsigned int read_order(struct cursor *c)
{
	unsigned int b = u8(c);

	if (b >= 250)
		return b;	    /* far out of range */
	return b % (MAX_ORDER + 1); /* MAX_ORDER itself is invalid */
}

static void op_alloc(struct cursor *c, unsigned int step, bool by_addr)
{
	gfp_t gfp = read_gfp(c);
	unsigned int order = read_order(c);
	unsigned long invalid0 = mm_global_vm_event(PGALLOC_INVALID);
	struct page *page;

	if (nr_held == MAX_HELD) /* splits can fill the table */
		return;
	if (by_addr) {
		unsigned long addr = (gfp & __GFP_ZERO) && !order ? get_zeroed_page(gfp)
								  : __get_free_pages(gfp, order);
		page = addr ? virt_to_page((void *)addr) : NULL;
	} else {
		page = alloc_pages(gfp, order);
	}
	if (!request_valid(gfp, order)) {
		FUZZ_CHECK(!page, "step %u: invalid request gfp 0x%x order %u was served", step,
			   gfp, order);
		FUZZ_CHECK(mm_global_vm_event(PGALLOC_INVALID) == invalid0 + 1,
			   "step %u: invalid request gfp 0x%x order %u not counted", step, gfp,
			   order);
		return;
	}
	if (!page)
		return;
	check_new_block(page, order, 1UL << order, gfp, false, step);
	hold(page_to_pfn(page), order, 0, by_addr ? HELD_ADDR : HELD_PAGES,
	     (gfp & __GFP_COMP) && order);
}

static void op_alloc_exact(struct cursor *c, unsigned int step)
{
	gfp_t gfp = read_gfp(c);
	size_t size = u16(c) % (80 * MM_PAGE_SIZE); /* up to order 7 */
	unsigned int order;
	void *v;

	if (nr_held == MAX_HELD)
		return;
	v = alloc_pages_exact(size, gfp);

	if (!size || !request_valid(gfp & ~__GFP_COMP, get_order(size))) {
		FUZZ_CHECK(!v, "step %u: alloc_pages_exact(%zu, 0x%x) should fail", step, size,
			   gfp);
		return;
	}
	if (!v)
		return;
	order = get_order(size);
	check_new_block(virt_to_page(v), order, (size + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE,
			gfp & ~__GFP_COMP, true, step);
	hold(mm_virt_to_pfn(v), 0, size, HELD_EXACT, false);
}

static void op_free(struct cursor *c)
{
	unsigned int i = u16(c);

	if (nr_held)
		release(i % nr_held);
}

/* get_page then a free: the block must stay allocated and untouched. */
static void op_extra_ref(struct cursor *c, unsigned int step)
{
	unsigned int i = u16(c);
	struct page *page;

	if (!nr_held || held[i % nr_held].kind == HELD_EXACT)
		return;
	page = pfn_to_page(held[i % nr_held].pfn);
	get_page(page);
	__free_pages(page, held[i % nr_held].order);
	FUZZ_CHECK(page_ref_count(page) == 1, "step %u: refcount %d after get+put", step,
		   page_ref_count(page));
}

static void op_split(struct cursor *c)
{
	unsigned int i = u16(c);
	struct held h;

	if (!nr_held)
		return;
	i %= nr_held;
	h = held[i];
	if (h.kind == HELD_EXACT || h.compound || !h.order || nr_held + (1u << h.order) > MAX_HELD)
		return;
	split_page(pfn_to_page(h.pfn), h.order);
	held[i] = held[--nr_held];
	for (unsigned long k = 0; k < (1UL << h.order); k++)
		hold(h.pfn + k, 0, 0, HELD_PAGES, false);
}

/* One wrong free; it must be reported once and leave everything as it was. */
static void op_bad_free(struct cursor *c, unsigned int step)
{
	unsigned int kind = u8(c) % 6, a = u16(c), b = u8(c);
	unsigned long bad0 = mm_global_vm_event(BAD_PAGES);
	struct page *page = NULL;
	unsigned int order = b % MAX_ORDER;
	const char *what;

	captured();
	switch (kind) {
	case 0: /* a page we do not hold: free, reserved or inside a free block */
		what = "page not held";
		for (unsigned int tries = 0; tries < 8 && !page; tries++, a += 7919) {
			unsigned long pfn = ((unsigned long)a * 61) % mm_max_pfn;
			struct page *p = pfn_to_page(pfn);

			/* not the cache's pages: freeing those looks legitimate */
			if (!owned[pfn] && (page_ref_count(p) <= 0 || PageReserved(p)))
				page = p;
		}
		if (!page) /* nearly everything is held */
			return;
		break;
	case 1: /* a held block with the wrong order */
		what = "wrong order";
		if (!nr_held || held[a % nr_held].kind == HELD_EXACT)
			return;
		page = pfn_to_page(held[a % nr_held].pfn);
		order = b >= 240 ? b
				 : (held[a % nr_held].order + 1 + b % (MAX_ORDER - 1)) % MAX_ORDER;
		break;
	case 2: /* inside a held block */
		what = "interior page";
		if (!nr_held || held[a % nr_held].kind == HELD_EXACT || !held[a % nr_held].order)
			return;
		page = pfn_to_page(held[a % nr_held].pfn) + 1 +
		       b % ((1UL << held[a % nr_held].order) - 1);
		order = b % 3;
		break;
	case 3: /* reserved at boot */
		what = "reserved page";
		if (!nr_reserved_pfns)
			return;
		page = pfn_to_page(reserved_pfns[a % nr_reserved_pfns]);
		break;
	case 4: /* not a struct page of mem_map at all */
		what = "pointer outside mem_map";
		page = (b & 1) ? (struct page *)((char *)(mm_mem_map + a % mm_max_pfn) + 8)
			       : (struct page *)((uintptr_t)(mm_mem_map + mm_max_pfn) +
						 (uintptr_t)a * sizeof(struct page));
		break;
	default: /* a double free */
		what = "double free";
		if (!nr_held || held[a % nr_held].kind == HELD_EXACT)
			return;
		{
			struct held h = held[a % nr_held];

			release(a % nr_held);
			check_state("double free: first free", step);
			captured();
			bad0 = mm_global_vm_event(BAD_PAGES);
			page = pfn_to_page(h.pfn);
			order = h.order;
			if (b & 1) {
				free_pages((unsigned long)page_address(page), order);
				page = NULL;
			}
		}
		break;
	}
	if (page)
		__free_pages(page, order);
	FUZZ_CHECK(mm_global_vm_event(BAD_PAGES) == bad0 + 1,
		   "step %u: bad free (%s) reported %lu times", step, what,
		   mm_global_vm_event(BAD_PAGES) - bad0);
	FUZZ_CHECK(strstr(captured(), "Bad page state") != NULL,
		   "step %u: bad free (%s) without a 'Bad page state' report", step, what);
}

static void op_drain(struct cursor *c)
{
	unsigned int b = u8(c);

	if (b & 1)
		drain_all_pages(NULL);
	else
		drain_local_pages(&NODE_DATA(0)->node_zones[(b >> 1) % MAX_NR_ZONES]);
}

/* ---- page cache, reclaim, compaction ---- */

/* Write a run of pages of the file, each a new version. */
static void op_cache_write(struct cursor *c, unsigned int step)
{
	unsigned int first = u16(c) % FILE_PAGES, n = 1 + u8(c) % 128;

	for (unsigned int i = first; i < first + n && i < FILE_PAGES; i++) {
		uint32_t v = ++next_version;
		int err;

		page_pattern_fill(page_buf, FILE_ID, i, v);
		err = mm_filemap_write(&file, i, page_buf);
		FUZZ_CHECK(!err || err == -MM_ENOMEM, "step %u: filemap_write(%u): %d", step, i,
			   err);
		if (err)
			return; /* the old version stays */
		file_version[i] = v;
	}
}

/* Read a run back, through the cache or the disk: every byte as written. */
static void op_cache_read(struct cursor *c, unsigned int step)
{
	unsigned int first = u16(c) % FILE_PAGES, n = 1 + u8(c) % 64;

	for (unsigned int i = first; i < first + n && i < FILE_PAGES; i++) {
		int err = mm_filemap_read(&file, i, page_buf);

		FUZZ_CHECK(!err || err == -MM_ENOMEM, "step %u: filemap_read(%u): %d", step, i,
			   err);
		if (err)
			return;
		FUZZ_CHECK(!file_version[i] ||
				   !page_pattern_check(page_buf, FILE_ID, i, file_version[i]),
			   "step %u: file page %u lost version %u", step, i, file_version[i]);
	}
}

static void op_cache_misc(struct cursor *c, unsigned int step)
{
	unsigned int b = u8(c);

	switch (b % 4) {
	case 0:
		FUZZ_CHECK(mm_filemap_sync(&file) == 0, "step %u: fsync failed", step);
		break;
	case 1:
		mm_filemap_evict(&file, false);
		break;
	case 2: { /* fill the shrinker's cache */
		unsigned int n = 1 + (b >> 2) * 8;

		for (unsigned int i = 0; i < n; i++) {
			struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY, 0);

			if (!p)
				break;
			FUZZ_CHECK(!owned[page_to_pfn(p)], "step %u: pfn 0x%lx handed out twice",
				   step, page_to_pfn(p));
			owned[page_to_pfn(p)] = 1;
			list_add_tail(&p->lru, &shrink_cache);
			shrink_cache_pages++;
		}
		break;
	}
	default:
		mm_filemap_drain_node_pool();
		break;
	}
}

static struct zone *read_zone(struct cursor *c)
{
	return &NODE_DATA(0)->node_zones[u8(c) % MAX_NR_ZONES];
}

static void op_reclaim(struct cursor *c)
{
	unsigned int kind = u8(c) % 4, order = u8(c) % MAX_ORDER;
	struct zone *z = read_zone(c);

	switch (kind) {
	case 0:
		mm_try_to_free_pages(GFP_KERNEL, order, ZONE_NORMAL, NULL);
		break;
	case 1:
		mm_try_to_free_pages(GFP_NOIO, order, z->zone_idx, NULL); /* no writeback */
		break;
	case 2:
		if (populated_zone(z))
			mm_balance_zone(z, order, z->zone_idx, NULL);
		break;
	default: /* as kswapd, when woken */
		if (populated_zone(z))
			mm_wakeup_kswapd(z, GFP_KERNEL, order, z->zone_idx);
		mm_kswapd_balance();
		break;
	}
}

static void op_compact(struct cursor *c)
{
	unsigned int kind = u8(c) % 4, order = u8(c) % MAX_ORDER, prio = u8(c) % 3;
	struct zone *z = read_zone(c);

	switch (kind) {
	case 0:
		mm_compact_memory();
		break;
	case 1:
		if (populated_zone(z))
			mm_compact_zone_for_order(z, (int)order, MIGRATE_MOVABLE, ALLOC_WMARK_MIN,
					       z->zone_idx, (enum compact_priority)prio, NULL);
		break;
	case 2: {
		enum compact_priority p = (enum compact_priority)prio;

		mm_try_to_compact_pages(GFP_KERNEL, order, ALLOC_WMARK_MIN, ZONE_NORMAL, p);
		break;
	}
	default:
		mm_wakeup_kcompactd((int)order, z->zone_idx);
		mm_kcompactd_do_work();
		break;
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mm_debug_check_tails = true;
	sparse = getenv("FUZZ_ALLOC_SPARSE") && *getenv("FUZZ_ALLOC_SPARSE") == '1';
	FUZZ_CHECK(ramdisk_host_create(&ramdisk, FILE_PAGES) == 0, "no RAM disk");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, data + size };
	int layout;
	unsigned long after[MM_BUDDYINFO_ZONES][MAX_ORDER];
	unsigned int step;

	if (!size)
		return 0;
	layout = u8(&c) % 2;
	setup(sparse ? 2 : layout);
	reclaim_setup();
	mm_vm_events_reset();
	nr_held = 0;
	held_pages = 0;
	host_capture_start();
	for (step = 0; step < MAX_OPS && more(&c); step++) {
		unsigned int op = u8(&c) % 18;
		static const char *const names[18] = {
			"alloc_pages",
			"alloc_pages",
			"alloc_pages",
			"__get_free_pages",
			"alloc_pages_exact",
			"free",
			"free",
			"bad free",
			"drain",
			"poison toggle",
			"get_page+free",
			"split_page",
			"cache write",
			"cache write",
			"cache read",
			"cache misc",
			"reclaim",
			"compaction",
		};

		switch (op) {
		case 0:
		case 1:
		case 2:
			op_alloc(&c, step, false);
			break;
		case 3:
			op_alloc(&c, step, true);
			break;
		case 4:
			op_alloc_exact(&c, step);
			break;
		case 5:
		case 6:
			op_free(&c);
			break;
		case 7:
			op_bad_free(&c, step);
			break;
		case 8:
			op_drain(&c);
			break;
		case 9:
			mm_debug_poison = !mm_debug_poison;
			break;
		case 10:
			op_extra_ref(&c, step);
			break;
		case 11:
			op_split(&c);
			break;
		case 12:
		case 13:
			op_cache_write(&c, step);
			break;
		case 14:
			op_cache_read(&c, step);
			break;
		case 15:
			op_cache_misc(&c, step);
			break;
		case 16:
			op_reclaim(&c);
			break;
		default:
			op_compact(&c);
			break;
		}
		FUZZ_CHECK(mm_global_vm_event(BAD_PAGES) == 0 || op == 7,
			   "step %u (%s): unexpected bad page report: %s", step, names[op],
			   captured());
		check_state(names[op], step);
		mm_vm_events_reset(); /* op_bad_free checked its own count */
	}
	while (nr_held)
		release(nr_held - 1);
	for (unsigned int i = 0; i < FILE_PAGES; i++) /* nothing lost on the way */
		if (file_version[i] && !mm_filemap_read(&file, i, page_buf))
			FUZZ_CHECK(!page_pattern_check(page_buf, FILE_ID, i, file_version[i]),
				   "at the end: file page %u lost version %u", i, file_version[i]);
	while (!list_empty(&shrink_cache)) {
		struct page *p = list_first_entry(&shrink_cache, struct page, lru);

		list_del(&p->lru);
		p->lru.next = p->lru.prev = NULL;
		owned[page_to_pfn(p)] = 0;
		__free_pages(p, 0);
		shrink_cache_pages--;
	}
	mm_filemap_evict(&file, true);
	mm_filemap_drain_node_pool();
	FUZZ_CHECK(!mm_filemap_nr_pages() && !mm_filemap_nr_node_pages(),
		   "at the end: %lu cache and %lu node pages left after eviction",
		   mm_filemap_nr_pages(), mm_filemap_nr_node_pages());
	drain_all_pages(NULL);
	check_state("free everything", step);
	FUZZ_CHECK(mm_global_vm_event(BAD_PAGES) == 0, "bad page report while freeing: %s",
		   captured());
	mm_buddyinfo_snapshot(after);
	/* A HIGHATOMIC reserve made on the way stays (Linux gives it back
	 * only under pressure) and, like Linux, never merges with a pageblock
	 * of another type: the free blocks may then differ from boot while
	 * every page is free (the invariant checker has verified every
	 * unmerged buddy pair). Without one, the layout must be boot's. */
	unsigned long highatomic = 0;
	struct zone *z;

	for_each_zone(z)
		highatomic += z->nr_reserved_highatomic;
	FUZZ_CHECK(nr_free_pages() + pcp_pages() == free_at_boot,
		   "at the end: %lu free pages, %lu at boot", nr_free_pages() + pcp_pages(),
		   free_at_boot);
	if (!highatomic && memcmp(after, buddy_at_boot, sizeof(after))) {
		for (int zi = 0; zi < MM_BUDDYINFO_ZONES; zi++)
			for (int o = 0; o < MAX_ORDER; o++)
				if (after[zi][o] != buddy_at_boot[zi][o])
					fprintf(stderr,
						"node %d zone %d order %d: %lu free blocks at boot, %lu now\n",
						zi / MAX_NR_ZONES, zi % MAX_NR_ZONES, o,
						buddy_at_boot[zi][o], after[zi][o]);
		FUZZ_CHECK(0, "free blocks per order differ from boot after freeing everything");
	}
	host_capture_stop();
	mm_debug_poison = false;
	return 0;
}
