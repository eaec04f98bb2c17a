/*
 * tests/fuzz/fuzz_bootinfo.c - libFuzzer target: bytes as a multiboot2 boot
 * information block, through mm_bootinfo_parse_sized(). Failure must come with
 * a message; success must yield pointers inside the block, sane counts and
 * a map that mm_memmap_sanitize() turns into what memmap_model.h predicts,
 * with usable RAM in it (the parser promised some).
 *
 * The block is copied into a heap buffer of exactly the input's size, so
 * ASan reports any read past what the parser was told is readable.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memmap_model.h"
#include "mm/bootinfo.h"

#define PHYS 0x10000ull /* 8-byte aligned, below 1 MiB like a real loader's */

/* @s is "" (the parser's default) or a string that ends inside the block. */
static void check_string(const char *what, const char *s, const uint8_t *buf, size_t size)
{
	FUZZ_CHECK(s != NULL, "%s is NULL", what);
	if (!*s && !((const uint8_t *)s >= buf && (const uint8_t *)s < buf + size))
		return;
	FUZZ_CHECK((const uint8_t *)s >= buf && (const uint8_t *)s < buf + size,
		   "%s points outside the block", what);
	FUZZ_CHECK(memchr(s, 0, (size_t)(buf + size - (const uint8_t *)s)) != NULL,
		   "%s is not terminated inside the block", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_info bi;
	static struct memmap m;
	uint8_t *buf = malloc(size ? size : 1);
	const char *err = NULL;
	int rc;

	FUZZ_CHECK(buf != NULL, "out of memory");
	memcpy(buf, data, size);
	rc = mm_bootinfo_parse_sized(MB2_BOOTLOADER_MAGIC, buf, size, PHYS, &bi, &err);
	if (rc) {
		FUZZ_CHECK(rc == -1, "returned %d", rc);
		FUZZ_CHECK(err && *err && strlen(err) < 200, "failure without a proper message");
		free(buf);
		return 0;
	}
	FUZZ_CHECK(err == NULL, "success with an error message '%s'", err);
	FUZZ_CHECK(bi.info_phys == PHYS, "info_phys 0x%llx", (unsigned long long)bi.info_phys);
	FUZZ_CHECK(bi.info_size >= 16 && bi.info_size <= size, "info_size %u of %zu bytes",
		   bi.info_size, size);
	check_string("cmdline", bi.cmdline, buf, size);
	check_string("loader_name", bi.loader_name, buf, size);
	FUZZ_CHECK(bi.nr_modules <= BOOTINFO_MAX_MODULES, "%u modules", bi.nr_modules);
	for (unsigned int i = 0; i < bi.nr_modules; i++) {
		FUZZ_CHECK(bi.modules[i].start <= bi.modules[i].end,
			   "module %u ends before it starts", i);
		check_string("module cmdline", bi.modules[i].cmdline, buf, size);
	}
	FUZZ_CHECK(bi.map_source == 6 || bi.map_source == 17, "map_source %d", bi.map_source);
	FUZZ_CHECK(bi.map.nr <= MEMMAP_MAX, "map of %u entries", bi.map.nr);
	FUZZ_CHECK(bi.rsdp_phys == 0 ||
			   (bi.rsdp_phys >= PHYS + 16 && bi.rsdp_phys + 20 <= PHYS + bi.info_size),
		   "RSDP at 0x%llx outside the block", (unsigned long long)bi.rsdp_phys);
	FUZZ_CHECK(check_sanitize(&bi.map) == 0, "the parser accepted a map the sanitizer refuses");
	memcpy(&m, &bi.map, sizeof(m));
	mm_memmap_sanitize(&m);
	FUZZ_CHECK(mm_memmap_total(&m, MEMMAP_USABLE) > 0, "accepted a map without usable RAM");
	free(buf);
	return 0;
}
