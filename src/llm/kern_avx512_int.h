/*
 * src/llm/kern_avx512_int.h - what the AVX-512 batch kernels share: the
 * target attribute and the transposition of 16 rows' bytes into lanes.
 */
#ifndef TANDEM_LLM_KERN_AVX512_INT_H
#define TANDEM_LLM_KERN_AVX512_INT_H

#include <immintrin.h>

#include "llm/llm_int.h"

#define AVX512 \
	__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,f16c,fma")))
#define INLINE inline __attribute__((always_inline))

/* 16 bytes of each of 16 rows (row i at p + i * row_bytes), transposed by
 * dwords: out[m] has bytes 4m to 4m + 3 of row i in its lane i. Four
 * 128-bit rows a register (lane L of register g from row 4L + g), then two
 * rounds of unpacking. */
AVX512 static INLINE void llm_transpose16(const unsigned char *p, size_t row_bytes,
					  __m512i out[4])
{
	__m512i z[4], t[4];

#pragma GCC unroll 4
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

/* Byte offsets of 16 consecutive rows, for gathers. */
AVX512 static INLINE __m512i llm_row_offsets16(size_t row_bytes)
{
	return _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
						    14, 15),
				  _mm512_set1_epi32((int)row_bytes));
}

/* A batch kernel's pass: 16 rows from r by positions [b, b + bt), with
 * flag the kernel's own (its weight type). bt is one of 1, 2, 3, 4, 8 and
 * the kernel's largest. */
typedef void (*llm_pass16_fn)(const struct llm_mat *m, const struct llm_qx *x, float *out,
			      size_t stride, uint32_t r, uint32_t b, int bt, int flag);

/*
 * Groups of 16 rows from r0 by every position of x, in blocks that stay in
 * the level-2 cache: LLM_BLOCK_ROW_BYTES of weights by LLM_BLOCK_POS_BYTES
 * of quantized activations (a position's bytes, scale and sum: 1.25 bytes
 * a column). Group by group over all of a prompt, each group read the whole
 * batch again from the level-3 cache. In a block, passes of bt_max
 * positions, then what is left in as few passes as can be (8, 4, then the
 * last 1 to 3): each transposes the rows' blocks again.
 */
#define LLM_BLOCK_ROW_BYTES (192u << 10)
#define LLM_BLOCK_POS_BYTES (384u << 10)

static inline void llm_groups_blocked(const struct llm_mat *m, const struct llm_qx *x, float *out,
				      size_t stride, uint32_t r0, uint32_t groups, int bt_max,
				      llm_pass16_fn pass, int flag)
{
	uint32_t bt = (uint32_t)bt_max;
	uint32_t gb = (uint32_t)(LLM_BLOCK_ROW_BYTES / (16 * m->row_bytes));
	uint32_t pb = (uint32_t)(LLM_BLOCK_POS_BYTES / ((size_t)m->cols + m->cols / 4)) / bt * bt;

	gb = gb ? gb : 1;
	pb = pb ? pb : bt;
	for (uint32_t ga = 0; ga < groups; ga += gb) {
		uint32_t ge = groups - ga > gb ? ga + gb : groups;
		for (uint32_t ba = 0; ba < x->nb; ba += pb) {
			uint32_t be = x->nb - ba > pb ? ba + pb : x->nb;
			for (uint32_t g = ga; g < ge; g++) {
				uint32_t b = ba, r = r0 + 16 * g;

				for (; b + bt <= be; b += bt)
					pass(m, x, out, stride, r, b, bt_max, flag);
				if (bt > 8 && b + 8 <= be) {
					pass(m, x, out, stride, r, b, 8, flag);
					b += 8;
				}
				if (bt > 4 && b + 4 <= be) {
					pass(m, x, out, stride, r, b, 4, flag);
					b += 4;
				}
				if (b < be)
					pass(m, x, out, stride, r, b, (int)(be - b), flag);
			}
		}
	}
}

#endif
