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
 * last step; per node kind, name, namespace and parent, the candidates of
 * every pattern are worked out once (sch_cand.c).
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "sch_cand.h"
#include "sch_value.h"

struct sch_runner {
	struct xp_ctx ctx;
	struct xp_seq *generic;  /* per document: node sets of generic contexts */
	struct sch_cands *cands; /* the candidate contexts of the nodes */
	struct sch_values *values; /* asserts' values kept by their inputs (sch_value.c) */
	bool values_off;         /* sch_runner_keep_values(false) */
	xmlDocPtr doc;           /* of the last run (sch_run_next) */
	size_t evaluated, quiet; /* asserts of the last run (sch_runner_counts) */
	char err[320];
};

int sch_runner_new(struct sch_runner **out)
{
	struct sch_runner *r = tandem_calloc(1, sizeof *r);
	*out = NULL;
	if (!r)
		return TANDEM_ENOMEM;
	int rc = sch_cands_new(&r->cands);
	if (!rc)
		rc = sch_values_new(&r->values);
	if (!rc)
		rc = xp_ctx_init(&r->ctx);
	if (rc) {
		sch_cands_free(r->cands);
		sch_values_free(r->values);
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
	sch_cands_free(r->cands);
	sch_values_free(r->values);
	tandem_free(r);
}

const char *sch_runner_error(const struct sch_runner *r)
{
	return r->err;
}

void sch_runner_counts(const struct sch_runner *r, size_t *evaluated, size_t *quiet)
{
	*evaluated = r->evaluated;
	*quiet = r->quiet;
}

size_t sch_runner_values_kept(const struct sch_runner *r)
{
	return sch_values_hits(r->values);
}

void sch_runner_keep_values(struct sch_runner *r, bool on)
{
	r->values_off = !on;
}

static int build_dispatch(struct xp_ctx *c, const struct sch_pattern *p, struct sch_dispatch *d)
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
		size_t i = sch_dispatch_slot(d, key);
		d->keys[i] = key;
		d->groups[i] = &p->groups[g];
	}
	return 0;
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
static int first_rule(struct sch_runner *r, const struct sch_pattern *p,
		      const struct sch_dispatch *d, xmlNodePtr n, size_t *rule)
{
	int kind = sch_node_kind(n);
	const struct sch_name_group *g = NULL;
	*rule = SIZE_MAX;
	if (!r->ctx.dict) {
		for (size_t i = 0; i < p->ngroups && !g; i++)
			if (n->name && strcmp(p->groups[i].local, (const char *)n->name) == 0)
				g = &p->groups[i];
	} else if (n->type != XML_DOCUMENT_NODE) {
		size_t i = sch_dispatch_slot(d, n->name);
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

/* The first rule of pattern p whose context matches n, among the candidates l. */
static int first_cand(struct sch_runner *r, const struct sch_cand_lists *l, size_t p, xmlNodePtr n,
		      size_t *rule)
{
	int kind = sch_node_kind(n);
	*rule = SIZE_MAX;
	for (uint32_t i = l->start[p]; i < l->start[p + 1]; i++) {
		bool ok = false;
		if (try_alt(r, l->alts[i], n, kind, &ok))
			return r->ctx.err;
		if (ok) {
			*rule = l->alts[i]->rule;
			return 0;
		}
	}
	return 0;
}

/*
 * Whether the document lacks one of the names that keep assert a silent
 * (sch_assert.quiet): then it holds, or the report does not fire, on any
 * node, without an error, and is not evaluated.
 */
static bool quiet(struct xp_ctx *c, const struct sch_assert *a)
{
	if (!c->dict)
		return false;
	for (size_t i = 0; i < a->nquiet; i++)
		if (!xp_resolve(c, a->quiet[i].local, a->quiet[i].name_id))
			return true;
	return false;
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
		if (!let_error && quiet(c, a)) {
			r->quiet++;
			continue;
		}
		r->evaluated++;
		size_t amark = xp_mark(c);
		bool ok = false, kept = false;
		const char *error = let_error;
		struct sch_value_key key;
		bool keyed = !error && a->nvalue && !r->values_off &&
			     sch_value_key(c, s->serial, (uint32_t)(rule->first_assert + i), a, n, &key);
		if (keyed)
			kept = sch_value_get(r->values, &key, &ok);
		if (!kept && !error && xp_eval_bool(c, a->test, &f, &ok)) {
			if (c->err == TANDEM_ELIMIT)
				return c->err;
			error = c->err_msg;
		} else if (keyed && !kept) {
			sch_value_put(r->values, &key, ok);
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

static int visit(struct sch_runner *r, const struct sch_schema *s, const struct sch_dispatch *d,
		 xmlNodePtr n, sch_event_fn fn, void *arg)
{
	struct xp_ctx *c = &r->ctx;
	const struct sch_cand_lists *k = NULL;
	if (c->dict && n->type != XML_DOCUMENT_NODE && sch_cands_get(r->cands, s, d, n, &k)) {
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
	r->evaluated = r->quiet = 0;
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
	sch_cands_begin(r->cands, c, r->generic);
	struct sch_dispatch *d = xp_alloc(c, (s->npatterns + 1) * sizeof *d);
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
