/*
 * tests/host/test_bootinfo.c - host tests of mm/bootinfo.c (multiboot2
 * parsing and its error messages, on blobs built here like GRUB and our EFI
 * loader build them, plus random corruption under ASan) and of
 * mm/boot_reserve.c (boot reservations, mm_parse_size).
 */
#include <stdint.h>
#include <string.h>

#include "htest.h"
#include "mm/boot_reserve.h"
#include "mm/bootinfo.h"
#include "mm/memblock.h"

#define PHYS 0x10000ull /* where the pretend loader put the info */

static struct {
	_Alignas(8) uint8_t buf[16384];
	uint32_t len, tag;
} b;

static void put32(uint32_t v)
{
	memcpy(b.buf + b.len, &v, 4);
	b.len += 4;
}
static void put64(uint64_t v)
{
	memcpy(b.buf + b.len, &v, 8);
	b.len += 8;
}
static void putbytes(const void *p, uint32_t n)
{
	memcpy(b.buf + b.len, p, n);
	b.len += n;
}

static void start(void)
{
	memset(&b, 0, sizeof(b));
	b.len = 8; /* total_size and reserved, filled by finish() */
}

static void tag_begin(uint32_t type)
{
	b.tag = b.len;
	put32(type);
	put32(0);
}

static void tag_end(void)
{
	uint32_t size = b.len - b.tag;

	memcpy(b.buf + b.tag + 4, &size, 4);
	while (b.len % 8)
		b.buf[b.len++] = 0;
}

static void tag_string(uint32_t type, const char *s)
{
	tag_begin(type);
	putbytes(s, (uint32_t)strlen(s) + 1);
	tag_end();
}

static void finish(void)
{
	tag_begin(0);
	tag_end();
	memcpy(b.buf, &b.len, 4);
}

struct e820 {
	uint64_t addr, len;
	uint32_t type;
};

static const struct e820 qemu512[] = {
	{ 0, 0x9fc00, 1 },
	{ 0x9fc00, 0x400, 2 },
	{ 0xf0000, 0x10000, 2 },
	{ 0x100000, 0x1fee0000, 1 },
	{ 0x1ffe0000, 0x20000, 2 },
	{ 0xfffc0000, 0x40000, 2 },
	{ 0xfd00000000ull, 0x300000000ull, 2 },
};

static void tag_mmap(const struct e820 *e, unsigned int n, uint32_t esize, uint32_t ever)
{
	tag_begin(6);
	put32(esize);
	put32(ever);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t at = b.len;

		put64(e[i].addr);
		put64(e[i].len);
		put32(e[i].type);
		b.len = at + esize; /* entry_size may exceed 24 */
	}
	tag_end();
}

static void tag_module(uint32_t s, uint32_t e, const char *cmd)
{
	tag_begin(3);
	put32(s);
	put32(e);
	putbytes(cmd, (uint32_t)strlen(cmd) + 1);
	tag_end();
}

static struct boot_info bi;
static const char *err;

static int parse(void)
{
	return mm_bootinfo_parse_sized(0x36d76289, b.buf, b.len, PHYS, &bi, &err);
}

#define EXPECT_ERR(want) \
	do { \
		KT_EXPECT_EQ(parse(), -1); \
		if (!err || strcmp(err, want)) \
			ktest_fail(__FILE__, __LINE__, "error '%s', want '%s'", \
				   err ? err : "(none)", want); \
	} while (0)

static void grub_like(void)
{
	start();
	tag_string(1, "test=memmap mem=256M");
	tag_string(2, "GRUB 2.06-13+deb12u1");
	tag_module(0x800000, 0x812345, "initrd.img");
	tag_begin(4);
	put32(639);
	put32(523136);
	tag_end();
	tag_mmap(qemu512, 7, 24, 0);
	tag_begin(15); /* RSDP v2 copy: 36 bytes */
	putbytes("RSD PTR ", 8);
	for (int i = 0; i < 28; i++)
		b.buf[b.len++] = (uint8_t)i;
	tag_end();
}

