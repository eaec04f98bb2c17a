/*
 * arch/x86_64/lapic.h - this CPU's local APIC: enabling it, end of
 * interrupt, and its timer (calibrated against the TSC).
 */
#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Enable this CPU's LAPIC (xAPIC through MMIO, or x2APIC through MSRs if
 * the firmware left it in that mode), spurious vector 0xff, LINT0/LINT1,
 * error and timer LVTs masked, task priority 0. Panics when the CPU has
 * no APIC. Interrupts must be off. */
void lapic_init(void);

/* Signal end of interrupt for the in-service LAPIC vector. */
void lapic_eoi(void);

uint32_t lapic_id(void);
bool lapic_is_x2apic(void);

/* Measure the timer's input clock (Hz, after the divide-by-16 we use)
 * against the TSC; needs arch_time_init() first. Returns 0 if the timer
 * does not count. */
uint64_t lapic_timer_calibrate(void);

/* Periodic interrupts on @vector, @hz times a second, using the frequency
 * found by lapic_timer_calibrate(). */
void lapic_timer_start_periodic(unsigned int vector, unsigned int hz);
void lapic_timer_stop(void);

/* The timer's current count (counts down to 0, then reloads). */
uint32_t lapic_timer_current(void);

/* Inter-processor interrupts (the SMP code, arch/x86_64/smp.c): write
 * @icr_lo (vector, delivery mode, level, trigger) to the ICR with @apic_id
 * as the destination; returns once the LAPIC accepted it. */
#define LAPIC_ICR_FIXED 0x000u
#define LAPIC_ICR_NMI 0x400u
#define LAPIC_ICR_INIT 0x500u
#define LAPIC_ICR_STARTUP 0x600u
#define LAPIC_ICR_PENDING (1u << 12)
#define LAPIC_ICR_ASSERT (1u << 14)
#define LAPIC_ICR_LEVEL (1u << 15)
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_lo);

#endif /* ARCH_X86_64_LAPIC_H */
