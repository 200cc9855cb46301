/*
 * tests/test_quiet.c - asserts a document's missing names decide
 * (xp_quiet_names() in src/schematron/xp_quiet.c, the runner's use of it in
 * sch_run.c): which names an expression gets - only those whose absence
 * gives its value without an error the evaluator would raise first - and
 * that a run which skips the asserts so decided reports exactly what a
 * full evaluation reports, errors included.
 */
#include <libxml/parser.h>
#include <stdio.h>
#include <unistd.h>

#include "schematron/schematron.h"
#include "schematron/schematron_int.h"
#include "sch_helpers.h"
#include "test.h"

/* The local names xp_quiet_names() gives for text, space-separated, sorted. */
static void quiet_of(const char *text, bool value, char *out, size_t size)
{
	struct tandem_arena a;
	int next_slot = 0;
	struct xp_compiler cc = {.arena = &a, .next_slot = &next_slot};
	struct xp_expr *e = NULL;
	const struct xp_test *t[8];
	const char *names[8];

	tandem_arena_init(&a, 1u << 20);
	if (xp_compile(&cc, text, &e) != 0)
		FAIL("xp_compile(\"%s\"): %s", text, cc.err);
	size_t n = xp_quiet_names(e, value, t, 8);
	for (size_t i = 0; i < n; i++)
		names[i] = t[i]->local;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *x = names[j];
			names[j] = names[j - 1];
			names[j - 1] = x;
		}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "", names[i]);
	tandem_arena_release(&a);
}

#define ASSERT_QUIET(text, value, want)                  \
	do {                                             \
		char got_[256];                          \
		quiet_of(text, value, got_, sizeof got_); \
		ASSERT_STR_EQ(got_, want);               \
	} while (0)

TEST(quiet_names_follow_the_evaluation_order)
{
	/* The left operand decides, or the right one after a left one that
	 * cannot raise an error. */
	ASSERT_QUIET("not(a) or b > 1", true, "a");
	ASSERT_QUIET("b > 1 or not(a)", true, "");
	ASSERT_QUIET("b = 'x' or not(a)", true, "a");
	ASSERT_QUIET("not(x/a) or not(y)", true, "a x y");
	/* Both sides of "and" must hold. */
	ASSERT_QUIET("not(a) and not(b)", true, "");
	ASSERT_QUIET("not(x/a) and empty(x/b)", true, "x");
	/* Nothing to check: "every" holds, "some" does not. */
	ASSERT_QUIET("every $v in x/y satisfies $v > 1", true, "x y");
	ASSERT_QUIET("some $v in x/y satisfies $v > 1", false, "x y");
	ASSERT_QUIET("some $v in x/y satisfies $v > 1", true, "");
	/* Reports: the names whose absence makes the test false. */
	ASSERT_QUIET("exists(a) and c = 'x'", false, "a c");
	ASSERT_QUIET("exists(a) or c = 'x'", false, "");
	ASSERT_QUIET("number(c) > 1 and exists(a)", false, "");
	/* A comparison with an empty side is false: both sides run. */
	ASSERT_QUIET("a = b", false, "a b");
	ASSERT_QUIET("a > 1", false, "a");
	ASSERT_QUIET("number(x) = a", false, "");
	/* A step's predicates run on its nodes only; a later step runs
	 * after them, so only when they cannot raise an error. */
	ASSERT_QUIET("exists(a[number(.) > 1]/b)", false, "a");
	ASSERT_QUIET("exists(a[c = 'x']/b)", false, "a b");
	/* A union is empty when both sides are. */
	ASSERT_QUIET("exists(x/c | y/c)", false, "c");
	/* A variable may hold atomic values: its path is not followed, and
	 * "not" of it could raise an error. */
	ASSERT_QUIET("every $v in x satisfies $v/a = 'y'", true, "x");
	ASSERT_QUIET("some $v in x satisfies not($v) or not(a)", false, "x");
	/* count() of nothing is 0, whatever its argument's predicates;
	 * it raises no error of its own. */
	ASSERT_QUIET("count(a) = 0", true, "a");
	ASSERT_QUIET("count(a[number(.) > 1]) <= 1", true, "a");
	ASSERT_QUIET("1 >= count(x/a)", true, "a x");
	ASSERT_QUIET("count(a) eq 0", true, "a");
	ASSERT_QUIET("count(a) = 1", true, "");
	ASSERT_QUIET("count(a) = 1", false, "a");
	ASSERT_QUIET("count(a) > 0", false, "a");
	ASSERT_QUIET("count(a) > -1", false, "");
	ASSERT_QUIET("count(a) > 0 or not(b)", true, "b");
	ASSERT_QUIET("count(a) = 0 and not(b)", true, "");
	ASSERT_QUIET("count(a) > 0 and exists(b)", false, "a b");
	/* Functions that may raise errors decide nothing. */
	ASSERT_QUIET("every $n in x satisfies count(a) = $n", true, "x");
	ASSERT_QUIET("some $n in x satisfies count(a) = $n or not(b)", false, "x");
	ASSERT_QUIET("normalize-space(a) = ''", false, "");
}

/*
 * present holds 'x', which is no number: a test that reads number(present)
 * raises no error (NaN), but xs:decimal(present) does. Every assert below
 * names the missing element "gone"; only some may be skipped.
 */
