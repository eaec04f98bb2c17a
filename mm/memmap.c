/*
 * mm/memmap.c - the firmware memory map: appending ranges, the sanitizer
 * that turns what firmware says into a sorted, disjoint map, type names and
 * the EFI type conversion.
 *
 * The sanitizer sweeps the start and end points of all ranges in address
 * order, keeping per type how many ranges cover the current point, so the
 * type in force between two points is the most restrictive one covering
 * it. That is O(n log n) with static arrays only: it runs before any
 * allocator exists.
 */
#include "memmap.h"
#include "host.h"
#include "util.h"

int mm_memmap_add(struct memmap *m, uint64_t addr, uint64_t size, uint32_t type)
{
	if (m->nr >= MEMMAP_MAX)
		return -1;
	m->entry[m->nr].addr = addr;
	m->entry[m->nr].size = size;
	m->entry[m->nr].type = type;
	m->nr++;
	return 0;
}

/*
 * Restrictiveness, least first: usable < ACPI data < ACPI NVS <
 * persistent (12) < persistent (7) < unusable < reserved.
 * Usable always loses: RAM that anything else claims is not RAM. ACPI data
 * loses to NVS because NVS must survive sleep and data may be reclaimed.
 * Persistent memory is not ordinary RAM but is at least real memory;
 * unusable (faulty) and reserved (whatever the firmware keeps) beat it.
 */
enum {
	RANK_USABLE,
	RANK_ACPI,
	RANK_NVS,
	RANK_PRAM,
	RANK_PMEM,
	RANK_UNUSABLE,
	RANK_RESERVED,
	NR_RANKS
};

static const uint32_t rank_type[NR_RANKS] = {
	MEMMAP_USABLE, MEMMAP_ACPI,	MEMMAP_NVS,	 MEMMAP_PRAM,
	MEMMAP_PMEM,   MEMMAP_UNUSABLE, MEMMAP_RESERVED,
};

static unsigned int type_rank(uint32_t type)
{
	for (unsigned int r = 0; r < NR_RANKS; r++)
		if (rank_type[r] == type)
			return r;
	return RANK_RESERVED; /* unknown types (soft reserved too) */
}

struct sweep_point {
	uint64_t addr;
	uint32_t rank;
	int32_t delta; /* +1 a range starts here, -1 one ends */
};

static struct sweep_point points[2 * MEMMAP_MAX];
static struct memmap_entry result[2 * MEMMAP_MAX];

