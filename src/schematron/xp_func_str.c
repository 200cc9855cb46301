/*
 * src/schematron/xp_func_str.c - the string and regular-expression functions
 * of XPath 2.0 used by the validation artefacts, one entry per function and
 * arity range in the table at the end of the file (xp_func_find() searches
 * it after the one of xp_func.c).
 *
 * Strings are compared and measured in Unicode code points, as XPath does
 * (string-length("é") is 1), never in bytes.
 */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "xp.h"

/* String value of an optional argument ("" for the empty sequence). */
static int opt_string(struct xp_ctx *c, struct xp_seq *arg, const char *fn, const char **p,
		      size_t *n)
{
	*p = "";
	*n = 0;
	struct xp_item *it = NULL;
	if (xp_arg_atomic(c, arg, fn, &it))
		return c->err;
	if (!it) {
		*p = "";
		*n = 0;
		return 0;
	}
	return xp_item_string(c, it, p, n);
}

static size_t utf8_len(const char *p, size_t n)
{
	size_t cps = 0;
	for (size_t i = 0; i < n; i++)
		cps += ((unsigned char)p[i] & 0xC0) != 0x80;
	return cps;
}

/* Byte offset of code point number cp (0-based) in p, or n. */
static size_t utf8_offset(const char *p, size_t n, size_t cp)
{
	size_t i = 0;
	while (i < n && cp) {
		i++;
		while (i < n && ((unsigned char)p[i] & 0xC0) == 0x80)
			i++;
		cp--;
	}
	return i;
}

static int fn_string(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		     struct xp_seq *out)
{
	struct xp_seq arg = {0};
	const char *p;
	size_t len;
	if (n == 0 ? xp_arg_context(c, f, &arg) : (arg = a[0], 0))
		return c->err;
	if (arg.n > 1)
		return xp_error(c, "XPTY0004",
				"a sequence of more than one item is not allowed as the first argument of string()");
	if (arg.n == 0)
		return xp_seq_string(c, "", 0, out);
	if (xp_item_string(c, &arg.it[0], &p, &len))
		return c->err;
	return xp_seq_string(c, p, len, out);
}

static int fn_string_length(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			    size_t n, struct xp_seq *out)
{
	struct xp_seq arg = {0};
	const char *p;
	size_t len;
	if (n == 0 ? xp_arg_context(c, f, &arg) : (arg = a[0], 0))
		return c->err;
	if (opt_string(c, &arg, "string-length", &p, &len))
		return c->err;
	struct xp_item it = {.type = XP_INTEGER, .v.dec = {(tandem_i128)utf8_len(p, len), 0}};
	return xp_seq_one(c, &it, out);
}

static bool xml_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static int fn_normalize_space(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			      size_t n, struct xp_seq *out)
{
	struct xp_seq arg = {0};
	const char *p;
	size_t len;
	if (n == 0 ? xp_arg_context(c, f, &arg) : (arg = a[0], 0))
		return c->err;
	if (opt_string(c, &arg, "normalize-space", &p, &len))
		return c->err;
	char *buf = xp_alloc(c, len + 1);
	if (!buf)
		return c->err;
	size_t k = 0;
	bool gap = false;
	for (size_t i = 0; i < len; i++) {
		if (xml_space(p[i])) {
			gap = k > 0;
			continue;
		}
		if (gap)
			buf[k++] = ' ';
		gap = false;
		buf[k++] = p[i];
	}
	return xp_seq_string(c, buf, k, out);
}

static int fn_concat(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		     struct xp_seq *out)
{
	(void)f;
	const char *parts[16];
	size_t lens[16], total = 0;
	for (size_t i = 0; i < n; i++) {
		if (opt_string(c, &a[i], "concat", &parts[i], &lens[i]))
			return c->err;
		total += lens[i];
	}
	char *buf = xp_alloc(c, total + 1);
	if (!buf)
		return c->err;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(buf + k, parts[i], lens[i]);
		k += lens[i];
	}
	return xp_seq_string(c, buf, k, out);
}

