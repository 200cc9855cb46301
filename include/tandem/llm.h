/*
 * tandem/llm.h - the embedded language-model engine: a Llama-architecture
 * model (as Mistral uses it) run on the CPU from a GGUF file (tandem/gguf.h).
 *
 * The model is RMSNorm, rotary position embeddings (θ and dimensions from
 * the metadata), grouped-query attention, a SwiGLU feed-forward, and an
 * output projection tied to the token embeddings or separate. Weights stay
 * in the mapped file in their own type (F32, F16, BF16, Q8_0, Q4_0, Q4_K,
 * Q5_K, Q6_K) and are read as they are multiplied; activations are float.
 *
 * A context holds what its sequences need: for each, the key/value cache
 * for n_ctx positions (kept in binary16) and its next position; and every
 * buffer of the forward pass, allocated once when the context is made:
 * evaluating allocates nothing. Several sequences (a server's users, an
 * agent's drafts) are evaluated together by tandem_llm_eval_batch(), which
 * reads each weight once for all of them.
 */
#ifndef TANDEM_LLM_H
#define TANDEM_LLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/diag.h"
#include "tandem/gguf.h"

#define TANDEM_LLM_LAYERS_MAX 512
#define TANDEM_LLM_DIM_MAX    65536      /* model and feed-forward widths */
#define TANDEM_LLM_CTX_MAX    (1u << 20) /* positions of a sequence */
#define TANDEM_LLM_THREADS_MAX 64        /* threads of a context */
#define TANDEM_LLM_SEQ_MAX    64         /* sequences of a context */

/* What the model is, from its metadata (llama.*). */
struct tandem_llm_hparams {
	uint32_t n_vocab;
	uint32_t dim;            /* embedding_length */
	uint32_t n_layers;       /* block_count */
	uint32_t n_heads, n_kv_heads;
	uint32_t head_dim;       /* dim / n_heads, or attention.key_length */
	uint32_t ffn_dim;        /* feed_forward_length */
	uint32_t rope_dim;       /* rope.dimension_count: the leading dims rotated */
	uint32_t n_ctx_train;    /* context_length */
	uint32_t sliding_window; /* 0: none */
	float rope_theta;        /* rope.freq_base, 10000 by default */
	float rms_eps;           /* attention.layer_norm_rms_epsilon */
	bool tied_output;        /* no output.weight: the embeddings serve */
};

struct tandem_llm_model;
struct tandem_llm_ctx;

/*
 * The model of an opened GGUF file (kept open by the caller while the model
 * lives). Refused with a finding TANDEM-LLM-*: an architecture other than
 * llama (TANDEM_EUNSUPPORTED), dimensions missing, absurd or inconsistent,
 * a tensor missing, of the wrong shape or of a type tandem cannot multiply
 * (TANDEM_EBADINPUT).
 */
int tandem_llm_load(const struct tandem_gguf *g, struct tandem_diag *d,
		    struct tandem_llm_model **out);
void tandem_llm_free(struct tandem_llm_model *m);
const struct tandem_llm_hparams *tandem_llm_hparams(const struct tandem_llm_model *m);

/* A context of one sequence of n_ctx positions (1 .. TANDEM_LLM_CTX_MAX),
 * evaluated by threads threads (1 .. 64; the caller's is one of them):
 * tandem_llm_ctx_new_seqs() with n_seq 1. */
int tandem_llm_ctx_new(const struct tandem_llm_model *m, uint32_t n_ctx, uint32_t threads,
		       struct tandem_diag *d, struct tandem_llm_ctx **out);
/*
 * A context of n_seq sequences (1 .. TANDEM_LLM_SEQ_MAX), numbered from 0,
 * each of n_ctx positions with a cache of its own (n_seq times the memory
 * of one). TANDEM_EINVAL when a count is out of its range, TANDEM_ENOMEM;
 * each with a finding TANDEM-LLM-CONTEXT.
 */
