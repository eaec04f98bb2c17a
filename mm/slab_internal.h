/*
 * mm/slab_internal.h - what the slab files share: struct kmem_cache, the
 * per-CPU object arrays and per-node slab lists, and the slab's metadata
 * in its head struct page. Nobody outside mm/slab*.c includes it.
 *
 * A slab is one page-allocator block (__GFP_COMP, order chosen per cache)
 * cut into equal slots. Its head struct page carries the metadata, as in
 * Linux, so no byte of the slab is overhead:
 *   flags    PG_slab
 *   mapping  the cache (a struct whose first word is SLAB_CACHE_TAG, which
 *            no movable owner uses, so compaction passes slab pages by)
 *   lru      link on the node's partial, full or free list
 *   index    byte offset of the first free slot + 1 (0: none free)
 *   private  objects in use (low 16 bits), objects in the slab (high 16)
 * Free objects are chained through a pointer stored in the object at
 * cache->offset.
 *
 * Object layout (offsets from the object pointer the caller sees):
 *   [-red_left, 0)              left red zone      (SLAB_RED_ZONE)
 *   [0, object_size)            the object
 *   [object_size, rz_end)       right red zone     (SLAB_RED_ZONE)
 *   offset                      free pointer, inside the object unless a
 *                               constructor or poisoning needs it intact
 *   [track_off, +2 tracks)      last allocator, last freer (SLAB_STORE_USER)
 * and slot i of a slab starts at base + i * size.
 */
#ifndef MM_SLAB_INTERNAL_H
#define MM_SLAB_INTERNAL_H

#include "internal.h"
#include "list.h"
#include "numa.h"
#include "slab.h"
#include "spinlock.h"

#define SLAB_CACHE_TAG 0x42414c53u   /* "SLAB" */
#define SLAB_NODE_CANARY 0x534c4e44u /* "SLND" */

/* Linux's debug bytes. */
#define POISON_FREE 0x6b
#define POISON_END 0xa5
#define SLUB_RED_INACTIVE 0xbb
#define SLUB_RED_ACTIVE 0xcc

/* A CPU's cache of free objects of one kmem_cache, a stack: the fast
 * paths pop and push entry[avail - 1] with interrupts off, no lock. */
struct array_cache {
	unsigned int avail;	 /* objects in entry[] */
	unsigned int limit;	 /* at most this many (0: debugged cache, none) */
	unsigned int batchcount; /* moved to or from the slabs at a time */
	int node;		 /* this CPU's memory node */
	void *entry[];
};

/* The slabs of one cache on one node. All fields under list_lock. */
struct kmem_cache_node {
	mm_spinlock_t list_lock;
	uint32_t canary;
	struct list_head partial; /* some objects free */
	struct list_head full;	  /* none free */
	struct list_head free;	  /* all free (kept up to min_partial) */
	unsigned long nr_partial, nr_full, nr_free;
	unsigned long total_objects; /* in all slabs of the node */
	unsigned long free_objects;  /* on the slabs' free lists */
};

struct slab_track {
	void *addr; /* caller */
	unsigned int cpu;
	unsigned int valid;
};

struct kmem_cache {
	uint32_t tag; /* SLAB_CACHE_TAG: first, see above */
	slab_flags_t flags;
	unsigned int object_size; /* as created */
	unsigned int size;	  /* slot size: stride between objects */
	unsigned int align;
	unsigned int offset;   /* free pointer, from the object */
	unsigned int red_left; /* left red zone bytes */
	unsigned int rz_end;   /* end of the right red zone, from the object */
	unsigned int track_off;
	unsigned int order, min_order; /* slab orders: wanted, fallback */
	unsigned int objects;	       /* per slab at order */
	unsigned int min_partial;      /* empty slabs a node keeps */
	uint64_t reciprocal;	       /* ceil(2^64 / size): slot index by multiply */
	gfp_t allocflags;	       /* __GFP_COMP, mobility, zone */
	void (*ctor)(void *);
	struct list_head list; /* mm_slab_caches */
	size_t struct_bytes;   /* this struct and the arrays, for freeing */
	/* Statistics, updated under a node's list_lock (read racily). */
	unsigned long order_fallback; /* slabs made at min_order */
	unsigned long alloc_slowpath; /* refills from the slabs */
	unsigned long free_slowpath;  /* flushes to the slabs */
	struct array_cache *cpu_cache[MM_MAX_CPUS];
	struct kmem_cache_node node[MAX_NUMNODES];
	char name[32];
};

/* Every cache, newest last; guarded by slab_caches_lock. */
extern struct list_head mm_slab_caches;
extern mm_spinlock_t mm_slab_caches_lock;
/* Slab pages in use: [0] unreclaimable, [1] SLAB_RECLAIM_ACCOUNT. */
extern long mm_slab_nr_pages[2];

/* ---- the slab's metadata in its head page ---- */
#define SLAB_FREE_NONE 0u

static inline unsigned int slab_inuse(const struct page *slab)
{
	return slab->private & 0xffffu;
}
static inline unsigned int slab_objects(const struct page *slab)
{
	return slab->private >> 16;
}
static inline void slab_set_counts(struct page *slab, unsigned int inuse, unsigned int objects)
{
	slab->private = inuse | (objects << 16);
}
static inline void *slab_base(const struct page *slab)
{
	return page_address(slab);
}

