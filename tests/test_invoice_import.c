/*
 * tests/test_invoice_import.c - invoices in the ledger: routing to the
 * administration, supplier, code service and commitment (à recycler when
 * wrong), the three-way match with the administration's tolerance
 * (received, ready, suspended; service done certified later makes them
 * ready), the bank-account control, refusals with nothing stored
 * (invalid, currency, amounts, unknown buyer, no seller id, duplicates),
 * idempotency by file hash, and batches. On SQLite and PostgreSQL.
 */
#include <stdio.h>
#include <string.h>

#include "invoice_world.h"
#include "ledger_fixture.h"
#include "tandem/arena.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "test.h"

static void ledger_invoice_route_and_match(enum engine e)
{
	struct fixture f;
	struct fake x;
	struct tandem_invoice_result r, a;

	setup(&f, e, true);
	world(&f);
	/* An auditeur reads, and imports nothing. */
	fake(&x, "F-1", "EJ-1", 40000);
	ASSERT_EQ(import1(&f, "audrey", &x, &r), TANDEM_EPERM);
	ASSERT(message_has(&f.d, "importing invoices is for an ordonnateur, a comptable or an "
			   "admin; audrey is auditeur"));
	ASSERT_EQ(count(&f, "invoice"), 0);
	/* Routed, waiting for service done; certified, it is ready. */
	ASSERT_EQ(import1(&f, "carl", &x, &a), 0);
	ASSERT_STR_EQ(a.status, "received");
	ASSERT(strstr(a.reason, "400.00 EUR invoiced, 0.00 EUR certified") != NULL);
	certify(&f, "EJ-1", 40000);
	ASSERT_STR_EQ(status_of(&f, a.id), "ready");
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM event WHERE action = 'invoice.match'"), 1);
	/* Beyond the commitment (1,000.00 + 1% = 1,010.00): suspended. */
	fake(&x, "F-2", "EJ-1", 61001);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "suspended");
	ASSERT(strstr(r.reason, "1010.01 EUR on a commitment of 1000.00 EUR") != NULL);
	/* Within the tolerance of what is certified: 500.00 certified, 1% of
	 * 1,000.00 is 10.00 (more than 5.00): 510.00 is ready, 510.01 waits. */
	certify(&f, "EJ-2", 50000);
	fake(&x, "F-3", "EJ-2", 51000);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "ready");
	ASSERT_EQ(tandem_ledger_invoice_reject(f.s, "carl", ADMIN, r.id, "wrong prices", &f.d),
		  0);
	fake(&x, "F-4", "EJ-2", 51001);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "received");
	/* Routing data wrong: à recycler, stored, with the reason. */
	fake(&x, "F-5", "EJ-9", 100);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "a_recycler");
	ASSERT(strstr(r.reason, "unknown commitment number \"EJ-9\"") != NULL);
	fake(&x, "F-6", NULL, 100);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "a_recycler");
	fake(&x, "F-7", "EJ-1", 100);
	x.in.buyer_reference = "SRV-NONE";
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "a_recycler");
	ASSERT(strstr(r.reason, "unknown code service \"SRV-NONE\"") != NULL);
	fake(&x, "F-8", "EJ-POSTE", 100);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "a_recycler");
	ASSERT(strstr(r.reason, "not one of this supplier's") != NULL);
	fake(&x, "F-9", "EJ-1", 100);
	x.in.seller_siret = NULL;
	x.in.seller_vat = "DE136695976";
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "a_recycler");
	ASSERT(strstr(r.reason, "unknown supplier") != NULL);
	/* Known by its VAT number alone, the supplier is found. */
	fake(&x, "F-10", "EJ-2", 100);
	x.in.seller_siret = NULL;
	x.in.seller_vat = "fr 44732829320";
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "received");
	/* An IBAN other than the one on record: suspended. */
	fake(&x, "F-11", "EJ-2", 100);
	x.in.payee_iban = "DE89 3704 0044 0532 0130 00";
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "suspended");
	ASSERT(strstr(r.reason, "DE89370400440532013000") != NULL);
	fake(&x, "F-12", "EJ-2", 100);
	x.in.payee_iban = "FR76 3000 6000 0112 3456 7890 189";
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "received");
	/* A credit note is routed and left to the comptable. */
	fake(&x, "AV-1", "EJ-2", 100);
	x.in.type_code = "381";
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "suspended");
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM invoice WHERE kind = 'credit_note'"), 1);
	/* Every invoice is kept with its file and an event naming its hash. */
	ASSERT_EQ(count(&f, "invoice"), 13);
	ASSERT_EQ(count(&f, "invoice_file"), 13);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM event e JOIN invoice i ON i.event_id = e.id"
			      " AND e.input_sha256 = i.file_sha256"), 13);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_invoice_route_and_match)

