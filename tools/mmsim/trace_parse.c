/*
 * tools/mmsim/trace_parse.c - reads ftrace's text output of Linux's
 * page-allocator tracepoints into trace_events (trace_parse.h). Built for
 * traces of millions of lines: one pass over each line, no copies, and
 * each distinct gfp_flags text translated once and then found by hash.
 */
#include "trace_parse.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

const char *const trace_noeffect_names[NR_TRACE_NOEFF] = {
	[TRACE_NOEFF_ZERO] = "__GFP_ZERO (not applied)",
	[TRACE_NOEFF_ACCOUNT] = "__GFP_ACCOUNT",
	[TRACE_NOEFF_HARDWALL] = "__GFP_HARDWALL",
	[TRACE_NOEFF_WRITE] = "__GFP_WRITE",
	[TRACE_NOEFF_ZEROTAGS] = "__GFP_ZEROTAGS",
	[TRACE_NOEFF_SKIP_ZERO] = "__GFP_SKIP_ZERO",
	[TRACE_NOEFF_SKIP_KASAN] = "__GFP_SKIP_KASAN*",
	[TRACE_NOEFF_NOLOCKDEP] = "__GFP_NOLOCKDEP",
	[TRACE_NOEFF_OTHER] = "other (old kernels' flags, unnamed bits)",
};

#define NOEFF(f) (1u << TRACE_NOEFF_##f)

/*
 * Linux's names as show_gfp_flags() prints them (include/trace/events/
 * mmflags.h, 4.x to 6.x): composite names first, as Linux prints the
 * largest composite that fits. The bits mm/ gets, and the flags among them
 * that change nothing here.
 */
