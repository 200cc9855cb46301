/*
 * bench/bench_ledger.c - the ledger under load: N generated invoices
 * imported through tandem_ledger_invoice_import (routed to one of 1,000
 * commitments of 100 suppliers, matched against certified service done,
 * stored with their bytes, SHA-256 and event; batches of 100,000 per
 * transaction), then payment orders posted to the journal (one transaction
 * each, as ordonnateurs make them), then the latency of an availability
 * check with everything in place. On SQLite (a file, WAL, synchronous=FULL)
 * and, when TANDEM_BENCH_PG (or TANDEM_TEST_PG) names a server, PostgreSQL.
 *
 *	build/bench_ledger [INVOICES [ORDERS]]     defaults: 1000000 and 10000
 *
 * The invoices are what the intake hands the ledger (tandem_invoice_in);
 * reading and validating the XML is bench_einvoice's subject.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "bench.h"
#include "tandem/arena.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/ident.h"
#include "tandem/ledger.h"
#include "tandem/store.h"

#define ADMIN "11000201100044"
#define SUPPLIERS 100
#define COMMITMENTS 1000
#define BATCH 100000
#define CHECKS 1000

static const char budget[] =
	"administration FR 11000201100044 Direction generale des finances publiques\n"
	"year 2026\n"
	"bank FR7630001007941234567890185 BDFEFRPPCCT\n"
	"address 139 rue de Bercy; 75012; Paris\n"
	"mission    GFP          -                 -                 Gestion des finances\n"
	"programme  GFP/156      -                 -                 Gestion fiscale\n"
	"action     GFP/156/01   900000000000.00   900000000000.00   Grandes entreprises\n"
	"action     GFP/156/02   900000000000.00   900000000000.00   PME\n";

/* One statement on the server, outside any tandem store. */
static bool admin_exec(const char *url, const char *sql)
{
	PGconn *c = PQconnectdb(url);
	PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
	bool ok = r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK;

	if (!ok)
		fprintf(stderr, "bench_ledger: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok;
}

static void check(int rc, const char *what, const struct tandem_diag *d)
{
	if (rc == 0)
		return;
	fprintf(stderr, "bench_ledger: %s: %s (%d)%s%s\n", what, tandem_strerror(rc), rc,
		d->count > 0 ? ": " : "", d->count > 0 ? d->items[d->count - 1].message : "");
	exit(1);
}

/* The SIRET of supplier i: check digits computed. */
static void siret_of(int i, char out[16])
{
	struct tandem_id_result r;
	char siren[16], base[16];

	snprintf(base, sizeof base, "%08d", 30000000 + i * 7);
	if (tandem_id_compute(TANDEM_ID_SIREN, base, 8, siren, sizeof siren, &r) != 0)
		abort();
	snprintf(base, sizeof base, "%.9s%04d", siren, 1 + i % 9000);
	if (tandem_id_compute(TANDEM_ID_SIRET, base, 13, out, 16, &r) != 0)
		abort();
}

static void setup(struct tandem_store *s, struct tandem_diag *d)
{
	bool already;
	int64_t id;

	check(tandem_ledger_user_add(s, NULL, "alice", "Alice", "admin", d), "user", d);
	check(tandem_ledger_user_add(s, "alice", "olga", "Olga", "ordonnateur", d), "user", d);
	check(tandem_ledger_user_add(s, "alice", "carl", "Carl", "comptable", d), "user", d);
	check(tandem_ledger_budget_load(s, "alice", budget, sizeof budget - 1, d, &already),
	      "budget", d);
	for (int i = 0; i < SUPPLIERS; i++) {
		char siret[16], name[64];
		struct tandem_supplier_in in = { ADMIN, name, "FR", siret, NULL, "1 rue de la Paix",
						 "75002", "Paris" };

		siret_of(i, siret);
		snprintf(name, sizeof name, "Fournisseur %d", i);
		check(tandem_ledger_supplier_add(s, "olga", &in, d, &id), "supplier", d);
		check(tandem_ledger_supplier_account(s, "olga", ADMIN, siret,
						     "FR7630006000011234567890189", NULL, "RIB", d),
		      "account", d);
	}
	for (int i = 0; i < COMMITMENTS; i++) {
		char siret[16], ej[32];
		struct tandem_commitment_in c = { ADMIN, 2026, ej, siret,
						  i % 2 ? "GFP/156/01" : "GFP/156/02", "Services",
						  INT64_C(50000000000), NULL, NULL, 0 };

		siret_of(i % SUPPLIERS, siret);
		snprintf(ej, sizeof ej, "EJ-%05d", i);
		check(tandem_ledger_commit(s, "olga", &c, d, &id), "commit", d);
		check(tandem_ledger_certify(s, "olga", ADMIN, 2026, ej, c.amount_cents, "done", d,
					    &id), "certify", d);
	}
}

struct gen {
	char file[96];
	char number[24], ej[16], siret[16];
};

static void make_invoice(int64_t n, struct gen *g, struct tandem_invoice_in *in)
{
	int c = (int)(n % COMMITMENTS);
	int64_t due = 10000 + n % 90000;

	snprintf(g->number, sizeof g->number, "B-%07lld", (long long)n);
	snprintf(g->ej, sizeof g->ej, "EJ-%05d", c);
	siret_of(c % SUPPLIERS, g->siret);
	snprintf(g->file, sizeof g->file, "<Invoice>%s|%s|%lld</Invoice>", g->number, g->ej,
		 (long long)due);
	*in = (struct tandem_invoice_in){
		.file = g->file, .file_len = strlen(g->file), .file_name = g->number,
		.syntax = "ubl-invoice", .valid = true, .verdict = "valid (CEN-UBL), 0 warnings",
		.number = g->number, .issue_date = "2026-03-02", .due_date = "2026-04-01",
		.type_code = "380", .currency = "EUR", .buyer_reference = NULL,
		.order_reference = g->ej, .seller_siret = g->siret, .seller_vat = NULL,
		.buyer_siret = ADMIN, .payee_iban = NULL, .net_cents = due - due / 6,
		.vat_cents = due / 6, .gross_cents = due, .due_cents = due,
	};
}

/* The CPU time of the process so far, user and system, in seconds: the
 * machine is shared, and a busy one stretches the wall-clock time. */
static void cpu_s(double *user, double *sys)
{
	struct rusage u;

	(void)getrusage(RUSAGE_SELF, &u);
	*user = (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6;
	*sys = (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

static void run(const char *engine, const char *where, int64_t invoices, int64_t orders)
{
	struct tandem_store *s = NULL;
	struct tandem_diag d;
	struct gen *g = calloc(BATCH, sizeof *g);
	struct tandem_invoice_in *in = calloc(BATCH, sizeof *in);
	struct tandem_invoice_result *res = calloc(BATCH, sizeof *res);
	int64_t ready = 0, first = 0, available = 0, mark_n = 0;
	double t0, t, mark_t, gen = 0, user0, sys0, user, sys;
	char name[80];

	if (g == NULL || in == NULL || res == NULL) {
		fprintf(stderr, "bench_ledger: out of memory\n");
		exit(1);
	}
	tandem_diag_init(&d, 1000);
	check(tandem_ledger_open(where, TANDEM_STORE_CREATE, &d, &s), "open", &d);
	t0 = bench_now_s();
	setup(s, &d);
	printf("%s: %d suppliers, %d commitments certified in %.2f s\n", engine, SUPPLIERS,
	       COMMITMENTS, bench_now_s() - t0);
	t0 = bench_now_s();
	mark_t = t0;
	cpu_s(&user0, &sys0);
	for (int64_t done = 0; done < invoices;) {
		size_t n = (size_t)(invoices - done < BATCH ? invoices - done : BATCH);
		double g0 = bench_now_s();

		for (size_t i = 0; i < n; i++)
			make_invoice(done + (int64_t)i, &g[i], &in[i]);
		gen += bench_now_s() - g0;
		tandem_diag_release(&d);
		tandem_diag_init(&d, 1000);
		check(tandem_ledger_invoice_import(s, "carl", in, n, &d, res), "import", &d);
		for (size_t i = 0; i < n; i++) {
			check(res[i].code, "an invoice", &d);
			if (first == 0)
				first = res[i].id;
			ready += strcmp(res[i].status, "ready") == 0;
		}
		done += (int64_t)n;
		if (done % 100000 == 0 || done == invoices) {
			double now = bench_now_s();

			printf("%s: %lld invoices stored, the last ones at %.0f/s\n", engine,
			       (long long)done, (double)(done - mark_n) / (now - mark_t));
			fflush(stdout);
			mark_n = done;
			mark_t = now;
		}
	}
	t = bench_now_s() - t0;
	cpu_s(&user, &sys);
	snprintf(name, sizeof name, "%s: invoices imported (%lld)", engine, (long long)invoices);
	bench_report(name, (double)invoices, t);
	printf("%s: %lld of them ready to pay; %.1f s in all (%.1f s making them); CPU %.1f s "
	       "user, %.1f s system\n", engine, (long long)ready, t, gen, user - user0,
	       sys - sys0);
	t0 = bench_now_s();
	for (int64_t i = 0; i < orders && i < invoices; i++) {
		int64_t id;

		check(tandem_ledger_pay_order(s, "olga", ADMIN, 2026, first + i, &d, &id), "order",
		      &d);
	}
	t = bench_now_s() - t0;
	snprintf(name, sizeof name, "%s: payment orders posted (%lld)", engine,
		 (long long)orders);
	bench_report(name, (double)orders, t);
	t0 = bench_now_s();
	for (int i = 0; i < CHECKS; i++)
		check(tandem_ledger_available(s, ADMIN, 2026, i % 2 ? "GFP/156/01" : "GFP/156/02",
					      i % 4 < 2 ? "AE" : "CP", &d, &available),
		      "available", &d);
	t = bench_now_s() - t0;
	printf("%s: availability check (AE and CP, %lld invoices, %lld orders): %.3f ms\n",
	       engine, (long long)invoices, (long long)orders, t * 1e3 / CHECKS);
	tandem_store_close(s);
	tandem_diag_release(&d);
	free(g);
	free(in);
	free(res);
}

int main(int argc, char **argv)
{
	int64_t invoices = argc > 1 ? atoll(argv[1]) : 1000000;
	int64_t orders = argc > 2 ? atoll(argv[2]) : 10000;
	const char *pg = getenv("TANDEM_BENCH_PG");
	const char *base = getenv("TANDEM_BENCH_DIR");
	char dir[256], path[300];

	if (invoices <= 0 || orders < 0) {
		fprintf(stderr, "usage: bench_ledger [INVOICES [ORDERS]]\n");
		return 2;
	}
	snprintf(dir, sizeof dir, "%s/tandem-bench-XXXXXX",
		 base != NULL && *base != '\0' ? base : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof path, "%s/ledger.db", dir);
	printf("SQLite: WAL, synchronous=FULL (every commit is on disk when acknowledged)\n");
	run("SQLite", path, invoices, orders);
	(void)unlink(path);
	snprintf(path, sizeof path, "%s/ledger.db-wal", dir);
	(void)unlink(path);
	snprintf(path, sizeof path, "%s/ledger.db-shm", dir);
	(void)unlink(path);
	(void)rmdir(dir);
	if (pg == NULL || *pg == '\0')
		pg = getenv("TANDEM_TEST_PG");
	if (pg == NULL || *pg == '\0') {
		printf("PostgreSQL: skipped (set TANDEM_BENCH_PG to a server's URL, on an empty "
		       "database)\n");
		return 0;
	}
	{
		/* A schema of its own, made afresh, so that runs never mix. */
		char where[1024];

		if (!admin_exec(pg, "DROP SCHEMA IF EXISTS tandem_bench CASCADE") ||
		    !admin_exec(pg, "CREATE SCHEMA tandem_bench"))
			return 1;
		snprintf(where, sizeof where, "%s%soptions=-csearch_path%%3Dtandem_bench", pg,
			 strchr(pg, '?') != NULL ? "&" : "?");
		run("PostgreSQL", where, invoices, orders);
		(void)admin_exec(pg, "DROP SCHEMA tandem_bench CASCADE");
	}
	return 0;
}
