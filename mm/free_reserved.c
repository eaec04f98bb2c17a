/*
 * mm/free_reserved.c - giving reserved memory to the page allocator after
 * mm_init(): an initrd once unpacked, init sections, firmware tables read
 * once (Linux's free_reserved_area). Every page of the range is checked
 * before the first is freed, so a bad call changes nothing.
 */
#include "internal.h"
#include "memblock.h"
#include "mm_init.h"
#include "util.h"

/* Why pfn @pfn may not be given back, or NULL: it must be RAM (not a
 * hole of a zone's span) and reserved by mm_init, untouched since. */
static const char *reserved_page_problem(unsigned long pfn)
{
	const struct page *p;
	uint32_t flags;

	if (pfn >= mm_max_pfn || !mm_memblock_is_memory((uint64_t)pfn << MM_PAGE_SHIFT))
		return "not RAM (a hole, or beyond the end of memory)";
	p = pfn_to_page(pfn);
	flags = page_flags_read(p);
	if (!(flags & (1u << PG_reserved)))
		return "not reserved: the allocator owns it already";
	if ((flags & ~PAGE_ZONEID_FLAGS) != (1u << PG_reserved) || page_ref_count(p) != 1 ||
	    p->mapping)
		return "reserved but in use (flags, references or mapping set)";
	return NULL;
}

static unsigned long refuse(const char *name, const void *start, const void *end,
			    unsigned long pfn, const char *why)
{
	if (pfn != ~0UL)
		mm_printk("free_reserved_area: %s [%p-%p): pfn 0x%lx %s; nothing freed\n", name,
			  start, end, pfn, why);
	else
		mm_printk("free_reserved_area: %s [%p-%p): %s; nothing freed\n", name, start, end,
			  why);
	return 0;
}

unsigned long free_reserved_area(void *start, void *end, int poison, const char *s)
{
	const char *name = s ? s : "reserved";
	uintptr_t a = ((uintptr_t)start + MM_PAGE_SIZE - 1) & ~(uintptr_t)(MM_PAGE_SIZE - 1);
	uintptr_t b = (uintptr_t)end & ~(uintptr_t)(MM_PAGE_SIZE - 1);
	unsigned long spfn, epfn, managed[MAX_NUMNODES][MAX_NR_ZONES] = { { 0 } };
	struct zone *z;

	if (!mm_mem_map)
		return refuse(name, start, end, ~0UL, "mm_init() has not run");
	if ((uintptr_t)end < (uintptr_t)start)
		return refuse(name, start, end, ~0UL, "end lies before start");
	if (poison > 0xff)
		return refuse(name, start, end, ~0UL, "poison is not a byte value (or negative)");
	/* Partial pages at either end may share a frame with live data:
	 * only whole pages go back, as in Linux. */
	if (a >= b) {
		mm_printk("Freeing %s memory: 0K\n", name);
		return 0;
	}
	spfn = mm_virt_to_pfn((const void *)a);
	epfn = mm_virt_to_pfn((const void *)(b - 1)) + 1;
	if (epfn <= spfn || epfn - spfn != (b - a) >> MM_PAGE_SHIFT)
		return refuse(name, start, end, ~0UL, "not one stretch of the direct map");
	for (unsigned long pfn = spfn; pfn < epfn; pfn++) {
		const char *why = reserved_page_problem(pfn);

		if (why)
			return refuse(name, start, end, pfn, why);
	}
	/* memblock stays the record of what is reserved (reports and the
	 * zones self-test read it after boot). */
	if (mm_memblock_phys_free((uint64_t)spfn << MM_PAGE_SHIFT,
			       (uint64_t)(epfn - spfn) << MM_PAGE_SHIFT))
		return refuse(name, start, end, ~0UL,
			      "memblock's reserved table is full (MEMBLOCK_MAX_REGIONS)");
	for (unsigned long pfn = spfn; pfn < epfn; pfn++) {
		struct page *p = pfn_to_page(pfn);

		z = page_zone(p);
		if (poison >= 0)
			mm_memset(mm_pfn_to_virt(pfn), poison, MM_PAGE_SIZE);
		page_flags_write(p, page_flags_read(p) & PAGE_ZONEID_FLAGS);
		set_page_count(p, 0);
		managed[z->node][z->zone_idx]++;
		mm_free_one_page(z, p, pfn, 0);
	}
	/* More managed pages: watermarks, lowmem reserves and per-CPU list
	 * sizes follow (min_free_kbytes stays as set). */
	for_each_zone(z)
		if (managed[z->node][z->zone_idx])
			__atomic_fetch_add(&z->managed_pages, managed[z->node][z->zone_idx],
					   __ATOMIC_RELAXED);
	mm_setup_per_zone_wmarks();
	mm_setup_per_zone_lowmem_reserve();
	mm_printk("Freeing %s memory: %luK\n", name, (epfn - spfn) << (MM_PAGE_SHIFT - 10));
	return epfn - spfn;
}
