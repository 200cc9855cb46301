/*
 * tests/test_xpath.c - unit tests of the XPath 2.0 evaluator and the ISO
 * Schematron runner of src/schematron/: path expressions over every axis,
 * general and value comparisons of untyped values, exact decimal arithmetic
 * next to xs:double, the string, regular-expression and sequence functions,
 * quantified, for, if and cast expressions, xs:date, dynamic and compile
 * errors; then Schematron rule sets from tests/data/schematron/ (rule
 * order, assert and report, lets, messages, contexts, errors raised by a
 * test, include, abstract rules and files that must not load).
 *
 * Expected values come from the XPath 2.0, XQuery 1.0 and XPath 2.0
 * Functions and Operators and ISO Schematron specifications, checked by hand
 * (and against Saxon where the specification leaves a choice), never from
 * the code under test. A test that documents a known defect of the code
 * says so in a KNOWN BUG comment and still asserts the correct behaviour.
 */
#include <libxml/parser.h>
#include <stdbool.h>
#include <unistd.h>

#include "schematron/schematron.h"
#include "schematron/xp.h"
#include "tandem/arena.h"
#include "tandem/error.h"

#include "test.h"

/* Prototypes of the test functions, from the list the runner also reads. */
#define TEST_DECLARE(name) void test_##name(void);
#include "list_xpath.h"
#undef TEST_DECLARE

/* The committed Schematron fixtures, relative to the project root. */
#define SCH_DATA "tests/data/schematron"

/* Prefixes known to the expressions compiled by these tests. */
static const struct xp_ns test_ns[] = {
	{"p", "urn:p"},
	{NULL, NULL},
};

/*
 * An evaluation fixture: one parsed document, an arena that owns the
 * compiled expressions and the strings the helpers return, and an
 * evaluation context whose focus is the document node unless a test moves
 * it.
 */
struct fx {
	struct tandem_arena arena;
	struct xp_ctx ctx;
	xmlDocPtr doc;
	int next_slot;
	struct xp_focus focus;
	struct xp_names *names; /* NULL: names are not interned */
};

/*
 * Opens a fixture on xml. Mode 0: the document has a name dictionary (so
 * the evaluator builds its element and attribute index) and compiled names
 * are not interned; mode 1: the same with interned, numbered names, as
 * sch_load compiles them; mode 2: no dictionary, so every axis walks the
 * tree and names compare as strings.
 */
static void fx_open_mode(struct fx *fx, const char *xml, int mode)
{
	memset(fx, 0, sizeof *fx);
	tandem_arena_init(&fx->arena, 64u << 20);
	if (xp_ctx_init(&fx->ctx) != 0)
		FAIL("xp_ctx_init failed");
	if (mode == 1 && !(fx->names = calloc(1, sizeof *fx->names)))
		FAIL("out of memory");
	fx->doc = xmlReadMemory(xml, (int)strlen(xml), "t.xml", NULL,
			       XML_PARSE_NONET | (mode == 2 ? XML_PARSE_NODICT : 0));
	if (!fx->doc)
		FAIL("the test document is not well-formed: %s", xml);
	xp_ctx_begin(&fx->ctx, fx->doc);
	fx->focus = (struct xp_focus){
		.item = {.type = XP_NODE, .v.node = (xmlNodePtr)fx->doc},
		.pos = 1,
		.size = 1,
	};
	if (mode == 2 && fx->ctx.dict)
		FAIL("the document of mode 2 has a dictionary");
}

static void fx_open(struct fx *fx, const char *xml)
{
	fx_open_mode(fx, xml, 0);
}

static void fx_close(struct fx *fx)
{
	free(fx->names);
	xmlFreeDoc(fx->doc);
	xp_ctx_release(&fx->ctx);
	xp_regex_release();
	tandem_arena_release(&fx->arena);
}

/* Copies n bytes into the fixture's arena, NUL-terminated. */
static const char *fx_keep(struct fx *fx, const char *p, size_t n)
{
	char *s = tandem_arena_strndup(&fx->arena, p, n);
	if (!s)
		FAIL("out of arena memory");
	return s;
}

/* Compiles text, which must be a valid expression. */
static struct xp_expr *fx_compile(struct fx *fx, const char *text)
{
	struct xp_compiler cc = {
		.arena = &fx->arena,
		.names = fx->names,
		.ns = test_ns,
		.scope = NULL,
		.next_slot = &fx->next_slot,
	};
	struct xp_expr *e = NULL;
	int rc = xp_compile(&cc, text, &e);
	if (rc != 0 || !e)
		FAIL("xp_compile(\"%s\") = %d: %s", text, rc, cc.err);
	return e;
}

/*
 * Compiles text, which must be rejected, and returns the compiler's message
 * (in the arena); *rc receives the status.
 */
static const char *fx_compile_error(struct fx *fx, const char *text, int *rc)
{
	struct xp_compiler cc = {
		.arena = &fx->arena,
		.names = fx->names,
		.ns = test_ns,
		.scope = NULL,
		.next_slot = &fx->next_slot,
	};
	struct xp_expr *e = NULL;
	*rc = xp_compile(&cc, text, &e);
	if (*rc == 0)
		FAIL("xp_compile(\"%s\") succeeded, want an error", text);
	if (e != NULL)
		FAIL("xp_compile(\"%s\") failed but returned an expression", text);
	return fx_keep(fx, cc.err, strlen(cc.err));
}

/* Evaluates text with the fixture's focus; a dynamic error fails the test. */
static struct xp_seq fx_eval(struct fx *fx, const char *text)
{
	struct xp_seq out;
	int rc = xp_eval(&fx->ctx, fx_compile(fx, text), &fx->focus, &out);
	if (rc != 0)
		FAIL("xp_eval(\"%s\") = %d: %s %s", text, rc, fx->ctx.err_code, fx->ctx.err_msg);
	return out;
}

/* The string values of the items of text's value, joined by one space. */
static const char *fx_str(struct fx *fx, const char *text)
{
	struct xp_seq s = fx_eval(fx, text);
	char buf[4096];
	size_t k = 0;

	for (size_t i = 0; i < s.n; i++) {
		const char *p;
		size_t n;
		if (xp_item_string(&fx->ctx, &s.it[i], &p, &n) != 0)
			FAIL("xp_item_string of item %zu of \"%s\" failed", i, text);
		if (k + n + 2 > sizeof buf)
			FAIL("the value of \"%s\" is too long for the test buffer", text);
		if (i)
			buf[k++] = ' ';
		memcpy(buf + k, p, n);
		k += n;
	}
	return fx_keep(fx, buf, k);
}

/*
 * The nodes of text's value, one word each, joined by one space: an element
 * with an id attribute gives the id, another element its name, an
 * attribute "@" and its name, the document node "/". An atomic value fails
 * the test.
 */
static const char *fx_ids(struct fx *fx, const char *text)
{
	struct xp_seq s = fx_eval(fx, text);
	char buf[4096];
	size_t k = 0;

	for (size_t i = 0; i < s.n; i++) {
		char word[128];
		if (s.it[i].type != XP_NODE)
			FAIL("item %zu of \"%s\" is not a node", i, text);
		xmlNodePtr n = s.it[i].v.node;
		xmlChar *id = n->type == XML_ELEMENT_NODE ? xmlGetProp(n, (const xmlChar *)"id")
							  : NULL;
		if (id)
			snprintf(word, sizeof word, "%s", (const char *)id);
		else if (n->type == XML_ATTRIBUTE_NODE)
			snprintf(word, sizeof word, "@%s", (const char *)n->name);
		else if (n->type == XML_DOCUMENT_NODE)
			snprintf(word, sizeof word, "/");
		else
			snprintf(word, sizeof word, "%s", (const char *)n->name);
		xmlFree(id);
		size_t n_word = strlen(word);
		if (k + n_word + 2 > sizeof buf)
			FAIL("the value of \"%s\" is too long for the test buffer", text);
		if (i)
			buf[k++] = ' ';
		memcpy(buf + k, word, n_word);
		k += n_word;
	}
	return fx_keep(fx, buf, k);
}

/* The effective boolean value of text; a dynamic error fails the test. */
static bool fx_bool(struct fx *fx, const char *text)
{
	bool b = false;
	int rc = xp_eval_bool(&fx->ctx, fx_compile(fx, text), &fx->focus, &b);
	if (rc != 0)
		FAIL("xp_eval_bool(\"%s\") = %d: %s %s", text, rc, fx->ctx.err_code,
		     fx->ctx.err_msg);
	return b;
}

/*
 * Evaluates text, which must raise a dynamic error, and returns its XPath
 * error code. The context's error is then cleared, as a caller must before
 * it evaluates anything else.
 */
static const char *fx_error(struct fx *fx, const char *text)
{
	struct xp_seq out;
	int rc = xp_eval(&fx->ctx, fx_compile(fx, text), &fx->focus, &out);
	if (rc == 0)
		FAIL("xp_eval(\"%s\") succeeded, want a dynamic error", text);
	if (rc != TANDEM_EBADINPUT)
		FAIL("xp_eval(\"%s\") = %d, want TANDEM_EBADINPUT", text, rc);
	if (fx->ctx.err == 0)
		FAIL("xp_eval(\"%s\") failed without setting ctx.err", text);
	if (fx->ctx.err_msg[0] == '\0')
		FAIL("xp_eval(\"%s\") failed without a message", text);
	const char *code = fx_keep(fx, fx->ctx.err_code, strlen(fx->ctx.err_code));
	fx->ctx.err = 0;
	return code;
}

/* Moves the focus to the first node selected by text (from the document). */
static void fx_focus(struct fx *fx, const char *text)
{
	fx->focus.item = (struct xp_item){.type = XP_NODE, .v.node = (xmlNodePtr)fx->doc};
	struct xp_seq s = fx_eval(fx, text);
	if (s.n == 0 || s.it[0].type != XP_NODE)
		FAIL("\"%s\" selects no node to focus on", text);
	fx->focus.item = s.it[0];
	fx->focus.pos = 1;
	fx->focus.size = 1;
}

/*
 * The document of the path tests. Every element but the root has an id so
 * that fx_ids() names it; p:b is in namespace urn:p, every other element
 * in no namespace.
 */
static const char path_doc[] =
	"<r xmlns:p='urn:p'>"
	"<a id='a1' n='1'><b id='b1'>x</b><b id='b2'>y</b><c id='c1'/></a>"
	"<a id='a2' n='2'><b id='b3'>z</b><p:b id='pb1'>w</p:b></a>"
	"<d id='d1'><e id='e1'><b id='b4'/></e></d>"
	"</r>";

/* --- paths --- */

TEST(xpath_path_child_attribute_descendant)
{
	struct fx fx;
	fx_open(&fx, path_doc);
	/* Child steps from the document node, relative and absolute. */
	ASSERT_STR_EQ(fx_ids(&fx, "r"), "r");
	ASSERT_STR_EQ(fx_ids(&fx, "r/a"), "a1 a2");
	ASSERT_STR_EQ(fx_ids(&fx, "/r/a/b"), "b1 b2 b3");
	ASSERT_STR_EQ(fx_ids(&fx, "/r/*"), "a1 a2 d1");
	ASSERT_STR_EQ(fx_ids(&fx, "/"), "/");
	/* Attributes: the nodes and their values. */
	ASSERT_STR_EQ(fx_ids(&fx, "/r/a/@n"), "@n @n");
	ASSERT_STR_EQ(fx_str(&fx, "/r/a/@n"), "1 2");
	ASSERT_STR_EQ(fx_str(&fx, "/r/a[2]/attribute::n"), "2");
	ASSERT_STR_EQ(fx_str(&fx, "count(//@*)"), "12");
	/* // selects descendants at any depth, in document order. */
	ASSERT_STR_EQ(fx_ids(&fx, "//b"), "b1 b2 b3 b4");
	ASSERT_STR_EQ(fx_ids(&fx, "/r//e//b"), "b4");
	ASSERT_STR_EQ(fx_ids(&fx, "//d//*"), "e1 b4");
	ASSERT_STR_EQ(fx_ids(&fx, "/descendant::*[@id][1]"), "a1");
	ASSERT_STR_EQ(fx_str(&fx, "count(//node())"), "15");
	/* The string value of an element concatenates its text descendants. */
	ASSERT_STR_EQ(fx_str(&fx, "string(/r/a[1])"), "xy");
	ASSERT_STR_EQ(fx_str(&fx, "string(/)"), "xyzw");
	/* No such child: the empty sequence. */
	ASSERT_STR_EQ(fx_ids(&fx, "/r/zz"), "");
	ASSERT_EQ(fx_bool(&fx, "/r/a/zz"), false);
	fx_close(&fx);
}

/*
 * The element and attribute index, names resolved by number and the tree
 * walks must select the same nodes in the same order: each expression is
 * evaluated in the three modes of fx_open_mode().
 */
