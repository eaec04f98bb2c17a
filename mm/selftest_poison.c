/*
 * mm/selftest_poison.c - self-tests of page poisoning (on by default in
 * the kernel's test boots; skipped where the host left it off): a page written
 * after free is reported on its next allocation with its pfn, the word
 * found and the function that freed it last.
 *
 * The console cannot be read back, so the checks use the report's record
 * (mm_last_poison_report, the same fields as the printed line) and the
 * poison_errors counter of /proc/vmstat.
 */
#include "debug.h"
#include "gfp.h"
#include "selftest_check.h"
#include "vmstat.h"
#include "zone.h"

/* The freer the report must name: its return address is in here. */
static __attribute__((noinline)) void poison_free_from_here(struct page *page, unsigned int order)
{
	__free_pages(page, order);
	__asm__ volatile("" ::: "memory"); /* no tail call */
}

static bool in_poison_free_from_here(const void *addr)
{
	uintptr_t f = (uintptr_t)poison_free_from_here, a = (uintptr_t)addr;

	return a > f && a < f + 256;
}

/* Allocate until @want comes back (per-CPU lists are LIFO: at once, unless
 * another CPU took it), holding the others on @held; NULL if it does not. */
static struct page *alloc_until(struct page *want, unsigned int order, struct list_head *held)
{
	for (int i = 0; i < 64; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);

		if (!p || p == want)
			return p;
		list_add(&p->lru, held);
	}
	return NULL;
}

static void free_held(struct list_head *held, unsigned int order)
{
	while (!list_empty(held)) {
		struct page *p = list_first_entry(held, struct page, lru);

		list_del(&p->lru);
		p->lru.next = p->lru.prev = NULL;
		__free_pages(p, order);
	}
}

static void use_after_free_case(unsigned int order, unsigned int page_in_block,
				unsigned long offset)
{
	struct list_head held;
	struct page *p = alloc_pages(GFP_KERNEL, order), *q;
	unsigned long pfn;
	uint8_t *v;

	INIT_LIST_HEAD(&held);
	KT_ASSERT(p != NULL);
	pfn = page_to_pfn(p) + page_in_block;
	v = page_address(p + page_in_block);
	poison_free_from_here(p, order);
	KT_EXPECT(in_poison_free_from_here(mm_page_last_freer(pfn)));
	KT_EXPECT_EQ(v[offset + 1], PAGE_POISON);
	v[offset + 1] = 0x5a; /* the use after free: byte 1 of the word */

	unsigned long err0 = mm_global_vm_event(POISON_ERRORS);
	q = alloc_until(p, order, &held);
	KT_EXPECT(q == p);
	KT_EXPECT_EQ(mm_global_vm_event(POISON_ERRORS), err0 + 1);
	KT_EXPECT_EQ(mm_last_poison_report.pfn, pfn);
	KT_EXPECT_EQ(mm_last_poison_report.offset, offset);
	KT_EXPECT_EQ(mm_last_poison_report.value, 0xaaaaaaaaaaaa5aaaull);
	KT_EXPECT(in_poison_free_from_here(mm_last_poison_report.freer));
	if (q)
		__free_pages(q, order);
	free_held(&held, order);
}

/* The host chose at mm_init (the kernel: page_poison=, on by default in
 * test boots up to 1 GiB of RAM); without poisoning there is no report. */
static bool poisoning_or_skip(void)
{
	if (!mm_debug_poison)
		mm_selftest_skip("page poisoning off (mm_debug_poison unset at mm_init)");
	return mm_debug_poison;
}

static void write_after_free_is_reported_with_pfn_and_last_freer(void)
{
	if (poisoning_or_skip())
		use_after_free_case(0, 0, 0x230);
}

static void write_after_free_inside_a_block_names_that_page(void)
{
	if (poisoning_or_skip())
		use_after_free_case(2, 3, MM_PAGE_SIZE - 8);
}

/* A clean round trip reports nothing, and the checker finds all in order. */
static void clean_pages_pass_the_check(void)
{
	unsigned long err0 = mm_global_vm_event(POISON_ERRORS);

	for (int i = 0; i < 32; i++) {
		struct page *p = alloc_pages(GFP_KERNEL, (unsigned int)i % 4);

		KT_ASSERT(p != NULL);
		((uint8_t *)page_address(p))[i] = 1; /* the owner writes: fine */
		__free_pages(p, (unsigned int)i % 4);
	}
	KT_EXPECT_EQ(mm_global_vm_event(POISON_ERRORS), err0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

static const struct mm_selftest_case poison_cases[] = {
	MM_SELFTEST_CASE(write_after_free_is_reported_with_pfn_and_last_freer),
	MM_SELFTEST_CASE(write_after_free_inside_a_block_names_that_page),
	MM_SELFTEST_CASE(clean_pages_pass_the_check),
};

const struct mm_selftest_suite mm_selftest_poison = {
	"poison", poison_cases, sizeof(poison_cases) / sizeof(poison_cases[0])
};
