/*
 * tools/embed-kernel/main.c - a small kernel that already had its own
 * lists, max_pfn, printk and panic, taking in mm/ through the public
 * header alone: it hands mm/ its memory map, allocates pages
 * for buffers it keeps on its own lists, gives everything
 * back, checks that the allocator ends as it began, and runs mm/'s own
 * self-tests.
 */
#include <string.h>

#include "klib.h"
#include "mm/mm.h"
#include "port.h"

_Alignas(4096) unsigned char ram[RAM_BYTES];

/* A buffer's bookkeeping sits in its own first bytes: core-only mm/ has no
 * kmalloc, and this kernel never needed one. */
struct buffer {
	struct list_head link; /* the kernel's own list type */
	unsigned int order;
};

static struct list_head buffers = LIST_HEAD_INIT(buffers);

static int boot(void)
{
	/* The firmware map: low memory below the legacy hole, then RAM. */
	if (mm_memblock_add(0, 0x9fc00) || mm_memblock_add(0x100000, RAM_BYTES - 0x100000))
		return -1;
	/* Page 0 and this kernel's image (1 MiB at 2 MiB) stay ours. */
	if (mm_memblock_reserve(0, MM_PAGE_SIZE, "page 0") ||
	    mm_memblock_reserve(2UL << 20, 1UL << 20, "kernel"))
		return -1;
	max_pfn = RAM_PAGES; /* ours, not mm/'s */
	return mm_init();
}

static int fill(void)
{
	static const unsigned int orders[] = { 0, 1, 2, 3, 5, 9, 10, 0, 4 };

	for (unsigned int i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		unsigned long addr = __get_free_pages(GFP_KERNEL, orders[i]);
		struct buffer *b = (struct buffer *)addr;

		if (!addr)
			return -1;
		memset(b, 0x5a, MM_PAGE_SIZE << orders[i]);
		b->order = orders[i];
		list_add_tail(&b->link, &buffers);
		printk("buffer %u: order %u at pfn 0x%lx\n", i, b->order,
		       mm_page_to_pfn(mm_virt_to_page(b)));
	}
	return 0;
}

static void empty(void)
{
	while (!list_empty(&buffers)) {
		struct buffer *b = container_of(buffers.next, struct buffer, link);

		list_del(&b->link);
		free_pages((unsigned long)b, b->order);
	}
}

int main(void)
{
	unsigned long free_at_boot, free_at_end;
	int bad = 0;

	if (boot())
		panic("mm_init failed");
	mm_print_zone_summary();
	drain_all_pages(NULL);
	free_at_boot = nr_free_pages();
	printk("free pages after boot: %lu\n", free_at_boot);

	if (fill()) {
		printk("embed-kernel: an allocation failed\n");
		bad++;
	}
	mm_print_buddyinfo();
	empty();
	drain_all_pages(NULL);
	free_at_end = nr_free_pages();
	printk("free pages at the end: %lu\n", free_at_end);
	if (free_at_end != free_at_boot) {
		printk("embed-kernel: %lu pages at boot, %lu at the end\n", free_at_boot, free_at_end);
		bad++;
	}
	if (mm_check_invariants()) {
		printk("embed-kernel: allocator invariants broken\n");
		bad++;
	}
	/* mm/'s own self-tests, run in this kernel: KTAP through mm_printk. */
	if (mm_run_selftests()) {
		printk("embed-kernel: mm/ self-tests failed\n");
		bad++;
	}
	if (max_pfn != RAM_PAGES) {
		printk("embed-kernel: our max_pfn changed to %lu\n", max_pfn);
		bad++;
	}
	printk("embed-kernel: %s\n", bad ? "FAILED" : "ok");
	return bad ? 1 : 0;
}
