/*
 * arch/x86_64/smp.c - bringing up the application processors and the
 * IPIs between CPUs (see smp.h).
 *
 * Bring-up, one AP at a time: the boot CPU gives the AP an idle thread
 * (whose stack it starts on) and an IST stack, writes them into the
 * trampoline's data block, and sends INIT, then up to two STARTUPs, with
 * the delays of Intel's MP start-up algorithm measured on the TSC. The AP
 * reaches smp_ap_entry() in long mode, loads the kernel's page tables,
 * its own GDT and TSS, the shared IDT, its GS base, enables its LAPIC and
 * becomes its idle thread.
 */
#include "smp.h"
#include "arch.h"
#include "cpu.h"
#include "desc.h"
#include "irq.h"
#include "lapic.h"
#include "layout.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "mm/gfp.h"
#include "mm/memblock.h"
#include "mm/page.h"

_Static_assert(SCHED_MAX_CPUS == ACPI_MAX_CPUS, "one CPU limit");
_Static_assert(SCHED_MAX_CPUS <= 64, "CPU masks are 64-bit");

#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS 0x18
#define AP_IST_ORDER 1 /* 8 KiB, as the boot CPU's emergency stack */
#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_PS (1ULL << 7)

/* Per-AP descriptor tables: the boot CPU keeps trap.c's. */
static struct {
	uint64_t gdt[5];
	struct tss tss;
} ap_desc[SCHED_MAX_CPUS] __attribute__((aligned(16)));

extern char trampoline_start[], trampoline_end[], tramp_gdtr[], tramp_pm_jump[], tramp_lm_jump[],
	tramp_cr3[], tramp_efer[], tramp_stack[], tramp_entry[], tramp_arg[], tramp_pm32[],
	tramp_lm64[], tramp_gdt[];
void smp_ap_entry(struct cpu *c) __attribute__((noreturn));

static struct acpi_madt_info madt;
static bool have_madt;
static unsigned int nr_possible = 1;
static uint64_t tramp_phys; /* code page; the temporary page tables follow */
static uint64_t kernel_cr3;
static struct desc_ptr shared_idtr;
static unsigned int ap_started; /* id of the last AP that reached C */

unsigned int smp_nr_possible(void)
{
	return nr_possible;
}
const struct acpi_madt_info *smp_madt(void)
{
	return have_madt ? &madt : NULL;
}

