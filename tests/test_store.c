/*
 * tests/test_store.c - the store (tandem/store.h) and the ledger schema, on
 * both engines: every behaviour of the interface is one function run twice,
 * as NAME_sqlite (always) and NAME_pg (when TANDEM_TEST_PG holds the
 * postgresql:// URL of a server to test on, else it says skip). Opening,
 * refusing what is not tandem's without touching it, migrations (applied
 * once, rolled back whole, newer refused), statements and their
 * parameters, constraint errors mapped to codes, transactions, a failure
 * inside a transaction, a second writer. Then what is each engine's own:
 * SQLite's durable settings and corrupt files; PostgreSQL's marker, lock
 * and isolation, a refused connection, serialization failures.
 *
 * Each PostgreSQL test works in a schema of its own (the connection's
 * search_path), created and dropped through a maintenance connection.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/store.h"
#include "test.h"
#include "testdb.h"

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ASSERT(f != NULL);
	ASSERT_EQ(fwrite(data, 1, len, f), len);
	ASSERT_EQ(fclose(f), 0);
}

static void diag_renew(struct tandem_diag *d)
{
	tandem_diag_release(d);
	tandem_diag_init(d, 20);
}

static bool has_rule(const struct tandem_diag *d, const char *rule)
{
	for (size_t i = 0; i < d->count; i++)
		if (strcmp(d->items[i].rule, rule) == 0)
			return true;
	return false;
}

static const char *message_of(const struct tandem_diag *d, const char *rule)
{
	for (size_t i = 0; i < d->count; i++)
		if (strcmp(d->items[i].rule, rule) == 0)
			return d->items[i].message;
	return NULL;
}

/* The text of the first column of the first row, into out. */
static void query_text(struct tandem_store *s, const char *sql, char *out, size_t size)
{
	struct tandem_stmt *st;

	ASSERT_EQ(tandem_store_prepare(s, sql, &st), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT(tandem_stmt_text(st, 0) != NULL);
	snprintf(out, size, "%s", tandem_stmt_text(st, 0));
	tandem_stmt_finalize(st);
}

/* Does this table exist? Asked the same way on both engines: a query on it
 * prepares only when it does. */
static bool has_table(struct tandem_store *s, const char *table)
{
	struct tandem_stmt *st;
	char sql[128];
	int rc;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	rc = tandem_store_prepare(s, sql, &st);
	if (rc == 0)
		tandem_stmt_finalize(st);
	else
		ASSERT_EQ(rc, TANDEM_EIO);
	return rc == 0;
}

/* ---- both engines ------------------------------------------------------ */

static void store_open_create(enum engine e)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	size_t len;
	char *before;

	tdb_init(&t, e);
	tandem_diag_init(&d, 10);
	/* Without CREATE nothing is made. */
	before = tdb_snapshot(&t, &len);
	ASSERT_EQ(len, 0);
	free(before);
	ASSERT_EQ(tandem_store_open(t.where, 0, &d, &s), TANDEM_ENOENT);
	ASSERT(s == NULL);
	ASSERT(has_rule(&d, "TANDEM-STORE-OPEN"));
	before = tdb_snapshot(&t, &len);
	ASSERT_EQ(len, 0);
	free(before);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_kind(s), e == ENGINE_SQLITE ? TANDEM_STORE_SQLITE :
							     TANDEM_STORE_POSTGRES);
	ASSERT_STR_EQ(tandem_store_errmsg(s), "");
	tandem_store_close(s);
	/* Reopened without CREATE: it is tandem's now. */
	ASSERT_EQ(tandem_store_open(t.where, 0, &d, &s), 0);
	tandem_store_close(s);
	ASSERT_EQ(tandem_store_open(t.where, 0x80, &d, &s), TANDEM_EINVAL);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_open_create)

