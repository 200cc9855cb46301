/*
 * fuzz/fuzz_chat.c - fuzz target of the chat format (tandem/chat.h): a
 * chat-completion request in JSON read into a conversation, encoded in
 * Mistral's v1, v2 and v3 formats.
 *
 * A small SentencePiece model is written once, in memory: the control
 * tokens of Mistral's formats, the 256 byte tokens, a few pieces that
 * merge. The input is a request: it is refused with exactly one finding,
 * or read; a conversation read is encoded in each format, refused with
 * exactly one finding and no ids, or encoded into ids of the vocabulary
 * that decode (control tokens written) without error.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "tandem/assert.h"
#include "tandem/chat.h"
#include "tandem/error.h"

#define MODEL_MAX 8192
#define IDS_MAX 65536

static unsigned char model[MODEL_MAX];
static size_t model_len;

static void varint(unsigned char *b, size_t *n, uint64_t v)
{
	do {
		b[(*n)++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v != 0);
}

static void field(unsigned char *b, size_t *n, unsigned num, const void *p, size_t len)
{
	varint(b, n, (uint64_t)num << 3 | 2);
	varint(b, n, len);
	memcpy(b + *n, p, len);
	*n += len;
}

/* A piece: its text, no score (0) unless merged, its type. */
static void piece(const char *text, int score, unsigned type)
{
	unsigned char p[300];
	size_t n = 0;

	field(p, &n, 1, text, strlen(text));
	if (score != 0) {
		float f = (float)score;
		uint32_t bits;

		memcpy(&bits, &f, 4);
		varint(p, &n, 2 << 3 | 5);
		for (int i = 0; i < 4; i++)
			p[n++] = (unsigned char)(bits >> (8 * i));
	}
	varint(p, &n, 3 << 3);
	varint(p, &n, type);
	field(model, &model_len, 1, p, n);
}

static void build(void)
{
	static const char *const controls[] = { "<s>", "</s>", "[INST]", "[/INST]", "[TOOL_CALLS]",
						"[AVAILABLE_TOOLS]", "[/AVAILABLE_TOOLS]",
						"[TOOL_RESULTS]", "[/TOOL_RESULTS]" };
	static const char *const merges[] = { "\xe2\x96\x81", "\"", ":", "\xe2\x96\x81\"", "\":",
					      "na", "me", "name" };
	/* model_type (3) BPE; byte_fallback (35, a key of two bytes) on. */
	static const unsigned char trainer[] = { 3 << 3, 2, 0x98, 0x02, 1 };
	/* add_dummy_prefix (3) on; remove_extra_whitespaces (4) off. */
	static const unsigned char normalizer[] = { 3 << 3, 1, 4 << 3, 0 };
	char name[8];

	piece("<unk>", 0, 2);
	for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++)
		piece(controls[i], 0, 3);
	for (int b = 0; b < 256; b++) {
		(void)snprintf(name, sizeof name, "<0x%02X>", b);
		piece(name, 0, 6);
	}
	for (size_t i = 0; i < sizeof merges / sizeof merges[0]; i++)
		piece(merges[i], -1 - (int)i, 1);
	field(model, &model_len, 2, trainer, sizeof trainer);
	field(model, &model_len, 3, normalizer, sizeof normalizer);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	static struct tandem_tok *t;
	static int32_t ids[IDS_MAX];
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_chat chat;
	int rc;

	if (t == NULL) {
		build();
		tandem_diag_init(&d, 10);
		TANDEM_ASSERT(tandem_tok_from_spm_model(model, model_len, &d, &t) == 0);
		tandem_diag_release(&d);
	}
	tandem_arena_init(&a, 1u << 26);
	tandem_diag_init(&d, 10);
	rc = tandem_chat_parse_json((const char *)data, size, &a, &chat, &d);
	TANDEM_ASSERT(rc == 0 ? d.count == 0 : d.count == 1 && chat.n_messages == 0);
	tandem_diag_release(&d);
	for (int v = TANDEM_CHAT_MISTRAL_V1; rc == 0 && v <= TANDEM_CHAT_MISTRAL_V3; v++) {
		size_t n = 99;
		struct tandem_buf b;
		int erc;

		tandem_diag_init(&d, 10);
		erc = tandem_chat_encode_mistral(t, (enum tandem_chat_format)v, &chat, ids, IDS_MAX,
						 &n, &d);
		if (erc != 0) {
			TANDEM_ASSERT(n == 0 && d.count == 1);
		} else {
			TANDEM_ASSERT(n >= 1 && ids[0] == tandem_tok_bos(t) && d.count == 0);
			tandem_buf_init(&b, 1u << 24);
			TANDEM_ASSERT(tandem_tok_decode(t, ids, n, TANDEM_TOK_SPECIALS, &b) == 0);
			tandem_buf_release(&b);
		}
		tandem_diag_release(&d);
	}
	tandem_arena_release(&a);
	return 0;
}
