/*
 * mm/slab.c - the object allocator: kmem_cache_create/alloc/free/destroy
 * and kmalloc's size classes, on slabs carved from the page allocator.
 *
 * Shape: each CPU keeps a small stack of free objects per cache (struct
 * array_cache, Linux SLAB's idea, sized by its rule). Allocation pops and
 * free pushes with interrupts off on the local CPU and nothing else: no
 * lock, no atomic. Only when the stack is empty (or full) does a batch of
 * objects move from (to) the slabs, under the node's list_lock. An object
 * freed on another CPU than the one that allocated it simply joins the
 * freeing CPU's stack; one of another node's memory goes straight back to
 * its own node's slab, so a CPU's stack only holds local memory.
 *
 * Slab sizes follow SLUB's rule (the smallest order that fits enough
 * objects with little waste, at most order 3), falling back to the
 * smallest order that holds one object when the page allocator cannot
 * find the larger block. Each node keeps min_partial empty slabs; more are
 * returned at once, and the shrinker (slab_stat.c) returns the rest under
 * memory pressure.
 */
#include "slab_internal.h"

#include "blockdev.h"
#include "util.h"

struct list_head mm_slab_caches = LIST_HEAD_INIT(mm_slab_caches);
mm_spinlock_t mm_slab_caches_lock = MM_SPINLOCK_INIT;
long mm_slab_nr_pages[2];

#define SLAB_MAX_ORDER PAGE_ALLOC_COSTLY_ORDER
#define SLAB_MAX_SIZE ((unsigned int)(MM_PAGE_SIZE << (MAX_ORDER - 1)))
#define SLAB_KNOWN_FLAGS \
	(SLAB_DEBUG_FLAGS | SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | \
	 SLAB_RECLAIM_ACCOUNT | SLAB_PANIC | SLAB_ACCOUNT)
#define CACHE_LINE 64

#ifndef MM_EBUSY
#define MM_EBUSY 16
#endif

static void slab_account_pages(const struct kmem_cache *s, long pages)
{
	__atomic_fetch_add(&mm_slab_nr_pages[!!(s->flags & SLAB_RECLAIM_ACCOUNT)], pages,
			   __ATOMIC_RELAXED);
}

/* ---- sizing ---- */

/* The smallest order from which a slab holds @min_objects objects of @size
 * and wastes at most 1/@fract of itself; > @max_order when none does. */
static unsigned int slab_order_fit(unsigned int size, unsigned int min_objects,
				   unsigned int max_order, unsigned int fract)
{
	unsigned int order = get_order((size_t)min_objects * size);

	for (; order <= max_order; order++) {
		unsigned long bytes = MM_PAGE_SIZE << order;

		if (bytes % size <= bytes / fract)
			break;
	}
	return order;
}

/* SLUB's rule (Linux 6.1 calculate_order): aim for 4 * (fls(cpus) + 1)
 * objects a slab, accepting more waste (1/16, 1/8, 1/4), then fewer
 * objects, before going past order 3 - which only objects bigger than an
 * order-3 block need. */
static unsigned int calculate_order(unsigned int size)
{
	unsigned int min_objects = 4 * (fls_u(mm_nr_cpus()) + 1);
	unsigned int max_objects = (unsigned int)((MM_PAGE_SIZE << SLAB_MAX_ORDER) / size);
	unsigned int order;

	if (min_objects > max_objects)
		min_objects = max_objects;
	for (; min_objects > 1; min_objects--)
		for (unsigned int fract = 16; fract >= 4; fract /= 2) {
			order = slab_order_fit(size, min_objects, SLAB_MAX_ORDER, fract);
			if (order <= SLAB_MAX_ORDER)
				return order;
		}
	order = slab_order_fit(size, 1, SLAB_MAX_ORDER, 1);
	if (order <= SLAB_MAX_ORDER)
		return order;
	return get_order(size);
}

/* Linux SLAB's per-CPU array sizes: many small objects, few big ones. */
static unsigned int array_limit_for(unsigned int size)
{
	if (size > 128 * 1024)
		return 1;
	if (size > MM_PAGE_SIZE)
		return 8;
	if (size > 1024)
		return 24;
	if (size > 256)
		return 54;
	return 120;
}

