/*
 * mm/vmarea.h - a kernel-managed address space that owns movable pages:
 * a run of virtual page slots (mm_vmap_* in mm/host.h), each backed by one
 * page the area allocated and mapped. Compaction may move a page to a new
 * frame: the area copies it, repoints the PTE and flushes the TLB entry.
 *
 * The rule for users: a page may move whenever nobody holds it, so code
 * that reads or writes through mm_vmarea_addr() while compaction may run pins
 * the page first (mm_vmarea_pin) and unpins it after. Pinned pages never move.
 * Every function here: thread context, interrupts on (see vmarea.c).
 */
#ifndef MM_VMAREA_H
#define MM_VMAREA_H

#include <stdbool.h>
#include <stdint.h>

#include "gfp.h"
#include "page.h"
#include "spinlock.h"

#define VMAREA_CANARY 0x564d4152u /* "VMAR": also the owner tag (movable.h) */

struct vmarea {
	uint32_t canary; /* first: mm_page_movable_ops() reads it */
	mm_spinlock_t lock;
	unsigned long first_slot; /* host slot of index 0 */
	unsigned long nr_pages;
	gfp_t gfp;
	/* Guarded by lock: the page mapped at each index, NULL if none, in
	 * page-sized chunks (vmarea.c). */
	struct page ***dir;
	unsigned long nr_mapped;
	unsigned long nr_moved; /* pages migrated to another frame */
};

/* An area of @nr_pages slots, nothing mapped; @gfp for its pages (0:
 * GFP_HIGHUSER_MOVABLE). Returns 0, -MM_EINVAL (0 pages, no slots left),
 * -MM_ENOMEM (no memory for the index). Context: thread. */
int mm_vmarea_create(struct vmarea *va, unsigned long nr_pages, gfp_t gfp);
/* Unmap and free every page, give the slots back (all of them when this
 * was the last area created; otherwise they stay used). */
void mm_vmarea_destroy(struct vmarea *va);

/* Allocate and map a page at @idx. 0, -MM_EEXIST, -MM_EINVAL, -MM_ENOMEM. */
int mm_vmarea_populate(struct vmarea *va, unsigned long idx);
/* Unmap and free the page at @idx (nothing if none). */
void mm_vmarea_unpopulate(struct vmarea *va, unsigned long idx);

/* Where @idx is read and written (see the rule above); NULL if unmapped. */
void *mm_vmarea_addr(struct vmarea *va, unsigned long idx);
/* The page mapped at @idx now (no reference), or NULL. */
struct page *mm_vmarea_page(struct vmarea *va, unsigned long idx);
/* The pfn the page table translates @idx to, or -1: for checks. */
unsigned long mm_vmarea_pte_pfn(struct vmarea *va, unsigned long idx);

/* Hold the page at @idx in place (a reference); NULL if unmapped. */
struct page *mm_vmarea_pin(struct vmarea *va, unsigned long idx);
void mm_vmarea_unpin(struct page *page);

#endif /* MM_VMAREA_H */
