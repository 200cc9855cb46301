/*
 * src/schematron/sch_value.c - the values of asserts kept by the strings
 * they depend on (sch_assert.nvalue, xp_value_inputs()), across nodes and
 * documents: a code list test on @currencyID is evaluated once for "EUR",
 * not twenty times an invoice.
 *
 * A key is the rule set's serial, the assert's number and, for each input,
 * whether the node has it and its string value; a value of more than
 * VALUE_TEXT_MAX bytes is not kept. The table has buckets of two slots,
 * the newer entry first (a third key in a bucket replaces the older), over
 * a pool of key bytes that starts again empty when full. Only values computed without an error are kept:
 * the runner evaluates the others, and the message of a failed assert,
 * as before.
 */
#include <string.h>

#include "core/core.h"
#include "sch_value.h"

#define VALUE_SLOTS    1024          /* 16 KB of slots */
#define VALUE_POOL     ((size_t)64 << 10)
#define VALUE_TEXT_MAX 200           /* bytes of one input's value */

struct vslot {
	uint64_t hash;
	uint32_t off;  /* of the key in the pool */
	uint16_t len;  /* of the key; 0: free */
	bool ok;       /* the test's effective boolean value */
};

struct sch_values {
	struct vslot slot[VALUE_SLOTS];
	char *pool;
	size_t used;
	size_t hits;
};

int sch_values_new(struct sch_values **out)
{
	struct sch_values *v = tandem_calloc(1, sizeof *v);
	*out = NULL;
	if (!v)
		return TANDEM_ENOMEM;
	v->pool = tandem_malloc(VALUE_POOL);
	if (!v->pool) {
		tandem_free(v);
		return TANDEM_ENOMEM;
	}
	*out = v;
	return 0;
}

void sch_values_free(struct sch_values *v)
{
	if (!v)
		return;
	tandem_free(v->pool);
	tandem_free(v);
}

size_t sch_values_hits(const struct sch_values *v)
{
	return v->hits;
}

static bool put_bytes(struct sch_value_key *k, const void *p, size_t n)
{
	if (n > sizeof k->bytes - k->len)
		return false;
	memcpy(k->bytes + k->len, p, n);
	k->len += n;
	return true;
}

/* Presence and string value of one input into the key. */
static bool put_input(struct xp_ctx *c, struct sch_value_key *k, const struct xp_test *t,
		      xmlNodePtr n)
{
	xmlNodePtr from = NULL;
	if (t->kind == XP_TEST_NODE) {
		from = n;
	} else if (n->type == XML_ELEMENT_NODE) {
		for (xmlAttrPtr a = n->properties; a && !from; a = a->next)
			if (xp_test_node(c, (xmlNodePtr)a, t, true))
				from = (xmlNodePtr)a;
	}
	unsigned char present = from != NULL;
	if (!put_bytes(k, &present, 1))
		return false;
	if (!from)
		return true;
	const char *s;
	size_t len;
	if (xp_node_string(c, from, &s, &len) || len > VALUE_TEXT_MAX) {
		c->err = 0;
		return false;
	}
	uint16_t n16 = (uint16_t)len;
	return put_bytes(k, &n16, sizeof n16) && put_bytes(k, s, len);
}

bool sch_value_key(struct xp_ctx *c, uint64_t serial, uint32_t index, const struct sch_assert *a,
		   xmlNodePtr n, struct sch_value_key *k)
{
	size_t mark = xp_mark(c);
	k->len = 0;
	bool ok = put_bytes(k, &serial, sizeof serial) && put_bytes(k, &index, sizeof index);
	for (size_t i = 0; ok && i < a->nvalue; i++)
		ok = put_input(c, k, &a->value[i], n);
	xp_reset(c, mark);
	if (ok)
		k->hash = sch_hash(k->bytes, k->len, 0x76616c7565u);
	return ok;
}

/* The bucket of k: two slots. */
static struct vslot *bucket_of(struct sch_values *v, const struct sch_value_key *k)
{
	return &v->slot[(k->hash >> 32) & (VALUE_SLOTS - 2)];
}

bool sch_value_get(struct sch_values *v, const struct sch_value_key *k, bool *ok)
{
	const struct vslot *b = bucket_of(v, k);
	for (int i = 0; i < 2; i++) {
		const struct vslot *s = &b[i];
		if (s->len && s->hash == k->hash && s->len == k->len &&
		    memcmp(v->pool + s->off, k->bytes, k->len) == 0) {
			*ok = s->ok;
			v->hits++;
			return true;
		}
	}
	return false;
}

void sch_value_put(struct sch_values *v, const struct sch_value_key *k, bool ok)
{
	if (k->len > VALUE_POOL - v->used) {
		memset(v->slot, 0, sizeof v->slot);
		v->used = 0;
	}
	struct vslot *b = bucket_of(v, k);
	memcpy(v->pool + v->used, k->bytes, k->len);
	b[1] = b[0];
	b[0] = (struct vslot){.hash = k->hash, .off = (uint32_t)v->used, .len = (uint16_t)k->len,
			      .ok = ok};
	v->used += k->len;
}
