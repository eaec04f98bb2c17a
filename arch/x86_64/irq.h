/*
 * arch/x86_64/irq.h - interrupts above the CPU exceptions: the vector
 * plan, handler registration and the dispatch that may preempt.
 *
 * Vectors: 0x20-0x2f the (masked) legacy PICs, 0x40 the LAPIC timer,
 * 0xff the LAPIC spurious vector. The timer sits above the PIC range so
 * that its LAPIC priority class (vector >> 4) is higher than theirs.
 */
#ifndef ARCH_X86_64_IRQ_H
#define ARCH_X86_64_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#include "trap.h"

#define IRQ_VECTOR_PIC_BASE 0x20
#define IRQ_VECTOR_TIMER 0x40
#define IRQ_VECTOR_SPURIOUS 0xff
#define IRQ_NR_VECTORS 256

/* A handler runs with interrupts off on the interrupted thread's stack; it
 * must acknowledge its source itself (lapic_eoi() for LAPIC vectors). */
typedef void (*irq_handler_fn)(struct trap_frame *frame, void *data);

/* Remap and mask the PICs and fill IDT gates 32..255. Interrupts stay off.
 * Call once, after trap_init(). */
void irq_init(void);

/* Install @fn for @vector (32..254). Returns 0, or -1 if the vector is out
 * of range or already taken. */
int irq_register(unsigned int vector, irq_handler_fn fn, void *data);

/* Interrupts taken on @vector since boot. */
uint64_t irq_count(unsigned int vector);

/* Interrupts taken on vectors that had no handler (spurious ones included). */
uint64_t irq_unhandled_count(void);

static inline bool irqs_enabled(void)
{
	unsigned long flags;
	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	return flags & (1UL << 9);
}
static inline void local_irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}
static inline void local_irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

/* pic.c */
void pic_remap_and_mask(void);
/* Interrupt mask register of the master (0) or slave (1) PIC. */
uint8_t pic_read_masks(unsigned int which);

#endif /* ARCH_X86_64_IRQ_H */
