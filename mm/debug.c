/*
 * mm/debug.c - the page allocator's always-on sanity checks: bad page
 * reports on free and allocation, optional poisoning of free pages, and
 * the full invariant checker used by tests.
 *
 * The checks of a block's head page are always on: the fast paths in
 * page_alloc.c and internal.h test it inline with a mask or two and come
 * here only to report. The checks of every other page of a block are a
 * debug switch, mm_debug_check_tails (below).
 */
#include "debug.h"

#include "internal.h"
#include "vmstat.h"

bool mm_debug_poison;
bool mm_poison_seen;

/*
 * Per-tail-page checks: on allocation and free, look at every page of a
 * block, not only its head (flags, refcount, mapping; compound linkage).
 * The trade-off: with them an order-10 pair costs ~40k instructions (two
 * passes over 1024 struct pages, 40 KiB of memory traffic) instead of a few
 * hundred; without them a caller that corrupts a tail page of a plain
 * (non-compound) block, e.g. leaves PG_lru or a refcount on it, is not
 * caught at free time and the damage travels with the free block (the
 * invariant checker still finds it). Head pages - where double frees,
 * wrong orders and misaligned frees show - stay checked either way, and
 * compound blocks are walked anyway to undo their tail set-up, so their
 * tails are always checked. On by default in host builds under
 * AddressSanitizer (host tests, mmsim); off in the kernel (the `debug`
 * boot option turns it on) and in the benchmark.
 */
#ifdef __SANITIZE_ADDRESS__
bool mm_debug_check_tails = true;
#else
bool mm_debug_check_tails;
#endif

const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate",
};

static const char *const pageflag_names[NR_PAGEFLAGS] = {
	"reserved", "buddy",  "pcp",   "head",	     "tail",   "poisoned",
	"lru",	    "locked", "dirty", "referenced", "active", "checked",
};

static void print_page_flags(uint32_t flags)
{
	bool first = true;

	mm_printk("flags: 0x%x(", flags);
	for (int i = 0; i < NR_PAGEFLAGS; i++) {
		if (!(flags & (1u << i)))
			continue;
		mm_printk("%s%s", first ? "" : "|", pageflag_names[i]);
		first = false;
	}
	mm_printk(") zone:%u alloc_order:%u\n", (flags >> PAGE_ZONE_SHIFT) & PAGE_ZONE_MASK,
		  (flags >> PAGE_ORDER_SHIFT) & PAGE_ORDER_MASK);
}

void bad_page(struct page *page, unsigned int order, const char *reason, void *caller)
{
	unsigned long pfn = page_to_pfn(page);

	mm_printk("BUG: Bad page state in process %s  pfn:%05lx\n", "kernel", pfn);
	mm_printk("page:%p refcount:%d mapping:%p index:0x%x order:%u pfn:0x%lx\n", (void *)page,
		  page->_refcount, page->mapping, page->index, order, pfn);
	print_page_flags(page->flags);
	mm_printk("page dumped because: %s\n", reason);
	mm_printk("caller: %p (the page is leaked)\n", caller);
	count_vm_events(BAD_PAGES, 1);
}

static bool page_in_mem_map(const struct page *page)
{
	uintptr_t off = (uintptr_t)page - (uintptr_t)mem_map;

	return mem_map && page >= mem_map && page < mem_map + max_pfn &&
	       off % sizeof(struct page) == 0;
}

bool free_page_check_entry(struct page *page, unsigned int order, void *caller)
{
	const char *reason = NULL;
	unsigned long pfn;

	if (!page_in_mem_map(page)) {
		mm_printk("BUG: Bad page state in process %s  page:%p not in the memory map (order %u)\n",
			  "kernel", (void *)page, order);
		mm_printk("caller: %p\n", caller);
		count_vm_events(BAD_PAGES, 1);
		return false;
	}
	pfn = page_to_pfn(page);
	if (order >= MAX_ORDER)
		reason = "order out of range";
	else if (pfn & ((1UL << order) - 1))
		reason = "pfn not aligned to the order";
	else if (pfn + (1UL << order) > max_pfn)
		reason = "block runs past the memory map";
	else if (PageReserved(page))
		reason = "PageReserved";
	else if (PageBuddy(page))
		reason = "already free (on a free list)";
	else if (PagePcp(page))
		reason = "already free (on a per-cpu list)";
	else if (PageTail(page))
		reason = "tail page of a compound page";
	else if (page_ref_count(page) <= 0)
		reason = "zero refcount (already free, or inside a free or allocated block)";
	else if (page_alloc_order(page) != order)
		reason = "freed with another order than allocated";
	if (!reason)
		return true;
	bad_page(page, order, reason, caller);
	return false;
}

