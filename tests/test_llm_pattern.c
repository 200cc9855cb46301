/*
 * tests/test_llm_pattern.c - "pattern" and "format" in decoding
 * constrained to a JSON Schema (src/llm/json_regex.c): strings that match
 * and strings that do not, every prefix of a match accepted and complete
 * only at its end, the anchors and their absence, counted repetitions
 * written out, the characters the writer never writes, patterns beside
 * minLength and maxLength, and patterns refused with the reason. Expected results come from ECMA-262's
 * definition of the constructs, worked out by hand.
 */
#include <stdio.h>
#include <string.h>

#include "schema_helpers.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/llm.h"
#include "test.h"

/* Whether the JSON string text (quoted) is an instance of {"type":
 * "string", key: value}, reached through prefixes that begin one. */
static bool matches(const char *key, const char *value, const char *text)
{
	char schema[512];

	snprintf(schema, sizeof schema, "{\"type\": \"string\", \"%s\": \"%s\"}", key, value);
	return schema_instance(schema, text);
}

#define MATCH(pattern, text) ASSERT(matches("pattern", pattern, "\"" text "\""))
#define NO_MATCH(pattern, text) ASSERT(!matches("pattern", pattern, "\"" text "\""))

TEST(llm_pattern_strings)
{
	/* Anchored: the whole string. */
	MATCH("^[0-9]{14}$", "73282932000074");
	NO_MATCH("^[0-9]{14}$", "7328293200007");
	NO_MATCH("^[0-9]{14}$", "732829320000745");
	NO_MATCH("^[0-9]{14}$", "7328293200007A");
	MATCH("^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$", "FR7630006000011234567890189");
	NO_MATCH("^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$", "FR76300060000");
	NO_MATCH("^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$", "FR761234567890123456789012345678901");
	/* Unanchored: anywhere in the string. */
	MATCH("b+c", "abbcd");
	MATCH("b+c", "bc");
	NO_MATCH("b+c", "abd");
	MATCH("^ab", "abzz");
	NO_MATCH("^ab", "zab");
	MATCH("yz$", "xyz");
	NO_MATCH("yz$", "yzx");
	/* Groups, alternation, quantifiers. */
	MATCH("^(ab)+$", "abab");
	NO_MATCH("^(ab)+$", "aba");
	NO_MATCH("^(ab)+$", "");
	MATCH("^a{2,}$", "aaa");
	MATCH("^a{2,}$", "aa");
	NO_MATCH("^a{2,}$", "a");
	MATCH("^a{0,2}b$", "b");
	MATCH("^a{0,2}b$", "aab");
	NO_MATCH("^a{0,2}b$", "aaab");
	MATCH("^x?y*$", "");
	MATCH("^x?y*$", "xyy");
	NO_MATCH("^x?y*$", "yx");
	MATCH("^(S|Z|AE|K)$", "AE");
	NO_MATCH("^(S|Z|AE|K)$", "A");
	MATCH("^(?:no|yes)+?$", "noyesno");
	MATCH("^\\\\d+(\\\\.\\\\d{1,2})?$", "12.50");
	NO_MATCH("^\\\\d+(\\\\.\\\\d{1,2})?$", "12.");
	NO_MATCH("^\\\\d+(\\\\.\\\\d{1,2})?$", "12.505");
	/* Classes. */
	MATCH("^[^a-z]+$", "AB-9");
	NO_MATCH("^[^a-z]+$", "AbC");
	MATCH("^[\\\\w.-]+@[a-z]+$", "j.doe-1@example");
	MATCH("^\\\\$[0-9]$", "$5");
	MATCH("^a\\\\|b$", "a|b");
	/* The writer writes no escape: a quote, a backslash or a tab the
	 * pattern allows is still never written. */
	NO_MATCH("^.+$", "a\\\"b");
	NO_MATCH("^\\\\S+$", "a\\\\tb");
}

