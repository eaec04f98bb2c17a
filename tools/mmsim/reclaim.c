/*
 * tools/mmsim/reclaim.c - mmsim's "reclaim" workload: the slowpath's
 * policy (watermarks, direct reclaim, retry decisions, the OOM killer)
 * driven by a simulated page cache. One file, a quarter larger than RAM,
 * lives on a host RAM disk; seeded cache read and write runs go over it
 * while two held sets keep memory short:
 *
 *  the hog   anonymous memory without swap, as in Linux's comparison load
 *            (../shared/README.md): vmarea pages written through their
 *            mapping at set-up. Reclaim cannot free them, compaction can
 *            move them. It is the OOM killer's only victim; a killed hog
 *            comes back a burst at a time.
 *  the kernel's own requests: a churning set of GFP_KERNEL / GFP_ATOMIC /
 *            __GFP_NORETRY / __GFP_RETRY_MAYFAIL blocks, 10% of them at
 *            orders 1-4, in bursts and releases. Its ceiling is a
 *            sixteenth of RAM: Linux 6.1 under the shared capture's load
 *            (512 MiB) held at most about 7,000 unmovable pages (6%) and
 *            ended with ~4,900 pages of slab, stacks and page tables.
 *
 * Together they hold three quarters of RAM. A hog of unmovable pages (as
 * this workload had before) left every pageblock unmovable after a few
 * thousand steps, so no order-3 block could be made and the OOM killer
 * ran: a load that Linux's comparison did not have.
 *
 * Run lengths and bursts grow with RAM up to a 512 MiB machine's and stay
 * there above it, so a step costs the same on every large machine; larger
 * machines start with their cache read in but for a 512 MiB machine's
 * room, and the report says how often the cache was cycled. kswapd and kcompactd run
 * synchronously after each step whenever they were woken (host threads
 * would share CPU 0's per-CPU lists). Every page read back is checked
 * against the version last written; at the end the disk is synced and
 * checked too, and every hog page against its stamp and page table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/host_shim.h"
#include "tests/host/ramdisk_host.h"
#include "mm/debug.h"
#include "mm/filemap.h"
#include "mm/kcompactd.h"
#include "mm/kswapd.h"
#include "mm/lru.h"
#include "mm/oom.h"
#include "mm/vmarea.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"
#include "mm/zone.h"
#include "mmsim.h"

#define FILE_ID 42
#define HOG_ID 0x686f67u
#define RECENT 64
/* Above a 512 MiB machine's managed pages, per-step traffic stops growing. */
#define SCALE_CAP_PAGES (512UL << (20 - MM_PAGE_SHIFT))

enum gfp_class { GC_KERNEL, GC_ATOMIC, GC_NORETRY, GC_RETRY_MAYFAIL, NR_GFP_CLASSES };

static const char *const class_names[NR_GFP_CLASSES] = {
	"GFP_KERNEL",
	"GFP_ATOMIC",
	"GFP_KERNEL|__GFP_NORETRY",
	"GFP_KERNEL|__GFP_RETRY_MAYFAIL",
};
static const gfp_t class_gfp[NR_GFP_CLASSES] = {
	GFP_KERNEL,
	GFP_ATOMIC,
	GFP_KERNEL | __GFP_NORETRY,
	GFP_KERNEL | __GFP_RETRY_MAYFAIL,
};

struct class_stats {
	unsigned long requests, failures, stalls;
};

struct held_block {
	struct page *page;
	unsigned int order;
};

/* All state is static: reachable at exit, so the leak checker stays quiet
 * while the cache is left populated for --print. */
