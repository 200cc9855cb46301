/*
 * src/llm/json_mask.c - the mask of a schema constraint over the whole
 * vocabulary, before each token: the tokens in the order of their bytes,
 * so that a token shares its first bytes with the one before it and the
 * automaton reads only what differs (the states after each byte of the
 * last token read are kept); a prefix refused refuses at once every token
 * that begins with it. Inside a string, or a key that may be any, a token
 * that only adds whole characters is decided by its length alone.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "tandem/error.h"
#include "tandem/tokenizer.h"

struct js_vocab {
	const char *bytes;         /* the constraint's: every token's bytes */
	const uint32_t *at;
	const uint16_t *len;
	size_t n, nsorted;
	int32_t *order;            /* (nsorted) tokens with bytes, in the order of them */
	uint16_t *lcp;             /* (nsorted) bytes shared with the token before */
	uint16_t *plain;           /* (n) js_plain_chars() of each token */
	struct js_state *st;       /* (TANDEM_TOK_PIECE_MAX + 1) the state after k bytes */
};

struct sort_key {
	const char *p;
	uint16_t len;
	int32_t id;
};

static int by_bytes(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;
	int c = memcmp(x->p, y->p, x->len < y->len ? x->len : y->len);

	if (c != 0)
		return c;
	return x->len != y->len ? (x->len < y->len ? -1 : 1) : (x->id < y->id ? -1 : 1);
}

int js_vocab_new(const char *bytes, const uint32_t *at, const uint16_t *len, size_t n,
		 struct js_vocab **out)
{
	struct js_vocab *v = calloc(1, sizeof *v);
	struct sort_key *keys = calloc(n > 0 ? n : 1, sizeof *keys);
	int rc = 0;

	*out = NULL;
	if (v != NULL) {
		v->order = calloc(n > 0 ? n : 1, sizeof *v->order);
		v->lcp = calloc(n > 0 ? n : 1, sizeof *v->lcp);
		v->plain = calloc(n > 0 ? n : 1, sizeof *v->plain);
		v->st = malloc((TANDEM_TOK_PIECE_MAX + 1) * sizeof *v->st);
	}
	if (v == NULL || keys == NULL || v->order == NULL || v->lcp == NULL || v->plain == NULL ||
	    v->st == NULL) {
		rc = TANDEM_ENOMEM;
		goto out;
	}
	v->bytes = bytes;
	v->at = at;
	v->len = len;
	v->n = n;
	for (size_t i = 0; i < n; i++) {
		v->plain[i] = len[i] > 0 ? js_plain_chars(bytes + at[i], len[i]) : JS_NOT_PLAIN;
		if (len[i] > 0)
			keys[v->nsorted++] = (struct sort_key){ bytes + at[i], len[i], (int32_t)i };
	}
	qsort(keys, v->nsorted, sizeof *keys, by_bytes);
	for (size_t k = 0; k < v->nsorted; k++) {
		uint16_t c = 0;

		while (k > 0 && c < keys[k].len && c < keys[k - 1].len &&
		       keys[k].p[c] == keys[k - 1].p[c])
			c++;
		v->order[k] = keys[k].id;
		v->lcp[k] = c;
	}
out:
	free(keys);
	if (rc != 0) {
		js_vocab_free(v);
		return rc;
	}
	*out = v;
	return 0;
}

void js_vocab_free(struct js_vocab *v)
{
	if (v == NULL)
		return;
	free(v->order);
	free(v->lcp);
	free(v->plain);
	free(v->st);
	free(v);
}

void js_vocab_mask(struct js_vocab *v, const struct tandem_llm_schema *sc,
		   const struct js_state *s, float *logits)
{
	uint32_t room = 0;
	bool plain = js_plain_room(sc, s, &room);
	unsigned valid = 0;             /* st[0 .. valid]: the last token read, so far */
	unsigned bad = UINT16_MAX;      /* its shortest prefix refused */
	unsigned common = 0;            /* bytes this token shares with that one */

	for (size_t i = 0; i < v->n; i++)
		if (v->len[i] == 0)
			logits[i] = -INFINITY;
	memcpy(&v->st[0], s, js_state_size(s));
	for (size_t k = 0; k < v->nsorted; k++) {
		int32_t id = v->order[k];
		const char *p = v->bytes + v->at[id];
		unsigned d, len = v->len[id];

		common = v->lcp[k] < common ? v->lcp[k] : common;
		if (plain && v->plain[id] != JS_NOT_PLAIN) {
			if (v->plain[id] > room)
				logits[id] = -INFINITY;
			continue;
		}
		if (bad <= common) {
			logits[id] = -INFINITY;
			continue;
		}
		valid = valid < common ? valid : common;
		for (d = valid; d < len; d++) {
			memcpy(&v->st[d + 1], &v->st[d], js_state_size(&v->st[d]));
			if (!js_byte(sc, &v->st[d + 1], (unsigned char)p[d]))
				break;
		}
		valid = d;
		bad = d < len ? d + 1 : UINT16_MAX;
		if (d < len)
			logits[id] = -INFINITY;
		common = UINT16_MAX;
	}
}
