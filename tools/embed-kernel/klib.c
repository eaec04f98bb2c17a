/*
 * tools/embed-kernel/klib.c - the example kernel's printk and panic (to
 * standard output: it runs as a host program) and its max_pfn.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "klib.h"

unsigned long max_pfn;

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	printf("Kernel panic - not syncing: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}
