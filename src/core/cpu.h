/*
 * src/core/cpu.h - which instruction-set extensions this processor and its
 * operating system offer, for the kernels that pick a path at run time
 * (einvoice's run scan, the classifier, the LLM engine).
 *
 * Asked of the processor (CPUID) at the first call only, never at start:
 * on a virtual machine each CPUID traps to the hypervisor (some 7 us
 * here), and the compiler's own detection (__builtin_cpu_supports) runs a
 * dozen of them in a constructor of every process that links it, whether
 * or not a kernel is ever used.
 */
#ifndef TANDEM_CORE_CPU_H
#define TANDEM_CORE_CPU_H

#include <stdbool.h>

enum tandem_cpu_feature {
	TANDEM_CPU_POPCNT = 1u << 0,
	TANDEM_CPU_AVX2 = 1u << 1,  /* with the OS saving the YMM registers */
	TANDEM_CPU_FMA = 1u << 2,
	TANDEM_CPU_F16C = 1u << 3,
	TANDEM_CPU_AVX512F = 1u << 4, /* these with the OS saving ZMM and masks */
	TANDEM_CPU_AVX512BW = 1u << 5,
	TANDEM_CPU_AVX512DQ = 1u << 6,
	TANDEM_CPU_AVX512VL = 1u << 7,
	TANDEM_CPU_AVX512VNNI = 1u << 8,
	TANDEM_CPU_AVX512VBMI = 1u << 9,
};

/* Whether every feature of the mask (enum tandem_cpu_feature) is there;
 * false on any other processor than x86-64. Thread-safe. */
bool tandem_cpu_has(unsigned features);

#endif /* TANDEM_CORE_CPU_H */
