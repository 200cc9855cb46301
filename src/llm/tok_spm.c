/*
 * src/llm/tok_spm.c - SentencePiece-style BPE: the text's characters are
 * merged pairwise, the pair whose merge is the token of highest score
 * first (the leftmost among equals), until no adjacent pair is a token;
 * what is left and is no token goes out as its bytes (byte fallback). A
 * user-defined token found in the text is one symbol that never merges,
 * as in SentencePiece.
 */
#include <stdlib.h>
#include <string.h>

#include "llm/tok_int.h"
#include "tandem/error.h"
#include "tandem/slice.h"

/* A piece of the text: n bytes at text, between prev and next (-1: none);
 * a frozen one (a user-defined token) is never merged. */
struct sym {
	int32_t prev, next;
	uint32_t at, n;
	bool frozen;
};

struct work {
	char *text;             /* the normalised text */
	struct sym *sym;
	struct tok_heap heap;
	size_t heap_max;
};

/* Does a come out before b? The higher score, then the leftmost. */
static int before(const struct tok_cand *a, const struct tok_cand *b)
{
	return a->score > b->score || (a->score == b->score && a->left < b->left);
}

void tok_heap_push(struct tok_heap *h, struct tok_cand c)
{
	size_t i = h->n++;

	while (i > 0 && before(&c, &h->v[(i - 1) / 2])) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = c;
}

struct tok_cand tok_heap_pop(struct tok_heap *h)
{
	struct tok_cand top = h->v[0], last = h->v[--h->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && before(&h->v[c + 1], &h->v[c]))
			c++;
		if (!before(&h->v[c], &last))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n > 0)
		h->v[i] = last;
	return top;
}

static void try_pair(const struct tandem_tok *t, struct work *w, int32_t left, int32_t right)
{
	int32_t id;

	if (left < 0 || right < 0 || w->sym[left].frozen || w->sym[right].frozen)
		return;
	uint32_t n = w->sym[left].n + w->sym[right].n;
	id = tok_find(t, w->text + w->sym[left].at, n);
	/* Each merge pushes at most two pairs: the heap cannot overflow. */
	if (id >= 0 && w->heap.n < w->heap_max)
		tok_heap_push(&w->heap, (struct tok_cand){ t->v[id].score, left, right, n, 0, 0 });
}

/* U+2581 "▁" at o; its 3 bytes. */
static size_t put_space(char *o)
{
	o[0] = (char)0xe2;
	o[1] = (char)0x96;
	o[2] = (char)0x81;
	return 3;
}

/* The text with the prefix space, spaces as U+2581 (SentencePiece's
 * normalised form); *olen its bytes. 0, or TANDEM_EBADINPUT at the first
 * byte that is not UTF-8 (at + its offset in text). */
static int normalise(const char *text, size_t len, bool prefix, size_t at, char *out,
		     size_t *olen, struct tandem_diag *d)
{
	size_t o = 0;

	if (prefix)
		o = put_space(out);
	for (size_t i = 0; i < len;) {
		size_t c = tandem_utf8_sequence(text + i, len - i, NULL);

		if (c == 0)
			return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT,
					       "TANDEM-TOK-UTF8", NULL, 0,
					       "the text is not UTF-8 at byte %zu", at + i),
			       TANDEM_EBADINPUT;
		if (c == 1 && text[i] == ' ') {
			o += put_space(out + o);
		} else {
			memcpy(out + o, text + i, c);
			o += c;
		}
		i += c;
	}
	*olen = o;
	return 0;
}

/* The normalised text as symbols: a user-defined token where one begins
 * (the longest), else one character. */
static size_t split(const struct tandem_tok *t, struct work *w, size_t olen)
{
	size_t k = 0;

	for (size_t o = 0; o < olen; k++) {
		size_t c = 0;
		bool frozen = tok_match_at(t, &t->user, TANDEM_TOK_USER, w->text + o, olen - o,
					   &c) >= 0;

		if (!frozen)
			c = tandem_utf8_sequence(w->text + o, olen - o, NULL);
		w->sym[k] = (struct sym){ (int32_t)k - 1, -1, (uint32_t)o, (uint32_t)c, frozen };
		if (k > 0)
			w->sym[k - 1].next = (int32_t)k;
		o += c;
	}
	return k;
}

static int emit(const struct tandem_tok *t, const struct work *w, size_t nsym, int32_t *ids,
		size_t max, size_t *n, struct tandem_diag *d)
{
	size_t k = 0;

	for (int32_t i = nsym > 0 ? 0 : -1; i >= 0; i = w->sym[i].next) {
		const struct sym *s = &w->sym[i];
		int32_t id = tok_find(t, w->text + s->at, s->n);
		size_t need = id >= 0 ? 1 : s->n;

		if (k + need > max)
			return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_ELIMIT, "TANDEM-TOK-LIMIT",
					       NULL, 0, "the text needs more than %zu tokens", max),
			       TANDEM_ELIMIT;
		if (id >= 0)
			ids[k++] = id;
		else
			for (uint32_t b = 0; b < s->n; b++)
				ids[k++] = t->byte_id[(unsigned char)w->text[s->at + b]];
	}
	*n = k;
	return 0;
}

int tok_spm_encode(const struct tandem_tok *t, const char *text, size_t len, bool prefix,
		   size_t at, int32_t *ids, size_t max, size_t *n, struct tandem_diag *d)
{
	struct work w = { 0 };
	size_t nsym = 0, olen = 0;
	int rc;

	*n = 0;
	if (len == 0)
		return 0;
	w.heap_max = 3 * (len + 1);
	w.text = malloc(3 * len + 3);
	w.sym = malloc((len + 1) * sizeof *w.sym);
	w.heap.v = malloc(w.heap_max * sizeof *w.heap.v);
	rc = w.text != NULL && w.sym != NULL && w.heap.v != NULL ? 0 : TANDEM_ENOMEM;
	if (rc == 0)
		rc = normalise(text, len, prefix, at, w.text, &olen, d);
	if (rc == 0)
		nsym = split(t, &w, olen);
	for (size_t i = 0; rc == 0 && i + 1 < nsym; i++)
		try_pair(t, &w, (int32_t)i, (int32_t)i + 1);
	while (rc == 0 && w.heap.n > 0) {
		struct tok_cand b = tok_heap_pop(&w.heap);
		struct sym *l = &w.sym[b.left], *r = &w.sym[b.right];

		/* A pair one of whose sides merged since is stale. */
		if (l->n == 0 || r->n == 0 || l->n + r->n != b.n)
			continue;
		l->n += r->n;
		r->n = 0;
		l->next = r->next;
		if (r->next >= 0)
			w.sym[r->next].prev = b.left;
		try_pair(t, &w, l->prev, b.left);
		try_pair(t, &w, b.left, l->next);
	}
	if (rc == 0)
		rc = emit(t, &w, nsym, ids, max, n, d);
	free(w.heap.v);
	free(w.sym);
	free(w.text);
	return rc;
}