TEST(xpath_path_index_and_walk_agree)
{
	static const struct {
		const char *expr;
		const char *want;
	} cases[] = {
		{"string-join(//@id, ' ')", "a1 b1 b2 c1 a2 b3 pb1 d1 e1 b4"},
		{"string-join(//@*, ' ')", "a1 1 b1 b2 c1 a2 2 b3 pb1 d1 e1 b4"},
		{"string-join(//@n, ' ')", "1 2"},
		{"string-join(/r/a[2]//@id, ' ')", "a2 b3 pb1"},
		{"string-join(//a//@id, ' ')", "a1 b1 b2 c1 a2 b3 pb1"},
		{"string-join(//e/..//@id, ' ')", "d1 e1 b4"},
		{"string-join(//@id[. = 'b2' or . = 'e1'], ' ')", "b2 e1"},
		{"count(//@id[1])", "10"},
		{"count(//@id[2])", "0"},
		{"count(//@missing)", "0"},
		{"count(//a/@missing)", "0"},
		{"count(/r/a/@*)", "4"},
		{"string-join(//a/b/@id, ' ')", "b1 b2 b3"},
		{"string-join(/r/*/b/@id, ' ')", "b1 b2 b3"},
		{"string-join(//p:b/@id, ' ')", "pb1"},
		{"string-join(/r/d/e/b/@id, ' ')", "b4"},
		{"string-join(r/a/c/@id, ' ')", "c1"},
		{"count(/r/a/missing/b)", "0"},
		{"count(/r/missing)", "0"},
		{"string-join(//b[@id = 'b4']/ancestor::*/name(), ' ')", "r d e"},
		{"string-join(//b/@id[. = 'b3']/../following-sibling::*/@id, ' ')", "pb1"},
		/* Shared predicates (mode 1) are kept per node: equal ones agree,
		 * ones with variables are not shared. */
		{"count(//b[. = 'x']) + count(/r/a/b[. = 'x'])", "2"},
		{"count(//b[. = 'x'][. = 'x'])", "1"},
		{"string-join(for $v in ('x', 'z', 'q') return string(count(//b[. = $v])), ' ')",
		 "1 1 0"},
		{"string-join(for $v in (1, 2) return string(count(//a[@n = $v]/b)), ' ')", "2 1"},
		{"string-join(//a[b = 'y']/@id, ' ')", "a1"},
		{"string-join(//a[b = 'z']/@id, ' ')", "a2"},
	};
	for (int mode = 0; mode < 3; mode++) {
		struct fx fx;
		fx_open_mode(&fx, path_doc, mode);
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			const char *got = fx_str(&fx, cases[i].expr);
			if (strcmp(got, cases[i].want) != 0)
				FAIL("mode %d: %s = \"%s\", want \"%s\"", mode, cases[i].expr, got,
				     cases[i].want);
		}
		fx_close(&fx);
	}
}

/*
 * xp_eval_bool() decides not(), boolean(), exists(), empty(), and, or and
 * general comparisons without building their value, and exists() of a path
 * stops at the first node: the result must be that of the full value, and a
 * dynamic error met on the way must still be raised.
 */
TEST(xpath_boolean_shortcuts)
{
	static const struct {
		const char *expr;
		bool want;
	} cases[] = {
		{"exists(//a[@n = '2']/b)", true},
		{"empty(//a[@n = '3']/b)", true},
		{"exists(/r/a/b[. = 'z'])", true},
		{"exists(/r/a/b[. = 'q'])", false},
		{"not(//b[. = 'q'])", true},
		{"not(//b[. = 'y'] or //x)", false},
		{"exists(//a[2]/b)", true},
		{"exists(//a[3])", false},
		{"exists(//b[last()][. = 'z'])", true},
		{"exists(/r/a[b = 'y'][c])", true},
		{"exists(/r/a[b = 'y'][p:b])", false},
		{"boolean(/r/a/@n = 2)", true},
		{"/r/a/@n = 3 or /r/d", true},
		{"exists(/r/a/@n[. = '2'])", true},
		{"empty(/r/*[@n][not(b)])", true},
		/* Names the document lacks decide not(), exists() and empty(). */
		{"not(/r/a/missing)", true},
		{"not((/r/a | /r/d)/e/missing)", true},
		{"exists(//missing)", false},
		{"empty(//@missing)", true},
		{"not(missing/b)", true},
		{"not(/r/a/b)", false},
		{"exists(r/d/e/b)", true},
	};
	struct fx fx;
	fx_open(&fx, path_doc);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (fx_bool(&fx, cases[i].expr) != cases[i].want)
			FAIL("%s is not %s", cases[i].expr, cases[i].want ? "true" : "false");
		/* The same through the full value. */
		char full[256];
		snprintf(full, sizeof full, "string(%s)", cases[i].expr);
		ASSERT_STR_EQ(fx_str(&fx, full), cases[i].want ? "true" : "false");
	}
	/* Errors: two b in the first a, a sequence of two atomic values. */
	static const char *const errors[][2] = {
		{"exists(/r/a[xs:decimal(b) > 0])", "XPTY0004"},
		{"not((1, 2))", "FORG0006"},
		{"exists(//a/b) and not((1, 2))", "FORG0006"},
		/* An absent name does not hide an error on the way to it. */
		{"not((1, 2)/missing)", "XPTY0019"},
		{"exists((1, 2)[not(missing)])", "XPTY0020"},
		{"not(/r/a[xs:decimal(b) > 0]/missing)", "XPTY0004"},
	};
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
		bool b = false;
		int rc = xp_eval_bool(&fx.ctx, fx_compile(&fx, errors[i][0]), &fx.focus, &b);
		ASSERT_EQ(rc, TANDEM_EBADINPUT);
		ASSERT_STR_EQ(fx.ctx.err_code, errors[i][1]);
		fx.ctx.err = 0;
	}
	fx_close(&fx);
}

TEST(xpath_path_parent_ancestor)
{
	struct fx fx;
	fx_open(&fx, path_doc);
	fx_focus(&fx, "//c");
	/* .. is the parent; relative paths start at the focus. */
	ASSERT_STR_EQ(fx_ids(&fx, "."), "c1");
	ASSERT_STR_EQ(fx_ids(&fx, ".."), "a1");
	ASSERT_STR_EQ(fx_ids(&fx, "../b"), "b1 b2");
	ASSERT_STR_EQ(fx_ids(&fx, "../.."), "r");
	ASSERT_STR_EQ(fx_ids(&fx, "../../.."), "/");
	ASSERT_STR_EQ(fx_ids(&fx, "parent::a"), "a1");
	ASSERT_STR_EQ(fx_ids(&fx, "parent::b"), "");
	/* An attribute's parent is its element. */
	ASSERT_STR_EQ(fx_ids(&fx, "/r/a[2]/@n/.."), "a2");
	/* ancestor:: is a reverse axis: the result is in document order, but
	 * [1] is the nearest ancestor. */
	fx_focus(&fx, "//b[@id='b4']");
	ASSERT_STR_EQ(fx_ids(&fx, "ancestor::*"), "r d1 e1");
	ASSERT_STR_EQ(fx_ids(&fx, "ancestor::*[1]"), "e1");
	ASSERT_STR_EQ(fx_ids(&fx, "ancestor::*[last()]"), "r");
	ASSERT_STR_EQ(fx_ids(&fx, "ancestor::node()"), "/ r d1 e1");
	ASSERT_STR_EQ(fx_ids(&fx, "ancestor-or-self::*"), "r d1 e1 b4");
	ASSERT_STR_EQ(fx_ids(&fx, "ancestor::d"), "d1");
	/* Parents of several nodes: document order, no duplicates. */
	ASSERT_STR_EQ(fx_ids(&fx, "//b/.."), "a1 a2 e1");
	fx_close(&fx);
}

TEST(xpath_path_preceding_following)
{
	struct fx fx;
	fx_open(&fx, path_doc);
	/* preceding:: excludes the ancestors; its [1] is the nearest node. */
	fx_focus(&fx, "//c");
	ASSERT_STR_EQ(fx_ids(&fx, "preceding::*"), "b1 b2");
	ASSERT_STR_EQ(fx_ids(&fx, "preceding::b[1]"), "b2");
	ASSERT_STR_EQ(fx_ids(&fx, "preceding-sibling::*"), "b1 b2");
	ASSERT_STR_EQ(fx_ids(&fx, "preceding-sibling::*[1]"), "b2");
	ASSERT_STR_EQ(fx_ids(&fx, "following-sibling::*"), "");
	/* following:: excludes the descendants and continues after the parent. */
	ASSERT_STR_EQ(fx_ids(&fx, "following::*"), "a2 b3 pb1 d1 e1 b4");
	fx_focus(&fx, "//d");
	ASSERT_STR_EQ(fx_ids(&fx, "preceding::*"), "a1 b1 b2 c1 a2 b3 pb1");
	ASSERT_STR_EQ(fx_ids(&fx, "preceding::*[2]"), "b3");
	ASSERT_STR_EQ(fx_ids(&fx, "following::*"), "");
	/* following-sibling:: is a forward axis: [1] is the next sibling. */
	fx_focus(&fx, "//b[@id='b1']");
	ASSERT_STR_EQ(fx_ids(&fx, "following-sibling::*"), "b2 c1");
	ASSERT_STR_EQ(fx_ids(&fx, "following-sibling::*[1]"), "b2");
	ASSERT_STR_EQ(fx_ids(&fx, "following-sibling::c"), "c1");
	ASSERT_STR_EQ(fx_ids(&fx, "following-sibling::*[last()]"), "c1");
	/* From an attribute, following:: starts with its element's children. */
	ASSERT_STR_EQ(fx_ids(&fx, "/r/a[1]/@n/following::*[1]"), "b1");
	ASSERT_STR_EQ(fx_ids(&fx, "/r/a[2]/@n/preceding::*[1]"), "c1");
	fx_close(&fx);
}

TEST(xpath_path_positional_predicates)
{
	struct fx fx;
	fx_open(&fx, path_doc);
	/* A step predicate counts among the children of each parent. */
	ASSERT_STR_EQ(fx_ids(&fx, "//b[1]"), "b1 b3 b4");
	ASSERT_STR_EQ(fx_ids(&fx, "//b[2]"), "b2");
	ASSERT_STR_EQ(fx_ids(&fx, "//b[last()]"), "b2 b3 b4");
	/* A filter on the parenthesized path counts in the whole sequence. */
	ASSERT_STR_EQ(fx_ids(&fx, "(//b)[1]"), "b1");
	ASSERT_STR_EQ(fx_ids(&fx, "(//b)[last()]"), "b4");
	ASSERT_STR_EQ(fx_ids(&fx, "(//b)[3]"), "b3");
	ASSERT_STR_EQ(fx_ids(&fx, "(//b)[5]"), "");
	ASSERT_STR_EQ(fx_ids(&fx, "(//b)[0]"), "");
	ASSERT_STR_EQ(fx_ids(&fx, "(//b)[position() = 2 or position() = 4]"), "b2 b4");
	ASSERT_STR_EQ(fx_ids(&fx, "(//b)[last() - 1]"), "b3");
	/* A numeric predicate that is not an integer selects nothing. */
	ASSERT_STR_EQ(fx_ids(&fx, "(//b)[1.5]"), "");
	/* Predicates apply one after the other. */
	ASSERT_STR_EQ(fx_ids(&fx, "//b[. != 'x'][1]"), "b2 b3 b4");
	ASSERT_STR_EQ(fx_ids(&fx, "(//b[. != 'x'])[2]"), "b3");
	ASSERT_STR_EQ(fx_ids(&fx, "/r/a[2]/b[1]"), "b3");
	ASSERT_STR_EQ(fx_ids(&fx, "/r/a[last()]/*[last()]"), "pb1");
	/* On atomic sequences too. */
	ASSERT_STR_EQ(fx_str(&fx, "(10, 20, 30)[2]"), "20");
	ASSERT_STR_EQ(fx_str(&fx, "(10, 20, 30)[. > 15]"), "20 30");
	fx_close(&fx);
}

TEST(xpath_path_boolean_predicates)
{
	struct fx fx;
	fx_open(&fx, path_doc);
	/* An untyped attribute compared with a number compares as xs:double. */
	ASSERT_STR_EQ(fx_ids(&fx, "//a[@n > 1]"), "a2");
	ASSERT_STR_EQ(fx_ids(&fx, "//a[@n = 1.0]"), "a1");
	/* Existence of a child or an attribute. */
	ASSERT_STR_EQ(fx_ids(&fx, "//a[c]"), "a1");
	ASSERT_STR_EQ(fx_ids(&fx, "//*[@n]"), "a1 a2");
	ASSERT_STR_EQ(fx_ids(&fx, "//*[not(@id)]"), "r");
	/* Comparison with a child's string value. */
	ASSERT_STR_EQ(fx_ids(&fx, "//a[b = 'y']"), "a1");
	ASSERT_STR_EQ(fx_ids(&fx, "//a[b = 'y' or b = 'z']"), "a1 a2");
	ASSERT_STR_EQ(fx_ids(&fx, "//a[b = 'x' and b = 'y']"), "a1");
	ASSERT_STR_EQ(fx_ids(&fx, "//b[. = 'x' and @id = 'b2']"), "");
	/* A predicate on a path inside a predicate. */
	ASSERT_STR_EQ(fx_ids(&fx, "//a[b[2] = 'y']"), "a1");
	/* A predicate that is an empty string or an empty sequence is false. */
	ASSERT_STR_EQ(fx_ids(&fx, "//b['']"), "");
	ASSERT_STR_EQ(fx_ids(&fx, "//b[()]"), "");
	ASSERT_STR_EQ(fx_ids(&fx, "//b[string()]"), "b1 b2 b3");
	fx_close(&fx);
}

