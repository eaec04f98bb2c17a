/*
 * arch/x86_64/mm_host.c - the kernel's implementation of mm/host.h
 * (mm_time_ns is in time.c): printing and panics go to kernel/, pfns to
 * the direct map, interrupt state to RFLAGS.IF, threads and wait points
 * to kernel/thread.h and wait.h. One CPU for now.
 */
#include "mm/host.h"
#include "mm/config.h"
#include "mm/slab.h"
#include "cpu.h"
#include "layout.h"
#include "smp.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "kernel/timer.h"
#include "kernel/wait.h"

_Static_assert(MM_PF_MEMALLOC == PF_MEMALLOC, "mm/ and kernel/ share the PF_MEMALLOC bit");

int mm_printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

int mm_vprintk(const char *fmt, va_list ap)
{
	return vprintk(fmt, ap);
}

void mm_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vpanic(fmt, ap);
}

void *mm_pfn_to_virt(unsigned long pfn)
{
	return phys_to_virt((uint64_t)pfn << MM_PAGE_SHIFT);
}


/* mm_irq_save, mm_irq_restore and mm_cpu_id are inline
 * (mm_host_inline.h); its hard-coded offset of the CPU id must match. */
_Static_assert(offsetof(struct cpu, id) == MM_HOST_CPU_ID_OFFSET,
	       "mm_host_inline.h reads struct cpu's id at %gs:MM_HOST_CPU_ID_OFFSET");
/* mm_nr_cpus counts the CPUs the MADT listed, known before mm_init, so
 * per-CPU sizing is fixed from the start even though the APs come up
 * later. */
unsigned int mm_nr_cpus(void)
{
	return smp_nr_possible();
}
void mm_on_each_cpu(void (*fn)(void *), void *arg)
{
	on_each_cpu(fn, arg, true);
}
void mm_cpu_relax(void)
{
	cpu_relax();
}

int mm_kthread_run(int (*fn)(void *), void *arg, const char *name)
{
	if (!sched_is_running())
		return -1;
	return thread_create(name, fn, arg, 0) ? 0 : -1;
}

/* Wait points are small objects made once per kswapd/kcompactd and by
 * tests: kmalloc'ed, or a page each without the slab layer (they are never
 * freed; mm/ keeps them for good). */
struct mm_waitq {
	struct wait_queue_head head;
};

struct mm_waitq *mm_waitq_create(void)
{
#if MM_CONFIG_SLAB
	struct mm_waitq *wq = kmalloc(sizeof(*wq), GFP_KERNEL);
#else /* a page each: there are one or two per node */
	struct mm_waitq *wq = (struct mm_waitq *)__get_free_page(GFP_KERNEL);
#endif

	if (wq)
		init_waitqueue_head(&wq->head);
	return wq;
}

bool mm_wait_timeout(struct mm_waitq *wq, bool (*cond)(void *), void *arg, unsigned int ms)
{
	if (!sched_is_running())
		return cond(arg);
	if (!ms) {
		wait_event(wq->head, cond(arg));
		return true;
	}
	return wait_event_timeout(wq->head, cond(arg), msecs_to_jiffies(ms)) != 0;
}

void mm_wake_up(struct mm_waitq *wq)
{
	wake_up_all(&wq->head);
}

/* Interrupt handlers are no thread: each CPU gets a scratch word, reset on
 * every use, so nothing an interrupt sets leaks into a thread's flags. */
static unsigned int boot_flags, irq_scratch_flags[SCHED_MAX_CPUS];

unsigned int *mm_current_flags(void)
{
	struct cpu *c = this_cpu();

	if (c->irq_depth > 0) {
		irq_scratch_flags[c->id] = 0;
		return &irq_scratch_flags[c->id];
	}
	return c->curr ? &c->curr->pflags : &boot_flags;
}

const char *mm_current_name(void)
{
	struct cpu *c = this_cpu();

	if (c->irq_depth > 0)
		return "<irq>";
	return c->curr ? c->curr->name : "swapper";
}

void mm_cond_resched(void)
{
	struct cpu *c = this_cpu();

	if (sched_is_running() && c->need_resched && !c->irq_depth && !c->preempt_count)
		schedule();
}

/* ---- the vmarea range (arch/x86_64/vmap.c) ---- */

#include "vmap.h"

unsigned long mm_vmap_nr_slots(void)
{
	return vmap_nr_slots;
}
int mm_vmap_map(unsigned long slot, unsigned long pfn)
{
	return vmap_set(slot, pfn);
}
void mm_vmap_unmap(unsigned long slot)
{
	vmap_clear(slot);
}
unsigned long mm_vmap_pfn(unsigned long slot)
{
	return vmap_pfn(slot);
}

void *mm_vmap_addr(unsigned long slot)
{
	return slot < vmap_nr_slots ? (void *)vmap_slot_va(slot) : NULL;
}
