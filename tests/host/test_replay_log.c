/*
 * tests/host/test_replay_log.c - host tests of what a replay of a Linux
 * trace takes from the capture log and where it puts the pretend kernel
 * image: the log's iomem: kernel ranges and zoneinfo's per-CPU count:
 * lines (logs without them still read), and Linux's placement rule (at or
 * above 16 MiB, 2 MiB-aligned, inside one RAM range; a clear error when no
 * range holds it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "htest.h"
#include "host_shim.h"
#include "mm/memblock.h"

/* mmsim's log reader and image placement, compiled in here: host tests
 * link only mm/ and the shim. */
#include "tools/mmsim/kernel_image.c"
#include "tools/mmsim/replay_linux.c"

static char path[64];
static char err[512];

/* Write @text to a fresh file and read it as a capture log. */
static int read_log(const char *text, struct replay_linux_end *le)
{
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/test_replay_log.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -2;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	int rc = replay_read_linux_end(path, le, err, sizeof(err));
	unlink(path);
	return rc;
}

/* The end of a log as ../shared/tools/linux-trace/ wrote it. */
#define OLD_LOG \
	"e820: [    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007ffd9fff] usable\n" \
	"after-buddyinfo: Node 0, zone      DMA      0      0      0      0      0      0      1      1      0      1      3 \n" \
	"after-buddyinfo: Node 0, zone    DMA32     51    121    110    109    119     91     75     71     66     55    386 \n" \
	"after-pagetypeinfo: Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n" \
	"after-pagetypeinfo: Node 0, zone      DMA            1            7            0            0            0 \n" \
	"after-pagetypeinfo: Node 0, zone    DMA32          110          898            8            0            0 \n" \
	"after-vmstat: nr_free_pages 464405\n" \
	"after-zoneinfo: Node 0, zone    DMA32\n" \
	"after-zoneinfo:   pages free     460629\n" \
	"after-zoneinfo:               high:  6985\n"

/* What tools/linux-trace/ adds. */
#define NEW_LINES \
	"iomem: 00001000-0009fbff : System RAM\n" \
	"iomem: 00100000-7ffd9fff : System RAM\n" \
	"iomem:   40a00000-41801ef1 : Kernel code\n" \
	"iomem:   41a00000-42226fff : Kernel rodata\n" \
	"iomem:   42400000-42645dff : Kernel data\n" \
	"iomem:   42cb1000-431fffff : Kernel bss\n" \
	"after-zoneinfo: Node 0, zone      DMA\n" \
	"after-zoneinfo:     cpu: 0\n" \
	"after-zoneinfo:               count: 0\n" \
	"after-zoneinfo:     cpu: 1\n" \
	"after-zoneinfo:               count: 0\n" \
	"after-zoneinfo: Node 0, zone    DMA32\n" \
	"after-zoneinfo:     cpu: 0\n" \
	"after-zoneinfo:               count: 1315\n" \
	"after-zoneinfo:               high:  6985\n" \
	"after-zoneinfo:     cpu: 1\n" \
	"after-zoneinfo:               count: 196\n"

HTEST(old_log_without_kernel_or_pcp_lines_still_reads)
{
	struct replay_linux_end le;

	KT_ASSERT_EQ(read_log(OLD_LOG, &le), 0);
	KT_EXPECT_EQ(le.nr_zones, 2u);
	KT_EXPECT_EQ(le.nr_free_pages, 464405ul);
	KT_EXPECT_EQ(le.blocks[MIGRATE_MOVABLE], 905ul);
	KT_EXPECT_EQ(le.kernel.nr, 0u);
	KT_EXPECT_EQ(le.pcp_lists, 0u);
	KT_EXPECT_EQ(le.pcp_count, 0ul);
}

HTEST(log_gives_linux_kernel_ranges_and_pcp_counts)
{
	struct replay_linux_end le;

	KT_ASSERT_EQ(read_log(OLD_LOG NEW_LINES, &le), 0);
	KT_EXPECT_EQ(le.nr_free_pages, 464405ul);
	/* System RAM lines are not the kernel's; the four sections stay
	 * apart (Linux frees the gaps between them). */
	KT_ASSERT_EQ(le.kernel.nr, 4u);
	KT_EXPECT_EQ(le.kernel.range[0].start, 0x40a00000ull);
	KT_EXPECT_EQ(le.kernel.range[0].end, 0x41801ef2ull);
	KT_EXPECT_EQ(le.kernel.range[3].start, 0x42cb1000ull);
	KT_EXPECT_EQ(le.kernel.range[3].end, 0x43200000ull);
	KT_EXPECT_EQ(kernel_image_start(&le.kernel), 0x40a00000ull);
	KT_EXPECT_EQ(kernel_image_end(&le.kernel), 0x43200000ull);
	/* Four count: lines, two CPUs in two zones. */
	KT_EXPECT_EQ(le.pcp_lists, 4u);
	KT_EXPECT_EQ(le.pcp_count, 1511ul);
}

