/*
 * arch/x86_64/lapic.c - the local APIC, at the physical address in the
 * IA32_APIC_BASE MSR. Its MMIO page (0xfee00000 normally) is below 4 GiB,
 * which the direct map covers whole, so we reach it through the direct
 * map; the firmware's MTRRs make that range uncached, which overrides the
 * write-back default of the page tables. If the firmware switched the
 * LAPIC to x2APIC mode, MMIO is dead and the same registers are MSRs.
 */
#include "lapic.h"
#include "arch.h"
#include "cpu.h"
#include "irq.h"
#include "layout.h"
#include "kernel/panic.h"
#include "kernel/printk.h"

#define MSR_APIC_BASE 0x1bu
#define APIC_BASE_ENABLE (1ULL << 11)
#define APIC_BASE_X2APIC (1ULL << 10)
#define APIC_BASE_ADDR 0xffffff000ULL
#define MSR_X2APIC_BASE 0x800u

#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_PERIODIC (1u << 17)
#define TIMER_DIV_16 0x3
#define CALIBRATE_MS 10

static volatile uint32_t *mmio;
static bool x2apic;
static uint64_t timer_hz;

static uint32_t lapic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_BASE + (reg >> 4));
	return mmio[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
	else
		mmio[reg / 4] = v;
}

void lapic_init(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(d & (1u << 9)))
		panic("lapic: CPU has no local APIC");
	uint64_t base = rdmsr(MSR_APIC_BASE);
	x2apic = base & APIC_BASE_X2APIC;
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	uint64_t phys = base & APIC_BASE_ADDR;
	if (!x2apic) {
		if (phys >= (1ULL << 32))
			panic("lapic: MMIO at 0x%llx is outside the direct map",
			      (unsigned long long)phys);
		mmio = phys_to_virt(phys);
	}

	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_ENABLE | IRQ_VECTOR_SPURIOUS);
	if (!x2apic) {
		/* The ESR latches on a write; two writes clear it (xAPIC only). */
		lapic_write(LAPIC_ESR, 0);
		lapic_write(LAPIC_ESR, 0);
	}
	/* Drop an interrupt the firmware may have left in service. */
	lapic_eoi();
	printk("lapic: id %u version 0x%x, %s at 0x%llx\n", lapic_id(),
	       lapic_read(LAPIC_VERSION) & 0xff, x2apic ? "x2APIC" : "xAPIC",
	       (unsigned long long)phys);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(LAPIC_ID);
	return x2apic ? id : id >> 24;
}

bool lapic_is_x2apic(void)
{
	return x2apic;
}

uint32_t lapic_timer_current(void)
{
	return lapic_read(LAPIC_TIMER_CUR);
}

/* One run: let the timer count down from its maximum for CALIBRATE_MS of
 * TSC time; returns counts per second. */
static uint64_t measure_once(uint64_t tsc_hz)
{
	uint64_t span = tsc_hz / (1000 / CALIBRATE_MS);

	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | IRQ_VECTOR_TIMER); /* one-shot */
	uint64_t t0 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
	uint64_t t1;
	while ((t1 = rdtsc()) - t0 < span)
		cpu_relax();
	uint32_t left = lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);
	uint64_t counted = 0xffffffffull - left;
	/* counted / (dt / tsc_hz), split to avoid overflow */
	uint64_t dt = t1 - t0;
	return counted * (tsc_hz / 1000) / (dt / 1000 ? dt / 1000 : 1);
}

uint64_t lapic_timer_calibrate(void)
{
	uint64_t tsc_hz = arch_tsc_hz();
	uint64_t runs[3];

	for (int i = 0; i < 3; i++)
		runs[i] = measure_once(tsc_hz);
	/* The median: an emulator stall between the TSC reads and the
	 * count read skews one run, not the middle one. */
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2 - i; j++)
			if (runs[j] > runs[j + 1]) {
				uint64_t t = runs[j];
				runs[j] = runs[j + 1];
				runs[j + 1] = t;
			}
	timer_hz = runs[1];
	printk("lapic: timer %llu.%03llu MHz (divide by 16, TSC-calibrated)\n",
	       (unsigned long long)(timer_hz / 1000000),
	       (unsigned long long)(timer_hz / 1000 % 1000));
	return timer_hz;
}

void lapic_timer_start_periodic(unsigned int vector, unsigned int hz)
{
	uint64_t count = hz ? timer_hz / hz : 0;

	if (!count || count > 0xffffffffull)
		panic("lapic: cannot tick at %u Hz with a %llu Hz timer", hz,
		      (unsigned long long)timer_hz);
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | (vector & 0xff));
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)count);
}

void lapic_timer_stop(void)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0);
}

/* The ICR: xAPIC takes the destination in ICR_HI and sends on the write
 * of ICR_LO; x2APIC takes both halves in one 64-bit MSR write. */
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_lo)
{
	unsigned long flags = irq_save();

	if (x2apic) {
		wrmsr(MSR_X2APIC_BASE + (LAPIC_ICR_LO >> 4), ((uint64_t)apic_id << 32) | icr_lo);
	} else {
		while (mmio[LAPIC_ICR_LO / 4] & LAPIC_ICR_PENDING)
			cpu_relax();
		mmio[LAPIC_ICR_HI / 4] = apic_id << 24;
		mmio[LAPIC_ICR_LO / 4] = icr_lo;
		while (mmio[LAPIC_ICR_LO / 4] & LAPIC_ICR_PENDING)
			cpu_relax();
	}
	irq_restore(flags);
}
