/*
 * src/llm/pb.c - the protocol-buffer wire format, read field by field with
 * every length checked against the bytes left (pb.h).
 */
#include <string.h>

#include "llm/pb.h"

#define VARINT_BYTES_MAX 10
#define FIELD_NUM_MAX ((1u << 29) - 1)

/* A varint at r->at: 0 and *v, or -1 (truncated, over 10 bytes or 64 bits). */
static int varint(struct pb_reader *r, uint64_t *v, const char **why)
{
	uint64_t x = 0;

	for (unsigned i = 0;; i++) {
		if (r->at >= r->len) {
			*why = "a varint runs past the end of its message";
			return -1;
		}
		uint8_t b = r->p[r->at++];
		/* The tenth byte holds bit 63 only, and ends the varint. */
		if (i == VARINT_BYTES_MAX - 1 && b > 1) {
			*why = "a varint is longer than 10 bytes or beyond 64 bits";
			return -1;
		}
		x |= (uint64_t)(b & 0x7f) << (7 * i);
		if (b < 0x80) {
			*v = x;
			return 0;
		}
	}
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int pb_next(struct pb_reader *r, struct pb_field *f, const char **why)
{
	uint64_t key;

	if (r->at >= r->len)
		return 0;
	memset(f, 0, sizeof *f);
	f->at = r->at;
	if (varint(r, &key, why) != 0)
		return -1;
	if (key >> 3 == 0 || key >> 3 > FIELD_NUM_MAX) {
		*why = "a field number is 0 or beyond 2^29 - 1";
		return -1;
	}
	f->num = (uint32_t)(key >> 3);
	switch (key & 7) {
	case PB_VARINT:
		f->wire = PB_VARINT;
		return varint(r, &f->v, why) == 0 ? 1 : -1;
	case PB_FIXED64:
	case PB_FIXED32: {
		unsigned n = (key & 7) == PB_FIXED64 ? 8 : 4;

		f->wire = (enum pb_wire)(key & 7);
		if (r->len - r->at < n) {
			*why = "a fixed-size value runs past the end of its message";
			return -1;
		}
		f->v = le(r->p + r->at, n);
		r->at += n;
		return 1;
	}
	case PB_LEN: {
		uint64_t n;

		f->wire = PB_LEN;
		if (varint(r, &n, why) != 0)
			return -1;
		if (n > r->len - r->at) {
			*why = "a length runs past the end of its message";
			return -1;
		}
		f->data = r->p + r->at;
		f->len = (size_t)n;
		r->at += (size_t)n;
		return 1;
	}
	default:
		*why = (key & 7) == 3 || (key & 7) == 4 ? "a group (wire types 3 and 4) is not "
							   "read"
							 : "a wire type is 6 or 7, which do not exist";
		return -1;
	}
}

bool pb_float(const struct pb_field *f, float *out)
{
	uint32_t bits = (uint32_t)f->v;

	if (f->wire != PB_FIXED32)
		return false;
	memcpy(out, &bits, sizeof *out);
	return true;
}

bool pb_int32(const struct pb_field *f, int32_t *out)
{
	int64_t v;

	if (f->wire != PB_VARINT)
		return false;
	v = (int64_t)f->v;
	if (v < INT32_MIN || v > INT32_MAX)
		return false;
	*out = (int32_t)v;
	return true;
}

bool pb_bool(const struct pb_field *f, bool *out)
{
	if (f->wire != PB_VARINT || f->v > 1)
		return false;
	*out = f->v == 1;
	return true;
}
