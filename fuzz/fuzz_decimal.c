/*
 * fuzz/fuzz_decimal.c - fuzz target for the decimal type (tandem/decimal.h).
 * The input is one decimal in its lexical form, or two separated by '|'.
 * Each is parsed and the outcome checked against a small grammar oracle
 * written here (valid or not, too many digits or not, canonical text), then
 * every parsed value goes through format and parse again, all rounding rules
 * at scales 0 to 4, and identities of the arithmetic; a pair is also added,
 * subtracted, multiplied, divided and compared, with the results checked
 * against each other (commutativity, antisymmetry, the bounds a quotient must
 * lie between). Any violated property aborts through TANDEM_ASSERT.
 */
#include <string.h>

#include "fuzz.h"
#include "tandem/assert.h"
#include "tandem/decimal.h"
#include "tandem/error.h"

/* Longer inputs teach nothing the 256-byte parser limit does not. */
#define FUZZ_INPUT_MAX 512

/*
 * Room for the oracle's canonical text: sign, 38 digits, point, 30 decimals
 * (fewer in fact, since the digits are shared), and the NUL.
 */
#define CANON_MAX 80

/* Scales the quotient of a pair is checked at. */
static const int div_scales[] = {0, 2, 6};

/*
 * What out-parameters hold before a call, to see that a failure leaves them
 * untouched.
 */
static const struct tandem_dec sentinel = {777, 3};

static tandem_i128 pow10_i128(int n)
{
	tandem_i128 p = 1;

	for (int i = 0; i < n; i++)
		p *= 10;
	return p;
}

static struct tandem_dec mk(tandem_i128 coef, int scale)
{
	struct tandem_dec d = {coef, scale};
	return d;
}

static bool same(struct tandem_dec a, struct tandem_dec b)
{
	return a.coef == b.coef && a.scale == b.scale;
}

/* The invariant of every value the library hands out. */
static bool well_formed(struct tandem_dec d)
{
	tandem_i128 lim = pow10_i128(TANDEM_DEC_DIGITS_MAX);

	return d.scale >= 0 && d.scale <= TANDEM_DEC_SCALE_MAX &&
	       d.coef > -lim && d.coef < lim;
}

static bool is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The grammar oracle: the status tandem_dec_parse must return for s, written
 * from the header alone. Where the header leaves a choice (a value with more
 * than 30 written decimals, all zeros beyond the 30th, whose coefficient at
 * scale 30 has more than 38 digits but fewer once reduced) it returns 1,
 * meaning 0 and TANDEM_EOVERFLOW are both right. canon (CANON_MAX bytes)
 * receives the canonical text of the value at scale min(decimals, 30), and
 * *decimals the number of decimals written.
 */
static int expected_parse(struct tandem_slice s, char *canon, size_t *decimals)
{
	const char *p = s.ptr;
	size_t i = 0, j = s.len, int_at, int_len, frac_at, frac_len, kept;
	size_t lead, sig, sig_reduced, trail, k = 0;
	bool neg = false;

	canon[0] = '\0';
	*decimals = 0;
	if (s.len > TANDEM_DEC_INPUT_MAX)
		return TANDEM_ELIMIT;
	while (i < j && is_xml_space(p[i]))
		i++;
	while (j > i && is_xml_space(p[j - 1]))
		j--;
	if (i < j && (p[i] == '-' || p[i] == '+'))
		neg = p[i++] == '-';
	int_at = i;
	while (i < j && is_digit(p[i]))
		i++;
	int_len = i - int_at;
	frac_at = i;
	if (i < j && p[i] == '.') {
		frac_at = ++i;
		while (i < j && is_digit(p[i]))
			i++;
	}
	frac_len = i - frac_at;
	if (i != j || int_len + frac_len == 0)
		return TANDEM_EBADINPUT;
	*decimals = frac_len;

	kept = frac_len;
	if (kept > TANDEM_DEC_SCALE_MAX)
		kept = TANDEM_DEC_SCALE_MAX;
	for (size_t x = kept; x < frac_len; x++)
		if (p[frac_at + x] != '0')
			return TANDEM_EOVERFLOW;

	/*
	 * Significant digits of the coefficient at scale kept: the integer
	 * digits and kept decimals, less leading zeros.
	 */
	lead = 0;
	while (lead < int_len && p[int_at + lead] == '0')
		lead++;
	sig = int_len - lead + kept;
	if (lead == int_len) {
		size_t z = 0;

		while (z < kept && p[frac_at + z] == '0')
			z++;
		sig -= z;
	}
	trail = 0;
	while (trail < kept && p[frac_at + kept - 1 - trail] == '0')
		trail++;
	sig_reduced = sig > trail ? sig - trail : 0;

	/* The canonical text, never with a sign on zero. */
	if (neg && sig > 0)
		canon[k++] = '-';
	if (lead == int_len)
		canon[k++] = '0';
	for (size_t x = lead; x < int_len && k < CANON_MAX - 1; x++)
		canon[k++] = p[int_at + x];
	if (kept > 0 && k < CANON_MAX - 1)
		canon[k++] = '.';
	for (size_t x = 0; x < kept && k < CANON_MAX - 1; x++)
		canon[k++] = p[frac_at + x];
	canon[k] = '\0';

	if (sig <= TANDEM_DEC_DIGITS_MAX)
		return 0;
	if (frac_len <= TANDEM_DEC_SCALE_MAX ||
	    sig_reduced > TANDEM_DEC_DIGITS_MAX)
		return TANDEM_EOVERFLOW;
	return 1;
}

