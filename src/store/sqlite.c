/*
 * src/store/sqlite.c - the SQLite engine of the store: one file, WAL,
 * foreign keys on, synchronous=FULL, marked as tandem's with the SQLite
 * application id.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "core/core.h"
#include "store/sqlite_ckpt.h"
#include "store/store_int.h"
#include "tandem/alloc.h"
#include "tandem/error.h"

/* "TAND": PRAGMA application_id of every tandem database. */
#define TANDEM_SQLITE_APPLICATION_ID 0x54414E44

/*
 * Compiled statements are kept for the connection, found by their SQL text
 * in an open-addressing table: a ledger operation runs the same few dozen
 * statements again and again, and compiling one costs more than running it.
 * At most SQ_CACHE_MAX texts; past that, statements are compiled and
 * finalized each time as before. SQLite recompiles a kept statement by
 * itself when the schema changes.
 */
#define SQ_CACHE_SLOTS 512 /* a power of two */
#define SQ_CACHE_MAX 256

/*
 * An "INSERT INTO t (...) VALUES (...) RETURNING id" of one row, where id
 * is t's rowid, is compiled without its RETURNING clause, and its one row
 * is the connection's last inserted rowid: SQLite runs a RETURNING clause
 * through a temporary table made and dropped at every run, which cost half
 * as much again as the insert itself (1.6 us of 4.7 us for an event).
 */
enum sq_rowid {
	SQ_ROWID_NO,          /* an ordinary statement */
	SQ_ROWID_READY,       /* a rowid insert not run yet */
	SQ_ROWID_ROW,         /* run: its row, the id, is current */
	SQ_ROWID_DONE         /* its row was read */
};

struct sqlite_stmt {
	struct tandem_stmt base;
	sqlite3_stmt *st;
	int cache;            /* its slot in the cache, or -1: freed when finalized */
	enum sq_rowid rowid;
	int64_t id;           /* the row id inserted, in SQ_ROWID_ROW */
	char id_text[24];     /* the same in decimal, when read as text */
};

struct sq_cached {
	char *sql;            /* tandem_malloc'ed; NULL: a free slot */
	uint64_t hash;
	struct sqlite_stmt stmt; /* what prepare hands out while in_use */
	bool in_use;          /* held by a live tandem_stmt */
};

struct sqlite_store {
	struct tandem_store base;
	sqlite3 *db;
	struct sq_ckpt *ckpt;  /* runs the checkpoints (sqlite_ckpt.c); NULL: SQLite */
	struct sq_cached cache[SQ_CACHE_SLOTS];
	int cached;
};

static struct sqlite_store *sq_of(struct tandem_store *s)
{
	return (struct sqlite_store *)(void *)s;
}

static sqlite3 *db_of(struct tandem_store *s)
{
	return ((struct sqlite_store *)(void *)s)->db;
}

static sqlite3_stmt *st_of(struct tandem_stmt *st)
{
	return ((struct sqlite_stmt *)(void *)st)->st;
}

/* The TANDEM_E* code of a SQLite result, its message kept. */
static int fail(struct tandem_store *s, int rc)
{
	int code;

	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
	case SQLITE_CONSTRAINT_ROWID:
		code = TANDEM_EEXIST;
		break;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		code = TANDEM_ENOENT;
		break;
	case SQLITE_NOMEM:
		code = TANDEM_ENOMEM;
		break;
	case SQLITE_TOOBIG:
		code = TANDEM_ELIMIT;
		break;
	case SQLITE_MISUSE:
	case SQLITE_RANGE:
		code = TANDEM_EINVAL;
		break;
	default:
		switch (rc & 0xff) {
		case SQLITE_CONSTRAINT:
		case SQLITE_MISMATCH:
		case SQLITE_NOTADB:
		case SQLITE_CORRUPT:
			code = TANDEM_EBADINPUT;
			break;
		default:
			code = TANDEM_EIO;
			break;
		}
	}
	return store_fail(s, code, "%s", db_of(s) != NULL ? sqlite3_errmsg(db_of(s)) :
				  sqlite3_errstr(rc));
}

