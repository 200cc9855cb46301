/*
 * src/schematron/xp_inputs.c - whether an assert's value is a function of
 * the string values of its node and of some of the node's attributes
 * alone (xp_value_inputs()), so that the runner may keep it by those
 * strings (sch_value.c): a code list test on @currencyID, evaluated some
 * twenty times in every UBL invoice, almost always on "EUR".
 *
 * The walk admits only what reads the focus node through its atomized
 * value, its presence or its count: literals; the context item `.`; an
 * attribute step `@name` from the focus, without predicates; operators on
 * those; and the functions of the list below, which see their arguments
 * only that way. Anything else - a path, a filter, a child or any other
 * axis, a variable (a rule's lets read the document), a quantifier, node
 * identity (name(), is, union), the position - makes the test depend on
 * more than those strings, and it is not kept.
 */
#include <string.h>

#include "xp.h"

/* Functions of values: their result depends on nothing but their
 * arguments' atomized values, counts and effective boolean values. */
static const char *const pure[] = {
	"abs", "boolean", "ceiling", "concat", "contains", "count", "data", "distinct-values",
	"empty", "ends-with", "exactly-one", "exists", "false", "floor", "index-of",
	"lower-case", "matches", "max", "min", "normalize-space", "not", "number",
	"one-or-more", "replace", "reverse", "round", "starts-with", "string", "string-join",
	"string-length", "string-to-codepoints", "substring", "substring-after",
	"substring-before", "sum", "tokenize", "translate", "true", "upper-case",
	"zero-or-one",
};

/* Those of them whose form without arguments reads the context item. */
static const char *const of_context[] = {
	"data", "normalize-space", "number", "string", "string-length",
};

static bool listed(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

struct inputs {
	struct xp_test *out;
	size_t n, max;
	bool ok;
};

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Records input t (kind XP_TEST_NODE: the node itself), once. */
static void add(struct inputs *in, const struct xp_test *t)
{
	for (size_t i = 0; i < in->n; i++) {
		const struct xp_test *u = &in->out[i];
		if (u->kind == t->kind && same(u->local, t->local) && same(u->ns, t->ns))
			return;
	}
	if (in->n == in->max) {
		in->ok = false;
		return;
	}
	in->out[in->n++] = *t;
}

static void walk(struct inputs *in, const struct xp_expr *e)
{
	static const struct xp_test self = {.kind = XP_TEST_NODE};

	if (!in->ok)
		return;
	switch ((enum xp_op)e->op) {
	case XP_OP_LITERAL:
		return;
	case XP_OP_CONTEXT:
		add(in, &self);
		return;
	case XP_OP_STEP:
		/* @name from the focus: its presence and value. */
		if (e->axis != XP_AXIS_ATTRIBUTE || e->test.kind != XP_TEST_NAME || e->npreds ||
		    !e->test.local)
			in->ok = false;
		else
			add(in, &e->test);
		return;
	case XP_OP_CALL: {
		const struct xp_func *fn = xp_expr_fn(e);
		if (strcmp(fn->ns, XP_NS_FN) != 0 || !listed(fn->name, pure, sizeof pure / sizeof pure[0])) {
			in->ok = false;
			return;
		}
		if (e->nkids == 0 && listed(fn->name, of_context, sizeof of_context / sizeof of_context[0]))
			add(in, &self);
		break;
	}
	case XP_OP_SEQ:
	case XP_OP_OR:
	case XP_OP_AND:
	case XP_OP_GCMP:
	case XP_OP_VCMP:
	case XP_OP_RANGE:
	case XP_OP_ADD:
	case XP_OP_SUB:
	case XP_OP_MUL:
	case XP_OP_DIV:
	case XP_OP_IDIV:
	case XP_OP_MOD:
	case XP_OP_NEG:
	case XP_OP_IF:
	case XP_OP_CAST:
	case XP_OP_CASTABLE:
		if (e->npreds) {
			in->ok = false;
			return;
		}
		break;
	default: /* paths, filters, the root, variables, node identity, quantifiers */
		in->ok = false;
		return;
	}
	for (size_t i = 0; i < e->nkids && in->ok; i++)
		walk(in, e->kids[i]);
}

size_t xp_value_inputs(const struct xp_expr *e, struct xp_test *out, size_t max)
{
	struct inputs in = {.out = out, .max = max, .ok = true};
	walk(&in, e);
	return in.ok ? in.n : 0;
}
