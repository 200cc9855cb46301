/*
 * src/schematron/xp_compare.c - XPath 2.0 value and general comparisons and
 * arithmetic on atomic items, with the conversions of untyped values the
 * specification prescribes.
 *
 * Value comparisons (eq, lt, ...) compare an untyped value as a string;
 * general comparisons (=, <, ...) cast it to xs:double against a number, to
 * xs:string against a string or another untyped value, and to the other
 * operand's type otherwise. Numbers follow the type promotion of XPath:
 * xs:integer -> xs:decimal -> xs:double. Decimal arithmetic is exact (the
 * core decimal type); division keeps at least 18 fractional digits, as Saxon
 * does. Arithmetic with an untyped value works on xs:double.
 */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "xp.h"

static int cmp_result(int r, enum xp_cmp op)
{
	switch (op) {
	case XP_EQ: return r == 0;
	case XP_NE: return r != 0;
	case XP_LT: return r < 0;
	case XP_LE: return r <= 0;
	case XP_GT: return r > 0;
	case XP_GE: return r >= 0;
	default: return 0;
	}
}

static int string_cmp(const struct xp_item *a, const struct xp_item *b)
{
	size_t n = a->v.s.n < b->v.s.n ? a->v.s.n : b->v.s.n;
	int r = memcmp(a->v.s.p, b->v.s.p, n);
	if (r)
		return r < 0 ? -1 : 1;
	return a->v.s.n < b->v.s.n ? -1 : a->v.s.n > b->v.s.n;
}

/* Dates compare on their instant; a date without zone is taken as UTC. */
static int64_t date_key(const struct xp_item *d)
{
	return d->v.date.days * 1440 - (d->v.date.has_tz ? d->v.date.tz_min : 0);
}

int xp_compare(struct xp_ctx *c, const struct xp_item *a0, enum xp_cmp op,
	       const struct xp_item *b0, bool *out)
{
	struct xp_item a = *a0, b = *b0;
	/* Value comparison: untyped compares as a string. */
	if (a.type == XP_UNTYPED)
		a.type = XP_STRING;
	if (b.type == XP_UNTYPED)
		b.type = XP_STRING;
	c->steps++;
	if (xp_is_numeric(a.type) && xp_is_numeric(b.type)) {
		if (a.type == XP_DOUBLE || b.type == XP_DOUBLE) {
			double x = xp_to_double(&a), y = xp_to_double(&b);
			if (isnan(x) || isnan(y)) {
				*out = op == XP_NE;
				return 0;
			}
			*out = cmp_result(x < y ? -1 : x > y, op);
			return 0;
		}
		*out = cmp_result(tandem_dec_cmp(a.v.dec, b.v.dec), op);
		return 0;
	}
	if (a.type == XP_STRING && b.type == XP_STRING) {
		*out = cmp_result(string_cmp(&a, &b), op);
		return 0;
	}
	if (a.type == XP_BOOLEAN && b.type == XP_BOOLEAN) {
		*out = cmp_result((int)a.v.b - (int)b.v.b, op);
		return 0;
	}
	if (a.type == XP_DATE && b.type == XP_DATE) {
		int64_t x = date_key(&a), y = date_key(&b);
		*out = cmp_result(x < y ? -1 : x > y, op);
		return 0;
	}
	return xp_error(c, "XPTY0004", "cannot compare %s with %s", xp_type_name(a0->type),
			xp_type_name(b0->type));
}

/*
 * One pair of a general comparison: an untyped operand is cast to xs:double
 * against a number, to xs:string against a string or another untyped value,
 * and to the other operand's type otherwise.
 */
static int general_pair(struct xp_ctx *c, const struct xp_item *a, enum xp_cmp op,
			const struct xp_item *b, bool *out)
{
	struct xp_item x = *a, y = *b;
	if (x.type == XP_UNTYPED && y.type == XP_UNTYPED) {
		x.type = y.type = XP_STRING;
	} else if (x.type == XP_UNTYPED || y.type == XP_UNTYPED) {
		struct xp_item *u = x.type == XP_UNTYPED ? &x : &y;
		const struct xp_item *o = x.type == XP_UNTYPED ? &y : &x;
		enum xp_type to = xp_is_numeric(o->type) ? XP_DOUBLE : o->type;
		if (xp_cast(c, u, to, u))
			return c->err;
	}
	return xp_compare(c, &x, op, &y, out);
}

int xp_general_compare(struct xp_ctx *c, const struct xp_seq *a, enum xp_cmp op,
		       const struct xp_seq *b, bool *out)
{
	for (size_t i = 0; i < a->n; i++) {
		for (size_t j = 0; j < b->n; j++) {
			bool r = false;
			if (general_pair(c, &a->it[i], op, &b->it[j], &r))
				return c->err;
			if (r) {
				*out = true;
				return 0;
			}
		}
	}
	*out = false;
	return 0;
}

