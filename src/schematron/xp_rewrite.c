/*
 * src/schematron/xp_rewrite.c - rewrites of parsed XPath expressions into
 * equivalent ones that evaluate faster. Each rewrite states why the result
 * selects exactly what the original does; none changes a value, an order or
 * an error.
 */
#include <string.h>

#include "xp.h"

/* Whether e reads the position or size of the focus it is evaluated in. */
static bool uses_position(const struct xp_expr *e)
{
	if (e->op == XP_OP_CALL && (strcmp(xp_expr_fn(e)->name, "position") == 0 ||
				    strcmp(xp_expr_fn(e)->name, "last") == 0))
		return true;
	/* The right side of a path and predicates get a focus of their own. */
	size_t kids = e->op == XP_OP_PATH ? 1 : e->nkids;
	for (size_t i = 0; i < kids; i++)
		if (uses_position(e->kids[i]))
			return true;
	return false;
}

bool xp_plain_predicate(const struct xp_expr *e)
{
	if (uses_position(e))
		return false;
	switch (e->op) {
	case XP_OP_OR:
	case XP_OP_AND:
	case XP_OP_GCMP:
	case XP_OP_VCMP:
	case XP_OP_NCMP:
	case XP_OP_STEP:
	case XP_OP_CASTABLE:
		return true;
	case XP_OP_PATH:
		return e->kids[1]->op == XP_OP_STEP;
	case XP_OP_CALL: {
		static const char *const boolean_fns[] = {"not", "exists", "empty", "boolean",
							  "true", "false", "contains", "starts-with",
							  "ends-with", "matches"};
		for (size_t i = 0; i < sizeof boolean_fns / sizeof boolean_fns[0]; i++)
			if (strcmp(xp_expr_fn(e)->name, boolean_fns[i]) == 0)
				return true;
		return false;
	}
	default:
		return false;
	}
}

/* Whether b is a child or attribute step, or a union of them, that
 * descendant:: or descendant-attribute:: can replace. */
bool xp_can_descend(const struct xp_expr *b)
{
	if (b->op == XP_OP_STEP && (b->axis == XP_AXIS_CHILD || b->axis == XP_AXIS_ATTRIBUTE)) {
		for (size_t i = 0; i < b->npreds; i++)
			if (!xp_plain_predicate(xp_preds(b)[i]))
				return false;
		return true;
	}
	return b->op == XP_OP_UNION && xp_can_descend(b->kids[0]) && xp_can_descend(b->kids[1]);
}

/*
 * descendant::x selects what descendant-or-self::node()/child::x does, and
 * descendant-attribute::x what descendant-or-self::node()/attribute::x does:
 * the attributes of the node and of its descendant elements.
 */
void xp_descend(struct xp_expr *b)
{
	if (b->op == XP_OP_STEP) {
		b->axis = b->axis == XP_AXIS_ATTRIBUTE ? XP_AXIS_DESCENDANT_ATTRIBUTE
						       : XP_AXIS_DESCENDANT;
		return;
	}
	xp_descend(b->kids[0]);
	xp_descend(b->kids[1]);
}

/* --- shared predicates --- */

/* Whether e refers to a variable anywhere (its value may change between
 * evaluations on the same node: rule lets, for/some/every bindings). */
static bool uses_var(const struct xp_expr *e)
{
	if (e->op == XP_OP_VAR)
		return true;
	for (size_t i = 0; i < e->nkids; i++)
		if (uses_var(e->kids[i]))
			return true;
	for (size_t i = 0; i < e->npreds; i++)
		if (uses_var(xp_preds(e)[i]))
			return true;
	return false;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001B3u + (h >> 29);
}

static uint64_t mix_str(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = mix(h, (unsigned char)p[i]);
	return mix(h, n);
}

