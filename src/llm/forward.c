/*
 * src/llm/forward.c - the forward pass of a Llama-architecture model, one
 * position at a time: RMSNorm, rotary embeddings, grouped-query attention
 * over the binary16 key/value cache, SwiGLU, and the output projection.
 * Every buffer was allocated with the context: evaluating allocates
 * nothing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm_int.h"
#include "tandem/error.h"
#include "tandem/half.h"

/* out = x / rms(x) * w, over n. */
static void rmsnorm(float *out, const float *x, const float *w, uint32_t n, float eps)
{
	float ss = 0;

	for (uint32_t i = 0; i < n; i++)
		ss += x[i] * x[i];
	float scale = 1.0f / sqrtf(ss / (float)n + eps);
	for (uint32_t i = 0; i < n; i++)
		out[i] = x[i] * scale * w[i];
}

/* The angles of the current position: pair i turns by pos * θ^(-2i/dim). */
static void rope_angles(struct tandem_llm_ctx *c)
{
	const struct tandem_llm_hparams *hp = &c->m->hp;
	float step = powf(hp->rope_theta, -2.0f / (float)hp->rope_dim), theta = (float)c->pos;

	for (uint32_t i = 0; i < hp->rope_dim / 2; i++) {
		c->rope_cos[i] = cosf(theta);
		c->rope_sin[i] = sinf(theta);
		theta *= step;
	}
}

/* Rotates the leading rope_dim values of each of n heads, adjacent pairs. */
static void rope(const struct tandem_llm_ctx *c, float *v, uint32_t heads)
{
	const struct tandem_llm_hparams *hp = &c->m->hp;

	for (uint32_t h = 0; h < heads; h++) {
		float *x = v + (size_t)h * hp->head_dim;

		for (size_t i = 0; i < hp->rope_dim / 2; i++) {
			float x0 = x[2 * i], x1 = x[2 * i + 1];
			x[2 * i] = x0 * c->rope_cos[i] - x1 * c->rope_sin[i];
			x[2 * i + 1] = x0 * c->rope_sin[i] + x1 * c->rope_cos[i];
		}
	}
}

static float round_half(float x)
{
	return tandem_float_of_half(tandem_half_of(x));
}

/*
 * Attention of head h over positions [first, pos]: the query (rounded to
 * binary16, as the cache is) against each cached key, softmax, then the
 * weights (rounded too) over the cached values, into out (head_dim).
 */
static void attend(struct tandem_llm_ctx *c, uint32_t layer, uint32_t h, float *att, float *out)
{
	const struct tandem_llm_hparams *hp = &c->m->hp;
	uint32_t hd = hp->head_dim, kv_dim = hp->n_kv_heads * hd;
	uint32_t kvh = h / (hp->n_heads / hp->n_kv_heads);
	uint32_t first = hp->sliding_window > 0 && c->pos >= hp->sliding_window ?
		c->pos - hp->sliding_window + 1 : 0;
	const float *q = c->q + (size_t)h * hd;
	size_t base = (size_t)layer * c->n_ctx * kv_dim + (size_t)kvh * hd;
	float scale = 1.0f / sqrtf((float)hd), max = -INFINITY, sum = 0;
	float q16[1024];

	for (uint32_t i = 0; i < hd; i++)
		q16[i] = round_half(q[i]);
	for (uint32_t t = first; t <= c->pos; t++) {
		const uint16_t *k = c->k_cache + base + (size_t)t * kv_dim;
		float s = 0;

		for (uint32_t i = 0; i < hd; i++)
			s += q16[i] * tandem_float_of_half(k[i]);
		att[t] = s * scale;
		max = att[t] > max ? att[t] : max;
	}
	for (uint32_t t = first; t <= c->pos; t++) {
		att[t] = expf(att[t] - max);
		sum += att[t];
	}
	memset(out, 0, hd * sizeof *out);
	for (uint32_t t = first; t <= c->pos; t++) {
		const uint16_t *v = c->v_cache + base + (size_t)t * kv_dim;
		float a = round_half(att[t] / sum);

		for (uint32_t i = 0; i < hd; i++)
			out[i] += a * tandem_float_of_half(v[i]);
	}
}

/* What the threads do together: one step of one layer. */
enum step { STEP_QKV, STEP_ATTEND, STEP_WO, STEP_FFN_UP, STEP_FFN_DOWN, STEP_OUTPUT };

struct job {
	struct tandem_llm_ctx *c;
	uint32_t layer;
	enum step step;
	float *logits;
};

