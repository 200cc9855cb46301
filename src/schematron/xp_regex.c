/*
 * src/schematron/xp_regex.c - fn:matches with XML Schema / XPath regular
 * expressions, run by PCRE2 (Debian's libpcre2-8).
 *
 * The two dialects agree on what validation rules use (classes, ranges,
 * quantifiers, anchors, \d \s \w). The differences handled here:
 *   - XPath's $ matches only at the very end unless the m flag is given
 *     (PCRE2_DOLLAR_ENDONLY);
 *   - \i, \I, \c, \C (XML name characters) become explicit classes;
 *   - \d, \w are Unicode classes (PCRE2_UCP), \s is the four XML spaces;
 *   - character-class subtraction [a-z-[aeiou]] and back-references are
 *     not accepted, and the expression fails to compile with FORX0002.
 * Compiled patterns are cached per thread (at most REGEX_CACHE entries).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "core/core.h"
#include "xp.h"

#define REGEX_CACHE 64
#define REGEX_PATTERN_MAX 4096

struct cached {
	char key[REGEX_PATTERN_MAX + 8]; /* flags, NUL, pattern */
	size_t key_len;
	pcre2_code *code;
};

static _Thread_local struct cached *cache;
static _Thread_local size_t cache_n;
static _Thread_local pcre2_match_data *md;

void xp_regex_release(void)
{
	for (size_t i = 0; i < cache_n; i++)
		pcre2_code_free(cache[i].code);
	tandem_free(cache);
	cache = NULL;
	cache_n = 0;
	pcre2_match_data_free(md);
	md = NULL;
}

static const char name_start[] = ":A-Z_a-z\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{2FF}"
				 "\\x{370}-\\x{37D}\\x{37F}-\\x{1FFF}\\x{200C}-\\x{200D}"
				 "\\x{2070}-\\x{218F}\\x{2C00}-\\x{2FEF}\\x{3001}-\\x{D7FF}"
				 "\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFFD}";
static const char name_more[] = "\\-.0-9\\x{B7}\\x{300}-\\x{36F}\\x{203F}-\\x{2040}";

static int put(char *out, size_t *k, size_t max, const char *s)
{
	size_t n = strlen(s);
	if (*k + n >= max)
		return -1;
	memcpy(out + *k, s, n + 1); /* with its NUL */
	*k += n;
	return 0;
}

/* Rewrites an XSD regex into PCRE2 syntax; -1 when it is not supported. */
static int translate(const char *p, size_t n, char *out, size_t max)
{
	size_t k = 0;
	int in_class = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];
		char tmp[2] = {ch, 0};
		if (ch == '\\' && i + 1 < n) {
			char e = p[++i];
			const char *rep = NULL;
			char buf[512];
			switch (e) {
			case 'i':
			case 'c':
				snprintf(buf, sizeof buf, in_class ? "%s%s" : "[%s%s]", name_start,
					 e == 'c' ? name_more : "");
				rep = buf;
				break;
			case 'I':
			case 'C':
				if (in_class)
					return -1;
				snprintf(buf, sizeof buf, "[^%s%s]", name_start,
					 e == 'C' ? name_more : "");
				rep = buf;
				break;
			case 's':
				rep = in_class ? " \\t\\n\\r" : "[ \\t\\n\\r]";
				break;
			case 'w':
				/* XSD: every character but punctuation, separators, others. */
				rep = in_class ? "\\p{L}\\p{M}\\p{N}\\p{S}" : "[\\p{L}\\p{M}\\p{N}\\p{S}]";
				break;
			case 'W':
				if (in_class)
					return -1;
				rep = "[^\\p{L}\\p{M}\\p{N}\\p{S}]";
				break;
			case 'S':
				if (in_class)
					return -1;
				rep = "[^ \\t\\n\\r]";
				break;
			default:
				if (e >= '0' && e <= '9')
					return -1; /* back-reference */
				buf[0] = '\\';
				buf[1] = e;
				buf[2] = 0;
				rep = buf;
			}
			if (put(out, &k, max, rep))
				return -1;
			continue;
		}
		if (ch == '[') {
			if (in_class)
				return -1;
			in_class = 1;
		} else if (ch == ']' && in_class) {
			in_class = 0;
		} else if (ch == '-' && in_class && i + 1 < n && p[i + 1] == '[') {
			return -1; /* class subtraction */
		}
		if (put(out, &k, max, tmp))
			return -1;
	}
	out[k] = '\0';
	return in_class ? -1 : 0;
}

static pcre2_code *compile(struct xp_ctx *c, const char *pat, size_t pat_len,
			   const char *flags, size_t flags_len)
{
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY;
	for (size_t i = 0; i < flags_len; i++) {
		switch (flags[i]) {
		case 's': opts |= PCRE2_DOTALL; break;
		case 'm': opts = (opts | PCRE2_MULTILINE) & ~(uint32_t)PCRE2_DOLLAR_ENDONLY; break;
		case 'i': opts |= PCRE2_CASELESS; break;
		case 'x': opts |= PCRE2_EXTENDED; break;
		default:
			xp_error(c, "FORX0001", "invalid regular expression flag '%c'", flags[i]);
			return NULL;
		}
	}
	char buf[REGEX_PATTERN_MAX * 4];
	if (pat_len > REGEX_PATTERN_MAX || translate(pat, pat_len, buf, sizeof buf)) {
		xp_error(c, "FORX0002", "unsupported regular expression \"%.*s\"",
			 (int)(pat_len > 80 ? 80 : pat_len), pat);
		return NULL;
	}
	int err;
	PCRE2_SIZE off;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)buf, PCRE2_ZERO_TERMINATED, opts, &err, &off,
					 NULL);
	if (!code)
		xp_error(c, "FORX0002", "invalid regular expression \"%.*s\"",
			 (int)(pat_len > 80 ? 80 : pat_len), pat);
	return code;
}

