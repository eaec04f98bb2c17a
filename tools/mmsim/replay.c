/*
 * tools/mmsim/replay.c - replays a Linux page-allocation trace through
 * mm/: every mm_page_alloc asks mm/ for the same order and flags and the
 * block is remembered under the trace's pfn, every free gives back what
 * that pfn holds. Replayed movable order-0 pages belong to an owner of
 * their own (mm/movable.h), so compaction and kcompactd may move them;
 * the pfn map follows each move.
 *
 * The trace is not a closed stream (boot allocations predate it,
 * Linux's compaction moves pages without mm_page_alloc events, 6.1 traces
 * a listed free twice): each such case is recognised and counted, none
 * may corrupt mm/. kswapd and kcompactd run in this thread after every
 * allocation, so a replay is deterministic.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mm/compaction.h"
#include "mm/debug.h"
#include "mm/kcompactd.h"
#include "mm/kswapd.h"
#include "mm/migrate.h"
#include "mm/pcp.h"
#include "mm/movable.h"
#include "mm/zone.h"
#include "replay.h"
#include "tests/host/host_shim.h"

/* slot[] values besides a struct page pointer (which is 8-aligned). */
#define SLOT_EMPTY 0u
#define SLOT_FREED 1u	/* just freed by mm_page_free: a batched free of it is the same free */
#define SLOT_MISSING 2u /* Linux holds it, mm/ failed to serve it */
#define SLOT_IS_PAGE(v) ((v) > SLOT_MISSING)

#define REPLAY_TAG 0x594c5052u /* "RPLY" */
#define REPLAY_ISOLATED 1u

/* The owner of replayed movable pages: page->mapping points here,
 * page->index is the trace's pfn. */
static struct replay_owner {
	uint32_t tag; /* first: mm_page_movable_ops() reads it */
	uintptr_t *slot;
	unsigned long moved;
} owner = { .tag = REPLAY_TAG };

static bool replay_isolate(struct page *page)
{
	if (page->mapping != &owner || (page->private & REPLAY_ISOLATED) ||
	    page_ref_count(page) <= 0)
		return false;
	page->private |= REPLAY_ISOLATED;
	get_page(page);
	return true;
}

static int replay_migrate(struct page *dst, struct page *src)
{
	/* The replay's reference and the isolation's: nothing else. */
	if (page_ref_count(src) != 2)
		return -MIGRATE_EAGAIN;
	migrate_copy_content(dst, src);
	dst->mapping = &owner;
	dst->index = src->index;
	dst->private = 0;
	owner.slot[src->index] = (uintptr_t)dst;
	owner.moved++;
	src->mapping = NULL;
	src->private = 0;
	src->_refcount--; /* the replay's reference moved to dst */
	return 0;
}

static void replay_putback(struct page *page)
{
	page->private &= ~REPLAY_ISOLATED;
	__free_page(page); /* the isolation reference */
}

static const struct movable_ops replay_movable_ops = {
	.tag = REPLAY_TAG,
	.name = "replay",
	.isolate = replay_isolate,
	.migrate = replay_migrate,
	.putback = replay_putback,
};

struct replay {
	const struct trace_parser *p;
	uintptr_t *slot; /* by the trace's pfn */
	uint64_t nr_slots;
	unsigned long sample; /* print free pages by order every so many events */
	struct replay_stats st;
};

static unsigned int order_class(unsigned int order)
{
	return order == 0 ? REPLAY_ORDER0 : order <= 3 ? REPLAY_ORDER1_3
				      : order <= 8 ? REPLAY_ORDER4_8 : REPLAY_ORDER9_10;
}

/* Give a held block back to mm/. */
static void release(struct page *page, unsigned int order)
{
	if (page->mapping == &owner) {
		page->mapping = NULL;
		page->private = 0;
	}
	__free_pages(page, order);
}

/* kswapd and kcompactd, for whatever the allocation woke them for. */
static void run_daemons(void)
{
	while (mm_kswapd_balance())
		;
	while (mm_kcompactd_do_work())
		;
}

