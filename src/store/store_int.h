/*
 * src/store/store_int.h - what a storage engine provides to store.c, which
 * holds what the engines share (argument checks, transactions, migrations).
 * Private to src/store/.
 */
#ifndef TANDEM_STORE_INT_H
#define TANDEM_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/store.h"

#define STORE_ERRMSG_MAX 512

/* What store.c runs to end a transaction (an engine may recognise them). */
#define STORE_COMMIT_SQL "COMMIT"
#define STORE_ROLLBACK_SQL "ROLLBACK"
/* The mark of tandem_store_mark(): set, kept, undone. */
#define STORE_MARK_SQL "SAVEPOINT tandem_mark"
#define STORE_MARK_KEEP_SQL "RELEASE SAVEPOINT tandem_mark"
#define STORE_MARK_UNDO_SQL "ROLLBACK TO SAVEPOINT tandem_mark; RELEASE SAVEPOINT tandem_mark"

struct store_ops {
	void (*close)(struct tandem_store *s);
	int (*exec)(struct tandem_store *s, const char *sql);
	int (*prepare)(struct tandem_store *s, const char *sql, struct tandem_stmt **out);
	int (*bind_i64)(struct tandem_stmt *st, int n, int64_t v);
	int (*bind_text)(struct tandem_stmt *st, int n, const char *text);
	int (*bind_blob)(struct tandem_stmt *st, int n, const void *data, size_t len);
	/* Without a copy (tandem_stmt_bind_text_ref); NULL: bind_text, bind_blob. */
	int (*bind_text_ref)(struct tandem_stmt *st, int n, const char *text);
	int (*bind_blob_ref)(struct tandem_stmt *st, int n, const void *data, size_t len);
	int (*bind_null)(struct tandem_stmt *st, int n);
	int (*step)(struct tandem_stmt *st);
	bool (*is_null)(struct tandem_stmt *st, int col);
	int64_t (*i64)(struct tandem_stmt *st, int col);
	const char *(*text)(struct tandem_stmt *st, int col);
	const void *(*blob)(struct tandem_stmt *st, int col, size_t *len);
	int (*reset)(struct tandem_stmt *st);
	void (*finalize)(struct tandem_stmt *st);
	/* Does a table of this name exist? 1 yes, 0 no, or an error. */
	int (*table_exists)(struct tandem_store *s, const char *name);
	/* How the engine spells a schema word: "{id}", "{blob}". */
	const char *(*ddl_word)(const char *word);
	/* Starts a write transaction (taking the write lock at once). */
	const char *begin_sql;
	/* Inside a transaction that will grow tables much; NULL: nothing. */
	const char *bulk_sql;
};

/* Every engine's store and statement start with these. */
struct tandem_store {
	const struct store_ops *ops;
	enum tandem_store_kind kind;
	bool in_transaction;
	bool marked;               /* a tandem_store_mark() is set */
	char errmsg[STORE_ERRMSG_MAX];
};

struct tandem_stmt {
	struct tandem_store *store;
};

/* Keeps the engine's message about a failure; returns code. */
int store_fail(struct tandem_store *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int store_sqlite_open(const char *path, unsigned flags, struct tandem_diag *d,
		      struct tandem_store **out);
int store_postgres_open(const char *where, unsigned flags, struct tandem_diag *d,
			struct tandem_store **out);

#endif /* TANDEM_STORE_INT_H */