static void sq_close(struct tandem_store *s)
{
	struct sqlite_store *q = sq_of(s);

	for (int i = 0; i < SQ_CACHE_SLOTS; i++) {
		if (q->cache[i].sql == NULL)
			continue;
		(void)sqlite3_finalize(q->cache[i].stmt.st);
		tandem_free(q->cache[i].sql);
	}
	sq_ckpt_free(q->ckpt);
	(void)sqlite3_close(db_of(s));
	tandem_free(s);
}

/* The hash of a statement's text is its address: the ledger's SQL is in
 * string constants, and hashing their bytes cost as much as running some
 * of them. A text at another address is kept again; one that changed at
 * the same address is told apart by comparing the bytes. */
static uint64_t sql_hash(const char *sql)
{
	return ((uint64_t)(uintptr_t)sql * 0x9E3779B97F4A7C15ULL) >> 16;
}

/* The free kept statement of sql (its slot), or -1; *empty is the first
 * free slot of its probe sequence. */
static int cache_find(struct sqlite_store *q, const char *sql, uint64_t h, int *empty)
{
	unsigned i = (unsigned)h & (SQ_CACHE_SLOTS - 1);

	for (; q->cache[i].sql != NULL; i = (i + 1) & (SQ_CACHE_SLOTS - 1))
		if (q->cache[i].hash == h && !q->cache[i].in_use &&
		    strcmp(q->cache[i].sql, sql) == 0)
			return (int)i;
	*empty = (int)i;
	return -1;
}

/* Keeps a compiled statement in the free slot empty; false when it cannot. */
static bool cache_keep(struct sqlite_store *q, int empty, const char *sql, uint64_t h,
		       sqlite3_stmt *compiled, enum sq_rowid rowid)
{
	struct sq_cached *c = &q->cache[empty];
	size_t len = strlen(sql);

	if (q->cached >= SQ_CACHE_MAX || (c->sql = tandem_malloc(len + 1)) == NULL)
		return false;
	memcpy(c->sql, sql, len + 1);
	c->hash = h;
	c->stmt = (struct sqlite_stmt){ { &q->base }, compiled, empty, rowid, 0, "" };
	c->in_use = true;
	q->cached++;
	return true;
}

#define RETURNING_ID " RETURNING id"

/* Is table's column id its rowid: an INTEGER PRIMARY KEY of a rowid table? */
static bool id_is_rowid(sqlite3 *db, const char *table)
{
	const char *type = NULL;
	int pk = 0;
	sqlite3_stmt *st;
	bool rowid_table = false;

	if (sqlite3_table_column_metadata(db, "main", table, "id", &type, NULL, NULL, &pk,
					  NULL) != SQLITE_OK || !pk || type == NULL ||
	    sqlite3_stricmp(type, "INTEGER") != 0)
		return false;
	if (sqlite3_prepare_v2(db, "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND "
			       "name = ?1", -1, &st, NULL) != SQLITE_OK)
		return false;
	(void)sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	rowid_table = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0;
	(void)sqlite3_finalize(st);
	return rowid_table;
}

/*
 * Is sql "INSERT INTO t (...) VALUES (...) RETURNING id", one row of a
 * table whose id is the rowid? Then *len is its length without the
 * RETURNING clause. The VALUES list is read to its closing parenthesis
 * (outside quoted text): anything between it and RETURNING (a second row,
 * ON CONFLICT) keeps the statement as it is.
 */
