/*
 * tests/kernel/test_sched.c - self-tests of threads, the scheduler, the
 * tick, wait queues and sleeping (suite "sched"). Timing checks only
 * assert generous bounds (TCG runs slowly and unevenly); what they insist
 * on is ordering and progress.
 */
#include <stdint.h>

#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/wait.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/irq.h"
#include "mm/config.h"
#include "mm/gfp.h"
#include "mm/page.h"
#include "mm/spinlock.h"
#include "mm/zone.h"

static uint64_t ms_to_tsc(uint64_t ms)
{
	return ms * (arch_tsc_hz() / 1000);
}

static bool require_sched(void)
{
	if (!sched_is_running()) {
		ktest_skip("scheduler not started");
		return false;
	}
	return true;
}

/* These tests reason about one CPU's run queue (preemption counts, turn
 * order): their threads run on the test's own CPU. The smp suite covers
 * placement on other CPUs. */
static struct thread *thread_create_here(const char *name, int (*fn)(void *), void *arg,
					 unsigned int flags)
{
	return thread_create_on(name, fn, arg, flags, this_cpu()->id);
}

/* Wait (sleeping) until @cond holds or @ms pass; true if it held. */
#define WAIT_UNTIL(cond, ms) \
	({ \
		uint64_t __end = rdtsc() + ms_to_tsc(ms); \
		while (!(cond) && rdtsc() < __end) \
			msleep(1); \
		(bool)(cond); \
	})

KTEST(sched, pics_masked_and_remapped)
{
	/* Every legacy line masked: no stray IRQ can land on an exception. */
	KT_EXPECT_EQ(pic_read_masks(0), 0xff);
	KT_EXPECT_EQ(pic_read_masks(1), 0xff);
}

KTEST(sched, tick_runs_at_about_hz)
{
	if (!require_sched())
		return;
	KT_ASSERT(irqs_enabled());
	/* Both counters read with interrupts off, so no tick falls between.
	 * This CPU's ticks, not the timer vector's count: every CPU has a
	 * tick, and only CPU 0's advance jiffies. */
	struct cpu *c = this_cpu();
	if (c->id != 0) {
		ktest_skip("jiffies follow CPU 0's tick");
		return;
	}
	unsigned long flags = mm_irq_save();
	uint64_t j0 = jiffies_now(), i0 = c->nr_ticks;
	mm_irq_restore(flags);
	uint64_t t0 = rdtsc(), dj, di, ms;
	/* Busy, not sleeping: the tick must interrupt a running thread. Wait
	 * for 50 ticks (200 ms at HZ) or 2 s, whichever first: a host starved
	 * of CPU drops LAPIC periods (seen: 2 ticks in 200 ms under load), so
	 * the rate is reported, and only a dead or runaway tick fails. */
	do {
		cpu_relax();
		flags = mm_irq_save();
		dj = jiffies_now() - j0;
		di = c->nr_ticks - i0;
		mm_irq_restore(flags);
	} while (dj < HZ / 5 && rdtsc() - t0 < ms_to_tsc(2000));
	ms = (rdtsc() - t0) / ms_to_tsc(1);
	ktest_diag("%llu ticks, %llu timer interrupts on this CPU in %llu ms of TSC (HZ %u)",
		   (unsigned long long)dj, (unsigned long long)di, (unsigned long long)ms, HZ);
	KT_EXPECT(dj >= HZ / 5 / 8);
	/* No faster than 4x HZ over the time actually waited. */
	KT_EXPECT(dj <= (ms + 1) * HZ * 4 / 1000 + 1);
	KT_EXPECT_EQ(di, dj); /* every tick is one timer interrupt */
}

/* Two threads that never yield: each spins until it has seen the other's
 * counter move twice after its own start. Without preemption the first
 * would spin alone until its deadline and report failure. */
static struct {
	volatile uint64_t count[2];
	uint64_t deadline;
} busy;

static int busy_fn(void *arg)
{
	int me = (int)(uintptr_t)arg, other = !me;
	uint64_t last = busy.count[other];
	int changes = 0;

	while (changes < 2) {
		busy.count[me]++;
		if (busy.count[other] != last) {
			last = busy.count[other];
			changes++;
		}
		if (rdtsc() > busy.deadline)
			return 0;
	}
	return 1;
}

