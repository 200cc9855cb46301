/*
 * tests/test_tok_bpe.c - byte-level BPE (tokenizer.ggml.model "gpt2"): a
 * vocabulary built here as a GGUF file (the 256 byte characters, a few
 * merges, control tokens) and what each rule gives: merges by rank, the
 * pre-tokenizer's pieces (digits by three, contractions, spaces), a piece
 * kept whole when it is a token (Llama 3), control tokens in the text,
 * bytes of any UTF-8 character and the way back; refusals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tandem/chat.h"
#include "tandem/error.h"
#include "tandem/gguf.h"
#include "tandem/tokenizer.h"
#include "test.h"

struct gw {
	unsigned char *b;
	size_t n, cap;
};

static void put(struct gw *g, uint64_t v, unsigned bytes)
{
	if (g->n + bytes > g->cap) {
		g->cap = 2 * (g->n + bytes);
		g->b = realloc(g->b, g->cap);
	}
	for (unsigned i = 0; i < bytes; i++)
		g->b[g->n++] = (unsigned char)(v >> (8 * i));
}

static void put_str(struct gw *g, const char *s)
{
	put(g, strlen(s), 8);
	for (size_t i = 0; s[i]; i++)
		put(g, (unsigned char)s[i], 1);
}

static void kv_str(struct gw *g, const char *key, const char *v)
{
	put_str(g, key);
	put(g, TANDEM_GGUF_STRING, 4);
	put_str(g, v);
}

static void kv_strs(struct gw *g, const char *key, char **v, size_t n)
{
	put_str(g, key);
	put(g, TANDEM_GGUF_ARRAY, 4);
	put(g, TANDEM_GGUF_STRING, 4);
	put(g, n, 8);
	for (size_t i = 0; i < n; i++)
		put_str(g, v[i]);
}

/* The GPT-2 byte alphabet's character of byte b, as UTF-8. */
static void byte_char(unsigned b, char out[3])
{
	unsigned c = b;

	if (!((b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE))
		c = 0x100 + (b <= 0x20 ? b : b <= 0xA0 ? 0x21 + b - 0x7F : 0x43);
	if (c < 0x80) {
		out[0] = (char)c;
		out[1] = 0;
	} else {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		out[2] = 0;
	}
}

/* Tokens after the 256 bytes ("Ġ" is the space's character). */
static const char *const extra[] = {
	"he", "Ġt", "Ġthe", "th", "34", "'m", "Ġhello", "<|begin_of_text|>", "<|eot_id|>",
	"<|start_header_id|>", "<|end_header_id|>", "<|python_tag|>", "<|eom_id|>",
};
#define N_CONTROL 6   /* the last ones */
#define N_TOKENS (256 + sizeof extra / sizeof extra[0])
static const char *const merges[] = { "h e", "Ġ t", "Ġt he", "t h", "3 4", "' m", "x y" };

/* The vocabulary as a GGUF file at path, with pre-tokenizer pre. */
static void write_vocab(const char *path, const char *pre, bool with_merges)
{
	struct gw g = { 0 };
	char *tokens[N_TOKENS], bytes[256][3];
	FILE *f;

	for (unsigned b = 0; b < 256; b++) {
		byte_char(b, bytes[b]);
		tokens[b] = bytes[b];
	}
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		tokens[256 + i] = (char *)extra[i];
	put(&g, 0x46554747u, 4);
	put(&g, 3, 4);
	put(&g, 0, 8);
	put(&g, with_merges ? 7 : 6, 8);
	kv_str(&g, "general.architecture", "llama");
	kv_str(&g, "tokenizer.ggml.model", "gpt2");
	kv_str(&g, "tokenizer.ggml.pre", pre);
	kv_strs(&g, "tokenizer.ggml.tokens", tokens, N_TOKENS);
	put_str(&g, "tokenizer.ggml.token_type");
	put(&g, TANDEM_GGUF_ARRAY, 4);
	put(&g, TANDEM_GGUF_INT32, 4);
	put(&g, N_TOKENS, 8);
	for (size_t i = 0; i < N_TOKENS; i++)
		put(&g, i >= N_TOKENS - N_CONTROL ? 3 : 1, 4);
	put_str(&g, "tokenizer.ggml.bos_token_id");
	put(&g, TANDEM_GGUF_UINT32, 4);
	put(&g, 263, 4);
	if (with_merges)
		kv_strs(&g, "tokenizer.ggml.merges", (char **)merges,
			sizeof merges / sizeof merges[0]);
	while (g.n % 32 != 0)
		put(&g, 0, 1);
	f = fopen(path, "wb");
	ASSERT(f != NULL);
	ASSERT_EQ(fwrite(g.b, 1, g.n, f), g.n);
	fclose(f);
	free(g.b);
}

static struct tandem_gguf *g_file;

static struct tandem_tok *open_vocab(const char *pre, bool with_merges, int want,
				     struct tandem_diag *d)
{
	char path[] = "/tmp/tandem-bpe-XXXXXX";
	struct tandem_tok *t = NULL;
	int fd = mkstemp(path);

	ASSERT(fd >= 0);
	close(fd);
	write_vocab(path, pre, with_merges);
	ASSERT_EQ(tandem_gguf_open(path, d, &g_file), 0);
	unlink(path);
	ASSERT_EQ(tandem_tok_from_gguf(g_file, d, &t), want);
	return t;
}

/* The room of the arrays enc() writes into: 256 ids, more for long texts. */
static size_t enc_max = 256;

static size_t enc(const struct tandem_tok *t, const char *s, unsigned flags, int32_t *ids)
{
	struct tandem_diag d;
	size_t n = 0;

	tandem_diag_init(&d, 4);
	ASSERT_EQ(tandem_tok_encode(t, s, strlen(s), flags, ids, enc_max, &n, &d), 0);
	tandem_diag_release(&d);
	return n;
}

/* The ids of s are want (n of them; 256 + i is extra[i], a byte is its value). */
static void expect(const struct tandem_tok *t, const char *s, unsigned flags,
		   const int32_t *want, size_t n)
{
	int32_t ids[256];
	size_t got = enc(t, s, flags, ids);

	ASSERT_EQ(got, n);
	for (size_t i = 0; i < n; i++)
		ASSERT_EQ(ids[i], want[i]);
}

static void round_trip(const struct tandem_tok *t, const char *s)
{
	int32_t ids[256];
	size_t n = enc(t, s, 0, ids);
	struct tandem_buf out;

	tandem_buf_init(&out, 1 << 16);
	ASSERT_EQ(tandem_tok_decode(t, ids, n, 0, &out), 0);
	ASSERT_EQ(out.len, strlen(s));
	ASSERT(memcmp(out.data, s, out.len) == 0);
	tandem_buf_release(&out);
}

TEST(tok_bpe_llama3)
{
	struct tandem_diag d;
	struct tandem_tok *t;

	tandem_diag_init(&d, 10);
	t = open_vocab("llama-bpe", true, 0, &d);
	/* "the": h+e (rank 0) first, then no merge "t he": t, he. " the":
	 * h+e, Ġ+t, Ġt+he. */
	expect(t, "the the", 0, (const int32_t[]){ 't', 256, 258 }, 3);
	/* Digits by three: "3 4" never merges across "123" | "45". */
	expect(t, "12345", 0, (const int32_t[]){ '1', '2', '3', '4', '5' }, 5);
	expect(t, "34", 0, (const int32_t[]){ 260 }, 1);
	/* A contraction is its own piece. */
	expect(t, "I'm", 0, (const int32_t[]){ 'I', 261 }, 2);
	/* A piece that is a token is kept whole, with no merge leading to it. */
	expect(t, " hello", 0, (const int32_t[]){ 262 }, 1);
	/* Control tokens in the text, BOS. */
	expect(t, "<|begin_of_text|>the<|eot_id|>", TANDEM_TOK_PARSE_SPECIAL,
	       (const int32_t[]){ 263, 't', 256, 264 }, 4);
	expect(t, "the", TANDEM_TOK_ADD_BOS, (const int32_t[]){ 263, 't', 256 }, 3);
	/* Any bytes: "é" is its two bytes' characters. */
	expect(t, "\xC3\xA9", 0, (const int32_t[]){ 0xC3, 0xA9 }, 2);
	round_trip(t, "the the");
	round_trip(t, "Zoë's 12345 \xF0\x9F\x98\x80 tabs\t\tand\n\n  newlines\r\n x");
	round_trip(t, "\x01\x7F \xC2\xAD end ");
	/* Not UTF-8: refused with the offset. */
	int32_t ids[8];
	size_t n;
	ASSERT_EQ(tandem_tok_encode(t, "ab\xFF", 3, 0, ids, 8, &n, &d), TANDEM_EBADINPUT);
	ASSERT_EQ(tandem_tok_encode(t, "the the the", 11, 0, ids, 2, &n, &d), TANDEM_ELIMIT);
	tandem_tok_free(t);
	tandem_gguf_close(g_file);
	tandem_diag_release(&d);
}

/* GPT-2's own pre-tokenizer keeps no piece whole and splits digits as a
 * run: " hello" is its bytes, "12345" merges "3 4". */
TEST(tok_bpe_gpt2)
{
	struct tandem_diag d;
	struct tandem_tok *t;

	tandem_diag_init(&d, 10);
	t = open_vocab("gpt2", true, 0, &d);
	expect(t, "12345", 0, (const int32_t[]){ '1', '2', 260, '5' }, 4);
	expect(t, " hello", 0, (const int32_t[]){ ' ', 256, 'l', 'l', 'o' }, 5);
	tandem_tok_free(t);
	tandem_gguf_close(g_file);
	/* No merges, an unknown pre-tokenizer: refused. */
	t = open_vocab("llama-bpe", false, TANDEM_EBADINPUT, &d);
	ASSERT(t == NULL);
	tandem_gguf_close(g_file);
	t = open_vocab("qwen9", true, TANDEM_EUNSUPPORTED, &d);
	ASSERT(t == NULL);
	tandem_gguf_close(g_file);
	tandem_diag_release(&d);
}

/* Appends the ids of s (no control tokens read) to ids (enc_max of room
 * after *n). */
static void add(const struct tandem_tok *t, const char *s, int32_t *ids, size_t *n)
{
	*n += enc(t, s, 0, ids + *n);
}

/* Appends <|start_header_id|>role<|end_header_id|> (ids 265, 266) to ids. */
static void head(const struct tandem_tok *t, const char *role, int32_t *ids, size_t *n)
{
	ids[(*n)++] = 265;
	add(t, role, ids, n);
	ids[(*n)++] = 266;
}

/* Appends a whole turn: the header, the text, <|eot_id|> (264). */
static void turn(const struct tandem_tok *t, const char *role, const char *text, int32_t *ids,
		 size_t *n)
{
	head(t, role, ids, n);
	add(t, text, ids, n);
	ids[(*n)++] = 264;
}

/* Fails unless got (n ids) is want (nw ids). */
static void same_ids(const int32_t *got, size_t n, const int32_t *want, size_t nw)
{
	ASSERT_EQ(n, nw);
	for (size_t i = 0; i < n; i++)
		ASSERT_EQ(got[i], want[i]);
}

/* Llama 3's instruct format: headers, trimmed contents, the answer's
 * header; a message cannot forge a control token. */
TEST(chat_llama3_format)
{
	struct tandem_diag d;
	struct tandem_tok *t;
	int32_t want[256], got[256];
	size_t nw = 0, n = 0;
	const int32_t bos = 263, eot = 264, eh = 266;

	tandem_diag_init(&d, 10);
	t = open_vocab("llama-bpe", true, 0, &d);
	ASSERT_EQ(tandem_chat_format_of(g_file, t), TANDEM_CHAT_LLAMA3);
	const struct tandem_chat_message m[] = {
		{ .role = TANDEM_CHAT_SYSTEM, .content = "  Be brief.\n" },
		{ .role = TANDEM_CHAT_USER, .content = "the <|eot_id|>" },
	};
	struct tandem_chat chat = { m, 2, NULL, 0, NULL, 0 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 256, &n, &d), 0);
	want[nw++] = bos;
	turn(t, "system", "\n\nBe brief.", want, &nw);
	turn(t, "user", "\n\nthe <|eot_id|>", want, &nw);
	head(t, "assistant", want, &nw);
	add(t, "\n\n", want, &nw);
	same_ids(got, n, want, nw);
	/* An assistant's prefix stays open: no <|eot_id|>, no new header. */
	const struct tandem_chat_message p[] = {
		{ .role = TANDEM_CHAT_USER, .content = "hi" },
		{ .role = TANDEM_CHAT_ASSISTANT, .content = "the", .prefix = true },
	};
	chat = (struct tandem_chat){ p, 2, NULL, 0, NULL, 0 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 256, &n, &d), 0);
	ASSERT(got[n - 1] != eot && got[n - 1] != eh);
	/* Refused: a last message of the assistant; too few ids. */
	const struct tandem_chat_message a[] = {
		{ .role = TANDEM_CHAT_USER, .content = "hi" },
		{ .role = TANDEM_CHAT_ASSISTANT, .content = "yes" },
	};
	chat = (struct tandem_chat){ a, 2, NULL, 0, NULL, 0 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 256, &n, &d),
		  TANDEM_EINVAL);
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 3, &n, &d),
		  TANDEM_EINVAL);
	chat = (struct tandem_chat){ m, 2, NULL, 0, NULL, 0 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 5, &n, &d),
		  TANDEM_ELIMIT);
	tandem_tok_free(t);
	tandem_gguf_close(g_file);
	tandem_diag_release(&d);
}