/* Parses s into *out, checking the result against the oracle. */
static bool parse_checked(struct tandem_slice s, struct tandem_dec *out)
{
	char canon[CANON_MAX], buf[TANDEM_DEC_STR_MAX];
	size_t decimals;
	int want = expected_parse(s, canon, &decimals);
	int rc;

	*out = sentinel;
	rc = tandem_dec_parse(s, out);
	if (want == 1)
		TANDEM_ASSERT(rc == 0 || rc == TANDEM_EOVERFLOW);
	else
		TANDEM_ASSERT(rc == want);
	if (rc == TANDEM_EOVERFLOW)
		TANDEM_ASSERT(same(*out, sentinel));
	if (rc != 0)
		return false;

	TANDEM_ASSERT(well_formed(*out));
	if (decimals <= TANDEM_DEC_SCALE_MAX) {
		/* The scale is the number of decimals written. */
		TANDEM_ASSERT(out->scale == (int)decimals);
		tandem_dec_format(*out, buf);
		TANDEM_ASSERT(strcmp(buf, canon) == 0);
	} else {
		/* Beyond 30 decimals only the value is promised. */
		struct tandem_dec r = sentinel;

		if (tandem_dec_round(*out, TANDEM_DEC_SCALE_MAX,
				     TANDEM_ROUND_DOWN, &r) == 0) {
			tandem_dec_format(r, buf);
			TANDEM_ASSERT(strcmp(buf, canon) == 0);
		}
	}
	return true;
}

/*
 * An exact result (sum, difference, product) has its natural scale (the
 * larger scale of a sum, the total of a product), except that trailing
 * zeros are dropped where that scale exceeds 30 or the coefficient at it
 * would need more than 38 digits (decimal.h). The value is checked by the
 * callers.
 */
static void check_natural_scale(struct tandem_dec p, int scale_sum)
{
	struct tandem_dec t = sentinel;

	TANDEM_ASSERT(p.scale <= scale_sum && well_formed(p));
	if (p.scale == scale_sum || scale_sum > TANDEM_DEC_SCALE_MAX)
		return;
	TANDEM_ASSERT(tandem_dec_round(p, scale_sum, TANDEM_ROUND_DOWN, &t) ==
		      TANDEM_EOVERFLOW);
}

