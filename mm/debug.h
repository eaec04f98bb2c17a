/*
 * mm/debug.h - the page allocator's debug switches and its invariant
 * checker, for host and kernel tests.
 */
#ifndef MM_DEBUG_H
#define MM_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_POISON 0xaa

/* Fill freed pages with PAGE_POISON and check the pattern when they are
 * handed out again, reporting the pfn of any page written after free.
 * Default off (the kernel's boot default); host tests switch it on. */
extern bool mm_debug_poison;

/* The last poison report (the printed line says the same): the pfn, the
 * byte offset and 8-byte value of the first word found changed, and the
 * last freer's caller address, NULL when unknown. The freers are kept only
 * when poisoning was on at mm_init() (a table of 8 bytes per page, taken
 * from memblock). For tests that cannot read the console. */
struct mm_poison_report {
	unsigned long pfn;
	unsigned long offset;
	uint64_t value;
	void *freer;
};
extern struct mm_poison_report mm_last_poison_report;

/* The caller that last freed @pfn with poisoning on; NULL when unknown. */
void *mm_page_last_freer(unsigned long pfn);

/* Check every page of a block on allocation and free, not only the head
 * (see debug.c for the cost and what is lost without). On in host builds
 * under AddressSanitizer, off in the kernel unless booted with `debug`. */
extern bool mm_debug_check_tails;

/*
 * Walk every zone and check that each pfn is exactly one of: the head or
 * interior of one free block (on the free list of its order, aligned,
 * inside the zone), on one per-CPU list, or allocated/reserved; that no
 * two free buddies of one order stay unmerged; that nr_free per order and
 * NR_FREE_PAGES add up. Prints one line per problem (up to a limit) and
 * returns the number of problems, 0 when all is well. Takes every zone
 * lock; O(pages): never call it on a hot path.
 */
int mm_check_invariants(void);

#endif /* MM_DEBUG_H */