/* Another application's database is refused, left exactly as it was. */
static void store_refuses_foreign(enum engine e)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	size_t len0, len1;
	char *before, *after;

	tdb_init(&t, e);
	tandem_diag_init(&d, 10);
	if (e == ENGINE_SQLITE) {
		sqlite3 *db;

		ASSERT_EQ(sqlite3_open(t.path, &db), SQLITE_OK);
		ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE accounts (a); INSERT INTO accounts "
					   "VALUES (1)", NULL, NULL, NULL), SQLITE_OK);
		ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
	} else {
		char sql[256];

		snprintf(sql, sizeof sql, "CREATE TABLE %s.accounts (a BIGINT); "
			 "INSERT INTO %s.accounts VALUES (1)", t.schema, t.schema);
		pg_admin_exec(sql);
	}
	before = tdb_snapshot(&t, &len0);
	ASSERT_GT(len0, 0);
	ASSERT_EQ(tandem_ledger_open(t.where, TANDEM_STORE_CREATE, &d, &s), TANDEM_EBADINPUT);
	ASSERT(s == NULL);
	ASSERT(has_rule(&d, "TANDEM-STORE-FOREIGN"));
	after = tdb_snapshot(&t, &len1);
	ASSERT_EQ(len0, len1);
	ASSERT_MEM_EQ(before, after, len0);
	if (e == ENGINE_PG)
		ASSERT_STR_EQ(after, "accounts:r");
	free(before);
	free(after);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_refuses_foreign)

static const struct tandem_migration two[] = {
	{ 1, "first", "CREATE TABLE a (id {id}, name TEXT NOT NULL UNIQUE, data {blob})", NULL },
	{ 2, "second", "CREATE TABLE b (id {id}, a_id BIGINT NOT NULL REFERENCES a (id),"
		       " n BIGINT NOT NULL CHECK (n >= 0))", NULL },
};

/* The third fails at its second statement, after its first made a table. */
static const struct tandem_migration broken[] = {
	{ 1, "first", "CREATE TABLE a (id {id}, name TEXT NOT NULL UNIQUE, data {blob})", NULL },
	{ 2, "second", "CREATE TABLE b (id {id}, a_id BIGINT NOT NULL REFERENCES a (id),"
		       " n BIGINT NOT NULL CHECK (n >= 0))", NULL },
	{ 3, "half", "CREATE TABLE c (x BIGINT); INSERT INTO c VALUES (1); CREATE TABLE oops (",
	  NULL },
};

static void store_migrations(enum engine e)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	int v;

	tdb_init(&t, e);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_version(s, &v), 0);
	ASSERT_EQ(v, 0);
	ASSERT_EQ(tandem_store_migrate(s, two, 1, &d), 0);
	ASSERT_EQ(tandem_store_version(s, &v), 0);
	ASSERT_EQ(v, 1);
	/* An upgrade applies only what is missing, and says so. */
	diag_renew(&d);
	ASSERT_EQ(tandem_store_migrate(s, two, 2, &d), 0);
	ASSERT_EQ(d.count, 1);
	ASSERT_STR_CONTAINS(d.items[0].message, "schema version 2 applied: second");
	diag_renew(&d);
	ASSERT_EQ(tandem_store_migrate(s, two, 2, &d), 0);
	ASSERT_EQ(d.count, 0);
	/* A migration that fails leaves nothing of itself. */
	ASSERT(has_table(s, "b"));
	ASSERT_EQ(tandem_store_migrate(s, broken, 3, &d), TANDEM_EIO);
	ASSERT(has_rule(&d, "TANDEM-STORE-MIGRATION"));
	ASSERT_EQ(tandem_store_version(s, &v), 0);
	ASSERT_EQ(v, 2);
	ASSERT(!has_table(s, "c"));
	/* A database from a newer tandem is refused untouched. */
	diag_renew(&d);
	ASSERT_EQ(tandem_store_migrate(s, two, 1, &d), TANDEM_EUNSUPPORTED);
	ASSERT(has_rule(&d, "TANDEM-STORE-NEWER"));
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM tandem_schema"), 2);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_migrations)

static const struct tandem_migration with_values[] = {
	{ 1, "first", "CREATE TABLE a (id {id}, name TEXT NOT NULL UNIQUE, data {blob})", NULL },
	{ 2, "second", "CREATE TABLE b (id {id}, a_id BIGINT NOT NULL REFERENCES a (id),"
		       " n BIGINT NOT NULL CHECK (n >= 0))", NULL },
	{ 3, "values", "CREATE TABLE v (i BIGINT, t TEXT, b {blob})", NULL },
};

