/*
 * src/llm/tok_model.c - the vocabulary of a SentencePiece .model file: the
 * protocol buffer ModelProto, read with pb.h.
 *
 *   ModelProto      1 pieces (repeated SentencePiece), 2 trainer_spec,
 *                   3 normalizer_spec; others skipped
 *   SentencePiece   1 piece (string), 2 score (float), 3 type (enum,
 *                   NORMAL = 1 by default)
 *   TrainerSpec     3 model_type (UNIGRAM = 1 by default, BPE = 2),
 *                   24 treat_whitespace_as_suffix, 35 byte_fallback,
 *                   40 unk_id (0), 41 bos_id (1), 42 eos_id (2)
 *   NormalizerSpec  2 precompiled_charsmap, 3 add_dummy_prefix (true),
 *                   4 remove_extra_whitespaces (true), 5 escape_whitespaces
 *                   (true)
 *
 * A field given twice takes its last value, as protocol buffers merge.
 * The pieces' texts are copied into the tokenizer's arena.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "llm/pb.h"
#include "llm/tok_int.h"
#include "tandem/error.h"
#include "tandem/slice.h"

#define RULE "TANDEM-TOK-MODEL"

/* What trainer_spec and normalizer_spec say, with the defaults of the
 * .proto for what they do not. */
struct spec {
	int32_t model_type;
	bool byte_fallback, ws_suffix;
	int32_t unk, bos, eos;
	bool dummy_prefix, remove_ws, escape_ws;
	size_t charsmap_len;
};

/* The bytes are not a well-formed message: where (from the file's start)
 * and why. */
static int malformed(struct tandem_diag *d, const uint8_t *base, const struct pb_reader *r,
		     const char *what, const char *why)
{
	return tok_refuse(d, TANDEM_EBADINPUT, RULE, "not a SentencePiece model: in %s at byte "
			  "%zu, %s", what, (size_t)(r->p - base) + r->at, why);
}

/* A field of a known number with the wrong wire type, or a value out of
 * its range. */
static int bad_field(struct tandem_diag *d, const uint8_t *base, const struct pb_reader *r,
		     const struct pb_field *f, const char *what)
{
	return tok_refuse(d, TANDEM_EBADINPUT, RULE, "not a SentencePiece model: in %s at byte "
			  "%zu, field %u has a wrong wire type or value", what,
			  (size_t)(r->p - base) + f->at, f->num);
}

static int trainer_spec(const uint8_t *base, const struct pb_field *m, struct spec *s,
			struct tandem_diag *d)
{
	struct pb_reader r = pb_reader_make(m->data, m->len);
	struct pb_field f;
	const char *why = NULL;
	int got;

	while ((got = pb_next(&r, &f, &why)) == 1) {
		bool ok = true;

		switch (f.num) {
		case 3: ok = pb_int32(&f, &s->model_type); break;
		case 24: ok = pb_bool(&f, &s->ws_suffix); break;
		case 35: ok = pb_bool(&f, &s->byte_fallback); break;
		case 40: ok = pb_int32(&f, &s->unk); break;
		case 41: ok = pb_int32(&f, &s->bos); break;
		case 42: ok = pb_int32(&f, &s->eos); break;
		default: break;
		}
		if (!ok)
			return bad_field(d, base, &r, &f, "trainer_spec");
	}
	return got == 0 ? 0 : malformed(d, base, &r, "trainer_spec", why);
}

static int normalizer_spec(const uint8_t *base, const struct pb_field *m, struct spec *s,
			   struct tandem_diag *d)
{
	struct pb_reader r = pb_reader_make(m->data, m->len);
	struct pb_field f;
	const char *why = NULL;
	int got;

	while ((got = pb_next(&r, &f, &why)) == 1) {
		bool ok = true;

		switch (f.num) {
		case 2:
			ok = f.wire == PB_LEN;
			s->charsmap_len = f.len;
			break;
		case 3: ok = pb_bool(&f, &s->dummy_prefix); break;
		case 4: ok = pb_bool(&f, &s->remove_ws); break;
		case 5: ok = pb_bool(&f, &s->escape_ws); break;
		default: break;
		}
		if (!ok)
			return bad_field(d, base, &r, &f, "normalizer_spec");
	}
	return got == 0 ? 0 : malformed(d, base, &r, "normalizer_spec", why);
}

