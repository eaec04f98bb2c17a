/*
 * tests/host/ramdisk_host.c - the host tests' block device: blocks in an
 * anonymous mapping, synchronous copies, optional injected I/O errors.
 *
 * The blocks are mapped, not malloc'd: they are device memory, not heap
 * objects. LeakSanitizer scans every live heap block for pointers at
 * exit, and a RAM disk 1.25 times a 4 GiB machine took it longer than the
 * whole workload (tools/mmsim's reclaim workload, BENCHMARKS.md).
 */
#include "ramdisk_host.h"

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

struct ramdisk_host {
	unsigned char *data;
	size_t bytes;
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
	struct ramdisk_host *rd;
	void *p = MAP_FAILED;

	if (nr_blocks > SIZE_MAX / MM_PAGE_SIZE)
		return -1;
	rd = calloc(1, sizeof(*rd));
	if (rd) {
		rd->bytes = (nr_blocks ? nr_blocks : 1) * MM_PAGE_SIZE;
		p = mmap(NULL, rd->bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	}
	if (p == MAP_FAILED) {
		free(rd);
		return -1;
	}
	rd->data = p;
	*bdev = (struct block_device){
		.name = "ram0", .nr_blocks = nr_blocks, .ops = &rd_ops, .priv = rd
	};
	return 0;
}

void ramdisk_host_destroy(struct block_device *bdev)
{
	struct ramdisk_host *rd = bdev->priv;

	if (rd)
		munmap(rd->data, rd->bytes);
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
