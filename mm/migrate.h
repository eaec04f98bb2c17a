/*
 * mm/migrate.h - page migration: move isolated movable pages to new frames
 * (copy, let the owner repoint, free the old frame), skipping pages that
 * someone else holds; the pgmigrate counters.
 */
#ifndef MM_MIGRATE_H
#define MM_MIGRATE_H

#include <stdbool.h>

#include "gfp.h"
#include "list.h"
#include "movable.h"
#include "page.h"

enum migrate_mode {
	MIGRATE_ASYNC,	    /* one attempt per page, never wait */
	MIGRATE_SYNC_LIGHT, /* retry busy pages a few times */
	MIGRATE_SYNC,	    /* retry busy pages more */
};

/* Hands out the target of @src (an order-0 page, refcount 1) or NULL. */
typedef struct page *(*new_page_t)(struct page *src, unsigned long private);
/* Takes back a target that was not used. */
typedef void (*free_page_t)(struct page *page, unsigned long private);

/*
 * Isolate @page from its owner for migration: true when it now carries an
 * isolation reference and may go on a migration list (page->lru). False
 * for pages without a movable owner or that the owner would not give up.
 * Context: any; never sleeps.
 */
bool mm_isolate_movable_page(struct page *page);

/* Give every page on @l back to its owner (list emptied). */
void mm_putback_movable_pages(struct list_head *l);

/*
 * Migrate every page on @from (isolated pages linked by lru). Each moved
 * page is freed and counted in pgmigrate_success (*nr_succeeded too, if
 * given). A page still held by someone after the mode's attempts is left
 * on @from and counted in pgmigrate_fail. When @get_new_page runs out,
 * the rest stays on @from. Returns the number of pages left on @from; the
 * caller puts them back (mm_putback_movable_pages). Context: thread or any
 * context the callbacks allow; never sleeps.
 */
unsigned long mm_migrate_pages(struct list_head *from, new_page_t get_new_page,
			    free_page_t put_new_page, unsigned long private, enum migrate_mode mode,
			    unsigned long *nr_succeeded);

/* A target for the simple callers (tests, on-demand moves): alloc_page
 * with the gfp flags in @private. */
struct page *mm_alloc_migration_target(struct page *src, unsigned long private);

enum migrate_event { PGMIGRATE_SUCCESS, PGMIGRATE_FAIL, NR_MIGRATE_EVENTS };
unsigned long mm_migrate_event_count(enum migrate_event e);
void mm_migrate_events_reset(void);

#endif /* MM_MIGRATE_H */
