/*
 * src/llm/gguf_get.c - questions asked of an opened GGUF file: its
 * metadata by key and type, array elements, tensors by name, and the
 * block layout of each tensor type.
 */
#include <string.h>

#include "llm/gguf_int.h"
#include "tandem/error.h"

static uint64_t hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
	return h;
}

int gguf_index_init(struct gguf_index *x, struct tandem_arena *a, size_t n)
{
	size_t size = 16;

	while (size < 2 * n)
		size *= 2;
	x->slots = tandem_arena_calloc(a, size, sizeof *x->slots);
	x->mask = size - 1;
	return x->slots != NULL ? 0 : TANDEM_ENOMEM;
}

static struct tandem_gguf_str name_of(const struct gguf_index *x, size_t i)
{
	return x->kv != NULL ? x->kv[i].key : x->tensors[i].name;
}

long gguf_index_find(const struct gguf_index *x, const char *name, size_t len)
{
	for (size_t at = hash(name, len) & x->mask; x->slots[at] != 0; at = (at + 1) & x->mask) {
		struct tandem_gguf_str s = name_of(x, x->slots[at] - 1);

		if (s.len == len && memcmp(s.p, name, len) == 0)
			return (long)x->slots[at] - 1;
	}
	return -1;
}

int gguf_index_add(struct gguf_index *x, struct tandem_gguf_str name, size_t i)
{
	size_t at = hash(name.p, name.len) & x->mask;

	if (gguf_index_find(x, name.p, name.len) >= 0)
		return TANDEM_EEXIST;
	while (x->slots[at] != 0)
		at = (at + 1) & x->mask;
	x->slots[at] = (uint32_t)i + 1;
	return 0;
}

uint32_t tandem_gguf_version(const struct tandem_gguf *g) { return g->version; }
uint64_t tandem_gguf_file_bytes(const struct tandem_gguf *g) { return g->len; }
uint32_t tandem_gguf_alignment(const struct tandem_gguf *g) { return g->alignment; }
size_t tandem_gguf_kv_count(const struct tandem_gguf *g) { return g->n_kv; }
size_t tandem_gguf_tensor_count(const struct tandem_gguf *g) { return g->n_tensors; }

const struct tandem_gguf_kv *tandem_gguf_kv_at(const struct tandem_gguf *g, size_t i)
{
	return i < g->n_kv ? &g->kv[i] : NULL;
}

const struct tandem_gguf_tensor *tandem_gguf_tensor_at(const struct tandem_gguf *g, size_t i)
{
	return i < g->n_tensors ? &g->tensors[i] : NULL;
}

const struct tandem_gguf_kv *tandem_gguf_find(const struct tandem_gguf *g, const char *key)
{
	long i = gguf_index_find(&g->kv_index, key, strlen(key));

	return i >= 0 ? &g->kv[i] : NULL;
}

const struct tandem_gguf_tensor *tandem_gguf_tensor_find(const struct tandem_gguf *g,
							const char *name)
{
	long i = gguf_index_find(&g->tensor_index, name, strlen(name));

	return i >= 0 ? &g->tensors[i] : NULL;
}

static bool is_unsigned(enum tandem_gguf_type t)
{
	return t == TANDEM_GGUF_UINT8 || t == TANDEM_GGUF_UINT16 || t == TANDEM_GGUF_UINT32 ||
	       t == TANDEM_GGUF_UINT64;
}

static bool is_signed(enum tandem_gguf_type t)
{
	return t == TANDEM_GGUF_INT8 || t == TANDEM_GGUF_INT16 || t == TANDEM_GGUF_INT32 ||
	       t == TANDEM_GGUF_INT64;
}

bool tandem_gguf_get_u64(const struct tandem_gguf *g, const char *key, uint64_t *out)
{
	const struct tandem_gguf_kv *kv = tandem_gguf_find(g, key);

	if (kv == NULL)
		return false;
	if (is_unsigned(kv->value.type))
		*out = kv->value.v.u;
	else if (is_signed(kv->value.type) && kv->value.v.i >= 0)
		*out = (uint64_t)kv->value.v.i;
	else
		return false;
	return true;
}

bool tandem_gguf_get_i64(const struct tandem_gguf *g, const char *key, int64_t *out)
{
	const struct tandem_gguf_kv *kv = tandem_gguf_find(g, key);

	if (kv == NULL)
		return false;
	if (is_signed(kv->value.type))
		*out = kv->value.v.i;
	else if (is_unsigned(kv->value.type) && kv->value.v.u <= INT64_MAX)
		*out = (int64_t)kv->value.v.u;
	else
		return false;
	return true;
}

bool tandem_gguf_get_f64(const struct tandem_gguf *g, const char *key, double *out)
{
	const struct tandem_gguf_kv *kv = tandem_gguf_find(g, key);

	if (kv == NULL || (kv->value.type != TANDEM_GGUF_FLOAT32 &&
			   kv->value.type != TANDEM_GGUF_FLOAT64))
		return false;
	*out = kv->value.v.f;
	return true;
}

bool tandem_gguf_get_bool(const struct tandem_gguf *g, const char *key, bool *out)
{
	const struct tandem_gguf_kv *kv = tandem_gguf_find(g, key);

	if (kv == NULL || kv->value.type != TANDEM_GGUF_BOOL)
		return false;
	*out = kv->value.v.u != 0;
	return true;
}

