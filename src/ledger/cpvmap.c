/*
 * src/ledger/cpvmap.c - an administration's table from CPV codes to budget
 * lines: which programme/action or Titel a purchase of a kind is paid
 * from. The classifier suggests a CPV code for an invoice line; this table
 * turns it into a budget line, by the longest prefix of the code.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define LINE_MAX_BYTES 1000

/* Skips spaces and tabs. */
static const char *blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

int ledger_cpv_norm(const char *code, size_t len, char out[LEDGER_CPV_MAX])
{
	size_t n = 0;

	while (n < len && n < 8 && code[n] >= '0' && code[n] <= '9')
		n++;
	/* "45314000-6": the check digit goes; nothing else may follow. */
	if (n == 8 && len == 10 && code[8] == '-' && code[9] >= '0' && code[9] <= '9')
		len = 8;
	if (n < 2 || n != len)
		return TANDEM_EBADINPUT;
	/* Trailing zeros are padding: "45300000" is the group 453. */
	while (n > 2 && code[n - 1] == '0')
		n--;
	memcpy(out, code, n);
	out[n] = '\0';
	return 0;
}

int ledger_cpv_node(struct tandem_store *s, int64_t admin, const char *cpv, int64_t *node)
{
	bool found = false;
	int rc = ledger_run(s, "SELECT budget_node_id FROM cpv_budget_map WHERE "
			    "administration_id = $1 AND substr($2, 1, length(cpv_prefix)) = "
			    "cpv_prefix ORDER BY length(cpv_prefix) DESC LIMIT 1", node, &found,
			    "it", admin, cpv);

	if (rc == 0 && !found)
		*node = 0;
	return rc;
}

int ledger_budget_node(struct tandem_store *s, int64_t admin, const char *path,
		       const char *rule, long line, struct tandem_diag *d, int64_t *node)
{
	bool found = false;
	int rc = ledger_run(s, "SELECT id FROM budget_node WHERE administration_id = $1 AND "
			    "path = $2", node, &found, "it", admin, path);

	if (rc == 0 && !found && line > 0)
		rc = ledger_refuse(d, TANDEM_ENOENT, rule, line, "line %ld: no budget line "
				   "\"%.60s\" in this administration's budget", line, path);
	else if (rc == 0 && !found)
		rc = ledger_refuse(d, TANDEM_ENOENT, rule, line,
				   "no budget line \"%.60s\" in this administration's budget", path);
	return rc;
}

/* One row "PREFIX PATH" of the text, inserted; 0 for a blank or comment. */
static int load_line(struct tandem_store *s, int64_t admin, const char *p, const char *end,
		     long line, struct tandem_diag *d, size_t *rows)
{
	char prefix[LEDGER_CPV_MAX], path[LEDGER_PATH_MAX];
	const char *q, *r;
	int64_t node = 0, same = 0;
	bool found = false;
	int rc;

	p = blank(p, end);
	if (p == end || *p == '#')
		return 0;
	if (end - p > LINE_MAX_BYTES)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CPVMAP-LINE", line,
				     "line %ld: a line is at most %d bytes", line, LINE_MAX_BYTES);
	for (q = p; q < end && *q != ' ' && *q != '\t'; q++)
		;
	r = blank(q, end);
	while (end > r && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	if (ledger_cpv_norm(p, (size_t)(q - p), prefix) != 0)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CPVMAP-CODE", line,
				     "line %ld: \"%.*s\" is not 2 to 8 digits of a CPV code", line,
				     (int)(q - p), p);
	if (r == end || (size_t)(end - r) >= sizeof path)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CPVMAP-LINE", line,
				     "line %ld: a line is a CPV code, then a budget path", line);
	memcpy(path, r, (size_t)(end - r));
	path[end - r] = '\0';
	if (*rows == TANDEM_CPV_MAP_MAX)
		return ledger_refuse(d, TANDEM_ELIMIT, "TANDEM-CPVMAP-ROWS", line,
				     "line %ld: a table holds at most %d rows", line,
				     TANDEM_CPV_MAP_MAX);
	rc = ledger_budget_node(s, admin, path, "TANDEM-CPVMAP-PATH", line, d, &node);
	if (rc == 0)
		rc = ledger_run(s, "SELECT budget_node_id FROM cpv_budget_map WHERE "
				"administration_id = $1 AND cpv_prefix = $2", &same, &found, "it",
				admin, prefix);
	if (rc == 0 && found)
		return ledger_refuse(d, TANDEM_EEXIST, "TANDEM-CPVMAP-TWICE", line,
				     "line %ld: the code %s is in the table twice", line, prefix);
	if (rc == 0)
		rc = ledger_run(s, "INSERT INTO cpv_budget_map (administration_id, cpv_prefix, "
				"budget_node_id) VALUES ($1, $2, $3)", NULL, NULL, "iti", admin,
				prefix, node);
	if (rc == 0)
		(*rows)++;
	return rc;
}

