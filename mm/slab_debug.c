/*
 * mm/slab_debug.c - the slab allocator's debugging: the slab_debug= boot
 * option, red zones, poisoning of free objects, double and invalid free
 * detection, last allocator and freer, the one-line reports, and the
 * slab part of the invariant checker.
 *
 * A debugged cache keeps no per-CPU objects: every allocation and free
 * runs here under the node lock, so a double free is seen the moment it
 * happens (the object is on its slab's free list, or its red zone says
 * "inactive"), not when a CPU's array is flushed later.
 */
#include "slab_internal.h"

#include "blockdev.h"
#include "util.h"

struct slab_report mm_slab_last_report;
slab_flags_t mm_slab_debug_default;

#define SLAB_DEBUG_NAMES 8
static struct {
	char name[32];
	slab_flags_t flags;
} slab_debug_named[SLAB_DEBUG_NAMES];
static unsigned int slab_debug_nr_named;

/* ---- the boot option ---- */

int mm_slab_debug_setup(const char *arg)
{
	slab_flags_t flags = 0;
	const char *p = arg ? arg : "";
	bool letters = false;

	/* The option given last wins, whole. */
	mm_slab_debug_default = 0;
	slab_debug_nr_named = 0;
	for (; *p && *p != ','; p++) {
		letters = true;
		switch (*p) {
		case 'F':
		case 'f':
			flags |= SLAB_CONSISTENCY_CHECKS;
			break;
		case 'Z':
		case 'z':
			flags |= SLAB_RED_ZONE;
			break;
		case 'P':
		case 'p':
			flags |= SLAB_POISON;
			break;
		case 'U':
		case 'u':
			flags |= SLAB_STORE_USER;
			break;
		case '-':
			break;
		default:
			mm_printk("slab_debug: unknown option '%c' in \"%s\" (F, Z, P, U or -)\n",
				  *p, arg);
			return -MM_EINVAL;
		}
	}
	if (!letters)
		flags = SLAB_DEBUG_FLAGS;
	if (!*p) {
		mm_slab_debug_default = flags;
		return 0;
	}
	while (*p == ',') {
		const char *start = ++p;
		size_t len;

		while (*p && *p != ',')
			p++;
		len = (size_t)(p - start);
		if (!len)
			continue;
		if (len >= sizeof(slab_debug_named[0].name) ||
		    slab_debug_nr_named >= SLAB_DEBUG_NAMES) {
			mm_printk("slab_debug: cache name too long or more than %d names in \"%s\"\n",
				  SLAB_DEBUG_NAMES, arg);
			return -MM_EINVAL;
		}
		mm_memcpy(slab_debug_named[slab_debug_nr_named].name, start, len);
		slab_debug_named[slab_debug_nr_named].name[len] = 0;
		slab_debug_named[slab_debug_nr_named++].flags = flags;
	}
	return 0;
}

slab_flags_t mm_slab_debug_flags_for(const char *name)
{
	for (unsigned int i = 0; i < slab_debug_nr_named; i++)
		if (!mm_strcmp(slab_debug_named[i].name, name))
			return slab_debug_named[i].flags;
	return mm_slab_debug_default;
}

/* ---- reports ---- */

struct slab_track *mm_slab_tracks(const struct kmem_cache *s, void *obj)
{
	return s && (s->flags & SLAB_STORE_USER) ? (struct slab_track *)((char *)obj + s->track_off)
						 : NULL;
}

void mm_slab_report(enum slab_report_kind kind, const struct kmem_cache *s, const void *obj,
		 unsigned long offset, void *caller, const char *fmt, ...)
{
	struct slab_report *r = &mm_slab_last_report;
	struct slab_track *t = NULL;
	va_list ap;

	r->kind = kind;
	r->cache = s ? s->name : "slab";
	r->object = obj;
	r->offset = offset;
	r->caller = caller;
	r->alloc_caller = r->free_caller = NULL;
	if (obj && (kind == SLAB_REPORT_DOUBLE_FREE || kind == SLAB_REPORT_REDZONE ||
		    kind == SLAB_REPORT_POISON || kind == SLAB_REPORT_LEAK))
		t = mm_slab_tracks(s, (void *)obj);
	if (t) {
		r->alloc_caller = t[0].valid ? t[0].addr : NULL;
		r->free_caller = t[1].valid ? t[1].addr : NULL;
	}
	__atomic_fetch_add(&r->count, 1, __ATOMIC_RELAXED);

	mm_printk("BUG %s: ", r->cache);
	va_start(ap, fmt);
	mm_vprintk(fmt, ap);
	va_end(ap);
	if (t)
		mm_printk(" (last allocated by %p cpu %u, freed by %p cpu %u)", r->alloc_caller,
			  t[0].cpu, r->free_caller, t[1].cpu);
	mm_printk(" caller %p\n", caller);
}

