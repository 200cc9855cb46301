/*
 * fuzz/xml_same.h - einv_xml_parse() against libxml2 alone, shared by
 * fuzz_xml_runs.c and tests/test_xml_runs.c. Static inline: each fuzz
 * binary is built from one target file.
 *
 * einv_xml_parse() hands libxml2 stand-ins for long runs of plain text
 * (src/einvoice/xml_scan.c). Whatever the text, the outcome must be what
 * libxml2 gives on the original with the same options and the same
 * callbacks left out (comments, processing instructions): the same tree
 * - node kinds, names, namespaces, line numbers, attributes, text - when
 * einv_xml_parse() accepts it, and the same error, at the same line, when
 * it finds the text not well-formed.
 */
#ifndef TANDEM_FUZZ_XML_SAME_H
#define TANDEM_FUZZ_XML_SAME_H

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "einvoice/einvoice_int.h"
#include "tandem/arena.h"
#include "tandem/assert.h"
#include "tandem/diag.h"

#define XML_SAME_ARENA_BYTES_MAX (256u << 20)

static inline void xml_same_str(const xmlChar *a, const xmlChar *b)
{
	TANDEM_ASSERT((a == NULL) == (b == NULL));
	TANDEM_ASSERT(a == NULL || strcmp((const char *)a, (const char *)b) == 0);
}

static inline void xml_same_node(xmlNodePtr a, xmlNodePtr b)
{
	TANDEM_ASSERT(a->type == b->type);
	xml_same_str(a->name, b->name);
	TANDEM_ASSERT(xmlGetLineNo(a) == xmlGetLineNo(b));
	TANDEM_ASSERT((a->ns == NULL) == (b->ns == NULL));
	if (a->ns)
		xml_same_str(a->ns->href, b->ns->href);
	if (a->type == XML_TEXT_NODE || a->type == XML_CDATA_SECTION_NODE)
		xml_same_str(a->content, b->content);
	if (a->type != XML_ELEMENT_NODE)
		return;
	xmlAttrPtr x = a->properties, y = b->properties;
	for (; x && y; x = x->next, y = y->next) {
		xml_same_str(x->name, y->name);
		TANDEM_ASSERT((x->children == NULL) == (y->children == NULL));
		if (x->children)
			xml_same_str(x->children->content, y->children->content);
	}
	TANDEM_ASSERT(x == NULL && y == NULL);
}

/* The two trees node by node, in document order (no recursion: depth is
 * bounded by the parser, but the walk needs no stack either way). */
static inline void xml_same_tree(xmlNodePtr a, xmlNodePtr b)
{
	xmlNodePtr ra = a;

	while (a) {
		TANDEM_ASSERT(b != NULL);
		xml_same_node(a, b);
		if (a->type == XML_ELEMENT_NODE && (a->children || b->children)) {
			TANDEM_ASSERT(a->children && b->children);
			a = a->children;
			b = b->children;
			continue;
		}
		while (a != ra && !a->next) {
			TANDEM_ASSERT(b->next == NULL);
			a = a->parent;
			b = b->parent;
		}
		if (a == ra)
			break;
		a = a->next;
		b = b->next;
		TANDEM_ASSERT(b != NULL);
	}
}

/* libxml2's own parse of xml, as einv_xml_parse() configures it. */
static inline xmlDocPtr xml_same_reference(const char *xml, size_t len, int *line, char *msg,
					   size_t msg_size)
{
	xmlParserCtxtPtr c = xmlNewParserCtxt();
	TANDEM_ASSERT(c != NULL);
	c->sax->comment = NULL;
	c->sax->processingInstruction = NULL;
	xmlDocPtr doc = xmlCtxtReadMemory(c, xml, (int)len, NULL, NULL, EINV_XML_PARSE_OPTIONS);
	*line = 0;
	msg[0] = '\0';
	if (doc == NULL || !c->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(c);
		if (e && e->message) {
			size_t n = strlen(e->message);
			while (n > 0 && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
				n--;
			if (n >= msg_size)
				n = msg_size - 1;
			memcpy(msg, e->message, n);
			msg[n] = '\0';
		}
		*line = e ? e->line : 0;
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(c);
	xmlResetLastError();
	return doc;
}

/* Checks einv_xml_parse() on xml against libxml2 alone; returns the status
 * of einv_xml_parse(). */
static inline int xml_same_check(const char *xml, size_t len)
{
	struct tandem_arena arena;
	struct tandem_diag d;
	xmlDocPtr doc = NULL;
	char msg[1024];
	int line;

	tandem_arena_init(&arena, XML_SAME_ARENA_BYTES_MAX);
	tandem_diag_init(&d, 10);
	int rc = einv_xml_parse(&arena, xml, len, "test", &d, &doc);
	if (rc == 0 || (d.count && strcmp(d.items[0].rule, "TANDEM-XML-MALFORMED") == 0)) {
		xmlDocPtr ref = xml_same_reference(xml, len, &line, msg, sizeof msg);
		if (rc == 0) {
			TANDEM_ASSERT(ref != NULL);
			xml_same_tree(xmlDocGetRootElement(doc), xmlDocGetRootElement(ref));
		} else if (!strstr(d.items[0].message, "has no root element")) {
			/* libxml2's message, maybe cut short in the finding. */
			const char *m = strstr(d.items[0].message, "well-formed XML: ");
			TANDEM_ASSERT(ref == NULL);
			TANDEM_ASSERT(d.items[0].line == line);
			TANDEM_ASSERT(m != NULL);
			m += strlen("well-formed XML: ");
			TANDEM_ASSERT(strncmp(m, msg, strlen(m)) == 0);
		}
		xmlFreeDoc(ref);
	}
	tandem_diag_release(&d);
	tandem_arena_release(&arena);
	return rc;
}

#endif /* TANDEM_FUZZ_XML_SAME_H */
