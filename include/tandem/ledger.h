/*
 * tandem/ledger.h - budget execution: the database of one ministry or
 * Land (appropriations, commitments, invoices, payments, the double-entry
 * ledger), kept in a store (tandem/store.h).
 *
 * This first part holds the schema and opening a ledger database. The
 * schema grows by numbered migrations (src/ledger/schema.c); opening a
 * database brings it to the current version, and a database from a newer
 * tandem is refused untouched.
 *
 * Conventions of every table: amounts are BIGINT euro cents (money is
 * never a float; public budgets and SEPA payments are in euro); times are
 * TEXT, ISO 8601 UTC; every state change is an event row saying who, when,
 * what, and from what input (the SHA-256 of a file read).
 */
#ifndef TANDEM_LEDGER_H
#define TANDEM_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/store.h"

/* The schema version this tandem writes. */
int tandem_ledger_schema_version(void);

/*
 * Opens (with TANDEM_STORE_CREATE: creates) a ledger database and migrates
 * it to the current schema; what was done is in d (TANDEM-STORE-MIGRATED).
 * Returns 0 or the error of tandem_store_open() / tandem_store_migrate().
 */
int tandem_ledger_open(const char *where, unsigned flags, struct tandem_diag *d,
		       struct tandem_store **out);

/* ---- users ------------------------------------------------------------- */

/*
 * The roles the separation of duties is written with. An ordonnateur
 * commits, certifies service done and orders payment; a comptable checks
 * and pays; an auditeur reads; an admin manages users and loads budgets.
 */
#define TANDEM_LEDGER_ROLES "ordonnateur, comptable, auditeur, admin"

/*
 * Adds a user. The first user of a database must be an admin and needs no
 * actor; every later one is added by an admin (actor: an existing login).
 * Writes an event. Returns 0; TANDEM_EPERM (actor missing or not an admin,
 * or a first user who is not an admin); TANDEM_EEXIST (login taken);
 * TANDEM_EBADINPUT (empty login or name, unknown role); each with a finding
 * TANDEM-LEDGER-*.
 */
int tandem_ledger_user_add(struct tandem_store *s, const char *actor, const char *login,
			   const char *name, const char *role, struct tandem_diag *d);

/* ---- budgets ------------------------------------------------------------ */

/* Limits of a budget file. */
#define TANDEM_BUDGET_FILE_MAX (16u << 20)
#define TANDEM_BUDGET_NODES_MAX 100000
#define TANDEM_BUDGET_DEPTH_MAX 4
#define TANDEM_BUDGET_CODE_MAX 32
#define TANDEM_BUDGET_LABEL_MAX 300
#define TANDEM_BUDGET_CENTS_MAX 100000000000000000LL /* 10^15 euros */

/*
 * Loads the budget of one administration and fiscal year from the text of
 * a budget file (format in docs/ledger.md): the administration (created on
 * first load), the fiscal year, the budget tree and the initial AE and CP.
 * actor must be an admin or an ordonnateur. Everything is checked first -
 * every problem a finding TANDEM-BUDGET-* with its line - and written in
 * one transaction, with an event holding the SHA-256 of the text, or not at
 * all. Loading the same text again changes nothing (*already set);
 * another budget for a year already loaded is refused (TANDEM_EEXIST):
 * changes go through movements. Returns 0, TANDEM_EBADINPUT, TANDEM_EPERM,
 * TANDEM_EEXIST, TANDEM_ELIMIT or the store's error.
 */
int tandem_ledger_budget_load(struct tandem_store *s, const char *actor, const char *text,
			      size_t len, struct tandem_diag *d, bool *already);

/* One node of a budget report, totals of its subtree: appropriations
 * (initial + movements); AE available = AE - commitments of the year; CP
 * available = CP (payment orders, which consume CP, come next). */
struct tandem_budget_row {
	const char *path;
	const char *level;
	const char *label;
	int depth;                 /* 0 for a root */
	int64_t ae_cents, cp_cents;               /* subtree, initial + movements */
	int64_t ae_committed_cents;               /* subtree, commitments of the year */
	int64_t ae_available_cents, cp_available_cents;
};