static struct {
	struct block_device bdev;
	struct address_space file;
	uint32_t *version; /* last version written per file page (0: never) */
	uint64_t nr_file_pages;
	unsigned long scale, burst;  /* longest run, largest burst */
	unsigned long kernel_cap;    /* the kernel's requests burst while below */
	unsigned long cache_room;    /* what the held sets leave to the cache */
	struct oom_task task; /* owns the hog */
	struct vmarea hog;
	unsigned long hog_size, hog_next; /* pages it wants; next index to fill */
	unsigned long hog_mismatches, hog_missing; /* found by check_hog() */
	struct held_block *held; /* the kernel's own requests */
	size_t nheld, capheld;
	unsigned long held_pages;
	uint64_t rnd;
	struct class_stats cls[NR_GFP_CLASSES];
	unsigned long order_stalls[MAX_ORDER]; /* allocations that entered direct reclaim */
	unsigned long cache_ops, cache_stalls, cache_errors;
	unsigned long pages_read, pages_written, mismatches, disk_mismatches;
	unsigned long kswapd_runs, kcompactd_runs;
	unsigned int last_order;       /* of the request being served */
	unsigned long step;
	unsigned long avoidable_kills; /* see kill_avoidable() */
	long lowest_free[MM_BUDDYINFO_ZONES]; /* by node * MAX_NR_ZONES + zone */
	uint64_t recent[RECENT];	      /* starts of recent write runs */
} rs;

static unsigned char rbuf[MM_PAGE_SIZE] __attribute__((aligned(64)));

static uint64_t rnd(void)
{
	/* xorshift64*, as workloads.c: the same run for a seed everywhere */
	rs.rnd ^= rs.rnd >> 12;
	rs.rnd ^= rs.rnd << 25;
	rs.rnd ^= rs.rnd >> 27;
	return (rs.rnd * 2685821657736338717ull) >> 16;
}

static void held_push(struct page *p, unsigned int order)
{
	if (rs.nheld == rs.capheld) {
		rs.capheld = rs.capheld ? rs.capheld * 2 : 4096;
		rs.held = realloc(rs.held, rs.capheld * sizeof(*rs.held));
		if (!rs.held) {
			fprintf(stderr, "mmsim: out of host memory\n");
			exit(1);
		}
	}
	rs.held[rs.nheld++] = (struct held_block){ p, order };
	rs.held_pages += 1UL << order;
}

static void held_release(size_t i)
{
	unsigned int order = rs.held[i].order;

	__free_pages(rs.held[i].page, order);
	rs.held[i] = rs.held[--rs.nheld];
	rs.held_pages -= 1UL << order;
}

/*
 * A hog page carries the first words of its pattern and one word from each
 * later quarter of the page: enough to tell a page moved whole to its new
 * frame from a wrong, stale or half-copied one, at a hundredth of a full
 * pattern's cost (the hog is three quarters of RAM, written and checked once).
 */
static const unsigned int hog_words[] = { 0, 1, 2, 3, 4, PAGE_PATTERN_WORDS / 4,
					  PAGE_PATTERN_WORDS / 2, 3 * PAGE_PATTERN_WORDS / 4,
					  PAGE_PATTERN_WORDS - 1 };

static void hog_stamp(uint64_t *w, unsigned long idx)
{
	for (size_t i = 0; i < sizeof(hog_words) / sizeof(hog_words[0]); i++)
		w[hog_words[i]] = page_pattern_word(HOG_ID, idx, 1, hog_words[i]);
}

static bool hog_stamp_ok(const uint64_t *w, unsigned long idx)
{
	for (size_t i = 0; i < sizeof(hog_words) / sizeof(hog_words[0]); i++)
		if (w[hog_words[i]] != page_pattern_word(HOG_ID, idx, 1, hog_words[i]))
			return false;
	return true;
}

/* Fill the hog's next pages, at most @max, writing each through its
 * mapping as a program would. Stops at the first failed fault. */
static void hog_fill(unsigned long max)
{
	for (; max && rs.hog_next < rs.hog_size; max--) {
		unsigned long idx = rs.hog_next++;
		int err = mm_vmarea_populate(&rs.hog, idx);

		if (err == -MM_EEXIST) /* filled while a kill emptied the rest */
			continue;
		if (err) {
			rs.hog_next = idx;
			return;
		}
		hog_stamp(mm_vmarea_addr(&rs.hog, idx), idx);
		mm_oom_task_account(&rs.task, 1);
	}
}

/* Could a kill for @order have been avoided: does a zone have the pages
 * for the block above its min watermark, for the node's highest zone (the
 * workload's requests reach it), and an aligned block of only free and
 * page-cache pages? */