static const struct gfp_name {
	const char *name;
	gfp_t gfp;
	uint32_t noeffect;
} gfp_names[] = {
	{ "GFP_TRANSHUGE",
	  ((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM) |
		  __GFP_DIRECT_RECLAIM,
	  NOEFF(HARDWALL) },
	{ "GFP_TRANSHUGE_LIGHT",
	  (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM,
	  NOEFF(HARDWALL) },
	{ "GFP_HIGHUSER_MOVABLE", GFP_HIGHUSER_MOVABLE, NOEFF(HARDWALL) },
	{ "GFP_HIGHUSER", GFP_HIGHUSER, NOEFF(HARDWALL) },
	{ "GFP_USER", GFP_USER, NOEFF(HARDWALL) },
	{ "GFP_KERNEL_ACCOUNT", GFP_KERNEL | __GFP_ACCOUNT, NOEFF(ACCOUNT) },
	{ "GFP_KERNEL", GFP_KERNEL, 0 },
	{ "GFP_TEMPORARY", GFP_KERNEL | __GFP_RECLAIMABLE, 0 },
	{ "GFP_NOFS", GFP_NOFS, 0 },
	{ "GFP_ATOMIC", GFP_ATOMIC, 0 },
	{ "GFP_NOIO", GFP_NOIO, 0 },
	{ "GFP_NOWAIT", GFP_NOWAIT, 0 },
	{ "GFP_DMA", GFP_DMA, 0 },
	{ "GFP_DMA32", GFP_DMA32, 0 },
	{ "__GFP_DMA", __GFP_DMA, 0 },
	{ "__GFP_HIGHMEM", __GFP_HIGHMEM, 0 },
	{ "__GFP_DMA32", __GFP_DMA32, 0 },
	{ "__GFP_MOVABLE", __GFP_MOVABLE, 0 },
	{ "__GFP_RECLAIMABLE", __GFP_RECLAIMABLE, 0 },
	{ "__GFP_HIGH", __GFP_HIGH, 0 },
	{ "__GFP_ATOMIC", __GFP_ATOMIC, 0 },
	{ "__GFP_IO", __GFP_IO, 0 },
	{ "__GFP_FS", __GFP_FS, 0 },
	{ "__GFP_ZERO", __GFP_ZERO, NOEFF(ZERO) },
	{ "__GFP_RECLAIM", __GFP_RECLAIM, 0 },
	{ "__GFP_DIRECT_RECLAIM", __GFP_DIRECT_RECLAIM, 0 },
	{ "__GFP_KSWAPD_RECLAIM", __GFP_KSWAPD_RECLAIM, 0 },
	{ "__GFP_WAIT", __GFP_DIRECT_RECLAIM, 0 }, /* before 4.4 */
	{ "__GFP_NOWARN", __GFP_NOWARN, 0 },
	{ "__GFP_RETRY_MAYFAIL", __GFP_RETRY_MAYFAIL, 0 },
	{ "__GFP_REPEAT", __GFP_RETRY_MAYFAIL, 0 }, /* before 4.13 */
	{ "__GFP_NOFAIL", __GFP_NOFAIL, 0 },
	{ "__GFP_NORETRY", __GFP_NORETRY, 0 },
	{ "__GFP_MEMALLOC", __GFP_MEMALLOC, 0 },
	{ "__GFP_COMP", __GFP_COMP, 0 },
	{ "__GFP_NOMEMALLOC", __GFP_NOMEMALLOC, 0 },
	{ "__GFP_HARDWALL", __GFP_HARDWALL, NOEFF(HARDWALL) },
	{ "__GFP_THISNODE", __GFP_THISNODE, 0 },
	{ "__GFP_ACCOUNT", __GFP_ACCOUNT, NOEFF(ACCOUNT) },
	{ "__GFP_WRITE", __GFP_WRITE, NOEFF(WRITE) },
	{ "__GFP_ZEROTAGS", 0, NOEFF(ZEROTAGS) },
	{ "__GFP_SKIP_ZERO", 0, NOEFF(SKIP_ZERO) },
	{ "__GFP_SKIP_KASAN", 0, NOEFF(SKIP_KASAN) },
	{ "__GFP_SKIP_KASAN_POISON", 0, NOEFF(SKIP_KASAN) },
	{ "__GFP_SKIP_KASAN_UNPOISON", 0, NOEFF(SKIP_KASAN) },
	{ "__GFP_NOLOCKDEP", 0, NOEFF(NOLOCKDEP) },
	{ "__GFP_NO_OBJ_EXT", 0, NOEFF(OTHER) },
	{ "__GFP_COLD", 0, NOEFF(OTHER) },
	{ "__GFP_NOTRACK", 0, NOEFF(OTHER) },
	{ "__GFP_NOTRACK_FALSE_POSITIVE", 0, NOEFF(OTHER) },
	{ "__GFP_OTHER_NODE", 0, NOEFF(OTHER) },
	{ "__GFP_NOACCOUNT", 0, NOEFF(OTHER) },
	{ "__GFP_NO_KSWAPD", 0, NOEFF(OTHER) },
	{ "__GFP_UNMOVABLE", 0, 0 }, /* old kernels: the absence of a mobility hint */
	{ "none", 0, 0 },
};

void trace_parser_init(struct trace_parser *p, bool lenient)
{
	memset(p, 0, sizeof(*p));
	p->lenient = lenient;
}

void trace_parser_free(struct trace_parser *p)
{
	for (uint32_t i = 0; i < p->nr_gfps; i++)
		free(p->gfps[i].text);
	free(p->gfps);
	free(p->hash);
	memset(p, 0, sizeof(*p));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A whole token as a number: "0x" and 1-16 hex digits, or 1-19 decimal
 * digits. 0 on success. */
static int parse_number(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (n - 2 > 16)
			return -1;
		for (size_t i = 2; i < n; i++) {
			int d = hexval(s[i]);

			if (d < 0)
				return -1;
			v = v << 4 | (uint64_t)d;
		}
	} else {
		if (!n || n > 19)
			return -1;
		for (size_t i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			v = v * 10 + (uint64_t)(s[i] - '0');
		}
	}
	*out = v;
	return 0;
}

/* page=: a pointer as %p prints it. Sets *null for a NULL pointer (all
 * zeros, "(null)") and for "(____ptrval____)", which hides it: the pfn
 * then tells. 0 on success. */
static int parse_pointer(const char *s, size_t n, bool *null)
{
	bool zero = true;

	if (n == 16 && !memcmp(s, "0000000000000000", 16)) {
		*null = true;
		return 0;
	}
	if ((n == 6 && !memcmp(s, "(null)", 6)) || (n == 16 && !memcmp(s, "(____ptrval____)", 16))) {
		*null = true;
		return 0;
	}
	if (n > 2 && s[0] == '0' && s[1] == 'x') {
		s += 2;
		n -= 2;
	}
	if (!n || n > 16)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (hexval(s[i]) < 0)
			return -1;
		zero &= s[i] == '0';
	}
	*null = zero;
	return 0;
}

/* Hash of a gfp_flags= text: its length and its first and last 8 bytes
 * mix well enough for the few dozen distinct values a trace holds, and
 * cost the same for every line. */
static uint32_t hash_text(const char *s, size_t n)
{
	uint64_t a = 0, b = 0;

	memcpy(&a, s, n < 8 ? n : 8);
	if (n > 8)
		memcpy(&b, s + n - (n < 16 ? n - 8 : 8), n < 16 ? n - 8 : 8);
	a = (a ^ (b * 0x9e3779b97f4a7c15ull) ^ n) * 0xff51afd7ed558ccdull;
	return (uint32_t)(a >> 32);
}

/* Translate a gfp_flags= text: names joined by '|', possibly ending in a
 * hex number of bits without a name. */
static int translate_gfp(const char *s, size_t n, struct trace_gfp *g, const char **why)
{
	uint64_t raw;

	g->gfp = 0;
	g->noeffect = 0;
	/* A bare number (a trace printed without Linux's flag names, or
	 * libtraceevent's raw fields): Linux's bit values, which are mm/'s
	 * (mm/gfp.h) for the bits mm/ has. */
	if (!parse_number(s, n, &raw)) {
		g->gfp = (gfp_t)(raw & __GFP_BITS_MASK);
		g->noeffect = raw & ~(uint64_t)__GFP_BITS_MASK ? NOEFF(OTHER) : 0;
		if (g->gfp & __GFP_ACCOUNT)
			g->noeffect |= NOEFF(ACCOUNT);
		if (g->gfp & __GFP_HARDWALL)
			g->noeffect |= NOEFF(HARDWALL);
		if (g->gfp & __GFP_WRITE)
			g->noeffect |= NOEFF(WRITE);
		if (g->gfp & __GFP_ZERO)
			g->noeffect |= NOEFF(ZERO);
		return 0;
	}
	while (n) {
		const char *bar = memchr(s, '|', n);
		size_t len = bar ? (size_t)(bar - s) : n;
		unsigned int i;
		uint64_t bits;

		for (i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]); i++)
			if (strlen(gfp_names[i].name) == len && !memcmp(gfp_names[i].name, s, len))
				break;
		if (i < sizeof(gfp_names) / sizeof(gfp_names[0])) {
			g->gfp |= gfp_names[i].gfp;
			g->noeffect |= gfp_names[i].noeffect;
		} else if (len > 2 && !parse_number(s, len, &bits) && s[1] == 'x') {
			g->noeffect |= NOEFF(OTHER);
		} else {
			*why = "unknown GFP flag in gfp_flags=";
			return -1;
		}
		if (!bar)
			break;
		n -= len + 1;
		s = bar + 1;
		if (!n) {
			*why = "gfp_flags= ends in '|'";
			return -1;
		}
	}
	return 0;
}

