/*
 * src/ledger/run.c - payment runs: the comptable pays the approved payment
 * orders of an administration in one SEPA credit-transfer file
 * (pain.001.001.09, src/sepa/), which is kept in the database with its
 * SHA-256; each order and its invoice become paid and the payment is
 * booked (debit 401 Fournisseurs, credit 515 Compte au Tresor).
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "tandem/sepa.h"

#define BANK_ACCOUNT "515"
#define RUN_ARENA_MAX (256u << 20)

/* One approved order, as the file and the journal need it. */
struct run_order {
	int64_t id, amount, year_id, supplier, invoice;
	struct tandem_sepa_tx tx;
};

struct run {
	struct tandem_arena a;
	struct tandem_sepa_run sepa;
	struct run_order *orders;
	size_t n;
	int64_t admin, total;
	bool fr;
	char msg_id[TANDEM_SEPA_ID_MAX + 1], pmt_id[TANDEM_SEPA_ID_MAX + 1];
	char now[LEDGER_TIME_MAX], date[11];
};

static const char *keep(struct run *r, struct tandem_stmt *st, int col)
{
	const char *t = tandem_stmt_text(st, col);

	return t != NULL ? tandem_arena_strndup(&r->a, t, strlen(t)) : NULL;
}

/* The administration as the debtor of its files. */
static int debtor(struct tandem_store *s, struct run *r, struct tandem_diag *d)
{
	struct tandem_sepa_party *p = &r->sepa.debtor;
	struct tandem_stmt *st;
	int rc = ledger_select(s, &st, "SELECT name, debtor_iban, debtor_bic, street, postcode, "
			       "town, country FROM administration WHERE id = $1", "i", r->admin);

	if (rc == 1) {
		p->name = keep(r, st, 0);
		p->iban = keep(r, st, 1);
		p->bic = keep(r, st, 2);
		p->address.street = keep(r, st, 3);
		p->address.postcode = keep(r, st, 4);
		p->address.town = keep(r, st, 5);
		p->address.country = keep(r, st, 6);
		r->fr = p->address.country != NULL && strcmp(p->address.country, "FR") == 0;
		rc = p->name == NULL || p->address.country == NULL ? TANDEM_ENOMEM : 0;
	} else if (rc == 0) {
		rc = TANDEM_EINTERNAL;
	}
	tandem_stmt_finalize(st);
	if (rc == 0 && (p->iban == NULL || p->address.town == NULL))
		rc = ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-PAY-DEBTOR", 0,
				   "the administration has no %s: add a %s line to its budget file",
				   p->iban == NULL ? "bank account to pay from" : "postal address",
				   p->iban == NULL ? "bank IBAN [BIC]" : "address STREET; POSTCODE; TOWN");
	return rc;
}

/* An invoice number in the EPC basic set, for the remittance text. */
static void basic_set(const char *in, char *out, size_t size)
{
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789/-?:().,'+ ";
	size_t n = 0;

	for (; in != NULL && *in != '\0' && n + 1 < size; in++) {
		char c = *in;

		if (strchr(set, c) == NULL)
			c = '-';
		out[n++] = c;
	}
	out[n] = '\0';
}

/* Reads one order row into the next slot; false when it is left out (a
 * warning says why). */