TEST(xpath_path_union_document_order)
{
	struct fx fx;
	fx_open(&fx, path_doc);
	/* Operands in any order give the union in document order. */
	ASSERT_STR_EQ(fx_ids(&fx, "//c | //b[1] | //a"), "a1 b1 c1 a2 b3 b4");
	ASSERT_STR_EQ(fx_ids(&fx, "//d union /r"), "r d1");
	/* Duplicates are removed. */
	ASSERT_STR_EQ(fx_ids(&fx, "//b | //b"), "b1 b2 b3 b4");
	ASSERT_STR_EQ(fx_str(&fx, "count(//b | //b | /r/a/b)"), "4");
	ASSERT_STR_EQ(fx_ids(&fx, "/r/a/@n | /r/a"), "a1 @n a2 @n");
	/* A reversed operand still yields document order. */
	ASSERT_STR_EQ(fx_ids(&fx, "reverse(//b) | //c"), "b1 b2 c1 b3 b4");
	/* intersect and except. */
	ASSERT_STR_EQ(fx_ids(&fx, "//b intersect /r/a/*"), "b1 b2 b3");
	ASSERT_STR_EQ(fx_ids(&fx, "//b except /r/a/*"), "b4");
	/* A union of atomic values is a type error. */
	ASSERT_STR_EQ(fx_error(&fx, "(1, 2) | //b"), "XPTY0004");
	fx_close(&fx);
}

TEST(xpath_path_namespaces)
{
	struct fx fx;
	fx_open(&fx, path_doc);
	/* An unprefixed name test matches elements in no namespace only. */
	ASSERT_STR_EQ(fx_ids(&fx, "/r/a[2]/b"), "b3");
	ASSERT_STR_EQ(fx_ids(&fx, "//b[@id = 'pb1']"), "");
	/* A prefixed one matches the namespace URI, whatever the document's
	 * own prefix. */
	ASSERT_STR_EQ(fx_ids(&fx, "//p:b"), "pb1");
	ASSERT_STR_EQ(fx_ids(&fx, "//p:*"), "pb1");
	ASSERT_STR_EQ(fx_ids(&fx, "//*:b"), "b1 b2 b3 pb1 b4");
	ASSERT_STR_EQ(fx_str(&fx, "count(//*[local-name() = 'b'])"), "5");
	ASSERT_STR_EQ(fx_str(&fx, "name(//p:b)"), "p:b");
	ASSERT_STR_EQ(fx_str(&fx, "local-name(//p:b)"), "b");
	ASSERT_STR_EQ(fx_str(&fx, "namespace-uri(//p:b)"), "urn:p");
	ASSERT_STR_EQ(fx_str(&fx, "namespace-uri(/r)"), "");
	fx_close(&fx);

	/* A default namespace puts unprefixed elements in it: then only the
	 * prefixed test matches. */
	fx_open(&fx, "<r xmlns='urn:p'><b id='d'/></r>");
	ASSERT_STR_EQ(fx_ids(&fx, "/r/b"), "");
	ASSERT_STR_EQ(fx_ids(&fx, "/p:r/p:b"), "d");
	ASSERT_STR_EQ(fx_str(&fx, "name(/p:r/p:b)"), "b");
	fx_close(&fx);
}

/* --- comparisons --- */

/* The document of the comparison tests. */
static const char cmp_doc[] = "<r><a>5.0</a><v>1</v><v>2</v><v>3</v><s>abc</s><e/></r>";

TEST(xpath_general_compare_untyped)
{
	struct fx fx;
	fx_open(&fx, cmp_doc);
	/* Untyped against a number: both as xs:double, so "5.0" = 5. */
	ASSERT_EQ(fx_bool(&fx, "r/a = 5"), true);
	ASSERT_EQ(fx_bool(&fx, "5 = r/a"), true);
	ASSERT_EQ(fx_bool(&fx, "r/a = 5.0e0"), true);
	/* A numeric comparison, not a string one ("5.0" > "10" as strings). */
	ASSERT_EQ(fx_bool(&fx, "r/a < 10"), true);
	ASSERT_EQ(fx_bool(&fx, "r/a > 4.99"), true);
	/* Untyped against a string: a string comparison, so "5.0" != "5". */
	ASSERT_EQ(fx_bool(&fx, "r/a = '5'"), false);
	ASSERT_EQ(fx_bool(&fx, "r/a = '5.0'"), true);
	ASSERT_EQ(fx_bool(&fx, "r/a < '10'"), false);
	/* Untyped against untyped: strings as well. */
	ASSERT_EQ(fx_bool(&fx, "r/v[1] = r/v[1]"), true);
	ASSERT_EQ(fx_bool(&fx, "r/a = r/v"), false);
	/* An empty element is "" - equal to '' but not a number. */
	ASSERT_EQ(fx_bool(&fx, "r/e = ''"), true);
	/* Untyped against a boolean converts to xs:boolean. */
	ASSERT_EQ(fx_bool(&fx, "r/v[1] = true()"), true);
	/* A value that is not a number cannot be compared with one. */
	ASSERT_STR_EQ(fx_error(&fx, "r/s = 5"), "FORG0001");
	/* Typed values of unrelated types cannot be compared. */
	ASSERT_STR_EQ(fx_error(&fx, "'5' = 5"), "XPTY0004");
	fx_close(&fx);
}

TEST(xpath_general_compare_existential)
{
	struct fx fx;
	fx_open(&fx, cmp_doc);
	/* True when some pair of items compares true. */
	ASSERT_EQ(fx_bool(&fx, "r/v = 2"), true);
	ASSERT_EQ(fx_bool(&fx, "r/v = 4"), false);
	ASSERT_EQ(fx_bool(&fx, "r/v = (7, 3)"), true);
	ASSERT_EQ(fx_bool(&fx, "r/v > 2"), true);
	ASSERT_EQ(fx_bool(&fx, "r/v > 3"), false);
	ASSERT_EQ(fx_bool(&fx, "r/v < 2"), true);
	ASSERT_EQ(fx_bool(&fx, "r/v >= 3"), true);
	ASSERT_EQ(fx_bool(&fx, "r/v <= 0"), false);
	/* != is existential too: some pair differs. */
	ASSERT_EQ(fx_bool(&fx, "r/v != 1"), true);
	ASSERT_EQ(fx_bool(&fx, "(1, 1) != 1"), false);
	ASSERT_EQ(fx_bool(&fx, "(1, 2) != (1, 2)"), true);
	ASSERT_EQ(fx_bool(&fx, "r/v != r/v"), true);
	/* Both = and != are false with an empty operand. */
	ASSERT_EQ(fx_bool(&fx, "r/zz = 1"), false);
	ASSERT_EQ(fx_bool(&fx, "r/zz != 1"), false);
	ASSERT_EQ(fx_bool(&fx, "() = ()"), false);
	fx_close(&fx);
}

TEST(xpath_value_compare)
{
	struct fx fx;
	fx_open(&fx, cmp_doc);
	/* eq on an untyped value compares it as a string. */
	ASSERT_EQ(fx_bool(&fx, "r/a eq '5.0'"), true);
	ASSERT_EQ(fx_bool(&fx, "r/a eq '5'"), false);
	ASSERT_EQ(fx_bool(&fx, "r/v[2] lt 'b'"), true);
	ASSERT_EQ(fx_bool(&fx, "r/v[3] gt '10'"), true);
	/* So against a number it is a type error. */
	ASSERT_STR_EQ(fx_error(&fx, "r/a eq 5"), "XPTY0004");
	/* Numbers compare by value across integer, decimal and double. */
	ASSERT_EQ(fx_bool(&fx, "count(r/v) eq 3"), true);
	ASSERT_EQ(fx_bool(&fx, "count(r/v) ne 3"), false);
	ASSERT_EQ(fx_bool(&fx, "count(r/a) eq 1"), true);
	ASSERT_EQ(fx_bool(&fx, "1 eq 1.0"), true);
	ASSERT_EQ(fx_bool(&fx, "1.5 lt 2e0"), true);
	ASSERT_EQ(fx_bool(&fx, "'abc' lt 'abd'"), true);
	ASSERT_EQ(fx_bool(&fx, "true() gt false()"), true);
	/* An empty operand gives the empty sequence. */
	ASSERT_STR_EQ(fx_str(&fx, "r/zz eq 1"), "");
	/* More than one item is a type error. */
	ASSERT_STR_EQ(fx_error(&fx, "r/v eq '1'"), "XPTY0004");
	/* NaN is unequal to everything, itself included. */
	ASSERT_EQ(fx_bool(&fx, "number('x') eq number('x')"), false);
	ASSERT_EQ(fx_bool(&fx, "number('x') ne number('x')"), true);
	/* Node identity and order. */
	ASSERT_EQ(fx_bool(&fx, "r/v[1] is (//v)[1]"), true);
	ASSERT_EQ(fx_bool(&fx, "r/v[1] << r/v[2]"), true);
	ASSERT_EQ(fx_bool(&fx, "r/v[1] >> r/v[2]"), false);
	fx_close(&fx);
}

/* --- numbers --- */

TEST(xpath_decimal_exact_sum)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	/* Decimal arithmetic is exact; double arithmetic is binary. */
	ASSERT_EQ(fx_bool(&fx, "xs:decimal('0.1') + xs:decimal('0.2') = xs:decimal('0.3')"), true);
	ASSERT_EQ(fx_bool(&fx, "0.1 + 0.2 = 0.3"), true);
	ASSERT_EQ(fx_bool(&fx, "0.1e0 + 0.2e0 = 0.3e0"), false);
	ASSERT_STR_EQ(fx_str(&fx, "0.1 + 0.2"), "0.3");
	ASSERT_STR_EQ(fx_str(&fx, "0.1e0 + 0.2e0"), "0.30000000000000004");
	/* Mixing a decimal with a double gives a double. */
	ASSERT_EQ(fx_bool(&fx, "0.1 + 0.2e0 = 0.3e0"), false);
	/* Results are in canonical form: no trailing zeros. */
	ASSERT_STR_EQ(fx_str(&fx, "1.50 + 1.50"), "3");
	ASSERT_STR_EQ(fx_str(&fx, "2.50 * 4"), "10");
	ASSERT_STR_EQ(fx_str(&fx, "1.25 - 0.05"), "1.2");
	ASSERT_STR_EQ(fx_str(&fx, "-1.5 * 3"), "-4.5");
	ASSERT_STR_EQ(fx_str(&fx, "12345678901234567890.12 + 0.01"),
		      "12345678901234567890.13");
	fx_close(&fx);
}

TEST(xpath_decimal_division)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	/* integer div integer is an xs:decimal, not a truncated integer. */
	const char *third = fx_str(&fx, "1 div 3");
	if (strncmp(third, "0.333333333333333333", 20) != 0)
		FAIL("1 div 3 = \"%s\", want 0.333333333333333333...", third);
	ASSERT_STR_EQ(fx_str(&fx, "10 div 4"), "2.5");
	ASSERT_STR_EQ(fx_str(&fx, "6 div 3"), "2");
	ASSERT_STR_EQ(fx_str(&fx, "-7 div 2"), "-3.5");
	ASSERT_EQ(fx_bool(&fx, "(1 div 3) * 3 < 1"), true);
	/* Division by zero: an error for decimals, INF for doubles. */
	ASSERT_STR_EQ(fx_error(&fx, "1 div 0"), "FOAR0001");
	ASSERT_STR_EQ(fx_error(&fx, "1.5 div 0.0"), "FOAR0001");
	ASSERT_STR_EQ(fx_str(&fx, "1e0 div 0"), "INF");
	ASSERT_STR_EQ(fx_str(&fx, "-1 div 0e0"), "-INF");
	fx_close(&fx);
}

