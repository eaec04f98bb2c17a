/*
 * mm/filemap.c - the page cache: a radix tree of pages per file, its node
 * pool, reads on a miss and writeback through the block device, and the
 * removal reclaim uses.
 *
 * A page enters the cache unreferenced and inactive: the access that
 * brought it in is the insertion itself. Every later hit calls
 * mm_mark_page_accessed(), so a page used again earns its second chance and a
 * page used twice more the active list.
 */
#include "filemap.h"

#include "list.h"
#include "lru.h"
#include "util.h"
#include "vmscan.h"
#include "zone.h"

/* ---- totals ---- */

static unsigned long nr_file_pages, nr_file_dirty, nr_node_pages;

static void stat_add(unsigned long *v, long d)
{
	__atomic_fetch_add(v, (unsigned long)d, __ATOMIC_RELAXED);
}

unsigned long mm_filemap_nr_pages(void)
{
	return __atomic_load_n(&nr_file_pages, __ATOMIC_RELAXED);
}
unsigned long mm_filemap_nr_dirty(void)
{
	return __atomic_load_n(&nr_file_dirty, __ATOMIC_RELAXED);
}
unsigned long mm_filemap_nr_node_pages(void)
{
	return __atomic_load_n(&nr_node_pages, __ATOMIC_RELAXED);
}

/* ---- allocation ---- */

/* The allocator's slowpath reclaims (and drains per-CPU lists) by itself;
 * a failure here is a real shortage, reported by the caller as -MM_ENOMEM. */
static struct page *pagecache_alloc(gfp_t gfp)
{
	return alloc_pages(gfp | __GFP_NOWARN, 0);
}

/* ---- node pool ---- */

#define NODES_PER_PAGE (MM_PAGE_SIZE / sizeof(struct pc_node))
_Static_assert(NODES_PER_PAGE >= 2, "radix node too large");

static mm_spinlock_t pool_lock = MM_SPINLOCK_INIT;
static struct list_head pool_free = LIST_HEAD_INIT(pool_free); /* free nodes */
static unsigned long pool_nr_free;
/* Nodes promised to insertions between their preload and their insert
 * (PC_MAX_HEIGHT each). A page of the pool whose nodes are all free goes
 * back to the allocator only while the rest still covers the promises:
 * otherwise reclaim on another CPU, freeing the last used node of that
 * page, would take away nodes a preload counted on (seen: -ENOMEM from
 * add_to_page_cache with four kswapds on a 32 MiB NUMA machine). */
static unsigned long pool_reserved;

/* Can a page's worth of free nodes leave the pool? pool_lock held. */
static bool pool_can_release(void)
{
	return (long)(pool_nr_free - NODES_PER_PAGE) >= (long)pool_reserved;
}

void mm_filemap_init_global(void)
{
	mm_spin_lock_init(&pool_lock);
	INIT_LIST_HEAD(&pool_free);
	pool_nr_free = 0;
	pool_reserved = 0;
	nr_file_pages = nr_file_dirty = nr_node_pages = 0;
}

static struct list_head *node_link(struct pc_node *n)
{
	return (struct list_head *)(void *)n; /* a free node's first bytes */
}

/* Reserve PC_MAX_HEIGHT free nodes for one insertion, so that it never
 * allocates under the tree lock (allocation may reclaim, and reclaim takes
 * tree locks); pool_unreserve() after the insertion. */
