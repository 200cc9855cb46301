/*
 * fuzz/fuzz_probe.c - fuzz target of the JSON proof reader of the
 * transparency log (tandem_tlog_check_probe, tandem/tlog.h).
 *
 * The input is the JSON text. The target asserts that the reader returns 0
 * (a proof, held or not), TANDEM_EBADINPUT or TANDEM_EUNSUPPORTED; that it
 * never says a proof holds unless it returned 0; that its reason is a
 * NUL-terminated text; and that reading the same text twice gives the same
 * answer.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "tandem/assert.h"
#include "tandem/error.h"
#include "tandem/tlog.h"

#define FUZZ_PROBE_INPUT_MAX 8192

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	char why[128], again[128];
	bool accepted = true, accepted2 = true;
	int rc, rc2;

	if (size > FUZZ_PROBE_INPUT_MAX)
		return 0;
	memset(why, 'x', sizeof why);
	rc = tandem_tlog_check_probe((const char *)data, size, why, sizeof why, &accepted);
	TANDEM_ASSERT(rc == 0 || rc == TANDEM_EBADINPUT || rc == TANDEM_EUNSUPPORTED);
	TANDEM_ASSERT(rc == 0 || !accepted);
	TANDEM_ASSERT(memchr(why, '\0', sizeof why) != NULL);
	rc2 = tandem_tlog_check_probe((const char *)data, size, again, sizeof again, &accepted2);
	TANDEM_ASSERT(rc2 == rc && accepted2 == accepted && strcmp(why, again) == 0);
	return 0;
}
