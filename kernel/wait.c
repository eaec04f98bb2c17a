/*
 * kernel/wait.c - wait queue entries on and off their queue, and
 * wake-ups (see kernel/wait.h for the sleeping protocol).
 */
#include "wait.h"
#include "panic.h"
#include "sched.h"

void init_waitqueue_head(struct wait_queue_head *wq)
{
	mm_spin_lock_init_ranked(&wq->lock, MM_LOCK_RANK_WAITQ);
	INIT_LIST_HEAD(&wq->waiters);
}

void init_wait_entry(struct wait_queue_entry *w)
{
	if (!current_thread())
		panic("wait: sleeping before sched_init()");
	w->thread = current_thread();
	INIT_LIST_HEAD(&w->node);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	unsigned long flags = mm_spin_lock_irqsave(&wq->lock);

	w->thread = current_thread();
	if (list_empty(&w->node))
		list_add_tail(&w->node, &wq->waiters);
	/* Under the queue lock: a waker that finds us queued sees us asleep. */
	set_current_state(THREAD_SLEEPING);
	mm_spin_unlock_irqrestore(&wq->lock, flags);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	set_current_state(THREAD_RUNNING);
	unsigned long flags = mm_spin_lock_irqsave(&wq->lock);
	if (!list_empty(&w->node))
		list_del_init(&w->node);
	mm_spin_unlock_irqrestore(&wq->lock, flags);
}

/* Take waiters off @wq and wake them until @max threads really woke (a
 * waiter already running, woken by someone else, does not count). */
static unsigned int wake_up_n(struct wait_queue_head *wq, unsigned int max)
{
	unsigned long flags = mm_spin_lock_irqsave(&wq->lock);
	unsigned int woken = 0;
	struct list_head *pos, *n;

	list_for_each_safe(pos, n, &wq->waiters) {
		struct wait_queue_entry *w = list_entry(pos, struct wait_queue_entry, node);
		list_del_init(&w->node);
		if (wake_up_thread(w->thread) && ++woken == max)
			break;
	}
	mm_spin_unlock_irqrestore(&wq->lock, flags);
	return woken;
}

unsigned int wake_up_one(struct wait_queue_head *wq)
{
	return wake_up_n(wq, 1);
}

unsigned int wake_up_all(struct wait_queue_head *wq)
{
	return wake_up_n(wq, ~0u);
}

bool waitqueue_active(struct wait_queue_head *wq)
{
	return !list_empty(&wq->waiters);
}
