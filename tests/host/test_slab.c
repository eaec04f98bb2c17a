/*
 * tests/host/test_slab.c - the slab allocator's interface and design:
 * kmalloc's size classes and alignment, kzalloc/kcalloc/krealloc/ksize,
 * kmem_cache create/destroy (refusing with live objects), slab orders
 * and their fallback, per-CPU arrays and node lists, the shrinker, the
 * migratetype of reclaimable caches, and slabinfo/vmstat output.
 */
#include "test_slab_util.h"

static size_t count_substr(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

HTEST(kmalloc_sizes_map_to_linux_classes_with_natural_alignment)
{
	static const unsigned int classes[] = { 8,   16,  32,	64,   96,   128, 192,
						256, 512, 1024, 2048, 4096, 8192 };

	KT_ASSERT_EQ(slab_boot(32), 0);
	for (size_t size = 1; size <= 8192; size++) {
		void *p = kmalloc(size, GFP_KERNEL);
		size_t want = 0, align;

		KT_ASSERT(p != NULL);
		for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]) && !want; i++)
			if (classes[i] >= size)
				want = classes[i];
		if (ksize(p) != want) {
			KT_EXPECT_EQ(ksize(p), want);
			break;
		}
		align = want & -want;
		if (align > 4096)
			align = 4096;
		if ((uintptr_t)p % align) {
			ktest_fail(__FILE__, __LINE__, "kmalloc(%zu) = %p not aligned to %zu", size,
				   p, align);
			break;
		}
		kfree(p);
	}
	KT_EXPECT(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(NULL);
	KT_EXPECT_EQ(ksize(ZERO_SIZE_PTR), 0);
	/* past the classes: page-allocator blocks, page aligned */
	void *big = kmalloc(20000, GFP_KERNEL);
	KT_ASSERT(big != NULL);
	KT_EXPECT_EQ((uintptr_t)big % MM_PAGE_SIZE, 0);
	KT_EXPECT_EQ(ksize(big), 32768);
	kfree(big);
	KT_EXPECT(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN) == NULL);
	mm_slab_last_report.kind = SLAB_REPORT_NONE;
	KT_EXPECT(kmalloc(64, GFP_KERNEL | __GFP_DMA32) == NULL);
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_BAD_REQUEST);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(objects_per_slab_follow_slub_rule)
{
	/* Linux 6.1 SLUB with one CPU (slabinfo objperslab, pagesperslab) */
	static const struct {
		const char *name;
		unsigned int objects, pages;
	} want[] = {
		{ "kmalloc-8", 512, 1 },  { "kmalloc-16", 256, 1 }, { "kmalloc-32", 128, 1 },
		{ "kmalloc-64", 64, 1 },  { "kmalloc-96", 42, 1 },  { "kmalloc-128", 32, 1 },
		{ "kmalloc-192", 21, 1 }, { "kmalloc-256", 16, 1 }, { "kmalloc-512", 8, 1 },
		{ "kmalloc-1k", 8, 2 },	  { "kmalloc-2k", 8, 4 },   { "kmalloc-4k", 8, 8 },
		{ "kmalloc-8k", 4, 8 },
	};
	struct list_head *pos;
	size_t found = 0;

	KT_ASSERT_EQ(slab_boot(32), 0);
	list_for_each(pos, &mm_slab_caches) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);

		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			if (strcmp(s->name, want[i].name))
				continue;
			found++;
			if (s->objects != want[i].objects || (1u << s->order) != want[i].pages)
				ktest_fail(__FILE__, __LINE__,
					   "%s: %u objects in %u pages, want %u in %u", s->name,
					   s->objects, 1u << s->order, want[i].objects,
					   want[i].pages);
			KT_EXPECT_EQ(s->size, s->object_size); /* no per-object overhead */
		}
	}
	KT_EXPECT_EQ(found, sizeof(want) / sizeof(want[0]));
}

