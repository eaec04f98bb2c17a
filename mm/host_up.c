/*
 * mm/host_up.c - default mm/host.h functions for a uniprocessor host
 * without threads, so that such a kernel writes only the seven that have
 * none (printing, panic, the direct map both ways, interrupt save and
 * restore, time; mm/host.h says which). Optional: a host compiles it in or
 * not. Every definition is weak, so a host that has, say, threads defines
 * its own mm_kthread_run and the wait queue functions and keeps the rest.
 *
 * What the defaults mean: one CPU (id 0); no threads, so kswapd and
 * kcompactd never start and their wake-ups are only recorded; one flag
 * word for "the running thread"; no virtual area for mapped pages
 * (compaction then moves page-cache pages only).
 */
#include "host.h"

#define MM_WEAK __attribute__((weak))

MM_WEAK int mm_printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = mm_vprintk(fmt, ap);
	va_end(ap);
	return n;
}

/* ---- one CPU ---- */

#ifndef MM_HOST_INLINE_H
MM_WEAK unsigned int mm_cpu_id(void)
{
	return 0;
}
#endif

MM_WEAK unsigned int mm_nr_cpus(void)
{
	return 1;
}

MM_WEAK void mm_on_each_cpu(void (*fn)(void *), void *arg)
{
	fn(arg);
}

MM_WEAK void mm_cpu_relax(void)
{
}

/* ---- no threads ---- */

MM_WEAK int mm_kthread_run(int (*fn)(void *), void *arg, const char *name)
{
	(void)fn, (void)arg, (void)name;
	return -1;
}

/* Nobody ever sleeps on it: one will do for every caller. */
struct mm_waitq {
	int unused;
};
static struct mm_waitq up_waitq;

MM_WEAK struct mm_waitq *mm_waitq_create(void)
{
	return &up_waitq;
}

/* Nothing else runs, so waiting cannot change @cond: say what it is. */
MM_WEAK bool mm_wait_timeout(struct mm_waitq *wq, bool (*cond)(void *), void *arg,
			     unsigned int ms)
{
	(void)wq, (void)ms;
	return cond(arg);
}

MM_WEAK void mm_wake_up(struct mm_waitq *wq)
{
	(void)wq;
}

static unsigned int up_current_flags;

MM_WEAK unsigned int *mm_current_flags(void)
{
	return &up_current_flags;
}

MM_WEAK const char *mm_current_name(void)
{
	return "kernel";
}

MM_WEAK void mm_cond_resched(void)
{
}

/* ---- no virtual area for migration ---- */

MM_WEAK unsigned long mm_vmap_nr_slots(void)
{
	return 0;
}

MM_WEAK int mm_vmap_map(unsigned long slot, unsigned long pfn)
{
	(void)slot, (void)pfn;
	return -1;
}

MM_WEAK void mm_vmap_unmap(unsigned long slot)
{
	(void)slot;
}

MM_WEAK void *mm_vmap_addr(unsigned long slot)
{
	(void)slot;
	return NULL;
}

MM_WEAK unsigned long mm_vmap_pfn(unsigned long slot)
{
	(void)slot;
	return (unsigned long)-1;
}
