/*
 * src/llm/quant.c - reading weights of every type ggml's files use: a row
 * is dequantized block by block (the block layouts of F16, BF16, Q8_0,
 * Q4_0, Q4_K, Q5_K, Q6_K) and multiplied in float. This is the portable
 * path: exact to the stored values, the reference for faster kernels.
 */
#include <string.h>
#include "core/cpu.h"
#include "llm/llm_int.h"
#include "tandem/half.h"

#define QK 32        /* elements of a Q8_0 / Q4_0 block */
#define QK_K 256     /* elements of a K-quant super-block */

static float h(const unsigned char *p)
{
	return tandem_float_of_half((uint16_t)(p[0] | p[1] << 8));
}

/* Q8_0: d (f16), 32 signed bytes; x = d * q. */
static void deq_q8_0(const unsigned char *b, float *y)
{
	float d = h(b);

	for (int i = 0; i < QK; i++)
		y[i] = d * (float)(int8_t)b[2 + i];
}

/* Q4_0: d (f16), 16 bytes of two nibbles; low nibbles are the first 16
 * elements, high ones the last 16, both offset by 8. */
static void deq_q4_0(const unsigned char *b, float *y)
{
	float d = h(b);

	for (int i = 0; i < QK / 2; i++) {
		y[i] = d * (float)((b[2 + i] & 0x0F) - 8);
		y[i + QK / 2] = d * (float)((b[2 + i] >> 4) - 8);
	}
}

/* Q4_K and Q5_K: d, dmin (f16), 12 bytes of scales, (Q5_K: 32 bytes qh of
 * each element's fifth bit,) 128 bytes of nibbles; eight sub-blocks of 32,
 * x = d * sc * q - dmin * m. */
static void deq_k(const unsigned char *b, const unsigned char *qh, const unsigned char *q,
		  float *y)
{
	float d = h(b), dmin = h(b + 2);
	const unsigned char *scales = b + 4;
	unsigned sc, m, u1 = 1, u2 = 2;

	for (int j = 0; j < 8; j += 2, q += 32, u1 <<= 2, u2 <<= 2) {
		llm_k_scale_min(j, scales, &sc, &m);
		float d1 = d * (float)sc, m1 = dmin * (float)m;
		llm_k_scale_min(j + 1, scales, &sc, &m);
		float d2 = d * (float)sc, m2 = dmin * (float)m;
		for (int l = 0; l < 32; l++)
			*y++ = d1 * (float)((q[l] & 0x0F) + (qh && (qh[l] & u1) ? 16 : 0)) - m1;
		for (int l = 0; l < 32; l++)
			*y++ = d2 * (float)((q[l] >> 4) + (qh && (qh[l] & u2) ? 16 : 0)) - m2;
	}
}

static void deq_q4_k(const unsigned char *b, float *y)
{
	deq_k(b, NULL, b + 16, y);
}

static void deq_q5_k(const unsigned char *b, float *y)
{
	deq_k(b, b + 16, b + 48, y);
}

/* Q6_K: 128 bytes of low nibbles, 64 of high 2-bit pairs, 16 signed
 * scales, d (f16); x = d * scale * (q - 32). */
static void deq_q6_k(const unsigned char *b, float *y)
{
	const unsigned char *ql = b, *qh = b + 128;
	const signed char *sc = (const signed char *)(b + 192);
	float d = h(b + 208);

	for (int n = 0; n < QK_K; n += 128, y += 128, ql += 64, qh += 32, sc += 8) {
		for (int l = 0; l < 32; l++) {
			int is = l / 16;
			int q1 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
			int q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
			int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
			int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
			y[l] = d * (float)sc[is] * (float)q1;
			y[l + 32] = d * (float)sc[is + 2] * (float)q2;
			y[l + 64] = d * (float)sc[is + 4] * (float)q3;
			y[l + 96] = d * (float)sc[is + 6] * (float)q4;
		}
	}
}

int llm_type_supported(enum tandem_ggml_type t)
{
	return t == TANDEM_GGML_F32 || t == TANDEM_GGML_F16 || t == TANDEM_GGML_BF16 ||
	       t == TANDEM_GGML_Q8_0 || t == TANDEM_GGML_Q4_0 || t == TANDEM_GGML_Q4_K ||
	       t == TANDEM_GGML_Q5_K || t == TANDEM_GGML_Q6_K;
}

/* The dequantizer of a block type, its elements and bytes per block. */
static void block_kind(enum tandem_ggml_type t, void (**deq)(const unsigned char *, float *),
		       size_t *elems, size_t *bytes)
{
	switch (t) {
	case TANDEM_GGML_Q8_0:
		*deq = deq_q8_0, *elems = QK, *bytes = 34;
		break;
	case TANDEM_GGML_Q4_0:
		*deq = deq_q4_0, *elems = QK, *bytes = 18;
		break;
	case TANDEM_GGML_Q4_K:
		*deq = deq_q4_k, *elems = QK_K, *bytes = 144;
		break;
	case TANDEM_GGML_Q5_K:
		*deq = deq_q5_k, *elems = QK_K, *bytes = 176;
		break;
	default: /* Q6_K: llm_type_supported() let nothing else in */
		*deq = deq_q6_k, *elems = QK_K, *bytes = 210;
	}
}

static float u16_at(const unsigned char *b, size_t i, enum tandem_ggml_type t)
{
	uint16_t v = (uint16_t)(b[2 * i] | b[2 * i + 1] << 8);

	return t == TANDEM_GGML_F16 ? tandem_float_of_half(v) : tandem_float_of_bf16(v);
}

