/*
 * src/llm/kern_avx512_f16.c - products with binary16 and float weights and
 * float activations, with AVX-512: weights widened in registers (never
 * copied), 16 elements a register along the row, in tiles of 5 rows by up
 * to 5 positions that share every load, one sum a row and position in a
 * register, reduced once a row; one position, 8 rows in flight. Each sum
 * takes its row's products in the same order whatever the tile, so a
 * row's result for a position does not depend on the other positions of
 * the batch: a sequence evaluated with others gives the bits it gives
 * alone.
 */
#include <immintrin.h>

#include "llm/llm_int.h"

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,f16c,fma")))
#define INLINE inline __attribute__((always_inline))

#define RT_MAX 5
#define BT_MAX 5
#define RT1_MAX 8   /* rows in flight for one position */
#define PREFETCH 512   /* bytes ahead on a row, a batch */
#define PREFETCH1 1024 /* one position */

/* 16 weights from element i of a row (n of them when fewer, else 0). */
AVX512 static INLINE __m512 load_w(const void *row, size_t i, bool f16, __mmask16 m)
{
	if (f16)
		return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, (const uint16_t *)row + i));
	return _mm512_maskz_loadu_ps(m, (const float *)row + i);
}

/*
 * Columns [k, k + 16) of rt rows into the tile's sums: the weights widened
 * once for every position, each position's activations loaded once for
 * every row. m masks the columns past the row's end.
 */
AVX512 static INLINE void step16(const unsigned char *base, size_t row_bytes, const float *x0,
				 uint32_t n, uint32_t k, __mmask16 m, int rt, int bt, bool f16,
				 __m512 acc[RT_MAX][BT_MAX])
{
	__m512 wv[RT_MAX];

#pragma GCC unroll 5
	for (int i = 0; i < rt; i++)
		wv[i] = load_w(base + (size_t)i * row_bytes, k, f16, m);
#pragma GCC unroll 5
	for (int j = 0; j < bt; j++) {
		__m512 xv = _mm512_maskz_loadu_ps(m, x0 + (size_t)j * n + k);
#pragma GCC unroll 5
		for (int i = 0; i < rt; i++)
			acc[i][j] = _mm512_fmadd_ps(wv[i], xv, acc[i][j]);
	}
}

/* rt rows from r by bt positions from b: 32 columns a turn without masks,
 * then the last 16 or fewer. */
AVX512 static INLINE void tile(const struct llm_mat *w, const float *X, float *out,
			       size_t stride, uint32_t r, uint32_t b, int rt, int bt, bool f16)
{
	const unsigned char *base = (const unsigned char *)w->data + (size_t)r * w->row_bytes;
	const float *x0 = X + (size_t)b * w->cols;
	uint32_t n = w->cols, k = 0;
	__m512 acc[RT_MAX][BT_MAX];

#pragma GCC unroll 5
	for (int i = 0; i < rt; i++)
#pragma GCC unroll 5
		for (int j = 0; j < bt; j++)
			acc[i][j] = _mm512_setzero_ps();
	for (; k + 32 <= n; k += 32) {
		/* The rows are read once, in order: ask for them some way
		 * ahead (past the row's end is harmless). */
#pragma GCC unroll 5
		for (int i = 0; i < rt; i++) {
			const char *p = (const char *)base + (size_t)i * w->row_bytes +
					(size_t)k * (f16 ? 2 : 4) + PREFETCH;
			_mm_prefetch(p, _MM_HINT_T0);
			if (!f16)
				_mm_prefetch(p + 64, _MM_HINT_T0);
		}
		step16(base, w->row_bytes, x0, n, k, 0xFFFF, rt, bt, f16, acc);
		step16(base, w->row_bytes, x0, n, k + 16, 0xFFFF, rt, bt, f16, acc);
	}
	for (; k < n; k += 16)
		step16(base, w->row_bytes, x0, n, k,
		       (__mmask16)(n - k >= 16 ? 0xFFFF : (1u << (n - k)) - 1), rt, bt, f16, acc);
#pragma GCC unroll 5
	for (int i = 0; i < rt; i++)
#pragma GCC unroll 5
		for (int j = 0; j < bt; j++)
			out[(size_t)(b + (uint32_t)j) * stride + r + (uint32_t)i] =
				_mm512_reduce_add_ps(acc[i][j]);
}

/*
 * One position, rt rows from r: the products of each row summed in the
 * order tile() sums them (so the same bits), the full registers without a
 * mask; as many rows in flight as there are sums to wait for.
 */
AVX512 static INLINE void rows1(const struct llm_mat *w, const float *x, float *out, uint32_t r,
				int rt, bool f16)
{
	const unsigned char *base = (const unsigned char *)w->data + (size_t)r * w->row_bytes;
	uint32_t n = w->cols, k = 0;
	__m512 acc[RT1_MAX];

#pragma GCC unroll 8
	for (int i = 0; i < rt; i++)
		acc[i] = _mm512_setzero_ps();
	for (; k + 16 <= n; k += 16) {
		__m512 xv = _mm512_loadu_ps(x + k);
#pragma GCC unroll 8
		for (int i = 0; i < rt; i++) {
			const unsigned char *row = base + (size_t)i * w->row_bytes;
			acc[i] = _mm512_fmadd_ps(load_w(row, k, f16, 0xFFFF), xv, acc[i]);
			_mm_prefetch((const char *)row + (size_t)k * (f16 ? 2 : 4) + PREFETCH1,
				     _MM_HINT_T0);
		}
	}
	if (k < n) {
		__mmask16 m = (__mmask16)((1u << (n - k)) - 1);
		__m512 xv = _mm512_maskz_loadu_ps(m, x + k);
#pragma GCC unroll 8
		for (int i = 0; i < rt; i++)
			acc[i] = _mm512_fmadd_ps(load_w(base + (size_t)i * w->row_bytes, k, f16, m),
						 xv, acc[i]);
	}
#pragma GCC unroll 8
	for (int i = 0; i < rt; i++)
		out[r + (uint32_t)i] = _mm512_reduce_add_ps(acc[i]);
}

/* rt rows from r by positions [b0, b1): what is left after the tiles of
 * BT_MAX positions in one tile, so that each row is widened once for it (a
 * few sequences generating together). */
AVX512 static INLINE void rows(const struct llm_mat *w, const float *X, uint32_t b0, uint32_t b1,
			       float *out, size_t stride, uint32_t r, int rt, bool f16)
{
	uint32_t b = b0;

	for (; b + BT_MAX <= b1; b += BT_MAX)
		tile(w, X, out, stride, r, b, rt, BT_MAX, f16);
	switch (b1 - b) {
	case 4: tile(w, X, out, stride, r, b, rt, 4, f16); break;
	case 3: tile(w, X, out, stride, r, b, rt, 3, f16); break;
	case 2: tile(w, X, out, stride, r, b, rt, 2, f16); break;
	case 1: tile(w, X, out, stride, r, b, rt, 1, f16); break;
	default: break;
	}
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
		uint32_t r = r0;

		for (; r + RT1_MAX <= r1; r += RT1_MAX)
			rows1(w, X, out, r, RT1_MAX, f16);
		for (; r < r1; r++)
			rows1(w, X, out, r, 1, f16);
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
