/*
 * mm/kmalloc.c - the allocator's entry points: kmem_cache_alloc/free with
 * their lock-free per-CPU fast paths, and kmalloc's size classes (8 bytes
 * to 8 KiB: the powers of two and 96, 192) with kzalloc, kcalloc,
 * krealloc, kfree and ksize. Larger kmallocs are page-allocator blocks.
 * The slow paths (refill, flush, debugged caches) are in slab.c.
 */
#include "slab_internal.h"

#include "util.h"

/*
 * The fast paths are leaves: the common case pops or pushes the running
 * CPU's array with interrupts off and returns; anything else is a tail
 * call into the slow path, which decides again from the start. No stack
 * frame, no callee-saved registers on the way (BENCHMARKS.md).
 */
static __always_inline void *slab_alloc_fast(struct kmem_cache *s, gfp_t gfp, void *caller)
{
	unsigned long flags = mm_irq_save();
	struct array_cache *ac = s->cpu_cache[mm_cpu_id()];

	if (likely(ac->avail)) {
		void *obj = ac->entry[--ac->avail];

		mm_irq_restore(flags);
		return obj;
	}
	mm_irq_restore(flags);
	return mm_slab_alloc_slow(s, gfp, caller);
}

/* The slab of @p when @p is exactly an object's start; NULL otherwise (a
 * large kmalloc, a bad pointer: the caller's slow path sorts it out). */
static __always_inline struct page *slab_lookup(const void *p)
{
	unsigned long pfn = mm_virt_to_pfn(p), off = (uintptr_t)p & (MM_PAGE_SIZE - 1);
	struct page *slab;
	unsigned int idx;

	if (unlikely(pfn >= mm_max_pfn)) /* mm_max_pfn is 0 before mm_init() */
		return NULL;
	slab = pfn_to_page(pfn);
	if (unlikely(PageTail(slab))) { /* a later page of a multi-page slab */
		slab = compound_head(slab);
		off = slab_offset_of(slab, p, pfn);
	}
	if (unlikely(!PageSlab(slab)) || unlikely(!slab_off_index(slab->mapping, slab, off, &idx)))
		return NULL;
	return slab;
}

/* Push @obj on the running CPU's array if it has room, @obj is local
 * memory and not the object freed last (a double free). */
static __always_inline bool slab_free_fast(struct kmem_cache *s, struct page *slab, void *obj)
{
	unsigned long flags = mm_irq_save();
	struct array_cache *ac = s->cpu_cache[mm_cpu_id()];
	unsigned int n = ac->avail;

	if (likely(n < ac->limit) && likely(page_to_nid(slab) == ac->node) &&
	    likely(!n || ac->entry[n - 1] != obj)) {
		ac->entry[n] = obj;
		ac->avail = n + 1;
		mm_irq_restore(flags);
		return true;
	}
	mm_irq_restore(flags);
	return false;
}

static bool bad_zero_request(struct kmem_cache *s, gfp_t gfp, void *caller)
{
	if (!(gfp & __GFP_ZERO) || !s->ctor)
		return false;
	mm_slab_report(SLAB_REPORT_BAD_REQUEST, s, NULL, 0, caller,
		    "__GFP_ZERO would destroy what the constructor built");
	return true;
}

static __attribute__((noinline)) void *kmem_cache_alloc_zero(struct kmem_cache *s, gfp_t gfp,
							     void *caller)
{
	if (bad_zero_request(s, gfp, caller))
		return NULL;
	return mm_slab_alloc_slow(s, gfp, caller);
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	if (unlikely(gfp & __GFP_ZERO))
		return kmem_cache_alloc_zero(s, gfp, __builtin_return_address(0));
	return slab_alloc_fast(s, gfp, __builtin_return_address(0));
}

void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return kmem_cache_alloc_zero(s, gfp | __GFP_ZERO, __builtin_return_address(0));
}

/*
 * The slab of @p and the checks every free makes: that @p lies in a slab
 * (or is a large kmalloc, returned with *large set) and is exactly an
 * object's start. NULL after a report otherwise.
 */
static struct page *free_lookup(const void *p, bool *large, void *caller)
{
	unsigned long pfn = mm_virt_to_pfn(p);
	struct page *page;
	unsigned int idx;

