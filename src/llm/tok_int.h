/*
 * src/llm/tok_int.h - what the tokenizer's files share: the vocabulary
 * with its hash index from text to id, and the texts of the control and
 * user-defined tokens as they are looked for in a text.
 */
#ifndef TANDEM_TOK_INT_H
#define TANDEM_TOK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/arena.h"
#include "tandem/tokenizer.h"

struct tok_entry {
	const char *text;          /* len bytes: in the GGUF file, or the arena */
	uint32_t len;
	float score;               /* merge priority: the higher, the earlier */
	enum tandem_tok_type type;
};

/* The tokens of one type as found in a text: which bytes begin one, and
 * their lengths (distinct, longest first), so that finding one at a
 * position is a few hash lookups. */
struct tok_match {
	uint8_t first[32];         /* bit b: a token begins with byte b */
	uint16_t lens[TANDEM_TOK_PIECE_MAX];
	size_t nlens;
};

/* A merge of byte-level BPE: left and right into result, its rank. */
struct tok_merge {
	int32_t left, right, result;   /* result -1: an empty slot */
	uint32_t rank;
};

struct tandem_tok {
	struct tok_entry *v;
	size_t n;
	uint32_t *slots;           /* text -> id + 1 (0 empty), open addressing */
	size_t mask;
	int32_t bos, eos, unk;     /* -1: none */
	int32_t byte_id[256];      /* the token <0xXX> of each byte */
	bool add_bos, add_space_prefix;
	struct tok_match control;  /* CONTROL tokens, for TANDEM_TOK_PARSE_SPECIAL */
	struct tok_match user;     /* USER tokens: never split nor merged */
	struct tandem_arena arena;
	/* byte-level BPE (tok_bpe.c); byte_id then holds each byte's token */
	bool bpe, ignore_merges;
	struct tok_merge *merges;      /* open addressing by (left, right) */
	size_t merge_mask;
	void *re;                      /* the pre-tokenizer (pcre2_code) */
};

#define TOK_ARENA_MAX (256u << 20)

/* A finding under rule (TANDEM-TOK-*); returns code. */
int tok_refuse(struct tandem_diag *d, int code, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* After t->v and t->n are filled: the hash index (a token twice is
 * refused), the 256 byte tokens (all needed) and the match tables. */
int tok_index(struct tandem_tok *t, struct tandem_diag *d);

/* The id of a token whose text is s (len bytes) and that text may produce
 * (normal and user-defined tokens), or -1. */
int32_t tok_find(const struct tandem_tok *t, const char *s, size_t len);

/* The longest token of m's type (type) at the start of s (n bytes): its
 * id and *len, or -1. */
int32_t tok_match_at(const struct tandem_tok *t, const struct tok_match *m,
		     enum tandem_tok_type type, const char *s, size_t n, size_t *len);

/*
 * SentencePiece-style BPE of UTF-8 text (checked) into ids: with prefix,
 * a space in front (add_dummy_prefix). at is where text begins in the
 * caller's text, for the byte offset of an error.
 */
int tok_spm_encode(const struct tandem_tok *t, const char *text, size_t len, bool prefix,
		   size_t at, int32_t *ids, size_t max, size_t *n, struct tandem_diag *d);

/* A candidate merge of symbols left and right, and the binary heap that
 * gives the one of highest score first, the leftmost of equals (both BPE
 * kinds; n and the ids are the caller's, to tell a stale one). */
struct tok_cand {
	float score;
	int32_t left, right;
	uint32_t n;
	int32_t lid, rid;
};

struct tok_heap {
	struct tok_cand *v;
	size_t n;
};

void tok_heap_push(struct tok_heap *h, struct tok_cand c);
struct tok_cand tok_heap_pop(struct tok_heap *h);

/* The id of the token whose text is s (len bytes), any type, or -1. */
int32_t tok_lookup(const struct tandem_tok *t, const char *s, size_t len);

/* Byte-level BPE (tok_bpe.c): the merges and pre-tokenizer of a model
 * file, after the vocabulary is indexed; encoding (as tok_spm_encode);
 * a token's text as bytes; what the loader allocated. */
int tok_bpe_load(struct tandem_tok *t, const struct tandem_gguf *g, struct tandem_diag *d);
int tok_bpe_encode(const struct tandem_tok *t, const char *text, size_t len, size_t at,
		   int32_t *ids, size_t max, size_t *n, struct tandem_diag *d);
int tok_bpe_put(const struct tok_entry *e, struct tandem_buf *out);
void tok_bpe_free(struct tandem_tok *t);

#endif /* TANDEM_TOK_INT_H */
