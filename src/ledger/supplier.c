/*
 * src/ledger/supplier.c - suppliers and the history of their bank
 * accounts.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ident.h"
#include "tandem/ledger.h"

#define SUPPLIER_NAME_MAX 300
#define EVIDENCE_MAX 500

int ledger_administration(struct tandem_store *s, const char *key, struct tandem_diag *d,
			  int64_t *id)
{
	bool found;
	int rc = ledger_run(s, "SELECT id FROM administration WHERE siret = $1 OR leitweg_id = $1",
			    id, &found, "t", key != NULL ? key : "");

	if (rc == 0 && !found)
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-LEDGER-ADMINISTRATION", 0,
				   "no administration with SIRET or Leitweg-ID \"%.46s\": load its "
				   "budget first", key != NULL ? key : "");
	return rc;
}

int ledger_supplier(struct tandem_store *s, int64_t admin, const char *key,
		    struct tandem_diag *d, int64_t *id)
{
	bool found;
	int rc = ledger_run(s, "SELECT id FROM supplier WHERE administration_id = $1 AND "
			    "(siret = $2 OR vat_id = $2)", id, &found, "it", admin,
			    key != NULL ? key : "");

	if (rc == 0 && !found)
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-LEDGER-SUPPLIER", 0,
				   "no supplier with SIRET or VAT number \"%.40s\"",
				   key != NULL ? key : "");
	return rc;
}

/* A finding when value is not a valid identifier of type. */
static int check_id(struct tandem_diag *d, enum tandem_id_type type, const char *what,
		    const char *value)
{
	struct tandem_id_result r;

	if (value == NULL || tandem_id_check(type, value, strlen(value), &r) == 0)
		return 0;
	return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-LEDGER-IDENTIFIER", 0,
			     "%s \"%.40s\": %s", what, value, r.detail);
}

/* A postal address: all absent, or a town and fields within the limits. */
static int check_address(struct tandem_diag *d, const char *street, const char *postcode,
			 const char *town)
{
	bool any = (street != NULL && street[0] != '\0') ||
		   (postcode != NULL && postcode[0] != '\0') || town != NULL;

	if (!any)
		return 0;
	if (town == NULL || town[0] == '\0' || strlen(town) > TANDEM_ADDRESS_TOWN_MAX ||
	    (street != NULL && strlen(street) > TANDEM_ADDRESS_STREET_MAX) ||
	    (postcode != NULL && strlen(postcode) > TANDEM_ADDRESS_POSTCODE_MAX))
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-LEDGER-ADDRESS", 0,
				     "a postal address needs a town (1 to %d bytes); street and "
				     "postcode are optional (at most %d and %d bytes)",
				     TANDEM_ADDRESS_TOWN_MAX, TANDEM_ADDRESS_STREET_MAX,
				     TANDEM_ADDRESS_POSTCODE_MAX);
	return 0;
}

static const char *or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

static int insert_supplier(struct tandem_store *s, int64_t admin,
			   const struct tandem_supplier_in *in, int64_t *id)
{
	char now[LEDGER_TIME_MAX];

	ledger_now(now);
	return ledger_run(s, "INSERT INTO supplier (administration_id, name, country, siret, "
			  "vat_id, created_at, street, postcode, town) VALUES ($1, $2, $3, $4, $5, "
			  "$6, $7, $8, $9) RETURNING id", id, NULL, "itttttttt", admin, in->name,
			  in->country, in->siret, in->vat_id, now, or_null(in->street),
			  or_null(in->postcode), in->town);
}

