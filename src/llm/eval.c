/*
 * src/llm/eval.c - feeding tokens to a context's sequences: every item of
 * a batch checked before any is computed (a sequence out of range, a token
 * out of the vocabulary, a sequence that would overflow: nothing fed), then
 * the items cut into forward passes of up to the context's B rows
 * (forward.c), each row at the next position of its sequence.
 */
#include "llm/llm_int.h"
#include "tandem/assert.h"
#include "tandem/error.h"

/* The items fed: a batch's, or (tokens set) n tokens of sequence 0 with
 * the logits of the last (tandem_llm_eval). */
struct feed {
	const struct tandem_llm_batch_item *items;
	const int32_t *tokens;
	size_t n;
};

static struct tandem_llm_batch_item item_at(const struct feed *f, size_t i)
{
	if (f->tokens != NULL)
		return (struct tandem_llm_batch_item){ 0, f->tokens[i], i + 1 == f->n };
	return f->items[i];
}

/* Is every item valid and does every sequence have room for its items? */
static int check(const struct tandem_llm_ctx *c, const struct feed *f, struct tandem_diag *d)
{
	size_t need[TANDEM_LLM_SEQ_MAX] = { 0 };
	uint32_t n_vocab = c->m->hp.n_vocab;

	for (size_t i = 0; i < f->n; i++) {
		struct tandem_llm_batch_item it = item_at(f, i);

		if (it.seq >= c->n_seq)
			return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EINVAL, "TANDEM-LLM-SEQ",
					       NULL, 0, "item %zu: sequence %u is not one of the "
					       "context's %u", i, it.seq, c->n_seq), TANDEM_EINVAL;
		if (it.token < 0 || (uint32_t)it.token >= n_vocab)
			return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EINVAL, "TANDEM-LLM-TOKEN",
					       NULL, 0, "token %d is not in the vocabulary of %u",
					       it.token, n_vocab), TANDEM_EINVAL;
		need[it.seq]++;
	}
	for (uint32_t s = 0; s < c->n_seq; s++)
		if (need[s] > c->n_ctx - c->pos[s])
			return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT,
					       "TANDEM-LLM-CONTEXT", NULL, 0, "%zu tokens do not fit "
					       "in sequence %u: it holds %u positions, %u are used",
					       need[s], s, c->n_ctx, c->pos[s]), TANDEM_ELIMIT;
	return 0;
}

/* Feeds the checked items, B rows a pass; the logits asked for follow one
 * another in logits (or are not computed when it is NULL). */
static void run(struct tandem_llm_ctx *c, const struct feed *f, float *logits)
{
	size_t n_vocab = c->m->hp.n_vocab;

	for (size_t i = 0; i < f->n;) {
		uint32_t nb = f->n - i < c->rows_max ? (uint32_t)(f->n - i) : c->rows_max;
		size_t n_out = 0;

		for (uint32_t b = 0; b < nb; b++) {
			struct tandem_llm_batch_item it = item_at(f, i + b);

			c->seq[b] = it.seq;
			c->at[b] = c->pos[it.seq]++;
			c->token[b] = it.token;
			c->out[b] = it.logits && logits != NULL;
			n_out += c->out[b];
		}
		c->nb = nb;
		TANDEM_ASSERT(nb <= c->rows_max && c->rows_max <= LLM_ROWS_MAX);
		llm_forward(c, logits);
		if (logits != NULL)
			logits += n_out * n_vocab;
		i += nb;
	}
}

int tandem_llm_eval(struct tandem_llm_ctx *c, const int32_t *tokens, size_t n, float *logits,
		    struct tandem_diag *d)
{
	struct feed f = { NULL, tokens, n };
	int rc = check(c, &f, d);

	if (rc == 0)
		run(c, &f, logits);
	return rc;
}

int tandem_llm_eval_batch(struct tandem_llm_ctx *c, const struct tandem_llm_batch *b,
			  float *logits, struct tandem_diag *d)
{
	struct feed f = { b->items, NULL, b->n };
	int rc = check(c, &f, d);

	if (rc == 0)
		run(c, &f, logits);
	return rc;
}

int32_t tandem_llm_argmax(const float *logits, size_t n)
{
	size_t best = 0;

	for (size_t i = 1; i < n; i++)
		if (logits[i] > logits[best])
			best = i;
	return (int32_t)best;
}