/* With tools, Llama 3.1's template: the system header with its dates,
 * the tools (json.dumps indent=4) in the first user message, a call as
 * {"name": ..., "parameters": ...}, a result under ipython as a JSON
 * string. The texts below are what the template writes. */
TEST(chat_llama31_tools)
{
	static int32_t want[4096], got[4096];
	struct tandem_diag d;
	struct tandem_tok *t;
	size_t nw = 0, n = 0;
	const int32_t bos = 263;

	tandem_diag_init(&d, 10);
	t = open_vocab("llama-bpe", true, 0, &d);
	enc_max = 2048; /* room left in want at the longest text below */
	const struct tandem_chat_tool tool = {
		"get_weather", "Weather of a city",
		"{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
		"\"required\":[\"city\"]}" };
	const struct tandem_chat_call call = { NULL, "get_weather", "{\"city\":\"Paris\"}" };
	const struct tandem_chat_message m[] = {
		{ .role = TANDEM_CHAT_SYSTEM, .content = " Be brief. " },
		{ .role = TANDEM_CHAT_USER, .content = "What is the weather in Paris?\n" },
		{ .role = TANDEM_CHAT_ASSISTANT, .calls = &call, .n_calls = 1 },
		{ .role = TANDEM_CHAT_TOOL, .content = "{\"temp\": 12}", .name = "get_weather" },
	};
	struct tandem_chat chat = { m, 4, &tool, 1, NULL, 0 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 4096, &n, &d), 0);
	want[nw++] = bos;
	turn(t, "system", "\n\nEnvironment: ipython\nCutting Knowledge Date: December 2023\n"
	     "Today Date: 26 Jul 2024\n\nBe brief.", want, &nw);
	turn(t, "user", "\n\nGiven the following functions, please respond with a JSON for a "
	     "function call with its proper arguments that best answers the given prompt.\n\n"
	     "Respond in the format {\"name\": function name, \"parameters\": dictionary of "
	     "argument name and its value}.Do not use variables.\n\n"
	     "{\n    \"type\": \"function\",\n    \"function\": {\n"
	     "        \"name\": \"get_weather\",\n        \"description\": \"Weather of a city\",\n"
	     "        \"parameters\": {\n            \"type\": \"object\",\n"
	     "            \"properties\": {\n                \"city\": {\n"
	     "                    \"type\": \"string\"\n                }\n            },\n"
	     "            \"required\": [\n                \"city\"\n            ]\n"
	     "        }\n    }\n}\n\nWhat is the weather in Paris?", want, &nw);
	turn(t, "assistant", "\n\n{\"name\": \"get_weather\", \"parameters\": {\"city\": "
	     "\"Paris\"}}", want, &nw);
	turn(t, "ipython", "\n\n\"{\\\"temp\\\": 12}\"", want, &nw);
	head(t, "assistant", want, &nw);
	add(t, "\n\n", want, &nw);
	same_ids(got, n, want, nw);
	/* A call or result without tools: the dates, no ipython line. */
	chat = (struct tandem_chat){ m + 1, 3, NULL, 0, NULL, 0 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 4096, &n, &d), 0);
	nw = 0;
	want[nw++] = bos;
	turn(t, "system", "\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n",
	     want, &nw);
	head(t, "user", want, &nw);
	ASSERT(n > nw);
	for (size_t i = 0; i < nw; i++)
		ASSERT_EQ(got[i], want[i]);
	/* Refused: two calls in one message; tools and no first user
	 * message; a bad name; parameters that are not an object. */
	const struct tandem_chat_call two[] = { call, call };
	const struct tandem_chat_message m2[] = {
		{ .role = TANDEM_CHAT_USER, .content = "hi" },
		{ .role = TANDEM_CHAT_ASSISTANT, .calls = two, .n_calls = 2 },
		{ .role = TANDEM_CHAT_TOOL, .content = "1" },
		{ .role = TANDEM_CHAT_TOOL, .content = "2" },
	};
	chat = (struct tandem_chat){ m2, 4, &tool, 1, NULL, 0 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 4096, &n, &d),
		  TANDEM_EINVAL);
	chat = (struct tandem_chat){ m + 2, 2, &tool, 1, NULL, 0 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 4096, &n, &d),
		  TANDEM_EINVAL);
	const struct tandem_chat_tool bad_name = { "get weather", NULL, NULL };
	chat = (struct tandem_chat){ m, 2, &bad_name, 1, NULL, 0 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 4096, &n, &d),
		  TANDEM_EINVAL);
	const struct tandem_chat_tool bad_params = { "f", NULL, "[1]" };
	chat = (struct tandem_chat){ m, 2, &bad_params, 1, NULL, 0 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 4096, &n, &d),
		  TANDEM_EINVAL);
	ASSERT(d.count >= 4);
	enc_max = 256;
	tandem_tok_free(t);
	tandem_gguf_close(g_file);
	tandem_diag_release(&d);
}

