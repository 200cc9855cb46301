/*
 * src/schematron/xp_parse.c - recursive-descent parser of XPath 2.0
 * expressions, producing the tree that xp_eval.c walks. The tokenizer is in
 * xp_lex.c.
 *
 * Names, prefixes, functions and variables are resolved here, once; an
 * unknown one is a compile error, never a surprise during validation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "xp_lex.h"

/* A new node; a literal gets its value's item (most nodes have none). */
static struct xp_expr *node_new(struct xp_parser *ps, enum xp_op op)
{
	struct xp_expr *e = tandem_arena_calloc(ps->cc->arena, 1, sizeof *e);
	if (e && op == XP_OP_LITERAL && !(e->u.lit = tandem_arena_calloc(ps->cc->arena, 1, sizeof *e->u.lit)))
		e = NULL;
	if (!e) {
		xp_lex_fail(ps, "out of memory");
		ps->err = TANDEM_ENOMEM;
		return NULL;
	}
	e->op = (uint8_t)op;
	return e;
}

/*
 * Appends x to a growing array of expression pointers (arena memory). The
 * capacity doubles: it is 2 for n <= 2, else the power of two >= n, so a
 * new array is needed only when n is 0 or a power of two of at least 2.
 */
static int push(struct xp_parser *ps, struct xp_expr ***arr, uint16_t *n, struct xp_expr *x)
{
	if (*n == UINT16_MAX)
		return xp_lex_fail(ps, "too many operands");
	if (*n == 0 || (*n >= 2 && (*n & (*n - 1)) == 0)) {
		size_t cap = *n ? (size_t)*n * 2 : 2;
		struct xp_expr **na = tandem_arena_alloc(ps->cc->arena, cap * sizeof(struct xp_expr *));
		if (!na) {
			xp_lex_fail(ps, "out of memory");
			return ps->err = TANDEM_ENOMEM;
		}
		if (*n)
			memcpy(na, *arr, *n * sizeof(struct xp_expr *));
		*arr = na;
	}
	(*arr)[(*n)++] = x;
	return 0;
}

static struct xp_expr *binary(struct xp_parser *ps, enum xp_op op, struct xp_expr *a,
			      struct xp_expr *b)
{
	struct xp_expr *e = node_new(ps, op);
	if (!e || push(ps, &e->kids, &e->nkids, a) || push(ps, &e->kids, &e->nkids, b))
		return NULL;
	return e;
}

static struct xp_expr *parse_expr(struct xp_parser *ps);
static struct xp_expr *parse_single(struct xp_parser *ps);

static int depth_in(struct xp_parser *ps)
{
	if (++ps->depth > XP_EXPR_DEPTH_MAX) {
		xp_lex_fail(ps, "expression nested deeper than %d", XP_EXPR_DEPTH_MAX);
		return ps->err = TANDEM_ELIMIT;
	}
	return 0;
}

static int parse_literal_number(struct xp_parser *ps, struct xp_expr *e)
{
	char buf[128];
	if (ps->t.n >= sizeof buf)
		return xp_lex_fail(ps, "numeric literal too long");
	memcpy(buf, ps->t.p, ps->t.n);
	buf[ps->t.n] = '\0';
	e->op = XP_OP_LITERAL;
	if (strpbrk(buf, "eE")) {
		e->u.lit->type = XP_DOUBLE;
		e->u.lit->v.d = strtod(buf, NULL);
	} else {
		e->u.lit->type = strchr(buf, '.') ? XP_DECIMAL : XP_INTEGER;
		if (tandem_dec_parse_cstr(buf, &e->u.lit->v.dec))
			return xp_lex_fail(ps, "numeric literal out of range");
		if (e->u.lit->type == XP_DECIMAL)
			e->u.lit->v.dec = tandem_dec_reduce(e->u.lit->v.dec);
	}
	return xp_lex_advance(ps);
}

