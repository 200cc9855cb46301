/*
 * tests/test_ledger.c - users and roles, budget files, loading a budget in
 * one transaction (or not at all), the budget report, suppliers and their
 * bank accounts, commitments and the AE availability control. Each test
 * runs on SQLite (NAME_sqlite) and on PostgreSQL (NAME_pg, when
 * TANDEM_TEST_PG is set; see testdb.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/store.h"
#include "test.h"
#include "testdb.h"
#include "ledger_fixture.h"

static void ledger_users_and_roles(enum engine e)
{
	struct fixture f;

	setup(&f, e, false);
	/* The first user is an admin, and needs no actor. */
	ASSERT_EQ(tandem_ledger_user_add(f.s, NULL, "olga", "Olga", "ordonnateur", &f.d),
		  TANDEM_EPERM);
	ASSERT_EQ(count(&f, "app_user"), 0);
	ASSERT_EQ(tandem_ledger_user_add(f.s, NULL, "alice", "Alice", "admin", &f.d), 0);
	/* Then only an admin adds. */
	ASSERT_EQ(tandem_ledger_user_add(f.s, NULL, "olga", "Olga", "ordonnateur", &f.d),
		  TANDEM_EPERM);
	ASSERT_EQ(tandem_ledger_user_add(f.s, "nobody", "olga", "Olga", "ordonnateur", &f.d),
		  TANDEM_EPERM);
	ASSERT_EQ(tandem_ledger_user_add(f.s, "alice", "olga", "Olga", "ordonnateur", &f.d), 0);
	ASSERT_EQ(tandem_ledger_user_add(f.s, "olga", "eve", "Eve", "admin", &f.d), TANDEM_EPERM);
	ASSERT(message_has(&f.d, "only an admin adds users"));
	ASSERT_EQ(tandem_ledger_user_add(f.s, "alice", "olga", "Olga 2", "comptable", &f.d),
		  TANDEM_EEXIST);
	ASSERT_EQ(tandem_ledger_user_add(f.s, "alice", "x", "X", "king", &f.d), TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_ledger_user_add(f.s, "alice", "Bad Login", "X", "admin", &f.d),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_ledger_user_add(f.s, "alice", "x", "", "admin", &f.d), TANDEM_EBADINPUT);
	ASSERT_EQ(count(&f, "app_user"), 2);
	/* Each addition is an event, nothing else is. */
	ASSERT_EQ(count(&f, "event"), 2);
	teardown(&f);
}
BOTH_ENGINES(ledger_users_and_roles)

static const char fr_budget[] =
	"# a comment\n"
	"administration FR 11000201100044 Direction générale des finances publiques\r\n"
	"year 2026\n"
	"\n"
	"mission    GFP          -           -          Gestion des finances publiques\n"
	"programme  GFP/156      -           -          Gestion fiscale\n"
	"action     GFP/156/01   1250000.00  1180000    Grandes entreprises\n"
	"action     GFP/156/02   0.05        8150000.50 PME # not a comment\n"
	"programme  GFP/218      100         -          Pilotage\n";

