/*
 * src/schematron/xp_quiet.c - names whose absence decides an expression.
 *
 * Most asserts of the EN 16931 rule sets are conditions on elements an
 * invoice does not have: "not(cac:X) or ...", "every $v in cbc:Y
 * satisfies ...". When no node of the document has the name, such an
 * assert holds whatever the context node, and the runner (sch_run.c) need
 * not evaluate it. xp_quiet_names() finds those names at compile time.
 *
 * The analysis follows the evaluator's order (xp_eval.c): the left operand
 * of "or" and "and" first, the right one only when the left does not
 * decide, both operands of a comparison, the first binding of "some" and
 * "every" before anything else. A name counts only when its absence gives
 * the value without any error the evaluation could raise before it: an
 * operand evaluated first must be one that never raises one (error_free()).
 * So a skipped assert is one the evaluator would have found true (false
 * for a report) without an error, never one it would have reported.
 *
 * Three sets, for an expression e and a name test t:
 *   empty_of(e)        - without t, e is the empty sequence;
 *   value_of(e, true)  - without t, the effective boolean value of e is true;
 *   value_of(e, false) - without t, it is false.
 * A set holds at most QUIET_MAX names; dropping one keeps it true (any
 * part of a set of sufficient conditions is one), so the sets are cut, not
 * refused, when they fill up.
 */
#include <string.h>

#include "xp.h"

#define QUIET_MAX 8

struct names {
	const struct xp_test *t[QUIET_MAX];
	size_t n;
};

static bool same_name(const struct xp_test *a, const struct xp_test *b)
{
	return a->local == b->local ||
	       (a->local && b->local && strcmp(a->local, b->local) == 0);
}

static bool has(const struct names *s, const struct xp_test *t)
{
	for (size_t i = 0; i < s->n; i++)
		if (same_name(s->t[i], t))
			return true;
	return false;
}

static void add(struct names *s, const struct xp_test *t)
{
	if (s->n < QUIET_MAX && !has(s, t))
		s->t[s->n++] = t;
}

static void join(struct names *s, const struct names *o)
{
	for (size_t i = 0; i < o->n; i++)
		add(s, o->t[i]);
}

static void meet(struct names *s, const struct names *o)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (has(o, s->t[i]))
			s->t[k++] = s->t[i];
	s->n = k;
}

/* Whether e, evaluated on a node, gives only nodes (or an error). */
static bool gives_nodes(const struct xp_expr *e)
{
	switch (e->op) {
	case XP_OP_ROOT:
	case XP_OP_CONTEXT:
	case XP_OP_STEP:
		return true;
	case XP_OP_PATH:
	case XP_OP_UNION:
		return gives_nodes(e->kids[0]) && gives_nodes(e->kids[1]);
	case XP_OP_FILTER:
		return gives_nodes(e->kids[0]);
	default:
		return false;
	}
}

static bool is_string_literal(const struct xp_expr *e)
{
	return e->op == XP_OP_LITERAL && e->u.lit->type == XP_STRING;
}

static int count_of_nothing(const struct xp_expr *e, const struct xp_expr **p);

/* Whether e is count() of one argument (it raises no error of its own). */
static bool is_count(const struct xp_expr *e)
{
	return e->op == XP_OP_CALL && e->nkids == 1 && strcmp(xp_expr_fn(e)->name, "count") == 0;
}

/*
 * Whether e, evaluated on a node, raises no error, and neither does taking
 * its effective boolean value. A variable is not: it may hold several
 * atomic values, whose effective boolean value is an error.
 */
static bool error_free(const struct xp_expr *e)
{
	switch (e->op) {
	case XP_OP_LITERAL:
	case XP_OP_ROOT:
	case XP_OP_CONTEXT:
		return true;
	case XP_OP_STEP:
		for (size_t i = 0; i < e->npreds; i++)
			if (!error_free(xp_preds(e)[i]))
				return false;
		return true;
	case XP_OP_PATH:
	case XP_OP_UNION:
		return gives_nodes(e) && error_free(e->kids[0]) && error_free(e->kids[1]);
	case XP_OP_OR:
	case XP_OP_AND:
		return error_free(e->kids[0]) && error_free(e->kids[1]);
	case XP_OP_VCMP:
	case XP_OP_GCMP: {
		/* count() against a number: two numbers. */
		const struct xp_expr *p = NULL;
		if (count_of_nothing(e, &p) >= 0)
			return error_free(p);
	}
		/* = and != of nodes and strings compare strings: untyped
		 * values are never cast to a number. */
		if (e->op == XP_OP_VCMP || (e->sub != XP_EQ && e->sub != XP_NE))
			return false;
		for (size_t i = 0; i < 2; i++) {
			const struct xp_expr *k = e->kids[i];
			if (!is_string_literal(k) && !(gives_nodes(k) && error_free(k)))
				return false;
		}
		return true;
	case XP_OP_CALL:
		switch (xp_expr_fn(e)->kind) {
		case XP_FN_NOT:
		case XP_FN_BOOLEAN:
		case XP_FN_EXISTS:
		case XP_FN_EMPTY:
			return error_free(e->kids[0]);
		default:
			return is_count(e) && error_free(e->kids[0]);
		}
	default:
		return false;
	}
}

/*
 * For a comparison of count(p) with a number (either side, = != < <= > >=,
 * general or value): the value it has when p is empty, -1 when it is not
 * such a comparison.
 */
