/*
 * src/llm/quantize.c - a model file rewritten with its weight matrices in
 * Q8_0 or Q4_0 (tandem llm quantize), as llama.cpp's llama-quantize does:
 * two-dimensional weights are quantized from their float values, the
 * output projection (or the embeddings when they serve as output) goes to
 * Q6_K for Q4_0 unless "pure", vectors stay F32, the metadata is copied
 * with general.file_type and general.quantization_version set. The file
 * is written beside the target and renamed: never half a file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llm/gguf_int.h"
#include "llm/llm_int.h"
#include "tandem/error.h"

#define FTYPE_Q4_0 2u          /* llama.cpp's file types */
#define FTYPE_Q8_0 7u
#define QUANT_VERSION 2u

struct out {
	FILE *f;
	uint64_t pos;
	int err;
};

static void w(struct out *o, const void *p, size_t n)
{
	if (o->err == 0 && n > 0 && fwrite(p, 1, n, o->f) != n)
		o->err = TANDEM_EIO;
	o->pos += n;
}

static void w_u(struct out *o, uint64_t v, unsigned bytes)
{
	unsigned char b[8];

	for (unsigned i = 0; i < bytes; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	w(o, b, bytes);
}

static void w_str(struct out *o, struct tandem_gguf_str s)
{
	w_u(o, s.len, 8);
	w(o, s.p, (size_t)s.len);
}

static void w_pad(struct out *o, uint32_t align)
{
	static const unsigned char zero[64];

	while (o->pos % align != 0)
		w(o, zero, (size_t)((align - o->pos % align) < 64 ? align - o->pos % align : 64));
}

/* A value as it was in the file: scalars re-encoded, arrays copied. */
static void w_value(struct out *o, const struct tandem_gguf_value *v)
{
	static const unsigned char sizes[] = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };
	float f32;
	uint32_t r32;

	switch (v->type) {
	case TANDEM_GGUF_STRING:
		w_str(o, v->v.s);
		break;
	case TANDEM_GGUF_ARRAY: {
		uint64_t bytes = v->v.arr.offsets != NULL ? v->v.arr.offsets[v->v.arr.count] :
			v->v.arr.count * sizes[v->v.arr.type];
		w_u(o, v->v.arr.type, 4);
		w_u(o, v->v.arr.count, 8);
		w(o, v->v.arr.data, (size_t)bytes);
		break;
	}
	case TANDEM_GGUF_FLOAT32:
		f32 = (float)v->v.f;
		memcpy(&r32, &f32, sizeof r32);
		w_u(o, r32, 4);
		break;
	case TANDEM_GGUF_FLOAT64: {
		uint64_t r;
		memcpy(&r, &v->v.f, sizeof r);
		w_u(o, r, 8);
		break;
	}
	default:
		w_u(o, v->v.u, sizes[v->type]);
	}
}

static bool is_name(struct tandem_gguf_str s, const char *name)
{
	return s.len == strlen(name) && memcmp(s.p, name, s.len) == 0;
}

/* The type a tensor gets. */
static enum tandem_ggml_type target(const struct tandem_gguf *g, const struct tandem_gguf_tensor *t,
				    enum tandem_ggml_type type, bool pure)
{
	bool output = is_name(t->name, "output.weight") ||
		(tandem_gguf_tensor_find(g, "output.weight") == NULL &&
		 is_name(t->name, "token_embd.weight"));
	enum tandem_ggml_type want = output && type == TANDEM_GGML_Q4_0 && !pure ?
		TANDEM_GGML_Q6_K : type;
	uint32_t elems, bytes;

	if (t->n_dims < 2 || t->ne[0] % 32 != 0)
		return t->type;
	(void)tandem_ggml_type_block(want, &elems, &bytes);
	return t->ne[0] % elems == 0 ? want : type;
}

static uint64_t tensor_bytes(const struct tandem_gguf_tensor *t, enum tandem_ggml_type type)
{
	uint32_t elems, bytes;

	(void)tandem_ggml_type_block(type, &elems, &bytes);
	return t->ne[0] * t->ne[1] * t->ne[2] * t->ne[3] / elems * bytes;
}

static int w_header(struct out *o, const struct tandem_gguf *g, const enum tandem_ggml_type *to,
		    uint32_t ftype)
{
	bool has_qv = tandem_gguf_find(g, "general.quantization_version") != NULL;
	uint64_t offset = 0;

	w_u(o, 0x46554747u, 4);
	w_u(o, 3, 4);
	w_u(o, g->n_tensors, 8);
	w_u(o, g->n_kv + (has_qv ? 0 : 1), 8);
	for (size_t i = 0; i < g->n_kv; i++) {
		const struct tandem_gguf_kv *kv = &g->kv[i];

		w_str(o, kv->key);
		w_u(o, kv->value.type, 4);
		if (is_name(kv->key, "general.file_type") && kv->value.type == TANDEM_GGUF_UINT32)
			w_u(o, ftype, 4);
		else
			w_value(o, &kv->value);
	}
	if (!has_qv) {
		w_str(o, (struct tandem_gguf_str){ "general.quantization_version", 28 });
		w_u(o, TANDEM_GGUF_UINT32, 4);
		w_u(o, QUANT_VERSION, 4);
	}
	for (size_t i = 0; i < g->n_tensors; i++) {
		const struct tandem_gguf_tensor *t = &g->tensors[i];

		w_str(o, t->name);
		w_u(o, t->n_dims, 4);
		for (uint32_t k = 0; k < t->n_dims; k++)
			w_u(o, t->ne[k], 8);
		w_u(o, to[i], 4);
		w_u(o, offset, 8);
		offset += (tensor_bytes(t, to[i]) + g->alignment - 1) / g->alignment * g->alignment;
	}
	w_pad(o, g->alignment);
	return o->err;
}

