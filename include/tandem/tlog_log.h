/*
 * tandem/tlog_log.h - the stored transparency log: an append-only sequence
 * of records (tandem/tlog_record.h) in a directory, with the Merkle tree's
 * nodes kept beside them for fast proofs, signed checkpoints, and a
 * verifier that needs nothing but the files and the public key.
 *
 * Files of a log directory (docs/tlog.md, "Storage"):
 *   records   the records, each framed: u32 length | bytes | u32 check
 *             (the first 4 bytes of its leaf hash), big-endian
 *   index     u64 offset of each record's frame in records
 *   nodes     the tree's complete nodes, 32 bytes each, in post-order
 *   head      the acknowledged size and root, in two alternating slots
 *   key       the Ed25519 signing key (mode 0600), key.pub its public key
 *   checkpoint the last signed checkpoint
 *
 * Durability: tandem_tlog_commit() writes the appended records, index
 * entries and nodes, fdatasync()s the three files, then writes the head
 * and fdatasync()s it. An append is acknowledged when commit returns 0:
 * it survives SIGKILL and power loss. Anything found after the head's size
 * at open is a torn, unacknowledged tail: opening for writing discards it
 * (and says so in tandem_tlog_discarded()); damage within the head's size
 * is never repaired silently: open refuses the log and names the index.
 */
#ifndef TANDEM_TLOG_LOG_H
#define TANDEM_TLOG_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/tlog.h"

#define TANDEM_TLOG_LEAVES_MAX (UINT64_C(1) << 40)   /* records in one log */
#define TANDEM_TLOG_ORIGIN_MAX 128                    /* bytes of the origin line */
#define TANDEM_TLOG_NOTE_MAX 16384                    /* bytes of a checkpoint */
#define TANDEM_TLOG_WHY_MAX 256                       /* what went wrong, in words */

struct tandem_tlog;

enum tandem_tlog_mode { TANDEM_TLOG_READ, TANDEM_TLOG_WRITE };

/* Creates the log directory dir (which must not exist) with an empty log
 * and a new Ed25519 key named origin (printable ASCII, no space or '+',
 * at most TANDEM_TLOG_ORIGIN_MAX bytes): key is written with mode 0600.
 * TANDEM_EEXIST when dir exists, TANDEM_EINVAL for a bad origin,
 * TANDEM_EIO; why says it. */
int tandem_tlog_create(const char *dir, const char *origin, char *why, size_t why_size);

/* Opens the log in dir. For writing, the log is locked against other
 * writers (TANDEM_EPERM when it is held) and a torn tail is discarded.
 * TANDEM_EBADINPUT when the acknowledged part is damaged (why names the
 * first bad index), TANDEM_ENOENT when there is no log. */
int tandem_tlog_open(const char *dir, enum tandem_tlog_mode mode, struct tandem_tlog **out,
		     char *why, size_t why_size);
void tandem_tlog_close(struct tandem_tlog *log);

/* The acknowledged size; the records appended since the last commit come
 * after it. */
uint64_t tandem_tlog_size(const struct tandem_tlog *log);
uint64_t tandem_tlog_pending(const struct tandem_tlog *log);

/* Bytes of a torn tail that open discarded (0 when the log was whole). */
uint64_t tandem_tlog_discarded(const struct tandem_tlog *log);

/* The origin (the key's name) of the log. */
const char *tandem_tlog_origin(const struct tandem_tlog *log);

/* Appends one encoded record (checked with tandem_tlog_record_decode):
 * *index receives its index. Not durable until tandem_tlog_commit().
 * TANDEM_EBADINPUT for a record that does not decode, TANDEM_ELIMIT past
 * TANDEM_TLOG_LEAVES_MAX. */
int tandem_tlog_append(struct tandem_tlog *log, const uint8_t *record, size_t len,
		       uint64_t *index);

/* Makes every append so far durable (see above). */
int tandem_tlog_commit(struct tandem_tlog *log);

/* Forgets the appends since the last commit. */
void tandem_tlog_rollback(struct tandem_tlog *log);

