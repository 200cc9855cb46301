/*
 * src/schematron/xp_func.c - the XPath 2.0 function library used by the
 * validation artefacts, one entry per function and arity range in the table
 * at the end of the file: booleans, numbers, sequences and nodes. The string
 * and regular-expression functions have their own table in xp_func_str.c.
 */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "xp.h"

static int empty(struct xp_seq *out)
{
	out->it = NULL;
	out->n = 0;
	return 0;
}

int xp_arg_atomic(struct xp_ctx *c, struct xp_seq *arg, const char *fn, struct xp_item **it)
{
	*it = NULL;
	if (xp_atomize(c, arg))
		return c->err;
	if (arg->n > 1)
		return xp_error(c, "XPTY0004",
				"a sequence of more than one item is not allowed as the first argument of %s()",
				fn);
	*it = arg->n ? &arg->it[0] : NULL;
	return 0;
}

int xp_arg_context(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *arg)
{
	arg->it = NULL;
	arg->n = 0;
	if (!f || f->pos == 0)
		return xp_error(c, "XPDY0002", "the context item is absent");
	arg->it = (struct xp_item *)&f->item;
	arg->n = 1;
	return 0;
}

static int fn_true(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		   struct xp_seq *out)
{
	(void)f, (void)a, (void)n;
	return xp_seq_bool(c, true, out);
}

static int fn_false(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		    struct xp_seq *out)
{
	(void)f, (void)a, (void)n;
	return xp_seq_bool(c, false, out);
}

static int fn_boolean(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		      struct xp_seq *out)
{
	bool b = false;
	(void)f, (void)n;
	return xp_ebv(c, &a[0], &b) ? c->err : xp_seq_bool(c, b, out);
}

static int fn_not(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		  struct xp_seq *out)
{
	bool b = false;
	(void)f, (void)n;
	return xp_ebv(c, &a[0], &b) ? c->err : xp_seq_bool(c, !b, out);
}

static int fn_exists(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		     struct xp_seq *out)
{
	(void)f, (void)n;
	return xp_seq_bool(c, a[0].n > 0, out);
}

static int fn_empty(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		    struct xp_seq *out)
{
	(void)f, (void)n;
	return xp_seq_bool(c, a[0].n == 0, out);
}

static int fn_count(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		    struct xp_seq *out)
{
	(void)f, (void)n;
	struct xp_item it = {.type = XP_INTEGER, .v.dec = {(tandem_i128)a[0].n, 0}};
	return xp_seq_one(c, &it, out);
}

static int fn_position(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		       struct xp_seq *out)
{
	(void)a, (void)n;
	if (!f || f->pos == 0)
		return xp_error(c, "XPDY0002", "the context item is absent");
	struct xp_item it = {.type = XP_INTEGER, .v.dec = {(tandem_i128)f->pos, 0}};
	return xp_seq_one(c, &it, out);
}

static int fn_last(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		   struct xp_seq *out)
{
	(void)a, (void)n;
	if (!f || f->pos == 0)
		return xp_error(c, "XPDY0002", "the context item is absent");
	struct xp_item it = {.type = XP_INTEGER, .v.dec = {(tandem_i128)f->size, 0}};
	return xp_seq_one(c, &it, out);
}

/* sum($s) and sum($s, $zero): untyped values count as xs:double. */
static int fn_sum(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		  struct xp_seq *out)
{
	(void)f;
	if (xp_atomize(c, &a[0]))
		return c->err;
	if (a[0].n == 0) {
		if (n == 2)
			return *out = a[1], 0;
		struct xp_item zero = {.type = XP_INTEGER};
		return xp_seq_one(c, &zero, out);
	}
	struct xp_item acc = a[0].it[0];
	if (acc.type == XP_UNTYPED && xp_cast(c, &acc, XP_DOUBLE, &acc))
		return c->err;
	if (!xp_is_numeric(acc.type))
		return xp_error(c, "FORG0006", "sum() of %s", xp_type_name(acc.type));
	for (size_t i = 1; i < a[0].n; i++) {
		struct xp_item x = a[0].it[i];
		if (x.type == XP_UNTYPED && xp_cast(c, &x, XP_DOUBLE, &x))
			return c->err;
		if (!xp_is_numeric(x.type))
			return xp_error(c, "FORG0006", "sum() of %s", xp_type_name(x.type));
		if (xp_arith(c, XP_OP_ADD, &acc, &x, &acc))
			return c->err;
	}
	return xp_seq_one(c, &acc, out);
}

