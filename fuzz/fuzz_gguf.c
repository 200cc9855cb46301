/*
 * fuzz/fuzz_gguf.c - fuzz target of the GGUF reader (tandem_gguf_read,
 * tandem/gguf.h).
 *
 * The input is a GGUF file. Whatever it holds, the reader either refuses it
 * with exactly one finding or accepts it; an accepted file is then walked
 * whole - every key found again by name, every element of every array read,
 * every tensor's bytes touched - so that a check the reader forgot shows as
 * a read outside the input (the sanitizer watches).
 */
#include <string.h>

#include "fuzz.h"
#include "tandem/assert.h"
#include "tandem/error.h"
#include "tandem/gguf.h"

static unsigned walk_value(const struct tandem_gguf_value *v)
{
	struct tandem_gguf_str s;
	unsigned sum = 0;
	int64_t i64;
	double f;

	if (v->type == TANDEM_GGUF_STRING && v->v.s.len > 0)
		return (unsigned char)v->v.s.p[v->v.s.len - 1];
	if (v->type != TANDEM_GGUF_ARRAY)
		return 0;
	for (uint64_t i = 0; i < v->v.arr.count; i++) {
		if (tandem_gguf_array_str(v, i, &s))
			sum += s.len > 0 ? (unsigned char)s.p[s.len - 1] : 0;
		else if (tandem_gguf_array_i64(v, i, &i64))
			sum += (unsigned)i64;
		else if (tandem_gguf_array_f64(v, i, &f))
			sum += f > 0;
	}
	return sum;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct tandem_gguf *g = NULL;
	struct tandem_diag d;
	volatile unsigned sum = 0;

	tandem_diag_init(&d, 10);
	int rc = tandem_gguf_read(data, size, &d, &g);
	TANDEM_ASSERT((rc == 0) == (g != NULL));
	TANDEM_ASSERT(rc == 0 ? d.count == 0 : d.count == 1);
	for (size_t i = 0; g != NULL && i < tandem_gguf_kv_count(g); i++) {
		const struct tandem_gguf_kv *kv = tandem_gguf_kv_at(g, i);
		char key[256];

		if (kv->key.len < sizeof key) {
			memcpy(key, kv->key.p, (size_t)kv->key.len);
			key[kv->key.len] = '\0';
			/* A key with a NUL inside is found by its prefix, if at all. */
			TANDEM_ASSERT(memchr(key, '\0', (size_t)kv->key.len) != NULL ||
				      tandem_gguf_find(g, key) == kv);
		}
		sum += walk_value(&kv->value);
	}
	for (size_t i = 0; g != NULL && i < tandem_gguf_tensor_count(g); i++) {
		const struct tandem_gguf_tensor *t = tandem_gguf_tensor_at(g, i);
		const unsigned char *b = t->data;

		TANDEM_ASSERT(b >= data && b + t->bytes <= data + size);
		if (t->bytes > 0)
			sum += b[0] + b[t->bytes - 1];
	}
	(void)sum;
	tandem_gguf_close(g);
	tandem_diag_release(&d);
	return 0;
}
