/*
 * tools/mmsim/slab.c - mmsim's "slab" workload: a seeded population of
 * objects in six caches (two of them SLAB_RECLAIM_ACCOUNT, one with a
 * constructor) and in kmalloc's classes grows and shrinks, every object
 * stamped and checked when freed. Every 4000 steps (3000 growing, 1000
 * shrinking) most objects die and a
 * page hog then takes every page it can with GFP_KERNEL: the allocator's
 * direct reclaim must call the slab shrinker, which hands the empty slabs
 * back. kswapd runs synchronously when woken (as in the other workloads).
 * The invariants are checked after each wave; at the end every object is
 * freed, the caches destroyed, and the free page count must come back.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mm/debug.h"
#include "mm/kswapd.h"
#include "mm/slab.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"
#include "mm/zone.h"
#include "mmsim.h"

#define NR_CACHES 6

struct obj {
	unsigned char *p;
	unsigned int len;
	int cache; /* -1: kmalloc */
	uint32_t stamp;
};

static const unsigned int cache_size[NR_CACHES] = { 24, 72, 200, 640, 1500, 3000 };
static struct kmem_cache *caches[NR_CACHES];
static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dull;
}

static void ctor_zero_head(void *p)
{
	*(uint64_t *)p = 0;
}

static void stamp(struct obj *o)
{
	for (unsigned int i = 0; i < o->len; i++)
		o->p[i] = (unsigned char)(o->stamp + i * 13);
}

static unsigned long unstamp_and_free(struct obj *o)
{
	unsigned long bad = 0;

	for (unsigned int i = 0; i < o->len; i++)
		bad += o->p[i] != (unsigned char)(o->stamp + i * 13);
	if (o->cache < 0)
		kfree(o->p);
	else
		kmem_cache_free(caches[o->cache], o->p);
	return bad != 0;
}

static unsigned long slab_pages(void)
{
	return mm_slab_reclaimable_pages() + mm_slab_unreclaimable_pages();
}

struct wave_stats {
	unsigned long waves, hog_pages, slab_before, slab_after, shrunk_pages;
};

/* Take every page GFP_KERNEL can get (direct reclaim shrinks the slabs on
 * the way), note what the slabs gave back, release. */
static void hog(struct wave_stats *w)
{
	size_t cap = 1024, n = 0;
	struct page **held = malloc(cap * sizeof(*held));
	unsigned long before = slab_pages();
	struct page *p;

	if (!held)
		return;
	while ((p = alloc_page(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN)) != NULL) {
		if (n == cap) {
			struct page **more = realloc(held, 2 * cap * sizeof(*held));

			if (!more) {
				__free_page(p);
				break;
			}
			held = more;
			cap *= 2;
		}
		held[n++] = p;
	}
	w->waves++;
	w->hog_pages += n;
	w->slab_before += before;
	w->slab_after += slab_pages();
	if (before > slab_pages())
		w->shrunk_pages += before - slab_pages();
	while (n)
		__free_page(held[--n]);
	free(held);
	while (mm_kswapd_balance())
		;
}

