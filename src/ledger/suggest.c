/*
 * src/ledger/suggest.c - what a classifier suggested for the lines of an
 * invoice, kept with the invoice, and what a person decided of it. A
 * suggestion is advice: it changes no status, no amount and no payment,
 * and every one is an event, so it reaches the transparency log; so is
 * every decision, with who took it.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define DETAIL_MAX 1000
#define NOTE_MAX 300

static bool hex64(const char *s)
{
	if (s == NULL || strlen(s) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

long ledger_suggest_bad(const struct tandem_invoice_in *in)
{
	char cpv[LEDGER_CPV_MAX];

	if (in->suggestions == NULL)
		return 0;
	if (!hex64(in->model_sha256))
		return -1;
	for (size_t i = 0; i < in->n_lines; i++) {
		const struct tandem_line_suggestion *g = &in->suggestions[i];

		if (g->cpv == NULL)
			continue;
		if (ledger_cpv_norm(g->cpv, strlen(g->cpv), cpv) != 0 || g->p_milli > 1000 ||
		    g->text == NULL || strlen(g->text) > TANDEM_SUGGESTION_TEXT_MAX ||
		    (g->why != NULL && strlen(g->why) > TANDEM_SUGGESTION_WHY_MAX))
			return (long)i + 1;
	}
	return 0;
}

/* "line 1 453 62% -> 150/01/02" for the event, as long as it fits. */
static void describe(char *detail, size_t *len, size_t line, const char *cpv, uint32_t p,
		     bool doubt, const char *path)
{
	int n = snprintf(detail + *len, DETAIL_MAX - *len, "%sline %zu %s %u.%u%%%s%s%s",
			 *len > 0 ? "; " : "", line, cpv, p / 10, p % 10,
			 doubt ? " (needs a human)" : "", path[0] != '\0' ? " -> " : "", path);

	if (n > 0 && *len + (size_t)n < DETAIL_MAX)
		*len += (size_t)n;
	else
		detail[*len] = '\0';
}

int ledger_suggest_store(struct tandem_store *s, int64_t admin, int64_t invoice,
			 const struct tandem_invoice_in *in, int64_t user)
{
	char detail[DETAIL_MAX], cpv[LEDGER_CPV_MAX], path[LEDGER_PATH_MAX];
	int64_t event = 0, node = 0;
	size_t len = 0, count = 0;
	int rc = 0;

	if (in->suggestions == NULL)
		return 0;
	detail[0] = '\0';
	for (size_t i = 0; i < in->n_lines && rc == 0; i++) {
		const struct tandem_line_suggestion *g = &in->suggestions[i];
		struct tandem_stmt *st;

		if (g->cpv == NULL)
			continue;
		(void)ledger_cpv_norm(g->cpv, strlen(g->cpv), cpv);
		rc = ledger_cpv_node(s, admin, cpv, &node);
		path[0] = '\0';
		if (rc == 0 && node > 0) {
			rc = ledger_select(s, &st, "SELECT path FROM budget_node WHERE id = $1", "i",
					   node);
			if (rc == 1)
				(void)snprintf(path, sizeof path, "%s", tandem_stmt_text(st, 0));
			tandem_stmt_finalize(st);
			rc = rc < 0 ? rc : 0;
		}
		describe(detail, &len, i + 1, cpv, g->p_milli, g->needs_human, path);
		count++;
	}
	if (rc != 0 || count == 0)
		return rc;
	rc = ledger_event(s, user, "ai.suggest", "invoice", invoice, in->model_sha256, detail,
			  &event);
	for (size_t i = 0; i < in->n_lines && rc == 0; i++) {
		const struct tandem_line_suggestion *g = &in->suggestions[i];

		if (g->cpv == NULL)
			continue;
		(void)ledger_cpv_norm(g->cpv, strlen(g->cpv), cpv);
		rc = ledger_cpv_node(s, admin, cpv, &node);
		if (rc == 0)
			rc = ledger_run(s, "INSERT INTO line_suggestion (invoice_id, line_no, text, "
					"cpv, p_milli, needs_human, why, budget_node_id, model_sha256, "
					"event_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
					NULL, NULL, "iittiitIti", invoice, (int64_t)i + 1, g->text,
					cpv, (int64_t)g->p_milli, (int64_t)g->needs_human,
					g->why != NULL ? g->why : "", node, in->model_sha256, event);
	}
	return rc;
}

