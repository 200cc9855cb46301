/*
 * tests/test_llm_bounds.c - minimum, maximum, exclusiveMinimum and
 * exclusiveMaximum of integers and numbers in decoding constrained to a
 * JSON Schema (src/llm/json_sgram.c, json_schema.c): values within the
 * bounds and not, every prefix of one within them accepted (a digit is
 * taken only while some ending stays within reach), the value checked
 * where the number ends, bounds written with fractions and exponents,
 * and bounds refused with the reason; multipleOf alone and beside bounds.
 */
#include <stdio.h>
#include <string.h>

#include "schema_helpers.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/llm.h"
#include "test.h"

/* The type of n in the schemas below: "integer" or "number". */
static const char *type = "integer";

/* The object whose member n has the schema of type with the given bounds
 * (JSON members, without braces). */
static const char *schema_of(const char *bounds)
{
	static char schema[512];

	snprintf(schema, sizeof schema, "{\"type\": \"object\", \"properties\": {\"n\": "
		 "{\"type\": \"%s\", %s}}, \"required\": [\"n\"]}", type, bounds);
	return schema;
}

/* Whether {"n":number} is an instance, reached digit by digit. */
static bool fits(const char *bounds, const char *number)
{
	char text[128];

	snprintf(text, sizeof text, "{\"n\":%s}", number);
	return schema_instance(schema_of(bounds), text);
}

/* Whether {"n":digits begins an instance. */
static bool begins(const char *bounds, const char *digits)
{
	char text[128];

	snprintf(text, sizeof text, "{\"n\":%s", digits);
	return schema_begins(schema_of(bounds), text);
}

TEST(llm_integer_bounds)
{
	type = "integer";
	const char *pct = "\"minimum\": 0, \"maximum\": 100";
	ASSERT(fits(pct, "0"));
	ASSERT(fits(pct, "42"));
	ASSERT(fits(pct, "100"));
	ASSERT(fits(pct, "-0"));
	ASSERT(!fits(pct, "101"));
	ASSERT(!fits(pct, "-1"));
	ASSERT(!fits(pct, "1000"));
	ASSERT(begins(pct, "10"));
	ASSERT(!begins(pct, "101"));
	ASSERT(!begins(pct, "-1"));
	ASSERT(begins(pct, "-"));
	const char *open = "\"exclusiveMinimum\": 0, \"exclusiveMaximum\": 10";
	ASSERT(fits(open, "1"));
	ASSERT(fits(open, "9"));
	ASSERT(!fits(open, "0"));
	ASSERT(!fits(open, "10"));
	const char *neg = "\"minimum\": -50, \"maximum\": -10";
	ASSERT(fits(neg, "-10"));
	ASSERT(fits(neg, "-50"));
	ASSERT(fits(neg, "-25"));
	ASSERT(!fits(neg, "-9"));
	ASSERT(!fits(neg, "-51"));
	ASSERT(!fits(neg, "5"));
	ASSERT(!begins(neg, "5"));
	ASSERT(!begins(neg, "-6"));
	ASSERT(begins(neg, "-1"));
	/* A digit that can still grow into the range is taken; the value is
	 * checked where the number ends. */
	const char *big = "\"minimum\": 1000";
	ASSERT(begins(big, "99"));
	ASSERT(!fits(big, "999"));
	ASSERT(fits(big, "1000"));
	ASSERT(fits(big, "999999999999999999"));
	ASSERT(!begins(big, "1000000000000000000"));
	ASSERT(!begins(big, "0"));
	ASSERT(fits("\"minimum\": 5, \"maximum\": 5", "5"));
	ASSERT(!fits("\"minimum\": 5, \"maximum\": 5", "50"));
	/* Bounds with a fraction or an exponent: the integers between. */
	const char *half = "\"minimum\": 0.5, \"maximum\": 2.5";
	ASSERT(!fits(half, "0"));
	ASSERT(fits(half, "1"));
	ASSERT(fits(half, "2"));
	ASSERT(!fits(half, "3"));
	ASSERT(fits("\"maximum\": 1e3", "1000"));
	ASSERT(!fits("\"maximum\": 1e3", "1001"));
	ASSERT(fits("\"exclusiveMinimum\": -2.5", "-2"));
	ASSERT(!fits("\"exclusiveMinimum\": -2.5", "-3"));
	/* Beyond what is written (18 digits): no bound on that side. */
	ASSERT(fits("\"maximum\": 1e300", "999999999999999999"));
	ASSERT(fits("\"minimum\": -1e30", "-999999999999999999"));
}