static bool returns_rowid(sqlite3 *db, const char *sql, size_t *len)
{
	size_t n = strlen(sql), suffix = sizeof RETURNING_ID - 1, name_len;
	const char *name = sql + 12, *p = strstr(sql, " VALUES (");
	char table[64];
	int depth = 0;
	bool quoted = false;

	if (strncmp(sql, "INSERT INTO ", 12) != 0 || p == NULL || n <= suffix ||
	    strcmp(sql + n - suffix, RETURNING_ID) != 0)
		return false;
	name_len = strcspn(name, " (");
	if (name_len == 0 || name_len >= sizeof table)
		return false;
	for (p += 8; *p != '\0'; p++) {
		if (*p == '\'')
			quoted = !quoted;
		else if (!quoted && *p == '(')
			depth++;
		else if (!quoted && *p == ')' && --depth == 0)
			break;
	}
	if (*p == '\0' || (size_t)(p + 1 - sql) != n - suffix)
		return false;
	memcpy(table, name, name_len);
	table[name_len] = '\0';
	if (!id_is_rowid(db, table))
		return false;
	*len = n - suffix;
	return true;
}

/*
 * Compiles sql with its parameters $N written ?N (outside quoted text): a
 * ?N parameter is bound by its number, a $N one by looking its name up,
 * which cost more than the binding itself. *rowid says whether it is an
 * insert whose RETURNING id is read from the connection (returns_rowid).
 */
static int compile(struct tandem_store *s, const char *sql, sqlite3_stmt **out,
		   enum sq_rowid *rowid)
{
	size_t len = strlen(sql);
	char *text = tandem_malloc(len + 1);
	bool quoted = false;
	int rc;

	if (text == NULL)
		return SQLITE_NOMEM;
	*rowid = returns_rowid(db_of(s), sql, &len) ? SQ_ROWID_READY : SQ_ROWID_NO;
	text[len] = '\0';
	for (size_t i = 0; i < len; i++) {
		if (sql[i] == '\'')
			quoted = !quoted;
		text[i] = sql[i];
		if (!quoted && sql[i] == '$' && tandem__is_digit(sql[i + 1]))
			text[i] = '?';
	}
	rc = sqlite3_prepare_v2(db_of(s), text, (int)len + 1, out, NULL);
	tandem_free(text);
	return rc;
}

static int sq_prepare(struct tandem_store *s, const char *sql, struct tandem_stmt **out)
{
	struct sqlite_store *q = sq_of(s);
	struct sqlite_stmt *st;
	sqlite3_stmt *compiled = NULL;
	uint64_t h = sql_hash(sql);
	enum sq_rowid rowid = SQ_ROWID_NO;
	int rc, empty = -1, hit = cache_find(q, sql, h, &empty);

	if (hit >= 0) {
		q->cache[hit].in_use = true;
		*out = &q->cache[hit].stmt.base;
		return 0;
	}
	rc = compile(s, sql, &compiled, &rowid);
	if (rc != SQLITE_OK || compiled == NULL)
		return rc != SQLITE_OK ? fail(s, rc) :
					 store_fail(s, TANDEM_EINVAL, "empty statement");
	if (cache_keep(q, empty, sql, h, compiled, rowid)) {
		*out = &q->cache[empty].stmt.base;
		return 0;
	}
	st = tandem_calloc(1, sizeof *st);
	if (st == NULL) {
		(void)sqlite3_finalize(compiled);
		return store_fail(s, TANDEM_ENOMEM, "out of memory");
	}
	*st = (struct sqlite_stmt){ { s }, compiled, -1, rowid, 0, "" };
	*out = &st->base;
	return 0;
}

static void sq_finalize(struct tandem_stmt *base);

/* One statement through the cache (a transaction's BEGIN, COMMIT and
 * savepoints run once per invoice of a batch); several, or DDL, through
 * sqlite3_exec. */
static int sq_exec(struct tandem_store *s, const char *sql)
{
	struct tandem_stmt *st = NULL;
	int rc;

	if (strchr(sql, ';') != NULL) {
		rc = sqlite3_exec(db_of(s), sql, NULL, NULL, NULL);
		return rc == SQLITE_OK ? 0 : fail(s, sqlite3_extended_errcode(db_of(s)));
	}
	rc = sq_prepare(s, sql, &st);
	if (rc != 0 || st == NULL)
		return rc != 0 ? rc : TANDEM_EINTERNAL;
	while ((rc = sqlite3_step(st_of(st))) == SQLITE_ROW)
		;
	rc = rc == SQLITE_DONE ? 0 : fail(s, sqlite3_extended_errcode(db_of(s)));
	sq_finalize(st);
	return rc;
}

