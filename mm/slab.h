/*
 * mm/slab.h - the object allocator on top of the page allocator: caches of
 * equal-sized objects (kmem_cache_*) and general-purpose kmalloc, with
 * Linux's names and meaning so that code written for Linux carries over.
 *
 * Guarantees (what callers may rely on):
 * - Alignment: every object is aligned to at least 8 bytes. kmalloc of a
 *   power-of-two size up to 4096 is aligned to that size (Linux >= 5.4
 *   promises the same); 96 and 192 byte objects to 32 and 64. A cache
 *   created with @align gets at least that (a power of two), and with
 *   SLAB_HWCACHE_ALIGN cache-line (64 byte) alignment for objects above
 *   half a line. Debug options never weaken these.
 * - Context: allocation with a gfp that lacks __GFP_DIRECT_RECLAIM never
 *   sleeps (interrupt handlers use GFP_ATOMIC); with it, reclaim and
 *   compaction may run to find pages for a new slab. kfree and
 *   kmem_cache_free never sleep, from any context, on any CPU.
 * - Failure returns NULL. Misuse (bad size, bad flags, bad free) is
 *   reported with one "BUG <cache>: ..." or "kmalloc: ..." line.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <stdbool.h>
#include <stddef.h>

#include "gfp.h"

typedef unsigned int slab_flags_t;

/* Linux's bit values. */
#define SLAB_CONSISTENCY_CHECKS 0x00000100u /* debug: check slabs on every operation */
#define SLAB_RED_ZONE 0x00000400u	    /* debug: guard bytes on both sides of objects */
#define SLAB_POISON 0x00000800u		    /* debug: fill free objects with 0x6b..0xa5 */
#define SLAB_HWCACHE_ALIGN 0x00002000u	    /* align objects to a cache line */
#define SLAB_CACHE_DMA 0x00004000u	    /* slabs from ZONE_DMA */
#define SLAB_CACHE_DMA32 0x00008000u	    /* slabs from ZONE_DMA32 */
#define SLAB_STORE_USER 0x00010000u	    /* debug: remember last allocator and freer */
#define SLAB_RECLAIM_ACCOUNT 0x00020000u    /* objects are reclaimable (a shrinker frees them) */
#define SLAB_PANIC 0x00040000u		    /* kmem_cache_create panics on failure */
#define SLAB_ACCOUNT 0x04000000u	    /* accepted; there is no memcg to charge */
#define SLAB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

/* kmalloc size classes: 8 .. 8192 bytes, the powers of two and 96, 192.
 * Larger requests are whole pages from the page allocator. */
#define KMALLOC_MIN_SIZE 8
#define KMALLOC_MAX_CACHE_SIZE 8192
/* The largest kmalloc: the page allocator's largest block. */
#define KMALLOC_MAX_SIZE ((size_t)MM_PAGE_SIZE << (MAX_ORDER - 1))

/* kmalloc(0) returns this: not NULL (the call worked) but faults when
 * used. kfree and ksize accept it. */
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(p) ((unsigned long)(p) <= (unsigned long)ZERO_SIZE_PTR)

struct kmem_cache;

/*
 * Boot: set up the kmalloc caches and register the slab shrinker. Call once
 * after mm_init() and mm_reclaim_init() (host programs: after every fake
 * boot; previous caches are forgotten, not freed). Returns 0 or -1.
 */
int kmem_cache_init(void);

/*
 * A cache of @size-byte objects named @name (copied; at most 31
 * characters kept), aligned to @align (0 or a power of two up to 4096),
 * @flags SLAB_*, @ctor run once on each object when its slab is made
 * (objects must go back to the cache in their constructed state). NULL,
 * with a message, for size 0 or above 4 MiB, a bad alignment or unknown
 * flags (SLAB_PANIC: panic instead). Context: thread; may sleep.
 */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     slab_flags_t flags, void (*ctor)(void *));

/*
 * Destroy @s: every object must have been freed. Otherwise nothing is
 * destroyed, "kmem_cache_destroy <name>: Slab cache still has objects" is
 * printed with one line per leaked object (address, and allocator when
 * SLAB_STORE_USER), and -MM_EBUSY returned. 0 when destroyed. Context:
 * thread; no object of @s may be allocated or freed meanwhile.
 */
int kmem_cache_destroy(struct kmem_cache *s);

/* An object of @s, or NULL. __GFP_ZERO zeroes it (refused, NULL, for a
 * cache with a constructor). */
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp);
/* Give @obj back to @s (NULL: nothing). A pointer that is not an object
 * of @s is reported and ignored. */
void kmem_cache_free(struct kmem_cache *s, void *obj);

