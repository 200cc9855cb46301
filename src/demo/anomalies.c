/*
 * src/demo/anomalies.c - what the demo plants for the audit controls to
 * find, each with suppliers of its own so that nothing else blurs it:
 *   (a) a duplicate invoice the ledger's idempotency rule cannot catch:
 *       same supplier, amount and issue date, the number keyed without its
 *       prefix ("F-2026-0042" then "2026-0042"); the commitment has room
 *       for it, so both are matched, ordered and paid;
 *   (b) a split purchase: three commitments to one supplier for the same
 *       object within four days, each under 40,000 EUR HT (the French
 *       threshold of a formal procedure), together above it;
 *   (c) a supplier's IBAN changed on a Tuesday, on the evidence "RIB reçu
 *       par courriel", by a comptable; an invoice of that supplier ordered
 *       the same day, approved by the other comptable, paid on Friday.
 */
#include <stdio.h>
#include <string.h>

#include "demo_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define SPLIT_THRESHOLD_CENTS 4000000 /* 40,000.00 EUR HT */
#define LINE_SUPPORT 3                /* GFP/156/09 Soutien */
#define OBJECT_FURNITURE 2            /* Mobilier de bureau */
#define LINE_PME 1                    /* GFP/156/02 */
#define OBJECT_SUPPLIES 1             /* Fournitures de bureau */
#define IBAN_CHANGER "cora"

static int next_working(int day)
{
	while (!demo_working_day(day))
		day++;
	return day;
}

/* A French commitment certified in full on cert_day, with one invoice of
 * net received on inv_day: the index of the commitment. */
static uint32_t planted(struct demo *w, uint32_t sup, uint8_t line, uint8_t object, int day,
			int64_t amount, int cert_day, int64_t net, int inv_day)
{
	uint32_t ci = (uint32_t)w->n_c++;
	struct demo_commitment *c = &w->c[ci];
	struct demo_invoice *v = &w->inv[w->n_inv];

	memset(c, 0, sizeof *c);
	c->admin = DEMO_FR;
	c->supplier = sup;
	c->line = line;
	c->object = object;
	c->day = next_working(day);
	c->amount_cents = amount;
	c->cert_day[0] = next_working(cert_day);
	c->cert_cents[0] = amount;
	c->cert_day[1] = -1;
	c->first_invoice = (uint32_t)w->n_inv++;
	c->n_invoices = 1;
	memset(v, 0, sizeof *v);
	v->commitment = ci;
	v->net_cents = net;
	v->day = next_working(inv_day);
	v->issue_day = v->day - 1;
	w->admin[DEMO_FR].lines[line].planned_cents += amount;
	return ci;
}

int demo_plant(struct demo *w, size_t *n_fr)
{
	struct demo_admin *a = &w->admin[DEMO_FR];
	int span = w->last_day - w->first_day;
	int64_t net, gross;
	int day, friday;

	if (*n_fr < 10 || a->n_sup < 10)
		return TANDEM_EINVAL;
	w->dup_sup = 0;
	w->split_sup = 1;
	w->iban_sup = 2;
	a->sup[0].reserved = a->sup[1].reserved = a->sup[2].reserved = true;
	/* (a) Room for three, one invoice sent twice. */
	day = next_working(w->first_day + span * 35 / 100);
	net = 418000 + demo_below(&w->rng, 10000);
	gross = net + demo_vat(net, a->vat_percent);
	planted(w, w->dup_sup, LINE_PME, OBJECT_SUPPLIES, day, 3 * gross, day + 10, net, day + 15);
	w->dup_inv[0] = (uint32_t)w->n_inv - 1;
	w->dup_inv[1] = (uint32_t)w->n_inv;
	w->inv[w->n_inv] = w->inv[w->n_inv - 1];
	w->inv[w->n_inv].day = next_working(w->inv[w->n_inv - 1].day + 7);
	w->c[w->n_c - 1].n_invoices = 2;
	w->n_inv++;
	/* (b) Three purchases of furniture within four days. */
	day = next_working(w->first_day + span * 45 / 100);
	for (size_t i = 0; i < 3; i++) {
		int d = next_working(day + (i == 0 ? 0 : i == 1 ? 1 : 3));

		net = 3650000 + demo_below(&w->rng, 300000);
		w->split_c[i] = planted(w, w->split_sup, LINE_SUPPORT, OBJECT_FURNITURE, d,
					net + demo_vat(net, a->vat_percent),
					d + 8 + (int)demo_below(&w->rng, 12), net,
					d + 25 + (int)demo_below(&w->rng, 5));
		w->r->anomalies.split_net_cents[i] = net;
	}
	/* (c) A Friday of a French payment run, two thirds into the year; the
	 * change on the Tuesday before, the invoice received on the Monday. */
	friday = w->first_day + span * 2 / 3;
	while (!demo_run_day(DEMO_FR, friday))
		friday++;
	w->iban_day = friday - 3;
	net = 1234500 + demo_below(&w->rng, 100000);
	planted(w, w->iban_sup, LINE_SUPPORT, 1, w->iban_day - 40,
		net + demo_vat(net, a->vat_percent), w->iban_day - 12, net, w->iban_day - 1);
	w->iban_inv = (uint32_t)w->n_inv - 1;
	*n_fr -= 5;
	return 0;
}

