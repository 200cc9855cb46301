/*
 * src/ledger/match_lines.c - the quantity side of the three-way match, for
 * an invoice routed to a commitment with lines: each invoice line names a
 * commitment line by its number in BT-132, in the same unit (BT-130); the
 * quantity claimed on a commitment line by its counted invoices may pass
 * neither what was ordered nor what service done certified, beyond the
 * administration's tolerance (its percentage, on the quantity ordered).
 * commitment_line.invoiced_milli is the running total, kept with the
 * invoice's status like commitment.invoiced_cents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

struct cline {
	int64_t id, line_no, quantity, certified, claimed;
	char unit[8];
};

/* Worse outcomes win: suspended over received over ready. */
static int rank(const char *status)
{
	return strcmp(status, "suspended") == 0 ? 2 : strcmp(status, "received") == 0 ? 1 : 0;
}

static void worse(char status[16], char *reason, size_t size, const char *st, const char *why)
{
	if (rank(st) <= rank(status))
		return;
	(void)snprintf(status, 16, "%s", st);
	(void)snprintf(reason, size, "%s", why);
}

static void qty_text(int64_t milli, char out[32])
{
	if (milli % 1000 == 0)
		(void)snprintf(out, 32, "%lld", (long long)(milli / 1000));
	else
		(void)snprintf(out, 32, "%s%lld.%03lld", milli < 0 ? "-" : "",
			       (long long)llabs(milli / 1000), (long long)llabs(milli % 1000));
}

/* The line claimed against what was ordered and certified. */
static void judge(const struct cline *c, int64_t tol_bp, char status[16], char *reason,
		  size_t size)
{
	int64_t tol = ledger_tolerance(c->quantity, tol_bp, 0);
	char why[300], q[32], o[32], f[32];

	qty_text(c->claimed, q);
	qty_text(c->quantity, o);
	qty_text(c->certified, f);
	if (c->claimed > c->quantity + tol) {
		(void)snprintf(why, sizeof why, "line %lld of the commitment: %s %s invoiced, %s "
			       "ordered", (long long)c->line_no, q, c->unit, o);
		worse(status, reason, size, "suspended", why);
	} else if (c->claimed > c->certified + tol) {
		(void)snprintf(why, sizeof why, "waiting for service done on line %lld: %s %s "
			       "invoiced, %s certified", (long long)c->line_no, q, c->unit, f);
		worse(status, reason, size, "received", why);
	}
}

