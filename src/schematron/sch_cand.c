/*
 * src/schematron/sch_cand.c - the candidate contexts of a node: per
 * pattern, the alternatives a node of its kind, name, namespace and parent
 * can match at all, worked out once per document for each such kind of
 * node, and kept across documents where the parent plays no part.
 */
#include <string.h>

#include "core/core.h"
#include "sch_cand.h"

/*
 * The candidate alternatives of every pattern for the nodes of one kind,
 * name and namespace, in one document: the alternatives of the name's group
 * and the wildcards, in rule order, less those that no such node can match:
 * a generic context whose node set is empty, an alternative whose last
 * step's node test rejects the node, or one of the step's leading
 * predicates that depend only on the name (the `ends-with(name(),
 * 'Amount')` of UBL-DT-01's context, tried on every element). Built at the
 * first node of that kind, name and namespace; a node without any
 * candidate is passed over.
 * When some of those alternatives ask something of the node's parent
 * (parent_can()), a node takes the lists of its parent's kind, name and
 * namespace: derived at the first such node, kept in a short list.
 */
#define CAND_SLOTS    1024 /* per runner */
#define CAND_FILL_MAX ((size_t)CAND_SLOTS / 4 * 3) /* beyond, nodes take the long way */
#define CAND_VARS_MAX 16   /* parents per name; beyond, the lists for any parent */
struct cand_var {
	const xmlChar *pname; /* the parent's interned name (NULL: not an element), */
	const void *pns;      /* namespace */
	int pkind;            /* and kind */
	struct sch_cand_lists l;
	struct cand_var *next;
};

struct cand {
	const xmlChar *name; /* the key: interned name, namespace, node kind */
	const void *ns;
	int kind;
	struct sch_cand_lists l;  /* for any parent */
	bool by_parent;       /* some alternative of l depends on the parent */
	size_t nvars;
	struct cand_var *vars; /* scratch memory */
};

/*
 * The lists of candidates kept across documents, by what decides them: the
 * rule set (its serial), the node kind, local name, namespace URI and
 * prefix. Most names come back in every invoice, and building a list
 * evaluates the name predicates of the wildcards. Generic contexts stay in
 * these lists: each document leaves out those whose node set is empty.
 * When the table or its pool is full, it starts again empty.
 */
#define XCAND_SLOTS      2048
#define XCAND_FILL_MAX   ((size_t)XCAND_SLOTS / 4 * 3)
#define XCAND_POOL_BYTES ((size_t)1 << 20)
struct xcand {
	uint64_t serial; /* the rule set's, 0 when the slot is free */
	uint64_t hash;
	int kind;
	const char *local, *uri, *prefix; /* in the pool; uri and prefix NULL without a namespace */
	uint32_t *start;                  /* npatterns + 1 offsets into alts, in the pool */
	const struct sch_alt **alts;
};

/*
 * Both tables are open-addressed indexes of 16-bit entry numbers (0: free)
 * over arrays filled in order: a short run touches a few pages of them, not
 * 170 KB of slots spread by the hash (each page a fresh process touches
 * costs it some 10 us on a virtual machine).
 */
struct sch_cands {
	struct xp_ctx *ctx;           /* of the document: scratch memory, names */
	const struct xp_seq *generic; /* node sets of the generic contexts */
	uint16_t *cidx;     /* CAND_SLOTS: 1 + the entry of cands, cleared per document */
	struct cand *cands; /* CAND_FILL_MAX entries */
	size_t ncands;      /* entries of this document */
	uint16_t *xidx;     /* XCAND_SLOTS: 1 + the entry of xc */
	struct xcand *xc;   /* XCAND_FILL_MAX entries */
	size_t nxc;
	char *xpool;        /* XCAND_POOL_BYTES */
	size_t xpool_used;
};

