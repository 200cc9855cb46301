/*
 * src/core/alloc.c - the allocation wrapper: replaceable functions and a
 * failure-injection countdown for tests (tandem/alloc.h).
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/alloc.h"
#include "tandem/error.h"

static void *(*malloc_fn)(size_t) = malloc;
static void *(*realloc_fn)(void *, size_t) = realloc;
static void (*free_fn)(void *) = free;

static atomic_ulong calls;
static atomic_ulong fail_at; /* absolute call number that fails; 0 = never */

/* Counts the call; true if this call is the one that must fail. */
static int inject_failure(void)
{
	unsigned long n = atomic_fetch_add(&calls, 1) + 1;
	unsigned long target = atomic_load(&fail_at);

	if (target != 0 && n == target) {
		atomic_store(&fail_at, 0);
		return 1;
	}
	return 0;
}

void *tandem_malloc(size_t size)
{
	if (inject_failure())
		return NULL;
	return malloc_fn(size ? size : 1);
}

void *tandem_calloc(size_t count, size_t size)
{
	void *p;

	if (size != 0 && count > SIZE_MAX / size)
		return NULL;
	if (malloc_fn == malloc) {
		/* The C library's calloc knows when fresh pages are already
		 * zero: a large table costs no page faults until it is used. */
		if (inject_failure())
			return NULL;
		return calloc(1, count * size > 0 ? count * size : 1);
	}
	p = tandem_malloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

void *tandem_realloc(void *ptr, size_t size)
{
	if (inject_failure())
		return NULL;
	return realloc_fn(ptr, size ? size : 1);
}

void tandem_free(void *ptr)
{
	if (ptr)
		free_fn(ptr);
}

int tandem_replace_allocator(void *(*m)(size_t), void *(*r)(void *, size_t),
			     void (*f)(void *))
{
	if (m == NULL || r == NULL || f == NULL)
		return TANDEM_EINVAL;
	malloc_fn = m;
	realloc_fn = r;
	free_fn = f;
	return 0;
}

void tandem_alloc_fail_at(unsigned long n)
{
	atomic_store(&fail_at, n ? atomic_load(&calls) + n : 0);
}

unsigned long tandem_alloc_calls(void)
{
	return atomic_load(&calls);
}