int xp_arg_numeric(struct xp_ctx *c, struct xp_seq *arg, const char *fn, struct xp_item *x,
		   bool *none)
{
	*none = true;
	x->type = XP_DOUBLE;
	x->v.d = 0;
	struct xp_item *it = NULL;
	if (xp_arg_atomic(c, arg, fn, &it))
		return c->err;
	*none = !it;
	if (!it)
		return 0;
	*x = *it;
	if (x->type == XP_UNTYPED && xp_cast(c, x, XP_DOUBLE, x))
		return c->err;
	if (!xp_is_numeric(x->type))
		return xp_error(c, "XPTY0004", "%s() of %s", fn, xp_type_name(x->type));
	return 0;
}

static int fn_abs(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		  struct xp_seq *out)
{
	struct xp_item x = {0};
	bool none = false;
	(void)f, (void)n;
	if (xp_arg_numeric(c, &a[0], "abs", &x, &none))
		return c->err;
	if (none)
		return empty(out);
	if (x.type == XP_DOUBLE)
		x.v.d = fabs(x.v.d);
	else
		x.v.dec = tandem_dec_abs(x.v.dec);
	return xp_seq_one(c, &x, out);
}

/* round, floor, ceiling: integers and decimals stay exact. */
static int rounding(struct xp_ctx *c, struct xp_seq *a, const char *fn, enum tandem_round mode,
		    struct xp_seq *out)
{
	struct xp_item x = {0};
	bool none = false;
	if (xp_arg_numeric(c, &a[0], fn, &x, &none))
		return c->err;
	if (none)
		return empty(out);
	if (x.type == XP_DOUBLE) {
		double d = x.v.d;
		if (isfinite(d)) {
			if (mode == TANDEM_ROUND_FLOOR)
				d = floor(d);
			else if (mode == TANDEM_ROUND_CEILING)
				d = ceil(d);
			else {
				double fl = floor(d);
				d = d - fl >= 0.5 ? fl + 1 : fl;
				if (d == 0 && x.v.d < 0)
					d = -0.0;
			}
		}
		x.v.d = d;
	} else if (x.type == XP_DECIMAL && x.v.dec.scale > 0) {
		if (tandem_dec_round(x.v.dec, 0, mode, &x.v.dec))
			return xp_error(c, "FOAR0002", "%s() overflow", fn);
	}
	return xp_seq_one(c, &x, out);
}

static int fn_round(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		    struct xp_seq *out)
{
	(void)f, (void)n;
	return rounding(c, a, "round", TANDEM_ROUND_HALF_CEILING, out);
}

static int fn_floor(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		    struct xp_seq *out)
{
	(void)f, (void)n;
	return rounding(c, a, "floor", TANDEM_ROUND_FLOOR, out);
}

static int fn_ceiling(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		      struct xp_seq *out)
{
	(void)f, (void)n;
	return rounding(c, a, "ceiling", TANDEM_ROUND_CEILING, out);
}

static int fn_number(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		     struct xp_seq *out)
{
	struct xp_seq arg = {0};
	struct xp_item *it = NULL, r = {.type = XP_DOUBLE, .v.d = NAN};
	if (n == 0 ? xp_arg_context(c, f, &arg) : (arg = a[0], 0))
		return c->err;
	if (xp_arg_atomic(c, &arg, "number", &it))
		return c->err;
	if (it) {
		if (xp_cast(c, it, XP_DOUBLE, &r)) {
			xp_forgive(c);
			r.type = XP_DOUBLE;
			r.v.d = NAN;
		}
		if (c->err)
			return c->err;
	}
	return xp_seq_one(c, &r, out);
}

static int fn_data(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		   struct xp_seq *out)
{
	(void)f, (void)n;
	struct xp_item *it = xp_alloc(c, (a[0].n ? a[0].n : 1) * sizeof *it);
	if (!it)
		return c->err;
	if (a[0].n)
		memcpy(it, a[0].it, a[0].n * sizeof *it);
	out->it = it;
	out->n = a[0].n;
	return xp_atomize(c, out);
}

/* distinct-values: untyped values compare as strings, numbers by value. */
static int fn_distinct_values(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			      size_t n, struct xp_seq *out)
{
	(void)f, (void)n;
	if (xp_atomize(c, &a[0]))
		return c->err;
	struct xp_item *it = xp_alloc(c, (a[0].n ? a[0].n : 1) * sizeof *it);
	if (!it)
		return c->err;
	size_t k = 0;
	for (size_t i = 0; i < a[0].n; i++) {
		bool seen = false;
		for (size_t j = 0; j < k && !seen; j++) {
			bool eq = false;
			if (xp_compare(c, &a[0].it[i], XP_EQ, &it[j], &eq) == 0)
				seen = eq;
			xp_forgive(c); /* values of different types are distinct */
			if (c->err)
				return c->err;
		}
		if (!seen)
			it[k++] = a[0].it[i];
	}
	out->it = it;
	out->n = k;
	return 0;
}

