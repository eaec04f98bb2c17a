/*
 * mm/mm.h - mm/'s public interface: what a kernel that embeds mm/ includes
 * to bring it up, allocate and free pages and objects, and report. It needs
 * only <stdbool.h>, <stddef.h> and <stdint.h> and defines no list, lock or
 * container macros, so it sits beside a kernel's own.
 *
 * Allocation keeps Linux's names and meanings (alloc_pages, __get_free_pages,
 * kmalloc, kmem_cache_alloc, ...); every other global of mm/ carries an mm_
 * prefix. What mm/ needs from its host is declared in mm/host.h; the
 * boot sequence and the porting layer are described in docs/embedding.md.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parts of this header follow mm/'s layers (mm/config.h): compile the
 * files that include it with the same -DMM_CONFIG_...=0 as mm/ itself.
 * An unset switch means the layer is in. */

#define MM_PAGE_SHIFT 12
#define MM_PAGE_SIZE (1UL << MM_PAGE_SHIFT)
#define MM_MAX_ORDER 11		       /* orders 0..10: blocks up to 4 MiB */
#define MM_PAGE_ALLOC_COSTLY_ORDER 3 /* above it, the slowpath gives up sooner */

/* ==== GFP flags: Linux's bit values and meanings ==== */

typedef unsigned int gfp_t;

/* Zone modifiers: where the pages may come from. */
#define __GFP_DMA 0x01u
#define __GFP_HIGHMEM 0x02u /* no highmem on x86_64: means Normal */
#define __GFP_DMA32 0x04u
#define __GFP_MOVABLE 0x08u	/* also a mobility hint (migratetype) */
#define __GFP_RECLAIMABLE 0x10u /* mobility hint: slab-like, reclaimable */
/* Watermark modifiers: how deep into the reserves the request may go. */
#define __GFP_HIGH 0x20u /* high priority: may use half of min */
#define __GFP_IO 0x40u
#define __GFP_FS 0x80u
#define __GFP_ZERO 0x100u	    /* return zeroed pages */
#define __GFP_ATOMIC 0x200u	    /* cannot sleep: a further quarter of min */
#define __GFP_DIRECT_RECLAIM 0x400u /* caller may sleep and reclaim */
#define __GFP_KSWAPD_RECLAIM 0x800u /* wake kswapd at the low watermark */
#define __GFP_WRITE 0x1000u
#define __GFP_NOWARN 0x2000u	    /* no failure warning */
#define __GFP_RETRY_MAYFAIL 0x4000u /* try hard, but may fail */
#define __GFP_NOFAIL 0x8000u	    /* retry forever */
#define __GFP_NORETRY 0x10000u	    /* fail rather than retry hard */
#define __GFP_MEMALLOC 0x20000u	    /* may ignore watermarks entirely */
#define __GFP_COMP 0x40000u	    /* compound page: head and tails */
#define __GFP_NOMEMALLOC 0x80000u   /* never use the emergency reserves */
#define __GFP_HARDWALL 0x100000u
#define __GFP_THISNODE 0x200000u
#define __GFP_ACCOUNT 0x400000u
#define __GFP_BITS_MASK 0x7fffffu

#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ZONEMASK (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define GFP_MOVABLE_MASK (__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT 3

#define GFP_ATOMIC (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM)
#define GFP_NOIO (__GFP_RECLAIM)
#define GFP_NOFS (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA (__GFP_DMA)
#define GFP_DMA32 (__GFP_DMA32)
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)


/* ==== Bringing mm/ up ==== */

/*
 * In order: tell memblock the RAM (mm_memblock_add per range, or
 * mm_memblock_init_from_memmap of mm/memblock.h with a sanitized firmware
 * map) and what of it is in use (mm_memblock_reserve: the kernel image,
 * boot data, page 0, firmware areas); allocate early memory if needed
 * (page tables for the direct map); then mm_init(). Ranges are physical
 * byte addresses; a range that overlaps or repeats another is merged.
 * Returns 0 or a negative error with a message.
 */
int mm_memblock_add(uint64_t base, uint64_t size);
int mm_memblock_reserve(uint64_t base, uint64_t size, const char *name);
/* @size bytes aligned to @align (a power of two) from free RAM, reserved
 * under @name; 0 when none is left. Before mm_init only. */
uint64_t mm_memblock_phys_alloc(uint64_t size, uint64_t align, const char *name);
/* Zones, the struct page array (40 bytes for every frame up to the top of
 * RAM, holes included), watermarks; every unreserved page to the buddy
 * allocator. 0, or -1 with a message. memblock is closed afterwards. */
int mm_init(void);
/* mm_init's first half, to call before it when struct pages are needed
 * while memblock is still open: zones and every struct page set up, all
 * reserved, no page free yet; reservations made afterwards still count.
 * mm_init() calls it itself otherwise. 0, or -1 with a message. */
int memmap_init(void);
/* After mm_init: give reserved memory back (an initrd once unpacked, init
 * sections), whole pages of [@start, @end) by direct-map address, each
 * filled with @poison unless it is negative. Every page is checked first;
 * a bad range frees nothing and says why. Returns the pages freed. */
unsigned long free_reserved_area(void *start, void *end, int poison, const char *s);

