/*
 * tests/kernel/test_slab.c - the slab allocator in the kernel (suite
 * "slab"): kmalloc's classes, objects handed between CPUs and freed on
 * another one than allocated them, allocation from interrupt context,
 * shrinking, debug reports, and the books balancing afterwards. On SMP
 * boots every CPU takes part.
 */
#include "arch/x86_64/smp.h"
#include "kernel/ktest.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/thread.h"
#include "mm/gfp.h"
#include "mm/debug.h"
#include "mm/slab.h"

KTEST(slab, kmalloc_classes_sizes_and_alignment)
{
	static const size_t sizes[] = { 1, 8, 9, 64, 65, 96, 97, 192, 193, 4096, 8192, 8193 };
	static const size_t want[] = { 8, 8, 16, 64, 96, 96, 128, 192, 256, 4096, 8192, 16384 };

	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char *p = kmalloc(sizes[i], GFP_KERNEL);
		size_t align = want[i] & -want[i];

		KT_ASSERT(p != NULL);
		KT_EXPECT_EQ(ksize(p), want[i]);
		KT_EXPECT_EQ((uintptr_t)p % (align > 4096 ? 4096 : align), 0);
		memset(p, 0x77, sizes[i]);
		kfree(p);
	}
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

/* ---- objects allocated on one CPU, freed on the next ---- */

#define XCPU_OBJS 2000
#define XCPU_ROUNDS 6
static struct kmem_cache *xcpu_cache;
struct xcpu_slot {
	void *obj[XCPU_OBJS];
	unsigned int size[XCPU_OBJS];
	volatile int ready; /* round whose objects are in obj[] */
};
static struct xcpu_slot *xcpu; /* one per CPU, kcalloc'ed: 24 KiB each */
static unsigned int xcpu_n;
static unsigned long xcpu_bad[SCHED_MAX_CPUS], xcpu_fail[SCHED_MAX_CPUS];

static unsigned char stamp_byte(unsigned int cpu, unsigned int round, unsigned int i, size_t k)
{
	return (unsigned char)(cpu * 37 + round * 11 + i * 3 + k);
}

static int xcpu_done[SCHED_MAX_CPUS]; /* round whose slot objects were freed */

/* Each round: CPU c fills its slot with objects stamped (c, round), then
 * takes the objects of CPU c-1's slot, checks their stamps and frees them
 * on this CPU. So every object is freed by another CPU than its
 * allocator (with one CPU: by the same, a round later). */
static int xcpu_worker(void *arg)
{
	unsigned int me = (unsigned int)(uintptr_t)arg, prev = (me + xcpu_n - 1) % xcpu_n;

	for (int round = 1; round <= XCPU_ROUNDS; round++) {
		struct xcpu_slot *mine = &xcpu[me], *theirs = &xcpu[prev];

		while (__atomic_load_n(&xcpu_done[me], __ATOMIC_ACQUIRE) < round - 1)
			sched_yield();
		for (unsigned int i = 0; i < XCPU_OBJS; i++) {
			unsigned int size = i % 3 ? 24 + (i * 7) % 900 : 64;
			unsigned char *p = i % 3 ? kmalloc(size, GFP_KERNEL)
						 : kmem_cache_alloc(xcpu_cache, GFP_KERNEL);

			if (!p) {
				xcpu_fail[me]++;
				size = 0;
			}
			for (size_t k = 0; k < size; k++)
				p[k] = stamp_byte(me, (unsigned int)round, i, k);
			mine->obj[i] = p;
			mine->size[i] = size;
		}
		__atomic_store_n(&mine->ready, round, __ATOMIC_RELEASE);
		while (__atomic_load_n(&theirs->ready, __ATOMIC_ACQUIRE) < round)
			sched_yield();
		for (unsigned int i = 0; i < XCPU_OBJS; i++) {
			unsigned char *p = theirs->obj[i];

			for (size_t k = 0; k < theirs->size[i]; k++)
				xcpu_bad[me] += p[k] != stamp_byte(prev, (unsigned int)round, i, k);
			if (i % 3)
				kfree(p);
			else if (p)
				kmem_cache_free(xcpu_cache, p);
		}
		__atomic_store_n(&xcpu_done[prev], round, __ATOMIC_RELEASE);
	}
	return 0;
}

static bool require_sched(void)
{
	if (!sched_is_running()) {
		ktest_skip("scheduler not started");
		return false;
	}
	return true;
}

