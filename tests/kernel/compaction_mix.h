/*
 * tests/kernel/compaction_mix.h - the fragmentation scenario shared by the
 * kernel's compaction tests, its highalloc benchmark and mmsim's: movable
 * pages of two owners (page cache over a pattern device, vmarea pages
 * written through their mapping) interleaved with unmovable pages, then
 * thinned out pseudo-randomly; and checks that every movable page still
 * holds its pattern where its owner looks for it.
 *
 * Freestanding: only mm/ interfaces, so the kernel and host programs
 * compile the same code.
 */
#ifndef TESTS_KERNEL_COMPACTION_MIX_H
#define TESTS_KERNEL_COMPACTION_MIX_H

#include "mm/blockdev.h"
#include "mm/filemap.h"
#include "mm/gfp.h"
#include "mm/list.h"
#include "mm/lru.h"
#include "mm/util.h"
#include "mm/vmarea.h"
#include "mm/zone.h"

#define CMIX_FILE_ID 0x46u
#define CMIX_VA_ID 0x7a7au
#define CMIX_FILE 1u
#define CMIX_VA 2u

/* Movable allocations that neither reclaim nor wake kswapd: filling ends
 * at the min watermark instead of eating the page cache being built. */
#define CMIX_GFP_MOVABLE (__GFP_MOVABLE | __GFP_HIGHMEM | __GFP_IO | __GFP_FS)
#define CMIX_GFP_UNMOVABLE (__GFP_IO | __GFP_FS)

/* A device whose every block holds the pattern (CMIX_FILE_ID, block, 1):
 * unlimited page cache without storage; writes must bring the same back. */
static int cmix_dev_read(struct block_device *b, uint64_t blk, void *buf)
{
	(void)b;
	page_pattern_fill(buf, CMIX_FILE_ID, blk, 1);
	return 0;
}

static int cmix_dev_write(struct block_device *b, uint64_t blk, const void *buf)
{
	if (page_pattern_check(buf, CMIX_FILE_ID, blk, 1))
		(*(unsigned long *)b->priv)++;
	return 0;
}

static const struct block_device_ops cmix_dev_ops = { cmix_dev_read, cmix_dev_write };

struct cmix {
	struct block_device dev;
	unsigned long bad_writes;
	struct address_space file;
	struct vmarea va;
	unsigned long n; /* indices: the file and the area have n pages */
	/* CMIX_FILE | CMIX_VA per index, in page-sized chunks: no large
	 * contiguous allocation however much memory the machine has. */
	uint8_t **state;
	struct list_head unmovable;
	unsigned long nr_unmovable, nr_file, nr_va;
	uint64_t seed;
};

static inline uint64_t cmix_rand(struct cmix *m)
{
	m->seed ^= m->seed << 13;
	m->seed ^= m->seed >> 7;
	m->seed ^= m->seed << 17;
	return m->seed;
}

/* The state byte of index @i. */
static inline uint8_t *cmix_state(struct cmix *m, unsigned long i)
{
	return &m->state[i / MM_PAGE_SIZE][i % MM_PAGE_SIZE];
}

static inline unsigned long cmix_state_chunks(unsigned long n)
{
	return (n + MM_PAGE_SIZE - 1) / MM_PAGE_SIZE;
}

static inline void cmix_state_free(struct cmix *m)
{
	unsigned long chunks = cmix_state_chunks(m->n);

	if (!m->state)
		return;
	for (unsigned long c = 0; c < chunks; c++)
		if (m->state[c])
			free_page((unsigned long)m->state[c]);
	free_pages_exact(m->state, chunks * sizeof(*m->state));
	m->state = NULL;
}

static inline int cmix_state_alloc(struct cmix *m)
{
	unsigned long chunks = cmix_state_chunks(m->n);

	m->state = alloc_pages_exact(chunks * sizeof(*m->state), GFP_KERNEL | __GFP_NOWARN);
	if (!m->state)
		return -MM_ENOMEM;
	mm_memset(m->state, 0, chunks * sizeof(*m->state));
	for (unsigned long c = 0; c < chunks; c++) {
		m->state[c] = (uint8_t *)get_zeroed_page(GFP_KERNEL | __GFP_NOWARN);
		if (!m->state[c]) {
			cmix_state_free(m);
			return -MM_ENOMEM;
		}
	}
	return 0;
}

