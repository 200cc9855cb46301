/*
 * src/llm/gguf.c - the GGUF reader: the file mapped, then every byte of its
 * header, metadata and tensor table checked before anything is handed out
 * (tandem/gguf.h). Nothing is trusted: lengths against the bytes left,
 * counts against limits, tensor sizes against overflow, offsets against
 * the file, the alignment and each other.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llm/gguf_int.h"
#include "tandem/error.h"

#define ARENA_MAX (1u << 30)
#define GGUF_MAGIC 0x46554747u        /* "GGUF" read little-endian */
#define ALIGN_DEFAULT 32

/* Where the reader is in the bytes; the first error ends the reading. */
struct cur {
	const unsigned char *p;
	uint64_t pos, len;
	struct tandem_diag *d;
	int err;
};

static int fail(struct cur *c, int code, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct cur *c, int code, const char *rule, const char *fmt, ...)
{
	va_list ap;

	if (c->err == 0) {
		va_start(ap, fmt);
		(void)tandem_diag_vadd(c->d, TANDEM_SEV_ERROR, code, rule, NULL, 0, fmt, ap);
		va_end(ap);
		c->err = code;
	}
	return c->err;
}

typedef unsigned long long ull;

/* n bytes at the cursor, or NULL (truncated). */
static const unsigned char *take(struct cur *c, uint64_t n, const char *what)
{
	const unsigned char *at;

	if (c->err != 0)
		return NULL;
	if (n > c->len - c->pos) {
		(void)fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-TRUNCATED",
			   "the file ends inside %s: %llu bytes needed at byte %llu", what,
			   (ull)n, (ull)c->pos);
		return NULL;
	}
	at = c->p + c->pos;
	c->pos += n;
	return at;
}

static uint64_t rd_u(struct cur *c, unsigned n, const char *what)
{
	const unsigned char *b = take(c, n, what);
	uint64_t v = 0;

	for (unsigned i = 0; b != NULL && i < n; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static struct tandem_gguf_str rd_str(struct cur *c, uint64_t max, const char *what)
{
	struct tandem_gguf_str s = { "", 0 };
	uint64_t n = rd_u(c, 8, what);
	const unsigned char *b;

	if (c->err == 0 && n > max) {
		(void)fail(c, TANDEM_ELIMIT, "TANDEM-GGUF-LIMIT",
			   "%s of %llu bytes: the limit is %llu", what, (ull)n, (ull)max);
		return s;
	}
	b = take(c, n, what);
	if (b != NULL) {
		s.p = (const char *)b;
		s.len = n;
	}
	return s;
}

/* Bytes of one element of a fixed-size type; 0 for strings and arrays,
 * -1 for a type the format does not have. */
static int fixed_size(uint32_t type)
{
	static const signed char sizes[] = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };

	return type < sizeof sizes ? sizes[type] : -1;
}

static int scalar(struct cur *c, uint32_t type, struct tandem_gguf_value *v)
{
	uint64_t raw = rd_u(c, (unsigned)fixed_size(type), "a value");
	float f32;

	switch (type) {
	case TANDEM_GGUF_UINT8: case TANDEM_GGUF_UINT16: case TANDEM_GGUF_UINT32:
	case TANDEM_GGUF_UINT64:
		v->v.u = raw;
		break;
	case TANDEM_GGUF_INT8:
		v->v.i = raw >= 0x80 ? (int64_t)raw - 0x100 : (int64_t)raw;
		break;
	case TANDEM_GGUF_INT16:
		v->v.i = (int16_t)raw;
		break;
	case TANDEM_GGUF_INT32:
		v->v.i = (int32_t)raw;
		break;
	case TANDEM_GGUF_INT64:
		v->v.i = (int64_t)raw;
		break;
	case TANDEM_GGUF_FLOAT32: {
		uint32_t r32 = (uint32_t)raw;
		memcpy(&f32, &r32, sizeof f32);
		v->v.f = f32;
		break;
	}
	case TANDEM_GGUF_FLOAT64:
		memcpy(&v->v.f, &raw, sizeof v->v.f);
		break;
	default: /* BOOL */
		if (raw > 1)
			return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-VALUE",
				    "a boolean %llu at byte %llu is not 0 or 1", (ull)raw,
				    (ull)c->pos - 1);
		v->v.u = raw;
	}
	return c->err;
}

static int value(struct cur *c, struct tandem_arena *a, uint32_t type, unsigned depth,
		 struct tandem_gguf_value *v);

/* An array: its element type, count, and (for strings and arrays) where
 * each element starts. */
