/*
 * src/schematron/xp_keep.c - the values of kept subexpressions
 * (xp_keep_mark() in xp_rewrite.c), per node or per document, and
 * xp_eval(), which looks them up before evaluating.
 *
 * A kept value lives in the context's keep memory (XP_KEEP_BYTES_MAX per
 * document; beyond, values are simply not kept) and is found through a
 * table of XP_KEEP_SLOTS_MAX slots at most, sized to the document, where a
 * collision replaces the older value. Values are read-only, as every
 * evaluation result already is (variables and literals share theirs).
 */
#include <string.h>

#include "xp.h"

/* Whether p points into the scratch area (rewound later: a kept value copies it). */
static bool in_scratch(const struct xp_ctx *c, const char *p)
{
	return (uintptr_t)p >= (uintptr_t)c->scratch &&
	       (uintptr_t)p < (uintptr_t)c->scratch + XP_SCRATCH_MAX;
}

/* Bytes of keep memory for the document, or NULL when it is used up. */
static void *keep_alloc(struct xp_ctx *c, size_t n)
{
	size_t at = (c->keep_used + 15) & ~(size_t)15;
	if (n > XP_KEEP_BYTES_MAX - at)
		return NULL;
	c->keep_used = at + n;
	return c->keep_mem + at;
}

/* Copies v (items and the strings in scratch memory) into keep memory. */
static bool keep_copy(struct xp_ctx *c, const struct xp_seq *v, struct xp_seq *out)
{
	size_t mark = c->keep_used;
	struct xp_item *it = keep_alloc(c, (v->n ? v->n : 1) * sizeof *it);
	if (!it)
		return false;
	for (size_t i = 0; i < v->n; i++) {
		it[i] = v->it[i];
		if ((it[i].type == XP_STRING || it[i].type == XP_UNTYPED) && it[i].v.s.n &&
		    in_scratch(c, it[i].v.s.p)) {
			char *p = keep_alloc(c, it[i].v.s.n);
			if (!p) {
				c->keep_used = mark;
				return false;
			}
			memcpy(p, it[i].v.s.p, it[i].v.s.n);
			it[i].v.s.p = p;
		}
	}
	out->it = it;
	out->n = v->n;
	return true;
}

/*
 * A kept subexpression (xp_keep_mark()): its value on this node - or this
 * document - computed once. Only with a node as focus: the value of such an
 * expression depends on nothing else. An error is not kept.
 */
static int eval_kept(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		     struct xp_seq *out)
{
	if (!f || !f->pos || f->item.type != XP_NODE)
		return xp_eval_op(c, e, f, out);
	const void *key = e->keep_doc ? (const void *)c->doc : (const void *)f->item.v.node;
	uintptr_t h = ((uintptr_t)key >> 4) ^ ((uintptr_t)e->keep_id * 0x9E3779B1u);
	struct xp_keep_slot *k = &c->keep[(h * 0x9E3779B97F4A7C15u) >> 40 & c->keep_mask];
	if (k->gen == c->gen && k->id == e->keep_id && k->node == key) {
		*out = k->val;
		return 0;
	}
	int rc = xp_eval_op(c, e, f, out);
	if (rc || c->err)
		return rc;
	struct xp_seq kept;
	if (keep_copy(c, out, &kept))
		*k = (struct xp_keep_slot){.node = key, .gen = c->gen, .id = e->keep_id, .val = kept};
	return 0;
}

int xp_eval(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
	    struct xp_seq *out)
{
	out->it = NULL;
	out->n = 0;
	if (c->err)
		return c->err;
	if (e->keep_id)
		return eval_kept(c, e, f, out);
	return xp_eval_op(c, e, f, out);
}

