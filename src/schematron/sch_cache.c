/*
 * src/schematron/sch_cache.c - compiled rule sets kept in a file, so that a
 * short-lived process maps the rules instead of compiling them (compiling
 * the CEN UBL set takes some 20 ms; mapping it, well under one).
 *
 * File layout (native byte order; the build identity pins the machine):
 *
 *   struct cache_header            magic, format, sizes, identity, hashes
 *   struct sch_source[nsources]    the files compiled: path, size, content hash,
 *                                  identity (device, inode, times)
 *   zero padding                   to header_size, a multiple of the page size
 *   image                          image_size bytes: the compiled rule set as it
 *                                  was in memory at address `base` (sch_image.c)
 *
 * A file is used only when all of these hold, checked in this order: it is
 * a regular file of the user's, writable by no one else; magic, format and
 * sizes are consistent with the file's size; the header's own hash; the
 * build identity is this program's (its GNU build-id, else the executable's
 * device, inode, size and time, with tandem's version and the layout of the
 * compiled records), so a rebuilt tandem never reads an image of another
 * build; the first source is the file asked for; every source is unchanged
 * (source_unchanged: its recorded identity, else its size and content hash;
 * a changed artefact, whatever its modification time, invalidates the cache); the
 * image can be mapped at `base`; the image's hash; and sch_image_check().
 * Anything else is a miss: the set is compiled and the file rewritten.
 *
 * Writing goes to a temporary file in the same directory, renamed over the
 * cache file, so a reader sees the old file or the new one, never a part.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "schematron_int.h"
#include "tandem/version.h"

#define CACHE_MAGIC "TNDMRULE"
#define CACHE_FORMAT 3u
#define CACHE_HEADER_MAX (1u << 20)
#define IMAGE_PAGE ((size_t)2 << 20) /* an image's mapping: whole huge pages */

struct cache_header {
	char magic[8];
	uint32_t format;
	uint32_t header_size; /* bytes before the image */
	uint64_t build;       /* build_identity() of the writer */
	uint64_t base;        /* address the image was compiled at */
	uint64_t image_size;
	uint64_t root;        /* offset of the root record in the image */
	uint64_t image_hash;  /* sch_hash() of the image */
	uint64_t header_hash; /* sch_hash() of the header and sources, this field 0 */
	uint32_t nsources;
	uint32_t reserved;
};

static void why(struct sch_cache_status *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void why(struct sch_cache_status *st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->why, sizeof st->why, fmt, ap);
	va_end(ap);
}

static size_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);
	return p > 0 ? (size_t)p : 4096;
}

/* The GNU build-id note of the main program, hashed; 0 when it has none. */
static uint64_t build_id(void)
{
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR); /* NOLINT(performance-no-int-to-ptr) */
	size_t n = (size_t)getauxval(AT_PHNUM);
	uintptr_t bias = 0;
	if (!ph)
		return 0;
	/* The load bias of a position-independent executable: where its
	 * program headers are, minus where they say they are. */
	for (size_t i = 0; i < n; i++)
		if (ph[i].p_type == PT_PHDR)
			bias = (uintptr_t)ph - ph[i].p_vaddr;
	for (size_t i = 0; i < n; i++) {
		if (ph[i].p_type != PT_NOTE)
			continue;
		const unsigned char *p = (const unsigned char *)(bias + ph[i].p_vaddr); /* NOLINT(performance-no-int-to-ptr) */
		size_t off = 0;
		while (off + sizeof(ElfW(Nhdr)) <= ph[i].p_memsz) {
			ElfW(Nhdr) nh;
			memcpy(&nh, p + off, sizeof nh);
			size_t name = (nh.n_namesz + 3u) & ~3u, desc = (nh.n_descsz + 3u) & ~3u;
			const unsigned char *np = p + off + sizeof nh;
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && memcmp(np, "GNU", 4) == 0 &&
			    off + sizeof nh + name + nh.n_descsz <= ph[i].p_memsz)
				return sch_hash(np + name, nh.n_descsz, 0x6275696C64u);
			off += sizeof nh + name + desc;
		}
	}
	return 0;
}

