/*
 * kernel/shell_cmds.c - the serial monitor's commands and their table:
 * /proc-style reports, allocating and freeing by hand, filling and
 * fragmenting memory, re-running self-tests, reboot and poweroff.
 *
 * Pages the monitor holds are of two kinds: `alloc` blocks, kept in a small
 * table under increasing ids (never reused, so a stale id cannot free
 * someone else's block), and the order-0 pages of `fill` and `fragment`,
 * chained through their lru field, which belongs to the owner of an
 * allocated page.
 */
#include <stdint.h>

#include "ktest.h"
#include "ktest_run.h"
#include "mm_trace.h"
#include "printk.h"
#include "shell.h"
#include "string.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/qemu_exit.h"
#include "mm/compact_zone.h"
#include "mm/debug.h"
#include "mm/filemap.h"
#include "mm/kswapd.h"
#include "mm/gfp.h"
#include "mm/pbmap.h"
#include "mm/config.h"
#include "mm/slab.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"
#include "mm/zone.h"

#define SHELL_ALLOCS 64

struct shell_alloc {
	unsigned long id; /* 0: slot empty */
	struct page *page;
	unsigned int order;
};

static struct shell_alloc allocs[SHELL_ALLOCS];
static unsigned long next_alloc_id = 1;
static struct list_head held_pages = LIST_HEAD_INIT(held_pages);
static unsigned long nr_held_pages;

/* One table, read as a list of names. */
/* clang-format off */
#define FLAG(x) { #x, x }
static const struct {
	const char *name;
	gfp_t gfp;
} gfp_names[] = {
	FLAG(GFP_KERNEL), FLAG(GFP_ATOMIC), FLAG(GFP_NOWAIT), FLAG(GFP_NOIO), FLAG(GFP_NOFS),
	FLAG(GFP_USER), FLAG(GFP_DMA), FLAG(GFP_DMA32), FLAG(GFP_HIGHUSER),
	FLAG(GFP_HIGHUSER_MOVABLE), FLAG(__GFP_DMA), FLAG(__GFP_HIGHMEM), FLAG(__GFP_DMA32),
	FLAG(__GFP_MOVABLE), FLAG(__GFP_RECLAIMABLE), FLAG(__GFP_HIGH), FLAG(__GFP_IO),
	FLAG(__GFP_FS), FLAG(__GFP_ZERO), FLAG(__GFP_ATOMIC), FLAG(__GFP_DIRECT_RECLAIM),
	FLAG(__GFP_KSWAPD_RECLAIM), FLAG(__GFP_RECLAIM), FLAG(__GFP_WRITE), FLAG(__GFP_NOWARN),
	FLAG(__GFP_RETRY_MAYFAIL), FLAG(__GFP_NOFAIL), FLAG(__GFP_NORETRY), FLAG(__GFP_MEMALLOC),
	FLAG(__GFP_COMP), FLAG(__GFP_NOMEMALLOC), FLAG(__GFP_HARDWALL), FLAG(__GFP_THISNODE),
	FLAG(__GFP_ACCOUNT),
};
#undef FLAG
/* clang-format on */

/*
 * "GFP_KERNEL|__GFP_ZERO" or a number (0x...). Prints the error and returns
 * false on an unknown name or an empty term. Whether the combination makes
 * sense is alloc_pages()'s business: it rejects and reports bad ones.
 */
static bool parse_gfp(const char *cmd, const char *s, gfp_t *out)
{
	gfp_t gfp = 0;

	for (const char *p = s;;) {
		const char *e = p;
		char word[32];
		unsigned long v;
		bool found = false;

		while (*e && *e != '|')
			e++;
		if (e == p || (size_t)(e - p) >= sizeof(word)) {
			printk("%s: bad flags '%s' (want names like GFP_KERNEL|__GFP_ZERO)\n", cmd,
			       s);
			return false;
		}
		memcpy(word, p, (size_t)(e - p));
		word[e - p] = 0;
		for (size_t i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]); i++) {
			if (!strcmp(word, gfp_names[i].name)) {
				gfp |= gfp_names[i].gfp;
				found = true;
			}
		}
		if (!found && shell_parse_ulong(word, 0xffffffffUL, &v)) {
			gfp |= (gfp_t)v;
			found = true;
		}
		if (!found) {
			printk("%s: unknown gfp flag '%s' (see 'help alloc')\n", cmd, word);
			return false;
		}
		if (!*e)
			break;
		p = e + 1;
	}
	*out = gfp;
	return true;
}

