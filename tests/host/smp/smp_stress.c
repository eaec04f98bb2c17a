/*
 * tests/host/smp/smp_stress.c - mm/ on many CPUs at once: N pthreads are N
 * CPUs (smp_host.c), each kswapd and kcompactd a thread on a CPU of its
 * own, all running smp_work.c's phases together. Between phases every CPU
 * parks and one checks: invariants, LRU lists, and the books (every page
 * free, reserved, or owned by the harness or the page cache). Prints KTAP
 * with one result per phase and the end's books. Built under TSan, ASan
 * and plain -O2 (tests/host/smp/smp.mk).
 *
 *   smp_stress [--cpus N] [--nodes 1|2] [--ops N] [--rounds N] [--seed N]
 *   smp_stress --bench-ms T [--cpus N] [--pcp on|off]   order-0 pairs/s
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../ramdisk_host.h"
#include "../test_buddy_util.h"
#include "mm/compaction.h"
#include "mm/fail_page_alloc.h"
#include "mm/internal.h"
#include "mm/kcompactd.h"
#include "mm/kswapd.h"
#include "mm/lru.h"
#include "mm/migrate.h"
#include "mm/pcp.h"
#include "mm/vmscan.h"
#include "smp_host.h"
#include "smp_work.h"

static struct {
	unsigned int cpus, nodes, rounds;
	unsigned long ops;
	uint64_t seed;
	unsigned long bench_ms;
	bool bench_pcp;
} opt = { 4, 2, 2, 3000, 1, 0, true };

static struct smp_work work;
static struct smp_barrier barrier;
static struct block_device bdev;
static unsigned long base_allocated, boot_allocated;

/* Results per phase: problems found by the checks after it. */
static int phase_problems[NR_SMP_PHASES];
static struct smp_figures before[NR_SMP_PHASES], after[NR_SMP_PHASES];
static unsigned long migrated_all, injected_before, injected_in_alloc, oom_kills, compact_stalls,
	pgscan;

struct books {
	unsigned long free, allocated, reserved, managed;
};

/* Every page of every populated zone: free (buddy or per-CPU list),
 * reserved, or allocated. Nothing else may run. */
static void count_pages(struct books *b)
{
	struct zone *z;

	*b = (struct books){ 0 };
	for_each_zone(z) {
		unsigned long pfn = z->zone_start_pfn, end = zone_end_pfn(z);

		if (!populated_zone(z))
			continue;
		b->managed += z->managed_pages;
		while (pfn < end) {
			struct page *p = pfn_to_page(pfn);

			if (PageBuddy(p)) {
				pfn += 1ul << p->private;
				b->free += 1ul << p->private;
				continue;
			}
			if (PagePcp(p))
				b->free++;
			else if (PageReserved(p))
				b->reserved++;
			else
				b->allocated++;
			pfn++;
		}
	}
}

static unsigned long cache_pages(void)
{
	return mm_filemap_nr_pages() + mm_filemap_nr_node_pages();
}

/* All CPUs parked: kthreads too, then the checkers and the books. */
static int check_quiescent(const char *when)
{
	struct books b;
	unsigned long expect;
	int problems;

	mm_kswapd_park();
	mm_kcompactd_park();
	drain_all_pages(NULL);
	problems = mm_check_invariants() + mm_lru_check();
	count_pages(&b);
	expect = base_allocated + smp_work_owned_pages(&work) + cache_pages();
	if (b.free + b.allocated != b.managed) {
		printf("# %s: free %lu + allocated %lu != managed %lu\n", when, b.free, b.allocated,
		       b.managed);
		problems++;
	}
	if (b.allocated != expect) {
		printf("# %s: %lu pages allocated, expected %lu (boot %lu + harness %lu + cache %lu)\n",
		       when, b.allocated, expect, base_allocated, smp_work_owned_pages(&work),
		       cache_pages());
		problems++;
	}
	return problems;
}

static void resume_kthreads(void)
{
	if (kswapd_run() || kcompactd_run())
		mm_panic("smp_stress: kswapd or kcompactd did not start");
}

/* The serial work between phases, on the last CPU to arrive. */
static void between_phases(int done, int next, unsigned int round)
{
	if (done >= 0) {
		char when[80];

		snprintf(when, sizeof(when), "after %s (round %u)", smp_phase_name(done), round);
		phase_problems[done] += check_quiescent(when);
		smp_work_sum(&work, &after[done]);
		if (done == PHASE_ALLOC && mm_fail_page_alloc_on)
			injected_in_alloc += mm_fail_page_alloc_injected() - injected_before;
		mm_fail_page_alloc_disable();
	}
	if (next >= 0) {
		smp_work_sum(&work, &before[next]);
		if (next == PHASE_ALLOC && round % 2 == 0) {
			/* Every other round (the first too) injects failures. */
			struct fail_page_alloc_attr a = {
				.probability = 5, .interval = 1, .times = -1, .seed = opt.seed
			};

			injected_before = mm_fail_page_alloc_injected();
			mm_fail_page_alloc_setup(&a);
		}
		if (next == PHASE_OOM) {
			/* Nothing reclaimable left: the killer's turn. */
			for (unsigned int i = 0; i < work.nr_cpus; i++)
				mm_filemap_evict(&work.cpu[i].file, false);
			mm_filemap_evict(&work.shared, false);
		}
		resume_kthreads();
	}
}