TEST(llm_pattern_formats)
{
	ASSERT(matches("format", "date", "\"2026-11-23\""));
	ASSERT(matches("format", "date", "\"2024-02-28\""));
	ASSERT(matches("format", "date", "\"2024-04-30\""));
	ASSERT(matches("format", "date", "\"2024-12-31\""));
	ASSERT(!matches("format", "date", "\"2024-04-31\""));
	ASSERT(!matches("format", "date", "\"2024-13-01\""));
	ASSERT(!matches("format", "date", "\"2024-00-10\""));
	ASSERT(!matches("format", "date", "\"2024-1-10\""));
	ASSERT(!matches("format", "date", "\"2024-01-10T00:00:00Z\""));
	/* 29 February exists only in leap years, which a pattern of this
	 * size cannot tell: it is never written. */
	ASSERT(!matches("format", "date", "\"2024-02-29\""));
	ASSERT(matches("format", "time", "\"23:59:59Z\""));
	ASSERT(matches("format", "time", "\"08:30:00.125+01:00\""));
	ASSERT(!matches("format", "time", "\"24:00:00Z\""));
	ASSERT(!matches("format", "time", "\"08:30:00\""));
	ASSERT(!matches("format", "time", "\"08:60:00Z\""));
	ASSERT(matches("format", "date-time", "\"2026-11-23T17:50:00-05:00\""));
	ASSERT(!matches("format", "date-time", "\"2026-11-23 17:50:00Z\""));
	ASSERT(matches("format", "uuid", "\"123e4567-e89b-12d3-a456-426614174000\""));
	ASSERT(!matches("format", "uuid", "\"123E4567-e89b-12d3-a456-426614174000\""));
	ASSERT(!matches("format", "uuid", "\"123e4567e89b12d3a456426614174000\""));
}

/* {"type": "string", "pattern": pattern, bounds} */
static const char *bounded(const char *pattern, const char *bounds)
{
	static char schema[512];

	snprintf(schema, sizeof schema, "{\"type\": \"string\", \"pattern\": \"%s\", %s}",
		 pattern, bounds);
	return schema;
}

#define LEN_MATCH(p, b, text) ASSERT(schema_instance(bounded(p, b), "\"" text "\""))
#define LEN_NO_MATCH(p, b, text) ASSERT(!schema_instance(bounded(p, b), "\"" text "\""))
#define LEN_BEGINS(p, b, text) ASSERT(schema_begins(bounded(p, b), "\"" text))
#define LEN_NO_BEGIN(p, b, text) ASSERT(!schema_begins(bounded(p, b), "\"" text))

TEST(llm_pattern_lengths)
{
	const char *five = "\"maxLength\": 5";
	LEN_MATCH("^[A-Z0-9]+$", five, "AB12");
	LEN_MATCH("^[A-Z0-9]+$", five, "ABCDE");
	LEN_NO_MATCH("^[A-Z0-9]+$", five, "ABCDEF");
	LEN_NO_MATCH("^[A-Z0-9]+$", five, "");
	/* Cut where the pattern can no longer end in time. */
	LEN_MATCH("^(ab)+$", five, "abab");
	LEN_BEGINS("^(ab)+$", five, "abab");
	LEN_NO_BEGIN("^(ab)+$", five, "ababa");
	LEN_NO_BEGIN("b+c", "\"maxLength\": 3", "aa");
	LEN_MATCH("b+c", "\"maxLength\": 3", "abc");
	LEN_NO_MATCH("b+c", "\"maxLength\": 3", "abcd");
	/* A minimum: the string closes only once long enough. */
	const char *three = "\"minLength\": 3";
	LEN_MATCH("^[a-z]*$", three, "abc");
	LEN_MATCH("^[a-z]*$", three, "abcdefgh");
	LEN_NO_MATCH("^[a-z]*$", three, "ab");
	LEN_BEGINS("^[a-z]*$", three, "ab");
	LEN_MATCH("^(abc|de)$", three, "abc");
	LEN_NO_MATCH("^(abc|de)$", three, "de");
	LEN_NO_BEGIN("^(abc|de)$", three, "d");
	/* Both. */
	const char *four = "\"minLength\": 4, \"maxLength\": 4";
	LEN_MATCH("^a{2}b*$", four, "aabb");
	LEN_NO_MATCH("^a{2}b*$", four, "aab");
	LEN_NO_MATCH("^a{2}b*$", four, "aabbb");
	LEN_MATCH("^(x|yy)*$", "\"minLength\": 5, \"maxLength\": 6", "xyyxx");
	LEN_NO_BEGIN("^(x|yy)*$", "\"minLength\": 5, \"maxLength\": 6", "xyyxxyy");
	/* A format beside lengths: a date has 10 characters. */
	ASSERT(schema_instance("{\"type\": \"string\", \"format\": \"date\", \"maxLength\": 10}",
			       "\"2026-11-24\""));
	ASSERT(schema_has_no_instance("{\"type\": \"object\", \"properties\": {\"d\": {\"type\": "
				      "\"string\", \"format\": \"date\", \"maxLength\": 9}}, "
				      "\"required\": [\"d\"]}"));
}

