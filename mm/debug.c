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
#include "memblock.h"
#include "slab.h"
#include "util.h"
#include "vmstat.h"

bool mm_debug_poison;
bool mm_poison_seen;
struct mm_poison_report mm_last_poison_report;

/*
 * The last freer of every pfn, for poison reports (the free half of
 * Linux's page_owner): the caller address handed to mm_free_pages_prepare(),
 * written for each page of a block as it is poisoned. A side table
 * indexed by pfn, not a struct page field, so struct page stays at 40
 * bytes when nobody debugs; 8 bytes a page (1/512 of RAM) when poisoning
 * is on at mm_init(). NULL otherwise, and reports say "freer unknown".
 */
static void **page_freer;

void mm_page_freer_init(void)
{
	uint64_t bytes = (uint64_t)mm_max_pfn * sizeof(*page_freer), phys;

	page_freer = NULL;
	if (!mm_debug_poison || !mm_max_pfn)
		return;
	phys = mm_memblock_phys_alloc(bytes, MM_PAGE_SIZE, "page freers");
	if (!phys) {
		mm_printk("mm: no room for the last-freer table (%lu KiB): poison reports will not name freers\n",
			  (unsigned long)(bytes >> 10));
		return;
	}
	page_freer = mm_pfn_to_virt((unsigned long)(phys >> MM_PAGE_SHIFT));
	mm_memset(page_freer, 0, (size_t)bytes);
}

void *mm_page_last_freer(unsigned long pfn)
{
	return page_freer && pfn < mm_max_pfn ? page_freer[pfn] : NULL;
}

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

const char *const mm_migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate",
};

static const char *const pageflag_names[NR_PAGEFLAGS] = {
	"reserved", "buddy", "pcp",	   "head",   "tail",	"poisoned", "lru",
	"locked",   "dirty", "referenced", "active", "checked", "slab",	    "large_kmalloc",
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
	mm_printk(") node:%u zone:%u alloc_order:%u\n", (flags >> PAGE_NODE_SHIFT) & PAGE_NODE_MASK,
		  (flags >> PAGE_ZONE_SHIFT) & PAGE_ZONE_MASK,
		  (flags >> PAGE_ORDER_SHIFT) & PAGE_ORDER_MASK);
}

void mm_bad_page(struct page *page, unsigned int order, const char *reason, void *caller)
{
	unsigned long pfn = page_to_pfn(page);

	mm_printk("BUG: Bad page state in process %s  pfn:%05lx\n", mm_current_name(), pfn);
	mm_printk("page:%p refcount:%d mapping:%p index:0x%x order:%u pfn:0x%lx\n", (void *)page,
		  page->_refcount, page->mapping, page->index, order, pfn);
	print_page_flags(page->flags);
	mm_printk("page dumped because: %s\n", reason);
	mm_printk("caller: %p (the page is leaked)\n", caller);
	count_vm_events(BAD_PAGES, 1);
}

static bool page_in_mem_map(const struct page *page)
{
	uintptr_t off = (uintptr_t)page - (uintptr_t)mm_mem_map;

	return mm_mem_map && page >= mm_mem_map && page < mm_mem_map + mm_max_pfn &&
	       off % sizeof(struct page) == 0;
}

bool mm_free_page_check_entry(struct page *page, unsigned int order, void *caller)
{
	const char *reason = NULL;
	unsigned long pfn;

	if (!page_in_mem_map(page)) {
		mm_printk("BUG: Bad page state in process %s  page:%p not in the memory map (order %u)\n",
			  mm_current_name(), (void *)page, order);
		mm_printk("caller: %p\n", caller);
		count_vm_events(BAD_PAGES, 1);
		return false;
	}
	pfn = page_to_pfn(page);
	if (order >= MAX_ORDER)
		reason = "order out of range";
	else if (pfn & ((1UL << order) - 1))
		reason = "pfn not aligned to the order";
	else if (pfn + (1UL << order) > mm_max_pfn)
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
	mm_bad_page(page, order, reason, caller);
	return false;
}

