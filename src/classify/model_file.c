/*
 * src/classify/model_file.c - the model file: write, read, check.
 *
 * Layout (docs/classify.md, "Model file"), little-endian throughout:
 *   "tandem-classify\n", u32 version (1), the parameters (u32 and binary32
 *   fields in the order of struct cls_params, then u64 seed), u64 examples,
 *   u32 classes, u32 divisions, u32 texts, u64 postings;
 *   u16 group[classes]; binary16 W[2^bits][classes]; binary16 b[classes];
 *   binary16 Wd[2^bits][divisions]; binary16 bd[divisions];
 *   f32 idf[2^bits]; u16 text_class[texts]; u32 off[2^bits + 1];
 *   u32 post_text[postings]; f32 post_val[postings];
 *   the SHA-256 of all the bytes before it.
 * A file is read from untrusted bytes: every count is bounded, the size
 * must be exactly what the counts say, the hash must match, and every
 * value is checked (classes distinct, offsets increasing, texts and classes
 * in range, numbers finite) before the model is used.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify_int.h"
#include "tandem/alloc.h"

#define MAGIC   "tandem-classify\n"
#define VERSION 1u
#define HEAD_BYTES (16 + 4 + 4 * 31 + 8 + 8 + 4 + 4 + 4 + 8)
#define PARAMS_COUNT 27 /* of the 31 slots; the rest is reserved, 0 */
#define FILE_BYTES_MAX (1ull << 32)

struct cursor {
	unsigned char *p; /* writing: the buffer; reading: NULL */
	const unsigned char *r;
	size_t at, len;
};

static void put(struct cursor *c, const void *v, size_t n)
{
	memcpy(c->p + c->at, v, n);
	c->at += n;
}
static void put_u16(struct cursor *c, uint16_t v)
{
	unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
	put(c, b, 2);
}
static void put_u32(struct cursor *c, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	put(c, b, 4);
}
static void put_u64(struct cursor *c, uint64_t v)
{
	put_u32(c, (uint32_t)v);
	put_u32(c, (uint32_t)(v >> 32));
}
static void put_f32(struct cursor *c, float v)
{
	uint32_t u;
	memcpy(&u, &v, 4);
	put_u32(c, u);
}

