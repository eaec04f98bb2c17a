/*
 * mm/gfp_names.c - the names of gfp flags, for failure and kill reports
 * ("GFP_KERNEL|__GFP_NOWARN", as Linux's %pGg prints them).
 */
#include "gfp.h"

static const struct {
	gfp_t mask;
	const char *name;
} gfp_names[] = {
	{ GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE" },
	{ GFP_HIGHUSER, "GFP_HIGHUSER" },
	{ GFP_USER, "GFP_USER" },
	{ GFP_KERNEL, "GFP_KERNEL" },
	{ GFP_NOFS, "GFP_NOFS" },
	{ GFP_ATOMIC, "GFP_ATOMIC" },
	{ GFP_NOIO, "GFP_NOIO" },
	{ GFP_NOWAIT, "GFP_NOWAIT" },
	{ __GFP_DMA, "__GFP_DMA" },
	{ __GFP_HIGHMEM, "__GFP_HIGHMEM" },
	{ __GFP_DMA32, "__GFP_DMA32" },
	{ __GFP_MOVABLE, "__GFP_MOVABLE" },
	{ __GFP_RECLAIMABLE, "__GFP_RECLAIMABLE" },
	{ __GFP_HIGH, "__GFP_HIGH" },
	{ __GFP_IO, "__GFP_IO" },
	{ __GFP_FS, "__GFP_FS" },
	{ __GFP_ZERO, "__GFP_ZERO" },
	{ __GFP_ATOMIC, "__GFP_ATOMIC" },
	{ __GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM" },
	{ __GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM" },
	{ __GFP_WRITE, "__GFP_WRITE" },
	{ __GFP_NOWARN, "__GFP_NOWARN" },
	{ __GFP_RETRY_MAYFAIL, "__GFP_RETRY_MAYFAIL" },
	{ __GFP_NOFAIL, "__GFP_NOFAIL" },
	{ __GFP_NORETRY, "__GFP_NORETRY" },
	{ __GFP_MEMALLOC, "__GFP_MEMALLOC" },
	{ __GFP_COMP, "__GFP_COMP" },
	{ __GFP_NOMEMALLOC, "__GFP_NOMEMALLOC" },
	{ __GFP_HARDWALL, "__GFP_HARDWALL" },
	{ __GFP_THISNODE, "__GFP_THISNODE" },
	{ __GFP_ACCOUNT, "__GFP_ACCOUNT" },
};

static unsigned long append(char *buf, unsigned long at, unsigned long size, const char *s)
{
	while (*s && at + 1 < size)
		buf[at++] = *s++;
	buf[at < size ? at : size - 1] = 0;
	return at;
}

/* Like Linux's %pGg: composite names first, then the single bits left. */
void mm_gfp_flags_name(gfp_t gfp, char *buf, unsigned long size)
{
	unsigned long at = 0;

	if (!size)
		return;
	buf[0] = 0;
	for (unsigned int i = 0; i < sizeof(gfp_names) / sizeof(gfp_names[0]); i++) {
		if ((gfp & gfp_names[i].mask) != gfp_names[i].mask)
			continue;
		if (at)
			at = append(buf, at, size, "|");
		at = append(buf, at, size, gfp_names[i].name);
		gfp &= ~gfp_names[i].mask;
	}
	if (!at)
		append(buf, 0, size, "none");
}
