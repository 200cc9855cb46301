/*
 * src/schematron/sch_image.c - the memory a rule set is compiled into, and
 * the check that makes an image read back from a file safe to run.
 *
 * sch_load() compiles into one reservation (SCH_ARENA_MAX bytes of address
 * space, backed only where written) through a fixed arena, so the compiled
 * rule set is one contiguous range of bytes whose pointers all point inside
 * it. Functions are referred to by number and the built-in strings are
 * copied in, so nothing in the image depends on where the program itself
 * was loaded. sch_cache.c writes such an image to a file and maps it again,
 * read-only and at the same address, in a later process: no relocation, no
 * copy, and the kernel shares the pages between processes.
 *
 * The reservation asks for a random address in a part of the address space
 * that neither the heap, the libraries nor the sanitizers' shadow memory use
 * (64-bit only), so that a later process almost always finds it free.
 *
 * sch_image_check() treats an image as untrusted input: every pointer is
 * checked to lie inside the image with room for what it points to, every
 * enumeration and count against its range, every string for its
 * terminating NUL, arities against what the evaluator reads, and the
 * expression graph for depth and total size (no cycle, no exponential
 * sharing). An image that passes cannot make the evaluator read outside it
 * or loop; its verdicts are as trustworthy as its checksum and key
 * (sch_cache.c).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "schematron_int.h"

static size_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);
	return p > 0 ? (size_t)p : 4096;
}

/* A random address in [32 TiB, 96 TiB), 2 MiB aligned (NULL on 32-bit). */
static void *sch_image_hint(void)
{
#if UINTPTR_MAX > 0xFFFFFFFFu
	uint64_t r = 0;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		r = sch_hash(&ts, sizeof ts, (uint64_t)getpid());
	}
	uint64_t lo = (uint64_t)32 << 40, span = (uint64_t)64 << 40;
	uintptr_t at = (uintptr_t)((lo + r % span) & ~(uint64_t)((2u << 20) - 1));
	return (void *)at; /* NOLINT(performance-no-int-to-ptr): an address hint */
#else
	return NULL;
#endif
}

uint64_t sch_serial_next(void)
{
	static _Atomic uint64_t last;
	return atomic_fetch_add(&last, 1) + 1;
}