static int two_strings(struct xp_ctx *c, struct xp_seq *a, const char *fn, const char **p,
		       size_t *pn, const char **q, size_t *qn)
{
	*q = "";
	*qn = 0;
	if (opt_string(c, &a[0], fn, p, pn) || opt_string(c, &a[1], fn, q, qn))
		return c->err;
	return 0;
}

/*
 * First occurrence of q in p, byte-wise (UTF-8 makes that a code-point
 * match). Horspool's search: after a mismatch the window moves by the shift
 * of its last byte, so the code lists of contains(' AED AFN ...', ...) are
 * read a few bytes per step, not byte by byte.
 */
static const char *find(const char *p, size_t pn, const char *q, size_t qn)
{
	if (qn == 0)
		return p;
	if (qn > pn)
		return NULL;
	if (qn < 3) {
		for (size_t i = 0; i + qn <= pn; i++) {
			if (p[i] == q[0] && memcmp(p + i, q, qn) == 0)
				return p + i;
		}
		return NULL;
	}
	/* A shift never exceeds the true one, so capping at 255 stays exact. */
	unsigned char shift[256];
	size_t cap = qn < 255 ? qn : 255;
	memset(shift, (int)cap, sizeof shift);
	for (size_t i = 0; i + 1 < qn; i++) {
		size_t s = qn - 1 - i;
		shift[(unsigned char)q[i]] = (unsigned char)(s < cap ? s : cap);
	}
	/* Compared from the end in place: in a code list the window's last
	 * byte (a space) matches at every code, the one before it rarely. */
	for (size_t i = 0; i + qn <= pn; i += shift[(unsigned char)p[i + qn - 1]]) {
		size_t j = qn;
		while (j > 0 && p[i + j - 1] == q[j - 1])
			j--;
		if (j == 0)
			return p + i;
	}
	return NULL;
}

/*
 * A long string literal searched by contains(), typically a code list
 * (' AED AFN ALL ... '): for each trigram, the positions where it starts,
 * chained through buckets. A search looks only at the positions of the
 * needle's first trigram.
 */
#define XP_LIT_INDEX_MAX 65534 /* positions + 1 fit in 16 bits */
struct xp_lit_index {
	const char *p;
	size_t n;
	uint32_t mask;  /* buckets - 1; about one bucket per 4 bytes */
	uint16_t *head; /* by bucket: first position + 1, 0 for none */
	uint16_t *next; /* by position: next position + 1 in its bucket */
};

static uint32_t trigram_bucket(const char *p, uint32_t mask)
{
	uint32_t t = (uint32_t)(unsigned char)p[0] << 16 | (uint32_t)(unsigned char)p[1] << 8 |
		     (uint32_t)(unsigned char)p[2];
	return (t * 0x9E3779B1u) >> 8 & mask;
}

int xp_lit_index_build(struct tandem_arena *a, const char *p, size_t n,
		       struct xp_lit_index **out)
{
	*out = NULL;
	if (n < 3 || n > XP_LIT_INDEX_MAX)
		return 0;
	struct xp_lit_index *ix = tandem_arena_calloc(a, 1, sizeof *ix);
	uint32_t buckets = 64;
	while (buckets < n / 4)
		buckets *= 2;
	if (ix) {
		ix->head = tandem_arena_calloc(a, buckets, sizeof *ix->head);
		ix->next = tandem_arena_calloc(a, n, sizeof *ix->next);
	}
	if (!ix || !ix->head || !ix->next)
		return TANDEM_ENOMEM;
	ix->p = p;
	ix->n = n;
	ix->mask = buckets - 1;
	for (size_t i = n - 3 + 1; i-- > 0;) {
		uint32_t b = trigram_bucket(p + i, ix->mask);
		ix->next[i] = ix->head[b];
		ix->head[b] = (uint16_t)(i + 1);
	}
	*out = ix;
	return 0;
}

