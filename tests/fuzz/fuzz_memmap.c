/*
 * tests/fuzz/fuzz_memmap.c - libFuzzer target: bytes become a firmware map
 * (up to 300 ranges; memmap_add must refuse those past MEMMAP_MAX), which
 * mm_memmap_sanitize() must turn into exactly what the brute-force model in
 * memmap_model.h computes.
 *
 * Input: 8 bytes per range: type selector, scale, 3 bytes of address and
 * 3 of size. The scale picks how far the 24-bit numbers are shifted (from
 * bytes up to 2^40-byte units) or places the range just below 2^64, so one
 * input mixes sub-page fragments, ordinary maps and wrapping ranges.
 */
#include <stddef.h>
#include <stdint.h>

#include "memmap_model.h"

static const uint32_t types[16] = {
	MEMMAP_USABLE,
	MEMMAP_USABLE,
	MEMMAP_USABLE,
	MEMMAP_USABLE,
	MEMMAP_RESERVED,
	MEMMAP_ACPI,
	MEMMAP_NVS,
	MEMMAP_UNUSABLE,
	MEMMAP_PMEM,
	MEMMAP_PRAM,
	MEMMAP_SOFT_RESERVED,
	0,
	6,
	13,
	0xffffffffu,
	MEMMAP_RESERVED,
};

static const unsigned int shifts[8] = { 0, 8, 12, 12, 16, 24, 40, 0 };

static uint64_t scaled(unsigned int sel, uint32_t v, int is_addr)
{
	if (sel == 7) /* just below 2^64: ranges that reach or wrap past the top */
		return is_addr ? UINT64_MAX - ((uint64_t)v << 12) : (uint64_t)v << 13;
	return (uint64_t)v << shifts[sel];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct memmap m;
	size_t n = size / 8;

	if (n > 300)
		n = 300;
	m.nr = 0;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = data + 8 * i;
		uint32_t a = p[2] | p[3] << 8 | (uint32_t)p[4] << 16;
		uint32_t s = p[5] | p[6] << 8 | (uint32_t)p[7] << 16;
		int rc = mm_memmap_add(&m, scaled(p[1] & 7, a, 1), scaled(p[1] >> 5, s, 0),
				    types[p[0] & 15]);

		FUZZ_CHECK(rc == (i < MEMMAP_MAX ? 0 : -1), "memmap_add #%zu returned %d", i, rc);
	}
	FUZZ_CHECK(m.nr == (n < MEMMAP_MAX ? n : MEMMAP_MAX), "map holds %u of %zu", m.nr, n);
	check_sanitize(&m);
	return 0;
}
