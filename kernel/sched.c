/*
 * kernel/sched.c - picking the next thread: a FIFO run queue per CPU,
 * round robin with a time slice counted down by the tick, preemption at
 * the end of an interrupt, and the idle thread that halts when nothing
 * is runnable.
 */
#include "sched.h"
#include "panic.h"
#include "printk.h"
#include "timer.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/lapic.h"

void switch_stack(uint64_t *prev_rsp, uint64_t next_rsp);

static struct cpu cpus[1];
static struct thread boot_thread;
static bool running;

/* One CPU for now; SMP will find its struct cpu through GS. */
struct cpu *this_cpu(void)
{
	return &cpus[0];
}

bool sched_is_running(void)
{
	return __atomic_load_n(&running, __ATOMIC_ACQUIRE);
}

static void rq_enqueue(struct rq *rq, struct thread *t)
{
	list_add_tail(&t->run_node, &rq->queue);
	t->on_rq = true;
	rq->nr_queued++;
}

static struct thread *rq_dequeue(struct rq *rq)
{
	if (list_empty(&rq->queue))
		return NULL;
	struct thread *t = list_first_entry(&rq->queue, struct thread, run_node);
	list_del_init(&t->run_node);
	t->on_rq = false;
	rq->nr_queued--;
	return t;
}

/*
 * The switch. @preempt: the tick ended the thread's slice, so it stays
 * runnable even if it had marked itself sleeping (it was preempted between
 * prepare_to_wait and schedule, and will reach its own schedule() later).
 */
static void __schedule(bool preempt)
{
	unsigned long flags = irq_save();
	struct cpu *c = this_cpu();
	struct thread *prev = c->curr;

	if (c->irq_depth)
		panic("sched: schedule() inside an interrupt handler (thread %s)", prev->name);
	if (c->preempt_count && !preempt)
		panic("sched: thread %s sleeps with preemption disabled (count %d)",
		      prev->name, c->preempt_count);
	mm_spin_lock(&c->rq.lock);
	thread_check(prev);
	thread_check_sp(prev, (uintptr_t)__builtin_frame_address(0));
	c->need_resched = false;
	enum thread_state st = __atomic_load_n(&prev->state, __ATOMIC_ACQUIRE);
	if (prev != c->idle) {
		if (st == THREAD_RUNNING || (preempt && st == THREAD_SLEEPING))
			rq_enqueue(&c->rq, prev);
		else if (st == THREAD_DEAD)
			c->dead = prev;
	}
	struct thread *next = rq_dequeue(&c->rq);
	if (!next)
		next = c->idle;
	if (next == prev) {
		prev->slice = SCHED_SLICE_TICKS;
		mm_spin_unlock(&c->rq.lock);
		irq_restore(flags);
		return;
	}
	thread_check(next);
	next->slice = SCHED_SLICE_TICKS;
	next->nr_runs++;
	c->curr = next;
	c->nr_switches++;
	if (preempt)
		c->nr_preemptions++;
	switch_stack(&prev->rsp, next->rsp);
	/* Back in prev, switched to by someone else's __schedule. */
	sched_finish_switch();
	irq_restore(flags);
}

void sched_finish_switch(void)
{
	struct cpu *c = this_cpu();
	struct thread *dead = c->dead;

	c->dead = NULL;
	mm_spin_unlock(&c->rq.lock);
	if (dead)
		thread_reap(dead);
}

void schedule(void)
{
	__schedule(false);
}

void sched_yield(void)
{
	set_current_state(THREAD_RUNNING);
	__schedule(false);
}

void set_current_state(enum thread_state state)
{
	__atomic_store_n(&current_thread()->state, state, __ATOMIC_SEQ_CST);
}

