/*
 * src/ledger/payment.c - payment orders: the ordonnateur's order to pay a
 * matched invoice, which consumes CP and is booked in the journal, and the
 * comptable's approval under the separation of duties.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define DEFAULT_EXPENSE_ACCOUNT "604"

/* What an order needs of its invoice. */
struct payable {
	int64_t invoice, commitment, supplier, due, account, year_id, node;
	char status[16], kind[16], number[201], path[LEDGER_PATH_MAX], expense[16];
};

static int payable(struct tandem_store *s, int64_t admin, int64_t invoice, struct tandem_diag *d,
		   struct payable *p)
{
	struct tandem_stmt *st;
	int rc = ledger_select(s, &st,
		"SELECT i.id, i.commitment_id, i.supplier_id, i.due_cents - (SELECT"
		" coalesce(sum(f.amount_cents), 0) FROM credit_offset f WHERE f.invoice_id = i.id),"
		" i.status, i.kind,"
		" i.number, n.path, coalesce(c.account_code, $3),"
		" (SELECT max(a.id) FROM supplier_account a WHERE a.supplier_id = i.supplier_id),"
		" c.budget_node_id FROM invoice i LEFT JOIN commitment c ON c.id = i.commitment_id"
		" LEFT JOIN budget_node n ON n.id = c.budget_node_id"
		" WHERE i.id = $1 AND i.administration_id = $2", "iit", invoice, admin,
		DEFAULT_EXPENSE_ACCOUNT);

	memset(p, 0, sizeof *p);
	if (rc == 1) {
		p->invoice = tandem_stmt_i64(st, 0);
		p->commitment = tandem_stmt_i64(st, 1);
		p->supplier = tandem_stmt_i64(st, 2);
		p->due = tandem_stmt_i64(st, 3);
		(void)snprintf(p->status, sizeof p->status, "%s", tandem_stmt_text(st, 4));
		(void)snprintf(p->kind, sizeof p->kind, "%s", tandem_stmt_text(st, 5));
		(void)snprintf(p->number, sizeof p->number, "%s", tandem_stmt_text(st, 6));
		if (!tandem_stmt_is_null(st, 7))
			(void)snprintf(p->path, sizeof p->path, "%s", tandem_stmt_text(st, 7));
		(void)snprintf(p->expense, sizeof p->expense, "%s", tandem_stmt_text(st, 8));
		p->account = tandem_stmt_is_null(st, 9) ? 0 : tandem_stmt_i64(st, 9);
		p->node = tandem_stmt_is_null(st, 10) ? 0 : tandem_stmt_i64(st, 10);
		rc = 0;
	} else if (rc == 0) {
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-PAY-INVOICE", 0,
				   "no invoice %lld for this administration", (long long)invoice);
	}
	tandem_stmt_finalize(st);
	if (rc != 0)
		return rc;
	if (strcmp(p->status, "ready") != 0 || strcmp(p->kind, "invoice") != 0 || p->due <= 0)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-PAY-STATUS", 0,
				     "invoice %lld (%.64s) is a %s, %s, of %lld cents due: only a "
				     "matched invoice (ready) with an amount due is ordered",
				     (long long)invoice, p->number, p->kind, p->status,
				     (long long)p->due);
	if (p->account == 0)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-PAY-ACCOUNT", 0,
				     "the supplier of invoice %lld has no bank account on record",
				     (long long)invoice);
	return 0;
}

/* The order, its journal entry and its event. */
static int write_order(struct tandem_store *s, int64_t admin, const struct payable *p,
		       int64_t user, int64_t *id)
{
	char now[LEDGER_TIME_MAX], detail[400], due[32], date[11];
	int64_t event = 0;
	int rc;

	ledger_now(now);
	ledger_cents_text(p->due, due);
	(void)snprintf(detail, sizeof detail, "payment of invoice %lld (%.64s) ordered: %s EUR on "
		       "%.200s", (long long)p->invoice, p->number, due, p->path);
	rc = ledger_event(s, user, "payment.order", "invoice", p->invoice, NULL, detail, &event);
	if (rc == 0)
		rc = ledger_run(s, "INSERT INTO payment_order (invoice_id, commitment_id, "
				"fiscal_year_id, amount_cents, supplier_account_id, state, ordered_by, "
				"ordered_at, event_id) VALUES ($1, $2, $3, $4, $5, 'ordered', $6, $7, "
				"$8) RETURNING id", id, NULL, "iiiiiiti", p->invoice, p->commitment,
				p->year_id, p->due, p->account, user, now, event);
	if (rc == 0) {
		struct ledger_posting lines[2] = {
			{ p->expense, p->due, 0, 0 },
			{ "401", 0, p->due, p->supplier },
		};
		struct ledger_entry e = { admin, p->year_id, date, detail, p->invoice, *id, event };

		(void)snprintf(date, sizeof date, "%.10s", now);
		rc = ledger_post(s, &e, lines, 2);
	}
	if (rc == 0)
		rc = ledger_consume(s, p->year_id, p->node, "CP", p->due);
	return rc;
}

