/*
 * src/demo/year.c - the fiscal year played day by day, on the ledger's
 * simulated clock. Each working day, in this order: commitments,
 * certifications of service done, changes of bank details, the invoices
 * received (imported in one batch per administration), rejections; on
 * Tuesdays and Thursdays the ordonnateur orders every ready invoice and a
 * comptable approves the orders; every other Friday (the French and German
 * administrations alternate) a comptable makes the payment run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_int.h"
#include "tandem/buf.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define YEAR_START INT64_C(1767225600) /* 2026-01-01T00:00:00Z, a Thursday */
#define DAY_SECONDS 86400
#define TICK_SECONDS 20
#define TICKS_MAX 1800                 /* 10 hours of a working day */
#define IMPORT_BATCH 200
#define READY_MAX 20000                /* invoices ordered on one day */

void demo_date(int day, char out[11])
{
	/* Civil date of a day count (H. Hinnant's algorithm), 1970-01-01 = 0. */
	int64_t z = YEAR_START / DAY_SECONDS + day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t dd = doy - (153 * mp + 2) / 5 + 1, mm = mp < 10 ? mp + 3 : mp - 9;
	int64_t yy = yoe + era * 400 + (mm <= 2);

	(void)snprintf(out, 11, "%04u-%02u-%02u", (unsigned)yy % 10000u, (unsigned)mm % 100u,
		       (unsigned)dd % 100u);
}

/* The ledger's clock at the day's next action: from 08:00, 20 s apart. */
void demo_clock(struct demo *w)
{
	tandem_ledger_clock_set(YEAR_START + (int64_t)w->day * DAY_SECONDS + INT64_C(8) * 3600 +
				(int64_t)w->tick * TICK_SECONDS);
	if (w->tick < TICKS_MAX)
		w->tick++;
}

bool demo_working_day(int day)
{
	return day % 7 != 2 && day % 7 != 3; /* day 0 is a Thursday */
}

bool demo_run_day(size_t admin, int day)
{
	return day % 7 == 1 && (size_t)((day / 7) % 2) == admin;
}

static bool order_day(int day)
{
	return day % 7 == 5 || day % 7 == 0; /* Tuesday, Thursday */
}

static int commit_and_certify(struct demo *w)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < w->n_c; i++) {
		struct demo_commitment *c = &w->c[i];
		const struct demo_admin *a = &w->admin[c->admin];
		const struct demo_line *l = &a->lines[c->line];
		const struct demo_supplier *s = &a->sup[c->supplier];
		int64_t id;

		if (c->day == w->day) {
			struct tandem_commitment_in in = { a->id, TANDEM_DEMO_YEAR, c->number,
							   s->siret[0] ? s->siret : s->vat, l->path,
							   l->objects[c->object], c->amount_cents,
							   NULL, NULL, 0 };

			demo_clock(w);
			rc = tandem_ledger_commit(w->s, a->ordonnateur, &in, w->d, &c->id);
			w->r->commitments[c->admin]++;
			w->r->committed_cents[c->admin] += c->amount_cents;
		}
		for (size_t j = 0; rc == 0 && j < 2; j++) {
			if (c->cert_day[j] != w->day || c->cert_cents[j] <= 0)
				continue;
			demo_clock(w);
			rc = tandem_ledger_certify(w->s, a->certifier, a->id, TANDEM_DEMO_YEAR,
						   c->number, c->cert_cents[j],
						   c->admin == DEMO_FR ? "Service fait constaté" :
						   "Sachlich richtig festgestellt", w->d, &id);
			w->r->certifications[c->admin]++;
		}
	}
	return rc;
}

/* The day's invoices of administration k, by batches; then the rejection
 * of those planned to be rejected. */
static int receive(struct demo *w, size_t k)
{
	uint32_t idx[IMPORT_BATCH];
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < w->n_inv; i++) {
		if (w->inv[i].day != w->day || w->c[w->inv[i].commitment].admin != k)
			continue;
		idx[n++] = (uint32_t)i;
		if (n == IMPORT_BATCH) {
			rc = demo_invoices_import(w, k, idx, n);
			n = 0;
		}
	}
	if (rc == 0 && n > 0)
		rc = demo_invoices_import(w, k, idx, n);
	for (size_t i = 0; rc == 0 && i < w->n_inv; i++) {
		struct demo_invoice *v = &w->inv[i];

		if (v->day != w->day || v->kind != DEMO_INV_BEYOND_REJECT || v->id == 0 ||
		    strcmp(v->status, "suspended") != 0 || w->c[v->commitment].admin != k)
			continue;
		demo_clock(w);
		rc = tandem_ledger_invoice_reject(w->s, w->admin[k].comptable[0], w->admin[k].id,
						  v->id, k == DEMO_FR ? "Montant au-delà de "
						  "l'engagement juridique" : "Betrag übersteigt "
						  "die Bestellung", w->d);
		if (rc == 0)
			(void)snprintf(v->status, sizeof v->status, "rejected");
	}
	return rc;
}

