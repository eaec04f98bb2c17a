/*
 * mm/util.h - tiny freestanding helpers for mm/ (no libc in the kernel):
 * byte fill and copy, string compare and length, min/max, alignment.
 *
 * Each is static inline so any mm/ file can include this header without a
 * link-time dependency. They are deliberately simple byte loops: mm/ uses
 * them on small boot-time structures, never on hot paths - except
 * mm_memcpy_words, the page copy.
 */
#ifndef MM_UTIL_H
#define MM_UTIL_H

#include <stddef.h>
#include <stdint.h>

static inline void *mm_memset(void *dst, int c, size_t n)
{
	/* volatile keeps GCC from turning the loop back into a memset call */
	volatile unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

static inline void *mm_memcpy(void *dst, const void *src, size_t n)
{
	volatile unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

/* @n bytes 8 at a time when both ends and @n allow it, else as mm_memcpy:
 * for page contents on the page cache's paths, where a byte loop costs
 * 4,096 loads and stores a page (each instrumented on the host). */
static inline void *mm_memcpy_words(void *dst, const void *src, size_t n)
{
	uint64_t *d = dst;
	const uint64_t *s = src;

	if (((uintptr_t)dst | (uintptr_t)src | n) & 7)
		return mm_memcpy(dst, src, n);
	for (size_t i = 0; i < n / 8; i++)
		d[i] = s[i];
	return dst;
}

static inline int mm_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

static inline size_t mm_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* Length of @s, but look at no more than @max bytes; returns @max when no
 * NUL lies in them (used to check strings inside untrusted tags). */
static inline size_t mm_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

static inline int mm_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static inline int mm_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

static inline uint64_t mm_min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}
static inline uint64_t mm_max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* @a must be a power of two. mm_align_up wraps to 0 past 2^64: callers
 * handling firmware ranges near the top check for that. */
static inline uint64_t mm_align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}
static inline uint64_t mm_align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

#endif /* MM_UTIL_H */