static uint16_t get_u16(struct cursor *c)
{
	const unsigned char *b = c->r + c->at;
	c->at += 2;
	return (uint16_t)(b[0] | b[1] << 8);
}
static uint32_t get_u32(struct cursor *c)
{
	const unsigned char *b = c->r + c->at;
	c->at += 4;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static uint64_t get_u64(struct cursor *c)
{
	uint64_t lo = get_u32(c);
	return lo | (uint64_t)get_u32(c) << 32;
}
static float get_f32(struct cursor *c)
{
	uint32_t u = get_u32(c);
	float v;
	memcpy(&v, &u, 4);
	return v;
}

/* The parameters, in file order: u32 fields as 'u', binary32 as 'f'. */
#define PARAMS(XX)                                                                           \
	XX(u, bits) XX(u, max_words) XX(u, prefix) XX(u, minn) XX(u, maxn) XX(u, ngram_langs) \
	XX(u, first_words) XX(u, bigrams) XX(f, word_w) XX(f, prefix_w) XX(f, bigram_w)     \
	XX(f, ngram_w) XX(f, first_w) XX(u, lang_feature) XX(u, amount_feature)             \
	XX(u, epochs) XX(f, lr) XX(f, label_w) XX(u, label_langs) XX(f, knn_alpha)          \
	XX(u, knn_k) XX(f, knn_power) XX(f, knn_df_max) XX(f, needs_human) XX(f, div_w)     \
	XX(u, hier) XX(f, label_smooth)

static uint64_t body_bytes(uint64_t bits, uint64_t classes, uint64_t divs, uint64_t texts,
			   uint64_t post)
{
	uint64_t buckets = (uint64_t)1 << bits;
	return classes * 2 + (buckets + 1) * (classes + divs) * 2 + buckets * 4 + texts * 2 +
	       (buckets + 1) * 4 + post * 8;
}

static size_t file_bytes(const struct tandem_cls_model *m)
{
	return HEAD_BYTES +
	       (size_t)body_bytes(m->p.bits, m->nclasses, m->ndivs, m->ndocs, m->npost) + 32;
}

/* The file form of m into a new buffer of file_bytes(m). */
static unsigned char *encode(const struct tandem_cls_model *m)
{
	size_t n = file_bytes(m), buckets = (size_t)1 << m->p.bits;
	struct cursor c = {tandem_malloc(n), NULL, 0, n};
	if (c.p == NULL)
		return NULL;
	put(&c, MAGIC, 16);
	put_u32(&c, VERSION);
#define PUT_u(name) put_u32(&c, m->p.name);
#define PUT_f(name) put_f32(&c, m->p.name);
#define PUT(kind, name) PUT_##kind(name)
	PARAMS(PUT)
#undef PUT
	/* pad the u32 area to its fixed size: 31 slots */
	for (int i = PARAMS_COUNT; i < 31; i++)
		put_u32(&c, 0);
	put_u64(&c, m->p.seed);
	put_u64(&c, m->examples);
	put_u32(&c, (uint32_t)m->nclasses);
	put_u32(&c, (uint32_t)m->ndivs);
	put_u32(&c, (uint32_t)m->ndocs);
	put_u64(&c, m->npost);
	for (size_t i = 0; i < m->nclasses; i++)
		put_u16(&c, m->group[i]);
	for (size_t i = 0; i < buckets * m->nclasses; i++)
		put_u16(&c, m->W[i]);
	for (size_t i = 0; i < m->nclasses; i++)
		put_u16(&c, tandem_half_of(m->b[i]));
	for (size_t i = 0; i < buckets * m->ndivs; i++)
		put_u16(&c, m->Wd[i]);
	for (size_t i = 0; i < m->ndivs; i++)
		put_u16(&c, tandem_half_of(m->bd[i]));
	for (size_t i = 0; i < buckets; i++)
		put_f32(&c, m->idf[i]);
	for (size_t i = 0; i < m->ndocs; i++)
		put_u16(&c, m->doc_class[i]);
	for (size_t i = 0; i <= buckets; i++)
		put_u32(&c, m->off[i]);
	for (size_t i = 0; i < m->npost; i++)
		put_u32(&c, m->post_doc[i]);
	for (size_t i = 0; i < m->npost; i++)
		put_f32(&c, m->post_val[i]);
	crypto_hash_sha256(c.p + c.at, c.p, c.at);
	return c.p;
}

void tandem_cls_model_info(const struct tandem_cls_model *m, size_t *classes,
			   size_t *examples, size_t *bytes)
{
	*classes = m->nclasses;
	*examples = (size_t)m->examples;
	*bytes = file_bytes(m);
}

void tandem_cls_model_sha256(const struct tandem_cls_model *m, char hex[65])
{
	unsigned char *b = encode(m);
	hex[0] = '\0';
	if (b == NULL)
		return;
	sodium_bin2hex(hex, 65, b + file_bytes(m) - 32, 32);
	tandem_free(b);
}

int tandem_cls_model_save(const struct tandem_cls_model *m, const char *path,
			  struct tandem_diag *d)
{
	char tmp[4096];
	size_t n = file_bytes(m);
	unsigned char *b = encode(m);
	int rc = 0;

	if (b == NULL)
		return TANDEM_ENOMEM;
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		tandem_free(b);
		return cls_refuse(d, TANDEM_EINVAL, "TANDEM-CLASSIFY-FILE", "path too long");
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = cls_refuse(d, TANDEM_EIO, "TANDEM-CLASSIFY-FILE", "cannot write %s: %s", tmp,
				strerror(errno));
		tandem_free(b);
		return rc;
	}
	for (size_t at = 0; at < n && rc == 0;) {
		ssize_t k = write(fd, b + at, n - at);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			rc = TANDEM_EIO;
		else
			at += (size_t)k;
	}
	if (rc == 0 && fsync(fd) != 0)
		rc = TANDEM_EIO;
	if (close(fd) != 0)
		rc = TANDEM_EIO;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = TANDEM_EIO;
	if (rc != 0) {
		(void)cls_refuse(d, rc, "TANDEM-CLASSIFY-FILE", "cannot write %s: %s", path,
				 strerror(errno));
		(void)unlink(tmp);
	}
	tandem_free(b);
	return rc;
}

static int bad(struct tandem_diag *d, const char *what)
{
	return cls_refuse(d, TANDEM_EBADINPUT, "TANDEM-CLASSIFY-MODEL",
			  "not a usable model file: %s", what);
}

