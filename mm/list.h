/*
 * mm/list.h - intrusive doubly linked circular lists (Linux's list_head
 * vocabulary), used for free lists, per-CPU lists and LRU lists.
 */
#ifndef MM_LIST_H
#define MM_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) \
	{ \
		&(name), &(name) \
	}
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)
#define list_last_entry(head, type, member) list_entry((head)->prev, type, member)
#define list_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define list_for_each_safe(pos, n, head) \
	for ((pos) = (head)->next, (n) = (pos)->next; (pos) != (head); \
	     (pos) = (n), (n) = (pos)->next)

/*
 * A list's ->next pointers are stored and list_empty() loads them with
 * single relaxed atomic accesses (Linux's WRITE_ONCE/READ_ONCE), so that a
 * lockless "is there anything?" look sees an old or a new pointer: the
 * watermark check peeks at the free lists without zone->lock. Walking a
 * list still needs its lock.
 */
static inline void list_set_next(struct list_head *e, struct list_head *next)
{
	__atomic_store_n(&e->next, next, __ATOMIC_RELAXED);
}

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	list_set_next(h, h);
	h->prev = h;
}

static inline void __list_link(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	list_set_next(prev, n);
}

/* Insert after @head: a stack (LIFO) when used with list_first_entry. */
static inline void list_add(struct list_head *n, struct list_head *head)
{
	__list_link(n, head, head->next);
}

/* Insert before @head: a queue (FIFO). */
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	__list_link(n, head->prev, head);
}

static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	list_set_next(e->prev, e->next);
	e->next = e->prev = NULL;
}

static inline void list_del_init(struct list_head *e)
{
	e->next->prev = e->prev;
	list_set_next(e->prev, e->next);
	INIT_LIST_HEAD(e);
}

static inline void list_move(struct list_head *e, struct list_head *head)
{
	e->next->prev = e->prev;
	list_set_next(e->prev, e->next);
	list_add(e, head);
}

static inline void list_move_tail(struct list_head *e, struct list_head *head)
{
	e->next->prev = e->prev;
	list_set_next(e->prev, e->next);
	list_add_tail(e, head);
}

/* Make @e the first entry of the list at @head, the cyclic order kept
 * (Linux's list_rotate_to_front): entries before @e go to the tail. The
 * head's ->next is stored atomically, as everywhere, for lockless peeks. */
static inline void list_rotate_to_front(struct list_head *e, struct list_head *head)
{
	if (head->next == e)
		return;
	head->next->prev = head->prev;
	list_set_next(head->prev, head->next);
	head->prev = e->prev;
	list_set_next(head, e);
	list_set_next(e->prev, head);
	e->prev = head;
}

static inline bool list_empty(const struct list_head *h)
{
	return __atomic_load_n(&h->next, __ATOMIC_RELAXED) == h;
}

#endif /* MM_LIST_H */
