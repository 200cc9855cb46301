/*
 * src/llm/kern_avx512.c - the integer products of qdot.c with AVX-512 VNNI
 * and VBMI, for processors that have them (chosen at run time): two blocks
 * (64 elements) a register. A pair of blocks is read with one masked load
 * (never past the row) whose two scales are picked from the register; Q4_0
 * nibbles are put in element order with one byte permutation, Q8_0 bytes
 * are loaded again where they lie (cheaper than a two-register one). Weights
 * are unsigned bytes (a Q4_0 nibble is q + 8, a Q8_0 byte is flipped to
 * q + 128) so that one VPDPBUSD multiplies them with the signed activation
 * bytes, starting from minus the offset times the activations' sums of
 * four: each lane's sum is exact. A lane's sum is then scaled by its
 * block's two scales and added in float. Tiles of rows by batch positions
 * share every load.
 */
#include <immintrin.h>
#include <string.h>

#include "llm/llm_int.h"

#define AVX512 \
	__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,avx512vbmi,f16c,fma")))
#define INLINE inline __attribute__((always_inline))

#define QK 32
#define RT_MAX 4
#define BT_MAX 8
/* Up to this many positions, a row at a time by all of them: its blocks
 * unpacked once for them; more, the rows in the lanes (kern_avx512_rows.c),
 * whose transposition pays from there on. */
#define FEW 6

struct qmat {
	const unsigned char *data;
	size_t row_bytes, block_bytes;
	uint32_t pairs;     /* pairs of blocks in a row, the odd last block a pair */
	bool odd;           /* the last pair has one block */
	bool q4;            /* Q4_0, else Q8_0 */
};

/* Byte indices: a Q4_0 pair [d0 q0 d1 q1] to q0 q0 q1 q1 (the second copy
 * of each to take the high nibbles). Halfword indices of the scales:
 * d0 x 8, d1 x 8 (Q4_0: d1 at byte 18, Q8_0: at byte 34). */
static const unsigned char q4_bytes[64] = {
	2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17,
	2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17,
	20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
	20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
};
static const uint16_t q4_scales[32] = { 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9 };
static const uint16_t q8_scales[32] = { 0, 0, 0, 0, 0, 0, 0, 0, 17, 17, 17, 17, 17, 17, 17, 17 };

struct perm {
	__m512i bytes;
	__m512i scales;
};

/* Pair k of a row as 64 unsigned bytes in element order, and its scales
 * (q4 and one are constants where this is inlined). */
AVX512 static INLINE __m512i weights(const struct perm *pm,
				     const unsigned char *row, uint32_t k, bool q4, bool one,
				     __m512 *dw)
{
	size_t bb = q4 ? 18 : 34, n = one ? bb : 2 * bb;
	const unsigned char *b = row + (size_t)k * 2 * bb;
	__m512i a = n >= 64 ? _mm512_loadu_si512(b) : _mm512_maskz_loadu_epi8((1ull << n) - 1, b);
	__m512i v;

	*dw = _mm512_cvtph_ps(_mm512_castsi512_si256(_mm512_permutexvar_epi16(pm->scales, a)));
	if (q4) {
		v = _mm512_permutexvar_epi8(pm->bytes, a);
		/* 128-bit lanes q0 q0 q1 q1: the second of each pair takes the
		 * high nibbles (elements 16-31 of its block). */
		v = _mm512_mask_srli_epi16(v, 0xFF00FF00u, v, 4);
		return _mm512_and_si512(v, _mm512_set1_epi8(0x0F));
	}
	/* q0 and q1 loaded where they lie; the odd last block's pair has no
	 * q1 (its bytes count for nothing: its scale is 0). */
	v = _mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)(b + 2)));
	if (!one)
		v = _mm512_inserti64x4(v, _mm256_loadu_si256((const __m256i *)(b + 36)), 1);
	return _mm512_xor_si512(v, _mm512_set1_epi8(-128));
}

struct acts {
	const int8_t *q[BT_MAX];
	const int32_t *neg[BT_MAX];
	const float *d16[BT_MAX];
};

