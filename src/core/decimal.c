/*
 * src/core/decimal.c - exact decimal arithmetic for money (tandem/decimal.h).
 *
 * A value is coef * 10^-scale with |coef| < 10^38, so every coefficient and
 * its negation fit in a signed 128-bit integer (2^127 ~ 1.7 * 10^38) and the
 * negation never overflows. Intermediate results are computed with the
 * compiler's overflow-checking builtins; when 128 bits do not suffice for an
 * intermediate (a result that fits can need a wider one), the operation is
 * redone on 256 bits (u256.h). Every result is checked against 10^38.
 */
#include <string.h>

#include "core/core.h"
#include "core/u256.h"
#include "tandem/decimal.h"

#define E19 ((tandem_i128)10000000000000000000u)

/* 10^0 .. 10^38 as constant expressions (128-bit literals do not exist). */
static const tandem_i128 pow10_tab[TANDEM_DEC_DIGITS_MAX + 1] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000, 10000000000, 100000000000, 1000000000000,
	10000000000000, 100000000000000, 1000000000000000,
	10000000000000000, 100000000000000000, 1000000000000000000,
	E19, E19 * 10, E19 * 100, E19 * 1000, E19 * 10000, E19 * 100000,
	E19 * 1000000, E19 * 10000000, E19 * 100000000, E19 * 1000000000,
	E19 * 10000000000, E19 * 100000000000, E19 * 1000000000000,
	E19 * 10000000000000, E19 * 100000000000000, E19 * 1000000000000000,
	E19 * 10000000000000000, E19 * 100000000000000000,
	E19 * 1000000000000000000, E19 * E19,
};

#define COEF_LIMIT (pow10_tab[TANDEM_DEC_DIGITS_MAX]) /* 10^38, exclusive */

static tandem_i128 abs128(tandem_i128 v)
{
	return v < 0 ? -v : v;
}

static int fits(tandem_i128 v)
{
	return v < COEF_LIMIT && v > -COEF_LIMIT;
}

static int scale_ok(int scale)
{
	return scale >= 0 && scale <= TANDEM_DEC_SCALE_MAX;
}

/* coef * 10^k, or TANDEM_EOVERFLOW if the result has more than 38 digits. */
static int shift_up(tandem_i128 coef, int k, tandem_i128 *out)
{
	tandem_i128 r;

	TANDEM_ASSERT(k >= 0);
	if (coef == 0) {
		*out = 0;
		return 0;
	}
	if (k > TANDEM_DEC_DIGITS_MAX ||
	    __builtin_mul_overflow(coef, pow10_tab[k], &r) || !fits(r))
		return TANDEM_EOVERFLOW;
	*out = r;
	return 0;
}

/* sign * mag as a coefficient, or TANDEM_EOVERFLOW if mag >= 10^38. */
static int from_wide(struct u256 mag, int neg, tandem_i128 *out)
{
	u128 v;

	if (u256_to_u128(mag, &v) != 0 || v >= (u128)COEF_LIMIT)
		return TANDEM_EOVERFLOW;
	*out = neg ? -(tandem_i128)v : (tandem_i128)v;
	return 0;
}

static struct u256 wide_abs(tandem_i128 v)
{
	return u256_from_u128((u128)abs128(v));
}

/*
 * An exact wide result sign * mag * 10^-scale made to fit: trailing zeros
 * are dropped while the scale is above TANDEM_DEC_SCALE_MAX or the
 * coefficient has more than 38 digits. The value never changes, only its
 * written scale; TANDEM_EOVERFLOW if it still does not fit.
 */
static int narrow(struct u256 mag, int neg, int scale, struct tandem_dec *out)
{
	tandem_i128 coef;

	while (scale > 0) {
		u128 v;
		struct u256 t = mag;

		if (u256_to_u128(mag, &v) == 0 && v < (u128)COEF_LIMIT &&
		    scale <= TANDEM_DEC_SCALE_MAX)
			break;
		if (u256_div_small(&t, 10) != 0)
			break;
		mag = t;
		scale--;
	}
	if (scale > TANDEM_DEC_SCALE_MAX || from_wide(mag, neg, &coef) != 0)
		return TANDEM_EOVERFLOW;
	out->coef = coef;
	out->scale = scale;
	return 0;
}

