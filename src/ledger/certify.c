/*
 * src/ledger/certify.c - service done: certifications against a
 * commitment, never more in total than the commitment; by amount, or, on a
 * commitment with lines, by the quantities delivered on each line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/decimal.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define NOTE_MAX 500

/* The commitment, its amount, its state and what is certified already. */
struct commitment {
	int64_t id, amount, certified, lines;
};

static int commitment(struct tandem_store *s, int64_t admin, int year, const char *number,
		      struct tandem_diag *d, struct commitment *c)
{
	struct tandem_stmt *st;
	int rc = tandem_store_prepare(s,
		"SELECT c.id, c.amount_cents, c.state, c.certified_cents,"
		" (SELECT count(*) FROM commitment_line l WHERE l.commitment_id = c.id)"
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
		c->id = tandem_stmt_i64(st, 0);
		c->amount = tandem_stmt_i64(st, 1);
		c->certified = tandem_stmt_i64(st, 3);
		c->lines = tandem_stmt_i64(st, 4);
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

/* Adds amount_cents of service done to commitment c (guarded by its
 * amount), with its event and its row: *id. */
static int record(struct tandem_store *s, int64_t user, const struct commitment *c,
		  const char *number, int year, int64_t amount_cents, const char *note,
		  struct tandem_diag *d, int64_t *id)
{
	char detail[700], left[32], want[32], now[LEDGER_TIME_MAX];
	int64_t certified = 0, event = 0;
	bool found = false;
	/* The guarded update keeps the running total and refuses to go beyond
	 * the commitment. */
	int rc = ledger_run(s, "UPDATE commitment SET certified_cents = certified_cents + $2 "
			    "WHERE id = $1 AND certified_cents + $2 <= amount_cents RETURNING "
			    "certified_cents", &certified, &found, "ii", c->id, amount_cents);

	ledger_cents_text(amount_cents, want);
	if (rc == 0 && !found) {
		ledger_cents_text(c->amount - c->certified, left);
		return ledger_refuse(d, TANDEM_ELIMIT, "TANDEM-CERTIFY-AMOUNT", 0,
				     "commitment %.64s has %s EUR left to certify, not %s EUR",
				     number, left, want);
	}
	(void)snprintf(detail, sizeof detail, "service done on %.64s of %d: %s EUR, %.500s", number,
		       year, want, note);
	if (rc == 0)
		rc = ledger_event(s, user, "service.certify", "commitment", c->id, NULL, detail,
				  &event);
	ledger_now(now);
	if (rc == 0)
		rc = ledger_run(s, "INSERT INTO service_done (commitment_id, amount_cents, note, "
				"certified_by, certified_at, event_id) VALUES ($1, $2, $3, $4, $5, $6) "
				"RETURNING id", id, NULL, "iititi", c->id, amount_cents, note, user,
				now, event);
	return rc;
}

static int check_note(const char *number, const char *note, struct tandem_diag *d)
{
	if (note == NULL || note[0] == '\0' || strlen(note) > NOTE_MAX ||
	    number == NULL || number[0] == '\0')
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CERTIFY-INPUT", 0,
				     "service done needs the commitment number and a note of what "
				     "was delivered (1 to %d bytes)", NOTE_MAX);
	return 0;
}

/* The ordonnateur certifying and the open commitment, certified by
 * quantity (by_lines) when it has lines and by amount when it has none. */
static int certifier(struct tandem_store *s, const char *actor, const char *administration,
		     int year, const char *number, bool by_lines, struct tandem_diag *d,
		     struct ledger_actor *who, struct commitment *c)
{
	int64_t admin = 0;
	int rc = ledger_actor_as(s, actor, "ordonnateur", "certifying service done", d, who);

	if (rc == 0)
		rc = ledger_administration(s, administration, d, &admin);
	if (rc == 0)
		rc = commitment(s, admin, year, number, d, c);
	if (rc == 0 && by_lines && c->lines == 0)
		rc = ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CERTIFY-LINES", 0,
				   "commitment %.64s has no lines: certify an amount", number);
	if (rc == 0 && !by_lines && c->lines > 0)
		rc = ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CERTIFY-LINES", 0,
				   "commitment %.64s has %lld lines: certify the quantities "
				   "delivered on them, not an amount", number, (long long)c->lines);
	return rc;
}

int tandem_ledger_certify(struct tandem_store *s, const char *actor, const char *administration,
			  int year, const char *number, int64_t amount_cents, const char *note,
			  struct tandem_diag *d, int64_t *id)
{
	struct ledger_actor who;
	struct commitment c = { 0, 0, 0, 0 };
	int rc;

	*id = 0;
	if (amount_cents <= 0 || amount_cents > TANDEM_BUDGET_CENTS_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CERTIFY-INPUT", 0,
				     "the amount of service done is above 0 and at most 10^15 euros");
	rc = check_note(number, note, d);
	if (rc == 0)
		rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = certifier(s, actor, administration, year, number, false, d, &who, &c);
	if (rc == 0)
		rc = record(s, who.id, &c, number, year, amount_cents, note, d, id);
	if (rc == 0)
		rc = ledger_rematch(s, who.id, c.id);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}

/* What `quantity` of a line of `total` for `amount` is worth, rounded half
 * up to the cent (the product needs 128 bits). */
