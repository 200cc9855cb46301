/*
 * src/llm/tok.c - the vocabulary of a model file (tokenizer.ggml.tokens,
 * scores, token_type and the special ids) checked and indexed; control
 * tokens found in a text (TANDEM_TOK_PARSE_SPECIAL); the way back from ids
 * to text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/tok_int.h"
#include "tandem/error.h"
#include "tandem/slice.h"

int tok_refuse(struct tandem_diag *d, int code, const char *rule, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)tandem_diag_vadd(d, TANDEM_SEV_ERROR, code, rule, NULL, 0, fmt, ap);
	va_end(ap);
	return code;
}

#define refuse(d, code, ...) tok_refuse(d, code, "TANDEM-TOK-VOCAB", __VA_ARGS__)

static uint64_t hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
	return h;
}

int32_t tok_lookup(const struct tandem_tok *t, const char *s, size_t len)
{
	for (size_t at = hash(s, len) & t->mask; t->slots[at] != 0; at = (at + 1) & t->mask) {
		const struct tok_entry *e = &t->v[t->slots[at] - 1];

		if (e->len == len && memcmp(e->text, s, len) == 0)
			return (int32_t)t->slots[at] - 1;
	}
	return -1;
}

int32_t tok_find(const struct tandem_tok *t, const char *s, size_t len)
{
	int32_t id = tok_lookup(t, s, len);

	if (id < 0 || (t->v[id].type != TANDEM_TOK_NORMAL && t->v[id].type != TANDEM_TOK_USER &&
		       t->v[id].type != TANDEM_TOK_UNDEFINED))
		return -1;
	return id;
}

/* The three arrays, of one length; each token's text, score and type. */
static int read_vocab(struct tandem_tok *t, const struct tandem_gguf *g, struct tandem_diag *d)
{
	const struct tandem_gguf_kv *tokens = tandem_gguf_find(g, "tokenizer.ggml.tokens");
	const struct tandem_gguf_kv *scores = tandem_gguf_find(g, "tokenizer.ggml.scores");
	const struct tandem_gguf_kv *types = tandem_gguf_find(g, "tokenizer.ggml.token_type");
	uint64_t n;

	if (tokens == NULL || tokens->value.type != TANDEM_GGUF_ARRAY ||
	    tokens->value.v.arr.type != TANDEM_GGUF_STRING)
		return refuse(d, TANDEM_EBADINPUT,
			      "tokenizer.ggml.tokens is missing or not an array of strings");
	n = tokens->value.v.arr.count;
	if (n == 0 || n > TANDEM_TOK_VOCAB_MAX)
		return refuse(d, TANDEM_EBADINPUT, "the vocabulary holds %llu tokens",
			      (unsigned long long)n);
	if ((scores != NULL && (scores->value.type != TANDEM_GGUF_ARRAY ||
				scores->value.v.arr.count != n)) ||
	    (types != NULL && (types->value.type != TANDEM_GGUF_ARRAY ||
			       types->value.v.arr.count != n)))
		return refuse(d, TANDEM_EBADINPUT, "the scores and token types are not arrays "
			      "of %llu elements", (unsigned long long)n);
	t->n = (size_t)n;
	t->v = tandem_arena_calloc(&t->arena, t->n, sizeof *t->v);
	if (t->v == NULL)
		return TANDEM_ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		struct tandem_gguf_str s;
		double score = 0;
		int64_t type = TANDEM_TOK_NORMAL;

		(void)tandem_gguf_array_str(&tokens->value, i, &s);
		if ((scores != NULL && !tandem_gguf_array_f64(&scores->value, i, &score)) ||
		    (types != NULL && !tandem_gguf_array_i64(&types->value, i, &type)) ||
		    type < 0 || type > TANDEM_TOK_BYTE || s.len > TANDEM_TOK_PIECE_MAX)
			return refuse(d, TANDEM_EBADINPUT, "token %zu has a bad score, type or text",
				      i);
		t->v[i] = (struct tok_entry){ s.p, (uint32_t)s.len, (float)score,
					      (enum tandem_tok_type)type };
	}
	return 0;
}

