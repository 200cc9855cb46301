/*
 * src/llm/kern_avx2.c - row dot products with AVX2, FMA and F16C, for
 * processors that have them (chosen at run time, kern.c): the weights are
 * widened to floats in registers, eight at a time, and multiplied with
 * the float activations. Same values as the portable path, summed in
 * another order.
 */
#include <immintrin.h>
#include <string.h>

#include "llm/llm_int.h"

#define AVX2 __attribute__((target("avx2,fma,f16c")))

AVX2 static float hsum(__m256 v)
{
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));

	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}

AVX2 float llm_dot_f32_avx2(const void *row, const float *x, size_t n)
{
	const float *w = row;
	__m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), a0);
		a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 8), _mm256_loadu_ps(x + i + 8), a1);
	}
	float s = hsum(_mm256_add_ps(a0, a1));
	for (; i < n; i++)
		s += w[i] * x[i];
	return s;
}

AVX2 float llm_dot_f16_avx2(const void *row, const float *x, size_t n)
{
	const unsigned char *w = row;
	__m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		__m256 w0 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + 2 * i)));
		__m256 w1 = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + 2 * i + 16)));
		a0 = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + i), a0);
		a1 = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x + i + 8), a1);
	}
	float s = hsum(_mm256_add_ps(a0, a1));
	for (; i < n; i++) {
		uint16_t h;
		memcpy(&h, w + 2 * i, sizeof h);
		s += _cvtsh_ss(h) * x[i];
	}
	return s;
}

/* Eight signed bytes as floats. */
AVX2 static __m256 widen8(__m128i b)
{
	return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b));
}

AVX2 static float scale_of(const unsigned char *b)
{
	uint16_t h;

	memcpy(&h, b, sizeof h);
	return _cvtsh_ss(h);
}

/* The dot of 32 signed bytes (lo: the first 16, hi: the last) with x. */
AVX2 static __m256 dot32(__m128i lo, __m128i hi, const float *x)
{
	__m256 s = _mm256_mul_ps(widen8(lo), _mm256_loadu_ps(x));

	s = _mm256_fmadd_ps(widen8(_mm_srli_si128(lo, 8)), _mm256_loadu_ps(x + 8), s);
	s = _mm256_fmadd_ps(widen8(hi), _mm256_loadu_ps(x + 16), s);
	return _mm256_fmadd_ps(widen8(_mm_srli_si128(hi, 8)), _mm256_loadu_ps(x + 24), s);
}

/* Q8_0 blocks of 34 bytes: d (f16) and 32 signed bytes. */
AVX2 float llm_dot_q8_0_avx2(const void *row, const float *x, size_t n)
{
	const unsigned char *b = row;
	__m256 acc = _mm256_setzero_ps();

	for (size_t i = 0; i < n / 32; i++, b += 34, x += 32) {
		__m128i lo = _mm_loadu_si128((const __m128i *)(b + 2));
		__m128i hi = _mm_loadu_si128((const __m128i *)(b + 18));
		acc = _mm256_fmadd_ps(_mm256_set1_ps(scale_of(b)), dot32(lo, hi, x), acc);
	}
	return hsum(acc);
}

/* Q4_0 blocks of 18 bytes: d (f16), 16 bytes whose low nibbles are the
 * first 16 elements and high nibbles the last 16, offset by 8. */
AVX2 float llm_dot_q4_0_avx2(const void *row, const float *x, size_t n)
{
	const unsigned char *b = row;
	const __m128i mask = _mm_set1_epi8(0x0F), eight = _mm_set1_epi8(8);
	__m256 acc = _mm256_setzero_ps();

	for (size_t i = 0; i < n / 32; i++, b += 18, x += 32) {
		__m128i q = _mm_loadu_si128((const __m128i *)(b + 2));
		__m128i lo = _mm_sub_epi8(_mm_and_si128(q, mask), eight);
		__m128i hi = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(q, 4), mask), eight);
		acc = _mm256_fmadd_ps(_mm256_set1_ps(scale_of(b)), dot32(lo, hi, x), acc);
	}
	return hsum(acc);
}

/* Floats dotted: what the K-quants use after their block is dequantized. */
AVX2 float llm_dot_floats_avx2(const float *y, const float *x, size_t n)
{
	return llm_dot_f32_avx2(y, x, n);
}

/* The integer products of qdot.c for Q8_0 and Q4_0 with AVX2, a block at a
 * time: Q4_0 nibbles are unsigned (q + 8) and VPMADDUBSW multiplies them
 * with the activation bytes, the offset coming back with the activations'
 * sums of four; Q8_0 bytes are signed, so their magnitudes multiply the
 * activations with the weights' signs. Pairs of 16-bit products become
 * 32-bit sums (VPMADDWD), scaled by the two scales and added in float.
 * The K-quants: kern_avx2_k.c. Other types: the portable kernel. */
AVX2 static float qdot_avx2(const unsigned char *b, const struct llm_qx *x, uint32_t pos,
			    bool q4)
{
	const __m256i ones = _mm256_set1_epi16(1), low = _mm256_set1_epi8(0x0F);
	const int8_t *xq = x->q + (size_t)pos * x->cols;
	const int32_t *neg = x->neg + (size_t)pos * x->cols / 4;
	const float *dx = x->d + (size_t)pos * (x->cols / 32);
	__m256 acc = _mm256_setzero_ps();

	for (uint32_t k = 0; k < x->cols / 32; k++, b += q4 ? 18 : 34) {
		__m256i q = _mm256_loadu_si256((const __m256i *)(xq + 32 * (size_t)k)), p;

		if (q4) {
			__m128i n = _mm_loadu_si128((const __m128i *)(b + 2));
			__m256i w = _mm256_inserti128_si256(_mm256_castsi128_si256(n),
							    _mm_srli_epi16(n, 4), 1);
			p = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_and_si256(w, low), q), ones);
			p = _mm256_add_epi32(p, _mm256_loadu_si256((const __m256i *)(neg + (size_t)8 * k)));
		} else {
			__m256i w = _mm256_loadu_si256((const __m256i *)(b + 2));
			p = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(w, w),
								   _mm256_sign_epi8(q, w)), ones);
		}
		acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(scale_of(b) * dx[k]), acc);
	}
	return hsum(acc);
}

AVX2 void llm_qgemm_avx2(const struct llm_mat *w, const struct llm_qx *x, float *out,
			 size_t stride, uint32_t r0, uint32_t r1)
{
	if (w->type == TANDEM_GGML_Q4_K || w->type == TANDEM_GGML_Q5_K ||
	    w->type == TANDEM_GGML_Q6_K) {
		llm_qgemm_k_avx2(w, x, out, stride, r0, r1);
		return;
	}
	if (w->type != TANDEM_GGML_Q4_0 && w->type != TANDEM_GGML_Q8_0) {
		llm_qgemm_portable(w, x, out, stride, r0, r1);
		return;
	}
	for (uint32_t r = r0; r < r1; r++) {
		const unsigned char *row = (const unsigned char *)w->data + (size_t)r * w->row_bytes;

		for (uint32_t b = 0; b < x->nb; b++)
			out[(size_t)b * stride + r] = qdot_avx2(row, x, b,
								w->type == TANDEM_GGML_Q4_0);
	}
}
