/*
 * tandem/half.h - IEEE 754 binary16 ("half", F16) and bfloat16 (BF16)
 * conversions, exact and portable: model weights and caches are kept in
 * them. Rounding to half is to nearest, ties to even; NaN stays NaN,
 * overflow is infinity, underflow goes through the subnormals to zero.
 */
#ifndef TANDEM_HALF_H
#define TANDEM_HALF_H

#include <stdint.h>

uint16_t tandem_half_of(float x);
float tandem_float_of_half(uint16_t h);
/* bfloat16 is the upper half of a float: widening is exact. */
float tandem_float_of_bf16(uint16_t h);

#endif /* TANDEM_HALF_H */