static uint64_t lit_hash(uint64_t h, const struct xp_item *it)
{
	h = mix(h, (uint64_t)it->type);
	switch (it->type) {
	case XP_STRING:
	case XP_UNTYPED:
		return mix_str(h, it->v.s.p, it->v.s.n);
	case XP_BOOLEAN:
		return mix(h, it->v.b);
	case XP_INTEGER:
	case XP_DECIMAL:
		h = mix(h, (uint64_t)it->v.dec.coef);
		h = mix(h, (uint64_t)(it->v.dec.coef >> 64));
		return mix(h, (uint64_t)it->v.dec.scale);
	case XP_DOUBLE: {
		uint64_t bits;
		memcpy(&bits, &it->v.d, sizeof bits);
		return mix(h, bits);
	}
	case XP_DATE:
		h = mix(h, (uint64_t)it->v.date.days);
		h = mix(h, (uint64_t)(int64_t)it->v.date.tz_min);
		return mix(h, it->v.date.has_tz);
	case XP_NODE:
		break;
	}
	return h;
}

static bool lit_equal(const struct xp_item *a, const struct xp_item *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case XP_STRING:
	case XP_UNTYPED:
		return a->v.s.n == b->v.s.n && memcmp(a->v.s.p, b->v.s.p, a->v.s.n) == 0;
	case XP_BOOLEAN:
		return a->v.b == b->v.b;
	case XP_INTEGER:
	case XP_DECIMAL:
		return a->v.dec.coef == b->v.dec.coef && a->v.dec.scale == b->v.dec.scale;
	case XP_DOUBLE: {
		/* The same bits: -0 and 0 stay apart, which only costs sharing. */
		uint64_t x, y;
		memcpy(&x, &a->v.d, sizeof x);
		memcpy(&y, &b->v.d, sizeof y);
		return x == y;
	}
	case XP_DATE:
		return a->v.date.days == b->v.date.days && a->v.date.tz_min == b->v.date.tz_min &&
		       a->v.date.has_tz == b->v.date.has_tz;
	case XP_NODE:
		break;
	}
	return false;
}

static uint64_t str_or_null(uint64_t h, const char *s)
{
	return s ? mix_str(h, s, strlen(s)) : mix(h, 0x55);
}