/* Built-in tools, as Llama 3.1's template writes them: named after
 * "Environment: ipython" (code_interpreter left out), a call of one after
 * <|python_tag|> as NAME.call(ARG="VALUE"), every call ended by
 * <|eom_id|>. */
TEST(chat_llama31_builtin)
{
	static int32_t want[4096], got[4096];
	const int32_t bos = 263, tag = 267, eom = 268;
	const char *const builtin[] = { "brave_search", "code_interpreter", "wolfram_alpha" };
	struct tandem_diag d;
	struct tandem_tok *t;
	size_t nw = 0, n = 0;

	tandem_diag_init(&d, 10);
	t = open_vocab("llama-bpe", true, 0, &d);
	enc_max = 2048;
	const struct tandem_chat_call search = { NULL, "brave_search",
						 "{\"query\": \"weather Paris\", \"n\": \"3\"}" };
	const struct tandem_chat_message m[] = {
		{ .role = TANDEM_CHAT_SYSTEM, .content = "Be brief." },
		{ .role = TANDEM_CHAT_USER, .content = " Weather in Paris? " },
		{ .role = TANDEM_CHAT_ASSISTANT, .calls = &search, .n_calls = 1 },
		{ .role = TANDEM_CHAT_TOOL, .content = "12 C", .name = "brave_search" },
	};
	struct tandem_chat chat = { m, 4, NULL, 0, builtin, 3 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 4096, &n, &d), 0);
	want[nw++] = bos;
	turn(t, "system", "\n\nEnvironment: ipython\nTools: brave_search, wolfram_alpha\n\n"
	     "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nBe brief.",
	     want, &nw);
	turn(t, "user", "\n\nWeather in Paris?", want, &nw);
	head(t, "assistant", want, &nw);
	add(t, "\n\n", want, &nw);
	want[nw++] = tag;
	add(t, "brave_search.call(query=\"weather Paris\", n=\"3\")", want, &nw);
	want[nw++] = eom;
	turn(t, "ipython", "\n\n\"12 C\"", want, &nw);
	head(t, "assistant", want, &nw);
	add(t, "\n\n", want, &nw);
	same_ids(got, n, want, nw);
	/* Only code_interpreter: "Tools: " and nothing; a custom tool's call
	 * ends with <|eom_id|> too. */
	const struct tandem_chat_tool tool = { "get_weather", NULL, NULL };
	const struct tandem_chat_call call = { NULL, "get_weather", "{\"city\": \"Paris\"}" };
	const struct tandem_chat_message m2[] = {
		{ .role = TANDEM_CHAT_USER, .content = "hi" },
		{ .role = TANDEM_CHAT_ASSISTANT, .calls = &call, .n_calls = 1 },
		{ .role = TANDEM_CHAT_TOOL, .content = "12" },
	};
	chat = (struct tandem_chat){ m2, 3, &tool, 1, builtin + 1, 1 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 4096, &n, &d), 0);
	nw = 0;
	want[nw++] = bos;
	turn(t, "system", "\n\nEnvironment: ipython\nTools: \n\nCutting Knowledge Date: "
	     "December 2023\nToday Date: 26 Jul 2024\n\n", want, &nw);
	for (size_t i = 0; i < nw; i++)
		ASSERT_EQ(got[i], want[i]);
	nw = 0;
	head(t, "assistant", want, &nw);
	add(t, "\n\n{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}", want,
	    &nw);
	want[nw++] = eom;
	ASSERT(n > nw + 10);
	size_t at = 0;
	while (at + nw <= n && memcmp(got + at, want, nw * sizeof *want) != 0)
		at++;
	ASSERT(at + nw <= n);
	/* Refused: a built-in call with an argument that is not a string;
	 * built-in tools in Mistral's formats. */
	const struct tandem_chat_call bad = { NULL, "brave_search", "{\"n\": 3}" };
	const struct tandem_chat_message m3[] = {
		{ .role = TANDEM_CHAT_USER, .content = "hi" },
		{ .role = TANDEM_CHAT_ASSISTANT, .calls = &bad, .n_calls = 1 },
		{ .role = TANDEM_CHAT_TOOL, .content = "12" },
	};
	chat = (struct tandem_chat){ m3, 3, NULL, 0, builtin, 1 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, got, 4096, &n, &d),
		  TANDEM_EINVAL);
	chat = (struct tandem_chat){ m + 1, 1, NULL, 0, builtin, 1 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_MISTRAL_V3, &chat, got, 4096, &n, &d),
		  TANDEM_EINVAL);
	enc_max = 256;
	tandem_tok_free(t);
	tandem_gguf_close(g_file);
	tandem_diag_release(&d);
}

