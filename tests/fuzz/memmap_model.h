/*
 * tests/fuzz/memmap_model.h - what mm_memmap_sanitize() must produce, computed
 * the slow, obvious way, and the properties every sanitized map must have.
 * Shared by the fuzz targets whose inputs end in a memory map.
 *
 * The model does not sweep: it cuts the address space at every range
 * boundary and, for each piece, scans all input ranges for the most
 * restrictive type covering it (O(n^2), fine for 256 ranges). Pieces of one
 * type that touch are joined; usable runs are then trimmed inward to whole
 * pages. The result must equal the sanitizer's, entry for entry.
 */
#ifndef TESTS_FUZZ_MEMMAP_MODEL_H
#define TESTS_FUZZ_MEMMAP_MODEL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/memmap.h"

#define FUZZ_PAGE 4096ull

/* Fail loudly: libFuzzer saves the input that got here. */
#define FUZZ_CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fprintf(stderr, "\n"); \
			abort(); \
		} \
	} while (0)

/* Restrictiveness as mm/memmap.h documents it (higher wins); anything
 * unknown, soft reserved included, counts as reserved. */
static inline int model_rank(uint32_t type)
{
	switch (type) {
	case MEMMAP_USABLE:
		return 0;
	case MEMMAP_ACPI:
		return 1;
	case MEMMAP_NVS:
		return 2;
	case MEMMAP_PRAM:
		return 3;
	case MEMMAP_PMEM:
		return 4;
	case MEMMAP_UNUSABLE:
		return 5;
	default:
		return 6;
	}
}

static inline uint32_t model_rank_type(int rank)
{
	static const uint32_t t[] = { MEMMAP_USABLE, MEMMAP_ACPI,     MEMMAP_NVS,     MEMMAP_PRAM,
				      MEMMAP_PMEM,   MEMMAP_UNUSABLE, MEMMAP_RESERVED };
	return t[rank];
}

/* A range's end, exclusive; one that would wrap past 2^64 stops at 2^64 - 1
 * (the sanitizer documents the clamp). */
static inline uint64_t model_end(const struct memmap_entry *e)
{
	uint64_t end = e->addr + e->size;

	return end < e->addr ? UINT64_MAX : end;
}

static int model_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static inline void model_emit(struct memmap_entry *out, unsigned int *n, uint64_t start,
			      uint64_t end, int rank)
{
	if (rank == 0) {
		unsigned __int128 s = ((unsigned __int128)start + FUZZ_PAGE - 1) &
				      ~(unsigned __int128)(FUZZ_PAGE - 1);

		end &= ~(FUZZ_PAGE - 1);
		if (s >= end)
			return;
		start = (uint64_t)s;
	}
	if (start >= end)
		return;
	out[*n] = (struct memmap_entry){ start, end - start, model_rank_type(rank) };
	(*n)++;
}

/* Expected sanitized map of @in into @out (room for 2 * MEMMAP_MAX);
 * returns its length, which may exceed MEMMAP_MAX. */
static inline unsigned int model_sanitize(const struct memmap *in, struct memmap_entry *out)
{
	static uint64_t cut[2 * MEMMAP_MAX];
	unsigned int nc = 0, nu = 0, n = 0;
	int run_rank = -1;
	uint64_t run_start = 0, run_end = 0;

	for (unsigned int i = 0; i < in->nr; i++) {
		if (!in->entry[i].size)
			continue;
		cut[nc++] = in->entry[i].addr;
		cut[nc++] = model_end(&in->entry[i]);
	}
	qsort(cut, nc, sizeof(cut[0]), model_cmp_u64);
	for (unsigned int i = 0; i < nc; i++)
		if (!nu || cut[nu - 1] != cut[i])
			cut[nu++] = cut[i];
	for (unsigned int i = 0; i + 1 < nu; i++) {
		uint64_t a = cut[i], b = cut[i + 1];
		int rank = -1;

		for (unsigned int k = 0; k < in->nr; k++) {
			const struct memmap_entry *e = &in->entry[k];

			if (e->size && e->addr <= a && a < model_end(e) &&
			    model_rank(e->type) > rank)
				rank = model_rank(e->type);
		}
		if (rank == run_rank && run_end == a) {
			run_end = b;
			continue;
		}
		if (run_rank >= 0)
			model_emit(out, &n, run_start, run_end, run_rank);
		run_rank = rank;
		run_start = a;
		run_end = b;
	}
	if (run_rank >= 0)
		model_emit(out, &n, run_start, run_end, run_rank);
	return n;
}