	*large = false;
	if (unlikely(!pfn_valid(pfn)))
		goto invalid;
	page = compound_head(pfn_to_page(pfn));
	if (likely(PageSlab(page))) {
		if (likely(slab_off_index(page->mapping, page, slab_offset_of(page, p, pfn), &idx)))
			return page;
		mm_slab_report(SLAB_REPORT_MID_OBJECT, page->mapping, p, 0, caller,
			    "free of %p: not the start of an object", p);
		return NULL;
	}
	if (PageFlag(page, PG_large_kmalloc) && page_address(page) == p) {
		*large = true;
		return page;
	}
invalid:
	mm_slab_report(SLAB_REPORT_INVALID_FREE, NULL, p, 0, caller,
		    "free of %p: not an object of any slab cache", p);
	return NULL;
}

static __attribute__((noinline)) void kmem_cache_free_slow(struct kmem_cache *s, void *obj,
							   void *caller)
{
	bool large;
	struct page *slab = free_lookup(obj, &large, caller);

	if (unlikely(!slab))
		return;
	if (unlikely(large || slab->mapping != s)) {
		mm_slab_report(SLAB_REPORT_WRONG_CACHE, s, obj, 0, caller,
			    "object %p freed to %s, but it belongs to %s", obj, s->name,
			    large ? "a large kmalloc" : ((struct kmem_cache *)slab->mapping)->name);
		return;
	}
	mm_slab_free_slow(s, slab, obj, caller);
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	struct page *slab;

	if (unlikely(!obj))
		return;
	slab = slab_lookup(obj);
	if (likely(slab) && likely(slab->mapping == s) && likely(slab_free_fast(s, slab, obj)))
		return;
	kmem_cache_free_slow(s, obj, __builtin_return_address(0));
}

/* ---- kmalloc ---- */

enum kmalloc_type { KMALLOC_NORMAL, KMALLOC_RECLAIM, NR_KMALLOC_TYPES };
#define KMALLOC_SHIFT_HIGH 13 /* 8 KiB */
static struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];

/* Class of sizes 1..192 by (size - 1) / 8: index 1 is 96 bytes, 2 is 192,
 * n >= 3 is 2^n (Linux's numbering). */
static const uint8_t kmalloc_size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6, 1, 1, 1, 1, 7, 7, 7, 7, 2, 2, 2, 2, 2, 2, 2, 2,
};

static __always_inline unsigned int kmalloc_index(size_t size)
{
	if (size <= 192)
		return kmalloc_size_index[(size - 1) / 8];
	return fls_u(size - 1);
}

static unsigned int kmalloc_class_size(unsigned int idx)
{
	return idx == 1 ? 96 : idx == 2 ? 192 : 1u << idx;
}

static void *kmalloc_large(size_t size, gfp_t gfp)
{
	unsigned int order = get_order(size);
	struct page *page;

	page = alloc_pages((gfp & ~__GFP_RECLAIMABLE) | (order ? __GFP_COMP : 0), order);
	if (!page)
		return NULL;
	SetPageFlag(page, PG_large_kmalloc);
	/* counted as unreclaimable slab, as Linux counts large kmallocs */
	__atomic_fetch_add(&mm_slab_nr_pages[0], 1L << order, __ATOMIC_RELAXED);
	return page_address(page);
}

static void *kmalloc_bad(size_t size, gfp_t gfp, void *caller, const char *why)
{
	if (!(gfp & __GFP_NOWARN) || size <= KMALLOC_MAX_SIZE)
		mm_slab_report(SLAB_REPORT_BAD_REQUEST, NULL, NULL, size, caller,
			    "kmalloc(%lu, 0x%x): %s", (unsigned long)size, gfp, why);
	return NULL;
}

#define KMALLOC_BAD_GFP (__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM | __GFP_MOVABLE)

/* Every kmalloc but a plain small one: bad flags, sizes 0 and above the
 * classes, __GFP_ZERO, before kmem_cache_init. */
static __attribute__((noinline)) void *kmalloc_slow(size_t size, gfp_t gfp, void *caller)
{
	struct kmem_cache *s;

	if (gfp & KMALLOC_BAD_GFP)
		return kmalloc_bad(size, gfp, caller,
				   "zone and movable flags are not for kmalloc (use a SLAB_CACHE_DMA cache)");
	if (!size)
		return ZERO_SIZE_PTR;
	if (size > KMALLOC_MAX_SIZE)
		return kmalloc_bad(size, gfp, caller, "too large");
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(size, gfp);
	s = kmalloc_caches[!!(gfp & __GFP_RECLAIMABLE)][kmalloc_index(size)];
	if (!s)
		return kmalloc_bad(size, gfp, caller, "kmem_cache_init() has not run");
	return mm_slab_alloc_slow(s, gfp, caller);
}

