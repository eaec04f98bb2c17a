/*
 * arch/x86_64/srat.h - the x86 side of NUMA discovery: find the ACPI SRAT
 * and SLIT and hand their bytes to mm/numa_acpi.c, which fills the node
 * registry (mm/numa.h).
 */
#ifndef ARCH_X86_64_SRAT_H
#define ARCH_X86_64_SRAT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Decide the NUMA nodes and print them (mm_numa_print). Context: boot, after
 * smp_prepare() (the SRAT names CPUs by APIC id; smp.c numbers them) and the
 * direct map, before mm_init(). @rsdp_phys: from the boot information, 0 to
 * search BIOS memory. @ram_end: end of usable RAM (memblock, after mem=).
 * @off (numa=off): the tables are not read, one node. Without an SRAT, or
 * with a broken one, the result is one node 0 covering RAM (said why).
 * Returns the number of online nodes.
 */
int x86_numa_init(uint64_t rsdp_phys, uint64_t ram_end, bool off);

#endif /* ARCH_X86_64_SRAT_H */
