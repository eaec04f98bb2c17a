/*
 * kernel/wait.h - wait queues: a thread sleeps until a condition holds,
 * and whoever makes it true wakes the queue.
 *
 * The pattern (what wait_event does) is Linux's: put yourself on the
 * queue and mark yourself sleeping, test the condition, and only then
 * call schedule(). A wake-up between the test and schedule() sets you
 * running again, so schedule() returns at once instead of losing it.
 * Wake-ups take waiters off the queue (Linux's autoremove behaviour).
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#include <stdbool.h>

#include "mm/list.h"
#include "mm/spinlock.h"

struct thread;

struct wait_queue_head {
	mm_spinlock_t lock;
	struct list_head waiters; /* of wait_queue_entry.node, guarded by lock */
};

struct wait_queue_entry {
	struct thread *thread;
	struct list_head node; /* empty (self-linked) when not queued */
};

#define WAIT_QUEUE_HEAD_INIT(name) \
	{ \
		MM_SPINLOCK_INIT_RANKED(MM_LOCK_RANK_WAITQ), LIST_HEAD_INIT((name).waiters) \
	}

void init_waitqueue_head(struct wait_queue_head *wq);
void init_wait_entry(struct wait_queue_entry *w);

/* Queue the current thread on @wq (if not queued yet) and mark it
 * sleeping. Context: a thread, any interrupt state. */
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w);
/* Mark the current thread running and take @w off @wq if still there. */
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w);

/* Wake the first waiter / every waiter; returns how many were woken.
 * Context: any, interrupt handlers included; never sleeps. */
unsigned int wake_up_one(struct wait_queue_head *wq);
unsigned int wake_up_all(struct wait_queue_head *wq);
#define wake_up(wq) wake_up_all(wq)

/* Does @wq have waiters? A hint only: racy without the caller's own lock. */
bool waitqueue_active(struct wait_queue_head *wq);

/* From kernel/sched.h and kernel/timer.h, for the macros below. */
void schedule(void);
long schedule_timeout(long ticks);

/* Sleep until @cond is true. @cond is evaluated in the waiting thread,
 * after each wake-up, with interrupts in the caller's state. */
#define wait_event(wq, cond) \
	do { \
		struct wait_queue_entry __w; \
		init_wait_entry(&__w); \
		for (;;) { \
			prepare_to_wait(&(wq), &__w); \
			if (cond) \
				break; \
			schedule(); \
		} \
		finish_wait(&(wq), &__w); \
	} while (0)

/* Like wait_event, for at most @ticks timer ticks. Evaluates to 0 if the
 * time ran out with @cond still false, else the ticks left (at least 1). */
#define wait_event_timeout(wq, cond, ticks) \
	({ \
		long __left = (ticks); \
		struct wait_queue_entry __w; \
		init_wait_entry(&__w); \
		for (;;) { \
			prepare_to_wait(&(wq), &__w); \
			if (cond) { \
				if (!__left) \
					__left = 1; \
				break; \
			} \
			if (!__left) \
				break; \
			__left = schedule_timeout(__left); \
		} \
		finish_wait(&(wq), &__w); \
		__left; \
	})

#endif /* KERNEL_WAIT_H */
