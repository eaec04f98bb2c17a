/*
 * tests/kernel/test_smp.c - self-tests of SMP (suite "smp"): every CPU the
 * firmware lists came up, IPIs and cross-CPU calls reach each CPU once,
 * threads run where they were placed and are woken there, a spinlock
 * keeps a counter exact across CPUs, every CPU allocating and freeing at
 * once loses nothing and shares nothing, drain_all_pages empties every
 * CPU's lists. Also the ACPI parser on tables built here.
 *
 * Suite "stress" (opt-in: test=stress duration=SECONDS) runs the
 * concurrent allocation load for that long, pausing every second to
 * check the allocator's invariants. Suite "bench" gains the SMP
 * throughput figures (order-0 pairs on 1, 2, 4 CPUs, per-CPU lists on
 * and off) that BENCHMARKS.md records.
 */
#include <stdint.h>

#include "kernel/ktest.h"
#include "kernel/main.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/wait.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/smp.h"
#include "mm/debug.h"
#include "mm/gfp.h"
#include "mm/page.h"
#include "mm/pcp.h"
#include "mm/spinlock.h"
#include "mm/zone.h"

static uint64_t ms_to_tsc(uint64_t ms)
{
	return ms * (arch_tsc_hz() / 1000);
}

static bool require_sched(void)
{
	if (!sched_is_running()) {
		ktest_skip("scheduler not started");
		return false;
	}
	return true;
}

static unsigned int nr_online(void)
{
	return sched_nr_online();
}

static bool online(unsigned int id)
{
	return id < SCHED_MAX_CPUS && __atomic_load_n(&cpus[id].online, __ATOMIC_ACQUIRE);
}

/* QEMU's fw_cfg (ports 0x510/0x511) says how many CPUs it was started
 * with (-smp): a count that does not come from the MADT we parse. 0 when
 * there is no fw_cfg. */
static unsigned int fw_cfg_nb_cpus(void)
{
	char sig[4];

	outw(0x510, 0x0000); /* FW_CFG_SIGNATURE */
	for (int i = 0; i < 4; i++)
		sig[i] = (char)inb(0x511);
	if (memcmp(sig, "QEMU", 4))
		return 0;
	outw(0x510, 0x0005); /* FW_CFG_NB_CPUS, 16-bit little-endian */
	unsigned int lo = inb(0x511), hi = inb(0x511);
	return lo | hi << 8;
}

static uint32_t seen_apic[SCHED_MAX_CPUS];
static unsigned int seen_count[SCHED_MAX_CPUS];

static void record_apic(void *unused)
{
	unsigned int me = this_cpu()->id;

	(void)unused;
	seen_apic[me] = lapic_id();
	__atomic_fetch_add(&seen_count[me], 1, __ATOMIC_RELAXED);
}

KTEST(smp, all_cpus_came_up)
{
	if (!require_sched())
		return;
	unsigned int n = nr_online(), qemu = fw_cfg_nb_cpus();
	const struct acpi_madt_info *madt = smp_madt();

	ktest_diag("%u CPUs online, %u possible, MADT %u enabled, QEMU -smp %u", n,
		   smp_nr_possible(), madt ? madt->nr_cpus : 0, qemu);
	KT_EXPECT_EQ(n, smp_nr_possible());
	if (madt)
		KT_EXPECT_EQ(n, madt->nr_cpus < SCHED_MAX_CPUS ? madt->nr_cpus : SCHED_MAX_CPUS);
	if (qemu)
		KT_EXPECT_EQ(n, qemu < SCHED_MAX_CPUS ? qemu : SCHED_MAX_CPUS);
	/* Each CPU reports its own LAPIC id, matching the MADT's, all distinct. */
	memset(seen_apic, 0xff, sizeof(seen_apic));
	memset(seen_count, 0, sizeof(seen_count));
	on_each_cpu(record_apic, NULL, true);
	for (unsigned int i = 0; i < n; i++) {
		KT_EXPECT_EQ(seen_count[i], 1);
		KT_EXPECT_EQ(seen_apic[i], cpus[i].apic_id);
		for (unsigned int j = 0; j < i; j++)
			KT_EXPECT(seen_apic[i] != seen_apic[j]);
	}
}