/* An invoice à recycler routed again with corrected routing data. */
static void ledger_invoice_reroute(enum engine e)
{
	struct fixture f;
	struct fake x;
	struct tandem_invoice_result r, a, b;

	setup(&f, e, true);
	world(&f);
	fake(&x, "F-R1", "EJ-9", 30000);
	ASSERT_EQ(import1(&f, "carl", &x, &a), 0);
	ASSERT_STR_EQ(a.status, "a_recycler");
	ASSERT_EQ(tandem_ledger_invoice_reroute(f.s, "carl", ADMIN, a.id, "EJ-1", NULL, "mail",
						&f.d, &r), TANDEM_EPERM);
	ASSERT_EQ(tandem_ledger_invoice_reroute(f.s, "olga", ADMIN, a.id, NULL, "", "mail", &f.d,
						&r), TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_ledger_invoice_reroute(f.s, "olga", ADMIN, a.id, "EJ-1", NULL, "", &f.d,
						&r), TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_ledger_invoice_reroute(f.s, "olga", ADMIN, 999, "EJ-1", NULL, "mail",
						&f.d, &r), TANDEM_ENOENT);
	/* Still wrong: another supplier's commitment. */
	ASSERT_EQ(tandem_ledger_invoice_reroute(f.s, "olga", ADMIN, a.id, "EJ-POSTE", NULL,
						"mail of 3 March", &f.d, &r), 0);
	ASSERT_STR_EQ(r.status, "a_recycler");
	ASSERT(strstr(r.reason, "not one of this supplier's") != NULL);
	/* Right: routed, counted in the commitment, waiting for service done. */
	ASSERT_EQ(tandem_ledger_invoice_reroute(f.s, "olga", ADMIN, a.id, "EJ-1", NULL,
						"mail of 4 March", &f.d, &r), 0);
	ASSERT_STR_EQ(r.status, "received");
	ASSERT_STR_EQ(status_of(&f, a.id), "received");
	ASSERT_EQ(query_i64_f(&f, "SELECT invoiced_cents FROM commitment WHERE number = 'EJ-1'"),
		  30000);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM invoice WHERE order_reference = 'EJ-1'"),
		  1);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM event WHERE action = 'invoice.reroute' "
			      "AND detail LIKE '%BT-13 \"EJ-1\" (was \"EJ-POSTE\")%4 March%'"), 1);
	certify(&f, "EJ-1", 30000);
	ASSERT_STR_EQ(status_of(&f, a.id), "ready");
	ASSERT_EQ(tandem_ledger_invoice_reroute(f.s, "olga", ADMIN, a.id, "EJ-2", NULL, "mail",
						&f.d, &r), TANDEM_EBADINPUT);
	/* A code service corrected. */
	fake(&x, "F-R2", "EJ-2", 100);
	x.in.buyer_reference = "SRV-NONE";
	ASSERT_EQ(import1(&f, "carl", &x, &b), 0);
	ASSERT_STR_EQ(b.status, "a_recycler");
	ASSERT_EQ(tandem_ledger_invoice_reroute(f.s, "alice", ADMIN, b.id, NULL, "SRV-ACHATS",
						"phone call", &f.d, &r), 0);
	ASSERT_STR_EQ(r.status, "ready"); /* 1.00 EUR: within the tolerance (10.00) */
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM invoice WHERE service_code = "
			      "'SRV-ACHATS' AND order_reference = 'EJ-2'"), 1);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_invoice_reroute)

/* The chart of accounts grows from budget files; a commitment names the
 * expense account its payments are booked to. */
