/*
 * arch/x86_64/paging.c - the kernel's final page tables: the direct map of
 * physical memory at DIRECT_MAP_BASE and the image at KERNEL_VMA, built
 * with page-table pages from memblock once the memory map is known.
 */
#include "arch.h"
#include "cpu.h"
#include "layout.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "mm/memblock.h"

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_PS (1ULL << 7)
#define PTE_G (1ULL << 8)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

#define SZ_2M (1ULL << 21)
#define SZ_1G (1ULL << 30)
#define SZ_4G (1ULL << 32)

static uint64_t dm_size, dm_page;
static uint64_t nx_bit;

static inline unsigned int idx(uint64_t va, int shift)
{
	return (va >> shift) & 511;
}

static uint64_t *pt_alloc(void)
{
	/* Below 4 GiB: the boot tables map only that much, and we must write
	 * the new tables through them. */
	uint64_t pa = mm_memblock_phys_alloc_below(PAGE_SIZE, PAGE_SIZE, SZ_4G, "page tables");
	if (!pa)
		panic("paging: memblock has no page below 4 GiB for page tables");
	uint64_t *t = phys_to_virt(pa);
	for (unsigned int i = 0; i < 512; i++)
		t[i] = 0;
	return t;
}

/* The next-level table under entry @e, created if absent. */
static uint64_t *pt_next(uint64_t *e)
{
	if (!(*e & PTE_P)) {
		uint64_t *t = pt_alloc();
		*e = virt_to_phys(t) | PTE_P | PTE_W;
		return t;
	}
	return phys_to_virt(*e & PTE_ADDR);
}

/* Map [pa, pa+len) at va with the largest pages alignment allows; va, pa
 * and len are 2 MiB aligned. Existing leaf entries are left alone. */
static void map_range(uint64_t *pml4, uint64_t va, uint64_t pa, uint64_t len, uint64_t flags,
		      bool use_1g)
{
	while (len) {
		uint64_t *pdpt = pt_next(&pml4[idx(va, 39)]);
		uint64_t *pdpte = &pdpt[idx(va, 30)];
		if (use_1g && !(va & (SZ_1G - 1)) && !(pa & (SZ_1G - 1)) && len >= SZ_1G) {
			if (!(*pdpte & PTE_P))
				*pdpte = pa | flags | PTE_PS;
			va += SZ_1G, pa += SZ_1G, len -= SZ_1G;
			continue;
		}
		if (*pdpte & PTE_PS) { /* already covered by a 1 GiB page */
			uint64_t skip = SZ_1G - (va & (SZ_1G - 1));
			if (skip > len)
				skip = len;
			va += skip, pa += skip, len -= skip;
			continue;
		}
		uint64_t *pd = pt_next(pdpte);
		uint64_t *pde = &pd[idx(va, 21)];
		if (!(*pde & PTE_P))
			*pde = pa | flags | PTE_PS;
		va += SZ_2M, pa += SZ_2M, len -= SZ_2M;
	}
}

void arch_setup_direct_map(void)
{
	bool use_1g = cpu_has_pdpe1gb();
	uint64_t *pml4 = pt_alloc();
	uint64_t data_flags = PTE_P | PTE_W | PTE_G;

	if (rdmsr(MSR_EFER) & EFER_NXE)
		nx_bit = PTE_NX;

	/* [0, 4 GiB) whole: RAM below 4 GiB plus the MMIO and firmware holes
	 * (ACPI tables, LAPIC) that later code will want to read. */
	map_range(pml4, DIRECT_MAP_BASE, 0, SZ_4G, data_flags | nx_bit, use_1g);
	uint64_t top = SZ_4G;
	/* Above 4 GiB only RAM, rounded outward to 2 MiB. */
	for (unsigned int i = 0; i < mm_memblock.memory.cnt; i++) {
		uint64_t start = mm_memblock.memory.regions[i].base;
		uint64_t end = start + mm_memblock.memory.regions[i].size;
		if (end <= SZ_4G)
			continue;
		if (start < SZ_4G)
			start = SZ_4G;
		start &= ~(SZ_2M - 1);
		end = (end + SZ_2M - 1) & ~(SZ_2M - 1);
		map_range(pml4, DIRECT_MAP_BASE + start, start, end - start, data_flags | nx_bit,
			  use_1g);
		if (end > top)
			top = end;
	}

	/* The image: its 1 GiB window at -2 GiB, 2 MiB pages, executable. */
	map_range(pml4, KERNEL_VMA, 0, SZ_1G, PTE_P | PTE_W | PTE_G, false);

	write_cr3(virt_to_phys(pml4));
	dm_size = top;
	dm_page = use_1g ? SZ_1G : SZ_2M;
	printk("paging: direct map of %llu MiB at 0x%lx with %s pages%s\n",
	       (unsigned long long)(top >> 20), DIRECT_MAP_BASE, use_1g ? "1 GiB" : "2 MiB",
	       nx_bit ? ", NX" : "");
}

uint64_t arch_direct_map_size(void)
{
	return dm_size;
}
uint64_t arch_direct_map_page_size(void)
{
	return dm_page;
}