int mmsim_slab(unsigned long seed, unsigned long steps)
{
	unsigned long managed = 0, allocs = 0, frees = 0, fails = 0, bad = 0, problems = 0;
	unsigned long scanned0, max_live = 0, max_slab = 0, free0, slab0;
	struct wave_stats w = { 0 };
	struct obj *live;
	size_t n = 0, cap;
	struct zone *z;

	for_each_zone(z)
		managed += z->managed_pages;
	/* objects of ~700 bytes on average up to half of RAM */
	cap = managed * MM_PAGE_SIZE / 2 / 700;
	live = calloc(cap, sizeof(*live));
	if (!live) {
		fprintf(stderr, "mmsim: slab: out of host memory\n");
		return 1;
	}
	rnd_state = seed * 0x9e3779b97f4a7c15ull + 1;
	if (mmsim_slab_ready())
		return 1;
	mm_reclaim_init(); /* forgets every shrinker: the slab's comes back */
	if (mm_slab_shrinker_register())
		return 1;
	mm_kswapd_reset();
	drain_all_pages(NULL);
	free0 = nr_free_pages();
	slab0 = slab_pages();
	scanned0 = mm_global_reclaim_event(SLABS_SCANNED);
	for (int c = 0; c < NR_CACHES; c++) {
		char name[24];

		snprintf(name, sizeof(name), "mmsim-%u", cache_size[c]);
		caches[c] = kmem_cache_create(name, cache_size[c], 0,
					      (c % 2 ? SLAB_RECLAIM_ACCOUNT : 0) |
						      (c == 2 ? SLAB_HWCACHE_ALIGN : 0),
					      c == 3 ? ctor_zero_head : NULL);
		if (!caches[c])
			return 1;
	}
	printf("workload slab: %lu steps, up to %zu live objects, %lu pages managed\n", steps, cap,
	       managed);
	for (unsigned long step = 0; step < steps; step++) {
		uint64_t r = rnd();

		/* grow for three quarters of each 4000-step wave, then shrink */
		unsigned int grow = step % 4000 < 3000 ? 70 : 30;

		if (n < cap && (n == 0 || r % 100 < grow)) {
			struct obj o = { .stamp = (uint32_t)(r >> 32) };

			o.cache = (r >> 8) % 10 < 6 ? (int)((r >> 12) % NR_CACHES) : -1;
			if (o.cache >= 0) {
				o.len = cache_size[o.cache];
				o.p = kmem_cache_alloc(caches[o.cache], GFP_KERNEL);
			} else {
				o.len = (r >> 16) % 4 ? 1 + (unsigned int)((r >> 20) % 256)
						      : 1 + (unsigned int)((r >> 20) % 8192);
				o.p = kmalloc(o.len, (r >> 40) % 8 ? GFP_KERNEL : GFP_ATOMIC);
			}
			if (!o.p) {
				fails++;
				continue;
			}
			stamp(&o);
			live[n++] = o;
			allocs++;
		} else if (n) {
			size_t i = (size_t)((r >> 8) % n);

			bad += unstamp_and_free(&live[i]);
			live[i] = live[--n];
			frees++;
		}
		if (n > max_live)
			max_live = n;
		if (slab_pages() > max_slab)
			max_slab = slab_pages();
		if (step % 4000 == 3999) {
			for (size_t k = n * 3 / 4; k; k--) { /* most objects die */
				size_t i = (size_t)(rnd() % n);

				bad += unstamp_and_free(&live[i]);
				live[i] = live[--n];
				frees++;
			}
			hog(&w);
			problems += mm_check_invariants() != 0;
		}
	}
	printf("workload slab: %lu allocations (%lu failed), %lu frees, %lu bad stamps, "
	       "%lu live at most, slab pages at most %lu\n",
	       allocs, fails, frees, bad, max_live, max_slab);
	printf("workload slab: %lu waves; page hog got %lu pages a wave; slab pages %lu before "
	       "the hog, %lu after a wave (shrinker gave back %lu pages in all); slabs_scanned %lu\n",
	       w.waves, w.waves ? w.hog_pages / w.waves : 0, w.waves ? w.slab_before / w.waves : 0,
	       w.waves ? w.slab_after / w.waves : 0, w.shrunk_pages,
	       mm_global_reclaim_event(SLABS_SCANNED) - scanned0);
	while (n)
		bad += unstamp_and_free(&live[--n]);
	for (int c = 0; c < NR_CACHES; c++)
		problems += kmem_cache_destroy(caches[c]) != 0;
	free(live);
	/* the kmalloc caches' CPU arrays and empty slabs */
	mm_kmem_cache_shrink_all();
	drain_all_pages(NULL);
	printf("workload slab: end: slab pages %lu (at start %lu), free pages %lu (at start %lu)\n",
	       slab_pages(), slab0, nr_free_pages(), free0);
	if (slab_pages() != slab0 || nr_free_pages() != free0) {
		mm_print_slabinfo();
		problems++;
	}
	problems += mm_check_invariants() != 0;
	problems += bad != 0;
	if (w.waves && !w.shrunk_pages) {
		printf("workload slab: the shrinker never gave pages back under pressure\n");
		problems++;
	}
	printf("workload slab: %s\n", problems ? "FAILED" : "passed");
	return problems ? 1 : 0;
}
