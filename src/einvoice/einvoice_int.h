/*
 * src/einvoice/einvoice_int.h - internals of e-invoice intake, private to
 * src/einvoice/. The public API is include/tandem/einvoice.h.
 */
#ifndef TANDEM_EINVOICE_INT_H
#define TANDEM_EINVOICE_INT_H

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

int einv_xml_parse(struct tandem_arena *a, const char *xml, size_t len,
		   const char *what, struct tandem_diag *d, xmlDocPtr *out);

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
