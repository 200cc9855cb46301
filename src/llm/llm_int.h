/*
 * src/llm/llm_int.h - what the engine's files share: the model's tensors by
 * layer, the context's buffers, and the kernels that read weights of every
 * type.
 */
#ifndef TANDEM_LLM_INT_H
#define TANDEM_LLM_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/gguf.h"
#include "tandem/llm.h"

/* A weight matrix: rows of cols elements of one type, in the mapping. */
struct llm_mat {
	const void *data;
	enum tandem_ggml_type type;
	uint32_t rows, cols;
	size_t row_bytes;
};

struct llm_layer {
	const float *attn_norm, *ffn_norm;                   /* (dim) */
	struct llm_mat wq, wk, wv, wo;     /* (dim -> n_heads*head_dim), (dim -> kv_dim) x2,
					      (n_heads*head_dim -> dim) */
	struct llm_mat w_gate, w_up, w_down;   /* (dim -> ffn) x2, (ffn -> dim) */
};

struct tandem_llm_model {
	struct tandem_llm_hparams hp;
	struct llm_mat embd;               /* (n_vocab rows of dim) */
	struct llm_mat output;             /* (n_vocab rows of dim): embd when tied */
	const float *output_norm;          /* (dim) */
	struct llm_layer *layers;
};

#define LLM_THREADS_MAX TANDEM_LLM_THREADS_MAX

struct llm_pool;
struct llm_pool_thread {
	struct llm_pool *pool;
	uint32_t index;
	pthread_t id;
};

/* The threads of a context (pool.c): n run each job, the caller among them. */
struct llm_pool {
	uint32_t n;
	_Atomic uint64_t gen;              /* a new job: one more */
	_Atomic uint32_t done;             /* workers done with it */
	_Atomic bool stop;
	void (*fn)(void *arg, uint32_t i, uint32_t n);
	void *arg;
	struct llm_pool_thread t[LLM_THREADS_MAX];
};

int llm_pool_start(struct llm_pool *pool, uint32_t n);
void llm_pool_run(struct llm_pool *pool, void (*fn)(void *, uint32_t, uint32_t), void *arg);
void llm_pool_stop(struct llm_pool *pool);

/* Rows a forward pass takes at once, when the context holds as many: a
 * prompt's 512 positions are one pass (each weight read once for all of
 * them; passes of 32 read the weights of a 1.1B model 16 times over). */
#define LLM_BATCH 512
#define LLM_ROWS_MAX (TANDEM_LLM_SEQ_MAX > LLM_BATCH ? TANDEM_LLM_SEQ_MAX : LLM_BATCH)

/*
 * A context: the caches of its sequences, and every buffer of the forward
 * pass for a batch of up to B = max(min(LLM_BATCH, n_seq n_ctx), n_seq)
 * rows, so that a step of generation takes every sequence at once. Row b
 * of each buffer is the token of sequence seq[b] at position pos[b].
 */
struct tandem_llm_ctx {
	struct llm_pool pool;
	const struct tandem_llm_model *m;
	uint32_t n_ctx, n_seq;             /* positions a sequence, sequences */
	uint32_t pos[TANDEM_LLM_SEQ_MAX];  /* each sequence's next position */
	uint32_t rows_max;                 /* B */
	uint32_t nb;                       /* rows in the batch being computed */
	uint32_t seq[LLM_ROWS_MAX], at[LLM_ROWS_MAX];   /* each row's sequence, position */
	int32_t token[LLM_ROWS_MAX];
	bool out[LLM_ROWS_MAX];            /* the row's logits are wanted */
	uint16_t *k_cache, *v_cache;       /* (n_seq, n_layers, n_ctx, kv_dim) binary16 */
	float *x, *xb, *xb2;               /* (B, dim) (B, max(dim, q_dim)) (B, dim) */
	float *q, *k, *v;                  /* (B, q_dim) (B, kv_dim) (B, kv_dim) */
	float *hb, *hb2;                   /* (B, ffn) */
	float *att;                        /* (threads, att_max) */
	size_t att_max;                    /* n_ctx times the query heads a kv head */
	float *rope_cos, *rope_sin;        /* (B, rope_dim / 2) */
	float *rows;                       /* (threads, widest row): a weight row as floats */
	size_t row_max;                    /* floats of one thread's rows */
	unsigned char *qx;                 /* (threads, qx_bytes): quantized activations */
	size_t qx_bytes;
	struct llm_qx *qxs;                /* (threads): what each made last, in qx */
};

/* Where the key (or value) of sequence seq at position t of layer l
 * begins in its cache: rows of kv_dim binary16. */
