/*
 * tests/host/test_migrate.c - page migration through the two movable
 * owners: every moved page keeps its content, its owner finds it at the
 * new frame (cache lookup, vmarea PTE and address), the old frame is free,
 * pinned pages stay, pages without an owner are not isolated, counters.
 */
#include "test_compaction_util.h"

/* Isolate every movable page of @m into @l; returns how many. */
static unsigned long isolate_all(struct mix *m, struct list_head *l)
{
	unsigned long n = 0;

	for (unsigned long i = 0; i < m->nr_slots; i++) {
		struct page *p;

		if (m->file_version[i] && (p = mm_find_get_page(&m->file, i)) != NULL) {
			mm_filemap_put_page(p);
			if (mm_isolate_movable_page(p)) {
				list_add_tail(&p->lru, l);
				n++;
			}
		}
		if (m->va_present[i] && (p = mm_vmarea_page(&m->va, i)) != NULL &&
		    mm_isolate_movable_page(p)) {
			list_add_tail(&p->lru, l);
			n++;
		}
	}
	return n;
}

HTEST(migrate_moves_cache_and_vmarea_pages_with_content_and_owners_updated)
{
	struct mix m;
	struct list_head l;
	unsigned long old_pfn_file[64], old_pfn_va[64], moved = 0, free_before;

	KT_ASSERT_EQ(compact_boot(16), 0);
	KT_ASSERT_EQ(mix_init(&m, 64), 0);
	KT_ASSERT_EQ(mix_fill(&m, 0, 0), 128);
	for (unsigned long i = 0; i < 64; i++) {
		struct page *p = mm_find_get_page(&m.file, i);

		KT_ASSERT(p != NULL);
		old_pfn_file[i] = page_to_pfn(p);
		mm_filemap_put_page(p);
		old_pfn_va[i] = page_to_pfn(mm_vmarea_page(&m.va, i));
		KT_EXPECT_EQ(mm_vmarea_pte_pfn(&m.va, i), old_pfn_va[i]);
	}
	drain_all_pages(NULL);
	free_before = nr_free_pages();
	INIT_LIST_HEAD(&l);
	KT_ASSERT_EQ(isolate_all(&m, &l), 128);
	/* Isolated cache pages are off the LRU, so reclaim cannot take them. */
	KT_EXPECT_EQ(lru_pages(LRU_INACTIVE_FILE) + lru_pages(LRU_ACTIVE_FILE), 0);
	KT_EXPECT_EQ(mm_migrate_pages(&l, mm_alloc_migration_target, NULL, GFP_HIGHUSER_MOVABLE,
				   MIGRATE_SYNC, &moved),
		     0);
	KT_EXPECT_EQ(moved, 128);
	KT_EXPECT(list_empty(&l));
	KT_EXPECT_EQ(mm_migrate_event_count(PGMIGRATE_SUCCESS), 128);
	KT_EXPECT_EQ(mm_migrate_event_count(PGMIGRATE_FAIL), 0);
	KT_EXPECT_EQ(m.va.nr_moved, 64);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(nr_free_pages(), free_before); /* one frame freed per frame taken */
	for (unsigned long i = 0; i < 64; i++) {
		struct page *p = mm_find_get_page(&m.file, i);
		struct page *old = pfn_to_page(old_pfn_file[i]);

		KT_ASSERT(p != NULL);
		KT_EXPECT(page_to_pfn(p) != old_pfn_file[i]);
		KT_EXPECT(PageLRU(p));
		KT_EXPECT(PageFlag(p, PG_dirty)); /* the state moved with it */
		/* The old frame was freed (and may hold another page now). */
		KT_EXPECT(old->mapping != &m.file || old->index != i);
		mm_filemap_put_page(p);
		KT_EXPECT(mm_vmarea_pte_pfn(&m.va, i) != old_pfn_va[i]);
		KT_EXPECT(pfn_to_page(old_pfn_va[i]) != mm_vmarea_page(&m.va, i));
	}
	KT_EXPECT_EQ(mix_verify(&m), 0);
	KT_EXPECT_EQ(m.file.nrdirty, 64);
	EXPECT_MM_CLEAN();
	/* The moved pages write back and read back right. */
	KT_EXPECT_EQ(mm_filemap_sync(&m.file), 0);
	for (unsigned long i = 0; i < 64; i++)
		KT_EXPECT_EQ(page_pattern_check(ramdisk_host_block(&m.bd, i), m.file.id, i, 1), 0);
	mix_teardown(&m);
	EXPECT_MM_CLEAN();
}

