/*
 * tests/test_llm_schema_gen.c - generation under a JSON Schema constraint
 * with random logits over the 32,000-token vocabulary of
 * ggml-vocab-llama-spm.gguf: whatever is drawn, some token is always left,
 * and the text that ends is an instance of the schema, as a validator
 * written here from the specification's words (on tandem_json's tree, not
 * on the automaton) says. Prints the time the mask takes per token.
 */
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tandem/arena.h"
#include "tandem/buf.h"
#include "tandem/error.h"
#include "tandem/gguf.h"
#include "tandem/json.h"
#include "tandem/llm.h"
#include "tandem/tokenizer.h"
#include "test.h"
#include "tok_helpers.h"

static const char *const schemas[] = {
	("{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\", \"minLength\": "
	 "1, \"maxLength\": 12}, \"age\": {\"type\": \"integer\"}, \"tags\": {\"type\": \"array\", "
	 "\"items\": {\"type\": \"string\", \"maxLength\": 4}, \"maxItems\": 3}}, \"required\": "
	 "[\"name\", \"age\"], \"additionalProperties\": false}"),
	("{\"type\": \"object\", \"properties\": {\"kind\": {\"enum\": [\"invoice\", \"credit "
	 "note\", null, 1.50, 15, true]}, \"ok\": {\"type\": \"boolean\"}, \"c\": {\"const\": "
	 "\"EUR\"}, \"n\": {\"type\": [\"number\", \"null\"]}}, \"required\": [\"kind\", \"c\"]}"),
	("{\"$defs\": {\"line\": {\"type\": \"object\", \"properties\": {\"amount\": "
	 "{\"type\": \"string\", \"maxLength\": 8}, \"sub\": {\"type\": \"array\", \"items\": "
	 "{\"$ref\": \"#/$defs/line\"}, \"maxItems\": 2}}, \"required\": [\"amount\"], "
	 "\"additionalProperties\": false}}, \"type\": \"array\", \"items\": "
	 "{\"$ref\": \"#/$defs/line\"}, \"minItems\": 2, \"maxItems\": 4}"),
	("{\"type\": \"object\", \"properties\": {\"v\": {\"anyOf\": [{\"type\": \"string\", "
	 "\"maxLength\": 2}, {\"type\": \"null\"}, {\"type\": \"array\", \"items\": "
	 "{\"type\": \"integer\"}, \"minItems\": 2}]}}, \"required\": [\"v\"], "
	 "\"additionalProperties\": {\"type\": \"boolean\"}}"),
	("{\"type\": \"object\", \"required\": [\"a\", \"b c\", \"q\\\"\"], \"properties\": "
	 "{\"a\": {\"type\": \"object\"}, \"ab\": {\"type\": \"string\", \"minLength\": 3}}}"),
	("{\"type\": \"object\", \"properties\": {\"siret\": {\"type\": \"string\", "
	 "\"pattern\": \"^[0-9]{14}$\"}, \"iban\": {\"type\": \"string\", \"pattern\": "
	 "\"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$\"}, \"due\": {\"type\": \"string\", \"format\": "
	 "\"date\"}, \"vat\": {\"type\": \"string\", \"pattern\": \"^(S|Z|E|AE|K)$\"}, "
	 "\"ref\": {\"type\": \"string\", \"pattern\": \"^[A-Z][a-z0-9 ]*$\"}, \"qty\": "
	 "{\"type\": \"integer\", \"minimum\": -20, \"exclusiveMaximum\": 250}, \"rate\": "
	 "{\"type\": \"number\", \"exclusiveMinimum\": -0.5, \"maximum\": 19.6}, \"eps\": "
	 "{\"type\": \"number\", \"minimum\": 0.0001, \"exclusiveMaximum\": 0.00025}}, "
	 "\"required\": [\"siret\", \"iban\", \"due\", \"vat\", \"ref\", \"qty\", \"rate\", "
	 "\"eps\"], \"additionalProperties\": false}"),
	("{\"type\": \"object\", \"properties\": {\"price\": {\"type\": \"number\", "
	 "\"multipleOf\": 0.05, \"minimum\": 0, \"maximum\": 999.99}, \"pack\": {\"type\": "
	 "\"integer\", \"multipleOf\": 6, \"exclusiveMinimum\": 0}, \"share\": {\"type\": "
	 "\"number\", \"multipleOf\": 0.3, \"minimum\": -1, \"maximum\": 1}, \"big\": "
	 "{\"type\": \"integer\", \"multipleOf\": 7}, \"code\": {\"type\": \"string\", "
	 "\"pattern\": \"^[A-Z]{2}[0-9]+$\", \"minLength\": 4, \"maxLength\": 6}, \"word\": "
	 "{\"type\": \"string\", \"pattern\": \"b+c\", \"maxLength\": 4}}, \"required\": "
	 "[\"price\", \"pack\", \"share\", \"big\", \"code\", \"word\"], "
	 "\"additionalProperties\": false}"),
};