/* ---- object states ---- */

static void fill(void *p, int c, size_t n)
{
	unsigned char *b = p;

	while (n--)
		*b++ = (unsigned char)c;
}

/* The first byte of [p, p + n) that is not @c, or -1. */
static long first_not(const void *p, int c, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != (unsigned char)c)
			return (long)i;
	return -1;
}

static void set_redzones(const struct kmem_cache *s, char *obj, int c)
{
	fill(obj - s->red_left, c, s->red_left);
	fill(obj + s->object_size, c, s->rz_end - s->object_size);
}

/* Red zones still @c? Reports (and repairs) the first bad byte. */
static bool check_redzones(const struct kmem_cache *s, char *obj, int c, void *caller)
{
	long off = first_not(obj - s->red_left, c, s->red_left);

	if (off < 0) {
		off = first_not(obj + s->object_size, c, s->rz_end - s->object_size);
		if (off >= 0)
			off += s->object_size + s->red_left;
	}
	if (off < 0)
		return true;
	off -= s->red_left;
	mm_slab_report(SLAB_REPORT_REDZONE, s, obj, (unsigned long)off, caller,
		    "red zone of object %p overwritten at offset %ld: 0x%02x instead of 0x%02x",
		    (void *)obj, off, obj[off] & 0xff, c);
	set_redzones(s, obj, c);
	return false;
}

static void poison_object(const struct kmem_cache *s, char *obj)
{
	fill(obj, POISON_FREE, s->object_size - 1);
	obj[s->object_size - 1] = (char)POISON_END;
}

static void set_track(const struct kmem_cache *s, void *obj, int which, void *caller)
{
	struct slab_track *t = mm_slab_tracks(s, obj);

	if (t)
		t[which] = (struct slab_track){ caller, mm_cpu_id(), 1 };
}

void mm_slab_debug_init_slab(struct kmem_cache *s, struct page *slab)
{
	char *base = slab_base(slab);

	for (unsigned int i = 0; i < slab_objects(slab); i++) {
		char *obj = base + (size_t)i * s->size + s->red_left;

		if (s->flags & SLAB_RED_ZONE)
			set_redzones(s, obj, SLUB_RED_INACTIVE);
		if (cache_poisons(s))
			poison_object(s, obj);
		if (s->flags & SLAB_STORE_USER)
			mm_memset(mm_slab_tracks(s, obj), 0, 2 * sizeof(struct slab_track));
	}
}

/* Walk @slab's free list: is @obj on it, and is the list sane (objects of
 * this slab, no loop, as many as the counts say)? */
static bool freelist_check(struct kmem_cache *s, struct page *slab, const void *obj, bool *found,
			   void *caller)
{
	char *base = slab_base(slab);
	unsigned int nfree = 0, idx;
	char *f = slab->index ? base + slab->index - 1 : NULL;

	*found = false;
	for (; f; f = *slab_freeptr(s, f)) {
		if (!slab_obj_index(s, slab, f, &idx) || ++nfree > slab_objects(slab)) {
			mm_slab_report(SLAB_REPORT_FREELIST, s, f, 0, caller,
				    "slab %p: free list entry %p is not an object of it (or loops)",
				    (void *)base, (void *)f);
			return false;
		}
		if (f == obj)
			*found = true;
	}
	if (nfree != slab_objects(slab) - slab_inuse(slab)) {
		mm_slab_report(SLAB_REPORT_FREELIST, s, base, 0, caller,
			    "slab %p: %u objects on the free list, counts say %u", (void *)base,
			    nfree, slab_objects(slab) - slab_inuse(slab));
		return false;
	}
	return true;
}

