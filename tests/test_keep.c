/*
 * tests/test_keep.c - kept subexpressions (xp_keep_mark() in
 * src/schematron/xp_rewrite.c, xp_keep.c): which expressions are kept, per
 * node or per document, and that verdicts with kept values are those of a
 * plain evaluation - values of one node never given to another, a kept
 * string outliving the scratch memory it was computed in, expressions that
 * read a variable or the position never kept; and that a second rule set
 * run over the same document (sch_run_next) meets none of the values the
 * first one kept.
 */
#include <libxml/parser.h>
#include <stdio.h>
#include <unistd.h>

#include "schematron/schematron.h"
#include "schematron/schematron_int.h"
#include "sch_helpers.h"
#include "test.h"

static const char keep_sch[] =
	"<schema xmlns='http://purl.oclc.org/dsdl/schematron' queryBinding='xslt2'>\n"
	" <pattern id='k'>\n"
	"  <rule context='item'>\n"
	"   <assert id='K1' test=\"normalize-space(code) != ''\">empty code: "
	"[<value-of select='normalize-space(code)'/>]</assert>\n"
	"   <report id='K2' test=\"normalize-space(code) = 'B'\">B: "
	"[<value-of select='normalize-space(code)'/>]</report>\n"
	"   <report id='K3' test=\"count(//item[normalize-space(code) = 'B']) = 2\">two Bs</report>\n"
	"   <report id='K4' test='(//item/code)[last()] = code'>last</report>\n"
	"  </rule>\n"
	"  <rule context='r'>\n"
	"   <let name='v' value=\"'A'\"/>\n"
	"   <report id='K5' test='count(//item[normalize-space(code) = $v]) = 1'>one A</report>\n"
	"  </rule>\n"
	" </pattern>\n"
	"</schema>\n";

static const char keep_xml[] =
	"<r><item><code> A </code></item><item><code>B</code></item><item><code/></item>"
	"<item><code> B</code></item></r>";

static struct sch_schema *load_keep_sch(void)
{
	return sch_from_text(keep_sch);
}

static const struct xp_expr *test_of(const struct sch_schema *s, const char *id)
{
	for (size_t i = 0; i < s->nasserts; i++)
		if (strcmp(s->asserts[i].id, id) == 0)
			return s->asserts[i].test;
	FAIL("no assert %s", id);
}

TEST(keep_marks_node_and_document_values)
{
	struct sch_schema *s = load_keep_sch();
	/* normalize-space(code), written five times: kept per node. */
	const struct xp_expr *k1 = test_of(s, "K1")->kids[0];
	ASSERT_EQ(k1->op, XP_OP_CALL);
	ASSERT(k1->keep_id != 0);
	ASSERT(!k1->keep_doc);
	ASSERT_EQ(test_of(s, "K2")->kids[0]->keep_id, k1->keep_id);
	/* count(//item[...]) and (//item/code)[last()]: per document, though
	 * written once (the position is read inside the filter only). */
	const struct xp_expr *k3 = test_of(s, "K3")->kids[0];
	ASSERT(k3->keep_id != 0);
	ASSERT(k3->keep_doc);
	const struct xp_expr *k4 = test_of(s, "K4")->kids[0];
	ASSERT_EQ(k4->op, XP_OP_FILTER);
	ASSERT(k4->keep_doc);
	/* A variable: never kept. */
	ASSERT_EQ(test_of(s, "K5")->kids[0]->keep_id, 0);
	/* A plain child step is not worth keeping. */
	ASSERT_EQ(test_of(s, "K4")->kids[1]->keep_id, 0);
	sch_free(s);
}

struct events {
	char text[2048];
	size_t len;
};

static int on_event(void *arg, const struct sch_event *ev)
{
	struct events *e = arg;
	int w = snprintf(e->text + e->len, sizeof e->text - e->len, "%s %s\n", ev->id, ev->message);
	if (w > 0 && (size_t)w < sizeof e->text - e->len)
		e->len += (size_t)w;
	return 0;
}

TEST(keep_verdicts_are_those_of_plain_evaluation)
{
	struct sch_schema *s = load_keep_sch();
	struct sch_runner *r = NULL;
	ASSERT_EQ(sch_runner_new(&r), 0);
	/* Twice, so the second document meets the values the first one left. */
	for (int round = 0; round < 2; round++) {
		struct events ev = {0};
		xmlDocPtr doc = xmlReadMemory(keep_xml, (int)strlen(keep_xml), "k.xml", NULL, 0);
		ASSERT(doc != NULL);
		ASSERT_EQ(sch_run(r, s, doc, on_event, &ev), 0);
		xmlFreeDoc(doc);
		ASSERT_STR_EQ(ev.text, "K5 one A\n"
				       "K3 two Bs\n"
				       "K2 B: [B]\n"
				       "K3 two Bs\n"
				       "K1 empty code: []\n"
				       "K3 two Bs\n"
				       "K2 B: [B]\n"
				       "K3 two Bs\n"
				       "K4 last\n");
	}
	sch_runner_free(r);
	sch_free(s);
}

/*
 * A second rule set whose first kept expression (string(code/@k)) has the
 * number of keep_sch's first (normalize-space(code)) but another value on
 * the same nodes: run after keep_sch over the same document, reusing its
 * index, it must not be given keep_sch's values.
 */
static const char next_sch[] =
	"<schema xmlns='http://purl.oclc.org/dsdl/schematron' queryBinding='xslt2'>\n"
	" <pattern id='n'>\n"
	"  <rule context='item'>\n"
	"   <assert id='N1' test=\"normalize-space(string(code/@k)) = ''\">k: "
	"[<value-of select='normalize-space(string(code/@k))'/>]</assert>\n"
	"  </rule>\n"
	" </pattern>\n"
	"</schema>\n";

static const char next_xml[] =
	"<r><item><code k=' x '> A </code></item><item><code>B</code></item></r>";

TEST(keep_next_rule_set_meets_no_value_of_the_first)
{
	struct sch_schema *s = load_keep_sch(), *n = sch_from_text(next_sch);
	struct sch_runner *r = NULL, *alone = NULL;
	/* string(code/@k) and normalize-space(code): both kept per item. */
	ASSERT_EQ(test_of(n, "N1")->kids[0]->kids[0]->keep_id, test_of(s, "K1")->kids[0]->keep_id);
	ASSERT_EQ(sch_runner_new(&r), 0);
	ASSERT_EQ(sch_runner_new(&alone), 0);
	xmlDocPtr doc = xmlReadMemory(next_xml, (int)strlen(next_xml), "n.xml", NULL, 0);
	ASSERT(doc != NULL);
	struct events first = {0}, next = {0}, fresh = {0};
	ASSERT_EQ(sch_run(r, s, doc, on_event, &first), 0);
	ASSERT_EQ(sch_run_next(r, n, doc, on_event, &next), 0);
	ASSERT_EQ(sch_run(alone, n, doc, on_event, &fresh), 0);
	ASSERT_STR_EQ(next.text, fresh.text);
	ASSERT_STR_EQ(first.text, "K5 one A\nK2 B: [B]\nK4 last\n");
	ASSERT_STR_EQ(next.text, "N1 k: [x]\n");
	xmlFreeDoc(doc);
	sch_runner_free(alone);
	sch_runner_free(r);
	sch_free(n);
	sch_free(s);
}
