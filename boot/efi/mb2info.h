/*
 * boot/efi/mb2info.h - builds a multiboot2 boot information block, the
 * same format GRUB hands over, from what UEFI tells the loader. Pure C
 * with no EFI calls: it runs after ExitBootServices, and in the host test.
 *
 * The builder writes into a fixed buffer and never past it; once a tag
 * does not fit it remembers the overflow and mb2_finish() returns 0.
 */
#ifndef BOOT_EFI_MB2INFO_H
#define BOOT_EFI_MB2INFO_H

#include <stdint.h>

/* Boot information tag types (multiboot2 specification, section 3.6). */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_EFI64 12
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_TAG_EFI_MMAP 17
#define MB2_TAG_EFI64_IH 20

/* Memory map entry types (e820 numbering, as in mm/memmap.h). */
#define MB2_MEM_USABLE 1
#define MB2_MEM_RESERVED 2
#define MB2_MEM_ACPI 3
#define MB2_MEM_NVS 4
#define MB2_MEM_UNUSABLE 5
#define MB2_MEM_PMEM 7

struct mb2_mmap_entry {
	uint64_t addr;
	uint64_t len;
	uint32_t type;
	uint32_t zero;
};

struct mb2_builder {
	uint8_t *buf;
	uint32_t cap, len;
	int overflow;
	struct mb2_mmap_entry *mmap; /* entries of the last type 6 tag */
	uint32_t mmap_nr;
};

/* Start a block in @buf (8-byte aligned, @cap bytes). */
void mb2_init(struct mb2_builder *b, void *buf, uint32_t cap);

/* A NUL-terminated string tag (command line, boot loader name). */
void mb2_add_string(struct mb2_builder *b, uint32_t type, const char *s);

/* A tag holding @len raw bytes (ACPI RSDP copies). */
void mb2_add_bytes(struct mb2_builder *b, uint32_t type, const void *data, uint32_t len);

/* A tag holding one 64-bit pointer (EFI system table, image handle). */
void mb2_add_u64(struct mb2_builder *b, uint32_t type, uint64_t value);

/* The raw EFI memory map (type 17): descriptor size, version, descriptors. */
void mb2_add_efi_mmap(struct mb2_builder *b, const void *map, uint64_t map_size, uint32_t desc_size,
		      uint32_t desc_version);

/* The converted memory map (type 6): each descriptor's type translated by
 * mb2_type_from_efi(), entries sorted by address, touching entries of one
 * type merged. A descriptor size under 40 bytes adds nothing and counts
 * as overflow (the map could not be read). */
void mb2_add_mmap_from_efi(struct mb2_builder *b, const void *map, uint64_t map_size,
			   uint32_t desc_size);

/* Basic meminfo (type 4) computed from the last type 6 tag: KiB usable from
 * 0 (at most 640) and KiB usable contiguously from 1 MiB. */
void mb2_add_basic_meminfo(struct mb2_builder *b);

/* Append the end tag and store total_size; returns it, or 0 on overflow. */
uint32_t mb2_finish(struct mb2_builder *b);

/* EFI memory type and attributes -> e820 type, as Linux's EFI stub does
 * (specific-purpose memory, which Linux keeps soft-reserved, is reserved). */
uint32_t mb2_type_from_efi(uint32_t efi_type, uint64_t attribute);

#endif /* BOOT_EFI_MB2INFO_H */
