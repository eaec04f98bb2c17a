/*
 * mm/vmarea.c - the kernel virtual area (policy): which page backs each
 * slot of an area, allocation and mapping through the host's mm_vmap_*
 * hooks, and the movable-owner callbacks that let compaction move pages.
 *
 * Isolation is marked in page->private (the owner's field): VMAREA_ISOLATED.
 *
 * An area's lock is taken with interrupts on: changing a PTE under it
 * shoots the TLB entry down on the other CPUs, which must be able to take
 * that interrupt even while they wait for the same lock.
 */
#include "vmarea.h"

#include "blockdev.h"
#include "movable.h"
#include "util.h"

#define VMAREA_ISOLATED 1u

/* Slots are handed out bottom up; only the most recent area gives them
 * back, which is all tests and benchmarks need. */
static mm_spinlock_t slots_lock = MM_SPINLOCK_INIT;
static unsigned long next_slot;

static void vmarea_sanity(const struct vmarea *va)
{
	if (!va || va->canary != VMAREA_CANARY)
		mm_panic("vmarea: area %p not created or corrupted", (const void *)va);
}

#define PTRS_PER_CHUNK (MM_PAGE_SIZE / sizeof(struct page *))

/* The index is two-level: a directory of page-sized chunks, so that a
 * large area needs no physically contiguous index. */
static struct page **slot_of(struct vmarea *va, unsigned long idx)
{
	return &va->dir[idx / PTRS_PER_CHUNK][idx % PTRS_PER_CHUNK];
}

static unsigned long nr_chunks(unsigned long nr_pages)
{
	return (nr_pages + PTRS_PER_CHUNK - 1) / PTRS_PER_CHUNK;
}

static void free_index(struct vmarea *va)
{
	unsigned long n = nr_chunks(va->nr_pages);

	for (unsigned long c = 0; c < n; c++)
		if (va->dir[c])
			free_page((unsigned long)va->dir[c]);
	free_pages_exact(va->dir, n * sizeof(*va->dir));
	va->dir = NULL;
}

int mm_vmarea_create(struct vmarea *va, unsigned long nr_pages, gfp_t gfp)
{
	unsigned long flags, first, n = nr_chunks(nr_pages);

	if (!nr_pages)
		return -MM_EINVAL;
	flags = mm_spin_lock_irqsave(&slots_lock);
	first = next_slot;
	if (nr_pages > mm_vmap_nr_slots() - first) {
		mm_spin_unlock_irqrestore(&slots_lock, flags);
		mm_printk("vmarea: %lu pages asked, %lu of the range's %lu slots left\n",
			  nr_pages, mm_vmap_nr_slots() - first, mm_vmap_nr_slots());
		return -MM_EINVAL;
	}
	next_slot += nr_pages;
	mm_spin_unlock_irqrestore(&slots_lock, flags);

	mm_memset(va, 0, sizeof(*va));
	va->nr_pages = nr_pages;
	va->dir = alloc_pages_exact(n * sizeof(*va->dir), GFP_KERNEL | __GFP_NOWARN);
	if (va->dir) {
		mm_memset(va->dir, 0, n * sizeof(*va->dir));
		for (unsigned long c = 0; c < n; c++) {
			va->dir[c] = (struct page **)get_zeroed_page(GFP_KERNEL | __GFP_NOWARN);
			if (!va->dir[c]) {
				free_index(va);
				break;
			}
		}
	}
	if (!va->dir) {
		flags = mm_spin_lock_irqsave(&slots_lock);
		if (next_slot == first + nr_pages)
			next_slot = first;
		mm_spin_unlock_irqrestore(&slots_lock, flags);
		return -MM_ENOMEM;
	}
	va->canary = VMAREA_CANARY;
	mm_spin_lock_init(&va->lock);
	va->first_slot = first;
	va->gfp = gfp ? gfp : GFP_HIGHUSER_MOVABLE;
	return 0;
}

void mm_vmarea_destroy(struct vmarea *va)
{
	unsigned long flags;

	vmarea_sanity(va);
	for (unsigned long i = 0; i < va->nr_pages; i++)
		mm_vmarea_unpopulate(va, i);
	free_index(va);
	flags = mm_spin_lock_irqsave(&slots_lock);
	if (next_slot == va->first_slot + va->nr_pages)
		next_slot = va->first_slot;
	mm_spin_unlock_irqrestore(&slots_lock, flags);
	va->canary = 0;
}

int mm_vmarea_populate(struct vmarea *va, unsigned long idx)
{
	struct page *page;
	int err = 0;

	vmarea_sanity(va);
	if (idx >= va->nr_pages)
		return -MM_EINVAL;
	if (*slot_of(va, idx))
		return -MM_EEXIST;
	page = alloc_pages(va->gfp | __GFP_NOWARN, 0);
	if (!page)
		return -MM_ENOMEM;
	mm_spin_lock(&va->lock);
	if (*slot_of(va, idx)) {
		err = -MM_EEXIST;
	} else if (mm_vmap_map(va->first_slot + idx, page_to_pfn(page))) {
		err = -MM_ENOMEM; /* no page table */
	} else {
		__atomic_store_n(&page->mapping, va, __ATOMIC_RELAXED);
		page->index = (uint32_t)idx;
		set_page_private(page, 0);
		*slot_of(va, idx) = page;
		va->nr_mapped++;
	}
	mm_spin_unlock(&va->lock);
	if (err)
		__free_page(page);
	return err;
}

