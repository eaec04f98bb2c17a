/*
 * tools/embed-kernel/klib.h - the "kernel library" of a small kernel that
 * existed before it took in mm/: its own intrusive lists, container_of,
 * max_pfn, printk and panic. Nothing here knows mm/; the point of the
 * example is that mm/'s public header lives beside these names.
 */
#ifndef KLIB_H
#define KLIB_H

#include <stddef.h>

#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }

static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	n->prev = head->prev;
	n->next = head;
	head->prev->next = n;
	head->prev = n;
}

static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

static inline int list_empty(const struct list_head *head)
{
	return head->next == head;
}

/* This kernel's idea of the highest frame its page tables map. */
extern unsigned long max_pfn;

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif /* KLIB_H */
