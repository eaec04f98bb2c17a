/*
 * boot/efi/kimage.c - kernel ELF validation and multiboot2 header lookup
 * for the GNU-EFI loader. Every field is read byte by byte in little-endian
 * order, so a truncated or misaligned file can never make us read past the
 * buffer or trip alignment rules; each failure names the broken rule.
 */
#include "kimage.h"

#include <stddef.h>

#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define EHDR64_SIZE 64
#define PHDR64_SIZE 56
#define PAGE_MASK 0xfffull
#define LIMIT_4G 0x100000000ull

static uint64_t rd(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = (v << 8) | p[bytes];
	return v;
}

/* Walk the header's tags (which follow its 16 fixed bytes) for tag 9. */
static const char *mb2_find_entry(const uint8_t *h, uint32_t len, uint64_t *entry)
{
	uint32_t off = 16;

	while (off + 8 <= len) {
		uint32_t type = (uint32_t)rd(h + off, 2);
		uint32_t tsize = (uint32_t)rd(h + off + 4, 4);

		if (tsize < 8 || tsize > len - off)
			return "multiboot2 header tag has a bad size";
		if (type == MB2_HTAG_END)
			break;
		if (type == MB2_HTAG_EFI_AMD64) {
			if (tsize < 12)
				return "multiboot2 EFI amd64 entry tag is too short";
			*entry = rd(h + off + 8, 4);
			return NULL;
		}
		off += (tsize + 7) & ~7u;
	}
	return "multiboot2 header has no EFI amd64 entry address tag (type 9)";
}

/* The header is 8-byte aligned within the first 32 KiB and its magic,
 * architecture, length and checksum sum to zero modulo 2^32. A magic
 * value with a bad checksum may just be data, so the search goes on. */
static const char *mb2_parse(const uint8_t *f, uint64_t size, struct kimage *out)
{
	uint64_t limit = size < MB2_HEADER_SEARCH ? size : MB2_HEADER_SEARCH;
	const char *err = "no multiboot2 header (magic 0xe85250d6) in the first 32 KiB";

	for (uint64_t off = 0; off + 16 <= limit; off += 8) {
		uint32_t magic = (uint32_t)rd(f + off, 4);
		uint32_t arch = (uint32_t)rd(f + off + 4, 4);
		uint32_t hlen = (uint32_t)rd(f + off + 8, 4);
		uint32_t sum = (uint32_t)rd(f + off + 12, 4);

		if (magic != MB2_HEADER_MAGIC)
			continue;
		if ((uint32_t)(magic + arch + hlen + sum) != 0) {
			err = "multiboot2 header checksum is wrong";
			continue;
		}
		if (arch != 0)
			return "multiboot2 header architecture is not i386 (0)";
		if (hlen < 16 || hlen > limit - off)
			return "multiboot2 header length runs past the first 32 KiB or the file";
		out->mb2_offset = (uint32_t)off;
		return mb2_find_entry(f + off, hlen, &out->entry);
	}
	return err;
}

static const char *elf_parse_segments(const uint8_t *f, uint64_t size, struct kimage *out)
{
	uint64_t phoff = rd(f + 32, 8);
	uint32_t phentsize = (uint32_t)rd(f + 54, 2);
	uint32_t phnum = (uint32_t)rd(f + 56, 2);

	if (phnum == 0)
		return "ELF file has no program headers";
	if (phentsize < PHDR64_SIZE)
		return "ELF program header entry size is below 56";
	if (phoff > size || (uint64_t)phnum * phentsize > size - phoff)
		return "ELF program headers run past the end of the file";

	out->nr_segs = 0;
	out->lo = UINT64_MAX;
	out->hi = 0;
	for (uint32_t i = 0; i < phnum; i++) {
		const uint8_t *ph = f + phoff + (uint64_t)i * phentsize;
		struct kimage_seg s;

		if (rd(ph, 4) != PT_LOAD)
			continue;
		s.offset = rd(ph + 8, 8);
		s.paddr = rd(ph + 24, 8);
		s.filesz = rd(ph + 32, 8);
		s.memsz = rd(ph + 40, 8);
		if (s.memsz == 0)
			continue;
		if (s.filesz > s.memsz)
			return "ELF PT_LOAD has file size above memory size";
		if (s.offset > size || s.filesz > size - s.offset)
			return "ELF PT_LOAD contents run past the end of the file";
		if (s.paddr >= LIMIT_4G || s.memsz > LIMIT_4G - s.paddr)
			return "ELF PT_LOAD physical address is above 4 GiB";
		if (out->nr_segs == KIMAGE_MAX_SEGS)
			return "ELF file has more than 16 PT_LOAD segments";
		out->seg[out->nr_segs++] = s;
		if ((s.paddr & ~PAGE_MASK) < out->lo)
			out->lo = s.paddr & ~PAGE_MASK;
		if (((s.paddr + s.memsz + PAGE_MASK) & ~PAGE_MASK) > out->hi)
			out->hi = (s.paddr + s.memsz + PAGE_MASK) & ~PAGE_MASK;
	}
	if (out->nr_segs == 0)
		return "ELF file has no PT_LOAD segment";
	return NULL;
}

const char *kimage_parse(const void *file, uint64_t size, struct kimage *out)
{
	const uint8_t *f = file;
	const char *err;
	unsigned int i;

	if (size < EHDR64_SIZE)
		return "kernel file is shorter than an ELF64 header";
	if (f[0] != 0x7f || f[1] != 'E' || f[2] != 'L' || f[3] != 'F')
		return "not an ELF file (bad magic)";
	if (f[EI_CLASS] != ELFCLASS64)
		return "not an ELF64 file (ELF class is not 64-bit)";
	if (f[EI_DATA] != ELFDATA2LSB)
		return "ELF file is not little-endian";
	if (rd(f + 16, 2) != ET_EXEC)
		return "ELF file is not an executable (e_type is not ET_EXEC)";
	if (rd(f + 18, 2) != EM_X86_64)
		return "ELF file is not for x86_64 (e_machine is not 62)";

	err = elf_parse_segments(f, size, out);
	if (err)
		return err;
	err = mb2_parse(f, size, out);
	if (err)
		return err;
	for (i = 0; i < out->nr_segs; i++) {
		const struct kimage_seg *s = &out->seg[i];

		if (out->entry >= s->paddr && out->entry < s->paddr + s->memsz)
			return NULL;
	}
	return "multiboot2 EFI entry address lies outside every PT_LOAD segment";
}