static void ledger_chart_of_accounts(enum engine e)
{
	static const char y2027[] =
		"administration FR 11000201100044 Direction générale des finances publiques\n"
		"year 2027\n"
		"account 6135 Locations immobilières\n"
		"account 604 Achats d'études et de prestations\n"
		"mission    GFP          -           -          Gestion des finances publiques\n"
		"programme  GFP/156      1000000     1000000    Gestion fiscale\n";
	static const char bad[] =
		"administration FR 11000201100044 Direction générale des finances publiques\n"
		"year 2028\n"
		"account 12 Trop court\n"
		"account 0604 Zéro\n"
		"account 6135\n"
		"mission    GFP          -           -          Gestion des finances publiques\n"
		"programme  GFP/156      1000000     1000000    Gestion fiscale\n";
	struct tandem_commitment_in c = { ADMIN, 2026, "EJ-LOC", DUPONT, "GFP/156/01", "Bureaux",
					  50000, "6135", NULL, 0 };
	struct fixture f;
	struct fake x;
	struct tandem_invoice_result r;
	bool already;
	int64_t id, order;

	setup(&f, e, true);
	world(&f);
	ASSERT_EQ(tandem_ledger_budget_load(f.s, "alice", y2027, strlen(y2027), &f.d, &already),
		  0);
	ASSERT_EQ(query_i64_f(&f, "SELECT class FROM account WHERE code = '6135'"), 6);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM account WHERE code = '604' AND label = "
			      "'Achats d''études et de prestations'"), 1);
	renew(&f);
	ASSERT_EQ(tandem_ledger_budget_load(f.s, "alice", bad, strlen(bad), &f.d, &already),
		  TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "account \"12\": 3 to 8 digits"));
	ASSERT(message_has(&f.d, "account \"0604\""));
	ASSERT(message_has(&f.d, "account needs a code and a label"));
	/* Booked to the commitment's account. */
	ASSERT_EQ(tandem_ledger_commit(f.s, "olga", &c, &f.d, &id), 0);
	certify(&f, "EJ-LOC", 50000);
	fake(&x, "LOC-1", "EJ-LOC", 50000);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "ready");
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2026, r.id, &f.d, &order), 0);
	ASSERT_EQ(query_i64_f(&f, "SELECT sum(debit_cents) FROM journal_line WHERE account_code = "
			      "'6135'"), 50000);
	/* Only an account of class 6 of the chart. */
	c.number = "EJ-BAD";
	c.account = "401";
	renew(&f);
	ASSERT_EQ(tandem_ledger_commit(f.s, "olga", &c, &f.d, &id), TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "account 401 is not of class 6"));
	c.account = "6999";
	renew(&f);
	ASSERT_EQ(tandem_ledger_commit(f.s, "olga", &c, &f.d, &id), TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "account 6999 is not in the chart"));
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM commitment WHERE number = 'EJ-BAD'"), 0);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_chart_of_accounts)

/* Credit notes offset against invoices of the same supplier. */
static void ledger_credit_offset(enum engine e)
{
	struct fixture f;
	struct fake x;
	struct tandem_invoice_result inv, inv2, av, av2, big, post;
	int64_t order;

	setup(&f, e, true);
	world(&f);
	fake(&x, "F-C1", "EJ-1", 30000);
	ASSERT_EQ(import1(&f, "carl", &x, &inv), 0);
	fake(&x, "F-C2", "EJ-1", 30000);
	ASSERT_EQ(import1(&f, "carl", &x, &inv2), 0);
	certify(&f, "EJ-1", 100000);
	fake(&x, "AV-1", "EJ-1", 5000);
	x.in.type_code = "381";
	ASSERT_EQ(import1(&f, "carl", &x, &av), 0);
	ASSERT_STR_EQ(av.status, "suspended");
	/* The comptable's decision; only against an invoice. */
	ASSERT_EQ(tandem_ledger_credit_offset(f.s, "olga", ADMIN, av.id, inv.id, &f.d),
		  TANDEM_EPERM);
	ASSERT_EQ(tandem_ledger_credit_offset(f.s, "carl", ADMIN, inv.id, av.id, &f.d),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_ledger_credit_offset(f.s, "carl", ADMIN, av.id, 999, &f.d),
		  TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_credit_offset(f.s, "carl", ADMIN, av.id, inv.id, &f.d), 0);
	ASSERT_STR_EQ(status_of(&f, av.id), "paid");
	ASSERT_STR_EQ(status_of(&f, inv.id), "ready");
	ASSERT_EQ(tandem_ledger_credit_offset(f.s, "carl", ADMIN, av.id, inv2.id, &f.d),
		  TANDEM_EBADINPUT);
	/* The order is for what remains due, and so is the journal. */
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2026, inv.id, &f.d, &order), 0);
	ASSERT_EQ(query_i64_f(&f, "SELECT amount_cents FROM payment_order"), 25000);
	ASSERT_EQ(query_i64_f(&f, "SELECT sum(debit_cents) FROM journal_line WHERE account_code = "
			      "'604'"), 25000);
	/* Not against an invoice ordered, nor beyond what is left to pay, nor
	 * of another supplier. */
	fake(&x, "AV-2", "EJ-1", 40000);
	x.in.type_code = "381";
	ASSERT_EQ(import1(&f, "carl", &x, &big), 0);
	ASSERT_EQ(tandem_ledger_credit_offset(f.s, "carl", ADMIN, big.id, inv.id, &f.d),
		  TANDEM_EBADINPUT);
	renew(&f);
	ASSERT_EQ(tandem_ledger_credit_offset(f.s, "carl", ADMIN, big.id, inv2.id, &f.d),
		  TANDEM_ELIMIT);
	ASSERT(message_has(&f.d, "300.00 EUR left to pay, less than the credit note's 400.00"));
	fake(&x, "P-9", "EJ-POSTE", 100);
	x.in.seller_siret = LAPOSTE; /* with Dupont's VAT number: the SIRET wins */
	ASSERT_EQ(import1(&f, "carl", &x, &post), 0);
	renew(&f);
	ASSERT_EQ(tandem_ledger_credit_offset(f.s, "carl", ADMIN, big.id, post.id, &f.d),
		  TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "not of the same supplier"));
	/* Covered whole, the invoice is settled. */
	fake(&x, "AV-3", "EJ-1", 30000);
	x.in.type_code = "381";
	ASSERT_EQ(import1(&f, "carl", &x, &av2), 0);
	ASSERT_EQ(tandem_ledger_credit_offset(f.s, "carl", ADMIN, av2.id, inv2.id, &f.d), 0);
	ASSERT_STR_EQ(status_of(&f, inv2.id), "paid");
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2026, inv2.id, &f.d, &order),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM credit_offset"), 2);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM event WHERE action = 'credit.offset'"), 2);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_credit_offset)