static int pool_preload(gfp_t gfp)
{
	gfp_t ngfp = (gfp & (__GFP_RECLAIM | __GFP_IO | __GFP_FS)) | __GFP_RECLAIMABLE;

	for (;;) {
		unsigned long flags = mm_spin_lock_irqsave(&pool_lock);
		struct pc_node *nodes;
		struct page *page;

		if ((long)(pool_nr_free - pool_reserved) >= PC_MAX_HEIGHT) {
			pool_reserved += PC_MAX_HEIGHT;
			mm_spin_unlock_irqrestore(&pool_lock, flags);
			return 0;
		}
		mm_spin_unlock_irqrestore(&pool_lock, flags);
		page = pagecache_alloc(ngfp);
		if (!page)
			return -MM_ENOMEM;
		set_page_private(page, 0); /* nodes in use */
		nodes = page_address(page);
		flags = mm_spin_lock_irqsave(&pool_lock);
		for (unsigned long i = 0; i < NODES_PER_PAGE; i++)
			list_add_tail(node_link(&nodes[i]), &pool_free);
		pool_nr_free += NODES_PER_PAGE;
		mm_spin_unlock_irqrestore(&pool_lock, flags);
		stat_add(&nr_node_pages, 1);
	}
}

/* The insertion is done (or failed): its promise no longer holds nodes. */
static void pool_unreserve(void)
{
	unsigned long flags = mm_spin_lock_irqsave(&pool_lock);

	pool_reserved -= PC_MAX_HEIGHT;
	mm_spin_unlock_irqrestore(&pool_lock, flags);
}

static struct pc_node *node_alloc(unsigned int shift)
{
	unsigned long flags = mm_spin_lock_irqsave(&pool_lock);
	struct pc_node *n = NULL;

	if (!list_empty(&pool_free)) {
		struct list_head *l = pool_free.next;

		list_del(l);
		pool_nr_free--;
		n = (struct pc_node *)(void *)l;
		set_page_private(virt_to_page(n), virt_to_page(n)->private + 1);
	}
	mm_spin_unlock_irqrestore(&pool_lock, flags);
	if (n) {
		mm_memset(n, 0, sizeof(*n));
		n->shift = (uint8_t)shift;
	}
	return n;
}

/* A page whose nodes are all free is taken out of the pool and queued on
 * @to_free (freed by the caller once no lock is held). */
static void node_free(struct pc_node *n, struct list_head *to_free)
{
	struct page *page = virt_to_page(n);
	unsigned long flags = mm_spin_lock_irqsave(&pool_lock);

	list_add(node_link(n), &pool_free);
	pool_nr_free++;
	set_page_private(page, page->private - 1);
	if (page->private == 0 && pool_can_release()) {
		struct pc_node *nodes = page_address(page);

		for (unsigned long i = 0; i < NODES_PER_PAGE; i++)
			list_del(node_link(&nodes[i]));
		pool_nr_free -= NODES_PER_PAGE;
		list_add(&page->lru, to_free);
	}
	mm_spin_unlock_irqrestore(&pool_lock, flags);
}

static void free_node_pages(struct list_head *to_free)
{
	while (!list_empty(to_free)) {
		struct page *page = list_first_entry(to_free, struct page, lru);

		list_del(&page->lru);
		set_page_private(page, 0);
		__free_page(page);
		stat_add(&nr_node_pages, -1);
	}
}

void mm_filemap_drain_node_pool(void)
{
	struct list_head to_free, *pos;
	unsigned long flags;

	INIT_LIST_HEAD(&to_free);
	flags = mm_spin_lock_irqsave(&pool_lock);
restart: /* the pool is a few pages: restarting after each unlink is fine */
	list_for_each(pos, &pool_free) {
		struct page *page = virt_to_page(pos);
		struct pc_node *nodes = page_address(page);

		if (page->private || !pool_can_release())
			continue;
		for (unsigned long i = 0; i < NODES_PER_PAGE; i++)
			list_del(node_link(&nodes[i]));
		pool_nr_free -= NODES_PER_PAGE;
		list_add(&page->lru, &to_free);
		goto restart;
	}
	mm_spin_unlock_irqrestore(&pool_lock, flags);
	free_node_pages(&to_free);
}

/* ---- the radix tree (tree_lock held) ---- */

static uint64_t height_max_index(unsigned int height)
{
	return height >= PC_MAX_HEIGHT ? UINT64_MAX >> (64 - PC_MAX_HEIGHT * PC_MAP_SHIFT)
				       : (1ull << (height * PC_MAP_SHIFT)) - 1;
}

