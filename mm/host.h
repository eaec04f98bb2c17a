/*
 * mm/host.h - the embedding interface: everything mm/ needs from its host.
 *
 * mm/ is compiled into the kernel (implemented by arch/x86_64 and kernel/)
 * and into host programs (tools/mmsim, tests/host, benchmarks; implemented by
 * tests/host/host_shim.c with an mmap'd arena). A kernel that embeds mm/
 * provides exactly these functions and nothing else.
 */
#ifndef MM_HOST_H
#define MM_HOST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MM_PAGE_SHIFT 12
#define MM_PAGE_SIZE (1UL << MM_PAGE_SHIFT)

/* Printing. Formats: %d %i %u %x %X %o %c %s %p %%, length modifiers l, ll,
 * z, flags '-' and '0', a field width (also '*'), precision for %s.
 * Context: any; must not allocate memory. Returns characters written. */
int mm_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int mm_vprintk(const char *fmt, va_list ap);

/* Stop everything after printing the message. Never returns. */
void mm_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Direct map: the virtual address of physical frame @pfn's first byte, and
 * back. Valid for every pfn the host handed to mm/ as RAM. */
void *mm_pfn_to_virt(unsigned long pfn);
unsigned long mm_virt_to_pfn(const void *addr);

/* Interrupt state: save and disable, then restore. Hosts without interrupts
 * return 0 and do nothing. */
unsigned long mm_irq_save(void);
void mm_irq_restore(unsigned long flags);

/* Identity of the running CPU, 0 <= id < mm_nr_cpus(); and how many there are. */
unsigned int mm_cpu_id(void);
unsigned int mm_nr_cpus(void);

/* Monotonic time in nanoseconds (for statistics and back-off only). */
uint64_t mm_time_ns(void);

/* Relax while spinning (PAUSE on x86). */
void mm_cpu_relax(void);

#endif /* MM_HOST_H */