static void store_statements_and_constraints(enum engine e)
{
	static const unsigned char bytes[] = { 0, 1, 2, 0xff, 0 };
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	struct tandem_stmt *st;
	size_t len;

	tdb_init(&t, e);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_migrate(s, two, 2, &d), 0);
	/* Parameters are bound by number whatever their order in the SQL. */
	ASSERT_EQ(tandem_store_prepare(s, "INSERT INTO a (data, name) VALUES ($2, $1)", &st), 0);
	ASSERT_EQ(tandem_stmt_bind_text(st, 1, "first"), 0);
	ASSERT_EQ(tandem_stmt_bind_blob(st, 2, bytes, sizeof bytes), 0);
	ASSERT_EQ(tandem_stmt_step(st), 0);
	ASSERT_EQ(tandem_stmt_reset(st), 0);
	/* The same name twice: EEXIST. */
	ASSERT_EQ(tandem_stmt_step(st), TANDEM_EEXIST);
	ASSERT_STR_CONTAINS(tandem_store_errmsg(s),
			    e == ENGINE_SQLITE ? "UNIQUE" : "unique constraint");
	ASSERT_EQ(tandem_stmt_bind_text(st, 1, NULL), 0);
	ASSERT_EQ(tandem_stmt_reset(st), 0);
	ASSERT_EQ(tandem_stmt_step(st), TANDEM_EBADINPUT); /* NOT NULL */
	ASSERT_EQ(tandem_stmt_bind_i64(st, 3, 1), TANDEM_EINVAL);
	ASSERT_EQ(tandem_stmt_bind_i64(st, 0, 1), TANDEM_EINVAL);
	tandem_stmt_finalize(st);

	ASSERT_EQ(tandem_store_prepare(s, "INSERT INTO b (a_id, n) VALUES ($1, $2)", &st), 0);
	ASSERT_EQ(tandem_stmt_bind_i64(st, 1, 99), 0);
	ASSERT_EQ(tandem_stmt_bind_i64(st, 2, 1), 0);
	ASSERT_EQ(tandem_stmt_step(st), TANDEM_ENOENT); /* no such a */
	ASSERT_EQ(tandem_stmt_bind_i64(st, 1, 1), 0);
	ASSERT_EQ(tandem_stmt_bind_i64(st, 2, -5), 0);
	ASSERT_EQ(tandem_stmt_reset(st), 0);
	ASSERT_EQ(tandem_stmt_step(st), TANDEM_EBADINPUT); /* CHECK */
	/* A statement that ran is reset before it is bound again. */
	ASSERT_EQ(tandem_stmt_bind_i64(st, 2, 5), 0);
	ASSERT_EQ(tandem_stmt_step(st), 0);
	ASSERT_EQ(tandem_stmt_bind_i64(st, 2, 6), TANDEM_EINVAL);
	ASSERT_EQ(tandem_stmt_reset(st), 0);
	ASSERT_EQ(tandem_stmt_bind_i64(st, 2, 6), 0);
	ASSERT_EQ(tandem_stmt_step(st), 0);
	tandem_stmt_finalize(st);
	ASSERT_EQ(tdb_query_i64(s, "SELECT sum(n) FROM b"), 11);

	ASSERT_EQ(tandem_store_prepare(s, "SELECT name, data, NULL FROM a", &st), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT_STR_EQ(tandem_stmt_text(st, 0), "first");
	const void *blob = tandem_stmt_blob(st, 1, &len);

	ASSERT_EQ(len, sizeof bytes);
	ASSERT_MEM_EQ(blob, bytes, len);
	ASSERT(tandem_stmt_is_null(st, 2));
	ASSERT(tandem_stmt_text(st, 2) == NULL);
	ASSERT_EQ(tandem_stmt_step(st), 0);
	tandem_stmt_finalize(st);
	ASSERT_EQ(tandem_store_prepare(s, "SELEC nonsense", &st), TANDEM_EIO);
	ASSERT(st == NULL);
	ASSERT_EQ(tandem_store_prepare(s, "  ", &st), TANDEM_EINVAL);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_statements_and_constraints)

