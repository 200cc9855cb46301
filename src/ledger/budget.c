/*
 * src/ledger/budget.c - loading a budget (its tree and initial AE/CP) in
 * one transaction, and the budget report with subtree totals.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

static int administration(struct tandem_store *s, const struct budget_in *b, int64_t *id)
{
	char now[LEDGER_TIME_MAX];
	bool fr = strcmp(b->country, "FR") == 0;
	bool found;
	int rc = ledger_run(s, fr ? "SELECT id FROM administration WHERE country = $1 AND siret = $2"
				  : "SELECT id FROM administration WHERE country = $1 AND "
				    "leitweg_id = $2", id, &found, "tt", b->country, b->admin_id);

	if (rc != 0 || found)
		return rc;
	ledger_now(now);
	return ledger_run(s, fr ? "INSERT INTO administration (country, name, siret, created_at) "
				  "VALUES ($1, $2, $3, $4) RETURNING id"
				: "INSERT INTO administration (country, name, leitweg_id, created_at) "
				  "VALUES ($1, $2, $3, $4) RETURNING id", id, NULL, "tttt",
			  b->country, b->admin_name, b->admin_id, now);
}

static int fiscal_year(struct tandem_store *s, int64_t admin, int year, int64_t *id)
{
	bool found;
	int rc = ledger_run(s, "SELECT id FROM fiscal_year WHERE administration_id = $1 AND "
			    "year = $2", id, &found, "ii", admin, (int64_t)year);

	if (rc != 0 || found)
		return rc;
	return ledger_run(s, "INSERT INTO fiscal_year (administration_id, year) VALUES ($1, $2) "
			  "RETURNING id", id, NULL, "ii", admin, (int64_t)year);
}

/* The node's id, made when absent; an existing node keeps its label. */
static int node(struct tandem_store *s, int64_t admin, const struct budget_node_in *x,
		int64_t parent_id, struct tandem_diag *d, int64_t *id)
{
	struct tandem_stmt *st;
	int rc = tandem_store_prepare(s, "SELECT id, level FROM budget_node WHERE "
				      "administration_id = $1 AND path = $2", &st);

	if (rc != 0)
		return rc;
	rc = tandem_stmt_bind_i64(st, 1, admin);
	if (rc == 0)
		rc = tandem_stmt_bind_text(st, 2, x->path);
	if (rc == 0)
		rc = tandem_stmt_step(st);
	if (rc == 1) {
		*id = tandem_stmt_i64(st, 0);
		rc = strcmp(tandem_stmt_text(st, 1), x->level) == 0 ? 0 :
			ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-BUDGET-FILE", x->line,
				      "line %ld: %.200s is a %s in the database, not a %s", x->line,
				      x->path, tandem_stmt_text(st, 1), x->level);
		tandem_stmt_finalize(st);
		return rc;
	}
	tandem_stmt_finalize(st);
	if (rc != 0)
		return rc;
	return ledger_run(s, "INSERT INTO budget_node (administration_id, parent_id, level, code, "
			  "path, label) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", id, NULL,
			  "iItttt", admin, parent_id, x->level, x->code, x->path, x->label);
}

static int appropriation(struct tandem_store *s, int64_t year_id, int64_t node_id,
			 const char *kind, int64_t cents)
{
	return ledger_run(s, "INSERT INTO appropriation (fiscal_year_id, budget_node_id, kind, "
			  "initial_cents) VALUES ($1, $2, $3, $4)", NULL, NULL, "iiti", year_id,
			  node_id, kind, cents);
}

static int year_loaded(struct tandem_store *s, int64_t year_id, bool *loaded)
{
	int64_t n = 0;
	int rc = ledger_run(s, "SELECT count(*) FROM appropriation WHERE fiscal_year_id = $1", &n,
			    NULL, "i", year_id);

	*loaded = n > 0;
	return rc;
}

/* Everything of a parsed budget, inside the caller's transaction. */
static int write_budget(struct tandem_store *s, const struct budget_in *b,
			const struct ledger_actor *who, const char *sha, struct tandem_arena *a,
			struct tandem_diag *d)
{
	int64_t admin, year_id, ae = 0, cp = 0, ev;
	int64_t *ids = tandem_arena_calloc(a, b->n_nodes, sizeof *ids);
	bool loaded = false;
	char detail[512], ae_t[32], cp_t[32];
	int rc;

