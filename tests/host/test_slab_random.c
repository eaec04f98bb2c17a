/*
 * tests/host/test_slab_random.c - seeded random alloc/free sequences over
 * many caches (sizes, alignments, constructors, debug flags) and every
 * kmalloc size: each live object carries a pattern checked when it is
 * freed, no two live objects overlap, and at the end every slab page is
 * back with the page allocator.
 */
#include <stdlib.h>

#include "test_slab_util.h"

struct live {
	char *p;
	size_t len; /* bytes the caller may use */
	uint64_t id;
	struct kmem_cache *s; /* NULL: kmalloc */
};

static int by_addr(const void *a, const void *b)
{
	const struct live *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

/* Sort a copy by address: each object must end before the next begins. */
static size_t overlaps(const struct live *v, size_t n)
{
	struct live *c = malloc(n * sizeof(*c));
	size_t bad = 0;

	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), by_addr);
	for (size_t i = 1; i < n; i++)
		bad += c[i - 1].p + c[i - 1].len > c[i].p;
	free(c);
	return bad;
}

static void ctor_fill(void *p)
{
	memset(p, 0, 16);
}

/* One run: @ncaches caches plus kmalloc, @steps operations, at most @max
 * live objects. Returns the number of content or overlap failures. */
static size_t random_run(uint64_t seed, int ncaches, size_t steps, size_t max, slab_flags_t extra)
{
	struct kmem_cache *caches[16];
	unsigned int csize[16];
	struct live *v = calloc(max, sizeof(*v));
	size_t n = 0, bad = 0, fails = 0;
	uint64_t next_id = 1;
	unsigned long free_before, slab_before = slab_pages();

	drain_all_pages(NULL);
	free_before = nr_free_pages();
	slab_rng_state = seed;
	for (int c = 0; c < ncaches; c++) {
		unsigned int size = 1 + (unsigned int)(slab_rand() % (c < 12 ? 600 : 9000));
		unsigned int align = (slab_rand() % 3) ? 0 : 1u << (slab_rand() % 8);
		slab_flags_t flags = extra | ((slab_rand() % 4) ? 0 : SLAB_HWCACHE_ALIGN) |
				     ((slab_rand() % 3) ? 0 : SLAB_RECLAIM_ACCOUNT);
		char name[32];

		snprintf(name, sizeof(name), "rnd%d-%u", c, size);
		caches[c] = kmem_cache_create(name, size, align, flags,
					      (c % 5 == 4 && size >= 16) ? ctor_fill : NULL);
		csize[c] = size;
		if (!caches[c])
			return 1000000;
		if (align && (caches[c]->align < align))
			bad++;
	}
	for (size_t step = 0; step < steps; step++) {
		bool do_alloc = n == 0 || (n < max && slab_rand() % 100 < 55);

		if (do_alloc) {
			int c = (int)(slab_rand() % (uint64_t)(ncaches + 2)) - 2;
			struct live o = { .id = next_id++ };

			if (c < 0) { /* kmalloc: small sizes mostly, some large */
				o.len = slab_rand() % 8 ? 1 + slab_rand() % 512
							: 1 + slab_rand() % 20000;
				o.p = (slab_rand() % 4) ? kmalloc(o.len, GFP_KERNEL)
							: kzalloc(o.len, GFP_KERNEL);
				if (o.p && ksize(o.p) < o.len)
					bad++;
			} else {
				o.s = caches[c];
				o.len = csize[c];
				o.p = kmem_cache_alloc(o.s, GFP_KERNEL);
				if (o.p && caches[c]->align > 8 &&
				    (uintptr_t)o.p % caches[c]->align)
					bad++;
			}
			if (!o.p) {
				fails++;
				continue;
			}
			obj_fill(o.p, o.len, o.id);
			v[n++] = o;
		} else {
			size_t i = slab_rand() % n;
			struct live o = v[i];

			bad += obj_check(o.p, o.len, o.id) != 0;
			if (o.s)
				kmem_cache_free(o.s, o.p);
			else
				kfree(o.p);
			v[i] = v[--n];
		}
		if (step % 4096 == 4095) {
			bad += overlaps(v, n);
			bad += (size_t)mm_check_invariants();
		}
	}
	bad += overlaps(v, n);
	for (size_t i = 0; i < n; i++) {
		bad += obj_check(v[i].p, v[i].len, v[i].id) != 0;
		if (v[i].s)
			kmem_cache_free(v[i].s, v[i].p);
		else
			kfree(v[i].p);
	}
	for (int c = 0; c < ncaches; c++)
		bad += kmem_cache_destroy(caches[c]) != 0;
	mm_kmem_cache_shrink_all(); /* kmalloc's caches too */
	bad += fails != 0;
	drain_all_pages(NULL);
	if (slab_pages() != slab_before || nr_free_pages() != free_before) {
		ktest_diag("slab pages %lu (before %lu), free %lu (before %lu)", slab_pages(),
			   slab_before, nr_free_pages(), free_before);
		bad++;
	}
	free(v);
	return bad;
}

