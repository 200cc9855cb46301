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
 * Document order: xp_ctx_begin() numbers elements, attributes and text nodes
 * in document order and keeps the number in the node's psvi field, which
 * libxml2 only uses for schema validation. Sorting a node set is a sort on
 * that number.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "xp.h"

int xp_ctx_init(struct xp_ctx *c)
{
	memset(c, 0, sizeof *c);
	c->scratch = tandem_malloc(XP_SCRATCH_MAX);
	c->vars = tandem_calloc(XP_VARS_MAX, sizeof *c->vars);
	if (!c->scratch || !c->vars) {
		xp_ctx_release(c);
		return TANDEM_ENOMEM;
	}
	return 0;
}

void xp_ctx_release(struct xp_ctx *c)
{
	tandem_free(c->scratch);
	tandem_free(c->vars);
	c->scratch = NULL;
	c->vars = NULL;
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

/*
 * The element index: for each element name (interned pointer), its elements
 * in document order; and for each node number, the last number inside its
 * subtree. descendant::x from any node is then a binary search, not a walk.
 */
struct xp_index {
	size_t slots;          /* power of two */
	const xmlChar **keys;  /* slots entries, NULL when free */
	uint32_t *start;       /* slots entries: first position in nodes */
	uint32_t *count;       /* slots entries */
	xmlNodePtr *nodes;     /* elements grouped by name, each group in order */
	uint32_t *end_of;      /* by node number: last number in its subtree */
	size_t numbers;        /* node numbers used, plus one */
};

static size_t name_slot(const struct xp_index *ix, const xmlChar *key)
{
	size_t h = ((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15u;
	size_t i = h & (ix->slots - 1);
	while (ix->keys[i] && ix->keys[i] != key)
		i = (i + 1) & (ix->slots - 1);
	return i;
}

static void set_order(xmlNodePtr n, uintptr_t k)
{
	if (n->type == XML_ATTRIBUTE_NODE)
		((xmlAttrPtr)n)->psvi = (void *)k; /* NOLINT(performance-no-int-to-ptr): a number, not a pointer */
	else
		n->psvi = (void *)k; /* NOLINT(performance-no-int-to-ptr) */
}

/* Numbers the nodes; returns the number of elements. */
static size_t number_nodes(xmlDocPtr doc, uint32_t *end_of, size_t *numbers)
{
	uintptr_t k = 1;
	size_t elements = 0;
	xmlNodePtr n = doc->children;
	while (n) {
		set_order(n, k++);
		if (n->type == XML_ELEMENT_NODE) {
			elements++;
			for (xmlAttrPtr a = n->properties; a; a = a->next) {
				if (end_of)
					end_of[k] = (uint32_t)k;
				set_order((xmlNodePtr)a, k++);
			}
		}
		if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		for (;;) {
			if (end_of)
				end_of[(uintptr_t)n->psvi] = (uint32_t)(k - 1);
			if (n->next || !n->parent || n->parent->type == XML_DOCUMENT_NODE)
				break;
			n = n->parent;
		}
		n = n->next;
	}
	*numbers = k;
	return elements;
}

static void build_index(struct xp_ctx *c, xmlDocPtr doc)
{
	size_t numbers;
	size_t elements = number_nodes(doc, NULL, &numbers);
	struct xp_index *ix = xp_alloc(c, sizeof *ix);
	c->index = NULL;
	if (!ix || !c->dict)
		return;
	ix->slots = 64;
	while (ix->slots < elements * 2)
		ix->slots *= 2;
	ix->keys = xp_alloc(c, ix->slots * sizeof *ix->keys);
	ix->start = xp_alloc(c, ix->slots * sizeof *ix->start);
	ix->count = xp_alloc(c, ix->slots * sizeof *ix->count);
	ix->nodes = xp_alloc(c, (elements + 1) * sizeof(xmlNodePtr));
	ix->end_of = xp_alloc(c, (numbers + 1) * sizeof *ix->end_of);
	if (!ix->keys || !ix->start || !ix->count || !ix->nodes || !ix->end_of) {
		c->err = 0; /* no index: the axes walk the tree instead */
		return;
	}
	memset(ix->keys, 0, ix->slots * sizeof *ix->keys);
	memset(ix->count, 0, ix->slots * sizeof *ix->count);
	number_nodes(doc, ix->end_of, &ix->numbers);
	/* Count, place, fill: each group keeps document order. */
	for (int pass = 0; pass < 2; pass++) {
		for (xmlNodePtr n = doc->children; n;) {
			if (n->type == XML_ELEMENT_NODE) {
				size_t i = name_slot(ix, n->name);
				if (pass == 0) {
					ix->keys[i] = n->name;
					ix->count[i]++;
				} else {
					ix->nodes[ix->start[i] + ix->count[i]++] = n;
				}
			}
			if (n->type == XML_ELEMENT_NODE && n->children) {
				n = n->children;
				continue;
			}
			while (n && !n->next) {
				n = n->parent;
				if (n && n->type == XML_DOCUMENT_NODE)
					n = NULL;
			}
			if (n)
				n = n->next;
		}
		if (pass == 0) {
			uint32_t at = 0;
			for (size_t i = 0; i < ix->slots; i++) {
				ix->start[i] = at;
				at += ix->count[i];
				ix->count[i] = 0;
			}
		}
	}
	c->index = ix;
}

void xp_ctx_begin(struct xp_ctx *c, xmlDocPtr doc)
{
	c->doc = doc;
	c->dict = doc->dict;
	c->gen++;
	c->steps = 0;
	c->err = 0;
	c->used = 0;
	c->ns_next = 0;
	memset(c->ns_cache, 0, sizeof c->ns_cache);
	build_index(c, doc);
}

/* The interned form of a compiled name, or NULL when the document has none. */
static const xmlChar *resolve(struct xp_ctx *c, const char *local)
{
	size_t h = (((uintptr_t)local >> 3) * 0x9E3779B97F4A7C15u) >> 54;
	struct xp_name_slot *s = &c->names[h & (XP_NAME_CACHE - 1)];
	if (s->key != local || s->gen != c->gen) {
		s->key = local;
		s->gen = c->gen;
		s->ptr = xmlDictExists(c->dict, (const xmlChar *)local, -1);
	}
	return s->ptr;
}

static bool ns_is(struct xp_ctx *c, const xmlNs *ns, const char *uri)
{
	if (!uri)
		return !ns;
	if (!ns || !ns->href)
		return false;
	for (unsigned i = 0; i < 8; i++) {
		if (c->ns_cache[i].ns == ns && c->ns_cache[i].uri == uri)
			return c->ns_cache[i].eq;
	}
	struct xp_ns_slot *s = &c->ns_cache[c->ns_next++ & 7];
	s->ns = ns;
	s->uri = uri;
	s->eq = strcmp((const char *)ns->href, uri) == 0;
	return s->eq;
}

static int limit_steps(struct xp_ctx *c)
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

/* A growable sequence in scratch memory. */
struct vec {
	struct xp_item *it;
	size_t n;
	size_t cap;
};

static int vec_push(struct xp_ctx *c, struct vec *v, const struct xp_item *it)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		struct xp_item *na = xp_alloc(c, cap * sizeof *na);
		if (!na)
			return c->err;
		if (v->n)
			memcpy(na, v->it, v->n * sizeof *na);
		v->it = na;
		v->cap = cap;
	}
	v->it[v->n++] = *it;
	return 0;
}

static int vec_push_node(struct xp_ctx *c, struct vec *v, xmlNodePtr n)
{
	struct xp_item it = {.type = XP_NODE, .v.node = n};
	c->steps++;
	return vec_push(c, v, &it);
}

static int vec_append(struct xp_ctx *c, struct vec *v, const struct xp_seq *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (vec_push(c, v, &s->it[i]))
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

/* --- node tests and axes --- */

static bool name_is(struct xp_ctx *c, xmlNodePtr n, const struct xp_test *t)
{
	if (c->dict) {
		const xmlChar *p = resolve(c, t->local);
		if (!p || n->name != p)
			return false;
	} else if (strcmp((const char *)n->name, t->local) != 0) {
		return false;
	}
	return ns_is(c, n->ns, t->ns);
}

bool xp_test_node(struct xp_ctx *c, xmlNodePtr n, const struct xp_test *t, bool attr_axis)
{
	xmlElementType principal = attr_axis ? XML_ATTRIBUTE_NODE : XML_ELEMENT_NODE;
	switch (t->kind) {
	case XP_TEST_NAME:
		return n->type == principal && name_is(c, n, t);
	case XP_TEST_ANY_NAME:
		return n->type == principal;
	case XP_TEST_NS_ANY:
		return n->type == principal && ns_is(c, n->ns, t->ns);
	case XP_TEST_LOCAL_ANY:
		return n->type == principal && strcmp((const char *)n->name, t->local) == 0;
	case XP_TEST_NODE:
		return attr_axis ? n->type == XML_ATTRIBUTE_NODE
				 : n->type == XML_ELEMENT_NODE || n->type == XML_TEXT_NODE ||
					   n->type == XML_CDATA_SECTION_NODE ||
					   n->type == XML_DOCUMENT_NODE;
	case XP_TEST_TEXT:
		return !attr_axis && (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE);
	case XP_TEST_ELEMENT:
		return !attr_axis && n->type == XML_ELEMENT_NODE;
	case XP_TEST_ATTRIBUTE:
		return n->type == XML_ATTRIBUTE_NODE;
	case XP_TEST_DOCUMENT:
		return n->type == XML_DOCUMENT_NODE;
	case XP_TEST_COMMENT:
		return false;
	}
	return false;
}

#define test_node(n, t, attr) xp_test_node(c, (n), (t), (attr))

/* descendant::name through the index; false when the index cannot answer. */
static bool indexed_descendants(struct xp_ctx *c, xmlNodePtr n, const struct xp_test *t,
				struct vec *v, int *rc)
{
	struct xp_index *ix = c->index;
	*rc = 0;
	if (!ix || t->kind != XP_TEST_NAME || n->type == XML_ATTRIBUTE_NODE)
		return false;
	const xmlChar *p = resolve(c, t->local);
	if (!p)
		return true; /* no element of that name */
	size_t i = name_slot(ix, p);
	if (!ix->keys[i])
		return true;
	xmlNodePtr *list = ix->nodes + ix->start[i];
	size_t cnt = ix->count[i], lo = 0;
	uintptr_t from = 0, to = UINTPTR_MAX;
	if (n->type != XML_DOCUMENT_NODE) {
		from = xp_node_order(n);
		if (from >= ix->numbers)
			return false;
		to = ix->end_of[from];
		size_t hi = cnt;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (xp_node_order(list[mid]) <= from)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	for (size_t k = lo; k < cnt && xp_node_order(list[k]) <= to; k++) {
		if (ns_is(c, list[k]->ns, t->ns) && (*rc = vec_push_node(c, v, list[k])))
			return true;
	}
	return true;
}

static bool is_tree_node(xmlNodePtr n)
{
	return n->type == XML_ELEMENT_NODE || n->type == XML_TEXT_NODE ||
	       n->type == XML_CDATA_SECTION_NODE;
}

/* Next node after n in document order within the subtree of top (no attributes). */
static xmlNodePtr next_in(xmlNodePtr n, xmlNodePtr top)
{
	if (n->type != XML_ATTRIBUTE_NODE && n->children && (n->type == XML_ELEMENT_NODE ||
							     n->type == XML_DOCUMENT_NODE))
		return n->children;
	while (n && n != top && !n->next)
		n = n->parent;
	if (!n || n == top)
		return NULL;
	return n->next;
}

/* Collects the descendants of n in reverse document order. */
static int push_subtree_reverse(struct xp_ctx *c, struct vec *v, xmlNodePtr n,
				const struct xp_test *t)
{
	for (xmlNodePtr k = n->last; k; k = k->prev) {
		if (!is_tree_node(k))
			continue;
		if (k->type == XML_ELEMENT_NODE && push_subtree_reverse(c, v, k, t))
			return c->err;
		if (test_node(k, t, false) && vec_push_node(c, v, k))
			return c->err;
	}
	return limit_steps(c);
}

/*
 * Nodes of one axis from n that pass the test, in axis order (reverse
 * document order for reverse axes). *reverse says which.
 */
static int axis_nodes(struct xp_ctx *c, xmlNodePtr n, enum xp_axis axis,
		      const struct xp_test *t, struct vec *v, bool *reverse)
{
	bool is_attr = n->type == XML_ATTRIBUTE_NODE;
	*reverse = false;
	switch (axis) {
	case XP_AXIS_CHILD:
		if (is_attr || (t->kind == XP_TEST_NAME && c->dict && !resolve(c, t->local)))
			return 0;
		for (xmlNodePtr k = n->children; k; k = k->next) {
			c->steps++;
			if (is_tree_node(k) && test_node(k, t, false) && vec_push_node(c, v, k))
				return c->err;
		}
		return 0;
	case XP_AXIS_ATTRIBUTE:
		if (n->type != XML_ELEMENT_NODE)
			return 0;
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			if (test_node((xmlNodePtr)a, t, true) && vec_push_node(c, v, (xmlNodePtr)a))
				return c->err;
		}
		return 0;
	case XP_AXIS_SELF:
		if (test_node(n, t, is_attr))
			return vec_push_node(c, v, n);
		return 0;
	case XP_AXIS_PARENT:
		if (n->parent && test_node(n->parent, t, false))
			return vec_push_node(c, v, n->parent);
		return 0;
	case XP_AXIS_ANCESTOR_OR_SELF:
		if (test_node(n, t, is_attr) && vec_push_node(c, v, n))
			return c->err;
		/* fallthrough */
	case XP_AXIS_ANCESTOR:
		*reverse = true;
		for (xmlNodePtr p = n->parent; p; p = p->parent) {
			if (test_node(p, t, false) && vec_push_node(c, v, p))
				return c->err;
		}
		return 0;
	case XP_AXIS_DESCENDANT_OR_SELF:
		if (test_node(n, t, is_attr) && vec_push_node(c, v, n))
			return c->err;
		/* fallthrough */
	case XP_AXIS_DESCENDANT: {
		if (is_attr)
			return 0;
		int rc;
		if (indexed_descendants(c, n, t, v, &rc))
			return rc;
	}
		for (xmlNodePtr k = next_in(n, n); k; k = next_in(k, n)) {
			c->steps++;
			if (is_tree_node(k) && test_node(k, t, false) && vec_push_node(c, v, k))
				return c->err;
		}
		return limit_steps(c);
	case XP_AXIS_FOLLOWING_SIBLING:
		if (is_attr)
			return 0;
		for (xmlNodePtr k = n->next; k; k = k->next) {
			c->steps++;
			if (is_tree_node(k) && test_node(k, t, false) && vec_push_node(c, v, k))
				return c->err;
		}
		return 0;
	case XP_AXIS_PRECEDING_SIBLING:
		*reverse = true;
		if (is_attr)
			return 0;
		for (xmlNodePtr k = n->prev; k; k = k->prev) {
			c->steps++;
			if (is_tree_node(k) && test_node(k, t, false) && vec_push_node(c, v, k))
				return c->err;
		}
		return 0;
	case XP_AXIS_FOLLOWING: {
		xmlNodePtr start = n;
		if (is_attr) {
			/* After an attribute come its element's descendants. */
			start = n->parent;
			for (xmlNodePtr k = next_in(start, start); k; k = next_in(k, start)) {
				c->steps++;
				if (is_tree_node(k) && test_node(k, t, false) && vec_push_node(c, v, k))
					return c->err;
			}
		}
		for (xmlNodePtr a = start; a && a->type != XML_DOCUMENT_NODE; a = a->parent) {
			for (xmlNodePtr s = a->next; s; s = s->next) {
				if (!is_tree_node(s))
					continue;
				if (test_node(s, t, false) && vec_push_node(c, v, s))
					return c->err;
				for (xmlNodePtr k = next_in(s, s); k; k = next_in(k, s)) {
					c->steps++;
					if (is_tree_node(k) && test_node(k, t, false) &&
					    vec_push_node(c, v, k))
						return c->err;
				}
			}
			if (limit_steps(c))
				return c->err;
		}
		return 0;
	}
	case XP_AXIS_PRECEDING: {
		*reverse = true;
		xmlNodePtr start = is_attr ? n->parent : n;
		for (xmlNodePtr a = start; a && a->type != XML_DOCUMENT_NODE; a = a->parent) {
			for (xmlNodePtr s = a->prev; s; s = s->prev) {
				if (!is_tree_node(s))
					continue;
				if (s->type == XML_ELEMENT_NODE && push_subtree_reverse(c, v, s, t))
					return c->err;
				if (test_node(s, t, false) && vec_push_node(c, v, s))
					return c->err;
			}
		}
		return limit_steps(c);
	}
	}
	return 0;
}

/* --- predicates --- */

static int apply_preds(struct xp_ctx *c, struct xp_expr *const *preds, size_t npreds,
		       struct xp_seq *s)
{
	for (size_t p = 0; p < npreds && s->n; p++) {
		const struct xp_expr *pe = preds[p];
		if (pe->op == XP_OP_LITERAL && pe->lit.type == XP_INTEGER) {
			/* [n]: the n-th item. */
			struct tandem_dec d = pe->lit.v.dec;
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
			struct xp_focus f = {.item = s->it[i], .pos = i + 1, .size = n};
			size_t mark = xp_mark(c);
			struct xp_seq r = {0};
			bool keep = false;
			if (xp_eval(c, pe, &f, &r))
				return c->err;
			if (r.n == 1 && xp_is_numeric(r.it[0].type)) {
				keep = xp_to_double(&r.it[0]) == (double)(i + 1);
			} else if (xp_ebv(c, &r, &keep)) {
				return c->err;
			}
			xp_reset(c, mark);
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
	struct vec v = {0};
	bool reverse = false;
	if (axis_nodes(c, n, e->axis, &e->test, &v, &reverse))
		return c->err;
	out->it = v.it;
	out->n = v.n;
	if (e->npreds && apply_preds(c, e->preds, e->npreds, out))
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
	struct vec v = {0};
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
	return limit_steps(c);
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
	struct vec v = {0};
	if (e->op == XP_OP_UNION) {
		if (vec_append(c, &v, &a) || vec_append(c, &v, &b))
			return c->err;
	} else {
		for (size_t i = 0; i < a.n; i++) {
			bool in_b = false;
			for (size_t j = 0; j < b.n && !in_b; j++)
				in_b = a.it[i].v.node == b.it[j].v.node;
			c->steps += b.n;
			if (in_b == (e->op == XP_OP_INTERSECT) && vec_push(c, &v, &a.it[i]))
				return c->err;
		}
	}
	out->it = v.it;
	out->n = v.n;
	xp_sort_nodes(out);
	return limit_steps(c);
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
			size_t level, struct vec *acc, bool *decided)
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
	int slot = e->binds[level];
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
	return limit_steps(c);
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
	for (size_t i = 0; i < e->nkids; i++) {
		if (xp_eval(c, e->kids[i], f, &args[i]))
			return c->err;
	}
	return e->fn->fn(c, f, args, e->nkids, out);
}

int xp_eval(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
	    struct xp_seq *out)
{
	out->it = NULL;
	out->n = 0;
	if (c->err)
		return c->err;
	switch (e->op) {
	case XP_OP_LITERAL:
		*out = (struct xp_seq){(struct xp_item *)&e->lit, 1};
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
		struct vec v = {0};
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
		return apply_preds(c, e->preds, e->npreds, out);
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
		struct vec v = {0};
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

int xp_eval_bool(struct xp_ctx *c, const struct xp_expr *e, const struct xp_focus *f,
		 bool *out)
{
	struct xp_seq s = {0};
	if (xp_eval(c, e, f, &s))
		return c->err;
	return xp_ebv(c, &s, out);
}
