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
 * The index: for each element name and each attribute name (interned
 * pointers), its nodes in document order; and for each node number, the last
 * number inside its subtree (an element's attributes are numbered right
 * after it, so they are inside). descendant::x and a//@x from any node are
 * then a binary search, not a walk.
 */
struct xp_name_table {
	size_t slots;          /* power of two */
	const xmlChar **keys;  /* slots entries, NULL when free */
	uint32_t *start;       /* slots entries: first position in nodes */
	uint32_t *count;       /* slots entries */
	xmlNodePtr *nodes;     /* nodes grouped by name, each group in order */
	uint32_t *order;       /* the number of each of nodes: the binary searches
				* read this array, not the nodes themselves */
};

struct xp_index {
	struct xp_name_table el; /* elements */
	struct xp_name_table at; /* attributes */
	uint32_t *end_of;        /* by node number: last number in its subtree */
	size_t numbers;          /* node numbers used, plus one */
};

static size_t name_slot(const struct xp_name_table *t, const xmlChar *key)
{
	size_t h = ((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15u;
	size_t i = h & (t->slots - 1);
	while (t->keys[i] && t->keys[i] != key)
		i = (i + 1) & (t->slots - 1);
	return i;
}

static void set_order(xmlNodePtr n, uintptr_t k)
{
	if (n->type == XML_ATTRIBUTE_NODE)
		((xmlAttrPtr)n)->psvi = (void *)k; /* NOLINT(performance-no-int-to-ptr): a number, not a pointer */
	else
		n->psvi = (void *)k; /* NOLINT(performance-no-int-to-ptr) */
}

/*
 * Numbers the nodes and counts elements and attributes. With end_of, also
 * records subtree ends and lists the elements and the attributes in
 * document order into els and ats.
 */
static void number_nodes(xmlDocPtr doc, uint32_t *end_of, xmlNodePtr *els, xmlNodePtr *ats,
			 size_t *numbers, size_t *elements, size_t *attributes)
{
	uintptr_t k = 1;
	size_t ne = 0, na = 0;
	xmlNodePtr n = doc->children;
	while (n) {
		set_order(n, k++);
		if (n->type == XML_ELEMENT_NODE) {
			if (els)
				els[ne] = n;
			ne++;
			for (xmlAttrPtr a = n->properties; a; a = a->next) {
				if (end_of) {
					end_of[k] = (uint32_t)k;
					ats[na] = (xmlNodePtr)a;
				}
				na++;
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
	*elements = ne;
	*attributes = na;
}

/* Groups list (n nodes in document order) by name into t; false when out of memory. */
static bool fill_table(struct xp_ctx *c, struct xp_name_table *t, xmlNodePtr *list, size_t n)
{
	t->slots = 16;
	while (t->slots < n * 2)
		t->slots *= 2;
	t->keys = xp_alloc(c, t->slots * sizeof *t->keys);
	t->start = xp_alloc(c, t->slots * sizeof *t->start);
	t->count = xp_alloc(c, t->slots * sizeof *t->count);
	t->nodes = xp_alloc(c, (n + 1) * sizeof(xmlNodePtr));
	t->order = xp_alloc(c, (n + 1) * sizeof *t->order);
	if (!t->keys || !t->start || !t->count || !t->nodes || !t->order)
		return false;
	memset(t->keys, 0, t->slots * sizeof *t->keys);
	memset(t->count, 0, t->slots * sizeof *t->count);
	/* Count, place, fill: each group keeps document order. */
	for (size_t k = 0; k < n; k++) {
		size_t i = name_slot(t, list[k]->name);
		t->keys[i] = list[k]->name;
		t->count[i]++;
	}
	uint32_t at = 0;
	for (size_t i = 0; i < t->slots; i++) {
		t->start[i] = at;
		at += t->count[i];
		t->count[i] = 0;
	}
	for (size_t k = 0; k < n; k++) {
		size_t i = name_slot(t, list[k]->name);
		uint32_t at_k = t->start[i] + t->count[i]++;
		t->nodes[at_k] = list[k];
		t->order[at_k] = (uint32_t)xp_node_order(list[k]);
	}
	return true;
}

static void build_index(struct xp_ctx *c, xmlDocPtr doc)
{
	size_t numbers, elements, attributes;
	number_nodes(doc, NULL, NULL, NULL, &numbers, &elements, &attributes);
	c->index = NULL;
	if (!c->dict)
		return;
	/* The lists are scratch below the index tables; they stay allocated
	 * with the index for the document (a few bytes per node). */
	struct xp_index *ix = xp_alloc(c, sizeof *ix);
	xmlNodePtr *els = xp_alloc(c, (elements + 1) * sizeof(xmlNodePtr));
	xmlNodePtr *ats = xp_alloc(c, (attributes + 1) * sizeof(xmlNodePtr));
	uint32_t *end_of = xp_alloc(c, (numbers + 1) * sizeof *end_of);
	if (!ix || !els || !ats || !end_of) {
		c->err = 0; /* no index: the axes walk the tree instead */
		return;
	}
	ix->end_of = end_of;
	number_nodes(doc, ix->end_of, els, ats, &ix->numbers, &elements, &attributes);
	if (!fill_table(c, &ix->el, els, elements) || !fill_table(c, &ix->at, ats, attributes)) {
		c->err = 0;
		return;
	}
	c->index = ix;
}

/*
 * The first bytes of a table are about to be written at random: their
 * pages are faulted in with one system call (tandem_pages_populate: a
 * short-lived process touches each page once). *ready: how much of the
 * table is already in.
 */
static void prefault(void *table, size_t bytes, size_t *ready)
{
	if (bytes <= *ready)
		return;
	(void)tandem_pages_populate((char *)table + *ready, bytes - *ready);
	*ready = bytes;
}

/* What a rule set starts from: a new generation of every cache, no work done. */
static void fresh(struct xp_ctx *c)
{
	c->gen++;
	c->steps = 0;
	c->err = 0;
	c->ns_next = 0;
	c->names_complete = false;
	c->keep_used = 0;
	memset(c->ns_cache, 0, sizeof c->ns_cache);
}

void xp_ctx_begin(struct xp_ctx *c, xmlDocPtr doc)
{
	c->doc = doc;
	c->dict = doc->dict;
	c->used = 0;
	fresh(c);
	build_index(c, doc);
	c->index_used = c->used;
	/* The caches of predicate and kept values: about four slots per node,
	 * so a small document touches few pages of them. */
	size_t slots = 256;
	while (slots < XP_KEEP_SLOTS_MAX && c->index && slots < c->index->numbers * 4)
		slots *= 2;
	if (!c->index)
		slots = XP_KEEP_SLOTS_MAX;
	c->keep_mask = slots - 1;
	c->memo_mask = (slots < XP_MEMO_SLOTS ? slots : XP_MEMO_SLOTS) - 1;
	prefault(c->keep, (c->keep_mask + 1) * sizeof *c->keep, &c->keep_ready);
	prefault(c->memo, (c->memo_mask + 1) * sizeof *c->memo, &c->memo_ready);
}

void xp_ctx_again(struct xp_ctx *c)
{
	fresh(c);
	c->used = c->index_used;
}

static void names_of_table(struct xp_ctx *c, const struct xp_name_table *t,
			   const struct xp_name_map *m)
{
	for (size_t i = 0; i < t->slots; i++) {
		const char *name = (const char *)t->keys[i];
		if (!name)
			continue;
		size_t k = xp_name_map_find(m, name, strlen(name));
		if (!m->keys[k] || !m->ids[k] || m->ids[k] > XP_NAME_IDS_MAX)
			continue;
		struct xp_name_slot *s = &c->by_id[m->ids[k]];
		s->key = m->keys[k];
		s->gen = c->gen;
		s->ptr = t->keys[i];
	}
}

void xp_ctx_names_from_doc(struct xp_ctx *c, const struct xp_name_map *m)
{
	if (!c->index || !c->dict || !m->slots)
		return;
	names_of_table(c, &c->index->el, m);
	names_of_table(c, &c->index->at, m);
	c->names_complete = true;
}

const xmlChar *xp_resolve(struct xp_ctx *c, const char *local, uint32_t id)
{
	if (!c->dict)
		return NULL;
	struct xp_name_slot *s;
	if (id && id <= XP_NAME_IDS_MAX) {
		s = &c->by_id[id];
		/* Every name of the document is recorded: this one is not in it. */
		if (c->names_complete && (s->key != local || s->gen != c->gen))
			return NULL;
	} else {
		size_t h = (((uintptr_t)local >> 3) * 0x9E3779B97F4A7C15u) >> 54;
		s = &c->names[h & (XP_NAME_CACHE - 1)];
	}
	if (s->key != local || s->gen != c->gen) {
		s->key = local;
		s->gen = c->gen;
		s->ptr = xmlDictExists(c->dict, (const xmlChar *)local, -1);
	}
	return s->ptr;
}

static const xmlChar *resolve(struct xp_ctx *c, const struct xp_test *t)
{
	return xp_resolve(c, t->local, t->name_id);
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
		const xmlChar *p = resolve(c, t);
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

/*
 * The node test of one axis walk. A name test is resolved once for the
 * walk: then a node passes when its interned name is that pointer.
 */
struct walk {
	const struct xp_test *t;
	const xmlChar *name; /* resolved name of a name test, else NULL */
};

static inline bool pass(struct xp_ctx *c, const struct walk *w, xmlNodePtr k, bool attr_axis)
{
	if (w->name)
		return k->type == (attr_axis ? XML_ATTRIBUTE_NODE : XML_ELEMENT_NODE) &&
		       k->name == w->name && ns_is(c, k->ns, w->t->ns);
	return xp_test_node(c, k, w->t, attr_axis);
}

/*
 * The nodes of table tab named p that lie in the subtree of n, after n
 * itself, in document order: list[*lo .. *hi). False when the index cannot
 * answer.
 */
static bool index_range(struct xp_ctx *c, const struct xp_name_table *tab, xmlNodePtr n,
			const xmlChar *p, xmlNodePtr **list, size_t *lo, size_t *hi)
{
	const struct xp_index *ix = c->index;
	*list = NULL;
	*lo = *hi = 0;
	size_t i = name_slot(tab, p);
	if (!tab->keys[i])
		return true; /* no node of that name */
	*list = tab->nodes + tab->start[i];
	*hi = tab->count[i];
	if (n->type == XML_DOCUMENT_NODE)
		return true;
	uintptr_t from = xp_node_order(n);
	if (from >= ix->numbers)
		return false;
	uintptr_t to = ix->end_of[from];
	const uint32_t *order = tab->order + tab->start[i];
	size_t a = 0, b = *hi;
	while (a < b) { /* first number after from */
		size_t mid = a + (b - a) / 2;
		if (order[mid] <= from)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	b = *hi;
	while (a < b) { /* first number after to */
		size_t mid = a + (b - a) / 2;
		if (order[mid] <= to)
			a = mid + 1;
		else
			b = mid;
	}
	*hi = a;
	return true;
}

/*
 * Nodes of table tab that pass the name test t and lie in the subtree of n,
 * after n itself (descendant::name with the elements, a//@name with the
 * attributes), through the index; false when the index cannot answer.
 */
static bool indexed(struct xp_ctx *c, const struct xp_name_table *tab, xmlNodePtr n,
		    const struct xp_test *t, struct xp_vec *v, int *rc)
{
	*rc = 0;
	if (!c->index || t->kind != XP_TEST_NAME || n->type == XML_ATTRIBUTE_NODE)
		return false;
	const xmlChar *p = resolve(c, t);
	xmlNodePtr *list;
	size_t lo, hi;
	if (!p)
		return true; /* no node of that name */
	if (!index_range(c, tab, n, p, &list, &lo, &hi))
		return false;
	for (size_t k = lo; k < hi; k++) {
		if (ns_is(c, list[k]->ns, t->ns) && (*rc = xp_vec_push_node(c, v, list[k])))
			return true;
	}
	return true;
}

/*
 * child::name through the index, when few elements of that name lie below n
 * (then checking their parent is cheaper than walking n's children); false
 * when the walk is the better way.
 */
#define XP_INDEXED_CHILDREN_MAX 8
static bool indexed_children(struct xp_ctx *c, xmlNodePtr n, const struct walk *w,
			     struct xp_vec *v)
{
	xmlNodePtr *list;
	size_t lo, hi;
	if (!index_range(c, &c->index->el, n, w->name, &list, &lo, &hi) ||
	    hi - lo > XP_INDEXED_CHILDREN_MAX)
		return false;
	for (size_t k = lo; k < hi; k++) {
		c->steps++;
		if (list[k]->parent == n && ns_is(c, list[k]->ns, w->t->ns) &&
		    xp_vec_push_node(c, v, list[k]))
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
				const struct walk *w)
{
	for (xmlNodePtr k = n->last; k; k = k->prev) {
		if (!is_tree_node(k))
			continue;
		if (k->type == XML_ELEMENT_NODE && push_subtree_reverse(c, v, k, w))
			return c->err;
		if (pass(c, w, k, false) && xp_vec_push_node(c, v, k))
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
	struct walk walk = {t, NULL}, *w = &walk;
	*reverse = false;
	if (t->kind == XP_TEST_NAME && c->dict) {
		/* No node of the document has the name: no axis selects one. */
		w->name = resolve(c, t);
		if (!w->name)
			return 0;
	}
	switch (axis) {
	case XP_AXIS_CHILD:
		if (is_attr)
			return 0;
		if (w->name && c->index && indexed_children(c, n, w, v))
			return c->err;
		for (xmlNodePtr k = n->children; k; k = k->next) {
			c->steps++;
			if (is_tree_node(k) && pass(c, w, k, false) && xp_vec_push_node(c, v, k))
				return c->err;
		}
		return 0;
	case XP_AXIS_ATTRIBUTE:
		if (n->type != XML_ELEMENT_NODE)
			return 0;
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			if (pass(c, w, (xmlNodePtr)a, true) && xp_vec_push_node(c, v, (xmlNodePtr)a))
				return c->err;
		}
		return 0;
	case XP_AXIS_SELF:
		if (pass(c, w, n, is_attr))
			return xp_vec_push_node(c, v, n);
		return 0;
	case XP_AXIS_PARENT:
		if (n->parent && pass(c, w, n->parent, false))
			return xp_vec_push_node(c, v, n->parent);
		return 0;
	case XP_AXIS_ANCESTOR_OR_SELF:
		if (pass(c, w, n, is_attr) && xp_vec_push_node(c, v, n))
			return c->err;
		/* fallthrough */
	case XP_AXIS_ANCESTOR:
		*reverse = true;
		for (xmlNodePtr p = n->parent; p; p = p->parent) {
			if (pass(c, w, p, false) && xp_vec_push_node(c, v, p))
				return c->err;
		}
		return 0;
	case XP_AXIS_DESCENDANT_OR_SELF:
		if (pass(c, w, n, is_attr) && xp_vec_push_node(c, v, n))
			return c->err;
		/* fallthrough */
	case XP_AXIS_DESCENDANT: {
		if (is_attr)
			return 0;
		int rc;
		if (c->index && indexed(c, &c->index->el, n, t, v, &rc))
			return rc;
	}
		for (xmlNodePtr k = next_in(n, n); k; k = next_in(k, n)) {
			c->steps++;
			if (is_tree_node(k) && pass(c, w, k, false) && xp_vec_push_node(c, v, k))
				return c->err;
		}
		return xp_limit_steps(c);
	case XP_AXIS_DESCENDANT_ATTRIBUTE: {
		if (is_attr)
			return 0;
		int rc;
		if (c->index && indexed(c, &c->index->at, n, t, v, &rc))
			return rc;
		/* Each element's attributes follow it in document order. */
		for (xmlNodePtr k = n; k; k = next_in(k, n)) {
			c->steps++;
			if (k->type != XML_ELEMENT_NODE)
				continue;
			for (xmlAttrPtr a = k->properties; a; a = a->next) {
				if (pass(c, w, (xmlNodePtr)a, true) &&
				    xp_vec_push_node(c, v, (xmlNodePtr)a))
					return c->err;
			}
		}
		return xp_limit_steps(c);
	}
	case XP_AXIS_FOLLOWING_SIBLING:
		if (is_attr)
			return 0;
		for (xmlNodePtr k = n->next; k; k = k->next) {
			c->steps++;
			if (is_tree_node(k) && pass(c, w, k, false) && xp_vec_push_node(c, v, k))
				return c->err;
		}
		return 0;
	case XP_AXIS_PRECEDING_SIBLING:
		*reverse = true;
		if (is_attr)
			return 0;
		for (xmlNodePtr k = n->prev; k; k = k->prev) {
			c->steps++;
			if (is_tree_node(k) && pass(c, w, k, false) && xp_vec_push_node(c, v, k))
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
				if (is_tree_node(k) && pass(c, w, k, false) && xp_vec_push_node(c, v, k))
					return c->err;
			}
		}
		for (xmlNodePtr a = start; a && a->type != XML_DOCUMENT_NODE; a = a->parent) {
			for (xmlNodePtr s = a->next; s; s = s->next) {
				if (!is_tree_node(s))
					continue;
				if (pass(c, w, s, false) && xp_vec_push_node(c, v, s))
					return c->err;
				for (xmlNodePtr k = next_in(s, s); k; k = next_in(k, s)) {
					c->steps++;
					if (is_tree_node(k) && pass(c, w, k, false) &&
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
				if (s->type == XML_ELEMENT_NODE && push_subtree_reverse(c, v, s, w))
					return c->err;
				if (pass(c, w, s, false) && xp_vec_push_node(c, v, s))
					return c->err;
			}
		}
		return xp_limit_steps(c);
	}
	}
	return 0;
}