static bool usage_ok(int argc, int min, int max, const char *cmd)
{
	if (argc - 1 >= min && argc - 1 <= max)
		return true;
	for (const struct shell_cmd *c = shell_cmds; c->name; c++)
		if (!strcmp(c->name, cmd))
			printk("%s: wrong number of arguments (usage: %s %s)\n", cmd, cmd,
			       c->usage);
	return false;
}

static unsigned long pcp_pages(void)
{
	unsigned long sum = 0;
	struct zone *z;

	for_each_zone(z)
		for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++)
			sum += (unsigned long)__atomic_load_n(&z->pcp[cpu].count, __ATOMIC_RELAXED);
	return sum;
}

static unsigned long held_total(void)
{
	unsigned long n = nr_held_pages;

	for (int i = 0; i < SHELL_ALLOCS; i++)
		if (allocs[i].id)
			n += 1UL << allocs[i].order;
	return n;
}

static int cmd_help(int argc, char **argv)
{
	if (!usage_ok(argc, 0, 1, argv[0]))
		return 1;
	for (const struct shell_cmd *c = shell_cmds; c->name; c++) {
		if (argc == 2 && strcmp(argv[1], c->name))
			continue;
		printk("  %-12s %-20s %s\n", c->name, c->usage, c->help);
		if (argc == 2 && !strcmp(c->name, "alloc")) {
			printk("  flags (join with |):");
			for (size_t i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]); i++)
				printk("%s %s", i % 6 ? "" : "\n   ", gfp_names[i].name);
			printk("\n");
		}
		if (argc == 2)
			return 0;
	}
	if (argc == 2) {
		printk("help: no command '%s'\n", argv[1]);
		return 1;
	}
	return 0;
}

/* Linux's /proc/meminfo layout ("%-16s%8lu kB"); the fields Linux derives
 * from page cache and swap do not exist here yet and are left out. */
static int cmd_meminfo(int argc, char **argv)
{
	unsigned long total = 0, free = nr_free_pages(), reserve = 0;
	struct pglist_data *pgdat;
	struct zone *z;

	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
	for_each_node_pgdat(pgdat)
		reserve += pgdat->totalreserve_pages;
	for_each_zone(z)
		total += z->managed_pages;
#define KB(pages) ((pages) << (MM_PAGE_SHIFT - 10))
	printk("%-16s%8lu kB\n", "MemTotal:", KB(total));
	printk("%-16s%8lu kB\n", "MemFree:", KB(free));
	printk("%-16s%8lu kB\n", "MemAvailable:", KB(free > reserve ? free - reserve : 0));
#if MM_CONFIG_SLAB
	unsigned long srcl = mm_slab_reclaimable_pages(), sunrcl = mm_slab_unreclaimable_pages();
#else
	unsigned long srcl = 0, sunrcl = 0; /* no slab layer in this build */
#endif
	printk("%-16s%8lu kB\n", "Slab:", KB(srcl + sunrcl));
	printk("%-16s%8lu kB\n", "SReclaimable:", KB(srcl));
	printk("%-16s%8lu kB\n", "SUnreclaim:", KB(sunrcl));
	/* Ours, not Linux's: where the rest of the managed pages are. */
	printk("%-16s%8lu kB\n", "PerCpuFree:", KB(pcp_pages()));
	printk("%-16s%8lu kB\n", "ShellHeld:", KB(held_total()));
#undef KB
	return 0;
}

static int cmd_buddyinfo(int argc, char **argv)
{
	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
	mm_print_buddyinfo();
	return 0;
}

static int cmd_zoneinfo(int argc, char **argv)
{
	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
	mm_print_zoneinfo();
	return 0;
}

static int cmd_pagetypeinfo(int argc, char **argv)
{
	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
	mm_print_pagetypeinfo();
	return 0;
}

static int cmd_pbmap(int argc, char **argv)
{
	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
	mm_print_pbmap();
	return 0;
}