int sch_image_begin(struct sch_schema *s)
{
	s->serial = sch_serial_next();
	void *p = mmap(sch_image_hint(), SCH_ARENA_MAX, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return TANDEM_ENOMEM;
	s->map = p;
	s->map_size = SCH_ARENA_MAX;
	tandem_arena_init_fixed(&s->arena, p, SCH_ARENA_MAX);
	s->sources = tandem_calloc(1, sizeof *s->sources);
	return s->sources ? 0 : TANDEM_ENOMEM;
}

void sch_image_source(struct sch_schema *s, const char *path, const void *data, size_t n,
		      const struct stat *st)
{
	struct sch_sources *src = s->sources;
	if (!src)
		return;
	/* An included file is read once per pass of the loader: recorded once,
	 * unless its bytes differed between reads. */
	uint64_t hash = sch_hash(data, n, 0);
	for (size_t i = 0; i < src->n; i++)
		if (src->v[i].size == n && src->v[i].hash == hash && strcmp(src->v[i].path, path) == 0)
			return;
	if (src->n == SCH_SOURCES_MAX || strlen(path) >= SCH_SOURCE_PATH_MAX) {
		src->overflow = true;
		return;
	}
	struct sch_source *f = &src->v[src->n++];
	snprintf(f->path, sizeof f->path, "%s", path);
	f->size = n;
	f->hash = hash;
	/* A change in the same tick of the file system's clock as the read
	 * could leave both times as they were: the identity of a file changed
	 * that recently is not recorded (the "racily clean" case of git's
	 * index). */
	struct timespec now;
	if (!st || (uint64_t)st->st_size != n || clock_gettime(CLOCK_REALTIME, &now) != 0)
		return;
	int64_t settled = sch_ns_of(now) - SCH_SOURCE_SETTLED_NS;
	if (sch_ns_of(st->st_mtim) > settled || sch_ns_of(st->st_ctim) > settled)
		return;
	f->dev = (uint64_t)st->st_dev;
	f->ino = (uint64_t)st->st_ino;
	f->mtime_ns = sch_ns_of(st->st_mtim);
	f->ctime_ns = sch_ns_of(st->st_ctim);
}

void sch_image_prune(struct sch_schema *s, const struct xp_names *t)
{
	for (size_t i = 0; i < s->nglobals; i++)
		xp_keep_prune(t, s->globals[i].value);
	for (size_t i = 0; i < s->ngeneric; i++)
		xp_keep_prune(t, (struct xp_expr *)s->generic[i]);
	for (size_t i = 0; i < s->nasserts; i++) {
		xp_keep_prune(t, s->asserts[i].test);
		for (size_t k = 0; k < s->asserts[i].nparts; k++)
			if (s->asserts[i].parts[k].expr)
				xp_keep_prune(t, s->asserts[i].parts[k].expr);
	}
	for (size_t p = 0; p < s->npatterns; p++) {
		for (size_t r = 0; r < s->patterns[p].nrules; r++) {
			const struct sch_rule *rule = &s->patterns[p].rules[r];
			xp_keep_prune(t, rule->context);
			for (size_t k = 0; k < rule->nlets; k++)
				xp_keep_prune(t, rule->lets[k].value);
		}
	}
}

int sch_image_finish(struct sch_schema *s)
{
	struct sch_schema *root = tandem_arena_alloc(&s->arena, sizeof *root);
	if (!root)
		return TANDEM_ENOMEM;
	*root = *s;
	memset(&root->arena, 0, sizeof root->arena);
	root->map = NULL;
	root->map_size = 0;
	root->image_size = 0;
	root->root = NULL;
	root->serial = 0;
	root->sources = NULL;
	s->root = root;
	size_t used = tandem_arena_fixed_used(&s->arena);
	size_t page = page_size();
	size_t keep = (used + page - 1) / page * page;
	if (keep < s->map_size && munmap((char *)s->map + keep, s->map_size - keep) == 0)
		s->map_size = keep;
	s->image_size = used;
	/* Compiled rules are shared by threads and never written again. */
	mprotect(s->map, s->map_size, PROT_READ);
	return 0;
}

void sch_image_release(struct sch_schema *s)
{
	if (s->map)
		munmap(s->map, s->map_size);
	s->map = NULL;
	tandem_free(s->sources);
	s->sources = NULL;
}

/* --- hash --- */

static uint64_t rotl(uint64_t x, int r)
{
	return x << r | x >> (64 - r);
}

static uint64_t load64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static uint64_t fold(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDu;
	h ^= h >> 29;
	h *= 0xC4CEB9FE1A85EC53u;
	return h ^ h >> 32;
}

/*
 * Four independent lanes over 32-byte blocks (multiply, rotate), folded
 * together with the length: about 8 bytes per cycle, so hashing the
 * artefacts and an image costs a small part of a cold run.
 */
uint64_t sch_hash(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	const uint64_t k1 = 0x9E3779B97F4A7C15u, k2 = 0xD6E8FEB86659FD93u;
	uint64_t h[4] = {seed ^ k1, seed ^ k2, rotl(seed, 17) ^ k1, rotl(seed, 41) ^ k2};
	/* The lanes in four variables: in the array, gcc kept them in memory and
	 * every step waited on a store and a load (1.4 GB/s instead of 10). */
	uint64_t h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3];
	size_t i = 0;
	for (; i + 32 <= n; i += 32) {
		h0 = rotl((h0 ^ load64(p + i)) * k1, 29) * k2;
		h1 = rotl((h1 ^ load64(p + i + 8)) * k1, 29) * k2;
		h2 = rotl((h2 ^ load64(p + i + 16)) * k1, 29) * k2;
		h3 = rotl((h3 ^ load64(p + i + 24)) * k1, 29) * k2;
	}
	h[0] = h0;
	h[1] = h1;
	h[2] = h2;
	h[3] = h3;
	unsigned char tail[32] = {0};
	memcpy(tail, p + i, n - i);
	for (size_t l = 0; l < 4; l++)
		h[l] = rotl((h[l] ^ load64(tail + 8 * l)) * k1, 29) * k2;
	return fold(h[0] ^ rotl(h[1], 16) ^ rotl(h[2], 32) ^ rotl(h[3], 48) ^ (uint64_t)n);
}
