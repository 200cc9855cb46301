/*
 * tandem/sepa.h - SEPA credit-transfer initiation files, ISO 20022
 * pain.001.001.09 as the EPC implementation guidelines restrict it
 * (EPC132-08, SCT customer-to-PSP, 2023 version 1.0).
 *
 * A payment run is one debtor account paying many creditors on one requested
 * execution date. tandem_sepa_write() checks every field of the run first,
 * reporting each problem as a finding in the caller's struct tandem_diag, and
 * writes the XML file only when nothing was found: a run is written whole or
 * not at all. The file has one group header and one payment information block
 * holding every transaction; docs/sepa.md shows its layout.
 *
 *	struct tandem_sepa_tx tx = { "INV-2024-17", 125000, creditor, "F-2024-17" };
 *	struct tandem_sepa_run run = { "RUN-2024-03-01", "2024-03-01T09:30:00",
 *				       "2024-03-04", "RUN-2024-03-01-1",
 *				       debtor, &tx, 1 };
 *	err = tandem_sepa_write(&run, &diag, &out);
 *
 * Money is integer euro cents (int64_t), never floating point: amounts and
 * control sums are written from the integers with exactly two decimals.
 *
 * Text (names, addresses, remittance) is UTF-8. The EPC allows only the
 * basic Latin set a-z A-Z 0-9 / - ? : ( ) . , ' + and space; other Latin
 * letters are transliterated (é -> e, ä -> ae, ß -> ss ...) by
 * tandem_sepa_translit(), and a character with no transliteration is refused.
 * Identifiers (MsgId, PmtInfId, EndToEndId) are never transliterated: they
 * must already be in the basic set.
 */
#ifndef TANDEM_SEPA_H
#define TANDEM_SEPA_H

#include <stddef.h>
#include <stdint.h>

#include "tandem/buf.h"
#include "tandem/diag.h"

/* Limits. Lengths are in characters of the written file (after
 * transliteration, where every character is one byte). */
#define TANDEM_SEPA_TX_MAX 100000u /* transactions in one file */
/* Bytes of one file. The largest file the other limits allow (100,000
 * transactions, every field at its maximum) is 112.4 MB, so this limit
 * only bites if they are raised; the room left in the caller's buffer
 * (its max) applies as well. */
#define TANDEM_SEPA_OUT_MAX (128u << 20)
#define TANDEM_SEPA_AMOUNT_MIN_CENTS INT64_C(1)           /* 0.01 EUR */
#define TANDEM_SEPA_AMOUNT_MAX_CENTS INT64_C(99999999999) /* 999,999,999.99 EUR */
#define TANDEM_SEPA_ID_MAX 35       /* MsgId, PmtInfId, EndToEndId */
#define TANDEM_SEPA_NAME_MAX 70     /* Nm (the EPC cuts ISO's 140 to 70) */
#define TANDEM_SEPA_STREET_MAX 70   /* StrtNm */
#define TANDEM_SEPA_BUILDING_MAX 16 /* BldgNb */
#define TANDEM_SEPA_POSTCODE_MAX 16 /* PstCd */
#define TANDEM_SEPA_TOWN_MAX 35     /* TwnNm */
#define TANDEM_SEPA_REMITTANCE_MAX 140 /* RmtInf/Ustrd */

/*
 * A structured postal address (PstlAdr). Unstructured address lines (AdrLine)
 * are not written: the EPC no longer accepts them from November 2026. town and
 * country are required (the minimum of a structured address); street,
 * building and postcode may be NULL or "" when the address has none.
 */
struct tandem_sepa_address {
	const char *street;   /* StrtNm, UTF-8 */
	const char *building; /* BldgNb, UTF-8 */
	const char *postcode; /* PstCd, UTF-8 */
	const char *town;     /* TwnNm, UTF-8, required */
	const char *country;  /* Ctry, ISO 3166-1 alpha-2 ("FR", "de"), required */
};

/*
 * The debtor or a creditor. iban and bic may be written as people write them
 * (spaces, lower case): the file gets their compact form. An IBAN must be of a
 * SEPA country. bic is optional (NULL or ""): without it the debtor's agent is
 * written as Othr/Id NOTPROVIDED and the creditor's agent is left out, as the
 * EPC guidelines allow.
 */
struct tandem_sepa_party {
	const char *name; /* Nm, UTF-8, required */
	const char *iban; /* required */
	const char *bic;  /* optional */
	struct tandem_sepa_address address;
};

/* One credit transfer. */
struct tandem_sepa_tx {
	const char *end_to_end_id; /* EndToEndId, required; "NOTPROVIDED" if none */
	int64_t amount_cents;      /* InstdAmt in EUR cents, 1..99999999999 */
	struct tandem_sepa_party creditor;
	const char *remittance;    /* RmtInf/Ustrd, UTF-8, optional */
};

/*
 * One payment run: the whole file. The strings and the transactions belong to
 * the caller and are only read.
 */
struct tandem_sepa_run {
	const char *msg_id;          /* GrpHdr/MsgId, required */
	const char *created_at;      /* GrpHdr/CreDtTm, xs:dateTime:
					YYYY-MM-DDThh:mm:ss[.f{1,6}][Z|+hh:mm|-hh:mm] */
	const char *execution_date;  /* ReqdExctnDt/Dt, YYYY-MM-DD */
	const char *payment_info_id; /* PmtInfId, required */
	struct tandem_sepa_party debtor; /* also the initiating party (InitgPty/Nm) */
	const struct tandem_sepa_tx *txs; /* n_txs transactions, in file order */
	size_t n_txs;                /* 1..TANDEM_SEPA_TX_MAX */
};

/*
 * Checks the run and appends the pain.001.001.09 file to out.
 *
 * Every problem is added to d as an error finding whose rule id starts with
 * TANDEM-SEPA-, whose path is the XPath of the element concerned and whose
 * message names the transaction (1-based) and the field. Then nothing is
 * appended to out.
 *
 * Returns 0; TANDEM_EBADINPUT when a field is invalid; TANDEM_ELIMIT when a
 * limit is crossed (too many transactions, or the file would be larger than
 * TANDEM_SEPA_OUT_MAX or than the room left in out) and no field is invalid;
 * TANDEM_ENOMEM; TANDEM_EINVAL when run, d or out is NULL, or txs is NULL
 * with n_txs > 0. On any failure out is exactly as it was.
 */
int tandem_sepa_write(const struct tandem_sepa_run *run, struct tandem_diag *d,
		      struct tandem_buf *out);

/*
 * Transliterates UTF-8 text s[0..len) to the EPC basic Latin set. Characters
 * of the set are kept; the others are replaced by the rule of docs/sepa.md
 * (German umlauts ä -> ae and ß -> ss, other accented Latin letters lose
 * their accent, typographic spaces, apostrophes and dashes become their ASCII
 * form, & becomes +, € becomes EUR, combining accents are dropped).
 *
 * Writes at most out_size - 1 bytes and a NUL to out (out may be NULL when
 * out_size is 0, to measure). *out_len receives the length of the whole
 * transliteration even when it did not fit.
 *
 * Returns 0; TANDEM_ELIMIT when the transliteration is out_size bytes or
 * longer (out holds its beginning); TANDEM_EBADINPUT at the first character
 * that has no transliteration or is not valid UTF-8, with *bad_at set to its
 * byte offset in s (*out_len is then the length written before it).
 * bad_at may be NULL; it is left alone when the result is not EBADINPUT.
 */
int tandem_sepa_translit(const char *s, size_t len, char *out, size_t out_size,
			 size_t *out_len, size_t *bad_at);

#endif /* TANDEM_SEPA_H */
