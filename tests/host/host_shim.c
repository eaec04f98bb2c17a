/*
 * tests/host/host_shim.c - implements mm/host.h on a POSIX host: printing to
 * stdout (or a capture buffer), panics that abort or longjmp to a test, and
 * a direct map onto an mmap'd arena, threads and wait points on pthreads.
 *
 * Built with -DHOST_SHIM_NO_CPUS it leaves out the CPU half (CPU id,
 * interrupt state, cross-CPU calls, threads, waiting at a wait point, the running
 * thread's flags): tests/host/smp/smp_host.c gives those for many CPUs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../../mm/host.h"
#include "../../mm/zone.h" /* MM_MAX_CPUS */
#include "host_shim.h"

static char *ram_base;
static uint64_t ram_size;
static int ram_fd = -1; /* the arena's file, when it is file-backed */
jmp_buf *host_panic_catcher;
char host_panic_msg[512];

static char *cap_buf;
static size_t cap_len, cap_cap;
static int capturing;

static void host_vmap_resize(uint64_t arena_bytes);

/* Memory the host could give without swapping: MemAvailable (page cache
 * counts as available), or the free pages where /proc/meminfo is absent. */
static uint64_t host_available_bytes(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kb = 0;
	char line[128];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	if (kb)
		return (uint64_t)kb << 10;
	return (uint64_t)sysconf(_SC_AVPHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
}

/*
 * An arena larger than half the host's available memory is backed by an
 * unlinked file in $TMPDIR (default /var/tmp) instead of anonymous memory:
 * a 40 GiB machine whose workload writes most of its pages can then run
 * on a smaller host, the host kernel writing pages out instead of running
 * out of memory. Returns MAP_FAILED when neither works.
 */
static void *host_arena_map(uint64_t bytes)
{
	uint64_t avail = host_available_bytes();
	const char *dir = getenv("TMPDIR");
	char path[512];
	void *p;
	int fd;

	if (bytes <= avail / 2)
		return mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	snprintf(path, sizeof(path), "%s/mm-arena-XXXXXX", dir && *dir ? dir : "/var/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		fprintf(stderr, "host_shim: cannot create %s for the arena\n", path);
		return MAP_FAILED;
	}
	unlink(path);
	if (ftruncate(fd, (off_t)bytes)) {
		fprintf(stderr, "host_shim: cannot size the arena file to %llu bytes\n",
			(unsigned long long)bytes);
		close(fd);
		return MAP_FAILED;
	}
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return p;
	}
	ram_fd = fd; /* kept for host_ram_unshare() */
	fprintf(stderr,
		"host_shim: %llu MiB arena backed by a file in %s (the host has %llu MiB available)\n",
		(unsigned long long)(bytes >> 20), dir && *dir ? dir : "/var/tmp",
		(unsigned long long)(avail >> 20));
	return p;
}

int host_ram_init(uint64_t phys_end)
{
	host_ram_release();
	phys_end = (phys_end + MM_PAGE_SIZE - 1) & ~(uint64_t)(MM_PAGE_SIZE - 1);
	if (!phys_end)
		phys_end = MM_PAGE_SIZE;
	void *p = host_arena_map(phys_end);
	if (p == MAP_FAILED)
		return -1;
	ram_base = p;
	ram_size = phys_end;
	host_vmap_resize(phys_end);
	return 0;
}

void host_ram_release(void)
{
	if (ram_base)
		munmap(ram_base, ram_size);
	if (ram_fd >= 0)
		close(ram_fd);
	ram_base = NULL;
	ram_size = 0;
	ram_fd = -1;
}

void host_ram_expect_dense(void)
{
	if (ram_base && ram_fd < 0)
		madvise(ram_base, ram_size, MADV_HUGEPAGE); /* a hint: failure is harmless */
}

int host_ram_unshare(void)
{
	/* The file holds the arena as it is now (the shared mapping's pages
	 * are the file's); a private mapping of it at the same address reads
	 * them and keeps this process's writes to itself. */
	if (ram_fd < 0)
		return 0;
	return mmap(ram_base, ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_NORESERVE,
		    ram_fd, 0) == MAP_FAILED ? -1 : 0;
}

