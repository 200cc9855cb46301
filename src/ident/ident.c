/*
 * src/ident/ident.c - entry points of the identifier checks (tandem/ident.h):
 * normalisation of what people type, type detection, dispatch to the checker
 * of each scheme, names of types and reasons.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "ident_int.h"

int id_fail(struct tandem_id_result *r, enum tandem_id_reason reason,
	    long pos, const char *fmt, ...)
{
	va_list ap;

	TANDEM_ASSERT(reason != TANDEM_ID_R_OK);
	r->reason = reason;
	r->pos = pos;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof r->detail, fmt, ap);
	va_end(ap);
	return TANDEM_EBADINPUT;
}

int id_ok(struct tandem_id_result *r, const char *fmt, ...)
{
	va_list ap;

	r->reason = TANDEM_ID_R_OK;
	r->pos = -1;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof r->detail, fmt, ap);
	va_end(ap);
	return 0;
}

static int in_class(char c, char cls)
{
	switch (cls) {
	case 'n':
		return tandem__is_digit(c);
	case 'a':
		return tandem__is_upper(c);
	case 'c':
		return tandem__is_digit(c) || tandem__is_upper(c);
	default:
		TANDEM_UNREACHABLE();
	}
}

int id_expect_class(const struct id_norm *n, size_t from, size_t to, char cls,
		    const char *what, struct tandem_id_result *r)
{
	for (size_t i = from; i < to && i < n->len; i++)
		if (!in_class(n->s[i], cls))
			return id_fail(r, TANDEM_ID_R_BAD_CHAR, n->orig[i],
				       "character %ld ('%c') is not allowed: %s",
				       n->orig[i] + 1, n->s[i], what);
	return 0;
}

int id_all_zero(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != '0')
			return 0;
	return 1;
}

/* Bytes of a separator at p (ASCII space or tab, U+00A0, U+202F), else 0. */
static size_t separator_len(const unsigned char *p, size_t left)
{
	if (p[0] == ' ' || p[0] == '\t')
		return 1;
	if (left >= 2 && p[0] == 0xc2 && p[1] == 0xa0)
		return 2;
	if (left >= 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0xaf)
		return 3;
	return 0;
}

/*
 * Fills n from the input. Fails with EMPTY, TOO_LONG, or BAD_CHAR for a byte
 * that is not printable ASCII (control bytes, NUL, other UTF-8 sequences).
 */
static int normalize(const char *value, size_t len, struct id_norm *n,
		     struct tandem_id_result *r)
{
	const unsigned char *p = (const unsigned char *)value;
	size_t i = 0, sep;

	n->len = 0;
	if (len > TANDEM_ID_INPUT_MAX)
		return id_fail(r, TANDEM_ID_R_TOO_LONG, -1,
			       "%zu bytes: no identifier is longer than %d bytes",
			       len, TANDEM_ID_INPUT_MAX);
	while (i < len) {
		sep = separator_len(p + i, len - i);
		if (sep) {
			i += sep;
			continue;
		}
		if (p[i] < 0x21 || p[i] > 0x7e)
			return id_fail(r, TANDEM_ID_R_BAD_CHAR, (long)i,
				       "byte %ld (0x%02X) is not a printable ASCII character",
				       (long)i + 1, p[i]);
		if (n->len + 1 >= sizeof n->s)
			return id_fail(r, TANDEM_ID_R_TOO_LONG, (long)i,
				       "more than %zu characters: no identifier is that long",
				       sizeof n->s - 1);
		n->s[n->len] = (char)(tandem__is_lower(p[i]) ? p[i] - 'a' + 'A' : p[i]);
		n->orig[n->len] = (long)i;
		n->len++;
		i++;
	}
	n->s[n->len] = '\0';
	if (n->len == 0)
		return id_fail(r, TANDEM_ID_R_EMPTY, -1, "the value is empty");
	return 0;
}

static int all_class(const char *s, size_t len, int (*pred)(int))
{
	for (size_t i = 0; i < len; i++)
		if (!pred(s[i]))
			return 0;
	return 1;
}

static int is_alnum_upper(int c)
{
	return tandem__is_digit(c) || tandem__is_upper(c);
}

static int is_leitweg_char(int c)
{
	return is_alnum_upper(c) || c == '-';
}

static enum tandem_id_type detect_norm(const struct id_norm *n)
{
	const char *s = n->s;
	size_t len = n->len;