/* The whole message once: the specs read, the pieces counted. */
static int scan(const uint8_t *base, size_t len, struct spec *s, size_t *npieces,
		struct tandem_diag *d)
{
	struct pb_reader r = pb_reader_make(base, len);
	struct pb_field f;
	const char *why = NULL;
	int got, rc = 0;

	*npieces = 0;
	while (rc == 0 && (got = pb_next(&r, &f, &why)) == 1) {
		if (f.num >= 1 && f.num <= 3 && f.wire != PB_LEN)
			return bad_field(d, base, &r, &f, "the model");
		if (f.num == 1 && ++*npieces > TANDEM_TOK_VOCAB_MAX)
			return tok_refuse(d, TANDEM_EBADINPUT, RULE, "the model holds more than "
					  "%u pieces", TANDEM_TOK_VOCAB_MAX);
		if (f.num == 2)
			rc = trainer_spec(base, &f, s, d);
		else if (f.num == 3)
			rc = normalizer_spec(base, &f, s, d);
	}
	if (rc != 0)
		return rc;
	if (got != 0)
		return malformed(d, base, &r, "the model", why);
	if (*npieces == 0)
		return tok_refuse(d, TANDEM_EBADINPUT, RULE, "the model holds no pieces");
	return 0;
}

/* Piece i (message m) into t->v[i]. */
static int piece(struct tandem_tok *t, size_t i, const uint8_t *base, const struct pb_field *m,
		 struct tandem_diag *d)
{
	struct pb_reader r = pb_reader_make(m->data, m->len);
	struct pb_field f, text = { 0 };
	const char *why = NULL;
	float score = 0;
	int32_t type = TANDEM_TOK_NORMAL;
	int got;

	while ((got = pb_next(&r, &f, &why)) == 1) {
		bool ok = true;

		if (f.num == 1) {
			ok = f.wire == PB_LEN;
			text = f;
		} else if (f.num == 2) {
			ok = pb_float(&f, &score);
		} else if (f.num == 3) {
			ok = pb_int32(&f, &type);
		}
		if (!ok)
			return bad_field(d, base, &r, &f, "a piece");
	}
	if (got != 0)
		return malformed(d, base, &r, "a piece", why);
	if (text.len == 0 || text.len > TANDEM_TOK_PIECE_MAX)
		return tok_refuse(d, TANDEM_EBADINPUT, RULE, "piece %zu is empty or longer than "
				  "%d bytes", i, TANDEM_TOK_PIECE_MAX);
	for (size_t k = 0, c; k < text.len; k += c)
		if ((c = tandem_utf8_sequence((const char *)text.data + k, text.len - k, NULL)) == 0)
			return tok_refuse(d, TANDEM_EBADINPUT, RULE, "piece %zu is not UTF-8", i);
	if (type < TANDEM_TOK_NORMAL || type > TANDEM_TOK_BYTE)
		return tok_refuse(d, TANDEM_EBADINPUT, RULE, "piece %zu has the type %d, not one "
				  "of 1 to 6", i, (int)type);
	/* SentencePiece merges into an unused piece, then splits it again:
	 * not what tandem's merges do. */
	if (type == TANDEM_TOK_UNUSED)
		return tok_refuse(d, TANDEM_EUNSUPPORTED, RULE, "piece %zu is UNUSED, which tandem "
				  "does not implement", i);
	if (isnan(score))
		return tok_refuse(d, TANDEM_EBADINPUT, RULE, "piece %zu has no score (NaN)", i);
	char *copy = tandem_arena_strndup(&t->arena, (const char *)text.data, text.len);
	if (copy == NULL)
		return TANDEM_ENOMEM;
	t->v[i] = (struct tok_entry){ copy, (uint32_t)text.len, score, (enum tandem_tok_type)type };
	return 0;
}

