/*
 * src/ident/fr.c - French identifiers: SIREN, SIRET and the VAT number.
 *
 * SIREN: 9 digits, Luhn. SIRET: 14 digits, Luhn over all 14, the first 9 a
 * valid SIREN; La Poste's establishments (SIREN 356000000, other than the head
 * office 35600000000048) use instead "the digit sum is a multiple of 5".
 * VAT (numéro de TVA intracommunautaire): FR + 2-character key + SIREN. The
 * numeric key is (12 + 3 * (SIREN mod 97)) mod 97; older numbers carry an
 * alphanumeric key checked with the DGFiP's mod-11 rule below.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "ident_int.h"

#define LA_POSTE_SIREN "356000000"
#define LA_POSTE_HEAD_OFFICE "35600000000048"

static int digits_of_length(const struct id_norm *n, size_t want,
			    const char *name, struct tandem_id_result *r)
{
	int err = id_expect_class(n, 0, n->len, 'n', "digits only", r);

	if (err)
		return err;
	if (n->len != want)
		return id_fail(r, TANDEM_ID_R_BAD_LENGTH, -1,
			       "%zu digits: a %s has %zu", n->len, name, want);
	return 0;
}

/* Luhn check of a 9-digit SIREN held in s. */
static int siren_valid(const char *s)
{
	return id_luhn_valid(s, 9);
}

int id_check_siren(const struct id_norm *n, struct tandem_id_result *r)
{
	int err = digits_of_length(n, 9, "SIREN", r);

	if (err)
		return err;
	if (id_all_zero(n->s, 9))
		return id_fail(r, TANDEM_ID_R_PLACEHOLDER, -1,
			       "000000000 is a placeholder, not a SIREN");
	if (!siren_valid(n->s)) {
		r->expected[0] = id_luhn_check_digit(n->s, 8);
		return id_fail(r, TANDEM_ID_R_BAD_CHECKSUM, n->orig[8],
			       "Luhn check fails: the last digit should be %c, not %c",
			       r->expected[0], n->s[8]);
	}
	return id_ok(r, "valid SIREN");
}

/* Digit that makes the plain digit sum of payload||d a multiple of 5. */
static char la_poste_check_digit(const char *payload, size_t len)
{
	return (char)('0' + (5 - id_digit_sum(payload, len) % 5) % 5);
}

static int is_la_poste(const char *s)
{
	return memcmp(s, LA_POSTE_SIREN, 9) == 0 &&
	       memcmp(s, LA_POSTE_HEAD_OFFICE, 14) != 0;
}

int id_check_siret(const struct id_norm *n, struct tandem_id_result *r)
{
	int err = digits_of_length(n, 14, "SIRET", r);

	if (err)
		return err;
	if (id_all_zero(n->s, 14))
		return id_fail(r, TANDEM_ID_R_PLACEHOLDER, -1,
			       "00000000000000 is a placeholder, not a SIRET");
	if (is_la_poste(n->s)) {
		r->flags |= TANDEM_ID_F_LA_POSTE;
		if (id_digit_sum(n->s, 14) % 5 != 0) {
			r->expected[0] = la_poste_check_digit(n->s, 13);
			return id_fail(r, TANDEM_ID_R_BAD_CHECKSUM, n->orig[13],
				       "La Poste establishment: digit sum %d is not a multiple of 5",
				       id_digit_sum(n->s, 14));
		}
		return id_ok(r, "valid SIRET (La Poste establishment, digit-sum rule)");
	}
	if (!siren_valid(n->s))
		return id_fail(r, TANDEM_ID_R_BAD_SIREN, n->orig[0],
			       "its SIREN %.9s fails the Luhn check", n->s);
	if (!id_luhn_valid(n->s, 14)) {
		r->expected[0] = id_luhn_check_digit(n->s, 13);
		return id_fail(r, TANDEM_ID_R_BAD_CHECKSUM, n->orig[13],
			       "Luhn check fails: the last digit should be %c, not %c",
			       r->expected[0], n->s[13]);
	}
	return id_ok(r, "valid SIRET");
}