/* Values come back as they went in: the extremes of int64, UTF-8 text,
 * every byte value, empty text and empty blobs, several rows. */
static void store_values_round_trip(enum engine e)
{
	static const int64_t ints[] = { INT64_MIN, -1, 0, 1, INT64_MAX };
	unsigned char all[256];
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	struct tandem_stmt *st;
	size_t len, rows = 0;

	for (size_t i = 0; i < sizeof all; i++)
		all[i] = (unsigned char)(255 - i);
	tdb_init(&t, e);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_migrate(s, with_values, 3, &d), 0);
	ASSERT_EQ(tandem_store_prepare(s, "INSERT INTO v (i, t, b) VALUES ($1, $2, $3)", &st), 0);
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		ASSERT_EQ(tandem_stmt_reset(st), 0);
		ASSERT_EQ(tandem_stmt_bind_i64(st, 1, ints[i]), 0);
		ASSERT_EQ(tandem_stmt_bind_text(st, 2, i == 0 ? "" : "Gestion fiscale \xc3\xa9\xe2\x82\xac"), 0);
		ASSERT_EQ(tandem_stmt_bind_blob(st, 3, all, i), 0); /* 0 .. 4 bytes */
		ASSERT_EQ(tandem_stmt_step(st), 0);
	}
	ASSERT_EQ(tandem_stmt_reset(st), 0);
	ASSERT_EQ(tandem_stmt_bind_null(st, 1), 0);
	ASSERT_EQ(tandem_stmt_bind_null(st, 2), 0);
	ASSERT_EQ(tandem_stmt_bind_blob(st, 3, all, sizeof all), 0);
	ASSERT_EQ(tandem_stmt_step(st), 0);
	tandem_stmt_finalize(st);

	ASSERT_EQ(tandem_store_prepare(s, "SELECT i, t, b FROM v WHERE i IS NOT NULL ORDER BY i",
				       &st), 0);
	while (tandem_stmt_step(st) == 1) {
		const void *b = tandem_stmt_blob(st, 2, &len);

		ASSERT_LT(rows, sizeof ints / sizeof ints[0]);
		ASSERT_EQ(tandem_stmt_i64(st, 0), ints[rows]);
		ASSERT_STR_EQ(tandem_stmt_text(st, 1),
			      rows == 0 ? "" : "Gestion fiscale \xc3\xa9\xe2\x82\xac");
		ASSERT_EQ(len, rows);
		if (len > 0)
			ASSERT_MEM_EQ(b, all, len);
		rows++;
	}
	ASSERT_EQ(rows, sizeof ints / sizeof ints[0]);
	tandem_stmt_finalize(st);
	ASSERT_EQ(tandem_store_prepare(s, "SELECT i, t, b FROM v WHERE i IS NULL", &st), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT(tandem_stmt_is_null(st, 0));
	ASSERT_EQ(tandem_stmt_i64(st, 0), 0);
	ASSERT(tandem_stmt_text(st, 1) == NULL);
	const void *b = tandem_stmt_blob(st, 2, &len);

	ASSERT_EQ(len, sizeof all);
	ASSERT_MEM_EQ(b, all, len);
	ASSERT_EQ(tandem_stmt_step(st), 0);
	/* A statement done runs again at the next step, as SQLite does. */
	ASSERT_EQ(tandem_stmt_step(st), 1);
	tandem_stmt_finalize(st);
	/* Parameters compared in SQL, and a sum of amounts. */
	ASSERT_EQ(tandem_store_prepare(s, "SELECT count(*) FROM v WHERE i > $1 AND t = $2", &st), 0);
	ASSERT_EQ(tandem_stmt_bind_i64(st, 1, -1), 0);
	ASSERT_EQ(tandem_stmt_bind_text(st, 2, "Gestion fiscale \xc3\xa9\xe2\x82\xac"), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT_EQ(tandem_stmt_i64(st, 0), 3);
	tandem_stmt_finalize(st);
	ASSERT_EQ(tdb_query_i64(s, "SELECT sum(i) FROM v WHERE i BETWEEN -1 AND 1"), 0);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_values_round_trip)

static void store_transactions(enum engine e)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;

	tdb_init(&t, e);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_migrate(s, two, 1, &d), 0);
	ASSERT_EQ(tandem_store_commit(s), TANDEM_EINVAL);
	ASSERT_EQ(tandem_store_begin(s), 0);
	ASSERT_EQ(tandem_store_begin(s), TANDEM_EINVAL);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('rolled back')"), 0);
	ASSERT_EQ(tandem_store_rollback(s), 0);
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM a"), 0);
	/* A bulk transaction: only inside one; on PostgreSQL each run of a
	 * kept statement is then planned afresh, until the transaction ends. */
	ASSERT_EQ(tandem_store_bulk(s), TANDEM_EINVAL);
	ASSERT_EQ(tandem_store_begin(s), 0);
	ASSERT_EQ(tandem_store_bulk(s), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('kept')"), 0);
	if (e == ENGINE_PG)
		ASSERT_EQ(tdb_query_i64(s, "SELECT CASE WHEN current_setting('plan_cache_mode') = "
				    "'force_custom_plan' THEN 1 ELSE 0 END"), 1);
	ASSERT_EQ(tandem_store_commit(s), 0);
	if (e == ENGINE_PG)
		ASSERT_EQ(tdb_query_i64(s, "SELECT CASE WHEN current_setting('plan_cache_mode') = "
				    "'auto' THEN 1 ELSE 0 END"), 1);
	/* Closing with a transaction open rolls it back. */
	ASSERT_EQ(tandem_store_begin(s), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('lost')"), 0);
	tandem_store_close(s);
	ASSERT_EQ(tandem_store_open(t.where, 0, &d, &s), 0);
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM a"), 1);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_transactions)

/* A statement that fails inside a transaction leaves the transaction as it
 * was: the caller may act on the code and go on (PostgreSQL alone would
 * abort the whole transaction). */
static void store_failure_inside_transaction(enum engine e)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	struct tandem_stmt *st;

	tdb_init(&t, e);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_migrate(s, two, 2, &d), 0);
	ASSERT_EQ(tandem_store_begin(s), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('x')"), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('x')"), TANDEM_EEXIST);
	ASSERT_EQ(tandem_store_prepare(s, "SELEC nonsense", &st), TANDEM_EIO);
	ASSERT_EQ(tandem_store_prepare(s, "INSERT INTO b (a_id, n) VALUES ($1, 1)", &st), 0);
	ASSERT_EQ(tandem_stmt_bind_i64(st, 1, 42), 0);
	ASSERT_EQ(tandem_stmt_step(st), TANDEM_ENOENT);
	tandem_stmt_finalize(st);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('y')"), 0);
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM a"), 2);
	ASSERT_EQ(tandem_store_commit(s), 0);
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM a"), 2);
	/* And again in the next transaction (no savepoint left behind). */
	ASSERT_EQ(tandem_store_begin(s), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('y')"), TANDEM_EEXIST);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('z')"), 0);
	ASSERT_EQ(tandem_store_rollback(s), 0);
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM a"), 2);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_failure_inside_transaction)