/* The commitment's lines, by number (at most TANDEM_COMMITMENT_LINES_MAX). */
static int load(struct tandem_store *s, int64_t commitment, struct cline *out, size_t *n)
{
	struct tandem_stmt *st = NULL;
	int rc = ledger_select(s, &st, "SELECT id, line_no, unit, quantity_milli, certified_milli, "
			       "invoiced_milli FROM commitment_line WHERE commitment_id = $1 "
			       "ORDER BY line_no", "i", commitment);

	*n = 0;
	for (; rc == 1 && *n < TANDEM_COMMITMENT_LINES_MAX; rc = tandem_stmt_step(st)) {
		struct cline *c = &out[(*n)++];

		c->id = tandem_stmt_i64(st, 0);
		c->line_no = tandem_stmt_i64(st, 1);
		(void)snprintf(c->unit, sizeof c->unit, "%s", tandem_stmt_text(st, 2));
		c->quantity = tandem_stmt_i64(st, 3);
		c->certified = tandem_stmt_i64(st, 4);
		c->claimed = tandem_stmt_i64(st, 5);
	}
	tandem_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* The commitment line an invoice line's BT-132 names: its index, or -1. */
static long named(const struct cline *c, size_t n, const char *ref)
{
	char *end = NULL;
	long long no;

	if (ref == NULL || ref[0] < '1' || ref[0] > '9')
		return -1;
	no = strtoll(ref, &end, 10);
	if (end == NULL || *end != '\0')
		return -1;
	for (size_t i = 0; i < n; i++)
		if (c[i].line_no == no)
			return (long)i;
	return -1;
}

/* The invoice's lines that are matched: the first 1,000 (refs holds as
 * many). */
static size_t lines_of(const struct tandem_invoice_in *in)
{
	return in->lines == NULL ? 0 : in->n_lines < TANDEM_COMMITMENT_LINES_MAX ? in->n_lines :
		TANDEM_COMMITMENT_LINES_MAX;
}

int ledger_lines_match(struct tandem_store *s, int64_t commitment,
		       const struct tandem_invoice_in *in, int64_t tol_bp, int64_t *refs,
		       char status[16], char *reason, size_t size)
{
	struct cline *c = calloc(TANDEM_COMMITMENT_LINES_MAX, sizeof *c);
	char why[300];
	size_t n = 0;
	int rc = c == NULL ? TANDEM_ENOMEM : load(s, commitment, c, &n);

	if (rc == 0 && lines_of(in) == 0)
		worse(status, reason, size, "suspended", "the invoice has no lines to match "
		      "against the commitment's");
	if (rc == 0 && in->n_lines > TANDEM_COMMITMENT_LINES_MAX)
		worse(status, reason, size, "suspended", "the invoice has more lines than tandem "
		      "matches (1,000)");
	for (size_t i = 0; rc == 0 && i < lines_of(in); i++) {
		const struct tandem_invoice_line *l = &in->lines[i];
		long k = named(c, n, l->order_line);

		refs[i] = k < 0 ? 0 : c[k].id;
		if (k < 0) {
			(void)snprintf(why, sizeof why, "invoice line %zu: its order line reference "
				       "(BT-132) \"%.20s\" names no line of the commitment", i + 1,
				       l->order_line != NULL ? l->order_line : "");
			worse(status, reason, size, "suspended", why);
		} else if (l->unit == NULL || strcmp(l->unit, c[k].unit) != 0) {
			(void)snprintf(why, sizeof why, "invoice line %zu: unit %.8s, line %lld of the "
				       "commitment is in %s", i + 1, l->unit != NULL ? l->unit : "",
				       (long long)c[k].line_no, c[k].unit);
			worse(status, reason, size, "suspended", why);
		} else {
			c[k].claimed += l->quantity_milli;
		}
	}
	for (size_t k = 0; rc == 0 && k < n; k++)
		judge(&c[k], tol_bp, status, reason, size);
	free(c);
	return rc;
}

int ledger_lines_store(struct tandem_store *s, int64_t invoice,
		       const struct tandem_invoice_in *in, const int64_t *refs, bool counted)
{
	int rc = 0;

	for (size_t i = 0; i < lines_of(in) && rc == 0; i++) {
		const struct tandem_invoice_line *l = &in->lines[i];

		rc = ledger_run(s, "INSERT INTO invoice_line (invoice_id, line_no, "
				"commitment_line_id, quantity_milli, unit, net_cents) VALUES ($1, $2, "
				"$3, $4, $5, $6)", NULL, NULL, "iiIiti", invoice, (int64_t)(i + 1),
				refs[i], l->quantity_milli, l->unit, l->net_cents);
	}
	if (rc == 0 && counted)
		rc = ledger_lines_count(s, invoice, 1);
	return rc;
}

int ledger_lines_count(struct tandem_store *s, int64_t invoice, int64_t sign)
{
	return ledger_run(s, "UPDATE commitment_line SET invoiced_milli = invoiced_milli + $2 * "
			  "(SELECT coalesce(sum(l.quantity_milli), 0) FROM invoice_line l WHERE "
			  "l.invoice_id = $1 AND l.commitment_line_id = commitment_line.id) WHERE id "
			  "IN (SELECT commitment_line_id FROM invoice_line WHERE invoice_id = $1)",
			  NULL, NULL, "ii", invoice, sign);
}

int ledger_lines_rematch(struct tandem_store *s, int64_t invoice, int64_t tol_bp,
			 char status[16], char *reason, size_t size)
{
	struct tandem_stmt *st = NULL;
	int rc = ledger_select(s, &st,
		"SELECT cl.line_no, cl.unit, cl.quantity_milli, cl.certified_milli,"
		" (SELECT coalesce(sum(l2.quantity_milli), 0) FROM invoice_line l2"
		"  JOIN invoice i2 ON i2.id = l2.invoice_id"
		"  WHERE l2.commitment_line_id = cl.id AND i2.id <= $1 AND i2.kind = 'invoice'"
		"  AND i2.status IN ('received', 'suspended', 'ready', 'paid'))"
		" FROM commitment_line cl WHERE cl.id IN"
		" (SELECT commitment_line_id FROM invoice_line WHERE invoice_id = $1)", "i", invoice);

	for (; rc == 1; rc = tandem_stmt_step(st)) {
		struct cline c;

		memset(&c, 0, sizeof c);
		c.line_no = tandem_stmt_i64(st, 0);
		(void)snprintf(c.unit, sizeof c.unit, "%s", tandem_stmt_text(st, 1));
		c.quantity = tandem_stmt_i64(st, 2);
		c.certified = tandem_stmt_i64(st, 3);
		c.claimed = tandem_stmt_i64(st, 4);
		judge(&c, tol_bp, status, reason, size);
	}
	tandem_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}
