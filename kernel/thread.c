/*
 * kernel/thread.c - creating, ending and freeing kernel threads. A thread
 * is two allocations: its struct thread from the "thread" slab cache, and
 * a 2^THREAD_STACK_ORDER page block for the stack, whose lowest word holds
 * THREAD_GUARD (overwritten: the stack overflowed).
 */
#include "thread.h"
#include "panic.h"
#include "sched.h"
#include "string.h"
#include "arch/x86_64/irq.h"
#include "mm/gfp.h"
#include "mm/page.h"
#include "mm/config.h"
#include "mm/slab.h"

void thread_trampoline(void);
void thread_start(struct thread *t) __attribute__((noreturn));

static int next_tid;
static unsigned long nr_threads;

static void thread_init_common(struct thread *t, const char *name, unsigned int flags)
{
	memset(t, 0, sizeof(*t));
	t->canary = THREAD_CANARY;
	t->tid = __atomic_fetch_add(&next_tid, 1, __ATOMIC_RELAXED);
	size_t n = strlen(name);
	if (n >= THREAD_NAME_LEN)
		n = THREAD_NAME_LEN - 1;
	memcpy(t->name, name, n);
	t->state = THREAD_RUNNING;
	t->flags = flags;
	t->cpu = SCHED_ANY_CPU;
	INIT_LIST_HEAD(&t->run_node);
	init_waitqueue_head(&t->exit_wq);
	__atomic_fetch_add(&nr_threads, 1, __ATOMIC_RELAXED);
}

/* The boot stack (boot/entry.asm); keep in sync with BOOT_STACK_SIZE in
 * boot/boot.inc. */
extern char boot_stack_top[];
#define BOOT_STACK_SIZE 16384

void thread_init_boot(struct thread *t, const char *name)
{
	thread_init_common(t, name, 0);
	t->stack_hi = (uintptr_t)boot_stack_top;
	t->stack_lo = t->stack_hi - BOOT_STACK_SIZE;
	*(uint64_t *)t->stack_lo = THREAD_GUARD;
}

void thread_check(const struct thread *t)
{
	uint64_t guard = *(const uint64_t *)t->stack_lo;

	if (t->canary != THREAD_CANARY || guard != THREAD_GUARD)
		panic("sched: thread %d (%.16s) at %p corrupted: canary 0x%x guard 0x%llx%s",
		      t->tid, t->name, (const void *)t, t->canary, (unsigned long long)guard,
		      guard != THREAD_GUARD ? " (stack overflow)" : "");
}

void thread_check_sp(const struct thread *t, uintptr_t sp)
{
	if (sp <= t->stack_lo + sizeof(uint64_t) || sp > t->stack_hi)
		panic("sched: thread %d (%.16s) RSP 0x%lx outside its stack [0x%lx-0x%lx]", t->tid,
		      t->name, (unsigned long)sp, (unsigned long)t->stack_lo,
		      (unsigned long)t->stack_hi);
}

#if MM_CONFIG_SLAB
static struct kmem_cache *thread_cache;

/* The first call (sched_init's idle thread, on the boot CPU) makes the cache. */
static struct thread *thread_struct_alloc(void)
{
	if (!thread_cache)
		thread_cache = kmem_cache_create("thread", sizeof(struct thread), 0,
						 SLAB_HWCACHE_ALIGN | SLAB_PANIC, NULL);
	return kmem_cache_alloc(thread_cache, GFP_KERNEL);
}

static void thread_struct_free(struct thread *t)
{
	kmem_cache_free(thread_cache, t);
}
#else
/* Without mm/'s slab layer a thread's struct takes whole pages. */
#define THREAD_STRUCT_ORDER get_order(sizeof(struct thread))

static struct thread *thread_struct_alloc(void)
{
	return (struct thread *)__get_free_pages(GFP_KERNEL, THREAD_STRUCT_ORDER);
}

static void thread_struct_free(struct thread *t)
{
	free_pages((unsigned long)t, THREAD_STRUCT_ORDER);
}
#endif

/* A thread that is not queued anywhere yet; its first switch_stack RET
 * goes to thread_trampoline with R12 = t, RBP = 0 (see switch.asm). */
