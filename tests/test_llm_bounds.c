/*
 * tests/test_llm_bounds.c - minimum, maximum, exclusiveMinimum and
 * exclusiveMaximum of integers in decoding constrained to a JSON Schema
 * (src/llm/json_sgram.c, json_schema.c): integers within the bounds and
 * not, every prefix of one within them accepted (a digit is taken only
 * while some ending stays within reach), the value checked where the
 * number ends, and bounds refused with the reason.
 */
#include <stdio.h>
#include <string.h>

#include "schema_helpers.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/llm.h"
#include "test.h"

/* The object whose member n has the integer schema with the given bounds
 * (JSON members, without braces). */
static const char *schema_of(const char *bounds)
{
	static char schema[512];

	snprintf(schema, sizeof schema, "{\"type\": \"object\", \"properties\": {\"n\": "
		 "{\"type\": \"integer\", %s}}, \"required\": [\"n\"]}", bounds);
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
}

TEST(llm_integer_bounds_refused)
{
	static const struct schema_refusal bad[] = {
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"number\", "
		  "\"minimum\": 0}}}", TANDEM_EUNSUPPORTED, "#/properties/n/minimum",
		  "only for \"type\": \"integer\"" },
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", "
		  "\"minimum\": 0.5}}}", TANDEM_EUNSUPPORTED, "#/properties/n/minimum",
		  "other than an integer" },
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", "
		  "\"maximum\": 1e3}}}", TANDEM_EUNSUPPORTED, "#/properties/n/maximum",
		  "other than an integer" },
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", "
		  "\"maximum\": 1000000000000000000}}}", TANDEM_EUNSUPPORTED,
		  "#/properties/n/maximum", "at most 18 digits" },
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", "
		  "\"maximum\": \"3\"}}}", TANDEM_EBADINPUT, "#/properties/n/maximum",
		  "not a number" },
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\", "
		  "\"enum\": [1, 2], \"minimum\": 2}}}", TANDEM_EUNSUPPORTED,
		  "#/properties/n/minimum", "beside enum or const" },
	};

	schema_expect_refusals(bad, sizeof bad / sizeof bad[0]);
	/* No integer between the bounds: a required member no object can
	 * have. */
	struct tandem_llm_schema *s = NULL;
	struct tandem_diag d;
	static const char empty[] = "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": "
				    "\"integer\", \"minimum\": 3, \"exclusiveMaximum\": 3}}, "
				    "\"required\": [\"n\"]}";
	tandem_diag_init(&d, 10);
	ASSERT(tandem_llm_schema_new(empty, strlen(empty), &d, &s) != 0);
	ASSERT(s == NULL && d.count > 0);
	tandem_diag_release(&d);
}