/* The new account, recorded by a comptable (who then may not approve the
 * first payment to it: the ledger enforces it). */
int demo_change_iban(struct demo *w)
{
	struct demo_supplier *s = &w->admin[DEMO_FR].sup[w->iban_sup];
	struct tandem_demo_anomalies *an = &w->r->anomalies;
	int rc;

	(void)snprintf(an->iban_old, sizeof an->iban_old, "%s", s->iban);
	rc = demo_iban_fr(&w->rng, s->iban);
	demo_clock(w);
	if (rc == 0)
		rc = tandem_ledger_supplier_account(w->s, IBAN_CHANGER, TANDEM_DEMO_FR, s->siret,
						    s->iban, NULL, "RIB reçu par courriel", w->d);
	(void)snprintf(an->iban_new, sizeof an->iban_new, "%s", s->iban);
	(void)snprintf(an->iban_changed_by, sizeof an->iban_changed_by, "%s", IBAN_CHANGER);
	demo_date(w->day, an->iban_changed_on);
	return rc;
}

int demo_anomalies_report(struct demo *w)
{
	struct tandem_demo_anomalies *an = &w->r->anomalies;
	const struct demo_admin *a = &w->admin[DEMO_FR];
	struct tandem_stmt *st = NULL;
	int rc;

	(void)snprintf(an->dup_supplier, sizeof an->dup_supplier, "%s", a->sup[w->dup_sup].siret);
	for (size_t i = 0; i < 2; i++) {
		(void)snprintf(an->dup_numbers[i], sizeof an->dup_numbers[i], "%s",
			       w->inv[w->dup_inv[i]].number);
		an->dup_invoices[i] = w->inv[w->dup_inv[i]].id;
	}
	(void)snprintf(an->split_supplier, sizeof an->split_supplier, "%s",
		       a->sup[w->split_sup].siret);
	for (size_t i = 0; i < 3; i++) {
		(void)snprintf(an->split_numbers[i], sizeof an->split_numbers[i], "%s",
			       w->c[w->split_c[i]].number);
		an->split_commitments[i] = w->c[w->split_c[i]].id;
	}
	(void)snprintf(an->iban_supplier, sizeof an->iban_supplier, "%s", a->sup[w->iban_sup].siret);
	an->iban_invoice = w->inv[w->iban_inv].id;
	rc = tandem_store_prepare(w->s, "SELECT o.id, o.run_id, r.execution_date FROM "
				  "payment_order o JOIN payment_run r ON r.id = o.run_id "
				  "WHERE o.invoice_id = $1 AND o.state = 'paid'", &st);
	if (rc == 0)
		rc = tandem_stmt_bind_i64(st, 1, an->iban_invoice);
	if (rc == 0 && (rc = tandem_stmt_step(st)) == 1) {
		an->iban_order = tandem_stmt_i64(st, 0);
		an->iban_run = tandem_stmt_i64(st, 1);
		(void)snprintf(an->iban_paid_on, sizeof an->iban_paid_on, "%.10s",
			       tandem_stmt_text(st, 2));
		rc = 0;
	}
	tandem_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}
