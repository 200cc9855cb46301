/*
 * tests/test_cand.c - the candidate contexts a runner keeps across
 * documents (src/schematron/sch_run.c, struct xcand): they belong to one
 * rule set, even when another set is later compiled at the same address,
 * and to one prefix, since a name predicate such as starts-with(name(),
 * 'a:') reads it.
 */
#include <libxml/parser.h>
#include <stdio.h>
#include <unistd.h>

#include "schematron/schematron.h"
#include "schematron/schematron_int.h"
#include "tandem/buf.h"
#include "sch_helpers.h"
#include "test.h"

static const char sch_x[] =
	"<schema xmlns='http://purl.oclc.org/dsdl/schematron' queryBinding='xslt2'>\n"
	" <pattern id='p'>\n"
	"  <rule context=\"*[starts-with(name(), 'a:')]\">\n"
	"   <report id='X1' test='true()'>prefixed <name/></report>\n"
	"  </rule>\n"
	"  <rule context='item'><report id='X2' test='true()'>item</report></rule>\n"
	" </pattern>\n"
	"</schema>\n";

static const char sch_y[] =
	"<schema xmlns='http://purl.oclc.org/dsdl/schematron' queryBinding='xslt2'>\n"
	" <pattern id='p'>\n"
	"  <rule context='code'><report id='Y1' test='true()'>code</report></rule>\n"
	"  <rule context=\"*[ends-with(name(), 'code')]\">\n"
	"   <report id='Y2' test='true()'>ends <name/></report>\n"
	"  </rule>\n"
	" </pattern>\n"
	"</schema>\n";

/* The same local names and namespace, with two prefixes. */
static const char doc_a[] = "<r xmlns:a='urn:u'><item/><a:xcode/></r>";
static const char doc_b[] = "<r xmlns:b='urn:u'><item/><b:xcode/></r>";

struct events {
	char text[1024];
	size_t len;
};

static int on_event(void *arg, const struct sch_event *ev)
{
	struct events *e = arg;
	int w = snprintf(e->text + e->len, sizeof e->text - e->len, "%s %s|", ev->id, ev->message);
	if (w > 0 && (size_t)w < sizeof e->text - e->len)
		e->len += (size_t)w;
	return 0;
}

static void expect_run(struct sch_runner *r, const struct sch_schema *s, const char *xml,
		       const char *want)
{
	struct events ev = {0};
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "c.xml", NULL, 0);
	ASSERT(doc != NULL);
	ASSERT_EQ(sch_run(r, s, doc, on_event, &ev), 0);
	xmlFreeDoc(doc);
	ASSERT_STR_EQ(ev.text, want);
}

TEST(cand_lists_follow_rule_set_and_prefix)
{
	struct sch_runner *r = NULL;
	ASSERT_EQ(sch_runner_new(&r), 0);
	struct sch_schema *x = sch_from_text(sch_x);
	expect_run(r, x, doc_a, "X2 item|X1 prefixed a:xcode|");
	expect_run(r, x, doc_b, "X2 item|");
	expect_run(r, x, doc_a, "X2 item|X1 prefixed a:xcode|");
	/* Y is likely compiled where X was: the lists kept for X must not serve it. */
	sch_free(x);
	struct sch_schema *y = sch_from_text(sch_y);
	expect_run(r, y, doc_a, "Y2 ends a:xcode|");
	x = sch_from_text(sch_x);
	expect_run(r, x, doc_b, "X2 item|");
	expect_run(r, y, doc_b, "Y2 ends b:xcode|");
	expect_run(r, x, doc_a, "X2 item|X1 prefixed a:xcode|");
	sch_free(x);
	sch_free(y);
	sch_runner_free(r);
}

/* A document of count elements named e<offset>.. before a:c0, item and a:c1. */
static void many_names(struct tandem_buf *xml, int offset, int count)
{
	tandem_buf_reset(xml);
	ASSERT_EQ(tandem_buf_puts(xml, "<r xmlns:a='urn:u'>"), 0);
	for (int i = 0; i < count; i++)
		ASSERT_EQ(tandem_buf_printf(xml, "<e%d/>", offset + i), 0);
	ASSERT_EQ(tandem_buf_puts(xml, "<a:c0/><item/><a:c1/></r>"), 0);
	ASSERT_EQ(tandem_buf_putc(xml, '\0'), 0);
}