static void cpu_main(unsigned int cpu, void *arg)
{
	(void)arg;
	for (unsigned int round = 0; round < opt.rounds; round++) {
		for (int ph = 0; ph < NR_SMP_PHASES; ph++) {
			if (smp_barrier_wait(&barrier))
				between_phases(ph      ? ph - 1
					       : round ? NR_SMP_PHASES - 1
						       : -1,
					       ph, round);
			smp_barrier_wait(&barrier);
			smp_work_phase(&work, cpu, (enum smp_phase)ph);
		}
	}
	if (smp_barrier_wait(&barrier))
		between_phases(NR_SMP_PHASES - 1, -1, opt.rounds - 1);
	smp_barrier_wait(&barrier);
}

/* ---- throughput: order-0 pairs on every CPU at once ---- */

static unsigned long bench_pairs[SMP_WORK_MAX_CPUS];
static double bench_cpu_s[SMP_WORK_MAX_CPUS];

/* This thread's CPU time: on a shared host the wall clock counts the
 * time other programs had the cores, this does not. */
static double thread_cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void bench_cpu(unsigned int cpu, void *arg)
{
	uint64_t end;
	unsigned long n = 0;

	double cpu0;

	(void)arg;
	smp_barrier_wait(&barrier);
	cpu0 = thread_cpu_seconds();
	end = mm_time_ns() + opt.bench_ms * 1000000ull;
	while (mm_time_ns() < end) {
		for (int i = 0; i < 256; i++) {
			struct page *p = alloc_pages(GFP_KERNEL, 0);

			if (!p)
				mm_panic("smp_stress: order-0 allocation failed in the benchmark");
			__free_pages(p, 0);
		}
		n += 256;
		smp_host_ipi_poll();
	}
	bench_pairs[cpu] = n;
	bench_cpu_s[cpu] = thread_cpu_seconds() - cpu0;
	smp_barrier_wait(&barrier);
}

static int run_bench(void)
{
	unsigned long total = 0;
	double cpu_s = 0;

	/* The allocator's own cost: no poisoning (a 4 KiB fill and check per
	 * page would be most of it). Set as CPU 0, before the CPUs start. */
	mm_debug_poison = false;
	mm_pcp_set_enabled(opt.bench_pcp);
	smp_host_leave_cpu();
	if (smp_host_run_cpus(opt.cpus, bench_cpu, NULL))
		return 1;
	for (unsigned int i = 0; i < opt.cpus; i++) {
		total += bench_pairs[i];
		cpu_s += bench_cpu_s[i];
	}
	printf("bench: %u CPUs, pcp %s, %lu ms: %lu order-0 pairs, %.0f pairs/s (%.0f per CPU), %.0f per CPU-second of the CPUs' threads\n",
	       opt.cpus, opt.bench_pcp ? "on" : "off", opt.bench_ms, total,
	       total * 1000.0 / opt.bench_ms, total * 1000.0 / opt.bench_ms / opt.cpus,
	       cpu_s > 0 ? total / cpu_s : 0.0);
	return 0;
}

/* ---- results ---- */

static int nr_results, nr_failed;

static void result(bool ok, const char *name)
{
	nr_results++;
	if (!ok)
		nr_failed++;
	printf("%sok %d %s\n", ok ? "" : "not ", nr_results, name);
}

static unsigned long delta(int ph, size_t off)
{
	return *(unsigned long *)((char *)&after[ph] + off) -
	       *(unsigned long *)((char *)&before[ph] + off);
}
#define D(ph, field) delta(ph, offsetof(struct smp_figures, field))