HTEST(bad_count_and_iomem_lines_name_their_line)
{
	struct replay_linux_end le;

	KT_EXPECT_EQ(read_log(OLD_LOG "after-zoneinfo:               count: lots\n", &le), -1);
	KT_EXPECT(strstr(err, ":11: cannot read this line") != NULL);
	KT_EXPECT_EQ(read_log("iomem:   zz-41801ef1 : Kernel code\n" OLD_LOG, &le), -1);
	KT_EXPECT(strstr(err, ":1: cannot read this line") != NULL);
	/* Kernel ranges out of address order. */
	KT_EXPECT_EQ(read_log("iomem:   41a00000-42226fff : Kernel rodata\n"
			      "iomem:   40a00000-41801ef1 : Kernel code\n" OLD_LOG,
			      &le),
		     -1);
	KT_EXPECT(strstr(err, ":2: cannot read this line") != NULL);
}

/* memblock's RAM as the usable ranges @r[@n] ([start, end) pairs). */
static void ram(const uint64_t (*r)[2], unsigned int n)
{
	struct memmap m = { 0 };

	for (unsigned int i = 0; i < n; i++)
		mm_memmap_add(&m, r[i][0], r[i][1] - r[i][0], MEMMAP_USABLE);
	KT_ASSERT_EQ(mm_memmap_sanitize(&m), 0);
	KT_ASSERT_EQ(mm_memblock_init_from_memmap(&m), 0);
}

HTEST(linux_rule_places_the_image_at_16_mib)
{
	static const uint64_t pc[][2] = { { 0, 0x9fc00 }, { 0x100000, 0x1ffe0000 } };
	struct kernel_image ki;

	ram(pc, 2);
	KT_ASSERT_EQ(kernel_image_linux(&ki, MMSIM_KERNEL_SIZE, err, sizeof(err)), 0);
	KT_EXPECT_EQ(ki.nr, 1u);
	KT_EXPECT_EQ(ki.range[0].start, 0x1000000ull);
	KT_EXPECT_EQ(ki.range[0].end, 0x1200000ull);
	KT_EXPECT_EQ(kernel_image_check(&ki, err, sizeof(err)), 0);
	/* mmsim's own place stays our kernel's. */
	kernel_image_mmsim(&ki);
	KT_EXPECT_EQ(ki.range[0].start, 0x200000ull);
	KT_EXPECT_EQ(ki.range[0].end, 0x400000ull);
}

HTEST(linux_rule_takes_the_first_ram_range_that_holds_it)
{
	/* A hole over 16 MiB; the next range starts off the 2 MiB grid and
	 * the first aligned slot in it is too short for a 4 MiB image. */
	static const uint64_t holey[][2] = {
		{ 0x100000, 0xf00000 }, { 0x1480000, 0x1700000 }, { 0x1900000, 0x4000000 }
	};
	struct kernel_image ki;

	ram(holey, 3);
	KT_ASSERT_EQ(kernel_image_linux(&ki, 0x400000, err, sizeof(err)), 0);
	KT_EXPECT_EQ(ki.range[0].start, 0x1a00000ull);
	KT_EXPECT_EQ(ki.range[0].end, 0x1e00000ull);
}

HTEST(linux_rule_refuses_a_map_without_room_above_16_mib)
{
	static const uint64_t small[][2] = { { 0, 0x9fc00 }, { 0x100000, 0x1100000 } };
	struct kernel_image ki;

	ram(small, 2);
	KT_EXPECT_EQ(kernel_image_linux(&ki, MMSIM_KERNEL_SIZE, err, sizeof(err)), -1);
	KT_EXPECT(strstr(err, "no RAM range holds a 2048 KiB kernel image at or above 16 MiB") !=
		  NULL);
}

HTEST(log_range_outside_the_maps_ram_is_refused)
{
	static const uint64_t pc[][2] = { { 0, 0x9fc00 }, { 0x100000, 0x1ffe0000 } };
	struct replay_linux_end le;

	ram(pc, 2);
	KT_ASSERT_EQ(read_log(OLD_LOG NEW_LINES, &le), 0);
	KT_EXPECT_EQ(kernel_image_check(&le.kernel, err, sizeof(err)), -1);
	KT_EXPECT(strstr(err, "kernel image range [mem 0x0000000040a00000-0x0000000041801ef1] "
			      "(Linux's, from the log's iomem: lines) is not inside the map's RAM") !=
		  NULL);
}

HTEST_MAIN("replay_log")
