/*
 * fuzz/fuzz_record.c - fuzz target of the transparency log's record
 * readers (tandem/tlog_record.h): the canonical byte decoder and the JSON
 * reader of `tandem log append`.
 *
 * The first byte chooses: even, the rest is decoded as bytes; odd, it is
 * read as JSON. A decoded record must encode back to exactly the same
 * bytes (one encoding per record); a record read from JSON must encode,
 * decode and print as JSON again, and that JSON must read back to the same
 * bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tandem/assert.h"
#include "tandem/error.h"
#include "tandem/tlog_record.h"

#define FUZZ_RECORD_INPUT_MAX 8192

static void round_trip_bytes(const uint8_t *in, size_t len, uint8_t *out)
{
	struct tandem_tlog_record r;
	char why[128];
	size_t n = 0;
	int rc = tandem_tlog_record_decode(in, len, &r, why, sizeof why);

	TANDEM_ASSERT(rc == 0 || rc == TANDEM_EBADINPUT);
	if (rc != 0)
		return;
	TANDEM_ASSERT(tandem_tlog_record_encode(&r, out, TANDEM_TLOG_RECORD_MAX, &n, why,
						sizeof why) == 0);
	TANDEM_ASSERT(n == len && memcmp(in, out, len) == 0);
}

static void round_trip_json(const char *in, size_t len, uint8_t *a, uint8_t *b, char *buf,
			    char *json)
{
	struct tandem_tlog_record r, back;
	char why[128];
	size_t alen = 0, blen = 0;
	int rc = tandem_tlog_record_from_json(in, len, 0, &r, buf, TANDEM_TLOG_RECORD_MAX, why,
					      sizeof why);

	TANDEM_ASSERT(rc == 0 || rc == TANDEM_EBADINPUT);
	if (rc != 0)
		return;
	rc = tandem_tlog_record_encode(&r, a, TANDEM_TLOG_RECORD_MAX, &alen, why, sizeof why);
	TANDEM_ASSERT(rc == 0 || rc == TANDEM_EBADINPUT);
	if (rc != 0)
		return;
	TANDEM_ASSERT(tandem_tlog_record_decode(a, alen, &back, why, sizeof why) == 0);
	TANDEM_ASSERT(tandem_tlog_record_to_json(&back, json, TANDEM_TLOG_JSON_MAX) == 0);
	TANDEM_ASSERT(tandem_tlog_record_from_json(json, strlen(json), 1, &r, buf,
						   TANDEM_TLOG_RECORD_MAX, why, sizeof why) == 0);
	TANDEM_ASSERT(tandem_tlog_record_encode(&r, b, TANDEM_TLOG_RECORD_MAX, &blen, why,
						sizeof why) == 0);
	TANDEM_ASSERT(alen == blen && memcmp(a, b, alen) == 0);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	uint8_t *a, *b;
	char *buf, *json;

	if (size == 0 || size > FUZZ_RECORD_INPUT_MAX)
		return 0;
	a = malloc(TANDEM_TLOG_RECORD_MAX);
	b = malloc(TANDEM_TLOG_RECORD_MAX);
	buf = malloc(TANDEM_TLOG_RECORD_MAX);
	json = malloc(TANDEM_TLOG_JSON_MAX);
	TANDEM_ASSERT(a != NULL && b != NULL && buf != NULL && json != NULL);
	if ((data[0] & 1) == 0)
		round_trip_bytes(data + 1, size - 1, a);
	else
		round_trip_json((const char *)data + 1, size - 1, a, b, buf, json);
	free(a);
	free(b);
	free(buf);
	free(json);
	return 0;
}
