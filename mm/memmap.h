/*
 * mm/memmap.h - the firmware memory map (e820 or EFI) as a list of typed
 * physical ranges, and its sanitizer.
 *
 * Types follow the e820 numbering so that a map prints exactly as Linux's
 * "BIOS-e820: [mem 0x...-0x...] usable" lines. EFI memory types are
 * converted to these by mm_memmap_type_from_efi().
 */
#ifndef MM_MEMMAP_H
#define MM_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

enum memmap_type {
	MEMMAP_USABLE = 1,		   /* "usable" */
	MEMMAP_RESERVED = 2,		   /* "reserved"; also every unknown type */
	MEMMAP_ACPI = 3,		   /* "ACPI data" */
	MEMMAP_NVS = 4,			   /* "ACPI NVS" */
	MEMMAP_UNUSABLE = 5,		   /* "unusable" */
	MEMMAP_PMEM = 7,		   /* "persistent (type 7)" */
	MEMMAP_PRAM = 12,		   /* "persistent (type 12)" */
};
/* Linux's "soft reserved", sanitized to reserved. A macro, not an
 * enumerator: ISO C keeps enumerators within int. */
#define MEMMAP_SOFT_RESERVED 0xefffffffu

struct memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

/* MEMMAP_MAX entries at most: mm/config.h. */
struct memmap {
	unsigned int nr;
	struct memmap_entry entry[MEMMAP_MAX];
};

/* Append a range. Returns 0, or -1 when the map is full (the range is lost
 * and the caller must report it). Zero-sized ranges are accepted and
 * dropped by mm_memmap_sanitize(). */
int mm_memmap_add(struct memmap *m, uint64_t addr, uint64_t size, uint32_t type);

/* Sanitize in place: unknown types become reserved; overlaps are resolved
 * with the more restrictive type winning; adjacent ranges of one type are
 * merged; usable ranges are trimmed inward to whole pages; empty ranges are
 * dropped; the result is sorted and non-overlapping. Returns 0, or -1 if
 * the result would not fit in MEMMAP_MAX entries (the map is left valid). */
int mm_memmap_sanitize(struct memmap *m);

/* Linux's name for a type: "usable", "reserved", "ACPI data", ... */
const char *mm_memmap_type_name(uint32_t type);

/* Map an EFI memory descriptor type (EfiConventionalMemory = 7, ...) to a
 * memmap type, as Linux's EFI stub does. */
uint32_t mm_memmap_type_from_efi(uint32_t efi_type);

/* Print one line per range: "<prefix>: [mem 0x%016llx-0x%016llx] <type>"
 * (prefix "BIOS-e820" for firmware maps). */
void mm_memmap_print(const struct memmap *m, const char *prefix);

/* Total bytes of the given type. */
uint64_t mm_memmap_total(const struct memmap *m, uint32_t type);

#endif /* MM_MEMMAP_H */