/* Thread i's share of n items. */
static void share(uint32_t n, uint32_t i, uint32_t threads, uint32_t *a, uint32_t *b)
{
	*a = (uint32_t)((uint64_t)n * i / threads);
	*b = (uint32_t)((uint64_t)n * (i + 1) / threads);
}

static void run_step(void *arg, uint32_t i, uint32_t n)
{
	const struct job *j = arg;
	struct tandem_llm_ctx *c = j->c;
	const struct tandem_llm_hparams *hp = &c->m->hp;
	const struct llm_layer *w = j->step == STEP_OUTPUT ? NULL : &c->m->layers[j->layer];
	uint32_t a, b;

	switch (j->step) {
	case STEP_QKV:
		share(w->wq.rows, i, n, &a, &b);
		llm_matvec_rows(&w->wq, c->xb, c->q, a, b);
		share(w->wk.rows, i, n, &a, &b);
		llm_matvec_rows(&w->wk, c->xb, c->k, a, b);
		llm_matvec_rows(&w->wv, c->xb, c->v, a, b);
		break;
	case STEP_ATTEND:
		share(hp->n_heads, i, n, &a, &b);
		for (uint32_t h = a; h < b; h++)
			attend(c, j->layer, h, c->att + (size_t)i * c->n_ctx,
			       c->xb + (size_t)h * hp->head_dim);
		break;
	case STEP_WO:
		share(hp->dim, i, n, &a, &b);
		llm_matvec_rows(&w->wo, c->xb, c->xb2, a, b);
		break;
	case STEP_FFN_UP:
		share(hp->ffn_dim, i, n, &a, &b);
		llm_matvec_rows(&w->w_gate, c->xb, c->hb, a, b);
		llm_matvec_rows(&w->w_up, c->xb, c->hb2, a, b);
		for (uint32_t r = a; r < b; r++)          /* SiLU(gate) * up */
			c->hb[r] = c->hb[r] / (1.0f + expf(-c->hb[r])) * c->hb2[r];
		break;
	case STEP_FFN_DOWN:
		share(hp->dim, i, n, &a, &b);
		llm_matvec_rows(&w->w_down, c->hb, c->xb, a, b);
		break;
	case STEP_OUTPUT:
		share(hp->n_vocab, i, n, &a, &b);
		llm_matvec_rows(&c->m->output, c->x, j->logits, a, b);
		break;
	}
}

static void step(struct tandem_llm_ctx *c, uint32_t layer, enum step s, float *logits)
{
	struct job j = { c, layer, s, logits };

	llm_pool_run(&c->pool, run_step, &j);
}

static void layer_forward(struct tandem_llm_ctx *c, uint32_t l)
{
	const struct tandem_llm_hparams *hp = &c->m->hp;
	const struct llm_layer *w = &c->m->layers[l];
	uint32_t kv_dim = hp->n_kv_heads * hp->head_dim;
	size_t at = ((size_t)l * c->n_ctx + c->pos) * kv_dim;

	rmsnorm(c->xb, c->x, w->attn_norm, hp->dim, hp->rms_eps);
	step(c, l, STEP_QKV, NULL);
	rope(c, c->q, hp->n_heads);
	rope(c, c->k, hp->n_kv_heads);
	for (uint32_t i = 0; i < kv_dim; i++) {
		c->k_cache[at + i] = tandem_half_of(c->k[i]);
		c->v_cache[at + i] = tandem_half_of(c->v[i]);
	}
	step(c, l, STEP_ATTEND, NULL);
	step(c, l, STEP_WO, NULL);
	for (uint32_t i = 0; i < hp->dim; i++)
		c->x[i] += c->xb2[i];
	rmsnorm(c->xb, c->x, w->ffn_norm, hp->dim, hp->rms_eps);
	step(c, l, STEP_FFN_UP, NULL);
	step(c, l, STEP_FFN_DOWN, NULL);
	for (uint32_t i = 0; i < hp->dim; i++)
		c->x[i] += c->xb[i];
}

int tandem_llm_eval(struct tandem_llm_ctx *c, const int32_t *tokens, size_t n, float *logits,
		    struct tandem_diag *d)
{
	const struct tandem_llm_model *m = c->m;

