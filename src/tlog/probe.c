/*
 * src/tlog/probe.c - one proof given as JSON, in the form of the public
 * Merkle proof test vectors (transparency-dev/merkle testdata): an
 * inclusion proof {leafIdx, treeSize, root, leafHash, proof} or a
 * consistency proof {size1, size2, root1, root2, proof}, or their subtree
 * forms ({leafIdx, start, end, root, leafHash, proof} and {start, end, size,
 * root1, root2, proof}), hashes in base64.
 * It is read, then verified with tandem/tlog.h. Only this flat form is
 * read: strings, unsigned integers, booleans, null and arrays of strings.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "tandem/error.h"
#include "tandem/tlog.h"

#define BYTES_MAX 64            /* a hash given, decoded: more is not a hash */
#define TEXT_MAX 512            /* a string of the file */

struct blob {
	uint8_t b[BYTES_MAX];
	size_t len;
	bool set, bad;          /* bad: not base64, or longer than BYTES_MAX */
};

struct probe {
	uint64_t leaf_idx, tree_size, size1, size2, start, end, size;
	bool has_leaf_idx, has_size1, has_start, has_end;
	struct blob root, leaf, root1, root2;
	struct blob proof[TANDEM_TLOG_PROOF_MAX];
	size_t n_proof;
	bool proof_too_long;
};

struct reader {
	const char *p, *end;
	const char *error;      /* the first problem, or NULL */
};

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
		r->p++;
}

static bool fail(struct reader *r, const char *why)
{
	if (r->error == NULL)
		r->error = why;
	return false;
}

static bool expect(struct reader *r, char c)
{
	skip_ws(r);
	if (r->p >= r->end || *r->p != c)
		return fail(r, "malformed JSON");
	r->p++;
	return true;
}

/* A string without escapes other than \/ and \" (base64 and words). */
static bool string(struct reader *r, char out[TEXT_MAX])
{
	size_t n = 0;

	if (!expect(r, '"'))
		return false;
	while (r->p < r->end && *r->p != '"') {
		char c = *r->p++;

		if (c == '\\') {
			if (r->p >= r->end || (*r->p != '/' && *r->p != '"' && *r->p != '\\'))
				return fail(r, "an escape this reader does not take");
			c = *r->p++;
		}
		if (n + 1 >= TEXT_MAX)
			return fail(r, "a string longer than 512 bytes");
		out[n++] = c;
	}
	out[n] = '\0';
	return r->p < r->end && *r->p++ == '"' ? true : fail(r, "unterminated string");
}

static bool number(struct reader *r, uint64_t *out)
{
	uint64_t v = 0;
	const char *start;

	skip_ws(r);
	start = r->p;
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		if (v > (UINT64_MAX - (uint64_t)(*r->p - '0')) / 10)
			return fail(r, "a number beyond 2^64");
		v = v * 10 + (uint64_t)(*r->p++ - '0');
	}
	*out = v;
	return r->p > start ? true : fail(r, "a number expected");
}

static bool word(struct reader *r, const char *w)
{
	size_t n = strlen(w);

	skip_ws(r);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
		return false;
	r->p += n;
	return true;
}

static void decode(const char *text, struct blob *b)
{
	b->set = true;
	b->bad = sodium_base642bin(b->b, sizeof b->b, text, strlen(text), NULL, &b->len, NULL,
				   sodium_base64_VARIANT_ORIGINAL) != 0;
}

static bool hash_value(struct reader *r, struct blob *b)
{
	char text[TEXT_MAX];

	if (word(r, "null"))
		return true;
	if (!string(r, text))
		return false;
	decode(text, b);
	return true;
}

static bool proof_value(struct reader *r, struct probe *p)
{
	char text[TEXT_MAX];

	if (word(r, "null"))
		return true;
	if (!expect(r, '['))
		return false;
	skip_ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return true;
	}
	for (;;) {
		if (!string(r, text))
			return false;
		if (p->n_proof == TANDEM_TLOG_PROOF_MAX)
			p->proof_too_long = true;
		else
			decode(text, &p->proof[p->n_proof++]);
		skip_ws(r);
		if (r->p >= r->end || *r->p != ',')
			break;
		r->p++;
	}
	return expect(r, ']');
}

