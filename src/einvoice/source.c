/*
 * src/einvoice/source.c - tandem_einv_open(): from the bytes received to a
 * parsed invoice XML with its syntax, customization id (BT-24) and profile,
 * and the Factur-X consistency checks of a PDF container.
 */
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "einvoice_int.h"

#define NS_UBL_INVOICE "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
#define NS_UBL_CREDITNOTE "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
#define NS_UBL_CBC "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
#define NS_CII_RSM "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
#define NS_CII_RAM "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
#define NS_ZF1_RSM "urn:ferd:CrossIndustryDocument:invoice:1p0"
#define NS_ZF1_RAM "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"

const char *tandem_einv_container_name(enum tandem_einv_container c)
{
	return c == TANDEM_EINV_CONTAINER_PDF ? "pdf" : "xml";
}

const char *tandem_einv_syntax_name(enum tandem_einv_syntax s)
{
	switch (s) {
	case TANDEM_EINV_SYNTAX_UBL_INVOICE:    return "ubl-invoice";
	case TANDEM_EINV_SYNTAX_UBL_CREDITNOTE: return "ubl-creditnote";
	case TANDEM_EINV_SYNTAX_CII:            return "cii";
	case TANDEM_EINV_SYNTAX_ZUGFERD1:       return "zugferd1";
	default:                                return "unknown";
	}
}

static const char *const profile_names[TANDEM_EINV_PROFILE_COUNT_] = {
	"unknown", "MINIMUM", "BASIC WL", "BASIC", "EN 16931", "EXTENDED", "XRECHNUNG",
};

const char *tandem_einv_profile_name(enum tandem_einv_profile p)
{
	return p >= 0 && p < TANDEM_EINV_PROFILE_COUNT_ ? profile_names[p] : "unknown";
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

enum tandem_einv_profile tandem_einv_profile_of_customization(const char *id)
{
	if (strstr(id, "xrechnung"))
		return TANDEM_EINV_PROFILE_XRECHNUNG;
	if (ends_with(id, ":minimum"))
		return TANDEM_EINV_PROFILE_MINIMUM;
	if (ends_with(id, ":basicwl"))
		return TANDEM_EINV_PROFILE_BASIC_WL;
	if (ends_with(id, ":basic"))
		return TANDEM_EINV_PROFILE_BASIC;
	if (ends_with(id, ":extended"))
		return TANDEM_EINV_PROFILE_EXTENDED;
	if (strncmp(id, "urn:cen.eu:en16931:2017", 23) == 0)
		return TANDEM_EINV_PROFILE_EN16931;
	return TANDEM_EINV_PROFILE_UNKNOWN;
}

enum tandem_einv_profile einv_profile_of_conformance(const char *level)
{
	/* ZUGFeRD 2.0 files also write EN16931 without the space. */
	if (strcasecmp(level, "EN16931") == 0)
		return TANDEM_EINV_PROFILE_EN16931;
	for (int p = 1; p < TANDEM_EINV_PROFILE_COUNT_; p++)
		if (strcasecmp(level, profile_names[p]) == 0)
			return (enum tandem_einv_profile)p;
	return TANDEM_EINV_PROFILE_UNKNOWN;
}

/* Syntax from the root element; customization id from where it lives. */
static int identify(xmlDocPtr doc, struct tandem_einv_source *src,
		    struct tandem_diag *d)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n = NULL;
	const char *ns = root->ns ? (const char *)root->ns->href : "";
	const char *name = (const char *)root->name;

	if (strcmp(name, "Invoice") == 0 && strcmp(ns, NS_UBL_INVOICE) == 0) {
		src->syntax = TANDEM_EINV_SYNTAX_UBL_INVOICE;
		n = einv_xml_child(root, NS_UBL_CBC, "CustomizationID");
	} else if (strcmp(name, "CreditNote") == 0 && strcmp(ns, NS_UBL_CREDITNOTE) == 0) {
		src->syntax = TANDEM_EINV_SYNTAX_UBL_CREDITNOTE;
		n = einv_xml_child(root, NS_UBL_CBC, "CustomizationID");
	} else if (strcmp(name, "CrossIndustryInvoice") == 0 && strcmp(ns, NS_CII_RSM) == 0) {
		src->syntax = TANDEM_EINV_SYNTAX_CII;
		n = einv_xml_child(root, NS_CII_RSM, "ExchangedDocumentContext");
		n = einv_xml_child(n, NS_CII_RAM, "GuidelineSpecifiedDocumentContextParameter");
		n = einv_xml_child(n, NS_CII_RAM, "ID");
	} else if (strcmp(name, "CrossIndustryDocument") == 0 && strcmp(ns, NS_ZF1_RSM) == 0) {
		src->syntax = TANDEM_EINV_SYNTAX_ZUGFERD1;
		n = einv_xml_child(root, NS_ZF1_RSM, "SpecifiedExchangedDocumentContext");
		n = einv_xml_child(n, NS_ZF1_RAM, "GuidelineSpecifiedDocumentContextParameter");
		n = einv_xml_child(n, NS_ZF1_RAM, "ID");
	} else {
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT, "TANDEM-XML-ROOT",
				NULL, xmlGetLineNo(root),
				"the root element {%s}%s is not an e-invoice (UBL Invoice or CreditNote, CII CrossIndustryInvoice)",
				ns, name);
		return TANDEM_EBADINPUT;
	}
	einv_xml_text(n, src->customization, sizeof src->customization);
	src->profile = tandem_einv_profile_of_customization(src->customization);
	if (src->syntax == TANDEM_EINV_SYNTAX_ZUGFERD1) {
		/* Its BASIC, COMFORT, EXTENDED are not the Factur-X profiles. */
		src->profile = TANDEM_EINV_PROFILE_UNKNOWN;
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EUNSUPPORTED,
				"TANDEM-XML-ZUGFERD1", NULL, xmlGetLineNo(root),
				"ZUGFeRD 1.0 (CrossIndustryDocument) predates EN 16931 and is not an EN 16931 invoice");
		return TANDEM_EBADINPUT;
	}
	src->full_invoice = src->profile != TANDEM_EINV_PROFILE_MINIMUM &&
			    src->profile != TANDEM_EINV_PROFILE_BASIC_WL;
	if (!src->full_invoice)
		tandem_diag_add(d, TANDEM_SEV_WARNING, 0, "TANDEM-FX-NOT-FULL", NULL,
				n ? xmlGetLineNo(n) : 0,
				"profile %s (%s) is a booking aid, not a full invoice: it has no invoice lines and is not an EN 16931 invoice",
				tandem_einv_profile_name(src->profile), src->customization);
	return 0;
}

