/*
 * tests/test_tok_model.c - the tokenizer read from SentencePiece's own
 * .model files (Mistral's, in ../shared/data/llm/mistral-common): the
 * SentencePiece library's vectors give the same ids as from the GGUF
 * vocabularies, the vocabularies are the same; truncated, damaged and
 * unsupported models are refused with one finding; control tokens in a
 * text (TANDEM_TOK_PARSE_SPECIAL) and user-defined ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/error.h"
#include "tandem/gguf.h"
#include "tandem/tokenizer.h"
#include "test.h"
#include "tok_helpers.h"

#define MODEL_DIR "llm/mistral-common/src/mistral_common/data"
#define V1 "tokenizer.model.v1"
#define V2 "mistral_instruct_tokenizer_240216.model.v2"
#define V3 "mistral_instruct_tokenizer_240323.model.v3"
#define V7 "mistral_instruct_tokenizer_241114.model.v7"

static char *model_bytes(const char *file, size_t *len)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/" MODEL_DIR "/%s", test_shared_data(), file);
	return test_read_file(path, len);
}

struct tandem_tok *tok_open_spm_model(const char *file)
{
	struct tandem_tok *t = NULL;
	struct tandem_diag d;
	size_t len;
	char *bytes = model_bytes(file, &len);

	if (bytes == NULL)
		return NULL;
	tandem_diag_init(&d, 10);
	if (tandem_tok_from_spm_model(bytes, len, &d, &t) != 0)
		FAIL("%s: %s", file, test_findings_text(&d));
	/* The tokenizer keeps copies: the bytes can go at once. */
	memset(bytes, 0, len);
	free(bytes);
	tandem_diag_release(&d);
	return t;
}

TEST(tok_model_vectors)
{
	static const char *const cases[][2] = {
		{ V1, "ggml-vocab-mistral-spm-v1.gguf" },
		{ V3, "ggml-vocab-mistral-spm-v3.gguf" },
		{ V7, "ggml-vocab-mistral-spm-v7.gguf" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tandem_tok *t = tok_open_spm_model(cases[i][0]);

		if (t == NULL)
			SKIP("../shared/data/llm/mistral-common is missing");
		ASSERT_GT(tok_check_vectors(t, cases[i][1]), 30);
		tandem_tok_free(t);
	}
}

/* The .model and the GGUF made of it hold the same vocabulary. */
TEST(tok_model_same_as_gguf)
{
	static const char *const cases[][2] = {
		{ V1, "ggml-vocab-mistral-spm-v1.gguf" },
		{ V3, "ggml-vocab-mistral-spm-v3.gguf" },
		{ V7, "ggml-vocab-mistral-spm-v7.gguf" },
	};
	struct tandem_diag d;

	tandem_diag_init(&d, 10);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tandem_tok *m = tok_open_spm_model(cases[i][0]), *g = NULL;
		struct tandem_gguf *f = NULL;
		char path[4096];

		if (m == NULL)
			SKIP("../shared/data/llm/mistral-common is missing");
		snprintf(path, sizeof path, "%s/llm/%s", test_shared_data(), cases[i][1]);
		ASSERT_EQ(tandem_gguf_open(path, &d, &f), 0);
		ASSERT_EQ(tandem_tok_from_gguf(f, &d, &g), 0);
		ASSERT_EQ(tandem_tok_vocab_size(m), tandem_tok_vocab_size(g));
		ASSERT_EQ(tandem_tok_bos(m), tandem_tok_bos(g));
		ASSERT_EQ(tandem_tok_eos(m), tandem_tok_eos(g));
		ASSERT(tandem_tok_adds_bos(m));
		for (int32_t id = 0; (size_t)id < tandem_tok_vocab_size(m); id++) {
			size_t a, b;
			const char *pa = tandem_tok_piece(m, id, &a), *pb = tandem_tok_piece(g, id, &b);

			if (a != b || memcmp(pa, pb, a) != 0)
				FAIL("%s: token %d differs", cases[i][0], id);
		}
		ASSERT_EQ(tandem_tok_control(m, "[INST]", 6), i == 0 ? -1 : 3);
		ASSERT_EQ(tandem_tok_control(m, "</s>", 4), 2);
		ASSERT_EQ(tandem_tok_control(m, "\xe2\x96\x81the", 6), -1);
		tandem_tok_free(g);
		tandem_tok_free(m);
		tandem_gguf_close(f);
	}
	tandem_diag_release(&d);
}

