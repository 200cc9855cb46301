/*
 * src/tlog/merkle.c - the Merkle tree of RFC 9162 §2.1: hashes, the tree
 * head, inclusion and consistency proofs (made by the recursive definitions
 * of §2.1.3.1 and §2.1.4.1) and their verification (the iterative
 * algorithms of §2.1.3.2 and §2.1.4.2).
 */
#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "tandem/error.h"
#include "tandem/tlog.h"
#include "tlog_int.h"

void tandem_tlog_leaf_hash(const void *data, size_t len, tandem_tlog_hash out)
{
	crypto_hash_sha256_state st;
	const unsigned char prefix = 0x00;

	(void)crypto_hash_sha256_init(&st);
	(void)crypto_hash_sha256_update(&st, &prefix, 1);
	(void)crypto_hash_sha256_update(&st, data, len);
	(void)crypto_hash_sha256_final(&st, out);
}

void tandem_tlog_node_hash(const uint8_t *left, const uint8_t *right, tandem_tlog_hash out)
{
	crypto_hash_sha256_state st;
	const unsigned char prefix = 0x01;

	(void)crypto_hash_sha256_init(&st);
	(void)crypto_hash_sha256_update(&st, &prefix, 1);
	(void)crypto_hash_sha256_update(&st, left, TANDEM_TLOG_HASH);
	(void)crypto_hash_sha256_update(&st, right, TANDEM_TLOG_HASH);
	(void)crypto_hash_sha256_final(&st, out);
}

#define H TANDEM_TLOG_HASH
#define AT TLOG_AT

/* MTH(D[0:n]) for n >= 1; the recursion is as deep as the tree. */
static void mth(const uint8_t *d, uint64_t n, uint8_t *out)
{
	tandem_tlog_hash left, right;
	uint64_t k;

	if (n == 1) {
		memcpy(out, d, H);
		return;
	}
	k = tlog_split(n);
	mth(d, k, left);
	mth(AT(d, k), n - k, right);
	tandem_tlog_node_hash(left, right, out);
}

int tandem_tlog_root(const uint8_t *leaves, uint64_t n, tandem_tlog_hash out)
{
	if (n == 0)
		(void)crypto_hash_sha256(out, (const unsigned char *)"", 0);
	else
		mth(leaves, n, out);
	return 0;
}

/* The caller's array of leaf hashes as a source of range hashes. */
static int memory_range(const void *ctx, uint64_t a, uint64_t b, uint8_t *out)
{
	mth(AT((const uint8_t *)ctx, a), b - a, out);
	return 0;
}

#define MEMORY_SOURCE(leaves) { memory_range, (leaves) }

bool tandem_tlog_subtree_valid(uint64_t start, uint64_t end)
{
	uint64_t size, ceil = 1;

	if (start > end)
		return false;
	size = end - start;
	if (size > UINT64_C(1) << 63)
		return start == 0;
	while (ceil < size)
		ceil <<= 1;
	return (start & (ceil - 1)) == 0;
}

int tandem_tlog_prove_inclusion(const uint8_t *leaves, uint64_t n, uint64_t index,
				uint64_t size, uint8_t proof[TANDEM_TLOG_PROOF_MAX * TANDEM_TLOG_HASH],
				size_t *len)
{
	return tandem_tlog_prove_subtree_inclusion(leaves, n, index, 0, size, proof, len);
}

int tandem_tlog_prove_subtree_inclusion(const uint8_t *leaves, uint64_t n, uint64_t index,
					uint64_t start, uint64_t end, uint8_t *proof, size_t *len)
{
	const struct tlog_source src = MEMORY_SOURCE(leaves);

	*len = 0;
	if (!tandem_tlog_subtree_valid(start, end) || index < start || index >= end || end > n)
		return TANDEM_EINVAL;
	return tlog_path(&src, index, start, end, proof, len);
}

int tandem_tlog_prove_consistency(const uint8_t *leaves, uint64_t count, uint64_t m,
				  uint64_t n, uint8_t proof[TANDEM_TLOG_PROOF_MAX * TANDEM_TLOG_HASH],
				  size_t *len)
{
	const struct tlog_source src = MEMORY_SOURCE(leaves);

	*len = 0;
	if (m == 0 || m > n || n > count)
		return TANDEM_EINVAL;
	return tlog_consistency(&src, m, n, proof, len);
}

int tandem_tlog_prove_subtree_consistency(const uint8_t *leaves, uint64_t count,
					  uint64_t start, uint64_t end, uint64_t n,
					  uint8_t *proof, size_t *len)
{
	const struct tlog_source src = MEMORY_SOURCE(leaves);

	*len = 0;
	if (!tandem_tlog_subtree_valid(start, end) || end > n || n > count)
		return TANDEM_EINVAL;
	return tlog_subtree_consistency(&src, start, end, n, proof, len);
}

/* Right-shifts fn and sn together until fn is odd (a right child) or 0:
 * up past the levels where the node has no sibling on its right. */
static void shift_to_right_child(uint64_t *fn, uint64_t *sn)
{
	while ((*fn & 1) == 0 && *fn != 0) {
		*fn >>= 1;
		*sn >>= 1;
	}
}