static bool kill_avoidable(unsigned int order)
{
	struct zone *z;

	for_each_zone(z) {
		struct pglist_data *pgdat = NODE_DATA(z->node);
		struct oom_block_census bc;
		int top = 0;

		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			if (populated_zone(&pgdat->node_zones[zi]))
				top = zi;
		if (!populated_zone(z) ||
		    !mm_zone_watermark_ok(z, 0, min_wmark_pages(z) + (1UL << order), top, 0))
			continue;
		mm_oom_block_census(z, order, &bc);
		if (bc.makeable)
			return true;
	}
	return false;
}

/* The OOM killer's victim: the hog's pages all go back at once. */
static unsigned long task_kill(struct oom_task *t)
{
	unsigned long n = t->nr_pages;

	if (rs.last_order && kill_avoidable(rs.last_order))
		rs.avoidable_kills++;
	if (!mm_oom_kill_count()) { /* the first time: what the killer saw */
		printf("workload reclaim: first OOM kill at step %lu; buddyinfo before it frees %lu hog pages:\n",
		       rs.step, n);
		mm_print_buddyinfo();
	}
	for (unsigned long i = 0; i < rs.hog_size; i++)
		if (mm_vmarea_page(&rs.hog, i)) {
			mm_vmarea_unpopulate(&rs.hog, i);
			mm_oom_task_account(t, -1);
		}
	rs.hog_next = 0;
	return n;
}

static unsigned long allocstalls(void)
{
	return mm_global_reclaim_event(ALLOCSTALL);
}

/* Did the call in between enter direct reclaim: it counts on this CPU. */
static unsigned long cpu_allocstalls(void)
{
	return mm_this_cpu_reclaim_event(ALLOCSTALL);
}

static void alloc_one(void)
{
	unsigned long r = rnd() % 100;
	enum gfp_class c = r < 45   ? GC_KERNEL
			   : r < 65 ? GC_ATOMIC
			   : r < 85 ? GC_NORETRY
				    : GC_RETRY_MAYFAIL;
	unsigned int order;
	unsigned long before = cpu_allocstalls();
	struct page *p;

	r = rnd() % 100;
	if (c == GC_ATOMIC)
		order = r < 90 ? 0 : 1;
	else if (c == GC_KERNEL)
		order = r < 90 ? 0 : 1 + (unsigned int)(rnd() % 3);
	else /* the limited-retry classes also ask for costly orders */
		order = r < 70 ? 0 : r < 90 ? 1 + (unsigned int)(rnd() % 3) : 4;
	rs.last_order = order;
	p = alloc_pages(class_gfp[c] | __GFP_NOWARN, order);
	rs.last_order = 0;
	rs.cls[c].requests++;
	if (cpu_allocstalls() != before)
		rs.cls[c].stalls++, rs.order_stalls[order]++;
	if (p)
		held_push(p, order);
	else
		rs.cls[c].failures++;
}

static void cache_run(bool write, uint64_t start, unsigned long len)
{
	for (unsigned long k = 0; k < len; k++) {
		uint64_t idx = (start + k) % rs.nr_file_pages;
		unsigned long before = cpu_allocstalls();
		int err;

		rs.cache_ops++;
		if (write) {
			page_pattern_fill(rbuf, FILE_ID, idx, rs.version[idx] + 1);
			err = mm_filemap_write(&rs.file, idx, rbuf);
			if (!err) {
				rs.version[idx]++;
				rs.pages_written++;
			}
		} else {
			err = mm_filemap_read(&rs.file, idx, rbuf);
			if (!err) {
				rs.pages_read++;
				if (page_pattern_check(rbuf, FILE_ID, idx, rs.version[idx])) {
					if (rs.mismatches++ < 5)
						printf("workload reclaim: page %llu does not hold version %u\n",
						       (unsigned long long)idx, rs.version[idx]);
				}
			}
		}
		if (err)
			rs.cache_errors++;
		if (cpu_allocstalls() != before)
			rs.cache_stalls++;
	}
}

static void sample_free(void)
{
	struct zone *z;

	for_each_zone(z) {
		long f = zone_page_state(z, NR_FREE_PAGES);
		long *lo = &rs.lowest_free[z->node * MAX_NR_ZONES + z->zone_idx];

		if (populated_zone(z) && (*lo < 0 || f < *lo))
			*lo = f;
	}
}

