/*
 * tests/test_xml_runs.c - long runs of plain text, which einv_xml_parse()
 * gives libxml2 as stand-ins (src/einvoice/xml_scan.c, xml.c): which texts
 * the scan takes, and that the tree, its text and its line numbers are
 * libxml2's own on the original (fuzz/xml_same.h), with the stand-ins
 * used (no retry) for a well-formed document and a retry, with libxml2's
 * own error, for a malformed one.
 */
#include <stdio.h>
#include <string.h>

#include "../fuzz/xml_same.h"
#include "core/core.h"
#include "test.h"

#define DOC_MAX 65536

/* n bytes of base64-like text, a line end `eol` after every 76. */
static size_t b64(char *out, size_t n, const char *eol)
{
	static const char alpha[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		out[k++] = alpha[(i * 7 + i / 64) % 64];
		if (eol[0] && i % 76 == 75)
			for (const char *e = eol; *e; e++)
				out[k++] = *e;
	}
	out[k] = '\0';
	return k;
}

/* form with each '@' replaced by text, into out (DOC_MAX bytes). */
static void fill(char *out, const char *form, const char *text)
{
	size_t k = 0, n = strlen(text);
	for (const char *f = form; *f; f++) {
		if (*f == '@') {
			ASSERT(k + n < DOC_MAX);
			memcpy(out + k, text, n);
			k += n;
		} else {
			ASSERT(k + 1 < DOC_MAX);
			out[k++] = *f;
		}
	}
	out[k] = '\0';
}

static struct einv_xml_scan scan_of(const char *xml, bool find_runs)
{
	struct einv_xml_scan s = {.find_runs = find_runs};
	ASSERT_EQ(einv_xml_scan(xml, strlen(xml), &s), 0);
	return s;
}

TEST(einv_xml_scan_finds_runs)
{
	static char run[4096], xml[DOC_MAX];
	b64(run, 400, "\n"); /* 400 bytes, 5 line feeds */
	fill(xml, "<r><a>@</a><b/>@<c x='>'>@</c></r>", run);
	struct einv_xml_scan s = scan_of(xml, true);
	ASSERT_EQ(s.n, 3);
	ASSERT_EQ(s.runs[0].at, strlen("<r><a>"));
	ASSERT_EQ(s.runs[0].len, strlen(run));
	ASSERT_EQ(s.runs[0].lf, 5);
	ASSERT(!s.runs[0].cr);
	ASSERT_EQ(s.runs[1].at, strlen("<r><a>") + strlen(run) + strlen("</a><b/>"));
	ASSERT_EQ(memcmp(xml + s.runs[2].at, run, strlen(run)), 0);
	einv_xml_scan_free(&s);

	/* Not asked for. */
	s = scan_of(xml, false);
	ASSERT_EQ(s.n, 0);
	einv_xml_scan_free(&s);

	/* Line ends: carriage returns are noted, line feeds counted. */
	b64(run, 400, "\r\n");
	fill(xml, "<r><a>@</a></r>", run);
	s = scan_of(xml, true);
	ASSERT_EQ(s.n, 1);
	ASSERT_EQ(s.runs[0].lf, 5);
	ASSERT(s.runs[0].cr);
	einv_xml_scan_free(&s);
}

TEST(einv_xml_scan_leaves_other_texts)
{
	static char run[4096], xml[DOC_MAX];
	b64(run, 400, "");
	const char *forms[] = {
		"<r><a>@&amp;</a></r>",    /* a reference */
		"<r><a>@]</a></r>",        /* ']' */
		"<r><a>@\xc3\xa9</a></r>", /* UTF-8 */
		"<r><a>@\t</a></r>",       /* a tab */
		"<r/>@",                   /* after the root element */
		"@<r/>",                   /* before it */
		"<r><!--@--></r>",         /* a comment */
		"<r><![CDATA[@]]></r>",    /* a CDATA section */
		"<r><?pi @?></r>",         /* a processing instruction */
		"<r><a/></r>@<b>",         /* depth back to 0 */
	};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		fill(xml, forms[i], run);
		struct einv_xml_scan s = scan_of(xml, true);
		if (s.n != 0)
			FAIL("form %zu: %zu runs", i, s.n);
		einv_xml_scan_free(&s);
	}
	/* The shortest run taken, and one byte less. */
	run[EINV_XML_RUN_MIN] = '\0';
	fill(xml, "<r><a>@</a></r>", run);
	struct einv_xml_scan s = scan_of(xml, true);
	ASSERT_EQ(s.n, 1);
	ASSERT_EQ(s.runs[0].len, EINV_XML_RUN_MIN);
	einv_xml_scan_free(&s);
	run[EINV_XML_RUN_MIN - 1] = '\0';
	fill(xml, "<r><a>@</a></r>", run);
	s = scan_of(xml, true);
	ASSERT_EQ(s.n, 0);
	einv_xml_scan_free(&s);
}

