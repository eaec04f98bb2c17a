/*
 * tests/host/test_filemap.c - the page cache on a host RAM disk: writes
 * and reads through the cache, misses read from the device, writeback of
 * dirty pages, the radix tree over sparse indices and its node pages,
 * bad ranges and device errors.
 */
#include "test_reclaim_util.h"
#include "mm/util.h"

HTEST(filemap_write_then_read_gives_back_each_pattern)
{
	struct block_device bd;
	struct address_space f;

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 256), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 7, &bd, 0, 256, 0), 0);
	for (uint64_t i = 0; i < 256; i++)
		KT_ASSERT_EQ(write_version(&f, i, 1), 0);
	KT_EXPECT_EQ(f.nrpages, 256);
	KT_EXPECT_EQ(f.nrdirty, 256);
	KT_EXPECT_EQ(mm_filemap_nr_dirty(), 256);
	KT_EXPECT_EQ(lru_pages(LRU_INACTIVE_FILE), 256);
	for (uint64_t i = 0; i < 256; i++)
		KT_EXPECT_EQ(read_check(&f, i, 1), 0);
	/* Nothing reached the device yet: the cache held every write. */
	KT_EXPECT_EQ(bd.nr_writes, 0);
	KT_EXPECT_EQ(bd.nr_reads, 0);
	EXPECT_MM_CLEAN();
	KT_EXPECT_EQ(mm_filemap_evict(&f, true), 256);
	KT_EXPECT_EQ(mm_filemap_nr_pages(), 0);
	KT_EXPECT(mm_filemap_nr_node_pages() <= 1); /* the preload reserve */
	mm_filemap_drain_node_pool();
	KT_EXPECT_EQ(mm_filemap_nr_node_pages(), 0);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

HTEST(filemap_sync_writes_each_dirty_page_once_and_a_miss_reads_it_back)
{
	struct block_device bd;
	struct address_space f;

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 100), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 3, &bd, 10, 90, 0), 0);
	for (uint64_t i = 0; i < 90; i++)
		KT_ASSERT_EQ(write_version(&f, i, 1 + i % 3), 0);
	KT_EXPECT_EQ(mm_filemap_sync(&f), 0);
	KT_EXPECT_EQ(bd.nr_writes, 90);
	KT_EXPECT_EQ(f.nrdirty, 0);
	KT_EXPECT_EQ(mm_filemap_sync(&f), 0);
	KT_EXPECT_EQ(bd.nr_writes, 90); /* clean pages are not written again */
	for (uint64_t i = 0; i < 90; i++)
		KT_EXPECT_EQ(page_pattern_check(ramdisk_host_block(&bd, 10 + i), 3, i, 1 + i % 3),
			     0);
	/* blocks before the file's range untouched */
	KT_EXPECT_EQ(page_pattern_check(ramdisk_host_block(&bd, 9), 0, 0, 0), 0);
	KT_EXPECT_EQ(mm_filemap_evict(&f, false), 90);
	KT_EXPECT_EQ(f.nrpages, 0);
	for (uint64_t i = 0; i < 90; i++)
		KT_EXPECT_EQ(read_check(&f, i, 1 + i % 3), 0);
	KT_EXPECT_EQ(bd.nr_reads, 90);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGPGIN_PAGES), 90);
	KT_EXPECT_EQ(mm_global_reclaim_event(PGPGOUT_PAGES), 90);
	/* A never-written block reads back as zeros (version 0). */
	struct address_space g;
	KT_ASSERT_EQ(mm_filemap_init(&g, 4, &bd, 0, 10, 0), 0);
	KT_EXPECT_EQ(read_check(&g, 5, 0), 0);
	EXPECT_MM_CLEAN();
	mm_filemap_evict(&f, true);
	mm_filemap_evict(&g, true);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

/* A device without storage: reads give zeros, writes vanish. Enough for
 * the radix tree over a 2^32-page file. */
static int null_read(struct block_device *b, uint64_t blk, void *buf)
{
	(void)b, (void)blk;
	memset(buf, 0, MM_PAGE_SIZE);
	return 0;
}
static int null_write(struct block_device *b, uint64_t blk, const void *buf)
{
	(void)b, (void)blk, (void)buf;
	return 0;
}
static const struct block_device_ops null_ops = { null_read, null_write };

