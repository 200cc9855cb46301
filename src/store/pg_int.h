/*
 * src/store/pg_int.h - what the two files of the PostgreSQL engine share:
 * postgres.c runs statements, pg_open.c connects and claims the schema.
 * Private to src/store/.
 */
#ifndef TANDEM_PG_INT_H
#define TANDEM_PG_INT_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "store/store_int.h"

/*
 * Statements prepared on the server stay there for the session, one per SQL
 * text (at most PG_CACHE_MAX texts; past that a statement is prepared and
 * deallocated each time, as before). A cached statement costs one round trip
 * to run instead of four (prepare, describe, run, deallocate).
 */
#define PG_CACHE_MAX 256

struct pg_cached {
	char *sql;                /* tandem_malloc'ed */
	char name[32];
	int nparams;
	bool in_use;              /* held by a live tandem_stmt */
};

struct pg_store {
	struct tandem_store base;
	PGconn *conn;
	unsigned long statements; /* names the next prepared statement */
	bool savepoint;           /* tandem_stmt is set in the open transaction */
	struct pg_cached cache[PG_CACHE_MAX];
	int cached;               /* entries of cache in use */
};

enum pg_state {
	PG_READY, /* bound, to be run at the next step */
	PG_ROWS,  /* run: res holds its rows */
	PG_DONE,  /* every row read; the next step runs it again */
};

struct pg_stmt {
	struct tandem_stmt base;
	char name[32];
	int nparams;
	int cache;                /* its entry of the store's cache, or -1 */
	bool reads;               /* a SELECT: runs without a savepoint */
	/* Parameter values (tandem_malloc'ed; NULL is SQL NULL), their lengths
	 * (binary ones only) and formats (0 text, 1 binary). */
	char *values[TANDEM_STORE_PARAMS_MAX];
	int lengths[TANDEM_STORE_PARAMS_MAX];
	int formats[TANDEM_STORE_PARAMS_MAX];
	enum pg_state state;
	PGresult *res;
	int row;
	/* bytea columns of the current row, decoded on demand (PQfreemem). */
	unsigned char **blobs;
	size_t *blob_lens;
};

static inline struct pg_store *pg_of(struct tandem_store *s)
{
	return (struct pg_store *)(void *)s;
}

/* Keeps the message of a failed result (or of the connection when res is
 * NULL) and returns its TANDEM_E* code. */
int pg_fail(struct tandem_store *s, const PGresult *res);
/* Did the command succeed? */
bool pg_ok(const PGresult *res);
/* Runs parameterless SQL: 0, or the code of its failure (message kept). */
int pg_run(struct pg_store *p, const char *sql);
void pg_close(struct tandem_store *s);

extern const struct store_ops postgres_ops;

#endif /* TANDEM_PG_INT_H */
