/*
 * tests/host/smp/smp_work.c - what every CPU of the SMP harness does in
 * each phase: allocations of every order and gfp class stamped on every
 * page and checked when freed (some freed by another CPU), drains of all
 * CPUs' lists, per-CPU lists switched off and on, page-cache writes and
 * verified reads under reclaim, high-order requests that compact, and
 * hogs the OOM killer picks from any CPU.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/compact_zone.h"
#include "mm/internal.h"
#include "mm/numa.h"
#include "mm/pcp.h"
#include "smp_host.h"
#include "smp_work.h"

#define STAMP 0x5a5a0000cafe0000ull
#define SHARED_FILE_ID 0x5ead
#define CPU_FILE_ID(cpu) (0x100u + (cpu))
#define CPU_VA_ID(cpu) (0x7a00u + (cpu))
#define VA_PAGES 64

static uint64_t rnd(struct smp_cpu_work *c)
{
	c->rnd ^= c->rnd >> 12;
	c->rnd ^= c->rnd << 25;
	c->rnd ^= c->rnd >> 27;
	return (c->rnd * 2685821657736338717ull) >> 16;
}

const char *smp_phase_name(enum smp_phase phase)
{
	static const char *const names[NR_SMP_PHASES] = {
		[PHASE_ALLOC] = "alloc_free_every_order_and_gfp_class",
		[PHASE_CACHE] = "page_cache_reads_and_writes_under_reclaim",
		[PHASE_COMPACT] = "high_order_requests_compact_and_migrate",
		[PHASE_OOM] = "oom_killer_picks_hogs_of_other_cpus",
	};
	return phase < NR_SMP_PHASES ? names[phase] : "?";
}

/* ---- stamped blocks ---- */

/* Every page of a block: its pfn at the start, the owner CPU next, the
 * pfn's complement at the end; a page handed out twice, or written after
 * free by someone, shows up when its holder frees it. */
static void stamp_block(struct page *page, unsigned int order, unsigned int cpu)
{
	unsigned long pfn = page_to_pfn(page);

	for (unsigned long i = 0; i < 1ul << order; i++) {
		uint64_t *w = mm_pfn_to_virt(pfn + i);

		w[0] = STAMP ^ (pfn + i);
		w[1] = cpu;
		w[MM_PAGE_SIZE / 8 - 1] = ~(uint64_t)(pfn + i);
	}
}

static bool stamp_ok(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);

	for (unsigned long i = 0; i < 1ul << order; i++) {
		const uint64_t *w = mm_pfn_to_virt(pfn + i);

		if (w[0] != (STAMP ^ (pfn + i)) ||
		    w[MM_PAGE_SIZE / 8 - 1] != ~(uint64_t)(pfn + i)) {
			mm_printk("smp: block at pfn 0x%lx order %u: page %lu lost its stamp (cpu word %lu)\n",
				  pfn, order, i, (unsigned long)w[1]);
			return false;
		}
	}
	return true;
}

static void free_block(struct smp_cpu_work *c, struct page *page, unsigned int order)
{
	if (!stamp_ok(page, order))
		c->f.bad_stamps++;
	__free_pages(page, order);
	c->f.frees++;
	c->f.pages_freed += 1ul << order;
}

static const gfp_t gfp_classes[] = {
	GFP_KERNEL,
	GFP_KERNEL | __GFP_NORETRY,
	GFP_KERNEL | __GFP_RETRY_MAYFAIL,
	GFP_KERNEL | __GFP_ZERO,
	GFP_KERNEL | __GFP_COMP,
	GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_HIGHUSER_MOVABLE,
	GFP_ATOMIC,
	GFP_NOWAIT,
	GFP_NOIO,
	GFP_DMA32,
	GFP_DMA | GFP_KERNEL,
	GFP_KERNEL | __GFP_THISNODE,
	GFP_KERNEL | __GFP_NOFAIL,
};
#define NR_GFP_CLASSES (sizeof(gfp_classes) / sizeof(gfp_classes[0]))

static bool block_zeroed(struct page *page, unsigned int order)
{
	const uint64_t *w = page_address(page);

	for (unsigned long j = 0; j < (MM_PAGE_SIZE << order) / 8; j++)
		if (w[j])
			return false;
	return true;
}

/* One allocation of *@orderp with @gfp, on this CPU's node or @nid's
 * (NOFAIL requests are cut to order 1, where Linux stops warning). */
