/*
 * src/llm/kern_avx512_k.c - the integer products of qdot.c for the K-quants,
 * with AVX-512 VNNI.
 *
 * Q4_K and Q5_K: each pair of sub-blocks of 32 (a pair of activation
 * blocks) is unpacked to unsigned bytes (the nibbles, plus 16 for a Q5_K
 * high bit) in element order; one VPDPBUSD gives the sums of products, and
 * the activations' sums of four, already made, the min term: d sc sum(q x)
 * - dmin m sum(x), scaled by the activation block's scale, in float.
 *
 * Q6_K: a super-block of 256 is unpacked, 128 elements at a
 * time, from its low nibbles and high bit pairs into unsigned bytes 0 to
 * 63 (the weight plus 32) in element order, two blocks of 32 a register,
 * which is the activations' pair layout. One VPDPBUSD per pair from minus
 * 32 times the activations' sums of four; each lane group of four (a
 * sub-block of 16) is scaled by its sub-block's scale times the
 * super-block's and the activation block's, and added in float.
 */
#include <immintrin.h>

#include "llm/llm_int.h"

#define AVX512 \
	__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,f16c,fma")))
#define INLINE inline __attribute__((always_inline))

#define QK_K 256
#define Q6K_BYTES 210

/* Lane i of a pair takes sub-block scale base + i / 4. */
static const int32_t lanes[4][16] = {
	{ 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 },
	{ 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7 },
	{ 8, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10, 11, 11, 11, 11 },
	{ 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 15 },
};

/* Bits 0-1 of each byte of h moved to bits 4-5. */
AVX512 static INLINE __m512i high_pair(__m512i h)
{
	return _mm512_and_si512(_mm512_slli_epi16(h, 4), _mm512_set1_epi8(0x30));
}

/* One pair of blocks: its unsigned weights v, activations of position
 * b's pair p. */
AVX512 static INLINE __m512 pair(__m512i v, const struct llm_qx *x, uint32_t b, uint32_t p,
				 __m512 scales, __m512i idx, __m512 acc)
{
	const int8_t *q = x->q + (size_t)b * x->cols + (size_t)p * 64;
	const int32_t *neg = x->neg + ((size_t)b * x->cols + (size_t)p * 64) / 4;
	const float *d16 = x->d16 + ((size_t)b * x->pairs + p) * 16;
	__m512i sum = _mm512_dpbusd_epi32(_mm512_loadu_si512(neg), v, _mm512_loadu_si512(q));
	__m512 sc = _mm512_mul_ps(_mm512_permutexvar_ps(idx, scales), _mm512_loadu_ps(d16));

	return _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum), sc, acc);
}

#define BT 4 /* positions a row is unpacked for */

/* Row . positions [b, b + bt), into out (stride apart). */
AVX512 static INLINE void row_dot(const unsigned char *row, uint32_t blocks,
				  const struct llm_qx *x, uint32_t b, int bt, const __m512i idx[4],
				  float *out, size_t stride)
{
	const __m512i low = _mm512_set1_epi8(0x0F), two = _mm512_set1_epi8(0x03);
	__m512 acc[BT];

#pragma GCC unroll 8
	for (int j = 0; j < bt; j++)
		acc[j] = _mm512_setzero_ps();

	for (uint32_t k = 0; k < blocks; k++) {
		const unsigned char *blk = row + (size_t)k * Q6K_BYTES;
		uint16_t dh;

		__builtin_memcpy(&dh, blk + 208, sizeof dh);
		__m512 scales = _mm512_mul_ps(
			_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(
				_mm_loadu_si128((const __m128i *)(blk + 192)))),
			_mm512_set1_ps(_cvtsh_ss(dh)));
#pragma GCC unroll 8
		for (size_t h = 0; h < 2; h++) {
			__m512i l = _mm512_loadu_si512(blk + 64 * h);
			__m256i q = _mm256_loadu_si256((const __m256i *)(blk + 128 + 32 * h));
			__m512i h01 = _mm512_inserti64x4(_mm512_castsi256_si512(q),
							  _mm256_srli_epi16(q, 2), 1);
			__m512i h23 = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_srli_epi16(q, 4)),
							  _mm256_srli_epi16(q, 6), 1);
			__m512i ab = _mm512_or_si512(_mm512_and_si512(l, low),
						     high_pair(_mm512_and_si512(h01, two)));
			__m512i cd = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(l, 4), low),
						     high_pair(_mm512_and_si512(h23, two)));
			uint32_t p = 4 * k + 2 * (uint32_t)h;

