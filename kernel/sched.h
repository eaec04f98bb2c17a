/*
 * kernel/sched.h - the scheduler: per-CPU state, a round-robin run queue,
 * time slices ended by the timer tick, and an idle thread that halts.
 *
 * Everything per-CPU lives in struct cpu, reached through this_cpu(), so
 * that SMP can give each CPU its own (today there is one). Locking: a
 * run queue's lock is held, with interrupts off, across a switch; the
 * thread switched to releases it (sched_finish_switch). Kernel code uses
 * mm/spinlock.h's locks with the _irqsave calls: a lock held with
 * interrupts off also keeps its holder from being preempted.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "thread.h"
#include "mm/list.h"
#include "mm/spinlock.h"

#define SCHED_SLICE_TICKS 2 /* 8 ms at HZ 250 */

struct rq {
	mm_spinlock_t lock;
	struct list_head queue;  /* runnable threads, FIFO; guarded by lock */
	unsigned int nr_queued;  /* threads on queue */
};

struct cpu {
	unsigned int id;
	struct thread *curr;     /* running thread */
	struct thread *idle;
	struct rq rq;
	struct thread *dead;     /* exited, switched away from, not yet reaped */
	bool need_resched;       /* switch at the next chance */
	int preempt_count;       /* > 0: no preemption from interrupts */
	int irq_depth;           /* > 0: in an interrupt handler */
	/* Statistics. */
	uint64_t nr_switches;
	uint64_t nr_preemptions; /* switches forced by the tick */
	uint64_t nr_ticks;
	uint64_t idle_halts;     /* HLTs executed by the idle thread */
};

struct cpu *this_cpu(void);

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

/* For kernel/thread.c: queue a new thread; complete a switch (first thing
 * a new thread does). */
void sched_enqueue_new(struct thread *t);
void sched_finish_switch(void);

#endif /* KERNEL_SCHED_H */