static int node_arg(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		    const char *fn, xmlNodePtr *node)
{
	*node = NULL;
	struct xp_seq arg = {0};
	if (n == 0 ? xp_arg_context(c, f, &arg) : (arg = a[0], 0))
		return c->err;
	if (arg.n > 1)
		return xp_error(c, "XPTY0004", "%s() of more than one node", fn);
	if (arg.n && arg.it[0].type != XP_NODE)
		return xp_error(c, "XPTY0004", "%s() of an atomic value", fn);
	*node = arg.n ? arg.it[0].v.node : NULL;
	return 0;
}

static int fn_local_name(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
			 struct xp_seq *out)
{
	xmlNodePtr node;
	if (node_arg(c, f, a, n, "local-name", &node))
		return c->err;
	if (!node || (node->type != XML_ELEMENT_NODE && node->type != XML_ATTRIBUTE_NODE))
		return xp_seq_string(c, "", 0, out);
	return xp_seq_string(c, (const char *)node->name, strlen((const char *)node->name), out);
}

static int fn_name(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		   struct xp_seq *out)
{
	xmlNodePtr node;
	if (node_arg(c, f, a, n, "name", &node))
		return c->err;
	if (!node || (node->type != XML_ELEMENT_NODE && node->type != XML_ATTRIBUTE_NODE))
		return xp_seq_string(c, "", 0, out);
	const char *local = (const char *)node->name;
	if (!node->ns || !node->ns->prefix)
		return xp_seq_string(c, local, strlen(local), out);
	size_t pl = strlen((const char *)node->ns->prefix), ll = strlen(local);
	char *buf = xp_alloc(c, pl + ll + 2);
	if (!buf)
		return c->err;
	memcpy(buf, node->ns->prefix, pl);
	buf[pl] = ':';
	memcpy(buf + pl + 1, local, ll + 1); /* with its NUL */
	return xp_seq_string(c, buf, pl + ll + 1, out);
}

static int fn_namespace_uri(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			    size_t n, struct xp_seq *out)
{
	xmlNodePtr node;
	if (node_arg(c, f, a, n, "namespace-uri", &node))
		return c->err;
	const char *uri = node && node->ns && node->ns->href ? (const char *)node->ns->href : "";
	struct xp_item it = {.type = XP_STRING, .v.s = {uri, strlen(uri)}};
	return xp_seq_one(c, &it, out);
}

static int fn_root(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		   struct xp_seq *out)
{
	xmlNodePtr node;
	if (node_arg(c, f, a, n, "root", &node))
		return c->err;
	if (!node)
		return empty(out);
	struct xp_item it = {.type = XP_NODE, .v.node = (xmlNodePtr)node->doc};
	return xp_seq_one(c, &it, out);
}

static int cardinality(struct xp_ctx *c, struct xp_seq *a, size_t lo, size_t hi, const char *fn,
		       struct xp_seq *out)
{
	if (a[0].n < lo || a[0].n > hi)
		return xp_error(c, hi == 1 ? (lo ? "FORG0005" : "FORG0003") : "FORG0004",
				"%s() called with %zu items", fn, a[0].n);
	*out = a[0];
	return 0;
}

static int fn_exactly_one(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			  size_t n, struct xp_seq *out)
{
	(void)f, (void)n;
	return cardinality(c, a, 1, 1, "exactly-one", out);
}

static int fn_zero_or_one(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			  size_t n, struct xp_seq *out)
{
	(void)f, (void)n;
	return cardinality(c, a, 0, 1, "zero-or-one", out);
}

static int fn_one_or_more(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a,
			  size_t n, struct xp_seq *out)
{
	(void)f, (void)n;
	return cardinality(c, a, 1, SIZE_MAX, "one-or-more", out);
}

static int fn_index_of(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		       struct xp_seq *out)
{
	struct xp_item *x = NULL;
	(void)f, (void)n;
	if (xp_atomize(c, &a[0]) || xp_arg_atomic(c, &a[1], "index-of", &x))
		return c->err;
	struct xp_item *it = xp_alloc(c, (a[0].n ? a[0].n : 1) * sizeof *it);
	if (!it || !x)
		return it ? xp_error(c, "XPTY0004", "index-of() of an empty search value") : c->err;
	size_t k = 0;
	for (size_t i = 0; i < a[0].n; i++) {
		bool eq = false;
		if (xp_compare(c, &a[0].it[i], XP_EQ, x, &eq) == 0 && eq)
			it[k++] = (struct xp_item){.type = XP_INTEGER, .v.dec = {(tandem_i128)(i + 1), 0}};
		xp_forgive(c); /* values of different types are not equal */
		if (c->err)
			return c->err;
	}
	out->it = it;
	out->n = k;
	return 0;
}

