/*
 * tests/test_llm_json.c - decoding constrained to JSON: the automaton
 * against objects that are JSON and texts that are not (every prefix of a
 * valid one accepted, complete only at its end), and generation under the
 * constraint with random logits: whatever is drawn, the text stays the
 * beginning of a JSON object, and once closed only end-of-text remains.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/buf.h"
#include "tandem/error.h"
#include "tandem/gguf.h"
#include "tandem/llm.h"
#include "tandem/tokenizer.h"
#include "test.h"
#include "tok_helpers.h"

TEST(llm_json_automaton)
{
	static const char *const good[] = {
		"{}", " {\"a\": 1}", "{\"a\":[1,-2.5e+3,0,0.25,true,false,null,{}]}",
		"{\"k\": \"caf\xc3\xa9 \\u00e9 \\\" \\\\ \\n\", \"n\": {\"m\": []}}",
		"{\"a\":\"\xf0\x9f\x98\x80\"}", "{\"x\": -0, \"y\": 1E5}",
	};
	static const char *const bad[] = {
		"[]", "1", "\"s\"", "{,}", "{\"a\" 1}", "{\"a\": 01}", "{\"a\": 1.}", "{\"a\": -}",
		"{\"a\": tru}x", "{\"a\": \"\x01\"}", "{\"a\": \"\\x\"}", "{\"a\": \"\\u12g4\"}",
		"{\"a\": \"\xc0\x80\"}", "{\"a\": \"\xed\xa0\x80\"}", "{\"a\": 1,}", "{\"a\": [1,]}",
		"{\"a\": 1}}", "{\"a\": 1} ", "{'a': 1}", "{\"a\":      1}",
	};
	bool complete = false;

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		size_t n = strlen(good[i]);

		for (size_t k = 0; k < n; k++) {
			ASSERT(tandem_llm_json_check(good[i], k, &complete));
			ASSERT(!complete || k == n);
		}
		ASSERT(tandem_llm_json_check(good[i], n, &complete));
		ASSERT(complete);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bool ok = tandem_llm_json_check(bad[i], strlen(bad[i]), &complete);
		ASSERT(!ok || !complete);
	}
	/* Nesting has a limit. */
	char deep[80];
	memset(deep, '[', sizeof deep);
	deep[0] = '{';
	memcpy(deep + 1, "\"a\":", 4);
	ASSERT(!tandem_llm_json_check(deep, sizeof deep, &complete));
}

struct tandem_tok *tok_open_vocab(const char *name, struct tandem_gguf **g)
{
	char path[4096], rel[256];
	struct tandem_tok *t = NULL;
	struct tandem_diag d;

	*g = NULL;
	snprintf(rel, sizeof rel, "llm/%s", name);
	if (!test_shared_file(path, sizeof path, rel))
		return NULL;
	tandem_diag_init(&d, 10);
	if (tandem_gguf_open(path, &d, g) != 0 || tandem_tok_from_gguf(*g, &d, &t) != 0)
		FAIL("%s: %s", name, test_findings_text(&d));
	tandem_diag_release(&d);
	return t;
}

void tok_random_logits(const struct tandem_tok *t, float *logits, size_t n, uint64_t *x,
		       bool closing)
{
	for (size_t i = 0; i < n; i++) {
		*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
		logits[i] = (float)(*x % 1000) / 100.0f;
	}
	for (size_t i = 0; closing && i < n; i++) {
		size_t len = 0;
		const char *p = tandem_tok_piece(t, (int32_t)i, &len);

		if (len == 1 && (p[0] == '}' || p[0] == ']' || p[0] == '"'))
			logits[i] = 100;
	}
}

TEST(llm_json_constrained_draws)
{
	struct tandem_gguf *g = NULL;
	struct tandem_tok *t = tok_open_vocab("ggml-vocab-llama-spm.gguf", &g);
	struct tandem_llm_json *j = NULL;
	struct tandem_diag d;
	struct tandem_buf text;
	uint64_t x = 12345;

	if (t == NULL)
		SKIP("../shared/data/llm is missing");
	tandem_diag_init(&d, 10);
	size_t n = tandem_tok_vocab_size(t);
	float *logits = malloc(n * sizeof *logits);
	tandem_buf_init(&text, 1u << 20);
	for (int run = 0; run < 4; run++) {
		ASSERT_EQ(tandem_llm_json_new(t, &d, &j), 0);
		tandem_buf_reset(&text);
		for (int step = 0; step < 400 && !tandem_llm_json_done(j); step++) {
			/* Later on, closing wins: the object ends. */
			tok_random_logits(t, logits, n, &x, step > 100 + 50 * run);
			tandem_llm_json_mask(j, logits);
			int32_t id = tandem_llm_argmax(logits, n);
			ASSERT(isfinite(logits[id]));
			ASSERT_EQ(tandem_llm_json_accept(j, id), 0);
			ASSERT_EQ(tandem_tok_decode(t, &id, 1, TANDEM_TOK_MIDSTREAM, &text), 0);
			bool complete = false;
			ASSERT(tandem_llm_json_check(text.data, text.len, &complete));
			ASSERT_EQ(complete, tandem_llm_json_done(j));
		}
		ASSERT(tandem_llm_json_done(j));
		/* Closed: only end-of-text is left. */
		for (size_t i = 0; i < n; i++)
			logits[i] = 1;
		tandem_llm_json_mask(j, logits);
		ASSERT_EQ(tandem_llm_argmax(logits, n), tandem_tok_eos(t));
		ASSERT(isinf(logits[0]));
		ASSERT_EQ(tandem_llm_json_accept(j, 0), TANDEM_EINVAL);
		tandem_llm_json_free(j);
	}
	tandem_buf_release(&text);
	free(logits);
	tandem_tok_free(t);
	tandem_gguf_close(g);
	tandem_diag_release(&d);
}
