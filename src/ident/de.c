/*
 * src/ident/de.c - German identifiers: the VAT number (USt-IdNr.) and the
 * Leitweg-ID that routes an XRechnung to a public buyer.
 *
 * USt-IdNr.: DE + 9 digits, the first not 0, the last an ISO 7064 MOD 11,10
 * check digit over the first 8.
 * Leitweg-ID (KoSIT specification): coarse address of 2 to 12 digits, an
 * optional fine address of up to 30 digits or letters, and 2 check digits,
 * joined by hyphens, 5 to 46 characters in all. The check digits are ISO 7064
 * MOD 97-10 over the id without hyphens (letters count A=10 ... Z=35).
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "ident_int.h"

#define LEITWEG_LEN_MIN 5
#define LEITWEG_LEN_MAX 46
#define LEITWEG_COARSE_MIN 2
#define LEITWEG_COARSE_MAX 12
#define LEITWEG_FINE_MAX 30

int id_check_vat_de(const struct id_norm *n, struct tandem_id_result *r)
{
	char want;

	if (n->len < 2 || memcmp(n->s, "DE", 2) != 0)
		return id_fail(r, TANDEM_ID_R_BAD_COUNTRY, n->orig[0],
			       "a German VAT number starts with DE");
	if (id_expect_class(n, 2, n->len, 'n', "DE is followed by digits only", r))
		return TANDEM_EBADINPUT;
	if (n->len != 11)
		return id_fail(r, TANDEM_ID_R_BAD_LENGTH, -1,
			       "%zu digits after DE: a German VAT number has 9",
			       n->len - 2);
	if (n->s[2] == '0')
		return id_fail(r, TANDEM_ID_R_BAD_FORMAT, n->orig[2],
			       "the first digit after DE may not be 0");
	want = id_mod11_10_check_digit(n->s + 2, 8);
	if (n->s[10] != want) {
		r->expected[0] = want;
		return id_fail(r, TANDEM_ID_R_BAD_CHECKSUM, n->orig[10],
			       "MOD 11,10 check fails: the last digit should be %c, not %c",
			       want, n->s[10]);
	}
	return id_ok(r, "valid German VAT number");
}

int id_compute_vat_de(const struct id_norm *n, char *out,
		      struct tandem_id_result *r)
{
	size_t from = n->len >= 2 && memcmp(n->s, "DE", 2) == 0 ? 2 : 0;
	size_t len = n->len - from;
	const char *d = n->s + from;

	if (id_expect_class(n, from, n->len, 'n', "a German VAT number has digits only", r))
		return TANDEM_EBADINPUT;
	if (len == 9) /* a full number whose check digit is to be recomputed */
		len = 8;
	if (len != 8)
		return id_fail(r, TANDEM_ID_R_BAD_LENGTH, -1,
			       "give the 8 first digits (optionally after DE)");
	memcpy(out, "DE", 2);
	memcpy(out + 2, d, 8);
	out[10] = id_mod11_10_check_digit(d, 8);
	out[11] = '\0';
	return 0;
}

/*
 * Checks the layout coarse[-fine]-check (check_digits = 1) or coarse[-fine]
 * (check_digits = 0, for compute): the parts split at hyphens, the coarse
 * address of 2 to 12 digits, the fine address of at most 30 digits or
 * letters, the check part of exactly 2 digits.
 */
static int leitweg_layout(const struct id_norm *n, int check_digits,
			  struct tandem_id_result *r)
{
	size_t from[3], len[3], nparts = 0, start = 0;