static struct page *alloc_one(struct smp_cpu_work *c, gfp_t gfp, unsigned int *orderp, int nid)
{
	struct page *p;
	unsigned int order;

	if ((gfp & __GFP_NOFAIL) && *orderp > 1)
		*orderp = 1;
	order = *orderp;
	p = nid == NUMA_NO_NODE ? alloc_pages(gfp | __GFP_NOWARN, order)
				: alloc_pages_node(nid, gfp | __GFP_NOWARN, order);
	if (!p) {
		c->f.alloc_fails++;
		return NULL;
	}
	if ((gfp & __GFP_ZERO) && !block_zeroed(p, order))
		c->f.not_zeroed++;
	stamp_block(p, order, c->cpu);
	c->f.allocs++;
	c->f.pages_allocated += 1ul << order;
	return p;
}

static void hold(struct smp_cpu_work *c, struct page *p, unsigned int order)
{
	c->held[c->nheld++] = (struct smp_block){ p, order };
	c->held_pages += 1ul << order;
}

static void release(struct smp_cpu_work *c, unsigned long k)
{
	struct smp_block b = c->held[k];

	c->held[k] = c->held[--c->nheld];
	c->held_pages -= 1ul << b.order;
	free_block(c, b.page, b.order);
}

/* ---- cross-CPU frees: a block goes into a shared slot, any CPU frees it ---- */

static void give_away(struct smp_work *w, struct smp_cpu_work *c, unsigned long k)
{
	struct smp_block b = c->held[k];
	uint64_t v = (uint64_t)page_to_pfn(b.page) << 4 | b.order, empty = 0;
	uint64_t *slot = &w->exchange[rnd(c) % 64];

	if (!__atomic_compare_exchange_n(slot, &empty, v, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED))
		return; /* slot taken: keep it */
	c->held[k] = c->held[--c->nheld];
	c->held_pages -= 1ul << b.order;
	c->f.given++;
}

static void take_from_exchange(struct smp_work *w, struct smp_cpu_work *c)
{
	uint64_t v = __atomic_exchange_n(&w->exchange[rnd(c) % 64], 0, __ATOMIC_ACQ_REL);

	if (!v)
		return;
	free_block(c, pfn_to_page((unsigned long)(v >> 4)), (unsigned int)(v & 15));
	c->f.taken++;
}

void smp_work_drain_exchange(struct smp_work *w)
{
	for (int i = 0; i < 64; i++) {
		uint64_t v = __atomic_exchange_n(&w->exchange[i], 0, __ATOMIC_ACQ_REL);

		if (v)
			free_block(&w->cpu[mm_cpu_id() % w->nr_cpus],
				   pfn_to_page((unsigned long)(v >> 4)), (unsigned int)(v & 15));
	}
}

/* ---- page cache ---- */

static void cache_write(struct smp_cpu_work *c, uint64_t i)
{
	uint32_t v = c->version[i] + 1;
	int err;

	page_pattern_fill(c->buf, c->file.id, i, v);
	err = mm_filemap_write(&c->file, i, c->buf);
	c->f.writes++;
	if (!err)
		c->version[i] = v;
	else if (err == -MM_ENOMEM)
		c->f.enomem++;
	else
		c->f.mismatches++;
}

static void cache_read(struct smp_cpu_work *c, struct address_space *m, uint64_t i,
		       uint32_t version)
{
	int err = mm_filemap_read(m, i, c->buf);

	c->f.reads++;
	if (err == -MM_ENOMEM) {
		c->f.enomem++;
	} else if (err) {
		c->f.mismatches++;
	} else if (version) {
		c->f.verified++;
		if (page_pattern_check(c->buf, m->id, i, version)) {
			c->f.mismatches++;
			mm_printk("smp: cpu %u: page %llu of file %llx does not hold version %u\n",
				  c->cpu, (unsigned long long)i, (unsigned long long)m->id,
				  version);
		}
	}
}

/* ---- vmarea: kernel-mapped pages compaction may move under us ---- */

/* Map, rewrite (pinned, after checking the last version) or unmap one
 * slot of this CPU's area. */