static int order_of(struct run *r, struct tandem_stmt *st, struct tandem_diag *d, bool *kept)
{
	struct run_order *o = &r->orders[r->n];
	struct tandem_sepa_party *c = &o->tx.creditor;
	char e2e[TANDEM_SEPA_ID_MAX + 1], number[64], text[TANDEM_SEPA_REMITTANCE_MAX + 1];

	*kept = false;
	o->id = tandem_stmt_i64(st, 0);
	if (tandem_stmt_i64(st, 3) != tandem_stmt_i64(st, 15)) {
		(void)tandem_diag_add(d, TANDEM_SEV_WARNING, 0, "TANDEM-PAY-ACCOUNT", NULL, 0,
				      "payment order %lld left out: the supplier's bank account "
				      "changed after it was approved; cancel it and order again",
				      (long long)o->id);
		return 0;
	}
	if (tandem_stmt_is_null(st, 11)) {
		(void)tandem_diag_add(d, TANDEM_SEV_WARNING, 0, "TANDEM-PAY-ADDRESS", NULL, 0,
				      "payment order %lld left out: supplier %.70s has no postal "
				      "address (tandem supplier address)", (long long)o->id,
				      tandem_stmt_text(st, 7));
		return 0;
	}
	o->amount = tandem_stmt_i64(st, 1);
	o->year_id = tandem_stmt_i64(st, 2);
	o->supplier = tandem_stmt_i64(st, 6);
	o->invoice = tandem_stmt_i64(st, 12);
	(void)snprintf(e2e, sizeof e2e, "TANDEM-PO-%lld", (long long)o->id);
	basic_set(tandem_stmt_text(st, 13), number, sizeof number);
	(void)snprintf(text, sizeof text, r->fr ? "Facture %s du %.10s" : "Rechnung %s vom %.10s",
		       number, tandem_stmt_text(st, 14));
	o->tx.end_to_end_id = tandem_arena_strndup(&r->a, e2e, strlen(e2e));
	o->tx.remittance = tandem_arena_strndup(&r->a, text, strlen(text));
	o->tx.amount_cents = o->amount;
	c->iban = keep(r, st, 4);
	c->bic = keep(r, st, 5);
	c->name = keep(r, st, 7);
	c->address.country = keep(r, st, 8);
	c->address.street = keep(r, st, 9);
	c->address.postcode = keep(r, st, 10);
	c->address.town = keep(r, st, 11);
	if (o->tx.end_to_end_id == NULL || o->tx.remittance == NULL || c->iban == NULL ||
	    c->name == NULL || c->address.town == NULL || c->address.country == NULL)
		return TANDEM_ENOMEM;
	/* A name longer than the file allows is cut, as banks print it. */
	if (strlen(c->name) > TANDEM_SEPA_NAME_MAX)
		((char *)c->name)[TANDEM_SEPA_NAME_MAX] = '\0';
	r->total += o->amount;
	*kept = true;
	return 0;
}

/* The approved orders of the administration, oldest first. */
static int orders(struct tandem_store *s, struct run *r, struct tandem_diag *d)
{
	struct tandem_stmt *st;
	int rc;

	r->orders = tandem_arena_calloc(&r->a, TANDEM_PAY_RUN_MAX, sizeof *r->orders);
	if (r->orders == NULL)
		return TANDEM_ENOMEM;
	rc = ledger_select(s, &st,
		"SELECT o.id, o.amount_cents, o.fiscal_year_id, o.supplier_account_id, a.iban, a.bic,"
		" p.id, p.name, p.country, p.street, p.postcode, p.town, i.id, i.number,"
		" i.issue_date, (SELECT max(b.id) FROM supplier_account b WHERE b.supplier_id = p.id)"
		" FROM payment_order o JOIN invoice i ON i.id = o.invoice_id"
		" JOIN supplier_account a ON a.id = o.supplier_account_id"
		" JOIN supplier p ON p.id = a.supplier_id"
		" WHERE i.administration_id = $1 AND o.state = 'approved' ORDER BY o.id", "i",
		r->admin);
	for (; rc == 1 && r->n < TANDEM_PAY_RUN_MAX; rc = tandem_stmt_step(st)) {
		bool kept;

		rc = order_of(r, st, d, &kept);
		if (rc != 0)
			break;
		r->n += kept;
	}
	tandem_stmt_finalize(st);
	if (rc < 0 || rc > 1)
		return rc;
	if (r->n == 0)
		return ledger_refuse(d, TANDEM_ENOENT, "TANDEM-PAY-NONE", 0,
				     "no approved payment order to pay");
	return 0;
}