static void replay_alloc(struct replay *r, const struct trace_event *ev)
{
	const struct trace_gfp *g = &r->p->gfps[ev->gfp_id];
	/* Linux's failures are expected: no warnings. Nobody reads the
	 * pages, so zeroing them would only cost time: placement is the
	 * same with or without __GFP_ZERO. */
	gfp_t gfp = (g->gfp | __GFP_NOWARN) & ~__GFP_ZERO;
	unsigned int cls = order_class(ev->order);
	uintptr_t old = ev->pfn < r->nr_slots ? r->slot[ev->pfn] : SLOT_EMPTY;
	struct page *page;

	for (uint32_t m = g->noeffect; m; m &= m - 1)
		r->st.noeffect[__builtin_ctz(m)]++;
	/* Linux allocated a pfn we still hold: it was freed where the trace
	 * cannot see (moved by compaction, or before the trace began). */
	if (!(ev->flags & TRACE_EV_FAILED) && (SLOT_IS_PAGE(old) || old == SLOT_MISSING)) {
		r->st.held_allocs++;
		if (SLOT_IS_PAGE(old)) {
			struct page *op = (struct page *)old;

			release(op, page_alloc_order(op));
		}
		r->slot[ev->pfn] = SLOT_EMPTY;
	}
	page = alloc_pages(gfp, ev->order);
	run_daemons();
	if (ev->flags & TRACE_EV_FAILED) {
		r->st.linux_failed++;
		if (page) {
			r->st.ours_of_failed++;
			__free_pages(page, ev->order);
		}
		return;
	}
	r->st.linux_ok[cls]++;
	if (!page) {
		r->slot[ev->pfn] = SLOT_MISSING;
		return;
	}
	r->st.ours_ok[cls]++;
	if (!ev->order && gfp_migratetype(gfp) == MIGRATE_MOVABLE) {
		page->mapping = &owner;
		page->index = (uint32_t)ev->pfn;
		page->private = 0;
	}
	r->slot[ev->pfn] = (uintptr_t)page;
}

/* The pfn of the held block that covers @pfn without starting there, or
 * UINT64_MAX when there is none. */
static uint64_t enclosing_head(struct replay *r, uint64_t pfn)
{
	for (unsigned int k = 1; k < MAX_ORDER; k++) {
		uint64_t head = pfn & ~((1ull << k) - 1);
		uintptr_t v = r->slot[head];

		if (head != pfn && SLOT_IS_PAGE(v) &&
		    head + (1ull << page_alloc_order((struct page *)v)) > pfn)
			return head;
	}
	return UINT64_MAX;
}

/* Split a held, non-compound block at @head into order-0 pages, each
 * remembered under its own pfn (what Linux's split_page did). False for
 * a compound block, which Linux never frees in parts. */
static bool split_held(struct replay *r, uint64_t head)
{
	struct page *page = (struct page *)r->slot[head];
	unsigned int order = page_alloc_order(page);

	if (PageHead(page) || head + (1ull << order) > r->nr_slots)
		return false;
	split_page(page, order);
	for (unsigned long i = 1; i < 1UL << order; i++) {
		/* A later allocation at this pfn means Linux freed the piece
		 * where the trace could not see: so do we. */
		if (SLOT_IS_PAGE(r->slot[head + i]) || r->slot[head + i] == SLOT_MISSING)
			release(page + i, 0);
		else
			r->slot[head + i] = (uintptr_t)(page + i);
	}
	return true;
}

/* Free what we hold in [pfn, pfn + 2^order): Linux freed a different
 * order than it allocated (a split block, or several blocks at once). */
static bool free_range(struct replay *r, uint64_t pfn, unsigned int order)
{
	uint64_t end = pfn + (1ull << order);
	bool any = false;

	if (end > r->nr_slots)
		end = r->nr_slots;
	for (uint64_t q = pfn; q < end; q++) {
		uintptr_t v = r->slot[q];
		struct page *page;
		unsigned int o;

		if (!SLOT_IS_PAGE(v))
			continue;
		page = (struct page *)v;
		o = page_alloc_order(page);
		if (q + (1ull << o) > end && !split_held(r, q))
			continue;
		o = page_alloc_order(page);
		release(page, o);
		r->slot[q] = SLOT_EMPTY;
		any = true;
		q += (1ull << o) - 1;
	}
	return any;
}

