/*
 * tandem/store.h - storage: one interface over SQLite (the default: one
 * file) and PostgreSQL (a connection string), so that the ledger is
 * written once and behaves the same on both.
 *
 * SQL is written once, in the dialect both engines share:
 *   - parameters $1, $2 ... (bound by number, in any order of appearance);
 *   - amounts as BIGINT minor units (cents): money is never a float here;
 *   - times as TEXT, ISO 8601 UTC, written by tandem, not by the engine;
 *   - in schema migrations only, {id} for an auto-numbered BIGINT primary
 *     key and {blob} for a byte string, which each engine spells its way.
 *
 * A store is used by one thread at a time. Statements belong to their
 * store and are finalized before it is closed.
 *
 * Errors: every function returns 0 or a negative TANDEM_E* code, and the
 * engine's message is kept (tandem_store_errmsg). Constraint violations map
 * to codes a caller can act on: a UNIQUE or PRIMARY KEY violation is
 * TANDEM_EEXIST, a FOREIGN KEY one TANDEM_ENOENT, a CHECK or NOT NULL one
 * TANDEM_EBADINPUT; a file that is not a database, or not tandem's, is
 * TANDEM_EBADINPUT; a busy or failing engine TANDEM_EIO. On PostgreSQL a
 * transaction may also be refused as not serializable (another program
 * wrote what it read): TANDEM_EIO, with a message saying to roll it back
 * and run it again.
 */
#ifndef TANDEM_STORE_H
#define TANDEM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/diag.h"

struct tandem_store;
struct tandem_stmt;

enum tandem_store_kind {
	TANDEM_STORE_SQLITE = 1,
	TANDEM_STORE_POSTGRES,
};

/* Flags of tandem_store_open(). */
#define TANDEM_STORE_CREATE 1u /* create the database file (SQLite), or mark an
				* empty schema as tandem's (PostgreSQL) */

/* Limits. */
#define TANDEM_STORE_SQL_MAX (1u << 20)   /* bytes of one statement */
#define TANDEM_STORE_PARAMS_MAX 64        /* parameters of one statement */
#define TANDEM_STORE_BUSY_MS 5000         /* wait for another writer */

/*
 * Opens a store: a PostgreSQL connection URL ("postgresql://...",
 * "postgres://...") or else the path of a SQLite file. A SQLite file is
 * opened in WAL mode with foreign keys enforced and synchronous=FULL: a
 * transaction committed is on disk, even through a power cut. A file that
 * exists must be a tandem database (or an empty file); a new one is made
 * only with TANDEM_STORE_CREATE, and is marked as tandem's.
 *
 * On PostgreSQL the store is the first existing schema of the connection's
 * search_path (usually "public"; options=-csearch_path%3Dname in the URL
 * chooses another) in a database that exists. The schema must hold a
 * tandem store (the table tandem_store) or nothing at all: an empty schema
 * is marked as tandem's only with TANDEM_STORE_CREATE. Messages name the
 * server as user@host:port/database, never with the password.
 *
 * The schema is not touched: see tandem_store_migrate(). Problems are
 * findings in d (rule TANDEM-STORE-*). Returns 0, TANDEM_ENOENT (no such
 * file, or an empty schema, and no CREATE; no schema of the search_path
 * exists), TANDEM_EBADINPUT (not a database, or not tandem's; a connection
 * string libpq cannot read), TANDEM_EIO (cannot connect), TANDEM_ENOMEM.
 */
int tandem_store_open(const char *where, unsigned flags, struct tandem_diag *d,
		      struct tandem_store **out);
void tandem_store_close(struct tandem_store *s);

enum tandem_store_kind tandem_store_kind(const struct tandem_store *s);

/* The engine's message about the last failure of s ("" when none). */
const char *tandem_store_errmsg(const struct tandem_store *s);

/* Transactions. begin takes the write lock at once (a second writer waits
 * up to TANDEM_STORE_BUSY_MS, then TANDEM_EIO); readers never wait. Nesting
 * is refused (TANDEM_EINVAL). A statement that fails inside a transaction
 * changes nothing and leaves the transaction open, on both engines.
 * Closing a store with a transaction open rolls it back. When commit
 * fails, the transaction counts as still open: call rollback (PostgreSQL
 * has ended it already; SQLite may not have). */