/* Any other value: a string, a number or a boolean, skipped. */
static bool other_value(struct reader *r)
{
	char text[TEXT_MAX];
	uint64_t v;

	skip_ws(r);
	if (r->p < r->end && *r->p == '"')
		return string(r, text);
	if (word(r, "true") || word(r, "false") || word(r, "null"))
		return true;
	return number(r, &v);
}

static bool member(struct reader *r, struct probe *p)
{
	char key[TEXT_MAX];

	if (!string(r, key) || !expect(r, ':'))
		return false;
	if (strcmp(key, "leafIdx") == 0)
		return p->has_leaf_idx = true, number(r, &p->leaf_idx);
	if (strcmp(key, "treeSize") == 0)
		return number(r, &p->tree_size);
	if (strcmp(key, "size1") == 0)
		return p->has_size1 = true, number(r, &p->size1);
	if (strcmp(key, "size2") == 0)
		return number(r, &p->size2);
	if (strcmp(key, "start") == 0)
		return p->has_start = true, number(r, &p->start);
	if (strcmp(key, "end") == 0)
		return p->has_end = true, number(r, &p->end);
	if (strcmp(key, "size") == 0)
		return number(r, &p->size);
	if (strcmp(key, "root") == 0)
		return hash_value(r, &p->root);
	if (strcmp(key, "leafHash") == 0)
		return hash_value(r, &p->leaf);
	if (strcmp(key, "root1") == 0)
		return hash_value(r, &p->root1);
	if (strcmp(key, "root2") == 0)
		return hash_value(r, &p->root2);
	if (strcmp(key, "proof") == 0)
		return proof_value(r, p);
	return other_value(r);
}

static bool parse(const char *json, size_t len, struct probe *p, const char **error)
{
	struct reader r = { json, json + len, NULL };
	bool ok = expect(&r, '{');

	skip_ws(&r);
	if (ok && r.p < r.end && *r.p == '}') {
		r.p++;
	} else {
		while (ok) {
			ok = member(&r, p);
			skip_ws(&r);
			if (ok && r.p < r.end && *r.p == ',') {
				r.p++;
				continue;
			}
			if (ok)
				ok = expect(&r, '}');
			break;
		}
	}
	skip_ws(&r);
	if (ok && r.p != r.end)
		ok = fail(&r, "text after the JSON object");
	*error = r.error != NULL ? r.error : "malformed JSON";
	return ok;
}

static bool hash_of(const struct blob *b, tandem_tlog_hash out)
{
	if (!b->set || b->bad || b->len != TANDEM_TLOG_HASH)
		return false;
	memcpy(out, b->b, TANDEM_TLOG_HASH);
	return true;
}

/* The proof's hashes, or false when one is not a SHA-256 hash. */
static bool proof_of(const struct probe *p, uint8_t *out)
{
	if (p->proof_too_long)
		return false;
	for (size_t i = 0; i < p->n_proof; i++)
		if (!hash_of(&p->proof[i], out + i * TANDEM_TLOG_HASH))
			return false;
	return true;
}

static bool inclusion(const struct probe *p)
{
	tandem_tlog_hash root, leaf;
	uint8_t proof[TANDEM_TLOG_PROOF_MAX * TANDEM_TLOG_HASH];

	return hash_of(&p->root, root) && hash_of(&p->leaf, leaf) && proof_of(p, proof) &&
	       tandem_tlog_verify_inclusion(p->leaf_idx, p->tree_size, leaf, proof, p->n_proof,
					    root) == 0;
}

/* Two values given, decoded, and equal byte for byte. */
static bool same_bytes(const struct blob *a, const struct blob *b)
{
	return a->set && b->set && !a->bad && !b->bad && a->len == b->len &&
	       memcmp(a->b, b->b, a->len) == 0;
}

