/*
 * src/schematron/xp_func.c - the XPath 2.0 function library used by the
 * validation artefacts, one entry per function and arity range in the table
 * at the end of the file.
 *
 * Strings are compared and measured in Unicode code points, as XPath does
 * (string-length("é") is 1), never in bytes.
 */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "xp.h"

static int empty(struct xp_seq *out)
{
	out->it = NULL;
	out->n = 0;
	return 0;
}

/* Atomizes an argument that must hold at most one item. */
static int opt_atomic(struct xp_ctx *c, struct xp_seq *arg, const char *fn, struct xp_item **it)
{
	*it = NULL;
	if (xp_atomize(c, arg))
		return c->err;
	if (arg->n > 1)
		return xp_error(c, "XPTY0004",
				"a sequence of more than one item is not allowed as the first argument of %s()",
				fn);
	*it = arg->n ? &arg->it[0] : NULL;
	return 0;
}

/* String value of an optional argument ("" for the empty sequence). */
static int opt_string(struct xp_ctx *c, struct xp_seq *arg, const char *fn, const char **p,
		      size_t *n)
{
	*p = "";
	*n = 0;
	struct xp_item *it = NULL;
	if (opt_atomic(c, arg, fn, &it))
		return c->err;
	if (!it) {
		*p = "";
		*n = 0;
		return 0;
	}
	return xp_item_string(c, it, p, n);
}

