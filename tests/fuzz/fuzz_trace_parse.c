/*
 * tests/fuzz/fuzz_trace_parse.c - libFuzzer target: bytes as the text of a
 * Linux page-allocator trace, read by tools/mmsim/trace_parse.c. The text
 * sits in a heap buffer of exactly its size (ASan sees any read past it).
 * A strict refusal must name the input and a line that exists; a lenient
 * read never refuses and accounts for every line; split at a newline and
 * read in two calls, the text gives the same events; every event is in
 * range; and each allocation printed back as trace_pipe prints it parses
 * to the same event with the same mm/ flags.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memmap_model.h"
#include "tools/mmsim/trace_parse.h"

static unsigned long count_lines(const char *t, size_t n)
{
	unsigned long lines = 0;

	for (size_t i = 0; i < n; i++)
		lines += t[i] == '\n';
	return lines + (n && t[n - 1] != '\n');
}

static void check_events(const struct trace_parser *p, const struct trace_events *e)
{
	for (size_t i = 0; i < e->nr; i++) {
		const struct trace_event *ev = &e->ev[i];

		FUZZ_CHECK(ev->type < NR_TRACE_EV_TYPES, "event %zu type %u", i, ev->type);
		FUZZ_CHECK(ev->order < MAX_ORDER, "event %zu order %u", i, ev->order);
		if (ev->type == TRACE_EV_ALLOC)
			FUZZ_CHECK(ev->gfp_id < p->nr_gfps, "gfp_id %u of %u", ev->gfp_id,
				   p->nr_gfps);
		FUZZ_CHECK(!(ev->flags & TRACE_EV_FAILED) || (ev->type == TRACE_EV_ALLOC && !ev->pfn),
			   "event %zu failed but type %u pfn %llu", i, ev->type,
			   (unsigned long long)ev->pfn);
	}
}

/* Print an allocation back as trace_pipe would and parse it again. */
static void check_round_trip(const struct trace_parser *p, const struct trace_event *ev)
{
	static char line[1 << 16];
	struct trace_parser q;
	struct trace_event back;
	const char *why = "";
	int n, rc;

	n = snprintf(line, sizeof(line),
		     "  task-1  [000] .....  1.000000: mm_page_alloc: page=%s pfn=0x%llx order=%u "
		     "migratetype=%u gfp_flags=%s",
		     ev->flags & TRACE_EV_FAILED ? "0000000000000000" : "ffffea0000000040",
		     (unsigned long long)ev->pfn, ev->order, ev->mt, p->gfps[ev->gfp_id].text);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	trace_parser_init(&q, false);
	rc = trace_parse_line(&q, line, (size_t)n, &back, &why);
	FUZZ_CHECK(rc == 1, "round trip refused (%d, %s): %s", rc, why, line);
	FUZZ_CHECK(back.pfn == ev->pfn && back.order == ev->order && back.flags == ev->flags,
		   "round trip changed the event: %s", line);
	FUZZ_CHECK(q.gfps[back.gfp_id].gfp == p->gfps[ev->gfp_id].gfp &&
			   q.gfps[back.gfp_id].noeffect == p->gfps[ev->gfp_id].noeffect,
		   "round trip changed the flags: %s", line);
	trace_parser_free(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_parser strict, lenient, split;
	struct trace_events a = { 0 }, b = { 0 }, c = { 0 };
	char err[512] = "";
	char *text = malloc(size ? size : 1);
	unsigned long lines = count_lines((const char *)data, size), at;
	const char *nl;
	size_t cut;
	int rc;

	FUZZ_CHECK(text != NULL, "out of memory");
	memcpy(text, data, size);

	trace_parser_init(&strict, false);
	rc = trace_parse_text(&strict, text, size, &a, "fuzz", err, sizeof(err));
	if (rc) {
		FUZZ_CHECK(rc == -1, "returned %d", rc);
		FUZZ_CHECK(sscanf(err, "fuzz:%lu: ", &at) == 1 && at >= 1 && at <= lines,
			   "bad message '%s' for %lu lines", err, lines);
	} else {
		FUZZ_CHECK(strict.lineno == lines, "%lu lines read of %lu", strict.lineno, lines);
	}
	check_events(&strict, &a);

	trace_parser_init(&lenient, true);
	rc = trace_parse_text(&lenient, text, size, &b, "fuzz", err, sizeof(err));
	FUZZ_CHECK(rc == 0, "lenient read refused: %s", err);
	FUZZ_CHECK(lenient.lineno == lines, "%lu lines read of %lu", lenient.lineno, lines);
	FUZZ_CHECK(b.nr + lenient.bad_lines + lenient.other_lines == lines,
		   "%zu events + %lu bad + %lu other != %lu lines", b.nr, lenient.bad_lines,
		   lenient.other_lines, lines);
	FUZZ_CHECK(b.nr >= a.nr, "lenient found fewer events (%zu < %zu)", b.nr, a.nr);
	check_events(&lenient, &b);
	for (size_t i = 0; i < b.nr; i++)
		if (b.ev[i].type == TRACE_EV_ALLOC)
			check_round_trip(&lenient, &b.ev[i]);

	/* The same text in two calls, cut after a newline near the middle. */
	nl = size ? memchr(text + size / 2, '\n', size - size / 2) : NULL;
	cut = nl ? (size_t)(nl - text) + 1 : size;
	trace_parser_init(&split, true);
	FUZZ_CHECK(!trace_parse_text(&split, text, cut, &c, "fuzz", err, sizeof(err)) &&
			   !trace_parse_text(&split, text + cut, size - cut, &c, "fuzz", err,
					     sizeof(err)),
		   "split read refused: %s", err);
	FUZZ_CHECK(c.nr == b.nr && split.lineno == lenient.lineno &&
			   split.bad_lines == lenient.bad_lines,
		   "split read differs: %zu events, %lu lines", c.nr, split.lineno);
	for (size_t i = 0; i < b.nr; i++)
		FUZZ_CHECK(b.ev[i].pfn == c.ev[i].pfn && b.ev[i].type == c.ev[i].type &&
				   b.ev[i].order == c.ev[i].order && b.ev[i].flags == c.ev[i].flags,
			   "event %zu differs when split", i);

	free(a.ev);
	free(b.ev);
	free(c.ev);
	trace_parser_free(&strict);
	trace_parser_free(&lenient);
	trace_parser_free(&split);
	free(text);
	return 0;
}
