/*
 * src/schematron/sch_check.c - checks that a compiled rule set image read
 * from a file is safe to run (sch_image.c says why it is needed).
 *
 * The walk mirrors what sch_run.c and the evaluator read: for each object,
 * its pointers (inside the image, aligned, with room for the object), its
 * enumerations and counts (in range), its strings (NUL-terminated inside
 * the image) and, for expressions, the arity each operator is evaluated
 * with. Expressions are walked as trees without remembering shared nodes:
 * the walk counts every visit against a budget proportional to the image
 * size and stops at a depth limit, so a graph with a cycle or built to
 * blow up exponentially is rejected, and one that passes is evaluated in
 * bounded time per node.
 */
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "schematron_int.h"

/* Far deeper than any expression of the artefacts (17 levels at most in the
 * CEN and XRechnung sets), shallow enough for the evaluator's recursion. A
 * deeper rule set still compiles; it is only not cached. */
#define CHECK_DEPTH_MAX 256

struct check {
	uintptr_t lo, hi; /* the image: [lo, hi) */
	const struct sch_schema *s;
	size_t visits, visits_max;
	const char *why;
};

static bool fail(struct check *k, const char *why)
{
	if (!k->why)
		k->why = why;
	return false;
}

/* p .. p + count * size lies inside the image, aligned to align. */
static bool in_image(const struct check *k, const void *p, size_t count, size_t size, size_t align)
{
	uintptr_t a = (uintptr_t)p;
	if (a < k->lo || a >= k->hi || (a & (align - 1)) != 0)
		return false;
	return size == 0 || count <= (k->hi - a) / size;
}

#define IN(k, p, count) in_image(k, p, count, sizeof *(p), alignof(__typeof__(*(p))))
/* An array of count pointers. */
#define PTRS(k, p, count) in_image(k, p, count, sizeof(void *), alignof(void *))

static bool str_ok(const struct check *k, const char *s)
{
	return in_image(k, s, 1, 1, 1) && memchr(s, '\0', k->hi - (uintptr_t)s) != NULL;
}

static bool opt_str_ok(const struct check *k, const char *s)
{
	return !s || str_ok(k, s);
}

/* A bool member holds 0 or 1 (any other byte is not a valid bool). */
static bool bool_ok(const bool *b)
{
	unsigned char c;
	memcpy(&c, b, 1);
	return c <= 1;
}

static bool in_range(const void *p, int lo, int hi)
{
	int v;
	memcpy(&v, p, sizeof v);
	return v >= lo && v <= hi;
}

/* A node test; step: of a step or a guard, where the evaluator reads it. */
static bool test_ok(struct check *k, const struct xp_test *t, bool step)
{
	if (t->kind > XP_TEST_COMMENT || !opt_str_ok(k, t->ns) ||
	    !opt_str_ok(k, t->local) || t->name_id > XP_NAME_IDS_MAX)
		return fail(k, "bad node test");
	if (step && (t->kind == XP_TEST_NAME || t->kind == XP_TEST_LOCAL_ANY) && !t->local)
		return fail(k, "name test without a name");
	return true;
}

static bool literal_ok(struct check *k, const struct xp_item *it)
{
	if (!IN(k, it, 1))
		return fail(k, "literal outside the image");
	switch ((int)it->type) {
	case XP_STRING:
		if (it->v.s.n && !in_image(k, it->v.s.p, it->v.s.n, 1, 1))
			return fail(k, "string literal outside the image");
		return true;
	case XP_INTEGER:
	case XP_DECIMAL: {
		tandem_i128 lim = 1;
		for (int i = 0; i < TANDEM_DEC_DIGITS_MAX; i++)
			lim *= 10;
		const struct tandem_dec *d = &it->v.dec;
		if (d->scale < 0 || d->scale > TANDEM_DEC_SCALE_MAX || d->coef >= lim || d->coef <= -lim ||
		    (it->type == XP_INTEGER && d->scale != 0))
			return fail(k, "bad numeric literal");
		return true;
	}
	case XP_DOUBLE:
		return true;
	default:
		return fail(k, "bad literal type");
	}
}

static bool lit_index_in(const void *arg, const void *p, size_t count, size_t size,
			 size_t align)
{
	return in_image(arg, p, count, size, align);
}

