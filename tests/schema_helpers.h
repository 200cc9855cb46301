/*
 * tests/schema_helpers.h - helpers of the JSON Schema constraint's tests
 * (tests/test_llm_pattern.c, tests/test_llm_bounds.c).
 */
#ifndef TANDEM_TEST_SCHEMA_HELPERS_H
#define TANDEM_TEST_SCHEMA_HELPERS_H

#include <stdbool.h>
#include <stddef.h>

/* A schema the compiler must refuse: with code, a first finding at path
 * whose message contains why. */
struct schema_refusal {
	const char *schema;
	int code;
	const char *path, *why;
};

/* Fails the test unless every schema of bad is refused as it says. */
void schema_expect_refusals(const struct schema_refusal *bad, size_t n);

/* Whether text is a whole instance of schema (which must compile); when it
 * is, each of its proper prefixes must begin one without being complete. */
bool schema_instance(const char *schema, const char *text);

/* Whether text begins an instance of schema. */
bool schema_begins(const char *schema, const char *text);

/* Whether schema is refused, with findings, because no value is an
 * instance of it. */
bool schema_has_no_instance(const char *schema);

#endif /* TANDEM_TEST_SCHEMA_HELPERS_H */
