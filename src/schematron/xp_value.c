/*
 * src/schematron/xp_value.c - XPath 2.0 values: atomization, string values,
 * casts between the atomic types used by validation rules, effective boolean
 * values. Comparisons and arithmetic are in xp_compare.c.
 *
 * A decimal cast from a double keeps the double's exact binary value (to 38
 * digits), as Saxon's BigDecimalValue(double) does.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "xp.h"

int xp_error(struct xp_ctx *c, const char *code, const char *fmt, ...)
{
	if (!c->err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err_msg, sizeof c->err_msg, fmt, ap);
		va_end(ap);
		snprintf(c->err_code, sizeof c->err_code, "%s", code);
		c->err = TANDEM_EBADINPUT;
	}
	return TANDEM_EBADINPUT;
}

const char *xp_type_name(enum xp_type t)
{
	switch (t) {
	case XP_NODE: return "node()";
	case XP_UNTYPED: return "xs:untypedAtomic";
	case XP_STRING: return "xs:string";
	case XP_BOOLEAN: return "xs:boolean";
	case XP_INTEGER: return "xs:integer";
	case XP_DECIMAL: return "xs:decimal";
	case XP_DOUBLE: return "xs:double";
	case XP_DATE: return "xs:date";
	}
	return "?";
}

bool xp_is_numeric(enum xp_type t)
{
	return t == XP_INTEGER || t == XP_DECIMAL || t == XP_DOUBLE;
}


static int cmp_order(const void *a, const void *b)
{
	uintptr_t x = xp_node_order(((const struct xp_item *)a)->v.node);
	uintptr_t y = xp_node_order(((const struct xp_item *)b)->v.node);
	return x < y ? -1 : x > y;
}

void xp_sort_nodes(struct xp_seq *seq)
{
	if (seq->n < 2)
		return;
	bool sorted = true;
	for (size_t i = 1; i < seq->n && sorted; i++)
		sorted = xp_node_order(seq->it[i - 1].v.node) < xp_node_order(seq->it[i].v.node);
	if (!sorted)
		qsort(seq->it, seq->n, sizeof *seq->it, cmp_order);
	size_t k = 1;
	for (size_t i = 1; i < seq->n; i++) {
		if (seq->it[i].v.node != seq->it[k - 1].v.node)
			seq->it[k++] = seq->it[i];
	}
	seq->n = k;
}

static bool is_text(xmlNodePtr n)
{
	return n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE;
}

/* Appends the text of the descendants of n to dst (NULL: only measure). */
static size_t gather_text(xmlNodePtr n, char *dst)
{
	size_t len = 0;
	for (xmlNodePtr k = n->children; k; k = k->next) {
		if (is_text(k)) {
			size_t l = k->content ? strlen((const char *)k->content) : 0;
			if (dst && l)
				memcpy(dst + len, k->content, l);
			len += l;
		} else if (k->type == XML_ELEMENT_NODE) {
			len += gather_text(k, dst ? dst + len : NULL);
		}
	}
	return len;
}

int xp_node_string(struct xp_ctx *c, xmlNodePtr n, const char **p, size_t *len)
{
	*p = "";
	*len = 0;
	if (is_text(n)) {
		*p = n->content ? (const char *)n->content : "";
		*len = strlen(*p);
		return 0;
	}
	xmlNodePtr only = n->children;
	if (!only) {
		*p = "";
		*len = 0;
		return 0;
	}
	if (!only->next && is_text(only)) {
		*p = only->content ? (const char *)only->content : "";
		*len = strlen(*p);
		return 0;
	}
	if (n->type == XML_DOCUMENT_NODE)
		n = xmlDocGetRootElement((xmlDocPtr)n);
	if (!n) {
		*p = "";
		*len = 0;
		return 0;
	}
	size_t l = n->type == XML_ELEMENT_NODE ? gather_text(n, NULL) : 0;
	char *buf = xp_alloc(c, l + 1);
	if (!buf)
		return c->err;
	if (l)
		gather_text(n, buf);
	buf[l] = '\0';
	*p = buf;
	*len = l;
	return 0;
}