/* Marks: items of a batch in one transaction, each kept or undone whole,
 * a failed statement inside an item included; misuse refused. */
static void store_marks(enum engine e)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;

	tdb_init(&t, e);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_migrate(s, two, 2, &d), 0);
	ASSERT_EQ(tandem_store_mark(s), TANDEM_EINVAL);
	ASSERT_EQ(tandem_store_begin(s), 0);
	ASSERT_EQ(tandem_store_mark_keep(s), TANDEM_EINVAL);
	/* Item 1, kept. */
	ASSERT_EQ(tandem_store_mark(s), 0);
	ASSERT_EQ(tandem_store_mark(s), TANDEM_EINVAL);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('one')"), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('one-b')"), 0);
	ASSERT_EQ(tandem_store_commit(s), TANDEM_EINVAL); /* the mark is still set */
	ASSERT_EQ(tandem_store_mark_keep(s), 0);
	/* Item 2: a statement fails in the middle, the item is undone whole. */
	ASSERT_EQ(tandem_store_mark(s), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('two')"), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('one')"), TANDEM_EEXIST);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('two-b')"), 0);
	ASSERT_EQ(tandem_store_mark_undo(s), 0);
	/* Item 3, kept after an undone one. */
	ASSERT_EQ(tandem_store_mark(s), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('three')"), 0);
	ASSERT_EQ(tandem_store_mark_keep(s), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('four')"), 0);
	ASSERT_EQ(tandem_store_commit(s), 0);
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM a"), 4);
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM a WHERE name LIKE 'two%'"), 0);
	/* A rollback drops a mark with the transaction. */
	ASSERT_EQ(tandem_store_begin(s), 0);
	ASSERT_EQ(tandem_store_mark(s), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('five')"), 0);
	ASSERT_EQ(tandem_store_rollback(s), 0);
	ASSERT_EQ(tandem_store_begin(s), 0);
	ASSERT_EQ(tandem_store_mark(s), 0);
	ASSERT_EQ(tandem_store_mark_undo(s), 0);
	ASSERT_EQ(tandem_store_commit(s), 0);
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM a"), 4);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_marks)

/* Writers queue: a second one waits TANDEM_STORE_BUSY_MS for the first,
 * then gives up with TANDEM_EIO; readers do not wait and see only what
 * was committed; once the first commits, the second sees its work. */
static void store_second_writer_waits(enum engine e)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s1, *s2;

	tdb_init(&t, e);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s1), 0);
	ASSERT_EQ(tandem_store_migrate(s1, two, 1, &d), 0);
	ASSERT_EQ(tandem_store_open(t.where, 0, &d, &s2), 0);
	ASSERT_EQ(tandem_store_begin(s1), 0);
	ASSERT_EQ(tandem_store_exec(s1, "INSERT INTO a (name) VALUES ('first')"), 0);
	ASSERT_EQ(tdb_query_i64(s2, "SELECT count(*) FROM a"), 0);
	ASSERT_EQ(tandem_store_begin(s2), TANDEM_EIO);
	ASSERT_STR_CONTAINS(tandem_store_errmsg(s2), e == ENGINE_SQLITE ? "locked" : "busy");
	ASSERT_EQ(tandem_store_rollback(s2), TANDEM_EINVAL); /* none was opened */
	ASSERT_EQ(tandem_store_commit(s1), 0);
	ASSERT_EQ(tandem_store_begin(s2), 0);
	ASSERT_EQ(tdb_query_i64(s2, "SELECT count(*) FROM a"), 1);
	ASSERT_EQ(tandem_store_exec(s2, "INSERT INTO a (name) VALUES ('second')"), 0);
	ASSERT_EQ(tandem_store_commit(s2), 0);
	ASSERT_EQ(tdb_query_i64(s1, "SELECT count(*) FROM a"), 2);
	tandem_store_close(s2);
	tandem_store_close(s1);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_second_writer_waits)

