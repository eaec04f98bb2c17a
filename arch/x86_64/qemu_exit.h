/*
 * arch/x86_64/qemu_exit.h - leaving QEMU (isa-debug-exit) or powering off.
 *
 * QEMU is started with -device isa-debug-exit,iobase=0xf4,iosize=0x04;
 * writing V to port 0xf4 makes QEMU exit with status (V << 1) | 1:
 *
 *   QEMU_EXIT_PASS   0x10 -> status 33   all selected self-tests passed
 *   QEMU_EXIT_FAIL   0x11 -> status 35   some self-test failed
 *   QEMU_EXIT_PANIC  0x12 -> status 37   panic or CPU exception
 *
 * run-qemu.sh maps 33/35/37 to 0/1/2. Without the device (real machine or
 * a plain QEMU) the write does nothing and we fall back to ACPI poweroff
 * through QEMU's PM port, then halt.
 */
#ifndef ARCH_X86_64_QEMU_EXIT_H
#define ARCH_X86_64_QEMU_EXIT_H

#define QEMU_EXIT_PORT 0xf4
#define QEMU_EXIT_PASS 0x10
#define QEMU_EXIT_FAIL 0x11
#define QEMU_EXIT_PANIC 0x12

/* Exit QEMU with @code; if still running, power off; then halt forever. */
void qemu_exit(unsigned int code) __attribute__((noreturn));
/* Power off (QEMU's ACPI PM port: pc 0x604, q35 0xb004), else halt. */
void machine_poweroff(void) __attribute__((noreturn));
/* Disable interrupts and halt forever. */
void machine_halt(void) __attribute__((noreturn));

#endif /* ARCH_X86_64_QEMU_EXIT_H */