static int gfp_table_grow(struct trace_parser *p)
{
	uint32_t size = p->hash_size ? p->hash_size * 2 : 256;
	uint32_t *h = calloc(size, sizeof(*h));

	if (!h)
		return -1;
	for (uint32_t id = 0; id < p->nr_gfps; id++) {
		const char *t = p->gfps[id].text;
		uint32_t i = hash_text(t, strlen(t)) & (size - 1);

		while (h[i])
			i = (i + 1) & (size - 1);
		h[i] = id + 1;
	}
	free(p->hash);
	p->hash = h;
	p->hash_size = size;
	return 0;
}

/* The id of gfp_flags text @s: found by hash, or translated and added.
 * -1 (why set) for a bad text, -2 when host memory runs out. */
static long gfp_intern(struct trace_parser *p, const char *s, size_t n, const char **why)
{
	uint32_t i;
	struct trace_gfp g;

	if (!n) {
		*why = "empty gfp_flags=";
		return -1;
	}
	if (p->hash_size) {
		for (i = hash_text(s, n) & (p->hash_size - 1); p->hash[i];
		     i = (i + 1) & (p->hash_size - 1)) {
			const char *t = p->gfps[p->hash[i] - 1].text;

			if (p->gfps[p->hash[i] - 1].len == n && !memcmp(t, s, n))
				return (long)p->hash[i] - 1;
		}
	}
	if (translate_gfp(s, n, &g, why))
		return -1;
	if (p->nr_gfps >= TRACE_MAX_GFPS) {
		*why = "too many distinct gfp_flags= values";
		return -1;
	}
	if ((p->nr_gfps + 1) * 2 > p->hash_size && gfp_table_grow(p))
		goto nomem;
	if (p->nr_gfps == p->cap_gfps) {
		uint32_t cap = p->cap_gfps ? p->cap_gfps * 2 : 64;
		struct trace_gfp *a = realloc(p->gfps, cap * sizeof(*a));

		if (!a)
			goto nomem;
		p->gfps = a;
		p->cap_gfps = cap;
	}
	g.text = malloc(n + 1);
	if (!g.text)
		goto nomem;
	memcpy(g.text, s, n);
	g.text[n] = 0;
	g.len = n;
	p->gfps[p->nr_gfps] = g;
	for (i = hash_text(s, n) & (p->hash_size - 1); p->hash[i]; i = (i + 1) & (p->hash_size - 1))
		;
	p->hash[i] = ++p->nr_gfps;
	return (long)p->nr_gfps - 1;
nomem:
	*why = "out of host memory";
	return -2;
}

