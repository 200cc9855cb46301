/*
 * src/llm/json_bounds.c - minimum, maximum, exclusiveMinimum,
 * exclusiveMaximum and multipleOf of a JSON Schema (json_schema.c reads
 * the rest): the range of an integer, or of a number in units of
 * 10^-JS_BOUND_FRAC_MAX, and the step its value is a multiple of; and
 * whether the digits json_sgram.c has written can still end as such a
 * value.
 *
 * What digits to come can make of a number is always a run of
 * consecutive values in those units - j more digits before the point
 * make [mag 10^j, (mag + 1) 10^j), and twelve digits after it at most
 * fill every unit between - so a number can still end within the range
 * and on a multiple exactly when one of those runs holds a multiple
 * inside the range: a division, not a search.
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

/* Whether [a, b] (magnitudes, a >= 0) holds, within the magnitudes
 * [lo, hi], a multiple of m (0: any value). */
static bool reach(js_wide a, js_wide b, js_wide lo, js_wide hi, js_wide m)
{
	if (lo > a)
		a = lo;
	if (hi < b)
		b = hi;
	if (a > b)
		return false;
	return m == 0 || (a + m - 1) / m * m <= b;
}

/* Whether [a, b] (magnitudes) holds a value of n's range and step with
 * the sign neg (signed bounds lo, hi; step m). */
static bool meets(bool neg, js_wide a, js_wide b, js_wide lo, js_wide hi, js_wide m)
{
	return neg ? reach(a, b, hi >= 0 ? 0 : -hi, -lo, m) : reach(a, b, lo < 0 ? 0 : lo, hi, m);
}

/* Whether some value of [lo, hi] of a magnitude at most top (what 18
 * digits before the point, and 12 after for a number, write) is a
 * multiple of m. */
static bool has_multiple(js_wide lo, js_wide hi, js_wide m, js_wide top)
{
	return meets(false, 0, top, lo, hi, m) || meets(true, 0, top, lo, hi, m);
}

static js_wide gcd(js_wide a, js_wide b)
{
	while (b != 0) {
		js_wide t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* multipleOf of schema v in units of 10^-12; 0 when absent or refused. */
static js_wide read_step(struct js_comp *cp, const struct tandem_json *v)
{
	const struct tandem_json *x = tandem_json_get(v, "multipleOf");
	bool exact;

	if (x == NULL)
		return 0;
	if (tandem_json_get(v, "enum") || tandem_json_get(v, "const")) {
		js_refuse(cp, TANDEM_EUNSUPPORTED, "multipleOf", "\"multipleOf\" beside enum or "
			  "const is not supported");
		return 0;
	}
	if (x->type != TANDEM_JSON_NUMBER) {
		js_refuse(cp, TANDEM_EBADINPUT, "multipleOf", "not a number");
		return 0;
	}
	js_wide m = scaled(x->u.s, x->n, &exact);
	if (m < 0 || (m == 0 && exact)) {
		js_refuse(cp, TANDEM_EBADINPUT, "multipleOf", "not greater than 0");
		return 0;
	}
	if (!exact) {
		js_refuse(cp, TANDEM_EUNSUPPORTED, "multipleOf", "a step finer than 10^-%d is not "
			  "supported", JS_BOUND_FRAC_MAX);
		return 0;
	}
	return m;
}

/*
 * minimum, maximum, exclusiveMinimum, exclusiveMaximum: the range of a
 * number [n->nlo, n->nhi] in units of 10^-12, or of an integer [n->lo,
 * n->hi], within what a bounded number is then written with: at most
 * JS_BOUND_DIGITS_MAX digits before the point, JS_BOUND_FRAC_MAX after,
 * no exponent. multipleOf: the step n->mult of its value, in the same
 * units (an integer is a multiple of m 10^-12 when it is one of
 * m / gcd(m, 10^12)). A range with no such value leaves the type out.
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
	js_wide step = read_step(cp, v);
	if (!any && step == 0)
		return;
	if (n->types & JS_T_NUMBER) {
		n->nbounded = true;
		n->nlo = lo;
		n->nhi = hi;
		n->mult = step;
		if (!has_multiple(lo, hi, step, WIDE_MAX)) /* no number is then an instance */
			n->types &= (uint8_t)~(JS_T_NUMBER | JS_T_INTEGER);
		return;
	}
	if (!(n->types & JS_T_INTEGER))
		return;
	js_wide ilo = units(lo, false), ihi = units(hi, true);
	n->bounded = true;
	n->lo = (int64_t)ilo;
	n->hi = (int64_t)ihi;
	n->mult = step != 0 ? step / gcd(step, JS_BOUND_SCALE) : 0;
	/* No integer is then an instance: the type goes. */
	if (!has_multiple(ilo, ihi, n->mult, WIDE_MAX / JS_BOUND_SCALE))
		n->types &= (uint8_t)~JS_T_INTEGER;
}