const char *tandem_round_name(enum tandem_round mode)
{
	switch (mode) {
	case TANDEM_ROUND_HALF_UP:      return "half-up";
	case TANDEM_ROUND_HALF_EVEN:    return "half-even";
	case TANDEM_ROUND_HALF_CEILING: return "half-ceiling";
	case TANDEM_ROUND_DOWN:         return "down";
	case TANDEM_ROUND_FLOOR:        return "floor";
	case TANDEM_ROUND_CEILING:      return "ceiling";
	default:                        return "unknown";
	}
}

/*
 * Whether a truncated quotient moves one step away from zero. sign is the
 * sign of the exact quotient (never 0 here: there is a remainder), half says
 * where the remainder lies (-1 below, 0 exactly at, 1 above one half unit)
 * and q_odd whether the truncated quotient is odd.
 */
static int round_away(enum tandem_round mode, int sign, int half, int q_odd)
{
	switch (mode) {
	case TANDEM_ROUND_DOWN:
		return 0;
	case TANDEM_ROUND_FLOOR:
		return sign < 0;
	case TANDEM_ROUND_CEILING:
		return sign > 0;
	case TANDEM_ROUND_HALF_UP:
		return half >= 0;
	case TANDEM_ROUND_HALF_EVEN:
		return half > 0 || (half == 0 && q_odd);
	case TANDEM_ROUND_HALF_CEILING:
		return half > 0 || (half == 0 && sign > 0);
	default:
		TANDEM_UNREACHABLE();
	}
}

/*
 * The integer n / d (d > 0) rounded with the rule. The remainder r is
 * compared with d - r, which cannot overflow, instead of 2r with d.
 */
static tandem_i128 div_round(tandem_i128 n, tandem_i128 d, enum tandem_round mode)
{
	tandem_i128 q = n / d, r = abs128(n % d);
	int half, sign = n < 0 ? -1 : 1;

	TANDEM_ASSERT(d > 0);
	if (r == 0)
		return q;
	half = r < d - r ? -1 : (r == d - r ? 0 : 1);
	if (round_away(mode, sign, half, (q % 2) != 0))
		q += sign;
	return q;
}

static int is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int tandem_dec_parse(struct tandem_slice s, struct tandem_dec *out)
{
	const char *p, *end, *int_start, *frac_start = NULL;
	size_t int_len, frac_len = 0, keep;
	tandem_i128 coef = 0;
	int neg = 0;

	if (s.len > TANDEM_DEC_INPUT_MAX)
		return TANDEM_ELIMIT;
	if (s.len == 0)
		return TANDEM_EBADINPUT; /* ptr may be NULL: no arithmetic on it */
	p = s.ptr;
	end = s.ptr + s.len;
	while (p < end && is_xml_space(*p))
		p++;
	while (end > p && is_xml_space(end[-1]))
		end--;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	int_start = p;
	while (p < end && tandem__is_digit(*p))
		p++;
	int_len = (size_t)(p - int_start);
	if (p < end && *p == '.') {
		frac_start = ++p;
		while (p < end && tandem__is_digit(*p))
			p++;
		frac_len = (size_t)(p - frac_start);
	}
	if (p != end || int_len + frac_len == 0)
		return TANDEM_EBADINPUT;

	/* Fractional digits past the maximum scale must be zeros. */
	keep = frac_len;
	if (keep > TANDEM_DEC_SCALE_MAX) {
		for (size_t i = TANDEM_DEC_SCALE_MAX; i < frac_len; i++)
			if (frac_start[i] != '0')
				return TANDEM_EOVERFLOW;
		keep = TANDEM_DEC_SCALE_MAX;
	}
	for (size_t i = 0; i < int_len + keep; i++) {
		const char *c = i < int_len ? int_start + i : frac_start + (i - int_len);
		/* From 10^37 on, one more digit reaches 10^38: refuse before
		 * multiplying, so nothing ever overflows. */
		if (coef >= pow10_tab[TANDEM_DEC_DIGITS_MAX - 1])
			return TANDEM_EOVERFLOW;
		coef = coef * 10 + (*c - '0');
	}
	out->coef = neg ? -coef : coef;
	out->scale = (int)keep;
	return 0;
}

int tandem_dec_parse_cstr(const char *s, struct tandem_dec *out)
{
	return tandem_dec_parse(tandem_slice_from_cstr(s), out);
}

