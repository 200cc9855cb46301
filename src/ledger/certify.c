/*
 * src/ledger/certify.c - service done: certifications against a
 * commitment, never more in total than the commitment.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define NOTE_MAX 500

/* The commitment, its amount, its state and what is certified already. */
static int commitment(struct tandem_store *s, int64_t admin, int year, const char *number,
		      struct tandem_diag *d, int64_t *id, int64_t *amount, int64_t *certified)
{
	struct tandem_stmt *st;
	int rc = tandem_store_prepare(s,
		"SELECT c.id, c.amount_cents, c.state, c.certified_cents"
		" FROM commitment c JOIN fiscal_year y ON y.id = c.fiscal_year_id"
		" WHERE y.administration_id = $1 AND y.year = $2 AND c.number = $3", &st);

	if (rc != 0)
		return rc;
	rc = tandem_stmt_bind_i64(st, 1, admin);
	if (rc == 0)
		rc = tandem_stmt_bind_i64(st, 2, year);
	if (rc == 0)
		rc = tandem_stmt_bind_text(st, 3, number);
	if (rc == 0)
		rc = tandem_stmt_step(st);
	if (rc == 1) {
		*id = tandem_stmt_i64(st, 0);
		*amount = tandem_stmt_i64(st, 1);
		*certified = tandem_stmt_i64(st, 3);
		rc = strcmp(tandem_stmt_text(st, 2), "open") == 0 ? 0 :
			ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CERTIFY-STATE", 0,
				      "commitment %.64s is %s: no service can be certified on it",
				      number, tandem_stmt_text(st, 2));
	} else if (rc == 0) {
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-CERTIFY-COMMITMENT", 0,
				   "no commitment %.64s in %d", number, year);
	}
	tandem_stmt_finalize(st);
	return rc;
}

int tandem_ledger_certify(struct tandem_store *s, const char *actor, const char *administration,
			  int year, const char *number, int64_t amount_cents, const char *note,
			  struct tandem_diag *d, int64_t *id)
{
	struct ledger_actor who;
	int64_t admin = 0, cid = 0, amount = 0, certified = 0, event = 0;
	char detail[700], left[32], want[32];
	bool found = false;
	int rc = 0;

	*id = 0;
	if (amount_cents <= 0 || amount_cents > TANDEM_BUDGET_CENTS_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CERTIFY-INPUT", 0,
				     "the amount of service done is above 0 and at most 10^15 euros");
	if (note == NULL || note[0] == '\0' || strlen(note) > NOTE_MAX ||
	    number == NULL || number[0] == '\0')
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CERTIFY-INPUT", 0,
				     "service done needs the commitment number and a note of what "
				     "was delivered (1 to %d bytes)", NOTE_MAX);
	rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "ordonnateur", "certifying service done", d, &who);
	if (rc == 0)
		rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0)
		rc = commitment(s, admin, year, number, d, &cid, &amount, &certified);
	/* The guarded update keeps the running total and refuses to go beyond
	 * the commitment. */
	if (rc == 0)
		rc = ledger_run(s, "UPDATE commitment SET certified_cents = certified_cents + $2 "
				"WHERE id = $1 AND certified_cents + $2 <= amount_cents RETURNING "
				"certified_cents", &certified, &found, "ii", cid, amount_cents);
	if (rc == 0 && !found) {
		ledger_cents_text(amount - certified, left);
		ledger_cents_text(amount_cents, want);
		rc = ledger_refuse(d, TANDEM_ELIMIT, "TANDEM-CERTIFY-AMOUNT", 0,
				   "commitment %.64s has %s EUR left to certify, not %s EUR", number,
				   left, want);
	}
	ledger_cents_text(amount_cents, want);
	(void)snprintf(detail, sizeof detail, "service done on %.64s of %d: %s EUR, %.500s", number,
		       year, want, note);
	if (rc == 0)
		rc = ledger_event(s, who.id, "service.certify", "commitment", cid, NULL, detail,
				  &event);
	if (rc == 0) {
		char now[LEDGER_TIME_MAX];

		ledger_now(now);
		rc = ledger_run(s, "INSERT INTO service_done (commitment_id, amount_cents, note, "
				"certified_by, certified_at, event_id) VALUES ($1, $2, $3, $4, $5, $6) "
				"RETURNING id", id, NULL, "iititi", cid, amount_cents, note, who.id, now,
				event);
	}
	if (rc == 0)
		rc = ledger_rematch(s, who.id, cid);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}