static const char list_sql[] =
	"SELECT s.invoice_id, s.line_no, s.text, s.cpv, s.why, s.p_milli, s.needs_human,"
	" coalesce(n.path, ''), s.model_sha256, s.decision, coalesce(s.decided_cpv, ''),"
	" coalesce(dn.path, ''), coalesce(u.login, '')"
	" FROM line_suggestion s JOIN invoice i ON i.id = s.invoice_id"
	" LEFT JOIN budget_node n ON n.id = s.budget_node_id"
	" LEFT JOIN budget_node dn ON dn.id = s.decided_node_id"
	" LEFT JOIN app_user u ON u.id = s.decided_by"
	" WHERE i.administration_id = $1"
	" AND (($2 = 0 AND s.decision = 'pending') OR s.invoice_id = $2)"
	" ORDER BY s.invoice_id, s.line_no LIMIT $3";

static int row_of(struct tandem_stmt *st, struct tandem_arena *a, void *row)
{
	struct tandem_suggestion_row *x = row;
	const char **texts[] = { &x->text, &x->cpv, &x->why, NULL, NULL, &x->budget_path,
				 &x->model_sha256, &x->decision, &x->decided_cpv,
				 &x->decided_path, &x->decided_by };

	x->invoice = tandem_stmt_i64(st, 0);
	x->line_no = (int)tandem_stmt_i64(st, 1);
	x->p_milli = (uint32_t)tandem_stmt_i64(st, 5);
	x->needs_human = tandem_stmt_i64(st, 6) != 0;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		if (texts[i] == NULL)
			continue;
		*texts[i] = ledger_keep(a, tandem_stmt_text(st, (int)i + 2));
		if (*texts[i] == NULL)
			return TANDEM_ENOMEM;
	}
	return 0;
}

/* The invoice of the administration; TANDEM_ENOENT with a finding. */
static int find_invoice(struct tandem_store *s, int64_t admin, int64_t invoice,
			struct tandem_diag *d)
{
	int64_t id = 0;
	bool found = false;
	int rc = ledger_run(s, "SELECT id FROM invoice WHERE id = $1 AND administration_id = $2",
			    &id, &found, "ii", invoice, admin);

	if (rc == 0 && !found)
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-SUGGEST-INVOICE", 0,
				   "no invoice %lld for this administration", (long long)invoice);
	return rc;
}

int tandem_ledger_suggestions(struct tandem_store *s, const char *administration,
			      int64_t invoice, size_t limit, struct tandem_arena *a,
			      struct tandem_suggestion_row **rows, size_t *n, bool *more,
			      struct tandem_diag *d)
{
	struct tandem_stmt *st;
	void *out = NULL;
	int64_t admin = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	*more = false;
	if (limit == 0 || limit > TANDEM_SUGGESTION_LIST_MAX || invoice < 0)
		return ledger_refuse(d, TANDEM_EINVAL, "TANDEM-SUGGEST-LIST", 0,
				     "a list holds 1 to %d suggestions", TANDEM_SUGGESTION_LIST_MAX);
	rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0 && invoice > 0)
		rc = find_invoice(s, admin, invoice, d);
	if (rc != 0)
		return rc;
	rc = ledger_select(s, &st, list_sql, "iii", admin, invoice, (int64_t)limit + 1);
	rc = ledger_read_rows(st, rc, limit, sizeof **rows, row_of, a, &out, n, more);
	*rows = out;
	return rc;
}

/* What was suggested for a line: its code, probability and node. */
struct suggested {
	char cpv[LEDGER_CPV_MAX];
	int64_t p_milli, node;
};

