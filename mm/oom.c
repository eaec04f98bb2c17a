/*
 * mm/oom.c - the out-of-memory killer: a registry of memory-owning tasks,
 * choosing the largest, the kill and its report in Linux's words (with,
 * for a high order, a census of the blocks compaction could still have
 * made).
 */
#include "oom.h"

#include "host.h"
#include "internal.h"
#include "lru.h"
#include "spinlock.h"
#include "vmstat.h"
#include "zone.h"

static mm_spinlock_t oom_lock = MM_SPINLOCK_INIT; /* guards tasks, next_pid */
static struct list_head tasks = LIST_HEAD_INIT(tasks);
static int next_pid = 1;
static unsigned long nr_kills;

int mm_oom_register_task(struct oom_task *t)
{
	unsigned long flags;

	if (!t || !t->kill)
		return -1;
	flags = mm_spin_lock_irqsave(&oom_lock);
	for (struct list_head *p = tasks.next; p != &tasks; p = p->next)
		if (p == &t->node) {
			mm_spin_unlock_irqrestore(&oom_lock, flags);
			return -1;
		}
	t->pid = next_pid++;
	t->killed = false;
	list_add_tail(&t->node, &tasks);
	mm_spin_unlock_irqrestore(&oom_lock, flags);
	return 0;
}

void mm_oom_unregister_task(struct oom_task *t)
{
	unsigned long flags = mm_spin_lock_irqsave(&oom_lock);

	list_del(&t->node);
	INIT_LIST_HEAD(&t->node);
	mm_spin_unlock_irqrestore(&oom_lock, flags);
}

void mm_oom_task_account(struct oom_task *t, long delta)
{
	__atomic_fetch_add(&t->nr_pages, (unsigned long)delta, __ATOMIC_RELAXED);
}

unsigned long mm_oom_kill_count(void)
{
	return __atomic_load_n(&nr_kills, __ATOMIC_RELAXED);
}

void mm_oom_reset(void)
{
	INIT_LIST_HEAD(&tasks);
	next_pid = 1;
	nr_kills = 0;
}

/* ---- the killer ---- */

static struct oom_task *select_bad_task(void)
{
	struct oom_task *victim = NULL;

	for (struct list_head *p = tasks.next; p != &tasks; p = p->next) {
		struct oom_task *t = list_entry(p, struct oom_task, node);
		unsigned long n = __atomic_load_n(&t->nr_pages, __ATOMIC_RELAXED);

		if (t->killed || !n)
			continue;
		if (!victim || n > __atomic_load_n(&victim->nr_pages, __ATOMIC_RELAXED))
			victim = t;
	}
	return victim;
}

static void dump_tasks(void)
{
	mm_printk("Tasks state (memory values in pages):\n");
	mm_printk("[  pid  ]   total_vm name\n");
	for (struct list_head *p = tasks.next; p != &tasks; p = p->next) {
		struct oom_task *t = list_entry(p, struct oom_task, node);

		mm_printk("[%7d] %10lu %s%s\n", t->pid,
			  __atomic_load_n(&t->nr_pages, __ATOMIC_RELAXED), t->name,
			  t->killed ? " (killed)" : "");
	}
}

/* ---- could the order have been made? ---- */

void mm_oom_block_census(struct zone *zone, unsigned int order, struct oom_block_census *bc)
{
	const unsigned long nr = 1UL << order;
	unsigned long end = zone_end_pfn(zone), flags;

	bc->blocks = bc->free = bc->makeable = bc->pinned_in_movable = 0;
	if (order >= MAX_ORDER || !populated_zone(zone))
		return;
	/* zone->lock holds the free lists still; LRU flags may move under
	 * us, which only blurs a report. */
	flags = mm_spin_lock_irqsave(&zone->lock);
	for (unsigned long pfn = (zone->zone_start_pfn + nr - 1) & ~(nr - 1); pfn + nr <= end;
	     pfn += nr) {
		unsigned long nr_lru;
		enum block_state st = mm_lru_block_state(pfn, order, &nr_lru);

		bc->blocks++;
		bc->free += st == BLOCK_FREE;
		bc->makeable += st != BLOCK_PINNED;
		bc->pinned_in_movable +=
			st == BLOCK_PINNED && mm_get_pageblock_migratetype(pfn) == MIGRATE_MOVABLE;
	}
	mm_spin_unlock_irqrestore(&zone->lock, flags);
}

/* Per pageblock type of @zone: how many pageblocks, and what their pages
 * hold - free (buddy or per-CPU lists), page cache on the LRU, or other
 * (kernel or reserved) pages. Shows where kernel pages spread when no block could be
 * made: into how many pageblocks, with how many free pages between them. */