HTEST(random_sequences_over_many_caches_keep_every_object_intact)
{
	for (uint64_t seed = 1; seed <= 4; seed++) {
		KT_ASSERT_EQ(slab_boot(64), 0);
		size_t bad = random_run(seed * 0x9e3779b97f4a7c15ull, 14, 60000, 6000, 0);

		if (bad)
			ktest_fail(__FILE__, __LINE__, "seed %lu: %zu failures",
				   (unsigned long)seed, bad);
		KT_EXPECT_EQ(mm_check_invariants(), 0);
	}
}

HTEST(random_sequences_on_debugged_caches_report_nothing)
{
	unsigned long reports;

	KT_ASSERT_EQ(slab_boot(64), 0);
	reports = mm_slab_last_report.count;
	KT_EXPECT_EQ(random_run(77, 10, 30000, 3000, SLAB_DEBUG_FLAGS), 0);
	KT_EXPECT_EQ(mm_slab_last_report.count, reports);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(tight_memory_fails_cleanly_and_recovers)
{
	/* 8 MiB: allocations fail with NORETRY; nothing leaks or corrupts */
	KT_ASSERT_EQ(slab_boot(8), 0);
	unsigned long free_before = nr_free_pages();
	size_t cap = 200000, n = 0;
	void **v = malloc(cap * sizeof(void *));

	while (n < cap) {
		void *p = kmalloc(96 + (n % 3) * 300, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);

		if (!p)
			break;
		v[n++] = p;
	}
	KT_EXPECT(n > 1000 && n < cap);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	while (n)
		kfree(v[--n]);
	mm_kmem_cache_shrink_all();
	drain_all_pages(NULL);
	KT_EXPECT_EQ(nr_free_pages(), free_before);
	free(v);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

/* Four CPUs played in turn (host_set_cpu): objects allocated on one CPU
 * and freed on another, in random order, land on the freeing CPU's array
 * and flow back to their slabs; contents survive, nothing is lost, and
 * kmem_cache_shrink drains every CPU. */
HTEST(objects_freed_on_other_cpus_flow_back_to_their_slabs)
{
	enum { N = 3000, CPUS = 4 };
	static struct live v[N];
	unsigned long free0, slab0;
	size_t bad = 0;

	host_set_nr_cpus(CPUS); /* before the caches: one array per CPU */
	KT_ASSERT_EQ(slab_boot(32), 0);
	drain_all_pages(NULL);
	free0 = nr_free_pages();
	slab0 = slab_pages();
	struct kmem_cache *s = kmem_cache_create("xcpu", 72, 0, 0, NULL);
	KT_ASSERT(s != NULL);
	slab_rng_state = 99;
	for (int round = 0; round < 4; round++) {
		for (size_t i = 0; i < N; i++) {
			host_set_cpu((unsigned int)(slab_rand() % CPUS));
			v[i].len = i % 2 ? 72 : 1 + slab_rand() % 700;
			v[i].s = i % 2 ? s : NULL;
			v[i].p = v[i].s ? kmem_cache_alloc(s, GFP_KERNEL)
					: kmalloc(v[i].len, GFP_KERNEL);
			v[i].id = (uint64_t)round * N + i;
			KT_ASSERT(v[i].p != NULL);
			obj_fill(v[i].p, v[i].len, v[i].id);
		}
		bad += overlaps(v, N);
		for (size_t i = N; i > 0; i--) { /* free in another order, elsewhere */
			size_t k = slab_rand() % i;
			struct live o = v[k];

			host_set_cpu((unsigned int)(slab_rand() % CPUS));
			bad += obj_check(o.p, o.len, o.id) != 0;
			if (o.s)
				kmem_cache_free(o.s, o.p);
			else
				kfree(o.p);
			v[k] = v[i - 1];
		}
		host_set_cpu(0);
		KT_EXPECT_EQ(mm_check_invariants(), 0);
	}
	KT_EXPECT_EQ(bad, 0);
	/* every CPU's array holds some of them until the caches are shrunk */
	unsigned long cached = 0;
	for (unsigned int cpu = 0; cpu < CPUS; cpu++)
		cached += s->cpu_cache[cpu]->avail;
	KT_EXPECT(cached > 0);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
	mm_kmem_cache_shrink_all();
	for (unsigned int cpu = 0; cpu < CPUS; cpu++)
		for (struct list_head *pos = mm_slab_caches.next; pos != &mm_slab_caches; pos = pos->next)
			KT_EXPECT_EQ(list_entry(pos, struct kmem_cache, list)->cpu_cache[cpu]->avail,
				     0);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(slab_pages(), slab0);
	KT_EXPECT_EQ(nr_free_pages(), free0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	host_set_nr_cpus(1);
}

HTEST_MAIN("slab_random")
