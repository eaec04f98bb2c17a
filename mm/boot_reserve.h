/*
 * mm/boot_reserve.h - the reservations every boot makes in memblock before
 * the page allocator starts, and the size parser for options like mem=.
 */
#ifndef MM_BOOT_RESERVE_H
#define MM_BOOT_RESERVE_H

#include <stdint.h>

#include "bootinfo.h"

/* Linux's X86_RESERVE_LOW default, and the legacy BIOS area we keep out
 * (EBDA at most 0x9f000 up to the end of the first MiB). */
#define BOOT_RESERVE_LOW 0x10000ull
#define BOOT_BIOS_START 0x9f000ull
#define BOOT_BIOS_END 0x100000ull

/*
 * Reserve in memblock, each under its own name for mm_memblock_dump():
 * "page 0", "low 64K", "BIOS" (0x9f000-0x100000), "kernel" [kernel_start,
 * kernel_end), "bootinfo" (the multiboot2 information, which also holds
 * the strings and the RSDP copy), and every "module". @bi may be NULL (host
 * programs with a made-up map). Call after mm_memblock_init_from_memmap() and
 * before any memblock allocation. Returns 0, or -1 if memblock's table is
 * full (a message is printed).
 */
int mm_reserve_boot_ranges(const struct boot_info *bi, uint64_t kernel_start, uint64_t kernel_end);

/*
 * Parse a size like Linux's memparse(): decimal or 0x hex, optionally
 * followed by K, M, G, T, P or E (either case; powers of 1024). Sets *end
 * (if not NULL) after the last character used; no digits: returns 0 with
 * *end == s. A value that does not fit saturates at UINT64_MAX.
 */
uint64_t mm_parse_size(const char *s, const char **end);

#endif /* MM_BOOT_RESERVE_H */
