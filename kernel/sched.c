/*
 * kernel/sched.c - picking the next thread: a FIFO run queue per CPU,
 * round robin with a time slice counted down by the tick, preemption at
 * the end of an interrupt, the idle thread that halts when nothing is
 * runnable, and (SMP) placing new threads round robin over the CPUs and
 * waking threads on their own CPU.
 */
#include "sched.h"
#include "panic.h"
#include "printk.h"
#include "timer.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/smp.h"

void switch_stack(uint64_t *prev_rsp, uint64_t next_rsp);

struct cpu cpus[SCHED_MAX_CPUS];
static struct thread boot_thread;
static bool running;
static unsigned int nr_online;
static unsigned int next_placement; /* round robin cursor for new threads */

unsigned int sched_nr_online(void)
{
	return __atomic_load_n(&nr_online, __ATOMIC_ACQUIRE);
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
		panic("sched: thread %s sleeps with preemption disabled (count %d)", prev->name,
		      c->preempt_count);
	mm_spin_lock(&c->rq.lock);
	thread_check(prev);
	thread_check_sp(prev, (uintptr_t)__builtin_frame_address(0));
	__atomic_store_n(&c->need_resched, false, __ATOMIC_RELAXED);
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

/* Ask @c to reschedule soon: at once if it is this CPU's own business
 * (the end of the current interrupt or preempt_enable does it), through a
 * reschedule IPI for another CPU. */
void sched_kick(struct cpu *c)
{
	__atomic_store_n(&c->need_resched, true, __ATOMIC_RELEASE);
	if (c != this_cpu())
		smp_send_reschedule(c->id);
}

/*
 * The thread's own CPU's queue lock serialises us against its __schedule:
 * either it has not switched away yet (then it is c->curr and setting it
 * running is enough: its schedule() keeps it), or it is off the CPU with
 * its context saved and may be queued.
 */
bool wake_up_thread(struct thread *t)
{
	unsigned long flags = irq_save();
	struct cpu *c = &cpus[t->cpu];
	bool woke = false, kick = false;

	mm_spin_lock(&c->rq.lock);
	if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == THREAD_SLEEPING) {
		__atomic_store_n(&t->state, THREAD_RUNNING, __ATOMIC_RELEASE);
		woke = true;
		/* Still current (woken before it reached schedule()) or
		 * preempted on the queue: it is where it should be already. */
		if (!t->on_rq && t != c->curr) {
			rq_enqueue(&c->rq, t);
			kick = c->curr == c->idle;
			if (c != this_cpu())
				c->nr_wakeups_remote++;
		}
	}
	mm_spin_unlock(&c->rq.lock);
	if (kick)
		sched_kick(c);
	irq_restore(flags);
	return woke;
}

/* Round robin over the online CPUs: simple, and with no migration it
 * spreads the test and stress threads evenly. */
static unsigned int place_thread(void)
{
	unsigned int n = sched_nr_online();

	if (n <= 1)
		return 0;
	for (;;) {
		unsigned int id = __atomic_fetch_add(&next_placement, 1, __ATOMIC_RELAXED) %
				  SCHED_MAX_CPUS;
		if (__atomic_load_n(&cpus[id].online, __ATOMIC_ACQUIRE))
			return id;
	}
}

void sched_enqueue_new(struct thread *t)
{
	if (t->cpu == SCHED_ANY_CPU)
		t->cpu = place_thread();
	else if (t->cpu >= SCHED_MAX_CPUS ||
		 !__atomic_load_n(&cpus[t->cpu].online, __ATOMIC_ACQUIRE))
		panic("sched: thread %s placed on CPU %u, which is not online", t->name, t->cpu);

	unsigned long flags = irq_save();
	struct cpu *c = &cpus[t->cpu];
	bool kick;

	mm_spin_lock(&c->rq.lock);
	rq_enqueue(&c->rq, t);
	kick = c->curr == c->idle;
	mm_spin_unlock(&c->rq.lock);
	if (kick)
		sched_kick(c);
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
	if (--c->preempt_count == 0 && __atomic_load_n(&c->need_resched, __ATOMIC_ACQUIRE) &&
	    !c->irq_depth && irqs_enabled())
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

	if (--c->irq_depth == 0 && __atomic_load_n(&c->need_resched, __ATOMIC_ACQUIRE) &&
	    !c->preempt_count && sched_is_running())
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
		if (!__atomic_load_n(&c->need_resched, __ATOMIC_ACQUIRE) &&
		    !__atomic_load_n(&c->rq.nr_queued, __ATOMIC_RELAXED)) {
			c->idle_halts++;
			__asm__ volatile("sti; hlt" ::: "memory");
		} else {
			local_irq_enable();
		}
		schedule();
	}
	return 0;
}

static void cpu_init_rq(struct cpu *c)
{
	mm_spin_lock_init_ranked(&c->rq.lock, MM_LOCK_RANK_RQ);
	INIT_LIST_HEAD(&c->rq.queue);
}

struct thread *sched_alloc_idle(unsigned int id)
{
	char name[THREAD_NAME_LEN];

	snprintf(name, sizeof(name), id ? "idle/%u" : "idle", id);
	struct thread *t = thread_alloc(name, idle_fn, NULL, 0);
	if (t)
		t->cpu = id;
	return t;
}

/* On an AP, on its idle thread's stack, interrupts off, LAPIC enabled. */
void sched_ap_run(struct cpu *c)
{
	cpu_init_rq(c);
	c->curr = c->idle;
	lapic_timer_start_periodic(IRQ_VECTOR_TIMER, HZ);
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	__atomic_fetch_add(&nr_online, 1, __ATOMIC_ACQ_REL);
	local_irq_enable();
	idle_fn(NULL);
	panic("sched: idle loop of CPU %u returned", c->id);
}

void sched_init(void)
{
	struct cpu *c = this_cpu();

	if (running)
		panic("sched: sched_init called twice");
	if (c != &cpus[0] || c->self != c)
		panic("sched: GS base does not point at CPU 0 (smp_early_init not called?)");
	cpu_init_rq(c);
	thread_init_boot(&boot_thread, "main");
	boot_thread.slice = SCHED_SLICE_TICKS;
	boot_thread.cpu = 0;
	c->curr = &boot_thread;
	c->idle = sched_alloc_idle(0);
	if (!c->idle)
		panic("sched: no memory for the idle thread's stack");

	irq_init();
	lapic_init();
	timer_init();
	smp_init_ipis();
	c->online = true;
	nr_online = 1;
	__atomic_store_n(&running, true, __ATOMIC_RELEASE);
	local_irq_enable();
	printk("sched: tick %u Hz, slice %u ticks, %lu KiB thread stacks\n", HZ, SCHED_SLICE_TICKS,
	       THREAD_STACK_SIZE >> 10);
}