static void ledger_budget_load_and_report(enum engine e)
{
	struct fixture f;
	struct tandem_arena a;
	struct tandem_budget_row *rows;
	size_t n;
	bool already;

	setup(&f, e, true);
	tandem_arena_init(&a, 1u << 20);
	/* Role: a comptable does not load budgets. */
	ASSERT_EQ(tandem_ledger_budget_load(f.s, "carl", fr_budget, sizeof fr_budget - 1, &f.d,
					    &already), TANDEM_EPERM);
	ASSERT_EQ(count(&f, "budget_node"), 0);
	ASSERT_EQ(tandem_ledger_budget_load(f.s, "olga", fr_budget, sizeof fr_budget - 1, &f.d,
					    &already), 0);
	ASSERT(!already);
	ASSERT_EQ(count(&f, "budget_node"), 5);
	ASSERT_EQ(count(&f, "appropriation"), 5);
	ASSERT_EQ(tandem_ledger_budget_report(f.s, "11000201100044", 2026, &a, &rows, &n), 0);
	ASSERT_EQ(n, 5);
	ASSERT_STR_EQ(rows[0].path, "GFP");
	ASSERT_EQ(rows[0].depth, 0);
	ASSERT_EQ(rows[0].ae_cents, 125000000 + 5 + 10000);
	ASSERT_EQ(rows[0].cp_cents, 118000000 + 815000050);
	ASSERT_STR_EQ(rows[1].path, "GFP/156");
	ASSERT_EQ(rows[1].ae_cents, 125000000 + 5);
	ASSERT_STR_EQ(rows[3].label, "PME # not a comment");
	ASSERT_EQ(rows[3].cp_available_cents, 815000050);
	ASSERT_STR_EQ(rows[4].path, "GFP/218");
	ASSERT_EQ(rows[4].depth, 1);
	ASSERT_EQ(rows[4].cp_cents, 0);
	/* The same file again: nothing changes. */
	renew(&f);
	ASSERT_EQ(tandem_ledger_budget_load(f.s, "alice", fr_budget, sizeof fr_budget - 1, &f.d,
					    &already), 0);
	ASSERT(already);
	ASSERT_EQ(count(&f, "appropriation"), 5);
	/* Another budget for the same year: refused, nothing changes. */
	static const char other[] = "administration FR 11000201100044 DGFiP\nyear 2026\n"
				    "programme P9 1 1 Another\n";

	renew(&f);
	ASSERT_EQ(tandem_ledger_budget_load(f.s, "alice", other, sizeof other - 1, &f.d, &already),
		  TANDEM_EEXIST);
	ASSERT(message_has(&f.d, "already loaded"));
	ASSERT_EQ(count(&f, "budget_node"), 5);
	ASSERT_EQ(count(&f, "event"), 4); /* 3 users, 1 budget */
	ASSERT_EQ(tandem_ledger_budget_report(f.s, "11000201100044", 2027, &a, &rows, &n),
		  TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_budget_report(f.s, "99999999999999", 2026, &a, &rows, &n),
		  TANDEM_ENOENT);
	tandem_arena_release(&a);
	teardown(&f);
}
BOTH_ENGINES(ledger_budget_load_and_report)

/* Each bad file: refused with its line, and nothing written. */
static void ledger_budget_bad_files(enum engine e)
{
	static const struct {
		const char *text;
		const char *says;
	} cases[] = {
		{ "year 2026\nprogramme P 1 1 x\n", "administration and year lines come first" },
		{ "administration FR 11000201100045 X\nyear 2026\nprogramme P 1 1 x\n", "SIRET" },
		{ "administration DE 991-03730-18 X\nyear 2026\ntitel T 1 1 x\n", "Leitweg-ID" },
		{ "administration FR 11000201100044 X\nyear 1999\n", "between 2000 and 2200" },
		{ "administration FR 11000201100044 X\nyear 2026\nkapitel K 1 1 x\n",
		  "unknown level \"kapitel\" for FR" },
		{ "administration FR 11000201100044 X\nyear 2026\naction A/1 1 1 x\n",
		  "not defined above it" },
		{ "administration FR 11000201100044 X\nyear 2026\nmission M - - m\n"
		  "action M/1 1 1 x\n", "a action cannot be under a mission" },
		{ "administration FR 11000201100044 X\nyear 2026\nprogramme P 1.001 1 x\n",
		  "at most 2 decimals" },
		{ "administration FR 11000201100044 X\nyear 2026\nprogramme P -5 1 x\n",
		  "out of range" },
		{ "administration FR 11000201100044 X\nyear 2026\nprogramme P 1 1 x\n"
		  "programme P 1 1 y\n", "defined twice" },
		{ "administration FR 11000201100044 X\nyear 2026\nprogramme P 1 1\n",
		  "level path AE CP label" },
		{ "administration FR 11000201100044 X\nyear 2026\nprogramme P$ 1 1 x\n", "code" },
		{ "administration FR 11000201100044 X\nyear 2026\n", "no budget line" },
		{ "administration FR 11000201100044 X\nyear 2026\nservice S$ Achats\n"
		  "programme P 1 1 x\n", "code service" },
		{ "administration FR 11000201100044 X\nyear 2026\nservice S\nprogramme P 1 1 x\n",
		  "service needs a code and a name" },
		{ "administration FR 11000201100044 X\nyear 2026\nservice S A\nservice S B\n"
		  "programme P 1 1 x\n", "service S is defined twice" },
		{ "administration DE 991-03730-19 X\nyear 2026\nservice 991-03730-18 A\n"
		  "einzelplan E 1 1 x\n", "known by its Leitweg-ID" },
		{ "administration FR 11000201100044 X\nyear 2026\ntolerance 101 0\n"
		  "programme P 1 1 x\n", "0 to 100" },
		{ "administration FR 11000201100044 X\nyear 2026\ntolerance 1\nprogramme P 1 1 x\n",
		  "tolerance needs a percentage" },
		{ "administration FR 11000201100044 X\nyear 2026\ntolerance 1 -\n"
		  "programme P 1 1 x\n", "0.00 for none" },
	};
	struct fixture f;
	bool already;

	setup(&f, e, true);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		renew(&f);
		if (tandem_ledger_budget_load(f.s, "alice", cases[i].text, strlen(cases[i].text),
					      &f.d, &already) != TANDEM_EBADINPUT)
			FAIL("case %zu was not refused as bad input", i);
		if (!message_has(&f.d, cases[i].says))
			FAIL("case %zu: no finding saying \"%s\" (first: %s)", i, cases[i].says,
			     f.d.count > 0 ? f.d.items[0].message : "none");
	}
	/* A NUL byte, and the line number of a late error. */
	renew(&f);
	ASSERT_EQ(tandem_ledger_budget_load(f.s, "alice", "year\0", 5, &f.d, &already),
		  TANDEM_EBADINPUT);
	renew(&f);
	static const char late[] = "administration FR 11000201100044 X\nyear 2026\n"
				   "programme P 1 1 x\nprogramme Q 1,5 1 y\n";

	ASSERT_EQ(tandem_ledger_budget_load(f.s, "alice", late, sizeof late - 1, &f.d, &already),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(f.d.items[0].line, 4);
	ASSERT_STR_CONTAINS(f.d.items[0].message, "line 4:");
	ASSERT_EQ(count(&f, "administration"), 0);
	ASSERT_EQ(count(&f, "budget_node"), 0);
	ASSERT_EQ(count(&f, "event"), 3);
	teardown(&f);
}
BOTH_ENGINES(ledger_budget_bad_files)