static int cmd_slabinfo(int argc, char **argv)
{
	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
#if MM_CONFIG_SLAB
	mm_print_slabinfo();
	return 0;
#else
	printk("slabinfo: this kernel is built without mm/'s slab layer\n");
	return 1;
#endif
}

static int cmd_vmstat(int argc, char **argv)
{
	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
	mm_print_vmstat();
	return 0;
}

static int cmd_alloc(int argc, char **argv)
{
	unsigned long order;
	gfp_t gfp = GFP_KERNEL;
	struct shell_alloc *slot = NULL;
	struct page *page;

	if (!usage_ok(argc, 1, 2, argv[0]))
		return 1;
	if (!shell_parse_ulong(argv[1], MAX_ORDER - 1, &order)) {
		printk("alloc: bad order '%s' (want 0-%d)\n", argv[1], MAX_ORDER - 1);
		return 1;
	}
	if (argc == 3 && !parse_gfp("alloc", argv[2], &gfp))
		return 1;
	for (int i = 0; i < SHELL_ALLOCS && !slot; i++)
		if (!allocs[i].id)
			slot = &allocs[i];
	if (!slot) {
		printk("alloc: the shell already holds %d blocks; free some first\n", SHELL_ALLOCS);
		return 1;
	}
	page = alloc_pages(gfp, (unsigned int)order);
	if (!page) {
		printk("alloc: order %lu gfp 0x%x failed\n", order, gfp);
		return 1;
	}
	*slot = (struct shell_alloc){ next_alloc_id++, page, (unsigned int)order };
	printk("id %lu: order %lu pfn 0x%lx zone %s gfp 0x%x\n", slot->id, order, page_to_pfn(page),
	       page_zone(page)->name, gfp);
	return 0;
}

static unsigned long free_held_pages(void)
{
	unsigned long n = 0;

	while (!list_empty(&held_pages)) {
		struct page *page = list_first_entry(&held_pages, struct page, lru);

		list_del(&page->lru);
		__free_page(page);
		n++;
	}
	nr_held_pages = 0;
	return n;
}

static int cmd_free(int argc, char **argv)
{
	unsigned long id;

	if (!usage_ok(argc, 1, 1, argv[0]))
		return 1;
	if (!strcmp(argv[1], "all")) {
		unsigned long blocks = 0, pages = free_held_pages();

		for (int i = 0; i < SHELL_ALLOCS; i++) {
			if (allocs[i].id) {
				__free_pages(allocs[i].page, allocs[i].order);
				pages += 1UL << allocs[i].order;
				allocs[i].id = 0;
				blocks++;
			}
		}
		printk("free: all freed: %lu alloc blocks and the fill/fragment pages, %lu pages in all\n",
		       blocks, pages);
		return 0;
	}
	if (!shell_parse_ulong(argv[1], ~0UL, &id)) {
		printk("free: bad id '%s' (want an id printed by alloc, or 'all')\n", argv[1]);
		return 1;
	}
	if (id == 0 || id >= next_alloc_id) {
		printk("free: no allocation ever had id %lu\n", id);
		return 1;
	}
	for (int i = 0; i < SHELL_ALLOCS; i++) {
		if (allocs[i].id == id) {
			__free_pages(allocs[i].page, allocs[i].order);
			printk("free: id %lu (order %u, pfn 0x%lx) freed\n", id, allocs[i].order,
			       page_to_pfn(allocs[i].page));
			allocs[i].id = 0;
			return 0;
		}
	}
	printk("free: id %lu was already freed\n", id);
	return 1;
}

static int cmd_held(int argc, char **argv)
{
	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
	for (int i = 0; i < SHELL_ALLOCS; i++)
		if (allocs[i].id)
			printk("id %lu: order %u pfn 0x%lx zone %s\n", allocs[i].id,
			       allocs[i].order, page_to_pfn(allocs[i].page),
			       page_zone(allocs[i].page)->name);
	printk("held: %lu pages in all, %lu of them from fill/fragment\n", held_total(),
	       nr_held_pages);
	return 0;
}

/* Optional [FLAGS] of fill and fragment; failure is their normal end, so
 * it is not warned about. */
