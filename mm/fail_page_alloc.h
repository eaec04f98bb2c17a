/*
 * mm/fail_page_alloc.h - fault injection into alloc_pages(), after Linux's
 * fail_page_alloc: make chosen allocations fail so that every caller's
 * failure path runs in tests and soaks.
 *
 * A request is failed when injection is on, its order is at least
 * min_order, it is not __GFP_NOFAIL (never failed, as in Linux), it is not
 * exempted by ignore_gfp_reclaim, and then, in this order: the times
 * budget is not spent, it is the interval-th eligible request, and the
 * PRNG draws under the probability. Every injected failure is counted in
 * the vmstat event "fail_page_alloc".
 */
#ifndef MM_FAIL_PAGE_ALLOC_H
#define MM_FAIL_PAGE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "gfp.h"

struct fail_page_alloc_attr {
	unsigned int probability; /* percent 0..100 of eligible requests to fail */
	unsigned int interval;	  /* fail only every interval-th eligible request (0/1: each) */
	long times;		  /* failures left; -1 = no limit */
	unsigned int min_order;	  /* requests below this order are never failed */
	bool ignore_gfp_reclaim; /* spare requests that may direct-reclaim (Linux's ignore-gfp-wait) */
	uint64_t seed;		 /* PRNG seed: the same seed replays the same failures */
};

#if MM_CONFIG_FAIL_PAGE_ALLOC
/* Read on every allocation: one predicted branch when off. */
extern bool mm_fail_page_alloc_on;

/* Is injection on? @order: as for __atomic_load_n. */
static inline bool fail_page_alloc_active(int order)
{
	return __atomic_load_n(&mm_fail_page_alloc_on, order);
}

/* Install @attr and turn injection on (probability 0 turns it off).
 * Resets the eligible-request count. Context: any; not meant to race with
 * allocations in flight (those may see the old or the new setting). */
void mm_fail_page_alloc_setup(const struct fail_page_alloc_attr *attr);
void mm_fail_page_alloc_disable(void);
/* The current setting (times counts down as failures are injected). */
void mm_fail_page_alloc_get(struct fail_page_alloc_attr *attr);

/*
 * Parse "<probability>,<interval>,<times>,<min_order>" (the kernel's
 * fail_page_alloc= and mmsim's --fail-page-alloc); trailing fields may be
 * left out (defaults: interval 1, times -1, min_order 0). @len bytes of
 * @s are read (it need not be terminated). Returns 0, or -1 with *@why
 * set to a static explanation. @attr->seed is kept as the caller set it.
 */
int mm_fail_page_alloc_parse(const char *s, size_t len, struct fail_page_alloc_attr *attr,
			  const char **why);

/* Failures injected since boot (vmstat "fail_page_alloc"). */
unsigned long mm_fail_page_alloc_injected(void);

bool mm__should_fail_alloc_page(gfp_t gfp, unsigned int order);

/* Should this request fail on purpose? Called once at the top of
 * alloc_pages(). */
static inline bool should_fail_alloc_page(gfp_t gfp, unsigned int order)
{
	if (__builtin_expect(!__atomic_load_n(&mm_fail_page_alloc_on, __ATOMIC_RELAXED), 1))
		return false;
	return mm__should_fail_alloc_page(gfp, order);
}

#else /* !MM_CONFIG_FAIL_PAGE_ALLOC: nothing is ever failed on purpose */

static inline bool fail_page_alloc_active(int order)
{
	(void)order;
	return false;
}
static inline bool should_fail_alloc_page(gfp_t gfp, unsigned int order)
{
	(void)gfp, (void)order;
	return false;
}
static inline int mm_fail_page_alloc_parse(const char *s, size_t len,
					struct fail_page_alloc_attr *attr, const char **why)
{
	(void)s, (void)len, (void)attr;
	*why = "fault injection is compiled out (MM_CONFIG_FAIL_PAGE_ALLOC=0)";
	return -1;
}
static inline void mm_fail_page_alloc_setup(const struct fail_page_alloc_attr *attr)
{
	(void)attr;
}
static inline void mm_fail_page_alloc_disable(void)
{
}
static inline void mm_fail_page_alloc_get(struct fail_page_alloc_attr *attr)
{
	*attr = (struct fail_page_alloc_attr){ .times = -1 };
}
static inline unsigned long mm_fail_page_alloc_injected(void)
{
	return 0;
}
#endif /* MM_CONFIG_FAIL_PAGE_ALLOC */

#endif /* MM_FAIL_PAGE_ALLOC_H */
