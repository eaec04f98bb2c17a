/*
 * kernel/mm_trace.h - trace=mm: a thread printing each zone's free pages,
 * watermarks and kswapd's state as CSV lines on the console.
 */
#ifndef KERNEL_MM_TRACE_H
#define KERNEL_MM_TRACE_H

/* Start sampling every @period_ms (once; later calls do nothing). Returns
 * 0, or -1 if the thread could not be created. Context: thread, after
 * sched_init(). */
int mm_trace_start(unsigned int period_ms);

#endif
