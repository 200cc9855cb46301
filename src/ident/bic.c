/*
 * src/ident/bic.c - BIC checks (ISO 9362) and the ISO 3166-1 country list.
 *
 * A BIC is 8 or 11 characters: institution (4 letters), country (2 letters,
 * an assigned ISO 3166-1 alpha-2 code), location (2 letters or digits) and an
 * optional branch (3 letters or digits, "XXX" for the head office). A "0" as
 * the second location character marks a test BIC.
 *
 * The country list is ISO 3166-1 alpha-2 as published (Debian's iso-codes
 * 4.15 data), plus XK, the code SWIFT and the EU use for Kosovo.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "ident_int.h"

/* Sorted, for bsearch. */
static const char iso3166[][3] = {
	"AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT",
	"AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI",
	"BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY",
	"BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
	"CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
	"DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK",
	"FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL",
	"GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
	"HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR",
	"IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
	"KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS",
	"LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
	"ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW",
	"MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP",
	"NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
	"PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
	"SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM",
	"SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF",
	"TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
	"TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
	"VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA", "ZM", "ZW",
};

static int cmp_cc(const void *key, const void *elem)
{
	return memcmp(key, elem, 2);
}

bool tandem_iso3166_is_assigned(const char cc[2])
{
	return bsearch(cc, iso3166, TANDEM_ARRAY_SIZE(iso3166), sizeof iso3166[0],
		       cmp_cc) != NULL;
}

int id_check_bic(const struct id_norm *n, struct tandem_id_result *r)
{
	int err = id_expect_class(n, 0, n->len, 'c', "a BIC has digits and letters only", r);

	if (err)
		return err;
	if (n->len != 8 && n->len != 11)
		return id_fail(r, TANDEM_ID_R_BAD_LENGTH, -1,
			       "%zu characters: a BIC has 8 or 11", n->len);
	if (id_expect_class(n, 0, 4, 'a', "the institution code (characters 1-4) has letters only", r))
		return TANDEM_EBADINPUT;
	if (id_expect_class(n, 4, 6, 'a', "the country code (characters 5-6) has letters only", r))
		return TANDEM_EBADINPUT;
	if (!tandem_iso3166_is_assigned(n->s + 4))
		return id_fail(r, TANDEM_ID_R_BAD_COUNTRY, n->orig[4],
			       "%.2s is not an ISO 3166 country code", n->s + 4);
	if (n->s[7] == '0') {
		r->flags |= TANDEM_ID_F_TEST_BIC;
		return id_ok(r, "valid BIC, but a test BIC (location code ends in 0)");
	}
	if (n->len == 8 || memcmp(n->s + 8, "XXX", 3) == 0)
		return id_ok(r, "valid BIC (head office)");
	return id_ok(r, "valid BIC (branch %.3s)", n->s + 8);
}
