/*
 * tests/test_gguf.c - the GGUF reader: a small file built here read back
 * whole (metadata of every type, arrays, tensors where they belong), every
 * truncation of it and every kind of damage refused with its reason, and
 * the test models of ../shared/data/llm opened with the values their
 * metadata holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/error.h"
#include "tandem/gguf.h"
#include "test.h"

#define FILE_MAX 4096

/* A GGUF file being written, with where some fields are (to damage). */
struct gb {
	unsigned char b[FILE_MAX];
	size_t n;
	size_t at_version, at_n_kv, at_bool, at_type_a, at_dims_b, at_off_b, at_name_b, at_key3;
};

static void put(struct gb *g, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		g->b[g->n++] = (unsigned char)(v >> (8 * i));
}

static void put_str(struct gb *g, const char *s)
{
	put(g, strlen(s), 8);
	memcpy(g->b + g->n, s, strlen(s));
	g->n += strlen(s);
}

/*
 * Two tensors - "a": F32 [32], "b": Q8_0 [32 x 2] - and six pairs: a string,
 * a UINT32, a BOOL, an INT32 array, a STRING array and a FLOAT32.
 */
static void build(struct gb *g)
{
	memset(g, 0, sizeof *g);
	put(g, 0x46554747u, 4);
	g->at_version = g->n;
	put(g, 3, 4);
	put(g, 2, 8);
	g->at_n_kv = g->n;
	put(g, 6, 8);
	put_str(g, "general.architecture");
	put(g, TANDEM_GGUF_STRING, 4);
	put_str(g, "llama");
	put_str(g, "llama.block_count");
	put(g, TANDEM_GGUF_UINT32, 4);
	put(g, 5, 4);
	g->at_key3 = g->n;
	put_str(g, "x.flag");
	put(g, TANDEM_GGUF_BOOL, 4);
	g->at_bool = g->n;
	put(g, 1, 1);
	put_str(g, "x.ints");
	put(g, TANDEM_GGUF_ARRAY, 4);
	put(g, TANDEM_GGUF_INT32, 4);
	put(g, 3, 8);
	put(g, 1, 4);
	put(g, (uint32_t)-2, 4);
	put(g, 3, 4);
	put_str(g, "x.words");
	put(g, TANDEM_GGUF_ARRAY, 4);
	put(g, TANDEM_GGUF_STRING, 4);
	put(g, 2, 8);
	put_str(g, "a");
	put_str(g, "bc");
	put_str(g, "x.eps");
	put(g, TANDEM_GGUF_FLOAT32, 4);
	put(g, 0x3f000000u, 4);            /* 0.5 */
	put_str(g, "a");
	put(g, 1, 4);
	put(g, 32, 8);
	g->at_type_a = g->n;
	put(g, TANDEM_GGML_F32, 4);
	put(g, 0, 8);
	g->at_name_b = g->n;
	put_str(g, "b");
	g->at_dims_b = g->n;
	put(g, 2, 4);
	put(g, 32, 8);
	put(g, 2, 8);
	put(g, TANDEM_GGML_Q8_0, 4);
	g->at_off_b = g->n;
	put(g, 128, 8);
	while (g->n % 32 != 0)
		g->b[g->n++] = 0;
	for (size_t i = 0; i < 128 + 68; i++)
		g->b[g->n++] = (unsigned char)i;
}

static void set(struct gb *g, size_t at, uint64_t v, unsigned bytes)
{
	size_t n = g->n;

	g->n = at;
	put(g, v, bytes);
	g->n = n;
}

/* The file is refused with code and a finding of rule. */
static void refused(const struct gb *g, int code, const char *rule)
{
	struct tandem_gguf *f = NULL;
	struct tandem_diag d;

	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_gguf_read(g->b, g->n, &d, &f), code);
	ASSERT(f == NULL);
	ASSERT_EQ(d.count, 1);
	ASSERT_STR_EQ(d.items[0].rule, rule);
	tandem_diag_release(&d);
}

