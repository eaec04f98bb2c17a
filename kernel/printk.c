/*
 * kernel/printk.c - the kernel's printf: a small vsnprintf and printk,
 * which formats into a stack buffer and writes it to COM1 in one go.
 */
#include <stdbool.h>
#include <stdint.h>

#include "printk.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/serial.h"

int console_loglevel = 7;
static bool console_busy; /* a CPU is writing a line to the serial port */

struct outbuf {
	char *buf;
	size_t size, len; /* len counts every character, even past size */
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width, prec; /* prec < 0: none */
};

static void put_str(struct outbuf *o, const char *s, const struct spec *sp)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - n);
}

static void put_num(struct outbuf *o, unsigned long long v, bool neg, unsigned int base, bool upper,
		    const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	const char *prefix = "";

	if (sp->alt && v) {
		if (base == 16)
			prefix = upper ? "0X" : "0x";
		else if (base == 8)
			prefix = "0";
	}
	/* C: precision 0 and value 0 print no digits. */
	if (v || sp->prec != 0) {
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);
	}
	int zeros = sp->prec > n ? sp->prec - n : 0;
	int plen = 0;
	while (prefix[plen])
		plen++;
	int total = n + zeros + plen + (sign ? 1 : 0);
	bool zero_pad = sp->zero && !sp->left && sp->prec < 0;

	if (!sp->left && !zero_pad)
		pad(o, ' ', sp->width - total);
	if (sign)
		put(o, sign);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	if (zero_pad)
		pad(o, '0', sp->width - total);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		struct spec sp = { .prec = -1 };
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else if (*fmt == '+')
				sp.plus = true;
			else if (*fmt == ' ')
				sp.space = true;
			else if (*fmt == '#')
				sp.alt = true;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(args, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(args, int);
				if (sp.prec < 0)
					sp.prec = -1;
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}
		/* Length: 0 int, 1 long, 2 long long, -1 short, -2 char. */
		int len = 0;
		if (*fmt == 'h') {
			len = -1;
			if (*++fmt == 'h') {
				len = -2;
				fmt++;
			}
		} else if (*fmt == 'l') {
			len = 1;
			if (*++fmt == 'l') {
				len = 2;
				fmt++;
			}
		} else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') {
			len = 2; /* size_t, ptrdiff_t, intmax_t are 64-bit here */
			fmt++;
		}

		char c = *fmt;
		if (!c)
			break;
		fmt++;
		switch (c) {
		case 'd':
		case 'i': {
			long long v;
			if (len == 2)
				v = va_arg(args, long long);
			else if (len == 1)
				v = va_arg(args, long);
			else
				v = va_arg(args, int);
			if (len == -1)
				v = (short)v;
			if (len == -2)
				v = (signed char)v;
			unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v
						       : (unsigned long long)v;
			put_num(&o, mag, v < 0, 10, false, &sp);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned long long v;
			if (len == 2)
				v = va_arg(args, unsigned long long);
			else if (len == 1)
				v = va_arg(args, unsigned long);
			else
				v = va_arg(args, unsigned int);
			if (len == -1)
				v = (unsigned short)v;
			if (len == -2)
				v = (unsigned char)v;
			unsigned int base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
			sp.plus = sp.space = false;
			put_num(&o, v, false, base, c == 'X', &sp);
			break;
		}
		case 'p': {
			struct spec ps = sp;
			ps.alt = false;
			ps.prec = 16;
			ps.width = sp.width > 2 ? sp.width - 2 : 0;
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (uintptr_t)va_arg(args, void *), false, 16, false, &ps);
			break;
		}
		case 'c': {
			char ch[2] = { (char)va_arg(args, int), 0 };
			struct spec cs = sp;
			cs.prec = 1;
			if (!ch[0]) { /* a NUL character still counts */
				if (!sp.left)
					pad(&o, ' ', sp.width - 1);
				put(&o, 0);
				if (sp.left)
					pad(&o, ' ', sp.width - 1);
			} else {
				put_str(&o, ch, &cs);
			}
			break;
		}
		case 's':
			put_str(&o, va_arg(args, const char *), &sp);
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			/* Unknown conversion: show it rather than guess. */
			put(&o, '%');
			put(&o, c);
			break;
		}
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vprintk(const char *fmt, va_list ap)
{
	char line[1024];
	/* Messages without a level always print: KTAP results, panics and the
	 * boot log must survive any loglevel=. */
	int level = -1;

	if (fmt[0] == KERN_SOH[0] && fmt[1] >= '0' && fmt[1] <= '7') {
		level = fmt[1] - '0';
		fmt += 2;
	}
	if (level >= console_loglevel)
		return 0;
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	/* One line at a time across CPUs. Bounded: a CPU that panics while
	 * another holds the console (or itself, printing from a fault inside
	 * printk) must still get its message out. */
	unsigned long flags = irq_save();
	bool locked = false;
	for (unsigned long spins = 0; spins < (1UL << 22); spins++) {
		if (!__atomic_exchange_n(&console_busy, true, __ATOMIC_ACQUIRE)) {
			locked = true;
			break;
		}
		cpu_relax();
	}
	serial_write(line, (size_t)n);
	if (locked)
		__atomic_store_n(&console_busy, false, __ATOMIC_RELEASE);
	irq_restore(flags);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
