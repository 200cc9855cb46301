/*
 * src/core/arena.c - request-scoped arena with cleanup hooks (tandem/arena.h).
 *
 * Blocks are chained newest first. Small requests are carved from the current
 * block; a request larger than a quarter of the block size gets a block of its
 * own, put behind the current one so the current block keeps serving small
 * requests. Every allocation is rounded up to max_align_t.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "tandem/arena.h"

struct tandem_arena_block {
	struct tandem_arena_block *next;
	size_t size; /* bytes usable in data */
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

struct tandem_arena_cleanup {
	struct tandem_arena_cleanup *next;
	void (*fn)(void *);
	void *data;
};

#define ALIGN (alignof(max_align_t))

void tandem_arena_init(struct tandem_arena *a, size_t bytes_max)
{
	a->head = NULL;
	a->cleanups = NULL;
	a->bytes_used = 0;
	a->bytes_max = bytes_max;
	a->err = 0;
	a->fixed = 0;
}

void tandem_arena_init_fixed(struct tandem_arena *a, void *mem, size_t size)
{
	struct tandem_arena_block *b = mem;

	TANDEM_ASSERT(((uintptr_t)mem & (ALIGN - 1)) == 0 && size > sizeof *b);
	tandem_arena_init(a, size);
	a->fixed = 1;
	b->next = NULL;
	b->size = size - sizeof *b;
	b->used = 0;
	a->head = b;
	a->bytes_used = size;
}

size_t tandem_arena_fixed_used(const struct tandem_arena *a)
{
	TANDEM_ASSERT(a->fixed && a->head);
	return sizeof *a->head + a->head->used;
}

static struct tandem_arena_block *new_block(struct tandem_arena *a, size_t size)
{
	struct tandem_arena_block *b;
	size_t total = sizeof *b + size;

	if (size > SIZE_MAX - sizeof *b || total > a->bytes_max ||
	    a->bytes_used > a->bytes_max - total) {
		if (!a->err)
			a->err = TANDEM_ELIMIT;
		return NULL;
	}
	b = tandem_malloc(total);
	if (b == NULL) {
		if (!a->err)
			a->err = TANDEM_ENOMEM;
		return NULL;
	}
	a->bytes_used += total;
	b->size = size;
	b->used = 0;
	return b;
}

void *tandem_arena_alloc(struct tandem_arena *a, size_t size)
{
	struct tandem_arena_block *b = a->head;
	void *p;

	if (size > SIZE_MAX - ALIGN) {
		if (!a->err)
			a->err = TANDEM_ELIMIT;
		return NULL;
	}
	size = (size + ALIGN - 1) & ~(ALIGN - 1);
	if (size == 0)
		size = ALIGN;
	if (b && b->size - b->used >= size) {
		p = b->data + b->used;
		b->used += size;
		return p;
	}
	if (a->fixed) {
		if (!a->err)
			a->err = TANDEM_ELIMIT;
		return NULL;
	}
	if (size > TANDEM_ARENA_BLOCK_SIZE / 4) {
		/* Big request: its own block, kept behind the current one. */
		b = new_block(a, size);
		if (b == NULL)
			return NULL;
		b->used = size;
		if (a->head) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = NULL;
			a->head = b;
		}
		return b->data;
	}
	b = new_block(a, TANDEM_ARENA_BLOCK_SIZE);
	if (b == NULL)
		return NULL;
	b->next = a->head;
	a->head = b;
	b->used = size;
	return b->data;
}

void *tandem_arena_calloc(struct tandem_arena *a, size_t count, size_t size)
{
	void *p;

	if (size != 0 && count > SIZE_MAX / size) {
		if (!a->err)
			a->err = TANDEM_ELIMIT;
		return NULL;
	}
	p = tandem_arena_alloc(a, count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

char *tandem_arena_strndup(struct tandem_arena *a, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX) {
		if (!a->err)
			a->err = TANDEM_ELIMIT;
		return NULL;
	}
	p = tandem_arena_alloc(a, len + 1);
	if (p == NULL)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

int tandem_arena_on_release(struct tandem_arena *a, void (*fn)(void *),
			    void *data)
{
	struct tandem_arena_cleanup *c;

	TANDEM_ASSERT(fn != NULL);
	c = tandem_arena_alloc(a, sizeof *c);
	if (c == NULL)
		return a->err ? a->err : TANDEM_ENOMEM;
	c->fn = fn;
	c->data = data;
	c->next = a->cleanups;
	a->cleanups = c;
	return 0;
}

void tandem_arena_release(struct tandem_arena *a)
{
	struct tandem_arena_cleanup *c = a->cleanups;
	struct tandem_arena_block *b = a->head;

	/* Hooks first: they may still read memory of the arena. */
	while (c) {
		struct tandem_arena_cleanup *next = c->next;
		c->fn(c->data);
		c = next;
	}
	if (a->fixed) {
		a->cleanups = NULL;
		a->head->used = 0;
		a->err = 0;
		return;
	}
	while (b) {
		struct tandem_arena_block *next = b->next;
		tandem_free(b);
		b = next;
	}
	tandem_arena_init(a, a->bytes_max);
}

int tandem_arena_error(const struct tandem_arena *a)
{
	return a->err;
}