/*
 * Pages. A request without __GFP_DIRECT_RECLAIM (GFP_ATOMIC, GFP_NOWAIT)
 * never sleeps and may be made with interrupts off or from an interrupt
 * handler. One with it (GFP_KERNEL, GFP_NOFS, ...) may reclaim, compact
 * and yield through mm_cond_resched(): make it from a thread with no
 * spinlock held. A NULL/0 return means no memory (or an invalid request,
 * reported with a warning).
 *
 * With layers compiled out (mm/config.h): without reclaim there is no
 * direct reclaim, no kswapd and no OOM kill, so a request the free lists
 * cannot meet fails once other CPUs' per-CPU lists and the HIGHATOMIC
 * reserves are given back - except __GFP_NOFAIL, which takes the reserves
 * and otherwise keeps retrying until someone frees memory; without
 * compaction a high-order request that would need a block assembled fails.
 */
struct page; /* one per page frame; its layout is mm/'s (mm/page.h) */
struct zone;

/* 2^order contiguous pages, the head page's _refcount 1. */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
static inline struct page *alloc_page(gfp_t gfp)
{
	return alloc_pages(gfp, 0);
}
/* The same from node @nid's memory first (-1: the running CPU's
 * node), falling back to other nodes by distance unless @gfp has
 * __GFP_THISNODE. NULL, with a warning, for a node that does not exist. */
struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order);
/* Drop a reference; the block returns to the allocator when it was the
 * last. A bad free (already free, reserved, wrong order, misaligned, still
 * mapped) is reported as "BUG: Bad page state" and the block is leaked. */
void __free_pages(struct page *page, unsigned int order);
static inline void __free_page(struct page *page)
{
	__free_pages(page, 0);
}

/* The same by direct-map address (0 on failure). */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
unsigned long get_free_page(gfp_t gfp);
#define __get_free_page(gfp) get_free_page(gfp)
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages((addr), 0)

/* @size bytes rounded up to pages, physically contiguous, without the
 * power-of-two waste: the unused tail of the block is freed at once. */
void *alloc_pages_exact(size_t size, gfp_t gfp);
void free_pages_exact(void *virt, size_t size);

/* Turn an allocated order-@order block into 2^order order-0 pages, each
 * with its own reference (not for __GFP_COMP blocks). */
void split_page(struct page *page, unsigned int order);

/* Free pages in the buddy free lists (per-CPU lists not counted). */
unsigned long nr_free_pages(void);

/* Give back what the per-CPU lists hold, for @zone or (NULL) every zone:
 * on the running CPU only, or on every CPU. Call drain_all_pages before
 * comparing free counts: nr_free_pages does not count the lists. */
void drain_local_pages(struct zone *zone);
void drain_all_pages(struct zone *zone);

/* Frame number, direct-map address and struct page of one another, for
 * code that sees struct page only through this header (mm/page.h has
 * inline forms for mm/ itself). */
unsigned long mm_page_to_pfn(const struct page *page);
struct page *mm_pfn_to_page(unsigned long pfn);
void *mm_page_address(const struct page *page);
struct page *mm_virt_to_page(const void *addr);

/* Smallest order holding @size bytes. */
static inline unsigned int get_order(size_t size)
{
	unsigned int order = 0;

	size = (size - 1) >> MM_PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}


#if !defined(MM_CONFIG_SLAB) || MM_CONFIG_SLAB
/* ==== Objects: the slab allocator ==== */

typedef unsigned int slab_flags_t;
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
#define KMALLOC_MIN_SIZE 8
#define KMALLOC_MAX_CACHE_SIZE 8192
/* The largest kmalloc: the page allocator's largest block. */
#define KMALLOC_MAX_SIZE ((size_t)MM_PAGE_SIZE << (MM_MAX_ORDER - 1))

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
unsigned long mm_kmem_cache_shrink_all(void);

/* The object size @s was created with, and its name. */
unsigned int kmem_cache_size(const struct kmem_cache *s);
const char *mm_kmem_cache_name(const struct kmem_cache *s);

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
#endif /* MM_CONFIG_SLAB */

/* ==== Background reclaim and compaction, shrinkers ==== */

#if !defined(MM_CONFIG_RECLAIM) || MM_CONFIG_RECLAIM
/* Once the host's threads run: kswapd per node (0, or -1 without threads;
 * mm/ then reclaims only in the allocating thread). */
int kswapd_run(void);
/* Caches of the embedder's own give memory back under pressure through a
 * struct shrinker (its callbacks and fields: mm/shrinker.h). */
struct shrinker;
int register_shrinker(struct shrinker *s);
void unregister_shrinker(struct shrinker *s);
#endif
#if !defined(MM_CONFIG_COMPACTION) || MM_CONFIG_COMPACTION
/* kcompactd per node, as kswapd_run. */
int kcompactd_run(void);
#endif

/* ==== Reports, in Linux's /proc formats, through mm_printk ==== */

void mm_print_zone_summary(void); /* per zone at boot: start_pfn, spanned, present, managed */
void mm_print_buddyinfo(void);	   /* /proc/buddyinfo */
void mm_print_zoneinfo(void);	   /* /proc/zoneinfo */
void mm_print_pagetypeinfo(void);  /* /proc/pagetypeinfo */
void mm_print_vmstat(void);	   /* /proc/vmstat: "name value" lines */
#if !defined(MM_CONFIG_SLAB) || MM_CONFIG_SLAB
void mm_print_slabinfo(void); /* /proc/slabinfo */
#endif
/* Check every page, free list and counter; print each problem found and
 * return their number (0: consistent). Slow: for tests and debugging. */
int mm_check_invariants(void);
/* mm/'s own KTAP self-tests (the buddy, poison and zones suites), printed
 * through mm_printk in KUnit's nested shape. Returns the failed cases. */
int mm_run_selftests(void);

#endif /* MM_MM_H */
