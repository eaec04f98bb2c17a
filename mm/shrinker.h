/*
 * mm/shrinker.h - caches other than the page cache giving memory back
 * under pressure: each registers count/scan callbacks, and reclaim asks
 * them to scan a share of their objects proportional to the share of the
 * LRU it just scanned (Linux 4.12's rule).
 */
#ifndef MM_SHRINKER_H
#define MM_SHRINKER_H

#include <stdbool.h>

#include "config.h"
#include "gfp.h"
#include "list.h"

#define SHRINK_STOP (~0UL)	/* scan_objects: cannot make progress now */
#define SHRINK_EMPTY (~0UL - 1) /* count_objects: nothing cached */
#define DEFAULT_SEEKS 2		/* cost of recreating an object vs a page (4 / seeks) */
#define SHRINK_BATCH 128

struct shrink_control {
	gfp_t gfp_mask;
	unsigned long nr_to_scan; /* objects to look at in this call */
	unsigned long nr_scanned; /* scan_objects may lower it to what it looked at */
};

struct shrinker {
	/* Objects that could be freed (0 or SHRINK_EMPTY: none). Must not
	 * sleep or allocate; runs with the shrinker lock held. */
	unsigned long (*count_objects)(struct shrinker *, struct shrink_control *);
	/* Free up to sc->nr_to_scan objects; return how many were freed, or
	 * SHRINK_STOP. Pages it frees it also reports with
	 * mm_shrinker_note_freed_pages(), so reclaim counts them. Same rules. */
	unsigned long (*scan_objects)(struct shrinker *, struct shrink_control *);
	const char *name;
	int seeks;  /* 0: DEFAULT_SEEKS */
	long batch; /* 0: SHRINK_BATCH */
	/* Owned by shrinker.c, guarded by the shrinker lock. */
	struct list_head list;
	unsigned long nr_deferred; /* work carried to the next call */
	unsigned long nr_calls;	   /* scan_objects calls, for tests */
	bool registered;
};

#if MM_CONFIG_RECLAIM
/* Add/remove @s. register fails (-MM_EINVAL) without callbacks or when
 * already registered; unregister of an unregistered shrinker is a no-op
 * with a warning. Must not be called from inside a shrinker callback. */
int register_shrinker(struct shrinker *s);
void unregister_shrinker(struct shrinker *s);

/* Forget every shrinker (boot, and host tests between fake boots). */
void mm_shrinker_init(void);

/*
 * Ask every shrinker to scan (4 * @nr_scanned / seeks) * freeable /
 * (@nr_eligible + 1) objects, where @nr_scanned LRU pages were just scanned
 * out of @nr_eligible. With an empty LRU (@nr_eligible 0) the share is
 * freeable >> @priority instead, so caches are still shrunk when nothing
 * else is reclaimable. Returns objects freed; *freed_pages (if non-NULL)
 * receives the pages the shrinkers reported. Skips everything when another
 * caller is already shrinking (Linux's trylock). Context: may be reclaim.
 */
unsigned long mm_shrink_slab(gfp_t gfp, unsigned long nr_scanned, unsigned long nr_eligible,
			  int priority, unsigned long *freed_pages);

/* For scan_objects: @nr pages went back to the allocator. */
void mm_shrinker_note_freed_pages(unsigned long nr);

#else /* !MM_CONFIG_RECLAIM: shrinkers are accepted and never called */

static inline int register_shrinker(struct shrinker *s)
{
	s->registered = true;
	return 0;
}
static inline void unregister_shrinker(struct shrinker *s)
{
	s->registered = false;
}
static inline void mm_shrinker_init(void)
{
}
static inline void mm_shrinker_note_freed_pages(unsigned long nr)
{
	(void)nr;
}
#endif /* MM_CONFIG_RECLAIM */

#endif /* MM_SHRINKER_H */