/* Returns 0, or a negative error (no memory for the bookkeeping). */
static inline int cmix_init(struct cmix *m, unsigned long n)
{
	int err;

	mm_memset(m, 0, sizeof(*m));
	m->seed = 0x9e3779b97f4a7c15ull;
	m->n = n;
	INIT_LIST_HEAD(&m->unmovable);
	m->dev.name = "pattern";
	m->dev.nr_blocks = n;
	m->dev.ops = &cmix_dev_ops;
	m->dev.priv = &m->bad_writes;
	err = cmix_state_alloc(m);
	if (err)
		return err;
	err = mm_filemap_init(&m->file, CMIX_FILE_ID, &m->dev, 0, n, CMIX_GFP_MOVABLE);
	if (!err)
		err = mm_vmarea_create(&m->va, n, CMIX_GFP_MOVABLE);
	if (err)
		cmix_state_free(m);
	return err;
}

static inline bool cmix_add_file(struct cmix *m, unsigned long i)
{
	int err = 0;
	struct page *p = mm_filemap_get_page(&m->file, i, &err);

	if (!p)
		return false;
	mm_filemap_put_page(p);
	*cmix_state(m, i) |= CMIX_FILE;
	m->nr_file++;
	return true;
}

static inline bool cmix_add_va(struct cmix *m, unsigned long i)
{
	void *addr;

	if (mm_vmarea_populate(&m->va, i))
		return false;
	addr = mm_vmarea_addr(&m->va, i);
	page_pattern_fill(addr, CMIX_VA_ID, i, 1);
	*cmix_state(m, i) |= CMIX_VA;
	m->nr_va++;
	return true;
}

/*
 * Allocate until an allocation fails or @stop_free pages are left free:
 * for each index a page-cache page, and a vmarea page for one index in
 * @va_every (1: every index); one unmovable page per @unmovable_every
 * movable ones (0: none). Returns the movable pages placed.
 */
static inline unsigned long cmix_fill(struct cmix *m, unsigned long stop_free,
				      unsigned long va_every, unsigned long unmovable_every)
{
	unsigned long placed = 0, since = 0;

	for (unsigned long i = 0; i < m->n && nr_free_pages() > stop_free; i++) {
		if (!cmix_add_file(m, i))
			break;
		placed++, since++;
		if (va_every && i % va_every == 0) {
			if (!cmix_add_va(m, i))
				break;
			placed++, since++;
		}
		if (unmovable_every && since >= unmovable_every) {
			struct page *p = alloc_pages(CMIX_GFP_UNMOVABLE | __GFP_NOWARN, 0);

			if (!p)
				break;
			list_add(&p->lru, &m->unmovable);
			m->nr_unmovable++;
			since = 0;
		}
	}
	return placed;
}

/* Allocate vmarea pages only, written through their mapping, at every
 * index until an allocation fails or @stop_free pages are left free: what
 * anonymous memory without swap is to reclaim. Returns the pages placed. */
static inline unsigned long cmix_fill_va(struct cmix *m, unsigned long stop_free)
{
	unsigned long placed = 0;

	for (unsigned long i = 0; i < m->n && nr_free_pages() > stop_free; i++, placed++)
		if (!cmix_add_va(m, i))
			break;
	return placed;
}

/* Drop one cached (clean) page, as reclaim or truncation would. */
static inline bool cmix_drop_file(struct cmix *m, unsigned long i)
{
	struct page *page = mm_find_get_page(&m->file, i);
	bool ok = false;

	if (!page)
		goto gone; /* reclaim took it already */
	if (mm_lru_del_page(page)) {
		ok = mm_filemap_remove_page(page);
		if (!ok) {
			get_page(page); /* lru_putback_page drops one */
			mm_lru_putback_page(page);
		}
	}
	mm_filemap_put_page(page);
	if (!ok)
		return false;
gone:
	*cmix_state(m, i) &= ~CMIX_FILE;
	m->nr_file--;
	return true;
}