static int same(const uint8_t *a, const uint8_t *b)
{
	return sodium_memcmp(a, b, H) == 0;
}

int tandem_tlog_verify_inclusion(uint64_t index, uint64_t size, const uint8_t *leaf,
				 const uint8_t *proof, size_t len, const uint8_t *root)
{
	tandem_tlog_hash r;
	uint64_t fn = index, sn;

	if (index >= size || len > TANDEM_TLOG_PROOF_MAX)
		return TANDEM_EBADINPUT;
	sn = size - 1;
	memcpy(r, leaf, TANDEM_TLOG_HASH);
	for (size_t i = 0; i < len; i++) {
		if (sn == 0)
			return TANDEM_EBADINPUT;
		if ((fn & 1) != 0 || fn == sn) {
			tandem_tlog_node_hash(AT(proof, i), r, r);
			shift_to_right_child(&fn, &sn);
		} else {
			tandem_tlog_node_hash(r, AT(proof, i), r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && same(r, root) ? 0 : TANDEM_EBADINPUT;
}

int tandem_tlog_verify_consistency(uint64_t size1, uint64_t size2, const uint8_t *root1,
				   const uint8_t *root2, const uint8_t *proof, size_t len)
{
	tandem_tlog_hash fr, sr;
	uint64_t fn, sn;
	size_t i = 0;

	if (size1 == 0 || size2 < size1 || len > TANDEM_TLOG_PROOF_MAX)
		return TANDEM_EBADINPUT;
	if (size1 == size2)
		return len == 0 && same(root1, root2) ? 0 : TANDEM_EBADINPUT;
	if (len == 0)
		return TANDEM_EBADINPUT;
	/* A first tree whose size is a power of two is a node of the second:
	 * its root starts the path. */
	if ((size1 & (size1 - 1)) == 0) {
		memcpy(fr, root1, TANDEM_TLOG_HASH);
	} else {
		memcpy(fr, proof, H);
		i = 1;
	}
	memcpy(sr, fr, TANDEM_TLOG_HASH);
	fn = size1 - 1;
	sn = size2 - 1;
	while ((fn & 1) != 0) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < len; i++) {
		if (sn == 0)
			return TANDEM_EBADINPUT;
		if ((fn & 1) != 0 || fn == sn) {
			tandem_tlog_node_hash(AT(proof, i), fr, fr);
			tandem_tlog_node_hash(AT(proof, i), sr, sr);
			shift_to_right_child(&fn, &sn);
		} else {
			tandem_tlog_node_hash(sr, AT(proof, i), sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && same(fr, root1) && same(sr, root2) ? 0 : TANDEM_EBADINPUT;
}

int tandem_tlog_verify_subtree_inclusion(uint64_t index, uint64_t start, uint64_t end,
					 const uint8_t *leaf, const uint8_t *proof, size_t len,
					 const uint8_t *subtree_root)
{
	if (!tandem_tlog_subtree_valid(start, end) || index < start || index >= end)
		return TANDEM_EBADINPUT;
	return tandem_tlog_verify_inclusion(index - start, end - start, leaf, proof, len,
					    subtree_root);
}

/* Right-shifts the three indexes of a subtree consistency check once. */
static void shift3(uint64_t *fn, uint64_t *sn, uint64_t *tn)
{
	*fn >>= 1;
	*sn >>= 1;
	*tn >>= 1;
}

int tandem_tlog_verify_subtree_consistency(uint64_t start, uint64_t end, uint64_t n,
					   const uint8_t *node, const uint8_t *root,
					   const uint8_t *proof, size_t len)
{
	tandem_tlog_hash fr, sr, empty;
	uint64_t fn, sn, tn;
	size_t i = 0;

	if (!tandem_tlog_subtree_valid(start, end) || end > n || len > TANDEM_TLOG_PROOF_MAX)
		return TANDEM_EBADINPUT;
	if (start == end) {
		(void)tandem_tlog_root(NULL, 0, empty);
		return len == 0 && same(node, empty) ? 0 : TANDEM_EBADINPUT;
	}
	fn = start;
	sn = end - 1;
	tn = n - 1;
	/* Up to the subtree's own root, or to the highest node of it that is
	 * also a node of the tree. */
	while (fn != sn && (sn == tn || (sn & 1) != 0))
		shift3(&fn, &sn, &tn);
	if (fn == sn) {
		memcpy(fr, node, H);
	} else {
		if (len == 0)
			return TANDEM_EBADINPUT;
		memcpy(fr, proof, H);
		i = 1;
	}
	memcpy(sr, fr, H);
	for (; i < len; i++) {
		if (tn == 0)
			return TANDEM_EBADINPUT;
		if ((sn & 1) != 0 || sn == tn) {
			if (fn < sn)
				tandem_tlog_node_hash(AT(proof, i), fr, fr);
			tandem_tlog_node_hash(AT(proof, i), sr, sr);
			while ((sn & 1) == 0)
				shift3(&fn, &sn, &tn);
		} else {
			tandem_tlog_node_hash(sr, AT(proof, i), sr);
		}
		shift3(&fn, &sn, &tn);
	}
	return tn == 0 && same(fr, node) && same(sr, root) ? 0 : TANDEM_EBADINPUT;
}
