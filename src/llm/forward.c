/*
 * src/llm/forward.c - the forward pass of a Llama-architecture model over
 * a batch of rows, each a token of one sequence at one position: RMSNorm,
 * rotary embeddings, grouped-query attention over the row's sequence's
 * binary16 key/value cache (causal within the batch), SwiGLU, and the
 * output projection of the rows asked for. Each weight row is read once
 * per batch. Every buffer was allocated with the context (ctx.c):
 * evaluating allocates nothing.
 */
#include <math.h>
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

/* The angles of row b at position p: pair i turns by p * θ^(-2i/dim). */
static void rope_angles(struct tandem_llm_ctx *c, uint32_t b)
{
	const struct tandem_llm_hparams *hp = &c->m->hp;
	float step = powf(hp->rope_theta, -2.0f / (float)hp->rope_dim);
	float theta = (float)c->at[b];
	size_t half = hp->rope_dim / 2;

	for (size_t i = 0; i < half; i++) {
		c->rope_cos[b * half + i] = cosf(theta);
		c->rope_sin[b * half + i] = sinf(theta);
		theta *= step;
	}
}

/* Rotates the leading rope_dim values of each head of v (row b), adjacent
 * pairs. */
static void rope(const struct tandem_llm_ctx *c, uint32_t b, float *v, uint32_t heads)
{
	const struct tandem_llm_hparams *hp = &c->m->hp;
	size_t half = hp->rope_dim / 2;
	const float *cs = c->rope_cos + b * half, *sn = c->rope_sin + b * half;

	for (uint32_t h = 0; h < heads; h++) {
		float *x = v + (size_t)h * hp->head_dim;

		for (size_t i = 0; i < half; i++) {
			float x0 = x[2 * i], x1 = x[2 * i + 1];
			x[2 * i] = x0 * cs[i] - x1 * sn[i];
			x[2 * i + 1] = x0 * sn[i] + x1 * cs[i];
		}
	}
}

static float round_half(float x)
{
	return tandem_float_of_half(tandem_half_of(x));
}

/*
 * Attention of head h of row b (at position p of its sequence) over that
 * sequence's [first, p]: the query (rounded to binary16, as the cache is) against
 * each cached key, softmax, then the weights (rounded too) over the cached
 * values, into out (head_dim).
 */
static void attend(struct tandem_llm_ctx *c, uint32_t layer, uint32_t b, uint32_t h, float *att,
		   float *out)
{
	const struct tandem_llm_hparams *hp = &c->m->hp;
	uint32_t hd = hp->head_dim, kv_dim = hp->n_kv_heads * hd, p = c->at[b];
	uint32_t kvh = h / (hp->n_heads / hp->n_kv_heads);
	uint32_t first = hp->sliding_window > 0 && p >= hp->sliding_window ?
		p - hp->sliding_window + 1 : 0;
	const float *q = c->q + (size_t)b * hp->n_heads * hd + (size_t)h * hd;
	size_t base = llm_cache_at(c, c->seq[b], layer, 0) + (size_t)kvh * hd;
	float scale = 1.0f / sqrtf((float)hd), max = -INFINITY, sum = 0;
	float q16[1024];

	for (uint32_t i = 0; i < hd; i++)
		q16[i] = round_half(q[i]);
	for (uint32_t t = first; t <= p; t++) {
		const uint16_t *k = c->k_cache + base + (size_t)t * kv_dim;
		float s = 0;

		for (uint32_t i = 0; i < hd; i++)
			s += q16[i] * tandem_float_of_half(k[i]);
		att[t] = s * scale;
		max = att[t] > max ? att[t] : max;
	}
	for (uint32_t t = first; t <= p; t++) {
		att[t] = expf(att[t] - max);
		sum += att[t];
	}
	memset(out, 0, hd * sizeof *out);
	for (uint32_t t = first; t <= p; t++) {
		const uint16_t *v = c->v_cache + base + (size_t)t * kv_dim;
		float a = round_half(att[t] / sum);

		for (uint32_t i = 0; i < hd; i++)
			out[i] += a * tandem_float_of_half(v[i]);
	}
}