int tandem_ledger_cpv_map_load(struct tandem_store *s, const char *actor,
			       const char *administration, const char *text, size_t len,
			       struct tandem_diag *d, size_t *rows)
{
	struct ledger_actor who;
	char sha[LEDGER_SHA256_HEX], detail[200];
	int64_t admin = 0;
	const char *p, *end;
	long line = 0;
	int rc, bad = 0;

	*rows = 0;
	if (text == NULL || len > TANDEM_CPV_MAP_FILE_MAX || memchr(text, '\0', len) != NULL)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CPVMAP-FILE", 0,
				     "a table is text of at most %u bytes", TANDEM_CPV_MAP_FILE_MAX);
	p = text;
	end = text + len;
	rc = ledger_sha256_hex(text, len, sha);
	if (rc == 0)
		rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "ordonnateur, admin", "loading the CPV table", d, &who);
	if (rc == 0)
		rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0)
		rc = ledger_run(s, "DELETE FROM cpv_budget_map WHERE administration_id = $1", NULL,
				NULL, "i", admin);
	/* Every bad line is reported; the store's own errors end the load. */
	while (rc == 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl != NULL ? nl : end;
		int r = load_line(s, admin, p, eol, ++line, d, rows);

		if (r == TANDEM_EBADINPUT || r == TANDEM_ENOENT || r == TANDEM_EEXIST)
			bad = bad != 0 ? bad : r;
		else
			rc = r;
		p = nl != NULL ? nl + 1 : end;
	}
	if (rc == 0 && bad != 0)
		rc = bad;
	(void)snprintf(detail, sizeof detail, "CPV table of %zu rows", *rows);
	if (rc == 0)
		rc = ledger_event(s, who.id, "cpv_map.load", "administration", admin, sha, detail,
				  NULL);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	*rows = 0;
	return rc;
}

static int map_row(struct tandem_stmt *st, struct tandem_arena *a, void *row)
{
	struct tandem_cpv_map_row *x = row;

	x->prefix = ledger_keep(a, tandem_stmt_text(st, 0));
	x->path = ledger_keep(a, tandem_stmt_text(st, 1));
	x->label = ledger_keep(a, tandem_stmt_text(st, 2));
	return x->prefix == NULL || x->path == NULL || x->label == NULL ? TANDEM_ENOMEM : 0;
}

int tandem_ledger_cpv_map_list(struct tandem_store *s, const char *administration,
			       struct tandem_arena *a, struct tandem_cpv_map_row **rows,
			       size_t *n, struct tandem_diag *d)
{
	struct tandem_stmt *st;
	void *out = NULL;
	int64_t admin = 0;
	bool more = false;
	int rc = ledger_administration(s, administration, d, &admin);

	*rows = NULL;
	*n = 0;
	if (rc != 0)
		return rc;
	rc = ledger_select(s, &st, "SELECT m.cpv_prefix, n.path, n.label FROM cpv_budget_map m"
			   " JOIN budget_node n ON n.id = m.budget_node_id"
			   " WHERE m.administration_id = $1 ORDER BY m.cpv_prefix", "i", admin);
	rc = ledger_read_rows(st, rc, TANDEM_CPV_MAP_MAX, sizeof **rows, map_row, a, &out, n,
			      &more);
	*rows = out;
	return rc;
}