static int find_suggestion(struct tandem_store *s, int64_t invoice, int line,
			   struct tandem_diag *d, struct suggested *out)
{
	struct tandem_stmt *st;
	int rc = ledger_select(s, &st, "SELECT cpv, p_milli, coalesce(budget_node_id, 0) FROM "
			       "line_suggestion WHERE invoice_id = $1 AND line_no = $2", "ii",
			       invoice, (int64_t)line);

	if (rc == 1) {
		(void)snprintf(out->cpv, sizeof out->cpv, "%s", tandem_stmt_text(st, 0));
		out->p_milli = tandem_stmt_i64(st, 1);
		out->node = tandem_stmt_i64(st, 2);
	}
	tandem_stmt_finalize(st);
	if (rc == 0)
		return ledger_refuse(d, TANDEM_ENOENT, "TANDEM-SUGGEST-LINE", 0,
				     "invoice %lld has no suggestion for line %d",
				     (long long)invoice, line);
	return rc < 0 ? rc : 0;
}

/* The decided code and node, and whether they are what was suggested. */
static int decided(struct tandem_store *s, int64_t admin, const struct suggested *g,
		   const char *cpv, const char *budget_path, struct tandem_diag *d,
		   char code[LEDGER_CPV_MAX], int64_t *node, bool *same)
{
	int rc = 0;

	if (cpv == NULL)
		(void)snprintf(code, LEDGER_CPV_MAX, "%s", g->cpv);
	else if (ledger_cpv_norm(cpv, strlen(cpv), code) != 0)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-SUGGEST-CODE", 0,
				     "\"%.20s\" is not a CPV code (2 to 8 digits, \"-D\" after 8)",
				     cpv);
	if (budget_path != NULL)
		rc = ledger_budget_node(s, admin, budget_path, "TANDEM-SUGGEST-PATH", 0, d, node);
	else if (cpv != NULL)
		rc = ledger_cpv_node(s, admin, code, node);
	else
		*node = g->node;
	*same = strcmp(code, g->cpv) == 0 && *node == g->node;
	return rc;
}

int tandem_ledger_suggestion_decide(struct tandem_store *s, const char *actor,
				    const char *administration, int64_t invoice, int line_no,
				    const char *cpv, const char *budget_path, const char *note,
				    struct tandem_diag *d)
{
	struct ledger_actor who;
	struct suggested g = {0};
	char code[LEDGER_CPV_MAX] = "", detail[DETAIL_MAX];
	int64_t admin = 0, node = 0, event = 0;
	bool same = false;
	int rc;

	if (note != NULL && strlen(note) > NOTE_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-SUGGEST-NOTE", 0,
				     "a note is at most %d bytes", NOTE_MAX);
	rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "ordonnateur", "deciding on a suggestion", d, &who);
	if (rc == 0)
		rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0)
		rc = find_invoice(s, admin, invoice, d);
	if (rc == 0)
		rc = find_suggestion(s, invoice, line_no, d, &g);
	if (rc == 0)
		rc = decided(s, admin, &g, cpv, budget_path, d, code, &node, &same);
	(void)snprintf(detail, sizeof detail, "invoice %lld line %d: %s %s%s%s (suggested %s at "
		       "%lld.%lld%%)%s%s", (long long)invoice, line_no,
		       same ? "accepted" : "corrected to", code, budget_path != NULL ? " -> " : "",
		       budget_path != NULL ? budget_path : "", g.cpv, (long long)g.p_milli / 10,
		       (long long)g.p_milli % 10, note != NULL ? ": " : "",
		       note != NULL ? note : "");
	if (rc == 0)
		rc = ledger_event(s, who.id, "ai.decision", "invoice", invoice, NULL, detail,
				  &event);
	if (rc == 0)
		rc = ledger_run(s, "UPDATE line_suggestion SET decision = $1, decided_cpv = $2, "
				"decided_node_id = $3, decided_by = $4, decided_event_id = $5 "
				"WHERE invoice_id = $6 AND line_no = $7", NULL, NULL, "ttIiiii",
				same ? "accepted" : "corrected", code, node, who.id, event,
				invoice, (int64_t)line_no);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}