static void vmarea_op(struct smp_cpu_work *c)
{
	unsigned long idx = rnd(c) % VA_PAGES;
	uint32_t v = c->va_version[idx];
	struct page *pin;
	void *addr;

	if (!v) {
		if (mm_vmarea_populate(&c->va, idx))
			return;
	} else if (rnd(c) % 4 == 0) {
		mm_vmarea_unpopulate(&c->va, idx);
		c->va_version[idx] = 0;
		return;
	}
	pin = mm_vmarea_pin(&c->va, idx);
	addr = mm_vmarea_addr(&c->va, idx);
	if (!pin || !addr) {
		c->f.mismatches++;
		if (pin)
			mm_vmarea_unpin(pin);
		return;
	}
	if (v) {
		c->f.va_verified++;
		if (page_pattern_check(addr, CPU_VA_ID(c->cpu), idx, v)) {
			c->f.mismatches++;
			mm_printk("smp: cpu %u: vmarea slot %lu does not hold version %u\n", c->cpu,
				  idx, v);
		}
	}
	page_pattern_fill(addr, CPU_VA_ID(c->cpu), idx, v + 1);
	c->va_version[idx] = v + 1;
	c->f.va_writes++;
	mm_vmarea_unpin(pin);
}

/* ---- OOM hogs ---- */

/* Free every page of @h (stamps checked); it takes no more after. */
static unsigned long hog_free_all(struct smp_hog *h, bool by_killer)
{
	unsigned long n;

	pthread_mutex_lock(&h->lock);
	h->killed = true;
	h->kills += by_killer;
	n = h->nr;
	for (unsigned long i = 0; i < h->nr; i++) {
		if (!stamp_ok(h->pages[i], 0))
			h->bad++;
		__free_page(h->pages[i]);
	}
	h->nr = 0;
	mm_oom_task_account(&h->task, -(long)n);
	pthread_mutex_unlock(&h->lock);
	return n;
}

/* The OOM killer's callback, on whichever CPU's allocation failed. */
static unsigned long hog_kill(struct oom_task *t)
{
	return hog_free_all(t->data, true);
}

/* Grow this CPU's hog by one page; false once the killer took it. */
static bool hog_grow(struct smp_cpu_work *c)
{
	struct smp_hog *h = &c->hog;
	unsigned int order0 = 0;
	struct page *p = alloc_one(c, GFP_KERNEL, &order0, NUMA_NO_NODE);
	bool killed;

	if (!p)
		return true;
	c->f.allocs--; /* hog pages are counted apart */
	c->f.pages_allocated--;
	pthread_mutex_lock(&h->lock);
	killed = h->killed;
	if (!killed && h->nr < h->cap) {
		h->pages[h->nr++] = p;
		mm_oom_task_account(&h->task, 1);
		c->f.hog_pages++;
		p = NULL;
	}
	pthread_mutex_unlock(&h->lock);
	if (p)
		__free_page(p);
	return !killed;
}

static void hog_release(struct smp_cpu_work *c)
{
	struct smp_hog *h = &c->hog;

	mm_oom_unregister_task(&h->task);
	hog_free_all(h, false);
	c->f.hog_kills_seen += h->kills;
	c->f.bad_stamps += h->bad;
	h->bad = 0;
}

/* ---- phases ---- */

static unsigned int pick_order(struct smp_cpu_work *c, unsigned int lo, unsigned int hi)
{
	uint64_t r = rnd(c) % 100;

	if (lo == 0 && r < 60)
		return 0;
	if (r < 85)
		return lo + (unsigned int)(rnd(c) % (hi - lo < 3 ? hi - lo + 1 : 3));
	return lo + (unsigned int)(rnd(c) % (hi - lo + 1));
}

static void step_alloc(struct smp_work *w, struct smp_cpu_work *c, unsigned long op)
{
	uint64_t r = rnd(c) % 100;

	if (r < 40 && c->nheld < c->cap && c->held_pages < w->ballast_pages + w->hold_pages) {
		unsigned int order = pick_order(c, 0, MAX_ORDER - 1);
		gfp_t gfp = gfp_classes[rnd(c) % NR_GFP_CLASSES];
		int nid = rnd(c) % 4 ? NUMA_NO_NODE : (int)(rnd(c) % (unsigned)mm_nr_nodes);
		struct page *p = alloc_one(c, gfp, &order, nid);

		if (p)
			hold(c, p, order);
	} else if (r < 70 && c->nheld) {
		release(c, rnd(c) % c->nheld);
	} else if (r < 82 && c->nheld) {
		give_away(w, c, rnd(c) % c->nheld);
	} else if (r < 97) {
		take_from_exchange(w, c);
	} else if (r < 98) {
		/* Another CPU's lists too: every CPU drains its own. */
		struct zone *z = NULL;

		if (rnd(c) % 2)
			z = &NODE_DATA(0)->node_zones[ZONE_DMA32];
		drain_all_pages(z);
		c->f.drains++;
	}
	/* Off at a third of the phase, on again at two thirds. */
	if (c->cpu == 1 % w->nr_cpus && (op == w->ops / 3 || op == 2 * w->ops / 3)) {
		mm_pcp_set_enabled(!mm_pcp_enabled());
		c->f.pcp_toggles++;
	}
}

