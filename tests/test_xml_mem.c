/*
 * tests/test_xml_mem.c - the regions libxml2 allocates parsed documents in
 * (src/einvoice/xml_mem.c): more documents alive than there are regions,
 * a document freed on another thread than the one that parsed it, a tree
 * changed after its parse, a document whose parse outgrows its region, a
 * catalog PI, which libxml2 must ignore, and when a document may go with
 * its region without xmlFreeDoc(); einv_xml_text(), which reads text in
 * place.
 * Each document's content is checked after others were parsed and freed,
 * so a region given back too early, or to two documents, shows.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/catalog.h>
#include <libxml/tree.h>

#include "einvoice/einvoice_int.h"
#include "tandem/arena.h"
#include "tandem/diag.h"
#include "test.h"

#define DOCS 80 /* more than the regions of xml_mem.c (64) */

struct parsed_doc {
	struct tandem_arena a;
	xmlDocPtr doc;
	int n;
};

static void parse_one(struct parsed_doc *p, int n)
{
	char xml[256];
	struct tandem_diag d;
	snprintf(xml, sizeof xml, "<r n='%d'><a>text %d</a><b x='%d'/></r>", n, n, n * 7);
	p->n = n;
	tandem_arena_init(&p->a, 1u << 20);
	tandem_diag_init(&d, 10);
	ASSERT_EQ(einv_xml_parse(&p->a, xml, strlen(xml), "test", &d, &p->doc), 0);
	tandem_diag_release(&d);
}

/* The document holds what parse_one(p, p->n) wrote. */
static void check_one(const struct parsed_doc *p)
{
	char want[64];
	xmlNodePtr r = xmlDocGetRootElement(p->doc);
	ASSERT(r != NULL && r->children != NULL);
	xmlChar *a = xmlNodeGetContent(r->children);
	xmlChar *x = xmlGetProp(r->children->next, BAD_CAST "x");
	snprintf(want, sizeof want, "text %d", p->n);
	ASSERT_STR_EQ((const char *)a, want);
	snprintf(want, sizeof want, "%d", p->n * 7);
	ASSERT_STR_EQ((const char *)x, want);
	xmlFree(a);
	xmlFree(x);
}

TEST(einv_xml_mem_many_documents_alive)
{
	static struct parsed_doc p[DOCS];
	for (int i = 0; i < DOCS; i++)
		parse_one(&p[i], i);
	for (int i = 0; i < DOCS; i++)
		check_one(&p[i]);
	/* Every other one goes, new ones take the freed regions. */
	for (int i = 0; i < DOCS; i += 2)
		tandem_arena_release(&p[i].a);
	for (int i = 0; i < DOCS; i += 2)
		parse_one(&p[i], 1000 + i);
	for (int i = 0; i < DOCS; i++)
		check_one(&p[i]);
	for (int i = 0; i < DOCS; i++)
		tandem_arena_release(&p[i].a);
}

static void *parse_thread(void *arg)
{
	parse_one(arg, 42);
	return NULL;
}

static void *release_thread(void *arg)
{
	tandem_arena_release(arg);
	return NULL;
}

TEST(einv_xml_mem_freed_on_another_thread)
{
	struct parsed_doc p, q;
	pthread_t t;
	ASSERT_EQ(pthread_create(&t, NULL, parse_thread, &p), 0);
	ASSERT_EQ(pthread_join(t, NULL), 0);
	parse_one(&q, 7); /* the main thread's region, while the other is alive */
	check_one(&p);
	ASSERT_EQ(pthread_create(&t, NULL, release_thread, &p.a), 0);
	ASSERT_EQ(pthread_join(t, NULL), 0);
	parse_one(&p, 8);
	check_one(&q);
	check_one(&p);
	tandem_arena_release(&p.a);
	tandem_arena_release(&q.a);
}

TEST(einv_xml_mem_tree_changed_after_parse)
{
	/* Content set after the parse comes from malloc, the content it
	 * replaces was the region's: xmlFreeDoc() frees the one, not the other. */
	struct parsed_doc p;
	parse_one(&p, 3);
	xmlNodePtr r = xmlDocGetRootElement(p.doc);
	xmlNodeSetContent(r->children, BAD_CAST "changed after the parse");
	ASSERT(xmlSetProp(r, BAD_CAST "new", BAD_CAST "attribute") != NULL);
	xmlChar *a = xmlNodeGetContent(r->children);
	ASSERT_STR_EQ((const char *)a, "changed after the parse");
	xmlFree(a);
	tandem_arena_release(&p.a);
	parse_one(&p, 4);
	check_one(&p);
	tandem_arena_release(&p.a);
}

