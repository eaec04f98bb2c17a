/*
 * tools/mmsim/e820_file.h - reading a memory map written as Linux's dmesg
 * lines ("[    0.000000] BIOS-e820: [mem 0x...-0x...] usable").
 */
#ifndef TOOLS_MMSIM_E820_FILE_H
#define TOOLS_MMSIM_E820_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mm/memmap.h"

/*
 * Parse one line. Returns 1 with [*start, *end] (end inclusive, as printed)
 * and *type filled, 0 for a blank or '#' comment line, -1 with *why set to
 * a message when the line is malformed.
 */
int e820_parse_line(const char *line, uint64_t *start, uint64_t *end, uint32_t *type,
		    const char **why);

/*
 * Read every range of @path into @m (appended, unsanitized). On a
 * malformed line, an unreadable file or a full map, writes
 * "FILE:LINE: what is wrong" (or "FILE: ...") into @err and returns -1.
 */
int e820_file_read(const char *path, struct memmap *m, char *err, size_t errlen);

/* The same from an open stream (fmemopen in the fuzzer), @name standing for
 * the file in messages. Does not close @f. */
int e820_stream_read(FILE *f, const char *name, struct memmap *m, char *err, size_t errlen);

#endif
