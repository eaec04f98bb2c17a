/*
 * tests/host/test_reclaim_util.h - shared set-up for the page cache and
 * reclaim host tests: a small fake machine with the reclaim state reset, a
 * host RAM disk, and helpers that write and verify versioned pages.
 */
#ifndef TESTS_HOST_TEST_RECLAIM_UTIL_H
#define TESTS_HOST_TEST_RECLAIM_UTIL_H

#include "ramdisk_host.h"
#include "test_buddy_util.h"
#include "mm/filemap.h"
#include "mm/lru.h"
#include "mm/shrinker.h"
#include "mm/vmscan.h"

/* RAM [16 MiB, 16 MiB + @mib MiB): one zone (DMA32), so scan order is
 * deterministic. Reclaim state and counters reset. */
static inline int reclaim_boot(unsigned long mib)
{
	if (boot_flat(16 * MiB, (16 + mib) * MiB))
		return -1;
	mm_reclaim_init();
	mm_vm_events_reset();
	mm_debug_poison = true;
	return 0;
}

static inline struct zone *dma32(void)
{
	return zone_of(ZONE_DMA32);
}

static inline unsigned long lru_pages(enum lru_list l)
{
	return lruvec_size(zone_lruvec(dma32()), l);
}

static unsigned char pattern_buf[MM_PAGE_SIZE] __attribute__((aligned(64)));

static inline int write_version(struct address_space *m, uint64_t idx, uint64_t version)
{
	page_pattern_fill(pattern_buf, m->id, idx, version);
	return mm_filemap_write(m, idx, pattern_buf);
}

/* Read through the cache and check; 0 when right. */
static inline size_t read_check(struct address_space *m, uint64_t idx, uint64_t version)
{
	int err = mm_filemap_read(m, idx, pattern_buf);

	if (err)
		return (size_t)-1;
	return page_pattern_check(pattern_buf, m->id, idx, version);
}

/* Both checkers clean. */
#define EXPECT_MM_CLEAN() \
	do { \
		KT_EXPECT_EQ(mm_check_invariants(), 0); \
		KT_EXPECT_EQ(mm_lru_check(), 0); \
	} while (0)

#endif
