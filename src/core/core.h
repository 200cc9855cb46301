/*
 * src/core/core.h - small helpers shared by every module of the library.
 * Not part of the public API: the CLI and outside callers never include it.
 */
#ifndef TANDEM_CORE_H
#define TANDEM_CORE_H

#include "tandem/alloc.h"
#include "tandem/assert.h"
#include "tandem/error.h"

#define TANDEM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline int tandem__is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int tandem__is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int tandem__is_lower(int c) { return c >= 'a' && c <= 'z'; }

#endif /* TANDEM_CORE_H */
