/*
 * src/llm/model.c - a Llama-architecture model from an opened GGUF file:
 * its dimensions from the metadata, checked against each other and their
 * limits, and every tensor found, of the shape and a type the kernels
 * read. Nothing is copied: the matrices point into the file's mapping.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm_int.h"
#include "tandem/error.h"

static int refuse(struct tandem_diag *d, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct tandem_diag *d, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)tandem_diag_vadd(d, TANDEM_SEV_ERROR, code, "TANDEM-LLM-MODEL", NULL, 0, fmt, ap);
	va_end(ap);
	return code;
}

/* llama.<key> as a positive integer up to max; def when absent (0: needed). */
static int dim(const struct tandem_gguf *g, const char *key, uint32_t def, uint32_t max,
	       uint32_t *out, struct tandem_diag *d)
{
	char full[96];
	uint64_t v = def;

	(void)snprintf(full, sizeof full, "llama.%s", key);
	if (!tandem_gguf_get_u64(g, full, &v) && def == 0)
		return refuse(d, TANDEM_EBADINPUT, "the model has no %s", full);
	if (v == 0 || v > max)
		return refuse(d, TANDEM_EBADINPUT, "%s is %llu: 1 to %u", full,
			      (unsigned long long)v, max);
	*out = (uint32_t)v;
	return 0;
}

static int hparams(const struct tandem_gguf *g, struct tandem_llm_hparams *hp,
		   struct tandem_diag *d)
{
	struct tandem_gguf_str arch = { "", 0 };
	double v;
	int rc;

	(void)tandem_gguf_get_str(g, "general.architecture", &arch);
	if (arch.len != 5 || memcmp(arch.p, "llama", 5) != 0)
		return refuse(d, TANDEM_EUNSUPPORTED, "the architecture \"%.*s\" is not llama",
			      (int)(arch.len < 40 ? arch.len : 40), arch.p);
	rc = dim(g, "embedding_length", 0, TANDEM_LLM_DIM_MAX, &hp->dim, d);
	if (rc == 0)
		rc = dim(g, "block_count", 0, TANDEM_LLM_LAYERS_MAX, &hp->n_layers, d);
	if (rc == 0)
		rc = dim(g, "attention.head_count", 0, 1024, &hp->n_heads, d);
	if (rc == 0)
		rc = dim(g, "attention.head_count_kv", hp->n_heads, hp->n_heads, &hp->n_kv_heads, d);
	if (rc == 0)
		rc = dim(g, "feed_forward_length", 0, TANDEM_LLM_DIM_MAX, &hp->ffn_dim, d);
	if (rc == 0)
		rc = dim(g, "context_length", 2048, TANDEM_LLM_CTX_MAX, &hp->n_ctx_train, d);
	if (rc != 0)
		return rc;
	if (hp->n_heads == 0 || hp->n_kv_heads == 0 || hp->dim % hp->n_heads != 0 ||
	    hp->n_heads % hp->n_kv_heads != 0)
		return refuse(d, TANDEM_EBADINPUT, "%u heads (%u for keys and values) do not "
			      "divide a width of %u", hp->n_heads, hp->n_kv_heads, hp->dim);
	rc = dim(g, "attention.key_length", hp->dim / hp->n_heads, 1024, &hp->head_dim, d);
	if (rc == 0)
		rc = dim(g, "rope.dimension_count", hp->head_dim, hp->head_dim, &hp->rope_dim, d);
	if (rc != 0)
		return rc;
	if (hp->rope_dim % 2 != 0 || hp->head_dim % 2 != 0)
		return refuse(d, TANDEM_EBADINPUT, "rotary dimensions must be even");
	hp->rope_theta = tandem_gguf_get_f64(g, "llama.rope.freq_base", &v) ? (float)v : 10000.0f;
	hp->rms_eps = tandem_gguf_get_f64(g, "llama.attention.layer_norm_rms_epsilon", &v) ?
		(float)v : 1e-5f;
	uint64_t w = 0;
	hp->sliding_window = tandem_gguf_get_u64(g, "llama.attention.sliding_window", &w) &&
		w <= TANDEM_LLM_CTX_MAX ? (uint32_t)w : 0;
	if (!(hp->rope_theta > 0) || !(hp->rms_eps > 0 && hp->rms_eps < 1))
		return refuse(d, TANDEM_EBADINPUT, "the rotary base or the norm epsilon is absurd");
	return 0;
}

/* A matrix of rows x cols by name. */
static int mat(const struct tandem_gguf *g, const char *name, uint32_t rows, uint32_t cols,
	       struct llm_mat *out, struct tandem_diag *d)
{
	const struct tandem_gguf_tensor *t = tandem_gguf_tensor_find(g, name);

	if (t == NULL)
		return refuse(d, TANDEM_EBADINPUT, "the tensor %s is missing", name);
	if (t->n_dims != 2 || rows == 0 || t->ne[0] != cols || t->ne[1] != rows)
		return refuse(d, TANDEM_EBADINPUT, "the tensor %s is not %u x %u", name, cols, rows);
	if (!llm_type_supported(t->type))
		return refuse(d, TANDEM_EBADINPUT, "the tensor %s is %s, which tandem does not "
			      "multiply yet", name, tandem_ggml_type_name(t->type));
	*out = (struct llm_mat){ t->data, t->type, rows, cols, (size_t)(t->bytes / rows) };
	return 0;
}

