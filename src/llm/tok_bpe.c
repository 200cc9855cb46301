/*
 * src/llm/tok_bpe.c - byte-level BPE (tokenizer.ggml.model "gpt2": Llama 3,
 * Mistral's Tekken): the text is cut into pieces by the model's
 * pre-tokenizer expression (tokenizer.ggml.pre), each piece's bytes are
 * symbols, and the adjacent pair of lowest merge rank
 * (tokenizer.ggml.merges, "left right") is merged first (the leftmost of
 * equal ones) until no pair has a rank. Token texts are written in the
 * byte alphabet of GPT-2: each byte one character (printable Latin-1
 * bytes themselves, the 68 others U+0100 on), so the vocabulary is UTF-8
 * text whatever the bytes; decoding maps the characters back to bytes.
 * The expressions run on PCRE2 with Unicode properties.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "llm/tok_int.h"
#include "tandem/error.h"
#include "tandem/slice.h"

/* The pre-tokenizers, by tokenizer.ggml.pre (the expressions the models
 * were trained with; "ignore" keeps a piece that is a token whole, as
 * Llama 3's and Tekken's tokenizers do). */
static const struct {
	const char *name;
	bool ignore_merges;
	const char *re;
} pre_tokenizers[] = {
	{ "llama-bpe", true,
	  "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
	  "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" },
	{ "tekken", true,
	  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+|"
	  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*|"
	  "\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" },
	{ "gpt2", false,
	  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+" },
	{ "default", false,
	  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+" },
};

/* The character of byte b in GPT-2's byte alphabet. */
static uint32_t char_of_byte(unsigned b)
{
	if ((b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE))
		return b;
	/* The others in order from U+0100: 0x00-0x20, 0x7F-0xA0, 0xAD. */
	if (b <= 0x20)
		return 0x100 + b;
	if (b <= 0xA0)
		return 0x100 + 0x21 + (b - 0x7F);
	return 0x100 + 0x21 + 0x22;        /* 0xAD */
}

/* The byte of character c in that alphabet, or -1. */
static int byte_of_char(unsigned c)
{
	if ((c >= 0x21 && c <= 0x7E) || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE && c <= 0xFF))
		return (int)c;
	if (c >= 0x100 && c <= 0x120)
		return (int)(c - 0x100);
	if (c >= 0x121 && c <= 0x142)
		return (int)(c - 0x121 + 0x7F);
	if (c == 0x143)
		return 0xAD;
	return -1;
}

/* c as UTF-8 (1 or 2 bytes: every character of the alphabet is below U+0800). */
static size_t put_char(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	out[0] = (char)(0xC0 | (c >> 6));
	out[1] = (char)(0x80 | (c & 0x3F));
	return 2;
}

static uint64_t pair_hash(int32_t a, int32_t b)
{
	uint64_t h = ((uint64_t)(uint32_t)a << 32 | (uint32_t)b) * 0x9E3779B97F4A7C15u;

	return h ^ (h >> 29);
}

static const struct tok_merge *merge_find(const struct tandem_tok *t, int32_t a, int32_t b)
{
	for (size_t at = pair_hash(a, b) & t->merge_mask; t->merges[at].result >= 0;
	     at = (at + 1) & t->merge_mask)
		if (t->merges[at].left == a && t->merges[at].right == b)
			return &t->merges[at];
	return NULL;
}

/* The merges: each "left right" whose three tokens exist, by rank. */
static int read_merges(struct tandem_tok *t, const struct tandem_gguf *g, struct tandem_diag *d)
{
	const struct tandem_gguf_kv *kv = tandem_gguf_find(g, "tokenizer.ggml.merges");
	char joined[2 * TANDEM_TOK_PIECE_MAX];
	size_t n, size = 16;

	if (kv == NULL || kv->value.type != TANDEM_GGUF_ARRAY ||
	    kv->value.v.arr.type != TANDEM_GGUF_STRING)
		return tok_refuse(d, TANDEM_EBADINPUT, "TANDEM-TOK-VOCAB",
				  "tokenizer.ggml.merges is missing or not an array of strings");
	n = (size_t)kv->value.v.arr.count;
	if (n > TANDEM_TOK_VOCAB_MAX)
		return tok_refuse(d, TANDEM_EBADINPUT, "TANDEM-TOK-VOCAB",
				  "%zu merges: more than the limit of %u", n, TANDEM_TOK_VOCAB_MAX);
	while (size < 2 * n)
		size *= 2;
	t->merges = tandem_arena_calloc(&t->arena, size, sizeof *t->merges);
	if (t->merges == NULL)
		return TANDEM_ENOMEM;
	t->merge_mask = size - 1;
	for (size_t i = 0; i < size; i++)
		t->merges[i].result = -1;
	for (size_t i = 0; i < n; i++) {
		struct tandem_gguf_str s;
		const char *sp;

		(void)tandem_gguf_array_str(&kv->value, i, &s);
		sp = s.len > 0 ? memchr(s.p, ' ', s.len) : NULL;
		if (sp == NULL || s.len > sizeof joined)
			return tok_refuse(d, TANDEM_EBADINPUT, "TANDEM-TOK-VOCAB",
					  "merge %zu is not \"left right\"", i);
		size_t ln = (size_t)(sp - s.p), rn = s.len - ln - 1;
		int32_t a = tok_lookup(t, s.p, ln), b = tok_lookup(t, sp + 1, rn);
		memcpy(joined, s.p, ln);
		memcpy(joined + ln, sp + 1, rn);
		int32_t r = tok_lookup(t, joined, ln + rn);
		if (a < 0 || b < 0 || r < 0 || merge_find(t, a, b) != NULL)
			continue;     /* a merge of tokens not in the vocabulary, or again */
		size_t at = pair_hash(a, b) & t->merge_mask;
		while (t->merges[at].result >= 0)
			at = (at + 1) & t->merge_mask;
		t->merges[at] = (struct tok_merge){ a, b, r, (uint32_t)i };
	}
	return 0;
}

int tok_bpe_load(struct tandem_tok *t, const struct tandem_gguf *g, struct tandem_diag *d)
{
	struct tandem_gguf_str pre = { "default", 7 };
	size_t k = sizeof pre_tokenizers / sizeof pre_tokenizers[0];
	int err;
	PCRE2_SIZE off;

	(void)tandem_gguf_get_str(g, "tokenizer.ggml.pre", &pre);
	for (size_t i = 0; i < sizeof pre_tokenizers / sizeof pre_tokenizers[0]; i++)
		if (strlen(pre_tokenizers[i].name) == pre.len &&
		    memcmp(pre_tokenizers[i].name, pre.p, pre.len) == 0)
			k = i;
	if (k == sizeof pre_tokenizers / sizeof pre_tokenizers[0])
		return tok_refuse(d, TANDEM_EUNSUPPORTED, "TANDEM-TOK-VOCAB",
				  "the pre-tokenizer \"%.*s\" is not one tandem knows (llama-bpe, "
				  "tekken, gpt2, default)", (int)(pre.len < 40 ? pre.len : 40), pre.p);
	t->ignore_merges = pre_tokenizers[k].ignore_merges;
	t->re = pcre2_compile((PCRE2_SPTR)pre_tokenizers[k].re, PCRE2_ZERO_TERMINATED,
			      PCRE2_UTF | PCRE2_UCP, &err, &off, NULL);
	if (t->re == NULL)
		return TANDEM_EINTERNAL;
	for (unsigned b = 0; b < 256; b++) {
		char c[2];
		size_t n = put_char(char_of_byte(b), c);

		t->byte_id[b] = tok_lookup(t, c, n);
		if (t->byte_id[b] < 0)
			return tok_refuse(d, TANDEM_EBADINPUT, "TANDEM-TOK-VOCAB",
					  "the vocabulary lacks the token of byte 0x%02X", b);
	}
	return read_merges(t, g, d);
}

void tok_bpe_free(struct tandem_tok *t)
{
	pcre2_code_free(t->re);
}

/* A symbol of a piece (id, in a list), and a candidate merge. */
struct bsym {
	int32_t id, prev, next;
};

struct bwork {
	struct bsym *sym;
	struct tok_heap heap;
};

static void candidate(const struct tandem_tok *t, struct bwork *w, int32_t l, int32_t r)
{
	const struct tok_merge *m;

	if (l < 0 || r < 0)
		return;
	m = merge_find(t, w->sym[l].id, w->sym[r].id);
	/* The lowest rank first: ranks are below 2^24, exact as floats. */
	if (m != NULL)
		tok_heap_push(&w->heap, (struct tok_cand){ -(float)m->rank, l, r, 0,
							   w->sym[l].id, w->sym[r].id });
}

/* The ids of one piece of text (n bytes at s), appended at ids[*k]; the
 * work arrays hold n symbols and 3n candidates (each merge adds two). */
static int piece(const struct tandem_tok *t, const unsigned char *s, size_t n,
		 struct bwork *w, int32_t *ids, size_t max, size_t *k, struct tandem_diag *d)
{
	char mapped[2 * TANDEM_TOK_PIECE_MAX];
	size_t m = 0, count = 0;

	if (n == 0)
		return 0;
	mapped[0] = '\0';
	if (t->ignore_merges && n <= TANDEM_TOK_PIECE_MAX) {
		for (size_t i = 0; i < n; i++)
			m += put_char(char_of_byte(s[i]), mapped + m);
		int32_t id = tok_find(t, mapped, m);
		if (id >= 0) {
			if (*k >= max)
				return tok_refuse(d, TANDEM_ELIMIT, "TANDEM-TOK-LIMIT",
						  "the text needs more than %zu tokens", max);
			ids[(*k)++] = id;
			return 0;
		}
	}
	w->heap.n = 0;
	for (size_t i = 0; i < n; i++)
		w->sym[i] = (struct bsym){ t->byte_id[s[i]], (int32_t)i - 1,
					   i + 1 < n ? (int32_t)i + 1 : -1 };
	for (size_t i = 0; i + 1 < n; i++)
		candidate(t, w, (int32_t)i, (int32_t)i + 1);
	while (w->heap.n > 0) {
		struct tok_cand c = tok_heap_pop(&w->heap);
		struct bsym *l = &w->sym[c.left], *r = &w->sym[c.right];

		/* Stale: a side merged since, or they are no longer neighbours. */
		if (l->id != c.lid || r->id != c.rid || l->next != c.right || r->id < 0)
			continue;
		l->id = merge_find(t, c.lid, c.rid)->result;
		l->next = r->next;
		if (r->next >= 0)
			w->sym[r->next].prev = c.left;
		r->id = -1;
		candidate(t, w, l->prev, c.left);
		candidate(t, w, c.left, l->next);
	}
	for (int32_t i = 0; i >= 0; i = w->sym[i].next)
		count++;
	if (*k + count > max)
		return tok_refuse(d, TANDEM_ELIMIT, "TANDEM-TOK-LIMIT",
				  "the text needs more than %zu tokens", max);
	for (int32_t i = 0; i >= 0; i = w->sym[i].next)
		ids[(*k)++] = w->sym[i].id;
	return 0;
}

int tok_bpe_encode(const struct tandem_tok *t, const char *text, size_t len, size_t at,
		   int32_t *ids, size_t max, size_t *n, struct tandem_diag *d)
{
	const unsigned char *u = (const unsigned char *)text;
	pcre2_match_data *md;
	struct bwork w;
	size_t pos = 0, k = 0;
	int rc = 0;

	*n = 0;
	for (size_t i = 0, c; i < len; i += c)
		if ((c = tandem_utf8_sequence(text + i, len - i, NULL)) == 0)
			return tok_refuse(d, TANDEM_EBADINPUT, "TANDEM-TOK-UTF8",
					  "the text is not UTF-8 at byte %zu", at + i);
	if (len == 0)
		return 0;
	md = pcre2_match_data_create_from_pattern(t->re, NULL);
	w.sym = malloc(len * sizeof *w.sym);
	w.heap.v = malloc(3 * len * sizeof *w.heap.v);
	if (md == NULL || w.sym == NULL || w.heap.v == NULL)
		rc = TANDEM_ENOMEM;
	while (rc == 0 && pos < len) {
		int r = pcre2_match(t->re, (PCRE2_SPTR)text, len, pos, PCRE2_NO_UTF_CHECK, md, NULL);
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		size_t start = r > 0 ? ov[0] : len, end = r > 0 ? ov[1] : len;

		if (r > 0 && end == start)     /* an empty match: one character on */
			end = start + tandem_utf8_sequence(text + start, len - start, NULL);
		/* What the expression skipped is a piece too. */
		if (start > pos)
			rc = piece(t, u + pos, start - pos, &w, ids, max, &k, d);
		if (rc == 0)
			rc = piece(t, u + start, end - start, &w, ids, max, &k, d);
		pos = end;
	}
	pcre2_match_data_free(md);
	free(w.sym);
	free(w.heap.v);
	*n = rc == 0 ? k : 0;
	return rc;
}

int tok_bpe_put(const struct tok_entry *e, struct tandem_buf *out)
{
	int rc = 0;

	for (uint32_t j = 0; j < e->len && rc == 0;) {
		unsigned c = 0;
		size_t n = tandem_utf8_sequence(e->text + j, e->len - j, &c);
		int b = n > 0 ? byte_of_char(c) : -1;

		if (n == 0)
			n = 1;
		/* A character outside the alphabet (a user-defined token's
		 * text) goes out as it is. */
		rc = b >= 0 ? tandem_buf_putc(out, (char)b) : tandem_buf_append(out, e->text + j, n);
		j += (uint32_t)n;
	}
	return rc;
}