/* Flags a page may not carry when it is freed. */
#define PAGE_FLAGS_CHECK_AT_FREE \
	((1u << PG_lru) | (1u << PG_locked) | (1u << PG_buddy) | (1u << PG_pcp) | \
	 (1u << PG_reserved))

static const char *tail_page_problem(const struct page *head, const struct page *p, bool compound)
{
	if (compound && (!PageTail(p) || compound_head((struct page *)p) != head))
		return "corrupted compound tail page";
	if (!compound && PageTail(p))
		return "unexpected tail page";
	if (p->flags & PAGE_FLAGS_CHECK_AT_FREE)
		return "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
	if (page_ref_count(p) != 0)
		return "nonzero _refcount";
	if (p->mapping)
		return "non-NULL mapping";
	return NULL;
}

static void poison_page(unsigned long pfn)
{
	volatile uint64_t *w = mm_pfn_to_virt(pfn);

	for (unsigned long i = 0; i < MM_PAGE_SIZE / 8; i++)
		w[i] = 0xaaaaaaaaaaaaaaaaull;
}

static void check_poison(struct page *page)
{
	const volatile uint64_t *w = mm_pfn_to_virt(page_to_pfn(page));

	ClearPageFlag(page, PG_poisoned);
	for (unsigned long i = 0; i < MM_PAGE_SIZE / 8; i++) {
		if (w[i] != 0xaaaaaaaaaaaaaaaaull) {
			mm_printk("BUG: page poison corrupted pfn:%05lx offset 0x%lx: 0x%llx (use after free?)\n",
				  page_to_pfn(page), i * 8, (unsigned long long)w[i]);
			count_vm_events(POISON_ERRORS, 1);
			return;
		}
	}
}

bool free_pages_prepare(struct page *page, unsigned int order, void *caller)
{
	bool compound = PageHead(page);
	unsigned long n = 1UL << order;
	unsigned long walk = (compound || mm_tail_pass() || mm_debug_poison) ? n : 1;
	const uint32_t keep = PAGE_ZONE_MASK << PAGE_ZONE_SHIFT;

	if (page->mapping) {
		bad_page(page, order, "non-NULL mapping", caller);
		return false;
	}
	if (page->flags & PAGE_FLAGS_CHECK_AT_FREE) {
		bad_page(page, order, "PAGE_FLAGS_CHECK_AT_FREE flag(s) set", caller);
		return false;
	}
	if (compound || mm_debug_check_tails) {
		for (unsigned long i = 1; i < n; i++) {
			const char *why = tail_page_problem(page, page + i, compound);

			if (why) {
				bad_page(page + i, order, why, caller);
				return false;
			}
		}
	}
	if (mm_debug_poison)
		__atomic_store_n(&mm_poison_seen, true, __ATOMIC_RELAXED);
	for (unsigned long i = 0; i < walk; i++) {
		struct page *p = page + i;

		p->flags &= keep;
		p->lru.next = p->lru.prev = NULL;
		p->index = 0;
		p->private = 0;
		if (mm_debug_poison) {
			poison_page(page_to_pfn(p));
			SetPageFlag(p, PG_poisoned);
		}
	}
	return true;
}

