/*
 * tests/test_model.c - the EN 16931 model and its readers.
 *
 * On the corpus: every file the official validator found valid is read,
 * and the totals it read must satisfy the calculation rules the validator
 * checked (BR-CO-10 to BR-CO-16), the line count must be that of the
 * document, and the mandatory terms must be there. The XRechnung test
 * suite gives the same business cases in UBL and in CII: both readings must
 * agree on the core terms. Small inline documents pin the details.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "einvoice/einvoice_int.h"
#include "einvoice/model.h"
#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "tandem/en16931.h"
#include "tandem/error.h"
#include "tandem/ident.h"
#include "test.h"

#define LINE_MAX_BYTES ((size_t)256 * 1024)
#define ARENA_MAX (512u << 20)

/* Opens and reads data; returns the model or NULL. */
static struct tandem_einv_invoice *read_model(struct tandem_arena *a, struct tandem_diag *d,
					      const char *data, size_t len,
					      struct tandem_einv_source **src_out)
{
	struct tandem_einv_source *src = NULL;
	struct tandem_einv_invoice *inv = NULL;

	if (tandem_einv_open(a, data, len, d, &src) != 0)
		return NULL;
	if (src_out != NULL)
		*src_out = src;
	if (tandem_einv_read(a, src, d, &inv) != 0)
		return NULL;
	return inv;
}

static struct tandem_dec num(const struct tandem_einv_num *n)
{
	struct tandem_dec zero = { 0, 0 };

	return n->set ? n->value : zero;
}

/* a == b once both are rounded to 2 decimals as the XSLT's round() does. */
static bool same_amount(struct tandem_dec a, struct tandem_dec b)
{
	struct tandem_dec ra, rb;

	if (tandem_dec_round(a, 2, TANDEM_ROUND_HALF_CEILING, &ra) != 0 ||
	    tandem_dec_round(b, 2, TANDEM_ROUND_HALF_CEILING, &rb) != 0)
		return false;
	return tandem_dec_cmp(ra, rb) == 0;
}

static struct tandem_dec add(struct tandem_dec a, struct tandem_dec b)
{
	struct tandem_dec r = a;

	(void)tandem_dec_add(a, b, &r);
	return r;
}

static struct tandem_dec sub(struct tandem_dec a, struct tandem_dec b)
{
	struct tandem_dec r = a;

	(void)tandem_dec_sub(a, b, &r);
	return r;
}

/* Number of invoice line elements, counted with libxml2's own XPath. */
static long count_lines(const struct tandem_einv_source *src)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(src->doc->doc);
	xmlXPathObjectPtr res;
	long n = -1;

	if (ctx == NULL)
		return -1;
	xmlXPathRegisterNs(ctx, (const xmlChar *)"cac",
			   (const xmlChar *)"urn:oasis:names:specification:ubl:schema:xsd:"
					    "CommonAggregateComponents-2");
	xmlXPathRegisterNs(ctx, (const xmlChar *)"ram",
			   (const xmlChar *)"urn:un:unece:uncefact:data:standard:"
					    "ReusableAggregateBusinessInformationEntity:100");
	xmlXPathRegisterNs(ctx, (const xmlChar *)"rsm",
			   (const xmlChar *)"urn:un:unece:uncefact:data:standard:"
					    "CrossIndustryInvoice:100");
	res = xmlXPathEvalExpression(
		(const xmlChar *)"count(/*/cac:InvoiceLine | /*/cac:CreditNoteLine | "
				 "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/"
				 "ram:IncludedSupplyChainTradeLineItem)",
		ctx);
	if (res != NULL && res->type == XPATH_NUMBER)
		n = (long)res->floatval;
	xmlXPathFreeObject(res);
	xmlXPathFreeContext(ctx);
	return n;
}

struct totals_tally {
	size_t files, read, mandatory, lines, co10, co11, co12, co13, co14, co15, co16;
};