	if (ids == NULL)
		return TANDEM_ENOMEM;
	rc = administration(s, b, &admin);
	if (rc == 0)
		rc = fiscal_year(s, admin, b->year, &year_id);
	if (rc == 0)
		rc = year_loaded(s, year_id, &loaded);
	if (rc == 0 && loaded)
		return ledger_refuse(d, TANDEM_EEXIST, "TANDEM-BUDGET-LOADED", 0,
				     "the %d budget of %s %s is already loaded: changes go through "
				     "movements, not a second budget", b->year, b->country,
				     b->admin_id);
	for (size_t i = 0; i < b->n_services && rc == 0; i++)
		rc = ledger_run(s, "INSERT INTO service (administration_id, code, name) SELECT $1, "
				"$2, CAST($3 AS TEXT) WHERE NOT EXISTS (SELECT 1 FROM service WHERE "
				"administration_id = $1 AND code = $2)", NULL, NULL, "itt", admin,
				b->services[i].code, b->services[i].name);
	/* The chart: an account added, or its label changed. */
	for (size_t i = 0; i < b->n_accounts && rc == 0; i++)
		rc = ledger_run(s, "INSERT INTO account (code, label, class) VALUES ($1, $2, $3) "
				"ON CONFLICT (code) DO UPDATE SET label = excluded.label", NULL, NULL,
				"tti", b->accounts[i].code, b->accounts[i].name,
				(int64_t)(b->accounts[i].code[0] - '0'));
	if (rc == 0 && b->has_tolerance)
		rc = ledger_run(s, "UPDATE administration SET match_tolerance_bp = $2, "
				"match_tolerance_cents = $3 WHERE id = $1", NULL, NULL, "iii", admin,
				b->tolerance_bp, b->tolerance_cents);
	if (rc == 0 && b->iban != NULL)
		rc = ledger_run(s, "UPDATE administration SET debtor_iban = $2, debtor_bic = $3 "
				"WHERE id = $1", NULL, NULL, "itt", admin, b->iban, b->bic);
	if (rc == 0 && b->town != NULL)
		rc = ledger_run(s, "UPDATE administration SET street = $2, postcode = $3, town = $4 "
				"WHERE id = $1", NULL, NULL, "ittt", admin, b->street,
				b->postcode, b->town);
	for (size_t i = 0; i < b->n_nodes && rc == 0; i++) {
		const struct budget_node_in *x = &b->nodes[i];

		rc = node(s, admin, x, x->parent >= 0 ? ids[x->parent] : 0, d, &ids[i]);
		if (rc == 0 && x->has_ae)
			rc = appropriation(s, year_id, ids[i], "AE", x->ae_cents);
		if (rc == 0 && x->has_cp)
			rc = appropriation(s, year_id, ids[i], "CP", x->cp_cents);
		ae += x->has_ae ? x->ae_cents : 0;
		cp += x->has_cp ? x->cp_cents : 0;
	}
	ledger_cents_text(ae, ae_t);
	ledger_cents_text(cp, cp_t);
	(void)snprintf(detail, sizeof detail, "budget %d of %s %s: %zu lines, AE %s EUR, CP %s EUR",
		       b->year, b->country, b->admin_id, b->n_nodes, ae_t, cp_t);
	if (rc == 0)
		rc = ledger_event(s, who->id, "budget.load", "fiscal_year", year_id, sha, detail, &ev);
	if (rc == 0)
		(void)tandem_diag_add(d, TANDEM_SEV_INFO, 0, "TANDEM-BUDGET-LOADED", NULL, 0,
				      "%s (event %lld)", detail, (long long)ev);
	return rc;
}

int tandem_ledger_budget_load(struct tandem_store *s, const char *actor, const char *text,
			      size_t len, struct tandem_diag *d, bool *already)
{
	struct tandem_arena a;
	struct budget_in b;
	struct ledger_actor who;
	char sha[LEDGER_SHA256_HEX];
	int64_t ev;
	int rc;

	*already = false;
	tandem_arena_init(&a, 256u << 20);
	rc = ledger_budget_parse(&a, text, len, d, &b);
	if (rc == 0)
		rc = ledger_sha256_hex(text, len, sha);
	if (rc == 0)
		rc = tandem_store_begin(s);
	if (rc != 0)
		goto out;
	rc = ledger_actor_as(s, actor, "admin, ordonnateur", "loading a budget", d, &who);
	if (rc == 0)
		rc = ledger_run(s, "SELECT id FROM event WHERE action = 'budget.load' AND "
				"input_sha256 = $1", &ev, already, "t", sha);
	if (rc == 0 && *already)
		(void)tandem_diag_add(d, TANDEM_SEV_INFO, 0, "TANDEM-BUDGET-LOADED", NULL, 0,
				      "this file was loaded already (event %lld): nothing changed",
				      (long long)ev);
	else if (rc == 0)
		rc = write_budget(s, &b, &who, sha, &a, d);
	if (rc == 0 && !*already)
		rc = tandem_store_commit(s);
	else
		(void)tandem_store_rollback(s);
out:
	tandem_arena_release(&a);
	return rc;
}

/* ---- report ------------------------------------------------------------ */

