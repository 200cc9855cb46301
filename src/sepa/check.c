/*
 * src/sepa/check.c - every check of a payment run before its file is written.
 *
 * Each problem becomes one error finding: a TANDEM-SEPA-* rule id, the XPath
 * of the element that would hold the field, and a message naming the
 * transaction (1-based) and the field. All fields are checked, so a caller
 * sees every problem of a run at once, not the first one only. The checks
 * are those of the EPC guidelines' schema (lengths, amounts, IBAN only) plus
 * the EPC rules a schema cannot say (character set, the '/' rule of
 * identifiers, IBAN of a SEPA country) and tandem's own (a town and a country
 * in every address, an execution date not before the creation date).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "sepa_int.h"
#include "tandem/ident.h"
#include "tandem/slice.h"

/* 100,000 transactions of the largest amount cannot overflow the control
 * sum; the run-time check below stays for whoever raises the limits. */
_Static_assert(TANDEM_SEPA_AMOUNT_MAX_CENTS <= INT64_MAX / TANDEM_SEPA_TX_MAX,
	       "the control sum of a full file must fit an int64_t");

#define FINDING_PATH_MAX 160 /* bytes of a finding's path */

struct chk {
	struct tandem_diag *d;
	size_t tx;  /* 1-based number of the transaction checked, 0 for the run */
	bool bad;   /* a field is invalid */
	bool limit; /* a limit is crossed */
};

/*
 * One finding. path is below /Document/CstmrCdtTrfInitn/ for the run, below
 * the transaction's CdtTrfTxInf element for a transaction; what names the
 * field for a person.
 */
static void report(struct chk *c, int code, const char *rule, const char *path,
		   const char *what, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void report(struct chk *c, int code, const char *rule, const char *path,
		   const char *what, const char *fmt, ...)
{
	char full[FINDING_PATH_MAX], msg[TANDEM_DIAG_MESSAGE_MAX];
	va_list ap;

	if (c->tx > 0)
		snprintf(full, sizeof full, "/Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf[%zu]/%s",
			 c->tx, path);
	else
		snprintf(full, sizeof full, "/Document/CstmrCdtTrfInitn/%s", path);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (c->tx > 0)
		(void)tandem_diag_add(c->d, TANDEM_SEV_ERROR, code, rule, full, 0,
				      "transaction %zu, %s: %s", c->tx, what, msg);
	else
		(void)tandem_diag_add(c->d, TANDEM_SEV_ERROR, code, rule, full, 0, "%s: %s",
				      what, msg);
	if (code == TANDEM_ELIMIT)
		c->limit = true;
	else
		c->bad = true;
}

static void missing(struct chk *c, const char *path, const char *what)
{
	report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-MISSING", path, what, "missing");
}

/* A character refused at byte offset at of s, described for a person: the
 * character itself when printable, always its code point or its byte. */
static void refused_char(struct chk *c, const char *path, const char *what, const char *s,
			 size_t at, const char *why)
{
	unsigned cp;
	size_t k = tandem_utf8_sequence(s + at, strlen(s + at), &cp);

	if (k == 0)
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-CHARSET", path, what,
		       "byte 0x%02X at offset %zu is not valid UTF-8", (unsigned char)s[at], at);
	else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-CHARSET", path, what,
		       "control character U+%04X at byte offset %zu %s", cp, at, why);
	else
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-CHARSET", path, what,
		       "'%.*s' (U+%04X) at byte offset %zu %s", (int)k, s + at, cp, at,
		       why);
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ')
			return false;
	return true;
}

/* A text field: UTF-8, transliterated, at most max characters once
 * transliterated, not blank. */
static void check_text(struct chk *c, const char *s, bool required, size_t max,
		       const char *path, const char *what)
{
	char buf[SEPA_TEXT_BUF];
	size_t n, at = 0;
	int rc;

	TANDEM_ASSERT(max < sizeof buf);
	if (sepa_absent(s)) {
		if (required)
			missing(c, path, what);
		return;
	}
	rc = tandem_sepa_translit(s, strlen(s), buf, sizeof buf, &n, &at);
	if (rc == TANDEM_EBADINPUT)
		refused_char(c, path, what, s, at,
			     "is outside the SEPA character set and has no transliteration");
	else if (n > max)
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-LENGTH", path, what,
		       "%zu characters once transliterated, at most %zu", n, max);
	else if (blank(buf, n))
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-MISSING", path, what,
		       "nothing but spaces once transliterated");
}