/* The SQLite index of parameter $n (0 when the statement has none). */
static int param(struct tandem_stmt *st, int n)
{
	return n >= 1 && n <= sqlite3_bind_parameter_count(st_of(st)) ? n : 0;
}

static int bound(struct tandem_stmt *st, int n, int rc)
{
	if (rc == SQLITE_OK)
		return 0;
	if (rc == SQLITE_RANGE)
		return store_fail(st->store, TANDEM_EINVAL, "the statement has no parameter $%d", n);
	return fail(st->store, rc);
}

static int sq_bind_i64(struct tandem_stmt *st, int n, int64_t v)
{
	return bound(st, n, sqlite3_bind_int64(st_of(st), param(st, n), v));
}

static int sq_bind_text(struct tandem_stmt *st, int n, const char *text)
{
	return bound(st, n, sqlite3_bind_text(st_of(st), param(st, n), text, -1,
					      SQLITE_TRANSIENT));
}

static int sq_bind_blob(struct tandem_stmt *st, int n, const void *data, size_t len)
{
	if (len > (size_t)INT32_MAX)
		return store_fail(st->store, TANDEM_ELIMIT, "blob of %zu bytes", len);
	return bound(st, n, sqlite3_bind_blob(st_of(st), param(st, n), data, (int)len,
					      SQLITE_TRANSIENT));
}

static int sq_bind_text_ref(struct tandem_stmt *st, int n, const char *text)
{
	return bound(st, n, sqlite3_bind_text(st_of(st), param(st, n), text, -1, SQLITE_STATIC));
}

static int sq_bind_blob_ref(struct tandem_stmt *st, int n, const void *data, size_t len)
{
	if (len > (size_t)INT32_MAX)
		return store_fail(st->store, TANDEM_ELIMIT, "blob of %zu bytes", len);
	return bound(st, n, sqlite3_bind_blob(st_of(st), param(st, n), data, (int)len,
					      SQLITE_STATIC));
}

static int sq_bind_null(struct tandem_stmt *st, int n)
{
	return bound(st, n, sqlite3_bind_null(st_of(st), param(st, n)));
}

static struct sqlite_stmt *sqs_of(struct tandem_stmt *st)
{
	return (struct sqlite_stmt *)(void *)st;
}

/* The id row of a rowid insert (returns_rowid): 1 at the first step, after
 * the insert, then 0. */
static int rowid_step(struct tandem_stmt *base)
{
	struct sqlite_stmt *st = sqs_of(base);
	sqlite3 *db = db_of(base->store);
	int rc;

	if (st->rowid != SQ_ROWID_READY) {
		st->rowid = SQ_ROWID_DONE;
		return 0;
	}
	rc = sqlite3_step(st->st);
	if (rc == SQLITE_DONE && sqlite3_changes(db) == 1) {
		st->id = sqlite3_last_insert_rowid(db);
		st->id_text[0] = '\0'; /* written when asked for */
		st->rowid = SQ_ROWID_ROW;
		return 1;
	}
	(void)sqlite3_reset(st->st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW)
		return store_fail(base->store, TANDEM_EINTERNAL, "an insert of one row did not "
				  "insert one row");
	return fail(base->store, sqlite3_extended_errcode(db));
}

static int sq_step(struct tandem_stmt *st)
{
	int rc;

	if (sqs_of(st)->rowid != SQ_ROWID_NO)
		return rowid_step(st);
	rc = sqlite3_step(st_of(st));
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	(void)sqlite3_reset(st_of(st));
	return fail(st->store, sqlite3_extended_errcode(db_of(st->store)));
}

/* The id of a rowid insert's row, column 0 (NULL: another column, or no
 * row). */
static const char *rowid_col(struct tandem_stmt *st, int col)
{
	struct sqlite_stmt *q = sqs_of(st);

	if (q->rowid != SQ_ROWID_ROW || col != 0)
		return NULL;
	if (q->id_text[0] == '\0')
		(void)snprintf(q->id_text, sizeof q->id_text, "%lld", (long long)q->id);
	return q->id_text;
}

