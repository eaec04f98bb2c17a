/*
 * tests/host/test_poison.c - host tests of the allocator's guards against
 * corruption: a write after free is reported with the pfn, the word found
 * and the last freer (the side table filled when poisoning is on at
 * mm_init); the zone and per-CPU canaries stop the batch paths and show in
 * the invariant checker.
 */
#include <stdio.h>

#include "test_buddy_util.h"
#include "mm/internal.h"

static int boot_poisoned(bool poison)
{
	mm_debug_poison = poison;
	return boot_qemu_layout(64 * MiB, 2 * MiB);
}

/* The freer a report should name: its return address lies in here. Not
 * inlined, so the address is this function's and nobody else's. */
static __attribute__((noinline)) void free_from_here(struct page *page, unsigned int order)
{
	__free_pages(page, order);
	__asm__ volatile("" ::: "memory"); /* no tail call: keep the return address here */
}

/* The address after "last freed by " in @out, or NULL. */
static void *reported_freer(const char *out)
{
	const char *s = strstr(out, "last freed by ");
	void *p = NULL;

	if (!s || sscanf(s + strlen("last freed by "), "%p", &p) != 1)
		return NULL;
	return p;
}

static bool in_free_from_here(const void *addr)
{
	uintptr_t f = (uintptr_t)free_from_here, a = (uintptr_t)addr;

	/* A few calls' worth of code, instrumentation included. */
	return a > f && a < f + 512;
}

