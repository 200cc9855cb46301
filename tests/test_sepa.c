/*
 * tests/test_sepa.c - unit tests of the SEPA credit-transfer writer
 * (tandem/sepa.h).
 *
 * A run of four transactions is written, compared with its golden file
 * tests/data/sepa/four_transactions.xml and validated in-process against both
 * schemas of ../shared/data/sepa (the ISO 20022 pain.001.001.09 schema and
 * the EPC's stricter SCT customer-to-PSP schema); the validator is first shown
 * to reject broken files, so that a pass means something. Amounts and control
 * sums are checked as text against sums computed independently (closed-form
 * series, and the file's own amounts read back); every kind of bad input is
 * refused with its finding and leaves the output buffer byte for byte as it
 * was; the transliteration rule is pinned case by case.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "tandem/alloc.h"
#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/sepa.h"
#include "sepa_schema.h"
#include "test.h"

#define GOLDEN "tests/data/sepa/four_transactions.xml"
/* Text already in the output buffer: the file is appended after it, and a
 * refused run must leave it exactly so. */
#define PREFIX "<!-- already here -->\n"
#define N_GOOD 4

/* ---- a good run ---------------------------------------------------------- */

/*
 * Four transactions with what real payment runs hold: accented and German
 * names, '&', a typographic apostrophe and dash, the euro sign, IBANs with
 * spaces and in lower case, a creditor without BIC, a debtor without BIC,
 * addresses with and without street, a transaction without remittance.
 */
static void good_run(struct tandem_sepa_run *run, struct tandem_sepa_tx txs[N_GOOD])
{
	txs[0] = (struct tandem_sepa_tx){
		"E2E-2024-0001", 1,
		{"Müller & Söhne GmbH", "DE89 3704 0044 0532 0130 00", "COBADEFFXXX",
		 {"Königstraße", "12a", "70173", "Stuttgart", "DE"}},
		"Rechnung 17/2024 – Straßenbau, 12 €"};
	txs[1] = (struct tandem_sepa_tx){
		"E2E-2024-0002", INT64_C(99999999999),
		{"ŒUVRES SOCIALES DE L’ÉTAT", "FR1420041010050500013M02606", NULL,
		 {NULL, NULL, NULL, "Paris", "fr"}},
		NULL};
	txs[2] = (struct tandem_sepa_tx){
		"NOTPROVIDED", 12345,
		{"O'Brien (Ltd.)", "ie29 aibk 9311 5212 3456 78", "aibkie2d",
		 {"Main Street", NULL, "D02 X285", "Dublin", "IE"}},
		"ref: A/B+C? (1,2.3) - ok"};
	txs[3] = (struct tandem_sepa_tx){
		"E2E-2024-0004", 100,
		{"Gemeinde Übersee", "AT611904300234573201", "BKAUATWW",
		 {"Feldwieser Straße", "27", "83236", "Übersee", "AT"}},
		"Förderbescheid Nr. 4"};
	*run = (struct tandem_sepa_run){
		"MSG-2024-03-01-001", "2024-03-01T09:30:00.123+01:00", "2024-03-04",
		"PMT-2024-03-01-001",
		{"Ville de Saint-Étienne – Trésorerie", "FR76 3000 6000 0112 3456 7890 189", NULL,
		 {"Place de l’Hôtel de Ville", "1", "42000", "Saint-Étienne", "FR"}},
		txs, N_GOOD};
}

/* The control sum of good_run, by hand: 0.01 + 999,999,999.99 + 123.45 + 1.00. */
#define GOOD_CTRL_SUM "1000000124.45"

/* Writes run after PREFIX into a fresh buffer of the given max. Returns the
 * status; the caller releases b and d. */
static int write_run(const struct tandem_sepa_run *run, struct tandem_buf *b, size_t max,
		     struct tandem_diag *d)
{
	tandem_buf_init(b, max);
	tandem_diag_init(d, 1000);
	if (tandem_buf_puts(b, PREFIX) != 0)
		FAIL("cannot prepare the buffer");
	return tandem_sepa_write(run, d, b);
}

/* The file written after PREFIX; fails the test if the write failed. */
static const char *written(const struct tandem_sepa_run *run, struct tandem_buf *b,
			   struct tandem_diag *d)
{
	int rc = write_run(run, b, TANDEM_SEPA_OUT_MAX + sizeof PREFIX, d);

	if (rc != 0)
		FAIL("write failed: %s; %s", tandem_err_name(rc), test_findings_text(d));
	if (d->count != 0)
		FAIL("a good run has findings: %s", test_findings_text(d));
	ASSERT_MEM_EQ(b->data, PREFIX, strlen(PREFIX));
	return b->data + strlen(PREFIX);
}

/*
 * The first needle in [p, end), or NULL. Not strstr: under AddressSanitizer
 * strstr measures the whole haystack at every call, which makes counting in
 * a 50 MB file quadratic.
 */
