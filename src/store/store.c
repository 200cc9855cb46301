/*
 * src/store/store.c - the storage interface (tandem/store.h): chooses the
 * engine, checks arguments, runs transactions and schema migrations; the
 * engines (sqlite.c, postgres.c) do the rest.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/store_int.h"
#include "tandem/alloc.h"
#include "tandem/buf.h"
#include "tandem/error.h"

int store_fail(struct tandem_store *s, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
	va_end(ap);
	return code;
}

static bool is_postgres(const char *where)
{
	return strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0;
}

int tandem_store_open(const char *where, unsigned flags, struct tandem_diag *d,
		      struct tandem_store **out)
{
	*out = NULL;
	if (where == NULL || where[0] == '\0' || (flags & ~TANDEM_STORE_CREATE) != 0)
		return TANDEM_EINVAL;
	if (is_postgres(where))
		return store_postgres_open(where, flags, d, out);
	return store_sqlite_open(where, flags, d, out);
}

void tandem_store_close(struct tandem_store *s)
{
	if (s == NULL)
		return;
	if (s->in_transaction)
		(void)tandem_store_rollback(s);
	s->ops->close(s);
}

enum tandem_store_kind tandem_store_kind(const struct tandem_store *s)
{
	return s->kind;
}

const char *tandem_store_errmsg(const struct tandem_store *s)
{
	return s->errmsg;
}

int tandem_store_begin(struct tandem_store *s)
{
	int rc;

	if (s->in_transaction)
		return store_fail(s, TANDEM_EINVAL, "a transaction is already open");
	rc = s->ops->exec(s, s->ops->begin_sql);
	if (rc == 0)
		s->in_transaction = true;
	return rc;
}

int tandem_store_bulk(struct tandem_store *s)
{
	if (!s->in_transaction)
		return store_fail(s, TANDEM_EINVAL, "bulk needs an open transaction");
	return s->ops->bulk_sql != NULL ? s->ops->exec(s, s->ops->bulk_sql) : 0;
}

int tandem_store_commit(struct tandem_store *s)
{
	int rc;

	if (!s->in_transaction)
		return store_fail(s, TANDEM_EINVAL, "no transaction to commit");
	if (s->marked)
		return store_fail(s, TANDEM_EINVAL, "a mark is still set: keep or undo it first");
	rc = s->ops->exec(s, STORE_COMMIT_SQL);
	if (rc == 0)
		s->in_transaction = false;
	return rc;
}

int tandem_store_rollback(struct tandem_store *s)
{
	if (!s->in_transaction)
		return store_fail(s, TANDEM_EINVAL, "no transaction to roll back");
	s->in_transaction = false;
	s->marked = false;
	return s->ops->exec(s, STORE_ROLLBACK_SQL);
}

int tandem_store_mark(struct tandem_store *s)
{
	int rc;

	if (!s->in_transaction || s->marked)
		return store_fail(s, TANDEM_EINVAL, s->marked ? "a mark is already set" :
				  "a mark needs an open transaction");
	rc = s->ops->exec(s, STORE_MARK_SQL);
	if (rc == 0)
		s->marked = true;
	return rc;
}

/* Keeps or undoes the mark; it is gone either way, or the transaction is
 * lost (the caller rolls it back). */
static int unmark(struct tandem_store *s, const char *sql)
{
	if (!s->in_transaction || !s->marked)
		return store_fail(s, TANDEM_EINVAL, "no mark is set");
	s->marked = false;
	return s->ops->exec(s, sql);
}

int tandem_store_mark_keep(struct tandem_store *s)
{
	return unmark(s, STORE_MARK_KEEP_SQL);
}

int tandem_store_mark_undo(struct tandem_store *s)
{
	return unmark(s, STORE_MARK_UNDO_SQL);
}

int tandem_store_exec(struct tandem_store *s, const char *sql)
{
	if (sql == NULL || strlen(sql) > TANDEM_STORE_SQL_MAX)
		return store_fail(s, TANDEM_ELIMIT, "statement longer than %u bytes",
				  TANDEM_STORE_SQL_MAX);
	return s->ops->exec(s, sql);
}

int tandem_store_prepare(struct tandem_store *s, const char *sql, struct tandem_stmt **out)
{
	*out = NULL;
	if (sql == NULL || strlen(sql) > TANDEM_STORE_SQL_MAX)
		return store_fail(s, TANDEM_ELIMIT, "statement longer than %u bytes",
				  TANDEM_STORE_SQL_MAX);
	return s->ops->prepare(s, sql, out);
}

static int check_param(struct tandem_stmt *st, int n)
{
	if (n < 1 || n > TANDEM_STORE_PARAMS_MAX)
		return store_fail(st->store, TANDEM_EINVAL, "parameter $%d out of range", n);
	return 0;
}

