/*
 * boot/efi/test_efi.c - host tests of the GNU-EFI loader's pure-C halves:
 * kernel ELF checks (kimage.c) and the multiboot2 boot information builder
 * (mb2info.c). Built and run by `make efi-test` under ASan+UBSan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/efi/kimage.h"
#include "boot/efi/mb2info.h"
#include "tests/host/htest.h"

/* ---- a synthetic kernel: ELF header, two PT_LOADs, multiboot2 header ---- */

#define IMG_SIZE 0x3000
#define MB2_OFF 0x1000
#define TEXT_PADDR 0x200000ull
#define ENTRY 0x200040u

static uint8_t img[IMG_SIZE];

static void put(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_phdr(int i, uint32_t type, uint64_t off, uint64_t paddr, uint64_t filesz,
		     uint64_t memsz)
{
	uint8_t *ph = img + 64 + 56 * i;

	put(ph, type, 4);
	put(ph + 4, 5, 4); /* R+X */
	put(ph + 8, off, 8);
	put(ph + 16, paddr + 0xffffffff80000000ull, 8);
	put(ph + 24, paddr, 8);
	put(ph + 32, filesz, 8);
	put(ph + 40, memsz, 8);
}

/* Multiboot2 header with the given architecture and optional tag 9. */
static void put_mb2(uint32_t arch, int with_entry_tag, uint32_t entry)
{
	uint8_t *h = img + MB2_OFF;
	uint32_t len = with_entry_tag ? 16 + 16 + 8 : 16 + 8;

	memset(h, 0, 48);
	put(h, MB2_HEADER_MAGIC, 4);
	put(h + 4, arch, 4);
	put(h + 8, len, 4);
	put(h + 12, (uint32_t)(0u - (MB2_HEADER_MAGIC + arch + len)), 4);
	if (with_entry_tag) {
		put(h + 16, 9, 2);
		put(h + 20, 12, 4);
		put(h + 24, entry, 4);
	}
	/* end tag: type 0, size 8 */
	put(h + len - 8 + 4, 8, 4);
}

static void make_kernel(void)
{
	memset(img, 0, sizeof(img));
	memcpy(img,
	       "\x7f"
	       "ELF",
	       4);
	img[4] = 2; /* ELFCLASS64 */
	img[5] = 1; /* little-endian */
	img[6] = 1;
	put(img + 16, 2, 2);  /* ET_EXEC */
	put(img + 18, 62, 2); /* EM_X86_64 */
	put(img + 24, ENTRY + 0xffffffff80000000ull, 8);
	put(img + 32, 64, 8); /* e_phoff */
	put(img + 52, 64, 2);
	put(img + 54, 56, 2);
	put(img + 56, 3, 2);
	put_phdr(0, 1, MB2_OFF, TEXT_PADDR, 0x1000, 0x1000);
	put_phdr(1, 4, 0, 0, 0, 0);				    /* PT_NOTE: ignored */
	put_phdr(2, 1, 0x2000, TEXT_PADDR + 0x1000, 0x800, 0x5123); /* data+bss */
	put_mb2(0, 1, ENTRY);
}

static const char *parse(struct kimage *k)
{
	return kimage_parse(img, sizeof(img), k);
}

/* The error must mention @needle, so each rule is shown to be the one that fired. */
#define EXPECT_ERR(needle) \
	do { \
		struct kimage k_; \
		const char *e_ = parse(&k_); \
		if (!e_ || !strstr(e_, needle)) \
			ktest_fail(__FILE__, __LINE__, "wanted error with \"%s\", got \"%s\"", \
				   needle, e_ ? e_ : "(none)"); \
	} while (0)

HTEST(kimage_accepts_valid_kernel_and_finds_tag9_entry)
{
	struct kimage k;
	const char *err;

	make_kernel();
	err = parse(&k);
	KT_ASSERT(err == NULL);
	KT_EXPECT_EQ(k.entry, ENTRY);
	KT_EXPECT_EQ(k.mb2_offset, MB2_OFF);
	KT_ASSERT_EQ(k.nr_segs, 2);
	KT_EXPECT_EQ(k.seg[1].paddr, TEXT_PADDR + 0x1000);
	KT_EXPECT_EQ(k.seg[1].memsz, 0x5123);
	KT_EXPECT_EQ(k.lo, TEXT_PADDR);
	KT_EXPECT_EQ(k.hi, TEXT_PADDR + 0x7000); /* 0x201000 + 0x5123 rounded up */
}

HTEST(kimage_rejects_bad_elf_identity)
{
	make_kernel();
	img[1] = 'X';
	EXPECT_ERR("bad magic");
	make_kernel();
	img[4] = 1;
	EXPECT_ERR("ELF64");
	make_kernel();
	img[5] = 2;
	EXPECT_ERR("little-endian");
	make_kernel();
	put(img + 16, 3, 2); /* ET_DYN */
	EXPECT_ERR("ET_EXEC");
	make_kernel();
	put(img + 18, 3, 2); /* EM_386 */
	EXPECT_ERR("x86_64");
}

HTEST(kimage_rejects_truncated_file)
{
	struct kimage k;
	const char *e;

	make_kernel();
	e = kimage_parse(img, 63, &k);
	KT_EXPECT(e && strstr(e, "shorter"));
	/* Cut inside the second segment's contents. */
	e = kimage_parse(img, 0x2400, &k);
	KT_EXPECT(e && strstr(e, "past the end of the file"));
}

HTEST(kimage_rejects_bad_program_headers)
{
	make_kernel();
	put(img + 32, IMG_SIZE - 100, 8);
	EXPECT_ERR("program headers run past");
	make_kernel();
	put(img + 54, 32, 2);
	EXPECT_ERR("entry size");
	make_kernel();
	put(img + 56, 0, 2);
	EXPECT_ERR("no program headers");
	make_kernel();
	put_phdr(2, 1, 0x2000, TEXT_PADDR + 0x1000, 0x800, 0x400);
	EXPECT_ERR("file size above memory size");
	make_kernel();
	put_phdr(2, 1, 0x2000, 0xfffff000ull, 0x800, 0x2000);
	EXPECT_ERR("above 4 GiB");
	make_kernel();
	put_phdr(0, 6, 0, 0, 0, 0);
	put_phdr(2, 6, 0, 0, 0, 0);
	EXPECT_ERR("no PT_LOAD");
}

HTEST(kimage_rejects_bad_multiboot2_header)
{
	make_kernel();
	memset(img + MB2_OFF, 0, 16);
	EXPECT_ERR("no multiboot2 header");
	make_kernel();
	img[MB2_OFF + 12] ^= 1;
	EXPECT_ERR("checksum");
	make_kernel();
	put_mb2(4, 1, ENTRY); /* MIPS */
	EXPECT_ERR("architecture");
	make_kernel();
	put_mb2(0, 0, ENTRY);
	EXPECT_ERR("type 9");
	make_kernel();
	put_mb2(0, 1, 0x100000);
	EXPECT_ERR("outside every PT_LOAD");
	make_kernel();
	put(img + MB2_OFF + 20, 4, 4); /* tag 9 size below the 8-byte header */
	EXPECT_ERR("bad size");
}

HTEST(kimage_ignores_multiboot2_header_beyond_32k)
{
	static uint8_t big[0x9000];
	struct kimage k;
	const char *e;

	make_kernel();
	memcpy(big, img, IMG_SIZE);
	memset(big + MB2_OFF, 0, 64);
	memcpy(big + 0x8008, img + MB2_OFF, 64); /* past the 32 KiB window */
	e = kimage_parse(big, sizeof(big), &k);
	KT_EXPECT(e && strstr(e, "no multiboot2 header"));
}

/* ---- the boot information builder ---- */

#define DSIZE 48 /* OVMF's descriptor size: larger than the 40-byte struct */

struct tagview {
	uint32_t type, size;
	const uint8_t *p;
};

static void put_desc(uint8_t *map, int i, uint32_t type, uint64_t addr, uint64_t pages,
		     uint64_t attr)
{
	uint8_t *d = map + i * DSIZE;

	memset(d, 0xee, DSIZE); /* padding and VirtualStart must not matter */
	put(d, type, 4);
	put(d + 8, addr, 8);
	put(d + 24, pages, 8);
	put(d + 32, attr, 8);
}

/* Walk the block as a kernel would; fails the test on any framing error. */
static int walk(const uint8_t *buf, uint32_t cap, struct tagview *tags, int max)
{
	uint32_t total, off = 8;
	int n = 0;

	memcpy(&total, buf, 4);
	if (total > cap || total % 8) {
		ktest_fail(__FILE__, __LINE__, "total_size %u bad (cap %u)", total, cap);
		return -1;
	}
	while (off + 8 <= total && n < max) {
		struct tagview t;

		memcpy(&t.type, buf + off, 4);
		memcpy(&t.size, buf + off + 4, 4);
		t.p = buf + off;
		if (t.size < 8 || off + t.size > total) {
			ktest_fail(__FILE__, __LINE__, "tag at %u has size %u", off, t.size);
			return -1;
		}
		tags[n++] = t;
		if (t.type == MB2_TAG_END)
			return off + 8 == total ? n : -1;
		off += (t.size + 7) & ~7u;
	}
	ktest_fail(__FILE__, __LINE__, "no end tag");
	return -1;
}

static const struct tagview *find(const struct tagview *t, int n, uint32_t type)
{
	for (int i = 0; i < n; i++)
		if (t[i].type == type)
			return &t[i];
	return NULL;
}

static uint8_t efimap[16 * DSIZE];

/* An unsorted map with runs that must merge, types that must convert and
 * an empty descriptor that must vanish. */
static int make_efimap(void)
{
	int i = 0;

	put_desc(efimap, i++, 7, 0x100000, 0x100, 0xf);		/* conventional */
	put_desc(efimap, i++, 3, 0x0, 0x10, 0xf);		/* BS code */
	put_desc(efimap, i++, 4, 0x10000, 0x90, 0xf);		/* BS data: merges with 0x0 */
	put_desc(efimap, i++, 2, 0x200000, 0x10, 0xf);		/* loader data: merges */
	put_desc(efimap, i++, 10, 0x210000, 0x8, 0xf);		/* ACPI NVS */
	put_desc(efimap, i++, 9, 0x218000, 0x8, 0xf);		/* ACPI reclaim */
	put_desc(efimap, i++, 6, 0x220000, 0x4, 1ull << 63);	/* runtime data */
	put_desc(efimap, i++, 7, 0x224000, 0x0, 0xf);		/* empty: dropped */
	put_desc(efimap, i++, 7, 0x224000, 0x100, 0x40000);	/* specific purpose */
	put_desc(efimap, i++, 8, 0x324000, 0x1, 0xf);		/* unusable */
	put_desc(efimap, i++, 14, 0x400000, 0x400, 0xf);	/* persistent */
	put_desc(efimap, i++, 11, 0xfec00000, 0x1, 1ull << 63); /* MMIO */
	put_desc(efimap, i++, 99, 0x100000000ull, 0x10, 0);	/* unknown type */
	return i;
}

static void expect_entry(const struct mb2_mmap_entry *e, uint64_t addr, uint64_t len, uint32_t type,
			 int line)
{
	if (e->addr != addr || e->len != len || e->type != type || e->zero != 0)
		ktest_fail(__FILE__, line,
			   "mmap entry 0x%llx+0x%llx type %u, wanted 0x%llx+0x%llx type %u",
			   (unsigned long long)e->addr, (unsigned long long)e->len, e->type,
			   (unsigned long long)addr, (unsigned long long)len, type);
}

HTEST(mb2_efi_types_convert_as_linux)
{
	KT_EXPECT_EQ(mb2_type_from_efi(7, 0), MB2_MEM_USABLE);
	KT_EXPECT_EQ(mb2_type_from_efi(1, 0), MB2_MEM_USABLE);
	KT_EXPECT_EQ(mb2_type_from_efi(4, 0), MB2_MEM_USABLE);
	KT_EXPECT_EQ(mb2_type_from_efi(7, 0x40000), MB2_MEM_RESERVED);
	KT_EXPECT_EQ(mb2_type_from_efi(0, 0), MB2_MEM_RESERVED);
	KT_EXPECT_EQ(mb2_type_from_efi(5, 0), MB2_MEM_RESERVED);
	KT_EXPECT_EQ(mb2_type_from_efi(6, 0), MB2_MEM_RESERVED);
	KT_EXPECT_EQ(mb2_type_from_efi(8, 0), MB2_MEM_UNUSABLE);
	KT_EXPECT_EQ(mb2_type_from_efi(9, 0), MB2_MEM_ACPI);
	KT_EXPECT_EQ(mb2_type_from_efi(10, 0), MB2_MEM_NVS);
	KT_EXPECT_EQ(mb2_type_from_efi(11, 0), MB2_MEM_RESERVED);
	KT_EXPECT_EQ(mb2_type_from_efi(13, 0), MB2_MEM_RESERVED);
	KT_EXPECT_EQ(mb2_type_from_efi(14, 0), MB2_MEM_PMEM);
	KT_EXPECT_EQ(mb2_type_from_efi(1000, 0), MB2_MEM_RESERVED);
}

HTEST(mb2_builds_full_block_with_sorted_merged_map)
{
	static uint64_t buf64[1024];
	uint8_t *buf = (uint8_t *)buf64;
	struct tagview t[32];
	const struct tagview *tv;
	const struct mb2_mmap_entry *e;
	struct mb2_builder b;
	uint8_t rsdp[36] = "RSD PTR ";
	int nd = make_efimap(), n;
	uint32_t u32;
	uint64_t u64;

	mb2_init(&b, buf, sizeof(buf64));
	mb2_add_string(&b, MB2_TAG_CMDLINE, "test=buddy mem=64M");
	mb2_add_string(&b, MB2_TAG_LOADER_NAME, "pagealloc GNU-EFI loader");
	mb2_add_mmap_from_efi(&b, efimap, (uint64_t)nd * DSIZE, DSIZE);
	mb2_add_basic_meminfo(&b);
	mb2_add_efi_mmap(&b, efimap, (uint64_t)nd * DSIZE, DSIZE, 1);
	mb2_add_bytes(&b, MB2_TAG_ACPI_NEW, rsdp, sizeof(rsdp));
	mb2_add_u64(&b, MB2_TAG_EFI64, 0x123456789abcdef0ull);
	KT_ASSERT(mb2_finish(&b) != 0);

	n = walk(buf, sizeof(buf64), t, 32);
	KT_ASSERT(n == 8);
	KT_EXPECT_EQ(t[7].type, MB2_TAG_END);
	for (int i = 0; i < n; i++)
		KT_EXPECT_EQ(((uintptr_t)t[i].p) % 8, 0);

	tv = find(t, n, MB2_TAG_CMDLINE);
	KT_ASSERT(tv);
	KT_EXPECT(strcmp((const char *)tv->p + 8, "test=buddy mem=64M") == 0);
	KT_EXPECT_EQ(tv->size, 8 + strlen("test=buddy mem=64M") + 1);
	tv = find(t, n, MB2_TAG_LOADER_NAME);
	KT_ASSERT(tv);
	KT_EXPECT(strcmp((const char *)tv->p + 8, "pagealloc GNU-EFI loader") == 0);

	tv = find(t, n, MB2_TAG_MMAP);
	KT_ASSERT(tv);
	memcpy(&u32, tv->p + 8, 4);
	KT_EXPECT_EQ(u32, 24);
	memcpy(&u32, tv->p + 12, 4);
	KT_EXPECT_EQ(u32, 0);
	KT_ASSERT_EQ((tv->size - 16) / 24, 9);
	e = (const struct mb2_mmap_entry *)(tv->p + 16);
	expect_entry(&e[0], 0x0, 0xa0000, MB2_MEM_USABLE, __LINE__);
	expect_entry(&e[1], 0x100000, 0x110000, MB2_MEM_USABLE, __LINE__);
	expect_entry(&e[2], 0x210000, 0x8000, MB2_MEM_NVS, __LINE__);
	expect_entry(&e[3], 0x218000, 0x8000, MB2_MEM_ACPI, __LINE__);
	expect_entry(&e[4], 0x220000, 0x104000, MB2_MEM_RESERVED, __LINE__); /* RT + SP merge */
	expect_entry(&e[5], 0x324000, 0x1000, MB2_MEM_UNUSABLE, __LINE__);
	expect_entry(&e[6], 0x400000, 0x400000, MB2_MEM_PMEM, __LINE__);
	expect_entry(&e[7], 0xfec00000, 0x1000, MB2_MEM_RESERVED, __LINE__);
	expect_entry(&e[8], 0x100000000ull, 0x10000, MB2_MEM_RESERVED, __LINE__);

	tv = find(t, n, MB2_TAG_BASIC_MEMINFO);
	KT_ASSERT(tv);
	memcpy(&u32, tv->p + 8, 4);
	KT_EXPECT_EQ(u32, 640);
	memcpy(&u32, tv->p + 12, 4);
	KT_EXPECT_EQ(u32, (0x210000 - 0x100000) / 1024); /* usable 1 MiB..0x210000 */

	tv = find(t, n, MB2_TAG_EFI_MMAP);
	KT_ASSERT(tv);
	KT_EXPECT_EQ(tv->size, 16 + nd * DSIZE);
	memcpy(&u32, tv->p + 8, 4);
	KT_EXPECT_EQ(u32, DSIZE);
	KT_EXPECT(memcmp(tv->p + 16, efimap, nd * DSIZE) == 0);

	tv = find(t, n, MB2_TAG_ACPI_NEW);
	KT_ASSERT(tv);
	KT_EXPECT_EQ(tv->size, 8 + 36);
	KT_EXPECT(memcmp(tv->p + 8, "RSD PTR ", 8) == 0);

	tv = find(t, n, MB2_TAG_EFI64);
	KT_ASSERT(tv);
	memcpy(&u64, tv->p + 8, 8);
	KT_EXPECT_EQ(u64, 0x123456789abcdef0ull);
}

static uint32_t build_small_block(uint8_t *buf, uint32_t cap, int nd)
{
	struct mb2_builder b;

	mb2_init(&b, buf, cap);
	mb2_add_string(&b, MB2_TAG_CMDLINE, "console=ttyS0");
	mb2_add_mmap_from_efi(&b, efimap, (uint64_t)nd * DSIZE, DSIZE);
	mb2_add_basic_meminfo(&b);
	mb2_add_efi_mmap(&b, efimap, (uint64_t)nd * DSIZE, DSIZE, 1);
	return mb2_finish(&b);
}

HTEST(mb2_overflow_is_reported_and_never_writes_past_cap)
{
	static uint8_t buf[4096] __attribute__((aligned(8)));
	int nd = make_efimap();
	/* header, cmdline, 9 merged entries, meminfo, raw map, end tag */
	uint32_t need = 8 + 24 + (16 + 9 * 24) + 16 + (16 + 13 * DSIZE) + 8;

	KT_ASSERT_EQ(build_small_block(buf, sizeof(buf), nd), need);
	for (uint32_t cap = 0; cap <= need + 64; cap += 4) {
		struct tagview t[16];
		uint32_t total;

		memset(buf, 0xa5, sizeof(buf));
		total = build_small_block(buf, cap, nd);
		for (uint32_t i = cap; i < sizeof(buf); i++)
			if (buf[i] != 0xa5) {
				ktest_fail(__FILE__, __LINE__, "cap %u: byte %u written", cap, i);
				return;
			}
		/* Fits exactly from the needed size on (caps round down to 8). */
		KT_EXPECT_EQ(total, (cap & ~7u) >= need ? need : 0);
		if (total)
			KT_EXPECT(walk(buf, cap, t, 16) == 5);
	}
}

HTEST(mb2_rejects_tiny_descriptor_size)
{
	static uint64_t buf64[256];
	struct mb2_builder b;

	mb2_init(&b, buf64, sizeof(buf64));
	mb2_add_mmap_from_efi(&b, efimap, sizeof(efimap), 24);
	KT_EXPECT_EQ(mb2_finish(&b), 0);
}

/* The real kernel, when built: the loader must be able to enter it. */
HTEST(kimage_accepts_build_kernel_elf)
{
	FILE *f = fopen("build/kernel.elf", "rb");
	struct kimage k;
	const char *e;
	uint8_t *data;
	long size;

	if (!f) {
		ktest_skip("build/kernel.elf not built");
		return;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)size);
	KT_ASSERT(data && fread(data, 1, (size_t)size, f) == (size_t)size);
	fclose(f);
	e = kimage_parse(data, (uint64_t)size, &k);
	if (e)
		ktest_fail(__FILE__, __LINE__, "build/kernel.elf: %s", e);
	else
		ktest_diag("kernel [0x%llx-0x%llx) entry 0x%llx, %u segments",
			   (unsigned long long)k.lo, (unsigned long long)k.hi,
			   (unsigned long long)k.entry, k.nr_segs);
	free(data);
}

HTEST_MAIN("efi_loader")