/* Reads the answer tag (-1: none), text, end back with the tools of chat;
 * the status, and *m. */
static int answer_of(const struct tandem_tok *t, const struct tandem_chat *chat, int32_t tag,
		     const char *text, int32_t end, struct tandem_arena *a,
		     struct tandem_chat_message *m)
{
	int32_t ids[256];
	size_t n = 0;
	struct tandem_diag d;
	int rc;

	if (tag >= 0)
		ids[n++] = tag;
	add(t, text, ids, &n);
	if (end >= 0)
		ids[n++] = end;
	tandem_diag_init(&d, 4);
	rc = tandem_chat_answer(t, TANDEM_CHAT_LLAMA3, chat, ids, n, a, m, &d);
	ASSERT(rc == 0 || d.count == 1);
	tandem_diag_release(&d);
	return rc;
}

static void is_call(const struct tandem_chat_message *m, const char *name, const char *args)
{
	ASSERT_EQ(m->role, TANDEM_CHAT_ASSISTANT);
	ASSERT_EQ(m->n_calls, 1);
	ASSERT_STR_EQ(m->calls[0].name, name);
	ASSERT_STR_EQ(m->calls[0].arguments, args);
}

/* Llama 3.1's answers read back: a JSON call of a tool offered (after
 * <|python_tag|> or not), a built-in tool's call, code for
 * code_interpreter, text; calls of what was not offered refused. */
