/*
 * fuzz/fuzz_llm_schema.c - fuzz target of the JSON Schema compiler and
 * its automaton (tandem/llm.h, src/llm/json_*.c).
 *
 * The input is a schema, then a NUL byte and a text (or a schema alone).
 * The schema is refused with findings TANDEM-LLM-SCHEMA (or the JSON
 * reader's one), or compiled without any. A compiled schema reads the
 * text as far as it goes; from there, never a dead end: some byte always
 * goes on, and taking the first that does (closing bytes first), the
 * automaton either reaches a complete instance, which the check function
 * then calls complete, or is still going after a bounded number of bytes.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "llm/json_int.h"
#include "tandem/assert.h"
#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/llm.h"

#define STEPS_MAX 20000

/* The first byte that goes on from s, closing ones first; -1 for none. */
static int next_byte(const struct tandem_llm_schema *sc, const struct js_state *s)
{
	static const char first[] = "\"}]";
	struct js_state t;

	for (int k = 0; k < 3 + 256; k++) {
		int c = k < 3 ? (unsigned char)first[k] : k - 3;

		memcpy(&t, s, js_state_size(s));
		if (js_byte(sc, &t, (unsigned char)c))
			return c;
	}
	return -1;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nul = memchr(data, '\0', size);
	size_t slen = nul != NULL ? (size_t)(nul - text) : size;
	struct tandem_llm_schema *sc = NULL;
	struct tandem_diag d;
	struct tandem_buf out;
	struct js_state s;
	bool complete = false;

	tandem_diag_init(&d, 10);
	/* The text read, then at most STEPS_MAX bytes: a pattern's ".*" may
	 * take the first byte that goes on for ever. */
	tandem_buf_init(&out, size + STEPS_MAX + 8);
	if (tandem_llm_schema_new(text, slen, &d, &sc) != 0) {
		TANDEM_ASSERT(sc == NULL && d.count >= 1);
		goto out;
	}
	TANDEM_ASSERT(d.count == 0);
	js_init(sc, &s);
	for (size_t i = slen + 1; nul != NULL && i < size; i++) {
		struct js_state t;

		memcpy(&t, &s, js_state_size(&s));
		if (!js_byte(sc, &t, data[i]))
			break;
		memcpy(&s, &t, js_state_size(&t));
		TANDEM_ASSERT(tandem_buf_putc(&out, (char)data[i]) == 0);
	}
	for (int step = 0; step < STEPS_MAX && !js_done(&s); step++) {
		int c = next_byte(sc, &s);

		TANDEM_ASSERT(c >= 0);
		TANDEM_ASSERT(js_byte(sc, &s, (unsigned char)c));
		TANDEM_ASSERT(tandem_buf_putc(&out, (char)c) == 0);
	}
	TANDEM_ASSERT(tandem_llm_json_schema_check(sc, out.data, out.len, &complete));
	TANDEM_ASSERT(complete == js_done(&s));
out:
	tandem_llm_schema_free(sc);
	tandem_buf_release(&out);
	tandem_diag_release(&d);
	return 0;
}