static void ledger_schema_v1(enum engine e)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	int v;

	tdb_init(&t, e);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_ledger_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT(has_rule(&d, "TANDEM-STORE-MIGRATED"));
	ASSERT_EQ(tandem_store_version(s, &v), 0);
	ASSERT_EQ(v, tandem_ledger_schema_version());
	ASSERT_GE(v, 1);
	/* The rules the schema itself holds. Ids are looked up, not assumed:
	 * PostgreSQL spends an identity number on a row it then refuses. */
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO administration (country, name, created_at) "
				       "VALUES ('FR', 'no SIRET', '2026-11-22T00:00:00Z')"),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO administration (country, name, siret, "
				       "created_at) VALUES ('FR', 'DGFiP', '11000201100044', "
				       "'2026-11-22T00:00:00Z')"), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO fiscal_year (administration_id, year) "
				       "SELECT id, 2026 FROM administration"), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO fiscal_year (administration_id, year) "
				       "SELECT id, 2026 FROM administration"), TANDEM_EEXIST);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO budget_node (administration_id, level, code, "
				       "path, label) SELECT id, 'programme', '156', '156', "
				       "'Gestion fiscale' FROM administration"), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO appropriation (fiscal_year_id, budget_node_id, "
				       "kind, initial_cents) SELECT f.id, n.id, 'AE', -1 "
				       "FROM fiscal_year f, budget_node n"), TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO appropriation (fiscal_year_id, budget_node_id, "
				       "kind, initial_cents) SELECT id, 7000, 'AE', 100 "
				       "FROM fiscal_year"), TANDEM_ENOENT);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO appropriation (fiscal_year_id, budget_node_id, "
				       "kind, initial_cents) SELECT f.id, n.id, 'AE', 100000000 "
				       "FROM fiscal_year f, budget_node n"), 0);
	ASSERT_EQ(tdb_query_i64(s, "SELECT sum(initial_cents) FROM appropriation"), 100000000);
	tandem_store_close(s);
	/* Opening again changes nothing. */
	diag_renew(&d);
	ASSERT_EQ(tandem_ledger_open(t.where, 0, &d, &s), 0);
	ASSERT_EQ(d.count, 0);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(ledger_schema_v1)