static void report(int end_problems, const struct smp_figures *t, unsigned long pgalloc,
		   unsigned long pgfree, unsigned long kept)
{
	struct smp_host_stats hs;

	smp_host_get_stats(&hs);
	printf("1..%d\n", NR_SMP_PHASES + 2);
	printf("# alloc: %lu allocs (%lu failed), %lu given to another CPU, %lu freed by another, %lu drains, %lu pcp switches, %lu injected failures\n",
	       t->allocs, t->alloc_fails, t->given, t->taken, t->drains, t->pcp_toggles,
	       injected_in_alloc);
	result(!phase_problems[PHASE_ALLOC] && !t->bad_stamps && !t->not_zeroed && t->taken &&
		       t->drains && t->pcp_toggles == 2 * opt.rounds,
	       smp_phase_name(PHASE_ALLOC));
	result(injected_in_alloc > 0, "fail_page_alloc_injects_while_every_cpu_allocates");
	printf("# cache: %lu writes, %lu reads (%lu verified), %lu ENOMEM, %lu mismatches, pgscan %lu\n",
	       t->writes, t->reads, t->verified, t->enomem, t->mismatches, pgscan);
	result(!phase_problems[PHASE_CACHE] && !t->mismatches && D(PHASE_CACHE, verified) && pgscan,
	       smp_phase_name(PHASE_CACHE));
	struct kswapd_stats ks;
	struct kcompactd_stats kc;

	mm_kswapd_get_stats(&ks);
	mm_kcompactd_get_stats(&kc);
	printf("# compact: %lu of %lu high-order requests served, %lu compact_memory moving %lu pages, %lu compaction stalls; kswapd %lu passes, kcompactd %lu wake-ups moving %lu pages\n",
	       t->high_order_ok, t->high_order_tries, t->compactions, t->migrated, compact_stalls,
	       ks.rounds, kc.wakeups, kc.migrated);
	unsigned long va_moved = 0;

	for (unsigned int i = 0; i < work.nr_cpus; i++)
		va_moved += work.cpu[i].va.nr_moved;
	printf("# migration: %lu pages counted by pgmigrate_success, %lu of them vmarea pages; vmarea %lu writes, %lu verified\n",
	       migrated_all, va_moved, t->va_writes, t->va_verified);
	/* Compaction did something: direct compaction ran or pages moved.
	 * Which of the two, and how many pages, depends on timing. */
	result(!phase_problems[PHASE_COMPACT] && t->high_order_ok &&
		       (compact_stalls || migrated_all + t->migrated + kc.migrated),
	       smp_phase_name(PHASE_COMPACT));
	printf("# oom: %lu kills, %lu hog pages, %lu hogs saw their kill\n", oom_kills,
	       t->hog_pages, t->hog_kills_seen);
	result(!phase_problems[PHASE_OOM] && oom_kills && t->hog_kills_seen,
	       smp_phase_name(PHASE_OOM));
	printf("# end: pgalloc %lu pgfree %lu, %lu pages the set-up keeps; harness pages allocated %lu freed %lu; %lu cross-CPU calls, %lu served by other CPUs, %lu sleepers woken, %u kthreads\n",
	       pgalloc, pgfree, kept, t->pages_allocated, t->pages_freed, hs.calls,
	       hs.ipis_served, hs.sleeper_kicks, hs.kthreads);
	/* pgalloc - pgfree is what stays allocated since the counters
	 * started (the set-up's own pages, @kept), less the pages compaction
	 * moved: their targets come off the free lists without an
	 * allocation. When nothing moved the two are equal. */
	result(!end_problems && !t->bad_stamps && !t->mismatches &&
		       t->pages_allocated == t->pages_freed && pgalloc <= pgfree + kept &&
		       hs.ipis_served,
	       "end_every_page_back_and_counters_add_up");
}

static int parse(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end = NULL;
		unsigned long n = v ? strtoul(v, &end, 0) : 0;

		if (!v || (strcmp(a, "--pcp") && (!*v || *end))) {
			fprintf(stderr, "smp_stress: %s needs a %s\n", a,
				strcmp(a, "--pcp") ? "number" : "value");
			return -1;
		}
		i++;
		if (!strcmp(a, "--cpus") && n >= 1 && n <= SMP_WORK_MAX_CPUS)
			opt.cpus = (unsigned int)n;
		else if (!strcmp(a, "--nodes") && (n == 1 || n == 2))
			opt.nodes = (unsigned int)n;
		else if (!strcmp(a, "--ops") && n > 0)
			opt.ops = n;
		else if (!strcmp(a, "--rounds") && n > 0)
			opt.rounds = (unsigned int)n;
		else if (!strcmp(a, "--seed"))
			opt.seed = n;
		else if (!strcmp(a, "--bench-ms") && n > 0)
			opt.bench_ms = n;
		else if (!strcmp(a, "--pcp") && (!strcmp(v, "on") || !strcmp(v, "off")))
			opt.bench_pcp = !strcmp(v, "on");
		else {
			fprintf(stderr,
				"smp_stress: bad option %s %s (--cpus 1..%d, --nodes 1|2, --ops, --rounds, --seed, --bench-ms, --pcp on|off)\n",
				a, v, SMP_WORK_MAX_CPUS);
			return -1;
		}
	}
	return 0;
}

#define SMP_MEM (64 * MiB)