TEST(llm_pattern_refused)
{
	static const struct schema_refusal bad[] = {
		{ "{\"type\": \"string\", \"pattern\": \"^a|b$\"}", TANDEM_EUNSUPPORTED,
		  "#/pattern", "alternation outside a group" },
		{ "{\"type\": \"string\", \"pattern\": \"a(?=b)\"}", TANDEM_EBADINPUT,
		  "#/pattern", "look-around" },
		{ "{\"type\": \"string\", \"pattern\": \"(a)\\\\1\"}", TANDEM_EBADINPUT,
		  "#/pattern", "back-reference" },
		{ "{\"type\": \"string\", \"pattern\": \"[ab\"}", TANDEM_EBADINPUT,
		  "#/pattern", "without its ']'" },
		{ "{\"type\": \"string\", \"pattern\": \"a)\"}", TANDEM_EBADINPUT,
		  "#/pattern", "without its '('" },
		{ "{\"type\": \"string\", \"pattern\": \"*a\"}", TANDEM_EBADINPUT,
		  "#/pattern", "nothing before it" },
		{ "{\"type\": \"string\", \"pattern\": \"a^b\"}", TANDEM_EBADINPUT,
		  "#/pattern", "only at the start and the end" },
		{ "{\"type\": \"string\", \"pattern\": \"^\\\\t$\"}", TANDEM_EUNSUPPORTED,
		  "#/pattern", "no string of printable ASCII" },
		{ "{\"type\": \"string\", \"pattern\": \"^[a-z]{200}$\"}", TANDEM_ELIMIT,
		  "#/pattern", "more character atoms" },
		{ "{\"type\": \"string\", \"pattern\": 5}", TANDEM_EBADINPUT, "#/pattern",
		  "not a string" },
		{ "{\"type\": \"string\", \"pattern\": \"^a$\", \"enum\": [\"a\"]}",
		  TANDEM_EUNSUPPORTED, "#/pattern", "beside enum or const" },
		/* Lengths 60 x + 61 y: they settle only past 3,539 characters. */
		{ "{\"type\": \"string\", \"pattern\": \"^(a{60}|b{61})*$\", \"maxLength\": "
		  "500}", TANDEM_EUNSUPPORTED, "#/pattern", "do not repeat within 256" },
		{ "{\"type\": \"string\", \"pattern\": \"^a$\", \"format\": \"date\"}",
		  TANDEM_EUNSUPPORTED, "#/format", "beside \"pattern\"" },
		{ "{\"type\": \"string\", \"format\": \"email\"}", TANDEM_EUNSUPPORTED,
		  "#/format", "the format \"email\" is not supported" },
	};

	schema_expect_refusals(bad, sizeof bad / sizeof bad[0]);
}