HTEST(use_after_free_report_names_pfn_word_and_last_freer)
{
	KT_ASSERT_EQ(boot_poisoned(true), 0);
	struct page *p = alloc_pages(GFP_KERNEL, 0);
	KT_ASSERT(p != NULL);
	unsigned long pfn = page_to_pfn(p);
	uint8_t *v = page_address(p);

	free_from_here(p, 0);
	KT_EXPECT(in_free_from_here(mm_page_last_freer(pfn)));
	v[0x128] = 0x42; /* use after free: the low byte of the word at 0x128 */
	unsigned long err0 = mm_global_vm_event(POISON_ERRORS);
	host_capture_start();
	struct page *q = alloc_pages(GFP_KERNEL, 0); /* LIFO per-CPU list: the same page */
	const char *out = host_capture_stop();
	KT_ASSERT(q == p);
	KT_EXPECT_EQ(mm_global_vm_event(POISON_ERRORS), err0 + 1);

	char want[160];
	snprintf(want, sizeof(want),
		 "BUG: page poison corrupted pfn:%05lx offset 0x128: 0xaaaaaaaaaaaaaa42 (use after free?) last freed by ",
		 pfn);
	KT_EXPECT(strstr(out, want) != NULL);
	KT_EXPECT(in_free_from_here(reported_freer(out)));
	/* one line */
	KT_EXPECT(strchr(out, '\n') == out + strlen(out) - 1);
	KT_EXPECT_EQ(mm_last_poison_report.pfn, pfn);
	KT_EXPECT_EQ(mm_last_poison_report.offset, 0x128);
	KT_EXPECT_EQ(mm_last_poison_report.value, 0xaaaaaaaaaaaaaa42ull);
	KT_EXPECT(in_free_from_here(mm_last_poison_report.freer));
	__free_pages(q, 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	mm_debug_poison = false;
}

/* An interior page of a higher-order block names its own pfn; a block
 * freed elsewhere names that freer, not ours. */
HTEST(use_after_free_in_a_block_names_the_page_and_its_freer)
{
	KT_ASSERT_EQ(boot_poisoned(true), 0);
	struct page *p = alloc_pages(GFP_KERNEL, 3);
	KT_ASSERT(p != NULL);
	unsigned long pfn = page_to_pfn(p);
	uint8_t *v5 = page_address(p + 5);

	free_from_here(p, 3);
	for (int i = 0; i < 8; i++)
		KT_EXPECT(in_free_from_here(mm_page_last_freer(pfn + i)));
	v5[MM_PAGE_SIZE - 1] = 0; /* the last byte of page 5 */
	host_capture_start();
	struct page *q = alloc_pages(GFP_KERNEL, 3);
	const char *out = host_capture_stop();
	KT_ASSERT(q == p);
	char want[160];
	snprintf(want, sizeof(want), "pfn:%05lx offset 0xff8: 0x00aaaaaaaaaaaaaa", pfn + 5);
	KT_EXPECT(strstr(out, want) != NULL);
	KT_EXPECT(in_free_from_here(reported_freer(out)));
	__free_pages(q, 3); /* from the test, not free_from_here */
	KT_EXPECT(!in_free_from_here(mm_page_last_freer(pfn)));
	KT_EXPECT(mm_page_last_freer(pfn) != NULL);
	mm_debug_poison = false;
}

/* Poisoning switched on after mm_init(): no table, the report says so. */
HTEST(freer_unknown_without_the_table)
{
	KT_ASSERT_EQ(boot_poisoned(false), 0);
	mm_debug_poison = true;
	struct page *p = alloc_pages(GFP_KERNEL, 0);
	KT_ASSERT(p != NULL);
	unsigned long pfn = page_to_pfn(p);
	uint64_t *w = page_address(p);

	free_from_here(p, 0);
	KT_EXPECT(mm_page_last_freer(pfn) == NULL);
	w[7] = 0x1234;
	host_capture_start();
	struct page *q = alloc_pages(GFP_KERNEL, 0);
	const char *out = host_capture_stop();
	KT_ASSERT(q == p);
	char want[160];
	snprintf(want, sizeof(want),
		 "pfn:%05lx offset 0x38: 0x0000000000001234 (use after free?) freer unknown\n",
		 pfn);
	KT_EXPECT(strstr(out, want) != NULL);
	KT_EXPECT(mm_last_poison_report.freer == NULL);
	__free_pages(q, 0);
	mm_debug_poison = false;
}

/* The table costs 8 bytes a page, and only when poisoning is on. */
HTEST(freer_table_is_taken_only_when_poisoning)
{
	KT_ASSERT_EQ(boot_poisoned(false), 0);
	uint64_t reserved_off = mm_memblock_reserved_size();
	unsigned long managed_off = nr_free_pages();
	KT_ASSERT_EQ(boot_poisoned(true), 0);
	uint64_t table = ((uint64_t)mm_max_pfn * 8 + MM_PAGE_SIZE - 1) & ~(uint64_t)(MM_PAGE_SIZE - 1);
	KT_EXPECT_EQ(mm_memblock_reserved_size(), reserved_off + table);
	KT_EXPECT_EQ(nr_free_pages(), managed_off - table / MM_PAGE_SIZE);
	mm_debug_poison = false;
}

/* Runs @fn; true when it panicked, with the message in host_panic_msg. */
static bool panics(void (*fn)(void))
{
	jmp_buf jb;

	host_panic_msg[0] = 0;
	host_panic_catcher = &jb;
	if (setjmp(jb)) {
		host_panic_catcher = NULL;
		return true;
	}
	fn();
	host_panic_catcher = NULL;
	return false;
}

static void drain_dma32(void)
{
	drain_local_pages(&NODE_DATA(0)->node_zones[ZONE_DMA32]);
}

static void alloc_dma32_page(void)
{
	struct page *p = alloc_pages(GFP_DMA32, 0);

	if (p)
		__free_pages(p, 0);
}

HTEST(scribbled_pcp_canary_stops_drain_and_refill_naming_zone_and_cpu)
{
	KT_ASSERT_EQ(boot_poisoned(false), 0);
	struct zone *z = &NODE_DATA(0)->node_zones[ZONE_DMA32];
	struct page *p = alloc_pages(GFP_DMA32, 0);
	KT_ASSERT(p != NULL);
	__free_pages(p, 0); /* something on CPU 0's list to drain */
	KT_ASSERT(z->pcp[0].count > 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);

	z->pcp[0].canary ^= 0x100; /* a stray write */
	host_capture_start();
	KT_EXPECT(panics(drain_dma32));
	const char *out = host_capture_stop();
	KT_EXPECT(strstr(host_panic_msg,
			 "per-cpu pages drain: canary overwritten in zone DMA32 cpu 0") != NULL);
	char want[160];
	snprintf(want, sizeof(want),
		 "BUG: drain: canary overwritten in zone DMA32 cpu 0: zone 0x%08x per-cpu 0x%08x (want 0x%08x 0x%08x)\n",
		 ZONE_CANARY, PCP_CANARY ^ 0x100, ZONE_CANARY, PCP_CANARY);
	KT_EXPECT(strstr(out, want) != NULL);

	/* the checker names it too, and leaves the lists behind it alone */
	host_capture_start();
	KT_EXPECT(mm_check_invariants() >= 1);
	out = host_capture_stop();
	KT_EXPECT(strstr(out, "zone DMA32 cpu 0: per-cpu pages canary 0x50435153 overwritten") !=
		  NULL);

	/* the refill path: an empty list, then an allocation */
	z->pcp[0].canary = PCP_CANARY;
	drain_dma32();
	z->pcp[0].canary = 0;
	host_capture_start();
	KT_EXPECT(panics(alloc_dma32_page));
	host_capture_stop();
	KT_EXPECT(strstr(host_panic_msg,
			 "per-cpu pages refill: canary overwritten in zone DMA32 cpu 0") != NULL);
	z->pcp[0].canary = PCP_CANARY;
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST(scribbled_zone_canary_is_reported_by_checker_and_batch_paths)
{
	KT_ASSERT_EQ(boot_poisoned(false), 0);
	struct zone *z = &NODE_DATA(0)->node_zones[ZONE_DMA32];

	drain_dma32();
	z->canary = 0xdeadbeef;
	host_capture_start();
	KT_EXPECT(mm_check_invariants() >= 1);
	const char *out = host_capture_stop();
	KT_EXPECT(strstr(out, "zone DMA32: canary 0xdeadbeef overwritten (want 0x5a4f4e45)") !=
		  NULL);
	host_capture_start();
	KT_EXPECT(panics(alloc_dma32_page));
	host_capture_stop();
	KT_EXPECT(strstr(host_panic_msg, "refill: canary overwritten in zone DMA32 cpu 0") != NULL);
	z->canary = ZONE_CANARY;
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

HTEST_MAIN("poison")