int sch_cands_new(struct sch_cands **out)
{
	struct sch_cands *t = tandem_calloc(1, sizeof *t);
	*out = NULL;
	if (!t)
		return TANDEM_ENOMEM;
	t->cidx = tandem_calloc(CAND_SLOTS, sizeof *t->cidx);
	t->cands = tandem_malloc(CAND_FILL_MAX * sizeof *t->cands);
	t->xidx = tandem_calloc(XCAND_SLOTS, sizeof *t->xidx);
	t->xc = tandem_malloc(XCAND_FILL_MAX * sizeof *t->xc);
	t->xpool = tandem_malloc(XCAND_POOL_BYTES);
	if (!t->cidx || !t->cands || !t->xidx || !t->xc || !t->xpool) {
		sch_cands_free(t);
		return TANDEM_ENOMEM;
	}
	*out = t;
	return 0;
}

void sch_cands_free(struct sch_cands *t)
{
	if (!t)
		return;
	tandem_free(t->cidx);
	tandem_free(t->cands);
	tandem_free(t->xidx);
	tandem_free(t->xc);
	tandem_free(t->xpool);
	tandem_free(t);
}

void sch_cands_begin(struct sch_cands *t, struct xp_ctx *c, const struct xp_seq *generic)
{
	t->ctx = c;
	t->generic = generic;
	memset(t->cidx, 0, CAND_SLOTS * sizeof *t->cidx);
	t->ncands = 0;
}

/* The node a pattern step's left side is matched against: the parent, or
 * the owner of an attribute. */
static xmlNodePtr up(xmlNodePtr n)
{
	return n->type == XML_DOCUMENT_NODE ? NULL : n->parent;
}

/* Whether pattern path asks its left side of the parent: after //, an
 * ancestor, not the parent, may match it. */
static bool parent_asked(const struct xp_expr *path)
{
	if (path->op != XP_OP_PATH)
		return false;
	int axis = path->kids[1]->axis;
	return axis == XP_AXIS_CHILD || axis == XP_AXIS_ATTRIBUTE;
}

/*
 * Whether up(n), p, can be the node the rest of pattern path matches, as far
 * as p's kind, name and namespace decide: match_step() tests the node test
 * of the left side's last step on p before anything else, and a left side
 * that is the root wants the document node. Seven alternatives are tried on
 * every cbc:ID of a UBL invoice; the parent's name rejects most of them.
 */
static bool parent_can(struct xp_ctx *c, const struct xp_expr *path, xmlNodePtr p)
{
	if (!parent_asked(path))
		return true;
	if (!p)
		return false;
	const struct xp_expr *left = path->kids[0];
	if (left->op == XP_OP_ROOT)
		return p->type == XML_DOCUMENT_NODE;
	const struct xp_expr *ls = sch_last_step(left);
	return !ls || sch_step_test(c, ls, p);
}

/*
 * Whether alternative a can match n, or a node of the same kind, name,
 * namespace and prefix, as far as those decide: 0 and *can, or
 * TANDEM_ELIMIT. A predicate that raises an error leaves the alternative
 * in, to raise it again when it is tried, as before.
 */
static int cand_can(struct sch_cands *r, const struct sch_alt *a, xmlNodePtr n, int kind,
		    bool *can)
{
	struct xp_ctx *c = r->ctx;
	*can = false;
	if (a->node_kind && a->node_kind != kind)
		return 0;
	*can = true;
	if (a->generic)
		return 0; /* decided per document (cand_doc) */
	const struct xp_expr *s = sch_last_step(a->path);
	if (!s)
		return 0;
	if (!sch_step_test(c, s, n)) {
		*can = false;
		return 0;
	}
	struct xp_item item = {.type = XP_NODE, .v.node = n};
	for (size_t i = 0; i < s->npreds && *can; i++) {
		const struct xp_expr *pe = xp_preds(s)[i];
		if (!pe->name_memo || !pe->plain || !pe->memo_id)
			break;
		if (xp_pred_keep(c, pe, &item, 1, 1, can)) {
			if (c->err == TANDEM_ELIMIT)
				return c->err;
			c->err = 0;
			*can = true;
			break;
		}
	}
	return 0;
}

