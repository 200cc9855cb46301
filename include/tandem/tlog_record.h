/*
 * tandem/tlog_record.h - the records of the transparency log: one typed
 * entry per financial event, AI output or human decision, with a canonical
 * byte encoding (docs/tlog.md, "Records"): the same content always gives
 * the same bytes, on every platform, and the decoder accepts nothing else.
 * The leaf of the Merkle tree is the hash of these bytes.
 *
 * Encoding, version 1 (integers big-endian):
 *   u8 version (1) | u16 type | u64 time (seconds since 1970-01-01 UTC) |
 *   u8 field count | fields, by increasing tag: u8 tag | u32 length | bytes
 * Each field has a kind: text (UTF-8, no NUL, 1 byte or more), u64 / i64
 * (8 bytes) or sha256 (32 bytes). An absent field is left out; a field is
 * never empty. Unknown versions, types and tags are refused.
 */
#ifndef TANDEM_TLOG_RECORD_H
#define TANDEM_TLOG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/slice.h"

#define TANDEM_TLOG_RECORD_VERSION 1
#define TANDEM_TLOG_RECORD_MAX 65536          /* bytes of one encoded record */

/* XX(constant, number, name): the types of record. Numbers are never
 * reused; the names are those of the ledger's events where there is one. */
#define TANDEM_TLOG_TYPE_MAP(XX)                                 \
	XX(INVOICE_RECEIVE, 1, "invoice.receive")                \
	XX(INVOICE_VALIDATE, 2, "invoice.validate")              \
	XX(INVOICE_MATCH, 3, "invoice.match")                    \
	XX(INVOICE_REJECT, 4, "invoice.reject")                  \
	XX(INVOICE_REROUTE, 5, "invoice.reroute")                \
	XX(INVOICE_PAID, 6, "invoice.paid")                      \
	XX(CREDIT_OFFSET, 7, "credit.offset")                    \
	XX(CREDIT_SETTLED, 8, "credit.settled")                  \
	XX(COMMITMENT_CREATE, 9, "commitment.create")            \
	XX(SERVICE_CERTIFY, 10, "service.certify")               \
	XX(PAYMENT_ORDER, 11, "payment.order")                   \
	XX(PAYMENT_APPROVE, 12, "payment.approve")               \
	XX(PAYMENT_CANCEL, 13, "payment.cancel")                 \
	XX(PAYMENT_RUN, 14, "payment.run")                       \
	XX(SUPPLIER_ADD, 15, "supplier.add")                     \
	XX(SUPPLIER_ACCOUNT, 16, "supplier.account")             \
	XX(SUPPLIER_ADDRESS, 17, "supplier.address")             \
	XX(BUDGET_LOAD, 18, "budget.load")                       \
	XX(APPROPRIATION_MOVE, 19, "appropriation.move")         \
	XX(USER_ADD, 20, "user.add")                             \
	XX(AI_INFERENCE, 21, "ai.inference")                     \
	XX(HUMAN_DECISION, 22, "human.decision")                 \
	XX(STATEMENT, 23, "statement")

enum tandem_tlog_type {
#define TANDEM__TLOG_TYPE_ENUM(c, n, name) TANDEM_TLOG_##c = (n),
	TANDEM_TLOG_TYPE_MAP(TANDEM__TLOG_TYPE_ENUM)
#undef TANDEM__TLOG_TYPE_ENUM
};

/* XX(constant, tag, name, kind, maximum bytes): the fields of a record. */
#define TANDEM_TLOG_FIELD_MAP(XX)                                \
	XX(ACTOR, 1, "actor", TEXT, 256)                         \
	XX(ORIGIN, 2, "origin", TEXT, 64)                        \
	XX(ORIGIN_ID, 3, "origin_id", U64, 8)                    \
	XX(OBJECT, 4, "object", TEXT, 64)                        \
	XX(OBJECT_ID, 5, "object_id", U64, 8)                    \
	XX(INPUT_SHA256, 6, "input_sha256", SHA256, 32)          \
	XX(AMOUNT_CENTS, 7, "amount_cents", I64, 8)              \
	XX(MODEL, 8, "model", TEXT, 256)                         \
	XX(OUTPUT_SHA256, 9, "output_sha256", SHA256, 32)        \
	XX(DETAIL, 10, "detail", TEXT, 60000)