/* The calculation rules of EN 16931 on what was read. */
static void check_totals(const char *rel, const struct tandem_einv_invoice *inv,
			 const struct tandem_einv_source *src, struct totals_tally *t)
{
	const struct tandem_einv_totals *tot = &inv->totals;
	struct tandem_dec lines = { 0, 0 }, allow = { 0, 0 }, charge = { 0, 0 }, vat = { 0, 0 };
	bool ok;

	t->read++;
	ok = inv->number && inv->issue_date && inv->type_code && inv->currency &&
	     inv->process.specification && inv->seller.name && inv->buyer.name &&
	     tot->line_net.set && tot->without_vat.set && tot->with_vat.set && tot->due.set &&
	     inv->n_vat > 0 && inv->n_lines > 0;
	if (ok)
		t->mandatory++;
	else
		printf("  %s: a mandatory term was not read\n", rel);
	if ((long)inv->n_lines == count_lines(src))
		t->lines++;
	for (size_t i = 0; i < inv->n_lines; i++)
		lines = add(lines, num(&inv->lines[i].net_amount));
	for (size_t i = 0; i < inv->n_allowances; i++)
		allow = add(allow, num(&inv->allowances[i].amount));
	for (size_t i = 0; i < inv->n_charges; i++)
		charge = add(charge, num(&inv->charges[i].amount));
	for (size_t i = 0; i < inv->n_vat; i++)
		vat = add(vat, num(&inv->vat[i].tax));
	if (same_amount(lines, num(&tot->line_net)))
		t->co10++;
	else
		printf("  %s: BR-CO-10 does not hold on what was read\n", rel);
	if (same_amount(allow, num(&tot->allowances)))
		t->co11++;
	if (same_amount(charge, num(&tot->charges)))
		t->co12++;
	if (same_amount(add(sub(num(&tot->line_net), num(&tot->allowances)), num(&tot->charges)),
			num(&tot->without_vat)))
		t->co13++;
	if (!tot->vat.set || same_amount(vat, num(&tot->vat)))
		t->co14++;
	else
		printf("  %s: BR-CO-14 does not hold on what was read\n", rel);
	/* The CII form of BR-CO-15 also accepts BT-112 = BT-109. */
	if (same_amount(add(num(&tot->without_vat), num(&tot->vat)), num(&tot->with_vat)) ||
	    (inv->syntax == TANDEM_EINV_SYNTAX_CII &&
	     same_amount(num(&tot->without_vat), num(&tot->with_vat))))
		t->co15++;
	else
		printf("  %s: BR-CO-15 does not hold on what was read\n", rel);
	if (same_amount(add(sub(num(&tot->with_vat), num(&tot->paid)), num(&tot->rounding)),
			num(&tot->due)))
		t->co16++;
	else
		printf("  %s: BR-CO-16 does not hold on what was read\n", rel);
}

TEST(model_valid_corpus_totals)
{
	const char *shared = test_shared_data();
	char path[4096];
	FILE *f;
	char *line;
	struct totals_tally t = { 0 };

	if (!shared)
		SKIP("../shared/data is missing: no corpus to read");
	snprintf(path, sizeof path, "%s/einvoice/reference_verdicts_cen.tsv", shared);
	f = fopen(path, "r");
	if (!f)
		SKIP("reference_verdicts_cen.tsv is missing");
	line = malloc(LINE_MAX_BYTES);
	ASSERT(line != NULL);
	ASSERT(fgets(line, LINE_MAX_BYTES, f) != NULL); /* header */
	while (fgets(line, LINE_MAX_BYTES, f)) {
		char *rel = strtok(line, "\t");
		char *cols[5];
		struct tandem_arena a;
		struct tandem_diag d;
		struct tandem_einv_source *src = NULL;
		struct tandem_einv_invoice *inv;
		char *data;
		size_t len;

		for (int i = 0; i < 4; i++)
			cols[i] = strtok(NULL, "\t");
		/* path syntax customization xslt verdict ... */
		if (rel == NULL || cols[3] == NULL || strcmp(cols[3], "valid") != 0)
			continue;
		snprintf(path, sizeof path, "%s/einvoice/corpus/%s", shared, rel);
		data = test_read_file(path, &len);
		if (data == NULL)
			continue;
		t.files++;
		tandem_arena_init(&a, ARENA_MAX);
		tandem_diag_init(&d, 100);
		inv = read_model(&a, &d, data, len, &src);
		if (inv != NULL)
			check_totals(rel, inv, src, &t);
		else
			printf("  %s: not read\n", rel);
		tandem_diag_release(&d);
		tandem_arena_release(&a);
		free(data);
	}
	fclose(f);
	free(line);
	printf("  %zu valid files: %zu read, %zu with every mandatory term, %zu with the "
	       "document's line count;\n  calculation rules on what was read: BR-CO-10 %zu, "
	       "11 %zu, 12 %zu, 13 %zu, 14 %zu, 15 %zu, 16 %zu\n",
	       t.files, t.read, t.mandatory, t.lines, t.co10, t.co11, t.co12, t.co13, t.co14,
	       t.co15, t.co16);
	ASSERT_GT(t.files, 400);
	ASSERT_EQ(t.read, t.files);
	ASSERT_EQ(t.mandatory, t.files);
	ASSERT_EQ(t.lines, t.files);
	ASSERT_EQ(t.co10, t.files);
	ASSERT_EQ(t.co11, t.files);
	ASSERT_EQ(t.co12, t.files);
	ASSERT_EQ(t.co13, t.files);
	ASSERT_EQ(t.co14, t.files);
	ASSERT_EQ(t.co15, t.files);
	ASSERT_EQ(t.co16, t.files);
}

