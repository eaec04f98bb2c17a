/*
 * arch/x86_64/qemu_exit.c - ways out: isa-debug-exit under QEMU, ACPI
 * poweroff through QEMU's fixed PM ports, halt.
 */
#include "qemu_exit.h"
#include "cpu.h"

void machine_halt(void)
{
	for (;;) {
		__asm__ volatile("cli");
		cpu_hlt();
	}
}

void machine_poweroff(void)
{
	/* SLP_TYPa=5 | SLP_EN written to PM1a_CNT: QEMU's pc (PIIX4) and q35
	 * (ICH9) place it at fixed ports. A real machine needs ACPI tables. */
	outw(0x604, 0x2000);
	outw(0xb004, 0x2000);
	machine_halt();
}

void qemu_exit(unsigned int code)
{
	outl(QEMU_EXIT_PORT, code);
	machine_poweroff();
}
