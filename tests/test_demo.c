/*
 * tests/test_demo.c - `tandem demo` (src/demo): a small demo on each engine
 * with every generated invoice valid, every planted status, the three
 * planted anomalies found in the database as the report names them, the
 * journal balanced, AE and CP consumption equal to the commitments and
 * orders; the same seed giving the same database; a database that holds
 * anything refused; the command line's refusals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ledger_fixture.h"
#include "tandem/demo.h"
#include "tandem/einvoice.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "test.h"

#define SMALL 40

/* The parties file and the rules, or skip. */
static struct tandem_einv_rules *inputs(char *parties, size_t size)
{
	struct tandem_einv_rules *rules;
	struct stat st;

	snprintf(parties, size, "%s/procurement/parties.tsv", test_shared_data());
	if (stat(parties, &st) != 0)
		SKIP("../shared/data/procurement/parties.tsv is missing");
	rules = test_load_rules();
	if (rules == NULL)
		SKIP("../shared/data/einvoice/artefacts is missing");
	return rules;
}

static int build(struct fixture *f, struct tandem_einv_rules *rules, const char *parties,
		 unsigned commitments, struct tandem_demo_report *r)
{
	struct tandem_demo_options o = { .seed = 7, .commitments = commitments,
					 .parties = parties, .rules = rules };

	return tandem_demo_build(f->s, &o, &f->d, r);
}

