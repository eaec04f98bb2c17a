/*
 * tests/host/test_buddy.c - host tests of the zoned buddy allocator: zone
 * layout, every order, zone modifiers and fallback, watermarks and the
 * lowmem reserve, __GFP_ZERO/__GFP_COMP/exact allocations, bad frees and
 * poisoning, and migratetype clustering. The invariant checker runs after
 * each test's operations.
 */
#include "test_buddy_util.h"
#include "mm/internal.h"

static unsigned long snap_before[MM_BUDDYINFO_ZONES][MAX_ORDER];
static unsigned long snap_after[MM_BUDDYINFO_ZONES][MAX_ORDER];

static int boot_512m(void)
{
	mm_debug_poison = true;
	return boot_qemu_layout(512 * MiB, 6 * MiB);
}

HTEST(zone_layout_512m_matches_linux)
{
	KT_ASSERT_EQ(boot_512m(), 0);
	/* Linux 6.1 at -m 512: DMA start 1 spanned 4095 present 3998 managed
	 * 3840; DMA32 spanned 126944 present 126944. */
	KT_EXPECT_EQ(zone_of(ZONE_DMA)->zone_start_pfn, 1);
	KT_EXPECT_EQ(zone_of(ZONE_DMA)->spanned_pages, 4095);
	KT_EXPECT_EQ(zone_of(ZONE_DMA)->present_pages, 3998);
	KT_EXPECT_EQ(zone_of(ZONE_DMA)->managed_pages, 3840);
	KT_EXPECT_EQ(zone_of(ZONE_DMA32)->zone_start_pfn, 4096);
	KT_EXPECT_EQ(zone_of(ZONE_DMA32)->spanned_pages, 126944);
	KT_EXPECT_EQ(zone_of(ZONE_DMA32)->present_pages, 126944);
	KT_EXPECT(zone_of(ZONE_DMA32)->managed_pages < 126944);
	KT_EXPECT_EQ(zone_of(ZONE_NORMAL)->spanned_pages, 0);
	KT_EXPECT_EQ(zone_of(ZONE_NORMAL)->managed_pages, 0);
	/* memmap + kernel + pageblock flags + the last-freer table (poisoning
	 * is on) are the only DMA32 reservations */
	unsigned long memmap_pages = (mm_max_pfn * sizeof(struct page) + 4095) / 4096;
	unsigned long freer_pages = (mm_max_pfn * sizeof(void *) + 4095) / 4096;
	KT_EXPECT_EQ(zone_of(ZONE_DMA32)->managed_pages, 126944 - memmap_pages - (6 * MiB >> 12) -
								 1 /* pageblock flags */ -
								 freer_pages);
	KT_EXPECT_EQ(nr_free_pages(),
		     zone_of(ZONE_DMA)->managed_pages + zone_of(ZONE_DMA32)->managed_pages);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	host_capture_start();
	mm_print_zone_summary();
	const char *out = host_capture_stop();
	KT_EXPECT(
		strstr(out,
		       "Node 0, zone      DMA: start_pfn 0x1 spanned 4095 present 3998 managed 3840\n") !=
		NULL);
	KT_EXPECT(strstr(out,
			 "Node 0, zone   Normal: start_pfn 0x0 spanned 0 present 0 managed 0\n") !=
		  NULL);
}

HTEST(reserved_pages_never_reach_the_free_lists)
{
	KT_ASSERT_EQ(boot_512m(), 0);
	for (unsigned long pfn = 0; pfn < mm_max_pfn; pfn++) {
		struct page *p = pfn_to_page(pfn);
		bool reserved = mm_memblock_is_reserved((uint64_t)pfn << 12) ||
				!mm_memblock_is_memory((uint64_t)pfn << 12);
		if (reserved != !!PageReserved(p)) {
			ktest_fail(__FILE__, __LINE__, "pfn 0x%lx reserved %d but PG_reserved %d",
				   pfn, reserved, PageReserved(p));
			return;
		}
	}
}