static __always_inline void *__kmalloc(size_t size, gfp_t gfp, void *caller)
{
	struct kmem_cache *s;

	if (unlikely(size - 1 >= KMALLOC_MAX_CACHE_SIZE) ||
	    unlikely(gfp & (KMALLOC_BAD_GFP | __GFP_ZERO)))
		return kmalloc_slow(size, gfp, caller);
	s = kmalloc_caches[!!(gfp & __GFP_RECLAIMABLE)][kmalloc_index(size)];
	if (unlikely(!s))
		return kmalloc_slow(size, gfp, caller);
	return slab_alloc_fast(s, gfp, caller);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	return __kmalloc(size, gfp, __builtin_return_address(0));
}

void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > ~(size_t)0 / size)
		return kmalloc_bad(~(size_t)0, gfp, __builtin_return_address(0),
				   "array size overflows");
	return __kmalloc(n * size, gfp, __builtin_return_address(0));
}

static __attribute__((noinline)) void kfree_slow(const void *p, void *caller)
{
	bool large;
	struct page *page = free_lookup(p, &large, caller);

	if (unlikely(!page))
		return;
	if (unlikely(large)) {
		ClearPageFlag(page, PG_large_kmalloc);
		__atomic_fetch_sub(&mm_slab_nr_pages[0], 1L << page_alloc_order(page),
				   __ATOMIC_RELAXED);
		__free_pages(page, page_alloc_order(page));
		return;
	}
	mm_slab_free_slow(page->mapping, page, (void *)p, caller);
}

void kfree(const void *p)
{
	struct page *slab;

	if (unlikely(ZERO_OR_NULL_PTR(p)))
		return;
	slab = slab_lookup(p);
	if (likely(slab) && likely(slab_free_fast(slab->mapping, slab, (void *)p)))
		return;
	kfree_slow(p, __builtin_return_address(0));
}

size_t ksize(const void *p)
{
	bool large = false;
	struct page *page;

	if (ZERO_OR_NULL_PTR(p))
		return 0;
	page = free_lookup(p, &large, __builtin_return_address(0));
	if (!page)
		return 0;
	if (large)
		return MM_PAGE_SIZE << page_alloc_order(page);
	return ((struct kmem_cache *)page->mapping)->object_size;
}

void *krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	size_t old = ksize(p);
	char *n;

	if (!new_size) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	if (p && !ZERO_OR_NULL_PTR(p) && !old)
		return NULL; /* not ours: reported by ksize */
	if (new_size <= old) /* ksize() bytes were always usable: nothing to zero */
		return (void *)p;
	n = __kmalloc(new_size, gfp & ~__GFP_ZERO, __builtin_return_address(0));
	if (!n)
		return NULL;
	if (old)
		mm_memcpy(n, p, old);
	if (gfp & __GFP_ZERO)
		mm_memset(n + old, 0, ksize(n) - old);
	kfree(p);
	return n;
}

/* ---- boot ---- */

int kmem_cache_init(void)
{
	static const char *const prefix[NR_KMALLOC_TYPES] = { "kmalloc-", "kmalloc-rcl-" };

	INIT_LIST_HEAD(&mm_slab_caches);
	mm_spin_lock_init(&mm_slab_caches_lock);
	mm_slab_nr_pages[0] = mm_slab_nr_pages[1] = 0;
	for (int t = 0; t < NR_KMALLOC_TYPES; t++)
		for (unsigned int i = 0; i <= KMALLOC_SHIFT_HIGH; i++)
			kmalloc_caches[t][i] = NULL;
	for (int t = 0; t < NR_KMALLOC_TYPES; t++) {
		for (unsigned int i = 1; i <= KMALLOC_SHIFT_HIGH; i++) {
			unsigned int size = kmalloc_class_size(i);
			char name[32], *q = name;
			/* Linux's names: kmalloc-96, kmalloc-1k, kmalloc-rcl-8k */
			unsigned int digits = 0, v = size >= 1024 ? size / 1024 : size;

			for (const char *c = prefix[t]; *c;)
				*q++ = *c++;
			for (unsigned int d = v; d; d /= 10)
				digits++;
			for (unsigned int d = digits; d-- > 0; v /= 10)
				q[d] = (char)('0' + v % 10);
			if (size >= 1024)
				q[digits++] = 'k';
			q[digits] = 0;
			/* natural alignment: the largest power of two dividing size */
			unsigned int align = size & -size;

			if (align > MM_PAGE_SIZE)
				align = MM_PAGE_SIZE;
			kmalloc_caches[t][i] = kmem_cache_create(name, size, align,
								 t == KMALLOC_RECLAIM
									 ? SLAB_RECLAIM_ACCOUNT
									 : 0,
								 NULL);
			if (!kmalloc_caches[t][i])
				return -1;
		}
	}
	return mm_slab_shrinker_register();
}
