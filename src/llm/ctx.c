/*
 * src/llm/ctx.c - a context: the binary16 key/value cache of each sequence
 * for n_ctx positions, the buffers of a forward pass over a batch, and the
 * threads that run it, all made at once and kept until the context is
 * freed.
 */
#include <stdlib.h>
#include <string.h>

#include "llm/llm_int.h"
#include "tandem/assert.h"
#include "tandem/error.h"

static int refuse(struct tandem_diag *d, int code, const char *msg, uint32_t n_ctx,
		  uint32_t n_seq, uint32_t threads)
{
	(void)tandem_diag_add(d, TANDEM_SEV_ERROR, code, "TANDEM-LLM-CONTEXT", NULL, 0,
			      "%s (%u positions, %u sequences, %u threads)", msg, n_ctx, n_seq,
			      threads);
	return code;
}

static size_t widest(const struct tandem_llm_hparams *hp)
{
	size_t w = hp->dim, q = (size_t)hp->n_heads * hp->head_dim;

	w = q > w ? q : w;
	return hp->ffn_dim > w ? hp->ffn_dim : w;
}

int tandem_llm_ctx_new(const struct tandem_llm_model *m, uint32_t n_ctx, uint32_t threads,
		       struct tandem_diag *d, struct tandem_llm_ctx **out)
{
	return tandem_llm_ctx_new_seqs(m, n_ctx, 1, threads, d, out);
}

int tandem_llm_ctx_new_seqs(const struct tandem_llm_model *m, uint32_t n_ctx, uint32_t n_seq,
			    uint32_t threads, struct tandem_diag *d, struct tandem_llm_ctx **out)
{
	const struct tandem_llm_hparams *hp = &m->hp;
	size_t kv_dim = (size_t)hp->n_kv_heads * hp->head_dim, B;
	size_t q_dim = (size_t)hp->n_heads * hp->head_dim, cache;
	struct tandem_llm_ctx *c;

	*out = NULL;
	if (n_ctx == 0 || n_ctx > TANDEM_LLM_CTX_MAX || n_seq == 0 || n_seq > TANDEM_LLM_SEQ_MAX ||
	    threads == 0 || threads > LLM_THREADS_MAX)
		return refuse(d, TANDEM_EINVAL, "a context holds 1 to 1048576 positions a "
			      "sequence, 1 to 64 sequences and runs 1 to 64 threads", n_ctx, n_seq,
			      threads);
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return TANDEM_ENOMEM;
	B = (size_t)n_seq * n_ctx < LLM_BATCH ? (size_t)n_seq * n_ctx : LLM_BATCH;
	B = n_seq > B ? n_seq : B;
	TANDEM_ASSERT(B <= LLM_ROWS_MAX);        /* the rows' own arrays in the context */
	cache = (size_t)n_seq * hp->n_layers * n_ctx * kv_dim;
	c->m = m;
	c->n_ctx = n_ctx;
	c->n_seq = n_seq;
	c->rows_max = (uint32_t)B;
	c->pool.n = 1;
	c->row_max = widest(hp);
	c->k_cache = malloc(cache * sizeof *c->k_cache);
	c->v_cache = malloc(cache * sizeof *c->v_cache);
	c->x = calloc(B * hp->dim, sizeof *c->x);
	c->xb = calloc(B * (q_dim > hp->dim ? q_dim : hp->dim), sizeof *c->xb);
	c->xb2 = calloc(B * hp->dim, sizeof *c->xb2);
	c->q = calloc(B * q_dim, sizeof *c->q);
	c->k = calloc(B * kv_dim, sizeof *c->k);
	c->v = calloc(B * kv_dim, sizeof *c->v);
	c->hb = calloc(B * hp->ffn_dim, sizeof *c->hb);
	c->hb2 = calloc(B * hp->ffn_dim, sizeof *c->hb2);
	c->att_max = (size_t)n_ctx * (hp->n_heads / hp->n_kv_heads) +
		     LLM_ATTN_SCRATCH(hp->head_dim);
	c->att = calloc(c->att_max * threads, sizeof *c->att);   /* a group's rows a thread */
	c->rope_cos = calloc(B * (hp->rope_dim / 2 + 1), sizeof *c->rope_cos);
	c->rope_sin = calloc(B * (hp->rope_dim / 2 + 1), sizeof *c->rope_sin);
	c->rows = calloc(threads * c->row_max, sizeof *c->rows);
	c->qx_bytes = (llm_qx_bytes((uint32_t)B, (uint32_t)c->row_max) + 63) / 64 * 64;
	c->qx = aligned_alloc(64, threads * c->qx_bytes);
	c->qxs = calloc(threads, sizeof *c->qxs);
	if (c->k_cache == NULL || c->v_cache == NULL || c->x == NULL || c->xb == NULL ||
	    c->xb2 == NULL || c->q == NULL || c->k == NULL || c->v == NULL || c->hb == NULL ||
	    c->hb2 == NULL || c->att == NULL || c->rope_cos == NULL || c->rope_sin == NULL ||
	    c->rows == NULL || c->qx == NULL || c->qxs == NULL) {
		tandem_llm_ctx_free(c);
		return refuse(d, TANDEM_ENOMEM, "no memory for the context", n_ctx, n_seq,
			      threads);
	}
	if (llm_pool_start(&c->pool, threads) != 0) {
		tandem_llm_ctx_free(c);
		return refuse(d, TANDEM_ENOMEM, "cannot start the threads", n_ctx, n_seq,
			      threads);
	}
	*out = c;
	return 0;
}