static void replay_free(struct replay *r, const struct trace_event *ev)
{
	bool batched = ev->type == TRACE_EV_FREE_BATCHED;
	uintptr_t v = ev->pfn < r->nr_slots ? r->slot[ev->pfn] : SLOT_EMPTY;
	uintptr_t after = batched ? SLOT_EMPTY : SLOT_FREED;

	if (batched) {
		r->st.batched++;
		if (v == SLOT_FREED) { /* 6.1's second event for one free */
			r->st.batched_dup++;
			r->slot[ev->pfn] = SLOT_EMPTY;
			return;
		}
		r->st.batched_only++;
	} else {
		r->st.frees++;
	}
	if (ev->pfn >= r->nr_slots) {
		r->st.unknown_frees++;
		return;
	}
	if (SLOT_IS_PAGE(v)) {
		struct page *page = (struct page *)v;
		unsigned int o = page_alloc_order(page);

		if (o == ev->order) {
			release(page, o);
			r->slot[ev->pfn] = SLOT_EMPTY;
		} else {
			r->st.mismatched_frees++;
			if (o > ev->order)
				split_held(r, ev->pfn);
			free_range(r, ev->pfn, ev->order);
		}
	} else if (v == SLOT_MISSING) {
		r->st.missed_frees++;
	} else {
		uint64_t head = enclosing_head(r, ev->pfn);

		if (head != UINT64_MAX && split_held(r, head)) {
			r->st.mismatched_frees++;
			free_range(r, ev->pfn, ev->order);
		} else {
			r->st.unknown_frees++;
		}
	}
	/* A compound block Linux freed only part of stays held. */
	if (!SLOT_IS_PAGE(r->slot[ev->pfn]))
		r->slot[ev->pfn] = after;
}

/* "replay-sample,EVENT,P0,...,P10": pages in free blocks of each order,
 * all zones together (tools/plot-replay.sh draws them). */
static void print_sample(size_t event)
{
	static unsigned long buddy[MM_BUDDYINFO_ZONES][MAX_ORDER];

	mm_buddyinfo_snapshot(buddy);
	printf("replay-sample,%zu", event);
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long pages = 0;

		for (unsigned int zi = 0; zi < MM_BUDDYINFO_ZONES; zi++)
			pages += buddy[zi][o] << o;
		printf(",%lu", pages);
	}
	printf("\n");
}

static void replay_events(struct replay *r, const struct trace_events *evs)
{
	for (size_t i = 0; i < evs->nr; i++) {
		const struct trace_event *ev = &evs->ev[i];

		if (r->sample && i % r->sample == 0)
			print_sample(i);
		/* On the CPU Linux ran it on: each CPU's lists fill, drain and
		 * scale their batch by that CPU's own frees and allocations. */
		host_set_cpu(ev->cpu);
		switch (ev->type) {
		case TRACE_EV_ALLOC:
			replay_alloc(r, ev);
			break;
		case TRACE_EV_FREE:
		case TRACE_EV_FREE_BATCHED:
			replay_free(r, ev);
			break;
		case TRACE_EV_EXTFRAG:
			if (ev->flags & TRACE_EV_FRAGMENTING)
				r->st.extfrag_fragmenting++;
			else
				r->st.extfrag_whole++;
			break;
		}
	}
	host_set_cpu(0);
	r->st.events = evs->nr;
	if (r->sample)
		print_sample(evs->nr);
}

/* Pages of the blocks the map holds: counted from the map itself, not
 * kept as a running sum, so that a block lost from the map shows up as a
 * difference in the books (free before = free after + held). */
