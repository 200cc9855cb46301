/*
 * fuzz/fuzz_spm_model.c - fuzz target of the SentencePiece .model reader
 * (tandem_tok_from_spm_model, with its protocol-buffer reader).
 *
 * The input is a model file. It is either refused with exactly one finding
 * and no tokenizer, or accepted; an accepted model is used: a few texts,
 * control tokens written in them, are encoded (with and without
 * TANDEM_TOK_PARSE_SPECIAL) into ids of its vocabulary, and decode back
 * to the very same text (every model accepted has the 256 byte tokens, so
 * any text can be encoded). The corpus starts from a small valid BPE
 * model, damaged ones and Mistral's field layout.
 */
#include <string.h>

#include "fuzz.h"
#include "tandem/assert.h"
#include "tandem/error.h"
#include "tandem/tokenizer.h"

#define IDS_MAX 1024

static const char *const texts[] = {
	"Hello, w\xc3\xb6rld!", "[INST] a b  c[/INST]", "<s>x</s> y", "", " ", "\xe4\xb8\xad\x01",
};

static void use(const struct tandem_tok *t)
{
	static int32_t ids[IDS_MAX];
	struct tandem_diag d;
	struct tandem_buf b;

	tandem_diag_init(&d, 10);
	tandem_buf_init(&b, 1u << 16);
	TANDEM_ASSERT(tandem_tok_vocab_size(t) >= 256);
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		for (unsigned special = 0; special < 2; special++) {
			unsigned flags = special ? TANDEM_TOK_PARSE_SPECIAL : 0;
			size_t n = 0, len = strlen(texts[i]);

			TANDEM_ASSERT(tandem_tok_encode(t, texts[i], len, flags, ids, IDS_MAX, &n,
							&d) == 0);
			for (size_t k = 0; k < n; k++)
				TANDEM_ASSERT(ids[k] >= 0 && (size_t)ids[k] < tandem_tok_vocab_size(t));
			tandem_buf_reset(&b);
			TANDEM_ASSERT(tandem_tok_decode(t, ids, n, special ? TANDEM_TOK_SPECIALS : 0,
							&b) == 0);
			TANDEM_ASSERT(b.len == len && memcmp(b.data, texts[i], len) == 0);
		}
	}
	tandem_buf_release(&b);
	tandem_diag_release(&d);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct tandem_tok *t = NULL;
	struct tandem_diag d;
	int rc;

	tandem_diag_init(&d, 10);
	rc = tandem_tok_from_spm_model(data, size, &d, &t);
	if (rc != 0) {
		TANDEM_ASSERT(t == NULL);
		TANDEM_ASSERT(d.count == 1);
	} else {
		TANDEM_ASSERT(t != NULL && d.count == 0);
		use(t);
	}
	tandem_tok_free(t);
	tandem_diag_release(&d);
	return 0;
}
