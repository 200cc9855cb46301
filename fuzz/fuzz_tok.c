/*
 * fuzz/fuzz_tok.c - fuzz target of the tokenizer (tandem/tokenizer.h).
 *
 * A small vocabulary is built once, as a GGUF file in memory: the control
 * tokens, the 256 byte tokens, and pieces that merge ("▁", "▁t", "he",
 * "▁the", "ab", "abc", "é" ...) with scores, some equal. The input is a
 * text: the tokenizer must accept it exactly when it is UTF-8 (checked
 * here independently), give ids of its vocabulary, and decode them back to
 * the very same bytes - but for U+2581 "▁", SentencePiece's own sign of a
 * space, which comes back as a space. The same holds with the control
 * tokens written in the text read as such (TANDEM_TOK_PARSE_SPECIAL),
 * decoded with their text (TANDEM_TOK_SPECIALS); the user-defined token
 * "[X]" is never split.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "tandem/assert.h"
#include "tandem/error.h"
#include "tandem/gguf.h"
#include "tandem/slice.h"
#include "tandem/tokenizer.h"

#define VOCAB_FILE_MAX 16384
#define TEXT_MAX 4096

static unsigned char file[VOCAB_FILE_MAX];
static size_t file_len;

static void put(uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		file[file_len++] = (unsigned char)(v >> (8 * i));
}

static void put_str(const char *s)
{
	put(strlen(s), 8);
	memcpy(file + file_len, s, strlen(s));
	file_len += strlen(s);
}

static const char *const pieces[] = {
	"\xe2\x96\x81", "\xe2\x96\x81t", "he", "\xe2\x96\x81the", "\xe2\x96\x81\x61", "ab", "abc",
	"bc", "\xc3\xa9", "\xe2\x96\x81\xc3\xa9", "t", "h", "e", "a", "b", "c", "\xe2\x96\x81\xe2\x96\x81",
	"[X]", "[I]", "[/I]",
};

/* The type of token i: <unk>, <s>, </s>, the bytes, then pieces; "[X]" is
 * user-defined, "[I]" and "[/I]" are control tokens. */
static int type_of(size_t i, size_t n)
{
	if (i == 0)
		return 2;
	if (i < 3 || i + 2 >= n)
		return 3;
	if (i < 259)
		return 6;
	return i + 3 == n ? 4 : 1;
}

static void build(void)
{
	size_t n = 3 + 256 + sizeof pieces / sizeof pieces[0];
	char name[8];

	put(0x46554747u, 4);
	put(3, 4);
	put(0, 8);
	put(5, 8);
	put_str("tokenizer.ggml.model");
	put(TANDEM_GGUF_STRING, 4);
	put_str("llama");
	put_str("tokenizer.ggml.tokens");
	put(TANDEM_GGUF_ARRAY, 4);
	put(TANDEM_GGUF_STRING, 4);
	put(n, 8);
	put_str("<unk>");
	put_str("<s>");
	put_str("</s>");
	for (int b = 0; b < 256; b++) {
		(void)snprintf(name, sizeof name, "<0x%02X>", b);
		put_str(name);
	}
	for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++)
		put_str(pieces[i]);
	put_str("tokenizer.ggml.scores");
	put(TANDEM_GGUF_ARRAY, 4);
	put(TANDEM_GGUF_FLOAT32, 4);
	put(n, 8);
	for (size_t i = 0; i < n; i++) {
		float f = i < 259 ? 0.0f : -(float)((i - 259) % 5);   /* ties on purpose */
		uint32_t r;
		memcpy(&r, &f, sizeof r);
		put(r, 4);
	}
	put_str("tokenizer.ggml.token_type");
	put(TANDEM_GGUF_ARRAY, 4);
	put(TANDEM_GGUF_INT32, 4);
	put(n, 8);
	for (size_t i = 0; i < n; i++)
		put((uint64_t)type_of(i, n), 4);
	put_str("tokenizer.ggml.bos_token_id");
	put(TANDEM_GGUF_UINT32, 4);
	put(1, 4);
}

/* The text as decoding gives it back: each U+2581 a space. */
static size_t expected(const char *s, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (i + 3 <= n && memcmp(s + i, "\xe2\x96\x81", 3) == 0) {
			out[k++] = ' ';
			i += 2;
		} else {
			out[k++] = s[i];
		}
	}
	return k;
}

static bool is_utf8(const char *s, size_t n)
{
	for (size_t i = 0, c; i < n; i += c)
		if ((c = tandem_utf8_sequence(s + i, n - i, NULL)) == 0)
			return false;
	return true;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	static struct tandem_gguf *g;
	static struct tandem_tok *t;
	static int32_t ids[3 * TEXT_MAX + 8];
	struct tandem_diag d;
	struct tandem_buf b;
	size_t n = 0;

	tandem_diag_init(&d, 10);
	if (t == NULL) {
		build();
		TANDEM_ASSERT(tandem_gguf_read(file, file_len, &d, &g) == 0);
		TANDEM_ASSERT(tandem_tok_from_gguf(g, &d, &t) == 0);
	}
	if (size > TEXT_MAX)
		size = TEXT_MAX;
	const char *text = (const char *)data;
	static char want[TEXT_MAX];
	size_t wlen = expected(text, size, want);
	for (unsigned special = 0; special < 2; special++) {
		unsigned flags = TANDEM_TOK_ADD_BOS | (special ? TANDEM_TOK_PARSE_SPECIAL : 0);
		int rc = tandem_tok_encode(t, text, size, flags, ids, sizeof ids / sizeof ids[0],
					   &n, &d);

		TANDEM_ASSERT((rc == 0) == is_utf8(text, size));
		if (rc != 0)
			break;
		TANDEM_ASSERT(n >= 1 && ids[0] == 1);
		for (size_t i = 0; i < n; i++)
			TANDEM_ASSERT(ids[i] >= 0 && (size_t)ids[i] < tandem_tok_vocab_size(t));
		tandem_buf_init(&b, 1u << 20);
		/* BOS left out: with the specials it would be written "<s>". */
		TANDEM_ASSERT(tandem_tok_decode(t, ids + 1, n - 1, special ? TANDEM_TOK_SPECIALS : 0,
						&b) == 0);
		TANDEM_ASSERT(b.len == wlen && memcmp(b.data, want, wlen) == 0);
		tandem_buf_release(&b);
	}
	tandem_diag_release(&d);
	return 0;
}