static int array(struct cur *c, struct tandem_arena *a, unsigned depth,
		 struct tandem_gguf_value *v)
{
	uint32_t type = (uint32_t)rd_u(c, 4, "an array's type");
	uint64_t count = rd_u(c, 8, "an array's count");
	int size = fixed_size(type);
	uint64_t *offsets;

	if (c->err != 0)
		return c->err;
	if (size < 0)
		return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-TYPE",
			    "an array of type %u at byte %llu: not a GGUF value type", type,
			    (ull)c->pos - 12);
	if (depth >= TANDEM_GGUF_NESTING_MAX || count > TANDEM_GGUF_ARRAY_MAX)
		return fail(c, TANDEM_ELIMIT, "TANDEM-GGUF-LIMIT",
			    "an array of %llu elements (nesting %u) is beyond the limits",
			    (ull)count, depth + 1);
	v->v.arr.type = (enum tandem_gguf_type)type;
	v->v.arr.count = count;
	v->v.arr.data = c->p + c->pos;
	v->v.arr.offsets = NULL;
	if (size > 0)
		return take(c, count * (uint64_t)size, "an array") != NULL ? 0 : c->err;
	/* Each element at least 8 bytes: a count beyond the bytes left is
	 * refused before anything is allocated for it. */
	if (count > (c->len - c->pos) / 8)
		return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-TRUNCATED",
			    "an array of %llu elements cannot fit in the %llu bytes left",
			    (ull)count, (ull)(c->len - c->pos));
	offsets = tandem_arena_alloc(a, (count + 1) * sizeof *offsets);
	if (offsets == NULL)
		return fail(c, TANDEM_ENOMEM, "TANDEM-GGUF-MEMORY",
			    "out of memory for an array of %llu elements", (ull)count);
	uint64_t start = c->pos;
	for (uint64_t i = 0; i < count && c->err == 0; i++) {
		struct tandem_gguf_value e;

		offsets[i] = c->pos - start;
		(void)value(c, a, type, depth + 1, &e);
	}
	offsets[count] = c->pos - start;
	v->v.arr.offsets = offsets;
	return c->err;
}

static int value(struct cur *c, struct tandem_arena *a, uint32_t type, unsigned depth,
		 struct tandem_gguf_value *v)
{
	memset(v, 0, sizeof *v);
	v->type = (enum tandem_gguf_type)type;
	if (fixed_size(type) < 0)
		return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-TYPE",
			    "a value of type %u at byte %llu: not a GGUF value type", type,
			    (ull)c->pos - 4);
	if (type == TANDEM_GGUF_STRING) {
		v->v.s = rd_str(c, TANDEM_GGUF_STRING_MAX, "a string");
		return c->err;
	}
	if (type == TANDEM_GGUF_ARRAY)
		return array(c, a, depth, v);
	return scalar(c, type, v);
}

static int header(struct cur *c, struct tandem_gguf *g, uint64_t *n_tensors, uint64_t *n_kv)
{
	uint32_t magic = (uint32_t)rd_u(c, 4, "the header");

	g->version = (uint32_t)rd_u(c, 4, "the header");
	*n_tensors = rd_u(c, 8, "the header");
	*n_kv = rd_u(c, 8, "the header");
	if (c->err != 0)
		return c->err;
	if (magic != GGUF_MAGIC)
		return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-MAGIC",
			    "not a GGUF file: the magic is 0x%08x, not \"GGUF\"", magic);
	if (g->version == 0x03000000u || g->version == 0x02000000u)
		return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-VERSION",
			    "a big-endian GGUF file (version %u byte-swapped): only "
			    "little-endian is read", g->version >> 24);
	if (g->version != 2 && g->version != 3)
		return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-VERSION",
			    "GGUF version %u: tandem reads versions 2 and 3", g->version);
	if (*n_tensors > TANDEM_GGUF_TENSORS_MAX || *n_kv > TANDEM_GGUF_KV_MAX)
		return fail(c, TANDEM_ELIMIT, "TANDEM-GGUF-LIMIT",
			    "the header: %llu tensors and %llu metadata pairs are beyond the "
			    "limits", (ull)*n_tensors, (ull)*n_kv);
	return 0;
}

static int metadata(struct cur *c, struct tandem_arena *a, struct tandem_gguf *g)
{
	for (size_t i = 0; i < g->n_kv && c->err == 0; i++) {
		struct tandem_gguf_kv *kv = &g->kv[i];

		kv->key = rd_str(c, TANDEM_GGUF_KEY_MAX, "a key");
		uint32_t type = (uint32_t)rd_u(c, 4, "a value's type");
		if (c->err == 0)
			(void)value(c, a, type, 0, &kv->value);
		if (c->err == 0 && gguf_index_add(&g->kv_index, kv->key, i) != 0)
			return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-DUPLICATE",
				    "the metadata key \"%.*s\" twice (pair %zu)",
				    (int)(kv->key.len < 100 ? kv->key.len : 100), kv->key.p, i);
	}
	return c->err;
}

