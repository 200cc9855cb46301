/*
 * src/einvoice/xmp.c - the Factur-X / ZUGFeRD fields of a PDF's XMP packet.
 *
 * The extension schema puts DocumentType, DocumentFileName, Version and
 * ConformanceLevel in one namespace per standard (Factur-X, ZUGFeRD 2,
 * ZUGFeRD 1), written either as elements (<fx:Version>1.0</fx:Version>) or
 * as attributes of rdf:Description. Both forms are read.
 */
#include <string.h>

#include <libxml/tree.h>

#include "core/core.h"
#include "einvoice_int.h"

static const char *const fx_namespaces[] = {
	"urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
	"urn:zugferd:pdfa:CrossIndustryDocument:invoice:2p0#",
	"urn:ferd:pdfa:CrossIndustryDocument:invoice:1p0#",
};

static bool is_fx_namespace(const xmlNs *ns)
{
	if (ns == NULL || ns->href == NULL)
		return false;
	for (size_t i = 0; i < TANDEM_ARRAY_SIZE(fx_namespaces); i++)
		if (strcmp((const char *)ns->href, fx_namespaces[i]) == 0)
			return true;
	return false;
}

/* Stores value under the field called name, if it is one of ours. */
static void take(struct tandem_einv_pdf_info *info, const xmlNs *ns,
		 const char *name, const char *value)
{
	if (strcmp(name, "DocumentType") == 0)
		einv_copy(info->xmp_document_type, sizeof info->xmp_document_type, value);
	else if (strcmp(name, "DocumentFileName") == 0)
		einv_copy(info->xmp_document_file_name,
			  sizeof info->xmp_document_file_name, value);
	else if (strcmp(name, "Version") == 0)
		einv_copy(info->xmp_version, sizeof info->xmp_version, value);
	else if (strcmp(name, "ConformanceLevel") == 0)
		einv_copy(info->xmp_conformance_level,
			  sizeof info->xmp_conformance_level, value);
	else
		return;
	einv_copy(info->xmp_namespace, sizeof info->xmp_namespace,
		  (const char *)ns->href);
}

/* Depth-first walk, bounded by the parser's own depth and size limits. */
static void walk(xmlNodePtr node, struct tandem_einv_pdf_info *info)
{
	char text[TANDEM_EINV_TEXT_MAX];

	for (xmlNodePtr n = node; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_fx_namespace(n->ns) && n->children &&
		    n->children->type == XML_TEXT_NODE) {
			einv_xml_text(n, text, sizeof text);
			take(info, n->ns, (const char *)n->name, text);
		}
		for (xmlAttrPtr at = n->properties; at; at = at->next) {
			if (!is_fx_namespace(at->ns))
				continue;
			xmlChar *v = xmlNodeGetContent((xmlNodePtr)at);
			take(info, at->ns, (const char *)at->name, v ? (const char *)v : "");
			xmlFree(v);
		}
		walk(n->children, info);
	}
}

void einv_xmp_read(struct tandem_arena *a, const char *xmp, size_t len,
		   struct tandem_diag *d, struct tandem_einv_pdf_info *info)
{
	struct tandem_diag local;
	xmlDocPtr doc;

	/*
	 * A broken packet is a warning: the invoice itself may be fine. The
	 * parser's findings go to a diag of our own and come back as one.
	 */
	tandem_diag_init(&local, 1);
	if (einv_xml_parse(a, xmp, len, "XMP metadata", &local, &doc) != 0) {
		tandem_diag_add(d, TANDEM_SEV_WARNING, TANDEM_EBADINPUT,
				"TANDEM-FX-XMP", NULL, 0,
				"the XMP metadata cannot be read: %s",
				local.count ? local.items[0].message : "unknown error");
		tandem_diag_release(&local);
		return;
	}
	tandem_diag_release(&local);
	info->xmp_readable = true;
	walk(xmlDocGetRootElement(doc), info);
	info->xmp_profile = einv_profile_of_conformance(info->xmp_conformance_level);
}