int tandem_llm_ctx_new_seqs(const struct tandem_llm_model *m, uint32_t n_ctx, uint32_t n_seq,
			    uint32_t threads, struct tandem_diag *d, struct tandem_llm_ctx **out);
void tandem_llm_ctx_free(struct tandem_llm_ctx *c);
/* Positions of sequence 0 filled so far; forgetting those of every
 * sequence starts them anew. */
uint32_t tandem_llm_ctx_pos(const struct tandem_llm_ctx *c);
void tandem_llm_ctx_reset(struct tandem_llm_ctx *c);
/* The sequences of the context, and the positions each holds. */
uint32_t tandem_llm_ctx_seqs(const struct tandem_llm_ctx *c);
uint32_t tandem_llm_ctx_n_ctx(const struct tandem_llm_ctx *c);
/* Positions of sequence seq (< tandem_llm_ctx_seqs()) filled so far, and
 * forgetting them (the next token goes at position 0); the others are not
 * touched. A sequence out of range is a programming error: it aborts. */
uint32_t tandem_llm_seq_pos(const struct tandem_llm_ctx *c, uint32_t seq);
void tandem_llm_seq_reset(struct tandem_llm_ctx *c, uint32_t seq);
/* Sequence dst takes what src holds, its positions with their keys and
 * values (what dst held is forgotten): drafts that share a prompt have it
 * evaluated once. Both in range, or it aborts. */
void tandem_llm_seq_copy(struct tandem_llm_ctx *c, uint32_t dst, uint32_t src);

/*
 * Feeds n tokens to sequence 0 at its next positions; logits (n_vocab
 * floats, or NULL) receives those after the last one. TANDEM_EINVAL: a
 * token out of the vocabulary; TANDEM_ELIMIT: the tokens do not fit in the
 * sequence (nothing fed then). Each with a finding.
 */
int tandem_llm_eval(struct tandem_llm_ctx *c, const int32_t *tokens, size_t n, float *logits,
		    struct tandem_diag *d);

/* One token for one sequence; logits: return the logits after it. */
struct tandem_llm_batch_item {
	uint32_t seq;
	int32_t token;
	bool logits;
};

/* Items in the order they are fed. */
struct tandem_llm_batch {
	const struct tandem_llm_batch_item *items;
	size_t n;
};

/*
 * Feeds the items of b, each token at the next position of its sequence:
 * the items of one sequence take consecutive positions in their order (a
 * prompt), mixed in any way with those of others (one token each, for a
 * step of generation). Each item sees its own sequence only, up to its own
 * position: the logits are those the sequence would give alone (bit for
 * bit with float and binary16 weights where the processor has AVX-512;
 * else within the last bits, and quantized weights within a rounding of
 * the activations: docs/llm.md). logits (or NULL) receives n_vocab
 * floats for each item that asks, in the items' order. Everything is
 * checked first, and on an error nothing is fed to any sequence:
 * TANDEM_EINVAL for a sequence out of range or a token out of the
 * vocabulary, TANDEM_ELIMIT for a sequence whose items do not fit in its
 * positions; each with a finding TANDEM-LLM-SEQ, -TOKEN or -CONTEXT.
 */
int tandem_llm_eval_batch(struct tandem_llm_ctx *c, const struct tandem_llm_batch *b,
			  float *logits, struct tandem_diag *d);

/* The index of the highest logit, the lowest on ties (greedy decoding). */
int32_t tandem_llm_argmax(const float *logits, size_t n);

/*
 * How the next token is drawn from the logits, in this order: the
 * repetition penalty on the last repeat_last_n tokens (a positive logit
 * divided by it, a negative one multiplied), the top_k best (0: all), the
 * smallest set whose probability reaches top_p (1: all), those at least
 * min_p times the best one's probability (0: all), then the temperature,
 * and a draw from what is left by a generator seeded with seed. A
 * temperature of 0 is greedy (tandem_llm_argmax), whatever the rest says.
 */
