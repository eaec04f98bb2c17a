/*
 * kernel/printk.h - formatted output to the console, and the formatter
 * itself (vsnprintf) for building strings in buffers.
 *
 * Formats: %d %i %u %x %X %o %c %s %p %%; length hh h l ll z t j; flags
 * - 0 + space #; field width and precision, both also as '*'. %p prints
 * 0x and 16 hex digits. A message may start with a KERN_* level; it is
 * printed only when its level is below console_loglevel (loglevel=).
 * Messages without a level are always printed.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"

extern int console_loglevel; /* default 7: everything but debug */

/* Like C's: writes at most @size bytes including the NUL, returns the
 * length the full output would have. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Print to the serial console; returns characters written. Context: any,
 * interrupts are disabled while the line is written. Lines longer than
 * 1 KiB are cut. */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);

#endif /* KERNEL_PRINTK_H */