int tandem_ledger_pay_order(struct tandem_store *s, const char *actor, const char *administration,
			    int year, int64_t invoice, struct tandem_diag *d, int64_t *id)
{
	struct ledger_actor who;
	struct payable p;
	int64_t admin = 0, other = 0;
	bool ordered = false;
	int rc = tandem_store_begin(s);

	*id = 0;
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "ordonnateur", "ordering a payment", d, &who);
	if (rc == 0)
		rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0)
		rc = payable(s, admin, invoice, d, &p);
	if (rc == 0)
		rc = ledger_run(s, "SELECT id FROM payment_order WHERE invoice_id = $1 AND state <> "
				"'cancelled'", &other, &ordered, "i", invoice);
	if (rc == 0 && ordered)
		rc = ledger_refuse(d, TANDEM_EEXIST, "TANDEM-PAY-ORDERED", 0,
				   "invoice %lld is ordered already (order %lld)", (long long)invoice,
				   (long long)other);
	if (rc == 0)
		rc = ledger_open_year(s, admin, year, "TANDEM-PAY-YEAR", d, &p.year_id);
	if (rc == 0)
		rc = ledger_control(s, admin, p.year_id, p.path, "CP", p.due, "TANDEM-PAY-CP", d);
	if (rc == 0)
		rc = write_order(s, admin, &p, who.id, id);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}

/* The separation of duties of an approval: TANDEM_EPERM with the reason. */
static int check_duties(struct tandem_store *s, int64_t order, int64_t user, const char *actor,
			struct tandem_diag *d)
{
	struct tandem_stmt *st;
	int rc = ledger_select(s, &st,
		"SELECT o.state, c.created_by, o.ordered_by,"
		" (SELECT count(*) FROM service_done f WHERE f.commitment_id = c.id"
		"   AND f.certified_by = $2),"
		" a.changed_by, a.changed_at,"
		" (SELECT count(*) FROM payment_order p WHERE p.supplier_account_id = a.id"
		"   AND p.state IN ('approved', 'paid')),"
		" a.id, (SELECT max(b.id) FROM supplier_account b WHERE b.supplier_id = a.supplier_id)"
		" FROM payment_order o JOIN commitment c ON c.id = o.commitment_id"
		" JOIN supplier_account a ON a.id = o.supplier_account_id WHERE o.id = $1", "ii",
		order, user);

	if (rc == 0)
		rc = TANDEM_EINTERNAL;
	if (rc != 1)
		goto out;
	if (strcmp(tandem_stmt_text(st, 0), "ordered") != 0)
		rc = ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-PAY-STATE", 0,
				   "payment order %lld is %s, not waiting for approval",
				   (long long)order, tandem_stmt_text(st, 0));
	else if (tandem_stmt_i64(st, 1) == user)
		rc = ledger_refuse(d, TANDEM_EPERM, "TANDEM-PAY-DUTIES", 0,
				   "%.64s created the commitment of this invoice: another comptable "
				   "approves its payment", actor);
	else if (tandem_stmt_i64(st, 3) > 0)
		rc = ledger_refuse(d, TANDEM_EPERM, "TANDEM-PAY-DUTIES", 0,
				   "%.64s certified service done on this commitment: another "
				   "comptable approves its payment", actor);
	else if (tandem_stmt_i64(st, 2) == user)
		rc = ledger_refuse(d, TANDEM_EPERM, "TANDEM-PAY-DUTIES", 0,
				   "%.64s ordered this payment: another comptable approves it", actor);
	else if (tandem_stmt_i64(st, 4) == user && tandem_stmt_i64(st, 6) == 0)
		rc = ledger_refuse(d, TANDEM_EPERM, "TANDEM-PAY-DUTIES", 0,
				   "%.64s recorded the supplier's bank account on %.10s: the first "
				   "payment to it is approved by another comptable", actor,
				   tandem_stmt_text(st, 5));
	else if (tandem_stmt_i64(st, 7) != tandem_stmt_i64(st, 8))
		rc = ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-PAY-ACCOUNT", 0,
				   "the supplier's bank account changed after payment order %lld "
				   "was made: cancel it and order again", (long long)order);
	else
		rc = 0;
out:
	tandem_stmt_finalize(st);
	return rc;
}

int tandem_ledger_pay_approve(struct tandem_store *s, const char *actor, const char *administration,
			      int64_t order, struct tandem_diag *d)
{
	struct ledger_actor who;
	int64_t admin = 0, mine = 0;
	bool found = false;
	char now[LEDGER_TIME_MAX], detail[200];
	int rc = tandem_store_begin(s);

	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "comptable", "approving a payment", d, &who);
	if (rc == 0)
		rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0)
		rc = ledger_run(s, "SELECT o.id FROM payment_order o JOIN invoice i ON i.id = "
				"o.invoice_id WHERE o.id = $1 AND i.administration_id = $2", &mine,
				&found, "ii", order, admin);
	if (rc == 0 && !found)
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-PAY-ORDER", 0,
				   "no payment order %lld for this administration", (long long)order);
	if (rc == 0)
		rc = check_duties(s, order, who.id, actor, d);
	(void)snprintf(detail, sizeof detail, "payment order %lld approved", (long long)order);
	ledger_now(now);
	if (rc == 0)
		rc = ledger_event(s, who.id, "payment.approve", "payment_order", order, NULL, detail,
				  NULL);
	if (rc == 0)
		rc = ledger_run(s, "UPDATE payment_order SET state = 'approved', approved_by = $2, "
				"approved_at = $3 WHERE id = $1", NULL, NULL, "iit", order, who.id, now);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}

