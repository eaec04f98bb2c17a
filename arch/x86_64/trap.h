/*
 * arch/x86_64/trap.h - CPU exceptions: the saved register frame, the IDT
 * and TSS set-up, and a hook that lets tests take an exception and resume.
 */
#ifndef ARCH_X86_64_TRAP_H
#define ARCH_X86_64_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* Layout pushed by arch/x86_64/isr.asm, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Load the kernel GDT (with a TSS whose IST1 stack serves #DF, #NMI and
 * #MC) and an IDT with a gate for each of the 32 exception vectors. */
void trap_init(void);

/* Point IDT gate @vector (0..255) at @stub, an interrupt gate on IST
 * stack @ist (0: the current stack). Used by arch/x86_64/irq.c for the
 * vectors above the exceptions. */
void idt_set_gate(unsigned int vector, void (*stub)(void), unsigned int ist);

/* Exception name ("Page fault", ...) or "Unknown". */
const char *trap_name(unsigned int vector);

/* Number of present gates among vectors 0..31 of the loaded IDT (read back
 * with SIDT, so it checks what the CPU really uses). */
unsigned int trap_present_gates(void);

/*
 * A hook called first for every exception. Returning true means handled:
 * the (possibly edited) frame is resumed. Tests use it to check the
 * exception path without dying; normal kernels leave it NULL so that every
 * exception panics with a register dump.
 */
typedef bool (*trap_hook_fn)(struct trap_frame *frame);
void trap_set_hook(trap_hook_fn hook);

/* Print the return addresses of the frame-pointer chain starting at @rbp
 * (the kernel keeps frame pointers), as "Call trace:" lines. */
void dump_backtrace(uint64_t rbp);

#endif /* ARCH_X86_64_TRAP_H */