/* The alignment of the data: general.alignment, a power of two. */
static int alignment(struct cur *c, struct tandem_gguf *g)
{
	const struct tandem_gguf_kv *kv = tandem_gguf_find(g, "general.alignment");

	g->alignment = ALIGN_DEFAULT;
	if (kv == NULL)
		return 0;
	if (kv->value.type != TANDEM_GGUF_UINT32 || kv->value.v.u == 0 ||
	    kv->value.v.u > TANDEM_GGUF_ALIGN_MAX || (kv->value.v.u & (kv->value.v.u - 1)) != 0)
		return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-ALIGNMENT",
			    "general.alignment must be a UINT32 power of two up to %u",
			    TANDEM_GGUF_ALIGN_MAX);
	g->alignment = (uint32_t)kv->value.v.u;
	return 0;
}

static int tensor_info(struct cur *c, struct tandem_gguf *g, size_t i)
{
	struct tandem_gguf_tensor *t = &g->tensors[i];
	uint32_t block_elems, block_bytes;
	uint64_t n = 1;

	t->name = rd_str(c, TANDEM_GGUF_KEY_MAX, "a tensor name");
	t->n_dims = (uint32_t)rd_u(c, 4, "a tensor's dimensions");
	if (c->err == 0 && (t->n_dims == 0 || t->n_dims > TANDEM_GGUF_DIMS_MAX))
		return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-TENSOR",
			    "tensor %zu has %u dimensions: 1 to 4", i, t->n_dims);
	for (uint32_t k = 0; k < TANDEM_GGUF_DIMS_MAX; k++) {
		t->ne[k] = k < t->n_dims ? rd_u(c, 8, "a tensor's dimensions") : 1;
		if (c->err == 0 && (t->ne[k] == 0 || t->ne[k] > ((uint64_t)1 << 62) / n))
			return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-TENSOR",
				    "tensor %zu: a dimension of %llu is empty or too large", i,
				    (ull)t->ne[k]);
		n *= t->ne[k];
	}
	t->type = (enum tandem_ggml_type)rd_u(c, 4, "a tensor's type");
	t->offset = rd_u(c, 8, "a tensor's offset");
	if (c->err != 0)
		return c->err;
	if (!tandem_ggml_type_block(t->type, &block_elems, &block_bytes))
		return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-TENSOR-TYPE",
			    "tensor %zu has type %u, which tandem does not read", i,
			    (unsigned)t->type);
	if (t->ne[0] % block_elems != 0)
		return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-TENSOR",
			    "tensor %zu: a row of %llu elements is not whole blocks", i,
			    (ull)t->ne[0]);
	t->bytes = n / block_elems * block_bytes;
	if (gguf_index_add(&g->tensor_index, t->name, i) != 0)
		return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-DUPLICATE",
			    "tensor %zu has the name of another", i);
	return 0;
}

/* Where a tensor's bytes are in the data section. */
struct span {
	uint64_t offset, bytes;
};

static int by_offset(const void *x, const void *y)
{
	const struct span *a = x, *b = y;

	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

/* Every tensor inside the data section, aligned, none overlapping. */
static int tensor_data(struct cur *c, struct tandem_arena *a, struct tandem_gguf *g)
{
	uint64_t start = (c->pos + g->alignment - 1) / g->alignment * g->alignment;
	uint64_t room = start <= c->len ? c->len - start : 0;
	struct span *order;

	if (g->n_tensors > 0 && start > c->len)
		return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-TRUNCATED",
			    "the data section at byte %llu is beyond the file's %llu bytes",
			    (ull)start, (ull)c->len);
	order = tandem_arena_calloc(a, g->n_tensors + 1, sizeof *order);
	if (order == NULL)
		return fail(c, TANDEM_ENOMEM, "TANDEM-GGUF-MEMORY", "out of memory");
	for (size_t i = 0; i < g->n_tensors; i++) {
		struct tandem_gguf_tensor *t = &g->tensors[i];

		if (t->offset % g->alignment != 0)
			return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-ALIGNMENT",
				    "tensor %zu: offset %llu is not aligned to %u", i,
				    (ull)t->offset, g->alignment);
		if (t->offset > room || t->bytes > room - t->offset)
			return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-BOUNDS",
				    "tensor %zu (offset %llu, %llu bytes) ends beyond the file", i,
				    (ull)t->offset, (ull)t->bytes);
		t->data = c->p + start + t->offset;
		order[i] = (struct span){ t->offset, t->bytes };
	}
	qsort(order, g->n_tensors, sizeof *order, by_offset);
	for (size_t i = 1; i < g->n_tensors; i++)
		if (order[i - 1].offset + order[i - 1].bytes > order[i].offset)
			return fail(c, TANDEM_EBADINPUT, "TANDEM-GGUF-OVERLAP",
				    "two tensors at offsets %llu and %llu overlap",
				    (ull)order[i - 1].offset, (ull)order[i].offset);
	g->data_offset = start;
	return 0;
}

