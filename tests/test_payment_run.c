/*
 * tests/test_payment_run.c - the end of the expenditure chain: payment
 * runs (approved orders paid in one SEPA file, valid against both schemas,
 * with exact counts and sums, kept with its SHA-256; orders and invoices
 * paid; 401/515 booked), their refusals (role, nothing to pay, no debtor
 * account) and the orders they leave out (no creditor address, an account
 * changed since approval); cancelling an order (CP released, entry
 * reversed, ordered again); rejecting an invoice (its number free again).
 * On SQLite and PostgreSQL.
 */
#include <stdio.h>
#include <string.h>

#include "invoice_world.h"
#include "ledger_fixture.h"
#include "sepa_schema.h"
#include "tandem/buf.h"
#include "tandem/error.h"
#include "tandem/ledger.h"
#include "test.h"

/* Invoice `number` on ej, certified, ordered by olga and approved by
 * carl: the order. */
static int64_t approved(struct fixture *f, const char *number, const char *ej, int64_t due,
			const char *seller)
{
	struct fake x;
	struct tandem_invoice_result r;
	int64_t order = 0;

	fake(&x, number, ej, due);
	if (seller != NULL) {
		x.in.seller_siret = seller;
		x.in.seller_vat = NULL;
	}
	ASSERT_EQ(import1(f, "carl", &x, &r), 0);
	if (strcmp(status_of(f, r.id), "received") == 0)
		certify(f, ej, due);
	ASSERT_STR_EQ(status_of(f, r.id), "ready");
	ASSERT_EQ(tandem_ledger_pay_order(f->s, "olga", ADMIN, 2026, r.id, &f->d, &order), 0);
	ASSERT_EQ(tandem_ledger_pay_approve(f->s, "carl", ADMIN, order, &f->d), 0);
	return order;
}

static const char *state_of(struct fixture *f, int64_t order)
{
	static char state[16];
	struct tandem_stmt *st;

	ASSERT_EQ(tandem_store_prepare(f->s, "SELECT state FROM payment_order WHERE id = $1", &st),
		  0);
	ASSERT_EQ(tandem_stmt_bind_i64(st, 1, order), 0);
	ASSERT_EQ(tandem_stmt_step(st), 1);
	snprintf(state, sizeof state, "%s", tandem_stmt_text(st, 0));
	tandem_stmt_finalize(st);
	return state;
}

/* The balance (debit - credit) of an account in the journal. */
static int64_t balance(struct fixture *f, const char *account)
{
	char sql[200];

	snprintf(sql, sizeof sql, "SELECT coalesce(sum(debit_cents - credit_cents), 0) FROM "
		 "journal_line WHERE account_code = '%s'", account);
	return query_i64_f(f, sql);
}

static bool has_finding(const struct tandem_diag *d, const char *rule)
{
	for (size_t i = 0; i < d->count; i++)
		if (strcmp(d->items[i].rule, rule) == 0)
			return true;
	return false;
}

