/*
 * src/einvoice/einvoice_int.h - internals of e-invoice intake, private to
 * src/einvoice/. The public API is include/tandem/einvoice.h.
 */
#ifndef TANDEM_EINVOICE_INT_H
#define TANDEM_EINVOICE_INT_H

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "tandem/einvoice.h"

struct tandem_einv_xml {
	xmlDocPtr doc; /* freed by a cleanup hook of the arena */
};

/*
 * Parses XML safely (see tandem/einvoice.h): no network, no file access, no
 * document type declaration, bounded size, depth and element count. what
 * names the document in findings ("invoice XML", "XMP metadata"). On success
 * *out is a document freed when the arena is released. Failures are
 * findings with the given rule-id prefix and return TANDEM_EBADINPUT or
 * TANDEM_ELIMIT.
 */
/*
 * The region libxml2 allocates a document in while it is parsed (xml_mem.c):
 * _begin makes it the calling thread's (NULL when there is none: libxml2
 * then allocates with malloc) for a text of len bytes, _end stops that, and
 * _free gives its memory back, after xmlFreeDoc() of the document. NULL is
 * accepted by both.
 */
struct einv_xml_region;
struct einv_xml_region *einv_xml_region_begin(size_t len);
void einv_xml_region_end(struct einv_xml_region *r);
void einv_xml_region_free(struct einv_xml_region *r);
/*
 * Whether every block of the document parsed in r lies in r: none of its
 * parse went to malloc, and no libxml2 block came from malloc, in any
 * thread, since the parse ended (a tree or a dictionary that grew after
 * it). Then the document goes with its region, without xmlFreeDoc().
 */
bool einv_xml_region_whole(const struct einv_xml_region *r);

/*
 * The pre-scan of an XML text (xml_scan.c). A run is a text between two
 * element tags inside the root element, of EINV_XML_RUN_MIN bytes or more
 * (and below libxml2's 10,000,000-byte text limit), that libxml2 could only
 * read as one text node: ASCII from space to '~' but '&' and ']',
 * line feeds and carriage returns. At most EINV_XML_RUNS_MAX are listed.
 */
#define EINV_XML_RUN_MIN 256
#define EINV_XML_RUN_MAX 9999999
#define EINV_XML_RUNS_MAX 65536

struct einv_xml_run {
	size_t at;  /* offset of its first byte in the text */
	size_t len; /* its bytes */
	size_t lf;  /* its line feeds: the lines libxml2 counts in it */
	bool cr;    /* it has carriage returns, which XML reads as line ends */
};

struct einv_xml_scan {
	bool find_runs;       /* set by the caller: list the runs */
	long attributes_line; /* line of the first start tag over the attribute limit, or 0 */
	struct einv_xml_run *runs;
	size_t n, cap;
};

/* Scans the text: 0, or TANDEM_ENOMEM. einv_xml_scan_free() releases it. */
int einv_xml_scan(const char *xml, size_t len, struct einv_xml_scan *s);
void einv_xml_scan_free(struct einv_xml_scan *s);
/* The line, counted from its first, libxml2 gives the text node of a run
 * t of n bytes: the line where it reports the first piece of it. */
size_t einv_xml_run_first_line(const char *t, size_t n);

/*
 * What makes the text other than UTF-8 or ASCII (written into name when
 * declared), or NULL; *utf8 when libxml2 reads it as UTF-8 unconverted.
 */
const char *einv_xml_foreign_encoding(const char *xml, size_t len, char *name,
				      size_t name_size, bool *utf8);

int einv_xml_parse(struct tandem_arena *a, const char *xml, size_t len,
		   const char *what, struct tandem_diag *d, xmlDocPtr *out);

/* The libxml2 options of einv_xml_parse(). */
#define EINV_XML_PARSE_OPTIONS                                                        \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES | \
	 XML_PARSE_NOCDATA | XML_PARSE_COMPACT)

/* How many parses with stand-ins for runs were done again on the original
 * text (a failure, or a stand-in libxml2 did not report), in all threads. */
unsigned long einv_xml_retries(void);

/* First child element of parent with this namespace and local name. */
xmlNodePtr einv_xml_child(xmlNodePtr parent, const char *ns, const char *name);

/* Whitespace-trimmed text content of a node into out (size bytes, cut). */
void einv_xml_text(xmlNodePtr node, char *out, size_t size);

/*
 * Inflates zlib/deflate data (PDF FlateDecode) into a new arena buffer of at
 * most max bytes, NUL-terminated. TANDEM_ELIMIT when the output would be
 * longer, TANDEM_EBADINPUT when the data is corrupt.
 */
int einv_inflate(struct tandem_arena *a, const unsigned char *in, size_t in_len,
		 size_t max, char **out, size_t *out_len);

/*
 * Finds the invoice attachment of a PDF and fills src->pdf, src->xml and
 * src->xml_len, XMP fields included. Findings for what is wrong.
 */
int einv_pdf_extract(struct tandem_arena *a, const void *pdf, size_t len,
		     struct tandem_diag *d, struct tandem_einv_source *src);

/* Reads the Factur-X/ZUGFeRD fields of an XMP packet into info. */
void einv_xmp_read(struct tandem_arena *a, const char *xmp, size_t len,
		   struct tandem_diag *d, struct tandem_einv_pdf_info *info);

/* Profile named by an XMP ConformanceLevel ("EN 16931", "BASIC WL" ...). */
enum tandem_einv_profile einv_profile_of_conformance(const char *level);

/* Copies a C string into a fixed array, cutting it if needed. */
void einv_copy(char *dst, size_t size, const char *src);

#endif /* TANDEM_EINVOICE_INT_H */
