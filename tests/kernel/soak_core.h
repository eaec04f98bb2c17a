/*
 * tests/kernel/soak_core.h - the soak workload shared by the kernel's
 * test=soak (test_soak.c) and mmsim's --workload soak (tools/mmsim/soak.c):
 * one thread mixing page-cache writes and verified reads over a block
 * device, mixed-order allocations with varied gfp (each block stamped and
 * checked when freed), and compaction requests, while fault injection
 * fails some allocations. soak_check() runs the invariant checkers and
 * balances the books: every page of every zone is free, allocated or
 * reserved, free + allocated = managed, and the allocated pages are
 * exactly those the soak holds (blocks, cache pages, radix nodes) plus
 * what was allocated before it started, plus the slab allocator's pages
 * (kmalloc objects of varied size and gfp are a quarter of the held
 * allocations). Static functions only: each
 * includer gets its own copy.
 */
#ifndef TESTS_KERNEL_SOAK_CORE_H
#define TESTS_KERNEL_SOAK_CORE_H

#include "mm/blockdev.h"
#include "mm/compact_zone.h"
#include "mm/debug.h"
#include "mm/fail_page_alloc.h"
#include "mm/filemap.h"
#include "mm/gfp.h"
#include "mm/lru.h"
#include "mm/slab.h"
#include "mm/zone.h"

#define SOAK_FILE_ID 0x50a4
#define SOAK_STAMP 0x50a4c0de00000000ull
#define SOAK_OBJS 2048 /* kmalloc objects held at most */

struct soak_block {
	struct page *page;
	unsigned int order;
};

struct soak_books {
	unsigned long free, allocated, reserved, managed, present;
	unsigned long expected_allocated; /* base + held + cache + nodes */
};

struct soak {
	struct address_space file;
	uint64_t nr_file;
	uint32_t *version; /* per file page: last version written, 0 none */
	struct soak_block *held;
	size_t nheld, cap;
	unsigned long held_pages;
	unsigned long base_allocated;
	unsigned long base_slab; /* slab pages at the start, caches shrunk */
	void *obj[SOAK_OBJS];	 /* kmalloc objects, stamped at both ends */
	unsigned int obj_len[SOAK_OBJS];
	size_t nobj;
	uint64_t rnd;
	unsigned char buf[MM_PAGE_SIZE] __attribute__((aligned(64)));
	/* figures */
	unsigned long ops, writes, reads, verified, enomem, mismatches;
	unsigned long allocs, alloc_fails, nofail_fails, frees, bad_stamps, compactions;
	unsigned long kmallocs, kmalloc_fails;
	unsigned long checks_passed, checks_failed;
};

static uint64_t soak_rand(struct soak *s)
{
	s->rnd ^= s->rnd >> 12;
	s->rnd ^= s->rnd << 25;
	s->rnd ^= s->rnd >> 27;
	return (s->rnd * 2685821657736338717ull) >> 16;
}

/* Walk every populated zone's struct pages: free (buddy or per-CPU list),
 * reserved (holes, boot data) or allocated. Nothing else may run. */
static void soak_count_pages(struct soak_books *b)
{
	struct pglist_data *pgdat = NODE_DATA(0);

	*b = (struct soak_books){ 0 };
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &pgdat->node_zones[zi];
		unsigned long pfn = z->zone_start_pfn, end = zone_end_pfn(z);

		if (!populated_zone(z))
			continue;
		b->managed += z->managed_pages;
		b->present += z->present_pages;
		while (pfn < end) {
			struct page *p = pfn_to_page(pfn);

			if (PageBuddy(p)) {
				unsigned long n = 1ul << p->private;

				b->free += n;
				pfn += n;
				continue;
			}
			if (PagePcp(p))
				b->free++;
			else if (PageReserved(p))
				b->reserved++;
			else
				b->allocated++;
			pfn++;
		}
	}
}

/* Slab pages count as the soak's: its objects live in them, and what
 * the caches keep besides is given back by mm_kmem_cache_shrink_all(). */
static unsigned long soak_owned_pages(const struct soak *s)
{
	return s->held_pages + mm_filemap_nr_pages() + mm_filemap_nr_node_pages() +
	       mm_slab_reclaimable_pages() + mm_slab_unreclaimable_pages();
}

/* @version and @held are the caller's (no allocator here for them). */
static int soak_init(struct soak *s, struct block_device *bd, uint64_t nr_file, uint32_t *version,
		     struct soak_block *held, size_t cap, uint64_t seed)
{
	struct soak_books b;