bool xp_lit_index_check(const struct xp_lit_index *ix,
			bool (*in)(const void *arg, const void *p, size_t count, size_t size,
				   size_t align),
			const void *arg)
{
	if (!in(arg, ix, 1, sizeof *ix, _Alignof(struct xp_lit_index)) || ix->n < 3 ||
	    ix->n > XP_LIT_INDEX_MAX || ix->mask >= XP_LIT_INDEX_MAX ||
	    !in(arg, ix->p, ix->n, 1, 1) || !in(arg, ix->head, (size_t)ix->mask + 1, 2, 2) ||
	    !in(arg, ix->next, ix->n, 2, 2))
		return false;
	/* Positions + 1 of trigrams: at most n - 2. */
	for (size_t b = 0; b <= ix->mask; b++)
		if (ix->head[b] > ix->n - 2)
			return false;
	for (size_t i = 0; i < ix->n; i++)
		if (ix->next[i] && (ix->next[i] <= i + 1 || ix->next[i] > ix->n - 2))
			return false;
	return true;
}

int xp_contains_indexed(struct xp_ctx *c, const struct xp_lit_index *ix, struct xp_seq *arg,
			bool *out)
{
	const char *q;
	size_t qn;
	*out = false;
	if (opt_string(c, arg, "contains", &q, &qn))
		return c->err;
	c->steps++;
	if (qn < 3) {
		*out = find(ix->p, ix->n, q, qn) != NULL;
		return 0;
	}
	for (size_t k = ix->head[trigram_bucket(q, ix->mask)]; k && !*out; k = ix->next[k - 1]) {
		size_t at = k - 1;
		c->steps++;
		*out = at + qn <= ix->n && memcmp(ix->p + at, q, qn) == 0;
	}
	return xp_limit_steps(c);
}

static int fn_contains(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		       struct xp_seq *out)
{
	const char *p, *q;
	size_t pn, qn;
	(void)f, (void)n;
	if (two_strings(c, a, "contains", &p, &pn, &q, &qn))
		return c->err;
	c->steps += pn / 16;
	return xp_seq_bool(c, find(p, pn, q, qn) != NULL, out);
}

static int fn_starts_with(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			  size_t n, struct xp_seq *out)
{
	const char *p, *q;
	size_t pn, qn;
	(void)f, (void)n;
	if (two_strings(c, a, "starts-with", &p, &pn, &q, &qn))
		return c->err;
	return xp_seq_bool(c, qn <= pn && memcmp(p, q, qn) == 0, out);
}

static int fn_ends_with(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
			struct xp_seq *out)
{
	const char *p, *q;
	size_t pn, qn;
	(void)f, (void)n;
	if (two_strings(c, a, "ends-with", &p, &pn, &q, &qn))
		return c->err;
	return xp_seq_bool(c, qn <= pn && memcmp(p + pn - qn, q, qn) == 0, out);
}

static int fn_substring_before(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			       size_t n, struct xp_seq *out)
{
	const char *p, *q;
	size_t pn, qn;
	(void)f, (void)n;
	if (two_strings(c, a, "substring-before", &p, &pn, &q, &qn))
		return c->err;
	const char *at = find(p, pn, q, qn);
	return xp_seq_string(c, p, at ? (size_t)(at - p) : 0, out);
}

static int fn_substring_after(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			      size_t n, struct xp_seq *out)
{
	const char *p, *q;
	size_t pn, qn;
	(void)f, (void)n;
	if (two_strings(c, a, "substring-after", &p, &pn, &q, &qn))
		return c->err;
	const char *at = find(p, pn, q, qn);
	if (!at)
		return xp_seq_string(c, "", 0, out);
	return xp_seq_string(c, at + qn, pn - (size_t)(at - p) - qn, out);
}

static int double_arg(struct xp_ctx *c, struct xp_seq *arg, const char *fn, double *d)
{
	*d = 0;
	struct xp_item x = {0};
	bool none = false;
	if (xp_arg_numeric(c, arg, fn, &x, &none))
		return c->err;
	if (none)
		return xp_error(c, "XPTY0004", "%s() needs a number", fn);
	*d = xp_to_double(&x);
	return 0;
}