/* A tensor's data, row by row: kept as it is, or read as floats and
 * quantized. */
static int w_tensor(struct out *o, const struct tandem_gguf_tensor *t, enum tandem_ggml_type to,
		    float *row, unsigned char *q)
{
	uint64_t rows = t->ne[1] * t->ne[2] * t->ne[3];
	struct llm_mat m = { t->data, t->type, (uint32_t)rows, (uint32_t)t->ne[0],
			     (size_t)(t->bytes / rows) };
	size_t qbytes = (size_t)(tensor_bytes(t, to) / rows);

	if (to == t->type) {
		w(o, t->data, (size_t)t->bytes);
		return o->err;
	}
	for (uint32_t r = 0; r < rows && o->err == 0; r++) {
		llm_row_get(&m, r, row);
		if (to == TANDEM_GGML_Q8_0)
			llm_quant_q8_0(row, q, m.cols);
		else if (to == TANDEM_GGML_Q4_0)
			llm_quant_q4_0(row, q, m.cols);
		else
			llm_quant_q6_k(row, q, m.cols);
		w(o, q, qbytes);
	}
	return o->err;
}

static int check(const struct tandem_gguf *g, enum tandem_ggml_type type, struct tandem_diag *d)
{
	if (type != TANDEM_GGML_Q8_0 && type != TANDEM_GGML_Q4_0)
		return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EINVAL, "TANDEM-LLM-QUANTIZE",
				       NULL, 0, "tandem quantizes to Q8_0 or Q4_0"), TANDEM_EINVAL;
	for (size_t i = 0; i < g->n_tensors; i++) {
		const struct tandem_gguf_tensor *t = &g->tensors[i];

		if (t->n_dims >= 2 && t->type != TANDEM_GGML_F32 && t->type != TANDEM_GGML_F16 &&
		    t->type != TANDEM_GGML_BF16)
			return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
					       "TANDEM-LLM-QUANTIZE", NULL, 0, "%.*s is %s already: "
					       "quantize from F32, F16 or BF16",
					       (int)(t->name.len < 80 ? t->name.len : 80), t->name.p,
					       tandem_ggml_type_name(t->type)), TANDEM_EBADINPUT;
		if (t->ne[0] > TANDEM_LLM_DIM_MAX)
			return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT,
					       "TANDEM-LLM-QUANTIZE", NULL, 0, "a row is longer than "
					       "%u", TANDEM_LLM_DIM_MAX), TANDEM_ELIMIT;
	}
	return 0;
}

int tandem_llm_quantize(const struct tandem_gguf *g, const char *path, enum tandem_ggml_type type,
			bool pure, struct tandem_diag *d)
{
	char tmp[4096];
	struct out o = { 0 };
	enum tandem_ggml_type *to = calloc(g->n_tensors + 1, sizeof *to);
	float *row = malloc(TANDEM_LLM_DIM_MAX * sizeof *row);
	unsigned char *q = malloc(2 * (size_t)TANDEM_LLM_DIM_MAX); /* < 2 bytes an element */
	int rc = to != NULL && row != NULL && q != NULL ? check(g, type, d) : TANDEM_ENOMEM;

	if (rc == 0 && (size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >=
			       sizeof tmp)
		rc = TANDEM_EINVAL;
	if (rc == 0 && (o.f = fopen(tmp, "wb")) == NULL) {
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EIO, "TANDEM-LLM-QUANTIZE", path,
				      0, "cannot write: %s", strerror(errno));
		rc = TANDEM_EIO;
	}
	for (size_t i = 0; rc == 0 && i < g->n_tensors; i++)
		to[i] = target(g, &g->tensors[i], type, pure);
	if (rc == 0)
		rc = w_header(&o, g, to, type == TANDEM_GGML_Q8_0 ? FTYPE_Q8_0 : FTYPE_Q4_0);
	for (size_t i = 0; rc == 0 && i < g->n_tensors; i++) {
		rc = w_tensor(&o, &g->tensors[i], to[i], row, q);
		w_pad(&o, g->alignment);
		rc = rc != 0 ? rc : o.err;
	}
	if (o.f != NULL && (fflush(o.f) != 0 || fsync(fileno(o.f)) != 0 || fclose(o.f) != 0) &&
	    rc == 0)
		rc = TANDEM_EIO;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = TANDEM_EIO;
	if (rc == TANDEM_EIO && o.f != NULL)
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EIO, "TANDEM-LLM-QUANTIZE", path, 0,
				      "cannot write the file: %s", strerror(errno));
	if (rc != 0 && o.f != NULL)
		(void)unlink(tmp);
	free(q);
	free(row);
	free(to);
	return rc;
}
