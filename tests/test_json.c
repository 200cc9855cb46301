/*
 * tests/test_json.c - the JSON reader and the writer in Python's form
 * (tandem/json.h): what json.loads takes and refuses, the limits, and the
 * bytes json.dumps(ensure_ascii=False) writes for the same values, with
 * and without indent (the expected texts are Python 3's).
 */
#include <string.h>

#include "tandem/error.h"
#include "tandem/json.h"
#include "test.h"

/* text parsed and written back; "" when refused (code in *rc). */
static const char *py(const char *text, size_t len, int *rc)
{
	static char out[1u << 20];
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_json *v = NULL;
	struct tandem_buf b;

	tandem_arena_init(&a, 1u << 24);
	tandem_diag_init(&d, 10);
	tandem_buf_init(&b, sizeof out - 1);
	*rc = tandem_json_parse(text, len, &a, &v, &d);
	out[0] = '\0';
	if (*rc == 0) {
		ASSERT(v != NULL);
		ASSERT_EQ(d.count, 0);
		ASSERT_EQ(tandem_json_write_py(v, &b), 0);
		memcpy(out, b.data, b.len + 1);
	} else {
		ASSERT(v == NULL);
		ASSERT_EQ(d.count, 1);
		ASSERT_STR_EQ(d.items[0].rule, "TANDEM-JSON");
	}
	tandem_buf_release(&b);
	tandem_diag_release(&d);
	tandem_arena_release(&a);
	return out;
}

static void same(const char *text, const char *want)
{
	int rc;
	const char *got = py(text, strlen(text), &rc);

	if (rc != 0)
		FAIL("%s refused (%d)", text, rc);
	ASSERT_STR_EQ(got, want);
}

static void refused(const char *text, size_t len, int code)
{
	int rc;

	(void)py(text, len, &rc);
	if (rc != code)
		FAIL("%.*s: %d, not %d", (int)len, text, rc, code);
}

/* text parsed and written back with indent. */
static void same_indented(const char *text, unsigned indent, const char *want)
{
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_json *v = NULL;
	struct tandem_buf b;

	tandem_arena_init(&a, 1u << 24);
	tandem_diag_init(&d, 10);
	tandem_buf_init(&b, 1u << 20);
	ASSERT_EQ(tandem_json_parse(text, strlen(text), &a, &v, &d), 0);
	ASSERT_EQ(tandem_json_write_py_indent(v, indent, &b), 0);
	ASSERT_STR_EQ(b.data, want);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
	tandem_arena_release(&a);
}

/* json.dumps(v, ensure_ascii=False, indent=n). */
TEST(json_python_indent)
{
	same_indented("{\"a\": [], \"b\": {}, \"c\": [1, {\"d\": null}], \"e\": \"\u00e9\"}", 4,
		      "{\n    \"a\": [],\n    \"b\": {},\n    \"c\": [\n        1,\n"
		      "        {\n            \"d\": null\n        }\n    ],\n"
		      "    \"e\": \"\xc3\xa9\"\n}");
	same_indented("[1, 2.50]", 0, "[\n1,\n2.5\n]");
	same_indented("[[]]", 2, "[\n  []\n]");
	same_indented("\"x\"", 4, "\"x\"");
}

TEST(json_python_form)
{
	same("{\"a\":1,\"b\":[true,false,null],\"c\":{}}",
	     "{\"a\": 1, \"b\": [true, false, null], \"c\": {}}");
	same(" [ ] ", "[]");
	same("\n{ \"x\" : [ 1 , 2 ] }\r\n\t", "{\"x\": [1, 2]}");
	/* Keys keep their order; a key twice: its first place, its last value. */
	same("{\"z\":1,\"a\":2,\"z\":3}", "{\"z\": 3, \"a\": 2}");
	/* Strings: only quotes, backslashes and controls escaped. */
	same("\"a\\/b\\u00e9\\u20ac\\ud83d\\ude00\\\"\\\\\"",
	     "\"a/b\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\\\"\\\\\"");
	same("\"\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f \"", "\"\\n\\r\\t\\b\\f\\u0001\\u001f\x7f \"");
	same("\"\\u0000x\"", "\"\\u0000x\"");
	same("\"\xe2\x80\xa8\"", "\"\xe2\x80\xa8\"");
	/* Integers as written; -0 is 0 to Python's int. */
	same("[0, -0, 5, -12, 123456789012345678901234567890]",
	     "[0, 0, 5, -12, 123456789012345678901234567890]");
	/* Floats as Python's repr of the double. */
	same("[1.0, 1.50, -2.5e0, 1e5, 1E+16, 1e16, 1e15, 0.0001, 0.00001, 1.5e-7]",
	     "[1.0, 1.5, -2.5, 100000.0, 1e+16, 1e+16, 1000000000000000.0, 0.0001, 1e-05, "
	     "1.5e-07]");
	same("[0.1, 0.30000000000000004, 3.141592653589793, 1e400, -1e400, 1e-400, -0.0, 0.0]",
	     "[0.1, 0.30000000000000004, 3.141592653589793, Infinity, -Infinity, 0.0, -0.0, 0.0]");
	same("[123456789012345678.0, 1.7976931348623157e308, 5e-324, 22.0, 9007199254740993.0]",
	     "[1.2345678901234568e+17, 1.7976931348623157e+308, 5e-324, 22.0, "
	     "9007199254740992.0]");
	same("[NaN, Infinity, -Infinity]", "[NaN, Infinity, -Infinity]");
	same("\"x\"", "\"x\"");
	same("22", "22");
}