bool mm_slab_debug_alloc(struct kmem_cache *s, struct page *slab, void *obj, void *caller)
{
	unsigned int idx;
	long off;

	/* The next free object is what the freed object's pointer said: a
	 * write after free may have changed it. */
	if (slab->index &&
	    !slab_obj_index(s, slab, (char *)slab_base(slab) + slab->index - 1, &idx)) {
		mm_slab_report(SLAB_REPORT_FREELIST, s, obj, s->offset, caller,
			    "free pointer of object %p overwritten: rest of slab %p's free list lost",
			    obj, slab_base(slab));
		slab->index = SLAB_FREE_NONE;
	}
	if ((s->flags & SLAB_CONSISTENCY_CHECKS) && !slab_obj_index(s, slab, obj, &idx)) {
		mm_slab_report(SLAB_REPORT_FREELIST, s, obj, 0, caller,
			    "free list of slab %p hands out %p, not an object", slab_base(slab),
			    obj);
		return false;
	}
	if (cache_poisons(s)) {
		off = first_not(obj, POISON_FREE, s->object_size - 1);
		if (off < 0 && ((unsigned char *)obj)[s->object_size - 1] != POISON_END)
			off = s->object_size - 1;
		if (off >= 0)
			mm_slab_report(SLAB_REPORT_POISON, s, obj, (unsigned long)off, caller,
				    "object %p written after free at offset %ld: 0x%02x", obj, off,
				    ((unsigned char *)obj)[off]);
	}
	if (s->flags & SLAB_RED_ZONE) {
		check_redzones(s, obj, SLUB_RED_INACTIVE, caller);
		set_redzones(s, obj, SLUB_RED_ACTIVE);
	}
	set_track(s, obj, 0, caller);
	return true;
}

bool mm_slab_debug_free(struct kmem_cache *s, struct page *slab, void *obj, void *caller)
{
	bool found;

	if (!freelist_check(s, slab, obj, &found, caller))
		return false;
	if (found || ((s->flags & SLAB_RED_ZONE) &&
		      first_not((char *)obj + s->object_size, SLUB_RED_INACTIVE,
				s->rz_end - s->object_size) < 0)) {
		mm_slab_report(SLAB_REPORT_DOUBLE_FREE, s, obj, 0, caller, "double free of object %p",
			    obj);
		return false;
	}
	if (s->flags & SLAB_RED_ZONE) {
		check_redzones(s, obj, SLUB_RED_ACTIVE, caller);
		set_redzones(s, obj, SLUB_RED_INACTIVE);
	}
	set_track(s, obj, 1, caller);
	if (cache_poisons(s))
		poison_object(s, obj);
	return true;
}

/* ---- the invariant checker ---- */

static int check_problems;

static void check_problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void check_problem(const char *fmt, ...)
{
	va_list ap;

	check_problems++;
	va_start(ap, fmt);
	mm_invariant_vproblem(fmt, ap);
	va_end(ap);
}

/* One slab on @list: its page, its free list and, for debugged caches,
 * the red zones and poison of its free objects. Returns its free count. */
static unsigned int check_slab(struct kmem_cache *s, struct kmem_cache_node *n,
			       struct list_head *list, struct page *slab, int nid)
{
	char *base = slab_base(slab);
	unsigned int nfree = 0, idx, bound = slab_objects(slab);
	unsigned int want = (unsigned int)((MM_PAGE_SIZE << page_alloc_order(slab)) / s->size);

