/*
 * mm/vmstat.h - event counters (/proc/vmstat names) and the printers of
 * memory state in Linux's /proc formats: buddyinfo, zoneinfo,
 * pagetypeinfo, vmstat.
 */
#ifndef MM_VMSTAT_H
#define MM_VMSTAT_H

#include "zone.h"

enum vm_event_item {
	PGALLOC_DMA, /* pages allocated per zone ("pgalloc_dma", ...) */
	PGALLOC_DMA32,
	PGALLOC_NORMAL,
	PGFREE,			  /* pages freed */
	PGALLOC_FAIL,		  /* ours: requests that returned NULL */
	PGALLOC_INVALID,	  /* ours: requests rejected for invalid gfp/order */
	BAD_PAGES,		  /* ours: "Bad page state" reports */
	POISON_ERRORS,		  /* ours: poison found corrupted on allocation */
	FAIL_PAGE_ALLOC_INJECTED, /* ours: failures injected (fail_page_alloc.h) */
	/* ours: fallbacks to another migratetype's free block, as Linux's
	 * mm_page_alloc_extfrag tracepoint reports them: "fragmenting" when
	 * the block taken was smaller than a pageblock (fallback_order <
	 * pageblock_order), else whole pageblocks changed hands. */
	EXTFRAG_FRAGMENTING,
	EXTFRAG_WHOLE,
	NR_VM_EVENT_ITEMS
};

/* Per-CPU, so the hot path adds without atomics; readers sum. */
extern unsigned long mm_vm_event_states[MM_MAX_CPUS][NR_VM_EVENT_ITEMS];

/* Interrupts off around the read-modify-write: an interrupt handler on
 * this CPU counting the same event between the load and the store would
 * otherwise lose its count. */
static inline void count_vm_events(enum vm_event_item item, unsigned long delta)
{
	unsigned long flags = mm_irq_save();

	mm_vm_event_states[mm_cpu_id()][item] += delta;
	mm_irq_restore(flags);
}

/* The same for a caller that already knows its cpu and has interrupts off
 * (the per-CPU list paths): no second mm_cpu_id() call. */
static inline void __count_cpu_vm_events(unsigned int cpu, enum vm_event_item item,
					 unsigned long delta)
{
	mm_vm_event_states[cpu][item] += delta;
}

unsigned long mm_global_vm_event(enum vm_event_item item);
void mm_vm_events_reset(void);

/* Printers (mm_printk). */
void mm_print_buddyinfo(void); /* "Node 0, zone      DMA      1      0 ..." */
void mm_print_zoneinfo(void);
void mm_print_pagetypeinfo(void);
void mm_print_vmstat(void); /* "name value" lines */

/* Free blocks per order of each zone, as buddyinfo shows them. */
/* Free blocks per order of every zone of every node, [node * MAX_NR_ZONES
 * + zone][order]. */
#define MM_BUDDYINFO_ZONES (MAX_NUMNODES * MAX_NR_ZONES)
void mm_buddyinfo_snapshot(unsigned long out[MM_BUDDYINFO_ZONES][MAX_ORDER]);
/* Pageblocks of each migratetype in @zone. */
void mm_pageblock_counts(const struct zone *zone, unsigned long out[MIGRATE_TYPES]);

#endif /* MM_VMSTAT_H */