TEST(llm_number_bounds)
{
	type = "number";
	const char *price = "\"minimum\": 0, \"exclusiveMaximum\": 100.5";
	ASSERT(fits(price, "0"));
	ASSERT(fits(price, "0.0"));
	ASSERT(fits(price, "-0"));
	ASSERT(fits(price, "42"));
	ASSERT(fits(price, "100.49"));
	ASSERT(fits(price, "100.499999999999"));
	ASSERT(!fits(price, "100.5"));
	ASSERT(!fits(price, "100.51"));
	ASSERT(!fits(price, "101"));
	ASSERT(!fits(price, "-0.1"));
	ASSERT(!fits(price, "-1"));
	ASSERT(!fits(price, "1e2")); /* no exponent in a bounded number */
	ASSERT(begins(price, "10"));
	ASSERT(begins(price, "100."));
	ASSERT(begins(price, "100.4"));
	ASSERT(!begins(price, "100.5"));
	ASSERT(!begins(price, "101"));
	ASSERT(begins(price, "-"));
	ASSERT(begins(price, "-0"));
	ASSERT(!begins(price, "-0.1"));
	/* A range below 1: the digits after the point decide. */
	const char *tiny = "\"minimum\": 0.001, \"maximum\": 0.002";
	ASSERT(fits(tiny, "0.001"));
	ASSERT(fits(tiny, "0.0015"));
	ASSERT(fits(tiny, "0.002"));
	ASSERT(fits(tiny, "0.0020"));
	ASSERT(!fits(tiny, "0.0021"));
	ASSERT(!fits(tiny, "0.0009"));
	ASSERT(!fits(tiny, "0"));
	ASSERT(begins(tiny, "0.00"));
	ASSERT(!begins(tiny, "0.01"));
	ASSERT(!begins(tiny, "1"));
	ASSERT(!begins(tiny, "0.0"
			     "03"));
	/* Below zero. */
	const char *neg = "\"minimum\": -2.5, \"maximum\": -1.25";
	ASSERT(fits(neg, "-2.5"));
	ASSERT(fits(neg, "-1.25"));
	ASSERT(fits(neg, "-2"));
	ASSERT(fits(neg, "-1.3"));
	ASSERT(!fits(neg, "-1.2"));
	ASSERT(!fits(neg, "-2.51"));
	ASSERT(!fits(neg, "-1"));
	ASSERT(!fits(neg, "1.5"));
	ASSERT(begins(neg, "-1.2"));
	ASSERT(!begins(neg, "-1.1"));
	ASSERT(!begins(neg, "-3"));
	/* Twelve digits after the point at most; a bound finer than that is
	 * met on that grid. */
	ASSERT(fits("\"minimum\": 0", "0.123456789012"));
	ASSERT(!begins("\"minimum\": 0", "0.1234567890123"));
	const char *fine = "\"exclusiveMinimum\": 0.0000000000001, \"maximum\": 1";
	ASSERT(fits(fine, "0.000000000001"));
	ASSERT(!fits(fine, "0"));
	ASSERT(!fits(fine, "0.000000000000"));
	/* Exponents in bounds. */
	ASSERT(fits("\"maximum\": 1.5e2", "150"));
	ASSERT(!fits("\"maximum\": 1.5e2", "150.01"));
	ASSERT(fits("\"minimum\": 25E-3", "0.025"));
	ASSERT(!fits("\"minimum\": 25E-3", "0.0249"));
	/* An unbounded number keeps its exponent. */
	ASSERT(schema_instance("{\"type\": \"object\", \"properties\": {\"n\": {\"type\": "
			       "\"number\"}}}", "{\"n\":1e2}"));
}

