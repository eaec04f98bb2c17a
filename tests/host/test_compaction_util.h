/*
 * tests/host/test_compaction_util.h - shared set-up for the migration and
 * compaction host tests: a machine with the compaction state reset, and a
 * "mix" of movable pages (page cache and vmarea-mapped, each with a
 * verifiable pattern) and unmovable pages, filled interleaved and then
 * thinned out pseudo-randomly to fragment the zone.
 */
#ifndef TESTS_HOST_TEST_COMPACTION_UTIL_H
#define TESTS_HOST_TEST_COMPACTION_UTIL_H

#include "test_reclaim_util.h"
#include "mm/compact_zone.h"
#include "mm/compaction.h"
#include "mm/kcompactd.h"
#include "mm/migrate.h"
#include "mm/vmarea.h"

#define VMAREA_FILE_ID 0x7a7a /* pattern "file" of vmarea pages */

/* Migration and compaction counters and state as after boot. */
static inline void compact_state_reset(void)
{
	mm_migrate_events_reset();
	mm_compact_zone_events_reset();
	mm_compaction_reset();
	mm_kcompactd_reset();
}

static inline int compact_boot(unsigned long mib)
{
	if (reclaim_boot(mib))
		return -1;
	compact_state_reset();
	return 0;
}

struct mix {
	struct block_device bd;
	struct address_space file;
	struct vmarea va;
	unsigned long nr_slots; /* vmarea and file both have this many */
	struct held_set unmovable;
	uint64_t *file_version; /* 0: not cached */
	bool *va_present;
	uint64_t seed;
};

static inline uint64_t mix_rand(struct mix *m)
{
	m->seed ^= m->seed << 13;
	m->seed ^= m->seed >> 7;
	m->seed ^= m->seed << 17;
	return m->seed;
}

static inline int mix_init(struct mix *m, unsigned long nr_slots)
{
	memset(m, 0, sizeof(*m));
	m->seed = 0x9e3779b97f4a7c15ull;
	m->nr_slots = nr_slots;
	m->file_version = calloc(nr_slots, sizeof(*m->file_version));
	m->va_present = calloc(nr_slots, sizeof(*m->va_present));
	if (!m->file_version || !m->va_present || ramdisk_host_create(&m->bd, nr_slots))
		return -1;
	if (mm_filemap_init(&m->file, 11, &m->bd, 0, nr_slots, 0))
		return -1;
	return mm_vmarea_create(&m->va, nr_slots, 0);
}

static inline int va_write(struct mix *m, unsigned long i)
{
	void *p = mm_vmarea_addr(&m->va, i);

	if (!p)
		return -1;
	page_pattern_fill(p, VMAREA_FILE_ID, i, 1);
	return 0;
}

/* Allocate until free memory drops to @keep_free pages: alternately a page
 * cache page and a vmarea page, every @unmovable_every-th an unmovable page
 * (0: none). Returns the number of movable pages placed. */
static inline unsigned long mix_fill(struct mix *m, unsigned long keep_free,
				     unsigned long unmovable_every)
{
	unsigned long placed = 0, n = 0;

	for (unsigned long i = 0; i < m->nr_slots && nr_free_pages() > keep_free; i++) {
		if (unmovable_every && ++n % unmovable_every == 0) {
			struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);

			if (p)
				held_push(&m->unmovable, p, 0);
		}
		if (write_version(&m->file, i, 1) == 0) {
			m->file_version[i] = 1;
			placed++;
		}
		if (mm_vmarea_populate(&m->va, i) == 0 && va_write(m, i) == 0) {
			m->va_present[i] = true;
			placed++;
		}
	}
	return placed;
}

/* Drop one cached page of the file, written back first, as reclaim would. */
static inline bool mix_drop_file_page(struct mix *m, unsigned long i)
{
	struct page *page = mm_find_get_page(&m->file, i);
	bool ok = false;

	if (!page)
		return false;
	if (mm_lru_del_page(page)) {
		if (PageFlag(page, PG_dirty))
			(void)mm_filemap_writepage(page);
		ok = mm_filemap_remove_page(page);
		if (!ok) {
			get_page(page); /* mm_lru_putback_page drops one */
			mm_lru_putback_page(page);
		}
	}
	mm_filemap_put_page(page);
	if (ok)
		m->file_version[i] = 0;
	return ok;
}

/* Free about @percent of the movable pages, pseudo-randomly. */
static inline unsigned long mix_thin(struct mix *m, unsigned int percent)
{
	unsigned long freed = 0;

	for (unsigned long i = 0; i < m->nr_slots; i++) {
		if (m->va_present[i] && mix_rand(m) % 100 < percent) {
			mm_vmarea_unpopulate(&m->va, i);
			m->va_present[i] = false;
			freed++;
		}
		if (m->file_version[i] && mix_rand(m) % 100 < percent && mix_drop_file_page(m, i))
			freed++;
	}
	return freed;
}

/* Every page reads its pattern: the cache by lookup, the vmarea through its
 * mapped address, whose PTE names the page the area holds. Returns the
 * number of wrong pages. */
static inline unsigned long mix_verify(struct mix *m)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < m->nr_slots; i++) {
		if (m->file_version[i]) {
			struct page *p = mm_find_get_page(&m->file, i);

			if (!p || page_pattern_check(page_address(p), m->file.id, i, 1))
				bad++;
			if (p)
				mm_filemap_put_page(p);
		}
		if (m->va_present[i]) {
			struct page *p = mm_vmarea_page(&m->va, i);
			void *addr = mm_vmarea_addr(&m->va, i);

			if (!p || !addr || mm_vmarea_pte_pfn(&m->va, i) != page_to_pfn(p) ||
			    page_pattern_check(addr, VMAREA_FILE_ID, i, 1))
				bad++;
		}
	}
	return bad;
}

static inline unsigned long mix_movable_pages(struct mix *m)
{
	unsigned long n = 0;

	for (unsigned long i = 0; i < m->nr_slots; i++)
		n += (m->file_version[i] != 0) + m->va_present[i];
	return n;
}

static inline void mix_teardown(struct mix *m)
{
	mm_vmarea_destroy(&m->va);
	mm_filemap_evict(&m->file, true);
	mm_filemap_drain_node_pool();
	held_free_all(&m->unmovable);
	ramdisk_host_destroy(&m->bd);
	free(m->file_version);
	free(m->va_present);
}

/* Fill DMA32 (of @mib MiB) down to just above its high watermark,
 * interleaved (every 64th page unmovable), then free about half of the
 * movable pages: what stays free at the top is less than a pageblock. */
static inline void mix_fragment(struct mix *m, unsigned long mib)
{
	struct zone *z = zone_of(ZONE_DMA32);
	unsigned long total = nr_free_pages();

	KT_ASSERT_EQ(mix_init(m, mib * 256), 0);
	KT_ASSERT(mix_fill(m, high_wmark_pages(z) + 32, 64) > total / 2);
	mix_thin(m, 50);
	drain_all_pages(NULL);
}

/* Free blocks of @order or more in @z, in units of @order. */
static inline unsigned long free_blocks_of(struct zone *z, unsigned int order)
{
	unsigned long n = 0;

	for (unsigned int o = order; o < MAX_ORDER; o++)
		n += z->free_area[o].nr_free << (o - order);
	return n;
}

#endif