HTEST(kzalloc_kcalloc_krealloc_keep_their_promises)
{
	KT_ASSERT_EQ(slab_boot(32), 0);
	/* a dirty object comes back zeroed */
	unsigned char *p = kmalloc(200, GFP_KERNEL);
	KT_ASSERT(p != NULL);
	memset(p, 0x5a, 200);
	kfree(p);
	unsigned char *z = kzalloc(200, GFP_KERNEL);
	KT_ASSERT(z == p); /* the same CPU's array hands it back first */
	for (int i = 0; i < 200; i++)
		KT_ASSERT_EQ(z[i], 0);
	kfree(z);

	KT_EXPECT(kcalloc((size_t)1 << 62, 8, GFP_KERNEL) == NULL);
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_BAD_REQUEST);
	uint32_t *a = kcalloc(100, sizeof(uint32_t), GFP_KERNEL);
	KT_ASSERT(a != NULL);
	for (int i = 0; i < 100; i++)
		KT_ASSERT_EQ(a[i], 0);

	/* grow across classes and into the page allocator, content kept */
	for (int i = 0; i < 100; i++)
		a[i] = (uint32_t)i * 2654435761u;
	size_t sizes[] = { 400, 500, 3000, 9000, 70000, 100, 401 };
	size_t have = 400;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint32_t *b = krealloc(a, sizes[k], GFP_KERNEL);

		KT_ASSERT(b != NULL);
		KT_EXPECT(ksize(b) >= sizes[k]);
		for (size_t i = 0; i < (have < sizes[k] ? have : sizes[k]) / 4 && i < 100; i++)
			KT_ASSERT_EQ(b[i], (uint32_t)i * 2654435761u);
		if (sizes[k] < have)
			have = sizes[k];
		a = b;
	}
	/* shrinking within the object's class keeps the pointer */
	void *same = krealloc(a, 300, GFP_KERNEL);
	KT_EXPECT(same == a);
	KT_EXPECT(krealloc(same, 0, GFP_KERNEL) == ZERO_SIZE_PTR);
	void *fresh = krealloc(NULL, 40, GFP_KERNEL | __GFP_ZERO);
	KT_ASSERT(fresh != NULL);
	KT_EXPECT_EQ(ksize(fresh), 64);
	kfree(fresh);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

static unsigned long ctor_calls;
static void ctor_mark(void *p)
{
	ctor_calls++;
	memset(p, 0x3c, 24);
}

