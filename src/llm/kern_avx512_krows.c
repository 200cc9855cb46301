/*
 * src/llm/kern_avx512_krows.c - Q4_K and Q5_K products for a batch of
 * positions with the rows in the lanes, as kern_avx512_rows.c does for
 * Q8_0 and Q4_0: for each pair of sub-blocks, 16 rows' 32 bytes of nibbles
 * are transposed in registers so that lane i holds four consecutive
 * weights of row r + i (the low nibbles one sub-block, the high ones the
 * next; a Q5_K's fifth bits come from its 32 bytes of high bits, transposed
 * once a super-block). One VPDPBUSD with four activation bytes broadcast
 * adds 64 products. The sub-blocks' scales and mins of the 16 rows are
 * unpacked from their 12 bytes with lane-wise shifts, once a super-block.
 * A sub-block of 32 is one activation block: its sum is scaled by d sc
 * times the block's scale, and the min term is dmin m times the block's
 * scale times its sum (negb, offset 1), in float.
 *
 * Q6_K: for each half of a super-block, 16 rows' 64 bytes of low nibbles and
 * 32 bytes of high bit pairs are transposed, which gives its four blocks of
 * 32 as unsigned bytes (the weight plus 32); the products start from the
 * activations' sums of four times -32, and a block's two sub-blocks of 16
 * (lanes 0-3 and 4-7 of the weights) keep their own sums for their own
 * int8 scales. Weights are only read.
 */
#include <string.h>

#include "llm/kern_avx512_int.h"
#include "llm/llm_int.h"

#define QK 32
#define QK_K 256
#define BT 8 /* positions a pass over the rows' super-blocks */

/* The 16 rows' d sc (S) and dmin m (M) of the 8 sub-blocks of the
 * super-blocks at blk (row i's at blk + i * row_bytes). */
AVX512 static INLINE void scales16(const unsigned char *blk, __m512i rows, __m512 S[8],
				   __m512 M[8])
{
	__m512i h = _mm512_i32gather_epi32(rows, (const void *)blk, 1);
	__m512i A = _mm512_i32gather_epi32(rows, (const void *)(blk + 4), 1);
	__m512i B = _mm512_i32gather_epi32(rows, (const void *)(blk + 8), 1);
	__m512i C = _mm512_i32gather_epi32(rows, (const void *)(blk + 12), 1);
	__m512 d = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(h));
	__m512 dmin = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(h, 16)));
	const __m512i m63 = _mm512_set1_epi32(63), m15 = _mm512_set1_epi32(15);
	const __m512i m3 = _mm512_set1_epi32(3);

#pragma GCC unroll 4
	for (unsigned j = 0; j < 4; j++) {
		/* sub-block j: sc = q[j] & 63, m = q[j + 4] & 63 */
		__m512i sc = _mm512_and_si512(_mm512_srli_epi32(A, 8 * j), m63);
		__m512i mn = _mm512_and_si512(_mm512_srli_epi32(B, 8 * j), m63);
		S[j] = _mm512_mul_ps(d, _mm512_cvtepi32_ps(sc));
		M[j] = _mm512_mul_ps(dmin, _mm512_cvtepi32_ps(mn));
		/* sub-block 4 + j: sc = (q[8 + j] & 15) | (q[j] >> 6) << 4,
		 * m = (q[8 + j] >> 4) | (q[4 + j] >> 6) << 4 */
		sc = _mm512_or_si512(
			_mm512_and_si512(_mm512_srli_epi32(C, 8 * j), m15),
			_mm512_slli_epi32(_mm512_and_si512(_mm512_srli_epi32(A, 8 * j + 6), m3), 4));
		mn = _mm512_or_si512(
			_mm512_and_si512(_mm512_srli_epi32(C, 8 * j + 4), m15),
			_mm512_slli_epi32(_mm512_and_si512(_mm512_srli_epi32(B, 8 * j + 6), m3), 4));
		S[4 + j] = _mm512_mul_ps(d, _mm512_cvtepi32_ps(sc));
		M[4 + j] = _mm512_mul_ps(dmin, _mm512_cvtepi32_ps(mn));
	}
}

/* Sub-block sb of super-block k (weights w, scales s, mins mn) by
 * positions [b0, b0 + bt) into acc. */
AVX512 static INLINE void sub_block(const struct llm_qx *x, uint32_t k, uint32_t sb,
				    const __m512i w[8], __m512 s, __m512 mn, uint32_t b0, int bt,
				    __m512 acc[BT])
{
	uint32_t per_row = x->cols / QK;

#pragma GCC unroll 8
	for (int j = 0; j < bt; j++) {
		size_t at = (size_t)(b0 + (uint32_t)j) * per_row + (size_t)k * 8 + sb;
		const int32_t *xq = (const int32_t *)(const void *)(x->q + at * QK);
		__m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();

#pragma GCC unroll 4
		for (int i = 0; i < 8; i += 2) {
			s0 = _mm512_dpbusd_epi32(s0, w[i], _mm512_set1_epi32(xq[i]));
			s1 = _mm512_dpbusd_epi32(s1, w[i + 1], _mm512_set1_epi32(xq[i + 1]));
		}
		float dx = x->d[at];
		acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1)),
					 _mm512_mul_ps(s, _mm512_set1_ps(dx)), acc[j]);
		acc[j] = _mm512_fmadd_ps(mn, _mm512_set1_ps(dx * (float)x->negb[at]), acc[j]);
	}
}

