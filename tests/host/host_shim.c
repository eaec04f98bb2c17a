/*
 * tests/host/host_shim.c - implements mm/host.h on a POSIX host: printing to
 * stdout (or a capture buffer), panics that abort or longjmp to a test, and
 * a direct map onto an mmap'd arena.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "../../mm/host.h"
#include "host_shim.h"

static char *ram_base;
static uint64_t ram_size;
jmp_buf *host_panic_catcher;
char host_panic_msg[512];

static char *cap_buf;
static size_t cap_len, cap_cap;
static int capturing;

int host_ram_init(uint64_t phys_end)
{
	host_ram_release();
	phys_end = (phys_end + MM_PAGE_SIZE - 1) & ~(uint64_t)(MM_PAGE_SIZE - 1);
	if (!phys_end)
		phys_end = MM_PAGE_SIZE;
	void *p = mmap(NULL, phys_end, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	ram_base = p;
	ram_size = phys_end;
	return 0;
}

void host_ram_release(void)
{
	if (ram_base)
		munmap(ram_base, ram_size);
	ram_base = NULL;
	ram_size = 0;
}

void *mm_pfn_to_virt(unsigned long pfn)
{
	uint64_t off = (uint64_t)pfn << MM_PAGE_SHIFT;

	if (!ram_base || off >= ram_size) {
		fprintf(stderr, "host_shim: pfn 0x%lx outside the arena (0x%llx bytes)\n",
			pfn, (unsigned long long)ram_size);
		abort();
	}
	return ram_base + off;
}

unsigned long mm_virt_to_pfn(const void *addr)
{
	const char *a = addr;

	if (!ram_base || a < ram_base || a >= ram_base + ram_size) {
		fprintf(stderr, "host_shim: address %p outside the arena\n", addr);
		abort();
	}
	return (unsigned long)((uint64_t)(a - ram_base) >> MM_PAGE_SHIFT);
}

void host_capture_start(void)
{
	capturing = 1;
	cap_len = 0;
	if (cap_buf)
		cap_buf[0] = 0;
}

const char *host_capture_stop(void)
{
	capturing = 0;
	return cap_buf ? cap_buf : "";
}

int mm_vprintk(const char *fmt, va_list ap)
{
	if (!capturing)
		return vprintf(fmt, ap);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return n;
	if (cap_len + n + 1 > cap_cap) {
		size_t ncap = (cap_len + n + 1) * 2;
		char *nb = realloc(cap_buf, ncap);
		if (!nb)
			abort();
		cap_buf = nb;
		cap_cap = ncap;
	}
	vsnprintf(cap_buf + cap_len, n + 1, fmt, ap);
	cap_len += n;
	return n;
}

int mm_printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = mm_vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void mm_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(host_panic_msg, sizeof(host_panic_msg), fmt, ap);
	va_end(ap);
	if (host_panic_catcher)
		longjmp(*host_panic_catcher, 1);
	fflush(stdout);
	fprintf(stderr, "Kernel panic - not syncing: %s\n", host_panic_msg);
	abort();
}

unsigned long mm_irq_save(void) { return 0; }
void mm_irq_restore(unsigned long flags) { (void)flags; }
unsigned int mm_cpu_id(void) { return 0; }
unsigned int mm_nr_cpus(void) { return 1; }
void mm_cpu_relax(void) { __asm__ volatile("" ::: "memory"); }

uint64_t mm_time_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}
