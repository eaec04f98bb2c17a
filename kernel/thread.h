/*
 * kernel/thread.h - kernel threads: each has its own stack from the page
 * allocator, with its struct thread at the bottom of that stack, where an
 * overflow hits the guard word first and the scheduler notices.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "wait.h"
#include "mm/list.h"

struct page;

#define THREAD_STACK_ORDER 2 /* 16 KiB: interrupts run on it too */
#define THREAD_STACK_SIZE (4096UL << THREAD_STACK_ORDER)
#define THREAD_CANARY 0x54485244u	   /* "THRD" */
#define THREAD_GUARD 0x5354414b47554152ull /* "STAKGUAR" */
#define THREAD_NAME_LEN 16

enum thread_state {
	THREAD_RUNNING,	 /* running or runnable */
	THREAD_SLEEPING, /* waits for wake_up_thread() */
	THREAD_DEAD,	 /* exited; stack freed after it is switched away from */
};

/* thread_create flags */
#define THREAD_JOINABLE 0x1u /* kept after exit until thread_join() */

/* struct thread.pflags: what the thread is doing, for mm/ (Linux's PF_*). */
#define PF_MEMALLOC 0x1u /* a reclaimer: may dip into reserves, never recurses */

struct thread {
	uint64_t rsp; /* saved by switch_stack while off the CPU; first, for asm */
	uint32_t canary;
	int tid;
	char name[THREAD_NAME_LEN];
	enum thread_state state; /* atomic; see set_current_state() */
	unsigned int pflags;
	unsigned int cpu; /* CPU it runs on, fixed once queued (SCHED_ANY_CPU before) */
	/* Guarded by the run queue lock of cpu. */
	bool on_rq;	    /* on a run queue list (not when running) */
	unsigned int slice; /* ticks left before preemption */
	struct list_head run_node;
	uint64_t nr_runs; /* times switched to */
	/* Fixed at creation. */
	struct page *stack_page; /* NULL for the boot thread */
	uintptr_t stack_lo;	 /* lowest stack word, holds THREAD_GUARD */
	uintptr_t stack_hi;	 /* initial RSP (top of the stack) */
	unsigned int flags;
	int (*fn)(void *arg);
	void *arg;
	/* Exit and join. */
	int exit_code;
	bool reaped; /* off the CPU for good; join may free it */
	struct wait_queue_head exit_wq;
};

/*
 * A new thread that runs @fn(@arg) and then exits with its return value.
 * It is runnable at once. Without THREAD_JOINABLE its memory goes back to
 * the allocator when it exits and the pointer must not be used after
 * that; with it, thread_join() must be called once. Returns NULL when no
 * stack could be allocated. Context: a thread or early boot; may sleep in
 * the allocator.
 */
struct thread *thread_create(const char *name, int (*fn)(void *), void *arg, unsigned int flags);
/* The same on CPU @cpu (must be online), or placed round robin when @cpu
 * is SCHED_ANY_CPU (what thread_create does). Threads never migrate. */
struct thread *thread_create_on(const char *name, int (*fn)(void *), void *arg, unsigned int flags,
				unsigned int cpu);

/* End the current thread with @code. Never returns. */
void thread_exit(int code) __attribute__((noreturn));

/* Wait for a THREAD_JOINABLE thread to exit, free it, return its code. */
int thread_join(struct thread *t);

/* Threads alive now (created and not yet freed), the boot thread included. */
unsigned long thread_count(void);

/* Panic unless @t's canary and stack guard are intact, and (for the
 * running thread) RSP is inside its stack. */
void thread_check(const struct thread *t);
void thread_check_sp(const struct thread *t, uintptr_t sp);

/* For the scheduler: initialise the boot context's thread; make a thread
 * without queueing it (the idle thread); free or hand over to thread_join
 * a thread that is dead and off the CPU. */
void thread_init_boot(struct thread *t, const char *name);
struct thread *thread_alloc(const char *name, int (*fn)(void *), void *arg, unsigned int flags);
void thread_reap(struct thread *t);

#endif /* KERNEL_THREAD_H */