int tandem_ledger_supplier_add(struct tandem_store *s, const char *actor,
			       const struct tandem_supplier_in *in, struct tandem_diag *d,
			       int64_t *id)
{
	struct ledger_actor who;
	int64_t admin = 0;
	char detail[400];
	int rc;

	*id = 0;
	if (in->name == NULL || in->name[0] == '\0' || strlen(in->name) > SUPPLIER_NAME_MAX ||
	    in->country == NULL || strlen(in->country) != 2 ||
	    !tandem_iso3166_is_assigned(in->country))
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-LEDGER-SUPPLIER", 0,
				     "a supplier needs a name (1 to %d bytes) and an assigned "
				     "ISO 3166 country code", SUPPLIER_NAME_MAX);
	if (in->siret == NULL && in->vat_id == NULL)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-LEDGER-SUPPLIER", 0,
				     "a supplier needs a SIRET or a VAT number");
	rc = check_address(d, in->street, in->postcode, in->town);
	if (rc == 0)
		rc = check_id(d, TANDEM_ID_SIRET, "SIRET", in->siret);
	if (rc == 0 && in->vat_id != NULL &&
	    (strncmp(in->vat_id, "FR", 2) == 0 || strncmp(in->vat_id, "DE", 2) == 0))
		rc = check_id(d, TANDEM_ID_VAT, "VAT number", in->vat_id);
	if (rc == 0)
		rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "ordonnateur, admin", "adding a supplier", d, &who);
	if (rc == 0)
		rc = ledger_administration(s, in->administration, d, &admin);
	if (rc == 0) {
		rc = insert_supplier(s, admin, in, id);
		if (rc == TANDEM_EEXIST)
			(void)ledger_refuse(d, rc, "TANDEM-LEDGER-SUPPLIER", 0,
					    "a supplier with this SIRET or VAT number exists");
	}
	(void)snprintf(detail, sizeof detail, "supplier %.200s (%s)", in->name,
		       in->siret != NULL ? in->siret : in->vat_id);
	if (rc == 0)
		rc = ledger_event(s, who.id, "supplier.add", "supplier", *id, NULL, detail, NULL);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}

static int insert_account(struct tandem_store *s, int64_t supplier, const char *iban,
			  const char *bic, int64_t user, const char *evidence, int64_t event)
{
	char now[LEDGER_TIME_MAX];

	ledger_now(now);
	return ledger_run(s, "INSERT INTO supplier_account (supplier_id, iban, bic, changed_by, "
			  "changed_at, evidence, event_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
			  NULL, NULL, "ittitti", supplier, iban, bic, user, now, evidence, event);
}

int tandem_ledger_supplier_account(struct tandem_store *s, const char *actor,
				   const char *administration, const char *supplier,
				   const char *iban, const char *bic, const char *evidence,
				   struct tandem_diag *d)
{
	struct ledger_actor who;
	int64_t admin = 0, sup = 0, event = 0;
	char detail[300], compact[64];
	int rc;

	/* Stored as the bank writes it in a payment file: no spaces, capitals. */
	ledger_compact(iban, compact, sizeof compact);
	if (iban == NULL || evidence == NULL || evidence[0] == '\0' ||
	    strlen(evidence) > EVIDENCE_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-LEDGER-ACCOUNT", 0,
				     "a bank account needs an IBAN and the evidence of the change "
				     "(1 to %d bytes)", EVIDENCE_MAX);
	rc = check_id(d, TANDEM_ID_IBAN, "IBAN", iban);
	if (rc == 0)
		rc = check_id(d, TANDEM_ID_BIC, "BIC", bic);
	if (rc == 0)
		rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "ordonnateur, comptable, admin", "changing bank details",
			     d, &who);
	if (rc == 0)
		rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0)
		rc = ledger_supplier(s, admin, supplier, d, &sup);
	(void)snprintf(detail, sizeof detail, "bank account of supplier %lld set to %.34s: %.200s",
		       (long long)sup, compact, evidence);
	if (rc == 0)
		rc = ledger_event(s, who.id, "supplier.account", "supplier", sup, NULL, detail,
				  &event);
	if (rc == 0)
		rc = insert_account(s, sup, compact, bic, who.id, evidence, event);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}

int tandem_ledger_supplier_address(struct tandem_store *s, const char *actor,
				   const char *administration, const char *supplier,
				   const char *street, const char *postcode, const char *town,
				   struct tandem_diag *d)
{
	struct ledger_actor who;
	int64_t admin = 0, sup = 0;
	char detail[300];
	int rc = town != NULL ? check_address(d, street, postcode, town) :
		ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-LEDGER-ADDRESS", 0,
			      "a postal address needs a town");

	if (rc == 0)
		rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "ordonnateur, comptable, admin", "changing an address", d,
			     &who);
	if (rc == 0)
		rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0)
		rc = ledger_supplier(s, admin, supplier, d, &sup);
	(void)snprintf(detail, sizeof detail, "address of supplier %lld set to %.70s; %.16s; %.35s",
		       (long long)sup, street != NULL ? street : "", postcode != NULL ? postcode : "",
		       town);
	if (rc == 0)
		rc = ledger_event(s, who.id, "supplier.address", "supplier", sup, NULL, detail,
				  NULL);
	if (rc == 0)
		rc = ledger_run(s, "UPDATE supplier SET street = $2, postcode = $3, town = $4 WHERE "
				"id = $1", NULL, NULL, "ittt", sup, or_null(street),
				or_null(postcode), town);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}