/* Characters of alphanumeric VAT keys: digits and letters without I and O. */
static const char vat_key_alphabet[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

static int key_index(char c)
{
	const char *p = c ? strchr(vat_key_alphabet, c) : NULL;
	return p ? (int)(p - vat_key_alphabet) : -1;
}

static unsigned long siren_value(const char *s)
{
	unsigned long v = 0;

	for (int i = 0; i < 9; i++)
		v = v * 10 + (unsigned long)(s[i] - '0');
	return v;
}

static unsigned numeric_key(const char *siren)
{
	return (unsigned)((12 + 3 * (siren_value(siren) % 97)) % 97);
}

/* The alphanumeric-key rule: the key encodes c; valid iff
 * (SIREN + 1 + c / 11) mod 11 == c mod 11. */
static int alpha_key_valid(const char *key, const char *siren)
{
	int i0 = key_index(key[0]), i1 = key_index(key[1]);
	long c = tandem__is_digit(key[0]) ? i0 * 24L + i1 - 10
					  : i0 * 34L + i1 - 100;

	if (c < 0)
		return 0;
	return (long)((siren_value(siren) + 1 + (unsigned long)(c / 11)) % 11) ==
	       c % 11;
}

int id_check_vat_fr(const struct id_norm *n, struct tandem_id_result *r)
{
	const char *key = n->s + 2, *siren = n->s + 4;
	unsigned want;

	if (n->len < 2 || memcmp(n->s, "FR", 2) != 0)
		return id_fail(r, TANDEM_ID_R_BAD_COUNTRY, n->orig[0],
			       "a French VAT number starts with FR");
	/* Characters first: a stray one is the more useful answer. */
	for (size_t i = 2; i < 4 && i < n->len; i++)
		if (key_index(n->s[i]) < 0)
			return id_fail(r, TANDEM_ID_R_BAD_CHAR, n->orig[i],
				       "character %ld ('%c') is not allowed in the key (digits, letters but I and O)",
				       n->orig[i] + 1, n->s[i]);
	if (id_expect_class(n, 4, n->len, 'n', "the SIREN part has digits only", r))
		return TANDEM_EBADINPUT;
	if (n->len != 13)
		return id_fail(r, TANDEM_ID_R_BAD_LENGTH, -1,
			       "%zu characters: FR + 2-character key + 9-digit SIREN makes 13",
			       n->len);
	if (id_all_zero(siren, 9))
		return id_fail(r, TANDEM_ID_R_PLACEHOLDER, -1,
			       "the SIREN part is all zeros");
	/* Monaco's numbers (SIREN part 000...) are VAT numbers but not SIRENs. */
	if (memcmp(siren, "000", 3) != 0 && !siren_valid(siren))
		return id_fail(r, TANDEM_ID_R_BAD_SIREN, n->orig[4],
			       "its SIREN %.9s fails the Luhn check", siren);
	want = numeric_key(siren);
	if (tandem__is_digit(key[0]) && tandem__is_digit(key[1])) {
		unsigned got = (unsigned)((key[0] - '0') * 10 + (key[1] - '0'));
		if (got != want) {
			snprintf(r->expected, sizeof r->expected, "%02u", want);
			return id_fail(r, TANDEM_ID_R_BAD_CHECKSUM, n->orig[2],
				       "the key should be %02u, not %.2s", want, key);
		}
		return id_ok(r, "valid French VAT number");
	}
	if (!alpha_key_valid(key, siren)) {
		snprintf(r->expected, sizeof r->expected, "%02u", want);
		return id_fail(r, TANDEM_ID_R_BAD_CHECKSUM, n->orig[2],
			       "the alphanumeric key %.2s does not match the SIREN (numeric key: %02u)",
			       key, want);
	}
	return id_ok(r, "valid French VAT number (alphanumeric key)");
}

int id_compute_siren(const struct id_norm *n, char *out,
		     struct tandem_id_result *r)
{
	int err = digits_of_length(n, 8, "SIREN without its check digit", r);

	if (err)
		return err;
	memcpy(out, n->s, 8);
	out[8] = id_luhn_check_digit(n->s, 8);
	out[9] = '\0';
	return 0;
}

int id_compute_siret(const struct id_norm *n, char *out,
		     struct tandem_id_result *r)
{
	int err = digits_of_length(n, 13, "SIRET without its check digit", r);

	if (err)
		return err;
	memcpy(out, n->s, 13);
	out[13] = id_luhn_check_digit(n->s, 13);
	out[14] = '\0';
	/* La Poste's establishments follow the digit-sum rule instead. */
	if (is_la_poste(out))
		out[13] = la_poste_check_digit(n->s, 13);
	return 0;
}

int id_compute_vat_fr(const struct id_norm *n, char *out,
		      struct tandem_id_result *r)
{
	size_t from = 0, len = n->len;
	const char *siren;
	int err;

	if (len == 11 && memcmp(n->s, "FR", 2) == 0)
		from = 2; /* FR + SIREN without a key */
	else if (len == 13 && memcmp(n->s, "FR", 2) == 0)
		from = 4; /* a full number whose key is to be recomputed */
	if (id_expect_class(n, from, len, 'n', "the SIREN has digits only", r))
		return TANDEM_EBADINPUT;
	if (len - from != 9)
		return id_fail(r, TANDEM_ID_R_BAD_LENGTH, -1,
			       "give a 9-digit SIREN (optionally after FR)");
	siren = n->s + from;
	err = snprintf(out, TANDEM_ID_NORM_MAX, "FR%02u%.9s", numeric_key(siren),
		       siren);
	TANDEM_ASSERT(err == 13);
	return 0;
}
