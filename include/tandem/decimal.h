/*
 * tandem/decimal.h - exact decimal numbers for money, quantities and rates.
 *
 * Money in tandem is never a double. A struct tandem_dec is the exact value
 *
 *	coef * 10^(-scale)
 *
 * with a signed 128-bit coefficient of at most TANDEM_DEC_DIGITS_MAX decimal
 * digits and a scale from 0 to TANDEM_DEC_SCALE_MAX. The scale is kept as
 * written: "100.00" parses to coef 10000, scale 2 and formats back to "100.00",
 * while comparing equal to "100".
 *
 * Every operation is exact or fails: a result that does not fit returns
 * TANDEM_EOVERFLOW and leaves *out untouched. Nothing ever wraps silently.
 * Where a result must be shortened, the caller names the rounding rule.
 *
 * Scale of exact results (add, sub, mul): the natural scale (the larger of
 * the two for a sum, their total for a product). When the value at that
 * scale would need more than 38 digits or a scale above
 * TANDEM_DEC_SCALE_MAX, trailing zeros are dropped - the value is unchanged,
 * only fewer zeros are written - and TANDEM_EOVERFLOW comes only if it still
 * does not fit. So x + x and x * 2 always agree.
 *
 * Rounding rules at a tie (the discarded part is exactly one half):
 *   HALF_UP       away from zero: 2.5 -> 3, -2.5 -> -3 (commercial rounding,
 *                 the usual rule of French and German accounting);
 *   HALF_EVEN     to the even neighbour: 2.5 -> 2, 3.5 -> 4, -2.5 -> -2;
 *   HALF_CEILING  towards +infinity: 2.5 -> 3, -2.5 -> -2. This is XPath
 *                 fn:round(), which the EN 16931 schematron rules use;
 * and without regard to ties:
 *   DOWN          towards zero (truncation);
 *   FLOOR         towards -infinity;
 *   CEILING       towards +infinity.
 */
#ifndef TANDEM_DECIMAL_H
#define TANDEM_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/slice.h"

__extension__ typedef __int128 tandem_i128;

#define TANDEM_DEC_DIGITS_MAX 38 /* |coef| < 10^38 */
#define TANDEM_DEC_SCALE_MAX 30
#define TANDEM_DEC_INPUT_MAX 256 /* longest accepted lexical form, in bytes */
#define TANDEM_DEC_STR_MAX 48    /* buffer size that holds any formatted value */

struct tandem_dec {
	tandem_i128 coef;
	int scale; /* 0 .. TANDEM_DEC_SCALE_MAX */
};

enum tandem_round {
	TANDEM_ROUND_HALF_UP = 0,
	TANDEM_ROUND_HALF_EVEN,
	TANDEM_ROUND_HALF_CEILING,
	TANDEM_ROUND_DOWN,
	TANDEM_ROUND_FLOOR,
	TANDEM_ROUND_CEILING,
	TANDEM_ROUND_COUNT_
};

/* "half-up", "half-even", "half-ceiling", "down", "floor", "ceiling". */
const char *tandem_round_name(enum tandem_round mode);

/*
 * Parses the lexical form of xs:decimal: optional sign, digits, optional
 * point and digits, at least one digit ("1", "-0.50", "+.5", "7."), with XML
 * whitespace allowed around it. No exponent, no thousands separator.
 * Leading zeros are dropped; the scale is the number of digits written after
 * the point. Fractional digits beyond TANDEM_DEC_SCALE_MAX are accepted only
 * when they are zeros (the value is kept exactly).
 * Returns 0, TANDEM_EBADINPUT (not a decimal), TANDEM_EOVERFLOW (more than
 * TANDEM_DEC_DIGITS_MAX significant digits or too many non-zero decimals) or
 * TANDEM_ELIMIT (longer than TANDEM_DEC_INPUT_MAX bytes).
 */
int tandem_dec_parse(struct tandem_slice s, struct tandem_dec *out);

/* Convenience for a NUL-terminated string. */
int tandem_dec_parse_cstr(const char *s, struct tandem_dec *out);

/*
 * Writes the canonical form: "-" for negative values, at least one digit
 * before the point, exactly scale digits after it, no point when scale is 0.
 * Zero is never negative. buf must hold TANDEM_DEC_STR_MAX bytes. Returns the
 * length written, excluding the NUL.
 */
size_t tandem_dec_format(struct tandem_dec d, char buf[TANDEM_DEC_STR_MAX]);

/* The value coef / 10^scale. Returns 0 or TANDEM_EINVAL for a bad scale. */
int tandem_dec_from_int(int64_t coef, int scale, struct tandem_dec *out);

/*
 * Rounds d to scale digits with the rule and returns the coefficient as
 * int64 (e.g. scale 2: cents). TANDEM_EOVERFLOW if it does not fit in int64.
 */
int tandem_dec_to_minor(struct tandem_dec d, int scale, enum tandem_round mode,
			int64_t *out);

/*
 * Exact sum and difference at the larger of the two scales (see above).
 * Exact whenever the result fits, even when aligning the operands would not
 * fit in 128 bits (10^37 - 9999999999999999999999999999999999999.9 = 0.1).
 */
int tandem_dec_add(struct tandem_dec a, struct tandem_dec b,
		   struct tandem_dec *out);
int tandem_dec_sub(struct tandem_dec a, struct tandem_dec b,
		   struct tandem_dec *out);

/*
 * Exact product (quantity x unit price) at the sum of the scales (see above
 * for when trailing zeros are dropped).
 */
int tandem_dec_mul(struct tandem_dec a, struct tandem_dec b,
		   struct tandem_dec *out);

/*
 * Quotient a / b rounded to the given scale with the rule (used for prices
 * per base quantity and percentages), computed from the exact quotient
 * whatever the operands' sizes. TANDEM_EINVAL if b is zero, TANDEM_EOVERFLOW
 * if the rounded quotient does not fit.
 */
int tandem_dec_div(struct tandem_dec a, struct tandem_dec b, int scale,
		   enum tandem_round mode, struct tandem_dec *out);

/*
 * d rounded (or, when scale >= d.scale, extended with zeros) to exactly the
 * given scale. TANDEM_EOVERFLOW if extending needs more than 38 digits.
 */
int tandem_dec_round(struct tandem_dec d, int scale, enum tandem_round mode,
		     struct tandem_dec *out);

/* Same value with trailing fractional zeros removed ("1.500" -> "1.5"). */
struct tandem_dec tandem_dec_reduce(struct tandem_dec d);

/* -1, 0 or 1 by value; scales may differ (1.50 == 1.5). */
int tandem_dec_cmp(struct tandem_dec a, struct tandem_dec b);

struct tandem_dec tandem_dec_neg(struct tandem_dec d);
struct tandem_dec tandem_dec_abs(struct tandem_dec d);
int tandem_dec_sign(struct tandem_dec d);
bool tandem_dec_is_zero(struct tandem_dec d);

/* Number of fractional digits once trailing zeros are removed (BR-DEC rules). */
int tandem_dec_significant_scale(struct tandem_dec d);

#endif /* TANDEM_DECIMAL_H */