/* Record index (acknowledged): up to size bytes into buf, *len of them.
 * TANDEM_ENOENT beyond the size, TANDEM_ELIMIT when buf is too small. */
int tandem_tlog_read(struct tandem_tlog *log, uint64_t index, uint8_t *buf, size_t size,
		     size_t *len);

/* The stored leaf hash of record index, and the root of the tree of the
 * first size records (size <= tandem_tlog_size()). */
int tandem_tlog_leaf(struct tandem_tlog *log, uint64_t index, tandem_tlog_hash out);
int tandem_tlog_root_at(struct tandem_tlog *log, uint64_t size, tandem_tlog_hash out);

/* The hash of the subtree [start, end) (tandem_tlog_subtree_valid), end <=
 * the acknowledged size: TANDEM_EINVAL otherwise. */
int tandem_tlog_range_hash(struct tandem_tlog *log, uint64_t start, uint64_t end,
			   tandem_tlog_hash out);

/* Proofs from the stored nodes, as tandem/tlog.h defines them: *len
 * hashes into proof (room for TANDEM_TLOG_PROOF_MAX). TANDEM_EINVAL when
 * the arguments are out of the log's acknowledged size. */
int tandem_tlog_log_inclusion(struct tandem_tlog *log, uint64_t index, uint64_t size,
			      uint8_t *proof, size_t *len);
int tandem_tlog_log_consistency(struct tandem_tlog *log, uint64_t m, uint64_t n,
				uint8_t *proof, size_t *len);
int tandem_tlog_log_subtree_inclusion(struct tandem_tlog *log, uint64_t index, uint64_t start,
				      uint64_t end, uint8_t *proof, size_t *len);
int tandem_tlog_log_subtree_consistency(struct tandem_tlog *log, uint64_t start, uint64_t end,
					uint64_t n, uint8_t *proof, size_t *len);

/*
 * Checkpoints: the C2SP signed-note form that witnesses co-sign.
 *   <origin>\n<size>\n<base64 root>\n\n
 *   \u2014 <key name> <base64(key id (4 bytes) || Ed25519 signature)>\n ...
 * The signature covers the text before the blank line. The key id is the
 * first 4 bytes of SHA-256(name || "\n" || 0x01 || public key). A public
 * key is written <name>+<hex key id>+<base64(0x01 || key)>.
 */

/* Signs the log's acknowledged head with dir/key: the note into out
 * (TANDEM_TLOG_NOTE_MAX bytes), and written to dir/checkpoint. */
int tandem_tlog_checkpoint(struct tandem_tlog *log, char *out, size_t size, char *why,
			   size_t why_size);

/* The log's public key line (dir/key.pub). */
int tandem_tlog_public_key(const char *dir, char *out, size_t size);

struct tandem_tlog_checkpoint {
	char origin[TANDEM_TLOG_ORIGIN_MAX + 1];
	uint64_t size;
	tandem_tlog_hash root;
	unsigned signatures;    /* signature lines seen, ours and witnesses' */
};

/* Parses a checkpoint note and checks the signature by public_key (a
 * public key line). 0 when it holds; TANDEM_EBADINPUT with why when the
 * note is malformed, over TANDEM_TLOG_NOTE_MAX, not signed by that key, or
 * its signature does not verify. Other signature lines (witnesses') are
 * counted, not checked. */
int tandem_tlog_checkpoint_open(const char *note, size_t len, const char *public_key,
				struct tandem_tlog_checkpoint *out, char *why, size_t why_size);

/*
 * Recomputes everything from the stored records: every frame, record and
 * leaf hash, every node, the head, and, when checkpoint is given (with
 * public_key), its signature and its root. 0 when all holds. Otherwise
 * TANDEM_EBADINPUT and *bad_index is the first index found wrong
 * (UINT64_MAX when the fault is the head or the checkpoint itself); why
 * says what. Opens nothing for writing and takes no lock.
 */
int tandem_tlog_verify(const char *dir, const char *checkpoint, size_t checkpoint_len,
		       const char *public_key, uint64_t *size, uint64_t *bad_index, char *why,
		       size_t why_size);

#endif /* TANDEM_TLOG_LOG_H */