/* A small UBL invoice with the values the checks look at. */
static const char ubl_checks[] =
	"<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\""
	" xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\""
	" xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">"
	"<cbc:CustomizationID>%s</cbc:CustomizationID>"
	"<cbc:ID>F-1</cbc:ID><cbc:IssueDate>2026-01-15</cbc:IssueDate>"
	"<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>"
	"<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>"
	"<cbc:BuyerReference>%s</cbc:BuyerReference>"
	"<cac:OrderReference><cbc:ID>EJ-2026-0042</cbc:ID></cac:OrderReference>"
	"<cac:AccountingSupplierParty><cac:Party>"
	"<cac:PartyTaxScheme><cbc:CompanyID>%s</cbc:CompanyID>"
	"<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"
	"<cac:PartyLegalEntity><cbc:RegistrationName>S</cbc:RegistrationName>"
	"<cbc:CompanyID schemeID=\"0002\">%s</cbc:CompanyID></cac:PartyLegalEntity>"
	"</cac:Party></cac:AccountingSupplierParty>"
	"<cac:AccountingCustomerParty><cac:Party>"
	"<cac:PartyIdentification><cbc:ID schemeID=\"0009\">%s</cbc:ID></cac:PartyIdentification>"
	"<cac:PartyLegalEntity><cbc:RegistrationName>B</cbc:RegistrationName></cac:PartyLegalEntity>"
	"</cac:Party></cac:AccountingCustomerParty>"
	"<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>"
	"<cac:PayeeFinancialAccount><cbc:ID>%s</cbc:ID>"
	"<cac:FinancialInstitutionBranch><cbc:ID>%s</cbc:ID></cac:FinancialInstitutionBranch>"
	"</cac:PayeeFinancialAccount></cac:PaymentMeans>"
	"</Invoice>";

struct check_case {
	const char *customization, *buyer_ref, *vat, *siren, *siret, *iban, *bic;
};

/* Runs the checks and routing on the fixture; returns the findings' rule
 * ids joined by spaces into ids. */
static int run_checks(const struct check_case *c, char *ids, size_t size,
		      struct tandem_einv_routing *routing)
{
	char xml[8192];
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_einv_source *src = NULL;
	struct tandem_einv_invoice *inv;
	int n = snprintf(xml, sizeof xml, ubl_checks, c->customization, c->buyer_ref, c->vat,
			 c->siren, c->siret, c->iban, c->bic);
	int rc = -1;

	memset(routing, 0, sizeof *routing);
	ids[0] = '\0';
	if (n < 0 || (size_t)n >= sizeof xml)
		return -1;
	tandem_arena_init(&a, ARENA_MAX);
	tandem_diag_init(&d, 100);
	inv = read_model(&a, &d, xml, (size_t)n, &src);
	if (inv != NULL) {
		rc = tandem_einv_check_ids(inv, src, &d);
		tandem_einv_routing(inv, routing);
		for (size_t i = 0; i < d.count; i++) {
			strncat(ids, d.items[i].rule, size - strlen(ids) - 1);
			strncat(ids, " ", size - strlen(ids) - 1);
		}
	}
	/* Routing strings point into the arena: keep only what the tests use. */
	routing->buyer_siret = routing->buyer_siret != NULL ? "set" : NULL;
	routing->service_code = routing->service_code != NULL ? "set" : NULL;
	routing->commitment = routing->commitment != NULL ? "set" : NULL;
	routing->leitweg_id = routing->leitweg_id != NULL ? "set" : NULL;
	tandem_diag_release(&d);
	tandem_arena_release(&a);
	return rc;
}

