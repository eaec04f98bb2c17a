/*
 * mm/page.h - struct page, one per physical page frame, and the conversions
 * between a page, its frame number (pfn) and its direct-map address.
 *
 * The array of struct pages (mm_mem_map) covers every pfn from 0 to mm_max_pfn,
 * holes included (hole pages stay PG_reserved forever), so pfn_to_page is
 * one addition. 40 bytes per 4 KiB page: 10 MiB of struct pages per GiB.
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "list.h"

struct page {
	/* PG_* bits, the allocation order of a block's head page
	 * (PAGE_ORDER_SHIFT), the zone index (PAGE_ZONE_SHIFT) and the
	 * node (PAGE_NODE_SHIFT). */
	uint32_t flags;
	/* Users of the page. 1 for an allocated block's head page, 0 for
	 * free pages and for the other pages of an allocated block. */
	int32_t _refcount;
	/* Free list, per-CPU list or, once allocated, the owner's list (LRU).
	 * For a compound tail page, lru.next holds the head's address | 1. */
	struct list_head lru;
	/* Owner: address space or anon mapping of page-cache pages (later
	 * issues). Must be NULL when the page is freed. */
	void *mapping;
	uint32_t index; /* offset within mapping */
	/* Buddy order while PG_buddy; pageblock migratetype while PG_pcp;
	 * the owner's otherwise. */
	uint32_t private;
};

_Static_assert(sizeof(struct page) <= 64, "struct page must stay within Linux's 64 bytes");
_Static_assert(sizeof(struct page) == 40, "struct page grew: update BENCHMARKS.md's cost per GiB");

enum pageflags {
	PG_reserved, /* not managed by the buddy allocator (holes, boot data) */
	PG_buddy,    /* head of a free block on a free list; order in private */
	PG_pcp,	     /* on a per-CPU list */
	PG_head,     /* head of a compound (__GFP_COMP) block */
	PG_tail,     /* tail page of a compound block */
	PG_poisoned, /* contents were filled with PAGE_POISON when freed */
	PG_lru,	     /* on an LRU list (reclaim, later issues) */
	PG_locked,
	PG_dirty,
	PG_referenced,
	PG_active,
	PG_checked,	  /* scratch bit of the invariant checker */
	PG_slab,	  /* head of a slab (mm/slab.c): mapping is its kmem_cache */
	PG_large_kmalloc, /* head of a kmalloc too large for the slab caches */
	NR_PAGEFLAGS
};

#define PAGE_ORDER_SHIFT 16 /* allocation order of a block's head page */
#define PAGE_ORDER_MASK 0xfu
/* Zone and node side by side in the top five bits: together they are the
 * zone id (node << 2 | zone), one shift away (mm_zone_table, page_zone()). */
#define PAGE_ZONE_SHIFT 27
#define PAGE_ZONE_MASK 0x3u
#define PAGE_NODE_SHIFT 29
#define PAGE_NODE_MASK 0x7u
#define PAGE_ZONEID_SHIFT PAGE_ZONE_SHIFT
#define PAGE_ZONEID_MASK 0x1fu
#define PAGE_ZONEID_FLAGS (PAGE_ZONEID_MASK << PAGE_ZONEID_SHIFT)

extern struct page *mm_mem_map;  /* struct page of pfn 0 */
extern unsigned long mm_max_pfn; /* pfns [0, mm_max_pfn) have a struct page */

/*
 * page->flags is read by CPUs that do not own the page: the buddy merge
 * looks at a neighbour's PG_buddy, compaction's scanners at pages they
 * have not isolated, under locks the owner does not hold. Such readers see
 * an old or a new word, never a torn one, and decide again under the lock
 * that matters; so every access is a single relaxed atomic one (Linux's
 * READ_ONCE/WRITE_ONCE). Set and clear are atomic read-modify-writes
 * because two CPUs may change different flags of one page under different
 * locks (the page cache's PG_dirty under tree_lock, reclaim's PG_lru under
 * the LRU lock): a plain |= would lose one of the two.
 */
static inline uint32_t page_flags_read(const struct page *p)
{
	return __atomic_load_n(&p->flags, __ATOMIC_RELAXED);
}
/* A whole new word, by the page's only owner (allocation and free). */
static inline void page_flags_write(struct page *p, uint32_t flags)
{
	__atomic_store_n(&p->flags, flags, __ATOMIC_RELAXED);
}
static inline void page_flags_set(struct page *p, uint32_t mask)
{
	__atomic_fetch_or(&p->flags, mask, __ATOMIC_RELAXED);
}
static inline void page_flags_clear(struct page *p, uint32_t mask)
{
	__atomic_fetch_and(&p->flags, ~mask, __ATOMIC_RELAXED);
}
static inline bool PageFlag(const struct page *p, enum pageflags f)
{
	return page_flags_read(p) & (1u << f);
}
static inline void SetPageFlag(struct page *p, enum pageflags f)
{
	page_flags_set(p, 1u << f);
}
static inline void ClearPageFlag(struct page *p, enum pageflags f)
{
	page_flags_clear(p, 1u << f);
}