HTEST(every_order_allocates_aligned_blocks_and_merges_back)
{
	KT_ASSERT_EQ(boot_512m(), 0);
	mm_buddyinfo_snapshot(snap_before);
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);

		KT_ASSERT(p != NULL);
		KT_EXPECT_EQ(page_to_pfn(p) & ((1UL << order) - 1), 0);
		KT_EXPECT_EQ(page_ref_count(p), 1);
		KT_EXPECT(zone_spans_pfn(page_zone(p), page_to_pfn(p)));
		KT_EXPECT_EQ(mm_check_invariants(), 0);
		__free_pages(p, order);
		KT_EXPECT_EQ(mm_check_invariants(), 0);
	}
	drain_all_pages(NULL);
	mm_buddyinfo_snapshot(snap_after);
	KT_EXPECT(buddyinfo_equal(snap_before, snap_after));
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(freeing_everything_restores_initial_buddyinfo)
{
	struct held_set s = { 0 };

	KT_ASSERT_EQ(boot_512m(), 0);
	mm_debug_poison = false; /* 500 MB of poison is slow under ASan */
	mm_buddyinfo_snapshot(snap_before);
	unsigned long free0 = nr_free_pages();
	srand(7);
	for (int i = 0; i < 20000; i++) {
		unsigned int order = (unsigned int)(rand() % 4 == 0 ? rand() % MAX_ORDER : 0);
		gfp_t gfp = rand() % 2 ? GFP_KERNEL : GFP_HIGHUSER_MOVABLE;
		struct page *p = alloc_pages(gfp | __GFP_NOWARN, order);
		if (p)
			held_push(&s, p, order);
	}
	/* and then everything that is left */
	held_fill(&s, GFP_ATOMIC, 0);
	KT_EXPECT(nr_free_pages() < free0 / 50);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	/* free in a shuffled order */
	for (size_t i = s.n; i > 1; i--) {
		size_t j = (size_t)rand() % i;
		struct held t = s.v[i - 1];
		s.v[i - 1] = s.v[j];
		s.v[j] = t;
	}
	held_free_all(&s);
	drain_all_pages(NULL);
	mm_buddyinfo_snapshot(snap_after);
	KT_EXPECT(buddyinfo_equal(snap_before, snap_after));
	KT_EXPECT_EQ(nr_free_pages(), free0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	mm_debug_poison = true;
}

HTEST(zone_modifiers_are_obeyed_and_normal_falls_back_to_dma32)
{
	struct held_set s = { 0 };

	mm_debug_poison = false;
	KT_ASSERT_EQ(boot_qemu_layout(4 * GiB + 512 * MiB, 6 * MiB), 0);
	KT_EXPECT(zone_of(ZONE_NORMAL)->managed_pages > 0);
	KT_EXPECT_EQ(zone_of(ZONE_NORMAL)->zone_start_pfn, (4 * GiB) >> 12);
	struct page *p = alloc_pages(GFP_DMA, 0);
	KT_ASSERT(p != NULL);
	KT_EXPECT(page_to_pfn(p) < (16 * MiB >> 12));
	KT_EXPECT_EQ(page_zonenum(p), ZONE_DMA);
	__free_pages(p, 0);
	p = alloc_pages(GFP_DMA32, 3);
	KT_ASSERT(p != NULL);
	KT_EXPECT(page_to_pfn(p) < (4 * GiB >> 12));
	KT_EXPECT(page_to_pfn(p) >= (16 * MiB >> 12));
	__free_pages(p, 3);
	p = alloc_pages(GFP_KERNEL, 0);
	KT_ASSERT(p != NULL);
	KT_EXPECT_EQ(page_zonenum(p), ZONE_NORMAL);
	__free_pages(p, 0);
	/* Exhaust Normal with order-9 blocks; the next ones come from DMA32. */
	unsigned long pgalloc_dma32 = mm_global_vm_event(PGALLOC_DMA32);
	size_t n = 0;
	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 9)) != NULL &&
	       page_zonenum(p) == ZONE_NORMAL) {
		held_push(&s, p, 9);
		n++;
	}
	KT_ASSERT(p != NULL);
	KT_EXPECT(n >= zone_of(ZONE_NORMAL)->managed_pages / 512 - 4);
	KT_EXPECT_EQ(page_zonenum(p), ZONE_DMA32);
	KT_EXPECT_EQ(mm_global_vm_event(PGALLOC_DMA32) - pgalloc_dma32, 512);
	held_push(&s, p, 9);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	held_free_all(&s);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	mm_debug_poison = true;
}

