/*
 * src/schematron/xp_eval.c - evaluation of compiled XPath 2.0 expressions
 * over a libxml2 tree.
 *
 * Memory: every intermediate sequence lives in the context's scratch area, a
 * bump allocator rewound after each predicate test and each rule, so memory
 * stays bounded by the largest live sequence, not by the work done.
 * Time: every node visited and every comparison counts one step; a document
 * that needs more than XP_STEPS_MAX steps stops with TANDEM_ELIMIT instead of
 * running for hours (a rule like preceding::x = . is quadratic).
 *
 * Axes, node tests and the per-document element index are in xp_axis.c;
 * sorting a node set is a sort on the document-order number it keeps in
 * each node.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/core.h"
#include "xp.h"

/* Bytes of the part of a context's mapping at offset at, rounded up to 64. */
static size_t carve(size_t *at, size_t n)
{
	size_t start = *at;
	*at += (n + 63) & ~(size_t)63;
	return start;
}

/*
 * All the memory of a context is one anonymous mapping, zero-filled by the
 * kernel and backed only where touched: the tables first, then the keep
 * memory, then the scratch area. One mapping is one munmap when the
 * validator goes: a short-lived process pays for every system call and
 * every page it touches.
 */
int xp_ctx_init(struct xp_ctx *c)
{
	memset(c, 0, sizeof *c);
	size_t at = 0;
	size_t vars = carve(&at, XP_VARS_MAX * sizeof *c->vars);
	size_t by_id = carve(&at, (XP_NAME_IDS_MAX + 1) * sizeof *c->by_id);
	size_t memo = carve(&at, XP_MEMO_SLOTS * sizeof *c->memo);
	size_t keep = carve(&at, XP_KEEP_SLOTS_MAX * sizeof *c->keep);
	size_t keep_mem = carve(&at, XP_KEEP_BYTES_MAX);
	size_t scratch = carve(&at, XP_SCRATCH_MAX);
	char *p = mmap(NULL, at, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (p == MAP_FAILED)
		return TANDEM_ENOMEM;
	c->map = p;
	c->map_size = at;
	c->vars = (struct xp_seq *)(p + vars);
	c->by_id = (struct xp_name_slot *)(p + by_id);
	c->memo = (struct xp_memo_slot *)(p + memo);
	c->keep = (struct xp_keep_slot *)(p + keep);
	c->keep_mem = p + keep_mem;
	c->scratch = p + scratch;
	c->memo_mask = XP_MEMO_SLOTS - 1;
	c->keep_mask = XP_KEEP_SLOTS_MAX - 1;
	return 0;
}

void xp_ctx_release(struct xp_ctx *c)
{
	if (c->map)
		munmap(c->map, c->map_size);
	memset(c, 0, sizeof *c);
}

void *xp_alloc(struct xp_ctx *c, size_t n)
{
	size_t at = (c->used + 15) & ~(size_t)15;
	if (n > XP_SCRATCH_MAX - at) {
		if (!c->err) {
			c->err = TANDEM_ELIMIT;
			snprintf(c->err_code, sizeof c->err_code, "TANDEM");
			snprintf(c->err_msg, sizeof c->err_msg,
				 "evaluation needs more than %u MiB", XP_SCRATCH_MAX >> 20);
		}
		return NULL;
	}
	c->used = at + n;
	return c->scratch + at;
}

int xp_limit_steps(struct xp_ctx *c)
{
	if (c->steps <= XP_STEPS_MAX)
		return 0;
	if (!c->err) {
		c->err = TANDEM_ELIMIT;
		snprintf(c->err_code, sizeof c->err_code, "TANDEM");
		snprintf(c->err_msg, sizeof c->err_msg,
			 "validation needs more than %u evaluation steps", XP_STEPS_MAX);
	}
	return c->err;
}

int xp_vec_grow(struct xp_ctx *c, struct xp_vec *v)
{
	size_t cap = v->cap ? v->cap * 2 : 8;
	struct xp_item *na = xp_alloc(c, cap * sizeof *na);
	if (!na)
		return c->err ? c->err : TANDEM_ELIMIT; /* xp_alloc has set c->err */
	if (v->n)
		memcpy(na, v->it, v->n * sizeof *na);
	v->it = na;
	v->cap = cap;
	return 0;
}

static int vec_append(struct xp_ctx *c, struct xp_vec *v, const struct xp_seq *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (xp_vec_push(c, v, &s->it[i]))
			return c->err;
	}
	return 0;
}