	for (uint64_t i = 0; i < nr_file; i++)
		version[i] = 0;
	s->nr_file = nr_file;
	s->version = version;
	s->held = held;
	s->cap = cap;
	s->nheld = 0;
	s->held_pages = 0;
	s->rnd = seed * 0x9e3779b97f4a7c15ull + 1;
	s->ops = s->writes = s->reads = s->verified = s->enomem = s->mismatches = 0;
	s->allocs = s->alloc_fails = s->nofail_fails = s->frees = s->bad_stamps = 0;
	s->compactions = s->checks_passed = s->checks_failed = 0;
	s->nobj = 0;
	s->kmallocs = s->kmalloc_fails = 0;
	if (mm_filemap_init(&s->file, SOAK_FILE_ID, bd, 0, nr_file, 0))
		return -1;
	mm_kmem_cache_shrink_all();
	s->base_slab = mm_slab_reclaimable_pages() + mm_slab_unreclaimable_pages();
	drain_all_pages(NULL);
	soak_count_pages(&b);
	s->base_allocated = b.allocated - soak_owned_pages(s);
	return 0;
}

static void soak_cache_write(struct soak *s, uint64_t i)
{
	uint32_t v = s->version[i] + 1;
	int err;

	page_pattern_fill(s->buf, SOAK_FILE_ID, i, v);
	err = mm_filemap_write(&s->file, i, s->buf);
	s->writes++;
	if (!err)
		s->version[i] = v;
	else if (err == -MM_ENOMEM)
		s->enomem++;
	else
		s->mismatches++; /* a RAM disk does not fail otherwise */
}

static void soak_cache_read(struct soak *s, uint64_t i)
{
	int err = mm_filemap_read(&s->file, i, s->buf);

	s->reads++;
	if (err == -MM_ENOMEM) {
		s->enomem++;
	} else if (err) {
		s->mismatches++;
	} else if (s->version[i]) {
		s->verified++;
		if (page_pattern_check(s->buf, SOAK_FILE_ID, i, s->version[i])) {
			s->mismatches++;
			mm_printk("soak: page %llu of the file does not hold version %u\n",
				  (unsigned long long)i, s->version[i]);
		}
	}
}

static const gfp_t soak_gfps[] = {
	GFP_KERNEL,
	GFP_KERNEL | __GFP_NORETRY,
	GFP_HIGHUSER_MOVABLE,
	GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_ATOMIC,
	GFP_NOWAIT,
	GFP_KERNEL | __GFP_ZERO,
	GFP_KERNEL | __GFP_COMP,
	GFP_DMA32,
	GFP_KERNEL | __GFP_RETRY_MAYFAIL,
	GFP_KERNEL | __GFP_NOFAIL,
};

static void soak_free_one(struct soak *s, size_t k)
{
	struct soak_block *blk = &s->held[k];
	uint64_t *w = page_address(blk->page);

	if (*w != (SOAK_STAMP | page_to_pfn(blk->page))) {
		s->bad_stamps++;
		mm_printk("soak: block at pfn 0x%lx lost its stamp\n", page_to_pfn(blk->page));
	}
	__free_pages(blk->page, blk->order);
	s->held_pages -= 1ul << blk->order;
	s->frees++;
	*blk = s->held[--s->nheld];
}

static void soak_alloc_one(struct soak *s)
{
	uint64_t r = soak_rand(s) % 100;
	unsigned int order = r < 70 ? 0 : r < 92 ? 1 + soak_rand(s) % 3 : 4 + soak_rand(s) % 6;
	gfp_t gfp = soak_gfps[soak_rand(s) % (sizeof(soak_gfps) / sizeof(soak_gfps[0]))];
	struct page *p;

	if (gfp & __GFP_NOFAIL)
		order = 0;
	p = alloc_pages(gfp | __GFP_NOWARN, order);
	if (!p) {
		s->alloc_fails++;
		if (gfp & __GFP_NOFAIL)
			s->nofail_fails++;
		return;
	}
	if (gfp & __GFP_ZERO) {
		const uint64_t *w = page_address(p);

		for (size_t j = 0; j < (MM_PAGE_SIZE << order) / 8; j++)
			if (w[j]) {
				s->bad_stamps++;
				break;
			}
	}
	*(uint64_t *)page_address(p) = SOAK_STAMP | page_to_pfn(p);
	s->held[s->nheld++] = (struct soak_block){ p, order };
	s->held_pages += 1ul << order;
	s->allocs++;
}

static const gfp_t soak_kmalloc_gfps[] = {
	GFP_KERNEL,
	GFP_ATOMIC,
	GFP_NOWAIT,
	GFP_KERNEL | __GFP_ZERO,
	GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_KERNEL | __GFP_NORETRY,
};

static uint64_t soak_obj_stamp(const void *p, unsigned int end)
{
	return SOAK_STAMP ^ (uintptr_t)p ^ end;
}

/* A kmalloc object, mostly small, some past the slab classes; its first
 * and last 8 bytes stamped. */