static int parse_literal_string(struct xp_parser *ps, struct xp_expr *e)
{
	char q = ps->t.p[0];
	size_t n = ps->t.n - 2;
	char *s = tandem_arena_alloc(ps->cc->arena, n + 1);
	if (!s)
		return xp_lex_fail(ps, "out of memory");
	size_t k = 0;
	for (size_t i = 1; i + 1 < ps->t.n; i++) {
		s[k++] = ps->t.p[i];
		if (ps->t.p[i] == q)
			i++; /* doubled quote */
	}
	s[k] = '\0';
	e->op = XP_OP_LITERAL;
	e->u.lit->type = XP_STRING;
	e->u.lit->v.s.p = s;
	e->u.lit->v.s.n = k;
	return xp_lex_advance(ps);
}

static struct xp_expr *parse_var(struct xp_parser *ps)
{
	struct xp_expr *e = node_new(ps, XP_OP_VAR);
	if (!e)
		return NULL;
	for (const struct xp_scope *sc = ps->cc->scope; sc; sc = sc->up) {
		if (strlen(sc->name) == ps->t.local_n &&
		    memcmp(sc->name, ps->t.local, ps->t.local_n) == 0) {
			e->var = (int16_t)sc->slot; /* < XP_VARS_MAX */
			return xp_lex_advance(ps) ? NULL : e;
		}
	}
	xp_lex_fail(ps, "unknown variable $%.*s", (int)ps->t.local_n, ps->t.local);
	return NULL;
}

/* Atomic type names allowed after "cast as" and in constructor calls. */
static int type_of_name(const char *local, size_t n)
{
	static const struct {
		const char *name;
		enum xp_type type;
	} types[] = {
		{"string", XP_STRING},   {"decimal", XP_DECIMAL}, {"integer", XP_INTEGER},
		{"double", XP_DOUBLE},   {"boolean", XP_BOOLEAN}, {"date", XP_DATE},
		{"untypedAtomic", XP_UNTYPED},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		if (strlen(types[i].name) == n && memcmp(types[i].name, local, n) == 0)
			return (int)types[i].type;
	}
	return -1;
}

static struct xp_expr *parse_call(struct xp_parser *ps)
{
	const char *ns = XP_NS_FN;
	if (ps->t.prefix) {
		ns = xp_lex_resolve_prefix(ps, ps->t.prefix, ps->t.prefix_n);
		if (!ns)
			return NULL;
	}
	const char *name = xp_lex_arena_str(ps, ps->t.local, ps->t.local_n);
	if (!name || xp_lex_advance(ps) || xp_lex_expect_sym(ps, "("))
		return NULL;
	struct xp_expr *e = node_new(ps, XP_OP_CALL);
	if (!e)
		return NULL;
	if (!xp_lex_is_sym(ps, ")")) {
		for (;;) {
			struct xp_expr *a = parse_single(ps);
			if (!a || push(ps, &e->kids, &e->nkids, a))
				return NULL;
			if (!xp_lex_is_sym(ps, ","))
				break;
			if (xp_lex_advance(ps))
				return NULL;
		}
	}
	if (xp_lex_expect_sym(ps, ")"))
		return NULL;
	if (strcmp(ns, XP_NS_XS) == 0) {
		int type = type_of_name(name, strlen(name));
		if (type < 0 || e->nkids != 1) {
			xp_lex_fail(ps, "unsupported constructor xs:%s#%u", name, e->nkids);
			return NULL;
		}
		e->op = XP_OP_CAST;
		e->sub = (uint8_t)type;
		e->flag = true;
		return e;
	}
	e->fn_id = (uint16_t)xp_func_find(ns, name, e->nkids);
	if (!e->fn_id) {
		xp_lex_fail(ps, "unknown function %s#%u", name, e->nkids);
		return NULL;
	}
	const struct xp_func *fn = xp_expr_fn(e);
	if ((fn->kind == XP_FN_NOT || fn->kind == XP_FN_EXISTS || fn->kind == XP_FN_EMPTY) &&
	    e->nkids == 1)
		e->u.guard = xp_path_guard(e->kids[0]);
	/* contains('long literal', x): the literal is a code list, index it. */
	if (fn->kind == XP_FN_CONTAINS && e->nkids == 2 && e->kids[0]->op == XP_OP_LITERAL &&
	    e->kids[0]->u.lit->type == XP_STRING && e->kids[0]->u.lit->v.s.n >= XP_LIT_INDEX_MIN &&
	    xp_lit_index_build(ps->cc->arena, e->kids[0]->u.lit->v.s.p, e->kids[0]->u.lit->v.s.n,
			       &e->u.lit_index)) {
		xp_lex_fail(ps, "out of memory");
		ps->err = TANDEM_ENOMEM;
		return NULL;
	}
	return e;
}

