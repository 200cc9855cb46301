/*
 * tests/test_value_keep.c - asserts kept by the strings they depend on
 * (xp_value_inputs() in src/schematron/xp_inputs.c, the runner's table in
 * sch_value.c): which tests depend only on their node's string value and
 * its attributes', and that a runner keeping their values reports exactly
 * what one evaluating every assert reports, over nodes and documents.
 */
#include <libxml/parser.h>
#include <stdio.h>

#include "schematron/schematron.h"
#include "schematron/schematron_int.h"
#include "sch_helpers.h"
#include "test.h"

/* The inputs of text, space-separated ('.' for the node, '@name'), or "-"
 * when it is not kept by value. */
static void inputs_of(const char *text, char *out, size_t size)
{
	struct tandem_arena a;
	int next_slot = 0;
	struct xp_compiler cc = {.arena = &a, .next_slot = &next_slot};
	struct xp_expr *e = NULL;
	struct xp_test t[SCH_VALUE_MAX];

	tandem_arena_init(&a, 1u << 20);
	if (xp_compile(&cc, text, &e) != 0)
		FAIL("xp_compile(\"%s\"): %s", text, cc.err);
	size_t n = xp_value_inputs(e, t, SCH_VALUE_MAX);
	snprintf(out, size, "%s", n == 0 ? "-" : "");
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s%s", i ? " " : "",
			 t[i].kind == XP_TEST_NODE ? "." : "@",
			 t[i].kind == XP_TEST_NODE ? "" : t[i].local);
	tandem_arena_release(&a);
}

#define ASSERT_INPUTS(text, want)                        \
	do {                                             \
		char got_[256];                          \
		inputs_of(text, got_, sizeof got_);      \
		ASSERT_STR_EQ(got_, want);               \
	} while (0)

TEST(value_inputs_only_from_the_node_and_its_attributes)
{
	ASSERT_INPUTS("string-length(substring-after(.,'.')) <= 2", ".");
	ASSERT_INPUTS("(not(contains(normalize-space(@c), ' ')) and contains(' EUR USD ', "
		      "concat(' ', normalize-space(@c), ' ')))", "@c");
	ASSERT_INPUTS("exists(@a) and @a = @b", "@a @b");
	ASSERT_INPUTS("string-length() > 2", ".");
	ASSERT_INPUTS("normalize-space() != ''", ".");
	ASSERT_INPUTS("xs:decimal(.) >= 0 and round(xs:decimal(.)) = 1", ".");
	/* Nothing to keep it by: a constant is not kept. */
	ASSERT_INPUTS("true()", "-");
	/* At most SCH_VALUE_MAX inputs. */
	ASSERT_INPUTS("@a = @b or @c = 'x'", "-");
	/* Anything beyond the node and its own attributes. */
	ASSERT_INPUTS("normalize-space(id) != ''", "-");
	ASSERT_INPUTS("../@c = 'EUR'", "-");
	ASSERT_INPUTS("@* = 'x'", "-");
	ASSERT_INPUTS("@c[. = 'x']", "-");
	ASSERT_INPUTS("name() = 'amount'", "-");
	ASSERT_INPUTS("local-name(.) = 'amount'", "-");
	ASSERT_INPUTS("count(//amount) = 1", "-");
	ASSERT_INPUTS("some $x in @c satisfies $x = 'y'", "-");
	ASSERT_INPUTS(". is .", "-");
	ASSERT_INPUTS("position() = 1", "-");
	ASSERT_INPUTS("(@a | @b) = 'x'", "-");
}

/*
 * V1 to V6 depend on the node's and its attributes' strings only and are
 * kept; V7 reads a child and is evaluated each time. V4 raises an error on
 * "x", which is never kept.
 */
static const char value_sch[] =
	"<schema xmlns='http://purl.oclc.org/dsdl/schematron' queryBinding='xslt2'>\n"
	" <ns prefix='xs' uri='http://www.w3.org/2001/XMLSchema'/>\n"
	" <pattern id='v'>\n"
	"  <rule context='amount'>\n"
	"   <assert id='V1' test=\"contains(' EUR USD ', concat(' ', normalize-space(@c), ' '))\">"
	"V1 <value-of select='@c'/></assert>\n"
	"   <assert id='V2' test=\"string-length(substring-after(., '.')) &lt;= 2\">V2 "
	"<value-of select='.'/></assert>\n"
	"   <report id='V3' test='exists(@c)'>V3</report>\n"
	"   <assert id='V4' test='xs:decimal(.) &gt;= 0'>V4</assert>\n"
	"   <assert id='V5' test='not(@lo) or @lo = @hi'>V5</assert>\n"
	"   <assert id='V6' test=\"normalize-space() != ''\">V6</assert>\n"
	"   <assert id='V7' test=\"normalize-space(id) != ''\">V7</assert>\n"
	"  </rule>\n"
	"  <rule context='id'>\n"
	"   <let name='n' value='count(//id)'/>\n"
	"   <assert id='V8' test='$n = 3 and . = .'>V8</assert>\n"
	"  </rule>\n"
	" </pattern>\n"
	"</schema>\n";

