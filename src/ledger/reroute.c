/*
 * src/ledger/reroute.c - an invoice à recycler routed again once its
 * routing data are corrected: the EJ number (BT-13) or the code service /
 * Leitweg-ID (BT-10), on the supplier's word, as Chorus Pro lets a
 * supplier complete them without issuing a new invoice. The file stays as
 * received; the correction, who made it and on what request are in the
 * event.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define NOTE_MAX 300
#define REF_MAX 100

/* What the route reads of a stored invoice, and its texts. */
struct stored {
	struct tandem_invoice_in in;
	char number[201], type_code[4], issue_date[11], seller[64], buyer_ref[REF_MAX + 1];
	char order_ref[REF_MAX + 1], iban[64], status[16];
};

static int load(struct tandem_store *s, int64_t admin, int64_t invoice, struct tandem_diag *d,
		struct stored *x)
{
	struct tandem_stmt *st;
	int rc = ledger_select(s, &st, "SELECT number, type_code, issue_date, seller_key, "
			       "coalesce(buyer_reference, ''), coalesce(order_reference, ''), "
			       "coalesce(payee_iban, ''), due_cents, status FROM invoice WHERE id = $1 "
			       "AND administration_id = $2", "ii", invoice, admin);

	memset(x, 0, sizeof *x);
	if (rc == 1) {
		(void)snprintf(x->number, sizeof x->number, "%s", tandem_stmt_text(st, 0));
		(void)snprintf(x->type_code, sizeof x->type_code, "%s", tandem_stmt_text(st, 1));
		(void)snprintf(x->issue_date, sizeof x->issue_date, "%s", tandem_stmt_text(st, 2));
		(void)snprintf(x->seller, sizeof x->seller, "%s", tandem_stmt_text(st, 3));
		(void)snprintf(x->buyer_ref, sizeof x->buyer_ref, "%s", tandem_stmt_text(st, 4));
		(void)snprintf(x->order_ref, sizeof x->order_ref, "%s", tandem_stmt_text(st, 5));
		(void)snprintf(x->iban, sizeof x->iban, "%s", tandem_stmt_text(st, 6));
		x->in.due_cents = tandem_stmt_i64(st, 7);
		(void)snprintf(x->status, sizeof x->status, "%s", tandem_stmt_text(st, 8));
		rc = 0;
	} else if (rc == 0) {
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-INVOICE-UNKNOWN", 0,
				   "no invoice %lld for this administration", (long long)invoice);
	}
	tandem_stmt_finalize(st);
	if (rc == 0 && strcmp(x->status, "a_recycler") != 0)
		rc = ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-INVOICE-STATUS", 0,
				   "invoice %lld is %s: only an invoice à recycler is routed again",
				   (long long)invoice, x->status);
	/* The seller key is the SIRET or the VAT number: the route tries both. */
	x->in.number = x->number;
	x->in.type_code = x->type_code;
	x->in.issue_date = x->issue_date;
	x->in.seller_siret = x->seller;
	x->in.seller_vat = x->seller;
	x->in.payee_iban = x->iban[0] != '\0' ? x->iban : NULL;
	x->in.currency = "EUR";
	return rc;
}

static int check_input(const char *ej, const char *service, const char *note,
		       struct tandem_diag *d)
{
	if ((ej == NULL || ej[0] == '\0') && (service == NULL || service[0] == '\0'))
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-INVOICE-REROUTE", 0,
				     "routing again needs a corrected EJ number (BT-13) or code "
				     "service (BT-10)");
	if ((ej != NULL && strlen(ej) > REF_MAX) || (service != NULL && strlen(service) > REF_MAX))
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-INVOICE-REROUTE", 0,
				     "an EJ number or code service is at most %d bytes", REF_MAX);
	if (note == NULL || note[0] == '\0' || strlen(note) > NOTE_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-INVOICE-REROUTE", 0,
				     "routing again needs a note of who asked for it (1 to %d bytes)",
				     NOTE_MAX);
	return 0;
}

int tandem_ledger_invoice_reroute(struct tandem_store *s, const char *actor,
				  const char *administration, int64_t invoice, const char *ej,
				  const char *service, const char *note, struct tandem_diag *d,
				  struct tandem_invoice_result *res)
{
	struct ledger_actor who;
	struct ledger_routed r;
	struct stored x;
	int64_t admin = 0, event = 0;
	char detail[1300];
	int rc = check_input(ej, service, note, d);

	memset(res, 0, sizeof *res);
	memset(&r, 0, sizeof r);
	memset(&x, 0, sizeof x);
	if (rc == 0)
		rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "ordonnateur, admin", "routing an invoice again", d, &who);
	if (rc == 0)
		rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0)
		rc = load(s, admin, invoice, d, &x);
	x.in.order_reference = ej != NULL && ej[0] != '\0' ? ej : x.order_ref;
	x.in.buyer_reference = service != NULL && service[0] != '\0' ? service : x.buyer_ref;
	if (rc == 0)
		rc = ledger_invoice_route(s, admin, &x.in, &r);
	(void)snprintf(detail, sizeof detail, "invoice %lld routed again: BT-13 \"%.64s\" (was "
		       "\"%.64s\"), BT-10 \"%.64s\" (was \"%.64s\"), %.300s: %s, %.300s",
		       (long long)invoice, x.in.order_reference, x.order_ref, x.in.buyer_reference,
		       x.buyer_ref, note, r.status, r.reason);
	if (rc == 0)
		rc = ledger_event(s, who.id, "invoice.reroute", "invoice", invoice, NULL, detail,
				  &event);
	if (rc == 0)
		rc = ledger_run(s, "UPDATE invoice SET supplier_id = $2, commitment_id = $3, "
				"service_code = $4, buyer_reference = $5, order_reference = $6, "
				"status = $7, status_reason = $8 WHERE id = $1", NULL, NULL,
				"iIIttttt", invoice, r.supplier, r.commitment,
				r.service[0] != '\0' ? r.service : NULL,
				x.in.buyer_reference[0] != '\0' ? x.in.buyer_reference : NULL,
				x.in.order_reference[0] != '\0' ? x.in.order_reference : NULL,
				r.status, r.reason);
	if (rc == 0)
		rc = tandem_store_commit(s);
	else
		(void)tandem_store_rollback(s);
	if (rc == 0) {
		res->id = invoice;
		(void)snprintf(res->status, sizeof res->status, "%s", r.status);
		(void)snprintf(res->reason, sizeof res->reason, "%s", r.reason);
	}
	return rc;
}
