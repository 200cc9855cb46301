/*
 * src/ledger/invoice.c - invoices received: checked, routed to their
 * administration, supplier and commitment, matched against the commitment
 * and service done, and stored with the bytes of their file - or refused
 * with nothing stored. A batch shares one transaction; every refusal of
 * an invoice comes before its first write, and a batch remembers the rows
 * it looked up (struct batch).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "ledger/ledger_int.h"
#include "tandem/alloc.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define NUMBER_MAX 200
#define KEY_MAX 64
#define MEMO_SLOTS 4096  /* suppliers and commitments a batch remembers */
#define MEMO_KEY_MAX 128
#define HELD_SLOTS 1024  /* commitments whose running totals a batch holds at once */

/* What the route and the match found for one invoice. */
struct route {
	int64_t admin, supplier, commitment;
	int64_t tolerance_bp, tolerance_cents;
	char country[3];
	char service[KEY_MAX];      /* code service or Leitweg-ID matched; "" */
	char status[16];            /* "" until decided */
	char reason[300];
	int64_t lines;              /* lines of the commitment matched by quantity; 0 */
};

/* A row a batch looked up, by its key. The rows a batch remembers - an
 * administration, a supplier, a commitment and whose it is - never change
 * once made, so a batch reads each once. */
struct memo {
	char key[MEMO_KEY_MAX]; /* "" when free */
	int64_t id, owner;
};

/*
 * A commitment's running totals while a batch routes invoices to it: read
 * once, what the batch's invoices add counted here, and written once - when
 * the batch ends, or when the slot is wanted for another commitment. Both
 * happen in the batch's transaction, so what a reader or a crash sees is
 * what one UPDATE per invoice gave (1 to 3 us each on SQLite, a round trip
 * on PostgreSQL). Nothing else in an import reads commitment.invoiced_cents.
 */
struct held {
	int64_t commitment;       /* 0: a free slot */
	struct ledger_totals t;   /* invoiced: the batch's invoices included */
	int64_t added;            /* what the batch added, not yet written */
};

struct batch {
	char buyer[MEMO_KEY_MAX]; /* buyer SIRET and BT-10 of admin; "" */
	struct route admin;       /* the administration, its country and tolerance */
	int64_t services;         /* codes service of admin's administration */
	struct memo suppliers[MEMO_SLOTS], commitments[MEMO_SLOTS];
	int64_t line_refs[TANDEM_COMMITMENT_LINES_MAX]; /* the invoice's lines' commitment
							 * lines, being routed */
	struct held held[HELD_SLOTS];
};

/* The slot of key (direct-mapped: a newer key takes an older one's slot). */
static struct memo *memo_slot(struct memo *m, const char *key)
{
	return &m[tandem__fnv1a(key) & (MEMO_SLOTS - 1)];
}

static bool memo_get(struct memo *m, const char *key, int64_t *id, int64_t *owner)
{
	const struct memo *e = memo_slot(m, key);

	if (key[0] == '\0' || strcmp(e->key, key) != 0)
		return false;
	*id = e->id;
	*owner = e->owner;
	return true;
}

static void memo_put(struct memo *m, const char *key, int64_t id, int64_t owner)
{
	struct memo *e = memo_slot(m, key);

	if (key[0] == '\0')
		return;
	(void)ledger_put(e->key, sizeof e->key, 0, key, SIZE_MAX);
	e->id = id;
	e->owner = owner;
}