KTEST(sched, busy_threads_progress_only_by_preemption)
{
	if (!require_sched())
		return;
	struct cpu *c = this_cpu();
	uint64_t p0 = c->nr_preemptions;
	busy.count[0] = busy.count[1] = 0;
	busy.deadline = rdtsc() + ms_to_tsc(3000);
	struct thread *a = thread_create_here("busy0", busy_fn, (void *)0, THREAD_JOINABLE);
	struct thread *b = thread_create_here("busy1", busy_fn, (void *)1, THREAD_JOINABLE);
	KT_ASSERT(a && b);
	int ra = thread_join(a), rb = thread_join(b);
	KT_EXPECT_EQ(ra, 1);
	KT_EXPECT_EQ(rb, 1);
	KT_EXPECT(c->nr_preemptions - p0 >= 2);
	ktest_diag("counts %llu %llu, %llu preemptions", (unsigned long long)busy.count[0],
		   (unsigned long long)busy.count[1], (unsigned long long)(c->nr_preemptions - p0));
}

/* One-slot mailbox: the producer hands 1..N over; the consumer checks
 * that each arrives once and in order. */
#define PINGPONG_N 2000
static struct {
	struct wait_queue_head full_wq, empty_wq;
	int full;
	unsigned int value;
} box;

static int producer_fn(void *arg)
{
	(void)arg;
	for (unsigned int i = 1; i <= PINGPONG_N; i++) {
		wait_event(box.empty_wq, !__atomic_load_n(&box.full, __ATOMIC_ACQUIRE));
		box.value = i;
		__atomic_store_n(&box.full, 1, __ATOMIC_RELEASE);
		wake_up(&box.full_wq);
	}
	return 0;
}

KTEST(sched, waitqueue_ping_pong_hands_values_in_order)
{
	if (!require_sched())
		return;
	init_waitqueue_head(&box.full_wq);
	init_waitqueue_head(&box.empty_wq);
	box.full = 0;
	box.value = 0;
	uint64_t s0 = this_cpu()->nr_switches;
	struct thread *p = thread_create_here("producer", producer_fn, NULL, THREAD_JOINABLE);
	KT_ASSERT(p);
	unsigned int received = 0, out_of_order = 0;
	for (unsigned int want = 1; want <= PINGPONG_N; want++) {
		wait_event(box.full_wq, __atomic_load_n(&box.full, __ATOMIC_ACQUIRE));
		if (box.value != want && out_of_order++ < 3)
			ktest_diag("got %u, expected %u", box.value, want);
		received++;
		__atomic_store_n(&box.full, 0, __ATOMIC_RELEASE);
		wake_up(&box.empty_wq);
	}
	KT_EXPECT_EQ(thread_join(p), 0);
	KT_EXPECT_EQ(received, PINGPONG_N);
	KT_EXPECT_EQ(out_of_order, 0);
	/* The slot holds one value, so each handover needs the other side to
	 * run: at least one switch per value. */
	uint64_t switches = this_cpu()->nr_switches - s0;
	KT_EXPECT(switches >= PINGPONG_N);
	ktest_diag("%llu switches for %u handovers", (unsigned long long)switches, PINGPONG_N);
}

KTEST(sched, msleep_sleeps_at_least_the_time)
{
	if (!require_sched())
		return;
	static const unsigned int ms[] = { 1, 4, 10, 25 };
	for (unsigned int i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		uint64_t t0 = rdtsc();
		msleep(ms[i]);
		uint64_t dt = rdtsc() - t0;
		if (dt < ms_to_tsc(ms[i]) || dt >= ms_to_tsc(1000))
			ktest_fail(__FILE__, __LINE__, "msleep(%u) took %llu us", ms[i],
				   (unsigned long long)(dt / (arch_tsc_hz() / 1000000)));
	}
}

static struct {
	mm_spinlock_t lock;
	unsigned int n;
	unsigned int order[4];
} wake_log;