int xp_atomize(struct xp_ctx *c, struct xp_seq *seq)
{
	size_t first = 0;
	while (first < seq->n && seq->it[first].type != XP_NODE)
		first++;
	if (first == seq->n)
		return 0;
	/* The items may be shared (a variable's value): atomize a copy. */
	struct xp_item *copy = xp_alloc(c, seq->n * sizeof *copy);
	if (!copy)
		return c->err;
	memcpy(copy, seq->it, seq->n * sizeof *copy);
	seq->it = copy;
	for (size_t i = first; i < seq->n; i++) {
		struct xp_item *it = &seq->it[i];
		if (it->type != XP_NODE)
			continue;
		const char *p;
		size_t n;
		int rc = xp_node_string(c, it->v.node, &p, &n);
		if (rc)
			return rc;
		it->type = XP_UNTYPED;
		it->v.s.p = p;
		it->v.s.n = n;
	}
	return 0;
}

static bool is_xml_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static void trim(const char **p, size_t *n)
{
	while (*n && is_xml_space(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_xml_space((*p)[*n - 1]))
		(*n)--;
}

/* xs:double canonical-ish form: integers plainly, others shortest round trip. */
static int format_double(struct xp_ctx *c, double d, const char **p, size_t *len)
{
	char buf[64];
	if (isnan(d))
		snprintf(buf, sizeof buf, "NaN");
	else if (isinf(d))
		snprintf(buf, sizeof buf, d > 0 ? "INF" : "-INF");
	else if (d == 0)
		snprintf(buf, sizeof buf, signbit(d) ? "-0" : "0");
	else if (fabs(d) >= 1e-6 && fabs(d) < 1e6) {
		for (int prec = 1; prec <= 24; prec++) {
			snprintf(buf, sizeof buf, "%.*f", prec, d);
			if (strtod(buf, NULL) == d)
				break;
		}
		/* Trailing zeros and a trailing point go. */
		char *dot = strchr(buf, '.');
		if (dot) {
			char *end = buf + strlen(buf) - 1;
			while (end > dot && *end == '0')
				*end-- = '\0';
			if (end == dot)
				*end = '\0';
		}
		if (fabs(d) >= 1 && floor(d) == d)
			snprintf(buf, sizeof buf, "%.0f", d);
	} else {
		int prec;
		for (prec = 0; prec <= 16; prec++) {
			snprintf(buf, sizeof buf, "%.*e", prec, d);
			if (strtod(buf, NULL) == d)
				break;
		}
		/* C prints 1.5e+07; XPath wants 1.5E7. */
		char mant[40];
		int exp10 = 0;
		char *e = strchr(buf, 'e');
		if (e) {
			exp10 = atoi(e + 1);
			*e = '\0';
		}
		snprintf(mant, sizeof mant, "%s", buf);
		if (!strchr(mant, '.'))
			snprintf(buf, sizeof buf, "%s.0E%d", mant, exp10);
		else
			snprintf(buf, sizeof buf, "%sE%d", mant, exp10);
	}
	size_t l = strlen(buf);
	char *out = xp_alloc(c, l + 1);
	if (!out)
		return c->err;
	memcpy(out, buf, l + 1);
	*p = out;
	*len = l;
	return 0;
}

static const char *const month_days = "\x1f\x1c\x1f\x1e\x1f\x1e\x1f\x1f\x1e\x1f\x1e\x1f";

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int digits(const char *p, size_t n, int64_t *out)
{
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

/* xs:date lexical form: -?YYYY-MM-DD with an optional Z or +hh:mm zone. */
static int parse_date(const char *p, size_t n, struct xp_item *out)
{
	trim(&p, &n);
	bool neg = n && p[0] == '-';
	if (neg) {
		p++;
		n--;
	}
	size_t ylen = 0;
	while (ylen < n && p[ylen] >= '0' && p[ylen] <= '9')
		ylen++;
	if (ylen < 4 || ylen > 9 || (ylen > 4 && p[0] == '0') || n < ylen + 6)
		return -1;
	int64_t y, m, d;
	if (digits(p, ylen, &y) || p[ylen] != '-' || digits(p + ylen + 1, 2, &m) ||
	    p[ylen + 3] != '-' || digits(p + ylen + 4, 2, &d))
		return -1;
	if (neg)
		y = -y;
	if (m < 1 || m > 12 || d < 1)
		return -1;
	int dim = month_days[m - 1] + (m == 2 && leap(y));
	if (d > dim)
		return -1;
	const char *z = p + ylen + 6;
	size_t zn = n - ylen - 6;
	out->type = XP_DATE;
	out->v.date.days = days_from_civil(y, (int)m, (int)d);
	out->v.date.has_tz = false;
	out->v.date.tz_min = 0;
	if (zn == 0)
		return 0;
	if (zn == 1 && z[0] == 'Z') {
		out->v.date.has_tz = true;
		return 0;
	}
	int64_t hh, mm;
	if (zn != 6 || (z[0] != '+' && z[0] != '-') || digits(z + 1, 2, &hh) || z[3] != ':' ||
	    digits(z + 4, 2, &mm) || hh > 14 || mm > 59 || (hh == 14 && mm))
		return -1;
	out->v.date.has_tz = true;
	out->v.date.tz_min = (int16_t)((z[0] == '-' ? -1 : 1) * (hh * 60 + mm));
	return 0;
}

/* xs:double lexical form, validated before strtod sees it. */
static int parse_double(const char *p, size_t n, double *out)
{
	char buf[128];
	trim(&p, &n);
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (!strcmp(buf, "INF") || !strcmp(buf, "+INF")) {
		*out = INFINITY;
		return 0;
	}
	if (!strcmp(buf, "-INF")) {
		*out = -INFINITY;
		return 0;
	}
	if (!strcmp(buf, "NaN")) {
		*out = NAN;
		return 0;
	}
	size_t i = 0, mant = 0;
	if (buf[i] == '+' || buf[i] == '-')
		i++;
	while (buf[i] >= '0' && buf[i] <= '9')
		i++, mant++;
	if (buf[i] == '.') {
		i++;
		while (buf[i] >= '0' && buf[i] <= '9')
			i++, mant++;
	}
	if (!mant)
		return -1;
	if (buf[i] == 'e' || buf[i] == 'E') {
		i++;
		if (buf[i] == '+' || buf[i] == '-')
			i++;
		size_t ed = 0;
		while (buf[i] >= '0' && buf[i] <= '9')
			i++, ed++;
		if (!ed)
			return -1;
	}
	if (buf[i])
		return -1;
	*out = strtod(buf, NULL);
	return 0;
}

static int parse_boolean(const char *p, size_t n, bool *out)
{
	trim(&p, &n);
	if ((n == 4 && !memcmp(p, "true", 4)) || (n == 1 && p[0] == '1'))
		*out = true;
	else if ((n == 5 && !memcmp(p, "false", 5)) || (n == 1 && p[0] == '0'))
		*out = false;
	else
		return -1;
	return 0;
}

int xp_double_to_dec(struct xp_ctx *c, double d, struct tandem_dec *out)
{
	if (!isfinite(d))
		return xp_error(c, "FOCA0002", "cannot convert %s to xs:decimal",
				isnan(d) ? "NaN" : "INF");
	if (d == 0) {
		*out = (struct tandem_dec){0, 0};
		return 0;
	}
	/* glibc prints the exact binary value, correctly rounded to 38 digits. */
	char buf[64];
	snprintf(buf, sizeof buf, "%.*e", TANDEM_DEC_DIGITS_MAX - 1, d);
	char *e = strchr(buf, 'e');
	int exp10 = atoi(e + 1);
	*e = '\0';
	tandem_i128 coef = 0;
	bool neg = buf[0] == '-';
	for (const char *q = buf; *q; q++) {
		if (*q >= '0' && *q <= '9')
			coef = coef * 10 + (*q - '0');
	}
	int scale = TANDEM_DEC_DIGITS_MAX - 1 - exp10;
	while (coef % 10 == 0) {
		coef /= 10;
		scale--;
	}
	struct tandem_dec v = {neg ? -coef : coef, 0};
	if (scale < 0) {
		/* A large whole number: scale up, within 38 digits. */
		for (; scale < 0; scale++) {
			if (coef >= (tandem_i128)10000000000000000000u * 1000000000000000000u)
				return xp_error(c, "FOAR0002", "xs:decimal overflow");
			coef *= 10;
		}
		v.coef = neg ? -coef : coef;
		*out = v;
		return 0;
	}
	if (scale > TANDEM_DEC_SCALE_MAX) {
		v.scale = scale;
		/* Keep the 30 leading fractional digits; smaller parts are noise. */
		while (v.scale > TANDEM_DEC_SCALE_MAX) {
			v.coef /= 10;
			v.scale--;
		}
		*out = v;
		return 0;
	}
	v.scale = scale;
	*out = v;
	return 0;
}

double xp_to_double(const struct xp_item *it)
{
	if (it->type == XP_DOUBLE)
		return it->v.d;
	char buf[TANDEM_DEC_STR_MAX];
	tandem_dec_format(it->v.dec, buf);
	return strtod(buf, NULL);
}

int xp_item_string(struct xp_ctx *c, const struct xp_item *it, const char **p, size_t *len)
{
	*p = "";
	*len = 0;
	switch (it->type) {
	case XP_NODE:
		return xp_node_string(c, it->v.node, p, len);
	case XP_UNTYPED:
	case XP_STRING:
		*p = it->v.s.p;
		*len = it->v.s.n;
		return 0;
	case XP_BOOLEAN:
		*p = it->v.b ? "true" : "false";
		*len = strlen(*p);
		return 0;
	case XP_INTEGER:
	case XP_DECIMAL: {
		char *buf = xp_alloc(c, TANDEM_DEC_STR_MAX);
		if (!buf)
			return c->err;
		*len = tandem_dec_format(tandem_dec_reduce(it->v.dec), buf);
		*p = buf;
		return 0;
	}
	case XP_DOUBLE:
		return format_double(c, it->v.d, p, len);
	case XP_DATE: {
		char *buf = xp_alloc(c, 32);
		int64_t y;
		int m, d;
		if (!buf)
			return c->err;
		civil_from_days(it->v.date.days, &y, &m, &d);
		int l = snprintf(buf, 32, "%04lld-%02d-%02d", (long long)y, m, d);
		if (it->v.date.has_tz) {
			int tz = it->v.date.tz_min;
			if (tz == 0)
				l += snprintf(buf + l, (size_t)(32 - l), "Z");
			else
				l += snprintf(buf + l, (size_t)(32 - l), "%c%02d:%02d",
					      tz < 0 ? '-' : '+', abs(tz) / 60, abs(tz) % 60);
		}
		*p = buf;
		*len = (size_t)l;
		return 0;
	}
	}
	return xp_error(c, "XPTY0004", "no string value");
}

static int cast_error(struct xp_ctx *c, const struct xp_item *in, const char *p, size_t n,
		      enum xp_type type)
{
	if (p)
		return xp_error(c, "FORG0001", "cannot convert \"%.*s\" to %s",
				(int)(n > 60 ? 60 : n), p, xp_type_name(type));
	return xp_error(c, "XPTY0004", "cannot cast %s to %s", xp_type_name(in->type),
			xp_type_name(type));
}

int xp_cast(struct xp_ctx *c, const struct xp_item *in, enum xp_type type, struct xp_item *out)
{
	if (in->type == type && type != XP_NODE) {
		*out = *in;
		return 0;
	}
	struct xp_item r = {.type = type};
	if (in->type == XP_UNTYPED || in->type == XP_STRING) {
		const char *p = in->v.s.p;
		size_t n = in->v.s.n;
		switch (type) {
		case XP_UNTYPED:
		case XP_STRING:
			r.v.s = in->v.s;
			break;
		case XP_DECIMAL:
		case XP_INTEGER: {
			const char *q = p;
			size_t qn = n;
			trim(&q, &qn);
			if (!qn || memchr(q, 'e', qn) || memchr(q, 'E', qn) ||
			    tandem_dec_parse((struct tandem_slice){q, qn}, &r.v.dec))
				return cast_error(c, in, p, n, type);
			if (type == XP_INTEGER && memchr(q, '.', qn))
				return cast_error(c, in, p, n, type);
			r.v.dec = tandem_dec_reduce(r.v.dec);
			break;
		}
		case XP_DOUBLE:
			if (parse_double(p, n, &r.v.d))
				return cast_error(c, in, p, n, type);
			break;
		case XP_BOOLEAN:
			if (parse_boolean(p, n, &r.v.b))
				return cast_error(c, in, p, n, type);
			break;
		case XP_DATE:
			if (parse_date(p, n, &r))
				return cast_error(c, in, p, n, type);
			break;
		case XP_NODE:
			return cast_error(c, in, NULL, 0, type);
		}
		*out = r;
		return 0;
	}
	if (type == XP_STRING || type == XP_UNTYPED) {
		if (xp_item_string(c, in, &r.v.s.p, &r.v.s.n))
			return c->err;
		*out = r;
		return 0;
	}
	switch (in->type) {
	case XP_INTEGER:
	case XP_DECIMAL:
		if (type == XP_DECIMAL) {
			r.v.dec = in->v.dec;
		} else if (type == XP_INTEGER) {
			if (tandem_dec_round(in->v.dec, 0, TANDEM_ROUND_DOWN, &r.v.dec))
				return xp_error(c, "FOAR0002", "xs:integer overflow");
		} else if (type == XP_DOUBLE) {
			r.v.d = xp_to_double(in);
		} else if (type == XP_BOOLEAN) {
			r.v.b = !tandem_dec_is_zero(in->v.dec);
		} else {
			return cast_error(c, in, NULL, 0, type);
		}
		break;
	case XP_DOUBLE:
		if (type == XP_DECIMAL || type == XP_INTEGER) {
			if (xp_double_to_dec(c, in->v.d, &r.v.dec))
				return c->err;
			if (type == XP_INTEGER &&
			    tandem_dec_round(r.v.dec, 0, TANDEM_ROUND_DOWN, &r.v.dec))
				return xp_error(c, "FOAR0002", "xs:integer overflow");
		} else if (type == XP_BOOLEAN) {
			r.v.b = !(in->v.d == 0 || isnan(in->v.d));
		} else {
			return cast_error(c, in, NULL, 0, type);
		}
		break;
	case XP_BOOLEAN:
		if (xp_is_numeric(type)) {
			if (type == XP_DOUBLE)
				r.v.d = in->v.b ? 1 : 0;
			else
				r.v.dec = (struct tandem_dec){in->v.b ? 1 : 0, 0};
		} else {
			return cast_error(c, in, NULL, 0, type);
		}
		break;
	default:
		return cast_error(c, in, NULL, 0, type);
	}
	*out = r;
	return 0;
}

bool xp_castable(struct xp_ctx *c, const struct xp_item *in, enum xp_type type)
{
	struct xp_item out = {0};
	int rc = xp_cast(c, in, type, &out);
	xp_forgive(c);
	return rc == 0;
}

int xp_ebv(struct xp_ctx *c, const struct xp_seq *seq, bool *out)
{
	if (seq->n == 0) {
		*out = false;
		return 0;
	}
	const struct xp_item *it = &seq->it[0];
	if (it->type == XP_NODE) {
		*out = true;
		return 0;
	}
	if (seq->n > 1)
		return xp_error(c, "FORG0006", "effective boolean value of a sequence of %zu atomic values",
				seq->n);
	switch (it->type) {
	case XP_BOOLEAN: *out = it->v.b; return 0;
	case XP_UNTYPED:
	case XP_STRING: *out = it->v.s.n > 0; return 0;
	case XP_INTEGER:
	case XP_DECIMAL: *out = !tandem_dec_is_zero(it->v.dec); return 0;
	case XP_DOUBLE: *out = !(it->v.d == 0 || isnan(it->v.d)); return 0;
	default:
		return xp_error(c, "FORG0006", "no effective boolean value for %s",
				xp_type_name(it->type));
	}
}

int xp_seq_one(struct xp_ctx *c, const struct xp_item *it, struct xp_seq *out)
{
	out->it = xp_alloc(c, sizeof *out->it);
	if (!out->it)
		return c->err;
	out->it[0] = *it;
	out->n = 1;
	return 0;
}

int xp_seq_bool(struct xp_ctx *c, bool b, struct xp_seq *out)
{
	/* Shared and read-only, like a literal's item: the evaluator writes
	 * only into sequences it has just built or copied. */
	static const struct xp_item items[2] = {
		{.type = XP_BOOLEAN, .v.b = false},
		{.type = XP_BOOLEAN, .v.b = true},
	};
	(void)c;
	out->it = (struct xp_item *)&items[b ? 1 : 0];
	out->n = 1;
	return 0;
}

int xp_seq_string(struct xp_ctx *c, const char *p, size_t n, struct xp_seq *out)
{
	struct xp_item it = {.type = XP_STRING, .v.s = {p, n}};
	return xp_seq_one(c, &it, out);
}
