/*
 * kernel/main.c - kernel_main(): from the boot assembly to a running page
 * allocator, then the self-tests, then the serial shell (or, as the
 * command line asks, out through the QEMU exit code, poweroff or halt).
 * The order matters and is the whole point of this file: console, traps,
 * boot information, firmware map, memblock and its reservations, mem=,
 * direct map, zones and buddy allocator, tests.
 */
#include <stdint.h>

#include "cmdline.h"
#include "ktest_run.h"
#include "mm_trace.h"
#include "main.h"
#include "panic.h"
#include "printk.h"
#include "ramdisk.h"
#include "sched.h"
#include "thread.h"
#include "shell.h"
#include "string.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/qemu_exit.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/srat.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/vmap.h"
#include "mm/boot_reserve.h"
#include "mm/bootinfo.h"
#include "mm/debug.h"
#include "mm/kcompactd.h"
#include "mm/memblock.h"
#include "mm/memmap.h"
#include "mm/mm_init.h"
#include "mm/config.h"
#include "mm/slab.h"
#include "mm/pcp.h"
#include "mm/kswapd.h"
#include "mm/vmscan.h"
#include "mm/vmstat.h"

#define KERNEL_NAME "mmk"
#define KERNEL_VERSION "0.1"

void kernel_main(uint32_t magic, uint64_t mbi_phys) __attribute__((noreturn));

struct boot_info kernel_boot_info;
struct kernel_options kernel_opts;

/* crash=: die the requested way, so tests can check that each way out
 * reports and exits with the panic code instead of hanging or rebooting. */
static void crash_on_request(const char *how)
{
	if (!how[0] || !strcmp(how, "panic-smp"))
		return;
	printk("boot: crash=%s requested\n", how);
	if (!strcmp(how, "pf"))
		(void)*(volatile uint64_t *)(uintptr_t)0xffffc00000000000ULL;
	else if (!strcmp(how, "ud"))
		__asm__ volatile("ud2");
	else if (!strcmp(how, "df"))
		/* A page fault that cannot push its frame: only the IST stack
		 * of #DF saves us from a triple fault. */
		__asm__ volatile("movq $0xffffc00000000000, %%rsp; pushq $0" ::: "memory");
	else if (!strcmp(how, "lockorder")) {
		/* The run queue lock, then a zone-ranked lock: inverted. */
		static mm_spinlock_t outer = MM_SPINLOCK_INIT_RANKED(MM_LOCK_RANK_RQ);
		static mm_spinlock_t inner = MM_SPINLOCK_INIT_RANKED(MM_LOCK_RANK_ZONE);
		mm_spin_lock(&outer);
		mm_spin_lock(&inner);
	} else if (!strcmp(how, "panic"))
		panic("crash=panic requested on the command line");
	panic("crash=%s did not crash", how);
}

/* crash=panic-smp: with the other CPUs up, one of them spinning with
 * interrupts off, panic: smp_stop_other_cpus must still stop them all
 * (by NMI) before the report. */
static int spinner_up;

static int spin_irqs_off(void *arg)
{
	(void)arg;
	__asm__ volatile("cli");
	__atomic_store_n(&spinner_up, 1, __ATOMIC_RELEASE);
	for (;;)
		cpu_relax();
	return 0;
}

static void crash_panic_smp(void)
{
	printk("boot: crash=panic-smp requested (%u CPUs online)\n", sched_nr_online());
	if (sched_nr_online() > 1 && thread_create_on("spinner", spin_irqs_off, NULL, 0, 1)) {
		uint64_t end = rdtsc() + 2 * arch_tsc_hz(); /* 2 s */

		while (!__atomic_load_n(&spinner_up, __ATOMIC_ACQUIRE) && rdtsc() < end)
			cpu_relax();
		printk("boot: CPU 1 %s with interrupts off\n",
		       __atomic_load_n(&spinner_up, __ATOMIC_ACQUIRE) ? "spins" : "did not start");
	}
	panic("crash=panic-smp requested on the command line");
}