HTEST(cache_create_validates_and_constructs_objects_once)
{
	KT_ASSERT_EQ(slab_boot(32), 0);
	KT_EXPECT(kmem_cache_create("zero", 0, 0, 0, NULL) == NULL);
	KT_EXPECT(kmem_cache_create("badalign", 32, 24, 0, NULL) == NULL);
	KT_EXPECT(kmem_cache_create("badflags", 32, 0, 0x1, NULL) == NULL);
	KT_EXPECT(kmem_cache_create(NULL, 32, 0, 0, NULL) == NULL);
	KT_EXPECT(kmem_cache_create("huge", 5u << 20, 0, 0, NULL) == NULL);

	ctor_calls = 0;
	struct kmem_cache *s = kmem_cache_create("ctor24", 24, 0, SLAB_HWCACHE_ALIGN, ctor_mark);
	KT_ASSERT(s != NULL);
	KT_EXPECT_EQ(s->align, 32); /* 24 bytes share a line in halves */
	unsigned char *o = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT(o != NULL);
	KT_EXPECT_EQ((uintptr_t)o % 32, 0);
	KT_EXPECT_EQ(ctor_calls, s->objects); /* the whole slab, once */
	for (int i = 0; i < 24; i++)
		KT_ASSERT_EQ(o[i], 0x3c);
	kmem_cache_free(s, o);
	o = kmem_cache_alloc(s, GFP_KERNEL);
	KT_EXPECT_EQ(ctor_calls, s->objects);
	for (int i = 0; i < 24; i++)
		KT_ASSERT_EQ(o[i], 0x3c); /* the free pointer lives outside the object */
	KT_EXPECT(kmem_cache_alloc(s, GFP_KERNEL | __GFP_ZERO) == NULL); /* refused */
	kmem_cache_free(s, o);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);

	struct kmem_cache *big = kmem_cache_create("big", 100000, 0, 0, NULL);
	KT_ASSERT(big != NULL);
	KT_EXPECT_EQ(big->objects, 1);
	void *b = kmem_cache_alloc(big, GFP_KERNEL);
	KT_ASSERT(b != NULL);
	memset(b, 1, 100000);
	kmem_cache_free(big, b);
	KT_EXPECT_EQ(kmem_cache_destroy(big), 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(destroy_with_live_objects_refuses_and_names_them)
{
	KT_ASSERT_EQ(slab_boot(32), 0);
	struct kmem_cache *s = kmem_cache_create("leaky", 48, 0, 0, NULL);
	KT_ASSERT(s != NULL);
	void *keep[3], *drop[10];
	for (int i = 0; i < 10; i++)
		drop[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 3; i++)
		keep[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 10; i++)
		kmem_cache_free(s, drop[i]);
	host_capture_start();
	int r = kmem_cache_destroy(s);
	const char *out = host_capture_stop();
	KT_EXPECT(r < 0);
	KT_EXPECT(strstr(out, "kmem_cache_destroy leaky: Slab cache still has objects") != NULL);
	for (int i = 0; i < 3; i++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "object %p still", keep[i]);
		KT_EXPECT(strstr(out, addr) != NULL);
	}
	KT_EXPECT_EQ(count_substr(out, "still allocated"), 3);
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_LEAK);
	/* the cache still works, and goes once empty */
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	for (int i = 0; i < 3; i++)
		kmem_cache_free(s, keep[i]);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(empty_slabs_kept_up_to_min_partial_then_shrunk)
{
	enum { N = 4000 };
	static void *v[N];

	KT_ASSERT_EQ(slab_boot(32), 0);
	struct kmem_cache *s = kmem_cache_create("shrinkme", 128, 0, 0, NULL);
	KT_ASSERT(s != NULL);
	unsigned long before = mm_slab_unreclaimable_pages();
	for (int i = 0; i < N; i++)
		KT_ASSERT((v[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
	unsigned long slabs = (N + s->objects - 1) / s->objects;
	KT_EXPECT(mm_slab_unreclaimable_pages() - before >= slabs);
	KT_EXPECT(mm_slab_unreclaimable_pages() - before <= slabs + 1);
	for (int i = 0; i < N; i++)
		kmem_cache_free(s, v[i]);
	/* the node keeps min_partial empty slabs, the CPU a batch or so */
	KT_EXPECT_EQ(s->node[0].nr_free, s->min_partial);
	KT_EXPECT(s->cpu_cache[0]->avail <= s->cpu_cache[0]->limit);
	KT_EXPECT(s->node[0].nr_partial + s->node[0].nr_full <=
		  (s->cpu_cache[0]->avail + s->objects - 1) / s->objects + 1);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	/* the shrinker (as reclaim calls it) gives the empty slabs back */
	unsigned long freed_pages = 0;
	mm_shrink_slab(GFP_KERNEL, 0, 0, 0, &freed_pages);
	KT_EXPECT_EQ(s->node[0].nr_free, 0);
	KT_EXPECT(freed_pages >= s->min_partial);
	KT_EXPECT_EQ(mm_slab_unreclaimable_pages(), before);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(memory_pressure_reclaims_empty_slabs_through_the_shrinker)
{
	KT_ASSERT_EQ(slab_boot(16), 0);
	struct kmem_cache *s = kmem_cache_create("pressure", 512, 0, SLAB_RECLAIM_ACCOUNT, NULL);
	KT_ASSERT(s != NULL);
	/* grow the cache to a quarter of RAM, then free it all */
	size_t n = (4 * MiB) / 512, got = 0;
	void **v = calloc(n, sizeof(void *));
	KT_ASSERT(v != NULL);
	for (; got < n; got++)
		if (!(v[got] = kmem_cache_alloc(s, GFP_KERNEL)))
			break;
	KT_EXPECT_EQ(got, n);
	for (size_t i = 0; i < got; i++)
		kmem_cache_free(s, v[i]);
	mm_cache_drain_local(s);
	/* force empties to stay: as if min_partial were large */
	KT_EXPECT(mm_slab_reclaimable_pages() > 0);
	unsigned long empties = s->node[0].nr_free;
	/* now take every page: direct reclaim must call the shrinker */
	struct held_set held = { 0 };
	held_fill(&held, GFP_KERNEL, 0);
	KT_EXPECT(mm_global_reclaim_event(SLABS_SCANNED) > 0 || empties == 0);
	KT_EXPECT_EQ(s->node[0].nr_free, 0);
	ktest_diag("empty slabs before pressure %lu, reclaimable slab pages after %lu", empties,
		   mm_slab_reclaimable_pages());
	held_free_all(&held);
	free(v);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(reclaim_account_caches_use_reclaimable_pageblocks)
{
	KT_ASSERT_EQ(slab_boot(32), 0);
	struct kmem_cache *r = kmem_cache_create("rcl", 256, 0, SLAB_RECLAIM_ACCOUNT, NULL);
	struct kmem_cache *u = kmem_cache_create("unrcl", 256, 0, 0, NULL);
	KT_ASSERT(r && u);
	void *a = kmem_cache_alloc(r, GFP_KERNEL);
	void *b = kmem_cache_alloc(u, GFP_KERNEL);
	void *c = kmalloc(100, GFP_KERNEL | __GFP_RECLAIMABLE);
	KT_ASSERT(a && b && c);
	KT_EXPECT_EQ(mm_get_pageblock_migratetype(mm_virt_to_pfn(a)), MIGRATE_RECLAIMABLE);
	KT_EXPECT_EQ(mm_get_pageblock_migratetype(mm_virt_to_pfn(b)), MIGRATE_UNMOVABLE);
	KT_EXPECT_EQ(mm_get_pageblock_migratetype(mm_virt_to_pfn(c)), MIGRATE_RECLAIMABLE);
	KT_EXPECT_EQ(strcmp(((struct kmem_cache *)slab_page_of(c)->mapping)->name,
			    "kmalloc-rcl-128"),
		     0);
	KT_EXPECT(mm_slab_reclaimable_pages() >= 2);
	kmem_cache_free(r, a);
	kmem_cache_free(u, b);
	kfree(c);
	KT_EXPECT_EQ(kmem_cache_destroy(r), 0);
	KT_EXPECT_EQ(kmem_cache_destroy(u), 0);
}

HTEST(fragmented_memory_falls_back_to_the_smallest_order)
{
	KT_ASSERT_EQ(slab_boot(16), 0);
	struct kmem_cache *s = kmem_cache_create("frag", 2048, 0, 0, NULL);
	KT_ASSERT(s != NULL);
	KT_EXPECT_EQ(s->order, 2);
	KT_EXPECT_EQ(s->min_order, 0);
	/* every page taken, then every other one given back: order 0 only */
	struct held_set held = { 0 };
	mm_pcp_set_enabled(false);
	held_fill(&held, GFP_ATOMIC | __GFP_MEMALLOC, 0); /* reserves too */
	for (size_t i = 0; i < held.n; i += 2)
		__free_pages(held.v[i].page, 0);
	void *o = kmem_cache_alloc(s, GFP_KERNEL | __GFP_NORETRY);
	KT_ASSERT(o != NULL);
	KT_EXPECT_EQ(s->order_fallback, 1);
	KT_EXPECT_EQ(page_alloc_order(slab_page_of(o)), 0);
	KT_EXPECT_EQ(slab_objects(slab_page_of(o)), 2);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	kmem_cache_free(s, o);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
	for (size_t i = 1; i < held.n; i += 2)
		__free_pages(held.v[i].page, 0);
	free(held.v);
	mm_pcp_set_enabled(true);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(slabinfo_and_vmstat_print_linux_formats)
{
	KT_ASSERT_EQ(slab_boot(32), 0);
	struct kmem_cache *s = kmem_cache_create("infotest", 100, 0, 0, NULL);
	KT_ASSERT(s != NULL);
	void *v[50];
	for (int i = 0; i < 50; i++)
		v[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 10; i++)
		kmem_cache_free(s, v[i]);
	host_capture_start();
	mm_print_slabinfo();
	const char *out = host_capture_stop();
	KT_EXPECT(
		strncmp(out,
			"slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n",
			180) == 0);
	/* 104-byte slots, 39 a page; 50 taken in batches of 60 => 2 slabs */
	char want[200];
	snprintf(want, sizeof(want),
		 "infotest              40     78    104   39    1 : tunables  120   60    0 : slabdata      2      2      0\n");
	KT_EXPECT(strstr(out, want) != NULL);
	if (!strstr(out, want))
		ktest_diag("%s", out);
	KT_EXPECT(strstr(out, "kmalloc-rcl-8k ") != NULL);
	host_capture_start();
	mm_print_vmstat();
	out = host_capture_stop();
	KT_EXPECT(strstr(out, "\nnr_slab_reclaimable ") != NULL);
	KT_EXPECT(strstr(out, "\nnr_slab_unreclaimable ") != NULL);
	for (int i = 10; i < 50; i++)
		kmem_cache_free(s, v[i]);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
}

HTEST_MAIN("slab")