/* The key of parts joined by '|' ("12|a|b"), or "" when it does not fit. */
static void memo_key(char key[MEMO_KEY_MAX], int64_t admin, const char *a, const char *b)
{
	char digits[24];
	uint64_t u = admin < 0 ? 0 : (uint64_t)admin;
	size_t n = sizeof digits - 1, at;

	digits[n] = '\0';
	do {
		digits[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (strlen(digits + n) + strlen(a != NULL ? a : "") + strlen(b != NULL ? b : "") + 2 >=
	    MEMO_KEY_MAX) {
		key[0] = '\0';
		return;
	}
	at = ledger_put(key, MEMO_KEY_MAX, 0, digits + n, SIZE_MAX);
	at = ledger_put(key, MEMO_KEY_MAX, at, "|", 1);
	at = ledger_put(key, MEMO_KEY_MAX, at, a, SIZE_MAX);
	at = ledger_put(key, MEMO_KEY_MAX, at, "|", 1);
	(void)ledger_put(key, MEMO_KEY_MAX, at, b, SIZE_MAX);
}

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
	long bad;

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
	bad = ledger_suggest_bad(in);
	if (bad != 0)
		return refuse(d, in, TANDEM_EINVAL, "TANDEM-SUGGEST-INPUT",
			      "the suggestions %s%ld are not a CPV code, a probability up to "
			      "1000 and a text and reasons within their limits, with their "
			      "model's SHA-256", bad > 0 ? "of line " : "", bad > 0 ? bad : 0L);
	return 0;
}

/* The administration the invoice is addressed to: by buyer SIRET, else by
 * the Leitweg-ID in BT-10, its own or one of its services'. */
static int find_administration(struct tandem_store *s, struct batch *b,
			       const struct tandem_invoice_in *in, struct tandem_diag *d,
			       struct route *r)
{
	struct tandem_stmt *st;
	const char *ref = in->buyer_reference != NULL ? in->buyer_reference : "";
	char key[MEMO_KEY_MAX];
	int rc;

	memo_key(key, 0, in->buyer_siret, ref);
	if (key[0] != '\0' && strcmp(key, b->buyer) == 0) {
		*r = b->admin;
		return 0;
	}
	rc = ledger_select(s, &st,
		"SELECT a.id, a.country, '', a.match_tolerance_bp, a.match_tolerance_cents"
		" FROM administration a WHERE a.siret = $1"
		" UNION ALL SELECT a.id, a.country, '', a.match_tolerance_bp, a.match_tolerance_cents"
		" FROM administration a WHERE a.leitweg_id = $2"
		" UNION ALL SELECT a.id, a.country, v.code, a.match_tolerance_bp,"
		" a.match_tolerance_cents FROM service v"
		"  JOIN administration a ON a.id = v.administration_id"
		"  WHERE a.country = 'DE' AND v.code = $2", "tt",
		in->buyer_siret != NULL ? in->buyer_siret : "", ref);
	if (rc == 1) {
		r->admin = tandem_stmt_i64(st, 0);
		(void)snprintf(r->country, sizeof r->country, "%s", tandem_stmt_text(st, 1));
		(void)snprintf(r->service, sizeof r->service, "%s", tandem_stmt_text(st, 2));
		r->tolerance_bp = tandem_stmt_i64(st, 3);
		r->tolerance_cents = tandem_stmt_i64(st, 4);
		rc = 0;
	} else if (rc == 0) {
		rc = refuse(d, in, TANDEM_ENOENT, "TANDEM-INVOICE-BUYER",
			    "the invoice is addressed to no administration of this database: buyer "
			    "SIRET \"%.20s\", BT-10 \"%.46s\"",
			    in->buyer_siret != NULL ? in->buyer_siret : "", ref);
	}
	tandem_stmt_finalize(st);
	if (rc == 0 && r->admin != b->admin.admin) {
		rc = ledger_run(s, "SELECT count(*) FROM service WHERE administration_id = $1",
				&b->services, NULL, "i", r->admin);
	}
	if (rc == 0) {
		(void)snprintf(b->buyer, sizeof b->buyer, "%s", key);
		b->admin = *r;
	}
	return rc;
}

/* The key a file is found by (schema v13): the first 15 hex digits of its
 * SHA-256, 60 bits, as an integer. */
static int64_t file_key(const char sha[LEDGER_SHA256_HEX])
{
	uint64_t key = 0;

	for (int i = 0; i < 15; i++)
		key = key << 4 | (uint64_t)(sha[i] <= '9' ? sha[i] - '0' : sha[i] - 'a' + 10);
	return (int64_t)key;
}

/*
 * The invoice met before, in one statement: the same file (its invoice,
 * status and reason go into res, already), else the same number of the
 * same seller not rejected, which refuses the invoice. The rows of the
 * file come first; both kinds are read, whatever order the engine gives.
 */
static int find_met_before(struct tandem_store *s, const struct tandem_invoice_in *in,
			   int64_t admin, const char *sha, const char *seller, const char *norm,
			   struct tandem_diag *d, struct tandem_invoice_result *res)
{
	struct tandem_stmt *st;
	char file[201] = "", status[16] = "";
	int64_t twin = 0;
	int rc = ledger_select(s, &st,
		"SELECT 1, id, status, status_reason, file_name FROM invoice WHERE "
		"administration_id = $1 AND file_key = $2 AND file_sha256 = $3 UNION ALL "
		"SELECT 2, id, status, status_reason, file_name FROM invoice WHERE "
		"administration_id = $1 AND seller_key = $4 AND number_norm = $5 "
		"AND status <> 'rejected'", "iittt", admin, file_key(sha), sha, seller, norm);

	for (; rc == 1 && !res->already; rc = tandem_stmt_step(st)) {
		const char *was = tandem_stmt_text(st, 2);

		if (tandem_stmt_i64(st, 0) == 1) {
			res->id = tandem_stmt_i64(st, 1);
			res->already = true;
			(void)ledger_put(res->status, sizeof res->status, 0, was, SIZE_MAX);
			(void)ledger_put(res->reason, sizeof res->reason, 0,
					 tandem_stmt_text(st, 3), SIZE_MAX);
		} else if (twin == 0) {
			twin = tandem_stmt_i64(st, 1);
			(void)ledger_put(status, sizeof status, 0, was, SIZE_MAX);
			(void)ledger_put(file, sizeof file, 0, tandem_stmt_text(st, 4), 200);
		}
	}
	tandem_stmt_finalize(st);
	if (rc < 0 || res->already)
		return rc < 0 ? rc : 0;
	if (twin != 0)
		return refuse(d, in, TANDEM_EEXIST, "TANDEM-INVOICE-DUPLICATE",
			      "invoice %.64s of %.40s is booked already as invoice %lld (%.200s, "
			      "%s): the same invoice is never booked twice", in->number, seller,
			      (long long)twin, file, status);
	return 0;
}

/* A French administration with services wants one of their codes in BT-10. */
static int route_service(struct tandem_store *s, const struct batch *b,
			 const struct tandem_invoice_in *in, struct route *r)
{
	const char *ref = in->buyer_reference != NULL ? in->buyer_reference : "";
	bool found = false;
	int rc;

	if (strcmp(r->country, "FR") != 0 || b->services == 0)
		return 0;
	rc = ledger_run(s, "SELECT 1 FROM service WHERE administration_id = $1 AND code = $2",
			NULL, &found, "it", r->admin, ref);
	if (rc == 0 && !found)
		set_status(r, "a_recycler", "unknown code service \"%.40s\" in BT-10", ref);
	else if (rc == 0)
		(void)snprintf(r->service, sizeof r->service, "%s", ref);
	return rc;
}

static int route_supplier(struct tandem_store *s, struct batch *b,
			  const struct tandem_invoice_in *in, struct route *r)
{
	char vat[KEY_MAX], key[MEMO_KEY_MAX];
	int64_t none;
	bool found = false;
	int rc;

	ledger_compact(in->seller_vat, vat, sizeof vat);
	memo_key(key, r->admin, in->seller_siret, vat);
	if (memo_get(b->suppliers, key, &r->supplier, &none))
		return 0;
	/* The SIRET names the establishment: it wins over a VAT number, which
	 * several establishments of a company share. */
	rc = ledger_run(s, "SELECT id FROM supplier WHERE administration_id = $1 AND "
			"(siret = $2 OR vat_id = $3) ORDER BY CASE WHEN siret = $2 THEN 0 ELSE 1 "
			"END, id LIMIT 1", &r->supplier, &found, "itt", r->admin,
			in->seller_siret != NULL ? in->seller_siret : "", vat);
	if (rc == 0 && !found)
		set_status(r, "a_recycler", "unknown supplier: SIRET \"%.20s\", VAT \"%.20s\"",
			   in->seller_siret != NULL ? in->seller_siret : "", vat);
	else if (rc == 0)
		memo_put(b->suppliers, key, r->supplier, 0);
	return rc;
}

/* The commitment named in BT-13, and whose it is. */
static int find_commitment(struct tandem_store *s, struct batch *b, const struct route *r,
			   const char *ej, int64_t *id, int64_t *supplier)
{
	struct tandem_stmt *st;
	char key[MEMO_KEY_MAX];
	int rc;

	memo_key(key, r->admin, ej, NULL);
	if (memo_get(b->commitments, key, id, supplier))
		return 1;
	rc = ledger_select(s, &st, "SELECT c.id, c.supplier_id FROM commitment c"
			   " JOIN fiscal_year y ON y.id = c.fiscal_year_id"
			   " WHERE y.administration_id = $1 AND c.number = $2"
			   " ORDER BY y.year DESC", "it", r->admin, ej);
	if (rc == 1) {
		*id = tandem_stmt_i64(st, 0);
		*supplier = tandem_stmt_i64(st, 1);
		memo_put(b->commitments, key, *id, *supplier);
	}
	tandem_stmt_finalize(st);
	return rc;
}

/* Writes what the batch added to a commitment's invoiced total. */
static int held_write(struct tandem_store *s, struct held *h)
{
	int rc = 0;

	if (h->added != 0)
		rc = ledger_run(s, "UPDATE commitment SET invoiced_cents = invoiced_cents + $2 "
				"WHERE id = $1", NULL, NULL, "ii", h->commitment, h->added);
	h->added = 0;
	return rc;
}

/* Writes every total the batch holds; at its end, before the commit. */
static int held_write_all(struct tandem_store *s, struct batch *b)
{
	int rc = 0;

	for (size_t i = 0; i < HELD_SLOTS && rc == 0; i++)
		rc = held_write(s, &b->held[i]);
	return rc;
}

/* The totals of a commitment, read when the batch does not hold them yet. */
static int held_get(struct tandem_store *s, struct batch *b, int64_t commitment,
		    struct held **out)
{
	struct held *h = &b->held[(uint64_t)commitment & (HELD_SLOTS - 1)];
	struct tandem_stmt *st;
	int rc;

	*out = h;
	if (h->commitment == commitment)
		return 0;
	rc = held_write(s, h);
	if (rc != 0)
		return rc;
	memset(h, 0, sizeof *h);
	rc = ledger_select(s, &st, "SELECT amount_cents, certified_cents, invoiced_cents, state, "
			   "line_count FROM commitment WHERE id = $1", "i", commitment);
	if (rc == 1) {
		h->commitment = commitment;
		h->t.amount = tandem_stmt_i64(st, 0);
		h->t.certified = tandem_stmt_i64(st, 1);
		h->t.invoiced = tandem_stmt_i64(st, 2);
		h->t.cancelled = strcmp(tandem_stmt_text(st, 3), "cancelled") == 0;
		h->t.lines = tandem_stmt_i64(st, 4);
		rc = 0;
	} else if (rc == 0) {
		rc = TANDEM_EINTERNAL; /* the invoice's commitment is gone */
	}
	tandem_stmt_finalize(st);
	return rc;
}

/* Routes to the commitment and counts the invoice in what is invoiced on
 * it (a credit note counts for nothing); t is the commitment's totals. */
static int route_commitment(struct tandem_store *s, struct batch *b,
			    const struct tandem_invoice_in *in, struct route *r,
			    struct ledger_totals *t)
{
	const char *ej = in->order_reference;
	int64_t id = 0, supplier = 0, cents = ledger_credit_note(in->type_code) ? 0 :
		in->due_cents;
	struct held *h;
	int rc;

	if (ej == NULL || ej[0] == '\0') {
		set_status(r, "a_recycler", "no commitment number (EJ, BT-13) in the invoice");
		return 0;
	}
	rc = find_commitment(s, b, r, ej, &id, &supplier);
	if (rc == 0)
		set_status(r, "a_recycler", "unknown commitment number \"%.64s\" in BT-13", ej);
	if (rc != 1)
		return rc;
	if (supplier != r->supplier) {
		set_status(r, "a_recycler", "commitment %.64s is not one of this supplier's", ej);
		return 0;
	}
	rc = held_get(s, b, id, &h);
	if (rc != 0)
		return rc;
	if (h->t.cancelled) {
		set_status(r, "a_recycler", "commitment %.64s is cancelled", ej);
		return 0;
	}
	h->t.invoiced += cents;
	h->added += cents;
	*t = h->t;
	r->commitment = id;
	return 0;
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

/* Routes and matches a stored-to-be invoice: r->status says the outcome. */
static int route(struct tandem_store *s, struct batch *b, const struct tandem_invoice_in *in,
		 struct route *r)
{
	struct ledger_totals t = { 0 };
	int rc = route_service(s, b, in, r);

	if (rc == 0 && r->status[0] == '\0')
		rc = route_supplier(s, b, in, r);
	if (rc == 0 && r->status[0] == '\0')
		rc = route_commitment(s, b, in, r, &t);
	if (rc == 0 && r->status[0] == '\0')
		rc = check_account(s, in, r);
	if (rc == 0 && r->status[0] == '\0' && ledger_credit_note(in->type_code))
		set_status(r, "suspended", "a credit note: the comptable offsets it against an "
			   "invoice of the supplier");
	if (rc == 0 && r->status[0] == '\0') {
		t.tolerance_bp = r->tolerance_bp;
		t.tolerance_cents = r->tolerance_cents;
		ledger_match_decide(&t, t.invoiced, r->status, r->reason, sizeof r->reason);
		r->lines = t.lines;
		if (t.lines > 0)
			rc = ledger_lines_match(s, r->commitment, in, r->tolerance_bp, b->line_refs,
						r->status, r->reason, sizeof r->reason);
	}
	return rc;
}

int ledger_invoice_route(struct tandem_store *s, int64_t admin,
			 const struct tandem_invoice_in *in, struct ledger_routed *out)
{
	struct tandem_stmt *st;
	struct batch *b = tandem_calloc(1, sizeof *b);
	struct route r;
	const char *ref = in->buyer_reference != NULL ? in->buyer_reference : "";
	int rc;

	if (b == NULL)
		return TANDEM_ENOMEM;
	memset(&r, 0, sizeof r);
	memset(out, 0, sizeof *out);
	rc = ledger_select(s, &st, "SELECT a.country, a.match_tolerance_bp, "
			   "a.match_tolerance_cents, (SELECT count(*) FROM service v WHERE "
			   "v.administration_id = a.id), (SELECT v.code FROM service v WHERE "
			   "v.administration_id = a.id AND v.code = $2) FROM administration a "
			   "WHERE a.id = $1", "it", admin, ref);
	if (rc == 1) {
		r.admin = admin;
		(void)snprintf(r.country, sizeof r.country, "%s", tandem_stmt_text(st, 0));
		r.tolerance_bp = tandem_stmt_i64(st, 1);
		r.tolerance_cents = tandem_stmt_i64(st, 2);
		b->services = tandem_stmt_i64(st, 3);
		/* A German unit of the administration named by its Leitweg-ID. */
		if (strcmp(r.country, "DE") == 0 && !tandem_stmt_is_null(st, 4))
			(void)snprintf(r.service, sizeof r.service, "%s", ref);
		rc = 0;
	} else if (rc == 0) {
		rc = TANDEM_EINTERNAL;
	}
	tandem_stmt_finalize(st);
	if (rc == 0)
		rc = route(s, b, in, &r);
	if (rc == 0)
		rc = held_write_all(s, b);
	if (rc == 0) {
		out->supplier = r.supplier;
		out->commitment = r.commitment;
		(void)snprintf(out->service, sizeof out->service, "%s", r.service);
		(void)snprintf(out->status, sizeof out->status, "%s", r.status);
		(void)snprintf(out->reason, sizeof out->reason, "%s", r.reason);
	}
	tandem_free(b);
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
			"status, status_reason, received_by, received_at, event_id, file_key) "
			"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
			"$15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, "
			"$29) RETURNING id", id, NULL, "iIIttttttttttttiiiittttttitii", r->admin,
			r->supplier, r->commitment,
			r->service[0] != '\0' ? r->service : NULL,
			ledger_credit_note(in->type_code) ? "credit_note" : "invoice", in->number,
			norm, seller, in->type_code, in->issue_date, in->due_date, in->currency,
			in->buyer_reference, in->order_reference, iban[0] != '\0' ? iban : NULL,
			in->net_cents, in->vat_cents, in->gross_cents, in->due_cents,
			in->syntax != NULL ? in->syntax : "unknown",
			in->file_name != NULL ? in->file_name : "", sha,
			in->verdict != NULL ? in->verdict : "valid", r->status, r->reason, user, now,
			event, file_key(sha));
	if (rc != 0)
		return rc;
	rc = tandem_store_prepare(s, "INSERT INTO invoice_file (invoice_id, bytes) VALUES ($1, $2)",
				  &st);
	if (rc != 0)
		return rc;
	rc = tandem_stmt_bind_i64(st, 1, *id);
	if (rc == 0)
		rc = tandem_stmt_bind_blob_ref(st, 2, in->file, in->file_len);
	if (rc == 0)
		rc = tandem_stmt_step(st);
	tandem_stmt_finalize(st);
	return rc;
}

/* The invoice.receive event's detail: "invoice %.64s of %.40s, %s EUR due,
 * from %.200s: %s, %.300s" (number, seller, amount due, file, status,
 * reason). */
static void event_detail(char *out, size_t size, const struct tandem_invoice_in *in,
			 const char *seller, const char *due, const struct route *r)
{
	size_t at = ledger_put(out, size, 0, "invoice ", SIZE_MAX);

	at = ledger_put(out, size, at, in->number, 64);
	at = ledger_put(out, size, at, " of ", SIZE_MAX);
	at = ledger_put(out, size, at, seller, 40);
	at = ledger_put(out, size, at, ", ", SIZE_MAX);
	at = ledger_put(out, size, at, due, SIZE_MAX);
	at = ledger_put(out, size, at, " EUR due, from ", SIZE_MAX);
	at = ledger_put(out, size, at, in->file_name, 200);
	at = ledger_put(out, size, at, ": ", SIZE_MAX);
	at = ledger_put(out, size, at, r->status, SIZE_MAX);
	at = ledger_put(out, size, at, ", ", SIZE_MAX);
	(void)ledger_put(out, size, at, r->reason, 300);
}

/* One invoice, inside the batch's transaction: every refusal comes before
 * its first write; *wrote says whether a failure came after. */
static int import_one(struct tandem_store *s, struct batch *b, const struct ledger_actor *who,
		      const struct tandem_invoice_in *in, struct tandem_diag *d,
		      struct tandem_invoice_result *res, bool *wrote)
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
		rc = find_administration(s, b, in, d, &r);
	ledger_invoice_number_norm(in->number, norm, sizeof norm);
	if (in->seller_siret != NULL && in->seller_siret[0] != '\0')
		(void)ledger_put(seller, sizeof seller, 0, in->seller_siret, SIZE_MAX);
	else
		ledger_compact(in->seller_vat, seller, sizeof seller);
	if (rc == 0)
		rc = find_met_before(s, in, r.admin, sha, seller, norm, d, res);
	if (rc != 0 || res->already)
		return rc;
	*wrote = true;
	rc = route(s, b, in, &r);
	ledger_cents_text(in->due_cents, due);
	event_detail(detail, sizeof detail, in, seller, due, &r);
	if (rc == 0)
		rc = ledger_event(s, who->id, "invoice.receive", "invoice", 0, sha, detail, &event);
	if (rc == 0)
		rc = insert(s, in, &r, seller, norm, sha, who->id, event, &res->id);
	if (rc == 0 && r.lines > 0)
		rc = ledger_lines_store(s, res->id, in, b->line_refs,
					ledger_invoice_counted("invoice", r.status));
	if (rc == 0)
		rc = ledger_suggest_store(s, r.admin, res->id, in, who->id);
	if (rc == 0) {
		(void)ledger_put(res->status, sizeof res->status, 0, r.status, SIZE_MAX);
		(void)ledger_put(res->reason, sizeof res->reason, 0, r.reason, SIZE_MAX);
	}
	return rc;
}