void smp_early_init(void)
{
	struct cpu *c = &cpus[0];

	c->self = c;
	c->id = 0;
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

static uint32_t boot_cpu_apic_id(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return b >> 24;
}

unsigned int smp_prepare(uint64_t rsdp_phys)
{
	const char *err = NULL;
	uint32_t bsp = boot_cpu_apic_id();

	cpus[0].apic_id = bsp;
	if (!rsdp_phys)
		rsdp_phys = acpi_find_rsdp_bios();
	if (acpi_parse(rsdp_phys, &madt, &err)) {
		printk("smp: ACPI: %s; running on the boot CPU only\n", err);
		return nr_possible;
	}
	have_madt = true;
	printk("ACPI: RSDP 0x%lx rev %u (%s), MADT: %u CPUs enabled, %u disabled, %u I/O APIC(s), "
	       "LAPIC at 0x%lx\n",
	       (unsigned long)rsdp_phys, madt.rsdp_revision, madt.oem_id, madt.nr_cpus,
	       madt.nr_disabled, madt.nr_ioapics, (unsigned long)madt.lapic_phys);
	if (madt.nr_ignored)
		printk("smp: %u CPUs beyond the first %u ignored\n", madt.nr_ignored,
		       SCHED_MAX_CPUS);

	/* Dense ids: the boot CPU first, then the others in MADT order. */
	bool bsp_seen = false;
	unsigned int n = 1;
	for (unsigned int i = 0; i < madt.nr_cpus; i++) {
		if (madt.apic_ids[i] == bsp && !bsp_seen) {
			bsp_seen = true;
			continue;
		}
		if (n < SCHED_MAX_CPUS)
			cpus[n++].apic_id = madt.apic_ids[i];
	}
	if (!bsp_seen) {
		printk("smp: the boot CPU (APIC id %u) is not in the MADT; running on it alone\n",
		       bsp);
		return nr_possible;
	}
	if (n > 1) {
		/* Pages below 1 MiB (the STARTUP vector is a page number
		 * under 0x100): the code, then the temporary PML4, PDPT, PD. */
		tramp_phys = mm_memblock_phys_alloc_below(4 * PAGE_SIZE, PAGE_SIZE, 0x100000,
						       "SMP trampoline");
		if (!tramp_phys) {
			printk("smp: no free page below 1 MiB for the trampoline; one CPU\n");
			return nr_possible;
		}
	}
	nr_possible = n;
	return nr_possible;
}

/* ---- IPIs ---------------------------------------------------------------- */

static struct {
	mm_spinlock_t lock; /* one call in flight */
	void (*fn)(void *);
	void *arg;
	uint64_t pending; /* CPUs that have yet to run fn (atomic) */
} call = { MM_SPINLOCK_INIT_RANKED(MM_LOCK_RANK_CALL), NULL, NULL, 0 };
static uint64_t calls_served[SCHED_MAX_CPUS];

uint64_t smp_calls_served(unsigned int id)
{
	return id < SCHED_MAX_CPUS ? __atomic_load_n(&calls_served[id], __ATOMIC_RELAXED) : 0;
}

/* Run the call aimed at this CPU, if any. Interrupts off. */
static void smp_call_poll(void)
{
	unsigned int me = this_cpu()->id;
	uint64_t bit = 1ULL << me;

	if (!(__atomic_load_n(&call.pending, __ATOMIC_ACQUIRE) & bit))
		return;
	call.fn(call.arg);
	calls_served[me]++;
	__atomic_fetch_and(&call.pending, ~bit, __ATOMIC_RELEASE);
}

static void call_function_ipi(struct trap_frame *f, void *data)
{
	(void)f;
	(void)data;
	lapic_eoi();
	this_cpu()->nr_ipis++;
	smp_call_poll();
}

static void reschedule_ipi(struct trap_frame *f, void *data)
{
	(void)f;
	(void)data;
	lapic_eoi();
	this_cpu()->nr_ipis++;
	/* need_resched is already set; irq_dispatch's exit switches. */
}

void smp_init_ipis(void)
{
	if (irq_register(IRQ_VECTOR_RESCHEDULE, reschedule_ipi, NULL) ||
	    irq_register(IRQ_VECTOR_CALL_FUNCTION, call_function_ipi, NULL))
		panic("smp: IPI vectors already taken");
}

void smp_send_reschedule(unsigned int id)
{
	if (id < SCHED_MAX_CPUS && __atomic_load_n(&cpus[id].online, __ATOMIC_ACQUIRE))
		lapic_send_ipi(cpus[id].apic_id, LAPIC_ICR_FIXED | IRQ_VECTOR_RESCHEDULE);
}

static bool stopping;
static unsigned int nr_stopped;

bool smp_stopping(void)
{
	return __atomic_load_n(&stopping, __ATOMIC_ACQUIRE);
}

void smp_stopped_here(void)
{
	__atomic_fetch_add(&nr_stopped, 1, __ATOMIC_RELEASE);
	for (;;)
		__asm__ volatile("cli; hlt");
}

unsigned int smp_stop_other_cpus(void)
{
	unsigned int me = this_cpu()->id, sent = 0;

	if (__atomic_exchange_n(&stopping, true, __ATOMIC_ACQ_REL))
		return 0; /* another CPU is already stopping us all */
	for (unsigned int i = 0; i < SCHED_MAX_CPUS; i++) {
		if (i == me || !__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE))
			continue;
		/* NMI: a CPU spinning with interrupts off stops too. */
		lapic_send_ipi(cpus[i].apic_id, LAPIC_ICR_NMI);
		sent++;
	}
	/* Wait (no timer: we may be in any state) until each has said so. */
	for (unsigned long spin = 0;
	     __atomic_load_n(&nr_stopped, __ATOMIC_ACQUIRE) < sent && spin < 200000000UL; spin++)
		cpu_relax();
	sent = __atomic_load_n(&nr_stopped, __ATOMIC_ACQUIRE);
	if (sent)
		printk("smp: stopped %u other CPU%s\n", sent, sent == 1 ? "" : "s");
	return sent;
}

