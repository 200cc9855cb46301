/*
 * tests/test_store.c - the store (tandem/store.h) on SQLite and the ledger
 * schema: opening, refusing what is not tandem's without touching it,
 * migrations (applied once, rolled back whole, newer refused), statements
 * and their parameters, constraint errors mapped to codes, transactions,
 * and the settings that make commits durable.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/store.h"
#include "test.h"

/* A fresh path in a private directory, removed with its WAL files. */
struct tmpdb {
	char dir[64];
	char path[128];
};

static void tmpdb_init(struct tmpdb *t)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/tandem-store-XXXXXX");
	ASSERT(mkdtemp(t->dir) != NULL);
	snprintf(t->path, sizeof t->path, "%s/ledger.db", t->dir);
}

static void tmpdb_remove(struct tmpdb *t)
{
	char p[160];
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };

	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s%s", t->path, suffix[i]);
		(void)unlink(p);
	}
	(void)rmdir(t->dir);
}

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

static int64_t query_i64(struct tandem_store *s, const char *sql)
{
	struct tandem_stmt *st;
	int64_t v = -1;

	ASSERT_EQ(tandem_store_prepare(s, sql, &st), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	v = tandem_stmt_i64(st, 0);
	tandem_stmt_finalize(st);
	return v;
}

TEST(store_open_create_and_settings)
{
	struct tmpdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	struct stat st;
	struct tandem_stmt *q;

	tmpdb_init(&t);
	tandem_diag_init(&d, 10);
	/* Without CREATE nothing is made. */
	ASSERT_EQ(tandem_store_open(t.path, 0, &d, &s), TANDEM_ENOENT);
	ASSERT(s == NULL);
	ASSERT(has_rule(&d, "TANDEM-STORE-OPEN"));
	ASSERT(stat(t.path, &st) != 0);
	ASSERT_EQ(tandem_store_open(t.path, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_kind(s), TANDEM_STORE_SQLITE);
	/* Durable and checked: WAL, synchronous FULL (2), foreign keys. */
	ASSERT_EQ(tandem_store_prepare(s, "PRAGMA journal_mode", &q), 0);
	ASSERT_EQ(tandem_stmt_step(q), 1);
	ASSERT_STR_EQ(tandem_stmt_text(q, 0), "wal");
	tandem_stmt_finalize(q);
	ASSERT_EQ(query_i64(s, "PRAGMA synchronous"), 2);
	ASSERT_EQ(query_i64(s, "PRAGMA foreign_keys"), 1);
	ASSERT_EQ(query_i64(s, "PRAGMA application_id"), 0x54414E44);
	tandem_store_close(s);
	/* Reopened without CREATE: it is tandem's now. */
	ASSERT_EQ(tandem_store_open(t.path, 0, &d, &s), 0);
	tandem_store_close(s);
	/* A directory, and bad arguments. */
	ASSERT_EQ(tandem_store_open(t.dir, 0, &d, &s), TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_store_open("", 0, &d, &s), TANDEM_EINVAL);
	ASSERT_EQ(tandem_store_open(t.path, 0x80, &d, &s), TANDEM_EINVAL);
	ASSERT_EQ(tandem_store_open("postgresql://localhost/x", 0, &d, &s), TANDEM_EUNSUPPORTED);
	tandem_diag_release(&d);
	tmpdb_remove(&t);
}

/* What is not tandem's is refused, byte for byte as it was. */
TEST(store_refuses_foreign_and_corrupt_files)
{
	static const char garbage[] = "SQLite format 3\0 but then nothing that makes sense......"
				      "....................................................";
	struct tmpdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	sqlite3 *db;
	size_t len0, len1;
	char *before, *after;

	tmpdb_init(&t);
	tandem_diag_init(&d, 10);
	write_file(t.path, garbage, sizeof garbage);
	ASSERT_EQ(tandem_store_open(t.path, TANDEM_STORE_CREATE, &d, &s), TANDEM_EBADINPUT);
	ASSERT(has_rule(&d, "TANDEM-STORE-NOT-DATABASE"));
	after = test_read_file(t.path, &len1);
	ASSERT(after != NULL);
	ASSERT_EQ(len1, sizeof garbage);
	ASSERT_MEM_EQ(after, garbage, len1);
	free(after);
	tmpdb_remove(&t);

	/* Another application's database. */
	tmpdb_init(&t);
	ASSERT_EQ(sqlite3_open(t.path, &db), SQLITE_OK);
	ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE accounts (a); INSERT INTO accounts VALUES (1)",
			       NULL, NULL, NULL), SQLITE_OK);
	ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
	before = test_read_file(t.path, &len0);
	ASSERT(before != NULL);
	ASSERT_EQ(tandem_ledger_open(t.path, TANDEM_STORE_CREATE, &d, &s), TANDEM_EBADINPUT);
	ASSERT(has_rule(&d, "TANDEM-STORE-FOREIGN"));
	after = test_read_file(t.path, &len1);
	ASSERT(after != NULL);
	ASSERT_EQ(len0, len1);
	ASSERT_MEM_EQ(before, after, len0);
	free(before);
	free(after);
	tandem_diag_release(&d);
	tmpdb_remove(&t);
}

static const struct tandem_migration two[] = {
	{ 1, "first", "CREATE TABLE a (id {id}, name TEXT NOT NULL UNIQUE, data {blob})" },
	{ 2, "second", "CREATE TABLE b (id {id}, a_id BIGINT NOT NULL REFERENCES a (id),"
		       " n BIGINT NOT NULL CHECK (n >= 0))" },
};

