/*
 * src/core/json.c - the JSON reader (tandem/json.h): recursive descent
 * over the text, bounded in depth; the elements and members of the
 * containers being read wait on two scratch stacks and are copied into
 * the arena, in one piece, when their container closes.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/error.h"
#include "tandem/json.h"
#include "tandem/slice.h"

#define SCRATCH_MAX (1u << 22)   /* values waiting at once, all depths */

struct parser {
	const char *p;
	size_t len, at;
	struct tandem_arena *a;
	struct tandem_diag *d;
	struct tandem_json *vals;           /* elements of the open arrays */
	size_t nvals, capvals;
	struct tandem_json_member *mems;    /* members of the open objects */
	size_t nmems, capmems;
};

static int fail(struct parser *ps, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *ps, int code, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(void)tandem_diag_add(ps->d, TANDEM_SEV_ERROR, code, "TANDEM-JSON", NULL, 0,
			      "%s at byte %zu", msg, ps->at);
	return code;
}

static void ws(struct parser *ps)
{
	while (ps->at < ps->len && (ps->p[ps->at] == ' ' || ps->p[ps->at] == '\t' ||
				    ps->p[ps->at] == '\n' || ps->p[ps->at] == '\r'))
		ps->at++;
}

static bool word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);

	if (ps->len - ps->at < n || memcmp(ps->p + ps->at, w, n) != 0)
		return false;
	ps->at += n;
	return true;
}

/* Makes room for one more entry of size bytes on a scratch stack. */
static int room(struct parser *ps, void **stack, size_t n, size_t *cap, size_t size)
{
	size_t want;
	void *grown;

	if (n < *cap)
		return 0;
	if (n >= SCRATCH_MAX)
		return fail(ps, TANDEM_ELIMIT, "more than %u values open at once", SCRATCH_MAX);
	want = *cap == 0 ? 64 : *cap * 2;
	grown = realloc(*stack, want * size);
	if (grown == NULL)
		return TANDEM_ENOMEM;
	*stack = grown;
	*cap = want;
	return 0;
}

