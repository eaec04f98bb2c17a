/*
 * kernel/mm_trace.c - trace=mm: a thread samples every zone's free count,
 * min/low/high and its node's kswapd state (mm/kswapd.c prints the lines,
 * zones named N<nid>:<zone> when there are several nodes) every few
 * milliseconds, timestamped from its own start. tools/plot-trace.sh turns
 * a log into a plot.
 */
#include "mm_trace.h"

#include "printk.h"
#include "thread.h"
#include "timer.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "mm/kswapd.h"

static unsigned int period;
static bool started;
static bool enabled; /* sampling on; the thread stays and idles when off */

static int mm_trace_thread(void *unused)
{
	uint64_t t0 = rdtsc(), hz = arch_tsc_hz() ? arch_tsc_hz() : 1;

	(void)unused;
	printk("trace,ms,zone,free,min,low,high,kswapd\n");
	for (;;) {
		if (__atomic_load_n(&enabled, __ATOMIC_ACQUIRE))
			mm_kswapd_trace_sample((rdtsc() - t0) * 1000 / hz);
		msleep(period);
	}
	return 0;
}

int mm_trace_start(unsigned int period_ms)
{
	__atomic_store_n(&enabled, true, __ATOMIC_RELEASE);
	if (started)
		return 0;
	period = period_ms ? period_ms : 10;
	started = thread_create("mmtrace", mm_trace_thread, NULL, 0) != NULL;
	return started ? 0 : -1;
}

void mm_trace_stop(void)
{
	__atomic_store_n(&enabled, false, __ATOMIC_RELEASE);
}

bool mm_trace_enabled(void)
{
	return __atomic_load_n(&enabled, __ATOMIC_ACQUIRE);
}
