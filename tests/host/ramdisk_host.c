/*
 * tests/host/ramdisk_host.c - the host tests' block device: blocks in an
 * anonymous mapping, synchronous copies, optional injected I/O errors.
 *
 * The blocks are mapped, not malloc'd: they are device memory, not heap
 * objects. LeakSanitizer scans every live heap block for pointers at
 * exit, and a RAM disk 1.25 times a 4 GiB machine took it longer than the
 * whole workload (tools/mmsim's reclaim workload, BENCHMARKS.md).
 *
 * A block gets its storage when first written, the next free one in a
 * pool filled from its start (a block never written reads as zeros): the
 * host memory in use is then dense whatever the pattern of writes, so it
 * can be backed by huge pages, one host fault per 2 MiB instead of one per
 * block, without holding a huge page for each scattered 4 KiB block.
 */
#include "ramdisk_host.h"

#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ramdisk_host {
	unsigned char *data; /* the pool: room for every block */
	uint32_t *slot;	     /* per block: 1 + its place in the pool, 0: never written */
	uint32_t used;	     /* places taken */
	size_t bytes, slot_bytes;
	int fail_reads, fail_writes;
};

#define RD_SPARE_PLACES 256 /* see rd_place() */

static const unsigned char zero_block[MM_PAGE_SIZE];

static const unsigned char *rd_stored(const struct ramdisk_host *rd, uint64_t block)
{
	uint32_t s = __atomic_load_n(&rd->slot[block], __ATOMIC_ACQUIRE);

	return s ? rd->data + (size_t)(s - 1) * MM_PAGE_SIZE : zero_block;
}

/* @block's place in the pool, taken on its first write. Writers of
 * different blocks run at once on several CPUs (the SMP harness); the page
 * cache never writes one block from two at once, but a place taken by a
 * loser of that race would be left unused (the pool has room for a few). */
static uint32_t rd_place(struct ramdisk_host *rd, uint64_t block)
{
	uint32_t s = __atomic_load_n(&rd->slot[block], __ATOMIC_ACQUIRE), mine, expected = 0;

	if (s)
		return s;
	mine = __atomic_add_fetch(&rd->used, 1, __ATOMIC_RELAXED);
	if ((size_t)mine > rd->bytes / MM_PAGE_SIZE) {
		/* More lost races than spare places: a caller wrote one block
		 * from several threads at once, which the page cache never does. */
		fprintf(stderr, "ramdisk_host: block %llu: no place left in the pool\n",
			(unsigned long long)block);
		abort();
	}
	if (__atomic_compare_exchange_n(&rd->slot[block], &expected, mine, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return mine;
	return expected;
}

static int rd_read(struct block_device *bdev, uint64_t block, void *buf)
{
	struct ramdisk_host *rd = bdev->priv;

	if (rd->fail_reads)
		return -MM_EIO;
	memcpy(buf, rd_stored(rd, block), MM_PAGE_SIZE);
	return 0;
}

static int rd_write(struct block_device *bdev, uint64_t block, const void *buf)
{
	struct ramdisk_host *rd = bdev->priv;

	if (rd->fail_writes)
		return -MM_EIO;
	memcpy(rd->data + (size_t)(rd_place(rd, block) - 1) * MM_PAGE_SIZE, buf, MM_PAGE_SIZE);
	return 0;
}

static void *rd_map(size_t bytes)
{
	return mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		    -1, 0);
}

static const struct block_device_ops rd_ops = { rd_read, rd_write };

int ramdisk_host_create(struct block_device *bdev, uint64_t nr_blocks)
{
	struct ramdisk_host *rd;
	void *p = MAP_FAILED, *t = MAP_FAILED;

	if (nr_blocks >= UINT32_MAX - RD_SPARE_PLACES ||
	    nr_blocks + RD_SPARE_PLACES > SIZE_MAX / MM_PAGE_SIZE)
		return -1;
	rd = calloc(1, sizeof(*rd));
	if (rd) {
		rd->bytes = (nr_blocks + RD_SPARE_PLACES) * MM_PAGE_SIZE;
		rd->slot_bytes = (nr_blocks ? nr_blocks : 1) * sizeof(*rd->slot);
		p = rd_map(rd->bytes);
		t = rd_map(rd->slot_bytes);
	}
	if (p == MAP_FAILED || t == MAP_FAILED) {
		if (p != MAP_FAILED)
			munmap(p, rd->bytes);
		if (t != MAP_FAILED)
			munmap(t, rd->slot_bytes);
		free(rd);
		return -1;
	}
	madvise(p, rd->bytes, MADV_HUGEPAGE); /* a hint: failure is harmless */
	rd->data = p;
	rd->slot = t;
	*bdev = (struct block_device){
		.name = "ram0", .nr_blocks = nr_blocks, .ops = &rd_ops, .priv = rd
	};
	return 0;
}

void ramdisk_host_destroy(struct block_device *bdev)
{
	struct ramdisk_host *rd = bdev->priv;

	if (rd) {
		munmap(rd->data, rd->bytes);
		munmap(rd->slot, rd->slot_bytes);
	}
	free(rd);
	bdev->priv = NULL;
}

const void *ramdisk_host_block(struct block_device *bdev, uint64_t block)
{
	struct ramdisk_host *rd = bdev->priv;

	return rd_stored(rd, block);
}

void ramdisk_host_set_failing(struct block_device *bdev, int fail_reads, int fail_writes)
{
	struct ramdisk_host *rd = bdev->priv;

	rd->fail_reads = fail_reads;
	rd->fail_writes = fail_writes;
}
