/*
 * arch/x86_64/smp.h - the application processors: finding them (ACPI
 * MADT), starting them (INIT-SIPI-SIPI, arch/x86_64/trampoline.asm), and
 * talking to them (IPIs: reschedule, function calls, TLB shootdown).
 *
 * CPU ids are dense: 0 is the boot CPU, then the MADT's enabled LAPICs in
 * table order. Each CPU finds its struct cpu (kernel/sched.h) through its
 * GS base and has its own GDT, TSS (with the #DF/NMI/#MC IST stack), LAPIC
 * tick and idle thread.
 */
#ifndef ARCH_X86_64_SMP_H
#define ARCH_X86_64_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include "acpi.h"

#define IRQ_VECTOR_RESCHEDULE 0xf0
#define IRQ_VECTOR_CALL_FUNCTION 0xf1

/* On the boot CPU, right after trap_init(): point its GS base at CPU 0's
 * struct cpu, so this_cpu() (and mm_cpu_id()) work from then on. */
void smp_early_init(void);

/*
 * Before mm_init(), with memblock set up and the direct map built: parse
 * the MADT (RSDP @rsdp_phys from the boot information, else the BIOS
 * area), and reserve the trampoline's two pages below 1 MiB. Without ACPI
 * or a usable MADT the kernel runs on the boot CPU alone (reported).
 * Returns the number of CPUs the kernel will try to run on.
 */
unsigned int smp_prepare(uint64_t rsdp_phys);

/* After sched_init(): start every AP in turn; returns how many CPUs are
 * online (the boot CPU included). Context: the boot thread. */
unsigned int smp_boot_aps(void);

/* For sched_init(): register the IPI vectors. */
void smp_init_ipis(void);

/* CPUs found in the MADT (1 without it), capped at SCHED_MAX_CPUS; and
 * whether the MADT was read. */
unsigned int smp_nr_possible(void);
const struct acpi_madt_info *smp_madt(void); /* NULL without one */

/* Send the reschedule IPI to CPU @id (its interrupt exit reschedules). */
void smp_send_reschedule(unsigned int id);

/* Panic and fatal exceptions: stop every other online CPU with an NMI (it
 * halts with interrupts off, forever), so that nothing runs or prints while
 * this CPU reports. Returns how many confirmed they stopped (it waits a
 * bounded time for them) and prints that count. Context: any; the second caller gets 0. */
unsigned int smp_stop_other_cpus(void);
/* True once smp_stop_other_cpus ran: an NMI then means "halt". */
bool smp_stopping(void);
/* The NMI handler's end when smp_stopping(): count this CPU, halt. */
void smp_stopped_here(void) __attribute__((noreturn));

/*
 * Run @fn(@arg) on every other online CPU, in interrupt context (the call
 * IPI), with interrupts off there. Returns when all of them have run it:
 * one call is in flight at a time, so @wait only documents the caller's
 * intent (Linux's signature). Context: thread or boot, no spinlock held
 * that @fn or the other CPUs' interrupt-off sections may take; may be
 * called with interrupts off (a waiting caller serves calls aimed at it).
 */
void smp_call_function(void (*fn)(void *), void *arg, bool wait);
/* The same on the CPUs in @mask (bit i = CPU i) other than this one. */
void smp_call_function_many(uint64_t mask, void (*fn)(void *), void *arg, bool wait);
/* @fn on every online CPU, this one included (here with interrupts off). */
void on_each_cpu(void (*fn)(void *), void *arg, bool wait);

/* Invalidate @va's TLB entry on every online CPU (page migration). */
void smp_flush_tlb_page(uintptr_t va);

/* Calls served by this CPU since boot (tests). */
uint64_t smp_calls_served(unsigned int id);

#endif /* ARCH_X86_64_SMP_H */