/* The context item as a one-item sequence, for the zero-argument forms. */
static int context_arg(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *arg)
{
	arg->it = NULL;
	arg->n = 0;
	if (!f || f->pos == 0)
		return xp_error(c, "XPDY0002", "the context item is absent");
	arg->it = (struct xp_item *)&f->item;
	arg->n = 1;
	return 0;
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

static int fn_true(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		   struct xp_seq *out)
{
	(void)f, (void)a, (void)n;
	return xp_seq_bool(c, true, out);
}

static int fn_false(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		    struct xp_seq *out)
{
	(void)f, (void)a, (void)n;
	return xp_seq_bool(c, false, out);
}

static int fn_boolean(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		      struct xp_seq *out)
{
	bool b = false;
	(void)f, (void)n;
	return xp_ebv(c, &a[0], &b) ? c->err : xp_seq_bool(c, b, out);
}

static int fn_not(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		  struct xp_seq *out)
{
	bool b = false;
	(void)f, (void)n;
	return xp_ebv(c, &a[0], &b) ? c->err : xp_seq_bool(c, !b, out);
}

static int fn_exists(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		     struct xp_seq *out)
{
	(void)f, (void)n;
	return xp_seq_bool(c, a[0].n > 0, out);
}

static int fn_empty(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		    struct xp_seq *out)
{
	(void)f, (void)n;
	return xp_seq_bool(c, a[0].n == 0, out);
}

static int fn_count(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		    struct xp_seq *out)
{
	(void)f, (void)n;
	struct xp_item it = {.type = XP_INTEGER, .v.dec = {(tandem_i128)a[0].n, 0}};
	return xp_seq_one(c, &it, out);
}

static int fn_position(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		       struct xp_seq *out)
{
	(void)a, (void)n;
	if (!f || f->pos == 0)
		return xp_error(c, "XPDY0002", "the context item is absent");
	struct xp_item it = {.type = XP_INTEGER, .v.dec = {(tandem_i128)f->pos, 0}};
	return xp_seq_one(c, &it, out);
}

static int fn_last(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		   struct xp_seq *out)
{
	(void)a, (void)n;
	if (!f || f->pos == 0)
		return xp_error(c, "XPDY0002", "the context item is absent");
	struct xp_item it = {.type = XP_INTEGER, .v.dec = {(tandem_i128)f->size, 0}};
	return xp_seq_one(c, &it, out);
}

/* sum($s) and sum($s, $zero): untyped values count as xs:double. */
static int fn_sum(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		  struct xp_seq *out)
{
	(void)f;
	if (xp_atomize(c, &a[0]))
		return c->err;
	if (a[0].n == 0) {
		if (n == 2)
			return *out = a[1], 0;
		struct xp_item zero = {.type = XP_INTEGER};
		return xp_seq_one(c, &zero, out);
	}
	struct xp_item acc = a[0].it[0];
	if (acc.type == XP_UNTYPED && xp_cast(c, &acc, XP_DOUBLE, &acc))
		return c->err;
	if (!xp_is_numeric(acc.type))
		return xp_error(c, "FORG0006", "sum() of %s", xp_type_name(acc.type));
	for (size_t i = 1; i < a[0].n; i++) {
		struct xp_item x = a[0].it[i];
		if (x.type == XP_UNTYPED && xp_cast(c, &x, XP_DOUBLE, &x))
			return c->err;
		if (!xp_is_numeric(x.type))
			return xp_error(c, "FORG0006", "sum() of %s", xp_type_name(x.type));
		if (xp_arith(c, XP_OP_ADD, &acc, &x, &acc))
			return c->err;
	}
	return xp_seq_one(c, &acc, out);
}

static int numeric_arg(struct xp_ctx *c, struct xp_seq *arg, const char *fn, struct xp_item *x,
		       bool *none)
{
	*none = true;
	x->type = XP_DOUBLE;
	x->v.d = 0;
	struct xp_item *it = NULL;
	if (opt_atomic(c, arg, fn, &it))
		return c->err;
	*none = !it;
	if (!it)
		return 0;
	*x = *it;
	if (x->type == XP_UNTYPED && xp_cast(c, x, XP_DOUBLE, x))
		return c->err;
	if (!xp_is_numeric(x->type))
		return xp_error(c, "XPTY0004", "%s() of %s", fn, xp_type_name(x->type));
	return 0;
}

static int fn_abs(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		  struct xp_seq *out)
{
	struct xp_item x = {0};
	bool none = false;
	(void)f, (void)n;
	if (numeric_arg(c, &a[0], "abs", &x, &none))
		return c->err;
	if (none)
		return empty(out);
	if (x.type == XP_DOUBLE)
		x.v.d = fabs(x.v.d);
	else
		x.v.dec = tandem_dec_abs(x.v.dec);
	return xp_seq_one(c, &x, out);
}

/* round, floor, ceiling: integers and decimals stay exact. */
static int rounding(struct xp_ctx *c, struct xp_seq *a, const char *fn, enum tandem_round mode,
		    struct xp_seq *out)
{
	struct xp_item x = {0};
	bool none = false;
	if (numeric_arg(c, &a[0], fn, &x, &none))
		return c->err;
	if (none)
		return empty(out);
	if (x.type == XP_DOUBLE) {
		double d = x.v.d;
		if (isfinite(d)) {
			if (mode == TANDEM_ROUND_FLOOR)
				d = floor(d);
			else if (mode == TANDEM_ROUND_CEILING)
				d = ceil(d);
			else {
				double fl = floor(d);
				d = d - fl >= 0.5 ? fl + 1 : fl;
				if (d == 0 && x.v.d < 0)
					d = -0.0;
			}
		}
		x.v.d = d;
	} else if (x.type == XP_DECIMAL && x.v.dec.scale > 0) {
		if (tandem_dec_round(x.v.dec, 0, mode, &x.v.dec))
			return xp_error(c, "FOAR0002", "%s() overflow", fn);
	}
	return xp_seq_one(c, &x, out);
}

static int fn_round(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		    struct xp_seq *out)
{
	(void)f, (void)n;
	return rounding(c, a, "round", TANDEM_ROUND_HALF_CEILING, out);
}

static int fn_floor(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		    struct xp_seq *out)
{
	(void)f, (void)n;
	return rounding(c, a, "floor", TANDEM_ROUND_FLOOR, out);
}

static int fn_ceiling(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		      struct xp_seq *out)
{
	(void)f, (void)n;
	return rounding(c, a, "ceiling", TANDEM_ROUND_CEILING, out);
}

static int fn_number(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		     struct xp_seq *out)
{
	struct xp_seq arg = {0};
	struct xp_item *it = NULL, r = {.type = XP_DOUBLE, .v.d = NAN};
	if (n == 0 ? context_arg(c, f, &arg) : (arg = a[0], 0))
		return c->err;
	if (opt_atomic(c, &arg, "number", &it))
		return c->err;
	if (it) {
		if (xp_cast(c, it, XP_DOUBLE, &r)) {
			xp_forgive(c);
			r.type = XP_DOUBLE;
			r.v.d = NAN;
		}
		if (c->err)
			return c->err;
	}
	return xp_seq_one(c, &r, out);
}

static int fn_string(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		     struct xp_seq *out)
{
	struct xp_seq arg = {0};
	const char *p;
	size_t len;
	if (n == 0 ? context_arg(c, f, &arg) : (arg = a[0], 0))
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

static int fn_data(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		   struct xp_seq *out)
{
	(void)f, (void)n;
	struct xp_item *it = xp_alloc(c, (a[0].n ? a[0].n : 1) * sizeof *it);
	if (!it)
		return c->err;
	if (a[0].n)
		memcpy(it, a[0].it, a[0].n * sizeof *it);
	out->it = it;
	out->n = a[0].n;
	return xp_atomize(c, out);
}

static int fn_string_length(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			    size_t n, struct xp_seq *out)
{
	struct xp_seq arg = {0};
	const char *p;
	size_t len;
	if (n == 0 ? context_arg(c, f, &arg) : (arg = a[0], 0))
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
	if (n == 0 ? context_arg(c, f, &arg) : (arg = a[0], 0))
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

static const char *find(const char *p, size_t pn, const char *q, size_t qn)
{
	if (qn == 0)
		return p;
	for (size_t i = 0; i + qn <= pn; i++) {
		if (p[i] == q[0] && memcmp(p + i, q, qn) == 0)
			return p + i;
	}
	return NULL;
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
	if (numeric_arg(c, arg, fn, &x, &none))
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

/* distinct-values: untyped values compare as strings, numbers by value. */
static int fn_distinct_values(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			      size_t n, struct xp_seq *out)
{
	(void)f, (void)n;
	if (xp_atomize(c, &a[0]))
		return c->err;
	struct xp_item *it = xp_alloc(c, (a[0].n ? a[0].n : 1) * sizeof *it);
	if (!it)
		return c->err;
	size_t k = 0;
	for (size_t i = 0; i < a[0].n; i++) {
		bool seen = false;
		for (size_t j = 0; j < k && !seen; j++) {
			bool eq = false;
			if (xp_compare(c, &a[0].it[i], XP_EQ, &it[j], &eq) == 0)
				seen = eq;
			xp_forgive(c); /* values of different types are distinct */
			if (c->err)
				return c->err;
		}
		if (!seen)
			it[k++] = a[0].it[i];
	}
	out->it = it;
	out->n = k;
	return 0;
}

static int node_arg(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		    const char *fn, xmlNodePtr *node)
{
	*node = NULL;
	struct xp_seq arg = {0};
	if (n == 0 ? context_arg(c, f, &arg) : (arg = a[0], 0))
		return c->err;
	if (arg.n > 1)
		return xp_error(c, "XPTY0004", "%s() of more than one node", fn);
	if (arg.n && arg.it[0].type != XP_NODE)
		return xp_error(c, "XPTY0004", "%s() of an atomic value", fn);
	*node = arg.n ? arg.it[0].v.node : NULL;
	return 0;
}

static int fn_local_name(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
			 struct xp_seq *out)
{
	xmlNodePtr node;
	if (node_arg(c, f, a, n, "local-name", &node))
		return c->err;
	if (!node || (node->type != XML_ELEMENT_NODE && node->type != XML_ATTRIBUTE_NODE))
		return xp_seq_string(c, "", 0, out);
	return xp_seq_string(c, (const char *)node->name, strlen((const char *)node->name), out);
}

static int fn_name(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		   struct xp_seq *out)
{
	xmlNodePtr node;
	if (node_arg(c, f, a, n, "name", &node))
		return c->err;
	if (!node || (node->type != XML_ELEMENT_NODE && node->type != XML_ATTRIBUTE_NODE))
		return xp_seq_string(c, "", 0, out);
	const char *local = (const char *)node->name;
	if (!node->ns || !node->ns->prefix)
		return xp_seq_string(c, local, strlen(local), out);
	size_t pl = strlen((const char *)node->ns->prefix), ll = strlen(local);
	char *buf = xp_alloc(c, pl + ll + 2);
	if (!buf)
		return c->err;
	memcpy(buf, node->ns->prefix, pl);
	buf[pl] = ':';
	memcpy(buf + pl + 1, local, ll + 1); /* with its NUL */
	return xp_seq_string(c, buf, pl + ll + 1, out);
}

static int fn_namespace_uri(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			    size_t n, struct xp_seq *out)
{
	xmlNodePtr node;
	if (node_arg(c, f, a, n, "namespace-uri", &node))
		return c->err;
	const char *uri = node && node->ns && node->ns->href ? (const char *)node->ns->href : "";
	struct xp_item it = {.type = XP_STRING, .v.s = {uri, strlen(uri)}};
	return xp_seq_one(c, &it, out);
}

static int fn_root(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		   struct xp_seq *out)
{
	xmlNodePtr node;
	if (node_arg(c, f, a, n, "root", &node))
		return c->err;
	if (!node)
		return empty(out);
	struct xp_item it = {.type = XP_NODE, .v.node = (xmlNodePtr)node->doc};
	return xp_seq_one(c, &it, out);
}

static int cardinality(struct xp_ctx *c, struct xp_seq *a, size_t lo, size_t hi, const char *fn,
		       struct xp_seq *out)
{
	if (a[0].n < lo || a[0].n > hi)
		return xp_error(c, hi == 1 ? (lo ? "FORG0005" : "FORG0003") : "FORG0004",
				"%s() called with %zu items", fn, a[0].n);
	*out = a[0];
	return 0;
}

static int fn_exactly_one(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			  size_t n, struct xp_seq *out)
{
	(void)f, (void)n;
	return cardinality(c, a, 1, 1, "exactly-one", out);
}

static int fn_zero_or_one(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			  size_t n, struct xp_seq *out)
{
	(void)f, (void)n;
	return cardinality(c, a, 0, 1, "zero-or-one", out);
}

static int fn_one_or_more(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			  size_t n, struct xp_seq *out)
{
	(void)f, (void)n;
	return cardinality(c, a, 1, SIZE_MAX, "one-or-more", out);
}

static int fn_index_of(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		       struct xp_seq *out)
{
	struct xp_item *x = NULL;
	(void)f, (void)n;
	if (xp_atomize(c, &a[0]) || opt_atomic(c, &a[1], "index-of", &x))
		return c->err;
	struct xp_item *it = xp_alloc(c, (a[0].n ? a[0].n : 1) * sizeof *it);
	if (!it || !x)
		return it ? xp_error(c, "XPTY0004", "index-of() of an empty search value") : c->err;
	size_t k = 0;
	for (size_t i = 0; i < a[0].n; i++) {
		bool eq = false;
		if (xp_compare(c, &a[0].it[i], XP_EQ, x, &eq) == 0 && eq)
			it[k++] = (struct xp_item){.type = XP_INTEGER, .v.dec = {(tandem_i128)(i + 1), 0}};
		xp_forgive(c); /* values of different types are not equal */
		if (c->err)
			return c->err;
	}
	out->it = it;
	out->n = k;
	return 0;
}

static int min_max(struct xp_ctx *c, struct xp_seq *a, bool want_max, struct xp_seq *out)
{
	if (xp_atomize(c, &a[0]))
		return c->err;
	if (a[0].n == 0)
		return empty(out);
	struct xp_item best = a[0].it[0];
	if (best.type == XP_UNTYPED && xp_cast(c, &best, XP_DOUBLE, &best))
		return c->err;
	for (size_t i = 1; i < a[0].n; i++) {
		struct xp_item x = a[0].it[i];
		bool gt = false;
		if (x.type == XP_UNTYPED && xp_cast(c, &x, XP_DOUBLE, &x))
			return c->err;
		if (xp_compare(c, &x, want_max ? XP_GT : XP_LT, &best, &gt))
			return c->err;
		if (gt)
			best = x;
	}
	return xp_seq_one(c, &best, out);
}

static int fn_min(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		  struct xp_seq *out)
{
	(void)f, (void)n;
	return min_max(c, a, false, out);
}

static int fn_max(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		  struct xp_seq *out)
{
	(void)f, (void)n;
	return min_max(c, a, true, out);
}

static int fn_reverse(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		      struct xp_seq *out)
{
	(void)f, (void)n;
	struct xp_item *it = xp_alloc(c, (a[0].n ? a[0].n : 1) * sizeof *it);
	if (!it)
		return c->err;
	for (size_t i = 0; i < a[0].n; i++)
		it[i] = a[0].it[a[0].n - 1 - i];
	out->it = it;
	out->n = a[0].n;
	return 0;
}

static const struct xp_func funcs[] = {
	{XP_NS_FN, "abs", 1, 1, fn_abs},
	{XP_NS_FN, "boolean", 1, 1, fn_boolean},
	{XP_NS_FN, "ceiling", 1, 1, fn_ceiling},
	{XP_NS_FN, "concat", 2, 16, fn_concat},
	{XP_NS_FN, "contains", 2, 2, fn_contains},
	{XP_NS_FN, "count", 1, 1, fn_count},
	{XP_NS_FN, "data", 1, 1, fn_data},
	{XP_NS_FN, "distinct-values", 1, 1, fn_distinct_values},
	{XP_NS_FN, "empty", 1, 1, fn_empty},
	{XP_NS_FN, "ends-with", 2, 2, fn_ends_with},
	{XP_NS_FN, "exactly-one", 1, 1, fn_exactly_one},
	{XP_NS_FN, "exists", 1, 1, fn_exists},
	{XP_NS_FN, "false", 0, 0, fn_false},
	{XP_NS_FN, "floor", 1, 1, fn_floor},
	{XP_NS_FN, "index-of", 2, 2, fn_index_of},
	{XP_NS_FN, "last", 0, 0, fn_last},
	{XP_NS_FN, "local-name", 0, 1, fn_local_name},
	{XP_NS_FN, "lower-case", 1, 1, fn_lower_case},
	{XP_NS_FN, "matches", 2, 3, fn_matches},
	{XP_NS_FN, "max", 1, 1, fn_max},
	{XP_NS_FN, "min", 1, 1, fn_min},
	{XP_NS_FN, "name", 0, 1, fn_name},
	{XP_NS_FN, "namespace-uri", 0, 1, fn_namespace_uri},
	{XP_NS_FN, "normalize-space", 0, 1, fn_normalize_space},
	{XP_NS_FN, "not", 1, 1, fn_not},
	{XP_NS_FN, "number", 0, 1, fn_number},
	{XP_NS_FN, "one-or-more", 1, 1, fn_one_or_more},
	{XP_NS_FN, "position", 0, 0, fn_position},
	{XP_NS_FN, "replace", 3, 4, fn_replace},
	{XP_NS_FN, "reverse", 1, 1, fn_reverse},
	{XP_NS_FN, "root", 0, 1, fn_root},
	{XP_NS_FN, "round", 1, 1, fn_round},
	{XP_NS_FN, "starts-with", 2, 2, fn_starts_with},
	{XP_NS_FN, "string", 0, 1, fn_string},
	{XP_NS_FN, "string-join", 2, 2, fn_string_join},
	{XP_NS_FN, "string-length", 0, 1, fn_string_length},
	{XP_NS_FN, "string-to-codepoints", 1, 1, fn_string_to_codepoints},
	{XP_NS_FN, "substring", 2, 3, fn_substring},
	{XP_NS_FN, "substring-after", 2, 2, fn_substring_after},
	{XP_NS_FN, "substring-before", 2, 2, fn_substring_before},
	{XP_NS_FN, "sum", 1, 2, fn_sum},
	{XP_NS_FN, "tokenize", 2, 3, fn_tokenize},
	{XP_NS_FN, "translate", 3, 3, fn_translate},
	{XP_NS_FN, "true", 0, 0, fn_true},
	{XP_NS_FN, "upper-case", 1, 1, fn_upper_case},
	{XP_NS_FN, "zero-or-one", 1, 1, fn_zero_or_one},
};

const struct xp_func *xp_func_find(const char *ns, const char *name, size_t nargs)
{
	for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
		if (strcmp(funcs[i].ns, ns) == 0 && strcmp(funcs[i].name, name) == 0 &&
		    nargs >= funcs[i].args_min && nargs <= funcs[i].args_max)
			return &funcs[i];
	}
	return NULL;
}
