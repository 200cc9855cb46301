/*
 * src/ledger/reject.c - the decision to reject an invoice: a person says
 * why, the invoice leaves the expenditure chain for good, and the supplier
 * may send a corrected one under the same number.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define REASON_MAX 300

int tandem_ledger_invoice_reject(struct tandem_store *s, const char *actor,
				 const char *administration, int64_t invoice, const char *reason,
				 struct tandem_diag *d)
{
	struct ledger_actor who;
	int64_t admin = 0, order = 0;
	bool found = false, ordered = false;
	char status[16] = "";
	int rc;

	if (reason == NULL || reason[0] == '\0' || strlen(reason) > REASON_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-INVOICE-REASON", 0,
				     "rejecting an invoice needs a reason (1 to %d bytes)",
				     REASON_MAX);
	rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "ordonnateur, comptable", "rejecting an invoice", d, &who);
	if (rc == 0)
		rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0) {
		struct tandem_stmt *st;

		rc = ledger_select(s, &st, "SELECT status FROM invoice WHERE id = $1 AND "
				   "administration_id = $2", "ii", invoice, admin);
		found = rc == 1;
		if (found)
			(void)snprintf(status, sizeof status, "%s", tandem_stmt_text(st, 0));
		tandem_stmt_finalize(st);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0 && !found)
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-INVOICE-UNKNOWN", 0,
				   "no invoice %lld for this administration", (long long)invoice);
	if (rc == 0 && (strcmp(status, "rejected") == 0 || strcmp(status, "paid") == 0))
		rc = ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-INVOICE-STATUS", 0,
				   "invoice %lld is %s already", (long long)invoice, status);
	if (rc == 0)
		rc = ledger_run(s, "SELECT id FROM payment_order WHERE invoice_id = $1 AND state <> "
				"'cancelled'", &order, &ordered, "i", invoice);
	if (rc == 0 && ordered)
		rc = ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-INVOICE-STATUS", 0,
				   "invoice %lld has payment order %lld: cancel the order first",
				   (long long)invoice, (long long)order);
	if (rc == 0)
		rc = ledger_invoice_status(s, who.id, invoice, "rejected", reason, "invoice.reject");
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}