/* substring($s, $start, $len): code points p with round(start) <= p < round(start)+round(len). */
static int fn_substring(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
			struct xp_seq *out)
{
	const char *p;
	size_t pn;
	double start, len = INFINITY;
	(void)f;
	if (opt_string(c, &a[0], "substring", &p, &pn) || double_arg(c, &a[1], "substring", &start) ||
	    (n == 3 && double_arg(c, &a[2], "substring", &len)))
		return c->err;
	double from = floor(start + 0.5);
	double to = n == 3 ? from + floor(len + 0.5) : INFINITY;
	if (isnan(from) || isnan(to))
		return xp_seq_string(c, "", 0, out);
	size_t cps = utf8_len(p, pn);
	double lo = from < 1 ? 1 : from;
	double hi = to > (double)cps + 1 ? (double)cps + 1 : to;
	if (hi <= lo)
		return xp_seq_string(c, "", 0, out);
	size_t b = utf8_offset(p, pn, (size_t)lo - 1);
	size_t e = utf8_offset(p, pn, (size_t)hi - 1);
	return xp_seq_string(c, p + b, e - b, out);
}

/*
 * Simple Unicode case mapping for the scripts of European invoices: Latin-1,
 * Latin Extended-A, basic Greek and Cyrillic; 'ß' upper-cases to "SS" (the
 * full mapping). Other code points are kept.
 */
static uint32_t map_case(uint32_t cp, bool upper)
{
	if (cp < 0x80) {
		if (upper && cp >= 'a' && cp <= 'z')
			return cp - 32;
		if (!upper && cp >= 'A' && cp <= 'Z')
			return cp + 32;
		return cp;
	}
	if (upper) {
		if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7)
			return cp - 32;
		if (cp == 0xFF)
			return 0x178;
		if (cp >= 0x100 && cp <= 0x17F && cp != 0x131 && cp != 0x138 && cp != 0x149 &&
		    cp != 0x17F) {
			bool odd_lower = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
			if (odd_lower ? (cp % 2 == 0) : (cp % 2 == 1))
				return cp - 1;
			return cp;
		}
		if (cp >= 0x3B1 && cp <= 0x3C9 && cp != 0x3C2)
			return cp - 32;
		if (cp >= 0x430 && cp <= 0x44F)
			return cp - 32;
		if (cp >= 0x450 && cp <= 0x45F)
			return cp - 80;
		return cp;
	}
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 32;
	if (cp == 0x178)
		return 0xFF;
	if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x138 && cp != 0x149) {
		bool odd_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
		if (odd_upper ? (cp % 2 == 1) : (cp % 2 == 0))
			return cp + 1;
		return cp;
	}
	if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
		return cp + 32;
	if (cp >= 0x410 && cp <= 0x42F)
		return cp + 32;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 80;
	return cp;
}

static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static int next_cp(const char *p, size_t n, size_t *i, uint32_t *cp);

static int case_map(struct xp_ctx *c, struct xp_seq *a, const char *fn, bool upper,
		    struct xp_seq *out)
{
	const char *p;
	size_t pn;
	if (opt_string(c, &a[0], fn, &p, &pn))
		return c->err;
	char *buf = xp_alloc(c, pn * 2 + 1); /* "ß" (2 bytes) -> "SS": never more than double */
	if (!buf)
		return c->err;
	size_t k = 0;
	for (size_t i = 0; i < pn;) {
		uint32_t cp;
		next_cp(p, pn, &i, &cp);
		if (upper && cp == 0xDF) {
			buf[k++] = 'S';
			buf[k++] = 'S';
			continue;
		}
		k += put_utf8(buf + k, map_case(cp, upper));
	}
	return xp_seq_string(c, buf, k, out);
}

static int fn_upper_case(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
			 struct xp_seq *out)
{
	(void)f, (void)n;
	return case_map(c, a, "upper-case", true, out);
}

static int fn_lower_case(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
			 struct xp_seq *out)
{
	(void)f, (void)n;
	return case_map(c, a, "lower-case", false, out);
}

static int next_cp(const char *p, size_t n, size_t *i, uint32_t *cp)
{
	size_t len = tandem_utf8_sequence(p + *i, n - *i, cp);
	if (!len) {
		*cp = (unsigned char)p[*i];
		len = 1;
	}
	*i += len;
	return 0;
}