TEST(xpath_integer_division_modulo)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	/* idiv truncates towards zero; mod has the sign of the dividend. */
	ASSERT_STR_EQ(fx_str(&fx, "7 idiv 2"), "3");
	ASSERT_STR_EQ(fx_str(&fx, "-7 idiv 2"), "-3");
	ASSERT_STR_EQ(fx_str(&fx, "7 idiv -2"), "-3");
	ASSERT_STR_EQ(fx_str(&fx, "7 mod 2"), "1");
	ASSERT_STR_EQ(fx_str(&fx, "-7 mod 2"), "-1");
	ASSERT_STR_EQ(fx_str(&fx, "7 mod -2"), "1");
	ASSERT_STR_EQ(fx_str(&fx, "5.5 mod 2"), "1.5");
	ASSERT_STR_EQ(fx_str(&fx, "7.5e0 idiv 2"), "3");
	ASSERT_STR_EQ(fx_error(&fx, "1 idiv 0"), "FOAR0001");
	ASSERT_STR_EQ(fx_error(&fx, "1 mod 0"), "FOAR0001");
	/* Precedence: * before +, unary minus binds tighter. */
	ASSERT_STR_EQ(fx_str(&fx, "1 + 2 * 3"), "7");
	ASSERT_STR_EQ(fx_str(&fx, "(1 + 2) * 3"), "9");
	ASSERT_STR_EQ(fx_str(&fx, "10 - 2 - 3"), "5");
	ASSERT_STR_EQ(fx_str(&fx, "-2 * -3"), "6");
	ASSERT_STR_EQ(fx_str(&fx, "- - 4"), "4");
	fx_close(&fx);
}

TEST(xpath_round_half_towards_positive_infinity)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	/* round() takes halves towards positive infinity, for both signs. */
	ASSERT_STR_EQ(fx_str(&fx, "round(2.5)"), "3");
	ASSERT_STR_EQ(fx_str(&fx, "round(-2.5)"), "-2");
	ASSERT_STR_EQ(fx_str(&fx, "round(2.4999)"), "2");
	ASSERT_STR_EQ(fx_str(&fx, "round(-2.5001)"), "-3");
	ASSERT_STR_EQ(fx_str(&fx, "round(2.5e0)"), "3");
	ASSERT_STR_EQ(fx_str(&fx, "round(-2.5e0)"), "-2");
	ASSERT_STR_EQ(fx_str(&fx, "round(-0.5e0)"), "-0");
	ASSERT_STR_EQ(fx_str(&fx, "round(7)"), "7");
	/* Exact decimals make the classic two-decimal rounding reliable:
	 * 1.005 * 100 is exactly 100.5. */
	ASSERT_STR_EQ(fx_str(&fx, "round(xs:decimal('1.005') * 100) div 100"), "1.01");
	ASSERT_STR_EQ(fx_str(&fx, "round(xs:decimal('-1.005') * 100) div 100"), "-1");
	ASSERT_STR_EQ(fx_str(&fx, "round(xs:decimal('2.675') * 100) div 100"), "2.68");
	/* The empty sequence rounds to the empty sequence. */
	ASSERT_STR_EQ(fx_str(&fx, "round(())"), "");
	fx_close(&fx);
}

TEST(xpath_decimal_from_double)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	/* The double nearest to 0.1 is 0.1000000000000000055511151231257827...;
	 * the decimal cast from it keeps that value, as Saxon does. */
	ASSERT_EQ(fx_bool(&fx, "xs:decimal(0.1e0) > xs:decimal('0.1')"), true);
	ASSERT_EQ(fx_bool(&fx, "xs:decimal(0.1e0) < xs:decimal('0.10000000000000001')"), true);
	ASSERT_EQ(fx_bool(&fx, "xs:decimal(0.5e0) = 0.5"), true);
	ASSERT_EQ(fx_bool(&fx, "xs:decimal(0.25e0) = xs:decimal('0.25')"), true);
	ASSERT_STR_EQ(fx_str(&fx, "xs:decimal(1.5e2)"), "150");
	ASSERT_STR_EQ(fx_str(&fx, "xs:decimal(-0.375e0)"), "-0.375");
	/* The integer cast truncates. */
	ASSERT_STR_EQ(fx_str(&fx, "xs:integer(2.9e0)"), "2");
	ASSERT_STR_EQ(fx_str(&fx, "xs:integer(-2.9e0)"), "-2");
	ASSERT_STR_EQ(fx_str(&fx, "xs:integer(2.9)"), "2");
	/* NaN and INF have no decimal value. */
	ASSERT_STR_EQ(fx_error(&fx, "xs:decimal(number('x'))"), "FOCA0002");
	ASSERT_STR_EQ(fx_error(&fx, "xs:decimal(1e0 div 0)"), "FOCA0002");
	fx_close(&fx);
}

TEST(xpath_sum_untyped_double)
{
	struct fx fx;
	fx_open(&fx, "<r><v>0.1</v><v>0.2</v><w>1</w><w>2</w><w>x</w></r>");
	/* sum() converts untyped values to xs:double. */
	ASSERT_STR_EQ(fx_str(&fx, "sum(r/v)"), "0.30000000000000004");
	ASSERT_EQ(fx_bool(&fx, "sum(r/v) = 0.3"), false);
	ASSERT_EQ(fx_bool(&fx, "sum(r/v) = 0.1e0 + 0.2e0"), true);
	/* Cast to decimal first to add exactly. */
	ASSERT_EQ(fx_bool(&fx, "sum(for $v in r/v return xs:decimal($v)) = 0.3"), true);
	/* Typed numbers keep their type. */
	ASSERT_STR_EQ(fx_str(&fx, "sum((1, 2, 3))"), "6");
	ASSERT_STR_EQ(fx_str(&fx, "sum((1, 2.5))"), "3.5");
	ASSERT_STR_EQ(fx_str(&fx, "sum(r/w[. != 'x'])"), "3");
	/* The sum of nothing is the integer 0, or the given zero. */
	ASSERT_STR_EQ(fx_str(&fx, "sum(())"), "0");
	ASSERT_STR_EQ(fx_str(&fx, "sum((), ())"), "");
	/* A value that is not a number is an error. */
	ASSERT_STR_EQ(fx_error(&fx, "sum(r/w)"), "FORG0001");
	/* Arithmetic on an untyped value is double arithmetic as well. */
	ASSERT_STR_EQ(fx_str(&fx, "r/v[1] + r/v[2]"), "0.30000000000000004");
	ASSERT_STR_EQ(fx_str(&fx, "r/w[2] * 2"), "4");
	fx_close(&fx);
}

TEST(xpath_abs_floor_ceiling)
{
	struct fx fx;
	fx_open(&fx, "<r><v>-2.5</v></r>");
	ASSERT_STR_EQ(fx_str(&fx, "abs(-3.5)"), "3.5");
	ASSERT_STR_EQ(fx_str(&fx, "abs(-2)"), "2");
	ASSERT_STR_EQ(fx_str(&fx, "abs(4)"), "4");
	ASSERT_STR_EQ(fx_str(&fx, "abs(-1.5e0)"), "1.5");
	ASSERT_STR_EQ(fx_str(&fx, "abs(r/v)"), "2.5");
	ASSERT_STR_EQ(fx_str(&fx, "floor(-1.5)"), "-2");
	ASSERT_STR_EQ(fx_str(&fx, "floor(1.5)"), "1");
	ASSERT_STR_EQ(fx_str(&fx, "floor(2.7e0)"), "2");
	ASSERT_STR_EQ(fx_str(&fx, "floor(r/v)"), "-3");
	ASSERT_STR_EQ(fx_str(&fx, "ceiling(-1.5)"), "-1");
	ASSERT_STR_EQ(fx_str(&fx, "ceiling(xs:decimal('1.01'))"), "2");
	ASSERT_STR_EQ(fx_str(&fx, "ceiling(2.1e0)"), "3");
	ASSERT_STR_EQ(fx_str(&fx, "ceiling(-0.5e0)"), "-0");
	ASSERT_STR_EQ(fx_str(&fx, "floor(5)"), "5");
	ASSERT_STR_EQ(fx_str(&fx, "abs(())"), "");
	ASSERT_STR_EQ(fx_error(&fx, "abs('x')"), "XPTY0004");
	fx_close(&fx);
}

TEST(xpath_double_to_string)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	/* From 1E-6 up to 1E6 a double prints in decimal notation, outside in
	 * scientific notation with an upper-case E. */
	ASSERT_STR_EQ(fx_str(&fx, "0.5e0"), "0.5");
	ASSERT_STR_EQ(fx_str(&fx, "123e0"), "123");
	ASSERT_STR_EQ(fx_str(&fx, "-0e0"), "-0");
	ASSERT_STR_EQ(fx_str(&fx, "1e6"), "1.0E6");
	ASSERT_STR_EQ(fx_str(&fx, "1.5e7"), "1.5E7");
	ASSERT_STR_EQ(fx_str(&fx, "1e-7"), "1.0E-7");
	ASSERT_STR_EQ(fx_str(&fx, "0.000001e0"), "0.000001");
	ASSERT_STR_EQ(fx_str(&fx, "number('NaN')"), "NaN");
	/* The digits printed identify the double: casting the string back
	 * gives the same value. 0.07 * 0.1 is 0.007000000000000001 in binary
	 * floating point, which needs 18 decimal places.
	 * KNOWN BUG: format_double() in xp_value.c tries at most 17 places
	 * with "%.*f", so this prints "0.007", a different double. */
	ASSERT_STR_EQ(fx_str(&fx, "0.07e0 * 0.1e0"), "0.007000000000000001");
	ASSERT_EQ(fx_bool(&fx, "xs:double(string(0.07e0 * 0.1e0)) = 0.07e0 * 0.1e0"), true);
	/* Regression (a bug found by these tests, fixed): the same for a double with 15 significant digits below
	 * 0.001 ("0.00012345678901234" is printed). */
	ASSERT_STR_EQ(fx_str(&fx, "0.000123456789012345e0"), "0.000123456789012345");
	fx_close(&fx);
}

/* --- strings --- */

TEST(xpath_normalize_space)
{
	struct fx fx;
	fx_open(&fx, "<r><t>\n  two\twords  \n</t></r>");
	ASSERT_STR_EQ(fx_str(&fx, "normalize-space('  a  b\t\n c  ')"), "a b c");
	ASSERT_STR_EQ(fx_str(&fx, "normalize-space(r/t)"), "two words");
	ASSERT_STR_EQ(fx_str(&fx, "normalize-space('')"), "");
	ASSERT_STR_EQ(fx_str(&fx, "normalize-space('   ')"), "");
	ASSERT_STR_EQ(fx_str(&fx, "normalize-space(())"), "");
	/* Without an argument it works on the context item. */
	fx_focus(&fx, "r/t");
	ASSERT_STR_EQ(fx_str(&fx, "normalize-space()"), "two words");
	fx_close(&fx);
}

TEST(xpath_string_length_code_points)
{
	struct fx fx;
	/* U+00E9 is two bytes in UTF-8 but one code point. */
	fx_open(&fx, "<r><t>caf\xc3\xa9</t></r>");
	ASSERT_STR_EQ(fx_str(&fx, "string-length('\xc3\xa9')"), "1");
	ASSERT_STR_EQ(fx_str(&fx, "string-length(r/t)"), "4");
	ASSERT_STR_EQ(fx_str(&fx, "string-length('')"), "0");
	ASSERT_STR_EQ(fx_str(&fx, "string-length(())"), "0");
	/* U+20AC (3 bytes) and U+1F600 (4 bytes). */
	ASSERT_STR_EQ(fx_str(&fx, "string-length('\xe2\x82\xac\xf0\x9f\x98\x80')"), "2");
	fx_focus(&fx, "r/t");
	ASSERT_STR_EQ(fx_str(&fx, "string-length()"), "4");
	fx_close(&fx);
}

TEST(xpath_substring_rounding)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	/* Code points p with round(start) <= p < round(start) + round(length). */
	ASSERT_STR_EQ(fx_str(&fx, "substring('12345', 1.5, 2.6)"), "234");
	ASSERT_STR_EQ(fx_str(&fx, "substring('12345', 2)"), "2345");
	ASSERT_STR_EQ(fx_str(&fx, "substring('12345', 2, 3)"), "234");
	ASSERT_STR_EQ(fx_str(&fx, "substring('12345', 0, 3)"), "12");
	ASSERT_STR_EQ(fx_str(&fx, "substring('12345', 5, 10)"), "5");
	ASSERT_STR_EQ(fx_str(&fx, "substring('12345', 6)"), "");
	ASSERT_STR_EQ(fx_str(&fx, "substring('12345', 0 div 0e0, 3)"), "");
	ASSERT_STR_EQ(fx_str(&fx, "substring('12345', 1, 0 div 0e0)"), "");
	ASSERT_STR_EQ(fx_str(&fx, "substring('12345', -42, 1 div 0e0)"), "12345");
	ASSERT_STR_EQ(fx_str(&fx, "substring('12345', -1 div 0e0, 1 div 0e0)"), "");
	/* Positions count code points, not bytes. */
	ASSERT_STR_EQ(fx_str(&fx, "substring('a\xc3\xa9z', 2, 1)"), "\xc3\xa9");
	ASSERT_STR_EQ(fx_str(&fx, "substring('\xc3\xa9\xc3\xa9x', 3)"), "x");
	ASSERT_STR_EQ(fx_str(&fx, "substring((), 1, 2)"), "");
	fx_close(&fx);
}