static struct page *pc_lookup(struct address_space *m, uint64_t index)
{
	struct pc_node *n = m->root;

	if (!n || index > height_max_index(m->height))
		return NULL;
	for (;;) {
		void *s = n->slots[(index >> n->shift) & (PC_MAP_SIZE - 1)];

		if (!s || n->shift == 0)
			return s;
		n = s;
	}
}

static int pc_insert(struct address_space *m, uint64_t index, struct page *page)
{
	struct pc_node *n;

	if (!m->root) {
		unsigned int h = 1;

		while (index > height_max_index(h))
			h++;
		if (!(m->root = node_alloc((h - 1) * PC_MAP_SHIFT)))
			return -MM_ENOMEM;
		m->height = h;
	}
	while (index > height_max_index(m->height)) {
		struct pc_node *top = node_alloc(m->root->shift + PC_MAP_SHIFT);

		if (!top)
			return -MM_ENOMEM;
		top->slots[0] = m->root;
		top->count = 1;
		m->root->parent = top;
		m->root->offset = 0;
		m->root = top;
		m->height++;
	}
	n = m->root;
	for (;;) {
		unsigned int off = (index >> n->shift) & (PC_MAP_SIZE - 1);

		if (n->shift == 0) {
			if (n->slots[off])
				return -MM_EEXIST;
			n->slots[off] = page;
			n->count++;
			return 0;
		}
		if (!n->slots[off]) {
			struct pc_node *c = node_alloc(n->shift - PC_MAP_SHIFT);

			if (!c)
				return -MM_ENOMEM;
			c->parent = n;
			c->offset = (uint8_t)off;
			n->slots[off] = c;
			n->count++;
		}
		n = n->slots[off];
	}
}

/* Clear @index's slot and free the nodes left empty. */
static void pc_delete(struct address_space *m, uint64_t index, struct list_head *to_free)
{
	struct pc_node *n = m->root;
	unsigned int off;

	if (!n || index > height_max_index(m->height))
		return;
	while (n->shift) {
		n = n->slots[(index >> n->shift) & (PC_MAP_SIZE - 1)];
		if (!n)
			return;
	}
	off = index & (PC_MAP_SIZE - 1);
	if (!n->slots[off])
		return;
	n->slots[off] = NULL;
	n->count--;
	while (n && n->count == 0) {
		struct pc_node *parent = n->parent;

		if (parent) {
			parent->slots[n->offset] = NULL;
			parent->count--;
		} else {
			m->root = NULL;
			m->height = 0;
		}
		node_free(n, to_free);
		n = parent;
	}
}

/* First page at an index >= @start under @n, which covers from @base. */
static struct page *node_next(struct pc_node *n, uint64_t base, uint64_t start, uint64_t *found)
{
	unsigned int off = start > base ? (unsigned int)((start - base) >> n->shift) : 0;

	for (; off < PC_MAP_SIZE; off++) {
		void *s = n->slots[off];
		uint64_t cb = base + ((uint64_t)off << n->shift);
		struct page *p;

		if (!s)
			continue;
		if (n->shift == 0) {
			*found = cb;
			return s;
		}
		p = node_next(s, cb, start > cb ? start : cb, found);
		if (p)
			return p;
	}
	return NULL;
}

/* The first cached page at an index >= @start, with a reference. */
static struct page *find_next_get(struct address_space *m, uint64_t start, uint64_t *found)
{
	unsigned long flags = mm_spin_lock_irqsave(&m->tree_lock);
	struct page *p = NULL;

	if (m->root && start <= height_max_index(m->height))
		p = node_next(m->root, 0, start, found);
	if (p)
		get_page(p);
	mm_spin_unlock_irqrestore(&m->tree_lock, flags);
	return p;
}

/* ---- files ---- */

static void mapping_sanity(const struct address_space *m)
{
	if (!m || m->canary != MAPPING_CANARY)
		mm_panic("filemap: mapping %p not initialised or corrupted", (const void *)m);
}