/* 16 rows from r by positions [b0, b0 + bt). */
AVX512 static INLINE void pass(const struct llm_mat *m, const struct llm_qx *x, float *out,
			       size_t stride, uint32_t r, uint32_t b0, int bt, bool five)
{
	const unsigned char *row = (const unsigned char *)m->data + (size_t)r * m->row_bytes;
	const __m512i rows = llm_row_offsets16(m->row_bytes);
	const __m512i low = _mm512_set1_epi8(0x0F), bit = _mm512_set1_epi8(0x01);
	size_t bytes = five ? 176 : 144, qs_at = five ? 48 : 16;
	__m512 acc[BT];

#pragma GCC unroll 8
	for (int j = 0; j < bt; j++)
		acc[j] = _mm512_setzero_ps();
	for (uint32_t k = 0; k < m->cols / QK_K; k++) {
		const unsigned char *blk = row + (size_t)k * bytes;
		__m512 S[8], M[8];
		__m512i qh[8];

		scales16(blk, rows, S, M);
		if (five) {
			llm_transpose16(blk + 16, m->row_bytes, qh);
			llm_transpose16(blk + 32, m->row_bytes, qh + 4);
		}
		for (uint32_t p = 0; p < 4; p++) {
			__m512i t[8], w[8];

			llm_transpose16(blk + qs_at + (size_t)32 * p, m->row_bytes, t);
			llm_transpose16(blk + qs_at + (size_t)32 * p + 16, m->row_bytes, t + 4);
			for (uint32_t half = 0; half < 2; half++) {
				uint32_t sb = 2 * p + half;

#pragma GCC unroll 8
				for (int i = 0; i < 8; i++) {
					__m512i v = half ? _mm512_srli_epi16(t[i], 4) : t[i];
					w[i] = _mm512_and_si512(v, low);
					if (five)
						w[i] = _mm512_or_si512(w[i], _mm512_slli_epi16(
							_mm512_and_si512(_mm512_srli_epi16(qh[i], sb),
									 bit), 4));
				}
				sub_block(x, k, sb, w, S[sb], M[sb], b0, bt, acc);
			}
		}
	}
#pragma GCC unroll 8
	for (int j = 0; j < bt; j++)
		_mm512_storeu_ps(out + (size_t)(b0 + (uint32_t)j) * stride + r, acc[j]);
}

/* The llm_pass16_fn of Q4_K (flag 0) and Q5_K (flag 1). */
AVX512 static void k45_pass_any(const struct llm_mat *m, const struct llm_qx *x, float *out,
				size_t stride, uint32_t r, uint32_t b, int bt, int flag)
{
	bool five = flag != 0;

	switch (bt) {
	case 8: pass(m, x, out, stride, r, b, 8, five); break;
	case 4: pass(m, x, out, stride, r, b, 4, five); break;
	case 3: pass(m, x, out, stride, r, b, 3, five); break;
	case 2: pass(m, x, out, stride, r, b, 2, five); break;
	default: pass(m, x, out, stride, r, b, 1, five); break;
	}
}

/* Q6_K: block (half n, quarter q) of the super-block: the two sums start
 * from the activations' sums of four of each sub-block of 16 (times -32). */
AVX512 static INLINE void q6_block(const struct llm_qx *x, uint32_t blk32, const __m512i w[8],
				   __m512 s_lo, __m512 s_hi, uint32_t b0, int bt, __m512 acc[BT])
{
	uint32_t per_row = x->cols / QK;

#pragma GCC unroll 8
	for (int j = 0; j < bt; j++) {
		size_t at = (size_t)(b0 + (uint32_t)j) * per_row + blk32;
		const int32_t *xq = (const int32_t *)(const void *)(x->q + at * QK);
		const int32_t *neg = x->neg + at * (QK / 4);
		__m512i lo = _mm512_set1_epi32(neg[0] + neg[1] + neg[2] + neg[3]);
		__m512i hi = _mm512_set1_epi32(neg[4] + neg[5] + neg[6] + neg[7]);

#pragma GCC unroll 4
		for (int i = 0; i < 4; i++) {
			lo = _mm512_dpbusd_epi32(lo, w[i], _mm512_set1_epi32(xq[i]));
			hi = _mm512_dpbusd_epi32(hi, w[4 + i], _mm512_set1_epi32(xq[4 + i]));
		}
		__m512 dx = _mm512_set1_ps(x->d[at]);
		acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(lo), _mm512_mul_ps(s_lo, dx), acc[j]);
		acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(hi), _mm512_mul_ps(s_hi, dx), acc[j]);
	}
}

