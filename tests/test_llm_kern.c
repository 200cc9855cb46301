/*
 * tests/test_llm_kern.c - the matrix kernels of the LLM engine on
 * synthetic matrices of every shape class (odd block counts, row and batch
 * counts that are not multiples of a tile): each kernel, portable and
 * SIMD, against a double-precision product of the same stored values.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm_int.h"
#include "tandem/half.h"
#include "test.h"

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* A rows x cols matrix of type t (Q8_0 or Q4_0) of random blocks. */
static unsigned char *random_blocks(enum tandem_ggml_type t, uint32_t rows, uint32_t cols,
				    uint32_t *seed, size_t *row_bytes)
{
	size_t bb = t == TANDEM_GGML_Q8_0 ? 34 : t == TANDEM_GGML_Q4_0 ? 18 :
		    t == TANDEM_GGML_Q4_K ? 144 : t == TANDEM_GGML_Q5_K ? 176 : 210;
	bool k = t == TANDEM_GGML_Q4_K || t == TANDEM_GGML_Q5_K;
	size_t be = t == TANDEM_GGML_Q6_K || k ? 256 : 32, at = t == TANDEM_GGML_Q6_K ? 208 : 0;
	unsigned char *m;

	*row_bytes = cols / be * bb;
	m = malloc(*row_bytes * rows);
	for (size_t n = 0; n < (size_t)rows * cols / be; n++) {
		unsigned char *b = m + n * bb;
		uint16_t d = tandem_half_of((float)(rnd(seed) % 1000 + 1) / 20000.0f);
		uint16_t dmin = tandem_half_of((float)(rnd(seed) % 1000) / 30000.0f);

		for (size_t i = 0; i < bb; i++)
			b[i] = (unsigned char)rnd(seed);
		b[at] = (unsigned char)d;
		b[at + 1] = (unsigned char)(d >> 8);
		if (k) {
			b[2] = (unsigned char)dmin;
			b[3] = (unsigned char)(dmin >> 8);
		}
	}
	return m;
}

/* Element i of row r, as stored. */
static double weight(const struct llm_mat *w, uint32_t r, uint32_t i)
{
	const unsigned char *b = (const unsigned char *)w->data + (size_t)r * w->row_bytes;
	size_t bb = w->type == TANDEM_GGML_Q8_0 ? 34 : 18;

	if (w->type == TANDEM_GGML_Q4_K || w->type == TANDEM_GGML_Q5_K) {
		/* d, dmin, 12 bytes of 6-bit scales and mins, (Q5_K: 32 bytes
		 * of fifth bits,) nibbles: sub-block j of 32 is the low (j
		 * even) or high nibbles of bytes 32 (j / 2) on. */
		bool five = w->type == TANDEM_GGML_Q5_K;
		b += (size_t)(i / 256) * (five ? 176 : 144);
		uint32_t e = i % 256, j = e / 32, l = e % 32;
		const unsigned char *qs = b + (five ? 48 : 16), *s = b + 4;
		int byte = qs[32 * (j / 2) + l], v = j % 2 == 0 ? byte & 0x0F : byte >> 4;
		if (five)
			v += ((b[16 + l] >> j) & 1) * 16;
		int sc = j < 4 ? s[j] & 63 : (s[j + 4] & 0x0F) | (s[j - 4] >> 6) << 4;
		int mn = j < 4 ? s[j + 4] & 63 : (s[j + 4] >> 4) | (s[j] >> 6) << 4;
		double d = tandem_float_of_half((uint16_t)(b[0] | b[1] << 8));
		double dmin = tandem_float_of_half((uint16_t)(b[2] | b[3] << 8));
		return d * sc * v - dmin * mn;
	}
	if (w->type == TANDEM_GGML_Q6_K) {
		/* ql: 128 bytes, qh: 64, scales: 16, d; halves of 128. */
		b += (size_t)(i / 256) * 210;
		uint32_t e = i % 256, n = e / 128, l = e % 32, quarter = e % 128 / 32;
		const unsigned char *ql = b + (size_t)64 * n, *qh = b + 128 + (size_t)32 * n;
		int byte = ql[l + 32 * (quarter % 2)], lo = quarter < 2 ? byte & 0x0F : byte >> 4;
		int hi = (qh[l] >> (2 * quarter)) & 3;
		unsigned byte_sc = b[192 + 8 * n + l / 16 + 2 * quarter];
		int sc = byte_sc < 128 ? (int)byte_sc : (int)byte_sc - 256;
		double d = tandem_float_of_half((uint16_t)(b[208] | b[209] << 8));
		return d * sc * ((lo | hi << 4) - 32);
	}
	b += i / 32 * bb;
	double d = tandem_float_of_half((uint16_t)(b[0] | b[1] << 8));
	if (w->type == TANDEM_GGML_Q8_0)
		return d * (int8_t)b[2 + i % 32];
	int j = (int)(i % 32);
	return d * (j < 16 ? (b[2 + j] & 0x0F) - 8 : (b[2 + j - 16] >> 4) - 8);
}

