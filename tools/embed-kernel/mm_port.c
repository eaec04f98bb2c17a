/*
 * tools/embed-kernel/mm_port.c - the example kernel's port of mm/: the
 * seven mm/host.h functions that have no default in mm/host_up.c (which
 * covers one CPU without threads), written over the kernel's own printk
 * and panic. RAM is one static array, so the direct map is base + (pfn << 12).
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "klib.h"
#include "mm/host.h"
#include "port.h"

int mm_vprintk(const char *fmt, va_list ap)
{
	char buf[256];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	printk("%s", buf);
	return n;
}

void mm_panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	panic("mm: %s", buf);
}

void *mm_pfn_to_virt(unsigned long pfn)
{
	if (pfn >= RAM_PAGES)
		panic("mm_pfn_to_virt: pfn 0x%lx beyond RAM", pfn);
	return ram + (pfn << MM_PAGE_SHIFT);
}

unsigned long mm_virt_to_pfn(const void *addr)
{
	const unsigned char *p = addr;

	if (p < ram || p >= ram + RAM_BYTES)
		panic("mm_virt_to_pfn: %p outside RAM", (void *)p);
	return (unsigned long)(p - ram) >> MM_PAGE_SHIFT;
}

/* No interrupts: nothing to save or restore. */
unsigned long mm_irq_save(void)
{
	return 0;
}

void mm_irq_restore(unsigned long flags)
{
	(void)flags;
}

uint64_t mm_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
