/*
 * kernel/ramdisk.c - a RAM disk over memory reserved at boot. Blocks never
 * written read as zeros (a bitmap remembers which were), so the disk need
 * not be cleared at boot: 256 MiB of stores is a visible delay under TCG.
 */
#include "ramdisk.h"

#include "printk.h"
#include "string.h"
#include "arch/x86_64/layout.h"
#include "mm/memblock.h"
#include "mm/spinlock.h"

#define RAMDISK_MAX_BLOCKS (RAMDISK_MAX_SIZE / MM_PAGE_SIZE)

struct block_device kernel_ramdisk;

static uint64_t rd_phys;
static uint64_t rd_written[RAMDISK_MAX_BLOCKS / 64];
static mm_spinlock_t rd_lock = MM_SPINLOCK_INIT; /* guards rd_written */

static void *block_addr(uint64_t block)
{
	return phys_to_virt(rd_phys + block * MM_PAGE_SIZE);
}

static bool block_written(uint64_t block)
{
	return rd_written[block / 64] & (1ull << (block % 64));
}

static int rd_read(struct block_device *bdev, uint64_t block, void *buf)
{
	(void)bdev;
	if (block_written(block))
		memcpy(buf, block_addr(block), MM_PAGE_SIZE);
	else
		memset(buf, 0, MM_PAGE_SIZE);
	return 0;
}

static int rd_write(struct block_device *bdev, uint64_t block, const void *buf)
{
	unsigned long flags;

	(void)bdev;
	memcpy(block_addr(block), buf, MM_PAGE_SIZE);
	flags = mm_spin_lock_irqsave(&rd_lock);
	rd_written[block / 64] |= 1ull << (block % 64);
	mm_spin_unlock_irqrestore(&rd_lock, flags);
	return 0;
}

static const struct block_device_ops rd_ops = { rd_read, rd_write };

int ramdisk_reserve(uint64_t size)
{
	uint64_t ram = mm_memblock_phys_mem_size();
	uint64_t def = ram / 8 < RAMDISK_DEFAULT_CAP ? ram / 8 : RAMDISK_DEFAULT_CAP;

	if (size > RAMDISK_MAX_SIZE || size > ram / 2) {
		printk("ramdisk: %llu MiB is too large (at most %llu MiB and half of RAM), using %llu MiB\n",
		       (unsigned long long)(size >> 20),
		       (unsigned long long)(RAMDISK_MAX_SIZE >> 20),
		       (unsigned long long)(def >> 20));
		size = 0;
	}
	if (!size)
		size = def;
	size &= ~(uint64_t)(MM_PAGE_SIZE - 1);
	if (!size) {
		printk("ramdisk: no room for a RAM disk\n");
		return -1;
	}
	rd_phys = mm_memblock_phys_alloc(size, 2ull << 20, "ramdisk");
	if (!rd_phys) {
		printk("ramdisk: cannot reserve %llu MiB\n", (unsigned long long)(size >> 20));
		return -1;
	}
	memset(rd_written, 0, sizeof(rd_written));
	kernel_ramdisk = (struct block_device){ .name = "ram0",
						.nr_blocks = size / MM_PAGE_SIZE,
						.ops = &rd_ops };
	printk("ramdisk: ram0 [mem 0x%016llx-0x%016llx] %llu MiB\n", (unsigned long long)rd_phys,
	       (unsigned long long)(rd_phys + size - 1), (unsigned long long)(size >> 20));
	return 0;
}
