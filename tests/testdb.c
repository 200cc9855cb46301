/*
 * tests/testdb.c - the stores the tests run on (testdb.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "test.h"
#include "testdb.h"

/* The PostgreSQL server of the tests, or the test says skip. */
const char *pg_base(void)
{
	const char *u = getenv("TANDEM_TEST_PG");

	if (u == NULL || u[0] == '\0')
		SKIP("TANDEM_TEST_PG is not set: no PostgreSQL server to run on "
		     "(.ci/run starts one with scripts/pg-cluster; docs/store.md)");
	if (strncmp(u, "postgresql://", 13) != 0 && strncmp(u, "postgres://", 11) != 0)
		FAIL("TANDEM_TEST_PG must be a postgresql:// URL, not \"%s\"", u);
	return u;
}

static void pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* "drop cascades to ..." */
}

/* The maintenance connection (closed with PQfinish). */
PGconn *pg_admin(void)
{
	PGconn *c = PQconnectdb(pg_base());

	if (PQstatus(c) != CONNECTION_OK)
		FAIL("cannot connect to TANDEM_TEST_PG: %s", PQerrorMessage(c));
	(void)PQsetNoticeProcessor(c, pg_quiet, NULL);
	return c;
}

void pg_admin_exec(const char *sql)
{
	PGconn *c = pg_admin();
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		FAIL("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

/* One text value from the maintenance connection, into out. */
void pg_admin_text(const char *sql, char *out, size_t size)
{
	PGconn *c = pg_admin();
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		FAIL("%s: %s", sql, PQerrorMessage(c));
	snprintf(out, size, "%s", PQgetisnull(r, 0, 0) ? "(null)" : PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
}

void tdb_init(struct tdb *t, enum engine e)
{
	static int schemas;
	char sql[128];

	memset(t, 0, sizeof *t);
	t->engine = e;
	if (e == ENGINE_SQLITE) {
		snprintf(t->dir, sizeof t->dir, "/tmp/tandem-store-XXXXXX");
		ASSERT(mkdtemp(t->dir) != NULL);
		snprintf(t->path, sizeof t->path, "%s/ledger.db", t->dir);
		snprintf(t->where, sizeof t->where, "%s", t->path);
		return;
	}
	const char *base = pg_base();

	snprintf(t->schema, sizeof t->schema, "tandem_test_%ld_%d", (long)getpid(), ++schemas);
	snprintf(sql, sizeof sql, "CREATE SCHEMA %s", t->schema);
	pg_admin_exec(sql);
	ASSERT_LT(snprintf(t->where, sizeof t->where, "%s%soptions=-csearch_path%%3D%s", base,
			   strchr(base, '?') != NULL ? "&" : "?", t->schema),
		  (int)sizeof t->where);
}

void tdb_remove(struct tdb *t)
{
	char p[160];
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };

	if (t->engine == ENGINE_PG) {
		snprintf(p, sizeof p, "DROP SCHEMA %s CASCADE", t->schema);
		pg_admin_exec(p);
		return;
	}
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s%s", t->path, suffix[i]);
		(void)unlink(p);
	}
	(void)rmdir(t->dir);
}

char *tdb_snapshot(const struct tdb *t, size_t *len)
{
	char sql[256], *out;

	if (t->engine == ENGINE_SQLITE) {
		out = test_read_file(t->path, len);
		if (out == NULL) { /* absent */
			*len = 0;
			out = calloc(1, 1);
		}
		return out;
	}
	out = malloc(4096);
	ASSERT(out != NULL);
	snprintf(sql, sizeof sql, "SELECT coalesce(string_agg(c.relname || ':' || c.relkind::text, ',' "
		 "ORDER BY c.relname), '') FROM pg_class c JOIN pg_namespace n ON "
		 "n.oid = c.relnamespace WHERE n.nspname = '%s'", t->schema);
	pg_admin_text(sql, out, 4096);
	*len = strlen(out);
	return out;
}

int64_t tdb_query_i64(struct tandem_store *s, const char *sql)
{
	struct tandem_stmt *st;
	int64_t v = -1;

	ASSERT_EQ(tandem_store_prepare(s, sql, &st), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	v = tandem_stmt_i64(st, 0);
	tandem_stmt_finalize(st);
	return v;
}