void smp_call_function_many(uint64_t mask, void (*fn)(void *), void *arg, bool wait)
{
	unsigned long flags = irq_save();
	unsigned int me = this_cpu()->id;
	uint64_t targets = 0;

	(void)wait;
	for (unsigned int i = 0; i < SCHED_MAX_CPUS; i++)
		if ((mask >> i & 1) && i != me &&
		    __atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE))
			targets |= 1ULL << i;
	if (!targets) {
		irq_restore(flags);
		return;
	}
	/* Another CPU's call may be aimed at us while we wait for the slot:
	 * serve it, or both would wait forever. */
	while (!mm_spin_trylock(&call.lock)) {
		smp_call_poll();
		cpu_relax();
	}
	call.fn = fn;
	call.arg = arg;
	__atomic_store_n(&call.pending, targets, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < SCHED_MAX_CPUS; i++)
		if (targets >> i & 1)
			lapic_send_ipi(cpus[i].apic_id, LAPIC_ICR_FIXED | IRQ_VECTOR_CALL_FUNCTION);
	while (__atomic_load_n(&call.pending, __ATOMIC_ACQUIRE))
		cpu_relax();
	mm_spin_unlock(&call.lock);
	irq_restore(flags);
}

void smp_call_function(void (*fn)(void *), void *arg, bool wait)
{
	smp_call_function_many(~0ULL, fn, arg, wait);
}

void on_each_cpu(void (*fn)(void *), void *arg, bool wait)
{
	unsigned long flags = irq_save();

	fn(arg);
	irq_restore(flags);
	smp_call_function(fn, arg, wait);
}

static void flush_tlb_one(void *va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

void smp_flush_tlb_page(uintptr_t va)
{
	on_each_cpu(flush_tlb_one, (void *)va, true);
}

/* ---- bring-up ---------------------------------------------------------- */

static void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + us * (arch_tsc_hz() / 1000000);

	while (rdtsc() < end)
		cpu_relax();
}

static void *tramp_field(const char *sym)
{
	return (uint8_t *)phys_to_virt(tramp_phys) + (sym - trampoline_start);
}

static void trampoline_install(void)
{
	size_t size = (size_t)(trampoline_end - trampoline_start);
	uint32_t base = (uint32_t)tramp_phys;

	if (size > PAGE_SIZE)
		panic("smp: trampoline is %zu bytes, more than a page", size);
	memcpy(phys_to_virt(tramp_phys), trampoline_start, size);
	*(uint32_t *)((uint8_t *)tramp_field(tramp_gdtr) + 2) = base + (uint32_t)(tramp_gdt -
										  trampoline_start);
	*(uint32_t *)tramp_field(tramp_pm_jump) = base + (uint32_t)(tramp_pm32 - trampoline_start);
	*(uint32_t *)tramp_field(tramp_lm_jump) = base + (uint32_t)(tramp_lm64 - trampoline_start);
	*(uint32_t *)tramp_field(
		tramp_efer) = (uint32_t)((1u << 8) | (rdmsr(MSR_EFER) & EFER_NXE)); /* LME, NXE */
	*(uint64_t *)tramp_field(tramp_entry) = (uint64_t)(uintptr_t)smp_ap_entry;

	/* The kernel's PML4 plus, in slot 0, one executable 2 MiB page at 0:
	 * the low memory the trampoline runs in, mapped 1:1 while paging
	 * comes on (the direct map cannot serve: it is not executable). */
	kernel_cr3 = read_cr3();
	uint64_t *kpml4 = phys_to_virt(kernel_cr3 & ~0xfffULL);
	uint64_t *tpml4 = phys_to_virt(tramp_phys + PAGE_SIZE);
	uint64_t *tpdpt = phys_to_virt(tramp_phys + 2 * PAGE_SIZE);
	uint64_t *tpd = phys_to_virt(tramp_phys + 3 * PAGE_SIZE);
	for (int i = 0; i < 512; i++) {
		tpml4[i] = kpml4[i];
		tpdpt[i] = 0;
		tpd[i] = 0;
	}
	tpd[0] = 0 | PTE_P | PTE_W | PTE_PS;
	tpdpt[0] = (tramp_phys + 3 * PAGE_SIZE) | PTE_P | PTE_W;
	tpml4[0] = (tramp_phys + 2 * PAGE_SIZE) | PTE_P | PTE_W;
	*(uint32_t *)tramp_field(tramp_cr3) = (uint32_t)(tramp_phys + PAGE_SIZE);
	__asm__ volatile("sidt %0" : "=m"(shared_idtr));
}