#pragma GCC unroll 8
			for (int j = 0; j < bt; j++) {
				acc[j] = pair(ab, x, b + (uint32_t)j, p, scales, idx[2 * h], acc[j]);
				acc[j] = pair(cd, x, b + (uint32_t)j, p + 1, scales, idx[2 * h + 1],
					      acc[j]);
			}
		}
	}
#pragma GCC unroll 8
	for (int j = 0; j < bt; j++)
		out[(size_t)(b + (uint32_t)j) * stride] = _mm512_reduce_add_ps(acc[j]);
}

/* Lanes 0-7 take entry a, lanes 8-15 entry b of a 16-float vector whose
 * entries 0-7 are a super-block's 8 scales (d sc) and 8-15 its mins
 * (dmin m): for pair j, the scales of sub-blocks 2j, 2j + 1, and then
 * their mins. */
static const int32_t k45_lanes[8][16] = {
	{ 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1 },
	{ 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3 },
	{ 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5 },
	{ 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7 },
	{ 8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 9 },
	{ 10, 10, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 11, 11, 11 },
	{ 12, 12, 12, 12, 12, 12, 12, 12, 13, 13, 13, 13, 13, 13, 13, 13 },
	{ 14, 14, 14, 14, 14, 14, 14, 14, 15, 15, 15, 15, 15, 15, 15, 15 },
};

/* Row (Q4_K, or Q5_K with five) . positions [b, b + bt), into out. */
AVX512 static INLINE void k45_row_dot(const unsigned char *row, uint32_t blocks,
				      const struct llm_qx *x, uint32_t b, int bt, bool five,
				      const __m512i idx[8], float *out, size_t stride)
{
	const __m256i low = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
	size_t bytes = five ? 176 : 144;
	__m512 acc[BT];

#pragma GCC unroll 8
	for (int i = 0; i < bt; i++)
		acc[i] = _mm512_setzero_ps();

	for (uint32_t k = 0; k < blocks; k++) {
		const unsigned char *blk = row + (size_t)k * bytes, *qs = blk + (five ? 48 : 16);
		uint16_t dh, mh;
		float sm[16];
		__m256i qh = five ? _mm256_loadu_si256((const __m256i *)(blk + 16)) :
			_mm256_setzero_si256();

		__builtin_memcpy(&dh, blk, sizeof dh);
		__builtin_memcpy(&mh, blk + 2, sizeof mh);
		float d = _cvtsh_ss(dh), dmin = _cvtsh_ss(mh);
#pragma GCC unroll 8
		for (int j = 0; j < 8; j++) {
			unsigned sc, m;
			llm_k_scale_min(j, blk + 4, &sc, &m);
			sm[j] = d * (float)sc;
			sm[8 + j] = dmin * (float)m;
		}
		__m512 scales = _mm512_loadu_ps(sm);
#pragma GCC unroll 8
		for (uint32_t j = 0; j < 4; j++) {
			__m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * (size_t)j));
			__m256i lo = _mm256_and_si256(q, low);
			__m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low);
			if (five) {
				/* Sub-block 2j takes bit 2j of qh, 2j + 1 bit 2j + 1. */
				__m256i b0 = _mm256_and_si256(_mm256_srlv_epi64(qh,
						_mm256_set1_epi64x(2 * (long long)j)), one);
				__m256i b1 = _mm256_and_si256(_mm256_srlv_epi64(qh,
						_mm256_set1_epi64x(2 * (long long)j + 1)), one);
				lo = _mm256_or_si256(lo, _mm256_slli_epi16(b0, 4));
				hi = _mm256_or_si256(hi, _mm256_slli_epi16(b1, 4));
			}
			__m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
			uint32_t p = 4 * k + j;
			__m512 psc = _mm512_permutexvar_ps(idx[j], scales);
			__m512 pmn = _mm512_permutexvar_ps(idx[4 + j], scales);