/* The lists of candidates for node n, in scratch memory (d: the name dispatch of each pattern). */
static int cand_build(struct sch_cands *r, const struct sch_schema *s, const struct sch_dispatch *d,
		      xmlNodePtr n, int kind, uint32_t **start_out, const struct sch_alt ***alts_out)
{
	struct xp_ctx *c = r->ctx;
	size_t total = 0;
	for (size_t p = 0; p < s->npatterns; p++) {
		size_t i = sch_dispatch_slot(&d[p], n->name);
		total += (d[p].keys[i] ? d[p].groups[i]->n : 0) + s->patterns[p].nwild;
	}
	uint32_t *start = xp_alloc(c, (s->npatterns + 1) * sizeof *start);
	const struct sch_alt **alts = xp_alloc(c, (total ? total : 1) * sizeof(const struct sch_alt *));
	if (!start || !alts)
		return c->err ? c->err : TANDEM_ENOMEM;
	uint32_t m = 0;
	for (size_t p = 0; p < s->npatterns; p++) {
		const struct sch_pattern *pat = &s->patterns[p];
		size_t slot = sch_dispatch_slot(&d[p], n->name);
		const struct sch_name_group *g = d[p].keys[slot] ? d[p].groups[slot] : NULL;
		size_t i = 0, j = 0, ng = g ? g->n : 0;
		start[p] = m;
		while (i < ng || j < pat->nwild) {
			const struct sch_alt *a;
			if (j >= pat->nwild || (i < ng && g->alts[i]->rule < pat->wild[j]->rule))
				a = g->alts[i++];
			else
				a = pat->wild[j++];
			bool can = false;
			if (cand_can(r, a, n, kind, &can))
				return c->err;
			if (can)
				alts[m++] = a;
		}
	}
	start[s->npatterns] = m;
	*start_out = start;
	*alts_out = alts;
	return 0;
}

static const char *ns_uri(xmlNodePtr n)
{
	return n->ns ? (const char *)n->ns->href : NULL;
}

static const char *ns_prefix(xmlNodePtr n)
{
	return n->ns ? (const char *)n->ns->prefix : NULL;
}

static uint64_t hash_str(uint64_t h, const char *p)
{
	if (!p)
		return (h ^ 0x1ffu) * 0x100000001b3u;
	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3u;
	return (h ^ 0x100u) * 0x100000001b3u;
}

/*
 * A namespace URI by its length and its last 16 bytes: URIs are long and
 * share their beginnings, and the table compares the whole string anyway.
 */