/* Atomized copy of a sequence (the input may be a shared variable value). */
static int atomized(struct xp_ctx *c, const struct xp_seq *in, struct xp_seq *out)
{
	size_t i = 0;
	while (i < in->n && in->it[i].type != XP_NODE)
		i++;
	if (i == in->n) {
		*out = *in;
		return 0;
	}
	struct xp_item *it = xp_alloc(c, in->n * sizeof *it);
	if (!it)
		return c->err;
	memcpy(it, in->it, in->n * sizeof *it);
	out->it = it;
	out->n = in->n;
	return xp_atomize(c, out);
}

/* --- predicates --- */

int xp_pred_keep(struct xp_ctx *c, const struct xp_expr *pe, const struct xp_item *it,
		 size_t pos, size_t size, bool *keep)
{
	struct xp_focus f = {.item = *it, .pos = pos, .size = size};
	size_t mark = xp_mark(c);
	struct xp_memo_slot *m = NULL;
	*keep = false;
	const void *node = NULL, *ns = NULL;
	if (pe->memo_id && it->type == XP_NODE) {
		/* By node, or for a name test by the node's interned name (and
		 * namespace: name() reads the prefix); other kinds of node have
		 * names of their own, the document node none. */
		node = it->v.node;
		if (pe->name_memo) {
			node = it->v.node->name;
			ns = it->v.node->ns;
		}
		uintptr_t key = ((uintptr_t)node >> 4) ^ ((uintptr_t)ns >> 3) ^
				((uintptr_t)pe->memo_id * 0x9E3779B1u);
		m = &c->memo[(key * 0x9E3779B97F4A7C15u) >> 40 & c->memo_mask];
		if (m->gen == c->gen && m->id_keep >> 1 == pe->memo_id && m->node == node &&
		    m->ns == ns) {
			*keep = m->id_keep & 1;
			return 0;
		}
	}
	if (pe->plain) {
		/* Never a number: the effective boolean value decides. */
		if (xp_eval_bool(c, pe, &f, keep))
			return c->err;
	} else {
		struct xp_seq r = {0};
		if (xp_eval(c, pe, &f, &r))
			return c->err;
		if (r.n == 1 && xp_is_numeric(r.it[0].type)) {
			*keep = xp_to_double(&r.it[0]) == (double)pos;
		} else if (xp_ebv(c, &r, keep)) {
			return c->err;
		}
	}
	xp_reset(c, mark);
	if (m)
		*m = (struct xp_memo_slot){.node = node, .ns = ns, .gen = c->gen,
					   .id_keep = pe->memo_id << 1 | (*keep ? 1u : 0u)};
	return 0;
}

static int apply_preds(struct xp_ctx *c, struct xp_expr *const *preds, size_t npreds,
		       struct xp_seq *s)
{
	for (size_t p = 0; p < npreds && s->n; p++) {
		const struct xp_expr *pe = preds[p];
		if (pe->op == XP_OP_LITERAL && pe->u.lit->type == XP_INTEGER) {
			/* [n]: the n-th item. */
			struct tandem_dec d = pe->u.lit->v.dec;
			if (d.coef >= 1 && (size_t)d.coef <= s->n) {
				s->it[0] = s->it[(size_t)d.coef - 1];
				s->n = 1;
			} else {
				s->n = 0;
			}
			continue;
		}
		size_t k = 0, n = s->n;
		for (size_t i = 0; i < n; i++) {
			bool keep = false;
			if (xp_pred_keep(c, pe, &s->it[i], i + 1, n, &keep))
				return c->err;
			if (keep)
				s->it[k++] = s->it[i];
		}
		s->n = k;
	}
	return 0;
}