TEST(xpath_substring_before_after)
{
	struct fx fx;
	fx_open(&fx, "<r><d>2024-02-29</d></r>");
	ASSERT_STR_EQ(fx_str(&fx, "substring-before(r/d, '-')"), "2024");
	ASSERT_STR_EQ(fx_str(&fx, "substring-after(r/d, '-')"), "02-29");
	ASSERT_STR_EQ(fx_str(&fx, "substring-before('abc', 'x')"), "");
	ASSERT_STR_EQ(fx_str(&fx, "substring-after('abc', 'x')"), "");
	ASSERT_STR_EQ(fx_str(&fx, "substring-before('abc', '')"), "");
	ASSERT_STR_EQ(fx_str(&fx, "substring-after('abc', '')"), "abc");
	ASSERT_STR_EQ(fx_str(&fx, "substring-after('abcabc', 'bc')"), "abc");
	ASSERT_STR_EQ(fx_str(&fx, "substring-before('abcabc', 'ca')"), "ab");
	fx_close(&fx);
}

TEST(xpath_contains_starts_ends)
{
	struct fx fx;
	fx_open(&fx, "<r><t>DE123</t></r>");
	ASSERT_EQ(fx_bool(&fx, "contains('abc', 'bc')"), true);
	ASSERT_EQ(fx_bool(&fx, "contains('abc', 'cb')"), false);
	ASSERT_EQ(fx_bool(&fx, "contains('abc', '')"), true);
	ASSERT_EQ(fx_bool(&fx, "contains((), '')"), true);
	ASSERT_EQ(fx_bool(&fx, "contains('', 'a')"), false);
	ASSERT_EQ(fx_bool(&fx, "starts-with(r/t, 'DE')"), true);
	ASSERT_EQ(fx_bool(&fx, "starts-with(r/t, 'de')"), false);
	ASSERT_EQ(fx_bool(&fx, "starts-with('ab', 'abc')"), false);
	ASSERT_EQ(fx_bool(&fx, "ends-with(r/t, '123')"), true);
	ASSERT_EQ(fx_bool(&fx, "ends-with('abc', 'ab')"), false);
	ASSERT_EQ(fx_bool(&fx, "ends-with('abc', '')"), true);
	ASSERT_EQ(fx_bool(&fx, "ends-with('c', 'abc')"), false);
	/* Code lists: the search skips ahead, it must not skip a match. */
	ASSERT_EQ(fx_bool(&fx, "contains(' AED AFN ALL AMD ', ' ALL ')"), true);
	ASSERT_EQ(fx_bool(&fx, "contains(' AED AFN ALL AMD ', ' AMD ')"), true);
	ASSERT_EQ(fx_bool(&fx, "contains(' AED AFN ALL AMD ', ' AED ')"), true);
	ASSERT_EQ(fx_bool(&fx, "contains(' AED AFN ALL AMD ', ' AL ')"), false);
	ASSERT_EQ(fx_bool(&fx, "contains(' AED AFN ALL AMD ', ' AMD  ')"), false);
	ASSERT_EQ(fx_bool(&fx, "contains('aaaaab', 'aab')"), true);
	ASSERT_EQ(fx_bool(&fx, "contains('abcabcabd', 'abcabd')"), true);
	ASSERT_STR_EQ(fx_str(&fx, "substring-before('abcabcabd', 'abd')"), "abcabc");
	/* A literal of 64 bytes or more is searched through its trigram index. */
	static const char *const in_list[][2] = {
		{"' AED '", "true"},  {"' ZWL '", "true"},  {"' DE123 '", "true"}, {"'AED AFN'", "true"},
		{"' XYZ '", "false"}, {"' AE '", "false"},  {"''", "true"},        {"'Z'", "true"},
		{"' Q'", "false"},    {"r/t", "true"},      {"()", "true"},        {"'ZWL  '", "false"},
	};
	for (size_t i = 0; i < sizeof in_list / sizeof in_list[0]; i++) {
		char expr[256];
		snprintf(expr, sizeof expr,
			 "string(contains(' AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM DE123 BBD "
			 "BDT BGN BHD ZWL ', %s))",
			 in_list[i][0]);
		ASSERT_STR_EQ(fx_str(&fx, expr), in_list[i][1]);
	}
	ASSERT_STR_EQ(fx_error(&fx, "contains(' AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT "
				    "BGN BHD BIF ', (r/t, r/t))"),
		      "XPTY0004");
	ASSERT_STR_EQ(fx_str(&fx, "substring-after('xéé1éé2', 'éé2')"), "");
	ASSERT_STR_EQ(fx_str(&fx, "substring-after('xéé1éé2', 'é1é')"), "é2");
	fx_close(&fx);
}

TEST(xpath_case_translate)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	ASSERT_STR_EQ(fx_str(&fx, "upper-case('abc-Xyz 1')"), "ABC-XYZ 1");
	ASSERT_STR_EQ(fx_str(&fx, "lower-case('ABC-xYZ 1')"), "abc-xyz 1");
	ASSERT_STR_EQ(fx_str(&fx, "upper-case(())"), "");
	/* translate maps by position and drops characters without a partner. */
	ASSERT_STR_EQ(fx_str(&fx, "translate('bar', 'abc', 'ABC')"), "BAr");
	ASSERT_STR_EQ(fx_str(&fx, "translate('--aaa--', 'abc-', 'ABC')"), "AAA");
	ASSERT_STR_EQ(fx_str(&fx, "translate('abcabc', 'aa', 'xy')"), "xbcxbc");
	ASSERT_STR_EQ(fx_str(&fx, "translate('1 234,50', ' ,', '.')"), "1.23450");
	/* It works on code points. */
	ASSERT_STR_EQ(fx_str(&fx, "translate('caf\xc3\xa9', '\xc3\xa9', 'e')"), "cafe");
	ASSERT_STR_EQ(fx_str(&fx, "translate('cafe', 'e', '\xc3\xa9')"), "caf\xc3\xa9");
	fx_close(&fx);
}

TEST(xpath_case_non_ascii)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	/* Regression (a bug found by these tests, fixed): fn:upper-case and fn:lower-case map every character
	 * with a Unicode case mapping (F&O 7.4.7, 7.4.8); case_map() in
	 * xp_func.c maps ASCII letters only, so 'é' stays lower-case. */
	ASSERT_STR_EQ(fx_str(&fx, "upper-case('caf\xc3\xa9')"), "CAF\xc3\x89");
	ASSERT_STR_EQ(fx_str(&fx, "lower-case('\xc3\x84RGER')"), "\xc3\xa4rger");
	fx_close(&fx);
}

TEST(xpath_concat_string_join)
{
	struct fx fx;
	fx_open(&fx, "<r><v>a</v><v>b</v><v>c</v></r>");
	ASSERT_STR_EQ(fx_str(&fx, "concat('a', 1, 'b')"), "a1b");
	ASSERT_STR_EQ(fx_str(&fx, "concat('a', (), 'b', 2.50, true())"), "ab2.5true");
	ASSERT_STR_EQ(fx_str(&fx, "concat(r/v[1], '-', r/v[3])"), "a-c");
	ASSERT_STR_EQ(fx_str(&fx, "string-join(('a', 'b', 'c'), '-')"), "a-b-c");
	ASSERT_STR_EQ(fx_str(&fx, "string-join(r/v, ', ')"), "a, b, c");
	ASSERT_STR_EQ(fx_str(&fx, "string-join((), '-')"), "");
	ASSERT_STR_EQ(fx_str(&fx, "string-join(('x'), '-')"), "x");
	ASSERT_STR_EQ(fx_str(&fx, "string-join((1, 2), '')"), "12");
	/* concat of a sequence of several items is a type error. */
	ASSERT_STR_EQ(fx_error(&fx, "concat(r/v, 'x')"), "XPTY0004");
	fx_close(&fx);
}

TEST(xpath_tokenize)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	ASSERT_STR_EQ(fx_str(&fx, "string-join(tokenize('a, b,c', ',\\s*'), '|')"), "a|b|c");
	ASSERT_STR_EQ(fx_str(&fx, "count(tokenize('a,,b', ','))"), "3");
	ASSERT_STR_EQ(fx_str(&fx, "string-join(tokenize('a,,b', ','), '|')"), "a||b");
	/* A leading separator gives a leading empty string. */
	ASSERT_STR_EQ(fx_str(&fx, "string-join(tokenize(' x y', '\\s+'), '|')"), "|x|y");
	ASSERT_STR_EQ(fx_str(&fx, "count(tokenize('', ','))"), "0");
	ASSERT_STR_EQ(fx_str(&fx, "count(tokenize('abc', ','))"), "1");
	ASSERT_STR_EQ(fx_str(&fx, "tokenize('aXbxc', 'x', 'i')[3]"), "c");
	/* A pattern that matches the empty string is an error. */
	ASSERT_STR_EQ(fx_error(&fx, "tokenize('abc', 'x*')"), "FORX0003");
	fx_close(&fx);
}

TEST(xpath_replace)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	ASSERT_STR_EQ(fx_str(&fx, "replace('a.b.c', '\\.', '/')"), "a/b/c");
	ASSERT_STR_EQ(fx_str(&fx, "replace('abc', 'B', 'x', 'i')"), "axc");
	ASSERT_STR_EQ(fx_str(&fx, "replace('abc', 'b', '\\$')"), "a$c");
	ASSERT_STR_EQ(fx_str(&fx, "replace('abc', 'b', '\\\\')"), "a\\c");
	ASSERT_STR_EQ(fx_str(&fx, "replace('abc', 'x', 'y')"), "abc");
	/* $0 is the whole match. */
	ASSERT_STR_EQ(fx_str(&fx, "replace('abc', 'b', '[$0]')"), "a[b]c");
	/* A $ that does not start a group reference is an error. */
	ASSERT_STR_EQ(fx_error(&fx, "replace('abc', 'b', '$')"), "FORX0004");
	ASSERT_STR_EQ(fx_error(&fx, "replace('abc', 'b', 'a\\b')"), "FORX0004");
	/* $n is the n-th parenthesized group.
	 * KNOWN BUG: xp_regex_replace() passes pcre2_substitute() a match data
	 * block with room for one pair of offsets (group 0 only), so every
	 * reference to a capturing group fails with FORX0004 "replace()
	 * failed (PCRE2 -54)". */
	ASSERT_STR_EQ(fx_str(&fx, "replace('abc', '(b)', '[$1]')"), "a[b]c");
	ASSERT_STR_EQ(fx_str(&fx, "replace('2024-02-29', '(\\d+)-(\\d+)-(\\d+)', '$3.$2.$1')"),
		      "29.02.2024");
	fx_close(&fx);
}

TEST(xpath_replace_empty_match_error)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	/* Regression (a bug found by these tests, fixed): F&O 7.6.3 raises FORX0003 when the pattern matches a
	 * zero-length string; xp_regex_replace() lets PCRE2 insert the
	 * replacement between all characters instead ("-a-b-c-"). */
	ASSERT_STR_EQ(fx_error(&fx, "replace('abc', 'x*', '-')"), "FORX0003");
	fx_close(&fx);
}

TEST(xpath_matches_anchors)
{
	struct fx fx;
	fx_open(&fx, "<r><t>DE123456789</t></r>");
	/* Without anchors matches() looks for the pattern anywhere. */
	ASSERT_EQ(fx_bool(&fx, "matches('abc', 'b')"), true);
	ASSERT_EQ(fx_bool(&fx, "matches('abc', '^a')"), true);
	ASSERT_EQ(fx_bool(&fx, "matches('abc', '^b')"), false);
	ASSERT_EQ(fx_bool(&fx, "matches('abc', 'c$')"), true);
	ASSERT_EQ(fx_bool(&fx, "matches('abc', 'b$')"), false);
	ASSERT_EQ(fx_bool(&fx, "matches(r/t, '^[A-Z]{2}[0-9]{9}$')"), true);
	ASSERT_EQ(fx_bool(&fx, "matches(r/t, '^[A-Z]{2}[0-9]{8}$')"), false);
	/* $ matches only at the very end, not before a final newline... */
	ASSERT_EQ(fx_bool(&fx, "matches('abc\n', '^abc$')"), false);
	ASSERT_EQ(fx_bool(&fx, "matches('abc\n', 'abc')"), true);
	/* ...unless the m flag makes it match at every line end. */
	ASSERT_EQ(fx_bool(&fx, "matches('abc\nd', '^abc$', 'm')"), true);
	ASSERT_EQ(fx_bool(&fx, "matches('x\nabc', '^abc')"), false);
	ASSERT_EQ(fx_bool(&fx, "matches('x\nabc', '^abc', 'm')"), true);
	/* Flags: i ignores case, s lets . match a newline. */
	ASSERT_EQ(fx_bool(&fx, "matches('ABC', 'abc', 'i')"), true);
	ASSERT_EQ(fx_bool(&fx, "matches('a\nb', 'a.b')"), false);
	ASSERT_EQ(fx_bool(&fx, "matches('a\nb', 'a.b', 's')"), true);
	/* \d and \s classes. */
	ASSERT_EQ(fx_bool(&fx, "matches('12 34', '^\\d+\\s\\d+$')"), true);
	ASSERT_EQ(fx_bool(&fx, "matches('', '^$')"), true);
	/* Invalid patterns and flags are errors. */
	ASSERT_STR_EQ(fx_error(&fx, "matches('a', '(')"), "FORX0002");
	ASSERT_STR_EQ(fx_error(&fx, "matches('a', 'a', 'q')"), "FORX0001");
	fx_close(&fx);
}