static const struct {
	const char *name;
	size_t len;
	enum trace_ev_type type;
} event_names[] = {
	{ "mm_page_alloc", 13, TRACE_EV_ALLOC },
	{ "mm_page_free", 12, TRACE_EV_FREE },
	{ "mm_page_free_batched", 20, TRACE_EV_FREE_BATCHED },
	{ "mm_page_alloc_extfrag", 21, TRACE_EV_EXTFRAG },
};

/* Fields seen on a line (bit per key) and what each event needs. */
enum {
	F_PAGE = 1 << 0,
	F_PFN = 1 << 1,
	F_ORDER = 1 << 2,
	F_MT = 1 << 3,
	F_GFP = 1 << 4,
	F_FALLBACK_ORDER = 1 << 5,
	F_FRAGMENTING = 1 << 6,
	F_ALLOC_ORDER = 1 << 7,
};
static const unsigned int required[NR_TRACE_EV_TYPES] = {
	[TRACE_EV_ALLOC] = F_PFN | F_ORDER | F_GFP,
	[TRACE_EV_FREE] = F_PFN | F_ORDER,
	[TRACE_EV_FREE_BATCHED] = F_PFN,
	[TRACE_EV_EXTFRAG] = F_PFN | F_ALLOC_ORDER | F_FALLBACK_ORDER | F_FRAGMENTING,
};

static bool key_is(const char *k, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(k, name, n);
}

/* The small number fields: the events they belong to (elsewhere they are
 * ignored like any unknown key), where each goes, its largest value, and
 * what a bad one is called. Most frequent first (most lines have order=). */
enum { TO_ORDER, TO_MT, TO_FRAGMENTING, TO_OWNERSHIP, TO_NOWHERE };
#define PAGE_EVENTS \
	(1u << TRACE_EV_ALLOC | 1u << TRACE_EV_FREE | 1u << TRACE_EV_FREE_BATCHED)
