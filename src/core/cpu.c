/*
 * src/core/cpu.c - instruction-set extensions, asked once (cpu.h).
 *
 * CPUID leaf 1 (ECX) and leaf 7 subleaf 0 (EBX, ECX) name what the
 * processor has; XGETBV(0) says which register states the operating
 * system saves on a context switch: without YMM state no VEX instruction
 * (AVX2, FMA, F16C) may run, without opmask and ZMM state no AVX-512 one.
 * Bit positions from the Intel SDM, vol. 2A, "CPUID", and vol. 1, 13.3.
 */
#include <pthread.h>

#include "cpu.h"

#if defined(__x86_64__)
#include <cpuid.h>

#define L1_FMA         (1u << 12)
#define L1_POPCNT      (1u << 23)
#define L1_OSXSAVE     (1u << 27)
#define L1_AVX         (1u << 28)
#define L1_F16C        (1u << 29)
#define L7B_AVX2       (1u << 5)
#define L7B_AVX512F    (1u << 16)
#define L7B_AVX512DQ   (1u << 17)
#define L7B_AVX512BW   (1u << 30)
#define L7B_AVX512VL   (1u << 31)
#define L7C_AVX512VBMI (1u << 1)
#define L7C_AVX512VNNI (1u << 11)
#define XCR0_YMM       0x6u  /* SSE and AVX state */
#define XCR0_ZMM       0xe6u /* and opmask, ZMM_Hi256, Hi16_ZMM */

static unsigned features;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static unsigned long long xcr0(void)
{
	unsigned lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (unsigned long long)hi << 32 | lo;
}

static void detect(void)
{
	unsigned a = 0, b = 0, c = 0, d = 0, max = __get_cpuid_max(0, NULL);
	unsigned f = 0;
	if (max < 1 || !__get_cpuid(1, &a, &b, &c, &d))
		return;
	unsigned long long xcr = (c & L1_OSXSAVE) ? xcr0() : 0;
	bool ymm = (c & L1_AVX) && (xcr & XCR0_YMM) == XCR0_YMM;
	bool zmm = ymm && (xcr & XCR0_ZMM) == XCR0_ZMM;
	f |= (c & L1_POPCNT) ? TANDEM_CPU_POPCNT : 0;
	f |= ymm && (c & L1_FMA) ? TANDEM_CPU_FMA : 0;
	f |= ymm && (c & L1_F16C) ? TANDEM_CPU_F16C : 0;
	if (max >= 7 && __get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		f |= ymm && (b & L7B_AVX2) ? TANDEM_CPU_AVX2 : 0;
		if (zmm) {
			f |= (b & L7B_AVX512F) ? TANDEM_CPU_AVX512F : 0;
			f |= (b & L7B_AVX512BW) ? TANDEM_CPU_AVX512BW : 0;
			f |= (b & L7B_AVX512DQ) ? TANDEM_CPU_AVX512DQ : 0;
			f |= (b & L7B_AVX512VL) ? TANDEM_CPU_AVX512VL : 0;
			f |= (c & L7C_AVX512VNNI) ? TANDEM_CPU_AVX512VNNI : 0;
			f |= (c & L7C_AVX512VBMI) ? TANDEM_CPU_AVX512VBMI : 0;
		}
	}
	features = f;
}

bool tandem_cpu_has(unsigned want)
{
	(void)pthread_once(&once, detect);
	return (features & want) == want;
}

#else

bool tandem_cpu_has(unsigned want)
{
	(void)want;
	return false;
}

#endif