static int fn_translate(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
			struct xp_seq *out)
{
	const char *p, *from, *to;
	size_t pn, fn_, tn;
	(void)f, (void)n;
	if (opt_string(c, &a[0], "translate", &p, &pn) ||
	    opt_string(c, &a[1], "translate", &from, &fn_) ||
	    opt_string(c, &a[2], "translate", &to, &tn))
		return c->err;
	char *buf = xp_alloc(c, pn * 4 + 1);
	if (!buf)
		return c->err;
	size_t k = 0;
	for (size_t i = 0; i < pn;) {
		size_t start = i;
		uint32_t cp;
		next_cp(p, pn, &i, &cp);
		/* Position of cp in from. */
		size_t idx = 0, j = 0;
		bool found = false;
		while (j < fn_) {
			uint32_t x;
			next_cp(from, fn_, &j, &x);
			if (x == cp) {
				found = true;
				break;
			}
			idx++;
		}
		if (!found) {
			memcpy(buf + k, p + start, i - start);
			k += i - start;
			continue;
		}
		size_t t = 0, tstart = 0;
		for (size_t m = 0; t < tn; m++) {
			tstart = t;
			uint32_t x;
			next_cp(to, tn, &t, &x);
			if (m == idx) {
				memcpy(buf + k, to + tstart, t - tstart);
				k += t - tstart;
				break;
			}
		}
	}
	return xp_seq_string(c, buf, k, out);
}

static int fn_matches(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		      struct xp_seq *out)
{
	const char *p, *pat, *flags = "";
	size_t pn, patn, fln = 0;
	bool r = false;
	(void)f;
	if (opt_string(c, &a[0], "matches", &p, &pn) || opt_string(c, &a[1], "matches", &pat, &patn) ||
	    (n == 3 && opt_string(c, &a[2], "matches", &flags, &fln)))
		return c->err;
	if (xp_regex_match(c, p, pn, pat, patn, flags, fln, &r))
		return c->err;
	return xp_seq_bool(c, r, out);
}

/* tokenize($s, $pattern[, $flags]): the parts between matches. */
static int fn_tokenize(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		       struct xp_seq *out)
{
	const char *p, *pat, *flags = "";
	size_t pn, patn, fln = 0;
	(void)f;
	if (opt_string(c, &a[0], "tokenize", &p, &pn) || opt_string(c, &a[1], "tokenize", &pat, &patn) ||
	    (n == 3 && opt_string(c, &a[2], "tokenize", &flags, &fln)))
		return c->err;
	out->it = NULL;
	out->n = 0;
	if (pn == 0)
		return 0;
	size_t cap = 8, from = 0, piece = 0;
	struct xp_item *it = xp_alloc(c, cap * sizeof *it);
	if (!it)
		return c->err;
	for (;;) {
		bool found = false;
		size_t b, e;
		if (xp_regex_find(c, p, pn, from, pat, patn, flags, fln, &found, &b, &e))
			return c->err;
		if (found && e == b)
			return xp_error(c, "FORX0003", "tokenize() pattern matches the empty string");
		size_t stop = found ? b : pn;
		if (out->n == cap) {
			struct xp_item *ni = xp_alloc(c, cap * 2 * sizeof *ni);
			if (!ni)
				return c->err;
			memcpy(ni, it, cap * sizeof *it);
			it = ni;
			cap *= 2;
		}
		it[out->n++] = (struct xp_item){.type = XP_STRING, .v.s = {p + piece, stop - piece}};
		if (!found)
			break;
		from = piece = e;
	}
	out->it = it;
	return 0;
}

static int fn_replace(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		      struct xp_seq *out)
{
	const char *p, *pat, *rep, *flags = "", *r;
	size_t pn, patn, repn, fln = 0, rn;
	(void)f;
	if (opt_string(c, &a[0], "replace", &p, &pn) || opt_string(c, &a[1], "replace", &pat, &patn) ||
	    opt_string(c, &a[2], "replace", &rep, &repn) ||
	    (n == 4 && opt_string(c, &a[3], "replace", &flags, &fln)))
		return c->err;
	if (xp_regex_replace(c, p, pn, pat, patn, rep, repn, flags, fln, &r, &rn))
		return c->err;
	return xp_seq_string(c, r, rn, out);
}

