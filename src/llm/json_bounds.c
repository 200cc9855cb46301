/*
 * src/llm/json_bounds.c - minimum, maximum, exclusiveMinimum and
 * exclusiveMaximum of a JSON Schema (json_schema.c reads the rest): the
 * range of an integer, or of a number in units of 10^-JS_BOUND_FRAC_MAX,
 * which json_sgram.c keeps the digits it writes within.
 */
#include <stdbool.h>
#include <string.h>

#include "json_int.h"
#include "tandem/error.h"
#include "tandem/json.h"

/* The largest magnitude a bounded number is written with: 18 digits
 * before the point, JS_BOUND_FRAC_MAX after, in units of 10^-12. */
#define WIDE_MAX ((js_wide)999999999999999999 * JS_BOUND_SCALE + (JS_BOUND_SCALE - 1))

/*
 * A bound (a JSON number as written: sign, digits, point, exponent) in
 * units of 10^-JS_BOUND_FRAC_MAX, cut toward zero; *exact when nothing
 * was cut. Beyond what a bounded number can be written as, +-WIDE_MAX + 1.
 */
static js_wide scaled(const char *t, size_t n, bool *exact)
{
	size_t neg = n > 0 && t[0] == '-', k = neg;
	char digits[40]; /* the significant digits kept */
	size_t nd = 0;
	long shift = JS_BOUND_FRAC_MAX, e = 0;
	bool point = false;

	*exact = true;
	for (; k < n && t[k] != 'e' && t[k] != 'E'; k++) {
		if (t[k] == '.') {
			point = true;
			continue;
		}
		shift -= point; /* a digit after the point */
		if (nd == 0 && t[k] == '0')
			continue; /* a leading zero */
		if (nd < sizeof digits) {
			digits[nd++] = t[k];
		} else { /* beyond 40 significant digits: dropped, in its place */
			shift++;
			*exact = *exact && t[k] == '0';
		}
	}
	if (k < n) { /* the exponent; past 1000, any bound is out of reach */
		size_t j = k + 1;
		bool eneg = j < n && t[j] == '-';
		j += j < n && (t[j] == '-' || t[j] == '+');
		for (; j < n; j++)
			e = e < 1000 ? e * 10 + (t[j] - '0') : e;
		shift += eneg ? -e : e;
	}
	js_wide v = 0;
	if (nd > 0 && (long)nd + shift > 31) {
		v = WIDE_MAX + 1; /* 10^31 units and beyond */
	} else if (nd > 0) {
		long keep = (long)nd + (shift < 0 ? shift : 0);
		for (long d = 0; d < keep; d++)
			v = v * 10 + (digits[d] - '0');
		for (long d = keep < 0 ? 0 : keep; d < (long)nd; d++)
			*exact = *exact && digits[d] == '0';
		for (long d = 0; d < shift; d++)
			v *= 10;
		if (v > WIDE_MAX)
			v = WIDE_MAX + 1;
	}
	return neg ? -v : v;
}

/* A bound of keyword kw as the least (lower) or greatest (!lower) value
 * in units of 10^-12 that meets it; false after a refusal. */
static bool read_bound(struct js_comp *cp, const struct tandem_json *x, const char *kw,
		       bool lower, bool exclusive, js_wide *out)
{
	bool exact;

	if (x->type != TANDEM_JSON_NUMBER) {
		js_refuse(cp, TANDEM_EBADINPUT, kw, "not a number");
		return false;
	}
	js_wide v = scaled(x->u.s, x->n, &exact);
	/* Cut toward zero: up for a lower bound below zero, down above. */
	if (lower)
		v += (!exact && x->u.s[0] != '-') || (exact && exclusive);
	else
		v -= (!exact && x->u.s[0] == '-') || (exact && exclusive);
	*out = v;
	return true;
}

/* floor(v / JS_BOUND_SCALE) (down) or its ceiling (!down). */
static js_wide units(js_wide v, bool down)
{
	js_wide q = v / JS_BOUND_SCALE, r = v % JS_BOUND_SCALE;
	return q - (down && r < 0) + (!down && r > 0);
}

/*
 * minimum, maximum, exclusiveMinimum, exclusiveMaximum: the range of a
 * number [n->nlo, n->nhi] in units of 10^-12, or of an integer [n->lo,
 * n->hi], within what a bounded number is then written with: at most
 * JS_BOUND_DIGITS_MAX digits before the point, JS_BOUND_FRAC_MAX after,
 * no exponent. A range with no such value leaves the type out.
 */
void js_read_bounds(struct js_comp *cp, const struct tandem_json *v, struct js_node *n)
{
	static const char *const kws[] = {"minimum", "exclusiveMinimum", "maximum",
					  "exclusiveMaximum"};
	js_wide lo = -WIDE_MAX, hi = WIDE_MAX;
	bool any = false;

	for (size_t k = 0; k < sizeof kws / sizeof kws[0]; k++) {
		const struct tandem_json *x = tandem_json_get(v, kws[k]);
		js_wide b;

		if (x == NULL)
			continue;
		if (tandem_json_get(v, "enum") || tandem_json_get(v, "const")) {
			js_refuse(cp, TANDEM_EUNSUPPORTED, kws[k], "\"%s\" beside enum or const is "
				  "not supported", kws[k]);
			continue;
		}
		if (!read_bound(cp, x, kws[k], k < 2, k % 2 == 1, &b))
			continue;
		any = true;
		if (k < 2)
			lo = b > lo ? b : lo;
		else
			hi = b < hi ? b : hi;
	}
	if (!any)
		return;
	if (n->types & JS_T_NUMBER) {
		n->nbounded = true;
		n->nlo = lo;
		n->nhi = hi;
		if (lo > hi) /* no number is then an instance */
			n->types &= (uint8_t)~(JS_T_NUMBER | JS_T_INTEGER);
		return;
	}
	if (!(n->types & JS_T_INTEGER))
		return;
	js_wide ilo = units(lo, false), ihi = units(hi, true);
	n->bounded = true;
	n->lo = (int64_t)ilo;
	n->hi = (int64_t)ihi;
	if (ilo > ihi) /* no integer is then an instance: the type goes */
		n->types &= (uint8_t)~JS_T_INTEGER;
}