/* The file of the run into out (nothing appended on failure). */
static int write_file(struct tandem_store *s, struct run *r, const char *execution_date,
		      struct tandem_diag *d, struct tandem_buf *out)
{
	struct tandem_sepa_tx *txs = tandem_arena_calloc(&r->a, r->n, sizeof *txs);
	int64_t next = 0;
	char stamp[16];
	int rc;

	if (txs == NULL)
		return TANDEM_ENOMEM;
	rc = ledger_run(s, "SELECT coalesce(max(id), 0) + 1 FROM payment_run", &next, NULL, "");
	if (rc != 0)
		return rc;
	/* 2026-11-22T09:30:00Z -> 20261122093000 */
	(void)snprintf(stamp, sizeof stamp, "%.4s%.2s%.2s%.2s%.2s%.2s", r->now, r->now + 5,
		       r->now + 8, r->now + 11, r->now + 14, r->now + 17);
	(void)snprintf(r->msg_id, sizeof r->msg_id, "TANDEM-%s-%lld", stamp, (long long)next);
	(void)snprintf(r->pmt_id, sizeof r->pmt_id, "%.33s-1", r->msg_id);
	for (size_t i = 0; i < r->n; i++)
		txs[i] = r->orders[i].tx;
	r->sepa.msg_id = r->msg_id;
	r->sepa.created_at = r->now;
	r->sepa.execution_date = execution_date != NULL ? execution_date : r->date;
	r->sepa.payment_info_id = r->pmt_id;
	r->sepa.txs = txs;
	r->sepa.n_txs = r->n;
	return tandem_sepa_write(&r->sepa, d, out);
}

/* One order paid: its state, its invoice's, the journal entry. */
static int pay(struct tandem_store *s, const struct run *r, const struct run_order *o,
	       int64_t user, int64_t run_id, int64_t event, struct tandem_diag *d)
{
	struct ledger_posting lines[2] = {
		{ "401", o->amount, 0, o->supplier },
		{ BANK_ACCOUNT, 0, o->amount, 0 },
	};
	char label[200];
	struct ledger_entry e = { r->admin, o->year_id, r->date, label, o->invoice, o->id, event };
	int64_t id = 0;
	bool found = false;
	int rc;

	(void)snprintf(label, sizeof label, "payment order %lld paid in run %s", (long long)o->id,
		       r->msg_id);
	/* Another run may have paid it since it was read (PostgreSQL). */
	rc = ledger_run(s, "UPDATE payment_order SET state = 'paid', run_id = $2 WHERE id = $1 "
			"AND state = 'approved' RETURNING id", &id, &found, "ii", o->id, run_id);
	if (rc == 0 && !found)
		rc = ledger_refuse(d, TANDEM_EEXIST, "TANDEM-PAY-STATE", 0,
				   "payment order %lld was paid or cancelled meanwhile: run again",
				   (long long)o->id);
	if (rc == 0)
		rc = ledger_invoice_status(s, user, o->invoice, "paid", label, "invoice.paid");
	if (rc == 0)
		rc = ledger_post(s, &e, lines, 2);
	return rc;
}

