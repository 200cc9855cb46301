/*
 * tests/test_llm_seq.c - several sequences in one context: four prompts fed
 * together, prefill chunks of one mixed with generation steps of others,
 * each sequence's logits against those of the same prompt evaluated alone
 * in a one-sequence context (bit for bit for F32 and F16 weights, within a
 * bound for quantized ones), the greedy continuations identical; a reset
 * sequence starts again without disturbing the others; a bad batch (a
 * sequence out of range, a token out of the vocabulary, an overflow) feeds
 * nothing to any sequence; a prompt copied from one sequence to others.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm_int.h"
#include "tandem/error.h"
#include "tandem/gguf.h"
#include "tandem/llm.h"
#include "test.h"

#define SEQS 4
#define GEN 12           /* greedy tokens after each prompt */
#define N_CTX 96         /* positions a sequence */
#define PROMPT_MAX 45
#define RESET_STEP 9     /* sequence 2 starts again at this step */
#define ITEMS_MAX (SEQS * PROMPT_MAX + N_CTX + 2)

static const size_t prompt_len[SEQS] = { 7, PROMPT_MAX, 3, 20 };

/* One sequence: its prompt, what it gives alone, how far the batched
 * context has taken it. */
struct seq {
	int32_t prompt[PROMPT_MAX];
	size_t np;
	float *want;         /* (GEN + 1, n_vocab): after the prompt, after each token */
	int32_t gen[GEN];    /* the greedy tokens alone */
	float *last;         /* (n_vocab): the last logits the batch gave */
	size_t fed, got;     /* prompt tokens fed; logits received */
};

struct world {
	struct tandem_gguf *g;
	struct tandem_llm_model *m;
	size_t nv;
	struct seq s[SEQS];
	double max_diff;
};

static bool world_open(struct world *w, const char *model)
{
	char path[4096];
	struct tandem_diag d;
	uint64_t x = 0x2545f4914f6cdd1du;

	memset(w, 0, sizeof *w);
	tandem_diag_init(&d, 10);
	snprintf(path, sizeof path, "%s/llm/models/%s.gguf", test_shared_data(), model);
	if (tandem_gguf_open(path, &d, &w->g) != 0) {
		tandem_diag_release(&d);
		return false;
	}
	ASSERT_EQ(tandem_llm_load(w->g, &d, &w->m), 0);
	w->nv = tandem_llm_hparams(w->m)->n_vocab;
	for (int i = 0; i < SEQS; i++) {
		struct seq *s = &w->s[i];

		s->np = prompt_len[i];
		s->prompt[0] = 1;                       /* BOS, then tokens at random */
		for (size_t k = 1; k < s->np; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			s->prompt[k] = (int32_t)(x % w->nv);
		}
		s->want = malloc((GEN + 1) * w->nv * sizeof *s->want);
		s->last = malloc(w->nv * sizeof *s->last);
		ASSERT(s->want != NULL && s->last != NULL);
	}
	tandem_diag_release(&d);
	return true;
}

static void world_close(struct world *w)
{
	for (int i = 0; i < SEQS; i++) {
		free(w->s[i].want);
		free(w->s[i].last);
	}
	tandem_llm_free(w->m);
	tandem_gguf_close(w->g);
}

/* Each prompt alone in a one-sequence context, then GEN greedy tokens. */
static void alone(struct world *w)
{
	struct tandem_llm_ctx *c = NULL;
	struct tandem_diag d;

	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_llm_ctx_new(w->m, N_CTX, 2, &d, &c), 0);
	for (int i = 0; i < SEQS; i++) {
		struct seq *s = &w->s[i];

		tandem_llm_ctx_reset(c);
		ASSERT_EQ(tandem_llm_eval(c, s->prompt, s->np, s->want, &d), 0);
		for (size_t g = 0; g < GEN; g++) {
			s->gen[g] = tandem_llm_argmax(s->want + g * w->nv, w->nv);
			ASSERT_EQ(tandem_llm_eval(c, &s->gen[g], 1, s->want + (g + 1) * w->nv, &d),
				  0);
		}
	}
	tandem_llm_ctx_free(c);
	tandem_diag_release(&d);
}

/* The items of one step: for each sequence started, a chunk of its prompt
 * (the logits of its last token asked for) or its next greedy token; the
 * sequences' items interleaved. Returns their count. */
