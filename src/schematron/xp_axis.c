/*
 * src/schematron/xp_axis.c - node tests and the thirteen axes over a libxml2
 * tree, and the per-document element index that answers descendant::name
 * from any node with a binary search.
 *
 * Document order: xp_ctx_begin() numbers elements, attributes and text nodes
 * in document order and keeps the number in the node's psvi field, which
 * libxml2 only uses for schema validation. Names compare by libxml2's
 * interned pointers when the document has a dictionary, so a name absent
 * from the document ends a step at once.
 */
#include <string.h>

#include "core/core.h"
#include "xp.h"

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
				struct xp_vec *v, int *rc)
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
		if (ns_is(c, list[k]->ns, t->ns) && (*rc = xp_vec_push_node(c, v, list[k])))
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
static int push_subtree_reverse(struct xp_ctx *c, struct xp_vec *v, xmlNodePtr n,
				const struct xp_test *t)
{
	for (xmlNodePtr k = n->last; k; k = k->prev) {
		if (!is_tree_node(k))
			continue;
		if (k->type == XML_ELEMENT_NODE && push_subtree_reverse(c, v, k, t))
			return c->err;
		if (test_node(k, t, false) && xp_vec_push_node(c, v, k))
			return c->err;
	}
	return xp_limit_steps(c);
}

/*
 * Nodes of one axis from n that pass the test, in axis order (reverse
 * document order for reverse axes). *reverse says which.
 */
int xp_axis_nodes(struct xp_ctx *c, xmlNodePtr n, enum xp_axis axis,
		      const struct xp_test *t, struct xp_vec *v, bool *reverse)
{
	bool is_attr = n->type == XML_ATTRIBUTE_NODE;
	*reverse = false;
	switch (axis) {
	case XP_AXIS_CHILD:
		if (is_attr || (t->kind == XP_TEST_NAME && c->dict && !resolve(c, t->local)))
			return 0;
		for (xmlNodePtr k = n->children; k; k = k->next) {
			c->steps++;
			if (is_tree_node(k) && test_node(k, t, false) && xp_vec_push_node(c, v, k))
				return c->err;
		}
		return 0;
	case XP_AXIS_ATTRIBUTE:
		if (n->type != XML_ELEMENT_NODE)
			return 0;
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			if (test_node((xmlNodePtr)a, t, true) && xp_vec_push_node(c, v, (xmlNodePtr)a))
				return c->err;
		}
		return 0;
	case XP_AXIS_SELF:
		if (test_node(n, t, is_attr))
			return xp_vec_push_node(c, v, n);
		return 0;
	case XP_AXIS_PARENT:
		if (n->parent && test_node(n->parent, t, false))
			return xp_vec_push_node(c, v, n->parent);
		return 0;
	case XP_AXIS_ANCESTOR_OR_SELF:
		if (test_node(n, t, is_attr) && xp_vec_push_node(c, v, n))
			return c->err;
		/* fallthrough */
	case XP_AXIS_ANCESTOR:
		*reverse = true;
		for (xmlNodePtr p = n->parent; p; p = p->parent) {
			if (test_node(p, t, false) && xp_vec_push_node(c, v, p))
				return c->err;
		}
		return 0;
	case XP_AXIS_DESCENDANT_OR_SELF:
		if (test_node(n, t, is_attr) && xp_vec_push_node(c, v, n))
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
			if (is_tree_node(k) && test_node(k, t, false) && xp_vec_push_node(c, v, k))
				return c->err;
		}
		return xp_limit_steps(c);
	case XP_AXIS_FOLLOWING_SIBLING:
		if (is_attr)
			return 0;
		for (xmlNodePtr k = n->next; k; k = k->next) {
			c->steps++;
			if (is_tree_node(k) && test_node(k, t, false) && xp_vec_push_node(c, v, k))
				return c->err;
		}
		return 0;
	case XP_AXIS_PRECEDING_SIBLING:
		*reverse = true;
		if (is_attr)
			return 0;
		for (xmlNodePtr k = n->prev; k; k = k->prev) {
			c->steps++;
			if (is_tree_node(k) && test_node(k, t, false) && xp_vec_push_node(c, v, k))
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
				if (is_tree_node(k) && test_node(k, t, false) && xp_vec_push_node(c, v, k))
					return c->err;
			}
		}
		for (xmlNodePtr a = start; a && a->type != XML_DOCUMENT_NODE; a = a->parent) {
			for (xmlNodePtr s = a->next; s; s = s->next) {
				if (!is_tree_node(s))
					continue;
				if (test_node(s, t, false) && xp_vec_push_node(c, v, s))
					return c->err;
				for (xmlNodePtr k = next_in(s, s); k; k = next_in(k, s)) {
					c->steps++;
					if (is_tree_node(k) && test_node(k, t, false) &&
					    xp_vec_push_node(c, v, k))
						return c->err;
				}
			}
			if (xp_limit_steps(c))
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
				if (test_node(s, t, false) && xp_vec_push_node(c, v, s))
					return c->err;
			}
		}
		return xp_limit_steps(c);
	}
	}
	return 0;
}
