/*
 * arch/x86_64/acpi.h - the little of ACPI the kernel reads: the RSDP (a
 * copy from the multiboot2 ACPI tags, or the BIOS search area), the RSDT
 * or XSDT, and the MADT's processors and I/O APICs. Every table's checksum
 * is verified; a broken table is an error naming it, never a guess.
 */
#ifndef ARCH_X86_64_ACPI_H
#define ARCH_X86_64_ACPI_H

#include <stdbool.h>
#include <stdint.h>

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8

struct acpi_ioapic {
	uint32_t id;
	uint32_t addr;	   /* physical MMIO base */
	uint32_t gsi_base; /* first global system interrupt it serves */
};

struct acpi_madt_info {
	uint64_t lapic_phys;  /* LAPIC MMIO base (override applied) */
	unsigned int nr_cpus; /* enabled processors, in MADT order */
	uint32_t apic_ids[ACPI_MAX_CPUS];
	unsigned int nr_disabled; /* processors marked neither enabled nor online-capable */
	unsigned int nr_ignored;  /* enabled processors past ACPI_MAX_CPUS */
	unsigned int nr_ioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	bool pcat_compat;      /* MADT flag: legacy 8259 PICs present */
	uint8_t rsdp_revision; /* 0: ACPI 1.0 (RSDT), 2+: XSDT used */
	char oem_id[7];
};

/*
 * Parse the RSDP at physical @rsdp_phys and the tables it leads to; the
 * MADT's contents go to @out. Tables are read through the direct map, so
 * they must lie in [0, arch_direct_map_size()). Returns 0, or -1 with
 * *err naming the problem (bad RSDP signature or checksum, bad RSDT/XSDT,
 * no MADT, a MADT entry running past the table, ...).
 */
int acpi_parse(uint64_t rsdp_phys, struct acpi_madt_info *out, const char **err);

/*
 * The first table signed @sig (4 characters, e.g. "SRAT") that the RSDT or
 * XSDT behind the RSDP at @rsdp_phys lists, and its length in *len. Only
 * the RSDP, root table and the table's length are checked (the table's
 * reader checks its checksum and contents). NULL with *err NULL when there
 * is no such table; NULL with *err set when ACPI itself is unusable or the
 * table does not fit in mapped memory.
 */
const void *acpi_find_table(uint64_t rsdp_phys, const char *sig, uint32_t *len, const char **err);

/* Look for the RSDP where a PC BIOS puts it (the EBDA's first KiB, then
 * 0xe0000-0xfffff); returns its physical address or 0. */
uint64_t acpi_find_rsdp_bios(void);

/* Validate the checksum of @len bytes: ACPI tables sum to 0 mod 256. */
bool acpi_checksum_ok(const void *p, uint32_t len);

#endif /* ARCH_X86_64_ACPI_H */