static bool params_ok(const struct cls_params *p)
{
	const float w[] = {p->word_w, p->prefix_w, p->bigram_w, p->ngram_w, p->first_w,
			   p->lr, p->label_w, p->knn_power, p->knn_df_max};
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
		if (!isfinite(w[i]) || w[i] < 0.0f || w[i] > 1000.0f)
			return false;
	return p->bits >= 12 && p->bits <= 20 && p->max_words >= 1 &&
	       p->max_words <= CLS_WORDS_MAX && p->prefix <= CLS_WORD_BYTES_MAX &&
	       p->minn <= p->maxn && p->maxn <= 8 && p->ngram_langs < 8 && p->first_words <= 16 &&
	       p->bigrams <= 1 && p->lang_feature <= 1 && p->amount_feature <= 1 &&
	       p->epochs >= 1 && p->epochs <= 100 && p->label_langs < 8 && p->knn_k >= 1 &&
	       p->knn_k <= 64 && isfinite(p->knn_alpha) && p->knn_alpha >= 0.0f &&
	       p->knn_alpha <= 1.0f && isfinite(p->needs_human) && p->needs_human >= 0.0f &&
	       p->needs_human <= 1.0f && isfinite(p->div_w) && p->div_w >= 0.0f &&
	       p->div_w <= 1.0f && p->hier <= 1 && isfinite(p->label_smooth) &&
	       p->label_smooth >= 0.0f && p->label_smooth < 1.0f;
}

/* The arrays of the body, checked value by value. */
static int read_body(struct tandem_cls_model *m, struct cursor *c, struct tandem_diag *d)
{
	size_t buckets = (size_t)1 << m->p.bits, nc = m->nclasses;
	for (size_t g = 0; g < 1000; g++)
		m->class_of_group[g] = -1;
	for (size_t i = 0; i < nc; i++) {
		m->group[i] = get_u16(c);
		if (m->group[i] >= 1000 || m->class_of_group[m->group[i]] >= 0)
			return bad(d, "a class is not a CPV group, or named twice");
		m->class_of_group[m->group[i]] = (int16_t)i;
	}
	size_t ndivs = m->ndivs;
	cls_make_divisions(m);
	if (m->ndivs != ndivs)
		return bad(d, "the count of divisions is not that of the classes' groups");
	m->W = tandem_malloc(buckets * nc * sizeof *m->W);
	m->b = tandem_malloc(nc * sizeof *m->b);
	m->idf = tandem_malloc(buckets * sizeof *m->idf);
	m->doc_class = tandem_malloc((m->ndocs + 1) * sizeof *m->doc_class);
	m->off = tandem_malloc((buckets + 1) * sizeof *m->off);
	m->post_doc = tandem_malloc((m->npost + 1) * sizeof *m->post_doc);
	m->post_val = tandem_malloc((m->npost + 1) * sizeof *m->post_val);
	m->Wd = tandem_malloc(buckets * m->ndivs * sizeof *m->Wd);
	m->bd = tandem_malloc(m->ndivs * sizeof *m->bd);
	if (!m->W || !m->b || !m->idf || !m->doc_class || !m->off || !m->post_doc ||
	    !m->post_val || !m->Wd || !m->bd)
		return TANDEM_ENOMEM;
	for (size_t i = 0; i < buckets * nc; i++)
		if (((m->W[i] = get_u16(c)) & 0x7C00) == 0x7C00)
			return bad(d, "a weight is not a number");
	for (size_t i = 0; i < nc; i++)
		if (!isfinite(m->b[i] = tandem_float_of_half(get_u16(c))))
			return bad(d, "a bias is not a number");
	for (size_t i = 0; i < buckets * m->ndivs; i++)
		if (((m->Wd[i] = get_u16(c)) & 0x7C00) == 0x7C00)
			return bad(d, "a division weight is not a number");
	for (size_t i = 0; i < m->ndivs; i++)
		if (!isfinite(m->bd[i] = tandem_float_of_half(get_u16(c))))
			return bad(d, "a division bias is not a number");
	for (size_t i = 0; i < buckets; i++)
		if (!isfinite(m->idf[i] = get_f32(c)) || m->idf[i] < 0.0f)
			return bad(d, "an idf is not a positive number");
	for (size_t i = 0; i < m->ndocs; i++)
		if ((m->doc_class[i] = get_u16(c)) >= nc)
			return bad(d, "a text's class is out of range");
	for (size_t i = 0; i <= buckets; i++) {
		m->off[i] = get_u32(c);
		if ((i == 0 && m->off[0] != 0) || (i > 0 && m->off[i] < m->off[i - 1]) ||
		    m->off[i] > m->npost)
			return bad(d, "the index offsets are not increasing");
	}
	if (m->off[buckets] != m->npost)
		return bad(d, "the index offsets do not end at the postings' count");
	for (size_t i = 0; i < m->npost; i++)
		if ((m->post_doc[i] = get_u32(c)) >= m->ndocs)
			return bad(d, "a posting names a text out of range");
	for (size_t i = 0; i < m->npost; i++)
		if (!isfinite(m->post_val[i] = get_f32(c)))
			return bad(d, "a posting's weight is not a number");
	return 0;
}

