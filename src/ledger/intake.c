/*
 * src/ledger/intake.c - from what the intake module read (tandem/en16931.h)
 * to the facts the ledger books: identifiers with their schemes, totals in
 * euro cents, and the verdict in words.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger_int.h"
#include "tandem/decimal.h"
#include "tandem/en16931.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

/* The SIRET of a party: an identifier (BT-29, BT-46) or its legal
 * registration (BT-30, BT-47) with scheme 0009. */
static const char *siret_of(const struct tandem_einv_party *p)
{
	for (size_t i = 0; i < p->ids.count; i++)
		if (p->ids.items[i].scheme != NULL && strcmp(p->ids.items[i].scheme, "0009") == 0 &&
		    p->ids.items[i].value != NULL)
			return p->ids.items[i].value;
	if (p->legal_id.scheme != NULL && strcmp(p->legal_id.scheme, "0009") == 0)
		return p->legal_id.value;
	return NULL;
}

/* A total in cents: an exact number with at most two decimals (BR-DEC). */
static int cents_of(const struct tandem_einv_num *n, bool required, const char *term,
		    const char *file, struct tandem_diag *d, int64_t *out)
{
	*out = 0;
	if (!n->set && !required && n->text == NULL)
		return 0;
	if (!n->set || tandem_dec_significant_scale(n->value) > 2 ||
	    tandem_dec_to_minor(n->value, 2, TANDEM_ROUND_HALF_EVEN, out) != 0) {
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT, "TANDEM-INVOICE-AMOUNT",
				      file, 0, "%s \"%.40s\" is not an amount in euro cents", term,
				      n->text != NULL ? n->text : "(missing)");
		return TANDEM_EBADINPUT;
	}
	return 0;
}

/* A quantity (BT-129) in thousandths, rounded half to even beyond them
 * (the match compares quantities within a tolerance). */
static int milli_of(const struct tandem_einv_num *n, const char *file, size_t line,
		    struct tandem_diag *d, int64_t *out)
{
	*out = 0;
	if (!n->set || tandem_dec_to_minor(n->value, 3, TANDEM_ROUND_HALF_EVEN, out) != 0) {
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
				      "TANDEM-INVOICE-QUANTITY", file, 0, "line %zu: BT-129 \"%.40s\" "
				      "is not a quantity tandem can hold", line,
				      n->text != NULL ? n->text : "(missing)");
		return TANDEM_EBADINPUT;
	}
	return 0;
}

/* The lines the three-way match reads (BT-129 to BT-132). */
static int lines_of(struct tandem_arena *a, const struct tandem_einv_invoice *inv,
		    const char *file, struct tandem_diag *d, struct tandem_invoice_in *out)
{
	struct tandem_invoice_line *l;
	size_t n = inv->n_lines < TANDEM_COMMITMENT_LINES_MAX ? inv->n_lines :
		TANDEM_COMMITMENT_LINES_MAX;
	int rc = 0;

	if (n == 0)
		return 0;
	l = tandem_arena_alloc(a, n * sizeof *l);
	if (l == NULL)
		return TANDEM_ENOMEM;
	for (size_t i = 0; i < n && rc == 0; i++) {
		l[i].order_line = inv->lines[i].order_line_ref;
		l[i].unit = inv->lines[i].unit;
		rc = milli_of(&inv->lines[i].quantity, file, i + 1, d, &l[i].quantity_milli);
		if (rc == 0)
			rc = cents_of(&inv->lines[i].net_amount, true, "BT-131", file, d,
				      &l[i].net_cents);
	}
	out->lines = l;
	out->n_lines = n;
	return rc;
}

/* "valid (CEN-UBL, XRechnung-UBL), 2 warnings" or "invalid: BR-16, BR-CO-10". */
static const char *verdict_text(struct tandem_arena *a, const struct tandem_einv_verdict *v,
				const struct tandem_diag *findings)
{
	char text[TANDEM_INVOICE_VERDICT_MAX / 2];
	size_t n;

	n = (size_t)snprintf(text, sizeof text, "%s (%s%s%s), %zu warnings",
			     v->valid ? "valid" : "invalid", v->sets[0] ? v->sets[0] : "",
			     v->sets[1] ? ", " : "", v->sets[1] ? v->sets[1] : "", v->warnings);
	for (size_t i = 0; !v->valid && findings != NULL && i < findings->count; i++) {
		const struct tandem_finding *f = &findings->items[i];

		if (f->severity != TANDEM_SEV_ERROR || f->rule[0] == '\0' ||
		    strstr(text, f->rule) != NULL || n + strlen(f->rule) + 8 >= sizeof text)
			continue;
		n += (size_t)snprintf(text + n, sizeof text - n, "%s%s",
				      strchr(text, ':') ? ", " : ": ", f->rule);
	}
	return tandem_arena_strndup(a, text, strlen(text));
}

int tandem_ledger_invoice_from_einv(struct tandem_arena *a, const struct tandem_einv_source *src,
				    const struct tandem_einv_invoice *inv,
				    const struct tandem_einv_verdict *verdict,
				    const struct tandem_diag *findings, const void *file,
				    size_t len, const char *file_name, struct tandem_diag *d,
				    struct tandem_invoice_in *out)
{
	char syntax[48];
	int rc;

	memset(out, 0, sizeof *out);
	out->file = file;
	out->file_len = len;
	out->file_name = file_name;
	(void)snprintf(syntax, sizeof syntax, "%s%s",
		       src->container == TANDEM_EINV_CONTAINER_PDF ? "pdf/" : "",
		       tandem_einv_syntax_name(src->syntax));
	out->syntax = tandem_arena_strndup(a, syntax, strlen(syntax));
	out->valid = verdict->valid && src->full_invoice;
	out->verdict = src->full_invoice ? verdict_text(a, verdict, findings) :
		"not a full invoice (Factur-X MINIMUM or BASIC WL)";
	if (out->syntax == NULL || out->verdict == NULL)
		return TANDEM_ENOMEM;
	out->number = inv->number;
	out->issue_date = inv->issue_date;
	out->due_date = inv->due_date;
	out->type_code = inv->type_code;
	out->currency = inv->currency;
	out->buyer_reference = inv->buyer_reference;
	out->order_reference = inv->order_ref;
	out->seller_siret = siret_of(&inv->seller);
	out->seller_vat = inv->seller.vat_id;
	out->buyer_siret = siret_of(&inv->buyer);
	if (inv->payment.n_transfers > 0)
		out->payee_iban = inv->payment.transfers[0].account;
	/* An invalid invoice is refused for that; its totals may be anything. */
	if (!out->valid)
		return 0;
	rc = lines_of(a, inv, file_name, d, out);
	if (rc == 0)
		rc = cents_of(&inv->totals.without_vat, true, "BT-109", file_name, d,
			      &out->net_cents);
	if (rc == 0)
		rc = cents_of(&inv->totals.vat, false, "BT-110", file_name, d, &out->vat_cents);
	if (rc == 0)
		rc = cents_of(&inv->totals.with_vat, true, "BT-112", file_name, d,
			      &out->gross_cents);
	if (rc == 0)
		rc = cents_of(&inv->totals.due, true, "BT-115", file_name, d, &out->due_cents);
	return rc;
}
