/*
 * boot/efi/kimage.h - checks a kernel ELF file and finds where to load and
 * enter it, for the GNU-EFI loader. Pure C with no EFI calls, so the same
 * code runs in the host unit test (boot/efi/test_efi.c).
 */
#ifndef BOOT_EFI_KIMAGE_H
#define BOOT_EFI_KIMAGE_H

#include <stdint.h>

#define MB2_HEADER_MAGIC 0xe85250d6u
#define MB2_HEADER_SEARCH 32768u /* the header lies within these bytes */
#define MB2_HTAG_END 0
#define MB2_HTAG_EFI_AMD64 9 /* "EFI amd64 entry address" */

#define KIMAGE_MAX_SEGS 16

/* One PT_LOAD: bytes [offset, offset+filesz) of the file go to physical
 * paddr, then memsz-filesz zero bytes follow. */
struct kimage_seg {
	uint64_t paddr, offset, filesz, memsz;
};

struct kimage {
	uint64_t entry;	     /* 64-bit entry point from multiboot2 tag 9 */
	uint64_t lo, hi;     /* page-aligned physical span of all segments */
	uint32_t mb2_offset; /* file offset of the multiboot2 header */
	unsigned int nr_segs;
	struct kimage_seg seg[KIMAGE_MAX_SEGS];
};

/*
 * Check that @file (@size bytes) is an x86_64 ELF64 executable whose
 * program headers and PT_LOAD contents lie inside the file and below
 * 4 GiB, carrying a valid multiboot2 header (magic, architecture 0,
 * checksum) in its first 32 KiB with an EFI amd64 entry tag inside a
 * loaded segment. Fills @out and returns NULL, or returns a message
 * saying what is wrong.
 */
const char *kimage_parse(const void *file, uint64_t size, struct kimage *out);

#endif /* BOOT_EFI_KIMAGE_H */