static void soak_kmalloc_one(struct soak *s)
{
	uint64_t r = soak_rand(s);
	unsigned int len = r % 16 ? 16 + (unsigned int)(r >> 8) % 2000
				  : 8193 + (unsigned int)(r >> 8) % 12000;
	gfp_t gfp = soak_kmalloc_gfps[(r >> 32) %
				      (sizeof(soak_kmalloc_gfps) / sizeof(soak_kmalloc_gfps[0]))];
	unsigned char *p = kmalloc(len, gfp | __GFP_NOWARN);

	if (!p) {
		s->kmalloc_fails++;
		return;
	}
	if (gfp & __GFP_ZERO)
		for (unsigned int i = 0; i < len; i++)
			if (p[i]) {
				s->bad_stamps++;
				break;
			}
	uint64_t head = soak_obj_stamp(p, 0), tail = soak_obj_stamp(p, len);

	/* the tail need not be aligned: copied, not stored as a word */
	__builtin_memcpy(p, &head, 8);
	__builtin_memcpy(p + len - 8, &tail, 8);
	s->obj[s->nobj] = p;
	s->obj_len[s->nobj++] = len;
	s->kmallocs++;
}

static void soak_kfree_one(struct soak *s, size_t k)
{
	unsigned char *p = s->obj[k];
	unsigned int len = s->obj_len[k];
	uint64_t head, tail;

	__builtin_memcpy(&head, p, 8);
	__builtin_memcpy(&tail, p + len - 8, 8);
	if (head != soak_obj_stamp(p, 0) || tail != soak_obj_stamp(p, len)) {
		s->bad_stamps++;
		mm_printk("soak: kmalloc object %p (%u bytes) lost its stamp\n", (void *)p, len);
	}
	kfree(p);
	s->frees++;
	s->obj[k] = s->obj[--s->nobj];
	s->obj_len[k] = s->obj_len[s->nobj];
}

/* One operation. Holds at most @hold_pages pages in blocks. */
static void soak_step(struct soak *s, unsigned long hold_pages)
{
	uint64_t r = soak_rand(s) % 100;

	s->ops++;
	if (r < 30)
		soak_cache_write(s, soak_rand(s) % s->nr_file);
	else if (r < 55)
		soak_cache_read(s, soak_rand(s) % s->nr_file);
	else if (r < 80 && s->nheld < s->cap && s->held_pages < hold_pages)
		soak_alloc_one(s);
	else if (s->nheld)
		soak_free_one(s, soak_rand(s) % s->nheld);
	/* kmalloc on top, so the page traffic keeps its pressure */
	r = soak_rand(s) % 100;
	if (r < 14 && s->nobj < SOAK_OBJS)
		soak_kmalloc_one(s);
	else if (r < 25 && s->nobj)
		soak_kfree_one(s, soak_rand(s) % s->nobj);
	if (s->ops % 5000 == 0) {
		mm_compact_memory();
		s->compactions++;
	}
}

/* Invariants, LRU lists and the books; the caller stops every other
 * allocator user first. Returns the problems found (0: all well). */
static int soak_check(struct soak *s, struct soak_books *b)
{
	int problems;

	drain_all_pages(NULL);
	problems = mm_check_invariants() + mm_lru_check();
	soak_count_pages(b);
	b->expected_allocated = s->base_allocated + soak_owned_pages(s);
	if (b->free + b->allocated != b->managed) {
		mm_printk("soak: free %lu + allocated %lu != managed %lu\n", b->free, b->allocated,
			  b->managed);
		problems++;
	}
	if (b->allocated != b->expected_allocated) {
		mm_printk("soak: %lu pages allocated, expected %lu (before %lu + blocks %lu + cache %lu + nodes %lu + slab %lu)\n",
			  b->allocated, b->expected_allocated, s->base_allocated, s->held_pages,
			  mm_filemap_nr_pages(), mm_filemap_nr_node_pages(),
			  mm_slab_reclaimable_pages() + mm_slab_unreclaimable_pages());
		problems++;
	}
	if (problems)
		s->checks_failed++;
	else
		s->checks_passed++;
	return problems;
}

/* Free every block, write back and check every file page on the disk
 * after dropping the cache, then the books once more: all that is left
 * allocated is what was before. Returns the problems found. */
static int soak_finish(struct soak *s, struct soak_books *b)
{
	int problems = 0;

	while (s->nheld)
		soak_free_one(s, s->nheld - 1);
	while (s->nobj)
		soak_kfree_one(s, s->nobj - 1);
	/* The final read-back must not be refused on purpose. */
	mm_fail_page_alloc_disable();
	if (mm_filemap_sync(&s->file))
		problems++;
	mm_filemap_evict(&s->file, false);
	for (uint64_t i = 0; i < s->nr_file; i++)
		if (s->version[i])
			soak_cache_read(s, i);
	mm_filemap_evict(&s->file, true);
	mm_filemap_drain_node_pool();
	mm_kmem_cache_shrink_all();
	problems += soak_check(s, b);
	if (b->allocated != s->base_allocated + s->base_slab) {
		mm_printk("soak: %lu pages still allocated, %lu before the soak (%lu of them slab)\n",
			  b->allocated, s->base_allocated + s->base_slab, s->base_slab);
		problems++;
	}
	if (s->mismatches || s->bad_stamps || s->nofail_fails)
		problems++;
	return problems;
}

#endif