static void ledger_payment_run(enum engine e)
{
	struct fixture f;
	struct tandem_buf file, again;
	struct tandem_pay_run_result r;
	int64_t o1, o2, poste;
	char sha[65] = "";

	setup(&f, e, true);
	world(&f);
	tandem_buf_init(&file, TANDEM_SEPA_OUT_MAX);
	tandem_buf_init(&again, TANDEM_SEPA_OUT_MAX);
	/* Nothing approved yet. */
	ASSERT_EQ(tandem_ledger_pay_run(f.s, "carl", ADMIN, NULL, &f.d, &file, &r), TANDEM_ENOENT);
	ASSERT(has_finding(&f.d, "TANDEM-PAY-NONE"));
	o1 = approved(&f, "F-2026/001", "EJ-1", 30000, NULL);
	o2 = approved(&f, "F-2026/002", "EJ-2", 12345, NULL);
	/* La Poste has an account but no postal address. */
	ASSERT_EQ(tandem_ledger_supplier_account(f.s, "olga", ADMIN, LAPOSTE,
						 "FR7630004000031234567890143", NULL, "RIB", &f.d),
		  0);
	poste = approved(&f, "LP-77", "EJ-POSTE", 5000, LAPOSTE);
	/* Only a comptable pays. */
	ASSERT_EQ(tandem_ledger_pay_run(f.s, "olga", ADMIN, NULL, &f.d, &file, &r), TANDEM_EPERM);
	/* Without the administration's account, nothing is paid. */
	ASSERT_EQ(tandem_store_exec(f.s, "UPDATE administration SET debtor_iban = NULL"), 0);
	renew(&f);
	ASSERT_EQ(tandem_ledger_pay_run(f.s, "carl", ADMIN, NULL, &f.d, &file, &r),
		  TANDEM_EBADINPUT);
	ASSERT(has_finding(&f.d, "TANDEM-PAY-DEBTOR"));
	ASSERT_EQ(file.len, 0);
	ASSERT_STR_EQ(state_of(&f, o1), "approved");
	ASSERT_EQ(tandem_store_exec(f.s, "UPDATE administration SET debtor_iban = "
				       "'FR7630001007941234567890185'"), 0);
	/* An execution date in the past is refused by the SEPA rules. */
	renew(&f);
	ASSERT_EQ(tandem_ledger_pay_run(f.s, "carl", ADMIN, "2020-01-02", &f.d, &file, &r),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(count(&f, "payment_run"), 0);
	/* The run: Dupont's two orders; La Poste's is left out. */
	renew(&f);
	ASSERT_EQ(tandem_ledger_pay_run(f.s, "carl", ADMIN, NULL, &f.d, &file, &r), 0);
	ASSERT(has_finding(&f.d, "TANDEM-PAY-ADDRESS"));
	ASSERT_EQ(r.transactions, 2);
	ASSERT_EQ(r.total_cents, 42345);
	ASSERT(strstr(file.data, "<NbOfTxs>2</NbOfTxs>") != NULL);
	ASSERT(strstr(file.data, "<CtrlSum>423.45</CtrlSum>") != NULL);
	ASSERT(strstr(file.data, "<InstdAmt Ccy=\"EUR\">300.00</InstdAmt>") != NULL);
	ASSERT(strstr(file.data, "<InstdAmt Ccy=\"EUR\">123.45</InstdAmt>") != NULL);
	ASSERT(strstr(file.data, "<IBAN>FR7630001007941234567890185</IBAN>") != NULL);
	ASSERT(strstr(file.data, "<IBAN>FR7630006000011234567890189</IBAN>") != NULL);
	ASSERT(strstr(file.data, "<StrtNm>12 rue des Ecoles</StrtNm>") != NULL);
	ASSERT(strstr(file.data, "<TwnNm>Lyon</TwnNm>") != NULL);
	ASSERT(strstr(file.data, "<Ustrd>Facture F-2026/001 du 2026-03-02</Ustrd>") != NULL);
	ASSERT(strstr(file.data, "Direction generale des finances publiques") != NULL);
	ASSERT(strstr(file.data, r.message_id) != NULL);
	expect_schema_valid("the payment run's file", file.data);
	ASSERT_STR_EQ(state_of(&f, o1), "paid");
	ASSERT_STR_EQ(state_of(&f, o2), "paid");
	ASSERT_STR_EQ(state_of(&f, poste), "approved");
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM invoice WHERE status = 'paid'"), 2);
	ASSERT_EQ(query_i64_f(&f, "SELECT count(*) FROM payment_order WHERE run_id IS NOT NULL"),
		  2);
	/* Booked: the supplier's account settled by the Treasury account. */
	ASSERT_EQ(balance(&f, "515"), -42345);
	ASSERT_EQ(balance(&f, "401"), -5000); /* La Poste's, still to pay */
	assert_books_balance(&f);
	/* The file is kept as written, with its hash. */
	ASSERT_EQ(tandem_ledger_pay_file(f.s, ADMIN, r.id, &f.d, &again), 0);
	ASSERT_EQ(again.len, file.len);
	ASSERT(memcmp(again.data, file.data, file.len) == 0);
	{
		struct tandem_stmt *st;

		ASSERT_EQ(tandem_store_prepare(f.s, "SELECT file_sha256, transactions, total_cents "
					       "FROM payment_run", &st), 0);
		ASSERT_EQ(tandem_stmt_step(st), 1);
		snprintf(sha, sizeof sha, "%s", tandem_stmt_text(st, 0));
		ASSERT_EQ(tandem_stmt_i64(st, 1), 2);
		ASSERT_EQ(tandem_stmt_i64(st, 2), 42345);
		tandem_stmt_finalize(st);
	}
	ASSERT_STR_EQ(sha, r.sha256);
	ASSERT_EQ(tandem_ledger_pay_file(f.s, ADMIN, 999, &f.d, &again), TANDEM_ENOENT);
	/* Its address recorded, La Poste is paid by the next run. */
	ASSERT_EQ(tandem_ledger_supplier_address(f.s, "carl", ADMIN, LAPOSTE, NULL, NULL, "",
						 &f.d), TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_ledger_supplier_address(f.s, "carl", ADMIN, LAPOSTE, "9 rue du Colonel "
						 "Pierre Avia", "75015", "Paris", &f.d), 0);
	tandem_buf_reset(&file);
	renew(&f);
	ASSERT_EQ(tandem_ledger_pay_run(f.s, "carl", ADMIN, NULL, &f.d, &file, &r), 0);
	ASSERT_EQ(r.transactions, 1);
	ASSERT_STR_EQ(state_of(&f, poste), "paid");
	expect_schema_valid("the second run's file", file.data);
	ASSERT_EQ(balance(&f, "401"), 0);
	ASSERT_EQ(tandem_ledger_pay_run(f.s, "carl", ADMIN, NULL, &f.d, &file, &r), TANDEM_ENOENT);
	ASSERT_EQ(count(&f, "payment_run"), 2);
	tandem_buf_release(&again);
	tandem_buf_release(&file);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_payment_run)

/* A bank account changed after approval: the order is left out, and paid
 * only once cancelled and ordered again. */
static void ledger_payment_run_account_changed(enum engine e)
{
	struct fixture f;
	struct tandem_buf file;
	struct tandem_pay_run_result r;
	int64_t o1;

	setup(&f, e, true);
	world(&f);
	tandem_buf_init(&file, TANDEM_SEPA_OUT_MAX);
	o1 = approved(&f, "F-9", "EJ-1", 1000, NULL);
	ASSERT_EQ(tandem_ledger_supplier_account(f.s, "olga", ADMIN, DUPONT,
						 "DE89370400440532013000", NULL, "letter", &f.d), 0);
	renew(&f);
	ASSERT_EQ(tandem_ledger_pay_run(f.s, "carl", ADMIN, NULL, &f.d, &file, &r), TANDEM_ENOENT);
	ASSERT(has_finding(&f.d, "TANDEM-PAY-ACCOUNT"));
	ASSERT_STR_EQ(state_of(&f, o1), "approved");
	ASSERT_EQ(file.len, 0);
	tandem_buf_release(&file);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_payment_run_account_changed)

/* Cancelling an order releases its CP and reverses its entry. */
static void ledger_payment_cancel(enum engine e)
{
	struct fixture f;
	struct tandem_buf file;
	struct tandem_pay_run_result r;
	int64_t order, again = 0, invoice, cp = 0, ae = 0;

	setup(&f, e, true);
	world(&f);
	tandem_buf_init(&file, TANDEM_SEPA_OUT_MAX);
	/* GFP/156 carries 1,000,000.00 of AE and CP; the world commits 3,000.00. */
	ASSERT_EQ(tandem_ledger_available(f.s, ADMIN, 2026, "GFP/156/01", "AE", &f.d, &ae), 0);
	ASSERT_EQ(ae, 99700000);
	ASSERT_EQ(tandem_ledger_available(f.s, ADMIN, 2026, "GFP/156/01", "CP", &f.d, &cp), 0);
	ASSERT_EQ(cp, 100000000);
	ASSERT_EQ(tandem_ledger_available(f.s, ADMIN, 2026, "GFP", "CP", &f.d, &cp),
		  TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_available(f.s, ADMIN, 2031, "GFP/156", "CP", &f.d, &cp),
		  TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_available(f.s, ADMIN, 2026, "GFP/156", "XX", &f.d, &cp),
		  TANDEM_EINVAL);
	order = approved(&f, "F-10", "EJ-1", 20000, NULL);
	ASSERT_EQ(tandem_ledger_available(f.s, ADMIN, 2026, "GFP/156/01", "CP", &f.d, &cp), 0);
	ASSERT_EQ(cp, 99980000);
	invoice = query_i64_f(&f, "SELECT invoice_id FROM payment_order");
	ASSERT_EQ(balance(&f, "604"), 20000);
	ASSERT_EQ(tandem_ledger_pay_cancel(f.s, "audrey", ADMIN, order, "wrong", &f.d),
		  TANDEM_EPERM);
	ASSERT_EQ(tandem_ledger_pay_cancel(f.s, "olga", ADMIN, order, "", &f.d), TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_ledger_pay_cancel(f.s, "olga", ADMIN, 999, "wrong", &f.d), TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_pay_cancel(f.s, "carl", ADMIN, order, "IBAN to be confirmed",
					   &f.d), 0);
	ASSERT_STR_EQ(state_of(&f, order), "cancelled");
	ASSERT_EQ(tandem_ledger_available(f.s, ADMIN, 2026, "GFP/156/01", "CP", &f.d, &cp), 0);
	ASSERT_EQ(cp, 100000000);
	ASSERT_EQ(balance(&f, "604"), 0);
	ASSERT_EQ(balance(&f, "401"), 0);
	assert_books_balance(&f);
	ASSERT_EQ(tandem_ledger_pay_cancel(f.s, "carl", ADMIN, order, "again", &f.d),
		  TANDEM_EBADINPUT);
	/* Nothing to pay now; the invoice may be ordered again. */
	ASSERT_EQ(tandem_ledger_pay_run(f.s, "carl", ADMIN, NULL, &f.d, &file, &r), TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_pay_order(f.s, "olga", ADMIN, 2026, invoice, &f.d, &again), 0);
	ASSERT_EQ(tandem_ledger_pay_approve(f.s, "carl", ADMIN, again, &f.d), 0);
	ASSERT_EQ(tandem_ledger_pay_run(f.s, "carl", ADMIN, NULL, &f.d, &file, &r), 0);
	/* A paid order is not cancelled. */
	ASSERT_EQ(tandem_ledger_pay_cancel(f.s, "carl", ADMIN, again, "late", &f.d),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(balance(&f, "604"), 20000);
	ASSERT_EQ(balance(&f, "515"), -20000);
	assert_books_balance(&f);
	tandem_buf_release(&file);
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_payment_cancel)

/* Rejecting an invoice: a decision with a reason; the number is free. */
static void ledger_invoice_reject(enum engine e)
{
	struct fixture f;
	struct fake x;
	struct tandem_invoice_result r, r2;
	int64_t order;

	setup(&f, e, true);
	world(&f);
	fake(&x, "F-20", "EJ-1", 70000);
	ASSERT_EQ(import1(&f, "carl", &x, &r), 0);
	ASSERT_EQ(tandem_ledger_invoice_reject(f.s, "audrey", ADMIN, r.id, "no", &f.d),
		  TANDEM_EPERM);
	ASSERT_EQ(tandem_ledger_invoice_reject(f.s, "olga", ADMIN, r.id, NULL, &f.d),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_ledger_invoice_reject(f.s, "olga", ADMIN, 999, "no", &f.d),
		  TANDEM_ENOENT);
	ASSERT_EQ(tandem_ledger_invoice_reject(f.s, "olga", ADMIN, r.id, "price not agreed",
					       &f.d), 0);
	ASSERT_STR_EQ(status_of(&f, r.id), "rejected");
	ASSERT_EQ(tandem_ledger_invoice_reject(f.s, "olga", ADMIN, r.id, "again", &f.d),
		  TANDEM_EBADINPUT);
	/* The corrected invoice, same number, other content. */
	fake(&x, "F-20", "EJ-1", 60000);
	ASSERT_EQ(import1(&f, "carl", &x, &r2), 0);
	ASSERT(r2.id != r.id);
	/* An invoice with a payment order is not rejected. */
	order = approved(&f, "F-21", "EJ-2", 100, NULL);
	ASSERT_GT(order, 0);
	renew(&f);
	ASSERT_EQ(tandem_ledger_invoice_reject(f.s, "olga", ADMIN,
					       query_i64_f(&f, "SELECT invoice_id FROM "
							   "payment_order"), "no", &f.d),
		  TANDEM_EBADINPUT);
	ASSERT(message_has(&f.d, "cancel the order first"));
	assert_books_balance(&f);
	teardown(&f);
}
BOTH_ENGINES(ledger_invoice_reject)
