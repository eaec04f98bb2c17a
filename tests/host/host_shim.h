/*
 * tests/host/host_shim.h - the host side of mm/host.h for host programs
 * (tests, mmsim, benchmarks): "physical memory" is an mmap'd arena.
 */
#ifndef TESTS_HOST_SHIM_H
#define TESTS_HOST_SHIM_H

#include <stdint.h>

/* Reserve (lazily, MAP_NORESERVE) an arena standing for physical addresses
 * [0, phys_end). Call again to replace it. Returns 0, or -1 on failure. */
int host_ram_init(uint64_t phys_end);
void host_ram_release(void);
/* After fork(): make this process's arena its own. An anonymous arena
 * already is (copy on write); a file-backed one (a large arena on a small
 * host) is shared with the parent until remapped privately here. Returns
 * 0, or -1 when the remapping failed. */
int host_ram_unshare(void);
/* The program will write most of the arena: let the host back it with huge
 * pages where it can (anonymous arenas only), trading memory for faults.
 * Programs that touch little of it should not ask. */
void host_ram_expect_dense(void);

/* When set, mm_panic() longjmps to the catcher instead of aborting, so a
 * test can assert that bad input panics with a given message. */
#include <setjmp.h>
extern jmp_buf *host_panic_catcher;
extern char host_panic_msg[512];

/* A wait point of mm/host.h: condition variable and its mutex. Both CPU
 * halves (host_shim.c's single CPU, smp/smp_host.c's many) wait on it. */
#include <pthread.h>
#include <time.h>
struct mm_waitq {
	pthread_mutex_t lock;
	pthread_cond_t cond;
};
/* CLOCK_REALTIME @ms milliseconds from now, for pthread_cond_timedwait. */
struct timespec host_deadline(unsigned int ms);

/* Capture mm_printk output into a buffer instead of stdout (NULL: stdout). */
void host_capture_start(void);
const char *host_capture_stop(void); /* returns the captured text */

/* The one host thread plays @n CPUs (1..MM_MAX_CPUS; set before mm_init,
 * which sizes the per-CPU lists by it), and runs as @cpu from now on:
 * allocations and frees use that CPU's per-CPU lists, and a cross-CPU call
 * (drain_all_pages) runs on every CPU in turn. */
void host_set_nr_cpus(unsigned int n);
void host_set_cpu(unsigned int cpu);

#endif
