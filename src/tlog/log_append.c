/*
 * src/tlog/log_append.c - appending to the stored log. Appends gather in
 * memory (written out every TLOG_FLUSH_BYTES) and become durable together
 * at commit: the records, index and nodes are written and synced first,
 * then the head that acknowledges them. A crash before the head's sync
 * leaves a tail that the next open discards; after it, every record is
 * there.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tandem/error.h"
#include "tandem/tlog_record.h"
#include "tlog_int.h"

#define PENDING_MAX (2 * TLOG_FLUSH_BYTES + TANDEM_TLOG_RECORD_MAX + 64 * TLOG_H)

static int reserve(struct tlog_pending *b, size_t more)
{
	size_t cap = b->cap > 0 ? b->cap : 65536;
	uint8_t *p;

	if (b->len + more <= b->cap)
		return 0;
	while (cap < b->len + more)
		cap *= 2;
	if (cap > PENDING_MAX)
		return TANDEM_ELIMIT;
	p = realloc(b->p, cap);
	if (p == NULL)
		return TANDEM_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

static void take(struct tlog_pending *b, const void *p, size_t len)
{
	memcpy(b->p + b->len, p, len);
	b->len += len;
}

static void emit_node(void *ctx, const uint8_t *node)
{
	take(ctx, node, TLOG_H);
}

/* Writes the pending bytes after what is already written. */
static int flush(struct tandem_tlog *log)
{
	int rc = tlog_write_at(log->records, log->rbuf.p, log->rbuf.len, log->rec_flushed);

	if (rc == 0)
		rc = tlog_write_at(log->index, log->ibuf.p, log->ibuf.len, log->flushed * 8);
	if (rc == 0)
		rc = tlog_write_at(log->nodes, log->nbuf.p, log->nbuf.len,
				   tlog_nodes_for(log->flushed) * TLOG_H);
	if (rc != 0) {
		log->broken = true;
		return rc;
	}
	log->rbuf.len = log->ibuf.len = log->nbuf.len = 0;
	log->flushed = log->n;
	log->rec_flushed = log->rec_end;
	return 0;
}

int tandem_tlog_append(struct tandem_tlog *log, const uint8_t *record, size_t len,
		       uint64_t *index)
{
	struct tandem_tlog_record r;
	tandem_tlog_hash leaf;
	uint8_t frame[8];
	int rc;

	if (!log->writable)
		return TANDEM_EPERM;
	if (log->broken)
		return TANDEM_EIO;
	if (log->n >= TANDEM_TLOG_LEAVES_MAX)
		return TANDEM_ELIMIT;
	if (tandem_tlog_record_decode(record, len, &r, NULL, 0) != 0)
		return TANDEM_EBADINPUT;
	rc = reserve(&log->rbuf, len + TLOG_FRAME);
	if (rc == 0)
		rc = reserve(&log->ibuf, 8);
	if (rc == 0)
		rc = reserve(&log->nbuf, (size_t)(TLOG_LEVELS + 1) * TLOG_H);
	if (rc != 0)
		return rc;
	tandem_tlog_leaf_hash(record, len, leaf);
	tlog_put_be(frame, len, 4);
	take(&log->rbuf, frame, 4);
	take(&log->rbuf, record, len);
	take(&log->rbuf, leaf, 4);
	tlog_put_be(frame, log->rec_end, 8);
	take(&log->ibuf, frame, 8);
	log->rec_end += TLOG_FRAME + len;
	tlog_frontier_add(log->frontier, log->n, leaf, emit_node, &log->nbuf);
	*index = log->n++;
	return log->rbuf.len >= TLOG_FLUSH_BYTES ? flush(log) : 0;
}

int tandem_tlog_commit(struct tandem_tlog *log)
{
	struct tlog_head h;
	int rc;

	if (!log->writable)
		return TANDEM_EPERM;
	if (log->broken)
		return TANDEM_EIO;
	if (log->n == log->acked.size)
		return 0;
	rc = flush(log);
	if (rc != 0)
		return rc;
	if (fdatasync(log->records) != 0 || fdatasync(log->index) != 0 ||
	    fdatasync(log->nodes) != 0) {
		log->broken = true;
		return TANDEM_EIO;
	}
	h.seq = log->acked.seq + 1;
	h.size = log->n;
	tlog_frontier_root(log->frontier, log->n, h.root);
	rc = tlog_head_write(log->head, &h);
	if (rc != 0 || fdatasync(log->head) != 0) {
		log->broken = true;
		return TANDEM_EIO;
	}
	log->acked = h;
	log->rec_acked = log->rec_end;
	memcpy(log->saved, log->frontier, sizeof log->saved);
	return tlog_remap(log);
}

void tandem_tlog_rollback(struct tandem_tlog *log)
{
	bool written = log->flushed != log->acked.size;

	log->n = log->flushed = log->acked.size;
	log->rec_end = log->rec_flushed = log->rec_acked;
	log->rbuf.len = log->ibuf.len = log->nbuf.len = 0;
	memcpy(log->frontier, log->saved, sizeof log->frontier);
	/* Pending records already written out are cut again; if that fails,
	 * the next open discards them as a torn tail. */
	if (written && (ftruncate(log->records, (off_t)log->rec_acked) != 0 ||
			ftruncate(log->index, (off_t)(log->acked.size * 8)) != 0 ||
			ftruncate(log->nodes, (off_t)(tlog_nodes_for(log->acked.size) * TLOG_H)) != 0))
		log->broken = true;
}
