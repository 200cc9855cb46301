/*
 * tests/test_tokenizer.c - the SentencePiece-style tokenizer against the
 * vectors of ../shared/data/llm: llama.cpp's for the Llama 2 vocabulary,
 * the SentencePiece library's own for Mistral's v1, v3 and v7; decoding
 * gives each text back; bad input is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/error.h"
#include "tandem/gguf.h"
#include "tandem/tokenizer.h"
#include "test.h"
#include "tok_helpers.h"

#define IDS_MAX 4096
#define SEP "\n__ggml_vocab_test__\n"

size_t tok_check_vectors(const struct tandem_tok *t, const char *name)
{
	char path[4096];
	size_t ilen, olen, checked = 0, mismatched = 0;
	struct tandem_diag d;

	snprintf(path, sizeof path, "%s/llm/%s.inp", test_shared_data(), name);
	char *inp = test_read_file(path, &ilen);
	snprintf(path, sizeof path, "%s/llm/%s.out", test_shared_data(), name);
	char *out = test_read_file(path, &olen);
	if (inp == NULL || out == NULL) {
		free(inp);
		free(out);
		return 0;
	}
	tandem_diag_init(&d, 10);
	char *text = inp, *line = out;
	int32_t *ids = malloc(IDS_MAX * sizeof *ids);
	ASSERT(ids != NULL);
	while (text != NULL && *line != '\0') {
		char *sep = strstr(text, SEP), *eol = strchr(line, '\n');
		size_t len = sep != NULL ? (size_t)(sep - text) : strlen(text);
		size_t n = 0, k = 0;
		char *p = line;

		ASSERT(eol != NULL);
		*eol = '\0';
		ASSERT_EQ(tandem_tok_encode(t, text, len, 0, ids, IDS_MAX, &n, &d), 0);
		bool same = true;
		for (char *end; (void)(end = NULL), *p != '\0'; p = end) {
			long v = strtol(p, &end, 10);
			if (end == p)
				break;
			same = same && k < n && ids[k] == v;
			k++;
		}
		same = same && k == n;
		if (!same && mismatched++ < 5) {
			printf("  %s: \"%.*s\": expected %s, got", name, (int)len, text, line);
			for (size_t i = 0; i < n; i++)
				printf(" %d", ids[i]);
			printf("\n");
		}
		struct tandem_buf b;
		tandem_buf_init(&b, 1u << 20);
		ASSERT_EQ(tandem_tok_decode(t, ids, n, 0, &b), 0);
		if (b.len != len || memcmp(b.data, text, len) != 0)
			printf("  %s: \"%.*s\" decodes to \"%.*s\"\n", name, (int)len, text,
			       (int)b.len, b.data);
		ASSERT(b.len == len && memcmp(b.data, text, len) == 0);
		tandem_buf_release(&b);
		checked++;
		text = sep != NULL ? sep + strlen(SEP) : NULL;
		line = eol + 1;
	}
	ASSERT_EQ(mismatched, 0);
	free(ids);
	tandem_diag_release(&d);
	free(inp);
	free(out);
	return checked;
}

/* The vectors of name with the tokenizer of the GGUF file name. */
static size_t check_vectors(const char *name)
{
	char path[4096];
	struct tandem_gguf *g = NULL;
	struct tandem_tok *t = NULL;
	struct tandem_diag d;
	size_t n;

	snprintf(path, sizeof path, "%s/llm/%s", test_shared_data(), name);
	tandem_diag_init(&d, 10);
	if (tandem_gguf_open(path, &d, &g) != 0) {
		tandem_diag_release(&d);
		return 0;
	}
	ASSERT_EQ(tandem_tok_from_gguf(g, &d, &t), 0);
	n = tok_check_vectors(t, name);
	tandem_tok_free(t);
	tandem_gguf_close(g);
	tandem_diag_release(&d);
	return n;
}

TEST(tok_llama_spm_vectors)
{
	size_t n = check_vectors("ggml-vocab-llama-spm.gguf");
	if (n == 0)
		SKIP("../shared/data/llm is missing");
	ASSERT_GT(n, 30);
}

TEST(tok_mistral_spm_vectors)
{
	size_t n = check_vectors("ggml-vocab-mistral-spm-v1.gguf");
	if (n == 0)
		SKIP("../shared/data/llm is missing");
	ASSERT_GT(n, 30);
	ASSERT_GT(check_vectors("ggml-vocab-mistral-spm-v3.gguf"), 30);
	ASSERT_GT(check_vectors("ggml-vocab-mistral-spm-v7.gguf"), 30);
}

/* The prompt ids of a reference file: "prompt_tokens": [1, 2, ...]. */
static size_t reference_ids(const char *json, int32_t *ids, size_t max)
{
	const char *p = strstr(json, "\"prompt_tokens\"");
	size_t n = 0;

	ASSERT(p != NULL);
	p = strchr(p, '[') + 1;
	while (*p != ']' && n < max) {
		char *end;
		ids[n++] = (int32_t)strtol(p, &end, 10);
		p = end + strspn(end, ", \n");
	}
	return n;
}