#define PageReserved(p) PageFlag(p, PG_reserved)
#define PageBuddy(p) PageFlag(p, PG_buddy)
#define PagePcp(p) PageFlag(p, PG_pcp)
#define PageHead(p) PageFlag(p, PG_head)
#define PageTail(p) PageFlag(p, PG_tail)
#define PageLRU(p) PageFlag(p, PG_lru)
#define PageSlab(p) PageFlag(p, PG_slab)

static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mm_mem_map);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return mm_mem_map + pfn;
}

/*
 * The pfn of a pointer that may not point at a struct page of the memory
 * map at all (a bad free): ~0UL unless @page is exactly the start of one,
 * below max_pfn. Exact division by sizeof(struct page) = odd * 2^k is a
 * multiplication by the odd part's inverse modulo 2^64 and a rotation by
 * k; when the byte offset is not a multiple of the size (or is "negative"),
 * the result lands above every possible pfn, so one compare checks range
 * and alignment together (Hacker's Delight, 10-17).
 */
#define PAGE_STRUCT_SHIFT ((unsigned int)__builtin_ctzl(sizeof(struct page)))
#define PAGE_STRUCT_ODD ((uint64_t)sizeof(struct page) >> PAGE_STRUCT_SHIFT)
/* Newton's iteration for the inverse modulo 2^64: x = d is right in 3 low
 * bits (d odd), and each step doubles that: 5 steps give 96 >= 64. */
#define __PAGE_INV_STEP(x) ((x) * (2 - PAGE_STRUCT_ODD * (x)))
#define PAGE_STRUCT_ODD_INV \
	__PAGE_INV_STEP(__PAGE_INV_STEP( \
		__PAGE_INV_STEP(__PAGE_INV_STEP(__PAGE_INV_STEP(PAGE_STRUCT_ODD)))))

static inline unsigned long page_to_pfn_checked(const struct page *page)
{
	const unsigned int k = PAGE_STRUCT_SHIFT;
	uint64_t q = (uint64_t)((uintptr_t)page - (uintptr_t)mm_mem_map) * PAGE_STRUCT_ODD_INV;

	q = k ? (q >> k) | (q << (64 - k)) : q;
	return q < mm_max_pfn ? (unsigned long)q : ~0UL;
}

static inline bool pfn_valid(unsigned long pfn)
{
	return mm_mem_map && pfn < mm_max_pfn;
}

static inline void *page_address(const struct page *page)
{
	return mm_pfn_to_virt(page_to_pfn(page));
}

static inline struct page *virt_to_page(const void *addr)
{
	return pfn_to_page(mm_virt_to_pfn(addr));
}

static inline unsigned int page_zonenum(const struct page *page)
{
	return (page_flags_read(page) >> PAGE_ZONE_SHIFT) & PAGE_ZONE_MASK;
}

static inline int page_to_nid(const struct page *page)
{
	return (int)((page_flags_read(page) >> PAGE_NODE_SHIFT) & PAGE_NODE_MASK);
}

/* Node and zone in one number (node << 2 | zone): equal for two pages of
 * the same zone of the same node. */
static inline unsigned int page_zoneid(const struct page *page)
{
	return (page_flags_read(page) >> PAGE_ZONEID_SHIFT) & PAGE_ZONEID_MASK;
}

/* Order recorded on an allocated block's head page (0 for single pages). */
static inline unsigned int page_alloc_order(const struct page *page)
{
	return (page_flags_read(page) >> PAGE_ORDER_SHIFT) & PAGE_ORDER_MASK;
}

static inline void set_page_alloc_order(struct page *page, unsigned int order)
{
	page_flags_write(page, (page_flags_read(page) & ~(PAGE_ORDER_MASK << PAGE_ORDER_SHIFT)) |
				       ((uint32_t)order << PAGE_ORDER_SHIFT));
}

static inline struct page *compound_head(struct page *page)
{
	uintptr_t h = (uintptr_t)page->lru.next;

	return PageTail(page) && (h & 1) ? (struct page *)(h - 1) : page;
}

/* page->mapping read by a CPU that may race with its owner clearing it
 * (a reference being dropped while reclaim removes the page from its file;
 * compaction's scanner). Relaxed: the value is only a test. */
static inline const void *page_mapping_peek(const struct page *page)
{
	return __atomic_load_n(&page->mapping, __ATOMIC_RELAXED);
}

/* page->private (a free block's order, a listed page's migratetype) is
 * read as a hint by compaction's scanner without zone->lock: stores are
 * relaxed atomic ones. */
static inline void set_page_private(struct page *page, uint32_t v)
{
	__atomic_store_n(&page->private, v, __ATOMIC_RELAXED);
}

/* A new count for a page nobody else holds. Relaxed atomic: compaction's
 * scanner reads counts of pages it does not own (page_ref_count). */
static inline void set_page_count(struct page *page, int v)
{
	__atomic_store_n(&page->_refcount, v, __ATOMIC_RELAXED);
}

static inline int page_ref_count(const struct page *page)
{
	return __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED);
}

static inline void get_page(struct page *page)
{
	__atomic_fetch_add(&page->_refcount, 1, __ATOMIC_RELAXED);
}

#endif /* MM_PAGE_H */
