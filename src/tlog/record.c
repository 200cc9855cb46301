/*
 * src/tlog/record.c - the canonical byte encoding of log records
 * (tandem/tlog_record.h): the encoder writes the fields present in tag
 * order, the decoder refuses any byte string that the encoder would not
 * have written, so that a record has exactly one encoding and one leaf
 * hash.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tandem/error.h"
#include "tandem/tlog_record.h"
#include "tlog_int.h"

#define HEADER 12               /* version, type, time, field count */
#define FIELD_HEADER 5          /* tag, length */

struct field_def {
	const char *name;
	enum tandem_tlog_kind kind;
	uint32_t max;
};

static const struct field_def fields[TANDEM_TLOG_F_COUNT] = {
#define FIELD_DEF(c, tag, name, kind, max) [(tag)] = { (name), TANDEM_TLOG_##kind, (max) },
	TANDEM_TLOG_FIELD_MAP(FIELD_DEF)
#undef FIELD_DEF
};

static const char *const type_names[] = {
#define TYPE_NAME(c, n, name) [(n)] = (name),
	TANDEM_TLOG_TYPE_MAP(TYPE_NAME)
#undef TYPE_NAME
};

#define TYPE_COUNT (sizeof type_names / sizeof type_names[0])

const char *tandem_tlog_type_name(unsigned type)
{
	return type < TYPE_COUNT ? type_names[type] : NULL;
}

unsigned tandem_tlog_type_of(struct tandem_slice name)
{
	for (unsigned t = 1; t < TYPE_COUNT; t++)
		if (type_names[t] != NULL && tandem_slice_eq_cstr(name, type_names[t]))
			return t;
	return 0;
}

const char *tlog_field_name(unsigned tag)
{
	return tag > 0 && tag < TANDEM_TLOG_F_COUNT ? fields[tag].name : NULL;
}

int tlog_field_kind(unsigned tag)
{
	return tag > 0 && tag < TANDEM_TLOG_F_COUNT ? (int)fields[tag].kind : -1;
}

void tandem_tlog_record_text(struct tandem_tlog_record *r, enum tandem_tlog_field f,
			     const char *text)
{
	if (text == NULL || text[0] == '\0') {
		r->present &= ~(UINT32_C(1) << f);
		return;
	}
	r->bytes[f] = tandem_slice_from_cstr(text);
	r->present |= UINT32_C(1) << f;
}

void tandem_tlog_record_num(struct tandem_tlog_record *r, enum tandem_tlog_field f, uint64_t v)
{
	r->num[f] = v;
	r->present |= UINT32_C(1) << f;
}

#define refuse(why, why_size, ...) tlog_say((why), (why_size), TANDEM_EBADINPUT, __VA_ARGS__)

/* A text field's bytes: valid UTF-8 without NUL, within the limit. */
static bool text_ok(struct tandem_slice s, uint32_t max)
{
	size_t i = 0;

	if (s.len == 0 || s.len > max)
		return false;
	while (i < s.len) {
		size_t n = tandem_utf8_sequence(s.ptr + i, s.len - i, NULL);

		if (n == 0 || s.ptr[i] == '\0')
			return false;
		i += n;
	}
	return true;
}

/* The bytes of field tag of r, as encoded: *len of them at *p (num is the
 * room for a number). False when they break the field's kind. */
static bool field_bytes(const struct tandem_tlog_record *r, unsigned tag, uint8_t num[8],
			const uint8_t **p, uint32_t *len)
{
	const struct field_def *f = &fields[tag];

	if (f->kind == TANDEM_TLOG_U64 || f->kind == TANDEM_TLOG_I64) {
		tlog_put_be(num, r->num[tag], 8);
		*p = num;
		*len = 8;
		return true;
	}
	*p = (const uint8_t *)r->bytes[tag].ptr;
	*len = (uint32_t)r->bytes[tag].len;
	if (r->bytes[tag].len > f->max)
		return false;
	return f->kind == TANDEM_TLOG_SHA256 ? *len == TANDEM_TLOG_HASH
					      : text_ok(r->bytes[tag], f->max);
}

