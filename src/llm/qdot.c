/*
 * src/llm/qdot.c - integer matrix products for Q8_0 and Q4_0 weights: the
 * activations are quantized to blocks of 32 signed bytes with one float
 * scale each (as llama.cpp quantizes them for these types), each block
 * pair's products are summed exactly as integers, and only the block's
 * sum is scaled and added in float. This file has the quantizer, the
 * portable kernels and the choice of the SIMD ones (kern_avx512.c).
 */
#include <math.h>
#include <string.h>

#include "core/cpu.h"
#include "llm/llm_int.h"
#include "tandem/half.h"

#define QK 32

/* Blocks of a row in pairs: the odd last block is a pair of its own. */
static size_t pairs_of(uint32_t cols)
{
	return (cols / QK + 1) / 2;
}

static size_t up64(size_t n)
{
	return (n + 63) / 64 * 64;
}

size_t llm_qx_bytes(uint32_t nb, uint32_t cols)
{
	size_t n = (size_t)nb * cols, p = (size_t)nb * pairs_of(cols);

	return up64(n) + 2 * up64(n / QK * sizeof(float)) + up64(n / 4 * sizeof(int32_t)) +
	       p * 16 * sizeof(float);
}

/* The portable llm_qx_blocks_fn. */
static void qx_blocks(const float *X, size_t blocks, int32_t offset, int8_t *q8, float *d,
		      int32_t *neg4, int32_t *negb)
{
	for (size_t k = 0; k < blocks; k++) {
		const float *x = X + k * QK;
		int8_t *q = q8 + k * QK;
		int32_t *neg = neg4 + k * QK / 4;
		float amax = 0;

		for (int i = 0; i < QK; i++) {
			float a = fabsf(x[i]);
			amax = a > amax ? a : amax;
		}
		float dk = amax / 127.0f, id = dk > 0 ? 1.0f / dk : 0.0f;
		d[k] = dk;
		for (int i = 0; i < QK; i++)
			q[i] = (int8_t)lrintf(x[i] * id);
		negb[k] = 0;
		for (size_t i = 0; i < QK / 4; i++) {
			neg[i] = -offset * (q[4 * i] + q[4 * i + 1] + q[4 * i + 2] + q[4 * i + 3]);
			negb[k] += neg[i];
		}
	}
}

static llm_qx_blocks_fn qx_blocks_fn = qx_blocks;

void llm_qx_make(struct llm_qx *qx, void *buf, const float *X, uint32_t nb, uint32_t cols,
		 int32_t offset)
{
	size_t n = (size_t)nb * cols, pairs = pairs_of(cols);
	unsigned char *p = buf;

	qx->q = (int8_t *)p;
	p += up64(n);
	qx->d = (float *)(void *)p;
	p += up64(n / QK * sizeof(float));
	qx->neg = (int32_t *)(void *)p;
	p += up64(n / 4 * sizeof(int32_t));
	qx->negb = (int32_t *)(void *)p;
	p += up64(n / QK * sizeof(int32_t));
	qx->d16 = (float *)(void *)p;
	qx->nb = nb;
	qx->cols = cols;
	qx->pairs = (uint32_t)pairs;
	qx_blocks_fn(X, n / QK, offset, qx->q, qx->d, qx->neg, qx->negb);
	for (uint32_t b = 0; b < nb; b++)
		for (size_t k = 0; k < pairs; k++) {
			float *v = qx->d16 + ((size_t)b * pairs + k) * 16;
			size_t blk = (size_t)b * (cols / QK) + 2 * k;
			bool last = 2 * k + 1 == cols / QK;

			for (int i = 0; i < 8; i++) {
				v[i] = qx->d[blk];
				v[8 + i] = last ? 0.0f : qx->d[blk + 1];
			}
		}
}

static float scale_at(const unsigned char *b)
{
	return tandem_float_of_half((uint16_t)(b[0] | b[1] << 8));
}

/* A Q6_K super-block's 256 values (0 to 63, offset 32) in element order,
 * and its 16 scales (one a 16 elements). */