/* The head page of the block @p lies in (compound or not). */
static inline struct page *slab_page_of(const void *p)
{
	return compound_head(virt_to_page(p));
}

static inline void **slab_freeptr(const struct kmem_cache *s, void *obj)
{
	return (void **)((char *)obj + s->offset);
}

/* The byte offset of @p in @slab, @p's pfn known: no address translation
 * (the direct map is linear over a block). */
static inline unsigned long slab_offset_of(const struct page *slab, const void *p,
					   unsigned long pfn)
{
	return ((pfn - page_to_pfn(slab)) << MM_PAGE_SHIFT) + ((uintptr_t)p & (MM_PAGE_SIZE - 1));
}

/* GCC's 128-bit integer, marked as an extension so -Wpedantic builds pass. */
__extension__ typedef unsigned __int128 mm_u128;

/* Is byte @off of @slab exactly an object's start? Its slot index in
 * *@idx. One multiply by the reciprocal instead of a division. */
static inline bool slab_off_index(const struct kmem_cache *s, const struct page *slab,
				  unsigned long off, unsigned int *idx)
{
	uint64_t o = (uint64_t)off - s->red_left;
	uint64_t i = (uint64_t)(((mm_u128)o * s->reciprocal) >> 64);

	*idx = (unsigned int)i;
	return i * s->size == o && i < slab_objects(slab);
}

static inline bool slab_obj_index(const struct kmem_cache *s, const struct page *slab,
				  const void *obj, unsigned int *idx)
{
	return slab_off_index(s, slab, (unsigned long)((uintptr_t)obj - (uintptr_t)slab_base(slab)),
			      idx);
}

/* Take the first free object of @slab, whose first byte is at @base
 * (node lock held). */
static inline void *slab_pop(struct kmem_cache *s, struct page *slab, char *base)
{
	char *obj = base + slab->index - 1;
	char *next = *slab_freeptr(s, obj);

	slab->index = next ? (uint32_t)(next - base) + 1 : SLAB_FREE_NONE;
	slab->private ++; /* inuse, the low half */
	return obj;
}

static inline void slab_push(struct kmem_cache *s, struct page *slab, char *base, void *obj)
{
	*slab_freeptr(s, obj) = slab->index ? base + slab->index - 1 : NULL;
	slab->index = (uint32_t)((char *)obj - base) + 1;
	slab->private --;
}

static inline struct list_head *slab_list_for(struct kmem_cache_node *n, const struct page *slab)
{
	unsigned int inuse = slab_inuse(slab);

	return !inuse ? &n->free : inuse == slab_objects(slab) ? &n->full : &n->partial;
}

static inline unsigned long *slab_list_count(struct kmem_cache_node *n, struct list_head *list)
{
	return list == &n->free ? &n->nr_free : list == &n->full ? &n->nr_full : &n->nr_partial;
}

static inline bool cache_debugged(const struct kmem_cache *s)
{
	return s->flags & SLAB_DEBUG_FLAGS;
}

/* Poisoning would undo a constructor's work: such caches skip it. */
static inline bool cache_poisons(const struct kmem_cache *s)
{
	return (s->flags & SLAB_POISON) && !s->ctor;
}

static inline unsigned int fls_u(unsigned long x)
{
	return x ? 64u - (unsigned int)__builtin_clzl(x) : 0;
}

/* ---- slab.c: the slow paths of kmalloc.c's fast paths ---- */
/* Everything but the fast paths' common case: an empty array (refill or
 * debugged cache), __GFP_ZERO; and on free a full array, an object of
 * another node, a debugged cache, the same object twice. */
void *mm_slab_alloc_slow(struct kmem_cache *s, gfp_t gfp, void *caller);
void mm_slab_free_slow(struct kmem_cache *s, struct page *slab, void *obj, void *caller);
/* Drain the running CPU's array of @s to the slabs (interrupts off). */
void mm_cache_drain_local(struct kmem_cache *s);
/* Free every empty slab of @s; returns pages freed. Interrupts off. */
unsigned long mm_cache_free_empty_slabs(struct kmem_cache *s, unsigned long max_objects,
				     unsigned long *objects_freed);

/* ---- slab_debug.c ---- */
extern slab_flags_t mm_slab_debug_default; /* slab_debug= without cache names */
/* The debug flags slab_debug= asked for @name. */
slab_flags_t mm_slab_debug_flags_for(const char *name);
/* A new slab of a debugged cache: red zones inactive, objects poisoned. */
void mm_slab_debug_init_slab(struct kmem_cache *s, struct page *slab);
/* Checks of an object leaving (alloc) or entering (free) the free list,
 * with the node lock held. false: reported; do not hand out / free it. */
bool mm_slab_debug_alloc(struct kmem_cache *s, struct page *slab, void *obj, void *caller);
bool mm_slab_debug_free(struct kmem_cache *s, struct page *slab, void *obj, void *caller);
/* Report @kind about @obj in one line, counted in slab_last_report. */
void mm_slab_report(enum slab_report_kind kind, const struct kmem_cache *s, const void *obj,
		 unsigned long offset, void *caller, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* The tracks of @obj (NULL without SLAB_STORE_USER). */
struct slab_track *mm_slab_tracks(const struct kmem_cache *s, void *obj);

#endif /* MM_SLAB_INTERNAL_H */
