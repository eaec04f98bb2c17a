/*
 * boot/efi/mb2info.c - the multiboot2 boot information builder used by the
 * GNU-EFI loader after ExitBootServices: nothing here may call firmware.
 */
#include "mb2info.h"

#include <stddef.h>

#define EFI_CONVENTIONAL 7
#define EFI_MEMORY_SP 0x40000ull /* specific-purpose (soft-reserved) */
#define EFI_DESC_MIN 40		 /* type, pad, phys, virt, pages, attr */
#define MB2_ALIGN(x) (((x) + 7u) & ~7u)

static uint64_t rd(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = (v << 8) | p[bytes];
	return v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void copy_bytes(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	while (n--)
		*dst++ = *src++;
}

/* Reserve a tag with @payload bytes after its 8-byte header; zero-fills
 * the padding so the block holds no stale bytes. NULL once out of room. */
static uint8_t *tag_begin(struct mb2_builder *b, uint32_t type, uint64_t payload)
{
	uint64_t size = 8 + payload;
	uint8_t *t;

	if (b->overflow || size > b->cap - b->len || MB2_ALIGN(size) > b->cap - b->len) {
		b->overflow = 1;
		return NULL;
	}
	t = b->buf + b->len;
	for (uint64_t i = size; i < MB2_ALIGN(size); i++)
		t[i] = 0;
	wr32(t, type);
	wr32(t + 4, (uint32_t)size);
	b->len += (uint32_t)MB2_ALIGN(size);
	return t;
}

void mb2_init(struct mb2_builder *b, void *buf, uint32_t cap)
{
	b->buf = buf;
	b->cap = cap & ~7u;
	b->len = 8;
	b->overflow = b->cap < 16;
	b->mmap = NULL;
	b->mmap_nr = 0;
	if (!b->overflow)
		for (int i = 0; i < 8; i++)
			b->buf[i] = 0;
}

void mb2_add_string(struct mb2_builder *b, uint32_t type, const char *s)
{
	uint32_t n = 0;
	uint8_t *t;

	while (s[n])
		n++;
	t = tag_begin(b, type, (uint64_t)n + 1);
	if (t)
		copy_bytes(t + 8, (const uint8_t *)s, n + 1);
}

void mb2_add_bytes(struct mb2_builder *b, uint32_t type, const void *data, uint32_t len)
{
	uint8_t *t = tag_begin(b, type, len);

	if (t)
		copy_bytes(t + 8, data, len);
}

void mb2_add_u64(struct mb2_builder *b, uint32_t type, uint64_t value)
{
	uint8_t *t = tag_begin(b, type, 8);

	if (t) {
		wr32(t + 8, (uint32_t)value);
		wr32(t + 12, (uint32_t)(value >> 32));
	}
}

void mb2_add_efi_mmap(struct mb2_builder *b, const void *map, uint64_t map_size, uint32_t desc_size,
		      uint32_t desc_version)
{
	uint8_t *t;

	if (map_size > UINT32_MAX) {
		b->overflow = 1;
		return;
	}
	t = tag_begin(b, MB2_TAG_EFI_MMAP, 8 + map_size);
	if (!t)
		return;
	wr32(t + 8, desc_size);
	wr32(t + 12, desc_version);
	copy_bytes(t + 16, map, (uint32_t)map_size);
}

uint32_t mb2_type_from_efi(uint32_t efi_type, uint64_t attribute)
{
	switch (efi_type) {
	case 1: /* loader code */
	case 2: /* loader data */
	case 3: /* boot services code */
	case 4: /* boot services data */
	case EFI_CONVENTIONAL:
		return (attribute & EFI_MEMORY_SP) ? MB2_MEM_RESERVED : MB2_MEM_USABLE;
	case 8:
		return MB2_MEM_UNUSABLE;
	case 9:
		return MB2_MEM_ACPI;
	case 10:
		return MB2_MEM_NVS;
	case 14:
		return MB2_MEM_PMEM;
	default: /* reserved, runtime services, MMIO, PAL code, unknown */
		return MB2_MEM_RESERVED;
	}
}

/* Insert keeping the array sorted by address; the firmware's map is
 * usually sorted already, so this mostly appends. */
static void mmap_insert(struct mb2_mmap_entry *e, uint32_t nr, struct mb2_mmap_entry n)
{
	uint32_t i = nr;

	while (i > 0 && e[i - 1].addr > n.addr) {
		e[i] = e[i - 1];
		i--;
	}
	e[i] = n;
}

static uint32_t mmap_merge(struct mb2_mmap_entry *e, uint32_t nr)
{
	uint32_t out = 0;

	for (uint32_t i = 0; i < nr; i++) {
		if (out > 0 && e[out - 1].type == e[i].type &&
		    e[out - 1].addr + e[out - 1].len == e[i].addr)
			e[out - 1].len += e[i].len;
		else
			e[out++] = e[i];
	}
	return out;
}

void mb2_add_mmap_from_efi(struct mb2_builder *b, const void *map, uint64_t map_size,
			   uint32_t desc_size)
{
	const uint8_t *m = map;
	uint64_t ndesc, room;
	uint32_t nr = 0;
	uint8_t *t;

	if (desc_size < EFI_DESC_MIN) {
		b->overflow = 1;
		return;
	}
	ndesc = map_size / desc_size;
	/* Room for one entry per descriptor; merging only shrinks it. */
	room = 8 + ndesc * sizeof(struct mb2_mmap_entry);
	t = tag_begin(b, MB2_TAG_MMAP, room);
	if (!t)
		return;
	b->len -= (uint32_t)MB2_ALIGN(8 + room);
	wr32(t + 8, sizeof(struct mb2_mmap_entry));
	wr32(t + 12, 0);
	b->mmap = (struct mb2_mmap_entry *)(t + 16);
	for (uint64_t i = 0; i < ndesc; i++) {
		const uint8_t *d = m + i * desc_size;
		struct mb2_mmap_entry n;
		uint64_t pages = rd(d + 24, 8);

		if (pages == 0 || pages > (UINT64_MAX >> 12))
			continue;
		n.addr = rd(d + 8, 8);
		n.len = pages << 12;
		n.type = mb2_type_from_efi((uint32_t)rd(d, 4), rd(d + 32, 8));
		n.zero = 0;
		mmap_insert(b->mmap, nr++, n);
	}
	nr = mmap_merge(b->mmap, nr);
	b->mmap_nr = nr;
	wr32(t + 4, 16 + nr * (uint32_t)sizeof(struct mb2_mmap_entry));
	b->len += MB2_ALIGN(16 + nr * (uint32_t)sizeof(struct mb2_mmap_entry));
}

void mb2_add_basic_meminfo(struct mb2_builder *b)
{
	uint64_t lower = 0, upper = 0;
	uint8_t *t;

	for (uint32_t i = 0; i < b->mmap_nr; i++) {
		const struct mb2_mmap_entry *e = &b->mmap[i];

		if (e->type != MB2_MEM_USABLE)
			continue;
		if (e->addr == 0)
			lower = e->len < 0xa0000 ? e->len : 0xa0000;
		if (e->addr <= 0x100000 && e->addr + e->len > 0x100000)
			upper = e->addr + e->len - 0x100000;
	}
	upper >>= 10;
	t = tag_begin(b, MB2_TAG_BASIC_MEMINFO, 8);
	if (t) {
		wr32(t + 8, (uint32_t)(lower >> 10));
		wr32(t + 12, upper > UINT32_MAX ? UINT32_MAX : (uint32_t)upper);
	}
}

uint32_t mb2_finish(struct mb2_builder *b)
{
	if (!tag_begin(b, MB2_TAG_END, 0))
		return 0;
	wr32(b->buf, b->len);
	wr32(b->buf + 4, 0);
	return b->len;
}