/* Flags a page may not carry when it is freed. */
#define PAGE_FLAGS_CHECK_AT_FREE \
	((1u << PG_lru) | (1u << PG_locked) | (1u << PG_buddy) | (1u << PG_pcp) | \
	 (1u << PG_reserved) | (1u << PG_slab) | (1u << PG_large_kmalloc))

static const char *tail_page_problem(const struct page *head, const struct page *p, bool compound)
{
	if (compound && (!PageTail(p) || compound_head((struct page *)p) != head))
		return "corrupted compound tail page";
	if (!compound && PageTail(p))
		return "unexpected tail page";
	if (page_flags_read(p) & PAGE_FLAGS_CHECK_AT_FREE)
		return "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
	if (page_ref_count(p) != 0)
		return "nonzero _refcount";
	if (p->mapping)
		return "non-NULL mapping";
	return NULL;
}

#define POISON_WORD 0xaaaaaaaaaaaaaaaaull

/* Eight words a round: under QEMU's TCG every guest instruction counts,
 * and the loop overhead was half of it. */
static void poison_page(unsigned long pfn)
{
	volatile uint64_t *w = mm_pfn_to_virt(pfn);

	for (unsigned long i = 0; i < MM_PAGE_SIZE / 8; i += 8) {
		w[i] = POISON_WORD;
		w[i + 1] = POISON_WORD;
		w[i + 2] = POISON_WORD;
		w[i + 3] = POISON_WORD;
		w[i + 4] = POISON_WORD;
		w[i + 5] = POISON_WORD;
		w[i + 6] = POISON_WORD;
		w[i + 7] = POISON_WORD;
	}
}

/* The first word of the page that lost the pattern, or MM_PAGE_SIZE / 8. */
static unsigned long poison_first_bad_word(const volatile uint64_t *w)
{
	for (unsigned long i = 0; i < MM_PAGE_SIZE / 8; i += 8) {
		uint64_t diff = (w[i] ^ POISON_WORD) | (w[i + 1] ^ POISON_WORD) |
				(w[i + 2] ^ POISON_WORD) | (w[i + 3] ^ POISON_WORD) |
				(w[i + 4] ^ POISON_WORD) | (w[i + 5] ^ POISON_WORD) |
				(w[i + 6] ^ POISON_WORD) | (w[i + 7] ^ POISON_WORD);

		if (!diff)
			continue;
		while (w[i] == POISON_WORD && i + 1 < MM_PAGE_SIZE / 8)
			i++;
		return i;
	}
	return MM_PAGE_SIZE / 8;
}

/* One line: where the pattern broke, what was there, who freed the page
 * last (a return address: look it up with addr2line or gdb's info symbol,
 * the kernel has no symbol table of its own). */
static void check_poison(struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	const volatile uint64_t *w = mm_pfn_to_virt(pfn);
	unsigned long i;

	ClearPageFlag(page, PG_poisoned);
	i = poison_first_bad_word(w);
	if (i < MM_PAGE_SIZE / 8) {
		struct mm_poison_report *r = &mm_last_poison_report;

		*r = (struct mm_poison_report){ pfn, i * 8, w[i], mm_page_last_freer(pfn) };
		if (r->freer)
			mm_printk("BUG: page poison corrupted pfn:%05lx offset 0x%lx: 0x%016llx (use after free?) last freed by %p\n",
				  pfn, r->offset, (unsigned long long)r->value, r->freer);
		else
			mm_printk("BUG: page poison corrupted pfn:%05lx offset 0x%lx: 0x%016llx (use after free?) freer unknown\n",
				  pfn, r->offset, (unsigned long long)r->value);
		count_vm_events(POISON_ERRORS, 1);
	}
}