static unsigned long held_pages(const struct replay *r)
{
	unsigned long n = 0;

	for (uint64_t q = 0; q < r->nr_slots; q++)
		if (SLOT_IS_PAGE(r->slot[q]))
			n += 1UL << page_alloc_order((struct page *)r->slot[q]);
	return n;
}

/* Pages of one held block that fall in one pageblock. */
struct pb_pages {
	unsigned long pb, pages;
};

struct pb_list {
	struct pb_pages *v;
	size_t n, cap;
};

static int pb_cmp(const void *a, const void *b)
{
	unsigned long x = ((const struct pb_pages *)a)->pb, y = ((const struct pb_pages *)b)->pb;

	return x < y ? -1 : x > y;
}

/* Add the pageblocks the block of @order at @pfn covers; -1 without memory. */
static int pb_add(struct pb_list *l, unsigned long pfn, unsigned int order)
{
	unsigned long end = pfn + (1UL << order);

	while (pfn < end) {
		unsigned long next = (pfn | (pageblock_nr_pages - 1)) + 1;

		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 1024;
			struct pb_pages *v = realloc(l->v, cap * sizeof(*v));

			if (!v)
				return -1;
			l->v = v;
			l->cap = cap;
		}
		l->v[l->n++] = (struct pb_pages){ pfn >> pageblock_order,
						  (next < end ? next : end) - pfn };
		pfn = next;
	}
	return 0;
}

/* How many pageblocks the list's pages lie in, and how many of those hold
 * a single one of them. Sorts the list. */
static void pb_count(struct pb_list *l, unsigned long *blocks, unsigned long *single)
{
	if (l->n) /* no list yet: qsort must not see NULL */
		qsort(l->v, l->n, sizeof(*l->v), pb_cmp);
	for (size_t i = 0, j; i < l->n; i = j) {
		unsigned long pages = 0;

		for (j = i; j < l->n && l->v[j].pb == l->v[i].pb; j++)
			pages += l->v[j].pages;
		(*blocks)++;
		*single += pages == 1;
	}
}

/* Where the blocks still held at the end lie: in mm/'s pageblocks, and in
 * Linux's (at the trace's pfns, which are Linux's own). A pageblock whose
 * only used page is one of them cannot be a free order-9 block; comparing
 * the two shows whether mm/ scatters what the trace keeps more than
 * Linux did. */
static void held_scatter(const struct replay *r, struct replay_stats *st)
{
	struct pb_list ours = { 0 }, linux_pbs = { 0 };
	bool ok = true;

	for (uint64_t q = 0; q < r->nr_slots && ok; q++) {
		struct page *page;
		unsigned int order;

		if (!SLOT_IS_PAGE(r->slot[q]))
			continue;
		page = (struct page *)r->slot[q];
		order = page_alloc_order(page);
		ok = !pb_add(&ours, page_to_pfn(page), order) && !pb_add(&linux_pbs, q, order);
	}
	if (ok) {
		pb_count(&ours, &st->held_blocks[0], &st->held_single[0]);
		pb_count(&linux_pbs, &st->held_blocks[1], &st->held_single[1]);
	} else {
		fprintf(stderr, "mmsim: --replay: out of host memory counting held pageblocks\n");
	}
	free(ours.v);
	free(linux_pbs.v);
}

/* Hold @pages unmovable pages from now on, in the largest blocks mm/
 * gives: Linux's memory the trace never shows (boot allocations, its
 * trace buffer). Returns the pages held. */
