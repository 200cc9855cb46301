/*
 * src/demo/plan.c - the plan of the year, drawn from the seed before
 * anything is written: each commitment with its supplier, budget line,
 * amount and day, its service-done certifications (most in full, some in
 * part, some never) and its invoices (1 to 3; most matching, a few beyond
 * the commitment, with a wrong code service or EJ number, or received
 * before service done), each with its day.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_int.h"
#include "tandem/error.h"

int64_t demo_vat(int64_t net_cents, unsigned percent)
{
	return (net_cents * (int64_t)percent + 50) / 100; /* half up, cents >= 0 */
}

/*
 * Log-uniform total before VAT, from 500 EUR to about 150,000 EUR:
 * 500.00 EUR times 1.01^k for k uniform in [0, 573] (1.01^573 is about
 * 300), computed on integer cents, then up to 1 % more to spread the
 * values between the steps.
 */
static int64_t draw_net(struct demo_rng *g)
{
	int64_t cents = 50000;
	uint32_t k = demo_below(g, 574);

	for (uint32_t i = 0; i < k; i++)
		cents = cents * 101 / 100;
	return cents + (int64_t)demo_below(g, (uint32_t)(cents / 100 + 1));
}

/* The day itself, or the next working day. */
static int working(int day)
{
	while (!demo_working_day(day))
		day++;
	return day;
}

/* A supplier of administration k not kept for an anomaly. */
static uint32_t draw_supplier(struct demo *w, size_t k)
{
	const struct demo_admin *a = &w->admin[k];
	uint32_t i;

	do
		i = demo_below(&w->rng, (uint32_t)a->n_sup);
	while (a->sup[i].reserved);
	return i;
}

static size_t n_objects(const struct demo_line *l)
{
	size_t n = 0;

	while (l->objects[n] != NULL)
		n++;
	return n;
}

/* Adds invoice j of commitment c: net, received on day, issued a day or
 * two before. */
static struct demo_invoice *add_invoice(struct demo *w, uint32_t c, int64_t net, int day)
{
	struct demo_invoice *v = &w->inv[w->n_inv++];

	memset(v, 0, sizeof *v);
	v->commitment = c;
	v->net_cents = net;
	v->day = working(day);
	v->issue_day = v->day - 1 - (int)demo_below(&w->rng, 2);
	v->cii = demo_chance(&w->rng, w->c[c].admin == DEMO_FR ? 25 : 50);
	return v;
}

/* The invoices of a commitment planned with its nets: their days follow
 * the certifications (or precede them: received before service done). */
static void plan_invoices(struct demo *w, uint32_t ci, const int64_t *net, size_t k,
			  enum demo_kind forced)
{
	struct demo_commitment *c = &w->c[ci];
	int base = c->cert_day[0] >= 0 ? c->cert_day[0] : c->day + 15 + (int)demo_below(&w->rng, 30);

	c->first_invoice = (uint32_t)w->n_inv;
	c->n_invoices = (uint32_t)k;
	for (size_t j = 0; j < k; j++) {
		int day = (j > 0 && c->cert_day[1] >= 0 ? c->cert_day[1] : base) + 1 +
			  (int)demo_below(&w->rng, 12);
		struct demo_invoice *v;

		if (demo_chance(&w->rng, 6)) /* sent before service done */
			day = base - 1 - (int)demo_below(&w->rng, 5);
		if (day <= c->day)
			day = c->day + 1;
		v = add_invoice(w, ci, net[j], day);
		if (j + 1 == k && forced != DEMO_INV_NORMAL) {
			v->kind = (uint8_t)forced;
			if (forced == DEMO_INV_BEYOND || forced == DEMO_INV_BEYOND_REJECT)
				v->net_cents += v->net_cents / 5 + 20000;
		} else if (j + 1 == k && demo_chance(&w->rng, 4)) {
			v->kind = demo_chance(&w->rng, 50) ? DEMO_INV_BEYOND : DEMO_INV_BEYOND_REJECT;
			v->net_cents += v->net_cents / 5 + 20000;
		} else if (c->admin == DEMO_FR && demo_chance(&w->rng, 2)) {
			v->kind = DEMO_INV_BAD_SERVICE;
		} else if (demo_chance(&w->rng, 2)) {
			v->kind = DEMO_INV_BAD_EJ;
		}
	}
}