/* The work lists: by status, and ready invoices not ordered yet. */
static void ledger_invoice_list(enum engine e)
{
	struct fixture f;
	struct fake x;
	struct tandem_invoice_result r1, r2, r3, r4;
	struct tandem_invoice_row *rows;
	struct tandem_arena ar;
	size_t n;
	bool more;
	int64_t order;

	setup(&f, e, true);
	world(&f);
	tandem_arena_init(&ar, 1u << 20);
	fake(&x, "L-1", "EJ-1", 10000);
	x.in.due_date = "2026-05-01";
	ASSERT_EQ(import1(&f, "carl", &x, &r1), 0);
	fake(&x, "L-2", "EJ-1", 20000);
	x.in.due_date = "2026-04-01";
	ASSERT_EQ(import1(&f, "carl", &x, &r2), 0);
	fake(&x, "L-3", "EJ-9", 300);
	ASSERT_EQ(import1(&f, "carl", &x, &r3), 0);
	certify(&f, "EJ-1", 30000);
	fake(&x, "L-4", "EJ-2", 400);
	ASSERT_EQ(import1(&f, "carl", &x, &r4), 0);
	/* All of them, the oldest due first (L-3 and L-4 fall due 2026-04-01
	 * too, by their fake's due date, and come after L-2 by id). */
	ASSERT_EQ(tandem_ledger_invoice_list(f.s, ADMIN, NULL, false, 100, &ar, &rows, &n, &more,
					     &f.d), 0);
	ASSERT_EQ(n, 4);
	ASSERT(!more);
	ASSERT_STR_EQ(rows[0].number, "L-2");
	ASSERT_STR_EQ(rows[0].supplier, "Papeterie Dupont");
	ASSERT_STR_EQ(rows[0].commitment, "EJ-1");
	ASSERT_EQ(rows[0].due_cents, 20000);
	ASSERT_STR_EQ(rows[n - 1].number, "L-1");
	/* By status. */
	ASSERT_EQ(tandem_ledger_invoice_list(f.s, ADMIN, "a_recycler", false, 100, &ar, &rows, &n,
					     &more, &f.d), 0);
	ASSERT_EQ(n, 1);
	ASSERT_STR_EQ(rows[0].number, "L-3");
	ASSERT_STR_EQ(rows[0].commitment, "");
	/* Awaiting an order: ready, not ordered; once ordered, gone. */
	ASSERT_EQ(tandem_ledger_invoice_list(f.s, ADMIN, NULL, true, 100, &ar, &rows, &n, &more,
					     &f.d), 0);
	ASSERT_EQ(n, 3);
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2026, r2.id, &f.d, &order), 0);
	ASSERT_EQ(tandem_ledger_invoice_list(f.s, ADMIN, NULL, true, 100, &ar, &rows, &n, &more,
					     &f.d), 0);
	ASSERT_EQ(n, 2);
	ASSERT_STR_EQ(rows[0].number, "L-4");
	ASSERT_EQ(tandem_ledger_invoice_list(f.s, ADMIN, "ready", false, 1, &ar, &rows, &n, &more,
					     &f.d), 0);
	ASSERT_EQ(n, 1);
	ASSERT(more);
	ASSERT_EQ(rows[0].order, order);
	/* Refusals. */
	ASSERT_EQ(tandem_ledger_invoice_list(f.s, ADMIN, "lost", false, 10, &ar, &rows, &n, &more,
					     &f.d), TANDEM_EINVAL);
	ASSERT_EQ(tandem_ledger_invoice_list(f.s, ADMIN, NULL, false, 0, &ar, &rows, &n, &more,
					     &f.d), TANDEM_EINVAL);
	ASSERT_EQ(tandem_ledger_invoice_list(f.s, "99999999999999", NULL, false, 10, &ar, &rows,
					     &n, &more, &f.d), TANDEM_ENOENT);
	tandem_arena_release(&ar);
	teardown(&f);
}
BOTH_ENGINES(ledger_invoice_list)

