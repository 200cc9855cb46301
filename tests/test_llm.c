/*
 * tests/test_llm.c - the engine against llama.cpp's reference outputs
 * (../shared/data/llm/reference): for each model and prompt, the logits
 * after the first 8 positions within 0.002 of the reference for exact
 * weights (F32, F16), within the README's bound for quantized ones, and the
 * 32-token greedy continuation identical where the reference says it must
 * be.
 */
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm_int.h"
#include "tandem/error.h"
#include "tandem/gguf.h"
#include "tandem/llm.h"
#include "tandem/tokenizer.h"
#include "test.h"

#define POS 8
#define GEN 32

/* The integers of the JSON array after key (first occurrence after from). */
static size_t ints_after(const char *json, const char *key, int32_t *out, size_t max)
{
	const char *p = strstr(json, key);
	size_t n = 0;

	ASSERT(p != NULL);
	p = strchr(p, '[') + 1;
	while (*p != ']' && n < max) {
		char *end;
		out[n++] = (int32_t)strtol(p, &end, 10);
		p = end + strspn(end, ", \n");
	}
	return n;
}

struct outcome {
	double max_diff, rms_diff;
	size_t greedy_same;   /* leading greedy tokens equal to the reference's */
};

/* Runs model on the reference's prompt: logits of the first 8 positions
 * against ref_logits (the file of another reference when given), and the
 * greedy continuation against the reference's. */
static bool run_reference(const char *model, const char *ref, const char *logits_ref,
			  bool batched, struct outcome *o)
{
	char path[4096];
	size_t len, flen;
	int32_t prompt[256], want[GEN], ids[GEN];
	struct tandem_gguf *g = NULL;
	struct tandem_llm_model *m = NULL;
	struct tandem_llm_ctx *c = NULL;
	struct tandem_diag d;

	snprintf(path, sizeof path, "%s/llm/reference/%s.json", test_shared_data(), ref);
	char *json = test_read_file(path, &len);
	snprintf(path, sizeof path, "%s/llm/reference/%s.logits.f32", test_shared_data(),
		 logits_ref);
	float *full = (float *)test_read_file(path, &flen);
	snprintf(path, sizeof path, "%s/llm/models/%s.gguf", test_shared_data(), model);
	tandem_diag_init(&d, 10);
	if (json == NULL || full == NULL || tandem_gguf_open(path, &d, &g) != 0) {
		free(json);
		free(full);
		tandem_diag_release(&d);
		return false;
	}
	size_t np = ints_after(json, "\"prompt_tokens\"", prompt, 256);
	ASSERT_EQ(ints_after(strstr(json, "\"greedy\""), "\"token_ids\"", want, GEN), GEN);
	ASSERT_EQ(tandem_llm_load(g, &d, &m), 0);
	size_t nv = tandem_llm_hparams(m)->n_vocab;
	ASSERT_EQ(flen, POS * nv * sizeof(float));
	ASSERT_EQ(tandem_llm_ctx_new(m, 512, 2, &d, &c), 0);
	float *logits = malloc(nv * sizeof *logits);
	double sq = 0;
	*o = (struct outcome){ 0 };
	/* One position at a time, each position's logits checked; or batched:
	 * positions 0-7 at once (the logits after 7 checked), then the rest. */
	for (size_t p = 0; p < np;) {
		size_t n = !batched ? 1 : p == 0 ? POS : np - p;
		ASSERT_EQ(tandem_llm_eval(c, &prompt[p], n, logits, &d), 0);
		p += n;
		for (size_t i = 0; p <= POS && (!batched || p == POS) && i < nv; i++) {
			double diff = fabs((double)logits[i] - full[(p - 1) * nv + i]);
			o->max_diff = diff > o->max_diff ? diff : o->max_diff;
			sq += diff * diff;
		}
	}
	o->rms_diff = sqrt(sq / (double)((batched ? 1 : POS) * nv));
	for (size_t i = 0; i < GEN; i++) {
		ids[i] = tandem_llm_argmax(logits, nv);
		ASSERT_EQ(tandem_llm_eval(c, &ids[i], 1, logits, &d), 0);
	}
	while (o->greedy_same < GEN && ids[o->greedy_same] == want[o->greedy_same])
		o->greedy_same++;
	printf("  %s on %s%s: logits max diff %.6f, rms %.6f; greedy %zu/%d the same\n", model,
	       ref, batched ? " (batched)" : "", o->max_diff, o->rms_diff, o->greedy_same, GEN);
	free(logits);
	tandem_llm_ctx_free(c);
	tandem_llm_free(m);
	tandem_gguf_close(g);
	tandem_diag_release(&d);
	free(json);
	free(full);
	return true;
}

