/*
 * mm/bootinfo.c - validates and parses the multiboot2 boot information
 * (from GRUB or from our EFI loader) into struct boot_info.
 *
 * The input is untrusted (and fuzzed): every read is checked against
 * total_size and the bytes the caller says are readable, every field that
 * sizes something is checked before it is used, and the first problem found
 * is reported in words (which tag, at which offset, what was expected).
 */
#include "bootinfo.h"
#include "host.h"
#include "util.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MEMINFO 4
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_TAG_EFI_MMAP 17

#define BOOTINFO_MAX_SIZE (1u << 20) /* far above what any loader builds */
#define RSDP_V1_SIZE 20
#define RSDP_V2_SIZE 36
#define EFI_DESC_MIN 40

/* ---- a tiny formatter for error messages (no libc here) ---- */

static char err_buf[200];

static void put_str(unsigned int *k, const char *s)
{
	while (*s && *k < sizeof(err_buf) - 1)
		err_buf[(*k)++] = *s++;
}

static void put_num(unsigned int *k, uint64_t v, unsigned int base)
{
	char d[24];
	unsigned int n = 0;

	do {
		d[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n && *k < sizeof(err_buf) - 1)
		err_buf[(*k)++] = d[--n];
}

/* %u and %x take unsigned int, %U and %X take uint64_t, %s a string. */
static const char *fmt_err(const char *fmt, ...)
{
	va_list ap;
	unsigned int k = 0;

	va_start(ap, fmt);
	for (; *fmt && k < sizeof(err_buf) - 1; fmt++) {
		if (*fmt != '%') {
			err_buf[k++] = *fmt;
			continue;
		}
		switch (*++fmt) {
		case 'u':
			put_num(&k, va_arg(ap, unsigned int), 10);
			break;
		case 'x':
			put_num(&k, va_arg(ap, unsigned int), 16);
			break;
		case 'U':
			put_num(&k, va_arg(ap, uint64_t), 10);
			break;
		case 'X':
			put_num(&k, va_arg(ap, uint64_t), 16);
			break;
		case 's':
			put_str(&k, va_arg(ap, const char *));
			break;
		default:
			err_buf[k++] = '?';
			fmt--;
			break; /* "%" at the end, or unknown */
		}
		if (!*fmt)
			break;
	}
	va_end(ap);
	err_buf[k] = 0;
	return err_buf;
}

/* ---- reading the untrusted buffer ---- */

struct mb2_reader {
	const uint8_t *base;
	uint32_t total;
};

/* Callers have checked @off + 4 <= total; unaligned input is fine. */
static uint32_t rd32(const struct mb2_reader *r, uint32_t off)
{
	uint32_t v;

	mm_memcpy(&v, r->base + off, sizeof(v));
	return v;
}

static uint64_t rd64(const struct mb2_reader *r, uint32_t off)
{
	uint64_t v;

	mm_memcpy(&v, r->base + off, sizeof(v));
	return v;
}

/* A NUL-terminated string in [off, end) of the buffer, or NULL. */
static const char *tag_string(const struct mb2_reader *r, uint32_t off, uint32_t end)
{
	if (off >= end)
		return NULL;
	const char *s = (const char *)r->base + off;

	return mm_strnlen(s, end - off) < end - off ? s : NULL;
}

/* Append, merging with the previous range when adjacent and of one type
 * (Linux's EFI stub merges the same way). */
static int add_merged(struct memmap *m, uint64_t addr, uint64_t size, uint32_t type)
{
	if (m->nr) {
		struct memmap_entry *last = &m->entry[m->nr - 1];

		if (last->type == type && last->addr + last->size == addr &&
		    last->addr + last->size >= last->addr) {
			last->size += size;
			return 0;
		}
	}
	return mm_memmap_add(m, addr, size, type);
}

struct parse_state {
	const struct mb2_reader *r;
	struct boot_info *out;
	struct memmap efi_map; /* used only when there is no type-6 map */
	bool seen[32];
	bool have_map, have_efi_map;
	uint64_t rsdp_old, rsdp_new;
};

static const char *parse_mmap(struct parse_state *st, uint32_t off, uint32_t size)
{
	const struct mb2_reader *r = st->r;

	if (size < 16)
		return fmt_err("mmap tag at offset %u: size %u below 16", off, size);
	uint32_t esize = rd32(r, off + 8), ever = rd32(r, off + 12);

	if (esize < 24 || esize % 8)
		return fmt_err("mmap tag at offset %u: entry_size %u (must be >= 24 and a multiple of 8)",
			       off, esize);
	if (ever != 0)
		return fmt_err("mmap tag at offset %u: entry_version %u, expected 0", off, ever);
	if ((size - 16) % esize)
		return fmt_err("mmap tag at offset %u: size %u is not 16 + a multiple of entry_size %u",
			       off, size, esize);
	uint32_t count = (size - 16) / esize;

	if (count > MEMMAP_MAX)
		return fmt_err("mmap tag at offset %u: %u entries, more than %u", off, count,
			       MEMMAP_MAX);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t e = off + 16 + i * esize;

		mm_memmap_add(&st->out->map, rd64(r, e), rd64(r, e + 8), rd32(r, e + 16));
	}
	st->have_map = true;
	return NULL;
}

