/*
 * src/store/pg_open.c - opening a PostgreSQL store: the connection (its
 * parameters, a timeout, UTF-8), the session's lock timeout, and the claim
 * of the schema - tandem's, or empty and then marked as tandem's, never
 * another application's.
 */
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/pg_int.h"
#include "store/pq.h"
#include "store/store_int.h"
#include "tandem/alloc.h"
#include "tandem/error.h"

/* "TAND", as SQLite's application_id: the row of tandem_store. */
#define TANDEM_PG_APPLICATION_ID 0x54414E44
/* Seconds to wait for a connection, unless the connection string says. */
#define PG_CONNECT_TIMEOUT_S "10"

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* notices ("... already exists, skipping") are not for users */
}

/* Where the store is, for messages: user@host:port/db, never a password. */
static void describe(PGconn *conn, char *out, size_t size)
{
	const char *host = store_pq.PQhost(conn), *user = store_pq.PQuser(conn);
	const char *port = store_pq.PQport(conn), *db = store_pq.PQdb(conn);

	(void)snprintf(out, size, "postgresql://%s@%s:%s/%s", user ? user : "",
		       host != NULL && host[0] != '/' ? host : "localhost", port ? port : "",
		       db ? db : "");
}

/* One row of the marker check: the schema, whether tandem_store is there
 * with tandem's id, and how many relations the schema holds. */
static const char claim_sql[] =
	"SELECT current_schema(),"
	" (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	"  WHERE n.nspname = current_schema() AND c.relname = 'tandem_store'),"
	" (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
	"  WHERE n.nspname = current_schema())";

/*
 * Is the schema tandem's (or empty, and then marked with CREATE)? Under an
 * advisory lock, so that two tandem init at once make one marker.
 */
static int claim(struct pg_store *p, const char *name, unsigned flags, struct tandem_diag *d)
{
	PGresult *res = NULL;
	char sql[320], schema[128];
	int rc;

	(void)snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%d)",
		       TANDEM_PG_APPLICATION_ID);
	rc = pg_run(p, sql);
	if (rc == 0) {
		res = store_pq.PQexec(p->conn, claim_sql);
		rc = pg_ok(res) && store_pq.PQntuples(res) == 1 ? 0 : pg_fail(&p->base, res);
	}
	if (rc != 0) {
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, rc, "TANDEM-STORE-OPEN", name, 0,
				      "cannot read %s: %s", name, p->base.errmsg);
		goto out;
	}
	if (store_pq.PQgetisnull(res, 0, 0)) {
		rc = store_fail(&p->base, TANDEM_ENOENT, "no schema of the search_path exists");
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, rc, "TANDEM-STORE-OPEN", name, 0,
				      "%s: no schema of the search_path exists", name);
		goto out;
	}
	(void)snprintf(schema, sizeof schema, "%s", store_pq.PQgetvalue(res, 0, 0));
	if (strcmp(store_pq.PQgetvalue(res, 0, 1), "1") == 0) {
		store_pq.PQclear(res);
		(void)snprintf(sql, sizeof sql, "SELECT count(*) FROM tandem_store WHERE "
			       "application_id = %d", TANDEM_PG_APPLICATION_ID);
		res = store_pq.PQexec(p->conn, sql);
		if (pg_ok(res) && strcmp(store_pq.PQgetvalue(res, 0, 0), "1") == 0) {
			rc = pg_run(p, "COMMIT");
			goto out;
		}
	} else if (strcmp(store_pq.PQgetvalue(res, 0, 2), "0") == 0) {
		if ((flags & TANDEM_STORE_CREATE) == 0) {
			rc = store_fail(&p->base, TANDEM_ENOENT, "no tandem store here");
			(void)tandem_diag_add(d, TANDEM_SEV_ERROR, rc, "TANDEM-STORE-OPEN", name, 0,
					      "%s: schema %s holds no tandem store yet: create "
					      "it with tandem init", name, schema);
			goto out;
		}
		(void)snprintf(sql, sizeof sql,
			       "CREATE TABLE tandem_store (application_id BIGINT NOT NULL,"
			       " created_at TEXT NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'));"
			       " INSERT INTO tandem_store (application_id) VALUES (%d);"
			       " COMMENT ON TABLE tandem_store IS 'tandem: do not drop'; COMMIT",
			       TANDEM_PG_APPLICATION_ID);
		rc = pg_run(p, sql);
		if (rc != 0)
			(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EIO, "TANDEM-STORE-OPEN",
					      name, 0, "cannot write %s: %s", name, p->base.errmsg);
		goto out;
	}
	(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT, "TANDEM-STORE-FOREIGN", name,
			      0, "%s: schema %s holds tables of another application: left as "
			      "it is", name, schema);
	rc = store_fail(&p->base, TANDEM_EBADINPUT, "not a tandem database");