static const struct tandem_migration broken[] = {
	{ 1, "first", "CREATE TABLE a (id {id}, name TEXT NOT NULL UNIQUE, data {blob})" },
	{ 2, "second", "CREATE TABLE b (id {id}, a_id BIGINT NOT NULL REFERENCES a (id),"
		       " n BIGINT NOT NULL CHECK (n >= 0))" },
	{ 3, "half", "CREATE TABLE c (x); CREATE TABLE oops (" },
};

TEST(store_migrations)
{
	struct tmpdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	int v;

	tmpdb_init(&t);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.path, TANDEM_STORE_CREATE, &d, &s), 0);
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
	ASSERT_EQ(tandem_store_migrate(s, broken, 3, &d), TANDEM_EIO);
	ASSERT(has_rule(&d, "TANDEM-STORE-MIGRATION"));
	ASSERT_EQ(tandem_store_version(s, &v), 0);
	ASSERT_EQ(v, 2);
	ASSERT_EQ(query_i64(s, "SELECT count(*) FROM sqlite_schema WHERE name = 'c'"), 0);
	/* A database from a newer tandem is refused untouched. */
	diag_renew(&d);
	ASSERT_EQ(tandem_store_migrate(s, two, 1, &d), TANDEM_EUNSUPPORTED);
	ASSERT(has_rule(&d, "TANDEM-STORE-NEWER"));
	ASSERT_EQ(query_i64(s, "SELECT count(*) FROM tandem_schema"), 2);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tmpdb_remove(&t);
}

TEST(store_statements_and_constraints)
{
	static const unsigned char bytes[] = { 0, 1, 2, 0xff, 0 };
	struct tmpdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	struct tandem_stmt *st;
	size_t len;

	tmpdb_init(&t);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.path, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_migrate(s, two, 2, &d), 0);
	/* Parameters are bound by number whatever their order in the SQL. */
	ASSERT_EQ(tandem_store_prepare(s, "INSERT INTO a (data, name) VALUES ($2, $1)", &st), 0);
	ASSERT_EQ(tandem_stmt_bind_text(st, 1, "first"), 0);
	ASSERT_EQ(tandem_stmt_bind_blob(st, 2, bytes, sizeof bytes), 0);
	ASSERT_EQ(tandem_stmt_step(st), 0);
	ASSERT_EQ(tandem_stmt_reset(st), 0);
	/* The same name twice: EEXIST. */
	ASSERT_EQ(tandem_stmt_step(st), TANDEM_EEXIST);
	ASSERT_STR_CONTAINS(tandem_store_errmsg(s), "UNIQUE");
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
	tandem_stmt_finalize(st);

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
	tandem_store_close(s);
	tandem_diag_release(&d);
	tmpdb_remove(&t);
}

TEST(store_transactions)
{
	struct tmpdb t;
	struct tandem_diag d;
	struct tandem_store *s;

	tmpdb_init(&t);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.path, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_migrate(s, two, 1, &d), 0);
	ASSERT_EQ(tandem_store_commit(s), TANDEM_EINVAL);
	ASSERT_EQ(tandem_store_begin(s), 0);
	ASSERT_EQ(tandem_store_begin(s), TANDEM_EINVAL);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('rolled back')"), 0);
	ASSERT_EQ(tandem_store_rollback(s), 0);
	ASSERT_EQ(query_i64(s, "SELECT count(*) FROM a"), 0);
	ASSERT_EQ(tandem_store_begin(s), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('kept')"), 0);
	ASSERT_EQ(tandem_store_commit(s), 0);
	/* Closing with a transaction open rolls it back. */
	ASSERT_EQ(tandem_store_begin(s), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('lost')"), 0);
	tandem_store_close(s);
	ASSERT_EQ(tandem_store_open(t.path, 0, &d, &s), 0);
	ASSERT_EQ(query_i64(s, "SELECT count(*) FROM a"), 1);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tmpdb_remove(&t);
}

TEST(ledger_schema_v1)
{
	struct tmpdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	int v;

	tmpdb_init(&t);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_ledger_open(t.path, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT(has_rule(&d, "TANDEM-STORE-MIGRATED"));
	ASSERT_EQ(tandem_store_version(s, &v), 0);
	ASSERT_EQ(v, tandem_ledger_schema_version());
	ASSERT_GE(v, 1);
	/* The rules the schema itself holds. */
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO administration (country, name, created_at) "
				       "VALUES ('FR', 'no SIRET', '2026-11-22T00:00:00Z')"),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO administration (country, name, siret, "
				       "created_at) VALUES ('FR', 'DGFiP', '11000201100044', "
				       "'2026-11-22T00:00:00Z')"), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO fiscal_year (administration_id, year) "
				       "VALUES (1, 2026)"), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO fiscal_year (administration_id, year) "
				       "VALUES (1, 2026)"), TANDEM_EEXIST);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO budget_node (administration_id, level, code, "
				       "path, label) VALUES (1, 'programme', '156', '156', "
				       "'Gestion fiscale')"), 0);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO appropriation (fiscal_year_id, budget_node_id, "
				       "kind, initial_cents) VALUES (1, 1, 'AE', -1)"),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO appropriation (fiscal_year_id, budget_node_id, "
				       "kind, initial_cents) VALUES (1, 7, 'AE', 100)"),
		  TANDEM_ENOENT);
	tandem_store_close(s);
	/* Opening again changes nothing. */
	diag_renew(&d);
	ASSERT_EQ(tandem_ledger_open(t.path, 0, &d, &s), 0);
	ASSERT_EQ(d.count, 0);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tmpdb_remove(&t);
}