static size_t plan(struct world *w, unsigned step, struct tandem_llm_batch_item *items)
{
	struct tandem_llm_batch_item own[SEQS][PROMPT_MAX];
	size_t n_own[SEQS] = { 0 }, n = 0;

	for (uint32_t i = 0; i < SEQS; i++) {
		struct seq *s = &w->s[i];

		if (step < i || s->got > GEN)        /* sequence i starts at step i */
			continue;
		if (s->fed < s->np) {
			size_t k = 1 + (step * 7 + i * 5) % 23;
			k = k < s->np - s->fed ? k : s->np - s->fed;
			for (size_t j = 0; j < k; j++)
				own[i][n_own[i]++] = (struct tandem_llm_batch_item){
					i, s->prompt[s->fed + j], s->fed + j + 1 == s->np };
		} else {
			own[i][n_own[i]++] = (struct tandem_llm_batch_item){
				i, tandem_llm_argmax(s->last, w->nv), true };
		}
	}
	for (size_t j = 0; j < PROMPT_MAX; j++)
		for (int i = 0; i < SEQS; i++)
			if (j < n_own[i])
				items[n++] = own[i][j];
	return n;
}

/* A bad batch: refused with code and rule, and no sequence moved. */
static void refused(struct tandem_llm_ctx *c, const struct tandem_llm_batch_item *items,
		    size_t n, float *out, int code, const char *rule)
{
	uint32_t before[SEQS];
	struct tandem_llm_batch b = { items, n };
	struct tandem_diag d;

	for (uint32_t i = 0; i < SEQS; i++)
		before[i] = tandem_llm_seq_pos(c, i);
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_llm_eval_batch(c, &b, out, &d), code);
	ASSERT_EQ(d.count, 1);
	ASSERT_STR_EQ(d.items[0].rule, rule);
	for (uint32_t i = 0; i < SEQS; i++)
		ASSERT_EQ(tandem_llm_seq_pos(c, i), before[i]);
	tandem_diag_release(&d);
}

/* The step's items with a bad one among them, each refused. */
static void bad_batches(struct world *w, struct tandem_llm_ctx *c, unsigned step,
			struct tandem_llm_batch_item *items, size_t n, float *out)
{
	uint32_t victim = step % SEQS;

	items[n] = (struct tandem_llm_batch_item){ SEQS, 1, true };
	refused(c, items, n + 1, out, TANDEM_EINVAL, "TANDEM-LLM-SEQ");
	items[n] = (struct tandem_llm_batch_item){ victim, (int32_t)w->nv, false };
	refused(c, items, n + 1, out, TANDEM_EINVAL, "TANDEM-LLM-TOKEN");
	items[n] = (struct tandem_llm_batch_item){ victim, -1, false };
	refused(c, items, n + 1, out, TANDEM_EINVAL, "TANDEM-LLM-TOKEN");
	/* One item more than the victim has room for. */
	uint32_t room = N_CTX - tandem_llm_seq_pos(c, victim), more = 0;
	for (size_t i = 0; i < n; i++)
		more += items[i].seq == victim;
	for (uint32_t i = 0; i + more <= room; i++)
		items[n + i] = (struct tandem_llm_batch_item){ victim, 1, false };
	refused(c, items, n + room - more + 1, out, TANDEM_ELIMIT, "TANDEM-LLM-CONTEXT");
}

/* logits (the batch's for sequence s) against what s gives alone. */
static void compare(struct world *w, struct seq *s, const float *logits, double tol)
{
	const float *want = s->want + s->got * w->nv;

	ASSERT(s->got <= GEN);
	if (tol == 0)
		ASSERT_MEM_EQ(logits, want, w->nv * sizeof *logits);
	for (size_t v = 0; v < w->nv; v++) {
		double diff = fabs((double)logits[v] - want[v]);
		w->max_diff = diff > w->max_diff ? diff : w->max_diff;
	}
	ASSERT(w->max_diff <= tol);
	if (s->got > 0)      /* the token fed was the greedy one alone */
		ASSERT_EQ(tandem_llm_argmax(s->last, w->nv), s->gen[s->got - 1]);
	memcpy(s->last, logits, w->nv * sizeof *logits);
	s->got++;
}

/* Every step of the batched context: bad batches first, then the step's
 * items, each logits checked; sequence 2 reset once. */