static const char *parse_efi_mmap(struct parse_state *st, uint32_t off, uint32_t size)
{
	const struct mb2_reader *r = st->r;

	if (size < 16)
		return fmt_err("EFI mmap tag at offset %u: size %u below 16", off, size);
	uint32_t dsize = rd32(r, off + 8), dver = rd32(r, off + 12);

	if (dsize < EFI_DESC_MIN || dsize % 8)
		return fmt_err("EFI mmap tag at offset %u: descriptor size %u (must be >= 40 and a multiple of 8)",
			       off, dsize);
	if (dver != 1)
		return fmt_err("EFI mmap tag at offset %u: descriptor version %u, expected 1", off,
			       dver);
	uint32_t count = (size - 16) / dsize;

	for (uint32_t i = 0; i < count; i++) {
		uint32_t d = off + 16 + i * dsize;
		uint64_t addr = rd64(r, d + 8), pages = rd64(r, d + 24);

		if (pages > (UINT64_MAX >> MM_PAGE_SHIFT) || addr % MM_PAGE_SIZE)
			return fmt_err("EFI mmap tag at offset %u: descriptor %u (0x%X, 0x%X pages) is malformed",
				       off, i, addr, pages);
		if (add_merged(&st->efi_map, addr, pages << MM_PAGE_SHIFT,
			       mm_memmap_type_from_efi(rd32(r, d))))
			return fmt_err("EFI mmap tag at offset %u: more than %u ranges after merging",
				       off, MEMMAP_MAX);
	}
	st->out->efi_map_entries = count;
	st->have_efi_map = true;
	return NULL;
}

static const char *parse_module(struct parse_state *st, uint32_t off, uint32_t size)
{
	struct boot_info *out = st->out;

	if (size < 17)
		return fmt_err("module tag at offset %u: size %u below 17", off, size);
	if (out->nr_modules >= BOOTINFO_MAX_MODULES)
		return fmt_err("module tag at offset %u: more than %u modules", off,
			       BOOTINFO_MAX_MODULES);
	uint32_t start = rd32(st->r, off + 8), end = rd32(st->r, off + 12);
	const char *cmd = tag_string(st->r, off + 16, off + size);

	if (end < start)
		return fmt_err("module tag at offset %u: end 0x%x below start 0x%x", off, end,
			       start);
	if (!cmd)
		return fmt_err("module tag at offset %u: string not NUL-terminated", off);
	struct boot_module *mod = &out->modules[out->nr_modules++];

	mod->start = start;
	mod->end = end;
	mod->cmdline = cmd;
	return NULL;
}

static const char *parse_tag(struct parse_state *st, uint32_t type, uint32_t off, uint32_t size,
			     uint64_t mbi_phys)
{
	struct boot_info *out = st->out;
	const char *s;

	switch (type) {
	case MB2_TAG_CMDLINE:
	case MB2_TAG_LOADER:
		s = tag_string(st->r, off + 8, off + size);
		if (!s)
			return fmt_err("%s tag at offset %u: string not NUL-terminated",
				       type == MB2_TAG_CMDLINE ? "cmdline" : "loader name", off);
		if (type == MB2_TAG_CMDLINE)
			out->cmdline = s;
		else
			out->loader_name = s;
		return NULL;
	case MB2_TAG_MODULE:
		return parse_module(st, off, size);
	case MB2_TAG_MEMINFO:
		if (size < 16)
			return fmt_err("basic meminfo tag at offset %u: size %u below 16", off,
				       size);
		out->mem_lower_kb = rd32(st->r, off + 8);
		out->mem_upper_kb = rd32(st->r, off + 12);
		return NULL;
	case MB2_TAG_MMAP:
		return parse_mmap(st, off, size);
	case MB2_TAG_EFI_MMAP:
		return parse_efi_mmap(st, off, size);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		if (size < 8 + (type == MB2_TAG_ACPI_OLD ? RSDP_V1_SIZE : RSDP_V2_SIZE))
			return fmt_err("ACPI RSDP tag type %u at offset %u: size %u too small for an RSDP",
				       type, off, size);
		if (type == MB2_TAG_ACPI_OLD)
			st->rsdp_old = mbi_phys + off + 8;
		else
			st->rsdp_new = mbi_phys + off + 8;
		return NULL;
	default:
		return NULL; /* tags we do not use are skipped */
	}
}

