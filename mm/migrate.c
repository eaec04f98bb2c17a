/*
 * mm/migrate.c - moving isolated pages to new frames through their owners'
 * callbacks (mm/movable.h), retrying pages that are briefly busy, and the
 * pgmigrate counters.
 */
#include "migrate.h"

#include "blockdev.h"

static unsigned long migrate_events[NR_MIGRATE_EVENTS];

unsigned long mm_migrate_event_count(enum migrate_event e)
{
	return __atomic_load_n(&migrate_events[e], __ATOMIC_RELAXED);
}

void mm_migrate_events_reset(void)
{
	for (int i = 0; i < NR_MIGRATE_EVENTS; i++)
		__atomic_store_n(&migrate_events[i], 0, __ATOMIC_RELAXED);
}

static void count_migrate_event(enum migrate_event e, unsigned long n)
{
	__atomic_fetch_add(&migrate_events[e], n, __ATOMIC_RELAXED);
}

static const struct movable_ops *const owners[] = {
#if MM_CONFIG_PAGECACHE
	&mm_filemap_movable_ops,
#endif
	&mm_vmarea_movable_ops,
};

static const struct movable_ops *host_owner;

void mm_movable_owner_register(const struct movable_ops *ops)
{
	__atomic_store_n(&host_owner, ops, __ATOMIC_RELEASE);
}

const struct movable_ops *mm_page_movable_ops(const struct page *page)
{
	const uint32_t *tag = __atomic_load_n(&page->mapping, __ATOMIC_RELAXED);
	const struct movable_ops *host;

	if (!tag)
		return NULL;
	for (unsigned int i = 0; i < sizeof(owners) / sizeof(owners[0]); i++)
		if (owners[i]->tag == *tag)
			return owners[i];
	host = __atomic_load_n(&host_owner, __ATOMIC_ACQUIRE);
	return host && host->tag == *tag ? host : NULL;
}

bool mm_isolate_movable_page(struct page *page)
{
	const struct movable_ops *ops = mm_page_movable_ops(page);

	return ops && ops->isolate(page);
}

static void putback_one(struct page *page)
{
	const struct movable_ops *ops = mm_page_movable_ops(page);

	if (ops) {
		ops->putback(page);
		return;
	}
	/* The owner let go while the page was isolated: ours is the last
	 * reference. */
	__free_page(page);
}

void mm_putback_movable_pages(struct list_head *l)
{
	while (!list_empty(l)) {
		struct page *page = list_first_entry(l, struct page, lru);

		list_del(&page->lru);
		putback_one(page);
	}
}

struct page *mm_alloc_migration_target(struct page *src, unsigned long private)
{
	(void)src;
	return alloc_pages((gfp_t) private | __GFP_NOWARN, 0);
}

/* Attempts per busy page: async never waits for a user to let go. */
static unsigned int mode_passes(enum migrate_mode mode)
{
	return mode == MIGRATE_ASYNC ? 1 : mode == MIGRATE_SYNC_LIGHT ? 3 : 10;
}

/* One page: 0 moved (and freed), -MIGRATE_EAGAIN busy, -MM_ENOMEM no target. */
static int unmap_and_move(struct page *page, new_page_t get_new_page, free_page_t put_new_page,
			  unsigned long private)
{
	const struct movable_ops *ops = mm_page_movable_ops(page);
	struct page *dst;
	int rc;

	if (!ops) {
		/* Gone from its owner while isolated: nothing to move, the
		 * frame is free once we drop our reference. */
		list_del(&page->lru);
		__free_page(page);
		return 0;
	}
	dst = get_new_page(page, private);
	if (!dst)
		return -MM_ENOMEM;
	rc = ops->migrate(dst, page);
	if (rc) {
		if (put_new_page)
			put_new_page(dst, private);
		else
			__free_page(dst);
		return rc;
	}
	list_del(&page->lru);
	__free_page(page); /* the isolation reference, now the last */
	return 0;
}

unsigned long mm_migrate_pages(struct list_head *from, new_page_t get_new_page,
			    free_page_t put_new_page, unsigned long private, enum migrate_mode mode,
			    unsigned long *nr_succeeded)
{
	unsigned long moved = 0, left = 0;
	unsigned int passes = mode_passes(mode);
	struct list_head *pos, *next;
	bool out_of_targets = false;

	for (unsigned int pass = 0; pass < passes && !out_of_targets; pass++) {
		unsigned long busy = 0;

		for (pos = from->next; pos != from; pos = next) {
			struct page *page = list_entry(pos, struct page, lru);
			int rc;

			next = pos->next;
			rc = unmap_and_move(page, get_new_page, put_new_page, private);
			if (!rc) {
				moved++;
			} else if (rc == -MM_ENOMEM) {
				out_of_targets = true;
				break;
			} else {
				busy++;
			}
		}
		if (!busy)
			break;
		mm_cpu_relax();
	}
	for (pos = from->next; pos != from; pos = pos->next)
		left++;
	count_migrate_event(PGMIGRATE_SUCCESS, moved);
	count_migrate_event(PGMIGRATE_FAIL, left);
	if (nr_succeeded)
		*nr_succeeded += moved;
	return left;
}
