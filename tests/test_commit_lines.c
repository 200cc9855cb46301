/*
 * tests/test_commit_lines.c - commitments with lines (quantity, unit,
 * amount) and service done certified by quantity: the lines must sum to
 * the commitment; a line never gets more than was ordered; the amount
 * certified is the worth of the cumulated quantity, rounded half up, so a
 * line certified whole is certified for its amount exactly; a commitment
 * with lines takes no certification by amount and one without lines none
 * by quantity; refusals change nothing. On SQLite and PostgreSQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "invoice_world.h"
#include "ledger_fixture.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "test.h"

static const struct tandem_commitment_line lines[] = {
	{ "Ramettes A4", "C62", 3000, 10000 },          /* 3 for 100.00 */
	{ "Installation", "HUR", 2500, 25000 },         /* 2.5 hours for 250.00 */
};

static int commit_lines(struct fixture *f, const char *number,
			const struct tandem_commitment_line *l, size_t n, int64_t amount)
{
	struct tandem_commitment_in c = { ADMIN, 2026, number, DUPONT, "GFP/156/01", "Papeterie",
					  amount, NULL, l, n };
	int64_t id = 0;

	renew(f);
	return tandem_ledger_commit(f->s, "olga", &c, &f->d, &id);
}

static int deliver(struct fixture *f, const char *number, const struct tandem_delivery *l,
		   size_t n, int64_t *cents)
{
	int64_t id = 0;

	renew(f);
	*cents = -1;
	return tandem_ledger_certify_lines(f->s, "olga", ADMIN, 2026, number, l, n, "livré",
					   &f->d, &id, cents);
}

static void ledger_commit_lines(enum engine e)
{
	static const struct tandem_commitment_line bad_unit[] = { { "x", "c62", 1000, 100 } };
	static const struct tandem_commitment_line no_text[] = { { "", "C62", 1000, 100 } };
	static const struct tandem_commitment_line zero[] = { { "x", "C62", 0, 100 } };
	struct fixture f;
	int64_t cents, id, before;

	setup(&f, e, true);
	world(&f);
	before = count(&f, "commitment");
	/* Lines that do not sum to the amount, a unit that is not a code, an
	 * empty description, a quantity of 0: refused, nothing stored. */
	ASSERT_EQ(commit_lines(&f, "EJ-L", lines, 2, 34999), TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "the lines sum to 350.00 EUR, not to the amount of 349.99"));
	ASSERT_EQ(commit_lines(&f, "EJ-L", bad_unit, 1, 100), TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "not a unit code"));
	ASSERT_EQ(commit_lines(&f, "EJ-L", no_text, 1, 100), TANDEM_EBADINPUT);
	ASSERT_EQ(commit_lines(&f, "EJ-L", zero, 1, 100), TANDEM_EBADINPUT);
	ASSERT_EQ(count(&f, "commitment"), before);
	ASSERT_EQ(count(&f, "commitment_line"), 0);
	/* Recorded with its two lines, numbered in order. */
	ASSERT_EQ(commit_lines(&f, "EJ-L", lines, 2, 35000), 0);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM commitment_line l JOIN commitment c ON "
			      "c.id = l.commitment_id WHERE c.number = 'EJ-L'"), 2);
	ASSERT_EQ(query_i64_f(&f, "SELECT quantity_milli FROM commitment_line WHERE line_no = 2"),
		  2500);
	/* By quantity: one ramette of three is 33.33, the second 33.34 (the
	 * cumulated 66.67 rounded), the last 33.33: 100.00 in all. */
	ASSERT_EQ(deliver(&f, "EJ-L", (struct tandem_delivery[]){ { 1, 1000 } }, 1, &cents), 0);
	ASSERT_EQ(cents, 3333);
	ASSERT_EQ(deliver(&f, "EJ-L", (struct tandem_delivery[]){ { 1, 1000 }, { 2, 2500 } }, 2,
			  &cents), 0);
	ASSERT_EQ(cents, 3334 + 25000);
	/* Beyond what was ordered, an unknown line, a line named twice, by
	 * amount: refused, nothing changed. */
	before = query_i64_f(&f, "SELECT certified_cents FROM commitment WHERE number = 'EJ-L'");
	ASSERT_EQ(deliver(&f, "EJ-L", (struct tandem_delivery[]){ { 1, 1001 } }, 1, &cents),
		  TANDEM_ELIMIT);
	ASSERT(message_has(&f.d, "2.000 of 3.000 certified already"));
	ASSERT_EQ(deliver(&f, "EJ-L", (struct tandem_delivery[]){ { 1, 500 }, { 2, 1 } }, 2,
			  &cents), TANDEM_ELIMIT);
	ASSERT_EQ(deliver(&f, "EJ-L", (struct tandem_delivery[]){ { 3, 1000 } }, 1, &cents),
		  TANDEM_ENOENT);
	ASSERT_EQ(deliver(&f, "EJ-L", (struct tandem_delivery[]){ { 1, 100 }, { 1, 100 } }, 2,
			  &cents), TANDEM_EBADINPUT);
	renew(&f);
	ASSERT_EQ(tandem_ledger_certify(f.s, "olga", ADMIN, 2026, "EJ-L", 100, "x", &f.d, &id),
		  TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "has 2 lines"));
	ASSERT_EQ(query_i64_f(&f, "SELECT certified_cents FROM commitment WHERE number = 'EJ-L'"),
		  before);
	ASSERT_EQ(query_i64_f(&f, "SELECT certified_milli FROM commitment_line WHERE line_no = 1"),
		  2000);
	ASSERT_EQ(deliver(&f, "EJ-L", (struct tandem_delivery[]){ { 1, 1000 } }, 1, &cents), 0);
	ASSERT_EQ(cents, 3333);
	ASSERT_EQ(query_i64_f(&f, "SELECT certified_cents FROM commitment WHERE number = 'EJ-L'"),
		  35000);
	ASSERT_EQ(query_i64_f(&f, "SELECT sum(amount_cents) FROM service_done_line"), 35000);
	/* A commitment without lines takes no quantity; a comptable does not
	 * certify. */
	ASSERT_EQ(deliver(&f, "EJ-1", (struct tandem_delivery[]){ { 1, 1000 } }, 1, &cents),
		  TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "has no lines"));
	renew(&f);
	ASSERT_EQ(tandem_ledger_certify_lines(f.s, "carl", ADMIN, 2026, "EJ-L",
					      (struct tandem_delivery[]){ { 1, 1 } }, 1, "x",
					      &f.d, &id, &cents), TANDEM_EPERM);
	assert_books_balance(&f);
	teardown(&f);
}