/* Quantized activations, and the integer products with Q8_0 and Q4_0
 * weights, equal the exact product of the stored values. The width of
 * 16384 (20 positions, rows in two calls as two threads take them) makes
 * the batch kernels' cache blocks one group of 16 rows and 16 positions,
 * so that both span several. */
TEST(llm_qgemm_exact)
{
	static const uint32_t shapes[][2] = { { 7, 96 }, { 9, 256 }, { 4, 32 }, { 13, 2048 },
						 { 37, 64 }, { 50, 160 }, { 5, 512 }, { 3, 256 },
						 { 33, 512 }, { 49, 16384 } };
	static const enum tandem_ggml_type types[] = { TANDEM_GGML_Q8_0, TANDEM_GGML_Q4_0,
						       TANDEM_GGML_Q6_K, TANDEM_GGML_Q4_K,
						       TANDEM_GGML_Q5_K };
	uint32_t seed = 12345;

	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
		for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
			for (uint32_t nb = 1; nb <= 20; nb += nb < 8 ? 1 : 3) {
				uint32_t rows = shapes[s][0], cols = shapes[s][1];
				if (!llm_qgemm_type(types[t], cols))
					continue;
				if (cols > 4096 && nb != 20)
					continue;
				size_t rb;
				unsigned char *m = random_blocks(types[t], rows, cols, &seed, &rb);
				struct llm_mat w = { m, types[t], rows, cols, rb };
				float *X = malloc(sizeof(float) * nb * cols);
				float *out = malloc(sizeof(float) * nb * rows);
				void *buf = aligned_alloc(64, (llm_qx_bytes(nb, cols) + 63) / 64 * 64);
				struct llm_qx qx;

				for (size_t i = 0; i < (size_t)nb * cols; i++)
					X[i] = (float)((int)(rnd(&seed) % 2001) - 1000) / 300.0f;
				llm_qx_make(&qx, buf, X, nb, cols, llm_qgemm_offset(types[t]));
				for (size_t i = 0; i < (size_t)nb * cols; i++) {
					float d = qx.d[i / 32];
					ASSERT(fabsf(X[i] - d * qx.q[i]) <= d * 0.5f + 1e-6f);
				}
				uint32_t split = cols > 4096 ? 16 : rows;
				/* portable, the processor's best, AVX2 */
				for (int simd = 0; simd < 3; simd++) {
					llm_kernels_select(simd != 0);
					memset(out, 0, sizeof(float) * nb * rows);
					if (simd == 2 && !__builtin_cpu_supports("avx2"))
						continue;
					if (simd == 2)
						llm_qgemm_avx2(&w, &qx, out, rows, 0, rows);
					else
						llm_qgemm(&w, &qx, out, rows, 0, split);
					if (simd != 2)
						llm_qgemm(&w, &qx, out, rows, split, rows);
					for (uint32_t b = 0; b < nb; b++)
						for (uint32_t r = 0; r < rows; r++) {
							double want = 0, mag = 0;
							for (uint32_t i = 0; i < cols; i++) {
								double p = weight(&w, r, i) *
									(double)qx.d[(b * cols + i) / 32] *
									qx.q[b * cols + i];
								want += p;
								mag += fabs(p);
							}
							double got = out[b * rows + r];
							/* float sums: error relative to the
							 * sum of the magnitudes */
							ASSERT(fabs(got - want) <= 1e-6 * (1 + mag));
						}
				}
				free(m);
				free(X);
				free(out);
				free(buf);
			}
	llm_kernels_select(true);
}

/* F16 and F32 weights with float activations: the SIMD kernel against the
 * exact product of the stored values, for tails of every length; rows
 * computed in two calls (two threads' shares); a width of 8192 makes the
 * cache blocks a dozen rows or fewer and 12 positions, so that the shares
 * and the batch span several; and each position's result the bits it has
 * alone (sequences evaluated together give what each gives alone). */