void *mm_pfn_to_virt(unsigned long pfn)
{
	uint64_t off = (uint64_t)pfn << MM_PAGE_SHIFT;

	if (!ram_base || off >= ram_size) {
		fprintf(stderr, "host_shim: pfn 0x%lx outside the arena (0x%llx bytes)\n", pfn,
			(unsigned long long)ram_size);
		abort();
	}
	return ram_base + off;
}

unsigned long mm_virt_to_pfn(const void *addr)
{
	const char *a = addr;

	if (!ram_base || a < ram_base || a >= ram_base + ram_size) {
		fprintf(stderr, "host_shim: address %p outside the arena\n", addr);
		abort();
	}
	return (unsigned long)((uint64_t)(a - ram_base) >> MM_PAGE_SHIFT);
}

void host_capture_start(void)
{
	capturing = 1;
	cap_len = 0;
	if (cap_buf)
		cap_buf[0] = 0;
}

const char *host_capture_stop(void)
{
	capturing = 0;
	return cap_buf ? cap_buf : "";
}

int mm_vprintk(const char *fmt, va_list ap)
{
	if (!capturing)
		return vprintf(fmt, ap);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return n;
	if (cap_len + n + 1 > cap_cap) {
		size_t ncap = (cap_len + n + 1) * 2;
		char *nb = realloc(cap_buf, ncap);
		if (!nb)
			abort();
		cap_buf = nb;
		cap_cap = ncap;
	}
	vsnprintf(cap_buf + cap_len, n + 1, fmt, ap);
	cap_len += n;
	return n;
}

int mm_printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = mm_vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void mm_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(host_panic_msg, sizeof(host_panic_msg), fmt, ap);
	va_end(ap);
	if (host_panic_catcher)
		longjmp(*host_panic_catcher, 1);
	fflush(stdout);
	fprintf(stderr, "Kernel panic - not syncing: %s\n", host_panic_msg);
	abort();
}

