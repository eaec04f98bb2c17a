/*
 * tests/host/smp/smp_host.h - mm/host.h's CPU half for many CPUs on a POSIX
 * host: every pthread that calls mm/ is one CPU (a thread-local id),
 * interrupts-off is a per-CPU state owned by one thread, mm_on_each_cpu is
 * a real cross-CPU call served at the points where a kernel would take the
 * IPI, kthreads (kswapd, kcompactd) are real threads each on a CPU of its
 * own, and wait points are condition variables. Printing, panics and the
 * arena stay in tests/host/host_shim.c (built with -DHOST_SHIM_NO_CPUS).
 */
#ifndef TESTS_HOST_SMP_SMP_HOST_H
#define TESTS_HOST_SMP_SMP_HOST_H

#include <stdbool.h>
#include <stdint.h>

struct mm_waitq;

/* CPUs [0, @nr_cpus) are for the program's threads, the next
 * @nr_kthread_cpus for mm_kthread_run (one each, in the order started).
 * mm_nr_cpus() counts both. Call once, before mm_init. Returns 0, or -1
 * when the total exceeds MM_MAX_CPUS. */
int smp_host_setup(unsigned int nr_cpus, unsigned int nr_kthread_cpus);

/* The calling thread becomes CPU @cpu (online, interrupts on), named @name
 * for reports, until smp_host_leave_cpu(). Panics if @cpu is taken. */
void smp_host_enter_cpu(unsigned int cpu, const char *name);
/* Offline again: serves any cross-CPU call already aimed at this CPU, and
 * no later one targets it. Interrupts must be on. */
void smp_host_leave_cpu(void);

/* An interrupt point: with this CPU's interrupts on, run the cross-CPU
 * call aimed at it, if any. Workloads call it between operations, as a
 * kernel thread takes IPIs whenever interrupts are on. */
void smp_host_ipi_poll(void);

/* Run @fn(@cpu, @arg) on CPUs 0..@n-1, one new thread each (entered and
 * left around @fn), and wait for all. Returns 0, or -1 if a thread could
 * not be started. */
int smp_host_run_cpus(unsigned int n, void (*fn)(unsigned int cpu, void *arg), void *arg);

/* A barrier for @n CPUs whose waiters keep serving cross-CPU calls (a
 * kthread may drain every CPU's lists while the others are parked). */
struct smp_barrier {
	unsigned int n;
	unsigned int arrived;
	unsigned int generation;
	struct mm_waitq *wq;
};
int smp_barrier_init(struct smp_barrier *b, unsigned int n);
/* Returns true in exactly one waiter (the last to arrive). */
bool smp_barrier_wait(struct smp_barrier *b);

struct smp_host_stats {
	unsigned long calls;	     /* mm_on_each_cpu calls that needed other CPUs */
	unsigned long ipis_served;   /* calls run on a CPU on behalf of another */
	unsigned long sleeper_kicks; /* sleeping CPUs woken to serve a call */
	unsigned int kthreads;	     /* threads mm_kthread_run started */
};
void smp_host_get_stats(struct smp_host_stats *st);

#endif /* TESTS_HOST_SMP_SMP_HOST_H */
