/*
 * tests/schema_helpers.c - see schema_helpers.h.
 */
#include <string.h>

#include "schema_helpers.h"
#include "tandem/diag.h"
#include "tandem/llm.h"
#include "test.h"

void schema_expect_refusals(const struct schema_refusal *bad, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tandem_llm_schema *s = NULL;
		struct tandem_diag d;

		tandem_diag_init(&d, 10);
		int rc = tandem_llm_schema_new(bad[i].schema, strlen(bad[i].schema), &d, &s);
		if (rc != bad[i].code || d.count == 0)
			FAIL("%s: %d, want %d", bad[i].schema, rc, bad[i].code);
		ASSERT(s == NULL);
		ASSERT_STR_EQ(d.items[0].path, bad[i].path);
		ASSERT_STR_CONTAINS(d.items[0].message, bad[i].why);
		tandem_diag_release(&d);
	}
}

static struct tandem_llm_schema *compiled(const char *schema)
{
	struct tandem_llm_schema *s = NULL;
	struct tandem_diag d;

	tandem_diag_init(&d, 4);
	if (tandem_llm_schema_new(schema, strlen(schema), &d, &s) != 0)
		FAIL("%s: %s", schema, test_findings_text(&d));
	tandem_diag_release(&d);
	return s;
}

bool schema_instance(const char *schema, const char *text)
{
	struct tandem_llm_schema *s = compiled(schema);
	size_t n = strlen(text);
	bool complete = false;
	bool whole = tandem_llm_json_schema_check(s, text, n, &complete) && complete;

	for (size_t k = 1; whole && k < n; k++) {
		bool c = false;
		if (!tandem_llm_json_schema_check(s, text, k, &c) || c)
			FAIL("%s: the prefix %.*s is refused or complete", schema, (int)k, text);
	}
	tandem_llm_schema_free(s);
	return whole;
}

bool schema_begins(const char *schema, const char *text)
{
	struct tandem_llm_schema *s = compiled(schema);
	bool complete = false;
	bool ok = tandem_llm_json_schema_check(s, text, strlen(text), &complete);

	tandem_llm_schema_free(s);
	return ok;
}

bool schema_has_no_instance(const char *schema)
{
	struct tandem_llm_schema *s = NULL;
	struct tandem_diag d;

	tandem_diag_init(&d, 10);
	bool refused = tandem_llm_schema_new(schema, strlen(schema), &d, &s) != 0 && s == NULL &&
		       d.count > 0;
	tandem_diag_release(&d);
	tandem_llm_schema_free(s);
	return refused;
}
