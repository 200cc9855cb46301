/*
 * src/sepa/write.c - the pain.001.001.09 file of a checked payment run
 * (tandem_sepa_write).
 *
 * The file is produced twice by the same code: first only counting bytes,
 * to know its exact size, then for real into room reserved once in the
 * caller's buffer. So the size limit is checked before any byte is written,
 * the buffer grows at most once, and no append can fail half-way: a run is
 * written whole or not at all. Element order is the schema's sequence order
 * (ISO 20022 pain.001.001.09 restricted by EPC132-08 2023 SCT C2PSP).
 *
 * Every text written is in the EPC basic Latin set (transliterated text,
 * checked identifiers, compact IBAN and BIC, digits): none of those
 * characters needs escaping in XML content, and the writer asserts it for
 * every byte rather than trusting the checks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "sepa_int.h"
#include "tandem/ident.h"

#define SEPA_NS "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
#define INDENT_MAX 16 /* levels; the deepest element is at 7 */

struct w {
	struct tandem_buf *out; /* NULL: only count */
	size_t n;               /* bytes produced */
	int depth;              /* of the next element */
};

static void put(struct w *w, const char *s, size_t len)
{
	if (w->out != NULL) {
		/* The room was reserved by tandem_buf_grow: cannot fail. */
		int err = tandem_buf_append(w->out, s, len);

		TANDEM_ASSERT(err == 0);
	}
	w->n += len;
}

static void puts_(struct w *w, const char *s)
{
	put(w, s, strlen(s));
}

static void indent(struct w *w)
{
	static const char spaces[2 * INDENT_MAX + 1] = "                                ";

	TANDEM_ASSERT(w->depth >= 0 && w->depth <= INDENT_MAX);
	put(w, spaces, 2 * (size_t)w->depth);
}

static void open_(struct w *w, const char *tag)
{
	indent(w);
	puts_(w, "<");
	puts_(w, tag);
	puts_(w, ">\n");
	w->depth++;
}

static void close_(struct w *w, const char *tag)
{
	w->depth--;
	indent(w);
	puts_(w, "</");
	puts_(w, tag);
	puts_(w, ">\n");
}

/* <tag>text</tag>, text of the basic set only (nothing to escape). */
static void leaf(struct w *w, const char *tag, const char *text, size_t len)
{
	TANDEM_ASSERT(len > 0);
	for (size_t i = 0; i < len; i++)
		TANDEM_ASSERT(sepa_is_basic((unsigned char)text[i]));
	indent(w);
	puts_(w, "<");
	puts_(w, tag);
	puts_(w, ">");
	put(w, text, len);
	puts_(w, "</");
	puts_(w, tag);
	puts_(w, ">\n");
}

static void leaf_s(struct w *w, const char *tag, const char *text)
{
	leaf(w, tag, text, strlen(text));
}

/* A checked UTF-8 text field, transliterated. */
static void leaf_text(struct w *w, const char *tag, const char *s)
{
	char buf[SEPA_TEXT_BUF];
	size_t n;

	if (tandem_sepa_translit(s, strlen(s), buf, sizeof buf, &n, NULL) != 0)
		TANDEM_UNREACHABLE(); /* sepa_check_run accepted it */
	leaf(w, tag, buf, n);
}

/* The compact form of a checked IBAN or BIC. */
static void leaf_id(struct w *w, const char *tag, enum tandem_id_type type, const char *s)
{
	struct tandem_id_result r;

	if (tandem_id_check(type, s, strlen(s), &r) != 0)
		TANDEM_UNREACHABLE();
	leaf_s(w, tag, r.normalized);
}

/* Euro cents as a decimal with exactly two decimals: 1 -> "0.01". */
static size_t format_cents(int64_t cents, char *buf, size_t size)
{
	int n;

	TANDEM_ASSERT(cents >= 0);
	n = snprintf(buf, size, "%" PRId64 ".%02d", cents / 100, (int)(cents % 100));
	TANDEM_ASSERT(n > 0 && (size_t)n < size);
	return (size_t)n;
}

static void leaf_cents(struct w *w, const char *tag, int64_t cents)
{
	char buf[32];
	size_t n = format_cents(cents, buf, sizeof buf);

	leaf(w, tag, buf, n);
}

static void leaf_count(struct w *w, const char *tag, size_t count)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%zu", count);

	TANDEM_ASSERT(n > 0 && (size_t)n < sizeof buf);
	leaf(w, tag, buf, (size_t)n);
}

static void address(struct w *w, const struct tandem_sepa_address *a)
{
	char cc[3];

	open_(w, "PstlAdr");
	if (!sepa_absent(a->street))
		leaf_text(w, "StrtNm", a->street);
	if (!sepa_absent(a->building))
		leaf_text(w, "BldgNb", a->building);
	if (!sepa_absent(a->postcode))
		leaf_text(w, "PstCd", a->postcode);
	leaf_text(w, "TwnNm", a->town);
	cc[0] = (char)(a->country[0] & ~0x20); /* checked: two ASCII letters */
	cc[1] = (char)(a->country[1] & ~0x20);
	cc[2] = '\0';
	leaf(w, "Ctry", cc, 2);
	close_(w, "PstlAdr");
}

/* Nm and PstlAdr of Dbtr or Cdtr. */
static void party(struct w *w, const char *tag, const struct tandem_sepa_party *p)
{
	open_(w, tag);
	leaf_text(w, "Nm", p->name);
	address(w, &p->address);
	close_(w, tag);
}