static bool sq_is_null(struct tandem_stmt *st, int col)
{
	if (sqs_of(st)->rowid != SQ_ROWID_NO)
		return sqs_of(st)->rowid != SQ_ROWID_ROW || col != 0;
	return sqlite3_column_type(st_of(st), col) == SQLITE_NULL;
}

static int64_t sq_i64(struct tandem_stmt *st, int col)
{
	if (sqs_of(st)->rowid != SQ_ROWID_NO)
		return sqs_of(st)->rowid == SQ_ROWID_ROW && col == 0 ? sqs_of(st)->id : 0;
	return sqlite3_column_int64(st_of(st), col);
}

static const char *sq_text(struct tandem_stmt *st, int col)
{
	if (sqs_of(st)->rowid != SQ_ROWID_NO)
		return rowid_col(st, col);
	return (const char *)sqlite3_column_text(st_of(st), col);
}

static const void *sq_blob(struct tandem_stmt *st, int col, size_t *len)
{
	const void *p;

	if (sqs_of(st)->rowid != SQ_ROWID_NO) {
		p = rowid_col(st, col);
		*len = p != NULL ? strlen(p) : 0;
		return p;
	}
	p = sqlite3_column_blob(st_of(st), col);
	*len = (size_t)sqlite3_column_bytes(st_of(st), col);
	return p;
}

static int sq_reset(struct tandem_stmt *st)
{
	(void)sqlite3_reset(st_of(st));
	if (sqs_of(st)->rowid != SQ_ROWID_NO)
		sqs_of(st)->rowid = SQ_ROWID_READY;
	return 0;
}

static void sq_finalize(struct tandem_stmt *base)
{
	struct sqlite_stmt *st = (struct sqlite_stmt *)(void *)base;

	if (st->cache >= 0) {
		/* Kept: ready for the next use, its read transaction ended. */
		(void)sqlite3_reset(st->st);
		(void)sqlite3_clear_bindings(st->st);
		if (st->rowid != SQ_ROWID_NO)
			st->rowid = SQ_ROWID_READY;
		sq_of(base->store)->cache[st->cache].in_use = false;
	} else {
		(void)sqlite3_finalize(st->st);
		tandem_free(st);
	}
}

static int sq_table_exists(struct tandem_store *s, const char *name)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db_of(s), "SELECT 1 FROM sqlite_schema WHERE type = 'table' "
					      "AND name = ?1", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return fail(s, rc);
	(void)sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	(void)sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : fail(s, rc);
}

static const char *sq_ddl_word(const char *word)
{
	if (strcmp(word, "{id}") == 0)
		return "INTEGER PRIMARY KEY"; /* the rowid: numbered by SQLite */
	if (strcmp(word, "{blob}") == 0)
		return "BLOB";
	return NULL;
}

static const struct store_ops sqlite_ops = {
	.close = sq_close,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.bind_i64 = sq_bind_i64,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.bind_text_ref = sq_bind_text_ref,
	.bind_blob_ref = sq_bind_blob_ref,
	.step = sq_step,
	.is_null = sq_is_null,
	.i64 = sq_i64,
	.text = sq_text,
	.blob = sq_blob,
	.reset = sq_reset,
	.finalize = sq_finalize,
	.table_exists = sq_table_exists,
	.ddl_word = sq_ddl_word,
	.begin_sql = "BEGIN IMMEDIATE",
};