/*
 * [a and b] is [a][b] when a and b are plain predicates (booleans that read
 * no position): the second filter sees what the first kept, in order, and b
 * is evaluated only where a holds, as and does from the left. Each half is
 * then shared (and memoised) on its own - a name test such as
 * ends-with(name(), 'Amount') by name rather than by node.
 */
static int split_and(struct xp_parser *ps, struct xp_expr ***preds, uint16_t *npreds,
		     struct xp_expr *p)
{
	if (p->op == XP_OP_AND && xp_plain_predicate(p->kids[0]) &&
	    xp_plain_predicate(p->kids[1]))
		return split_and(ps, preds, npreds, p->kids[0]) ||
		       split_and(ps, preds, npreds, p->kids[1]);
	return push(ps, preds, npreds, p);
}

/* Predicates follow the operands in e->kids (xp_preds()). */
static int parse_predicates(struct xp_parser *ps, struct xp_expr *e)
{
	struct xp_expr **preds = NULL;
	uint16_t npreds = 0;
	while (xp_lex_is_sym(ps, "[")) {
		if (xp_lex_advance(ps))
			return ps->err;
		struct xp_expr *p = parse_expr(ps);
		if (!p || xp_lex_expect_sym(ps, "]") || split_and(ps, &preds, &npreds, p))
			return ps->err ? ps->err : TANDEM_EBADINPUT;
	}
	if (npreds) {
		if ((size_t)e->nkids + npreds > UINT16_MAX)
			return xp_lex_fail(ps, "too many predicates");
		size_t n = (size_t)e->nkids + npreds;
		struct xp_expr **all = tandem_arena_alloc(ps->cc->arena, n * sizeof(struct xp_expr *));
		if (!all) {
			xp_lex_fail(ps, "out of memory");
			return ps->err = TANDEM_ENOMEM;
		}
		if (e->nkids)
			memcpy(all, e->kids, e->nkids * sizeof(struct xp_expr *));
		memcpy(all + e->nkids, preds, npreds * sizeof(struct xp_expr *));
		e->kids = all;
		e->npreds = npreds;
	}
	e->plain_preds = true;
	for (size_t i = 0; i < e->npreds; i++) {
		struct xp_expr *p = xp_preds(e)[i];
		p->plain = xp_plain_predicate(p);
		p->memo_id = (uint16_t)xp_memo_id(ps->cc->names, p);
		p->name_memo = p->memo_id && xp_name_only(p);
		e->plain_preds = e->plain_preds && p->plain;
	}
	return 0;
}



static const struct {
	const char *name;
	enum xp_axis axis;
} axes[] = {
	{"child", XP_AXIS_CHILD},
	{"attribute", XP_AXIS_ATTRIBUTE},
	{"self", XP_AXIS_SELF},
	{"parent", XP_AXIS_PARENT},
	{"ancestor", XP_AXIS_ANCESTOR},
	{"ancestor-or-self", XP_AXIS_ANCESTOR_OR_SELF},
	{"descendant", XP_AXIS_DESCENDANT},
	{"descendant-or-self", XP_AXIS_DESCENDANT_OR_SELF},
	{"preceding", XP_AXIS_PRECEDING},
	{"preceding-sibling", XP_AXIS_PRECEDING_SIBLING},
	{"following", XP_AXIS_FOLLOWING},
	{"following-sibling", XP_AXIS_FOLLOWING_SIBLING},
};

/* StepExpr: an axis step or a filter expression. */
static struct xp_expr *parse_step(struct xp_parser *ps)
{
	if (depth_in(ps))
		return NULL;
	struct xp_expr *e = NULL;
	const struct xp_tok *t = &ps->t;