static void together(struct world *w, double tol)
{
	static struct tandem_llm_batch_item items[ITEMS_MAX];
	struct tandem_llm_ctx *c = NULL;
	struct tandem_diag d;
	float *out = malloc(SEQS * w->nv * sizeof *out);
	bool reset = false;
	unsigned step = 0;
	size_t n;

	tandem_diag_init(&d, 10);
	ASSERT(out != NULL);
	ASSERT_EQ(tandem_llm_ctx_new_seqs(w->m, N_CTX, SEQS, 2, &d, &c), 0);
	ASSERT_EQ(tandem_llm_ctx_seqs(c), SEQS);
	ASSERT_EQ(tandem_llm_ctx_n_ctx(c), N_CTX);
	for (; (n = plan(w, step, items)) > 0; step++) {
		struct tandem_llm_batch b = { items, n };
		size_t k = 0;

		bad_batches(w, c, step, items, n, out);
		ASSERT_EQ(tandem_llm_eval_batch(c, &b, out, &d), 0);
		for (size_t i = 0; i < n; i++) {
			struct seq *s = &w->s[items[i].seq];

			s->fed += s->fed < s->np;
			if (items[i].logits)
				compare(w, s, out + k++ * w->nv, tol);
		}
		for (uint32_t i = 0; i < SEQS; i++) {
			const struct seq *s = &w->s[i];
			ASSERT_EQ(tandem_llm_seq_pos(c, i), s->fed + (s->got > 0 ? s->got - 1 : 0));
		}
		if (step >= RESET_STEP && !reset && w->s[2].got >= 2) {
			uint32_t p1 = tandem_llm_seq_pos(c, 1), p3 = tandem_llm_seq_pos(c, 3);

			tandem_llm_seq_reset(c, 2);
			ASSERT_EQ(tandem_llm_seq_pos(c, 2), 0);
			ASSERT_EQ(tandem_llm_seq_pos(c, 1), p1);
			ASSERT_EQ(tandem_llm_seq_pos(c, 3), p3);
			w->s[2].fed = w->s[2].got = 0;
			reset = true;
		}
	}
	ASSERT(reset);
	for (int i = 0; i < SEQS; i++)
		ASSERT_EQ(w->s[i].got, GEN + 1);
	tandem_llm_ctx_free(c);
	tandem_diag_release(&d);
	free(out);
}

static bool check_model(const char *model, double tol)
{
	struct world w;

	if (!world_open(&w, model))
		return false;
	alone(&w);
	together(&w, tol);
	printf("  %s: %d sequences together, logits max diff %g from each alone; greedy "
	       "%d/%d the same\n", model, SEQS, w.max_diff, GEN, GEN);
	world_close(&w);
	return true;
}

/* Float and binary16 weights: the same bits as alone where the F16/F32
 * kernel sums a row in the same order whatever the batch (the AVX-512 one;
 * the portable path takes one position another way). */
TEST(llm_seq_exact)
{
	llm_kernels_select(true);
	double tol = llm_fgemm_kernel() != NULL ? 0 : 1e-3;

	if (!check_model("stories260K-F32", tol))
		SKIP("../shared/data/llm is missing");
	ASSERT(check_model("synth-tiny-F16", tol));
}

/*
 * Quantized weights: the activations are quantized row by row as alone,
 * but the integer kernels sum a batch (Q8_0 and Q4_0 from seven rows, the
 * K-quants from four and sixteen rows of weights: 16 rows in the lanes of a
 * register) in another order than one position, and a last bit of
 * difference in an activation can round it to the next integer step when
 * it is quantized for the next product: as much as a tenth of a logit on
 * stories260K, whose logits are 0.3 from the F32 ones anyway.
 */
TEST(llm_seq_quantized)
{
	llm_kernels_select(true);

	if (!check_model("stories260K-Q8_0", 0.25))
		SKIP("../shared/data/llm is missing");
	ASSERT(check_model("synth-tiny-Q8_0", 1e-3));
	ASSERT(check_model("synth-tiny-Q4_K_M", 1e-3));
}

/* A prompt evaluated once in sequence 0 and copied to 1 and 2 (2 held a
 * longer one), each then continued with a token of its own in one batch:
 * the logits of the prompt and that token alone. */
