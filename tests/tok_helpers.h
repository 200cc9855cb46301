/*
 * tests/tok_helpers.h - helpers shared by the tokenizer's, the chat
 * format's and the JSON constraints' tests.
 */
#ifndef TANDEM_TEST_TOK_HELPERS_H
#define TANDEM_TEST_TOK_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tandem_tok;
struct tandem_gguf;

/*
 * Every input of ../shared/data/llm/NAME.inp encodes by t to its line of
 * NAME.out and decodes back (the test fails otherwise); returns how many
 * were checked, 0 when the files are missing.
 */
size_t tok_check_vectors(const struct tandem_tok *t, const char *name);

/* The tokenizer of ../shared/data/llm/mistral-common/src/mistral_common/
 * data/FILE (a SentencePiece .model); NULL when the file is missing. */
struct tandem_tok *tok_open_spm_model(const char *file);

/* The tokenizer of ../shared/data/llm/NAME (a GGUF vocabulary), its file
 * open in *g (close it after); NULL when the file is missing. In
 * tests/test_llm_json.c. */
struct tandem_tok *tok_open_vocab(const char *name, struct tandem_gguf **g);

/* n random logits from the xorshift state *x; with closing, the tokens
 * '}', ']' and '"' at 100, so that what is open ends. */
void tok_random_logits(const struct tandem_tok *t, float *logits, size_t n, uint64_t *x,
		       bool closing);

#endif /* TANDEM_TEST_TOK_HELPERS_H */
