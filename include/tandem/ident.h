/*
 * tandem/ident.h - checks of the identifiers that public finance runs on.
 *
 * SIREN and SIRET (French company and establishment numbers), French and
 * German VAT numbers, IBAN, BIC and the German Leitweg-ID. For each:
 *   - tandem_id_check() validates and says precisely why a value is wrong;
 *   - tandem_id_compute() appends the check digits where the scheme has some;
 *   - tandem_id_detect() tells which kind of identifier a string looks like.
 * Algorithms: docs/ident.md, from the public definitions (INSEE, DGFiP, BZSt,
 * ISO 13616, ISO 9362, ISO 7064, KoSIT Leitweg-ID specification).
 *
 * Input may be written as people write it: ASCII spaces, no-break spaces
 * (U+00A0, U+202F) and tabs are removed, and letters are upper-cased, before
 * the check; the compact form is returned in result.normalized. Any other
 * byte outside the scheme's alphabet is reported with its position.
 */
#ifndef TANDEM_IDENT_H
#define TANDEM_IDENT_H

#include <stdbool.h>
#include <stddef.h>

/* XX(enum suffix, name used on the command line and in JSON) */
#define TANDEM_ID_TYPE_MAP(XX)                                                 \
	XX(UNKNOWN, "unknown")                                                 \
	XX(VAT, "vat") /* FR or DE, chosen by the prefix */                    \
	XX(SIREN, "siren")                                                     \
	XX(SIRET, "siret")                                                     \
	XX(VAT_FR, "vat-fr")                                                   \
	XX(VAT_DE, "vat-de")                                                   \
	XX(IBAN, "iban")                                                       \
	XX(BIC, "bic")                                                         \
	XX(LEITWEG, "leitweg")

enum tandem_id_type {
#define TANDEM__ID_TYPE_ENUM(e, name) TANDEM_ID_##e,
	TANDEM_ID_TYPE_MAP(TANDEM__ID_TYPE_ENUM)
#undef TANDEM__ID_TYPE_ENUM
	TANDEM_ID_TYPE_COUNT_
};

/* XX(enum suffix, stable name for JSON, short explanation) */
#define TANDEM_ID_REASON_MAP(XX)                                               \
	XX(OK, "ok", "valid")                                                  \
	XX(EMPTY, "empty", "empty value")                                      \
	XX(TOO_LONG, "too_long", "value too long")                             \
	XX(BAD_CHAR, "bad_char", "character not allowed")                      \
	XX(BAD_LENGTH, "bad_length", "wrong length")                           \
	XX(BAD_FORMAT, "bad_format", "does not match the format")              \
	XX(BAD_COUNTRY, "bad_country", "wrong or unknown country code")        \
	XX(PLACEHOLDER, "placeholder", "all zeros: a placeholder")             \
	XX(BAD_CHECKSUM, "bad_checksum", "check digits do not match")          \
	XX(BAD_SIREN, "bad_siren", "the embedded SIREN is invalid")            \
	XX(BAD_NATIONAL_CHECK, "bad_national_check",                           \
	   "national check digits do not match")                               \
	XX(UNDETECTED, "undetected", "not a recognised kind of identifier")

enum tandem_id_reason {
#define TANDEM__ID_REASON_ENUM(e, name, text) TANDEM_ID_R_##e,
	TANDEM_ID_REASON_MAP(TANDEM__ID_REASON_ENUM)
#undef TANDEM__ID_REASON_ENUM
	TANDEM_ID_REASON_COUNT_
};

/* Limits. */
#define TANDEM_ID_INPUT_MAX 256 /* bytes of input, separators included */
#define TANDEM_ID_NORM_MAX 64   /* compact form; the longest is a Leitweg-ID (46) */
#define TANDEM_ID_DETAIL_MAX 160

/* Flags set on a result. */
#define TANDEM_ID_F_NOT_SEPA 0x1u  /* IBAN of a country outside the SEPA table:
				      length and layout not checked */
#define TANDEM_ID_F_TEST_BIC 0x2u  /* BIC whose location code marks a test BIC */
#define TANDEM_ID_F_LA_POSTE 0x4u  /* SIRET checked with the La Poste rule */

struct tandem_id_result {
	enum tandem_id_type type;
	enum tandem_id_reason reason;        /* TANDEM_ID_R_OK when valid */
	long pos;                            /* 0-based byte offset in the input
						of the offending character, -1 */
	unsigned flags;                      /* TANDEM_ID_F_* */
	char normalized[TANDEM_ID_NORM_MAX]; /* compact form, NUL-terminated;
						cut when the input is too long */
	char expected[8];                    /* the check digits that would make
						it valid, when known; "" */
	char detail[TANDEM_ID_DETAIL_MAX];   /* one precise sentence */
};

/*
 * Checks value[0..len) as an identifier of the given type; TANDEM_ID_UNKNOWN
 * detects the type first. Fills *r completely in every case. Returns 0 if the
 * value is valid, TANDEM_EBADINPUT if not (r->reason and r->detail say why),
 * TANDEM_EINVAL for a bad type argument.
 */
int tandem_id_check(enum tandem_id_type type, const char *value, size_t len,
		    struct tandem_id_result *r);

/*
 * Which kind of identifier value looks like, from its shape alone (length,
 * digits, letters, hyphens, prefixes) after normalisation. TANDEM_ID_UNKNOWN
 * if none fits. Does not check the check digits.
 */
enum tandem_id_type tandem_id_detect(const char *value, size_t len);

/*
 * Completes value with its check digits and writes the full identifier:
 *   SIREN    8 digits                  -> 9 digits
 *   SIRET    13 digits                 -> 14 digits (La Poste rule when it applies)
 *   VAT_FR   a SIREN (9 digits)        -> FR + numeric key + SIREN
 *   VAT_DE   8 digits (or DE+8)        -> DE + 9 digits
 *   IBAN     country + BBAN, or a full IBAN whose check digits are replaced
 *   LEITWEG  id without check digits (with or without the final hyphen)
 * BIC has no check digits: TANDEM_EUNSUPPORTED. The completed identifier is
 * then checked; r holds that check's verdict (r->pos is -1 when the check of
 * the output fails, since offsets would point into the output). Returns 0,
 * TANDEM_EBADINPUT with r->reason/detail set, or TANDEM_ELIMIT if out_size is
 * too small.
 */
int tandem_id_compute(enum tandem_id_type type, const char *value, size_t len,
		      char *out, size_t out_size, struct tandem_id_result *r);

/* Name of a type ("siret") and back; TANDEM_ID_TYPE_COUNT_ for an unknown name. */
const char *tandem_id_type_name(enum tandem_id_type type);
enum tandem_id_type tandem_id_type_parse(const char *name);

const char *tandem_id_reason_name(enum tandem_id_reason reason);
const char *tandem_id_reason_text(enum tandem_id_reason reason);

/* True if cc (two upper-case letters) is an assigned ISO 3166-1 alpha-2 code. */
bool tandem_iso3166_is_assigned(const char cc[2]);

#endif /* TANDEM_IDENT_H */
