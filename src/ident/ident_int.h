/*
 * src/ident/ident_int.h - internals of the identifier checks, private to
 * src/ident/. The public API is include/tandem/ident.h.
 */
#ifndef TANDEM_IDENT_INT_H
#define TANDEM_IDENT_INT_H

#include <stddef.h>

#include "tandem/ident.h"

/*
 * A value after normalisation: separators removed, letters upper-cased.
 * orig[i] is the byte offset in the caller's input of character s[i], so
 * errors point at what the person typed.
 */
struct id_norm {
	char s[TANDEM_ID_NORM_MAX];
	long orig[TANDEM_ID_NORM_MAX];
	size_t len;
};

/* Sets r to "invalid" with a reason, an offset (or -1) and a detail sentence.
 * Returns TANDEM_EBADINPUT so checks can end with `return id_fail(...)`. */
int id_fail(struct tandem_id_result *r, enum tandem_id_reason reason,
	    long pos, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Sets r to "valid" with a detail sentence. Returns 0. */
int id_ok(struct tandem_id_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Fails with BAD_CHAR at the first character of n[from..to) outside the
 * class: 'n' digits, 'a' upper-case letters, 'c' digits or letters. */
int id_expect_class(const struct id_norm *n, size_t from, size_t to, char cls,
		    const char *what, struct tandem_id_result *r);

/* True if every character of s[0..len) is '0'. */
int id_all_zero(const char *s, size_t len);

/* Checksums (checksum.c). Inputs are already known to hold only the
 * characters the algorithm accepts. */
int id_luhn_valid(const char *digits, size_t len);
char id_luhn_check_digit(const char *payload, size_t len);
int id_digit_sum(const char *digits, size_t len);
unsigned id_mod97(const char *s, size_t len); /* ISO 7064 MOD 97-10, A=10 */
unsigned id_mod97_check(const char *payload, size_t len); /* 2..98 */
char id_mod11_10_check_digit(const char *digits, size_t len);

/* One checker per scheme (fr.c, de.c, iban.c, bic.c). */
int id_check_siren(const struct id_norm *n, struct tandem_id_result *r);
int id_check_siret(const struct id_norm *n, struct tandem_id_result *r);
int id_check_vat_fr(const struct id_norm *n, struct tandem_id_result *r);
int id_check_vat_de(const struct id_norm *n, struct tandem_id_result *r);
int id_check_leitweg(const struct id_norm *n, struct tandem_id_result *r);
int id_check_iban(const struct id_norm *n, struct tandem_id_result *r);
int id_check_bic(const struct id_norm *n, struct tandem_id_result *r);

/* Completion with check digits: writes the full identifier into out
 * (TANDEM_ID_NORM_MAX bytes). Same return convention as the checks. */
int id_compute_siren(const struct id_norm *n, char *out, struct tandem_id_result *r);
int id_compute_siret(const struct id_norm *n, char *out, struct tandem_id_result *r);
int id_compute_vat_fr(const struct id_norm *n, char *out, struct tandem_id_result *r);
int id_compute_vat_de(const struct id_norm *n, char *out, struct tandem_id_result *r);
int id_compute_leitweg(const struct id_norm *n, char *out, struct tandem_id_result *r);
int id_compute_iban(const struct id_norm *n, char *out, struct tandem_id_result *r);

/* Length of the IBAN of a SEPA-table country, 0 if the country is not in it. */
size_t id_iban_length(const char cc[2]);

#endif /* TANDEM_IDENT_INT_H */