TEST(xpath_regex_xsd_classes)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	/* \d is a decimal digit; \i and \c are XML name characters. */
	ASSERT_EQ(fx_bool(&fx, "matches('7', '^\\d$')"), true);
	ASSERT_EQ(fx_bool(&fx, "matches('x', '^\\d$')"), false);
	ASSERT_EQ(fx_bool(&fx, "matches('_a-1', '^\\i\\c*$')"), true);
	ASSERT_EQ(fx_bool(&fx, "matches('1a', '^\\i')"), false);
	/* In XML Schema, \w is every character except punctuation (P),
	 * separators (Z) and others (C): '+' (a math symbol) is a word
	 * character, '_' (connector punctuation) is not.
	 * KNOWN BUG: xp_regex.c hands \w to PCRE2, whose \w is letters,
	 * digits and '_', so both results are inverted. */
	ASSERT_EQ(fx_bool(&fx, "matches('+', '^\\w$')"), true);
	ASSERT_EQ(fx_bool(&fx, "matches('_', '^\\w$')"), false);
	fx_close(&fx);
}

TEST(xpath_distinct_values)
{
	struct fx fx;
	fx_open(&fx, "<r><v>a</v><v>b</v><v>a</v><n>1</n><n>1.0</n></r>");
	ASSERT_STR_EQ(fx_str(&fx, "distinct-values((1, 2, 1, 3, 2))"), "1 2 3");
	/* Untyped values compare as strings: "1" and "1.0" differ. */
	ASSERT_STR_EQ(fx_str(&fx, "distinct-values(r/v)"), "a b");
	ASSERT_STR_EQ(fx_str(&fx, "count(distinct-values(r/n))"), "2");
	/* Numbers compare by value across types. */
	ASSERT_STR_EQ(fx_str(&fx, "count(distinct-values((1, 1.0, 1e0)))"), "1");
	/* Values of types that cannot be compared are simply distinct. */
	ASSERT_STR_EQ(fx_str(&fx, "count(distinct-values((1, '1')))"), "2");
	ASSERT_STR_EQ(fx_str(&fx, "count(distinct-values(()))"), "0");
	fx_close(&fx);
}

TEST(xpath_string_to_codepoints)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	ASSERT_STR_EQ(fx_str(&fx, "string-to-codepoints('A\xc3\xa9')"), "65 233");
	ASSERT_STR_EQ(fx_str(&fx, "string-to-codepoints('\xe2\x82\xac')"), "8364");
	ASSERT_STR_EQ(fx_str(&fx, "string-to-codepoints('\xf0\x9f\x98\x80')"), "128512");
	ASSERT_STR_EQ(fx_str(&fx, "count(string-to-codepoints(''))"), "0");
	ASSERT_STR_EQ(fx_str(&fx, "sum(string-to-codepoints('ab'))"), "195");
	fx_close(&fx);
}

/* --- quantifiers, for, if, casts, dates --- */

TEST(xpath_quantifiers)
{
	struct fx fx;
	fx_open(&fx, cmp_doc);
	ASSERT_EQ(fx_bool(&fx, "every $x in (1, 2, 3) satisfies $x > 0"), true);
	ASSERT_EQ(fx_bool(&fx, "every $x in r/v satisfies $x > 1"), false);
	ASSERT_EQ(fx_bool(&fx, "some $x in r/v satisfies $x = 2"), true);
	ASSERT_EQ(fx_bool(&fx, "some $x in r/v satisfies $x = 9"), false);
	/* Over the empty sequence: every is true, some is false. */
	ASSERT_EQ(fx_bool(&fx, "every $x in () satisfies false()"), true);
	ASSERT_EQ(fx_bool(&fx, "some $x in () satisfies true()"), false);
	/* Several bindings range over the cartesian product. */
	ASSERT_EQ(fx_bool(&fx, "some $x in (1, 2), $y in (2, 3) satisfies $x + $y = 5"), true);
	ASSERT_EQ(fx_bool(&fx, "every $x in (1, 2), $y in (2, 3) satisfies $x <= $y"), true);
	ASSERT_EQ(fx_bool(&fx, "every $x in (1, 2, 3), $y in (2, 3) satisfies $x < $y"), false);
	/* A binding may use the one before it. */
	ASSERT_EQ(fx_bool(&fx, "some $v in r/v, $w in $v/../v satisfies $w > $v"), true);
	/* The bound variable shadows nothing outside. */
	ASSERT_EQ(fx_bool(&fx, "(some $x in (1) satisfies $x = 1) and "
			       "(every $x in (5, 6) satisfies $x > 4)"),
		  true);
	fx_close(&fx);
}

TEST(xpath_for_return)
{
	struct fx fx;
	fx_open(&fx, cmp_doc);
	ASSERT_STR_EQ(fx_str(&fx, "string-join(for $x in (1, 2, 3) return string($x * 2), ',')"),
		      "2,4,6");
	ASSERT_STR_EQ(fx_str(&fx, "for $x in (1, 2), $y in (10, 20) return $x + $y"),
		      "11 21 12 22");
	ASSERT_STR_EQ(fx_str(&fx, "sum(for $v in r/v return $v * 2)"), "12");
	ASSERT_STR_EQ(fx_str(&fx, "count(for $x in () return 1)"), "0");
	ASSERT_STR_EQ(fx_str(&fx, "for $x in 1 to 4 return $x * $x"), "1 4 9 16");
	ASSERT_STR_EQ(fx_str(&fx, "count(1 to 0)"), "0");
	/* A for may return nodes; the result keeps the iteration order. */
	ASSERT_STR_EQ(fx_str(&fx, "for $v in reverse(r/v) return $v"), "3 2 1");
	fx_close(&fx);
}

TEST(xpath_if_then_else)
{
	struct fx fx;
	fx_open(&fx, cmp_doc);
	ASSERT_STR_EQ(fx_str(&fx, "if (1 > 2) then 'a' else 'b'"), "b");
	ASSERT_STR_EQ(fx_str(&fx, "if (r/v) then 'some' else 'none'"), "some");
	ASSERT_STR_EQ(fx_str(&fx, "if (r/zz) then 'some' else 'none'"), "none");
	ASSERT_STR_EQ(fx_str(&fx, "if ('') then 1 else 2"), "2");
	ASSERT_STR_EQ(fx_str(&fx, "if (0.0) then 1 else 2"), "2");
	ASSERT_STR_EQ(fx_str(&fx, "if (number('x')) then 1 else 2"), "2");
	/* The branch not taken is not evaluated: its error never happens. */
	ASSERT_STR_EQ(fx_str(&fx, "if (true()) then 'ok' else xs:decimal('bad')"), "ok");
	ASSERT_STR_EQ(fx_str(&fx, "if (false()) then xs:decimal('bad') else 'ok'"), "ok");
	/* The effective boolean value of several atomic values is an error. */
	ASSERT_STR_EQ(fx_error(&fx, "if ((1, 2)) then 1 else 2"), "FORG0006");
	fx_close(&fx);
}

TEST(xpath_cast_castable)
{
	struct fx fx;
	fx_open(&fx, "<r><q> 12 </q><e/></r>");
	ASSERT_STR_EQ(fx_str(&fx, "('12' cast as xs:integer) + 1"), "13");
	ASSERT_STR_EQ(fx_str(&fx, "(r/q cast as xs:integer) * 2"), "24");
	ASSERT_STR_EQ(fx_str(&fx, "'1.50' cast as xs:decimal"), "1.5");
	ASSERT_STR_EQ(fx_str(&fx, "12 cast as xs:string"), "12");
	ASSERT_STR_EQ(fx_str(&fx, "'1' cast as xs:boolean"), "true");
	ASSERT_STR_EQ(fx_str(&fx, "xs:integer('-007')"), "-7");
	ASSERT_STR_EQ(fx_str(&fx, "xs:double('1e2')"), "100");
	ASSERT_STR_EQ(fx_str(&fx, "xs:string(1.0)"), "1");
	ASSERT_EQ(fx_bool(&fx, "'abc' castable as xs:integer"), false);
	ASSERT_EQ(fx_bool(&fx, "'12' castable as xs:integer"), true);
	ASSERT_EQ(fx_bool(&fx, "'1.5' castable as xs:integer"), false);
	ASSERT_EQ(fx_bool(&fx, "'1.5' castable as xs:decimal"), true);
	ASSERT_EQ(fx_bool(&fx, "'1e5' castable as xs:decimal"), false);
	ASSERT_EQ(fx_bool(&fx, "'1e5' castable as xs:double"), true);
	ASSERT_EQ(fx_bool(&fx, "r/q castable as xs:integer"), true);
	ASSERT_EQ(fx_bool(&fx, "r/e castable as xs:decimal"), false);
	ASSERT_EQ(fx_bool(&fx, "() castable as xs:integer?"), true);
	ASSERT_EQ(fx_bool(&fx, "() castable as xs:integer"), false);
	ASSERT_EQ(fx_bool(&fx, "(1, 2) castable as xs:integer"), false);
	ASSERT_STR_EQ(fx_str(&fx, "() cast as xs:integer?"), "");
	ASSERT_STR_EQ(fx_error(&fx, "() cast as xs:integer"), "XPTY0004");
	ASSERT_STR_EQ(fx_error(&fx, "'x' cast as xs:integer"), "FORG0001");
	ASSERT_STR_EQ(fx_error(&fx, "'1.5' cast as xs:integer"), "FORG0001");
	ASSERT_STR_EQ(fx_error(&fx, "'yes' cast as xs:boolean"), "FORG0001");
	/* A cast does not leave an error behind: the next evaluation works. */
	ASSERT_EQ(fx_bool(&fx, "'x' castable as xs:integer or true()"), true);
	ASSERT_EQ(fx.ctx.err, 0);
	fx_close(&fx);
}

TEST(xpath_date_valid_invalid)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	ASSERT_STR_EQ(fx_str(&fx, "xs:date('2024-02-29')"), "2024-02-29");
	ASSERT_STR_EQ(fx_str(&fx, "xs:date('2000-02-29')"), "2000-02-29");
	ASSERT_STR_EQ(fx_str(&fx, "xs:date(' 2024-12-31Z ')"), "2024-12-31Z");
	ASSERT_STR_EQ(fx_str(&fx, "xs:date('2024-01-01+05:30')"), "2024-01-01+05:30");
	ASSERT_STR_EQ(fx_error(&fx, "xs:date('2023-02-29')"), "FORG0001");
	ASSERT_STR_EQ(fx_error(&fx, "xs:date('1900-02-29')"), "FORG0001");
	ASSERT_STR_EQ(fx_error(&fx, "xs:date('2024-04-31')"), "FORG0001");
	ASSERT_STR_EQ(fx_error(&fx, "xs:date('2024-13-01')"), "FORG0001");
	ASSERT_STR_EQ(fx_error(&fx, "xs:date('20240101')"), "FORG0001");
	ASSERT_STR_EQ(fx_error(&fx, "xs:date('2024-1-01')"), "FORG0001");
	ASSERT_EQ(fx_bool(&fx, "'2024-02-29' castable as xs:date"), true);
	ASSERT_EQ(fx_bool(&fx, "'2023-02-29' castable as xs:date"), false);
	fx_close(&fx);
}