/* Pair p for a tile: rt rows (row[]) by bt positions (a). */
AVX512 static INLINE void step(const struct perm *pm,
			       const unsigned char *const *row, const struct acts *a, uint32_t p,
			       bool q4, bool one, int rt, int bt, __m512 acc[RT_MAX][BT_MAX])
{
	__m512i wq[RT_MAX];
	__m512 dw[RT_MAX];

#pragma GCC unroll 4
	for (int i = 0; i < rt; i++) {
		wq[i] = weights(pm, row[i], p, q4, one, &dw[i]);
		/* The weights are read once, in order: ask for them some
		 * blocks ahead (past the row's end is harmless). */
		_mm_prefetch((const char *)row[i] + (size_t)(2 * p + 48) * (q4 ? 18 : 34),
			     _MM_HINT_T0);
	}
#pragma GCC unroll 8
	for (int j = 0; j < bt; j++) {
		__m512i q = one ? _mm512_maskz_loadu_epi8(0xFFFFFFFFull, a->q[j] + (size_t)p * 64) :
			_mm512_loadu_si512(a->q[j] + (size_t)p * 64);
		__m512i neg = one ? _mm512_maskz_loadu_epi32(0x00FF, a->neg[j] + (size_t)p * 16) :
			_mm512_loadu_si512(a->neg[j] + (size_t)p * 16);
		__m512 dx = _mm512_loadu_ps(a->d16[j] + (size_t)p * 16);
#pragma GCC unroll 4
		for (int i = 0; i < rt; i++) {
			__m512i sum = _mm512_dpbusd_epi32(neg, wq[i], q);
			acc[i][j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum), _mm512_mul_ps(dw[i], dx),
						    acc[i][j]);
		}
	}
}

/* A tile of rt rows from r and bt batch positions from b. */
AVX512 static INLINE void tile(const struct qmat *w, const struct perm *pm,
			       const struct llm_qx *x, float *out, size_t stride, uint32_t r,
			       uint32_t b, bool q4, int rt, int bt)
{
	__m512 acc[RT_MAX][BT_MAX];
	const unsigned char *row[RT_MAX];
	struct acts a;
	uint32_t full = w->pairs - w->odd;

#pragma GCC unroll 4
	for (int i = 0; i < rt; i++) {
		row[i] = w->data + (size_t)(r + (uint32_t)i) * w->row_bytes;
#pragma GCC unroll 8
		for (int j = 0; j < bt; j++)
			acc[i][j] = _mm512_setzero_ps();
	}
#pragma GCC unroll 8
	for (int j = 0; j < bt; j++) {
		a.q[j] = x->q + (size_t)(b + (uint32_t)j) * x->cols;
		a.neg[j] = x->neg + (size_t)(b + (uint32_t)j) * x->cols / 4;
		a.d16[j] = x->d16 + (size_t)(b + (uint32_t)j) * x->pairs * 16;
	}
	for (uint32_t p = 0; p < full; p++)
		step(pm, row, &a, p, q4, false, rt, bt, acc);
	if (w->odd)
		step(pm, row, &a, full, q4, true, rt, bt, acc);
#pragma GCC unroll 4
	for (int i = 0; i < rt; i++)
#pragma GCC unroll 8
		for (int j = 0; j < bt; j++)
			out[(size_t)(b + (uint32_t)j) * stride + r + (uint32_t)i] =
				_mm512_reduce_add_ps(acc[i][j]);
}

/* Rows [r0, r1): up to FEW positions a row at a time by all of them, read
 * as one stream; more, in tiles of 2 rows by 4 positions. */
AVX512 static INLINE void product(const struct qmat *w, const struct perm *pm,
				  const struct llm_qx *x, float *out, size_t stride, uint32_t r0,
				  uint32_t r1, bool q4)
{
	uint32_t r = r0, b;

	if (x->nb <= FEW) {
		for (; r < r1; r++)
			switch (x->nb) {
			case 1: tile(w, pm, x, out, stride, r, 0, q4, 1, 1); break;
			case 2: tile(w, pm, x, out, stride, r, 0, q4, 1, 2); break;
			case 3: tile(w, pm, x, out, stride, r, 0, q4, 1, 3); break;
			case 4: tile(w, pm, x, out, stride, r, 0, q4, 1, 4); break;
			case 5: tile(w, pm, x, out, stride, r, 0, q4, 1, 5); break;
			default: tile(w, pm, x, out, stride, r, 0, q4, 1, 6); break;
			}
		return;
	}
	for (; r + 2 <= r1; r += 2) {
		for (b = 0; b + 4 <= x->nb; b += 4)
			tile(w, pm, x, out, stride, r, b, q4, 2, 4);
		for (; b < x->nb; b++)
			tile(w, pm, x, out, stride, r, b, q4, 2, 1);
	}
	for (; r < r1; r++)
		for (b = 0; b < x->nb; b++)
			tile(w, pm, x, out, stride, r, b, q4, 1, 1);
}