TEST(gguf_read_back)
{
	struct gb g;
	struct tandem_gguf *f = NULL;
	struct tandem_diag d;
	struct tandem_gguf_str s;
	uint64_t u = 0, count = 0;
	int64_t i = 0;
	double x = 0;
	bool flag = false;
	enum tandem_gguf_type type;

	build(&g);
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_gguf_read(g.b, g.n, &d, &f), 0);
	ASSERT_EQ(tandem_gguf_version(f), 3);
	ASSERT_EQ(tandem_gguf_kv_count(f), 6);
	ASSERT(tandem_gguf_get_str(f, "general.architecture", &s));
	ASSERT(s.len == 5 && memcmp(s.p, "llama", 5) == 0);
	ASSERT(tandem_gguf_get_u64(f, "llama.block_count", &u));
	ASSERT_EQ(u, 5);
	ASSERT(tandem_gguf_get_i64(f, "llama.block_count", &i));
	ASSERT(!tandem_gguf_get_f64(f, "llama.block_count", &x));
	ASSERT(!tandem_gguf_get_u64(f, "no.such.key", &u));
	ASSERT(tandem_gguf_get_bool(f, "x.flag", &flag) && flag);
	ASSERT(tandem_gguf_get_f64(f, "x.eps", &x));
	ASSERT(x == 0.5);
	ASSERT(tandem_gguf_get_array(f, "x.ints", &type, &count));
	ASSERT(type == TANDEM_GGUF_INT32 && count == 3);
	const struct tandem_gguf_kv *kv = tandem_gguf_find(f, "x.ints");
	ASSERT(tandem_gguf_array_i64(&kv->value, 1, &i));
	ASSERT_EQ(i, -2);
	ASSERT(!tandem_gguf_array_i64(&kv->value, 3, &i));
	ASSERT(!tandem_gguf_array_str(&kv->value, 0, &s));
	kv = tandem_gguf_find(f, "x.words");
	ASSERT(tandem_gguf_array_str(&kv->value, 1, &s));
	ASSERT(s.len == 2 && memcmp(s.p, "bc", 2) == 0);
	ASSERT_EQ(tandem_gguf_tensor_count(f), 2);
	const struct tandem_gguf_tensor *t = tandem_gguf_tensor_find(f, "b");
	ASSERT(t != NULL);
	ASSERT(t->type == TANDEM_GGML_Q8_0 && t->n_dims == 2 && t->ne[1] == 2 && t->bytes == 68);
	ASSERT(t->data == g.b + (g.n - 196) + 128);
	ASSERT_EQ(((const unsigned char *)t->data)[0], 128);
	ASSERT(tandem_gguf_tensor_find(f, "c") == NULL);
	tandem_gguf_close(f);
	tandem_diag_release(&d);
}

/* Every prefix of the file is refused, by a finding, without a crash. */
TEST(gguf_every_truncation)
{
	struct gb g;

	build(&g);
	size_t n = g.n;
	for (size_t len = 0; len < n; len++) {
		struct tandem_gguf *f = NULL;
		struct tandem_diag d;

		tandem_diag_init(&d, 10);
		g.n = len;
		ASSERT(tandem_gguf_read(g.b, len, &d, &f) != 0);
		ASSERT(f == NULL && d.count == 1);
		tandem_diag_release(&d);
	}
}

TEST(gguf_damage_refused)
{
	struct gb g;

	build(&g);
	g.b[0] = 'X';
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-MAGIC");
	build(&g);
	set(&g, g.at_version, 1, 4);
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-VERSION");
	set(&g, g.at_version, 0x03000000u, 4);
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-VERSION");
	build(&g);
	set(&g, g.at_n_kv, (uint64_t)1 << 40, 8);
	refused(&g, TANDEM_ELIMIT, "TANDEM-GGUF-LIMIT");
	set(&g, g.at_n_kv, 90000, 8);           /* under the limit, beyond the file */
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-TRUNCATED");
	build(&g);
	set(&g, g.at_bool, 2, 1);
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-VALUE");
	build(&g);
	set(&g, g.at_bool - 4, 13, 4);          /* the type of x.flag */
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-TYPE");
	build(&g);
	set(&g, g.at_type_a, 99, 4);
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-TENSOR-TYPE");
	build(&g);
	set(&g, g.at_dims_b, 0, 4);
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-TENSOR");
	build(&g);
	set(&g, g.at_dims_b + 4, 33, 8);        /* 33 is not whole Q8_0 blocks */
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-TENSOR");
	build(&g);
	set(&g, g.at_dims_b + 4, (uint64_t)1 << 61, 8);
	set(&g, g.at_dims_b + 12, (uint64_t)1 << 20, 8);
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-TENSOR");
	build(&g);
	set(&g, g.at_off_b, 4, 8);
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-ALIGNMENT");
	set(&g, g.at_off_b, 4096, 8);
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-BOUNDS");
	set(&g, g.at_off_b, (uint64_t)-32, 8);
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-BOUNDS");
	set(&g, g.at_off_b, 96, 8);
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-OVERLAP");
	build(&g);
	set(&g, g.at_name_b + 8, 'a', 1);       /* tensor "a" twice */
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-DUPLICATE");
	build(&g);
	memcpy(g.b + g.at_key3 + 8, "x.ints", 6);   /* a key twice */
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-DUPLICATE");
	build(&g);
	/* "llama.block_count" becomes "general.alignment" (as long): 5 is not
	 * a power of two. */
	size_t at = 0;
	while (memcmp(g.b + at, "llama.block_count", 17) != 0)
		at++;
	memcpy(g.b + at, "general.alignment", 17);
	refused(&g, TANDEM_EBADINPUT, "TANDEM-GGUF-ALIGNMENT");
}

