/*
 * src/ident/checksum.c - the check-digit algorithms: Luhn (SIREN, SIRET),
 * ISO 7064 MOD 97-10 (IBAN, Leitweg-ID) and ISO 7064 MOD 11,10 (German VAT).
 */
#include "core/core.h"
#include "ident_int.h"

/* Luhn sum of digits, doubling every second digit counted from the right
 * when double_last is 0 (the last digit is the check digit). */
static int luhn_sum(const char *digits, size_t len, int double_last)
{
	int sum = 0;

	for (size_t i = 0; i < len; i++) {
		int d = digits[len - 1 - i] - '0';
		if ((i % 2 == 1) != (double_last != 0)) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return sum;
}

int id_luhn_valid(const char *digits, size_t len)
{
	return luhn_sum(digits, len, 0) % 10 == 0;
}

char id_luhn_check_digit(const char *payload, size_t len)
{
	/* With the check digit appended, the payload's last digit is doubled. */
	return (char)('0' + (10 - luhn_sum(payload, len, 1) % 10) % 10);
}

int id_digit_sum(const char *digits, size_t len)
{
	int sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += digits[i] - '0';
	return sum;
}

unsigned id_mod97(const char *s, size_t len)
{
	unsigned rem = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (tandem__is_digit(c)) {
			rem = (rem * 10 + (unsigned)(c - '0')) % 97;
		} else {
			TANDEM_ASSERT(tandem__is_upper(c));
			rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
		}
	}
	return rem;
}

unsigned id_mod97_check(const char *payload, size_t len)
{
	/* Check digits cd make payload||cd = 1 (mod 97): 98 - (payload*100 mod 97). */
	return 98 - (id_mod97(payload, len) * 100) % 97;
}

char id_mod11_10_check_digit(const char *digits, size_t len)
{
	int p = 10;

	for (size_t i = 0; i < len; i++) {
		int s = (digits[i] - '0' + p) % 10;
		if (s == 0)
			s = 10;
		p = (2 * s) % 11;
	}
	return (char)('0' + (11 - p) % 10);
}