static bool bulk_gfp(int argc, char **argv, int at, gfp_t dflt, gfp_t *gfp)
{
	*gfp = dflt;
	if (argc > at && !parse_gfp(argv[0], argv[at], gfp))
		return false;
	*gfp |= __GFP_NOWARN;
	return true;
}

static int cmd_fill(int argc, char **argv)
{
	unsigned long want, got = 0;
	gfp_t gfp;

	if (!usage_ok(argc, 1, 2, argv[0]))
		return 1;
	if (!shell_parse_ulong(argv[1], ~0UL, &want) || !want) {
		printk("fill: bad page count '%s'\n", argv[1]);
		return 1;
	}
	if (!bulk_gfp(argc, argv, 2, GFP_KERNEL, &gfp))
		return 1;
	for (; got < want; got++) {
		struct page *page = alloc_page(gfp);

		if (!page)
			break;
		list_add_tail(&page->lru, &held_pages);
		nr_held_pages++;
	}
	printk("fill: allocated %lu of %lu pages%s; the shell holds %lu pages, %lu free\n", got,
	       want, got < want ? " (allocation failed)" : "", held_total(), nr_free_pages());
	return 0;
}

/* Allocate order-0 pages in one sweep (up to PAGES, or until failure) and
 * free every other one: a checkerboard that leaves little above order 0
 * where the sweep went, the same way on every run from the same state. */
static int cmd_fragment(int argc, char **argv)
{
	unsigned long want = ~0UL, got = 0, freed = 0;
	struct list_head sweep = LIST_HEAD_INIT(sweep);
	gfp_t gfp;

	if (!usage_ok(argc, 0, 2, argv[0]))
		return 1;
	if (argc > 1 && (!shell_parse_ulong(argv[1], ~0UL, &want) || !want)) {
		printk("fragment: bad page count '%s'\n", argv[1]);
		return 1;
	}
	if (!bulk_gfp(argc, argv, 2, GFP_HIGHUSER_MOVABLE, &gfp))
		return 1;
	for (; got < want; got++) {
		struct page *page = alloc_page(gfp);

		if (!page)
			break;
		list_add_tail(&page->lru, &sweep);
	}
	for (unsigned long i = 0; !list_empty(&sweep); i++) {
		struct page *page = list_first_entry(&sweep, struct page, lru);

		list_del(&page->lru);
		if (i & 1) {
			__free_page(page);
			freed++;
		} else {
			list_add_tail(&page->lru, &held_pages);
			nr_held_pages++;
		}
	}
	printk("fragment: allocated %lu order-0 pages, freed every other one (%lu); the shell holds %lu pages\n",
	       got, freed, held_total());
	return 0;
}

static int cmd_drain(int argc, char **argv)
{
	unsigned long before = nr_free_pages();

	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
	drain_all_pages(NULL);
	printk("drain: %lu pages moved from per-CPU lists to the buddy lists\n",
	       nr_free_pages() - before);
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	int problems;

	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
	problems = mm_check_invariants();
	if (problems)
		printk("check: %d problems (listed above)\n", problems);
	else
		printk("check: allocator invariants hold\n");
	return problems != 0;
}

static void print_suites(void)
{
	printk("suites:");
	for (const char *s = ktest_next_suite(NULL); s; s = ktest_next_suite(s))
		printk(" %s", s);
	printk("\n");
}

static int run_tests(const char *selection)
{
	if (held_total())
		printk("# note: the shell holds %lu pages; tests that expect free memory may fail\n",
		       held_total());
	shell_last_test_failures = ktest_run(selection);
	return shell_last_test_failures != 0;
}

static int cmd_test(int argc, char **argv)
{
	char word[64];

	if (!usage_ok(argc, 0, 1, argv[0]))
		return 1;
	if (argc == 1 || !strcmp(argv[1], "all"))
		return run_tests("all");
	/* Check every comma-separated name first: one line for a typo rather
	 * than a KTAP report of a failed run. */
	for (const char *p = argv[1];;) {
		const char *e = p;

		while (*e && *e != ',')
			e++;
		if (e == p || (size_t)(e - p) >= sizeof(word)) {
			printk("test: bad suite list '%s'\n", argv[1]);
			return 1;
		}
		memcpy(word, p, (size_t)(e - p));
		word[e - p] = 0;
		if (!ktest_count(word)) {
			printk("test: no suite '%s'; ", word);
			print_suites();
			return 1;
		}
		if (!*e)
			break;
		p = e + 1;
	}
	return run_tests(argv[1]);
}