bool mm_free_pages_prepare(struct page *page, unsigned int order, void *caller)
{
	bool compound = PageHead(page);
	unsigned long n = 1UL << order;
	unsigned long walk = (compound || mm_tail_pass() || mm_debug_poison) ? n : 1;
	const uint32_t keep = PAGE_ZONEID_FLAGS;

	if (page_mapping_peek(page)) {
		mm_bad_page(page, order, "non-NULL mapping", caller);
		return false;
	}
	if (page_flags_read(page) & PAGE_FLAGS_CHECK_AT_FREE) {
		mm_bad_page(page, order, "PAGE_FLAGS_CHECK_AT_FREE flag(s) set", caller);
		return false;
	}
	if (compound || mm_debug_check_tails) {
		for (unsigned long i = 1; i < n; i++) {
			const char *why = tail_page_problem(page, page + i, compound);

			if (why) {
				mm_bad_page(page + i, order, why, caller);
				return false;
			}
		}
	}
	if (mm_debug_poison)
		__atomic_store_n(&mm_poison_seen, true, __ATOMIC_RELAXED);
	for (unsigned long i = 0; i < walk; i++) {
		struct page *p = page + i;

		page_flags_write(p, page_flags_read(p) & keep);
		p->lru.next = p->lru.prev = NULL;
		p->index = 0;
		set_page_private(p, 0);
		if (mm_debug_poison) {
			unsigned long pfn = page_to_pfn(p);

			poison_page(pfn);
			SetPageFlag(p, PG_poisoned);
			if (page_freer)
				page_freer[pfn] = caller;
		}
	}
	return true;
}

bool mm_check_new_pages(struct page *page, unsigned int order)
{
	unsigned long n = mm_tail_pass() ? 1UL << order : 1;

	for (unsigned long i = 0; i < n; i++) {
		struct page *p = page + i;

		if (unlikely((page_flags_read(p) & ((1u << PG_buddy) | (1u << PG_pcp) |
						    (1u << PG_reserved) | (1u << PG_lru))) ||
			     p->_refcount != 0 || p->mapping)) {
			mm_bad_page(p, order, "bad state on allocation", __builtin_return_address(0));
			return false;
		}
		if (PageFlag(p, PG_poisoned))
			check_poison(p);
	}
	return true;
}

/* ---- canaries ---- */

/* The zone's name by its place in the node, not by its (maybe overwritten)
 * name field. */
const char *mm_zone_name_safe(const struct zone *z)
{
	static const char *const names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal" };
	long off = (const char *)z - (const char *)mm_node_data;
	long zi = off % (long)sizeof(struct pglist_data) / (long)sizeof(struct zone);

	if (off < 0 || off >= (long)sizeof(mm_node_data) ||
	    (off % (long)sizeof(struct pglist_data)) % (long)sizeof(struct zone) ||
	    zi >= MAX_NR_ZONES)
		return "(not a zone)";
	return names[zi];
}

bool mm_zone_canaries_ok(const struct zone *z, int cpu, const char *where)
{
	uint32_t pc = cpu >= 0 ? z->pcp[cpu].canary : PCP_CANARY;

	if (z->canary == ZONE_CANARY && pc == PCP_CANARY)
		return true;
	if (cpu >= 0)
		mm_printk("BUG: %s: canary overwritten in zone %s cpu %d: zone 0x%08x per-cpu 0x%08x (want 0x%08x 0x%08x)\n",
			  where, mm_zone_name_safe(z), cpu, z->canary, pc, ZONE_CANARY, PCP_CANARY);
	else
		mm_printk("BUG: %s: canary overwritten in zone %s: 0x%08x (want 0x%08x)\n", where,
			  mm_zone_name_safe(z), z->canary, ZONE_CANARY);
	return false;
}

/* ---- the invariant checker ---- */

#define CHECK_REPORT_LIMIT 20

static int problems;

void mm_invariant_vproblem(const char *fmt, va_list ap)
{
	if (++problems > CHECK_REPORT_LIMIT)
		return;
	mm_printk("mm_check_invariants: ");
	mm_vprintk(fmt, ap);
	mm_printk("\n");
}

__attribute__((format(printf, 1, 2))) static void problem(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mm_invariant_vproblem(fmt, ap);
	va_end(ap);
}