/* The query heads of key/value head kvh for row b. */
static void attend_group(struct tandem_llm_ctx *c, uint32_t layer, uint32_t b, uint32_t kvh,
			 float *att)
{
	const struct tandem_llm_hparams *hp = &c->m->hp;
	uint32_t hd = hp->head_dim, G = hp->n_heads / hp->n_kv_heads, p = c->at[b];
	size_t kv_dim = (size_t)hp->n_kv_heads * hd, head = (size_t)b * hp->n_heads + (size_t)kvh * G;
	llm_attend_fn simd = llm_attend_kernel();

	if (simd != NULL && G <= LLM_GROUP_MAX) {
		size_t base = llm_cache_at(c, c->seq[b], layer, 0) + (size_t)kvh * hd;
		struct llm_attn a = {
			c->k_cache + base, c->v_cache + base, kv_dim, hd, G,
			hp->sliding_window > 0 && p >= hp->sliding_window ?
				p - hp->sliding_window + 1 : 0,
			p, 1.0f / sqrtf((float)hd),
		};
		simd(&a, c->q + head * hd, att, c->xb + head * hd);
		return;
	}
	for (uint32_t g = 0; g < G; g++)
		attend(c, layer, b, kvh * G + g, att, c->xb + (head + g) * hd);
}

/* What the threads do together: one step of one layer. */
enum step { STEP_QKV, STEP_ATTEND, STEP_WO, STEP_FFN_UP, STEP_FFN_DOWN, STEP_OUTPUT };

/*
 * The rows of a batch's matrices go to the threads CHUNK_ROWS at a time,
 * each thread taking the next chunk when it is done with one: the two
 * processors of a machine are not always alike (one ran the same product
 * a quarter slower than the other here), and an even split waits for the
 * slower. A multiple of the batch kernels' tiles (5 rows for F16 and F32,
 * 16 for the integer ones), so that a chunk's edges cut none; which thread
 * computes a row does not change its bits. Fewer positions than
 * SHARED_MIN (generation) keep an even split: a chunk would then be a few
 * microseconds of work, and taking it from a counter the processors share
 * costs as much (Q4_0 generation lost a fifth).
 */
#define CHUNK_ROWS 80
#define SHARED_MIN 16
/* (position, key/value head) pairs of the attention taken at once. */
#define CHUNK_HEADS 8

struct job {
	struct tandem_llm_ctx *c;
	uint32_t layer;
	enum step step;
	float *logits;
	uint32_t n_out;           /* STEP_OUTPUT: rows of xb to project */
	uint32_t nb;              /* positions of the step's products */
	_Atomic uint32_t next[2]; /* the next chunk to take, of two matrices */
};

/* Thread i's share of n items. */
static void share(uint32_t n, uint32_t i, uint32_t threads, uint32_t *a, uint32_t *b)
{
	*a = (uint32_t)((uint64_t)n * i / threads);
	*b = (uint32_t)((uint64_t)n * (i + 1) / threads);
}

/* The rows of one matrix as thread i of n gets them. */
struct deal {
	_Atomic uint32_t *next;   /* chunks from this counter, or NULL: the share */
	uint32_t rows, i, n;
	bool dealt;               /* the share was given */
};

static struct deal deal(struct job *j, int which, uint32_t rows, uint32_t i, uint32_t n)
{
	return (struct deal){ j->nb >= SHARED_MIN ? &j->next[which] : NULL, rows, i, n, false };
}

/* The next rows [*a, *b) of the deal, or false when it has none left. */
static bool deal_next(struct deal *d, uint32_t *a, uint32_t *b)
{
	if (d->next == NULL) {
		if (d->dealt)
			return false;
		d->dealt = true;
		share(d->rows, d->i, d->n, a, b);
		return *a < *b;
	}
	uint32_t t = atomic_fetch_add_explicit(d->next, 1, memory_order_relaxed);
	if (t >= (d->rows + CHUNK_ROWS - 1) / CHUNK_ROWS)
		return false;
	*a = t * CHUNK_ROWS;
	*b = d->rows - *a > CHUNK_ROWS ? *a + CHUNK_ROWS : d->rows;
	return true;
}

/* What thread i quantized last in this step: a matrix whose product
 * would quantize the same activations the same way uses it again. */
struct made {
	const float *X;
	uint32_t cols;
	int32_t offset;
};

/* Rows [a, b) of w for every position of the batch: X (nb, w->cols) to out
 * (nb, w->rows). */
