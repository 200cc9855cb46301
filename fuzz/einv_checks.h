/*
 * fuzz/einv_checks.h - property checks shared by the e-invoice intake fuzz
 * targets (fuzz_xml.c, fuzz_pdf.c). Static inline: each fuzz binary is
 * built from one target file.
 */
#ifndef TANDEM_FUZZ_EINV_CHECKS_H
#define TANDEM_FUZZ_EINV_CHECKS_H

#include <stdbool.h>
#include <string.h>

#include "tandem/assert.h"
#include "tandem/diag.h"
#include "tandem/error.h"

#define FUZZ_EINV_FINDINGS_MAX 100

/* True if the array of n bytes holds a NUL, i.e. a string ends inside it. */
static inline bool has_nul(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

/*
 * Every stored finding has a severity, a status code from error.h (or 0), a
 * TANDEM-* rule id and a message. A document refused (EBADINPUT, ELIMIT)
 * has an error finding saying why; ENOMEM blames no document and may have
 * none.
 */
static inline void check_diag(const struct tandem_diag *d, int rc)
{
	TANDEM_ASSERT(d->count <= FUZZ_EINV_FINDINGS_MAX);
	for (size_t i = 0; i < d->count; i++) {
		const struct tandem_finding *f = &d->items[i];

		TANDEM_ASSERT((int)f->severity >= 0 &&
			      f->severity < TANDEM_SEV_COUNT_);
		TANDEM_ASSERT(f->code <= 0 && f->code >= TANDEM_EINTERNAL);
		TANDEM_ASSERT(f->rule != NULL && f->rule[0] != '\0');
		TANDEM_ASSERT(strncmp(f->rule, "TANDEM-", 7) == 0);
		TANDEM_ASSERT(f->rule[7] != '\0');
		TANDEM_ASSERT(f->message != NULL && f->message[0] != '\0');
		TANDEM_ASSERT(f->path != NULL);
		TANDEM_ASSERT(f->line >= 0);
	}
	if (rc == TANDEM_EBADINPUT || rc == TANDEM_ELIMIT)
		TANDEM_ASSERT(tandem_diag_count(d, TANDEM_SEV_ERROR) > 0);
}

#endif /* TANDEM_FUZZ_EINV_CHECKS_H */