struct thread *thread_alloc(const char *name, int (*fn)(void *), void *arg, unsigned int flags)
{
	struct thread *t = thread_struct_alloc();
	struct page *page = t ? alloc_pages(GFP_KERNEL, THREAD_STACK_ORDER) : NULL;

	if (!page) {
		if (t)
			thread_struct_free(t);
		return NULL;
	}
	uint8_t *base = page_address(page);
	thread_init_common(t, name, flags);
	t->stack_page = page;
	t->stack_lo = (uintptr_t)base;
	t->stack_hi = (uintptr_t)(base + THREAD_STACK_SIZE);
	*(uint64_t *)t->stack_lo = THREAD_GUARD;
	t->fn = fn;
	t->arg = arg;

	uint64_t *sp = (uint64_t *)(base + THREAD_STACK_SIZE);
	*--sp = (uint64_t)(uintptr_t)thread_trampoline;
	*--sp = 0;			/* rbp */
	*--sp = 0;			/* rbx */
	*--sp = (uint64_t)(uintptr_t)t; /* r12 */
	*--sp = 0;			/* r13 */
	*--sp = 0;			/* r14 */
	*--sp = 0;			/* r15 */
	t->rsp = (uint64_t)(uintptr_t)sp;
	return t;
}

struct thread *thread_create_on(const char *name, int (*fn)(void *), void *arg, unsigned int flags,
				unsigned int cpu)
{
	if (flags & ~THREAD_JOINABLE)
		panic("thread_create(%s): unknown flags 0x%x", name, flags);
	struct thread *t = thread_alloc(name, fn, arg, flags);
	if (t) {
		t->cpu = cpu;
		sched_enqueue_new(t);
	}
	return t;
}

struct thread *thread_create(const char *name, int (*fn)(void *), void *arg, unsigned int flags)
{
	return thread_create_on(name, fn, arg, flags, SCHED_ANY_CPU);
}

void thread_start(struct thread *t)
{
	/* We arrived here from the middle of __schedule, which holds the run
	 * queue lock and has interrupts off: finish its job. */
	sched_finish_switch();
	local_irq_enable();
	thread_exit(t->fn(t->arg));
}

void thread_exit(int code)
{
	/* Off before DEAD, so the tick cannot preempt a half-dead thread. */
	local_irq_disable();
	struct thread *t = current_thread();
	if (!t->stack_page)
		panic("sched: thread %s (the boot context) cannot exit", t->name);
	t->exit_code = code;
	set_current_state(THREAD_DEAD);
	schedule();
	panic("sched: dead thread %s ran again", t->name);
}

static void thread_free(struct thread *t)
{
	struct page *page = t->stack_page;

	t->canary = 0; /* a stale pointer now fails thread_check (until reused) */
	__atomic_fetch_sub(&nr_threads, 1, __ATOMIC_RELAXED);
	__free_pages(page, THREAD_STACK_ORDER);
	thread_struct_free(t);
}

void thread_reap(struct thread *t)
{
	if (!(t->flags & THREAD_JOINABLE)) {
		thread_free(t);
		return;
	}
	__atomic_store_n(&t->reaped, true, __ATOMIC_RELEASE);
	wake_up_all(&t->exit_wq);
}

int thread_join(struct thread *t)
{
	thread_check(t);
	if (!(t->flags & THREAD_JOINABLE))
		panic("thread_join(%s): thread is not joinable", t->name);
	if (t == current_thread())
		panic("thread_join(%s): a thread cannot join itself", t->name);
	wait_event(t->exit_wq, __atomic_load_n(&t->reaped, __ATOMIC_ACQUIRE));
	/* The reaper may still be inside wake_up_all(): pass through the
	 * lock once so it is done with t->exit_wq before t is freed. */
	unsigned long flags = mm_spin_lock_irqsave(&t->exit_wq.lock);
	mm_spin_unlock_irqrestore(&t->exit_wq.lock, flags);
	int code = t->exit_code;
	thread_free(t);
	return code;
}

unsigned long thread_count(void)
{
	return __atomic_load_n(&nr_threads, __ATOMIC_RELAXED);
}
