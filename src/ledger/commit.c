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
#define LINE_TEXT_MAX 200

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
			  "account_code, line_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
			  "$11) RETURNING id", id, NULL, "itiitiititi", year_id, in->number, supplier,
			  node, in->object, in->amount_cents, user, now, event,
			  in->account != NULL && in->account[0] != '\0' ? in->account : NULL,
			  (int64_t)in->n_lines);
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

/* A UN/ECE Rec 20 unit code as the EN 16931 code list writes them: 1 to 3
 * capitals or digits. */
static bool unit_ok(const char *u)
{
	size_t n = u != NULL ? strlen(u) : 0;

	if (n == 0 || n > 3)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((u[i] >= 'A' && u[i] <= 'Z') || (u[i] >= '0' && u[i] <= '9')))
			return false;
	return true;
}

/* The lines, each well formed, summing to the commitment's amount. */
static int check_lines(const struct tandem_commitment_in *in, struct tandem_diag *d)
{
	int64_t sum = 0;
	char a[32], b[32];

	if (in->n_lines == 0)
		return 0;
	if (in->lines == NULL || in->n_lines > TANDEM_COMMITMENT_LINES_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-COMMIT-LINES", 0,
				     "a commitment has at most %d lines", TANDEM_COMMITMENT_LINES_MAX);
	for (size_t i = 0; i < in->n_lines; i++) {
		const struct tandem_commitment_line *l = &in->lines[i];

		if (l->description == NULL || l->description[0] == '\0' ||
		    strlen(l->description) > LINE_TEXT_MAX)
			return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-COMMIT-LINES", 0,
					     "line %zu needs a description (1 to %d bytes)", i + 1,
					     LINE_TEXT_MAX);
		if (!unit_ok(l->unit))
			return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-COMMIT-LINES", 0,
					     "line %zu: '%.10s' is not a unit code (UN/ECE Rec 20: "
					     "C62, HUR, DAY, KGM ...)", i + 1, l->unit ? l->unit : "");
		if (l->quantity_milli <= 0 || l->quantity_milli > TANDEM_QUANTITY_MILLI_MAX ||
		    l->amount_cents <= 0 || l->amount_cents > TANDEM_BUDGET_CENTS_MAX)
			return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-COMMIT-LINES", 0,
					     "line %zu: its quantity and amount are above 0 (and at "
					     "most 10^12 units and 10^15 euros)", i + 1);
		sum += l->amount_cents;
		if (sum > TANDEM_BUDGET_CENTS_MAX)
			break;
	}
	if (sum != in->amount_cents) {
		ledger_cents_text(sum, a);
		ledger_cents_text(in->amount_cents, b);
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-COMMIT-LINES", 0,
				     "the lines sum to %s EUR, not to the amount of %s EUR", a, b);
	}
	return 0;
}

static int insert_lines(struct tandem_store *s, int64_t id,
			const struct tandem_commitment_in *in)
{
	int rc = 0;

	for (size_t i = 0; i < in->n_lines && rc == 0; i++)
		rc = ledger_run(s, "INSERT INTO commitment_line (commitment_id, line_no, "
				"description, unit, quantity_milli, amount_cents) VALUES ($1, $2, "
				"$3, $4, $5, $6)", NULL, NULL, "iittii", id, (int64_t)(i + 1),
				in->lines[i].description, in->lines[i].unit,
				in->lines[i].quantity_milli, in->lines[i].amount_cents);
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
	return check_lines(in, d);
}

int tandem_ledger_commit(struct tandem_store *s, const char *actor,
			 const struct tandem_commitment_in *in, struct tandem_diag *d,
			 int64_t *id)
{
	struct ledger_actor who;
	int64_t admin = 0, year_id = 0, supplier = 0, node = 0, event = 0;
	bool found = false;
	char detail[640], amount[32], lines[32];
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
	(void)snprintf(lines, sizeof lines, " (%zu line%s)", in->n_lines,
		       in->n_lines == 1 ? "" : "s");
	(void)snprintf(detail, sizeof detail, "commitment %.64s of %d: %s EUR on %.200s, %.200s%s",
		       in->number, in->year, amount, in->budget_path, in->object,
		       in->n_lines > 0 ? lines : "");
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
		rc = insert_lines(s, *id, in);
	if (rc == 0)
		rc = ledger_consume(s, year_id, node, "AE", in->amount_cents);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}