/* Above this much RAM, test boots do not poison unless asked: under QEMU's
 * TCG the suites that fill all memory (exhaustion, reclaim of four times
 * free memory) then spend minutes writing and reading the pattern (4 GiB:
 * 25 s without, 190 s with). The small boots of the matrix poison. */
#define POISON_DEFAULT_MAX_RAM (1ull << 30)

/* Test boots poison free pages, so that a use after free in any suite is
 * caught and its freer named; but not bench, which measures the allocator
 * as it boots without tests, nor a boot that runs no tests. */
static bool poison_by_default(const char *tests)
{
	if (!strcmp(tests, "none") || mm_memblock_phys_mem_size() > POISON_DEFAULT_MAX_RAM)
		return false;
	for (const char *p = tests; *p;) {
		size_t n = 0;

		while (p[n] && p[n] != ',')
			n++;
		if (n == 5 && !strncmp(p, "bench", 5))
			return false;
		p += n + !!p[n];
	}
	return true;
}

static void finish(int failures) __attribute__((noreturn));
static void finish(int failures)
{
	/* The allocator's state after the self-tests, in /proc's formats, so a
	 * log shows what the tests left behind (everything should be free). */
	printk("# /proc/buddyinfo\n");
	mm_print_buddyinfo();
	printk("# /proc/pagetypeinfo\n");
	mm_print_pagetypeinfo();
	printk("# /proc/zoneinfo\n");
	mm_print_zoneinfo();
	printk("# /proc/vmstat\n");
	mm_print_vmstat();
	if (kernel_opts.noexit) {
		printk("boot: noexit: halting\n");
		machine_halt();
	}
	if (kernel_opts.poweroff) {
		printk("boot: powering off\n");
		machine_poweroff();
	}
	if (kernel_opts.exit)
		qemu_exit(failures ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	/* The daemons start after the reports, so the reports show what the
	 * tests left and not the daemons' own stacks; the shell then works
	 * with background reclaim and compaction as a real system would. */
	if (kswapd_run())
		printk("kswapd: could not start\n");
	if (kcompactd_run())
		printk("kcompactd: could not start\n");
	shell_run(failures);
}

void kernel_main(uint32_t magic, uint64_t mbi_phys)
{
	const char *err = NULL;

	serial_init();
	trap_init();
	smp_early_init(); /* GS base: this_cpu() and mm_cpu_id() from here on */
	printk("\n%s version %s (gcc %s) x86_64, built " __DATE__ "\n", KERNEL_NAME, KERNEL_VERSION,
	       __VERSION__);
	printk("kernel: image [mem 0x%016lx-0x%016lx] at 0x%lx\n", kernel_phys_start(),
	       kernel_phys_end() - 1, (uint64_t)(uintptr_t)_kernel_start);

	if (mm_bootinfo_parse(magic, phys_to_virt(mbi_phys), mbi_phys, &kernel_boot_info, &err))
		panic("boot: bad boot information (magic 0x%x, at 0x%lx): %s", magic, mbi_phys,
		      err ? err : "(no reason given)");
	printk("Boot loader: %s\n",
	       kernel_boot_info.loader_name[0] ? kernel_boot_info.loader_name : "(unnamed)");
	printk("Command line: %s\n", kernel_boot_info.cmdline);
	cmdline_parse(kernel_boot_info.cmdline, &kernel_opts);
	console_loglevel = kernel_opts.loglevel;

	arch_time_init();

	if (mm_memmap_sanitize(&kernel_boot_info.map))
		printk("boot: memory map too large after sanitizing, some ranges lost\n");
	printk("BIOS-provided physical RAM map (%s):\n",
	       kernel_boot_info.map_source == 17 ? "EFI memory map" : "multiboot2 mmap");
	mm_memmap_print(&kernel_boot_info.map, "BIOS-e820");
	if (mm_memblock_init_from_memmap(&kernel_boot_info.map))
		panic("boot: memblock cannot hold the memory map");
	if (mm_reserve_boot_ranges(&kernel_boot_info, kernel_phys_start(), kernel_phys_end()))
		panic("boot: memblock cannot hold the boot reservations");
	if (kernel_opts.mem_limit) {
		mm_memblock_enforce_memory_limit(kernel_opts.mem_limit);
		printk("mem=%lluM: %llu MiB of RAM kept\n",
		       (unsigned long long)(kernel_opts.mem_limit >> 20),
		       (unsigned long long)(mm_memblock_phys_mem_size() >> 20));
	}
	arch_setup_direct_map();
	/* Before mm_init: the CPU count sizes the per-CPU lists, and the AP
	 * trampoline needs a page below 1 MiB from memblock. */
	smp_prepare(kernel_boot_info.rsdp_phys);
	/* After smp_prepare (CPU numbers for the SRAT's APIC ids), before
	 * mm_init (which will build its nodes from this). */
	x86_numa_init(kernel_boot_info.rsdp_phys, mm_memblock_end_of_ram(), kernel_opts.numa_off);
	crash_on_request(kernel_opts.crash);
	/* Before mm_init: the allocator must never see the disk's memory. */
	(void)ramdisk_reserve(kernel_opts.ramdisk_size);

	/* Before mm_init: it keeps the last-freer table only when poisoning. */
	mm_debug_poison = kernel_opts.page_poison >= 0 ? kernel_opts.page_poison
						       : poison_by_default(kernel_opts.tests);
	if (mm_debug_poison)
		printk("mm: page poisoning on (page_poison=0 turns it off)\n");
	else if (kernel_opts.page_poison < 0 && strcmp(kernel_opts.tests, "none"))
		printk("mm: page poisoning off (more than %llu MiB of RAM or test=bench; page_poison=1 turns it on)\n",
		       POISON_DEFAULT_MAX_RAM >> 20);

	/* Timed because struct page set-up is the boot cost that grows with
	 * RAM; BENCHMARKS.md records it per GiB. */
	uint64_t t0 = rdtsc();
	if (mm_init())
		panic("mm: mm_init failed");
	uint64_t us = (rdtsc() - t0) * 1000000 / (arch_tsc_hz() ? arch_tsc_hz() : 1);
	uint64_t mib = mm_memblock_phys_mem_size() >> 20;
	printk("mm: zones and struct pages for %llu MiB set up in %llu us (%llu us per GiB)\n",
	       (unsigned long long)mib, (unsigned long long)us,
	       (unsigned long long)(mib ? us * 1024 / mib : 0));
	mm_print_zone_summary();
	vmap_init(mm_max_pfn);
	printk("vmap: %lu MiB of virtual range for vmarea pages\n", vmap_nr_slots >> 8);
	if (kernel_opts.pcp_off) {
		mm_pcp_set_enabled(false);
		printk("mm: per-CPU page lists off (pcp=off)\n");
	}
	mm_reclaim_init();
#if MM_CONFIG_SLAB
	if (kernel_opts.slab_debug_set && !mm_slab_debug_setup(kernel_opts.slab_debug))
		printk("mm: slab debugging on (slab_debug=%s)\n", kernel_opts.slab_debug);
	if (kmem_cache_init())
		panic("mm: kmem_cache_init failed");
#else
	if (kernel_opts.slab_debug_set)
		printk("mm: slab_debug= ignored: this kernel is built without mm/'s slab layer\n");
#endif
	sched_init();
	smp_boot_aps();
	if (!strcmp(kernel_opts.crash, "panic-smp"))
		crash_panic_smp();
	if (kernel_opts.trace_mm)
		mm_trace_start(10);

	/* kswapd starts after the self-tests (finish()): suites that count
	 * reclaim exactly run without it (parked: no watermark boosts
	 * either); the kswapd suite starts it and parks it again. */
	mm_kswapd_park();
	if (kernel_opts.fail_page_alloc_set) {
		const struct fail_page_alloc_attr *fa = &kernel_opts.fail_page_alloc;
		printk("fail_page_alloc: probability %u%%, interval %u, times %ld, min_order %u\n",
		       fa->probability, fa->interval, fa->times, fa->min_order);
		mm_fail_page_alloc_setup(fa);
	}
	finish(ktest_run(kernel_opts.tests));
}