struct tandem_llm_sampling {
	float temperature;        /* 0 .. 100 */
	uint32_t top_k;
	float top_p;              /* 0 .. 1 */
	float min_p;              /* 0 .. 1 */
	float repeat_penalty;     /* 1: none; 1 .. 10 */
	uint32_t repeat_last_n;
	uint64_t seed;
};

/* temperature 0.8, top_k 40, top_p 0.95, min_p 0.05, no repetition penalty
 * (1.0, over 64 tokens), seed 42. */
void tandem_llm_sampling_default(struct tandem_llm_sampling *s);

struct tandem_llm_sampler;

/* A sampler for a vocabulary of n_vocab; TANDEM_EINVAL (with a finding) when
 * a setting is out of its range. */
int tandem_llm_sampler_new(const struct tandem_llm_sampling *s, uint32_t n_vocab,
			   struct tandem_diag *d, struct tandem_llm_sampler **out);
void tandem_llm_sampler_free(struct tandem_llm_sampler *s);

/* The next token after history (n tokens, most recent last). The same
 * seed, logits and history give the same token. */
int32_t tandem_llm_sample(struct tandem_llm_sampler *s, const float *logits,
			  const int32_t *history, size_t n);

/*
 * Decoding constrained to JSON: before each draw, tandem_llm_json_mask()
 * sets to -infinity the logit of every token whose bytes would make the
 * output so far no longer the beginning of a JSON object (RFC 8259: UTF-8
 * strings without control characters, valid escapes and numbers, nesting
 * up to 32, at most 4 whitespace bytes in a row), and once the object is
 * closed, of every token but end-of-text; tandem_llm_json_accept() then
 * takes the token chosen. The output always parses.
 */
struct tandem_tok;
struct tandem_llm_json;
int tandem_llm_json_new(const struct tandem_tok *t, struct tandem_diag *d,
			struct tandem_llm_json **out);
void tandem_llm_json_free(struct tandem_llm_json *j);
void tandem_llm_json_mask(const struct tandem_llm_json *j, float *logits);
/* TANDEM_EINVAL for a token the mask would have refused. */
int tandem_llm_json_accept(struct tandem_llm_json *j, int32_t token);
bool tandem_llm_json_done(const struct tandem_llm_json *j);
/* Is text (len bytes) the beginning of a JSON object; *complete: all of one. */
bool tandem_llm_json_check(const char *text, size_t len, bool *complete);