KTEST(smp, call_function_reaches_every_other_cpu_once)
{
	if (!require_sched())
		return;
	unsigned int me = this_cpu()->id, n = nr_online();

	memset(seen_count, 0, sizeof(seen_count));
	smp_call_function(record_apic, NULL, true);
	for (unsigned int i = 0; i < n; i++)
		KT_EXPECT_EQ(seen_count[i], i == me ? 0u : 1u);
	/* The TLB shootdown is such a call too. */
	uint64_t served[SCHED_MAX_CPUS];
	for (unsigned int i = 0; i < n; i++)
		served[i] = smp_calls_served(i);
	smp_flush_tlb_page((uintptr_t)&served);
	for (unsigned int i = 0; i < n; i++)
		KT_EXPECT_EQ(smp_calls_served(i) - served[i], i == me ? 0u : 1u);
}

/* ---- threads on every CPU ---------------------------------------------- */

static struct {
	unsigned int start_cpu[2 * SCHED_MAX_CPUS];
	unsigned int end_cpu[2 * SCHED_MAX_CPUS];
} where;

static int where_fn(void *arg)
{
	unsigned int i = (unsigned int)(uintptr_t)arg;

	where.start_cpu[i] = this_cpu()->id;
	msleep(3); /* woken by CPU 0's timer, wherever we run */
	sched_yield();
	where.end_cpu[i] = this_cpu()->id;
	return 0;
}

KTEST(smp, threads_run_on_the_cpu_they_were_placed_on)
{
	if (!require_sched())
		return;
	unsigned int n = nr_online();
	struct thread *t[SCHED_MAX_CPUS];

	for (unsigned int i = 0; i < n; i++) {
		where.start_cpu[i] = where.end_cpu[i] = ~0u;
		t[i] = thread_create_on("where", where_fn, (void *)(uintptr_t)i, THREAD_JOINABLE,
					i);
		KT_ASSERT(t[i]);
	}
	for (unsigned int i = 0; i < n; i++) {
		KT_EXPECT_EQ(thread_join(t[i]), 0);
		KT_EXPECT_EQ(where.start_cpu[i], i);
		KT_EXPECT_EQ(where.end_cpu[i], i);
	}
}

KTEST(smp, new_threads_spread_round_robin)
{
	if (!require_sched())
		return;
	unsigned int n = nr_online(), per[SCHED_MAX_CPUS] = { 0 };
	struct thread *t[2 * SCHED_MAX_CPUS];

	for (unsigned int i = 0; i < 2 * n; i++) {
		t[i] = thread_create("spread", where_fn, (void *)(uintptr_t)i, THREAD_JOINABLE);
		KT_ASSERT(t[i]);
	}
	for (unsigned int i = 0; i < 2 * n; i++) {
		KT_EXPECT_EQ(thread_join(t[i]), 0);
		KT_EXPECT_EQ(where.start_cpu[i], where.end_cpu[i]); /* never migrated */
		if (where.start_cpu[i] < n)
			per[where.start_cpu[i]]++;
	}
	/* Consecutive creations take consecutive CPUs: 2n threads, 2 each. */
	for (unsigned int i = 0; i < n; i++)
		KT_EXPECT_EQ(per[i], 2u);
}

static struct {
	struct wait_queue_head wq, done_wq;
	int go, done;
	unsigned int cpu;
} remote;

static int remote_sleeper_fn(void *unused)
{
	(void)unused;
	wait_event(remote.wq, __atomic_load_n(&remote.go, __ATOMIC_ACQUIRE));
	remote.cpu = this_cpu()->id;
	__atomic_store_n(&remote.done, 1, __ATOMIC_RELEASE);
	wake_up(&remote.done_wq);
	return 0;
}

