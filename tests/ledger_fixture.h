/*
 * tests/ledger_fixture.h - a ledger database for a test, on either engine,
 * with its users (alice the admin, olga the ordonnateur, carl the
 * comptable), and the questions tests ask of it.
 */
#ifndef TANDEM_LEDGER_FIXTURE_H
#define TANDEM_LEDGER_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "tandem/diag.h"
#include "tandem/store.h"
#include "testdb.h"

struct fixture {
	struct tdb t;
	struct tandem_store *s;
	struct tandem_diag d;
};

/* A new ledger database; users: alice (admin), olga (ordonnateur), carl
 * (comptable). */
void setup(struct fixture *f, enum engine e, bool users);
void teardown(struct fixture *f);
/* Forgets the findings so far. */
void renew(struct fixture *f);
/* Rows of a table. */
int64_t count(struct fixture *f, const char *table);
/* The first column of the first row of a query, as an integer. */
int64_t query_i64_f(struct fixture *f, const char *sql);
/* Does a finding's message hold text? */
bool message_has(const struct tandem_diag *d, const char *text);

#endif /* TANDEM_LEDGER_FIXTURE_H */