static bool valid(const struct tandem_json *root, const struct tandem_json *s,
		  const struct tandem_json *v, int depth);

static bool same_scalar(const struct tandem_json *a, const struct tandem_json *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == TANDEM_JSON_STRING || a->type == TANDEM_JSON_NUMBER)
		return a->n == b->n && memcmp(a->u.s, b->u.s, a->n) == 0;
	return true;
}

static bool of_type(const struct tandem_json *t, const struct tandem_json *v)
{
	static const char *const names[] = { "null", "boolean", "boolean", "number", "string",
					     "array", "object" };

	if (t->type == TANDEM_JSON_ARRAY) {
		for (size_t i = 0; i < t->n; i++)
			if (of_type(&t->u.items[i], v))
				return true;
		return false;
	}
	if (strcmp(t->u.s, "integer") == 0)
		return v->type == TANDEM_JSON_NUMBER && strpbrk(v->u.s, ".eE") == NULL;
	return strcmp(t->u.s, names[v->type]) == 0;
}

static size_t count(const struct tandem_json *s, const char *kw, size_t none)
{
	const struct tandem_json *x = tandem_json_get(s, kw);

	return x == NULL ? none : (size_t)strtoul(x->u.s, NULL, 10);
}

static bool valid_object(const struct tandem_json *root, const struct tandem_json *s,
			 const struct tandem_json *v, int depth)
{
	const struct tandem_json *props = tandem_json_get(s, "properties");
	const struct tandem_json *req = tandem_json_get(s, "required");
	const struct tandem_json *add = tandem_json_get(s, "additionalProperties");

	for (size_t i = 0; i < v->n; i++) {
		const struct tandem_json *p = props != NULL ? tandem_json_get(props,
								v->u.members[i].key) : NULL;
		const struct tandem_json *sub = p != NULL ? p : add;

		if (sub != NULL && !valid(root, sub, &v->u.members[i].value, depth + 1))
			return false;
	}
	for (size_t i = 0; req != NULL && i < req->n; i++)
		if (tandem_json_get(v, req->u.items[i].u.s) == NULL)
			return false;
	return true;
}