HTEST(watermarks_refuse_kernel_then_atomic_reaches_below_min)
{
	struct held_set s = { 0 };
	struct zone *dma = zone_of(ZONE_DMA), *dma32 = zone_of(ZONE_DMA32);

	mm_debug_poison = false;
	KT_ASSERT_EQ(boot_512m(), 0);
	held_fill(&s, GFP_KERNEL, 0);
	/* Pages left on the per-CPU lists were taken from the buddy lists
	 * before the last refusal: the buddy count is within a batch of min. */
	long f32 = zone_page_state(dma32, NR_FREE_PAGES);
	long fdma = zone_page_state(dma, NR_FREE_PAGES);
	long min32 = (long)min_wmark_pages(dma32);
	/* GFP_KERNEL stops at min (retry at min, no access below it) ... */
	KT_EXPECT(f32 <= min32);
	KT_EXPECT(f32 > min32 - dma32->pcp[0].batch);
	/* ... and leaves DMA its lowmem reserve against Normal requests. */
	long dma_floor = (long)min_wmark_pages(dma) + dma->lowmem_reserve[ZONE_NORMAL];
	KT_EXPECT(dma->lowmem_reserve[ZONE_NORMAL] > 400);
	KT_EXPECT(fdma > dma_floor - dma->pcp[0].batch);
	KT_EXPECT(fdma <= dma_floor);
	ktest_diag("after GFP_KERNEL exhaustion: DMA32 free %ld (min %ld), DMA free %ld (floor %ld)",
		   f32, min32, fdma, dma_floor);
	/* GFP_ATOMIC goes to min - min/2 - (min/2)/4 */
	size_t atomic = held_fill(&s, GFP_ATOMIC, 0);
	KT_EXPECT(atomic > (size_t)min32 / 2);
	long atomic_floor = min32 - min32 / 2 - (min32 - min32 / 2) / 4;
	long fa = zone_page_state(dma32, NR_FREE_PAGES);
	KT_EXPECT(fa <= atomic_floor);
	KT_EXPECT(fa > atomic_floor - dma32->pcp[0].batch);
	ktest_diag("after GFP_ATOMIC exhaustion: DMA32 free %ld (atomic floor %ld)", fa,
		   atomic_floor);
	drain_all_pages(NULL);
	/* __GFP_DMA requests may still use DMA's reserve */
	struct page *p = alloc_pages(GFP_DMA | __GFP_NOWARN, 0);
	KT_EXPECT(p != NULL);
	if (p)
		held_push(&s, p, 0);
	/* GFP_KERNEL now fails; __GFP_MEMALLOC ignores watermarks */
	KT_EXPECT(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) == NULL);
	p = alloc_pages(GFP_KERNEL | __GFP_MEMALLOC, 0);
	KT_EXPECT(p != NULL);
	if (p)
		held_push(&s, p, 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	held_free_all(&s);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	mm_debug_poison = true;
}