static bool expr_ok(struct check *k, const struct xp_expr *e, int depth);

static bool kids_ok(struct check *k, struct xp_expr *const *v, size_t n, int depth)
{
	if (!n)
		return true;
	if (!PTRS(k, v, n))
		return fail(k, "operands outside the image");
	for (size_t i = 0; i < n; i++)
		if (!v[i] || !expr_ok(k, v[i], depth + 1))
			return fail(k, "bad operand");
	return true;
}

/* The number of operands the evaluator reads for op, or -1: any number. */
static int arity(enum xp_op op)
{
	switch (op) {
	case XP_OP_LITERAL:
	case XP_OP_VAR:
	case XP_OP_CONTEXT:
	case XP_OP_ROOT:
	case XP_OP_STEP:
		return 0;
	case XP_OP_NEG:
	case XP_OP_FILTER:
	case XP_OP_CAST:
	case XP_OP_CASTABLE:
		return 1;
	case XP_OP_IF:
		return 3;
	case XP_OP_SEQ:
	case XP_OP_CALL:
	case XP_OP_SOME:
	case XP_OP_EVERY:
	case XP_OP_FOR:
		return -1;
	default:
		return 2;
	}
}

static bool op_ok(struct check *k, const struct xp_expr *e)
{
	int n = arity(e->op);
	if (n >= 0 && e->nkids != n)
		return fail(k, "wrong number of operands");
	if (e->npreds && e->op != XP_OP_STEP && e->op != XP_OP_FILTER)
		return fail(k, "predicates on an expression that has none");
	switch (e->op) {
	case XP_OP_LITERAL:
		return literal_ok(k, e->u.lit);
	case XP_OP_VAR:
		return e->var >= 0 && e->var < k->s->nslots ? true : fail(k, "bad variable");
	case XP_OP_GCMP:
	case XP_OP_VCMP:
		return e->sub <= XP_GE ? true : fail(k, "bad comparison");
	case XP_OP_NCMP:
		return e->sub >= XP_IS && e->sub <= XP_FOLLOWS ? true : fail(k, "bad comparison");
	case XP_OP_CAST:
	case XP_OP_CASTABLE:
		return e->sub >= XP_UNTYPED && e->sub <= XP_DATE && e->sub != XP_NODE
			       ? true
			       : fail(k, "bad cast");
	case XP_OP_FILTER:
		return e->npreds ? true : fail(k, "filter without predicates");
	case XP_OP_SOME:
	case XP_OP_EVERY:
	case XP_OP_FOR:
		if (e->nkids < 2 || !IN(k, e->u.binds, (size_t)e->nkids - 1))
			return fail(k, "bad bindings");
		for (size_t i = 0; i + 1 < e->nkids; i++)
			if (e->u.binds[i] < 0 || e->u.binds[i] >= k->s->nslots)
				return fail(k, "bad binding variable");
		return true;
	case XP_OP_CALL: {
		if (e->fn_id < 1 || e->fn_id > xp_funcs_count())
			return fail(k, "unknown function");
		const struct xp_func *fn = xp_expr_fn(e);
		if (e->nkids < fn->args_min || e->nkids > fn->args_max)
			return fail(k, "wrong number of arguments");
		if ((fn->kind == XP_FN_NOT || fn->kind == XP_FN_EXISTS || fn->kind == XP_FN_EMPTY) &&
		    e->u.guard && (!IN(k, e->u.guard, 1) || !test_ok(k, e->u.guard, true)))
			return fail(k, "bad guard");
		if (fn->kind == XP_FN_CONTAINS && e->u.lit_index &&
		    !xp_lit_index_check(e->u.lit_index, lit_index_in, k))
			return fail(k, "bad literal index");
		return true;
	}
	case XP_OP_INSTANCE:
		return fail(k, "instance of");
	default:
		return true;
	}
}