uint64_t mm_time_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ---- wait points (the waiting itself is the CPU half's) ---- */

struct mm_waitq *mm_waitq_create(void)
{
	struct mm_waitq *wq = malloc(sizeof(*wq));

	if (!wq)
		return NULL;
	pthread_mutex_init(&wq->lock, NULL);
	pthread_cond_init(&wq->cond, NULL);
	return wq;
}

void mm_wake_up(struct mm_waitq *wq)
{
	pthread_mutex_lock(&wq->lock);
	pthread_cond_broadcast(&wq->cond);
	pthread_mutex_unlock(&wq->lock);
}

struct timespec host_deadline(unsigned int ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	return until;
}

#ifndef HOST_SHIM_NO_CPUS
/* One thread plays every CPU, one at a time: host_set_cpu() switches
 * which CPU's per-CPU lists it uses, and a cross-CPU call runs on each of
 * the host_set_nr_cpus() CPUs in turn. */
unsigned int host_cpu_current;
static unsigned int host_cpus = 1;

void host_set_nr_cpus(unsigned int n)
{
	host_cpus = n < 1 ? 1 : n > MM_MAX_CPUS ? MM_MAX_CPUS : n;
	host_cpu_current = 0;
}

void host_set_cpu(unsigned int cpu)
{
	host_cpu_current = cpu < host_cpus ? cpu : 0;
}

#ifndef MM_HOST_INLINE_H /* otherwise host_inline.h has them */
unsigned long mm_irq_save(void)
{
	return 0;
}
void mm_irq_restore(unsigned long flags)
{
	(void)flags;
}
unsigned int mm_cpu_id(void)
{
	return host_cpu_current;
}
#endif
unsigned int mm_nr_cpus(void)
{
	return host_cpus;
}
void mm_on_each_cpu(void (*fn)(void *), void *arg)
{
	unsigned int self = host_cpu_current;

	for (unsigned int cpu = 0; cpu < host_cpus; cpu++) {
		host_cpu_current = cpu;
		fn(arg);
	}
	host_cpu_current = self;
}
void mm_cpu_relax(void)
{
	__asm__ volatile("" ::: "memory");
}

/* ---- threads (kswapd as a pthread when a host program starts it) ---- */

struct kthread_start {
	int (*fn)(void *);
	void *arg;
	char name[16];
};

static __thread unsigned int cur_flags;
static __thread char cur_name[16] = "host";

static void *kthread_main(void *p)
{
	struct kthread_start st = *(struct kthread_start *)p;

	free(p);
	snprintf(cur_name, sizeof(cur_name), "%s", st.name);
	st.fn(st.arg);
	return NULL;
}

int mm_kthread_run(int (*fn)(void *), void *arg, const char *name)
{
	struct kthread_start *st = malloc(sizeof(*st));
	pthread_t t;

	if (!st)
		return -1;
	st->fn = fn;
	st->arg = arg;
	snprintf(st->name, sizeof(st->name), "%s", name);
	if (pthread_create(&t, NULL, kthread_main, st)) {
		free(st);
		return -1;
	}
	pthread_detach(t);
	return 0;
}

/* @cond is tested under wq->lock and mm_wake_up takes it: a waker that
 * made the condition true before waking cannot slip between test and sleep. */
bool mm_wait_timeout(struct mm_waitq *wq, bool (*cond)(void *), void *arg, unsigned int ms)
{
	struct timespec until = host_deadline(ms);
	bool ok;

	pthread_mutex_lock(&wq->lock);
	while (!(ok = cond(arg))) {
		if (!ms)
			pthread_cond_wait(&wq->cond, &wq->lock);
		else if (pthread_cond_timedwait(&wq->cond, &wq->lock, &until)) {
			ok = cond(arg);
			break;
		}
	}
	pthread_mutex_unlock(&wq->lock);
	return ok;
}

unsigned int *mm_current_flags(void)
{
	return &cur_flags;
}
const char *mm_current_name(void)
{
	return cur_name;
}
void mm_cond_resched(void)
{
	sched_yield();
}

#endif /* !HOST_SHIM_NO_CPUS */

/* ---- the vmarea slots, a table instead of page tables ---- */

/* Sized as the kernel sizes its range: twice the arena, at least 4 GiB of
 * slots. The table is mapped without reserve: only slots used cost memory. */
#define HOST_VMAP_MIN_SLOTS (1UL << 20)
static unsigned long host_vmap_slots = HOST_VMAP_MIN_SLOTS;
static unsigned long *host_vmap; /* pfn + 1 per slot, 0: unmapped */
static pthread_mutex_t host_vmap_lock = PTHREAD_MUTEX_INITIALIZER;

static void host_vmap_resize(uint64_t arena_bytes)
{
	unsigned long want = 2 * (unsigned long)(arena_bytes >> MM_PAGE_SHIFT);

	pthread_mutex_lock(&host_vmap_lock);
	if (host_vmap)
		munmap(host_vmap, host_vmap_slots * sizeof(*host_vmap));
	host_vmap = NULL;
	host_vmap_slots = want < HOST_VMAP_MIN_SLOTS ? HOST_VMAP_MIN_SLOTS : want;
	pthread_mutex_unlock(&host_vmap_lock);
}

unsigned long mm_vmap_nr_slots(void)
{
	return host_vmap_slots;
}

int mm_vmap_map(unsigned long slot, unsigned long pfn)
{
	if (slot >= host_vmap_slots)
		return -1;
	pthread_mutex_lock(&host_vmap_lock);
	if (!host_vmap) {
		void *t = mmap(NULL, host_vmap_slots * sizeof(*host_vmap), PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		host_vmap = t == MAP_FAILED ? NULL : t;
	}
	pthread_mutex_unlock(&host_vmap_lock);
	if (!host_vmap)
		return -1;
	__atomic_store_n(&host_vmap[slot], pfn + 1, __ATOMIC_RELEASE);
	return 0;
}

void mm_vmap_unmap(unsigned long slot)
{
	if (slot < host_vmap_slots && host_vmap)
		__atomic_store_n(&host_vmap[slot], 0, __ATOMIC_RELEASE);
}

unsigned long mm_vmap_pfn(unsigned long slot)
{
	unsigned long v = slot < host_vmap_slots && host_vmap
				  ? __atomic_load_n(&host_vmap[slot], __ATOMIC_ACQUIRE)
				  : 0;

	return v - 1; /* unmapped: (unsigned long)-1 */
}

void *mm_vmap_addr(unsigned long slot)
{
	unsigned long pfn = mm_vmap_pfn(slot);

	return pfn == (unsigned long)-1 ? NULL : mm_pfn_to_virt(pfn);
}
