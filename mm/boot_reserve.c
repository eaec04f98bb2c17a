/*
 * mm/boot_reserve.c - keeps what the boot still needs away from the page
 * allocator (kernel image, boot information, modules, firmware's low
 * memory), and parses size options.
 */
#include "boot_reserve.h"
#include "host.h"
#include "memblock.h"

static int reserve(uint64_t start, uint64_t end, const char *name)
{
	if (end <= start)
		return 0;
	if (mm_memblock_reserve(start, end - start, name)) {
		mm_printk("memblock: cannot reserve %s [mem 0x%016llx-0x%016llx]: table full\n",
			  name, (unsigned long long)start, (unsigned long long)(end - 1));
		return -1;
	}
	return 0;
}

int mm_reserve_boot_ranges(const struct boot_info *bi, uint64_t kernel_start, uint64_t kernel_end)
{
	int rc = 0;

	/* page 0 first, so the low 64K reservation keeps that name off it */
	rc |= reserve(0, MM_PAGE_SIZE, "page 0");
	/* firmware (and SMM-era BIOSes) scribble below 64K: Linux keeps it too */
	rc |= reserve(0, BOOT_RESERVE_LOW, "low 64K");
	/* EBDA, video memory and ROMs; a fixed, safe start rather than trusting
	 * the BDA's EBDA pointer */
	rc |= reserve(BOOT_BIOS_START, BOOT_BIOS_END, "BIOS");
	rc |= reserve(kernel_start, kernel_end, "kernel");
	if (bi) {
		rc |= reserve(bi->info_phys, bi->info_phys + bi->info_size, "bootinfo");
		/* a module's command line lives in its tag, inside the boot info */
		for (unsigned int i = 0; i < bi->nr_modules; i++)
			rc |= reserve(bi->modules[i].start, bi->modules[i].end, "module");
	}
	return rc ? -1 : 0;
}

uint64_t mm_parse_size(const char *s, const char **end)
{
	const char *p = s;
	uint64_t v = 0, base = 10;
	bool overflow = false, any = false;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++) {
		uint64_t d;

		if (*p >= '0' && *p <= '9')
			d = (uint64_t)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (uint64_t)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (uint64_t)(*p - 'A' + 10);
		else
			break;
		any = true;
		if (v > (UINT64_MAX - d) / base)
			overflow = true;
		v = v * base + d;
	}
	if (!any) {
		if (base == 16) { /* "0x" alone: the number is the 0 */
			if (end)
				*end = s + 1;
			return 0;
		}
		if (end)
			*end = s;
		return 0;
	}
	unsigned int shift = 0;

	switch (*p) {
	case 'E':
	case 'e':
		shift += 10; /* fall through */
	case 'P':
	case 'p':
		shift += 10; /* fall through */
	case 'T':
	case 't':
		shift += 10; /* fall through */
	case 'G':
	case 'g':
		shift += 10; /* fall through */
	case 'M':
	case 'm':
		shift += 10; /* fall through */
	case 'K':
	case 'k':
		shift += 10;
		p++;
		break;
	default:
		break;
	}
	if (shift && v > (UINT64_MAX >> shift))
		overflow = true;
	if (end)
		*end = p;
	return overflow ? UINT64_MAX : v << shift;
}
