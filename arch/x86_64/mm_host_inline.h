/*
 * arch/x86_64/mm_host_inline.h - the kernel's inline form of mm/host.h's
 * interrupt-state and CPU-id functions (the page allocator's fast path)
 * and of its direct-map address to pfn (kfree's).
 * Included by mm/host.h through -DMM_HOST_INLINE_H; needs nothing from the
 * kernel's own headers but the address layout, so mm/ sees no more of
 * arch/ than these four.
 */
#ifndef ARCH_X86_64_MM_HOST_INLINE_H
#define ARCH_X86_64_MM_HOST_INLINE_H

/* Where struct cpu (kernel/sched.h) keeps the id; %gs points at the
 * running CPU's struct cpu. Checked by a static assertion in mm_host.c. */
#define MM_HOST_CPU_ID_OFFSET 8

static inline unsigned long mm_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void mm_irq_restore(unsigned long flags)
{
	__asm__ volatile("pushq %0; popfq" : : "r"(flags) : "memory", "cc");
}

/* Not volatile: a thread never changes CPU (kernel/sched.h). */
static inline unsigned int mm_cpu_id(void)
{
	unsigned int id;

	__asm__("movl %%gs:8, %0" : "=r"(id));
	return id;
}

/* kfree's address translation (layout.h's virt_to_phys, as a pfn). */
#include "arch/x86_64/layout.h"
#define MM_HOST_INLINE_VIRT_TO_PFN 1
static inline unsigned long mm_virt_to_pfn(const void *addr)
{
	return (unsigned long)(virt_to_phys(addr) >> 12);
}

#endif /* ARCH_X86_64_MM_HOST_INLINE_H */