/* One integer from a PRAGMA or query; rc of SQLite. */
static int query_int(sqlite3 *db, const char *sql, long long *v)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	(void)sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Is this tandem's database (or an empty one, then marked as tandem's)? */
static int claim(struct sqlite_store *s, const char *path, struct tandem_diag *d)
{
	long long app = 0, tables = 0;
	int rc = query_int(s->db, "PRAGMA application_id", &app);

	if (rc == SQLITE_OK)
		rc = query_int(s->db, "SELECT count(*) FROM sqlite_schema", &tables);
	if (rc != SQLITE_OK) {
		(void)fail(&s->base, rc);
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, s->base.errmsg[0] ? TANDEM_EBADINPUT : rc,
				      "TANDEM-STORE-NOT-DATABASE", path, 0,
				      "%s is not a usable SQLite database: %s", path, s->base.errmsg);
		return TANDEM_EBADINPUT;
	}
	if (app == TANDEM_SQLITE_APPLICATION_ID)
		return 0;
	if (app != 0 || tables != 0) {
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT, "TANDEM-STORE-FOREIGN",
				      path, 0, "%s is a SQLite database of another application: "
				      "left as it is", path);
		return store_fail(&s->base, TANDEM_EBADINPUT, "not a tandem database");
	}
	char sql[64];

	(void)snprintf(sql, sizeof sql, "PRAGMA application_id = %d", TANDEM_SQLITE_APPLICATION_ID);
	rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	(void)fail(&s->base, rc);
	(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EIO, "TANDEM-STORE-OPEN", path, 0,
			      "cannot write %s: %s", path, s->base.errmsg);
	return TANDEM_EIO;
}

int store_sqlite_open(const char *path, unsigned flags, struct tandem_diag *d,
		      struct tandem_store **out)
{
	struct sqlite_store *s;
	struct stat st;
	int mode = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int rc;

	if (stat(path, &st) != 0) {
		if (errno != ENOENT || (flags & TANDEM_STORE_CREATE) == 0) {
			(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ENOENT, "TANDEM-STORE-OPEN",
					      path, 0, "cannot open %s: %s", path, strerror(errno));
			return errno == ENOENT ? TANDEM_ENOENT : TANDEM_EIO;
		}
		mode |= SQLITE_OPEN_CREATE;
	} else if (!S_ISREG(st.st_mode)) {
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT, "TANDEM-STORE-OPEN",
				      path, 0, "%s is not a regular file", path);
		return TANDEM_EBADINPUT;
	}
	/* No count of memory in use, which takes a global lock for every
	 * allocation; refused (and harmless) once SQLite is initialized. */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	s = tandem_calloc(1, sizeof *s);
	if (s == NULL)
		return TANDEM_ENOMEM;
	s->base.ops = &sqlite_ops;
	s->base.kind = TANDEM_STORE_SQLITE;
	rc = sqlite3_open_v2(path, &s->db, mode, NULL);
	if (rc != SQLITE_OK) {
		(void)fail(&s->base, rc);
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EIO, "TANDEM-STORE-OPEN", path, 0,
				      "cannot open %s: %s", path, s->base.errmsg);
		sq_close(&s->base);
		return TANDEM_EIO;
	}
	(void)sqlite3_extended_result_codes(s->db, 1);
	/* Larger lookaside slots: a row of 30 columns is built without malloc. */
	(void)sqlite3_db_config(s->db, SQLITE_DBCONFIG_LOOKASIDE, NULL, 2048, 512);
	(void)sqlite3_busy_timeout(s->db, TANDEM_STORE_BUSY_MS);
	rc = claim(s, path, d); /* it reports why it refuses */
	if (rc == 0) {
		/* WAL: readers do not block the writer. synchronous=FULL: a
		 * commit returns once the WAL is synced: it survives a power cut. */
		rc = sq_exec(&s->base, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
				       "PRAGMA foreign_keys = ON; PRAGMA cache_size = -262144; "
				       "PRAGMA temp_store = MEMORY");
		if (rc != 0)
			(void)tandem_diag_add(d, TANDEM_SEV_ERROR, rc, "TANDEM-STORE-OPEN", path, 0,
					      "cannot use %s: %s", path, s->base.errmsg);
	}
	/* Checkpoints on a thread of their own, off the commit. */
	if (rc == 0 && (s->ckpt = sq_ckpt_new(path)) != NULL)
		(void)sqlite3_wal_hook(s->db, sq_ckpt_hook, s->ckpt);
	if (rc != 0) {
		sq_close(&s->base);
		return rc;
	}
	*out = &s->base;
	return 0;
}
