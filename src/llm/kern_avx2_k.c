/*
 * src/llm/kern_avx2_k.c - the integer products of qdot.c for the K-quants
 * with AVX2, for processors without AVX-512 (chosen at run time): a row at
 * a time, each super-block unpacked once for up to four positions.
 *
 * A block of 32 weights is unpacked to unsigned bytes in element order (a
 * Q4_K or Q5_K nibble, plus 16 for a Q5_K fifth bit; a Q6_K weight plus
 * 32); VPMADDUBSW with the activation bytes and VPMADDWD with ones give the
 * sums of four products (at most 2 x 63 x 127 a pair: no saturation).
 * Q4_K / Q5_K: a block is one sub-block, scaled by d sc times the block's
 * activation scale; the min term, dmin m times the scale times the block's
 * sum (negb, offset 1), is added apart. Q6_K: the sums start from the
 * activations' sums of four times -32, and the block's two sub-blocks of
 * 16 are lanes 0-3 and 4-7, each with its int8 scale times d.
 */
#include <immintrin.h>
#include <string.h>

#include "llm/llm_int.h"
#include "tandem/half.h"

#define AVX2 __attribute__((target("avx2,fma,f16c")))
#define INLINE inline __attribute__((always_inline))

#define QK 32
#define QK_K 256
#define BT 4 /* positions a row's super-blocks are unpacked for */

AVX2 static INLINE float hsum8(__m256 v)
{
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));

	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}

/* Lanes of sums of four: unsigned weights u by activation block at. */
AVX2 static INLINE __m256i sums4(__m256i u, const struct llm_qx *x, size_t at)
{
	__m256i q = _mm256_loadu_si256((const __m256i *)(const void *)(x->q + at * QK));

	return _mm256_madd_epi16(_mm256_maddubs_epi16(u, q), _mm256_set1_epi16(1));
}

static float half_at(const unsigned char *p)
{
	return tandem_float_of_half((uint16_t)(p[0] | p[1] << 8));
}

/* Q4_K (Q5_K with five): row . positions [b, b + bt), into out. */
AVX2 static INLINE void k45_dot(const unsigned char *row, uint32_t blocks, const struct llm_qx *x,
				uint32_t b, int bt, bool five, float *out, size_t stride)
{
	const __m256i low = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(0x01);
	uint32_t per_row = x->cols / QK;
	size_t bytes = five ? 176 : 144;
	__m256 acc[BT];
	float mins[BT];

#pragma GCC unroll 4
	for (int j = 0; j < bt; j++) {
		acc[j] = _mm256_setzero_ps();
		mins[j] = 0;
	}
	for (uint32_t k = 0; k < blocks; k++) {
		const unsigned char *blk = row + (size_t)k * bytes, *qs = blk + (five ? 48 : 16);
		float d = half_at(blk), dmin = half_at(blk + 2), sc[8], mn[8];
		__m256i qh = five ? _mm256_loadu_si256((const __m256i *)(const void *)(blk + 16)) :
				    _mm256_setzero_si256();

		for (int j = 0; j < 8; j++) {
			unsigned s, m;
			llm_k_scale_min(j, blk + 4, &s, &m);
			sc[j] = d * (float)s;
			mn[j] = dmin * (float)m;
		}
		for (uint32_t i = 0; i < 4; i++) {
			__m256i q = _mm256_loadu_si256((const __m256i *)(const void *)(qs + (size_t)32 * i));
			__m256i u0 = _mm256_and_si256(q, low);
			__m256i u1 = _mm256_and_si256(_mm256_srli_epi16(q, 4), low);

			if (five) {
				__m256i h0 = _mm256_and_si256(_mm256_srli_epi16(qh, (int)(2 * i)), one);
				__m256i h1 = _mm256_and_si256(_mm256_srli_epi16(qh, (int)(2 * i + 1)),
							      one);
				u0 = _mm256_or_si256(u0, _mm256_slli_epi16(h0, 4));
				u1 = _mm256_or_si256(u1, _mm256_slli_epi16(h1, 4));
			}
#pragma GCC unroll 4
			for (int j = 0; j < bt; j++) {
				size_t at = (size_t)(b + (uint32_t)j) * per_row + (size_t)8 * k + (size_t)2 * i;
				const float *s2 = sc + (size_t)2 * i, *m2 = mn + (size_t)2 * i;
				float dx0 = x->d[at], dx1 = x->d[at + 1];

				acc[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums4(u0, x, at)),
							 _mm256_set1_ps(s2[0] * dx0), acc[j]);
				acc[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums4(u1, x, at + 1)),
							 _mm256_set1_ps(s2[1] * dx1), acc[j]);
				mins[j] += m2[0] * dx0 * (float)x->negb[at] +
					   m2[1] * dx1 * (float)x->negb[at + 1];
			}
		}
	}
