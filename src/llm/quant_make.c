/*
 * src/llm/quant_make.c - writing float rows as Q8_0, Q4_0 and Q6_K blocks,
 * by the reference algorithms of ggml's formats, so that a file quantized
 * here is bit-identical to one quantized by llama.cpp (tandem llm
 * quantize). Floating-point operations happen in the order those
 * algorithms state; nothing is fused (the Makefile builds with
 * -ffp-contract=off).
 */
#include <math.h>
#include <string.h>

#include "llm/llm_int.h"
#include "tandem/half.h"

#define QK 32
#define QK_K 256
#define GROUP_MAX_EPS 1e-15f

static void put_half(unsigned char *p, float x)
{
	uint16_t v = tandem_half_of(x);

	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

/* Round to nearest, ties to even, for |x| < 2^22: adding 1.5 * 2^23 leaves
 * the integer in the low mantissa bits. */
static int nearest_int(float x)
{
	float v = x + 12582912.0f;
	int32_t i;

	memcpy(&i, &v, sizeof i);
	return (i & 0x007fffff) - 0x00400000;
}

/* Q8_0: d = max|x| / 127, q = round(x / d), half away from zero. */
void llm_quant_q8_0(const float *x, unsigned char *out, size_t n)
{
	for (size_t b = 0; b < n / QK; b++, x += QK, out += 34) {
		float amax = 0;

		for (int j = 0; j < QK; j++)
			amax = fmaxf(amax, fabsf(x[j]));
		float d = amax / 127.0f, id = d != 0 ? 1.0f / d : 0.0f;
		put_half(out, d);
		for (int j = 0; j < QK; j++)
			out[2 + j] = (unsigned char)(int8_t)roundf(x[j] * id);
	}
}

/* Q4_0: d = the element of largest magnitude / -8, q = min(15, x / d + 8.5)
 * truncated; low nibbles the first 16 elements. */
void llm_quant_q4_0(const float *x, unsigned char *out, size_t n)
{
	for (size_t b = 0; b < n / QK; b++, x += QK, out += 18) {
		float amax = 0, max = 0;

		for (int j = 0; j < QK; j++)
			if (amax < fabsf(x[j])) {
				amax = fabsf(x[j]);
				max = x[j];
			}
		float d = max / -8.0f, id = d != 0 ? 1.0f / d : 0.0f;
		put_half(out, d);
		/* x * id is within [-8, 8]: the conversion truncates a positive value. */
		for (int j = 0; j < QK / 2; j++) {
			int q0 = (int)(x[j] * id + 8.5f), q1 = (int)(x[QK / 2 + j] * id + 8.5f);
			q0 = q0 < 15 ? q0 : 15;
			q1 = q1 < 15 ? q1 : 15;
			out[2 + j] = (unsigned char)(q0 | q1 << 4);
		}
	}
}

/* The weighted least-squares sums of x against levels at iscale. */
static void lsq(const float *x, int n, int nmax, float iscale, float *sumlx, float *suml2)
{
	*sumlx = 0;
	*suml2 = 0;
	for (int i = 0; i < n; i++) {
		int l = nearest_int(iscale * x[i]);
		l = l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l;
		float w = x[i] * x[i];
		*sumlx += w * x[i] * (float)l;
		*suml2 += w * (float)l * (float)l;
	}
}

static void levels(const float *x, int n, int nmax, float iscale, int8_t *L)
{
	for (int i = 0; i < n; i++) {
		int l = nearest_int(iscale * x[i]);
		L[i] = (int8_t)(nmax + (l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l));
	}
}

/*
 * The scale of n values for levels -nmax .. nmax-1 (stored in L, offset by
 * nmax): from the value of largest magnitude, then 18 nearby scales tried,
 * keeping the best x^2-weighted least-squares fit.
 */
static float make_qx(const float *x, int n, int nmax, int8_t *L)
{
	float amax = 0, max = 0, sumlx, suml2;

	for (int i = 0; i < n; i++)
		if (fabsf(x[i]) > amax) {
			amax = fabsf(x[i]);
			max = x[i];
		}
	if (amax < GROUP_MAX_EPS) {
		memset(L, 0, (size_t)n);
		return 0;
	}
	float iscale = -(float)nmax / max;
	lsq(x, n, nmax, iscale, &sumlx, &suml2);
	levels(x, n, nmax, iscale, L);
	float scale = suml2 != 0 ? sumlx / suml2 : 0.0f, best = scale * sumlx;
	for (int is = -9; is <= 9; is++) {
		if (is == 0)
			continue;
		iscale = -((float)nmax + 0.1f * (float)is) / max;
		lsq(x, n, nmax, iscale, &sumlx, &suml2);
		if (suml2 > 0 && sumlx * sumlx > best * suml2) {
			levels(x, n, nmax, iscale, L);
			scale = sumlx / suml2;
			best = scale * sumlx;
		}
	}
	return scale;
}

/* Q6_K: sixteen sub-blocks of 16 with their own scale (8 bits, signed)
 * under a super-block scale d (f16); 6-bit levels split in ql and qh. */
void llm_quant_q6_k(const float *x, unsigned char *out, size_t n)
{
	int8_t L[QK_K];
	float scales[QK_K / 16];

	for (size_t b = 0; b < n / QK_K; b++, x += QK_K, out += 210) {
		unsigned char *ql = out, *qh = out + 128;
		signed char *sc = (signed char *)(out + 192);
		float max_scale = 0, max_abs = 0;

		for (size_t ib = 0; ib < QK_K / 16; ib++) {
			scales[ib] = make_qx(x + 16 * ib, 16, 32, L + 16 * ib);
			if (fabsf(scales[ib]) > max_abs) {
				max_abs = fabsf(scales[ib]);
				max_scale = scales[ib];
			}
		}
		memset(out, 0, 210);
		if (max_abs < GROUP_MAX_EPS)
			continue;
		float iscale = -128.0f / max_scale;
		put_half(out + 208, 1 / iscale);
		for (int ib = 0; ib < QK_K / 16; ib++) {
			int s = nearest_int(iscale * scales[ib]);
			sc[ib] = (signed char)(s < 127 ? s : 127);
		}
		for (int j = 0; j < QK_K / 16; j++) {
			float d = tandem_float_of_half((uint16_t)(out[208] | out[209] << 8)) *
				  (float)sc[j];
			if (d == 0)
				continue;
			for (int i = 0; i < 16; i++) {
				int l = nearest_int(x[16 * j + i] / d);
				l = l < -32 ? -32 : l > 31 ? 31 : l;
				L[16 * j + i] = (int8_t)(l + 32);
			}
		}
		for (int j = 0; j < QK_K; j += 128, ql += 64, qh += 32)
			for (int l = 0; l < 32; l++) {
				int q1 = L[j + l] & 0xF, q2 = L[j + l + 32] & 0xF;
				int q3 = L[j + l + 64] & 0xF, q4 = L[j + l + 96] & 0xF;
				ql[l] = (unsigned char)(q1 | q3 << 4);
				ql[l + 32] = (unsigned char)(q2 | q4 << 4);
				qh[l] = (unsigned char)((L[j + l] >> 4) | (L[j + l + 32] >> 4) << 2 |
							(L[j + l + 64] >> 4) << 4 |
							(L[j + l + 96] >> 4) << 6);
			}
	}
}
