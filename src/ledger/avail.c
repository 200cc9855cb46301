/*
 * src/ledger/avail.c - the availability control of AE and CP, made in the
 * transaction that consumes them: commitments consume AE, payment orders
 * CP. The unit of control is the nearest node, from the imputed one up,
 * that carries an appropriation of that kind of its own.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

/* Appropriations (initial + movements) of the subtree of $3 for the year,
 * and whether $3 carries one of its own; $4 is the kind. */
#define APPROPRIATED                                                                      \
	" (SELECT count(*) FROM appropriation a JOIN budget_node n ON n.id = a.budget_node_id" \
	"   WHERE n.administration_id = $1 AND n.path = $3 AND a.fiscal_year_id = $2"         \
	"   AND a.kind = $4),"                                                                 \
	" (SELECT coalesce(sum(a.initial_cents + coalesce((SELECT sum(m.amount_cents)"        \
	"     FROM appropriation_movement m WHERE m.appropriation_id = a.id), 0)), 0)"        \
	"   FROM appropriation a JOIN budget_node n ON n.id = a.budget_node_id"               \
	"   WHERE n.administration_id = $1 AND a.fiscal_year_id = $2 AND a.kind = $4"         \
	"   AND (n.path = $3 OR substr(n.path, 1, length($3) + 1) = $3 || '/')),"

#define IN_SUBTREE "(n.path = $3 OR substr(n.path, 1, length($3) + 1) = $3 || '/')"

/* What the subtree consumed: AE by live commitments, CP by live orders. */
static const char node_sql[] =
	"SELECT" APPROPRIATED
	" (SELECT coalesce(sum(k.consumed_cents), 0)"
	"   FROM consumption k JOIN budget_node n ON n.id = k.budget_node_id"
	"   WHERE n.administration_id = $1 AND k.fiscal_year_id = $2 AND k.kind = $4"
	"   AND " IN_SUBTREE ")";

int ledger_consume(struct tandem_store *s, int64_t year_id, int64_t node, const char *kind,
		   int64_t cents)
{
	/* Given back: the row is there (the row to insert would break the
	 * CHECK before the conflict is seen). */
	if (cents < 0)
		return ledger_run(s, "UPDATE consumption SET consumed_cents = consumed_cents + $4 "
				  "WHERE fiscal_year_id = $1 AND budget_node_id = $2 AND kind = $3",
				  NULL, NULL, "iiti", year_id, node, kind, cents);
	return ledger_run(s, "INSERT INTO consumption (fiscal_year_id, budget_node_id, kind, "
			  "consumed_cents) VALUES ($1, $2, $3, $4) ON CONFLICT (fiscal_year_id, "
			  "budget_node_id, kind) DO UPDATE SET consumed_cents = "
			  "consumption.consumed_cents + excluded.consumed_cents", NULL, NULL, "iiti",
			  year_id, node, kind, cents);
}

/* One node: does it carry the kind, what is appropriated and consumed. */
static int of_node(struct tandem_store *s, int64_t admin, int64_t year_id, const char *path,
		   const char *kind, bool *carries, int64_t *total, int64_t *consumed)
{
	struct tandem_stmt *st;
	int rc = ledger_select(s, &st, node_sql, "iitt", admin, year_id, path, kind);

	if (rc == 1) {
		*carries = tandem_stmt_i64(st, 0) > 0;
		*total = tandem_stmt_i64(st, 1);
		*consumed = tandem_stmt_i64(st, 2);
		rc = 0;
	} else if (rc == 0) {
		rc = TANDEM_EINTERNAL;
	}
	tandem_stmt_finalize(st);
	return rc;
}

int ledger_node_available(struct tandem_store *s, int64_t admin, int64_t year_id,
			  const char *path, const char *kind, bool *carries, int64_t *available)
{
	int64_t total = 0, consumed = 0;
	int rc = of_node(s, admin, year_id, path, kind, carries, &total, &consumed);

	*available = total - consumed;
	return rc;
}

/* The unit of control of kind for path (the nearest node up that carries
 * kind of its own): its path into unit and what is available there.
 * *found false when no node up carries it. */
static int unit_of(struct tandem_store *s, int64_t admin, int64_t year_id, const char *path,
		   const char *kind, char unit[LEDGER_PATH_MAX], bool *found, int64_t *available)
{
	(void)snprintf(unit, LEDGER_PATH_MAX, "%s", path);
	*found = false;
	*available = 0;
	for (;;) {
		int64_t total = 0, consumed = 0;
		bool carries = false;
		char *slash;
		int rc = of_node(s, admin, year_id, unit, kind, &carries, &total, &consumed);

		if (rc != 0)
			return rc;
		if (carries) {
			*found = true;
			*available = total - consumed;
			return 0;
		}
		slash = strrchr(unit, '/');
		if (slash == NULL)
			return 0;
		*slash = '\0';
	}
}

int ledger_control(struct tandem_store *s, int64_t admin, int64_t year_id, const char *path,
		   const char *kind, int64_t amount, const char *rule, struct tandem_diag *d)
{
	char unit[LEDGER_PATH_MAX], avail[32], want[32];
	int64_t available = 0;
	bool found = false;
	int rc = unit_of(s, admin, year_id, path, kind, unit, &found, &available);

	if (rc != 0 || (found && available >= amount))
		return rc;
	if (!found)
		return ledger_refuse(d, TANDEM_EBADINPUT, rule, 0,
				     "no %s on %.200s or above it this year: nothing can be %s "
				     "there", kind, path, strcmp(kind, "AE") == 0 ? "committed" :
				     "paid");
	ledger_cents_text(available, avail);
	ledger_cents_text(amount, want);
	return ledger_refuse(d, TANDEM_ELIMIT, rule, 0,
			     "not enough %s on %.200s: %s EUR available, %s EUR asked", kind, unit,
			     avail, want);
}

int tandem_ledger_available(struct tandem_store *s, const char *administration, int year,
			    const char *path, const char *kind, struct tandem_diag *d,
			    int64_t *available)
{
	char unit[LEDGER_PATH_MAX];
	int64_t admin = 0, year_id = 0;
	bool found = false, there = false;
	int rc;

	*available = 0;
	if (kind == NULL || (strcmp(kind, "AE") != 0 && strcmp(kind, "CP") != 0) || path == NULL ||
	    strlen(path) >= LEDGER_PATH_MAX)
		return ledger_refuse(d, TANDEM_EINVAL, "TANDEM-LEDGER-AVAILABLE", 0,
				     "the kind is AE or CP, and a budget path is needed");
	rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0)
		rc = ledger_run(s, "SELECT id FROM fiscal_year WHERE administration_id = $1 AND "
				"year = $2", &year_id, &there, "ii", admin, (int64_t)year);
	if (rc == 0 && !there)
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-LEDGER-AVAILABLE", 0,
				   "no %d budget for this administration", year);
	if (rc == 0)
		rc = unit_of(s, admin, year_id, path, kind, unit, &found, available);
	if (rc == 0 && !found)
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-LEDGER-AVAILABLE", 0,
				   "no %s on %.200s or above it in %d", kind, path, year);
	return rc;
}
