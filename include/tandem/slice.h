/*
 * tandem/slice.h - string slices: a pointer and a length, owning nothing.
 *
 * Parsers hand out slices into their input instead of copies. A slice may
 * contain NUL bytes and is not NUL-terminated; whoever made it says how long
 * the bytes behind it live.
 */
#ifndef TANDEM_SLICE_H
#define TANDEM_SLICE_H

#include <stdbool.h>
#include <stddef.h>

struct tandem_slice {
	const char *ptr;
	size_t len;
};

static inline struct tandem_slice tandem_slice_make(const char *p, size_t n)
{
	struct tandem_slice s = {p, n};
	return s;
}

/* A slice over a NUL-terminated string (NULL gives the empty slice). */
struct tandem_slice tandem_slice_from_cstr(const char *s);

bool tandem_slice_eq(struct tandem_slice a, struct tandem_slice b);
bool tandem_slice_eq_cstr(struct tandem_slice a, const char *s);
bool tandem_slice_has_prefix(struct tandem_slice s, const char *prefix);

/* Removes ASCII whitespace (space, tab, CR, LF, VT, FF) at both ends. */
struct tandem_slice tandem_slice_trim(struct tandem_slice s);

/*
 * Splits s at the first sep: before gets what precedes it, after what follows.
 * Returns false (before = s, after empty) when sep does not occur.
 */
bool tandem_slice_cut(struct tandem_slice s, char sep,
		      struct tandem_slice *before, struct tandem_slice *after);

/* True if the slice holds a NUL byte (such input is never a valid C string). */
bool tandem_slice_has_nul(struct tandem_slice s);

/*
 * Length (1 to 4) of the valid UTF-8 sequence at s, reading at most n
 * bytes; 0 if the bytes there are not valid UTF-8 (overlong forms,
 * surrogates and code points above U+10FFFF are invalid). If cp is not
 * NULL it receives the code point. n must be at least 1.
 */
size_t tandem_utf8_sequence(const char *s, size_t n, unsigned *cp);

#endif /* TANDEM_SLICE_H */