static int64_t worth(int64_t amount, int64_t total, int64_t quantity)
{
	tandem_i128 p = (tandem_i128)amount * quantity * 2 + total;

	return (int64_t)(p / ((tandem_i128)total * 2));
}

struct delivered {
	int64_t line_id, quantity, cents;
};

/* One delivery on line l->line_no of commitment c: its worth into *out. */
static int deliver(struct tandem_store *s, const struct commitment *c, const char *number,
		   const struct tandem_delivery *l, struct tandem_diag *d, struct delivered *out)
{
	struct tandem_stmt *st = NULL;
	int64_t qty, amount, done;
	int rc = ledger_select(s, &st, "SELECT id, quantity_milli, amount_cents, certified_milli "
			       "FROM commitment_line WHERE commitment_id = $1 AND line_no = $2",
			       "ii", c->id, (int64_t)l->line_no);

	if (rc == 0)
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-CERTIFY-LINE", 0,
				   "commitment %.64s has no line %u", number, l->line_no);
	if (rc != 1) {
		tandem_stmt_finalize(st);
		return rc;
	}
	out->line_id = tandem_stmt_i64(st, 0);
	qty = tandem_stmt_i64(st, 1);
	amount = tandem_stmt_i64(st, 2);
	done = tandem_stmt_i64(st, 3);
	tandem_stmt_finalize(st);
	if (l->quantity_milli > qty - done)
		return ledger_refuse(d, TANDEM_ELIMIT, "TANDEM-CERTIFY-QUANTITY", 0,
				     "line %u of %.64s: %lld.%03lld of %lld.%03lld certified already; "
				     "%lld.%03lld more is beyond what was ordered", l->line_no, number,
				     (long long)(done / 1000), (long long)(done % 1000),
				     (long long)(qty / 1000), (long long)(qty % 1000),
				     (long long)(l->quantity_milli / 1000),
				     (long long)(l->quantity_milli % 1000));
	out->quantity = l->quantity_milli;
	out->cents = worth(amount, qty, done + l->quantity_milli) - worth(amount, qty, done);
	return ledger_run(s, "UPDATE commitment_line SET certified_milli = certified_milli + $2 "
			  "WHERE id = $1", NULL, NULL, "ii", out->line_id, l->quantity_milli);
}

static int check_deliveries(const struct tandem_delivery *lines, size_t n, struct tandem_diag *d)
{
	if (n == 0 || lines == NULL || n > TANDEM_COMMITMENT_LINES_MAX)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CERTIFY-INPUT", 0,
				     "service done by quantity names 1 to %d lines",
				     TANDEM_COMMITMENT_LINES_MAX);
	for (size_t i = 0; i < n; i++) {
		if (lines[i].line_no == 0 || lines[i].quantity_milli <= 0 ||
		    lines[i].quantity_milli > TANDEM_QUANTITY_MILLI_MAX)
			return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CERTIFY-INPUT", 0,
					     "a delivery names a line (1, 2 ...) and a quantity "
					     "above 0");
		for (size_t j = 0; j < i; j++)
			if (lines[j].line_no == lines[i].line_no)
				return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CERTIFY-INPUT", 0,
						     "line %u is named twice", lines[i].line_no);
	}
	return 0;
}

int tandem_ledger_certify_lines(struct tandem_store *s, const char *actor,
				const char *administration, int year, const char *number,
				const struct tandem_delivery *lines, size_t n_lines,
				const char *note, struct tandem_diag *d, int64_t *id,
				int64_t *amount_cents)
{
	struct ledger_actor who;
	struct commitment c = { 0, 0, 0, 0 };
	struct delivered *got = NULL;
	int64_t total = 0;
	int rc;

	*id = 0;
	*amount_cents = 0;
	rc = check_deliveries(lines, n_lines, d);
	if (rc == 0)
		rc = check_note(number, note, d);
	if (rc == 0 && (got = calloc(n_lines, sizeof *got)) == NULL)
		rc = TANDEM_ENOMEM;
	if (rc == 0)
		rc = tandem_store_begin(s);
	if (rc != 0) {
		free(got);
		return rc;
	}
	rc = certifier(s, actor, administration, year, number, true, d, &who, &c);
	for (size_t i = 0; i < n_lines && rc == 0; i++) {
		rc = deliver(s, &c, number, &lines[i], d, &got[i]);
		total += got[i].cents;
	}
	if (rc == 0 && total == 0)
		rc = ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-CERTIFY-QUANTITY", 0,
				   "what was delivered is worth less than a cent");
	if (rc == 0)
		rc = record(s, who.id, &c, number, year, total, note, d, id);
	for (size_t i = 0; i < n_lines && rc == 0; i++)
		rc = ledger_run(s, "INSERT INTO service_done_line (service_done_id, "
				"commitment_line_id, quantity_milli, amount_cents) VALUES ($1, $2, "
				"$3, $4)", NULL, NULL, "iiii", *id, got[i].line_id, got[i].quantity,
				got[i].cents);
	if (rc == 0)
		rc = ledger_rematch(s, who.id, c.id);
	free(got);
	if (rc == 0) {
		*amount_cents = total;
		return tandem_store_commit(s);
	}
	(void)tandem_store_rollback(s);
	*id = 0;
	return rc;
}
