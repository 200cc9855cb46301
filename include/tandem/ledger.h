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

#endif /* TANDEM_LEDGER_H */