	if (!PageSlab(slab) || slab->mapping != s || PageTail(slab) || page_to_nid(slab) != nid) {
		check_problem("%s: slab page %p on node %d's list is not one of its slabs", s->name,
			      (void *)base, nid);
		return 0;
	}
	if (bound != want || slab_inuse(slab) > bound)
		check_problem("%s: slab %p counts %u of %u objects in use, order %u holds %u",
			      s->name, (void *)base, slab_inuse(slab), bound,
			      page_alloc_order(slab), want);
	if (slab_list_for(n, slab) != list)
		check_problem("%s: slab %p with %u of %u in use is on the wrong list", s->name,
			      (void *)base, slab_inuse(slab), bound);
	for (char *f = slab->index ? base + slab->index - 1 : NULL; f; f = *slab_freeptr(s, f)) {
		if (!slab_obj_index(s, slab, f, &idx) || ++nfree > bound) {
			check_problem("%s: slab %p: free list entry %p is not an object (or loops)",
				      s->name, (void *)base, (void *)f);
			return nfree;
		}
		if ((s->flags & SLAB_RED_ZONE) &&
		    (first_not(f - s->red_left, SLUB_RED_INACTIVE, s->red_left) >= 0 ||
		     first_not(f + s->object_size, SLUB_RED_INACTIVE, s->rz_end - s->object_size) >=
			     0))
			check_problem("%s: free object %p: red zone overwritten", s->name,
				      (void *)f);
		if (cache_poisons(s) && (first_not(f, POISON_FREE, s->object_size - 1) >= 0 ||
					 (unsigned char)f[s->object_size - 1] != POISON_END))
			check_problem("%s: free object %p: poison overwritten (use after free)",
				      s->name, (void *)f);
	}
	if (nfree != bound - slab_inuse(slab))
		check_problem("%s: slab %p: %u objects on the free list, counts say %u", s->name,
			      (void *)base, nfree, bound - slab_inuse(slab));
	return nfree;
}

static void check_node(struct kmem_cache *s, int nid)
{
	struct kmem_cache_node *n = &s->node[nid];
	struct list_head *lists[3] = { &n->partial, &n->full, &n->free };
	unsigned long counts[3] = { n->nr_partial, n->nr_full, n->nr_free };
	unsigned long total = 0, nfree = 0;

	if (n->canary != SLAB_NODE_CANARY) {
		check_problem("%s: node %d canary 0x%08x overwritten", s->name, nid, n->canary);
		return;
	}
	for (int l = 0; l < 3; l++) {
		unsigned long seen = 0;
		struct list_head *pos;

		list_for_each(pos, lists[l]) {
			struct page *slab = list_entry(pos, struct page, lru);

			if (++seen > counts[l] + 1000000)
				break;
			nfree += check_slab(s, n, lists[l], slab, nid);
			total += slab_objects(slab);
		}
		if (seen != counts[l])
			check_problem("%s: node %d has %lu slabs on a list that counts %lu",
				      s->name, nid, seen, counts[l]);
	}
	if (total != n->total_objects || nfree != n->free_objects)
		check_problem("%s: node %d: %lu objects, %lu free in its slabs; counters say %lu, %lu",
			      s->name, nid, total, nfree, n->total_objects, n->free_objects);
}

/* Per-CPU arrays hold objects of their own cache, each at most once. */
static void check_arrays(struct kmem_cache *s)
{
	for (unsigned int cpu = 0; cpu < MM_MAX_CPUS; cpu++) {
		struct array_cache *ac = s->cpu_cache[cpu];

		if (!ac)
			continue;
		if (ac->avail > ac->limit) {
			check_problem("%s: cpu %u holds %u objects, limit %u", s->name, cpu,
				      ac->avail, ac->limit);
			continue;
		}
		for (unsigned int i = 0; i < ac->avail; i++) {
			struct page *slab = slab_page_of(ac->entry[i]);
			unsigned int idx;

			if (!PageSlab(slab) || slab->mapping != s ||
			    !slab_obj_index(s, slab, ac->entry[i], &idx))
				check_problem("%s: cpu %u holds %p, not an object of the cache",
					      s->name, cpu, ac->entry[i]);
			for (unsigned int j = 0; j < i; j++)
				if (ac->entry[j] == ac->entry[i])
					check_problem("%s: cpu %u holds %p twice", s->name, cpu,
						      ac->entry[i]);
		}
	}
}

int mm_slab_check_invariants(void)
{
	unsigned long flags = mm_spin_lock_irqsave(&mm_slab_caches_lock);
	struct list_head *pos;

	check_problems = 0;
	list_for_each(pos, &mm_slab_caches) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);

		if (s->tag != SLAB_CACHE_TAG) {
			check_problem("cache %p: tag 0x%08x overwritten", (void *)s, s->tag);
			break;
		}
		/* Racy for other CPUs' arrays, exact when they are idle (tests). */
		check_arrays(s);
		for (int nid = 0; nid < MAX_NUMNODES; nid++) {
			mm_spin_lock(&s->node[nid].list_lock);
			check_node(s, nid);
			mm_spin_unlock(&s->node[nid].list_lock);
		}
	}
	mm_spin_unlock_irqrestore(&mm_slab_caches_lock, flags);
	return check_problems;
}