TEST(llm_stories_f32_reference)
{
	struct outcome o;

	if (!run_reference("stories260K-F32", "stories260K-F32", "stories260K-F32", false, &o))
		SKIP("../shared/data/llm is missing");
	ASSERT(o.max_diff <= 0.002);
	ASSERT_EQ(o.greedy_same, GEN);
}

/* The prompt in batches: the same logits and continuation. */
TEST(llm_batched_reference)
{
	struct outcome o;

	if (!run_reference("stories260K-F32", "stories260K-F32", "stories260K-F32", true, &o))
		SKIP("../shared/data/llm is missing");
	ASSERT(o.max_diff <= 0.002);
	ASSERT_EQ(o.greedy_same, GEN);
	ASSERT(run_reference("synth-tiny-F16", "synth-tiny-F16.fr", "synth-tiny-F16.fr", true, &o));
	ASSERT(o.max_diff <= 0.002);
	ASSERT_EQ(o.greedy_same, GEN);
	ASSERT(run_reference("synth-tiny-Q4_0", "synth-tiny-Q4_0.en", "synth-tiny-F32.en", true,
			     &o));
	ASSERT(o.rms_diff <= 1.25 * 0.078);
}

TEST(llm_stories_q8_0_reference)
{
	struct outcome o;

	if (!run_reference("stories260K-Q8_0", "stories260K-Q8_0", "stories260K-F32", false, &o))
		SKIP("../shared/data/llm is missing");
	ASSERT_EQ(o.greedy_same, GEN);
}

TEST(llm_synth_tiny_f16_reference)
{
	struct outcome o;

	if (!run_reference("synth-tiny-F16", "synth-tiny-F16.en", "synth-tiny-F16.en", false, &o))
		SKIP("../shared/data/llm is missing");
	ASSERT(o.max_diff <= 0.002);
	ASSERT_EQ(o.greedy_same, GEN);
	ASSERT(run_reference("synth-tiny-F16", "synth-tiny-F16.fr", "synth-tiny-F16.fr", false, &o));
	ASSERT(o.max_diff <= 0.002);
	ASSERT_EQ(o.greedy_same, GEN);
}

/* Quantized files against the F32 reference: no further from it than
 * 1.25 times what llama.cpp's own quantized logits are (README). */
TEST(llm_synth_tiny_quantized)
{
	static const struct { const char *model; double llama_rms; } q[] = {
		{ "synth-tiny-Q8_0", 0.0064 }, { "synth-tiny-Q6_K", 0.019 },
		{ "synth-tiny-Q4_K_M", 0.056 }, { "synth-tiny-Q4_0", 0.078 },
	};
	char ref[64];
	struct outcome o;

	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		snprintf(ref, sizeof ref, "%s.en", q[i].model);
		if (!run_reference(q[i].model, ref, "synth-tiny-F32.en", false, &o))
			SKIP("../shared/data/llm is missing");
		ASSERT(o.rms_diff <= 1.25 * q[i].llama_rms);
	}
}