/* Where the object's parts go (slab_internal.h's layout). */
static void calculate_layout(struct kmem_cache *s)
{
	unsigned int size = s->object_size, p;
	bool fp_outside = s->ctor || (s->flags & SLAB_POISON) || size < sizeof(void *);

	s->red_left = (s->flags & SLAB_RED_ZONE) ? (unsigned int)mm_max_u64(8, s->align) : 0;
	p = (unsigned int)mm_align_up(size, sizeof(void *));
	if (s->flags & SLAB_RED_ZONE)
		p += sizeof(void *); /* at least one word of right red zone */
	s->rz_end = p;
	s->offset = 0;
	if (fp_outside) {
		s->offset = p;
		p += sizeof(void *);
	}
	s->track_off = 0;
	if (s->flags & SLAB_STORE_USER) {
		s->track_off = p;
		p += 2 * sizeof(struct slab_track);
	}
	s->size = (unsigned int)mm_align_up(s->red_left + p, s->align);
	s->reciprocal = ~0ULL / s->size + 1;
}

static unsigned int cache_align(unsigned int size, unsigned int align, slab_flags_t flags)
{
	unsigned int a = CACHE_LINE;

	if (flags & SLAB_HWCACHE_ALIGN) {
		/* Linux's rule: small objects share a line rather than pad */
		while (size <= a / 2 && a > 8)
			a /= 2;
		if (align < a)
			align = a;
	}
	return align < 8 ? 8 : align;
}

/* ---- creating and destroying caches ---- */

static void init_cache_node(struct kmem_cache_node *n)
{
	mm_spin_lock_init(&n->list_lock);
	n->canary = SLAB_NODE_CANARY;
	INIT_LIST_HEAD(&n->partial);
	INIT_LIST_HEAD(&n->full);
	INIT_LIST_HEAD(&n->free);
	n->nr_partial = n->nr_full = n->nr_free = 0;
	n->total_objects = n->free_objects = 0;
}