HTEST(filemap_radix_tree_handles_sparse_indices_and_frees_its_nodes)
{
	struct block_device bd = { .name = "null", .nr_blocks = 1ull << 32, .ops = &null_ops };
	struct address_space f;
	static const uint64_t idx[] = {
		0,	1,	63,	  64,		4095,	      4096,
		262143, 262144, 1u << 20, 0xfffffffful, 0x80000000ul, 12345678
	};
	const size_t n = sizeof(idx) / sizeof(idx[0]);

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 9, &bd, 0, 1ull << 32, 0), 0);
	for (size_t i = 0; i < n; i++)
		KT_ASSERT_EQ(write_version(&f, idx[i], i + 1), 0);
	KT_EXPECT_EQ(f.nrpages, n);
	KT_EXPECT_EQ(f.height, 6);
	KT_EXPECT(mm_filemap_nr_node_pages() > 0);
	for (size_t i = 0; i < n; i++) {
		struct page *p = mm_find_get_page(&f, idx[i]);

		KT_ASSERT(p != NULL);
		KT_EXPECT_EQ(p->index, (uint32_t)idx[i]);
		KT_EXPECT_EQ(page_pattern_check(page_address(p), 9, idx[i], i + 1), 0);
		mm_filemap_put_page(p);
	}
	/* neighbours of the stored indices are absent */
	KT_EXPECT(mm_find_get_page(&f, 2) == NULL);
	KT_EXPECT(mm_find_get_page(&f, 65) == NULL);
	KT_EXPECT(mm_find_get_page(&f, 0xfffffffeul) == NULL);
	KT_EXPECT_EQ(mm_filemap_evict(&f, true), n);
	KT_EXPECT_EQ(f.nrpages, 0);
	KT_EXPECT(f.root == NULL);
	mm_filemap_drain_node_pool();
	KT_EXPECT_EQ(mm_filemap_nr_node_pages(), 0);
	EXPECT_MM_CLEAN();
}

HTEST(filemap_rejects_ranges_outside_the_device_and_the_file)
{
	struct block_device bd;
	struct address_space f;
	int err = 0;

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 64), 0);
	KT_EXPECT_EQ(mm_filemap_init(&f, 1, &bd, 60, 5, 0), -MM_EINVAL);
	KT_EXPECT_EQ(mm_filemap_init(&f, 1, &bd, 65, 0, 0), -MM_EINVAL);
	KT_EXPECT_EQ(mm_filemap_init(&f, 1, NULL, 0, 1, 0), -MM_EINVAL);
	KT_ASSERT_EQ(mm_filemap_init(&f, 1, &bd, 60, 4, 0), 0);
	KT_EXPECT_EQ(write_version(&f, 4, 1), -MM_EINVAL);
	KT_EXPECT(mm_filemap_get_page(&f, 4, &err) == NULL);
	KT_EXPECT_EQ(err, -MM_EINVAL);
	KT_EXPECT_EQ(f.nrpages, 0);
	ramdisk_host_destroy(&bd);
}

HTEST(filemap_device_errors_are_reported_and_nothing_is_lost)
{
	struct block_device bd;
	struct address_space f;
	int err = 0;

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 16), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 2, &bd, 0, 16, 0), 0);
	ramdisk_host_set_failing(&bd, 1, 1);
	KT_EXPECT(mm_filemap_get_page(&f, 3, &err) == NULL);
	KT_EXPECT_EQ(err, -MM_EIO);
	KT_EXPECT_EQ(f.nrpages, 0);
	KT_ASSERT_EQ(write_version(&f, 3, 5), 0);
	KT_EXPECT_EQ(mm_filemap_sync(&f), -MM_EIO);
	KT_EXPECT_EQ(f.nrdirty, 1); /* still dirty: the data lives only here */
	KT_EXPECT_EQ(f.wb_err, -MM_EIO);
	/* reclaim cannot drop it either */
	struct scan_control sc = { .nr_to_reclaim = 16 };
	KT_EXPECT_EQ(mm_try_to_free_pages(GFP_KERNEL, 0, ZONE_NORMAL, &sc), 0);
	KT_EXPECT_EQ(f.nrpages, 1);
	ramdisk_host_set_failing(&bd, 0, 0);
	KT_EXPECT_EQ(mm_try_to_free_pages(GFP_KERNEL, 0, ZONE_NORMAL, NULL), 1);
	KT_EXPECT_EQ(f.nrpages, 0);
	KT_EXPECT_EQ(page_pattern_check(ramdisk_host_block(&bd, 3), 2, 3, 5), 0);
	KT_EXPECT_EQ(read_check(&f, 3, 5), 0);
	mm_filemap_evict(&f, true);
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