BOTH_ENGINES(ledger_commit_lines)

/* Invoice number on EJ-L with its lines, due cents. */
static int invoice(struct fixture *f, const char *number, const struct tandem_invoice_line *l,
		   size_t n, int64_t due, struct tandem_invoice_result *r)
{
	struct fake x;

	fake(&x, number, "EJ-L", due);
	x.in.lines = l;
	x.in.n_lines = n;
	renew(f);
	return import1(f, "carl", &x, r);
}

static void reject(struct fixture *f, int64_t id)
{
	renew(f);
	ASSERT_EQ(tandem_ledger_invoice_reject(f->s, "carl", ADMIN, id, "test", &f->d), 0);
}

static int64_t invoiced(struct fixture *f, int line)
{
	char sql[120];

	snprintf(sql, sizeof sql, "SELECT invoiced_milli FROM commitment_line WHERE line_no = %d",
		 line);
	return query_i64_f(f, sql);
}

/* The three-way match by quantity: each invoice line names a commitment
 * line (BT-132) in its unit; what the counted invoices claim passes
 * neither what was ordered nor what was certified. */
static void ledger_invoice_quantities(enum engine e)
{
	static const struct tandem_invoice_line two[] = { { "1", 2000, "C62", 6667 } };
	static const struct tandem_invoice_line seven[] = { { "7", 1000, "C62", 1000 } };
	static const struct tandem_invoice_line hours[] = { { "1", 1000, "HUR", 1000 } };
	static const struct tandem_invoice_line install[] = { { "2", 1000, "HUR", 10000 } };
	struct tandem_invoice_result r;
	struct fixture f;
	int64_t cents, q1;

	setup(&f, e, true);
	world(&f);
	ASSERT_EQ(commit_lines(&f, "EJ-L", lines, 2, 35000), 0);
	/* Two ramettes invoiced before any is certified: waiting; certified,
	 * ready. */
	ASSERT_EQ(invoice(&f, "Q-1", two, 1, 6667, &r), 0);
	ASSERT_STR_EQ(r.status, "received");
	q1 = r.id;
	ASSERT_EQ(invoiced(&f, 1), 2000);
	ASSERT_EQ(deliver(&f, "EJ-L", (struct tandem_delivery[]){ { 1, 2000 } }, 1, &cents), 0);
	ASSERT_STR_EQ(status_of(&f, q1), "ready");
	/* Two more: four of three ordered. */
	ASSERT_EQ(invoice(&f, "Q-2", two, 1, 6667, &r), 0);
	ASSERT_STR_EQ(r.status, "suspended");
	ASSERT_STR_CONTAINS(r.reason, "line 1 of the commitment: 4 C62 invoiced, 3 ordered");
	ASSERT_EQ(invoiced(&f, 1), 4000);
	reject(&f, r.id);
	ASSERT_EQ(invoiced(&f, 1), 2000);
	/* A line the commitment does not have, another unit, no lines. */
	ASSERT_EQ(invoice(&f, "Q-3", seven, 1, 1000, &r), 0);
	ASSERT_STR_EQ(r.status, "suspended");
	ASSERT_STR_CONTAINS(r.reason, "\"7\" names no line of the commitment");
	reject(&f, r.id);
	ASSERT_EQ(invoice(&f, "Q-4", hours, 1, 1000, &r), 0);
	ASSERT_STR_CONTAINS(r.reason, "unit HUR, line 1 of the commitment is in C62");
	reject(&f, r.id);
	ASSERT_EQ(invoice(&f, "Q-5", NULL, 0, 1000, &r), 0);
	ASSERT_STR_CONTAINS(r.reason, "no lines to match");
	reject(&f, r.id);
	ASSERT_EQ(invoiced(&f, 1), 2000);
	/* An hour of installation: waiting for service done on line 2, then
	 * ready when it is certified. */
	ASSERT_EQ(invoice(&f, "Q-6", install, 1, 10000, &r), 0);
	ASSERT_STR_EQ(r.status, "received");
	ASSERT_EQ(invoiced(&f, 2), 1000);
	ASSERT_EQ(deliver(&f, "EJ-L", (struct tandem_delivery[]){ { 2, 1000 } }, 1, &cents), 0);
	ASSERT_EQ(cents, 10000);
	ASSERT_STR_EQ(status_of(&f, r.id), "ready");
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM invoice_line"), 5);
	assert_books_balance(&f);
	teardown(&f);
}