/* Orders every ready invoice not ordered yet, then has them approved: by
 * either comptable, but never by the one who changed the bank account the
 * order pays (the planted change is by cora: carl approves). */
static int order_and_approve(struct demo *w, size_t k)
{
	struct demo_admin *a = &w->admin[k];
	const char *changed = w->admin[DEMO_FR].sup[w->iban_sup].siret;
	struct tandem_stmt *st = NULL;
	int64_t *ids = malloc(READY_MAX * sizeof *ids);
	bool *to_carl = malloc(READY_MAX * sizeof *to_carl);
	size_t n = 0;
	int rc = ids == NULL || to_carl == NULL ? TANDEM_ENOMEM : 0;

	if (rc == 0)
		rc = tandem_store_prepare(w->s, "SELECT i.id, coalesce(s.siret, '') FROM invoice i "
					  "JOIN administration a ON a.id = i.administration_id "
					  "JOIN supplier s ON s.id = i.supplier_id "
					  "WHERE (a.siret = $1 OR a.leitweg_id = $1) AND "
					  "i.status = 'ready' AND NOT EXISTS (SELECT 1 FROM "
					  "payment_order o WHERE o.invoice_id = i.id AND "
					  "o.state <> 'cancelled') ORDER BY i.id", &st);
	if (rc == 0)
		rc = tandem_stmt_bind_text(st, 1, a->id);
	while (rc == 0 && n < READY_MAX && (rc = tandem_stmt_step(st)) == 1) {
		ids[n] = tandem_stmt_i64(st, 0);
		to_carl[n++] = strcmp(tandem_stmt_text(st, 1), changed) == 0;
		rc = 0;
	}
	tandem_stmt_finalize(st);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int64_t order = 0;

		demo_clock(w);
		rc = tandem_ledger_pay_order(w->s, a->ordonnateur, a->id, TANDEM_DEMO_YEAR, ids[i],
					     w->d, &order);
		demo_clock(w);
		if (rc == 0)
			rc = tandem_ledger_pay_approve(w->s, a->comptable[to_carl[i] ? 0 : order % 2],
						       a->id, order, w->d);
		if (rc == 0) {
			a->approved++;
			w->r->orders[k]++;
		}
	}
	free(ids);
	free(to_carl);
	return rc;
}

static int pay_run(struct demo *w, size_t k)
{
	struct demo_admin *a = &w->admin[k];
	struct tandem_pay_run_result res;
	struct tandem_buf file;
	int rc;

	if (a->approved == 0)
		return 0;
	tandem_buf_init(&file, TANDEM_SEPA_OUT_MAX);
	demo_clock(w);
	rc = tandem_ledger_pay_run(w->s, a->comptable[0], a->id, NULL, w->d, &file, &res);
	if (rc == 0) {
		w->r->runs[k]++;
		w->r->paid_cents[k] += res.total_cents;
		a->approved -= res.transactions <= a->approved ? res.transactions : a->approved;
	}
	tandem_buf_release(&file);
	return rc;
}

int demo_year(struct demo *w)
{
	int rc = 0;

	for (w->day = w->first_day; rc == 0 && w->day <= w->last_day; w->day++) {
		if (!demo_working_day(w->day))
			continue;
		w->tick = 0;
		rc = commit_and_certify(w);
		if (rc == 0 && w->day == w->iban_day)
			rc = demo_change_iban(w);
		for (size_t k = 0; rc == 0 && k < DEMO_ADMINS; k++)
			rc = receive(w, k);
		for (size_t k = 0; rc == 0 && order_day(w->day) && k < DEMO_ADMINS; k++)
			rc = order_and_approve(w, k);
		for (size_t k = 0; rc == 0 && k < DEMO_ADMINS; k++)
			if (demo_run_day(k, w->day))
				rc = pay_run(w, k);
	}
	w->day--;
	return rc;
}
