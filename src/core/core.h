/*
 * src/core/core.h - small helpers shared by every module of the library.
 * Not part of the public API: the CLI and outside callers never include it.
 */
#ifndef TANDEM_CORE_H
#define TANDEM_CORE_H

#include "tandem/alloc.h"
#include "tandem/assert.h"
#include "tandem/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TANDEM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline int tandem__is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int tandem__is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int tandem__is_lower(int c) { return c >= 'a' && c <= 'z'; }

/* FNV-1a, 64 bits, of a NUL-terminated string: the hash of the library's
 * small in-memory tables (statement caches, lookup memos). */
static inline uint64_t tandem__fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/*
 * Makes the pages of [p, p + n) present and writable with one system call
 * (MADV_POPULATE_WRITE), for memory about to be filled: false when the
 * kernel cannot (then they fault in one by one when first written, as
 * without this call). Only for private anonymous memory. src/core/pages.c.
 */
bool tandem_pages_populate(void *p, size_t n);

#endif /* TANDEM_CORE_H */
