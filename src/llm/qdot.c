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

#include "llm/llm_int.h"
#include "tandem/half.h"

#define QK 32

size_t llm_qx_bytes(uint32_t nb, uint32_t cols)
{
	size_t n = (size_t)nb * cols;

	/* q, then d (one float a block), then s4 (one int a four), each
	 * 64-byte aligned within the buffer. */
	return (n + 63) / 64 * 64 + (n / QK * sizeof(float) + 63) / 64 * 64 +
	       n / 4 * sizeof(int32_t) + 64;
}

void llm_qx_make(struct llm_qx *qx, void *buf, const float *X, uint32_t nb, uint32_t cols)
{
	size_t n = (size_t)nb * cols;
	unsigned char *p = buf;

	qx->q = (int8_t *)p;
	p += (n + 63) / 64 * 64;
	qx->d = (float *)(void *)p;
	p += (n / QK * sizeof(float) + 63) / 64 * 64;
	qx->s4 = (int32_t *)(void *)p;
	qx->nb = nb;
	qx->cols = cols;
	for (size_t k = 0; k < n / QK; k++) {
		const float *x = X + k * QK;
		int8_t *q = qx->q + k * QK;
		float amax = 0;

		for (int i = 0; i < QK; i++)
			amax = fmaxf(amax, fabsf(x[i]));
		float d = amax / 127.0f, id = d > 0 ? 1.0f / d : 0.0f;
		qx->d[k] = d;
		for (int i = 0; i < QK; i++)
			q[i] = (int8_t)lrintf(x[i] * id);
		for (int i = 0; i < QK; i += 4)
			qx->s4[(k * QK + (size_t)i) / 4] = q[i] + q[i + 1] + q[i + 2] + q[i + 3];
	}
}

static float scale_at(const unsigned char *b)
{
	return tandem_float_of_half((uint16_t)(b[0] | b[1] << 8));
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

static void qgemm_portable(const struct llm_mat *w, const struct llm_qx *x, float *out,
			   size_t stride, uint32_t r0, uint32_t r1)
{
	for (uint32_t r = r0; r < r1; r++)
		for (uint32_t b = 0; b < x->nb; b++)
			out[(size_t)b * stride + r] = qdot_row(w, r, x, b);
}

static llm_qgemm_fn qgemm = qgemm_portable;

bool llm_qgemm_type(enum tandem_ggml_type t, uint32_t cols)
{
	return (t == TANDEM_GGML_Q8_0 || t == TANDEM_GGML_Q4_0) && cols % QK == 0;
}

void llm_qgemm(const struct llm_mat *w, const struct llm_qx *x, float *out, size_t stride,
	       uint32_t r0, uint32_t r1)
{
	qgemm(w, x, out, stride, r0, r1);
}

static bool cpu_has_avx512_vnni(void)
{
#if defined(__x86_64__)
	return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
	       __builtin_cpu_supports("avx512dq") &&
	       __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
#else
	return false;
#endif
}

void llm_qgemm_select(bool simd, bool f16c)
{
	qgemm = simd && f16c && cpu_has_avx512_vnni() ? llm_qgemm_avx512 : qgemm_portable;
}