static int min_max(struct xp_ctx *c, struct xp_seq *a, bool want_max, struct xp_seq *out)
{
	if (xp_atomize(c, &a[0]))
		return c->err;
	if (a[0].n == 0)
		return empty(out);
	struct xp_item best = a[0].it[0];
	if (best.type == XP_UNTYPED && xp_cast(c, &best, XP_DOUBLE, &best))
		return c->err;
	for (size_t i = 1; i < a[0].n; i++) {
		struct xp_item x = a[0].it[i];
		bool gt = false;
		if (x.type == XP_UNTYPED && xp_cast(c, &x, XP_DOUBLE, &x))
			return c->err;
		if (xp_compare(c, &x, want_max ? XP_GT : XP_LT, &best, &gt))
			return c->err;
		if (gt)
			best = x;
	}
	return xp_seq_one(c, &best, out);
}

static int fn_min(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		  struct xp_seq *out)
{
	(void)f, (void)n;
	return min_max(c, a, false, out);
}

static int fn_max(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		  struct xp_seq *out)
{
	(void)f, (void)n;
	return min_max(c, a, true, out);
}

static int fn_reverse(struct xp_ctx *c, const struct xp_focus *f, struct xp_seq *a, size_t n,
		      struct xp_seq *out)
{
	(void)f, (void)n;
	struct xp_item *it = xp_alloc(c, (a[0].n ? a[0].n : 1) * sizeof *it);
	if (!it)
		return c->err;
	for (size_t i = 0; i < a[0].n; i++)
		it[i] = a[0].it[a[0].n - 1 - i];
	out->it = it;
	out->n = a[0].n;
	return 0;
}

const struct xp_func xp_funcs_main[] = {
	{XP_NS_FN, "abs", fn_abs, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "boolean", fn_boolean, 1, 1, XP_FN_BOOLEAN},
	{XP_NS_FN, "ceiling", fn_ceiling, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "count", fn_count, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "data", fn_data, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "distinct-values", fn_distinct_values, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "empty", fn_empty, 1, 1, XP_FN_EMPTY},
	{XP_NS_FN, "exactly-one", fn_exactly_one, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "exists", fn_exists, 1, 1, XP_FN_EXISTS},
	{XP_NS_FN, "false", fn_false, 0, 0, XP_FN_OTHER},
	{XP_NS_FN, "floor", fn_floor, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "index-of", fn_index_of, 2, 2, XP_FN_OTHER},
	{XP_NS_FN, "last", fn_last, 0, 0, XP_FN_OTHER},
	{XP_NS_FN, "local-name", fn_local_name, 0, 1, XP_FN_OTHER},
	{XP_NS_FN, "max", fn_max, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "min", fn_min, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "name", fn_name, 0, 1, XP_FN_OTHER},
	{XP_NS_FN, "namespace-uri", fn_namespace_uri, 0, 1, XP_FN_OTHER},
	{XP_NS_FN, "not", fn_not, 1, 1, XP_FN_NOT},
	{XP_NS_FN, "number", fn_number, 0, 1, XP_FN_OTHER},
	{XP_NS_FN, "one-or-more", fn_one_or_more, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "position", fn_position, 0, 0, XP_FN_OTHER},
	{XP_NS_FN, "reverse", fn_reverse, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "root", fn_root, 0, 1, XP_FN_OTHER},
	{XP_NS_FN, "round", fn_round, 1, 1, XP_FN_OTHER},
	{XP_NS_FN, "sum", fn_sum, 1, 2, XP_FN_OTHER},
	{XP_NS_FN, "true", fn_true, 0, 0, XP_FN_OTHER},
	{XP_NS_FN, "zero-or-one", fn_zero_or_one, 1, 1, XP_FN_OTHER},

};

const size_t xp_funcs_main_count = sizeof xp_funcs_main / sizeof xp_funcs_main[0];

unsigned xp_func_find(const char *ns, const char *name, size_t nargs)
{
	for (size_t i = 0; i < xp_funcs_count(); i++) {
		const struct xp_func *t = i < xp_funcs_main_count ? &xp_funcs_main[i]
					  : &xp_funcs_string[i - xp_funcs_main_count];
		if (strcmp(t->ns, ns) == 0 && strcmp(t->name, name) == 0 &&
		    nargs >= t->args_min && nargs <= t->args_max)
			return (unsigned)i + 1;
	}
	return 0;
}
