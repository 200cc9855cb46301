/*
 * src/einvoice/xml.c - safe XML parsing with libxml2 for everything that
 * arrives from outside: invoices and XMP packets.
 *
 * libxml2 builds the tree through its SAX2 callbacks; three of them are
 * wrapped here:
 *   - internalSubset: any <!DOCTYPE ...> stops the parser at once, before a
 *     single entity declaration is read. An e-invoice never has one, and
 *     without it there is no external entity, no XXE and no billion laughs;
 *   - startElementNs / endElementNs: count elements and depth, and stop the
 *     parser when a limit is crossed.
 * Options: XML_PARSE_NONET, and none of NOENT, DTDLOAD, DTDATTR, XINCLUDE;
 * an external entity loader that refuses everything guards the rest, and
 * catalogs named by a document (<?oasis-xml-catalog?>) are ignored.
 *
 * Before libxml2 sees the bytes, a linear pre-scan counts the attributes of
 * every start tag: libxml2 2.9 appends attributes to a list by walking it
 * and checks duplicates pairwise, so 100,000 attributes on one element cost
 * it minutes. Markup is rare in an invoice, text is skipped with memchr.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "core/core.h"
#include "einvoice_int.h"

struct parse_state {
	startElementNsSAX2Func start;
	endElementNsSAX2Func end;
	size_t depth;
	size_t elements;
	int stop_reason; /* 0, or which limit or rule stopped the parser */
	long stop_line;
};

