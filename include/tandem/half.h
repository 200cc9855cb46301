/*
 * tandem/half.h - IEEE 754 binary16 ("half", F16) and bfloat16 (BF16)
 * conversions, exact and portable: model weights and caches are kept in
 * them. Rounding to half is to nearest, ties to even; NaN stays NaN,
 * overflow is infinity, underflow goes through the subnormals to zero.
 */
#ifndef TANDEM_HALF_H
#define TANDEM_HALF_H

#include <stdint.h>
#include <string.h>

/* Inline: the classifier and the model engine call them in inner loops.
 * bfloat16 is the upper half of a float: widening it is exact. */
static inline uint16_t tandem_half_of(float x)
{
	uint32_t u;

	memcpy(&u, &x, sizeof u);
	uint32_t sign = u >> 16 & 0x8000, exp = u >> 23 & 0xFF, man = u & 0x7FFFFF;
	if (exp == 0xFF)
		return (uint16_t)(sign | 0x7C00 | (man ? 0x200 : 0)); /* inf, nan */
	int e = (int)exp - 127 + 15;
	if (e >= 31)
		return (uint16_t)(sign | 0x7C00); /* overflow: inf */
	if (e <= 0) {
		if (e < -10)
			return (uint16_t)sign; /* underflow: zero */
		man |= 0x800000;
		uint32_t shift = (uint32_t)(14 - e);
		uint32_t half = man >> shift, rest = man & ((1u << shift) - 1);
		uint32_t mid = 1u << (shift - 1);
		if (rest > mid || (rest == mid && (half & 1)))
			half++;
		return (uint16_t)(sign | half);
	}
	uint32_t half = (uint32_t)e << 10 | man >> 13, rest = man & 0x1FFF;
	if (rest > 0x1000 || (rest == 0x1000 && (half & 1)))
		half++; /* may carry into the exponent, up to inf: still right */
	return (uint16_t)(sign | half);
}

static inline float tandem_float_of_half(uint16_t h)
{
	uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = h >> 10 & 0x1F, man = h & 0x3FF, u;
	float x;

	if (exp == 0 && man == 0) {
		u = sign;
	} else if (exp == 0) {
		int e = -1;
		do {
			e++;
			man <<= 1;
		} while (!(man & 0x400));
		u = sign | (uint32_t)(127 - 15 - e) << 23 | (man & 0x3FF) << 13;
	} else if (exp == 31) {
		u = sign | 0x7F800000 | man << 13;
	} else {
		u = sign | (exp + 127 - 15) << 23 | man << 13;
	}
	memcpy(&x, &u, sizeof x);
	return x;
}

static inline float tandem_float_of_bf16(uint16_t h)
{
	uint32_t u = (uint32_t)h << 16;
	float x;

	memcpy(&x, &u, sizeof x);
	return x;
}

#endif /* TANDEM_HALF_H */
