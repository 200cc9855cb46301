/*
 * src/ledger/commit.c - legal commitments and the AE availability control,
 * made in the transaction that writes the commitment.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define NUMBER_MAX 64
#define OBJECT_MAX 500

static int node_id(struct tandem_store *s, int64_t admin, const char *path, int64_t *id,
		   bool *found)
{
	return ledger_run(s, "SELECT id FROM budget_node WHERE administration_id = $1 AND "
			  "path = $2", id, found, "it", admin, path);
}

static int insert(struct tandem_store *s, int64_t year_id, int64_t supplier, int64_t node,
		  const struct tandem_commitment_in *in, int64_t user, int64_t event, int64_t *id)
{
	char now[LEDGER_TIME_MAX];

	ledger_now(now);
	return ledger_run(s, "INSERT INTO commitment (fiscal_year_id, number, supplier_id, "
			  "budget_node_id, object, amount_cents, created_by, created_at, event_id, "
			  "account_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
			  id, NULL, "itiitiitit", year_id, in->number, supplier, node, in->object,
			  in->amount_cents, user, now, event,
			  in->account != NULL && in->account[0] != '\0' ? in->account : NULL);
}

/* The expense account named, if any: an account of class 6 of the chart. */
static int check_account(struct tandem_store *s, const struct tandem_commitment_in *in,
			 struct tandem_diag *d)
{
	int64_t class = 0;
	bool found = false;
	int rc;

	if (in->account == NULL || in->account[0] == '\0')
		return 0;
	rc = ledger_run(s, "SELECT class FROM account WHERE code = $1", &class, &found, "t",
			in->account);
	if (rc == 0 && (!found || class != 6))
		rc = ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-COMMIT-ACCOUNT", 0,
				   "account %.20s is %s: a commitment's expense goes to an account "
				   "of class 6 of the chart (a budget file adds accounts)",
				   in->account, found ? "not of class 6" : "not in the chart");
	return rc;
}

static int check_input(const struct tandem_commitment_in *in, struct tandem_diag *d)
{
	if (in->number == NULL || in->number[0] == '\0' || strlen(in->number) > NUMBER_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-COMMIT-INPUT", 0,
				     "a commitment number is 1 to %d bytes", NUMBER_MAX);
	if (in->object == NULL || in->object[0] == '\0' || strlen(in->object) > OBJECT_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-COMMIT-INPUT", 0,
				     "a commitment needs its object (1 to %d bytes)", OBJECT_MAX);
	if (in->budget_path == NULL || strlen(in->budget_path) >= LEDGER_PATH_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-COMMIT-INPUT", 0,
				     "a commitment needs the path of its budget line");
	if (in->amount_cents <= 0 || in->amount_cents > TANDEM_BUDGET_CENTS_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-COMMIT-INPUT", 0,
				     "the amount of a commitment is above 0 and at most 10^15 "
				     "euros");
	return 0;
}

int tandem_ledger_commit(struct tandem_store *s, const char *actor,
			 const struct tandem_commitment_in *in, struct tandem_diag *d,
			 int64_t *id)
{
	struct ledger_actor who;
	int64_t admin = 0, year_id = 0, supplier = 0, node = 0, event = 0;
	bool found = false;
	char detail[600], amount[32];
	int rc = check_input(in, d);

	*id = 0;
	if (rc == 0)
		rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "ordonnateur", "committing", d, &who);
	if (rc == 0)
		rc = ledger_administration(s, in->administration, d, &admin);
	if (rc == 0)
		rc = ledger_open_year(s, admin, in->year, "TANDEM-COMMIT-YEAR", d, &year_id);
	if (rc == 0)
		rc = ledger_supplier(s, admin, in->supplier, d, &supplier);
	if (rc == 0)
		rc = node_id(s, admin, in->budget_path, &node, &found);
	if (rc == 0 && !found)
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-COMMIT-LINE", 0,
				   "no budget line %.200s", in->budget_path);
	if (rc == 0)
		rc = check_account(s, in, d);
	if (rc == 0)
		rc = ledger_control(s, admin, year_id, in->budget_path, "AE", in->amount_cents,
				    "TANDEM-COMMIT-AE", d);
	ledger_cents_text(in->amount_cents, amount);
	(void)snprintf(detail, sizeof detail, "commitment %.64s of %d: %s EUR on %.200s, %.200s",
		       in->number, in->year, amount, in->budget_path, in->object);
	if (rc == 0)
		rc = ledger_event(s, who.id, "commitment.create", "commitment", 0, NULL, detail,
				  &event);
	if (rc == 0) {
		rc = insert(s, year_id, supplier, node, in, who.id, event, id);
		if (rc == TANDEM_EEXIST)
			(void)ledger_refuse(d, rc, "TANDEM-COMMIT-NUMBER", 0,
					    "commitment number %.64s is taken in %d", in->number,
					    in->year);
	}
	if (rc == 0)
		rc = ledger_consume(s, year_id, node, "AE", in->amount_cents);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}
