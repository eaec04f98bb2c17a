/*
 * tests/host/test_slab_debug.c - the slab allocator's debugging: each
 * kind of misuse (double free, free of a pointer that is no object or
 * points into one, free to the wrong cache, red zone overrun, write after
 * free) gives its one-line report naming the object and callers, and the
 * invariant checker sees corrupted slabs; slab_debug= parsing.
 */
#include "test_slab_util.h"

static struct kmem_cache *debug_cache(const char *name, unsigned int size)
{
	return kmem_cache_create(name, size, 0, SLAB_DEBUG_FLAGS, NULL);
}

/* Run @stmt with the console captured; the output is in `out`. */
#define CAPTURE(stmt) \
	do { \
		host_capture_start(); \
		stmt; \
		out = host_capture_stop(); \
	} while (0)

HTEST(double_free_is_reported_on_plain_and_debugged_caches)
{
	const char *out;
	char want[96];

	KT_ASSERT_EQ(slab_boot(32), 0);
	/* plain kmalloc: the same object twice in a row */
	void *p = kmalloc(64, GFP_KERNEL);
	kfree(p);
	CAPTURE(kfree(p));
	snprintf(want, sizeof(want), "BUG kmalloc-64: double free of object %p", p);
	KT_EXPECT(strstr(out, want) != NULL);
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_DOUBLE_FREE);
	KT_EXPECT_EQ(mm_check_invariants(), 0);

	/* debugged: caught however late, with both callers */
	struct kmem_cache *s = debug_cache("dbg-double", 40);
	KT_ASSERT(s != NULL);
	void *a = kmem_cache_alloc(s, GFP_KERNEL), *b = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	CAPTURE(kmem_cache_free(s, a));
	snprintf(want, sizeof(want),
		 "BUG dbg-double: double free of object %p (last allocated by 0x", a);
	KT_EXPECT(strstr(out, want) != NULL);
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_DOUBLE_FREE);
	KT_EXPECT(mm_slab_last_report.alloc_caller != NULL);
	KT_EXPECT(mm_slab_last_report.free_caller != NULL);
	KT_EXPECT_EQ(count_newlines(out), 1);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
}

HTEST(invalid_frees_are_reported_and_ignored)
{
	const char *out;

	KT_ASSERT_EQ(slab_boot(32), 0);
	/* a page-allocator page is no slab object */
	struct page *pg = alloc_page(GFP_KERNEL);
	void *pa = page_address(pg);
	CAPTURE(kfree(pa));
	KT_EXPECT(strstr(out, "not an object of any slab cache") != NULL);
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_INVALID_FREE);
	KT_EXPECT_EQ(page_ref_count(pg), 1); /* untouched */
	__free_page(pg);

	/* into the middle of an object */
	char *o = kmalloc(128, GFP_KERNEL);
	CAPTURE(kfree(o + 8));
	KT_EXPECT(strstr(out, "BUG kmalloc-128: free of") != NULL);
	KT_EXPECT(strstr(out, "not the start of an object") != NULL);
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_MID_OBJECT);
	KT_EXPECT(mm_slab_last_report.object == o + 8);

	/* to the wrong cache */
	struct kmem_cache *s = kmem_cache_create("other", 128, 0, 0, NULL);
	CAPTURE(kmem_cache_free(s, o));
	KT_EXPECT(strstr(out, "freed to other, but it belongs to kmalloc-128") != NULL);
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_WRONG_CACHE);
	kfree(o);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
}

HTEST(red_zone_overruns_are_caught_at_free)
{
	const char *out;
	char want[96];

	KT_ASSERT_EQ(slab_boot(32), 0);
	struct kmem_cache *s = debug_cache("dbg-rz", 20);
	KT_ASSERT(s != NULL);
	char *o = kmem_cache_alloc(s, GFP_KERNEL);
	memset(o, 1, 20);
	o[21] = 'x'; /* two bytes past the end */
	CAPTURE(kmem_cache_free(s, o));
	snprintf(want, sizeof(want),
		 "BUG dbg-rz: red zone of object %p overwritten at offset 21: 0x78", (void *)o);
	KT_EXPECT(strstr(out, want) != NULL);
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_REDZONE);
	KT_EXPECT_EQ(mm_slab_last_report.offset, 21);
	/* underrun */
	o = kmem_cache_alloc(s, GFP_KERNEL);
	o[-1] = 0;
	CAPTURE(kmem_cache_free(s, o));
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_REDZONE);
	KT_EXPECT_EQ((long)mm_slab_last_report.offset, -1);
	KT_EXPECT_EQ(mm_check_invariants(), 0); /* repaired */
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
}

