/*
 * src/einvoice/write_fix.c - what a syntax requires that no business term
 * gives, added after the terms are written:
 *   - UBL: every tax category names its tax scheme, VAT (the CEN rules
 *     select categories by it); a party tax scheme holding BT-32 names a
 *     scheme other than VAT ("FC", as CII's scheme of BT-32); a card
 *     account has a network id, "NA" (EN 16931 has no term for it); an
 *     order reference with a sales order reference (BT-14) but no purchase
 *     order reference (BT-13) gets the ID "NA", as Peppol BIS does - a
 *     finding TANDEM-WRITE-DERIVED says so;
 *   - CII: every trade tax has type code VAT; a transaction has its three
 *     header sections and a line its three line sections, even empty; the
 *     project (BT-11) has the name "Project reference", as EN 16931-3-3;
 *   - both: a second credit transfer account (BG-17) opens a payment means
 *     element of its own, which repeats the payment means code (BT-81) and
 *     in UBL the remittance information (BT-83); the payment means text
 *     and UBL's due date of a credit note are written once (UBL-SR-45, 46).
 */
#include <pthread.h>
#include <string.h>

#include <libxml/tree.h>

#include "einvoice/model_path.h"
#include "einvoice/write.h"
#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/log.h"

struct fix {
	const char *parent; /* local name */
	const char *path;   /* made when its first step is absent */
	const char *text;   /* NULL: an empty element */
	const char *term;   /* the business term this gives a value, or NULL */
};

static const struct fix ubl_fixes[] = {
	{ "TaxCategory", "cac:TaxScheme/cbc:ID", "VAT", NULL },
	{ "ClassifiedTaxCategory", "cac:TaxScheme/cbc:ID", "VAT", NULL },
	{ "PartyTaxScheme", "cac:TaxScheme/cbc:ID", "FC", NULL },
	{ "CardAccount", "cbc:NetworkID", "NA", NULL },
	{ "OrderReference", "cbc:ID", "NA", "BT-13 (Purchase order reference)" },
};

static const struct fix cii_fixes[] = {
	{ "ApplicableTradeTax", "ram:TypeCode", "VAT", NULL },
	{ "CategoryTradeTax", "ram:TypeCode", "VAT", NULL },
	{ "SpecifiedProcuringProject", "ram:Name", "Project reference", NULL },
	{ "SupplyChainTradeTransaction", "ram:ApplicableHeaderTradeAgreement", NULL, NULL },
	{ "SupplyChainTradeTransaction", "ram:ApplicableHeaderTradeDelivery", NULL, NULL },
	{ "SupplyChainTradeTransaction", "ram:ApplicableHeaderTradeSettlement", NULL, NULL },
	{ "IncludedSupplyChainTradeLineItem", "ram:SpecifiedLineTradeAgreement", NULL, NULL },
	{ "IncludedSupplyChainTradeLineItem", "ram:SpecifiedLineTradeDelivery", NULL, NULL },
	{ "IncludedSupplyChainTradeLineItem", "ram:SpecifiedLineTradeSettlement", NULL, NULL },
};

#define UBL_FIXES (sizeof ubl_fixes / sizeof ubl_fixes[0])
#define CII_FIXES (sizeof cii_fixes / sizeof cii_fixes[0])

/* Payment means: the element and the children each of its copies repeats. */
static const char *const ubl_means[] = { "PaymentMeans", "PaymentMeansCode", "PaymentID", NULL };
static const char *const cii_means[] = { "SpecifiedTradeSettlementPaymentMeans", "TypeCode", NULL };

static struct tandem_arena arena;
static const struct einv_path *ubl_paths[UBL_FIXES];
static const struct einv_path *cii_paths[CII_FIXES];
static bool compiled_ok;
static pthread_once_t compiled_once = PTHREAD_ONCE_INIT;

