/*
 * src/schematron/sch_run.c - runs a compiled Schematron rule set over a
 * document.
 *
 * One walk over the document visits the document node, then every element
 * followed by its attributes, in document order - the order in which the
 * XSLT skeleton applies its templates. For each node and each pattern the
 * first rule whose context matches fires: its lets are evaluated, then its
 * asserts and reports, with the node as context item.
 *
 * Contexts are XSLT match patterns, matched right to left (sch_match.c).
 * Per pattern, the alternatives are looked up by the local name of their
 * last step; per node kind, name and namespace, the candidates of every
 * pattern are worked out once (struct cand below).
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "schematron_int.h"

/*
 * The candidate alternatives of every pattern for the nodes of one kind,
 * name and namespace, in one document: the alternatives of the name's group
 * and the wildcards, in rule order, less those that no such node can match:
 * a generic context whose node set is empty, an alternative whose last
 * step's node test rejects the node, or one of the step's leading
 * predicates that depend only on the name (the `ends-with(name(),
 * 'Amount')` of UBL-DT-01's context, tried on every element). Built at the first node of that
 * kind, name and namespace; a node without any candidate is passed over.
 */
#define CAND_SLOTS    1024 /* per runner */
#define CAND_FILL_MAX ((size_t)CAND_SLOTS / 4 * 3) /* beyond, nodes take the long way */
struct cand {
	const xmlChar *name; /* the key: interned name, namespace, node kind */
	const void *ns;
	int kind;
	uint32_t *start;     /* npatterns + 1 offsets into alts, scratch memory */
	const struct sch_alt **alts;
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
struct sch_runner {
	struct xp_ctx ctx;
	struct xp_seq *generic; /* per document: node sets of generic contexts */
	uint16_t *cidx;         /* CAND_SLOTS: 1 + the entry of cands, cleared per document */
	struct cand *cands;     /* CAND_FILL_MAX entries */
	size_t ncands;          /* entries of this document */
	uint16_t *xidx;         /* XCAND_SLOTS: 1 + the entry of xc */
	struct xcand *xc;       /* XCAND_FILL_MAX entries */
	size_t nxc;
	char *xpool;            /* XCAND_POOL_BYTES */
	size_t xpool_used;
	xmlDocPtr doc;          /* of the last run (sch_run_next) */
	char err[320];
};

int sch_runner_new(struct sch_runner **out)
{
	struct sch_runner *r = tandem_calloc(1, sizeof *r);
	*out = NULL;
	if (!r)
		return TANDEM_ENOMEM;
	r->cidx = tandem_calloc(CAND_SLOTS, sizeof *r->cidx);
	r->cands = tandem_malloc(CAND_FILL_MAX * sizeof *r->cands);
	r->xidx = tandem_calloc(XCAND_SLOTS, sizeof *r->xidx);
	r->xc = tandem_malloc(XCAND_FILL_MAX * sizeof *r->xc);
	r->xpool = tandem_malloc(XCAND_POOL_BYTES);
	int rc = r->cidx && r->cands && r->xidx && r->xc && r->xpool ? xp_ctx_init(&r->ctx)
								      : TANDEM_ENOMEM;
	if (rc) {
		tandem_free(r->cidx);
		tandem_free(r->cands);
		tandem_free(r->xidx);
		tandem_free(r->xc);
		tandem_free(r->xpool);
		tandem_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void sch_runner_free(struct sch_runner *r)
{
	if (!r)
		return;
	xp_ctx_release(&r->ctx);
	xp_regex_release();
	tandem_free(r->cidx);
	tandem_free(r->cands);
	tandem_free(r->xidx);
	tandem_free(r->xc);
	tandem_free(r->xpool);
	tandem_free(r);
}

const char *sch_runner_error(const struct sch_runner *r)
{
	return r->err;
}

/*
 * Per document, each pattern's name groups are looked up by the interned
 * name of the node: a hash table from name pointer to group.
 */
struct dispatch {
	size_t slots; /* power of two */
	const xmlChar **keys;
	const struct sch_name_group **groups;
};

static size_t dispatch_slot(const struct dispatch *d, const xmlChar *key)
{
	size_t i = (((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15u) & (d->slots - 1);
	while (d->keys[i] && d->keys[i] != key)
		i = (i + 1) & (d->slots - 1);
	return i;
}

static int build_dispatch(struct xp_ctx *c, const struct sch_pattern *p, struct dispatch *d)
{
	d->slots = 16;
	while (d->slots < p->ngroups * 2)
		d->slots *= 2;
	d->keys = xp_alloc(c, d->slots * sizeof *d->keys);
	d->groups = xp_alloc(c, d->slots * sizeof(const struct sch_name_group *));
	if (!d->keys || !d->groups)
		return c->err;
	memset(d->keys, 0, d->slots * sizeof *d->keys);
	for (size_t g = 0; g < p->ngroups; g++) {
		const xmlChar *key = xp_resolve(c, p->groups[g].local, p->groups[g].name_id);
		if (!key)
			continue; /* no node of this document has the name */
		size_t i = dispatch_slot(d, key);
		d->keys[i] = key;
		d->groups[i] = &p->groups[g];
	}
	return 0;
}

static int node_kind(xmlNodePtr n)
{
	return n->type == XML_ELEMENT_NODE	? XML_ELEMENT_NODE
	       : n->type == XML_ATTRIBUTE_NODE ? XML_ATTRIBUTE_NODE
					       : XML_DOCUMENT_NODE;
}

static int try_alt(struct sch_runner *r, const struct sch_alt *a, xmlNodePtr n, int kind,
		   bool *ok)
{
	*ok = false;
	if (a->node_kind && a->node_kind != kind)
		return 0;
	if (a->generic) {
		*ok = sch_in_set(&r->generic[a->generic_index], n);
		return 0;
	}
	if (!r->ctx.dict && a->local && n->name && strcmp(a->local, (const char *)n->name) != 0)
		return 0;
	return sch_match(&r->ctx, a->path, n, ok);
}

/* The first rule of pattern p whose context matches n, or SIZE_MAX. */
static int first_rule(struct sch_runner *r, const struct sch_pattern *p, const struct dispatch *d,
		      xmlNodePtr n, size_t *rule)
{
	int kind = node_kind(n);
	const struct sch_name_group *g = NULL;
	*rule = SIZE_MAX;
	if (!r->ctx.dict) {
		for (size_t i = 0; i < p->ngroups && !g; i++)
			if (n->name && strcmp(p->groups[i].local, (const char *)n->name) == 0)
				g = &p->groups[i];
	} else if (n->type != XML_DOCUMENT_NODE) {
		size_t i = dispatch_slot(d, n->name);
		g = d->keys[i] ? d->groups[i] : NULL;
	}
	/* Merge the name group and the wildcards, both in rule order. */
	size_t i = 0, j = 0, ng = g ? g->n : 0;
	while (i < ng || j < p->nwild) {
		const struct sch_alt *a;
		if (j >= p->nwild || (i < ng && g->alts[i]->rule < p->wild[j]->rule))
			a = g->alts[i++];
		else
			a = p->wild[j++];
		if (a->rule >= *rule)
			break;
		bool ok = false;
		if (try_alt(r, a, n, kind, &ok))
			return r->ctx.err;
		if (ok)
			*rule = a->rule;
	}
	return 0;
}

/*
 * Whether alternative a can match n, or a node of the same kind, name,
 * namespace and prefix, as far as those decide: 0 and *can, or
 * TANDEM_ELIMIT. A
 * predicate that raises an error leaves the alternative in, to raise it
 * again when it is tried, as before.
 */
static int cand_can(struct sch_runner *r, const struct sch_alt *a, xmlNodePtr n, int kind,
		    bool *can)
{
	struct xp_ctx *c = &r->ctx;
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
static int cand_build(struct sch_runner *r, const struct sch_schema *s, const struct dispatch *d,
		      xmlNodePtr n, int kind, uint32_t **start_out, const struct sch_alt ***alts_out)
{
	struct xp_ctx *c = &r->ctx;
	size_t total = 0;
	for (size_t p = 0; p < s->npatterns; p++) {
		size_t i = dispatch_slot(&d[p], n->name);
		total += (d[p].keys[i] ? d[p].groups[i]->n : 0) + s->patterns[p].nwild;
	}
	uint32_t *start = xp_alloc(c, (s->npatterns + 1) * sizeof *start);
	const struct sch_alt **alts = xp_alloc(c, (total ? total : 1) * sizeof(const struct sch_alt *));
	if (!start || !alts)
		return c->err ? c->err : TANDEM_ENOMEM;
	uint32_t m = 0;
	for (size_t p = 0; p < s->npatterns; p++) {
		const struct sch_pattern *pat = &s->patterns[p];
		size_t slot = dispatch_slot(&d[p], n->name);
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
static uint16_t *xcand_slot(struct sch_runner *r, uint64_t serial, uint64_t h, int kind,
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
static void *xpool_take(struct sch_runner *r, size_t n)
{
	size_t at = (r->xpool_used + 7) & ~(size_t)7;
	if (at > XCAND_POOL_BYTES || n > XCAND_POOL_BYTES - at)
		return NULL;
	r->xpool_used = at + n;
	return r->xpool + at;
}

static const char *xpool_str(struct sch_runner *r, const char *p, bool *full)
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
static void xcand_put(struct sch_runner *r, const struct sch_schema *s, uint64_t h, int kind,
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

/* k's lists for this document: those given, less the generic contexts with an empty set. */
static int cand_doc(struct sch_runner *r, const struct sch_schema *s, struct cand *k,
		    const uint32_t *start, const struct sch_alt *const *alts)
{
	struct xp_ctx *c = &r->ctx;
	uint32_t total = start[s->npatterns], m = 0;
	k->start = xp_alloc(c, (s->npatterns + 1) * sizeof *k->start);
	k->alts = xp_alloc(c, (total ? total : 1) * sizeof(const struct sch_alt *));
	if (!k->start || !k->alts)
		return c->err;
	for (size_t p = 0; p < s->npatterns; p++) {
		k->start[p] = m;
		for (uint32_t i = start[p]; i < start[p + 1]; i++)
			if (!alts[i]->generic || r->generic[alts[i]->generic_index].n)
				k->alts[m++] = alts[i];
	}
	k->start[s->npatterns] = m;
	return 0;
}

/*
 * The candidates for n, built if needed: 0 with *out (NULL when the table
 * is full), or an error.
 */
static int cand_get(struct sch_runner *r, const struct sch_schema *s, const struct dispatch *d,
		    xmlNodePtr n, const struct cand **out)
{
	int kind = node_kind(n);
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
	uint64_t h = xcand_hash(s->serial, kind, n);
	const uint16_t *xi = xcand_slot(r, s->serial, h, kind, n);
	if (*xi) {
		const struct xcand *x = &r->xc[*xi - 1];
		if (cand_doc(r, s, k, x->start, x->alts))
			return r->ctx.err;
	} else {
		uint32_t *start = NULL;
		const struct sch_alt **alts = NULL;
		if (cand_build(r, s, d, n, kind, &start, &alts) || !start || !alts)
			return r->ctx.err ? r->ctx.err : TANDEM_ENOMEM;
		xcand_put(r, s, h, kind, n, start, alts);
		if (cand_doc(r, s, k, start, alts))
			return r->ctx.err;
	}
	r->cidx[i] = (uint16_t)++r->ncands;
	*out = k;
	return 0;
}

/* The first rule of pattern p whose context matches n, among k's candidates. */
static int first_cand(struct sch_runner *r, const struct cand *k, size_t p, xmlNodePtr n,
		      size_t *rule)
{
	int kind = k->kind;
	*rule = SIZE_MAX;
	for (uint32_t i = k->start[p]; i < k->start[p + 1]; i++) {
		bool ok = false;
		if (try_alt(r, k->alts[i], n, kind, &ok))
			return r->ctx.err;
		if (ok) {
			*rule = k->alts[i]->rule;
			return 0;
		}
	}
	return 0;
}

/* Message of a fired assert, with value-of and name evaluated, spaces normalized. */
static const char *message(struct xp_ctx *c, const struct sch_assert *a, const struct xp_focus *f)
{
	struct tandem_buf b;
	tandem_buf_init(&b, TANDEM_DIAG_MESSAGE_MAX);
	for (size_t i = 0; i < a->nparts; i++) {
		const struct sch_part *p = &a->parts[i];
		if (p->kind == SCH_PART_TEXT) {
			tandem_buf_puts(&b, p->text);
			continue;
		}
		struct xp_seq r = {0};
		if (p->kind == SCH_PART_NAME && !p->expr) {
			r.it = (struct xp_item *)&f->item;
			r.n = 1;
		} else if (xp_eval(c, p->expr, f, &r)) {
			c->err = 0;
			tandem_buf_puts(&b, "?");
			continue;
		}
		for (size_t k = 0; k < r.n; k++) {
			const char *s;
			size_t len;
			if (k)
				tandem_buf_putc(&b, ' ');
			if (p->kind == SCH_PART_NAME) {
				/* name(): the prefixed name, as the skeleton writes it. */
				xmlNodePtr node = r.it[k].type == XP_NODE ? r.it[k].v.node : NULL;
				if (node && node->name && node->type != XML_DOCUMENT_NODE) {
					if (node->ns && node->ns->prefix)
						tandem_buf_printf(&b, "%s:", (const char *)node->ns->prefix);
					tandem_buf_puts(&b, (const char *)node->name);
				}
			} else if (xp_item_string(c, &r.it[k], &s, &len) == 0) {
				tandem_buf_append(&b, s, len);
			}
		}
	}
	/* Normalize space: the schema's line breaks and indentation go. */
	size_t len = b.len, k = 0;
	char *out = xp_alloc(c, len + 1);
	if (!out) {
		tandem_buf_release(&b);
		c->err = 0;
		return a->message_text;
	}
	bool gap = false;
	for (size_t i = 0; i < len; i++) {
		char ch = b.data[i];
		if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
			gap = k > 0;
			continue;
		}
		if (gap)
			out[k++] = ' ';
		gap = false;
		out[k++] = ch;
	}
	out[k] = '\0';
	tandem_buf_release(&b);
	return out;
}

static int fire(struct sch_runner *r, const struct sch_schema *s, const struct sch_rule *rule,
		xmlNodePtr n, sch_event_fn fn, void *arg)
{
	struct xp_ctx *c = &r->ctx;
	struct xp_focus f = {.item = {.type = XP_NODE, .v.node = n}, .pos = 1, .size = 1};
	size_t mark = xp_mark(c);
	const char *let_error = NULL;
	for (size_t i = 0; i < rule->nlets; i++) {
		if (xp_eval(c, rule->lets[i].value, &f, &c->vars[rule->lets[i].slot])) {
			if (c->err == TANDEM_ELIMIT)
				return c->err;
			let_error = c->err_msg;
			break;
		}
	}
	for (size_t i = 0; i < rule->nasserts; i++) {
		const struct sch_assert *a = &s->asserts[rule->first_assert + i];
		size_t amark = xp_mark(c);
		bool ok = false;
		const char *error = let_error;
		if (!error && xp_eval_bool(c, a->test, &f, &ok)) {
			if (c->err == TANDEM_ELIMIT)
				return c->err;
			error = c->err_msg;
		}
		if (error || ok == a->report) {
			char err_copy[300];
			if (error) {
				snprintf(err_copy, sizeof err_copy, "%s: %s", c->err_code, error);
				c->err = 0;
			}
			struct sch_event ev = {
				.id = a->id,
				.flag = a->flag,
				.message = message(c, a, &f),
				.node = n,
				.error = error ? err_copy : NULL,
			};
			int rc = fn(arg, &ev);
			if (rc)
				return rc;
		}
		xp_reset(c, amark);
	}
	c->err = 0;
	xp_reset(c, mark);
	return 0;
}

static int visit(struct sch_runner *r, const struct sch_schema *s, const struct dispatch *d,
		 xmlNodePtr n, sch_event_fn fn, void *arg)
{
	struct xp_ctx *c = &r->ctx;
	const struct cand *k = NULL;
	if (c->dict && n->type != XML_DOCUMENT_NODE && cand_get(r, s, d, n, &k)) {
		if (c->err == TANDEM_ELIMIT)
			return c->err;
		c->err = 0;
		k = NULL; /* out of scratch memory: the long way */
	}
	if (k && k->start[s->npatterns] == 0)
		return 0; /* no context of any pattern can match n */
	for (size_t p = 0; p < s->npatterns; p++) {
		size_t rule;
		if (k ? first_cand(r, k, p, n, &rule)
		      : first_rule(r, &s->patterns[p], &d[p], n, &rule)) {
			if (c->err == TANDEM_ELIMIT)
				return c->err;
			c->err = 0; /* a context predicate failed: the rule does not match */
			continue;
		}
		if (rule == SIZE_MAX)
			continue;
		int rc = fire(r, s, &s->patterns[p].rules[rule], n, fn, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* A run of s over doc; again: doc is the document of the runner's last run. */
static int run(struct sch_runner *r, const struct sch_schema *s, xmlDocPtr doc, bool again,
	       sch_event_fn fn, void *arg)
{
	struct xp_ctx *c = &r->ctx;
	int rc = 0;
	r->err[0] = '\0';
	memset(r->cidx, 0, CAND_SLOTS * sizeof *r->cidx);
	r->ncands = 0;
	if (again)
		xp_ctx_again(c);
	else
		xp_ctx_begin(c, doc);
	r->doc = doc;
	xp_ctx_names_from_doc(c, &s->names);
	struct xp_focus f = {.item = {.type = XP_NODE, .v.node = (xmlNodePtr)doc}, .pos = 1, .size = 1};
	for (size_t i = 0; i < s->nglobals; i++) {
		if (xp_eval(c, s->globals[i].value, &f, &c->vars[s->globals[i].slot])) {
			rc = c->err;
			snprintf(r->err, sizeof r->err, "global variable: %s: %s", c->err_code,
				 c->err_msg);
			return rc == TANDEM_ELIMIT ? rc : TANDEM_EBADINPUT;
		}
	}
	/* Contexts that are not plain paths: their node sets, once. */
	r->generic = xp_alloc(c, (s->ngeneric + 1) * sizeof *r->generic);
	if (!r->generic)
		return c->err;
	for (size_t i = 0; i < s->ngeneric; i++) {
		struct xp_seq *set = &r->generic[i];
		if (xp_eval(c, s->generic[i], &f, set)) {
			if (c->err == TANDEM_ELIMIT)
				return c->err;
			c->err = 0;
			set->n = 0; /* a context that raises an error matches nothing */
		}
		/* Filtered and sorted in place: a private copy (values are shared). */
		struct xp_item *own = xp_alloc(c, (set->n ? set->n : 1) * sizeof *own);
		if (!own)
			return c->err;
		if (set->n)
			memcpy(own, set->it, set->n * sizeof *own);
		set->it = own;
		size_t k = 0;
		for (size_t j = 0; j < set->n; j++)
			if (set->it[j].type == XP_NODE)
				set->it[k++] = set->it[j];
		set->n = k;
		xp_sort_nodes(set);
	}
	struct dispatch *d = xp_alloc(c, (s->npatterns + 1) * sizeof *d);
	if (!d)
		return c->err;
	for (size_t p = 0; p < s->npatterns; p++)
		if (build_dispatch(c, &s->patterns[p], &d[p]))
			return c->err;
	rc = visit(r, s, d, (xmlNodePtr)doc, fn, arg);
	xmlNodePtr n = doc->children;
	while (n && !rc) {
		if (n->type == XML_ELEMENT_NODE) {
			rc = visit(r, s, d, n, fn, arg);
			for (xmlAttrPtr a = n->properties; a && !rc; a = a->next)
				rc = visit(r, s, d, (xmlNodePtr)a, fn, arg);
			if (!rc && n->children) {
				n = n->children;
				continue;
			}
		}
		while (n && !n->next) {
			n = n->parent;
			if (n && n->type == XML_DOCUMENT_NODE)
				n = NULL;
		}
		if (n)
			n = n->next;
	}
	if (rc == TANDEM_ELIMIT)
		snprintf(r->err, sizeof r->err, "%s", c->err_msg);
	return rc;
}

int sch_run(struct sch_runner *r, const struct sch_schema *s, xmlDocPtr doc, sch_event_fn fn,
	    void *arg)
{
	return run(r, s, doc, false, fn, arg);
}

int sch_run_next(struct sch_runner *r, const struct sch_schema *s, xmlDocPtr doc,
		 sch_event_fn fn, void *arg)
{
	return run(r, s, doc, r->doc == doc, fn, arg);
}
