/*
 * src/store/pq.h - libpq, loaded with dlopen() at the first PostgreSQL
 * store, once per process: linked, it and its twenty libraries (TLS,
 * Kerberos, LDAP) would cost every run of the tool, most of which never
 * see PostgreSQL, some 10 ms of start-up. Private to src/store/.
 */
#ifndef TANDEM_STORE_PQ_H
#define TANDEM_STORE_PQ_H

#include <libpq-fe.h>

/* The functions postgres.c uses, by name. */
#define PQ_FUNCS(X) \
	X(PQclear) \
	X(PQconnectdbParams) \
	X(PQconninfoFree) \
	X(PQconninfoParse) \
	X(PQdb) \
	X(PQdescribePrepared) \
	X(PQerrorMessage) \
	X(PQexec) \
	X(PQexecParams) \
	X(PQexecPrepared) \
	X(PQfinish) \
	X(PQfreemem) \
	X(PQftype) \
	X(PQgetisnull) \
	X(PQgetlength) \
	X(PQgetvalue) \
	X(PQhost) \
	X(PQnfields) \
	X(PQnparams) \
	X(PQntuples) \
	X(PQport) \
	X(PQprepare) \
	X(PQresultErrorField) \
	X(PQresultStatus) \
	X(PQsetNoticeProcessor) \
	X(PQstatus) \
	X(PQtransactionStatus) \
	X(PQunescapeBytea) \
	X(PQuser)

struct store_pq_funcs {
#define X(f) __typeof__(&f) f; /* NOLINT(bugprone-macro-parentheses): a declaration */
	PQ_FUNCS(X)
#undef X
};

/* Filled by store_pq_load(); read only after it returned NULL. */
extern struct store_pq_funcs store_pq;

/* Loads libpq (TANDEM_PQ_SONAME) once per process, thread-safe: NULL when
 * it is loaded, else why not, for a person. */
const char *store_pq_load(void);

#endif /* TANDEM_STORE_PQ_H */