#define EXTFRAG (1u << TRACE_EV_EXTFRAG)
static const struct small_field {
	const char *key;
	size_t len;
	unsigned int types, seen;
	uint8_t max, to;
	const char *why;
} small_fields[] = {
	{ "order", 5, PAGE_EVENTS, F_ORDER, MAX_ORDER - 1, TO_ORDER,
	  "order= is not an order mm/ has (0-10)" },
	{ "migratetype", 11, 1u << TRACE_EV_ALLOC, F_MT, 7, TO_MT, "migratetype= out of range" },
	{ "alloc_order", 11, EXTFRAG, F_ALLOC_ORDER, MAX_ORDER - 1, TO_ORDER,
	  "alloc_order= is not an order mm/ has (0-10)" },
	{ "fallback_order", 14, EXTFRAG, F_FALLBACK_ORDER, 63, TO_NOWHERE,
	  "fallback_order= out of range" },
	{ "fallback_migratetype", 20, EXTFRAG, 0, 7, TO_MT, "fallback_migratetype= out of range" },
	{ "fragmenting", 11, EXTFRAG, F_FRAGMENTING, 1, TO_FRAGMENTING,
	  "fragmenting= is not 0 or 1" },
	{ "change_ownership", 16, EXTFRAG, 0, 1, TO_OWNERSHIP, "change_ownership= is not 0 or 1" },
};

/* Store small field @f's value @v (@vn bytes) in @ev. */
static int set_small_field(const struct small_field *f, const char *v, size_t vn,
			   struct trace_event *ev, const char **why)
{
	uint64_t x;

	if (parse_number(v, vn, &x) || x > f->max) {
		*why = f->why;
		return -1;
	}
	if (f->to == TO_ORDER)
		ev->order = (uint8_t)x;
	else if (f->to == TO_MT)
		ev->mt = (uint8_t)x;
	else if (f->to == TO_FRAGMENTING && x)
		ev->flags |= TRACE_EV_FRAGMENTING;
	else if (f->to == TO_OWNERSHIP && x)
		ev->flags |= TRACE_EV_OWNERSHIP;
	return 0;
}

/* The "key=value key=value" part of a page event. Keys of other kernel
 * versions (cold=, ...) are ignored. */
static int parse_fields(struct trace_parser *p, const char *s, const char *end,
			struct trace_event *ev, const char **why)
{
	unsigned int seen = 0;
	bool page_null = false;

	/* libtraceevent's raw dump when it cannot evaluate the format. */
	while (s < end && *s == ' ')
		s++;
	if ((size_t)(end - s) >= 17 && !memcmp(s, "[FAILED TO PARSE]", 17))
		s += 17;
	while (s < end) {
		const char *k, *v, *tok_end;
		size_t kn, vn;
		long id;

		while (s < end && *s == ' ')
			s++;
		if (s == end)
			break;
		k = s;
		while (s < end && *s != '=' && *s != ' ')
			s++;
		if (s == end || *s != '=') {
			*why = "a field is not key=value";
			return -1;
		}
		kn = (size_t)(s - k);
		v = ++s;
		tok_end = memchr(v, ' ', (size_t)(end - v));
		if (!tok_end)
			tok_end = end;
		s = tok_end;
		vn = (size_t)(tok_end - v);
		if (key_is(k, kn, "page")) {
			if (parse_pointer(v, vn, &page_null)) {
				*why = "page= is not a pointer";
				return -1;
			}
			seen |= F_PAGE;
		} else if (key_is(k, kn, "pfn")) {
			if (parse_number(v, vn, &ev->pfn)) {
				*why = "pfn= is not a number";
				return -1;
			}
			seen |= F_PFN;
		} else if (key_is(k, kn, "gfp_flags")) {
			id = gfp_intern(p, v, vn, why);
			if (id < 0)
				return (int)id;
			ev->gfp_id = (uint32_t)id;
			seen |= F_GFP;
		} else {
			for (unsigned int i = 0; i < sizeof(small_fields) / sizeof(small_fields[0]); i++) {
				const struct small_field *f = &small_fields[i];

				if (f->len != kn || memcmp(f->key, k, kn) ||
				    !(f->types & (1u << ev->type)))
					continue;
				if (set_small_field(f, v, vn, ev, why))
					return -1;
				seen |= f->seen;
				break;
			}
		}
	}
	if ((seen & required[ev->type]) != required[ev->type]) {
		*why = ev->type == TRACE_EV_ALLOC ? "mm_page_alloc needs pfn=, order= and gfp_flags="
		       : ev->type == TRACE_EV_EXTFRAG
			       ? "mm_page_alloc_extfrag needs pfn=, alloc_order=, fallback_order= "
				 "and fragmenting="
			       : "a free needs pfn= (and order=)";
		return -1;
	}
	if (ev->type == TRACE_EV_ALLOC && !ev->pfn && (page_null || !(seen & F_PAGE)))
		ev->flags |= TRACE_EV_FAILED;
	return 0;
}

