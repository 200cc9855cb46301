/*
 * src/einvoice/checks.c - tandem's own checks of the identifiers an invoice
 * carries (TANDEM-ID-*), and the routing keys of French and German public
 * buyers. The identifier algorithms are those of src/ident.
 */
#include <stdio.h>
#include <string.h>

#include "tandem/en16931.h"
#include "tandem/error.h"
#include "tandem/ident.h"

/* ISO 6523 ICD schemes and EAS codes tandem can check. */
#define ICD_SIRET "0009"
#define ICD_SIREN "0002"
#define EAS_LEITWEG "0204"

struct checker {
	struct tandem_diag *d;
	int err;
};

static const char *label(enum tandem_id_type type)
{
	switch (type) {
	case TANDEM_ID_SIRET:
		return "SIRET";
	case TANDEM_ID_SIREN:
		return "SIREN";
	case TANDEM_ID_IBAN:
		return "IBAN";
	case TANDEM_ID_BIC:
		return "BIC";
	case TANDEM_ID_LEITWEG:
		return "Leitweg-ID";
	default:
		return "VAT identification number";
	}
}

/* Checks one value as type; a warning (rule) when it fails. */
static void check(struct checker *c, enum tandem_id_type type, const char *rule,
		  const char *bt, const char *what, const char *value)
{
	struct tandem_id_result r;
	int rc;

	/* An empty value is the schematron's business (BR-* presence rules). */
	if (value == NULL || value[0] == '\0' || c->err != 0)
		return;
	rc = tandem_id_check(type, value, strlen(value), &r);
	if (rc == 0)
		return;
	rc = tandem_diag_add(c->d, TANDEM_SEV_WARNING, TANDEM_EBADINPUT, rule, bt, 0,
			     "%s (%s) \"%.80s\" is not a valid %s: %s", what, bt, value,
			     label(type), r.detail);
	if (rc == TANDEM_ENOMEM)
		c->err = rc;
}

/* An identifier with an ICD scheme: SIRET (0009) and SIREN (0002). */
static void check_scheme_id(struct checker *c, const struct tandem_einv_id *id,
			    const char *bt, const char *what)
{
	if (id->value == NULL || id->scheme == NULL)
		return;
	if (strcmp(id->scheme, ICD_SIRET) == 0)
		check(c, TANDEM_ID_SIRET, "TANDEM-ID-SIRET", bt, what, id->value);
	else if (strcmp(id->scheme, ICD_SIREN) == 0)
		check(c, TANDEM_ID_SIREN, "TANDEM-ID-SIREN", bt, what, id->value);
}

static void check_party(struct checker *c, const struct tandem_einv_party *p,
			const char *ids_bt, const char *legal_bt, const char *endpoint_bt,
			const char *who)
{
	char what[64];

	snprintf(what, sizeof what, "%s identifier", who);
	for (size_t i = 0; i < p->ids.count; i++)
		check_scheme_id(c, &p->ids.items[i], ids_bt, what);
	snprintf(what, sizeof what, "%s legal registration identifier", who);
	check_scheme_id(c, &p->legal_id, legal_bt, what);
	snprintf(what, sizeof what, "%s electronic address", who);
	check_scheme_id(c, &p->endpoint, endpoint_bt, what);
	if (p->endpoint.scheme != NULL && strcmp(p->endpoint.scheme, EAS_LEITWEG) == 0)
		check(c, TANDEM_ID_LEITWEG, "TANDEM-ID-LEITWEG", endpoint_bt, what,
		      p->endpoint.value);
}

/* French and German VAT numbers to the digit; others: the country prefix
 * (EL is Greece, XI Northern Ireland in the VIES system). */
static void check_vat(struct checker *c, const char *vat, const char *bt, const char *what)
{
	char cc[2];

	if (vat == NULL || vat[0] == '\0' || c->err != 0)
		return;
	if (strncmp(vat, "FR", 2) == 0 || strncmp(vat, "DE", 2) == 0) {
		check(c, TANDEM_ID_VAT, "TANDEM-ID-VAT", bt, what, vat);
		return;
	}
	cc[0] = vat[0];
	cc[1] = vat[1];
	if (strncmp(vat, "EL", 2) == 0 || strncmp(vat, "XI", 2) == 0 ||
	    (cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z' &&
	     tandem_iso3166_is_assigned(cc)))
		return;
	if (tandem_diag_add(c->d, TANDEM_SEV_WARNING, TANDEM_EBADINPUT, "TANDEM-ID-VAT", bt, 0,
			    "%s (%s) \"%.80s\" does not start with a country code", what, bt,
			    vat) == TANDEM_ENOMEM)
		c->err = TANDEM_ENOMEM;
}

/* An account identifier is checked as an IBAN when it is written as one
 * (two letters, two digits) or the means code says SEPA (58, 59). */
static bool iban_expected(const char *account, const char *means)
{
	if (account == NULL)
		return false;
	if (means != NULL && (strcmp(means, "58") == 0 || strcmp(means, "59") == 0))
		return true;
	return account[0] >= 'A' && account[0] <= 'Z' && account[1] >= 'A' &&
	       account[1] <= 'Z' && account[2] >= '0' && account[2] <= '9' &&
	       account[3] >= '0' && account[3] <= '9';
}

