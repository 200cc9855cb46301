/*
 * src/demo/invoices.c - the suppliers' invoices as real EN 16931 files: the
 * model filled as a supplier's software would (French ones for Chorus Pro:
 * SIRET, code service, EJ number; German ones as XRechnung 3.0: Leitweg-ID,
 * seller contact, electronic addresses, payment means with the IBAN),
 * written in UBL or CII by tandem_einv_write(), then taken in exactly as
 * `tandem invoice import` takes a file: opened, validated with the official
 * rules, read, and imported by the ledger in one batch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_int.h"
#include "tandem/arena.h"
#include "tandem/buf.h"
#include "tandem/einvoice.h"
#include "tandem/en16931.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define BATCH_MAX 200
#define FILE_MAX (1u << 20)         /* one generated invoice: some 8 KB */
#define ARENA_MAX (256u << 20)      /* a batch's parsed files and models */
#define FINDINGS_MAX 200
#define REPORTED_MAX 20             /* findings of bad invoices passed on */

#define XRECHNUNG "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
#define PEPPOL_BILLING "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

/* An invoice's model and the texts it points to. */
struct model {
	struct tandem_einv_invoice inv;
	struct tandem_einv_transfer transfer;
	struct tandem_einv_line line;
	struct tandem_einv_vat vat;
	char issue[11], due[11], delivered[11], ej[DEMO_NUMBER_MAX], rate[4];
	char net[24], tax[24], gross[24];
};