	if (xp_lex_is_sym(ps, "..")) {
		if (!(e = node_new(ps, XP_OP_STEP)))
			goto out;
		e->axis = XP_AXIS_PARENT;
		e->test.kind = XP_TEST_NODE;
		if (xp_lex_advance(ps))
			e = NULL;
		goto preds;
	}
	if (xp_lex_is_sym(ps, "@")) {
		if (!(e = node_new(ps, XP_OP_STEP)) || xp_lex_advance(ps))
			goto fail;
		e->axis = XP_AXIS_ATTRIBUTE;
		if (xp_lex_node_test(ps, &e->test, e->axis))
			goto fail;
		goto preds;
	}
	if (t->kind == XP_TOK_NAME && !t->prefix && !t->star_prefix && xp_lex_peek_two(ps, ':', ':')) {
		size_t i;
		for (i = 0; i < sizeof axes / sizeof axes[0]; i++) {
			if (strlen(axes[i].name) == t->local_n &&
			    memcmp(axes[i].name, t->local, t->local_n) == 0)
				break;
		}
		if (i == sizeof axes / sizeof axes[0]) {
			xp_lex_fail(ps, "unknown axis '%.*s'", (int)t->local_n, t->local);
			goto fail;
		}
		if (!(e = node_new(ps, XP_OP_STEP)) || xp_lex_advance(ps) || xp_lex_expect_sym(ps, "::"))
			goto fail;
		e->axis = (uint8_t)axes[i].axis;
		if (xp_lex_node_test(ps, &e->test, e->axis))
			goto fail;
		goto preds;
	}
	if (t->kind == XP_TOK_STAR ||
	    (t->kind == XP_TOK_NAME &&
	     (xp_lex_peek_char(ps) != '(' || xp_lex_is_kind_test(ps)))) {
		if (!(e = node_new(ps, XP_OP_STEP)))
			goto fail;
		e->axis = XP_AXIS_CHILD;
		if (xp_lex_node_test(ps, &e->test, e->axis))
			goto fail;
		if (e->test.kind == XP_TEST_ATTRIBUTE)
			e->axis = XP_AXIS_ATTRIBUTE;
		goto preds;
	}

	/* Filter expression: a primary with optional predicates. */
	struct xp_expr *prim = NULL;
	if (t->kind == XP_TOK_NUMBER || t->kind == XP_TOK_STRING) {
		if (!(prim = node_new(ps, XP_OP_LITERAL)))
			goto fail;
		if ((t->kind == XP_TOK_NUMBER ? parse_literal_number(ps, prim)
					 : parse_literal_string(ps, prim)))
			goto fail;
	} else if (t->kind == XP_TOK_VAR) {
		if (!(prim = parse_var(ps)))
			goto fail;
	} else if (xp_lex_is_sym(ps, "(")) {
		if (xp_lex_advance(ps))
			goto fail;
		if (xp_lex_is_sym(ps, ")")) {
			if (!(prim = node_new(ps, XP_OP_SEQ)) || xp_lex_advance(ps))
				goto fail;
		} else {
			prim = parse_expr(ps);
			if (!prim || xp_lex_expect_sym(ps, ")"))
				goto fail;
		}
	} else if (xp_lex_is_sym(ps, ".")) {
		if (!(prim = node_new(ps, XP_OP_CONTEXT)) || xp_lex_advance(ps))
			goto fail;
	} else if (t->kind == XP_TOK_NAME && xp_lex_peek_char(ps) == '(') {
		if (!(prim = parse_call(ps)))
			goto fail;
	} else {
		xp_lex_fail(ps, "unexpected token '%.*s'", (int)(t->n ? t->n : 3), t->n ? t->p : "end");
		goto fail;
	}
	if (!xp_lex_is_sym(ps, "[")) {
		e = prim;
		goto out;
	}
	if (!(e = node_new(ps, XP_OP_FILTER)) || push(ps, &e->kids, &e->nkids, prim))
		goto fail;
preds:
	if (e && parse_predicates(ps, e))
		goto fail;
	goto out;
fail:
	e = NULL;
out:
	ps->depth--;
	return e;
}

