/*
 * tests/fuzz/fuzz_slab.c - libFuzzer target: bytes become a sequence of
 * slab allocator operations on a small fake machine.
 *
 * Each input creates up to four caches whose size, alignment, flags (the
 * debug ones too) and constructor come from the input, then runs
 * operations: kmem_cache_alloc/zalloc, kmalloc/kzalloc/kcalloc of any size
 * (0, the classes, past them, absurd), krealloc, frees in any order,
 * kmem_cache_shrink, and misuse - a double free right after the free, a
 * free of a pointer into an object, a free to the wrong cache, a kfree of
 * a page-allocator page - each of which must be reported exactly once and
 * change nothing. Every live object carries a pattern checked when it is
 * freed; no two live objects may overlap; the invariant checker runs every
 * few operations. At the end every object is freed, the caches destroyed,
 * and the free page count and slab page count must be what they were
 * before the input. Reports go to the capture buffer, so the fuzzer's
 * output stays quiet.
 *
 * The machine boots once (kmem_cache_init too) and is reused: each input
 * gives back everything it took, which the last check proves.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memmap_model.h" /* FUZZ_CHECK */
#include "tests/host/host_shim.h"
#include "mm/debug.h"
#include "mm/gfp.h"
#include "mm/memblock.h"
#include "mm/mm_init.h"
#include "mm/slab.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"
#include "mm/zone.h"

#define MiB (1ull << 20)
#define MAX_LIVE 2048
#define MAX_OPS 400
#define NR_CACHES 4

struct live {
	unsigned char *p;
	size_t len; /* bytes the test may use */
	int cache;  /* -1: kmalloc */
	uint8_t seed;
};

static struct live live[MAX_LIVE];
static unsigned int nr_live;
static struct kmem_cache *caches[NR_CACHES];
static unsigned int cache_len[NR_CACHES];
static bool cache_ctor[NR_CACHES];
static bool booted;

struct cursor {
	const uint8_t *p, *end;
};

static unsigned int u8(struct cursor *c)
{
	return c->p < c->end ? *c->p++ : 0;
}
static unsigned int u16(struct cursor *c)
{
	return u8(c) | u8(c) << 8;
}

static void boot(void)
{
	struct memmap empty = { 0 };

	FUZZ_CHECK(host_ram_init(32 * MiB) == 0, "host_ram_init failed");
	mm_memblock_init_from_memmap(&empty);
	mm_memblock_add(1 * MiB, 31 * MiB);
	host_capture_start();
	FUZZ_CHECK(mm_init() == 0, "mm_init failed");
	mm_reclaim_init();
	FUZZ_CHECK(kmem_cache_init() == 0, "kmem_cache_init failed");
	host_capture_stop();
	booted = true;
}

static void ctor_fill(void *p)
{
	memset(p, 0xc5, 8);
}

static void fill(struct live *o)
{
	for (size_t i = 0; i < o->len; i++)
		o->p[i] = (unsigned char)(o->seed + i * 29);
}

static void check_and_free(unsigned int k)
{
	struct live *o = &live[k];

	for (size_t i = 0; i < o->len; i++)
		FUZZ_CHECK(o->p[i] == (unsigned char)(o->seed + i * 29),
			   "object %p (%zu bytes) changed at byte %zu", (void *)o->p, o->len, i);
	if (o->cache >= 0)
		kmem_cache_free(caches[o->cache], o->p);
	else
		kfree(o->p);
	*o = live[--nr_live];
}

static void keep(unsigned char *p, size_t len, int cache, uint8_t seed, bool zeroed)
{
	struct live *o;

	if (!p)
		return;
	if (p == ZERO_SIZE_PTR) {
		FUZZ_CHECK(len == 0, "ZERO_SIZE_PTR for %zu bytes", len);
		return;
	}
	if (zeroed)
		for (size_t i = 0; i < len; i++)
			FUZZ_CHECK(p[i] == 0, "zeroed object %p has 0x%02x at %zu", (void *)p, p[i],
				   i);
	FUZZ_CHECK(ksize(p) >= len, "ksize %zu < %zu", ksize(p), len);
	if (nr_live == MAX_LIVE) {
		if (cache >= 0)
			kmem_cache_free(caches[cache], p);
		else
			kfree(p);
		return;
	}
	o = &live[nr_live++];
	*o = (struct live){ p, len, cache, seed };
	fill(o);
}

