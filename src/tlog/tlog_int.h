/*
 * src/tlog/tlog_int.h - what the files of src/tlog/ share: the hashes of
 * ranges of leaves, from wherever the leaves are kept (a caller's array, or
 * the stored log's node file), so that one set of proof builders serves
 * both.
 */
#ifndef TANDEM_TLOG_INT_H
#define TANDEM_TLOG_INT_H

#include <stdint.h>

#include "tandem/tlog.h"

#define TLOG_H TANDEM_TLOG_HASH
#define TLOG_AT(list, i) ((list) + (size_t)(i) * TLOG_H)

/* Where the hash of the leaves [a, b) comes from: range() puts MTH(D[a:b])
 * (a < b, [a, b) a valid subtree) in out and returns 0, or a TANDEM_E*
 * code when it cannot be read. */
struct tlog_source {
	int (*range)(void *ctx, uint64_t a, uint64_t b, uint8_t *out);
	void *ctx;
};

/* The largest power of two below n (n > 1). */
uint64_t tlog_split(uint64_t n);

/* The proofs of RFC 9162 §2.1.3.1 and §2.1.4.1 and of the subtree draft
 * (draft-ietf-plants-merkle-tree-certs §4.3, §4.4.1) over the first n
 * leaves of src: *len hashes into proof (room for TANDEM_TLOG_PROOF_MAX).
 * The arguments have been checked by the caller. */
int tlog_path(const struct tlog_source *src, uint64_t index, uint64_t start, uint64_t end,
	      uint8_t *proof, size_t *len);
int tlog_consistency(const struct tlog_source *src, uint64_t m, uint64_t n, uint8_t *proof,
		     size_t *len);
int tlog_subtree_consistency(const struct tlog_source *src, uint64_t start, uint64_t end,
			     uint64_t n, uint8_t *proof, size_t *len);

#endif /* TANDEM_TLOG_INT_H */
