/*
 * src/llm/sample.c - choosing the next token: repetition penalty, top-k,
 * top-p, min-p, temperature, and a seeded draw (tandem/llm.h). Every
 * buffer is allocated with the sampler.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/error.h"
#include "tandem/llm.h"

struct cand {
	int32_t id;
	float logit, p;
};

struct tandem_llm_sampler {
	struct tandem_llm_sampling s;
	uint32_t n_vocab;
	uint64_t state;           /* xorshift64* */
	struct cand *c;           /* (n_vocab) */
};

void tandem_llm_sampling_default(struct tandem_llm_sampling *s)
{
	*s = (struct tandem_llm_sampling){ .temperature = 0.8f, .top_k = 40, .top_p = 0.95f,
					   .min_p = 0.05f, .repeat_penalty = 1.0f,
					   .repeat_last_n = 64, .seed = 42 };
}

int tandem_llm_sampler_new(const struct tandem_llm_sampling *s, uint32_t n_vocab,
			   struct tandem_diag *d, struct tandem_llm_sampler **out)
{
	struct tandem_llm_sampler *x;

	*out = NULL;
	if (!(s->temperature >= 0 && s->temperature <= 100) || !(s->top_p >= 0 && s->top_p <= 1) ||
	    !(s->min_p >= 0 && s->min_p <= 1) ||
	    !(s->repeat_penalty >= 1 && s->repeat_penalty <= 10) || n_vocab == 0)
		return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EINVAL, "TANDEM-LLM-SAMPLING",
				       NULL, 0, "sampling: temperature 0 to 100, top-p and min-p 0 "
				       "to 1, repetition penalty 1 to 10"), TANDEM_EINVAL;
	x = calloc(1, sizeof *x);
	if (x == NULL || (x->c = calloc(n_vocab, sizeof *x->c)) == NULL) {
		free(x);
		return TANDEM_ENOMEM;
	}
	x->s = *s;
	x->n_vocab = n_vocab;
	/* splitmix64 of the seed: never the all-zero state. */
	uint64_t z = s->seed + 0x9e3779b97f4a7c15u;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	x->state = (z ^ (z >> 31)) | 1;
	*out = x;
	return 0;
}

void tandem_llm_sampler_free(struct tandem_llm_sampler *s)
{
	if (s == NULL)
		return;
	free(s->c);
	free(s);
}

/* A uniform double in [0, 1). */
static double uniform(struct tandem_llm_sampler *s)
{
	s->state ^= s->state >> 12;
	s->state ^= s->state << 25;
	s->state ^= s->state >> 27;
	return (double)((s->state * 0x2545f4914f6cdd1du) >> 11) / 9007199254740992.0;
}

static int by_logit(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->logit != y->logit)
		return x->logit < y->logit ? 1 : -1;
	return x->id > y->id ? 1 : -1;
}

/* Probabilities of the first n candidates at temperature t (sorted). */
static void softmax(struct cand *c, size_t n, float t)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++) {
		c[i].p = expf((c[i].logit - c[0].logit) / t);
		sum += c[i].p;
	}
	for (size_t i = 0; i < n; i++)
		c[i].p = (float)(c[i].p / sum);
}

int32_t tandem_llm_sample(struct tandem_llm_sampler *s, const float *logits,
			  const int32_t *history, size_t n)
{
	size_t keep = s->n_vocab;
	struct cand *c = s->c;

	if (s->s.temperature <= 0)
		return tandem_llm_argmax(logits, s->n_vocab);
	for (uint32_t i = 0; i < s->n_vocab; i++)
		c[i] = (struct cand){ (int32_t)i, logits[i], 0 };
	/* The penalty once per distinct token of the window. */
	for (size_t i = n > s->s.repeat_last_n ? n - s->s.repeat_last_n : 0;
	     s->s.repeat_penalty > 1 && i < n; i++) {
		int32_t t = history[i];
		bool seen = false;

		for (size_t j = i + 1; j < n && !seen; j++)
			seen = history[j] == t;
		if (seen || t < 0 || (uint32_t)t >= s->n_vocab)
			continue;
		c[t].logit = c[t].logit > 0 ? c[t].logit / s->s.repeat_penalty
					    : c[t].logit * s->s.repeat_penalty;
	}
	qsort(c, keep, sizeof *c, by_logit);
	if (s->s.top_k > 0 && s->s.top_k < keep)
		keep = s->s.top_k;
	softmax(c, keep, 1.0f);
	double cum = 0;
	for (size_t i = 0; i < keep; i++) {
		cum += c[i].p;
		if (cum >= s->s.top_p) {
			keep = i + 1;
			break;
		}
	}
	for (size_t i = 1; i < keep; i++)
		if (c[i].p < s->s.min_p * c[0].p) {
			keep = i;
			break;
		}
	softmax(c, keep, s->s.temperature);
	double r = uniform(s), acc = 0;
	for (size_t i = 0; i < keep; i++) {
		acc += c[i].p;
		if (r < acc)
			return c[i].id;
	}
	return c[keep - 1].id;
}
