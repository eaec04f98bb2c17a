/*
 * mm/slab_stat.c - what the slab allocator shows and gives back: the
 * /proc/slabinfo and vmstat printers, the meminfo page counts, and the
 * shrinker that returns empty slabs (and the reclaiming CPU's cached
 * objects) to the page allocator under memory pressure.
 */
#include "slab_internal.h"

#include "shrinker.h"

unsigned long mm_slab_reclaimable_pages(void)
{
	long v = __atomic_load_n(&mm_slab_nr_pages[1], __ATOMIC_RELAXED);

	return v > 0 ? (unsigned long)v : 0;
}

unsigned long mm_slab_unreclaimable_pages(void)
{
	long v = __atomic_load_n(&mm_slab_nr_pages[0], __ATOMIC_RELAXED);

	return v > 0 ? (unsigned long)v : 0;
}

void mm_print_slab_vmstat(void)
{
	mm_printk("nr_slab_reclaimable %lu\n", mm_slab_reclaimable_pages());
	mm_printk("nr_slab_unreclaimable %lu\n", mm_slab_unreclaimable_pages());
	/* ours: debug reports so far */
	mm_printk("slab_errors %lu\n", __atomic_load_n(&mm_slab_last_report.count, __ATOMIC_RELAXED));
}

struct cache_totals {
	unsigned long slabs, active_slabs, objects, free_objects, cached;
};

static void cache_totals(struct kmem_cache *s, struct cache_totals *t)
{
	*t = (struct cache_totals){ 0 };
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		struct kmem_cache_node *n = &s->node[nid];
		unsigned long flags = mm_spin_lock_irqsave(&n->list_lock);

		t->slabs += n->nr_partial + n->nr_full + n->nr_free;
		t->active_slabs += n->nr_partial + n->nr_full;
		t->objects += n->total_objects;
		t->free_objects += n->free_objects;
		mm_spin_unlock_irqrestore(&n->list_lock, flags);
	}
	/* Other CPUs' arrays change under us: a snapshot, as in Linux. */
	for (unsigned int cpu = 0; cpu < MM_MAX_CPUS; cpu++)
		if (s->cpu_cache[cpu])
			t->cached += __atomic_load_n(&s->cpu_cache[cpu]->avail, __ATOMIC_RELAXED);
}

void mm_print_slabinfo(void)
{
	unsigned long flags = mm_spin_lock_irqsave(&mm_slab_caches_lock);
	struct list_head *pos;

	mm_printk("slabinfo - version: 2.1\n");
	mm_printk("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
		  " : tunables <limit> <batchcount> <sharedfactor>"
		  " : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	list_for_each(pos, &mm_slab_caches) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);
		struct array_cache *ac = s->cpu_cache[0];
		struct cache_totals t;
		unsigned long active;

		cache_totals(s, &t);
		active = t.objects - t.free_objects;
		active = active > t.cached ? active - t.cached : 0;
		mm_printk("%-17s %6lu %6lu %6u %4u %4u : tunables %4u %4u %4u : slabdata %6lu %6lu %6u\n",
			  s->name, active, t.objects, s->size, s->objects, 1u << s->order,
			  ac ? ac->limit : 0, ac ? ac->batchcount : 0, 0u, t.active_slabs, t.slabs,
			  0u);
	}
	mm_spin_unlock_irqrestore(&mm_slab_caches_lock, flags);
}

/* ---- the shrinker ---- */

static unsigned long slab_shrink_count(struct shrinker *sh, struct shrink_control *sc)
{
	unsigned long flags = mm_spin_lock_irqsave(&mm_slab_caches_lock);
	unsigned int cpu = mm_cpu_id();
	unsigned long count = 0;
	struct list_head *pos;

	(void)sh, (void)sc;
	list_for_each(pos, &mm_slab_caches) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);

		for (int nid = 0; nid < MAX_NUMNODES; nid++)
			count += __atomic_load_n(&s->node[nid].nr_free, __ATOMIC_RELAXED) *
				 s->objects;
		if (cpu < MM_MAX_CPUS && s->cpu_cache[cpu])
			count += s->cpu_cache[cpu]->avail;
	}
	mm_spin_unlock_irqrestore(&mm_slab_caches_lock, flags);
	return count ? count : SHRINK_EMPTY;
}

/*
 * Objects in empty slabs are what can be freed: the running CPU's arrays
 * go back to their slabs first (other CPUs' arrays cannot be reached from
 * here without waiting for them; kmem_cache_shrink does that), then empty
 * slabs are freed until nr_to_scan objects' worth is gone. Caches take
 * turns: each one scanned moves to the end of the list, so small requests
 * do not always fall on the first caches.
 */
static unsigned long slab_shrink_scan(struct shrinker *sh, struct shrink_control *sc)
{
	unsigned long flags = mm_spin_lock_irqsave(&mm_slab_caches_lock);
	unsigned long freed = 0, pages = 0, nr = 0;
	struct list_head *pos;

	(void)sh;
	list_for_each(pos, &mm_slab_caches)
		nr++;
	while (nr-- && freed < sc->nr_to_scan) {
		struct kmem_cache *s = list_first_entry(&mm_slab_caches, struct kmem_cache, list);
		unsigned long objs;

		mm_cache_drain_local(s);
		pages += mm_cache_free_empty_slabs(s, sc->nr_to_scan - freed, &objs);
		freed += objs;
		list_move_tail(&s->list, &mm_slab_caches);
	}
	mm_spin_unlock_irqrestore(&mm_slab_caches_lock, flags);
	mm_shrinker_note_freed_pages(pages);
	return freed;
}

static void drain_every_cache_local(void *unused)
{
	unsigned long flags = mm_spin_lock_irqsave(&mm_slab_caches_lock);
	struct list_head *pos;

	(void)unused;
	list_for_each(pos, &mm_slab_caches)
		mm_cache_drain_local(list_entry(pos, struct kmem_cache, list));
	mm_spin_unlock_irqrestore(&mm_slab_caches_lock, flags);
}

unsigned long mm_kmem_cache_shrink_all(void)
{
	unsigned long flags, pages = 0;
	struct list_head *pos;

	mm_on_each_cpu(drain_every_cache_local, NULL);
	flags = mm_spin_lock_irqsave(&mm_slab_caches_lock);
	list_for_each(pos, &mm_slab_caches)
		pages += mm_cache_free_empty_slabs(list_entry(pos, struct kmem_cache, list), ~0UL,
						NULL);
	mm_spin_unlock_irqrestore(&mm_slab_caches_lock, flags);
	return pages;
}

static struct shrinker slab_shrinker;

int mm_slab_shrinker_register(void)
{
	/* A fresh struct each boot: host programs boot many times and reset
	 * the shrinker list under it (mm_reclaim_init). */
	slab_shrinker = (struct shrinker){
		.count_objects = slab_shrink_count,
		.scan_objects = slab_shrink_scan,
		.name = "slab",
	};
	return register_shrinker(&slab_shrinker) ? -1 : 0;
}
