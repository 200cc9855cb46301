/*
 * tests/test_llm_schema.c - decoding constrained to a JSON Schema: schemas
 * accepted and refused (each keyword tandem does not follow refused at its
 * JSON Pointer), and the automaton against instances (every prefix of a
 * valid one accepted, complete only at its end) and against texts that
 * break one rule each. tests/test_llm_schema_gen.c generates under it.
 */
#include <string.h>

#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/llm.h"
#include "test.h"

static int compile(const char *text, struct tandem_diag *d, struct tandem_llm_schema **out)
{
	return tandem_llm_schema_new(text, strlen(text), d, out);
}

TEST(llm_schema_refused)
{
	static const struct { const char *schema; int code; const char *path; } bad[] = {
		{ "{\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"string\", "
		  "\"pattern\": \"^(?=a)\"}}}", TANDEM_EBADINPUT, "#/properties/id/pattern" },
		{ "{\"type\": \"string\", \"format\": \"email\"}", TANDEM_EUNSUPPORTED, "#/format" },
		/* oneOf: only of alternatives no value can fit two of. */
		{ "{\"oneOf\": [{\"type\": \"integer\"}, {\"type\": \"number\"}]}",
		  TANDEM_EUNSUPPORTED, "#/oneOf/1" },
		{ "{\"type\": \"object\", \"properties\": {\"p\": {\"oneOf\": [{\"type\": "
		  "\"object\", \"properties\": {\"k\": {\"const\": \"a\"}}}, {\"type\": \"object\", "
		  "\"properties\": {\"k\": {\"const\": \"b\"}}}]}}}", TANDEM_EUNSUPPORTED,
		  "#/properties/p/oneOf/1" },
		{ "{\"oneOf\": [{\"type\": \"string\"}], \"anyOf\": [{\"type\": \"null\"}]}",
		  TANDEM_EUNSUPPORTED, "#/oneOf" },
		{ "{\"$defs\": {\"a\": {\"type\": \"null\"}}, \"$ref\": \"#/$defs/a\", "
		  "\"oneOf\": [{\"type\": \"string\"}]}", TANDEM_EUNSUPPORTED, "#/oneOf" },
		{ "{\"oneOf\": [{\"type\": \"string\"}], \"type\": \"string\"}",
		  TANDEM_EUNSUPPORTED, "#/type" },
		{ "{\"oneOf\": []}", TANDEM_EBADINPUT, "#/oneOf" },
		{ "{\"$defs\": {\"a\": {\"oneOf\": [{\"$ref\": \"#/$defs/a\"}, {\"type\": "
		  "\"null\"}]}}, \"$ref\": \"#/$defs/a\"}", TANDEM_EUNSUPPORTED, "#/$defs/a/oneOf" },
		{ "{\"allOf\": [{\"type\": \"object\"}]}", TANDEM_EUNSUPPORTED, "#/allOf" },
		{ "{\"not\": {\"type\": \"string\"}}", TANDEM_EUNSUPPORTED, "#/not" },
		{ "{\"if\": true, \"then\": true}", TANDEM_EUNSUPPORTED, "#/if" },
		{ "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"number\", "
		  "\"minimum\": 0, \"const\": 1}}}", TANDEM_EUNSUPPORTED, "#/properties/n/minimum" },
		{ "{\"type\": \"array\", \"items\": {\"type\": \"array\", \"uniqueItems\": true}}",
		  TANDEM_EUNSUPPORTED, "#/items/uniqueItems" },
		{ "{\"type\": \"object\", \"patternProperties\": {}}", TANDEM_EUNSUPPORTED,
		  "#/patternProperties" },
		{ "{\"type\": \"array\", \"uniqueItems\": true}", TANDEM_EUNSUPPORTED,
		  "#/uniqueItems" },
		{ "{\"type\": \"array\", \"prefixItems\": [true]}", TANDEM_EUNSUPPORTED,
		  "#/prefixItems" },
		{ "{\"type\": \"array\", \"items\": [{\"type\": \"string\"}]}", TANDEM_EUNSUPPORTED,
		  "#/items" },
		{ "{\"type\": \"object\", \"properties\": {\"a/b~\": {\"$defs\": {}}}}",
		  TANDEM_EUNSUPPORTED, "#/properties/a~1b~0/$defs" },
		{ "{\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"#/properties/b\"}}}",
		  TANDEM_EUNSUPPORTED, "#/properties/a/$ref" },
		{ "{\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"#/$defs/x\"}}}",
		  TANDEM_EBADINPUT, "#/properties/a/$ref" },
		{ "{\"$defs\": {\"x\": {\"type\": \"string\", \"maxLength\": 3}}, \"type\": "
		  "\"object\", \"properties\": {\"a\": {\"$ref\": \"#/$defs/x\", \"minLength\": 1}}}",
		  TANDEM_EUNSUPPORTED, "#/properties/a/minLength" },
		{ "{\"$defs\": {\"x\": {\"type\": \"string\", \"format\": \"uri\"}}, \"type\": "
		  "\"object\", \"properties\": {\"a\": {\"$ref\": \"#/$defs/x\"}}}",
		  TANDEM_EUNSUPPORTED, "#/$defs/x/format" },
		{ "{\"type\": \"integer\"}", TANDEM_EUNSUPPORTED, "#" },
		{ "true", TANDEM_EUNSUPPORTED, "#" },
		{ "{\"enum\": [\"a\", 1]}", TANDEM_EUNSUPPORTED, "#" },
		{ "{\"anyOf\": [{\"type\": \"string\"}, {\"enum\": [\"a\", null]}]}",
		  TANDEM_EUNSUPPORTED, "#/anyOf/1" },
		{ "{\"anyOf\": [{\"type\": \"object\"}, {\"type\": \"object\", \"required\": "
		  "[\"a\"]}]}", TANDEM_EUNSUPPORTED, "#/anyOf/1" },
		{ "{\"type\": \"object\", \"required\": [\"a\"], \"properties\": {\"a\": false}}",
		  TANDEM_EBADINPUT, "#" },
		{ "{\"type\": \"object\", \"required\": [\"a\"], \"additionalProperties\": false}",
		  TANDEM_EBADINPUT, "#/required" },
		{ "{\"type\": \"object\", \"required\": [\"a\", \"a\"]}", TANDEM_EBADINPUT,
		  "#/required" },
		{ "{\"type\": \"object\", \"properties\": {\"a\": {\"enum\": [{\"x\": 1}]}}}",
		  TANDEM_EUNSUPPORTED, "#/properties/a/enum" },
		{ "{\"type\": \"object\", \"properties\": {\"a\": {\"enum\": []}}}",
		  TANDEM_EBADINPUT, "#/properties/a/enum" },
		{ "{\"type\": \"string\", \"enum\": [\"a\"], \"const\": \"a\"}", TANDEM_EUNSUPPORTED,
		  "#/const" },
		{ "{\"type\": \"strin\"}", TANDEM_EBADINPUT, "#/type" },
		{ "{\"type\": [\"string\", \"string\"]}", TANDEM_EBADINPUT, "#/type" },
		{ "{\"type\": \"string\", \"maxLength\": -1}", TANDEM_EBADINPUT, "#/maxLength" },
		{ "{\"type\": \"string\", \"maxLength\": 2.5}", TANDEM_EBADINPUT, "#/maxLength" },
		{ "{\"type\": \"string\", \"maxLength\": 70000}", TANDEM_ELIMIT, "#/maxLength" },
		{ "{\"type\": \"array\", \"maxItems\": 100000}", TANDEM_ELIMIT, "#/maxItems" },
		{ "{\"type\": \"array\", \"items\": 3}", TANDEM_EBADINPUT, "#/items" },
		{ "{\"$ref\": \"#\"}", TANDEM_EBADINPUT, "#/$ref" },
		{ "{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": \"#/$defs/a\"}}, "
		  "\"type\": \"object\", \"properties\": {\"x\": {\"$ref\": \"#/$defs/a\"}}}",
		  TANDEM_EBADINPUT, "/$ref" },
		{ "{\"$defs\": {\"a\": {\"anyOf\": [{\"$ref\": \"#/$defs/a\"}, {\"type\": "
		  "\"null\"}]}}, \"$ref\": \"#/$defs/a\"}", TANDEM_EUNSUPPORTED, "#/$defs/a/anyOf" },
		/* An object that must hold itself: none fits. */
		{ "{\"type\": \"object\", \"required\": [\"me\"], \"properties\": {\"me\": "
		  "{\"$ref\": \"#\"}}}", TANDEM_EBADINPUT, "#" },
		{ "[\"type\"]", TANDEM_EBADINPUT, "#" },
		{ "{\"type\": \"object\",}", TANDEM_EBADINPUT, NULL },
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct tandem_llm_schema *s = NULL;
		struct tandem_diag d;
		int rc;

		tandem_diag_init(&d, 10);
		rc = compile(bad[i].schema, &d, &s);
		if (rc != bad[i].code)
			FAIL("schema %zu: %s: code %d, expected %d: %s", i, bad[i].schema, rc,
			     bad[i].code, test_findings_text(&d));
		ASSERT(s == NULL);
		ASSERT(d.count >= 1);
		if (bad[i].path != NULL) {
			ASSERT_STR_EQ(d.items[0].rule, "TANDEM-LLM-SCHEMA");
			if (strstr(d.items[0].path, bad[i].path) == NULL)
				FAIL("schema %zu: path %s, expected %s", i, d.items[0].path,
				     bad[i].path);
			ASSERT_STR_CONTAINS(d.items[0].message, d.items[0].path);
		}
		tandem_diag_release(&d);
	}
}

