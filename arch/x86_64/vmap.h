/*
 * arch/x86_64/vmap.h - the mechanism under mm/vmarea.c: a virtual range
 * at VMAP_BASE (where Linux puts vmalloc), sized at boot from RAM, mapped
 * one 4 KiB page at a time with real page-table entries, and TLB
 * shootdown when an entry changes. Page-table pages come from the page
 * allocator on first use of each 2 MiB of the range and are kept.
 */
#ifndef ARCH_X86_64_VMAP_H
#define ARCH_X86_64_VMAP_H

#include <stdint.h>

#define VMAP_BASE 0xffffc90000000000UL
/* The range holds twice the RAM (an area as large as memory plus room
 * for others), never less than 4 GiB, never more than Linux's 32 TiB of
 * vmalloc space (the hole up to 0xffffe90000000000). */
#define VMAP_MIN_SLOTS (1UL << 20)
#define VMAP_MAX_SLOTS (1UL << 33)

/* Slots in the range; set once by vmap_init. */
extern unsigned long vmap_nr_slots;

/* Size the range for @nr_pfns pfns of RAM (mm_max_pfn). Context: boot, after
 * mm_init, before any area exists. */
void vmap_init(unsigned long nr_pfns);

static inline uintptr_t vmap_slot_va(unsigned long slot)
{
	return VMAP_BASE + (slot << 12);
}

/* Point @slot at frame @pfn (present, writable, global, no-execute),
 * flushing the old translation on every CPU if there was one. Returns 0,
 * or -1 (slot out of range, no page for a page table). Context: thread,
 * no spinlock held with interrupts off (the shootdown waits for the
 * other CPUs). */
int vmap_set(unsigned long slot, unsigned long pfn);
/* Remove @slot's translation (flushed everywhere). Same context. */
void vmap_clear(unsigned long slot);
/* The frame @slot's PTE names, or (unsigned long)-1. Context: any. */
unsigned long vmap_pfn(unsigned long slot);

#endif /* ARCH_X86_64_VMAP_H */