enum { STOP_NONE, STOP_DTD, STOP_DEPTH, STOP_ELEMENTS };

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* Refuses every external resource: a document must never make us read one. */
static xmlParserInputPtr no_external(const char *url, const char *id,
				     xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

/* libxml2 prints errors to stderr unless told otherwise; we report them. */
static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void init_libxml(void)
{
	xmlInitParser();
	xmlSetExternalEntityLoader(no_external);
	xmlSetGenericErrorFunc(NULL, quiet);
	/* A document's <?oasis-xml-catalog?> would make libxml2 set up its
	 * global catalogs in the middle of a parse - in that document's region
	 * (xml_mem.c), which another document then reuses - and read catalog
	 * files. Documents never choose catalogs here. */
	xmlCatalogSetDefaults(XML_CATA_ALLOW_NONE);
}

static void stop(xmlParserCtxtPtr ctxt, struct parse_state *st, int reason)
{
	if (st->stop_reason == STOP_NONE) {
		st->stop_reason = reason;
		st->stop_line = xmlSAX2GetLineNumber(ctxt);
	}
	xmlStopParser(ctxt);
}

static void on_internal_subset(void *ctx, const xmlChar *name,
			       const xmlChar *external_id,
			       const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;

	(void)name;
	(void)external_id;
	(void)system_id;
	stop(ctxt, ctxt->_private, STOP_DTD);
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
		     const xmlChar *uri, int nb_namespaces,
		     const xmlChar **namespaces, int nb_attributes,
		     int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	/* Attributes are tree nodes too: they count against the same limit. */
	st->elements += 1 + (size_t)nb_attributes;
	if (st->elements > TANDEM_EINV_XML_NODES_MAX) {
		stop(ctxt, st, STOP_ELEMENTS);
		return;
	}
	if (++st->depth > TANDEM_EINV_XML_DEPTH_MAX) {
		stop(ctxt, st, STOP_DEPTH);
		return;
	}
	st->start(ctx, localname, prefix, uri, nb_namespaces, namespaces,
		  nb_attributes, nb_defaulted, attributes);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
		   const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	if (st->depth > 0)
		st->depth--;
	st->end(ctx, localname, prefix, uri);
}

/* Skips from p past the first occurrence of end, or to the end of input. */
static const char *skip_past(const char *p, const char *stop, const char *end)
{
	size_t n = strlen(end);

	while (p < stop) {
		const char *q = memchr(p, end[0], (size_t)(stop - p));
		if (q == NULL || (size_t)(stop - q) < n)
			return stop;
		if (memcmp(q, end, n) == 0)
			return q + n;
		p = q + 1;
	}
	return stop;
}

static long line_of(const char *xml, const char *at)
{
	long line = 1;

	for (const char *p = xml; p < at && (p = memchr(p, '\n', (size_t)(at - p))); p++)
		line++;
	return line;
}

/* The bytes that end a run of plain tag bytes: quotes, '=' and '>'. */
static const bool tag_special[256] = {['"'] = true, ['\''] = true, ['='] = true, ['>'] = true};

/*
 * The attributes of each start tag are counted as '=' signs outside quoted
 * values; comments, CDATA sections, processing instructions and
 * declarations are skipped, and so are end tags (nothing in one, nor in the
 * text after it, can hide a '<'). Returns the line of the first tag with too
 * many, or 0. Works on the raw bytes, so UTF-16 input is scanned the same
 * way (its ASCII bytes keep their values). Inside a tag, runs of other bytes
 * are skipped through a table: the scan is some 3 % of parsing.
 */
static long attributes_over_limit(const char *xml, size_t len)
{
	const char *p, *stop;

	if (len == 0)
		return 0; /* xml may be NULL: no pointer arithmetic on it */
	p = xml;
	stop = xml + len;

	while ((p = memchr(p, '<', (size_t)(stop - p))) != NULL) {
		const char *tag = p++;
		size_t left = (size_t)(stop - p), count = 0;

		if (left >= 1 && *p == '/')
			continue; /* an end tag: the next '<' is found from here */
		if (left >= 3 && memcmp(p, "!--", 3) == 0) {
			p = skip_past(p + 3, stop, "-->");
			continue;
		}
		if (left >= 8 && memcmp(p, "![CDATA[", 8) == 0) {
			p = skip_past(p + 8, stop, "]]>");
			continue;
		}
		if (left >= 1 && *p == '?') { /* a PI ends at "?>", not at '>' */
			p = skip_past(p + 1, stop, "?>");
			continue;
		}
		if (left >= 1 && *p == '!') {
			p = skip_past(p, stop, ">");
			continue;
		}
		for (;;) {
			while (p < stop && !tag_special[(unsigned char)*p])
				p++;
			if (p >= stop)
				return 0; /* unterminated: libxml2 reports it */
			if (*p == '>')
				break;
			if (*p == '=') {
				if (++count > TANDEM_EINV_XML_ATTRIBUTES_MAX)
					return line_of(xml, tag);
				p++;
				continue;
			}
			/* A quoted value: '>' and '=' in it count for nothing. */
			const char *q = memchr(p + 1, *p, (size_t)(stop - p - 1));
			if (q == NULL)
				return 0;
			p = q + 1;
		}
		p++;
	}
	return 0;
}

/*
 * The pre-scan reads '<', '=', quotes as ASCII bytes: it only holds for
 * ASCII-compatible input. UTF-16/32, EBCDIC or a declared UTF-7 would hide
 * attributes from it, so anything but UTF-8 (or its ASCII subset) is
 * refused; EN 16931 invoices are UTF-8. Returns what was found, or NULL.
 */
static const char *foreign_encoding(const char *xml, size_t len, char *name,
				    size_t name_size)
{
	const unsigned char *u = (const unsigned char *)xml;
	const char *p, *end, *enc;
	char quote;
	size_t n;

	if (len >= 2 && ((u[0] == 0xfe && u[1] == 0xff) || (u[0] == 0xff && u[1] == 0xfe)))
		return "UTF-16 or UTF-32 (byte-order mark)";
	if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xfe && u[3] == 0xff)
		return "UTF-32 (byte-order mark)";
	if (len >= 2 && (u[0] == 0 || u[1] == 0))
		return "UTF-16 or UTF-32 (NUL bytes in the first characters)";
	if (len >= 4 && u[0] == 0x4c && u[1] == 0x6f && u[2] == 0xa7 && u[3] == 0x94)
		return "EBCDIC";
	if (len >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		xml += 3; /* the UTF-8 byte-order mark */
		len -= 3;
	}
	if (len < 5 || memcmp(xml, "<?xml", 5) != 0)
		return NULL;
	end = skip_past(xml, xml + (len < 512 ? len : 512), "?>");
	for (p = xml + 5; p + 8 < end; p++)
		if (memcmp(p, "encoding", 8) == 0)
			break;
	if (p + 8 >= end)
		return NULL;
	for (p += 8; p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '='); p++)
		;
	if (p >= end || (*p != '"' && *p != '\''))
		return NULL; /* malformed: libxml2 reports it */
	quote = *p++;
	enc = p;
	while (p < end && *p != quote)
		p++;
	n = (size_t)(p - enc);
	if ((n == 5 && strncasecmp(enc, "UTF-8", 5) == 0) ||
	    (n == 4 && strncasecmp(enc, "UTF8", 4) == 0) ||
	    (n == 8 && strncasecmp(enc, "US-ASCII", 8) == 0) ||
	    (n == 5 && strncasecmp(enc, "ASCII", 5) == 0))
		return NULL;
	snprintf(name, name_size, "%.*s (declared)", (int)(n < 64 ? n : 64), enc);
	return name;
}