static void mm(struct tandem_llm_ctx *c, const struct llm_mat *w, const float *X, uint32_t nb,
	       float *out, uint32_t a, uint32_t b, uint32_t i, struct made *made)
{
	if (llm_qgemm_type(w->type, w->cols)) {
		struct llm_qx *qx = &c->qxs[i];
		int32_t offset = llm_qgemm_offset(w->type);

		/* Each thread quantizes the batch for itself: nb * cols
		 * against its share of rows * nb * cols. */
		if (made->X != X || made->cols != w->cols || made->offset != offset) {
			llm_qx_make(qx, c->qx + (size_t)i * c->qx_bytes, X, nb, w->cols, offset);
			*made = (struct made){ X, w->cols, offset };
		}
		llm_qgemm(w, qx, out, w->rows, a, b);
		return;
	}
	llm_fgemm_fn f = llm_fgemm_kernel();
	if (f != NULL && (w->type == TANDEM_GGML_F16 || w->type == TANDEM_GGML_F32)) {
		f(w, X, nb, out, w->rows, a, b);
		return;
	}
	llm_matmul_rows(w, X, nb, out, w->rows, a, b, c->rows + (size_t)i * c->row_max);
}

/* SiLU(gate) * up into hb, rows [a, b) of every position. */
static void swiglu(struct tandem_llm_ctx *c, uint32_t a, uint32_t b)
{
	uint32_t ffn = c->m->hp.ffn_dim;

	for (uint32_t p = 0; p < c->nb; p++)
		for (uint32_t r = a; r < b; r++) {
			float *g = &c->hb[(size_t)p * ffn + r];
			*g = *g / (1.0f + expf(-*g)) * c->hb2[(size_t)p * ffn + r];
		}
}

/* One matrix of the step, as dealt. */
static void mm_all(struct job *j, const struct llm_mat *w, const float *X, float *out,
		   uint32_t i, uint32_t n, struct made *made)
{
	struct deal d = deal(j, 0, w->rows, i, n);
	uint32_t a, b;

	while (deal_next(&d, &a, &b))
		mm(j->c, w, X, j->nb, out, a, b, i, made);
}

/* The attention of the batch: (position, key/value head) pairs in order
 * of position, a later position attending to more. Interleaved when
 * shared evenly, so that the shares stay even; else the threads take
 * CHUNK_HEADS pairs at a time while any are left. */
static void attend_all(struct job *j, uint32_t i, uint32_t n)
{
	struct tandem_llm_ctx *c = j->c;
	uint32_t kvh = c->m->hp.n_kv_heads, items = kvh * c->nb;
	float *att = c->att + (size_t)i * c->att_max;

	if (j->nb < SHARED_MIN) {
		for (uint32_t x = i; x < items; x += n)
			attend_group(c, j->layer, x / kvh, x % kvh, att);
		return;
	}
	for (;;) {
		uint32_t t = atomic_fetch_add_explicit(&j->next[0], 1, memory_order_relaxed);
		if (t >= (items + CHUNK_HEADS - 1) / CHUNK_HEADS)
			return;
		for (uint32_t x = t * CHUNK_HEADS; x < items && x < (t + 1) * CHUNK_HEADS; x++)
			attend_group(c, j->layer, x / kvh, x % kvh, att);
	}
}

static void run_step(void *arg, uint32_t i, uint32_t n)
{
	struct job *j = arg;
	struct tandem_llm_ctx *c = j->c;
	const struct tandem_llm_hparams *hp = &c->m->hp;
	const struct llm_layer *w = j->step == STEP_OUTPUT ? NULL : &c->m->layers[j->layer];
	struct made made = { NULL, 0, 0 };
	struct deal d;
	uint32_t a, b;

	switch (j->step) {
	case STEP_QKV:
		mm_all(j, &w->wq, c->xb, c->q, i, n, &made);
		/* The same rows of the keys and the values together. */
		d = deal(j, 1, w->wk.rows, i, n);
		while (deal_next(&d, &a, &b)) {
			mm(c, &w->wk, c->xb, c->nb, c->k, a, b, i, &made);
			mm(c, &w->wv, c->xb, c->nb, c->v, a, b, i, &made);
		}
		break;
	case STEP_ATTEND:
		attend_all(j, i, n);
		break;
	case STEP_WO:
		mm_all(j, &w->wo, c->xb, c->xb2, i, n, &made);
		break;
	case STEP_FFN_UP:
		d = deal(j, 0, hp->ffn_dim, i, n);
		while (deal_next(&d, &a, &b)) {
			mm(c, &w->w_gate, c->xb, c->nb, c->hb, a, b, i, &made);
			mm(c, &w->w_up, c->xb, c->nb, c->hb2, a, b, i, &made);
			swiglu(c, a, b);
		}
		break;
	case STEP_FFN_DOWN:
		mm_all(j, &w->w_down, c->hb, c->xb, i, n, &made);
		break;
	case STEP_OUTPUT:
		mm_all(j, &c->m->output, c->xb, j->logits, i, n, &made);
		break;
	}
}