	if (all_class(s, len, tandem__is_digit))
		return len == 9 ? TANDEM_ID_SIREN
			       : len == 14 ? TANDEM_ID_SIRET : TANDEM_ID_UNKNOWN;
	if (len == 13 && memcmp(s, "FR", 2) == 0 &&
	    all_class(s + 2, 2, is_alnum_upper) &&
	    all_class(s + 4, 9, tandem__is_digit))
		return TANDEM_ID_VAT_FR;
	if (len == 11 && memcmp(s, "DE", 2) == 0 &&
	    all_class(s + 2, 9, tandem__is_digit))
		return TANDEM_ID_VAT_DE;
	if (tandem__is_digit(s[0]) && memchr(s, '-', len) &&
	    all_class(s, len, is_leitweg_char))
		return TANDEM_ID_LEITWEG;
	if (len >= 15 && len <= 34 && all_class(s, 2, tandem__is_upper) &&
	    all_class(s + 2, 2, tandem__is_digit) &&
	    all_class(s + 4, len - 4, is_alnum_upper))
		return TANDEM_ID_IBAN;
	if ((len == 8 || len == 11) && all_class(s, 6, tandem__is_upper) &&
	    all_class(s + 6, len - 6, is_alnum_upper))
		return TANDEM_ID_BIC;
	return TANDEM_ID_UNKNOWN;
}

enum tandem_id_type tandem_id_detect(const char *value, size_t len)
{
	struct tandem_id_result r;
	struct id_norm n;

	if (normalize(value, len, &n, &r) != 0)
		return TANDEM_ID_UNKNOWN;
	return detect_norm(&n);
}

static void result_init(struct tandem_id_result *r, enum tandem_id_type type)
{
	memset(r, 0, sizeof *r);
	r->type = type;
	r->reason = TANDEM_ID_R_OK;
	r->pos = -1;
}

/* Picks FR or DE for a VAT number by its prefix. */
static int vat_type(const struct id_norm *n, enum tandem_id_type *type,
		    struct tandem_id_result *r)
{
	TANDEM_ASSERT(n->len > 0); /* normalize() refuses empty values */
	if (n->len >= 2 && memcmp(n->s, "FR", 2) == 0)
		*type = TANDEM_ID_VAT_FR;
	else if (n->len >= 2 && memcmp(n->s, "DE", 2) == 0)
		*type = TANDEM_ID_VAT_DE;
	else if (n->len >= 2 && all_class(n->s, 2, tandem__is_upper))
		return id_fail(r, TANDEM_ID_R_BAD_COUNTRY, n->orig[0],
			       "VAT numbers of %.2s are not checked: tandem checks FR and DE",
			       n->s);
	else
		return id_fail(r, TANDEM_ID_R_BAD_FORMAT, n->orig[0],
			       "a VAT number starts with a two-letter country code");
	r->type = *type;
	return 0;
}

static int describe_unknown(const struct id_norm *n, struct tandem_id_result *r)
{
	if (all_class(n->s, n->len, tandem__is_digit))
		return id_fail(r, TANDEM_ID_R_UNDETECTED, -1,
			       "%zu digits: a SIREN has 9 and a SIRET 14", n->len);
	return id_fail(r, TANDEM_ID_R_UNDETECTED, -1,
		       "not the shape of a SIREN, SIRET, VAT number, IBAN, BIC or Leitweg-ID");
}

int tandem_id_check(enum tandem_id_type type, const char *value, size_t len,
		    struct tandem_id_result *r)
{
	struct id_norm n;
	int err;

	if (r == NULL)
		return TANDEM_EINVAL;
	result_init(r, type >= 0 && type < TANDEM_ID_TYPE_COUNT_ ? type : TANDEM_ID_UNKNOWN);
	if (type < 0 || type >= TANDEM_ID_TYPE_COUNT_ || (value == NULL && len))
		return TANDEM_EINVAL;
	err = normalize(value ? value : "", len, &n, r);
	memcpy(r->normalized, n.s, n.len);
	r->normalized[n.len] = '\0';
	if (err)
		return err;
	if (type == TANDEM_ID_UNKNOWN) {
		type = detect_norm(&n);
		r->type = type;
		if (type == TANDEM_ID_UNKNOWN)
			return describe_unknown(&n, r);
	}
	if (type == TANDEM_ID_VAT && (err = vat_type(&n, &type, r)) != 0)
		return err;
	switch (type) {
	case TANDEM_ID_SIREN:   return id_check_siren(&n, r);
	case TANDEM_ID_SIRET:   return id_check_siret(&n, r);
	case TANDEM_ID_VAT_FR:  return id_check_vat_fr(&n, r);
	case TANDEM_ID_VAT_DE:  return id_check_vat_de(&n, r);
	case TANDEM_ID_IBAN:    return id_check_iban(&n, r);
	case TANDEM_ID_BIC:     return id_check_bic(&n, r);
	case TANDEM_ID_LEITWEG: return id_check_leitweg(&n, r);
	default:                TANDEM_UNREACHABLE();
	}
}

/*
 * The check of a completed identifier failed: its detail counts characters
 * of the output, so say which value it is about, and drop the offset.
 */