/* x rounded by every rule to scales 0 to 4. */
static void check_round(struct tandem_dec x)
{
	for (int m = 0; m < TANDEM_ROUND_COUNT_; m++) {
		enum tandem_round mode = (enum tandem_round)m;

		for (int s = 0; s <= 4; s++) {
			struct tandem_dec r = sentinel, diff, twice;
			struct tandem_dec unit = mk(1, s);
			int64_t minor = 0;
			int rc = tandem_dec_round(x, s, mode, &r);
			int c;

			if (rc == TANDEM_EOVERFLOW) {
				/* Only extending can overflow. */
				TANDEM_ASSERT(s > x.scale);
				TANDEM_ASSERT(same(r, sentinel));
				TANDEM_ASSERT(tandem_dec_to_minor(x, s, mode,
								  &minor) ==
					      TANDEM_EOVERFLOW);
				continue;
			}
			TANDEM_ASSERT(rc == 0);
			TANDEM_ASSERT(r.scale == s && well_formed(r));
			if (s >= x.scale)
				TANDEM_ASSERT(tandem_dec_cmp(r, x) == 0);

			/* to_minor is the same rounding, then a range check. */
			rc = tandem_dec_to_minor(x, s, mode, &minor);
			if (r.coef >= INT64_MIN && r.coef <= INT64_MAX)
				TANDEM_ASSERT(rc == 0 &&
					      (tandem_i128)minor == r.coef);
			else
				TANDEM_ASSERT(rc == TANDEM_EOVERFLOW);

			/* Less than one unit of the target scale away. */
			if (tandem_dec_sub(r, x, &diff) != 0)
				continue;
			TANDEM_ASSERT(tandem_dec_cmp(tandem_dec_abs(diff),
						     unit) < 0);
			switch (mode) {
			case TANDEM_ROUND_FLOOR:
				TANDEM_ASSERT(tandem_dec_cmp(r, x) <= 0);
				break;
			case TANDEM_ROUND_CEILING:
				TANDEM_ASSERT(tandem_dec_cmp(r, x) >= 0);
				break;
			case TANDEM_ROUND_DOWN:
				c = tandem_dec_cmp(tandem_dec_abs(r),
						   tandem_dec_abs(x));
				TANDEM_ASSERT(c <= 0);
				TANDEM_ASSERT(tandem_dec_sign(r) *
						      tandem_dec_sign(x) >= 0);
				break;
			default:
				/*
				 * The half rules: at most half a unit away,
				 * and at exactly half, the named side.
				 */
				if (tandem_dec_add(diff, diff, &twice) != 0)
					break;
				c = tandem_dec_cmp(tandem_dec_abs(twice), unit);
				TANDEM_ASSERT(c <= 0);
				if (c < 0)
					break;
				if (mode == TANDEM_ROUND_HALF_UP)
					TANDEM_ASSERT(tandem_dec_cmp(
						tandem_dec_abs(r),
						tandem_dec_abs(x)) > 0);
				else if (mode == TANDEM_ROUND_HALF_CEILING)
					TANDEM_ASSERT(tandem_dec_cmp(r, x) > 0);
				else
					TANDEM_ASSERT(r.coef % 2 == 0);
				break;
			}
		}
	}
}

/* Properties of one value. */
static void check_one(struct tandem_dec x)
{
	char buf[TANDEM_DEC_STR_MAX], again[TANDEM_DEC_STR_MAX];
	struct tandem_dec zero = mk(0, 0), one = mk(1, 0), two = mk(2, 0);
	struct tandem_dec y = sentinel, t = sentinel, u = sentinel;
	struct tandem_dec nx, red;
	size_t n;
	int sign, rc, rc_mul;

	TANDEM_ASSERT(well_formed(x));

	/* Format, parse back: the very same coefficient and scale. */
	n = tandem_dec_format(x, buf);
	TANDEM_ASSERT(n < TANDEM_DEC_STR_MAX && strlen(buf) == n);
	TANDEM_ASSERT(tandem_dec_parse(tandem_slice_make(buf, n), &y) == 0);
	TANDEM_ASSERT(same(x, y));
	TANDEM_ASSERT(tandem_dec_format(y, again) == n);
	TANDEM_ASSERT(strcmp(buf, again) == 0);

	TANDEM_ASSERT(tandem_dec_cmp(x, x) == 0);
	sign = tandem_dec_sign(x);
	TANDEM_ASSERT(sign >= -1 && sign <= 1);
	TANDEM_ASSERT(sign == tandem_dec_cmp(x, zero));
	TANDEM_ASSERT(tandem_dec_is_zero(x) == (sign == 0));

	nx = tandem_dec_neg(x);
	TANDEM_ASSERT(nx.coef == -x.coef && nx.scale == x.scale);
	TANDEM_ASSERT(same(tandem_dec_neg(nx), x));
	TANDEM_ASSERT(tandem_dec_cmp(nx, x) == -sign);
	TANDEM_ASSERT(same(tandem_dec_abs(x), sign < 0 ? nx : x));

	red = tandem_dec_reduce(x);
	TANDEM_ASSERT(tandem_dec_cmp(red, x) == 0);
	TANDEM_ASSERT(red.scale <= x.scale);
	TANDEM_ASSERT(red.scale == tandem_dec_significant_scale(x));
	TANDEM_ASSERT(red.scale == 0 || red.coef % 10 != 0);
	TANDEM_ASSERT(same(tandem_dec_reduce(red), red));

	/*
	 * x + x and x * 2 are the same number with the same scale, trailing
	 * zeros dropped by the same rule when needed; both overflow together.
	 */
	rc = tandem_dec_add(x, x, &t);
	rc_mul = tandem_dec_mul(x, two, &u);
	if (rc == 0) {
		TANDEM_ASSERT(rc_mul == 0 && same(t, u) && well_formed(t));
		check_natural_scale(t, x.scale);
		/* Halving gives x back exactly, at x's scale. */
		TANDEM_ASSERT(tandem_dec_div(u, two, x.scale, TANDEM_ROUND_DOWN,
					     &t) == 0);
		TANDEM_ASSERT(same(t, x));
	} else {
		TANDEM_ASSERT(rc == TANDEM_EOVERFLOW && same(t, sentinel));
		TANDEM_ASSERT(rc_mul == TANDEM_EOVERFLOW && same(u, sentinel));
	}

	TANDEM_ASSERT(tandem_dec_sub(x, x, &t) == 0);
	TANDEM_ASSERT(t.coef == 0 && t.scale == x.scale);
	TANDEM_ASSERT(tandem_dec_add(x, zero, &t) == 0 && same(t, x));
	TANDEM_ASSERT(tandem_dec_mul(x, one, &t) == 0 && same(t, x));

	for (int m = 0; m < TANDEM_ROUND_COUNT_; m++) {
		enum tandem_round mode = (enum tandem_round)m;

		TANDEM_ASSERT(tandem_dec_div(x, one, x.scale, mode, &t) == 0);
		TANDEM_ASSERT(same(t, x));
		TANDEM_ASSERT(tandem_dec_div(x, zero, 2, mode, &t) ==
			      TANDEM_EINVAL);
	}

	check_round(x);
}

