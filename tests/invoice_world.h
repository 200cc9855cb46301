/*
 * tests/invoice_world.h - the world of the invoice and payment tests
 * (tests/invoice_world.c) and the helpers they share.
 */
#ifndef TANDEM_INVOICE_WORLD_H
#define TANDEM_INVOICE_WORLD_H

#include <stdint.h>

#include "ledger_fixture.h"
#include "tandem/ledger.h"

#define ADMIN "11000201100044"
#define DUPONT "73282932000074"
#define LAPOSTE "35600000000048"

/* The budget file of the world: services SRV-ACHATS and SRV-IMMO, a
 * tolerance of 1 % or 5.00 EUR, a bank account and an address; GFP/156
 * with 1,000,000.00 EUR of AE and CP. */
extern const char invoice_world_budget[];

/* An invoice as the intake would give it; the file's bytes say what it is,
 * so that two different invoices never share a hash. */
struct fake {
	char file[256];
	struct tandem_invoice_in in;
};

/* Invoice `number` of Dupont to the administration on EJ ej (or none),
 * SRV-ACHATS, due cents. */
void fake(struct fake *x, const char *number, const char *ej, int64_t due);
/* Imports one invoice: its code, and its status and reason into r. */
int import1(struct fixture *f, const char *actor, const struct fake *x,
	    struct tandem_invoice_result *r);
/* Loads the budget; adds Dupont (with an account and an address) and La
 * Poste (neither), the commitments EJ-1 and EJ-2 (Dupont) and EJ-POSTE of
 * 1,000.00 EUR each on GFP/156/01, and audrey the auditeur. */
void world(struct fixture *f);
/* The status of an invoice. */
const char *status_of(struct fixture *f, int64_t id);
/* Service done on a commitment of 2026, by olga. */
void certify(struct fixture *f, const char *ej, int64_t cents);
/* Every journal entry has two lines or more and balances, and the running
 * totals of every commitment (invoiced, certified) are what they sum. */
void assert_books_balance(struct fixture *f);

#endif /* TANDEM_INVOICE_WORLD_H */
