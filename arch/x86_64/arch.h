/*
 * arch/x86_64/arch.h - what kernel/main.c calls in arch/x86_64 during boot.
 */
#ifndef ARCH_X86_64_ARCH_H
#define ARCH_X86_64_ARCH_H

#include <stdint.h>

/*
 * Replace the boot page tables: map physical [0, 4 GiB) and every RAM range
 * memblock knows above it at DIRECT_MAP_BASE (1 GiB pages when the CPU has
 * them, else 2 MiB), the image at KERNEL_VMA, and nothing at low addresses,
 * so a NULL dereference faults. Page-table pages come from memblock (below
 * 4 GiB, where the boot direct map can reach them). Panics when memblock
 * cannot supply them. Call after memblock is set up and reserved.
 */
void arch_setup_direct_map(void);
/* Bytes mapped at DIRECT_MAP_BASE by arch_setup_direct_map (0 before). */
uint64_t arch_direct_map_size(void);
/* Page size used for the direct map: 1 GiB or 2 MiB (0 before). */
uint64_t arch_direct_map_page_size(void);

/* Calibrate the TSC against the PIT so mm_time_ns() counts nanoseconds. */
void arch_time_init(void);
uint64_t arch_tsc_hz(void);

#endif /* ARCH_X86_64_ARCH_H */
