/*
 * tandem/tlog.h - the transparency log's Merkle tree (RFC 9162 §2.1): leaf
 * and node hashes, the tree head of n leaves, inclusion and consistency
 * proofs, and their verification, so that anyone holding a root can check
 * that an entry is in the log and that a later log extends an earlier one.
 *
 * Hashes are SHA-256 (TANDEM_TLOG_HASH bytes): a leaf is
 * SHA-256(0x00 || entry), a node SHA-256(0x01 || left || right); the tree of
 * n leaves splits at the largest power of two below n. The functions here
 * take the leaf hashes from the caller's memory; the stored log
 * (tandem/tlog_log.h) makes the same proofs from its files (docs/tlog.md).
 */
#ifndef TANDEM_TLOG_H
#define TANDEM_TLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TANDEM_TLOG_HASH 32
#define TANDEM_TLOG_PROOF_MAX 64     /* hashes in a proof: log2 of 2^63 leaves, and one */

typedef uint8_t tandem_tlog_hash[TANDEM_TLOG_HASH];

/* Lists of hashes (leaves, proofs) are flat: hash i at bytes 32 i to 32 i + 31. */

/* SHA-256(0x00 || data): the hash of a log entry. */
void tandem_tlog_leaf_hash(const void *data, size_t len, tandem_tlog_hash out);

/* SHA-256(0x01 || left || right). */
void tandem_tlog_node_hash(const uint8_t *left, const uint8_t *right, tandem_tlog_hash out);

/* The root of the tree of the n leaf hashes leaves[0..n); for n = 0, the
 * hash of the empty string. 0, or TANDEM_ENOMEM. */
int tandem_tlog_root(const uint8_t *leaves, uint64_t n, tandem_tlog_hash out);

/* The inclusion proof of leaf index in the tree of the first size leaves
 * (RFC 9162 §2.1.3.1): *len hashes into proof. TANDEM_EINVAL when index >=
 * size or size > n. */
int tandem_tlog_prove_inclusion(const uint8_t *leaves, uint64_t n, uint64_t index,
				uint64_t size, uint8_t proof[TANDEM_TLOG_PROOF_MAX * TANDEM_TLOG_HASH],
				size_t *len);

/* The consistency proof between the trees of the first m and n leaves,
 * 0 < m <= n (§2.1.4.1). TANDEM_EINVAL otherwise. */
int tandem_tlog_prove_consistency(const uint8_t *leaves, uint64_t count, uint64_t m,
				  uint64_t n, uint8_t proof[TANDEM_TLOG_PROOF_MAX * TANDEM_TLOG_HASH],
				  size_t *len);

/* Checks that leaf is at index in the tree of size leaves whose root is
 * root, with the proof's len hashes (§2.1.3.2). 0 when it holds,
 * TANDEM_EBADINPUT when it does not. */
int tandem_tlog_verify_inclusion(uint64_t index, uint64_t size, const uint8_t *leaf,
				 const uint8_t *proof, size_t len, const uint8_t *root);

/* Checks that the tree of size2 leaves with root2 extends the tree of size1
 * leaves with root1 (§2.1.4.2). Equal sizes need an empty proof and equal
 * roots; size1 = 0 proves nothing and is refused. 0 when it holds,
 * TANDEM_EBADINPUT when it does not. */
int tandem_tlog_verify_consistency(uint64_t size1, uint64_t size2, const uint8_t *root1,
				   const uint8_t *root2, const uint8_t *proof, size_t len);

/*
 * Subtrees (draft-ietf-plants-merkle-tree-certs §4): the leaves [start, end)
 * form a subtree when start is a multiple of the smallest power of two not
 * below end - start; its hash is MTH(D[start:end]), and it stays a node or a
 * right edge of every later tree. Tile-based logs and witnesses sign and
 * prove such ranges.
 */
bool tandem_tlog_subtree_valid(uint64_t start, uint64_t end);

/* The inclusion proof of leaf index in the subtree [start, end) of the
 * first n leaves (§4.3): an RFC 9162 path inside the subtree.
 * TANDEM_EINVAL unless [start, end) is a subtree holding index, end <= n. */
int tandem_tlog_prove_subtree_inclusion(const uint8_t *leaves, uint64_t n, uint64_t index,
					uint64_t start, uint64_t end, uint8_t *proof, size_t *len);

/* The proof that the subtree [start, end) is part of the tree of the first
 * n leaves (SUBTREE_PROOF, §4.4.1); empty for start = end. */
int tandem_tlog_prove_subtree_consistency(const uint8_t *leaves, uint64_t count,
					  uint64_t start, uint64_t end, uint64_t n,
					  uint8_t *proof, size_t *len);

/* Checks that leaf is at index of the subtree [start, end) whose hash is
 * subtree_root (§4.3.2). 0 when it holds, TANDEM_EBADINPUT otherwise. */
int tandem_tlog_verify_subtree_inclusion(uint64_t index, uint64_t start, uint64_t end,
					 const uint8_t *leaf, const uint8_t *proof, size_t len,
					 const uint8_t *subtree_root);

/* Checks that the subtree [start, end) with hash node sits at those leaves
 * of the tree of n leaves with root root (§4.4.3). An empty subtree needs an
 * empty proof and the hash of the empty string. 0 when it holds,
 * TANDEM_EBADINPUT otherwise. */
int tandem_tlog_verify_subtree_consistency(uint64_t start, uint64_t end, uint64_t n,
					   const uint8_t *node, const uint8_t *root,
					   const uint8_t *proof, size_t len);

/*
 * Verifies one proof given as JSON in the form of the public Merkle proof
 * test vectors (transparency-dev/merkle testdata): an inclusion proof
 * {"leafIdx", "treeSize", "root", "leafHash", "proof"} or a consistency
 * proof {"size1", "size2", "root1", "root2", "proof"}, or their subtree
 * forms: inclusion {"leafIdx", "start", "end", "root", "leafHash", "proof"}
 * and consistency {"start", "end", "size", "root1" (the subtree's hash),
 * "root2" (the tree's root), "proof"}; hashes in base64.
 * Returns 0 with *accepted saying whether the proof holds (a hash that is
 * not 32 bytes of base64 makes it fail), or TANDEM_EBADINPUT when the text
 * is not such a proof (more than TANDEM_TLOG_PROBE_MAX bytes, malformed);
 * why says it in words.
 */
#define TANDEM_TLOG_PROBE_MAX (1u << 20)

int tandem_tlog_check_probe(const char *json, size_t len, char *why, size_t why_size,
			    bool *accepted);

#endif /* TANDEM_TLOG_H */