static bool subtree_inclusion(const struct probe *p)
{
	tandem_tlog_hash root, leaf;
	uint8_t proof[TANDEM_TLOG_PROOF_MAX * TANDEM_TLOG_HASH];

	return hash_of(&p->root, root) && hash_of(&p->leaf, leaf) && proof_of(p, proof) &&
	       tandem_tlog_verify_subtree_inclusion(p->leaf_idx, p->start, p->end, leaf, proof,
						    p->n_proof, root) == 0;
}

static bool subtree_consistency(const struct probe *p)
{
	tandem_tlog_hash node, root;
	uint8_t proof[TANDEM_TLOG_PROOF_MAX * TANDEM_TLOG_HASH];

	/* The whole tree: the same root, given as the same bytes, as for
	 * consistency between equal sizes. */
	if (p->start == 0 && p->end == p->size && p->size > 0)
		return same_bytes(&p->root1, &p->root2) && p->n_proof == 0 && !p->proof_too_long;
	/* An empty subtree says nothing of the tree: its root is not read. */
	if (p->start == p->end && p->root1.set && !p->root1.bad)
		return hash_of(&p->root1, node) && proof_of(p, proof) &&
		       tandem_tlog_verify_subtree_consistency(p->start, p->end, p->size, node,
							      node, proof, p->n_proof) == 0;
	return hash_of(&p->root1, node) && hash_of(&p->root2, root) && proof_of(p, proof) &&
	       tandem_tlog_verify_subtree_consistency(p->start, p->end, p->size, node, root,
						      proof, p->n_proof) == 0;
}

static bool consistency(const struct probe *p)
{
	tandem_tlog_hash root1, root2;
	uint8_t proof[TANDEM_TLOG_PROOF_MAX * TANDEM_TLOG_HASH];

	/* Trees of the same size: the same root, given as the same bytes. */
	if (p->size1 == p->size2 && p->size1 > 0)
		return same_bytes(&p->root1, &p->root2) && p->n_proof == 0 && !p->proof_too_long;
	return hash_of(&p->root1, root1) && hash_of(&p->root2, root2) && proof_of(p, proof) &&
	       tandem_tlog_verify_consistency(p->size1, p->size2, root1, root2, proof,
					      p->n_proof) == 0;
}

int tandem_tlog_check_probe(const char *json, size_t len, char *why, size_t why_size,
			    bool *accepted)
{
	struct probe p;
	const char *error = NULL, *kind;

	*accepted = false;
	memset(&p, 0, sizeof p);
	if (len > TANDEM_TLOG_PROBE_MAX || !parse(json, len, &p, &error)) {
		(void)snprintf(why, why_size, "%s", len > TANDEM_TLOG_PROBE_MAX ?
			       "larger than 1 MiB" : error);
		return TANDEM_EBADINPUT;
	}
	if (p.has_start != p.has_end) {
		(void)snprintf(why, why_size, "a subtree proof needs both start and end");
		return TANDEM_EBADINPUT;
	}
	if (!p.has_leaf_idx && !p.has_size1 && !p.has_start) {
		(void)snprintf(why, why_size, "neither an inclusion proof (leafIdx, treeSize) nor "
			       "a consistency proof (size1, size2), nor their subtree forms");
		return TANDEM_EBADINPUT;
	}
	if (p.has_start) {
		kind = p.has_leaf_idx ? "subtree inclusion" : "subtree consistency";
		*accepted = p.has_leaf_idx ? subtree_inclusion(&p) : subtree_consistency(&p);
	} else {
		kind = p.has_leaf_idx ? "inclusion" : "consistency";
		*accepted = p.has_leaf_idx ? inclusion(&p) : consistency(&p);
	}
	(void)snprintf(why, why_size, "%s proof %s", kind, *accepted ? "verified" : "rejected");
	return 0;
}