static int eval_step(struct xp_ctx *c, const struct xp_expr *e, xmlNodePtr n,
		     struct xp_seq *out)
{
	struct xp_vec v = {0};
	bool reverse = false;
	if (xp_axis_nodes(c, n, e->axis, &e->test, &v, &reverse))
		return c->err;
	out->it = v.it;
	out->n = v.n;
	if (e->npreds && apply_preds(c, xp_preds(e), e->npreds, out))
		return c->err;
	if (reverse && out->n > 1) {
		for (size_t i = 0, j = out->n - 1; i < j; i++, j--) {
			struct xp_item tmp = out->it[i];
			out->it[i] = out->it[j];
			out->it[j] = tmp;
		}
	}
	return 0;
}

static int need_node(struct xp_ctx *c, const struct xp_focus *f, xmlNodePtr *n)
{
	*n = NULL;
	if (!f || f->pos == 0)
		return xp_error(c, "XPDY0002", "the context item is absent");
	if (f->item.type != XP_NODE)
		return xp_error(c, "XPTY0020", "the context item is not a node");
	*n = f->item.v.node;
	return 0;
}

static int eval_path(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		     struct xp_seq *out)
{
	struct xp_seq left = {0};
	if (xp_eval(c, e->kids[0], f, &left))
		return c->err;
	const struct xp_expr *rhs = e->kids[1];
	struct xp_vec v = {0};
	size_t nodes = 0;
	for (size_t i = 0; i < left.n; i++) {
		if (left.it[i].type != XP_NODE)
			return xp_error(c, "XPTY0019", "the left side of '/' holds an atomic value");
		struct xp_seq r = {0};
		if (rhs->op == XP_OP_STEP) {
			if (eval_step(c, rhs, left.it[i].v.node, &r))
				return c->err;
		} else {
			struct xp_focus g = {.item = left.it[i], .pos = i + 1, .size = left.n};
			if (xp_eval(c, rhs, &g, &r))
				return c->err;
		}
		if (left.n == 1) {
			v.it = r.it;
			v.n = r.n;
		} else if (vec_append(c, &v, &r)) {
			return c->err;
		}
		for (size_t j = 0; j < r.n; j++)
			nodes += r.it[j].type == XP_NODE;
	}
	out->it = v.it;
	out->n = v.n;
	if (nodes && nodes != v.n)
		return xp_error(c, "XPTY0018", "a path step returns both nodes and atomic values");
	if (nodes && left.n > 1)
		xp_sort_nodes(out);
	return xp_limit_steps(c);
}

static int eval_setop(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		      struct xp_seq *out)
{
	struct xp_seq a = {0}, b = {0};
	if (xp_eval(c, e->kids[0], f, &a) || xp_eval(c, e->kids[1], f, &b))
		return c->err;
	for (size_t i = 0; i < a.n; i++)
		if (a.it[i].type != XP_NODE)
			return xp_error(c, "XPTY0004", "union, intersect and except need nodes");
	for (size_t i = 0; i < b.n; i++)
		if (b.it[i].type != XP_NODE)
			return xp_error(c, "XPTY0004", "union, intersect and except need nodes");
	struct xp_vec v = {0};
	if (e->op == XP_OP_UNION) {
		if (vec_append(c, &v, &a) || vec_append(c, &v, &b))
			return c->err;
	} else {
		for (size_t i = 0; i < a.n; i++) {
			bool in_b = false;
			for (size_t j = 0; j < b.n && !in_b; j++)
				in_b = a.it[i].v.node == b.it[j].v.node;
			c->steps += b.n;
			if (in_b == (e->op == XP_OP_INTERSECT) && xp_vec_push(c, &v, &a.it[i]))
				return c->err;
		}
	}
	out->it = v.it;
	out->n = v.n;
	xp_sort_nodes(out);
	return xp_limit_steps(c);
}

/* Atomizes the single operand of an arithmetic or value comparison. */
static int one_atomic(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		      struct xp_item *it, bool *empty)
{
	*empty = true;
	struct xp_seq s = {0}, a = {0};
	if (xp_eval(c, e, f, &s) || atomized(c, &s, &a))
		return c->err;
	*empty = a.n == 0;
	if (a.n > 1)
		return xp_error(c, "XPTY0004", "a sequence of more than one item where one is allowed");
	if (a.n == 1)
		*it = a.it[0];
	return 0;
}

