/*
 * tests/host/test_layers.c - the slowpath in whatever configuration this
 * program was compiled for (mm/config.h; the Makefile builds it full, core
 * only and core + reclaim): with reclaim, a GFP_KERNEL request that finds
 * memory exhausted kills the registered hog and is served; without it,
 * nothing is killed and the request fails with the failure report; a
 * __GFP_NOFAIL request is served from the reserves either way; an order-9
 * request in fragmented memory is compacted for only when compaction is
 * compiled in, and fails either way (nothing here is movable); without
 * reclaim, pages another CPU keeps on its per-CPU lists are drained for a
 * request that would fail otherwise.
 */
#include <string.h>

#include "test_buddy_util.h"
#include "mm/compaction.h"
#include "mm/kswapd.h"
#include "mm/oom.h"
#include "mm/vmscan.h"

/* 16 MiB of RAM in DMA32 only. */
static void layers_boot(void)
{
	KT_ASSERT_EQ(boot_flat(16 * MiB, 32 * MiB), 0);
	mm_reclaim_init();
	mm_kswapd_reset();
	mm_compaction_reset();
	mm_oom_reset();
	mm_vm_events_reset();
	mm_debug_poison = false;
	*mm_current_flags() = 0;
}

/* A registered task owning the pages of a held_set. */
struct hog {
	struct oom_task task;
	struct held_set held;
};

static unsigned long hog_kill(struct oom_task *t)
{
	struct hog *h = t->data;
	unsigned long n = h->held.n;

	held_free_all(&h->held);
	mm_oom_task_account(t, -(long)t->nr_pages);
	return n;
}

static void hog_take_all(struct hog *h, gfp_t gfp)
{
	struct page *p;

	memset(h, 0, sizeof(*h));
	h->task.name = "hog";
	h->task.kill = hog_kill;
	h->task.data = h;
	KT_ASSERT_EQ(mm_oom_register_task(&h->task), 0);
	while ((p = alloc_pages(gfp | __GFP_NOWARN, 0)) != NULL) {
		held_push(&h->held, p, 0);
		mm_oom_task_account(&h->task, 1);
	}
}

static void hog_release(struct hog *h)
{
	mm_oom_unregister_task(&h->task);
	held_free_all(&h->held);
}

HTEST(exhausted_gfp_kernel_kills_with_reclaim_and_fails_without)
{
	struct hog h;
	struct page *p;
	const char *out;
	unsigned long fails;

	layers_boot();
	/* No kill while filling: __GFP_RETRY_MAYFAIL. */
	hog_take_all(&h, GFP_KERNEL | __GFP_RETRY_MAYFAIL);
	KT_ASSERT(h.held.n > 3000);
	KT_ASSERT(!h.task.killed);
	fails = mm_global_vm_event(PGALLOC_FAIL);
	host_capture_start();
	p = alloc_pages(GFP_KERNEL, 0);
	out = host_capture_stop();
	if (MM_CONFIG_RECLAIM) {
		KT_EXPECT(p != NULL);
		KT_EXPECT(h.task.killed);
		KT_EXPECT_EQ(mm_oom_kill_count(), 1);
		struct kswapd_stats st;

		mm_kswapd_get_stats(&st);
		KT_EXPECT(st.requests >= 1);
	} else {
		KT_EXPECT(p == NULL);
		KT_EXPECT(!h.task.killed);
		KT_EXPECT_EQ(h.task.nr_pages, h.held.n);
		KT_EXPECT(strstr(out, "page allocation failure: order:0") != NULL);
		KT_EXPECT_EQ(mm_global_vm_event(PGALLOC_FAIL), fails + 1);
	}
	if (p)
		__free_pages(p, 0);
	hog_release(&h);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(nofail_is_served_from_the_reserves_below_min)
{
	struct held_set s = { 0 };
	struct zone *z = zone_of(ZONE_DMA32);
	struct page *p;
	long free_before;

	layers_boot();
	/* GFP_ATOMIC goes below min: nothing but the reserves is left. */
	held_fill(&s, GFP_ATOMIC, 0);
	free_before = zone_page_state(z, NR_FREE_PAGES);
	KT_ASSERT(free_before < (long)min_wmark_pages(z) - (long)min_wmark_pages(z) / 4);
	KT_ASSERT(free_before > 0);
	p = alloc_pages(GFP_KERNEL | __GFP_NOFAIL, 0);
	KT_EXPECT(p != NULL);
	if (p)
		__free_pages(p, 0);
	KT_EXPECT_EQ(mm_oom_kill_count(), 0); /* nothing registered to kill */
	held_free_all(&s);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(costly_order_in_fragmented_memory_fails_compacting_only_when_built)
{
	struct held_set all = { 0 }, kept = { 0 };
	struct zone *z = zone_of(ZONE_DMA32);
	struct page *p;
	long free_before;
	unsigned long fails;

	layers_boot();
	held_fill(&all, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 0);
	/* Every other page back: half of memory free, no two free buddies. */
	for (size_t i = 0; i < all.n; i++) {
		if (page_to_pfn(all.v[i].page) & 1)
			__free_pages(all.v[i].page, 0);
		else
			held_push(&kept, all.v[i].page, 0);
	}
	free(all.v);
	drain_all_pages(NULL);
	free_before = zone_page_state(z, NR_FREE_PAGES);
	KT_ASSERT(free_before > 1500);
	fails = mm_global_vm_event(PGALLOC_FAIL);
	for (unsigned int o = 9; o < MAX_ORDER; o++)
		KT_ASSERT_EQ(z->free_area[o].nr_free, 0);
	p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 9);
	KT_EXPECT(p == NULL);
	if (MM_CONFIG_COMPACTION)
		KT_EXPECT(mm_compact_event_count(COMPACTSTALL) >= 1);
	else
		KT_EXPECT_EQ(zone_page_state(z, NR_FREE_PAGES), free_before);
	KT_EXPECT_EQ(mm_oom_kill_count(), 0);
	KT_EXPECT_EQ(mm_global_vm_event(PGALLOC_FAIL), fails + 1);
	held_free_all(&kept);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(without_reclaim_other_cpus_lists_are_drained_before_failing)
{
	struct held_set s = { 0 };
	struct page *p;

	host_set_nr_cpus(2);
	layers_boot();
	held_fill(&s, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 0);
	KT_ASSERT(s.n > 16);
	/* CPU 1 frees 8 pages: they stay on its per-CPU list, not counted free. */
	host_set_cpu(1);
	for (int i = 0; i < 8; i++)
		__free_pages(s.v[--s.n].page, 0);
	host_set_cpu(0);
	p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);
	if (!MM_CONFIG_RECLAIM)
		KT_EXPECT(p != NULL);
	else
		ktest_diag("with reclaim (no progress, nothing to kill): %s",
			   p ? "served" : "failed, as Linux does");
	if (p)
		__free_pages(p, 0);
	held_free_all(&s);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	host_set_nr_cpus(1);
}

HTEST_MAIN("layers")
