/*
 * src/tlog/log.c - creating and opening a stored log (tandem/tlog_log.h):
 * the head says how many records were acknowledged; open checks that the
 * files hold at least that much, that the last acknowledged record and the
 * root agree with the head, and, for writing, cuts away a torn tail that
 * a crash left behind. Damage inside the acknowledged part stops the open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tandem/error.h"
#include "tandem/tlog_record.h"
#include "tlog_int.h"

int tlog_say(char *why, size_t why_size, int rc, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && why_size > 0) {
		va_start(ap, fmt);
		(void)vsnprintf(why, why_size, fmt, ap);
		va_end(ap);
	}
	return rc;
}

bool tlog_path_of(const char *dir, const char *name, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s", dir, name);

	return n > 0 && (size_t)n < size;
}

static int open_in(const char *dir, const char *name, int flags, mode_t mode)
{
	char path[4096];

	if (!tlog_path_of(dir, name, path, sizeof path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(path, flags | O_CLOEXEC, mode);
}

/* Writes all of len bytes at off. */
static int write_at(int fd, const void *p, size_t len, uint64_t off)
{
	const uint8_t *b = p;

	while (len > 0) {
		ssize_t n = pwrite(fd, b, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return TANDEM_EIO;
		b += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int tlog_write_at(int fd, const void *p, size_t len, uint64_t off)
{
	return write_at(fd, p, len, off);
}

/* Reads all of len bytes at off: TANDEM_ENOENT when the file ends first. */
int tlog_read_at(int fd, void *p, size_t len, uint64_t off)
{
	uint8_t *b = p;

	while (len > 0) {
		ssize_t n = pread(fd, b, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return TANDEM_EIO;
		if (n == 0)
			return TANDEM_ENOENT;
		b += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int tlog_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return TANDEM_EIO;
	if (fsync(fd) != 0)
		rc = TANDEM_EIO;
	(void)close(fd);
	return rc;
}

/* The directory that holds dir ("." for a bare name), synced. */
static int sync_parent(const char *dir)
{
	char parent[4096];
	const char *slash = strrchr(dir, '/');

	if (slash == NULL)
		return tlog_sync_dir(".");
	if ((size_t)(slash - dir) >= sizeof parent)
		return TANDEM_EIO;
	memcpy(parent, dir, (size_t)(slash - dir));
	parent[slash - dir] = '\0';
	return tlog_sync_dir(slash == dir ? "/" : parent);
}

static const char *const files[] = { "records", "index", "nodes", "head" };

int tandem_tlog_create(const char *dir, const char *origin, char *why, size_t why_size)
{
	struct tlog_head h = { 1, 0, { 0 } }, zero = { 0, 0, { 0 } };
	int rc = 0, fd;

	if (!tlog_origin_ok(origin))
		return tlog_say(why, why_size, TANDEM_EINVAL, "the origin must be 1 to %d printable "
			   "ASCII characters, without space or '+'", TANDEM_TLOG_ORIGIN_MAX);
	if (mkdir(dir, 0755) != 0)
		return tlog_say(why, why_size, errno == EEXIST ? TANDEM_EEXIST : TANDEM_EIO,
			   "cannot create %s: %s", dir, strerror(errno));
	for (size_t i = 0; i < sizeof files / sizeof files[0] && rc == 0; i++) {
		fd = open_in(dir, files[i], O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			return tlog_say(why, why_size, TANDEM_EIO, "cannot create %s/%s: %s", dir,
				   files[i], strerror(errno));
		if (strcmp(files[i], "head") == 0) {
			/* Slot 0 holds an empty head of sequence 0, slot 1 the
			 * first real one. */
			(void)tandem_tlog_root(NULL, 0, h.root);
			memcpy(zero.root, h.root, TLOG_H);
			rc = tlog_head_write(fd, &zero);
			if (rc == 0)
				rc = tlog_head_write(fd, &h);
			if (rc == 0 && fdatasync(fd) != 0)
				rc = TANDEM_EIO;
		}
		(void)close(fd);
	}
	if (rc != 0)
		return tlog_say(why, why_size, rc, "cannot write %s/head", dir);
	rc = tlog_key_create(dir, origin, why, why_size);
	/* The new names must survive a power loss too. */
	if (rc == 0 && (tlog_sync_dir(dir) != 0 || sync_parent(dir) != 0))
		rc = tlog_say(why, why_size, TANDEM_EIO, "cannot sync %s", dir);
	return rc;
}

static uint64_t file_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_size > 0 ? (uint64_t)st.st_size : 0;
}

/* The frame of record i: its offset and length; TANDEM_ENOENT when the
 * index or the records file does not hold it whole. */
static int frame_of(struct tandem_tlog *log, uint64_t i, uint64_t *off, uint32_t *len)
{
	uint8_t b[8];
	int rc = tlog_read_at(log->index, b, 8, i * 8);

	if (rc != 0)
		return rc;
	*off = tlog_get_be(b, 8);
	rc = tlog_read_at(log->records, b, 4, *off);
	if (rc != 0)
		return rc;
	*len = (uint32_t)tlog_get_be(b, 4);
	if (*len > TANDEM_TLOG_RECORD_MAX)
		return TANDEM_EBADINPUT;
	return *off + TLOG_FRAME + *len <= file_size(log->records) ? 0 : TANDEM_ENOENT;
}

/* Checks the head against the files: sizes, the last acknowledged record,
 * the root. */
static int check_acked(struct tandem_tlog *log, char *why, size_t why_size)
{
	uint64_t n = log->acked.size, off = 0;
	uint32_t len = 0;
	tandem_tlog_hash root;
	int rc;

	if (file_size(log->index) < n * 8)
		return tlog_say(why, why_size, TANDEM_EBADINPUT, "the index is cut short: record %llu "
			   "of the %llu acknowledged is missing",
			   (unsigned long long)(file_size(log->index) / 8), (unsigned long long)n);
	if (file_size(log->nodes) < tlog_nodes_for(n) * TLOG_H)
		return tlog_say(why, why_size, TANDEM_EBADINPUT, "the nodes file is cut short (%llu "
			   "acknowledged records)", (unsigned long long)n);
	log->rec_acked = 0;
	if (n > 0) {
		rc = frame_of(log, n - 1, &off, &len);
		if (rc == TANDEM_EIO)
			return tlog_say(why, why_size, rc, "cannot read the records");
		if (rc != 0)
			return tlog_say(why, why_size, TANDEM_EBADINPUT, "record %llu (the last "
				   "acknowledged) is missing or cut short: the records file was "
				   "truncated or damaged", (unsigned long long)(n - 1));
		log->rec_acked = off + TLOG_FRAME + len;
	}
	rc = tlog_remap(log);
	if (rc != 0)
		return tlog_say(why, why_size, rc, "cannot map the nodes file");
	for (unsigned h = 0; h < TLOG_LEVELS; h++)
		if ((n >> h & 1) != 0)
			memcpy(log->frontier[h],
			       log->map + tlog_node_pos(h, (n >> h) - 1) * TLOG_H, TLOG_H);
	if (n == 0)
		(void)tandem_tlog_root(NULL, 0, root);
	else
		tlog_frontier_root(log->frontier, n, root);
	if (memcmp(root, log->acked.root, TLOG_H) != 0)
		return tlog_say(why, why_size, TANDEM_EBADINPUT, "the stored nodes do not give the "
			   "root in the head: run tandem log verify to find the damage");
	memcpy(log->saved, log->frontier, sizeof log->saved);
	return 0;
}

/* Cuts what follows the acknowledged part of each file. */
static int cut_tail(struct tandem_tlog *log)
{
	uint64_t want[3] = { log->rec_acked, log->acked.size * 8,
			     tlog_nodes_for(log->acked.size) * TLOG_H };
	int fds[3] = { log->records, log->index, log->nodes };

	for (int i = 0; i < 3; i++) {
		uint64_t have = file_size(fds[i]);

		if (have <= want[i])
			continue;
		log->discarded += have - want[i];
		if (ftruncate(fds[i], (off_t)want[i]) != 0 || fdatasync(fds[i]) != 0)
			return TANDEM_EIO;
	}
	return 0;
}

static int open_files(struct tandem_tlog *log, const char *dir, char *why, size_t why_size)
{
	int flags = log->writable ? O_RDWR : O_RDONLY;
	int *fds[4] = { &log->records, &log->index, &log->nodes, &log->head };
	int rc;

	for (int i = 0; i < 4; i++) {
		*fds[i] = open_in(dir, files[i], flags, 0);
		if (*fds[i] < 0)
			return tlog_say(why, why_size, errno == ENOENT ? TANDEM_ENOENT : TANDEM_EIO,
				   "%s/%s: %s", dir, files[i], errno == ENOENT ? "no log here "
				   "(tandem log init creates one)" : strerror(errno));
	}
	rc = tlog_head_load(log->head, &log->acked);
	if (rc == TANDEM_EIO)
		return tlog_say(why, why_size, TANDEM_EIO, "cannot read %s/head", dir);
	if (rc != 0)
		return tlog_say(why, why_size, TANDEM_EBADINPUT, "%s/head is damaged: neither slot "
			   "holds a valid head", dir);
	return 0;
}

static int lock_log(struct tandem_tlog *log, const char *dir, char *why, size_t why_size)
{
	log->lock = open_in(dir, "lock", O_RDWR | O_CREAT, 0644);
	if (log->lock < 0)
		return tlog_say(why, why_size, TANDEM_EIO, "cannot create %s/lock: %s", dir,
			   strerror(errno));
	if (flock(log->lock, LOCK_EX | LOCK_NB) != 0)
		return tlog_say(why, why_size, errno == EWOULDBLOCK ? TANDEM_EPERM : TANDEM_EIO,
			   "%s is being written by another process", dir);
	return 0;
}

int tandem_tlog_open(const char *dir, enum tandem_tlog_mode mode, struct tandem_tlog **out,
		     char *why, size_t why_size)
{
	struct tandem_tlog *log = calloc(1, sizeof *log);
	int rc;

	*out = NULL;
	if (log == NULL)
		return tlog_say(why, why_size, TANDEM_ENOMEM, "out of memory");
	log->records = log->index = log->nodes = log->head = log->lock = -1;
	log->writable = mode == TANDEM_TLOG_WRITE;
	log->dir = strdup(dir);
	rc = log->dir == NULL ? TANDEM_ENOMEM : 0;
	if (rc == 0 && log->writable)
		rc = lock_log(log, dir, why, why_size);
	if (rc == 0)
		rc = open_files(log, dir, why, why_size);
	if (rc == 0)
		rc = check_acked(log, why, why_size);
	if (rc == 0 && log->writable && cut_tail(log) != 0)
		rc = tlog_say(why, why_size, TANDEM_EIO, "cannot cut the torn tail of %s", dir);
	if (rc == 0)
		(void)tlog_key_origin(dir, log->origin, sizeof log->origin);
	if (rc != 0) {
		tandem_tlog_close(log);
		return rc;
	}
	log->n = log->acked.size;
	log->flushed = log->n;
	log->rec_end = log->rec_flushed = log->rec_acked;
	*out = log;
	return 0;
}

void tandem_tlog_close(struct tandem_tlog *log)
{
	int fds[5];

	if (log == NULL)
		return;
	fds[0] = log->records;
	fds[1] = log->index;
	fds[2] = log->nodes;
	fds[3] = log->head;
	fds[4] = log->lock;
	if (log->writable && log->n != log->acked.size)
		tandem_tlog_rollback(log);
	for (int i = 0; i < 5; i++)
		if (fds[i] >= 0)
			(void)close(fds[i]);
	if (log->map != NULL)
		(void)munmap(log->map, log->map_len);
	free(log->rbuf.p);
	free(log->ibuf.p);
	free(log->nbuf.p);
	free(log->dir);
	free(log);
}

uint64_t tandem_tlog_size(const struct tandem_tlog *log)
{
	return log->acked.size;
}

uint64_t tandem_tlog_pending(const struct tandem_tlog *log)
{
	return log->n - log->acked.size;
}

uint64_t tandem_tlog_discarded(const struct tandem_tlog *log)
{
	return log->discarded;
}

const char *tandem_tlog_origin(const struct tandem_tlog *log)
{
	return log->origin;
}