/* The compiled form of (pat, flags), from the cache or compiled now. */
static pcre2_code *lookup(struct xp_ctx *c, const char *pat, size_t pat_len, const char *flags,
			  size_t flags_len)
{
	if (pat_len > REGEX_PATTERN_MAX || flags_len > 4) {
		xp_error(c, "FORX0002", "regular expression too long");
		return NULL;
	}
	char key[REGEX_PATTERN_MAX + 8];
	size_t key_len = flags_len + 1 + pat_len;
	memcpy(key, flags, flags_len);
	key[flags_len] = '\0';
	memcpy(key + flags_len + 1, pat, pat_len);
	for (size_t i = 0; i < cache_n; i++) {
		if (cache[i].key_len == key_len && memcmp(cache[i].key, key, key_len) == 0)
			return cache[i].code;
	}
	if (!cache && !(cache = tandem_calloc(REGEX_CACHE, sizeof *cache))) {
		c->err = TANDEM_ENOMEM;
		return NULL;
	}
	if (cache_n == REGEX_CACHE) {
		/* Full: the oldest entry goes. */
		pcre2_code_free(cache[0].code);
		memmove(cache, cache + 1, (REGEX_CACHE - 1) * sizeof *cache);
		cache_n--;
	}
	pcre2_code *code = compile(c, pat, pat_len, flags, flags_len);
	if (!code)
		return NULL;
	memcpy(cache[cache_n].key, key, key_len);
	cache[cache_n].key_len = key_len;
	cache[cache_n].code = code;
	cache_n++;
	return code;
}

int xp_regex_find(struct xp_ctx *c, const char *s, size_t n, size_t from, const char *pat,
		  size_t pat_len, const char *flags, size_t flags_len, bool *found, size_t *start,
		  size_t *end)
{
	pcre2_code *code = lookup(c, pat, pat_len, flags, flags_len);
	if (!code)
		return c->err ? c->err : TANDEM_EBADINPUT;
	if (!md && !(md = pcre2_match_data_create(1, NULL)))
		return TANDEM_ENOMEM;
	c->steps += (n - from) / 8 + 1;
	int rc = pcre2_match(code, (PCRE2_SPTR)s, n, from, 0, md, NULL);
	if (rc == PCRE2_ERROR_NOMATCH) {
		*found = false;
		return 0;
	}
	if (rc < 0)
		return xp_error(c, "FORX0002", "regular expression failed on the input (PCRE2 %d)", rc);
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	*found = true;
	*start = ov[0];
	*end = ov[1];
	return 0;
}

int xp_regex_match(struct xp_ctx *c, const char *s, size_t n, const char *pat, size_t pat_len,
		   const char *flags, size_t flags_len, bool *out)
{
	size_t b, e;
	return xp_regex_find(c, s, n, 0, pat, pat_len, flags, flags_len, out, &b, &e);
}

int xp_regex_replace(struct xp_ctx *c, const char *s, size_t n, const char *pat, size_t pat_len,
		     const char *rep, size_t rep_len, const char *flags, size_t flags_len,
		     const char **out, size_t *out_len)
{
	pcre2_code *code = lookup(c, pat, pat_len, flags, flags_len);
	if (!code)
		return c->err ? c->err : TANDEM_EBADINPUT;
	/* XPath writes a literal $ as \$ and \ as \\; PCRE2 writes $$ and \. */
	char *r = xp_alloc(c, rep_len * 2 + 1);
	if (!r)
		return c->err;
	size_t k = 0;
	for (size_t i = 0; i < rep_len; i++) {
		if (rep[i] == '\\') {
			if (i + 1 < rep_len && (rep[i + 1] == '$' || rep[i + 1] == '\\')) {
				if (rep[++i] == '$')
					r[k++] = '$';
				r[k++] = rep[i];
				continue;
			}
			return xp_error(c, "FORX0004", "invalid replacement string");
		}
		if (rep[i] == '$' && !(i + 1 < rep_len && rep[i + 1] >= '0' && rep[i + 1] <= '9'))
			return xp_error(c, "FORX0004", "invalid replacement string");
		r[k++] = rep[i];
	}
	/* A pattern that matches the empty string is an error (FORX0003). */
	pcre2_match_data *gd = pcre2_match_data_create_from_pattern(code, NULL);
	if (!gd)
		return TANDEM_ENOMEM;
	if (pcre2_match(code, (PCRE2_SPTR) "", 0, 0, 0, gd, NULL) >= 0) {
		pcre2_match_data_free(gd);
		return xp_error(c, "FORX0003", "replace() pattern matches the empty string");
	}
	size_t cap = n * 2 + 64;
	for (int attempt = 0; attempt < 6; attempt++) {
		char *buf = xp_alloc(c, cap);
		if (!buf)
			return c->err;
		PCRE2_SIZE len = cap;
		int rc = pcre2_substitute(code, (PCRE2_SPTR)s, n, 0,
					  PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH, gd,
					  NULL, (PCRE2_SPTR)r, k, (PCRE2_UCHAR *)buf, &len);
		c->steps += n / 8 + 1;
		if (rc >= 0) {
			pcre2_match_data_free(gd);
			*out = buf;
			*out_len = len;
			return 0;
		}
		if (rc != PCRE2_ERROR_NOMEMORY) {
			pcre2_match_data_free(gd);
			return xp_error(c, "FORX0004", "replace() failed (PCRE2 %d)", rc);
		}
		cap = len + 1;
	}
	pcre2_match_data_free(gd);
	return xp_error(c, "FORX0004", "replace() result too long");
}