/* "[LOST 123 EVENTS]" (trace_pipe) or "CPU:1 [LOST 123 EVENTS]". */
static bool parse_lost(struct trace_parser *p, const char *s, const char *end)
{
	const char *l = memmem(s, (size_t)(end - s), "[LOST ", 6);
	uint64_t n = 0;
	const char *d;

	if (!l)
		return false;
	for (d = l + 6; d < end && *d >= '0' && *d <= '9'; d++)
		n = n * 10 + (uint64_t)(*d - '0');
	if (d == l + 6 || end - d < 8 || memcmp(d, " EVENTS]", 8))
		return false;
	p->lost_events += n;
	return true;
}

/* A line with no page event that is still a trace line: trace-cmd's
 * headers, or an event of another kind ("... [001] ... 1.23: name: ..."). */
static bool other_trace_line(const char *s, const char *end)
{
	static const char *const headers[] = { "version = ", "cpus=", "CPU ", "CPU:", "tracer:",
					       "entries-in-buffer", "trace-cmd:" };
	const char *br, *colon;

	for (unsigned int i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		size_t n = strlen(headers[i]);

		if ((size_t)(end - s) >= n && !memcmp(s, headers[i], n))
			return true;
	}
	br = memchr(s, '[', (size_t)(end - s));
	if (!br || !memchr(br, ']', (size_t)(end - br)))
		return false;
	colon = memmem(br, (size_t)(end - br), ": ", 2);
	return colon && memchr(colon + 2, ':', (size_t)(end - colon - 2));
}

/* The CPU of the prefix's "[001]" in [s, name): the last '[' before the
 * event name (flags and timestamp follow it, and a task name may hold
 * brackets of its own). 0 for a line without one; -1 past UINT16_MAX. */
static long parse_cpu(const char *s, const char *name)
{
	const char *br = memrchr(s, '[', (size_t)(name - s)), *d;
	long n = 0;

	if (!br)
		return 0;
	for (d = br + 1; d < name && *d >= '0' && *d <= '9'; d++)
		if ((n = n * 10 + (*d - '0')) > UINT16_MAX)
			return -1;
	if (d == br + 1 || d == name || *d != ']')
		return 0; /* not a CPU field: "[FAILED TO PARSE]" comes after the name */
	return n;
}

int trace_parse_line(struct trace_parser *p, const char *line, size_t len,
		     struct trace_event *ev, const char **why)
{
	const char *s = line, *end = line + len, *name;
	size_t rest;
	int type = -1, rc;
	long cpu;