int tandem_einv_check_ids(const struct tandem_einv_invoice *inv,
			  const struct tandem_einv_source *src, struct tandem_diag *d)
{
	struct checker c = { d, 0 };
	const struct tandem_einv_payment *pay = &inv->payment;

	check_party(&c, &inv->seller, "BT-29", "BT-30", "BT-34", "Seller");
	check_party(&c, &inv->buyer, "BT-46", "BT-47", "BT-49", "Buyer");
	check_party(&c, &inv->payee, "BT-60", "BT-61", "", "Payee");
	check_vat(&c, inv->seller.vat_id, "BT-31", "Seller VAT identifier");
	check_vat(&c, inv->buyer.vat_id, "BT-48", "Buyer VAT identifier");
	check_vat(&c, inv->tax_representative.vat_id, "BT-63",
		  "Seller tax representative VAT identifier");
	for (size_t i = 0; i < pay->n_transfers; i++) {
		const struct tandem_einv_transfer *t = &pay->transfers[i];

		if (iban_expected(t->account, pay->means_code))
			check(&c, TANDEM_ID_IBAN, "TANDEM-ID-IBAN", "BT-84",
			      "Payment account identifier", t->account);
		check(&c, TANDEM_ID_BIC, "TANDEM-ID-BIC", "BT-86",
		      "Payment service provider identifier", t->bic);
	}
	if (iban_expected(pay->debit.debited_account, NULL))
		check(&c, TANDEM_ID_IBAN, "TANDEM-ID-IBAN", "BT-91", "Debited account identifier",
		      pay->debit.debited_account);
	if (src != NULL && src->profile == TANDEM_EINV_PROFILE_XRECHNUNG) {
		if (inv->buyer_reference == NULL)
			(void)tandem_diag_add(d, TANDEM_SEV_WARNING, TANDEM_EBADINPUT,
					      "TANDEM-ID-LEITWEG", "BT-10", 0,
					      "an XRechnung invoice without Buyer reference (BT-10) "
					      "has no Leitweg-ID to be routed with");
		else
			check(&c, TANDEM_ID_LEITWEG, "TANDEM-ID-LEITWEG", "BT-10",
			      "Buyer reference", inv->buyer_reference);
	}
	return c.err;
}

static bool valid_id(enum tandem_id_type type, const char *value)
{
	struct tandem_id_result r;

	return value != NULL && tandem_id_check(type, value, strlen(value), &r) == 0;
}

static bool is_siret(const struct tandem_einv_id *id)
{
	return id->value != NULL && id->value[0] != '\0' && id->scheme != NULL &&
	       strcmp(id->scheme, ICD_SIRET) == 0;
}

/* The buyer's SIRET: an identifier, legal registration or electronic
 * address with scheme 0009. */
static const char *buyer_siret(const struct tandem_einv_party *b)
{
	for (size_t i = 0; i < b->ids.count; i++)
		if (is_siret(&b->ids.items[i]))
			return b->ids.items[i].value;
	if (is_siret(&b->legal_id))
		return b->legal_id.value;
	if (is_siret(&b->endpoint))
		return b->endpoint.value;
	return NULL;
}

void tandem_einv_routing(const struct tandem_einv_invoice *inv,
			 struct tandem_einv_routing *out)
{
	const char *ref = inv->buyer_reference;
	const struct tandem_einv_id *ep = &inv->buyer.endpoint;

	memset(out, 0, sizeof *out);
	if (ref != NULL && tandem_id_detect(ref, strlen(ref)) == TANDEM_ID_LEITWEG) {
		out->kind = TANDEM_EINV_ROUTE_LEITWEG;
		out->leitweg_id = ref;
	} else if (ep->scheme != NULL && strcmp(ep->scheme, EAS_LEITWEG) == 0 &&
		   ep->value != NULL) {
		out->kind = TANDEM_EINV_ROUTE_LEITWEG;
		out->leitweg_id = ep->value;
	}
	if (out->kind == TANDEM_EINV_ROUTE_LEITWEG) {
		out->valid = valid_id(TANDEM_ID_LEITWEG, out->leitweg_id);
		return;
	}
	out->buyer_siret = buyer_siret(&inv->buyer);
	if (out->buyer_siret == NULL)
		return;
	out->kind = TANDEM_EINV_ROUTE_CHORUS;
	out->service_code = ref;
	out->commitment = inv->order_ref;
	out->valid = valid_id(TANDEM_ID_SIRET, out->buyer_siret);
}

const char *tandem_einv_route_name(enum tandem_einv_route r)
{
	switch (r) {
	case TANDEM_EINV_ROUTE_CHORUS:
		return "chorus";
	case TANDEM_EINV_ROUTE_LEITWEG:
		return "leitweg";
	case TANDEM_EINV_ROUTE_NONE:
		break;
	}
	return "none";
}
