/*
 * mm/spinlock.h - the lock mm/ and the kernel use: a ticket spinlock on
 * GCC's __atomic builtins, with interrupts saved and disabled while held.
 *
 * Tickets make waiters FIFO, so on SMP no CPU starves on a busy zone. With
 * one CPU the lock is never contended and costs two atomic operations.
 * (Under TCG with more vCPUs than host cores a ticket lock convoys: the
 * next ticket's vCPU may not be running. BENCHMARKS.md shows the cost.)
 *
 * Lock order, outermost first. A CPU may take a lock only while every
 * ranked lock it already holds has a lower or equal rank:
 *
 *   1  smp call slot   (arch/x86_64/smp.c; the callee side runs in an IPI
 *                       and so holds nothing: IPIs need interrupts on)
 *  10  LRU lock        (mm/lru.c; pages freed under it reach zone->lock)
 *  20  zone->lock      (free lists; mm_wakeup_kswapd may run under it)
 *  30  kswapd request lock (mm/kswapd.c), then it wakes a wait queue
 *  40  wait queue lock (kernel/wait.c; wake-ups take the run queue lock)
 *  50  run queue lock  (kernel/sched.c; held across a context switch)
 *  60  timer lock      (kernel/timer.c; callbacks run without it)
 *
 * Rank 0 is unranked and not checked. In the kernel (freestanding builds)
 * every ranked lock is pushed on a per-CPU stack when taken, and taking one
 * ranked below something held panics with both ranks: a lock-order
 * inversion is reported the first time the path runs, not when two CPUs
 * finally deadlock on it. Host builds (threads share "CPU 0") skip it.
 */
#ifndef MM_SPINLOCK_H
#define MM_SPINLOCK_H

#include "host.h"

typedef struct {
	uint16_t next;	/* ticket handed to the next locker */
	uint16_t owner; /* ticket now holding the lock */
	uint8_t rank;	/* place in the lock order above; 0: unchecked */
} mm_spinlock_t;

#define MM_LOCK_RANK_CALL 1
#define MM_LOCK_RANK_LRU 10
#define MM_LOCK_RANK_ZONE 20
#define MM_LOCK_RANK_KSWAPD 30
#define MM_LOCK_RANK_WAITQ 40
#define MM_LOCK_RANK_RQ 50
#define MM_LOCK_RANK_TIMER 60

#define MM_SPINLOCK_INIT \
	{ \
		0, 0, 0 \
	}
#define MM_SPINLOCK_INIT_RANKED(r) \
	{ \
		0, 0, (r) \
	}

#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0 && !defined(MM_NO_LOCKDEP)
#define MM_LOCKDEP 1
#define MM_LOCKDEP_CPUS MM_MAX_CPUS /* one record per CPU: mm/config.h */
#define MM_LOCKDEP_DEPTH 8
/* Ranks of the ranked locks each CPU holds, in the order taken (lockdep.c). */
struct mm_held_locks {
	unsigned int depth;
	uint8_t rank[MM_LOCKDEP_DEPTH];
};
extern struct mm_held_locks mm_held_locks[MM_LOCKDEP_CPUS];
void mm_lockdep_violation(const mm_spinlock_t *l, unsigned int held_rank) __attribute__((noreturn));

static inline void mm_lockdep_acquire(const mm_spinlock_t *l)
{
	if (!l->rank)
		return;
	struct mm_held_locks *h = &mm_held_locks[mm_cpu_id() % MM_LOCKDEP_CPUS];
	for (unsigned int i = 0; i < h->depth && i < MM_LOCKDEP_DEPTH; i++)
		if (h->rank[i] > l->rank)
			mm_lockdep_violation(l, h->rank[i]);
	if (h->depth < MM_LOCKDEP_DEPTH)
		h->rank[h->depth] = l->rank;
	h->depth++;
}

static inline void mm_lockdep_release(const mm_spinlock_t *l)
{
	if (!l->rank)
		return;
	struct mm_held_locks *h = &mm_held_locks[mm_cpu_id() % MM_LOCKDEP_CPUS];
	unsigned int n = h->depth < MM_LOCKDEP_DEPTH ? h->depth : MM_LOCKDEP_DEPTH;

	/* Usually the last one taken; unlocks out of order are allowed. */
	for (unsigned int i = n; i-- > 0;) {
		if (h->rank[i] == l->rank) {
			for (unsigned int j = i; j + 1 < n; j++)
				h->rank[j] = h->rank[j + 1];
			break;
		}
	}
	if (h->depth)
		h->depth--;
}
#else
static inline void mm_lockdep_acquire(const mm_spinlock_t *l)
{
	(void)l;
}
static inline void mm_lockdep_release(const mm_spinlock_t *l)
{
	(void)l;
}
#endif

static inline void mm_spin_lock_init(mm_spinlock_t *l)
{
	l->next = 0;
	l->owner = 0;
	l->rank = 0;
}

static inline void mm_spin_lock_init_ranked(mm_spinlock_t *l, unsigned int rank)
{
	mm_spin_lock_init(l);
	l->rank = (uint8_t)rank;
}

static inline void mm_spin_lock(mm_spinlock_t *l)
{
	mm_lockdep_acquire(l);
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		mm_cpu_relax();
}

/* Take the lock only if it is free. Our ticket is `next`: claiming it by
 * compare-and-swap from the owner value read just before means no ticket
 * was outstanding then, and owner cannot have moved past next since. */
static inline bool mm_spin_trylock(mm_spinlock_t *l)
{
	uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);
	uint16_t expect = owner;

	if (!__atomic_compare_exchange_n(&l->next, &expect, (uint16_t)(owner + 1), false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	mm_lockdep_acquire(l);
	return true;
}

static inline void mm_spin_unlock(mm_spinlock_t *l)
{
	mm_lockdep_release(l);
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool mm_spin_is_locked(mm_spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

/* Lock with interrupts off; returns the interrupt state to restore. */
static inline unsigned long mm_spin_lock_irqsave(mm_spinlock_t *l)
{
	unsigned long flags = mm_irq_save();

	mm_spin_lock(l);
	return flags;
}

static inline void mm_spin_unlock_irqrestore(mm_spinlock_t *l, unsigned long flags)
{
	mm_spin_unlock(l);
	mm_irq_restore(flags);
}

#endif /* MM_SPINLOCK_H */