int tandem_stmt_bind_i64(struct tandem_stmt *st, int n, int64_t v)
{
	int rc = check_param(st, n);

	return rc != 0 ? rc : st->store->ops->bind_i64(st, n, v);
}

int tandem_stmt_bind_text(struct tandem_stmt *st, int n, const char *text)
{
	int rc = check_param(st, n);

	if (rc != 0)
		return rc;
	return text == NULL ? st->store->ops->bind_null(st, n) : st->store->ops->bind_text(st, n, text);
}

int tandem_stmt_bind_blob(struct tandem_stmt *st, int n, const void *data, size_t len)
{
	int rc = check_param(st, n);

	return rc != 0 ? rc : st->store->ops->bind_blob(st, n, data, len);
}

int tandem_stmt_bind_text_ref(struct tandem_stmt *st, int n, const char *text)
{
	int rc = check_param(st, n);

	if (rc != 0 || text == NULL || st->store->ops->bind_text_ref == NULL)
		return rc != 0 ? rc : tandem_stmt_bind_text(st, n, text);
	return st->store->ops->bind_text_ref(st, n, text);
}

int tandem_stmt_bind_blob_ref(struct tandem_stmt *st, int n, const void *data, size_t len)
{
	int rc = check_param(st, n);

	if (rc != 0 || st->store->ops->bind_blob_ref == NULL)
		return rc != 0 ? rc : tandem_stmt_bind_blob(st, n, data, len);
	return st->store->ops->bind_blob_ref(st, n, data, len);
}

int tandem_stmt_bind_null(struct tandem_stmt *st, int n)
{
	int rc = check_param(st, n);

	return rc != 0 ? rc : st->store->ops->bind_null(st, n);
}

int tandem_stmt_step(struct tandem_stmt *st)
{
	return st->store->ops->step(st);
}

bool tandem_stmt_is_null(struct tandem_stmt *st, int col)
{
	return st->store->ops->is_null(st, col);
}

int64_t tandem_stmt_i64(struct tandem_stmt *st, int col)
{
	return st->store->ops->i64(st, col);
}

const char *tandem_stmt_text(struct tandem_stmt *st, int col)
{
	return st->store->ops->text(st, col);
}

const void *tandem_stmt_blob(struct tandem_stmt *st, int col, size_t *len)
{
	return st->store->ops->blob(st, col, len);
}

int tandem_stmt_reset(struct tandem_stmt *st)
{
	return st->store->ops->reset(st);
}

void tandem_stmt_finalize(struct tandem_stmt *st)
{
	if (st != NULL)
		st->store->ops->finalize(st);
}

/* ---- schema versions --------------------------------------------------- */

static const char schema_table[] =
	"CREATE TABLE IF NOT EXISTS tandem_schema ("
	" version BIGINT PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" applied_at TEXT NOT NULL)";

int tandem_store_version(struct tandem_store *s, int *version)
{
	struct tandem_stmt *st;
	int rc = s->ops->table_exists(s, "tandem_schema");

	*version = 0;
	if (rc <= 0)
		return rc;
	rc = tandem_store_prepare(s, "SELECT max(version) FROM tandem_schema", &st);
	if (rc != 0)
		return rc;
	rc = tandem_stmt_step(st);
	if (rc == 1) {
		*version = tandem_stmt_is_null(st, 0) ? 0 : (int)tandem_stmt_i64(st, 0);
		rc = 0;
	}
	tandem_stmt_finalize(st);
	return rc;
}

/* The migration's SQL with {word}s spelt for the engine. */
static int spell(struct tandem_store *s, const char *sql, struct tandem_buf *out)
{
	const char *p = sql;
	int rc = 0;

	while (*p != '\0' && rc == 0) {
		const char *open = strchr(p, '{');
		const char *close = open != NULL ? strchr(open, '}') : NULL;
		char word[32];
		const char *spelt;

		if (close == NULL || (size_t)(close - open + 1) >= sizeof word)
			return tandem_buf_puts(out, p);
		rc = tandem_buf_append(out, p, (size_t)(open - p));
		memcpy(word, open, (size_t)(close - open + 1));
		word[close - open + 1] = '\0';
		spelt = s->ops->ddl_word(word);
		if (spelt == NULL)
			return store_fail(s, TANDEM_EINTERNAL, "unknown schema word %s", word);
		if (rc == 0)
			rc = tandem_buf_puts(out, spelt);
		p = close + 1;
	}
	return rc;
}

