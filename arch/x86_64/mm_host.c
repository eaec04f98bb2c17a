/*
 * arch/x86_64/mm_host.c - the kernel's implementation of mm/host.h
 * (mm_time_ns is in time.c): printing and panics go to kernel/, pfns to
 * the direct map, interrupt state to RFLAGS.IF. One CPU for now.
 */
#include "mm/host.h"
#include "cpu.h"
#include "layout.h"
#include "kernel/panic.h"
#include "kernel/printk.h"

int mm_printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

int mm_vprintk(const char *fmt, va_list ap)
{
	return vprintk(fmt, ap);
}

void mm_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpanic(fmt, ap);
}

void *mm_pfn_to_virt(unsigned long pfn)
{
	return phys_to_virt((uint64_t)pfn << MM_PAGE_SHIFT);
}

unsigned long mm_virt_to_pfn(const void *addr)
{
	return (unsigned long)(virt_to_phys(addr) >> MM_PAGE_SHIFT);
}

unsigned long mm_irq_save(void) { return irq_save(); }
void mm_irq_restore(unsigned long flags) { irq_restore(flags); }
unsigned int mm_cpu_id(void) { return 0; }
unsigned int mm_nr_cpus(void) { return 1; }
void mm_cpu_relax(void) { cpu_relax(); }