static inline size_t llm_cache_at(const struct tandem_llm_ctx *c, uint32_t seq, uint32_t l,
				  uint32_t t)
{
	const struct tandem_llm_hparams *hp = &c->m->hp;

	return (((size_t)seq * hp->n_layers + l) * c->n_ctx + t) * hp->n_kv_heads * hp->head_dim;
}

/* The forward pass (forward.c) of the c->nb rows set in c->seq, c->at and
 * c->token, each row's key and value stored at its position; logits
 * receives n_vocab floats for each row whose c->out is set, in order. */
void llm_forward(struct tandem_llm_ctx *c, float *logits);

/* Can the kernels read a matrix of this type? */
int llm_type_supported(enum tandem_ggml_type t);

/* out[r] = row r of w . x, for rows [r0, r1) (x has w->cols floats). */
void llm_matvec_rows(const struct llm_mat *w, const float *x, float *out, uint32_t r0,
		     uint32_t r1);
void llm_matvec(const struct llm_mat *w, const float *x, float *out);

/* out[b * stride + r] = row r of w . X[b] for nb vectors X (nb x w->cols)
 * and rows [r0, r1); with nb > 1 each row is widened once into scratch
 * (w->cols floats) and dotted with every vector. */
void llm_matmul_rows(const struct llm_mat *w, const float *X, uint32_t nb, float *out,
		     size_t stride, uint32_t r0, uint32_t r1, float *scratch);

/* Chooses the row kernels: SIMD when the processor has AVX2, FMA and F16C
 * (simd false: the portable ones, for tests). Called by tandem_llm_load. */
void llm_kernels_select(bool simd);

/* The SIMD kernels (kern_avx2.c). */
float llm_dot_f32_avx2(const void *row, const float *x, size_t n);
float llm_dot_f16_avx2(const void *row, const float *x, size_t n);
float llm_dot_q8_0_avx2(const void *row, const float *x, size_t n);
float llm_dot_q4_0_avx2(const void *row, const float *x, size_t n);
float llm_dot_floats_avx2(const float *y, const float *x, size_t n);

/*
 * Activations quantized for the integer kernels (qdot.c): nb rows of cols
 * (a multiple of 32) as blocks of 32 signed bytes q = round(x / d) with
 * d = max|x| / 127; for kernels that read weights as unsigned bytes (the
 * weight plus offset), minus offset times the sum of each four bytes, and
 * the scales of each pair of blocks as 16 floats (8 of each).
 */
struct llm_qx {
	int8_t *q;          /* (nb, cols) */
	float *d;           /* (nb, cols / 32) */
	int32_t *neg;       /* (nb, cols / 4) */
	int32_t *negb;      /* (nb, cols / 32): the same, a block's */
	float *d16;         /* (nb, pairs, 16); an odd last block's pair has 0 */
	uint32_t nb, cols, pairs;
};

/*
 * Quantizes blocks of 32 floats as llm_qx_make does (q, d, neg, negb of
 * struct llm_qx, the offset's sums): the portable loop, or the AVX-512
 * one (kern_avx512.c) whose bytes are the same (one rounding, to nearest
 * even, of the same float product).
 */
typedef void (*llm_qx_blocks_fn)(const float *X, size_t blocks, int32_t offset, int8_t *q,
				 float *d, int32_t *neg, int32_t *negb);
void llm_qx_blocks_avx512(const float *X, size_t blocks, int32_t offset, int8_t *q, float *d,
			  int32_t *neg, int32_t *negb);

/* Bytes of a buffer for llm_qx_make of nb rows of cols. */
size_t llm_qx_bytes(uint32_t nb, uint32_t cols);
void llm_qx_make(struct llm_qx *qx, void *buf, const float *X, uint32_t nb, uint32_t cols,
		 int32_t offset);

/* The offset llm_qx_make wants for weights of type t (8 for Q4_0, 128 for Q8_0). */
int32_t llm_qgemm_offset(enum tandem_ggml_type t);

/* Does llm_qgemm take this matrix? (Q8_0, Q4_0, Q4_K, Q5_K and Q6_K) */
bool llm_qgemm_type(enum tandem_ggml_type t, uint32_t cols);

/* out[b * stride + r] = row r of w . row b of x, rows [r0, r1), b < x->nb. */
typedef void (*llm_qgemm_fn)(const struct llm_mat *w, const struct llm_qx *x, float *out,
			     size_t stride, uint32_t r0, uint32_t r1);
void llm_qgemm(const struct llm_mat *w, const struct llm_qx *x, float *out, size_t stride,
	       uint32_t r0, uint32_t r1);
void llm_qgemm_portable(const struct llm_mat *w, const struct llm_qx *x, float *out,
			size_t stride, uint32_t r0, uint32_t r1);
void llm_qgemm_avx2(const struct llm_mat *w, const struct llm_qx *x, float *out,
		    size_t stride, uint32_t r0, uint32_t r1);