bool js_bound_fits(const struct js_node *n, bool neg, uint64_t mag, unsigned digits, bool zero)
{
	js_wide p = 1;

	if (digits > 0) {
		if (meets(neg, mag, mag, n->lo, n->hi, n->mult))
			return true; /* it may end here */
		if (zero)
			return false; /* a leading 0 takes no more digits */
	}
	/* j more digits: from mag * 10^j to mag * 10^j + 10^j - 1 (after a
	 * lone '-', from 10^(j-1), or 0 for one digit). */
	for (unsigned j = 1; digits + j <= JS_BOUND_DIGITS_MAX; j++) {
		p *= 10;
		js_wide a = digits > 0 ? (js_wide)mag * p : j == 1 ? 0 : p / 10;
		js_wide b = digits > 0 ? a + p - 1 : p - 1;
		if (meets(neg, a, b, n->lo, n->hi, n->mult))
			return true;
	}
	return false;
}

bool js_bound_value(const struct js_node *n, bool neg, uint64_t mag)
{
	return meets(neg, mag, mag, n->lo, n->hi, n->mult);
}

static const uint64_t pow10s[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
				   100000000, 1000000000, 10000000000, 100000000000,
				   1000000000000};

bool js_nbound_fits(const struct js_node *n, const struct js_state *s, bool zero, bool frac)
{
	const js_wide one = JS_BOUND_SCALE;
	js_wide m = (js_wide)s->num_mag * one;

	if (frac) { /* after the point: digits to come make at most 10^-f - 10^-12 more */
		js_wide at = m + (js_wide)s->num_frac * (js_wide)pow10s[JS_BOUND_FRAC_MAX -
									s->num_fdigits];
		return meets(s->num_neg, at, at + (js_wide)pow10s[JS_BOUND_FRAC_MAX - s->num_fdigits]
			     - 1, n->nlo, n->nhi, n->mult);
	}
	if (s->num_digits == 0) /* a lone '-': any magnitude to come */
		return meets(true, 0, WIDE_MAX, n->nlo, n->nhi, n->mult);
	/* j more digits before the point, then perhaps a fraction: from
	 * mag 10^j to (mag + 1) 10^j - 10^-12. A leading 0 takes none. */
	js_wide p = 1;
	for (unsigned j = 0; s->num_digits + j <= JS_BOUND_DIGITS_MAX; j++, p *= 10) {
		if (meets(s->num_neg, m * p, ((js_wide)s->num_mag + 1) * p * one - 1, n->nlo,
			  n->nhi, n->mult))
			return true;
		if (zero)
			break;
	}
	return false;
}

bool js_nbound_value(const struct js_node *n, const struct js_state *s)
{
	js_wide v = (js_wide)s->num_mag * JS_BOUND_SCALE +
		    (js_wide)s->num_frac * (js_wide)pow10s[JS_BOUND_FRAC_MAX - s->num_fdigits];
	return meets(s->num_neg, v, v, n->nlo, n->nhi, n->mult);
}
