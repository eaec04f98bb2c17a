/*
 * arch/x86_64/desc.h - the descriptor-table layouts the CPU defines (GDTR/
 * IDTR operand, 64-bit TSS) and gdt_load(), shared by the boot CPU's tables
 * (trap.c) and each application processor's (smp.c).
 */
#ifndef ARCH_X86_64_DESC_H
#define ARCH_X86_64_DESC_H

#include <stdint.h>

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* Load @gdtr, reload CS/DS/SS with the given selectors and the task
 * register with @tss_sel (isr.asm). */
void gdt_load(const struct desc_ptr *gdtr, uint16_t code_sel, uint16_t data_sel, uint16_t tss_sel);

#endif
