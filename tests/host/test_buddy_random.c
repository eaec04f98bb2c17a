/*
 * tests/host/test_buddy_random.c - random alloc/free sequences of mixed
 * orders and GFP flags against a model of which pages are held, with the
 * full invariant checker after every operation.
 */
#include "test_buddy_util.h"
#include "mm/internal.h"

#define STEPS 6000

static const gfp_t gfps[] = {
	GFP_KERNEL,
	GFP_ATOMIC,
	GFP_NOWAIT,
	GFP_DMA,
	GFP_DMA32,
	GFP_HIGHUSER_MOVABLE,
	GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_KERNEL | __GFP_ZERO,
	GFP_KERNEL | __GFP_COMP,
	GFP_ATOMIC | __GFP_DMA,
	GFP_KERNEL | __GFP_HIGH,
};

static unsigned char *owned; /* per pfn: 1 when held by the test */

static unsigned int rnd_order(void)
{
	int r = rand() % 100;

	if (r < 60)
		return 0;
	if (r < 85)
		return (unsigned int)(1 + rand() % 3);
	return (unsigned int)(rand() % MAX_ORDER);
}

static void run_seed(unsigned int seed, uint64_t mem)
{
	struct held_set s = { 0 };
	unsigned long before[MM_BUDDYINFO_ZONES][MAX_ORDER], after[MM_BUDDYINFO_ZONES][MAX_ORDER];
	int fails = 0;

	mm_debug_poison = true;
	/* No watermark boosting: a boosted DMA32 sends requests to DMA, whose
	 * HIGHATOMIC reserves then keep the final buddyinfo from matching. */
	mm_watermark_boost_factor = 0;
	KT_ASSERT_EQ(boot_qemu_layout(mem, 1 * MiB), 0);
	owned = calloc(mm_max_pfn, 1);
	mm_buddyinfo_snapshot(before);
	unsigned long free0 = nr_free_pages();
	srand(seed);
	for (int step = 0; step < STEPS && fails < 5; step++) {
		int action = rand() % 10;

		if (action < 5 || s.n == 0) {
			gfp_t gfp = gfps[rand() % (sizeof(gfps) / sizeof(gfps[0]))] | __GFP_NOWARN;
			unsigned int order = rnd_order();
			struct page *p = alloc_pages(gfp, order);

			if (p) {
				unsigned long pfn = page_to_pfn(p);
				int zi = gfp_zone(gfp);

				if (page_zonenum(p) > (unsigned int)zi ||
				    pfn & ((1UL << order) - 1) ||
				    (zi == ZONE_DMA && pfn + (1UL << order) > (16 * MiB >> 12)) ||
				    (zi == ZONE_DMA32 && pfn + (1UL << order) > (4 * GiB >> 12))) {
					ktest_fail(__FILE__, __LINE__,
						   "step %d: gfp 0x%x order %u gave pfn 0x%lx zone %u",
						   step, gfp, order, pfn, page_zonenum(p));
					fails++;
				}
				for (unsigned long k = 0; k < (1UL << order); k++) {
					if (owned[pfn + k]) {
						ktest_fail(__FILE__, __LINE__,
							   "step %d: pfn 0x%lx handed out twice",
							   step, pfn + k);
						fails++;
						break;
					}
					owned[pfn + k] = 1;
				}
				if (gfp & __GFP_ZERO) {
					const unsigned char *b = page_address(p);
					for (unsigned long k = 0; k < (MM_PAGE_SIZE << order); k++)
						if (b[k]) {
							ktest_fail(__FILE__, __LINE__,
								   "step %d: __GFP_ZERO page not zero",
								   step);
							fails++;
							break;
						}
				}
				/* scribble, as a user would: poisoning must not object */
				((unsigned char *)page_address(p))[rand() % 4096] = 0x42;
				held_push(&s, p, order);
			}
		} else if (action < 9) {
			size_t i = (size_t)rand() % s.n;
			struct held h = s.v[i];
			unsigned long pfn = page_to_pfn(h.page);

			s.v[i] = s.v[--s.n];
			for (unsigned long k = 0; k < (1UL << h.order); k++)
				owned[pfn + k] = 0;
			__free_pages(h.page, h.order);
		} else {
			drain_all_pages(NULL);
		}
		int problems = mm_check_invariants();
		if (problems) {
			ktest_fail(__FILE__, __LINE__, "seed %u step %d: %d invariant problems",
				   seed, step, problems);
			fails++;
		}
	}
	KT_EXPECT_EQ(mm_global_vm_event(BAD_PAGES), 0);
	KT_EXPECT_EQ(mm_global_vm_event(POISON_ERRORS), 0);
	held_free_all(&s);
	drain_all_pages(NULL);
	/* Atomic requests may have left HIGHATOMIC reserves, which keep their
	 * pageblocks apart; given back, every page merges as at boot. */
	const struct alloc_context all = { .zonelist = mm_node_zonelist(0, GFP_KERNEL),
					   .highest_zoneidx = MAX_NR_ZONES - 1,
					   .migratetype = MIGRATE_MOVABLE };
	while (mm_unreserve_highatomic_pageblock(&all, true))
		;
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	mm_buddyinfo_snapshot(after);
	KT_EXPECT(buddyinfo_equal(before, after));
	KT_EXPECT_EQ(nr_free_pages(), free0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	free(owned);
}

HTEST(random_mixed_orders_and_flags_keep_every_invariant_seed1)
{
	run_seed(1, 40 * MiB);
}

HTEST(random_mixed_orders_and_flags_keep_every_invariant_seed2)
{
	run_seed(2, 24 * MiB);
}

HTEST(random_mixed_orders_and_flags_keep_every_invariant_seed3)
{
	run_seed(3, 64 * MiB);
}

/* The checker must notice corruption, or the tests above prove nothing. */
HTEST(invariant_checker_detects_corruption)
{
	KT_ASSERT_EQ(boot_qemu_layout(24 * MiB, 1 * MiB), 0);
	KT_ASSERT_EQ(mm_check_invariants(), 0);
	struct zone *z = zone_of(ZONE_DMA32);
	struct page *p = alloc_pages(GFP_DMA32, 0);
	KT_ASSERT(p != NULL);
	drain_all_pages(NULL);
	/* 1: a free count that does not add up */
	z->free_area[3].nr_free++;
	host_capture_start();
	int n = mm_check_invariants();
	const char *out = host_capture_stop();
	KT_EXPECT(n > 0);
	KT_EXPECT(strstr(out, "nr_free") != NULL);
	z->free_area[3].nr_free--;
	/* 2: a PG_buddy page that is on no list */
	p->flags |= 1u << PG_buddy;
	p->private = 0;
	host_capture_start();
	n = mm_check_invariants();
	out = host_capture_stop();
	KT_EXPECT(n > 0);
	KT_EXPECT(strstr(out, "on no free list") != NULL);
	p->flags &= ~(1u << PG_buddy);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	__free_pages(p, 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST_MAIN("buddy_random")
