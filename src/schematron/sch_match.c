/*
 * src/schematron/sch_match.c - rule contexts as XSLT match patterns, matched
 * right to left: the node must pass the last step (and its predicates, with
 * the node's position among the siblings that step would select), then its
 * parent - or, after //, one of its ancestors - must match the rest.
 * sch_run.c finds the candidate contexts of a node and tries them here.
 */
#include "core/core.h"
#include "schematron_int.h"

static xmlNodePtr parent_of(xmlNodePtr n)
{
	return n->type == XML_DOCUMENT_NODE ? NULL : n->parent;
}

/* Whether n passes the node test of a pattern step. */
bool sch_step_test(struct xp_ctx *c, const struct xp_expr *s, xmlNodePtr n)
{
	return xp_test_node(c, n, &s->test, xp_axis_attr(s->axis));
}

/* Predicates of a pattern step, with n's position among its selected siblings. */
static int step_preds(struct xp_ctx *c, const struct xp_expr *s, xmlNodePtr n, bool *ok)
{
	*ok = true;
	if (!s->npreds)
		return 0;
	size_t pos = 0, size = 0;
	xmlNodePtr p = n->parent;
	xmlNodePtr first = xp_axis_attr(s->axis)
				   ? (p ? (xmlNodePtr)p->properties : n)
				   : (p ? p->children : n);
	if (s->plain_preds)
		first = NULL; /* no predicate reads the position */
	for (xmlNodePtr k = first; k; k = k->next) {
		if (!sch_step_test(c, s, k))
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
	struct xp_item item = {.type = XP_NODE, .v.node = n};
	for (size_t i = 0; i < s->npreds && *ok; i++) {
		if (xp_pred_keep(c, xp_preds(s)[i], &item, pos, size, ok))
			return c->err;
	}
	return 0;
}

/* n is selected by step s applied to some node matching left (NULL: any). */
static int match_step(struct xp_ctx *c, const struct xp_expr *left, const struct xp_expr *s,
		      xmlNodePtr n, bool *ok)
{
	*ok = false;
	if (!sch_step_test(c, s, n))
		return 0;
	bool preds = false;
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
		return parent_of(n) ? sch_match(c, left, parent_of(n), ok) : 0;
	case XP_AXIS_DESCENDANT:
		for (xmlNodePtr a = parent_of(n); a && !*ok; a = parent_of(a)) {
			if (sch_match(c, left, a, ok))
				return c->err;
		}
		return 0;
	case XP_AXIS_DESCENDANT_ATTRIBUTE:
		/* left//@x: the owner element or one of its ancestors matches left. */
		for (xmlNodePtr a = parent_of(n); a && !*ok; a = parent_of(a)) {
			if (sch_match(c, left, a, ok))
				return c->err;
		}
		return 0;
	case XP_AXIS_DESCENDANT_OR_SELF:
		for (xmlNodePtr a = n; a && !*ok; a = parent_of(a)) {
			if (sch_match(c, left, a, ok))
				return c->err;
		}
		return 0;
	default:
		return 0;
	}
}

int sch_match(struct xp_ctx *c, const struct xp_expr *p, xmlNodePtr n, bool *ok)
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
		if (sch_match(c, p->kids[0], n, ok) || *ok)
			return c->err;
		return sch_match(c, p->kids[1], n, ok);
	default:
		return 0;
	}
}

/* Membership of n in a node set sorted in document order. */
bool sch_in_set(const struct xp_seq *set, xmlNodePtr n)
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

/* The last step of a path pattern, or NULL. */
const struct xp_expr *sch_last_step(const struct xp_expr *p)
{
	if (p->op == XP_OP_STEP)
		return p;
	if (p->op == XP_OP_PATH && p->kids[1]->op == XP_OP_STEP)
		return p->kids[1];
	return NULL;
}