static uint64_t expr_hash(const struct xp_expr *e)
{
	uint64_t h = 0xCBF29CE484222325u;
	h = mix(h, (uint64_t)e->op);
	h = mix(h, (uint64_t)e->sub);
	h = mix(h, e->flag);
	h = mix(h, (uint64_t)e->axis);
	h = mix(h, (uint64_t)e->test.kind);
	h = str_or_null(h, e->test.ns);
	h = str_or_null(h, e->test.local);
	h = mix(h, (uint64_t)e->var);
	h = str_or_null(h, e->fn_id ? xp_expr_fn(e)->name : NULL);
	if (e->op == XP_OP_LITERAL)
		h = lit_hash(h, e->u.lit);
	h = mix(h, e->nkids);
	for (size_t i = 0; i < e->nkids; i++)
		h = mix(h, expr_hash(e->kids[i]));
	h = mix(h, e->npreds);
	for (size_t i = 0; i < e->npreds; i++)
		h = mix(h, expr_hash(xp_preds(e)[i]));
	return h;
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Whether a and b are the same expression, node for node. */
static bool expr_equal(const struct xp_expr *a, const struct xp_expr *b)
{
	if (a == b)
		return true;
	if (a->op != b->op || a->sub != b->sub || a->flag != b->flag || a->axis != b->axis ||
	    a->test.kind != b->test.kind || !same_str(a->test.ns, b->test.ns) ||
	    !same_str(a->test.local, b->test.local) || a->var != b->var || a->fn_id != b->fn_id ||
	    a->nkids != b->nkids || a->npreds != b->npreds ||
	    (a->op == XP_OP_LITERAL && !lit_equal(a->u.lit, b->u.lit)))
		return false;
	if ((a->op == XP_OP_SOME || a->op == XP_OP_EVERY || a->op == XP_OP_FOR) && a->nkids &&
	    memcmp(a->u.binds, b->u.binds, ((size_t)a->nkids - 1) * sizeof *a->u.binds) != 0)
		return false;
	for (size_t i = 0; i < a->nkids; i++)
		if (!expr_equal(a->kids[i], b->kids[i]))
			return false;
	for (size_t i = 0; i < a->npreds; i++)
		if (!expr_equal(xp_preds(a)[i], xp_preds(b)[i]))
			return false;
	return true;
}

uint32_t xp_memo_id(struct xp_names *t, const struct xp_expr *e)
{
	if (!t || !e->plain || uses_var(e))
		return 0;
	uint64_t h = expr_hash(e);
	for (size_t i = h & (XP_MEMO_IDS_MAX * 2 - 1);; i = (i + 1) & (XP_MEMO_IDS_MAX * 2 - 1)) {
		const struct xp_expr *s = t->memo[i];
		if (!s) {
			if (t->nmemo + 1 >= XP_MEMO_IDS_MAX)
				return 0; /* full: evaluated every time */
			t->memo[i] = e;
			t->memo_hash[i] = h;
			t->memo_id[i] = (uint32_t)++t->nmemo;
			return t->memo_id[i];
		}
		if (t->memo_hash[i] == h && expr_equal(s, e))
			return t->memo_id[i];
	}
}

bool xp_name_only(const struct xp_expr *e)
{
	static const char *const name_fns[] = {"name", "local-name", "namespace-uri"};
	static const char *const pure_fns[] = {
		"ends-with", "starts-with", "contains", "not", "boolean", "true", "false",
		"string-length", "upper-case", "lower-case", "normalize-space", "concat",
		"substring", "substring-before", "substring-after", "string"};
	switch (e->op) {
	case XP_OP_LITERAL:
		return true;
	case XP_OP_AND:
	case XP_OP_OR:
	case XP_OP_GCMP:
	case XP_OP_VCMP:
		break;
	case XP_OP_CALL: {
		const char *fn = xp_expr_fn(e)->name;
		for (size_t i = 0; i < sizeof name_fns / sizeof name_fns[0]; i++)
			if (strcmp(fn, name_fns[i]) == 0)
				return e->nkids == 0 ||
				       (e->nkids == 1 && e->kids[0]->op == XP_OP_CONTEXT);
		bool pure = false;
		for (size_t i = 0; i < sizeof pure_fns / sizeof pure_fns[0] && !pure; i++)
			pure = strcmp(fn, pure_fns[i]) == 0;
		/* string() and string-length() of no argument read the node's value. */
		if (!pure || (e->nkids == 0 && (strcmp(fn, "string") == 0 ||
						strcmp(fn, "string-length") == 0 ||
						strcmp(fn, "normalize-space") == 0)))
			return false;
		break;
	}
	default:
		return false;
	}
	if (e->npreds)
		return false;
	for (size_t i = 0; i < e->nkids; i++)
		if (!xp_name_only(e->kids[i]))
			return false;
	return true;
}

/* --- guards --- */

/* Whether e, evaluated on a node, gives nodes and cannot raise an error. */
static bool error_free_nodes(const struct xp_expr *e)
{
	switch (e->op) {
	case XP_OP_ROOT:
	case XP_OP_CONTEXT:
		return true;
	case XP_OP_STEP:
		return e->npreds == 0;
	case XP_OP_PATH:
	case XP_OP_UNION:
		return error_free_nodes(e->kids[0]) && error_free_nodes(e->kids[1]);
	default:
		return false;
	}
}

const struct xp_test *xp_path_guard(const struct xp_expr *p)
{
	const struct xp_expr *last = p;
	if (p->op == XP_OP_PATH) {
		if (!error_free_nodes(p->kids[0]))
			return NULL;
		last = p->kids[1];
	}
	if (last->op != XP_OP_STEP || last->npreds || last->test.kind != XP_TEST_NAME)
		return NULL;
	return &last->test;
}

/* --- kept subexpressions --- */

/* Whether e reads the focus it is evaluated with (not only its document). */
static bool reads_focus(const struct xp_expr *e)
{
	switch (e->op) {
	case XP_OP_CONTEXT:
	case XP_OP_STEP:
		return true;
	case XP_OP_CALL:
		/* The zero-argument forms (name(), string(), ...) read the context
		 * item; true() and false() do not. */
		if (e->nkids == 0)
			return strcmp(xp_expr_fn(e)->name, "true") != 0 &&
			       strcmp(xp_expr_fn(e)->name, "false") != 0;
		break;
	case XP_OP_PATH:
	case XP_OP_FILTER:
		/* The right side and the predicates get a focus of their own. */
		return reads_focus(e->kids[0]);
	default:
		break;
	}
	for (size_t i = 0; i < e->nkids; i++)
		if (reads_focus(e->kids[i]))
			return true;
	return false;
}

/* Whether computing e takes more than a few child or attribute steps. */
static bool has_work(const struct xp_expr *e)
{
	switch (e->op) {
	case XP_OP_STEP:
		if (e->npreds || (e->axis != XP_AXIS_CHILD && e->axis != XP_AXIS_ATTRIBUTE &&
				  e->axis != XP_AXIS_SELF && e->axis != XP_AXIS_PARENT))
			return true;
		break;
	case XP_OP_CALL:
	case XP_OP_CAST:
	case XP_OP_CASTABLE:
	case XP_OP_FILTER:
		return true;
	default:
		break;
	}
	for (size_t i = 0; i < e->nkids; i++)
		if (has_work(e->kids[i]))
			return true;
	return false;
}

static bool worth_keeping(const struct xp_expr *e)
{
	switch (e->op) {
	case XP_OP_PATH:
	case XP_OP_STEP:
	case XP_OP_FILTER:
	case XP_OP_CALL:
	case XP_OP_CAST:
		break;
	default:
		return false;
	}
	return has_work(e) && !uses_var(e) && !uses_position(e);
}

static uint32_t keep_id(struct xp_names *t, const struct xp_expr *e)
{
	uint64_t h = expr_hash(e);
	for (size_t i = h & (XP_KEEP_IDS_MAX * 2 - 1);; i = (i + 1) & (XP_KEEP_IDS_MAX * 2 - 1)) {
		const struct xp_expr *s = t->keep[i];
		if (!s) {
			if (t->nkeep + 1 >= XP_KEEP_IDS_MAX)
				return 0; /* full: not kept */
			t->keep[i] = e;
			t->keep_hash[i] = h;
			t->keep_id[i] = (uint32_t)++t->nkeep;
			return t->keep_id[i];
		}
		if (t->keep_hash[i] == h && expr_equal(s, e))
			return t->keep_id[i];
	}
}

void xp_keep_mark(struct xp_names *t, struct xp_expr *e)
{
	for (size_t i = 0; i < e->nkids; i++)
		xp_keep_mark(t, e->kids[i]);
	for (size_t i = 0; i < e->npreds; i++)
		xp_keep_mark(t, xp_preds(e)[i]);
	if (!t || !worth_keeping(e))
		return;
	e->keep_id = (uint16_t)keep_id(t, e);
	e->keep_doc = e->keep_id && !reads_focus(e);
	if (e->keep_id)
		t->keep_uses[e->keep_id]++;
}

void xp_keep_prune(const struct xp_names *t, struct xp_expr *e)
{
	for (size_t i = 0; i < e->nkids; i++)
		xp_keep_prune(t, e->kids[i]);
	for (size_t i = 0; i < e->npreds; i++)
		xp_keep_prune(t, xp_preds(e)[i]);
	if (e->keep_id && !e->keep_doc && (!t || t->keep_uses[e->keep_id] < 2))
		e->keep_id = 0;
}