/* Every keyword tandem does not follow is named, not only the first. */
TEST(llm_schema_refused_all)
{
	struct tandem_llm_schema *s = NULL;
	struct tandem_diag d;

	tandem_diag_init(&d, 10);
	ASSERT_EQ(compile("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\", "
			  "\"format\": \"email\"}, \"b\": {\"type\": \"array\", \"contains\": {}}}, "
			  "\"minProperties\": 1}", &d, &s), TANDEM_EUNSUPPORTED);
	ASSERT_EQ(d.count, 3);
	ASSERT_STR_EQ(d.items[0].path, "#/minProperties");
	ASSERT_STR_EQ(d.items[1].path, "#/properties/a/format");
	ASSERT_STR_EQ(d.items[2].path, "#/properties/b/contains");
	ASSERT_STR_CONTAINS(d.items[1].message, "the format \"email\" is not supported");
	tandem_diag_release(&d);
	/* Limits: 65 properties, 65 enum values. */
	static const struct { const char *head, *pre, *post, *tail, *path; } over[] = {
		{ "{\"type\": \"object\", \"properties\": {", "\"p", "\": true", "}}",
		  "#/properties" },
		{ "{\"enum\": [", "\"v", "\"", "]}", "#/enum" },
	};
	char big[4096];
	size_t n;
	for (size_t k = 0; k < 2; k++) {
		n = (size_t)snprintf(big, sizeof big, "%s", over[k].head);
		for (int i = 0; i < 65; i++)
			n += (size_t)snprintf(big + n, sizeof big - n, "%s%s%d%s", i ? ", " : "",
					      over[k].pre, i, over[k].post);
		snprintf(big + n, sizeof big - n, "%s", over[k].tail);
		tandem_diag_init(&d, 10);
		ASSERT_EQ(compile(big, &d, &s), TANDEM_ELIMIT);
		ASSERT_STR_EQ(d.items[0].path, over[k].path);
		tandem_diag_release(&d);
	}
	/* Schemas inside schemas. */
	n = 0;
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "{\"items\": ");
	n += (size_t)snprintf(big + n, sizeof big - n, "true");
	for (int i = 0; i < 40; i++)
		big[n++] = '}';
	big[n] = '\0';
	tandem_diag_init(&d, 10);
	ASSERT_EQ(compile(big, &d, &s), TANDEM_ELIMIT);
	tandem_diag_release(&d);
}