static const char quiet_sch[] =
	"<schema xmlns='http://purl.oclc.org/dsdl/schematron' queryBinding='xslt2'>\n"
	" <ns prefix='xs' uri='http://www.w3.org/2001/XMLSchema'/>\n"
	" <pattern id='q'>\n"
	"  <rule context='/r'>\n"
	"   <assert id='Q1' test=\"not(gone) or xs:decimal(present) &gt; 0\">Q1</assert>\n"
	"   <assert id='Q2' test=\"xs:decimal(present) &gt; 0 or not(gone)\">Q2</assert>\n"
	"   <report id='Q3' test=\"exists(gone) and xs:decimal(present) &gt; 0\">Q3</report>\n"
	"   <report id='Q4' test=\"xs:decimal(present) &gt; 0 and exists(gone)\">Q4</report>\n"
	"   <assert id='Q5' test=\"every $g in gone satisfies $g = 'y'\">Q5</assert>\n"
	"   <assert id='Q6' test=\"not(gone) and present = 'y'\">Q6 [<value-of select='present'/>]</assert>\n"
	"   <report id='Q7' test=\"not(gone)\">Q7</report>\n"
	"   <assert id='Q9' test='count(gone) &lt;= 1'>Q9</assert>\n"
	"  </rule>\n"
	"  <rule context='item'>\n"
	"   <let name='d' value='xs:decimal(.)'/>\n"
	"   <assert id='Q8' test='not(gone) or $d &gt; 0'>Q8</assert>\n"
	"  </rule>\n"
	" </pattern>\n"
	"</schema>\n";

static const char quiet_xml[] = "<r><present>x</present><item>z</item><item>1</item></r>";

struct events {
	char text[2048];
	size_t len;
};

static int on_event(void *arg, const struct sch_event *ev)
{
	struct events *e = arg;
	int w = snprintf(e->text + e->len, sizeof e->text - e->len, "%s %s%s%s\n", ev->id,
			 ev->message, ev->error ? " ! " : "", ev->error ? ev->error : "");
	if (w > 0 && (size_t)w < sizeof e->text - e->len)
		e->len += (size_t)w;
	return 0;
}

static const char *quiet_of_assert(const struct sch_schema *s, const char *id)
{
	static char out[256];
	out[0] = '\0';
	for (size_t i = 0; i < s->nasserts; i++) {
		const struct sch_assert *a = &s->asserts[i];
		if (strcmp(a->id, id) != 0)
			continue;
		for (size_t k = 0; k < a->nquiet; k++)
			snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", k ? " " : "",
				 a->quiet[k].local);
		return out;
	}
	FAIL("no assert %s", id);
}

TEST(quiet_asserts_skipped_without_changing_a_verdict)
{
	struct sch_schema *s = sch_from_text(quiet_sch);
	ASSERT_STR_EQ(quiet_of_assert(s, "Q1"), "gone");
	ASSERT_STR_EQ(quiet_of_assert(s, "Q2"), "");
	ASSERT_STR_EQ(quiet_of_assert(s, "Q3"), "gone");
	ASSERT_STR_EQ(quiet_of_assert(s, "Q4"), "");
	ASSERT_STR_EQ(quiet_of_assert(s, "Q5"), "gone");
	ASSERT_STR_EQ(quiet_of_assert(s, "Q6"), "");
	ASSERT_STR_EQ(quiet_of_assert(s, "Q7"), "");
	ASSERT_STR_EQ(quiet_of_assert(s, "Q8"), "gone");
	ASSERT_STR_EQ(quiet_of_assert(s, "Q9"), "gone");

	struct sch_runner *r = NULL;
	size_t evaluated = 0, quiet = 0;
	ASSERT_EQ(sch_runner_new(&r), 0);
	xmlDocPtr doc = xmlReadMemory(quiet_xml, (int)strlen(quiet_xml), "q.xml", NULL, 0);
	ASSERT(doc != NULL);
	struct events ev = {0};
	ASSERT_EQ(sch_run(r, s, doc, on_event, &ev), 0);
	/* Q2 and Q4 raise their error before "gone" is looked at; Q6 fails
	 * on present; Q7 fires; Q8's let fails on the first item, so its
	 * assert reports that error though "gone" would keep it silent. */
	ASSERT_STR_EQ(ev.text,
		      "Q2 Q2 ! FORG0001: cannot convert \"x\" to xs:decimal\n"
		      "Q4 Q4 ! FORG0001: cannot convert \"x\" to xs:decimal\n"
		      "Q6 Q6 [x]\n"
		      "Q7 Q7\n"
		      "Q8 Q8 ! FORG0001: cannot convert \"z\" to xs:decimal\n");
	/* Skipped: Q1, Q3, Q5, Q9 on /r, Q8 on the second item. */
	sch_runner_counts(r, &evaluated, &quiet);
	ASSERT_EQ(quiet, 5);
	ASSERT_EQ(evaluated, 5);

	/* With the element there, nothing is skipped. */
	static const char full_xml[] = "<r><present>x</present><gone/><item>1</item></r>";
	xmlDocPtr full = xmlReadMemory(full_xml, (int)strlen(full_xml), "f.xml", NULL, 0);
	ASSERT(full != NULL);
	struct events fev = {0};
	ASSERT_EQ(sch_run(r, s, full, on_event, &fev), 0);
	sch_runner_counts(r, &evaluated, &quiet);
	ASSERT_EQ(quiet, 0);
	ASSERT_EQ(evaluated, 9);
	ASSERT(strstr(fev.text, "Q1 Q1 ! FORG0001") != NULL);
	ASSERT(strstr(fev.text, "Q5 Q5\n") != NULL);
	xmlFreeDoc(full);
	xmlFreeDoc(doc);
	sch_runner_free(r);
	sch_free(s);
}
