/*
 * arch/x86_64/srat.c - finds the SRAT and SLIT through the RSDT/XSDT
 * (acpi.c) and feeds them to mm/numa_acpi.c; the parsing itself lives in
 * mm/ so the host tests can run it on fabricated tables.
 */
#include "srat.h"
#include "acpi.h"
#include "smp.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "mm/numa.h"
#include "mm/numa_acpi.h"

/* smp_prepare numbered the CPUs: the boot CPU 0, then the MADT's order. */
static int srat_apic_to_cpu(uint32_t apic_id, void *arg)
{
	(void)arg;
	for (unsigned int i = 0; i < smp_nr_possible(); i++)
		if (cpus[i].apic_id == apic_id)
			return (int)i;
	return -1;
}

static void srat_read(uint64_t rsdp_phys)
{
	const char *err = NULL;
	uint32_t len = 0;
	const void *srat = acpi_find_table(rsdp_phys, "SRAT", &len, &err);

	if (!srat) {
		mm_numa_disable(err ? err : "no SRAT in the ACPI tables");
		return;
	}
	if (mm_numa_acpi_parse_srat(srat, len, srat_apic_to_cpu, NULL) < 0) {
		mm_numa_disable("the SRAT is malformed (above)");
		return;
	}
	const void *slit = acpi_find_table(rsdp_phys, "SLIT", &len, &err);
	if (!slit) {
		printk("NUMA: no SLIT%s%s; default distances\n", err ? ": " : "", err ? err : "");
		return;
	}
	/* A rejected SLIT leaves the default distances: NUMA stays on. */
	(void)mm_numa_acpi_parse_slit(slit, len);
}

int x86_numa_init(uint64_t rsdp_phys, uint64_t ram_end, bool off)
{
	mm_numa_reset();
	if (off) {
		mm_numa_disable("turned off (numa=off)");
	} else {
		if (!rsdp_phys)
			rsdp_phys = acpi_find_rsdp_bios();
		srat_read(rsdp_phys);
	}
	int nodes = mm_numa_finalize(ram_end);
	mm_numa_print();
	return nodes;
}
