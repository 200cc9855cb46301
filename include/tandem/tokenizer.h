/*
 * tandem/tokenizer.h - text to token ids and back, for the language models
 * of tandem/gguf.h.
 *
 * The vocabulary comes from the model file's metadata: tokenizer.ggml.model
 * "llama" is SentencePiece-style BPE (Llama 2, Mistral v1 to v7): the text,
 * with a space put in front of it (tokenizer.ggml.add_space_prefix, true
 * by default) and its spaces written U+2581 "▁", is split into characters,
 * and adjacent pieces are merged while the merge is a token, the merge of
 * the highest score first (the leftmost among equal scores); a character
 * no token holds is written as its UTF-8 bytes, the tokens <0x00> to
 * <0xFF> (byte fallback). A user-defined token found in the text stays
 * one token, never merged (as SentencePiece does).
 *
 * The vocabulary is read from a GGUF file (tandem_tok_from_gguf: the
 * tokenizer points into it, keep the file open while it is used) or from
 * SentencePiece's own .model file (tandem_tok_from_spm_model: the
 * tokenizer copies what it needs). Errors are TANDEM_E* codes with a
 * finding TANDEM-TOK-*.
 */
#ifndef TANDEM_TOKENIZER_H
#define TANDEM_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/gguf.h"

#define TANDEM_TOK_VOCAB_MAX   (1u << 20)   /* tokens of a vocabulary */
#define TANDEM_TOK_TEXT_MAX    (1u << 24)   /* bytes of one text to encode */
#define TANDEM_TOK_PIECE_MAX   256          /* bytes of one token's text */
#define TANDEM_TOK_MODEL_MAX   (64u << 20)  /* bytes of a SentencePiece .model */

/* The kinds of token (tokenizer.ggml.token_type). */
enum tandem_tok_type {
	TANDEM_TOK_UNDEFINED = 0,
	TANDEM_TOK_NORMAL = 1,
	TANDEM_TOK_UNKNOWN = 2,
	TANDEM_TOK_CONTROL = 3,
	TANDEM_TOK_USER = 4,
	TANDEM_TOK_UNUSED = 5,
	TANDEM_TOK_BYTE = 6,
};

struct tandem_tok;

/*
 * The tokenizer of a model file. Refused (TANDEM_EBADINPUT, TANDEM_EUNSUPPORTED
 * for a tokenizer model tandem does not implement yet) with a finding when
 * the vocabulary is missing, inconsistent (arrays of other lengths, a token
 * twice, a token over TANDEM_TOK_PIECE_MAX bytes, special ids out of range)
 * or lacks the 256 byte tokens.
 */
int tandem_tok_from_gguf(const struct tandem_gguf *g, struct tandem_diag *d,
			 struct tandem_tok **out);

/*
 * The tokenizer of a SentencePiece model file (the protocol buffer
 * ModelProto: pieces with their score and type, trainer_spec,
 * normalizer_spec), len bytes at bytes. Everything kept is copied: the
 * bytes may be freed once this returns. The special ids are the
 * trainer_spec's (unk_id, bos_id, eos_id); BOS is wanted in front of a
 * prompt when there is one (as Mistral's and Llama's models want it);
 * add_dummy_prefix is the space prefix.
 *
 * Refused with one finding TANDEM-TOK-MODEL (TANDEM-TOK-VOCAB for a
 * piece twice or a byte token missing): bytes that are not a well-formed
 * ModelProto (every length, varint and field checked, unknown fields
 * skipped), a piece empty, over TANDEM_TOK_PIECE_MAX bytes, not UTF-8 or
 * of a type outside 1..6, more than TANDEM_TOK_VOCAB_MAX pieces, special
 * ids out of range, no piece "▁" (TANDEM_EBADINPUT); bytes over
 * TANDEM_TOK_MODEL_MAX (TANDEM_ELIMIT); what tandem does not implement
 * (TANDEM_EUNSUPPORTED): a model other than BPE (unigram, word, char),
 * byte_fallback off, a normalisation table (precompiled_charsmap),
 * remove_extra_whitespaces, escape_whitespaces off,
 * treat_whitespace_as_suffix, UNUSED pieces.
 */
int tandem_tok_from_spm_model(const void *bytes, size_t len, struct tandem_diag *d,
			      struct tandem_tok **out);

void tandem_tok_free(struct tandem_tok *t);

size_t tandem_tok_vocab_size(const struct tandem_tok *t);
int32_t tandem_tok_bos(const struct tandem_tok *t);     /* -1: none */
int32_t tandem_tok_eos(const struct tandem_tok *t);
/* Whether the model wants BOS in front of a prompt (add_bos_token). */
bool tandem_tok_adds_bos(const struct tandem_tok *t);

/* The id of the control token whose text is text (len bytes), or -1. */
int32_t tandem_tok_control(const struct tandem_tok *t, const char *text, size_t len);

#define TANDEM_TOK_ADD_BOS        1u   /* BOS first */
/*
 * Control tokens written in the text ("<s>", "[INST]", "[/INST]",
 * "[TOOL_CALLS]" ...; the longest where several begin) are their ids, and
 * the text between them is encoded piece by piece. The space prefix goes
 * in front of the text's start only, never after a control token: a space
 * written after one is the text's own, so that "[INST] Hi[/INST]" gives
 * [INST] "▁Hi" [/INST], as mistral-common's instruct format encodes
 * "[INST]" then "Hi", and decoding with TANDEM_TOK_SPECIALS gives the text
 * back. Without this flag, a control token's text is text like any other.
 */
#define TANDEM_TOK_PARSE_SPECIAL  2u

/*
 * Encodes len bytes of UTF-8 text into ids (at most max; *n the count).
 * Refused: text that is not UTF-8 (TANDEM_EBADINPUT, with the byte offset),
 * longer than TANDEM_TOK_TEXT_MAX, or needing more than max ids
 * (TANDEM_ELIMIT) - a prompt longer than the context is refused, never cut.
 */
int tandem_tok_encode(const struct tandem_tok *t, const char *text, size_t len, unsigned flags,
		      int32_t *ids, size_t max, size_t *n, struct tandem_diag *d);

/*
 * Appends the text of ids to out: "▁" is a space, byte tokens their byte,
 * control tokens nothing (or their text with TANDEM_TOK_SPECIALS), and the space
 * encoding put in front of the text is taken off again, so decoding what
 * was encoded gives the text back (but for U+2581 itself, SentencePiece's
 * sign of a space, which comes back as a space, as in SentencePiece).
 * With TANDEM_TOK_SPECIALS, a control token written ends the text before
 * it: the space of a piece after it is kept, which makes decoding the
 * inverse of encoding with TANDEM_TOK_PARSE_SPECIAL.
 * TANDEM_EINVAL for an id out of range.
 */
#define TANDEM_TOK_SPECIALS   1u   /* control tokens written as their text */
#define TANDEM_TOK_MIDSTREAM  2u   /* ids that continue a text: the space in
				      front of the first is a real one */
int tandem_tok_decode(const struct tandem_tok *t, const int32_t *ids, size_t n, unsigned flags,
		      struct tandem_buf *out);

/* The text of one token as in the vocabulary (NULL for an id out of range). */
const char *tandem_tok_piece(const struct tandem_tok *t, int32_t id, size_t *len);

#endif /* TANDEM_TOKENIZER_H */
