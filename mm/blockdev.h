/*
 * mm/blockdev.h - the backing store of the page cache: a block device of
 * page-sized blocks read and written synchronously, and the verifiable
 * page content tests write through it.
 *
 * A device is a struct block_device with two operations. The kernel's RAM
 * disk (kernel/ramdisk.c, memory reserved at boot outside the allocator)
 * and the host tests' (tests/host/ramdisk_host.c, malloc) implement it.
 * Blocks never written read back as zeros.
 */
#ifndef MM_BLOCKDEV_H
#define MM_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"

/* Error codes returned (negated) by the page cache and block devices. */
#define MM_EIO 5
#define MM_ENOMEM 12
#define MM_EEXIST 17
#define MM_EINVAL 22

struct block_device;

struct block_device_ops {
	/* Copy block @block into / out of the MM_PAGE_SIZE bytes at @buf.
	 * Return 0 or -MM_EIO. Synchronous; may not allocate memory (they
	 * run inside reclaim). @block < nr_blocks is checked by the caller. */
	int (*read_page)(struct block_device *bdev, uint64_t block, void *buf);
	int (*write_page)(struct block_device *bdev, uint64_t block, const void *buf);
};

struct block_device {
	const char *name;
	uint64_t nr_blocks; /* capacity in MM_PAGE_SIZE blocks */
	const struct block_device_ops *ops;
	void *priv; /* the implementation's */
	/* Completed transfers, for tests: atomic increments, since several
	 * CPUs (and kswapd) read and write one device at once. */
	unsigned long nr_reads, nr_writes;
};

static inline int bdev_read_page(struct block_device *bdev, uint64_t block, void *buf)
{
	int err;

	if (!bdev || block >= bdev->nr_blocks)
		return -MM_EINVAL;
	err = bdev->ops->read_page(bdev, block, buf);
	if (!err)
		__atomic_fetch_add(&bdev->nr_reads, 1, __ATOMIC_RELAXED);
	return err;
}

static inline int bdev_write_page(struct block_device *bdev, uint64_t block, const void *buf)
{
	int err;

	if (!bdev || block >= bdev->nr_blocks)
		return -MM_EINVAL;
	err = bdev->ops->write_page(bdev, block, buf);
	if (!err)
		__atomic_fetch_add(&bdev->nr_writes, 1, __ATOMIC_RELAXED);
	return err;
}

/*
 * Verifiable content. The page of (file, index) written for the
 * @version-th time holds 512 words: word 0 a magic, 1..3 the file, index
 * and version, the rest a mix of all three (the page's base) with the
 * word's position, so a page from another file, another offset or an older
 * write differs in every word, a copy shifted by any number of words is
 * caught, as is a single flipped word. Version 0 means "never written": all
 * zeros. The position enters by one multiply, not a mix per word: the page
 * cache workloads fill and check every page they move.
 */
#define PAGE_PATTERN_MAGIC 0x70676361636865ull /* "pgcache" */
#define PAGE_PATTERN_WORDS (MM_PAGE_SIZE / sizeof(uint64_t))
#define PAGE_PATTERN_STRIDE 0x9e3779b97f4a7c15ull /* odd: i * it differs for every i */

static inline uint64_t page_pattern_mix(uint64_t x)
{
	/* splitmix64's finaliser: every input bit reaches every output bit */
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* What words 4 and up of a page combine with their position. */
static inline uint64_t page_pattern_base(uint64_t file, uint64_t index, uint64_t version)
{
	return page_pattern_mix(page_pattern_mix(file * 0x100000001b3ull ^ index) ^ (version << 20));
}

static inline uint64_t page_pattern_word(uint64_t file, uint64_t index, uint64_t version, size_t i)
{
	if (version == 0)
		return 0;
	switch (i) {
	case 0:
		return PAGE_PATTERN_MAGIC;
	case 1:
		return file;
	case 2:
		return index;
	case 3:
		return version;
	}
	return page_pattern_base(file, index, version) ^ (i * PAGE_PATTERN_STRIDE);
}

static inline void page_pattern_fill(void *buf, uint64_t file, uint64_t index, uint64_t version)
{
	uint64_t *w = buf, base = page_pattern_base(file, index, version);
	size_t i;

	for (i = 0; i < 4; i++)
		w[i] = page_pattern_word(file, index, version, i);
	for (; i < PAGE_PATTERN_WORDS; i++)
		w[i] = version ? base ^ (i * PAGE_PATTERN_STRIDE) : 0;
}

/* 0 when @buf holds exactly the pattern of (@file, @index, @version);
 * otherwise 1 + the position of the first wrong word. */
static inline size_t page_pattern_check(const void *buf, uint64_t file, uint64_t index,
					uint64_t version)
{
	const uint64_t *w = buf;
	uint64_t base = page_pattern_base(file, index, version);
	size_t i;

	for (i = 0; i < 4; i++)
		if (w[i] != page_pattern_word(file, index, version, i))
			return i + 1;
	if (!version) {
		for (; i < PAGE_PATTERN_WORDS; i++)
			if (w[i])
				return i + 1;
		return 0;
	}
	for (; i < PAGE_PATTERN_WORDS; i++)
		if (w[i] != (base ^ (i * PAGE_PATTERN_STRIDE)))
			return i + 1;
	return 0;
}

/* The version a page claims (word 3), 0 for a page without the magic. */
static inline uint64_t page_pattern_version(const void *buf)
{
	const uint64_t *w = buf;

	return w[0] == PAGE_PATTERN_MAGIC ? w[3] : 0;
}

#endif /* MM_BLOCKDEV_H */