static struct kmem_cache *create_fail(slab_flags_t flags, const char *name, const char *why)
{
	mm_slab_report(SLAB_REPORT_BAD_REQUEST, NULL, NULL, 0, __builtin_return_address(0),
		    "kmem_cache_create(%s): %s", name ? name : "(null)", why);
	if (flags & SLAB_PANIC)
		mm_panic("kmem_cache_create(%s): %s", name ? name : "(null)", why);
	return NULL;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *))
{
	unsigned int cpus = mm_nr_cpus(), limit;
	struct kmem_cache tmp, *s;
	size_t bytes;
	char *p;

	if (!name || !*name)
		return create_fail(flags, name, "no name");
	if (!size || size > SLAB_MAX_SIZE)
		return create_fail(flags, name, "size 0 or above 4 MiB");
	if (align & (align - 1) || align > MM_PAGE_SIZE)
		return create_fail(flags, name, "alignment not a power of two up to 4096");
	if (flags & ~SLAB_KNOWN_FLAGS)
		return create_fail(flags, name, "unknown flags");
	if ((flags & SLAB_CACHE_DMA) && (flags & SLAB_CACHE_DMA32))
		return create_fail(flags, name, "both SLAB_CACHE_DMA and SLAB_CACHE_DMA32");
	if (cpus > MM_MAX_CPUS)
		cpus = MM_MAX_CPUS;

	mm_memset(&tmp, 0, sizeof(tmp));
	tmp.flags = flags | mm_slab_debug_flags_for(name);
	tmp.object_size = size;
	tmp.align = cache_align(size, align, flags);
	tmp.ctor = ctor;
	calculate_layout(&tmp);
	tmp.order = calculate_order(tmp.size);
	tmp.min_order = get_order(tmp.size);
	if (tmp.order >= MAX_ORDER)
		return create_fail(flags, name, "objects too large for a slab");
	tmp.objects = (unsigned int)((MM_PAGE_SIZE << tmp.order) / tmp.size);
	tmp.min_partial = fls_u(tmp.size) / 2;
	tmp.min_partial = tmp.min_partial < 5 ? 5 : tmp.min_partial > 10 ? 10 : tmp.min_partial;
	tmp.allocflags = (flags & SLAB_RECLAIM_ACCOUNT) ? __GFP_RECLAIMABLE : 0;
	tmp.allocflags |= (flags & SLAB_CACHE_DMA)     ? __GFP_DMA
			  : (flags & SLAB_CACHE_DMA32) ? __GFP_DMA32
						       : 0;
	limit = cache_debugged(&tmp) ? 0 : array_limit_for(tmp.size);

	/* The cache and its CPUs' arrays in one page-allocator block: no
	 * cache is needed to make the first cache. */
	bytes = mm_align_up(sizeof(tmp), 64) +
		cpus * mm_align_up(sizeof(struct array_cache) + limit * sizeof(void *), 64);
	s = alloc_pages_exact(bytes, GFP_KERNEL);
	if (!s)
		return create_fail(flags, name, "no memory");
	*s = tmp;
	s->tag = SLAB_CACHE_TAG;
	s->struct_bytes = bytes;
	for (p = s->name; *name && p < s->name + sizeof(s->name) - 1;)
		*p++ = *name++;
	*p = 0;
	p = (char *)s + mm_align_up(sizeof(tmp), 64);
	for (unsigned int cpu = 0; cpu < cpus; cpu++) {
		struct array_cache *ac = (struct array_cache *)p;

		ac->avail = 0;
		ac->limit = limit;
		ac->batchcount = (limit + 1) / 2;
		ac->node = mm_cpu_to_mem(cpu);
		s->cpu_cache[cpu] = ac;
		p += mm_align_up(sizeof(struct array_cache) + limit * sizeof(void *), 64);
	}
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		init_cache_node(&s->node[nid]);
	/* The struct and arrays count as unreclaimable slab, as Linux's
	 * kmem_cache cache does. */
	__atomic_fetch_add(&mm_slab_nr_pages[0], (long)((bytes + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT),
			   __ATOMIC_RELAXED);

	unsigned long flags_irq = mm_spin_lock_irqsave(&mm_slab_caches_lock);
	list_add_tail(&s->list, &mm_slab_caches);
	mm_spin_unlock_irqrestore(&mm_slab_caches_lock, flags_irq);
	return s;
}

static void drain_cpu_fn(void *arg)
{
	mm_cache_drain_local(arg);
}

unsigned long kmem_cache_shrink(struct kmem_cache *s)
{
	unsigned long flags, pages;

	mm_on_each_cpu(drain_cpu_fn, s);
	flags = mm_irq_save();
	pages = mm_cache_free_empty_slabs(s, ~0UL, NULL);
	mm_irq_restore(flags);
	return pages;
}

/* Name each live object of @s (a free-list walk per slab). */
static void report_leaks(struct kmem_cache *s, void *caller)
{
	unsigned int listed = 0;

	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		struct kmem_cache_node *n = &s->node[nid];
		struct list_head *lists[2] = { &n->partial, &n->full };
		unsigned long flags = mm_spin_lock_irqsave(&n->list_lock);

		for (int l = 0; l < 2; l++) {
			struct list_head *pos;

			list_for_each(pos, lists[l]) {
				struct page *slab = list_entry(pos, struct page, lru);
				char *base = slab_base(slab);

				for (unsigned int i = 0; i < slab_objects(slab); i++) {
					char *obj = base + (size_t)i * s->size + s->red_left;
					bool free = false;

					for (char *f = slab->index ? base + slab->index - 1 : NULL;
					     f && !free; f = *slab_freeptr(s, f))
						free = f == obj;
					if (free || listed++ >= 16)
						continue;
					mm_slab_report(SLAB_REPORT_LEAK, s, obj, 0, caller,
						    "object %p still allocated at kmem_cache_destroy",
						    (void *)obj);
				}
			}
		}
		mm_spin_unlock_irqrestore(&n->list_lock, flags);
	}
	if (listed > 16)
		mm_printk("kmem_cache_destroy %s: %u more objects not listed\n", s->name,
			  listed - 16);
}