/* A database made before schema v7 gets its running totals computed:
 * invoiced and certified per commitment, AE and CP per budget node. */
static void ledger_invoice_totals_upgrade(enum engine e)
{
	struct fixture f;
	struct fake x;
	struct tandem_invoice_result r;

	setup(&f, e, true);
	world(&f);
	fake(&x, "U-1", "EJ-1", 40000);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	certify(&f, "EJ-1", 30000);
	fake(&x, "U-2", "EJ-1", 20000);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_EQ(tandem_ledger_invoice_reject(f.s, "carl", ADMIN, r.id, "not ours", &f.d), 0);
	fake(&x, "U-3", "EJ-2", 5000);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_EQ(query_i64_f(&f, "SELECT invoiced_cents FROM commitment WHERE number = 'EJ-1'"),
		  40000);
	ASSERT_EQ(query_i64_f(&f, "SELECT certified_cents FROM commitment WHERE number = 'EJ-1'"),
		  30000);
	/* Back to version 6, totals gone; opened again, they are back. */
	ASSERT_EQ(tandem_store_exec(f.s, "DROP INDEX invoice_file_key"), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "ALTER TABLE invoice DROP COLUMN file_key"), 0);
	if (e == ENGINE_PG)
		ASSERT_EQ(tandem_store_exec(f.s, "ALTER TABLE invoice ADD UNIQUE "
					    "(administration_id, file_sha256)"), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "ALTER TABLE commitment DROP COLUMN invoiced_cents"), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "ALTER TABLE commitment DROP COLUMN certified_cents"), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "DROP TABLE line_suggestion"), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "DROP TABLE cpv_budget_map"), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "DROP TABLE consumption"), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "DROP TABLE credit_offset"), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "DROP TABLE tlog_mark"), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "DROP TABLE invoice_line"), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "DROP TABLE service_done_line"), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "DROP TABLE commitment_line"), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "ALTER TABLE commitment DROP COLUMN line_count"), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "DELETE FROM tandem_schema WHERE version >= 7"), 0);
	tandem_store_close(f.s);
	f.s = NULL;
	renew(&f);
	ASSERT_EQ(tandem_ledger_open(f.t.where, 0, &f.d, &f.s), 0);
	ASSERT(message_has(&f.d, "running totals"));
	ASSERT_EQ(query_i64_f(&f, "SELECT invoiced_cents FROM commitment WHERE number = 'EJ-1'"),
		  40000);
	ASSERT_EQ(query_i64_f(&f, "SELECT invoiced_cents FROM commitment WHERE number = 'EJ-2'"),
		  5000);
	ASSERT_EQ(query_i64_f(&f, "SELECT certified_cents FROM commitment WHERE number = 'EJ-1'"),
		  30000);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_invoice_totals_upgrade)