TEST(llm_fgemm_exact)
{
	static const uint32_t shapes[][2] = {
		{ 5, 40 }, { 9, 64 }, { 13, 200 }, { 3, 7 }, { 29, 8192 },
	};
	llm_fgemm_fn f;
	uint32_t seed = 777;

	llm_kernels_select(true);
	f = llm_fgemm_kernel();
	if (f == NULL)
		SKIP("no SIMD kernel for F16/F32 weights on this processor");
	for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
		for (int f16 = 0; f16 < 2; f16++)
			for (uint32_t nb = 1; nb <= 13; nb++) {
				uint32_t rows = shapes[s][0], cols = shapes[s][1];
				size_t rb = (size_t)cols * (f16 ? 2 : 4);
				unsigned char *m = malloc(rb * rows);
				float *X = malloc(sizeof(float) * nb * cols);
				float *out = malloc(sizeof(float) * nb * rows);
				struct llm_mat w = { m, f16 ? TANDEM_GGML_F16 : TANDEM_GGML_F32, rows,
						     cols, rb };

				for (size_t i = 0; i < (size_t)rows * cols; i++) {
					float v = (float)((int)(rnd(&seed) % 2001) - 1000) / 700.0f;
					if (f16) {
						uint16_t h = tandem_half_of(v);
						memcpy(m + 2 * i, &h, 2);
					} else {
						memcpy(m + 4 * i, &v, 4);
					}
				}
				for (size_t i = 0; i < (size_t)nb * cols; i++)
					X[i] = (float)((int)(rnd(&seed) % 2001) - 1000) / 300.0f;
				f(&w, X, nb, out, rows, 0, rows / 2);
				f(&w, X, nb, out, rows, rows / 2, rows);
				for (uint32_t b = 0; b < nb; b++) {
					float alone[32];
					ASSERT(rows <= 32);
					f(&w, X + (size_t)b * cols, 1, alone, rows, 0, rows);
					ASSERT_MEM_EQ(alone, out + (size_t)b * rows, rows * sizeof *out);
				}
				for (uint32_t b = 0; b < nb; b++)
					for (uint32_t r = 0; r < rows; r++) {
						double want = 0, mag = 0;
						for (uint32_t i = 0; i < cols; i++) {
							float wv;
							if (f16) {
								uint16_t h;
								memcpy(&h, m + rb * r + (size_t)2 * i, 2);
								wv = tandem_float_of_half(h);
							} else {
								memcpy(&wv, m + rb * r + (size_t)4 * i, 4);
							}
							double p = (double)wv * X[b * cols + i];
							want += p;
							mag += fabs(p);
						}
						ASSERT(fabs(out[b * rows + r] - want) <= 1e-6 * (1 + mag));
					}
				free(m);
				free(X);
				free(out);
			}
}

/* The processor's quantization of activations gives the portable one's
 * bytes, scales and sums: random values, a block of zeros, one of exact
 * halves (ties rounded to even), tiny and huge magnitudes. */
TEST(llm_qx_same_on_every_path)
{
	enum { NB = 7, COLS = 256 };
	static float X[NB * COLS];
	uint32_t seed = 4242;

	for (size_t i = 0; i < (size_t)NB * COLS; i++)
		X[i] = (float)((int)(rnd(&seed) % 20001) - 10000) / 777.0f;
	for (size_t i = 0; i < 32; i++) {
		X[32 + i] = 0.0f;                                  /* zeros */
		X[64 + i] = (float)((int)i - 16) + 0.5f;           /* ties */
		X[128 + i] = (float)((int)(rnd(&seed) % 201) - 100) * 1e-30f;
		X[160 + i] = (float)((int)(rnd(&seed) % 201) - 100) * 1e30f;
	}
	X[64 + 31] = 127.0f; /* a scale of 1: the halves stay halves */
	size_t bytes = (llm_qx_bytes(NB, COLS) + 63) / 64 * 64;
	void *a = aligned_alloc(64, bytes), *b = aligned_alloc(64, bytes);
	struct llm_qx qa, qb;
	ASSERT(a != NULL && b != NULL);
	memset(a, 0, bytes);
	memset(b, 0, bytes);
	for (int offset = 1; offset <= 128; offset *= 8) {
		llm_kernels_select(false);
		llm_qx_make(&qa, a, X, NB, COLS, offset);
		llm_kernels_select(true);
		llm_qx_make(&qb, b, X, NB, COLS, offset);
		ASSERT_EQ(memcmp(qa.q, qb.q, (size_t)NB * COLS), 0);
		for (size_t i = 0; i < (size_t)NB * COLS / 32; i++) { /* the same bits */
			uint32_t x, y;
			memcpy(&x, &qa.d[i], sizeof x);
			memcpy(&y, &qb.d[i], sizeof y);
			ASSERT_EQ(x, y);
		}
		ASSERT_EQ(memcmp(qa.neg, qb.neg, sizeof(int32_t) * NB * COLS / 4), 0);
		ASSERT_EQ(memcmp(qa.negb, qb.negb, sizeof(int32_t) * NB * COLS / 32), 0);
	}
	ASSERT_EQ(qa.q[64 + 16], 0);  /* 0.5 */
	ASSERT_EQ(qa.q[64 + 18], 2);  /* 2.5 */
	ASSERT_EQ(qa.q[64 + 13], -2); /* -2.5 */
	free(a);
	free(b);
}

