/*
 * tandem/gguf.h - reading GGUF files, the format open-weight models
 * (Mistral, Llama) are distributed in for CPU inference.
 *
 * A GGUF file (version 2 or 3, little-endian) is a header - the magic
 * "GGUF", a version, the count of tensors and of metadata pairs - then the
 * metadata (typed key/value pairs: integers, floats, booleans, strings,
 * arrays of them), the tensor table (name, dimensions, type, offset), and
 * the tensor data, each tensor at an offset aligned to general.alignment
 * (32 by default) from the start of the data section.
 *
 * tandem_gguf_open() maps the file read-only and checks all of it before
 * anything is used: every length against the bytes left, every count
 * against a limit, each tensor's type, dimensions, size, offset, alignment
 * and overlap with the others. Weights are never copied: a tensor's data
 * points into the mapping, valid until tandem_gguf_close(). Strings in the
 * file are not NUL-terminated; they are handed out as pointer and length.
 */
#ifndef TANDEM_GGUF_H
#define TANDEM_GGUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/diag.h"

#define TANDEM_GGUF_KV_MAX        100000     /* metadata pairs */
#define TANDEM_GGUF_TENSORS_MAX   100000     /* tensors */
#define TANDEM_GGUF_ARRAY_MAX     (1u << 24) /* elements of one array */
#define TANDEM_GGUF_STRING_MAX    (1u << 24) /* bytes of one string */
#define TANDEM_GGUF_KEY_MAX       65535      /* bytes of a key or tensor name */
#define TANDEM_GGUF_DIMS_MAX      4          /* dimensions of a tensor */
#define TANDEM_GGUF_ALIGN_MAX     (1u << 20) /* general.alignment */
#define TANDEM_GGUF_NESTING_MAX   4          /* arrays of arrays */

/* The metadata value types of the format (their numbers in the file). */
enum tandem_gguf_type {
	TANDEM_GGUF_UINT8 = 0,
	TANDEM_GGUF_INT8 = 1,
	TANDEM_GGUF_UINT16 = 2,
	TANDEM_GGUF_INT16 = 3,
	TANDEM_GGUF_UINT32 = 4,
	TANDEM_GGUF_INT32 = 5,
	TANDEM_GGUF_FLOAT32 = 6,
	TANDEM_GGUF_BOOL = 7,
	TANDEM_GGUF_STRING = 8,
	TANDEM_GGUF_ARRAY = 9,
	TANDEM_GGUF_UINT64 = 10,
	TANDEM_GGUF_INT64 = 11,
	TANDEM_GGUF_FLOAT64 = 12,
};

/* The tensor types (ggml's numbering) tandem knows the block layout of.
 * Others are refused when the file is opened. */
enum tandem_ggml_type {
	TANDEM_GGML_F32 = 0,
	TANDEM_GGML_F16 = 1,
	TANDEM_GGML_Q4_0 = 2,
	TANDEM_GGML_Q4_1 = 3,
	TANDEM_GGML_Q5_0 = 6,
	TANDEM_GGML_Q5_1 = 7,
	TANDEM_GGML_Q8_0 = 8,
	TANDEM_GGML_Q8_1 = 9,
	TANDEM_GGML_Q2_K = 10,
	TANDEM_GGML_Q3_K = 11,
	TANDEM_GGML_Q4_K = 12,
	TANDEM_GGML_Q5_K = 13,
	TANDEM_GGML_Q6_K = 14,
	TANDEM_GGML_Q8_K = 15,
	TANDEM_GGML_BF16 = 30,
};

/* A string of the file: len bytes at p, not NUL-terminated. */
struct tandem_gguf_str {
	const char *p;
	uint64_t len;
};

/*
 * A metadata value. Scalars are widened: u for unsigned integers and bool,
 * i for signed integers, f for floats. An array has its element type, its
 * count and its elements' bytes (read them with tandem_gguf_array_*()).
 */
struct tandem_gguf_value {
	enum tandem_gguf_type type;
	union {
		uint64_t u;
		int64_t i;
		double f;
		struct tandem_gguf_str s;
		struct {
			enum tandem_gguf_type type;
			uint64_t count;
			const unsigned char *data;   /* the first element in the file */
			const uint64_t *offsets;     /* strings and arrays: each element's
							offset from data (count + 1) */
		} arr;
	} v;
};