static bool is_utf8(const char *s, size_t n)
{
	for (size_t i = 0, c; i < n; i += c)
		if ((c = tandem_utf8_sequence(s + i, n - i, NULL)) == 0)
			return false;
	return true;
}

/* Adds the tokens of type to m: their first bytes and lengths. Only texts
 * of whole UTF-8 characters, so that a token found never cuts one. */
static void match_table(const struct tandem_tok *t, struct tok_match *m,
			enum tandem_tok_type type)
{
	bool has_len[TANDEM_TOK_PIECE_MAX + 1] = { false };

	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < t->n; i++) {
		const struct tok_entry *e = &t->v[i];

		if (e->type != type || e->len == 0 || !is_utf8(e->text, e->len))
			continue;
		m->first[(unsigned char)e->text[0] >> 3] |=
			(uint8_t)(1u << ((unsigned char)e->text[0] & 7));
		has_len[e->len] = true;
	}
	for (size_t len = TANDEM_TOK_PIECE_MAX; len > 0; len--)
		if (has_len[len])
			m->lens[m->nlens++] = (uint16_t)len;
}

int32_t tok_match_at(const struct tandem_tok *t, const struct tok_match *m,
		     enum tandem_tok_type type, const char *s, size_t n, size_t *len)
{
	unsigned char b;

	if (n == 0 || m->nlens == 0)
		return -1;
	b = (unsigned char)s[0];
	if (!(m->first[b >> 3] & (1u << (b & 7))))
		return -1;
	for (size_t i = 0; i < m->nlens; i++) {
		int32_t id;

		if (m->lens[i] > n)
			continue;
		id = tok_lookup(t, s, m->lens[i]);
		if (id >= 0 && t->v[id].type == type && is_utf8(s, m->lens[i])) {
			*len = m->lens[i];
			return id;
		}
	}
	return -1;
}

int tok_index(struct tandem_tok *t, struct tandem_diag *d)
{
	size_t size = 16;

	while (size < 2 * t->n)
		size *= 2;
	t->slots = tandem_arena_calloc(&t->arena, size, sizeof *t->slots);
	if (t->slots == NULL)
		return TANDEM_ENOMEM;
	t->mask = size - 1;
	for (size_t i = 0; i < t->n; i++) {
		size_t at = hash(t->v[i].text, t->v[i].len) & t->mask;

		if (tok_lookup(t, t->v[i].text, t->v[i].len) >= 0)
			return refuse(d, TANDEM_EBADINPUT, "token %zu has the text of another", i);
		while (t->slots[at] != 0)
			at = (at + 1) & t->mask;
		t->slots[at] = (uint32_t)i + 1;
	}
	for (int b = 0; b < 256 && !t->bpe; b++) {
		char name[8];

		(void)snprintf(name, sizeof name, "<0x%02X>", b);
		t->byte_id[b] = tok_lookup(t, name, 6);
		if (t->byte_id[b] < 0)
			return refuse(d, TANDEM_EBADINPUT,
				      "the vocabulary lacks the byte token <0x%02X>", b);
		/* Decoding writes a byte for a byte token only. */
		if (t->v[t->byte_id[b]].type != TANDEM_TOK_BYTE)
			return refuse(d, TANDEM_EBADINPUT, "the token <0x%02X> is not of the "
				      "byte type", b);
	}
	match_table(t, &t->control, TANDEM_TOK_CONTROL);
	match_table(t, &t->user, TANDEM_TOK_USER);
	return 0;
}

/* A special id, -1 when absent; out of range is refused. */
static int special(const struct tandem_tok *t, const struct tandem_gguf *g, const char *key,
		   int32_t *out, struct tandem_diag *d)
{
	uint64_t id;

	*out = -1;
	if (!tandem_gguf_get_u64(g, key, &id) || id == UINT32_MAX)
		return 0;
	if (id >= t->n)
		return refuse(d, TANDEM_EBADINPUT, "%s is %llu, beyond the vocabulary", key,
			      (unsigned long long)id);
	*out = (int32_t)id;
	return 0;
}

