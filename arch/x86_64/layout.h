/*
 * arch/x86_64/layout.h - the kernel's virtual address layout and the
 * physical <-> virtual conversions through the direct map.
 * Keep in sync with boot/boot.inc and linker.ld.
 */
#ifndef ARCH_X86_64_LAYOUT_H
#define ARCH_X86_64_LAYOUT_H

#include <stdint.h>

#define KERNEL_VMA 0xffffffff80000000UL	     /* image: virtual = this + physical */
#define DIRECT_MAP_BASE 0xffff888000000000UL /* all RAM: virtual = this + physical */
#define PAGE_SIZE 4096UL

/* Linker symbols: bounds of the loaded image (virtual), and its physical
 * bounds (their addresses are the values). */
extern char _kernel_start[], _kernel_end[];
extern char _kernel_phys_start[], _kernel_phys_end[];

static inline void *phys_to_virt(uint64_t phys)
{
	return (void *)(uintptr_t)(phys + DIRECT_MAP_BASE);
}

static inline uint64_t virt_to_phys(const void *virt)
{
	uintptr_t v = (uintptr_t)virt;

	/* Image addresses convert too, so static objects can be handed to
	 * code that wants physical addresses (page tables, DMA). */
	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
	return v - DIRECT_MAP_BASE;
}

static inline uint64_t kernel_phys_start(void)
{
	return (uint64_t)(uintptr_t)_kernel_phys_start;
}
static inline uint64_t kernel_phys_end(void)
{
	return (uint64_t)(uintptr_t)_kernel_phys_end;
}

#endif /* ARCH_X86_64_LAYOUT_H */
