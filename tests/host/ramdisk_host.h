/*
 * tests/host/ramdisk_host.h - a RAM disk in anonymous memory for host
 * tests of the page cache and reclaim (mm/blockdev.h's interface).
 */
#ifndef TESTS_HOST_RAMDISK_HOST_H
#define TESTS_HOST_RAMDISK_HOST_H

#include "mm/blockdev.h"

/* Fill @bdev with a zeroed device of @nr_blocks pages (fewer than 2^32).
 * Returns 0 or -1. */
int ramdisk_host_create(struct block_device *bdev, uint64_t nr_blocks);
void ramdisk_host_destroy(struct block_device *bdev);
/* Direct access to a block, bypassing the cache (tests check what was
 * really written). */
const void *ramdisk_host_block(struct block_device *bdev, uint64_t block);
/* Make every later transfer fail with -MM_EIO (fault injection). */
void ramdisk_host_set_failing(struct block_device *bdev, int fail_reads, int fail_writes);

#endif
