/*
 * src/demo/demo.c - tandem_demo_build(): checks that the database is
 * empty, draws the world and the plan from the seed, writes the world,
 * plays the year, and reports what the database now holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demo_int.h"
#include "tandem/einvoice.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define FIRST_DAY 4   /* Monday 5 January */
#define LAST_DAY 316  /* Friday 13 November */
#define DAYS_MIN 240  /* the anomalies need most of the year */
#define YEAR_START INT64_C(1767225600)

static const char *const statuses[TANDEM_DEMO_STATUSES] = {
	"received", "a_recycler", "suspended", "rejected", "ready", "paid",
};

const char *tandem_demo_status_name(size_t i)
{
	return i < TANDEM_DEMO_STATUSES ? statuses[i] : "";
}

static int refuse(struct tandem_diag *d, int code, const char *rule, const char *path,
		  const char *message)
{
	(void)tandem_diag_add(d, TANDEM_SEV_ERROR, code, rule, path, 0, "%s", message);
	return code;
}

static int check_empty(struct tandem_store *s, struct tandem_diag *d)
{
	struct tandem_stmt *st = NULL;
	int rc = tandem_store_prepare(s, "SELECT count(*) FROM app_user", &st);

	if (rc == 0 && (rc = tandem_stmt_step(st)) == 1)
		rc = tandem_stmt_i64(st, 0) == 0 ? 0 :
			refuse(d, TANDEM_EEXIST, "TANDEM-DEMO-NOT-EMPTY", "",
			       "the database already has users: the demo builds only in an "
			       "empty database, never mixed with other data");
	tandem_stmt_finalize(st);
	return rc;
}

/* Statuses of the invoices, as the ledger has them now. */
static int count_statuses(struct demo *w)
{
	struct tandem_stmt *st = NULL;
	int rc = tandem_store_prepare(w->s, "SELECT status, count(*) FROM invoice GROUP BY status",
				      &st);

	while (rc == 0 && (rc = tandem_stmt_step(st)) == 1) {
		rc = 0;
		for (size_t i = 0; i < TANDEM_DEMO_STATUSES; i++)
			if (strcmp(tandem_stmt_text(st, 0), statuses[i]) == 0)
				w->r->by_status[i] = (size_t)tandem_stmt_i64(st, 1);
	}
	tandem_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

static int64_t ms_since(const struct timespec *t0)
{
	struct timespec t1;

	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	return (int64_t)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The days played: 5 January to 13 November, or to yesterday when that
 * is earlier (the dates of SEPA files are never in the past). */
static int window(struct demo *w)
{
	int64_t today = ((int64_t)time(NULL) - YEAR_START) / 86400;

	w->first_day = FIRST_DAY;
	w->last_day = today - 1 < LAST_DAY ? (int)(today - 1) : LAST_DAY;
	if (w->last_day - w->first_day < DAYS_MIN)
		return refuse(w->d, TANDEM_EINVAL, "TANDEM-DEMO-DATE", "",
			      "the demo plays the year 2026 up to mid-November on the ledger's "
			      "clock, which must not be ahead of today's date: it needs today "
			      "to be after 1 September 2026");
	demo_date(w->first_day, w->r->first_day);
	demo_date(w->last_day, w->r->last_day);
	return 0;
}

/*
 * A demo database is new and disposable, and takes some 20,000 small
 * transactions: while it is built, a commit does not wait for the disk
 * (SQLite synchronous=NORMAL in WAL mode, PostgreSQL synchronous_commit
 * off). The database stays consistent whatever happens; only the last
 * commits could be lost if the machine lost power. Back to the store's
 * setting at the end. These are settings of the connection, not writes.
 */
static void durable(struct tandem_store *s, bool on)
{
	if (tandem_store_kind(s) == TANDEM_STORE_SQLITE)
		(void)tandem_store_exec(s, on ? "PRAGMA synchronous = FULL" :
					"PRAGMA synchronous = NORMAL");
	else
		(void)tandem_store_exec(s, on ? "SET synchronous_commit = on" :
					"SET synchronous_commit = off");
}

static int run(struct demo *w, const struct tandem_demo_options *o)
{
	unsigned n = o->commitments != 0 ? o->commitments : TANDEM_DEMO_COMMITMENTS_DEFAULT;
	int rc = window(w);

	if (rc == 0)
		rc = demo_world(w, o->parties);
	if (rc == 0)
		rc = demo_plan(w, n);
	durable(w->s, false);
	if (rc == 0)
		rc = demo_world_load(w);
	if (rc == 0)
		rc = demo_year(w);
	tandem_ledger_clock_set(0);
	durable(w->s, true);
	if (rc == 0)
		rc = demo_anomalies_report(w);
	if (rc == 0)
		rc = count_statuses(w);
	return rc;
}

int tandem_demo_build(struct tandem_store *s, const struct tandem_demo_options *o,
		      struct tandem_diag *d, struct tandem_demo_report *r)
{
	struct demo w;
	struct tandem_einv_rules *own = NULL;
	struct timespec t0;
	int rc;

	memset(r, 0, sizeof *r);
	memset(&w, 0, sizeof w);
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	if (o->parties == NULL || (o->commitments != 0 &&
				   (o->commitments < TANDEM_DEMO_COMMITMENTS_MIN ||
				    o->commitments > TANDEM_DEMO_COMMITMENTS_MAX)))
		return refuse(d, TANDEM_EINVAL, "TANDEM-DEMO-OPTIONS", "",
			      "the demo needs the parties file and 30 to 100000 commitments");
	rc = check_empty(s, d);
	if (rc == 0 && o->rules == NULL && tandem_einv_rules_load(o->artefacts, &own, d) != 0)
		rc = refuse(d, TANDEM_EIO, "TANDEM-DEMO-INPUT", o->artefacts ? o->artefacts : "",
			    "cannot load the validation artefacts");
	if (rc == 0 && tandem_einv_validator_new(o->rules ? o->rules : own, &w.val) != 0)
		rc = TANDEM_ENOMEM;
	w.s = s;
	w.d = d;
	w.r = r;
	r->seed = o->seed != 0 ? o->seed : 1;
	w.rng.state = r->seed;
	if (rc == 0)
		rc = run(&w, o);
	demo_world_release(&w);
	free(w.c);
	free(w.inv);
	tandem_einv_validator_free(w.val);
	tandem_einv_rules_free(own);
	r->elapsed_ms = ms_since(&t0);
	return rc;
}
