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
#include <immintrin.h>
#include <string.h>

#include "llm/llm_int.h"

#define AVX512 \
	__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,f16c,fma")))
#define INLINE inline __attribute__((always_inline))

#define QK 32
#define BT 16 /* positions a pass over the rows' blocks */

/* Four 128-bit rows a register, lane L of register g from row 4L + g,
 * transposed by dwords: out[m] has dword m of row i in its lane i. */
AVX512 static INLINE void transpose(const unsigned char *p, size_t row_bytes, __m512i out[4])
{
	__m512i z[4], t[4];

	for (int g = 0; g < 4; g++) {
		const unsigned char *r = p + (size_t)g * row_bytes;
		__m512i v = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)r));
		v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(r + 4 * row_bytes)), 1);
		v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(r + 8 * row_bytes)), 2);
		z[g] = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(r + 12 * row_bytes)),
					  3);
	}
	t[0] = _mm512_unpacklo_epi32(z[0], z[1]);
	t[1] = _mm512_unpackhi_epi32(z[0], z[1]);
	t[2] = _mm512_unpacklo_epi32(z[2], z[3]);
	t[3] = _mm512_unpackhi_epi32(z[2], z[3]);
	out[0] = _mm512_unpacklo_epi64(t[0], t[2]);
	out[1] = _mm512_unpackhi_epi64(t[0], t[2]);
	out[2] = _mm512_unpacklo_epi64(t[1], t[3]);
	out[3] = _mm512_unpackhi_epi64(t[1], t[3]);
}

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

		transpose(b + 2, row_bytes, t);
		for (int i = 0; i < 4; i++) {
			w[i] = _mm512_and_si512(t[i], m);
			w[4 + i] = _mm512_and_si512(_mm512_srli_epi16(t[i], 4), m);
		}
	} else {
		const __m512i flip = _mm512_set1_epi8(-128);

		transpose(b + 2, row_bytes, w);
		transpose(b + 18, row_bytes, w + 4);
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
	const __m512i rows = _mm512_mullo_epi32(
		_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
		_mm512_set1_epi32((int)m->row_bytes));
	uint32_t blocks = m->cols / QK;
	__m512 acc[BT];

	for (int j = 0; j < bt; j++)
		acc[j] = _mm512_setzero_ps();
	for (uint32_t k = 0; k < blocks; k++) {
		__m512i w[8];
		__m512 dw = block(row, m->row_bytes, rows, k, q4, w);

		for (int j = 0; j < bt; j++) {
			size_t at = (size_t)(b0 + (uint32_t)j) * m->cols / QK + k;
			const int32_t *xq = (const int32_t *)(const void *)(x->q + at * QK);
			__m512i s = _mm512_set1_epi32(x->negb[at]);

			for (int i = 0; i < 8; i++)
				s = _mm512_dpbusd_epi32(s, w[i], _mm512_set1_epi32(xq[i]));
			acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s),
						 _mm512_mul_ps(dw, _mm512_set1_ps(x->d[at])), acc[j]);
		}
	}
	for (int j = 0; j < bt; j++)
		_mm512_storeu_ps(out + (size_t)(b0 + (uint32_t)j) * stride + r, acc[j]);
}

AVX512 static INLINE void groups_of(const struct llm_mat *m, const struct llm_qx *x, float *out,
				    size_t stride, uint32_t r0, uint32_t groups, bool q4)
{
	for (uint32_t g = 0; g < groups; g++) {
		uint32_t b = 0;

		for (; b + BT <= x->nb; b += BT)
			pass(m, x, out, stride, r0 + 16 * g, b, BT, q4);
		/* What is left in as few passes as can be: each transposes
		 * the rows' blocks again. */
		if (b + 8 <= x->nb)
			pass(m, x, out, stride, r0 + 16 * g, b, 8, q4), b += 8;
		if (b + 4 <= x->nb)
			pass(m, x, out, stride, r0 + 16 * g, b, 4, q4), b += 4;
		if (b + 3 == x->nb)
			pass(m, x, out, stride, r0 + 16 * g, b, 3, q4);
		else if (b + 2 == x->nb)
			pass(m, x, out, stride, r0 + 16 * g, b, 2, q4);
		else if (b + 1 == x->nb)
			pass(m, x, out, stride, r0 + 16 * g, b, 1, q4);
	}
}

AVX512 void llm_qgemm16_avx512(const struct llm_mat *m, const struct llm_qx *x, float *out,
			       size_t stride, uint32_t r0, uint32_t groups)
{
	if (m->type == TANDEM_GGML_Q4_0)
		groups_of(m, x, out, stride, r0, groups, true);
	else
		groups_of(m, x, out, stride, r0, groups, false);
}
