/*
 * src/classify/vec.c - the one loop the classifier spends its time in,
 * y += a x over the classes, for the CPU at hand.
 *
 * The same C loop is compiled twice: for any x86-64 (SSE2) and for AVX2,
 * chosen once at run time. Neither variant fuses the multiply and the add
 * (AVX2 without FMA), so both give the same bits: a model trained on one
 * machine is byte-identical to the same training on another.
 */
#include "classify_int.h"

static void axpy_any(float *restrict y, const float *restrict x, float a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] += a * x[i];
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("avx2"))) static void axpy_avx2(float *restrict y,
							const float *restrict x, float a,
							size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] += a * x[i];
}

void cls_axpy(float *restrict y, const float *restrict x, float a, size_t n)
{
	static int avx2 = -1;
	if (avx2 < 0)
		avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
	if (avx2)
		axpy_avx2(y, x, a, n);
	else
		axpy_any(y, x, a, n);
}
#else
void cls_axpy(float *restrict y, const float *restrict x, float a, size_t n)
{
	axpy_any(y, x, a, n);
}
#endif
