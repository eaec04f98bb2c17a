/*
 * kernel/ramdisk.h - the kernel's RAM disk: the page cache's backing store
 * (mm/blockdev.h), in memory reserved from memblock at boot so that the
 * page allocator never sees it.
 */
#ifndef KERNEL_RAMDISK_H
#define KERNEL_RAMDISK_H

#include <stdint.h>

#include "mm/blockdev.h"

#define RAMDISK_MAX_SIZE (1ull << 30)	   /* ramdisk= accepts up to 1 GiB */
#define RAMDISK_DEFAULT_CAP (256ull << 20) /* default: RAM / 8, at most this */

/* The device; nr_blocks 0 when none could be reserved. */
extern struct block_device kernel_ramdisk;

/* Reserve @size bytes (0: the default) with memblock. Call after the
 * direct map covers RAM and before mm_init(). A size above
 * RAMDISK_MAX_SIZE or above half of RAM is reported and replaced by the
 * default. Returns 0, or -1 (printed) when nothing could be reserved. */
int ramdisk_reserve(uint64_t size);

#endif /* KERNEL_RAMDISK_H */