static int parse(struct tandem_gguf *g, struct tandem_diag *d)
{
	struct cur c = { g->bytes, 0, g->len, d, 0 };
	uint64_t n_tensors = 0, n_kv = 0;

	if (header(&c, g, &n_tensors, &n_kv) != 0)
		return c.err;
	/* Each pair and tensor takes bytes: counts beyond them are lies. */
	if (n_kv > g->len / 12 || n_tensors > g->len / 24)
		return fail(&c, TANDEM_EBADINPUT, "TANDEM-GGUF-TRUNCATED",
			    "the header: %llu pairs and %llu tensors cannot fit in the file",
			    (ull)n_kv, (ull)n_tensors);
	g->n_kv = (size_t)n_kv;
	g->n_tensors = (size_t)n_tensors;
	g->kv = tandem_arena_calloc(&g->arena, g->n_kv + 1, sizeof *g->kv);
	g->tensors = tandem_arena_calloc(&g->arena, g->n_tensors + 1, sizeof *g->tensors);
	if (g->kv == NULL || g->tensors == NULL ||
	    gguf_index_init(&g->kv_index, &g->arena, g->n_kv) != 0 ||
	    gguf_index_init(&g->tensor_index, &g->arena, g->n_tensors) != 0)
		return fail(&c, TANDEM_ENOMEM, "TANDEM-GGUF-MEMORY", "out of memory");
	g->kv_index.kv = g->kv;
	g->tensor_index.tensors = g->tensors;
	if (metadata(&c, &g->arena, g) != 0 || alignment(&c, g) != 0)
		return c.err;
	for (size_t i = 0; i < g->n_tensors && c.err == 0; i++)
		(void)tensor_info(&c, g, i);
	if (c.err == 0)
		(void)tensor_data(&c, &g->arena, g);
	return c.err;
}

static struct tandem_gguf *gguf_new(void)
{
	struct tandem_gguf *g = calloc(1, sizeof *g);

	if (g != NULL)
		tandem_arena_init(&g->arena, ARENA_MAX);
	return g;
}

int tandem_gguf_read(const void *bytes, size_t len, struct tandem_diag *d,
		     struct tandem_gguf **out)
{
	struct tandem_gguf *g = gguf_new();
	int rc;

	*out = NULL;
	if (g == NULL)
		return TANDEM_ENOMEM;
	g->bytes = bytes;
	g->len = len;
	rc = parse(g, d);
	if (rc != 0) {
		tandem_gguf_close(g);
		return rc;
	}
	*out = g;
	return 0;
}

int tandem_gguf_open(const char *path, struct tandem_diag *d, struct tandem_gguf **out)
{
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	*out = NULL;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = fd >= 0 && errno == 0 ? EISDIR : errno;
		(void)tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EIO, "TANDEM-GGUF-FILE", path, 0,
				      "cannot read the model file: %s",
				      fd >= 0 && S_ISDIR(st.st_mode) ? "a directory" : strerror(rc));
		if (fd >= 0)
			(void)close(fd);
		return TANDEM_EIO;
	}
	if (st.st_size == 0) {
		(void)close(fd);
		return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EBADINPUT, "TANDEM-GGUF-FILE",
				       path, 0, "the model file is empty"), TANDEM_EBADINPUT;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	(void)close(fd);
	if (map == MAP_FAILED)
		return tandem_diag_add(d, TANDEM_SEV_ERROR, TANDEM_EIO, "TANDEM-GGUF-FILE", path, 0,
				       "cannot map the model file: %s", strerror(errno)),
		       TANDEM_EIO;
	rc = tandem_gguf_read(map, (size_t)st.st_size, d, out);
	if (rc != 0) {
		(void)munmap(map, (size_t)st.st_size);
		return rc;
	}
	(*out)->mapped = true;
	return 0;
}

void tandem_gguf_close(struct tandem_gguf *g)
{
	if (g == NULL)
		return;
	if (g->mapped)
		(void)munmap((void *)g->bytes, g->len);
	tandem_arena_release(&g->arena);
	free(g);
}
