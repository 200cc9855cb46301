/*
 * src/core/u256.c - unsigned 256-bit arithmetic for exact decimal
 * intermediates (src/core/u256.h). Not on any hot path: the decimal code
 * tries 128 bits first and comes here only when that overflows.
 */
#include "core/core.h"
#include "core/u256.h"

struct u256 u256_from_u128(u128 v)
{
	struct u256 r = {{(uint64_t)v, (uint64_t)(v >> 64), 0, 0}};
	return r;
}

int u256_to_u128(struct u256 a, u128 *out)
{
	if (a.w[2] || a.w[3])
		return -1;
	*out = ((u128)a.w[1] << 64) | a.w[0];
	return 0;
}

struct u256 u256_mul128(u128 a, u128 b)
{
	uint64_t x[2] = {(uint64_t)a, (uint64_t)(a >> 64)};
	uint64_t y[2] = {(uint64_t)b, (uint64_t)(b >> 64)};
	struct u256 r = {{0, 0, 0, 0}};

	for (int i = 0; i < 2; i++) {
		u128 carry = 0;
		for (int j = 0; j < 2; j++) {
			u128 t = (u128)x[i] * y[j] + r.w[i + j] + carry;
			r.w[i + j] = (uint64_t)t;
			carry = t >> 64;
		}
		r.w[i + 2] = (uint64_t)carry;
	}
	return r;
}

/* *a *= m; returns -1 on overflow. */
static int mul_small(struct u256 *a, uint64_t m)
{
	u128 carry = 0;

	for (int i = 0; i < 4; i++) {
		u128 t = (u128)a->w[i] * m + carry;
		a->w[i] = (uint64_t)t;
		carry = t >> 64;
	}
	return carry ? -1 : 0;
}

int u256_mul_pow10(struct u256 *a, int k)
{
	static const uint64_t p10[20] = {
		1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u,
		100000000u, 1000000000u, 10000000000u, 100000000000u,
		1000000000000u, 10000000000000u, 100000000000000u,
		1000000000000000u, 10000000000000000u, 100000000000000000u,
		1000000000000000000u, 10000000000000000000u,
	};

	TANDEM_ASSERT(k >= 0);
	while (k > 0) {
		int step = k > 19 ? 19 : k;
		if (mul_small(a, p10[step]))
			return -1;
		k -= step;
	}
	return 0;
}

int u256_add(struct u256 *a, struct u256 b)
{
	u128 carry = 0;

	for (int i = 0; i < 4; i++) {
		u128 t = (u128)a->w[i] + b.w[i] + carry;
		a->w[i] = (uint64_t)t;
		carry = t >> 64;
	}
	return (int)carry;
}

void u256_sub(struct u256 *a, struct u256 b)
{
	uint64_t borrow = 0;

	TANDEM_ASSERT(u256_cmp(*a, b) >= 0);
	for (int i = 0; i < 4; i++) {
		uint64_t x = a->w[i], y = b.w[i];
		uint64_t d = x - y - borrow;
		borrow = (x < y) || (x == y && borrow) ? 1 : 0;
		a->w[i] = d;
	}
}

int u256_cmp(struct u256 a, struct u256 b)
{
	for (int i = 3; i >= 0; i--)
		if (a.w[i] != b.w[i])
			return a.w[i] < b.w[i] ? -1 : 1;
	return 0;
}

int u256_is_zero(struct u256 a)
{
	return !(a.w[0] | a.w[1] | a.w[2] | a.w[3]);
}

uint64_t u256_div_small(struct u256 *a, uint64_t d)
{
	u128 rem = 0;

	TANDEM_ASSERT(d != 0);
	for (int i = 3; i >= 0; i--) {
		u128 cur = (rem << 64) | a->w[i];
		a->w[i] = (uint64_t)(cur / d);
		rem = cur % d;
	}
	return (uint64_t)rem;
}

static void shl1(struct u256 *a)
{
	for (int i = 3; i > 0; i--)
		a->w[i] = (a->w[i] << 1) | (a->w[i - 1] >> 63);
	a->w[0] <<= 1;
}

void u256_divmod(struct u256 n, struct u256 d, struct u256 *q, struct u256 *r)
{
	struct u256 quot = {{0, 0, 0, 0}}, rem = {{0, 0, 0, 0}};

	TANDEM_ASSERT(!u256_is_zero(d) && (d.w[3] >> 63) == 0);
	for (int bit = 255; bit >= 0; bit--) {
		/* rem < d < 2^255, so shifting rem left loses no bit. */
		shl1(&rem);
		rem.w[0] |= (n.w[bit / 64] >> (bit % 64)) & 1u;
		if (u256_cmp(rem, d) >= 0) {
			u256_sub(&rem, d);
			quot.w[bit / 64] |= (uint64_t)1 << (bit % 64);
		}
	}
	*q = quot;
	*r = rem;
}
