/*
 * arch/x86_64/irq.c - the C side of vectors 32..255: a handler table,
 * per-vector counts, and the one place where an interrupt may end in a
 * thread switch (sched_irq_exit), after the handler acknowledged its
 * source, so the next tick can arrive while the preempted thread waits.
 */
#include "irq.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched.h"

extern const uint64_t irq_stub_table[IRQ_NR_VECTORS - 32];
void irq_dispatch(struct trap_frame *f);

static struct {
	irq_handler_fn fn;
	void *data;
} handlers[IRQ_NR_VECTORS];
static uint64_t counts[IRQ_NR_VECTORS];
static uint64_t unhandled;

void irq_init(void)
{
	pic_remap_and_mask();
	for (unsigned int v = 32; v < IRQ_NR_VECTORS; v++)
		idt_set_gate(v, (void (*)(void))(uintptr_t)irq_stub_table[v - 32], 0);
}

int irq_register(unsigned int vector, irq_handler_fn fn, void *data)
{
	if (vector < 32 || vector >= IRQ_VECTOR_SPURIOUS || !fn || handlers[vector].fn)
		return -1;
	handlers[vector].data = data;
	__atomic_store_n(&handlers[vector].fn, fn, __ATOMIC_RELEASE);
	return 0;
}

uint64_t irq_count(unsigned int vector)
{
	return vector < IRQ_NR_VECTORS ? __atomic_load_n(&counts[vector], __ATOMIC_RELAXED) : 0;
}

uint64_t irq_unhandled_count(void)
{
	return __atomic_load_n(&unhandled, __ATOMIC_RELAXED);
}

void irq_dispatch(struct trap_frame *f)
{
	unsigned int v = (unsigned int)f->vector;
	irq_handler_fn fn = __atomic_load_n(&handlers[v].fn, __ATOMIC_ACQUIRE);

	counts[v]++;
	sched_irq_enter();
	if (fn) {
		fn(f, handlers[v].data);
	} else {
		/* Spurious LAPIC (0xff) and PIC (IRQ 7/15) interrupts need no
		 * EOI; anything else unexpected is worth one line. */
		if (unhandled++ < 8 && v != IRQ_VECTOR_SPURIOUS && v != 0x27 && v != 0x2f)
			printk("irq: unexpected interrupt on vector 0x%x\n", v);
	}
	sched_irq_exit();
}