static void explain_completed(struct tandem_id_result *r, const char *full)
{
	char why[TANDEM_ID_DETAIL_MAX];
	size_t room, why_len;
	int n;

	memcpy(why, r->detail, sizeof why);
	n = snprintf(r->detail, sizeof r->detail, "completed as %s, which fails: ", full);
	if (n > 0 && (size_t)n < sizeof r->detail) {
		room = sizeof r->detail - (size_t)n - 1;
		why_len = strnlen(why, sizeof why);
		why_len = why_len < room ? why_len : room;
		memcpy(r->detail + n, why, why_len);
		r->detail[(size_t)n + why_len] = '\0';
	}
	r->pos = -1;
}

int tandem_id_compute(enum tandem_id_type type, const char *value, size_t len,
		      char *out, size_t out_size, struct tandem_id_result *r)
{
	char full[TANDEM_ID_NORM_MAX];
	struct id_norm n;
	size_t full_len;
	int err;

	if (r == NULL)
		return TANDEM_EINVAL;
	result_init(r, type > TANDEM_ID_UNKNOWN && type < TANDEM_ID_TYPE_COUNT_ ? type : TANDEM_ID_UNKNOWN);
	if (type <= TANDEM_ID_UNKNOWN || type >= TANDEM_ID_TYPE_COUNT_ ||
	    (value == NULL && len) || out == NULL)
		return TANDEM_EINVAL;
	err = normalize(value ? value : "", len, &n, r);
	memcpy(r->normalized, n.s, n.len);
	r->normalized[n.len] = '\0';
	if (err)
		return err;
	if (type == TANDEM_ID_VAT) {
		/* A bare SIREN or 8 digits say nothing of the country. */
		if (n.len >= 2 && tandem__is_digit(n.s[0]))
			return id_fail(r, TANDEM_ID_R_BAD_FORMAT, -1,
				       "say vat-fr or vat-de, or give the country prefix");
		if ((err = vat_type(&n, &type, r)) != 0)
			return err;
	}
	switch (type) {
	case TANDEM_ID_SIREN:   err = id_compute_siren(&n, full, r); break;
	case TANDEM_ID_SIRET:   err = id_compute_siret(&n, full, r); break;
	case TANDEM_ID_VAT_FR:  err = id_compute_vat_fr(&n, full, r); break;
	case TANDEM_ID_VAT_DE:  err = id_compute_vat_de(&n, full, r); break;
	case TANDEM_ID_IBAN:    err = id_compute_iban(&n, full, r); break;
	case TANDEM_ID_LEITWEG: err = id_compute_leitweg(&n, full, r); break;
	case TANDEM_ID_BIC:     return TANDEM_EUNSUPPORTED;
	default:                TANDEM_UNREACHABLE();
	}
	if (err)
		return err;
	full_len = strlen(full);
	if (full_len >= out_size)
		return TANDEM_ELIMIT;
	memcpy(out, full, full_len + 1);
	/*
	 * What compute produces must pass the check: verify, and keep the
	 * check's verdict (a layout or national-check failure, say). Its
	 * offsets would point into the output, not the caller's input.
	 */
	err = tandem_id_check(type, full, full_len, r);
	if (err)
		explain_completed(r, full);
	return err;
}

static const char *const type_names[] = {
#define TANDEM__ID_TYPE_NAME(e, name) name,
	TANDEM_ID_TYPE_MAP(TANDEM__ID_TYPE_NAME)
#undef TANDEM__ID_TYPE_NAME
};

static const char *const reason_names[] = {
#define TANDEM__ID_REASON_NAME(e, name, text) name,
	TANDEM_ID_REASON_MAP(TANDEM__ID_REASON_NAME)
#undef TANDEM__ID_REASON_NAME
};

static const char *const reason_texts[] = {
#define TANDEM__ID_REASON_TEXT(e, name, text) text,
	TANDEM_ID_REASON_MAP(TANDEM__ID_REASON_TEXT)
#undef TANDEM__ID_REASON_TEXT
};

const char *tandem_id_type_name(enum tandem_id_type type)
{
	if (type < 0 || type >= TANDEM_ID_TYPE_COUNT_)
		return "invalid";
	return type_names[type];
}

enum tandem_id_type tandem_id_type_parse(const char *name)
{
	for (size_t i = 0; i < TANDEM_ARRAY_SIZE(type_names); i++)
		if (strcmp(name, type_names[i]) == 0)
			return (enum tandem_id_type)i;
	return TANDEM_ID_TYPE_COUNT_;
}

const char *tandem_id_reason_name(enum tandem_id_reason reason)
{
	if (reason < 0 || reason >= TANDEM_ID_REASON_COUNT_)
		return "invalid";
	return reason_names[reason];
}

const char *tandem_id_reason_text(enum tandem_id_reason reason)
{
	if (reason < 0 || reason >= TANDEM_ID_REASON_COUNT_)
		return "invalid reason";
	return reason_texts[reason];
}