static bool compile_all(const struct fix *fx, size_t n, const struct einv_path **out)
{
	char err[160];

	for (size_t i = 0; i < n; i++)
		if ((out[i] = einv_path_compile(&arena, fx[i].path, err, sizeof err)) == NULL) {
			tandem_log(TANDEM_LOG_ERROR, "einvoice", "write fix %s: %s",
				   fx[i].path, err);
			return false;
		}
	return true;
}

static void compile_once(void)
{
	tandem_arena_init(&arena, 64u << 10);
	compiled_ok = compile_all(ubl_fixes, UBL_FIXES, ubl_paths) &&
		      compile_all(cii_fixes, CII_FIXES, cii_paths);
}

static bool has_child(xmlNodePtr node, const char *name)
{
	for (xmlNodePtr c = node->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return true;
	return false;
}

/* The local name of the first step of a fix's path. */
static const char *first_name(const char *path, char *buf, size_t size)
{
	const char *colon = strchr(path, ':');
	size_t len = strcspn(colon + 1, "/");

	if (len >= size)
		len = size - 1;
	memcpy(buf, colon + 1, len);
	buf[len] = '\0';
	return buf;
}

static int apply_fixes(const struct einv_maker *m, struct tandem_diag *d, xmlNodePtr node,
		       const struct fix *fx, const struct einv_path *const *paths, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		char name[64];
		xmlNodePtr made;

		if (strcmp((const char *)node->name, fx[i].parent) != 0 ||
		    has_child(node, first_name(fx[i].path, name, sizeof name)))
			continue;
		rc = einv_path_make(m, paths[i], 0, node, false, 0, fx[i].text, &made);
		if (rc == 0 && fx[i].term != NULL)
			(void)tandem_diag_add(d, TANDEM_SEV_WARNING, 0, "TANDEM-WRITE-DERIVED", NULL,
					      0, "%s is absent but the syntax requires it: "
					      "written as \"%s\"", fx[i].term, fx[i].text);
	}
	for (xmlNodePtr c = node->children; c != NULL && rc == 0; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			rc = apply_fixes(m, d, c, fx, paths, n);
	return rc;
}

/* Copies into later payment means elements the children of the first
 * that they lack. */
static int repeat_means(xmlNodePtr node, const char *const *means)
{
	xmlNodePtr first = NULL;

	for (xmlNodePtr c = node->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, means[0]) != 0) {
			int rc = repeat_means(c, means);

			if (rc != 0)
				return rc;
			continue;
		}
		if (first == NULL) {
			first = c;
			continue;
		}
		for (size_t i = 1; means[i] != NULL; i++) {
			xmlNodePtr copy;

			if (has_child(c, means[i]))
				continue;
			for (xmlNodePtr s = first->children; s != NULL; s = s->next) {
				if (s->type != XML_ELEMENT_NODE ||
				    strcmp((const char *)s->name, means[i]) != 0)
					continue;
				/* The text only: the payment means text (BT-82),
				 * an attribute of the UBL code, is written once. */
				xmlChar *text = xmlNodeGetContent(s);

				copy = xmlNewDocNode(s->doc, s->ns, s->name, NULL);
				if (copy != NULL && xmlAddChild(c, copy) == NULL) {
					xmlFreeNode(copy);
					copy = NULL;
				}
				if (copy == NULL || text == NULL ||
				    einv_node_set_text(copy, (const char *)text) != 0) {
					xmlFree(text);
					return TANDEM_ENOMEM;
				}
				xmlFree(text);
				break;
			}
		}
	}
	return 0;
}

int einv_write_fix(const struct einv_maker *m, enum einv_binding b, struct tandem_diag *d)
{
	int rc;

	(void)pthread_once(&compiled_once, compile_once);
	if (!compiled_ok)
		return TANDEM_EINTERNAL;
	if (b == EINV_B_CII)
		rc = apply_fixes(m, d, m->root, cii_fixes, cii_paths, CII_FIXES);
	else
		rc = apply_fixes(m, d, m->root, ubl_fixes, ubl_paths, UBL_FIXES);
	return rc != 0 ? rc : repeat_means(m->root, b == EINV_B_CII ? cii_means : ubl_means);
}