TEST(llm_integer_bounds_refused)
{
	static const struct schema_refusal bad[] = {
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", "
		  "\"maximum\": \"3\"}}}", TANDEM_EBADINPUT, "#/properties/n/maximum",
		  "not a number" },
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", "
		  "\"enum\": [1, 2], \"minimum\": 2}}}", TANDEM_EUNSUPPORTED,
		  "#/properties/n/minimum", "beside enum or const" },
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"number\", "
		  "\"const\": 2, \"maximum\": 2}}}", TANDEM_EUNSUPPORTED,
		  "#/properties/n/maximum", "beside enum or const" },
	};

	schema_expect_refusals(bad, sizeof bad / sizeof bad[0]);
	/* No integer between the bounds: a required member no object can
	 * have. */
	ASSERT(schema_has_no_instance("{\"type\": \"object\", \"properties\": {\"n\": {\"type\": "
				      "\"integer\", \"minimum\": 3, \"exclusiveMaximum\": 3}}, "
				      "\"required\": [\"n\"]}"));
	/* Nor any number. */
	ASSERT(schema_has_no_instance("{\"type\": \"object\", \"properties\": {\"n\": {\"type\": "
				      "\"number\", \"minimum\": 0.5, \"exclusiveMaximum\": 0.5}}, "
				      "\"required\": [\"n\"]}"));
}

TEST(llm_integer_multiple_of)
{
	type = "integer";
	const char *five = "\"multipleOf\": 5";
	ASSERT(fits(five, "0"));
	ASSERT(fits(five, "-0"));
	ASSERT(fits(five, "5"));
	ASSERT(fits(five, "100"));
	ASSERT(fits(five, "-15"));
	ASSERT(!fits(five, "7"));
	ASSERT(!fits(five, "-12"));
	ASSERT(!fits(five, "5.0")); /* an integer has no point */
	ASSERT(begins(five, "7"));  /* 70, 75 */
	ASSERT(begins(five, "-"));
	/* Beside bounds: a digit is taken only while a multiple within
	 * them stays within reach. */
	const char *one_digit = "\"minimum\": 1, \"maximum\": 9, \"multipleOf\": 5";
	ASSERT(fits(one_digit, "5"));
	ASSERT(!fits(one_digit, "0"));
	ASSERT(!fits(one_digit, "10"));
	ASSERT(!begins(one_digit, "1"));
	ASSERT(!begins(one_digit, "-"));
	const char *range = "\"minimum\": 120, \"maximum\": 139, \"multipleOf\": 7";
	ASSERT(fits(range, "126"));
	ASSERT(fits(range, "133"));
	ASSERT(!fits(range, "127"));
	ASSERT(begins(range, "12"));
	ASSERT(!begins(range, "127"));
	ASSERT(!begins(range, "14"));
	/* A step with a fraction: an integer is a multiple of 2.5 when it is
	 * one of 5, of 0.5 always. */
	ASSERT(fits("\"multipleOf\": 2.5", "10"));
	ASSERT(!fits("\"multipleOf\": 2.5", "2"));
	ASSERT(fits("\"multipleOf\": 0.5", "3"));
	/* A step beyond 18 digits: only 0. */
	ASSERT(fits("\"multipleOf\": 1e20", "0"));
	ASSERT(!begins("\"multipleOf\": 1e20", "1"));
	/* No multiple within the bounds: the required member has no instance. */
	ASSERT(schema_has_no_instance("{\"type\": \"object\", \"properties\": {\"n\": {\"type\": "
			   "\"integer\", \"minimum\": 11, \"maximum\": 14, \"multipleOf\": 5}}, "
			   "\"required\": [\"n\"]}"));
}