void tlog_put_be(uint8_t *out, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		out[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

uint64_t tlog_get_be(const uint8_t *in, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v = v << 8 | in[i];
	return v;
}

int tandem_tlog_record_encode(const struct tandem_tlog_record *r, uint8_t *out, size_t size,
			      size_t *len, char *why, size_t why_size)
{
	size_t at = HEADER;
	unsigned count = 0;

	*len = 0;
	if (tandem_tlog_type_name(r->type) == NULL)
		return refuse(why, why_size, "%s", "unknown record type");
	if ((r->present & ~(((UINT32_C(1) << TANDEM_TLOG_F_COUNT) - 1) & ~UINT32_C(1))) != 0)
		return refuse(why, why_size, "%s", "unknown field");
	if (size < HEADER)
		return TANDEM_ELIMIT;
	for (unsigned tag = 1; tag < TANDEM_TLOG_F_COUNT; tag++) {
		uint8_t num[8];
		const uint8_t *p;
		uint32_t n;

		if ((r->present & (UINT32_C(1) << tag)) == 0)
			continue;
		if (!field_bytes(r, tag, num, &p, &n))
			return refuse(why, why_size, "field %s: not of its kind, or too long",
				      fields[tag].name);
		if (at + FIELD_HEADER + n > size)
			return TANDEM_ELIMIT;
		out[at] = (uint8_t)tag;
		tlog_put_be(out + at + 1, n, 4);
		memcpy(out + at + FIELD_HEADER, p, n);
		at += FIELD_HEADER + n;
		count++;
	}
	if (at > TANDEM_TLOG_RECORD_MAX)
		return refuse(why, why_size, "%s", "larger than TANDEM_TLOG_RECORD_MAX");
	out[0] = TANDEM_TLOG_RECORD_VERSION;
	tlog_put_be(out + 1, r->type, 2);
	tlog_put_be(out + 3, r->time, 8);
	out[11] = (uint8_t)count;
	*len = at;
	return 0;
}

int tandem_tlog_record_decode(const uint8_t *in, size_t len, struct tandem_tlog_record *r,
			      char *why, size_t why_size)
{
	size_t at = HEADER;
	unsigned count, last = 0;

	memset(r, 0, sizeof *r);
	if (len < HEADER)
		return refuse(why, why_size, "%s", "shorter than a record's header");
	if (len > TANDEM_TLOG_RECORD_MAX)
		return refuse(why, why_size, "%s", "larger than TANDEM_TLOG_RECORD_MAX");
	if (in[0] != TANDEM_TLOG_RECORD_VERSION)
		return refuse(why, why_size, "%s", "unknown record version");
	r->type = (unsigned)tlog_get_be(in + 1, 2);
	if (tandem_tlog_type_name(r->type) == NULL)
		return refuse(why, why_size, "%s", "unknown record type");
	r->time = tlog_get_be(in + 3, 8);
	count = in[11];
	for (unsigned i = 0; i < count; i++) {
		unsigned tag;
		uint64_t n;

		if (len - at < FIELD_HEADER)
			return refuse(why, why_size, "%s", "a field cut short");
		tag = in[at];
		n = tlog_get_be(in + at + 1, 4);
		if (tag == 0 || tag >= TANDEM_TLOG_F_COUNT || fields[tag].name == NULL)
			return refuse(why, why_size, "%s", "unknown field tag");
		if (tag <= last)
			return refuse(why, why_size, "field %s: out of order or repeated",
				      fields[tag].name);
		if (n > len - at - FIELD_HEADER)
			return refuse(why, why_size, "field %s: cut short", fields[tag].name);
		at += FIELD_HEADER;
		if (fields[tag].kind == TANDEM_TLOG_U64 || fields[tag].kind == TANDEM_TLOG_I64) {
			if (n != 8)
				return refuse(why, why_size, "field %s: not 8 bytes",
					      fields[tag].name);
			r->num[tag] = tlog_get_be(in + at, 8);
		} else {
			r->bytes[tag] = tandem_slice_make((const char *)in + at, (size_t)n);
			if (fields[tag].kind == TANDEM_TLOG_SHA256 ? n != TANDEM_TLOG_HASH
				: !text_ok(r->bytes[tag], fields[tag].max))
				return refuse(why, why_size, "field %s: not of its kind, or too long",
					      fields[tag].name);
		}
		r->present |= UINT32_C(1) << tag;
		at += (size_t)n;
		last = tag;
	}
	if (at != len)
		return refuse(why, why_size, "%s", "bytes after the last field");
	return 0;
}