HTEST(gfp_zero_comp_and_exact_allocations)
{
	KT_ASSERT_EQ(boot_512m(), 0);
	struct page *p = alloc_pages(GFP_KERNEL, 1);
	KT_ASSERT(p != NULL);
	memset(page_address(p), 0x5c, 2 * 4096);
	__free_pages(p, 1);
	p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 1);
	KT_ASSERT(p != NULL);
	unsigned char *b = page_address(p);
	int nonzero = 0;
	for (int i = 0; i < 2 * 4096; i++)
		nonzero |= b[i];
	KT_EXPECT_EQ(nonzero, 0);
	__free_pages(p, 1);
	unsigned long z = get_zeroed_page(GFP_KERNEL);
	KT_ASSERT(z != 0);
	KT_EXPECT_EQ(((unsigned char *)z)[123], 0);
	free_page(z);

	p = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	KT_ASSERT(p != NULL);
	KT_EXPECT(PageHead(p));
	for (int i = 1; i < 4; i++) {
		KT_EXPECT(PageTail(p + i));
		KT_EXPECT(compound_head(p + i) == p);
	}
	__free_pages(p, 2);
	KT_EXPECT(!PageTail(p + 1));

	drain_all_pages(NULL);
	unsigned long before = nr_free_pages();
	void *v = alloc_pages_exact(5 * 4096, GFP_KERNEL);
	KT_ASSERT(v != NULL);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(before - nr_free_pages(), 5);
	free_pages_exact(v, 5 * 4096);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(nr_free_pages(), before);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

