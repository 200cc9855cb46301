/*
 * src/classify/vec.c - the loops the classifier spends its time in,
 * y += a x over the classes, for the CPU at hand; x in single precision
 * (training) or half precision (the model's weights).
 *
 * The same C loop is compiled for any x86-64 (SSE2) and for AVX2 (with
 * F16C for the half-precision one), chosen once at run time. No variant
 * fuses the multiply and the add, and a half converts to a float exactly,
 * so every variant gives the same bits: a model trained, or a text scored,
 * on one machine is the same on another.
 */
#include <pthread.h>

#include "classify_int.h"
#include "core/cpu.h"

/* Rows of weights summed together; the next as many are fetched meanwhile. */
#define CLS_ROWS 8

static float half_table[65536];
static pthread_once_t half_once = PTHREAD_ONCE_INIT;

static void make_half_table(void)
{
	for (uint32_t h = 0; h < 65536; h++)
		half_table[h] = tandem_float_of_half((uint16_t)h);
}

static void axpy_any(float *restrict y, const float *restrict x, float a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] += a * x[i];
}

static void axpy_half_any(float *restrict y, const uint16_t *restrict x, float a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] += a * half_table[x[i]];
}

/* Fetches the rows of features f[from .. min(from + CLS_ROWS, n)), each
 * nc halves, while the ones before them are summed. */
static void fetch_rows(const uint16_t *W, size_t nc, const struct cls_feat *f, size_t from,
		       size_t n)
{
	for (size_t i = from; i < n && i < from + CLS_ROWS; i++)
		cls_fetch_row(W, nc, f[i].id);
}

static void rows_half_any(float *restrict y, const uint16_t *restrict W, size_t nc,
			  const struct cls_feat *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i % CLS_ROWS == 0)
			fetch_rows(W, nc, f, i + CLS_ROWS, n);
		axpy_half_any(y, W + (size_t)f[i].id * nc, f[i].v, nc);
	}
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

__attribute__((target("avx2"))) static void axpy_avx2(float *restrict y,
							const float *restrict x, float a,
							size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] += a * x[i];
}

__attribute__((target("avx2,f16c"))) static void axpy_half_avx2(float *restrict y,
								  const uint16_t *restrict x,
								  float a, size_t n)
{
	__m256 va = _mm256_set1_ps(a);
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		__m128i h = _mm_loadu_si128((const __m128i *)(const void *)(x + i));
		__m256 prod = _mm256_mul_ps(va, _mm256_cvtph_ps(h));
		_mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i), prod));
	}
	for (; i < n; i++)
		y[i] += a * half_table[x[i]];
}

/* acc + the products of classes c .. c + 8 of rows row[0 .. r), in turn. */
__attribute__((target("avx2,f16c"), always_inline)) static inline __m256
add_rows(__m256 acc, const __m256 *va, const uint16_t *const *row, size_t r, size_t c)
{
	for (size_t i = 0; i < r; i++) {
		const void *x = row[i] + c;
		__m128i h = _mm_loadu_si128((const __m128i *)x);
		acc = _mm256_add_ps(acc, _mm256_mul_ps(va[i], _mm256_cvtph_ps(h)));
	}
	return acc;
}

/*
 * The rows CLS_ROWS at a time: each 8 classes of y are read once, take the
 * rows' products in the rows' order (a product, then a sum, as in
 * axpy_half_avx2), and are written once. A full chunk has its loop over
 * the rows unrolled (r is a constant there).
 */
__attribute__((target("avx2,f16c"))) static void rows_half_avx2(float *restrict y,
								  const uint16_t *restrict W,
								  size_t nc,
								  const struct cls_feat *f,
								  size_t n)
{
	for (size_t i0 = 0; i0 < n; i0 += CLS_ROWS) {
		size_t r = n - i0 < CLS_ROWS ? n - i0 : CLS_ROWS;
		const uint16_t *row[CLS_ROWS];
		__m256 va[CLS_ROWS];
		for (size_t i = 0; i < r; i++) {
			row[i] = W + (size_t)f[i0 + i].id * nc;
			va[i] = _mm256_set1_ps(f[i0 + i].v);
		}
		fetch_rows(W, nc, f, i0 + CLS_ROWS, n);
		size_t c = 0;
		if (r == CLS_ROWS)
			for (; c + 8 <= nc; c += 8)
				_mm256_storeu_ps(y + c, add_rows(_mm256_loadu_ps(y + c), va, row,
								 CLS_ROWS, c));
		for (; c + 8 <= nc; c += 8)
			_mm256_storeu_ps(y + c, add_rows(_mm256_loadu_ps(y + c), va, row, r, c));
		for (; c < nc; c++) {
			float acc = y[c];
			for (size_t i = 0; i < r; i++)
				acc += f[i0 + i].v * half_table[row[i][c]];
			y[c] = acc;
		}
	}
}

static int have_avx2 = -1;

static void detect(void)
{
	make_half_table();
	have_avx2 = tandem_cpu_has(TANDEM_CPU_AVX2 | TANDEM_CPU_F16C);
}

void cls_axpy(float *restrict y, const float *restrict x, float a, size_t n)
{
	(void)pthread_once(&half_once, detect);
	if (have_avx2)
		axpy_avx2(y, x, a, n);
	else
		axpy_any(y, x, a, n);
}

void cls_axpy_half(float *restrict y, const uint16_t *restrict x, float a, size_t n)
{
	(void)pthread_once(&half_once, detect);
	if (have_avx2)
		axpy_half_avx2(y, x, a, n);
	else
		axpy_half_any(y, x, a, n);
}

const float *cls_half_floats(void)
{
	(void)pthread_once(&half_once, detect);
	return half_table;
}

void cls_rows_half(float *restrict y, const uint16_t *restrict W, size_t nc,
		   const struct cls_feat *f, size_t n)
{
	(void)pthread_once(&half_once, detect);
	fetch_rows(W, nc, f, 0, n);
	if (have_avx2)
		rows_half_avx2(y, W, nc, f, n);
	else
		rows_half_any(y, W, nc, f, n);
}
#else
void cls_axpy(float *restrict y, const float *restrict x, float a, size_t n)
{
	axpy_any(y, x, a, n);
}

void cls_axpy_half(float *restrict y, const uint16_t *restrict x, float a, size_t n)
{
	(void)pthread_once(&half_once, make_half_table);
	axpy_half_any(y, x, a, n);
}

const float *cls_half_floats(void)
{
	(void)pthread_once(&half_once, make_half_table);
	return half_table;
}

void cls_rows_half(float *restrict y, const uint16_t *restrict W, size_t nc,
		   const struct cls_feat *f, size_t n)
{
	(void)pthread_once(&half_once, make_half_table);
	fetch_rows(W, nc, f, 0, n);
	rows_half_any(y, W, nc, f, n);
}
#endif