/* Free about @percent of the movable pages of each owner. Returns pages freed. */
static inline unsigned long cmix_thin(struct cmix *m, unsigned int percent)
{
	unsigned long freed = 0;

	for (unsigned long i = 0; i < m->n; i++) {
		if ((*cmix_state(m, i) & CMIX_VA) && cmix_rand(m) % 100 < percent) {
			mm_vmarea_unpopulate(&m->va, i);
			*cmix_state(m, i) &= ~CMIX_VA;
			m->nr_va--;
			freed++;
		}
		if ((*cmix_state(m, i) & CMIX_FILE) && cmix_rand(m) % 100 < percent &&
		    cmix_drop_file(m, i))
			freed++;
	}
	return freed;
}

/*
 * Wrong pages: a cached page (looked up, not re-read: reclaim may have
 * dropped some, those are skipped and counted in *dropped) without its
 * pattern, or a vmarea page whose PTE does not name the page the area
 * holds or whose mapped address does not read its pattern.
 */
static inline unsigned long cmix_verify(struct cmix *m, unsigned long *dropped)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < m->n; i++) {
		if (*cmix_state(m, i) & CMIX_FILE) {
			struct page *p = mm_find_get_page(&m->file, i);

			if (!p) {
				if (dropped)
					(*dropped)++;
			} else {
				bad += page_pattern_check(page_address(p), CMIX_FILE_ID, i, 1) != 0;
				mm_filemap_put_page(p);
			}
		}
		if (*cmix_state(m, i) & CMIX_VA) {
			struct page *p = mm_vmarea_pin(&m->va, i);

			if (!p || mm_vmarea_pte_pfn(&m->va, i) != page_to_pfn(p) ||
			    page_pattern_check(mm_vmarea_addr(&m->va, i), CMIX_VA_ID, i, 1))
				bad++;
			if (p)
				mm_vmarea_unpin(p);
		}
	}
	return bad + m->bad_writes;
}

static inline void cmix_teardown(struct cmix *m)
{
	mm_vmarea_destroy(&m->va);
	mm_filemap_evict(&m->file, true);
	mm_filemap_drain_node_pool();
	while (!list_empty(&m->unmovable)) {
		struct page *p = list_first_entry(&m->unmovable, struct page, lru);

		list_del(&p->lru);
		__free_page(p);
	}
	cmix_state_free(m);
}

/* Free blocks of @order or more in @z, counted in units of @order. */
static inline unsigned long cmix_free_blocks(struct zone *z, unsigned int order)
{
	unsigned long n = 0, flags = mm_spin_lock_irqsave(&z->lock);

	for (unsigned int o = order; o < MAX_ORDER; o++)
		n += z->free_area[o].nr_free << (o - order);
	mm_spin_unlock_irqrestore(&z->lock, flags);
	return n;
}

/* Pageblocks holding at least one of the mix's unmovable pages. */
static inline unsigned long cmix_unmovable_blocks(struct cmix *m)
{
	unsigned long nblocks = (mm_max_pfn >> pageblock_order) + 1, count = 0;
	uint8_t *seen = alloc_pages_exact(nblocks, GFP_KERNEL | __GFP_NOWARN);
	struct list_head *a;

	if (!seen)
		return m->nr_unmovable; /* the worst case: one block each */
	mm_memset(seen, 0, nblocks);
	list_for_each(a, &m->unmovable) {
		unsigned long blk = page_to_pfn(list_entry(a, struct page, lru)) >> pageblock_order;

		count += !seen[blk];
		seen[blk] = 1;
	}
	free_pages_exact(seen, nblocks);
	return count;
}

#endif /* TESTS_KERNEL_COMPACTION_MIX_H */
