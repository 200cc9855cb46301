/*
 * fuzz/fuzz_json.c - fuzz target of the JSON reader and writer
 * (tandem/json.h).
 *
 * The input is a text. It is refused with exactly one finding, or read;
 * what is read is written in Python's form, and that text reads again
 * into a value written the very same way (the form is a fixed point),
 * whose strings and numbers are the first one's.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "tandem/assert.h"
#include "tandem/error.h"
#include "tandem/json.h"

static bool same(const struct tandem_json *a, const struct tandem_json *b)
{
	if (a->type != b->type)
		return false;
	/* Numbers are written anew (1.50 as 1.5): only their kind stays. */
	if (a->type == TANDEM_JSON_NUMBER)
		return true;
	if (a->n != b->n)
		return false;
	switch (a->type) {
	case TANDEM_JSON_STRING:
		return memcmp(a->u.s, b->u.s, a->n) == 0;
	case TANDEM_JSON_ARRAY:
		for (size_t i = 0; i < a->n; i++)
			if (!same(&a->u.items[i], &b->u.items[i]))
				return false;
		return true;
	case TANDEM_JSON_OBJECT:
		for (size_t i = 0; i < a->n; i++)
			if (a->u.members[i].key_len != b->u.members[i].key_len ||
			    memcmp(a->u.members[i].key, b->u.members[i].key, a->u.members[i].key_len) != 0 ||
			    !same(&a->u.members[i].value, &b->u.members[i].value))
				return false;
		return true;
	default:
		return true;
	}
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct tandem_arena a;
	struct tandem_diag d;
	struct tandem_json *v = NULL, *w = NULL;
	struct tandem_buf one, two;
	int rc;

	tandem_arena_init(&a, 1u << 26);
	tandem_diag_init(&d, 10);
	tandem_buf_init(&one, 1u << 24);
	tandem_buf_init(&two, 1u << 24);
	rc = tandem_json_parse((const char *)data, size, &a, &v, &d);
	if (rc != 0) {
		TANDEM_ASSERT(v == NULL && d.count == 1);
	} else {
		TANDEM_ASSERT(d.count == 0);
		TANDEM_ASSERT(tandem_json_write_py(v, &one) == 0);
		/* ", " and ": " make a text longer: past the limit, no more. */
		if (one.len > TANDEM_JSON_TEXT_MAX)
			goto out;
		TANDEM_ASSERT(tandem_json_parse(one.data, one.len, &a, &w, &d) == 0);
		TANDEM_ASSERT(tandem_json_write_py(w, &two) == 0);
		TANDEM_ASSERT(one.len == two.len && memcmp(one.data, two.data, one.len) == 0);
		TANDEM_ASSERT(same(v, w));
	}
out:
	tandem_buf_release(&two);
	tandem_buf_release(&one);
	tandem_diag_release(&d);
	tandem_arena_release(&a);
	return 0;
}