static int eval_arith(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		      struct xp_seq *out)
{
	struct xp_item a = {0}, b = {0}, r = {0};
	bool ea = false, eb = false;
	if (one_atomic(c, e->kids[0], f, &a, &ea) || one_atomic(c, e->kids[1], f, &b, &eb))
		return c->err;
	if (ea || eb) {
		out->n = 0;
		return 0;
	}
	if (xp_arith(c, e->op, &a, &b, &r))
		return c->err;
	return xp_seq_one(c, &r, out);
}

static int eval_vcmp(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		     struct xp_seq *out)
{
	struct xp_item a = {0}, b = {0};
	bool ea = false, eb = false, r = false;
	if (one_atomic(c, e->kids[0], f, &a, &ea) || one_atomic(c, e->kids[1], f, &b, &eb))
		return c->err;
	if (ea || eb) {
		out->n = 0;
		return 0;
	}
	if (xp_compare(c, &a, (enum xp_cmp)e->sub, &b, &r))
		return c->err;
	return xp_seq_bool(c, r, out);
}

static int eval_gcmp(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		     struct xp_seq *out)
{
	struct xp_seq a = {0}, b = {0}, aa = {0}, bb = {0};
	bool r = false;
	if (xp_eval(c, e->kids[0], f, &a) || atomized(c, &a, &aa) ||
	    xp_eval(c, e->kids[1], f, &b) || atomized(c, &b, &bb) ||
	    xp_general_compare(c, &aa, (enum xp_cmp)e->sub, &bb, &r))
		return c->err;
	return xp_seq_bool(c, r, out);
}

static int eval_ncmp(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		     struct xp_seq *out)
{
	struct xp_seq a = {0}, b = {0};
	if (xp_eval(c, e->kids[0], f, &a) || xp_eval(c, e->kids[1], f, &b))
		return c->err;
	if (!a.n || !b.n) {
		out->n = 0;
		return 0;
	}
	if (a.n > 1 || b.n > 1 || a.it[0].type != XP_NODE || b.it[0].type != XP_NODE)
		return xp_error(c, "XPTY0004", "node comparison needs single nodes");
	uintptr_t x = xp_node_order(a.it[0].v.node), y = xp_node_order(b.it[0].v.node);
	bool r = e->sub == XP_IS ? a.it[0].v.node == b.it[0].v.node
				 : e->sub == XP_PRECEDES ? x < y : x > y;
	return xp_seq_bool(c, r, out);
}

static int eval_range(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		      struct xp_seq *out)
{
	struct xp_item a = {0}, b = {0};
	bool ea = false, eb = false;
	if (one_atomic(c, e->kids[0], f, &a, &ea) || one_atomic(c, e->kids[1], f, &b, &eb))
		return c->err;
	out->n = 0;
	if (ea || eb)
		return 0;
	if ((a.type == XP_UNTYPED && xp_cast(c, &a, XP_INTEGER, &a)) ||
	    (b.type == XP_UNTYPED && xp_cast(c, &b, XP_INTEGER, &b)))
		return c->err;
	if (a.type != XP_INTEGER || b.type != XP_INTEGER)
		return xp_error(c, "XPTY0004", "'to' needs integers");
	if (a.v.dec.coef > b.v.dec.coef)
		return 0;
	tandem_i128 n = b.v.dec.coef - a.v.dec.coef + 1;
	if (n > 1000000)
		return xp_error(c, "TANDEM", "range of more than 1,000,000 integers");
	out->it = xp_alloc(c, (size_t)n * sizeof *out->it);
	if (!out->it)
		return c->err;
	for (size_t i = 0; i < (size_t)n; i++) {
		out->it[i].type = XP_INTEGER;
		out->it[i].v.dec = (struct tandem_dec){a.v.dec.coef + (tandem_i128)i, 0};
	}
	out->n = (size_t)n;
	return 0;
}

