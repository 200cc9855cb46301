/*
 * src/llm/kern_avx512_f16.c - products with binary16 and float weights and
 * float activations, with AVX-512: weights widened in registers (never
 * copied), 16 elements a register along the row. One position: a row at a
 * time with four sums in flight. A batch: tiles of 4 rows by 6 positions
 * that share every load, 24 sums in registers, each reduced once a row.
 */
#include <immintrin.h>

#include "llm/llm_int.h"

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,f16c,fma")))
#define INLINE inline __attribute__((always_inline))

#define RT_MAX 4
#define BT_MAX 6

/* 16 weights from element i of a row (n of them when fewer, else 0). */
AVX512 static INLINE __m512 load_w(const void *row, size_t i, bool f16, __mmask16 m)
{
	if (f16)
		return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, (const uint16_t *)row + i));
	return _mm512_maskz_loadu_ps(m, (const float *)row + i);
}

/* One position, one row: four sums in flight, then the tail. */
AVX512 static INLINE float row_dot(const void *row, const float *x, uint32_t n, bool f16)
{
	__m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
	uint32_t i = 0;

	for (; i + 64 <= n; i += 64) {
		a0 = _mm512_fmadd_ps(load_w(row, i, f16, 0xFFFF), _mm512_loadu_ps(x + i), a0);
		a1 = _mm512_fmadd_ps(load_w(row, i + 16, f16, 0xFFFF), _mm512_loadu_ps(x + i + 16),
				     a1);
		a2 = _mm512_fmadd_ps(load_w(row, i + 32, f16, 0xFFFF), _mm512_loadu_ps(x + i + 32),
				     a2);
		a3 = _mm512_fmadd_ps(load_w(row, i + 48, f16, 0xFFFF), _mm512_loadu_ps(x + i + 48),
				     a3);
	}
	for (; i < n; i += 16) {
		__mmask16 m = (__mmask16)(n - i >= 16 ? 0xFFFF : (1u << (n - i)) - 1);
		a0 = _mm512_fmadd_ps(load_w(row, i, f16, m), _mm512_maskz_loadu_ps(m, x + i), a0);
	}
	return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
}

/* Columns [k, k + 16) of the tile (lanes beyond m zero): rt rows by bt positions. */
AVX512 static INLINE void tile_step(const unsigned char *base, size_t row_bytes, const float *X,
				    uint32_t n, uint32_t b, uint32_t k, __mmask16 m, int rt, int bt,
				    bool f16, __m512 acc[RT_MAX][BT_MAX])
{
	__m512 wv[RT_MAX];

#pragma GCC unroll 4
	for (int i = 0; i < rt; i++)
		wv[i] = load_w(base + (size_t)i * row_bytes, k, f16, m);
#pragma GCC unroll 6
	for (int j = 0; j < bt; j++) {
		__m512 xv = _mm512_maskz_loadu_ps(m, X + (size_t)(b + (uint32_t)j) * n + k);
#pragma GCC unroll 4
		for (int i = 0; i < rt; i++)
			acc[i][j] = _mm512_fmadd_ps(wv[i], xv, acc[i][j]);
	}
}

/* rt rows from r by bt positions from b: whole registers, then the tail
 * (the constant mask of the first makes its loads plain ones). */
AVX512 static INLINE void tile(const struct llm_mat *w, const float *X, float *out,
			       size_t stride, uint32_t r, uint32_t b, int rt, int bt, bool f16)
{
	const unsigned char *base = (const unsigned char *)w->data + (size_t)r * w->row_bytes;
	uint32_t n = w->cols, k = 0;
	__m512 acc[RT_MAX][BT_MAX];

#pragma GCC unroll 4
	for (int i = 0; i < rt; i++)
#pragma GCC unroll 6
		for (int j = 0; j < bt; j++)
			acc[i][j] = _mm512_setzero_ps();
	for (; k + 16 <= n; k += 16)
		tile_step(base, w->row_bytes, X, n, b, k, 0xFFFF, rt, bt, f16, acc);
	if (k < n)
		tile_step(base, w->row_bytes, X, n, b, k, (__mmask16)((1u << (n - k)) - 1), rt, bt,
			  f16, acc);
#pragma GCC unroll 4
	for (int i = 0; i < rt; i++)
#pragma GCC unroll 6
		for (int j = 0; j < bt; j++)
			out[(size_t)(b + (uint32_t)j) * stride + r + (uint32_t)i] =
				_mm512_reduce_add_ps(acc[i][j]);
}

/* rt rows from r by positions [b0, b1). */
AVX512 static INLINE void rows(const struct llm_mat *w, const float *X, uint32_t b0, uint32_t b1,
			       float *out, size_t stride, uint32_t r, int rt, bool f16)
{
	uint32_t b = b0;

	for (; b + BT_MAX <= b1; b += BT_MAX)
		tile(w, X, out, stride, r, b, rt, BT_MAX, f16);
	for (; b + 3 <= b1; b += 3)
		tile(w, X, out, stride, r, b, rt, 3, f16);
	for (; b < b1; b++)
		tile(w, X, out, stride, r, b, rt, 1, f16);
}

/*
 * A batch in blocks that stay in the level-2 cache: some rows of weights
 * (FGEMM_ROW_BYTES of them) by some positions of activations
 * (FGEMM_POS_BYTES), every tile of the one by every tile of the other. Row
 * by row over all 512 positions of a prompt, each 4-row tile read the whole
 * batch again from the level-3 cache (4 MB for a width of 2048).
 */
#define FGEMM_ROW_BYTES (192u << 10)
#define FGEMM_POS_BYTES (384u << 10)

AVX512 static INLINE void product(const struct llm_mat *w, const float *X, uint32_t nb,
				  float *out, size_t stride, uint32_t r0, uint32_t r1, bool f16)
{
	if (nb == 1) {
		for (uint32_t r = r0; r < r1; r++)
			out[r] = row_dot((const unsigned char *)w->data + (size_t)r * w->row_bytes, X,
					 w->cols, f16);
		return;
	}
	uint32_t rb = (uint32_t)(FGEMM_ROW_BYTES / w->row_bytes) / RT_MAX * RT_MAX;
	uint32_t pb = (uint32_t)(FGEMM_POS_BYTES / ((size_t)w->cols * sizeof(float))) / BT_MAX *
		      BT_MAX;
	rb = rb ? rb : RT_MAX;
	pb = pb ? pb : BT_MAX;
	for (uint32_t ra = r0; ra < r1; ra += rb) {
		uint32_t re = r1 - ra > rb ? ra + rb : r1;
		for (uint32_t ba = 0; ba < nb; ba += pb) {
			uint32_t be = nb - ba > pb ? ba + pb : nb, r = ra;
			for (; r + RT_MAX <= re; r += RT_MAX)
				rows(w, X, ba, be, out, stride, r, RT_MAX, f16);
			for (; r < re; r++)
				rows(w, X, ba, be, out, stride, r, 1, f16);
		}
	}
}

AVX512 void llm_fgemm_avx512(const struct llm_mat *w, const float *X, uint32_t nb, float *out,
			     size_t stride, uint32_t r0, uint32_t r1)
{
	if (w->type == TANDEM_GGML_F16)
		product(w, X, nb, out, stride, r0, r1, true);
	else
		product(w, X, nb, out, stride, r0, r1, false);
}