void tandem_llm_ctx_free(struct tandem_llm_ctx *c)
{
	if (c == NULL)
		return;
	if (c->pool.n > 1)
		llm_pool_stop(&c->pool);
	free(c->k_cache);
	free(c->v_cache);
	free(c->x);
	free(c->xb);
	free(c->xb2);
	free(c->q);
	free(c->k);
	free(c->v);
	free(c->hb);
	free(c->hb2);
	free(c->att);
	free(c->rope_cos);
	free(c->rope_sin);
	free(c->rows);
	free(c->qx);
	free(c->qxs);
	free(c);
}

uint32_t tandem_llm_ctx_pos(const struct tandem_llm_ctx *c) { return c->pos[0]; }
uint32_t tandem_llm_ctx_seqs(const struct tandem_llm_ctx *c) { return c->n_seq; }
uint32_t tandem_llm_ctx_n_ctx(const struct tandem_llm_ctx *c) { return c->n_ctx; }

void tandem_llm_ctx_reset(struct tandem_llm_ctx *c)
{
	for (uint32_t s = 0; s < c->n_seq; s++)
		c->pos[s] = 0;
}

uint32_t tandem_llm_seq_pos(const struct tandem_llm_ctx *c, uint32_t seq)
{
	TANDEM_ASSERT(seq < c->n_seq);
	return c->pos[seq];
}

/* The cache keeps what the sequence held: the positions it fills anew are
 * written before they are read. */
void tandem_llm_seq_reset(struct tandem_llm_ctx *c, uint32_t seq)
{
	TANDEM_ASSERT(seq < c->n_seq);
	c->pos[seq] = 0;
}

/* Each layer's filled positions of src, keys and values, over dst's. */
void tandem_llm_seq_copy(struct tandem_llm_ctx *c, uint32_t dst, uint32_t src)
{
	TANDEM_ASSERT(dst < c->n_seq && src < c->n_seq);
	if (dst == src)
		return;
	size_t n = llm_cache_at(c, 0, 0, c->pos[src]);     /* values of one layer */
	for (uint32_t l = 0; l < c->m->hp.n_layers; l++) {
		size_t to = llm_cache_at(c, dst, l, 0), from = llm_cache_at(c, src, l, 0);

		memcpy(c->k_cache + to, c->k_cache + from, n * sizeof *c->k_cache);
		memcpy(c->v_cache + to, c->v_cache + from, n * sizeof *c->v_cache);
	}
	c->pos[dst] = c->pos[src];
}