TEST(einv_xml_mem_region_overflow)
{
	/* 24 MiB of text in 24 elements of short lines (libxml2 takes at
	 * most 10 MB in one text node), then 200,000 empty elements: the
	 * input's copy, the texts growing line by line and the nodes (some
	 * 130 bytes for 4 of input) outgrow a 64 MiB region, and the parse
	 * goes on with malloc. */
	const size_t text_bytes = 24u << 20, empty = 200000;
	size_t cap = text_bytes + 4 * empty + 4096, len = 0, lines = 0;
	char *xml = malloc(cap);
	ASSERT(xml != NULL);
	len += (size_t)snprintf(xml, cap, "<r>");
	while (len + (1u << 20) + 64 < text_bytes) {
		len += (size_t)snprintf(xml + len, cap - len, "<a>");
		for (size_t end = len + (1u << 20); len < end; len += 69, lines++) {
			memset(xml + len, 'x', 62);
			/* Each line its own callbacks. */
			snprintf(xml + len + 62, cap - len - 62, "&amp;\r\n");
		}
		len += (size_t)snprintf(xml + len, cap - len, "</a>");
	}
	for (size_t i = 0; i < empty; i++)
		len += (size_t)snprintf(xml + len, cap - len, "<e/>");
	len += (size_t)snprintf(xml + len, cap - len, "<b x='1'/></r>");

	struct tandem_arena a;
	struct tandem_diag d;
	xmlDocPtr doc;
	tandem_arena_init(&a, 1u << 20);
	tandem_diag_init(&d, 10);
	int rc = einv_xml_parse(&a, xml, len, "test", &d, &doc);
	if (rc != 0)
		FAIL("einv_xml_parse = %d: %s", rc, d.count ? d.items[0].message : "?");
	xmlChar *text = xmlNodeGetContent(xmlDocGetRootElement(doc));
	ASSERT(text != NULL);
	/* "&amp;\r\n" reads as "&\n": 64 bytes a line. */
	ASSERT_EQ(strlen((const char *)text), lines * 64);
	xmlFree(text);
	tandem_diag_release(&d);
	tandem_arena_release(&a);
	free(xml);

	struct parsed_doc p;
	parse_one(&p, 5);
	check_one(&p);
	tandem_arena_release(&p.a);
}

TEST(einv_xml_mem_catalog_pi_ignored)
{
	/* Honoured, the PI would set up libxml2's global catalogs during the
	 * parse, in the document's region: it must be ignored. */
	static const char xml[] = "<?xml version='1.0'?>"
				  "<?oasis-xml-catalog catalog='file:///nonexistent'?>"
				  "<r><a>text 9</a><b x='63'/></r>";
	struct parsed_doc p = {.n = 9};
	struct tandem_diag d;
	tandem_arena_init(&p.a, 1u << 20);
	tandem_diag_init(&d, 10);
	ASSERT_EQ(einv_xml_parse(&p.a, xml, strlen(xml), "test", &d, &p.doc), 0);
	tandem_diag_release(&d);
	ASSERT_EQ(xmlCatalogGetDefaults(), XML_CATA_ALLOW_NONE);
	check_one(&p);
	tandem_arena_release(&p.a);
}

TEST(einv_xml_mem_whole_document_goes_with_region)
{
	static const char xml[] = "<r><a>text 1</a><b x='7'/></r>";
	struct einv_xml_region *r = einv_xml_region_begin(sizeof xml);
	ASSERT(r != NULL);
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, 0);
	einv_xml_region_end(r);
	ASSERT(doc != NULL);
	/* Every block of the parse is the region's. */
	ASSERT(einv_xml_region_whole(r));
	/* A libxml2 block from malloc after the parse, anywhere, might be
	 * the document's: from then on it is freed node by node. */
	xmlChar *copy = xmlStrdup(BAD_CAST "outside");
	ASSERT(copy != NULL);
	xmlFree(copy);
	ASSERT(!einv_xml_region_whole(r));
	ASSERT(!einv_xml_region_whole(NULL));
	xmlFreeDoc(doc);
	einv_xml_region_free(r);
}

TEST(einv_xml_text_read_in_place)
{
	static const char xml[] = "<r a='  at tr '>\n  <x> one <y>two</y>\t</x><z/> three &amp; "
				  "<![CDATA[four]]>\r\n</r>";
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NOCDATA);
	ASSERT(doc != NULL);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	char out[64], small[8];
	/* What xmlNodeGetContent() gives, trimmed. */
	einv_xml_text(root, out, sizeof out);
	ASSERT_STR_EQ(out, "one two\t three & four");
	einv_xml_text(root->children->next, out, sizeof out);
	ASSERT_STR_EQ(out, "one two");
	einv_xml_text(root->children->next->next, out, sizeof out);
	ASSERT_STR_EQ(out, "");
	einv_xml_text((xmlNodePtr)root->properties, out, sizeof out);
	ASSERT_STR_EQ(out, "at tr");
	einv_xml_text(root->children, out, sizeof out);
	ASSERT_STR_EQ(out, "");
	/* Cut to the buffer, then trimmed. */
	einv_xml_text(root, small, sizeof small);
	ASSERT_STR_EQ(small, "one two");
	einv_xml_text(root->children->next->children, small, 5);
	ASSERT_STR_EQ(small, "one");
	einv_xml_text(NULL, out, sizeof out);
	ASSERT_STR_EQ(out, "");
	xmlFreeDoc(doc);
}