static void report_pageblock_census(struct zone *zone)
{
	unsigned long blocks[MIGRATE_TYPES] = { 0 }, free[MIGRATE_TYPES] = { 0 };
	unsigned long lru[MIGRATE_TYPES] = { 0 }, other[MIGRATE_TYPES] = { 0 };
	unsigned long end = zone_end_pfn(zone), flags;

	flags = mm_spin_lock_irqsave(&zone->lock);
	for (unsigned long pfn = zone->zone_start_pfn; pfn < end;) {
		const struct page *p = pfn_to_page(pfn);
		int mt = mm_get_pageblock_migratetype(pfn);
		unsigned long n = 1;

		if (pfn == zone->zone_start_pfn || !(pfn & (pageblock_nr_pages - 1)))
			blocks[mt]++;
		if (PageBuddy(p) && p->private > pageblock_order) {
			/* A free block of several pageblocks: each its own. */
			n = 1UL << p->private;
			for (unsigned long b = 0; b < n; b += pageblock_nr_pages) {
				mt = mm_get_pageblock_migratetype(pfn + b);
				blocks[mt] += b > 0;
				free[mt] += pageblock_nr_pages;
			}
		} else if (PageBuddy(p)) {
			n = 1UL << p->private;
			free[mt] += n;
		} else if (PagePcp(p)) {
			free[mt]++;
		} else if (PageLRU(p)) {
			lru[mt]++;
		} else {
			other[mt]++;
		}
		pfn += n;
	}
	mm_spin_unlock_irqrestore(&zone->lock, flags);
	mm_printk("Node %d, zone %8s: pageblocks by type:", zone->node, zone->name);
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		if (blocks[mt])
			mm_printk(" %s %lu (free %lu, page cache %lu, other %lu)", mm_migratetype_names[mt],
				  blocks[mt], free[mt], lru[mt], other[mt]);
	mm_printk("\n");
}

/* For order > 0: per zone, how many aligned blocks of the order are free
 * and how many hold only free or page-cache pages (compaction at full
 * sync priority, which ignores pageblock suitability, or reclaim could
 * have made those). A kill with makeable blocks was avoidable. */
static void report_block_census(unsigned int order)
{
	struct zone *z;

	if (!order)
		return;
	for_each_zone(z) {
		struct oom_block_census bc;

		if (!populated_zone(z))
			continue;
		mm_oom_block_census(z, order, &bc);
		mm_printk("Node %d, zone %8s: order-%u blocks %lu, free %lu, makeable from free and page-cache pages %lu, pinned in movable pageblocks %lu\n",
			  z->node, z->name, order, bc.blocks, bc.free, bc.makeable,
			  bc.pinned_in_movable);
		report_pageblock_census(z);
	}
}

bool mm_out_of_memory(gfp_t gfp, unsigned int order)
{
	unsigned long flags, kb, freed;
	struct oom_task *victim;
	char gfpname[160];

	mm_gfp_flags_name(gfp, gfpname, sizeof(gfpname));
	flags = mm_spin_lock_irqsave(&oom_lock);
	victim = select_bad_task();
	if (!victim) {
		mm_spin_unlock_irqrestore(&oom_lock, flags);
		if (!(gfp & __GFP_NOWARN))
			mm_printk("Out of memory: no killable task for %s order:%u mode:0x%x(%s)\n",
				  mm_current_name(), order, gfp, gfpname);
		return false;
	}
	victim->killed = true;
	mm_printk("%s invoked oom-killer: gfp_mask=0x%x(%s), order=%u, oom_score_adj=0\n",
		  mm_current_name(), gfp, gfpname, order);
	dump_tasks();
	mm_spin_unlock_irqrestore(&oom_lock, flags);
	report_block_census(order);
	kb = __atomic_load_n(&victim->nr_pages, __ATOMIC_RELAXED) * (MM_PAGE_SIZE / 1024);
	mm_printk("Out of memory: Killed task %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0\n",
		  victim->pid, victim->name, kb, kb);
	freed = victim->kill(victim);
	__atomic_fetch_add(&nr_kills, 1, __ATOMIC_RELAXED);
	mm_printk("oom_reaper: reaped task %d (%s), now anon-rss:%lukB, freed %lu pages\n",
		  victim->pid, victim->name,
		  __atomic_load_n(&victim->nr_pages, __ATOMIC_RELAXED) * (MM_PAGE_SIZE / 1024),
		  freed);
	return true;
}