static bool starts_step(const struct xp_parser *ps)
{
	switch (ps->t.kind) {
	case XP_TOK_NAME:
	case XP_TOK_STAR:
	case XP_TOK_NUMBER:
	case XP_TOK_STRING:
	case XP_TOK_VAR:
		return true;
	case XP_TOK_SYM:
		return xp_lex_is_sym(ps, "@") || xp_lex_is_sym(ps, ".") || xp_lex_is_sym(ps, "..") ||
		       xp_lex_is_sym(ps, "(");
	default:
		return false;
	}
}

static struct xp_expr *descendant_or_self(struct xp_parser *ps)
{
	struct xp_expr *e = node_new(ps, XP_OP_STEP);
	if (e) {
		e->axis = XP_AXIS_DESCENDANT_OR_SELF;
		e->test.kind = XP_TEST_NODE;
	}
	return e;
}

/*
 * a//b: descendant-or-self::node()/b, or, when b is a child step (or a
 * union of them) whose predicates do not depend on position, descendant::b,
 * which selects the same nodes without visiting every node twice.
 */
static struct xp_expr *join_dslash(struct xp_parser *ps, struct xp_expr *a, struct xp_expr *b)
{
	if (xp_can_descend(b)) {
		xp_descend(b);
		return binary(ps, XP_OP_PATH, a, b);
	}
	struct xp_expr *dos = descendant_or_self(ps);
	if (!dos)
		return NULL;
	struct xp_expr *left = binary(ps, XP_OP_PATH, a, dos);
	return left ? binary(ps, XP_OP_PATH, left, b) : NULL;
}

static struct xp_expr *parse_path(struct xp_parser *ps)
{
	struct xp_expr *e;
	if (xp_lex_is_sym(ps, "/") || xp_lex_is_sym(ps, "//")) {
		bool dslash = xp_lex_is_sym(ps, "//");
		if (!(e = node_new(ps, XP_OP_ROOT)) || xp_lex_advance(ps))
			return NULL;
		if (!dslash && !starts_step(ps))
			return e;
		struct xp_expr *s = parse_step(ps);
		if (!s)
			return NULL;
		e = dslash ? join_dslash(ps, e, s) : binary(ps, XP_OP_PATH, e, s);
	} else {
		e = parse_step(ps);
	}
	while (e && (xp_lex_is_sym(ps, "/") || xp_lex_is_sym(ps, "//"))) {
		bool dslash = xp_lex_is_sym(ps, "//");
		if (xp_lex_advance(ps))
			return NULL;
		struct xp_expr *s = parse_step(ps);
		if (!s)
			return NULL;
		e = dslash ? join_dslash(ps, e, s) : binary(ps, XP_OP_PATH, e, s);
	}
	return e;
}

static struct xp_expr *parse_unary(struct xp_parser *ps)
{
	bool neg = false, any = false;
	while (xp_lex_is_sym(ps, "-") || xp_lex_is_sym(ps, "+")) {
		if (xp_lex_is_sym(ps, "-"))
			neg = !neg;
		any = true;
		if (xp_lex_advance(ps))
			return NULL;
	}
	struct xp_expr *e = parse_path(ps);
	if (!e || !any)
		return e;
	/* +x still atomizes and checks that x is numeric: 0 + x does both. */
	struct xp_expr *u = node_new(ps, neg ? XP_OP_NEG : XP_OP_ADD);
	if (!u)
		return NULL;
	if (!neg) {
		struct xp_expr *zero = node_new(ps, XP_OP_LITERAL);
		if (!zero)
			return NULL;
		zero->u.lit->type = XP_INTEGER;
		return binary(ps, XP_OP_ADD, zero, e);
	}
	return push(ps, &u->kids, &u->nkids, e) ? NULL : u;
}