KTEST(smp, remote_wakeup_reaches_a_sleeping_thread)
{
	if (!require_sched())
		return;
	unsigned int target = nr_online() - 1;
	struct cpu *c = &cpus[target];

	init_waitqueue_head(&remote.wq);
	init_waitqueue_head(&remote.done_wq);
	remote.go = remote.done = 0;
	remote.cpu = ~0u;
	struct thread *t = thread_create_on("rsleep", remote_sleeper_fn, NULL, THREAD_JOINABLE,
					    target);
	KT_ASSERT(t);
	/* Let it reach its sleep (on an idle CPU that is quick). */
	uint64_t end = rdtsc() + ms_to_tsc(2000);
	while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_SLEEPING && rdtsc() < end)
		msleep(1);
	KT_EXPECT_EQ(t->state, THREAD_SLEEPING);
	uint64_t remote0 = c->nr_wakeups_remote;
	__atomic_store_n(&remote.go, 1, __ATOMIC_RELEASE);
	wake_up(&remote.wq);
	KT_EXPECT(wait_event_timeout(remote.done_wq,
				     __atomic_load_n(&remote.done, __ATOMIC_ACQUIRE),
				     msecs_to_jiffies(2000)) != 0);
	KT_EXPECT_EQ(thread_join(t), 0);
	KT_EXPECT_EQ(remote.cpu, target);
	if (target != this_cpu()->id)
		KT_EXPECT(c->nr_wakeups_remote > remote0);
}

/* ---- a lock across CPUs ------------------------------------------------- */

#define LOCK_ROUNDS 3000
static struct {
	mm_spinlock_t lock;
	unsigned long counter;	     /* under lock */
	volatile unsigned long racy; /* control: no lock */
	int go;
} lk;

static int lock_worker_fn(void *unused)
{
	(void)unused;
	while (!__atomic_load_n(&lk.go, __ATOMIC_ACQUIRE))
		cpu_relax();
	for (int i = 0; i < LOCK_ROUNDS; i++) {
		unsigned long flags = mm_spin_lock_irqsave(&lk.lock);
		unsigned long v = lk.counter;
		cpu_relax(); /* widen the window a lost update would need */
		lk.counter = v + 1;
		mm_spin_unlock_irqrestore(&lk.lock, flags);
		unsigned long r = lk.racy;
		cpu_relax();
		lk.racy = r + 1;
	}
	return 0;
}

KTEST(smp, spinlock_counter_exact_across_cpus)
{
	if (!require_sched())
		return;
	unsigned int n = nr_online();
	struct thread *t[SCHED_MAX_CPUS];

	mm_spin_lock_init(&lk.lock);
	lk.counter = 0;
	lk.racy = 0;
	lk.go = 0;
	for (unsigned int i = 0; i < n; i++) {
		t[i] = thread_create_on("locker", lock_worker_fn, NULL, THREAD_JOINABLE, i);
		KT_ASSERT(t[i]);
	}
	__atomic_store_n(&lk.go, 1, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < n; i++)
		KT_EXPECT_EQ(thread_join(t[i]), 0);
	KT_EXPECT_EQ(lk.counter, (unsigned long)n * LOCK_ROUNDS);
	KT_EXPECT(!mm_spin_is_locked(&lk.lock));
	KT_EXPECT(mm_spin_trylock(&lk.lock));
	KT_EXPECT(!mm_spin_trylock(&lk.lock));
	mm_spin_unlock(&lk.lock);
	ktest_diag("%u CPUs x %u: locked counter %lu, unlocked control %lu (lost %lu)", n,
		   LOCK_ROUNDS, lk.counter, lk.racy, (unsigned long)n * LOCK_ROUNDS - lk.racy);
}