HTEST(bootinfo_parses_grub_like_info)
{
	grub_like();
	finish();
	KT_ASSERT_EQ(parse(), 0);
	KT_EXPECT(err == NULL);
	KT_EXPECT(!strcmp(bi.cmdline, "test=memmap mem=256M"));
	KT_EXPECT(!strcmp(bi.loader_name, "GRUB 2.06-13+deb12u1"));
	KT_EXPECT_EQ(bi.info_phys, PHYS);
	KT_EXPECT_EQ(bi.info_size, b.len);
	KT_EXPECT_EQ(bi.mem_lower_kb, 639);
	KT_EXPECT_EQ(bi.mem_upper_kb, 523136);
	KT_EXPECT_EQ(bi.map_source, 6);
	KT_EXPECT_EQ(bi.efi_map_entries, 0);
	KT_ASSERT_EQ(bi.map.nr, 7);
	for (unsigned int i = 0; i < 7; i++) {
		KT_EXPECT_EQ(bi.map.entry[i].addr, qemu512[i].addr);
		KT_EXPECT_EQ(bi.map.entry[i].size, qemu512[i].len);
		KT_EXPECT_EQ(bi.map.entry[i].type, qemu512[i].type);
	}
	KT_ASSERT_EQ(bi.nr_modules, 1);
	KT_EXPECT_EQ(bi.modules[0].start, 0x800000);
	KT_EXPECT_EQ(bi.modules[0].end, 0x812345);
	KT_EXPECT(!strcmp(bi.modules[0].cmdline, "initrd.img"));
	/* the RSDP copy sits inside the info: check it by content */
	KT_ASSERT(bi.rsdp_phys > PHYS && bi.rsdp_phys < PHYS + b.len);
	KT_EXPECT(!memcmp(b.buf + (bi.rsdp_phys - PHYS), "RSD PTR ", 8));
}

HTEST(bootinfo_rejects_wrong_magic)
{
	grub_like();
	finish();
	KT_EXPECT_EQ(mm_bootinfo_parse_sized(0x2badb002, b.buf, b.len, PHYS, &bi, &err), -1);
	KT_EXPECT(err && !strcmp(err, "bad multiboot2 magic: expected 0x36d76289, got 0x2badb002"));
}

HTEST(bootinfo_rejects_tag_past_total_size)
{
	start();
	tag_string(1, "console=ttyS0");
	finish();
	uint32_t big = 4096;

	memcpy(b.buf + 12, &big, 4); /* the cmdline tag's size */
	EXPECT_ERR("tag type 1 at offset 8: size 4096 runs past total_size 40");
	big = 4;
	memcpy(b.buf + 12, &big, 4);
	EXPECT_ERR("tag type 1 at offset 8: size 4 below 8");
}

HTEST(bootinfo_rejects_bad_total_size)
{
	grub_like();
	finish();
	uint32_t ts = 8;

	memcpy(b.buf, &ts, 4);
	EXPECT_ERR("boot information total_size 8 out of range (16 to 1048576, 360 available)");
	ts = b.len + 8; /* more than the buffer holds */
	memcpy(b.buf, &ts, 4);
	EXPECT_ERR("boot information total_size 368 out of range (16 to 1048576, 360 available)");
	KT_EXPECT_EQ(mm_bootinfo_parse_sized(0x36d76289, b.buf, b.len, PHYS + 4, &bi, &err), -1);
	KT_EXPECT(err &&
		  !strcmp(err, "boot information at 0x10004 is missing or not 8-byte aligned"));
}

HTEST(bootinfo_rejects_missing_end_tag)
{
	grub_like();
	memcpy(b.buf, &b.len, 4);
	EXPECT_ERR("no end tag before total_size 352");
}

HTEST(bootinfo_rejects_mmap_entry_size_16_and_bad_version)
{
	start();
	tag_mmap(qemu512, 7, 16, 0);
	finish();
	EXPECT_ERR("mmap tag at offset 8: entry_size 16 (must be >= 24 and a multiple of 8)");
	start();
	tag_mmap(qemu512, 7, 28, 0);
	finish();
	EXPECT_ERR("mmap tag at offset 8: entry_size 28 (must be >= 24 and a multiple of 8)");
	start();
	tag_mmap(qemu512, 7, 24, 1);
	finish();
	EXPECT_ERR("mmap tag at offset 8: entry_version 1, expected 0");
	start();
	tag_mmap(qemu512, 2, 24, 0);
	b.len -= 8; /* cut the last entry short */
	uint32_t sz = b.len - 8;

	memcpy(b.buf + 12, &sz, 4);
	finish();
	EXPECT_ERR("mmap tag at offset 8: size 56 is not 16 + a multiple of entry_size 24");
}

