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
#include "mm.h"

#define SLAB_DEBUG_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

/* kmalloc size classes: 8 .. 8192 bytes, the powers of two and 96, 192.
 * Larger requests are whole pages from the page allocator. */

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
int mm_slab_debug_setup(const char *arg);

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
extern struct slab_report mm_slab_last_report;

/* Register the slab shrinker again: kmem_cache_init does it once, and a
 * host program that resets reclaim later (mm_reclaim_init forgets every
 * shrinker) calls this after. Returns 0, or -1. */
int mm_slab_shrinker_register(void);

/* Slab pages now in use, SReclaimable and SUnreclaim in meminfo. */
unsigned long mm_slab_reclaimable_pages(void);
unsigned long mm_slab_unreclaimable_pages(void);

/* Printers in Linux's formats (mm_printk): /proc/slabinfo 2.1, and the
 * nr_slab_* lines of /proc/vmstat. */
void mm_print_slabinfo(void);
void mm_print_slab_vmstat(void);

/* Part of mm_check_invariants (which counts these problems too): walk
 * every cache's slabs and per-CPU objects, one line per problem; returns
 * how many. */
int mm_slab_check_invariants(void);

#endif /* MM_SLAB_H */