/* What makes an image of this program's: build, version, record layout. */
static uint64_t build_identity(void)
{
	static uint64_t cached;
	if (cached)
		return cached;
	uint64_t id = build_id();
	struct stat st;
	if (!id && stat("/proc/self/exe", &st) == 0) {
		uint64_t v[4] = {(uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size,
				 (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec};
		id = sch_hash(v, sizeof v, 0x65786521u);
	}
	const char *version = tandem_version();
	uint64_t layout[6] = {CACHE_FORMAT, sizeof(struct sch_schema), sizeof(struct xp_expr),
			      sizeof(struct sch_assert), sizeof(struct sch_pattern), xp_funcs_count()};
	id = sch_hash(layout, sizeof layout, sch_hash(version, strlen(version), id));
	cached = id ? id : 1;
	return cached;
}

/*
 * An artefact is unchanged when the file still has its recorded identity
 * (device, inode, size, modification and change times, as git's index and
 * make trust a file's stat data), or else when its content still has the
 * recorded size and hash. Any write to a file sets its change time to the
 * clock, which no program can set back, and an identity is only recorded
 * for a file that had not changed for a second before it was read
 * (sch_image_source): a later change always shows. A file copied, touched
 * or restored with the same bytes is hashed and still counts as unchanged.
 */
static bool source_unchanged(const struct sch_source *f, struct sch_cache_status *st)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat fs;
	bool same = fstat(fd, &fs) == 0 && S_ISREG(fs.st_mode) && (uint64_t)fs.st_size == f->size;
	if (same && (f->dev || f->ino) && (uint64_t)fs.st_dev == f->dev &&
	    (uint64_t)fs.st_ino == f->ino && sch_ns_of(fs.st_mtim) == f->mtime_ns &&
	    sch_ns_of(fs.st_ctim) == f->ctime_ns) {
		close(fd);
		return true;
	}
	if (same)
		st->hashed++;
	if (same && f->size) {
		void *p = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		same = p != MAP_FAILED && sch_hash(p, f->size, 0) == f->hash;
		if (p != MAP_FAILED)
			munmap(p, f->size);
	} else if (same) {
		same = sch_hash("", 0, 0) == f->hash;
	}
	close(fd);
	return same;
}

/* Checks the header part (mapped at h, hsize bytes) of a file of fsize bytes. */
static bool header_ok(const struct cache_header *h, size_t fsize, const char *path,
		      struct sch_cache_status *st)
{
	size_t page = page_size();
	if (h->header_size % page || h->header_size > CACHE_HEADER_MAX || h->nsources == 0 ||
	    h->nsources > SCH_SOURCES_MAX ||
	    sizeof *h + (size_t)h->nsources * sizeof(struct sch_source) > h->header_size ||
	    h->image_size == 0 || h->image_size != fsize - h->header_size ||
	    h->root > h->image_size - sizeof(struct sch_schema) || h->image_size < sizeof(struct sch_schema) ||
	    h->base % page || h->base == 0 || h->base > ((uint64_t)1 << 47) - h->image_size) {
		why(st, "damaged: inconsistent sizes");
		return false;
	}
	struct cache_header copy = *h;
	copy.header_hash = 0;
	uint64_t hh = sch_hash(&copy, sizeof copy, 0);
	hh = sch_hash(h + 1, (size_t)h->nsources * sizeof(struct sch_source), hh);
	if (hh != h->header_hash) {
		why(st, "damaged: header checksum");
		return false;
	}
	if (h->build != build_identity()) {
		why(st, "stale: written by another build of tandem");
		return false;
	}
	const struct sch_source *src = (const struct sch_source *)(h + 1);
	for (size_t i = 0; i < h->nsources; i++) {
		if (!memchr(src[i].path, '\0', sizeof src[i].path)) {
			why(st, "damaged: source path");
			return false;
		}
	}
	if (strcmp(src[0].path, path) != 0) {
		why(st, "stale: compiled from %s", src[0].path);
		return false;
	}
	for (size_t i = 0; i < h->nsources; i++) {
		if (!source_unchanged(&src[i], st)) {
			why(st, "stale: %s has changed", src[i].path);
			return false;
		}
	}
	return true;
}

static _Atomic int huge_mode = -1; /* sch_cache_huge_pages() */

void sch_cache_huge_pages(int mode)
{
	huge_mode = mode;
}

/* Whether this process can ask for 2 MiB pages (madvise), as the kernel says. */
static bool huge_pages(void)
{
	int mode = huge_mode;
	if (mode >= 0)
		return mode == 1;
	char buf[128] = {0};
	int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	mode = n > 0 && (strstr(buf, "[always]") || strstr(buf, "[madvise]"));
	huge_mode = mode;
	return mode == 1;
}

/* Reads the image (h) of an open cache file into p, span bytes mapped read-write. */
static bool read_image(int fd, void *p, size_t span, const struct cache_header *h)
{
	(void)madvise(p, span, MADV_HUGEPAGE);
	char *at = p;
	size_t done = 0;
	errno = 0;
	while (done < h->image_size) {
		ssize_t r = pread(fd, at + done, h->image_size - done, (off_t)(h->header_size + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		done += (size_t)r;
	}
	return mprotect(p, span, PROT_READ) == 0;
}

/*
 * Puts the image of an open cache file at its address, read-only: the
 * mapping's address and *span bytes, or NULL and *bad. Where the kernel
 * gives 2 MiB pages on request, a copy in one such page: on a virtual
 * machine the first use of each of an image's 450 small pages (a page walk
 * through the guest's and the host's tables) costs a one-file run more
 * than reading the whole file. Elsewhere a mapping of the file itself (a
 * copy in small pages would fault on each).
 */
static void *place_image(int fd, const struct cache_header *h, size_t *span, const char **bad)
{
	void *want = (void *)(uintptr_t)h->base; /* NOLINT(performance-no-int-to-ptr): an address */
	bool copy = huge_pages();
	void *p;
	*span = copy ? (h->image_size + IMAGE_PAGE - 1) / IMAGE_PAGE * IMAGE_PAGE : h->image_size;
	if (copy)
		p = mmap(want, *span, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	else
		p = mmap(want, *span, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE | MAP_POPULATE,
			 fd, (off_t)h->header_size);
	if (p != want) {
		if (p != MAP_FAILED)
			munmap(p, *span);
		*bad = "its address is in use in this process";
		return NULL;
	}
	if (copy && !read_image(fd, p, *span, h)) {
		munmap(p, *span);
		*bad = "cannot read the image";
		return NULL;
	}
	return p;
}

/* Maps the image of an open cache file; NULL (and st->why) on a miss. */
static struct sch_schema *map_image(int fd, const char *path, struct sch_cache_status *st)
{
	struct stat fs;
	if (fstat(fd, &fs) != 0 || !S_ISREG(fs.st_mode)) {
		why(st, "not a regular file");
		return NULL;
	}
	if (fs.st_uid != geteuid() || (fs.st_mode & (S_IWGRP | S_IWOTH))) {
		why(st, "not trusted: owned by another user or writable by others");
		return NULL;
	}
	size_t fsize = (size_t)fs.st_size;
	struct cache_header h;
	if (fsize < sizeof h || pread(fd, &h, sizeof h, 0) != (ssize_t)sizeof h) {
		why(st, "damaged: truncated");
		return NULL;
	}
	if (memcmp(h.magic, CACHE_MAGIC, sizeof h.magic) != 0 || h.format != CACHE_FORMAT) {
		why(st, "not a rule cache of this format");
		return NULL;
	}
	if (h.header_size < sizeof h || h.header_size > CACHE_HEADER_MAX || h.header_size >= fsize) {
		why(st, "damaged: truncated");
		return NULL;
	}
	void *hp = mmap(NULL, h.header_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (hp == MAP_FAILED) {
		why(st, "cannot map: %s", strerror(errno));
		return NULL;
	}
	bool ok = header_ok(hp, fsize, path, st);
	munmap(hp, h.header_size);
	if (!ok)
		return NULL;
	size_t span;
	const char *bad = NULL;
	void *p = place_image(fd, &h, &span, &bad);
	if (!p) {
		why(st, "%s", bad);
		return NULL;
	}
	const struct sch_schema *root = (const struct sch_schema *)((char *)p + h.root);
	if (sch_hash(p, h.image_size, 0) != h.image_hash)
		bad = "image checksum";
	else if (sch_image_check(p, h.image_size, root, &bad) == 0)
		bad = NULL;
	struct sch_schema *s = bad ? NULL : tandem_malloc(sizeof *s);
	if (!s) {
		munmap(p, span);
		why(st, "damaged: %s", bad ? bad : "out of memory");
		return NULL;
	}
	*s = *root;
	memset(&s->arena, 0, sizeof s->arena);
	s->map = p;
	s->map_size = span;
	s->image_size = h.image_size;
	s->root = root;
	s->serial = sch_serial_next();
	s->sources = NULL;
	return s;
}

static bool write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		c += w;
		n -= (size_t)w;
	}
	return true;
}

/* Writes s to cache_path through a temporary file; false (and st->why) on failure. */
static bool save(const struct sch_schema *s, const char *cache_path, struct sch_cache_status *st)
{
	const char *bad = NULL;
	if (!s->sources || s->sources->overflow || !s->sources->n || !s->root) {
		why(st, "not cached: too many files or too long paths");
		return false;
	}
	if (sch_image_check(s->map, s->image_size, s->root, &bad) != 0) {
		why(st, "not cached: the image does not pass its own check (%s)", bad);
		return false;
	}
	size_t page = page_size(), nsrc = s->sources->n;
	size_t hsize = (sizeof(struct cache_header) + nsrc * sizeof(struct sch_source) + page - 1) /
		       page * page;
	unsigned char *hbuf = tandem_calloc(1, hsize);
	char tmp[SCH_SOURCE_PATH_MAX + 64];
	if (!hbuf || (size_t)snprintf(tmp, sizeof tmp, "%s.%ld.tmp", cache_path, (long)getpid()) >=
			     sizeof tmp) {
		tandem_free(hbuf);
		why(st, "not cached: path too long or out of memory");
		return false;
	}
	struct cache_header h = {
		.format = CACHE_FORMAT,
		.header_size = (uint32_t)hsize,
		.build = build_identity(),
		.base = (uint64_t)(uintptr_t)s->map,
		.image_size = s->image_size,
		.root = (uint64_t)((uintptr_t)s->root - (uintptr_t)s->map),
		.image_hash = sch_hash(s->map, s->image_size, 0),
		.nsources = (uint32_t)nsrc,
	};
	memcpy(h.magic, CACHE_MAGIC, sizeof h.magic);
	uint64_t hh = sch_hash(&h, sizeof h, 0);
	h.header_hash = sch_hash(s->sources->v, nsrc * sizeof(struct sch_source), hh);
	memcpy(hbuf, &h, sizeof h);
	memcpy(hbuf + sizeof h, s->sources->v, nsrc * sizeof(struct sch_source));
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST && unlink(tmp) == 0) /* left by a process of the same pid */
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	bool ok = fd >= 0 && write_all(fd, hbuf, hsize) && write_all(fd, s->map, s->image_size);
	int err = errno;
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (ok && rename(tmp, cache_path) != 0) {
		err = errno;
		ok = false;
	}
	if (!ok) {
		if (fd >= 0)
			unlink(tmp);
		why(st, "not cached: cannot write %s: %s", cache_path, strerror(err));
	}
	tandem_free(hbuf);
	return ok;
}

int sch_load_cached(const char *path, const char *cache_path, struct sch_schema **out, char *err,
		    size_t err_size, struct sch_cache_status *st)
{
	memset(st, 0, sizeof *st);
	*out = NULL;
	if (cache_path) {
		int fd = open(cache_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			why(st, "absent (%s)", strerror(errno));
		} else {
			*out = map_image(fd, path, st);
			close(fd);
		}
		if (*out) {
			st->hit = true;
			return 0;
		}
	}
	int rc = sch_load(path, out, err, err_size);
	if (!rc && cache_path)
		st->written = save(*out, cache_path, st);
	return rc;
}