/* Properties of any sanitized map, whatever its input. */
static inline void check_sanitized_properties(const struct memmap *m)
{
	FUZZ_CHECK(m->nr <= MEMMAP_MAX, "%u entries", m->nr);
	for (unsigned int i = 0; i < m->nr; i++) {
		const struct memmap_entry *e = &m->entry[i];
		uint32_t t = e->type;

		FUZZ_CHECK(e->size != 0, "entry %u is empty", i);
		FUZZ_CHECK(e->addr + e->size > e->addr, "entry %u wraps", i);
		FUZZ_CHECK(t == MEMMAP_USABLE || t == MEMMAP_RESERVED || t == MEMMAP_ACPI ||
				   t == MEMMAP_NVS || t == MEMMAP_UNUSABLE || t == MEMMAP_PMEM ||
				   t == MEMMAP_PRAM,
			   "entry %u has type 0x%x", i, t);
		if (t == MEMMAP_USABLE)
			FUZZ_CHECK(e->addr % FUZZ_PAGE == 0 && e->size % FUZZ_PAGE == 0,
				   "usable entry %u [0x%llx +0x%llx) not page-aligned", i,
				   (unsigned long long)e->addr, (unsigned long long)e->size);
		if (i) {
			const struct memmap_entry *p = &m->entry[i - 1];

			FUZZ_CHECK(p->addr + p->size <= e->addr,
				   "entries %u and %u overlap or are unsorted", i - 1, i);
			FUZZ_CHECK(p->addr + p->size != e->addr || p->type != t,
				   "touching entries %u and %u share type %u (not merged)", i - 1,
				   i, t);
		}
	}
}

/* Sanitize a copy of @in and check it against the model and the
 * properties. Returns the sanitizer's return value. */
static inline int check_sanitize(const struct memmap *in)
{
	static struct memmap m;
	static struct memmap_entry want[2 * MEMMAP_MAX];
	unsigned int nw = model_sanitize(in, want);
	int rc;

	memcpy(&m, in, sizeof(m));
	rc = mm_memmap_sanitize(&m);
	if (nw > MEMMAP_MAX) {
		FUZZ_CHECK(rc == -1, "%u ranges expected, more than MEMMAP_MAX, yet rc %d", nw, rc);
		FUZZ_CHECK(m.nr <= MEMMAP_MAX, "map left with %u entries", m.nr);
		return rc;
	}
	FUZZ_CHECK(rc == 0, "sanitize failed with %u ranges expected", nw);
	check_sanitized_properties(&m);
	FUZZ_CHECK(m.nr == nw, "%u ranges, model says %u", m.nr, nw);
	for (unsigned int i = 0; i < nw; i++)
		FUZZ_CHECK(m.entry[i].addr == want[i].addr && m.entry[i].size == want[i].size &&
				   m.entry[i].type == want[i].type,
			   "entry %u: [0x%llx +0x%llx) type %u, model [0x%llx +0x%llx) type %u", i,
			   (unsigned long long)m.entry[i].addr, (unsigned long long)m.entry[i].size,
			   m.entry[i].type, (unsigned long long)want[i].addr,
			   (unsigned long long)want[i].size, want[i].type);
	return rc;
}

#endif