/* x rounded to binary16 and back. */
static float half_round(float x)
{
	return tandem_float_of_half(tandem_half_of(x));
}

/* The attention kernel against the same attention in double (queries and
 * weights rounded to binary16 as the kernel rounds them): group sizes 1 to
 * 16, head widths with and without a tail, key counts around the blocks of
 * 16, a window that starts after the first key. */
TEST(llm_attend_exact)
{
	static const uint32_t groups[] = { 1, 3, 8, 16 }, widths[] = { 64, 40, 128 };
	static const uint32_t counts[][2] = { { 0, 0 }, { 0, 15 }, { 0, 16 }, { 3, 19 }, { 5, 74 } };
	enum { T = 80, KVH = 2 };
	uint32_t seed = 99;

	llm_kernels_select(true);
	llm_attend_fn f = llm_attend_kernel();
	if (f == NULL)
		SKIP("no SIMD attention kernel on this processor");
	for (size_t gi = 0; gi < 4; gi++)
		for (size_t wi = 0; wi < 3; wi++)
			for (size_t ci = 0; ci < 5; ci++) {
				uint32_t G = groups[gi], hd = widths[wi], stride = KVH * hd;
				uint16_t *k = malloc(sizeof(uint16_t) * T * stride);
				uint16_t *v = malloc(sizeof(uint16_t) * T * stride);
				float *q = malloc(sizeof(float) * G * hd), *q0 = malloc(sizeof(float) * G * hd);
				float *att = malloc(sizeof(float) * (G * T + LLM_ATTN_SCRATCH(hd)));
				float *out = malloc(sizeof(float) * G * hd);
				for (size_t i = 0; i < (size_t)T * stride; i++) {
					k[i] = tandem_half_of((float)((int)(rnd(&seed) % 2001) - 1000) / 500.0f);
					v[i] = tandem_half_of((float)((int)(rnd(&seed) % 2001) - 1000) / 500.0f);
				}
				for (size_t i = 0; i < (size_t)G * hd; i++)
					q0[i] = q[i] = (float)((int)(rnd(&seed) % 2001) - 1000) / 400.0f;
				/* the second key/value head of the cache */
				struct llm_attn a = { k + hd, v + hd, stride, hd, G, counts[ci][0],
						      counts[ci][1], 1.0f / sqrtf((float)hd) };
				f(&a, q, att, out);
				uint32_t n = a.last + 1 - a.first;
				for (uint32_t g = 0; g < G; g++) {
					double s[T], mx = -1e300, sum = 0;
					for (uint32_t t = 0; t < n; t++) {
						const uint16_t *kt = a.k + (size_t)(a.first + t) * stride;
						double d = 0;
						for (uint32_t i = 0; i < hd; i++)
							d += (double)half_round(q0[g * hd + i]) *
							     tandem_float_of_half(kt[i]);
						s[t] = d * a.scale;
						mx = s[t] > mx ? s[t] : mx;
					}
					for (uint32_t t = 0; t < n; t++)
						sum += s[t] = exp(s[t] - mx);
					for (uint32_t i = 0; i < hd; i++) {
						double want = 0, mag = 0;
						for (uint32_t t = 0; t < n; t++) {
							double w = half_round((float)(s[t] / sum));
							double x = tandem_float_of_half(
								a.v[(size_t)(a.first + t) * stride + i]);
							want += w * x;
							mag += fabs(w * x);
						}
						/* a weight may round to the next binary16 */
						ASSERT(fabs(out[g * hd + i] - want) <= 2e-3 * (1e-3 + mag));
					}
				}
				free(k);
				free(v);
				free(q);
				free(q0);
				free(att);
				free(out);
			}
}