	while (end > s && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == end || *s == '#') {
		p->other_lines++;
		return 0;
	}
	name = memmem(s, (size_t)(end - s), "mm_page_", 8);
	/* The event name starts the line or follows the prefix (a space) or
	 * perf's "kmem:". */
	while (name && name > s && name[-1] != ' ' && name[-1] != ':' && name[-1] != '\t')
		name = memmem(name + 1, (size_t)(end - name - 1), "mm_page_", 8);
	if (!name) {
		if (parse_lost(p, s, end) || other_trace_line(s, end)) {
			p->other_lines++;
			return 0;
		}
		*why = "not a trace line";
		return -1;
	}
	rest = (size_t)(end - name);
	for (unsigned int i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++) {
		size_t n = event_names[i].len;

		if (rest > n && name[n] == ':' && !memcmp(name, event_names[i].name, n)) {
			type = (int)event_names[i].type;
			name += n + 1;
			break;
		}
	}
	if (type < 0) {
		const char *colon = memchr(name, ':', rest);

		if (colon && !memchr(name, ' ', (size_t)(colon - name))) {
			p->other_lines++; /* mm_page_pcpu_drain, mm_page_alloc_zone_locked */
			return 0;
		}
		*why = "no event name before ':'";
		return -1;
	}
	memset(ev, 0, sizeof(*ev));
	ev->type = (uint8_t)type;
	cpu = parse_cpu(s, name);
	if (cpu < 0) {
		*why = "[cpu] is not a CPU number";
		return -1;
	}
	ev->cpu = cpu < (long)TRACE_CPU_MAX ? (uint32_t)cpu : TRACE_CPU_MAX;
	rc = parse_fields(p, name, end, ev, why);
	if (rc)
		return rc;
	if ((unsigned long)cpu >= p->nr_cpus)
		p->nr_cpus = (unsigned int)cpu + 1u;
	if (ev->pfn > p->max_pfn)
		p->max_pfn = ev->pfn;
	p->nr[type]++;
	if (ev->flags & TRACE_EV_FAILED)
		p->nr_failed++;
	return 1;
}

static int push_event(struct trace_events *out, const struct trace_event *ev)
{
	if (out->nr == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 65536;
		struct trace_event *a = realloc(out->ev, cap * sizeof(*a));

		if (!a)
			return -1;
		out->ev = a;
		out->cap = cap;
	}
	out->ev[out->nr++] = *ev;
	return 0;
}

int trace_parse_text(struct trace_parser *p, const char *text, size_t len,
		     struct trace_events *out, const char *name, char *err, size_t errlen)
{
	const char *s = text, *end = text + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		struct trace_event ev;
		const char *why = "";
		int rc;

		p->lineno++;
		rc = trace_parse_line(p, s, (size_t)(le - s), &ev, &why);
		if (rc == 1 && push_event(out, &ev)) {
			rc = -2;
			why = "out of host memory";
		}
		if (rc == -1 && p->lenient) {
			p->bad_lines++;
		} else if (rc < 0) {
			snprintf(err, errlen, "%s:%lu: %s", name, p->lineno, why);
			return -1;
		}
		s = le + 1;
	}
	return 0;
}

#define TRACE_CHUNK (4u << 20)

int trace_read_stream(struct trace_parser *p, FILE *f, struct trace_events *out,
		      const char *name, char *err, size_t errlen)
{
	char *buf;
	size_t have = 0;
	int rc = 0;
	struct stat st;

	/* A regular file is parsed in place: no copy through read(). */
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    ftell(f) == 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fileno(f), 0);

		if (m != MAP_FAILED) {
			madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
			rc = trace_parse_text(p, m, (size_t)st.st_size, out, name, err, errlen);
			munmap(m, (size_t)st.st_size);
			return rc;
		}
	}
	buf = malloc(TRACE_CHUNK);
	if (!buf) {
		snprintf(err, errlen, "%s: out of host memory", name);
		return -1;
	}
	for (;;) {
		size_t got = fread(buf + have, 1, TRACE_CHUNK - have, f);
		const char *last_nl;
		size_t whole;

		have += got;
		if (!got) {
			if (ferror(f)) {
				snprintf(err, errlen, "%s: read error", name);
				rc = -1;
			} else if (have) { /* a last line without newline */
				rc = trace_parse_text(p, buf, have, out, name, err, errlen);
			}
			break;
		}
		last_nl = memrchr(buf, '\n', have);
		if (!last_nl) {
			if (have == TRACE_CHUNK) {
				snprintf(err, errlen, "%s:%lu: line longer than %u bytes", name,
					 p->lineno + 1, TRACE_CHUNK);
				rc = -1;
				break;
			}
			continue;
		}
		whole = (size_t)(last_nl - buf) + 1;
		rc = trace_parse_text(p, buf, whole, out, name, err, errlen);
		if (rc)
			break;
		memmove(buf, buf + whole, have - whole);
		have -= whole;
	}
	free(buf);
	return rc;
}
