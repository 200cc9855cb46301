/*
 * src/ledger/invoice.c - invoices received: checked, routed to their
 * administration, supplier and commitment, matched against the commitment
 * and service done, and stored with the bytes of their file - or refused
 * with nothing stored. A batch shares one transaction; each invoice is
 * kept or undone whole under a store mark.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define NUMBER_MAX 200
#define KEY_MAX 64
#define REMATCH_MAX 1000 /* invoices of one commitment waiting for service done */

/* What the route and the match found for one invoice. */
struct route {
	int64_t admin, supplier, commitment;
	char country[3];
	char service[KEY_MAX];      /* code service or Leitweg-ID matched; "" */
	char status[16];            /* "" until decided */
	char reason[300];
};

static void set_status(struct route *r, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_status(struct route *r, const char *status, const char *fmt, ...)
{
	va_list ap;

	(void)snprintf(r->status, sizeof r->status, "%s", status);
	va_start(ap, fmt);
	(void)vsnprintf(r->reason, sizeof r->reason, fmt, ap);
	va_end(ap);
}

/* A refusal of one invoice: the finding names its file. */
static int refuse(struct tandem_diag *d, const struct tandem_invoice_in *in, int code,
		  const char *rule, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int refuse(struct tandem_diag *d, const struct tandem_invoice_in *in, int code,
		  const char *rule, const char *fmt, ...)
{
	char msg[TANDEM_DIAG_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(void)tandem_diag_add(d, TANDEM_SEV_ERROR, code, rule,
			      in->file_name != NULL ? in->file_name : "", 0, "%s", msg);
	return code;
}

bool ledger_credit_note(const char *type_code)
{
	static const char *const codes[] = { "81", "83", "381", "396", "532" };

	for (size_t i = 0; type_code != NULL && i < sizeof codes / sizeof codes[0]; i++)
		if (strcmp(type_code, codes[i]) == 0)
			return true;
	return false;
}

void ledger_invoice_number_norm(const char *number, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = number; *p != '\0' && n + 1 < size; p++)
		if (isalnum((unsigned char)*p))
			out[n++] = (char)toupper((unsigned char)*p);
	out[n] = '\0';
}

static bool is_date(const char *s)
{
	return s != NULL && strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	       strspn(s, "0123456789-") == 10;
}

static int check_input(const struct tandem_invoice_in *in, struct tandem_diag *d)
{
	if (in->file == NULL || in->file_len == 0 || in->file_len > TANDEM_INVOICE_FILE_MAX)
		return refuse(d, in, TANDEM_EBADINPUT, "TANDEM-INVOICE-INPUT",
			      "an invoice file is 1 byte to %u MiB", TANDEM_INVOICE_FILE_MAX >> 20);
	if (!in->valid)
		return refuse(d, in, TANDEM_EBADINPUT, "TANDEM-INVOICE-INVALID",
			      "the invoice breaks the EN 16931 rules, it is not booked: %.600s",
			      in->verdict != NULL ? in->verdict : "invalid");
	if (in->number == NULL || in->number[0] == '\0' || strlen(in->number) > NUMBER_MAX)
		return refuse(d, in, TANDEM_EBADINPUT, "TANDEM-INVOICE-INPUT",
			      "an invoice number (BT-1) is 1 to %d bytes", NUMBER_MAX);
	if (!is_date(in->issue_date) || (in->due_date != NULL && !is_date(in->due_date)))
		return refuse(d, in, TANDEM_EBADINPUT, "TANDEM-INVOICE-INPUT",
			      "the issue date (BT-2) and due date (BT-9) are YYYY-MM-DD");
	if (in->type_code == NULL || in->type_code[0] == '\0' || strlen(in->type_code) > 3)
		return refuse(d, in, TANDEM_EBADINPUT, "TANDEM-INVOICE-INPUT",
			      "the invoice type code (BT-3) is missing");
	if (in->currency == NULL || strcmp(in->currency, "EUR") != 0)
		return refuse(d, in, TANDEM_EBADINPUT, "TANDEM-INVOICE-CURRENCY",
			      "the invoice is in %.8s: public budgets are kept and paid in EUR",
			      in->currency != NULL ? in->currency : "no currency");
	if (in->due_cents < 0 || in->gross_cents < 0 || in->net_cents < 0 || in->vat_cents < 0)
		return refuse(d, in, TANDEM_EBADINPUT, "TANDEM-INVOICE-AMOUNT",
			      "a negative total is not allowed: a credit is a credit note");
	if (in->due_cents > TANDEM_BUDGET_CENTS_MAX || in->gross_cents > TANDEM_BUDGET_CENTS_MAX ||
	    in->net_cents > TANDEM_BUDGET_CENTS_MAX || in->vat_cents > TANDEM_BUDGET_CENTS_MAX)
		return refuse(d, in, TANDEM_EBADINPUT, "TANDEM-INVOICE-AMOUNT",
			      "an invoice total is at most 10^15 euros");
	if (in->verdict != NULL && strlen(in->verdict) > TANDEM_INVOICE_VERDICT_MAX)
		return refuse(d, in, TANDEM_EBADINPUT, "TANDEM-INVOICE-INPUT",
			      "the verdict is at most %d bytes", TANDEM_INVOICE_VERDICT_MAX);
	if ((in->seller_siret == NULL || in->seller_siret[0] == '\0') &&
	    (in->seller_vat == NULL || in->seller_vat[0] == '\0'))
		return refuse(d, in, TANDEM_EBADINPUT, "TANDEM-INVOICE-SELLER",
			      "the invoice names its seller by neither SIRET nor VAT number: "
			      "whom to pay cannot be known");
	return 0;
}

/* The administration the invoice is addressed to: by buyer SIRET, else by
 * the Leitweg-ID in BT-10, its own or one of its services'. */
static int find_administration(struct tandem_store *s, const struct tandem_invoice_in *in,
			       struct tandem_diag *d, struct route *r)
{
	struct tandem_stmt *st;
	const char *ref = in->buyer_reference != NULL ? in->buyer_reference : "";
	int rc = ledger_select(s, &st,
		"SELECT a.id, a.country, '' FROM administration a WHERE a.siret = $1"
		" UNION ALL SELECT a.id, a.country, '' FROM administration a WHERE a.leitweg_id = $2"
		" UNION ALL SELECT a.id, a.country, v.code FROM service v"
		"  JOIN administration a ON a.id = v.administration_id"
		"  WHERE a.country = 'DE' AND v.code = $2", "tt",
		in->buyer_siret != NULL ? in->buyer_siret : "", ref);

	if (rc == 1) {
		r->admin = tandem_stmt_i64(st, 0);
		(void)snprintf(r->country, sizeof r->country, "%s", tandem_stmt_text(st, 1));
		(void)snprintf(r->service, sizeof r->service, "%s", tandem_stmt_text(st, 2));
		rc = 0;
	} else if (rc == 0) {
		rc = refuse(d, in, TANDEM_ENOENT, "TANDEM-INVOICE-BUYER",
			    "the invoice is addressed to no administration of this database: buyer "
			    "SIRET \"%.20s\", BT-10 \"%.46s\"",
			    in->buyer_siret != NULL ? in->buyer_siret : "", ref);
	}
	tandem_stmt_finalize(st);
	return rc;
}

/* The same file stored before: its invoice, status and reason. */
static int find_same_file(struct tandem_store *s, int64_t admin, const char *sha,
			  struct tandem_invoice_result *res)
{
	struct tandem_stmt *st;
	int rc = ledger_select(s, &st, "SELECT id, status, status_reason FROM invoice WHERE "
			       "administration_id = $1 AND file_sha256 = $2", "it", admin, sha);

	if (rc == 1) {
		res->id = tandem_stmt_i64(st, 0);
		res->already = true;
		(void)snprintf(res->status, sizeof res->status, "%s", tandem_stmt_text(st, 1));
		(void)snprintf(res->reason, sizeof res->reason, "%s", tandem_stmt_text(st, 2));
		rc = 0;
	}
	tandem_stmt_finalize(st);
	return rc;
}

static int refuse_duplicate(struct tandem_store *s, const struct tandem_invoice_in *in,
			    int64_t admin, const char *seller, const char *norm,
			    struct tandem_diag *d)
{
	struct tandem_stmt *st;
	int rc = ledger_select(s, &st, "SELECT id, file_name, status FROM invoice WHERE "
			       "administration_id = $1 AND seller_key = $2 AND number_norm = $3 "
			       "AND status <> 'rejected'", "itt", admin, seller, norm);

	if (rc == 1)
		rc = refuse(d, in, TANDEM_EEXIST, "TANDEM-INVOICE-DUPLICATE",
			    "invoice %.64s of %.40s is booked already as invoice %lld (%.200s, %s): "
			    "the same invoice is never booked twice", in->number, seller,
			    (long long)tandem_stmt_i64(st, 0), tandem_stmt_text(st, 1),
			    tandem_stmt_text(st, 2));
	tandem_stmt_finalize(st);
	return rc;
}

/* A French administration with services wants one of their codes in BT-10. */
static int route_service(struct tandem_store *s, const struct tandem_invoice_in *in,
			 struct route *r)
{
	struct tandem_stmt *st;
	const char *ref = in->buyer_reference != NULL ? in->buyer_reference : "";
	int rc;

	if (strcmp(r->country, "FR") != 0)
		return 0;
	rc = ledger_select(s, &st, "SELECT count(*), coalesce(sum(CASE WHEN code = $2 THEN 1 "
			   "ELSE 0 END), 0) FROM service WHERE administration_id = $1", "it",
			   r->admin, ref);
	if (rc == 1 && tandem_stmt_i64(st, 0) > 0 && tandem_stmt_i64(st, 1) == 0)
		set_status(r, "a_recycler", "unknown code service \"%.40s\" in BT-10", ref);
	else if (rc == 1 && tandem_stmt_i64(st, 0) > 0)
		(void)snprintf(r->service, sizeof r->service, "%s", ref);
	tandem_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

static int route_supplier(struct tandem_store *s, const struct tandem_invoice_in *in,
			  struct route *r)
{
	char vat[KEY_MAX];
	bool found = false;
	int rc;

	ledger_compact(in->seller_vat, vat, sizeof vat);
	rc = ledger_run(s, "SELECT id FROM supplier WHERE administration_id = $1 AND "
			"(siret = $2 OR vat_id = $3)", &r->supplier, &found, "itt", r->admin,
			in->seller_siret != NULL ? in->seller_siret : "", vat);
	if (rc == 0 && !found)
		set_status(r, "a_recycler", "unknown supplier: SIRET \"%.20s\", VAT \"%.20s\"",
			   in->seller_siret != NULL ? in->seller_siret : "", vat);
	return rc;
}

static int route_commitment(struct tandem_store *s, const struct tandem_invoice_in *in,
			    struct route *r)
{
	struct tandem_stmt *st;
	const char *ej = in->order_reference;
	int rc;

	if (ej == NULL || ej[0] == '\0') {
		set_status(r, "a_recycler", "no commitment number (EJ, BT-13) in the invoice");
		return 0;
	}
	rc = ledger_select(s, &st, "SELECT c.id, c.supplier_id, c.state FROM commitment c"
			   " JOIN fiscal_year y ON y.id = c.fiscal_year_id"
			   " WHERE y.administration_id = $1 AND c.number = $2"
			   " ORDER BY y.year DESC", "it", r->admin, ej);
	if (rc == 1) {
		if (tandem_stmt_i64(st, 1) != r->supplier)
			set_status(r, "a_recycler", "commitment %.64s is not one of this supplier's",
				   ej);
		else if (strcmp(tandem_stmt_text(st, 2), "cancelled") == 0)
			set_status(r, "a_recycler", "commitment %.64s is cancelled", ej);
		else
			r->commitment = tandem_stmt_i64(st, 0);
		rc = 0;
	} else if (rc == 0) {
		set_status(r, "a_recycler", "unknown commitment number \"%.64s\" in BT-13", ej);
	}
	tandem_stmt_finalize(st);
	return rc;
}

/* An IBAN in the invoice other than the supplier's account on record. */
static int check_account(struct tandem_store *s, const struct tandem_invoice_in *in,
			 struct route *r)
{
	struct tandem_stmt *st;
	char iban[KEY_MAX];
	int rc;

	ledger_compact(in->payee_iban, iban, sizeof iban);
	if (iban[0] == '\0')
		return 0;
	rc = ledger_select(s, &st, "SELECT a.iban, a.changed_at FROM supplier_account a WHERE "
			   "a.supplier_id = $1 ORDER BY a.id DESC", "i", r->supplier);
	if (rc == 1 && strcmp(tandem_stmt_text(st, 0), iban) != 0)
		set_status(r, "suspended", "the invoice asks payment to %.34s; the supplier's "
			   "account on record (since %.10s) is %.34s", iban,
			   tandem_stmt_text(st, 1), tandem_stmt_text(st, 0));
	tandem_stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

int64_t ledger_tolerance(int64_t amount, int64_t bp, int64_t cents)
{
	int64_t rel = amount / 10000 * bp + amount % 10000 * bp / 10000;

	return rel > cents ? rel : cents;
}

int ledger_match(struct tandem_store *s, int64_t commitment, int64_t invoice, int64_t due,
		 char status[16], char *reason, size_t size)
{
	struct tandem_stmt *st;
	int64_t amount, certified, claimed, tol;
	char a[32], c[32], x[32];
	int rc = ledger_select(s, &st,
		"SELECT c.amount_cents,"
		" (SELECT coalesce(sum(f.amount_cents), 0) FROM service_done f"
		"   WHERE f.commitment_id = c.id),"
		" (SELECT coalesce(sum(i.due_cents), 0) FROM invoice i WHERE i.commitment_id = c.id"
		"   AND i.kind = 'invoice' AND i.status IN ('received', 'suspended', 'ready', 'paid')"
		"   AND ($2 <= 0 OR i.id < $2)),"
		" a.match_tolerance_bp, a.match_tolerance_cents"
		" FROM commitment c JOIN fiscal_year y ON y.id = c.fiscal_year_id"
		" JOIN administration a ON a.id = y.administration_id WHERE c.id = $1", "ii",
		commitment, invoice);

	if (rc != 1) {
		tandem_stmt_finalize(st);
		return rc < 0 ? rc : TANDEM_EINTERNAL;
	}
	amount = tandem_stmt_i64(st, 0);
	certified = tandem_stmt_i64(st, 1);
	claimed = tandem_stmt_i64(st, 2) + due;
	tol = ledger_tolerance(amount, tandem_stmt_i64(st, 3), tandem_stmt_i64(st, 4));
	tandem_stmt_finalize(st);
	ledger_cents_text(amount, a);
	ledger_cents_text(certified, c);
	ledger_cents_text(claimed, x);
	if (claimed > amount + tol) {
		(void)snprintf(status, 16, "suspended");
		(void)snprintf(reason, size, "invoiced %s EUR on a commitment of %s EUR", x, a);
	} else if (claimed > certified + tol) {
		(void)snprintf(status, 16, "received");
		(void)snprintf(reason, size, "waiting for service done: %s EUR invoiced, %s EUR "
			       "certified", x, c);
	} else {
		(void)snprintf(status, 16, "ready");
		(void)snprintf(reason, size, "matched: %s EUR invoiced, %s EUR certified, commitment "
			       "%s EUR", x, c, a);
	}
	return 0;
}

int ledger_invoice_status(struct tandem_store *s, int64_t user, int64_t invoice,
			  const char *status, const char *reason, const char *action)
{
	char detail[400];
	int64_t event = 0;
	int rc;

	(void)snprintf(detail, sizeof detail, "invoice %lld: %s, %.300s", (long long)invoice,
		       status, reason);
	rc = ledger_event(s, user, action, "invoice", invoice, NULL, detail, &event);
	if (rc == 0)
		rc = ledger_run(s, "UPDATE invoice SET status = $2, status_reason = $3 WHERE id = $1",
				NULL, NULL, "itt", invoice, status, reason);
	return rc;
}

int ledger_rematch(struct tandem_store *s, int64_t user, int64_t commitment)
{
	struct tandem_stmt *st;
	int64_t ids[REMATCH_MAX], dues[REMATCH_MAX];
	size_t n = 0;
	int rc = ledger_select(s, &st, "SELECT id, due_cents FROM invoice WHERE commitment_id = $1 "
			       "AND status = 'received' AND kind = 'invoice' ORDER BY id", "i",
			       commitment);

	for (; rc == 1 && n < REMATCH_MAX; rc = tandem_stmt_step(st), n++) {
		ids[n] = tandem_stmt_i64(st, 0);
		dues[n] = tandem_stmt_i64(st, 1);
	}
	tandem_stmt_finalize(st);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		char status[16], reason[300];

		rc = ledger_match(s, commitment, ids[i], dues[i], status, reason, sizeof reason);
		if (rc == 0 && strcmp(status, "received") != 0)
			rc = ledger_invoice_status(s, user, ids[i], status, reason, "invoice.match");
	}
	return rc < 0 ? rc : 0;
}

/* Routes and matches a stored-to-be invoice: r->status says the outcome. */
static int route(struct tandem_store *s, const struct tandem_invoice_in *in, struct route *r)
{
	int rc = route_service(s, in, r);

	if (rc == 0 && r->status[0] == '\0')
		rc = route_supplier(s, in, r);
	if (rc == 0 && r->status[0] == '\0')
		rc = route_commitment(s, in, r);
	if (rc == 0 && r->status[0] == '\0')
		rc = check_account(s, in, r);
	if (rc == 0 && r->status[0] == '\0' && ledger_credit_note(in->type_code))
		set_status(r, "suspended", "a credit note: the comptable offsets it against an "
			   "invoice of the supplier");
	if (rc == 0 && r->status[0] == '\0')
		rc = ledger_match(s, r->commitment, 0, in->due_cents, r->status, r->reason,
				  sizeof r->reason);
	return rc;
}

static int insert(struct tandem_store *s, const struct tandem_invoice_in *in,
		  const struct route *r, const char *seller, const char *norm, const char *sha,
		  int64_t user, int64_t event, int64_t *id)
{
	char now[LEDGER_TIME_MAX], iban[KEY_MAX];
	struct tandem_stmt *st;
	int rc;

	ledger_now(now);
	ledger_compact(in->payee_iban, iban, sizeof iban);
	rc = ledger_run(s, "INSERT INTO invoice (administration_id, supplier_id, commitment_id, "
			"service_code, kind, number, number_norm, seller_key, type_code, issue_date, "
			"due_date, currency, buyer_reference, order_reference, payee_iban, net_cents, "
			"vat_cents, gross_cents, due_cents, syntax, file_name, file_sha256, verdict, "
			"status, status_reason, received_by, received_at, event_id) VALUES ($1, $2, "
			"$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
			"$20, $21, $22, $23, $24, $25, $26, $27, $28) RETURNING id", id, NULL,
			"iIIttttttttttttiiiittttttiti", r->admin, r->supplier, r->commitment,
			r->service[0] != '\0' ? r->service : NULL,
			ledger_credit_note(in->type_code) ? "credit_note" : "invoice", in->number,
			norm, seller, in->type_code, in->issue_date, in->due_date, in->currency,
			in->buyer_reference, in->order_reference, iban[0] != '\0' ? iban : NULL,
			in->net_cents, in->vat_cents, in->gross_cents, in->due_cents,
			in->syntax != NULL ? in->syntax : "unknown",
			in->file_name != NULL ? in->file_name : "", sha,
			in->verdict != NULL ? in->verdict : "valid", r->status, r->reason, user, now,
			event);
	if (rc != 0)
		return rc;
	rc = tandem_store_prepare(s, "INSERT INTO invoice_file (invoice_id, bytes) VALUES ($1, $2)",
				  &st);
	if (rc != 0)
		return rc;
	rc = tandem_stmt_bind_i64(st, 1, *id);
	if (rc == 0)
		rc = tandem_stmt_bind_blob(st, 2, in->file, in->file_len);
	if (rc == 0)
		rc = tandem_stmt_step(st);
	tandem_stmt_finalize(st);
	return rc;
}

/* One invoice, inside the batch's transaction. */
static int import_one(struct tandem_store *s, const struct ledger_actor *who,
		      const struct tandem_invoice_in *in, struct tandem_diag *d,
		      struct tandem_invoice_result *res)
{
	struct route r;
	char sha[LEDGER_SHA256_HEX], norm[NUMBER_MAX + 1], seller[KEY_MAX], detail[700];
	char due[32];
	int64_t event = 0;
	int rc = check_input(in, d);

	memset(&r, 0, sizeof r);
	if (rc == 0)
		rc = ledger_sha256_hex(in->file, in->file_len, sha);
	if (rc == 0)
		rc = find_administration(s, in, d, &r);
	if (rc == 0)
		rc = find_same_file(s, r.admin, sha, res);
	if (rc != 0 || res->already)
		return rc;
	ledger_invoice_number_norm(in->number, norm, sizeof norm);
	if (in->seller_siret != NULL && in->seller_siret[0] != '\0')
		(void)snprintf(seller, sizeof seller, "%s", in->seller_siret);
	else
		ledger_compact(in->seller_vat, seller, sizeof seller);
	rc = refuse_duplicate(s, in, r.admin, seller, norm, d);
	if (rc == 0)
		rc = route(s, in, &r);
	ledger_cents_text(in->due_cents, due);
	(void)snprintf(detail, sizeof detail, "invoice %.64s of %.40s, %s EUR due, from %.200s: "
		       "%s, %.300s", in->number, seller, due,
		       in->file_name != NULL ? in->file_name : "", r.status, r.reason);
	if (rc == 0)
		rc = ledger_event(s, who->id, "invoice.receive", "invoice", 0, sha, detail, &event);
	if (rc == 0)
		rc = insert(s, in, &r, seller, norm, sha, who->id, event, &res->id);
	if (rc == 0) {
		(void)snprintf(res->status, sizeof res->status, "%s", r.status);
		(void)snprintf(res->reason, sizeof res->reason, "%s", r.reason);
	}
	return rc;
}

int tandem_ledger_invoice_import(struct tandem_store *s, const char *actor,
				 const struct tandem_invoice_in *in, size_t n,
				 struct tandem_diag *d, struct tandem_invoice_result *results)
{
	struct ledger_actor who;
	int rc;

	if (n == 0 || n > TANDEM_INVOICE_BATCH_MAX)
		return ledger_refuse(d, TANDEM_EINVAL, "TANDEM-INVOICE-BATCH", 0,
				     "a batch holds 1 to %d invoices", TANDEM_INVOICE_BATCH_MAX);
	memset(results, 0, n * sizeof *results);
	rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = ledger_actor_as(s, actor, "ordonnateur, comptable, admin", "importing invoices", d,
			     &who);
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = tandem_store_mark(s);
		if (rc != 0)
			break;
		results[i].code = import_one(s, &who, &in[i], d, &results[i]);
		/* A refusal is undone and the batch goes on; a failing store
		 * ends it. */
		if (results[i].code == 0)
			rc = tandem_store_mark_keep(s);
		else if (results[i].code == TANDEM_EIO || results[i].code == TANDEM_ENOMEM ||
			 results[i].code == TANDEM_EINTERNAL)
			rc = results[i].code;
		else
			rc = tandem_store_mark_undo(s);
		if (rc == 0 && results[i].code != 0)
			results[i].id = 0;
	}
	if (rc == 0)
		rc = tandem_store_commit(s);
	if (rc == 0)
		return 0;
	(void)tandem_store_rollback(s);
	for (size_t i = 0; i < n; i++)
		if (results[i].code == 0) {
			results[i].code = rc;
			results[i].id = 0;
			results[i].already = false;
		}
	return rc;
}