static int64_t q1(struct fixture *f, const char *sql, int64_t a, int64_t b)
{
	struct tandem_stmt *st;
	int64_t v;

	ASSERT_EQ(tandem_store_prepare(f->s, sql, &st), 0);
	if (strstr(sql, "$1") != NULL)
		ASSERT_EQ(tandem_stmt_bind_i64(st, 1, a), 0);
	if (strstr(sql, "$2") != NULL)
		ASSERT_EQ(tandem_stmt_bind_i64(st, 2, b), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	v = tandem_stmt_i64(st, 0);
	tandem_stmt_finalize(st);
	return v;
}

/* (a) Two paid invoices of one supplier, same amount and issue date,
 * numbers that differ only by a prefix. */
static void check_duplicate(struct fixture *f, const struct tandem_demo_anomalies *a)
{
	const char *same = "SELECT count(*) FROM invoice x JOIN invoice y ON x.supplier_id = "
			   "y.supplier_id AND x.gross_cents = y.gross_cents AND x.issue_date = "
			   "y.issue_date AND x.number <> y.number WHERE x.id = $1 AND y.id = $2 "
			   "AND x.status = 'paid' AND y.status = 'paid'";

	ASSERT_GT(a->dup_invoices[0], 0);
	ASSERT_EQ(q1(f, same, a->dup_invoices[0], a->dup_invoices[1]), 1);
	ASSERT_STR_EQ(a->dup_numbers[0] + 2, a->dup_numbers[1]);
}

/* (b) Three commitments of one supplier, one object, within four days,
 * each under 40,000 EUR HT, together above. */
static void check_split(struct fixture *f, const struct tandem_demo_anomalies *a)
{
	int64_t sum = 0;

	for (int i = 0; i < 3; i++) {
		ASSERT_LT(a->split_net_cents[i], 4000000);
		sum += a->split_net_cents[i];
	}
	ASSERT_GT(sum, 4000000);
	for (int i = 0; i < 2; i++) {
		ASSERT_EQ(q1(f, "SELECT count(DISTINCT supplier_id) * 10 + count(DISTINCT object) "
			     "FROM commitment WHERE id IN ($1, $2)", a->split_commitments[i],
			     a->split_commitments[i + 1]), 11);
		ASSERT_EQ(q1(f, "SELECT count(*) FROM commitment WHERE id IN ($1, $2) AND "
			     "amount_cents < 4800000", a->split_commitments[i],
			     a->split_commitments[i + 1]), 2);
	}
	ASSERT_EQ(q1(f, "SELECT count(*) FROM commitment WHERE supplier_id = (SELECT supplier_id "
		     "FROM commitment WHERE id = $1)", a->split_commitments[0], 0), 3);
}

/* (c) The account changed by cora on the evidence of an e-mail, the
 * order to it approved by someone else and paid by a later run. */
static void check_iban(struct fixture *f, const struct tandem_demo_anomalies *a)
{
	ASSERT_GT(a->iban_order, 0);
	ASSERT_GT(a->iban_run, 0);
	ASSERT_STR_EQ(a->iban_changed_by, "cora");
	ASSERT(strcmp(a->iban_old, a->iban_new) != 0);
	ASSERT(strcmp(a->iban_paid_on, a->iban_changed_on) > 0);
	ASSERT_EQ(q1(f, "SELECT count(*) FROM payment_order o JOIN supplier_account s ON s.id = "
		     "o.supplier_account_id JOIN app_user u ON u.id = s.changed_by JOIN app_user "
		     "v ON v.id = o.approved_by WHERE o.id = $1 AND o.state = 'paid' AND "
		     "o.run_id = $2 AND u.login = 'cora' AND v.login <> 'cora' AND s.evidence = "
		     "'RIB reçu par courriel' AND s.changed_at < o.ordered_at", a->iban_order,
		     a->iban_run), 1);
	ASSERT_EQ(q1(f, "SELECT count(*) FROM supplier_account WHERE supplier_id = (SELECT "
		     "supplier_id FROM invoice WHERE id = $1)", a->iban_invoice, 0), 2);
}

/* AE consumed = the commitments, CP = the orders not cancelled, for the
 * root of each administration's budget. */
static void check_budget(struct fixture *f, const char *admin, int64_t committed)
{
	struct tandem_arena a;
	struct tandem_budget_row *rows;
	size_t n;
	int64_t ordered;

	tandem_arena_init(&a, 1u << 20);
	ASSERT_EQ(tandem_ledger_budget_report(f->s, admin, TANDEM_DEMO_YEAR, &a, &rows, &n), 0);
	ASSERT_GT(n, 0);
	ASSERT_EQ(rows[0].ae_committed_cents, committed);
	ordered = q1(f, strcmp(admin, TANDEM_DEMO_FR) == 0 ?
		     "SELECT coalesce(sum(o.amount_cents), 0) FROM payment_order o JOIN commitment "
		     "c ON c.id = o.commitment_id JOIN supplier s ON s.id = c.supplier_id WHERE "
		     "s.siret IS NOT NULL AND o.state <> 'cancelled'" :
		     "SELECT coalesce(sum(o.amount_cents), 0) FROM payment_order o JOIN commitment "
		     "c ON c.id = o.commitment_id JOIN supplier s ON s.id = c.supplier_id WHERE "
		     "s.siret IS NULL AND o.state <> 'cancelled'", 0, 0);
	ASSERT_GT(ordered, 0);
	ASSERT_EQ(rows[0].cp_ordered_cents, ordered);
	ASSERT_EQ(rows[0].ae_available_cents, rows[0].ae_cents - committed);
	tandem_arena_release(&a);
}

static void demo_small(enum engine e)
{
	struct tandem_einv_rules *rules;
	struct tandem_demo_report r, again;
	struct fixture f;
	char parties[4096];

	rules = inputs(parties, sizeof parties);
	setup(&f, e, false);
	ASSERT_EQ(build(&f, rules, parties, SMALL, &r), 0);
	ASSERT_EQ(r.invoices_invalid, 0);
	ASSERT_EQ(r.invoices_refused, 0);
	ASSERT_EQ(r.users, 8);
	ASSERT_EQ(r.commitments[0] + r.commitments[1], SMALL);
	ASSERT_EQ(q1(&f, "SELECT count(*) FROM commitment", 0, 0), SMALL);
	ASSERT_EQ(q1(&f, "SELECT count(*) FROM invoice", 0, 0), r.invoices[0] + r.invoices[1]);
	ASSERT_EQ(q1(&f, "SELECT count(*) FROM invoice_file", 0, 0), r.invoices[0] + r.invoices[1]);
	ASSERT_GT(r.invoices_cii, 0);
	ASSERT_GT(r.invoices_ubl, 0);
	/* Every status planted: waiting, to recycle, suspended, rejected, paid. */
	for (size_t i = 0; i < TANDEM_DEMO_STATUSES; i++)
		if (strcmp(tandem_demo_status_name(i), "ready") != 0)
			ASSERT_GT(r.by_status[i], 0);
	ASSERT_EQ(q1(&f, "SELECT count(*) FROM invoice WHERE status = 'paid'", 0, 0),
		  r.by_status[5]);
	ASSERT_GT(q1(&f, "SELECT count(*) FROM invoice WHERE status = 'a_recycler' AND "
		     "buyer_reference = 'SRV-INCONNU'", 0, 0), 0);
	ASSERT_EQ(q1(&f, "SELECT count(*) FROM invoice WHERE syntax = 'cii' AND buyer_reference "
		     "= '991-03730-19'", 0, 0) > 0, 1);
	ASSERT_GT(r.runs[0], 0);
	ASSERT_GT(r.runs[1], 0);
	ASSERT_EQ(q1(&f, "SELECT count(*) FROM payment_run", 0, 0), r.runs[0] + r.runs[1]);
	ASSERT_EQ(q1(&f, "SELECT coalesce(sum(total_cents), 0) FROM payment_run", 0, 0),
		  r.paid_cents[0] + r.paid_cents[1]);
	check_duplicate(&f, &r.anomalies);
	check_split(&f, &r.anomalies);
	check_iban(&f, &r.anomalies);
	ASSERT_EQ(q1(&f, "SELECT count(*) FROM (SELECT entry_id FROM journal_line GROUP BY "
		     "entry_id HAVING sum(debit_cents) <> sum(credit_cents) OR count(*) < 2) x",
		     0, 0), 0);
	check_budget(&f, TANDEM_DEMO_FR, r.committed_cents[0]);
	check_budget(&f, TANDEM_DEMO_DE, r.committed_cents[1]);
	/* The real clock is back. */
	ASSERT_EQ(tandem_ledger_user_add(f.s, "alice", "zoe", "Zoé", "auditeur", &f.d), 0);
	ASSERT_GT(q1(&f, "SELECT count(*) FROM app_user WHERE login = 'zoe' AND created_at > "
		     "'2026-11-14'", 0, 0), 0);
	/* A database that holds anything is refused, untouched. */
	renew(&f);
	ASSERT_EQ(build(&f, rules, parties, SMALL, &again), TANDEM_EEXIST);
	ASSERT_STR_EQ(f.d.items[0].rule, "TANDEM-DEMO-NOT-EMPTY");
	ASSERT_EQ(q1(&f, "SELECT count(*) FROM commitment", 0, 0), SMALL);
	teardown(&f);
	tandem_einv_rules_free(rules);
}
BOTH_ENGINES(demo_small)

TEST(demo_same_seed_same_database)
{
	struct tandem_einv_rules *rules;
	struct tandem_demo_report r[2];
	const char *sql = "SELECT count(*) * 1000003 + sum(gross_cents) + sum(length(number)) "
			  "FROM invoice";
	int64_t digest[2];
	char parties[4096];

	rules = inputs(parties, sizeof parties);
	for (int i = 0; i < 2; i++) {
		struct fixture f;

		setup(&f, ENGINE_SQLITE, false);
		ASSERT_EQ(build(&f, rules, parties, TANDEM_DEMO_COMMITMENTS_MIN, &r[i]), 0);
		digest[i] = q1(&f, sql, 0, 0);
		teardown(&f);
	}
	ASSERT_EQ(digest[0], digest[1]);
	ASSERT_EQ(r[0].invoices[0], r[1].invoices[0]);
	ASSERT_EQ(r[0].invoices[1], r[1].invoices[1]);
	ASSERT_EQ(r[0].paid_cents[0], r[1].paid_cents[0]);
	ASSERT_EQ(r[0].committed_cents[1], r[1].committed_cents[1]);
	for (size_t i = 0; i < TANDEM_DEMO_STATUSES; i++)
		ASSERT_EQ(r[0].by_status[i], r[1].by_status[i]);
	ASSERT(memcmp(&r[0].anomalies, &r[1].anomalies, sizeof r[0].anomalies) == 0);
	tandem_einv_rules_free(rules);
}

TEST(demo_refusals)
{
	struct tandem_demo_report r;
	struct tandem_demo_options o = { .commitments = 5, .parties = "x" };
	struct fixture f;

	setup(&f, ENGINE_SQLITE, false);
	ASSERT_EQ(tandem_demo_build(f.s, &o, &f.d, &r), TANDEM_EINVAL);
	o.commitments = 0;
	o.parties = "/nonexistent/parties.tsv";
	o.artefacts = "/nonexistent/artefacts";
	renew(&f);
	ASSERT_EQ(tandem_demo_build(f.s, &o, &f.d, &r), TANDEM_EIO);
	ASSERT_STR_EQ(f.d.items[f.d.count - 1].rule, "TANDEM-DEMO-INPUT");
	ASSERT_EQ(count(&f, "app_user"), 0);
	teardown(&f);
}

TEST(demo_cli_refusals)
{
	const char *missing[] = { "demo", "--db", "/nonexistent/x.db",
				  "--parties", "/nonexistent/parties.tsv", NULL };
	const char *bad[] = { "demo", "--commitments", "3", NULL };
	char *out = NULL, *err = NULL;

	ASSERT_EQ(test_run_cli(missing, NULL, &out, &err), 3);
	ASSERT_STR_CONTAINS(err, "/nonexistent/parties.tsv");
	free(out);
	free(err);
	ASSERT_EQ(test_run_cli(bad, NULL, &out, &err), 2);
	ASSERT_STR_CONTAINS(err, "--commitments");
	free(out);
	free(err);
}