static int cmd_bench(int argc, char **argv)
{
	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
	if (!ktest_count("bench")) {
		printk("bench: this kernel has no benchmark suite (tests/kernel/bench.c not built in)\n");
		return 1;
	}
	return run_tests("bench");
}

static int cmd_reboot(int argc, char **argv)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) no_idt = { 0, 0 };

	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
	printk("reboot: resetting the machine\n");
	/* The keyboard controller's reset line, once its input buffer is empty. */
	for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
		cpu_relax();
	outb(0x64, 0xfe);
	/* Still here: an exception with no IDT is a triple fault, a reset. */
	__asm__ volatile("lidt %0; int3" : : "m"(no_idt));
	machine_halt();
}

static int cmd_poweroff(int argc, char **argv)
{
	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
	printk("poweroff: leaving QEMU with the %s code of the last test run\n",
	       shell_last_test_failures ? "fail" : "pass");
	qemu_exit(shell_last_test_failures ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
}

/* clang-format off */
/* Linux's "echo 1 > /proc/sys/vm/drop_caches": clean page-cache pages go,
 * dirty ones stay (no writeback). Three full passes, because a referenced
 * page gets a second chance on the first. */
static int cmd_drop_caches(int argc, char **argv)
{
	unsigned long dropped = 0, dirty = 0, before = mm_filemap_nr_pages();
	struct zone *z;

	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
	for (int pass = 0; pass < 3; pass++) {
		for_each_zone(z) {
			struct scan_control sc = {
				.nr_to_reclaim = ~0UL,
				.no_writeback = true,
				.gfp_mask = GFP_KERNEL,
				.reclaim_idx = MAX_NR_ZONES - 1,
				.priority = 0,
			};

			if (!populated_zone(z))
				continue;
			mm_shrink_zone(z, &sc);
			dropped += sc.nr_lru_reclaimed;
			if (pass == 2)
				dirty += sc.nr_dirty_kept;
		}
	}
	printk("drop_caches: %lu page-cache pages dropped (%lu before, %lu left, %lu dirty kept)\n",
	       dropped, before, mm_filemap_nr_pages(), dirty);
	return 0;
}

static int cmd_compact(int argc, char **argv)
{
	if (!usage_ok(argc, 0, 0, argv[0]))
		return 1;
#if MM_CONFIG_COMPACTION
	unsigned long migrated = mm_compact_memory();
	printk("compact: %lu pages migrated\n", migrated);
	return 0;
#else
	printk("compact: compaction is compiled out (MM_CONFIG_COMPACTION=0)\n");
	return 1;
#endif
}

/* One kswapd's line and its zones' lowest free counts; @who is "kswapd"
 * with one node, "kswapdN" with several. */
static void kswapd_print(const char *who, int nid, const struct kswapd_stats *st)
{
	printk("%s: %s, %u fruitless rounds in a row, %lu wake-ups, %lu balancing passes, "
	       "%lu ms busy\n",
	       who, mm_kswapd_state_name(st->state), st->failures, st->requests, st->rounds,
	       (unsigned long)(st->busy_ns / 1000000));
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &NODE_DATA(nid)->node_zones[zi];

		if (populated_zone(z) && st->lowest_free[zi] >= 0)
			printk("%s: zone %8s lowest free seen %ld (min %lu)\n", who, z->name,
			       st->lowest_free[zi], min_wmark_pages(z));
	}
}