KTEST(smp, lock_order_tracks_ranked_locks_per_cpu)
{
#ifdef MM_LOCKDEP
	static mm_spinlock_t zone_like = MM_SPINLOCK_INIT_RANKED(MM_LOCK_RANK_ZONE);
	static mm_spinlock_t rq_like = MM_SPINLOCK_INIT_RANKED(MM_LOCK_RANK_RQ);
	static mm_spinlock_t plain = MM_SPINLOCK_INIT;
	unsigned long flags = mm_irq_save();
	struct mm_held_locks *h = &mm_held_locks[mm_cpu_id()];
	unsigned int d0 = h->depth;

	/* In order: both recorded, innermost last; unranked ignored. */
	mm_spin_lock(&zone_like);
	mm_spin_lock(&plain);
	mm_spin_lock(&rq_like);
	unsigned int d = h->depth, top = h->rank[d - 1], below = h->rank[d - 2];
	mm_spin_unlock(&rq_like);
	mm_spin_unlock(&plain);
	/* Out-of-order release is fine. */
	KT_EXPECT(mm_spin_trylock(&rq_like));
	mm_spin_unlock(&zone_like);
	unsigned int d_mixed = h->depth, left = h->rank[d_mixed - 1];
	mm_spin_unlock(&rq_like);
	unsigned int d_end = h->depth;
	mm_irq_restore(flags);
	KT_EXPECT_EQ(d, d0 + 2);
	KT_EXPECT_EQ(top, MM_LOCK_RANK_RQ);
	KT_EXPECT_EQ(below, MM_LOCK_RANK_ZONE);
	KT_EXPECT_EQ(d_mixed, d0 + 1);
	KT_EXPECT_EQ(left, MM_LOCK_RANK_RQ);
	KT_EXPECT_EQ(d_end, d0);
	/* The inversion itself panics: the crash-lockorder boot checks it. */
#else
	ktest_skip("lock order checking is off in this build");
#endif
}

/* ---- every CPU allocating at once ------------------------------------- */

#define HOLD_MAX 64
#define STAMP_MAGIC 0x5350ULL /* "SP" */

struct load_worker {
	unsigned int cpu;
	bool pairs;	   /* bench: order-0 alloc+free pairs only */
	uint64_t deadline; /* TSC */
	/* Results. */
	unsigned long ops, alloc_fail, bad_stamps, moved;
	uint64_t tsc_start, tsc_end;
};

static struct {
	int go;
	int stop;   /* stress: workers finish (instead of a deadline) */
	int pause;  /* stress: workers park so invariants can be read */
	int paused; /* workers parked */
} load;

static uint64_t stamp(unsigned int cpu, uint64_t seq, unsigned int i)
{
	return STAMP_MAGIC << 48 | (uint64_t)cpu << 40 | ((seq << 4 | i) & 0xffffffffffULL);
}

/* Word 0 and the last word of every page of the block: a page handed to
 * two owners at once shows the other's stamp at the latest when freed. */
static void stamp_block(struct page *p, unsigned int order, unsigned int cpu, uint64_t seq)
{
	for (unsigned int i = 0; i < 1u << order; i++) {
		uint64_t *w = page_address(p + i);
		w[0] = w[511] = stamp(cpu, seq, i);
	}
}

static unsigned long check_block(struct page *p, unsigned int order, unsigned int cpu, uint64_t seq)
{
	unsigned long bad = 0;

	for (unsigned int i = 0; i < 1u << order; i++) {
		const uint64_t *w = page_address(p + i);
		uint64_t want = stamp(cpu, seq, i);
		if (w[0] != want || w[511] != want) {
			if (bad++ < 2)
				printk("# CPU %u: pfn 0x%lx of a block it holds reads 0x%llx/0x%llx, "
				       "wrote 0x%llx\n",
				       cpu, (unsigned long)page_to_pfn(p + i),
				       (unsigned long long)w[0], (unsigned long long)w[511],
				       (unsigned long long)want);
		}
	}
	return bad;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void wait_while_paused(void)
{
	if (!__atomic_load_n(&load.pause, __ATOMIC_ACQUIRE))
		return;
	__atomic_fetch_add(&load.paused, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&load.pause, __ATOMIC_ACQUIRE))
		msleep(1);
	__atomic_fetch_sub(&load.paused, 1, __ATOMIC_ACQ_REL);
}

