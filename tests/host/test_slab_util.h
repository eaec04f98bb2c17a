/*
 * tests/host/test_slab_util.h - set-up shared by the slab host tests: a
 * fake machine with reclaim and the kmalloc caches ready, a seeded random
 * generator, and object patterns keyed by an id.
 */
#ifndef TESTS_HOST_TEST_SLAB_UTIL_H
#define TESTS_HOST_TEST_SLAB_UTIL_H

#include <string.h>

#include "host_shim.h"
#include "test_reclaim_util.h"
#include "mm/debug.h"
#include "mm/pcp.h"
#include "mm/slab.h"
#include "mm/slab_internal.h"

/* RAM [16 MiB, 16 + @mib MiB), one zone; reclaim reset; kmalloc ready. */
static inline int slab_boot(unsigned long mib)
{
	if (reclaim_boot(mib))
		return -1;
	return kmem_cache_init();
}

static uint64_t slab_rng_state;
static inline uint64_t slab_rand(void)
{
	/* xorshift64*: fixed seeds give the same run everywhere */
	slab_rng_state ^= slab_rng_state >> 12;
	slab_rng_state ^= slab_rng_state << 25;
	slab_rng_state ^= slab_rng_state >> 27;
	return slab_rng_state * 0x2545f4914f6cdd1dull;
}

/* Fill @n bytes at @p with a pattern of @id; 0 when @p still holds it. */
static inline void obj_fill(void *p, size_t n, uint64_t id)
{
	unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(id * 131 + i * 7 + (id >> 8));
}

static inline size_t obj_check(const void *p, size_t n, uint64_t id)
{
	const unsigned char *b = p;
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += b[i] != (unsigned char)(id * 131 + i * 7 + (id >> 8));
	return bad;
}

static inline size_t count_newlines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Slab pages of every cache (kmalloc's included), from the counters. */
static inline unsigned long slab_pages(void)
{
	return mm_slab_reclaimable_pages() + mm_slab_unreclaimable_pages();
}

#endif