TEST(cli_llm_run)
{
	char path[4096];

	if (!test_shared_file(path, sizeof path, "llm/models/stories260K-F32.gguf"))
		SKIP("../shared/data/llm is missing");
	const char *prompt = "Once upon a time, there was a little girl named Lily.";
	free(test_cli_expect((const char *const[]){"llm", "run", "-m", path, "-p", prompt, "-n",
						   "20", "--temp", "0", NULL}, NULL, 0,
			     " She loved to play outside in the park. One day,", "tokens/s"));
	/* Sampling: the same seed, the same text; another seed, another. */
	char *a = test_cli_expect((const char *const[]){"llm", "run", "-m", path, "-p", prompt,
							"-n", "40", "--seed", "3", NULL}, NULL, 0,
				  NULL, NULL);
	char *b = test_cli_expect((const char *const[]){"llm", "run", "-m", path, "-p", prompt,
							"-n", "40", "--seed", "3", NULL}, NULL, 0,
				  NULL, NULL);
	char *c = test_cli_expect((const char *const[]){"llm", "run", "-m", path, "-p", prompt,
							"-n", "40", "--seed", "4", "--temp", "1.5",
							"--top-k", "0", "--top-p", "1", "--min-p",
							"0", NULL}, NULL, 0, NULL, NULL);
	ASSERT_STR_EQ(a, b);
	ASSERT(strcmp(a, c) != 0);
	free(a);
	free(b);
	free(c);
	free(test_cli_expect((const char *const[]){"llm", "run", "-m", path, "-p", prompt, "--ctx",
						   "8", NULL}, NULL, 1, NULL,
			     "the text needs more than 7 tokens"));
	free(test_cli_expect((const char *const[]){"llm", "run", "-m", path, "-p", "\xc3(", NULL},
			     NULL, 1, NULL, "not UTF-8 at byte 0"));
	free(test_cli_expect((const char *const[]){"llm", "run", "-m", path, "-p", "x", "--top-p",
						   "2", NULL}, NULL, 1, NULL, "top-p and min-p 0"));
	free(test_cli_expect((const char *const[]){"llm", "run", "-m", path, NULL}, NULL, 2, NULL,
			     "-p PROMPT"));
	/* --json: the output is the beginning of an object; not closed in 12
	 * tokens, it is an error. */
	char *j = test_cli_expect((const char *const[]){"llm", "run", "-m", path, "-p", prompt,
							"--json", "-n", "12", NULL}, NULL, 1, NULL,
				  "the JSON object is not closed after 12 tokens");
	bool complete = true;
	ASSERT(tandem_llm_json_check(j, strlen(j), &complete));
	ASSERT(!complete && strchr(j, '{') != NULL);
	free(j);
	free(test_cli_expect((const char *const[]){"llm", "run", "-m", "README.md", "-p", "x",
						   NULL}, NULL, 1, NULL, "not a GGUF file"));
}

TEST(llm_sampling)
{
	struct tandem_llm_sampling s;
	struct tandem_llm_sampler *x = NULL;
	struct tandem_diag d;
	float logits[4] = { 0.0f, 1.0986123f, -30.0f, -30.0f };   /* p(1) = 3 p(0) */
	size_t ones = 0;

	tandem_diag_init(&d, 10);
	tandem_llm_sampling_default(&s);
	s.top_k = 0;
	s.top_p = 1;
	s.min_p = 0;
	s.temperature = 1;
	ASSERT_EQ(tandem_llm_sampler_new(&s, 4, &d, &x), 0);
	for (int i = 0; i < 20000; i++)
		ones += tandem_llm_sample(x, logits, NULL, 0) == 1;
	tandem_llm_sampler_free(x);
	ASSERT(ones > 14600 && ones < 15400);          /* 0.75 of the draws */
	/* top-k 1, or temperature 0: the best, whatever the seed. */
	s.top_k = 1;
	s.seed = 99;
	ASSERT_EQ(tandem_llm_sampler_new(&s, 4, &d, &x), 0);
	ASSERT_EQ(tandem_llm_sample(x, logits, NULL, 0), 1);
	/* The repetition penalty: token 1 seen, 1.0986 / 2 < 0.9 */
	tandem_llm_sampler_free(x);
	float close[4] = { 0.9f, 1.0986123f, -30.0f, -30.0f };
	int32_t history[1] = { 1 };
	s.repeat_penalty = 2;
	ASSERT_EQ(tandem_llm_sampler_new(&s, 4, &d, &x), 0);
	ASSERT_EQ(tandem_llm_sample(x, close, history, 1), 0);
	tandem_llm_sampler_free(x);
	/* min-p: 0 is under 0.5 of the best's probability, only 1 is left. */
	s = (struct tandem_llm_sampling){ .temperature = 1, .top_p = 1, .min_p = 0.5f,
					  .repeat_penalty = 1, .seed = 5 };
	ASSERT_EQ(tandem_llm_sampler_new(&s, 4, &d, &x), 0);
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(tandem_llm_sample(x, logits, NULL, 0), 1);
	tandem_llm_sampler_free(x);
	s.temperature = -1;
	ASSERT_EQ(tandem_llm_sampler_new(&s, 4, &d, &x), TANDEM_EINVAL);
	ASSERT_EQ(tandem_llm_argmax((const float[]){ 1, 3, 3, 2 }, 4), 1);   /* lowest on ties */
	tandem_diag_release(&d);
}

