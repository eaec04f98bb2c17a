/*
 * mm/numa_acpi.h - reading the ACPI SRAT (memory and CPU affinity) and SLIT
 * (node distances) into the NUMA registry (mm/numa.h).
 *
 * The parsers take the table's bytes and nothing else: finding the tables
 * and mapping them is the host's business (arch/x86_64/srat.c), so host
 * tests can hand in fabricated tables. Every length is checked before a
 * byte is read; nothing outside [table, table + len) is ever touched.
 */
#ifndef MM_NUMA_ACPI_H
#define MM_NUMA_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Our CPU number for the processor with (x2)APIC id @apic_id, or -1 when
 * that processor is not one we run (absent, beyond our limit). */
typedef int (*numa_apic_to_cpu_fn)(uint32_t apic_id, void *arg);

/*
 * Parse the SRAT in @table (@len bytes available there). Checks the
 * signature, that the header's length fits in @len, the checksum, and each
 * subtable's length. Enabled processor entries (types 0 and 2) map their
 * CPU to the node of their proximity domain; enabled memory entries (type 1)
 * add a range (hot-pluggable ones flagged). Disabled entries and other types
 * are skipped. Proximity domains become node ids in first-seen order.
 *
 * Returns the number of entries used, or -1 after printing why: the table is
 * then untrustworthy and the caller should mm_numa_disable() (entries before
 * the fault may already be registered).
 */
#if MM_CONFIG_NUMA
int mm_numa_acpi_parse_srat(const void *table, size_t len, numa_apic_to_cpu_fn apic_to_cpu, void *arg);

/*
 * Parse the SLIT in @table (@len bytes) after the SRAT: the distance between
 * localities i and j goes to the nodes of proximity domains i and j (pairs
 * naming a domain the SRAT did not mention are skipped). A table that is
 * short, fails its checksum, or breaks the distance rule (10 on the
 * diagonal, more than 10 elsewhere) is rejected whole: returns -1 with a
 * message and sets no distance. Returns 0 when the distances were set.
 */
int mm_numa_acpi_parse_slit(const void *table, size_t len);
#else /* !MM_CONFIG_NUMA: the tables are not read; everything is node 0 */
static inline int mm_numa_acpi_parse_srat(const void *table, size_t len,
				       numa_apic_to_cpu_fn apic_to_cpu, void *arg)
{
	(void)table, (void)len, (void)apic_to_cpu, (void)arg;
	return 0;
}
static inline int mm_numa_acpi_parse_slit(const void *table, size_t len)
{
	(void)table, (void)len;
	return 0;
}
#endif

#endif /* MM_NUMA_ACPI_H */