/* With @r below @writes, a write of this CPU's file; below @reads, a
 * verified read of it. False: @r is for the caller's other operations. */
static bool own_file_op(struct smp_work *w, struct smp_cpu_work *c, uint64_t r, uint64_t writes,
			uint64_t reads)
{
	uint64_t i = rnd(c) % w->file_pages;

	if (r < writes)
		cache_write(c, i);
	else if (r < reads)
		cache_read(c, &c->file, i, c->version[i]);
	return r < reads;
}

static void step_cache(struct smp_work *w, struct smp_cpu_work *c)
{
	uint64_t r = rnd(c) % 100;

	if (own_file_op(w, c, r, 35, 65))
		return;
	if (r < 80) {
		cache_read(c, &w->shared, rnd(c) % w->shared_pages, 1);
	} else if (r < 90 && c->nheld < c->cap &&
		   c->held_pages < w->ballast_pages + w->hold_pages) {
		unsigned int order = pick_order(c, 0, 3);
		struct page *p = alloc_one(c, GFP_KERNEL, &order, NUMA_NO_NODE);

		if (p)
			hold(c, p, order);
	} else if (c->nheld) {
		release(c, rnd(c) % c->nheld);
	}
}

static void step_compact(struct smp_work *w, struct smp_cpu_work *c, unsigned long op)
{
	uint64_t r = rnd(c) % 100;

	if (c->cpu == 0 && op == w->ops / 2) {
		c->f.migrated += mm_compact_memory();
		c->f.compactions++;
	}
	if (own_file_op(w, c, r, 30, 45))
		return;
	if (r < 55) {
		vmarea_op(c);
	} else if (r < 70 && c->nheld < c->cap) {
		static const gfp_t high[] = { GFP_KERNEL, GFP_KERNEL | __GFP_NORETRY,
					      GFP_KERNEL | __GFP_RETRY_MAYFAIL,
					      GFP_HIGHUSER_MOVABLE | __GFP_COMP };
		unsigned int order = pick_order(c, 4, 9);
		struct page *p = alloc_one(c, high[rnd(c) % 4], &order, NUMA_NO_NODE);

		c->f.high_order_tries++;
		if (p) {
			c->f.high_order_ok++;
			hold(c, p, order);
		}
	} else if (c->nheld) {
		release(c, rnd(c) % c->nheld);
	}
}

static void phase_oom(struct smp_cpu_work *c)
{
	struct smp_hog *h = &c->hog;

	h->killed = false;
	h->kills = 0;
	h->task.killed = false;
	h->task.nr_pages = 0;
	if (mm_oom_register_task(&h->task))
		return;
	/* Until the killer picks it (or the hog is full): the other CPUs'
	 * hogs grow meanwhile, so any CPU may be the one that kills. */
	while (hog_grow(c))
		smp_host_ipi_poll();
	hog_release(c);
}

void smp_work_phase(struct smp_work *w, unsigned int cpu, enum smp_phase phase)
{
	struct smp_cpu_work *c = &w->cpu[cpu];

	if (phase == PHASE_OOM) {
		phase_oom(c);
		return;
	}
	/* Ballast: most of RAM held in blocks, so the files outgrow the rest
	 * after a few thousand operations and reclaim and compaction run. */
	if (phase != PHASE_ALLOC) {
		while (c->held_pages < w->ballast_pages && c->nheld < c->cap) {
			unsigned int order = 2;
			struct page *p = alloc_one(c, GFP_KERNEL, &order, NUMA_NO_NODE);

			if (!p)
				break;
			hold(c, p, order);
		}
	}
	for (unsigned long op = 0; op < w->ops; op++) {
		if (phase == PHASE_ALLOC)
			step_alloc(w, c, op);
		else if (phase == PHASE_CACHE)
			step_cache(w, c);
		else
			step_compact(w, c, op);
		smp_host_ipi_poll();
	}
	/* Phases end with nothing held, so the next starts from the same
	 * amount of free memory whatever this one did. */
	while (c->nheld)
		release(c, c->nheld - 1);
}

