/*
 * mm/spinlock.h - the lock mm/ uses for zones: a ticket spinlock on GCC's
 * __atomic builtins, with interrupts saved and disabled while held.
 *
 * Tickets make waiters FIFO, so on SMP no CPU starves on a busy zone. With
 * one CPU the lock is never contended and costs two atomic operations.
 */
#ifndef MM_SPINLOCK_H
#define MM_SPINLOCK_H

#include "host.h"

typedef struct {
	uint16_t next; /* ticket handed to the next locker */
	uint16_t owner; /* ticket now holding the lock */
} mm_spinlock_t;

#define MM_SPINLOCK_INIT { 0, 0 }

static inline void mm_spin_lock_init(mm_spinlock_t *l)
{
	l->next = 0;
	l->owner = 0;
}

static inline void mm_spin_lock(mm_spinlock_t *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		mm_cpu_relax();
}

static inline void mm_spin_unlock(mm_spinlock_t *l)
{
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