AVX512 void llm_qgemm_avx512(const struct llm_mat *m, const struct llm_qx *x, float *out,
			     size_t stride, uint32_t r0, uint32_t r1)
{
	if (m->type == TANDEM_GGML_Q6_K) {
		llm_qgemm_q6k_avx512(m, x, out, stride, r0, r1);
		return;
	}
	if (m->type == TANDEM_GGML_Q4_K || m->type == TANDEM_GGML_Q5_K) {
		llm_qgemm_q45k_avx512(m, x, out, stride, r0, r1);
		return;
	}
	bool q4 = m->type == TANDEM_GGML_Q4_0;
	struct qmat w = { m->data, m->row_bytes, q4 ? 18 : 34, x->pairs,
			  (m->cols / QK) % 2 != 0, q4 };
	struct perm pm = { _mm512_loadu_si512(q4_bytes),
			   _mm512_loadu_si512(q4 ? q4_scales : q8_scales) };

	if (x->nb > FEW && r1 - r0 >= 16) {
		/* A batch: 16 rows a register (kern_avx512_rows.c). */
		uint32_t groups = (r1 - r0) / 16;

		llm_qgemm16_avx512(m, x, out, stride, r0, groups);
		r0 += 16 * groups;
	}
	if (q4)
		product(&w, &pm, x, out, stride, r0, r1, true);
	else
		product(&w, &pm, x, out, stride, r0, r1, false);
}

/*
 * llm_qx_blocks_fn: a block's largest magnitude, its scale and reciprocal
 * as the portable loop computes them (the same float division), each value
 * times the reciprocal rounded to nearest even (VCVTPS2DQ under the default
 * rounding mode, as lrintf) and its low byte kept (the values lie in
 * -127..127), the sums of four by VPDPBUSD with ones. For finite inputs the
 * bytes are the portable loop's (tests/test_llm_kern.c).
 */
AVX512 void llm_qx_blocks_avx512(const float *X, size_t blocks, int32_t offset, int8_t *q,
				 float *d, int32_t *neg, int32_t *negb)
{
	const __m256i ones = _mm256_set1_epi8(1);
	const __m256i off = _mm256_set1_epi32(-offset);

	for (size_t k = 0; k < blocks; k++) {
		const float *x = X + k * QK;
		__m512 a = _mm512_loadu_ps(x), b = _mm512_loadu_ps(x + 16);
		float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(a), _mm512_abs_ps(b)));
		float dk = amax / 127.0f, id = dk > 0 ? 1.0f / dk : 0.0f;
		__m512 vid = _mm512_set1_ps(id);
		__m128i qa = _mm512_cvtepi32_epi8(_mm512_cvtps_epi32(_mm512_mul_ps(a, vid)));
		__m128i qb = _mm512_cvtepi32_epi8(_mm512_cvtps_epi32(_mm512_mul_ps(b, vid)));
		__m256i qv = _mm256_inserti128_si256(_mm256_castsi128_si256(qa), qb, 1);
		__m256i sums = _mm256_mullo_epi32(
			_mm256_dpbusd_epi32(_mm256_setzero_si256(), ones, qv), off);

		d[k] = dk;
		_mm256_storeu_si256((__m256i *)(void *)(q + k * QK), qv);
		_mm256_storeu_si256((__m256i *)(void *)(neg + k * QK / 4), sums);
		__m128i h = _mm_add_epi32(_mm256_castsi256_si128(sums),
					  _mm256_extracti128_si256(sums, 1));
		h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0x4E));
		h = _mm_add_epi32(h, _mm_shuffle_epi32(h, 0xB1));
		negb[k] = _mm_cvtsi128_si32(h);
	}
}