/* ---- set-up, books and the end ---- */

int smp_work_init(struct smp_work *w, uint64_t seed)
{
	struct smp_cpu_work *c0 = &w->cpu[0];

	if (mm_filemap_init(&w->shared, SHARED_FILE_ID, w->bdev, 0, w->shared_pages, 0))
		return -1;
	for (unsigned int cpu = 0; cpu < w->nr_cpus; cpu++) {
		struct smp_cpu_work *c = &w->cpu[cpu];
		uint64_t first = w->shared_pages + cpu * w->file_pages;

		c->cpu = cpu;
		c->rnd = (seed + 1) * 0x9e3779b97f4a7c15ull + cpu * 0x632be59bd9b4e019ull + 1;
		c->cap = 4096;
		c->held = calloc(c->cap, sizeof(*c->held));
		c->version = calloc(w->file_pages, sizeof(*c->version));
		c->va_version = calloc(VA_PAGES, sizeof(*c->va_version));
		if (!c->va_version || mm_vmarea_create(&c->va, VA_PAGES, 0))
			return -1;
		c->hog.cap = 1ul << 16;
		c->hog.pages = calloc(c->hog.cap, sizeof(*c->hog.pages));
		if (!c->held || !c->version || !c->hog.pages)
			return -1;
		pthread_mutex_init(&c->hog.lock, NULL);
		c->hog.task = (struct oom_task){ .name = "smp_hog",
						 .kill = hog_kill,
						 .data = &c->hog };
		if (mm_filemap_init(&c->file, CPU_FILE_ID(cpu), w->bdev, first, w->file_pages, 0))
			return -1;
	}
	/* The shared file: version 1 everywhere, written back and dropped,
	 * so every CPU's read of it goes to the disk and into the cache. */
	for (uint64_t i = 0; i < w->shared_pages; i++) {
		page_pattern_fill(c0->buf, SHARED_FILE_ID, i, 1);
		if (mm_filemap_write(&w->shared, i, c0->buf))
			return -1;
	}
	if (mm_filemap_sync(&w->shared))
		return -1;
	mm_filemap_evict(&w->shared, false);
	return 0;
}

unsigned long smp_work_owned_pages(const struct smp_work *w)
{
	unsigned long n = 0;

	for (unsigned int cpu = 0; cpu < w->nr_cpus; cpu++)
		n += w->cpu[cpu].held_pages + w->cpu[cpu].hog.nr + w->cpu[cpu].va.nr_mapped;
	for (int i = 0; i < 64; i++) {
		uint64_t v = __atomic_load_n(&w->exchange[i], __ATOMIC_ACQUIRE);

		if (v)
			n += 1ul << (v & 15);
	}
	return n;
}

int smp_work_finish(struct smp_work *w)
{
	int problems = 0;

	smp_work_drain_exchange(w);
	for (unsigned int cpu = 0; cpu < w->nr_cpus; cpu++) {
		struct smp_cpu_work *c = &w->cpu[cpu];

		while (c->nheld)
			release(c, c->nheld - 1);
		for (unsigned long i = 0; i < VA_PAGES; i++) {
			const void *addr = mm_vmarea_addr(&c->va, i);

			if (c->va_version[i] && (!addr || page_pattern_check(addr, CPU_VA_ID(cpu),
									     i, c->va_version[i])))
				c->f.mismatches++;
			mm_vmarea_unpopulate(&c->va, i);
			c->va_version[i] = 0;
		}
		if (mm_filemap_sync(&c->file))
			problems++;
		mm_filemap_evict(&c->file, false);
		for (uint64_t i = 0; i < w->file_pages; i++)
			if (c->version[i])
				cache_read(c, &c->file, i, c->version[i]);
		mm_filemap_evict(&c->file, true);
	}
	mm_filemap_evict(&w->shared, true);
	mm_filemap_drain_node_pool();
	return problems;
}

void smp_work_sum(const struct smp_work *w, struct smp_figures *out)
{
	unsigned long *o = (unsigned long *)out;

	memset(out, 0, sizeof(*out));
	for (unsigned int cpu = 0; cpu < w->nr_cpus; cpu++) {
		const unsigned long *f = (const unsigned long *)&w->cpu[cpu].f;

		for (size_t i = 0; i < sizeof(*out) / sizeof(unsigned long); i++)
			o[i] += f[i];
	}
}