TEST(xpath_date_compare)
{
	struct fx fx;
	fx_open(&fx, "<r><d>2024-05-01</d><d>2023-12-31</d></r>");
	ASSERT_EQ(fx_bool(&fx, "xs:date('2024-01-31') < xs:date('2024-02-01')"), true);
	ASSERT_EQ(fx_bool(&fx, "xs:date('2024-03-01') lt xs:date('2024-02-29')"), false);
	ASSERT_EQ(fx_bool(&fx, "xs:date('2024-02-29') eq xs:date('2024-02-29')"), true);
	ASSERT_EQ(fx_bool(&fx, "xs:date('1999-12-31') < xs:date('2000-01-01')"), true);
	/* Untyped values compared with a date are cast to xs:date. */
	ASSERT_EQ(fx_bool(&fx, "r/d[1] > xs:date('2024-04-30')"), true);
	ASSERT_EQ(fx_bool(&fx, "r/d > xs:date('2024-06-01')"), false);
	ASSERT_EQ(fx_bool(&fx, "xs:date(r/d[2]) < xs:date(r/d[1])"), true);
	/* Zones shift the instant: midnight at +01:00 is 23:00 the day before
	 * in UTC, so the dates differ. */
	ASSERT_EQ(fx_bool(&fx, "xs:date('2024-01-02+01:00') = xs:date('2024-01-02Z')"), false);
	ASSERT_EQ(fx_bool(&fx, "xs:date('2024-01-02+01:00') < xs:date('2024-01-02Z')"), true);
	/* A date does not compare with a string or a number. */
	ASSERT_STR_EQ(fx_error(&fx, "xs:date('2024-01-01') = '2024-01-01'"), "XPTY0004");
	fx_close(&fx);
}

/* --- dynamic errors --- */

TEST(xpath_error_cardinality)
{
	struct fx fx;
	fx_open(&fx, "<r><a>x</a><a>y</a><b>z</b></r>");
	/* A function that takes one item, given two, raises XPTY0004. */
	ASSERT_STR_EQ(fx_error(&fx, "normalize-space(r/a)"), "XPTY0004");
	ASSERT_STR_EQ(fx_error(&fx, "string-length(r/a)"), "XPTY0004");
	ASSERT_STR_EQ(fx_error(&fx, "string(r/a)"), "XPTY0004");
	ASSERT_STR_EQ(fx_error(&fx, "r/a + 1"), "XPTY0004");
	ASSERT_STR_EQ(fx_error(&fx, "exactly-one(r/a)"), "FORG0005");
	ASSERT_STR_EQ(fx_error(&fx, "zero-or-one(r/a)"), "FORG0003");
	/* After the error was cleared, evaluation works again. */
	ASSERT_STR_EQ(fx_str(&fx, "normalize-space(r/b)"), "z");
	ASSERT_STR_EQ(fx_str(&fx, "exactly-one(r/b)"), "z");
	ASSERT_STR_EQ(fx_str(&fx, "one-or-more(r/a)"), "x y");
	/* Regression (a bug found by these tests, fixed): one-or-more(()) must raise FORG0004 (F&O 15.2.2);
	 * cardinality() in xp_func.c raises FORG0005, the code of
	 * exactly-one. */
	ASSERT_STR_EQ(fx_error(&fx, "one-or-more(r/c)"), "FORG0004");
	fx_close(&fx);
}

TEST(xpath_error_cast)
{
	struct fx fx;
	fx_open(&fx, "<r><a>12,50</a></r>");
	ASSERT_STR_EQ(fx_error(&fx, "xs:decimal('abc')"), "FORG0001");
	ASSERT_STR_EQ(fx_error(&fx, "xs:decimal(r/a)"), "FORG0001");
	ASSERT_STR_EQ(fx_error(&fx, "xs:decimal('1e3')"), "FORG0001");
	ASSERT_STR_EQ(fx_error(&fx, "xs:integer('')"), "FORG0001");
	ASSERT_STR_EQ(fx_error(&fx, "r/a * 2"), "FORG0001");
	/* The message names the value. */
	struct xp_seq out;
	int rc = xp_eval(&fx.ctx, fx_compile(&fx, "xs:decimal('abc')"), &fx.focus, &out);
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(fx.ctx.err_msg, "abc");
	fx.ctx.err = 0;
	fx_close(&fx);
}

TEST(xpath_error_sticky_until_reset)
{
	struct fx fx;
	fx_open(&fx, "<r><a>x</a><a>y</a></r>");
	struct xp_expr *bad = fx_compile(&fx, "normalize-space(r/a)");
	struct xp_expr *good = fx_compile(&fx, "count(r/a)");
	struct xp_seq out;
	int rc = xp_eval(&fx.ctx, bad, &fx.focus, &out);
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	ASSERT_EQ(fx.ctx.err, TANDEM_EBADINPUT);
	ASSERT_STR_EQ(fx.ctx.err_code, "XPTY0004");
	/* The first error stays until the caller clears it. */
	rc = xp_eval(&fx.ctx, good, &fx.focus, &out);
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	ASSERT_STR_EQ(fx.ctx.err_code, "XPTY0004");
	fx.ctx.err = 0;
	rc = xp_eval(&fx.ctx, good, &fx.focus, &out);
	ASSERT_EQ(rc, 0);
	ASSERT_EQ(out.n, 1);
	ASSERT_EQ(out.it[0].type, XP_INTEGER);
	const char *p;
	size_t n;
	ASSERT_EQ(xp_item_string(&fx.ctx, &out.it[0], &p, &n), 0);
	ASSERT_EQ(n, 1);
	ASSERT_MEM_EQ(p, "2", 1);
	/* xp_ctx_begin() also starts afresh. */
	rc = xp_eval(&fx.ctx, bad, &fx.focus, &out);
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	xp_ctx_begin(&fx.ctx, fx.doc);
	ASSERT_EQ(fx.ctx.err, 0);
	ASSERT_EQ(xp_eval(&fx.ctx, good, &fx.focus, &out), 0);
	fx_close(&fx);
}

TEST(xpath_error_context_absent)
{
	struct fx fx;
	fx_open(&fx, "<r/>");
	/* With no context item (pos 0), . and relative paths raise XPDY0002. */
	fx.focus.pos = 0;
	ASSERT_STR_EQ(fx_error(&fx, "."), "XPDY0002");
	ASSERT_STR_EQ(fx_error(&fx, "r"), "XPDY0002");
	ASSERT_STR_EQ(fx_str(&fx, "1 + 1"), "2");
	/* With an atomic context item, a path step raises XPTY0020. */
	fx.focus = (struct xp_focus){.item = {.type = XP_BOOLEAN, .v.b = true}, .pos = 1, .size = 1};
	ASSERT_STR_EQ(fx_error(&fx, "r"), "XPTY0020");
	ASSERT_STR_EQ(fx_str(&fx, "."), "true");
	fx_close(&fx);
}

/* --- compile errors --- */

TEST(xpath_compile_unknown_function)
{
	struct fx fx;
	int rc;
	fx_open(&fx, "<r/>");
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "no-such-function(1)", &rc), "unknown function");
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	/* A known function with the wrong number of arguments is unknown too. */
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "substring('a')", &rc), "substring");
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "true(1)", &rc), "true");
	/* Constructors exist for the supported types only. */
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "xs:dateTime('2024-01-01T00:00:00')", &rc),
			    "dateTime");
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	fx_close(&fx);
}

TEST(xpath_compile_unknown_prefix)
{
	struct fx fx;
	int rc;
	fx_open(&fx, "<r/>");
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "//q:item", &rc), "q");
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "//q:item", &rc), "prefix");
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "q:f(1)", &rc), "prefix");
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "'1' cast as q:int", &rc), "prefix");
	fx_close(&fx);
}

TEST(xpath_compile_unknown_variable)
{
	struct fx fx;
	int rc;
	fx_open(&fx, "<r/>");
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "$nope + 1", &rc), "$nope");
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "$nope", &rc), "unknown variable");
	/* A quantifier's variable is not visible after its expression. */
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "(some $x in (1) satisfies $x) and $x", &rc),
			    "$x");
	/* Nor in its own domain. */
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "for $y in $y return 1", &rc), "$y");
	fx_close(&fx);
}

TEST(xpath_compile_unterminated_string)
{
	struct fx fx;
	int rc;
	fx_open(&fx, "<r/>");
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "'abc", &rc), "unterminated");
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "concat(\"a, 'b')", &rc), "unterminated");
	/* A doubled quote is an escaped quote, not the end. */
	ASSERT_STR_EQ(fx_str(&fx, "'it''s'"), "it's");
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "'it''s", &rc), "unterminated");
	fx_close(&fx);
}

TEST(xpath_compile_trailing_garbage)
{
	struct fx fx;
	int rc;
	fx_open(&fx, "<r/>");
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "1 2", &rc), "2");
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "a/b)", &rc), ")");
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(fx_compile_error(&fx, "count(a) ]", &rc), "]");
	/* Incomplete expressions and stray characters fail as well. */
	fx_compile_error(&fx, "1 +", &rc);
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	fx_compile_error(&fx, "(1, 2", &rc);
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	fx_compile_error(&fx, "a[1", &rc);
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	fx_compile_error(&fx, "#", &rc);
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	fx_compile_error(&fx, "", &rc);
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	fx_compile_error(&fx, "foo::bar", &rc);
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	/* Comments are whitespace, and nest. */
	ASSERT_STR_EQ(fx_str(&fx, "1 (: one (: nested :) :) + 2"), "3");
	fx_close(&fx);
}

/* --- Schematron --- */

/* The events of one run, one line each: "id|flag|message" and "|error"
 * after it when the test raised one. */
struct events {
	char text[8192];
	size_t len;
	size_t n;
	size_t errors;
	int stop_after; /* return 7 from the n-th event when > 0 */
};

static int collect_event(void *arg, const struct sch_event *ev)
{
	struct events *e = arg;
	int w = snprintf(e->text + e->len, sizeof e->text - e->len, "%s|%s|%s%s%s\n", ev->id,
			 ev->flag, ev->message, ev->error ? "|" : "", ev->error ? ev->error : "");
	if (w < 0 || (size_t)w >= sizeof e->text - e->len)
		FAIL("too many events for the test buffer");
	if (!ev->node)
		FAIL("event %s without a context node", ev->id);
	e->len += (size_t)w;
	e->n++;
	e->errors += ev->error != NULL;
	if (e->stop_after > 0 && e->n == (size_t)e->stop_after)
		return 7;
	return 0;
}

/* Loads a fixture of tests/data/schematron, which must load. */
static struct sch_schema *load_sch(const char *file)
{
	char path[256], err[512];
	struct sch_schema *s = NULL;
	snprintf(path, sizeof path, "%s/%s", SCH_DATA, file);
	int rc = sch_load(path, &s, err, sizeof err);
	if (rc != 0 || !s)
		FAIL("sch_load(%s) = %d: %s", path, rc, err);
	return s;
}

/* Runs the schema file over xml, collecting the events into ev; returns
 * sch_run's status. */
static int run_sch(const char *file, const char *xml, struct events *ev)
{
	struct sch_schema *s = load_sch(file);
	struct sch_runner *r = NULL;
	if (sch_runner_new(&r) != 0)
		FAIL("sch_runner_new failed");
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "t.xml", NULL, XML_PARSE_NONET);
	if (!doc)
		FAIL("the test document is not well-formed: %s", xml);
	int rc = sch_run(r, s, doc, collect_event, ev);
	xmlFreeDoc(doc);
	sch_runner_free(r);
	sch_free(s);
	return rc;
}

/*
 * The lines of ev whose id starts with prefix, in the order the events
 * came. Patterns may be reported node by node or pattern by pattern, so
 * tests compare each pattern's events on their own.
 */
static const char *lines_of(const struct events *ev, const char *prefix, char *buf, size_t size)
{
	size_t k = 0, plen = strlen(prefix);
	const char *p = ev->text;
	buf[0] = '\0';
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = (size_t)(nl - p) + 1;
		if (strncmp(p, prefix, plen) == 0) {
			if (k + n + 1 > size)
				FAIL("lines_of: buffer too small");
			memcpy(buf + k, p, n);
			k += n;
			buf[k] = '\0';
		}
		p = nl + 1;
	}
	return buf;
}

TEST(sch_first_rule_wins)
{
	struct events ev = {0};
	char buf[4096];
	ASSERT_EQ(run_sch("first_rule.sch", "<r><item/><x/><item/></r>", &ev), 0);
	/* In pattern p1 the first rule fires for each item; the second rule
	 * and the catch-all never see an item. */
	ASSERT_STR_EQ(lines_of(&ev, "first", buf, sizeof buf),
		      "first||first rule\nfirst||first rule\n");
	ASSERT_STR_EQ(lines_of(&ev, "second", buf, sizeof buf), "");
	ASSERT_STR_EQ(lines_of(&ev, "catchall", buf, sizeof buf), "");
	/* The catch-all takes the other elements, in document order. */
	ASSERT_STR_EQ(lines_of(&ev, "other", buf, sizeof buf), "other||other r\nother||other x\n");
	/* Pattern p2 fires for the same items. */
	ASSERT_STR_EQ(lines_of(&ev, "p2", buf, sizeof buf), "p2||pattern two\np2||pattern two\n");
	ASSERT_EQ(ev.n, 6);
	ASSERT_EQ(ev.errors, 0);
}

