/*
 * arch/x86_64/serial.c - COM1 (16550 UART) by polling: the kernel's only
 * console, and what QEMU's -serial stdio shows.
 */
#include "serial.h"
#include "cpu.h"

#define COM1 0x3f8
#define UART_DATA 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define LCR_DLAB 0x80
#define LCR_8N1 0x03

static bool serial_ready;

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00); /* polled: no UART interrupts */
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, 1); /* divisor 1: 115200 baud */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0xc7); /* FIFOs on, cleared, 14-byte trigger */
	outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
	serial_ready = true;
}

void serial_putc(char c)
{
	/* Bounded wait: a missing UART (reads 0xff) must not hang the kernel. */
	for (unsigned int spins = 0; spins < 100000; spins++) {
		if (inb(COM1 + UART_LSR) & LSR_THR_EMPTY)
			break;
		cpu_relax();
	}
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void serial_write(const char *s, size_t len)
{
	if (!serial_ready)
		serial_init();
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

int serial_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + UART_DATA);
}