BOTH_ENGINES(ledger_invoice_quantities)

/* The same from the command line: --item and --delivered. */
static void cli(const char *const argv[], int code, const char *out_has, const char *err_has)
{
	char *out = NULL, *err = NULL;
	int rc = test_run_cli(argv, NULL, &out, &err);

	if (rc != code || (out_has != NULL && strstr(out, out_has) == NULL) ||
	    (err_has != NULL && strstr(err, err_has) == NULL))
		FAIL("tandem %s: exit %d (expected %d)\nstdout: %s\nstderr: %s", argv[0], rc, code,
		     out, err);
	free(out);
	free(err);
}

TEST(cli_commit_lines)
{
	char base[] = "/tmp/tandem-lines-XXXXXX", db[128], budget[256], cmd[200];

	ASSERT(mkdtemp(base) != NULL);
	snprintf(db, sizeof db, "%s/l.db", base);
	snprintf(budget, sizeof budget, "%s/b.txt", base);
	{
		FILE *fp = fopen(budget, "w");

		ASSERT(fp != NULL);
		fputs(invoice_world_budget, fp);
		ASSERT_EQ(fclose(fp), 0);
	}
	cli((const char *const[]){ "init", "--db", db, NULL }, 0, NULL, NULL);
	cli((const char *const[]){ "user", "add", "alice", "--role", "admin", "--name", "A",
				   "--db", db, NULL }, 0, NULL, NULL);
	cli((const char *const[]){ "user", "add", "olga", "--role", "ordonnateur", "--name", "O",
				   "--user", "alice", "--db", db, NULL }, 0, NULL, NULL);
	cli((const char *const[]){ "budget", "load", budget, "--user", "alice", "--db", db, NULL },
	    0, NULL, NULL);
	cli((const char *const[]){ "supplier", "add", "--admin", ADMIN, "--name", "Dupont",
				   "--country", "FR", "--siret", DUPONT, "--town", "Paris",
				   "--user", "olga", "--db", db, NULL }, 0, NULL, NULL);
	cli((const char *const[]){ "commit", "--admin", ADMIN, "--year", "2026", "--number", "EJ-L",
				   "--supplier", DUPONT, "--line", "GFP/156/01", "--object", "P",
				   "--item", "3 C62 100.00 Ramettes A4", "--item",
				   "2.5 HUR 250 Installation", "--user", "olga", "--db", db, NULL },
	    0, "commitment EJ-L recorded (1): 350.00 EUR on GFP/156/01, by lines", NULL);
	cli((const char *const[]){ "commit", "--admin", ADMIN, "--year", "2026", "--number", "EJ-M",
				   "--supplier", DUPONT, "--line", "GFP/156/01", "--object", "P",
				   "--item", "3 C62 Ramettes", "--user", "olga", "--db", db, NULL },
	    2, NULL, "--item is 'QTY UNIT EUR DESCRIPTION'");
	cli((const char *const[]){ "certify", "--admin", ADMIN, "--year", "2026", "--number",
				   "EJ-L", "--delivered", "1:2", "--delivered", "2:0.5", "--note",
				   "livré", "--user", "olga", "--db", db, NULL },
	    0, "service done on EJ-L certified: 116.67 EUR", NULL);
	cli((const char *const[]){ "certify", "--admin", ADMIN, "--year", "2026", "--number",
				   "EJ-L", "--delivered", "1:2", "--note", "trop", "--user", "olga",
				   "--db", db, NULL }, 1, NULL, "beyond what was ordered");
	cli((const char *const[]){ "certify", "--admin", ADMIN, "--year", "2026", "--number",
				   "EJ-L", "--delivered", "1", "--note", "x", "--db", db, NULL },
	    2, NULL, "LINE:QTY");
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	ASSERT_EQ(system(cmd), 0);
}