/* some / every / for over the cartesian product of the bindings. */
static int eval_binding(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
			size_t level, struct xp_vec *acc, bool *decided)
{
	size_t nb = (size_t)e->nkids - 1;
	if (level == nb) {
		const struct xp_expr *body = e->kids[nb];
		if (e->op == XP_OP_FOR) {
			struct xp_seq r = {0};
			if (xp_eval(c, body, f, &r) || vec_append(c, acc, &r))
				return c->err;
			return 0;
		}
		size_t mark = xp_mark(c);
		bool b = false;
		if (xp_eval_bool(c, body, f, &b))
			return c->err;
		xp_reset(c, mark);
		if (b == (e->op == XP_OP_SOME))
			*decided = true;
		return 0;
	}
	struct xp_seq dom = {0};
	if (xp_eval(c, e->kids[level], f, &dom))
		return c->err;
	int slot = e->u.binds[level];
	struct xp_seq saved = c->vars[slot];
	for (size_t i = 0; i < dom.n && !*decided; i++) {
		c->vars[slot].it = &dom.it[i];
		c->vars[slot].n = 1;
		if (eval_binding(c, e, f, level + 1, acc, decided)) {
			c->vars[slot] = saved;
			return c->err;
		}
	}
	c->vars[slot] = saved;
	return xp_limit_steps(c);
}

static int eval_cast(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		     struct xp_seq *out)
{
	struct xp_seq s = {0}, a = {0};
	if (xp_eval(c, e->kids[0], f, &s) || atomized(c, &s, &a))
		return c->err;
	if (e->op == XP_OP_CASTABLE) {
		bool ok = a.n == 1 ? xp_castable(c, &a.it[0], (enum xp_type)e->sub)
				   : a.n == 0 && e->flag;
		return xp_seq_bool(c, ok, out);
	}
	if (a.n == 0) {
		if (!e->flag)
			return xp_error(c, "XPTY0004", "cast of an empty sequence");
		out->n = 0;
		return 0;
	}
	if (a.n > 1)
		return xp_error(c, "XPTY0004",
				"a sequence of more than one item is not allowed as the argument of %s()",
				xp_type_name((enum xp_type)e->sub));
	struct xp_item r = {0};
	if (xp_cast(c, &a.it[0], (enum xp_type)e->sub, &r))
		return c->err;
	return xp_seq_one(c, &r, out);
}

static int eval_call(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		     struct xp_seq *out)
{
	struct xp_seq args[16];
	if (e->nkids > 16)
		return xp_error(c, "TANDEM", "more than 16 arguments");
	if (xp_expr_fn(e)->kind == XP_FN_CONTAINS && e->u.lit_index) {
		bool b = false;
		if (xp_eval(c, e->kids[1], f, &args[1]) ||
		    xp_contains_indexed(c, e->u.lit_index, &args[1], &b))
			return c->err;
		return xp_seq_bool(c, b, out);
	}
	for (size_t i = 0; i < e->nkids; i++) {
		if (xp_eval(c, e->kids[i], f, &args[i]))
			return c->err;
	}
	return xp_expr_fn(e)->fn(c, f, args, e->nkids, out);
}