static void ledger_invoice_refusals(enum engine e)
{
	struct fixture f;
	struct fake x;
	struct tandem_invoice_result r, first;
	int64_t invoices, events;

	setup(&f, e, true);
	world(&f);
	fake(&x, "INV-2026/001", "EJ-1", 12000);
	ASSERT_EQ(import1(&f, "carl", &x, &first), 0);
	invoices = count(&f, "invoice");
	events = count(&f, "event");
	/* The same file again: nothing changes, the first one is named. */
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT(r.already);
	ASSERT_EQ(r.id, first.id);
	ASSERT_STR_EQ(r.status, first.status);
	/* The same supplier's number, written otherwise, in another file. */
	renew(&f);
	fake(&x, "inv 2026-001", "EJ-1", 12000);
	ASSERT_EQ(import1(&f, "carl", &x, &r), TANDEM_EEXIST);
	ASSERT(message_has(&f.d, "booked already as invoice"));
	ASSERT_STR_EQ(f.d.items[0].rule, "TANDEM-INVOICE-DUPLICATE");
	ASSERT_STR_EQ(f.d.items[0].path, "inv 2026-001");
	/* Invalid, another currency, negative, unknown buyer, no seller id. */
	fake(&x, "X-1", "EJ-1", 100);
	x.in.valid = false;
	x.in.verdict = "invalid (CEN-UBL): BR-CO-10";
	ASSERT_EQ(import1(&f, "carl", &x, &r), TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "BR-CO-10"));
	fake(&x, "X-2", "EJ-1", 100);
	x.in.currency = "USD";
	ASSERT_EQ(import1(&f, "carl", &x, &r), TANDEM_EBADINPUT);
	fake(&x, "X-3", "EJ-1", -100);
	ASSERT_EQ(import1(&f, "carl", &x, &r), TANDEM_EBADINPUT);
	fake(&x, "X-4", "EJ-1", 100);
	x.in.buyer_siret = LAPOSTE;
	x.in.buyer_reference = "991-03730-19";
	ASSERT_EQ(import1(&f, "carl", &x, &r), TANDEM_ENOENT);
	fake(&x, "X-5", "EJ-1", 100);
	x.in.seller_siret = NULL;
	x.in.seller_vat = NULL;
	ASSERT_EQ(import1(&f, "carl", &x, &r), TANDEM_EBADINPUT);
	fake(&x, "X-6", "EJ-1", 100);
	x.in.issue_date = "02/03/2026";
	ASSERT_EQ(import1(&f, "carl", &x, &r), TANDEM_EBADINPUT);
	/* Nothing of any of them was stored, not even an event. */
	ASSERT_EQ(count(&f, "invoice"), invoices);
	ASSERT_EQ(count(&f, "event"), events);
	/* A rejected invoice's number may come again. */
	ASSERT_EQ(tandem_ledger_invoice_reject(f.s, "carl", ADMIN, first.id, "wrong prices",
					       &f.d), 0);
	fake(&x, "inv 2026-001", "EJ-1", 12000);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT(!r.already);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_invoice_refusals)

/* A batch is one transaction: each invoice kept or undone whole, the
 * refusals alone left out; results in order. */
static void ledger_invoice_batch(enum engine e)
{
	struct fixture f;
	struct fake x[5];
	struct tandem_invoice_in in[5];
	struct tandem_invoice_result r[5];

	setup(&f, e, true);
	world(&f);
	fake(&x[0], "B-1", "EJ-1", 100);
	fake(&x[1], "B-2", "EJ-1", 200);
	fake(&x[2], "b 1", "EJ-1", 300);      /* a duplicate of B-1 */
	fake(&x[3], "B-3", "EJ-9", 400);      /* à recycler */
	fake(&x[4], "B-4", "EJ-1", 500);
	x[4].in.currency = "CHF";
	for (int i = 0; i < 5; i++)
		in[i] = x[i].in;
	ASSERT_EQ(tandem_ledger_invoice_import(f.s, "carl", in, 5, &f.d, r), 0);
	ASSERT_EQ(r[0].code, 0);
	ASSERT_EQ(r[1].code, 0);
	ASSERT_EQ(r[2].code, TANDEM_EEXIST);
	ASSERT_EQ(r[2].id, 0);
	ASSERT_EQ(r[3].code, 0);
	ASSERT_STR_EQ(r[3].status, "a_recycler");
	ASSERT_EQ(r[4].code, TANDEM_EBADINPUT);
	ASSERT_EQ(count(&f, "invoice"), 3);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM event WHERE action = 'invoice.receive'"),
		  3);
	/* The same batch again: the three are there already, the two refused
	 * again. */
	ASSERT_EQ(tandem_ledger_invoice_import(f.s, "carl", in, 5, &f.d, r), 0);
	ASSERT(r[0].already && r[1].already && r[3].already);
	ASSERT_EQ(r[2].code, TANDEM_EEXIST);
	ASSERT_EQ(count(&f, "invoice"), 3);
	ASSERT_EQ(tandem_ledger_invoice_import(f.s, "carl", in, 0, &f.d, r), TANDEM_EINVAL);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_invoice_batch)

/* In a batch, each invoice is matched against what the invoices before it
 * in the same batch claimed on its commitment, and the running totals
 * written at the end are the sums of the counted invoices. */
