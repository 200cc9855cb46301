/*
 * src/tlog/tree.c - the shape of the stored tree: where each complete node
 * sits in the nodes file (post-order, so that appending a leaf only ever
 * appends nodes), the frontier of complete subtrees that ends the tree, and
 * the head that records the acknowledged size and root.
 */
#include <string.h>

#include <sodium.h>

#include "tandem/error.h"
#include "tlog_int.h"

uint64_t tlog_nodes_for(uint64_t n)
{
	return 2 * n - (uint64_t)__builtin_popcountll(n);
}

uint64_t tlog_node_pos(unsigned h, uint64_t k)
{
	uint64_t m = (k + 1) << h;  /* leaves up to and including the node's last */

	/* The node is written when leaf m - 1 arrives, after the nodes of the
	 * first m leaves below level h and before the ancestors it completes
	 * above it. */
	return tlog_nodes_for(m) - 1 - ((unsigned)__builtin_ctzll(m) - h);
}

void tlog_frontier_root(uint8_t frontier[TLOG_LEVELS][TLOG_H], uint64_t n, uint8_t *out)
{
	unsigned h = (unsigned)__builtin_ctzll(n);

	memcpy(out, frontier[h], TLOG_H);
	for (h++; h < TLOG_LEVELS; h++)
		if ((n >> h & 1) != 0)
			tandem_tlog_node_hash(frontier[h], out, out);
}

void tlog_frontier_add(uint8_t frontier[TLOG_LEVELS][TLOG_H], uint64_t n, const uint8_t *leaf,
		       void (*emit)(void *ctx, const uint8_t *node), void *ctx)
{
	tandem_tlog_hash cur;
	unsigned h = 0;

	memcpy(cur, leaf, TLOG_H);
	emit(ctx, cur);
	/* Each set low bit of n is a left sibling waiting for this one. */
	while ((n >> h & 1) != 0) {
		tandem_tlog_node_hash(frontier[h], cur, cur);
		emit(ctx, cur);
		h++;
	}
	memcpy(frontier[h], cur, TLOG_H);
}

/* Slot: "TLHD" | u64 seq | u64 size | root | first 4 bytes of SHA-256 of
 * what precedes | zeros. */
#define HEAD_CHECKED 52

void tlog_head_encode(const struct tlog_head *h, uint8_t slot[TLOG_HEAD_SLOT])
{
	uint8_t sum[crypto_hash_sha256_BYTES];

	static const uint8_t magic[4] = { 'T', 'L', 'H', 'D' };

	memset(slot, 0, TLOG_HEAD_SLOT);
	memcpy(slot, magic, sizeof magic);
	tlog_put_be(slot + 4, h->seq, 8);
	tlog_put_be(slot + 12, h->size, 8);
	memcpy(slot + 20, h->root, TLOG_H);
	(void)crypto_hash_sha256(sum, slot, HEAD_CHECKED);
	memcpy(slot + HEAD_CHECKED, sum, 4);
}

static bool slot_decode(const uint8_t *slot, struct tlog_head *out)
{
	uint8_t sum[crypto_hash_sha256_BYTES];

	if (memcmp(slot, "TLHD", 4) != 0)
		return false;
	(void)crypto_hash_sha256(sum, slot, HEAD_CHECKED);
	if (memcmp(slot + HEAD_CHECKED, sum, 4) != 0)
		return false;
	out->seq = tlog_get_be(slot + 4, 8);
	out->size = tlog_get_be(slot + 12, 8);
	memcpy(out->root, slot + 20, TLOG_H);
	return out->size <= TANDEM_TLOG_LEAVES_MAX;
}

int tlog_head_write(int fd, const struct tlog_head *h)
{
	uint8_t slot[TLOG_HEAD_SLOT];

	tlog_head_encode(h, slot);
	return tlog_write_at(fd, slot, sizeof slot, (h->seq % 2) * TLOG_HEAD_STRIDE);
}

int tlog_head_load(int fd, struct tlog_head *out)
{
	uint8_t sa[TLOG_HEAD_SLOT], sb[TLOG_HEAD_SLOT];
	struct tlog_head a, b;
	bool ok_a, ok_b;
	int rc = tlog_read_at(fd, sa, sizeof sa, 0);

	if (rc == 0)
		rc = tlog_read_at(fd, sb, sizeof sb, TLOG_HEAD_STRIDE);
	if (rc == TANDEM_EIO)
		return rc;
	ok_a = slot_decode(sa, &a);
	ok_b = rc == 0 && slot_decode(sb, &b);
	/* A slot is written whole or torn; the other keeps the previous head. */
	if (ok_a && (!ok_b || a.seq > b.seq))
		*out = a;
	else if (ok_b)
		*out = b;
	return ok_a || ok_b ? 0 : TANDEM_EBADINPUT;
}