/* JSON Schema's rules for the keywords the schemas above use. */
/* POSIX extended expressions read the test's patterns as ECMA-262 does. */
static bool pattern_matches(const char *pattern, const struct tandem_json *v)
{
	regex_t re;

	ASSERT_EQ(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	bool m = strlen(v->u.s) == v->n && regexec(&re, v->u.s, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

/* RFC 3339 full-date: YYYY-MM-DD, a day its month has in that year. */
static bool is_date(const struct tandem_json *v)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	char end;

	if (v->n != 10 || v->u.s[4] != '-' || v->u.s[7] != '-' ||
	    sscanf(v->u.s, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

__extension__ typedef __int128 wide;

/* A decimal without exponent as digits (*digits) and digits after the point. */
static void decimal_of(const char *t, wide *digits, int *frac)
{
	bool point = false;

	*digits = 0;
	*frac = 0;
	for (; *t != '\0' && *t != 'e' && *t != 'E'; t++) {
		if (*t == '.')
			point = true;
		else if (*t >= '0' && *t <= '9') {
			*digits = *digits * 10 + (*t - '0');
			*frac += point;
		}
	}
}

/* multipleOf, exactly: a number written without exponent, a step of at
 * most 12 digits after the point. */
static bool multiple_of(const struct tandem_json *step, const struct tandem_json *v)
{
	wide a, b;
	int fa, fb;

	if (strpbrk(v->u.s, "eE") != NULL)
		return false; /* a number with a step is written without one */
	decimal_of(v->u.s, &a, &fa);
	decimal_of(step->u.s, &b, &fb);
	for (; fa < fb; fa++)
		a *= 10;
	for (; fb < fa; fb++)
		b *= 10;
	return b != 0 && a % b == 0;
}

/* minimum, maximum and their exclusive forms, on the number's value;
 * multipleOf. */
static bool within_bounds(const struct tandem_json *s, const struct tandem_json *v)
{
	const struct tandem_json *step = tandem_json_get(s, "multipleOf");

	if (step != NULL && !multiple_of(step, v))
		return false;
	static const char *const kws[] = {"minimum", "exclusiveMinimum", "maximum",
					  "exclusiveMaximum"};
	double x = strtod(v->u.s, NULL);

	for (int k = 0; k < 4; k++) {
		const struct tandem_json *b = tandem_json_get(s, kws[k]);
		double lim = b != NULL ? strtod(b->u.s, NULL) : 0;
		if (b != NULL && (k == 0 ? x < lim : k == 1 ? x <= lim : k == 2 ? x > lim : x >= lim))
			return false;
	}
	return true;
}

static bool valid(const struct tandem_json *root, const struct tandem_json *s,
		  const struct tandem_json *v, int depth)
{
	const struct tandem_json *x;
	bool any = false;

	if (depth > 64 || s->type == TANDEM_JSON_FALSE)
		return false;
	if (s->type == TANDEM_JSON_TRUE)
		return true;
	if ((x = tandem_json_get(s, "$ref")) != NULL)
		return valid(root, tandem_json_get(tandem_json_get(root, "$defs"),
						   x->u.s + strlen("#/$defs/")), v, depth + 1);
	if ((x = tandem_json_get(s, "anyOf")) != NULL) {
		for (size_t i = 0; i < x->n; i++)
			any |= valid(root, &x->u.items[i], v, depth + 1);
		return any;
	}
	if ((x = tandem_json_get(s, "type")) != NULL && !of_type(x, v))
		return false;
	if ((x = tandem_json_get(s, "const")) != NULL && !same_scalar(x, v))
		return false;
	if ((x = tandem_json_get(s, "enum")) != NULL) {
		for (size_t i = 0; i < x->n; i++)
			any |= same_scalar(&x->u.items[i], v);
		if (!any)
			return false;
	}
	if (v->type == TANDEM_JSON_STRING && (x = tandem_json_get(s, "pattern")) != NULL &&
	    !pattern_matches(x->u.s, v))
		return false;
	if (v->type == TANDEM_JSON_STRING && tandem_json_get(s, "format") != NULL &&
	    !is_date(v))
		return false;
	if (v->type == TANDEM_JSON_NUMBER && !within_bounds(s, v))
		return false;
	if (v->type == TANDEM_JSON_STRING) {
		size_t chars = 0;

		for (size_t i = 0; i < v->n; i++)
			chars += ((unsigned char)v->u.s[i] & 0xC0) != 0x80;
		return chars >= count(s, "minLength", 0) && chars <= count(s, "maxLength", SIZE_MAX);
	}
	if (v->type == TANDEM_JSON_ARRAY) {
		if (v->n < count(s, "minItems", 0) || v->n > count(s, "maxItems", SIZE_MAX))
			return false;
		x = tandem_json_get(s, "items");
		for (size_t i = 0; x != NULL && i < v->n; i++)
			if (!valid(root, x, &v->u.items[i], depth + 1))
				return false;
		return true;
	}
	return v->type != TANDEM_JSON_OBJECT || valid_object(root, s, v, depth);
}

/* Members in the tree (a key twice is one member there). */
static size_t members(const struct tandem_json *v)
{
	size_t n = v->type == TANDEM_JSON_OBJECT ? v->n : 0;

	for (size_t i = 0; v->type == TANDEM_JSON_OBJECT && i < v->n; i++)
		n += members(&v->u.members[i].value);
	for (size_t i = 0; v->type == TANDEM_JSON_ARRAY && i < v->n; i++)
		n += members(&v->u.items[i]);
	return n;
}

/* Colons outside strings: every member written, a key twice counted twice. */
static size_t colons(const char *t, size_t n)
{
	size_t k = 0;
	bool in = false;

	for (size_t i = 0; i < n; i++) {
		if (in && t[i] == '\\')
			i++;
		else if (t[i] == '"')
			in = !in;
		else if (!in && t[i] == ':')
			k++;
	}
	return k;
}

static void check_instance(const char *schema, const char *text, size_t len)
{
	struct tandem_arena a;
	struct tandem_json *s = NULL, *v = NULL;
	struct tandem_diag d;

	tandem_arena_init(&a, 1u << 24);
	tandem_diag_init(&d, 4);
	ASSERT_EQ(tandem_json_parse(schema, strlen(schema), &a, &s, &d), 0);
	if (tandem_json_parse(text, len, &a, &v, &d) != 0)
		FAIL("not JSON: %s: %.*s", test_findings_text(&d), (int)len, text);
	if (!valid(s, s, v, 0) || colons(text, len) != members(v))
		FAIL("not an instance of %s: %.*s", schema, (int)len, text);
	tandem_diag_release(&d);
	tandem_arena_release(&a);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The mask (shared prefixes, lengths of plain text) against the
 * automaton run on the text and each token's bytes, token by token. */
static void same_as_check(const struct tandem_tok *t, const char *schema,
			  const struct tandem_buf *text, const float *logits, size_t n)
{
	struct tandem_llm_schema *s = NULL;
	struct tandem_diag d;
	struct tandem_buf b;

	tandem_diag_init(&d, 4);
	tandem_buf_init(&b, 1u << 20);
	ASSERT_EQ(tandem_llm_schema_new(schema, strlen(schema), &d, &s), 0);
	for (size_t i = 0; i < n; i++) {
		int32_t id = (int32_t)i;
		bool complete, ok;
		size_t was;

		tandem_buf_reset(&b);
		ASSERT_EQ(tandem_buf_append(&b, text->data, text->len), 0);
		was = b.len;
		ok = tandem_tok_decode(t, &id, 1, TANDEM_TOK_MIDSTREAM, &b) == 0 && b.len > was &&
		     memchr(b.data + was, '\0', b.len - was) == NULL &&
		     tandem_llm_json_schema_check(s, b.data, b.len, &complete);
		if (ok != (bool)isfinite(logits[i]))
			FAIL("token %zu (%s) after %s: the mask says %d", i, b.data + was,
			     text->data, !ok);
	}
	tandem_llm_schema_free(s);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

TEST(llm_schema_constrained_draws)
{
	struct tandem_gguf *g = NULL;
	struct tandem_tok *t = tok_open_vocab("ggml-vocab-llama-spm.gguf", &g);
	struct tandem_llm_json *j = NULL;
	struct tandem_diag d;
	struct tandem_buf text;
	double mask_s = 0;
	size_t masks = 0;

	if (t == NULL)
		SKIP("../shared/data/llm is missing");
	tandem_diag_init(&d, 10);
	size_t n = tandem_tok_vocab_size(t);
	ASSERT_EQ(n, 32000);
	float *logits = malloc(n * sizeof *logits);
	tandem_buf_init(&text, 1u << 20);
	for (size_t sc = 0; sc < sizeof schemas / sizeof schemas[0]; sc++) {
		for (uint64_t seed = 1; seed <= 6; seed++) {
			uint64_t x = seed * 0x9E3779B97F4A7C15u;

			if (tandem_llm_json_new_schema(t, schemas[sc], strlen(schemas[sc]), &d, &j))
				FAIL("schema %zu: %s", sc, test_findings_text(&d));
			tandem_buf_reset(&text);
			for (int step = 0; step < 600 && !tandem_llm_json_done(j); step++) {
				/* After a while, closing wins. */
				tok_random_logits(t, logits, n, &x, step >= 60);
				double t0 = now_s();
				tandem_llm_json_mask(j, logits);
				mask_s += now_s() - t0;
				masks++;
				if (seed == 1 && step % 16 == 0)
					same_as_check(t, schemas[sc], &text, logits, n);
				int32_t id = tandem_llm_argmax(logits, n);
				/* Never a dead end: a token is always left. */
				ASSERT(isfinite(logits[id]));
				ASSERT_EQ(tandem_llm_json_accept(j, id), 0);
				ASSERT_EQ(tandem_tok_decode(t, &id, 1, TANDEM_TOK_MIDSTREAM, &text),
					  0);
			}
			if (!tandem_llm_json_done(j))
				FAIL("schema %zu seed %d: not done: %s", sc, (int)seed, text.data);
			check_instance(schemas[sc], text.data, text.len);
			for (size_t i = 0; i < n; i++)
				logits[i] = 1;
			tandem_llm_json_mask(j, logits);
			ASSERT_EQ(tandem_llm_argmax(logits, n), tandem_tok_eos(t));
			tandem_llm_json_free(j);
			if (seed == 1)
				printf("  schema %zu: %s\n", sc, text.data);
		}
	}
	printf("  mask over %zu tokens: %.1f us per token (%zu masks)\n", n,
	       mask_s / (double)masks * 1e6, masks);
	tandem_buf_release(&text);
	free(logits);
	tandem_tok_free(t);
	tandem_gguf_close(g);
	tandem_diag_release(&d);
}

/* tandem llm run --json-schema: the output is an instance; a schema with a
 * keyword outside the subset is refused (exit 1) with the keyword's path;
 * a file that cannot be read is an I/O error (exit 3). */
TEST(cli_llm_run_schema)
{
	char model[4096], dir[] = "/tmp/tandem-llm-schema-XXXXXX", good[128], bad[128];
	const char *schema = schemas[0];

	if (!test_shared_file(model, sizeof model, "llm/models/stories260K-F32.gguf"))
		SKIP("../shared/data/llm is missing");
	ASSERT(mkdtemp(dir) != NULL);
	snprintf(good, sizeof good, "%s/good.json", dir);
	snprintf(bad, sizeof bad, "%s/bad.json", dir);
	test_write_file(good, schema);
	test_write_file(bad, "{\"type\": \"object\", \"properties\": {\"id\": {\"type\": "
			"\"string\", \"allOf\": [{\"maxLength\": 3}]}}}");
	const char *prompt = "Once upon a time";
	char *out = test_cli_expect((const char *const[]){"llm", "run", "-m", model, "-p", prompt,
							  "-n", "400", "--json-schema", good, NULL},
				    NULL, 0, NULL, "tokens/s");
	char *err = NULL, *none = NULL;
	int code = test_run_cli((const char *const[]){"llm", "run", "-m", model, "-p", prompt,
						      "--json-schema", bad, NULL}, NULL, &none,
				&err);
	char *missing = test_cli_expect((const char *const[]){"llm", "run", "-m", model, "-p",
							      prompt, "--json-schema", dir, NULL},
					NULL, 3, NULL, NULL);
	remove(good);
	remove(bad);
	rmdir(dir);
	/* The line the tool ends with. */
	ASSERT(strlen(out) > 0 && out[strlen(out) - 1] == '\n');
	check_instance(schema, out, strlen(out) - 1);
	ASSERT_EQ(code, 1);
	ASSERT_STR_CONTAINS(err, "#/properties/id/allOf: the keyword \"allOf\" is not "
			    "supported");
	ASSERT_STR_CONTAINS(err, "the schema is refused");
	ASSERT_STR_EQ(none, "");
	free(out);
	free(err);
	free(none);
	free(missing);
}