/*
 * Decoding constrained to a JSON Schema: the same, but the output is an
 * instance of the schema. The subset followed (JSON Schema 2020-12 words):
 *
 *   type                  a name or a list of names; all types when absent
 *   properties, required  each key at most once; '}' only once every
 *                         required key has come
 *   additionalProperties  false: only the properties; true or absent: other
 *                         keys too (at most 8 per object, any value); a
 *                         schema: other keys' values follow it
 *   items                 one schema for every item (not a list of them)
 *   minItems, maxItems    at most 65,536 items
 *   minLength, maxLength  in characters (code points), at most 65,536
 *   pattern               ECMA-262, the subset of src/llm/json_regex.c:
 *                         classes, \d \w \s, groups, alternation, * + ?
 *                         {n} {n,} {n,m}, '^' first and '$' last (without
 *                         them: anywhere in the string); at most 127
 *                         character atoms once repetitions are written out;
 *                         not beside minLength, maxLength, enum or const
 *   format                date, time, date-time (RFC 3339), uuid (lower
 *                         case), each as a pattern
 *   minimum, maximum, exclusiveMinimum, exclusiveMaximum
 *                         of integers and numbers, any JSON number as
 *                         bound; the value is written with at most 18
 *                         digits before the point and (a number) 12 after
 *                         it, no exponent, and a bound finer than that is
 *                         met on that grid; a digit is taken only while an
 *                         ending within them stays in reach; not beside
 *                         enum or const
 *   enum, const           strings, numbers, true, false, null (not objects or
 *                         arrays), up to 64, each at most 256 bytes as JSON
 *   anyOf                 up to 16 alternatives whose instances begin with
 *                         different bytes: a string or null, an object or an
 *                         array; not two objects, not two strings
 *   $ref                  "#", "#/$defs/NAME", "#/definitions/NAME" (recursion
 *                         allowed), with no other keyword beside it
 *   true, false           any value, none
 *   title, description, $comment, default, examples, deprecated, readOnly,
 *   writeOnly             annotations: nothing to follow
 *   $schema, $id, $defs, definitions   at the root only
 *
 * Any other keyword (oneOf, allOf, not, if, multipleOf, patternProperties,
 * prefixItems, uniqueItems, ...) is refused, never
 * ignored: TANDEM_EUNSUPPORTED with a finding TANDEM-LLM-SCHEMA whose path
 * (and message) is the keyword's JSON Pointer, "#/properties/id/oneOf".
 * So is a schema whose top value may be a number (it would never say it
 * has ended), and one no value can satisfy (TANDEM_EBADINPUT). Limits:
 * 64 KiB of text, 1,024 schemas, schemas 32 deep, 64 properties per
 * object (TANDEM_ELIMIT). A text that is not JSON: tandem_json_parse()'s
 * refusal.
 *
 * Stricter than the specification, never looser, on what it writes and
 * checks: keys are written without escapes unless a property's name needs
 * them; enum values and property names byte for byte as JSON text
 * (strings as tandem_json_string_py() writes them, numbers as the schema
 * writes them: enum [1.0] wants "1.0"); an integer has no fraction or
 * exponent; numbers at most 32 bytes; no \u escape of a surrogate; at most
 * 32 levels of nesting and 4 whitespace bytes in a row; a string with a
 * pattern holds printable ASCII only, without '"' and '\' ("." and negated
 * classes stand for those characters), a "date" is never 29 February, a
 * "time" never a leap second.
 *
 * The constraint never leaves the sampler without a token: at every step
 * some byte goes on towards an instance.
 */
struct tandem_llm_schema;
/* Compiles len bytes of schema text. The schema is the caller's (free it). */
int tandem_llm_schema_new(const char *text, size_t len, struct tandem_diag *d,
			  struct tandem_llm_schema **out);
void tandem_llm_schema_free(struct tandem_llm_schema *s);
/* Is text (len bytes) the beginning of an instance of s (as the constraint
 * writes them, above); *complete: all of one. */
bool tandem_llm_json_schema_check(const struct tandem_llm_schema *s, const char *text,
				  size_t len, bool *complete);
/* A constraint like tandem_llm_json_new()'s, to the schema of len bytes of
 * text (compiled as tandem_llm_schema_new() does, the same refusals). The
 * mask, accept, done and free functions above serve it. */
int tandem_llm_json_new_schema(const struct tandem_tok *t, const char *schema_text, size_t len,
			       struct tandem_diag *d, struct tandem_llm_json **out);

/*
 * Writes the model of g to path with its weight matrices in type (Q8_0 or
 * Q4_0) as llama.cpp's llama-quantize does, bit for bit: two-dimensional
 * weights are quantized from F32, F16 or BF16 by the reference algorithms;
 * for Q4_0 the output projection (or the embeddings serving as output) is
 * Q6_K unless pure; vectors are kept; the metadata is copied with
 * general.file_type set. Written to a temporary file, then renamed.
 * Refused: another type (TANDEM_EINVAL), weights already quantized
 * (TANDEM_EBADINPUT), a write that fails (TANDEM_EIO: no file left).
 */
int tandem_llm_quantize(const struct tandem_gguf *g, const char *path, enum tandem_ggml_type type,
			bool pure, struct tandem_diag *d);

#endif /* TANDEM_LLM_H */
