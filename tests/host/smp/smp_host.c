/*
 * tests/host/smp/smp_host.c - implements mm/host.h's CPU half for many
 * CPUs (see smp_host.h): CPU ids, per-CPU interrupt state with its owner
 * checked, the cross-CPU call, kthreads, wait points and the running
 * thread's flags and name.
 *
 * The cross-CPU call follows arch/x86_64/smp.c: one call slot; the caller
 * runs the function on itself with interrupts off, takes the slot (serving
 * any call aimed at itself meanwhile, or two callers would wait on each
 * other), publishes a mask of target CPUs and waits until every target has
 * run it and cleared its bit. A target runs it at its next interrupt point
 * with interrupts on: mm_irq_restore back to on, mm_cpu_relax (spinning
 * for a lock), mm_cond_resched, smp_host_ipi_poll, and while asleep in
 * mm_wait_timeout (the caller wakes it: an idle CPU takes IPIs too).
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm/host.h"
#include "mm/zone.h"
#include "../host_shim.h"
#include "smp_host.h"

struct smp_cpu {
	bool online;		    /* a thread runs as this CPU */
	uintptr_t irq_owner;	    /* thread with interrupts off here, 0: on */
	struct mm_waitq *asleep_on; /* where this CPU's thread sleeps, or NULL */
	unsigned long ipis_served;
	char name[16];
};

static struct smp_cpu cpus[MM_MAX_CPUS];
static unsigned int nr_prog_cpus = 1, nr_total_cpus = 1, next_kthread_cpu = 1;

/* The call slot: fn and arg are written by the slot's holder before it
 * publishes pending (release) and read by targets after they see their
 * bit (acquire). */
static struct {
	bool busy;
	void (*fn)(void *);
	void *arg;
	uint64_t pending;
	unsigned long calls, kicks;
} call;

static __thread int this_cpu = -1;
static __thread char this_token; /* its address names the thread */
static __thread unsigned int cur_flags;
static __thread char cur_name[16] = "host";

#define TOKEN ((uintptr_t)&this_token)

int smp_host_setup(unsigned int nr_cpus, unsigned int nr_kthread_cpus)
{
	if (!nr_cpus || nr_cpus + nr_kthread_cpus > MM_MAX_CPUS)
		return -1;
	nr_prog_cpus = nr_cpus;
	nr_total_cpus = nr_cpus + nr_kthread_cpus;
	next_kthread_cpu = nr_cpus;
	return 0;
}

static struct smp_cpu *cur_cpu(const char *what)
{
	if (this_cpu < 0)
		mm_panic("smp_host: %s from thread \"%s\", which is no CPU", what, cur_name);
	return &cpus[this_cpu];
}

unsigned int mm_cpu_id(void)
{
	cur_cpu("mm_cpu_id");
	return (unsigned int)this_cpu;
}

unsigned int mm_nr_cpus(void)
{
	return nr_total_cpus;
}

static bool irqs_on(const struct smp_cpu *c)
{
	return __atomic_load_n(&c->irq_owner, __ATOMIC_ACQUIRE) == 0;
}

/* Interrupts off on this CPU: it must be on, or off by this very thread.
 * Another thread holding them off here would be a second thread running
 * as this CPU, and the per-CPU data would be shared without a lock. */
