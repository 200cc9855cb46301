/*
 * tandem/arena.h - request-scoped memory arena with cleanup hooks.
 *
 * One arena per unit of work (a command, an HTTP request, one invoice): every
 * allocation made for that work comes from the arena and is released at once
 * by tandem_arena_release(). Objects that hold outside resources (a file, a
 * libxml2 document) register a cleanup hook; hooks run in reverse order of
 * registration before the memory goes. Nothing is freed piecemeal.
 *
 * An arena has a hard maximum of bytes it may take from the heap; beyond it,
 * allocation fails and tandem_arena_error() reports TANDEM_ELIMIT.
 *
 * Not thread-safe: an arena belongs to one thread at a time.
 */
#ifndef TANDEM_ARENA_H
#define TANDEM_ARENA_H

#include <stddef.h>

struct tandem_arena_block;
struct tandem_arena_cleanup;

struct tandem_arena {
	struct tandem_arena_block *head;      /* current block, newest first */
	struct tandem_arena_cleanup *cleanups; /* newest first */
	size_t bytes_used;                    /* heap bytes taken, headers included */
	size_t bytes_max;                     /* hard limit on bytes_used */
	int err;                              /* first failure: ENOMEM or ELIMIT */
	int fixed;                            /* 1: one block over caller memory */
};

/* Default block size; larger requests get a block of their own. */
#define TANDEM_ARENA_BLOCK_SIZE 8192

/* Prepares an empty arena that may take at most bytes_max heap bytes. */
void tandem_arena_init(struct tandem_arena *a, size_t bytes_max);

/*
 * Prepares an arena whose allocations all come, in order, from the size
 * bytes at mem (aligned for any object type; the caller owns that memory and
 * keeps it alive): what the arena holds is then one contiguous range,
 * [mem, mem + tandem_arena_fixed_used()), that can be written to a file as
 * it is. Allocation beyond size fails with TANDEM_ELIMIT; release runs the
 * cleanup hooks and starts over at mem, never freeing it.
 */
void tandem_arena_init_fixed(struct tandem_arena *a, void *mem, size_t size);

/* Bytes of a fixed arena in use, from its start (the block header included). */
size_t tandem_arena_fixed_used(const struct tandem_arena *a);

/*
 * Returns size bytes aligned for any object type, or NULL on failure (out of
 * memory, or bytes_max reached). The memory is not zeroed.
 */
void *tandem_arena_alloc(struct tandem_arena *a, size_t size);

/* Same, zeroed; count * size overflow is a failure, not a wrap. */
void *tandem_arena_calloc(struct tandem_arena *a, size_t count, size_t size);

/* Copies len bytes of s into the arena and NUL-terminates. NULL on failure. */
char *tandem_arena_strndup(struct tandem_arena *a, const char *s, size_t len);

/*
 * Registers fn(data) to run when the arena is released. Returns 0, or
 * TANDEM_ENOMEM / TANDEM_ELIMIT. When registration fails the caller still owns
 * the resource and must clean it up itself.
 */
int tandem_arena_on_release(struct tandem_arena *a, void (*fn)(void *),
			    void *data);

/*
 * Runs the cleanup hooks (newest first), frees every block and leaves the
 * arena empty and reusable with the same limit.
 */
void tandem_arena_release(struct tandem_arena *a);

/* 0 if no allocation has failed, else TANDEM_ENOMEM or TANDEM_ELIMIT. */
int tandem_arena_error(const struct tandem_arena *a);

#endif /* TANDEM_ARENA_H */
