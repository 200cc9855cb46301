/*
 * tests/test_store_sqlite.c - what the SQLite engine does its own way, run
 * on both engines so that they keep behaving alike: an insert's RETURNING
 * id read from the connection, and a migration that makes a table anew
 * with foreign keys off and checked before the commit (sqlite_sql); and
 * SQLite's checkpoints on a thread of their own.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/store.h"
#include "test.h"
#include "testdb.h"

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
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM a"), 4);
	tandem_stmt_finalize(st);
	/* The same through the cache: a kept statement starts afresh. */
	ASSERT_EQ(tandem_store_prepare(s, "INSERT INTO a (name) VALUES ($1) RETURNING id", &st), 0);
	ASSERT_EQ(tandem_stmt_bind_text(st, 1, "three"), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT_EQ(tandem_stmt_i64(st, 0), tdb_query_i64(s, "SELECT id FROM a WHERE name = 'three'"));
	tandem_stmt_finalize(st);
	ASSERT_EQ(tandem_store_prepare(s, "INSERT INTO a (name) VALUES ('four'), ('five') "
				       "RETURNING id", &st), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	ASSERT_EQ(tandem_stmt_step(st), 0);
	tandem_stmt_finalize(st);
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM a"), 7);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_insert_returning_id)

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
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM v WHERE t IS NULL"), 1);
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
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM a"), 2);
	/* Foreign keys are on again. */
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO b (a_id) VALUES (9)"), TANDEM_ENOENT);
	ASSERT_EQ(tandem_store_migrate(s, rebuilt, 3, &d), 0);
	ASSERT_EQ(tandem_store_version(s, &version), 0);
	ASSERT_EQ(version, 3);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO a (name) VALUES ('x')"), 0);
	ASSERT_EQ(tdb_query_i64(s, "SELECT count(*) FROM b JOIN a ON a.id = b.a_id WHERE "
			    "a.name = 'y'"), 1);
	ASSERT_EQ(tandem_store_exec(s, "INSERT INTO b (a_id) VALUES (9)"), TANDEM_ENOENT);
	ASSERT_EQ(tandem_store_exec(s, "DELETE FROM a WHERE id = 2"), TANDEM_ENOENT);
	tandem_store_close(s);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
BOTH_ENGINES(store_migration_rebuild)

/* ---- SQLite's checkpoints (src/store/sqlite_ckpt.c) --------------------- */

#define CKPT_ROWS 1200      /* rows of 4,000 bytes: a commit of some 1,200 pages */

/* Commits CKPT_ROWS rows in one transaction. */
static int big_commit(struct tandem_store *s, int round)
{
	static unsigned char bytes[4000];
	struct tandem_stmt *st = NULL;
	int rc = tandem_store_begin(s);

	memset(bytes, round & 0xff, sizeof bytes);
	if (rc == 0)
		rc = tandem_store_prepare(s, "INSERT INTO v (t, b) VALUES ($1, $2)", &st);
	for (int i = 0; i < CKPT_ROWS && rc == 0; i++) {
		rc = tandem_stmt_reset(st);
		if (rc == 0)
			rc = tandem_stmt_bind_text(st, 1, "row");
		if (rc == 0)
			rc = tandem_stmt_bind_blob(st, 2, bytes, sizeof bytes);
		if (rc == 0)
			rc = tandem_stmt_step(st);
	}
	if (st != NULL)
		tandem_stmt_finalize(st);
	return rc == 0 ? tandem_store_commit(s) : rc;
}

/* Commits past SQLite's 1,000-page threshold have their checkpoints run by
 * the store's thread while it goes on: a reader on another connection sees
 * every commit whole, a writer killed at any moment (between, inside a
 * commit or a checkpoint) leaves whole commits and a sound file, and the
 * WAL is gone once the last connection closes. */
TEST(store_sqlite_checkpoints)
{
	struct tdb t;
	struct tandem_diag d;
	struct tandem_store *s, *reader;
	char wal[160], ok[16];
	int fds[2], status = 0;
	int64_t rows;
	pid_t pid;

	tdb_init(&t, ENGINE_SQLITE);
	tandem_diag_init(&d, 20);
	ASSERT_EQ(tandem_store_open(t.where, TANDEM_STORE_CREATE, &d, &s), 0);
	ASSERT_EQ(tandem_store_migrate(s, with_values, 3, &d), 0);
	ASSERT_EQ(tandem_store_open(t.where, 0, &d, &reader), 0);
	for (int round = 0; round < 5; round++) {
		ASSERT_EQ(big_commit(s, round), 0);
		ASSERT_EQ(tdb_query_i64(reader, "SELECT count(*) FROM v"), (int64_t)(round + 1) * CKPT_ROWS);
	}
	tandem_store_close(reader);
	tandem_store_close(s);
	/* A writer killed once it has made three commits. */
	ASSERT_EQ(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	ASSERT(pid >= 0);
	if (pid == 0) {
		(void)close(fds[0]);
		if (tandem_store_open(t.where, 0, &d, &s) != 0)
			_exit(2);
		for (int round = 0;; round++)
			if (big_commit(s, round) != 0 || write(fds[1], "c", 1) != 1)
				_exit(3);
	}
	(void)close(fds[1]);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(read(fds[0], ok, 1), 1);
	(void)kill(pid, SIGKILL);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	(void)close(fds[0]);
	ASSERT_EQ(tandem_store_open(t.where, 0, &d, &s), 0);
	rows = tdb_query_i64(s, "SELECT count(*) FROM v");
	ASSERT(rows >= (int64_t)8 * CKPT_ROWS);
	ASSERT_EQ(rows % CKPT_ROWS, 0);
	query_text(s, "PRAGMA integrity_check", ok, sizeof ok);
	ASSERT_STR_EQ(ok, "ok");
	tandem_store_close(s);
	snprintf(wal, sizeof wal, "%s-wal", t.path);
	ASSERT(access(wal, F_OK) != 0);
	tandem_diag_release(&d);
	tdb_remove(&t);
}
