/*
 * tests/host/host_inline.h - the host programs' inline form of mm/host.h's
 * interrupt-state and CPU-id functions: no interrupts, and one thread
 * playing the CPUs in turn (host_set_cpu). Host tests,
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

/* tests/host/host_shim.c: the CPU the one host thread plays now. The
 * benchmark (HOST_ONE_CPU) keeps CPU 0 a constant, as the figures in
 * BENCHMARKS.md always had it: a variable CPU costs the host's order-0
 * pair 17 instructions that the kernel's %gs-relative load does not. */
extern unsigned int host_cpu_current;

static inline unsigned int mm_cpu_id(void)
{
#ifdef HOST_ONE_CPU
	return 0;
#else
	return host_cpu_current;
#endif
}

#endif /* TESTS_HOST_HOST_INLINE_H */