/* One model, refused with one finding (or accepted); returns the code. */
static int try_model(const void *bytes, size_t len, const char *expect)
{
	struct tandem_tok *t = NULL;
	struct tandem_diag d;
	int rc;

	tandem_diag_init(&d, 10);
	rc = tandem_tok_from_spm_model(bytes, len, &d, &t);
	if (rc != 0) {
		ASSERT(t == NULL);
		if (d.count != 1)
			FAIL("%zu bytes: %zu findings: %s", len, d.count, test_findings_text(&d));
		ASSERT_STR_CONTAINS(d.items[0].rule, "TANDEM-TOK-");
		if (expect != NULL)
			ASSERT_STR_CONTAINS(d.items[0].message, expect);
	} else {
		ASSERT(t != NULL);
		ASSERT_EQ(d.count, 0);
		if (expect != NULL)
			FAIL("%zu bytes accepted, expected \"%s\"", len, expect);
	}
	tandem_tok_free(t);
	tandem_diag_release(&d);
	return rc;
}

/* Every cut of a model is refused: the specs follow the pieces, so a cut
 * between two pieces still lacks them (a unigram model by default). */
TEST(tok_model_truncated)
{
	size_t len;
	char *bytes = model_bytes(V3, &len);

	if (bytes == NULL)
		SKIP("../shared/data/llm/mistral-common is missing");
	ASSERT_GT(len, 20000);
	for (size_t cut = 0; cut < len; cut += cut < 600 ? 1 : cut + 14000 < len ? 997 : 7)
		ASSERT_NE(try_model(bytes, cut, NULL), 0);
	for (size_t cut = len - 300; cut < len; cut++)
		ASSERT_NE(try_model(bytes, cut, NULL), 0);
	try_model(bytes, 0, "holds no pieces");
	try_model(bytes, 1, "runs past the end");
	try_model(bytes, 5, "runs past the end");
	try_model(bytes, len - 1, "runs past the end");
	ASSERT_EQ(try_model(bytes, len, NULL), 0);
	free(bytes);
}

/* Bytes changed anywhere: refused with one finding or accepted, never a
 * crash (the ASan build watches every read). */
TEST(tok_model_damaged)
{
	size_t len;
	char *bytes = model_bytes(V1, &len);
	unsigned seed = 12345;

	if (bytes == NULL)
		SKIP("../shared/data/llm/mistral-common is missing");
	for (int i = 0; i < 90; i++) {
		seed = seed * 1103515245u + 12345u;
		size_t at = i < 30 ? (size_t)i * 7 : len - 1 - (seed >> 8) % (len / (i < 60 ? 1 : 64));
		char was = bytes[at];

		bytes[at] = (char)(seed >> 3);
		(void)try_model(bytes, len, NULL);
		bytes[at] = (char)0xff;
		(void)try_model(bytes, len, NULL);
		bytes[at] = was;
	}
	free(bytes);
}

/* ---- models written here, field by field ---- */

struct pbw {
	unsigned char b[16384];
	size_t n;
};