static void cents_text(int64_t cents, char out[24])
{
	(void)snprintf(out, 24, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

static struct tandem_einv_num num(const char *text)
{
	struct tandem_einv_num n = { .text = text };

	n.set = tandem_dec_parse_cstr(text, &n.value) == 0;
	return n;
}

static void parties(struct model *m, const struct demo_admin *a, const struct demo_supplier *s,
		    bool fr)
{
	struct tandem_einv_party *se = &m->inv.seller, *bu = &m->inv.buyer;

	se->name = s->name;
	se->vat_id = s->vat;
	se->address = (struct tandem_einv_address){ .line1 = s->street, .city = s->town,
						    .post_code = s->postcode,
						    .country = fr ? "FR" : "DE" };
	se->contact = (struct tandem_einv_contact){ .point = fr ? "Service facturation" :
						    "Buchhaltung", .telephone = s->phone,
						    .email = s->email };
	bu->name = a->name;
	if (fr) {
		se->legal_id = (struct tandem_einv_id){ .value = s->siret, .scheme = "0009" };
		se->endpoint = (struct tandem_einv_id){ .value = s->siret, .scheme = "0009" };
		bu->legal_id = (struct tandem_einv_id){ .value = a->id, .scheme = "0009" };
		bu->endpoint = (struct tandem_einv_id){ .value = a->id, .scheme = "0009" };
		bu->address = (struct tandem_einv_address){ .line1 = "139 rue de Bercy",
							    .city = "Paris", .post_code = "75012",
							    .country = "FR" };
	} else {
		se->endpoint = (struct tandem_einv_id){ .value = s->email, .scheme = "EM" };
		bu->endpoint = (struct tandem_einv_id){ .value = a->id, .scheme = "0204" };
		bu->address = (struct tandem_einv_address){ .line1 = "Alt-Moabit 140",
							    .city = "Berlin", .post_code = "10557",
							    .country = "DE" };
	}
}

/* The model of planned invoice v (its number already given). */
static void build(struct demo *w, const struct demo_invoice *v, struct model *m)
{
	const struct demo_commitment *c = &w->c[v->commitment];
	const struct demo_admin *a = &w->admin[c->admin];
	const struct demo_supplier *s = &a->sup[c->supplier];
	bool fr = c->admin == DEMO_FR;
	int64_t tax = demo_vat(v->net_cents, a->vat_percent);

	memset(m, 0, sizeof *m);
	demo_date(v->issue_day, m->issue);
	demo_date(v->issue_day + 30, m->due);
	demo_date(v->issue_day - 1, m->delivered);
	cents_text(v->net_cents, m->net);
	cents_text(tax, m->tax);
	cents_text(v->net_cents + tax, m->gross);
	(void)snprintf(m->rate, sizeof m->rate, "%u", a->vat_percent);
	if (v->kind == DEMO_INV_BAD_EJ) /* a number no commitment has */
		(void)snprintf(m->ej, sizeof m->ej, fr ? "1399%06u" : "BST-%06u",
			       (unsigned)(v - w->inv) % 1000000);
	else
		(void)snprintf(m->ej, sizeof m->ej, "%s", c->number);
	m->inv.number = v->number;
	m->inv.issue_date = m->issue;
	m->inv.due_date = m->due;
	m->inv.type_code = "380";
	m->inv.currency = "EUR";
	m->inv.order_ref = m->ej;
	m->inv.delivery.date = m->delivered;
	m->inv.buyer_reference = !fr ? a->id : v->kind == DEMO_INV_BAD_SERVICE ? "SRV-INCONNU" :
		demo_services[(c->line + c->object) % 4];
	m->inv.payment_terms = fr ? "Paiement à 30 jours par virement" :
		"Zahlbar innerhalb von 30 Tagen ohne Abzug";
	m->inv.process.specification = fr ? "urn:cen.eu:en16931:2017" : XRECHNUNG;
	m->inv.process.business_process = fr ? NULL : PEPPOL_BILLING;
	parties(m, a, s, fr);
	m->inv.payment.means_code = "58";
	m->transfer = (struct tandem_einv_transfer){ .account = s->iban, .account_name = s->name };
	m->inv.payment.transfers = &m->transfer;
	m->inv.payment.n_transfers = 1;
	m->inv.totals.line_net = num(m->net);
	m->inv.totals.without_vat = num(m->net);
	m->inv.totals.vat = num(m->tax);
	m->inv.totals.with_vat = num(m->gross);
	m->inv.totals.due = num(m->gross);
	m->vat = (struct tandem_einv_vat){ .taxable = num(m->net), .tax = num(m->tax),
					   .category = "S", .rate = num(m->rate) };
	m->inv.vat = &m->vat;
	m->inv.n_vat = 1;
	m->line.id = "1";
	m->line.quantity = num("1");
	m->line.unit = "C62";
	m->line.net_amount = num(m->net);
	m->line.price.net = num(m->net);
	m->line.vat = (struct tandem_einv_line_vat){ .category = "S", .rate = num(m->rate) };
	m->line.item.name = a->lines[c->line].objects[c->object];
	m->inv.lines = &m->line;
	m->inv.n_lines = 1;
}

/* The supplier's next number; the planted duplicate keys the first one
 * again without its prefix. */
static void number(struct demo *w, struct demo_invoice *v)
{
	const struct demo_commitment *c = &w->c[v->commitment];
	struct demo_supplier *s = &w->admin[c->admin].sup[c->supplier];

	if (v == &w->inv[w->dup_inv[1]])
		(void)snprintf(v->number, sizeof v->number, "%s", w->inv[w->dup_inv[0]].number + 2);
	else
		(void)snprintf(v->number, sizeof v->number, "%s-%d-%04u",
			       c->admin == DEMO_FR ? "F" : "RE", TANDEM_DEMO_YEAR,
			       ++s->invoice_seq);
}

/* Passes on the first error findings of an invoice the rules rejected. */
static void pass_on(struct demo *w, const struct tandem_diag *f, const char *name)
{
	size_t shown = 0;

	for (size_t i = 0; i < f->count && shown < 3; i++) {
		if (f->items[i].severity != TANDEM_SEV_ERROR ||
		    w->r->invoices_invalid > REPORTED_MAX)
			continue;
		(void)tandem_diag_add(w->d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT, f->items[i].rule,
				      name, f->items[i].line, "generated invoice: %s",
				      f->items[i].message);
		shown++;
	}
}

/* Writes, opens, validates and reads invoice v into in; false when the
 * rules reject it (counted) or it cannot be read. */
static int take_in(struct demo *w, struct demo_invoice *v, struct tandem_arena *a,
		   struct tandem_buf *file, struct tandem_invoice_in *in, bool *ok)
{
	struct model m;
	struct tandem_diag f;
	struct tandem_einv_source *src = NULL;
	struct tandem_einv_invoice *inv = NULL;
	struct tandem_einv_verdict verdict = { 0 };
	char *bytes;
	int rc;

	number(w, v);
	build(w, v, &m);
	tandem_diag_init(&f, FINDINGS_MAX);
	tandem_buf_reset(file);
	rc = tandem_einv_write(&m.inv, v->cii ? TANDEM_EINV_SYNTAX_CII :
			       TANDEM_EINV_SYNTAX_UBL_INVOICE, &f, file);
	bytes = rc == 0 ? tandem_arena_strndup(a, file->data, file->len) : NULL;
	if (rc == 0 && bytes == NULL)
		rc = TANDEM_ENOMEM;
	if (rc == 0)
		rc = tandem_einv_open(a, bytes, file->len, &f, &src);
	if (rc == 0)
		rc = tandem_einv_validate(w->val, src, &f, &verdict);
	if (rc == 0)
		rc = tandem_einv_read(a, src, &f, &inv);
	if (rc == 0)
		rc = tandem_ledger_invoice_from_einv(a, src, inv, &verdict, &f, bytes, file->len,
						     v->number, w->d, in);
	*ok = rc == 0 && verdict.valid;
	if (rc == 0 && !verdict.valid) {
		w->r->invoices_invalid++;
		pass_on(w, &f, v->number);
	}
	if (rc == 0 && v->cii)
		w->r->invoices_cii++;
	else if (rc == 0)
		w->r->invoices_ubl++;
	tandem_diag_release(&f);
	return rc;
}

int demo_invoices_import(struct demo *w, size_t k, const uint32_t *idx, size_t n)
{
	struct tandem_invoice_in in[BATCH_MAX];
	struct tandem_invoice_result res[BATCH_MAX];
	uint32_t taken[BATCH_MAX];
	struct tandem_arena a;
	struct tandem_buf file;
	size_t m = 0;
	int rc = 0;

	if (n == 0 || n > BATCH_MAX)
		return n == 0 ? 0 : TANDEM_EINVAL;
	tandem_arena_init(&a, ARENA_MAX);
	tandem_buf_init(&file, FILE_MAX);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		bool ok = false;

		demo_clock(w);
		rc = take_in(w, &w->inv[idx[i]], &a, &file, &in[m], &ok);
		if (rc == 0 && ok)
			taken[m++] = idx[i];
	}
	if (rc == 0 && m > 0)
		rc = tandem_ledger_invoice_import(w->s, w->admin[k].ordonnateur, in, m, w->d, res);
	for (size_t i = 0; rc == 0 && i < m; i++) {
		struct demo_invoice *v = &w->inv[taken[i]];

		if (res[i].code != 0) {
			w->r->invoices_refused++;
			continue;
		}
		v->id = res[i].id;
		(void)snprintf(v->status, sizeof v->status, "%s", res[i].status);
		w->r->invoices[k]++;
	}
	tandem_buf_release(&file);
	tandem_arena_release(&a);
	return rc;
}
