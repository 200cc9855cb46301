/*
 * src/llm/kern_avx512_int.h - what the AVX-512 batch kernels share: the
 * target attribute and the transposition of 16 rows' bytes into lanes.
 */
#ifndef TANDEM_LLM_KERN_AVX512_INT_H
#define TANDEM_LLM_KERN_AVX512_INT_H

#include <immintrin.h>

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

#endif