static void sift_down(struct sweep_point *a, unsigned int root, unsigned int n)
{
	for (;;) {
		unsigned int child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && a[child + 1].addr > a[child].addr)
			child++;
		if (a[root].addr >= a[child].addr)
			return;
		struct sweep_point t = a[root];

		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

/* Heapsort by address: O(n log n), in place, no recursion. */
static void sort_points(struct sweep_point *a, unsigned int n)
{
	for (unsigned int i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (unsigned int end = n; end-- > 1;) {
		struct sweep_point t = a[0];

		a[0] = a[end];
		a[end] = t;
		sift_down(a, 0, end);
	}
}

static int top_rank(const unsigned int *count)
{
	for (int r = NR_RANKS - 1; r >= 0; r--)
		if (count[r])
			return r;
	return -1;
}

/* Emit [start, end) of @type into result[], trimming RAM to whole pages. */
static void emit(unsigned int *nr, uint64_t start, uint64_t end, uint32_t type)
{
	if (type == MEMMAP_USABLE) {
		if (start > mm_align_down(UINT64_MAX, MM_PAGE_SIZE))
			return; /* no whole page left, and aligning up would wrap */
		start = mm_align_up(start, MM_PAGE_SIZE);
		end = mm_align_down(end, MM_PAGE_SIZE);
	}
	if (start >= end)
		return;
	result[*nr].addr = start;
	result[*nr].size = end - start;
	result[*nr].type = type;
	(*nr)++;
}

int mm_memmap_sanitize(struct memmap *m)
{
	unsigned int np = 0, nr = 0;
	unsigned int count[NR_RANKS] = { 0 };

	for (unsigned int i = 0; i < m->nr; i++) {
		const struct memmap_entry *e = &m->entry[i];
		uint64_t end = e->addr + e->size;

		if (!e->size)
			continue;
		if (end < e->addr)
			end = UINT64_MAX; /* wraps past 2^64: malformed, clamp */
		points[np++] = (struct sweep_point){ e->addr, type_rank(e->type), 1 };
		points[np++] = (struct sweep_point){ end, type_rank(e->type), -1 };
	}
	sort_points(points, np);

	int cur = -1;
	uint64_t cur_start = 0;

	for (unsigned int i = 0; i < np;) {
		uint64_t addr = points[i].addr;

		for (; i < np && points[i].addr == addr; i++)
			count[points[i].rank] += points[i].delta;
		int top = top_rank(count);

		if (top == cur)
			continue;
		if (cur >= 0)
			emit(&nr, cur_start, addr, rank_type[cur]);
		cur = top;
		cur_start = addr;
	}
	if (nr > MEMMAP_MAX)
		return -1;
	for (unsigned int i = 0; i < nr; i++)
		m->entry[i] = result[i];
	m->nr = nr;
	return 0;
}

/* "type N" for types Linux has no name for; one static buffer is enough
 * for boot-time printing, which is single-threaded. */
static const char *type_number_name(const char *prefix, uint32_t type, const char *suffix)
{
	static char buf[40];
	char digits[11];
	unsigned int n = 0, k = 0;

	do {
		digits[n++] = (char)('0' + type % 10);
		type /= 10;
	} while (type);
	while (*prefix)
		buf[k++] = *prefix++;
	while (n)
		buf[k++] = digits[--n];
	while (*suffix)
		buf[k++] = *suffix++;
	buf[k] = 0;
	return buf;
}

const char *mm_memmap_type_name(uint32_t type)
{
	switch (type) {
	case MEMMAP_USABLE:
		return "usable";
	case MEMMAP_RESERVED:
		return "reserved";
	case MEMMAP_ACPI:
		return "ACPI data";
	case MEMMAP_NVS:
		return "ACPI NVS";
	case MEMMAP_UNUSABLE:
		return "unusable";
	case MEMMAP_SOFT_RESERVED:
		return "soft reserved";
	case MEMMAP_PMEM:
	case MEMMAP_PRAM:
		return type_number_name("persistent (type ", type, ")");
	default:
		return type_number_name("type ", type, "");
	}
}

/* As Linux's EFI stub builds its e820 table from the EFI memory map. */
uint32_t mm_memmap_type_from_efi(uint32_t efi_type)
{
	switch (efi_type) {
	case 1: /* EfiLoaderCode */
	case 2: /* EfiLoaderData */
	case 3: /* EfiBootServicesCode */
	case 4: /* EfiBootServicesData */
	case 7: /* EfiConventionalMemory */
		return MEMMAP_USABLE;
	case 8: /* EfiUnusableMemory */
		return MEMMAP_UNUSABLE;
	case 9: /* EfiACPIReclaimMemory */
		return MEMMAP_ACPI;
	case 10: /* EfiACPIMemoryNVS */
		return MEMMAP_NVS;
	case 14: /* EfiPersistentMemory */
		return MEMMAP_PMEM;
	default: /* reserved, runtime services, MMIO, PAL code, unaccepted, unknown */
		return MEMMAP_RESERVED;
	}
}

void mm_memmap_print(const struct memmap *m, const char *prefix)
{
	for (unsigned int i = 0; i < m->nr; i++) {
		const struct memmap_entry *e = &m->entry[i];
		uint64_t last = e->addr + e->size - 1;

		if (e->size && last < e->addr)
			last = UINT64_MAX;
		mm_printk("%s: [mem 0x%016llx-0x%016llx] %s\n", prefix, (unsigned long long)e->addr,
			  (unsigned long long)last, mm_memmap_type_name(e->type));
	}
}

uint64_t mm_memmap_total(const struct memmap *m, uint32_t type)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < m->nr; i++)
		if (m->entry[i].type == type)
			sum += m->entry[i].size;
	return sum;
}