int tandem_store_begin(struct tandem_store *s);

/* Says that the open transaction will grow tables much (a bulk import):
 * PostgreSQL then plans each statement for the tables as they are, not
 * once for the tables as they were; SQLite needs nothing. TANDEM_EINVAL
 * outside a transaction. */
int tandem_store_bulk(struct tandem_store *s);
int tandem_store_commit(struct tandem_store *s);
int tandem_store_rollback(struct tandem_store *s);

/*
 * A mark inside a transaction, one level deep, for a batch of independent
 * items written in one transaction (one commit, one fsync, for all): set a
 * mark before an item, then keep what the item did or undo it, and the
 * transaction goes on either way. A second mark before the first is kept
 * or undone is refused (TANDEM_EINVAL), as is a mark outside a transaction.
 */
int tandem_store_mark(struct tandem_store *s);
int tandem_store_mark_keep(struct tandem_store *s);
int tandem_store_mark_undo(struct tandem_store *s);

/* Runs one or more statements without parameters or results. */
int tandem_store_exec(struct tandem_store *s, const char *sql);

/* Statements. Parameters are numbered from 1, result columns from 0. */
int tandem_store_prepare(struct tandem_store *s, const char *sql, struct tandem_stmt **out);
int tandem_stmt_bind_i64(struct tandem_stmt *st, int n, int64_t v);
int tandem_stmt_bind_text(struct tandem_stmt *st, int n, const char *text); /* NULL: SQL NULL */
int tandem_stmt_bind_blob(struct tandem_stmt *st, int n, const void *data, size_t len);
int tandem_stmt_bind_null(struct tandem_stmt *st, int n);
/* The same without a copy: text or data must stay as they are until the
 * statement is reset or finalized - for a statement bound, run and
 * finalized in one function. (SQLite copied each value, a malloc and a
 * free: a tenth of the work of storing an invoice.) */
int tandem_stmt_bind_text_ref(struct tandem_stmt *st, int n, const char *text);
int tandem_stmt_bind_blob_ref(struct tandem_stmt *st, int n, const void *data, size_t len);

/* Runs the statement or moves to its next row: 1 when a row is there to
 * read, 0 when it is done, or a negative TANDEM_E* code. */
int tandem_stmt_step(struct tandem_stmt *st);

/* Columns of the current row; valid until the next step or reset. */
bool tandem_stmt_is_null(struct tandem_stmt *st, int col);
int64_t tandem_stmt_i64(struct tandem_stmt *st, int col);
const char *tandem_stmt_text(struct tandem_stmt *st, int col); /* NULL for SQL NULL */
const void *tandem_stmt_blob(struct tandem_stmt *st, int col, size_t *len);

/* Makes the statement ready to run again; bindings are kept. */
int tandem_stmt_reset(struct tandem_stmt *st);
void tandem_stmt_finalize(struct tandem_stmt *st);

/*
 * Schema versions. A migration takes the schema from version - 1 to
 * version; versions count from 1 without gaps. tandem_store_migrate()
 * applies, in one transaction each, the migrations above the store's
 * version, recording each (version, name, time) in the table
 * tandem_schema, and says what it did in d (TANDEM-STORE-MIGRATED, info).
 * A store whose version is above the last migration was written by a
 * newer tandem: TANDEM_EUNSUPPORTED, nothing changed. A migration that
 * fails is rolled back whole: the store keeps its previous version.
 */
struct tandem_migration {
	int version;
	const char *name;
	const char *sql;
	/* NULL, or what SQLite runs instead of sql. SQLite changes a table's
	 * own constraints only by making the table anew (create it under
	 * another name, copy the rows, drop the old one, rename), which it
	 * allows with its foreign keys off: this text runs so, and every
	 * foreign key of the database is checked before the commit - one
	 * broken refuses the migration. */
	const char *sqlite_sql;
};

int tandem_store_version(struct tandem_store *s, int *version); /* 0: empty */
int tandem_store_migrate(struct tandem_store *s, const struct tandem_migration *m, size_t n,
			 struct tandem_diag *d);

#endif /* TANDEM_STORE_H */
