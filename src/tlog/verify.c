/*
 * src/tlog/verify.c - tandem_tlog_verify(): reads the whole log from its
 * files as an outsider would, without a lock and without trusting anything
 * the writer computed: every index entry, frame and record is checked,
 * every leaf hash and node recomputed and compared with the nodes file (in
 * post-order, as they were written), the root with the head, and a signed
 * checkpoint with the records it covers. The first fault stops it and is
 * named by index.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/error.h"
#include "tandem/tlog_record.h"
#include "tlog_int.h"

#define STREAM_BUFFER (1u << 20)

struct verify {
	FILE *records, *index, *nodes;
	uint64_t i;                     /* the record being checked */
	uint64_t node;                  /* nodes compared so far */
	bool node_bad, node_short;
	uint64_t bad_node;
	char *why;
	size_t why_size;
	uint64_t *bad_index;
};

static int fault(struct verify *v, uint64_t index, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fault(struct verify *v, uint64_t index, const char *fmt, ...)
{
	va_list ap;

	*v->bad_index = index;
	if (v->why != NULL && v->why_size > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(v->why, v->why_size, fmt, ap);
		va_end(ap);
	}
	return TANDEM_EBADINPUT;
}

/* Compares each node the recomputation makes with the next stored one. */
static void compare_node(void *ctx, const uint8_t *node)
{
	struct verify *v = ctx;
	uint8_t stored[TLOG_H];

	if (v->node_bad || v->node_short)
		return;
	if (fread(stored, 1, TLOG_H, v->nodes) != TLOG_H)
		v->node_short = true;
	else if (memcmp(stored, node, TLOG_H) != 0)
		v->node_bad = true, v->bad_node = v->node;
	v->node++;
}

static FILE *open_stream(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	if (!tlog_path_of(dir, name, path, sizeof path))
		return NULL;
	f = fopen(path, "rb");
	if (f != NULL)
		(void)setvbuf(f, NULL, _IOFBF, STREAM_BUFFER);
	return f;
}

/* Record v->i: its index entry, frame, content and hashes. */
static int check_record(struct verify *v, uint64_t *offset, uint8_t *buf,
			uint8_t frontier[TLOG_LEVELS][TLOG_H])
{
	struct tandem_tlog_record r;
	uint8_t b[8], check[4];
	tandem_tlog_hash leaf;
	char why[128];
	uint64_t at;
	uint32_t len;

	if (fread(b, 1, 8, v->index) != 8)
		return fault(v, v->i, "the index ends before record %llu", (unsigned long long)v->i);
	at = tlog_get_be(b, 8);
	if (at != *offset)
		return fault(v, v->i, "the index puts record %llu at byte %llu of the records, "
			     "where byte %llu is expected: a record was deleted, inserted or moved",
			     (unsigned long long)v->i, (unsigned long long)at,
			     (unsigned long long)*offset);
	if (fread(b, 1, 4, v->records) != 4)
		return fault(v, v->i, "the records file ends before record %llu: it was truncated",
			     (unsigned long long)v->i);
	len = (uint32_t)tlog_get_be(b, 4);
	if (len > TANDEM_TLOG_RECORD_MAX)
		return fault(v, v->i, "record %llu claims %u bytes, more than a record holds",
			     (unsigned long long)v->i, len);
	if (fread(buf, 1, len, v->records) != len || fread(check, 1, 4, v->records) != 4)
		return fault(v, v->i, "the records file ends inside record %llu: it was truncated",
			     (unsigned long long)v->i);
	if (tandem_tlog_record_decode(buf, len, &r, why, sizeof why) != 0)
		return fault(v, v->i, "record %llu is not a valid record (%s)",
			     (unsigned long long)v->i, why);
	tandem_tlog_leaf_hash(buf, len, leaf);
	if (memcmp(leaf, check, 4) != 0)
		return fault(v, v->i, "record %llu was altered: its bytes do not match the check "
			     "written with it", (unsigned long long)v->i);
	tlog_frontier_add(frontier, v->i, leaf, compare_node, v);
	if (v->node_short)
		return fault(v, v->i, "the nodes file ends at record %llu", (unsigned long long)v->i);
	if (v->node_bad)
		return fault(v, v->i, "the stored %s of record %llu differs from the one "
			     "recomputed from the records", v->bad_node == tlog_nodes_for(v->i) ?
			     "leaf hash" : "tree node ending", (unsigned long long)v->i);
	*offset += TLOG_FRAME + len;
	return 0;
}

static int read_head(const char *dir, struct tlog_head *h)
{
	FILE *f = open_stream(dir, "head");
	int rc;

	if (f == NULL)
		return TANDEM_ENOENT;
	rc = tlog_head_load(fileno(f), h);
	(void)fclose(f);
	return rc != 0 ? TANDEM_EBADINPUT : 0;
}

static int walk(struct verify *v, const struct tlog_head *h,
		const struct tandem_tlog_checkpoint *cp)
{
	uint8_t frontier[TLOG_LEVELS][TLOG_H];
	tandem_tlog_hash root;
	uint64_t offset = 0;
	uint8_t *buf = malloc(TANDEM_TLOG_RECORD_MAX);
	int rc = buf == NULL ? TANDEM_ENOMEM : 0;

	for (v->i = 0; rc == 0 && v->i < h->size; v->i++) {
		rc = check_record(v, &offset, buf, frontier);
		if (rc == 0 && cp != NULL && v->i + 1 == cp->size) {
			tlog_frontier_root(frontier, cp->size, root);
			if (memcmp(root, cp->root, TLOG_H) != 0)
				rc = fault(v, UINT64_MAX, "the checkpoint's root for %llu records "
					   "does not match records 0 to %llu: they were rewritten",
					   (unsigned long long)cp->size,
					   (unsigned long long)(cp->size - 1));
		}
	}
	free(buf);
	if (rc != 0)
		return rc;
	if (h->size == 0)
		(void)tandem_tlog_root(NULL, 0, root);
	else
		tlog_frontier_root(frontier, h->size, root);
	if (memcmp(root, h->root, TLOG_H) != 0)
		return fault(v, UINT64_MAX, "the head's root does not match the records");
	return 0;
}

int tandem_tlog_verify(const char *dir, const char *checkpoint, size_t checkpoint_len,
		       const char *public_key, uint64_t *size, uint64_t *bad_index, char *why,
		       size_t why_size)
{
	struct verify v = { 0 };
	struct tandem_tlog_checkpoint cp;
	struct tlog_head h;
	char cwhy[TANDEM_TLOG_WHY_MAX];
	int rc;

	*size = 0;
	v.why = why;
	v.why_size = why_size;
	v.bad_index = bad_index;
	*bad_index = UINT64_MAX;
	rc = read_head(dir, &h);
	if (rc != 0)
		return fault(&v, UINT64_MAX, "%s/head: %s", dir, rc == TANDEM_ENOENT ?
			     "no log here" : "damaged: neither slot holds a valid head");
	*size = h.size;
	if (checkpoint != NULL) {
		if (tandem_tlog_checkpoint_open(checkpoint, checkpoint_len, public_key, &cp, cwhy,
						sizeof cwhy) != 0)
			return fault(&v, UINT64_MAX, "the checkpoint is refused: %s", cwhy);
		if (cp.size > h.size)
			return fault(&v, h.size, "the checkpoint covers %llu records, the log "
				     "holds %llu: records from %llu on are missing",
				     (unsigned long long)cp.size, (unsigned long long)h.size,
				     (unsigned long long)h.size);
	}
	v.records = open_stream(dir, "records");
	v.index = open_stream(dir, "index");
	v.nodes = open_stream(dir, "nodes");
	if (v.records == NULL || v.index == NULL || v.nodes == NULL)
		rc = fault(&v, UINT64_MAX, "cannot open the files of %s", dir);
	else
		rc = walk(&v, &h, checkpoint != NULL && cp.size > 0 ? &cp : NULL);
	if (v.records != NULL)
		(void)fclose(v.records);
	if (v.index != NULL)
		(void)fclose(v.index);
	if (v.nodes != NULL)
		(void)fclose(v.nodes);
	return rc;
}