/* kswapd and kcompactd, synchronously, for whatever woke them. */
static void run_daemons(void)
{
	while (mm_kswapd_balance())
		rs.kswapd_runs++;
	while (mm_kcompactd_do_work())
		rs.kcompactd_runs++;
}

static int setup(void)
{
	unsigned long managed = 0;

	struct zone *z;

	for_each_zone(z)
		managed += z->managed_pages;
	mm_reclaim_init();
	mm_kswapd_reset();
	mm_kswapd_stats_reset();
	mm_oom_reset();
	mm_vm_events_reset();
	mm_reclaim_events_reset();
	rs.nr_file_pages = managed + managed / 4;
	if (rs.nr_file_pages >= (1ull << 32)) {
		printf("workload reclaim: %llu pages is too much RAM for one file's 32-bit index\n",
		       (unsigned long long)managed);
		return -1;
	}
	rs.version = calloc(rs.nr_file_pages, sizeof(*rs.version));
	if (!rs.version || ramdisk_host_create(&rs.bdev, rs.nr_file_pages)) {
		fprintf(stderr, "mmsim: no host memory for a %llu-page RAM disk\n",
			(unsigned long long)rs.nr_file_pages);
		return -1;
	}
	if (mm_filemap_init(&rs.file, FILE_ID, &rs.bdev, 0, rs.nr_file_pages, 0))
		return -1;
	/* Three quarters held: the kernel's sixteenth, the hog the rest. */
	rs.kernel_cap = managed / 16;
	rs.hog_size = managed * 3 / 4 - rs.kernel_cap;
	if (mm_vmarea_create(&rs.hog, rs.hog_size, 0)) {
		printf("workload reclaim: no room for a %lu-page hog\n", rs.hog_size);
		return -1;
	}
	/* Runs and bursts as a 512 MiB machine's at most (see the top). */
	rs.scale = managed / 2048 > 8 ? managed / 2048 : 8;
	rs.burst = managed / 256 > 16 ? managed / 256 : 16;
	if (rs.scale > SCALE_CAP_PAGES / 2048)
		rs.scale = SCALE_CAP_PAGES / 2048;
	if (rs.burst > SCALE_CAP_PAGES / 256)
		rs.burst = SCALE_CAP_PAGES / 256;
	rs.cache_room = managed - managed * 3 / 4;
	host_ram_expect_dense(); /* the held sets and the cache fill RAM */
	rs.task.name = "mmsim-hog";
	rs.task.kill = task_kill;
	if (mm_oom_register_task(&rs.task))
		return -1;
	for (int i = 0; i < MM_BUDDYINFO_ZONES; i++)
		rs.lowest_free[i] = -1;
	printf("workload reclaim: %lu managed pages, file of %llu pages (%llu MiB) on a RAM disk\n",
	       managed, (unsigned long long)rs.nr_file_pages,
	       (unsigned long long)(rs.nr_file_pages >> (20 - MM_PAGE_SHIFT)));
	printf("workload reclaim: hog of %lu anonymous pages, kernel requests held up to %lu pages; "
	       "runs up to %lu pages, bursts up to %lu requests\n",
	       rs.hog_size, rs.kernel_cap, rs.scale, rs.burst);
	return 0;
}

