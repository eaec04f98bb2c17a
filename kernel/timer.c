/*
 * kernel/timer.c - the tick: jiffies, a sorted list of pending timers run
 * from the tick interrupt, and sleeping for a number of ticks or
 * milliseconds.
 *
 * SMP: every CPU has its own LAPIC tick for its time slices, but only CPU
 * 0 advances jiffies and runs the timers (a timer's callback, such as a
 * sleeper's wake-up, reaches other CPUs through wake_up_thread).
 */
#include "timer.h"
#include "panic.h"
#include "sched.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/lapic.h"

static uint64_t jiffies;
static mm_spinlock_t timer_lock = MM_SPINLOCK_INIT_RANKED(MM_LOCK_RANK_TIMER);
static struct list_head pending = LIST_HEAD_INIT(pending); /* by expires; timer_lock */
static struct timer *running_timer; /* callback in progress on CPU 0; timer_lock */

uint64_t jiffies_now(void)
{
	return __atomic_load_n(&jiffies, __ATOMIC_RELAXED);
}

void timer_setup(struct timer *t, void (*fn)(struct timer *), void *data)
{
	INIT_LIST_HEAD(&t->node);
	t->fn = fn;
	t->data = data;
	t->expires = 0;
	t->pending = false;
}

void timer_add(struct timer *t, uint64_t expires)
{
	unsigned long flags = mm_spin_lock_irqsave(&timer_lock);
	struct list_head *pos;

	if (t->pending)
		list_del_init(&t->node);
	t->expires = expires;
	t->pending = true;
	/* Behind every timer due no later: equal expiries fire in add order. */
	list_for_each(pos, &pending)
		if (list_entry(pos, struct timer, node)->expires > expires)
			break;
	list_add_tail(&t->node, pos);
	mm_spin_unlock_irqrestore(&timer_lock, flags);
}

/*
 * Like Linux's del_timer_sync: when @t's callback is running on CPU 0, wait
 * for it to finish, so the caller may free @t (schedule_timeout's timer
 * lives on its stack) - unless we are that callback (then it is ours).
 */
bool timer_del(struct timer *t)
{
	unsigned long flags = mm_spin_lock_irqsave(&timer_lock);
	bool was = t->pending;

	if (was) {
		list_del_init(&t->node);
		t->pending = false;
	}
	while (running_timer == t && this_cpu()->id != 0) {
		mm_spin_unlock(&timer_lock);
		cpu_relax();
		mm_spin_lock(&timer_lock);
	}
	mm_spin_unlock_irqrestore(&timer_lock, flags);
	return was;
}

/* Run the timers that are due, without the lock held so a callback may
 * re-arm itself; running_timer tells timer_del on other CPUs to wait. */
static void run_timers(uint64_t now)
{
	mm_spin_lock(&timer_lock);
	while (!list_empty(&pending)) {
		struct timer *t = list_first_entry(&pending, struct timer, node);
		if (t->expires > now)
			break;
		list_del_init(&t->node);
		t->pending = false;
		running_timer = t;
		mm_spin_unlock(&timer_lock);
		t->fn(t);
		mm_spin_lock(&timer_lock);
		running_timer = NULL;
	}
	mm_spin_unlock(&timer_lock);
}

static void tick_handler(struct trap_frame *f, void *data)
{
	(void)f;
	(void)data;
	lapic_eoi();
	if (this_cpu()->id == 0)
		run_timers(__atomic_add_fetch(&jiffies, 1, __ATOMIC_RELAXED));
	sched_tick();
}

void timer_init(void)
{
	if (!lapic_timer_calibrate())
		panic("timer: the LAPIC timer does not count");
	if (irq_register(IRQ_VECTOR_TIMER, tick_handler, NULL))
		panic("timer: vector 0x%x already taken", IRQ_VECTOR_TIMER);
	lapic_timer_start_periodic(IRQ_VECTOR_TIMER, HZ);
}

static void wake_sleeper(struct timer *t)
{
	wake_up_thread(t->data);
}

long schedule_timeout(long ticks)
{
	if (ticks <= 0) {
		set_current_state(THREAD_RUNNING);
		return 0;
	}
	struct timer t;
	uint64_t expires = jiffies_now() + (uint64_t)ticks;

	timer_setup(&t, wake_sleeper, current_thread());
	timer_add(&t, expires);
	schedule();
	timer_del(&t);
	uint64_t now = jiffies_now();
	return now < expires ? (long)(expires - now) : 0;
}

void msleep(unsigned int ms)
{
	uint64_t deadline = rdtsc() + (uint64_t)ms * (arch_tsc_hz() / 1000);

	if (!sched_is_running()) {
		while (rdtsc() < deadline)
			cpu_relax();
		return;
	}
	/* One tick more than ms covers: the current tick is partly over. */
	long left = msecs_to_jiffies(ms) + 1;
	while (left) {
		set_current_state(THREAD_SLEEPING);
		left = schedule_timeout(left);
	}
	/* The tick and the TSC may disagree a little (both are calibrated);
	 * the promise is in TSC time, so top up by single ticks. */
	while (rdtsc() < deadline) {
		set_current_state(THREAD_SLEEPING);
		schedule_timeout(1);
	}
}