int xp_eval_op(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
	       struct xp_seq *out)
{
	switch (e->op) {
	case XP_OP_LITERAL:
		*out = (struct xp_seq){e->u.lit, 1};
		return 0;
	case XP_OP_VAR:
		*out = c->vars[e->var];
		return 0;
	case XP_OP_CONTEXT:
		if (!f || f->pos == 0)
			return xp_error(c, "XPDY0002", "the context item is absent");
		return xp_seq_one(c, &f->item, out);
	case XP_OP_ROOT: {
		xmlNodePtr n = NULL;
		if (need_node(c, f, &n) || !n)
			return c->err ? c->err : TANDEM_EINVAL;
		struct xp_item it = {.type = XP_NODE, .v.node = (xmlNodePtr)n->doc};
		if (n->type == XML_DOCUMENT_NODE)
			it.v.node = n;
		return xp_seq_one(c, &it, out);
	}
	case XP_OP_SEQ: {
		struct xp_vec v = {0};
		for (size_t i = 0; i < e->nkids; i++) {
			struct xp_seq r = {0};
			if (xp_eval(c, e->kids[i], f, &r) || vec_append(c, &v, &r))
				return c->err;
		}
		out->it = v.it;
		out->n = v.n;
		return 0;
	}
	case XP_OP_OR:
	case XP_OP_AND: {
		bool a = false, b = false;
		if (xp_eval_bool(c, e->kids[0], f, &a))
			return c->err;
		if (a == (e->op == XP_OP_AND) && xp_eval_bool(c, e->kids[1], f, &b))
			return c->err;
		return xp_seq_bool(c, e->op == XP_OP_AND ? a && b : a || b, out);
	}
	case XP_OP_GCMP:
		return eval_gcmp(c, e, f, out);
	case XP_OP_VCMP:
		return eval_vcmp(c, e, f, out);
	case XP_OP_NCMP:
		return eval_ncmp(c, e, f, out);
	case XP_OP_RANGE:
		return eval_range(c, e, f, out);
	case XP_OP_ADD:
	case XP_OP_SUB:
	case XP_OP_MUL:
	case XP_OP_DIV:
	case XP_OP_IDIV:
	case XP_OP_MOD:
		return eval_arith(c, e, f, out);
	case XP_OP_NEG: {
		struct xp_item a = {0};
		bool ea = false;
		if (one_atomic(c, e->kids[0], f, &a, &ea))
			return c->err;
		if (ea)
			return 0;
		if (a.type == XP_UNTYPED && xp_cast(c, &a, XP_DOUBLE, &a))
			return c->err;
		if (a.type == XP_DOUBLE)
			a.v.d = -a.v.d;
		else if (a.type == XP_INTEGER || a.type == XP_DECIMAL)
			a.v.dec = tandem_dec_neg(a.v.dec);
		else
			return xp_error(c, "XPTY0004", "unary minus on %s", xp_type_name(a.type));
		return xp_seq_one(c, &a, out);
	}
	case XP_OP_UNION:
	case XP_OP_INTERSECT:
	case XP_OP_EXCEPT:
		return eval_setop(c, e, f, out);
	case XP_OP_PATH:
		return eval_path(c, e, f, out);
	case XP_OP_STEP: {
		xmlNodePtr n = NULL;
		if (need_node(c, f, &n))
			return c->err;
		return eval_step(c, e, n, out);
	}
	case XP_OP_FILTER: {
		struct xp_seq s = {0};
		if (xp_eval(c, e->kids[0], f, &s))
			return c->err;
		/* Predicates filter in place: work on a private copy. */
		out->it = xp_alloc(c, (s.n ? s.n : 1) * sizeof *out->it);
		if (!out->it)
			return c->err;
		if (s.n)
			memcpy(out->it, s.it, s.n * sizeof *s.it);
		out->n = s.n;
		return apply_preds(c, xp_preds(e), e->npreds, out);
	}
	case XP_OP_CALL:
		return eval_call(c, e, f, out);
	case XP_OP_IF: {
		bool b = false;
		if (xp_eval_bool(c, e->kids[0], f, &b))
			return c->err;
		return xp_eval(c, e->kids[b ? 1 : 2], f, out);
	}
	case XP_OP_SOME:
	case XP_OP_EVERY:
	case XP_OP_FOR: {
		struct xp_vec v = {0};
		bool decided = false;
		if (eval_binding(c, e, f, 0, &v, &decided))
			return c->err;
		if (e->op == XP_OP_FOR) {
			out->it = v.it;
			out->n = v.n;
			return 0;
		}
		/* some: true when one binding satisfied; every: true when none failed. */
		return xp_seq_bool(c, e->op == XP_OP_SOME ? decided : !decided, out);
	}
	case XP_OP_CAST:
	case XP_OP_CASTABLE:
		return eval_cast(c, e, f, out);
	case XP_OP_INSTANCE:
		return xp_error(c, "XPST0003", "'instance of' is not supported");
	}
	return xp_error(c, "XPST0003", "unknown expression");
}

/*
 * Whether step e from node n selects at least one node. With plain
 * predicates the candidates are tested one by one and the first that passes
 * them all decides, as a lazy evaluator would; otherwise the step is
 * evaluated in full.
 */