static int sleeper_fn(void *arg)
{
	unsigned int ms = (unsigned int)(uintptr_t)arg;

	msleep(ms);
	unsigned long flags = mm_spin_lock_irqsave(&wake_log.lock);
	if (wake_log.n < 4)
		wake_log.order[wake_log.n] = ms;
	wake_log.n++;
	mm_spin_unlock_irqrestore(&wake_log.lock, flags);
	return 0;
}

KTEST(sched, sleepers_wake_in_deadline_order)
{
	if (!require_sched())
		return;
	static const unsigned int ms[3] = { 120, 40, 80 };
	struct thread *t[3];

	mm_spin_lock_init(&wake_log.lock);
	wake_log.n = 0;
	for (int i = 0; i < 3; i++) {
		t[i] = thread_create_here("sleeper", sleeper_fn, (void *)(uintptr_t)ms[i],
					  THREAD_JOINABLE);
		KT_ASSERT(t[i]);
	}
	for (int i = 0; i < 3; i++)
		thread_join(t[i]);
	KT_ASSERT_EQ(wake_log.n, 3);
	KT_EXPECT_EQ(wake_log.order[0], 40);
	KT_EXPECT_EQ(wake_log.order[1], 80);
	KT_EXPECT_EQ(wake_log.order[2], 120);
}

KTEST(sched, idle_halts_and_tick_continues_while_all_sleep)
{
	if (!require_sched())
		return;
	struct cpu *c = this_cpu();
	uint64_t h0 = c->idle_halts, j0 = jiffies_now();
	uint64_t i0 = irq_count(IRQ_VECTOR_TIMER);
	msleep(60);
	uint64_t halts = c->idle_halts - h0, dj = jiffies_now() - j0;
	/* Only the idle thread could run: it halted, and the ticks that woke
	 * it kept coming (one HLT ends at each tick, so about one per tick). */
	KT_EXPECT(halts >= 1);
	KT_EXPECT((long)dj >= msecs_to_jiffies(60));
	KT_EXPECT(irq_count(IRQ_VECTOR_TIMER) - i0 >= dj);
	KT_EXPECT(c->curr != c->idle);
	ktest_diag("%llu halts over %llu ticks", (unsigned long long)halts, (unsigned long long)dj);
}

/* Free pages including the per-CPU lists, where a freed stack may land. */
static unsigned long free_pages_total(void)
{
	unsigned long flags = mm_irq_save(), sum = 0;
	struct zone *z;

	for_each_zone(z) {
		sum += (unsigned long)zone_page_state(z, NR_FREE_PAGES);
		for (unsigned int cpu = 0; cpu < mm_nr_cpus(); cpu++)
			sum += (unsigned long)__atomic_load_n(&z->pcp[cpu].count, __ATOMIC_RELAXED);
	}
	mm_irq_restore(flags);
	return sum;
}

#define GATE_THREADS 8
static struct {
	struct wait_queue_head wq;
	int open;
	int done;
} gate;

static int gated_fn(void *arg)
{
	wait_event(gate.wq, __atomic_load_n(&gate.open, __ATOMIC_ACQUIRE));
	__atomic_fetch_add(&gate.done, 1, __ATOMIC_RELEASE);
	return (int)(uintptr_t)arg;
}

KTEST(sched, exited_threads_free_their_stacks)
{
	if (!require_sched())
		return;
	struct thread *t[GATE_THREADS];
	struct page *stack[GATE_THREADS];
	unsigned long threads0 = thread_count();

	init_waitqueue_head(&gate.wq);
	gate.open = 0;
	gate.done = 0;
	unsigned long free0 = free_pages_total();
	/* Even ones are detached (freed by the scheduler), odd ones joined. */
	for (int i = 0; i < GATE_THREADS; i++) {
		t[i] = thread_create_here("gated", gated_fn, (void *)(uintptr_t)(100 + i),
					  (i & 1) ? THREAD_JOINABLE : 0);
		KT_ASSERT(t[i]);
		stack[i] = t[i]->stack_page;
		KT_EXPECT(page_ref_count(stack[i]) >= 1);
	}
	KT_EXPECT_EQ(thread_count(), threads0 + GATE_THREADS);
	/* Stacks, and without the slab layer the thread structs too (whole
	 * pages: kernel/thread.c). */
	unsigned long per_thread = 1UL << THREAD_STACK_ORDER;
#if !MM_CONFIG_SLAB
	per_thread += 1UL << get_order(sizeof(struct thread));
#endif
	KT_EXPECT_EQ(free0 - free_pages_total(), GATE_THREADS * per_thread);

	__atomic_store_n(&gate.open, 1, __ATOMIC_RELEASE);
	wake_up_all(&gate.wq);
	for (int i = 1; i < GATE_THREADS; i += 2)
		KT_EXPECT_EQ(thread_join(t[i]), 100 + i);
	KT_EXPECT(WAIT_UNTIL(thread_count() == threads0, 2000));
	KT_EXPECT_EQ(gate.done, GATE_THREADS);
	KT_EXPECT_EQ(free_pages_total(), free0);
	for (int i = 0; i < GATE_THREADS; i++)
		KT_EXPECT_EQ(page_ref_count(stack[i]), 0);
}