static struct xp_expr *parse_cast(struct xp_parser *ps)
{
	struct xp_expr *e = parse_unary(ps);
	for (int round = 0; e && round < 2; round++) {
		bool castable = xp_lex_is_word(ps, "castable");
		if (!(castable || xp_lex_is_word(ps, "cast")) || xp_lex_peek_char(ps) != 'a')
			continue;
		if (xp_lex_advance(ps) || xp_lex_expect_word(ps, "as"))
			return NULL;
		if (ps->t.kind != XP_TOK_NAME || !ps->t.prefix) {
			xp_lex_fail(ps, "expected an atomic type");
			return NULL;
		}
		const char *ns = xp_lex_resolve_prefix(ps, ps->t.prefix, ps->t.prefix_n);
		int type = ns && strcmp(ns, XP_NS_XS) == 0 ? type_of_name(ps->t.local, ps->t.local_n) : -1;
		if (type < 0) {
			xp_lex_fail(ps, "unsupported cast target '%.*s'", (int)ps->t.n, ps->t.p);
			return NULL;
		}
		if (xp_lex_advance(ps))
			return NULL;
		struct xp_expr *c = node_new(ps, castable ? XP_OP_CASTABLE : XP_OP_CAST);
		if (!c || push(ps, &c->kids, &c->nkids, e))
			return NULL;
		c->sub = (uint8_t)type;
		if (xp_lex_is_sym(ps, "?")) {
			c->flag = true;
			if (xp_lex_advance(ps))
				return NULL;
		}
		e = c;
	}
	return e;
}

static struct xp_expr *parse_intersect(struct xp_parser *ps)
{
	struct xp_expr *e = parse_cast(ps);
	while (e && (xp_lex_is_word(ps, "intersect") || xp_lex_is_word(ps, "except"))) {
		enum xp_op op = xp_lex_is_word(ps, "intersect") ? XP_OP_INTERSECT : XP_OP_EXCEPT;
		if (xp_lex_advance(ps))
			return NULL;
		struct xp_expr *b = parse_cast(ps);
		e = b ? binary(ps, op, e, b) : NULL;
	}
	return e;
}

static struct xp_expr *parse_union(struct xp_parser *ps)
{
	struct xp_expr *e = parse_intersect(ps);
	while (e && (xp_lex_is_sym(ps, "|") || xp_lex_is_word(ps, "union"))) {
		if (xp_lex_advance(ps))
			return NULL;
		struct xp_expr *b = parse_intersect(ps);
		e = b ? binary(ps, XP_OP_UNION, e, b) : NULL;
	}
	return e;
}

static struct xp_expr *parse_mul(struct xp_parser *ps)
{
	struct xp_expr *e = parse_union(ps);
	for (;;) {
		enum xp_op op;
		if (!e)
			return NULL;
		if (ps->t.kind == XP_TOK_STAR)
			op = XP_OP_MUL;
		else if (xp_lex_is_word(ps, "div"))
			op = XP_OP_DIV;
		else if (xp_lex_is_word(ps, "idiv"))
			op = XP_OP_IDIV;
		else if (xp_lex_is_word(ps, "mod"))
			op = XP_OP_MOD;
		else
			return e;
		if (xp_lex_advance(ps))
			return NULL;
		struct xp_expr *b = parse_union(ps);
		e = b ? binary(ps, op, e, b) : NULL;
	}
}

static struct xp_expr *parse_add(struct xp_parser *ps)
{
	struct xp_expr *e = parse_mul(ps);
	while (e && (xp_lex_is_sym(ps, "+") || xp_lex_is_sym(ps, "-"))) {
		enum xp_op op = xp_lex_is_sym(ps, "+") ? XP_OP_ADD : XP_OP_SUB;
		if (xp_lex_advance(ps))
			return NULL;
		struct xp_expr *b = parse_mul(ps);
		e = b ? binary(ps, op, e, b) : NULL;
	}
	return e;
}

static struct xp_expr *parse_range(struct xp_parser *ps)
{
	struct xp_expr *e = parse_add(ps);
	if (e && xp_lex_is_word(ps, "to")) {
		if (xp_lex_advance(ps))
			return NULL;
		struct xp_expr *b = parse_add(ps);
		e = b ? binary(ps, XP_OP_RANGE, e, b) : NULL;
	}
	return e;
}