static void ledger_invoice_batch_totals(enum engine e)
{
	static const char *const numbers[] = { "T-1", "T-2", "T-3", "T-4", "T-5" };
	static const char *const ejs[] = { "EJ-1", "EJ-2", "EJ-1", "EJ-1", "EJ-1" };
	static const int64_t cents[] = { 30000, 5000, 30000, 30000, 20000 };
	static const char *const statuses[] = { "ready", "received", "ready", "received",
						"suspended" };
	struct fixture f;
	struct fake x[5];
	struct tandem_invoice_in in[5];
	struct tandem_invoice_result r[5];

	setup(&f, e, true);
	world(&f);
	certify(&f, "EJ-1", 60000);
	for (int i = 0; i < 5; i++) {
		fake(&x[i], numbers[i], ejs[i], cents[i]);
		in[i] = x[i].in;
	}
	ASSERT_EQ(tandem_ledger_invoice_import(f.s, "carl", in, 5, &f.d, r), 0);
	for (int i = 0; i < 5; i++) {
		ASSERT_EQ(r[i].code, 0);
		ASSERT_STR_EQ(r[i].status, statuses[i]);
	}
	ASSERT_EQ(query_i64_f(&f, "SELECT invoiced_cents FROM commitment WHERE number = 'EJ-1'"),
		  110000);
	ASSERT_EQ(query_i64_f(&f, "SELECT invoiced_cents FROM commitment WHERE number = 'EJ-2'"),
		  5000);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM commitment c WHERE c.invoiced_cents <> "
			      "(SELECT coalesce(sum(i.due_cents), 0) FROM invoice i WHERE "
			      "i.commitment_id = c.id AND i.kind = 'invoice' AND i.status IN "
			      "('received', 'suspended', 'ready', 'paid'))"), 0);
	/* Again: stored already, nothing counted twice. */
	ASSERT_EQ(tandem_ledger_invoice_import(f.s, "carl", in, 5, &f.d, r), 0);
	ASSERT_EQ(query_i64_f(&f, "SELECT invoiced_cents FROM commitment WHERE number = 'EJ-1'"),
		  110000);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_invoice_batch_totals)

/* A German administration: the Leitweg-ID in BT-10 routes, its own or a
 * service's. */
static void ledger_invoice_leitweg(enum engine e)
{
	static const char de[] =
		"administration DE 991-03730-19 Bundesministerium des Innern\n"
		"year 2026\n"
		"service 991-0373099-49 Beschaffungsamt\n"
		"einzelplan 06 - - BMI\n"
		"kapitel 06/0601 - - Ministerium\n"
		"titel 06/0601/52601 1500000.00 900000.00 Gutachten\n";
	struct tandem_supplier_in sup = { "991-03730-19", "Gutachten GmbH", "DE", NULL,
					  "DE136695976", NULL, NULL, NULL };
	struct tandem_commitment_in c = { "991-03730-19", 2026, "B-0042", "DE136695976",
					  "06/0601/52601", "Gutachten", 500000, NULL, NULL, 0 };
	struct fixture f;
	struct fake x;
	struct tandem_invoice_result r;
	bool already;
	int64_t id;

	setup(&f, e, true);
	ASSERT_EQ(tandem_ledger_budget_load(f.s, "alice", de, sizeof de - 1, &f.d, &already), 0);
	ASSERT_EQ(tandem_ledger_supplier_add(f.s, "olga", &sup, &f.d, &id), 0);
	ASSERT_EQ(tandem_ledger_commit(f.s, "olga", &c, &f.d, &id), 0);
	fake(&x, "RE-1", "B-0042", 100000);
	x.in.buyer_siret = NULL;
	x.in.seller_siret = NULL;
	x.in.seller_vat = "DE136695976";
	x.in.buyer_reference = "991-03730-19";
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "received");
	fake(&x, "RE-2", "B-0042", 100000);
	x.in.buyer_siret = NULL;
	x.in.seller_siret = NULL;
	x.in.seller_vat = "DE136695976";
	x.in.buyer_reference = "991-0373099-49";
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_STR_EQ(r.status, "received");
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM invoice WHERE service_code = "
			      "'991-0373099-49'"), 1);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_invoice_leitweg)

/* Every journal entry balances, and has two lines or more. */
/* Payment orders: only a ready invoice, once, within the CP, booked in the
 * journal; approvals under the separation of duties. */