static int dec_result(struct xp_ctx *c, int rc, enum xp_type type, struct tandem_dec v,
		      struct xp_item *out)
{
	if (rc == TANDEM_EOVERFLOW)
		return xp_error(c, "FOAR0002", "xs:decimal overflow (more than %d digits)",
				TANDEM_DEC_DIGITS_MAX);
	if (rc)
		return xp_error(c, "FOAR0002", "decimal arithmetic failed");
	out->type = type;
	out->v.dec = type == XP_INTEGER ? v : tandem_dec_reduce(v);
	return 0;
}

static int decimal_arith(struct xp_ctx *c, enum xp_op op, const struct xp_item *a,
			 const struct xp_item *b, struct xp_item *out)
{
	struct tandem_dec x = a->v.dec, y = b->v.dec, r = {0, 0};
	bool ints = a->type == XP_INTEGER && b->type == XP_INTEGER;
	enum xp_type type = ints ? XP_INTEGER : XP_DECIMAL;
	int rc;
	switch (op) {
	case XP_OP_ADD:
		rc = tandem_dec_add(x, y, &r);
		return dec_result(c, rc, type, r, out);
	case XP_OP_SUB:
		rc = tandem_dec_sub(x, y, &r);
		return dec_result(c, rc, type, r, out);
	case XP_OP_MUL:
		rc = tandem_dec_mul(x, y, &r);
		return dec_result(c, rc, type, r, out);
	case XP_OP_DIV: {
		if (tandem_dec_is_zero(y))
			return xp_error(c, "FOAR0001", "division by zero");
		int scale = 18;
		if (x.scale > scale)
			scale = x.scale;
		if (y.scale > scale)
			scale = y.scale;
		if (scale > TANDEM_DEC_SCALE_MAX)
			scale = TANDEM_DEC_SCALE_MAX;
		rc = tandem_dec_div(x, y, scale, TANDEM_ROUND_HALF_EVEN, &r);
		return dec_result(c, rc, XP_DECIMAL, r, out);
	}
	case XP_OP_IDIV: {
		if (tandem_dec_is_zero(y))
			return xp_error(c, "FOAR0001", "division by zero");
		rc = tandem_dec_div(x, y, 0, TANDEM_ROUND_DOWN, &r);
		return dec_result(c, rc, XP_INTEGER, r, out);
	}
	case XP_OP_MOD: {
		if (tandem_dec_is_zero(y))
			return xp_error(c, "FOAR0001", "division by zero");
		struct tandem_dec q = {0, 0}, qy = {0, 0};
		rc = tandem_dec_div(x, y, 0, TANDEM_ROUND_DOWN, &q);
		if (!rc)
			rc = tandem_dec_mul(q, y, &qy);
		if (!rc)
			rc = tandem_dec_sub(x, qy, &r);
		return dec_result(c, rc, type, r, out);
	}
	default:
		return xp_error(c, "XPST0017", "bad arithmetic operator");
	}
}

int xp_arith(struct xp_ctx *c, enum xp_op op, const struct xp_item *a0,
	     const struct xp_item *b0, struct xp_item *out)
{
	struct xp_item a = *a0, b = *b0;
	if (a.type == XP_UNTYPED && xp_cast(c, &a, XP_DOUBLE, &a))
		return c->err;
	if (b.type == XP_UNTYPED && xp_cast(c, &b, XP_DOUBLE, &b))
		return c->err;
	if (!xp_is_numeric(a.type) || !xp_is_numeric(b.type))
		return xp_error(c, "XPTY0004", "arithmetic on %s and %s", xp_type_name(a0->type),
				xp_type_name(b0->type));
	c->steps++;
	if (a.type != XP_DOUBLE && b.type != XP_DOUBLE)
		return decimal_arith(c, op, &a, &b, out);
	double x = xp_to_double(&a), y = xp_to_double(&b), r;
	switch (op) {
	case XP_OP_ADD: r = x + y; break;
	case XP_OP_SUB: r = x - y; break;
	case XP_OP_MUL: r = x * y; break;
	case XP_OP_DIV: r = x / y; break;
	case XP_OP_MOD: r = fmod(x, y); break;
	case XP_OP_IDIV:
		if (y == 0 || isnan(x) || isnan(y) || isinf(x))
			return xp_error(c, "FOAR0001", "integer division by zero or of NaN/INF");
		{
			struct xp_item q = {.type = XP_DOUBLE, .v.d = trunc(x / y)};
			if (xp_cast(c, &q, XP_INTEGER, out))
				return c->err;
			return 0;
		}
	default:
		return xp_error(c, "XPST0017", "bad arithmetic operator");
	}
	out->type = XP_DOUBLE;
	out->v.d = r;
	return 0;
}
