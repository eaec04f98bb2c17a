/*
 * tools/mmsim/kernel_image.h - where mmsim's pretend kernel image lies:
 * mmsim's own place (our kernel's), Linux's rule for replays of Linux's
 * traces, or a place given on the command line; checked against
 * memblock's RAM and reserved there.
 */
#ifndef TOOLS_MMSIM_KERNEL_IMAGE_H
#define TOOLS_MMSIM_KERNEL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Our kernel's load address and a typical size. */
#define MMSIM_KERNEL_START 0x200000ull
#define MMSIM_KERNEL_SIZE 0x200000ull

/* Linux x86-64 never runs its kernel below LOAD_PHYSICAL_ADDR
 * (CONFIG_PHYSICAL_START: 16 MiB in Debian's and the default configs)
 * and keeps it aligned to CONFIG_PHYSICAL_ALIGN (2 MiB); KASLR only moves
 * it up, to a slot inside one usable e820 region. */
#define LINUX_LOAD_PHYSICAL_ADDR 0x1000000ull
#define LINUX_PHYSICAL_ALIGN 0x200000ull

/* The image as ranges: Linux's /proc/iomem gives code, rodata, data and
 * bss apart (the gaps between them go back to the buddy allocator). */
#define KERNEL_IMAGE_RANGES 8
struct kernel_image {
	unsigned int nr;
	struct {
		uint64_t start, end; /* [start, end) */
	} range[KERNEL_IMAGE_RANGES];
	const char *how; /* why it lies there, for the boot message */
};

/* Add [start, end) to @ki (merged with the last range when they touch).
 * 0, or -1 when @ki is full or the range is empty or out of order. */
int kernel_image_add(struct kernel_image *ki, uint64_t start, uint64_t end);

/* mmsim's own: MMSIM_KERNEL_SIZE at MMSIM_KERNEL_START. */
void kernel_image_mmsim(struct kernel_image *ki);

/* Linux's rule, on memblock's RAM (after --mem): the lowest
 * LINUX_PHYSICAL_ALIGN-aligned address at or above
 * LINUX_LOAD_PHYSICAL_ADDR whose @size bytes lie inside one RAM range.
 * 0, or -1 with the reason in @err when no RAM range holds it. */
int kernel_image_linux(struct kernel_image *ki, uint64_t size, char *err, size_t errlen);

/* Each range must lie inside one of memblock's RAM ranges: 0, or -1 with
 * the reason in @err. */
int kernel_image_check(const struct kernel_image *ki, char *err, size_t errlen);

/* memblock_reserve every range, named "kernel". 0 or -1 (table full). */
int kernel_image_reserve(const struct kernel_image *ki);

/* First byte and end of the whole image, for messages. */
uint64_t kernel_image_start(const struct kernel_image *ki);
uint64_t kernel_image_end(const struct kernel_image *ki);

#endif