bool check_new_pages(struct page *page, unsigned int order)
{
	unsigned long n = mm_tail_pass() ? 1UL << order : 1;

	for (unsigned long i = 0; i < n; i++) {
		struct page *p = page + i;

		if (unlikely((p->flags & ((1u << PG_buddy) | (1u << PG_pcp) | (1u << PG_reserved) |
					  (1u << PG_lru))) ||
			     p->_refcount != 0 || p->mapping)) {
			bad_page(p, order, "bad state on allocation", __builtin_return_address(0));
			return false;
		}
		if (PageFlag(p, PG_poisoned))
			check_poison(p);
	}
	return true;
}

/* ---- the invariant checker ---- */

#define CHECK_REPORT_LIMIT 20

static int problems;

__attribute__((format(printf, 1, 2))) static void problem(const char *fmt, ...)
{
	va_list ap;

	if (++problems > CHECK_REPORT_LIMIT)
		return;
	mm_printk("mm_check_invariants: ");
	va_start(ap, fmt);
	mm_vprintk(fmt, ap);
	va_end(ap);
	mm_printk("\n");
}

/* Walk the free lists, marking each head PG_checked. */
static void check_free_lists(struct zone *z)
{
	long total = 0;

	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long blocks = 0;

		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct list_head *head = &z->free_area[o].free_list[mt], *pos;
			unsigned long steps = 0;

			for (pos = head->next; pos != head; pos = pos->next) {
				struct page *p = list_entry(pos, struct page, lru);
				unsigned long pfn;

				if (++steps > z->spanned_pages + 1 || !pos) {
					problem("%s order %u %s: free list corrupt or looping",
						z->name, o, migratetype_names[mt]);
					break;
				}
				if (!page_in_mem_map(p)) {
					problem("%s order %u: entry %p outside the memory map",
						z->name, o, (void *)p);
					break;
				}
				pfn = page_to_pfn(p);
				if (!zone_spans_pfn(z, pfn) || pfn + (1UL << o) > zone_end_pfn(z)) {
					problem("%s order %u: pfn 0x%lx outside the zone", z->name,
						o, pfn);
					continue;
				}
				if (pfn & ((1UL << o) - 1))
					problem("%s: free pfn 0x%lx misaligned for order %u",
						z->name, pfn, o);
				if (!PageBuddy(p) || p->private != o)
					problem("%s: pfn 0x%lx on order-%u list but buddy=%d order=%u",
						z->name, pfn, o, PageBuddy(p), p->private);
				if (PageFlag(p, PG_checked))
					problem("%s: pfn 0x%lx on free lists twice", z->name, pfn);
				SetPageFlag(p, PG_checked);
				blocks++;
				total += 1L << o;
			}
		}
		if (blocks != z->free_area[o].nr_free)
			problem("%s order %u: nr_free %lu but %lu blocks on the lists", z->name, o,
				z->free_area[o].nr_free, blocks);
	}
	if (total != z->vm_stat[NR_FREE_PAGES])
		problem("%s: NR_FREE_PAGES %ld but %ld pages on the free lists", z->name,
			z->vm_stat[NR_FREE_PAGES], total);
}

/* Walk the per-CPU lists, marking every page of each block PG_checked. */
static void check_pcp_lists(struct zone *z)
{
	for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++) {
		struct per_cpu_pages *pcp = &z->pcp[cpu];
		long pages = 0;

		for (int i = 0; i < NR_PCP_LISTS; i++) {
			unsigned int o = (unsigned int)i / MIGRATE_PCPTYPES;
			struct list_head *head = &pcp->lists[i], *pos;
			unsigned long steps = 0;

			for (pos = head->next; pos != head; pos = pos->next) {
				struct page *p = list_entry(pos, struct page, lru);
				unsigned long pfn;

				if (++steps > z->spanned_pages + 1 || !pos || !page_in_mem_map(p)) {
					problem("%s cpu %d: per-cpu list %d corrupt", z->name, cpu,
						i);
					break;
				}
				pfn = page_to_pfn(p);
				if (!zone_spans_pfn(z, pfn) || (pfn & ((1UL << o) - 1))) {
					problem("%s cpu %d: pcp pfn 0x%lx outside zone or misaligned",
						z->name, cpu, pfn);
					continue;
				}
				if (!PagePcp(p))
					problem("%s: pfn 0x%lx on a per-cpu list without PG_pcp",
						z->name, pfn);
				for (unsigned long k = 0; k < (1UL << o); k++) {
					if (PageFlag(p + k, PG_checked) || PageBuddy(p + k) ||
					    (k && PagePcp(p + k)))
						problem("%s: pcp pfn 0x%lx also free elsewhere",
							z->name, pfn + k);
					SetPageFlag(p + k, PG_checked);
				}
				pages += 1L << o;
			}
		}
		if (pages != pcp->count)
			problem("%s cpu %d: pcp count %d but %ld pages listed", z->name, cpu,
				pcp->count, pages);
	}
}