/* Capture a bad free; check the report names the pfn and the lists survive. */
static void expect_bad_free(struct page *page, unsigned int order, unsigned long pfn,
			    const char *reason)
{
	char want[64];
	unsigned long bad0 = mm_global_vm_event(BAD_PAGES);

	drain_all_pages(NULL);
	unsigned long free0 = nr_free_pages();
	host_capture_start();
	__free_pages(page, order);
	const char *out = host_capture_stop();
	snprintf(want, sizeof(want), "pfn:%05lx", pfn);
	if (!strstr(out, "BUG: Bad page state") || !strstr(out, want) || !strstr(out, reason))
		ktest_fail(__FILE__, __LINE__, "report for pfn 0x%lx (%s) missing: [%s]", pfn,
			   reason, out);
	KT_EXPECT_EQ(mm_global_vm_event(BAD_PAGES), bad0 + 1);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(nr_free_pages(), free0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(bad_frees_are_reported_and_leave_the_lists_intact)
{
	KT_ASSERT_EQ(boot_512m(), 0);
	/* double free while on a per-CPU list, then on a buddy free list */
	struct page *p = alloc_pages(GFP_KERNEL, 0);
	KT_ASSERT(p != NULL);
	unsigned long pfn = page_to_pfn(p);
	__free_pages(p, 0);
	{
		unsigned long bad0 = mm_global_vm_event(BAD_PAGES);
		host_capture_start();
		__free_pages(p, 0); /* now on the pcp list */
		const char *out = host_capture_stop();
		KT_EXPECT(strstr(out, "per-cpu list") != NULL);
		KT_EXPECT_EQ(mm_global_vm_event(BAD_PAGES), bad0 + 1);
		KT_EXPECT_EQ(mm_check_invariants(), 0);
	}
	/* after draining it is free in the buddy lists (head or interior) */
	expect_bad_free(p, 0, pfn, "already free");

	/* a reserved page: the low 1 MiB */
	expect_bad_free(pfn_to_page(0x50), 0, 0x50, "PageReserved");

	/* wrong order */
	p = alloc_pages(GFP_KERNEL, 2);
	KT_ASSERT(p != NULL);
	expect_bad_free(p, 1, page_to_pfn(p), "another order");
	/* misaligned for the order given */
	expect_bad_free(p + 1, 1, page_to_pfn(p) + 1, "not aligned");
	/* a page inside an allocated block */
	expect_bad_free(p + 2, 0, page_to_pfn(p) + 2, "zero refcount");
	__free_pages(p, 2); /* the right free still works */
	KT_EXPECT_EQ(mm_check_invariants(), 0);

	/* still mapped */
	p = alloc_pages(GFP_KERNEL, 0);
	KT_ASSERT(p != NULL);
	p->mapping = (void *)0x1234;
	expect_bad_free(p, 0, page_to_pfn(p), "non-NULL mapping");

	/* a compound tail freed on its own */
	p = alloc_pages(GFP_KERNEL | __GFP_COMP, 1);
	KT_ASSERT(p != NULL);
	expect_bad_free(p + 1, 0, page_to_pfn(p) + 1, "tail page");
	__free_pages(p, 1);

	/* a pointer that is no struct page at all */
	{
		unsigned long bad0 = mm_global_vm_event(BAD_PAGES);
		host_capture_start();
		__free_pages(mm_mem_map + mm_max_pfn + 10, 0);
		const char *out = host_capture_stop();
		KT_EXPECT(strstr(out, "not in the memory map") != NULL);
		KT_EXPECT_EQ(mm_global_vm_event(BAD_PAGES), bad0 + 1);
	}
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(poisoning_reports_a_write_after_free)
{
	KT_ASSERT_EQ(boot_512m(), 0);
	mm_debug_poison = true;
	struct page *p = alloc_pages(GFP_KERNEL, 0);
	KT_ASSERT(p != NULL);
	unsigned long pfn = page_to_pfn(p);
	unsigned char *v = page_address(p);
	__free_pages(p, 0);
	KT_EXPECT_EQ(v[100], PAGE_POISON);
	v[100] = 1; /* use after free */
	unsigned long err0 = mm_global_vm_event(POISON_ERRORS);
	host_capture_start();
	struct page *q = alloc_pages(GFP_KERNEL, 0); /* LIFO per-CPU list: the same page */
	const char *out = host_capture_stop();
	KT_ASSERT(q == p);
	char want[32];
	snprintf(want, sizeof(want), "pfn:%05lx", pfn);
	KT_EXPECT(strstr(out, "poison") != NULL);
	KT_EXPECT(strstr(out, want) != NULL);
	KT_EXPECT_EQ(mm_global_vm_event(POISON_ERRORS), err0 + 1);
	__free_pages(q, 0);
	/* a clean round trip reports nothing */
	host_capture_start();
	q = alloc_pages(GFP_KERNEL, 0);
	out = host_capture_stop();
	KT_EXPECT_EQ(out[0], 0);
	__free_pages(q, 0);
}

HTEST(invalid_gfp_combinations_are_rejected_with_a_warning)
{
	static const struct {
		gfp_t gfp;
		unsigned int order;
		const char *why;
	} bad[] = {
		{ __GFP_DMA | __GFP_DMA32, 0, "zone modifier" },
		{ __GFP_DMA32 | __GFP_HIGHMEM, 0, "zone modifier" },
		{ __GFP_MOVABLE | __GFP_RECLAIMABLE, 0, "__GFP_RECLAIMABLE" },
		{ GFP_KERNEL | __GFP_NOFAIL | __GFP_NORETRY, 0, "NORETRY" },
		{ GFP_KERNEL | __GFP_NOFAIL, 4, "order 3" },
		{ GFP_KERNEL, MAX_ORDER, "MAX_ORDER" },
		{ 0x40000000u, 0, "unknown" },
	};
	KT_ASSERT_EQ(boot_512m(), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		host_capture_start();
		struct page *p = alloc_pages(bad[i].gfp, bad[i].order);
		const char *out = host_capture_stop();
		KT_EXPECT(p == NULL);
		if (!strstr(out, "WARNING") || !strstr(out, bad[i].why) ||
		    strchr(out, '\n') != out + strlen(out) - 1)
			ktest_fail(__FILE__, __LINE__, "gfp 0x%x order %u: [%s]", bad[i].gfp,
				   bad[i].order, out);
	}
	KT_EXPECT_EQ(mm_global_vm_event(PGALLOC_INVALID), sizeof(bad) / sizeof(bad[0]));
	/* NOFAIL at order 1 is fine */
	struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 1);
	KT_EXPECT(p != NULL);
	if (p)
		__free_pages(p, 1);
}

HTEST(fallback_stealing_keeps_unmovable_allocations_clustered)
{
	struct held_set s = { 0 };
	unsigned long unmov_pages = 0;

	mm_debug_poison = false;
	KT_ASSERT_EQ(boot_512m(), 0);
	/* One unmovable page for every 8 movable ones, interleaved. */
	for (int i = 0; i < 36000; i++) {
		bool unmov = i % 9 == 0;
		struct page *p = alloc_pages(unmov ? GFP_KERNEL : GFP_HIGHUSER_MOVABLE, 0);
		KT_ASSERT(p != NULL);
		p->index = unmov; /* remember the kind */
		held_push(&s, p, 0);
		unmov_pages += unmov;
	}
	/* Count pageblocks holding unmovable pages, and those also holding movable. */
	unsigned long nblocks = (mm_max_pfn + 511) / 512;
	unsigned char *kinds = calloc(nblocks, 1);
	for (size_t i = 0; i < s.n; i++)
		kinds[page_to_pfn(s.v[i].page) / 512] |= s.v[i].page->index ? 1 : 2;
	unsigned long with_unmov = 0, mixed = 0;
	for (unsigned long b = 0; b < nblocks; b++) {
		with_unmov += (kinds[b] & 1) != 0;
		mixed += kinds[b] == 3;
	}
	free(kinds);
	unsigned long ideal = (unmov_pages + 511) / 512;
	ktest_diag("%lu unmovable pages in %lu pageblocks (ideal %lu), %lu mixed", unmov_pages,
		   with_unmov, ideal, mixed);
	KT_EXPECT(with_unmov <= 2 * ideal + 2);
	KT_EXPECT(mixed <= 2);
	for (size_t i = 0; i < s.n; i++)
		s.v[i].page->index = 0;
	unsigned long counts[MIGRATE_TYPES];
	mm_pageblock_counts(zone_of(ZONE_DMA32), counts);
	KT_EXPECT(counts[MIGRATE_UNMOVABLE] >= ideal);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	held_free_all(&s);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	mm_debug_poison = true;
}

/* With no large free blocks left, unmovable requests steal single pages
 * from movable pageblocks; claiming the whole pageblock when half of it is
 * free keeps the next ones there instead of scattering them. */
HTEST(fragmented_memory_unmovable_steals_claim_pageblocks)
{
	struct held_set s = { 0 };

	mm_debug_poison = false;
	KT_ASSERT_EQ(boot_512m(), 0);
	held_fill(&s, GFP_HIGHUSER_MOVABLE, 0);
	srand(11);
	for (size_t n = s.n / 2; n; n--) {
		size_t i = (size_t)rand() % s.n;
		__free_pages(s.v[i].page, 0);
		s.v[i] = s.v[--s.n];
	}
	drain_all_pages(NULL);
	size_t first_unmov = s.n;
	for (int i = 0; i < 2000; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, 0);
		KT_ASSERT(p != NULL);
		held_push(&s, p, 0);
	}
	unsigned long nblocks = (mm_max_pfn + 511) / 512, with_unmov = 0;
	unsigned char *seen = calloc(nblocks, 1);
	for (size_t i = first_unmov; i < s.n; i++) {
		unsigned long b = page_to_pfn(s.v[i].page) / 512;
		with_unmov += !seen[b];
		seen[b] = 1;
	}
	free(seen);
	unsigned long counts[MIGRATE_TYPES];
	mm_pageblock_counts(zone_of(ZONE_DMA32), counts);
	ktest_diag("2000 unmovable pages in %lu pageblocks (about 256 free in each); %lu pageblocks claimed",
		   with_unmov, counts[MIGRATE_UNMOVABLE]);
	KT_EXPECT(with_unmov <= 3 * (2000 / 256 + 1));
	KT_EXPECT(counts[MIGRATE_UNMOVABLE] >= 2000 / 512);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	held_free_all(&s);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	mm_debug_poison = true;
}

HTEST(highatomic_reserve_is_taken_for_high_order_atomics)
{
	struct held_set s = { 0 };

	mm_debug_poison = false;
	KT_ASSERT_EQ(boot_512m(), 0);
	struct zone *z = zone_of(ZONE_DMA32);
	/* Above the low watermark an atomic request is served by the fast
	 * path like any other: no reserve. */
	struct page *p = alloc_pages(GFP_ATOMIC, 2);
	KT_ASSERT(p != NULL);
	KT_EXPECT_EQ(z->nr_reserved_highatomic, 0);
	__free_pages(p, 2);
	/* Below low, high-order atomics go through the retry with
	 * ALLOC_HARDER, and their pageblock becomes the reserve. */
	held_fill(&s, GFP_KERNEL, 2);
	p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 2);
	KT_ASSERT(p != NULL);
	held_push(&s, p, 2);
	KT_EXPECT_EQ(z->nr_reserved_highatomic, pageblock_nr_pages);
	KT_EXPECT_EQ(mm_get_pageblock_migratetype(page_to_pfn(p)), MIGRATE_HIGHATOMIC);
	/* ordinary requests do not count the reserve as free */
	long nf = zone_page_state(z, NR_FREE_PAGES);
	KT_EXPECT(!mm_zone_watermark_ok(z, 0, (unsigned long)nf - pageblock_nr_pages, ZONE_DMA32, 0));
	KT_EXPECT(mm_zone_watermark_ok(z, 0, (unsigned long)nf - pageblock_nr_pages, ZONE_DMA32,
				    ALLOC_HARDER));
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	held_free_all(&s);
	/* the cap: a pageblock is added while the reserve is under 1% of the
	 * zone plus one pageblock */
	unsigned long cap = z->managed_pages / 100 + pageblock_nr_pages;
	for (unsigned long pfn = z->zone_start_pfn; pfn < zone_end_pfn(z);
	     pfn += pageblock_nr_pages)
		mm_reserve_highatomic_pageblock(pfn_to_page(pfn), z);
	KT_EXPECT(z->nr_reserved_highatomic >= cap);
	KT_EXPECT(z->nr_reserved_highatomic < cap + pageblock_nr_pages);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	/* and the slowpath's release gives a block back */
	unsigned long r = z->nr_reserved_highatomic;
	const struct alloc_context ac = { .zonelist = mm_node_zonelist(0, GFP_KERNEL),
					  .highest_zoneidx = ZONE_DMA32,
					  .migratetype = MIGRATE_MOVABLE };
	KT_EXPECT(mm_unreserve_highatomic_pageblock(&ac, false));
	KT_EXPECT_EQ(z->nr_reserved_highatomic, r - pageblock_nr_pages);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	mm_debug_poison = true;
}

