/*
 * mm/filemap_migrate.c - the page cache as an owner of movable pages:
 * isolation takes a page off its LRU list, migration swaps the frame in
 * the file's index (mm_filemap_replace_page) and lists the new frame where
 * the old one was, putback relists it.
 */
#include "filemap.h"
#include "lru.h"
#include "movable.h"

static bool filemap_isolate(struct page *page)
{
	/* mm_lru_del_page() under the LRU lock decides between us, reclaim and
	 * truncation; the cache's reference keeps the page alive after it. */
	if (!PageLRU(page) || !mm_lru_del_page(page))
		return false;
	get_page(page);
	return true;
}

static int filemap_migrate(struct page *dst, struct page *src)
{
	if (!mm_filemap_replace_page(src, dst))
		return -MIGRATE_EAGAIN;
	/* mm_lru_putback_page lists the page and drops one reference: give it
	 * one to drop, keeping the cache's. */
	get_page(dst);
	mm_lru_putback_page(dst);
	return 0;
}

static void filemap_putback(struct page *page)
{
	mm_lru_putback_page(page);
}

const struct movable_ops mm_filemap_movable_ops = {
	.tag = MAPPING_CANARY,
	.name = "filemap",
	.isolate = filemap_isolate,
	.migrate = filemap_migrate,
	.putback = filemap_putback,
};