static void ledger_payment_orders(enum engine e)
{
	struct fixture f;
	struct fake x;
	struct tandem_invoice_result r, big;
	int64_t order = 0, order2 = 0;

	setup(&f, e, true);
	world(&f);
	ASSERT_EQ(tandem_ledger_user_add(f.s, "alice", "cora", "Cora", "comptable", &f.d), 0);
	fake(&x, "P-1", "EJ-1", 30000);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	/* Not ready yet (no service done). */
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2026, r.id, &f.d, &order),
		  TANDEM_EBADINPUT);
	certify(&f, "EJ-1", 100000);
	ASSERT_STR_EQ(status_of(&f, r.id), "ready");
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "carl", ADMIN, 2026, r.id, &f.d, &order),
		  TANDEM_EPERM);
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2025, r.id, &f.d, &order),
		  TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2026, 999, &f.d, &order),
		  TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2026, r.id, &f.d, &order), 0);
	ASSERT_GT(order, 0);
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2026, r.id, &f.d, &order2),
		  TANDEM_EEXIST);
	/* Booked: debit 604, credit 401, balanced. */
	ASSERT_EQ(query_i64_f(&f, "SELECT sum(debit_cents) FROM journal_line WHERE "
			      "account_code = '604'"), 30000);
	ASSERT_EQ(query_i64_f(&f, "SELECT sum(credit_cents) FROM journal_line WHERE "
			      "account_code = '401'"), 30000);
	assert_books_balance(&f);
	/* The CP of GFP/156 (10,000.00): an order beyond what is left is
	 * refused, and nothing is written. */
	ASSERT_EQ(tandem_store_exec(f.s, "UPDATE appropriation SET initial_cents = 50000 WHERE "
				       "kind = 'CP'"), 0);
	fake(&x, "P-2", "EJ-1", 20001);
	ASSERT_EQ(import1(&f, "carl", &x, &big), 0);
	ASSERT_STR_EQ(big.status, "ready");
	renew(&f);
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2026, big.id, &f.d, &order2),
		  TANDEM_ELIMIT);
	ASSERT(message_has(&f.d, "not enough CP on GFP/156: 200.00 EUR available, 200.01 EUR"));
	ASSERT_EQ(count(&f, "payment_order"), 1);
	ASSERT_EQ(count(&f, "journal_entry"), 1);
	/* Approval: a comptable, not an ordonnateur. */
	ASSERT_EQ(tandem_ledger_pay_approve(f.s, "olga", ADMIN, order, &f.d), TANDEM_EPERM);
	/* Whoever certified service done on the commitment does not approve
	 * its payment, even after moving to the comptable's service. */
	ASSERT_EQ(tandem_store_exec(f.s, "UPDATE app_user SET role = 'comptable' WHERE "
				       "login = 'olga'"), 0);
	renew(&f);
	ASSERT_EQ(tandem_ledger_pay_approve(f.s, "olga", ADMIN, order, &f.d), TANDEM_EPERM);
	ASSERT(message_has(&f.d, "created the commitment"));
	/* Whoever recorded the bank account does not approve the first
	 * payment to it. */
	ASSERT_EQ(tandem_ledger_supplier_account(f.s, "carl", ADMIN, DUPONT,
						 "FR7630006000011234567890189", NULL,
						 "RIB confirmed by phone", &f.d), 0);
	renew(&f);
	ASSERT_EQ(tandem_ledger_pay_approve(f.s, "cora", ADMIN, order, &f.d), TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "changed after payment order"));
	ASSERT_EQ(tandem_ledger_pay_cancel(f.s, "cora", ADMIN, order, "account to be confirmed",
					   &f.d), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "UPDATE appropriation SET initial_cents = 100000000 "
				       "WHERE kind = 'CP'"), 0);
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "alice", ADMIN, 2026, r.id, &f.d, &order),
		  TANDEM_EPERM);
	ASSERT_EQ(tandem_store_exec(f.s, "UPDATE app_user SET role = 'ordonnateur' WHERE "
				       "login = 'olga'"), 0);
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2026, r.id, &f.d, &order), 0);
	renew(&f);
	ASSERT_EQ(tandem_ledger_pay_approve(f.s, "carl", ADMIN, order, &f.d), TANDEM_EPERM);
	ASSERT(message_has(&f.d, "recorded the supplier's bank account"));
	ASSERT_EQ(tandem_ledger_pay_approve(f.s, "cora", ADMIN, order, &f.d), 0);
	ASSERT_EQ(tandem_ledger_pay_approve(f.s, "cora", ADMIN, order, &f.d), TANDEM_EBADINPUT);
	/* The next payment to that account, carl may approve. */
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2026, big.id, &f.d, &order2), 0);
	ASSERT_EQ(tandem_ledger_pay_approve(f.s, "carl", ADMIN, order2, &f.d), 0);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM payment_order WHERE state = 'approved'"),
		  2);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_payment_orders)