/* 64 MiB in two nodes (or one): small enough that the files outgrow it
 * and the hogs exhaust it quickly, large enough for order-10 blocks. */
static int boot(void)
{
	const uint64_t mem = SMP_MEM;

	if (smp_host_setup(opt.cpus, opt.nodes + 1))
		return -1;
	mm_numa_reset();
	if (opt.nodes == 2) {
		mm_numa_add_memblk(0, 0, mem / 2);
		mm_numa_add_memblk(1, mem / 2, mem);
		for (unsigned int cpu = 0; cpu < opt.cpus + opt.nodes + 1; cpu++)
			mm_numa_set_cpu_node(cpu, (int)(cpu % 2));
		if (mm_numa_finalize(mem) != 2)
			return -1;
	}
	if (boot_qemu_memblock(mem, 2 * MiB))
		return -1;
	mm_reclaim_init();
	mm_filemap_init_global();
	mm_vm_events_reset();
	mm_reclaim_events_reset();
	mm_debug_poison = true;
	return 0;
}

int main(int argc, char **argv)
{
	struct books b;
	struct smp_figures total;
	int end_problems;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse(argc, argv))
		return 2;
	smp_host_enter_cpu(0, "main");
	if (boot() || ramdisk_host_create(&bdev, 64 * 1024)) {
		fprintf(stderr, "smp_stress: boot failed\n");
		return 2;
	}
	/* The counters start here (boot() resets them). */
	count_pages(&b);
	boot_allocated = b.allocated;
	printf("KTAP version 1\n# smp_stress: %u CPUs (+%u kthread CPUs), %u node%s, seed %llu, %lu ops per CPU per phase, %u rounds\n",
	       opt.cpus, opt.nodes + 1, opt.nodes, opt.nodes > 1 ? "s" : "",
	       (unsigned long long)opt.seed, opt.ops, opt.rounds);
	if (smp_barrier_init(&barrier, opt.cpus))
		return 2;
	resume_kthreads();
	if (opt.bench_ms)
		return run_bench();
	work.nr_cpus = opt.cpus;
	work.ops = opt.ops;
	work.bdev = &bdev;
	/* Pages: the shared file an eighth of RAM, the CPUs' files together
	 * 1.5 times RAM; blocks up to an eighth, ballast 60%. */
	work.shared_pages = SMP_MEM / MM_PAGE_SIZE / 8;
	work.file_pages = SMP_MEM / MM_PAGE_SIZE * 3 / 2 / opt.cpus;
	work.hold_pages = SMP_MEM / MM_PAGE_SIZE / 8 / opt.cpus;
	work.ballast_pages = SMP_MEM / MM_PAGE_SIZE * 6 / 10 / opt.cpus;
	if (smp_work_init(&work, opt.seed)) {
		fprintf(stderr, "smp_stress: set-up failed\n");
		return 2;
	}
	mm_kswapd_park();
	mm_kcompactd_park();
	drain_all_pages(NULL);
	count_pages(&b);
	base_allocated = b.allocated - cache_pages();
	resume_kthreads();
	uint64_t t0 = mm_time_ns();
	unsigned long kills0 = mm_oom_kill_count(), stalls0 = mm_compact_event_count(COMPACTSTALL);
	unsigned long migrated0 = mm_migrate_event_count(PGMIGRATE_SUCCESS);

	smp_host_leave_cpu();
	if (smp_host_run_cpus(opt.cpus, cpu_main, NULL))
		return 2;
	smp_host_enter_cpu(0, "main");
	oom_kills = mm_oom_kill_count() - kills0;
	compact_stalls = mm_compact_event_count(COMPACTSTALL) - stalls0;
	migrated_all = mm_migrate_event_count(PGMIGRATE_SUCCESS) - migrated0;
	pgscan = mm_global_reclaim_event(PGSCAN_KSWAPD) + mm_global_reclaim_event(PGSCAN_DIRECT);
	mm_kswapd_park();
	mm_kcompactd_park();
	end_problems = smp_work_finish(&work);
	end_problems += check_quiescent("at the end");
	count_pages(&b);
	if (b.allocated != base_allocated) {
		printf("# at the end: %lu pages allocated, %lu at the start\n", b.allocated,
		       base_allocated);
		end_problems++;
	}
	smp_work_sum(&work, &total);
	report(end_problems, &total,
	       mm_global_vm_event(PGALLOC_DMA) + mm_global_vm_event(PGALLOC_DMA32) +
		       mm_global_vm_event(PGALLOC_NORMAL),
	       mm_global_vm_event(PGFREE), base_allocated - boot_allocated);
	printf("# smp_stress: %u CPUs, %.1f s: %d passed, %d failed\n", opt.cpus,
	       (mm_time_ns() - t0) / 1e9, nr_results - nr_failed, nr_failed);
	return nr_failed ? 1 : 0;
}
