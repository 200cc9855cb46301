/*
 * src/ledger/credit.c - a credit note (avoir, Gutschrift) offset against an
 * invoice of the same supplier: the comptable's decision. The credit note
 * is settled; the invoice's payment order is for what remains due, and an
 * invoice the credit note covers whole is settled too.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

/* What the offset reads of an invoice or a credit note. */
struct doc {
	int64_t id, supplier, due, offset, order;
	char kind[16], status[16], number[201];
};

static int doc_of(struct tandem_store *s, int64_t admin, int64_t id, struct tandem_diag *d,
		  struct doc *x)
{
	struct tandem_stmt *st;
	int rc = ledger_select(s, &st, "SELECT i.id, coalesce(i.supplier_id, 0), i.due_cents, "
			       "i.kind, i.status, i.number, (SELECT coalesce(sum(c.amount_cents), 0) "
			       "FROM credit_offset c WHERE c.invoice_id = i.id), (SELECT "
			       "coalesce(max(o.id), 0) FROM payment_order o WHERE o.invoice_id = "
			       "i.id AND o.state <> 'cancelled') FROM invoice i WHERE i.id = $1 AND "
			       "i.administration_id = $2", "ii", id, admin);

	memset(x, 0, sizeof *x);
	if (rc == 1) {
		x->id = tandem_stmt_i64(st, 0);
		x->supplier = tandem_stmt_i64(st, 1);
		x->due = tandem_stmt_i64(st, 2);
		(void)snprintf(x->kind, sizeof x->kind, "%s", tandem_stmt_text(st, 3));
		(void)snprintf(x->status, sizeof x->status, "%s", tandem_stmt_text(st, 4));
		(void)snprintf(x->number, sizeof x->number, "%s", tandem_stmt_text(st, 5));
		x->offset = tandem_stmt_i64(st, 6);
		x->order = tandem_stmt_i64(st, 7);
		rc = 0;
	} else if (rc == 0) {
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-INVOICE-UNKNOWN", 0,
				   "no invoice or credit note %lld for this administration",
				   (long long)id);
	}
	tandem_stmt_finalize(st);
	return rc;
}

/* The rules of an offset: TANDEM_EBADINPUT with the reason, or 0. */
static int check(const struct doc *credit, const struct doc *inv, struct tandem_diag *d)
{
	char left[32], want[32];

	if (strcmp(credit->kind, "credit_note") != 0 || strcmp(credit->status, "suspended") != 0)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CREDIT-STATE", 0,
				     "%lld is a %s, %s: only a credit note waiting for the "
				     "comptable (suspended) is offset", (long long)credit->id,
				     credit->kind, credit->status);
	if (strcmp(inv->kind, "invoice") != 0 || (strcmp(inv->status, "received") != 0 &&
						  strcmp(inv->status, "suspended") != 0 &&
						  strcmp(inv->status, "ready") != 0))
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CREDIT-STATE", 0,
				     "%lld is a %s, %s: a credit note is offset against an invoice "
				     "not yet paid, rejected nor à recycler", (long long)inv->id,
				     inv->kind, inv->status);
	if (inv->order != 0)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CREDIT-STATE", 0,
				     "invoice %lld has payment order %lld: cancel it first",
				     (long long)inv->id, (long long)inv->order);
	if (credit->supplier == 0 || credit->supplier != inv->supplier)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CREDIT-SUPPLIER", 0,
				     "credit note %lld and invoice %lld are not of the same supplier",
				     (long long)credit->id, (long long)inv->id);
	if (credit->due > inv->due - inv->offset) {
		ledger_cents_text(inv->due - inv->offset, left);
		ledger_cents_text(credit->due, want);
		return ledger_refuse(d, TANDEM_ELIMIT, "TANDEM-CREDIT-AMOUNT", 0,
				     "invoice %lld has %s EUR left to pay, less than the credit "
				     "note's %s EUR", (long long)inv->id, left, want);
	}
	return credit->due > 0 ? 0 : ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CREDIT-AMOUNT",
						    0, "credit note %lld credits nothing",
						    (long long)credit->id);
}

int tandem_ledger_credit_offset(struct tandem_store *s, const char *actor,
				const char *administration, int64_t credit_note, int64_t invoice,
				struct tandem_diag *d)
{
	struct ledger_actor who;
	struct doc credit, inv;
	int64_t admin = 0, event = 0;
	char detail[600], amount[32], left[32], now[LEDGER_TIME_MAX];
	int rc;

	memset(&credit, 0, sizeof credit);
	memset(&inv, 0, sizeof inv);
	rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "comptable", "offsetting a credit note", d, &who);
	if (rc == 0)
		rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0)
		rc = doc_of(s, admin, credit_note, d, &credit);
	if (rc == 0)
		rc = doc_of(s, admin, invoice, d, &inv);
	if (rc == 0)
		rc = check(&credit, &inv, d);
	ledger_cents_text(credit.due, amount);
	ledger_cents_text(inv.due - inv.offset - credit.due, left);
	(void)snprintf(detail, sizeof detail, "credit note %lld (%.64s) of %s EUR offset against "
		       "invoice %lld (%.64s): %s EUR left to pay", (long long)credit_note,
		       credit.number, amount, (long long)invoice, inv.number, left);
	ledger_now(now);
	if (rc == 0)
		rc = ledger_event(s, who.id, "credit.offset", "invoice", invoice, NULL, detail,
				  &event);
	if (rc == 0)
		rc = ledger_run(s, "INSERT INTO credit_offset (credit_note_id, invoice_id, "
				"amount_cents, offset_by, offset_at, event_id) VALUES ($1, $2, $3, $4, "
				"$5, $6)", NULL, NULL, "iiiiti", credit_note, invoice, credit.due,
				who.id, now, event);
	(void)snprintf(detail, sizeof detail, "offset against invoice %lld (%.64s)",
		       (long long)invoice, inv.number);
	if (rc == 0)
		rc = ledger_invoice_status(s, who.id, credit_note, "paid", detail, "credit.settled");
	/* Covered whole, the invoice is settled: nothing is left to pay. */
	(void)snprintf(detail, sizeof detail, "settled by credit note %lld (%.64s)",
		       (long long)credit_note, credit.number);
	if (rc == 0 && inv.due - inv.offset == credit.due)
		rc = ledger_invoice_status(s, who.id, invoice, "paid", detail, "credit.settled");
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}
