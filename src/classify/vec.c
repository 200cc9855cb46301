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

static float half_table[65536];
static pthread_once_t half_once = PTHREAD_ONCE_INIT;

static void make_half_table(void)
{
	for (uint32_t h = 0; h < 65536; h++)
		half_table[h] = cls_float_of((uint16_t)h);
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

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
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

static int have_avx2 = -1;

static void detect(void)
{
	make_half_table();
	unsigned a, b, c, d;
	/* F16C: CPUID leaf 1, ECX bit 29 (AVX2's check covers the OS's
	 * saving of the AVX registers). */
	have_avx2 = __builtin_cpu_supports("avx2") && __get_cpuid(1, &a, &b, &c, &d) &&
		    (c & 1u << 29) != 0;
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
#endif