int mm_filemap_init(struct address_space *m, uint64_t id, struct block_device *bdev,
		 uint64_t first_block, uint64_t nr_pages, gfp_t gfp)
{
	if (!m || !bdev || !bdev->ops || first_block > bdev->nr_blocks ||
	    nr_pages > bdev->nr_blocks - first_block || nr_pages > (1ull << 32)) {
		mm_printk("filemap: file %llu: blocks [%llu, +%llu) do not fit device %s (%llu blocks)\n",
			  (unsigned long long)id, (unsigned long long)first_block,
			  (unsigned long long)nr_pages, bdev && bdev->name ? bdev->name : "(none)",
			  bdev ? (unsigned long long)bdev->nr_blocks : 0ull);
		return -MM_EINVAL;
	}
	mm_memset(m, 0, sizeof(*m));
	m->canary = MAPPING_CANARY;
	m->id = id;
	m->bdev = bdev;
	m->first_block = first_block;
	m->nr_pages = nr_pages;
	m->gfp = gfp ? gfp : GFP_HIGHUSER_MOVABLE;
	mm_spin_lock_init(&m->tree_lock);
	return 0;
}

struct page *mm_find_get_page(struct address_space *m, uint64_t index)
{
	unsigned long flags;
	struct page *p;

	mapping_sanity(m);
	flags = mm_spin_lock_irqsave(&m->tree_lock);
	p = pc_lookup(m, index);
	if (p)
		get_page(p);
	mm_spin_unlock_irqrestore(&m->tree_lock, flags);
	return p;
}

void mm_filemap_put_page(struct page *page)
{
	__free_page(page);
}

/* Index @page (one reference, the caller's) at @index; the cache takes a
 * reference of its own and the page goes on the LRU. A dirty page is
 * counted dirty. */
void (*mm_filemap_preload_hook)(void);

static int add_to_page_cache(struct address_space *m, struct page *page, uint64_t index)
{
	unsigned long flags;
	int err = pool_preload(m->gfp);

	if (err)
		return err;
	if (mm_filemap_preload_hook) /* tests: another CPU's truncation here */
		mm_filemap_preload_hook();
	flags = mm_spin_lock_irqsave(&m->tree_lock);
	err = pc_insert(m, index, page);
	pool_unreserve();
	if (!err) {
		/* Relaxed: compaction's scanner reads it unlocked (movable.h). */
		__atomic_store_n(&page->mapping, m, __ATOMIC_RELAXED);
		page->index = (uint32_t)index;
		get_page(page);
		m->nrpages++;
		stat_add(&nr_file_pages, 1);
		if (PageFlag(page, PG_dirty)) {
			m->nrdirty++;
			stat_add(&nr_file_dirty, 1);
		}
	}
	mm_spin_unlock_irqrestore(&m->tree_lock, flags);
	if (!err)
		mm_lru_cache_add(page);
	return err;
}

static struct page *new_page(struct address_space *m)
{
	struct page *page = pagecache_alloc(m->gfp);

	if (page)
		page_flags_clear(page,
				 (1u << PG_dirty) | (1u << PG_referenced) | (1u << PG_active));
	return page;
}

struct page *mm_filemap_get_page(struct address_space *m, uint64_t index, int *err)
{
	mapping_sanity(m);
	if (index >= m->nr_pages) {
		*err = -MM_EINVAL;
		return NULL;
	}
	for (;;) {
		struct page *page = mm_find_get_page(m, index);
		int e;

		if (page) {
			mm_mark_page_accessed(page);
			return page;
		}
		if (!(page = new_page(m))) {
			*err = -MM_ENOMEM;
			return NULL;
		}
		e = bdev_read_page(m->bdev, m->first_block + index, page_address(page));
		if (!e) {
			__atomic_fetch_add(&m->nr_reads, 1, __ATOMIC_RELAXED);
			count_reclaim_event(PGPGIN_PAGES, 1);
			e = add_to_page_cache(m, page, index);
		}
		if (!e)
			return page;
		__free_page(page);
		if (e != -MM_EEXIST) { /* EEXIST: someone read it first; use theirs */
			*err = e == -MM_ENOMEM ? e : -MM_EIO;
			return NULL;
		}
	}
}