/*
 * Give back what @s keeps for speed: every CPU's cached objects and every
 * empty slab. Returns the pages freed. Context: thread (calls every CPU).
 */
unsigned long kmem_cache_shrink(struct kmem_cache *s);

/* kmem_cache_shrink for every cache (Linux's drop_caches=2 for slabs). */
unsigned long kmem_cache_shrink_all(void);

/* The object size @s was created with, and its name. */
unsigned int kmem_cache_size(const struct kmem_cache *s);
const char *kmem_cache_name(const struct kmem_cache *s);

/* @size bytes (see the alignment guarantees above); NULL when @size is
 * above KMALLOC_MAX_SIZE or memory is short. __GFP_DMA/__GFP_DMA32 are
 * refused (create a cache with SLAB_CACHE_DMA instead); __GFP_RECLAIMABLE
 * selects the kmalloc-rcl-* caches. */
void *kmalloc(size_t size, gfp_t gfp);
static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}
/* An array of @n elements of @size bytes; NULL when n * size overflows. */
void *kmalloc_array(size_t n, size_t size, gfp_t gfp);
static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kmalloc_array(n, size, gfp | __GFP_ZERO);
}
/*
 * Resize @p to @new_size, keeping the content up to the smaller size. @p
 * NULL: kmalloc. @new_size 0: kfree, and ZERO_SIZE_PTR returned. Returns
 * @p itself when it is already large enough; NULL (and @p untouched) when
 * there is no memory. __GFP_ZERO zeroes the bytes past the old size.
 */
void *krealloc(const void *p, size_t new_size, gfp_t gfp);
/* Free a kmalloc'ed (or kmem_cache_alloc'ed) @p; NULL and ZERO_SIZE_PTR
 * are ignored. A bad pointer is reported and ignored. */
void kfree(const void *p);
/* The usable size of the object @p points at (>= what was asked). */
size_t ksize(const void *p);

/*
 * Debugging, per cache (SLAB_DEBUG_FLAGS at create) or for many caches at
 * once by the boot option slab_debug=<letters>[,<cache>,...], Linux's
 * letters: F consistency checks, Z red zones, P poisoning, U last
 * allocator and freer, - none; without letters: all four. Without cache
 * names it applies to every cache created afterwards (so, given before
 * kmem_cache_init, to the kmalloc caches too). Returns 0, or -MM_EINVAL
 * with a message; a second call replaces the first. Debugged caches keep no per-CPU objects: every
 * operation is checked under the node lock.
 */
int slab_debug_setup(const char *arg);

/* The last debug report, for tests that cannot read the console. */
enum slab_report_kind {
	SLAB_REPORT_NONE,
	SLAB_REPORT_INVALID_FREE, /* not an object of any slab cache */
	SLAB_REPORT_MID_OBJECT,	  /* into the middle of an object */
	SLAB_REPORT_WRONG_CACHE,  /* kmem_cache_free to another cache */
	SLAB_REPORT_DOUBLE_FREE,  /* object already free */
	SLAB_REPORT_REDZONE,	  /* a red zone byte overwritten */
	SLAB_REPORT_POISON,	  /* a free object written after its free */
	SLAB_REPORT_FREELIST,	  /* a slab's free list or counters corrupt */
	SLAB_REPORT_LEAK,	  /* kmem_cache_destroy with live objects */
	SLAB_REPORT_BAD_REQUEST,  /* bad size, flags or gfp */
};
struct slab_report {
	enum slab_report_kind kind;
	const char *cache;    /* the cache's name, or "slab" */
	const void *object;   /* the object (or pointer) concerned */
	unsigned long offset; /* byte of the object found wrong, if any */
	void *caller;	      /* who made the bad call */
	void *alloc_caller;   /* last allocator, freer (SLAB_STORE_USER), or NULL */
	void *free_caller;
	unsigned long count; /* reports so far */
};
extern struct slab_report slab_last_report;

/* Register the slab shrinker again: kmem_cache_init does it once, and a
 * host program that resets reclaim later (mm_reclaim_init forgets every
 * shrinker) calls this after. Returns 0, or -1. */
int slab_shrinker_register(void);

/* Slab pages now in use, SReclaimable and SUnreclaim in meminfo. */
unsigned long slab_reclaimable_pages(void);
unsigned long slab_unreclaimable_pages(void);

/* Printers in Linux's formats (mm_printk): /proc/slabinfo 2.1, and the
 * nr_slab_* lines of /proc/vmstat. */
void mm_print_slabinfo(void);
void mm_print_slab_vmstat(void);

/* Part of mm_check_invariants (which counts these problems too): walk
 * every cache's slabs and per-CPU objects, one line per problem; returns
 * how many. */
int slab_check_invariants(void);

#endif /* MM_SLAB_H */
