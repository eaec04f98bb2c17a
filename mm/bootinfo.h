/*
 * mm/bootinfo.h - the multiboot2 boot information, validated and parsed.
 *
 * Both boot paths (GRUB multiboot2, and our GNU-EFI loader which builds the
 * same format) end here: one parser, so one set of checks.
 */
#ifndef MM_BOOTINFO_H
#define MM_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>

#include "memmap.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289u
/* BOOTINFO_MAX_MODULES: mm/config.h. */

struct boot_module {
	uint64_t start, end; /* physical, end exclusive */
	const char *cmdline;
};

struct boot_info {
	uint64_t info_phys;	      /* where the boot information lies ... */
	uint32_t info_size;	      /* ... and how large it is (to reserve it) */
	const char *cmdline;	      /* "" when absent */
	const char *loader_name;      /* "" when absent */
	struct memmap map;	      /* from the mmap tag, else from the EFI mmap tag */
	int map_source;		      /* 6 = multiboot2 mmap tag, 17 = EFI mmap tag */
	unsigned int efi_map_entries; /* descriptors in the EFI mmap tag, 0 if none */
	unsigned int nr_modules;
	struct boot_module modules[BOOTINFO_MAX_MODULES];
	uint64_t rsdp_phys;		     /* copy of the RSDP inside the boot info, 0 if none */
	uint32_t mem_lower_kb, mem_upper_kb; /* basic meminfo tag, 0 if none */
};

/*
 * Validate and parse the boot information at @mbi (readable; at physical
 * address @mbi_phys) handed over with @magic in EAX. On bad input returns
 * -1 and sets *err to a message naming what was wrong (wrong magic, a tag
 * past total_size, an mmap entry_size under 24, no memory map, no usable
 * RAM, ...), so the kernel can panic with it. Returns 0 on success.
 */
int mm_bootinfo_parse(uint32_t magic, const void *mbi, uint64_t mbi_phys, struct boot_info *out,
		   const char **err);

/*
 * Same, when only @avail bytes at @mbi are known to be readable (tests and
 * fuzzing): a total_size above @avail is an error. mm_bootinfo_parse() trusts
 * the loader for up to 1 MiB.
 *
 * Notes on the result: out->map is the map as the loader gave it, not
 * sanitized (the caller prints it, then calls mm_memmap_sanitize()); for an
 * EFI map, descriptors are converted and adjacent ones of one type merged,
 * as Linux's EFI stub does. Strings point into the boot information, which
 * must therefore stay mapped and reserved. Not reentrant (static scratch
 * space): boot-time, single-threaded use only.
 */
int mm_bootinfo_parse_sized(uint32_t magic, const void *mbi, size_t avail, uint64_t mbi_phys,
			 struct boot_info *out, const char **err);

#endif /* MM_BOOTINFO_H */
