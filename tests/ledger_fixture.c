/*
 * tests/ledger_fixture.c - see ledger_fixture.h.
 */
#include <stdio.h>
#include <string.h>

#include "ledger_fixture.h"
#include "tandem/ledger.h"
#include "test.h"

void setup(struct fixture *f, enum engine e, bool users)
{
	tdb_init(&f->t, e);
	tandem_diag_init(&f->d, 200);
	ASSERT_EQ(tandem_ledger_open(f->t.where, TANDEM_STORE_CREATE, &f->d, &f->s), 0);
	if (!users)
		return;
	ASSERT_EQ(tandem_ledger_user_add(f->s, NULL, "alice", "Alice", "admin", &f->d), 0);
	ASSERT_EQ(tandem_ledger_user_add(f->s, "alice", "olga", "Olga", "ordonnateur", &f->d), 0);
	ASSERT_EQ(tandem_ledger_user_add(f->s, "alice", "carl", "Carl", "comptable", &f->d), 0);
}

void teardown(struct fixture *f)
{
	tandem_store_close(f->s);
	tandem_diag_release(&f->d);
	tdb_remove(&f->t);
}

void renew(struct fixture *f)
{
	tandem_diag_release(&f->d);
	tandem_diag_init(&f->d, 200);
}

int64_t count(struct fixture *f, const char *table)
{
	char sql[128];
	struct tandem_stmt *st;
	int64_t n;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	ASSERT_EQ(tandem_store_prepare(f->s, sql, &st), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	n = tandem_stmt_i64(st, 0);
	tandem_stmt_finalize(st);
	return n;
}

bool message_has(const struct tandem_diag *d, const char *text)
{
	for (size_t i = 0; i < d->count; i++)
		if (strstr(d->items[i].message, text) != NULL)
			return true;
	return false;
}


int64_t query_i64_f(struct fixture *f, const char *sql)
{
	struct tandem_stmt *st;
	int64_t n;

	ASSERT_EQ(tandem_store_prepare(f->s, sql, &st), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	n = tandem_stmt_i64(st, 0);
	tandem_stmt_finalize(st);
	return n;
}
