/*
 * tests/host/ramdisk_host.c - the host tests' block device: calloc'd
 * blocks, synchronous copies, optional injected I/O errors.
 */
#include "ramdisk_host.h"

#include <stdlib.h>
#include <string.h>

struct ramdisk_host {
	unsigned char *data;
	int fail_reads, fail_writes;
};

static int rd_read(struct block_device *bdev, uint64_t block, void *buf)
{
	struct ramdisk_host *rd = bdev->priv;

	if (rd->fail_reads)
		return -MM_EIO;
	memcpy(buf, rd->data + block * MM_PAGE_SIZE, MM_PAGE_SIZE);
	return 0;
}

static int rd_write(struct block_device *bdev, uint64_t block, const void *buf)
{
	struct ramdisk_host *rd = bdev->priv;

	if (rd->fail_writes)
		return -MM_EIO;
	memcpy(rd->data + block * MM_PAGE_SIZE, buf, MM_PAGE_SIZE);
	return 0;
}

static const struct block_device_ops rd_ops = { rd_read, rd_write };

int ramdisk_host_create(struct block_device *bdev, uint64_t nr_blocks)
{
	struct ramdisk_host *rd = calloc(1, sizeof(*rd));

	if (!rd || !(rd->data = calloc(nr_blocks ? nr_blocks : 1, MM_PAGE_SIZE))) {
		free(rd);
		return -1;
	}
	*bdev = (struct block_device){
		.name = "ram0", .nr_blocks = nr_blocks, .ops = &rd_ops, .priv = rd
	};
	return 0;
}

void ramdisk_host_destroy(struct block_device *bdev)
{
	struct ramdisk_host *rd = bdev->priv;

	if (rd)
		free(rd->data);
	free(rd);
	bdev->priv = NULL;
}

const void *ramdisk_host_block(struct block_device *bdev, uint64_t block)
{
	struct ramdisk_host *rd = bdev->priv;

	return rd->data + block * MM_PAGE_SIZE;
}

void ramdisk_host_set_failing(struct block_device *bdev, int fail_reads, int fail_writes)
{
	struct ramdisk_host *rd = bdev->priv;

	rd->fail_reads = fail_reads;
	rd->fail_writes = fail_writes;
}