static int cmd_kswapd(int argc, char **argv)
{
	struct kswapd_stats st;
	unsigned long node = 0;
	bool one = false;

	if (!usage_ok(argc, 0, 2, argv[0]))
		return 1;
	if (argc >= 2 && strcmp(argv[1], "wake")) {
		printk("kswapd: unknown argument '%s' (usage: kswapd [wake [NODE]])\n", argv[1]);
		return 1;
	}
	if (argc == 3) {
		if (!shell_parse_ulong(argv[2], (unsigned long)mm_nr_nodes - 1, &node)) {
			printk("kswapd: bad node '%s' (want 0-%d)\n", argv[2], mm_nr_nodes - 1);
			return 1;
		}
		one = true;
	}
	if (argc >= 2) {
		for (int nid = 0; nid < mm_nr_nodes; nid++) {
			struct zone *top = node_top_zone(nid);

			if ((!one || (unsigned long)nid == node) && top)
				mm_wakeup_kswapd(top, GFP_KERNEL, 0, top->zone_idx);
			else if (one && (unsigned long)nid == node)
				printk("kswapd: node %d has no memory (and no kswapd)\n", nid);
		}
	}
	if (mm_nr_nodes == 1) {
		mm_kswapd_get_stats(&st);
		kswapd_print("kswapd", 0, &st);
		return 0;
	}
	for (int nid = 0; nid < mm_nr_nodes; nid++) {
		char who[] = "kswapd0";

		who[6] = (char)('0' + nid);
		if (mm_kswapd_get_node_stats(nid, &st))
			continue;
		kswapd_print(who, nid, &st);
	}
	return 0;
}

static int cmd_trace(int argc, char **argv)
{
	if (!usage_ok(argc, 1, 1, argv[0]))
		return 1;
	if (!strcmp(argv[1], "on")) {
		if (mm_trace_start(10)) {
			printk("trace: could not start the trace thread\n");
			return 1;
		}
	} else if (!strcmp(argv[1], "off")) {
		mm_trace_stop();
	} else {
		printk("trace: want on or off, not '%s'\n", argv[1]);
		return 1;
	}
	printk("trace: %s\n", mm_trace_enabled() ? "on" : "off");
	return 0;
}


const struct shell_cmd shell_cmds[] = {
	{"help", "[COMMAND]", "list the commands (help alloc: the flag names)", cmd_help},
	{"meminfo", "", "memory totals, as /proc/meminfo", cmd_meminfo},
	{"slabinfo", "", "slab caches, as /proc/slabinfo", cmd_slabinfo},
	{"buddyinfo", "", "free blocks per order and zone, as /proc/buddyinfo", cmd_buddyinfo},
	{"zoneinfo", "", "watermarks and counts per zone, as /proc/zoneinfo", cmd_zoneinfo},
	{"pagetypeinfo", "", "free blocks per migratetype, as /proc/pagetypeinfo", cmd_pagetypeinfo},
	{"vmstat", "", "event counters, as /proc/vmstat", cmd_vmstat},
	{"pbmap", "", "fragmentation map: each pageblock's migratetype and free pages", cmd_pbmap},
	{"alloc", "ORDER [FLAGS]", "allocate 2^ORDER pages (default GFP_KERNEL), print its id", cmd_alloc},
	{"free", "ID|all", "free a block by its alloc id, or everything the shell holds", cmd_free},
	{"held", "", "list the blocks and pages the shell holds", cmd_held},
	{"fill", "PAGES [FLAGS]", "allocate and hold up to PAGES order-0 pages", cmd_fill},
	{"fragment", "[PAGES [FLAGS]]", "allocate order-0 pages, free every other one", cmd_fragment},
	{"drain", "", "give per-CPU list pages back to the buddy lists", cmd_drain},
	{"check", "", "check the allocator's invariants (mm_check_invariants)", cmd_check},
	{"drop_caches", "", "drop clean page-cache pages (dirty ones stay)", cmd_drop_caches},
	{"compact", "", "compact every zone now (sync), as /proc/sys/vm/compact_memory", cmd_compact},
	{"kswapd", "[wake [NODE]]", "kswapd's state and statistics (per node on NUMA); wake: request a pass (every node or NODE)", cmd_kswapd},
	{"trace", "on|off", "CSV lines of free pages, watermarks and kswapd state every 10 ms", cmd_trace},
	{"test", "[SUITE[,SUITE...]]", "run self-test suites again (default all)", cmd_test},
	{"bench", "", "run the benchmark suite", cmd_bench},
	{"reboot", "", "reset the machine", cmd_reboot},
	{"poweroff", "", "leave QEMU with the last test run's pass/fail code", cmd_poweroff},
	{NULL, NULL, NULL, NULL},
};
/* clang-format on */