/* The test models and vocabularies open, with what their metadata says. */
TEST(gguf_shared_models)
{
	static const char *const files[] = {
		"models/stories260K-F32.gguf", "models/stories260K-Q8_0.gguf",
		"models/synth-tiny-F16.gguf", "models/synth-tiny-Q8_0.gguf",
		"models/synth-tiny-Q4_0.gguf", "models/synth-tiny-Q4_K_M.gguf",
		"models/synth-tiny-Q6_K.gguf", "ggml-vocab-llama-spm.gguf",
		"ggml-vocab-mistral-spm-v3.gguf",
	};
	char path[4096];
	struct tandem_gguf *f = NULL;
	struct tandem_diag d;
	uint64_t u = 0, count = 0;
	enum tandem_gguf_type type;

	snprintf(path, sizeof path, "%s/llm/%s", test_shared_data(), files[0]);
	tandem_diag_init(&d, 10);
	if (tandem_gguf_open(path, &d, &f) == TANDEM_EIO)
		SKIP("../shared/data/llm is missing");
	ASSERT(f != NULL);
	ASSERT(tandem_gguf_get_u64(f, "llama.embedding_length", &u) && u == 64);
	ASSERT(tandem_gguf_get_u64(f, "llama.block_count", &u) && u == 5);
	ASSERT(tandem_gguf_get_array(f, "tokenizer.ggml.tokens", &type, &count));
	ASSERT(type == TANDEM_GGUF_STRING && count == 512);
	const struct tandem_gguf_tensor *t = tandem_gguf_tensor_find(f, "token_embd.weight");
	ASSERT(t != NULL && t->type == TANDEM_GGML_F32 && t->ne[0] == 64 && t->ne[1] == 512);
	tandem_gguf_close(f);
	for (size_t i = 1; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/llm/%s", test_shared_data(), files[i]);
		ASSERT_EQ(tandem_gguf_open(path, &d, &f), 0);
		ASSERT(tandem_gguf_get_array(f, "tokenizer.ggml.tokens", &type, &count));
		ASSERT(count >= 512);
		tandem_gguf_close(f);
	}
	snprintf(path, sizeof path, "%s/llm/models/synth-tiny-Q4_K_M.gguf", test_shared_data());
	ASSERT_EQ(tandem_gguf_open(path, &d, &f), 0);
	size_t q4k = 0;
	for (size_t i = 0; i < tandem_gguf_tensor_count(f); i++)
		q4k += tandem_gguf_tensor_at(f, i)->type == TANDEM_GGML_Q4_K;
	ASSERT_GT(q4k, 0);
	tandem_gguf_close(f);
	ASSERT_EQ(tandem_gguf_open("/nonexistent.gguf", &d, &f), TANDEM_EIO);
	ASSERT_EQ(tandem_gguf_open("tests", &d, &f), TANDEM_EIO);
	tandem_diag_release(&d);
}

TEST(cli_llm_info)
{
	char path[4096];

	if (!test_shared_file(path, sizeof path, "llm/models/stories260K-F32.gguf"))
		SKIP("../shared/data/llm is missing");
	free(test_cli_expect((const char *const[]){"llm", "info", "--tensors", path, NULL}, NULL,
			     0, "token_embd.weight  F32  [64 x 512]  131072 bytes", NULL));
	free(test_cli_expect((const char *const[]){"llm", "info", path, NULL}, NULL, 0,
			     "llama.block_count (UINT32) = 5", NULL));
	free(test_cli_expect((const char *const[]){"llm", "info", "README.md", NULL}, NULL, 1,
			     NULL, "TANDEM-GGUF-MAGIC: not a GGUF file"));
	free(test_cli_expect((const char *const[]){"llm", "info", NULL}, NULL, 2, NULL,
			     "one model file"));
	free(test_cli_expect((const char *const[]){"llm", "frob", NULL}, NULL, 2, NULL,
			     "subcommand"));
}