/*
 * a / b at one scale by every rule. The floor and the ceiling quotients
 * bracket a / b one unit apart (or coincide when it is exact); every rule
 * picks one of them, and the half rules the nearer one.
 */
static void check_div_at(struct tandem_dec a, struct tandem_dec b, int s)
{
	struct tandem_dec q[TANDEM_ROUND_COUNT_], qf, qc, d, lo, hi, dl, dh;
	int rc[TANDEM_ROUND_COUNT_];
	int ab_sign = tandem_dec_sign(a) * tandem_dec_sign(b);
	int c;

	for (int m = 0; m < TANDEM_ROUND_COUNT_; m++) {
		q[m] = sentinel;
		rc[m] = tandem_dec_div(a, b, s, (enum tandem_round)m, &q[m]);
		if (tandem_dec_is_zero(b)) {
			TANDEM_ASSERT(rc[m] == TANDEM_EINVAL);
			continue;
		}
		if (rc[m] == 0)
			TANDEM_ASSERT(q[m].scale == s && well_formed(q[m]));
		else
			TANDEM_ASSERT(rc[m] == TANDEM_EOVERFLOW &&
				      same(q[m], sentinel));
	}
	if (tandem_dec_is_zero(b) || rc[TANDEM_ROUND_FLOOR] ||
	    rc[TANDEM_ROUND_CEILING])
		return;
	qf = q[TANDEM_ROUND_FLOOR];
	qc = q[TANDEM_ROUND_CEILING];
	TANDEM_ASSERT(tandem_dec_sub(qc, qf, &d) == 0);
	TANDEM_ASSERT(tandem_dec_is_zero(d) ||
		      tandem_dec_cmp(d, mk(1, s)) == 0);
	/* Every rule picks one of the two, and both fit. */
	for (int m = 0; m < TANDEM_ROUND_COUNT_; m++)
		TANDEM_ASSERT(rc[m] == 0 &&
			      (same(q[m], qf) || same(q[m], qc)));
	TANDEM_ASSERT(same(q[TANDEM_ROUND_DOWN], ab_sign >= 0 ? qf : qc));

	/* b * qf and b * qc bracket a, and meet it when nothing was cut. */
	if (tandem_dec_mul(b, qf, &lo) != 0 || tandem_dec_mul(b, qc, &hi) != 0)
		return;
	if (tandem_dec_sign(b) < 0) {
		struct tandem_dec tmp = lo;

		lo = hi;
		hi = tmp;
	}
	TANDEM_ASSERT(tandem_dec_cmp(lo, a) <= 0 && tandem_dec_cmp(a, hi) <= 0);
	TANDEM_ASSERT((tandem_dec_cmp(lo, a) == 0) == same(qf, qc));
	if (same(qf, qc))
		return;

	/* The half rules: compare the distances to either neighbour. */
	if (tandem_dec_sub(a, lo, &dl) != 0 || tandem_dec_sub(hi, a, &dh) != 0)
		return;
	if (tandem_dec_sign(b) < 0) {
		/* lo is b * qc then: dl measures the distance to qc. */
		struct tandem_dec tmp = dl;

		dl = dh;
		dh = tmp;
	}
	/* Now dl is |a - b * qf| and dh is |b * qc - a|. */
	c = tandem_dec_cmp(dl, dh);
	for (int m = TANDEM_ROUND_HALF_UP; m <= TANDEM_ROUND_HALF_CEILING;
	     m++) {
		struct tandem_dec want;

		if (c < 0)
			want = qf;
		else if (c > 0)
			want = qc;
		else if (m == TANDEM_ROUND_HALF_UP)
			want = ab_sign >= 0 ? qc : qf;
		else if (m == TANDEM_ROUND_HALF_EVEN)
			want = qf.coef % 2 == 0 ? qf : qc;
		else
			want = qc;
		TANDEM_ASSERT(same(q[m], want));
	}
}