TEST(json_refused)
{
	static const char *const bad[] = {
		"", " ", "[", "]", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "[1 2]", "01", "1.",
		"1e", "-", "+1", ".5", "tru", "nul", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\u12g4\"",
		"\"a\tb\"", "\"a\nb\"", "[1] x", "{} {}", "'a'", "\xef\xbb\xbf{}", "nan", "inf",
		"\"\\", "[\"a\\\"]", "Infinit", "-Inf",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refused(bad[i], strlen(bad[i]), TANDEM_EBADINPUT);
	refused("\"\xc3(\"", 4, TANDEM_EBADINPUT);
	refused("\"\xed\xa0\x80\"", 5, TANDEM_EBADINPUT);
	refused("[1]\0", 4, TANDEM_EBADINPUT);
	/* Where Python would read on: a lone surrogate, the limits. */
	refused("\"\\ud800\"", 8, TANDEM_EUNSUPPORTED);
	refused("\"\\ud800\\u0041\"", 14, TANDEM_EUNSUPPORTED);
	refused("\"\\udc00\"", 8, TANDEM_EUNSUPPORTED);

	static char deep[2 * TANDEM_JSON_DEPTH_MAX + 4];
	memset(deep, '[', TANDEM_JSON_DEPTH_MAX);
	memset(deep + TANDEM_JSON_DEPTH_MAX, ']', TANDEM_JSON_DEPTH_MAX);
	int rc;
	(void)py(deep, 2 * TANDEM_JSON_DEPTH_MAX, &rc);
	ASSERT_EQ(rc, 0);
	memmove(deep + 1, deep, 2 * TANDEM_JSON_DEPTH_MAX);
	deep[0] = '[';
	deep[2 * TANDEM_JSON_DEPTH_MAX + 1] = ']';
	refused(deep, 2 * TANDEM_JSON_DEPTH_MAX + 2, TANDEM_ELIMIT);

	char number[TANDEM_JSON_NUMBER_MAX + 2];
	memset(number, '7', sizeof number);
	refused(number, sizeof number, TANDEM_ELIMIT);
	(void)py(number, TANDEM_JSON_NUMBER_MAX, &rc);
	ASSERT_EQ(rc, 0);
	refused("[]", TANDEM_JSON_TEXT_MAX + 1, TANDEM_ELIMIT);

	/* An object of too many members; an array of too many elements. */
	size_t cap = 16 * (TANDEM_JSON_MEMBERS_MAX + 1) + 2 * TANDEM_JSON_ITEMS_MAX + 16;
	char *big = malloc(cap);
	size_t n = 0;
	ASSERT(big != NULL);
	big[n++] = '{';
	for (unsigned i = 0; i <= TANDEM_JSON_MEMBERS_MAX; i++)
		n += (size_t)snprintf(big + n, cap - n, "%s\"%u\":0", i ? "," : "", i);
	big[n++] = '}';
	refused(big, n, TANDEM_ELIMIT);
	n = 0;
	big[n++] = '[';
	for (unsigned i = 0; i <= TANDEM_JSON_ITEMS_MAX; i++) {
		if (i > 0)
			big[n++] = ',';
		big[n++] = '0';
	}
	big[n++] = ']';
	refused(big, n, TANDEM_ELIMIT);
	big[n - 3] = ']';     /* one element fewer: exactly the limit */
	(void)py(big, n - 2, &rc);
	ASSERT_EQ(rc, 0);
	free(big);
}

TEST(json_tree)
{
	static const char text[] = "{\"name\":\"f\",\"args\":{\"a\":[1,\"x\"]},\"name\":\"g\"}";
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_json *v;
	const struct tandem_json *x;

	tandem_arena_init(&a, 1u << 20);
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_json_parse(text, sizeof text - 1, &a, &v, &d), 0);
	ASSERT_EQ(v->type, TANDEM_JSON_OBJECT);
	ASSERT_EQ(v->n, 2);
	x = tandem_json_get(v, "name");
	ASSERT(x != NULL && x->type == TANDEM_JSON_STRING);
	ASSERT_STR_EQ(x->u.s, "g");
	x = tandem_json_get(tandem_json_get(v, "args"), "a");
	ASSERT(x != NULL && x->type == TANDEM_JSON_ARRAY && x->n == 2);
	ASSERT_EQ(x->u.items[0].type, TANDEM_JSON_NUMBER);
	ASSERT_STR_EQ(x->u.items[1].u.s, "x");
	ASSERT(tandem_json_get(v, "none") == NULL);
	ASSERT(tandem_json_get(x, "a") == NULL);
	ASSERT_EQ(tandem_json_parse("[1,}", 4, &a, &v, &d), TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(d.items[0].message, "at byte 3");
	tandem_diag_release(&d);
	tandem_arena_release(&a);
}