static uint64_t hash_uri(uint64_t h, const char *p)
{
	if (!p)
		return hash_str(h, NULL);
	size_t n = strlen(p);
	h = (h ^ n) * 0x100000001b3u;
	return hash_str(h, p + (n > 16 ? n - 16 : 0));
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static uint64_t xcand_hash(uint64_t serial, int kind, xmlNodePtr n)
{
	uint64_t h = (0xcbf29ce484222325u ^ serial) * 0x100000001b3u;
	h = (h ^ (uint64_t)kind) * 0x100000001b3u;
	h = hash_str(h, (const char *)n->name);
	h = hash_uri(h, ns_uri(n));
	return hash_str(h, ns_prefix(n));
}

/* The index slot of the lists for n: it holds 0 when they are absent. */
static uint16_t *xcand_slot(struct sch_cands *r, uint64_t serial, uint64_t h, int kind,
			    xmlNodePtr n)
{
	for (size_t i = (size_t)(h >> 40) & (XCAND_SLOTS - 1);; i = (i + 1) & (XCAND_SLOTS - 1)) {
		if (!r->xidx[i])
			return &r->xidx[i];
		const struct xcand *x = &r->xc[r->xidx[i] - 1];
		if (x->serial == serial && x->hash == h && x->kind == kind &&
		    strcmp(x->local, (const char *)n->name) == 0 && same_str(x->uri, ns_uri(n)) &&
		    same_str(x->prefix, ns_prefix(n)))
			return &r->xidx[i];
	}
}

/* Bytes of the pool, aligned for any of its objects; NULL when it is full. */
static void *xpool_take(struct sch_cands *r, size_t n)
{
	size_t at = (r->xpool_used + 7) & ~(size_t)7;
	if (at > XCAND_POOL_BYTES || n > XCAND_POOL_BYTES - at)
		return NULL;
	r->xpool_used = at + n;
	return r->xpool + at;
}

static const char *xpool_str(struct sch_cands *r, const char *p, bool *full)
{
	if (!p)
		return NULL;
	size_t n = strlen(p) + 1;
	char *q = xpool_take(r, n);
	if (q)
		memcpy(q, p, n);
	*full |= !q;
	return q;
}

/* Keeps the lists built for n; when the table or the pool is full, forgets all first. */
static void xcand_put(struct sch_cands *r, const struct sch_schema *s, uint64_t h, int kind,
		      xmlNodePtr n, const uint32_t *start, const struct sch_alt *const *alts)
{
	size_t nstart = s->npatterns + 1, nalts = start[s->npatterns];
	for (int attempt = 0; attempt < 2; attempt++) {
		if (attempt || r->nxc >= XCAND_FILL_MAX) {
			memset(r->xidx, 0, XCAND_SLOTS * sizeof *r->xidx);
			r->nxc = 0;
			r->xpool_used = 0;
		}
		size_t mark = r->xpool_used;
		bool full = false;
		struct xcand x = {.serial = s->serial, .hash = h, .kind = kind};
		x.local = xpool_str(r, (const char *)n->name, &full);
		x.uri = xpool_str(r, ns_uri(n), &full);
		x.prefix = xpool_str(r, ns_prefix(n), &full);
		x.start = xpool_take(r, nstart * sizeof *x.start);
		x.alts = xpool_take(r, (nalts ? nalts : 1) * sizeof(const struct sch_alt *));
		if (full || !x.start || !x.alts) {
			r->xpool_used = mark;
			continue;
		}
		memcpy(x.start, start, nstart * sizeof *x.start);
		memcpy(x.alts, alts, nalts * sizeof(const struct sch_alt *));
		uint16_t *slot = xcand_slot(r, s->serial, h, kind, n);
		TANDEM_ASSERT(!*slot);
		r->xc[r->nxc++] = x;
		*slot = (uint16_t)r->nxc;
		return;
	}
}

/* Room in scratch memory for lists of at most total alternatives. */
static int lists_alloc(struct xp_ctx *c, const struct sch_schema *s, uint32_t total,
		       struct sch_cand_lists *l)
{
	l->start = xp_alloc(c, (s->npatterns + 1) * sizeof *l->start);
	l->alts = xp_alloc(c, (total ? total : 1) * sizeof(const struct sch_alt *));
	return l->start && l->alts ? 0 : c->err;
}

/* k's lists for this document: those given, less the generic contexts with an empty set. */
static int cand_doc(struct sch_cands *r, const struct sch_schema *s, struct cand *k,
		    const uint32_t *start, const struct sch_alt *const *alts)
{
	struct xp_ctx *c = r->ctx;
	uint32_t m = 0;
	if (lists_alloc(c, s, start[s->npatterns], &k->l))
		return c->err;
	for (size_t p = 0; p < s->npatterns; p++) {
		k->l.start[p] = m;
		for (uint32_t i = start[p]; i < start[p + 1]; i++)
			if (!alts[i]->generic || r->generic[alts[i]->generic_index].n)
				k->l.alts[m++] = alts[i];
	}
	k->l.start[s->npatterns] = m;
	k->by_parent = false;
	for (uint32_t i = 0; i < m && !k->by_parent; i++)
		k->by_parent = !k->l.alts[i]->generic && parent_asked(k->l.alts[i]->path);
	return 0;
}

/* The lists for n's name whatever its parent, into k (its key set). */
static int cand_any(struct sch_cands *r, const struct sch_schema *s, const struct sch_dispatch *d,
		    xmlNodePtr n, struct cand *k)
{
	uint64_t h = xcand_hash(s->serial, k->kind, n);
	const uint16_t *xi = xcand_slot(r, s->serial, h, k->kind, n);
	if (*xi) {
		const struct xcand *x = &r->xc[*xi - 1];
		return cand_doc(r, s, k, x->start, x->alts) ? r->ctx->err : 0;
	}
	uint32_t *start = NULL;
	const struct sch_alt **alts = NULL;
	if (cand_build(r, s, d, n, k->kind, &start, &alts) || !start || !alts)
		return r->ctx->err ? r->ctx->err : TANDEM_ENOMEM;
	xcand_put(r, s, h, k->kind, n, start, alts);
	return cand_doc(r, s, k, start, alts) ? r->ctx->err : 0;
}

/* k's lists less the alternatives parent p rules out, as a new variant of k. */
static int cand_var_add(struct sch_cands *r, const struct sch_schema *s, struct cand *k,
			xmlNodePtr p, const struct cand_var *key, const struct sch_cand_lists **out)
{
	struct xp_ctx *c = r->ctx;
	uint32_t m = 0;
	struct cand_var *v = xp_alloc(c, sizeof *v);
	if (!v)
		return c->err;
	*v = *key;
	if (lists_alloc(c, s, k->l.start[s->npatterns], &v->l))
		return c->err;
	for (size_t i = 0; i < s->npatterns; i++) {
		v->l.start[i] = m;
		for (uint32_t j = k->l.start[i]; j < k->l.start[i + 1]; j++) {
			const struct sch_alt *a = k->l.alts[j];
			if (a->generic || parent_can(c, a->path, p))
				v->l.alts[m++] = a;
		}
	}
	v->l.start[s->npatterns] = m;
	v->next = k->vars;
	k->vars = v;
	k->nvars++;
	*out = &v->l;
	return 0;
}

/* The entry of k's kind, name and namespace, built if needed; NULL when the table is full. */
static int cand_entry(struct sch_cands *r, const struct sch_schema *s, const struct sch_dispatch *d,
		      xmlNodePtr n, struct cand **out)
{
	int kind = sch_node_kind(n);
	const void *ns = n->ns;
	uintptr_t key = ((uintptr_t)n->name >> 4) ^ ((uintptr_t)ns >> 3) ^ (uintptr_t)kind;
	size_t i = (size_t)((key * 0x9E3779B97F4A7C15u) >> 40) & (CAND_SLOTS - 1);
	*out = NULL;
	for (; r->cidx[i]; i = (i + 1) & (CAND_SLOTS - 1)) {
		struct cand *k = &r->cands[r->cidx[i] - 1];
		if (k->name == n->name && k->ns == ns && k->kind == kind) {
			*out = k;
			return 0;
		}
	}
	if (r->ncands >= CAND_FILL_MAX)
		return 0;
	struct cand *k = &r->cands[r->ncands];
	*k = (struct cand){.name = n->name, .ns = ns, .kind = kind};
	int rc = cand_any(r, s, d, n, k);
	if (rc)
		return rc;
	r->cidx[i] = (uint16_t)++r->ncands;
	*out = k;
	return 0;
}

/* Built if needed: the entry of n's name, then the variant of its parent. */
int sch_cands_get(struct sch_cands *r, const struct sch_schema *s, const struct sch_dispatch *d,
		  xmlNodePtr n, const struct sch_cand_lists **out)
{
	struct cand *k = NULL;
	*out = NULL;
	int rc = cand_entry(r, s, d, n, &k);
	if (rc || !k)
		return rc;
	*out = &k->l;
	if (!k->by_parent)
		return 0;
	xmlNodePtr p = up(n);
	bool el = p && p->type == XML_ELEMENT_NODE;
	struct cand_var key = {.pname = el ? p->name : NULL, .pns = el ? p->ns : NULL,
			       .pkind = p ? sch_node_kind(p) : 0};
	for (const struct cand_var *v = k->vars; v; v = v->next) {
		if (v->pname == key.pname && v->pns == key.pns && v->pkind == key.pkind) {
			*out = &v->l;
			return 0;
		}
	}
	if (k->nvars >= CAND_VARS_MAX)
		return 0; /* the lists for any parent */
	return cand_var_add(r, s, k, p, &key, out);
}