static int load_worker_fn(void *arg)
{
	struct load_worker *w = arg;
	struct {
		struct page *p;
		unsigned int order;
		uint64_t seq;
	} held[HOLD_MAX];
	unsigned int n = 0, me = this_cpu()->id;
	uint64_t rng = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)me << 32 | 1), seq = 0;

	while (!__atomic_load_n(&load.go, __ATOMIC_ACQUIRE))
		cpu_relax();
	w->tsc_start = rdtsc();
	for (;;) {
		if ((w->ops & 63) == 0) {
			if (rdtsc() >= w->deadline || __atomic_load_n(&load.stop, __ATOMIC_ACQUIRE))
				break;
			wait_while_paused();
		}
		if (w->pairs) {
			struct page *p = alloc_pages(GFP_KERNEL, 0);
			if (!p) {
				w->alloc_fail++;
				continue;
			}
			__free_pages(p, 0);
			w->ops++;
			continue;
		}
		uint64_t r = xorshift(&rng);
		if (n < HOLD_MAX && (n == 0 || (r & 1))) {
			/* Mostly order 0 (the per-CPU list case), some 1..3. */
			unsigned int order = (r >> 8) % 8 < 5 ? 0 : 1 + (unsigned int)(r >> 16) % 3;
			struct page *p = alloc_pages(GFP_KERNEL, order);
			if (!p) {
				w->alloc_fail++;
				continue;
			}
			held[n].p = p;
			held[n].order = order;
			held[n].seq = ++seq;
			stamp_block(p, order, me, seq);
			n++;
		} else {
			unsigned int k = (unsigned int)(r >> 24) % n;
			w->bad_stamps += check_block(held[k].p, held[k].order, me, held[k].seq);
			__free_pages(held[k].p, held[k].order);
			held[k] = held[--n];
		}
		w->ops++;
	}
	while (n) {
		n--;
		w->bad_stamps += check_block(held[n].p, held[n].order, me, held[n].seq);
		__free_pages(held[n].p, held[n].order);
	}
	if (this_cpu()->id != me)
		w->moved++;
	w->tsc_end = rdtsc();
	return 0;
}

/* Start one worker on each of the first @ncpu online CPUs for @ms
 * milliseconds; they start together. Returns false if a thread could not
 * be created. */
static bool run_load(struct load_worker *w, unsigned int ncpu, bool pairs, uint64_t ms)
{
	struct thread *t[SCHED_MAX_CPUS];
	uint64_t deadline;

	__atomic_store_n(&load.go, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&load.stop, 0, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < ncpu; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].cpu = i;
		w[i].pairs = pairs;
		w[i].deadline = ~0ULL;
		t[i] = thread_create_on("load", load_worker_fn, &w[i], THREAD_JOINABLE, i);
		if (!t[i]) {
			for (unsigned int j = 0; j < i; j++)
				w[j].deadline = 0;
			__atomic_store_n(&load.go, 1, __ATOMIC_RELEASE);
			for (unsigned int j = 0; j < i; j++)
				thread_join(t[j]);
			return false;
		}
	}
	deadline = rdtsc() + ms_to_tsc(ms);
	for (unsigned int i = 0; i < ncpu; i++)
		w[i].deadline = deadline;
	__atomic_store_n(&load.go, 1, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < ncpu; i++)
		thread_join(t[i]);
	return true;
}

static struct load_worker workers[SCHED_MAX_CPUS];