static struct xp_expr *parse_comparison(struct xp_parser *ps)
{
	static const struct {
		const char *text;
		bool word;
		enum xp_op op;
		enum xp_cmp cmp;
	} ops[] = {
		{"=", false, XP_OP_GCMP, XP_EQ},   {"!=", false, XP_OP_GCMP, XP_NE},
		{"<", false, XP_OP_GCMP, XP_LT},   {"<=", false, XP_OP_GCMP, XP_LE},
		{">", false, XP_OP_GCMP, XP_GT},   {">=", false, XP_OP_GCMP, XP_GE},
		{"eq", true, XP_OP_VCMP, XP_EQ},   {"ne", true, XP_OP_VCMP, XP_NE},
		{"lt", true, XP_OP_VCMP, XP_LT},   {"le", true, XP_OP_VCMP, XP_LE},
		{"gt", true, XP_OP_VCMP, XP_GT},   {"ge", true, XP_OP_VCMP, XP_GE},
		{"is", true, XP_OP_NCMP, XP_IS},   {"<<", false, XP_OP_NCMP, XP_PRECEDES},
		{">>", false, XP_OP_NCMP, XP_FOLLOWS},
	};
	struct xp_expr *e = parse_range(ps);
	if (!e)
		return NULL;
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		if (ops[i].word ? !xp_lex_is_word(ps, ops[i].text) : !xp_lex_is_sym(ps, ops[i].text))
			continue;
		if (xp_lex_advance(ps))
			return NULL;
		struct xp_expr *b = parse_range(ps);
		if (!b)
			return NULL;
		struct xp_expr *c = binary(ps, ops[i].op, e, b);
		if (c)
			c->sub = (uint8_t)ops[i].cmp;
		return c;
	}
	return e;
}

static struct xp_expr *parse_and(struct xp_parser *ps)
{
	struct xp_expr *e = parse_comparison(ps);
	while (e && xp_lex_is_word(ps, "and")) {
		if (xp_lex_advance(ps))
			return NULL;
		struct xp_expr *b = parse_comparison(ps);
		e = b ? binary(ps, XP_OP_AND, e, b) : NULL;
	}
	return e;
}

static struct xp_expr *parse_or(struct xp_parser *ps)
{
	struct xp_expr *e = parse_and(ps);
	while (e && xp_lex_is_word(ps, "or")) {
		if (xp_lex_advance(ps))
			return NULL;
		struct xp_expr *b = parse_and(ps);
		e = b ? binary(ps, XP_OP_OR, e, b) : NULL;
	}
	return e;
}

/* for/some/every: bindings "$v in E, ..." then the return/satisfies clause. */
static struct xp_expr *parse_binding(struct xp_parser *ps, enum xp_op op)
{
	struct xp_expr *e = node_new(ps, op);
	const struct xp_scope *saved = ps->cc->scope;
	struct xp_scope *scopes = NULL;
	int binds[64];
	size_t nb = 0;
	if (!e || xp_lex_advance(ps))
		return NULL;
	for (;;) {
		if (ps->t.kind != XP_TOK_VAR) {
			xp_lex_fail(ps, "expected a variable");
			goto fail;
		}
		if (nb == sizeof binds / sizeof binds[0]) {
			xp_lex_fail(ps, "too many bindings");
			goto fail;
		}
		struct xp_scope *sc = tandem_arena_calloc(ps->cc->arena, 1, sizeof *sc);
		if (!sc || *ps->cc->next_slot >= XP_VARS_MAX) {
			xp_lex_fail(ps, "too many variables");
			goto fail;
		}
		sc->name = xp_lex_arena_str(ps, ps->t.local, ps->t.local_n);
		if (!sc->name || xp_lex_advance(ps) || xp_lex_expect_word(ps, "in"))
			goto fail;
		/* The domain sees the outer bindings only. */
		struct xp_expr *in = parse_single(ps);
		if (!in || push(ps, &e->kids, &e->nkids, in))
			goto fail;
		sc->slot = (*ps->cc->next_slot)++;
		sc->up = ps->cc->scope;
		ps->cc->scope = sc;
		scopes = sc;
		binds[nb++] = sc->slot;
		if (!xp_lex_is_sym(ps, ","))
			break;
		if (xp_lex_advance(ps))
			goto fail;
	}
	if (xp_lex_expect_word(ps, op == XP_OP_FOR ? "return" : "satisfies"))
		goto fail;
	struct xp_expr *body = parse_single(ps);
	if (!body || push(ps, &e->kids, &e->nkids, body))
		goto fail;
	e->u.binds = tandem_arena_alloc(ps->cc->arena, nb * sizeof *e->u.binds);
	if (!e->u.binds)
		goto fail;
	memcpy(e->u.binds, binds, nb * sizeof *binds);
	ps->cc->scope = saved;
	(void)scopes;
	return e;
fail:
	ps->cc->scope = saved;
	if (!ps->err)
		xp_lex_fail(ps, "bad binding");
	return NULL;
}