static unsigned long hold_ballast(unsigned long pages, unsigned long *blocks)
{
	unsigned long held = 0;
	int order = MAX_ORDER - 1;

	while (held < pages && order >= 0) {
		struct page *page;

		if ((1UL << order) > pages - held) {
			order--;
			continue;
		}
		page = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY, (unsigned int)order);
		if (!page) {
			order--;
			continue;
		}
		held += 1UL << order;
		if ((unsigned int)order >= pageblock_order)
			*blocks += 1UL << (order - (int)pageblock_order);
	}
	run_daemons();
	return held;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int replay_init(struct replay *r, const struct trace_parser *p)
{
	uint64_t max = p->max_pfn;

	memset(r, 0, sizeof(*r));
	r->p = p;
	/* page->index carries the pfn of a movable page: 32 bits. */
	if (max >= UINT32_MAX) {
		fprintf(stderr, "mmsim: --replay: pfn 0x%llx is beyond what the replay maps\n",
			(unsigned long long)max);
		return -1;
	}
	r->nr_slots = max + 1 + (1u << (MAX_ORDER - 1));
	r->slot = calloc(r->nr_slots, sizeof(*r->slot));
	if (!r->slot) {
		fprintf(stderr, "mmsim: --replay: out of host memory for the pfn map\n");
		return -1;
	}
	owner.slot = r->slot;
	owner.moved = 0;
	mm_movable_owner_register(&replay_movable_ops);
	return 0;
}

/* What the measuring pass sends back. */
struct measured {
	long nr_free; /* buddy free pages at the end */
	long pcp;     /* pages on the per-CPU lists at the end */
};

/*
 * The first pass that sizes the ballast: the same replay, without ballast,
 * in a child process whose arena is its own (copy on write; a file-backed
 * arena is remapped privately first), so the child's mm/ state is its own
 * copy, and so is its copy of @fresh, the replay as replay_init left it.
 * Returns 0 with the child's end in @m, or -1.
 */
static int measure_end_free(const struct replay *fresh, const struct trace_events *evs,
			    struct measured *m)
{
	int fd[2];
	pid_t pid;
	int status, rc = 0;

