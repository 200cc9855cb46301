/*
 * src/ledger/match.c - the three-way match of invoices against their
 * commitment and the service done on it, and the running totals it reads:
 * commitment.invoiced_cents (what its counted invoices claim) and
 * commitment.certified_cents (schema v7). Every change of an invoice's
 * status goes through ledger_invoice_status(), which keeps invoiced_cents
 * true in the same transaction.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"

#define REMATCH_MAX 1000 /* invoices of one commitment waiting for service done */

int64_t ledger_tolerance(int64_t amount, int64_t bp, int64_t cents)
{
	int64_t rel = amount / 10000 * bp + amount % 10000 * bp / 10000;

	return rel > cents ? rel : cents;
}

bool ledger_invoice_counted(const char *kind, const char *status)
{
	static const char *const counted[] = { "received", "suspended", "ready", "paid" };

	if (kind == NULL || strcmp(kind, "invoice") != 0 || status == NULL)
		return false;
	for (size_t i = 0; i < sizeof counted / sizeof counted[0]; i++)
		if (strcmp(status, counted[i]) == 0)
			return true;
	return false;
}

void ledger_match_decide(const struct ledger_totals *t, int64_t claimed, char status[16],
			 char *reason, size_t size)
{
	int64_t tol = ledger_tolerance(t->amount, t->tolerance_bp, t->tolerance_cents);
	char a[32], c[32], x[32];
	const char *p[7] = { NULL }; /* the reason's texts in order */

	ledger_cents_text(t->amount, a);
	ledger_cents_text(t->certified, c);
	ledger_cents_text(claimed, x);
	if (claimed > t->amount + tol) {
		(void)ledger_put(status, 16, 0, "suspended", SIZE_MAX);
		p[0] = "invoiced ";
		p[1] = x;
		p[2] = " EUR on a commitment of ";
		p[3] = a;
		p[4] = " EUR";
	} else if (claimed > t->certified + tol) {
		(void)ledger_put(status, 16, 0, "received", SIZE_MAX);
		p[0] = "waiting for service done: ";
		p[1] = x;
		p[2] = " EUR invoiced, ";
		p[3] = c;
		p[4] = " EUR certified";
	} else {
		(void)ledger_put(status, 16, 0, "ready", SIZE_MAX);
		p[0] = "matched: ";
		p[1] = x;
		p[2] = " EUR invoiced, ";
		p[3] = c;
		p[4] = " EUR certified, commitment ";
		p[5] = a;
		p[6] = " EUR";
	}
	for (size_t i = 0, at = 0; i < 7 && p[i] != NULL && size > 0; i++)
		at = ledger_put(reason, size, at, p[i], SIZE_MAX);
}

int ledger_invoiced_add(struct tandem_store *s, int64_t commitment, int64_t cents,
			struct ledger_totals *t)
{
	struct tandem_stmt *st;
	int rc = ledger_select(s, &st, "UPDATE commitment SET invoiced_cents = invoiced_cents + $2 "
			       "WHERE id = $1 RETURNING amount_cents, certified_cents, "
			       "invoiced_cents, state, line_count", "ii", commitment, cents);

	if (rc == 1) {
		t->amount = tandem_stmt_i64(st, 0);
		t->certified = tandem_stmt_i64(st, 1);
		t->invoiced = tandem_stmt_i64(st, 2);
		t->cancelled = strcmp(tandem_stmt_text(st, 3), "cancelled") == 0;
		t->lines = tandem_stmt_i64(st, 4);
		rc = 0;
	} else if (rc == 0) {
		rc = TANDEM_EINTERNAL; /* the invoice's commitment is gone */
	}
	tandem_stmt_finalize(st);
	return rc;
}

