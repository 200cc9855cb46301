/*
 * tests/test_movement.c - movements of appropriations: transfers between
 * lines, openings and cancellations, each under one event; a line gives no
 * more than neither its own appropriation nor the subtree of a unit the
 * money leaves would lack; refusals change nothing. On SQLite and
 * PostgreSQL.
 */
#include <string.h>

#include "invoice_world.h"
#include "ledger_fixture.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "test.h"

static const char budget[] =
	"administration FR 11000201100044 Direction générale des finances publiques\n"
	"year 2026\n"
	"mission    GFP          -        -        Gestion des finances publiques\n"
	"programme  GFP/156      -        -        Gestion fiscale\n"
	"action     GFP/156/01   1000.00  800.00   Grandes entreprises\n"
	"action     GFP/156/02   500.00   500.00   PME\n"
	"programme  GFP/218      100.00   100.00   Pilotage\n"
	"action     GFP/218/02   50.00    50.00    Audit\n";

static int64_t available(struct fixture *f, const char *path, const char *kind)
{
	int64_t cents = -1;

	ASSERT_EQ(tandem_ledger_available(f->s, ADMIN, 2026, path, kind, &f->d, &cents), 0);
	return cents;
}

static int move(struct fixture *f, const char *actor, const char *kind, const char *from,
		const char *to, int64_t cents)
{
	struct tandem_movement_in in = { ADMIN, 2026, kind, from, to, cents,
					 "décret n° 2026-101 portant virement de crédits" };

	renew(f);
	return tandem_ledger_appropriation_move(f->s, actor, &in, &f->d);
}

static void commit(struct fixture *f, const char *number, const char *path, int64_t cents)
{
	struct tandem_commitment_in c = { ADMIN, 2026, number, DUPONT, path, "Fournitures",
					  cents, NULL, NULL, 0 };
	int64_t id;

	ASSERT_EQ(tandem_ledger_commit(f->s, "olga", &c, &f->d, &id), 0);
}

static void ledger_appropriation_move(enum engine e)
{
	struct tandem_supplier_in dupont = { ADMIN, "Papeterie Dupont", "FR", DUPONT, NULL, NULL,
					     NULL, NULL };
	struct tandem_movement_in in = { ADMIN, 2026, "AE", "GFP/156/01", "GFP/156/02", 100, "" };
	struct fixture f;
	bool already;
	int64_t id, movements;

	setup(&f, e, true);
	ASSERT_EQ(tandem_ledger_budget_load(f.s, "alice", budget, strlen(budget), &f.d, &already),
		  0);
	ASSERT_EQ(tandem_ledger_supplier_add(f.s, "olga", &dupont, &f.d, &id), 0);
	/* A comptable does not move appropriations. */
	ASSERT_EQ(move(&f, "carl", "AE", "GFP/156/01", "GFP/156/02", 10000), TANDEM_EPERM);
	/* A transfer: one event, two movements that sum to nothing. */
	ASSERT_EQ(move(&f, "olga", "AE", "GFP/156/01", "GFP/156/02", 10000), 0);
	ASSERT_EQ(available(&f, "GFP/156/01", "AE"), 90000);
	ASSERT_EQ(available(&f, "GFP/156/02", "AE"), 60000);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM event WHERE action = "
			      "'appropriation.move'"), 1);
	ASSERT_EQ(query_i64_f(&f, "SELECT sum(amount_cents) FROM appropriation_movement"), 0);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM appropriation_movement m JOIN event e "
			      "ON e.id = m.event_id WHERE e.detail LIKE 'transfer 100.00 EUR of "
			      "2026 AE from GFP/156/01 to GFP/156/02: décret%'"), 2);
	/* What is committed stays: 850.00 of the 900.00 left is committed. */
	commit(&f, "EJ-1", "GFP/156/01", 85000);
	movements = count(&f, "appropriation_movement");
	ASSERT_EQ(move(&f, "olga", "AE", "GFP/156/01", "GFP/156/02", 5001), TANDEM_ELIMIT);
	ASSERT(message_has(&f.d, "GFP/156/01 can give 50.00 EUR of AE, not 50.01 EUR"));
	ASSERT_EQ(count(&f, "appropriation_movement"), movements);
	ASSERT_EQ(move(&f, "olga", "AE", "GFP/156/01", "GFP/156/02", 5000), 0);
	ASSERT_EQ(available(&f, "GFP/156/01", "AE"), 0);
	/* An opening and a cancellation of CP. */
	ASSERT_EQ(move(&f, "alice", "CP", NULL, "GFP/156/02", 25000), 0);
	ASSERT_EQ(available(&f, "GFP/156/02", "CP"), 75000);
	ASSERT_EQ(move(&f, "olga", "CP", "GFP/156/02", NULL, 10000), 0);
	ASSERT_EQ(available(&f, "GFP/156/02", "CP"), 65000);
	ASSERT_EQ(move(&f, "olga", "CP", "GFP/156/02", NULL, 65001), TANDEM_ELIMIT);
	/* A unit above the line that the money leaves keeps what it consumed:
	 * GFP/218 (100.00 + 50.00 below) has 40.00 committed on its action and
	 * 105.00 on itself; the action could give 10.00, the programme 5.00. */
	commit(&f, "EJ-2", "GFP/218/02", 4000);
	commit(&f, "EJ-3", "GFP/218", 10500);
	ASSERT_EQ(move(&f, "olga", "AE", "GFP/218/02", "GFP/156/01", 501), TANDEM_ELIMIT);
	ASSERT(message_has(&f.d, "can give 5.00 EUR"));
	ASSERT_EQ(move(&f, "olga", "AE", "GFP/218/02", "GFP/156/01", 500), 0);
	ASSERT_EQ(available(&f, "GFP/218", "AE"), 0);
	/* Within the programme, the money does not leave it: the action's
	 * own 5.00 left may go to the programme's line. */
	ASSERT_EQ(move(&f, "olga", "AE", "GFP/218/02", "GFP/218", 500), 0);
	ASSERT_EQ(move(&f, "olga", "AE", "GFP/218/02", "GFP/218", 1), TANDEM_ELIMIT);
	/* Bad input, nothing changed. */
	movements = count(&f, "appropriation_movement");
	ASSERT_EQ(move(&f, "olga", "XX", "GFP/156/01", "GFP/156/02", 100), TANDEM_EBADINPUT);
	ASSERT_EQ(move(&f, "olga", "AE", "GFP/156/02", "GFP/156/02", 100), TANDEM_EBADINPUT);
	ASSERT_EQ(move(&f, "olga", "AE", NULL, NULL, 100), TANDEM_EBADINPUT);
	ASSERT_EQ(move(&f, "olga", "AE", "GFP/156/02", "GFP/156/01", 0), TANDEM_EBADINPUT);
	ASSERT_EQ(move(&f, "olga", "AE", "GFP/156/02", "GFP/156/99", 100), TANDEM_ENOENT);
	ASSERT(message_has(&f.d, "GFP/156/99 carries no AE of its own"));
	ASSERT_EQ(move(&f, "olga", "AE", "GFP/156", "GFP/156/01", 100), TANDEM_ENOENT);
	renew(&f);
	ASSERT_EQ(tandem_ledger_appropriation_move(f.s, "olga", &in, &f.d), TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "legal basis"));
	in.reason = "report";
	in.year = 2027;
	ASSERT_EQ(tandem_ledger_appropriation_move(f.s, "olga", &in, &f.d), TANDEM_ENOENT);
	ASSERT_EQ(count(&f, "appropriation_movement"), movements);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_appropriation_move)