/* ---- SQLite only ------------------------------------------------------- */

/* Durable and checked: WAL, synchronous FULL (2), foreign keys, the mark. */
TEST(store_sqlite_settings)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	struct tandem_stmt *q;

	tdb_init(&t, ENGINE_SQLITE);
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_store_open(t.path, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_prepare(s, "PRAGMA journal_mode", &q), 0);
	ASSERT_EQ(tandem_stmt_step(q), 1);
	ASSERT_STR_EQ(tandem_stmt_text(q, 0), "wal");
	tandem_stmt_finalize(q);
	ASSERT_EQ(tdb_query_i64(s, "PRAGMA synchronous"), 2);
	ASSERT_EQ(tdb_query_i64(s, "PRAGMA foreign_keys"), 1);
	ASSERT_EQ(tdb_query_i64(s, "PRAGMA application_id"), 0x54414E44);
	tandem_store_close(s);
	/* A directory, and bad arguments. */
	ASSERT_EQ(tandem_store_open(t.dir, 0, &d, &s), TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_store_open("", 0, &d, &s), TANDEM_EINVAL);
	tandem_diag_release(&d);
	tdb_remove(&t);
}

/* A file that is not a database is refused, byte for byte as it was. */
TEST(store_sqlite_refuses_corrupt_file)
{
	static const char garbage[] = "SQLite format 3\0 but then nothing that makes sense......"
				      "....................................................";
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	size_t len;
	char *after;

	tdb_init(&t, ENGINE_SQLITE);
	tandem_diag_init(&d, 10);
	write_file(t.path, garbage, sizeof garbage);
	ASSERT_EQ(tandem_store_open(t.path, TANDEM_STORE_CREATE, &d, &s), TANDEM_EBADINPUT);
	ASSERT(has_rule(&d, "TANDEM-STORE-NOT-DATABASE"));
	after = test_read_file(t.path, &len);
	ASSERT(after != NULL);
	ASSERT_EQ(len, sizeof garbage);
	ASSERT_MEM_EQ(after, garbage, len);
	free(after);
	tandem_diag_release(&d);
	tdb_remove(&t);
}

/* ---- PostgreSQL only --------------------------------------------------- */

/* No server listens on a port bound but not listening: the connection is
 * refused at once, TANDEM_EIO, and the password is never repeated. Needs
 * no PostgreSQL server: it always runs. */
TEST(store_pg_connection_refused)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof a;
	struct tandem_diag d;
	struct tandem_store *s;
	char url[128];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ASSERT(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ASSERT_EQ(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	snprintf(url, sizeof url, "postgresql://clerk:s3cret@127.0.0.1:%d/ledger",
		 ntohs(a.sin_port));
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_store_open(url, TANDEM_STORE_CREATE, &d, &s), TANDEM_EIO);
	ASSERT(s == NULL);
	ASSERT(has_rule(&d, "TANDEM-STORE-OPEN"));
	ASSERT_STR_CONTAINS(message_of(&d, "TANDEM-STORE-OPEN"), "Connection refused");
	ASSERT_STR_CONTAINS(message_of(&d, "TANDEM-STORE-OPEN"), "clerk@127.0.0.1");
	ASSERT(strstr(message_of(&d, "TANDEM-STORE-OPEN"), "s3cret") == NULL);
	ASSERT(strstr(d.items[0].path, "s3cret") == NULL);
	/* A connection string libpq cannot read. */
	diag_renew(&d);
	ASSERT_EQ(tandem_store_open("postgresql://host/db?no_such_option=1", 0, &d, &s),
		  TANDEM_EBADINPUT);
	ASSERT(has_rule(&d, "TANDEM-STORE-OPEN"));
	ASSERT_STR_CONTAINS(message_of(&d, "TANDEM-STORE-OPEN"), "no_such_option");
	tandem_diag_release(&d);
	close(fd);
}

