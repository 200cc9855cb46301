/*
 * src/llm/attn_avx512.c - attention with AVX-512 for the query heads that
 * share one key/value head: each cached key and value is widened from
 * binary16 once for all of them. Same roundings as the portable attend()
 * of forward.c (the query and the weights rounded to binary16, as the
 * cache is); exp by range reduction and a polynomial (within 2 ulp of
 * expf), the sums in another order.
 */
#include <immintrin.h>
#include <math.h>

#include "llm/llm_int.h"

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,f16c,fma")))
#define INLINE inline __attribute__((always_inline))

/* e^x: x = n ln2 + r, |r| <= ln2 / 2; e^r by its Taylor polynomial to
 * r^7; 2^n by scaling. Below -87.3 the result is 0 (a softmax weight
 * that small is nothing next to the largest, which is 1). */
AVX512 static INLINE __m512 exp16(__m512 x)
{
	const __m512 log2e = _mm512_set1_ps(1.44269504f);
	const __m512 ln2_hi = _mm512_set1_ps(0.693145751953125f);
	const __m512 ln2_lo = _mm512_set1_ps(1.428606765330187e-06f);
	__m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT |
					_MM_FROUND_NO_EXC);
	__m512 r = _mm512_fnmadd_ps(n, ln2_hi, x);
	r = _mm512_fnmadd_ps(n, ln2_lo, r);
	__m512 p = _mm512_set1_ps(1.0f / 5040);
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
	p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
	__m512 e = _mm512_scalef_ps(p, n);
	return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.3f), _CMP_GE_OQ), e);
}

/* n (<= 16) binary16 values at p as floats; the rest 0. */
AVX512 static INLINE __m512 widen(const uint16_t *p, uint32_t n)
{
	__mmask16 m = (__mmask16)(n >= 16 ? 0xFFFFu : (1u << n) - 1);

	return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p));
}

/* x rounded to binary16 and back. */
AVX512 static INLINE __m512 round_half(__m512 x)
{
	return _mm512_cvtph_ps(_mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

AVX512 void llm_attend_avx512(const struct llm_attn *a, float *q, float *att, float *out)
{
	uint32_t hd = a->head_dim, G = a->heads, n = a->last + 1 - a->first;
	uint32_t chunks = (hd + 15) / 16;

	/* The queries rounded to binary16, in place (q is this call's). */
	for (uint32_t g = 0; g < G; g++)
		for (uint32_t c = 0; c < hd; c += 16) {
			uint32_t k = hd - c < 16 ? hd - c : 16;
			__mmask16 m = (__mmask16)(k >= 16 ? 0xFFFF : (1u << k) - 1);
			float *p = q + (size_t)g * hd + c;
			_mm512_mask_storeu_ps(p, m, round_half(_mm512_maskz_loadu_ps(m, p)));
		}
	/* Scores: each key widened once for the G heads. */
	for (uint32_t t = 0; t < n; t++) {
		const uint16_t *k = a->k + (size_t)(a->first + t) * a->stride;
		__m512 acc[LLM_GROUP_MAX];

		for (uint32_t g = 0; g < G; g++)
			acc[g] = _mm512_setzero_ps();
		for (uint32_t c = 0; c < chunks; c++) {
			__m512 kf = widen(k + (size_t)16 * c, hd - 16 * c);
			for (uint32_t g = 0; g < G; g++) {
				uint32_t left = hd - 16 * c;
				__mmask16 m = (__mmask16)(left >= 16 ? 0xFFFF : (1u << left) - 1);
				const float *qc = q + (size_t)g * hd + (size_t)16 * c;
				acc[g] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, qc), kf, acc[g]);
			}
		}
		for (uint32_t g = 0; g < G; g++)
			att[(size_t)g * n + t] = _mm512_reduce_add_ps(acc[g]) * a->scale;
	}
	/* Softmax of each head's scores, the weights rounded to binary16. */
	for (uint32_t g = 0; g < G; g++) {
		float *s = att + (size_t)g * n;
		__m512 mx = _mm512_set1_ps(-INFINITY), sum = _mm512_setzero_ps();
		uint32_t t;

		for (t = 0; t < n; t += 16) {
			__mmask16 m = (__mmask16)(n - t >= 16 ? 0xFFFF : (1u << (n - t)) - 1);
			mx = _mm512_mask_max_ps(mx, m, mx, _mm512_maskz_loadu_ps(m, s + t));
		}
		__m512 vmax = _mm512_set1_ps(_mm512_reduce_max_ps(mx));
		for (t = 0; t < n; t += 16) {
			__mmask16 m = (__mmask16)(n - t >= 16 ? 0xFFFF : (1u << (n - t)) - 1);
			__m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, s + t), vmax));
			e = _mm512_maskz_mov_ps(m, e);
			_mm512_mask_storeu_ps(s + t, m, e);
			sum = _mm512_add_ps(sum, e);
		}
		__m512 vsum = _mm512_set1_ps(_mm512_reduce_add_ps(sum));
		for (t = 0; t < n; t += 16) {
			__mmask16 m = (__mmask16)(n - t >= 16 ? 0xFFFF : (1u << (n - t)) - 1);
			__m512 w = round_half(_mm512_div_ps(_mm512_maskz_loadu_ps(m, s + t), vsum));
			_mm512_mask_storeu_ps(s + t, m, w);
		}
	}
	/* Weighted values: each value widened once for the G heads. */
	for (uint32_t i = 0; i < G * hd; i++)
		out[i] = 0;
	for (uint32_t t = 0; t < n; t++) {
		const uint16_t *v = a->v + (size_t)(a->first + t) * a->stride;

		for (uint32_t c = 0; c < chunks; c++) {
			uint32_t left = hd - 16 * c;
			__mmask16 m = (__mmask16)(left >= 16 ? 0xFFFF : (1u << left) - 1);
			__m512 vf = widen(v + (size_t)16 * c, left);
			for (uint32_t g = 0; g < G; g++) {
				float *o = out + (size_t)g * hd + (size_t)16 * c;
				__m512 w = _mm512_set1_ps(att[(size_t)g * n + t]);
				_mm512_mask_storeu_ps(o, m, _mm512_fmadd_ps(w, vf,
									    _mm512_maskz_loadu_ps(m, o)));
			}
		}
	}
}