static bool expr_ok(struct check *k, const struct xp_expr *e, int depth)
{
	if (depth > CHECK_DEPTH_MAX || ++k->visits > k->visits_max)
		return fail(k, "expressions too deep or too large");
	if (!IN(k, e, 1))
		return fail(k, "expression outside the image");
	if (e->op > XP_OP_INSTANCE || e->axis > XP_AXIS_DESCENDANT_ATTRIBUTE ||
	    !bool_ok(&e->flag) || !bool_ok(&e->plain_preds) || !bool_ok(&e->plain) ||
	    !bool_ok(&e->keep_doc) || !bool_ok(&e->name_memo) || e->memo_id > XP_MEMO_IDS_MAX || e->keep_id > XP_KEEP_IDS_MAX)
		return fail(k, "bad expression");
	if (!test_ok(k, &e->test, e->op == XP_OP_STEP) || !op_ok(k, e))
		return false;
	return kids_ok(k, e->kids, (size_t)e->nkids + e->npreds, depth);
}

static bool lets_ok(struct check *k, const struct sch_let *v, size_t n)
{
	if (n && !IN(k, v, n))
		return fail(k, "variables outside the image");
	for (size_t i = 0; i < n; i++)
		if (v[i].slot < 0 || v[i].slot >= k->s->nslots || !expr_ok(k, v[i].value, 0))
			return fail(k, "bad variable");
	return true;
}

static bool assert_ok(struct check *k, const struct sch_assert *a)
{
	if (!str_ok(k, a->id) || !str_ok(k, a->flag) || !str_ok(k, a->test_text) ||
	    !str_ok(k, a->message_text) || !str_ok(k, a->pattern_id) || !str_ok(k, a->context_text) ||
	    !bool_ok(&a->report) || !expr_ok(k, a->test, 0))
		return fail(k, "bad assert");
	if (a->nparts && !IN(k, a->parts, a->nparts))
		return fail(k, "message outside the image");
	if (a->nquiet > SCH_QUIET_MAX)
		return fail(k, "too many quiet names");
	for (size_t i = 0; i < a->nquiet; i++)
		if (!str_ok(k, a->quiet[i].local) || a->quiet[i].name_id > XP_NAME_IDS_MAX)
			return fail(k, "bad quiet name");
	if (a->nvalue > SCH_VALUE_MAX)
		return fail(k, "too many value inputs");
	for (size_t i = 0; i < a->nvalue; i++) {
		const struct xp_test *t = &a->value[i];
		bool self = t->kind == XP_TEST_NODE && !t->local && !t->ns;
		if (!self && (t->kind != XP_TEST_NAME || !test_ok(k, t, true)))
			return fail(k, "bad value input");
	}
	for (size_t i = 0; i < a->nparts; i++) {
		const struct sch_part *p = &a->parts[i];
		if (!in_range(&p->kind, SCH_PART_TEXT, SCH_PART_NAME) || !opt_str_ok(k, p->text) ||
		    (p->kind == SCH_PART_TEXT && !p->text) ||
		    (p->kind == SCH_PART_VALUE && !p->expr) || (p->expr && !expr_ok(k, p->expr, 0)))
			return fail(k, "bad message part");
	}
	return true;
}

/* One of the alternatives of p: a pointer to an element of p->alts. */
static bool alt_ref_ok(const struct sch_pattern *p, const struct sch_alt *a)
{
	uintptr_t off = (uintptr_t)a - (uintptr_t)p->alts;
	return (uintptr_t)a >= (uintptr_t)p->alts && off % sizeof *a == 0 && off / sizeof *a < p->nalts;
}

static bool alts_ok(struct check *k, const struct sch_pattern *p)
{
	if ((p->nalts && !IN(k, p->alts, p->nalts)) || (p->ngroups && !IN(k, p->groups, p->ngroups)) ||
	    (p->nwild && !PTRS(k, p->wild, p->nwild)))
		return fail(k, "rule index outside the image");
	for (size_t i = 0; i < p->nalts; i++) {
		const struct sch_alt *a = &p->alts[i];
		if (a->rule >= p->nrules || !bool_ok(&a->generic) || !opt_str_ok(k, a->local) ||
		    a->name_id > XP_NAME_IDS_MAX || (a->generic && a->generic_index >= k->s->ngeneric) ||
		    !expr_ok(k, a->path, 0))
			return fail(k, "bad rule context");
		if (a->node_kind != 0 && a->node_kind != XML_ELEMENT_NODE &&
		    a->node_kind != XML_ATTRIBUTE_NODE && a->node_kind != XML_DOCUMENT_NODE)
			return fail(k, "bad rule context");
	}
	for (size_t g = 0; g < p->ngroups; g++) {
		const struct sch_name_group *grp = &p->groups[g];
		if (!str_ok(k, grp->local) || grp->name_id > XP_NAME_IDS_MAX ||
		    (grp->n && !PTRS(k, grp->alts, grp->n)))
			return fail(k, "bad rule group");
		for (size_t i = 0; i < grp->n; i++)
			if (!alt_ref_ok(p, grp->alts[i]))
				return fail(k, "bad rule group");
	}
	for (size_t i = 0; i < p->nwild; i++)
		if (!alt_ref_ok(p, p->wild[i]))
			return fail(k, "bad rule group");
	return true;
}