static void utc_now(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;

	(void)gmtime_r(&t, &tm);
	(void)strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* After a SQLite migration run with its foreign keys off: is every foreign
 * key of the database still satisfied? */
static int foreign_keys_hold(struct tandem_store *s)
{
	struct tandem_stmt *st = NULL;
	int rc = tandem_store_prepare(s, "PRAGMA foreign_key_check", &st);

	if (rc == 0)
		rc = tandem_stmt_step(st);
	if (rc == 1)
		rc = store_fail(s, TANDEM_EBADINPUT, "the migration leaves row %lld of %s without "
				"its row in %s", (long long)tandem_stmt_i64(st, 1),
				tandem_stmt_text(st, 0), tandem_stmt_text(st, 2));
	tandem_stmt_finalize(st);
	return rc;
}

/* Applies one migration in its own transaction; *done is false when
 * another process applied it first (the version is read again under the
 * write lock, so two first runs at once do not collide). */
static int apply(struct tandem_store *s, const struct tandem_migration *m, bool *done)
{
	struct tandem_buf sql;
	struct tandem_stmt *st = NULL;
	char now[32];
	int version = 0;
	/* SQLite's foreign keys are switched outside a transaction only. */
	bool rebuild = m->sqlite_sql != NULL && s->kind == TANDEM_STORE_SQLITE;
	int rc;

	*done = false;
	tandem_buf_init(&sql, TANDEM_STORE_SQL_MAX);
	rc = spell(s, rebuild ? m->sqlite_sql : m->sql, &sql);
	if (rc == 0)
		rc = tandem_buf_putc(&sql, '\0');
	if (rc == 0 && rebuild)
		rc = s->ops->exec(s, "PRAGMA foreign_keys = OFF");
	if (rc == 0)
		rc = tandem_store_begin(s);
	if (rc != 0)
		goto out;
	rc = tandem_store_version(s, &version);
	if (rc == 0 && version >= m->version) {
		rc = tandem_store_commit(s);
		goto out;
	}
	*done = true;
	if (rc == 0)
		rc = s->ops->exec(s, schema_table);
	if (rc == 0)
		rc = s->ops->exec(s, sql.data);
	if (rc == 0 && rebuild)
		rc = foreign_keys_hold(s);
	if (rc == 0)
		rc = tandem_store_prepare(s, "INSERT INTO tandem_schema (version, name, applied_at) "
					  "VALUES ($1, $2, $3)", &st);
	utc_now(now);
	if (rc == 0)
		rc = tandem_stmt_bind_i64(st, 1, m->version);
	if (rc == 0)
		rc = tandem_stmt_bind_text(st, 2, m->name);
	if (rc == 0)
		rc = tandem_stmt_bind_text(st, 3, now);
	if (rc == 0)
		rc = tandem_stmt_step(st);
	tandem_stmt_finalize(st);
	if (rc == 0)
		rc = tandem_store_commit(s);
	else if (s->in_transaction) {
		char keep[STORE_ERRMSG_MAX];

		memcpy(keep, s->errmsg, sizeof keep);
		(void)tandem_store_rollback(s);
		memcpy(s->errmsg, keep, sizeof keep);
	}
out:
	if (rebuild) {
		int on = s->ops->exec(s, "PRAGMA foreign_keys = ON");

		rc = rc != 0 ? rc : on;
	}
	tandem_buf_release(&sql);
	return rc;
}

int tandem_store_migrate(struct tandem_store *s, const struct tandem_migration *m, size_t n,
			 struct tandem_diag *d)
{
	int version;
	int rc = tandem_store_version(s, &version);

	for (size_t i = 0; i < n; i++)
		if (m[i].version != (int)i + 1)
			return store_fail(s, TANDEM_EINTERNAL, "migration %zu has version %d", i,
					  m[i].version);
	if (rc != 0)
		return rc;
	if (version > (int)n) {
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EUNSUPPORTED,
				      "TANDEM-STORE-NEWER", NULL, 0,
				      "the database has schema version %d; this tandem knows "
				      "versions up to %zu: use a newer tandem", version, n);
		return TANDEM_EUNSUPPORTED;
	}
	for (size_t i = (size_t)version; i < n; i++) {
		bool done;

		rc = apply(s, &m[i], &done);
		if (rc != 0) {
			(void)tandem_diag_add(d, TANDEM_SEV_ERROR, rc, "TANDEM-STORE-MIGRATION", NULL,
					      0, "schema version %d (%s) could not be applied, "
					      "nothing of it was kept: %s", m[i].version, m[i].name,
					      s->errmsg);
			return rc;
		}
		if (done)
			(void)tandem_diag_add(d, TANDEM_SEV_INFO, 0, "TANDEM-STORE-MIGRATED", NULL, 0,
					      "schema version %d applied: %s", m[i].version,
					      m[i].name);
	}
	return 0;
}