/*
 * More distinct names than either table holds (768 in a document, 1536
 * kept across documents): in one document the names beyond take the long
 * way; over several, the kept lists are forgotten and built again. The
 * verdicts stay the same.
 */
TEST(cand_tables_full_same_verdicts)
{
	const char *want = "X1 prefixed a:c0|X2 item|X1 prefixed a:c1|";
	struct tandem_buf xml;
	tandem_buf_init(&xml, 1u << 20);
	struct sch_schema *x = sch_from_text(sch_x);
	struct sch_runner *r = NULL;
	ASSERT_EQ(sch_runner_new(&r), 0);
	for (int round = 0; round < 2; round++) {
		many_names(&xml, 0, 2000);
		expect_run(r, x, (const char *)xml.data, want);
		for (int k = 0; k < 4; k++) {
			many_names(&xml, 10000 + 700 * k, 700);
			expect_run(r, x, (const char *)xml.data, want);
			expect_run(r, x, doc_a, "X2 item|X1 prefixed a:xcode|");
		}
	}
	sch_runner_free(r);
	sch_free(x);
	tandem_buf_release(&xml);
}

static const char sch_parent[] =
	"<schema xmlns='http://purl.oclc.org/dsdl/schematron' queryBinding='xslt2'>\n"
	" <ns prefix='u' uri='urn:u'/>\n"
	" <pattern id='by-parent'>\n"
	"  <rule context='/r/x'><report id='P1' test='true()'>r</report></rule>\n"
	"  <rule context='a/x'><report id='P2' test='true()'>a</report></rule>\n"
	"  <rule context='u:b/x'><report id='P3' test='true()'>u:b</report></rule>\n"
	"  <rule context='x/@id'><report id='P4' test='true()'>@id</report></rule>\n"
	"  <rule context='c//x'><report id='P5' test='true()'>c//</report></rule>\n"
	" </pattern>\n"
	" <pattern id='any'>\n"
	"  <rule context='x'><report id='P6' test='true()'>x</report></rule>\n"
	" </pattern>\n"
	" <pattern id='root'>\n"
	"  <rule context='/r'><report id='R1' test='true()'>root</report></rule>\n"
	" </pattern>\n"
	"</schema>\n";

/*
 * A node's candidates depend on its parent's kind, name and namespace: the
 * same x under r, a, v:b, then u:b (same local name, another namespace: the
 * lists built for v:b lack u:b/x), and c/d (after //, the parent decides
 * nothing) fires different rules, in every document the runner sees, and
 * still when one name has more parents than the runner keeps lists for
 * (the lists for any parent). /r: the root element's parent is the
 * document node.
 */
TEST(cand_lists_by_parent)
{
	static const char doc[] = "<r xmlns:u='urn:u' xmlns:v='urn:v'><x id='1'/><a><x/></a>"
				  "<v:b><x/></v:b><u:b><x/></u:b><c><d><x/></d></c><y id='2'/></r>";
	const char *want = "R1 root|P1 r|P6 x|P4 @id|P2 a|P6 x|P6 x|P3 u:b|P6 x|P5 c//|P6 x|";
	struct sch_schema *s = sch_from_text(sch_parent);
	struct sch_runner *r = NULL;
	ASSERT_EQ(sch_runner_new(&r), 0);
	expect_run(r, s, doc, want);
	expect_run(r, s, doc, want);
	struct tandem_buf xml;
	tandem_buf_init(&xml, 1u << 16);
	ASSERT_EQ(tandem_buf_puts(&xml, "<r>"), 0);
	for (int i = 0; i < 40; i++)
		ASSERT_EQ(tandem_buf_printf(&xml, "<p%d><x/></p%d>", i, i), 0);
	ASSERT_EQ(tandem_buf_puts(&xml, "<a><x/></a><x/></r>"), 0);
	ASSERT_EQ(tandem_buf_putc(&xml, '\0'), 0);
	char many[1024];
	size_t at = (size_t)snprintf(many, sizeof many, "R1 root|");
	for (int i = 0; i < 40; i++)
		at += (size_t)snprintf(many + at, sizeof many - at, "P6 x|");
	snprintf(many + at, sizeof many - at, "P2 a|P6 x|P1 r|P6 x|");
	expect_run(r, s, (const char *)xml.data, many);
	expect_run(r, s, doc, want);
	tandem_buf_release(&xml);
	sch_runner_free(r);
	sch_free(s);
}
