/*
 * mm/host.h - the embedding interface: everything mm/ needs from its host.
 *
 * mm/ is compiled into the kernel (implemented by arch/x86_64 and kernel/)
 * and into host programs (tools/mmsim, tests/host, benchmarks; implemented by
 * tests/host/host_shim.c with an mmap'd arena). A kernel that embeds mm/
 * provides exactly these functions and nothing else.
 *
 * Seven have no default and every host writes them: mm_vprintk, mm_panic,
 * mm_pfn_to_virt, mm_virt_to_pfn, mm_irq_save, mm_irq_restore,
 * mm_time_ns. The others have defaults for a uniprocessor host without
 * threads in mm/host_up.c (optional, weak definitions: a host overrides
 * any of them by defining it). Which are called at all depends on the
 * layers built (mm/config.h): the thread functions only with reclaim or
 * compaction, the mm_vmap_* ones only with compaction.
 */
#ifndef MM_HOST_H
#define MM_HOST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define MM_PAGE_SHIFT 12
#define MM_PAGE_SIZE (1UL << MM_PAGE_SHIFT)

/* Printing. Formats: %d %i %u %x %X %o %c %s %p %%, length modifiers l, ll,
 * z, flags '-' and '0', a field width (also '*'), precision for %s.
 * Context: any; must not allocate memory. Returns characters written. */
int mm_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int mm_vprintk(const char *fmt, va_list ap);

/* Stop everything after printing the message. Never returns. */
void mm_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Direct map: the virtual address of physical frame @pfn's first byte, and
 * back. Valid for every pfn the host handed to mm/ as RAM. */
void *mm_pfn_to_virt(unsigned long pfn);

/*
 * Interrupt state: save and disable, then restore. Hosts without interrupts
 * return 0 and do nothing. Identity of the running CPU: 0 <= id <
 * mm_nr_cpus().
 *
 * These three sit on the order-0 fast path, where a call costs as much as
 * the work. A host may therefore give them as static inline functions in
 * a header of its own, named at compile time:
 *     -DMM_HOST_INLINE_H='"arch/x86_64/mm_host_inline.h"'
 * and then must not define them out of line. Without it they are calls.
 */
#ifdef MM_HOST_INLINE_H
#include MM_HOST_INLINE_H
#else
unsigned long mm_irq_save(void);
void mm_irq_restore(unsigned long flags);
unsigned int mm_cpu_id(void);
#endif
/* The pfn of the direct-map address @addr (the inverse of mm_pfn_to_virt),
 * on every kfree. The inline header may give it too, and then defines
 * MM_HOST_INLINE_VIRT_TO_PFN. */
#ifndef MM_HOST_INLINE_VIRT_TO_PFN
unsigned long mm_virt_to_pfn(const void *addr);
#endif
unsigned int mm_nr_cpus(void);

/* Run @fn(@arg) on every online CPU, on each with interrupts off (there
 * the CPU's own per-CPU data is safe to touch), and return when all have.
 * Context: thread or boot, no mm/ lock held. One CPU: a direct call. */
void mm_on_each_cpu(void (*fn)(void *), void *arg);

/* Monotonic time in nanoseconds (for statistics and back-off only). */
uint64_t mm_time_ns(void);

/* Relax while spinning (PAUSE on x86). */
void mm_cpu_relax(void);

/*
 * Threads, for kswapd and kcompactd (and only when the host starts them:
 * kswapd_run(), kcompactd_run()). A host without threads may fail
 * mm_kthread_run; mm/ then only records wake-up requests, and everything
 * else works. A host with threads overrides mm_kthread_run,
 * mm_waitq_create, mm_wait_timeout and mm_wake_up together.
 */

/* Start a thread running @fn(@arg), named @name (at most 15 characters
 * kept). Returns 0, or -1 when no thread could be started. Context:
 * thread; may allocate. */
int mm_kthread_run(int (*fn)(void *), void *arg, const char *name);

/* A wait point. mm_waitq_create returns NULL when the host has no room
 * left (the kernel kmallocs them). Context: thread, after
 * kmem_cache_init() when the host allocates them from mm/. */
struct mm_waitq;
struct mm_waitq *mm_waitq_create(void);

/* Sleep until @cond(@arg) is true or @ms milliseconds pass (@ms 0: no
 * limit). @cond is evaluated in the waiting thread before each sleep, so a
 * wake-up after the condition became true is never lost. Returns the last
 * value of @cond. Context: thread, no lock held. */
bool mm_wait_timeout(struct mm_waitq *wq, bool (*cond)(void *), void *arg, unsigned int ms);

/* Wake every thread sleeping in mm_wait_timeout on @wq. Context: any,
 * interrupt handlers and zone->lock held included; never sleeps. */
void mm_wake_up(struct mm_waitq *wq);

/* The running thread's flag word (Linux's current->flags; MM_PF_*).
 * In interrupt context a scratch word that reads 0. */
#define MM_PF_MEMALLOC 0x1u /* a reclaimer: may use the reserves, never recurses */
unsigned int *mm_current_flags(void);

/* The running thread's name, for reports ("<comm>: page allocation failure"). */
const char *mm_current_name(void);

/* Let another thread run if this one has used its share. Context: thread. */
void mm_cond_resched(void);

/* ---- compaction: the virtual area mm/vmarea.c maps (MM_CONFIG_COMPACTION) ---- */

/*
 * A fixed range of page-sized virtual slots in which the host maps single
 * frames with real page-table entries (the host tests keep a table). The
 * slot numbering is the host's; mm/vmarea.c hands slots out.
 *
 * mm_vmap_nr_slots: how many slots exist (0: no such range). The kernel
 *   and the host programs size the range at boot from RAM: twice mm_max_pfn,
 *   at least 2^20 slots (4 GiB); the kernel's at most 2^33 (32 TiB).
 * mm_vmap_map: make slot @slot translate to frame @pfn, replacing what was
 *   there and flushing the stale TLB entry. May allocate a page-table page
 *   without sleeping; returns 0, or -1 (slot out of range, no memory).
 * mm_vmap_unmap: no translation for @slot any more (flushed).
 * mm_vmap_addr: the address through which @slot is read and written (the
 *   kernel: its fixed virtual address; hosts: where the mapped frame lies,
 *   NULL when unmapped).
 * mm_vmap_pfn: the frame @slot translates to now, read back from the
 *   page table, or (unsigned long)-1 when unmapped.
 * Context: map and unmap never sleep but may wait for the other CPUs
 * (TLB shootdown): no spinlock held with interrupts off; callers serialise
 * updates of one slot. addr and pfn: any context.
 */
unsigned long mm_vmap_nr_slots(void);
int mm_vmap_map(unsigned long slot, unsigned long pfn);
void mm_vmap_unmap(unsigned long slot);
void *mm_vmap_addr(unsigned long slot);
unsigned long mm_vmap_pfn(unsigned long slot);

#endif /* MM_HOST_H */
