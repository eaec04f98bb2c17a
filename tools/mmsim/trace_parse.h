/*
 * tools/mmsim/trace_parse.h - reading Linux's page-allocator tracepoints
 * (kmem:mm_page_alloc, mm_page_free, mm_page_free_batched,
 * mm_page_alloc_extfrag) in ftrace's text format, as trace_pipe, trace and
 * `trace-cmd report` print them, into a compact array of events; Linux's
 * GFP flag names translated to mm/'s.
 *
 * Accepted: lines with or without the "task-pid [cpu] flags timestamp:"
 * prefix, an optional "kmem:" before the event name, hashed, raw or
 * "(____ptrval____)" pointers, pfn in hex (0x...) or decimal (old kernels),
 * blank lines, '#' comments and trace-cmd's header lines; lines of other
 * events are skipped and counted, "[LOST N EVENTS]" is counted.
 */
#ifndef TOOLS_MMSIM_TRACE_PARSE_H
#define TOOLS_MMSIM_TRACE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mm/gfp.h"

enum trace_ev_type {
	TRACE_EV_ALLOC,
	TRACE_EV_FREE,
	TRACE_EV_FREE_BATCHED,
	TRACE_EV_EXTFRAG,
	NR_TRACE_EV_TYPES
};

/* trace_event.flags */
#define TRACE_EV_FAILED 0x1u	 /* alloc: Linux returned no page (pfn 0) */
#define TRACE_EV_FRAGMENTING 0x2u /* extfrag: fallback_order < pageblock_order */
#define TRACE_EV_OWNERSHIP 0x4u	 /* extfrag: change_ownership=1 */

/* Distinct gfp_flags= texts a trace may hold (trace_event.gfp_id's bits). */
#define TRACE_MAX_GFPS (1u << 24)
/* trace_event.cpu for the prefix's [NNN] of this CPU and above. */
#define TRACE_CPU_MAX 255u

/* One event, 16 bytes: a trace of millions of events stays in memory. */
struct trace_event {
	uint64_t pfn;
	uint32_t gfp_id : 24; /* alloc: index into trace_parser.gfps */
	uint32_t cpu : 8;     /* the prefix's [NNN] (at most TRACE_CPU_MAX); 0 without one */
	uint8_t type;	      /* enum trace_ev_type */
	uint8_t order;	      /* alloc and frees: order; extfrag: alloc_order */
	uint8_t mt;	      /* alloc: migratetype; extfrag: fallback_migratetype */
	uint8_t flags;	      /* TRACE_EV_* */
};

/* Linux's flags that have no effect on where mm/ places a block (no bit
 * at all, a bit mm/ never reads, or content only): counted per allocation,
 * reported by name. */
enum trace_noeffect_flag {
	TRACE_NOEFF_ZERO,     /* content only: the replay does not zero */
	TRACE_NOEFF_ACCOUNT,  /* memcg charging */
	TRACE_NOEFF_HARDWALL, /* cpuset */
	TRACE_NOEFF_WRITE,    /* dirty-limit spreading */
	TRACE_NOEFF_ZEROTAGS,
	TRACE_NOEFF_SKIP_ZERO,
	TRACE_NOEFF_SKIP_KASAN,
	TRACE_NOEFF_NOLOCKDEP,
	TRACE_NOEFF_OTHER, /* old kernels' (__GFP_COLD, __GFP_NOTRACK, ...) and hex bits */
	NR_TRACE_NOEFF
};
extern const char *const trace_noeffect_names[NR_TRACE_NOEFF];

/* One distinct gfp_flags= text, translated. */
struct trace_gfp {
	gfp_t gfp;	   /* mm/'s flags */
	uint32_t noeffect; /* bit i: trace_noeffect_flag i was named */
	char *text;	   /* as the trace printed it */
	size_t len;
};

struct trace_events {
	struct trace_event *ev;
	size_t nr, cap;
};

struct trace_parser {
	struct trace_gfp *gfps; /* distinct gfp_flags values, by gfp_id */
	uint32_t nr_gfps, cap_gfps;
	uint32_t *hash; /* open addressing: gfp_id + 1, 0 empty */
	uint32_t hash_size;
	bool lenient;		    /* skip and count malformed lines */
	unsigned long lineno;	    /* lines read so far */
	unsigned long bad_lines;    /* malformed lines skipped (lenient) */
	unsigned long other_lines;  /* other events, comments, headers */
	unsigned long lost_events;  /* sum of "[LOST N EVENTS]" */
	unsigned long nr[NR_TRACE_EV_TYPES];
	unsigned long nr_failed;    /* allocations traced with pfn 0 */
	unsigned int nr_cpus;	    /* the highest [cpu] of a page event + 1 */
	uint64_t max_pfn;	    /* the highest pfn= of a page event */
};

void trace_parser_init(struct trace_parser *p, bool lenient);
void trace_parser_free(struct trace_parser *p);

/*
 * Parse one line (@len bytes, no newline). Returns 1 with *ev filled, 0 for
 * a line that holds no page event (blank, comment, header, another event,
 * a lost-events marker), -1 with *why set when the line is malformed.
 * Returns -2 (why set) when host memory runs out.
 */
int trace_parse_line(struct trace_parser *p, const char *line, size_t len,
		     struct trace_event *ev, const char **why);

/*
 * Parse @len bytes of text (whole lines; a last line without newline
 * counts) and append the events to @out. On a malformed line (unless the
 * parser is lenient) writes "NAME:LINE: what is wrong" into @err and
 * returns -1. Line numbers continue across calls.
 */
int trace_parse_text(struct trace_parser *p, const char *text, size_t len,
		     struct trace_events *out, const char *name, char *err, size_t errlen);

/* The same for a whole stream, read in large chunks ("-": stdin). */
int trace_read_stream(struct trace_parser *p, FILE *f, struct trace_events *out,
		      const char *name, char *err, size_t errlen);

#endif