static void w_varint(struct pbw *w, uint64_t v)
{
	do {
		ASSERT(w->n < sizeof w->b);
		w->b[w->n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v != 0);
}

static void w_bytes(struct pbw *w, unsigned num, const void *p, size_t len)
{
	w_varint(w, (uint64_t)num << 3 | 2);
	w_varint(w, len);
	ASSERT(w->n + len <= sizeof w->b);
	memcpy(w->b + w->n, p, len);
	w->n += len;
}

static void w_uint(struct pbw *w, unsigned num, uint64_t v)
{
	w_varint(w, (uint64_t)num << 3);
	w_varint(w, v);
}

static void w_piece(struct pbw *w, const char *text, size_t len, float score, int type)
{
	struct pbw p = { .n = 0 };
	uint32_t bits;

	w_bytes(&p, 1, text, len);
	memcpy(&bits, &score, 4);
	w_varint(&p, 2 << 3 | 5);
	for (int i = 0; i < 4; i++)
		p.b[p.n++] = (unsigned char)(bits >> (8 * i));
	if (type != 1)
		w_uint(&p, 3, (uint64_t)(int64_t)type);
	w_bytes(w, 1, p.b, p.n);
}

/* A small BPE model: <unk> <s> </s>, the 256 byte tokens, then pieces
 * that merge; what the options say goes into its specs. */
struct opts {
	int model_type, remove_ws, bos_id, piece_type, dup;
	bool no_bytes, empty_piece, bad_utf8, unknown_fields;
};

static size_t make_model(const struct opts *o, unsigned char *out)
{
	static const char *const merges[] = { "\xe2\x96\x81", "a", "b", ("\xe2\x96\x81" "a"), "ab",
					      "[X]" };
	struct pbw w = { .n = 0 }, spec = { .n = 0 };
	char name[8];

	w_piece(&w, "<unk>", 5, 0, 2);
	w_piece(&w, "<s>", 3, 0, 3);
	w_piece(&w, "</s>", 4, 0, o->piece_type != 0 ? o->piece_type : 3);
	for (int b = 0; b < (o->no_bytes ? 255 : 256); b++) {
		snprintf(name, sizeof name, "<0x%02X>", b);
		w_piece(&w, name, 6, 0, 6);
	}
	for (size_t i = 0; i < sizeof merges / sizeof merges[0]; i++)
		w_piece(&w, merges[i], strlen(merges[i]), -(float)i, i == 5 ? 4 : 1);
	if (o->dup)
		w_piece(&w, "ab", 2, -9, 1);
	if (o->empty_piece)
		w_piece(&w, "", 0, -9, 1);
	if (o->bad_utf8)
		w_piece(&w, "\xc3(", 2, -9, 1);
	if (o->unknown_fields) {
		w_uint(&w, 9, 77);
		w_varint(&w, 10 << 3 | 1);
		for (int i = 0; i < 8; i++)
			w.b[w.n++] = 0xee;
		w_varint(&w, 11 << 3 | 5);
		for (int i = 0; i < 4; i++)
			w.b[w.n++] = 0xee;
		w_bytes(&w, 12, "anything", 8);
	}
	w_uint(&spec, 3, (uint64_t)(o->model_type != 0 ? o->model_type : 2));
	w_uint(&spec, 35, 1);
	if (o->bos_id != 0)
		w_uint(&spec, 41, (uint64_t)(int64_t)o->bos_id);
	w_bytes(&w, 2, spec.b, spec.n);
	spec.n = 0;
	w_bytes(&spec, 1, "identity", 8);
	if (o->remove_ws >= 0)
		w_uint(&spec, 4, (uint64_t)o->remove_ws);
	w_bytes(&w, 3, spec.b, spec.n);
	memcpy(out, w.b, w.n);
	return w.n;
}

static int try_opts(const struct opts *o, const char *expect)
{
	static unsigned char buf[16384];
	size_t n = make_model(o, buf);

	return try_model(buf, n, expect);
}

TEST(tok_model_refusals)
{
	static const unsigned char varint11[] = { 0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						  0xff, 0xff, 0xff, 0x01 };
	static const unsigned char varint65[] = { 0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						  0xff, 0xff, 0x7f };
	static const unsigned char group[] = { 0x0b, 0x0c };
	static const unsigned char wire7[] = { 0x0f };
	static const unsigned char field0[] = { 0x02, 0x00 };
	static const unsigned char pieces_varint[] = { 0x08, 0x01 };
	static const unsigned char long_len[] = { 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 'a' };
	static const unsigned char fixed_cut[] = { 0x0d, 0x01, 0x02 };
	struct tandem_tok *t = NULL;
	struct tandem_diag d;

	try_model(varint11, sizeof varint11, "longer than 10 bytes");
	try_model(varint65, sizeof varint65, "beyond 64 bits");
	try_model(group, sizeof group, "group");
	try_model(wire7, sizeof wire7, "6 or 7");
	try_model(field0, sizeof field0, "field number is 0");
	try_model(pieces_varint, sizeof pieces_varint, "field 1 has a wrong wire type");
	try_model(long_len, sizeof long_len, "length runs past the end");
	try_model(fixed_cut, sizeof fixed_cut, "fixed-size value runs past");
	ASSERT_EQ(try_opts(&(struct opts){ .model_type = 1 }, "unigram"), TANDEM_EUNSUPPORTED);
	ASSERT_EQ(try_opts(&(struct opts){ .remove_ws = -1 }, "remove_extra_whitespaces"),
		  TANDEM_EUNSUPPORTED);
	ASSERT_EQ(try_opts(&(struct opts){ .piece_type = 5 }, "UNUSED"), TANDEM_EUNSUPPORTED);
	try_opts(&(struct opts){ .piece_type = 9 }, "piece 2 has the type 9");
	try_opts(&(struct opts){ .piece_type = -1 }, "piece 2 has the type -1");
	try_opts(&(struct opts){ .bos_id = 5000 }, "bos_id is 5000");
	try_opts(&(struct opts){ .bos_id = -7 }, "bos_id is -7");
	try_opts(&(struct opts){ .dup = 1 }, "has the text of another");
	try_opts(&(struct opts){ .no_bytes = true }, "lacks the byte token <0xFF>");
	try_opts(&(struct opts){ .empty_piece = true }, "is empty");
	try_opts(&(struct opts){ .bad_utf8 = true }, "is not UTF-8");
	ASSERT_EQ(try_opts(&(struct opts){ .unknown_fields = true }, NULL), 0);
	ASSERT_EQ(try_model("", TANDEM_TOK_MODEL_MAX + 1, "beyond the limit"), TANDEM_ELIMIT);

	/* The small model works: merges, a user-defined token, byte fallback. */
	static unsigned char buf[16384];
	size_t len = make_model(&(struct opts){ .bos_id = -1 }, buf);
	int32_t ids[16];
	size_t n = 0;
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_tok_from_spm_model(buf, len, &d, &t), 0);
	ASSERT(!tandem_tok_adds_bos(t));
	ASSERT_EQ(tandem_tok_bos(t), -1);
	ASSERT_EQ(tandem_tok_encode(t, "ab a[X]c", 8, TANDEM_TOK_ADD_BOS, ids, 16, &n, &d), 0);
	/* "▁a" (-3) merges before "ab" (-4); then "b" and "▁a" are left. */
	ASSERT_EQ(n, 5);
	ASSERT_EQ(ids[0], 262);          /* "▁a" */
	ASSERT_EQ(ids[1], 261);          /* "b" */
	ASSERT_EQ(ids[2], 262);          /* "▁a" */
	ASSERT_EQ(ids[3], 264);          /* "[X]", whole */
	ASSERT_EQ(ids[4], 3 + 'c');      /* <0x63> */
	tandem_tok_free(t);
	tandem_diag_release(&d);
}