static void check_buddy_pair(struct zone *z, unsigned long pfn, unsigned int o)
{
	unsigned long bpfn = pfn ^ (1UL << o);
	struct page *b;

	if (o >= MAX_ORDER - 1 || !zone_spans_pfn(z, bpfn) || bpfn < pfn)
		return;
	b = pfn_to_page(bpfn);
	if (!PageBuddy(b) || b->private != o)
		return;
	if (o >= pageblock_order) {
		int a = get_pageblock_migratetype(pfn), c = get_pageblock_migratetype(bpfn);

		if (a != c && (a >= MIGRATE_PCPTYPES || c >= MIGRATE_PCPTYPES))
			return; /* deliberately kept apart */
	}
	problem("%s: free buddies pfn 0x%lx and 0x%lx of order %u not merged", z->name, pfn, bpfn,
		o);
}

/* Every pfn of the zone, in order; clears the PG_checked marks. */
static void check_pfns(struct zone *z)
{
	unsigned long pfn = z->zone_start_pfn, end = zone_end_pfn(z);

	while (pfn < end) {
		struct page *p = pfn_to_page(pfn);

		if (page_zonenum(p) != (unsigned int)z->zone_idx)
			problem("pfn 0x%lx in zone %s has zone index %u", pfn, z->name,
				page_zonenum(p));
		if (PageBuddy(p)) {
			unsigned int o = p->private;
			unsigned long n = o < MAX_ORDER ? 1UL << o : 1;

			if (!PageFlag(p, PG_checked))
				problem("%s: pfn 0x%lx is PG_buddy but on no free list", z->name,
					pfn);
			ClearPageFlag(p, PG_checked);
			if (PageReserved(p) || PagePcp(p) || p->_refcount)
				problem("%s: free pfn 0x%lx reserved/pcp/referenced", z->name, pfn);
			for (unsigned long k = 1; k < n && pfn + k < end; k++) {
				struct page *q = p + k;

				if (q->flags & ((1u << PG_buddy) | (1u << PG_pcp) |
						(1u << PG_reserved) | (1u << PG_checked)) ||
				    q->_refcount) {
					problem("%s: pfn 0x%lx inside free block 0x%lx is in use",
						z->name, pfn + k, pfn);
					ClearPageFlag(q, PG_checked);
				}
			}
			check_buddy_pair(z, pfn, o);
			pfn += n;
			continue;
		}
		if (PagePcp(p) && !PageFlag(p, PG_checked))
			problem("%s: pfn 0x%lx is PG_pcp but on no per-cpu list", z->name, pfn);
		ClearPageFlag(p, PG_checked);
		pfn++;
	}
}

int mm_check_invariants(void)
{
	struct zone *z;

	problems = 0;
	if (!mem_map) {
		problem("mm_init() has not run");
		return problems;
	}
	for_each_zone(z) {
		unsigned long flags;

		if (z->canary != ZONE_CANARY)
			problem("zone %d: canary 0x%x overwritten",
				(int)(z - NODE_DATA(0)->node_zones), z->canary);
		if (!z->spanned_pages)
			continue;
		flags = mm_spin_lock_irqsave(&z->lock);
		check_free_lists(z);
		check_pcp_lists(z);
		check_pfns(z);
		mm_spin_unlock_irqrestore(&z->lock, flags);
	}
	if (problems > CHECK_REPORT_LIMIT)
		mm_printk("mm_check_invariants: %d problems in all\n", problems);
	return problems;
}