/* Texts against schema: every prefix of good[] accepted, complete only
 * at the end; each of bad[] refused or never complete. */
struct case_ {
	const char *schema;
	const char *good[8];
	const char *bad[12];
};

static const struct case_ cases[] = {
	{ "{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\", \"minLength\": "
	  "1, \"maxLength\": 5}, \"age\": {\"type\": \"integer\"}, \"tags\": {\"type\": \"array\", "
	  "\"items\": {\"type\": \"string\"}, \"maxItems\": 2}}, \"required\": [\"name\", \"age\"], "
	  "\"additionalProperties\": false}",
	  { "{\"name\": \"Ada\", \"age\": 36}", "{\"age\":-7,\"name\":\"\xc3\xa9t\xc3\xa9\"}",
	    "{\"name\": \"a\\u00e9\\n\", \"age\": 0, \"tags\": []}",
	    "{\"tags\": [\"x\", \"\"], \"name\": \"12345\", \"age\": 10}", },
	  { "{\"name\": \"Ada\"}",                          /* missing required */
	    "{\"name\": \"Ada\", \"age\": 36, \"x\": 1}",     /* extra key */
	    "{\"name\": \"Ada\", \"name\": \"Bob\", \"age\": 1}",  /* duplicate */
	    "{\"name\": 3, \"age\": 36}",                   /* wrong type */
	    "{\"name\": \"Ada\", \"age\": 3.5}",            /* integer */
	    "{\"name\": \"Ada\", \"age\": 1e3}",
	    "{\"name\": \"\", \"age\": 1}",                 /* too short */
	    "{\"name\": \"abcdef\", \"age\": 1}",           /* too long */
	    "{\"name\": \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\", \"age\": 1}",
	    "{\"name\": \"a\", \"age\": 1, \"tags\": [\"a\", \"b\", \"c\"]}",  /* too many */
	    "{\"name\": \"a\", \"age\": 1, \"tags\": [1]}",
	    "{\"n\\u0061me\": \"a\", \"age\": 1}", } },
	{ "{\"type\": \"object\", \"properties\": {\"kind\": {\"enum\": [\"invoice\", \"credit "
	  "note\", null, 1.50, 15, true]}, \"ok\": {\"type\": \"boolean\"}, \"c\": {\"const\": "
	  "\"EUR\"}, \"n\": {\"type\": [\"number\", \"null\"]}}, \"required\": [\"kind\"]}",
	  { "{\"kind\": \"invoice\"}", "{\"kind\": null, \"ok\": false, \"c\": \"EUR\"}",
	    "{\"kind\": 1.50, \"extra\": {\"deep\": [1, {}]}}", "{\"kind\": 15}",
	    "{\"kind\": \"credit note\", \"n\": -1.5e-3}", "{\"kind\": true, \"n\": null}", },
	  { "{\"kind\": \"Invoice\"}", "{\"kind\": 1.5}", "{\"kind\": 150}", "{\"kind\": 1}",
	    "{\"kind\": false}", "{\"kind\": \"invoice\", \"c\": \"USD\"}",
	    "{\"kind\": \"invoice\", \"ok\": null}", "{\"kind\": \"invoice\", \"n\": \"1\"}",
	    "{\"kind\": \"invoice\", \"x\": 1, \"x\": 2}", "{}",
	    "{\"kind\": \"invoice\", \"kind\": \"invoice\"}", } },
	{ "{\"$defs\": {\"line\": {\"type\": \"object\", \"properties\": {\"amount\": "
	  "{\"type\": \"string\"}, \"sub\": {\"type\": \"array\", \"items\": {\"$ref\": "
	  "\"#/$defs/line\"}}}, \"required\": [\"amount\"], \"additionalProperties\": false}}, "
	  "\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/line\"}, \"minItems\": 1}",
	  { "[{\"amount\": \"1.00\"}]",
	    "[{\"amount\": \"1\", \"sub\": [{\"amount\": \"2\", \"sub\": []}]}, {\"amount\": \"3\"}]", },
	  { "[]", "[{}]", "[{\"amount\": 1}]", "[{\"amount\": \"1\", \"sub\": [{}]}]",
	    "{\"amount\": \"1\"}", } },
	{ "{\"type\": \"object\", \"properties\": {\"v\": {\"anyOf\": [{\"type\": \"string\", "
	  "\"maxLength\": 2}, {\"type\": \"null\"}, {\"type\": \"array\", \"items\": "
	  "{\"type\": \"integer\"}, \"minItems\": 2}]}}, \"required\": [\"v\"], "
	  "\"additionalProperties\": {\"type\": \"boolean\"}}",
	  { "{\"v\": \"ab\"}", "{\"v\": null, \"w\": true}", "{\"v\": [1, 2, 3]}",
	    "{\"x\": false, \"v\": \"\"}", },
	  { "{\"v\": \"abc\"}", "{\"v\": [1]}", "{\"v\": 1}", "{\"v\": null, \"w\": 1}",
	    "{\"v\": null, \"w\": true, \"w\": false}", "{\"v\": [1, 2.5]}", } },
	/* oneOf of different kinds: exactly one fits whenever one does. */
	{ "{\"type\": \"object\", \"properties\": {\"v\": {\"oneOf\": [{\"type\": \"string\", "
	  "\"maxLength\": 2}, {\"type\": \"null\"}, {\"type\": \"array\", \"items\": "
	  "{\"type\": \"integer\"}, \"minItems\": 2}]}}, \"required\": [\"v\"], "
	  "\"additionalProperties\": false}",
	  { "{\"v\": \"ab\"}", "{\"v\": null}", "{\"v\": [1, 2, 3]}", "{\"v\": \"\"}", },
	  { "{\"v\": \"abc\"}", "{\"v\": [1]}", "{\"v\": 1}", "{\"v\": true}",
	    "{\"v\": [1, 2.5]}", "{\"v\": null, \"w\": 1}", "{}", } },
	{ "{\"enum\": [\"red\", \"green\", \"re\"]}",
	  { "\"red\"", "\"re\"", "\"green\"", },
	  { "\"r\"", "\"blue\"", "red", "\"red\" ", } },
	{ "{\"type\": [\"object\", \"array\", \"string\", \"boolean\", \"null\"]}",
	  { "{\"a\": [1, true, null, \"x\"]}", "[]", "\"s\"", "null", },
	  { "{\"a\": 1, \"a\": 2}", "{\"a\" 1}", "[1,]", "\"\\ud800\"", } },
};