enum tandem_tlog_field {
#define TANDEM__TLOG_FIELD_ENUM(c, tag, name, kind, max) TANDEM_TLOG_F_##c = (tag),
	TANDEM_TLOG_FIELD_MAP(TANDEM__TLOG_FIELD_ENUM)
#undef TANDEM__TLOG_FIELD_ENUM
	TANDEM_TLOG_F_COUNT = 11        /* one more than the highest tag */
};

enum tandem_tlog_kind { TANDEM_TLOG_TEXT, TANDEM_TLOG_U64, TANDEM_TLOG_I64, TANDEM_TLOG_SHA256 };

/* A record, decoded or to encode. Texts and hashes are slices the record
 * does not own (into the encoded bytes, after a decode); numbers are held
 * in num. A field is present when its bit (1 << tag) is set in present. */
struct tandem_tlog_record {
	unsigned type;                                  /* enum tandem_tlog_type */
	uint64_t time;                                  /* seconds since the epoch, UTC */
	uint32_t present;
	struct tandem_slice bytes[TANDEM_TLOG_F_COUNT]; /* TEXT and SHA256 fields */
	uint64_t num[TANDEM_TLOG_F_COUNT];              /* U64, I64 (two's complement) */
};

/* The name of a type ("invoice.receive"), or NULL; and back (0 unknown). */
const char *tandem_tlog_type_name(unsigned type);
unsigned tandem_tlog_type_of(struct tandem_slice name);

/* A time written YYYY-MM-DDTHH:MM:SSZ as seconds since the epoch; false
 * for anything else. */
bool tandem_tlog_time_parse(const char *text, uint64_t *t);

/* Setting fields: text and hash slices are kept, not copied. */
void tandem_tlog_record_text(struct tandem_tlog_record *r, enum tandem_tlog_field f,
			     const char *text);
void tandem_tlog_record_num(struct tandem_tlog_record *r, enum tandem_tlog_field f, uint64_t v);

/* Encodes r into out (size bytes): *len bytes. TANDEM_EBADINPUT (with why)
 * when a field breaks its kind or limit, TANDEM_ELIMIT when out is too
 * small. */
int tandem_tlog_record_encode(const struct tandem_tlog_record *r, uint8_t *out, size_t size,
			      size_t *len, char *why, size_t why_size);

/* Decodes len bytes; the slices of *r point into in. TANDEM_EBADINPUT, with
 * why, unless the bytes are exactly the canonical encoding of a record. */
int tandem_tlog_record_decode(const uint8_t *in, size_t len, struct tandem_tlog_record *r,
			      char *why, size_t why_size);

/*
 * The JSON form, one object on one line, for `tandem log show` and
 * `tandem log append`: {"version": 1, "type": "invoice.receive", "time":
 * "2026-03-04T10:00:00Z", then the fields present by their names; u64 and
 * i64 as integers, sha256 in lower-case hex}. The reader takes exactly one
 * such object (no other member, no nesting; "version" and "time" may be
 * left out: 1 and now_s), decodes its strings into buf (buf_size bytes,
 * which the record's slices point into). Both TANDEM_EBADINPUT with why.
 */
#define TANDEM_TLOG_JSON_MAX (6 * TANDEM_TLOG_RECORD_MAX + 1024)   /* \u00XX: 6 per byte */

int tandem_tlog_record_to_json(const struct tandem_tlog_record *r, char *out, size_t size);
int tandem_tlog_record_from_json(const char *json, size_t len, uint64_t now_s,
				 struct tandem_tlog_record *r, char *buf, size_t buf_size,
				 char *why, size_t why_size);

#endif /* TANDEM_TLOG_RECORD_H */
