/*
 * src/tlog/log_read.c - reading the stored log: records by index, leaf
 * hashes, roots of earlier sizes and proofs. The nodes file is mapped
 * read-only; the hash of any subtree is folded from the few complete nodes
 * that cover it, so a proof at ten million leaves reads some fifty hashes.
 */
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "tandem/error.h"
#include "tandem/tlog_record.h"
#include "tlog_int.h"

int tlog_remap(struct tandem_tlog *log)
{
	size_t want = (size_t)(tlog_nodes_for(log->acked.size) * TLOG_H);
	void *p;

	if (want <= log->map_len && log->map != NULL)
		return 0;
	if (log->map != NULL)
		(void)munmap(log->map, log->map_len);
	log->map = NULL;
	log->map_len = 0;
	if (want == 0)
		return 0;
	p = mmap(NULL, want, PROT_READ, MAP_SHARED, log->nodes, 0);
	if (p == MAP_FAILED)
		return TANDEM_EIO;
	log->map = p;
	log->map_len = want;
	return 0;
}

static const uint8_t *node_at(const struct tandem_tlog *log, unsigned h, uint64_t k)
{
	uint64_t pos = tlog_node_pos(h, k);

	return (pos + 1) * TLOG_H <= log->map_len ? log->map + pos * TLOG_H : NULL;
}

/* MTH(D[a:b]) of a subtree: its complete nodes from left to right, folded
 * from the right. */
static int log_range(const void *ctx, uint64_t a, uint64_t b, uint8_t *out)
{
	const struct tandem_tlog *log = ctx;
	const uint8_t *parts[TLOG_LEVELS];
	unsigned count = 0;

	while (a < b && count < TLOG_LEVELS) {
		unsigned h = a == 0 ? 63 : (unsigned)__builtin_ctzll(a);

		while ((UINT64_C(1) << h) > b - a)
			h--;
		parts[count] = node_at(log, h, a >> h);
		if (parts[count++] == NULL)
			return TANDEM_EINTERNAL;
		a += UINT64_C(1) << h;
	}
	if (a != b || count == 0)
		return TANDEM_EINTERNAL;
	memcpy(out, parts[count - 1], TLOG_H);
	while (count-- > 1)
		tandem_tlog_node_hash(parts[count - 1], out, out);
	return 0;
}

void tlog_log_source(struct tandem_tlog *log, struct tlog_source *src)
{
	src->range = log_range;
	src->ctx = log;
}

int tandem_tlog_read(struct tandem_tlog *log, uint64_t index, uint8_t *buf, size_t size,
		     size_t *len)
{
	uint8_t b[8];
	uint64_t off;
	uint32_t n;
	int rc;

	*len = 0;
	if (index >= log->acked.size)
		return TANDEM_ENOENT;
	rc = tlog_read_at(log->index, b, 8, index * 8);
	if (rc == 0) {
		off = tlog_get_be(b, 8);
		rc = tlog_read_at(log->records, b, 4, off);
	}
	if (rc != 0)
		return TANDEM_EIO;
	n = (uint32_t)tlog_get_be(b, 4);
	if (n > TANDEM_TLOG_RECORD_MAX)
		return TANDEM_EBADINPUT;
	if (n > size)
		return TANDEM_ELIMIT;
	rc = tlog_read_at(log->records, buf, n, off + 4);
	if (rc != 0)
		return TANDEM_EIO;
	*len = n;
	return 0;
}

int tandem_tlog_leaf(struct tandem_tlog *log, uint64_t index, tandem_tlog_hash out)
{
	const uint8_t *p = index < log->acked.size ? node_at(log, 0, index) : NULL;

	if (p == NULL)
		return TANDEM_ENOENT;
	memcpy(out, p, TLOG_H);
	return 0;
}

int tandem_tlog_root_at(struct tandem_tlog *log, uint64_t size, tandem_tlog_hash out)
{
	if (size > log->acked.size)
		return TANDEM_EINVAL;
	if (size == 0)
		return tandem_tlog_root(NULL, 0, out);
	return log_range(log, 0, size, out);
}

int tandem_tlog_range_hash(struct tandem_tlog *log, uint64_t start, uint64_t end,
			   tandem_tlog_hash out)
{
	if (!tandem_tlog_subtree_valid(start, end) || end > log->acked.size)
		return TANDEM_EINVAL;
	if (start == end)
		return tandem_tlog_root(NULL, 0, out);
	return log_range(log, start, end, out);
}

int tandem_tlog_log_inclusion(struct tandem_tlog *log, uint64_t index, uint64_t size,
			      uint8_t *proof, size_t *len)
{
	return tandem_tlog_log_subtree_inclusion(log, index, 0, size, proof, len);
}

int tandem_tlog_log_subtree_inclusion(struct tandem_tlog *log, uint64_t index, uint64_t start,
				      uint64_t end, uint8_t *proof, size_t *len)
{
	struct tlog_source src;

	*len = 0;
	if (!tandem_tlog_subtree_valid(start, end) || index < start || index >= end ||
	    end > log->acked.size)
		return TANDEM_EINVAL;
	tlog_log_source(log, &src);
	return tlog_path(&src, index, start, end, proof, len);
}

int tandem_tlog_log_consistency(struct tandem_tlog *log, uint64_t m, uint64_t n,
				uint8_t *proof, size_t *len)
{
	struct tlog_source src;

	*len = 0;
	if (m == 0 || m > n || n > log->acked.size)
		return TANDEM_EINVAL;
	tlog_log_source(log, &src);
	return tlog_consistency(&src, m, n, proof, len);
}

int tandem_tlog_log_subtree_consistency(struct tandem_tlog *log, uint64_t start, uint64_t end,
					uint64_t n, uint8_t *proof, size_t *len)
{
	struct tlog_source src;

	*len = 0;
	if (!tandem_tlog_subtree_valid(start, end) || end > n || n > log->acked.size)
		return TANDEM_EINVAL;
	tlog_log_source(log, &src);
	return tlog_subtree_consistency(&src, start, end, n, proof, len);
}