static struct xp_expr *parse_single(struct xp_parser *ps)
{
	if (depth_in(ps))
		return NULL;
	struct xp_expr *e;
	if (xp_lex_is_word(ps, "for") && xp_lex_peek_char(ps) == '$')
		e = parse_binding(ps, XP_OP_FOR);
	else if (xp_lex_is_word(ps, "some") && xp_lex_peek_char(ps) == '$')
		e = parse_binding(ps, XP_OP_SOME);
	else if (xp_lex_is_word(ps, "every") && xp_lex_peek_char(ps) == '$')
		e = parse_binding(ps, XP_OP_EVERY);
	else if (xp_lex_is_word(ps, "if") && xp_lex_peek_char(ps) == '(') {
		e = node_new(ps, XP_OP_IF);
		struct xp_expr *c, *a, *b;
		if (!e || xp_lex_advance(ps) || xp_lex_expect_sym(ps, "(") || !(c = parse_expr(ps)) ||
		    xp_lex_expect_sym(ps, ")") || xp_lex_expect_word(ps, "then") || !(a = parse_single(ps)) ||
		    xp_lex_expect_word(ps, "else") || !(b = parse_single(ps)) ||
		    push(ps, &e->kids, &e->nkids, c) || push(ps, &e->kids, &e->nkids, a) ||
		    push(ps, &e->kids, &e->nkids, b))
			e = NULL;
	} else {
		e = parse_or(ps);
	}
	ps->depth--;
	return e;
}

static struct xp_expr *parse_expr(struct xp_parser *ps)
{
	struct xp_expr *e = parse_single(ps);
	if (!e || !xp_lex_is_sym(ps, ","))
		return e;
	struct xp_expr *seq = node_new(ps, XP_OP_SEQ);
	if (!seq || push(ps, &seq->kids, &seq->nkids, e))
		return NULL;
	while (xp_lex_is_sym(ps, ",")) {
		if (xp_lex_advance(ps))
			return NULL;
		struct xp_expr *b = parse_single(ps);
		if (!b || push(ps, &seq->kids, &seq->nkids, b))
			return NULL;
	}
	return seq;
}

int xp_compile(struct xp_compiler *cc, const char *text, struct xp_expr **out)
{
	struct xp_parser ps = {.cc = cc, .src = text, .len = strlen(text)};
	cc->err[0] = '\0';
	*out = NULL;
	if (ps.len > XP_EXPR_LEN_MAX) {
		snprintf(cc->err, sizeof cc->err, "expression longer than %u characters",
			 XP_EXPR_LEN_MAX);
		return TANDEM_ELIMIT;
	}
	if (xp_lex_advance(&ps))
		return ps.err;
	struct xp_expr *e = parse_expr(&ps);
	if (e && ps.t.kind != XP_TOK_END)
		xp_lex_fail(&ps, "unexpected '%.*s'", (int)ps.t.n, ps.t.p);
	if (ps.err || !e)
		return ps.err ? ps.err : TANDEM_EBADINPUT;
	xp_keep_mark(cc->names, e);
	*out = e;
	return 0;
}
