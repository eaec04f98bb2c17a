/*
 * mm/page_api.c - out-of-line forms of mm/page.h's converters between a
 * struct page, its frame number and its direct-map address, for code that
 * includes only the public mm/mm.h and so does not see struct page.
 */
#include "mm.h"
#include "page.h"

unsigned long mm_page_to_pfn(const struct page *page)
{
	return page_to_pfn(page);
}

struct page *mm_pfn_to_page(unsigned long pfn)
{
	return pfn_to_page(pfn);
}

void *mm_page_address(const struct page *page)
{
	return page_address(page);
}

struct page *mm_virt_to_page(const void *addr)
{
	return virt_to_page(addr);
}