int mm_filemap_read(struct address_space *m, uint64_t index, void *buf)
{
	int err = 0;
	struct page *page = mm_filemap_get_page(m, index, &err);

	if (!page)
		return err;
	mm_memcpy_words(buf, page_address(page), MM_PAGE_SIZE);
	mm_filemap_put_page(page);
	return 0;
}

void mm_filemap_set_page_dirty(struct page *page)
{
	struct address_space *m = page->mapping;
	unsigned long flags;

	mapping_sanity(m);
	flags = mm_spin_lock_irqsave(&m->tree_lock);
	if (!PageFlag(page, PG_dirty)) {
		SetPageFlag(page, PG_dirty);
		m->nrdirty++;
		stat_add(&nr_file_dirty, 1);
	}
	mm_spin_unlock_irqrestore(&m->tree_lock, flags);
}

int mm_filemap_write(struct address_space *m, uint64_t index, const void *buf)
{
	mapping_sanity(m);
	if (index >= m->nr_pages)
		return -MM_EINVAL;
	for (;;) {
		struct page *page = mm_find_get_page(m, index);
		int err;

		if (page) {
			mm_memcpy_words(page_address(page), buf, MM_PAGE_SIZE);
			mm_filemap_set_page_dirty(page);
			mm_mark_page_accessed(page);
			mm_filemap_put_page(page);
			return 0;
		}
		if (!(page = new_page(m)))
			return -MM_ENOMEM;
		/* Filled before it is visible: a full overwrite needs no read. */
		mm_memcpy_words(page_address(page), buf, MM_PAGE_SIZE);
		SetPageFlag(page, PG_dirty);
		err = add_to_page_cache(m, page, index);
		if (err)
			ClearPageFlag(page, PG_dirty);
		mm_filemap_put_page(page);
		if (err != -MM_EEXIST)
			return err;
	}
}

/* Clear PG_dirty with its counts; true if it was set. */
static bool clear_page_dirty(struct address_space *m, struct page *page)
{
	unsigned long flags = mm_spin_lock_irqsave(&m->tree_lock);
	bool was = PageFlag(page, PG_dirty);

	if (was) {
		ClearPageFlag(page, PG_dirty);
		m->nrdirty--;
		stat_add(&nr_file_dirty, -1);
	}
	mm_spin_unlock_irqrestore(&m->tree_lock, flags);
	return was;
}

int mm_filemap_writepage(struct page *page)
{
	struct address_space *m = page->mapping;
	int err;

	mapping_sanity(m);
	if (PageFlag(page, PG_locked))
		return -MM_EEXIST; /* already being written */
	SetPageFlag(page, PG_locked);
	/* Cleared before the write, as Linux's clear_page_dirty_for_io: a
	 * store during the write re-dirties the page instead of being lost. */
	if (!clear_page_dirty(m, page)) {
		ClearPageFlag(page, PG_locked);
		return 0;
	}
	err = bdev_write_page(m->bdev, m->first_block + page->index, page_address(page));
	if (err) {
		m->wb_err = err;
		mm_filemap_set_page_dirty(page);
	} else {
		__atomic_fetch_add(&m->nr_writes, 1, __ATOMIC_RELAXED);
		count_reclaim_event(PGPGOUT_PAGES, 1);
	}
	ClearPageFlag(page, PG_locked);
	return err;
}

int mm_filemap_sync(struct address_space *m)
{
	uint64_t idx = 0, found;
	struct page *page;
	int first_err = 0;

	mapping_sanity(m);
	while ((page = find_next_get(m, idx, &found)) != NULL) {
		int err = PageFlag(page, PG_dirty) ? mm_filemap_writepage(page) : 0;

		if (err && !first_err)
			first_err = err;
		mm_filemap_put_page(page);
		idx = found + 1;
	}
	return first_err;
}