out:
	store_pq.PQclear(res);
	if (store_pq.PQtransactionStatus(p->conn) != PQTRANS_IDLE)
		store_pq.PQclear(store_pq.PQexec(p->conn, "ROLLBACK"));
	return rc;
}

int store_postgres_open(const char *where, unsigned flags, struct tandem_diag *d,
			struct tandem_store **out)
{
	/* Ours first, so that the connection string overrides them; the
	 * encoding last: tandem's text is UTF-8 whatever the string says. */
	static const char *const keys[] = { "connect_timeout", "application_name", "dbname",
					    "client_encoding", NULL };
	const char *values[] = { PG_CONNECT_TIMEOUT_S, "tandem", where, "UTF8", NULL };
	struct pg_store *p;
	char name[256], set[64];
	char *err = NULL;
	PQconninfoOption *opts;
	int rc;

	if (store_pq_load() != NULL) {
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EUNSUPPORTED,
				      "TANDEM-STORE-ENGINE", NULL, 0,
				      "PostgreSQL support is not available: %s", store_pq_load());
		return TANDEM_EUNSUPPORTED;
	}
	opts = store_pq.PQconninfoParse(where, &err);

	if (opts == NULL) {
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT, "TANDEM-STORE-OPEN",
				      NULL, 0, "not a PostgreSQL connection string: %.*s",
				      err != NULL ? (int)strcspn(err, "\n") : 13,
				      err != NULL ? err : "out of memory");
		store_pq.PQfreemem(err);
		return err != NULL ? TANDEM_EBADINPUT : TANDEM_ENOMEM;
	}
	store_pq.PQconninfoFree(opts);
	p = tandem_calloc(1, sizeof *p);
	if (p == NULL)
		return TANDEM_ENOMEM;
	p->base.ops = &postgres_ops;
	p->base.kind = TANDEM_STORE_POSTGRES;
	p->conn = store_pq.PQconnectdbParams(keys, values, 1);
	if (p->conn == NULL) {
		tandem_free(p);
		return TANDEM_ENOMEM;
	}
	describe(p->conn, name, sizeof name);
	if (store_pq.PQstatus(p->conn) != CONNECTION_OK) {
		(void)pg_fail(&p->base, NULL);
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EIO, "TANDEM-STORE-OPEN", name, 0,
				      "cannot connect to %s: %s", name, p->base.errmsg);
		pg_close(&p->base);
		return TANDEM_EIO;
	}
	(void)store_pq.PQsetNoticeProcessor(p->conn, quiet, NULL);
	/* A writer waits for another as long as on SQLite (milliseconds). */
	(void)snprintf(set, sizeof set, "SET lock_timeout = %d", TANDEM_STORE_BUSY_MS);
	rc = pg_run(p, set);
	if (rc != 0)
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, rc, "TANDEM-STORE-OPEN", name, 0,
				      "cannot use %s: %s", name, p->base.errmsg);
	else
		rc = claim(p, name, flags, d); /* it reports why it refuses */
	if (rc != 0) {
		pg_close(&p->base);
		return rc;
	}
	*out = &p->base;
	return 0;
}
