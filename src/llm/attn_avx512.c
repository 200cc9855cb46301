/*
 * src/llm/attn_avx512.c - attention with AVX-512 for the query heads that
 * share one key/value head: each cached key and value is widened from
 * binary16 once for all of them. Same roundings as the portable attend()
 * of forward.c (the query and the weights rounded to binary16, as the
 * cache is); exp by range reduction and a polynomial (within 2 ulp of
 * expf), the sums in another order.
 *
 * Scores: 16 keys at a time are widened into a small float block, and for
 * each head their 16 dot products are summed lane-wise and then reduced
 * together (a tree of shuffles gives the 16 sums in one register) instead
 * of one horizontal reduction per key and head. Weighted values: the heads'
 * sums of a 16-dimension slice stay in registers over all the keys.
 */
#include <immintrin.h>
#include <math.h>

#include "llm/llm_int.h"
#include "tandem/assert.h"

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

#define KB 16          /* keys a block of scores (LLM_ATTN_SCRATCH) */

/* Lane i of the result: the sum of the lanes of p[i]. */
AVX512 static INLINE __m512 sums16(const __m512 p[16])
{
	__m512 z[4];

	for (int g = 0; g < 4; g++) {
		const __m512 *v = p + (ptrdiff_t)4 * g;
		__m512 x = _mm512_add_ps(_mm512_unpacklo_ps(v[0], v[1]),
					 _mm512_unpackhi_ps(v[0], v[1]));
		__m512 y = _mm512_add_ps(_mm512_unpacklo_ps(v[2], v[3]),
					 _mm512_unpackhi_ps(v[2], v[3]));
		/* each 128-bit lane L: the sums of lanes 4L..4L+3 of v[0..3] */
		z[g] = _mm512_add_ps(_mm512_shuffle_ps(x, y, 0x44), _mm512_shuffle_ps(x, y, 0xEE));
	}
	__m512 t0 = _mm512_shuffle_f32x4(z[0], z[1], 0x44), t1 = _mm512_shuffle_f32x4(z[0], z[1], 0xEE);
	__m512 t2 = _mm512_shuffle_f32x4(z[2], z[3], 0x44), t3 = _mm512_shuffle_f32x4(z[2], z[3], 0xEE);
	__m512 w0 = _mm512_shuffle_f32x4(t0, t2, 0x88), w1 = _mm512_shuffle_f32x4(t0, t2, 0xDD);
	__m512 w2 = _mm512_shuffle_f32x4(t1, t3, 0x88), w3 = _mm512_shuffle_f32x4(t1, t3, 0xDD);
	return _mm512_add_ps(_mm512_add_ps(w0, w1), _mm512_add_ps(w2, w3));
}

AVX512 static INLINE __mmask16 first_lanes(uint32_t k)
{
	return (__mmask16)(k >= 16 ? 0xFFFFu : (1u << k) - 1);
}

/* att[g * n + t]: head g's score of key first + t, scaled. kf: KB rows of
 * hd16 floats. */
AVX512 static void scores(const struct llm_attn *a, const float *q, float *att, uint32_t n,
			  float *kf, uint32_t hd16)
{
	uint32_t hd = a->head_dim, chunks = hd16 / 16;

	for (uint32_t t0 = 0; t0 < n; t0 += KB) {
		uint32_t nk = n - t0 < KB ? n - t0 : KB;

		for (uint32_t t = 0; t < KB; t++) {
			const uint16_t *k = a->k + (size_t)(a->first + t0 + t) * a->stride;
			for (uint32_t c = 0; c < chunks; c++)
				_mm512_storeu_ps(kf + (size_t)t * hd16 + (size_t)16 * c,
						 t < nk ? widen(k + (size_t)16 * c, hd - 16 * c) :
							  _mm512_setzero_ps());
		}
		for (uint32_t g = 0; g < a->heads; g++) {
			__m512 p[KB];

#pragma GCC unroll 16
			for (int t = 0; t < KB; t++)
				p[t] = _mm512_setzero_ps();
			for (uint32_t c = 0; c < chunks; c++) {
				__m512 qc = _mm512_maskz_loadu_ps(first_lanes(hd - 16 * c),
								  q + (size_t)g * hd + (size_t)16 * c);
#pragma GCC unroll 16
				for (int t = 0; t < KB; t++)
					p[t] = _mm512_fmadd_ps(qc, _mm512_loadu_ps(kf + (size_t)t * hd16 +
										 (size_t)16 * c), p[t]);
			}
			_mm512_mask_storeu_ps(att + (size_t)g * n + t0, first_lanes(nk),
					      _mm512_mul_ps(sums16(p), _mm512_set1_ps(a->scale)));
		}
	}
}

