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
 * Contexts are XSLT match patterns, matched right to left: the node must
 * pass the last step (and its predicates, with the node's position among
 * the siblings that step would select), then its parent - or, after //, one
 * of its ancestors - must match the rest. Per pattern, the alternatives are
 * looked up by the local name of their last step.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "schematron_int.h"

struct sch_runner {
	struct xp_ctx ctx;
	struct xp_seq *generic; /* per document: node sets of generic contexts */
	char err[320];
};

int sch_runner_new(struct sch_runner **out)
{
	struct sch_runner *r = tandem_calloc(1, sizeof *r);
	*out = NULL;
	if (!r)
		return TANDEM_ENOMEM;
	int rc = xp_ctx_init(&r->ctx);
	if (rc) {
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
	tandem_free(r);
}

const char *sch_runner_error(const struct sch_runner *r)
{
	return r->err;
}

static xmlNodePtr parent_of(xmlNodePtr n)
{
	return n->type == XML_DOCUMENT_NODE ? NULL : n->parent;
}

/* Whether n passes the node test of a pattern step. */
static bool step_test(const struct xp_expr *s, xmlNodePtr n)
{
	const struct xp_test *t = &s->test;
	bool attr_axis = s->axis == XP_AXIS_ATTRIBUTE;
	xmlElementType principal = attr_axis ? XML_ATTRIBUTE_NODE : XML_ELEMENT_NODE;
	switch (t->kind) {
	case XP_TEST_NAME:
		if (n->type != principal || strcmp((const char *)n->name, t->local) != 0)
			return false;
		if (!t->ns)
			return !n->ns;
		return n->ns && n->ns->href && strcmp((const char *)n->ns->href, t->ns) == 0;
	case XP_TEST_ANY_NAME:
		return n->type == principal;
	case XP_TEST_NS_ANY:
		return n->type == principal && n->ns && n->ns->href &&
		       strcmp((const char *)n->ns->href, t->ns) == 0;
	case XP_TEST_LOCAL_ANY:
		return n->type == principal && strcmp((const char *)n->name, t->local) == 0;
	case XP_TEST_NODE:
		return attr_axis ? n->type == XML_ATTRIBUTE_NODE : n->type != XML_ATTRIBUTE_NODE;
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

/* Predicates of a pattern step, with n's position among its selected siblings. */
static int step_preds(struct xp_ctx *c, const struct xp_expr *s, xmlNodePtr n, bool *ok)
{
	*ok = true;
	if (!s->npreds)
		return 0;
	size_t pos = 0, size = 0;
	xmlNodePtr p = n->parent;
	xmlNodePtr first = s->axis == XP_AXIS_ATTRIBUTE
				   ? (p ? (xmlNodePtr)p->properties : n)
				   : (p ? p->children : n);
	for (xmlNodePtr k = first; k; k = k->next) {
		if (!step_test(s, k))
			continue;
		size++;
		if (k == n)
			pos = size;
	}
	if (!pos) {
		pos = size = 1;
	}
	/* Each predicate filters the sibling list; positions after the first
	 * predicate are rare in rule contexts and evaluated on that list. */
	for (size_t i = 0; i < s->npreds && *ok; i++) {
		struct xp_focus f = {.item = {.type = XP_NODE, .v.node = n}, .pos = pos, .size = size};
		size_t mark = xp_mark(c);
		struct xp_seq r;
		if (xp_eval(c, s->preds[i], &f, &r))
			return c->err;
		if (r.n == 1 && xp_is_numeric(r.it[0].type))
			*ok = xp_to_double(&r.it[0]) == (double)pos;
		else if (xp_ebv(c, &r, ok))
			return c->err;
		xp_reset(c, mark);
	}
	return 0;
}

static int match(struct xp_ctx *c, const struct xp_expr *p, xmlNodePtr n, bool *ok);

/* n is selected by step s applied to some node matching left (NULL: any). */
static int match_step(struct xp_ctx *c, const struct xp_expr *left, const struct xp_expr *s,
		      xmlNodePtr n, bool *ok)
{
	*ok = false;
	if (!step_test(s, n))
		return 0;
	bool preds;
	if (step_preds(c, s, n, &preds))
		return c->err;
	if (!preds)
		return 0;
	if (!left) {
		/* A relative pattern: any node with a parent (the root element's
		 * parent is the document node). */
		*ok = s->axis == XP_AXIS_DESCENDANT_OR_SELF || parent_of(n) != NULL;
		return 0;
	}
	switch (s->axis) {
	case XP_AXIS_CHILD:
	case XP_AXIS_ATTRIBUTE:
		return parent_of(n) ? match(c, left, parent_of(n), ok) : 0;
	case XP_AXIS_DESCENDANT:
		for (xmlNodePtr a = parent_of(n); a && !*ok; a = parent_of(a)) {
			if (match(c, left, a, ok))
				return c->err;
		}
		return 0;
	case XP_AXIS_DESCENDANT_OR_SELF:
		for (xmlNodePtr a = n; a && !*ok; a = parent_of(a)) {
			if (match(c, left, a, ok))
				return c->err;
		}
		return 0;
	default:
		return 0;
	}
}

static int match(struct xp_ctx *c, const struct xp_expr *p, xmlNodePtr n, bool *ok)
{
	*ok = false;
	switch (p->op) {
	case XP_OP_ROOT:
		*ok = n->type == XML_DOCUMENT_NODE;
		return 0;
	case XP_OP_STEP:
		return match_step(c, NULL, p, n, ok);
	case XP_OP_PATH:
		if (p->kids[1]->op != XP_OP_STEP)
			return 0;
		return match_step(c, p->kids[0], p->kids[1], n, ok);
	case XP_OP_UNION:
		if (match(c, p->kids[0], n, ok) || *ok)
			return c->err;
		return match(c, p->kids[1], n, ok);
	default:
		return 0;
	}
}

/* Membership of n in a node set sorted in document order. */
static bool in_set(const struct xp_seq *set, xmlNodePtr n)
{
	uintptr_t key = xp_node_order(n);
	size_t lo = 0, hi = set->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uintptr_t k = xp_node_order(set->it[mid].v.node);
		if (k == key)
			return set->it[mid].v.node == n;
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The first rule of pattern p whose context matches n, or SIZE_MAX. */
static int first_rule(struct sch_runner *r, const struct sch_pattern *p, xmlNodePtr n,
		      size_t *rule)
{
	struct xp_ctx *c = &r->ctx;
	*rule = SIZE_MAX;
	int kind = n->type == XML_ELEMENT_NODE ? XML_ELEMENT_NODE
		 : n->type == XML_ATTRIBUTE_NODE ? XML_ATTRIBUTE_NODE
						   : XML_DOCUMENT_NODE;
	for (size_t i = 0; i < p->nalts; i++) {
		const struct sch_alt *a = &p->alts[i];
		if (a->rule >= *rule)
			break;
		if (a->node_kind && a->node_kind != kind)
			continue;
		if (a->local && strcmp(a->local, (const char *)n->name) != 0)
			continue;
		if (a->generic) {
			if (in_set(&r->generic[a->generic_index], n))
				*rule = a->rule;
			continue;
		}
		bool ok;
		if (match(c, a->path, n, &ok))
			return c->err;
		if (ok)
			*rule = a->rule;
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
				if (r.it[k].type == XP_NODE && r.it[k].v.node->name)
					tandem_buf_puts(&b, (const char *)r.it[k].v.node->name);
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

static int visit(struct sch_runner *r, const struct sch_schema *s, xmlNodePtr n,
		 sch_event_fn fn, void *arg)
{
	struct xp_ctx *c = &r->ctx;
	for (size_t p = 0; p < s->npatterns; p++) {
		size_t rule;
		if (first_rule(r, &s->patterns[p], n, &rule)) {
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

int sch_run(struct sch_runner *r, const struct sch_schema *s, xmlDocPtr doc, sch_event_fn fn,
	    void *arg)
{
	struct xp_ctx *c = &r->ctx;
	int rc = 0;
	r->err[0] = '\0';
	xp_ctx_begin(c, doc);
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
		size_t k = 0;
		for (size_t j = 0; j < set->n; j++)
			if (set->it[j].type == XP_NODE)
				set->it[k++] = set->it[j];
		set->n = k;
		xp_sort_nodes(set);
	}
	rc = visit(r, s, (xmlNodePtr)doc, fn, arg);
	xmlNodePtr n = doc->children;
	while (n && !rc) {
		if (n->type == XML_ELEMENT_NODE) {
			rc = visit(r, s, n, fn, arg);
			for (xmlAttrPtr a = n->properties; a && !rc; a = a->next)
				rc = visit(r, s, (xmlNodePtr)a, fn, arg);
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