static int hex4(struct parser *ps, unsigned *v)
{
	*v = 0;
	if (ps->len - ps->at < 4)
		return fail(ps, TANDEM_EBADINPUT, "a \\u escape is cut short");
	for (int i = 0; i < 4; i++) {
		char c = ps->p[ps->at + (size_t)i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*v |= (unsigned)((c | 0x20) - 'a' + 10);
		else
			return fail(ps, TANDEM_EBADINPUT, "a \\u escape has a non-hex digit");
	}
	ps->at += 4;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A \u escape (after the backslash and u): one code point, or a pair of
 * surrogates; a lone surrogate is refused. */
static int unicode_escape(struct parser *ps, char *o, size_t *k)
{
	unsigned cp, lo;
	int rc = hex4(ps, &cp);

	if (rc != 0)
		return rc;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(ps, TANDEM_EUNSUPPORTED, "a lone low surrogate \\u%04x", cp);
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (!word(ps, "\\u"))
			return fail(ps, TANDEM_EUNSUPPORTED, "a lone high surrogate \\u%04x", cp);
		rc = hex4(ps, &lo);
		if (rc != 0)
			return rc;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(ps, TANDEM_EUNSUPPORTED, "a lone high surrogate \\u%04x", cp);
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	*k += put_utf8(o + *k, cp);
	return 0;
}

static int escape(struct parser *ps, char *o, size_t *k)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *c;

	if (ps->at >= ps->len)
		return fail(ps, TANDEM_EBADINPUT, "a string is not closed");
	if (ps->p[ps->at] == 'u') {
		ps->at++;
		return unicode_escape(ps, o, k);
	}
	c = memchr(from, ps->p[ps->at], sizeof from - 1);
	if (c == NULL)
		return fail(ps, TANDEM_EBADINPUT, "an unknown escape");
	o[(*k)++] = to[c - from];
	ps->at++;
	return 0;
}

/* A string (at its opening quote) into the arena: *s, *n. Its end is
 * found first (an escape is a backslash and the byte after it), then it
 * is decoded into room of its written length, which decoding never
 * exceeds. */
static int string(struct parser *ps, const char **s, size_t *n)
{
	size_t end = ++ps->at, k = 0;
	char *o;
	int rc;

	while (end < ps->len && ps->p[end] != '"')
		end += ps->p[end] == '\\' ? 2 : 1;
	if (end >= ps->len)
		return fail(ps, TANDEM_EBADINPUT, "a string is not closed");
	o = tandem_arena_alloc(ps->a, end - ps->at + 1);
	if (o == NULL)
		return tandem_arena_error(ps->a);
	while (ps->at < end) {
		unsigned char b = (unsigned char)ps->p[ps->at];
		size_t c;

		if (b < 0x20)
			return fail(ps, TANDEM_EBADINPUT, "a control character in a string");
		if (b == '\\') {
			ps->at++;
			rc = escape(ps, o, &k);
			if (rc != 0)
				return rc;
			continue;
		}
		c = tandem_utf8_sequence(ps->p + ps->at, end - ps->at, NULL);
		if (c == 0)
			return fail(ps, TANDEM_EBADINPUT, "a string is not UTF-8");
		memcpy(o + k, ps->p + ps->at, c);
		k += c;
		ps->at += c;
	}
	/* An escape cannot reach past end: its hex digits are no quote. */
	ps->at = end + 1;
	o[k] = '\0';
	*s = o;
	*n = k;
	return 0;
}

static bool digit(const struct parser *ps)
{
	return ps->at < ps->len && ps->p[ps->at] >= '0' && ps->p[ps->at] <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?, kept as written. */
static int number(struct parser *ps, struct tandem_json *v)
{
	size_t start = ps->at;

	if (ps->at < ps->len && ps->p[ps->at] == '-')
		ps->at++;
	if (word(ps, "Infinity"))
		goto done;
	if (!digit(ps))
		return fail(ps, TANDEM_EBADINPUT, "no value");
	if (ps->p[ps->at] == '0')
		ps->at++;
	else
		while (digit(ps))
			ps->at++;
	if (ps->at + 1 < ps->len && ps->p[ps->at] == '.' && ps->p[ps->at + 1] >= '0' &&
	    ps->p[ps->at + 1] <= '9') {
		ps->at++;
		while (digit(ps))
			ps->at++;
	}
	if (ps->at < ps->len && (ps->p[ps->at] | 0x20) == 'e') {
		size_t e = ps->at + 1;

		if (e < ps->len && (ps->p[e] == '+' || ps->p[e] == '-'))
			e++;
		if (e < ps->len && ps->p[e] >= '0' && ps->p[e] <= '9') {
			ps->at = e;
			while (digit(ps))
				ps->at++;
		}
	}
done:
	if (ps->at - start > TANDEM_JSON_NUMBER_MAX)
		return fail(ps, TANDEM_ELIMIT, "a number of more than %d bytes",
			    TANDEM_JSON_NUMBER_MAX);
	v->type = TANDEM_JSON_NUMBER;
	v->n = ps->at - start;
	v->u.s = tandem_arena_strndup(ps->a, ps->p + start, v->n);
	return v->u.s != NULL ? 0 : tandem_arena_error(ps->a);
}

static int value(struct parser *ps, struct tandem_json *v, unsigned depth);

static int array(struct parser *ps, struct tandem_json *v, unsigned depth)
{
	size_t base = ps->nvals;
	int rc = 0;

	ps->at++;
	ws(ps);
	if (ps->at < ps->len && ps->p[ps->at] == ']') {
		ps->at++;
	} else {
		for (;;) {
			struct tandem_json item;

			if (ps->nvals - base >= TANDEM_JSON_ITEMS_MAX)
				return fail(ps, TANDEM_ELIMIT, "an array of more than %u elements",
					    TANDEM_JSON_ITEMS_MAX);
			rc = value(ps, &item, depth + 1);
			if (rc == 0)
				rc = room(ps, (void **)&ps->vals, ps->nvals, &ps->capvals,
					  sizeof *ps->vals);
			if (rc != 0)
				return rc;
			ps->vals[ps->nvals++] = item;
			ws(ps);
			if (word(ps, "]"))
				break;
			if (!word(ps, ","))
				return fail(ps, TANDEM_EBADINPUT, "neither ',' nor ']' after an "
					    "element");
		}
	}
	v->type = TANDEM_JSON_ARRAY;
	v->n = ps->nvals - base;
	v->u.items = tandem_arena_calloc(ps->a, v->n + 1, sizeof *v->u.items);
	if (v->u.items == NULL)
		return tandem_arena_error(ps->a);
	if (v->n > 0)
		memcpy(v->u.items, ps->vals + base, v->n * sizeof *v->u.items);
	ps->nvals = base;
	return 0;
}

static bool same_key(const struct tandem_json_member *a, const struct tandem_json_member *b)
{
	if (a->key_len != b->key_len)
		return false;
	for (size_t i = 0; i < a->key_len; i++)
		if (a->key[i] != b->key[i])
			return false;
	return true;
}

/* One member "key": value of the object whose members begin at base; a key
 * seen before takes the new value in its first place. */
static int member(struct parser *ps, size_t base, unsigned depth)
{
	struct tandem_json_member m = { 0 };
	int rc;

	ws(ps);
	if (ps->at >= ps->len || ps->p[ps->at] != '"')
		return fail(ps, TANDEM_EBADINPUT, "a member does not begin with a key");
	rc = string(ps, &m.key, &m.key_len);
	if (rc != 0)
		return rc;
	ws(ps);
	if (!word(ps, ":"))
		return fail(ps, TANDEM_EBADINPUT, "no ':' after a key");
	rc = value(ps, &m.value, depth + 1);
	if (rc != 0)
		return rc;
	for (size_t i = base; i < ps->nmems; i++)
		if (same_key(&ps->mems[i], &m)) {
			ps->mems[i].value = m.value;
			return 0;
		}
	if (ps->nmems - base >= TANDEM_JSON_MEMBERS_MAX)
		return fail(ps, TANDEM_ELIMIT, "an object of more than %u members",
			    TANDEM_JSON_MEMBERS_MAX);
	rc = room(ps, (void **)&ps->mems, ps->nmems, &ps->capmems, sizeof *ps->mems);
	if (rc == 0)
		ps->mems[ps->nmems++] = m;
	return rc;
}

static int object(struct parser *ps, struct tandem_json *v, unsigned depth)
{
	size_t base = ps->nmems;
	int rc;

	ps->at++;
	ws(ps);
	if (ps->at < ps->len && ps->p[ps->at] == '}') {
		ps->at++;
	} else {
		for (;;) {
			rc = member(ps, base, depth);
			if (rc != 0)
				return rc;
			ws(ps);
			if (word(ps, "}"))
				break;
			if (!word(ps, ","))
				return fail(ps, TANDEM_EBADINPUT, "neither ',' nor '}' after a "
					    "member");
		}
	}
	v->type = TANDEM_JSON_OBJECT;
	v->n = ps->nmems - base;
	v->u.members = tandem_arena_calloc(ps->a, v->n + 1, sizeof *v->u.members);
	if (v->u.members == NULL)
		return tandem_arena_error(ps->a);
	if (v->n > 0)
		memcpy(v->u.members, ps->mems + base, v->n * sizeof *v->u.members);
	ps->nmems = base;
	return 0;
}

static int value(struct parser *ps, struct tandem_json *v, unsigned depth)
{
	memset(v, 0, sizeof *v);
	ws(ps);
	if (ps->at >= ps->len)
		return fail(ps, TANDEM_EBADINPUT, "no value");
	switch (ps->p[ps->at]) {
	case '[':
	case '{':
		if (depth >= TANDEM_JSON_DEPTH_MAX)
			return fail(ps, TANDEM_ELIMIT, "more than %d arrays and objects inside "
				    "each other", TANDEM_JSON_DEPTH_MAX);
		return ps->p[ps->at] == '[' ? array(ps, v, depth) : object(ps, v, depth);
	case '"':
		v->type = TANDEM_JSON_STRING;
		return string(ps, &v->u.s, &v->n);
	default:
		break;
	}
	if (word(ps, "null"))
		v->type = TANDEM_JSON_NULL;
	else if (word(ps, "true"))
		v->type = TANDEM_JSON_TRUE;
	else if (word(ps, "false"))
		v->type = TANDEM_JSON_FALSE;
	else if (word(ps, "NaN"))
		*v = (struct tandem_json){ .type = TANDEM_JSON_NUMBER, .n = 3, .u.s = "NaN" };
	else
		return number(ps, v);
	return 0;
}

int tandem_json_parse(const char *text, size_t len, struct tandem_arena *a,
		      struct tandem_json **out, struct tandem_diag *d)
{
	struct parser ps = { .p = text, .len = len, .a = a, .d = d };
	struct tandem_json *v;
	int rc;

	*out = NULL;
	if (len > TANDEM_JSON_TEXT_MAX)
		return fail(&ps, TANDEM_ELIMIT, "a text of %zu bytes, beyond the limit", len);
	v = tandem_arena_alloc(a, sizeof *v);
	if (v == NULL)
		return tandem_arena_error(a);
	rc = value(&ps, v, 0);
	if (rc == 0) {
		ws(&ps);
		if (ps.at < ps.len)
			rc = fail(&ps, TANDEM_EBADINPUT, "data after the value");
	}
	free(ps.vals);
	free(ps.mems);
	if (rc == 0)
		*out = v;
	return rc;
}

const struct tandem_json *tandem_json_get(const struct tandem_json *v, const char *key)
{
	size_t n = strlen(key);

	if (v == NULL || v->type != TANDEM_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (v->u.members[i].key_len == n && memcmp(v->u.members[i].key, key, n) == 0)
			return &v->u.members[i].value;
	return NULL;
}