static void ap_load_descriptors(struct cpu *c)
{
	uint64_t base = (uint64_t)(uintptr_t)&ap_desc[c->id].tss;
	uint64_t limit = sizeof(struct tss) - 1;
	uint64_t *gdt = ap_desc[c->id].gdt;

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL; /* kernel code, long mode */
	gdt[2] = 0x00cf92000000ffffULL; /* kernel data */
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;
	struct desc_ptr gdtr = { sizeof(ap_desc[0].gdt) - 1, (uint64_t)(uintptr_t)gdt };
	gdt_load(&gdtr, SEL_KCODE, SEL_KDATA, SEL_TSS);
	__asm__ volatile("lidt %0" : : "m"(shared_idtr));
	/* After gdt_load: loading GS's selector clears the base. */
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

/* First C code on an AP: on its idle thread's stack, interrupts off, on
 * the temporary page tables. */
void smp_ap_entry(struct cpu *c)
{
	write_cr3(kernel_cr3);
	ap_load_descriptors(c);
	__atomic_store_n(&ap_started, c->id, __ATOMIC_RELEASE);
	lapic_init();
	sched_ap_run(c);
}

static bool wait_flag(unsigned int *flag, unsigned int want, uint64_t us)
{
	uint64_t end = rdtsc() + us * (arch_tsc_hz() / 1000000);

	while (rdtsc() < end) {
		if (__atomic_load_n(flag, __ATOMIC_ACQUIRE) == want)
			return true;
		cpu_relax();
	}
	return __atomic_load_n(flag, __ATOMIC_ACQUIRE) == want;
}

static bool wait_online(struct cpu *c, uint64_t us)
{
	uint64_t end = rdtsc() + us * (arch_tsc_hz() / 1000000);

	while (rdtsc() < end) {
		if (__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
			return true;
		cpu_relax();
	}
	return false;
}

static bool boot_one(unsigned int id)
{
	struct cpu *c = &cpus[id];
	struct thread *idle = sched_alloc_idle(id);
	struct page *ist = alloc_pages(GFP_KERNEL, AP_IST_ORDER);

	if (!idle || !ist) {
		printk("smp: CPU %u: no memory for its stacks\n", id);
		if (ist)
			__free_pages(ist, AP_IST_ORDER);
		return false;
	}
	c->self = c;
	c->id = id;
	c->idle = idle;
	ap_desc[id].tss.ist[0] = (uint64_t)(uintptr_t)page_address(ist) +
				 (PAGE_SIZE << AP_IST_ORDER);
	ap_desc[id].tss.iomap_base = sizeof(struct tss);
	*(uint64_t *)tramp_field(tramp_stack) = idle->stack_hi;
	*(uint64_t *)tramp_field(tramp_arg) = (uint64_t)(uintptr_t)c;
	__atomic_store_n(&ap_started, 0, __ATOMIC_RELEASE);

	/* Intel SDM vol. 3, 8.4.4.1: INIT (assert, then de-assert), 10 ms,
	 * STARTUP, 200 us, a second STARTUP if the first did not take. */
	lapic_send_ipi(c->apic_id, LAPIC_ICR_INIT | LAPIC_ICR_LEVEL | LAPIC_ICR_ASSERT);
	udelay(200);
	lapic_send_ipi(c->apic_id, LAPIC_ICR_INIT | LAPIC_ICR_LEVEL);
	udelay(10000);
	for (int i = 0; i < 2; i++) {
		lapic_send_ipi(c->apic_id, LAPIC_ICR_STARTUP | (uint32_t)(tramp_phys >> 12));
		if (wait_flag(&ap_started, id, 200))
			break;
	}
	/* TCG may take a while to schedule a new vCPU thread. */
	if (!wait_flag(&ap_started, id, 2000000) || !wait_online(c, 2000000)) {
		printk("smp: CPU %u (APIC id %u) did not come up\n", id, c->apic_id);
		return false; /* its stacks stay: the AP may still be running on them */
	}
	return true;
}

unsigned int smp_boot_aps(void)
{
	unsigned int up = 1;

	if (nr_possible <= 1) {
		printk("smp: 1 CPU\n");
		return 1;
	}
	trampoline_install();
	uint64_t t0 = rdtsc();
	for (unsigned int id = 1; id < nr_possible; id++)
		if (boot_one(id))
			up++;
	uint64_t us = (rdtsc() - t0) / (arch_tsc_hz() / 1000000 ? arch_tsc_hz() / 1000000 : 1);
	printk("smp: %u of %u CPUs online (APs started in %lu ms)\n", up, nr_possible,
	       (unsigned long)(us / 1000));
	return up;
}