/*
 * An identifier (MsgId, PmtInfId, EndToEndId): 1 to 35 characters of the
 * basic set as given (never transliterated: it must come back unchanged in
 * the bank statement), not blank, and by the EPC rule neither starting nor
 * ending with '/' nor holding "//".
 */
static void check_id(struct chk *c, const char *s, const char *path, const char *what)
{
	size_t len;

	if (sepa_absent(s)) {
		missing(c, path, what);
		return;
	}
	len = strlen(s);
	for (size_t i = 0; i < len; i++) {
		if (!sepa_is_basic((unsigned char)s[i])) {
			refused_char(c, path, what, s, i,
				     "is outside the SEPA character set (identifiers are "
				     "not transliterated)");
			return;
		}
	}
	if (len > TANDEM_SEPA_ID_MAX)
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-LENGTH", path, what,
		       "%zu characters, at most %d", len, TANDEM_SEPA_ID_MAX);
	if (blank(s, len))
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-MISSING", path, what,
		       "nothing but spaces");
	if (s[0] == '/' || s[len - 1] == '/' || strstr(s, "//") != NULL)
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-ID-SLASH", path, what,
		       "\"%s\" starts or ends with '/' or contains \"//\", which the EPC "
		       "forbids in identifiers", s);
}

static void check_iban(struct chk *c, const char *s, const char *path, const char *what)
{
	struct tandem_id_result r;

	if (sepa_absent(s)) {
		missing(c, path, what);
		return;
	}
	if (tandem_id_check(TANDEM_ID_IBAN, s, strlen(s), &r) != 0)
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-IBAN", path, what, "%s (%s)", r.detail,
		       tandem_id_reason_name(r.reason));
	else if (r.flags & TANDEM_ID_F_NOT_SEPA)
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-IBAN", path, what,
		       "%s is an IBAN of %.2s, a country outside the SEPA scheme", r.normalized,
		       r.normalized);
}

static void check_bic(struct chk *c, const char *s, const char *path, const char *what)
{
	struct tandem_id_result r;

	if (sepa_absent(s))
		return; /* optional */
	if (tandem_id_check(TANDEM_ID_BIC, s, strlen(s), &r) != 0)
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-BIC", path, what, "%s (%s)", r.detail,
		       tandem_id_reason_name(r.reason));
}

/* Two ASCII letters of an assigned ISO 3166-1 alpha-2 code, either case. */
static void check_country(struct chk *c, const char *s, const char *path, const char *what)
{
	char cc[2];

	if (sepa_absent(s)) {
		missing(c, path, what);
		return;
	}
	if (strlen(s) == 2 && (tandem__is_upper(s[0]) || tandem__is_lower(s[0])) &&
	    (tandem__is_upper(s[1]) || tandem__is_lower(s[1]))) {
		cc[0] = (char)(s[0] & ~0x20);
		cc[1] = (char)(s[1] & ~0x20);
		if (tandem_iso3166_is_assigned(cc))
			return;
	}
	report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-COUNTRY", path, what,
	       "\"%.16s\" is not an ISO 3166-1 alpha-2 country code", s);
}

/* Where a field of a party goes and what a person calls it. */
struct field {
	const char *path;
	const char *what;
};

struct party_fields {
	struct field name, iban, bic, street, building, postcode, town, country;
};

/* [0] a creditor, below its CdtTrfTxInf; [1] the debtor, below
 * CstmrCdtTrfInitn. */