bool tandem_gguf_get_str(const struct tandem_gguf *g, const char *key,
			 struct tandem_gguf_str *out)
{
	const struct tandem_gguf_kv *kv = tandem_gguf_find(g, key);

	if (kv == NULL || kv->value.type != TANDEM_GGUF_STRING)
		return false;
	*out = kv->value.v.s;
	return true;
}

bool tandem_gguf_get_array(const struct tandem_gguf *g, const char *key,
			   enum tandem_gguf_type *type, uint64_t *count)
{
	const struct tandem_gguf_kv *kv = tandem_gguf_find(g, key);

	if (kv == NULL || kv->value.type != TANDEM_GGUF_ARRAY)
		return false;
	*type = kv->value.v.arr.type;
	*count = kv->value.v.arr.count;
	return true;
}

static uint64_t le(const unsigned char *b, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

bool tandem_gguf_array_str(const struct tandem_gguf_value *v, uint64_t i,
			   struct tandem_gguf_str *out)
{
	if (v->type != TANDEM_GGUF_ARRAY || v->v.arr.type != TANDEM_GGUF_STRING ||
	    i >= v->v.arr.count)
		return false;
	/* Checked at open: 8 bytes of length, then that many bytes. */
	const unsigned char *at = v->v.arr.data + v->v.arr.offsets[i];
	out->len = le(at, 8);
	out->p = (const char *)at + 8;
	return true;
}

/* Bytes of one element of the array, 0 for strings and arrays. */
static unsigned elem_size(enum tandem_gguf_type t)
{
	static const unsigned char sizes[] = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };

	return (unsigned)t < sizeof sizes ? sizes[t] : 0;
}

bool tandem_gguf_array_i64(const struct tandem_gguf_value *v, uint64_t i, int64_t *out)
{
	enum tandem_gguf_type t = v->v.arr.type;
	unsigned n = elem_size(t);

	if (v->type != TANDEM_GGUF_ARRAY || i >= v->v.arr.count ||
	    !(is_signed(t) || is_unsigned(t) || t == TANDEM_GGUF_BOOL))
		return false;
	uint64_t raw = le(v->v.arr.data + i * n, n);
	if (is_signed(t) && n < 8 && (raw >> (8 * n - 1)) != 0)
		raw |= ~(uint64_t)0 << (8 * n);     /* sign extension */
	if (t == TANDEM_GGUF_UINT64 && raw > INT64_MAX)
		return false;
	*out = (int64_t)raw;
	return true;
}

bool tandem_gguf_array_f64(const struct tandem_gguf_value *v, uint64_t i, double *out)
{
	enum tandem_gguf_type t = v->v.arr.type;

	if (v->type != TANDEM_GGUF_ARRAY || i >= v->v.arr.count ||
	    (t != TANDEM_GGUF_FLOAT32 && t != TANDEM_GGUF_FLOAT64))
		return false;
	if (t == TANDEM_GGUF_FLOAT32) {
		uint32_t r = (uint32_t)le(v->v.arr.data + i * 4, 4);
		float f;
		memcpy(&f, &r, sizeof f);
		*out = f;
	} else {
		uint64_t r = le(v->v.arr.data + i * 8, 8);
		memcpy(out, &r, sizeof *out);
	}
	return true;
}

/* ggml's block layouts: elements per block, bytes per block. */
static const struct { enum tandem_ggml_type t; const char *name; uint32_t n, bytes; } types[] = {
	{ TANDEM_GGML_F32, "F32", 1, 4 },       { TANDEM_GGML_F16, "F16", 1, 2 },
	{ TANDEM_GGML_Q4_0, "Q4_0", 32, 18 },   { TANDEM_GGML_Q4_1, "Q4_1", 32, 20 },
	{ TANDEM_GGML_Q5_0, "Q5_0", 32, 22 },   { TANDEM_GGML_Q5_1, "Q5_1", 32, 24 },
	{ TANDEM_GGML_Q8_0, "Q8_0", 32, 34 },   { TANDEM_GGML_Q8_1, "Q8_1", 32, 36 },
	{ TANDEM_GGML_Q2_K, "Q2_K", 256, 84 },  { TANDEM_GGML_Q3_K, "Q3_K", 256, 110 },
	{ TANDEM_GGML_Q4_K, "Q4_K", 256, 144 }, { TANDEM_GGML_Q5_K, "Q5_K", 256, 176 },
	{ TANDEM_GGML_Q6_K, "Q6_K", 256, 210 }, { TANDEM_GGML_Q8_K, "Q8_K", 256, 292 },
	{ TANDEM_GGML_BF16, "BF16", 1, 2 },
};

bool tandem_ggml_type_block(enum tandem_ggml_type t, uint32_t *elements, uint32_t *bytes)
{
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (types[i].t == t) {
			*elements = types[i].n;
			*bytes = types[i].bytes;
			return true;
		}
	return false;
}

const char *tandem_ggml_type_name(enum tandem_ggml_type t)
{
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (types[i].t == t)
			return types[i].name;
	return "?";
}

const char *tandem_gguf_type_name(enum tandem_gguf_type t)
{
	static const char *const names[] = { "UINT8", "INT8", "UINT16", "INT16", "UINT32",
					     "INT32", "FLOAT32", "BOOL", "STRING", "ARRAY",
					     "UINT64", "INT64", "FLOAT64" };

	return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}