static bool pattern_ok(struct check *k, const struct sch_pattern *p)
{
	if (!str_ok(k, p->id) || (p->nrules && !IN(k, p->rules, p->nrules)))
		return fail(k, "bad pattern");
	for (size_t i = 0; i < p->nrules; i++) {
		const struct sch_rule *r = &p->rules[i];
		if (!str_ok(k, r->context_text) || !expr_ok(k, r->context, 0) ||
		    !lets_ok(k, r->lets, r->nlets) || r->first_assert > k->s->nasserts ||
		    r->nasserts > k->s->nasserts - r->first_assert)
			return fail(k, "bad rule");
	}
	return alts_ok(k, p);
}

static bool names_ok(struct check *k, const struct xp_name_map *m)
{
	if (!m->slots)
		return true;
	if ((m->slots & (m->slots - 1)) != 0 || !IN(k, m->keys, m->slots) || !IN(k, m->ids, m->slots))
		return fail(k, "bad name table");
	size_t used = 0;
	for (size_t i = 0; i < m->slots; i++) {
		if (!m->keys[i])
			continue;
		used++;
		if (!str_ok(k, m->keys[i]) || m->ids[i] > XP_NAME_IDS_MAX)
			return fail(k, "bad name table");
	}
	/* Lookups probe until a free slot: there must be one. */
	return used < m->slots ? true : fail(k, "full name table");
}

static bool schema_ok(struct check *k, const struct sch_schema *s)
{
	if (!str_ok(k, s->title) || s->nslots < 0 || s->nslots > XP_VARS_MAX ||
	    s->nasserts > SCH_RULES_MAX || (s->nasserts && !IN(k, s->asserts, s->nasserts)) ||
	    (s->npatterns && !IN(k, s->patterns, s->npatterns)) ||
	    (s->ngeneric && !PTRS(k, s->generic, s->ngeneric)) ||
	    !lets_ok(k, s->globals, s->nglobals))
		return fail(k, "bad rule set");
	if (s->ns) {
		size_t i = 0;
		for (;; i++) {
			if (!IN(k, &s->ns[i], 1) || i > 1024)
				return fail(k, "bad namespace table");
			if (!s->ns[i].prefix)
				break;
			if (!str_ok(k, s->ns[i].prefix) || !str_ok(k, s->ns[i].uri))
				return fail(k, "bad namespace table");
		}
	}
	for (size_t i = 0; i < s->nasserts; i++)
		if (!assert_ok(k, &s->asserts[i]))
			return false;
	for (size_t i = 0; i < s->npatterns; i++)
		if (!pattern_ok(k, &s->patterns[i]))
			return false;
	for (size_t i = 0; i < s->ngeneric; i++)
		if (!expr_ok(k, s->generic[i], 0))
			return false;
	return names_ok(k, &s->names);
}

int sch_image_check(const void *base, size_t size, const struct sch_schema *root, const char **why)
{
	struct check k = {
		.lo = (uintptr_t)base,
		.hi = (uintptr_t)base + size,
		.s = root,
		/* Each expression is reached from a rule, an assert, a variable
		 * or a message, and contexts once more from their alternatives. */
		.visits_max = size / sizeof(struct xp_expr) * 4 + 1024,
	};
	*why = NULL;
	if (!IN(&k, root, 1)) {
		*why = "root record outside the image";
		return TANDEM_EBADINPUT;
	}
	if (!schema_ok(&k, root)) {
		*why = k.why ? k.why : "bad rule set";
		return TANDEM_EBADINPUT;
	}
	return 0;
}