#pragma GCC unroll 8
			for (int i = 0; i < bt; i++) {
				size_t at = (size_t)b + (size_t)i;
				const int8_t *xq = x->q + at * x->cols + (size_t)p * 64;
				const int32_t *neg = x->neg + (at * x->cols + (size_t)p * 64) / 4;
				__m512 dx = _mm512_loadu_ps(x->d16 + (at * x->pairs + p) * 16);
				__m512i sum = _mm512_dpbusd_epi32(_mm512_setzero_si512(), v,
								  _mm512_loadu_si512(xq));

				acc[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum),
							 _mm512_mul_ps(psc, dx), acc[i]);
				/* neg is minus the sums of four (offset 1). */
				acc[i] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_loadu_si512(neg)),
							 _mm512_mul_ps(pmn, dx), acc[i]);
			}
		}
	}
#pragma GCC unroll 8
	for (int i = 0; i < bt; i++)
		out[(size_t)(b + (uint32_t)i) * stride] = _mm512_reduce_add_ps(acc[i]);
}

/* A batch of four positions or more: the groups of 16 rows by the
 * rows-in-lanes kernel fn (kern_avx512_krows.c); the first row left to a
 * row at a time. */
static uint32_t batch_rows(const struct llm_mat *w, const struct llm_qx *x, float *out,
			   size_t stride, uint32_t r0, uint32_t r1,
			   void (*fn)(const struct llm_mat *, const struct llm_qx *, float *, size_t,
				      uint32_t, uint32_t))
{
	if (x->nb < 4 || r1 - r0 < 16)
		return r0;
	fn(w, x, out, stride, r0, (r1 - r0) / 16);
	return r0 + (r1 - r0) / 16 * 16;
}

AVX512 void llm_qgemm_q45k_avx512(const struct llm_mat *w, const struct llm_qx *x, float *out,
				  size_t stride, uint32_t r0, uint32_t r1)
{
	__m512i idx[8];
	bool five = w->type == TANDEM_GGML_Q5_K;

	for (int i = 0; i < 8; i++)
		idx[i] = _mm512_loadu_si512(k45_lanes[i]);
	r0 = batch_rows(w, x, out, stride, r0, r1, llm_qgemm16_k45_avx512);
	for (uint32_t r = r0; r < r1; r++) {
		const unsigned char *row = (const unsigned char *)w->data + (size_t)r * w->row_bytes;
		uint32_t b = 0;

		for (; b + BT <= x->nb; b += BT)
			if (five)
				k45_row_dot(row, w->cols / QK_K, x, b, BT, true, idx, out + r, stride);
			else
				k45_row_dot(row, w->cols / QK_K, x, b, BT, false, idx, out + r, stride);
		for (; b < x->nb; b++)
			if (five)
				k45_row_dot(row, w->cols / QK_K, x, b, 1, true, idx, out + r, stride);
			else
				k45_row_dot(row, w->cols / QK_K, x, b, 1, false, idx, out + r, stride);
	}
}

AVX512 void llm_qgemm_q6k_avx512(const struct llm_mat *w, const struct llm_qx *x, float *out,
				 size_t stride, uint32_t r0, uint32_t r1)
{
	const __m512i idx[4] = { _mm512_loadu_si512(lanes[0]), _mm512_loadu_si512(lanes[1]),
				 _mm512_loadu_si512(lanes[2]), _mm512_loadu_si512(lanes[3]) };

	r0 = batch_rows(w, x, out, stride, r0, r1, llm_qgemm16_q6k_avx512);
	for (uint32_t r = r0; r < r1; r++) {
		const unsigned char *row = (const unsigned char *)w->data + (size_t)r * w->row_bytes;
		uint32_t b = 0;

		for (; b + BT <= x->nb; b += BT)
			row_dot(row, w->cols / QK_K, x, b, BT, idx, out + r, stride);
		for (; b < x->nb; b++)
			row_dot(row, w->cols / QK_K, x, b, 1, idx, out + r, stride);
	}
}