TEST(llm_bad_input)
{
	char path[4096];
	struct tandem_gguf *g = NULL;
	struct tandem_llm_model *m = NULL;
	struct tandem_llm_ctx *c = NULL;
	struct tandem_diag d;

	tandem_diag_init(&d, 10);
	snprintf(path, sizeof path, "%s/llm/ggml-vocab-llama-spm.gguf", test_shared_data());
	if (tandem_gguf_open(path, &d, &g) != 0)
		SKIP("../shared/data/llm is missing");
	ASSERT_EQ(tandem_llm_load(g, &d, &m), TANDEM_EBADINPUT);   /* a vocabulary, no weights */
	ASSERT_STR_CONTAINS(d.items[0].message, "token_embd.weight is missing");
	ASSERT(m == NULL);
	tandem_gguf_close(g);
	snprintf(path, sizeof path, "%s/llm/models/stories260K-F32.gguf", test_shared_data());
	ASSERT_EQ(tandem_gguf_open(path, &d, &g), 0);
	ASSERT_EQ(tandem_llm_load(g, &d, &m), 0);
	const struct tandem_llm_hparams *hp = tandem_llm_hparams(m);
	ASSERT(hp->dim == 64 && hp->n_layers == 5 && hp->n_heads == 8 && hp->n_kv_heads == 4);
	ASSERT(hp->n_vocab == 512 && hp->tied_output == false);
	ASSERT_EQ(tandem_llm_ctx_new(m, 0, 1, &d, &c), TANDEM_EINVAL);
	ASSERT_EQ(tandem_llm_ctx_new(m, 4, 1, &d, &c), 0);
	int32_t toks[5] = { 1, 403, 407, 261, 378 }, bad = 512;
	ASSERT_EQ(tandem_llm_eval(c, &bad, 1, NULL, &d), TANDEM_EINVAL);
	ASSERT_EQ(tandem_llm_eval(c, toks, 5, NULL, &d), TANDEM_ELIMIT);   /* 5 > 4 positions */
	ASSERT_EQ(tandem_llm_ctx_pos(c), 0);                             /* nothing fed */
	ASSERT_EQ(tandem_llm_eval(c, toks, 4, NULL, &d), 0);
	ASSERT_EQ(tandem_llm_eval(c, toks, 1, NULL, &d), TANDEM_ELIMIT);
	tandem_llm_ctx_reset(c);
	ASSERT_EQ(tandem_llm_eval(c, toks, 1, NULL, &d), 0);
	tandem_llm_ctx_free(c);
	tandem_llm_free(m);
	tandem_gguf_close(g);
	tandem_diag_release(&d);
}

/*
 * tandem llm quantize: synth-tiny F16 to Q8_0 and to Q4_0 (with its Q6_K
 * embeddings), every tensor's bytes hashed against llama-quantize's
 * (reference/quantized_tensor_sha256.json); the quantized file runs.
 */
static size_t quantized_like_llama(const char *json, const char *which, const char *path)
{
	char key[96], hex[65];
	unsigned char h[crypto_hash_sha256_BYTES];
	struct tandem_gguf *g = NULL;
	struct tandem_diag d;
	size_t same = 0;

	snprintf(key, sizeof key, "\"%s\": {", which);
	const char *section = strstr(json, key);
	ASSERT(section != NULL);
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_gguf_open(path, &d, &g), 0);
	for (size_t i = 0; i < tandem_gguf_tensor_count(g); i++) {
		const struct tandem_gguf_tensor *t = tandem_gguf_tensor_at(g, i);

		snprintf(key, sizeof key, "\"%.*s\": {", (int)t->name.len, t->name.p);
		const char *at = strstr(section, key);
		ASSERT(at != NULL);
		at = strstr(at, "\"sha256\": \"");
		ASSERT(at != NULL);
		ASSERT_EQ(crypto_hash_sha256(h, t->data, t->bytes), 0);
		(void)sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		same += memcmp(at + 11, hex, 64) == 0;
	}
	size_t n = tandem_gguf_tensor_count(g);
	tandem_gguf_close(g);
	tandem_diag_release(&d);
	ASSERT_EQ(same, n);
	return same;
}

