/*
 * arch/x86_64/vmap.c - page tables of the VMAP range: walking from the
 * kernel's PML4 (shared by every CPU), creating the missing levels, and
 * changing leaf entries with a TLB shootdown.
 */
#include "vmap.h"

#include "cpu.h"
#include "layout.h"
#include "smp.h"
#include "mm/gfp.h"
#include "mm/spinlock.h"

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_G (1ULL << 8)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

/* Guards creation of table levels; leaf entries are serialised by the
 * callers (one slot belongs to one area, under its lock). */
static mm_spinlock_t vmap_pt_lock = MM_SPINLOCK_INIT;

unsigned long vmap_nr_slots = VMAP_MIN_SLOTS;

void vmap_init(unsigned long nr_pfns)
{
	unsigned long want = nr_pfns > VMAP_MAX_SLOTS / 2 ? VMAP_MAX_SLOTS : 2 * nr_pfns;

	/* Whole page tables: 512 slots share one. */
	want = (want + 511) & ~511UL;
	vmap_nr_slots = want < VMAP_MIN_SLOTS ? VMAP_MIN_SLOTS : want;
}

static inline unsigned int vidx(uintptr_t va, int shift)
{
	return (va >> shift) & 511;
}

/* The table under entry @e, created when @create (NULL if absent or no
 * memory). vmap_pt_lock held when @create. */
static uint64_t *next_level(uint64_t *e, bool create)
{
	uint64_t v = __atomic_load_n(e, __ATOMIC_ACQUIRE);
	struct page *page;
	uint64_t *t;

	if (v & PTE_P)
		return phys_to_virt(v & PTE_ADDR);
	if (!create)
		return NULL;
	/* Never sleeps: the caller may hold an area's lock. */
	page = alloc_pages(__GFP_HIGH | __GFP_NOWARN, 0);
	if (!page)
		return NULL;
	t = page_address(page);
	for (unsigned int i = 0; i < 512; i++)
		t[i] = 0;
	__atomic_store_n(e, virt_to_phys(t) | PTE_P | PTE_W, __ATOMIC_RELEASE);
	return t;
}

static uint64_t *pte_of(unsigned long slot, bool create)
{
	uintptr_t va = vmap_slot_va(slot);
	uint64_t *t = phys_to_virt(read_cr3() & PTE_ADDR);
	unsigned long flags = 0;

	if (create)
		flags = mm_spin_lock_irqsave(&vmap_pt_lock);
	for (int shift = 39; shift > 12 && t; shift -= 9)
		t = next_level(&t[vidx(va, shift)], create);
	if (create)
		mm_spin_unlock_irqrestore(&vmap_pt_lock, flags);
	return t ? &t[vidx(va, 12)] : NULL;
}

int vmap_set(unsigned long slot, unsigned long pfn)
{
	uint64_t *pte, old;

	if (slot >= vmap_nr_slots)
		return -1;
	pte = pte_of(slot, true);
	if (!pte)
		return -1;
	old = __atomic_exchange_n(pte, ((uint64_t)pfn << 12) | PTE_P | PTE_W | PTE_G | PTE_NX,
				  __ATOMIC_ACQ_REL);
	if (old & PTE_P)
		smp_flush_tlb_page(vmap_slot_va(slot));
	return 0;
}

void vmap_clear(unsigned long slot)
{
	uint64_t *pte = slot < vmap_nr_slots ? pte_of(slot, false) : NULL;

	if (pte && (__atomic_exchange_n(pte, 0, __ATOMIC_ACQ_REL) & PTE_P))
		smp_flush_tlb_page(vmap_slot_va(slot));
}

unsigned long vmap_pfn(unsigned long slot)
{
	uint64_t *pte = slot < vmap_nr_slots ? pte_of(slot, false) : NULL;
	uint64_t v = pte ? __atomic_load_n(pte, __ATOMIC_ACQUIRE) : 0;

	return v & PTE_P ? (unsigned long)((v & PTE_ADDR) >> 12) : (unsigned long)-1;
}
