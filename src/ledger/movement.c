/*
 * src/ledger/movement.c - movements of appropriations during the year: a
 * transfer of AE or CP from one budget line to another (virement,
 * transfert; Umschichtung), an opening (an amending budget law, a
 * carry-over: report, Übertragung) or a cancellation (annulation). Each
 * movement is a row of appropriation_movement on the appropriation it
 * changes, under one event that names its legal basis; the availability
 * control counts them.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define REASON_MAX 500

/* The appropriation of kind that path carries itself for the year. */
static int appropriation_of(struct tandem_store *s, int64_t admin, int64_t year_id,
			    const char *path, const char *kind, struct tandem_diag *d,
			    int64_t *id)
{
	bool found = false;
	int rc = ledger_run(s, "SELECT a.id FROM appropriation a JOIN budget_node n ON "
			    "n.id = a.budget_node_id WHERE n.administration_id = $1 AND n.path = $2 "
			    "AND a.fiscal_year_id = $3 AND a.kind = $4", id, &found, "itit", admin,
			    path, year_id, kind);

	if (rc == 0 && !found)
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-MOVE-LINE", 0,
				   "%.200s carries no %s of its own this year: a movement changes "
				   "an appropriation voted on that line", path, kind);
	return rc;
}

/* Is path inside the subtree of top (or top itself)? */
static bool within(const char *path, const char *top)
{
	size_t n = strlen(top);

	return path != NULL && strncmp(path, top, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/*
 * What a line can give: neither its own appropriation (initial and
 * movements) nor what is available in the subtree of any node that carries
 * the kind, from the line up to the last one the money leaves, may go below
 * zero - what is committed or paid stays.
 */
static int check_source(struct tandem_store *s, int64_t admin, int64_t year_id,
			const struct tandem_movement_in *in, int64_t appropriation,
			struct tandem_diag *d)
{
	char node[LEDGER_PATH_MAX], have[32], want[32];
	int64_t can = 0;
	int rc = ledger_run(s, "SELECT a.initial_cents + coalesce((SELECT sum(m.amount_cents) "
			    "FROM appropriation_movement m WHERE m.appropriation_id = a.id), 0) "
			    "FROM appropriation a WHERE a.id = $1", &can, NULL, "i", appropriation);

	(void)snprintf(node, sizeof node, "%s", in->from);
	while (rc == 0 && !within(in->to, node)) {
		int64_t available = 0;
		bool carries = false;
		char *slash;

		rc = ledger_node_available(s, admin, year_id, node, in->kind, &carries, &available);
		if (rc == 0 && carries && available < can)
			can = available;
		slash = strrchr(node, '/');
		if (slash == NULL)
			break;
		*slash = '\0';
	}
	if (rc != 0 || in->amount_cents <= can)
		return rc;
	ledger_cents_text(can, have);
	ledger_cents_text(in->amount_cents, want);
	return ledger_refuse(d, TANDEM_ELIMIT, "TANDEM-MOVE-AMOUNT", 0,
			     "%.200s can give %s EUR of %s, not %s EUR: what is committed or paid "
			     "stays", in->from, have, in->kind, want);
}

static int check_input(const struct tandem_movement_in *in, struct tandem_diag *d)
{
	if (in->kind == NULL || (strcmp(in->kind, "AE") != 0 && strcmp(in->kind, "CP") != 0))
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-MOVE-INPUT", 0,
				     "a movement is of AE or of CP");
	if ((in->from == NULL || in->from[0] == '\0') && (in->to == NULL || in->to[0] == '\0'))
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-MOVE-INPUT", 0,
				     "a movement takes from a line, gives to a line, or both");
	if ((in->from != NULL && strlen(in->from) >= LEDGER_PATH_MAX) ||
	    (in->to != NULL && strlen(in->to) >= LEDGER_PATH_MAX))
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-MOVE-INPUT", 0,
				     "a budget path is at most %d bytes", LEDGER_PATH_MAX - 1);
	if (in->from != NULL && in->to != NULL && strcmp(in->from, in->to) == 0)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-MOVE-INPUT", 0,
				     "a transfer goes from one line to another, not to itself");
	if (in->amount_cents <= 0 || in->amount_cents > TANDEM_BUDGET_CENTS_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-MOVE-INPUT", 0,
				     "the amount of a movement is above 0 and at most 10^15 euros");
	if (in->reason == NULL || in->reason[0] == '\0' || strlen(in->reason) > REASON_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-MOVE-INPUT", 0,
				     "a movement names its legal basis (1 to %d bytes)", REASON_MAX);
	return 0;
}

static int insert(struct tandem_store *s, int64_t appropriation, int64_t cents,
		  const char *reason, int64_t event)
{
	return ledger_run(s, "INSERT INTO appropriation_movement (appropriation_id, amount_cents, "
			  "reason, event_id) VALUES ($1, $2, $3, $4)", NULL, NULL, "iiti",
			  appropriation, cents, reason, event);
}

int tandem_ledger_appropriation_move(struct tandem_store *s, const char *actor,
				     const struct tandem_movement_in *in, struct tandem_diag *d)
{
	struct ledger_actor who;
	int64_t admin = 0, year_id = 0, from = 0, to = 0, event = 0;
	char detail[1100], amount[32];
	bool take = in->from != NULL && in->from[0] != '\0';
	bool give = in->to != NULL && in->to[0] != '\0';
	int rc = check_input(in, d);

	if (rc == 0)
		rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "ordonnateur, admin", "moving appropriations", d, &who);
	if (rc == 0)
		rc = ledger_administration(s, in->administration, d, &admin);
	if (rc == 0)
		rc = ledger_open_year(s, admin, in->year, "TANDEM-MOVE-YEAR", d, &year_id);
	if (rc == 0 && take)
		rc = appropriation_of(s, admin, year_id, in->from, in->kind, d, &from);
	if (rc == 0 && give)
		rc = appropriation_of(s, admin, year_id, in->to, in->kind, d, &to);
	if (rc == 0 && take)
		rc = check_source(s, admin, year_id, in, from, d);
	ledger_cents_text(in->amount_cents, amount);
	(void)snprintf(detail, sizeof detail, "%s %s EUR of %d %s%s%.200s%s%.200s: %.500s",
		       take && give ? "transfer" : take ? "cancellation" : "opening",
		       amount, in->year, in->kind, take ? " from " : "", take ? in->from : "",
		       give ? " to " : "", give ? in->to : "", in->reason);
	if (rc == 0)
		rc = ledger_event(s, who.id, "appropriation.move", "appropriation", give ? to : from,
				  NULL, detail, &event);
	if (rc == 0 && take)
		rc = insert(s, from, -in->amount_cents, in->reason, event);
	if (rc == 0 && give)
		rc = insert(s, to, in->amount_cents, in->reason, event);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}