/*
 * The budget of an administration (its SIRET or Leitweg-ID) for a year, in
 * tree order, into the arena. TANDEM_ENOENT when there is no such budget.
 */
int tandem_ledger_budget_report(struct tandem_store *s, const char *administration, int year,
				struct tandem_arena *a, struct tandem_budget_row **rows,
				size_t *n);

/* ---- suppliers ---------------------------------------------------------- */

struct tandem_supplier_in {
	const char *administration; /* its SIRET or Leitweg-ID */
	const char *name;
	const char *country;        /* ISO 3166-1 alpha-2 */
	const char *siret;          /* a French supplier's SIRET (checked), or NULL */
	const char *vat_id;         /* VAT number (FR and DE checked), or NULL */
};

/*
 * Adds a supplier of an administration, known by its SIRET or VAT number
 * (at least one; each unique in the administration). actor: ordonnateur or
 * admin. Returns 0 (*id set), TANDEM_EBADINPUT (a finding says which
 * identifier fails its check), TANDEM_EEXIST, TANDEM_EPERM, TANDEM_ENOENT
 * (no such administration).
 */
int tandem_ledger_supplier_add(struct tandem_store *s, const char *actor,
			       const struct tandem_supplier_in *in, struct tandem_diag *d,
			       int64_t *id);

/*
 * Records a new bank account for a supplier (its SIRET or VAT number):
 * IBAN and BIC checked, who changed it and when, and on what evidence
 * (a person's sentence: "RIB received by registered letter of 3 March").
 * The latest account is the one payments go to; the history is kept.
 * actor: ordonnateur or admin.
 */
int tandem_ledger_supplier_account(struct tandem_store *s, const char *actor,
				   const char *administration, const char *supplier,
				   const char *iban, const char *bic, const char *evidence,
				   struct tandem_diag *d);

/* ---- legal commitments ---------------------------------------------------- */

struct tandem_commitment_in {
	const char *administration; /* its SIRET or Leitweg-ID */
	int year;
	const char *number;         /* EJ number / Bestellnummer: BT-13 of the invoices */
	const char *supplier;       /* its SIRET or VAT number */
	const char *budget_path;    /* the node it is imputed on */
	const char *object;
	int64_t amount_cents;       /* > 0 */
};

/*
 * Records a legal commitment, which consumes AE. actor: ordonnateur. The
 * availability control is made by the core, in the same transaction as the
 * write: the unit of control is the nearest node, from the imputed one up,
 * that carries an AE appropriation of its own (put AE on a programme to make
 * its actions fungible, on each Titel to bind each); the commitment must fit
 * in that node's AE (subtree appropriations + movements - commitments of
 * the year). Refusals, each with a finding TANDEM-COMMIT-*: TANDEM_EPERM
 * (role), TANDEM_ENOENT (administration, open year, supplier, node),
 * TANDEM_EEXIST (number taken this year), TANDEM_EBADINPUT (amount, no AE
 * above the node), TANDEM_ELIMIT (beyond the available AE: the finding
 * gives what is available). Returns 0 with *id set.
 */
int tandem_ledger_commit(struct tandem_store *s, const char *actor,
			 const struct tandem_commitment_in *in, struct tandem_diag *d,
			 int64_t *id);

/* ---- service done -------------------------------------------------------- */

/*
 * Certifies service done (service fait) on a commitment of an
 * administration and year, for an amount: what was delivered, which an
 * invoice may then be paid against. actor: ordonnateur. The certified
 * total of a commitment never exceeds its amount; a cancelled or closed
 * commitment takes none. Refusals, each with a finding TANDEM-CERTIFY-*:
 * TANDEM_EPERM, TANDEM_ENOENT (no such commitment), TANDEM_EBADINPUT
 * (amount, note, state), TANDEM_ELIMIT (beyond what is left to certify: the
 * finding says how much is). Returns 0 with *id set.
 */
int tandem_ledger_certify(struct tandem_store *s, const char *actor, const char *administration,
			  int year, const char *number, int64_t amount_cents, const char *note,
			  struct tandem_diag *d, int64_t *id);

#endif /* TANDEM_LEDGER_H */
