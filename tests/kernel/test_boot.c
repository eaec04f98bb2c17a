/*
 * tests/kernel/test_boot.c - self-tests of the boot path and the arch and
 * kernel core: higher-half and direct mappings, the exception path,
 * printk formatting, command-line parsing, time.
 */
#include <stdint.h>

#include "kernel/cmdline.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/trap.h"
#include "mm/host.h"
#include "mm/memblock.h"

/* Probes whose faulting instruction and resume point the trap hook knows,
 * whatever their encoding length. */
uint64_t probe_read(const volatile uint64_t *addr);
void probe_ud2(void);
void probe_int3(void);
extern char probe_read_fault[], probe_read_resume[], probe_ud2_fault[], probe_ud2_resume[],
	probe_int3_after[];
__asm__(".text\n"
	".globl probe_read, probe_read_fault, probe_read_resume\n"
	"probe_read:\n"
	"	xorl %eax, %eax\n"
	"probe_read_fault:\n"
	"	movq (%rdi), %rax\n"
	"probe_read_resume:\n"
	"	ret\n"
	".globl probe_ud2, probe_ud2_fault, probe_ud2_resume\n"
	"probe_ud2:\n"
	"probe_ud2_fault:\n"
	"	ud2\n"
	"probe_ud2_resume:\n"
	"	ret\n"
	".globl probe_int3, probe_int3_after\n"
	"probe_int3:\n"
	"	int3\n"
	"probe_int3_after:\n"
	"	ret\n");

#define PROBE_FAULTED 0xdeadfa17deadfa17ULL

static struct {
	unsigned int hits;
	uint64_t vector, error, rip, cr2;
} seen;

static bool probe_hook(struct trap_frame *f)
{
	seen.hits++;
	seen.vector = f->vector;
	seen.error = f->error;
	seen.rip = f->rip;
	seen.cr2 = read_cr2();
	if (f->rip == (uint64_t)(uintptr_t)probe_read_fault) {
		f->rip = (uint64_t)(uintptr_t)probe_read_resume;
		f->rax = PROBE_FAULTED;
		return true;
	}
	if (f->rip == (uint64_t)(uintptr_t)probe_ud2_fault) {
		f->rip = (uint64_t)(uintptr_t)probe_ud2_resume;
		return true;
	}
	if (f->vector == 3 && f->rip == (uint64_t)(uintptr_t)probe_int3_after)
		return true;
	return false; /* not ours: panic as usual */
}

static void probe_begin(void)
{
	seen.hits = 0;
	seen.vector = seen.error = seen.rip = seen.cr2 = ~0ULL;
	trap_set_hook(probe_hook);
}

static void probe_end(void)
{
	trap_set_hook(NULL);
}

static uint64_t boot_marker = 0x1234567890abcdefULL;

KTEST(boot, kernel_runs_in_higher_half)
{
	uint64_t rip;
	__asm__ volatile("leaq 0(%%rip), %0" : "=r"(rip));
	KT_EXPECT(rip >= KERNEL_VMA);
	KT_EXPECT((uintptr_t)&boot_marker >= KERNEL_VMA);
	KT_EXPECT((uintptr_t)_kernel_start == KERNEL_VMA + kernel_phys_start());
	KT_EXPECT_EQ(kernel_phys_start(), 0x200000);
	KT_EXPECT(kernel_phys_end() > kernel_phys_start());
}

KTEST(boot, direct_map_aliases_kernel_image)
{
	/* The same physical memory through the direct map: a write through one
	 * mapping must be visible through the other. */
	volatile uint64_t *alias = phys_to_virt(virt_to_phys(&boot_marker));
	KT_ASSERT((uintptr_t)alias >= DIRECT_MAP_BASE && (uintptr_t)alias < KERNEL_VMA);
	KT_EXPECT_EQ(*alias, 0x1234567890abcdefULL);
	*alias = 0x5555aaaa5555aaaaULL;
	KT_EXPECT_EQ(*(volatile uint64_t *)&boot_marker, 0x5555aaaa5555aaaaULL);
	boot_marker = 0x1234567890abcdefULL;
	KT_EXPECT_EQ(mm_virt_to_pfn(mm_pfn_to_virt(0x12345)), 0x12345);
}

KTEST(boot, direct_map_covers_all_ram)
{
	uint64_t end = mm_memblock_end_of_ram();

	if (!arch_direct_map_size()) {
		ktest_skip("direct map not set up");
		return;
	}
	KT_EXPECT(arch_direct_map_size() >= end);
	KT_EXPECT(arch_direct_map_page_size() == (1ULL << 30) ||
		  arch_direct_map_page_size() == (1ULL << 21));
	/* Read the first and last byte of every RAM range through the direct
	 * map: a hole in the map would fault (and the hook turns that into a
	 * failed check instead of a panic). */
	probe_begin();
	for (unsigned int i = 0; i < mm_memblock.memory.cnt; i++) {
		uint64_t b = mm_memblock.memory.regions[i].base;
		uint64_t e = b + mm_memblock.memory.regions[i].size - 8;
		if (probe_read(phys_to_virt(b)) == PROBE_FAULTED && seen.hits)
			ktest_fail(__FILE__, __LINE__, "RAM at 0x%lx not mapped", b);
		if (probe_read(phys_to_virt(e)) == PROBE_FAULTED && seen.hits)
			ktest_fail(__FILE__, __LINE__, "RAM at 0x%lx not mapped", e);
	}
	probe_end();
}

