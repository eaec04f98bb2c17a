/*
 * tools/mmsim/main.c - mmsim's command line: replays a machine's boot on
 * the host from its e820 map (as dmesg printed it), running the kernel's
 * own mm/ code in the same order the kernel does, then hands over to the
 * workloads (workloads.c) and reports.
 *
 * Exit status: 0 success, 1 mm/ failed (e.g. mm_init), 2 bad usage or
 * input (messages on stderr, "FILE:LINE: ..." for map files).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e820_file.h"
#include "kernel_image.h"
#include "mm/boot_reserve.h"
#include "mm/fail_page_alloc.h"
#include "mm/memblock.h"
#include "mm/memmap.h"
#include "mm/mm_init.h"
#include "mm/numa.h"
#include "mmsim.h"
#include "replay.h"
#include "tests/host/host_shim.h"

struct options {
	const char *e820;
	uint64_t mem_limit;
	const char *workload;
	unsigned long seed, steps;
	const char *print;
	int dump_memblock;
	const char *fail_page_alloc;
	unsigned long numa; /* --numa N: nodes (0: none registered) */
	const char *replay, *replay_linux_end; /* replay.h */
	struct replay_linux_end linux_end;    /* read from replay_linux_end */
	const char *kernel_image;	      /* --kernel-image START[,SIZE] */
	int replay_lenient;
	unsigned long replay_sample;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmsim --e820 FILE [--mem SIZE] [--memblock]\n"
		"             [--workload LIST [--seed N] [--steps N]] [--print LIST]\n"
		"             [--fail-page-alloc PROB[,INTERVAL[,TIMES[,MIN_ORDER]]]] [--numa N]\n"
		"             [--kernel-image START[,SIZE]] [--replay FILE ...]\n"
		"  --e820 FILE     memory map as Linux's dmesg lines: BIOS-e820: [mem 0xS-0xE] TYPE\n"
		"  --mem SIZE      keep only the first SIZE bytes of RAM (like mem=; K/M/G suffixes)\n"
		"  --memblock      print memblock's tables before mm_init()\n"
		"  --workload LIST run comma-separated workloads after boot, one after the\n"
		"                  other on the same machine (as the kernel runs its suites);\n"
		"                  --seed/--steps tune each\n"
		"  --print LIST    comma-separated reports, e.g. buddyinfo,zoneinfo,vmstat\n"
		"  --fail-page-alloc P,I,T,O  after boot, fail P%% of allocations of order >= O,\n"
		"                  every I-th only, at most T times (-1: no limit); seeded by --seed\n"
		"  --numa N        N memory nodes (1-%d) of unequal size, as run-qemu.sh --numa makes\n"
		"                  them: node i gets i+1 shares of RAM, distances 11 + 10 x |i - j|\n"
		"  --replay FILE   replay a Linux page-allocation trace (ftrace text; - for stdin)\n"
		"  --replay-linux-end LOG  Linux's end state from the capture log: ballast and\n"
		"                  comparison (docs/replay.md); --replay-lenient skips bad lines;\n"
		"                  --replay-sample N prints free pages by order every N events\n"
		"  --kernel-image START[,SIZE]  the pretend kernel image's place (default: 2 MiB\n"
		"                  at 2 MiB, our kernel's; with --replay, Linux's: the log's iomem:\n"
		"                  Kernel lines, else 2 MiB at the first 2 MiB-aligned RAM >= 16 MiB)\n",
		MAX_NUMNODES);
}

static int parse_ulong(const char *opt, const char *s, unsigned long *out)
{
	char *end;

	if (!*s)
		goto bad;
	*out = strtoul(s, &end, 0);
	if (*end || *s == '-')
		goto bad;
	return 0;
bad:
	fprintf(stderr, "mmsim: %s wants a number, got '%s'\n", opt, s);
	return -1;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->steps = 10000;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		}
		if (!strcmp(a, "--memblock")) {
			o->dump_memblock = 1;
			continue;
		}
		if (!strcmp(a, "--replay-lenient")) {
			o->replay_lenient = 1;
			continue;
		}
		if (strcmp(a, "--e820") && strcmp(a, "--mem") && strcmp(a, "--workload") &&
		    strcmp(a, "--seed") && strcmp(a, "--steps") && strcmp(a, "--print") &&
		    strcmp(a, "--fail-page-alloc") && strcmp(a, "--numa") && strcmp(a, "--replay") &&
		    strcmp(a, "--replay-linux-end") && strcmp(a, "--replay-sample") &&
		    strcmp(a, "--kernel-image")) {
			fprintf(stderr, "mmsim: unknown option '%s'\n", a);
			usage(stderr);
			return -1;
		}
		if (!v) {
			fprintf(stderr, "mmsim: %s needs a value\n", a);
			return -1;
		}
		i++;
		if (!strcmp(a, "--e820")) {
			o->e820 = v;
		} else if (!strcmp(a, "--mem")) {
			const char *end;

			o->mem_limit = mm_parse_size(v, &end);
			if (end == v || *end || !o->mem_limit) {
				fprintf(stderr, "mmsim: --mem wants a size like 256M, got '%s'\n",
					v);
				return -1;
			}
		} else if (!strcmp(a, "--workload")) {
			o->workload = v;
		} else if (!strcmp(a, "--replay")) {
			o->replay = v;
		} else if (!strcmp(a, "--replay-linux-end")) {
			o->replay_linux_end = v;
		} else if (!strcmp(a, "--kernel-image")) {
			o->kernel_image = v;
		} else if (!strcmp(a, "--replay-sample")) {
			if (parse_ulong(a, v, &o->replay_sample))
				return -1;
		} else if (!strcmp(a, "--seed")) {
			if (parse_ulong(a, v, &o->seed))
				return -1;
		} else if (!strcmp(a, "--steps")) {
			if (parse_ulong(a, v, &o->steps))
				return -1;
		} else if (!strcmp(a, "--fail-page-alloc")) {
			o->fail_page_alloc = v;
		} else if (!strcmp(a, "--numa")) {
			if (parse_ulong(a, v, &o->numa))
				return -1;
			if (o->numa < 1 || o->numa > MAX_NUMNODES) {
				fprintf(stderr, "mmsim: --numa wants 1 to %d nodes, got '%s'\n",
					MAX_NUMNODES, v);
				return -1;
			}
		} else {
			o->print = v;
		}
	}
	if (!o->e820) {
		fprintf(stderr, "mmsim: --e820 FILE is required\n");
		usage(stderr);
		return -1;
	}
	return 0;
}