/* A parsed document and the region its tree lives in. */
struct parsed {
	xmlDocPtr doc;
	struct einv_xml_region *region;
};

static void free_doc(void *arg)
{
	struct parsed *p = arg;
	/* A document wholly in its region needs no walk to free each node:
	 * the region's frees do nothing (a tenth of opening a small invoice). */
	if (!einv_xml_region_whole(p->region))
		xmlFreeDoc(p->doc);
	einv_xml_region_free(p->region);
}

/* The libxml2 message, one line, without its trailing newline. */
static void error_text(const xmlError *e, char *out, size_t size)
{
	size_t n;

	einv_copy(out, size, e && e->message ? e->message : "not well-formed");
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
}

int einv_xml_parse(struct tandem_arena *a, const char *xml, size_t len,
		   const char *what, struct tandem_diag *d, xmlDocPtr *out)
{
	const int options = XML_PARSE_NONET | XML_PARSE_NOERROR |
			    XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES |
			    XML_PARSE_NOCDATA | XML_PARSE_COMPACT;
	struct parse_state st = {0};
	struct einv_xml_region *region;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	const char *foreign;
	char msg[256];
	int err = 0;

	*out = NULL;
	pthread_once(&init_once, init_libxml);
	if (len > TANDEM_EINV_XML_BYTES_MAX || len > (size_t)INT32_MAX) {
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-XML-SIZE",
				NULL, 0, "the %s has %zu bytes; the limit is %u", what,
				len, TANDEM_EINV_XML_BYTES_MAX);
		return TANDEM_ELIMIT;
	}
	if ((foreign = foreign_encoding(xml, len, msg, sizeof msg)) != NULL) {
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
				"TANDEM-XML-ENCODING", NULL, 1,
				"the %s is not UTF-8: %s", what, foreign);
		return TANDEM_EBADINPUT;
	}
	if ((st.stop_line = attributes_over_limit(xml, len)) != 0) {
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT,
				"TANDEM-XML-ATTRIBUTES", NULL, st.stop_line,
				"the %s has an element with more than %d attributes",
				what, TANDEM_EINV_XML_ATTRIBUTES_MAX);
		return TANDEM_ELIMIT;
	}
	region = einv_xml_region_begin(len);
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		xmlResetLastError();
		einv_xml_region_end(region);
		einv_xml_region_free(region);
		return TANDEM_ENOMEM;
	}
	st.start = ctxt->sax->startElementNs;
	st.end = ctxt->sax->endElementNs;
	ctxt->sax->internalSubset = on_internal_subset;
	/* Comments and processing instructions mean nothing in an invoice
	 * and would cost tree memory that no limit counts: not kept. */
	ctxt->sax->comment = NULL;
	ctxt->sax->processingInstruction = NULL;
	ctxt->sax->startElementNs = on_start;
	ctxt->sax->endElementNs = on_end;
	ctxt->_private = &st;
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, NULL, options);

	switch (st.stop_reason) {
	case STOP_DTD:
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT, "TANDEM-XML-DTD",
				NULL, st.stop_line,
				"the %s has a document type declaration (<!DOCTYPE>): refused, an e-invoice never has one and it could declare external or exploding entities",
				what);
		err = TANDEM_EBADINPUT;
		break;
	case STOP_DEPTH:
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-XML-DEPTH",
				NULL, st.stop_line,
				"the %s nests elements more than %d deep", what,
				TANDEM_EINV_XML_DEPTH_MAX);
		err = TANDEM_ELIMIT;
		break;
	case STOP_ELEMENTS:
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-XML-ELEMENTS",
				NULL, st.stop_line,
				"the %s has more than %d elements", what,
				TANDEM_EINV_XML_NODES_MAX);
		err = TANDEM_ELIMIT;
		break;
	default:
		if (doc == NULL || !ctxt->wellFormed) {
			const xmlError *e = xmlCtxtGetLastError(ctxt);
			error_text(e, msg, sizeof msg);
			tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
					"TANDEM-XML-MALFORMED", NULL,
					e ? e->line : 0, "the %s is not well-formed XML: %s",
					what, msg);
			err = TANDEM_EBADINPUT;
		}
	}
	xmlFreeParserCtxt(ctxt);
	/* The thread's copy of the last error was made in the region. */
	xmlResetLastError();
	einv_xml_region_end(region);
	if (err == 0 && xmlDocGetRootElement(doc) == NULL) {
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
				"TANDEM-XML-MALFORMED", NULL, 0,
				"the %s has no root element", what);
		err = TANDEM_EBADINPUT;
	}
	struct parsed *held = err ? NULL : tandem_arena_alloc(a, sizeof *held);
	if (held) {
		*held = (struct parsed){.doc = doc, .region = region};
		if (tandem_arena_on_release(a, free_doc, held) != 0)
			held = NULL;
	}
	if (!held) {
		xmlFreeDoc(doc);
		einv_xml_region_free(region);
		/* Else the caller's arena is full: a resource failure, not the XML's. */
		return err ? err : TANDEM_ENOMEM;
	}
	*out = doc;
	return 0;
}