bool wake_up_thread(struct thread *t)
{
	unsigned long flags = irq_save();
	struct cpu *c = this_cpu(); /* SMP: the CPU whose queue @t last used */
	bool woke = false;

	mm_spin_lock(&c->rq.lock);
	if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == THREAD_SLEEPING) {
		__atomic_store_n(&t->state, THREAD_RUNNING, __ATOMIC_RELEASE);
		woke = true;
		/* Still current (woken before it reached schedule()) or
		 * preempted on the queue: it is where it should be already. */
		if (!t->on_rq && t != c->curr) {
			rq_enqueue(&c->rq, t);
			if (c->curr == c->idle)
				c->need_resched = true;
		}
	}
	mm_spin_unlock(&c->rq.lock);
	irq_restore(flags);
	return woke;
}

void sched_enqueue_new(struct thread *t)
{
	unsigned long flags = irq_save();
	struct cpu *c = this_cpu();

	mm_spin_lock(&c->rq.lock);
	rq_enqueue(&c->rq, t);
	if (c->curr == c->idle)
		c->need_resched = true;
	mm_spin_unlock(&c->rq.lock);
	irq_restore(flags);
}

void preempt_disable(void)
{
	this_cpu()->preempt_count++;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

void preempt_enable(void)
{
	struct cpu *c = this_cpu();

	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (--c->preempt_count == 0 && c->need_resched && !c->irq_depth && irqs_enabled())
		sched_yield();
}

/* From the tick: count down the slice, ask for a switch when it is used
 * up and someone else is waiting. Interrupts are off. */
void sched_tick(void)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->curr;

	mm_spin_lock(&c->rq.lock);
	c->nr_ticks++;
	if (t == c->idle) {
		if (c->rq.nr_queued)
			c->need_resched = true;
	} else if (t->slice && --t->slice == 0) {
		if (c->rq.nr_queued)
			c->need_resched = true;
		else
			t->slice = SCHED_SLICE_TICKS;
	}
	mm_spin_unlock(&c->rq.lock);
}

/* Every interrupt also checks the interrupted thread's stack: an overflow
 * is reported as such, before it corrupts whatever lies below the stack
 * for long. */
void sched_irq_enter(void)
{
	struct cpu *c = this_cpu();

	if (c->irq_depth++ == 0 && sched_is_running()) {
		thread_check(c->curr);
		thread_check_sp(c->curr, (uintptr_t)__builtin_frame_address(0));
	}
}

void sched_irq_exit(void)
{
	struct cpu *c = this_cpu();

	if (--c->irq_depth == 0 && c->need_resched && !c->preempt_count && sched_is_running())
		__schedule(true);
}

/*
 * Halt until an interrupt whenever nothing is runnable. STI takes effect
 * after the next instruction, so "sti; hlt" cannot lose a wake-up that
 * arrives between the test and the HLT: the interrupt ends the HLT.
 */
static int idle_fn(void *unused)
{
	struct cpu *c = this_cpu();

	(void)unused;
	for (;;) {
		local_irq_disable();
		if (!c->need_resched && !__atomic_load_n(&c->rq.nr_queued, __ATOMIC_RELAXED)) {
			c->idle_halts++;
			__asm__ volatile("sti; hlt" ::: "memory");
		} else {
			local_irq_enable();
		}
		schedule();
	}
	return 0;
}

void sched_init(void)
{
	struct cpu *c = this_cpu();

	if (running)
		panic("sched: sched_init called twice");
	c->id = 0;
	mm_spin_lock_init(&c->rq.lock);
	INIT_LIST_HEAD(&c->rq.queue);
	thread_init_boot(&boot_thread, "main");
	boot_thread.slice = SCHED_SLICE_TICKS;
	c->curr = &boot_thread;
	c->idle = thread_alloc("idle", idle_fn, NULL, 0);
	if (!c->idle)
		panic("sched: no memory for the idle thread's stack");

	irq_init();
	lapic_init();
	timer_init();
	__atomic_store_n(&running, true, __ATOMIC_RELEASE);
	local_irq_enable();
	printk("sched: tick %u Hz, slice %u ticks, %lu KiB thread stacks\n", HZ,
	       SCHED_SLICE_TICKS, THREAD_STACK_SIZE >> 10);
}