	if (n > c->n_ctx - c->pos)
		return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-LLM-CONTEXT",
				       NULL, 0, "%zu tokens do not fit: the context holds %u, %u "
				       "are used", n, c->n_ctx, c->pos), TANDEM_ELIMIT;
	for (size_t i = 0; i < n; i++)
		if (tokens[i] < 0 || (uint32_t)tokens[i] >= m->hp.n_vocab)
			return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EINVAL, "TANDEM-LLM-TOKEN",
					       NULL, 0, "token %d is not in the vocabulary of %u",
					       tokens[i], m->hp.n_vocab), TANDEM_EINVAL;
	for (size_t i = 0; i < n; i++, c->pos++) {
		llm_row_get(&m->embd, (uint32_t)tokens[i], c->x);
		rope_angles(c);
		for (uint32_t l = 0; l < m->hp.n_layers; l++)
			layer_forward(c, l);
	}
	if (logits != NULL && n > 0) {
		rmsnorm(c->x, c->x, m->output_norm, m->hp.dim, m->hp.rms_eps);
		step(c, 0, STEP_OUTPUT, logits);
	}
	return 0;
}

int32_t tandem_llm_argmax(const float *logits, size_t n)
{
	size_t best = 0;

	for (size_t i = 1; i < n; i++)
		if (logits[i] > logits[best])
			best = i;
	return (int32_t)best;
}

int tandem_llm_ctx_new(const struct tandem_llm_model *m, uint32_t n_ctx, uint32_t threads,
		       struct tandem_diag *d, struct tandem_llm_ctx **out)
{
	const struct tandem_llm_hparams *hp = &m->hp;
	size_t kv_dim = (size_t)hp->n_kv_heads * hp->head_dim, cache;
	struct tandem_llm_ctx *c;

	*out = NULL;
	if (n_ctx == 0 || n_ctx > TANDEM_LLM_CTX_MAX || threads == 0 || threads > LLM_THREADS_MAX)
		return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EINVAL, "TANDEM-LLM-CONTEXT", NULL,
				       0, "a context holds 1 to %u positions and runs 1 to %u "
				       "threads", TANDEM_LLM_CTX_MAX, LLM_THREADS_MAX), TANDEM_EINVAL;
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return TANDEM_ENOMEM;
	cache = (size_t)hp->n_layers * n_ctx * kv_dim;
	c->m = m;
	c->n_ctx = n_ctx;
	c->k_cache = malloc(cache * sizeof *c->k_cache);
	c->v_cache = malloc(cache * sizeof *c->v_cache);
	c->x = calloc(hp->dim, sizeof *c->x);
	c->xb = calloc((size_t)hp->n_heads * hp->head_dim + hp->dim, sizeof *c->xb);
	c->xb2 = calloc(hp->dim, sizeof *c->xb2);
	c->q = calloc((size_t)hp->n_heads * hp->head_dim, sizeof *c->q);
	c->k = calloc(kv_dim, sizeof *c->k);
	c->v = calloc(kv_dim, sizeof *c->v);
	c->hb = calloc(hp->ffn_dim, sizeof *c->hb);
	c->hb2 = calloc(hp->ffn_dim, sizeof *c->hb2);
	c->att = calloc((size_t)n_ctx * threads, sizeof *c->att);   /* one row a thread */
	c->rope_cos = calloc(hp->rope_dim / 2 + 1, sizeof *c->rope_cos);
	c->rope_sin = calloc(hp->rope_dim / 2 + 1, sizeof *c->rope_sin);
	if (c->k_cache == NULL || c->v_cache == NULL || c->x == NULL || c->xb == NULL ||
	    c->xb2 == NULL || c->q == NULL || c->k == NULL || c->v == NULL || c->hb == NULL ||
	    c->hb2 == NULL || c->att == NULL || c->rope_cos == NULL || c->rope_sin == NULL) {
		tandem_llm_ctx_free(c);
		return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ENOMEM, "TANDEM-LLM-CONTEXT",
				       NULL, 0, "no memory for a context of %u positions", n_ctx),
		       TANDEM_ENOMEM;
	}
	if (llm_pool_start(&c->pool, threads) != 0) {
		c->pool.n = 1;
		tandem_llm_ctx_free(c);
		return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ENOMEM, "TANDEM-LLM-CONTEXT",
				       NULL, 0, "cannot start %u threads", threads), TANDEM_ENOMEM;
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
	free(c);
}

uint32_t tandem_llm_ctx_pos(const struct tandem_llm_ctx *c) { return c->pos; }
void tandem_llm_ctx_reset(struct tandem_llm_ctx *c) { c->pos = 0; }
