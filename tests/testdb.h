/*
 * tests/testdb.h - where a test's store lives, on either engine: a fresh
 * SQLite file in a private directory, or a fresh PostgreSQL schema on the
 * server of TANDEM_TEST_PG (the test says skip when it is not set). Each
 * is removed with everything in it.
 */
#ifndef TANDEM_TESTDB_H
#define TANDEM_TESTDB_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "tandem/store.h"

enum engine { ENGINE_SQLITE, ENGINE_PG };

struct tdb {
	enum engine engine;
	char dir[64];
	char path[128];
	char schema[64];
	char where[1024];     /* what tandem_store_open() is given */
};

void tdb_init(struct tdb *t, enum engine e);
void tdb_remove(struct tdb *t);

/* What the store's place holds, for "left as it was": the file's bytes, or
 * the schema's relations and their kinds (malloc'ed; free it). */
char *tdb_snapshot(const struct tdb *t, size_t *len);

/* The PostgreSQL server of the tests (skip when unset), a maintenance
 * connection to it (PQfinish it), a statement and a one-value query on it. */
const char *pg_base(void);
PGconn *pg_admin(void);
void pg_admin_exec(const char *sql);
void pg_admin_text(const char *sql, char *out, size_t size);

/* The integer of the first column of a query's first row (asserted). */
int64_t tdb_query_i64(struct tandem_store *s, const char *sql);

/* A test body run on both engines: TEST(name_sqlite) and TEST(name_pg). */
#define BOTH_ENGINES(name)                                                     \
	TEST(name##_sqlite) { name(ENGINE_SQLITE); }                           \
	TEST(name##_pg) { name(ENGINE_PG); }

#endif /* TANDEM_TESTDB_H */
