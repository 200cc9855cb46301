/*
 * src/ident/iban.c - IBAN checks (ISO 13616) with the layout of every
 * country of the SEPA scheme.
 *
 * An IBAN is a country code, 2 check digits and a national account number
 * (BBAN) whose length and layout each country fixes in the IBAN registry.
 * Layouts use the registry's notation: "5!n" five digits, "4!a" four upper-
 * case letters, "11!c" eleven digits or letters. Valid iff the number
 * BBAN||country||check digits, letters counted A=10 ... Z=35, is 1 mod 97.
 * For France and Monaco the RIB key inside the BBAN is checked too, and for
 * Belgium the BBAN's own mod-97 check digits.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "ident_int.h"

#define IBAN_LEN_MIN 15 /* Norway */
#define IBAN_LEN_MAX 34

struct iban_country {
	char cc[3];
	unsigned char length; /* whole IBAN */
	const char *bban;     /* registry layout of the BBAN */
	int (*national)(const struct id_norm *n, struct tandem_id_result *r);
};

static int rib_key(const struct id_norm *n, struct tandem_id_result *r);
static int belgian_check(const struct id_norm *n, struct tandem_id_result *r);

/*
 * The countries and territories of the SEPA scheme with their own IBAN
 * format (EPC list; French overseas departments use FR IBANs). Sorted by
 * country code.
 */
static const struct iban_country sepa[] = {
	{"AD", 24, "4!n4!n12!c", NULL},
	{"AL", 28, "8!n16!c", NULL},
	{"AT", 20, "5!n11!n", NULL},
	{"BE", 16, "3!n7!n2!n", belgian_check},
	{"BG", 22, "4!a4!n2!n8!c", NULL},
	{"CH", 21, "5!n12!c", NULL},
	{"CY", 28, "3!n5!n16!c", NULL},
	{"CZ", 24, "4!n6!n10!n", NULL},
	{"DE", 22, "8!n10!n", NULL},
	{"DK", 18, "4!n9!n1!n", NULL},
	{"EE", 20, "2!n2!n11!n1!n", NULL},
	{"ES", 24, "4!n4!n1!n1!n10!n", NULL},
	{"FI", 18, "3!n11!n", NULL},
	{"FR", 27, "5!n5!n11!c2!n", rib_key},
	{"GB", 22, "4!a6!n8!n", NULL},
	{"GI", 23, "4!a15!c", NULL},
	{"GR", 27, "3!n4!n16!c", NULL},
	{"HR", 21, "7!n10!n", NULL},
	{"HU", 28, "3!n4!n1!n15!n1!n", NULL},
	{"IE", 22, "4!a6!n8!n", NULL},
	{"IS", 26, "4!n2!n6!n10!n", NULL},
	{"IT", 27, "1!a5!n5!n12!c", NULL},
	{"LI", 21, "5!n12!c", NULL},
	{"LT", 20, "5!n11!n", NULL},
	{"LU", 20, "3!n13!c", NULL},
	{"LV", 21, "4!a13!c", NULL},
	{"MC", 27, "5!n5!n11!c2!n", rib_key},
	{"MD", 24, "2!c18!c", NULL},
	{"ME", 22, "3!n13!n2!n", NULL},
	{"MK", 19, "3!n10!c2!n", NULL},
	{"MT", 31, "4!a5!n18!c", NULL},
	{"NL", 18, "4!a10!n", NULL},
	{"NO", 15, "4!n6!n1!n", NULL},
	{"PL", 28, "8!n16!n", NULL},
	{"PT", 25, "4!n4!n11!n2!n", NULL},
	{"RO", 24, "4!a16!c", NULL},
	{"RS", 22, "3!n13!n2!n", NULL},
	{"SE", 24, "3!n16!n1!n", NULL},
	{"SI", 19, "5!n8!n2!n", NULL},
	{"SK", 24, "4!n6!n10!n", NULL},
	{"SM", 27, "1!a5!n5!n12!c", NULL},
	{"VA", 22, "3!n15!n", NULL},
};