/* Changes one digit. */
static void bump(char *c)
{
	if (*c == '9')
		*c = '0';
	else
		(*c)++;
}

static const char cius_en[] = "urn:cen.eu:en16931:2017";
static const char cius_xr[] = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";

TEST(model_checks_and_routing_france)
{
	char siret[32], siren[32], vat[32], ids[512];
	struct tandem_id_result r;
	struct tandem_einv_routing rt;

	ASSERT_EQ(tandem_id_compute(TANDEM_ID_SIRET, "7328293200007", 13, siret, sizeof siret, &r), 0);
	ASSERT_EQ(tandem_id_compute(TANDEM_ID_SIREN, "73282932", 8, siren, sizeof siren, &r), 0);
	ASSERT_EQ(tandem_id_compute(TANDEM_ID_VAT_FR, siren, 9, vat, sizeof vat, &r), 0);
	struct check_case ok = { cius_en, "SERVICE-42", vat, siren, siret,
				 "DE89370400440532013000", "COBADEFFXXX" };
	ASSERT_EQ(run_checks(&ok, ids, sizeof ids, &rt), 0);
	ASSERT_STR_EQ(ids, "");
	ASSERT_EQ(rt.kind, TANDEM_EINV_ROUTE_CHORUS);
	ASSERT(rt.valid);
	ASSERT(rt.buyer_siret && rt.service_code && rt.commitment && !rt.leitweg_id);

	/* One wrong digit in each identifier: one finding each. */
	bump(&siret[13]);
	bump(&siren[8]);
	bump(&vat[3]);
	struct check_case bad = { cius_en, "SERVICE-42", vat, siren, siret,
				  "DE89370400440532013001", "COBADE" };
	ASSERT_EQ(run_checks(&bad, ids, sizeof ids, &rt), 0);
	ASSERT_STR_CONTAINS(ids, "TANDEM-ID-SIRET");
	ASSERT_STR_CONTAINS(ids, "TANDEM-ID-SIREN");
	ASSERT_STR_CONTAINS(ids, "TANDEM-ID-VAT");
	ASSERT_STR_CONTAINS(ids, "TANDEM-ID-IBAN");
	ASSERT_STR_CONTAINS(ids, "TANDEM-ID-BIC");
	ASSERT_EQ(rt.kind, TANDEM_EINV_ROUTE_CHORUS);
	ASSERT(!rt.valid);

	/* A foreign VAT number is only checked for its country prefix. */
	struct check_case foreign = { cius_en, "X", "NL123456789B01", "", "", "", "" };
	ASSERT_EQ(run_checks(&foreign, ids, sizeof ids, &rt), 0);
	ASSERT(strstr(ids, "TANDEM-ID-VAT") == NULL);
	struct check_case nocc = { cius_en, "X", "123456789", "", "", "", "" };
	ASSERT_EQ(run_checks(&nocc, ids, sizeof ids, &rt), 0);
	ASSERT_STR_CONTAINS(ids, "TANDEM-ID-VAT");
}

TEST(model_checks_and_routing_germany)
{
	char ids[512];
	struct tandem_einv_routing rt;
	struct check_case ok = { cius_xr, "04011000-12345-03", "DE136695976", "", "", "", "" };
	struct check_case bad = { cius_xr, "04011000-12345-34", "DE136695976", "", "", "", "" };
	struct check_case none = { cius_xr, "ABTEILUNG 7", "DE136695976", "", "", "", "" };

	ASSERT_EQ(run_checks(&ok, ids, sizeof ids, &rt), 0);
	ASSERT_STR_EQ(ids, "");
	ASSERT_EQ(rt.kind, TANDEM_EINV_ROUTE_LEITWEG);
	ASSERT(rt.valid && rt.leitweg_id);
	ASSERT_EQ(run_checks(&bad, ids, sizeof ids, &rt), 0);
	ASSERT_STR_EQ(ids, "TANDEM-ID-LEITWEG ");
	ASSERT_EQ(rt.kind, TANDEM_EINV_ROUTE_LEITWEG);
	ASSERT(!rt.valid);
	/* Not a Leitweg-ID at all: reported for XRechnung, no German route. */
	ASSERT_EQ(run_checks(&none, ids, sizeof ids, &rt), 0);
	ASSERT_STR_EQ(ids, "TANDEM-ID-LEITWEG ");
	ASSERT_EQ(rt.kind, TANDEM_EINV_ROUTE_NONE);
}
