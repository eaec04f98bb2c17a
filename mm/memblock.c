/*
 * mm/memblock.c - the early boot allocator: RAM and reserved ranges in two
 * small sorted tables, and a top-down allocator over what is left.
 *
 * Both tables are kept sorted and non-overlapping at every moment. RAM
 * regions merge with any neighbour; reserved regions merge only with an
 * adjacent one of the same name, so mm_memblock_dump() still says who owns
 * what (the kernel, the boot info, page 0 ...). Reserving a range that is
 * partly reserved already only adds the uncovered pieces, so reserved bytes
 * are never counted twice.
 */
#include "memblock.h"
#include "host.h"
#include "util.h"

/* No allocation limit until one is set: a host may call mm_memblock_add
 * directly, without mm_memblock_init_from_memmap. */
struct memblock mm_memblock = { .current_limit = UINT64_MAX };

/* The top page is never RAM: keeping every end below 2^64 means an end
 * address always fits in a uint64_t. */
#define MEMBLOCK_ADDR_MAX (UINT64_MAX & ~(uint64_t)(MM_PAGE_SIZE - 1))

static uint64_t region_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

static bool same_owner(const char *a, const char *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	return mm_strcmp(a, b) == 0;
}

static void remove_region(struct memblock_type *t, unsigned int i)
{
	for (unsigned int k = i; k + 1 < t->cnt; k++)
		t->regions[k] = t->regions[k + 1];
	t->cnt--;
}

/*
 * Put [base, end) into @t, where it overlaps nothing. Merges with a
 * neighbour that touches it and has the same owner.
 */
static int insert_piece(struct memblock_type *t, uint64_t base, uint64_t end, const char *name)
{
	unsigned int i = 0;

	while (i < t->cnt && t->regions[i].base < base)
		i++;
	/* i: first region above the piece; i - 1: the one below, if any */
	bool join_left = i > 0 && region_end(&t->regions[i - 1]) == base &&
			 same_owner(t->regions[i - 1].name, name);
	bool join_right = i < t->cnt && t->regions[i].base == end &&
			  same_owner(t->regions[i].name, name);

	if (join_left && join_right) {
		t->regions[i - 1].size = region_end(&t->regions[i]) - t->regions[i - 1].base;
		remove_region(t, i);
		return 0;
	}
	if (join_left) {
		t->regions[i - 1].size = end - t->regions[i - 1].base;
		return 0;
	}
	if (join_right) {
		t->regions[i].size = region_end(&t->regions[i]) - base;
		t->regions[i].base = base;
		return 0;
	}
	if (t->cnt >= MEMBLOCK_MAX_REGIONS)
		return -1;
	for (unsigned int k = t->cnt; k > i; k--)
		t->regions[k] = t->regions[k - 1];
	t->regions[i] = (struct memblock_region){ base, end - base, name };
	t->cnt++;
	return 0;
}

/* Add the parts of [base, end) that @t does not hold yet. */
static int add_range(struct memblock_type *t, uint64_t base, uint64_t end, const char *name)
{
	uint64_t cur = base;

	while (cur < end) {
		unsigned int i = 0;

		while (i < t->cnt && region_end(&t->regions[i]) <= cur)
			i++;
		if (i == t->cnt || t->regions[i].base >= end)
			return insert_piece(t, cur, end, name);
		if (t->regions[i].base > cur) {
			uint64_t next = region_end(&t->regions[i]);

			if (insert_piece(t, cur, t->regions[i].base, name))
				return -1;
			cur = next;
		} else {
			cur = region_end(&t->regions[i]);
		}
	}
	return 0;
}

int mm_memblock_add(uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	if (base >= MEMBLOCK_ADDR_MAX)
		return 0;
	if (end < base || end > MEMBLOCK_ADDR_MAX)
		end = MEMBLOCK_ADDR_MAX;
	base = mm_align_up(base, MM_PAGE_SIZE);
	end = mm_align_down(end, MM_PAGE_SIZE);
	if (base >= end)
		return 0;
	return add_range(&mm_memblock.memory, base, end, NULL);
}