#pragma GCC unroll 4
	for (int j = 0; j < bt; j++)
		out[(size_t)(b + (uint32_t)j) * stride] = hsum8(acc[j]) + mins[j];
}

/* Q6_K: row . positions [b, b + bt), into out. */
AVX2 static INLINE void q6_dot(const unsigned char *row, uint32_t blocks, const struct llm_qx *x,
			       uint32_t b, int bt, float *out, size_t stride)
{
	const __m256i low = _mm256_set1_epi8(0x0F), two = _mm256_set1_epi8(0x03);
	uint32_t per_row = x->cols / QK;
	__m256 acc[BT];

#pragma GCC unroll 4
	for (int j = 0; j < bt; j++)
		acc[j] = _mm256_setzero_ps();
	for (uint32_t k = 0; k < blocks; k++) {
		const unsigned char *blk = row + (size_t)k * 210;
		const int8_t *sc = (const int8_t *)(blk + 192);
		float d = half_at(blk + 208);

		for (uint32_t n = 0; n < 2; n++) {
			const unsigned char *ql = blk + (size_t)64 * n, *qh = blk + 128 + (size_t)32 * n;
			__m256i ya = _mm256_loadu_si256((const __m256i *)(const void *)ql);
			__m256i yb = _mm256_loadu_si256((const __m256i *)(const void *)(ql + 32));
			__m256i yh = _mm256_loadu_si256((const __m256i *)(const void *)qh);

			for (uint32_t q = 0; q < 4; q++) {
				__m256i v = q % 2 ? yb : ya;
				__m256i lo = _mm256_and_si256(q < 2 ? v : _mm256_srli_epi16(v, 4), low);
				__m256i hi = _mm256_and_si256(_mm256_srli_epi16(yh, (int)(2 * q)), two);
				__m256i u = _mm256_or_si256(lo, _mm256_slli_epi16(hi, 4));
				uint32_t s = 8 * n + 2 * q;
				__m256 scale = _mm256_setr_m128(_mm_set1_ps(d * (float)sc[s]),
								_mm_set1_ps(d * (float)sc[s + 1]));
#pragma GCC unroll 4
				for (int j = 0; j < bt; j++) {
					size_t at = (size_t)(b + (uint32_t)j) * per_row + (size_t)8 * k +
						    (size_t)4 * n + q;
					__m256i p = _mm256_add_epi32(sums4(u, x, at),
						_mm256_loadu_si256((const __m256i *)(const void *)(
							x->neg + at * (QK / 4))));
					acc[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p),
						_mm256_mul_ps(scale, _mm256_set1_ps(x->d[at])), acc[j]);
				}
			}
		}
	}
#pragma GCC unroll 4
	for (int j = 0; j < bt; j++)
		out[(size_t)(b + (uint32_t)j) * stride] = hsum8(acc[j]);
}

AVX2 void llm_qgemm_k_avx2(const struct llm_mat *w, const struct llm_qx *x, float *out,
			   size_t stride, uint32_t r0, uint32_t r1)
{
	uint32_t blocks = w->cols / QK_K;

	for (uint32_t r = r0; r < r1; r++) {
		const unsigned char *row = (const unsigned char *)w->data + (size_t)r * w->row_bytes;
		uint32_t b = 0;

		if (w->type == TANDEM_GGML_Q6_K) {
			for (; b + BT <= x->nb; b += BT)
				q6_dot(row, blocks, x, b, BT, out + r, stride);
			for (; b < x->nb; b++)
				q6_dot(row, blocks, x, b, 1, out + r, stride);
		} else if (w->type == TANDEM_GGML_Q5_K) {
			for (; b + BT <= x->nb; b += BT)
				k45_dot(row, blocks, x, b, BT, true, out + r, stride);
			for (; b < x->nb; b++)
				k45_dot(row, blocks, x, b, 1, true, out + r, stride);
		} else {
			for (; b + BT <= x->nb; b += BT)
				k45_dot(row, blocks, x, b, BT, false, out + r, stride);
			for (; b < x->nb; b++)
				k45_dot(row, blocks, x, b, 1, false, out + r, stride);
		}
	}
}