	for (size_t i = 0; i <= n->len; i++) {
		if (i < n->len && n->s[i] != '-')
			continue;
		if (nparts == 2 + (size_t)check_digits)
			return id_fail(r, TANDEM_ID_R_BAD_FORMAT, n->orig[i - 1],
				       "too many hyphens: coarse-fine-check is the longest form");
		from[nparts] = start;
		len[nparts] = i - start;
		nparts++;
		start = i + 1;
	}
	TANDEM_ASSERT(nparts >= 1); /* the loop always closes one part */
	if (len[0] < LEITWEG_COARSE_MIN || len[0] > LEITWEG_COARSE_MAX)
		return id_fail(r, TANDEM_ID_R_BAD_FORMAT, n->orig[0],
			       "the coarse address (first part) has %zu characters, not 2 to 12 digits",
			       len[0]);
	if (id_expect_class(n, 0, len[0], 'n',
			    "the coarse address (first part) has digits only", r))
		return TANDEM_EBADINPUT;
	if (check_digits) {
		if (nparts < 2 || len[nparts - 1] != 2)
			return id_fail(r, TANDEM_ID_R_BAD_FORMAT, -1,
				       "a Leitweg-ID ends with a hyphen and 2 check digits");
		if (id_expect_class(n, from[nparts - 1], from[nparts - 1] + 2, 'n',
				    "the check digits are digits", r))
			return TANDEM_EBADINPUT;
		nparts--;
	}
	if (nparts == 2) {
		if (len[1] > LEITWEG_FINE_MAX)
			return id_fail(r, TANDEM_ID_R_BAD_FORMAT, n->orig[from[1]],
				       "the fine address has %zu characters, at most 30",
				       len[1]);
		if (id_expect_class(n, from[1], from[1] + len[1], 'c',
				    "the fine address has digits and letters only", r))
			return TANDEM_EBADINPUT;
	}
	return 0;
}

/* The id without hyphens, into out (at most TANDEM_ID_NORM_MAX bytes). */
static size_t strip_hyphens(const char *s, size_t len, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] != '-')
			out[k++] = s[i];
	out[k] = '\0';
	return k;
}

int id_check_leitweg(const struct id_norm *n, struct tandem_id_result *r)
{
	char plain[TANDEM_ID_NORM_MAX];
	size_t plain_len;
	unsigned want;
	int err;

	for (size_t i = 0; i < n->len; i++)
		if (n->s[i] != '-' && !tandem__is_digit(n->s[i]) &&
		    !tandem__is_upper(n->s[i]))
			return id_fail(r, TANDEM_ID_R_BAD_CHAR, n->orig[i],
				       "character %ld ('%c') is not allowed: digits, letters and hyphens only",
				       n->orig[i] + 1, n->s[i]);
	if (n->len < LEITWEG_LEN_MIN || n->len > LEITWEG_LEN_MAX)
		return id_fail(r, TANDEM_ID_R_BAD_LENGTH, -1,
			       "%zu characters: a Leitweg-ID has 5 to 46", n->len);
	err = leitweg_layout(n, 1, r);
	if (err)
		return err;
	plain_len = strip_hyphens(n->s, n->len, plain);
	if (id_mod97(plain, plain_len) != 1) {
		want = id_mod97_check(plain, plain_len - 2);
		snprintf(r->expected, sizeof r->expected, "%02u", want);
		return id_fail(r, TANDEM_ID_R_BAD_CHECKSUM, n->orig[n->len - 2],
			       "MOD 97-10 check fails: the check digits should be %02u, not %.2s",
			       want, n->s + n->len - 2);
	}
	return id_ok(r, "valid Leitweg-ID");
}

int id_compute_leitweg(const struct id_norm *n, char *out,
		       struct tandem_id_result *r)
{
	char plain[TANDEM_ID_NORM_MAX];
	struct id_norm base = *n;
	size_t plain_len;
	int err;

	/* Accept the id with or without its final hyphen. */
	if (base.len && base.s[base.len - 1] == '-')
		base.len--;
	base.s[base.len] = '\0';
	if (base.len + 3 > LEITWEG_LEN_MAX)
		return id_fail(r, TANDEM_ID_R_BAD_LENGTH, -1,
			       "%zu characters: with its check digits it would exceed 46",
			       base.len);
	for (size_t i = 0; i < base.len; i++)
		if (base.s[i] != '-' && !tandem__is_digit(base.s[i]) &&
		    !tandem__is_upper(base.s[i]))
			return id_fail(r, TANDEM_ID_R_BAD_CHAR, base.orig[i],
				       "character %ld ('%c') is not allowed",
				       base.orig[i] + 1, base.s[i]);
	err = leitweg_layout(&base, 0, r);
	if (err)
		return err;
	plain_len = strip_hyphens(base.s, base.len, plain);
	snprintf(out, TANDEM_ID_NORM_MAX, "%.*s-%02u", (int)base.len, base.s,
		 id_mod97_check(plain, plain_len));
	return 0;
}
