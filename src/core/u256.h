/*
 * src/core/u256.h - unsigned 256-bit integers, private to src/core/.
 *
 * The decimal type keeps coefficients below 10^38 (128 bits), but exact
 * intermediate results can need more: aligning 10^37 to one more decimal
 * before subtracting a nearly equal number, the product of two 38-digit
 * coefficients (< 10^76 < 2^253), a dividend scaled up before division.
 * These helpers carry such intermediates; the decimal code checks that the
 * final result fits again. Four 64-bit limbs, least significant first.
 */
#ifndef TANDEM_U256_H
#define TANDEM_U256_H

#include <stdint.h>

__extension__ typedef unsigned __int128 u128;

struct u256 {
	uint64_t w[4];
};

struct u256 u256_from_u128(u128 v);
/* 0 and *out set if a fits in 128 bits, else -1. */
int u256_to_u128(struct u256 a, u128 *out);
/* a * b, exact (the product of two 128-bit numbers fits in 256 bits). */
struct u256 u256_mul128(u128 a, u128 b);
/* *a *= 10^k; returns -1 (a unspecified) if the result needs over 256 bits. */
int u256_mul_pow10(struct u256 *a, int k);
/* *a += b; returns the carry out (1 means overflow). */
int u256_add(struct u256 *a, struct u256 b);
/* *a -= b; requires a >= b. */
void u256_sub(struct u256 *a, struct u256 b);
int u256_cmp(struct u256 a, struct u256 b);
int u256_is_zero(struct u256 a);
/* *a /= d for a small divisor; returns the remainder. */
uint64_t u256_div_small(struct u256 *a, uint64_t d);
/* q = n / d, r = n % d by shift and subtract; d must not be zero. */
void u256_divmod(struct u256 n, struct u256 d, struct u256 *q, struct u256 *r);

#endif /* TANDEM_U256_H */