/* A commitment of administration k within the first span days; forced: a
 * kind its last invoice must have (and then it comes early enough in the
 * year, certified in full, for the invoice to be received). */
static void plan_commitment(struct demo *w, size_t k, int span, enum demo_kind forced)
{
	uint32_t ci = (uint32_t)w->n_c++;
	struct demo_commitment *c = &w->c[ci];
	struct demo_admin *a = &w->admin[k];
	unsigned pct = a->vat_percent;
	int64_t total = draw_net(&w->rng), net[DEMO_INVOICES_PER_COMMITMENT_MAX] = { 0 };
	uint32_t roll = demo_below(&w->rng, 100);
	size_t n = roll < 60 ? 1 : roll < 90 ? 2 : 3;
	int64_t gross_first;

	memset(c, 0, sizeof *c);
	c->admin = (uint8_t)k;
	c->supplier = draw_supplier(w, k);
	c->line = (uint8_t)demo_below(&w->rng, (uint32_t)a->n_lines);
	c->object = (uint8_t)demo_below(&w->rng, (uint32_t)n_objects(&a->lines[c->line]));
	c->day = working(w->first_day + (int)demo_below(&w->rng, (uint32_t)span /
							(forced != DEMO_INV_NORMAL ? 2 : 1)));
	for (size_t j = 0; j < n; j++)
		net[j] = j + 1 < n ? total / (int64_t)n : total - total / (int64_t)n * (int64_t)(n - 1);
	for (size_t j = 0; j < n; j++)
		c->amount_cents += net[j] + demo_vat(net[j], pct);
	gross_first = net[0] + demo_vat(net[0], pct);
	c->cert_day[0] = c->cert_day[1] = -1;
	roll = forced != DEMO_INV_NORMAL ? 0 : demo_below(&w->rng, 100);
	if (roll < 95) {
		c->cert_day[0] = working(c->day + 7 + (int)demo_below(&w->rng, 30));
		c->cert_cents[0] = n == 1 ? c->amount_cents : gross_first;
		if (n == 1 && roll >= 85) /* delivered in part */
			c->cert_cents[0] = c->amount_cents * 6 / 10;
		if (n > 1 && roll < 85) {
			c->cert_day[1] = working(c->cert_day[0] + 10 +
						 (int)demo_below(&w->rng, 30));
			c->cert_cents[1] = c->amount_cents - gross_first;
		}
	}
	a->lines[c->line].planned_cents += c->amount_cents;
	plan_invoices(w, ci, net, n, forced);
}

int demo_plan(struct demo *w, unsigned commitments)
{
	size_t n_de = commitments * 3 / 13, n_fr = commitments - n_de;
	int span = w->last_day - 45 - w->first_day;
	int rc;

	w->c = calloc(commitments, sizeof *w->c);
	w->cap_inv = (size_t)commitments * DEMO_INVOICES_PER_COMMITMENT_MAX + 8;
	w->inv = calloc(w->cap_inv, sizeof *w->inv);
	if (w->c == NULL || w->inv == NULL)
		return TANDEM_ENOMEM;
	rc = demo_plant(w, &n_fr);
	/* The first commitments of each administration have an invoice of
	 * each kind, so that even a small demo has every status. */
	for (size_t i = 0; rc == 0 && i < n_fr; i++)
		plan_commitment(w, DEMO_FR, span, i < 5 ? (enum demo_kind)i : DEMO_INV_NORMAL);
	for (size_t i = 0; rc == 0 && i < n_de; i++)
		plan_commitment(w, DEMO_DE, span, i == 1 || i == 2 || i == 4 ?
				(enum demo_kind)i : DEMO_INV_NORMAL);
	/* Numbers in order of the day committed, as a register gives them. */
	for (size_t k = 0; rc == 0 && k < DEMO_ADMINS; k++) {
		unsigned seq = 0;

		for (int day = 0; day <= w->last_day; day++)
			for (size_t i = 0; i < w->n_c; i++)
				if (w->c[i].admin != k || w->c[i].day != day)
					continue;
				else if (k == DEMO_FR)
					(void)snprintf(w->c[i].number, sizeof w->c[i].number,
						       "13%08u", 10000 + ++seq);
				else
					(void)snprintf(w->c[i].number, sizeof w->c[i].number,
						       "BST-%d-%05u", TANDEM_DEMO_YEAR, ++seq);
	}
	return rc;
}