int kmem_cache_destroy(struct kmem_cache *s)
{
	unsigned long flags, live = 0;

	if (!s)
		return 0;
	kmem_cache_shrink(s);
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		live += s->node[nid].nr_partial + s->node[nid].nr_full;
	if (live) {
		mm_printk("kmem_cache_destroy %s: Slab cache still has objects\n", s->name);
		report_leaks(s, __builtin_return_address(0));
		return -MM_EBUSY;
	}
	flags = mm_spin_lock_irqsave(&mm_slab_caches_lock);
	list_del(&s->list);
	mm_spin_unlock_irqrestore(&mm_slab_caches_lock, flags);
	__atomic_fetch_sub(&mm_slab_nr_pages[0],
			   (long)((s->struct_bytes + MM_PAGE_SIZE - 1) >> MM_PAGE_SHIFT),
			   __ATOMIC_RELAXED);
	s->tag = 0;
	free_pages_exact(s, s->struct_bytes);
	return 0;
}

unsigned int kmem_cache_size(const struct kmem_cache *s)
{
	return s->object_size;
}

const char *mm_kmem_cache_name(const struct kmem_cache *s)
{
	return s->name;
}

/* ---- slabs ---- */

static struct page *new_slab(struct kmem_cache *s, gfp_t gfp, int node)
{
	gfp_t flags = (gfp & ~(GFP_ZONEMASK | __GFP_RECLAIMABLE | __GFP_ZERO | __GFP_COMP)) |
		      s->allocflags;
	unsigned int order = s->order, objects;
	struct page *slab = NULL;
	char *base, *prev = NULL;

	if (order > s->min_order)
		slab = alloc_pages_node(node,
					(flags | __GFP_COMP | __GFP_NOWARN | __GFP_NORETRY) &
						~__GFP_NOFAIL,
					order);
	if (!slab) {
		order = s->min_order;
		slab = alloc_pages_node(node, flags | (order ? __GFP_COMP : 0), order);
		if (!slab)
			return NULL;
		if (s->order > s->min_order)
			__atomic_fetch_add(&s->order_fallback, 1, __ATOMIC_RELAXED);
	}
	objects = (unsigned int)((MM_PAGE_SIZE << order) / s->size);
	SetPageFlag(slab, PG_slab);
	slab->mapping = s;
	slab_set_counts(slab, 0, objects);
	INIT_LIST_HEAD(&slab->lru);
	if (cache_debugged(s))
		mm_slab_debug_init_slab(s, slab);
	base = slab_base(slab);
	for (unsigned int i = objects; i-- > 0;) {
		char *obj = base + (size_t)i * s->size + s->red_left;

		if (s->ctor)
			s->ctor(obj);
		*slab_freeptr(s, obj) = prev;
		prev = obj;
	}
	slab->index = (uint32_t)(prev - base) + 1;
	slab_account_pages(s, 1L << order);
	return slab;
}

static void discard_slab(struct kmem_cache *s, struct page *slab)
{
	unsigned int order = page_alloc_order(slab);

	ClearPageFlag(slab, PG_slab);
	slab->mapping = NULL;
	slab->private = 0;
	slab->index = 0;
	slab_account_pages(s, -(1L << order));
	__free_pages(slab, order);
}

/* Move @slab to the list its counts call for (node lock held). */
static void slab_relist(struct kmem_cache_node *n, struct page *slab, struct list_head *from)
{
	struct list_head *to = slab_list_for(n, slab);

	if (to == from)
		return;
	if (from)
		(*slab_list_count(n, from))--;
	(*slab_list_count(n, to))++;
	list_move(&slab->lru, to);
}

static void free_slab_list(struct kmem_cache *s, struct list_head *list)
{
	while (!list_empty(list)) {
		struct page *slab = list_first_entry(list, struct page, lru);

		list_del(&slab->lru);
		discard_slab(s, slab);
	}
}

/* Give @obj (at @base's slab) back to @slab; an emptied slab beyond the
 * node's quota goes to @discard. Node lock held. Only the transitions
 * (full to partial, to empty) touch the lists. */