void mm_vmarea_unpopulate(struct vmarea *va, unsigned long idx)
{
	struct page *page;

	vmarea_sanity(va);
	if (idx >= va->nr_pages)
		return;
	mm_spin_lock(&va->lock);
	page = *slot_of(va, idx);
	if (page) {
		mm_vmap_unmap(va->first_slot + idx);
		*slot_of(va, idx) = NULL;
		va->nr_mapped--;
		/* An isolated page stays with its isolator, who frees it. */
		__atomic_store_n(&page->mapping, NULL, __ATOMIC_RELAXED);
	}
	mm_spin_unlock(&va->lock);
	if (page)
		__free_page(page);
}

void *mm_vmarea_addr(struct vmarea *va, unsigned long idx)
{
	vmarea_sanity(va);
	return idx < va->nr_pages ? mm_vmap_addr(va->first_slot + idx) : NULL;
}

struct page *mm_vmarea_page(struct vmarea *va, unsigned long idx)
{
	vmarea_sanity(va);
	return idx < va->nr_pages ? __atomic_load_n(slot_of(va, idx), __ATOMIC_RELAXED) : NULL;
}

unsigned long mm_vmarea_pte_pfn(struct vmarea *va, unsigned long idx)
{
	vmarea_sanity(va);
	return idx < va->nr_pages ? mm_vmap_pfn(va->first_slot + idx) : (unsigned long)-1;
}

struct page *mm_vmarea_pin(struct vmarea *va, unsigned long idx)
{
	struct page *page = NULL;

	vmarea_sanity(va);
	if (idx >= va->nr_pages)
		return NULL;
	/* Under the lock migration takes: the page cannot change under us. */
	mm_spin_lock(&va->lock);
	page = *slot_of(va, idx);
	if (page)
		get_page(page);
	mm_spin_unlock(&va->lock);
	return page;
}

void mm_vmarea_unpin(struct page *page)
{
	__free_page(page);
}

/* ---- movable owner ---- */

static bool vmarea_isolate(struct page *page)
{
	struct vmarea *va = __atomic_load_n(&page->mapping, __ATOMIC_RELAXED);

	bool ok = false;

	if (!va || va->canary != VMAREA_CANARY)
		return false;
	mm_spin_lock(&va->lock);
	if (page->mapping == va && page->index < va->nr_pages &&
	    *slot_of(va, page->index) == page && !(page->private & VMAREA_ISOLATED) &&
	    page_ref_count(page) > 0) {
		set_page_private(page, page->private | VMAREA_ISOLATED);
		get_page(page);
		ok = true;
	}
	mm_spin_unlock(&va->lock);
	return ok;
}

static int vmarea_migrate(struct page *dst, struct page *src)
{
	struct vmarea *va = src->mapping;
	unsigned long idx = src->index;
	int rc = 0;

	vmarea_sanity(va);
	mm_spin_lock(&va->lock);
	/* Owner's reference and ours only: no pin, nobody reading through
	 * the old frame. Acquire: the last unpin's release orders the pinner's
	 * writes to the page before the copy below. */
	if (*slot_of(va, idx) != src || __atomic_load_n(&src->_refcount, __ATOMIC_ACQUIRE) != 2) {
		rc = -MIGRATE_EAGAIN;
	} else {
		migrate_copy_content(dst, src);
		/* Replaced in place: the slot never reads as unmapped. The
		 * hook flushes the old translation. */
		if (mm_vmap_map(va->first_slot + idx, page_to_pfn(dst))) {
			rc = -MIGRATE_EAGAIN;
		} else {
			__atomic_store_n(&dst->mapping, va, __ATOMIC_RELAXED);
			dst->index = (uint32_t)idx;
			set_page_private(dst, 0);
			*slot_of(va, idx) = dst;
			va->nr_moved++;
			__atomic_store_n(&src->mapping, NULL, __ATOMIC_RELAXED);
			set_page_private(src, 0);
			__atomic_fetch_sub(&src->_refcount, 1, __ATOMIC_RELAXED); /* the area's */
		}
	}
	mm_spin_unlock(&va->lock);
	return rc;
}

static void vmarea_putback(struct page *page)
{
	struct vmarea *va = page->mapping;

	if (va && va->canary == VMAREA_CANARY) {
		mm_spin_lock(&va->lock);

		set_page_private(page, page->private & ~VMAREA_ISOLATED);
		mm_spin_unlock(&va->lock);
	}
	__free_page(page); /* the isolation reference */
}

const struct movable_ops mm_vmarea_movable_ops = {
	.tag = VMAREA_CANARY,
	.name = "vmarea",
	.isolate = vmarea_isolate,
	.migrate = vmarea_migrate,
	.putback = vmarea_putback,
};
