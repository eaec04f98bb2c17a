/*
 * mm/movable.h - the owner interface of movable pages: how compaction finds
 * out who owns an allocated page and asks that owner to let it go, to move
 * it, or to take it back.
 *
 * A movable page names its owner through page->mapping: the owner object
 * (struct address_space for the page cache, struct vmarea for kernel
 * mapped pages) starts with a 32-bit type tag, and mm_page_movable_ops()
 * maps the tag to the owner's operations. page->index is the owner's
 * (file index, slot). Owners must outlive their pages: the scanner reads
 * the tag of a page it does not yet own, and only isolate() decides,
 * under the owner's lock, whether the page is really still there.
 *
 * References while a page is isolated: the owner's one, plus one taken by
 * isolate(). Any further reference is a user (a lookup, a pin): migrate()
 * then refuses, and the page stays where it is.
 */
#ifndef MM_MOVABLE_H
#define MM_MOVABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "page.h"
#include "util.h"

/* migrate() results besides 0 (positive here, negated when returned). */
#define MIGRATE_EAGAIN 11 /* in use (pinned, locked, written back): try later */
#define MIGRATE_EGONE 2	  /* the owner let go of the page meanwhile */

struct movable_ops {
	uint32_t tag;	  /* first 32 bits of the owner object */
	const char *name; /* "filemap", "vmarea" */
	/*
	 * Take @page off the owner's lists so nobody else isolates it; take a
	 * reference. False if the page is not (or no longer) the owner's,
	 * is being freed, or is isolated already. Context: any; takes the
	 * owner's locks, never sleeps.
	 */
	bool (*isolate)(struct page *page);
	/*
	 * Move an isolated @src into @dst (a fresh order-0 page, refcount
	 * 1): copy the content, repoint the owner's index (and PTE) at @dst,
	 * which takes @src's place on the owner's lists with the owner's
	 * reference; @src keeps only the isolation reference and mapping
	 * NULL, so the caller's put frees it. Returns 0, or -MIGRATE_EAGAIN
	 * when someone else holds @src (nothing changed; @dst untouched).
	 */
	int (*migrate)(struct page *dst, struct page *src);
	/* Give an isolated page back to the owner's lists and drop the
	 * isolation reference. */
	void (*putback)(struct page *page);
};

/* Copy a page's content for migration: word by word, since mm_memcpy's
 * byte loop is too slow for the hundreds of thousands of pages a
 * compaction run may move. */
static inline void migrate_copy_content(struct page *dst, const struct page *src)
{
	mm_memcpy_words(page_address(dst), page_address(src), MM_PAGE_SIZE);
}

/* The operations of @page's owner, or NULL when the page has none that can
 * move it (no mapping, an unknown tag). Lockless: see above. */
const struct movable_ops *mm_page_movable_ops(const struct page *page);

/* The two owners (mm/filemap_migrate.c, mm/vmarea.c). */
extern const struct movable_ops mm_filemap_movable_ops;
extern const struct movable_ops mm_vmarea_movable_ops;

/* One more owner from the host (a simulator's pages, e.g. mmsim's trace
 * replay), with a tag of its own; registered before any of its pages is
 * allocated, and never taken back. */
void mm_movable_owner_register(const struct movable_ops *ops);

#endif /* MM_MOVABLE_H */