static const char value_xml[] =
	"<r>"
	"<amount c='EUR'>1.00<id>a</id></amount>"
	"<amount c='EUR'>1.00<id/></amount>"
	"<amount c=' EUR '>1.005<id>b</id></amount>"
	"<amount c='GBP'>x</amount>"
	"<amount>2</amount>"
	"<amount c=''>1.00</amount>"
	"<amount c='USD' lo='1' hi='1'>x</amount>"
	"<amount c='USD' lo='1' hi='2'> </amount>"
	"<amount c='EUR'>1.00<id>a</id></amount>"
	"</r>";

struct events {
	char text[8192];
	size_t len;
};

static int on_event(void *arg, const struct sch_event *ev)
{
	struct events *e = arg;
	int w = snprintf(e->text + e->len, sizeof e->text - e->len, "%s:%ld %s%s%s\n", ev->id,
			 xmlGetLineNo(ev->node), ev->message, ev->error ? " ! " : "",
			 ev->error ? ev->error : "");
	if (w > 0 && (size_t)w < sizeof e->text - e->len)
		e->len += (size_t)w;
	return 0;
}

static size_t nvalue_of(const struct sch_schema *s, const char *id)
{
	for (size_t i = 0; i < s->nasserts; i++)
		if (strcmp(s->asserts[i].id, id) == 0)
			return s->asserts[i].nvalue;
	FAIL("no assert %s", id);
}

TEST(value_kept_without_changing_a_verdict)
{
	struct sch_schema *s = sch_from_text(value_sch);
	static const char *const ids[] = {"V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8"};
	static const size_t want[] = {1, 1, 1, 1, 2, 1, 0, 0};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		ASSERT_EQ(nvalue_of(s, ids[i]), want[i]);

	xmlDocPtr doc = xmlReadMemory(value_xml, (int)strlen(value_xml), "v.xml", NULL, 0);
	ASSERT(doc != NULL);
	struct sch_runner *full = NULL, *kept = NULL;
	ASSERT_EQ(sch_runner_new(&full), 0);
	ASSERT_EQ(sch_runner_new(&kept), 0);
	sch_runner_keep_values(full, false);
	struct events a = {0}, b = {0}, c = {0};
	ASSERT_EQ(sch_run(full, s, doc, on_event, &a), 0);
	ASSERT_EQ(sch_run(kept, s, doc, on_event, &b), 0);
	ASSERT_STR_EQ(b.text, a.text);
	ASSERT_EQ(sch_runner_values_kept(full), 0);
	/* What fires: the currencies that are not EUR or USD, the decimals
	 * beyond two, the values that are no decimals, lo beside another hi. */
	ASSERT_STR_CONTAINS(a.text, "V1:1 V1 GBP\n");
	ASSERT_STR_CONTAINS(a.text, "V2:1 V2 1.005b\n");
	ASSERT_STR_CONTAINS(a.text, "V5:1 V5\n");
	ASSERT_STR_CONTAINS(a.text, "V4:1 V4 ! FORG0001");
	ASSERT_STR_CONTAINS(a.text, "V7:1 V7\n");
	/*
	 * The nine nodes' @c: EUR, EUR, " EUR ", GBP, none, "", USD, USD, EUR
	 * (V1 and V3 answered 3 times each); their string values (the id
	 * child's text included): "1.00a", "1.00", "1.005b", "x", "2", "1.00",
	 * "x", " ", "1.00a" (V2 and V6 3 times; V4 once, on the second "1.00":
	 * its errors are not kept); @lo and @hi: none on six, (1, 1), (1, 2)
	 * (V5 6 times). V7 reads a child, V8 a rule's variable: never. A
	 * bucket holds two keys, and 35 keys in 512 buckets may yet put three
	 * in one (the hash covers the rule set's serial, which depends on the
	 * tests run before): the bounds allow two such losses.
	 */
	size_t first = sch_runner_values_kept(kept);
	ASSERT(first <= 3 + 3 + 3 + 1 + 6 + 3 && first >= 17);
	/* The same document again: every kept value is found, V4's on the
	 * three nodes without an error only. */
	ASSERT_EQ(sch_run(kept, s, doc, on_event, &c), 0);
	ASSERT_STR_EQ(c.text, a.text);
	size_t second = sch_runner_values_kept(kept) - first;
	ASSERT(second <= 9 * 5 + 3 && second >= 9 * 5 + 3 - 2);
	xmlFreeDoc(doc);
	sch_runner_free(full);
	sch_runner_free(kept);
	sch_free(s);
}
