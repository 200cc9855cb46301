/*
 * src/ledger/list.c - the invoices of an administration as the people who
 * work them see them: by status, or those matched and not yet ordered (the
 * ordonnateur's work list), the oldest due first.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

static const char list_sql[] =
	"SELECT i.id, i.number, coalesce(p.name, i.seller_key), coalesce(c.number, ''),"
	" i.issue_date, coalesce(i.due_date, ''), i.due_cents, i.status, i.status_reason,"
	" coalesce((SELECT max(o.id) FROM payment_order o WHERE o.invoice_id = i.id"
	"   AND o.state <> 'cancelled'), 0)"
	" FROM invoice i LEFT JOIN supplier p ON p.id = i.supplier_id"
	" LEFT JOIN commitment c ON c.id = i.commitment_id"
	" WHERE i.administration_id = $1 AND ($2 = '' OR i.status = $2)"
	" AND ($3 = 0 OR (i.status = 'ready' AND i.kind = 'invoice' AND NOT EXISTS"
	"   (SELECT 1 FROM payment_order o WHERE o.invoice_id = i.id"
	"    AND o.state <> 'cancelled')))"
	" ORDER BY coalesce(i.due_date, i.issue_date), i.id LIMIT $4";

static bool known_status(const char *status)
{
	static const char *const all[] = { "received", "a_recycler", "suspended", "rejected",
					   "ready", "paid" };

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(status, all[i]) == 0)
			return true;
	return false;
}

int ledger_read_rows(struct tandem_stmt *st, int rc, size_t limit, size_t size,
		     ledger_row_fn *row, struct tandem_arena *a, void **out, size_t *n, bool *more)
{
	char *r = rc == 1 ? tandem_arena_calloc(a, limit, size) : NULL;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	*more = false;
	if (rc == 1 && r == NULL)
		rc = TANDEM_ENOMEM;
	for (; rc == 1; rc = tandem_stmt_step(st)) {
		if (count == limit) {
			*more = true;
			rc = 0;
			break;
		}
		rc = row(st, a, r + count * size);
		if (rc != 0)
			break;
		count++;
	}
	tandem_stmt_finalize(st);
	if (rc < 0)
		return rc;
	*out = r;
	*n = count;
	return 0;
}

static int row_of(struct tandem_stmt *st, struct tandem_arena *a, void *row)
{
	struct tandem_invoice_row *x = row;

	x->id = tandem_stmt_i64(st, 0);
	x->number = ledger_keep(a, tandem_stmt_text(st, 1));
	x->supplier = ledger_keep(a, tandem_stmt_text(st, 2));
	x->commitment = ledger_keep(a, tandem_stmt_text(st, 3));
	x->issue_date = ledger_keep(a, tandem_stmt_text(st, 4));
	x->due_date = ledger_keep(a, tandem_stmt_text(st, 5));
	x->due_cents = tandem_stmt_i64(st, 6);
	x->status = ledger_keep(a, tandem_stmt_text(st, 7));
	x->reason = ledger_keep(a, tandem_stmt_text(st, 8));
	x->order = tandem_stmt_i64(st, 9);
	return x->number == NULL || x->supplier == NULL || x->commitment == NULL ||
	       x->issue_date == NULL || x->due_date == NULL || x->status == NULL ||
	       x->reason == NULL ? TANDEM_ENOMEM : 0;
}

int tandem_ledger_invoice_list(struct tandem_store *s, const char *administration,
			       const char *status, bool awaiting_order, size_t limit,
			       struct tandem_arena *a, struct tandem_invoice_row **rows, size_t *n,
			       bool *more, struct tandem_diag *d)
{
	struct tandem_stmt *st;
	void *out = NULL;
	int64_t admin = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	*more = false;
	if (limit == 0 || limit > TANDEM_INVOICE_LIST_MAX)
		return ledger_refuse(d, TANDEM_EINVAL, "TANDEM-INVOICE-LIST", 0,
				     "a list holds 1 to %d invoices", TANDEM_INVOICE_LIST_MAX);
	if (status != NULL && status[0] != '\0' && !known_status(status))
		return ledger_refuse(d, TANDEM_EINVAL, "TANDEM-INVOICE-LIST", 0,
				     "the status is one of %s", TANDEM_INVOICE_STATUSES);
	rc = ledger_administration(s, administration, d, &admin);
	if (rc != 0)
		return rc;
	/* One more than asked says whether there are more. */
	rc = ledger_select(s, &st, list_sql, "itii", admin, status != NULL ? status : "",
			   (int64_t)awaiting_order, (int64_t)limit + 1);
	rc = ledger_read_rows(st, rc, limit, sizeof **rows, row_of, a, &out, n, more);
	*rows = out;
	return rc;
}