/* The marker, the lock timeout, the isolation of a transaction, how the
 * schema words are spelt, and a search_path naming no schema. */
TEST(store_pg_settings)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	char text[64], where[1100];

	tdb_init(&t, ENGINE_PG);
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tdb_query_i64(s, "SELECT application_id FROM tandem_store"), 0x54414E44);
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM tandem_store"), 1);
	query_text(s, "SHOW lock_timeout", text, sizeof text);
	ASSERT_STR_EQ(text, "5s");
	query_text(s, "SHOW client_encoding", text, sizeof text);
	ASSERT_STR_EQ(text, "UTF8");
	ASSERT_EQ(tandem_store_begin(s), 0);
	query_text(s, "SHOW transaction_isolation", text, sizeof text);
	ASSERT_STR_EQ(text, "serializable");
	ASSERT_EQ(tandem_store_rollback(s), 0);
	ASSERT_EQ(tandem_store_migrate(s, two, 1, &d), 0);
	query_text(s, "SELECT data_type FROM information_schema.columns WHERE "
		      "table_schema = current_schema() AND table_name = 'a' AND "
		      "column_name = 'data'", text, sizeof text);
	ASSERT_STR_EQ(text, "bytea");
	query_text(s, "SELECT is_identity FROM information_schema.columns WHERE "
		      "table_schema = current_schema() AND table_name = 'a' AND "
		      "column_name = 'id'", text, sizeof text);
	ASSERT_STR_EQ(text, "YES");
	tandem_store_close(s);
	/* A search_path that names no schema: nothing to open, nothing made. */
	snprintf(where, sizeof where, "%s_absent", t.where);
	ASSERT_EQ(tandem_store_open(where, TANDEM_STORE_CREATE, &d, &s), TANDEM_ENOENT);
	ASSERT_STR_CONTAINS(message_of(&d, "TANDEM-STORE-OPEN"), "no schema");
	tandem_diag_release(&d);
	tdb_remove(&t);
}

/* A writer that bypasses tandem's lock (here a serializable transaction of
 * another client) makes a write skew with a tandem transaction: PostgreSQL
 * refuses one of them. The tandem side gets TANDEM_EIO saying to roll back
 * and run again, and its transaction stays failed until rolled back. */
TEST(store_pg_serialization_failure)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	PGconn *other;
	PGresult *r;
	char sql[256];
	int rc;

	tdb_init(&t, ENGINE_PG);
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_exec(s, "CREATE TABLE x (n BIGINT); CREATE TABLE y (n BIGINT)"), 0);
	ASSERT_EQ(tandem_store_begin(s), 0);
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM x"), 0);
	other = pg_admin();
	snprintf(sql, sizeof sql, "BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT count(*) FROM %s.y; "
		 "INSERT INTO %s.x VALUES (1); COMMIT", t.schema, t.schema);
	r = PQexec(other, sql);
	ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(other);
	rc = tandem_store_exec(s, "INSERT INTO y VALUES (1)");
	if (rc == 0)
		rc = tandem_store_commit(s);
	ASSERT_EQ(rc, TANDEM_EIO);
	ASSERT_STR_CONTAINS(tandem_store_errmsg(s), "rolled back, then run again");
	ASSERT_STR_CONTAINS(tandem_store_errmsg(s), "SQLSTATE 40001");
	ASSERT_EQ(tandem_store_rollback(s), 0);
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM y"), 0);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
