/*
 * src/sepa/sepa_int.h - internals of the SEPA payment files, private to
 * src/sepa/. The public API is include/tandem/sepa.h.
 */
#ifndef TANDEM_SEPA_INT_H
#define TANDEM_SEPA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/diag.h"
#include "tandem/sepa.h"

/* The debtor agent's identification when the debtor gives no BIC. */
#define SEPA_NOTPROVIDED "NOTPROVIDED"

/* Longest transliterated text field (Ustrd), plus its NUL. */
#define SEPA_TEXT_BUF (TANDEM_SEPA_REMITTANCE_MAX + 1)

/* True if c is in the EPC basic Latin set. */
bool sepa_is_basic(int c);

/*
 * Checks every field of the run and adds a finding per problem. Returns 0,
 * TANDEM_EBADINPUT or TANDEM_ELIMIT (docs: tandem_sepa_write). On success
 * *ctrl_sum_cents holds the sum of the amounts.
 */
int sepa_check_run(const struct tandem_sepa_run *run, struct tandem_diag *d,
		   int64_t *ctrl_sum_cents);

/* A text field that is absent: NULL or "". */
static inline bool sepa_absent(const char *s) { return s == NULL || s[0] == '\0'; }

#endif /* TANDEM_SEPA_INT_H */
