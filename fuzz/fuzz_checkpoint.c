/*
 * fuzz/fuzz_checkpoint.c - fuzz target of the checkpoint reader of the
 * transparency log (tandem_tlog_checkpoint_open, tandem/tlog_log.h).
 *
 * The input is the checkpoint text, checked against a fixed public key. The
 * reader returns 0 or TANDEM_EBADINPUT, always with a NUL-terminated reason,
 * and the same text gives the same answer twice. The fuzzer cannot make an
 * Ed25519 signature: the only body it can get accepted is the one the key
 * signed for the corpus (signed_body), so any other accepted body is a
 * forgery let through.
 */
#include <string.h>

#include "fuzz.h"
#include "tandem/assert.h"
#include "tandem/error.h"
#include "tandem/tlog_log.h"

#define FUZZ_CHECKPOINT_INPUT_MAX 8192

static const char key[] = "fuzz.example/log+36241c4c+AavUf6SyFAb9o4GTeV1krMs3tRpL631GcRSR6SX3JThp";

static const char signed_body[] = "fuzz.example/log\n1\ntBHtEG1i7niUiwBJHmOzRESPNhCUA7B1fZfaZA7ZbvM=\n\n";

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct tandem_tlog_checkpoint cp, again;
	char why[TANDEM_TLOG_WHY_MAX], why2[TANDEM_TLOG_WHY_MAX];
	int rc, rc2;

	if (size > FUZZ_CHECKPOINT_INPUT_MAX)
		return 0;
	memset(why, 'x', sizeof why);
	rc = tandem_tlog_checkpoint_open((const char *)data, size, key, &cp, why, sizeof why);
	TANDEM_ASSERT(rc == 0 || rc == TANDEM_EBADINPUT);
	TANDEM_ASSERT(rc != 0 || (size >= sizeof signed_body - 1 &&
				  memcmp(data, signed_body, sizeof signed_body - 1) == 0));
	TANDEM_ASSERT(memchr(why, '\0', sizeof why) != NULL);
	rc2 = tandem_tlog_checkpoint_open((const char *)data, size, key, &again, why2,
					  sizeof why2);
	TANDEM_ASSERT(rc2 == rc && strcmp(why, why2) == 0);
	return 0;
}