TEST(llm_schema_instances)
{
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct tandem_llm_schema *s = NULL;
		struct tandem_diag d;
		bool complete = false;

		tandem_diag_init(&d, 10);
		if (compile(cases[c].schema, &d, &s) != 0)
			FAIL("case %zu: %s", c, test_findings_text(&d));
		for (size_t i = 0; i < 8 && cases[c].good[i] != NULL; i++) {
			const char *t = cases[c].good[i];
			size_t n = strlen(t);

			for (size_t k = 0; k < n; k++) {
				if (!tandem_llm_json_schema_check(s, t, k, &complete) || complete)
					FAIL("case %zu: %s: prefix of %zu bytes refused or complete",
					     c, t, k);
			}
			if (!tandem_llm_json_schema_check(s, t, n, &complete) || !complete)
				FAIL("case %zu: %s refused or not complete", c, t);
		}
		for (size_t i = 0; i < 12 && cases[c].bad[i] != NULL; i++) {
			const char *t = cases[c].bad[i];

			if (tandem_llm_json_schema_check(s, t, strlen(t), &complete) && complete)
				FAIL("case %zu: %s accepted", c, t);
		}
		tandem_llm_schema_free(s);
		tandem_diag_release(&d);
	}
}

/* Where a schema leaves one way only, only that way is open. */
static bool check(const struct tandem_llm_schema *s, const char *text, bool *complete)
{
	return tandem_llm_json_schema_check(s, text, strlen(text), complete);
}

