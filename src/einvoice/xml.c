/*
 * src/einvoice/xml.c - safe XML parsing with libxml2 for everything that
 * arrives from outside: invoices and XMP packets.
 *
 * libxml2 builds the tree through its SAX2 callbacks; some of them are
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
 * Before libxml2 sees the bytes, a pre-scan (xml_scan.c) checks the
 * encoding, counts the attributes of every start tag, and finds the long
 * runs of plain text - attachments in base64. libxml2 then parses a copy
 * in which each run is a stand-in of as many line feeds, and the fourth
 * wrapped callback, characters, gives it the run's text when it reaches
 * the stand-in: the same tree and the same line numbers, without libxml2
 * reading those bytes one at a time. A parse that fails, or does not meet
 * every stand-in where expected, is done again on the original text.
 */
#include <pthread.h>
#include <stdatomic.h>
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

/*
 * The text libxml2 parses when runs (xml_scan.c) are taken out of it: the
 * original with each run replaced by a stand-in, as many line feeds as
 * the run has (one space when it has none), so that libxml2 counts the
 * same lines.
 */
struct stand_ins {
	const char *xml; /* the original text */
	const struct einv_xml_run *runs;
	size_t n;
	size_t *at; /* where each stand-in is in copy */
	char *copy;
	size_t len;
};

struct parse_state {
	startElementNsSAX2Func start;
	endElementNsSAX2Func end;
	charactersSAXFunc characters;
	size_t depth;
	size_t elements;
	int stop_reason; /* 0, or which limit or rule stopped the parser */
	long stop_line;
	const struct stand_ins *si; /* or NULL */
	size_t next;                /* the stand-in libxml2 reports next */
	char *norm;                 /* a run's text, line ends normalised */
	size_t norm_size;
};

enum { STOP_NONE, STOP_DTD, STOP_DEPTH, STOP_ELEMENTS, STOP_ASTRAY };

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static atomic_ulong retries;

unsigned long einv_xml_retries(void)
{
	return atomic_load_explicit(&retries, memory_order_relaxed);
}

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

/* The stand-in's length in the copy. */
static size_t stand_in_len(const struct einv_xml_run *r)
{
	return r->lf ? r->lf : 1;
}

/* r's text with "\r\n" and lone '\r' read as '\n' (XML 1.0 section 2.11),
 * in st->norm, NUL-terminated with a byte to spare (libxml2 peeks past the
 * end of a text); NULL without memory. */
static const char *normalised(struct parse_state *st, const struct einv_xml_run *r, size_t *len)
{
	const char *t = st->si->xml + r->at;
	size_t n = 0;

	if (st->norm_size < r->len + 2) {
		char *b = tandem_realloc(st->norm, r->len + 2);
		if (!b)
			return NULL;
		st->norm = b;
		st->norm_size = r->len + 2;
	}
	for (size_t i = 0; i < r->len; i++) {
		if (t[i] != '\r')
			st->norm[n++] = t[i];
		else if (i + 1 == r->len || t[i + 1] != '\n')
			st->norm[n++] = '\n';
	}
	st->norm[n] = st->norm[n + 1] = '\0';
	*len = n;
	return st->norm;
}

/*
 * Text, as libxml2 reports it: a stand-in is replaced by its run's text.
 * Stand-ins come in the order of the text, each in one call that starts
 * on its first byte (a run fills the space between two tags); anything
 * else stops the parser, and the original text is parsed instead.
 */