/* Properties of a pair: cmp antisymmetry, arithmetic identities. */
static void check_pair(struct tandem_dec a, struct tandem_dec b)
{
	struct tandem_dec s1 = sentinel, s2 = sentinel, d1 = sentinel,
			  d2 = sentinel, p1 = sentinel, p2 = sentinel, t;
	int c = tandem_dec_cmp(a, b);
	int scale_max = a.scale > b.scale ? a.scale : b.scale;
	int rc_add, rc_sub, rc;

	TANDEM_ASSERT(c >= -1 && c <= 1);
	TANDEM_ASSERT(tandem_dec_cmp(b, a) == -c);
	if (c == 0)
		TANDEM_ASSERT(same(tandem_dec_reduce(a), tandem_dec_reduce(b)));
	if (tandem_dec_sign(a) < tandem_dec_sign(b))
		TANDEM_ASSERT(c < 0);

	rc_add = tandem_dec_add(a, b, &s1);
	TANDEM_ASSERT(tandem_dec_add(b, a, &s2) == rc_add);
	if (rc_add == 0) {
		TANDEM_ASSERT(same(s1, s2) && well_formed(s1));
		check_natural_scale(s1, scale_max);
		TANDEM_ASSERT(tandem_dec_cmp(s1, a) == tandem_dec_sign(b));
	} else {
		TANDEM_ASSERT(rc_add == TANDEM_EOVERFLOW);
		TANDEM_ASSERT(same(s1, sentinel) && same(s2, sentinel));
	}

	rc_sub = tandem_dec_sub(a, b, &d1);
	TANDEM_ASSERT(tandem_dec_sub(b, a, &d2) == rc_sub);
	if (rc_sub == 0) {
		TANDEM_ASSERT(same(d1, tandem_dec_neg(d2)) && well_formed(d1));
		check_natural_scale(d1, scale_max);
		TANDEM_ASSERT(tandem_dec_sign(d1) == c);
	} else {
		TANDEM_ASSERT(rc_sub == TANDEM_EOVERFLOW);
		TANDEM_ASSERT(same(d1, sentinel) && same(d2, sentinel));
	}
	/* (a + b) - b is a again, when it fits. */
	if (rc_add == 0 && tandem_dec_sub(s1, b, &t) == 0)
		TANDEM_ASSERT(tandem_dec_cmp(t, a) == 0);

	rc = tandem_dec_mul(a, b, &p1);
	TANDEM_ASSERT(tandem_dec_mul(b, a, &p2) == rc);
	if (rc == 0) {
		TANDEM_ASSERT(same(p1, p2) && well_formed(p1));
		TANDEM_ASSERT(tandem_dec_sign(p1) ==
			      tandem_dec_sign(a) * tandem_dec_sign(b));
		check_natural_scale(p1, a.scale + b.scale);
		/* The product divided by b is exactly a, at a's scale. */
		if (!tandem_dec_is_zero(b)) {
			t = sentinel;
			TANDEM_ASSERT(tandem_dec_div(p1, b, a.scale,
						     TANDEM_ROUND_DOWN,
						     &t) == 0);
			TANDEM_ASSERT(same(t, a));
		}
	} else {
		TANDEM_ASSERT(rc == TANDEM_EOVERFLOW);
		TANDEM_ASSERT(same(p1, sentinel) && same(p2, sentinel));
	}

	for (size_t i = 0; i < sizeof div_scales / sizeof div_scales[0]; i++) {
		check_div_at(a, b, div_scales[i]);
		check_div_at(b, a, div_scales[i]);
	}
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct tandem_slice in, left, right;
	struct tandem_dec a, b;
	bool has_a, has_b;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	in = tandem_slice_make((const char *)data, size);
	if (!tandem_slice_cut(in, '|', &left, &right)) {
		if (parse_checked(in, &a))
			check_one(a);
		return 0;
	}
	has_a = parse_checked(left, &a);
	has_b = parse_checked(right, &b);
	if (has_a)
		check_one(a);
	if (has_b)
		check_one(b);
	if (has_a && has_b)
		check_pair(a, b);
	return 0;
}
