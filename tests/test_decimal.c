/*
 * tests/test_decimal.c - unit tests of the exact decimal type
 * (tandem/decimal.h): parsing and formatting of the xs:decimal lexical form,
 * every rounding rule at and around ties for both signs, exact arithmetic
 * with its overflow detection, comparison across scales and the conversions
 * to and from integer minor units. Expected values were worked out by hand
 * and checked against Python's decimal module, never taken from the code
 * under test. An exhaustive sweep checks rounding against a plain integer
 * reference written in this file.
 */
#include "tandem/decimal.h"
#include "tandem/error.h"

#include "test.h"

/* Prototypes of the test functions, from the list the runner also reads. */
#define TEST_DECLARE(name) void test_##name(void);
#include "list_decimal.h"
#undef TEST_DECLARE

/*
 * Digit strings used in several tests; the static assertions pin their
 * lengths, which are too easy to get wrong by counting by eye.
 */
#define NINES38 "99999999999999999999999999999999999999"
#define TEN37 "10000000000000000000000000000000000000"
#define TINY30 "0.000000000000000000000000000001"
#define NINES8_30 "99999999.999999999999999999999999999999"
_Static_assert(sizeof(NINES38) == 38 + 1, "38 nines");
_Static_assert(sizeof(TEN37) == 38 + 1, "1 and 37 zeros");
_Static_assert(sizeof(TINY30) == 2 + 30 + 1, "30 decimals");
_Static_assert(sizeof(NINES8_30) == 8 + 1 + 30 + 1, "8 + 30 digits");

/*
 * What an out-parameter holds before a call that must fail and leave it
 * untouched.
 */
static const struct tandem_dec sentinel = {777, 3};

static const char *const mode_names[TANDEM_ROUND_COUNT_] = {
	"half-up", "half-even", "half-ceiling", "down", "floor", "ceiling",
};

/* 10^n as a 128-bit integer, 0 <= n <= 38. */
static tandem_i128 pow10_i128(int n)
{
	tandem_i128 p = 1;

	for (int i = 0; i < n; i++)
		p *= 10;
	return p;
}

static bool untouched(struct tandem_dec d)
{
	return d.coef == sentinel.coef && d.scale == sentinel.scale;
}

/* Parses a NUL-terminated string that must be a valid decimal. */
static struct tandem_dec dec(const char *s)
{
	struct tandem_dec d = sentinel;
	int rc = tandem_dec_parse_cstr(s, &d);

	if (rc != 0)
		FAIL("parse(\"%s\") = %d, want 0", s, rc);
	return d;
}

static struct tandem_dec from_int(int64_t coef, int scale)
{
	struct tandem_dec d = sentinel;
	int rc = tandem_dec_from_int(coef, scale, &d);

	if (rc != 0)
		FAIL("from_int(%" PRId64 ", %d) = %d, want 0", coef, scale, rc);
	return d;
}

/* Formats d into buf (TANDEM_DEC_STR_MAX bytes) and checks the length. */
static const char *fmt(struct tandem_dec d, char *buf)
{
	size_t n = tandem_dec_format(d, buf);

	if (n >= TANDEM_DEC_STR_MAX || strlen(buf) != n)
		FAIL("format returned %zu for \"%s\"", n, buf);
	return buf;
}

static void expect_fmt(struct tandem_dec d, const char *want)
{
	char buf[TANDEM_DEC_STR_MAX];

	ASSERT_STR_EQ(fmt(d, buf), want);
}

/* Parses in (which must be valid) and checks its canonical form. */
static void check_parse(const char *in, const char *want)
{
	char buf[TANDEM_DEC_STR_MAX];
	struct tandem_dec d = dec(in);

	if (strcmp(fmt(d, buf), want) != 0)
		FAIL("parse(\"%s\") formats as \"%s\", want \"%s\"", in, buf,
		     want);
}

/* Parses a slice that must fail with err; overflow leaves out untouched. */
static void check_parse_err_slice(const char *p, size_t n, int err)
{
	struct tandem_dec d = sentinel;
	int rc = tandem_dec_parse(tandem_slice_make(p, n), &d);

	if (rc != err)
		FAIL("parse(\"%.*s\", %zu bytes) = %d, want %d", (int)n, p, n,
		     rc, err);
	if (err == TANDEM_EOVERFLOW && !untouched(d))
		FAIL("parse(\"%.*s\") failed but changed *out", (int)n, p);
}

static void check_parse_err(const char *in, int err)
{
	check_parse_err_slice(in, strlen(in), err);
}

/* Fills buf with n copies of c, then suffix, NUL-terminated. */
static char *repeat(char *buf, size_t cap, char c, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	ASSERT(n + m < cap);
	memset(buf, c, n);
	memcpy(buf + n, suffix, m + 1);
	return buf;
}

/*
 * One value rounded to one scale, with the expected text per rule in the
 * order of enum tandem_round.
 */
struct round_row {
	const char *in;
	int scale;
	const char *want[TANDEM_ROUND_COUNT_];
};

static void check_round_rows(const struct round_row *rows, size_t n)
{
	char buf[TANDEM_DEC_STR_MAX];

	for (size_t i = 0; i < n; i++) {
		struct tandem_dec d = dec(rows[i].in);

		for (int m = 0; m < TANDEM_ROUND_COUNT_; m++) {
			struct tandem_dec r = sentinel;
			int rc = tandem_dec_round(d, rows[i].scale,
						  (enum tandem_round)m, &r);

			if (rc != 0)
				FAIL("round(%s, %d, %s) = %d", rows[i].in,
				     rows[i].scale, mode_names[m], rc);
			if (r.scale != rows[i].scale)
				FAIL("round(%s, %d, %s) has scale %d",
				     rows[i].in, rows[i].scale, mode_names[m],
				     r.scale);
			if (strcmp(fmt(r, buf), rows[i].want[m]) != 0)
				FAIL("round(%s, %d, %s) = %s, want %s",
				     rows[i].in, rows[i].scale, mode_names[m],
				     buf, rows[i].want[m]);
		}
	}
}

/* a op b must give want (canonical text). */
static void check_add(const char *a, const char *b, const char *want)
{
	char buf[TANDEM_DEC_STR_MAX];
	struct tandem_dec r = sentinel;
	int rc = tandem_dec_add(dec(a), dec(b), &r);

	if (rc != 0 || strcmp(fmt(r, buf), want) != 0)
		FAIL("%s + %s = %s (rc %d), want %s", a, b,
		     rc ? "?" : buf, rc, want);
}