TEST(llm_schema_no_early_close)
{
	struct tandem_llm_schema *s = NULL;
	struct tandem_diag d;
	bool complete = false;

	tandem_diag_init(&d, 10);
	ASSERT_EQ(compile("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\", "
			  "\"maxLength\": 1}, \"b\": {\"type\": \"array\", \"minItems\": 1, "
			  "\"maxItems\": 1}}, \"required\": [\"a\", \"b\"], "
			  "\"additionalProperties\": false}", &d, &s), 0);
	/* '}' before the required keys; ',' when no key is left; a second item. */
	ASSERT(!check(s, "{}", &complete));
	ASSERT(!check(s, "{\"a\": \"x\"}", &complete));
	ASSERT(check(s, "{\"a\": \"x\",", &complete));
	ASSERT(!check(s, "{\"a\": \"xy", &complete));
	ASSERT(!check(s, "{\"a\": \"x\", \"b\": []", &complete));
	ASSERT(!check(s, "{\"a\": \"x\", \"b\": [1,", &complete));
	ASSERT(!check(s, "{\"a\": \"x\", \"b\": [1]\n,", &complete));
	ASSERT(!check(s, "{\"a\": \"x\", \"a", &complete));
	ASSERT(check(s, "{\"a\": \"x\", \"b\": [1]}", &complete));
	ASSERT(complete);
	tandem_llm_schema_free(s);
	tandem_diag_release(&d);
}