static __always_inline void slab_put_object(struct kmem_cache *s, struct kmem_cache_node *n,
					    struct page *slab, char *base, void *obj,
					    struct list_head *discard)
{
	bool was_full = slab_inuse(slab) == slab_objects(slab);

	slab_push(s, slab, base, obj);
	n->free_objects++;
	if (likely(slab_inuse(slab))) {
		if (unlikely(was_full)) {
			n->nr_full--;
			n->nr_partial++;
			list_move(&slab->lru, &n->partial);
		}
		return;
	}
	(*slab_list_count(n, was_full ? &n->full : &n->partial))--;
	if (n->nr_free < s->min_partial) {
		n->nr_free++;
		list_move(&slab->lru, &n->free);
		return;
	}
	list_move(&slab->lru, discard);
	n->total_objects -= slab_objects(slab);
	n->free_objects -= slab_objects(slab);
}

/* An object on its way back to its slab: the slab and the slab's base,
 * from one address translation. */
static inline struct page *slab_locate(void *obj, char **base)
{
	unsigned long pfn = mm_virt_to_pfn(obj);
	struct page *slab = compound_head(pfn_to_page(pfn));

	*base = (char *)obj - slab_offset_of(slab, obj, pfn);
	return slab;
}

/* @obj straight back to its slab, under its node's lock (interrupts off). */
static void slab_free_to_node(struct kmem_cache *s, struct page *slab, void *obj)
{
	struct kmem_cache_node *n = &s->node[page_to_nid(slab)];
	struct list_head discard = LIST_HEAD_INIT(discard);
	char *base;

	slab_locate(obj, &base);
	mm_spin_lock(&n->list_lock);
	slab_put_object(s, n, slab, base, obj, &discard);
	mm_spin_unlock(&n->list_lock);
	free_slab_list(s, &discard);
}

/* Give back the oldest @nr objects of @ac to their slabs, one node lock
 * per run of objects of one node. Interrupts off. */
static void free_block(struct kmem_cache *s, struct array_cache *ac, unsigned int nr)
{
	struct list_head discard = LIST_HEAD_INIT(discard);
	struct kmem_cache_node *locked = NULL, *n = NULL;
	struct page *slab = NULL;
	char *base = NULL;
	uintptr_t bytes = 0;

	for (unsigned int i = 0; i < nr; i++) {
		void *obj = ac->entry[i];

		/* Objects freed together mostly share a slab: the last one's
		 * bounds answer without an address translation. */
		if ((uintptr_t)obj - (uintptr_t)base >= bytes) {
			slab = slab_locate(obj, &base);
			bytes = MM_PAGE_SIZE << page_alloc_order(slab);
			n = &s->node[page_to_nid(slab)];
		}
		if (n != locked) {
			if (locked)
				mm_spin_unlock(&locked->list_lock);
			mm_spin_lock(&n->list_lock);
			locked = n;
		}
		slab_put_object(s, n, slab, base, obj, &discard);
	}
	if (locked)
		mm_spin_unlock(&locked->list_lock);
	for (unsigned int i = nr; i < ac->avail; i++)
		ac->entry[i - nr] = ac->entry[i];
	ac->avail -= nr;
	free_slab_list(s, &discard);
}

void mm_cache_drain_local(struct kmem_cache *s)
{
	unsigned long flags = mm_irq_save();
	unsigned int cpu = mm_cpu_id();
	struct array_cache *ac = cpu < MM_MAX_CPUS ? s->cpu_cache[cpu] : NULL;

	if (ac && ac->avail)
		free_block(s, ac, ac->avail);
	mm_irq_restore(flags);
}