/* Q4_K, Q5_K and Q6_K with AVX2 (kern_avx2_k.c), which llm_qgemm_avx2 calls. */
void llm_qgemm_k_avx2(const struct llm_mat *w, const struct llm_qx *x, float *out,
		      size_t stride, uint32_t r0, uint32_t r1);
void llm_qgemm_avx512(const struct llm_mat *w, const struct llm_qx *x, float *out,
		      size_t stride, uint32_t r0, uint32_t r1);
void llm_qgemm_q45k_avx512(const struct llm_mat *w, const struct llm_qx *x, float *out,
			   size_t stride, uint32_t r0, uint32_t r1);
void llm_qgemm_q6k_avx512(const struct llm_mat *w, const struct llm_qx *x, float *out,
			  size_t stride, uint32_t r0, uint32_t r1);
/* Rows [r0, r0 + 16 * groups) of w by every position of x, 16 rows in the
 * lanes of a register (kern_avx512_rows.c). */
void llm_qgemm16_avx512(const struct llm_mat *w, const struct llm_qx *x, float *out,
			size_t stride, uint32_t r0, uint32_t groups);
/* The same for Q4_K and Q5_K, and for Q6_K (kern_avx512_krows.c). */
void llm_qgemm16_k45_avx512(const struct llm_mat *w, const struct llm_qx *x, float *out,
			    size_t stride, uint32_t r0, uint32_t groups);
void llm_qgemm16_q6k_avx512(const struct llm_mat *w, const struct llm_qx *x, float *out,
			    size_t stride, uint32_t r0, uint32_t groups);
/* Chooses the integer, attention and F16 kernels (simd: the processor's
 * best; avx2: it has AVX2, FMA and F16C). */
void llm_qgemm_select(bool simd, bool avx2);

/* Attention of the query heads sharing one key/value head, for one
 * position: the SIMD kernel (attn_avx512.c) when the processor has one. */
#define LLM_GROUP_MAX 16   /* query heads a key/value head, for the kernel */
struct llm_attn {
	const uint16_t *k, *v;     /* this layer's cache at the head: key t at k + t * stride */
	size_t stride;
	uint32_t head_dim, heads;  /* heads: of the group, contiguous in q and out */
	uint32_t first, last;      /* the positions attended */
	float scale;
};
/* att: room for the heads' scores (heads x (last + 1 - first) floats), then
 * LLM_ATTN_SCRATCH(head_dim) floats of the kernel's own (16 keys widened). */
#define LLM_ATTN_SCRATCH(hd) ((size_t)16 * (((size_t)(hd) + 15) / 16 * 16))
typedef void (*llm_attend_fn)(const struct llm_attn *a, float *q, float *att, float *out);
void llm_attend_avx512(const struct llm_attn *a, float *q, float *att, float *out);
/* The kernel in use, or NULL (then forward.c's portable one). */
llm_attend_fn llm_attend_kernel(void);

/* out[b * stride + r] = row r of w . X[b] for F16 and F32 weights, rows
 * [r0, r1), nb positions (X: nb x w->cols floats): the SIMD kernel
 * (kern_avx512_f16.c) when the processor has one, else NULL. */
typedef void (*llm_fgemm_fn)(const struct llm_mat *w, const float *X, uint32_t nb, float *out,
			     size_t stride, uint32_t r0, uint32_t r1);
void llm_fgemm_avx512(const struct llm_mat *w, const float *X, uint32_t nb, float *out,
		      size_t stride, uint32_t r0, uint32_t r1);
llm_fgemm_fn llm_fgemm_kernel(void);

/* The 6-bit scale and min of sub-block j (0-7) of a Q4_K / Q5_K
 * super-block, from its 12 bytes of scales q. */
static inline void llm_k_scale_min(int j, const unsigned char *q, unsigned *sc, unsigned *m)
{
	if (j < 4) {
		*sc = q[j] & 63u;
		*m = q[j + 4] & 63u;
	} else {
		*sc = (q[j + 4] & 0x0Fu) | ((unsigned)(q[j - 4] >> 6) << 4);
		*m = (unsigned)(q[j + 4] >> 4) | ((unsigned)(q[j] >> 6) << 4);
	}
}

/* Row r of w as floats (w->cols of them). */
void llm_row_get(const struct llm_mat *w, uint32_t r, float *out);

/* Rows of n floats (whole blocks) written as Q8_0, Q4_0 or Q6_K blocks, by
 * the reference algorithms (quant_make.c). */
void llm_quant_q8_0(const float *x, unsigned char *out, size_t n);
void llm_quant_q4_0(const float *x, unsigned char *out, size_t n);
void llm_quant_q6_k(const float *x, unsigned char *out, size_t n);

#endif /* TANDEM_LLM_INT_H */
