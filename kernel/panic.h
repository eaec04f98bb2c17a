/*
 * kernel/panic.h - stopping the kernel on an unrecoverable error.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdarg.h>

/* Print "Kernel panic - not syncing: <message>" and a back-trace, then exit
 * QEMU with QEMU_EXIT_PANIC (or power off / halt). Never returns. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void vpanic(const char *fmt, va_list ap) __attribute__((noreturn));

#define BUG_ON(cond) \
	do { \
		if (cond) \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

#endif /* KERNEL_PANIC_H */