int tandem_ledger_budget_report(struct tandem_store *s, const char *administration, int year,
				struct tandem_arena *a, struct tandem_budget_row **rows,
				size_t *n)
{
	struct tandem_stmt *st;
	size_t cap = 0, count = 0;
	struct tandem_budget_row *r = NULL;
	int rc;

	*rows = NULL;
	*n = 0;
	/* Each node with its own AE and CP (initial + movements) for the
	 * year and what it consumed (the table consumption, which the tests
	 * and the crash test hold against the documents); ordered by path, which is depth-first: "156" < "156/01" <
	 * "1560" since '/' sorts before the digits and letters. */
	rc = tandem_store_prepare(s,
		"SELECT n.path, n.level, n.label,"
		" coalesce(sum(CASE WHEN p.kind = 'AE' THEN p.total END), 0),"
		" coalesce(sum(CASE WHEN p.kind = 'CP' THEN p.total END), 0),"
		" (SELECT coalesce(sum(k.consumed_cents), 0) FROM consumption k"
		"   WHERE k.budget_node_id = n.id AND k.fiscal_year_id = y.id AND k.kind = 'AE'),"
		" (SELECT coalesce(sum(k.consumed_cents), 0) FROM consumption k"
		"   WHERE k.budget_node_id = n.id AND k.fiscal_year_id = y.id AND k.kind = 'CP')"
		" FROM budget_node n"
		" JOIN administration ad ON ad.id = n.administration_id"
		" JOIN fiscal_year y ON y.administration_id = ad.id AND y.year = $2"
		" LEFT JOIN (SELECT ap.budget_node_id, ap.fiscal_year_id, ap.kind,"
		"            ap.initial_cents + coalesce((SELECT sum(m.amount_cents)"
		"              FROM appropriation_movement m WHERE m.appropriation_id = ap.id), 0)"
		"            AS total FROM appropriation ap) p"
		"   ON p.budget_node_id = n.id AND p.fiscal_year_id = y.id"
		" WHERE ad.siret = $1 OR ad.leitweg_id = $1"
		" GROUP BY n.id, n.path, n.level, n.label, y.id ORDER BY n.path", &st);
	if (rc != 0)
		return rc;
	rc = tandem_stmt_bind_text(st, 1, administration);
	if (rc == 0)
		rc = tandem_stmt_bind_i64(st, 2, year);
	while (rc == 0 && (rc = tandem_stmt_step(st)) == 1) {
		if (count == cap) {
			size_t ncap = cap == 0 ? 64 : cap * 2;
			struct tandem_budget_row *g = tandem_arena_alloc(a, ncap * sizeof *g);

			if (g == NULL) {
				rc = TANDEM_ENOMEM;
				break;
			}
			if (count > 0)
				memcpy(g, r, count * sizeof *g);
			r = g;
			cap = ncap;
		}
		const char *path = tandem_stmt_text(st, 0);
		struct tandem_budget_row *x = &r[count++];

		x->path = tandem_arena_strndup(a, path, strlen(path));
		x->level = tandem_arena_strndup(a, tandem_stmt_text(st, 1),
						strlen(tandem_stmt_text(st, 1)));
		x->label = tandem_arena_strndup(a, tandem_stmt_text(st, 2),
						strlen(tandem_stmt_text(st, 2)));
		x->ae_cents = tandem_stmt_i64(st, 3);
		x->cp_cents = tandem_stmt_i64(st, 4);
		x->ae_committed_cents = tandem_stmt_i64(st, 5);
		x->cp_ordered_cents = tandem_stmt_i64(st, 6);
		x->depth = 0;
		for (const char *p = path; *p != '\0'; p++)
			x->depth += *p == '/';
		rc = 0;
	}
	tandem_stmt_finalize(st);
	if (rc != 0)
		return rc;
	if (count == 0)
		return TANDEM_ENOENT;
	/* Subtree totals. In depth-first order a row's parent is the last row
	 * before it one level up; from the last row up, each row has all of
	 * its subtree added when it adds itself to its parent. */
	size_t *parent = tandem_arena_alloc(a, count * sizeof *parent);
	size_t last[TANDEM_BUDGET_DEPTH_MAX + 1];

	if (parent == NULL)
		return TANDEM_ENOMEM;
	for (size_t k = 0; k <= TANDEM_BUDGET_DEPTH_MAX; k++)
		last[k] = count;
	for (size_t i = 0; i < count; i++) {
		int dep = r[i].depth;

		parent[i] = dep > 0 && dep <= TANDEM_BUDGET_DEPTH_MAX ? last[dep - 1] : count;
		if (dep <= TANDEM_BUDGET_DEPTH_MAX)
			last[dep] = i;
	}
	for (size_t i = count; i-- > 0;)
		if (parent[i] < count) {
			r[parent[i]].ae_cents += r[i].ae_cents;
			r[parent[i]].cp_cents += r[i].cp_cents;
			r[parent[i]].ae_committed_cents += r[i].ae_committed_cents;
			r[parent[i]].cp_ordered_cents += r[i].cp_ordered_cents;
		}
	for (size_t i = 0; i < count; i++) {
		r[i].ae_available_cents = r[i].ae_cents - r[i].ae_committed_cents;
		r[i].cp_available_cents = r[i].cp_cents - r[i].cp_ordered_cents;
	}
	*rows = r;
	*n = count;
	return 0;
}