static const char *find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	while ((size_t)(end - p) >= n) {
		const char *q = memchr(p, needle[0], (size_t)(end - p) - n + 1);

		if (q == NULL)
			return NULL;
		if (memcmp(q, needle, n) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

/* Occurrences of needle in hay. */
static size_t count_of(const char *hay, const char *needle)
{
	const char *end = hay + strlen(hay);
	size_t n = 0;

	for (const char *p = find(hay, end, needle); p != NULL; p = find(p + 1, end, needle))
		n++;
	return n;
}

/* ---- schema validation ---------------------------------------------------- */

/* A copy of xml with the first occurrence of from replaced by to (free it). */
static char *replaced(const char *xml, const char *from, const char *to)
{
	const char *at = strstr(xml, from);
	size_t n = strlen(xml) - strlen(from) + strlen(to);
	char *s = malloc(n + 1);

	if (at == NULL || s == NULL)
		FAIL("\"%s\" is not in the file", from);
	memcpy(s, xml, (size_t)(at - xml));
	strcpy(s + (at - xml), to);
	strcat(s, at + strlen(from));
	return s;
}

TEST(sepa_schema_check_rejects_broken_files)
{
	/* Each change breaks a rule of one schema or both: if schema_check
	 * let them through, the validity tests below would prove nothing. */
	static const struct {
		const char *from, *to;
		bool iso_rejects; /* the ISO schema is looser than the EPC's */
	} breaks[] = {
		{"<InstdAmt Ccy=\"EUR\">0.01</InstdAmt>", "<InstdAmt Ccy=\"EUR\">0.001</InstdAmt>",
		 false},
		{"<InstdAmt Ccy=\"EUR\">0.01</InstdAmt>", "<InstdAmt Ccy=\"EUR\">0.00</InstdAmt>",
		 false},
		{"<ChrgBr>SLEV</ChrgBr>", "<ChrgBr>SHAR</ChrgBr>", false},
		{"<Cd>SEPA</Cd>", "<Cd>XXXX</Cd>", false},
		{"<Nm>Gemeinde Uebersee</Nm>",
		 "<Nm>Gemeinde Uebersee Gemeinde Uebersee Gemeinde Uebersee Gemeinde Uebersee</Nm>",
		 false},
		{"<Dt>2024-03-04</Dt>", "<Dt>2024-02-30</Dt>", true},
		{"<PmtMtd>TRF</PmtMtd>\n      <NbOfTxs>4</NbOfTxs>",
		 "<NbOfTxs>4</NbOfTxs>\n      <PmtMtd>TRF</PmtMtd>", true},
		{"<MsgId>MSG-2024-03-01-001</MsgId>",
		 "<MsgId>MSG-2024-03-01-001-MSG-2024-03-01-001</MsgId>", true},
	};
	struct tandem_sepa_run run;
	struct tandem_sepa_tx txs[N_GOOD];
	struct tandem_buf b;
	struct tandem_diag d;
	xmlSchemaPtr iso, epc;
	const char *xml;

	good_run(&run, txs);
	xml = written(&run, &b, &d);
	iso = load_schema(XSD_ISO);
	epc = load_schema(XSD_EPC);
	ASSERT(schema_check(iso, xml, strlen(xml)) == NULL);
	ASSERT(schema_check(epc, xml, strlen(xml)) == NULL);
	for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++) {
		char *bad = replaced(xml, breaks[i].from, breaks[i].to);

		if (schema_check(epc, bad, strlen(bad)) == NULL)
			FAIL("the EPC schema accepts %s", breaks[i].to);
		if (breaks[i].iso_rejects && schema_check(iso, bad, strlen(bad)) == NULL)
			FAIL("the ISO schema accepts %s", breaks[i].to);
		free(bad);
	}
	xmlSchemaFree(iso);
	xmlSchemaFree(epc);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

/* ---- what is written ------------------------------------------------------ */

TEST(sepa_write_matches_golden_file)
{
	struct tandem_sepa_run run;
	struct tandem_sepa_tx txs[N_GOOD];
	struct tandem_buf b;
	struct tandem_diag d;
	size_t len;
	char *golden = test_read_file(GOLDEN, &len);
	const char *xml;

	if (golden == NULL)
		FAIL("cannot read %s", GOLDEN);
	good_run(&run, txs);
	xml = written(&run, &b, &d);
	if (strcmp(xml, golden) != 0) {
		size_t i = 0;

		while (xml[i] == golden[i])
			i++;
		FAIL("differs from %s at byte %zu: \"%.60s\" vs \"%.60s\"", GOLDEN, i, xml + i,
		     golden + i);
	}
	free(golden);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

TEST(sepa_write_valid_against_both_schemas)
{
	struct tandem_sepa_run run;
	struct tandem_sepa_tx txs[N_GOOD];
	struct tandem_buf b;
	struct tandem_diag d;

	good_run(&run, txs);
	expect_schema_valid("the four-transaction run", written(&run, &b, &d));
	tandem_buf_release(&b);
	tandem_diag_release(&d);

	/* The debtor with a BIC, every creditor with one, no remittance at all,
	 * no street anywhere: the other branches of each optional element. */
	run.debtor.bic = "BNPA FR PP XXX";
	for (size_t i = 0; i < N_GOOD; i++) {
		txs[i].creditor.bic = "DEUTDEFF500";
		txs[i].remittance = NULL;
		txs[i].creditor.address.street = NULL;
		txs[i].creditor.address.building = NULL;
	}
	run.debtor.address = (struct tandem_sepa_address){NULL, NULL, NULL, "Lyon", "FR"};
	expect_schema_valid("the run with every BIC and no street", written(&run, &b, &d));
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

TEST(sepa_write_fields)
{
	struct tandem_sepa_run run;
	struct tandem_sepa_tx txs[N_GOOD];
	struct tandem_buf b;
	struct tandem_diag d;
	const char *xml;

	good_run(&run, txs);
	xml = written(&run, &b, &d);
	/* Counts and sums, in the group header and the payment block alike. */
	ASSERT_EQ(count_of(xml, "<NbOfTxs>4</NbOfTxs>"), 2);
	ASSERT_EQ(count_of(xml, "<CtrlSum>" GOOD_CTRL_SUM "</CtrlSum>"), 2);
	ASSERT_EQ(count_of(xml, "<CdtTrfTxInf>"), 4);
	/* The debtor is the initiating party; without a BIC its agent is
	 * NOTPROVIDED; a creditor without BIC has no CdtrAgt at all. */
	ASSERT_EQ(count_of(xml, "<Nm>Ville de Saint-Etienne - Tresorerie</Nm>"), 2);
	ASSERT_EQ(count_of(xml, "<Id>NOTPROVIDED</Id>"), 1);
	ASSERT_EQ(count_of(xml, "<CdtrAgt>"), 3);
	ASSERT_EQ(count_of(xml, "<RmtInf>"), 3);
	/* Compact, upper-case IBAN and BIC; country upper-cased. */
	ASSERT_STR_CONTAINS(xml, "<IBAN>IE29AIBK93115212345678</IBAN>");
	ASSERT_STR_CONTAINS(xml, "<IBAN>FR7630006000011234567890189</IBAN>");
	ASSERT_STR_CONTAINS(xml, "<BICFI>AIBKIE2D</BICFI>");
	ASSERT_STR_CONTAINS(xml, "<Ctry>FR</Ctry>");
	ASSERT(strstr(xml, "<Ctry>fr</Ctry>") == NULL);
	/* Transliterated text. */
	ASSERT_STR_CONTAINS(xml, "<Nm>Mueller + Soehne GmbH</Nm>");
	ASSERT_STR_CONTAINS(xml, "<StrtNm>Koenigstrasse</StrtNm>");
	ASSERT_STR_CONTAINS(xml, "<Ustrd>Rechnung 17/2024 - Strassenbau, 12 EUR</Ustrd>");
	ASSERT_STR_CONTAINS(xml, "<Nm>OEUVRES SOCIALES DE L'ETAT</Nm>");
	ASSERT_STR_CONTAINS(xml, "<TwnNm>Uebersee</TwnNm>");
	/* Identifiers as given, dates as given. */
	ASSERT_STR_CONTAINS(xml, "<EndToEndId>NOTPROVIDED</EndToEndId>");
	ASSERT_STR_CONTAINS(xml, "<CreDtTm>2024-03-01T09:30:00.123+01:00</CreDtTm>");
	ASSERT_STR_CONTAINS(xml, "<Dt>2024-03-04</Dt>");
	/* Nothing but ASCII in the whole file. */
	for (const char *p = xml; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			FAIL("a byte 0x%02X at offset %td", (unsigned char)*p, p - xml);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

/* ---- amounts and sums ----------------------------------------------------- */

/* The amount of a one-transaction run, as written, must be text. */
static void expect_amount(int64_t cents, const char *text)
{
	struct tandem_sepa_run run;
	struct tandem_sepa_tx txs[N_GOOD];
	struct tandem_buf b;
	struct tandem_diag d;
	char instd[64], ctrl[64];
	const char *xml;

	good_run(&run, txs);
	run.n_txs = 1;
	txs[0].amount_cents = cents;
	xml = written(&run, &b, &d);
	snprintf(instd, sizeof instd, "<InstdAmt Ccy=\"EUR\">%s</InstdAmt>", text);
	snprintf(ctrl, sizeof ctrl, "<CtrlSum>%s</CtrlSum>", text);
	ASSERT_STR_CONTAINS(xml, instd);
	ASSERT_EQ(count_of(xml, ctrl), 2);
	ASSERT_EQ(count_of(xml, "<NbOfTxs>1</NbOfTxs>"), 2);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

TEST(sepa_amounts_two_decimals)
{
	expect_amount(1, "0.01");
	expect_amount(9, "0.09");
	expect_amount(10, "0.10");
	expect_amount(99, "0.99");
	expect_amount(100, "1.00");
	expect_amount(101, "1.01");
	expect_amount(1000, "10.00");
	expect_amount(123456789, "1234567.89");
	expect_amount(INT64_C(10000000000), "100000000.00");
	expect_amount(INT64_C(99999999999), "999999999.99");
}

/* Euro cents of a written amount "123.45" (exactly two decimals). */
static int64_t cents_of(const char *s, const char **end)
{
	int64_t v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	if (s[0] != '.' || !(s[1] >= '0' && s[1] <= '9') || !(s[2] >= '0' && s[2] <= '9'))
		FAIL("\"%.20s\" is not an amount with two decimals", s);
	*end = s + 3;
	return v * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

/*
 * n transactions of amounts a0 - step * i: the control sum written must be
 * the closed form n * a0 - step * n(n-1)/2, and the amounts read back from
 * the file must add up to it too.
 */
static void expect_series(size_t n, int64_t a0, int64_t step, bool validate)
{
	struct tandem_sepa_run run;
	struct tandem_sepa_tx good[N_GOOD];
	struct tandem_sepa_tx *txs = calloc(n, sizeof *txs);
	struct tandem_buf b;
	struct tandem_diag d;
	int64_t want = (int64_t)n * a0 - step * ((int64_t)n * ((int64_t)n - 1) / 2);
	int64_t read_back = 0;
	char text[64];
	const char *xml, *p, *end;
	size_t seen = 0;

	ASSERT(txs != NULL);
	good_run(&run, good);
	for (size_t i = 0; i < n; i++) {
		txs[i] = good[i % N_GOOD];
		txs[i].amount_cents = a0 - step * (int64_t)i;
	}
	run.txs = txs;
	run.n_txs = n;
	xml = written(&run, &b, &d);

	snprintf(text, sizeof text, "<CtrlSum>%" PRId64 ".%02d</CtrlSum>", want / 100,
		 (int)(want % 100));
	ASSERT_EQ(count_of(xml, text), 2);
	snprintf(text, sizeof text, "<NbOfTxs>%zu</NbOfTxs>", n);
	ASSERT_EQ(count_of(xml, text), 2);
	end = xml + strlen(xml);
	for (p = find(xml, end, "<InstdAmt Ccy=\"EUR\">"); p != NULL;
	     p = find(p, end, "<InstdAmt Ccy=\"EUR\">")) {
		int64_t v = cents_of(p + strlen("<InstdAmt Ccy=\"EUR\">"), &p);

		ASSERT_EQ(v, a0 - step * (int64_t)seen);
		read_back += v;
		seen++;
	}
	ASSERT_EQ(seen, n);
	ASSERT_EQ(read_back, want);
	if (validate)
		expect_schema_valid("a long run", xml);
	free(txs);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

TEST(sepa_control_sum_exact)
{
	/* 0.01 a thousand times: 10.00, no drift. */
	expect_series(1000, 1, 0, false);
	/* The largest amount many times, then a descending series whose
	 * every amount has odd cents: sums of 13 and 16 digits. */
	expect_series(20000, INT64_C(99999999999), 0, false);
	expect_series(10007, INT64_C(99999999999), 7919, true);
}

TEST(sepa_full_file_of_largest_amounts)
{
	/* TANDEM_SEPA_TX_MAX transactions of 999,999,999.99 EUR: the largest
	 * control sum there can be, 9,999,999,999,900,000 cents (16 digits;
	 * the EPC allows 18). */
	struct tandem_sepa_run run;
	struct tandem_sepa_tx good[N_GOOD];
	struct tandem_sepa_tx *txs = calloc(TANDEM_SEPA_TX_MAX, sizeof *txs);
	struct tandem_buf b;
	struct tandem_diag d;
	const char *xml;

	ASSERT(txs != NULL);
	good_run(&run, good);
	for (size_t i = 0; i < TANDEM_SEPA_TX_MAX; i++) {
		txs[i] = good[1]; /* the shortest transaction of the good run */
		txs[i].amount_cents = TANDEM_SEPA_AMOUNT_MAX_CENTS;
	}
	run.txs = txs;
	run.n_txs = TANDEM_SEPA_TX_MAX;
	xml = written(&run, &b, &d);
	ASSERT_EQ(count_of(xml, "<CtrlSum>99999999999000.00</CtrlSum>"), 2);
	ASSERT_EQ(count_of(xml, "<NbOfTxs>100000</NbOfTxs>"), 2);
	ASSERT_EQ(count_of(xml, "<CdtTrfTxInf>"), TANDEM_SEPA_TX_MAX);
	free(txs);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

/* ---- refusals ------------------------------------------------------------- */

/*
 * The run must be refused with status rc and a finding of rule at exactly
 * path whose message contains msg; the buffer must hold PREFIX only, with
 * its max untouched.
 */
static void expect_refused(const char *what, const struct tandem_sepa_run *run, int rc,
			   const char *rule, const char *path, const char *msg)
{
	struct tandem_buf b;
	struct tandem_diag d;
	int got = write_run(run, &b, 1u << 24, &d);
	bool found = false;

	if (got != rc)
		FAIL("%s: status %s, want %s; %s", what, tandem_err_name(got),
		     tandem_err_name(rc), test_findings_text(&d));
	for (size_t i = 0; i < d.count; i++) {
		const struct tandem_finding *f = &d.items[i];

		ASSERT_EQ(f->severity, TANDEM_SEV_ERROR);
		ASSERT(strncmp(f->rule, "TANDEM-SEPA-", 12) == 0);
		if (strcmp(f->rule, rule) == 0 && strcmp(f->path, path) == 0 &&
		    strstr(f->message, msg) != NULL)
			found = true;
	}
	if (!found)
		FAIL("%s: no finding %s at %s saying \"%s\": %s", what, rule, path, msg,
		     test_findings_text(&d));
	if (b.len != strlen(PREFIX) || strcmp(b.data, PREFIX) != 0)
		FAIL("%s: the buffer was written to (%zu bytes)", what, b.len);
	ASSERT_EQ(b.max, 1u << 24);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

/* Runs the statements on a fresh good run R with transactions T, then
 * expects the refusal. */
#define REFUSED(rc, rule, path, msg, ...)                                      \
	do {                                                                   \
		struct tandem_sepa_run R;                                      \
		struct tandem_sepa_tx T[N_GOOD];                               \
		good_run(&R, T);                                               \
		__VA_ARGS__;                                                   \
		expect_refused(#__VA_ARGS__, &R, (rc), (rule), (path), (msg)); \
	} while (0)

#define RUN_ "/Document/CstmrCdtTrfInitn/"
#define TX2_ RUN_ "PmtInf/CdtTrfTxInf[2]/"
#define TX4_ RUN_ "PmtInf/CdtTrfTxInf[4]/"
#define BAD TANDEM_EBADINPUT

TEST(sepa_refuses_bad_iban_and_bic)
{
	/* One digit off: the checksum fails. */
	REFUSED(BAD, "TANDEM-SEPA-IBAN", TX2_ "CdtrAcct/Id/IBAN", "transaction 2, creditor IBAN",
		T[1].creditor.iban = "FR1420041010050500013M02607");
	REFUSED(BAD, "TANDEM-SEPA-IBAN", RUN_ "PmtInf/DbtrAcct/Id/IBAN", "debtor IBAN",
		R.debtor.iban = "FR76 3000 6000 0112 3456 7890 188");
	REFUSED(BAD, "TANDEM-SEPA-MISSING", TX4_ "CdtrAcct/Id/IBAN", "creditor IBAN: missing",
		T[3].creditor.iban = NULL);
	REFUSED(BAD, "TANDEM-SEPA-MISSING", TX4_ "CdtrAcct/Id/IBAN", "creditor IBAN: missing",
		T[3].creditor.iban = "");
	/* Spaces only: the identifier check says it is empty. */
	REFUSED(BAD, "TANDEM-SEPA-IBAN", TX4_ "CdtrAcct/Id/IBAN", "creditor IBAN",
		T[3].creditor.iban = "   ");
	/* A valid IBAN of Brazil: not a SEPA account. */
	REFUSED(BAD, "TANDEM-SEPA-IBAN", TX2_ "CdtrAcct/Id/IBAN", "outside the SEPA scheme",
		T[1].creditor.iban = "BR1800360305000010009795493C1");
	REFUSED(BAD, "TANDEM-SEPA-BIC", TX2_ "CdtrAgt/FinInstnId/BICFI", "creditor BIC",
		T[1].creditor.bic = "DEUTDEF");
	REFUSED(BAD, "TANDEM-SEPA-BIC", RUN_ "PmtInf/DbtrAgt/FinInstnId/BICFI", "debtor BIC",
		R.debtor.bic = "BNPAQQPP");
}

TEST(sepa_refuses_bad_amounts)
{
	REFUSED(BAD, "TANDEM-SEPA-AMOUNT", TX2_ "Amt/InstdAmt", "transaction 2, amount: 0 cents",
		T[1].amount_cents = 0);
	REFUSED(BAD, "TANDEM-SEPA-AMOUNT", TX2_ "Amt/InstdAmt", "-1 cents",
		T[1].amount_cents = -1);
	REFUSED(BAD, "TANDEM-SEPA-AMOUNT", TX2_ "Amt/InstdAmt", "-9223372036854775808 cents",
		T[1].amount_cents = INT64_MIN);
	REFUSED(BAD, "TANDEM-SEPA-AMOUNT", TX4_ "Amt/InstdAmt", "100000000000 cents",
		T[3].amount_cents = TANDEM_SEPA_AMOUNT_MAX_CENTS + 1);
	REFUSED(BAD, "TANDEM-SEPA-AMOUNT", TX4_ "Amt/InstdAmt", "9223372036854775807 cents",
		T[3].amount_cents = INT64_MAX);
}

/* A string of n copies of c, in one of 32 static arrays used in turn (n < 200). */
static const char *repeat(char c, size_t n)
{
	static char s[32][200];
	static unsigned next;
	char *p = s[next++ % 32];

	ASSERT(n < sizeof s[0]);
	memset(p, c, n);
	p[n] = '\0';
	return p;
}

TEST(sepa_refuses_too_long_fields)
{
	/* One character too many, everywhere; the limit itself passes (the
	 * good run is then written). */
	REFUSED(BAD, "TANDEM-SEPA-LENGTH", TX2_ "Cdtr/Nm", "transaction 2, creditor name: 71",
		T[1].creditor.name = repeat('N', 71));
	REFUSED(BAD, "TANDEM-SEPA-LENGTH", RUN_ "PmtInf/Dbtr/Nm", "debtor name: 71",
		R.debtor.name = repeat('N', 71));
	/* 69 letters and an ä: 71 once transliterated. */
	REFUSED(BAD, "TANDEM-SEPA-LENGTH", TX2_ "Cdtr/Nm", "71 characters once transliterated",
		char name[80]; snprintf(name, sizeof name, "%sä", repeat('x', 69));
		T[1].creditor.name = name);
	REFUSED(BAD, "TANDEM-SEPA-LENGTH", TX2_ "Cdtr/PstlAdr/StrtNm", "creditor street: 71",
		T[1].creditor.address.street = repeat('S', 71));
	REFUSED(BAD, "TANDEM-SEPA-LENGTH", TX2_ "Cdtr/PstlAdr/BldgNb", "building number: 17",
		T[1].creditor.address.building = repeat('1', 17));
	REFUSED(BAD, "TANDEM-SEPA-LENGTH", TX2_ "Cdtr/PstlAdr/PstCd", "postcode: 17",
		T[1].creditor.address.postcode = repeat('7', 17));
	REFUSED(BAD, "TANDEM-SEPA-LENGTH", TX2_ "Cdtr/PstlAdr/TwnNm", "town: 36",
		T[1].creditor.address.town = repeat('T', 36));
	REFUSED(BAD, "TANDEM-SEPA-LENGTH", TX2_ "RmtInf/Ustrd", "remittance information: 141",
		T[1].remittance = repeat('R', 141));
	REFUSED(BAD, "TANDEM-SEPA-LENGTH", TX2_ "PmtId/EndToEndId", "end-to-end id: 36",
		T[1].end_to_end_id = repeat('E', 36));
	REFUSED(BAD, "TANDEM-SEPA-LENGTH", RUN_ "GrpHdr/MsgId", "message id: 36",
		R.msg_id = repeat('M', 36));
	REFUSED(BAD, "TANDEM-SEPA-LENGTH", RUN_ "PmtInf/PmtInfId", "payment information id: 36",
		R.payment_info_id = repeat('P', 36));
}

TEST(sepa_accepts_fields_at_their_limits)
{
	struct tandem_sepa_run run;
	struct tandem_sepa_tx txs[N_GOOD];
	struct tandem_buf b;
	struct tandem_diag d;
	char name[80];

	good_run(&run, txs);
	snprintf(name, sizeof name, "%sä", repeat('x', 68)); /* 70 once transliterated */
	txs[1].creditor.name = name;
	run.debtor.name = repeat('N', 70);
	txs[1].creditor.address = (struct tandem_sepa_address){
		repeat('S', 70), repeat('1', 16), repeat('7', 16), repeat('T', 35), "DE"};
	txs[1].remittance = repeat('R', 140);
	txs[1].end_to_end_id = repeat('E', 35);
	run.msg_id = repeat('M', 35);
	run.payment_info_id = repeat('P', 35);
	expect_schema_valid("fields at their limits", written(&run, &b, &d));
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

TEST(sepa_refuses_untransliterable_text)
{
	REFUSED(BAD, "TANDEM-SEPA-CHARSET", TX2_ "Cdtr/Nm",
		"transaction 2, creditor name: 'Ω' (U+03A9) at byte offset 4",
		T[1].creditor.name = "Ohm Ω GmbH");
	REFUSED(BAD, "TANDEM-SEPA-CHARSET", TX2_ "RmtInf/Ustrd", "'#' (U+0023) at byte offset 8",
		T[1].remittance = "Invoice #17");
	REFUSED(BAD, "TANDEM-SEPA-CHARSET", TX2_ "RmtInf/Ustrd", "control character U+000A",
		T[1].remittance = "two\nlines");
	REFUSED(BAD, "TANDEM-SEPA-CHARSET", TX2_ "Cdtr/PstlAdr/TwnNm", "'東' (U+6771)",
		T[1].creditor.address.town = "東京");
	REFUSED(BAD, "TANDEM-SEPA-CHARSET", RUN_ "PmtInf/Dbtr/PstlAdr/StrtNm",
		"byte 0xC3 at offset 3 is not valid UTF-8",
		R.debtor.address.street = "Rue\xC3");
	REFUSED(BAD, "TANDEM-SEPA-CHARSET", RUN_ "PmtInf/Dbtr/Nm",
		"byte 0xC0 at offset 0 is not valid UTF-8",
		R.debtor.name = "\xC0\xAF overlong");
	REFUSED(BAD, "TANDEM-SEPA-MISSING", TX2_ "Cdtr/Nm", "nothing but spaces",
		T[1].creditor.name = "   ");
	/* Only a soft hyphen: nothing left once transliterated. */
	REFUSED(BAD, "TANDEM-SEPA-MISSING", TX2_ "Cdtr/Nm", "nothing but spaces",
		T[1].creditor.name = "\xC2\xAD");
}

TEST(sepa_refuses_bad_identifiers)
{
	REFUSED(BAD, "TANDEM-SEPA-ID-SLASH", TX2_ "PmtId/EndToEndId",
		"transaction 2, end-to-end id: \"INV//17\"",
		T[1].end_to_end_id = "INV//17");
	REFUSED(BAD, "TANDEM-SEPA-ID-SLASH", TX2_ "PmtId/EndToEndId", "\"/INV17\"",
		T[1].end_to_end_id = "/INV17");
	REFUSED(BAD, "TANDEM-SEPA-ID-SLASH", TX2_ "PmtId/EndToEndId", "\"INV17/\"",
		T[1].end_to_end_id = "INV17/");
	REFUSED(BAD, "TANDEM-SEPA-ID-SLASH", RUN_ "GrpHdr/MsgId", "message id",
		R.msg_id = "RUN//1");
	REFUSED(BAD, "TANDEM-SEPA-ID-SLASH", RUN_ "PmtInf/PmtInfId", "payment information id",
		R.payment_info_id = "/P1");
	/* Identifiers are never transliterated. */
	REFUSED(BAD, "TANDEM-SEPA-CHARSET", TX2_ "PmtId/EndToEndId",
		"'é' (U+00E9) at byte offset 3 is outside the SEPA character set (identifiers",
		T[1].end_to_end_id = "INVé17");
	REFUSED(BAD, "TANDEM-SEPA-CHARSET", TX2_ "PmtId/EndToEndId", "'_' (U+005F)",
		T[1].end_to_end_id = "INV_17");
	REFUSED(BAD, "TANDEM-SEPA-MISSING", TX2_ "PmtId/EndToEndId", "missing",
		T[1].end_to_end_id = NULL);
	REFUSED(BAD, "TANDEM-SEPA-MISSING", RUN_ "GrpHdr/MsgId", "nothing but spaces",
		R.msg_id = "  ");
}

TEST(sepa_refuses_bad_counts)
{
	REFUSED(BAD, "TANDEM-SEPA-COUNT", RUN_ "PmtInf/CdtTrfTxInf", "none",
		R.n_txs = 0);
	REFUSED(BAD, "TANDEM-SEPA-COUNT", RUN_ "PmtInf/CdtTrfTxInf", "none",
		R.n_txs = 0; R.txs = NULL);
	/* Beyond the limit the transactions are not even read: T holds four. */
	REFUSED(TANDEM_ELIMIT, "TANDEM-SEPA-COUNT", RUN_ "PmtInf/CdtTrfTxInf",
		"100001, at most 100000", R.n_txs = TANDEM_SEPA_TX_MAX + 1);
	REFUSED(TANDEM_ELIMIT, "TANDEM-SEPA-COUNT", RUN_ "PmtInf/CdtTrfTxInf", "at most 100000",
		R.n_txs = SIZE_MAX);
	/* A bad field and too many: the bad field decides the status. */
	REFUSED(BAD, "TANDEM-SEPA-COUNT", RUN_ "PmtInf/CdtTrfTxInf", "at most 100000",
		R.n_txs = TANDEM_SEPA_TX_MAX + 1; R.msg_id = "//");
}

TEST(sepa_refuses_bad_dates)
{
	REFUSED(BAD, "TANDEM-SEPA-DATE", RUN_ "PmtInf/ReqdExctnDt/Dt",
		"requested execution date: \"2024-02-30\"", R.execution_date = "2024-02-30");
	REFUSED(BAD, "TANDEM-SEPA-DATE", RUN_ "PmtInf/ReqdExctnDt/Dt", "\"2023-02-29\"",
		R.created_at = "2023-01-01T00:00:00"; R.execution_date = "2023-02-29");
	REFUSED(BAD, "TANDEM-SEPA-DATE", RUN_ "PmtInf/ReqdExctnDt/Dt", "\"2024-3-4\"",
		R.execution_date = "2024-3-4");
	REFUSED(BAD, "TANDEM-SEPA-DATE", RUN_ "PmtInf/ReqdExctnDt/Dt",
		"2024-02-29 is before the creation date 2024-03-01",
		R.execution_date = "2024-02-29");
	REFUSED(BAD, "TANDEM-SEPA-MISSING", RUN_ "PmtInf/ReqdExctnDt/Dt", "missing",
		R.execution_date = NULL);
	REFUSED(BAD, "TANDEM-SEPA-DATE", RUN_ "GrpHdr/CreDtTm", "creation date-time",
		R.created_at = "2024-03-01 09:30:00");
	REFUSED(BAD, "TANDEM-SEPA-DATE", RUN_ "GrpHdr/CreDtTm", "\"2024-03-01T24:00:00\"",
		R.created_at = "2024-03-01T24:00:00");
	REFUSED(BAD, "TANDEM-SEPA-DATE", RUN_ "GrpHdr/CreDtTm", "\"2024-03-01T09:30:00+15:00\"",
		R.created_at = "2024-03-01T09:30:00+15:00");
	REFUSED(BAD, "TANDEM-SEPA-DATE", RUN_ "GrpHdr/CreDtTm", "\"2024-03-01T09:30:00.\"",
		R.created_at = "2024-03-01T09:30:00.");
	REFUSED(BAD, "TANDEM-SEPA-DATE", RUN_ "GrpHdr/CreDtTm", "\"2024-03-01T09:30:00Z \"",
		R.created_at = "2024-03-01T09:30:00Z ");
	REFUSED(BAD, "TANDEM-SEPA-DATE", RUN_ "GrpHdr/CreDtTm", "\"2024-03-01\"",
		R.created_at = "2024-03-01");
}

TEST(sepa_accepts_date_forms)
{
	static const char *const created[] = {
		"2024-03-01T09:30:00", "2024-03-01T09:30:00Z", "2024-03-01T23:59:59.999999",
		"2024-03-01T00:00:00-14:00", "2024-03-01T09:30:00.5+14:00",
	};
	struct tandem_sepa_run run;
	struct tandem_sepa_tx txs[N_GOOD];
	struct tandem_buf b;
	struct tandem_diag d;

	good_run(&run, txs);
	run.execution_date = "2024-03-01"; /* the same day is fine */
	for (size_t i = 0; i < sizeof created / sizeof created[0]; i++) {
		run.created_at = created[i];
		(void)written(&run, &b, &d);
		tandem_buf_release(&b);
		tandem_diag_release(&d);
	}
	run.created_at = "2024-02-28T12:00:00";
	run.execution_date = "2024-02-29"; /* a leap day */
	expect_schema_valid("a run on a leap day", written(&run, &b, &d));
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

TEST(sepa_refuses_bad_addresses)
{
	REFUSED(BAD, "TANDEM-SEPA-MISSING", TX2_ "Cdtr/PstlAdr/TwnNm",
		"transaction 2, creditor town: missing",
		T[1].creditor.address.town = NULL);
	REFUSED(BAD, "TANDEM-SEPA-MISSING", RUN_ "PmtInf/Dbtr/PstlAdr/Ctry",
		"debtor country: missing", R.debtor.address.country = "");
	REFUSED(BAD, "TANDEM-SEPA-COUNTRY", TX2_ "Cdtr/PstlAdr/Ctry", "\"XX\" is not",
		T[1].creditor.address.country = "XX");
	REFUSED(BAD, "TANDEM-SEPA-COUNTRY", TX2_ "Cdtr/PstlAdr/Ctry", "\"FRA\" is not",
		T[1].creditor.address.country = "FRA");
	REFUSED(BAD, "TANDEM-SEPA-COUNTRY", TX2_ "Cdtr/PstlAdr/Ctry", "\"F1\" is not",
		T[1].creditor.address.country = "F1");
	REFUSED(BAD, "TANDEM-SEPA-MISSING", TX4_ "Cdtr/Nm", "transaction 4, creditor name: missing",
		T[3].creditor.name = NULL);
}

TEST(sepa_reports_every_problem)
{
	struct tandem_sepa_run run;
	struct tandem_sepa_tx txs[N_GOOD];
	struct tandem_buf b;
	struct tandem_diag d;
	static const char *const want[][2] = {
		{"TANDEM-SEPA-COUNTRY", RUN_ "PmtInf/Dbtr/PstlAdr/Ctry"},
		{"TANDEM-SEPA-IBAN", RUN_ "PmtInf/CdtTrfTxInf[1]/CdtrAcct/Id/IBAN"},
		{"TANDEM-SEPA-AMOUNT", TX2_ "Amt/InstdAmt"},
		{"TANDEM-SEPA-LENGTH", RUN_ "PmtInf/CdtTrfTxInf[3]/Cdtr/Nm"},
		{"TANDEM-SEPA-CHARSET", RUN_ "PmtInf/CdtTrfTxInf[3]/RmtInf/Ustrd"},
	};

	good_run(&run, txs);
	run.debtor.address.country = "ZZ";
	txs[0].creditor.iban = "DE00370400440532013000";
	txs[1].amount_cents = 0;
	txs[2].creditor.name = repeat('n', 71);
	txs[2].remittance = "50%";
	ASSERT_EQ(write_run(&run, &b, 1u << 20, &d), TANDEM_EBADINPUT);
	if (d.count != sizeof want / sizeof want[0])
		FAIL("%zu findings: %s", d.count, test_findings_text(&d));
	for (size_t i = 0; i < d.count; i++) {
		ASSERT_STR_EQ(d.items[i].rule, want[i][0]);
		ASSERT_STR_EQ(d.items[i].path, want[i][1]);
		ASSERT_EQ(d.items[i].code, TANDEM_EBADINPUT);
	}
	ASSERT_STR_EQ(b.data, PREFIX);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

/* ---- limits of the output and of memory ---------------------------------- */

TEST(sepa_output_size_limit)
{
	struct tandem_sepa_run run;
	struct tandem_sepa_tx txs[N_GOOD];
	struct tandem_buf b;
	struct tandem_diag d;
	size_t size;

	good_run(&run, txs);
	size = strlen(written(&run, &b, &d));
	tandem_buf_release(&b);
	tandem_diag_release(&d);

	/* Exactly the room needed: written. */
	ASSERT_EQ(write_run(&run, &b, strlen(PREFIX) + size, &d), 0);
	ASSERT_EQ(b.len, strlen(PREFIX) + size);
	tandem_buf_release(&b);
	tandem_diag_release(&d);

	/* One byte less: refused, nothing written. */
	ASSERT_EQ(write_run(&run, &b, strlen(PREFIX) + size - 1, &d), TANDEM_ELIMIT);
	ASSERT_EQ(d.count, 1);
	ASSERT_STR_EQ(d.items[0].rule, "TANDEM-SEPA-SIZE");
	ASSERT_EQ(d.items[0].code, TANDEM_ELIMIT);
	ASSERT_STR_CONTAINS(d.items[0].message, "the room left in the output buffer");
	ASSERT_STR_EQ(b.data, PREFIX);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

TEST(sepa_largest_file_within_out_max)
{
	/* Every field at its maximum: each transaction then has the same size,
	 * so two writes give the exact size of the largest file the limits
	 * allow, which TANDEM_SEPA_OUT_MAX must hold. */
	struct tandem_sepa_run run;
	struct tandem_sepa_tx txs[N_GOOD];
	struct tandem_buf b;
	struct tandem_diag d;
	size_t one, two, largest;
	const struct tandem_sepa_party big = {
		repeat('N', 70), "MT84MALT011000012345MTLCAST001S", "COBADEFFXXX",
		{repeat('S', 70), repeat('B', 16), repeat('P', 16), repeat('T', 35), "DE"}};

	good_run(&run, txs);
	run.debtor = big;
	run.msg_id = repeat('M', 35);
	run.payment_info_id = repeat('P', 35);
	run.created_at = "2024-03-01T09:30:00.123456+01:00";
	for (size_t i = 0; i < 2; i++)
		txs[i] = (struct tandem_sepa_tx){repeat('E', 35), TANDEM_SEPA_AMOUNT_MAX_CENTS, big,
						 repeat('R', 140)};
	run.n_txs = 1;
	one = strlen(written(&run, &b, &d));
	tandem_buf_release(&b);
	tandem_diag_release(&d);
	run.n_txs = 2;
	two = strlen(written(&run, &b, &d));
	tandem_buf_release(&b);
	tandem_diag_release(&d);
	largest = one + (TANDEM_SEPA_TX_MAX - 1) * (two - one);
	printf("    largest file: %zu bytes (%zu per transaction)\n", largest, two - one);
	ASSERT_LE(largest, TANDEM_SEPA_OUT_MAX);
}

TEST(sepa_write_allocates_once)
{
	struct tandem_sepa_run run;
	struct tandem_sepa_tx txs[N_GOOD];
	struct tandem_buf b;
	struct tandem_diag d;
	unsigned long before;

	good_run(&run, txs);
	tandem_buf_init(&b, 1u << 20);
	tandem_diag_init(&d, 100);
	before = tandem_alloc_calls();
	ASSERT_EQ(tandem_sepa_write(&run, &d, &b), 0);
	ASSERT_EQ(tandem_alloc_calls() - before, 1);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

TEST(sepa_write_out_of_memory_leaves_buffer)
{
	struct tandem_sepa_run run;
	struct tandem_sepa_tx txs[N_GOOD];
	struct tandem_buf b;
	struct tandem_diag d;

	good_run(&run, txs);
	tandem_buf_init(&b, 1u << 20);
	tandem_diag_init(&d, 100);
	ASSERT_EQ(tandem_buf_puts(&b, PREFIX), 0);
	tandem_alloc_fail_at(1);
	ASSERT_EQ(tandem_sepa_write(&run, &d, &b), TANDEM_ENOMEM);
	tandem_alloc_fail_at(0);
	ASSERT_STR_EQ(b.data, PREFIX);
	ASSERT_EQ(b.len, strlen(PREFIX));
	/* And the next try works. */
	ASSERT_EQ(tandem_sepa_write(&run, &d, &b), 0);
	ASSERT_EQ(count_of(b.data, "<CdtTrfTxInf>"), N_GOOD);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

TEST(sepa_write_einval)
{
	struct tandem_sepa_run run;
	struct tandem_sepa_tx txs[N_GOOD];
	struct tandem_buf b;
	struct tandem_diag d;

	good_run(&run, txs);
	tandem_buf_init(&b, 1u << 20);
	tandem_diag_init(&d, 100);
	ASSERT_EQ(tandem_sepa_write(NULL, &d, &b), TANDEM_EINVAL);
	ASSERT_EQ(tandem_sepa_write(&run, NULL, &b), TANDEM_EINVAL);
	ASSERT_EQ(tandem_sepa_write(&run, &d, NULL), TANDEM_EINVAL);
	run.txs = NULL;
	ASSERT_EQ(tandem_sepa_write(&run, &d, &b), TANDEM_EINVAL);
	ASSERT_EQ(b.len, 0);
	ASSERT_EQ(d.count, 0);
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

/* ---- transliteration ------------------------------------------------------ */

/* s must transliterate to want. */
static void expect_translit(const char *s, const char *want)
{
	char out[256];
	size_t n = 0, at = 12345;
	int rc = tandem_sepa_translit(s, strlen(s), out, sizeof out, &n, &at);

	if (rc != 0)
		FAIL("\"%s\": status %s at byte %zu", s, tandem_err_name(rc), at);
	if (strcmp(out, want) != 0 || n != strlen(want))
		FAIL("\"%s\" -> \"%s\" (%zu), want \"%s\"", s, out, n, want);
	ASSERT_EQ(at, 12345); /* untouched on success */
}

TEST(sepa_translit_rule)
{
	/* The basic set is kept as it is. */
	expect_translit("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789",
			"abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789");
	expect_translit("/-?:().,'+ ", "/-?:().,'+ ");
	expect_translit("", "");
	/* German: umlauts and sharp s, the banks' customary rule. */
	expect_translit("Müller", "Mueller");
	expect_translit("Köln Düsseldorf Bärbel", "Koeln Duesseldorf Baerbel");
	expect_translit("Straße", "Strasse");
	expect_translit("ẞ", "Ss");
	/* Capital umlauts: all capitals in capitals, else capital + small. */
	expect_translit("MÜLLER", "MUELLER");
	expect_translit("Ärger", "Aerger");
	expect_translit("ÄRGER", "AERGER");
	expect_translit("Ü", "Ue");
	expect_translit("GRÜN AG", "GRUEN AG");
	expect_translit("GRÜ", "GRUE");
	expect_translit("ÖL", "OEL");
	expect_translit("Öl", "Oel");
	/* French: accents dropped, œ and æ as two letters, the typographic
	 * apostrophe and no-break spaces of French typesetting. */
	expect_translit("Hôtel de Ville, Évry, ça, où, Noël, naïve",
			"Hotel de Ville, Evry, ca, ou, Noel, naive");
	expect_translit("Œuvre cœur ŒUVRE", "Oeuvre coeur OEUVRE");
	expect_translit("Ætna æ", "Aetna ae");
	expect_translit("l’État", "l'Etat");
	expect_translit("12\xC2\xA0" "500\xE2\x80\xAF" "EUR", "12 500 EUR");
	/* Other Latin letters of Latin-1 and Latin Extended-A. */
	expect_translit("Łódź Dvořák Şişli Ångström Øresund", "Lodz Dvorak Sisli Angstroem Oresund");
	expect_translit("Ĳssel", "IJssel");
	expect_translit("Þór", "Thor");
	expect_translit("ñ ç ÿ ß", "n c y ss");
	/* Punctuation: dashes, the ellipsis, &, € and the inverted question mark. */
	expect_translit("a–b—c‑d", "a-b-c-d");
	expect_translit("wait…", "wait...");
	expect_translit("Müller & Söhne", "Mueller + Soehne");
	expect_translit("12 €", "12 EUR");
	expect_translit("¿Qué?", "?Que?");
	/* Decomposed text (NFD): the combining diaeresis makes the umlaut,
	 * other combining accents are dropped. */
	expect_translit("Mu\xCC\x88ller", "Mueller");
	expect_translit("MU\xCC\x88LLER", "MUELLER");
	expect_translit("e\xCC\x81te\xCC\x81", "ete");
	/* Invisible characters: soft hyphen, zero-width space, BOM. */
	expect_translit("Haus\xC2\xAD" "tür", "Haustuer");
	expect_translit("a\xE2\x80\x8B" "b\xEF\xBB\xBF" "c", "abc");
}

/* s must be refused at byte offset want_at. */
static void expect_untransliterable(const char *s, size_t want_at)
{
	char out[64];
	size_t n = 0, at = 12345;
	int rc = tandem_sepa_translit(s, strlen(s), out, sizeof out, &n, &at);

	if (rc != TANDEM_EBADINPUT)
		FAIL("\"%s\": status %s, want EBADINPUT", s, tandem_err_name(rc));
	if (at != want_at)
		FAIL("\"%s\": refused at byte %zu, want %zu", s, at, want_at);
	ASSERT(memchr(out, '\0', sizeof out) != NULL);
}

TEST(sepa_translit_refusals)
{
	/* ASCII outside the set, & aside. */
	static const char ascii[] = "!\"#$%*;<=>@[\\]^_`{|}~";

	for (size_t i = 0; ascii[i] != '\0'; i++) {
		char s[4] = {'a', ascii[i], 'b', '\0'};

		expect_untransliterable(s, 1);
	}
	expect_untransliterable("tab\there", 3);
	expect_untransliterable("nl\n", 2);
	expect_untransliterable("\x7F", 0);
	/* Symbols of Latin-1, other scripts. */
	expect_untransliterable("N° 17", 1);
	expect_untransliterable("2×3", 1);
	expect_untransliterable("§ 4", 0);
	expect_untransliterable("«x»", 0);
	expect_untransliterable("é Ω", 3);
	expect_untransliterable("Москва", 0);
	expect_untransliterable("ok 😀", 3);
	/* Invalid UTF-8: a lone continuation byte, a cut sequence, an overlong
	 * '/', a surrogate, beyond U+10FFFF, a C1 control. */
	expect_untransliterable("a\x80", 1);
	expect_untransliterable("ab\xC3", 2);
	expect_untransliterable("\xC0\xAF", 0);
	expect_untransliterable("x\xED\xA0\x80", 1);
	expect_untransliterable("\xF4\x90\x80\x80", 0);
	expect_untransliterable("\xC2\x85", 0);
}

TEST(sepa_translit_output_limit)
{
	char out[6];
	size_t n = 0;

	/* Fits exactly: 5 bytes and the NUL. */
	ASSERT_EQ(tandem_sepa_translit("Müll", 5, out, sizeof out, &n, NULL), 0);
	ASSERT_STR_EQ(out, "Muell");
	ASSERT_EQ(n, 5);
	/* One more: ELIMIT, the beginning kept, the whole length told. */
	ASSERT_EQ(tandem_sepa_translit("Müller", 7, out, sizeof out, &n, NULL), TANDEM_ELIMIT);
	ASSERT_STR_EQ(out, "Muell");
	ASSERT_EQ(n, 7);
	/* Only measuring. */
	ASSERT_EQ(tandem_sepa_translit("Straße €", 11, NULL, 0, &n, NULL), TANDEM_ELIMIT);
	ASSERT_EQ(n, 11);
	/* The length given is obeyed: "Mü" cut inside the ü is refused. */
	ASSERT_EQ(tandem_sepa_translit("Müller", 2, out, sizeof out, &n, NULL), TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_sepa_translit("Müller", 3, out, sizeof out, &n, NULL), 0);
	ASSERT_STR_EQ(out, "Mue");
}
