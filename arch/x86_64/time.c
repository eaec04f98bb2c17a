/*
 * arch/x86_64/time.c - time from the TSC, calibrated once against the PIT
 * (channel 2, gated through port 0x61, needs no interrupts). CPUID leaf
 * 0x15 would be exact on newer hardware but QEMU's TCG does not report it.
 */
#include "arch.h"
#include "cpu.h"
#include "kernel/printk.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61
#define CALIBRATE_MS 10

static uint64_t tsc_hz;
static uint64_t tsc_at_boot;

static uint64_t pit_measure_tsc(void)
{
	uint16_t count = (uint16_t)(PIT_HZ / (1000 / CALIBRATE_MS));

	/* Gate on, speaker off; channel 2, lobyte/hibyte, mode 0. */
	outb(PIT_GATE, (uint8_t)((inb(PIT_GATE) & ~0x02) | 0x01));
	outb(PIT_CMD, 0xb0);
	outb(PIT_CH2, (uint8_t)count);
	outb(PIT_CH2, (uint8_t)(count >> 8));
	uint64_t t0 = rdtsc();
	/* OUT2 (bit 5) rises when the count reaches zero. Bounded, in case
	 * there is no PIT. */
	for (uint64_t spins = 0; !(inb(PIT_GATE) & 0x20); spins++)
		if (spins > 100000000ULL)
			return 0;
	return rdtsc() - t0;
}

void arch_time_init(void)
{
	tsc_at_boot = rdtsc();
	uint64_t best = 0;

	/* Take the smallest of a few runs: an emulator may stall any of them. */
	for (int i = 0; i < 3; i++) {
		uint64_t d = pit_measure_tsc();
		if (d && (!best || d < best))
			best = d;
	}
	tsc_hz = best ? best * (1000 / CALIBRATE_MS) : 1000000000ULL;
	printk("time: TSC %llu.%03llu MHz%s\n", (unsigned long long)(tsc_hz / 1000000),
	       (unsigned long long)(tsc_hz / 1000 % 1000), best ? "" : " (PIT silent, guessed)");
}

uint64_t arch_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t mm_time_ns(void)
{
	uint64_t hz = tsc_hz ? tsc_hz : 1000000000ULL;
	uint64_t t = rdtsc() - tsc_at_boot;

	/* Split so the multiplication cannot overflow 64 bits. */
	return t / hz * 1000000000ULL + t % hz * 1000000000ULL / hz;
}
