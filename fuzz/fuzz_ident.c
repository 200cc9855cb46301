/*
 * fuzz/fuzz_ident.c - fuzz target of the identifier checks (tandem/ident.h).
 *
 * The first byte of an input selects the type (byte % TANDEM_ID_TYPE_COUNT_,
 * so 'H'..'P' give unknown, vat, siren, siret, vat-fr, vat-de, iban, bic and
 * leitweg), the rest is the value. The target checks the value and asserts
 * that the result is consistent (the reason is OK exactly when the status is
 * 0, every string is NUL-terminated within its array, the detail is not
 * empty, a position lies inside the input, the compact form of a valid value
 * is valid again), that detect names a real type, and that whatever compute
 * writes checks valid with the same type. Inputs over 1024 bytes are ignored:
 * everything beyond TANDEM_ID_INPUT_MAX is refused at once anyway.
 */
#include <string.h>

#include "fuzz.h"
#include "tandem/assert.h"
#include "tandem/error.h"
#include "tandem/ident.h"

#define FUZZ_IDENT_INPUT_MAX 1024
#define FUZZ_IDENT_OUT_SIZE 64

/* True if the array of n bytes holds a NUL, i.e. a string ends inside it. */
static int has_nul(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

/*
 * Asserts the invariants every result must satisfy whatever the input. A
 * check must also point at the character it calls not allowed; compute is
 * only held to a position inside the input, since the header promises the
 * position for checks.
 */
static void check_result(int rc, const struct tandem_id_result *r, size_t len,
			 int char_pos_promised)
{
	TANDEM_ASSERT(has_nul(r->normalized, sizeof r->normalized));
	TANDEM_ASSERT(has_nul(r->expected, sizeof r->expected));
	TANDEM_ASSERT(has_nul(r->detail, sizeof r->detail));
	TANDEM_ASSERT(r->detail[0] != '\0');
	TANDEM_ASSERT((int)r->reason >= 0 &&
		      r->reason < TANDEM_ID_REASON_COUNT_);
	TANDEM_ASSERT((rc == 0) == (r->reason == TANDEM_ID_R_OK));
	TANDEM_ASSERT(r->pos >= -1 && r->pos < (long)len);
	if (char_pos_promised && r->reason == TANDEM_ID_R_BAD_CHAR)
		TANDEM_ASSERT(r->pos >= 0);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct tandem_id_result r, again;
	char out[FUZZ_IDENT_OUT_SIZE];
	enum tandem_id_type type, detected;
	const char *value;
	size_t len;
	int rc;

	if (size == 0 || size > FUZZ_IDENT_INPUT_MAX)
		return 0;
	type = (enum tandem_id_type)(data[0] % TANDEM_ID_TYPE_COUNT_);
	value = (const char *)data + 1;
	len = size - 1;

	rc = tandem_id_check(type, value, len, &r);
	TANDEM_ASSERT(rc == 0 || rc == TANDEM_EBADINPUT);
	check_result(rc, &r, len, 1);
	if (rc == 0) {
		/* The compact form of a valid value is itself valid. */
		size_t n = strlen(r.normalized);
		TANDEM_ASSERT(n > 0);
		TANDEM_ASSERT(tandem_id_check(type, r.normalized, n, &again) ==
			      0);
		TANDEM_ASSERT(strcmp(again.normalized, r.normalized) == 0);
	}

	detected = tandem_id_detect(value, len);
	TANDEM_ASSERT((int)detected >= 0 && detected < TANDEM_ID_TYPE_COUNT_);

	memset(out, 'x', sizeof out);
	rc = tandem_id_compute(type, value, len, out, sizeof out, &r);
	TANDEM_ASSERT(rc == 0 || rc == TANDEM_EBADINPUT ||
		      rc == TANDEM_ELIMIT || rc == TANDEM_EUNSUPPORTED ||
		      rc == TANDEM_EINVAL);
	if (rc == TANDEM_EBADINPUT)
		check_result(rc, &r, len, 0);
	if (rc == 0) {
		/* What compute writes must check valid with the same type. */
		TANDEM_ASSERT(has_nul(out, sizeof out));
		rc = tandem_id_check(type, out, strlen(out), &again);
		check_result(rc, &again, strlen(out), 1);
		TANDEM_ASSERT(rc == 0);
	}
	return 0;
}