/* The sanitized view of the map, only to check that it has RAM. */
static struct memmap scratch;

static const char *check_map(struct parse_state *st)
{
	struct boot_info *out = st->out;

	if (!st->have_map && !st->have_efi_map)
		return "no memory map: neither an mmap tag (6) nor an EFI mmap tag (17)";
	if (!st->have_map) {
		mm_memcpy(&out->map, &st->efi_map, sizeof(out->map));
		out->map_source = MB2_TAG_EFI_MMAP;
	} else {
		out->map_source = MB2_TAG_MMAP;
	}
	mm_memcpy(&scratch, &out->map, sizeof(scratch));
	if (mm_memmap_sanitize(&scratch))
		return "memory map: too many ranges after sanitizing";
	if (!mm_memmap_total(&scratch, MEMMAP_USABLE))
		return "no usable RAM in the memory map";
	return NULL;
}

static struct parse_state state;

int mm_bootinfo_parse_sized(uint32_t magic, const void *mbi, size_t avail, uint64_t mbi_phys,
			 struct boot_info *out, const char **err)
{
	struct parse_state *st = &state;
	struct mb2_reader r = { mbi, 0 };
	const char *e = NULL;
	uint32_t off;
	bool ended = false;

	mm_memset(out, 0, sizeof(*out));
	mm_memset(st, 0, sizeof(*st));
	out->cmdline = "";
	out->loader_name = "";
	st->r = &r;
	st->out = out;
	if (magic != MB2_BOOTLOADER_MAGIC) {
		*err = fmt_err("bad multiboot2 magic: expected 0x%x, got 0x%x",
			       MB2_BOOTLOADER_MAGIC, magic);
		return -1;
	}
	if (!mbi || mbi_phys % 8) {
		*err = fmt_err("boot information at 0x%X is missing or not 8-byte aligned",
			       mbi_phys);
		return -1;
	}
	if (avail < 8) {
		*err = "boot information: fewer than 8 bytes available";
		return -1;
	}
	r.total = rd32(&r, 0);
	if (r.total < 16 || r.total > BOOTINFO_MAX_SIZE || r.total > avail) {
		*err = fmt_err("boot information total_size %u out of range (16 to %u, %U available)",
			       r.total, BOOTINFO_MAX_SIZE, (uint64_t)avail);
		return -1;
	}
	out->info_phys = mbi_phys;
	out->info_size = r.total;
	for (off = 8; off + 8 <= r.total;) {
		uint32_t type = rd32(&r, off), size = rd32(&r, off + 4);

		if (size < 8) {
			e = fmt_err("tag type %u at offset %u: size %u below 8", type, off, size);
			break;
		}
		if (size > r.total - off) {
			e = fmt_err("tag type %u at offset %u: size %u runs past total_size %u",
				    type, off, size, r.total);
			break;
		}
		if (type == MB2_TAG_END) {
			ended = true;
			break;
		}
		if (type < 32 && type != MB2_TAG_MODULE && st->seen[type]) {
			e = fmt_err("tag type %u at offset %u: duplicate", type, off);
			break;
		}
		if (type < 32)
			st->seen[type] = true;
		e = parse_tag(st, type, off, size, mbi_phys);
		if (e)
			break;
		off += (size + 7) & ~7u; /* size <= 1 MiB: cannot wrap */
	}
	if (!e && !ended)
		e = fmt_err("no end tag before total_size %u", r.total);
	if (!e)
		e = check_map(st);
	if (e) {
		*err = e;
		return -1;
	}
	out->rsdp_phys = st->rsdp_new ? st->rsdp_new : st->rsdp_old;
	*err = NULL;
	return 0;
}

int mm_bootinfo_parse(uint32_t magic, const void *mbi, uint64_t mbi_phys, struct boot_info *out,
		   const char **err)
{
	return mm_bootinfo_parse_sized(magic, mbi, BOOTINFO_MAX_SIZE, mbi_phys, out, err);
}
