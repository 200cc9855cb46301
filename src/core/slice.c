/*
 * src/core/slice.c - string slice helpers (tandem/slice.h).
 */
#include <string.h>

#include "tandem/slice.h"

struct tandem_slice tandem_slice_from_cstr(const char *s)
{
	return tandem_slice_make(s ? s : "", s ? strlen(s) : 0);
}

bool tandem_slice_eq(struct tandem_slice a, struct tandem_slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool tandem_slice_eq_cstr(struct tandem_slice a, const char *s)
{
	return tandem_slice_eq(a, tandem_slice_from_cstr(s));
}

bool tandem_slice_has_prefix(struct tandem_slice s, const char *prefix)
{
	size_t n = strlen(prefix);
	/* A zero-initialised slice has ptr NULL: never hand it to memcmp. */
	return s.len >= n && (n == 0 || memcmp(s.ptr, prefix, n) == 0);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

struct tandem_slice tandem_slice_trim(struct tandem_slice s)
{
	while (s.len && is_space(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	while (s.len && is_space(s.ptr[s.len - 1]))
		s.len--;
	return s;
}

bool tandem_slice_cut(struct tandem_slice s, char sep,
		      struct tandem_slice *before, struct tandem_slice *after)
{
	const char *p = s.len ? memchr(s.ptr, sep, s.len) : NULL;

	if (p == NULL) {
		*before = s;
		/* No pointer arithmetic on a NULL ptr (a {NULL, 0} slice). */
		*after = tandem_slice_make(s.len ? s.ptr + s.len : s.ptr, 0);
		return false;
	}
	*before = tandem_slice_make(s.ptr, (size_t)(p - s.ptr));
	*after = tandem_slice_make(p + 1, s.len - (size_t)(p - s.ptr) - 1);
	return true;
}

bool tandem_slice_has_nul(struct tandem_slice s)
{
	return s.len && memchr(s.ptr, '\0', s.len) != NULL;
}

size_t tandem_utf8_sequence(const char *str, size_t n, unsigned *cp_out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len;
	unsigned min, cp;

	if (s[0] < 0x80) {
		if (cp_out)
			*cp_out = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, min = 0x80, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, min = 0x800, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, min = 0x10000, cp = s[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	if (cp_out)
		*cp_out = cp;
	return len;
}