static const struct party_fields party_fields[2] = {
	{{"Cdtr/Nm", "creditor name"},
	 {"CdtrAcct/Id/IBAN", "creditor IBAN"},
	 {"CdtrAgt/FinInstnId/BICFI", "creditor BIC"},
	 {"Cdtr/PstlAdr/StrtNm", "creditor street"},
	 {"Cdtr/PstlAdr/BldgNb", "creditor building number"},
	 {"Cdtr/PstlAdr/PstCd", "creditor postcode"},
	 {"Cdtr/PstlAdr/TwnNm", "creditor town"},
	 {"Cdtr/PstlAdr/Ctry", "creditor country"}},
	{{"PmtInf/Dbtr/Nm", "debtor name"},
	 {"PmtInf/DbtrAcct/Id/IBAN", "debtor IBAN"},
	 {"PmtInf/DbtrAgt/FinInstnId/BICFI", "debtor BIC"},
	 {"PmtInf/Dbtr/PstlAdr/StrtNm", "debtor street"},
	 {"PmtInf/Dbtr/PstlAdr/BldgNb", "debtor building number"},
	 {"PmtInf/Dbtr/PstlAdr/PstCd", "debtor postcode"},
	 {"PmtInf/Dbtr/PstlAdr/TwnNm", "debtor town"},
	 {"PmtInf/Dbtr/PstlAdr/Ctry", "debtor country"}},
};

static void check_party(struct chk *c, const struct tandem_sepa_party *p, bool debtor)
{
	const struct tandem_sepa_address *a = &p->address;
	const struct party_fields *f = &party_fields[debtor ? 1 : 0];

	check_text(c, p->name, true, TANDEM_SEPA_NAME_MAX, f->name.path, f->name.what);
	check_iban(c, p->iban, f->iban.path, f->iban.what);
	check_bic(c, p->bic, f->bic.path, f->bic.what);
	check_text(c, a->street, false, TANDEM_SEPA_STREET_MAX, f->street.path, f->street.what);
	check_text(c, a->building, false, TANDEM_SEPA_BUILDING_MAX, f->building.path,
		   f->building.what);
	check_text(c, a->postcode, false, TANDEM_SEPA_POSTCODE_MAX, f->postcode.path,
		   f->postcode.what);
	check_text(c, a->town, true, TANDEM_SEPA_TOWN_MAX, f->town.path, f->town.what);
	check_country(c, a->country, f->country.path, f->country.what);
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!tandem__is_digit(s[i]))
			return false;
	return true;
}

static int number(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* YYYY-MM-DD at s (10 bytes readable): a real day of the Gregorian calendar,
 * year 0001 to 9999 (xs:date has no year 0000). */
static bool valid_ymd(const char *s)
{
	static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (!all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) || s[7] != '-' ||
	    !all_digits(s + 8, 2))
		return false;
	y = number(s, 4);
	m = number(s + 5, 2);
	d = number(s + 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	return !(m == 2 && d == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)));
}

/* hh:mm:ss at s (8 bytes readable), 00:00:00 to 23:59:59. */
static bool valid_hms(const char *s)
{
	return all_digits(s, 2) && s[2] == ':' && all_digits(s + 3, 2) && s[5] == ':' &&
	       all_digits(s + 6, 2) && number(s, 2) <= 23 && number(s + 3, 2) <= 59 &&
	       number(s + 6, 2) <= 59;
}

/* YYYY-MM-DDThh:mm:ss, then 1 to 6 decimals of a second, then Z or +hh:mm or
 * -hh:mm (at most 14:00), each optional: the xs:dateTime forms banks take. */
static bool valid_datetime(const char *s)
{
	size_t len = strlen(s), p = 19, f;

	if (len < 19 || !valid_ymd(s) || s[10] != 'T' || !valid_hms(s + 11))
		return false;
	if (s[p] == '.') {
		for (f = 0; tandem__is_digit(s[p + 1 + f]); f++)
			;
		if (f < 1 || f > 6)
			return false;
		p += 1 + f;
	}
	if (s[p] == 'Z')
		return p + 1 == len;
	if (s[p] == '+' || s[p] == '-') {
		int hh, mm;

		if (len - p != 6 || !all_digits(s + p + 1, 2) || s[p + 3] != ':' ||
		    !all_digits(s + p + 4, 2))
			return false;
		hh = number(s + p + 1, 2);
		mm = number(s + p + 4, 2);
		return mm <= 59 && (hh < 14 || (hh == 14 && mm == 0));
	}
	return p == len;
}