KTEST(slab, objects_freed_on_other_cpus_keep_contents_and_books)
{
	struct thread *t[SCHED_MAX_CPUS];
	unsigned long bad = 0, fail = 0;

	if (!require_sched())
		return;
	xcpu_n = sched_nr_online();
	xcpu_cache = kmem_cache_create("xcpu-64", 64, 0, 0, NULL);
	KT_ASSERT(xcpu_cache != NULL);
	xcpu = kcalloc(xcpu_n, sizeof(*xcpu), GFP_KERNEL);
	KT_ASSERT(xcpu != NULL);
	memset(xcpu_done, 0, sizeof(xcpu_done));
	memset(xcpu_bad, 0, sizeof(xcpu_bad));
	memset(xcpu_fail, 0, sizeof(xcpu_fail));
	unsigned long slab0 = mm_slab_unreclaimable_pages();

	for (unsigned int c = 0; c < xcpu_n; c++) {
		t[c] = thread_create_on("xcpu", xcpu_worker, (void *)(uintptr_t)c, THREAD_JOINABLE,
					c);
		KT_ASSERT(t[c] != NULL);
	}
	for (unsigned int c = 0; c < xcpu_n; c++) {
		thread_join(t[c]);
		bad += xcpu_bad[c];
		fail += xcpu_fail[c];
	}
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT_EQ(fail, 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	KT_EXPECT_EQ(kmem_cache_destroy(xcpu_cache), 0);
	kfree(xcpu);
	ktest_diag("%u CPUs, %u objects each way per round, %d rounds; slab pages %lu -> %lu",
		   xcpu_n, XCPU_OBJS, XCPU_ROUNDS, slab0, mm_slab_unreclaimable_pages());
	xcpu_cache = NULL;
}

/* ---- interrupt context ---- */

#define IRQ_OBJS 16
static void *irq_kept[SCHED_MAX_CPUS][IRQ_OBJS];

/* In the call IPI: GFP_ATOMIC allocations that must not sleep; half are
 * freed here, half kept for the test thread to free on its own CPU. */
static void irq_alloc_fn(void *unused)
{
	unsigned int me = this_cpu()->id;
	void *tmp[IRQ_OBJS];

	(void)unused;
	for (int i = 0; i < IRQ_OBJS; i++) {
		tmp[i] = kmalloc(32 + 50 * (size_t)i, GFP_ATOMIC);
		irq_kept[me][i] = kmalloc(100, GFP_ATOMIC);
		if (tmp[i])
			memset(tmp[i], i, 32 + 50 * (size_t)i);
	}
	for (int i = 0; i < IRQ_OBJS; i++)
		kfree(tmp[i]);
}

KTEST(slab, gfp_atomic_from_interrupts_on_every_cpu)
{
	unsigned int n;

	if (!require_sched())
		return;
	n = sched_nr_online();
	memset(irq_kept, 0, sizeof(irq_kept));
	on_each_cpu(irq_alloc_fn, NULL, true);
	for (unsigned int c = 0; c < n; c++)
		for (int i = 0; i < IRQ_OBJS; i++) {
			KT_EXPECT(irq_kept[c][i] != NULL);
			kfree(irq_kept[c][i]);
		}
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

/* ---- shrinking and destroying ---- */

KTEST(slab, shrink_returns_every_page_and_destroy_checks_leaks)
{
	struct kmem_cache *s = kmem_cache_create("ktest-shrink", 200, 0, SLAB_RECLAIM_ACCOUNT,
						 NULL);
	static void *v[3000];
	unsigned long rcl0 = mm_slab_reclaimable_pages();

	KT_ASSERT(s != NULL);
	for (int i = 0; i < 3000; i++)
		KT_ASSERT((v[i] = kmem_cache_alloc(s, GFP_KERNEL)) != NULL);
	KT_EXPECT(mm_slab_reclaimable_pages() >= rcl0 + 3000 / 20);
	for (int i = 1; i < 3000; i++)
		kmem_cache_free(s, v[i]);
	KT_EXPECT_EQ(kmem_cache_destroy(s), -16); /* v[0] is still out */
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_LEAK);
	KT_EXPECT(mm_slab_last_report.object == v[0]);
	kmem_cache_free(s, v[0]);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
	KT_EXPECT_EQ(mm_slab_reclaimable_pages(), rcl0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

KTEST(slab, debug_cache_reports_double_free_with_callers)
{
	struct kmem_cache *s = kmem_cache_create("ktest-debug", 48, 0, SLAB_DEBUG_FLAGS, NULL);
	unsigned long reports = mm_slab_last_report.count;

	KT_ASSERT(s != NULL);
	char *a = kmem_cache_alloc(s, GFP_KERNEL);
	KT_ASSERT(a != NULL);
	KT_EXPECT_EQ((unsigned char)a[0], 0x6b); /* poisoned while free */
	kmem_cache_free(s, a);
	kmem_cache_free(s, a);
	KT_EXPECT_EQ(mm_slab_last_report.count, reports + 1);
	KT_EXPECT_EQ(mm_slab_last_report.kind, SLAB_REPORT_DOUBLE_FREE);
	KT_EXPECT(mm_slab_last_report.alloc_caller != NULL && mm_slab_last_report.free_caller != NULL);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	KT_EXPECT_EQ(kmem_cache_destroy(s), 0);
}
