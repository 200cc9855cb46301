/*
 * src/llm/kern_avx512_rows.c - the integer product of qdot.c for a batch of
 * positions, with the rows in the lanes: for each block, 16 rows' bytes
 * are loaded and transposed in registers so that lane i of a register holds
 * four consecutive weights of row r + i; one VPDPBUSD with four activation
 * bytes broadcast then adds 64 products into 16 rows' sums, and a block's
 * integer sums are scaled (16 rows' weight scales times the position's
 * scale) and added in float once a block, not once a lane group. The
 * transposition costs the same for any number of positions, so it pays
 * from a few positions on (kern_avx512.c does up to six). The weights
 * are only read: nothing is repacked or copied.
 */
#include <string.h>

#include "llm/kern_avx512_int.h"
#include "llm/llm_int.h"

#define QK 32
#define BT 16 /* positions a pass over the rows' blocks */

/* Block k of 16 rows from row: eight registers of unsigned weights (w[m]:
 * elements 4m to 4m + 3 of each row) and the 16 scales. */
AVX512 static INLINE __m512 block(const unsigned char *row, size_t row_bytes, __m512i rows,
				  uint32_t k, bool q4, __m512i w[8])
{
	const unsigned char *b = row + (size_t)k * (q4 ? 18 : 34);
	/* Each row's first four bytes: its scale in the low half. */
	__m512i g = _mm512_i32gather_epi32(rows, (const void *)b, 1);
	__m512 d = _mm512_cvtph_ps(_mm512_cvtepi32_epi16(g));

	if (q4) {
		__m512i t[4];
		const __m512i m = _mm512_set1_epi8(0x0F);

		llm_transpose16(b + 2, row_bytes, t);
#pragma GCC unroll 4
		for (int i = 0; i < 4; i++) {
			w[i] = _mm512_and_si512(t[i], m);
			w[4 + i] = _mm512_and_si512(_mm512_srli_epi16(t[i], 4), m);
		}
	} else {
		const __m512i flip = _mm512_set1_epi8(-128);

		llm_transpose16(b + 2, row_bytes, w);
		llm_transpose16(b + 18, row_bytes, w + 4);
#pragma GCC unroll 8
		for (int i = 0; i < 8; i++)
			w[i] = _mm512_xor_si512(w[i], flip);
	}
	return d;
}

/* 16 rows from r by positions [b0, b0 + bt). */
AVX512 static INLINE void pass(const struct llm_mat *m, const struct llm_qx *x, float *out,
			       size_t stride, uint32_t r, uint32_t b0, int bt, bool q4)
{
	const unsigned char *row = (const unsigned char *)m->data + (size_t)r * m->row_bytes;
	const __m512i rows = llm_row_offsets16(m->row_bytes);
	uint32_t blocks = m->cols / QK;
	__m512 acc[BT];

#pragma GCC unroll 16
	for (int j = 0; j < bt; j++)
		acc[j] = _mm512_setzero_ps();
	for (uint32_t k = 0; k < blocks; k++) {
		__m512i w[8];
		__m512 dw = block(row, m->row_bytes, rows, k, q4, w);

		/* Unrolled whole (gcc's -O2 would not), so that w and acc
		 * stay in registers. */
#pragma GCC unroll 16
		for (int j = 0; j < bt; j++) {
			size_t at = (size_t)(b0 + (uint32_t)j) * m->cols / QK + k;
			const int32_t *xq = (const int32_t *)(const void *)(x->q + at * QK);
			__m512i s = _mm512_set1_epi32(x->negb[at]), s2 = _mm512_setzero_si512();

#pragma GCC unroll 4
			for (int i = 0; i < 8; i += 2) {
				s = _mm512_dpbusd_epi32(s, w[i], _mm512_set1_epi32(xq[i]));
				s2 = _mm512_dpbusd_epi32(s2, w[i + 1], _mm512_set1_epi32(xq[i + 1]));
			}
			s = _mm512_add_epi32(s, s2);
			acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s),
						 _mm512_mul_ps(dw, _mm512_set1_ps(x->d[at])), acc[j]);
		}
	}
#pragma GCC unroll 16
	for (int j = 0; j < bt; j++)
		_mm512_storeu_ps(out + (size_t)(b0 + (uint32_t)j) * stride + r, acc[j]);
}

/* The llm_pass16_fn of this kernel (flag: Q4_0): each batch size its own
 * unrolled pass. */
AVX512 static void pass_any(const struct llm_mat *m, const struct llm_qx *x, float *out,
			    size_t stride, uint32_t r, uint32_t b, int bt, int flag)
{
	bool q4 = flag != 0;

	switch (bt) {
	case BT: pass(m, x, out, stride, r, b, BT, q4); break;
	case 8: pass(m, x, out, stride, r, b, 8, q4); break;
	case 4: pass(m, x, out, stride, r, b, 4, q4); break;
	case 3: pass(m, x, out, stride, r, b, 3, q4); break;
	case 2: pass(m, x, out, stride, r, b, 2, q4); break;
	default: pass(m, x, out, stride, r, b, 1, q4); break;
	}
}

AVX512 void llm_qgemm16_avx512(const struct llm_mat *m, const struct llm_qx *x, float *out,
			       size_t stride, uint32_t r0, uint32_t groups)
{
	llm_groups_blocked(m, x, out, stride, r0, groups, BT, pass_any,
			   m->type == TANDEM_GGML_Q4_0);
}
