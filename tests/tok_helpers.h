/*
 * tests/tok_helpers.h - helpers shared by the tokenizer's and the chat
 * format's tests.
 */
#ifndef TANDEM_TEST_TOK_HELPERS_H
#define TANDEM_TEST_TOK_HELPERS_H

#include <stddef.h>

struct tandem_tok;

/*
 * Every input of ../shared/data/llm/NAME.inp encodes by t to its line of
 * NAME.out and decodes back (the test fails otherwise); returns how many
 * were checked, 0 when the files are missing.
 */
size_t tok_check_vectors(const struct tandem_tok *t, const char *name);

/* The tokenizer of ../shared/data/llm/mistral-common/src/mistral_common/
 * data/FILE (a SentencePiece .model); NULL when the file is missing. */
struct tandem_tok *tok_open_spm_model(const char *file);

#endif /* TANDEM_TEST_TOK_HELPERS_H */
