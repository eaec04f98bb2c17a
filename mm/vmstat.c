/*
 * mm/vmstat.c - event counters and the /proc-format printers. Printing
 * reads counters and free lists without stopping allocation: figures are
 * a snapshot, exact only when nothing else runs (as in Linux).
 */
#include "vmstat.h"
#include "vmscan.h"
#include "compact_zone.h"
#include "slab.h"

#include "internal.h"

unsigned long mm_vm_event_states[MM_MAX_CPUS][NR_VM_EVENT_ITEMS];

static const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
	[PGALLOC_DMA] = "pgalloc_dma",
	[PGALLOC_DMA32] = "pgalloc_dma32",
	[PGALLOC_NORMAL] = "pgalloc_normal",
	[PGFREE] = "pgfree",
	[PGALLOC_FAIL] = "pgalloc_fail",
	[PGALLOC_INVALID] = "pgalloc_invalid",
	[BAD_PAGES] = "bad_pages",
	[POISON_ERRORS] = "page_poison_errors",
	[FAIL_PAGE_ALLOC_INJECTED] = "fail_page_alloc",
	[EXTFRAG_FRAGMENTING] = "extfrag_fragmenting",
	[EXTFRAG_WHOLE] = "extfrag_whole_block",
};

unsigned long mm_global_vm_event(enum vm_event_item item)
{
	unsigned long sum = 0;

	for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++)
		sum += __atomic_load_n(&mm_vm_event_states[cpu][item], __ATOMIC_RELAXED);
	return sum;
}

void mm_vm_events_reset(void)
{
	for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++)
		for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
			mm_vm_event_states[cpu][i] = 0;
}

void mm_buddyinfo_snapshot(unsigned long out[MM_BUDDYINFO_ZONES][MAX_ORDER])
{
	for (int z = 0; z < MM_BUDDYINFO_ZONES; z++)
		for (int o = 0; o < MAX_ORDER; o++)
			out[z][o] = __atomic_load_n(&NODE_DATA(z / MAX_NR_ZONES)
							     ->node_zones[z % MAX_NR_ZONES]
							     .free_area[o]
							     .nr_free,
						    __ATOMIC_RELAXED);
}

/* Linux prints only populated zones in buddyinfo and pagetypeinfo. */
void mm_print_buddyinfo(void)
{
	struct zone *z;

	for_each_zone(z) {
		if (!populated_zone(z))
			continue;
		mm_printk("Node %d, zone %8s ", z->node, z->name);
		for (int o = 0; o < MAX_ORDER; o++)
			mm_printk("%6lu ", z->free_area[o].nr_free);
		mm_printk("\n");
	}
}

void mm_print_zoneinfo(void)
{
	struct zone *z;

	for_each_zone(z) {
		mm_printk("Node %d, zone %8s\n", z->node, z->name);
		mm_printk("  pages free     %lu\n",
			  (unsigned long)zone_page_state(z, NR_FREE_PAGES));
		mm_printk("        boost    %lu\n", z->watermark_boost);
		mm_printk("        min      %lu\n", min_wmark_pages(z));
		mm_printk("        low      %lu\n", low_wmark_pages(z));
		mm_printk("        high     %lu\n", high_wmark_pages(z));
		mm_printk("        spanned  %lu\n", z->spanned_pages);
		mm_printk("        present  %lu\n", z->present_pages);
		mm_printk("        managed  %lu\n", z->managed_pages);
		mm_printk("        cma      0\n");
		mm_printk("        protection: (%ld", z->lowmem_reserve[0]);
		for (int i = 1; i < MAX_NR_ZONES; i++)
			mm_printk(", %ld", z->lowmem_reserve[i]);
		mm_printk(")\n");
		if (!populated_zone(z))
			continue;
		mm_printk("      nr_free_pages %lu\n",
			  (unsigned long)zone_page_state(z, NR_FREE_PAGES));
		mm_printk("  pagesets\n");
		for (unsigned int cpu = 0; cpu < mm_nr_cpus() && cpu < MM_MAX_CPUS; cpu++) {
			mm_printk("    cpu: %u\n", cpu);
			mm_printk("              count: %d\n", z->pcp[cpu].count);
			mm_printk("              high:  %d\n", z->pcp[cpu].high);
			mm_printk("              batch: %d\n", z->pcp[cpu].batch);
		}
		mm_printk("  node_unreclaimable:  0\n");
		mm_printk("  start_pfn:           %lu\n", z->zone_start_pfn);
	}
}

void mm_pageblock_counts(const struct zone *zone, unsigned long out[MIGRATE_TYPES])
{
	unsigned long pfn = zone->zone_start_pfn & ~(pageblock_nr_pages - 1);

	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		out[mt] = 0;
	for (; pfn < zone_end_pfn(zone); pfn += pageblock_nr_pages) {
		int mt = mm_get_pageblock_migratetype(pfn);

		if (mt < MIGRATE_TYPES)
			out[mt]++;
	}
}

void mm_print_pagetypeinfo(void)
{
	struct zone *z;

	mm_printk("Page block order: %d\n", pageblock_order);
	mm_printk("Pages per block:  %lu\n\n", pageblock_nr_pages);
	mm_printk("%-43s ", "Free pages count per migrate type at order");
	for (int o = 0; o < MAX_ORDER; o++)
		mm_printk("%6d ", o);
	mm_printk("\n");
	for_each_zone(z) {
		if (!populated_zone(z))
			continue;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			unsigned long flags = mm_spin_lock_irqsave(&z->lock);
			unsigned long counts[MAX_ORDER];
			bool overflow[MAX_ORDER];

			/* Capped like Linux: long lists are not walked with the lock held. */
			for (int o = 0; o < MAX_ORDER; o++) {
				struct list_head *pos;

				counts[o] = 0;
				overflow[o] = false;
				list_for_each(pos, &z->free_area[o].free_list[mt]) {
					if (++counts[o] >= 100000) {
						overflow[o] = true;
						break;
					}
				}
			}
			mm_spin_unlock_irqrestore(&z->lock, flags);
			mm_printk("Node %4d, zone %8s, type %12s ", z->node, z->name,
				  mm_migratetype_names[mt]);
			for (int o = 0; o < MAX_ORDER; o++)
				mm_printk("%s%6lu ", overflow[o] ? ">" : "", counts[o]);
			mm_printk("\n");
		}
	}
	mm_printk("\n%-23s", "Number of blocks type ");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		mm_printk("%12s ", mm_migratetype_names[mt]);
	mm_printk("\n");
	for_each_zone(z) {
		unsigned long counts[MIGRATE_TYPES];

		if (!populated_zone(z))
			continue;
		mm_pageblock_counts(z, counts);
		mm_printk("Node %d, zone %8s ", z->node, z->name);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			mm_printk("%12lu ", counts[mt]);
		mm_printk("\n");
	}
}

void mm_print_vmstat(void)
{
	mm_printk("nr_free_pages %lu\n", nr_free_pages());
#if MM_CONFIG_SLAB
	mm_print_slab_vmstat();
#endif
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		mm_printk("%s %lu\n", vm_event_names[i], mm_global_vm_event((enum vm_event_item)i));
	/* Reclaim and compaction keep their counters beside their code; one
	 * /proc/vmstat shows them all, as Linux's does. */
	mm_print_reclaim_vmstat();
#if MM_CONFIG_COMPACTION
	mm_print_compact_vmstat();
#endif
}