/* Parses xml, checks it against libxml2, and returns the retries it took. */
static unsigned long same(const char *xml, int want_rc)
{
	unsigned long before = einv_xml_retries();
	int rc = xml_same_check(xml, strlen(xml));
	if (rc != want_rc)
		FAIL("einv_xml_parse = %d, not %d, for %.60s...", rc, want_rc, xml);
	return einv_xml_retries() - before;
}

TEST(einv_xml_runs_same_tree)
{
	static char run[8192], crlf[8192], cr[8192], flat[8192], xml[DOC_MAX];
	b64(run, 1000, "\n");
	b64(crlf, 1000, "\r\n");
	b64(cr, 1000, "\r");
	b64(flat, 1000, "");
	const char *forms[] = {
		"<?xml version='1.0' encoding='UTF-8'?>\n<r xmlns='urn:x'>\n <a>@</a>\n <b n='1'>x</b>\n</r>\n",
		"<r>\r\n <a>@</a>\r\n <b>x</b>\r\n</r>",
		"<r><a>@<!-- c -->tail</a><b/></r>",
		"<r><a><![CDATA[]]>@</a><b/></r>",
		"<r><a>@</a>@<b>@</b>@</r>",
		"<?xml version='1.0' encoding='US-ASCII'?><r><a>@</a></r>",
	};
	const char *texts[] = {run, crlf, cr, flat};
	for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++)
		for (size_t t = 0; t < 4; t++) {
			fill(xml, forms[f], texts[t]);
			if (same(xml, 0) != 0)
				FAIL("form %zu, text %zu: parsed again", f, t);
		}
}

TEST(einv_xml_runs_text_and_lines)
{
	static char run[8192], xml[DOC_MAX];
	struct tandem_arena a;
	struct tandem_diag d;
	xmlDocPtr doc = NULL;
	b64(run, 760, "\r\n"); /* 10 lines of 76, each ending "\r\n" */
	fill(xml, "<r>\n<a>@</a>\n<b/>\n</r>", run);
	tandem_arena_init(&a, 1u << 20);
	tandem_diag_init(&d, 10);
	unsigned long before = einv_xml_retries();
	ASSERT_EQ(einv_xml_parse(&a, xml, strlen(xml), "test", &d, &doc), 0);
	ASSERT_EQ(einv_xml_retries(), before);
	xmlNodePtr r = xmlDocGetRootElement(doc), na = r->children->next, nb = na->next->next;
	ASSERT_STR_EQ((const char *)na->name, "a");
	ASSERT_STR_EQ((const char *)nb->name, "b");
	/* "\r\n" is read as "\n"; <b/> is on line 2 + 10 + 1. */
	b64(run, 760, "\n");
	ASSERT_STR_EQ((const char *)na->children->content, run);
	ASSERT_EQ(xmlGetLineNo(nb), 13);
	tandem_diag_release(&d);
	tandem_arena_release(&a);
}

TEST(einv_xml_runs_malformed_parsed_again)
{
	static char run[8192], xml[DOC_MAX];
	b64(run, 1000, "\n");
	/* An end tag that does not match, after the run: libxml2's own error
	 * and line, from a second parse of the original. */
	fill(xml, "<r>\n<a>@</b>\n</r>", run);
	ASSERT_EQ(same(xml, TANDEM_EBADINPUT), 1);
	/* Before the run, the same. */
	fill(xml, "<r>\n<a x='1' x='2'>@</a>\n</r>", run);
	ASSERT_EQ(same(xml, TANDEM_EBADINPUT), 1);
	/* Text after the root element is not a run: no stand-in, no retry. */
	fill(xml, "<r/>\n@", run);
	ASSERT_EQ(same(xml, TANDEM_EBADINPUT), 0);
}