static const struct iban_country *find_country(const char cc[2])
{
	size_t lo = 0, hi = TANDEM_ARRAY_SIZE(sepa);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(cc, sepa[mid].cc, 2);
		if (c == 0)
			return &sepa[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t id_iban_length(const char cc[2])
{
	const struct iban_country *c = find_country(cc);
	return c ? c->length : 0;
}

/* Checks the BBAN (from offset 4) against the registry layout. */
static int check_layout(const struct id_norm *n, const struct iban_country *c,
			struct tandem_id_result *r)
{
	const char *f = c->bban;
	size_t at = 4;

	while (*f) {
		size_t count = 0;
		char cls;
		const char *what;

		while (tandem__is_digit(*f))
			count = count * 10 + (size_t)(*f++ - '0');
		TANDEM_ASSERT(*f == '!');
		cls = f[1];
		f += 2;
		what = cls == 'n' ? "a digit" : cls == 'a' ? "an upper-case letter"
							   : "a digit or a letter";
		for (size_t i = 0; i < count; i++, at++) {
			char ch = n->s[at];
			int ok = cls == 'n' ? tandem__is_digit(ch)
				: cls == 'a' ? tandem__is_upper(ch)
					     : tandem__is_digit(ch) || tandem__is_upper(ch);
			if (!ok)
				return id_fail(r, TANDEM_ID_R_BAD_FORMAT, n->orig[at],
					       "character %ld ('%c') should be %s (%s BBAN layout %s)",
					       n->orig[at] + 1, ch, what, c->cc, c->bban);
		}
	}
	TANDEM_ASSERT(at == c->length);
	return 0;
}

/* The RIB key's digit value of a character of the French account number. */
static unsigned rib_digit(char ch)
{
	static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

	if (tandem__is_digit(ch))
		return (unsigned)(ch - '0');
	/* A,J=1 B,K,S=2 ... I,R,Z=9: the position in A..I, J..R, S..Z,
	 * where S..Z start at 2. */
	unsigned i = (unsigned)(strchr(letters, ch) - letters);
	if (i < 9)
		return i + 1;
	if (i < 18)
		return i - 8;
	return i - 16;
}

/* Remainder mod 97 of a decimal number written with RIB digit values. */
static unsigned rib_mod97(const char *s, size_t len)
{
	unsigned rem = 0;

	for (size_t i = 0; i < len; i++)
		rem = (rem * 10 + rib_digit(s[i])) % 97;
	return rem;
}

/*
 * French RIB key (clé RIB): 97 - (89 * bank + 15 * branch + 3 * account)
 * mod 97, with bank code (5), branch code (5) and account number (11) read
 * from the BBAN and letters of the account replaced by digits.
 */
static int rib_key(const struct id_norm *n, struct tandem_id_result *r)
{
	const char *b = n->s + 4;
	unsigned sum = (89 * rib_mod97(b, 5) + 15 * rib_mod97(b + 5, 5) +
			3 * rib_mod97(b + 10, 11)) % 97;
	unsigned want = 97 - sum;
	unsigned got = (unsigned)((b[21] - '0') * 10 + (b[22] - '0'));

	if (got != want) {
		snprintf(r->expected, sizeof r->expected, "%02u", want);
		return id_fail(r, TANDEM_ID_R_BAD_NATIONAL_CHECK, n->orig[25],
			       "the RIB key should be %02u, not %02u", want, got);
	}
	return 0;
}

/* Belgian BBAN: the last 2 digits are the first 10 mod 97 (97 for 0). */
static int belgian_check(const struct id_norm *n, struct tandem_id_result *r)
{
	const char *b = n->s + 4;
	unsigned long long v = 0;
	unsigned want, got;

	for (int i = 0; i < 10; i++)
		v = v * 10 + (unsigned)(b[i] - '0');
	want = (unsigned)(v % 97);
	if (want == 0)
		want = 97;
	got = (unsigned)((b[10] - '0') * 10 + (b[11] - '0'));
	if (got != want) {
		snprintf(r->expected, sizeof r->expected, "%02u", want);
		return id_fail(r, TANDEM_ID_R_BAD_NATIONAL_CHECK, n->orig[14],
			       "the Belgian account check digits should be %02u, not %02u",
			       want, got);
	}
	return 0;
}

/* mod 97 of BBAN || country || check digits, without building the string. */
static unsigned iban_mod97(const char *s, size_t len)
{
	char moved[IBAN_LEN_MAX];

	TANDEM_ASSERT(len >= 4 && len <= IBAN_LEN_MAX);
	memcpy(moved, s + 4, len - 4);
	memcpy(moved + len - 4, s, 4);
	return id_mod97(moved, len);
}

static unsigned iban_check_digits(const char *s, size_t len)
{
	char moved[IBAN_LEN_MAX];

	memcpy(moved, s + 4, len - 4);
	memcpy(moved + len - 4, s, 2);
	return id_mod97_check(moved, len - 2);
}

int id_check_iban(const struct id_norm *n, struct tandem_id_result *r)
{
	const struct iban_country *c;
	unsigned got, want;
	int err;

	err = id_expect_class(n, 0, n->len, 'c', "an IBAN has digits and letters only", r);
	if (err)
		return err;
	if (n->len < 4 || !tandem__is_upper(n->s[0]) || !tandem__is_upper(n->s[1]))
		return id_fail(r, TANDEM_ID_R_BAD_FORMAT, n->orig[0],
			       "an IBAN starts with a two-letter country code and 2 check digits");
	if (id_expect_class(n, 2, 4, 'n', "the check digits (characters 3-4) are digits", r))
		return TANDEM_EBADINPUT;
	c = find_country(n->s);
	if (c) {
		if (n->len != c->length)
			return id_fail(r, TANDEM_ID_R_BAD_LENGTH, -1,
				       "%zu characters: %s IBANs have %u", n->len,
				       c->cc, c->length);
		err = check_layout(n, c, r);
		if (err)
			return err;
	} else {
		if (!tandem_iso3166_is_assigned(n->s))
			return id_fail(r, TANDEM_ID_R_BAD_COUNTRY, n->orig[0],
				       "%.2s is not an ISO 3166 country code", n->s);
		if (n->len < IBAN_LEN_MIN || n->len > IBAN_LEN_MAX)
			return id_fail(r, TANDEM_ID_R_BAD_LENGTH, -1,
				       "%zu characters: an IBAN has 15 to 34", n->len);
		r->flags |= TANDEM_ID_F_NOT_SEPA;
	}
	got = (unsigned)((n->s[2] - '0') * 10 + (n->s[3] - '0'));
	want = iban_check_digits(n->s, n->len);
	if (iban_mod97(n->s, n->len) != 1 || got != want) {
		snprintf(r->expected, sizeof r->expected, "%02u", want);
		return id_fail(r, TANDEM_ID_R_BAD_CHECKSUM, n->orig[2],
			       "MOD 97-10 check fails: the check digits should be %02u, not %02u",
			       want, got);
	}
	if (c && c->national && (err = c->national(n, r)) != 0)
		return err;
	if (c)
		return id_ok(r, "valid IBAN (%s)", c->cc);
	return id_ok(r, "valid IBAN; %.2s is outside the SEPA table, so its length and layout were not checked",
		     n->s);
}

int id_compute_iban(const struct id_norm *n, char *out,
		    struct tandem_id_result *r)
{
	size_t len = n->len, want_len;
	const char *bban;
	unsigned cd;

	if (len < 2 || !tandem__is_upper(n->s[0]) || !tandem__is_upper(n->s[1]))
		return id_fail(r, TANDEM_ID_R_BAD_FORMAT, -1,
			       "start with the two-letter country code");
	want_len = id_iban_length(n->s);
	/* Country + BBAN (2 short of the full length) or a full IBAN. */
	if (want_len && len == want_len - 2)
		bban = n->s + 2;
	else if (len >= 4 && tandem__is_digit(n->s[2]) && tandem__is_digit(n->s[3]))
		bban = n->s + 4;
	else
		return id_fail(r, TANDEM_ID_R_BAD_LENGTH, -1,
			       "give the country code and the BBAN, or a full IBAN");
	len = 4 + (size_t)(n->s + n->len - bban);
	if (len > IBAN_LEN_MAX || len < 5)
		return id_fail(r, TANDEM_ID_R_BAD_LENGTH, -1,
			       "an IBAN has 15 to 34 characters");
	if (id_expect_class(n, (size_t)(bban - n->s), n->len, 'c',
			    "the BBAN has digits and letters only", r))
		return TANDEM_EBADINPUT;
	out[0] = n->s[0];
	out[1] = n->s[1];
	memmove(out + 4, bban, len - 4);
	out[len] = '\0';
	cd = iban_check_digits(out, len);
	out[2] = (char)('0' + cd / 10);
	out[3] = (char)('0' + cd % 10);
	return 0;
}