static struct memmap map;

/* --kernel-image START[,SIZE]: 0, or -1 after a message. */
static int parse_kernel_image(const char *v, struct kernel_image *ki)
{
	const char *end;
	uint64_t start = mm_parse_size(v, &end), size = MMSIM_KERNEL_SIZE;

	if (end == v || (*end && *end != ','))
		goto bad;
	if (*end == ',') {
		const char *s = end + 1;

		size = mm_parse_size(s, &end);
		if (end == s || *end || !size)
			goto bad;
	}
	ki->nr = 0;
	if (start + size < start || kernel_image_add(ki, start, start + size))
		goto bad;
	ki->how = "--kernel-image";
	return 0;
bad:
	fprintf(stderr, "mmsim: --kernel-image wants START[,SIZE] (bytes, 0x or K/M/G), got '%s'\n",
		v);
	return -1;
}

/*
 * Where the pretend kernel image lies. mmsim's own workloads keep our
 * kernel's place. A replay of a Linux trace is compared with Linux's own
 * buddyinfo, so the image lies where Linux had its kernel: where the
 * capture log says (its iomem: lines), else by Linux's rule (at or above
 * 16 MiB: Linux's DMA zone never holds its kernel). Returns 0, or 2 after
 * a message when the map cannot hold it there.
 */
static int place_kernel(const struct options *o, struct kernel_image *ki)
{
	char err[256];

	if (o->kernel_image) {
		if (parse_kernel_image(o->kernel_image, ki))
			return 2;
	} else if (o->replay && o->linux_end.kernel.nr) {
		*ki = o->linux_end.kernel;
	} else if (o->replay) {
		if (kernel_image_linux(ki, MMSIM_KERNEL_SIZE, err, sizeof(err))) {
			fprintf(stderr, "mmsim: --replay: %s: %s\n", o->e820, err);
			return 2;
		}
	} else {
		kernel_image_mmsim(ki);
	}
	if (kernel_image_check(ki, err, sizeof(err))) {
		fprintf(stderr, "mmsim: %s: %s\n", o->e820, err);
		return 2;
	}
	return 0;
}

/*
 * --numa N: cut RAM (memblock's, after --mem) into N nodes, node i getting
 * i+1 shares of the RAM bytes, cuts on 2 MiB boundaries (like QEMU's
 * memory backends); CPU 0 on node 0; SLIT distances 11 + 10 x |i - j|.
 * The registry then does what the kernel's SRAT path does.
 */
static int register_nodes(unsigned long nodes)
{
	uint64_t ram = mm_memblock_phys_mem_size(), shares = nodes * (nodes + 1) / 2;
	uint64_t want = 0, seen = 0, start = 0;
	unsigned long nid = 0;

	mm_numa_reset();
	if (nodes < 2)
		return 0;
	for (unsigned int i = 0; i < mm_memblock.memory.cnt && nid + 1 < nodes; i++) {
		uint64_t base = mm_memblock.memory.regions[i].base;
		uint64_t size = mm_memblock.memory.regions[i].size;

		want = ram / shares * ((nid + 1) * (nid + 2) / 2);
		while (nid + 1 < nodes && seen + size > want) {
			uint64_t cut = (base + (want - seen) + (2ull << 20) - 1) &
				       ~((2ull << 20) - 1);

			if (mm_numa_add_memblk((int)nid, start, cut))
				return -1;
			start = cut;
			nid++;
			want = ram / shares * ((nid + 1) * (nid + 2) / 2);
		}
		seen += size;
	}
	if (mm_numa_add_memblk((int)nid, start, mm_memblock_end_of_ram()))
		return -1;
	for (unsigned long a = 0; a < nodes; a++)
		for (unsigned long b = 0; b < nodes; b++)
			mm_numa_set_distance((int)a, (int)b,
					  (uint8_t)(a == b ? 10
							   : 11 + 10 * (a > b ? a - b : b - a)));
	mm_numa_set_cpu_node(0, 0);
	if (mm_numa_finalize(mm_memblock_end_of_ram()) != (int)nodes) {
		fprintf(stderr, "mmsim: --numa %lu: the node set did not come out as asked\n",
			nodes);
		return -1;
	}
	mm_numa_print();
	return 0;
}

