/*
 * src/ledger/journal.c - the double-entry journal: an entry is written
 * only when its debits equal its credits, each line on one side.
 */
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

int ledger_post(struct tandem_store *s, const struct ledger_entry *e,
		const struct ledger_posting *lines, size_t n)
{
	int64_t debit = 0, credit = 0, entry = 0;
	int rc;

	/* An unbalanced entry is a bug of the caller, never written. */
	for (size_t i = 0; i < n; i++) {
		if ((lines[i].debit_cents > 0) == (lines[i].credit_cents > 0) ||
		    lines[i].debit_cents < 0 || lines[i].credit_cents < 0)
			return TANDEM_EINTERNAL;
		debit += lines[i].debit_cents;
		credit += lines[i].credit_cents;
	}
	if (n < 2 || debit != credit || debit <= 0)
		return TANDEM_EINTERNAL;
	rc = ledger_run(s, "INSERT INTO journal_entry (administration_id, fiscal_year_id, "
			"entry_date, label, invoice_id, payment_order_id, event_id) VALUES ($1, $2, "
			"$3, $4, $5, $6, $7) RETURNING id", &entry, NULL, "iittIIi", e->admin,
			e->year_id, e->date, e->label, e->invoice, e->order, e->event);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = ledger_run(s, "INSERT INTO journal_line (entry_id, account_code, debit_cents, "
				"credit_cents, supplier_id) VALUES ($1, $2, $3, $4, $5)", NULL, NULL,
				"itiiI", entry, lines[i].account, lines[i].debit_cents,
				lines[i].credit_cents, lines[i].supplier);
	return rc;
}