HTEST(migrate_never_moves_pinned_pages_and_puts_them_back)
{
	struct mix m;
	struct list_head l;
	unsigned long moved = 0;
	struct page *pin_file, *pin_va, *p;
	unsigned long pfn_file, pfn_va;

	KT_ASSERT_EQ(compact_boot(16), 0);
	KT_ASSERT_EQ(mix_init(&m, 8), 0);
	KT_ASSERT_EQ(mix_fill(&m, 0, 0), 16);
	pin_file = mm_find_get_page(&m.file, 3); /* a user holds it */
	pin_va = mm_vmarea_pin(&m.va, 5);
	KT_ASSERT(pin_file && pin_va);
	pfn_file = page_to_pfn(pin_file);
	pfn_va = page_to_pfn(pin_va);
	INIT_LIST_HEAD(&l);
	KT_ASSERT_EQ(isolate_all(&m, &l), 16);
	KT_EXPECT_EQ(mm_migrate_pages(&l, mm_alloc_migration_target, NULL, GFP_HIGHUSER_MOVABLE,
				   MIGRATE_SYNC, &moved),
		     2);
	KT_EXPECT_EQ(moved, 14);
	KT_EXPECT_EQ(mm_migrate_event_count(PGMIGRATE_FAIL), 2);
	mm_putback_movable_pages(&l);
	KT_EXPECT(list_empty(&l));
	p = mm_find_get_page(&m.file, 3);
	KT_EXPECT(p == pin_file);
	mm_filemap_put_page(p);
	KT_EXPECT(PageLRU(pin_file)); /* back on its list */
	KT_EXPECT_EQ(page_to_pfn(mm_vmarea_page(&m.va, 5)), pfn_va);
	KT_EXPECT_EQ(mm_vmarea_pte_pfn(&m.va, 5), pfn_va);
	KT_EXPECT_EQ(page_ref_count(pin_file), 2); /* cache + our pin, nothing leaked */
	KT_EXPECT_EQ(page_ref_count(pin_va), 2);
	KT_EXPECT_EQ(page_to_pfn(pin_file), pfn_file);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	mm_filemap_put_page(pin_file);
	mm_vmarea_unpin(pin_va);
	/* Unpinned, they move. */
	KT_ASSERT_EQ(isolate_all(&m, &l), 16);
	KT_EXPECT_EQ(mm_migrate_pages(&l, mm_alloc_migration_target, NULL, GFP_HIGHUSER_MOVABLE,
				   MIGRATE_ASYNC, NULL),
		     0);
	KT_EXPECT(mm_vmarea_pte_pfn(&m.va, 5) != pfn_va);
	KT_EXPECT_EQ(mix_verify(&m), 0);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
}

HTEST(isolation_refuses_pages_without_a_movable_owner_and_twice)
{
	struct mix m;
	struct page *plain, *p;
	struct list_head l;

	KT_ASSERT_EQ(compact_boot(16), 0);
	KT_ASSERT_EQ(mix_init(&m, 2), 0);
	KT_ASSERT_EQ(mix_fill(&m, 0, 0), 4);
	plain = alloc_page(GFP_KERNEL);
	KT_ASSERT(plain != NULL);
	KT_EXPECT(!mm_isolate_movable_page(plain));
	KT_EXPECT(mm_page_movable_ops(plain) == NULL);
	p = mm_vmarea_page(&m.va, 1);
	KT_EXPECT(mm_page_movable_ops(p) == &mm_vmarea_movable_ops);
	KT_ASSERT(mm_isolate_movable_page(p));
	KT_EXPECT(!mm_isolate_movable_page(p)); /* already isolated */
	INIT_LIST_HEAD(&l);
	list_add(&p->lru, &l);
	/* The owner lets go while the page is isolated: putback frees it. */
	mm_vmarea_unpopulate(&m.va, 1);
	m.va_present[1] = false;
	KT_EXPECT_EQ(page_ref_count(p), 1);
	mm_putback_movable_pages(&l);
	KT_EXPECT_EQ(page_ref_count(p), 0);
	p = mm_find_get_page(&m.file, 0);
	KT_EXPECT(mm_page_movable_ops(p) == &mm_filemap_movable_ops);
	mm_filemap_put_page(p);
	__free_page(plain);
	EXPECT_MM_CLEAN();
	mix_teardown(&m);
	EXPECT_MM_CLEAN();
}

HTEST(vmarea_rejects_bad_requests_clearly)
{
	struct vmarea va;

	KT_ASSERT_EQ(compact_boot(16), 0);
	KT_EXPECT_EQ(mm_vmarea_create(&va, 0, 0), -MM_EINVAL);
	KT_EXPECT_EQ(mm_vmarea_create(&va, mm_vmap_nr_slots() + 1, 0), -MM_EINVAL);
	KT_ASSERT_EQ(mm_vmarea_create(&va, 4, 0), 0);
	KT_EXPECT_EQ(mm_vmarea_populate(&va, 4), -MM_EINVAL);
	KT_EXPECT_EQ(mm_vmarea_populate(&va, 2), 0);
	KT_EXPECT_EQ(mm_vmarea_populate(&va, 2), -MM_EEXIST);
	KT_EXPECT(mm_vmarea_addr(&va, 0) == NULL);
	KT_EXPECT(mm_vmarea_addr(&va, 2) != NULL);
	KT_EXPECT_EQ(mm_vmarea_pte_pfn(&va, 0), (unsigned long)-1);
	mm_vmarea_destroy(&va);
	EXPECT_MM_CLEAN();
}

HTEST_MAIN("migrate")