static int64_t commit(struct fixture *f, const char *actor, const char *number,
		      const char *path, int64_t cents)
{
	struct tandem_commitment_in in = { "11000201100044", 2026, number, "73282932000074",
					   path, "Fournitures", cents, NULL, NULL, 0 };
	int64_t id = 0;
	int rc = tandem_ledger_commit(f->s, actor, &in, &f->d, &id);

	return rc != 0 ? rc : id;
}

static void ledger_suppliers_and_bank_accounts(enum engine e)
{
	struct fixture f;
	bool already;
	int64_t id;
	struct tandem_supplier_in in = { "11000201100044", "Papeterie Dupont", "FR",
					 "73282932000074", "FR44732829320", NULL, NULL,
					 NULL };

	setup(&f, e, true);
	ASSERT_EQ(tandem_ledger_budget_load(f.s, "alice", fr_budget, sizeof fr_budget - 1, &f.d,
					    &already), 0);
	ASSERT_EQ(tandem_ledger_supplier_add(f.s, "carl", &in, &f.d, &id), TANDEM_EPERM);
	/* Identifiers are checked: a wrong SIRET, a wrong French VAT key. */
	in.siret = "73282932000075";
	ASSERT_EQ(tandem_ledger_supplier_add(f.s, "olga", &in, &f.d, &id), TANDEM_EBADINPUT);
	in.siret = "73282932000074";
	in.vat_id = "FR71732829320";
	ASSERT_EQ(tandem_ledger_supplier_add(f.s, "olga", &in, &f.d, &id), TANDEM_EBADINPUT);
	in.vat_id = "FR44732829320";
	ASSERT_EQ(tandem_ledger_supplier_add(f.s, "olga", &in, &f.d, &id), 0);
	ASSERT_GT(id, 0);
	ASSERT_EQ(tandem_ledger_supplier_add(f.s, "olga", &in, &f.d, &id), TANDEM_EEXIST);
	in.administration = "99999999999999";
	in.siret = "35600000000048";
	ASSERT_EQ(tandem_ledger_supplier_add(f.s, "olga", &in, &f.d, &id), TANDEM_ENOENT);
	in.administration = "11000201100044";
	in.siret = NULL;
	in.vat_id = NULL;
	ASSERT_EQ(tandem_ledger_supplier_add(f.s, "olga", &in, &f.d, &id), TANDEM_EBADINPUT);
	ASSERT_EQ(count(&f, "supplier"), 1);
	/* Bank details: checked, with evidence, kept as history. */
	ASSERT_EQ(tandem_ledger_supplier_account(f.s, "olga", "11000201100044", "73282932000074",
						 "FR7630006000011234567890188", NULL, "RIB", &f.d),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_ledger_supplier_account(f.s, "olga", "11000201100044", "73282932000074",
						 "FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP",
						 "", &f.d), TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_ledger_user_add(f.s, "alice", "audrey", "Audrey", "auditeur", &f.d), 0);
	ASSERT_EQ(tandem_ledger_supplier_account(f.s, "audrey", "11000201100044",
						 "73282932000074", "FR76 3000 6000 0112 3456 7890 189",
						 "AGRIFRPP", "RIB", &f.d), TANDEM_EPERM);
	ASSERT_EQ(tandem_ledger_supplier_account(f.s, "olga", "11000201100044", "FR44732829320",
						 "fr76 3000 6000 0112 3456 7890 189", "AGRIFRPP",
						 "RIB reçu le 3 mars", &f.d), 0);
	ASSERT_EQ(tandem_ledger_supplier_account(f.s, "alice", "11000201100044", "73282932000074",
						 "DE89370400440532013000", NULL,
						 "letter of 9 March", &f.d), 0);
	ASSERT_EQ(count(&f, "supplier_account"), 2);
	struct tandem_stmt *st;

	ASSERT_EQ(tandem_store_prepare(f.s, "SELECT a.iban, u.login, a.evidence FROM "
				       "supplier_account a JOIN app_user u ON u.id = a.changed_by "
				       "ORDER BY a.id", &st), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT_STR_EQ(tandem_stmt_text(st, 0), "FR7630006000011234567890189");
	ASSERT_STR_EQ(tandem_stmt_text(st, 1), "olga");
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT_STR_EQ(tandem_stmt_text(st, 1), "alice");
	ASSERT_STR_EQ(tandem_stmt_text(st, 2), "letter of 9 March");
	tandem_stmt_finalize(st);
	teardown(&f);
}
BOTH_ENGINES(ledger_suppliers_and_bank_accounts)

static void ledger_commitments_and_ae_control(enum engine e)
{
	struct fixture f;
	struct tandem_arena a;
	struct tandem_budget_row *rows;
	size_t n;
	bool already;
	int64_t id;
	struct tandem_supplier_in sup = { "11000201100044", "Papeterie Dupont", "FR",
					  "73282932000074", NULL, NULL, NULL, NULL };

	setup(&f, e, true);
	tandem_arena_init(&a, 1u << 20);
	ASSERT_EQ(tandem_ledger_budget_load(f.s, "alice", fr_budget, sizeof fr_budget - 1, &f.d,
					    &already), 0);
	ASSERT_EQ(tandem_ledger_supplier_add(f.s, "olga", &sup, &f.d, &id), 0);
	/* Only an ordonnateur commits. */
	ASSERT_EQ(commit(&f, "alice", "EJ-1", "GFP/156/01", 100), TANDEM_EPERM);
	ASSERT_EQ(commit(&f, "carl", "EJ-1", "GFP/156/01", 100), TANDEM_EPERM);
	/* Within the action's AE (1,250,000.00), to the cent. */
	ASSERT_GT(commit(&f, "olga", "EJ-1", "GFP/156/01", 100000000), 0);
	ASSERT_GT(commit(&f, "olga", "EJ-2", "GFP/156/01", 25000000), 0);
	renew(&f);
	ASSERT_EQ(commit(&f, "olga", "EJ-3", "GFP/156/01", 1), TANDEM_ELIMIT);
	ASSERT(message_has(&f.d, "0.00 EUR available, 0.01 EUR asked"));
	/* The same number in the same year; no AE at or above the node; an
	 * unknown line; a bad amount. */
	ASSERT_EQ(commit(&f, "olga", "EJ-1", "GFP/156/02", 1), TANDEM_EEXIST);
	ASSERT_EQ(commit(&f, "olga", "EJ-4", "GFP/156", 1), TANDEM_EBADINPUT);
	ASSERT_EQ(commit(&f, "olga", "EJ-4", "GFP/999", 1), TANDEM_ENOENT);
	ASSERT_EQ(commit(&f, "olga", "EJ-4", "GFP/156/02", 0), TANDEM_EBADINPUT);
	ASSERT_EQ(commit(&f, "olga", "EJ-4", "GFP/156/02", -5), TANDEM_EBADINPUT);
	/* The programme-level AE of GFP/218 (100.00) binds what is under it. */
	ASSERT_GT(commit(&f, "olga", "EJ-5", "GFP/218", 10000), 0);
	ASSERT_EQ(commit(&f, "olga", "EJ-6", "GFP/218", 1), TANDEM_ELIMIT);
	ASSERT_EQ(count(&f, "commitment"), 3);
	/* Refusals left no event behind. */
	ASSERT_EQ(count(&f, "event"), 4 + 1 + 3);
	ASSERT_EQ(tandem_ledger_budget_report(f.s, "11000201100044", 2026, &a, &rows, &n), 0);
	ASSERT_EQ(rows[0].ae_committed_cents, 125000000 + 10000);
	ASSERT_EQ(rows[2].ae_available_cents, 0);
	ASSERT_EQ(rows[3].ae_available_cents, 5);
	ASSERT_EQ(rows[4].ae_available_cents, 0);
	tandem_arena_release(&a);
	teardown(&f);
}
BOTH_ENGINES(ledger_commitments_and_ae_control)

static void ledger_service_done(enum engine e)
{
	struct fixture f;
	bool already;
	int64_t id;
	struct tandem_supplier_in sup = { "11000201100044", "Papeterie Dupont", "FR",
					  "73282932000074", NULL, NULL, NULL, NULL };

	setup(&f, e, true);
	ASSERT_EQ(tandem_ledger_budget_load(f.s, "alice", fr_budget, sizeof fr_budget - 1, &f.d,
					    &already), 0);
	ASSERT_EQ(tandem_ledger_supplier_add(f.s, "olga", &sup, &f.d, &id), 0);
	ASSERT_GT(commit(&f, "olga", "EJ-1", "GFP/156/01", 100000), 0);
	/* Only an ordonnateur certifies, on a commitment that exists. */
	ASSERT_EQ(tandem_ledger_certify(f.s, "carl", "11000201100044", 2026, "EJ-1", 100, "ok",
					&f.d, &id), TANDEM_EPERM);
	ASSERT_EQ(tandem_ledger_certify(f.s, "olga", "11000201100044", 2026, "EJ-9", 100, "ok",
					&f.d, &id), TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_certify(f.s, "olga", "11000201100044", 2027, "EJ-1", 100, "ok",
					&f.d, &id), TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_certify(f.s, "olga", "11000201100044", 2026, "EJ-1", 0, "ok",
					&f.d, &id), TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_ledger_certify(f.s, "olga", "11000201100044", 2026, "EJ-1", 100, "",
					&f.d, &id), TANDEM_EBADINPUT);
	/* In parts, never more than the commitment. */
	ASSERT_EQ(tandem_ledger_certify(f.s, "olga", "11000201100044", 2026, "EJ-1", 60000,
					"first delivery", &f.d, &id), 0);
	ASSERT_GT(id, 0);
	renew(&f);
	ASSERT_EQ(tandem_ledger_certify(f.s, "olga", "11000201100044", 2026, "EJ-1", 40001,
					"too much", &f.d, &id), TANDEM_ELIMIT);
	ASSERT(message_has(&f.d, "400.00 EUR left to certify, not 400.01 EUR"));
	ASSERT_EQ(tandem_ledger_certify(f.s, "olga", "11000201100044", 2026, "EJ-1", 40000,
					"second delivery", &f.d, &id), 0);
	ASSERT_EQ(tandem_ledger_certify(f.s, "olga", "11000201100044", 2026, "EJ-1", 1, "more",
					&f.d, &id), TANDEM_ELIMIT);
	/* A cancelled commitment takes no certification. */
	ASSERT_GT(commit(&f, "olga", "EJ-2", "GFP/156/02", 5), 0);
	ASSERT_EQ(tandem_store_exec(f.s, "UPDATE commitment SET state = 'cancelled' WHERE "
				       "number = 'EJ-2'"), 0);
	ASSERT_EQ(tandem_ledger_certify(f.s, "olga", "11000201100044", 2026, "EJ-2", 100, "x",
					&f.d, &id), TANDEM_EBADINPUT);
	ASSERT_EQ(count(&f, "service_done"), 2);
	teardown(&f);
}
BOTH_ENGINES(ledger_service_done)
