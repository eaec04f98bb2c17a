/*
 * tests/host/host_inline.h - the host programs' inline form of mm/host.h's
 * interrupt-state and CPU-id functions: one CPU, no interrupts. Host tests,
 * mmsim and the benchmark compile mm/ with it, as the kernel does with its
 * own; tools/embed-example keeps the out-of-line form.
 */
#ifndef TESTS_HOST_HOST_INLINE_H
#define TESTS_HOST_HOST_INLINE_H

static inline unsigned long mm_irq_save(void)
{
	return 0;
}

static inline void mm_irq_restore(unsigned long flags)
{
	(void)flags;
}

static inline unsigned int mm_cpu_id(void)
{
	return 0;
}

#endif /* TESTS_HOST_HOST_INLINE_H */