HTEST(bootinfo_accepts_larger_mmap_entries)
{
	start();
	tag_mmap(qemu512, 7, 32, 0);
	finish();
	KT_ASSERT_EQ(parse(), 0);
	KT_EXPECT_EQ(bi.map.nr, 7);
	KT_EXPECT_EQ(bi.map.entry[3].size, 0x1fee0000);
}

HTEST(bootinfo_rejects_no_memory_map_and_no_usable_ram)
{
	start();
	tag_string(1, "");
	finish();
	EXPECT_ERR("no memory map: neither an mmap tag (6) nor an EFI mmap tag (17)");
	static const struct e820 none[] = { { 0, 0xa0000, 2 }, { 0x100000, 0x800, 1 } };

	start();
	tag_mmap(none, 2, 24, 0);
	finish();
	EXPECT_ERR("no usable RAM in the memory map");
}

HTEST(bootinfo_rejects_duplicate_map)
{
	start();
	tag_mmap(qemu512, 7, 24, 0);
	tag_mmap(qemu512, 7, 24, 0);
	finish();
	EXPECT_ERR("tag type 6 at offset 192: duplicate");
}

struct efi_desc {
	uint32_t type;
	uint64_t addr, pages;
};

static void tag_efi(const struct efi_desc *d, unsigned int n, uint32_t dsize, uint32_t dver)
{
	tag_begin(17);
	put32(dsize);
	put32(dver);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t at = b.len;

		put32(d[i].type);
		put32(0);
		put64(d[i].addr);
		put64(0);
		put64(d[i].pages);
		put64(0xf); /* attributes: UC WC WT WB */
		b.len = at + dsize;
	}
	tag_end();
}

static const struct efi_desc ovmf_like[] = {
	{ 3, 0, 1 },	     /* boot services code */
	{ 7, 0x1000, 0x9f }, /* conventional */
	{ 7, 0x100000, 0x700 },
	{ 10, 0x800000, 8 },	    /* ACPI NVS */
	{ 4, 0x808000, 3 },	    /* boot services data */
	{ 2, 0x80b000, 5 },	    /* loader data */
	{ 9, 0x810000, 0x10 },	    /* ACPI reclaim */
	{ 5, 0x820000, 0x20 },	    /* runtime code */
	{ 0, 0xb0000000, 0x10000 }, /* reserved */
	{ 11, 0xffc00000, 0x400 },  /* MMIO */
};

HTEST(bootinfo_uses_efi_map_when_there_is_no_mmap_tag)
{
	start();
	tag_string(2, "mm-efi-loader");
	tag_efi(ovmf_like, 10, 48, 1);
	finish();
	KT_ASSERT_EQ(parse(), 0);
	KT_EXPECT_EQ(bi.map_source, 17);
	KT_EXPECT_EQ(bi.efi_map_entries, 10);
	/* adjacent descriptors of one converted type merge, like Linux's stub */
	KT_ASSERT_EQ(bi.map.nr, 8);
	KT_EXPECT(bi.map.entry[0].addr == 0 && bi.map.entry[0].size == 0xa0000 &&
		  bi.map.entry[0].type == MEMMAP_USABLE);
	KT_EXPECT(bi.map.entry[3].addr == 0x808000 && bi.map.entry[3].size == 0x8000 &&
		  bi.map.entry[3].type == MEMMAP_USABLE);
	KT_EXPECT_EQ(bi.map.entry[4].type, MEMMAP_ACPI);
	KT_EXPECT_EQ(bi.map.entry[5].type, MEMMAP_RESERVED);
	KT_EXPECT_EQ(bi.map.entry[6].size, 0x10000000);
	KT_EXPECT_EQ(bi.map.entry[7].type, MEMMAP_RESERVED);
	/* with both maps, the e820-style one wins; the EFI one is still checked */
	start();
	tag_efi(ovmf_like, 10, 48, 1);
	tag_mmap(qemu512, 7, 24, 0);
	finish();
	KT_ASSERT_EQ(parse(), 0);
	KT_EXPECT_EQ(bi.map_source, 6);
	KT_EXPECT_EQ(bi.map.nr, 7);
	KT_EXPECT_EQ(bi.efi_map_entries, 10);
}