static int pieces(struct tandem_tok *t, const uint8_t *base, size_t len, struct tandem_diag *d)
{
	struct pb_reader r = pb_reader_make(base, len);
	struct pb_field f;
	const char *why = NULL;
	size_t i = 0;
	int rc = 0;

	/* scan() read the same bytes whole: every field is well formed. */
	while (rc == 0 && pb_next(&r, &f, &why) == 1)
		if (f.num == 1)
			rc = piece(t, i++, base, &f, d);
	return rc;
}

/* What tandem does not implement is refused by name. */
static int supported(const struct spec *s, struct tandem_diag *d)
{
	static const char *const types[] = { "?", "unigram", "BPE", "word", "char" };
	const char *no = NULL;

	if (s->model_type != 2)
		return tok_refuse(d, TANDEM_EUNSUPPORTED, RULE, "the model type is %s (%d): "
				  "tandem reads BPE models only",
				  s->model_type >= 1 && s->model_type <= 4 ? types[s->model_type]
									   : "unknown",
				  (int)s->model_type);
	if (!s->byte_fallback)
		no = "byte_fallback off (unknown characters as <unk>)";
	else if (s->charsmap_len > 0)
		no = "a normalisation table (precompiled_charsmap)";
	else if (s->remove_ws)
		no = "remove_extra_whitespaces";
	else if (!s->escape_ws)
		no = "escape_whitespaces off";
	else if (s->ws_suffix)
		no = "treat_whitespace_as_suffix";
	if (no != NULL)
		return tok_refuse(d, TANDEM_EUNSUPPORTED, RULE, "the model asks for %s, which "
				  "tandem does not implement", no);
	return 0;
}

static int special(const struct tandem_tok *t, int32_t id, const char *name, int32_t *out,
		   struct tandem_diag *d)
{
	if (id < -1 || (id >= 0 && (size_t)id >= t->n))
		return tok_refuse(d, TANDEM_EBADINPUT, RULE, "%s is %d, outside the vocabulary",
				  name, (int)id);
	*out = id;
	return 0;
}

int tandem_tok_from_spm_model(const void *bytes, size_t len, struct tandem_diag *d,
			      struct tandem_tok **out)
{
	struct spec s = { .model_type = 1, .unk = 0, .bos = 1, .eos = 2, .dummy_prefix = true,
			  .remove_ws = true, .escape_ws = true };
	struct tandem_tok *t;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (len > TANDEM_TOK_MODEL_MAX)
		return tok_refuse(d, TANDEM_ELIMIT, RULE, "a model of %zu bytes is beyond the "
				  "limit", len);
	rc = scan(bytes, len, &s, &n, d);
	if (rc == 0)
		rc = supported(&s, d);
	if (rc != 0)
		return rc;
	t = calloc(1, sizeof *t);
	if (t == NULL)
		return TANDEM_ENOMEM;
	tandem_arena_init(&t->arena, TOK_ARENA_MAX);
	t->n = n;
	t->v = tandem_arena_calloc(&t->arena, n, sizeof *t->v);
	rc = t->v != NULL ? pieces(t, bytes, len, d) : TANDEM_ENOMEM;
	if (rc == 0)
		rc = tok_index(t, d);
	/* Without it, a space would go out as the bytes of U+2581 and come
	 * back as that character (no SentencePiece model lacks it). */
	if (rc == 0 && tok_find(t, "\xe2\x96\x81", 3) < 0)
		rc = tok_refuse(d, TANDEM_EBADINPUT, RULE, "the vocabulary has no piece \"\xe2\x96\x81\" "
				"(U+2581, a space)");
	if (rc == 0)
		rc = special(t, s.unk, "unk_id", &t->unk, d);
	if (rc == 0)
		rc = special(t, s.bos, "bos_id", &t->bos, d);
	if (rc == 0)
		rc = special(t, s.eos, "eos_id", &t->eos, d);
	t->add_bos = t->bos >= 0;
	t->add_space_prefix = s.dummy_prefix;
	if (rc != 0) {
		tandem_tok_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
