/*
 * mm/lru.h - the LRU lists of reclaimable pages: an inactive and an active
 * list per zone, second chance through PG_referenced.
 *
 * Per zone rather than per node (Linux moved to per-node lruvecs in 4.8):
 * we have one node, and kswapd balances zone by zone up to each zone's high
 * watermark, so reclaim for a zone should scan only that zone's pages
 * instead of skipping over ineligible ones. The lruvecs live here, indexed
 * by zone, so struct zone needs no change.
 *
 * Page states: a page-cache page is on exactly one list (PG_lru set,
 * PG_active telling which) or isolated by reclaim (PG_lru clear, an extra
 * reference held by the isolator). List heads are the most recent end;
 * reclaim takes from the tail. The LRU holds no reference of its own: the
 * page cache's reference keeps a listed page allocated.
 *
 * Lock order: mapping->tree_lock and lruvec->lru_lock are never nested;
 * zone->lock is taken (by freeing) with neither held.
 */
#ifndef MM_LRU_H
#define MM_LRU_H

#include <stdbool.h>

#include "list.h"
#include "page.h"
#include "spinlock.h"
#include "zone.h"

/* PG_writeback is not in mm/page.h's enum: writeback is synchronous and
 * happens under PG_locked, so no bit is needed yet. A later asynchronous
 * block device would add PG_writeback = NR_PAGEFLAGS there. */

enum lru_list { LRU_INACTIVE_FILE, LRU_ACTIVE_FILE, NR_LRU_LISTS };

#define LRUVEC_CANARY 0x4c525556u /* "LRUV" */

struct lruvec {
	uint32_t canary;
	mm_spinlock_t lru_lock;
	struct list_head lists[NR_LRU_LISTS]; /* guarded by lru_lock */
	unsigned long nr_pages[NR_LRU_LISTS]; /* guarded by lru_lock, read locklessly */
	struct zone *zone;
};

/* One per zone of every node, by zone id (node << 2 | zone). */
#define NR_LRUVECS (MAX_NUMNODES << 2)
extern struct lruvec mm_zone_lruvecs[NR_LRUVECS];

static inline struct lruvec *zone_lruvec(struct zone *zone)
{
	return &mm_zone_lruvecs[((unsigned int)zone->node << 2) | (unsigned int)zone->zone_idx];
}

static inline struct lruvec *page_lruvec(const struct page *page)
{
	return &mm_zone_lruvecs[page_zoneid(page)];
}

static inline unsigned long lruvec_size(const struct lruvec *lv, enum lru_list lru)
{
	return __atomic_load_n(&lv->nr_pages[lru], __ATOMIC_RELAXED);
}

/* Pages reclaim could free from @zone (both lists), for kswapd and the
 * slowpath's should_reclaim_retry. Lockless. None without reclaim. */
#if MM_CONFIG_RECLAIM
unsigned long mm_zone_reclaimable_pages(struct zone *zone);
#else
static inline unsigned long mm_zone_reclaimable_pages(struct zone *zone)
{
	(void)zone;
	return 0;
}
#endif

/* Reset every lruvec to empty. Called once after mm_init() (and by host
 * tests after each fake boot). */
void mm_lru_init(void);

/* Put a new page-cache page on its zone's inactive list. The caller holds
 * a reference; the page must be on no list. */
void mm_lru_cache_add(struct page *page);

/* Record a use: inactive unreferenced -> referenced; inactive referenced
 * -> active (unreferenced); active -> referenced. Context: any. */
void mm_mark_page_accessed(struct page *page);

/* Take @page off its list if it is on one (truncation). Returns whether it
 * was. The caller holds a reference. */
bool mm_lru_del_page(struct page *page);

/* Move up to @nr_to_scan pages from the tail of @lru to @dst, clearing
 * PG_lru and taking a reference on each. Pages whose reference count is
 * already 0 (being freed) are skipped. *nr_scanned counts pages looked at.
 * Returns pages isolated. */
unsigned long mm_lru_isolate_pages(struct lruvec *lv, enum lru_list lru, unsigned long nr_to_scan,
				struct list_head *dst, unsigned long *nr_scanned);

/* Isolate one given page (in-place reclaim of a block): off its list,
 * inactive from now on, with a reference taken. Returns false when it is
 * on no list or being freed. */
bool mm_lru_isolate_page(struct page *page);

/* What the aligned 2^@order block at @pfn holds: one free buddy block
 * (BLOCK_FREE); only free pages (buddy or per-CPU) and LRU pages, of
 * which *@nr_lru (BLOCK_MAKEABLE: compaction could migrate them away or
 * reclaim drop them); or some page neither can move (BLOCK_PINNED).
 * Caller holds the zone's lock; LRU flags may still change. */
enum block_state { BLOCK_FREE, BLOCK_MAKEABLE, BLOCK_PINNED };
enum block_state mm_lru_block_state(unsigned long pfn, unsigned int order, unsigned long *nr_lru);

/* Give an isolated page back: to the head of the list PG_active says, and
 * drop the isolation reference. A page that left the page cache meanwhile
 * (mapping NULL) is not listed again. */
void mm_lru_putback_page(struct page *page);

/* Check every LRU list: each page is PG_lru, in the lruvec's zone, on the
 * list its PG_active names, referenced, owned by a mapping, and not free
 * (neither on a free or per-CPU list nor inside a free buddy block); the
 * counts match the lists. Prints one line per problem (up to a limit);
 * returns the number of problems. O(LRU pages). */
int mm_lru_check(void);

#endif /* MM_LRU_H */
