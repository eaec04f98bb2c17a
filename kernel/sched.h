/*
 * kernel/sched.h - the scheduler: per-CPU state, a round-robin run queue
 * per CPU, time slices ended by each CPU's timer tick, and an idle thread
 * per CPU that halts.
 *
 * Everything per-CPU lives in struct cpu, reached through this_cpu(),
 * which reads it from the GS base (MSR_GS_BASE, set by arch/x86_64/smp.c
 * on each CPU). A thread stays on the CPU it was placed on when created
 * (round robin over the online CPUs, or the one asked for): no migration,
 * so this_cpu() is stable for a thread, and a wake-up queues the thread
 * on its own CPU's run queue (with a reschedule IPI if that CPU idles).
 *
 * Locking: a run queue's lock is held, with interrupts off, across a
 * switch; the thread switched to releases it (sched_finish_switch). Kernel
 * code uses mm/spinlock.h's locks with the _irqsave calls: a lock held
 * with interrupts off also keeps its holder from being preempted. Lock
 * order: see mm/spinlock.h.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "thread.h"
#include "mm/list.h"
#include "mm/spinlock.h"

#define SCHED_SLICE_TICKS 2 /* 8 ms at HZ 250 */
#define SCHED_MAX_CPUS 64   /* = MM_MAX_CPUS and ACPI_MAX_CPUS */
#define SCHED_ANY_CPU (~0u) /* thread_create_on: let the scheduler place it */

struct rq {
	mm_spinlock_t lock;
	struct list_head queue; /* runnable threads, FIFO; guarded by lock */
	unsigned int nr_queued; /* threads on queue */
};

struct cpu {
	struct cpu *self; /* first: this_cpu() loads %gs:0 */
	unsigned int id;  /* 0 = the boot CPU; dense in MADT order */
	uint32_t apic_id;
	bool online;	     /* runs threads and takes IPIs */
	struct thread *curr; /* running thread */
	struct thread *idle;
	struct rq rq;
	struct thread *dead; /* exited, switched away from, not yet reaped */
	bool need_resched;   /* switch at the next chance; set remotely too (atomic) */
	int preempt_count;   /* > 0: no preemption from interrupts */
	int irq_depth;	     /* > 0: in an interrupt handler */
	/* Statistics. */
	uint64_t nr_switches;
	uint64_t nr_preemptions; /* switches forced by the tick */
	uint64_t nr_ticks;
	uint64_t idle_halts;	    /* HLTs executed by the idle thread */
	uint64_t nr_wakeups_remote; /* threads of this CPU woken from another CPU */
	uint64_t nr_ipis;	    /* IPIs taken (reschedule and function calls) */
};

extern struct cpu cpus[SCHED_MAX_CPUS];

/* Not volatile: a thread never changes CPU, so the compiler may keep the
 * value. Valid once smp_early_init() set the boot CPU's GS base. */
static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* CPUs online now; CPU ids online are 0..sched_nr_online()-1 unless an AP
 * failed to start (then check cpus[i].online). */
unsigned int sched_nr_online(void);

static inline struct thread *current_thread(void)
{
	return this_cpu()->curr;
}

/*
 * Make the running boot context the first thread, create the idle
 * thread, set up interrupts (PIC, IDT, LAPIC) and the timer tick, and
 * enable interrupts. Call once, after mm_init() (stacks come from the page
 * allocator) and arch_time_init().
 */
void sched_init(void);
bool sched_is_running(void);

/* For arch/x86_64/smp.c: an idle thread (and its stack, on which the AP
 * starts) for CPU @id; the AP's last step of bring-up (interrupts on, its
 * tick started, then the idle loop; never returns); a reschedule request
 * for @c (sets need_resched, sends the IPI when @c is another CPU). */
struct thread *sched_alloc_idle(unsigned int id);
void sched_ap_run(struct cpu *c) __attribute__((noreturn));
void sched_kick(struct cpu *c);

/*
 * Give up the CPU. A thread in THREAD_RUNNING state stays runnable (goes
 * to the back of the queue); THREAD_SLEEPING leaves the queue until
 * wake_up_thread(). Context: thread, not in an interrupt handler, no
 * spinlock held (interrupts may be off: each thread has its own flags).
 */
void schedule(void);
void sched_yield(void);

/* Set the current thread's state before testing a sleep condition. */
void set_current_state(enum thread_state state);

/* Make @t runnable if it sleeps. Returns whether it did. Context: any. */
bool wake_up_thread(struct thread *t);

/* Threads that may not be preempted by the tick until the count drops. */
void preempt_disable(void);
void preempt_enable(void);

/* For the interrupt and timer code. */
void sched_tick(void);
void sched_irq_enter(void);
void sched_irq_exit(void);

/* For kernel/thread.c: queue a new thread on t->cpu, or place it round
 * robin when that is SCHED_ANY_CPU; complete a switch (first thing a new
 * thread does). */
void sched_enqueue_new(struct thread *t);
void sched_finish_switch(void);

#endif /* KERNEL_SCHED_H */
