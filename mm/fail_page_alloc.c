/*
 * mm/fail_page_alloc.c - the fault injector's state and decision (see
 * fail_page_alloc.h). The state is a handful of words updated with atomics:
 * allocations on every CPU consult it without a lock, and the order in
 * which concurrent requests draw from the PRNG does not matter.
 */
#include "fail_page_alloc.h"
#include "internal.h"
#include "vmstat.h"

bool mm_fail_page_alloc_on;

static struct fail_page_alloc_attr fpa;
static unsigned long fpa_eligible; /* eligible requests seen, for interval */
static uint64_t fpa_rng;

/* splitmix64: one atomic add advances the state, so concurrent callers
 * each get their own draw. */
static uint64_t fpa_random(void)
{
	uint64_t z = __atomic_add_fetch(&fpa_rng, 0x9e3779b97f4a7c15ull, __ATOMIC_RELAXED);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void mm_fail_page_alloc_setup(const struct fail_page_alloc_attr *attr)
{
	__atomic_store_n(&mm_fail_page_alloc_on, false, __ATOMIC_RELAXED);
	fpa = *attr;
	if (fpa.probability > 100)
		fpa.probability = 100;
	fpa_eligible = 0;
	fpa_rng = attr->seed;
	__atomic_store_n(&mm_fail_page_alloc_on, attr->probability > 0 && attr->times != 0,
			 __ATOMIC_RELEASE);
	mm_page_alloc_fast_update();
}

void mm_fail_page_alloc_disable(void)
{
	__atomic_store_n(&mm_fail_page_alloc_on, false, __ATOMIC_RELEASE);
	mm_page_alloc_fast_update();
}

void mm_fail_page_alloc_get(struct fail_page_alloc_attr *attr)
{
	*attr = fpa;
	attr->times = __atomic_load_n(&fpa.times, __ATOMIC_RELAXED);
}

unsigned long mm_fail_page_alloc_injected(void)
{
	return mm_global_vm_event(FAIL_PAGE_ALLOC_INJECTED);
}

/* Take one failure from the times budget; false when it is spent. */
static bool fpa_take_time(void)
{
	long t = __atomic_load_n(&fpa.times, __ATOMIC_RELAXED);

	while (t != -1) {
		if (t <= 0)
			return false;
		if (__atomic_compare_exchange_n(&fpa.times, &t, t - 1, false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return true;
	}
	return true;
}

bool mm__should_fail_alloc_page(gfp_t gfp, unsigned int order)
{
	unsigned long n;

	if (order < fpa.min_order || (gfp & __GFP_NOFAIL))
		return false;
	if (fpa.ignore_gfp_reclaim && (gfp & __GFP_DIRECT_RECLAIM))
		return false;
	if (__atomic_load_n(&fpa.times, __ATOMIC_RELAXED) == 0)
		return false;
	n = __atomic_add_fetch(&fpa_eligible, 1, __ATOMIC_RELAXED);
	if (fpa.interval > 1 && n % fpa.interval)
		return false;
	if (fpa.probability < 100 && fpa_random() % 100 >= fpa.probability)
		return false;
	if (!fpa_take_time())
		return false;
	count_vm_events(FAIL_PAGE_ALLOC_INJECTED, 1);
	return true;
}

/* One unsigned decimal field of at most @max; "-1" accepted when
 * @allow_minus_one. Advances *@p past it. */
static int fpa_parse_field(const char **p, const char *end, long max, bool allow_minus_one,
			   long *out)
{
	const char *s = *p;
	long v = 0;

	if (allow_minus_one && s + 1 < end && s[0] == '-' && s[1] == '1' &&
	    (s + 2 == end || s[2] == ',')) {
		*out = -1;
		*p = s + 2;
		return 0;
	}
	if (s == end || *s < '0' || *s > '9')
		return -1;
	while (s < end && *s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
		s++;
	}
	*out = v;
	*p = s;
	return 0;
}

int mm_fail_page_alloc_parse(const char *s, size_t len, struct fail_page_alloc_attr *attr,
			  const char **why)
{
	static const char *const errs[] = {
		"probability must be 0-100 (percent)",
		"interval must be 0-1000000000",
		"times must be -1 (no limit) or 0-1000000000000",
		"min_order must be 0-10",
	};
	static const long maxes[] = { 100, 1000000000L, 1000000000000L, MAX_ORDER - 1 };
	const char *p = s, *end = s + len;
	long v[4] = { 0, 1, -1, 0 };

	for (int i = 0; i < 4 && p < end; i++) {
		if (fpa_parse_field(&p, end, maxes[i], i == 2, &v[i])) {
			*why = errs[i];
			return -1;
		}
		if (p < end) {
			if (*p != ',' || i == 3) {
				*why = "want <probability>,<interval>,<times>,<min_order>";
				return -1;
			}
			p++;
			if (p == end) {
				*why = "empty field after ','";
				return -1;
			}
		}
	}
	if (!len) {
		*why = "empty value";
		return -1;
	}
	*attr = (struct fail_page_alloc_attr){
		.probability = (unsigned int)v[0],
		.interval = (unsigned int)v[1],
		.times = v[2],
		.min_order = (unsigned int)v[3],
		.seed = attr->seed,
	};
	return 0;
}