/* A norm's weights: n floats. */
static int vec(const struct tandem_gguf *g, const char *name, uint32_t n, const float **out,
	       struct tandem_diag *d)
{
	const struct tandem_gguf_tensor *t = tandem_gguf_tensor_find(g, name);

	if (t == NULL || t->n_dims != 1 || t->ne[0] != n || t->type != TANDEM_GGML_F32)
		return refuse(d, TANDEM_EBADINPUT, "the tensor %s is missing or not %u F32", name,
			      n);
	*out = t->data;     /* the data section is aligned to at least 32 */
	return 0;
}

static int layer(const struct tandem_gguf *g, const struct tandem_llm_hparams *hp, uint32_t i,
		 struct llm_layer *l, struct tandem_diag *d)
{
	uint32_t q_dim = hp->n_heads * hp->head_dim, kv_dim = hp->n_kv_heads * hp->head_dim;
	char n[9][64];
	static const char *const names[] = { "attn_norm", "attn_q", "attn_k", "attn_v",
					     "attn_output", "ffn_norm", "ffn_gate", "ffn_up",
					     "ffn_down" };
	int rc;

	for (int k = 0; k < 9; k++)
		(void)snprintf(n[k], sizeof n[k], "blk.%u.%s.weight", i, names[k]);
	rc = vec(g, n[0], hp->dim, &l->attn_norm, d);
	if (rc == 0)
		rc = mat(g, n[1], q_dim, hp->dim, &l->wq, d);
	if (rc == 0)
		rc = mat(g, n[2], kv_dim, hp->dim, &l->wk, d);
	if (rc == 0)
		rc = mat(g, n[3], kv_dim, hp->dim, &l->wv, d);
	if (rc == 0)
		rc = mat(g, n[4], hp->dim, q_dim, &l->wo, d);
	if (rc == 0)
		rc = vec(g, n[5], hp->dim, &l->ffn_norm, d);
	if (rc == 0)
		rc = mat(g, n[6], hp->ffn_dim, hp->dim, &l->w_gate, d);
	if (rc == 0)
		rc = mat(g, n[7], hp->ffn_dim, hp->dim, &l->w_up, d);
	if (rc == 0)
		rc = mat(g, n[8], hp->dim, hp->ffn_dim, &l->w_down, d);
	return rc;
}

static int load(const struct tandem_gguf *g, struct tandem_llm_model *m, struct tandem_diag *d)
{
	const struct tandem_gguf_tensor *e = tandem_gguf_tensor_find(g, "token_embd.weight");
	int rc = hparams(g, &m->hp, d);

	if (rc != 0)
		return rc;
	if (e == NULL || e->n_dims != 2 || e->ne[1] == 0 || e->ne[1] > (1u << 24) ||
	    m->hp.n_layers == 0)
		return refuse(d, TANDEM_EBADINPUT, "token_embd.weight is missing or not 2-D");
	m->hp.n_vocab = (uint32_t)e->ne[1];
	rc = mat(g, "token_embd.weight", m->hp.n_vocab, m->hp.dim, &m->embd, d);
	if (rc == 0)
		rc = vec(g, "output_norm.weight", m->hp.dim, &m->output_norm, d);
	m->hp.tied_output = tandem_gguf_tensor_find(g, "output.weight") == NULL;
	if (rc == 0 && m->hp.tied_output)
		m->output = m->embd;
	else if (rc == 0)
		rc = mat(g, "output.weight", m->hp.n_vocab, m->hp.dim, &m->output, d);
	if (rc != 0)
		return rc;
	m->layers = calloc(m->hp.n_layers, sizeof *m->layers);
	if (m->layers == NULL)
		return TANDEM_ENOMEM;
	for (uint32_t i = 0; rc == 0 && i < m->hp.n_layers; i++)
		rc = layer(g, &m->hp, i, &m->layers[i], d);
	return rc;
}

static void kernels_once(void)
{
	const char *portable = getenv("TANDEM_LLM_PORTABLE");

	llm_kernels_select(portable == NULL || portable[0] == '\0' || portable[0] == '0');
}

int tandem_llm_load(const struct tandem_gguf *g, struct tandem_diag *d,
		    struct tandem_llm_model **out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct tandem_llm_model *m = calloc(1, sizeof *m);
	int rc;

	(void)pthread_once(&once, kernels_once);
	*out = NULL;
	if (m == NULL)
		return TANDEM_ENOMEM;
	rc = load(g, m, d);
	if (rc != 0) {
		tandem_llm_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void tandem_llm_free(struct tandem_llm_model *m)
{
	if (m == NULL)
		return;
	free(m->layers);
	free(m);
}

const struct tandem_llm_hparams *tandem_llm_hparams(const struct tandem_llm_model *m)
{
	return &m->hp;
}
