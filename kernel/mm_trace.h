/*
 * kernel/mm_trace.h - trace=mm: a thread printing each zone's free pages,
 * watermarks and kswapd's state as CSV lines on the console.
 */
#ifndef KERNEL_MM_TRACE_H
#define KERNEL_MM_TRACE_H

#include <stdbool.h>

/* Start sampling every @period_ms (once; later calls do nothing). Returns
 * 0, or -1 if the thread could not be created. Context: thread, after
 * sched_init(). */
int mm_trace_start(unsigned int period_ms);

/* Stop (and, with mm_trace_start, resume) the CSV lines; is it on? */
void mm_trace_stop(void);
bool mm_trace_enabled(void);

#endif