int tandem_cls_model_read(const void *bytes, size_t len, struct tandem_diag *d,
			  struct tandem_cls_model **out)
{
	struct cursor c = {NULL, bytes, 0, len};
	unsigned char sum[32];

	*out = NULL;
	if (len < HEAD_BYTES + 32 || memcmp(bytes, MAGIC, 16) != 0)
		return bad(d, len < HEAD_BYTES + 32 ? "too short" : "no tandem-classify magic");
	c.at = 16;
	uint32_t version = get_u32(&c);
	if (version != VERSION)
		return cls_refuse(d, TANDEM_EUNSUPPORTED, "TANDEM-CLASSIFY-MODEL",
				  "model file version %u; this tandem reads version %u", version,
				  VERSION);
	struct tandem_cls_model *m = tandem_calloc(1, sizeof *m);
	if (m == NULL)
		return TANDEM_ENOMEM;
#define GET_u(name) m->p.name = get_u32(&c);
#define GET_f(name) m->p.name = get_f32(&c);
#define GET(kind, name) GET_##kind(name)
	PARAMS(GET)
#undef GET
	c.at += (size_t)4 * (31 - PARAMS_COUNT); /* the reserved slots */
	m->p.seed = get_u64(&c);
	m->examples = get_u64(&c);
	m->nclasses = get_u32(&c);
	uint32_t ndivs = get_u32(&c);
	m->ndocs = get_u32(&c);
	uint64_t npost = get_u64(&c);
	int rc;
	if (!params_ok(&m->p)) {
		rc = bad(d, "parameters out of range");
	} else if (m->nclasses < 2 || m->nclasses > TANDEM_CLS_CLASSES_MAX || ndivs < 1 ||
		   ndivs > 100 || m->ndocs > CLS_DOCS_MAX || npost > CLS_POST_MAX) {
		rc = bad(d, "counts out of range");
	} else if (HEAD_BYTES + body_bytes(m->p.bits, m->nclasses, ndivs, m->ndocs, npost) + 32 !=
		   len) {
		rc = bad(d, "its size is not what its counts say (truncated or extended)");
	} else {
		crypto_hash_sha256(sum, bytes, len - 32);
		if (sodium_memcmp(sum, (const unsigned char *)bytes + len - 32, 32) != 0) {
			rc = bad(d, "its SHA-256 does not match its content (damaged)");
		} else {
			m->npost = (size_t)npost;
			m->ndivs = ndivs;
			rc = read_body(m, &c, d);
		}
	}
	if (rc != 0) {
		tandem_cls_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int tandem_cls_model_load(const char *path, struct tandem_diag *d,
			  struct tandem_cls_model **out)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	*out = NULL;
	if (fd < 0)
		return cls_refuse(d, TANDEM_EIO, "TANDEM-CLASSIFY-FILE", "cannot open %s: %s", path,
				  strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > FILE_BYTES_MAX) {
		close(fd);
		return cls_refuse(d, TANDEM_EBADINPUT, "TANDEM-CLASSIFY-FILE",
				  "%s is not a regular file of at most 4 GiB", path);
	}
	size_t n = (size_t)st.st_size;
	unsigned char *b = tandem_malloc(n ? n : 1);
	if (b == NULL) {
		close(fd);
		return TANDEM_ENOMEM;
	}
	for (size_t at = 0; at < n;) {
		ssize_t k = read(fd, b + at, n - at);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			rc = cls_refuse(d, TANDEM_EIO, "TANDEM-CLASSIFY-FILE", "cannot read %s", path);
			break;
		}
		at += (size_t)k;
	}
	close(fd);
	if (rc == 0)
		rc = tandem_cls_model_read(b, n, d, out);
	tandem_free(b);
	return rc;
}