int ledger_invoice_status(struct tandem_store *s, int64_t user, int64_t invoice,
			  const char *status, const char *reason, const char *action)
{
	struct tandem_stmt *st;
	struct ledger_totals t;
	char detail[400];
	int64_t event = 0, commitment = 0, due = 0;
	bool before = false;
	int rc = ledger_select(s, &st, "SELECT commitment_id, kind, status, due_cents FROM invoice "
			       "WHERE id = $1", "i", invoice);

	if (rc == 1) {
		commitment = tandem_stmt_is_null(st, 0) ? 0 : tandem_stmt_i64(st, 0);
		before = ledger_invoice_counted(tandem_stmt_text(st, 1), tandem_stmt_text(st, 2));
		due = ledger_invoice_counted(tandem_stmt_text(st, 1), status) == before ? 0 :
			before ? -tandem_stmt_i64(st, 3) : tandem_stmt_i64(st, 3);
		rc = 0;
	} else if (rc == 0) {
		rc = TANDEM_EINTERNAL;
	}
	tandem_stmt_finalize(st);
	if (rc != 0)
		return rc;
	(void)snprintf(detail, sizeof detail, "invoice %lld: %s, %.300s", (long long)invoice,
		       status, reason);
	rc = ledger_event(s, user, action, "invoice", invoice, NULL, detail, &event);
	if (rc == 0)
		rc = ledger_run(s, "UPDATE invoice SET status = $2, status_reason = $3 WHERE id = $1",
				NULL, NULL, "itt", invoice, status, reason);
	if (rc == 0 && commitment != 0 && due != 0)
		rc = ledger_invoiced_add(s, commitment, due, &t);
	if (rc == 0 && commitment != 0 && due != 0 && t.lines > 0)
		rc = ledger_lines_count(s, invoice, due > 0 ? 1 : -1);
	return rc;
}

/* The commitment's amount, certified service done and tolerance. */
static int totals_of(struct tandem_store *s, int64_t commitment, struct ledger_totals *t)
{
	struct tandem_stmt *st;
	int rc = ledger_select(s, &st,
		"SELECT c.amount_cents, c.certified_cents, c.invoiced_cents,"
		" a.match_tolerance_bp, a.match_tolerance_cents, c.line_count"
		" FROM commitment c JOIN fiscal_year y ON y.id = c.fiscal_year_id"
		" JOIN administration a ON a.id = y.administration_id WHERE c.id = $1", "i",
		commitment);

	if (rc == 1) {
		memset(t, 0, sizeof *t);
		t->amount = tandem_stmt_i64(st, 0);
		t->certified = tandem_stmt_i64(st, 1);
		t->invoiced = tandem_stmt_i64(st, 2);
		t->tolerance_bp = tandem_stmt_i64(st, 3);
		t->tolerance_cents = tandem_stmt_i64(st, 4);
		t->lines = tandem_stmt_i64(st, 5);
		rc = 0;
	} else if (rc == 0) {
		rc = TANDEM_EINTERNAL;
	}
	tandem_stmt_finalize(st);
	return rc;
}

int ledger_rematch(struct tandem_store *s, int64_t user, int64_t commitment)
{
	struct tandem_stmt *st;
	struct ledger_totals t;
	int64_t ids[REMATCH_MAX], claimed[REMATCH_MAX], sum = 0;
	size_t n = 0;
	int rc = totals_of(s, commitment, &t);

	if (rc != 0)
		return rc;
	/* Each waiting invoice claims what came before it and itself. */
	rc = ledger_select(s, &st, "SELECT id, due_cents, status FROM invoice WHERE "
			   "commitment_id = $1 AND kind = 'invoice' AND status IN ('received', "
			   "'suspended', 'ready', 'paid') ORDER BY id", "i", commitment);
	for (; rc == 1 && n < REMATCH_MAX; rc = tandem_stmt_step(st)) {
		sum += tandem_stmt_i64(st, 1);
		if (strcmp(tandem_stmt_text(st, 2), "received") != 0)
			continue;
		ids[n] = tandem_stmt_i64(st, 0);
		claimed[n++] = sum;
	}
	tandem_stmt_finalize(st);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		char status[16], reason[300];

		ledger_match_decide(&t, claimed[i], status, reason, sizeof reason);
		if (t.lines > 0)
			rc = ledger_lines_rematch(s, ids[i], t.tolerance_bp, status, reason,
						  sizeof reason);
		if (rc >= 0 && strcmp(status, "received") != 0)
			rc = ledger_invoice_status(s, user, ids[i], status, reason, "invoice.match");
	}
	return rc < 0 ? rc : 0;
}