/* out[g * hd + i] = sum over the keys of head g's weight times value i:
 * for each 16-dimension slice, the G heads' sums in registers. */
AVX512 static INLINE void values(const struct llm_attn *a, const float *att, float *out,
				 uint32_t n, uint32_t G)
{
	uint32_t hd = a->head_dim;

	for (uint32_t c = 0; c < hd; c += 16) {
		__mmask16 m = first_lanes(hd - c);
		__m512 acc[LLM_GROUP_MAX];

#pragma GCC unroll 16
		for (uint32_t g = 0; g < LLM_GROUP_MAX; g++)
			acc[g] = _mm512_setzero_ps();
		for (uint32_t t = 0; t < n; t++) {
			__m512 vf = widen(a->v + (size_t)(a->first + t) * a->stride + c, hd - c);
#pragma GCC unroll 16
			for (uint32_t g = 0; g < G; g++)
				acc[g] = _mm512_fmadd_ps(_mm512_set1_ps(att[(size_t)g * n + t]), vf,
							 acc[g]);
		}
#pragma GCC unroll 16
		for (uint32_t g = 0; g < G; g++)
			_mm512_mask_storeu_ps(out + (size_t)g * hd + c, m, acc[g]);
	}
}

AVX512 void llm_attend_avx512(const struct llm_attn *a, float *q, float *att, float *out)
{
	uint32_t hd = a->head_dim, G = a->heads, n = a->last + 1 - a->first;
	uint32_t hd16 = (hd + 15) / 16 * 16;
	float *kf = att + (size_t)G * n; /* KB rows of hd16: LLM_ATTN_SCRATCH */

	TANDEM_ASSERT(G <= LLM_GROUP_MAX);
	/* The queries rounded to binary16, in place (q is this call's). */
	for (uint32_t g = 0; g < G; g++)
		for (uint32_t c = 0; c < hd; c += 16) {
			__mmask16 m = first_lanes(hd - c);
			float *p = q + (size_t)g * hd + c;
			_mm512_mask_storeu_ps(p, m, round_half(_mm512_maskz_loadu_ps(m, p)));
		}
	scores(a, q, att, n, kf, hd16);
	/* Softmax of each head's scores, the weights rounded to binary16. */
	for (uint32_t g = 0; g < G; g++) {
		float *s = att + (size_t)g * n;
		__m512 mx = _mm512_set1_ps(-INFINITY), sum = _mm512_setzero_ps();
		uint32_t t;

		for (t = 0; t < n; t += 16) {
			__mmask16 m = first_lanes(n - t);
			mx = _mm512_mask_max_ps(mx, m, mx, _mm512_maskz_loadu_ps(m, s + t));
		}
		__m512 vmax = _mm512_set1_ps(_mm512_reduce_max_ps(mx));
		for (t = 0; t < n; t += 16) {
			__mmask16 m = first_lanes(n - t);
			__m512 e = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, s + t), vmax));
			e = _mm512_maskz_mov_ps(m, e);
			_mm512_mask_storeu_ps(s + t, m, e);
			sum = _mm512_add_ps(sum, e);
		}
		__m512 vsum = _mm512_set1_ps(_mm512_reduce_add_ps(sum));
		for (t = 0; t < n; t += 16) {
			__mmask16 m = first_lanes(n - t);
			__m512 w = round_half(_mm512_div_ps(_mm512_maskz_loadu_ps(m, s + t), vsum));
			_mm512_mask_storeu_ps(s + t, m, w);
		}
	}
	/* Weighted values, with G a constant for the usual group sizes so that
	 * the heads' sums stay in registers. */
	switch (G) {
	case 1: values(a, att, out, n, 1); break;
	case 2: values(a, att, out, n, 2); break;
	case 4: values(a, att, out, n, 4); break;
	case 8: values(a, att, out, n, 8); break;
	default: values(a, att, out, n, G); break;
	}
}