static bool relationship_known(const char *r)
{
	return strcmp(r, "Data") == 0 || strcmp(r, "Source") == 0 ||
	       strcmp(r, "Alternative") == 0;
}

/* What the PDF says about its attachment must agree with the XML. */
static void check_container(const struct tandem_einv_source *src,
			    struct tandem_diag *d)
{
	const struct tandem_einv_pdf_info *pdf = &src->pdf;

	if (!pdf->in_af)
		tandem_diag_add(d, TANDEM_SEV_WARNING, 0, "TANDEM-FX-AF", NULL, 0,
				"%s is not listed in the catalog's /AF array, as PDF/A-3 requires",
				pdf->attachment);
	if (!relationship_known(pdf->relationship))
		tandem_diag_add(d, TANDEM_SEV_WARNING, 0, "TANDEM-FX-RELATIONSHIP", NULL, 0,
				"AFRelationship of %s is '%s', not Data, Source or Alternative",
				pdf->attachment, pdf->relationship);
	else if (src->profile == TANDEM_EINV_PROFILE_XRECHNUNG &&
		 strcmp(pdf->relationship, "Alternative") != 0)
		tandem_diag_add(d, TANDEM_SEV_WARNING, 0, "TANDEM-FX-RELATIONSHIP", NULL, 0,
				"an XRechnung in a PDF is expected with AFRelationship Alternative, not %s",
				pdf->relationship);
	if (pdf->xmp_conformance_level[0] == '\0') {
		/* An unreadable packet has had its own warning already. */
		if (!pdf->has_xmp || pdf->xmp_readable)
			tandem_diag_add(d, TANDEM_SEV_WARNING, 0, "TANDEM-FX-XMP", NULL, 0,
					"the PDF has no Factur-X/ZUGFeRD XMP metadata (ConformanceLevel)");
		return;
	}
	if (pdf->xmp_profile == TANDEM_EINV_PROFILE_UNKNOWN)
		tandem_diag_add(d, TANDEM_SEV_WARNING, 0, "TANDEM-FX-XMP", NULL, 0,
				"XMP ConformanceLevel '%s' is not a known profile",
				pdf->xmp_conformance_level);
	else if (src->profile != TANDEM_EINV_PROFILE_UNKNOWN &&
		 pdf->xmp_profile != src->profile)
		tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT, "TANDEM-FX-PROFILE",
				NULL, 0,
				"the XMP metadata says profile %s but the invoice's guideline (BT-24) %s says %s",
				tandem_einv_profile_name(pdf->xmp_profile), src->customization,
				tandem_einv_profile_name(src->profile));
	if (pdf->xmp_document_file_name[0] &&
	    strcmp(pdf->xmp_document_file_name, pdf->attachment) != 0)
		tandem_diag_add(d, TANDEM_SEV_WARNING, 0, "TANDEM-FX-FILENAME", NULL, 0,
				"XMP DocumentFileName is %s but the attachment is %s",
				pdf->xmp_document_file_name, pdf->attachment);
}

int tandem_einv_open(struct tandem_arena *a, const void *data, size_t len,
		     struct tandem_diag *d, struct tandem_einv_source **out)
{
	struct tandem_einv_source *src;
	xmlDocPtr doc;
	int err;

	*out = NULL;
	if (data == NULL && len)
		return TANDEM_EINVAL;
	src = tandem_arena_calloc(a, 1, sizeof *src);
	if (src == NULL)
		return TANDEM_ENOMEM; /* the caller's arena: not the document's fault */
	if (len >= 5 && memcmp(data, "%PDF-", 5) == 0) {
		src->container = TANDEM_EINV_CONTAINER_PDF;
		err = einv_pdf_extract(a, data, len, d, src);
		if (err) {
			*out = src;
			return err;
		}
	} else {
		src->xml = data;
		src->xml_len = len;
	}
	err = einv_xml_parse(a, src->xml, src->xml_len, "invoice XML", d, &doc);
	if (err == 0) {
		src->doc = tandem_arena_calloc(a, 1, sizeof *src->doc);
		if (src->doc == NULL)
			return TANDEM_ENOMEM;
		src->doc->doc = doc;
		err = identify(doc, src, d);
	}
	if (src->container == TANDEM_EINV_CONTAINER_PDF && src->syntax != TANDEM_EINV_SYNTAX_UNKNOWN)
		check_container(src, d);
	*out = src;
	return err;
}