TEST(llm_quantize_like_llama_cpp)
{
	char in[4096], ref[4096], out[] = "/tmp/tandem-quant-XXXXXX";
	size_t len;

	snprintf(in, sizeof in, "%s/llm/models/synth-tiny-F16.gguf", test_shared_data());
	snprintf(ref, sizeof ref, "%s/llm/reference/quantized_tensor_sha256.json",
		 test_shared_data());
	char *json = test_read_file(ref, &len);
	if (json == NULL)
		SKIP("../shared/data/llm is missing");
	ASSERT(mkdtemp(out) != NULL);
	char q8[128], q4[128];
	snprintf(q8, sizeof q8, "%s/q8.gguf", out);
	snprintf(q4, sizeof q4, "%s/q4.gguf", out);
	free(test_cli_expect((const char *const[]){"llm", "quantize", in, q8, "Q8_0", NULL}, NULL,
			     0, "written in Q8_0", NULL));
	free(test_cli_expect((const char *const[]){"llm", "quantize", in, q4, "Q4_0", NULL}, NULL,
			     0, "written in Q4_0", NULL));
	ASSERT_EQ(quantized_like_llama(json, "synth-tiny-Q8_0", q8), 38);
	ASSERT_EQ(quantized_like_llama(json, "synth-tiny-Q4_0", q4), 38);
	/* Refusals: a quantized input, another type; nothing written. */
	free(test_cli_expect((const char *const[]){"llm", "quantize", q8, q4, "Q4_0", NULL}, NULL,
			     1, NULL, "is Q8_0 already"));
	free(test_cli_expect((const char *const[]){"llm", "quantize", in, q4, "Q2_K", NULL}, NULL,
			     2, NULL, "Q8_0 or Q4_0"));
	free(test_cli_expect((const char *const[]){"llm", "quantize", in, "/nonexistent/x.gguf",
						   "Q8_0", NULL}, NULL, 3, NULL, "cannot write"));
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
	ASSERT_EQ(system(cmd), 0);
	free(json);
}

/* The SIMD kernels give what the portable ones give (in another order of
 * summation), for every type a test model has. */
TEST(llm_kernels_agree)
{
	static const char *const models[] = { "synth-tiny-F16", "synth-tiny-Q8_0",
					       "synth-tiny-Q4_0", "synth-tiny-Q4_K_M",
					       "synth-tiny-Q6_K", "stories260K-F32" };
	char path[4096];
	struct tandem_diag d;
	float x[TANDEM_LLM_DIM_MAX / 64], a[1024], b[1024];

	tandem_diag_init(&d, 10);
	for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
		x[i] = (float)((int)(i * 7919 % 200) - 100) / 50.0f;
	for (size_t k = 0; k < sizeof models / sizeof models[0]; k++) {
		struct tandem_gguf *g = NULL;

		snprintf(path, sizeof path, "%s/llm/models/%s.gguf", test_shared_data(), models[k]);
		if (tandem_gguf_open(path, &d, &g) != 0)
			SKIP("../shared/data/llm is missing");
		for (size_t i = 0; i < tandem_gguf_tensor_count(g); i++) {
			const struct tandem_gguf_tensor *t = tandem_gguf_tensor_at(g, i);
			if (t->n_dims != 2 || t->ne[0] > sizeof x / sizeof x[0])
				continue;
			uint32_t rows = t->ne[1] < 1024 ? (uint32_t)t->ne[1] : 1024;
			struct llm_mat w = { t->data, t->type, rows, (uint32_t)t->ne[0],
					     (size_t)(t->bytes / t->ne[1]) };
			llm_kernels_select(false);
			llm_matvec(&w, x, a);
			llm_kernels_select(true);
			llm_matvec(&w, x, b);
			for (uint32_t r = 0; r < rows; r++)
				ASSERT(fabsf(a[r] - b[r]) <= 1e-4f * (1.0f + fabsf(a[r])));
		}
		tandem_gguf_close(g);
	}
	tandem_diag_release(&d);
}

TEST(cli_llm_bench)
{
	char path[4096];

	if (!test_shared_file(path, sizeof path, "llm/models/stories260K-Q8_0.gguf"))
		SKIP("../shared/data/llm is missing");
	char *out = test_cli_expect((const char *const[]){"llm", "bench", "-m", path, "-p", "16",
							  "-n", "8", "--reps", "2", "--threads",
							  "2", "--seqs", "3", NULL}, NULL, 0, "  pp16 ",
				    NULL);
	ASSERT_STR_CONTAINS(out, "  tg8 ");
	ASSERT_STR_CONTAINS(out, "  tg8 x3 ");      /* three sequences together */
	ASSERT_STR_CONTAINS(out, " a sequence\n");
	ASSERT_STR_CONTAINS(out, "GB/s a triad gets on 2 threads");
	ASSERT_STR_CONTAINS(out, "peak memory");
	free(out);
	free(test_cli_expect((const char *const[]){"llm", "bench", "-m", path, "--threads", "0",
						   NULL}, NULL, 2, NULL, "not a valid number"));
	free(test_cli_expect((const char *const[]){"llm", "bench", "-m", path, "--seqs", "65",
						   NULL}, NULL, 2, NULL, "not a valid number"));
}