HTEST(writes_after_free_are_caught_by_poison_and_the_checker)
{
	const char *out;
	char want[96];

	KT_ASSERT_EQ(slab_boot(32), 0);
	struct kmem_cache *s = debug_cache("dbg-uaf", 64);
	KT_ASSERT(s != NULL);
	unsigned char *o = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, o);
	o[10] = 0x42; /* use after free */
	host_capture_start();
	KT_EXPECT_EQ(mm_check_invariants(), 1);
	out = host_capture_stop();
	KT_EXPECT(strstr(out, "dbg-uaf: free object") != NULL);
	/* The next allocation of that object reports it. */
	void *again;
	CAPTURE(again = kmem_cache_alloc(s, GFP_KERNEL));
	KT_EXPECT(again == o); /* most recently freed first */
	snprintf(want, sizeof(want), "BUG dbg-uaf: object %p written after free at offset 10: 0x42",
		 (void *)o);
	KT_EXPECT(strstr(out, want) != NULL);
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_POISON);
	KT_EXPECT_EQ(mm_slab_last_report.offset, 10);
	kmem_cache_free(s, again);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
}

HTEST(checker_sees_a_corrupted_free_list)
{
	KT_ASSERT_EQ(slab_boot(32), 0);
	struct kmem_cache *s = kmem_cache_create("corrupt", 64, 0, 0, NULL);
	void *v[100];
	for (int i = 0; i < 100; i++)
		v[i] = kmem_cache_alloc(s, GFP_KERNEL);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	/* a free object of a partial slab pointing outside the slab */
	struct page *slab = slab_page_of(v[99]);
	KT_ASSERT(slab->index != 0);
	void **fp = (void **)((char *)slab_base(slab) + slab->index - 1);
	void *saved = *fp;
	*fp = (char *)v[0] + 3;
	host_capture_start();
	KT_EXPECT(mm_check_invariants() >= 1);
	const char *out = host_capture_stop();
	KT_EXPECT(strstr(out, "corrupt: slab") != NULL);
	*fp = saved;
	/* a counter off by one */
	s->node[0].free_objects++;
	host_capture_start();
	KT_EXPECT_EQ(mm_check_invariants(), 1);
	host_capture_stop();
	s->node[0].free_objects--;
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	for (int i = 0; i < 100; i++)
		kmem_cache_free(s, v[i]);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
}

HTEST(slab_debug_option_selects_caches_and_flags)
{
	KT_ASSERT_EQ(mm_slab_debug_setup("ZP,kmalloc-64,named"), 0);
	KT_EXPECT_EQ(mm_slab_debug_flags_for("named"), SLAB_RED_ZONE | SLAB_POISON);
	KT_EXPECT_EQ(mm_slab_debug_flags_for("kmalloc-64"), SLAB_RED_ZONE | SLAB_POISON);
	KT_EXPECT_EQ(mm_slab_debug_flags_for("kmalloc-128"), 0);
	KT_ASSERT_EQ(slab_boot(32), 0);
	struct kmem_cache *s = kmem_cache_create("named", 30, 0, 0, NULL);
	KT_EXPECT_EQ(s->flags & SLAB_DEBUG_FLAGS, SLAB_RED_ZONE | SLAB_POISON);
	KT_EXPECT_EQ(s->cpu_cache[0]->limit, 0); /* checked path only */
	/* kmalloc-64 is debugged, objects still 64-aligned */
	char *p = kmalloc(64, GFP_KERNEL);
	KT_EXPECT_EQ((uintptr_t)p % 64, 0);
	p[64] = 0;
	host_capture_start();
	kfree(p);
	host_capture_stop();
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_REDZONE);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
	/* bad input */
	KT_EXPECT(mm_slab_debug_setup("FX") < 0);
	KT_ASSERT_EQ(mm_slab_debug_setup("-"), 0);
	KT_EXPECT_EQ(mm_slab_debug_default, 0);
	KT_ASSERT_EQ(mm_slab_debug_setup(""), 0);
	KT_EXPECT_EQ(mm_slab_debug_default, SLAB_DEBUG_FLAGS);
	KT_ASSERT_EQ(mm_slab_debug_setup("-"), 0);
}

HTEST_MAIN("slab_debug")