xmlNodePtr einv_xml_child(xmlNodePtr parent, const char *ns, const char *name)
{
	for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || n->ns == NULL)
			continue;
		if (strcmp((const char *)n->name, name) == 0 &&
		    strcmp((const char *)n->ns->href, ns) == 0)
			return n;
	}
	return NULL;
}

/* Appends text t to out[*n] (size bytes with the NUL), less its leading
 * space while nothing else has come (*lead). */
static void text_append(const char *t, char *out, size_t size, size_t *n, bool *lead)
{
	for (; *t && *n + 1 < size; t++) {
		if (*lead && (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n'))
			continue;
		*lead = false;
		out[(*n)++] = *t;
	}
}

/*
 * The text of node - its own, or its descendants' in document order, as
 * xmlNodeGetContent() gives it - read in place: a copy from libxml2 would
 * come from malloc and keep the document from going with its region
 * (einv_xml_region_whole).
 */
void einv_xml_text(xmlNodePtr node, char *out, size_t size)
{
	size_t n = 0;
	bool lead = true;

	TANDEM_ASSERT(size > 0);
	if (node && (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)) {
		text_append((const char *)node->content, out, size, &n, &lead);
		node = NULL;
	}
	for (xmlNodePtr k = node ? node->children : NULL; k && k != node;) {
		if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) && k->content)
			text_append((const char *)k->content, out, size, &n, &lead);
		if (k->type == XML_ELEMENT_NODE && k->children) {
			k = k->children;
			continue;
		}
		while (k != node && !k->next)
			k = k->parent;
		if (k != node)
			k = k->next;
	}
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t' || out[n - 1] == '\r' ||
			 out[n - 1] == '\n'))
		n--;
	out[n] = '\0';
}

void einv_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	TANDEM_ASSERT(size > 0);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}
