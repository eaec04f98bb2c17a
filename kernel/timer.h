/*
 * kernel/timer.h - the periodic tick (LAPIC timer at HZ), jiffies, timers
 * that run a function at a tick, sleeping for a time.
 *
 * HZ is 250: a 4 ms tick is fine enough for msleep(), kswapd's back-off
 * and the trace sampling, while under TCG every tick costs an exit into
 * the emulator, and 1000 Hz would spend four times as much on that.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/list.h"

#define HZ 250

/* Ticks since the timer started. */
uint64_t jiffies_now(void);

/* Whole ticks covering @ms (rounded up). */
static inline long msecs_to_jiffies(unsigned int ms)
{
	return (long)(((uint64_t)ms * HZ + 999) / 1000);
}

struct timer {
	struct list_head node;	     /* on the pending list while pending */
	uint64_t expires;	     /* jiffies */
	void (*fn)(struct timer *t); /* runs in the tick's interrupt handler */
	void *data;
	bool pending;
};

void timer_setup(struct timer *t, void (*fn)(struct timer *), void *data);
/* (Re)arm @t to fire once at jiffies >= @expires. Context: any. */
void timer_add(struct timer *t, uint64_t expires);
/* Disarm; returns whether it was pending. */
bool timer_del(struct timer *t);

/*
 * Sleep for up to @ticks, in the state the caller set (set_current_state):
 * THREAD_SLEEPING sleeps until the time passes or a wake-up; THREAD_RUNNING
 * only yields. Returns the ticks left (0: timed out). Context: thread.
 */
long schedule_timeout(long ticks);

/* Sleep at least @ms milliseconds, as measured by the TSC. Context: thread. */
void msleep(unsigned int ms);

/* Calibrate the LAPIC timer and start the tick. Called by sched_init(). */
void timer_init(void);

#endif /* KERNEL_TIMER_H */