HTEST(bootinfo_rejects_bad_efi_descriptors)
{
	start();
	tag_efi(ovmf_like, 10, 32, 1);
	finish();
	EXPECT_ERR(
		"EFI mmap tag at offset 8: descriptor size 32 (must be >= 40 and a multiple of 8)");
	start();
	tag_efi(ovmf_like, 10, 48, 2);
	finish();
	EXPECT_ERR("EFI mmap tag at offset 8: descriptor version 2, expected 1");
	static const struct efi_desc huge[] = { { 7, 0x1000, 0x20000000000000ull } };

	start();
	tag_efi(huge, 1, 40, 1);
	finish();
	EXPECT_ERR(
		"EFI mmap tag at offset 8: descriptor 0 (0x1000, 0x20000000000000 pages) is malformed");
}

HTEST(bootinfo_rejects_unterminated_strings)
{
	start();
	tag_begin(1);
	putbytes("abcdefgh", 8); /* no NUL in the tag */
	tag_end();
	tag_mmap(qemu512, 7, 24, 0);
	finish();
	EXPECT_ERR("cmdline tag at offset 8: string not NUL-terminated");
	start();
	tag_begin(2); /* empty loader name tag: not even a NUL */
	tag_end();
	tag_mmap(qemu512, 7, 24, 0);
	finish();
	EXPECT_ERR("loader name tag at offset 8: string not NUL-terminated");
	start();
	tag_begin(3);
	put32(0x800000);
	put32(0x900000);
	putbytes("initrd", 6);
	tag_end(); /* the padding is zero, but outside the tag's size */
	tag_mmap(qemu512, 7, 24, 0);
	finish();
	EXPECT_ERR("module tag at offset 8: string not NUL-terminated");
}

HTEST(bootinfo_modules_are_listed_and_checked)
{
	start();
	tag_module(0x800000, 0x900000, "first arg=1");
	tag_module(0xa00000, 0xa00010, "");
	tag_mmap(qemu512, 7, 24, 0);
	finish();
	KT_ASSERT_EQ(parse(), 0);
	KT_ASSERT_EQ(bi.nr_modules, 2);
	KT_EXPECT(!strcmp(bi.modules[0].cmdline, "first arg=1"));
	KT_EXPECT(!strcmp(bi.modules[1].cmdline, ""));
	KT_EXPECT_EQ(bi.modules[1].end, 0xa00010);
	start();
	tag_module(0x900000, 0x800000, "backwards");
	tag_mmap(qemu512, 7, 24, 0);
	finish();
	EXPECT_ERR("module tag at offset 8: end 0x800000 below start 0x900000");
	start();
	for (int i = 0; i < BOOTINFO_MAX_MODULES + 1; i++)
		tag_module(0x800000 + i * 0x1000, 0x801000 + i * 0x1000, "m");
	tag_mmap(qemu512, 7, 24, 0);
	finish();
	EXPECT_ERR("module tag at offset 392: more than 16 modules");
}

HTEST(bootinfo_survives_random_corruption)
{
	static uint8_t orig[16384];
	uint64_t rng = 0x1234567;
	uint32_t olen;
	int ok = 0, bad = 0;

	grub_like();
	tag_efi(ovmf_like, 10, 48, 1);
	finish();
	memcpy(orig, b.buf, b.len);
	olen = b.len;
	for (int round = 0; round < 20000; round++) {
		memcpy(b.buf, orig, olen);
		b.len = olen;
		int flips = 1 + (int)(rng % 4);

		for (int k = 0; k < flips; k++) {
			rng = rng * 6364136223846793005ull + 1442695040888963407ull;
			uint32_t at = (uint32_t)(rng >> 33) % olen;

			b.buf[at] = (uint8_t)(rng >> 20);
		}
		if (rng % 7 == 0)
			b.len = (uint32_t)(rng >> 40) % (olen + 1); /* truncated input */
		if (parse() == 0) {
			ok++;
			/* whatever was accepted must be consistent */
			KT_ASSERT(bi.info_size <= b.len);
			KT_ASSERT(bi.map.nr <= MEMMAP_MAX && bi.nr_modules <= BOOTINFO_MAX_MODULES);
			KT_ASSERT((const uint8_t *)bi.cmdline >= b.buf || !*bi.cmdline);
		} else {
			KT_ASSERT(err && *err);
			bad++;
		}
	}
	ktest_diag("%d accepted, %d rejected", ok, bad);
	KT_EXPECT(ok > 0 && bad > 0);
}

