/*
 * mm/oom.h - the out-of-memory killer. Memory consumers register as tasks
 * with a count of the pages they own and a kill callback that frees all of
 * them; when the allocator has nothing else left, the largest task is
 * killed and the request retried.
 */
#ifndef MM_OOM_H
#define MM_OOM_H

#include <stdbool.h>

#include "config.h"
#include "gfp.h"
#include "list.h"

struct oom_task {
	const char *name;
	/* Free everything the task owns (and set nr_pages to 0); returns
	 * pages freed. Called with no mm lock held, from the allocating
	 * thread; must not allocate. */
	unsigned long (*kill)(struct oom_task *t);
	void *data;		/* for the owner */
	unsigned long nr_pages; /* owned pages: mm_oom_task_account() */
	/* Owned by oom.c. */
	int pid;
	bool killed;
	struct list_head node;
};

struct zone;
struct oom_block_census {
	unsigned long blocks, free, makeable, pinned_in_movable;
};

#if MM_CONFIG_RECLAIM
/* Add @t (name and kill set). Returns 0, or -1 if it lacks a callback or is
 * registered already. Context: thread. */
int mm_oom_register_task(struct oom_task *t);
void mm_oom_unregister_task(struct oom_task *t);

/* The owner took (@delta > 0) or gave back pages. Context: any. */
void mm_oom_task_account(struct oom_task *t, long delta);

/*
 * The allocator found nothing for an order-@order @gfp request: kill the
 * registered task owning the most pages (killed tasks are not chosen
 * again), logging "Out of memory: Killed task N (name) total-vm:...kB, ...".
 * Returns true when a task was killed (its pages are free now).
 * Context: thread; the slowpath calls it with PF_MEMALLOC clear.
 */
bool mm_out_of_memory(gfp_t gfp, unsigned int order);

/*
 * For the kill report and tests: aligned order-@order blocks of @zone, how
 * many are free already, and how many hold only free pages and page-cache
 * pages on the LRU lists (movable or reclaimable: compaction ignoring
 * pageblock types, or reclaim, could make each of them), and how many of
 * the others lie in MOVABLE pageblocks (unmovable pages that fell back
 * there). Takes zone->lock; O(zone span).
 */
void mm_oom_block_census(struct zone *zone, unsigned int order, struct oom_block_census *bc);

/* Kills so far (Linux's oom_kill vmstat counter). */
unsigned long mm_oom_kill_count(void);
/* Forget every task and the counter (host tests after a fake boot). */
void mm_oom_reset(void);

#else /* !MM_CONFIG_RECLAIM: no OOM killer; tasks are never killed */

static inline int mm_oom_register_task(struct oom_task *t)
{
	return t->kill ? 0 : -1;
}
static inline void mm_oom_unregister_task(struct oom_task *t)
{
	(void)t;
}
static inline void mm_oom_task_account(struct oom_task *t, long delta)
{
	t->nr_pages = (unsigned long)((long)t->nr_pages + delta);
}
static inline bool mm_out_of_memory(gfp_t gfp, unsigned int order)
{
	(void)gfp, (void)order;
	return false;
}
static inline unsigned long mm_oom_kill_count(void)
{
	return 0;
}
static inline void mm_oom_reset(void)
{
}
#endif /* MM_CONFIG_RECLAIM */

#endif /* MM_OOM_H */
