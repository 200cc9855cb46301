/*
 * src/einvoice/model_make.c - the paths of the binding table run
 * backwards: the writers make the nodes a path would select, so that
 * reading the document written gives back the value written.
 *
 * Each child step takes the first child that matches it (predicates
 * included) or appends a new one whose '=' predicates are made true. The
 * step a writer repeats (the one written "+name", else the last child
 * step) takes the n-th match instead: occurrence n of a repeated group or
 * term. A '!=' predicate is never made true: it only keeps a step off the
 * elements other rows own.
 */
#include <string.h>

#include <libxml/tree.h>

#include "einvoice/model.h"
#include "einvoice/model_path.h"
#include "tandem/error.h"

static xmlNsPtr ns_of(const struct einv_maker *m, const xmlChar *uri)
{
	return xmlSearchNsByHref(m->doc, m->root, uri);
}

/* The n-th child of parent that step st selects; NULL when fewer. */
static xmlNodePtr nth_match(const struct einv_maker *m, xmlNodePtr parent,
			    const struct einv_step *st, size_t n)
{
	for (xmlNodePtr c = parent->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && einv_step_matches(st, c, m->vars) && n-- == 0)
			return c;
	return NULL;
}

/* First child element of parent named as st (predicates ignored). */
static xmlNodePtr named_child(xmlNodePtr parent, const struct einv_step *st)
{
	for (xmlNodePtr c = parent->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns != NULL && xmlStrEqual(c->name, st->name) &&
		    xmlStrEqual(c->ns->href, st->ns))
			return c;
	return NULL;
}

static xmlNodePtr append(const struct einv_maker *m, xmlNodePtr parent,
			 const struct einv_step *st)
{
	xmlNsPtr ns = ns_of(m, st->ns);
	xmlNodePtr n;

	if (ns == NULL)
		return NULL;
	n = xmlNewDocNode(m->doc, ns, st->name, NULL);
	if (n != NULL && xmlAddChild(parent, n) == NULL) {
		xmlFreeNode(n);
		n = NULL;
	}
	return n;
}

int einv_node_set_text(xmlNodePtr node, const char *value)
{
	xmlNodePtr c = node->children;

	/* Replace any text there: the last row written wins. */
	while (c != NULL) {
		xmlNodePtr next = c->next;

		if (c->type == XML_TEXT_NODE) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		}
		c = next;
	}
	if (value[0] == '\0')
		return 0;
	c = xmlNewDocTextLen(node->doc, (const xmlChar *)value, (int)strlen(value));
	if (c == NULL || xmlAddChild(node, c) == NULL) {
		xmlFreeNode(c);
		return TANDEM_ENOMEM;
	}
	return 0;
}

/* Makes predicate pr true on node: its path made, its value set. */
static int make_pred(const struct einv_maker *m, xmlNodePtr node, const struct einv_pred *pr)
{
	const char *value = pr->var >= 0 ? m->vars[pr->var] : pr->literal;

	if (pr->negate)
		return 0;
	if (value == NULL)
		return TANDEM_ENOENT;
	for (size_t i = 0; i < pr->n_rel; i++) {
		const struct einv_step *st = &pr->rel[i];
		xmlNodePtr c;

		if (st->kind == EINV_STEP_ATTR)
			return xmlSetProp(node, st->name, (const xmlChar *)value) != NULL ?
				       0 : TANDEM_ENOMEM;
		c = named_child(node, st);
		if (c == NULL && (c = append(m, node, st)) == NULL)
			return TANDEM_ENOMEM;
		node = c;
	}
	return node->children == NULL ? einv_node_set_text(node, value) : 0;
}

static xmlNodePtr make_child(const struct einv_maker *m, xmlNodePtr parent,
			     const struct einv_step *st, int *err)
{
	xmlNodePtr c = append(m, parent, st);

	if (c == NULL) {
		*err = TANDEM_ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < st->n_preds && *err == 0; i++)
		*err = make_pred(m, c, &st->preds[i]);
	return *err == 0 ? c : NULL;
}

size_t einv_path_alts(const struct einv_path *p)
{
	return p->n_alts;
}

/* The index of the step repeated: marked '+', else the last child step. */
static size_t repeat_step(const struct einv_alt *alt)
{
	size_t last = alt->n;

	for (size_t i = 0; i < alt->n; i++) {
		if (alt->steps[i].repeat)
			return i;
		if (alt->steps[i].kind == EINV_STEP_CHILD)
			last = i;
	}
	return last;
}

int einv_path_make(const struct einv_maker *m, const struct einv_path *p, size_t alt,
		   xmlNodePtr ctx, bool repeated, size_t occurrence, const char *value,
		   xmlNodePtr *out)
{
	const struct einv_alt *a;
	size_t rep;
	xmlNodePtr node = ctx;
	int err = 0;

	*out = NULL;
	if (alt >= p->n_alts)
		return TANDEM_EINVAL;
	a = &p->alts[alt];
	rep = repeated ? repeat_step(a) : a->n;
	for (size_t i = 0; i < a->n; i++) {
		const struct einv_step *st = &a->steps[i];
		xmlNodePtr c;

		switch (st->kind) {
		case EINV_STEP_SELF:
			continue;
		case EINV_STEP_PARENT:
			if (node->parent == NULL || node->parent->type != XML_ELEMENT_NODE)
				return TANDEM_EINVAL;
			node = node->parent;
			continue;
		case EINV_STEP_ATTR:
			if (value != NULL &&
			    xmlSetProp(node, st->name, (const xmlChar *)value) == NULL)
				return TANDEM_ENOMEM;
			*out = node;
			return 0;
		case EINV_STEP_CHILD:
			break;
		}
		c = nth_match(m, node, st, i == rep ? occurrence : 0);
		if (c == NULL && (c = make_child(m, node, st, &err)) == NULL)
			return err;
		node = c;
	}
	if (value != NULL && (err = einv_node_set_text(node, value)) != 0)
		return err;
	*out = node;
	return 0;
}
