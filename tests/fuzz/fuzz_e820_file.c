/*
 * tests/fuzz/fuzz_e820_file.c - libFuzzer target: bytes as the text of a
 * dmesg-format map, read by tools/mmsim/e820_file.c (through fmemopen).
 * A refusal must name the file and line; an accepted map must print back
 * (as memmap_print would) to text that reads to the very same map, and
 * must sanitize as memmap_model.h predicts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memmap_model.h"
#include "tools/mmsim/e820_file.h"

static int read_text(char *text, size_t len, struct memmap *m, char *err, size_t errlen)
{
	FILE *f = fmemopen(text, len, "r");
	int rc;

	FUZZ_CHECK(f != NULL, "fmemopen failed");
	m->nr = 0;
	rc = e820_stream_read(f, "fuzz", m, err, errlen);
	fclose(f);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct memmap m, again;
	static char printed[MEMMAP_MAX * 96];
	char err[256] = "";
	char *text;
	size_t n = 0;
	int rc;

	if (!size) /* fmemopen refuses an empty buffer */
		return 0;
	text = malloc(size);
	FUZZ_CHECK(text != NULL, "out of memory");
	memcpy(text, data, size);
	rc = read_text(text, size, &m, err, sizeof(err));
	free(text);
	if (rc) {
		FUZZ_CHECK(rc == -1, "returned %d", rc);
		FUZZ_CHECK(!strncmp(err, "fuzz:", 5) && strlen(err) > 6, "bad message '%s'", err);
		return 0;
	}
	FUZZ_CHECK(m.nr <= MEMMAP_MAX, "%u ranges", m.nr);
	for (unsigned int i = 0; i < m.nr; i++) {
		const struct memmap_entry *e = &m.entry[i];
		uint64_t last = e->addr + e->size - 1;

		FUZZ_CHECK(e->size != 0, "range %u is empty", i);
		if (last < e->addr)
			last = UINT64_MAX;
		n += (size_t)snprintf(printed + n, sizeof(printed) - n,
				      "BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n",
				      (unsigned long long)e->addr, (unsigned long long)last,
				      mm_memmap_type_name(e->type));
		FUZZ_CHECK(n < sizeof(printed), "printed map too long");
	}
	if (n) {
		rc = read_text(printed, n, &again, err, sizeof(err));
		FUZZ_CHECK(rc == 0, "printed map does not read back: %s", err);
		FUZZ_CHECK(again.nr == m.nr, "%u ranges read back, %u printed", again.nr, m.nr);
		for (unsigned int i = 0; i < m.nr; i++)
			FUZZ_CHECK(again.entry[i].addr == m.entry[i].addr &&
					   again.entry[i].size == m.entry[i].size &&
					   again.entry[i].type == m.entry[i].type,
				   "range %u changed on the round trip: %s", i, printed);
	}
	check_sanitize(&m);
	return 0;
}