unsigned long mm_cache_free_empty_slabs(struct kmem_cache *s, unsigned long max_objects,
				     unsigned long *objects_freed)
{
	unsigned long pages = 0, objects = 0;

	for (int nid = 0; nid < MAX_NUMNODES && objects < max_objects; nid++) {
		struct kmem_cache_node *n = &s->node[nid];
		struct list_head discard = LIST_HEAD_INIT(discard);
		struct list_head *pos, *tmp;

		if (!n->nr_free)
			continue;
		mm_spin_lock(&n->list_lock);
		list_for_each_safe(pos, tmp, &n->free) {
			struct page *slab = list_entry(pos, struct page, lru);

			if (objects >= max_objects)
				break;
			list_move(&slab->lru, &discard);
			n->nr_free--;
			n->total_objects -= slab_objects(slab);
			n->free_objects -= slab_objects(slab);
			objects += slab_objects(slab);
			pages += 1UL << page_alloc_order(slab);
		}
		mm_spin_unlock(&n->list_lock);
		free_slab_list(s, &discard);
	}
	if (objects_freed)
		*objects_freed = objects;
	return pages;
}

/* Take up to @want objects from @slab into @ac (node lock held). */
static unsigned int slab_take(struct kmem_cache *s, struct kmem_cache_node *n, struct page *slab,
			      struct array_cache *ac, unsigned int want)
{
	struct list_head *from = slab_list_for(n, slab);
	char *base = slab_base(slab);
	unsigned int got = 0;

	while (got < want && slab->index) {
		ac->entry[ac->avail++] = slab_pop(s, slab, base);
		got++;
	}
	n->free_objects -= got;
	slab_relist(n, slab, from);
	return got;
}

/* Fill @ac with up to @want objects from @n's partial, then empty slabs. */
static unsigned int node_take(struct kmem_cache *s, struct kmem_cache_node *n,
			      struct array_cache *ac, unsigned int want)
{
	unsigned int got = 0;

	mm_spin_lock(&n->list_lock);
	while (got < want) {
		struct list_head *list = !list_empty(&n->partial) ? &n->partial
					 : !list_empty(&n->free)  ? &n->free
								  : NULL;

		if (!list)
			break;
		got += slab_take(s, n, list_first_entry(list, struct page, lru), ac, want - got);
	}
	mm_spin_unlock(&n->list_lock);
	return got;
}

/* A new slab onto its node's lists; up to @want of its objects into @ac. */
static void node_add_slab(struct kmem_cache *s, struct page *slab, struct array_cache *ac,
			  unsigned int want)
{
	struct kmem_cache_node *n = &s->node[page_to_nid(slab)];

	mm_spin_lock(&n->list_lock);
	n->total_objects += slab_objects(slab);
	n->free_objects += slab_objects(slab);
	n->nr_free++;
	list_add(&slab->lru, &n->free);
	if (want)
		slab_take(s, n, slab, ac, want);
	mm_spin_unlock(&n->list_lock);
}

/*
 * The running CPU's array is empty: refill it with a batch from the local
 * node's slabs, making a slab when there is none. Called with interrupts
 * off (@irqflags: the caller's state); enables them as the caller had them
 * while the page allocator runs, which may sleep for a sleeping @gfp.
 */
static void *cache_alloc_refill(struct kmem_cache *s, gfp_t gfp, unsigned long irqflags)
{
	struct array_cache *ac = s->cpu_cache[mm_cpu_id()];
	void *obj = NULL;

	s->alloc_slowpath++;
	for (;;) {
		struct page *slab;

		if (ac->avail || node_take(s, &s->node[ac->node], ac, ac->batchcount))
			break;
		mm_irq_restore(irqflags);
		slab = new_slab(s, gfp, ac->node);
		irqflags = mm_irq_save();
		ac = s->cpu_cache[mm_cpu_id()];
		if (!slab)
			break;
		/* An interrupt may have refilled the array meanwhile. */
		node_add_slab(s, slab, ac, ac->avail ? 0 : ac->batchcount);
	}
	if (ac->avail)
		obj = ac->entry[--ac->avail];
	mm_irq_restore(irqflags);
	return obj;
}