/* The prompts of the reference outputs tokenize as llama.cpp did. */
TEST(tok_reference_prompts)
{
	static const char *const cases[][3] = {
		{ "stories260K-F32", "stories260K-F32", "en" },
		{ "synth-tiny-F16", "synth-tiny-F16.en", "en" },
		{ "synth-tiny-F16", "synth-tiny-F16.fr", "fr" },
	};
	static const char en[] = "Once upon a time, there was a little girl named Lily.";
	static const char fr[] = "La direction du budget a validé la facture n° 2026-0042 de "
				 "1 234,56 € pour le programme 218 (Übertrag).";
	int32_t want[256], got[256];
	char path[4096];
	struct tandem_diag d;

	tandem_diag_init(&d, 10);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tandem_gguf *g = NULL;
		struct tandem_tok *t = NULL;
		size_t len, n = 0;

		snprintf(path, sizeof path, "%s/llm/reference/%s.json", test_shared_data(),
			 cases[i][1]);
		char *json = test_read_file(path, &len);
		if (json == NULL)
			SKIP("../shared/data/llm is missing");
		size_t nwant = reference_ids(json, want, 256);
		free(json);
		snprintf(path, sizeof path, "%s/llm/models/%s.gguf", test_shared_data(), cases[i][0]);
		ASSERT_EQ(tandem_gguf_open(path, &d, &g), 0);
		ASSERT_EQ(tandem_tok_from_gguf(g, &d, &t), 0);
		const char *text = cases[i][2][0] == 'e' ? en : fr;
		ASSERT_EQ(tandem_tok_encode(t, text, strlen(text), TANDEM_TOK_ADD_BOS, got, 256, &n,
					    &d), 0);
		ASSERT_EQ(n, nwant);
		ASSERT(memcmp(got, want, n * sizeof *got) == 0);
		tandem_tok_free(t);
		tandem_gguf_close(g);
	}
	tandem_diag_release(&d);
}

TEST(tok_bad_input)
{
	char path[4096];
	struct tandem_gguf *g = NULL;
	struct tandem_tok *t = NULL;
	struct tandem_diag d;
	int32_t ids[8];
	size_t n = 0;

	snprintf(path, sizeof path, "%s/llm/models/stories260K-F32.gguf", test_shared_data());
	tandem_diag_init(&d, 10);
	if (tandem_gguf_open(path, &d, &g) != 0)
		SKIP("../shared/data/llm is missing");
	ASSERT_EQ(tandem_tok_from_gguf(g, &d, &t), 0);
	ASSERT_EQ(tandem_tok_vocab_size(t), 512);
	ASSERT_EQ(tandem_tok_bos(t), 1);
	ASSERT_EQ(tandem_tok_eos(t), 2);
	ASSERT_EQ(tandem_tok_encode(t, "ab\xc3", 3, 0, ids, 8, &n, &d), TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(d.items[0].message, "not UTF-8 at byte 2");
	ASSERT_EQ(n, 0);
	ASSERT_EQ(tandem_tok_encode(t, "\xed\xa0\x80", 3, 0, ids, 8, &n, &d), TANDEM_EBADINPUT);
	/* More ids than room: refused, not cut. */
	ASSERT_EQ(tandem_tok_encode(t, "Once upon a time, there was", 27, TANDEM_TOK_ADD_BOS, ids, 4,
				    &n, &d), TANDEM_ELIMIT);
	ASSERT_EQ(tandem_tok_encode(t, "x", 1, TANDEM_TOK_ADD_BOS, ids, 0, &n, &d), TANDEM_ELIMIT);
	/* Empty text: BOS alone, or nothing. */
	ASSERT_EQ(tandem_tok_encode(t, "", 0, TANDEM_TOK_ADD_BOS, ids, 8, &n, &d), 0);
	ASSERT(n == 1 && ids[0] == 1);
	/* A character no token holds: its bytes. */
	ASSERT_EQ(tandem_tok_encode(t, "\xe4\xb8\xad", 3, 0, ids, 8, &n, &d), 0);
	ASSERT_EQ(n, 4);   /* "▁" then the three bytes of 中 (<0xE4> is 3 + 0xE4) */
	ASSERT_EQ(ids[1], 3 + 0xe4);
	struct tandem_buf b;
	tandem_buf_init(&b, 64);
	ASSERT_EQ(tandem_tok_decode(t, ids, n, 0, &b), 0);
	ASSERT(b.len == 3 && memcmp(b.data, "\xe4\xb8\xad", 3) == 0);
	int32_t bad = 512;
	ASSERT_EQ(tandem_tok_decode(t, &bad, 1, 0, &b), TANDEM_EINVAL);
	tandem_buf_release(&b);
	tandem_tok_free(t);
	tandem_gguf_close(g);
	tandem_diag_release(&d);
}

TEST(cli_llm_tokenize)
{
	char path[4096];

	if (!test_shared_file(path, sizeof path, "llm/models/stories260K-F32.gguf"))
		SKIP("../shared/data/llm is missing");
	free(test_cli_expect((const char *const[]){"llm", "tokenize", "-m", path, "--bos", "--ids",
						   "Once upon a time", NULL}, NULL, 0,
			     "1 403 407 261 378\n", NULL));
	free(test_cli_expect((const char *const[]){"llm", "tokenize", "-m", path, "a time", NULL},
			     NULL, 0, "   378  ▁time", NULL));
	free(test_cli_expect((const char *const[]){"llm", "tokenize", "-m", path, "\xff", NULL},
			     NULL, 1, NULL, "not UTF-8 at byte 0"));
	free(test_cli_expect((const char *const[]){"llm", "tokenize", "-m", "README.md", "x",
						   NULL}, NULL, 1, NULL, "not a GGUF file"));
	free(test_cli_expect((const char *const[]){"llm", "tokenize", "x", NULL}, NULL, 2, NULL,
			     "-m MODEL"));
}