bool mm_filemap_remove_page(struct page *page)
{
	struct address_space *m = page->mapping;
	struct list_head to_free;
	unsigned long flags;

	mapping_sanity(m);
	INIT_LIST_HEAD(&to_free);
	flags = mm_spin_lock_irqsave(&m->tree_lock);
	/* The cache's reference and the caller's: anyone else still uses it.
	 * Lookups take references under this lock, so the test is stable. */
	if (page_ref_count(page) != 2 || PageFlag(page, PG_dirty) || PageFlag(page, PG_locked) ||
	    pc_lookup(m, page->index) != page) {
		mm_spin_unlock_irqrestore(&m->tree_lock, flags);
		return false;
	}
	pc_delete(m, page->index, &to_free);
	m->nrpages--;
	stat_add(&nr_file_pages, -1);
	__atomic_store_n(&page->mapping, NULL, __ATOMIC_RELAXED);
	page_flags_clear(page, (1u << PG_referenced) | (1u << PG_active));
	mm_spin_unlock_irqrestore(&m->tree_lock, flags);
	free_node_pages(&to_free);
	__free_page(page); /* the cache's reference */
	return true;
}

unsigned long mm_filemap_evict(struct address_space *m, bool discard)
{
	uint64_t idx = 0, found;
	unsigned long dropped = 0;
	struct page *page;

	mapping_sanity(m);
	while ((page = find_next_get(m, idx, &found)) != NULL) {
		idx = found + 1;
		if (PageFlag(page, PG_dirty)) {
			if (discard)
				clear_page_dirty(m, page);
			else
				(void)mm_filemap_writepage(page);
		}
		if (!mm_lru_del_page(page)) { /* isolated by reclaim right now */
			mm_filemap_put_page(page);
			continue;
		}
		if (mm_filemap_remove_page(page)) {
			mm_filemap_put_page(page);
			dropped++;
		} else {
			mm_lru_putback_page(page);
		}
	}
	return dropped;
}

/* ---- migration ---- */

#include "movable.h"

/* The leaf slot holding @index, or NULL (tree_lock held). */
static void **pc_slot(struct address_space *m, uint64_t index)
{
	struct pc_node *n = m->root;

	if (!n || index > height_max_index(m->height))
		return NULL;
	while (n->shift) {
		n = n->slots[(index >> n->shift) & (PC_MAP_SIZE - 1)];
		if (!n)
			return NULL;
	}
	return &n->slots[index & (PC_MAP_SIZE - 1)];
}

bool mm_filemap_replace_page(struct page *src, struct page *dst)
{
	const uint32_t moved = (1u << PG_dirty) | (1u << PG_referenced) | (1u << PG_active);
	struct address_space *m = src->mapping;
	unsigned long flags;
	void **slot;

	mapping_sanity(m);
	flags = mm_spin_lock_irqsave(&m->tree_lock);
	slot = pc_slot(m, src->index);
	/* Lookups take their reference under this lock: with only the two
	 * expected references nobody can reach the old frame while we copy. */
	if (!slot || *slot != src || page_ref_count(src) != 2 || PageFlag(src, PG_locked)) {
		mm_spin_unlock_irqrestore(&m->tree_lock, flags);
		return false;
	}
	migrate_copy_content(dst, src);
	__atomic_store_n(&dst->mapping, m, __ATOMIC_RELAXED);
	dst->index = src->index;
	page_flags_set(dst, page_flags_read(src) & moved);
	*slot = dst;
	page_flags_clear(src, moved);
	__atomic_store_n(&src->mapping, NULL, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&src->_refcount, 1, __ATOMIC_RELAXED); /* the cache's */
	mm_spin_unlock_irqrestore(&m->tree_lock, flags);
	return true;
}