/* The entry that booked an order, reversed: the same lines, sides swapped. */
static int reverse_entry(struct tandem_store *s, int64_t admin, int64_t order, int64_t invoice,
			 int64_t year_id, const char *label, int64_t event)
{
	struct ledger_posting lines[2];
	char accounts[2][16], date[11], now[LEDGER_TIME_MAX];
	struct ledger_entry e = { admin, year_id, date, label, invoice, order, event };
	struct tandem_stmt *st;
	size_t n = 0;
	int rc = ledger_select(s, &st,
		"SELECT l.account_code, l.debit_cents, l.credit_cents, coalesce(l.supplier_id, 0)"
		" FROM journal_line l WHERE l.entry_id = (SELECT min(id) FROM journal_entry"
		" WHERE payment_order_id = $1) ORDER BY l.id", "i", order);

	for (; rc == 1 && n < 2; rc = tandem_stmt_step(st), n++) {
		(void)snprintf(accounts[n], sizeof accounts[n], "%s", tandem_stmt_text(st, 0));
		lines[n].account = accounts[n];
		lines[n].debit_cents = tandem_stmt_i64(st, 2);
		lines[n].credit_cents = tandem_stmt_i64(st, 1);
		lines[n].supplier = tandem_stmt_i64(st, 3);
	}
	tandem_stmt_finalize(st);
	if (rc < 0)
		return rc;
	if (rc == 1 || n != 2)
		return TANDEM_EINTERNAL;
	ledger_now(now);
	(void)snprintf(date, sizeof date, "%.10s", now);
	return ledger_post(s, &e, lines, n);
}

int tandem_ledger_pay_cancel(struct tandem_store *s, const char *actor, const char *administration,
			     int64_t order, const char *reason, struct tandem_diag *d)
{
	struct ledger_actor who;
	struct tandem_stmt *st = NULL;
	int64_t admin = 0, invoice = 0, year_id = 0, event = 0, amount = 0, node = 0;
	char now[LEDGER_TIME_MAX], detail[400], state[16] = "";
	int rc;

	if (reason == NULL || reason[0] == '\0' || strlen(reason) > 300)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-PAY-REASON", 0,
				     "cancelling a payment order needs a reason (1 to 300 bytes)");
	rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "ordonnateur, comptable", "cancelling a payment order", d,
			     &who);
	if (rc == 0)
		rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0)
		rc = ledger_select(s, &st, "SELECT o.state, o.invoice_id, o.fiscal_year_id, "
				   "o.amount_cents, c.budget_node_id FROM payment_order o JOIN invoice "
				   "i ON i.id = o.invoice_id JOIN commitment c ON c.id = o.commitment_id "
				   "WHERE o.id = $1 AND i.administration_id = $2", "ii", order, admin);
	if (rc == 1) {
		(void)snprintf(state, sizeof state, "%s", tandem_stmt_text(st, 0));
		invoice = tandem_stmt_i64(st, 1);
		year_id = tandem_stmt_i64(st, 2);
		amount = tandem_stmt_i64(st, 3);
		node = tandem_stmt_i64(st, 4);
		rc = 0;
	} else if (rc == 0) {
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-PAY-ORDER", 0,
				   "no payment order %lld for this administration", (long long)order);
	}
	tandem_stmt_finalize(st);
	if (rc == 0 && strcmp(state, "ordered") != 0 && strcmp(state, "approved") != 0)
		rc = ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-PAY-STATE", 0,
				   "payment order %lld is %s: only an order not yet paid is "
				   "cancelled", (long long)order, state);
	(void)snprintf(detail, sizeof detail, "payment order %lld cancelled: %.300s",
		       (long long)order, reason);
	ledger_now(now);
	if (rc == 0)
		rc = ledger_event(s, who.id, "payment.cancel", "payment_order", order, NULL, detail,
				  &event);
	if (rc == 0)
		rc = ledger_run(s, "UPDATE payment_order SET state = 'cancelled', cancelled_by = $2, "
				"cancelled_at = $3, cancel_reason = $4 WHERE id = $1", NULL, NULL,
				"iitt", order, who.id, now, reason);
	if (rc == 0)
		rc = reverse_entry(s, admin, order, invoice, year_id, detail, event);
	if (rc == 0)
		rc = ledger_consume(s, year_id, node, "CP", -amount);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}