static void on_characters(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;
	const struct stand_ins *si = st->si;
	xmlParserInputPtr in = ctxt->input;

	if (si && st->next < si->n && in && (uintptr_t)ch >= (uintptr_t)in->base &&
	    (uintptr_t)ch < (uintptr_t)in->end) {
		size_t at = (size_t)in->consumed + (size_t)((uintptr_t)ch - (uintptr_t)in->base);
		const struct einv_xml_run *r = &si->runs[st->next];
		if (at == si->at[st->next] && (size_t)len == stand_in_len(r)) {
			size_t n = r->len;
			const char *text = r->cr ? normalised(st, r, &n) : si->xml + r->at;
			if (text) {
				/* The text node takes the line libxml2 would give it
				 * (in->line is now the run's first plus its line feeds). */
				int line = in->line;
				if (r->cr)
					in->line = line - (int)r->lf +
						   (int)einv_xml_run_first_line(si->xml + r->at, r->len);
				st->next++;
				st->characters(ctx, (const xmlChar *)text, (int)n);
				in->line = line;
				return;
			}
		}
		if (at >= si->at[st->next]) {
			stop(ctxt, st, STOP_ASTRAY);
			return;
		}
	}
	st->characters(ctx, ch, len);
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

/* Copies xml into si->copy with each run of s replaced by its stand-in. */
static int stand_ins_make(const char *xml, size_t len, const struct einv_xml_scan *s,
			  struct stand_ins *si)
{
	size_t out = len, from = 0, to = 0;

	for (size_t i = 0; i < s->n; i++)
		out = out - s->runs[i].len + stand_in_len(&s->runs[i]);
	*si = (struct stand_ins){.xml = xml, .runs = s->runs, .n = s->n, .len = out};
	si->copy = tandem_malloc(out);
	si->at = tandem_malloc(s->n * sizeof *si->at);
	if (!si->copy || !si->at)
		return TANDEM_ENOMEM;
	for (size_t i = 0; i < s->n; i++) {
		const struct einv_xml_run *r = &s->runs[i];
		size_t k = stand_in_len(r);
		memcpy(si->copy + to, xml + from, r->at - from);
		to += r->at - from;
		si->at[i] = to;
		memset(si->copy + to, r->lf ? '\n' : ' ', k);
		to += k;
		from = r->at + r->len;
	}
	memcpy(si->copy + to, xml + from, len - from);
	return 0;
}

static void stand_ins_free(struct stand_ins *si)
{
	tandem_free(si->copy);
	tandem_free(si->at);
}

/* One parse by libxml2, and what came of it. */
struct outcome {
	xmlDocPtr doc;
	struct einv_xml_region *region;
	int stop_reason;
	long stop_line;
	bool malformed; /* libxml2 found the text not well-formed: error, error_line */
	long error_line;
	char error[256];
};

static void outcome_drop(struct outcome *o)
{
	xmlFreeDoc(o->doc);
	einv_xml_region_free(o->region);
	o->doc = NULL;
	o->region = NULL;
}

/* Parses xml (len bytes; the stand-ins of si when not NULL) into o. */
static int parse_once(const char *xml, size_t len, size_t len_hint, const struct stand_ins *si,
		      struct outcome *o)
{
	struct parse_state st = {.si = si};
	xmlParserCtxtPtr ctxt;

	*o = (struct outcome){0};
	o->region = einv_xml_region_begin(len_hint);
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		xmlResetLastError();
		einv_xml_region_end(o->region);
		einv_xml_region_free(o->region);
		o->region = NULL;
		return TANDEM_ENOMEM;
	}
	st.start = ctxt->sax->startElementNs;
	st.end = ctxt->sax->endElementNs;
	st.characters = ctxt->sax->characters;
	ctxt->sax->internalSubset = on_internal_subset;
	/* Comments and processing instructions mean nothing in an invoice
	 * and would cost tree memory that no limit counts: not kept. */
	ctxt->sax->comment = NULL;
	ctxt->sax->processingInstruction = NULL;
	ctxt->sax->startElementNs = on_start;
	ctxt->sax->endElementNs = on_end;
	if (si) {
		/* Both, as SAX2 has them (the same function): blank text is
		 * then text, as without the stand-ins. */
		ctxt->sax->characters = on_characters;
		ctxt->sax->ignorableWhitespace = on_characters;
	}
	ctxt->_private = &st;
	o->doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, NULL, EINV_XML_PARSE_OPTIONS);
	o->stop_reason = st.stop_reason;
	o->stop_line = st.stop_line;
	if (si && st.next != si->n) /* one not met where expected */
		o->stop_reason = STOP_ASTRAY;
	if (o->stop_reason == STOP_NONE && (o->doc == NULL || !ctxt->wellFormed)) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		o->malformed = true;
		o->error_line = e ? e->line : 0;
		error_text(e, o->error, sizeof o->error);
	}
	tandem_free(st.norm);
	xmlFreeParserCtxt(ctxt);
	/* The thread's copy of the last error was made in the region. */
	xmlResetLastError();
	einv_xml_region_end(o->region);
	return 0;
}