static double pct(unsigned long part, unsigned long whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void report(unsigned long steps)
{
	struct class_stats all = { 0 };
	struct kswapd_stats ks;

	for (int c = 0; c < NR_GFP_CLASSES; c++) {
		all.requests += rs.cls[c].requests;
		all.failures += rs.cls[c].failures;
		all.stalls += rs.cls[c].stalls;
	}
	mm_kswapd_get_stats(&ks);
	printf("workload reclaim: %lu steps: %lu pages read, %lu written, %lu cache errors, "
	       "%lu blocks held (%lu pages)\n",
	       steps, rs.pages_read, rs.pages_written, rs.cache_errors, (unsigned long)rs.nheld,
	       rs.held_pages);
	printf("cache cycled %.1f times: pages read + written / %lu pages the held sets leave; "
	       "hog holds %lu pages\n",
	       (double)(rs.pages_read + rs.pages_written) / (double)rs.cache_room, rs.cache_room,
	       rs.task.nr_pages);
	printf("allocations: %lu, entered direct reclaim: %lu, direct reclaim share: %.2f%%\n",
	       all.requests, all.stalls, pct(all.stalls, all.requests));
	printf("  by order:");
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		if (rs.order_stalls[o])
			printf(" %u: %lu", o, rs.order_stalls[o]);
	printf("\n");
	printf("cache page operations: %lu, entered direct reclaim: %lu (%.2f%%)\n", rs.cache_ops,
	       rs.cache_stalls, pct(rs.cache_stalls, rs.cache_ops));
	for (int c = 0; c < NR_GFP_CLASSES; c++)
		printf("  %-30s requests %8lu  failed %7lu (%6.2f%%)  direct reclaim %7lu\n",
		       class_names[c], rs.cls[c].requests, rs.cls[c].failures,
		       pct(rs.cls[c].failures, rs.cls[c].requests), rs.cls[c].stalls);
	struct zone *z;

	for_each_zone(z) {
		struct kswapd_stats nks;

		if (!populated_zone(z))
			continue;
		if (mm_kswapd_get_node_stats(z->node, &nks))
			nks = ks;
		if (mm_nr_nodes > 1)
			printf("node %d ", z->node);
		printf("zone %8s: lowest free %ld between steps, %ld at kswapd wake-ups; "
		       "min %lu low %lu high %lu\n",
		       z->name, rs.lowest_free[z->node * MAX_NR_ZONES + z->zone_idx],
		       nks.lowest_free[z->zone_idx], min_wmark_pages(z), low_wmark_pages(z),
		       high_wmark_pages(z));
	}
	printf("allocstall %lu pgscan_kswapd %lu pgscan_direct %lu pgsteal_kswapd %lu "
	       "pgsteal_direct %lu\n",
	       allocstalls(), mm_global_reclaim_event(PGSCAN_KSWAPD),
	       mm_global_reclaim_event(PGSCAN_DIRECT), mm_global_reclaim_event(PGSTEAL_KSWAPD),
	       mm_global_reclaim_event(PGSTEAL_DIRECT));
	printf("kswapd efficiency %.1f%%, direct efficiency %.1f%% (pgsteal / pgscan)\n",
	       pct(mm_global_reclaim_event(PGSTEAL_KSWAPD), mm_global_reclaim_event(PGSCAN_KSWAPD)),
	       pct(mm_global_reclaim_event(PGSTEAL_DIRECT), mm_global_reclaim_event(PGSCAN_DIRECT)));
	mm_print_reclaim_profile();
	printf("written back by reclaim %lu pages (nr_vmscan_write), to disk in all %lu pages; "
	       "kswapd passes %lu, kcompactd passes %lu, oom_kill %lu\n",
	       mm_global_reclaim_event(NR_VMSCAN_WRITE), mm_global_reclaim_event(PGPGOUT_PAGES),
	       rs.kswapd_runs, rs.kcompactd_runs, mm_oom_kill_count());
	printf("oom kills with a block still makeable from free and page-cache pages: %lu\n",
	       rs.avoidable_kills);
}

/*
 * Above 512 MiB the steps fill the cache no faster than on a 512 MiB
 * machine, so read in (clean, not counted) all but a 512 MiB machine's
 * room for it: reclaim then starts after as many steps as there.
 */
static void cache_prefill(void)
{
	unsigned long n = rs.cache_room > SCALE_CAP_PAGES / 4 ? rs.cache_room - SCALE_CAP_PAGES / 4 : 0;

	for (uint64_t i = 0; i < n && i < rs.nr_file_pages; i++) {
		int err = 0;
		struct page *p = mm_filemap_get_page(&rs.file, i, &err);

		if (!p)
			break;
		mm_filemap_put_page(p);
	}
}

/* Every hog page mapped where its page table says, holding its stamp
 * wherever compaction moved it. */
static void check_hog(void)
{
	for (unsigned long i = 0; i < rs.hog_size; i++) {
		struct page *p = mm_vmarea_pin(&rs.hog, i);

		if (!p) {
			rs.hog_missing++;
			continue;
		}
		if (mm_vmarea_pte_pfn(&rs.hog, i) != page_to_pfn(p) ||
		    !hog_stamp_ok(mm_vmarea_addr(&rs.hog, i), i)) {
			if (rs.hog_mismatches++ < 5)
				printf("workload reclaim: hog page %lu lost its content or mapping\n", i);
		}
		mm_vmarea_unpin(p);
	}
}

/* Sync the file, then check every block written against its version. */
static unsigned long check_disk(void)
{
	unsigned long bad = 0;
	int err = mm_filemap_sync(&rs.file);

	if (err) {
		printf("workload reclaim: filemap_sync failed (%d)\n", err);
		bad++;
	}
	for (uint64_t i = 0; i < rs.nr_file_pages; i++)
		if (rs.version[i] &&
		    page_pattern_check(ramdisk_host_block(&rs.bdev, i), FILE_ID, i, rs.version[i]))
			bad++;
	return bad;
}

int mmsim_reclaim(unsigned long seed, unsigned long steps)
{
	int problems, lru_problems;

	rs.rnd = seed * 0x9e3779b97f4a7c15ull + 1;
	if (setup())
		return 1;
	/* Start with both held sets in place (not counted: no pressure yet),
	 * the kernel's first as at boot, so the cache runs into the
	 * watermarks within a few hundred steps. */
	while (rs.held_pages < rs.kernel_cap) {
		struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);

		if (!p)
			break;
		held_push(p, 0);
	}
	hog_fill(rs.hog_size);
	cache_prefill();
	run_daemons();
	for (unsigned long s = 0; s < steps; s++) {
		unsigned long r = rnd() % 100;

		rs.step = s;
		if (rs.task.killed) { /* a victim comes back for more */
			mm_oom_unregister_task(&rs.task);
			mm_oom_register_task(&rs.task);
		}
		hog_fill(rs.burst);
		if (r < 30) {
			/* half the reads go back to recent writes: content that
			 * may have been written back and dropped meanwhile */
			uint64_t start = rnd() % 2 ? rs.recent[rnd() % RECENT]
						   : rnd() % rs.nr_file_pages;

			cache_run(false, start, 1 + rnd() % rs.scale);
		} else if (r < 50) {
			uint64_t start = rnd() % rs.nr_file_pages;

			rs.recent[s % RECENT] = start;
			cache_run(true, start, 1 + rnd() % rs.scale);
		} else if (r < 80 && rs.held_pages < rs.kernel_cap) {
			/* bursts up to about the gap between the high and
			 * min watermarks: kswapd, run only between steps,
			 * cannot always keep ahead */
			for (unsigned long n = 1 + rnd() % rs.burst; n; n--)
				alloc_one();
		} else {
			/* mostly the newest first, as short-lived kernel
			 * objects go; a quarter at random fragments memory */
			for (unsigned long n = 1 + rnd() % (rs.burst / 2); n && rs.nheld; n--)
				held_release(rnd() % 4 ? rs.nheld - 1 : rnd() % rs.nheld);
		}
		sample_free();
		run_daemons();
	}
	report(steps);
	check_hog(); /* before the destroy below empties it */
	while (rs.nheld)
		held_release(rs.nheld - 1);
	mm_oom_unregister_task(&rs.task);
	mm_vmarea_destroy(&rs.hog);
	run_daemons();
	rs.disk_mismatches = check_disk();
	problems = mm_check_invariants();
	lru_problems = mm_lru_check();
	printf("pattern mismatches: %lu on re-read, %lu on disk after sync\n", rs.mismatches,
	       rs.disk_mismatches);
	printf("hog mismatches: %lu (%lu pages checked, %lu moved by compaction, %lu not filled)\n",
	       rs.hog_mismatches, rs.hog_size - rs.hog_missing, rs.hog.nr_moved, rs.hog_missing);
	printf("checks: mm_check_invariants %d problems, lru_check %d problems\n", problems,
	       lru_problems);
	return rs.mismatches || rs.disk_mismatches || rs.hog_mismatches || problems ||
			       lru_problems
		       ? 1
		       : 0;
}