/* Sub-block scale i (0-15) of 16 rows, from their scale bytes in dwords
 * sc[4], times d. */
AVX512 static INLINE __m512 q6_scale(const __m512i sc[4], uint32_t i, __m512 d)
{
	__m512i v = _mm512_srai_epi32(_mm512_slli_epi32(sc[i / 4], 24 - 8 * (i % 4)), 24);

	return _mm512_mul_ps(d, _mm512_cvtepi32_ps(v));
}

/* Q6_K: 16 rows from r by positions [b0, b0 + bt). */
AVX512 static INLINE void q6_pass(const struct llm_mat *m, const struct llm_qx *x, float *out,
				  size_t stride, uint32_t r, uint32_t b0, int bt)
{
	const unsigned char *row = (const unsigned char *)m->data + (size_t)r * m->row_bytes;
	const __m512i rows = llm_row_offsets16(m->row_bytes);
	const __m512i low = _mm512_set1_epi8(0x0F), two = _mm512_set1_epi8(0x03);
	__m512 acc[BT];

#pragma GCC unroll 8
	for (int j = 0; j < bt; j++)
		acc[j] = _mm512_setzero_ps();
	for (uint32_t k = 0; k < m->cols / QK_K; k++) {
		const unsigned char *blk = row + (size_t)k * 210;
		__m512i sc[4];

		for (int i = 0; i < 4; i++)
			sc[i] = _mm512_i32gather_epi32(rows, (const void *)(blk + 192 + (ptrdiff_t)4 * i), 1);
		/* bytes 206-209: d in the high half (never past the block) */
		__m512 d = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(_mm512_srli_epi32(
			_mm512_i32gather_epi32(rows, (const void *)(blk + 206), 1), 16)));
		for (uint32_t n = 0; n < 2; n++) {
			__m512i ta[8], tb[8], h[8];

			llm_transpose16(blk + (size_t)64 * n, m->row_bytes, ta);
			llm_transpose16(blk + (size_t)64 * n + 16, m->row_bytes, ta + 4);
			llm_transpose16(blk + (size_t)64 * n + 32, m->row_bytes, tb);
			llm_transpose16(blk + (size_t)64 * n + 48, m->row_bytes, tb + 4);
			llm_transpose16(blk + 128 + (size_t)32 * n, m->row_bytes, h);
			llm_transpose16(blk + 128 + (size_t)32 * n + 16, m->row_bytes, h + 4);
			for (uint32_t q = 0; q < 4; q++) {
				const __m512i *t = q % 2 ? tb : ta;
				__m512i w[8];

#pragma GCC unroll 8
				for (int i = 0; i < 8; i++) {
					__m512i v = q < 2 ? t[i] : _mm512_srli_epi16(t[i], 4);
					__m512i hb = _mm512_and_si512(_mm512_srli_epi16(h[i], 2 * q), two);
					w[i] = _mm512_or_si512(_mm512_and_si512(v, low),
							       _mm512_slli_epi16(hb, 4));
				}
				uint32_t sub = 8 * n + 2 * q;
				q6_block(x, 8 * k + 4 * n + q, w, q6_scale(sc, sub, d),
					 q6_scale(sc, sub + 1, d), b0, bt, acc);
			}
		}
	}
#pragma GCC unroll 8
	for (int j = 0; j < bt; j++)
		_mm512_storeu_ps(out + (size_t)(b0 + (uint32_t)j) * stride + r, acc[j]);
}

/* The llm_pass16_fn of Q6_K. */
AVX512 static void q6_pass_any(const struct llm_mat *m, const struct llm_qx *x, float *out,
			       size_t stride, uint32_t r, uint32_t b, int bt, int flag)
{
	(void)flag;
	switch (bt) {
	case 8: q6_pass(m, x, out, stride, r, b, 8); break;
	case 4: q6_pass(m, x, out, stride, r, b, 4); break;
	case 3: q6_pass(m, x, out, stride, r, b, 3); break;
	case 2: q6_pass(m, x, out, stride, r, b, 2); break;
	default: q6_pass(m, x, out, stride, r, b, 1); break;
	}
}

AVX512 void llm_qgemm16_q6k_avx512(const struct llm_mat *m, const struct llm_qx *x, float *out,
				   size_t stride, uint32_t r0, uint32_t groups)
{
	llm_groups_blocked(m, x, out, stride, r0, groups, BT, q6_pass_any, 0);
}

AVX512 void llm_qgemm16_k45_avx512(const struct llm_mat *m, const struct llm_qx *x, float *out,
				   size_t stride, uint32_t r0, uint32_t groups)
{
	llm_groups_blocked(m, x, out, stride, r0, groups, BT, k45_pass_any,
			   m->type == TANDEM_GGML_Q5_K);
}
