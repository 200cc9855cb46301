/*
 * fuzz/fuzz_model.c - fuzz target of the classifier's model file reader
 * (tandem_cls_model_read, tandem/classify.h).
 *
 * The input is a model file. A file whose SHA-256 does not match is
 * refused before anything else is read, so a mutated file would never get
 * past the hash: the target also reads a copy whose hash it has set right,
 * and so reaches every check of the body. A model that is accepted must
 * then predict and learn without reading outside its arrays (the sanitizer
 * and the assertions watch), and the same bytes give the same answer twice.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tandem/assert.h"
#include "tandem/classify.h"
#include "tandem/error.h"

#define FUZZ_MODEL_INPUT_MAX (1u << 20)

static void use(struct tandem_cls_model *m)
{
	static const char text[] = "Fourniture de papier pour imprimantes et travaux de voirie";
	struct tandem_cls_prediction p;
	struct tandem_diag d;
	tandem_diag_init(&d, 10);
	int rc = tandem_cls_predict(m, text, sizeof text - 1, TANDEM_CLS_LANG_UNKNOWN, 100000, &p,
				    &d);
	TANDEM_ASSERT(rc == 0);
	TANDEM_ASSERT(p.group[0].code[0] >= '0' && p.group[0].code[0] <= '9');
	TANDEM_ASSERT(p.group[0].p_milli <= 1000 && p.nreasons <= TANDEM_CLS_REASONS);
	struct tandem_cls_example ex = {.text = text, .len = sizeof text - 1,
					.code = p.group[0].code, .lang = TANDEM_CLS_FR,
					.weight_pct = 100};
	rc = tandem_cls_learn(m, &ex, &d);
	TANDEM_ASSERT(rc == 0 || rc == TANDEM_ELIMIT);
	tandem_diag_release(&d);
}

static int read_once(const uint8_t *data, size_t size)
{
	struct tandem_cls_model *m = NULL;
	struct tandem_diag d;
	tandem_diag_init(&d, 10);
	int rc = tandem_cls_model_read(data, size, &d, &m);
	TANDEM_ASSERT(rc == 0 || rc == TANDEM_EBADINPUT || rc == TANDEM_EUNSUPPORTED);
	TANDEM_ASSERT((rc == 0) == (m != NULL));
	TANDEM_ASSERT(rc == 0 || d.count == 1);
	if (m != NULL)
		use(m);
	tandem_cls_model_free(m);
	tandem_diag_release(&d);
	return rc;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MODEL_INPUT_MAX)
		return 0;
	int rc = read_once(data, size);
	TANDEM_ASSERT(read_once(data, size) == rc);
	if (size >= 32) {
		uint8_t *fixed = malloc(size);
		TANDEM_ASSERT(fixed != NULL);
		memcpy(fixed, data, size);
		crypto_hash_sha256(fixed + size - 32, fixed, size - 32);
		(void)read_once(fixed, size);
		free(fixed);
	}
	return 0;
}
