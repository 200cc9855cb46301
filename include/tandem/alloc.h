/*
 * tandem/alloc.h - the allocation wrapper every tandem module goes through.
 *
 * All heap memory taken by the library comes from tandem_malloc/tandem_calloc/
 * tandem_realloc and returns through tandem_free. That gives two things:
 *   - an embedding application may replace the allocator (once, before any
 *     other tandem call);
 *   - tests can make the Nth allocation fail and check that every error path
 *     returns TANDEM_ENOMEM cleanly, without leaks or crashes.
 */
#ifndef TANDEM_ALLOC_H
#define TANDEM_ALLOC_H

#include <stddef.h>

void *tandem_malloc(size_t size);
/* Like calloc, but a count * size overflow returns NULL instead of wrapping. */
void *tandem_calloc(size_t count, size_t size);
void *tandem_realloc(void *ptr, size_t size);
void tandem_free(void *ptr);

/*
 * Replaces the allocator. All three functions must be given. Returns 0, or
 * TANDEM_EINVAL if one is NULL. Not thread-safe: call it before anything else.
 */
int tandem_replace_allocator(void *(*malloc_fn)(size_t),
			     void *(*realloc_fn)(void *, size_t),
			     void (*free_fn)(void *));

/*
 * Test hook: the Nth allocation call from now on (1 = the next one) fails and
 * returns NULL, once; the calls after it succeed again. 0 disarms the hook.
 * Calls to tandem_malloc, tandem_calloc and tandem_realloc all count.
 */
void tandem_alloc_fail_at(unsigned long n);

/* Number of allocation calls made since the process started (for tests). */
unsigned long tandem_alloc_calls(void);

#endif /* TANDEM_ALLOC_H */