/* A debugged cache: every object checked under its node's lock. */
static void *slab_alloc_debug(struct kmem_cache *s, gfp_t gfp, void *caller)
{
	unsigned long flags = mm_irq_save();
	int node = mm_cpu_to_mem(mm_cpu_id());
	struct kmem_cache_node *n = &s->node[node];
	void *obj = NULL;

	for (;;) {
		struct page *slab;
		struct list_head *list;

		mm_spin_lock(&n->list_lock);
		list = !list_empty(&n->partial) ? &n->partial
		       : !list_empty(&n->free)	? &n->free
						: NULL;
		while (list && !obj) {
			slab = list_first_entry(list, struct page, lru);
			struct list_head *from = slab_list_for(n, slab);

			if (!slab->index) { /* counts disagree with the free list */
				mm_slab_report(SLAB_REPORT_FREELIST, s, slab_base(slab), 0, caller,
					    "slab %p on a list with free objects has none",
					    slab_base(slab));
				list_move(&slab->lru, &n->full);
				break;
			}
			obj = slab_pop(s, slab, slab_base(slab));
			n->free_objects--;
			slab_relist(n, slab, from);
			if (!mm_slab_debug_alloc(s, slab, obj, caller))
				obj = NULL; /* reported; left out of circulation */
			list = !list_empty(&n->partial) ? &n->partial
			       : !list_empty(&n->free)	? &n->free
							: NULL;
		}
		mm_spin_unlock(&n->list_lock);
		if (obj)
			break;
		mm_irq_restore(flags);
		slab = new_slab(s, gfp, node);
		flags = mm_irq_save();
		if (!slab)
			break;
		n = &s->node[page_to_nid(slab)];
		node_add_slab(s, slab, NULL, 0);
	}
	mm_irq_restore(flags);
	return obj;
}

static void slab_free_debug(struct kmem_cache *s, struct page *slab, void *obj, void *caller)
{
	struct kmem_cache_node *n = &s->node[page_to_nid(slab)];
	struct list_head discard = LIST_HEAD_INIT(discard);
	unsigned long flags = mm_irq_save();

	mm_spin_lock(&n->list_lock);
	if (mm_slab_debug_free(s, slab, obj, caller))
		slab_put_object(s, n, slab, slab_base(slab), obj, &discard);
	mm_spin_unlock(&n->list_lock);
	free_slab_list(s, &discard);
	mm_irq_restore(flags);
}

void mm_slab_free_slow(struct kmem_cache *s, struct page *slab, void *obj, void *caller)
{
	unsigned long flags = mm_irq_save();
	struct array_cache *ac = s->cpu_cache[mm_cpu_id()];

	if (!ac->limit) {
		mm_irq_restore(flags);
		slab_free_debug(s, slab, obj, caller);
		return;
	}
	if (page_to_nid(slab) != ac->node) {
		slab_free_to_node(s, slab, obj);
	} else if (ac->avail && ac->entry[ac->avail - 1] == obj) {
		/* The cheap double-free check: the same object twice in a row. */
		mm_irq_restore(flags);
		mm_slab_report(SLAB_REPORT_DOUBLE_FREE, s, obj, 0, caller, "double free of object %p",
			    obj);
		return;
	} else {
		if (ac->avail >= ac->limit) {
			/* Full: the older half goes back to the slabs. */
			s->free_slowpath++;
			free_block(s, ac, ac->batchcount);
		}
		ac->entry[ac->avail++] = obj;
	}
	mm_irq_restore(flags);
}

static void zero_object(struct kmem_cache *s, void *obj)
{
	uint64_t *w = obj;
	unsigned int words = s->object_size / 8, i;

	for (i = 0; i < words; i++)
		w[i] = 0;
	mm_memset((char *)obj + 8 * words, 0, s->object_size % 8);
}

void *mm_slab_alloc_slow(struct kmem_cache *s, gfp_t gfp, void *caller)
{
	unsigned long flags = mm_irq_save();
	struct array_cache *ac = s->cpu_cache[mm_cpu_id()];
	void *obj;

	if (ac->avail) {
		obj = ac->entry[--ac->avail];
		mm_irq_restore(flags);
	} else if (ac->limit) {
		obj = cache_alloc_refill(s, gfp, flags);
	} else {
		mm_irq_restore(flags);
		obj = slab_alloc_debug(s, gfp, caller);
	}
	if (unlikely(gfp & __GFP_ZERO) && obj)
		zero_object(s, obj);
	return obj;
}