static void check_sub(const char *a, const char *b, const char *want)
{
	char buf[TANDEM_DEC_STR_MAX];
	struct tandem_dec r = sentinel;
	int rc = tandem_dec_sub(dec(a), dec(b), &r);

	if (rc != 0 || strcmp(fmt(r, buf), want) != 0)
		FAIL("%s - %s = %s (rc %d), want %s", a, b,
		     rc ? "?" : buf, rc, want);
}

static void check_mul(const char *a, const char *b, const char *want)
{
	char buf[TANDEM_DEC_STR_MAX];
	struct tandem_dec r = sentinel;
	int rc = tandem_dec_mul(dec(a), dec(b), &r);

	if (rc != 0 || strcmp(fmt(r, buf), want) != 0)
		FAIL("%s * %s = %s (rc %d), want %s", a, b,
		     rc ? "?" : buf, rc, want);
}

static void check_div(const char *a, const char *b, int scale,
		      enum tandem_round mode, const char *want)
{
	char buf[TANDEM_DEC_STR_MAX];
	struct tandem_dec r = sentinel;
	int rc = tandem_dec_div(dec(a), dec(b), scale, mode, &r);

	if (rc != 0 || strcmp(fmt(r, buf), want) != 0)
		FAIL("%s / %s at scale %d %s = %s (rc %d), want %s", a, b,
		     scale, mode_names[mode], rc ? "?" : buf, rc, want);
}

static void check_cmp(const char *a, const char *b, int want)
{
	int got = tandem_dec_cmp(dec(a), dec(b));
	int back = tandem_dec_cmp(dec(b), dec(a));

	if (got != want || back != -want)
		FAIL("cmp(%s, %s) = %d and cmp back = %d, want %d", a, b, got,
		     back, want);
}

static void check_to_minor(const char *in, int scale, enum tandem_round mode,
			   int64_t want)
{
	int64_t got = -42;
	int rc = tandem_dec_to_minor(dec(in), scale, mode, &got);

	if (rc != 0 || got != want)
		FAIL("to_minor(%s, %d, %s) = %" PRId64 " (rc %d), "
		     "want %" PRId64,
		     in, scale, mode_names[mode], got, rc, want);
}

/*
 * The reference rounding: k / div rounded to an integer by the rule, with
 * nothing but int64 arithmetic. q and r come from floor division, so that
 * k = q * div + r with 0 <= r < div for either sign of k.
 */
static int64_t ref_round(int64_t k, int64_t div, enum tandem_round mode)
{
	int64_t q = k / div, r = k % div;

	if (r < 0) {
		q -= 1;
		r += div;
	}
	if (r == 0)
		return q;
	switch (mode) {
	case TANDEM_ROUND_FLOOR:
		return q;
	case TANDEM_ROUND_CEILING:
		return q + 1;
	case TANDEM_ROUND_DOWN:
		return k < 0 ? q + 1 : q;
	default:
		break;
	}
	if (2 * r < div)
		return q;
	if (2 * r > div)
		return q + 1;
	/* An exact tie between q and q + 1. */
	switch (mode) {
	case TANDEM_ROUND_HALF_UP:
		return k < 0 ? q : q + 1;
	case TANDEM_ROUND_HALF_EVEN:
		return q % 2 == 0 ? q : q + 1;
	default:
		return q + 1;
	}
}

/*
 * Every k / 10^from_scale for k in [-k_max, k_max], rounded to to_scale by
 * every rule, must agree with the reference, through round, to_minor and div.
 */
static void sweep_rounding(int64_t k_max, int from_scale, int to_scale)
{
	int64_t div = 1, unit = 1;

	for (int i = to_scale; i < from_scale; i++)
		div *= 10;
	for (int i = 0; i < from_scale; i++)
		unit *= 10;
	for (int64_t k = -k_max; k <= k_max; k++) {
		struct tandem_dec d = from_int(k, from_scale);

		for (int m = 0; m < TANDEM_ROUND_COUNT_; m++) {
			enum tandem_round mode = (enum tandem_round)m;
			int64_t want = ref_round(k, div, mode), minor = -42;
			struct tandem_dec r = sentinel, q = sentinel;
			int rc = tandem_dec_round(d, to_scale, mode, &r);

			if (rc != 0 || r.scale != to_scale ||
			    r.coef != (tandem_i128)want)
				FAIL("round(%" PRId64 "e-%d, %d, %s) = %lld "
				     "scale %d (rc %d), want %" PRId64,
				     k, from_scale, to_scale, mode_names[m],
				     (long long)r.coef, r.scale, rc, want);
			rc = tandem_dec_to_minor(d, to_scale, mode, &minor);
			if (rc != 0 || minor != want)
				FAIL("to_minor(%" PRId64 "e-%d, %d, %s) = "
				     "%" PRId64
				     " (rc %d), want %" PRId64,
				     k, from_scale, to_scale, mode_names[m],
				     minor, rc, want);
			/*
			 * The quotient k / 10^from_scale, rounded to to_scale,
			 * is the same number rounded the same way.
			 */
			rc = tandem_dec_div(from_int(k, 0), from_int(unit, 0),
					    to_scale, mode, &q);
			if (rc != 0 || q.scale != to_scale ||
			    q.coef != (tandem_i128)want)
				FAIL("%" PRId64 " / %" PRId64 " at scale %d %s "
				     "= %lld scale %d (rc %d), want %" PRId64,
				     k, unit, to_scale, mode_names[m],
				     (long long)q.coef, q.scale, rc, want);
		}
	}
}

/* ---- Parsing and formatting ---- */

TEST(decimal_parse_zero)
{
	struct tandem_dec d = dec("0");

	ASSERT(d.coef == 0);
	ASSERT_EQ(d.scale, 0);
	expect_fmt(d, "0");
	check_parse("-0", "0");
	check_parse("+0", "0");
	check_parse("0.0", "0.0");
	check_parse("000", "0");
}

TEST(decimal_parse_negative_zero)
{
	struct tandem_dec d = dec("-0.00");

	ASSERT(d.coef == 0);
	ASSERT_EQ(d.scale, 2);
	ASSERT_EQ(tandem_dec_sign(d), 0);
	ASSERT(tandem_dec_is_zero(d));
	expect_fmt(d, "0.00");
}

TEST(decimal_parse_plus_sign)
{
	struct tandem_dec d = dec("+1.5");

	ASSERT(d.coef == 15);
	ASSERT_EQ(d.scale, 1);
	expect_fmt(d, "1.5");
	check_parse("+12", "12");
}