static void q6k_values(const unsigned char *b, uint8_t v[256], int8_t sc[16])
{
	const unsigned char *ql = b, *qh = b + 128;

	memcpy(sc, b + 192, 16);
	for (int n = 0; n < 256; n += 128, ql += 64, qh += 32)
		for (int l = 0; l < 32; l++) {
			v[n + l] = (uint8_t)((ql[l] & 0x0F) | ((qh[l] >> 0) & 3) << 4);
			v[n + l + 32] = (uint8_t)((ql[l + 32] & 0x0F) | ((qh[l] >> 2) & 3) << 4);
			v[n + l + 64] = (uint8_t)((ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4);
			v[n + l + 96] = (uint8_t)((ql[l + 32] >> 4) | ((qh[l] >> 6) & 3) << 4);
		}
}

/* Row r of w (Q6_K) . batch row b of x: a sub-block's integer sum times
 * its integer scale, a block of 32's times its two float scales. */
static float q6k_dot_row(const struct llm_mat *w, uint32_t r, const struct llm_qx *x,
			 uint32_t b)
{
	const unsigned char *blk = (const unsigned char *)w->data + (size_t)r * w->row_bytes;
	const int8_t *q = x->q + (size_t)b * x->cols;
	const float *d = x->d + (size_t)b * (x->cols / QK);
	float s = 0;

	for (uint32_t k = 0; k < x->cols / 256; k++, blk += 210) {
		uint8_t v[256];
		int8_t sc[16];
		float dw = scale_at(blk + 208);

		q6k_values(blk, v, sc);
		for (int j = 0; j < 8; j++, q += QK) {
			int32_t sum = 0;

			for (int h = 0; h < 2; h++) {
				int32_t part = 0;
				for (int i = 16 * h; i < 16 * h + 16; i++)
					part += (v[32 * j + i] - 32) * q[i];
				sum += sc[2 * j + h] * part;
			}
			s += dw * d[8 * k + (uint32_t)j] * (float)sum;
		}
	}
	return s;
}

/* Row r of w (Q4_K, or Q5_K with five) . batch row b of x: per sub-block of
 * 32 (a block of x), d sc sum(q x) - dmin m sum(x). */
static float q45k_dot_row(const struct llm_mat *w, uint32_t r, const struct llm_qx *x,
			  uint32_t b, bool five)
{
	const unsigned char *blk = (const unsigned char *)w->data + (size_t)r * w->row_bytes;
	const int8_t *q = x->q + (size_t)b * x->cols;
	const float *dx = x->d + (size_t)b * (x->cols / QK);
	float s = 0;

	for (uint32_t k = 0; k < x->cols / 256; k++, blk += five ? 176 : 144) {
		const unsigned char *qh = blk + 16, *qs = blk + (five ? 48 : 16);
		float d = scale_at(blk), dmin = scale_at(blk + 2);

		for (int j = 0; j < 8; j++, q += QK) {
			unsigned sc, m;
			int32_t sqx = 0, sx = 0;

			llm_k_scale_min(j, blk + 4, &sc, &m);
			for (int l = 0; l < QK; l++) {
				int v = j % 2 == 0 ? qs[32 * (j / 2) + l] & 0x0F : qs[32 * (j / 2) + l] >> 4;
				if (five && (qh[l] >> j) & 1)
					v += 16;
				sqx += v * q[l];
				sx += q[l];
			}
			s += dx[8 * k + (uint32_t)j] *
			     (d * (float)sc * (float)sqx - dmin * (float)m * (float)sx);
		}
	}
	return s;
}

/* Row r of w (Q8_0 or Q4_0) . batch row b of x. */
static float qdot_row(const struct llm_mat *w, uint32_t r, const struct llm_qx *x, uint32_t b)
{
	const unsigned char *blk = (const unsigned char *)w->data + (size_t)r * w->row_bytes;
	const int8_t *q = x->q + (size_t)b * x->cols;
	const float *d = x->d + (size_t)b * (x->cols / QK);
	float s = 0;

	for (uint32_t k = 0; k < x->cols / QK; k++, q += QK) {
		int32_t sum = 0;

		if (w->type == TANDEM_GGML_Q8_0) {
			for (int i = 0; i < QK; i++)
				sum += (int8_t)blk[2 + i] * q[i];
			s += scale_at(blk) * d[k] * (float)sum;
			blk += 34;
		} else {
			for (int i = 0; i < QK / 2; i++)
				sum += ((blk[2 + i] & 0x0F) - 8) * q[i] +
				       ((blk[2 + i] >> 4) - 8) * q[i + QK / 2];
			s += scale_at(blk) * d[k] * (float)sum;
			blk += 18;
		}
	}
	return s;
}

void llm_qgemm_portable(const struct llm_mat *w, const struct llm_qx *x, float *out,
			size_t stride, uint32_t r0, uint32_t r1)
{
	for (uint32_t r = r0; r < r1; r++)
		for (uint32_t b = 0; b < x->nb; b++)
			out[(size_t)b * stride + r] =
				w->type == TANDEM_GGML_Q6_K ? q6k_dot_row(w, r, x, b) :
				w->type == TANDEM_GGML_Q4_K ? q45k_dot_row(w, r, x, b, false) :
				w->type == TANDEM_GGML_Q5_K ? q45k_dot_row(w, r, x, b, true) :
				qdot_row(w, r, x, b);
}

static llm_qgemm_fn qgemm = llm_qgemm_portable;

bool llm_qgemm_type(enum tandem_ggml_type t, uint32_t cols)
{
	return ((t == TANDEM_GGML_Q8_0 || t == TANDEM_GGML_Q4_0) && cols % QK == 0) ||
	       ((t == TANDEM_GGML_Q6_K || t == TANDEM_GGML_Q4_K || t == TANDEM_GGML_Q5_K) &&
		cols % 256 == 0);
}

int32_t llm_qgemm_offset(enum tandem_ggml_type t)
{
	/* Q4_K and Q5_K subtract a min: their kernels want the plain sums. */
	return t == TANDEM_GGML_Q4_0 ? 8 : t == TANDEM_GGML_Q6_K ? 32 :
	       t == TANDEM_GGML_Q8_0 ? 128 : 1;
}

void llm_qgemm(const struct llm_mat *w, const struct llm_qx *x, float *out, size_t stride,
	       uint32_t r0, uint32_t r1)
{
	qgemm(w, x, out, stride, r0, r1);
}

static bool cpu_has_avx512_vnni_vbmi(void)
{
	return tandem_cpu_has(TANDEM_CPU_AVX512F | TANDEM_CPU_AVX512BW | TANDEM_CPU_AVX512DQ |
			      TANDEM_CPU_AVX512VL | TANDEM_CPU_AVX512VNNI | TANDEM_CPU_AVX512VBMI);
}

static bool cpu_has_avx512(void)
{
	return tandem_cpu_has(TANDEM_CPU_AVX512F | TANDEM_CPU_AVX512BW | TANDEM_CPU_AVX512DQ |
			      TANDEM_CPU_AVX512VL);
}

static llm_attend_fn attend;
static llm_fgemm_fn fgemm;

llm_attend_fn llm_attend_kernel(void)
{
	return attend;
}

llm_fgemm_fn llm_fgemm_kernel(void)
{
	return fgemm;
}

void llm_qgemm_select(bool simd, bool avx2)
{
	qgemm = !simd || !avx2 ? llm_qgemm_portable :
		cpu_has_avx512_vnni_vbmi() ? llm_qgemm_avx512 : llm_qgemm_avx2;
	attend = simd && avx2 && cpu_has_avx512() ? llm_attend_avx512 : NULL;
	qx_blocks_fn = simd && avx2 && cpu_has_avx512_vnni_vbmi() ? llm_qx_blocks_avx512 : qx_blocks;
	fgemm = simd && avx2 && cpu_has_avx512() ? llm_fgemm_avx512 : NULL;
}
