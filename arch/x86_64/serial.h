/*
 * arch/x86_64/serial.h - the COM1 console: 16550 UART, 115200 8N1, polled.
 */
#ifndef ARCH_X86_64_SERIAL_H
#define ARCH_X86_64_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

void serial_init(void);
/* Write @len bytes, turning "\n" into "\r\n". Context: any (polls). */
void serial_write(const char *s, size_t len);
void serial_putc(char c);
/* A received byte, or -1 when none is waiting. Never blocks. */
int serial_getc(void);

#endif /* ARCH_X86_64_SERIAL_H */