HTEST(proc_formats_match_linux)
{
	KT_ASSERT_EQ(boot_512m(), 0);
	host_capture_start();
	mm_print_buddyinfo();
	mm_print_zoneinfo();
	mm_print_pagetypeinfo();
	mm_print_vmstat();
	const char *out = host_capture_stop();
	char line[256];
	struct zone *dma = zone_of(ZONE_DMA);
	int n = snprintf(line, sizeof(line), "Node 0, zone      DMA ");
	for (int o = 0; o < MAX_ORDER; o++)
		n += snprintf(line + n, sizeof(line) - n, "%6lu ", dma->free_area[o].nr_free);
	snprintf(line + n, sizeof(line) - n, "\n");
	KT_EXPECT(strstr(out, line) != NULL);
	KT_EXPECT(strstr(out, "zone   Normal ") == NULL ||
		  strstr(out, "Node 0, zone   Normal\n  pages free     0\n"));
	snprintf(line, sizeof(line), "        min      %lu\n        low      %lu\n",
		 min_wmark_pages(dma), low_wmark_pages(dma));
	KT_EXPECT(strstr(out, line) != NULL);
	snprintf(line, sizeof(line), "        protection: (0, %ld, %ld)\n", dma->lowmem_reserve[1],
		 dma->lowmem_reserve[2]);
	KT_EXPECT(strstr(out, line) != NULL);
	KT_EXPECT(strstr(out, "Free pages count per migrate type at order       0      1") != NULL);
	KT_EXPECT(strstr(out, "Node    0, zone    DMA32, type      Movable ") != NULL);
	KT_EXPECT(strstr(out, "\nnr_free_pages ") != NULL ||
		  !strncmp(strstr(out, "nr_free_pages"), "nr_free_pages", 13));
	KT_EXPECT(strstr(out, "\npgalloc_dma32 ") != NULL);
	KT_EXPECT(strstr(out, "\npgfree ") != NULL);
}

HTEST_MAIN("buddy")
