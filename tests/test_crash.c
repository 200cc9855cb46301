/*
 * tests/test_crash.c - crash safety of the ledger: a child process runs
 * the expenditure chain for 1,000 invoices (commitment, service done,
 * invoice import, payment order, each its own transaction) and is killed
 * with SIGKILL at random moments, again and again; each new child resumes
 * where the database says the work stands. At the end every invoice is
 * there exactly once, each with one order and one journal entry, every
 * entry balances, and the AE and CP consumed are the sums of the documents,
 * computed here independently of the database. On SQLite (WAL,
 * synchronous=FULL) and PostgreSQL.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "invoice_world.h"
#include "ledger_fixture.h"
#include "tandem/arena.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "test.h"

#define CRASH_INVOICES 1000
#define CRASH_KILLS 25

/* The amount of commitment i, its service done and its invoice. */
static int64_t amount_of(int i)
{
	return 10000 + (int64_t)((i * 7919) % 500000);
}

static void die(const char *what, int i, int rc, const struct tandem_diag *d)
{
	fprintf(stderr, "crash workload: %s of item %d: %d: %s\n", what, i, rc,
		d->count > 0 ? d->items[d->count - 1].message : "");
	_exit(3);
}

/* One item of the chain; each step accepts "done already". */
static void item(struct tandem_store *s, int i, struct tandem_diag *d)
{
	struct tandem_commitment_in c = { ADMIN, 2026, NULL, DUPONT, "GFP/156/01", "Fournitures",
					  amount_of(i), NULL, NULL, 0 };
	struct tandem_invoice_result r;
	char ej[32], number[32];
	struct fake x;
	int64_t id;
	int rc;

	snprintf(ej, sizeof ej, "EJ-C%04d", i);
	snprintf(number, sizeof number, "C-%04d", i);
	c.number = ej;
	tandem_diag_release(d);
	tandem_diag_init(d, 100);
	rc = tandem_ledger_commit(s, "olga", &c, d, &id);
	if (rc != 0 && rc != TANDEM_EEXIST)
		die("commit", i, rc, d);
	rc = tandem_ledger_certify(s, "olga", ADMIN, 2026, ej, amount_of(i), "delivered", d, &id);
	if (rc != 0 && rc != TANDEM_ELIMIT)
		die("certify", i, rc, d);
	fake(&x, number, ej, amount_of(i));
	rc = tandem_ledger_invoice_import(s, "carl", &x.in, 1, d, &r);
	if (rc != 0 || r.code != 0 || strcmp(r.status, "ready") != 0)
		die("import", i, rc != 0 ? rc : r.code, d);
	rc = tandem_ledger_pay_order(s, "olga", ADMIN, 2026, r.id, d, &id);
	if (rc != 0 && rc != TANDEM_EEXIST)
		die("order", i, rc, d);
}

/* The child: resumes after the items fully done (the chain runs in
 * order, so the orders made say how far it went) and goes to the end. */
static void workload(const char *where)
{
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	int64_t done = 0;
	struct tandem_stmt *st;

	tandem_diag_init(&d, 100);
	if (tandem_ledger_open(where, 0, &d, &s) != 0)
		die("open", 0, -1, &d);
	if (tandem_store_prepare(s, "SELECT count(*) FROM payment_order", &st) != 0 ||
	    tandem_stmt_step(st) != 1)
		die("count", 0, -1, &d);
	done = tandem_stmt_i64(st, 0);
	tandem_stmt_finalize(st);
	/* The last item may be half done (ordered is its last step). */
	for (int i = done > 0 ? (int)done - 1 : 0; i < CRASH_INVOICES; i++)
		item(s, i, &d);
	tandem_store_close(s);
	tandem_diag_release(&d);
	_exit(0);
}

/* xorshift64*: the kill delays, the same every run. */
static uint64_t next_random(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545F4914F6CDD1DULL;
}

static void ledger_crash_resume(enum engine e)
{
	struct fixture f;
	uint64_t rnd = 0x9E3779B97F4A7C15ULL;
	int kills = 0, status = 0, rounds = 0;
	int64_t ae = 0, cp = 0;
	struct tandem_arena a;
	struct tandem_budget_row *rows;
	size_t n;

	setup(&f, e, true);
	world(&f);
	ASSERT_EQ(tandem_store_exec(f.s, "UPDATE appropriation SET initial_cents = 100000000000"),
		  0);
	for (;; rounds++) {
		pid_t pid;

		fflush(NULL);
		pid = fork();
		ASSERT(pid >= 0);
		if (pid == 0)
			workload(f.t.where);
		if (kills < CRASH_KILLS) {
			struct timespec ts = { 0, (long)(1000000 + next_random(&rnd) % 40000000) };

			nanosleep(&ts, NULL);
			(void)kill(pid, SIGKILL);
		}
		ASSERT_EQ(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status)) {
			ASSERT_EQ(WEXITSTATUS(status), 0);
			break;
		}
		ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		kills++;
		ASSERT(rounds < 10 * CRASH_KILLS);
	}
	printf("crash test (%s): %d kills before the work was done\n",
	       e == ENGINE_SQLITE ? "SQLite" : "PostgreSQL", kills);
	ASSERT_GT(kills, 5);
	/* Every invoice once, each with one order and one entry. */
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM invoice"), CRASH_INVOICES);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(DISTINCT number) FROM invoice"), CRASH_INVOICES);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM invoice_file"), CRASH_INVOICES);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM event WHERE action = 'invoice.receive'"),
		  CRASH_INVOICES);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM commitment WHERE number LIKE 'EJ-C%'"),
		  CRASH_INVOICES);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM payment_order"), CRASH_INVOICES);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(DISTINCT invoice_id) FROM payment_order"),
		  CRASH_INVOICES);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM journal_entry"), CRASH_INVOICES);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM invoice WHERE status <> 'ready'"), 0);
	assert_books_balance(&f);
	/* The consumption the budget report gives is the sum of the documents. */
	for (int i = 0; i < CRASH_INVOICES; i++) {
		ae += amount_of(i);
		cp += amount_of(i);
	}
	ae += 3 * 100000; /* the world's EJ-1, EJ-2 and EJ-POSTE */
	ASSERT_EQ(query_i64_f(&f, "SELECT sum(amount_cents) FROM payment_order"), cp);
	ASSERT_EQ(query_i64_f(&f, "SELECT sum(due_cents) FROM invoice"), cp);
	ASSERT_EQ(query_i64_f(&f, "SELECT sum(amount_cents) FROM service_done"), cp);
	tandem_arena_init(&a, 1u << 20);
	ASSERT_EQ(tandem_ledger_budget_report(f.s, ADMIN, 2026, &a, &rows, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].path, "GFP/156") == 0) {
			ASSERT_EQ(rows[i].ae_committed_cents, ae);
			ASSERT_EQ(rows[i].cp_ordered_cents, cp);
			ASSERT_EQ(rows[i].ae_cents - rows[i].ae_available_cents, ae);
			ASSERT_EQ(rows[i].cp_cents - rows[i].cp_available_cents, cp);
			ae = -1;
		}
	ASSERT_EQ(ae, -1);
	tandem_arena_release(&a);
	teardown(&f);
}
BOTH_ENGINES(ledger_crash_resume)
