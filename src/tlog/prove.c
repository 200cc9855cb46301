/*
 * src/tlog/prove.c - the making of proofs, by the recursive definitions of
 * RFC 9162 (PATH §2.1.3.1, PROOF and SUBPROOF §2.1.4.1) and of the subtree
 * draft (SUBTREE_PROOF, draft-ietf-plants-merkle-tree-certs §4.4.1). Each
 * works on a window [base, base + n) of the leaves and asks its source for
 * the hashes of the ranges the proof names; the recursion is as deep as the
 * tree (at most 64).
 */
#include <string.h>

#include "tandem/error.h"
#include "tlog_int.h"

uint64_t tlog_split(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

struct proof {
	const struct tlog_source *src;
	uint8_t *out;
	size_t len;
};

/* Appends MTH(D[a:b]) to the proof. */
static int push(struct proof *p, uint64_t a, uint64_t b)
{
	if (p->len >= TANDEM_TLOG_PROOF_MAX)
		return TANDEM_ELIMIT;
	return p->src->range(p->src->ctx, a, b, TLOG_AT(p->out, p->len++));
}

/* PATH(m, D[base:base+n]). */
static int path(struct proof *p, uint64_t m, uint64_t base, uint64_t n)
{
	uint64_t k;
	int rc;

	if (n <= 1)
		return 0;
	k = tlog_split(n);
	if (m < k) {
		rc = path(p, m, base, k);
		return rc != 0 ? rc : push(p, base + k, base + n);
	}
	rc = path(p, m - k, base + k, n - k);
	return rc != 0 ? rc : push(p, base, base + k);
}

int tlog_path(const struct tlog_source *src, uint64_t index, uint64_t start, uint64_t end,
	      uint8_t *proof, size_t *len)
{
	struct proof p = { src, proof, 0 };
	int rc = path(&p, index - start, start, end - start);

	*len = p.len;
	return rc;
}

/* SUBPROOF(m, D[base:base+n], b). */
static int subproof(struct proof *p, uint64_t m, uint64_t base, uint64_t n, int b)
{
	uint64_t k;
	int rc;

	if (m == n)
		return b ? 0 : push(p, base, base + n);
	k = tlog_split(n);
	if (m <= k) {
		rc = subproof(p, m, base, k, b);
		return rc != 0 ? rc : push(p, base + k, base + n);
	}
	rc = subproof(p, m - k, base + k, n - k, 0);
	return rc != 0 ? rc : push(p, base, base + k);
}

int tlog_consistency(const struct tlog_source *src, uint64_t m, uint64_t n, uint8_t *proof,
		     size_t *len)
{
	struct proof p = { src, proof, 0 };
	int rc = subproof(&p, m, 0, n, 1);

	*len = p.len;
	return rc;
}

/* SUBTREE_SUBPROOF(start, end, D[base:base+n], b), start and end relative
 * to base. */
static int subtree(struct proof *p, uint64_t start, uint64_t end, uint64_t base, uint64_t n,
		   int b)
{
	uint64_t k;
	int rc;

	if (start == 0 && end == n)
		return b ? 0 : push(p, base, base + n);
	k = tlog_split(n);
	if (end <= k) {
		rc = subtree(p, start, end, base, k, b);
		return rc != 0 ? rc : push(p, base + k, base + n);
	}
	if (k <= start)
		rc = subtree(p, start - k, end - k, base + k, n - k, b);
	else            /* start < k < end: start is 0 */
		rc = subtree(p, 0, end - k, base + k, n - k, 0);
	return rc != 0 ? rc : push(p, base, base + k);
}

int tlog_subtree_consistency(const struct tlog_source *src, uint64_t start, uint64_t end,
			     uint64_t n, uint8_t *proof, size_t *len)
{
	struct proof p = { src, proof, 0 };
	int rc = start == end ? 0 : subtree(&p, start, end, 0, n, 1);

	*len = p.len;
	return rc;
}