TEST(llm_seq_copy)
{
	static const int32_t next[3] = { 403, 407, 261 };
	struct world w;
	struct tandem_llm_ctx *c = NULL;
	struct tandem_diag d;

	if (!world_open(&w, "stories260K-F32"))
		SKIP("../shared/data/llm is missing");
	llm_kernels_select(true);
	double tol = llm_fgemm_kernel() != NULL ? 0 : 1e-3;
	const struct seq *p = &w.s[3], *longer = &w.s[1];
	float *want = malloc(3 * w.nv * sizeof *want), *got = malloc(3 * w.nv * sizeof *got);
	ASSERT(want != NULL && got != NULL);
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_llm_ctx_new(w.m, N_CTX, 2, &d, &c), 0);
	for (int i = 0; i < 3; i++) {
		tandem_llm_ctx_reset(c);
		ASSERT_EQ(tandem_llm_eval(c, p->prompt, p->np, NULL, &d), 0);
		ASSERT_EQ(tandem_llm_eval(c, &next[i], 1, want + i * w.nv, &d), 0);
	}
	tandem_llm_ctx_free(c);
	ASSERT_EQ(tandem_llm_ctx_new_seqs(w.m, N_CTX, 3, 2, &d, &c), 0);
	struct tandem_llm_batch_item items[PROMPT_MAX];
	for (size_t k = 0; k < longer->np; k++)
		items[k] = (struct tandem_llm_batch_item){ 2, longer->prompt[k], false };
	struct tandem_llm_batch b = { items, longer->np };
	ASSERT_EQ(tandem_llm_eval_batch(c, &b, NULL, &d), 0);
	ASSERT_EQ(tandem_llm_eval(c, p->prompt, p->np, NULL, &d), 0);
	tandem_llm_seq_copy(c, 0, 0);                    /* onto itself: nothing */
	tandem_llm_seq_copy(c, 1, 0);
	tandem_llm_seq_copy(c, 2, 0);
	for (uint32_t i = 0; i < 3; i++) {
		ASSERT_EQ(tandem_llm_seq_pos(c, i), p->np);
		items[i] = (struct tandem_llm_batch_item){ i, next[i], true };
	}
	b.n = 3;
	ASSERT_EQ(tandem_llm_eval_batch(c, &b, got, &d), 0);
	for (size_t v = 0; v < 3 * w.nv; v++)
		ASSERT(fabs((double)got[v] - want[v]) <= tol);
	tandem_llm_ctx_free(c);
	tandem_diag_release(&d);
	free(want);
	free(got);
	world_close(&w);
}

/* The limits of a context of sequences, and the one-sequence calls on it
 * (sequence 0). */
TEST(llm_seq_context)
{
	struct world w;
	struct tandem_llm_ctx *c = NULL;
	struct tandem_diag d;
	int32_t toks[3] = { 1, 403, 407 };

	if (!world_open(&w, "stories260K-F32"))
		SKIP("../shared/data/llm is missing");
	const struct tandem_llm_model *m = w.m;
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_llm_ctx_new_seqs(m, 8, 0, 1, &d, &c), TANDEM_EINVAL);
	ASSERT_EQ(tandem_llm_ctx_new_seqs(m, 8, TANDEM_LLM_SEQ_MAX + 1, 1, &d, &c), TANDEM_EINVAL);
	ASSERT(c == NULL);
	ASSERT_STR_CONTAINS(d.items[1].message, "1 to 64 sequences");
	ASSERT_EQ(tandem_llm_ctx_new_seqs(m, 4, TANDEM_LLM_SEQ_MAX, 1, &d, &c), 0);
	ASSERT_EQ(tandem_llm_eval(c, toks, 3, NULL, &d), 0);
	ASSERT_EQ(tandem_llm_ctx_pos(c), 3);
	ASSERT_EQ(tandem_llm_seq_pos(c, 0), 3);
	ASSERT_EQ(tandem_llm_seq_pos(c, 1), 0);
	/* Every sequence one token: 64 rows in one pass; no logits asked. */
	struct tandem_llm_batch_item items[TANDEM_LLM_SEQ_MAX];
	for (uint32_t i = 0; i < TANDEM_LLM_SEQ_MAX; i++)
		items[i] = (struct tandem_llm_batch_item){ i, toks[i % 3], true };
	struct tandem_llm_batch b = { items, TANDEM_LLM_SEQ_MAX };
	ASSERT_EQ(tandem_llm_eval_batch(c, &b, NULL, &d), 0);
	ASSERT_EQ(tandem_llm_seq_pos(c, 0), 4);
	ASSERT_EQ(tandem_llm_seq_pos(c, TANDEM_LLM_SEQ_MAX - 1), 1);
	ASSERT_EQ(tandem_llm_eval(c, toks, 1, NULL, &d), TANDEM_ELIMIT);  /* sequence 0 full */
	ASSERT_STR_CONTAINS(d.items[d.count - 1].message, "do not fit in sequence 0");
	tandem_llm_ctx_reset(c);
	for (uint32_t i = 0; i < TANDEM_LLM_SEQ_MAX; i++)
		ASSERT_EQ(tandem_llm_seq_pos(c, i), 0);
	b.n = 0;                                         /* an empty batch: nothing */
	ASSERT_EQ(tandem_llm_eval_batch(c, &b, NULL, &d), 0);
	tandem_llm_ctx_free(c);
	world_close(&w);
	tandem_diag_release(&d);
}