static int fn_string_to_codepoints(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
				   size_t n, struct xp_seq *out)
{
	const char *p;
	size_t pn;
	(void)f, (void)n;
	if (opt_string(c, &a[0], "string-to-codepoints", &p, &pn))
		return c->err;
	struct xp_item *it = xp_alloc(c, (pn ? pn : 1) * sizeof *it);
	if (!it)
		return c->err;
	size_t k = 0;
	for (size_t i = 0; i < pn;) {
		uint32_t cp;
		next_cp(p, pn, &i, &cp);
		it[k++] = (struct xp_item){.type = XP_INTEGER, .v.dec = {(tandem_i128)cp, 0}};
	}
	out->it = it;
	out->n = k;
	return 0;
}

static int fn_string_join(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			  size_t n, struct xp_seq *out)
{
	const char *sep;
	size_t sn, total = 0;
	(void)f, (void)n;
	if (xp_atomize(c, &a[0]) || opt_string(c, &a[1], "string-join", &sep, &sn))
		return c->err;
	const char **ps = xp_alloc(c, (a[0].n + 1) * sizeof *ps);
	size_t *ls = xp_alloc(c, (a[0].n + 1) * sizeof *ls);
	if (!ps || !ls)
		return c->err;
	for (size_t i = 0; i < a[0].n; i++) {
		if (xp_item_string(c, &a[0].it[i], &ps[i], &ls[i]))
			return c->err;
		total += ls[i] + sn;
	}
	char *buf = xp_alloc(c, total + 1);
	if (!buf)
		return c->err;
	size_t k = 0;
	for (size_t i = 0; i < a[0].n; i++) {
		if (i) {
			memcpy(buf + k, sep, sn);
			k += sn;
		}
		memcpy(buf + k, ps[i], ls[i]);
		k += ls[i];
	}
	return xp_seq_string(c, buf, k, out);
}

const struct xp_func xp_funcs_string[] = {
	{XP_NS_FN, "concat", fn_concat, 2, 16, XP_FN_OTHER},
	{XP_NS_FN, "contains", fn_contains, 2, 2, XP_FN_CONTAINS},
	{XP_NS_FN, "ends-with", fn_ends_with, 2, 2, XP_FN_OTHER},
	{XP_NS_FN, "lower-case", fn_lower_case, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "matches", fn_matches, 2, 3, XP_FN_OTHER},
	{XP_NS_FN, "normalize-space", fn_normalize_space, 0, 1, XP_FN_OTHER},
	{XP_NS_FN, "replace", fn_replace, 3, 4, XP_FN_OTHER},
	{XP_NS_FN, "starts-with", fn_starts_with, 2, 2, XP_FN_OTHER},
	{XP_NS_FN, "string", fn_string, 0, 1, XP_FN_OTHER},
	{XP_NS_FN, "string-join", fn_string_join, 2, 2, XP_FN_OTHER},
	{XP_NS_FN, "string-length", fn_string_length, 0, 1, XP_FN_OTHER},
	{XP_NS_FN, "string-to-codepoints", fn_string_to_codepoints, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "substring", fn_substring, 2, 3, XP_FN_OTHER},
	{XP_NS_FN, "substring-after", fn_substring_after, 2, 2, XP_FN_OTHER},
	{XP_NS_FN, "substring-before", fn_substring_before, 2, 2, XP_FN_OTHER},
	{XP_NS_FN, "tokenize", fn_tokenize, 2, 3, XP_FN_OTHER},
	{XP_NS_FN, "translate", fn_translate, 3, 3, XP_FN_OTHER},
	{XP_NS_FN, "upper-case", fn_upper_case, 1, 1, XP_FN_OTHER},
};

const size_t xp_funcs_string_count = sizeof xp_funcs_string / sizeof xp_funcs_string[0];
