/*
 * tests/test_store_sqlite.c - what the SQLite engine does its own way, run
 * on both engines so that they keep behaving alike: an insert's RETURNING
 * id read from the connection, and a migration that makes a table anew
 * with foreign keys off and checked before the commit (sqlite_sql).
 */
#include <stdio.h>
#include <string.h>

#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/store.h"
#include "test.h"
#include "testdb.h"

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

static const char parent_child[] =
	"CREATE TABLE a (id {id}, name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE b (id {id}, a_id BIGINT NOT NULL REFERENCES a (id));"
	"INSERT INTO a (name) VALUES ('x'); INSERT INTO a (name) VALUES ('y');"
	"INSERT INTO b (a_id) VALUES (2)";

static const struct tandem_migration two[] = {
	{ 1, "first", parent_child, NULL },
	{ 2, "second", "CREATE TABLE c (id {id})", NULL },
};

/* INSERT ... RETURNING id: one row with the new id, then none (SQLite reads
 * it from the connection, sqlite.c); a refused insert leaves the statement
 * usable; an insert of two rows returns both ids. */
static void store_insert_returning_id(enum engine e)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	struct tandem_stmt *st;
	char text[32];
	int64_t first;

	tdb_init(&t, e);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_migrate(s, two, 2, &d), 0);
	ASSERT_EQ(tandem_store_prepare(s, "INSERT INTO a (name) VALUES ($1) RETURNING id", &st), 0);
	ASSERT_EQ(tandem_stmt_bind_text(st, 1, "one (1)"), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	first = tandem_stmt_i64(st, 0);
	ASSERT(first > 0);
	ASSERT(!tandem_stmt_is_null(st, 0));
	snprintf(text, sizeof text, "%lld", (long long)first);
	ASSERT_STR_EQ(tandem_stmt_text(st, 0), text);
	ASSERT_EQ(tandem_stmt_step(st), 0);
	ASSERT_EQ(tandem_stmt_reset(st), 0);
	ASSERT_EQ(tandem_stmt_step(st), TANDEM_EEXIST);
	ASSERT_EQ(tandem_stmt_reset(st), 0);
	ASSERT_EQ(tandem_stmt_bind_text(st, 1, "two"), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT(tandem_stmt_i64(st, 0) > first);
	ASSERT_EQ(query_i64(s, "SELECT count(*) FROM a"), 4);
	tandem_stmt_finalize(st);
	/* The same through the cache: a kept statement starts afresh. */
	ASSERT_EQ(tandem_store_prepare(s, "INSERT INTO a (name) VALUES ($1) RETURNING id", &st), 0);
	ASSERT_EQ(tandem_stmt_bind_text(st, 1, "three"), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT_EQ(tandem_stmt_i64(st, 0), query_i64(s, "SELECT id FROM a WHERE name = 'three'"));
	tandem_stmt_finalize(st);
	ASSERT_EQ(tandem_store_prepare(s, "INSERT INTO a (name) VALUES ('four'), ('five') "
				       "RETURNING id", &st), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT_EQ(tandem_stmt_step(st), 0);
	tandem_stmt_finalize(st);
	ASSERT_EQ(query_i64(s, "SELECT count(*) FROM a"), 7);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_insert_returning_id)

static const struct tandem_migration with_values[] = {
	{ 1, "first", parent_child, NULL },
	{ 2, "second", "CREATE TABLE c (id {id})", NULL },
	{ 3, "values", "CREATE TABLE v (t TEXT, b {blob})", NULL },
};

/* Values bound without a copy come back as they went in; NULL text is
 * SQL NULL. */
static void store_bind_ref(enum engine e)
{
	static const unsigned char bytes[] = { 0, 1, 0xff, 0 };
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	struct tandem_stmt *st;
	char name[16];
	size_t len;

	tdb_init(&t, e);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_migrate(s, with_values, 3, &d), 0);
	snprintf(name, sizeof name, "é%d", 7);
	ASSERT_EQ(tandem_store_prepare(s, "INSERT INTO v (t, b) VALUES ($1, $2)", &st), 0);
	ASSERT_EQ(tandem_stmt_bind_text_ref(st, 1, name), 0);
	ASSERT_EQ(tandem_stmt_bind_blob_ref(st, 2, bytes, sizeof bytes), 0);
	ASSERT_EQ(tandem_stmt_step(st), 0);
	ASSERT_EQ(tandem_stmt_reset(st), 0);
	ASSERT_EQ(tandem_stmt_bind_text_ref(st, 1, NULL), 0);
	ASSERT_EQ(tandem_stmt_step(st), 0);
	ASSERT_EQ(tandem_stmt_bind_text_ref(st, 3, "x"), TANDEM_EINVAL);
	tandem_stmt_finalize(st);
	ASSERT_EQ(query_i64(s, "SELECT count(*) FROM v WHERE t IS NULL"), 1);
	ASSERT_EQ(tandem_store_prepare(s, "SELECT t, b FROM v WHERE t IS NOT NULL", &st), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT_STR_EQ(tandem_stmt_text(st, 0), name);
	ASSERT_MEM_EQ(tandem_stmt_blob(st, 1, &len), bytes, sizeof bytes);
	ASSERT_EQ(len, sizeof bytes);
	tandem_stmt_finalize(st);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_bind_ref)

/* A table made anew: a's name is no longer unique. SQLite runs the text
 * made for it, with foreign keys off, and the row of b keeps its parent. */
static const struct tandem_migration rebuilt[] = {
	{ 1, "first", parent_child, NULL },
	{ 2, "second", "CREATE TABLE c (id {id})", NULL },
	{ 3, "a's name not unique", "ALTER TABLE a DROP CONSTRAINT a_name_key",
	  "CREATE TABLE a_new (id {id}, name TEXT NOT NULL);"
	  "INSERT INTO a_new (id, name) SELECT id, name FROM a;"
	  "DROP TABLE a; ALTER TABLE a_new RENAME TO a" },
};

/* The same, but the new table lost a row that b refers to: refused whole. */
static const struct tandem_migration rebuilt_badly[] = {
	{ 1, "first", parent_child, NULL },
	{ 2, "second", "CREATE TABLE c (id {id})", NULL },
	{ 3, "a's name not unique", "DELETE FROM a WHERE id = 2",
	  "CREATE TABLE a_new (id {id}, name TEXT NOT NULL);"
	  "INSERT INTO a_new (id, name) SELECT id, name FROM a WHERE id = 1;"
	  "DROP TABLE a; ALTER TABLE a_new RENAME TO a" },
};

static void store_migration_rebuild(enum engine e)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s;
	int version = 0;

	tdb_init(&t, e);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_migrate(s, rebuilt_badly, 3, &d), e == ENGINE_SQLITE ?
		  TANDEM_EBADINPUT : TANDEM_ENOENT);
	ASSERT_EQ(tandem_store_version(s, &version), 0);
	ASSERT_EQ(version, 2);
	ASSERT_EQ(query_i64(s, "SELECT count(*) FROM a"), 2);
	/* Foreign keys are on again. */
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO b (a_id) VALUES (9)"), TANDEM_ENOENT);
	ASSERT_EQ(tandem_store_migrate(s, rebuilt, 3, &d), 0);
	ASSERT_EQ(tandem_store_version(s, &version), 0);
	ASSERT_EQ(version, 3);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('x')"), 0);
	ASSERT_EQ(query_i64(s, "SELECT count(*) FROM b JOIN a ON a.id = b.a_id WHERE "
			    "a.name = 'y'"), 1);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO b (a_id) VALUES (9)"), TANDEM_ENOENT);
	ASSERT_EQ(tandem_store_exec(s, "DELETE FROM a WHERE id = 2"), TANDEM_ENOENT);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_migration_rebuild)