static int step_exists(struct xp_ctx *c, const struct xp_expr *e, xmlNodePtr n, bool *out)
{
	*out = false;
	if (!e->plain_preds) {
		struct xp_seq r = {0};
		if (eval_step(c, e, n, &r))
			return c->err;
		*out = r.n > 0;
		return 0;
	}
	struct xp_vec v = {0};
	bool reverse = false;
	if (xp_axis_nodes(c, n, e->axis, &e->test, &v, &reverse))
		return c->err;
	for (size_t i = 0; i < v.n && !*out; i++) {
		bool keep = true;
		for (size_t p = 0; p < e->npreds && keep; p++) {
			if (xp_pred_keep(c, xp_preds(e)[p], &v.it[i], 1, 1, &keep))
				return c->err;
		}
		*out = keep;
	}
	return 0;
}

/*
 * Whether e selects at least one item (exists(), empty()). A path whose
 * last step is an axis step stops at the first node it finds.
 */
static int eval_exists(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		       bool *out)
{
	*out = false;
	if (e->op == XP_OP_STEP) {
		xmlNodePtr n = NULL;
		if (need_node(c, f, &n))
			return c->err;
		return step_exists(c, e, n, out);
	}
	if (e->op == XP_OP_PATH && e->kids[1]->op == XP_OP_STEP) {
		struct xp_seq left = {0};
		if (xp_eval(c, e->kids[0], f, &left))
			return c->err;
		for (size_t i = 0; i < left.n && !*out; i++) {
			if (left.it[i].type != XP_NODE)
				return xp_error(c, "XPTY0019",
						"the left side of '/' holds an atomic value");
			if (step_exists(c, e->kids[1], left.it[i].v.node, out))
				return c->err;
		}
		return xp_limit_steps(c);
	}
	struct xp_seq s = {0};
	if (xp_eval(c, e, f, &s))
		return c->err;
	*out = s.n > 0;
	return 0;
}

/* A general comparison straight to a boolean. */
static int gcmp_bool(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		     bool *out)
{
	struct xp_seq a = {0}, b = {0}, aa = {0}, bb = {0};
	*out = false;
	if (xp_eval(c, e->kids[0], f, &a) || atomized(c, &a, &aa) ||
	    xp_eval(c, e->kids[1], f, &b) || atomized(c, &b, &bb))
		return c->err;
	return xp_general_compare(c, &aa, (enum xp_cmp)e->sub, &bb, out);
}

int xp_eval_bool(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		 bool *out)
{
	*out = false;
	if (c->err)
		return c->err;
	switch (e->op) {
	case XP_OP_OR:
	case XP_OP_AND: {
		bool a = false;
		if (xp_eval_bool(c, e->kids[0], f, &a))
			return c->err;
		if (a != (e->op == XP_OP_AND)) {
			*out = a;
			return 0;
		}
		return xp_eval_bool(c, e->kids[1], f, out);
	}
	case XP_OP_GCMP:
		return gcmp_bool(c, e, f, out);
	case XP_OP_CALL: {
		bool b = false;
		switch (xp_expr_fn(e)->kind) {
		case XP_FN_NOT:
			/* not(path) of a name the document lacks: empty, so true. */
			if (e->u.guard && c->dict && f && f->pos && f->item.type == XP_NODE &&
			    !xp_resolve(c, e->u.guard->local, e->u.guard->name_id)) {
				*out = true;
				return 0;
			}
			/* fallthrough */
		case XP_FN_BOOLEAN:
			if (xp_eval_bool(c, e->kids[0], f, &b))
				return c->err;
			*out = xp_expr_fn(e)->kind == XP_FN_NOT ? !b : b;
			return 0;
		case XP_FN_EXISTS:
		case XP_FN_EMPTY:
			if (e->u.guard && c->dict && f && f->pos && f->item.type == XP_NODE &&
			    !xp_resolve(c, e->u.guard->local, e->u.guard->name_id)) {
				*out = xp_expr_fn(e)->kind == XP_FN_EMPTY;
				return 0;
			}
			if (eval_exists(c, e->kids[0], f, &b))
				return c->err;
			*out = xp_expr_fn(e)->kind == XP_FN_EXISTS ? b : !b;
			return 0;
		case XP_FN_OTHER:
			break;
		}
		break;
	}
	default:
		break;
	}
	struct xp_seq s = {0};
	if (xp_eval(c, e, f, &s))
		return c->err;
	return xp_ebv(c, &s, out);
}