int mm_memblock_reserve(uint64_t base, uint64_t size, const char *name)
{
	if (!size)
		return 0;
	uint64_t end = base + size;

	if (end < base || end > MEMBLOCK_ADDR_MAX)
		end = MEMBLOCK_ADDR_MAX;
	base = mm_align_down(base, MM_PAGE_SIZE);
	end = mm_align_up(end, MM_PAGE_SIZE);
	if (base >= end)
		return 0;
	return add_range(&mm_memblock.reserved, base, end, name ? name : "reserved");
}

int mm_memblock_phys_free(uint64_t base, uint64_t size)
{
	struct memblock_type *t = &mm_memblock.reserved;
	uint64_t end = base + size;

	if (!size)
		return 0;
	if (end < base || end > MEMBLOCK_ADDR_MAX)
		end = MEMBLOCK_ADDR_MAX;
	base = mm_align_down(base, MM_PAGE_SIZE);
	end = mm_align_up(end, MM_PAGE_SIZE);
	for (unsigned int i = 0; i < t->cnt;) {
		struct memblock_region *r = &t->regions[i];
		uint64_t rb = r->base, re = region_end(r);

		if (re <= base || rb >= end) {
			i++;
		} else if (rb < base && re > end) {
			/* A hole in one region: the only case that needs a
			 * slot, and then nothing else overlaps. */
			if (t->cnt >= MEMBLOCK_MAX_REGIONS)
				return -1;
			for (unsigned int k = t->cnt; k > i + 1; k--)
				t->regions[k] = t->regions[k - 1];
			t->regions[i + 1] = (struct memblock_region){ end, re - end, r->name };
			r->size = base - rb;
			t->cnt++;
			return 0;
		} else if (rb < base) {
			r->size = base - rb;
			i++;
		} else if (re > end) {
			r->base = end;
			r->size = re - end;
			i++;
		} else {
			remove_region(t, i);
		}
	}
	return 0;
}

int mm_memblock_init_from_memmap(const struct memmap *m)
{
	mm_memset(&mm_memblock, 0, sizeof(mm_memblock));
	mm_memblock.current_limit = UINT64_MAX;
	for (unsigned int i = 0; i < m->nr; i++) {
		if (m->entry[i].type != MEMMAP_USABLE)
			continue;
		if (mm_memblock_add(m->entry[i].addr, m->entry[i].size))
			return -1;
	}
	return 0;
}

void mm_memblock_enforce_memory_limit(uint64_t limit)
{
	struct memblock_type *t = &mm_memblock.memory;
	uint64_t left = mm_align_down(limit, MM_PAGE_SIZE);
	unsigned int i;

	if (!limit)
		return; /* like Linux: mem=0 means no limit */
	for (i = 0; i < t->cnt; i++) {
		if (t->regions[i].size >= left) {
			t->regions[i].size = left;
			break;
		}
		left -= t->regions[i].size;
	}
	if (i < t->cnt)
		t->cnt = t->regions[i].size ? i + 1 : i;
}

/*
 * Forward scan that remembers the highest fit: simple, and the tables are
 * short. An allocation never starts at page 0, so 0 can mean failure.
 */
uint64_t mm_memblock_phys_alloc_below(uint64_t size, uint64_t align, uint64_t max_addr,
				   const char *name)
{
	uint64_t idx = 0, s, e, best = 0;

	if (!size || size > MEMBLOCK_ADDR_MAX)
		return 0;
	if (align < MM_PAGE_SIZE)
		align = MM_PAGE_SIZE;
	if (align & (align - 1))
		return 0;
	size = mm_align_up(size, MM_PAGE_SIZE);
	if (max_addr > mm_memblock.current_limit)
		max_addr = mm_memblock.current_limit;
	while (mm_memblock_next_free_range(&idx, &s, &e)) {
		if (e > max_addr)
			e = max_addr;
		if (s < MM_PAGE_SIZE)
			s = MM_PAGE_SIZE;
		if (e <= s || e - s < size)
			continue;
		uint64_t cand = mm_align_down(e - size, align);

		if (cand >= s && cand > best)
			best = cand;
	}
	if (!best)
		return 0;
	if (mm_memblock_reserve(best, size, name))
		return 0;
	return best;
}