	fflush(stdout);
	if (pipe(fd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		struct replay r = *fresh;

		close(fd[0]);
		if (host_ram_unshare() || !freopen("/dev/null", "w", stdout))
			_exit(1);
		replay_events(&r, evs);
		m->nr_free = (long)nr_free_pages();
		drain_all_pages(NULL);
		m->pcp = (long)nr_free_pages() - m->nr_free;
		_exit(write(fd[1], m, sizeof(*m)) == sizeof(*m) ? 0 : 1);
	}
	close(fd[1]);
	if (read(fd[0], m, sizeof(*m)) != sizeof(*m))
		rc = -1;
	close(fd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		rc = -1;
	return rc;
}

/*
 * The ballast: Linux's free memory at the end less ours without one.
 * When the log says how many pages Linux's per-CPU lists held, free
 * memory is the buddy lists' and the per-CPU lists' together on both
 * sides (both are free pages; buddyinfo and nr_free_pages leave the
 * lists out, and how full each side's lists end is chance): otherwise the
 * buddy lists' alone, all older logs give.
 */
static unsigned long ballast_pages(const struct measured *m, const struct replay_linux_end *le)
{
	unsigned long ours = (unsigned long)m->nr_free, linux_free = le->nr_free_pages;

	if (le->pcp_lists) {
		ours += (unsigned long)m->pcp;
		linux_free += le->pcp_count;
	}
	return ours > linux_free ? ours - linux_free : 0;
}

static void gather_counters(struct replay_end *e)
{
	struct kswapd_stats ks;
	struct kcompactd_stats kc;

	mm_kswapd_get_stats(&ks);
	mm_kcompactd_get_stats(&kc);
	e->kswapd_rounds = ks.rounds;
	e->kcompactd_wakeups = kc.wakeups;
	e->fallback_fragmenting = mm_global_vm_event(EXTFRAG_FRAGMENTING);
	e->fallback_whole = mm_global_vm_event(EXTFRAG_WHOLE);
	e->compact_stall = mm_compact_event_count(COMPACTSTALL);
	e->pgmigrate_success = mm_migrate_event_count(PGMIGRATE_SUCCESS);
}

static void gather_end(struct replay_end *e)
{
	static unsigned long buddy[MM_BUDDYINFO_ZONES][MAX_ORDER];
	struct zone *z;

	memset(e, 0, sizeof(*e));
	e->nr_free = nr_free_pages();
	mm_buddyinfo_snapshot(e->buddy);
	for (unsigned int zi = 0; zi < MM_BUDDYINFO_ZONES; zi++)
		for (unsigned int o = 9; o < MAX_ORDER; o++)
			e->free_high += e->buddy[zi][o] << o;
	for_each_zone(z) {
		unsigned long b[MIGRATE_TYPES];

		if (!populated_zone(z))
			continue;
		mm_pageblock_counts(z, b);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			e->blocks[mt] += b[mt];
	}
	gather_counters(e);
	e->problems = mm_check_invariants();
	/* The same after emptying the per-CPU lists: how much of the
	 * difference to Linux is pages parked there (docs/replay.md). */
	drain_all_pages(NULL);
	e->nr_free_drained = nr_free_pages();
	mm_buddyinfo_snapshot(buddy);
	for (unsigned int zi = 0; zi < MM_BUDDYINFO_ZONES; zi++)
		for (unsigned int o = 9; o < MAX_ORDER; o++)
			e->free_high_drained += buddy[zi][o] << o;
}

static int read_trace(const char *path, struct trace_parser *p, struct trace_events *evs)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	char err[512];
	int rc;

	if (!f) {
		fprintf(stderr, "mmsim: --replay %s: %s\n", path, strerror(errno));
		return -1;
	}
	rc = trace_read_stream(p, f, evs, is_stdin ? "stdin" : path, err, sizeof(err));
	if (!is_stdin)
		fclose(f);
	if (rc)
		fprintf(stderr, "%s\n", err);
	return rc;
}

int mmsim_replay(const char *path, const struct replay_linux_end *le, bool lenient,
		 unsigned long sample)
{
	struct trace_parser p;
	struct trace_events evs = { 0 };
	struct replay r;
	struct replay_end end, base;
	double t0 = now_s(), t1, t2;
	int rc = 2;

	trace_parser_init(&p, lenient);
	if (read_trace(path, &p, &evs))
		goto out;
	t1 = now_s();
	if (replay_init(&r, &p))
		goto out;
	if (p.nr_cpus > MM_MAX_CPUS) {
		fprintf(stderr, "mmsim: --replay: the trace has CPU %u, mm/ at most %d CPUs\n",
			p.nr_cpus - 1, MM_MAX_CPUS);
		goto out;
	}
	/* As many CPUs as the trace names, each with lists sized as Linux's
	 * were (the low watermark split among them). */
	host_set_nr_cpus(p.nr_cpus ? p.nr_cpus : 1);
	mm_pcp_nr_cpus_changed();
	r.st.nr_cpus = p.nr_cpus ? p.nr_cpus : 1;
	r.st.parse_s = t1 - t0;
	if (le && le->have_vmstat) {
		struct measured m;

		if (measure_end_free(&r, &evs, &m)) {
			fprintf(stderr, "mmsim: --replay: the measuring pass failed\n");
			rc = 1;
			goto out;
		}
		r.st.ballast = hold_ballast(ballast_pages(&m, le), &r.st.ballast_blocks);
	}
	r.sample = sample;
	/* Lists emptied, so that free pages before plus nothing held equal
	 * free pages after with the lists emptied plus what is still held. */
	drain_all_pages(NULL);
	r.st.free_before = nr_free_pages();
	/* Counters from the replay alone, not the boot's or the ballast's. */
	gather_counters(&base);
	t2 = now_s();
	replay_events(&r, &evs);
	r.st.migrated = owner.moved;
	r.st.held_pages = held_pages(&r);
	held_scatter(&r, &r.st);
	r.st.replay_s = now_s() - t2;
	r.st.measure_s = t2 - t1;
	gather_end(&end);
	end.fallback_fragmenting -= base.fallback_fragmenting;
	end.fallback_whole -= base.fallback_whole;
	end.compact_stall -= base.compact_stall;
	end.pgmigrate_success -= base.pgmigrate_success;
	end.kswapd_rounds -= base.kswapd_rounds;
	end.kcompactd_wakeups -= base.kcompactd_wakeups;
	replay_report(&p, &r.st, &end, le);
	rc = end.problems ? 1 : 0;
out:
	free(evs.ev);
	trace_parser_free(&p);
	return rc;
}