/*
 * A free block sits on the list of its pageblock's type, every pageblock
 * it covers having that type: otherwise its pages are counted free while
 * only requests of another type (or none, for a HIGHATOMIC list outside a
 * reserve) can reach them. HIGHATOMIC and ISOLATE blocks never grow past
 * a pageblock, so a reserve is given back whole.
 */
static void check_free_block_type(struct zone *z, unsigned long pfn, unsigned int o, int mt)
{
	unsigned long end = pfn + (o > pageblock_order ? 1UL << o : 1);

	for (unsigned long pb = pfn; pb < end; pb += pageblock_nr_pages) {
		int pb_mt = mm_get_pageblock_migratetype(pb);

		if (pb_mt != mt)
			problem("node %d %s: free pfn 0x%lx order %u on the %s list in a %s pageblock (pfn 0x%lx)",
				z->node, z->name, pfn, o, mm_migratetype_names[mt],
				mm_migratetype_names[pb_mt], pb & ~(pageblock_nr_pages - 1));
	}
	if (mt >= MIGRATE_PCPTYPES && o > pageblock_order)
		problem("node %d %s: %s free block pfn 0x%lx of order %u spans pageblocks", z->node,
			z->name, mm_migratetype_names[mt], pfn, o);
}

/*
 * nr_reserved_highatomic is what the watermark test hides from ordinary
 * requests: it must count exactly the zone's HIGHATOMIC pageblocks, each
 * wholly inside the zone (a shared one would be counted by two zones).
 */
static void check_highatomic_reserve(struct zone *z)
{
	unsigned long reserved = 0;

	for (unsigned long pb = z->zone_start_pfn & ~(pageblock_nr_pages - 1); pb < zone_end_pfn(z);
	     pb += pageblock_nr_pages) {
		if (mm_get_pageblock_migratetype(pb) != MIGRATE_HIGHATOMIC)
			continue;
		if (!pageblock_in_zone(z, pb)) {
			problem("node %d %s: HIGHATOMIC pageblock pfn 0x%lx is not wholly in the zone",
				z->node, z->name, pb);
			continue;
		}
		reserved += pageblock_nr_pages;
	}
	if (reserved != z->nr_reserved_highatomic)
		problem("node %d %s: nr_reserved_highatomic %lu but %lu pages in HIGHATOMIC pageblocks",
			z->node, z->name, z->nr_reserved_highatomic, reserved);
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
					problem("node %d %s order %u %s: free list corrupt or looping",
						z->node, z->name, o, mm_migratetype_names[mt]);
					break;
				}
				if (!page_in_mem_map(p)) {
					problem("node %d %s order %u: entry %p outside the memory map",
						z->node, z->name, o, (void *)p);
					break;
				}
				pfn = page_to_pfn(p);
				if (!zone_spans_pfn(z, pfn) || pfn + (1UL << o) > zone_end_pfn(z)) {
					problem("node %d %s order %u: pfn 0x%lx outside the zone",
						z->node, z->name, o, pfn);
					continue;
				}
				if (pfn & ((1UL << o) - 1))
					problem("node %d %s: free pfn 0x%lx misaligned for order %u",
						z->node, z->name, pfn, o);
				if (!PageBuddy(p) || p->private != o)
					problem("node %d %s: pfn 0x%lx on order-%u list but buddy=%d order=%u",
						z->node, z->name, pfn, o, PageBuddy(p), p->private);
				if (PageFlag(p, PG_checked))
					problem("node %d %s: pfn 0x%lx on free lists twice",
						z->node, z->name, pfn);
				SetPageFlag(p, PG_checked);
				check_free_block_type(z, pfn, o, mt);
				blocks++;
				total += 1L << o;
			}
		}
		if (blocks != z->free_area[o].nr_free)
			problem("node %d %s order %u: nr_free %lu but %lu blocks on the lists",
				z->node, z->name, o, z->free_area[o].nr_free, blocks);
	}
	if (total != z->vm_stat[NR_FREE_PAGES])
		problem("node %d %s: NR_FREE_PAGES %ld but %ld pages on the free lists", z->node,
			z->name, z->vm_stat[NR_FREE_PAGES], total);
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
					problem("node %d %s cpu %d: per-cpu list %d corrupt",
						z->node, z->name, cpu, i);
					break;
				}
				pfn = page_to_pfn(p);
				if (!zone_spans_pfn(z, pfn) || (pfn & ((1UL << o) - 1))) {
					problem("node %d %s cpu %d: pcp pfn 0x%lx outside zone or misaligned",
						z->node, z->name, cpu, pfn);
					continue;
				}
				if (!PagePcp(p))
					problem("node %d %s: pfn 0x%lx on a per-cpu list without PG_pcp",
						z->node, z->name, pfn);
				/* Each list holds its own type; HIGHATOMIC
				 * pages wait on the movable one. */
				if (p->private != (unsigned int)i % MIGRATE_PCPTYPES &&
				    !(i % MIGRATE_PCPTYPES == MIGRATE_MOVABLE &&
				      p->private == MIGRATE_HIGHATOMIC))
					problem("node %d %s cpu %d: pfn 0x%lx of type %u on the %s per-cpu list",
						z->node, z->name, cpu, pfn, p->private,
						mm_migratetype_names[i % MIGRATE_PCPTYPES]);
				for (unsigned long k = 0; k < (1UL << o); k++) {
					if (PageFlag(p + k, PG_checked) || PageBuddy(p + k) ||
					    (k && PagePcp(p + k)))
						problem("node %d %s: pcp pfn 0x%lx also free elsewhere",
							z->node, z->name, pfn + k);
					SetPageFlag(p + k, PG_checked);
				}
				pages += 1L << o;
			}
		}
		if (pages != pcp->count)
			problem("node %d %s cpu %d: pcp count %d but %ld pages listed", z->node,
				z->name, cpu, pcp->count, pages);
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
	/* HIGHATOMIC and ISOLATE blocks never grow past their pageblock. */
	if (o >= pageblock_order && (mm_get_pageblock_migratetype(pfn) >= MIGRATE_PCPTYPES ||
				     mm_get_pageblock_migratetype(bpfn) >= MIGRATE_PCPTYPES))
		return;
	problem("node %d %s: free buddies pfn 0x%lx and 0x%lx of order %u not merged", z->node,
		z->name, pfn, bpfn, o);
}

