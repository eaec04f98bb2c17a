/*
 * mm/filemap.h - the page cache: pages of files, each file identified by an
 * id and backed by a range of blocks on a block device, found by index in a
 * per-file radix tree and kept on the LRU lists so reclaim can drop them.
 *
 * References: the cache holds one on every page it indexes; lookups hand
 * out one more (give it back with mm_filemap_put_page). Reclaim may drop a
 * page only when the cache's and its own isolation reference are the only
 * ones. Dirty pages are written to their block before they are dropped.
 *
 * Radix-tree nodes come from pages of the page allocator, several nodes
 * to a page; a page of nodes goes back when its last node is freed.
 */
#ifndef MM_FILEMAP_H
#define MM_FILEMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "blockdev.h"
#include "config.h"
#include "gfp.h"
#include "page.h"
#include "spinlock.h"

#define PC_MAP_SHIFT 6
#define PC_MAP_SIZE (1u << PC_MAP_SHIFT)
#define PC_MAX_HEIGHT 6 /* 36 bits of index: enough for page->index (32) */

struct pc_node {
	struct pc_node *parent;
	uint16_t count; /* non-NULL slots */
	uint8_t shift;	/* index bits below each slot: 0 in a leaf */
	uint8_t offset; /* slot in the parent */
	uint32_t pad;
	void *slots[PC_MAP_SIZE]; /* pages in a leaf, nodes above */
};

#define MAPPING_CANARY 0x46494c45u /* "FILE" */

struct address_space {
	uint32_t canary;
	uint64_t id;
	struct block_device *bdev;
	uint64_t first_block; /* index i lives in block first_block + i */
	uint64_t nr_pages;    /* file size in pages */
	gfp_t gfp;	      /* for its pages */
	mm_spinlock_t tree_lock;
	/* Guarded by tree_lock. */
	struct pc_node *root; /* NULL when nothing is cached */
	unsigned int height;  /* levels below and including root */
	unsigned long nrpages;
	unsigned long nrdirty;
	/* Statistics (reads/writes of this file's blocks): atomic increments,
	 * as readers on several CPUs and reclaim count them at once. */
	unsigned long nr_reads, nr_writes;
	int wb_err; /* last writeback error, 0 if none */
};

#if MM_CONFIG_PAGECACHE
/* Page cache of @nr_pages pages at blocks [@first_block, +@nr_pages) of
 * @bdev, identified by @id. @gfp for its pages: 0 means
 * GFP_HIGHUSER_MOVABLE. Returns 0, or -MM_EINVAL (range outside the
 * device, too large for a 32-bit index, NULL device). */
int mm_filemap_init(struct address_space *m, uint64_t id, struct block_device *bdev,
		 uint64_t first_block, uint64_t nr_pages, gfp_t gfp);

/* The cached page at @index with a reference, or NULL. Does not read. */
struct page *mm_find_get_page(struct address_space *m, uint64_t index);

/* The page at @index with a reference, read from the device on a miss.
 * Marks it accessed. NULL with *err = -MM_ENOMEM, -MM_EIO or -MM_EINVAL. */
struct page *mm_filemap_get_page(struct address_space *m, uint64_t index, int *err);

/* Give back a reference from find_get_page/filemap_get_page. */
void mm_filemap_put_page(struct page *page);

/* Tests only: called in every insertion between reserving radix nodes and
 * using them, to play another CPU's work at that point (NULL: nothing). */
extern void (*mm_filemap_preload_hook)(void);

/* Copy the page at @index to @buf (MM_PAGE_SIZE bytes), reading on a miss. */
int mm_filemap_read(struct address_space *m, uint64_t index, void *buf);

/* Replace the whole page at @index with @buf and mark it dirty: no read
 * from the device even on a miss (a full overwrite). */
int mm_filemap_write(struct address_space *m, uint64_t index, const void *buf);

/* Mark a cached page dirty (caller holds a reference). */
void mm_filemap_set_page_dirty(struct page *page);

/* Write @page to its block if dirty and clear the dirty bit (caller holds
 * a reference). Returns 0 or the device's error (the page stays dirty). */
int mm_filemap_writepage(struct page *page);

/* Write back every dirty page of @m (fsync). Returns 0 or the first error. */
int mm_filemap_sync(struct address_space *m);

/* Drop every page of @m that nobody else references; dirty pages are
 * written first unless @discard. Returns pages dropped. (@discard true on
 * a file nobody uses: truncation; tests tear down with it.) */
unsigned long mm_filemap_evict(struct address_space *m, bool discard);

/* For reclaim: @page is isolated (the caller holds one reference besides
 * the cache's) and clean. Remove it from its mapping if nobody else holds
 * it; on success the cache's reference is gone and the page's mapping is
 * NULL, so the caller's put frees it. */
bool mm_filemap_remove_page(struct page *page);

/* Totals over all files: pages cached, dirty, and pages holding tree nodes. */
unsigned long mm_filemap_nr_pages(void);
unsigned long mm_filemap_nr_dirty(void);
unsigned long mm_filemap_nr_node_pages(void);

/* Give back node pages none of whose nodes is in use (the preload reserve
 * keeps up to one such page). */
void mm_filemap_drain_node_pool(void);

/* Forget the node pool (boot, and host tests after each fake boot). */
void mm_filemap_init_global(void);

/* For migration (mm/filemap_migrate.c): put @dst in @src's place
 * in its file's index, with @src's content, index and dirty/referenced/
 * active state; @dst's reference becomes the cache's, @src loses the
 * cache's reference and its mapping. Only when the cache's and the
 * caller's isolation reference are the only ones on @src and it is not
 * being written back; otherwise nothing changes and false is returned. */
bool mm_filemap_replace_page(struct page *src, struct page *dst);

#else /* !MM_CONFIG_PAGECACHE: what reclaim asks of a cache that is not there */

static inline bool mm_filemap_remove_page(struct page *page)
{
	(void)page;
	return false;
}
static inline int mm_filemap_writepage(struct page *page)
{
	(void)page;
	return 0;
}
static inline unsigned long mm_filemap_nr_pages(void)
{
	return 0;
}
static inline unsigned long mm_filemap_nr_dirty(void)
{
	return 0;
}
static inline unsigned long mm_filemap_nr_node_pages(void)
{
	return 0;
}
static inline void mm_filemap_drain_node_pool(void)
{
}
static inline void mm_filemap_init_global(void)
{
}
#endif /* MM_CONFIG_PAGECACHE */

#endif /* MM_FILEMAP_H */