int einv_xml_parse(struct tandem_arena *a, const char *xml, size_t len,
		   const char *what, struct tandem_diag *d, xmlDocPtr *out)
{
	struct einv_xml_scan scan = {0};
	struct stand_ins si = {0};
	struct outcome o = {0};
	const char *foreign;
	char msg[256];
	bool utf8;
	int err = 0;

	*out = NULL;
	pthread_once(&init_once, init_libxml);
	if (len > TANDEM_EINV_XML_BYTES_MAX || len > (size_t)INT32_MAX) {
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-XML-SIZE",
				NULL, 0, "the %s has %zu bytes; the limit is %u", what,
				len, TANDEM_EINV_XML_BYTES_MAX);
		return TANDEM_ELIMIT;
	}
	if ((foreign = einv_xml_foreign_encoding(xml, len, msg, sizeof msg, &utf8)) != NULL) {
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
				"TANDEM-XML-ENCODING", NULL, 1,
				"the %s is not UTF-8: %s", what, foreign);
		return TANDEM_EBADINPUT;
	}
	/* Runs only where libxml2 reads the bytes as they are (no decoder). */
	scan.find_runs = utf8;
	if (einv_xml_scan(xml, len, &scan) != 0) {
		einv_xml_scan_free(&scan);
		return TANDEM_ENOMEM;
	}
	if (scan.attributes_line != 0) {
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT,
				"TANDEM-XML-ATTRIBUTES", NULL, scan.attributes_line,
				"the %s has an element with more than %d attributes",
				what, TANDEM_EINV_XML_ATTRIBUTES_MAX);
		einv_xml_scan_free(&scan);
		return TANDEM_ELIMIT;
	}
	/*
	 * With stand-ins first. Whatever goes wrong then - a limit, a
	 * well-formedness error, a stand-in not seen where it should be - the
	 * original is parsed, so that every finding is libxml2's own on it.
	 */
	bool done = false;
	if (scan.n && stand_ins_make(xml, len, &scan, &si) == 0 &&
	    parse_once(si.copy, si.len, len, &si, &o) == 0) {
		done = o.stop_reason == STOP_NONE && !o.malformed;
		if (!done) {
			outcome_drop(&o);
			atomic_fetch_add_explicit(&retries, 1, memory_order_relaxed);
		}
	}
	stand_ins_free(&si);
	einv_xml_scan_free(&scan);
	if (!done && parse_once(xml, len, len, NULL, &o) != 0)
		return TANDEM_ENOMEM;

	switch (o.stop_reason) {
	case STOP_DTD:
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT, "TANDEM-XML-DTD",
				NULL, o.stop_line,
				"the %s has a document type declaration (<!DOCTYPE>): refused, an e-invoice never has one and it could declare external or exploding entities",
				what);
		err = TANDEM_EBADINPUT;
		break;
	case STOP_DEPTH:
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-XML-DEPTH",
				NULL, o.stop_line,
				"the %s nests elements more than %d deep", what,
				TANDEM_EINV_XML_DEPTH_MAX);
		err = TANDEM_ELIMIT;
		break;
	case STOP_ELEMENTS:
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-XML-ELEMENTS",
				NULL, o.stop_line,
				"the %s has more than %d elements", what,
				TANDEM_EINV_XML_NODES_MAX);
		err = TANDEM_ELIMIT;
		break;
	default:
		if (o.malformed) {
			tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
					"TANDEM-XML-MALFORMED", NULL, o.error_line,
					"the %s is not well-formed XML: %s", what, o.error);
			err = TANDEM_EBADINPUT;
		}
	}
	if (err == 0 && xmlDocGetRootElement(o.doc) == NULL) {
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
				"TANDEM-XML-MALFORMED", NULL, 0,
				"the %s has no root element", what);
		err = TANDEM_EBADINPUT;
	}
	struct parsed *held = err ? NULL : tandem_arena_alloc(a, sizeof *held);
	if (held) {
		*held = (struct parsed){.doc = o.doc, .region = o.region};
		if (tandem_arena_on_release(a, free_doc, held) != 0)
			held = NULL;
	}
	if (!held) {
		outcome_drop(&o);
		/* Else the caller's arena is full: a resource failure, not the XML's. */
		return err ? err : TANDEM_ENOMEM;
	}
	*out = o.doc;
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
