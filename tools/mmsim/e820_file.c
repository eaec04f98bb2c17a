/*
 * tools/mmsim/e820_file.c - reads memory maps in Linux's dmesg format, so
 * that a map copied from any machine's boot log can be replayed in mmsim.
 * Strict: anything that is not exactly such a line is an error with its
 * line number, because a silently skipped range would change every result.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e820_file.h"

#define LINE_MAX_LEN 512

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "0x" then 1 to 16 hex digits. Returns the end of the number or NULL. */
static const char *parse_hex(const char *p, uint64_t *val)
{
	uint64_t v = 0;
	int n = 0;

	if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return NULL;
	p += 2;
	for (;; p++, n++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (n == 16)
			return NULL;
		v = v << 4 | (uint64_t)d;
	}
	/* "0x12g4" is a bad number, not "0x12" followed by garbage */
	if (!n || (*p >= 'g' && *p <= 'z') || (*p >= 'G' && *p <= 'Z'))
		return NULL;
	*val = v;
	return p;
}

/* A decimal type number after "type " or "persistent (type ". */
static const char *parse_type_number(const char *p, uint32_t *type)
{
	uint64_t v = 0;
	const char *start = p;

	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return NULL;
		p++;
	}
	if (p == start)
		return NULL;
	*type = (uint32_t)v;
	return p;
}

static int parse_type(const char *p, uint32_t *type)
{
	static const struct {
		const char *word;
		uint32_t type;
	} words[] = {
		{ "usable", MEMMAP_USABLE },	 { "reserved", MEMMAP_RESERVED },
		{ "ACPI data", MEMMAP_ACPI },	 { "ACPI NVS", MEMMAP_NVS },
		{ "unusable", MEMMAP_UNUSABLE }, { "soft reserved", MEMMAP_SOFT_RESERVED },
	};
	const char *q;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(p, words[i].word)) {
			*type = words[i].type;
			return 0;
		}
	if (!strncmp(p, "persistent (type ", 17)) {
		q = parse_type_number(p + 17, type);
		return q && !strcmp(q, ")") ? 0 : -1;
	}
	if (!strncmp(p, "type ", 5)) {
		q = parse_type_number(p + 5, type);
		return q && !*q ? 0 : -1;
	}
	return -1;
}

int e820_parse_line(const char *line, uint64_t *start, uint64_t *end, uint32_t *type,
		    const char **why)
{
	static char msg[LINE_MAX_LEN + 64];
	char buf[LINE_MAX_LEN + 1];
	size_t len = strlen(line);
	const char *p;

	if (len > LINE_MAX_LEN) {
		*why = "line too long";
		return -1;
	}
	memcpy(buf, line, len + 1);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' ' ||
		       buf[len - 1] == '\t'))
		buf[--len] = 0;
	p = skip_spaces(buf);
	if (!*p || *p == '#')
		return 0;
	if (*p == '[') { /* dmesg timestamp: "[    0.000000] " */
		p++;
		while (*p == ' ')
			p++;
		if (!(*p >= '0' && *p <= '9')) {
			*why = "malformed timestamp";
			return -1;
		}
		while ((*p >= '0' && *p <= '9') || *p == '.')
			p++;
		if (*p != ']') {
			*why = "malformed timestamp";
			return -1;
		}
		p = skip_spaces(p + 1);
	}
	if (strncmp(p, "BIOS-e820: [mem ", 16)) {
		*why = "expected 'BIOS-e820: [mem 0xSTART-0xEND] TYPE'";
		return -1;
	}
	p += 16;
	p = parse_hex(p, start);
	if (!p) {
		*why = "bad start address (want 0x and 1-16 hex digits)";
		return -1;
	}
	if (*p != '-') {
		*why = "expected '-' after the start address";
		return -1;
	}
	p = parse_hex(p + 1, end);
	if (!p) {
		*why = "bad end address (want 0x and 1-16 hex digits)";
		return -1;
	}
	if (p[0] != ']' || p[1] != ' ') {
		*why = "expected '] ' after the end address";
		return -1;
	}
	if (*end < *start) {
		snprintf(msg, sizeof(msg), "end 0x%llx is below start 0x%llx",
			 (unsigned long long)*end, (unsigned long long)*start);
		*why = msg;
		return -1;
	}
	p = skip_spaces(p + 2);
	if (parse_type(p, type)) {
		snprintf(msg, sizeof(msg), "unknown type '%s'", p);
		*why = msg;
		return -1;
	}
	return 1;
}

int e820_stream_read(FILE *f, const char *path, struct memmap *m, char *err, size_t errlen)
{
	char line[LINE_MAX_LEN + 2];
	unsigned int lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end;
		uint32_t type;
		const char *why = NULL;
		size_t len = strlen(line);
		int rc;

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			why = "line too long";
			rc = -1;
		} else {
			rc = e820_parse_line(line, &start, &end, &type, &why);
		}
		if (rc < 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			return -1;
		}
		if (rc == 0)
			continue;
		/* end is inclusive; the range up to 2^64 - 1 keeps its last byte out */
		uint64_t size = end - start + 1;

		if (!size)
			size = UINT64_MAX;
		if (mm_memmap_add(m, start, size, type)) {
			snprintf(err, errlen, "%s:%u: more than %d ranges", path, lineno,
				 MEMMAP_MAX);
			return -1;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		return -1;
	}
	return 0;
}

int e820_file_read(const char *path, struct memmap *m, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = e820_stream_read(f, path, m, err, errlen);
	fclose(f);
	return rc;
}