/* The kernel's boot sequence on a map read from a file. */
static int boot(const struct options *o)
{
	char err[1024];
	struct kernel_image ki;
	int rc;

	if (e820_file_read(o->e820, &map, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	printf("BIOS-provided physical RAM map:\n");
	mm_memmap_print(&map, "BIOS-e820");
	if (mm_memmap_sanitize(&map)) {
		fprintf(stderr, "%s: more than %d ranges after sanitizing\n", o->e820, MEMMAP_MAX);
		return 2;
	}
	if (!mm_memmap_total(&map, MEMMAP_USABLE)) {
		fprintf(stderr, "%s: no usable RAM in the map\n", o->e820);
		return 2;
	}
	printf("e820: sanitized map (usable trimmed to whole pages):\n");
	mm_memmap_print(&map, "sanitized");
	if (mm_memblock_init_from_memmap(&map)) {
		fprintf(stderr, "mmsim: memblock table full\n");
		return 1;
	}
	if (o->mem_limit) {
		mm_memblock_enforce_memory_limit(o->mem_limit);
		printf("mem=%lluK: RAM limited to 0x%llx bytes\n",
		       (unsigned long long)(o->mem_limit >> 10),
		       (unsigned long long)mm_memblock_phys_mem_size());
	}
	rc = place_kernel(o, &ki);
	if (rc)
		return rc;
	printf("mmsim: pretend kernel image at [mem 0x%016llx-0x%016llx] in %u range%s (%s)\n",
	       (unsigned long long)kernel_image_start(&ki),
	       (unsigned long long)kernel_image_end(&ki) - 1, ki.nr, ki.nr == 1 ? "" : "s", ki.how);
	if (mm_reserve_boot_ranges(NULL, 0, 0) || kernel_image_reserve(&ki))
		return 1;
	printf("Memory: %lluK RAM, %lluK reserved by boot, end of RAM 0x%llx\n",
	       (unsigned long long)(mm_memblock_phys_mem_size() >> 10),
	       (unsigned long long)(mm_memblock_reserved_size() >> 10),
	       (unsigned long long)mm_memblock_end_of_ram());
	if (o->dump_memblock)
		mm_memblock_dump();
	if (host_ram_init(mm_memblock_end_of_ram())) {
		fprintf(stderr, "mmsim: cannot map a %llu MiB arena\n",
			(unsigned long long)(mm_memblock_end_of_ram() >> 20));
		return 1;
	}
	if (register_nodes(o->numa))
		return 1;
	if (mm_init())
		return 1;
	mm_print_zone_summary();
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv, &o))
		return 2;
	/* The log first: it says where Linux's kernel lay, which the boot
	 * needs. */
	if (o.replay && o.replay_linux_end) {
		char err[512];

		if (replay_read_linux_end(o.replay_linux_end, &o.linux_end, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 2;
		}
	}
	if (o.fail_page_alloc) {
		struct fail_page_alloc_attr fa = { .seed = o.seed };
		const char *why = "";

		if (mm_fail_page_alloc_parse(o.fail_page_alloc, strlen(o.fail_page_alloc), &fa,
					  &why)) {
			fprintf(stderr, "mmsim: --fail-page-alloc '%s': %s\n", o.fail_page_alloc,
				why);
			return 2;
		}
		rc = boot(&o);
		if (rc)
			return rc;
		printf("fail_page_alloc: probability %u%%, interval %u, times %ld, min_order %u\n",
		       fa.probability, fa.interval, fa.times, fa.min_order);
		mm_fail_page_alloc_setup(&fa);
	} else {
		rc = boot(&o);
		if (rc)
			return rc;
	}
	if (o.workload) {
		char *list = strdup(o.workload), *save = NULL;

		if (!list)
			return 1;
		for (char *w = strtok_r(list, ",", &save); w && !rc; w = strtok_r(NULL, ",", &save))
			rc = mmsim_run_workload(w, o.seed, o.steps);
		free(list);
		if (rc)
			return rc;
	}
	if (o.replay) {
		rc = mmsim_replay(o.replay, o.replay_linux_end ? &o.linux_end : NULL,
				  o.replay_lenient, o.replay_sample);
		if (rc)
			return rc;
	}
	if (o.print) {
		char *list = strdup(o.print), *save = NULL;

		if (!list)
			return 1;
		for (char *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			rc = mmsim_print(w);
			if (rc)
				break;
		}
		free(list);
	}
	return rc;
}
