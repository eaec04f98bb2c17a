/*
 * mm/lockdep.c - the per-CPU record of held ranked locks behind the lock
 * order check in mm/spinlock.h (kernel builds only), and its report.
 */
#include "spinlock.h"

#ifdef MM_LOCKDEP
struct mm_held_locks mm_held_locks[MM_LOCKDEP_CPUS];

void mm_lockdep_violation(const mm_spinlock_t *l, unsigned int held_rank)
{
	mm_panic("lock order: CPU %u takes the lock at %p (rank %u) while holding one of rank %u "
		 "(see the order in mm/spinlock.h)",
		 mm_cpu_id(), (const void *)l, l->rank, held_rank);
}
#endif