/* The other file truncated between an insertion's node preload and its
 * insert, as reclaim or truncation on another CPU may do: the node pages
 * it empties must not take the nodes the insertion reserved (regression:
 * -ENOMEM with memory free, seen on a 4-CPU 4-node boot). */
static struct address_space *hook_victim;

static void truncate_victim(void)
{
	if (hook_victim)
		mm_filemap_evict(hook_victim, true);
	hook_victim = NULL;
}

HTEST(filemap_preloaded_nodes_survive_truncation_before_the_insert)
{
	struct block_device bd;
	struct address_space a, b;
	int failures = 0;

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 8192), 0);
	/* How many spare nodes B's node pages keep depends on how many
	 * leaves B has (NODES_PER_PAGE of them a page): over a range of
	 * sizes, most leave enough spares for A's preload to count on. */
	for (uint64_t n = 21; n <= 34; n++) {
		KT_ASSERT_EQ(mm_filemap_init(&a, 1, &bd, 0, 4096, 0), 0);
		KT_ASSERT_EQ(mm_filemap_init(&b, 2, &bd, 4096, 4096, 0), 0);
		mm_filemap_drain_node_pool();
		for (uint64_t i = 0; i < n; i++) /* one leaf each */
			KT_ASSERT_EQ(write_version(&b, i * 67, 1), 0);
		hook_victim = &b;
		mm_filemap_preload_hook = truncate_victim;
		int err = write_version(&a, 4000, 1);
		mm_filemap_preload_hook = NULL;
		if (err) {
			ktest_fail(__FILE__, __LINE__, "B with %llu pages: insert into A: %d",
				   (unsigned long long)n, err);
			failures++;
		}
		KT_EXPECT(hook_victim == NULL); /* the hook ran */
		KT_EXPECT_EQ(b.nrpages, 0);
		if (!err)
			KT_EXPECT_EQ(read_check(&a, 4000, 1), 0);
		mm_filemap_evict(&a, true);
	}
	KT_EXPECT_EQ(failures, 0);
	mm_filemap_drain_node_pool();
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

/* The page copies go 8 bytes at a time only when both ends allow it: a
 * caller's buffer at any byte offset still round-trips through the cache
 * and the device (UBSan would stop on a misaligned word access). */
HTEST(filemap_buffers_at_odd_offsets_round_trip)
{
	static unsigned char src[MM_PAGE_SIZE + 8], dst[MM_PAGE_SIZE + 8];
	struct block_device bd;
	struct address_space f;

	KT_ASSERT_EQ(reclaim_boot(16), 0);
	KT_ASSERT_EQ(ramdisk_host_create(&bd, 8), 0);
	KT_ASSERT_EQ(mm_filemap_init(&f, 5, &bd, 0, 8, 0), 0);
	for (unsigned int off = 0; off < 8; off++) {
		for (size_t i = 0; i < MM_PAGE_SIZE; i++)
			src[off + i] = (unsigned char)(i * 31 + off);
		KT_ASSERT_EQ(mm_filemap_write(&f, off, src + off), 0);
	}
	KT_EXPECT_EQ(mm_filemap_sync(&f), 0);
	KT_EXPECT_EQ(mm_filemap_evict(&f, false), 8);
	for (unsigned int off = 0; off < 8; off++) {
		unsigned int rd = 7 - off, bad = 0;

		KT_ASSERT_EQ(mm_filemap_read(&f, off, dst + rd), 0); /* a miss: from the device */
		for (size_t i = 0; i < MM_PAGE_SIZE; i++)
			bad += dst[rd + i] != (unsigned char)(i * 31 + off);
		KT_EXPECT_EQ(bad, 0);
	}
	/* And the helper itself, on lengths that are not whole words. */
	for (size_t n = 0; n < 24; n++) {
		unsigned int bad = 0;

		memset(dst, 0xee, 32);
		mm_memcpy_words(dst + 8, src + 8, n);
		for (size_t i = 0; i < 32; i++)
			bad += dst[i] != (i >= 8 && i < 8 + n ? src[i] : 0xee);
		KT_EXPECT_EQ(bad, 0);
	}
	mm_filemap_evict(&f, true);
	mm_filemap_drain_node_pool();
	EXPECT_MM_CLEAN();
	ramdisk_host_destroy(&bd);
}

HTEST_MAIN("filemap")