KTEST(boot, null_page_is_unmapped)
{
	if (!arch_direct_map_size()) {
		ktest_skip("boot identity map still in place");
		return;
	}
	probe_begin();
	uint64_t v = probe_read((const volatile uint64_t *)(uintptr_t)0x8);
	probe_end();
	KT_EXPECT_EQ(v, PROBE_FAULTED);
	KT_EXPECT_EQ(seen.vector, 14);
	KT_EXPECT_EQ(seen.cr2, 0x8);
	KT_EXPECT_EQ(seen.error & 3, 0); /* not present, read */
}

KTEST(boot, idt_has_32_present_gates)
{
	KT_EXPECT_EQ(trap_present_gates(), 32);
}

KTEST(boot, breakpoint_is_caught_and_resumed)
{
	probe_begin();
	probe_int3();
	probe_end();
	KT_EXPECT_EQ(seen.hits, 1);
	KT_EXPECT_EQ(seen.vector, 3);
	KT_EXPECT_EQ(seen.rip, (uintptr_t)probe_int3_after);
}

KTEST(boot, invalid_opcode_is_caught)
{
	probe_begin();
	probe_ud2();
	probe_end();
	KT_EXPECT_EQ(seen.hits, 1);
	KT_EXPECT_EQ(seen.vector, 6);
	KT_EXPECT_EQ(seen.rip, (uintptr_t)probe_ud2_fault);
}

KTEST(boot, page_fault_reports_address_and_error)
{
	/* PML4 slot 384 is never mapped. */
	const uint64_t hole = 0xffffc00000001230ULL;

	probe_begin();
	uint64_t v = probe_read((const volatile uint64_t *)(uintptr_t)hole);
	probe_end();
	KT_EXPECT_EQ(v, PROBE_FAULTED);
	KT_EXPECT_EQ(seen.vector, 14);
	KT_EXPECT_EQ(seen.cr2, hole);
	KT_EXPECT_EQ(seen.rip, (uintptr_t)probe_read_fault);
	/* A mapped address goes through untouched. */
	probe_begin();
	KT_EXPECT_EQ(probe_read(&boot_marker), 0x1234567890abcdefULL);
	probe_end();
	KT_EXPECT_EQ(seen.hits, 0);
}

/* Format into a buffer and compare with the expected text. */
static void check_fmt(const char *file, int line, const char *want, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void check_fmt(const char *file, int line, const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strcmp(buf, want) || n != (int)strlen(want))
		ktest_fail(file, line, "format \"%s\": got \"%s\" (%d), want \"%s\"", fmt, buf, n,
			   want);
}
#define CHECK_FMT(want, ...) check_fmt(__FILE__, __LINE__, want, __VA_ARGS__)

KTEST(boot, printk_formats_integers)
{
	CHECK_FMT("42 -42 0", "%d %i %d", 42, -42, 0);
	CHECK_FMT("-2147483648", "%d", (int)0x80000000);
	CHECK_FMT("4294967295", "%u", 0xffffffffu);
	CHECK_FMT("ff FF 777", "%x %X %o", 255, 255, 0777);
	CHECK_FMT("ffffffffffffffff", "%lx", ~0UL);
	CHECK_FMT("-9223372036854775808", "%lld", (long long)(1ULL << 63));
	CHECK_FMT("18446744073709551615", "%llu", ~0ULL);
	CHECK_FMT("123456789012", "%zu", (size_t)123456789012ULL);
	CHECK_FMT("[   42][42   ][00042]", "[%5d][%-5d][%05d]", 42, 42, 42);
	CHECK_FMT("[-0042][  -42]", "[%05d][%5d]", -42, -42);
	CHECK_FMT("[0000cafe]", "[%08x]", 0xcafe);
	CHECK_FMT("[    7]", "[%*d]", 5, 7);
	CHECK_FMT("[7    ]", "[%*d]", -5, 7);
	CHECK_FMT("0x1f 017", "%#x %#o", 31, 15);
	CHECK_FMT("+5 -5", "%+d %+d", 5, -5);
	CHECK_FMT("[005]", "[%.3d]", 5);
	CHECK_FMT("255 -1", "%hhu %hhd", 0x1ff, 0xff);
}

KTEST(boot, printk_formats_strings_and_pointers)
{
	CHECK_FMT("a%b", "%c%%%c", 'a', 'b');
	CHECK_FMT("[hi   ][   hi]", "[%-5s][%5s]", "hi", "hi");
	CHECK_FMT("[hel]", "[%.3s]", "hello");
	CHECK_FMT("[he]", "[%.*s]", 2, "hello");
	const char *volatile no_string = NULL; /* hidden from GCC's format check */
	CHECK_FMT("(null)", "%s", no_string);
	CHECK_FMT("0xffff888000001000", "%p", (void *)0xffff888000001000UL);
	CHECK_FMT("0x0000000000000010", "%p", (void *)0x10);
	CHECK_FMT("BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved",
		  "BIOS-e820: [mem 0x%016llx-0x%016llx] %s", 0x9fc00ULL, 0x9ffffULL, "reserved");
}