/* ---- control tokens in the text ---- */

static size_t enc(const struct tandem_tok *t, const char *text, unsigned flags, int32_t *ids,
		  size_t max)
{
	struct tandem_diag d;
	size_t n = 0;

	tandem_diag_init(&d, 10);
	if (tandem_tok_encode(t, text, strlen(text), flags, ids, max, &n, &d) != 0)
		FAIL("\"%s\": %s", text, test_findings_text(&d));
	tandem_diag_release(&d);
	return n;
}

TEST(tok_parse_special)
{
	struct tandem_tok *t = tok_open_spm_model(V3);
	int32_t ids[64], plain[64];
	struct tandem_diag d;
	struct tandem_buf b;
	size_t n, m;

	if (t == NULL)
		SKIP("../shared/data/llm/mistral-common is missing");
	/* [INST] ▁Hi [/INST]: the space after a control token is the text's. */
	n = enc(t, "[INST] Hi[/INST]", TANDEM_TOK_PARSE_SPECIAL, ids, 64);
	m = enc(t, "Hi", 0, plain, 64);
	ASSERT_EQ(n, m + 2);
	ASSERT(ids[0] == 3 && ids[n - 1] == 4);
	ASSERT_MEM_EQ(ids + 1, plain, m * sizeof *ids);
	/* "[INST]Hi": no space, no prefix. */
	n = enc(t, "[INST]Hi", TANDEM_TOK_PARSE_SPECIAL, ids, 64);
	ASSERT(n >= 2 && ids[0] == 3);
	ASSERT(ids[1] != plain[0]);
	/* Text first: the prefix as ever; then the controls. */
	n = enc(t, "Hi</s>", TANDEM_TOK_PARSE_SPECIAL, ids, 64);
	ASSERT_EQ(n, m + 1);
	ASSERT_MEM_EQ(ids, plain, m * sizeof *ids);
	ASSERT_EQ(ids[m], 2);
	n = enc(t, "<s>[TOOL_CALLS][AVAILABLE_TOOLS][/AVAILABLE_TOOLS][TOOL_RESULTS]"
		"[/TOOL_RESULTS]", TANDEM_TOK_PARSE_SPECIAL | TANDEM_TOK_ADD_BOS, ids, 64);
	static const int32_t controls[] = { 1, 1, 5, 6, 7, 8, 9 };
	ASSERT_EQ(n, 7);
	ASSERT_MEM_EQ(ids, controls, sizeof controls);
	/* A piece of a control token, or <unk> (not a control), is text. */
	n = enc(t, "[INST[/INST<unk>", TANDEM_TOK_PARSE_SPECIAL, ids, 64);
	for (size_t i = 0; i < n; i++)
		ASSERT(ids[i] > 9);
	/* Without the flag, the control token's text is text. */
	n = enc(t, "[INST] Hi[/INST]", 0, ids, 64);
	for (size_t i = 0; i < n; i++)
		ASSERT(ids[i] > 9);
	/* Decoding with TANDEM_TOK_SPECIALS gives the text back. */
	static const char *const texts[] = { "[INST] Hi[/INST]", "  [INST]  a b [/INST]x</s>",
					     "x[TOOL_CALLS] [{\"a\": 1}]</s>", "", "[INST]",
					     " ", "\xc3\xa9[/INST]\xc3\xa9" };
	tandem_buf_init(&b, 4096);
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		n = enc(t, texts[i], TANDEM_TOK_PARSE_SPECIAL, ids, 64);
		tandem_buf_reset(&b);
		ASSERT_EQ(tandem_tok_decode(t, ids, n, TANDEM_TOK_SPECIALS, &b), 0);
		ASSERT_STR_EQ(b.data, texts[i]);
	}
	tandem_buf_release(&b);
	/* Errors: offsets in the whole text; the limit counts the controls. */
	tandem_diag_init(&d, 10);
	ASSERT_EQ(tandem_tok_encode(t, "[INST]ab\xff", 9, TANDEM_TOK_PARSE_SPECIAL, ids, 64, &n, &d),
		  TANDEM_EBADINPUT);
	ASSERT_STR_CONTAINS(d.items[0].message, "at byte 8");
	ASSERT_EQ(tandem_tok_encode(t, "[INST][INST]", 12, TANDEM_TOK_PARSE_SPECIAL, ids, 1, &n,
				    &d), TANDEM_ELIMIT);
	ASSERT_EQ(n, 0);
	tandem_diag_release(&d);
	tandem_tok_free(t);
}

/* A user-defined token is one token wherever it is, as SentencePiece
 * keeps it ([REFERENCE_DOC_0] is 770 in v3). */
TEST(tok_user_defined)
{
	struct tandem_tok *t = tok_open_spm_model(V3);
	int32_t ids[64], a[16], c[16];
	size_t n, na, nc;

	if (t == NULL)
		SKIP("../shared/data/llm/mistral-common is missing");
	n = enc(t, "x[REFERENCE_DOC_0]y z", 0, ids, 64);
	na = enc(t, "x", 0, a, 16);
	ASSERT_EQ(na, 1);
	nc = enc(t, "y z", 0, c, 16);
	ASSERT_EQ(n, 1 + 1 + nc);
	ASSERT_EQ(ids[0], a[0]);
	ASSERT_EQ(ids[1], 770);
	/* "y" without the prefix: the piece that follows is no word start. */
	ASSERT_NE(ids[2], c[0]);
	struct tandem_buf b;
	tandem_buf_init(&b, 256);
	ASSERT_EQ(tandem_tok_decode(t, ids, n, 0, &b), 0);
	ASSERT_STR_EQ(b.data, "x[REFERENCE_DOC_0]y z");
	tandem_buf_release(&b);
	tandem_tok_free(t);
}
