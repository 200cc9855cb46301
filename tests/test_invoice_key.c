/*
 * tests/test_invoice_key.c - schema v13: a database made before it, whose
 * invoices' files were unique by their whole SHA-256, gets the 60-bit key
 * of every file and loses the unique index, on both engines (SQLite makes
 * the table anew): the invoices keep their ids and what refers to them, a
 * file imported again is found, and the books still balance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "invoice_world.h"
#include "ledger_fixture.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "test.h"

#define PG_FILE_UNIQUE \
	"SELECT count(*) FROM pg_constraint WHERE conname = " \
	"'invoice_administration_id_file_sha256_key' AND connamespace = " \
	"(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"

#define V12_INDEXES \
	"CREATE UNIQUE INDEX invoice_number ON invoice (administration_id, seller_key, " \
	"number_norm) WHERE status <> 'rejected';" \
	"CREATE INDEX invoice_commitment ON invoice (commitment_id);" \
	"CREATE INDEX invoice_status ON invoice (administration_id, status)"

/* SQLite: the invoice table as schema v12 made it, unique by file, again. */
static void sqlite_back_to_v12(struct fixture *f)
{
	struct tandem_stmt *st;
	char create[4096];
	const char *body;
	size_t n;

	ASSERT_EQ(tandem_store_exec(f->s, "DROP INDEX invoice_file_key"), 0);
	ASSERT_EQ(tandem_store_exec(f->s, "ALTER TABLE invoice DROP COLUMN file_key"), 0);
	ASSERT_EQ(tandem_store_prepare(f->s, "SELECT sql FROM sqlite_schema WHERE name = "
				       "'invoice'", &st), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	body = strchr(tandem_stmt_text(st, 0), '(');
	ASSERT(body != NULL);
	n = strlen(body);
	ASSERT(body[n - 1] == ')');
	snprintf(create, sizeof create, "CREATE TABLE invoice_v12 %.*s, UNIQUE "
		 "(administration_id, file_sha256))", (int)(n - 1), body);
	tandem_stmt_finalize(st);
	ASSERT_EQ(tandem_store_exec(f->s, "PRAGMA foreign_keys = OFF"), 0);
	ASSERT_EQ(tandem_store_begin(f->s), 0);
	ASSERT_EQ(tandem_store_exec(f->s, create), 0);
	ASSERT_EQ(tandem_store_exec(f->s, "INSERT INTO invoice_v12 SELECT * FROM invoice;"
				    "DROP TABLE invoice;"
				    "ALTER TABLE invoice_v12 RENAME TO invoice;" V12_INDEXES), 0);
	ASSERT_EQ(tandem_store_commit(f->s), 0);
	ASSERT_EQ(tandem_store_exec(f->s, "PRAGMA foreign_keys = ON"), 0);
	ASSERT_EQ(query_i64_f(f, "SELECT count(*) FROM sqlite_schema WHERE tbl_name = "
			      "'invoice' AND name LIKE 'sqlite_autoindex%'"), 1);
}

static void pg_back_to_v12(struct fixture *f)
{
	ASSERT_EQ(tandem_store_exec(f->s, "DROP INDEX invoice_file_key; "
				    "ALTER TABLE invoice DROP COLUMN file_key; "
				    "ALTER TABLE invoice ADD CONSTRAINT "
				    "invoice_administration_id_file_sha256_key UNIQUE "
				    "(administration_id, file_sha256)"), 0);
	ASSERT_EQ(query_i64_f(f, PG_FILE_UNIQUE), 1);
}

/* Is every invoice's key the first 15 hex digits of its file's hash? */
static void assert_keys(struct fixture *f)
{
	struct tandem_stmt *st;
	int rc, n = 0;

	ASSERT_EQ(tandem_store_prepare(f->s, "SELECT file_sha256, file_key FROM invoice", &st),
		  0);
	while ((rc = tandem_stmt_step(st)) == 1) {
		char hex[16];

		memcpy(hex, tandem_stmt_text(st, 0), 15);
		hex[15] = '\0';
		ASSERT_EQ(tandem_stmt_i64(st, 1), (int64_t)strtoull(hex, NULL, 16));
		n++;
	}
	ASSERT_EQ(rc, 0);
	ASSERT(n > 0);
	tandem_stmt_finalize(st);
}

static void ledger_invoice_file_key_upgrade(enum engine e)
{
	struct fixture f;
	struct fake x[3];
	struct tandem_invoice_result r[3], again;
	int64_t order, ids;

	setup(&f, e, true);
	world(&f);
	certify(&f, "EJ-1", 60000);
	fake(&x[0], "K-1", "EJ-1", 30000);
	fake(&x[1], "K-2", "EJ-2", 20000);
	fake(&x[2], "K-3", "EJ-9", 10000);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(import1(&f, "carl", &x[i], &r[i]), 0);
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2026, r[0].id, &f.d, &order), 0);
	assert_keys(&f);
	ids = query_i64_f(&f, "SELECT sum(id) FROM invoice");
	if (e == ENGINE_SQLITE)
		sqlite_back_to_v12(&f);
	else
		pg_back_to_v12(&f);
	ASSERT_EQ(tandem_store_exec(f.s, "DELETE FROM tandem_schema WHERE version = 13"), 0);
	tandem_store_close(f.s);
	f.s = NULL;
	renew(&f);
	ASSERT_EQ(tandem_ledger_open(f.t.where, 0, &f.d, &f.s), 0);
	ASSERT(message_has(&f.d, "60-bit key"));
	assert_keys(&f);
	ASSERT_EQ(query_i64_f(&f, "SELECT sum(id) FROM invoice"), ids);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM payment_order o JOIN invoice i ON "
			      "i.id = o.invoice_id JOIN invoice_file b ON b.invoice_id = i.id"), 1);
	if (e == ENGINE_SQLITE)
		ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM sqlite_schema WHERE tbl_name = "
				      "'invoice' AND name LIKE 'sqlite_autoindex%'"), 0);
	else
		ASSERT_EQ(query_i64_f(&f, PG_FILE_UNIQUE), 0);
	/* The same files again are found; a new one is stored. */
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(import1(&f, "carl", &x[i], &again), 0);
		ASSERT(again.already);
		ASSERT_EQ(again.id, r[i].id);
	}
	fake(&x[0], "K-4", "EJ-1", 100);
	ASSERT_EQ(import1(&f, "carl", &x[0], &again), 0);
	ASSERT(!again.already);
	ASSERT_EQ(count(&f, "invoice"), 4);
	assert_keys(&f);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_invoice_file_key_upgrade)