KTEST(boot, snprintf_truncates_and_reports_length)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	int n = snprintf(buf, 5, "%s", "abcdefgh");
	KT_EXPECT_EQ(n, 8);
	KT_EXPECT(!strcmp(buf, "abcd"));
	KT_EXPECT_EQ(buf[5], 'X'); /* nothing written past size */
	KT_EXPECT_EQ(snprintf(NULL, 0, "%d", 12345), 5);
}

KTEST(boot, cmdline_parses_options)
{
	struct kernel_options o;

	KT_EXPECT_EQ(cmdline_parse("", &o), 0);
	KT_EXPECT(!strcmp(o.tests, "all"));
	KT_EXPECT_EQ(o.mem_limit, 0);
	KT_EXPECT_EQ(o.loglevel, 7);

	KT_EXPECT_EQ(cmdline_parse("  mem=512M   test=boot,buddy loglevel=3 noexit", &o), 0);
	KT_EXPECT_EQ(o.mem_limit, 512ULL << 20);
	KT_EXPECT(!strcmp(o.tests, "boot,buddy"));
	KT_EXPECT_EQ(o.loglevel, 3);
	KT_EXPECT(o.noexit);
	KT_EXPECT(!o.poweroff);

	KT_EXPECT_EQ(cmdline_parse("mem=4g", &o), 0);
	KT_EXPECT_EQ(o.mem_limit, 4ULL << 30);
	KT_EXPECT_EQ(cmdline_parse("mem=1536k poweroff", &o), 0);
	KT_EXPECT_EQ(o.mem_limit, 1536ULL << 10);
	KT_EXPECT(o.poweroff);
	KT_EXPECT_EQ(cmdline_parse("mem=0x20000000", &o), 0);
	KT_EXPECT_EQ(o.mem_limit, 512ULL << 20);
	KT_EXPECT_EQ(cmdline_parse("mem=123456789", &o), 0);
	KT_EXPECT_EQ(o.mem_limit, 123456789ULL);
	/* A value followed by more words ends at its own word. */
	KT_EXPECT_EQ(cmdline_parse("crash=ud exit", &o), 0);
	KT_EXPECT(!strcmp(o.crash, "ud"));
	KT_EXPECT(o.exit);
	KT_EXPECT_EQ(cmdline_parse("test=buddy,zones loglevel=2", &o), 0);
	KT_EXPECT(!strcmp(o.tests, "buddy,zones"));
	KT_EXPECT_EQ(o.loglevel, 2);
}

KTEST(boot, cmdline_reports_bad_and_unknown_options)
{
	struct kernel_options o;

	ktest_diag("the next lines are expected complaints");
	KT_EXPECT_EQ(cmdline_parse("mem=12Q", &o), 1);
	KT_EXPECT_EQ(o.mem_limit, 0);
	KT_EXPECT_EQ(cmdline_parse("mem= mem=M loglevel=9", &o), 3);
	KT_EXPECT_EQ(o.loglevel, 7);
	KT_EXPECT_EQ(cmdline_parse("frobnicate=1 quiet test=boot", &o), 2);
	KT_EXPECT(!strcmp(o.tests, "boot"));
	KT_EXPECT_EQ(cmdline_parse("mem=99999999999999999999G", &o), 1);
	KT_EXPECT_EQ(o.mem_limit, 0);
}

KTEST(boot, time_advances_at_a_sane_rate)
{
	uint64_t hz = arch_tsc_hz();
	KT_EXPECT(hz >= 100000000ULL && hz <= 20000000000ULL);
	uint64_t t0 = mm_time_ns();
	uint64_t c0 = rdtsc();
	while (rdtsc() - c0 < hz / 1000) /* about 1 ms of TSC */
		cpu_relax();
	uint64_t dt = mm_time_ns() - t0;
	/* Generous upper bound: the host may preempt QEMU mid-loop. */
	KT_EXPECT(dt >= 900000 && dt < 500000000);
	ktest_diag("TSC %llu kHz, 1 ms of TSC = %llu ns", (unsigned long long)(hz / 1000),
		   (unsigned long long)dt);
}

KTEST(boot, irq_save_disables_and_restores)
{
	unsigned long outer = mm_irq_save();
	unsigned long inner = mm_irq_save();
	KT_EXPECT_EQ(inner & X86_EFLAGS_IF, 0);
	mm_irq_restore(inner);
	mm_irq_restore(outer);
	unsigned long now;
	__asm__ volatile("pushfq; popq %0" : "=r"(now));
	KT_EXPECT_EQ(now & X86_EFLAGS_IF, outer & X86_EFLAGS_IF);
}