TEST(decimal_parse_leading_point)
{
	struct tandem_dec d = dec(".5");

	ASSERT(d.coef == 5);
	ASSERT_EQ(d.scale, 1);
	expect_fmt(d, "0.5");
	check_parse("+.5", "0.5");
	check_parse("-.5", "-0.5");
	check_parse(".05", "0.05");
}

TEST(decimal_parse_trailing_point)
{
	struct tandem_dec d = dec("7.");

	ASSERT(d.coef == 7);
	ASSERT_EQ(d.scale, 0);
	expect_fmt(d, "7");
	check_parse("-7.", "-7");
	check_parse("0.", "0");
}

TEST(decimal_parse_leading_zeros)
{
	struct tandem_dec d = dec("007.250");

	ASSERT(d.coef == 7250);
	ASSERT_EQ(d.scale, 3);
	expect_fmt(d, "7.250");
	check_parse("-000.010", "-0.010");
	check_parse("0100", "100");
}

TEST(decimal_parse_xml_whitespace)
{
	struct tandem_dec d = dec(" \t\n12.30\r\n");

	ASSERT(d.coef == 1230);
	ASSERT_EQ(d.scale, 2);
	expect_fmt(d, "12.30");
	check_parse("  -1  ", "-1");
	check_parse("\r\n\t.5", "0.5");
}

/* XML whitespace is space, tab, CR and LF only (XML 1.0, production S). */
TEST(decimal_parse_rejects_other_whitespace)
{
	check_parse_err("\v1", TANDEM_EBADINPUT);
	check_parse_err("1\f", TANDEM_EBADINPUT);
	check_parse_err("\xc2\xa0" "1", TANDEM_EBADINPUT);
	check_parse_err("1 2", TANDEM_EBADINPUT);
	check_parse_err("- 1", TANDEM_EBADINPUT);
	check_parse_err("1 .5", TANDEM_EBADINPUT);
}

TEST(decimal_parse_max_digits)
{
	tandem_i128 max = pow10_i128(38) - 1;
	struct tandem_dec hi = dec(NINES38), lo = dec("-" NINES38);

	ASSERT(hi.coef == max);
	ASSERT_EQ(hi.scale, 0);
	ASSERT(lo.coef == -max);
	ASSERT_EQ(lo.scale, 0);
	expect_fmt(hi, NINES38);
	expect_fmt(lo, "-" NINES38);
	/* Leading zeros are not significant digits. */
	check_parse("0000" NINES38, NINES38);
	check_parse(NINES8_30, NINES8_30);
	check_parse("-" NINES8_30, "-" NINES8_30);
}

TEST(decimal_parse_thirty_decimals)
{
	struct tandem_dec d = dec("0.123456789012345678901234567890");
	struct tandem_dec tiny = dec("-" TINY30);

	ASSERT_EQ(d.scale, 30);
	ASSERT(d.coef == (tandem_i128)12345678901234567 * 10000000000000 +
				 8901234567890);
	expect_fmt(d, "0.123456789012345678901234567890");
	ASSERT(tiny.coef == -1);
	ASSERT_EQ(tiny.scale, 30);
	expect_fmt(tiny, "-" TINY30);
	check_parse("12345678.123456789012345678901234567890",
		    "12345678.123456789012345678901234567890");
}

/* Decimals beyond the 30th are accepted when they are all zeros. */
TEST(decimal_parse_zeros_beyond_scale_max)
{
	char in[128];
	struct tandem_dec d, want = dec("1.5");

	/* "1.5" followed by 33 zeros: 34 decimals. */
	memcpy(in, "1.5", 3);
	repeat(in + 3, sizeof in - 3, '0', 33, "");
	d = dec(in);
	ASSERT_EQ(tandem_dec_cmp(d, want), 0);
	ASSERT_GE(d.scale, 1);
	ASSERT_LE(d.scale, TANDEM_DEC_SCALE_MAX);

	/* TINY30 followed by three zeros keeps the full scale of 30. */
	d = dec(TINY30 "000");
	ASSERT(d.coef == 1);
	ASSERT_EQ(d.scale, 30);
	expect_fmt(d, TINY30);

	/* "-0." and 40 zeros is zero. */
	memcpy(in, "-0.", 3);
	repeat(in + 3, sizeof in - 3, '0', 40, "");
	d = dec(in);
	ASSERT(tandem_dec_is_zero(d));
	ASSERT_LE(d.scale, TANDEM_DEC_SCALE_MAX);
}

TEST(decimal_parse_nonzero_beyond_scale_max)
{
	/* 31 decimals, the last one non-zero. */
	check_parse_err("0.0000000000000000000000000000001", TANDEM_EOVERFLOW);
	check_parse_err("-0.0000000000000000000000000000001", TANDEM_EOVERFLOW);
	/* 34 decimals, the last one non-zero. */
	check_parse_err("1.0000000000000000000000000000000001",
			TANDEM_EOVERFLOW);
	/* 31 decimals, the 31st zero but the 32nd not. */
	check_parse_err(TINY30 "01", TANDEM_EOVERFLOW);
}

