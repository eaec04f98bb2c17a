/*
 * tools/mmsim/replay_linux.c - Linux's own state after a traced run, read
 * from the capture log (tools/linux-trace/capture.sh prints
 * /proc/buddyinfo, pagetypeinfo, vmstat and zoneinfo with after-buddyinfo:,
 * after-pagetypeinfo:, after-vmstat: and after-zoneinfo: in front of each
 * line, and /proc/iomem's kernel ranges as iomem: lines; logs of the
 * older ../shared/tools/linux-trace/ have neither the iomem: lines nor
 * zoneinfo's per-CPU count: lines, and still read).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

/* pagetypeinfo's column names, as Linux prints them, to our types. */
static int migratetype_of(const char *name)
{
	static const char *const names[] = { "Unmovable", "Movable", "Reclaimable", "HighAtomic",
					     "Isolate" };
	static const int types[] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE,
				     MIGRATE_HIGHATOMIC, MIGRATE_ISOLATE };

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return types[i];
	return -1; /* CMA and others: not a type mm/ has */
}

/* "Node 0, zone      DMA      9      8 ..." */
static int parse_buddyinfo(const char *s, struct replay_linux_end *le)
{
	char name[16];
	int node, n;
	unsigned int o = 0;

	if (le->nr_zones == REPLAY_LINUX_ZONES ||
	    sscanf(s, " Node %d, zone %15s%n", &node, name, &n) != 2)
		return -1;
	s += n;
	le->zone[le->nr_zones].node = node;
	snprintf(le->zone[le->nr_zones].name, sizeof(le->zone[0].name), "%s", name);
	for (;;) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);

		if (end == s)
			break;
		if (o == MAX_ORDER)
			return -1; /* more orders than mm/ has */
		le->zone[le->nr_zones].free[o++] = v;
		s = end;
	}
	while (*s == ' ' || *s == '\n' || *s == '\r')
		s++;
	if (!o || *s)
		return -1;
	le->nr_zones++;
	return 0;
}

/* The "Number of blocks type  Unmovable Movable ..." header and its rows. */
static int parse_blocks(const char *s, struct replay_linux_end *le, int cols[8], int *ncols)
{
	char word[32];
	int n;

	if (!strncmp(s, "Number of blocks type", 21)) {
		s += 21;
		*ncols = 0;
		while (*ncols < 8 && sscanf(s, "%31s%n", word, &n) == 1) {
			cols[(*ncols)++] = migratetype_of(word);
			s += n;
		}
		return 0;
	}
	if (*ncols > 0 && !strncmp(s, "Node ", 5) && strstr(s, ", zone ")) {
		s = strstr(s, ", zone ") + 7;
		if (sscanf(s, "%31s%n", word, &n) != 1)
			return -1;
		s += n;
		for (int c = 0; c < *ncols; c++) {
			char *end;
			unsigned long v = strtoul(s, &end, 10);

			if (end == s)
				return -1;
			if (cols[c] >= 0)
				le->blocks[cols[c]] += v;
			s = end;
		}
		le->have_blocks = true;
	}
	return 0;
}

static void parse_vmstat(const char *s, struct replay_linux_end *le)
{
	char name[64];
	unsigned long v;

	if (sscanf(s, "%63s %lu", name, &v) != 2)
		return;
	if (!strcmp(name, "nr_free_pages")) {
		le->nr_free_pages = v;
		le->have_vmstat = true;
	} else if (!strcmp(name, "pgmigrate_success")) {
		le->pgmigrate_success = v;
	} else if (!strcmp(name, "compact_stall")) {
		le->compact_stall = v;
	} else if (!strcmp(name, "pageoutrun")) {
		le->pageoutrun = v;
	} else if (!strcmp(name, "compact_daemon_wake")) {
		le->compact_daemon_wake = v;
	}
}

/* "01000000-02259aff : Kernel code": the kernel's ranges, in address
 * order; other resources are not the kernel's. */
static int parse_iomem(const char *s, struct replay_linux_end *le)
{
	unsigned long long start, end;
	int n = 0;

	if (sscanf(s, " %llx-%llx : %n", &start, &end, &n) != 2 || !n)
		return -1;
	if (strncmp(s + n, "Kernel ", 7))
		return 0;
	le->kernel.how = "Linux's, from the log's iomem: lines";
	return kernel_image_add(&le->kernel, start, end + 1);
}

/* zoneinfo's per-CPU "count: N" (pages on that CPU's lists of the zone). */
static int parse_zoneinfo(const char *s, struct replay_linux_end *le)
{
	unsigned long v;
	char c;

	if (sscanf(s, " count: %lu %c", &v, &c) == 1) {
		le->pcp_count += v;
		le->pcp_lists++;
	} else if (strstr(s, "count:")) {
		return -1;
	}
	return 0;
}

int replay_read_linux_end(const char *path, struct replay_linux_end *le, char *err,
			  size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	unsigned long lineno = 0;
	int cols[8], ncols = 0;

	memset(le, 0, sizeof(*le));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *s;

		lineno++;
		if ((s = strstr(line, "after-buddyinfo:"))) {
			if (parse_buddyinfo(s + 16, le))
				goto bad;
		} else if ((s = strstr(line, "after-pagetypeinfo:"))) {
			s += 19;
			while (*s == ' ')
				s++;
			if (parse_blocks(s, le, cols, &ncols))
				goto bad;
		} else if ((s = strstr(line, "after-vmstat:"))) {
			parse_vmstat(s + 13, le);
		} else if ((s = strstr(line, "after-zoneinfo:"))) {
			if (parse_zoneinfo(s + 15, le))
				goto bad;
		} else if (!strncmp(line, "iomem:", 6)) {
			if (parse_iomem(line + 6, le))
				goto bad;
		}
	}
	fclose(f);
	if (!le->nr_zones || !le->have_vmstat) {
		snprintf(err, errlen,
			 "%s: no after-buddyinfo: or after-vmstat: nr_free_pages lines (a capture.sh log?)",
			 path);
		return -1;
	}
	return 0;
bad:
	fclose(f);
	snprintf(err, errlen, "%s:%lu: cannot read this line", path, lineno);
	return -1;
}

unsigned long replay_linux_free_high(const struct replay_linux_end *le, unsigned int min_order)
{
	unsigned long n = 0;

	for (unsigned int z = 0; z < le->nr_zones; z++)
		for (unsigned int o = min_order; o < MAX_ORDER; o++)
			n += le->zone[z].free[o] << o;
	return n;
}

unsigned long replay_linux_free_pages(const struct replay_linux_end *le)
{
	return replay_linux_free_high(le, 0);
}
