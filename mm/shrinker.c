/*
 * mm/shrinker.c - the shrinker registry and mm_shrink_slab(), which turns LRU
 * scanning pressure into object scanning requests for each cache.
 */
#include "shrinker.h"

#include "blockdev.h"
#include "spinlock.h"
#include "vmscan.h"

static struct list_head shrinker_list = LIST_HEAD_INIT(shrinker_list);
static mm_spinlock_t shrinker_lock = MM_SPINLOCK_INIT;
static unsigned long freed_pages_pending; /* guarded by shrinker_lock */

/* Linux takes shrinker_rwsem with a trylock in reclaim: a reclaimer that
 * finds it busy skips the caches rather than wait (or deadlock when a
 * shrinker's own allocation recursed into reclaim). */
static bool shrinker_trylock(unsigned long *flags)
{
	uint16_t owner;

	*flags = mm_irq_save();
	/* Acquire, as in mm_spin_trylock: the last holder's unlock is a
	 * release store to owner, and only this load orders its critical
	 * section before ours (the CAS on next synchronises with lockers,
	 * not with the unlocker). */
	owner = __atomic_load_n(&shrinker_lock.owner, __ATOMIC_ACQUIRE);
	uint16_t expect = owner;
	if (__atomic_compare_exchange_n(&shrinker_lock.next, &expect, (uint16_t)(owner + 1), false,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return true;
	mm_irq_restore(*flags);
	return false;
}

void mm_shrinker_init(void)
{
	INIT_LIST_HEAD(&shrinker_list);
	mm_spin_lock_init(&shrinker_lock);
	freed_pages_pending = 0;
}

int register_shrinker(struct shrinker *s)
{
	unsigned long flags;

	if (!s || !s->count_objects || !s->scan_objects || s->registered) {
		mm_printk("shrinker: cannot register %s: %s\n", s && s->name ? s->name : "(null)",
			  !s		  ? "NULL"
			  : s->registered ? "already registered"
					  : "missing callbacks");
		return -MM_EINVAL;
	}
	if (!s->seeks)
		s->seeks = DEFAULT_SEEKS;
	if (!s->batch)
		s->batch = SHRINK_BATCH;
	s->nr_deferred = 0;
	s->nr_calls = 0;
	flags = mm_spin_lock_irqsave(&shrinker_lock);
	list_add_tail(&s->list, &shrinker_list);
	s->registered = true;
	mm_spin_unlock_irqrestore(&shrinker_lock, flags);
	return 0;
}

void unregister_shrinker(struct shrinker *s)
{
	unsigned long flags;

	if (!s || !s->registered) {
		mm_printk("shrinker: unregister of a shrinker that is not registered\n");
		return;
	}
	flags = mm_spin_lock_irqsave(&shrinker_lock);
	list_del(&s->list);
	s->registered = false;
	mm_spin_unlock_irqrestore(&shrinker_lock, flags);
}

void mm_shrinker_note_freed_pages(unsigned long nr)
{
	/* called from scan_objects, with shrinker_lock held by mm_shrink_slab */
	freed_pages_pending += nr;
}

static unsigned long do_shrink_slab(struct shrinker *s, gfp_t gfp, unsigned long nr_scanned,
				    unsigned long nr_eligible, int priority)
{
	struct shrink_control sc = { .gfp_mask = gfp };
	unsigned long freeable = s->count_objects(s, &sc), freed = 0, total, delta;
	unsigned long batch = (unsigned long)s->batch;

	if (freeable == 0 || freeable == SHRINK_EMPTY)
		return 0;
	if (nr_eligible)
		delta = (4 * nr_scanned / (unsigned long)s->seeks) * freeable / (nr_eligible + 1);
	else
		delta = (freeable >> priority) * 4 / (unsigned long)s->seeks;
	total = s->nr_deferred + delta;
	/* Never ask for more than twice what exists, and carry the rest:
	 * deferred work from many small calls must not empty a cache at once. */
	if (total > 2 * freeable)
		total = 2 * freeable;
	s->nr_deferred = 0;
	/* Small requests wait until a batch is worth it, unless the whole
	 * cache is smaller than a batch. */
	while (total >= batch || (total && total >= freeable)) {
		unsigned long n = total < batch ? total : batch, got;

		sc.nr_to_scan = n;
		sc.nr_scanned = n;
		s->nr_calls++;
		got = s->scan_objects(s, &sc);
		if (got == SHRINK_STOP)
			break;
		freed += got;
		count_reclaim_event(SLABS_SCANNED, sc.nr_scanned);
		total -= sc.nr_scanned < total ? sc.nr_scanned : total;
		if (!got && !sc.nr_scanned)
			break;
	}
	s->nr_deferred = total < freeable ? total : freeable;
	return freed;
}

unsigned long mm_shrink_slab(gfp_t gfp, unsigned long nr_scanned, unsigned long nr_eligible,
			  int priority, unsigned long *freed_pages)
{
	unsigned long flags, freed = 0;
	struct list_head *pos;

	if (freed_pages)
		*freed_pages = 0;
	if (!shrinker_trylock(&flags))
		return 0;
	freed_pages_pending = 0;
	list_for_each(pos, &shrinker_list)
		freed += do_shrink_slab(list_entry(pos, struct shrinker, list), gfp, nr_scanned,
					nr_eligible, priority);
	if (freed_pages)
		*freed_pages = freed_pages_pending;
	freed_pages_pending = 0;
	mm_spin_unlock_irqrestore(&shrinker_lock, flags);
	return freed;
}
