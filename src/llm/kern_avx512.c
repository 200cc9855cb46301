/*
 * src/llm/kern_avx512.c - the integer products of qdot.c with AVX-512 VNNI,
 * for processors that have it (chosen at run time): two blocks (64
 * elements) a register, weights read as unsigned bytes (a Q4_0 nibble is
 * q + 8, a Q8_0 byte is flipped to q + 128) so that one VPDPBUSD multiplies
 * them with the signed activation bytes, starting from minus the offset
 * times the activations' sums of four, which makes each lane's sum exact.
 * A tile of up to 4 rows by 4 batch positions shares every load; each
 * lane's integer sum is scaled by its block's two scales and added in
 * float.
 */
#include <immintrin.h>
#include <string.h>

#include "llm/llm_int.h"

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,f16c,fma")))
#define INLINE inline __attribute__((always_inline))

#define QK 32
#define RT 4 /* rows of a tile */
#define BT 4 /* batch positions of a tile */

struct qmat {
	const unsigned char *data;
	size_t row_bytes, block_bytes;
	uint32_t pairs;     /* whole pairs of blocks in a row */
	bool odd;           /* and one block more */
	bool q4;            /* Q4_0, else Q8_0 */
};

static uint16_t u16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

/* The scales of blocks b0 and b1 as [d0 x 8, d1 x 8]. */
AVX512 static INLINE __m512 scales(uint16_t d0, uint16_t d1)
{
	return _mm512_cvtph_ps(_mm256_inserti128_si256(_mm256_castsi128_si256(
		_mm_set1_epi16((short)d0)), _mm_set1_epi16((short)d1), 1));
}

/* Blocks k, k + 1 of a row as 64 unsigned bytes in element order, and
 * their scales; with one (the odd last block), the second is zero. */
AVX512 static INLINE __m512i weights(const struct qmat *w, const unsigned char *row, uint32_t k,
				     bool one, __m512 *dw)
{
	const unsigned char *b0 = row + (size_t)k * w->block_bytes, *b1 = b0 + w->block_bytes;

	*dw = scales(u16(b0), one ? 0 : u16(b1));
	if (w->q4) {
		__m256i q0 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(b0 + 2)));
		__m256i q1 = one ? _mm256_setzero_si256() :
			_mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(b1 + 2)));
		__m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(q0), q1, 1);
		/* 128-bit lanes q0 q0 q1 q1: the second of each pair takes the
		 * high nibbles (elements 16-31 of its block). */
		v = _mm512_mask_srli_epi16(v, 0xFF00FF00u, v, 4);
		return _mm512_and_si512(v, _mm512_set1_epi8(0x0F));
	}
	__m256i q0 = _mm256_loadu_si256((const __m256i *)(b0 + 2));
	__m256i q1 = one ? _mm256_set1_epi8(-128) : _mm256_loadu_si256((const __m256i *)(b1 + 2));
	__m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(q0), q1, 1);
	return _mm512_xor_si512(v, _mm512_set1_epi8(-128));
}

/* Batch row b's blocks k, k + 1: bytes, minus the offset times the sums of
 * four, scales. */
AVX512 static INLINE void acts(const struct qmat *w, const struct llm_qx *x, uint32_t b,
			       uint32_t k, bool one, __m512i *q, __m512i *neg, __m512 *dx)
{
	const int8_t *qb = x->q + (size_t)b * x->cols + (size_t)k * QK;
	const int32_t *s = x->s4 + ((size_t)b * x->cols + (size_t)k * QK) / 4;
	const float *d = x->d + (size_t)b * (x->cols / QK) + k;
	__mmask64 m = one ? 0xFFFFFFFFull : ~0ull;
	__m512i s4 = _mm512_maskz_loadu_epi32((__mmask16)(one ? 0x00FF : 0xFFFF), s);

	*q = _mm512_maskz_loadu_epi8(m, qb);
	*neg = _mm512_sub_epi32(_mm512_setzero_si512(),
				_mm512_slli_epi32(s4, w->q4 ? 3 : 7));
	*dx = _mm512_insertf32x8(_mm512_set1_ps(d[0]), _mm256_set1_ps(one ? 0.0f : d[1]), 1);
}

/* A tile of rt rows from r and bt batch positions from b. */
AVX512 static INLINE void tile(const struct qmat *w, const struct llm_qx *x, float *out,
			       size_t stride, uint32_t r, uint32_t b, int rt, int bt)
{
	__m512 acc[RT][BT];
	uint32_t steps = w->pairs + w->odd;

	const unsigned char *row[RT];

#pragma GCC unroll 4
	for (int i = 0; i < rt; i++) {
		row[i] = w->data + (size_t)(r + (uint32_t)i) * w->row_bytes;
#pragma GCC unroll 4
		for (int j = 0; j < bt; j++)
			acc[i][j] = _mm512_setzero_ps();
	}
	for (uint32_t p = 0; p < steps; p++) {
		bool one = p == w->pairs;
		__m512i q[BT], neg[BT];
		__m512 dx[BT];

#pragma GCC unroll 4
		for (int j = 0; j < bt; j++)
			acts(w, x, b + (uint32_t)j, 2 * p, one, &q[j], &neg[j], &dx[j]);
#pragma GCC unroll 4
		for (int i = 0; i < rt; i++) {
			__m512 dw;
			__m512i wq = weights(w, row[i], 2 * p, one, &dw);

			/* The weights are read once, in order: ask for them
			 * some blocks ahead (past the row's end is harmless). */
			_mm_prefetch((const char *)row[i] + (size_t)(2 * p + 16) * w->block_bytes,
				     _MM_HINT_T0);
#pragma GCC unroll 4
			for (int j = 0; j < bt; j++) {
				__m512i sum = _mm512_dpbusd_epi32(neg[j], wq, q[j]);
				acc[i][j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum),
							    _mm512_mul_ps(dw, dx[j]), acc[i][j]);
			}
		}
	}
#pragma GCC unroll 4
	for (int i = 0; i < rt; i++)
#pragma GCC unroll 4
		for (int j = 0; j < bt; j++)
			out[(size_t)(b + (uint32_t)j) * stride + r + (uint32_t)i] =
				_mm512_reduce_add_ps(acc[i][j]);
}

/* Every batch position of rt rows from r. */
AVX512 static INLINE void rows(const struct qmat *w, const struct llm_qx *x, float *out,
			       size_t stride, uint32_t r, int rt)
{
	uint32_t b = 0;

	for (; b + BT <= x->nb; b += BT)
		tile(w, x, out, stride, r, b, rt, BT);
	switch (x->nb - b) {
	case 3:
		tile(w, x, out, stride, r, b, rt, 3);
		break;
	case 2:
		tile(w, x, out, stride, r, b, rt, 2);
		break;
	case 1:
		tile(w, x, out, stride, r, b, rt, 1);
		break;
	default:
		break;
	}
}

AVX512 void llm_qgemm_avx512(const struct llm_mat *m, const struct llm_qx *x, float *out,
			     size_t stride, uint32_t r0, uint32_t r1)
{
	struct qmat w = { m->data, m->row_bytes, m->type == TANDEM_GGML_Q4_0 ? 18 : 34,
			  m->cols / QK / 2, (m->cols / QK) % 2 != 0, m->type == TANDEM_GGML_Q4_0 };
	uint32_t r = r0;

	for (; r + RT <= r1; r += RT)
		rows(&w, x, out, stride, r, RT);
	for (; r < r1; r++)
		rows(&w, x, out, stride, r, 1);
}