/* Every pfn of the zone, in order; clears the PG_checked marks. */
static void check_pfns(struct zone *z)
{
	unsigned long pfn = z->zone_start_pfn, end = zone_end_pfn(z);

	while (pfn < end) {
		struct page *p = pfn_to_page(pfn);

		if (page_zonenum(p) != (unsigned int)z->zone_idx || page_to_nid(p) != z->node)
			problem("pfn 0x%lx in node %d zone %s has node %d zone index %u", pfn,
				z->node, z->name, page_to_nid(p), page_zonenum(p));
		if (PageBuddy(p)) {
			unsigned int o = p->private;
			unsigned long n = o < MAX_ORDER ? 1UL << o : 1;

			if (!PageFlag(p, PG_checked))
				problem("node %d %s: pfn 0x%lx is PG_buddy but on no free list",
					z->node, z->name, pfn);
			ClearPageFlag(p, PG_checked);
			if (PageReserved(p) || PagePcp(p) || p->_refcount)
				problem("node %d %s: free pfn 0x%lx reserved/pcp/referenced",
					z->node, z->name, pfn);
			for (unsigned long k = 1; k < n && pfn + k < end; k++) {
				struct page *q = p + k;

				if (q->flags & ((1u << PG_buddy) | (1u << PG_pcp) |
						(1u << PG_reserved) | (1u << PG_checked)) ||
				    q->_refcount) {
					problem("node %d %s: pfn 0x%lx inside free block 0x%lx is in use",
						z->node, z->name, pfn + k, pfn);
					ClearPageFlag(q, PG_checked);
				}
				/* A block that merged across zones or nodes. */
				if (page_zoneid(q) != page_zoneid(p))
					problem("node %d %s: pfn 0x%lx inside free block 0x%lx has node %d zone index %u",
						z->node, z->name, pfn + k, pfn, page_to_nid(q),
						page_zonenum(q));
			}
			check_buddy_pair(z, pfn, o);
			pfn += n;
			continue;
		}
		if (PagePcp(p) && !PageFlag(p, PG_checked))
			problem("node %d %s: pfn 0x%lx is PG_pcp but on no per-cpu list", z->node,
				z->name, pfn);
		ClearPageFlag(p, PG_checked);
		pfn++;
	}
}