TEST(sch_assert_report_flag)
{
	struct events ev = {0};
	ASSERT_EQ(run_sch("assert_report.sch", "<inv><id>1</id><note/></inv>", &ev), 0);
	/* A1 fails (no total), A2 holds, R1 fires (a note), R2 does not. */
	ASSERT_STR_EQ(ev.text, "A1|fatal|total missing\nR1|warning|has a note\n");

	struct events ev2 = {0};
	ASSERT_EQ(run_sch("assert_report.sch", "<inv><total/><remark/></inv>", &ev2), 0);
	ASSERT_STR_EQ(ev2.text, "A2|fatal|id missing\nR2|information|has a remark\n");

	/* The rule does not match another root: nothing fires. */
	struct events ev3 = {0};
	ASSERT_EQ(run_sch("assert_report.sch", "<invoice/>", &ev3), 0);
	ASSERT_EQ(ev3.n, 0);

	/* The schema lists its asserts and reports in file order. */
	struct sch_schema *s = load_sch("assert_report.sch");
	struct sch_rule_info info;
	ASSERT_EQ(sch_assert_count(s), 4);
	sch_rule_info(s, 2, &info);
	ASSERT_STR_EQ(info.id, "R1");
	ASSERT_STR_EQ(info.flag, "warning");
	ASSERT_STR_EQ(info.context, "inv");
	ASSERT_STR_EQ(info.test, "note");
	ASSERT_STR_EQ(info.message, "has a note");
	ASSERT_STR_EQ(info.pattern, "ar");
	ASSERT_EQ(info.line, 9);
	ASSERT_EQ(info.report, true);
	sch_rule_info(s, 0, &info);
	ASSERT_STR_EQ(info.id, "A1");
	ASSERT_EQ(info.report, false);
	sch_free(s);
}

TEST(sch_let_variables)
{
	struct events ev = {0};
	ASSERT_EQ(run_sch("lets.sch",
			  "<inv currency='EUR'>"
			  "<line><amount>30</amount></line>"
			  "<line><amount>150.5</amount></line>"
			  "<line><amount>100</amount></line>"
			  "</inv>",
			  &ev),
		  0);
	/* Line 1: $twice = 60 with the pattern's $currency; line 2: over the
	 * schema's $limit; line 3: exactly at the limit, nothing. */
	ASSERT_STR_EQ(ev.text, "L2||twice is 60 EUR\nL1||amount 150.5 over 100\n");
}

TEST(sch_message_value_of_name)
{
	struct events ev = {0};
	ASSERT_EQ(run_sch("messages.sch",
			  "<list>"
			  "<item qty='2'><code>A</code></item>"
			  "<item qty='-1'><code>B</code><code>C</code></item>"
			  "</list>",
			  &ev),
		  0);
	/* The sum of the untyped quantities is a double, 1; value-of of two
	 * nodes writes both, separated by a space. */
	ASSERT_STR_EQ(ev.text, "M1||item has quantity -1, total 1, attribute qty, codes B C\n");
}

TEST(sch_message_name_prefixed)
{
	struct events ev = {0};
	ASSERT_EQ(run_sch("name_prefixed.sch",
			  "<q:list xmlns:q='urn:p'><q:item q:code='X'/></q:list>", &ev),
		  0);
	/* Regression (a bug found by these tests, fixed): <name/> is name() in the skeleton, the QName as written
	 * in the document ("q:item"); message() in sch_run.c writes the local
	 * name only ("item / code / q:item"). */
	ASSERT_STR_EQ(ev.text, "N1||q:item / q:code / q:item\n");
}

TEST(sch_contexts)
{
	struct events ev = {0};
	char buf[4096];
	ASSERT_EQ(run_sch("contexts.sch",
			  "<root currency='GBP'>"
			  "<x id='1' type='a'/>"
			  "<x id='2' type='b'/>"
			  "<sub><x id='3' type='a' currency='EUR'/><y id='y1'/></sub>"
			  "<y id='y2' currency='JPY'/>"
			  "</root>",
			  &ev),
		  0);
	/* x[@type='a']: any x with that attribute, at any depth. */
	ASSERT_STR_EQ(lines_of(&ev, "E1", buf, sizeof buf), "E1||typed 1\nE1||typed 3\n");
	/* @currency: every currency attribute, EUR passes. */
	ASSERT_STR_EQ(lines_of(&ev, "E2", buf, sizeof buf),
		      "E2||bad currency GBP\nE2||bad currency JPY\n");
	/* /root/x: only the children of the root element. */
	ASSERT_STR_EQ(lines_of(&ev, "E3", buf, sizeof buf), "E3||top 1\nE3||top 2\n");
	/* //y: every y. */
	ASSERT_STR_EQ(lines_of(&ev, "E4", buf, sizeof buf), "E4||y y1\nE4||y y2\n");
	/* /: the document node, once. */
	ASSERT_STR_EQ(lines_of(&ev, "E5", buf, sizeof buf), "E5||document node\n");
	/* /root/sub//@currency: attributes of sub and of the elements below it. */
	ASSERT_STR_EQ(lines_of(&ev, "E6", buf, sizeof buf), "E6||sub currency EUR\n");
	ASSERT_EQ(ev.n, 10);
}

TEST(sch_dynamic_error_event)
{
	struct events ev = {0};
	char buf[4096];
	ASSERT_EQ(run_sch("dyn_error.sch", "<r><a>x</a><a>y</a><b>abc</b></r>", &ev), 0);
	/* Two events with the error that stopped the test, then a plain
	 * failure without one; D4 holds. */
	ASSERT_EQ(ev.n, 3);
	ASSERT_EQ(ev.errors, 2);
	ASSERT_STR_CONTAINS(lines_of(&ev, "D1", buf, sizeof buf), "D1||two a elements|");
	ASSERT_STR_CONTAINS(buf, "XPTY0004");
	ASSERT_STR_CONTAINS(lines_of(&ev, "D2", buf, sizeof buf), "D2||b is not a decimal|");
	ASSERT_STR_CONTAINS(buf, "FORG0001");
	ASSERT_STR_EQ(lines_of(&ev, "D3", buf, sizeof buf), "D3||plain failure\n");
	ASSERT_STR_EQ(lines_of(&ev, "D4", buf, sizeof buf), "");

	/* On a valid document the same rules give just the plain failure. */
	struct events ok = {0};
	ASSERT_EQ(run_sch("dyn_error.sch", "<r><a> x </a><b>2</b></r>", &ok), 0);
	ASSERT_STR_EQ(ok.text, "D3||plain failure\n");
}

TEST(sch_include)
{
	struct events ev = {0};
	char buf[4096];
	ASSERT_EQ(run_sch("include_main.sch", "<r><a/><b/><c ok='no'/><c ok='yes'/></r>", &ev), 0);
	ASSERT_STR_EQ(lines_of(&ev, "I0", buf, sizeof buf), "I0||local pattern\n");
	ASSERT_STR_EQ(lines_of(&ev, "I1", buf, sizeof buf), "I1||included pattern on b\n");
	ASSERT_STR_EQ(lines_of(&ev, "I2", buf, sizeof buf), "I2||included rule on c\n");
	ASSERT_EQ(ev.n, 3);
	struct sch_schema *s = load_sch("include_main.sch");
	ASSERT_EQ(sch_assert_count(s), 3);
	sch_free(s);
}

TEST(sch_abstract_extends)
{
	struct events ev = {0};
	ASSERT_EQ(run_sch("abstract.sch",
			  "<inv><seller/><buyer><name/></buyer><other/></inv>", &ev),
		  0);
	/* The seller lacks both its own vat and the inherited name; the
	 * buyer has its name; the abstract rule alone matches nothing. */
	ASSERT_STR_EQ(ev.text, "H1||no name on seller\nH2||no vat on seller\n");

	struct events ev2 = {0};
	ASSERT_EQ(run_sch("abstract.sch", "<inv><seller><name/><vat/></seller><buyer/></inv>", &ev2),
		  0);
	ASSERT_STR_EQ(ev2.text, "H1||no name on buyer\n");
}

TEST(sch_callback_stop)
{
	/* A non-zero value from the callback stops the run and is returned. */
	struct events ev = {.stop_after = 1};
	ASSERT_EQ(run_sch("first_rule.sch", "<r><item/><item/></r>", &ev), 7);
	ASSERT_EQ(ev.n, 1);
}

TEST(sch_load_not_schematron)
{
	char err[512];
	static char dummy;
	struct sch_schema *s = (struct sch_schema *)(void *)&dummy; /* must become NULL */
	int rc = sch_load(SCH_DATA "/not_schematron.sch", &s, err, sizeof err);
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	ASSERT(s == NULL);
	ASSERT_STR_CONTAINS(err, "not_schematron.sch");
	ASSERT_STR_CONTAINS(err, "not an ISO Schematron schema");

	rc = sch_load(SCH_DATA "/not_well_formed.sch", &s, err, sizeof err);
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	ASSERT(s == NULL);
	ASSERT_STR_CONTAINS(err, "not well-formed");
}

TEST(sch_load_bad_test_line)
{
	char err[512];
	struct sch_schema *s = NULL;
	int rc = sch_load(SCH_DATA "/bad_test.sch", &s, err, sizeof err);
	ASSERT_EQ(rc, TANDEM_EBADINPUT);
	ASSERT(s == NULL);
	/* The message names the file, the line of the assert and the test. */
	ASSERT_STR_CONTAINS(err, "bad_test.sch:7:");
	ASSERT_STR_CONTAINS(err, "no-such-function");
	ASSERT_STR_CONTAINS(err, "unknown function");
}

TEST(sch_load_missing_file)
{
	char err[512];
	struct sch_schema *s = NULL;
	int rc = sch_load(SCH_DATA "/does_not_exist.sch", &s, err, sizeof err);
	ASSERT_EQ(rc, TANDEM_EIO);
	ASSERT(s == NULL);
	ASSERT_STR_CONTAINS(err, "does_not_exist.sch");
	ASSERT_STR_CONTAINS(err, "cannot open");
}

/* Writes text to path; false when that fails. */
static bool write_file(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return false;
	bool ok = fwrite(text, 1, len, fp) == len;
	return fclose(fp) == 0 && ok;
}

TEST(sch_load_many_global_lets)
{
	/* A schema with more global lets (1100) than sch_load.c's fixed table
	 * of 1024 but far fewer than the XP_VARS_MAX (4096) variable slots.
	 * It must either load and give every variable its own value, or fail
	 * cleanly with TANDEM_ELIMIT.
	 * KNOWN BUG: declare_global() checks the table size against
	 * nglobals, which only grows in the second pass, so the second pass
	 * writes globals_v[1024] and beyond, over the loader's other fields
	 * (nglobals, next_slot, ...). */
	enum { NLETS = 1100 };
	char dir[] = "/tmp/tandem-xpath-XXXXXX";
	if (!mkdtemp(dir))
		FAIL("mkdtemp failed");
	char path[64];
	snprintf(path, sizeof path, "%s/lets.sch", dir);
	size_t cap = NLETS * 64 + 4096, len = 0;
	char *text = malloc(cap);
	if (!text)
		FAIL("out of memory");
	len += (size_t)snprintf(text + len, cap - len,
				"<schema xmlns='http://purl.oclc.org/dsdl/schematron' "
				"queryBinding='xslt2'>\n");
	for (int i = 0; i < NLETS; i++)
		len += (size_t)snprintf(text + len, cap - len, "<let name='v%d' value='%d'/>\n", i,
					i);
	len += (size_t)snprintf(text + len, cap - len,
				"<pattern id='p'><rule context='/r'>"
				"<report id='first' test='$v0 = 0'>v0 <value-of select='$v0'/></report>"
				"<report id='last' test='$v%d = %d'>v%d <value-of select='$v%d'/></report>"
				"<report id='sum' test='true()'><value-of select='$v1 + $v1023 + $v1024'/></report>"
				"</rule></pattern></schema>\n",
				NLETS - 1, NLETS - 1, NLETS - 1, NLETS - 1);
	bool written = write_file(path, text, len);
	free(text);
	if (!written)
		FAIL("cannot write %s", path);

	char err[512];
	struct sch_schema *s = NULL;
	int rc = sch_load(path, &s, err, sizeof err);
	unlink(path);
	rmdir(dir);
	if (rc == TANDEM_ELIMIT) {
		ASSERT(s == NULL);
		ASSERT_STR_CONTAINS(err, "variables");
		return;
	}
	ASSERT_EQ(rc, 0);
	struct sch_runner *r = NULL;
	ASSERT_EQ(sch_runner_new(&r), 0);
	xmlDocPtr doc = xmlReadMemory("<r/>", 4, "t.xml", NULL, XML_PARSE_NONET);
	ASSERT(doc != NULL);
	struct events ev = {0};
	rc = sch_run(r, s, doc, collect_event, &ev);
	xmlFreeDoc(doc);
	sch_runner_free(r);
	sch_free(s);
	ASSERT_EQ(rc, 0);
	ASSERT_STR_EQ(ev.text, "first||v0 0\nlast||v1099 1099\nsum||2048\n");
}