static void check_dates(struct chk *c, const struct tandem_sepa_run *run)
{
	bool created_ok = false, exec_ok = false;

	if (sepa_absent(run->created_at))
		missing(c, "GrpHdr/CreDtTm", "creation date-time");
	else if (!(created_ok = valid_datetime(run->created_at)))
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-DATE", "GrpHdr/CreDtTm",
		       "creation date-time",
		       "\"%.40s\" is not a date-time YYYY-MM-DDThh:mm:ss with an optional "
		       "fraction of 1 to 6 digits and an optional Z or +hh:mm",
		       run->created_at);
	if (sepa_absent(run->execution_date))
		missing(c, "PmtInf/ReqdExctnDt/Dt", "requested execution date");
	else if (!(exec_ok = strlen(run->execution_date) == 10 && valid_ymd(run->execution_date)))
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-DATE", "PmtInf/ReqdExctnDt/Dt",
		       "requested execution date", "\"%.40s\" is not a date YYYY-MM-DD",
		       run->execution_date);
	/* Both are YYYY-MM-DD at the start: the byte order is the date order. */
	if (created_ok && exec_ok && memcmp(run->execution_date, run->created_at, 10) < 0)
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-DATE", "PmtInf/ReqdExctnDt/Dt",
		       "requested execution date", "%s is before the creation date %.10s",
		       run->execution_date, run->created_at);
}

static void check_tx(struct chk *c, const struct tandem_sepa_tx *tx, int64_t *sum)
{
	check_id(c, tx->end_to_end_id, "PmtId/EndToEndId", "end-to-end id");
	if (tx->amount_cents < TANDEM_SEPA_AMOUNT_MIN_CENTS ||
	    tx->amount_cents > TANDEM_SEPA_AMOUNT_MAX_CENTS)
		report(c, TANDEM_EBADINPUT, "TANDEM-SEPA-AMOUNT", "Amt/InstdAmt", "amount",
		       "%" PRId64 " cents, not between 1 (0.01 EUR) and %" PRId64
		       " (999,999,999.99 EUR)",
		       tx->amount_cents, TANDEM_SEPA_AMOUNT_MAX_CENTS);
	else if (*sum > INT64_MAX - tx->amount_cents)
		report(c, TANDEM_ELIMIT, "TANDEM-SEPA-SUM", "Amt/InstdAmt", "amount",
		       "the control sum would overflow");
	else
		*sum += tx->amount_cents;
	check_party(c, &tx->creditor, false);
	check_text(c, tx->remittance, false, TANDEM_SEPA_REMITTANCE_MAX, "RmtInf/Ustrd",
		   "remittance information");
}

int sepa_check_run(const struct tandem_sepa_run *run, struct tandem_diag *d,
		   int64_t *ctrl_sum_cents)
{
	struct chk c = {d, 0, false, false};
	int64_t sum = 0;

	check_id(&c, run->msg_id, "GrpHdr/MsgId", "message id");
	check_dates(&c, run);
	check_id(&c, run->payment_info_id, "PmtInf/PmtInfId", "payment information id");
	check_party(&c, &run->debtor, true);
	if (run->n_txs == 0) {
		report(&c, TANDEM_EBADINPUT, "TANDEM-SEPA-COUNT", "PmtInf/CdtTrfTxInf",
		       "transactions", "none: a payment file needs at least one");
	} else if (run->n_txs > TANDEM_SEPA_TX_MAX) {
		/* Not checked one by one: the work stays bounded too. */
		report(&c, TANDEM_ELIMIT, "TANDEM-SEPA-COUNT", "PmtInf/CdtTrfTxInf",
		       "transactions", "%zu, at most %u in one file", run->n_txs,
		       TANDEM_SEPA_TX_MAX);
	} else {
		for (size_t i = 0; i < run->n_txs; i++) {
			c.tx = i + 1;
			check_tx(&c, &run->txs[i], &sum);
		}
	}
	*ctrl_sum_cents = sum;
	return c.bad ? TANDEM_EBADINPUT : c.limit ? TANDEM_ELIMIT : 0;
}