static int by_addr(const void *a, const void *b)
{
	const struct live *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

static void check_no_overlap(void)
{
	static struct live sorted[MAX_LIVE];

	memcpy(sorted, live, nr_live * sizeof(live[0]));
	qsort(sorted, nr_live, sizeof(sorted[0]), by_addr);
	for (unsigned int i = 1; i < nr_live; i++)
		FUZZ_CHECK(sorted[i - 1].p + sorted[i - 1].len <= sorted[i].p,
			   "objects %p (%zu bytes) and %p overlap", (void *)sorted[i - 1].p,
			   sorted[i - 1].len, (void *)sorted[i].p);
}

/* @op must be reported exactly once (and change nothing). */
#define EXPECT_REPORT(op, want_kind) \
	do { \
		unsigned long before_ = mm_slab_last_report.count; \
		op; \
		FUZZ_CHECK(mm_slab_last_report.count == before_ + 1 && \
				   mm_slab_last_report.kind == (want_kind), \
			   "%s: %lu reports, kind %d", #op, mm_slab_last_report.count - before_, \
			   (int)mm_slab_last_report.kind); \
	} while (0)

static void create_caches(struct cursor *c)
{
	static const slab_flags_t flag_sets[8] = {
		0,
		SLAB_HWCACHE_ALIGN,
		SLAB_RECLAIM_ACCOUNT,
		SLAB_RED_ZONE,
		SLAB_POISON | SLAB_STORE_USER,
		SLAB_DEBUG_FLAGS,
		SLAB_CONSISTENCY_CHECKS | SLAB_HWCACHE_ALIGN,
		SLAB_RED_ZONE | SLAB_RECLAIM_ACCOUNT,
	};

	for (int i = 0; i < NR_CACHES; i++) {
		unsigned int b = u8(c), size = 1 + u16(c) % (b & 0x80 ? 20000 : 600);
		unsigned int align = (b & 7) < 3 ? 0 : 1u << (b & 7);
		char name[16];

		snprintf(name, sizeof(name), "fuzz%d", i);
		cache_ctor[i] = (b & 0x40) && size >= 8;
		caches[i] = kmem_cache_create(name, size, align, flag_sets[(b >> 3) & 7],
					      cache_ctor[i] ? ctor_fill : NULL);
		FUZZ_CHECK(caches[i] != NULL, "kmem_cache_create(%u, %u) failed", size, align);
		cache_len[i] = size;
	}
}

static void one_op(struct cursor *c)
{
	unsigned int op = u8(c), a = u8(c), b = u16(c);
	int ci = (int)(a % NR_CACHES);

	switch (op % 12) {
	case 0:
	case 1: /* cache allocation */
		keep(kmem_cache_alloc(caches[ci], GFP_KERNEL), cache_len[ci], ci, (uint8_t)b,
		     false);
		break;
	case 2:
		if (cache_ctor[ci])
			EXPECT_REPORT(FUZZ_CHECK(!kmem_cache_zalloc(caches[ci], GFP_KERNEL),
						 "zalloc on a ctor cache"),
				      SLAB_REPORT_BAD_REQUEST);
		else
			keep(kmem_cache_zalloc(caches[ci], GFP_KERNEL), cache_len[ci], ci,
			     (uint8_t)b, true);
		break;
	case 3:
	case 4: { /* kmalloc of any size, mostly small */
		size_t len = a & 0x80 ? (size_t)b * (a & 0x3f) : b % 300;

		if (a & 0x40)
			keep(kzalloc(len, GFP_KERNEL | __GFP_NOWARN), len, -1, (uint8_t)a, true);
		else
			keep(kmalloc(len, GFP_KERNEL | __GFP_NOWARN), len, -1, (uint8_t)a, false);
		break;
	}
	case 5: { /* kcalloc, overflowing sometimes */
		size_t n = a & 0x80 ? (size_t)-1 / (b | 1) + 1 : a % 40, size = (b % 64) + 1;
		void *p;

		if (n && size > (size_t)-1 / n) {
			EXPECT_REPORT(p = kcalloc(n, size, GFP_KERNEL), SLAB_REPORT_BAD_REQUEST);
			FUZZ_CHECK(p == NULL, "kcalloc overflow returned %p", p);
		} else {
			keep(kcalloc(n, size, GFP_KERNEL), n * size, -1, (uint8_t)b, true);
		}
		break;
	}
	case 6: /* krealloc a kmalloc'ed object */
		if (nr_live) {
			unsigned int k = b % nr_live;
			struct live o = live[k];
			size_t len = a & 0x80 ? (size_t)(a & 0x7f) * 100 : a;
			unsigned char *p;

			if (o.cache >= 0 || !len)
				break;
			p = krealloc(o.p, len, GFP_KERNEL);
			if (!p)
				break;
			for (size_t i = 0; i < (len < o.len ? len : o.len); i++)
				FUZZ_CHECK(p[i] == (unsigned char)(o.seed + i * 29),
					   "krealloc lost byte %zu", i);
			live[k] = (struct live){ p, len, -1, (uint8_t)(o.seed + 1) };
			fill(&live[k]);
		}
		break;
	case 7:
	case 8:
	case 9: /* free */
		if (nr_live)
			check_and_free(b % nr_live);
		break;
	case 10: /* misuse */
		if (!nr_live)
			break;
		{
			struct live o = live[b % nr_live];

			switch (a % 4) {
			case 0: { /* free it twice: the second is caught */
				bool large = ksize(o.p) > KMALLOC_MAX_CACHE_SIZE;

				check_and_free(b % nr_live);
				if (o.cache >= 0)
					EXPECT_REPORT(kmem_cache_free(caches[o.cache], o.p),
						      SLAB_REPORT_DOUBLE_FREE);
				else if (large) /* its pages went back: no slab there */
					EXPECT_REPORT(kfree(o.p), SLAB_REPORT_INVALID_FREE);
				else
					EXPECT_REPORT(kfree(o.p), SLAB_REPORT_DOUBLE_FREE);
				break;
			}
			case 1: /* into the object */
				if (o.len > 1 && ksize(o.p) <= KMALLOC_MAX_CACHE_SIZE &&
				    o.cache < 0)
					EXPECT_REPORT(kfree(o.p + 1 + a % (o.len - 1)),
						      SLAB_REPORT_MID_OBJECT);
				break;
			case 2: /* to another cache */
				if (o.cache >= 0)
					EXPECT_REPORT(kmem_cache_free(caches[(o.cache + 1) %
									     NR_CACHES],
								      o.p),
						      SLAB_REPORT_WRONG_CACHE);
				break;
			default: { /* a page of the page allocator */
				struct page *pg = alloc_page(GFP_KERNEL);

				if (pg) {
					EXPECT_REPORT(kfree(page_address(pg)),
						      SLAB_REPORT_INVALID_FREE);
					__free_page(pg);
				}
			}
			}
		}
		break;
	default: /* give back what the caches keep */
		if (a & 1)
			kmem_cache_shrink(caches[ci]);
		else
			mm_kmem_cache_shrink_all();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = { data, data + size };
	unsigned long free0, slab0;

	if (!booted)
		boot();
	host_capture_start();
	mm_kmem_cache_shrink_all();
	drain_all_pages(NULL);
	free0 = nr_free_pages();
	slab0 = mm_slab_reclaimable_pages() + mm_slab_unreclaimable_pages();
	create_caches(&c);
	for (int n = 0; n < MAX_OPS && c.p < c.end; n++) {
		one_op(&c);
		if (n % 16 == 15) {
			check_no_overlap();
			FUZZ_CHECK(mm_check_invariants() == 0, "invariants broken after op %d", n);
		}
	}
	check_no_overlap();
	while (nr_live)
		check_and_free(nr_live - 1);
	for (int i = 0; i < NR_CACHES; i++)
		FUZZ_CHECK(kmem_cache_destroy(caches[i]) == 0, "cache %d not empty", i);
	mm_kmem_cache_shrink_all();
	drain_all_pages(NULL);
	FUZZ_CHECK(mm_check_invariants() == 0, "invariants broken at the end");
	FUZZ_CHECK(nr_free_pages() == free0, "free pages %lu, %lu before", nr_free_pages(), free0);
	FUZZ_CHECK(mm_slab_reclaimable_pages() + mm_slab_unreclaimable_pages() == slab0,
		   "slab pages %lu, %lu before",
		   mm_slab_reclaimable_pages() + mm_slab_unreclaimable_pages(), slab0);
	host_capture_stop();
	return 0;
}