/* Each thread adds to a shared counter with a deliberately slow
 * read-modify-write inside the lock, for long enough to be preempted many
 * times; the total must equal the sum of what each one added. The same
 * update without the lock (a control, reported, not asserted) shows that
 * preemption does land inside the window. */
#define LOCK_THREADS 4
static struct {
	mm_spinlock_t lock;
	volatile unsigned long locked_counter;
	volatile unsigned long unlocked_counter;
	uint64_t until;
} lk;

static void slow_window(void)
{
	for (int i = 0; i < 50; i++)
		cpu_relax();
}

static int locker_fn(void *arg)
{
	unsigned long mine = 0;

	(void)arg;
	while (rdtsc() < lk.until || mine < 1000) {
		unsigned long flags = mm_spin_lock_irqsave(&lk.lock);
		unsigned long v = lk.locked_counter;
		slow_window();
		lk.locked_counter = v + 1;
		mm_spin_unlock_irqrestore(&lk.lock, flags);

		unsigned long u = lk.unlocked_counter;
		slow_window();
		lk.unlocked_counter = u + 1;
		mine++;
	}
	return (int)mine;
}

KTEST(sched, spinlock_keeps_counter_exact_under_preemption)
{
	if (!require_sched())
		return;
	struct thread *t[LOCK_THREADS];
	struct cpu *c = this_cpu();
	uint64_t p0 = c->nr_preemptions;
	long total = 0;

	mm_spin_lock_init(&lk.lock);
	lk.locked_counter = lk.unlocked_counter = 0;
	lk.until = rdtsc() + ms_to_tsc(150);
	for (int i = 0; i < LOCK_THREADS; i++) {
		t[i] = thread_create_here("locker", locker_fn, NULL, THREAD_JOINABLE);
		KT_ASSERT(t[i]);
	}
	for (int i = 0; i < LOCK_THREADS; i++)
		total += thread_join(t[i]);
	KT_EXPECT_EQ(lk.locked_counter, (unsigned long)total);
	KT_EXPECT(c->nr_preemptions - p0 >= LOCK_THREADS);
	KT_EXPECT(!mm_spin_is_locked(&lk.lock));
	ktest_diag("%ld increments, %llu preemptions, unlocked control lost %lu", total,
		   (unsigned long long)(c->nr_preemptions - p0),
		   (unsigned long)total - lk.unlocked_counter);
}

static struct {
	struct wait_queue_head wq;
	int flag;
} late;

static int late_setter_fn(void *arg)
{
	(void)arg;
	msleep(20);
	__atomic_store_n(&late.flag, 1, __ATOMIC_RELEASE);
	wake_up(&late.wq);
	return 0;
}

KTEST(sched, wait_event_timeout_expires_or_wakes_early)
{
	if (!require_sched())
		return;
	init_waitqueue_head(&late.wq);
	late.flag = 0;

	uint64_t j0 = jiffies_now();
	long left = wait_event_timeout(late.wq, __atomic_load_n(&late.flag, __ATOMIC_ACQUIRE), 5);
	KT_EXPECT_EQ(left, 0);
	KT_EXPECT(jiffies_now() - j0 >= 5);
	KT_EXPECT(!waitqueue_active(&late.wq));

	struct thread *t = thread_create_here("late", late_setter_fn, NULL, THREAD_JOINABLE);
	KT_ASSERT(t);
	left = wait_event_timeout(late.wq, __atomic_load_n(&late.flag, __ATOMIC_ACQUIRE), HZ * 5);
	KT_EXPECT(left > 0);
	KT_EXPECT(left < HZ * 5);
	KT_EXPECT_EQ(late.flag, 1);
	thread_join(t);
}