struct tandem_gguf_kv {
	struct tandem_gguf_str key;
	struct tandem_gguf_value value;
};

struct tandem_gguf_tensor {
	struct tandem_gguf_str name;
	uint32_t n_dims;
	uint64_t ne[TANDEM_GGUF_DIMS_MAX];    /* elements per dimension; 1 beyond n_dims;
						 ne[0] is the row, contiguous */
	enum tandem_ggml_type type;
	uint64_t offset;                      /* from the start of the data section */
	uint64_t bytes;                       /* its data's size */
	const void *data;                     /* in the mapping */
};

struct tandem_gguf;

/*
 * Opens path (mapped read-only) or reads len bytes the caller keeps alive
 * (tandem_gguf_read(), for tests and fuzzing), and checks the whole file.
 * Refused with a finding TANDEM-GGUF-* saying where and why: TANDEM_EIO
 * (cannot read), TANDEM_EBADINPUT (not GGUF, truncated, a length beyond
 * the file, an unknown value or tensor type, a tensor out of bounds or
 * misaligned or overlapping another, duplicate keys or names), TANDEM_ELIMIT
 * (a count beyond its limit above), TANDEM_ENOMEM. *out is the caller's,
 * freed by tandem_gguf_close().
 */
int tandem_gguf_open(const char *path, struct tandem_diag *d, struct tandem_gguf **out);
int tandem_gguf_read(const void *bytes, size_t len, struct tandem_diag *d,
		     struct tandem_gguf **out);
void tandem_gguf_close(struct tandem_gguf *g);

uint32_t tandem_gguf_version(const struct tandem_gguf *g);
uint64_t tandem_gguf_file_bytes(const struct tandem_gguf *g);
uint32_t tandem_gguf_alignment(const struct tandem_gguf *g);

/* The metadata, in file order; find by key (NULL: none). */
size_t tandem_gguf_kv_count(const struct tandem_gguf *g);
const struct tandem_gguf_kv *tandem_gguf_kv_at(const struct tandem_gguf *g, size_t i);
const struct tandem_gguf_kv *tandem_gguf_find(const struct tandem_gguf *g, const char *key);

/*
 * Typed reads of a key: false when it is missing, of another kind, or (for
 * integers) out of the range of the result. Any integer type reads as an
 * integer, FLOAT32 and FLOAT64 as a double.
 */
bool tandem_gguf_get_u64(const struct tandem_gguf *g, const char *key, uint64_t *out);
bool tandem_gguf_get_i64(const struct tandem_gguf *g, const char *key, int64_t *out);
bool tandem_gguf_get_f64(const struct tandem_gguf *g, const char *key, double *out);
bool tandem_gguf_get_bool(const struct tandem_gguf *g, const char *key, bool *out);
bool tandem_gguf_get_str(const struct tandem_gguf *g, const char *key,
			 struct tandem_gguf_str *out);
/* An array of key: its element type and count (false: not an array). */
bool tandem_gguf_get_array(const struct tandem_gguf *g, const char *key,
			   enum tandem_gguf_type *type, uint64_t *count);

/* Element i of an array value (i < count, checked): as above, false when
 * the element is not of that kind. */
bool tandem_gguf_array_str(const struct tandem_gguf_value *v, uint64_t i,
			   struct tandem_gguf_str *out);
bool tandem_gguf_array_i64(const struct tandem_gguf_value *v, uint64_t i, int64_t *out);
bool tandem_gguf_array_f64(const struct tandem_gguf_value *v, uint64_t i, double *out);

/* The tensors, in file order; find by name (NULL: none). */
size_t tandem_gguf_tensor_count(const struct tandem_gguf *g);
const struct tandem_gguf_tensor *tandem_gguf_tensor_at(const struct tandem_gguf *g, size_t i);
const struct tandem_gguf_tensor *tandem_gguf_tensor_find(const struct tandem_gguf *g,
							const char *name);

/* "F32", "Q4_K" ...; "?" for a type tandem does not know. */
const char *tandem_ggml_type_name(enum tandem_ggml_type t);
/* Elements per block and bytes per block of a type; false when unknown. */
bool tandem_ggml_type_block(enum tandem_ggml_type t, uint32_t *elements, uint32_t *bytes);
/* "UINT32", "STRING", "ARRAY" ... */
const char *tandem_gguf_type_name(enum tandem_gguf_type t);

#endif /* TANDEM_GGUF_H */