static int count_of_nothing(const struct xp_expr *e, const struct xp_expr **p)
{
	if ((e->op != XP_OP_GCMP && e->op != XP_OP_VCMP) || e->sub > XP_GE)
		return -1;
	bool left = is_count(e->kids[0]);
	const struct xp_expr *c = e->kids[left ? 0 : 1], *n = e->kids[left ? 1 : 0];
	if (!is_count(c) || n->op != XP_OP_LITERAL)
		return -1;
	int sign; /* of 0 - n */
	switch ((int)n->u.lit->type) {
	case XP_INTEGER:
	case XP_DECIMAL:
		sign = -tandem_dec_sign(n->u.lit->v.dec);
		break;
	case XP_DOUBLE:
		if (n->u.lit->v.d != n->u.lit->v.d)
			return -1; /* NaN */
		sign = n->u.lit->v.d > 0 ? -1 : n->u.lit->v.d < 0;
		break;
	default:
		return -1;
	}
	if (!left)
		sign = -sign; /* n op 0 */
	*p = c->kids[0];
	switch (e->sub) {
	case XP_EQ: return sign == 0;
	case XP_NE: return sign != 0;
	case XP_LT: return sign < 0;
	case XP_LE: return sign <= 0;
	case XP_GT: return sign > 0;
	default: return sign >= 0; /* XP_GE */
	}
}

static void empty_of(const struct xp_expr *e, struct names *out);
static void value_of(const struct xp_expr *e, bool value, struct names *out);

static void empty_of(const struct xp_expr *e, struct names *out)
{
	struct names r = {0};
	out->n = 0;
	switch (e->op) {
	case XP_OP_STEP:
		/* No node has the name: the axis selects none, and the
		 * predicates never run. */
		if (e->test.kind == XP_TEST_NAME && e->test.local)
			add(out, &e->test);
		return;
	case XP_OP_PATH:
		empty_of(e->kids[0], out);
		/* The right side runs on each node of the left, after it. */
		if (gives_nodes(e->kids[0]) && error_free(e->kids[0])) {
			empty_of(e->kids[1], &r);
			join(out, &r);
		}
		return;
	case XP_OP_FILTER:
		empty_of(e->kids[0], out);
		return;
	case XP_OP_UNION:
		empty_of(e->kids[0], out);
		empty_of(e->kids[1], &r);
		meet(out, &r);
		return;
	default:
		return;
	}
}

/* Of a or b (or) and a and b (and): the value v of the left one decides. */
static void connective(const struct xp_expr *e, bool decides, struct names *out)
{
	struct names r = {0};
	value_of(e->kids[0], decides, out);
	value_of(e->kids[1], decides, &r);
	if ((e->op == XP_OP_OR) == decides) {
		/* Either side giving the deciding value decides; the right one
		 * only runs after a left one that raised nothing. */
		if (!error_free(e->kids[0]))
			r.n = 0;
		join(out, &r);
	} else {
		meet(out, &r); /* both must give it */
	}
}

/* The names whose absence makes the effective boolean value of e value. */
static void value_of(const struct xp_expr *e, bool value, struct names *out)
{
	struct names r = {0};
	out->n = 0;
	switch (e->op) {
	case XP_OP_OR:
	case XP_OP_AND:
		connective(e, value, out);
		return;
	case XP_OP_EVERY:
	case XP_OP_SOME:
		/* Nothing to check: "every" holds, "some" does not. */
		if ((e->op == XP_OP_EVERY) == value)
			empty_of(e->kids[0], out);
		return;
	case XP_OP_STEP:
	case XP_OP_PATH:
	case XP_OP_FILTER:
	case XP_OP_UNION:
		if (!value)
			empty_of(e, out); /* the empty sequence is false */
		return;
	case XP_OP_VCMP:
	case XP_OP_GCMP: {
		const struct xp_expr *p = NULL;
		int nothing = count_of_nothing(e, &p);
		if (nothing >= 0) {
			if (nothing == (int)value)
				empty_of(p, out); /* count(p) is 0, and 0 compares so */
			return;
		}
		if (value || e->op == XP_OP_VCMP)
			return;
	}
		/* An empty side makes any general comparison false; both
		 * sides are evaluated, the left one first. */
		if (error_free(e->kids[1]))
			empty_of(e->kids[0], out);
		if (error_free(e->kids[0])) {
			empty_of(e->kids[1], &r);
			join(out, &r);
		}
		return;
	case XP_OP_CALL:
		switch (xp_expr_fn(e)->kind) {
		case XP_FN_NOT:
			value_of(e->kids[0], !value, out);
			return;
		case XP_FN_BOOLEAN:
			value_of(e->kids[0], value, out);
			return;
		case XP_FN_EXISTS:
		case XP_FN_EMPTY:
			if ((xp_expr_fn(e)->kind == XP_FN_EMPTY) == value)
				empty_of(e->kids[0], out);
			return;
		default:
			return;
		}
	default:
		return;
	}
}

size_t xp_quiet_names(const struct xp_expr *e, bool value, const struct xp_test **out,
		      size_t max)
{
	struct names s = {0};
	value_of(e, value, &s);
	size_t n = s.n < max ? s.n : max;
	memcpy(out, s.t, n * sizeof(const struct xp_test *));
	return n;
}