uint64_t mm_memblock_phys_alloc(uint64_t size, uint64_t align, const char *name)
{
	return mm_memblock_phys_alloc_below(size, align, UINT64_MAX, name);
}

/*
 * *idx is the address where the search resumes: the end of the range
 * returned last (0 at the start), so no other state is needed.
 */
bool mm_memblock_next_free_range(uint64_t *idx, uint64_t *start, uint64_t *end)
{
	const struct memblock_type *mem = &mm_memblock.memory, *res = &mm_memblock.reserved;

	for (unsigned int i = 0; i < mem->cnt; i++) {
		uint64_t mend = region_end(&mem->regions[i]);
		uint64_t s = mm_max_u64(mem->regions[i].base, *idx);
		uint64_t e = mend;

		if (s >= mend)
			continue;
		/* reserved regions are sorted and disjoint: one pass skips them */
		for (unsigned int j = 0; j < res->cnt; j++) {
			const struct memblock_region *r = &res->regions[j];

			if (region_end(r) <= s)
				continue;
			if (r->base <= s) {
				s = region_end(r);
				continue;
			}
			e = mm_min_u64(mend, r->base);
			break;
		}
		if (s >= mend)
			continue;
		*start = s;
		*end = e;
		*idx = e;
		return true;
	}
	return false;
}

static bool type_contains(const struct memblock_type *t, uint64_t addr)
{
	for (unsigned int i = 0; i < t->cnt; i++)
		if (addr >= t->regions[i].base && addr < region_end(&t->regions[i]))
			return true;
	return false;
}

bool mm_memblock_is_memory(uint64_t addr)
{
	return type_contains(&mm_memblock.memory, addr);
}

bool mm_memblock_is_reserved(uint64_t addr)
{
	return type_contains(&mm_memblock.reserved, addr);
}

static uint64_t type_size(const struct memblock_type *t)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < t->cnt; i++)
		sum += t->regions[i].size;
	return sum;
}

uint64_t mm_memblock_phys_mem_size(void)
{
	return type_size(&mm_memblock.memory);
}

uint64_t mm_memblock_reserved_size(void)
{
	return type_size(&mm_memblock.reserved);
}

uint64_t mm_memblock_end_of_ram(void)
{
	const struct memblock_type *t = &mm_memblock.memory;

	return t->cnt ? region_end(&t->regions[t->cnt - 1]) : 0;
}

static void dump_type(const struct memblock_type *t, const char *what)
{
	mm_printk(" %s.cnt  = 0x%x\n", what, t->cnt);
	for (unsigned int i = 0; i < t->cnt; i++) {
		const struct memblock_region *r = &t->regions[i];

		mm_printk(" %s[0x%x]\t[0x%016llx-0x%016llx], 0x%016llx bytes%s%s\n", what, i,
			  (unsigned long long)r->base, (unsigned long long)(region_end(r) - 1),
			  (unsigned long long)r->size, r->name ? " by " : "",
			  r->name ? r->name : "");
	}
}

void mm_memblock_dump(void)
{
	mm_printk("MEMBLOCK configuration:\n");
	mm_printk(" memory size = 0x%016llx reserved size = 0x%016llx\n",
		  (unsigned long long)mm_memblock_phys_mem_size(),
		  (unsigned long long)mm_memblock_reserved_size());
	dump_type(&mm_memblock.memory, "memory");
	dump_type(&mm_memblock.reserved, "reserved");
}
