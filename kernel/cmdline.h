/*
 * kernel/cmdline.h - the kernel command line.
 *
 *   mem=<size>[K|M|G]   use only that much RAM (parsed by mm_parse_size)
 *   ramdisk=<size>[K|M|G]  size of the RAM disk backing the page cache
 *                       (default RAM/8, at most 256M; see kernel/ramdisk.h)
 *   test=all|none|<suite>[,<suite>...]   which self-test suites run (default all)
 *   loglevel=<0-8>      console_loglevel (default 7)
 *   exit                after the tests, leave QEMU with the pass/fail code
 *                       (isa-debug-exit) instead of starting the serial shell
 *   noexit              after the tests, halt (no shell, no exit)
 *   poweroff            after the tests, ACPI power-off instead of isa-debug-exit
 *   crash=pf|ud|df|panic|lockorder|panic-smp   die on purpose right after boot
 *                       (panic-smp: once the other CPUs are up, one spinning
 *                       with interrupts off; tests the
 *                       panic paths; lockorder: two ranked locks taken inverted)
 *   trace=mm            print "trace,<ms>,<zone>,<free>,<min>,<low>,<high>,<kswapd>"
 *                       CSV lines every 10 ms (kernel/mm_trace.c; tools/plot-trace.sh)
 *   duration=<seconds>  how long test=stress (default 10) and test=soak (default 60) run
 *   pcp=on|off          per-CPU page lists (default on; off for comparisons)
 *   numa=off            ignore the firmware's SRAT/SLIT: one memory node
 *   fail_page_alloc=<probability>,<interval>,<times>,<min_order>
 *                       fault injection (mm/fail_page_alloc.h): percent of
 *                       eligible requests failed, every Nth only, at most
 *                       <times> (-1: no limit), orders >= min_order; trailing
 *                       fields optional. Applied once the allocator and
 *                       threads are up, before the self-tests.
 *   page_poison=0|1     fill free pages with a pattern checked on allocation,
 *                       and remember each page's last freer for the report
 *                       (mm/debug.h). Default: on when self-tests run,
 *                       except test=bench (it measures the plain allocator)
 *                       and test=none.
 *   slab_debug[=<FZPU->[,<cache>...]]  slab debugging (mm/slab.h): F checks,
 *                       Z red zones, P poisoning, U callers; bare: all, for
 *                       every cache; with names: those caches only.
 *
 * Unknown options are reported and ignored; malformed values are reported
 * and the option keeps its default.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/fail_page_alloc.h"

#define CMDLINE_TESTS_MAX 256

struct kernel_options {
	uint64_t mem_limit;	       /* bytes, 0 = no limit */
	uint64_t ramdisk_size;	       /* bytes, 0 = default */
	char tests[CMDLINE_TESTS_MAX]; /* the test= value, "all" by default */
	int loglevel;
	bool exit; /* no shell: leave QEMU after the tests */
	bool noexit;
	bool poweroff;
	char crash[12];		  /* crash= value, "" when absent */
	bool trace_mm;		  /* trace=mm */
	unsigned int duration_s;  /* duration=, 0 = the suite's default */
	bool pcp_off;		  /* pcp=off */
	int page_poison;	  /* page_poison=0|1; -1: the default (main.c) */
	bool numa_off;		  /* numa=off */
	bool slab_debug_set;	  /* slab_debug[=...] given */
	char slab_debug[64];	  /* its value ("" when bare) */
	bool fail_page_alloc_set; /* fail_page_alloc= given */
	struct fail_page_alloc_attr fail_page_alloc;
};

/* Parse @cmdline into @opt (reset to defaults first). Prints one line per
 * ignored or malformed option. Returns the number of such problems. */
int cmdline_parse(const char *cmdline, struct kernel_options *opt);

#endif /* KERNEL_CMDLINE_H */