KTEST(smp, concurrent_alloc_free_nothing_lost_nothing_shared)
{
	if (!require_sched())
		return;
	unsigned int n = nr_online();
	unsigned long ops = 0, bad = 0, fails = 0;

	drain_all_pages(NULL);
	unsigned long free0 = nr_free_pages();
	KT_ASSERT(run_load(workers, n, false, 1500));
	for (unsigned int i = 0; i < n; i++) {
		ops += workers[i].ops;
		bad += workers[i].bad_stamps;
		fails += workers[i].alloc_fail;
		KT_EXPECT(workers[i].ops > 0);
		KT_EXPECT_EQ(workers[i].moved, 0);
	}
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT_EQ(fails, 0);
	drain_all_pages(NULL);
	KT_EXPECT_EQ(nr_free_pages(), free0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	ktest_diag("%u CPUs, %lu operations in 1.5 s, %lu bad stamps, %lu failed allocations", n,
		   ops, bad, fails);
}

static void alloc_and_free_some(void *unused)
{
	struct page *p[8];

	(void)unused;
	/* In interrupt context (the call IPI): GFP_ATOMIC; freed pages stay
	 * on this CPU's lists. */
	for (int i = 0; i < 8; i++)
		p[i] = alloc_pages(GFP_ATOMIC, 0);
	for (int i = 0; i < 8; i++)
		if (p[i])
			__free_pages(p[i], 0);
}

static unsigned long pcp_total(unsigned int cpu)
{
	unsigned long sum = 0;
	struct zone *z;

	for_each_zone(z)
		sum += (unsigned long)__atomic_load_n(&z->pcp[cpu].count, __ATOMIC_RELAXED);
	return sum;
}

KTEST(smp, drain_all_pages_empties_every_cpu_list)
{
	if (!require_sched())
		return;
	unsigned int n = nr_online();

	if (!mm_pcp_enabled()) {
		ktest_skip("per-CPU lists are off (pcp=off)");
		return;
	}
	on_each_cpu(alloc_and_free_some, NULL, true);
	unsigned int filled = 0;
	for (unsigned int i = 0; i < n; i++)
		filled += pcp_total(i) > 0;
	KT_EXPECT_EQ(filled, n); /* each CPU kept its frees on its own lists */
	drain_all_pages(NULL);
	for (unsigned int i = 0; i < SCHED_MAX_CPUS; i++)
		if (online(i) || i < mm_nr_cpus())
			KT_EXPECT_EQ(pcp_total(i), 0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
}

/* ---- ACPI on tables built here ------------------------------------------ */

static void fix_checksum(uint8_t *p, uint32_t len, uint32_t at)
{
	uint8_t sum = 0;

	p[at] = 0;
	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	p[at] = (uint8_t)-sum;
}

/* In one page: RSDP at 0, RSDT at 64, MADT at 128 with three LAPICs (the
 * second disabled) and one I/O APIC. */
static void build_tables(uint8_t *pg, uint64_t phys)
{
	memset(pg, 0, 4096);
	uint8_t *rsdp = pg, *rsdt = pg + 64, *madt = pg + 128;
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "MMKTST", 6);
	uint32_t rsdt_phys = (uint32_t)(phys + 64), madt_phys = (uint32_t)(phys + 128);
	memcpy(rsdp + 16, &rsdt_phys, 4);
	fix_checksum(rsdp, 20, 8);

	uint32_t len = 36 + 4;
	memcpy(rsdt, "RSDT", 4);
	memcpy(rsdt + 4, &len, 4);
	memcpy(rsdt + 36, &madt_phys, 4);
	fix_checksum(rsdt, len, 9);

	uint8_t *e = madt + 44;
	static const uint8_t lapics[3][8] = { { 0, 8, 0, 0, 1, 0, 0, 0 },
					      { 0, 8, 1, 5, 0, 0, 0, 0 },
					      { 0, 8, 2, 7, 1, 0, 0, 0 } };
	for (int i = 0; i < 3; i++, e += 8)
		memcpy(e, lapics[i], 8);
	static const uint8_t ioapic[12] = { 1, 12, 9, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0 };
	memcpy(e, ioapic, 12);
	e += 12;
	len = (uint32_t)(e - madt);
	memcpy(madt, "APIC", 4);
	memcpy(madt + 4, &len, 4);
	uint32_t lapic_addr = 0xfee00000u;
	memcpy(madt + 36, &lapic_addr, 4);
	fix_checksum(madt, len, 9);
}

KTEST(smp, acpi_parses_built_tables_and_rejects_bad_checksums)
{
	struct page *pg = alloc_pages(GFP_KERNEL | __GFP_DMA32, 0);
	struct acpi_madt_info info;
	const char *err;

	KT_ASSERT(pg);
	uint8_t *v = page_address(pg);
	uint64_t phys = (uint64_t)page_to_pfn(pg) << 12;

	build_tables(v, phys);
	KT_EXPECT_EQ(acpi_parse(phys, &info, &err), 0);
	KT_EXPECT_EQ(info.nr_cpus, 2);
	KT_EXPECT_EQ(info.apic_ids[0], 0);
	KT_EXPECT_EQ(info.apic_ids[1], 7);
	KT_EXPECT_EQ(info.nr_disabled, 1);
	KT_EXPECT_EQ(info.nr_ioapics, 1);
	KT_EXPECT_EQ(info.ioapics[0].addr, 0xfec00000u);
	KT_EXPECT_EQ(info.lapic_phys, 0xfee00000u);

	v[128 + 44 + 16 + 3] ^= 1; /* third LAPIC's id: MADT checksum now wrong */
	KT_EXPECT_EQ(acpi_parse(phys, &info, &err), -1);
	if (err)
		ktest_diag("corrupted MADT: %s", err);
	build_tables(v, phys);
	v[0] = 'X';
	KT_EXPECT_EQ(acpi_parse(phys, &info, &err), -1);
	build_tables(v, phys);
	v[10] ^= 0x40; /* RSDP OEM id: its checksum fails */
	KT_EXPECT_EQ(acpi_parse(phys, &info, &err), -1);
	build_tables(v, phys);
	v[128 + 1 + 44] = 200; /* first entry's length runs past the MADT */
	fix_checksum(v + 128, 44 + 3 * 8 + 12, 9);
	KT_EXPECT_EQ(acpi_parse(phys, &info, &err), -1);
	if (err)
		ktest_diag("overlong MADT entry: %s", err);
	KT_EXPECT_EQ(acpi_parse(0, &info, &err), -1);
	__free_pages(pg, 0);
}

/* ---- stress (opt-in) ----------------------------------------------------- */

#define STRESS_DEFAULT_S 10

KTEST(stress, concurrent_alloc_free_for_duration)
{
	if (!require_sched())
		return;
	unsigned int n = nr_online(),
		     secs = kernel_opts.duration_s ? kernel_opts.duration_s : STRESS_DEFAULT_S;
	struct thread *t[SCHED_MAX_CPUS];
	uint64_t start = rdtsc(), end_all = start + ms_to_tsc(1000ULL * secs);
	unsigned long problems = 0, checks = 0;

	drain_all_pages(NULL);
	unsigned long free0 = nr_free_pages();
	ktest_diag("stress: %u CPUs allocating and freeing for %u s", n, secs);
	__atomic_store_n(&load.go, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&load.stop, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&load.pause, 0, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < n; i++) {
		memset(&workers[i], 0, sizeof(workers[i]));
		workers[i].deadline = ~0ULL; /* until load.stop */
		t[i] = thread_create_on("stress", load_worker_fn, &workers[i], THREAD_JOINABLE, i);
		KT_ASSERT(t[i]);
	}
	__atomic_store_n(&load.go, 1, __ATOMIC_RELEASE);
	/* A check a second (the check itself takes a while under TCG: it
	 * walks every struct page with the zone locks held). */
	while (rdtsc() + ms_to_tsc(1000) < end_all) {
		msleep(1000);
		/* Park the workers (holding their pages), empty the per-CPU
		 * lists, check, go on. */
		__atomic_store_n(&load.pause, 1, __ATOMIC_RELEASE);
		uint64_t end = rdtsc() + ms_to_tsc(2000);
		while (__atomic_load_n(&load.paused, __ATOMIC_ACQUIRE) < (int)n && rdtsc() < end)
			msleep(1);
		unsigned long ops = 0, bad = 0, fails = 0;
		for (unsigned int i = 0; i < n; i++) {
			ops += workers[i].ops;
			bad += workers[i].bad_stamps;
			fails += workers[i].alloc_fail;
		}
		bool all = __atomic_load_n(&load.paused, __ATOMIC_ACQUIRE) == (int)n;
		int inv = -1;
		if (all) {
			drain_all_pages(NULL);
			inv = mm_check_invariants();
		}
		__atomic_store_n(&load.pause, 0, __ATOMIC_RELEASE);
		checks++;
		ktest_diag("stress t=%llus: %lu ops, %lu bad stamps, %lu failed allocations, free %lu, "
			   "invariants %s (%d problems)",
			   (unsigned long long)((rdtsc() - start) / ms_to_tsc(1000)), ops, bad,
			   fails, nr_free_pages(),
			   all ? (inv ? "BROKEN" : "ok") : "not checked: workers did not pause",
			   inv);
		if (!all || inv || bad)
			problems++;
	}
	while (rdtsc() < end_all)
		msleep(10);
	__atomic_store_n(&load.stop, 1, __ATOMIC_RELEASE);
	unsigned long ops = 0, bad = 0;
	for (unsigned int i = 0; i < n; i++) {
		KT_EXPECT_EQ(thread_join(t[i]), 0);
		ops += workers[i].ops;
		bad += workers[i].bad_stamps;
	}
	drain_all_pages(NULL);
	KT_EXPECT_EQ(bad, 0);
	KT_EXPECT_EQ(problems, 0);
	KT_EXPECT_EQ(nr_free_pages(), free0);
	KT_EXPECT_EQ(mm_check_invariants(), 0);
	ktest_diag("stress: done, %lu operations on %u CPUs in %u s, %lu invariant checks", ops, n,
		   secs, checks);
}

/* ---- SMP throughput (suite bench, opt-in) ------------------------------- */

static void smp_throughput(bool pcp_on)
{
	unsigned int n = nr_online();
	bool tails = mm_debug_check_tails, poison = mm_debug_poison, was_on = mm_pcp_enabled();
	uint64_t base = 0;

	mm_debug_check_tails = false;
	mm_debug_poison = false;
	mm_pcp_set_enabled(pcp_on);
	drain_all_pages(NULL);
	unsigned long free0 = nr_free_pages();
	/* 1, 2, 4, ... CPUs, then all of them if n is not a power of 2. */
	for (unsigned int k = 1;; k = k * 2 <= n ? k * 2 : n) {
		KT_ASSERT(run_load(workers, k, true, 500));
		uint64_t total = 0, fails = 0;
		char per[160];
		size_t len = 0;
		per[0] = 0;
		for (unsigned int i = 0; i < k; i++) {
			uint64_t dt = workers[i].tsc_end - workers[i].tsc_start;
			uint64_t rate = dt ? workers[i].ops * arch_tsc_hz() / dt : 0;
			total += rate;
			fails += workers[i].alloc_fail;
			if (len < sizeof(per) - 24)
				len += (size_t)snprintf(per + len, sizeof(per) - len, "%s%llu",
							i ? " " : "", (unsigned long long)rate);
		}
		KT_EXPECT_EQ(fails, 0);
		if (k == 1)
			base = total;
		ktest_diag("bench smp pcp=%s cpus=%u: total %llu pairs/s (%llu.%02llux 1 CPU), per CPU: %s",
			   pcp_on ? "on" : "off", k, (unsigned long long)total,
			   (unsigned long long)(base ? total / base : 0),
			   (unsigned long long)(base ? total * 100 / base % 100 : 0), per);
		if (k == n)
			break;
	}
	drain_all_pages(NULL);
	KT_EXPECT_EQ(nr_free_pages(), free0);
	mm_pcp_set_enabled(was_on);
	mm_debug_check_tails = tails;
	mm_debug_poison = poison;
}

KTEST(bench, smp_order0_pairs_with_pcp)
{
	if (!require_sched())
		return;
	smp_throughput(true);
}

KTEST(bench, smp_order0_pairs_without_pcp)
{
	if (!require_sched())
		return;
	smp_throughput(false);
}