static void account(struct w *w, const char *tag, const char *iban)
{
	open_(w, tag);
	open_(w, "Id");
	leaf_id(w, "IBAN", TANDEM_ID_IBAN, iban);
	close_(w, "Id");
	close_(w, tag);
}

/* DbtrAgt: the BIC, or Othr/Id NOTPROVIDED when the debtor gave none (the
 * EPC guidelines want one of the two). CdtrAgt: only with a BIC. */
static void agent(struct w *w, const char *tag, const char *bic)
{
	open_(w, tag);
	open_(w, "FinInstnId");
	if (!sepa_absent(bic)) {
		leaf_id(w, "BICFI", TANDEM_ID_BIC, bic);
	} else {
		open_(w, "Othr");
		leaf_s(w, "Id", SEPA_NOTPROVIDED);
		close_(w, "Othr");
	}
	close_(w, "FinInstnId");
	close_(w, tag);
}

static void transaction(struct w *w, const struct tandem_sepa_tx *tx)
{
	char amount[32];
	size_t n = format_cents(tx->amount_cents, amount, sizeof amount);

	open_(w, "CdtTrfTxInf");
	open_(w, "PmtId");
	leaf_s(w, "EndToEndId", tx->end_to_end_id);
	close_(w, "PmtId");
	open_(w, "Amt");
	indent(w);
	puts_(w, "<InstdAmt Ccy=\"EUR\">");
	put(w, amount, n);
	puts_(w, "</InstdAmt>\n");
	close_(w, "Amt");
	if (!sepa_absent(tx->creditor.bic))
		agent(w, "CdtrAgt", tx->creditor.bic);
	party(w, "Cdtr", &tx->creditor);
	account(w, "CdtrAcct", tx->creditor.iban);
	if (!sepa_absent(tx->remittance)) {
		open_(w, "RmtInf");
		leaf_text(w, "Ustrd", tx->remittance);
		close_(w, "RmtInf");
	}
	close_(w, "CdtTrfTxInf");
}

static void emit(struct w *w, const struct tandem_sepa_run *run, int64_t sum)
{
	puts_(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	puts_(w, "<Document xmlns=\"" SEPA_NS "\">\n");
	w->depth = 1;
	open_(w, "CstmrCdtTrfInitn");

	open_(w, "GrpHdr");
	leaf_s(w, "MsgId", run->msg_id);
	leaf_s(w, "CreDtTm", run->created_at);
	leaf_count(w, "NbOfTxs", run->n_txs);
	leaf_cents(w, "CtrlSum", sum);
	open_(w, "InitgPty");
	leaf_text(w, "Nm", run->debtor.name);
	close_(w, "InitgPty");
	close_(w, "GrpHdr");

	open_(w, "PmtInf");
	leaf_s(w, "PmtInfId", run->payment_info_id);
	leaf_s(w, "PmtMtd", "TRF");
	leaf_count(w, "NbOfTxs", run->n_txs);
	leaf_cents(w, "CtrlSum", sum);
	open_(w, "PmtTpInf");
	open_(w, "SvcLvl");
	leaf_s(w, "Cd", "SEPA");
	close_(w, "SvcLvl");
	close_(w, "PmtTpInf");
	open_(w, "ReqdExctnDt");
	leaf_s(w, "Dt", run->execution_date);
	close_(w, "ReqdExctnDt");
	party(w, "Dbtr", &run->debtor);
	account(w, "DbtrAcct", run->debtor.iban);
	agent(w, "DbtrAgt", run->debtor.bic);
	leaf_s(w, "ChrgBr", "SLEV");
	for (size_t i = 0; i < run->n_txs; i++)
		transaction(w, &run->txs[i]);
	close_(w, "PmtInf");

	close_(w, "CstmrCdtTrfInitn");
	w->depth = 0;
	puts_(w, "</Document>\n");
}

int tandem_sepa_write(const struct tandem_sepa_run *run, struct tandem_diag *d,
		      struct tandem_buf *out)
{
	struct w w = {NULL, 0, 0};
	int64_t sum;
	size_t size, start;
	int err;

	if (run == NULL || d == NULL || out == NULL || (run->n_txs > 0 && run->txs == NULL))
		return TANDEM_EINVAL;
	err = sepa_check_run(run, d, &sum);
	if (err)
		return err;

	/* First pass: the exact size, nothing written. */
	emit(&w, run, sum);
	size = w.n;
	TANDEM_ASSERT(out->len <= out->max);
	if (size > TANDEM_SEPA_OUT_MAX || size > out->max - out->len) {
		bool ours = size > TANDEM_SEPA_OUT_MAX;

		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-SEPA-SIZE",
				      "/Document", 0,
				      "the file would be %zu bytes; the limit is %zu bytes (%s)",
				      size, ours ? (size_t)TANDEM_SEPA_OUT_MAX : out->max - out->len,
				      ours ? "TANDEM_SEPA_OUT_MAX" : "the room left in the output buffer");
		return TANDEM_ELIMIT;
	}
	err = tandem_buf_grow(out, size);
	if (err)
		return err;

	/* Second pass, into the reserved room: the same bytes, counted again. */
	start = out->len;
	w = (struct w){out, 0, 0};
	emit(&w, run, sum);
	TANDEM_ASSERT(w.n == size && out->len - start == size);
	return 0;
}