size_t tandem_dec_format(struct tandem_dec d, char buf[TANDEM_DEC_STR_MAX])
{
	char digits[TANDEM_DEC_DIGITS_MAX + TANDEM_DEC_SCALE_MAX + 2];
	u128 v = (u128)abs128(d.coef);
	size_t n = 0, len = 0;

	TANDEM_ASSERT(fits(d.coef) && scale_ok(d.scale));
	do {
		digits[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	while (n < (size_t)d.scale + 1)
		digits[n++] = '0';
	if (d.coef < 0)
		buf[len++] = '-';
	while (n > 0) {
		if (n == (size_t)d.scale)
			buf[len++] = '.';
		buf[len++] = digits[--n];
	}
	buf[len] = '\0';
	TANDEM_ASSERT(len < TANDEM_DEC_STR_MAX);
	return len;
}

int tandem_dec_from_int(int64_t coef, int scale, struct tandem_dec *out)
{
	if (!scale_ok(scale))
		return TANDEM_EINVAL;
	out->coef = coef;
	out->scale = scale;
	return 0;
}

int tandem_dec_round(struct tandem_dec d, int scale, enum tandem_round mode,
		     struct tandem_dec *out)
{
	tandem_i128 coef;
	int err;

	if (!scale_ok(scale) || mode < 0 || mode >= TANDEM_ROUND_COUNT_)
		return TANDEM_EINVAL;
	if (scale >= d.scale) {
		err = shift_up(d.coef, scale - d.scale, &coef);
		if (err)
			return err;
	} else {
		coef = div_round(d.coef, pow10_tab[d.scale - scale], mode);
	}
	out->coef = coef;
	out->scale = scale;
	return 0;
}

int tandem_dec_to_minor(struct tandem_dec d, int scale, enum tandem_round mode,
			int64_t *out)
{
	struct tandem_dec r;
	int err = tandem_dec_round(d, scale, mode, &r);

	if (err)
		return err;
	if (r.coef > INT64_MAX || r.coef < INT64_MIN)
		return TANDEM_EOVERFLOW;
	*out = (int64_t)r.coef;
	return 0;
}

/* Exact a + b at the given common scale on 256 bits, then narrowed. */
static int add_wide(struct tandem_dec a, struct tandem_dec b, int scale,
		    struct tandem_dec *out)
{
	struct u256 x = wide_abs(a.coef), y = wide_abs(b.coef);
	int xneg = a.coef < 0, yneg = b.coef < 0, ovf;

	/* 10^38 * 10^30 < 2^255: aligning and adding never overflow here. */
	ovf = u256_mul_pow10(&x, scale - a.scale);
	ovf |= u256_mul_pow10(&y, scale - b.scale);
	TANDEM_ASSERT(ovf == 0);
	if (xneg == yneg) {
		ovf = u256_add(&x, y);
		TANDEM_ASSERT(ovf == 0);
		return narrow(x, xneg, scale, out);
	}
	if (u256_cmp(x, y) >= 0) {
		u256_sub(&x, y);
		return narrow(x, xneg, scale, out);
	}
	u256_sub(&y, x);
	return narrow(y, yneg, scale, out);
}

int tandem_dec_add(struct tandem_dec a, struct tandem_dec b,
		   struct tandem_dec *out)
{
	int scale = a.scale > b.scale ? a.scale : b.scale;
	tandem_i128 x, y, sum;

	TANDEM_ASSERT(scale_ok(a.scale) && scale_ok(b.scale));
	if (shift_up(a.coef, scale - a.scale, &x) ||
	    shift_up(b.coef, scale - b.scale, &y) ||
	    __builtin_add_overflow(x, y, &sum) || !fits(sum))
		return add_wide(a, b, scale, out);
	out->coef = sum;
	out->scale = scale;
	return 0;
}

int tandem_dec_sub(struct tandem_dec a, struct tandem_dec b,
		   struct tandem_dec *out)
{
	return tandem_dec_add(a, tandem_dec_neg(b), out);
}

int tandem_dec_mul(struct tandem_dec a, struct tandem_dec b,
		   struct tandem_dec *out)
{
	int scale = a.scale + b.scale;
	struct u256 p;
	tandem_i128 coef;

	if (!__builtin_mul_overflow(a.coef, b.coef, &coef) && fits(coef) &&
	    scale <= TANDEM_DEC_SCALE_MAX) {
		out->coef = coef;
		out->scale = scale;
		return 0;
	}
	/* Exact product on 256 bits (< 10^76), then narrowed. */
	p = u256_mul128((u128)abs128(a.coef), (u128)abs128(b.coef));
	return narrow(p, (a.coef < 0) != (b.coef < 0), scale, out);
}

/*
 * |a| * 10^e / |b| (or |a| / (|b| * 10^-e)) on 256 bits, rounded. When the
 * scaled dividend needs over 256 bits the quotient is at least
 * 2^256 / 10^38 > 10^38 and cannot fit anyway.
 */
static int div_wide(struct tandem_dec a, struct tandem_dec b, int e,
		    enum tandem_round mode, tandem_i128 *out)
{
	struct u256 n = wide_abs(a.coef), d = wide_abs(b.coef), q, r, rest;
	int sign = (a.coef < 0) != (b.coef < 0) ? -1 : 1, half;

	if (e >= 0 && u256_mul_pow10(&n, e) != 0)
		return TANDEM_EOVERFLOW;
	if (e < 0) {
		/* -e <= 30, so the divisor stays below 10^68. */
		int ovf = u256_mul_pow10(&d, -e);
		TANDEM_ASSERT(ovf == 0);
	}
	u256_divmod(n, d, &q, &r);
	if (!u256_is_zero(r)) {
		rest = d;
		u256_sub(&rest, r);
		half = u256_cmp(r, rest);
		if (round_away(mode, sign, half, (int)(q.w[0] & 1u))) {
			struct u256 one = u256_from_u128(1);
			if (u256_add(&q, one))
				return TANDEM_EOVERFLOW;
		}
	}
	return from_wide(q, sign < 0, out);
}

int tandem_dec_div(struct tandem_dec a, struct tandem_dec b, int scale,
		   enum tandem_round mode, struct tandem_dec *out)
{
	tandem_i128 n = a.coef, d = b.coef, scaled, q;
	int e = scale + b.scale - a.scale; /* q = a.coef * 10^e / b.coef */

	if (!scale_ok(scale) || mode < 0 || mode >= TANDEM_ROUND_COUNT_ ||
	    d == 0)
		return TANDEM_EINVAL;
	if (d < 0) {
		n = -n;
		d = -d;
	}
	if (e >= 0 && e <= TANDEM_DEC_DIGITS_MAX &&
	    !__builtin_mul_overflow(n, pow10_tab[e], &scaled)) {
		q = div_round(scaled, d, mode);
	} else if (e < 0 && -e <= TANDEM_DEC_DIGITS_MAX &&
		   !__builtin_mul_overflow(d, pow10_tab[-e], &scaled)) {
		q = div_round(n, scaled, mode);
	} else if (div_wide(a, b, e, mode, &q) != 0) {
		return TANDEM_EOVERFLOW;
	}
	if (!fits(q))
		return TANDEM_EOVERFLOW;
	out->coef = q;
	out->scale = scale;
	return 0;
}

struct tandem_dec tandem_dec_reduce(struct tandem_dec d)
{
	while (d.scale > 0 && d.coef % 10 == 0) {
		d.coef /= 10;
		d.scale--;
	}
	return d;
}

int tandem_dec_cmp(struct tandem_dec a, struct tandem_dec b)
{
	int sa = tandem_dec_sign(a), sb = tandem_dec_sign(b);
	tandem_i128 x = a.coef, y = b.coef;

	if (sa != sb)
		return sa < sb ? -1 : 1;
	/*
	 * Same sign. Bring both to the larger scale; if that overflows, the
	 * value being scaled has the larger magnitude (its coefficient times
	 * 10^k reaches 10^38, more than the other's coefficient).
	 */
	if (a.scale < b.scale && shift_up(a.coef, b.scale - a.scale, &x))
		return sa;
	if (b.scale < a.scale && shift_up(b.coef, a.scale - b.scale, &y))
		return -sa;
	return x < y ? -1 : (x > y ? 1 : 0);
}

struct tandem_dec tandem_dec_neg(struct tandem_dec d)
{
	d.coef = -d.coef;
	return d;
}

struct tandem_dec tandem_dec_abs(struct tandem_dec d)
{
	d.coef = abs128(d.coef);
	return d;
}

int tandem_dec_sign(struct tandem_dec d)
{
	return d.coef < 0 ? -1 : (d.coef > 0 ? 1 : 0);
}

bool tandem_dec_is_zero(struct tandem_dec d)
{
	return d.coef == 0;
}

int tandem_dec_significant_scale(struct tandem_dec d)
{
	return tandem_dec_reduce(d).scale;
}