/*
 * Across zones and nodes: each zone knows its node and sits in that
 * node's pglist_data, page_zone() of its zone id finds it again, and no
 * two populated zones' spans overlap (a pfn has exactly one zone, so a
 * free block can never reach into another node's memory unnoticed).
 */
static void check_zone_layout(void)
{
	struct zone *z, *o;

	for_each_zone(z) {
		unsigned int zoneid = ((unsigned int)z->node << 2) | (unsigned int)z->zone_idx;

		if (z->node < 0 || z->node >= mm_nr_nodes ||
		    z != &NODE_DATA(z->node)->node_zones[z->zone_idx]) {
			problem("zone %s: node field %d does not match its pglist_data",
				mm_zone_name_safe(z), z->node);
			continue;
		}
		if (mm_zone_table[zoneid] != z)
			problem("node %d %s: zone_table[%u] points elsewhere", z->node, z->name,
				zoneid);
		if (!z->spanned_pages)
			continue;
		for (o = next_zone(z); o; o = next_zone(o)) {
			if (!o->spanned_pages || zone_end_pfn(o) <= z->zone_start_pfn ||
			    zone_end_pfn(z) <= o->zone_start_pfn)
				continue;
			problem("node %d %s [pfn 0x%lx-0x%lx) overlaps node %d %s [pfn 0x%lx-0x%lx)",
				z->node, z->name, z->zone_start_pfn, zone_end_pfn(z), o->node,
				o->name, o->zone_start_pfn, zone_end_pfn(o));
		}
	}
}

int mm_check_invariants(void)
{
	struct zone *z;

	problems = 0;
	if (!mm_mem_map) {
		problem("mm_init() has not run");
		return problems;
	}
	/* First: a zone in the wrong place makes every page of it look wrong,
	 * and the cause would be lost past the report limit. */
	check_zone_layout();
	for_each_zone(z) {
		unsigned long flags;

		int bad_pcp = 0;

		if (z->canary != ZONE_CANARY)
			problem("zone %s: canary 0x%08x overwritten (want 0x%08x)",
				mm_zone_name_safe(z), z->canary, ZONE_CANARY);
		for (int cpu = 0; cpu < MM_MAX_CPUS; cpu++) {
			if (z->pcp[cpu].canary == PCP_CANARY)
				continue;
			problem("zone %s cpu %d: per-cpu pages canary 0x%08x overwritten (want 0x%08x)",
				mm_zone_name_safe(z), cpu, z->pcp[cpu].canary, PCP_CANARY);
			bad_pcp++;
		}
		/* Lists behind a broken canary are not followed: they would
		 * only add noise, or crash the checker. */
		if (!z->spanned_pages || z->canary != ZONE_CANARY || bad_pcp)
			continue;
		flags = mm_spin_lock_irqsave(&z->lock);
		check_free_lists(z);
		check_highatomic_reserve(z);
		check_pcp_lists(z);
		check_pfns(z);
		mm_spin_unlock_irqrestore(&z->lock, flags);
	}
#if MM_CONFIG_SLAB
	mm_slab_check_invariants(); /* its problems count here too */
#endif
	if (problems > CHECK_REPORT_LIMIT)
		mm_printk("mm_check_invariants: %d problems in all\n", problems);
	return problems;
}
