/*
 * kernel/panic.c - the one way down: message, back-trace, QEMU exit code.
 */
#include <stdint.h>

#include "panic.h"
#include "printk.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/qemu_exit.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/trap.h"

void vpanic(const char *fmt, va_list ap)
{
	static int in_panic;
	char msg[512];

	__asm__ volatile("cli");
	if (in_panic++) {
		printk("Kernel panic - not syncing: nested panic\n");
		qemu_exit(QEMU_EXIT_PANIC);
	}
	smp_stop_other_cpus();
	vsnprintf(msg, sizeof(msg), fmt, ap);
	printk("Kernel panic - not syncing: %s\n", msg);
	dump_backtrace((uint64_t)(uintptr_t)__builtin_frame_address(0));
	printk("---[ end Kernel panic - not syncing: %s ]---\n", msg);
	qemu_exit(QEMU_EXIT_PANIC);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpanic(fmt, ap);
}