int tandem_tok_from_gguf(const struct tandem_gguf *g, struct tandem_diag *d,
			 struct tandem_tok **out)
{
	struct tandem_tok *t = calloc(1, sizeof *t);
	struct tandem_gguf_str model = { "", 0 };
	int rc;

	*out = NULL;
	if (t == NULL)
		return TANDEM_ENOMEM;
	tandem_arena_init(&t->arena, TOK_ARENA_MAX);
	t->add_bos = true;
	t->add_space_prefix = true;
	(void)tandem_gguf_get_str(g, "tokenizer.ggml.model", &model);
	t->bpe = model.len == 4 && memcmp(model.p, "gpt2", 4) == 0;
	t->add_space_prefix = !t->bpe;
	if (!t->bpe && (model.len != 5 || memcmp(model.p, "llama", 5) != 0))
		rc = refuse(d, TANDEM_EUNSUPPORTED, "the tokenizer model \"%.*s\" is not one "
			    "tandem reads (\"llama\": SentencePiece BPE; \"gpt2\": byte-level BPE)",
			    (int)(model.len < 40 ? model.len : 40), model.p);
	else
		rc = read_vocab(t, g, d);
	if (rc == 0)
		rc = tok_index(t, d);
	if (rc == 0 && t->bpe)
		rc = tok_bpe_load(t, g, d);
	if (rc == 0)
		rc = special(t, g, "tokenizer.ggml.bos_token_id", &t->bos, d);
	if (rc == 0)
		rc = special(t, g, "tokenizer.ggml.eos_token_id", &t->eos, d);
	if (rc == 0)
		rc = special(t, g, "tokenizer.ggml.unknown_token_id", &t->unk, d);
	(void)tandem_gguf_get_bool(g, "tokenizer.ggml.add_bos_token", &t->add_bos);
	(void)tandem_gguf_get_bool(g, "tokenizer.ggml.add_space_prefix", &t->add_space_prefix);
	if (rc != 0) {
		tandem_tok_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void tandem_tok_free(struct tandem_tok *t)
{
	if (t == NULL)
		return;
	if (t->bpe)
		tok_bpe_free(t);
	tandem_arena_release(&t->arena);
	free(t);
}

size_t tandem_tok_vocab_size(const struct tandem_tok *t) { return t->n; }
int32_t tandem_tok_bos(const struct tandem_tok *t) { return t->bos; }
int32_t tandem_tok_eos(const struct tandem_tok *t) { return t->eos; }
bool tandem_tok_adds_bos(const struct tandem_tok *t) { return t->add_bos; }

const char *tandem_tok_piece(const struct tandem_tok *t, int32_t id, size_t *len)
{
	if (id < 0 || (size_t)id >= t->n)
		return NULL;
	*len = t->v[id].len;
	return t->v[id].text;
}

int32_t tandem_tok_control(const struct tandem_tok *t, const char *text, size_t len)
{
	int32_t id = len <= TANDEM_TOK_PIECE_MAX ? tok_lookup(t, text, len) : -1;

	return id >= 0 && t->v[id].type == TANDEM_TOK_CONTROL ? id : -1;
}

/* The text (after BOS, k ids so far) with its control tokens as their ids:
 * what lies between them is encoded alone, the space prefix only in front
 * of the text's start, never after a control token. */
static int encode_special(const struct tandem_tok *t, const char *text, size_t len,
			  int32_t *ids, size_t max, size_t *k, struct tandem_diag *d)
{
	bool prefix = t->add_space_prefix;
	size_t start = 0, i = 0;

	if (len == 0)
		return 0;
	for (;;) {
		size_t mlen = 0, m = 0;
		int32_t id = tok_match_at(t, &t->control, TANDEM_TOK_CONTROL, text + i, len - i,
					  &mlen);
		int rc;

		if (i < len && id < 0) {
			i++;
			continue;
		}
		if (i > start) {
			rc = t->bpe ? tok_bpe_encode(t, text + start, i - start, start, ids + *k,
						     max - *k, &m, d) :
				tok_spm_encode(t, text + start, i - start, prefix, start, ids + *k,
					       max - *k, &m, d);
			if (rc != 0)
				return rc;
			*k += m;
		}
		if (i >= len)
			return 0;
		if (*k >= max)
			return tok_refuse(d, TANDEM_ELIMIT, "TANDEM-TOK-LIMIT",
					  "the text needs more than %zu tokens", max);
		ids[(*k)++] = id;
		prefix = false;
		i += mlen;
		start = i;
	}
}

int tandem_tok_encode(const struct tandem_tok *t, const char *text, size_t len, unsigned flags,
		      int32_t *ids, size_t max, size_t *n, struct tandem_diag *d)
{
	size_t k = 0, m = 0;
	int rc;

	*n = 0;
	if (len > TANDEM_TOK_TEXT_MAX)
		return refuse(d, TANDEM_ELIMIT, "a text of %zu bytes is beyond the limit", len);
	if ((flags & TANDEM_TOK_ADD_BOS) && t->bos >= 0) {
		if (max == 0)
			return tok_refuse(d, TANDEM_ELIMIT, "TANDEM-TOK-LIMIT",
					  "the text needs more than %zu tokens", max);
		ids[k++] = t->bos;
	}
	if (flags & TANDEM_TOK_PARSE_SPECIAL) {
		rc = encode_special(t, text, len, ids, max, &k, d);
	} else {
		rc = t->bpe ? tok_bpe_encode(t, text, len, 0, ids + k, max - k, &m, d) :
			tok_spm_encode(t, text, len, t->add_space_prefix, 0, ids + k, max - k, &m, d);
		k += m;
	}
	*n = rc == 0 ? k : 0;
	return rc;
}

/* The byte of a byte token "<0xXX>"; false for any other text. */
static bool byte_of(const struct tok_entry *e, char *out)
{
	unsigned v = 0;

	if (e->len != 6 || memcmp(e->text, "<0x", 3) != 0 || e->text[5] != '>')
		return false;
	for (int i = 3; i < 5; i++) {
		char c = e->text[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (unsigned)(c - 'A' + 10);
		else
			return false;
	}
	*out = (char)v;
	return true;
}

/* The text of one token, appended; a byte token is its byte. */
static int put_piece(const struct tandem_tok *t, const struct tok_entry *e, bool first,
		     struct tandem_buf *out)
{
	int rc = 0;

	char b;

	if (t->bpe)
		return tok_bpe_put(e, out);
	if (e->type == TANDEM_TOK_BYTE && byte_of(e, &b))
		return tandem_buf_putc(out, b);
	for (uint32_t j = 0; j < e->len && rc == 0; j++) {
		/* U+2581 is a space; the one put in front of the text goes again. */
		if (j + 3 <= e->len && memcmp(e->text + j, "\xE2\x96\x81", 3) == 0) {
			if (!(first && j == 0 && t->add_space_prefix))
				rc = tandem_buf_putc(out, ' ');
			j += 2;
		} else {
			rc = tandem_buf_putc(out, e->text[j]);
		}
	}
	return rc;
}

int tandem_tok_decode(const struct tandem_tok *t, const int32_t *ids, size_t n, unsigned flags,
		      struct tandem_buf *out)
{
	bool first = !(flags & TANDEM_TOK_MIDSTREAM);
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct tok_entry *e;

		if (ids[i] < 0 || (size_t)ids[i] >= t->n)
			return TANDEM_EINVAL;
		e = &t->v[ids[i]];
		if (e->type == TANDEM_TOK_CONTROL || e->type == TANDEM_TOK_UNKNOWN) {
			/* Printed, it ends the text it follows: a space after it is
			 * one of the text (as TANDEM_TOK_PARSE_SPECIAL reads it). */
			if (flags & TANDEM_TOK_SPECIALS) {
				rc = tandem_buf_append(out, e->text, e->len);
				first = false;
			}
			continue;
		}
		rc = put_piece(t, e, first, out);
		first = false;
	}
	return rc;
}