TEST(llm_number_multiple_of)
{
	type = "number";
	const char *cents = "\"multipleOf\": 0.01";
	ASSERT(fits(cents, "12.34"));
	ASSERT(fits(cents, "12.3"));
	ASSERT(fits(cents, "12.340"));
	ASSERT(fits(cents, "12"));
	ASSERT(fits(cents, "-0.05"));
	ASSERT(fits(cents, "0"));
	ASSERT(!fits(cents, "12.345"));
	ASSERT(!fits(cents, "1e2")); /* no exponent */
	ASSERT(begins(cents, "12.34"));
	ASSERT(begins(cents, "12.340"));
	ASSERT(!begins(cents, "12.345"));
	const char *quarter = "\"multipleOf\": 0.25";
	ASSERT(fits(quarter, "0.75"));
	ASSERT(fits(quarter, "1.5"));
	ASSERT(fits(quarter, "-2"));
	ASSERT(!fits(quarter, "0.1"));
	ASSERT(!fits(quarter, "0.2"));
	ASSERT(begins(quarter, "0.2")); /* 0.25 */
	ASSERT(!begins(quarter, "0.3"));
	ASSERT(!begins(quarter, "0.26"));
	/* Beside bounds. */
	const char *thirds = "\"minimum\": 0, \"maximum\": 1, \"multipleOf\": 0.3";
	ASSERT(fits(thirds, "0.3"));
	ASSERT(fits(thirds, "0.90"));
	ASSERT(fits(thirds, "0"));
	ASSERT(!fits(thirds, "1"));
	ASSERT(!fits(thirds, "1.2"));
	ASSERT(!fits(thirds, "0.5"));
	ASSERT(!begins(thirds, "1"));
	ASSERT(!begins(thirds, "0.4"));
	ASSERT(begins(thirds, "0.6"));
	ASSERT(!begins(thirds, "-0.3"));
	const char *neg = "\"exclusiveMaximum\": -1, \"minimum\": -2, \"multipleOf\": 0.4";
	ASSERT(fits(neg, "-1.2"));
	ASSERT(fits(neg, "-2"));
	ASSERT(!fits(neg, "-1.0"));
	ASSERT(!fits(neg, "-0.8"));
	ASSERT(!begins(neg, "-0"));
	ASSERT(begins(neg, "-1.6"));
	ASSERT(schema_has_no_instance("{\"type\": \"object\", \"properties\": {\"n\": {\"type\": "
			   "\"number\", \"exclusiveMinimum\": 0.5, \"exclusiveMaximum\": 1, "
			   "\"multipleOf\": 0.5}}, \"required\": [\"n\"]}"));
}

TEST(llm_multiple_of_refused)
{
	static const struct schema_refusal bad[] = {
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"number\", "
		  "\"multipleOf\": 0}}}", TANDEM_EBADINPUT, "#/properties/n/multipleOf",
		  "not greater than 0" },
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", "
		  "\"multipleOf\": -3}}}", TANDEM_EBADINPUT, "#/properties/n/multipleOf",
		  "not greater than 0" },
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"number\", "
		  "\"multipleOf\": \"2\"}}}", TANDEM_EBADINPUT, "#/properties/n/multipleOf",
		  "not a number" },
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"number\", "
		  "\"multipleOf\": 1e-13}}}", TANDEM_EUNSUPPORTED, "#/properties/n/multipleOf",
		  "finer than 10^-12" },
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"number\", "
		  "\"enum\": [2, 4], \"multipleOf\": 2}}}", TANDEM_EUNSUPPORTED,
		  "#/properties/n/multipleOf", "beside enum or const" },
	};

	schema_expect_refusals(bad, sizeof bad / sizeof bad[0]);
}