unsigned long mm_irq_save(void)
{
	struct smp_cpu *c = cur_cpu("mm_irq_save");
	uintptr_t owner = 0;

	if (__atomic_compare_exchange_n(&c->irq_owner, &owner, TOKEN, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return 1; /* were on */
	if (owner != TOKEN)
		mm_panic("smp_host: CPU %d: interrupts disabled by thread \"%s\" while another thread has them off",
			 this_cpu, cur_name);
	return 0;
}

static void irq_restore_to(struct smp_cpu *c, unsigned long flags)
{
	if (__atomic_load_n(&c->irq_owner, __ATOMIC_ACQUIRE) != TOKEN)
		mm_panic("smp_host: CPU %d: thread \"%s\" restores interrupts it did not disable",
			 this_cpu, cur_name);
	if (flags)
		__atomic_store_n(&c->irq_owner, 0, __ATOMIC_RELEASE);
}

void mm_irq_restore(unsigned long flags)
{
	irq_restore_to(cur_cpu("mm_irq_restore"), flags);
	if (flags)
		smp_host_ipi_poll();
}

static bool call_aimed_at_me(void)
{
	return this_cpu >= 0 && (__atomic_load_n(&call.pending, __ATOMIC_ACQUIRE) >> this_cpu & 1);
}

void smp_host_ipi_poll(void)
{
	struct smp_cpu *c;

	if (!call_aimed_at_me())
		return;
	c = &cpus[this_cpu];
	if (!irqs_on(c))
		return; /* the IPI waits for interrupts on */
	unsigned long flags = mm_irq_save();
	call.fn(call.arg);
	irq_restore_to(c, flags);
	__atomic_fetch_add(&c->ipis_served, 1, __ATOMIC_RELAXED);
	__atomic_fetch_and(&call.pending, ~(1ull << this_cpu), __ATOMIC_ACQ_REL);
}

void mm_cpu_relax(void)
{
	smp_host_ipi_poll();
	/* More CPUs than cores: let the lock holder run. */
	sched_yield();
}

void mm_cond_resched(void)
{
	smp_host_ipi_poll();
	sched_yield();
}

/* Take the call slot, serving calls aimed at us while another holds it. */
static void call_slot_lock(void)
{
	bool expect = false;

	while (!__atomic_compare_exchange_n(&call.busy, &expect, true, false, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		expect = false;
		smp_host_ipi_poll();
		sched_yield();
	}
}

static void call_slot_unlock(void)
{
	__atomic_store_n(&call.busy, false, __ATOMIC_RELEASE);
}

/* Wake the targets that sleep: they serve the call before sleeping again.
 * Pairs with mm_wait_timeout, which publishes asleep_on before its last
 * look at pending (both sequentially consistent: one of the two sees the
 * other's store). */
static void kick_sleepers(uint64_t targets)
{
	for (unsigned int i = 0; i < nr_total_cpus; i++) {
		struct mm_waitq *wq;

		if (!(targets >> i & 1))
			continue;
		wq = __atomic_load_n(&cpus[i].asleep_on, __ATOMIC_SEQ_CST);
		if (!wq)
			continue;
		pthread_mutex_lock(&wq->lock);
		pthread_cond_broadcast(&wq->cond);
		pthread_mutex_unlock(&wq->lock);
		__atomic_fetch_add(&call.kicks, 1, __ATOMIC_RELAXED);
	}
}

void mm_on_each_cpu(void (*fn)(void *), void *arg)
{
	struct smp_cpu *c = cur_cpu("mm_on_each_cpu");
	unsigned long flags = mm_irq_save();
	uint64_t targets = 0;

	fn(arg);
	mm_irq_restore(flags);
	if (!irqs_on(c))
		mm_panic("smp_host: CPU %d: mm_on_each_cpu with interrupts off", this_cpu);
	call_slot_lock();
	for (unsigned int i = 0; i < nr_total_cpus; i++)
		if ((int)i != this_cpu && __atomic_load_n(&cpus[i].online, __ATOMIC_SEQ_CST))
			targets |= 1ull << i;
	if (targets) {
		call.fn = fn;
		call.arg = arg;
		__atomic_fetch_add(&call.calls, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&call.pending, targets, __ATOMIC_SEQ_CST);
		kick_sleepers(targets);
		for (unsigned long spin = 1; __atomic_load_n(&call.pending, __ATOMIC_ACQUIRE);
		     spin++) {
			/* A kick can land between a sleeper's look at
			 * asleep_on and its wait: kick the rest again now
			 * and then. */
			if (spin % 64 == 0)
				kick_sleepers(__atomic_load_n(&call.pending, __ATOMIC_ACQUIRE));
			sched_yield();
		}
	}
	call_slot_unlock();
}

void smp_host_enter_cpu(unsigned int cpu, const char *name)
{
	bool expect = false;

	if (cpu >= nr_total_cpus || this_cpu >= 0)
		mm_panic("smp_host: thread \"%s\" cannot become CPU %u (of %u; it is CPU %d)", name,
			 cpu, nr_total_cpus, this_cpu);
	snprintf(cur_name, sizeof(cur_name), "%s", name);
	snprintf(cpus[cpu].name, sizeof(cpus[cpu].name), "%s", name);
	this_cpu = (int)cpu;
	if (!__atomic_compare_exchange_n(&cpus[cpu].online, &expect, true, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST))
		mm_panic("smp_host: CPU %u is online already", cpu);
}

void smp_host_leave_cpu(void)
{
	struct smp_cpu *c = cur_cpu("smp_host_leave_cpu");

	if (!irqs_on(c))
		mm_panic("smp_host: CPU %d goes offline with interrupts off", this_cpu);
	/* Under the slot: a caller that saw us online has finished with us. */
	call_slot_lock();
	__atomic_store_n(&c->online, false, __ATOMIC_SEQ_CST);
	call_slot_unlock();
	this_cpu = -1;
}

struct cpu_start {
	unsigned int cpu;
	void (*fn)(unsigned int cpu, void *arg);
	void *arg;
};

static void *cpu_thread(void *p)
{
	struct cpu_start *st = p;
	char name[16];

	snprintf(name, sizeof(name), "cpu%u", st->cpu);
	smp_host_enter_cpu(st->cpu, name);
	st->fn(st->cpu, st->arg);
	smp_host_leave_cpu();
	return NULL;
}

int smp_host_run_cpus(unsigned int n, void (*fn)(unsigned int cpu, void *arg), void *arg)
{
	pthread_t t[MM_MAX_CPUS];
	struct cpu_start st[MM_MAX_CPUS];
	unsigned int started = 0;
	int err = 0;

	if (n > nr_prog_cpus)
		return -1;
	for (; started < n; started++) {
		st[started] = (struct cpu_start){ started, fn, arg };
		if (pthread_create(&t[started], NULL, cpu_thread, &st[started])) {
			err = -1;
			break;
		}
	}
	for (unsigned int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	return err;
}

/* ---- kthreads: a CPU each ---- */

struct kthread_start {
	int (*fn)(void *);
	void *arg;
	unsigned int cpu;
	char name[16];
};

static unsigned int nr_kthreads;

static void *kthread_main(void *p)
{
	struct kthread_start st = *(struct kthread_start *)p;

	free(p);
	smp_host_enter_cpu(st.cpu, st.name);
	st.fn(st.arg);
	smp_host_leave_cpu();
	return NULL;
}

int mm_kthread_run(int (*fn)(void *), void *arg, const char *name)
{
	unsigned int cpu = __atomic_fetch_add(&next_kthread_cpu, 1, __ATOMIC_RELAXED);
	struct kthread_start *st;
	pthread_t t;

	if (cpu >= nr_total_cpus) {
		fprintf(stderr, "smp_host: no CPU left for kthread %s (%u reserved)\n", name,
			nr_total_cpus - nr_prog_cpus);
		return -1;
	}
	st = malloc(sizeof(*st));
	if (!st)
		return -1;
	*st = (struct kthread_start){ fn, arg, cpu, "" };
	snprintf(st->name, sizeof(st->name), "%s", name);
	if (pthread_create(&t, NULL, kthread_main, st)) {
		free(st);
		return -1;
	}
	pthread_detach(t);
	__atomic_fetch_add(&nr_kthreads, 1, __ATOMIC_RELAXED);
	return 0;
}

/* ---- wait points ---- */

/* @cond is tested under wq->lock and mm_wake_up takes it, so a wake-up
 * after the condition became true is never lost. Cross-CPU calls are
 * served with wq->lock dropped: the call may take zone->lock, under which
 * another CPU may be waking this very queue. */
bool mm_wait_timeout(struct mm_waitq *wq, bool (*cond)(void *), void *arg, unsigned int ms)
{
	struct smp_cpu *c = this_cpu >= 0 ? &cpus[this_cpu] : NULL;
	struct timespec until = host_deadline(ms);
	bool ok;

	pthread_mutex_lock(&wq->lock);
	while (!(ok = cond(arg))) {
		int timed_out = 0;

		if (c) {
			__atomic_store_n(&c->asleep_on, wq, __ATOMIC_SEQ_CST);
			if (__atomic_load_n(&call.pending, __ATOMIC_SEQ_CST) >> this_cpu & 1) {
				__atomic_store_n(&c->asleep_on, NULL, __ATOMIC_SEQ_CST);
				pthread_mutex_unlock(&wq->lock);
				smp_host_ipi_poll();
				pthread_mutex_lock(&wq->lock);
				continue;
			}
		}
		if (!ms)
			pthread_cond_wait(&wq->cond, &wq->lock);
		else
			timed_out = pthread_cond_timedwait(&wq->cond, &wq->lock, &until);
		if (c)
			__atomic_store_n(&c->asleep_on, NULL, __ATOMIC_SEQ_CST);
		if (timed_out) {
			ok = cond(arg);
			break;
		}
	}
	pthread_mutex_unlock(&wq->lock);
	smp_host_ipi_poll();
	return ok;
}

unsigned int *mm_current_flags(void)
{
	return &cur_flags;
}

const char *mm_current_name(void)
{
	return cur_name;
}

/* ---- barrier ---- */

int smp_barrier_init(struct smp_barrier *b, unsigned int n)
{
	b->n = n;
	b->arrived = 0;
	b->generation = 0;
	b->wq = mm_waitq_create();
	return b->wq ? 0 : -1;
}

struct barrier_wait {
	struct smp_barrier *b;
	unsigned int generation;
};

static bool barrier_moved(void *p)
{
	struct barrier_wait *w = p;

	return __atomic_load_n(&w->b->generation, __ATOMIC_ACQUIRE) != w->generation;
}

bool smp_barrier_wait(struct smp_barrier *b)
{
	struct barrier_wait w = { b, __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) };

	if (__atomic_add_fetch(&b->arrived, 1, __ATOMIC_ACQ_REL) == b->n) {
		__atomic_store_n(&b->arrived, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&b->generation, w.generation + 1, __ATOMIC_RELEASE);
		mm_wake_up(b->wq);
		return true;
	}
	mm_wait_timeout(b->wq, barrier_moved, &w, 0);
	return false;
}

void smp_host_get_stats(struct smp_host_stats *st)
{
	st->calls = __atomic_load_n(&call.calls, __ATOMIC_RELAXED);
	st->sleeper_kicks = __atomic_load_n(&call.kicks, __ATOMIC_RELAXED);
	st->ipis_served = 0;
	for (unsigned int i = 0; i < nr_total_cpus; i++)
		st->ipis_served += __atomic_load_n(&cpus[i].ipis_served, __ATOMIC_RELAXED);
	st->kthreads = __atomic_load_n(&nr_kthreads, __ATOMIC_RELAXED);
}