/* ---- boot_reserve.c ---- */

HTEST(boot_reserve_names_every_range)
{
	static struct memmap m;

	m.nr = 0;
	mm_memmap_add(&m, 0, 0x9fc00, MEMMAP_USABLE);
	mm_memmap_add(&m, 0x100000, 0x1fee0000, MEMMAP_USABLE);
	KT_ASSERT_EQ(mm_memmap_sanitize(&m), 0);
	KT_ASSERT_EQ(mm_memblock_init_from_memmap(&m), 0);
	grub_like();
	finish();
	KT_ASSERT_EQ(parse(), 0);
	KT_ASSERT_EQ(mm_reserve_boot_ranges(&bi, 0x200000, 0x345678), 0);
	static const struct {
		uint64_t addr;
		const char *name;
	} want[] = {
		{ 0, "page 0" },	 { 0x1000, "low 64K" },	 { 0xffff, "low 64K" },
		{ 0x10000, "bootinfo" }, { 0x9f000, "BIOS" },	 { 0xfffff, "BIOS" },
		{ 0x200000, "kernel" },	 { 0x345fff, "kernel" }, { 0x800000, "module" },
		{ 0x812344, "module" },
	};
	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *name = NULL;

		for (unsigned int r = 0; r < mm_memblock.reserved.cnt; r++)
			if (want[i].addr >= mm_memblock.reserved.regions[r].base &&
			    want[i].addr < mm_memblock.reserved.regions[r].base +
						   mm_memblock.reserved.regions[r].size)
				name = mm_memblock.reserved.regions[r].name;
		if (!name || strcmp(name, want[i].name))
			ktest_fail(__FILE__, __LINE__, "0x%llx reserved by %s, want %s",
				   (unsigned long long)want[i].addr, name ? name : "nobody",
				   want[i].name);
	}
	KT_EXPECT(!mm_memblock_is_reserved(0x100000));
	KT_EXPECT(!mm_memblock_is_reserved(0x346000));
	KT_EXPECT(!mm_memblock_is_reserved(0x813000));
	/* the first free range starts after the low 64K and the boot info */
	uint64_t idx = 0, s, e;

	KT_ASSERT(mm_memblock_next_free_range(&idx, &s, &e));
	KT_EXPECT_EQ(s, 0x11000);
	KT_EXPECT_EQ(e, 0x9f000);
}

HTEST(mm_parse_size_reads_memparse_syntax)
{
	const char *end;
	static const struct {
		const char *s;
		uint64_t v;
		unsigned int used;
	} cases[] = {
		{ "256M", 256ull << 20, 4 },
		{ "1G", 1ull << 30, 2 },
		{ "4k", 4096, 2 },
		{ "0x1000", 0x1000, 6 },
		{ "0x10M", 16ull << 20, 5 },
		{ "12345", 12345, 5 },
		{ "2T,", 2ull << 40, 2 },
		{ "3 G", 3, 1 },
		{ "99999999999999999999", UINT64_MAX, 20 },
		{ "17179869184G", UINT64_MAX, 12 },
		{ "1E", 1ull << 60, 2 },
		{ "0x", 0, 1 },
		{ "xyz", 0, 0 },
		{ "", 0, 0 },
	};
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = mm_parse_size(cases[i].s, &end);

		if (v != cases[i].v || end != cases[i].s + cases[i].used)
			ktest_fail(__FILE__, __LINE__, "'%s': 0x%llx used %d, want 0x%llx used %u",
				   cases[i].s, (unsigned long long)v, (int)(end - cases[i].s),
				   (unsigned long long)cases[i].v, cases[i].used);
	}
	KT_EXPECT_EQ(mm_parse_size("64M", NULL), 64ull << 20);
}

HTEST_MAIN("bootinfo")