TEST(decimal_parse_rejects_malformed)
{
	static const char *const bad[] = {
		"",    " ",   "-",    "+",   ".",  "1.2.3", "1e5",  "1E5",
		"1,5", "--1", "+-1",  "12a", "a12", "0x10", "-.",   "+.",
		" . ", "1-",  "1+",   "inf", "NaN", "1/2",  "1_000", "\t",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		check_parse_err(bad[i], TANDEM_EBADINPUT);
}

TEST(decimal_parse_rejects_nul)
{
	check_parse_err_slice("1\0", 2, TANDEM_EBADINPUT);
	check_parse_err_slice("\0" "1", 2, TANDEM_EBADINPUT);
	check_parse_err_slice("1\0" "2", 3, TANDEM_EBADINPUT);
	check_parse_err_slice("1.5\0", 4, TANDEM_EBADINPUT);
	check_parse_err_slice("\0", 1, TANDEM_EBADINPUT);
}

TEST(decimal_parse_rejects_non_ascii)
{
	/* U+FF11 FULLWIDTH DIGIT ONE. */
	check_parse_err("\xef\xbc\x91", TANDEM_EBADINPUT);
	/* A no-break space (U+00A0) as a thousands separator. */
	check_parse_err("1\xc2\xa0" "000", TANDEM_EBADINPUT);
	/* U+2212 MINUS SIGN. */
	check_parse_err("\xe2\x88\x92" "1", TANDEM_EBADINPUT);
	check_parse_err("1\xff", TANDEM_EBADINPUT);
}

TEST(decimal_parse_too_many_digits)
{
	/* 39 significant digits, with and without decimals. */
	check_parse_err("1" "00000000000000000000000000000000000000",
			TANDEM_EOVERFLOW);
	check_parse_err("-" NINES38 "9", TANDEM_EOVERFLOW);
	check_parse_err("12345678901.1234567890123456789012345678",
			TANDEM_EOVERFLOW);
	check_parse_err("0.000000000" NINES38 "9", TANDEM_EOVERFLOW);
}

TEST(decimal_parse_input_limit)
{
	char in[512];
	struct tandem_dec d;

	/* 256 zeros and a one: 257 bytes. */
	check_parse_err(repeat(in, sizeof in, '0', 256, "1"), TANDEM_ELIMIT);
	/* 255 zeros and a one: exactly 256 bytes, accepted. */
	d = dec(repeat(in, sizeof in, '0', 255, "1"));
	ASSERT(d.coef == 1);
	ASSERT_EQ(d.scale, 0);
	/* 200 leading zeros and a one. */
	d = dec(repeat(in, sizeof in, '0', 200, "1"));
	ASSERT(d.coef == 1);
	ASSERT_EQ(d.scale, 0);
	expect_fmt(d, "1");
}

/* The parser reads the slice and not a byte beyond it. */
TEST(decimal_parse_slice_length)
{
	char buf[TANDEM_DEC_STR_MAX];
	struct tandem_dec d = sentinel;

	ASSERT_EQ(tandem_dec_parse(tandem_slice_make("12345", 3), &d), 0);
	ASSERT_STR_EQ(fmt(d, buf), "123");
	ASSERT_EQ(tandem_dec_parse(tandem_slice_make("1.50xyz", 4), &d), 0);
	ASSERT_STR_EQ(fmt(d, buf), "1.50");
	ASSERT_EQ(tandem_dec_parse(tandem_slice_make("1.5", 0), &d),
		  TANDEM_EBADINPUT);
}

TEST(decimal_format_canonical)
{
	char buf[TANDEM_DEC_STR_MAX];
	struct tandem_dec d;

	d.coef = -5;
	d.scale = 3;
	ASSERT_EQ(tandem_dec_format(d, buf), 6);
	ASSERT_STR_EQ(buf, "-0.005");
	d.coef = 0;
	d.scale = 0;
	ASSERT_EQ(tandem_dec_format(d, buf), 1);
	ASSERT_STR_EQ(buf, "0");
	d.coef = 123;
	d.scale = 3;
	ASSERT_STR_EQ(fmt(d, buf), "0.123");
	d.coef = 123;
	d.scale = 2;
	ASSERT_STR_EQ(fmt(d, buf), "1.23");
	/* The longest form: sign, 8 digits, point, 30 digits. */
	d.coef = -(pow10_i128(38) - 1);
	d.scale = 30;
	ASSERT_EQ(tandem_dec_format(d, buf), 40);
	ASSERT_STR_EQ(buf, "-" NINES8_30);
	d.scale = 0;
	ASSERT_EQ(tandem_dec_format(d, buf), 39);
	ASSERT_STR_EQ(buf, "-" NINES38);
}

/* ---- Rounding ---- */

TEST(decimal_round_names)
{
	for (int m = 0; m < TANDEM_ROUND_COUNT_; m++)
		ASSERT_STR_EQ(tandem_round_name((enum tandem_round)m),
			      mode_names[m]);
	ASSERT_STR_EQ(tandem_round_name(TANDEM_ROUND_HALF_UP), "half-up");
	ASSERT_STR_EQ(tandem_round_name(TANDEM_ROUND_HALF_CEILING),
		      "half-ceiling");
}

/* Columns: half-up, half-even, half-ceiling, down, floor, ceiling. */
TEST(decimal_round_ties_positive)
{
	static const struct round_row rows[] = {
		{"2.5", 0, {"3", "2", "3", "2", "2", "3"}},
		{"3.5", 0, {"4", "4", "4", "3", "3", "4"}},
		{"0.5", 0, {"1", "0", "1", "0", "0", "1"}},
		{"2.50", 0, {"3", "2", "3", "2", "2", "3"}},
		{"2.45", 1, {"2.5", "2.4", "2.5", "2.4", "2.4", "2.5"}},
		{"0.005", 2, {"0.01", "0.00", "0.01", "0.00", "0.00", "0.01"}},
		{"0.125", 2, {"0.13", "0.12", "0.13", "0.12", "0.12", "0.13"}},
		{"0.135", 2, {"0.14", "0.14", "0.14", "0.13", "0.13", "0.14"}},
	};

	check_round_rows(rows, sizeof rows / sizeof rows[0]);
}

TEST(decimal_round_ties_negative)
{
	static const struct round_row rows[] = {
		{"-2.5", 0, {"-3", "-2", "-2", "-2", "-3", "-2"}},
		{"-3.5", 0, {"-4", "-4", "-3", "-3", "-4", "-3"}},
		{"-0.5", 0, {"-1", "0", "0", "0", "-1", "0"}},
		{"-2.45", 1, {"-2.5", "-2.4", "-2.4", "-2.4", "-2.5", "-2.4"}},
		{"-0.005", 2,
		 {"-0.01", "0.00", "0.00", "0.00", "-0.01", "0.00"}},
		{"-0.125", 2,
		 {"-0.13", "-0.12", "-0.12", "-0.12", "-0.13", "-0.12"}},
	};

	check_round_rows(rows, sizeof rows / sizeof rows[0]);
}

/* Just above and below the half: the tie rules must not apply. */
TEST(decimal_round_non_ties)
{
	static const struct round_row rows[] = {
		{"2.51", 0, {"3", "3", "3", "2", "2", "3"}},
		{"-2.51", 0, {"-3", "-3", "-3", "-2", "-3", "-2"}},
		{"2.49", 0, {"2", "2", "2", "2", "2", "3"}},
		{"-2.49", 0, {"-2", "-2", "-2", "-2", "-3", "-2"}},
		{"2.500001", 0, {"3", "3", "3", "2", "2", "3"}},
		{"-2.500001", 0, {"-3", "-3", "-3", "-2", "-3", "-2"}},
		{"2.499999", 0, {"2", "2", "2", "2", "2", "3"}},
		{"-2.499999", 0, {"-2", "-2", "-2", "-2", "-3", "-2"}},
		{"0.0051", 2, {"0.01", "0.01", "0.01", "0.00", "0.00", "0.01"}},
		{"-0.0049", 2,
		 {"0.00", "0.00", "0.00", "0.00", "-0.01", "0.00"}},
		{"7", 0, {"7", "7", "7", "7", "7", "7"}},
		{"-7.00", 0, {"-7", "-7", "-7", "-7", "-7", "-7"}},
	};

	check_round_rows(rows, sizeof rows / sizeof rows[0]);
}

TEST(decimal_round_pads_zeros)
{
	static const struct round_row rows[] = {
		{"1.5", 4, {"1.5000", "1.5000", "1.5000", "1.5000", "1.5000",
			    "1.5000"}},
		{"-2", 2, {"-2.00", "-2.00", "-2.00", "-2.00", "-2.00",
			   "-2.00"}},
		{"1.25", 2, {"1.25", "1.25", "1.25", "1.25", "1.25", "1.25"}},
		{"1", 30, {"1.000000000000000000000000000000",
			   "1.000000000000000000000000000000",
			   "1.000000000000000000000000000000",
			   "1.000000000000000000000000000000",
			   "1.000000000000000000000000000000",
			   "1.000000000000000000000000000000"}},
	};
	struct tandem_dec r = sentinel;

	check_round_rows(rows, sizeof rows / sizeof rows[0]);
	/* Extending 38 digits by one more does not fit. */
	ASSERT_EQ(tandem_dec_round(dec(NINES38), 1, TANDEM_ROUND_HALF_UP, &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
	ASSERT_EQ(tandem_dec_round(dec(TEN37), 2, TANDEM_ROUND_DOWN, &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
}

TEST(decimal_round_carry)
{
	static const struct round_row rows[] = {
		{"9.995", 2,
		 {"10.00", "10.00", "10.00", "9.99", "9.99", "10.00"}},
		{"-9.995", 2,
		 {"-10.00", "-10.00", "-9.99", "-9.99", "-10.00", "-9.99"}},
		{"99.5", 0, {"100", "100", "100", "99", "99", "100"}},
		{"-99.5", 0, {"-100", "-100", "-99", "-99", "-100", "-99"}},
		{"0.96", 1, {"1.0", "1.0", "1.0", "0.9", "0.9", "1.0"}},
		/* 38 digits stay 38 digits after the carry. */
		{"9999999999999999999999999999999999999.9", 0,
		 {TEN37, TEN37, TEN37, "9999999999999999999999999999999999999",
		  "9999999999999999999999999999999999999", TEN37}},
	};

	check_round_rows(rows, sizeof rows / sizeof rows[0]);
}

/* Rounding from the deepest scale to none. */
TEST(decimal_round_from_scale_max)
{
	static const struct round_row rows[] = {
		{TINY30, 0, {"0", "0", "0", "0", "0", "1"}},
		{"-" TINY30, 0, {"0", "0", "0", "0", "-1", "0"}},
		{NINES8_30, 0,
		 {"100000000", "100000000", "100000000", "99999999",
		  "99999999", "100000000"}},
		{"0.500000000000000000000000000000", 0,
		 {"1", "0", "1", "0", "0", "1"}},
		{"-0.500000000000000000000000000001", 0,
		 {"-1", "-1", "-1", "0", "-1", "0"}},
	};

	check_round_rows(rows, sizeof rows / sizeof rows[0]);
}

/* Every tenth in [-100, 100] rounded to an integer, by every rule. */
TEST(decimal_round_sweep_tenths)
{
	sweep_rounding(1000, 1, 0);
}

/*
 * Every hundredth in [-100, 100] to one decimal and to an integer, and
 * every thousandth in [-5, 5] to an integer.
 */
TEST(decimal_round_sweep_hundredths)
{
	sweep_rounding(10000, 2, 1);
	sweep_rounding(10000, 2, 0);
	sweep_rounding(5000, 3, 0);
}

/* ---- Addition and subtraction ---- */

TEST(decimal_add_scales)
{
	struct tandem_dec r = sentinel;

	ASSERT_EQ(tandem_dec_add(dec("1.5"), dec("2.25"), &r), 0);
	ASSERT(r.coef == 375);
	ASSERT_EQ(r.scale, 2);
	expect_fmt(r, "3.75");
	check_add("2.25", "1.5", "3.75");
	check_add("0.5", "0.5", "1.0");
	check_add("1", "0.001", "1.001");
	check_add("100", "0.00", "100.00");
	check_add(TINY30, "1", "1.000000000000000000000000000001");
}

TEST(decimal_add_sign_changes)
{
	check_add("-5", "2.5", "-2.5");
	check_add("1.50", "-1.5", "0.00");
	check_add("-1.5", "1.50", "0.00");
	check_add("-0.01", "0.02", "0.01");
	check_add("-1", "-2.5", "-3.5");
	check_sub("1.25", "3", "-1.75");
	check_sub("-1.25", "-3", "1.75");
	check_sub("3", "3.00", "0.00");
	check_sub("0", "0.5", "-0.5");
	check_sub("-2", "0.5", "-2.5");
}

TEST(decimal_add_overflow)
{
	struct tandem_dec r = sentinel;

	ASSERT_EQ(tandem_dec_add(dec(NINES38), dec("1"), &r), TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
	ASSERT_EQ(tandem_dec_add(dec("-" NINES38), dec("-1"), &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
	/* Aligning to one decimal already needs 39 digits. */
	ASSERT_EQ(tandem_dec_add(dec(NINES38), dec("0.5"), &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
	/* Aligning to 30 decimals is far beyond 128 bits. */
	ASSERT_EQ(tandem_dec_add(dec(TEN37), dec(TINY30), &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
	/* The largest sums that still fit. */
	check_add(NINES38, "-1", "99999999999999999999999999999999999998");
	check_add("9999999999999999999999999999999999999", "0.9",
		  "9999999999999999999999999999999999999.9");
	check_add("49999999999999999999999999999999999999",
		  "50000000000000000000000000000000000000", NINES38);
}

/*
 * An exact result that fits is returned even when one operand, aligned to
 * the common scale, would need 39 digits: 10^37 - (10^37 - 0.1) = 0.1.
 */
TEST(decimal_add_cancels_near_limit)
{
	check_add(TEN37, "-9999999999999999999999999999999999999.9", "0.1");
	check_sub(TEN37, "9999999999999999999999999999999999999.9", "0.1");
	check_sub("-9999999999999999999999999999999999999.9", "-" TEN37,
		  "0.1");
}

TEST(decimal_sub_min)
{
	struct tandem_dec r = sentinel;

	check_sub("0", "-" NINES38, NINES38);
	check_sub("-" NINES38, "-" NINES38, "0");
	check_sub("-" NINES38, "-1", "-99999999999999999999999999999999999998");
	check_add("-" NINES38, NINES38, "0");
	ASSERT_EQ(tandem_dec_sub(dec("-" NINES38), dec("1"), &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
	ASSERT_EQ(tandem_dec_sub(dec(NINES38), dec("-" NINES38), &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
	ASSERT_EQ(tandem_dec_sub(dec("-" NINES38), dec("0.1"), &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
}

/* ---- Multiplication ---- */

TEST(decimal_mul_quantity_price)
{
	struct tandem_dec r = sentinel;

	ASSERT_EQ(tandem_dec_mul(dec("1234.567891"), dec("98765.432109"), &r),
		  0);
	ASSERT_EQ(r.scale, 12);
	expect_fmt(r, "121932631.222511812119");
	check_mul("999999.999999", "999999.999999",
		  "999999999998.000000000001");
	check_mul("12.5", "19.99", "249.875");
	check_mul("-12.5", "19.99", "-249.875");
	check_mul("-12.5", "-19.99", "249.875");
	check_mul("250", "0.019", "4.750");
	check_mul("1.50", "2.0", "3.000");
	check_mul("-123.45", "0.000001", "-0.00012345");
	check_mul("0.000001", "0.000001", "0.000000000001");
}

TEST(decimal_mul_zero_and_sign)
{
	check_mul("0", "-5", "0");
	check_mul("-0.00", "7.5", "0.000");
	check_mul("-1.5", "2", "-3.0");
	check_mul(NINES38, "-1", "-" NINES38);
	check_mul("-" NINES38, "-1", NINES38);
}

TEST(decimal_mul_overflow)
{
	struct tandem_dec r = sentinel;

	/* (10^19 - 1)^2 has 38 digits; 10^19 * 10^19 has 39. */
	check_mul("9999999999999999999", "9999999999999999999",
		  "99999999999999999980000000000000000001");
	ASSERT_EQ(tandem_dec_mul(dec("10000000000000000000"),
				 dec("10000000000000000000"), &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
	/* Far beyond 128 bits. */
	ASSERT_EQ(tandem_dec_mul(dec(NINES38), dec(NINES38), &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
	ASSERT_EQ(tandem_dec_mul(dec("-" NINES38), dec("2"), &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
}

/* Scales adding up to more than 30: fine if trailing zeros drop away. */
TEST(decimal_mul_scale_reducible)
{
	struct tandem_dec r = sentinel;

	/* Scale 15 + 15 = 30 exactly: no reduction needed. */
	check_mul("0.000000000000001", "0.000000000000001", TINY30);
	/* Scale 32, coefficient 3 * 10^32. */
	ASSERT_EQ(tandem_dec_mul(dec("1.5000000000000000"),
				 dec("-2.0000000000000000"), &r),
		  0);
	ASSERT_EQ(tandem_dec_cmp(r, dec("-3")), 0);
	ASSERT_LE(r.scale, TANDEM_DEC_SCALE_MAX);
	/*
	 * Scale 40, coefficient 2 * 10^40 before the zeros drop: the exact
	 * product 2 fits, so it must be returned.
	 */
	r = sentinel;
	ASSERT_EQ(tandem_dec_mul(dec("1.00000000000000000000"),
				 dec("2.00000000000000000000"), &r),
		  0);
	ASSERT_EQ(tandem_dec_cmp(r, dec("2")), 0);
	ASSERT_LE(r.scale, TANDEM_DEC_SCALE_MAX);
}

TEST(decimal_mul_scale_not_reducible)
{
	struct tandem_dec r = sentinel;

	/* 10^-16 * 10^-15 = 10^-31. */
	ASSERT_EQ(tandem_dec_mul(dec("0.0000000000000001"),
				 dec("0.000000000000001"), &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
	ASSERT_EQ(tandem_dec_mul(dec("1.0000000000000001"),
				 dec("1.0000000000000001"), &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
	ASSERT_EQ(tandem_dec_mul(dec("0.000000000000000000000000000010"),
				 dec("0.000000000000000000000000000010"), &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
}

/* ---- Division ---- */

TEST(decimal_div_basic)
{
	check_div("10", "3", 2, TANDEM_ROUND_HALF_UP, "3.33");
	check_div("2", "3", 2, TANDEM_ROUND_HALF_UP, "0.67");
	check_div("-2", "3", 2, TANDEM_ROUND_HALF_UP, "-0.67");
	check_div("2", "-3", 2, TANDEM_ROUND_HALF_UP, "-0.67");
	check_div("-2", "-3", 2, TANDEM_ROUND_HALF_UP, "0.67");
	check_div("2", "3", 2, TANDEM_ROUND_DOWN, "0.66");
	check_div("-2", "3", 2, TANDEM_ROUND_FLOOR, "-0.67");
	check_div("-2", "3", 2, TANDEM_ROUND_CEILING, "-0.66");
	check_div("100", "7", 6, TANDEM_ROUND_HALF_UP, "14.285714");
	check_div("123.45", "0.07", 2, TANDEM_ROUND_HALF_UP, "1763.57");
	check_div("1.00", "0.25", 0, TANDEM_ROUND_HALF_UP, "4");
	check_div("10", "0.3", 4, TANDEM_ROUND_HALF_UP, "33.3333");
	check_div("19", "100", 2, TANDEM_ROUND_HALF_UP, "0.19");
	check_div("6", "3", 3, TANDEM_ROUND_HALF_UP, "2.000");
	check_div("0", "-3", 2, TANDEM_ROUND_HALF_UP, "0.00");
	check_div("1", "3", 30, TANDEM_ROUND_HALF_UP,
		  "0.333333333333333333333333333333");
	check_div("2", "3", 30, TANDEM_ROUND_HALF_UP,
		  "0.666666666666666666666666666667");
	/* The dividend has more decimals than the quotient keeps. */
	check_div("0.125", "1", 2, TANDEM_ROUND_HALF_EVEN, "0.12");
}

TEST(decimal_div_ties)
{
	check_div("1", "8", 2, TANDEM_ROUND_HALF_EVEN, "0.12");
	check_div("1", "8", 2, TANDEM_ROUND_HALF_UP, "0.13");
	check_div("1", "8", 2, TANDEM_ROUND_HALF_CEILING, "0.13");
	check_div("1", "8", 2, TANDEM_ROUND_DOWN, "0.12");
	check_div("1", "8", 2, TANDEM_ROUND_FLOOR, "0.12");
	check_div("1", "8", 2, TANDEM_ROUND_CEILING, "0.13");
	check_div("-1", "8", 2, TANDEM_ROUND_HALF_CEILING, "-0.12");
	check_div("-1", "8", 2, TANDEM_ROUND_HALF_UP, "-0.13");
	check_div("-1", "8", 2, TANDEM_ROUND_HALF_EVEN, "-0.12");
	check_div("1", "-8", 2, TANDEM_ROUND_HALF_EVEN, "-0.12");
	check_div("-1", "8", 2, TANDEM_ROUND_DOWN, "-0.12");
	check_div("-1", "8", 2, TANDEM_ROUND_FLOOR, "-0.13");
	check_div("-1", "8", 2, TANDEM_ROUND_CEILING, "-0.12");
	check_div("5", "2", 0, TANDEM_ROUND_HALF_EVEN, "2");
	check_div("7", "2", 0, TANDEM_ROUND_HALF_EVEN, "4");
	check_div("-5", "2", 0, TANDEM_ROUND_HALF_EVEN, "-2");
	check_div("-1", "1000", 2, TANDEM_ROUND_HALF_UP, "0.00");
	/* Ties at the deepest scale. */
	check_div(TINY30, "2", 30, TANDEM_ROUND_HALF_UP, TINY30);
	check_div(TINY30, "2", 30, TANDEM_ROUND_HALF_EVEN,
		  "0.000000000000000000000000000000");
	check_div("-" TINY30, "2", 30, TANDEM_ROUND_HALF_CEILING,
		  "0.000000000000000000000000000000");
	check_div(TINY30, "3", 30, TANDEM_ROUND_HALF_UP,
		  "0.000000000000000000000000000000");
}

TEST(decimal_div_by_zero)
{
	struct tandem_dec r = sentinel;

	for (int m = 0; m < TANDEM_ROUND_COUNT_; m++) {
		ASSERT_EQ(tandem_dec_div(dec("1"), dec("0"), 2,
					 (enum tandem_round)m, &r),
			  TANDEM_EINVAL);
		ASSERT_EQ(tandem_dec_div(dec("0"), dec("-0.00"), 0,
					 (enum tandem_round)m, &r),
			  TANDEM_EINVAL);
	}
}

TEST(decimal_div_overflow)
{
	struct tandem_dec r = sentinel;

	ASSERT_EQ(tandem_dec_div(dec(NINES38), dec("0.1"), 0,
				 TANDEM_ROUND_HALF_UP, &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
	ASSERT_EQ(tandem_dec_div(dec(NINES38), dec("1"), 1,
				 TANDEM_ROUND_HALF_UP, &r),
		  TANDEM_EOVERFLOW);
	ASSERT(untouched(r));
	check_div(NINES38, "1", 0, TANDEM_ROUND_HALF_UP, NINES38);
	check_div(NINES38, "-1", 0, TANDEM_ROUND_HALF_UP, "-" NINES38);
}

/*
 * Quotients that fit although the dividend, scaled for the division, is
 * large: 10^32 in the first cases, beyond 128 bits (10^38 * 10^3) in the
 * last.
 */
TEST(decimal_div_wide_intermediate)
{
	/* 1 / (3 * 10^-30) = 333...333.33 (30 threes before the point). */
	check_div("1", "0.000000000000000000000000000003", 0,
		  TANDEM_ROUND_DOWN, "333333333333333333333333333333");
	check_div("1", "0.000000000000000000000000000003", 2,
		  TANDEM_ROUND_HALF_UP, "333333333333333333333333333333.33");
	/* (10^38 - 1) / (10^37 - 0.1) is exactly 10. */
	check_div(NINES38, "9999999999999999999999999999999999999.9", 2,
		  TANDEM_ROUND_HALF_UP, "10.00");
}

/* ---- Comparison and the small helpers ---- */

TEST(decimal_cmp_scales)
{
	check_cmp("1.50", "1.5", 0);
	check_cmp("100", "100.000", 0);
	check_cmp("-0.00", "0", 0);
	check_cmp("-0.1", "0", -1);
	check_cmp("0.1", "0.09", 1);
	check_cmp("-1.5", "-1.49", -1);
	check_cmp("2", "1.999", 1);
	check_cmp("-2", "1", -1);
	check_cmp("12345678.000000000000000000000000000000", "12345678", 0);
}

/* Aligning 10^37 to 30 decimals would need 68 digits. */
TEST(decimal_cmp_no_alignment_overflow)
{
	check_cmp(TEN37, TINY30, 1);
	check_cmp("-" TEN37, TINY30, -1);
	check_cmp(TEN37, "-" TINY30, 1);
	check_cmp("-" TEN37, "-" TINY30, -1);
	check_cmp(NINES38, NINES8_30, 1);
	check_cmp("-" NINES38, "-" NINES8_30, -1);
	check_cmp(NINES8_30, "100000000", -1);
	check_cmp(NINES8_30, "99999999", 1);
}

TEST(decimal_neg_abs_sign)
{
	struct tandem_dec d = dec("1.50");

	expect_fmt(tandem_dec_neg(d), "-1.50");
	expect_fmt(tandem_dec_neg(tandem_dec_neg(d)), "1.50");
	expect_fmt(tandem_dec_neg(dec("-0.00")), "0.00");
	expect_fmt(tandem_dec_neg(dec("-" NINES38)), NINES38);
	expect_fmt(tandem_dec_abs(dec("-2.50")), "2.50");
	expect_fmt(tandem_dec_abs(dec("2.50")), "2.50");
	expect_fmt(tandem_dec_abs(dec("-" NINES8_30)), NINES8_30);
	ASSERT_EQ(tandem_dec_sign(dec("-0.01")), -1);
	ASSERT_EQ(tandem_dec_sign(dec("0.000")), 0);
	ASSERT_EQ(tandem_dec_sign(dec(TINY30)), 1);
	ASSERT_EQ(tandem_dec_sign(dec("-" NINES38)), -1);
	ASSERT(tandem_dec_is_zero(dec("0.000")));
	ASSERT(tandem_dec_is_zero(dec("-0")));
	ASSERT(!tandem_dec_is_zero(dec(TINY30)));
	ASSERT(!tandem_dec_is_zero(dec("-1")));
}

TEST(decimal_reduce)
{
	struct tandem_dec r = tandem_dec_reduce(dec("1.500"));

	ASSERT(r.coef == 15);
	ASSERT_EQ(r.scale, 1);
	expect_fmt(r, "1.5");
	expect_fmt(tandem_dec_reduce(dec("2.00")), "2");
	/* Only fractional zeros go: the integer 100 stays 100. */
	r = tandem_dec_reduce(dec("100"));
	ASSERT(r.coef == 100);
	ASSERT_EQ(r.scale, 0);
	expect_fmt(tandem_dec_reduce(dec("100.0")), "100");
	expect_fmt(tandem_dec_reduce(dec("0.000")), "0");
	expect_fmt(tandem_dec_reduce(dec("-0.0010")), "-0.001");
	expect_fmt(tandem_dec_reduce(dec("1.25")), "1.25");
	expect_fmt(tandem_dec_reduce(
			   dec("12345678.000000000000000000000000000000")),
		   "12345678");
}

TEST(decimal_significant_scale)
{
	ASSERT_EQ(tandem_dec_significant_scale(dec("1.500")), 1);
	ASSERT_EQ(tandem_dec_significant_scale(dec("2.00")), 0);
	ASSERT_EQ(tandem_dec_significant_scale(dec("100")), 0);
	ASSERT_EQ(tandem_dec_significant_scale(dec("0.000")), 0);
	ASSERT_EQ(tandem_dec_significant_scale(dec("-0.0010")), 3);
	ASSERT_EQ(tandem_dec_significant_scale(dec("1.25")), 2);
	ASSERT_EQ(tandem_dec_significant_scale(dec(TINY30)), 30);
}

/* ---- Integers and minor units ---- */

TEST(decimal_from_int)
{
	struct tandem_dec d = from_int(12345, 2);
	struct tandem_dec r = sentinel;

	ASSERT(d.coef == 12345);
	ASSERT_EQ(d.scale, 2);
	expect_fmt(d, "123.45");
	expect_fmt(from_int(0, 2), "0.00");
	expect_fmt(from_int(-5, 30), "-0.000000000000000000000000000005");
	expect_fmt(from_int(INT64_MIN, 0), "-9223372036854775808");
	expect_fmt(from_int(INT64_MAX, 30), "0.000000000009223372036854775807");
	expect_fmt(from_int(INT64_MAX, 0), "9223372036854775807");
	ASSERT_EQ(tandem_dec_from_int(1, -1, &r), TANDEM_EINVAL);
	ASSERT_EQ(tandem_dec_from_int(1, 31, &r), TANDEM_EINVAL);
	ASSERT_EQ(tandem_dec_from_int(1, 30, &r), 0);
	ASSERT_EQ(r.scale, 30);
}

TEST(decimal_to_minor)
{
	check_to_minor("12.345", 2, TANDEM_ROUND_HALF_UP, 1235);
	check_to_minor("12.345", 2, TANDEM_ROUND_HALF_EVEN, 1234);
	check_to_minor("12.345", 2, TANDEM_ROUND_HALF_CEILING, 1235);
	check_to_minor("12.345", 2, TANDEM_ROUND_DOWN, 1234);
	check_to_minor("-12.345", 2, TANDEM_ROUND_HALF_UP, -1235);
	check_to_minor("-12.345", 2, TANDEM_ROUND_HALF_EVEN, -1234);
	check_to_minor("-12.345", 2, TANDEM_ROUND_HALF_CEILING, -1234);
	check_to_minor("-12.345", 2, TANDEM_ROUND_FLOOR, -1235);
	check_to_minor("1.5", 2, TANDEM_ROUND_HALF_UP, 150);
	check_to_minor("-0.004", 2, TANDEM_ROUND_HALF_UP, 0);
	check_to_minor("-0.004", 2, TANDEM_ROUND_FLOOR, -1);
	check_to_minor("19.99", 0, TANDEM_ROUND_DOWN, 19);
	check_to_minor("-9995", 0, TANDEM_ROUND_HALF_UP, -9995);
}

TEST(decimal_to_minor_limits)
{
	int64_t v = -42;

	check_to_minor("9223372036854775807", 0, TANDEM_ROUND_HALF_UP,
		       INT64_MAX);
	check_to_minor("-9223372036854775808", 0, TANDEM_ROUND_HALF_UP,
		       INT64_MIN);
	check_to_minor("92233720368547758.07", 2, TANDEM_ROUND_HALF_UP,
		       INT64_MAX);
	check_to_minor("-92233720368547758.08", 2, TANDEM_ROUND_HALF_UP,
		       INT64_MIN);
	check_to_minor("9223372036854775807.4", 0, TANDEM_ROUND_HALF_UP,
		       INT64_MAX);
	check_to_minor("9223372036854775807.5", 0, TANDEM_ROUND_DOWN,
		       INT64_MAX);
	ASSERT_EQ(tandem_dec_to_minor(dec("9223372036854775808"), 0,
				      TANDEM_ROUND_HALF_UP, &v),
		  TANDEM_EOVERFLOW);
	ASSERT_EQ(tandem_dec_to_minor(dec("-9223372036854775809"), 0,
				      TANDEM_ROUND_HALF_UP, &v),
		  TANDEM_EOVERFLOW);
	ASSERT_EQ(tandem_dec_to_minor(dec("92233720368547758.08"), 2,
				      TANDEM_ROUND_HALF_UP, &v),
		  TANDEM_EOVERFLOW);
	/* Rounding itself carries past the limit. */
	ASSERT_EQ(tandem_dec_to_minor(dec("9223372036854775807.5"), 0,
				      TANDEM_ROUND_HALF_UP, &v),
		  TANDEM_EOVERFLOW);
	ASSERT_EQ(tandem_dec_to_minor(dec(NINES38), 2, TANDEM_ROUND_HALF_UP,
				      &v),
		  TANDEM_EOVERFLOW);
	ASSERT_EQ(tandem_dec_to_minor(dec("1"), 30, TANDEM_ROUND_HALF_UP, &v),
		  TANDEM_EOVERFLOW);
	ASSERT_EQ(v, -42);
}

TEST(decimal_parse_null_empty_slice)
{
	/* slice.h allows {NULL, 0}: not a decimal, and no pointer
	 * arithmetic on NULL (UBSan checks this in the SAN build). */
	struct tandem_dec d = {7, 0};

	ASSERT_EQ(tandem_dec_parse(tandem_slice_make(NULL, 0), &d), TANDEM_EBADINPUT);
	ASSERT(d.coef == 7 && d.scale == 0);
}