static void step(struct tandem_llm_ctx *c, uint32_t layer, enum step s, float *logits,
		 uint32_t n_out)
{
	struct job j = { c, layer, s, logits, n_out, s == STEP_OUTPUT ? n_out : c->nb, { 0, 0 } };

	atomic_init(&j.next[0], 0);
	atomic_init(&j.next[1], 0);
	llm_pool_run(&c->pool, run_step, &j);
}

/* The batch's rows of x normalised by w into xb. */
static void norm_all(struct tandem_llm_ctx *c, const float *w)
{
	const struct tandem_llm_hparams *hp = &c->m->hp;

	for (uint32_t b = 0; b < c->nb; b++)
		rmsnorm(c->xb + (size_t)b * hp->dim, c->x + (size_t)b * hp->dim, w, hp->dim,
			hp->rms_eps);
}

static void layer_forward(struct tandem_llm_ctx *c, uint32_t l)
{
	const struct tandem_llm_hparams *hp = &c->m->hp;
	const struct llm_layer *w = &c->m->layers[l];
	size_t kv_dim = (size_t)hp->n_kv_heads * hp->head_dim;
	size_t q_dim = (size_t)hp->n_heads * hp->head_dim;

	norm_all(c, w->attn_norm);
	step(c, l, STEP_QKV, NULL, 0);
	for (uint32_t b = 0; b < c->nb; b++) {
		size_t at = llm_cache_at(c, c->seq[b], l, c->at[b]);

		rope(c, b, c->q + b * q_dim, hp->n_heads);
		rope(c, b, c->k + b * kv_dim, hp->n_kv_heads);
		for (size_t i = 0; i < kv_dim; i++) {
			c->k_cache[at + i] = tandem_half_of(c->k[b * kv_dim + i]);
			c->v_cache[at + i] = tandem_half_of(c->v[b * kv_dim + i]);
		}
	}
	step(c, l, STEP_ATTEND, NULL, 0);
	step(c, l, STEP_WO, NULL, 0);
	for (size_t i = 0; i < (size_t)c->nb * hp->dim; i++)
		c->x[i] += c->xb2[i];
	norm_all(c, w->ffn_norm);
	step(c, l, STEP_FFN_UP, NULL, 0);
	step(c, l, STEP_FFN_DOWN, NULL, 0);
	for (size_t i = 0; i < (size_t)c->nb * hp->dim; i++)
		c->x[i] += c->xb[i];
}

void llm_forward(struct tandem_llm_ctx *c, float *logits)
{
	const struct tandem_llm_model *m = c->m;
	uint32_t n_out = 0;

	for (uint32_t b = 0; b < c->nb; b++) {
		llm_row_get(&m->embd, (uint32_t)c->token[b], c->x + (size_t)b * m->hp.dim);
		rope_angles(c, b);
	}
	for (uint32_t l = 0; l < m->hp.n_layers; l++)
		layer_forward(c, l);
	/* The rows asked for, normalised, one after the other in xb (free
	 * once the last layer is done), projected together. */
	for (uint32_t b = 0; b < c->nb; b++)
		if (c->out[b])
			rmsnorm(c->xb + (size_t)n_out++ * m->hp.dim, c->x + (size_t)b * m->hp.dim,
				m->output_norm, m->hp.dim, m->hp.rms_eps);
	if (n_out > 0)
		step(c, 0, STEP_OUTPUT, logits, n_out);
}
