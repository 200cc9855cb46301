/*
 * src/tlog/tlog_int.h - what the files of src/tlog/ share: the hashes of
 * ranges of leaves, from wherever the leaves are kept (a caller's array, or
 * the stored log's node file), so that one set of proof builders serves
 * both.
 */
#ifndef TANDEM_TLOG_INT_H
#define TANDEM_TLOG_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "tandem/slice.h"
#include "tandem/tlog.h"
#include "tandem/tlog_log.h"

#define TLOG_H TANDEM_TLOG_HASH
#define TLOG_AT(list, i) ((list) + (size_t)(i) * TLOG_H)

/* Where the hash of the leaves [a, b) comes from: range() puts MTH(D[a:b])
 * (a < b, [a, b) a valid subtree) in out and returns 0, or a TANDEM_E*
 * code when it cannot be read. */
struct tlog_source {
	int (*range)(const void *ctx, uint64_t a, uint64_t b, uint8_t *out);
	const void *ctx;
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

/* The name and kind (enum tandem_tlog_kind) of a record's field tag: NULL
 * and -1 for a tag that is not one. */
const char *tlog_field_name(unsigned tag);
int tlog_field_kind(unsigned tag);

/* Seconds since the epoch as 2026-03-04T10:00:00Z (or digits beyond year
 * 9999), and back (false unless exactly that form). */
void tlog_format_time(uint64_t t, char out[32]);
bool tlog_parse_time(struct tandem_slice s, uint64_t *t);

/* ---- the stored log (log.c, log_append.c, log_read.c, verify.c) ---- */

#define TLOG_FRAME 8                    /* u32 length before a record, u32 check after */
#define TLOG_HEAD_SLOT 64               /* bytes of one of the head's two slots */
#define TLOG_HEAD_STRIDE 4096           /* slot 1's offset: not in slot 0's sector */
#define TLOG_FLUSH_BYTES (4u << 20)     /* pending bytes written out before commit */
#define TLOG_LEVELS 64

/* A growable byte buffer of pending writes. */
struct tlog_pending {
	uint8_t *p;
	size_t len, cap;
};

struct tlog_head {
	uint64_t seq, size;
	tandem_tlog_hash root;
};

struct tandem_tlog {
	char *dir;
	bool writable, broken;          /* broken: a failed write; reopen to recover */
	int records, index, nodes, head, lock;  /* file descriptors */
	struct tlog_head acked;         /* what the head says */
	uint64_t n;                     /* acknowledged + pending records */
	uint64_t rec_end, rec_acked;    /* bytes of records: with pending, acknowledged */
	uint64_t flushed;               /* records of n already written out (not synced) */
	uint64_t rec_flushed;
	uint64_t discarded;
	/* frontier[h]: the hash of the complete subtree of 2^h leaves that ends
	 * the tree, for each bit h set in n; saved is the same at acked.size. */
	uint8_t frontier[TLOG_LEVELS][TLOG_H], saved[TLOG_LEVELS][TLOG_H];
	struct tlog_pending rbuf, ibuf, nbuf;
	uint8_t *map;                   /* the nodes file, mapped read-only */
	size_t map_len;
	char origin[TANDEM_TLOG_ORIGIN_MAX + 1];
};

/* Nodes stored for the first n leaves (post-order): 2n - popcount(n). */
uint64_t tlog_nodes_for(uint64_t n);

/* The index in the nodes file of the node at level h over leaves
 * [k 2^h, (k + 1) 2^h). */
uint64_t tlog_node_pos(unsigned h, uint64_t k);

/* The root of n leaves from a frontier (n > 0). */
void tlog_frontier_root(uint8_t frontier[TLOG_LEVELS][TLOG_H], uint64_t n, uint8_t *out);

/* Adds leaf hash leaf as leaf number n to the frontier; each node it
 * completes (the leaf first, then its new ancestors) is passed to emit,
 * in post-order. */
void tlog_frontier_add(uint8_t frontier[TLOG_LEVELS][TLOG_H], uint64_t n, const uint8_t *leaf,
		       void (*emit)(void *ctx, const uint8_t *node), void *ctx);

/* The head's two slots, at 0 and TLOG_HEAD_STRIDE: encode one; write it
 * where its sequence number puts it; read both and keep the newest valid
 * (TANDEM_EBADINPUT when neither is, TANDEM_EIO). */
void tlog_head_encode(const struct tlog_head *h, uint8_t slot[TLOG_HEAD_SLOT]);
int tlog_head_write(int fd, const struct tlog_head *h);
int tlog_head_load(int fd, struct tlog_head *out);

/* dir/name into out; false when too long. */
bool tlog_path_of(const char *dir, const char *name, char *out, size_t size);

/* Big-endian numbers. */
void tlog_put_be(uint8_t *out, uint64_t v, int bytes);
uint64_t tlog_get_be(const uint8_t *in, int bytes);

/* The log's nodes as a source of range hashes (log_read.c). */
void tlog_log_source(struct tandem_tlog *log, struct tlog_source *src);

/* Maps the nodes file anew after it grew (log_read.c). */
int tlog_remap(struct tandem_tlog *log);

/* Says fmt into why (when not NULL) and returns rc: how the files of
 * src/tlog/ explain a refusal. */
int tlog_say(char *why, size_t why_size, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Whole writes and reads at an offset (log.c); a read that meets the end
 * of the file first gives TANDEM_ENOENT. */
int tlog_write_at(int fd, const void *p, size_t len, uint64_t off);
int tlog_read_at(int fd, void *p, size_t len, uint64_t off);

/* fsync()s a directory, so that the names created or renamed in it last. */
int tlog_sync_dir(const char *dir);

/* Keys (note.c): is origin fit to name a key; a new key pair in dir (key,
 * mode 0600, and key.pub); the name of dir's key into out. */
bool tlog_origin_ok(const char *origin);
int tlog_key_create(const char *dir, const char *origin, char *why, size_t why_size);
int tlog_key_origin(const char *dir, char *out, size_t size);

/* A public key line: its name, key id and Ed25519 key (note.c).
 * TANDEM_EBADINPUT unless well formed with a matching id. */
int tlog_public_key_parse(const char *line, char name[TANDEM_TLOG_ORIGIN_MAX + 1],
			  uint8_t id[4], uint8_t pk[32]);

#endif /* TANDEM_TLOG_INT_H */