/* The run's row and event, the orders and invoices paid, the journal. */
static int record(struct tandem_store *s, struct run *r, int64_t user, const char *file,
		  size_t len, struct tandem_diag *d, struct tandem_pay_run_result *res)
{
	struct tandem_stmt *st;
	char detail[300], total[32];
	int64_t event = 0;
	int rc = ledger_sha256_hex(file, len, res->sha256);

	ledger_cents_text(r->total, total);
	(void)snprintf(detail, sizeof detail, "payment run %s: %zu transfers, %s EUR, executed %s",
		       r->msg_id, r->n, total, r->sepa.execution_date);
	if (rc == 0)
		rc = ledger_event(s, user, "payment.run", "administration", r->admin, res->sha256,
				  detail, &event);
	if (rc == 0)
		rc = tandem_store_prepare(s, "INSERT INTO payment_run (administration_id, message_id, "
					  "execution_date, debtor_iban, transactions, total_cents, "
					  "file_sha256, file, created_by, created_at, event_id) "
					  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
					  "RETURNING id", &st);
	if (rc != 0)
		return rc;
	rc = tandem_stmt_bind_i64(st, 1, r->admin);
	if (rc == 0)
		rc = tandem_stmt_bind_text(st, 2, r->msg_id);
	if (rc == 0)
		rc = tandem_stmt_bind_text(st, 3, r->sepa.execution_date);
	if (rc == 0)
		rc = tandem_stmt_bind_text(st, 4, r->sepa.debtor.iban);
	if (rc == 0)
		rc = tandem_stmt_bind_i64(st, 5, (int64_t)r->n);
	if (rc == 0)
		rc = tandem_stmt_bind_i64(st, 6, r->total);
	if (rc == 0)
		rc = tandem_stmt_bind_text(st, 7, res->sha256);
	if (rc == 0)
		rc = tandem_stmt_bind_blob(st, 8, file, len);
	if (rc == 0)
		rc = tandem_stmt_bind_i64(st, 9, user);
	if (rc == 0)
		rc = tandem_stmt_bind_text(st, 10, r->now);
	if (rc == 0)
		rc = tandem_stmt_bind_i64(st, 11, event);
	if (rc == 0)
		rc = tandem_stmt_step(st) == 1 ? 0 : TANDEM_EINTERNAL;
	if (rc == 0)
		res->id = tandem_stmt_i64(st, 0);
	tandem_stmt_finalize(st);
	for (size_t i = 0; i < r->n && rc == 0; i++)
		rc = pay(s, r, &r->orders[i], user, res->id, event, d);
	return rc;
}

int tandem_ledger_pay_run(struct tandem_store *s, const char *actor, const char *administration,
			  const char *execution_date, struct tandem_diag *d, struct tandem_buf *file,
			  struct tandem_pay_run_result *res)
{
	struct ledger_actor who;
	struct run r;
	size_t before = file->len;
	int rc;

	memset(res, 0, sizeof *res);
	memset(&r, 0, sizeof r);
	rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	tandem_arena_init(&r.a, RUN_ARENA_MAX);
	ledger_now(r.now);
	(void)snprintf(r.date, sizeof r.date, "%.10s", r.now);
	rc = ledger_actor_as(s, actor, "comptable", "making a payment run", d, &who);
	if (rc == 0)
		rc = ledger_administration(s, administration, d, &r.admin);
	if (rc == 0)
		rc = debtor(s, &r, d);
	if (rc == 0)
		rc = orders(s, &r, d);
	if (rc == 0)
		rc = write_file(s, &r, execution_date, d, file);
	if (rc == 0)
		rc = record(s, &r, who.id, file->data + before, file->len - before, d, res);
	if (rc == 0)
		rc = tandem_store_commit(s);
	else
		(void)tandem_store_rollback(s);
	if (rc == 0) {
		(void)snprintf(res->message_id, sizeof res->message_id, "%s", r.msg_id);
		res->transactions = r.n;
		res->total_cents = r.total;
	} else if (file->len > before) {
		file->len = before;
		file->data[before] = '\0';
	}
	tandem_arena_release(&r.a);
	return rc;
}

int tandem_ledger_pay_file(struct tandem_store *s, const char *administration, int64_t run,
			   struct tandem_diag *d, struct tandem_buf *file)
{
	struct tandem_stmt *st;
	int64_t admin = 0;
	int rc = ledger_administration(s, administration, d, &admin);

	if (rc != 0)
		return rc;
	rc = ledger_select(s, &st, "SELECT file FROM payment_run WHERE id = $1 AND "
			   "administration_id = $2", "ii", run, admin);
	if (rc == 1) {
		size_t len;
		const void *bytes = tandem_stmt_blob(st, 0, &len);

		rc = tandem_buf_append(file, bytes, len);
	} else if (rc == 0) {
		rc = ledger_refuse(d, TANDEM_ENOENT, "TANDEM-PAY-RUN", 0,
				   "no payment run %lld for this administration", (long long)run);
	}
	tandem_stmt_finalize(st);
	return rc;
}