TEST(chat_llama31_answer)
{
	const int32_t eot = 264, tag = 267, eom = 268;
	const char *const builtin[] = { "brave_search", "code_interpreter" };
	const struct tandem_chat_tool tool = { "get_weather", NULL, NULL };
	struct tandem_chat chat = { NULL, 0, &tool, 1, builtin, 2 };
	struct tandem_chat_message m;
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_tok *t;

	tandem_diag_init(&d, 10);
	tandem_arena_init(&a, 1u << 24);
	t = open_vocab("llama-bpe", true, 0, &d);
	const char *json = " {\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}\n";
	ASSERT_EQ(answer_of(t, &chat, -1, json, eot, &a, &m), 0);
	is_call(&m, "get_weather", "{\"city\": \"Paris\"}");
	ASSERT(m.content == NULL);
	ASSERT_EQ(answer_of(t, &chat, tag, json, eom, &a, &m), 0);
	is_call(&m, "get_weather", "{\"city\": \"Paris\"}");
	ASSERT_EQ(answer_of(t, &chat, -1, "{\"name\":\"get_weather\",\"arguments\":{}}", -1, &a,
			    &m), 0);
	is_call(&m, "get_weather", "{}");
	ASSERT_EQ(answer_of(t, &chat, tag, "brave_search.call(query=\"a \\\"b\\\"\", n='3\\n',)",
			    eom, &a, &m), 0);
	is_call(&m, "brave_search", "{\"query\": \"a \\\"b\\\"\", \"n\": \"3\\n\"}");
	ASSERT_EQ(answer_of(t, &chat, tag, "brave_search.call()", eom, &a, &m), 0);
	is_call(&m, "brave_search", "{}");
	/* Not arguments of that form, or not a built-in tool: code. */
	ASSERT_EQ(answer_of(t, &chat, tag, "brave_search.call(x)", eom, &a, &m), 0);
	is_call(&m, "code_interpreter", "{\"code\": \"brave_search.call(x)\"}");
	ASSERT_EQ(answer_of(t, &chat, tag, "print(2 ** 8)\n", eom, &a, &m), 0);
	is_call(&m, "code_interpreter", "{\"code\": \"print(2 ** 8)\"}");
	/* Text, and JSON that is no call, are content. */
	ASSERT_EQ(answer_of(t, &chat, -1, "It is 12 C.", eot, &a, &m), 0);
	ASSERT_EQ(m.n_calls, 0);
	ASSERT_STR_EQ(m.content, "It is 12 C.");
	ASSERT_EQ(answer_of(t, &chat, -1, "{\"city\": \"Paris\"}", eot, &a, &m), 0);
	ASSERT_EQ(m.n_calls, 0);
	ASSERT_EQ(answer_of(t, NULL, -1, json, eot, &a, &m), 0);
	ASSERT_EQ(m.n_calls, 0);
	ASSERT_STR_EQ(m.content, json);
	/* Refused: a function not offered, arguments not an object, a
	 * built-in call not offered without code_interpreter. */
	ASSERT_EQ(answer_of(t, &chat, -1, "{\"name\": \"pay\", \"parameters\": {}}", eot, &a, &m),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(answer_of(t, &chat, -1, "{\"name\": \"get_weather\", \"parameters\": 3}", eot,
			    &a, &m), TANDEM_EBADINPUT);
	chat.n_builtin_tools = 1;
	ASSERT_EQ(answer_of(t, &chat, tag, "print(1)", eom, &a, &m), TANDEM_EBADINPUT);
	ASSERT_EQ(answer_of(t, &chat, tag, "wolfram_alpha.call(q=\"1\")", eom, &a, &m),
		  TANDEM_EBADINPUT);
	const int32_t outside[] = { 'h', 99999 };
	ASSERT_EQ(tandem_chat_answer(t, TANDEM_CHAT_LLAMA3, &chat, outside, 2, &a, &m, &d),
		  TANDEM_EINVAL);
	/* What Llama 3.1's encoding writes reads back as the same call. */
	int32_t ids[512];
	size_t n = 0;
	const struct tandem_chat_call call = { NULL, "brave_search", "{\"query\": \"x y\"}" };
	const struct tandem_chat_message turns[] = {
		{ .role = TANDEM_CHAT_USER, .content = "hi" },
		{ .role = TANDEM_CHAT_ASSISTANT, .calls = &call, .n_calls = 1 },
		{ .role = TANDEM_CHAT_TOOL, .content = "1" },
	};
	chat = (struct tandem_chat){ turns, 3, NULL, 0, builtin, 1 };
	ASSERT_EQ(tandem_chat_encode(t, TANDEM_CHAT_LLAMA3, &chat, ids, 512, &n, &d), 0);
	size_t from = 0, to = 0;
	while (from < n && ids[from] != tag)
		from++;
	while (to < n && ids[to] != eom)
		to++;
	ASSERT(from < to && to < n);
	ASSERT_EQ(tandem_chat_answer(t, TANDEM_CHAT_LLAMA3, &chat, ids + from, to + 1 - from, &a,
				     &m, &d), 0);
	is_call(&m, "brave_search", "{\"query\": \"x y\"}");
	tandem_arena_release(&a);
	tandem_tok_free(t);
	tandem_gguf_close(g_file);
	tandem_diag_release(&d);
}