static __attribute__((noinline)) void exit_inner(int code)
{
	thread_exit(code + 1);
}

static __attribute__((noinline)) void exit_outer(int code)
{
	exit_inner(code + 4);
}

static int exit_from_nested_call_fn(void *arg)
{
	exit_outer((int)(uintptr_t)arg);
	return -1;
}

static int return_code_fn(void *arg)
{
	return (int)(uintptr_t)arg * 2;
}

KTEST(sched, join_returns_exit_code)
{
	if (!require_sched())
		return;
	struct thread *a = thread_create_here("ret", return_code_fn, (void *)21, THREAD_JOINABLE);
	struct thread *b = thread_create_here("exit", exit_from_nested_call_fn, (void *)2,
					      THREAD_JOINABLE);
	KT_ASSERT(a && b);
	KT_EXPECT_EQ(thread_join(a), 42);
	KT_EXPECT_EQ(thread_join(b), 7);
}

/* Yielding threads take turns in creation order. */
static struct {
	mm_spinlock_t lock;
	char log[32];
	unsigned int n;
} rr;

static int yielder_fn(void *arg)
{
	char tag = (char)(uintptr_t)arg;

	for (int k = 0; k < 4; k++) {
		unsigned long flags = mm_spin_lock_irqsave(&rr.lock);
		if (rr.n < sizeof(rr.log) - 1)
			rr.log[rr.n++] = tag;
		mm_spin_unlock_irqrestore(&rr.lock, flags);
		sched_yield();
	}
	return 0;
}

KTEST(sched, yield_takes_turns_round_robin)
{
	if (!require_sched())
		return;
	struct thread *t[3];

	mm_spin_lock_init(&rr.lock);
	rr.n = 0;
	for (int i = 0; i < 3; i++) {
		t[i] = thread_create_here("yielder", yielder_fn, (void *)(uintptr_t)('a' + i),
					  THREAD_JOINABLE);
		KT_ASSERT(t[i]);
	}
	for (int i = 0; i < 3; i++)
		thread_join(t[i]);
	rr.log[rr.n] = 0;
	ktest_diag("order %s", rr.log);
	KT_ASSERT_EQ(rr.n, 12);
	for (unsigned int i = 0; i < 12; i++)
		KT_EXPECT_EQ(rr.log[i], 'a' + i % 3);
}

/* Push a held block on a list threaded through the blocks themselves (a
 * stack array would not fit: there can be thousands). */
static struct page *hold(struct page *list, struct page *p)
{
	*(struct page **)page_address(p) = list;
	return p;
}

static struct page *release(struct page *list, unsigned int order)
{
	while (list) {
		struct page *next = *(struct page **)page_address(list);
		__free_pages(list, order);
		list = next;
	}
	return NULL;
}

KTEST(sched, thread_create_fails_cleanly_without_memory)
{
	if (!require_sched())
		return;
	/* Take every block a stack could come from: big ones first (fast),
	 * then what is left at the stack's order. */
	struct page *big = NULL, *small = NULL, *p;
	unsigned long n = 0;

	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER - 1)))
		big = hold(big, p), n++;
	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, THREAD_STACK_ORDER)))
		small = hold(small, p), n++;
	unsigned long threads0 = thread_count();
	ktest_diag("holding %lu blocks; the allocation failure below is expected", n);
	struct thread *t = thread_create_here("nomem", return_code_fn, NULL, THREAD_JOINABLE);
	KT_EXPECT(t == NULL);
	KT_EXPECT_EQ(thread_count(), threads0);
	release(big, MAX_ORDER - 1);
	release(small, THREAD_STACK_ORDER);
	/* And with memory back, creation works again. */
	t = thread_create_here("mem", return_code_fn, (void *)5, THREAD_JOINABLE);
	KT_ASSERT(t);
	KT_EXPECT_EQ(thread_join(t), 10);
}
