/*
 * src/llm/tok_int.h - what the tokenizer's files share: the vocabulary
 * with its hash index from text to id.
 */
#ifndef TANDEM_TOK_INT_H
#define TANDEM_TOK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/arena.h"
#include "tandem/tokenizer.h"

struct tok_entry {
	const char *text;          /* in the GGUF file, len bytes */
	uint32_t len;
	float score;               /* merge priority: the higher, the earlier */
	enum tandem_tok_type type;
};

struct tandem_tok {
	struct tok_entry *v;
	size_t n;
	uint32_t *slots;           /* text -> id + 1 (0 empty), open addressing */
	size_t mask;
	int32_t bos, eos, unk;     /* -1: none */
	int32_t byte_id[256];      /* the token <0xXX> of each byte */
	bool add_bos, add_space_prefix;
	struct tandem_arena arena;
};

/* The id of a token whose text is s (len bytes) and that text may produce
 * (normal and user-defined tokens), or -1. */
int32_t tok_find(const struct tandem_tok *t, const char *s, size_t len);

/* SentencePiece-style BPE of UTF-8 text (checked) into ids. */
int tok_spm_encode(const struct tandem_tok *t, const char *text, size_t len, int32_t *ids,
		   size_t max, size_t *n, struct tandem_diag *d);

#endif /* TANDEM_TOK_INT_H */
