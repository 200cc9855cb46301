/*
 * fuzz/fuzz_sepa.c - fuzz target of the SEPA payment files (tandem/sepa.h).
 *
 * The input is up to four NUL-separated strings: a creditor name, a town, a
 * remittance text and an end-to-end id, put into an otherwise valid run of
 * two transactions. The target asserts that:
 *   - tandem_sepa_translit() returns one of its three statuses, writes only
 *     characters of the basic set, always NUL-terminates, tells the whole
 *     length, measures the same length without an output, points at a byte
 *     of the input when it refuses, and that its output is a fixed point
 *     (transliterating it again changes nothing);
 *   - tandem_sepa_write() either writes a file (status 0, no finding, pure
 *     ASCII, well-formed XML, the text of the buffer before it untouched) or
 *     refuses it (EBADINPUT, at least one TANDEM-SEPA- finding, the buffer
 *     exactly as it was).
 * Inputs over 4096 bytes are ignored: every field is refused long before.
 */
#include <stdbool.h>
#include <string.h>

#include <libxml/parser.h>

#include "fuzz.h"
#include "tandem/assert.h"
#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/sepa.h"

#define FUZZ_SEPA_INPUT_MAX 4096
#define FUZZ_SEPA_TEXT_OUT 160 /* > the longest field, so ELIMIT stays rare */
#define FUZZ_SEPA_PREFIX "<!-- before -->"

static bool in_basic_set(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("/-?:().,'+ ", c) != NULL);
}

static void check_translit(const char *s, size_t len)
{
	char out[FUZZ_SEPA_TEXT_OUT], again[FUZZ_SEPA_TEXT_OUT];
	size_t n = 0, n2 = 0, at = (size_t)-1;
	int rc = tandem_sepa_translit(s, len, out, sizeof out, &n, &at);

	TANDEM_ASSERT(rc == 0 || rc == TANDEM_EBADINPUT || rc == TANDEM_ELIMIT);
	TANDEM_ASSERT(memchr(out, '\0', sizeof out) != NULL);
	for (size_t i = 0; out[i] != '\0'; i++)
		TANDEM_ASSERT(in_basic_set(out[i]));
	if (rc == TANDEM_EBADINPUT) {
		TANDEM_ASSERT(at < len);
		TANDEM_ASSERT(strlen(out) == (n < sizeof out ? n : sizeof out - 1));
		return;
	}
	TANDEM_ASSERT(at == (size_t)-1);
	if (rc == TANDEM_ELIMIT) {
		TANDEM_ASSERT(n >= sizeof out && strlen(out) == sizeof out - 1);
	} else {
		TANDEM_ASSERT(n < sizeof out && strlen(out) == n);
		/* A fixed point: the basic set is kept as it is. */
		TANDEM_ASSERT(tandem_sepa_translit(out, n, again, sizeof again, &n2, NULL) == 0);
		TANDEM_ASSERT(n2 == n && memcmp(again, out, n) == 0);
	}
	/* Measuring (no room at all) gives the same length. */
	TANDEM_ASSERT(tandem_sepa_translit(s, len, NULL, 0, &n2, NULL) == TANDEM_ELIMIT);
	TANDEM_ASSERT(n2 == n);
}

static void check_write(const char *fields[4])
{
	struct tandem_sepa_tx txs[2] = {
		{"E2E-1", 12345,
		 {"Mueller GmbH", "DE89370400440532013000", "COBADEFFXXX",
		  {"Hauptstrasse", "1", "70173", "Stuttgart", "DE"}},
		 "Rechnung 1"},
		{"E2E-2", 1, {"x", "FR1420041010050500013M02606", NULL, {NULL, NULL, NULL, "x", "FR"}},
		 NULL},
	};
	struct tandem_sepa_run run = {
		"MSG-1", "2024-03-01T09:30:00", "2024-03-04", "PMT-1",
		{"Ville", "FR7630006000011234567890189", NULL, {NULL, NULL, NULL, "Paris", "FR"}},
		txs, 2};
	struct tandem_buf b;
	struct tandem_diag d;
	size_t prefix = strlen(FUZZ_SEPA_PREFIX);
	int rc;

	txs[1].creditor.name = fields[0];
	txs[1].creditor.address.town = fields[1];
	txs[1].remittance = fields[2];
	txs[1].end_to_end_id = fields[3];
	tandem_buf_init(&b, 1u << 20);
	tandem_diag_init(&d, 50);
	TANDEM_ASSERT(tandem_buf_puts(&b, FUZZ_SEPA_PREFIX) == 0);
	rc = tandem_sepa_write(&run, &d, &b);
	TANDEM_ASSERT(rc == 0 || rc == TANDEM_EBADINPUT);
	TANDEM_ASSERT(memcmp(b.data, FUZZ_SEPA_PREFIX, prefix) == 0);
	if (rc == 0) {
		xmlDocPtr doc;

		TANDEM_ASSERT(d.count == 0 && b.len > prefix);
		for (size_t i = prefix; i < b.len; i++)
			TANDEM_ASSERT((unsigned char)b.data[i] < 0x80);
		doc = xmlReadMemory(b.data + prefix, (int)(b.len - prefix), "fuzz.xml", NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		TANDEM_ASSERT(doc != NULL);
		xmlFreeDoc(doc);
	} else {
		TANDEM_ASSERT(d.count > 0 && b.len == prefix);
		for (size_t i = 0; i < d.count; i++)
			TANDEM_ASSERT(strncmp(d.items[i].rule, "TANDEM-SEPA-", 12) == 0);
	}
	tandem_diag_release(&d);
	tandem_buf_release(&b);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	char text[FUZZ_SEPA_INPUT_MAX + 1];
	const char *fields[4] = {"x", "x", NULL, "E2E-2"};
	size_t nfields = 0, start = 0;

	if (size > FUZZ_SEPA_INPUT_MAX)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_translit(text, size);
	/* NUL-separated fields; a missing one keeps its valid default. */
	for (size_t i = 0; i <= size && nfields < 4; i++) {
		if (text[i] == '\0') {
			fields[nfields++] = text + start;
			start = i + 1;
		}
	}
	check_write(fields);
	return 0;
}