void llm_row_get(const struct llm_mat *w, uint32_t r, float *out)
{
	const unsigned char *b = (const unsigned char *)w->data + (size_t)r * w->row_bytes;
	void (*deq)(const unsigned char *, float *);
	size_t n = w->cols, elems, bytes;

	if (w->type == TANDEM_GGML_F32) {
		memcpy(out, b, n * sizeof *out);
		return;
	}
	if (w->type == TANDEM_GGML_F16 || w->type == TANDEM_GGML_BF16) {
		for (size_t i = 0; i < n; i++)
			out[i] = u16_at(b, i, w->type);
		return;
	}
	block_kind(w->type, &deq, &elems, &bytes);
	for (size_t i = 0; i < n / elems; i++)
		deq(b + bytes * i, out + elems * i);
}

static float dot_floats(const float *y, const float *x, size_t n)
{
	float s = 0;

	for (size_t j = 0; j < n; j++)
		s += y[j] * x[j];
	return s;
}

/* The row kernels in use: the portable ones below, or SIMD ones. */
static struct {
	float (*f32)(const void *, const float *, size_t);
	float (*f16)(const void *, const float *, size_t);
	float (*q8_0)(const void *, const float *, size_t);
	float (*q4_0)(const void *, const float *, size_t);
	float (*floats)(const float *, const float *, size_t);
} k;

static float dot_f32(const void *row, const float *x, size_t n)
{
	const unsigned char *b = row;
	float s = 0;

	for (size_t i = 0; i < n; i++) {
		float v;
		memcpy(&v, b + 4 * i, sizeof v);
		s += v * x[i];
	}
	return s;
}

static float dot_f16(const void *row, const float *x, size_t n)
{
	float s = 0;

	for (size_t i = 0; i < n; i++)
		s += u16_at(row, i, TANDEM_GGML_F16) * x[i];
	return s;
}

/* A block type through its dequantizer. */
static float dot_blocks(enum tandem_ggml_type t, const void *row, const float *x, size_t n)
{
	const unsigned char *b = row;
	void (*deq)(const unsigned char *, float *);
	size_t elems, bytes;
	float s = 0, y[QK_K];

	block_kind(t, &deq, &elems, &bytes);
	for (size_t i = 0; i < n / elems; i++, x += elems) {
		deq(b + bytes * i, y);
		s += k.floats(y, x, elems);
	}
	return s;
}

static float dot_q8_0(const void *row, const float *x, size_t n)
{
	return dot_blocks(TANDEM_GGML_Q8_0, row, x, n);
}

static float dot_q4_0(const void *row, const float *x, size_t n)
{
	return dot_blocks(TANDEM_GGML_Q4_0, row, x, n);
}

static bool cpu_has_avx2(void)
{
	return tandem_cpu_has(TANDEM_CPU_AVX2 | TANDEM_CPU_FMA | TANDEM_CPU_F16C);
}

void llm_kernels_select(bool simd)
{
	bool avx2 = simd && cpu_has_avx2();

	k.f32 = avx2 ? llm_dot_f32_avx2 : dot_f32;
	k.f16 = avx2 ? llm_dot_f16_avx2 : dot_f16;
	k.q8_0 = avx2 ? llm_dot_q8_0_avx2 : dot_q8_0;
	k.q4_0 = avx2 ? llm_dot_q4_0_avx2 : dot_q4_0;
	k.floats = avx2 ? llm_dot_floats_avx2 : dot_floats;
	llm_qgemm_select(simd, avx2);
}

/* Row r of w . x. */
static float row_dot(const struct llm_mat *w, uint32_t r, const float *x)
{
	const unsigned char *b = (const unsigned char *)w->data + (size_t)r * w->row_bytes;
	size_t n = w->cols;

	switch (w->type) {
	case TANDEM_GGML_F32:
		return k.f32(b, x, n);
	case TANDEM_GGML_F16:
		return k.f16(b, x, n);
	case TANDEM_GGML_Q8_0:
		return k.q8_0(b, x, n);
	case TANDEM_GGML_Q4_0:
		return k.q4_0(b, x, n);
	case TANDEM_GGML_BF16: {
		float s = 0;
		for (size_t i = 0; i < n; i++)
			s += u16_at(b, i, TANDEM_GGML_BF16) * x[i];
		return s;
	}
	default:
		return dot_blocks(w->type, b, x, n);
	}
}

void llm_matvec_rows(const struct llm_mat *w, const float *x, float *out, uint32_t r0,
		     uint32_t r1)
{
	for (uint32_t r = r0; r < r1; r++)
		out[r] = row_dot(w, r, x);
}

void llm_matmul_rows(const struct llm_mat *w, const float *X, uint32_t nb, float *out,
		     size_t stride, uint32_t r0, uint32_t r1, float *scratch)
{
	if (nb == 1) {
		llm_matvec_rows(w, X, out, r0, r1);
		return;
	}
	for (uint32_t r = r0; r < r1; r++) {
		llm_row_get(w, r, scratch);
		for (uint32_t b = 0; b < nb; b++)
			out[b * stride + r] = k.floats(scratch, X + (size_t)b * w->cols, w->cols);
	}
}

void llm_matvec(const struct llm_mat *w, const float *x, float *out)
{
	llm_matvec_rows(w, x, out, 0, w->rows);
}
