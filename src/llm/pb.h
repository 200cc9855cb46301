/*
 * src/llm/pb.h - a reader of the protocol-buffer wire format, enough for
 * SentencePiece's .model files (tok_model.c): a message is a sequence of
 * fields, each a key (field number << 3 | wire type) then a value: a
 * varint (type 0), 8 bytes (1), a length-delimited run of bytes (2: a
 * string, bytes or an embedded message) or 4 bytes (5). Groups (3, 4) are
 * long deprecated and refused, as are the unassigned types 6 and 7.
 *
 * Nothing is copied: a length-delimited value points into the bytes read.
 * Every length is checked against the bytes left before it is used; a
 * varint is at most 10 bytes and fits in 64 bits; a field number is
 * 1 .. 2^29 - 1.
 */
#ifndef TANDEM_PB_H
#define TANDEM_PB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pb_wire {
	PB_VARINT = 0,
	PB_FIXED64 = 1,
	PB_LEN = 2,
	PB_FIXED32 = 5,
};

/* The bytes of one message, read from at. */
struct pb_reader {
	const uint8_t *p;
	size_t len, at;
};

struct pb_field {
	uint32_t num;           /* field number */
	enum pb_wire wire;
	uint64_t v;             /* VARINT; FIXED32 and FIXED64 as their bits */
	const uint8_t *data;    /* LEN: len bytes inside the message */
	size_t len;
	size_t at;              /* offset of the key in the message */
};

static inline struct pb_reader pb_reader_make(const void *p, size_t len)
{
	struct pb_reader r = { p, len, 0 };
	return r;
}

/*
 * The next field of r: 1 and *f filled, 0 at the end of the message, or -1
 * when the bytes are not a well-formed field; *why then says what is wrong
 * (a static sentence) and r->at where.
 */
int pb_next(struct pb_reader *r, struct pb_field *f, const char **why);

/* A field's value as a float (FIXED32 bits), an int32 (VARINT, negative
 * ones sign-extended to 64 bits) or a bool (VARINT 0 or 1); false when the
 * wire type or the value does not fit. */
bool pb_float(const struct pb_field *f, float *out);
bool pb_int32(const struct pb_field *f, int32_t *out);
bool pb_bool(const struct pb_field *f, bool *out);

#endif /* TANDEM_PB_H */