int tandem_ledger_invoice_import(struct tandem_store *s, const char *actor,
				 const struct tandem_invoice_in *in, size_t n,
				 struct tandem_diag *d, struct tandem_invoice_result *results)
{
	struct ledger_actor who;
	struct batch *b;
	int rc;

	if (n == 0 || n > TANDEM_INVOICE_BATCH_MAX)
		return ledger_refuse(d, TANDEM_EINVAL, "TANDEM-INVOICE-BATCH", 0,
				     "a batch holds 1 to %d invoices", TANDEM_INVOICE_BATCH_MAX);
	memset(results, 0, n * sizeof *results);
	b = tandem_calloc(1, sizeof *b);
	if (b == NULL)
		return TANDEM_ENOMEM;
	rc = tandem_store_begin(s);
	if (rc != 0) {
		tandem_free(b);
		return rc;
	}
	rc = ledger_actor_as(s, actor, "ordonnateur, comptable, admin", "importing invoices", d,
			     &who);
	if (rc == 0 && n > 100)
		rc = tandem_store_bulk(s);
	/* A refusal has written nothing and the batch goes on; a failure
	 * after an invoice's first write, or of the store, ends the batch with
	 * nothing of it kept. No savepoint per invoice: SQLite would copy
	 * every page an invoice touches into its statement journal. */
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool wrote = false;

		results[i].code = import_one(s, b, &who, &in[i], d, &results[i], &wrote);
		if (results[i].code != 0 && (wrote || results[i].code == TANDEM_EIO ||
					     results[i].code == TANDEM_ENOMEM ||
					     results[i].code == TANDEM_EINTERNAL))
			rc = results[i].code;
		else if (results[i].code != 0)
			results[i].id = 0;
	}
	if (rc == 0)
		rc = held_write_all(s, b);
	tandem_free(b);
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
